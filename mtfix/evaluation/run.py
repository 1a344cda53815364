"""``mtfix eval``: raw vs repaired MT, scored with sacrebleu (and GLEU), fixer by fixer.

An :class:`EvalSet` is one parallel set: the outputs of one or more MT systems, one or more reference
streams, optionally the source. :func:`evaluate` runs every fixer over every system's lines (each
distinct line once per fixer) and returns one :class:`Row` per set x system x fixer: corpus scores raw
and repaired, sentences changed, wins and losses (sentence chrF up or down) and a paired bootstrap
p-value. :func:`render` turns a :class:`Report` into text, markdown or JSON.

Corpus scores are sacrebleu's, computed from its per-sentence statistics so that a repaired output
re-scores only the lines a fixer changed (the sums are exactly what ``corpus_score`` adds up).
"""
from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from mtfix.evaluation.baselines import Cached, Fixer
from mtfix.result import Progress
from mtfix.text.moses import detokenizer, tokenizer
from mtfix.text.textio import InputError, read_lines
from mtfix.version import __version__

PRESETS = ("wmt13", "wmt21", "jfleg", "mlqe")
MLQE_PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
METRIC_NAMES = {"bleu": "BLEU", "chrf": "chrF2", "ter": "TER", "gleu": "GLEU"}
HIGHER_IS_BETTER = {"bleu": True, "chrf": True, "ter": False, "gleu": True}
BOOTSTRAP_SAMPLES = 1000
SIGNIFICANT = 0.05



@dataclass
class EvalSet:
    """One parallel set: system outputs and references, line-aligned."""

    name: str
    systems: dict[str, list[str]]  # system name -> its output, as scored
    refs: list[list[str]]  # reference streams, each as long as the outputs
    metrics: tuple[str, ...] = ("bleu", "chrf", "ter")
    test_metric: str = "chrf"  # the metric of the paired significance test
    # Moses-tokenised text (JFLEG): fixers see it detokenised, and a changed line is re-tokenised
    # before scoring, so that scores stay comparable with published ones.
    tokenized: bool = False
    source: list[str] | None = None  # what was translated; checked for length, not scored

    def __post_init__(self) -> None:
        if not self.systems:
            raise InputError(f"{self.name}: no system outputs")
        if not self.refs:
            raise InputError(f"{self.name}: no references")
        for metric in (*self.metrics, self.test_metric):
            if metric not in METRIC_NAMES:
                raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRIC_NAMES)}")
        if self.test_metric == "gleu":
            raise ValueError("the significance test supports bleu, chrf and ter, not gleu")
        n = len(next(iter(self.systems.values())))
        streams = [(f"system {k}", v) for k, v in self.systems.items()]
        streams += [(f"reference {k + 1}", r) for k, r in enumerate(self.refs)]
        streams += [("source", self.source)] if self.source is not None else []
        for what, lines in streams:
            if len(lines) != n:
                raise InputError(f"{self.name}: {what} has {len(lines)} lines, expected {n}")

    def __len__(self) -> int:
        return len(next(iter(self.systems.values())))

    def subset(self, indices: Sequence[int]) -> EvalSet:
        """The same set restricted to ``indices`` (for every system alike)."""
        pick = lambda lines: [lines[i] for i in indices]  # noqa: E731
        return EvalSet(self.name, {k: pick(v) for k, v in self.systems.items()},
                       [pick(r) for r in self.refs], self.metrics, self.test_metric, self.tokenized,
                       pick(self.source) if self.source is not None else None)


@dataclass(frozen=True)
class Row:
    """One system x fixer: corpus scores raw and repaired (metric key -> score)."""

    set: str
    system: str
    fixer: str
    sentences: int
    changed: int  # lines the fixer changed
    wins: int  # changed lines whose sentence chrF went up
    losses: int  # ... went down
    raw: dict[str, float]
    repaired: dict[str, float]
    test_metric: str
    p_value: float  # paired bootstrap, repaired vs raw on ``test_metric``; 1.0 when nothing changed

    @property
    def delta(self) -> dict[str, float]:
        return {k: self.repaired[k] - self.raw[k] for k in self.raw}

    @property
    def verdict(self) -> str:
        """``better``/``worse`` when significant at 0.05 on the test metric, else ``same``."""
        d = self.delta[self.test_metric]
        if self.p_value >= SIGNIFICANT or d == 0:
            return "same"
        return "better" if (d > 0) == HIGHER_IS_BETTER[self.test_metric] else "worse"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "delta": self.delta, "verdict": self.verdict}


@dataclass
class Report:
    """All rows of a run, with what is needed to reproduce it."""

    rows: list[Row]
    limit: int
    seed: int
    fixers: dict[str, str]  # fixer name -> its signature
    metrics: dict[str, dict[str, str]]  # set name -> metric key -> signature
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # set -> (lines scored, lines in set)

    @property
    def signature(self) -> str:
        """The run in one line: mtfix version, sampling, test; fixers and metrics have their own."""
        return (f"mtfix:{__version__}|limit:{self.limit or 'all'}|seed:{self.seed}"
                f"|test:paired-bs:{BOOTSTRAP_SAMPLES}|fixers:{','.join(self.fixers)}")

    def summary(self) -> list[dict[str, Any]]:
        """Per set x fixer: mean deltas over systems, totals, systems significantly better/worse."""
        out = []
        for key in dict.fromkeys((r.set, r.fixer) for r in self.rows):
            rows = [r for r in self.rows if (r.set, r.fixer) == key]
            out.append({
                "set": key[0], "fixer": key[1], "systems": len(rows),
                "mean_delta": {m: sum(r.delta[m] for r in rows) / len(rows) for m in rows[0].raw},
                "sentences": sum(r.sentences for r in rows), "changed": sum(r.changed for r in rows),
                "wins": sum(r.wins for r in rows), "losses": sum(r.losses for r in rows),
                "better": sum(r.verdict == "better" for r in rows),
                "worse": sum(r.verdict == "worse" for r in rows)})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "limit": self.limit, "seed": self.seed,
                "fixers": self.fixers, "metrics": self.metrics,
                "sizes": {k: list(v) for k, v in self.sizes.items()},
                "rows": [r.to_dict() for r in self.rows], "summary": self.summary()}


# --- loading ---------------------------------------------------------------------------------

def load_files(mt: Sequence[str], refs: Sequence[str], src: str | None = None, *, name: str = "custom",
               metrics: Sequence[str] = ("bleu", "chrf", "ter"), tokenized: bool = False) -> EvalSet:
    """A set from files: each ``mt`` file is one system, named after its file."""
    names = [Path(p).name for p in mt]
    if len(set(names)) < len(names):  # same file name in different folders: use the paths
        names = list(mt)
    test = "chrf" if "chrf" in metrics else next((m for m in metrics if m != "gleu"), "chrf")
    return EvalSet(name, {n: read_lines(p) for n, p in zip(names, mt)}, [read_lines(r) for r in refs],
                   tuple(metrics), test, tokenized, read_lines(src) if src else None)


def default_data_dir() -> Path:
    """``$MTFIX_EVAL_DATA``, else ``shared/data/dev`` beside the source tree (``../shared/data/dev``)."""
    if os.environ.get("MTFIX_EVAL_DATA"):
        return Path(os.environ["MTFIX_EVAL_DATA"])
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "dev"


def load_sets(preset: str | None = None, data: str | Path | None = None, pairs: Sequence[str] = (),
              mt: Sequence[str] = (), refs: Sequence[str] = (), src: str | None = None,
              metrics: Sequence[str] = (), tokenized: bool = False,
              systems: Sequence[str] = ()) -> list[EvalSet]:
    """A preset's sets (optionally only ``systems``, other ``metrics``) or one set from files."""
    if preset is not None and (mt or refs or src):
        raise ValueError("give either a preset or --mt/--ref files, not both")
    if preset is None:
        if not mt or not refs:
            raise ValueError("give a preset, or at least one --mt and one --ref file")
        sets = [load_files(mt, refs, src, metrics=tuple(metrics) or ("bleu", "chrf", "ter"),
                           tokenized=tokenized)]
    else:
        sets = load_preset(preset, data if data is not None else default_data_dir(), list(pairs) or None)
        if metrics:
            sets = [replace(s, metrics=tuple(metrics)) for s in sets]  # replace() validates again
    if systems:
        known = {name for s in sets for name in s.systems}
        unknown = [name for name in systems if name not in known]
        if unknown:
            raise ValueError(f"unknown system {unknown[0]!r}; known: {', '.join(sorted(known))}")
        sets = [replace(s, systems={k: v for k, v in s.systems.items() if k in systems})
                for s in sets if any(k in systems for k in s.systems)]
    return sets


def load_preset(preset: str, data: str | Path, pairs: Sequence[str] | None = None) -> list[EvalSet]:
    """The sets of a preset under ``data`` (the ``dev`` folder of the shared data)."""
    data = Path(data)
    if not data.is_dir():
        raise InputError(f"{data}: no such data folder")
    if preset in ("wmt13", "wmt21"):
        if pairs and list(pairs) != ["ru-en"]:
            raise InputError(f"{preset} has ru-en only, not {', '.join(pairs)}")
        folder = data / f"{preset}-ruen"
        hyps = sorted(folder.glob("hyp.*.en"))
        if not hyps:
            raise InputError(f"{folder}: no system outputs (hyp.*.en)")
        refs = [folder / "ref.en"] if preset == "wmt13" else [folder / "ref.A.en", folder / "ref.B.en"]
        src = folder / "src.ru"
        systems = {p.name[len("hyp."):-len(".en")]: read_lines(p) for p in hyps}
        return [EvalSet(f"{preset}-ruen", systems, [read_lines(r) for r in refs],
                        source=read_lines(src) if src.exists() else None)]
    if preset == "jfleg":
        folder = data / "jfleg-dev"
        refs = [read_lines(folder / f"dev.ref{k}") for k in range(4)]
        return [EvalSet("jfleg-dev", {"source": read_lines(folder / "dev.src")}, refs,
                        metrics=("gleu", "chrf"), tokenized=True)]
    if preset == "mlqe":
        detok = detokenizer()
        sets = []
        for pair in pairs or MLQE_PAIRS:
            folder = data / "mlqe-pe" / f"{pair}-dev"
            if not folder.is_dir():
                raise InputError(f"{folder}: no such folder (pairs: {', '.join(MLQE_PAIRS)})")
            # Post-edits and MT are tokenised; sacrebleu expects plain text, so both are detokenised.
            mt = [detok(line) for line in read_lines(folder / "dev.mt")]
            pe = [detok(line) for line in read_lines(folder / "dev.pe")]
            src = folder / "dev.src"
            sets.append(EvalSet(f"mlqe-{pair}", {"mt": mt}, [pe], metrics=("ter", "bleu", "chrf"),
                                test_metric="ter", source=read_lines(src) if src.exists() else None))
        return sets
    raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")


# --- evaluation ------------------------------------------------------------------------------

def sample_indices(n: int, limit: int, seed: int) -> list[int]:
    """``limit`` line numbers out of ``n``, sorted, the same for every system; all when 0 or >= n."""
    if limit <= 0 or limit >= n:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), limit))


def evaluate(sets: Sequence[EvalSet], fixers: Sequence[Fixer], *, limit: int = 0, seed: int = 1,
             progress: Progress | None = None) -> Report:
    """Run every fixer over every set (sampled to ``limit`` lines with ``seed``) and score it."""
    full = {s.name: len(s) for s in sets}
    sets = [s.subset(sample_indices(len(s), limit, seed)) if limit else s for s in sets]
    cached = [f if isinstance(f, Cached) else Cached(f) for f in fixers]
    inputs = {s.name: _inputs(s) for s in sets}
    every = [line for per_system in inputs.values() for lines in per_system.values() for line in lines]
    total = sum(len(f.missing(every)) for f in cached)
    done = 0

    def step(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total)

    for fixer in cached:  # fix everything first: a model fixer batches across all sets and systems
        fixer.fix(every, step)
    rows: list[Row] = []
    metric_sigs: dict[str, dict[str, str]] = {}
    for s in sets:
        scorer = _Scorer(s, seed)
        metric_sigs[s.name] = scorer.signatures()
        retok = tokenizer() if s.tokenized else None
        for system, raw in s.systems.items():
            for fixer in cached:
                fixed = fixer.fix(inputs[s.name][system])
                repaired = [r if out == inp else (retok(out) if retok else out)
                            for r, inp, out in zip(raw, inputs[s.name][system], fixed)]
                rows.append(scorer.row(system, fixer.name, raw, repaired))
    sizes = {s.name: (len(s), full[s.name]) for s in sets}
    return Report(rows, limit, seed, {f.name: f.signature for f in cached}, metric_sigs, sizes)


def _inputs(s: EvalSet) -> dict[str, list[str]]:
    """What each fixer is given per system: the lines as they are, or detokenised."""
    if not s.tokenized:
        return dict(s.systems)
    detok = detokenizer()
    return {k: [detok(line) for line in v] for k, v in s.systems.items()}


class _Scorer:
    """Scores one (sampled) set; caches the raw statistics of each system."""

    def __init__(self, s: EvalSet, seed: int) -> None:
        import numpy as np
        from sacrebleu.metrics import BLEU, CHRF, TER

        self.np = np
        self.set = s
        self.seed = seed
        classes = {"bleu": lambda **kw: BLEU(force=s.tokenized, **kw), "chrf": CHRF, "ter": TER}
        wanted = [m for m in dict.fromkeys((*s.metrics, s.test_metric, "chrf")) if m != "gleu"]
        # References are cached once per metric (the expensive part for TER and chrF).
        self.metrics = {m: classes[m](references=s.refs) for m in wanted}
        self._raw: dict[str, dict[str, Any]] = {}  # system -> metric -> per-sentence statistics
        self._raw_gleu: dict[str, float] = {}
        self._weights: Any = None

    def signatures(self) -> dict[str, str]:
        shown = dict.fromkeys((*self.set.metrics, self.set.test_metric))
        out = {m: str(self.metrics[m].get_signature()) for m in shown if m != "gleu"}
        if "gleu" in self.set.metrics:
            from mtfix.evaluation.gleu import ITERATIONS, GleuScore

            out["gleu"] = GleuScore(0, 0, ITERATIONS, len(self.set.refs)).signature
        return out

    def _stats(self, metric: str, hyps: Sequence[str], lines: Sequence[int] | None = None) -> Any:
        refs = None if lines is None else [[r[i] for i in lines] for r in self.set.refs]
        return self.np.asarray(self.metrics[metric]._extract_corpus_statistics(list(hyps), refs),
                               dtype=float)

    def _score(self, metric: str, stats: Any) -> float:
        return float(self.metrics[metric]._compute_score_from_stats(stats.sum(axis=0)).score)

    def row(self, system: str, fixer: str, raw: list[str], repaired: list[str]) -> Row:
        s = self.set
        if system not in self._raw:
            self._raw[system] = {m: self._stats(m, raw) for m in self.metrics}
        raw_stats = self._raw[system]
        changed = [i for i, (a, b) in enumerate(zip(raw, repaired)) if a != b]
        rep_stats = {}
        for m, st in raw_stats.items():
            rep_stats[m] = st.copy()
            if changed:  # only the changed lines need scoring again
                rep_stats[m][changed] = self._stats(m, [repaired[i] for i in changed], changed)
        raw_scores, rep_scores = {}, {}
        for m in dict.fromkeys((*s.metrics, s.test_metric)):  # the tested metric is always shown
            if m == "gleu":
                from mtfix.evaluation.gleu import corpus_gleu

                # GLEU's "source" is the uncorrected text: here, the system's raw output.
                if system not in self._raw_gleu:
                    self._raw_gleu[system] = corpus_gleu(raw, s.refs, raw).score
                raw_scores[m] = self._raw_gleu[system]
                rep_scores[m] = corpus_gleu(repaired, s.refs, raw).score if changed else raw_scores[m]
            else:
                raw_scores[m] = self._score(m, raw_stats[m])
                rep_scores[m] = self._score(m, rep_stats[m])
        chrf = self.metrics["chrf"]
        wins = losses = 0
        for i in changed:  # sentence chrF is the sentence's own statistics scored alone
            before = float(chrf._compute_score_from_stats(raw_stats["chrf"][i]).score)
            after = float(chrf._compute_score_from_stats(rep_stats["chrf"][i]).score)
            wins += int(after > before + 1e-9)
            losses += int(after < before - 1e-9)
        p = self._paired_bootstrap(s.test_metric, raw_stats[s.test_metric], rep_stats[s.test_metric]) \
            if changed else 1.0
        return Row(s.name, system, fixer, len(raw), len(changed), wins, losses, raw_scores, rep_scores,
                   s.test_metric, p)

    def _paired_bootstrap(self, metric: str, raw: Any, repaired: Any) -> float:
        """Two-sided paired bootstrap (Koehn 2004), resamples shared by both outputs.

        p = share of resampled differences, centred on their mean, at least as far from 0 as the
        observed difference (+1 smoothing, as sacrebleu): how often chance alone gives such a gap.
        """
        np = self.np
        n = raw.shape[0]
        if self._weights is None:
            # Resample counts per line as a (samples x lines) matrix: stats sums become one product.
            rng = np.random.default_rng(self.seed)
            idx = rng.integers(0, n, size=(BOOTSTRAP_SAMPLES, n))
            flat = (idx + n * np.arange(BOOTSTRAP_SAMPLES)[:, None]).ravel()
            self._weights = np.bincount(flat, minlength=BOOTSTRAP_SAMPLES * n).reshape(
                BOOTSTRAP_SAMPLES, n).astype(float)
        compute = self.metrics[metric]._compute_score_from_stats
        a = [compute(row).score for row in self._weights @ raw]
        b = [compute(row).score for row in self._weights @ repaired]
        diffs = np.asarray(b) - np.asarray(a)
        observed = abs(self._score(metric, repaired) - self._score(metric, raw))
        extreme = int(np.sum(np.abs(diffs - diffs.mean()) >= observed - 1e-12))
        return (extreme + 1) / (BOOTSTRAP_SAMPLES + 1)


# --- rendering -------------------------------------------------------------------------------

def render(report: Report, fmt: str = "text") -> str:
    """The report as ``text`` (aligned columns), ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt not in ("text", "markdown"):
        raise ValueError(f"unknown format {fmt!r}; choose text, markdown or json")
    out: list[str] = []
    for name in dict.fromkeys(r.set for r in report.rows):
        rows = [r for r in report.rows if r.set == name]
        metrics = list(rows[0].raw)
        head = ["system", "fixer"]
        for m in metrics:
            head += [f"{METRIC_NAMES[m]} raw", METRIC_NAMES[m], f"Δ{METRIC_NAMES[m]}"]
        head += ["changed", "wins", "losses", f"p ({METRIC_NAMES[rows[0].test_metric]})"]
        body = []
        for r in rows:
            cells = [r.system, r.fixer]
            for m in metrics:
                cells += [f"{r.raw[m]:.2f}", f"{r.repaired[m]:.2f}", _signed(r.delta[m])]
            cells += [f"{r.changed}/{r.sentences}", str(r.wins), str(r.losses), _p(r)]
            body.append(cells)
        scored, whole = report.sizes.get(name, (rows[0].sentences, rows[0].sentences))
        title = f"{name}: {scored} of {whole} lines"
        sums = [s for s in report.summary() if s["set"] == name]
        summary_head = ["fixer", "systems"] + [f"mean Δ{METRIC_NAMES[m]}" for m in metrics] + \
            ["changed", "wins", "losses", "better", "worse"]
        summary_body = [[s["fixer"], str(s["systems"])] + [_signed(s["mean_delta"][m]) for m in metrics]
                        + [f"{s['changed']}/{s['sentences']}", str(s["wins"]), str(s["losses"]),
                           str(s["better"]), str(s["worse"])] for s in sums]
        if fmt == "markdown":
            out += [f"### {title}", "", *_markdown(head, body), ""]
            if len(rows) > len(sums):
                out += [*_markdown(summary_head, summary_body), ""]
            out += ["Metric signatures: " + "; ".join(
                f"{METRIC_NAMES[m]} `{sig}`" for m, sig in report.metrics.get(name, {}).items()), ""]
        else:
            out += [title, *_aligned(head, body), ""]
            if len(rows) > len(sums):
                out += [*_aligned(summary_head, summary_body), ""]
            out += [f"{METRIC_NAMES[m]}: {sig}" for m, sig in report.metrics.get(name, {}).items()] + [""]
    note = (f"changed: lines the fixer changed; wins/losses: changed lines whose sentence chrF went "
            f"up/down; p: paired bootstrap ({BOOTSTRAP_SAMPLES} resamples), repaired vs raw; "
            f"better/worse: systems with p < {SIGNIFICANT}.")
    if fmt == "markdown":
        out += [note, "", f"Signature: `{report.signature}`", ""]
        out += [f"- {name}: `{sig}`" for name, sig in report.fixers.items()] + [""]
    else:
        out += [note, f"signature: {report.signature}"]
        out += [f"  {name}: {sig}" for name, sig in report.fixers.items()] + [""]
    return "\n".join(out)


def _signed(x: float) -> str:
    return "0.00" if round(x, 2) == 0 else f"{x:+.2f}"


def _p(row: Row) -> str:
    if row.changed == 0:
        return "–"
    return f"{row.p_value:.3f}" + ("*" if row.verdict != "same" else "")


def _aligned(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(c) for c in col) for col in zip(head, *body)]

    def line(cells: list[str]) -> str:
        # Names left-aligned, numbers right-aligned.
        return "  ".join(c.ljust(w) if k < 2 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))
    return [line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in body]


def _markdown(head: list[str], body: list[list[str]]) -> list[str]:
    align = ["---" if k < 2 else "---:" for k in range(len(head))]
    return ["| " + " | ".join(r) + " |" for r in [head, align, *[[c.replace("|", "\\|") for c in r]
                                                                  for r in body]]]


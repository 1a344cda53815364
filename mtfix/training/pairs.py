"""Build the (garbled -> fluent) training pairs for mtfix's rewriting model.

    python -m mtfix.training.pairs                      # default sizes, writes data/pairs/{train,dev}.jsonl
    python -m mtfix.training.pairs --no-apertium        # without the Apertium round trips
    python -m mtfix.training.pairs --help

Sources (see models/recipes/DATA_CARD.md):
  roundtrip-<lang>  news sentences sent English -> spa/cat/glg/epo -> English through Apertium
                    (rule-based MT, so the errors resemble 2013-era RBMT output); target = the original
  rules             news/Reuters sentences with 1-3 Russian->English MT errors planted by mtfix.training.damage
  mlqe-<pair>       MLQE-PE train splits: real neural MT into English -> its human post-edit
  copy              fluent sentences unchanged (src == tgt), so the model learns to leave good text alone
  kept-<pair>       MLQE-PE train MT that its post-editor left exactly as it was (src == tgt): real neural
                    MT judged fine by a person, so the model learns to leave good *MT* alone too
                    (--n-kept-mlqe; 0 by default, which keeps the first recipe's pairs byte-identical)

Every non-copy pair must pass: sides differ; character length ratio src/tgt within [0.7, 1.4]; sentence
chrF(src, ref=tgt) >= 45; no "*", "#" or "@" (Apertium's unknown/generation marks) on either side; at most
60 words a side; round trips also must not contain words that are neither English (seen twice in the clean
corpora) nor in the original sentence (Apertium glues untranslated multiwords: "díasdeletra"). Every pair
whose side matches (ignoring case, spacing and punctuation) a line of the evaluation files under dev/
(WMT13/WMT21 refs and systems, MLQE-PE dev, JFLEG) is dropped. Each clean sentence feeds at most one
source, and dev.jsonl shares no sentence with train.jsonl.

Deterministic given --seed and the inputs. Apertium outputs are cached (and the run is resumable) under
--cache as one JSON line per sentence, per language, so a rerun only translates sentences it has not seen.
Apertium is called one batch at a time (one process pipeline) to share the CPUs.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.training import damage as mtdamage

ROOT = Path(__file__).resolve().parents[2]  # the source tree (an editable install); paths below are defaults
DEFAULT_SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "data" / "pairs"
DEFAULT_CACHE = ROOT / "data" / "cache"

NEWS = "clean-en/wmt-newstest-en.excl-evalsets.uniq.txt"
REUTERS = "clean-en/reuters21578.sents.txt"
TATOEBA = "clean-en/tatoeba-en.v2021-08-07.uniq.txt"
MLQE_PAIRS = ("ru-en", "ro-en", "et-en", "ne-en", "si-en")
# Candidate (forward, backward) Apertium modes per pivot language, newest naming first.
APERTIUM_MODES = {
    "spa": (("eng-spa", "spa-eng"), ("en-es", "es-en")),
    "cat": (("eng-cat", "cat-eng"), ("en-ca", "ca-en")),
    "glg": (("eng-glg", "glg-eng"), ("en-gl", "gl-en")),
    "epo": (("eng-epo", "epo-eng"), ("en-eo", "eo-en")),
}
# Where each source draws its clean sentences (fractions of its count) ...
COPY_MIX = (("news", 0.70), ("reuters", 0.15), ("tatoeba", 0.15))
RULES_MIX = (("news", 0.85), ("reuters", 0.15))
# ... and which disjoint slice of each shuffled corpus it may use.
PARTITIONS = {
    "news": (("roundtrip", 0.0, 0.5), ("rules", 0.5, 0.75), ("copy", 0.75, 1.0)),
    "reuters": (("rules", 0.0, 0.5), ("copy", 0.5, 1.0)),
    "tatoeba": (("copy", 0.0, 1.0),),
}
RESIDUE_RE = re.compile(r"[*#@]")
# Tokenised or mangled spacing ("time .", "don 't", "Also,on", "60 %"): such lines must not be targets.
TOKENISED_RE = re.compile(
    r"\s[,.;:?!%](?=\W|$)|\s(?:n't|'s|'re|'ve|'ll|'d|'m|'t)\b|[a-z][,;][A-Za-z]|\(\s|\s\)|&quot;|&amp;|&#"
)
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTINEL = "ZZQX{:07d}"
BATCH = 500  # sentences per Apertium call
SENTINEL_EVERY = 50


# --------------------------------------------------------------------------- text helpers
def norm_space(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def key(s: str) -> str:
    """Match key that ignores case, spacing, punctuation and tokenisation."""
    return re.sub(r"[\W_]+", "", s.lower())


def n_words(s: str) -> int:
    return len(s.split())


def read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as f:
        return [norm_space(line) for line in f]


def clean_ok(s: str, min_words: int, max_words: int) -> bool:
    """A fluent sentence usable as a target: right length, no markup or Apertium-like marks."""
    n = n_words(s)
    if not (min_words <= n <= max_words) or len(s) > 400:
        return False
    if RESIDUE_RE.search(s) or "<" in s or ">" in s or "\ufffd" in s or "http" in s:
        return False
    if TOKENISED_RE.search(s):
        return False
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) >= 0.5 * len(letters)


@dataclass
class Filters:
    min_chrf: float = 45.0
    min_ratio: float = 0.7
    max_ratio: float = 1.4
    max_words: int = 60
    _chrf: object = field(default=None, repr=False)

    def chrf(self, hyp: str, ref: str) -> float:
        if self._chrf is None:
            from sacrebleu.metrics import CHRF
            self._chrf = CHRF()
        return self._chrf.sentence_score(hyp, [ref]).score

    def reject(self, src: str, tgt: str) -> str | None:
        """Why a non-copy pair is rejected, or None when it passes."""
        if not src or not tgt:
            return "empty"
        if src == tgt:
            return "identical"
        if RESIDUE_RE.search(src) or RESIDUE_RE.search(tgt):
            return "residue"
        if n_words(src) > self.max_words or n_words(tgt) > self.max_words:
            return "too_long"
        ratio = len(src) / len(tgt)
        if not (self.min_ratio <= ratio <= self.max_ratio):
            return "length_ratio"
        if self.chrf(src, tgt) < self.min_chrf:
            return "chrf"
        return None


def foreign_words(src: str, tgt: str, vocab: frozenset[str] | set[str]) -> list[str]:
    """Words of a round trip that are neither known English nor copied from the original."""
    orig = {w.lower() for w in WORD_RE.findall(tgt)}
    return [w for w in WORD_RE.findall(src) if w.lower() not in orig and w.lower() not in vocab]


# --------------------------------------------------------------------------- Apertium
def apertium_modes() -> list[str]:
    if shutil.which("apertium") is None:
        return []
    out = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False).stdout
    return [m.strip() for m in out.splitlines() if m.strip()]


def pick_modes(available: Sequence[str], wanted: Sequence[str]) -> dict[str, tuple[str, str]]:
    chosen = {}
    for code in wanted:
        for fwd, back in APERTIUM_MODES[code]:
            if fwd in available and back in available:
                chosen[code] = (fwd, back)
                break
    return chosen


def _run_apertium(mode: str, lines: Sequence[str]) -> list[str] | None:
    """Translate lines; None if the output does not line up (count or sentinel positions)."""
    proc = subprocess.run(["apertium", "-u", mode], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    out = proc.stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        return None
    for a, b in zip(lines, out):
        if a.startswith("ZZQX") and b.strip().upper() != a:  # en-eo re-cases line starts
            return None
    return out


def _translate_aligned(mode: str, sents: Sequence[str]) -> list[str | None]:
    """Translate with sentinel lines every SENTINEL_EVERY sentences; split the batch on misalignment."""
    lines, where = [], []
    for i, s in enumerate(sents):
        if i % SENTINEL_EVERY == 0:
            lines.append(SENTINEL.format(i))
        where.append(len(lines))
        lines.append(s)
    lines.append(SENTINEL.format(len(sents)))
    out = _run_apertium(mode, lines)
    if out is not None:
        return [norm_space(out[j]) for j in where]
    if len(sents) == 1:
        return [None]
    mid = len(sents) // 2
    return _translate_aligned(mode, sents[:mid]) + _translate_aligned(mode, sents[mid:])


class RoundTripCache:
    """English -> pivot -> English outputs, one JSON line per sentence, appended as batches finish."""

    def __init__(self, cache_dir: Path, code: str, modes: tuple[str, str]):
        self.path = cache_dir / f"roundtrip-{code}.{modes[0]}.{modes[1]}.jsonl"
        self.modes = modes
        self.data: dict[str, str | None] = {}
        if self.path.exists():
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a line cut short by an interrupted run
                    self.data[rec["en"]] = rec["rt"]
        self.translated = 0

    def get_many(self, sents: Sequence[str]) -> list[str | None]:
        missing = [s for s in dict.fromkeys(sents) if s not in self.data]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for b in range(0, len(missing), BATCH):
            batch = missing[b:b + BATCH]
            mid = _translate_aligned(self.modes[0], batch)
            ok = [(s, m) for s, m in zip(batch, mid) if m is not None]
            back = _translate_aligned(self.modes[1], [m for _, m in ok]) if ok else []
            results = dict.fromkeys(batch)
            for (s, _m), r in zip(ok, back):
                results[s] = r
            mids = dict(ok)
            with open(self.path, "a", encoding="utf-8") as f:
                for s in batch:
                    rec = {"en": s, "mid": mids.get(s), "rt": results[s]}
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.data.update(results)
            self.translated += len(batch)
        return [self.data[s] for s in sents]


# --------------------------------------------------------------------------- sources
@dataclass
class Pair:
    src: str
    tgt: str
    origin: str

    def record(self) -> dict[str, str]:
        return {"src": self.src, "tgt": self.tgt, "origin": self.origin}


@dataclass
class Stats:
    rejected: dict[str, collections.Counter] = field(default_factory=lambda: collections.defaultdict(
        collections.Counter))
    rules_used: collections.Counter = field(default_factory=collections.Counter)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def split_counts(total: int, parts: Sequence[tuple[str, float]]) -> dict[str, int]:
    """Integer counts per part that add up to total (largest remainders get the leftovers)."""
    raw = [(name, total * w) for name, w in parts]
    counts = {name: int(x) for name, x in raw}
    left = total - sum(counts.values())
    for name, _ in sorted(raw, key=lambda p: -(p[1] - int(p[1])))[:left]:
        counts[name] += 1
    return counts


def take(candidates: Iterable[str], quota: int, make: Callable[[str], Pair | str],
         stats: Stats, origin: str) -> list[Pair]:
    """The first `quota` candidates (in order) that `make` turns into a pair; make returns a reason
    string to reject."""
    out: list[Pair] = []
    if quota <= 0:
        return out
    for s in candidates:
        p = make(s)
        if isinstance(p, str):
            stats.rejected[origin][p] += 1
            continue
        out.append(p)
        if len(out) >= quota:
            break
    return out


def load_decontam(shared: Path) -> set[str]:
    """Keys of every English line of the evaluation files (used only to keep them out of training)."""
    dev = shared / "dev"
    files = sorted(dev.glob("wmt*/ref*.en")) + sorted(dev.glob("wmt*/hyp*.en"))
    files += sorted(dev.glob("mlqe-pe/*-dev/dev.mt")) + sorted(dev.glob("mlqe-pe/*-dev/dev.pe"))
    files += sorted(dev.glob("jfleg*/dev.*"))
    keys: set[str] = set()
    for f in files:
        for line in read_lines(f):
            k = key(line)
            if len(k) >= 10:  # very short lines ("Thank you.") are not evidence of overlap
                keys.add(k)
    return keys


def build(args: argparse.Namespace, log: Callable[[str], None] = print) -> dict:
    t_all = time.perf_counter()
    shared = Path(args.shared)
    stats = Stats()
    filt = Filters(args.min_chrf, args.min_ratio, args.max_ratio, args.max_words)
    seed = args.seed

    # ---- clean corpora, decontaminated, shuffled and partitioned between the sources
    t = time.perf_counter()
    decontam = load_decontam(shared)
    corpora = {"news": NEWS, "reuters": REUTERS, "tatoeba": TATOEBA}
    pools: dict[str, dict[str, list[str]]] = collections.defaultdict(dict)
    vocab_counts: collections.Counter = collections.Counter()
    seen_keys: set[str] = set()
    n_decontam = 0
    for name, rel in corpora.items():
        path = shared / rel
        if not path.exists():
            log(f"warning: {path} missing; skipped")
            lines = []
        else:
            lines = read_lines(path)
        for line in lines:
            vocab_counts.update(w.lower() for w in WORD_RE.findall(line))
        kept = []
        for line in lines:
            if not clean_ok(line, 3, args.max_words):
                continue
            k = key(line)
            if k in decontam:
                n_decontam += 1
                continue
            if k in seen_keys:
                continue
            seen_keys.add(k)
            kept.append(line)
        random.Random(f"{seed}:shuffle:{name}").shuffle(kept)
        for use, lo, hi in PARTITIONS[name]:
            pools[use][name] = kept[int(lo * len(kept)):int(hi * len(kept))]
    vocab = {w for w, c in vocab_counts.items() if c >= 2}
    common = {w for w, _ in vocab_counts.most_common(3000)}
    stats.notes.append(f"clean sentences matching an evaluation line, dropped: {n_decontam}")
    stats.timings["load"] = time.perf_counter() - t

    # ---- quotas: train counts plus a proportional dev share per source
    n_rt = 0 if args.no_apertium else args.n_roundtrip
    n_train = {"roundtrip": n_rt, "rules": args.n_rules, "mlqe": args.n_mlqe, "copy": args.n_copy,
               "kept": args.n_kept_mlqe}
    total = sum(n_train.values()) or 1
    quota = {k: v + round(args.dev_size * v / total) for k, v in n_train.items()}
    dev_share = {k: quota[k] - n_train[k] for k in n_train}

    by_origin: dict[str, list[Pair]] = {}

    # ---- 1. Apertium round trips
    t = time.perf_counter()
    modes: dict[str, tuple[str, str]] = {}
    if args.no_apertium and args.n_roundtrip > 0:
        log("round trips skipped (--no-apertium)")
    if quota["roundtrip"] > 0:
        available = apertium_modes()
        if not available:
            raise SystemExit("apertium is not on PATH: install it or pass --no-apertium")
        modes = pick_modes(available, args.modes.split(","))
        missing = [c for c in args.modes.split(",") if c not in modes]
        if missing:
            log(f"warning: no Apertium modes for {missing}; using {sorted(modes)}")
        if not modes:
            raise SystemExit("no usable Apertium mode pair: install apertium-eng-spa etc.")
    if modes:
        rt_pool = [s for s in pools["roundtrip"].get("news", []) if 6 <= n_words(s) <= 40]
        codes = list(modes)
        per_mode = split_counts(quota["roundtrip"], [(c, 1 / len(codes)) for c in codes])
        for ci, code in enumerate(codes):
            origin = f"roundtrip-{code}"
            cands = rt_pool[ci::len(codes)]  # disjoint sentences per pivot language
            cache = RoundTripCache(Path(args.cache), code, modes[code])
            got: list[Pair] = []
            pos, chunk = 0, max(200, int(per_mode[code] * 1.15))
            t_mode = time.perf_counter()
            while len(got) < per_mode[code] and pos < len(cands):
                batch = cands[pos:pos + chunk]
                pos += len(batch)
                outs = cache.get_many(batch)
                for s, rt in zip(batch, outs):
                    if rt is None:
                        stats.rejected[origin]["apertium_failed"] += 1
                        continue
                    why = filt.reject(rt, s)
                    if why is None and foreign_words(rt, s, vocab):
                        why = "foreign_words"
                    if why is None and key(rt) in decontam:
                        why = "decontam"
                    if why:
                        stats.rejected[origin][why] += 1
                        continue
                    got.append(Pair(rt, s, origin))
                    if len(got) >= per_mode[code]:
                        break
                yield_ = len(got) / max(1, pos)
                chunk = max(200, int((per_mode[code] - len(got)) / max(yield_, 0.2) * 1.1))
            by_origin[origin] = got
            log(f"  {origin}: {len(got)} pairs from {pos} sentences "
                f"({cache.translated} newly translated, {time.perf_counter() - t_mode:.1f}s)")
    stats.timings["roundtrip"] = time.perf_counter() - t

    # ---- 2. rule-based ru->en errors
    t = time.perf_counter()

    def make_rules(s: str) -> Pair | str:
        src, tgt, rules = mtdamage.damage(s, random.Random(f"{seed}:rules:{s}"),
                                          translit_prob=args.translit_prob, common=common)
        if not rules:
            return "no_rule_applies"
        why = filt.reject(src, tgt)
        if why:
            return why
        stats.rules_used.update(rules)
        return Pair(src, tgt, "rules")

    rules_pairs: list[Pair] = []
    for corpus, n in split_counts(quota["rules"], RULES_MIX).items():
        pool = [s for s in pools["rules"].get(corpus, []) if 6 <= n_words(s) <= 40]
        rules_pairs += take(pool, n, make_rules, stats, "rules")
    by_origin["rules"] = rules_pairs
    stats.timings["rules"] = time.perf_counter() - t

    # ---- 3. MLQE-PE (train splits only)
    t = time.perf_counter()
    kept_lists: dict[str, list[Pair]] = {}
    if quota["mlqe"] > 0 or quota["kept"] > 0:
        try:
            from sacremoses import MosesDetokenizer
        except ImportError:
            raise SystemExit("MLQE-PE needs sacremoses (pip install sacremoses); or --n-mlqe 0") from None
        detok = MosesDetokenizer("en")
        per_pair = split_counts(quota["mlqe"], [(p, 1 / len(MLQE_PAIRS)) for p in MLQE_PAIRS])
        short = 0
        mlqe_lists: dict[str, list[Pair]] = {}
        spare: dict[str, list[Pair]] = {}
        for lp in MLQE_PAIRS:
            d = shared / "dev" / "mlqe-pe" / f"{lp}-train"
            origin = f"mlqe-{lp}"
            if not (d / "train.mt").exists():
                log(f"warning: {d} missing; skipped")
                short += per_pair[lp]
                continue
            mts, pes = read_lines(d / "train.mt"), read_lines(d / "train.pe")
            hters = ([float(x) for x in read_lines(d / "train.hter")] if (d / "train.hter").exists()
                     else [0.0] * len(mts))
            pairs, seen, kept = [], set(), []
            for mt, pe, hter in zip(mts, pes, hters):
                src = detok.detokenize(mt.split())
                tgt = detok.detokenize(pe.split())
                why = filt.reject(src, tgt)
                if why == "identical" and src and n_words(src) <= args.max_words and key(src) not in decontam:
                    kept.append(Pair(src, src, f"kept-{lp}"))  # the post-editor changed nothing
                if why is None and hter > args.mlqe_max_hter:
                    why = "hter"
                if why is None and tgt[:2] in ("- ", "– ", "— ") and src[:2] != tgt[:2]:
                    why = "dialogue_dash"  # the post-editor's subtitle-style dash, not a correction
                if why is None and (key(src) in decontam or key(tgt) in decontam):
                    why = "decontam"
                if why is None and (key(src) in seen or key(tgt) in seen):
                    why = "duplicate"
                if why:
                    stats.rejected[origin][why] += 1
                    continue
                seen.update((key(src), key(tgt)))
                pairs.append(Pair(src, tgt, origin))
            random.Random(f"{seed}:shuffle:{origin}").shuffle(pairs)
            kept = list({p.src: p for p in kept}.values())
            random.Random(f"{seed}:shuffle:kept-{lp}").shuffle(kept)
            kept_lists[lp] = kept
            mlqe_lists[lp], spare[lp] = pairs[:per_pair[lp]], pairs[per_pair[lp]:]
            short += max(0, per_pair[lp] - len(pairs))
        for lp in MLQE_PAIRS:  # a pair that filters out too much is topped up from the others
            while short > 0 and spare.get(lp):
                mlqe_lists[lp].append(spare[lp].pop(0))
                short -= 1
        if quota["mlqe"] > 0:
            for lp, pairs in mlqe_lists.items():
                by_origin[f"mlqe-{lp}"] = pairs
        # Unchanged MT, spread over the pairs by how much each has (ru-en has the most by far).
        available = sum(len(v) for v in kept_lists.values()) or 1
        want = split_counts(min(quota["kept"], available),
                            [(lp, len(v) / available) for lp, v in kept_lists.items()])
        for lp, pairs in kept_lists.items():
            if want.get(lp):
                by_origin[f"kept-{lp}"] = pairs[:want[lp]]
    stats.timings["mlqe"] = time.perf_counter() - t

    # ---- 4. unchanged fluent sentences
    t = time.perf_counter()
    copies: list[Pair] = []
    for corpus, n in split_counts(quota["copy"], COPY_MIX).items():
        pool = [s for s in pools["copy"].get(corpus, []) if n_words(s) <= 40]
        copies += take(pool, n, lambda s: Pair(s, s, "copy"), stats, "copy")
    by_origin["copy"] = copies
    stats.timings["copy"] = time.perf_counter() - t

    # ---- dedupe (by source side), dev split per origin, train/dev disjointness, shuffle
    seen_src: set[str] = set()
    for origin in list(by_origin):
        kept = []
        for p in by_origin[origin]:
            if p.src in seen_src:
                stats.rejected[origin]["duplicate"] += 1
                continue
            seen_src.add(p.src)
            kept.append(p)
        by_origin[origin] = kept

    def family(origin: str) -> str:
        return origin.split("-")[0]

    members: dict[str, list[str]] = collections.defaultdict(list)
    for origin in by_origin:
        members[family(origin)].append(origin)
    n_dev_of: dict[str, int] = {}
    for fam, origins in members.items():  # a source's dev share, spread evenly over its origins
        n_dev_of.update(split_counts(dev_share[fam], [(o, 1 / len(origins)) for o in origins]))
    train: list[Pair] = []
    dev: list[Pair] = []
    for origin, pairs in by_origin.items():
        pairs = list(pairs)
        random.Random(f"{seed}:dev:{origin}").shuffle(pairs)
        n_dev = min(n_dev_of[origin], len(pairs) // 2)
        dev += pairs[:n_dev]
        train += pairs[n_dev:]
    dev_keys = {key(p.src) for p in dev} | {key(p.tgt) for p in dev}
    n_before = len(train)
    train = [p for p in train if key(p.src) not in dev_keys and key(p.tgt) not in dev_keys]
    if n_before != len(train):
        stats.notes.append(f"train pairs dropped for sharing a sentence with dev: {n_before - len(train)}")
    random.Random(f"{seed}:order:train").shuffle(train)
    random.Random(f"{seed}:order:dev").shuffle(dev)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, pairs in (("train", train), ("dev", dev)):
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for p in pairs:
                f.write(json.dumps(p.record(), ensure_ascii=False) + "\n")
    stats.timings["total"] = time.perf_counter() - t_all

    counts = {
        "train": dict(sorted(collections.Counter(p.origin for p in train).items())),
        "dev": dict(sorted(collections.Counter(p.origin for p in dev).items())),
    }
    report = {
        "args": {k: str(v) for k, v in sorted(vars(args).items())},
        "apertium_modes": {c: list(m) for c, m in modes.items()},
        "versions": _versions(),
        "counts": counts,
        "n_train": len(train),
        "n_dev": len(dev),
        "rejected": {o: dict(sorted(c.items())) for o, c in sorted(stats.rejected.items())},
        "rules_used": dict(stats.rules_used.most_common()),
        "timings_s": {k: round(v, 1) for k, v in stats.timings.items()},
        "notes": stats.notes,
    }
    (out / "stats.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _versions() -> dict[str, str]:
    v = {}
    for mod in ("sacrebleu", "sacremoses"):
        try:
            v[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - a version string is informative only
            v[mod] = "unavailable"
    v["mtdamage_sha1"] = hashlib.sha1(Path(mtdamage.__file__).read_bytes()).hexdigest()[:12]
    return v


def print_report(report: dict) -> None:
    origins = sorted(set(report["counts"]["train"]) | set(report["counts"]["dev"]))
    print(f"{'origin':<18}{'train':>8}{'dev':>6}")
    for o in origins:
        print(f"{o:<18}{report['counts']['train'].get(o, 0):>8}{report['counts']['dev'].get(o, 0):>6}")
    print(f"{'total':<18}{report['n_train']:>8}{report['n_dev']:>6}")
    print("rejected:", json.dumps(report["rejected"]))
    for note in report["notes"]:
        print("note:", note)
    print("time (s):", json.dumps(report["timings_s"]))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Outputs train.jsonl, dev.jsonl and stats.json in --out.")
    p.add_argument("--shared", default=str(DEFAULT_SHARED), help="shared data folder (default: %(default)s)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default: %(default)s)")
    p.add_argument("--cache", default=str(DEFAULT_CACHE), help="Apertium cache folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--n-roundtrip", type=int, default=6000, help="train pairs from Apertium round trips")
    p.add_argument("--n-rules", type=int, default=6000, help="train pairs from rule-based ru->en errors")
    p.add_argument("--n-mlqe", type=int, default=3000, help="train pairs from MLQE-PE train splits")
    p.add_argument("--n-copy", type=int, default=5000, help="train pairs with src == tgt")
    p.add_argument("--n-kept-mlqe", type=int, default=0,
                   help="train pairs of MLQE-PE MT its post-editor left unchanged (src == tgt)")
    p.add_argument("--dev-size", type=int, default=300, help="held-out pairs, drawn from every source")
    p.add_argument("--min-chrf", type=float, default=45.0, help="minimum sentence chrF(src, ref=tgt)")
    p.add_argument("--min-ratio", type=float, default=0.7, help="minimum len(src)/len(tgt) in characters")
    p.add_argument("--max-ratio", type=float, default=1.4, help="maximum len(src)/len(tgt) in characters")
    p.add_argument("--max-words", type=int, default=60, help="maximum words on either side")
    p.add_argument("--mlqe-max-hter", type=float, default=0.4,
                   help="drop MLQE-PE pairs whose post-edit rewrote more than this (HTER)")
    p.add_argument("--modes", default="spa,cat,glg,epo",
                   help="Apertium pivot languages (default: %(default)s)")
    p.add_argument("--translit-prob", type=float, default=0.05,
                   help="share of rules pairs that also get an (uncorrected) transliterated Russian word")
    p.add_argument("--no-apertium", action="store_true", help="skip the round trips (no Apertium needed)")
    args = p.parse_args(argv)
    for name in ("n_roundtrip", "n_rules", "n_mlqe", "n_copy", "n_kept_mlqe", "dev_size"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be >= 0")
    bad = [c for c in args.modes.split(",") if c not in APERTIUM_MODES]
    if bad:
        p.error(f"unknown --modes {bad}; choose from {sorted(APERTIUM_MODES)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = build(args)
    print_report(report)
    print(f"wrote {args.out}/train.jsonl, dev.jsonl, stats.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fine-tune a model on a user's own post-edits (``mtfix train``): pairs in, a model folder out.

    from mtfix.training.postedits import read_pairs, train_on_postedits
    pairs = read_pairs("postedits.tsv")                       # MT<TAB>post-edit, one pair a line
    pairs = read_pairs("mt.xlf", post_edited="pe.xlf")        # two versions of one file, matched by unit id
    train_on_postedits(pairs, "models/acme")                  # then: mtfix correct --model models/acme

Pairs come from a TSV (two columns, MT then post-edit; a header row ``mt<TAB>pe`` or ``src<TAB>tgt`` is
skipped), a JSONL file (``{"mt": ..., "pe": ...}`` or ``{"src": ..., "tgt": ...}`` a line), or two versions
of one translation file (XLIFF, TMX, PO, CSV, JSONL, SRT/VTT: the MT as delivered and as post-edited; their
target segments are matched by the format's unit id). Training continues the starting model's LoRA adapter
(``default``: the shipped model) with its own recipe at a lower learning rate; the run folder (checkpoints,
``log.jsonl``, the pairs) sits beside the output as ``OUT.train/``, so running the same command again resumes.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtfix.model import store
from mtfix.result import Progress
from mtfix.text.textio import InputError, read_text, write_atomic
from mtfix.training.trainer import TrainingError, run_recipe

# The shipped recipe's shape (models/recipes/default.json), for a start model that records none.
BASE_RECIPE: dict[str, Any] = {
    "system": "Fix the English of this machine translation. Change as little as possible.",
    "max_tokens": 144, "lora": {"r": 16, "alpha": 32, "dropout": 0.05, "target_modules": "all-linear"},
    "seed": 13, "threads": 0,
}
MIN_PAIRS = 8  # fewer pairs than this teach nothing and cannot spare a dev sample


@dataclass(frozen=True)
class Pair:
    """One post-edit: the MT as delivered and the sentence a person made of it."""

    mt: str
    pe: str


def read_pairs(path: str | Path, post_edited: str | Path | None = None) -> list[Pair]:
    """The (MT, post-edit) pairs of a TSV/JSONL file, or of two versions of one translation file."""
    if post_edited is not None:
        return _aligned(str(path), str(post_edited))
    path = Path(path)
    text = read_text(str(path))
    if path.suffix.lower() == ".jsonl":
        return _jsonl(text, str(path))
    if path.suffix.lower() in (".tsv", ".txt"):
        return _tsv(text, str(path))
    raise InputError(f"{path}: give pairs as .tsv (MT<TAB>post-edit) or .jsonl, or two versions of a translation "
                     "file with --post-edited")


def _tsv(text: str, name: str) -> list[Pair]:
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise InputError(f"{name}:{number}: expected 2 tab-separated columns (MT, post-edit), found {len(cells)}")
        if number == 1 and [c.strip().lower() for c in cells] in (["mt", "pe"], ["src", "tgt"], ["mt", "post-edit"]):
            continue
        pairs.append(Pair(cells[0].strip(), cells[1].strip()))
    return pairs


def _jsonl(text: str, name: str) -> list[Pair]:
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            mt, pe = (row["mt"], row["pe"]) if "mt" in row else (row["src"], row["tgt"])
        except (ValueError, KeyError, TypeError):
            raise InputError(f'{name}:{number}: expected an object with "mt" and "pe" (or "src" and "tgt")') from None
        if not isinstance(mt, str) or not isinstance(pe, str):
            raise InputError(f"{name}:{number}: the MT and the post-edit must be strings")
        pairs.append(Pair(mt.strip(), pe.strip()))
    return pairs


def _aligned(mt_file: str, pe_file: str) -> list[Pair]:
    from mtfix import formats

    try:
        (mt_doc, _), (pe_doc, _) = formats.read(mt_file), formats.read(pe_file)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    by_id = {s.id: s.text for s in pe_doc.segments}
    if len(by_id) != len(pe_doc.segments):
        raise InputError(f"{pe_file}: unit ids repeat, so its segments cannot be matched to {mt_file}'s")
    missing = [s.id for s in mt_doc.segments if s.id not in by_id]
    if missing:
        raise InputError(f"{pe_file}: no unit {missing[0]!r} of {mt_file} ({len(missing)} missing in all)")
    return [Pair(s.text.strip(), by_id[s.id].strip()) for s in mt_doc.segments]


def clean(pairs: Sequence[Pair]) -> list[Pair]:
    """Drop empty sides and repeats, and pairs whose sides differ wildly in length (a retranslation, or a
    misaligned unit: not a repair to learn from). Unchanged pairs stay: they teach what to keep."""
    seen, out = set(), []
    for p in pairs:
        if not p.mt or not p.pe or (p.mt, p.pe) in seen:
            continue
        if not 0.5 <= len(p.mt) / len(p.pe) <= 2.0:
            continue
        seen.add((p.mt, p.pe))
        out.append(p)
    return out


def cpu_has_bf16() -> bool:
    """Whether this CPU runs bfloat16 fast (AVX512-BF16 or AMX); without them bf16 autocast is far slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(flag in flags for flag in ("avx512_bf16", "amx_bf16"))


def recipe_for(pairs: Sequence[Pair], out: Path, start: str = "default", *, steps: int | None = None,
               epochs: float = 2.0, lr: float = 1e-4, batch_size: int = 8, device: str = "auto",
               seed: int = 13) -> tuple[dict[str, Any], dict[str, str]]:
    """A trainer recipe for ``pairs`` (the start model's own recipe, continued from its adapter) and the files it
    reads, by name: the pairs split 95/5 into train and dev (seeded), to be written under ``recipe["run_dir"]``."""
    pairs = clean(pairs)
    if len(pairs) < MIN_PAIRS:
        raise TrainingError(f"{len(pairs)} usable pairs; at least {MIN_PAIRS} are needed")
    spec = store.resolve(start)
    meta_recipe = _start_recipe(spec)
    run_dir = out.with_name(out.name + ".train")
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    n_dev = max(2, len(pairs) // 20)
    dev, train = [pairs[i] for i in order[:n_dev]], [pairs[i] for i in order[n_dev:]]
    files = {"train.jsonl": _jsonl_text(train), "dev.jsonl": _jsonl_text(dev)}
    digest = hashlib.sha256("".join(files.values()).encode("utf-8")).hexdigest()
    steps = steps or max(10, round(epochs * len(train) / batch_size))
    precision = "bf16" if (device == "cuda" or (device == "auto" and cpu_has_bf16())) else "fp32"
    recipe = {**BASE_RECIPE, **{k: v for k, v in meta_recipe.items() if k in BASE_RECIPE}}
    recipe.update(name=out.name, base="base" if spec.adapter is not None else str(spec.weights),
                  train=str(run_dir / "train.jsonl"), dev=str(run_dir / "dev.jsonl"), run_dir=str(run_dir),
                  export_dir=str(out), lr=lr, warmup_steps=min(20, max(1, steps // 10)), steps=steps,
                  batch_size=batch_size, precision=precision, seed=seed, log_every=max(1, min(10, steps // 5)),
                  checkpoint_every=max(1, min(25, steps // 4)), eval_every=steps, eval_generate=8,
                  pairs_sha256=digest, start_model=spec.model_id, start_revision=spec.revision)
    if spec.adapter is not None:
        recipe.update(init_adapter=str(spec.adapter), init_steps=int(store.read_meta(spec.adapter).get("steps", 0)))
    return recipe, files


def train_on_postedits(pairs: Sequence[Pair], out: str | Path, start: str = "default", *, fresh: bool = False,
                       max_minutes: float | None = None, progress: Progress | None = None,
                       **options: Any) -> Path:
    """Fine-tune ``start`` on ``pairs`` and write the model folder ``out`` (for ``--model OUT``); resumes an
    interrupted run of the same pairs. ``options`` go to :func:`recipe_for` (steps, epochs, lr, ...)."""
    recipe, files = recipe_for(pairs, Path(out).resolve(), start, **options)
    run_dir = Path(recipe["run_dir"])
    previous = _previous_recipe(run_dir)
    if previous and not fresh and previous.get("pairs_sha256") != recipe["pairs_sha256"]:
        raise TrainingError(f"{run_dir} holds a run on other pairs: add --fresh to start over, or choose another -o")
    run_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_atomic(str(run_dir / name), text)
    write_atomic(str(run_dir / "recipe.json"), json.dumps(recipe, indent=2) + "\n")
    device = options.get("device", "auto")
    return run_recipe(recipe, device=device, fresh=fresh, max_minutes=max_minutes, progress=progress)


def _start_recipe(spec: Any) -> dict[str, Any]:
    """The recipe the start model was trained with (its mtfix.json), or {} where it records none."""
    recipe = store.read_meta(spec.adapter if spec.adapter is not None else spec.weights).get("recipe")
    return recipe if isinstance(recipe, dict) else {}


def _previous_recipe(run_dir: Path) -> dict[str, Any]:
    """The recipe of the run already in ``run_dir`` ({} where none): what a resumed run must match."""
    try:
        return json.loads((run_dir / "recipe.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise TrainingError(f"cannot read {run_dir / 'recipe.json'} ({exc}): add --fresh to start over") from None


def _jsonl_text(pairs: Sequence[Pair]) -> str:
    """Pairs in the trainer's form, one ``{"src", "tgt"}`` object a line."""
    return "".join(json.dumps({"src": p.mt, "tgt": p.pe}, ensure_ascii=False) + "\n" for p in pairs)

#!/usr/bin/env python3
"""Where the memory of a ``mtfix correct`` process goes: resident memory after each stage is loaded.

    python scripts/memory_breakdown.py [--model default] [--lines 1000] [--data ../shared/data/dev/wmt13-ruen]

One fresh process, steps in the order a correction meets them; after each, the current resident set
(VmRSS) and the peak so far (VmHWM) from /proc/self/status, and the step's growth. The last step corrects
N lines of WMT13 ru-en MT (seeded) through ``Corrector.correct_batch`` in chunks, as ``mtfix correct
--lines`` does. Linux only (reads /proc). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def status() -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--data", default="../shared/data/dev/wmt13-ruen")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    rows: list[tuple[str, float, float, float, float]] = []
    last = status()[0]
    t_last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last, t_last
        gc.collect()
        rss, peak = status()
        now = time.perf_counter()
        rows.append((name, rss, rss - last, peak, now - t_last))
        last, t_last = rss, now

    step("python, before mtfix")
    from mtfix import Corrector
    from mtfix.config import DEFAULT
    step("import mtfix")
    import torch  # noqa: F401
    step("import torch")
    import transformers  # noqa: F401
    step("import transformers")
    corrector = Corrector(args.model, DEFAULT)
    corrector.rewriter  # noqa: B018
    step(f"load the model ({args.model}: weights, adapter merged, quality head)")
    from mtfix.text.edittypes import annotator, errant_available

    if errant_available():
        annotator()
        step("edit types: ERRANT + spaCy en_core_web_sm (when installed)")
    corrector.detector  # noqa: B018
    corrector.flags("The pump is podsoedinennym.")
    step("untranslated-word flags (pymorphy3, wordfreq)")
    corrector.speller.fix("The libary is closd on weekends.")
    step("spelling stage (Harper)")
    from mtfix.rules import cognates

    cognates.shared().for_flag  # noqa: B018
    step("cognates stage")
    corrector.correct("This offer suck.")
    step("first correction (prefix cache, first activations, the rest)")
    pool = [line for p in sorted(Path(args.data).glob("hyp.*.en"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = random.Random(args.seed).sample(pool, args.lines)
    t0 = time.perf_counter()
    for start in range(0, len(lines), 64):
        corrector.correct_batch(lines[start:start + 64])
    seconds = time.perf_counter() - t0
    step(f"correct {args.lines} WMT13 lines, chunks of 64")
    width = max(len(r[0]) for r in rows)
    print(f"{'step':{width}}  {'RSS MB':>8}  {'growth':>8}  {'peak MB':>8}  {'s':>6}")
    for name, rss, grown, peak, took in rows:
        print(f"{name:{width}}  {rss:8.0f}  {grown:+8.0f}  {peak:8.0f}  {took:6.1f}")
    print(f"{args.lines} lines in {seconds:.0f} s; torch {torch.__version__}, {torch.get_num_threads()} threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())

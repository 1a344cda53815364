"""Speed of ``mtfix check`` (flags + quality, no generation) on WMT13 ru-en system outputs.

    PYTHONPATH=. python scripts/bench_check.py --data ../shared/data/dev/wmt13-ruen [--n 200] [--threads 2]

Draws N lines (seeded) across the 23 system outputs, loads the default model (not timed), then times
Corrector.check_batch on them: once for the untranslated-word flags alone, once for the whole check
(flags + the forward pass for quality), and, when the model has a learned quality head, the whole check
again without it (the hand-feature estimate of mtfix.model.quality: no hidden states kept, no words
scored), in the same run. Prints sentences per second; nothing is asserted.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from mtfix import Corrector
from mtfix.config import DEFAULT


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev/wmt13-ruen")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: one per core)")
    ap.add_argument("--batch-size", type=int, default=DEFAULT.batch_size)
    ap.add_argument("--model", default="default")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = [(p, line) for p in sorted(Path(args.data).glob("hyp.*.en"))
            for line in p.read_text(encoding="utf-8").splitlines()]
    lines = [line for _, line in rng.sample(pool, args.n)]
    corrector = Corrector(args.model, DEFAULT.with_(num_threads=args.threads, batch_size=args.batch_size))
    t0 = time.perf_counter()
    corrector.rewriter  # noqa: B018 - load the model before timing
    corrector.detector  # noqa: B018
    print(f"model and dictionaries loaded in {time.perf_counter() - t0:.1f} s (not timed below)")
    n_sents = sum(len(corrector.segment(t)) for t in lines)
    t0 = time.perf_counter()
    n_flags = sum(len(corrector.flags(s.text)) for t in lines for s in corrector.segment(t))
    flags_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = corrector.check_batch(lines, [str(i) for i in range(len(lines))])
    check_s = time.perf_counter() - t0
    low = sum(s.quality is not None and s.quality < 0.5 for r in results for s in r.sentences)
    suspect = sum(not w.ok for r in results for s in r.sentences for w in s.words)
    print(f"{len(lines)} lines, {n_sents} sentences; {n_flags} untranslated words, {low} low-quality sentences, "
          f"{suspect} suspect words")
    print(f"flags only:            {n_sents / flags_s:8.1f} sentences/s")
    head = getattr(corrector.rewriter, "quality_head", None)
    label = "check (flags+quality head)" if head is not None else "check (flags+quality)"
    print(f"{label:27}{n_sents / check_s:8.1f} sentences/s  (batch {args.batch_size}, threads {args.threads or 'all'})")
    if head is not None:
        corrector.rewriter.quality_head = None  # the hand-feature estimate alone, as before the head
        t0 = time.perf_counter()
        corrector.check_batch(lines, [str(i) for i in range(len(lines))])
        print(f"{'check without the head':27}{n_sents / (time.perf_counter() - t0):8.1f} sentences/s")


if __name__ == "__main__":
    main()

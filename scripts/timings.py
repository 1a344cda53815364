#!/usr/bin/env python3
"""Model load time (cold: GGUF conversion into an empty cache; warm: from the cache) and the time to
correct a file, measured in one run. Prints a small table.

    python scripts/timings.py [--file examples/mt-news.txt] [--model default] [--skip-cold]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import sys, time
t0 = time.perf_counter()
from mtfix.model import store as modelstore
from mtfix.model.rewriter import TransformersRewriter
spec = modelstore.resolve(sys.argv[1])
t1 = time.perf_counter()
TransformersRewriter(spec)
t2 = time.perf_counter()
print(f"{t1 - t0:.2f} {t2 - t1:.2f}")
"""


def load_once(model: str, cache: str | None) -> tuple[float, float]:
    """(resolve incl. any conversion, load into memory) seconds, in a fresh process."""
    env = dict(os.environ)
    if cache:
        env["MTFIX_CACHE"] = cache
    out = subprocess.run([sys.executable, "-c", CHILD, model], capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True)
    resolve, load = out.stdout.split()
    return float(resolve), float(load)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--file", default=str(ROOT / "examples" / "mt-news.txt"))
    p.add_argument("--model", default="default")
    p.add_argument("--skip-cold", action="store_true", help="skip the GGUF conversion into an empty cache")
    args = p.parse_args()
    rows = []
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as empty:
            resolve, load = load_once("base", empty)
            rows.append(("load base model, cold (GGUF -> safetensors cache)", resolve + load))
    resolve, load = load_once(args.model, None)
    rows.append((f"load model {args.model!r}, warm (from cache)", resolve + load))

    sys.path.insert(0, str(ROOT))
    from mtfix import Corrector

    text = Path(args.file).read_text(encoding="utf-8")
    corrector = Corrector(model=args.model)
    start = time.perf_counter()
    corrector.rewriter  # noqa: B018 - load outside the timed correction
    loaded = time.perf_counter()
    result = corrector.correct(text)
    done = time.perf_counter()
    n = len(result.sentences)
    rows.append((f"correct {Path(args.file).name}: {n} sentences (model loaded)", done - loaded))
    rows.append(("  per sentence", (done - loaded) / max(1, n)))
    rows.append(("correct incl. warm load", done - start))
    print(f"mtfix timings  (cpu threads: {os.cpu_count()}, model: {result.signature.model})")
    for label, seconds in rows:
        print(f"  {label:<60} {seconds:8.2f} s")
    changed = sum(s.status == "rewritten" for s in result.sentences)
    print(f"  sentences rewritten: {changed}/{n}, edits: {len(result.edits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

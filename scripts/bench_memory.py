#!/usr/bin/env python3
"""Peak memory and time of `mtfix correct` on 1k, 10k and 100k-line files: the streaming plumbing.

Each size runs in its own process (peak RSS from wait4) through the real CLI code path
(segment -> rewrite -> gate -> diff -> write), with the model replaced by an identity rewriter,
so the figures measure how memory grows with input size, not model speed.

    python scripts/bench_memory.py [--sizes 1000,10000,100000]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import sys
sys.path.insert(0, {root!r})
from mtfix import Corrector, cli
from mtfix.model.rewriter import Rewrite

class Identity:
    model_id, revision = "identity", "0"
    def rewrite(self, sentences):
        return [Rewrite(s, 0.0, 0.0) for s in sentences]

cli._corrector = lambda args: Corrector(rewriter=Identity())
sys.exit(cli.main(sys.argv[1:]))
"""
LINES = ["Lavrov: NATO is trying to build from Russia the image of enemy, Moscow is not engaged.",
         "The President of Russia have repeatedly said that we are not looking for enemies.",
         "“For us it is absolutely unacceptable, – said the Minister. – We do not do.”",
         "", "The new rules will come into force from 1 April. The libraries will work from 9 a.m."]


def make_file(path: Path, n: int) -> None:
    rng = random.Random(n)
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(n):
            fh.write(rng.choice(LINES) + "\n")


def run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), *args],
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"child failed ({proc.returncode}): {args}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000")
    opts = p.parse_args()
    print(f"{'lines':>8} {'mode':<10} {'seconds':>8} {'lines/s':>9} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in opts.sizes.split(",")):
            src = Path(tmp) / f"in-{n}.txt"
            make_file(src, n)
            for mode, extra in (("--lines", ["--lines"]), ("document", [])):
                seconds, rss = run(["correct", str(src), "-q", "-o", str(Path(tmp) / "out.txt"), *extra])
                print(f"{n:>8} {mode:<10} {seconds:>8.1f} {n / seconds:>9.0f} {rss:>12.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Throughput of line-mode correction: the local engine, then the Ray engine with 1 and 2 workers
(a local Ray instance), on the same lines. Checks that every engine wrote the same bytes.

    PYTHONPATH=. python scripts/bench_ray.py [--file DEV.en] [--lines 256] [--model default] [--workers 1,2]

Run from the source tree with PYTHONPATH=. so that the workers import the same mtfix.
The dev data is found as by `mtfix eval` ($MTFIX_EVAL_DATA, else ../shared/data/dev).
Start-up (Ray, and each worker loading the model) is timed apart from the correcting itself:
"lines/s" is lines over the correcting time, "wall" includes start-up.
"""
from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.config import DEFAULT  # noqa: E402
from mtfix.engine.batch import Batch, Options  # noqa: E402
from mtfix.engine.distributed import RayBatch, RayOptions, corrector_factory  # noqa: E402
from mtfix.evaluation.run import default_data_dir  # noqa: E402
from mtfix.pipeline import Corrector  # noqa: E402

DEV = default_data_dir() / "wmt13-ruen" / "hyp.online-B.en"


def run_local(path: str, model: str, threads: int) -> tuple[str, float, float]:
    """(output, start-up s, correcting s) of the local engine."""
    t0 = time.perf_counter()
    corrector = Corrector(model=model, config=DEFAULT.with_(num_threads=threads))
    corrector.signature  # noqa: B018 - loads the model
    t1 = time.perf_counter()
    out = io.StringIO(newline="")
    Batch(corrector, Options(lines=True), print).to_stream([path], out)
    return out.getvalue(), t1 - t0, time.perf_counter() - t1


def run_ray(path: str, empty: str, model: str, workers: int, shard_lines: int) -> tuple[str, float, float]:
    """(output, start-up s, correcting s) of the Ray engine on a local instance of ``workers`` CPUs."""
    import ray

    ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        options = RayOptions(workers=workers, shard_lines=shard_lines)
        batch = RayBatch(corrector_factory(model, DEFAULT), Options(lines=True), print, options=options)
        t0 = time.perf_counter()
        batch.to_stream([empty], io.StringIO())  # start the workers (each loads the model), correct nothing
        t1 = time.perf_counter()
        out = io.StringIO(newline="")
        batch.to_stream([path], out)  # starts them again: subtract the start-up measured above
        total = time.perf_counter() - t1
    finally:
        ray.shutdown()
    return out.getvalue(), t1 - t0, max(1e-9, total - (t1 - t0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", default=str(DEV), help="one sentence a line (default: WMT13 ru-en online-B)")
    ap.add_argument("--lines", type=int, default=256, help="first N lines of --file (default: 256)")
    ap.add_argument("--model", default="default")
    ap.add_argument("--workers", default="1,2", help="Ray worker counts to try (default: 1,2)")
    ap.add_argument("--shard-lines", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0, help="local engine's threads (default: one per core)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path, empty = str(Path(tmp) / "in.txt"), str(Path(tmp) / "empty.txt")
        with open(args.file, encoding="utf-8") as fh:
            text = "".join(line for _, line in zip(range(args.lines), fh))
        Path(path).write_text(text, encoding="utf-8")
        Path(empty).write_text("", encoding="utf-8")
        n = text.count("\n")
        print(f"{n} lines of {args.file}, model {args.model}, shards of {args.shard_lines} lines")
        expected, start, busy = run_local(path, args.model, args.threads)
        rows = [("local", start, busy, True)]
        for workers in [int(w) for w in args.workers.split(",")]:
            out, start, busy = run_ray(path, empty, args.model, workers, args.shard_lines)
            rows.append((f"ray x{workers}", start, busy, out == expected))
    print(f"{'engine':10} {'start s':>8} {'correct s':>10} {'lines/s':>8} {'wall s':>7} {'same':>5}")
    for name, start, busy, same in rows:
        print(f"{name:10} {start:8.1f} {busy:10.1f} {n / busy:8.2f} {start + busy:7.1f} {'yes' if same else 'NO':>5}")
    ray_rows = {name: n / busy for name, _, busy, _ in rows}
    if "ray x1" in ray_rows and "ray x2" in ray_rows:
        print(f"ray x2 / ray x1 throughput: {ray_rows['ray x2'] / ray_rows['ray x1']:.2f}")
    print(f"ray x1 / local throughput: {ray_rows.get('ray x1', 0) / ray_rows['local']:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""All four dev presets (WMT13, WMT21, JFLEG, MLQE-PE) in one markdown report, for the model card.

    .venv/bin/python scripts/eval_dev.py --limit 200 --fixers identity,base,harper,default -o eval.md

Runs in one process so each model is loaded once; prints (and writes into the report) the
``mtfix eval`` command that reproduces each section on its own.
"""
from __future__ import annotations

import argparse
import shlex
import sys
import time

from mtfix import __version__
from mtfix.config import DEFAULT
from mtfix.engine.progress import ProgressBar
from mtfix.evaluation.baselines import Cached, make_fixers
from mtfix.evaluation.run import PRESETS, default_data_dir, evaluate, load_sets, render
from mtfix.text.textio import write_atomic


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presets", default=",".join(PRESETS), help="comma-separated (default: all)")
    ap.add_argument("--data", default=None, help="shared dev data (default: ../shared/data/dev)")
    ap.add_argument("--limit", type=int, default=200, help="lines per set, the same for every system; 0 = all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fixers", default="identity,base,harper,default")
    ap.add_argument("--level", default=DEFAULT.level, help="gate level of the mtfix fixers (default: balanced)")
    ap.add_argument("--batch-size", type=int, default=DEFAULT.batch_size)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("-o", "--output", help="markdown report (default: stdout)")
    args = ap.parse_args(argv)

    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    names = [f.strip() for f in args.fixers.split(",") if f.strip()]
    config = DEFAULT.at_level(args.level).with_(batch_size=args.batch_size, num_threads=args.threads)
    fixers = [Cached(f) for f in make_fixers(names, config)]  # shared: each model loads once
    data = args.data or str(default_data_dir())
    sections, commands = [], []
    for preset in presets:
        cmd = ["mtfix", "eval", "--preset", preset, "--data", data, "--limit", str(args.limit),
               "--seed", str(args.seed), "--fixers", ",".join(names), "--level", args.level, "-f", "markdown"]
        commands.append(shlex.join(cmd))
        print(commands[-1], file=sys.stderr)
        start = time.monotonic()
        bar = ProgressBar(f"lines ({preset})", enabled=sys.stderr.isatty())
        try:
            report = evaluate(load_sets(preset, data), fixers, limit=args.limit, seed=args.seed,
                              progress=bar)
        finally:
            bar.close()
        print(f"  {preset}: {time.monotonic() - start:.0f} s", file=sys.stderr)
        sections.append(f"## {preset}\n\n```sh\n{commands[-1]}\n```\n\n{render(report, 'markdown')}")
    head = (f"# mtfix on the dev sets\n\nmtfix {__version__}; {args.limit or 'all'} lines per set "
            f"(seed {args.seed}); fixers: {', '.join(names)}. Made with:\n\n```sh\n"
            f"{shlex.join(['python', 'scripts/eval_dev.py', *(argv if argv is not None else sys.argv[1:])])}"
            "\n```\n\n")
    text = head + "\n".join(sections)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Throughput of mtfix against the naive path and Harper on a fixed sample of the dev MT, in one run.

    python scripts/bench.py [--n 500] [--naive-n 40] [--sizes 10,100] [--no-cold] [--plot docs/bench.png]

The sample mixes WMT13 ru-en system outputs (2013 systems, rule-based ones included) and WMT21 ones
(modern, mostly fine), drawn with a seed; each setting runs in its own process (peak RSS, load time) on
the same lines: the fast ones on ``--n`` lines, the slow ones (the naive path: one sentence at a time,
plain greedy ``generate``, no skipping) on the first ``--naive-n`` of them. Every line goes through the
whole Corrector (segment, rewrite, gate, diff). Prints a markdown table: sentences/s and output tokens/s
(wall clock), CPU seconds per sentence, model forward passes per sentence (a count: immune to a busy
machine), the speed-up over the naive path on the same lines (wall clock, and CPU time), whether the
raw rewrites equal the naive path's, the chrF change against the references, peak RSS and model load
time; then how time grows with input size.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# name -> (what it is, Config changes, runs on the small subsample, HF prompt-lookup tokens)
SETTINGS: dict[str, tuple[str, dict[str, Any], bool, int]] = {
    "naive": ("one sentence at a time, plain greedy generate(), no skipping",
              {"strategy": "greedy", "batch_size": 1}, True, 0),
    "prompt-lookup": ("one at a time, HF generate(prompt_lookup_num_tokens=10)",
                      {"strategy": "greedy", "batch_size": 1}, True, 10),
    "greedy-b8": ("greedy generate() in batches of 8 (mtfix before copy-draft)",
                  {"strategy": "greedy", "batch_size": 8}, True, 0),
    "default": ("mtfix default: copy-draft, batches of 8 (exact greedy)", {}, False, 0),
    "default-b32": ("copy-draft, keep pass in batches of 32", {"batch_size": 32}, False, 0),
    "bf16": ("copy-draft with bfloat16 weights (not exact: float rounding)", {"dtype": "bfloat16"}, False, 0),
    "skip-keep": ("copy-draft, and no generation when keep score >= -0.1 (not exact)",
                  {"skip_keep_score": -0.1}, False, 0),
    "harper": ("Harper (harper-py), first suggestion of every lint", {}, False, 0),
}
DEFAULT_SETTINGS = "naive,prompt-lookup,greedy-b8,default,bf16,skip-keep,harper"


def sample(data: Path, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` distinct (MT line, reference) pairs, half WMT13 half WMT21, random systems; prefix-stable."""
    sets = []
    for name, ref in (("wmt13-ruen", "ref.en"), ("wmt21-ruen", "ref.A.en")):
        refs = (data / name / ref).read_text(encoding="utf-8").splitlines()
        hyps = [p.read_text(encoding="utf-8").splitlines() for p in sorted((data / name).glob("hyp.*.en"))]
        sets.append((refs, hyps))
    rng = random.Random(seed)
    out: dict[str, str] = {}
    while len(out) < n:
        refs, hyps = sets[len(out) % 2]
        line = rng.randrange(len(refs))
        mt = rng.choice(hyps)[line].strip()
        if mt and mt not in out:
            out[mt] = refs[line]
    return list(out.items())


# ---------------------------------------------------------------- child: one setting, one process

def run_child(opts: argparse.Namespace) -> None:
    name = opts.child
    lines = [mt for mt, _ in sample(Path(opts.data), opts.lines, opts.seed)]
    cpu0, t0 = time.process_time(), time.perf_counter()
    counter = {"passes": 0, "tokens": 0}
    recorded: dict[str, str] = {}
    if name == "harper":
        from mtfix.evaluation.baselines import Harper
        from mtfix.text.segment import segment

        fixer = Harper()
        load = time.perf_counter() - t0

        def fix(part: list[str]) -> tuple[list[str], int, int]:
            return fixer.fix(part), len({s.text for line in part for s in segment(line)}), 0
    else:
        fix, load = _corrector(name, opts.threads, counter, recorded)
    runs = []
    for size in [int(s) for s in opts.run_sizes.split(",")]:
        cpu, start = time.process_time(), time.perf_counter()
        counter.update(passes=0, tokens=0)
        outputs, sentences, out_tokens = fix(lines[:size])
        runs.append({"lines": size, "sentences": sentences, "seconds": time.perf_counter() - start,
                     "cpu": time.process_time() - cpu, "out_tokens": out_tokens, **counter})
    print(json.dumps({"setting": name, "load": load, "runs": runs, "outputs": outputs, "rewrites": recorded,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "cpu_total": time.process_time() - cpu0}))


def _corrector(name: str, threads: int, counter: dict[str, int], recorded: dict[str, str]) -> tuple[Any, float]:
    import functools

    from mtfix import Corrector
    from mtfix.config import DEFAULT

    _, changes, _, lookup = SETTINGS[name]
    start = time.perf_counter()
    corrector = Corrector(model="default", config=DEFAULT.with_(num_threads=threads, **changes))
    rewriter: Any = corrector.rewriter
    load = time.perf_counter() - start
    model = rewriter.model

    def count(_module: Any, args: Any, kwargs: dict[str, Any]) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        counter["passes"] += 1
        counter["tokens"] += int(ids.numel()) if ids is not None else 0

    model.register_forward_pre_hook(count, with_kwargs=True)
    if lookup:
        model.generate = functools.partial(model.generate, prompt_lookup_num_tokens=lookup)
    rewrite = rewriter.rewrite

    def recording(sentences: list[str]) -> list[Any]:
        out = rewrite(sentences)
        recorded.update((s, r.text) for s, r in zip(sentences, out))
        return out

    rewriter.rewrite = recording

    def fix(part: list[str]) -> tuple[list[str], int, int]:
        results = corrector.correct_batch(part)
        sentences = {s.source for r in results for s in r.sentences}
        # Output tokens: of each distinct sentence's raw rewrite, plus its end of turn.
        tokens = sum(len(rewriter.tokenizer.encode(recorded[s], add_special_tokens=False)) + 1
                     for s in sentences if s in recorded)
        return [r.text for r in results], len(sentences), tokens

    return fix, load


# ---------------------------------------------------------------- parent

def child(opts: argparse.Namespace, name: str, lines: int, sizes: list[int]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", name, "--lines", str(lines), "--seed", str(opts.seed),
           "--data", opts.data, "--threads", str(opts.threads), "--run-sizes", ",".join(map(str, sizes))]
    print(f"bench: {name} on {', '.join(map(str, sizes))} lines ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"bench: setting {name!r} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_load(opts: argparse.Namespace) -> tuple[float, float]:
    """(cold, warm) seconds to resolve + load the default model in a fresh process; cold = empty cache."""
    code = ("import time; t=time.perf_counter(); from mtfix.model import store; "
            "from mtfix.model.rewriter import TransformersRewriter; TransformersRewriter(store.resolve('default')); "
            "print(time.perf_counter()-t)")
    times = []
    with tempfile.TemporaryDirectory() as empty:
        for cache in (empty, None):
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            if cache:
                env["MTFIX_CACHE"] = cache
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
            if proc.returncode:
                raise SystemExit(f"bench: loading the model failed:\n{proc.stderr[-2000:]}")
            times.append(float(proc.stdout.split()[-1]))
    return times[0], times[1]


def chrf_delta(outputs: list[str], pairs: list[tuple[str, str]]) -> float:
    from sacrebleu.metrics import CHRF

    refs = [[r for _, r in pairs]]
    return CHRF().corpus_score(outputs, refs).score - CHRF().corpus_score([m for m, _ in pairs], refs).score


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=500, help="lines in the main sample (default: 500)")
    p.add_argument("--naive-n", type=int, default=40,
                   help="lines (the sample's first) for the slow settings (default: 40)")
    p.add_argument("--sizes", default="10,100",
                   help="input sizes (lines) for the growth table, mtfix default and Harper; sizes up to 5000 "
                        "work, ~0.3 s a line on 2 busy cores (default: 10,100 and --n)")
    p.add_argument("--settings", default=DEFAULT_SETTINGS, help=f"comma-separated from {', '.join(SETTINGS)}")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=None, help="shared dev data (default: ../shared/data/dev, $MTFIX_EVAL_DATA)")
    p.add_argument("--threads", type=int, default=0, help="torch threads (default 0: one per core)")
    p.add_argument("--no-cold", action="store_true", help="skip the cold model load (GGUF conversion, ~30 s)")
    p.add_argument("--plot", default="", help="write the quality-vs-speed plot here (needs matplotlib)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--lines", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--run-sizes", default="", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.data is None:
        from mtfix.evaluation.run import default_data_dir

        opts.data = str(default_data_dir())
    if opts.child:
        run_child(opts)
        return 0
    names = [s.strip() for s in opts.settings.split(",") if s.strip()]
    unknown = [s for s in names if s not in SETTINGS]
    if unknown:
        p.error(f"unknown setting(s) {', '.join(unknown)}; choose from {', '.join(SETTINGS)}")
    sizes = sorted({int(s) for s in opts.sizes.split(",") if s.strip()} | {opts.n})
    pairs = sample(Path(opts.data), max(sizes), opts.seed)
    small = min(opts.naive_n, opts.n)
    started = time.perf_counter()
    results = {}
    for name in names:
        slow = SETTINGS[name][2]
        grow = [s for s in sizes if s != opts.n] if name in ("default", "harper") else []
        # Every setting also runs on the slow settings' lines, so that speed-ups compare the same sentences.
        runs = [small] if slow else sorted({small, opts.n, *grow})
        results[name] = child(opts, name, max(runs), runs)
    cold = cold_load(opts) if not opts.no_cold else None
    report(opts, names, results, pairs, small, cold, time.perf_counter() - started)
    if opts.plot:
        plot(opts, names, results, pairs, small)
    return 0


def _main_run(res: dict[str, Any], lines: int) -> dict[str, Any]:
    return next(r for r in res["runs"] if r["lines"] == lines)


def report(opts: argparse.Namespace, names: list[str], results: dict[str, Any], pairs: list[tuple[str, str]],
           small: int, cold: tuple[float, float] | None, wall: float) -> None:
    import torch

    naive = results.get("naive")
    print(f"mtfix bench: {opts.n} lines of dev MT (WMT13 + WMT21 ru-en, seed {opts.seed}); slow settings on the "
          f"first {small}. torch threads: {opts.threads or os.cpu_count()} ({os.cpu_count()} cores, "
          f"torch {torch.__version__}); bench wall time {wall:.0f} s.")
    print("Wall-clock figures are noisy when the machine is shared; CPU s/sent and passes/sent are steadier.\n")
    head = ["setting", "lines", "sent/s", "out tok/s", "CPU s/sent", "passes/sent", f"x naive ({small})",
            f"same as naive ({small})", f"chrF Δ ({small})", f"chrF Δ ({opts.n})", "peak RSS MB", "load s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    naive_speed = None
    if naive:
        run = _main_run(naive, small)
        naive_speed = run["sentences"] / run["seconds"]
    for name in names:
        res = results[name]
        slow = SETTINGS[name][2]
        lines = small if slow else opts.n
        run = _main_run(res, lines)
        speed = run["sentences"] / run["seconds"]
        tok = f"{run['out_tokens'] / run['seconds']:.0f}" if run["out_tokens"] else "-"
        passes = f"{run['passes'] / run['sentences']:.1f}" if name != "harper" else "-"
        same_lines = _main_run(res, small)
        ratio = f"{same_lines['sentences'] / same_lines['seconds'] / naive_speed:.1f}x" if naive_speed else "-"
        if naive_speed and name != "harper":
            ratio += f" ({_main_run(naive, small)['cpu'] / same_lines['cpu']:.1f}x CPU)"
        same = "-"
        if naive and name != "harper":
            shared = [s for s in naive["rewrites"] if s in res["rewrites"]]
            same = f"{sum(naive['rewrites'][s] == res['rewrites'][s] for s in shared)}/{len(shared)}"
        small_delta = chrf_delta(res["outputs"][:small], pairs[:small])
        full = f"{chrf_delta(res['outputs'][:opts.n], pairs[:opts.n]):+.2f}" if not slow else "-"
        print(f"| {name} | {lines} | {speed:.2f} | {tok} | {run['cpu'] / run['sentences']:.2f} | {passes} | "
              f"{ratio} | {same} | {small_delta:+.2f} | {full} | {res['rss_mb']:.0f} | {res['load']:.1f} |")
    print()
    for name in names:
        print(f"- {name}: {SETTINGS[name][0]}")
    if cold:
        print(f"\nModel load, fresh process: cold (empty MTFIX_CACHE: GGUF -> safetensors) {cold[0]:.1f} s; "
              f"warm {cold[1]:.1f} s.")
    grow = [n for n in names if n in ("default", "harper")]
    if grow:
        print("\nHow time grows with input size (model loaded; seconds, and sentences/s):\n")
        sizes = sorted({r["lines"] for n in grow for r in results[n]["runs"]})
        print("| lines | " + " | ".join(f"{n} s | {n} sent/s" for n in grow) + " |")
        print("|" + "---|" * (1 + 2 * len(grow)))
        for size in sizes:
            cells = []
            for n in grow:
                run = next((r for r in results[n]["runs"] if r["lines"] == size), None)
                cells += [f"{run['seconds']:.1f}", f"{run['sentences'] / run['seconds']:.2f}"] if run else ["-", "-"]
            print(f"| {size} | " + " | ".join(cells) + " |")


def plot(opts: argparse.Namespace, names: list[str], results: dict[str, Any], pairs: list[tuple[str, str]],
         small: int) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("bench: the plot needs matplotlib: pip install 'mtfix[bench]'") from None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, name in enumerate(names):
        res = results[name]
        run = _main_run(res, small if SETTINGS[name][2] else opts.n)
        speed = run["sentences"] / run["seconds"]
        delta = chrf_delta(res["outputs"][:small], pairs[:small])
        ax.scatter([speed], [delta], s=40, color="tab:orange" if name == "harper" else "tab:blue")
        # Alternate above and below: exact settings share one chrF and their labels would overlap.
        ax.annotate(name, (speed, delta), textcoords="offset points", xytext=(4, 6 if i % 2 else -13), fontsize=9)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("sentences per second (log scale; 2 shared CPU cores)")
    ax.set_ylabel(f"chrF change vs raw MT ({small} lines)")
    ax.set_title("mtfix: quality against speed, per decoding setting")
    fig.tight_layout()
    fig.savefig(opts.plot, dpi=110)
    print(f"\nplot: {opts.plot}")


if __name__ == "__main__":
    sys.exit(main())

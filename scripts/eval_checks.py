"""Count, sample and time the bilingual checks (mtfix.checks) on the shared WMT ru-en dev data.

    PYTHONPATH=. python scripts/eval_checks.py                                  # per-system counts (markdown)
    PYTHONPATH=. python scripts/eval_checks.py --limit 500 --systems online-B,PROMT
    PYTHONPATH=. python scripts/eval_checks.py --sample 100 --seed 1 --out /tmp/checks-sample.jsonl
    PYTHONPATH=. python scripts/eval_checks.py --bench                          # check_file on 10,000 pairs

Each dataset folder holds ``src.ru`` and, line-aligned, ``hyp.<system>.en`` and ``ref*.en`` (references are
counted as systems named ``ref``, ``ref.A``, ...). Every kind is run except ``glossary`` (no glossary for this
data); ``inconsistent`` runs over each system's file as a whole. The sample is stratified over kinds: an equal
share per kind, the shortfall of rare kinds filled from the others, all drawn with ``random.Random(seed)``.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from mtfix.checks import DEFAULT_KINDS, KINDS, Finding, check_file

DATA = ("../shared/data/dev/wmt13-ruen", "../shared/data/dev/wmt21-ruen")
EVAL_KINDS = tuple(k for k in KINDS if k != "glossary")


def read_lines(path: Path) -> list[str]:
    """The lines of a line-aligned file (split on newlines only, as the files were written)."""
    text = path.read_text(encoding="utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def systems_of(folder: Path, wanted: list[str] | None) -> list[tuple[str, Path]]:
    """(name, path) of each target file in ``folder``, filtered by substrings of ``wanted``."""
    out = []
    for path in sorted(folder.glob("*.en")):
        name = path.name[:-3]
        name = name[4:] if name.startswith("hyp.") else name
        if wanted is None or any(w.lower() in name.lower() for w in wanted):
            out.append((name, path))
    return out


def run_all(folders: list[Path], wanted: list[str] | None, limit: int | None,
            kinds: tuple[str, ...]) -> list[dict[str, object]]:
    """One record per finding over every selected system of every folder."""
    records: list[dict[str, object]] = []
    for folder in folders:
        sources = read_lines(folder / "src.ru")[:limit]
        for name, path in systems_of(folder, wanted):
            targets = read_lines(path)[: len(sources)]
            pairs = list(zip(sources, targets))
            for i, findings in enumerate(check_file(pairs, source_lang="ru", kinds=kinds)):
                for f in findings:
                    records.append({"dataset": folder.name, "system": name, "line": i + 1, "source": pairs[i][0],
                                    "target": pairs[i][1], **f.to_dict()})
            records.append({"dataset": folder.name, "system": name, "segments": len(pairs)})
    return records


def table(records: list[dict[str, object]], kinds: tuple[str, ...]) -> str:
    """A markdown table: one row per dataset/system, findings per kind (per 100 segments in brackets)."""
    segs: dict[tuple[str, str], int] = {}
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in records:
        key = (str(r["dataset"]), str(r["system"]))
        if "segments" in r:
            segs[key] = int(r["segments"])  # type: ignore[call-overload]
        else:
            counts[(*key, str(r["kind"]))] += 1
    head = "| dataset | system | segments | " + " | ".join(kinds) + " |"
    rows = [head, "|" + "---|" * (3 + len(kinds))]
    for (ds, sysname), n in segs.items():
        cells = [f"{counts[(ds, sysname, k)]}" for k in kinds]
        rows.append(f"| {ds} | {sysname} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def sample(records: list[dict[str, object]], n: int, seed: int) -> list[dict[str, object]]:
    """``n`` findings, stratified over kinds (equal shares, shortfalls filled from the other kinds)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[dict[str, object]]] = {}
    for r in records:
        if "kind" in r:
            by_kind.setdefault(str(r["kind"]), []).append(r)
    for group in by_kind.values():
        rng.shuffle(group)
    chosen: list[dict[str, object]] = []
    kinds = sorted(by_kind)
    while len(chosen) < n and any(by_kind.values()):
        live = [k for k in kinds if by_kind[k]]
        share = max(1, (n - len(chosen)) // len(live))
        for k in live:
            take = by_kind[k][:share]
            del by_kind[k][:share]
            chosen.extend(take[: n - len(chosen)])
    rng.shuffle(chosen)
    out = []
    for i, r in enumerate(chosen, 1):
        f = Finding.from_dict(r)
        target, source = str(r["target"]), str(r["source"])
        out.append({"id": i, **r,
                    "target_span": target[f.start:f.end] if f.start is not None else None,
                    "source_span": source[f.source_start:f.source_end] if f.source_start is not None else None,
                    "judgement": None})
    return out


def bench(folder: Path, n: int = 10_000) -> str:
    """Segments per second of check_file (default kinds, then every kind) on ``n`` WMT13 pairs."""
    sources = read_lines(folder / "src.ru")
    pairs: list[tuple[str, str]] = []
    for _, path in systems_of(folder, None):
        pairs.extend(zip(sources, read_lines(path)))
        if len(pairs) >= n:
            break
    pairs = pairs[:n]
    check_file(pairs[:50], kinds=EVAL_KINDS)  # warm-up: compile regexes, load pymorphy3 lazily
    lines = []
    for label, kinds in (("default kinds", tuple(sorted(DEFAULT_KINDS - {"glossary"}))), ("all kinds", EVAL_KINDS)):
        t0 = time.perf_counter()
        found = check_file(pairs, source_lang="ru", kinds=kinds)
        dt = time.perf_counter() - t0
        lines.append(f"check_file, {label} ({', '.join(kinds)}): {len(pairs)} pairs in {dt:.2f} s = "
                     f"{len(pairs) / dt:,.0f} segments/s, {sum(map(len, found))} findings")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", nargs="+", default=list(DATA), help="dataset folders (src.ru + *.en)")
    ap.add_argument("--limit", type=int, default=None, help="lines per system (default: all)")
    ap.add_argument("--systems", default=None, help="comma-separated substrings of system names (default: all)")
    ap.add_argument("--kinds", default=",".join(EVAL_KINDS), help="comma-separated kinds to run")
    ap.add_argument("--sample", type=int, default=0, help="write this many random findings to --out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="the JSONL file for --sample")
    ap.add_argument("--bench", action="store_true", help="time check_file on 10,000 WMT13 pairs and exit")
    args = ap.parse_args()
    folders = [Path(d) for d in args.data]
    if args.bench:
        print(bench(folders[0]))
        return
    kinds = tuple(k for k in args.kinds.split(",") if k)
    wanted = [s for s in args.systems.split(",") if s] if args.systems else None
    records = run_all(folders, wanted, args.limit, kinds)
    print(table(records, kinds))
    if args.sample:
        if not args.out:
            sys.exit("--sample needs --out FILE.jsonl")
        chosen = sample(records, args.sample, args.seed)
        with open(args.out, "w", encoding="utf-8") as fh:
            for r in chosen:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"\nwrote {len(chosen)} findings to {args.out} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(str(r['kind']) for r in chosen).items()))})")


if __name__ == "__main__":
    main()

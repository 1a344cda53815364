#!/usr/bin/env python
"""Score mtfix's sentence segmenter (and plain pysbd) on the English Golden Rules.

    python scripts/segbench.py            # both segmenters, failing cases listed
    python scripts/segbench.py --json     # one JSON object instead

A case passes when the list of sentence strings equals the expected one exactly (pysbd's
sentences are stripped first, as pySBD's own test does). Always exits 0 once scored.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "data" / "golden_rules_en.tsv"

_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    expected: list[str]


@dataclass(frozen=True)
class Failure:
    case: Case
    got: list[str]


def _unescape(field: str) -> str:
    if "\\" not in field:
        return field
    out: list[str] = []
    i = 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field) and field[i + 1] in _UNESCAPE:
            out.append(_UNESCAPE[field[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_golden(path: Path = DEFAULT_DATA) -> list[Case]:
    """Cases from the TSV: ``id <TAB> text <TAB> expected...``; ``#`` lines are comments."""
    cases: list[Case] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [_unescape(f) for f in line.split("\t")]
        if len(fields) < 3:
            raise ValueError(f"{path}: malformed line: {line!r}")
        cases.append(Case(fields[0], fields[1], fields[2:]))
    return cases


def score(split: Callable[[str], list[str]], cases: list[Case]) -> tuple[int, list[Failure]]:
    """Number of cases ``split`` gets exactly right, and the others."""
    failures: list[Failure] = []
    for case in cases:
        try:
            got = split(case.text)
        except Exception as exc:  # a crash is a failed case, not a failed benchmark
            got = [f"<{type(exc).__name__}: {exc}>"]
        if got != case.expected:
            failures.append(Failure(case, got))
    return len(cases) - len(failures), failures


def mtfix_split(text: str) -> list[str]:
    from mtfix.text.segment import segment

    return [s.text for s in segment(text)]


def pysbd_split(text: str) -> list[str]:
    return [s.strip() for s in _pysbd().segment(text)]


_PYSBD = None


def _pysbd():
    global _PYSBD
    if _PYSBD is None:
        import pysbd

        _PYSBD = pysbd.Segmenter(language="en", clean=False)
    return _PYSBD


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="golden rules TSV (default: %(default)s)")
    ap.add_argument("--no-pysbd", action="store_true", help="score mtfix only")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)

    if str(ROOT) not in sys.path:  # let the script run from a checkout without installing
        sys.path.insert(0, str(ROOT))
    cases = load_golden(args.data)
    runs: list[tuple[str, Callable[[str], list[str]]]] = [("mtfix", mtfix_split)]
    if not args.no_pysbd:
        runs.append(("pysbd", pysbd_split))

    report: dict[str, object] = {"cases": len(cases)}
    for name, fn in runs:
        passed, failures = score(fn, cases)
        pct = 100.0 * passed / len(cases) if cases else 0.0
        if args.json:
            report[name] = {"passed": passed, "failures": [
                {"id": f.case.id, "text": f.case.text, "expected": f.case.expected, "got": f.got}
                for f in failures]}
            continue
        print(f"golden rules: {passed}/{len(cases)} passed ({pct:.1f}%)  [{name}]")
        for f in failures:
            print(f"  FAIL #{f.case.id}: {f.case.text!r}")
            print(f"    expected: {f.case.expected!r}")
            print(f"    got:      {f.got!r}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

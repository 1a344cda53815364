#!/usr/bin/env python3
"""How often mtfix.rules.cognates renders an untranslated Cyrillic word as the human reference does.

    PYTHONPATH=. python scripts/eval_cognates.py [--data ../shared/data/dev/wmt13-ruen] [--systems cu-zeman]

For every Cyrillic word left in a system's output (with --transliterations, every word the
untranslated-word detector flags, as the pipeline renders them): is it rendered, and is the rendering
a word of that line's reference (case-insensitive; a plural rendering also counts when the reference
has the singular)? A rendering the reference does not share is not always wrong ("serial" where it
says "series"): the precision is a lower bound. Lines are split in two halves so that a setting
chosen on the first can be checked on the second.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.rules.cognates import Cognates  # noqa: E402
from mtfix.rules.untranslated import Detector  # noqa: E402
from mtfix.text.textio import read_lines  # noqa: E402

CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
WORD = re.compile(r"\w+")


def _renderings(line: str, cognates: Cognates, detector: Detector | None) -> list[tuple[str, str]]:
    """(word, rendering or "") of each untranslated word of ``line``."""
    if detector is None:
        return [(word, cognates.english(word)) for word in CYRILLIC.findall(line)]
    return [(f.word, cognates.for_flag(f)) for f in detector.flags(line)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "dev" / "wmt13-ruen"))
    p.add_argument("--systems", default="", help="comma-separated name parts (default: every system)")
    p.add_argument("--examples", type=int, default=0, help="print this many renderings of each half")
    p.add_argument("--transliterations", action="store_true",
                   help="also Latin words the detector flags as transliterated Russian (slower: a minute or two)")
    args = p.parse_args()
    data = Path(args.data)
    refs = read_lines(data / "ref.en")
    half = len(refs) // 2
    wanted = [s for s in args.systems.split(",") if s]
    cognates = Cognates()
    detector = Detector() if args.transliterations else None
    print(f"{'system':<28} {'half':>5} {'words':>8} {'rendered':>8} {'in ref':>7} {'precision':>9}")
    total = [[0, 0, 0], [0, 0, 0]]
    for path in sorted(data.glob("hyp.*.en")):
        system = path.name[4:-3]
        if wanted and not any(w in system for w in wanted):
            continue
        counts = [[0, 0, 0], [0, 0, 0]]
        shown = [[], []]
        for i, (hyp, ref) in enumerate(zip(read_lines(path), refs)):
            part = int(i >= half)
            ref_words = {w.lower() for w in WORD.findall(ref)}
            for word, english in _renderings(hyp, cognates, detector):
                counts[part][0] += 1
                if english:
                    counts[part][1] += 1
                    hit = english.lower() in ref_words or english.lower().rstrip("s") in ref_words
                    counts[part][2] += hit
                    shown[part].append(f"{'+' if hit else '-'} {word} -> {english}")
        if not counts[0][0] + counts[1][0]:
            continue
        for part in (0, 1):
            _row(system, part, counts[part])
            for line in shown[part][:args.examples]:
                print("     ", line)
            total[part] = [a + b for a, b in zip(total[part], counts[part])]
    for part in (0, 1):
        _row("all", part, total[part])
    return 0


def _row(system: str, part: int, counts: list[int]) -> None:
    n, rendered, hits = counts
    precision = f"{100 * hits / rendered:.0f}%" if rendered else "-"
    print(f"{system[:28]:<28} {('1st', '2nd')[part]:>5} {n:>8} {rendered:>8} {hits:>7} {precision:>9}")


if __name__ == "__main__":
    sys.exit(main())

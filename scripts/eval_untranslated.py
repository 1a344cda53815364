"""Precision and recall of the untranslated-word detector on the hand-labelled WMT13 sample.

    PYTHONPATH=. python scripts/eval_untranslated.py --data ../shared/data/dev/wmt13-ruen [-v]

Reads ``scripts/data/untranslated_labels.tsv`` (how it was made and labelled: scripts/data/README.md),
runs :class:`mtfix.rules.untranslated.Detector` on every sampled line and matches its flags to the labelled
words by span. A flag on a word that is not in the labelled set counts as a false positive.
"""
from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

from mtfix.rules.untranslated import Detector, foreign_script

LABELS = Path(__file__).parent / "data" / "untranslated_labels.tsv"


def load_labels(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if p + r else float("nan")
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev/wmt13-ruen", help="the WMT13 ru-en dev folder")
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--min-confidence", type=float, default=None, help="the detector's cut (default: its own)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the errors")
    args = ap.parse_args()
    rows = load_labels(Path(args.labels))
    detector = Detector() if args.min_confidence is None else Detector(min_confidence=args.min_confidence)
    gold: dict[tuple[str, int, int, int], dict[str, str]] = {}
    lines: dict[tuple[str, int], str] = {}
    cache: dict[str, list[str]] = {}
    for row in rows:
        system, n = row["system"], int(row["line"])
        if system not in cache:
            cache[system] = (Path(args.data) / f"hyp.{system}.en").read_text(encoding="utf-8").split("\n")
        text = cache[system][n - 1]
        start, end = int(row["start"]), int(row["end"])
        if text[start:end] != row["word"]:
            raise SystemExit(f"label file does not match the data: {system}:{n} {row['word']!r}")
        gold[(system, n, start, end)] = row
        lines[(system, n)] = text
    strata = {key[:2]: row["stratum"] for key, row in gold.items()}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn per group
    errors: list[str] = []
    predicted: set[tuple[str, int, int, int]] = set()
    for (system, n), text in lines.items():
        for flag in detector.flags(text):
            key = (system, n, flag.start, flag.end)
            predicted.add(key)
            row = gold.get(key)
            ok = row is not None and row["label"] == "yes"
            groups = ["all", strata[(system, n)], "cyrillic" if foreign_script(flag.word) else "latin"]
            for g in groups:
                counts[g][0 if ok else 1] += 1
            if not ok:
                errors.append(f"FP {flag.word!r} ({flag.cyrillic}, {flag.confidence}) {system}:{n}"
                              + ("" if row else " [not a labelled candidate]"))
    for key, row in gold.items():
        if row["label"] == "yes" and key not in predicted:
            for g in ("all", row["stratum"], "cyrillic" if foreign_script(row["word"]) else "latin"):
                counts[g][2] += 1
            errors.append(f"FN {row['word']!r} {key[0]}:{key[1]}")
    n_yes = sum(r["label"] == "yes" for r in rows)
    print(f"labelled words: {len(rows)} ({n_yes} untranslated) in {len(lines)} lines of "
          f"{len({k[0] for k in lines})} systems; detector min_confidence {detector.min_confidence}")
    for g in ("all", "random", "rare", "cyrillic", "latin"):
        if g in counts:
            print(f"{g:9} {prf(*counts[g])}")
    if args.verbose:
        print("\n".join(sorted(errors)))


if __name__ == "__main__":
    main()

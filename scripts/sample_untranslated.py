"""Draw the candidate words that ``scripts/data/untranslated_labels.tsv`` labels (see its README).

Seeded sample of WMT13 ru-en system outputs, two strata per system: "random" (LINES_PER_SYSTEM
random lines) and "rare" (RARE_PER_SYSTEM random lines among those holding a Latin word of 6+ letters
that wordfreq has never seen in English: enriched in transliterations and in the hard negatives, rare
names and words). Every word in them that is written in a non-Latin script, or is a Latin word of 4+ letters rarer in
English than Zipf 3.0 (wider than the detector's own 2.5 cut, so that recall is measured beyond
what the detector looks at), becomes a row with an empty label for a person to fill in.

    PYTHONPATH=. python scripts/sample_untranslated.py --data ../shared/data/dev/wmt13-ruen > candidates.tsv
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from wordfreq import zipf_frequency

from mtfix.rules.untranslated import foreign_script, iter_words

LINES_PER_SYSTEM = 12
RARE_PER_SYSTEM = 6
CANDIDATE_ZIPF = 3.0


def system_name(path: Path) -> str:
    return path.name[len("hyp."):-len(".en")]


def _unseen(line: str) -> bool:
    return any(w.isascii() and len(w) >= 6 and zipf_frequency(w.lower(), "en") == 0 for _, _, w in iter_words(line))


def candidates(data: Path, seed: int, per_system: int, rare: int) -> list[tuple[str, str, int, int, int, str, str]]:
    rng = random.Random(seed)
    rows = []
    for path in sorted(data.glob("hyp.*.en")):
        lines = path.read_text(encoding="utf-8").split("\n")[:-1]
        picked = sorted(rng.sample(range(len(lines)), per_system))
        pool = [n for n in range(len(lines)) if n not in picked and _unseen(lines[n])]
        strata = [("random", n) for n in picked] + [("rare", n) for n in sorted(rng.sample(pool, min(rare, len(pool))))]
        for stratum, n in strata:
            line = lines[n]
            for start, end, word in iter_words(line):
                latin_rare = (word.isascii() and sum(c.isalpha() for c in word) >= 4
                              and zipf_frequency(word.lower(), "en") < CANDIDATE_ZIPF)
                if foreign_script(word) or latin_rare:
                    rows.append((stratum, system_name(path), n + 1, start, end, word, line))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev/wmt13-ruen")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--per-system", type=int, default=LINES_PER_SYSTEM)
    ap.add_argument("--rare-per-system", type=int, default=RARE_PER_SYSTEM)
    args = ap.parse_args()
    out = sys.stdout
    out.write("stratum\tsystem\tline\tstart\tend\tword\tlabel\tcontext\n")
    rows = candidates(Path(args.data), args.seed, args.per_system, args.rare_per_system)
    for stratum, system, line, start, end, word, text in rows:
        context = text[max(0, start - 40):end + 40].replace("\t", " ")
        out.write(f"{stratum}\t{system}\t{line}\t{start}\t{end}\t{word}\t\t{context}\n")


if __name__ == "__main__":
    main()

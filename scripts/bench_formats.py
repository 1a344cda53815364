#!/usr/bin/env python
"""Figures for the file formats (mtfix.formats): the cost of the format layer, and what a model does on the samples.

    python scripts/bench_formats.py                    # synthetic files of 10,000 units per format, no model
    python scripts/bench_formats.py --units 1000
    python scripts/bench_formats.py --samples --model default --level fluent   # the test samples, a real model

The first mode times reading (parse + checks + offsets), the bilingual checks of every segment
against the source the file holds (mtfix.checks, consistency across the file included; SRT/VTT have
no source), and splicing a repair into every segment; it checks that an unchanged file comes back
byte for byte, and reads each repaired file back to check that every segment says what was spliced in.
The second corrects tests/data/formats/* and counts
segments repaired, left, and refused (with the reasons).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtfix.checks import check_file  # noqa: E402
from mtfix.formats import FileOptions, correct_file, read  # noqa: E402
from mtfix.formats.base import segment_splices, splice  # noqa: E402
from mtfix.text.diff import diff  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "formats"
OPTIONS = {"csv": FileOptions(column="target", source_column="source"),
           "tsv": FileOptions(column="target", source_column="source"),
           "jsonl": FileOptions(field="mt.en", source_field="src")}
SENTENCE = "This offer suck, said the man with %s files"
SOURCE = "Это предложение отстой, сказал человек с %s файлами"


def synthetic(fmt: str, n: int) -> str:
    """A file of ``n`` units in format ``fmt``, each target with a tag or placeholder and an agreement error."""
    units = range(1, n + 1)
    if fmt == "xliff":
        body = "".join(f'<trans-unit id="u{i}"><source>{SOURCE} в <g id="{i}">папке &amp; {i}</g>.</source>\n'
                       f'<target state="translated">'
                       f'{SENTENCE} in <g id="{i}">folder &amp; {i}</g>.</target></trans-unit>\n' for i in units)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2"><file source-language="ru" '
                f'target-language="en" datatype="plaintext" original="x"><body>\n{body}</body></file></xliff>\n')
    if fmt == "tmx":
        body = "".join(f'<tu tuid="{i}"><tuv xml:lang="ru">'
                       f'<seg>{SOURCE} <ph x="{i}">&lt;br/&gt;</ph>здесь.</seg></tuv>\n<tuv xml:lang="en">'
                       f'<seg>{SENTENCE} <ph x="{i}">&lt;br/&gt;</ph>here.</seg></tuv></tu>\n' for i in units)
        return f'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="ru"/><body>\n{body}</body></tmx>\n'
    if fmt == "po":
        return "".join(f'#: src/file.c:{i}\n#, c-format\nmsgid "{SOURCE}\\n"\n"и \\"{i}\\" ещё."\n'
                       f'msgstr ""\n"{SENTENCE}\\n"\n'
                       f'"and \\"{i}\\" more."\n\n' for i in units)
    if fmt == "srt":
        return "".join(f"{i}\r\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},900\r\n{SENTENCE},\r\n"
                       f"<i>line {i}.</i>\r\n\r\n" for i in units)
    if fmt == "vtt":
        return "WEBVTT\n\n" + "".join(f"c{i}\n00:{i % 60:02d}.000 --> 00:{i % 60:02d}.900 align:start\n"
                                       f"<v Ann>{SENTENCE},\nline {i}.</v>\n\n" for i in units)
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        rows = "".join(f'{i}{sep}"{SOURCE}, ""{i}"""{sep}"{SENTENCE}, ""{i}"""\n' if fmt == "csv" else
                       f"{i}{sep}{SOURCE} {i}{sep}{SENTENCE} {i}\n" for i in units)
        return f"id{sep}source{sep}target\n" + rows
    return "".join(json.dumps({"id": i, "src": f"{SOURCE} — {i}", "mt": {"en": f"{SENTENCE} — {i}", "score": 0.5}})
                   + "\n" for i in units)


def bench(units: int) -> None:
    print(f"{'format':7} {'units':>7} {'MB':>6} {'read s':>7} {'checks s':>8} {'findings':>8} {'splice s':>8}  "
          "unchanged  read back")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xliff", "po", "tmx", "srt", "vtt", "csv", "tsv", "jsonl"):
            path = Path(tmp) / f"big.{fmt}"
            path.write_text(synthetic(fmt, units), encoding="utf-8", newline="")
            options = OPTIONS.get(fmt, FileOptions())
            t0 = time.perf_counter()
            doc, enc = read(str(path), fmt, options)
            t1 = time.perf_counter()
            pairs = [(seg.source, seg.text) for seg in doc.segments if seg.source is not None]
            findings = sum(map(len, check_file(pairs))) if pairs else 0
            checks = time.perf_counter() - t1
            t1 = time.perf_counter()
            unchanged = enc.encode(splice(doc.text, [])) == path.read_bytes()
            splices, wanted = [], []
            for seg in doc.segments:
                new = seg.text.replace("suck", "sucks")
                wanted.append(new)
                splices += segment_splices(seg, new, diff(seg.text, new)) + list(seg.marks)
            out = splice(doc.text, splices)
            t2 = time.perf_counter()
            path.write_text(out, encoding="utf-8", newline="")
            again, _enc = read(str(path), fmt, options)
            ok = [s.text for s in again.segments] == wanted
            checked = f"{checks:8.2f} {findings:8d}" if pairs else f"{'-':>8} {'-':>8}"
            print(f"{fmt:7} {len(doc.segments):7d} {len(doc.text.encode()) / 1e6:6.2f} {t1 - t0 - checks:7.2f} "
                  f"{checked} {t2 - t1:8.2f}  {'yes' if unchanged else 'NO':9}  {'yes' if ok else 'NO'}")


def samples(model: str, level: str, threads: int) -> None:
    from mtfix.config import DEFAULT
    from mtfix.pipeline import Corrector

    corrector = Corrector(model=model, config=DEFAULT.at_level(level).with_(num_threads=threads))
    total: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    t0 = time.perf_counter()
    for path in sorted(SAMPLES.iterdir()):
        fmt = {"xlf": "xliff", "xliff": "xliff"}.get(path.suffix[1:], path.suffix[1:])
        options = OPTIONS.get(fmt, FileOptions())
        if fmt == "tsv":
            options = FileOptions(column="3")
        fixed = correct_file(str(path), corrector, input_format=fmt, column=options.column, field=options.field)
        counts = Counter("repaired" if r.text != r.source else
                         "refused" if any(s.status == "rejected" for s in r.sentences) else "kept"
                         for r in fixed.results)
        reasons.update(s.reason for r in fixed.results for s in r.sentences if s.status == "rejected")
        total.update(counts)
        print(f"{path.name:14} {len(fixed.results):2d} segments: {counts['repaired']} repaired, "
              f"{counts['kept']} kept, {counts['refused']} refused")
    print(f"all: {sum(total.values())} segments, {total['repaired']} repaired, {total['kept']} kept, "
          f"{total['refused']} refused in {time.perf_counter() - t0:.1f} s")
    print("refusals:", ", ".join(f"{k} ×{v}" for k, v in reasons.most_common()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000, help="units per synthetic file (default: 10000)")
    parser.add_argument("--samples", action="store_true", help="correct the test samples with a real model")
    parser.add_argument("--model", default="default", help="for --samples (default: default)")
    parser.add_argument("--level", default="balanced", help="for --samples (default: balanced)")
    parser.add_argument("--threads", type=int, default=0, help="for --samples: CPU threads (default: one per core)")
    args = parser.parse_args()
    if args.samples:
        samples(args.model, args.level, args.threads)
    else:
        bench(args.units)
    return 0


if __name__ == "__main__":
    sys.exit(main())

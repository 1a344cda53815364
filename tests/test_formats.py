"""Translation and data files: only the English targets change, everything else comes back byte for byte."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, fix_agreement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtfix import Corrector
from mtfix.cli import main
from mtfix.formats import FileOptions, FormatError, correct_file, keep_codes, read
from mtfix.formats.base import KEPT_REASON, SOFT_REASON, TEXT, layout, protected, segment_splices, splice
from mtfix.rules.source import BROKEN_REASON
from mtfix.text.diff import diff

DATA = Path(__file__).parent / "data" / "formats"

# Each sample, the options it needs, and every byte change the agreement-fixing rewriter must cause
# (marks included); nothing else may differ.
REPAIRS: dict[str, tuple[dict[str, str], list[tuple[str, str]]]] = {
    "app.xlf": ({}, [
        ('<target state="translated">This offer suck &amp; nobody <g id="1">know it</g>',
         '<target state="needs-review-translation">This offer sucks &amp; nobody <g id="1">knows it</g>'),
        ('"files" approved="yes">', '"files" approved="no">'),
        ("<target>The President have repeatedly", '<target state="needs-review-translation">The President has '
                                                  "repeatedly"),
    ]),
    "doc2.xliff": ({}, [
        ('<segment id="s1" state="reviewed">', '<segment id="s1" state="translated" subState="mtfix:repaired">'),
        ("This offer suck, <pc", "This offer sucks, <pc"),
        ('<segment id="s2">', '<segment id="s2" state="translated" subState="mtfix:repaired">'),
        ("He know it<ph", "He knows it<ph"),
    ]),
    "messages.po": ({}, [
        ("#, c-format", "#, fuzzy, c-format"),
        ('msgstr "This offer suck: %s"', 'msgstr "This offer sucks: %s"'),
        ('main.c:12\r\nmsgid "One file"', 'main.c:12\r\n#, fuzzy\r\nmsgid "One file"'),
        ('msgstr[0] "The file was present', 'msgstr[0] "The file were present'),
        ('msgstr[1] "%d files was present', 'msgstr[1] "%d files were present'),
        ("help text\r\nmsgctxt", "help text\r\n#, fuzzy\r\nmsgctxt"),
        ('"The President have repeatedly said\\n"', '"The President has repeatedly said\\n"'),
        ('"that nobody know it."', '"that nobody knows it."'),
    ]),
    "memory.tmx": ({}, [
        ('"en-GB"><seg>This offer suck,', '"en-GB"><prop type="x-mtfix">repaired</prop><seg>This offer sucks,'),
        ('"en"><seg>He know it', '"en"><prop type="x-mtfix">repaired</prop><seg>He knows it'),
    ]),
    "episode.srt": ({}, [("This offer suck,\r\n", "This offer sucks,\r\n"), ("Nobody know it.", "Nobody knows it.")]),
    "talk.vtt": ({}, [("This offer suck,\nand he know it.", "This offer sucks,\nand he knows it.")]),
    "strings.csv": ({"column": "target"}, [('"This offer suck, ""truly"""', '"This offer sucks, ""truly"""'),
                                           ("He know it,", "He knows it,")]),
    "pairs.tsv": ({"column": "3"}, [("The President have repeatedly", "The President has repeatedly")]),
    "corpus.jsonl": ({"field": "mt.en"}, [("This offer suck \\u2014", "This offer sucks \\u2014"),
                                          ("Nobody know it.", "Nobody knows it.")]),
}
SAMPLES = sorted(REPAIRS)


def corrector(fn=fix_agreement) -> Corrector:  # type: ignore[no-untyped-def]
    return Corrector(rewriter=FakeRewriter(fn))


def test_samples_cover_the_hard_cases() -> None:
    assert (DATA / "memory.tmx").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM
    assert b"\r\n" in (DATA / "messages.po").read_bytes() and b"\r\n" in (DATA / "episode.srt").read_bytes()
    assert b"msgstr[1]" in (DATA / "messages.po").read_bytes() and b"#~ msgstr" in (DATA / "messages.po").read_bytes()


@pytest.mark.parametrize("name", SAMPLES)
def test_unchanged_run_gives_the_same_bytes(name: str, tmp_path: Path) -> None:
    options, _changes = REPAIRS[name]
    out = tmp_path / name
    fixed = correct_file(str(DATA / name), corrector(lambda s: s), output=str(out), **options)
    assert out.read_bytes() == (DATA / name).read_bytes()
    assert fixed.results and fixed.changed == 0


@pytest.mark.parametrize("name", SAMPLES)
def test_repairs_change_only_the_targets(name: str, tmp_path: Path) -> None:
    options, changes = REPAIRS[name]
    out = tmp_path / name
    fixed = correct_file(str(DATA / name), corrector(), output=str(out), **options)
    expected = (DATA / name).read_bytes()
    for old, new in changes:
        assert expected.count(old.encode()) == 1, old
        expected = expected.replace(old.encode(), new.encode())
    assert out.read_bytes() == expected
    assert fixed.changed == len({r.name for r in fixed.results if r.text != r.source}) > 0


@pytest.mark.parametrize("name", ["app.xlf", "messages.po", "memory.tmx", "doc2.xliff"])
def test_no_mark_changes_leaves_only_the_repairs(name: str, tmp_path: Path) -> None:
    out = tmp_path / name
    correct_file(str(DATA / name), corrector(), output=str(out), mark_changes=False)
    text = out.read_text(encoding="utf-8-sig")
    assert "sucks" in text
    assert "needs-review" not in text and "fuzzy" not in text and "x-mtfix" not in text and "subState" not in text


SEGMENT_IDS = {
    "app.xlf": ["welcome", "files", "save"],
    "doc2.xliff": ["u1/s1", "u1/s2"],
    "messages.po": ["This offer is bad: %s", "One file[0]", "One file[1]", "help|Line one line two"],
    "memory.tmx": ["42", "2"],
    "episode.srt": ["1", "2", "3"],
    "talk.vtt": ["intro", "2"],
    "strings.csv": ["row 2", "row 3", "row 4"],
    "pairs.tsv": ["row 1", "row 2", "row 3"],
    "corpus.jsonl": ["a1", "2"],
}


@pytest.mark.parametrize("name", SAMPLES)
def test_segments_are_the_english_targets_only(name: str) -> None:
    doc, _enc = read(str(DATA / name), None, FileOptions(**REPAIRS[name][0]))
    assert [s.id for s in doc.segments] == SEGMENT_IDS[name]
    texts = " ".join(s.text for s in doc.segments)
    assert not re.search("[А-яЀ-ӿ]", texts)  # no Russian source text
    assert "alt-trans" not in texts and "Old" not in texts and "was present and must stay" not in texts


def test_plural_forms_and_continuation_lines_are_decoded() -> None:
    doc, _enc = read(str(DATA / "messages.po"))
    assert [s.text for s in doc.segments][1:] == [
        'The file was present "here"', '%d files was present "here"',
        "The President have repeatedly said that nobody know it."]  # the break is a space to the rewriter


@pytest.mark.parametrize(("name", "fn", "kept", "reason"), [
    ("app.xlf", lambda s: fix_agreement(s).replace("</g>", ""), "welcome", KEPT_REASON),  # a closing tag lost
    ("app.xlf", lambda s: s.replace('<x id="2"/>', '<x id="2" />'), "save", KEPT_REASON),  # a tag altered
    # a placeholder changed: the XLIFF carries its <source>, so the bilingual gate names it first
    ("app.xlf", lambda s: fix_agreement(s).replace("%d", "%s"), "files", BROKEN_REASON + ": placeholder '%d'"),
    ("app.xlf", lambda s: fix_agreement(s).replace('<g id="1">knows it</g>', 'knows it<g id="1"></g>'), "welcome",
     KEPT_REASON),  # the tag pair kept, but no longer around its words
    ("app.xlf", lambda s: fix_agreement(s).replace("{folder}", "{dir}"), "files",
     BROKEN_REASON + ": placeholder '{folder}'"),
    ("memory.tmx", lambda s: fix_agreement(s).replace("&lt;/b&gt;", "&lt;/i&gt;"), "42", KEPT_REASON),  # a native code
    ("episode.srt", lambda s: fix_agreement(s).replace(", said", ",said"), "1", SOFT_REASON),  # the break deleted
    ("talk.vtt", lambda s: fix_agreement(s).replace("&amp;", "&"), "2", KEPT_REASON),  # an entity decoded
])
def test_lost_tags_keep_the_segment_and_flag_it(tmp_path: Path, name: str, fn, kept: str,  # type: ignore[no-untyped-def]
                                                 reason: str) -> None:
    out = tmp_path / name
    fixed = correct_file(str(DATA / name), corrector(fn), output=str(out))
    result = next(r for r in fixed.results if r.name.endswith("#" + kept))
    assert result.text == result.source
    [rejected] = [s.reason for s in result.sentences if s.status == "rejected"]
    assert rejected.startswith(reason)
    original = (DATA / name).read_text(encoding="utf-8-sig")
    doc, _enc = read(str(DATA / name))
    seg = next(s for s in doc.segments if s.id == kept)
    assert original[seg.start:seg.end] in out.read_text(encoding="utf-8-sig")


def test_keep_codes_is_per_sentence() -> None:
    result = corrector(lambda s: s.replace("%s", "").replace("suck", "sucks")).correct(
        "It suck %s here. This offer suck.")
    kept = keep_codes(result)
    assert kept.text == "It suck %s here. This offer sucks."
    assert [s.status for s in kept.sentences] == ["rejected", "rewritten"]


@pytest.mark.parametrize(("text", "codes"), [
    ("Hello %s and %(name)s and %1$d", ["%s", "%(name)s", "%1$d"]),
    ("{0} of {count} and {{var}} and ${HOME}", ["{0}", "{count}", "{{var}}", "${HOME}"]),
    ("50% off, 100 % sure", []),
    ("one\r\ntwo\nthree", ["\r\n", "\n"]),
])
def test_protected_codes(text: str, codes: list[str]) -> None:
    assert protected(text) == codes


def test_layout_marks_words_between_codes() -> None:
    assert layout("Click <g>Save</g> now", ["<g>", "</g>"]) == [TEXT, "<g>", TEXT, "</g>", TEXT]
    assert layout("Click Save <g></g> now", ["<g>", "</g>"]) == [TEXT, "<g>", "</g>", TEXT]
    assert layout("<x/> %s", ["<x/>"]) == ["<x/>", "%s"]


# --- malformed files ---------------------------------------------------------------------------

MALFORMED = [
    ("bad.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file target-language="en"><body>\n'
                '<trans-unit id="1">\n<target>Hi <g id="1">there</target>\n</trans-unit></body></file></xliff>\n',
     "bad.xlf:5: Opening and ending tag mismatch: g line 5 and target"),
    ("de.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file target-language="de-DE"><body/></file>'
               "</xliff>\n",
     "de.xlf:3: the target language is 'de-DE', not English; mtfix repairs English translations"),
    ("not.xlf", "<?xml version='1.0'?>\n<html><body/></html>\n",
     "not.xlf:1: not an XLIFF file (no <xliff> root element)"),
    ("bad.tmx", '<tmx version="1.4"><body>\n<tu><tuv xml:lang="en"><seg>a &foo; b</seg></tuv></tu>\n</body></tmx>\n',
     "bad.tmx:2: Entity 'foo' not defined"),
    ("bad.po", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d\n', "bad.po:5: not a PO line: 'msgstr \"d'"),
    ("bad2.po", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nbogus "d"\n', "bad2.po:5: Syntax error in po file"),
    ("de.po", 'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n\nmsgid "a"\nmsgstr "b"\n',
     "de.po:3: the language is 'de_DE', not English; mtfix repairs English translations"),
    ("bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03,000 -> 00:00:04,000\nThere.\n",
     "bad.srt:6: expected a timing line like '00:00:01,000 --> 00:00:04,000'"),
    ("bad2.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\nThere.\n",
     "bad2.srt:5: expected a cue number, got 'There.'"),
    ("bad.vtt", "Hi.\n\n00:01.000 --> 00:02.000\nx\n", "bad.vtt:1: a WebVTT file must start with 'WEBVTT'"),
    ("bad.csv", 'id,target\n1,"x"y\n', "bad.csv:2: ',' expected after '\"'"),
    ("bad.jsonl", '{"target": "a"}\n{"target": "b",}\n',
     "bad.jsonl:2: not JSON (Expecting property name enclosed in double quotes at column 16)"),
    ("none.jsonl", '{"text": "a"}\n', "none.jsonl: no line has a field 'target'"),
    ("nohead.csv", "id,text\n1,a\n", "nohead.csv:1: no column 'target'; the header has 'id', 'text'"),
]


@pytest.mark.parametrize(("name", "content", "message"), MALFORMED)
def test_malformed_file_names_the_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read(str(path), None, FileOptions(column="target", field="target"))
    assert str(info.value) == str(tmp_path / message)


# --- the splicer ---------------------------------------------------------------------------------

@given(st.text(max_size=40), st.data())
def test_splice_applies_disjoint_splices_in_any_order(text: str, data: st.DataObject) -> None:
    points = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    spans = list(zip(points[::2], points[1::2]))
    splices = [(a, b, data.draw(st.text(max_size=5))) for a, b in spans]
    expected = text
    for start, end, new in reversed(splices):
        expected = expected[:start] + new + expected[end:]
    assert splice(text, data.draw(st.permutations(splices))) == expected
    assert splice(text, []) == text


PLAIN = st.text(alphabet=string.ascii_letters + ' ,."\\&<>\t\'é—', min_size=1, max_size=30).filter(
    lambda s: s.strip())


def respliced(name: str, options: FileOptions, index: int, new: str, tmp_path: Path) -> list[str]:
    """Segment texts after splicing ``new`` in as segment ``index`` of sample ``name``, read back."""
    doc, enc = read(str(DATA / name), None, options)
    seg = doc.segments[index]
    text = splice(doc.text, segment_splices(seg, new, diff(seg.text, new)))
    out = tmp_path / name
    out.write_bytes(enc.encode(text))
    again, _enc = read(str(out), None, options)
    return [s.text for s in again.segments]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(new=PLAIN)
@pytest.mark.parametrize(("name", "options", "index"), [
    ("messages.po", FileOptions(), 3),  # multi-line msgstr
    ("app.xlf", FileOptions(), 1),
    ("strings.csv", FileOptions(column="target"), 1),  # an unquoted field that may need quotes
    ("pairs.tsv", FileOptions(column="3"), 1),
    ("corpus.jsonl", FileOptions(field="mt.en"), 0),
])
def test_any_new_text_reads_back_exactly(tmp_path: Path, name: str, options: FileOptions, index: int,
                                         new: str) -> None:
    before, _enc = read(str(DATA / name), None, options)
    texts = respliced(name, options, index, new, tmp_path)
    expected = [s.text for s in before.segments]
    expected[index] = new
    assert texts == expected


def test_csv_field_gains_quotes_only_when_it_must(tmp_path: Path) -> None:
    doc, _enc = read(str(DATA / "strings.csv"), None, FileOptions(column="target"))
    seg = doc.segments[1]
    text = splice(doc.text, segment_splices(seg, "He knows it, sir", diff(seg.text, "He knows it, sir")))
    assert '2,Он знает,"He knows it, sir","multi' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[2][2] == "He knows it, sir"


# --- the command line ----------------------------------------------------------------------------

def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}  # this tree's mtfix, from any cwd
    return subprocess.run([sys.executable, "-m", "mtfix", *args], capture_output=True, timeout=300, cwd=cwd, env=env)


def test_cli_as_a_user_runs_it(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = ["--model", str(tiny_model_dir)]
    out = run("correct", str(DATA / "messages.po"), *model)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (DATA / "messages.po").read_bytes()  # the random model's rewrites are all refused
    page = tmp_path / "review.html"
    out = run("review", "app.xlf", "--html", str(page), *model, cwd=DATA)
    assert out.returncode == 0, out.stderr
    html = page.read_text(encoding="utf-8")
    assert "app.xlf:10#welcome" in html and "app.xlf:22#save" in html


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mtfix.cli._corrector", lambda args: corrector(lambda s: s))


def test_cli_folder_and_in_place_keep_bytes(identity: None, tmp_path: Path) -> None:
    tmx, po = tmp_path / "memory.tmx", tmp_path / "messages.po"
    shutil.copy(DATA / "memory.tmx", tmx)
    shutil.copy(DATA / "messages.po", po)
    assert main(["correct", str(po), str(tmx), "-q", "--output-dir", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "memory.tmx").read_bytes() == tmx.read_bytes()  # BOM kept
    assert (tmp_path / "out" / "messages.po").read_bytes() == po.read_bytes()  # CRLF kept
    assert main(["correct", str(tmx), "-q", "-o", str(tmp_path / "o.tmx")]) == 0
    assert (tmp_path / "o.tmx").read_bytes() == tmx.read_bytes()  # BOM kept with -o too
    assert main(["correct", str(tmx), "-q", "--in-place"]) == 0
    assert (tmp_path / "memory.tmx.orig").read_bytes() == tmx.read_bytes() == (DATA / "memory.tmx").read_bytes()


def test_cli_reports_name_segments(identity: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.json"
    assert main(["correct", str(DATA / "strings.csv"), "--column", "target", "-f", "json", "-o", str(report)]) == 0
    names = [r["name"] for r in json.loads(report.read_text(encoding="utf-8"))["results"]]
    assert names == [f"{DATA / 'strings.csv'}:{line}#{sid}" for line, sid in [(2, "row 2"), (3, "row 3"),
                                                                            (5, "row 4")]]
    out = tmp_path / "review.txt"
    monkeypatch.chdir(DATA)
    assert main(["review", "episode.srt", "--width", "100", "--no-color", "-o", str(out)]) == 0
    assert "episode.srt:3#1" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "message"), MALFORMED[:1] + MALFORMED[4:5])
def test_cli_malformed_file_one_line_nothing_written(tiny_model_dir: Path, tmp_path: Path, name: str,
                                                     content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = run("correct", str(path), "-o", str(tmp_path / "out"), "--model", str(tiny_model_dir))
    assert out.returncode == 1
    assert out.stderr.decode() == f"mtfix: error: {tmp_path / message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_cli_needs_a_column_for_csv(tmp_path: Path) -> None:
    out = run("correct", str(DATA / "strings.csv"), "--model", "/no/model")
    assert out.returncode == 1
    assert out.stderr.decode() == (f"mtfix: error: {DATA / 'strings.csv'}: a CSV file needs --column NAME|NUMBER "
                                   "(the column of English text)\n")


def test_cli_repairs_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mtfix.cli._corrector", lambda args: corrector())
    src = tmp_path / "talk.txt"
    shutil.copy(DATA / "talk.vtt", src)  # a name the suffix does not tell: --input-format does
    assert main(["correct", str(src), "--input-format", "vtt", "-q", "--in-place"]) == 0
    assert src.read_text(encoding="utf-8") == (DATA / "talk.vtt").read_text(encoding="utf-8").replace(
        "suck,\nand he know", "sucks,\nand he knows")
    assert (tmp_path / "talk.txt.orig").read_bytes() == (DATA / "talk.vtt").read_bytes()
    plain = tmp_path / "plain.txt"
    assert main(["correct", str(DATA / "strings.csv"), "--input-format", "text", "-q", "-o", str(plain)]) == 0
    assert "He knows it" in plain.read_text(encoding="utf-8")  # the whole file corrected as plain text
    out = tmp_path / "fixed.po"
    assert main(["correct", str(DATA / "messages.po"), "--no-mark-changes", "-q", "-o", str(out)]) == 0
    assert "fuzzy" not in out.read_text(encoding="utf-8") and "nobody knows it" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "options", "index", "new", "raw"), [
    ("episode.srt", {}, 0, "This offer sucks, said the woman.", "This offer sucks,\r\nsaid the woman."),
    ("messages.po", {}, 3, "The President has said that nobody knows it.",
     '"\r\n"The President has said\\n"\r\n"that nobody knows it.'),  # from inside msgstr's first ""
    ("strings.csv", {"column": "target"}, 1, "He knows it, sir", '"He knows it, sir"'),
])
def test_line_breaks_shown_as_spaces_come_back(name: str, options: dict[str, str], index: int, new: str,
                                              raw: str) -> None:
    doc, _enc = read(str(DATA / name), None, FileOptions(**options))
    seg = doc.segments[index]
    text = splice(doc.text, segment_splices(seg, new, diff(seg.text, new)))
    assert text == doc.text[:seg.start] + raw + doc.text[seg.end:]


TRICKY_XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [ <!ENTITY brand "Acme"> ]>
<xliff version="1.2"><file target-language="en" source-language="fr" original="a" datatype="x"><body>
<!-- <trans-unit id="ghost"><target>This offer suck.</target></trans-unit> -->
<trans-unit id="a" extradata="a > b"><source>x</source>
<target><![CDATA[He know it <b>now</b>]]> and <!-- a note --> nobody know it.</target></trans-unit>
<trans-unit id="b"><source>y</source><target></target></trans-unit>
<trans-unit id="c"><source>z</source><target xml:space="preserve">  This &brand; offer suck  </target></trans-unit>
</body></file></xliff>
"""


def test_xliff_comments_cdata_and_odd_attributes(tmp_path: Path) -> None:
    path = tmp_path / "tricky.xlf"
    path.write_text(TRICKY_XLIFF, encoding="utf-8")
    doc, _enc = read(str(path))
    assert [(s.id, s.text) for s in doc.segments] == [
        ("a", "He know it <b>now</b> and <!-- a note --> nobody know it."), ("c", "  This &brand; offer suck  ")]
    out = tmp_path / "out.xlf"
    correct_file(str(path), corrector(), output=str(out), mark_changes=False)
    assert out.read_text(encoding="utf-8") == TRICKY_XLIFF.replace("He know it", "He knows it").replace(
        "nobody know it", "nobody knows it").replace("offer suck  ", "offer sucks  ")


def test_utf16_crlf_xliff_keeps_its_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lxml import etree

    monkeypatch.setattr("mtfix.cli._corrector", lambda args: corrector())
    text = (DATA / "app.xlf").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    src, out = tmp_path / "app16.xlf", tmp_path / "out.xlf"
    src.write_bytes("\r\n".join(text.split("\n")).encode("utf-16"))  # a BOM, then UTF-16 with CRLF
    assert main(["correct", str(src), "-q", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(src.read_bytes()[:2]) and etree.fromstring(data) is not None
    expected = src.read_bytes().decode("utf-16")
    for old, new in REPAIRS["app.xlf"][1]:
        expected = expected.replace(old, new)
    assert data.decode("utf-16") == expected

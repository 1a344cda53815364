"""The source beside each target in every format that carries one, and the bilingual checks on it.

The first half reads ``Segment.source`` from small files; the second plants one fault of every finding kind
(and clean controls) in the same rows written in each format, runs ``mtfix check`` on them as a user would,
and writes each file back through ``correct`` to see it come back byte for byte.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, cli_runner

from mtfix.config import DEFAULT
from mtfix.formats import FileOptions, FormatError, read
from mtfix.pipeline import Corrector


def sources(tmp_path: Path, name: str, text: str, **options: str) -> list[tuple[str, str | None]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc, _ = read(str(path), None, FileOptions(**options))
    return [(s.text, s.source) for s in doc.segments]


# --- where the source comes from -------------------------------------------------------------------

def test_xliff_source_of_the_same_unit_before_or_after_its_target(tmp_path: Path) -> None:
    xlf = ('<?xml version="1.0"?>\n<xliff version="1.2"><file source-language="ru" target-language="en" '
           'original="x" datatype="plaintext"><body>\n'
           '<trans-unit id="1"><source>Дом &amp; <g id="1">сад</g></source><target>House &amp; '
           '<g id="1">garden</g></target>\n'
           '<alt-trans><source>Не то</source><target>Not this</target></alt-trans></trans-unit>\n'
           '<trans-unit id="2"><target>Target first</target><source>Сначала перевод</source></trans-unit>\n'
           '<trans-unit id="3"><target>No source</target></trans-unit>\n'
           '</body></file></xliff>\n')
    # inline tags stay in both, as the rewriter and the markup check see them
    assert sources(tmp_path, "a.xlf", xlf) == [('House & <g id="1">garden</g>', 'Дом & <g id="1">сад</g>'),
                                               ("Target first", "Сначала перевод"), ("No source", None)]
    xlf2 = ('<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
            'srcLang="ru" trgLang="en"><file id="f"><unit id="u">\n'
            '<segment><source>Раз.</source><target>One.</target></segment>\n'
            '<segment><source>Два.</source><target>Two.</target></segment>\n'
            '</unit></file></xliff>\n')
    assert sources(tmp_path, "b.xliff", xlf2) == [("One.", "Раз."), ("Two.", "Два.")]


def test_tmx_source_is_the_variant_in_the_source_language(tmp_path: Path) -> None:
    tmx = ('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="de-DE"/><body>\n'
           '<tu tuid="1"><tuv xml:lang="fr"><seg>Bonjour</seg></tuv><tuv xml:lang="de"><seg>Hallo</seg></tuv>'
           '<tuv xml:lang="en"><seg>Hello</seg></tuv></tu>\n'
           '<tu tuid="2" srclang="fr"><tuv xml:lang="en-GB"><seg>Bye</seg></tuv>'
           '<tuv xml:lang="de"><seg>Tschüss</seg></tuv><tuv xml:lang="fr"><seg>Au <ph>x</ph>revoir</seg></tuv></tu>\n'
           '<tu tuid="3"><tuv xml:lang="en"><seg>Alone</seg></tuv></tu>\n'
           '</body></tmx>\n')
    assert sources(tmp_path, "m.tmx", tmx) == [("Hello", "Hallo"), ("Bye", "Au <ph>x</ph>revoir"), ("Alone", None)]


def test_po_source_is_msgid_or_msgid_plural(tmp_path: Path) -> None:
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2;\\n"\n\n'
          'msgid "Один \\"файл\\""\nmsgstr "One \\"file\\""\n\n'
          'msgid "%d файл"\nmsgid_plural "%d файлов"\nmsgstr[0] "%d file"\nmsgstr[1] "%d files"\n')
    assert sources(tmp_path, "m.po", po) == [('One "file"', 'Один "файл"'), ("%d file", "%d файл"),
                                             ("%d files", "%d файлов")]


@pytest.mark.parametrize(("name", "text", "options", "want"), [
    ("t.csv", "id,ru,en\n1,\"Дом, сад\",House\n2,,Empty source\n3\n", {"column": "en", "source_column": "ru"},
     [("House", "Дом, сад"), ("Empty source", "")]),
    ("t.tsv", "Дом\tHouse\nСад\tGarden\n", {"column": "2", "source_column": "1"},
     [("House", "Дом"), ("Garden", "Сад")]),
    ("t.csv", "en,ru\nHouse,Дом\nShort\n", {"column": "en", "source_column": "ru"},
     [("House", "Дом"), ("Short", None)]),
])
def test_table_source_column(tmp_path: Path, name: str, text: str, options: dict[str, str],
                             want: list[tuple[str, str | None]]) -> None:
    assert sources(tmp_path, name, text, **options) == want


@pytest.mark.parametrize(("options", "message"), [
    ({"column": "en", "source_column": "de"}, "no source column 'de'"),
    ({"column": "en", "source_column": "en"}, "is the column of English text"),
    ({"column": "en", "source_column": "1"}, "both as header names or both as numbers"),
])
def test_table_source_column_errors(tmp_path: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        sources(tmp_path, "t.csv", "ru,en\nДом,House\n", **options)


def test_jsonl_source_field(tmp_path: Path) -> None:
    text = ('{"id": 1, "src": {"ru": "Дом \\"1\\""}, "en": "House"}\n{"id": 2, "en": "No source"}\n'
            '{"id": 3, "src": {"ru": 5}, "en": "Not a string"}\n')
    assert sources(tmp_path, "c.jsonl", text, field="en", source_field="src.ru") == [
        ("House", 'Дом "1"'), ("No source", None), ("Not a string", None)]
    with pytest.raises(FormatError, match="no line has a field 'ru'"):
        sources(tmp_path, "c.jsonl", text, field="en", source_field="ru")
    with pytest.raises(FormatError, match="is the field of English text"):
        sources(tmp_path, "c.jsonl", text, field="en", source_field="en")


def test_formats_without_a_source_give_none(tmp_path: Path) -> None:
    assert sources(tmp_path, "t.csv", "en\nHouse\n", column="en") == [("House", None)]
    assert sources(tmp_path, "c.jsonl", '{"en": "House"}\n', field="en") == [("House", None)]


# --- planted faults of every kind, and clean controls, in every format --------------------------------------

# (unit id, source, MT, the finding kind planted in it or None for a control). A file is read whole, so both
# renderings of "Сохранить файл" are marked; lines are checked as a stream, so only the later one is.
ROWS = [
    ("price", "Цена — 5 000 рублей.", "The price is 500 roubles.", "number"),
    ("help", "Подробнее на https://example.com/help и {0}.", "More on the help page and {0}.", "markup"),
    ("press", "Нажмите кнопку «Пуск».", "Press the кнопку «Start».", "untranslated"),
    ("save1", "Сохранить файл", "Save the file", "inconsistent (files)"),
    ("save2", "Сохранить файл", "Keep the file", "inconsistent"),
    ("sure", "Вы уверены?", "Are you sure.", "punctuation"),
    ("sign", "Подпишите договор сегодня.", "Sign the agreement today.", "glossary"),
    ("cost", "Стоимость — 2 500 рублей.", "The cost is 2,500 roubles.", None),
    ("faq", "Смотрите https://example.org/faq и {1}.", "See https://example.org/faq and {1}.", None),
    ("ready", "Вы готовы?", "Are you ready?", None),
    ("sign2", "Подпишите договор завтра.", "Sign the contract tomorrow.", None),
    ("menu", "Откройте меню & настройки.", "Open the menu & settings.", None),
]
GLOSSARY = "договор\tcontract\tagreement\n"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _po(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def fixture(fmt: str) -> tuple[str, list[str], dict[str, str]]:
    """The rows in format ``fmt``: the file's text, the extra CLI arguments it needs, and files beside it."""
    if fmt == "xliff":
        units = "".join(f'<trans-unit id="{i}"><source>{_xml(s)}</source>\n  <target state="translated">{_xml(t)}'
                        '</target></trans-unit>\n' for i, s, t, _ in ROWS)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2"><file source-language="ru" '
                f'target-language="en" datatype="plaintext" original="app"><body>\n{units}</body></file></xliff>\n',
                [], {})
    if fmt == "tmx":
        units = "".join(f'<tu tuid="{i}"><tuv xml:lang="ru"><seg>{_xml(s)}</seg></tuv>\n  <tuv xml:lang="en">'
                        f'<seg>{_xml(t)}</seg></tuv></tu>\n' for i, s, t, _ in ROWS)
        return f'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="ru"/><body>\n{units}</body></tmx>\n', [], {}
    if fmt == "po":
        head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        return head + "".join(f'#: app.c:{n}\nmsgctxt "{i}"\nmsgid "{_po(s)}"\nmsgstr "{_po(t)}"\n\n'
                              for n, (i, s, t, _) in enumerate(ROWS, 1)), [], {}
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        cell = _csv if fmt == "csv" else str
        rows = "".join(sep.join([i, cell(s), cell(t)]) + "\r\n" for i, s, t, _ in ROWS)
        return f"id{sep}ru{sep}en\r\n" + rows, ["--column", "en", "--source-column", "ru"], {}
    if fmt == "jsonl":
        lines = "".join(json.dumps({"id": i, "ru": s, "en": t}, ensure_ascii=False) + "\n" for i, s, t, _ in ROWS)
        return lines, ["--field", "en", "--source-field", "ru"], {}
    assert fmt == "txt"  # plain text, a line-aligned source file beside it
    return "".join(t + "\n" for _, _, t, _ in ROWS), ["--source", "SOURCE"], {
        "SOURCE": "".join(s + "\n" for _, s, _, _ in ROWS)}


FORMATS = ["xliff", "tmx", "po", "csv", "tsv", "jsonl", "txt"]
SUFFIX = {"xliff": "xlf"}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    config = DEFAULT.with_(spelling=False, cognates=False)
    return cli_runner(monkeypatch, capsys, lambda: Corrector(rewriter=FakeRewriter(lambda s: s), config=config))


def write_fixture(tmp_path: Path, fmt: str) -> tuple[Path, list[str]]:
    text, args, extra = fixture(fmt)
    path = tmp_path / f"rows.{SUFFIX.get(fmt, fmt)}"
    path.write_bytes(text.encode("utf-8"))
    for key, content in extra.items():
        (tmp_path / key.lower()).write_text(content, encoding="utf-8")
        args = [str(tmp_path / key.lower()) if a == key else a for a in args]
    (tmp_path / "terms.tsv").write_text(GLOSSARY, encoding="utf-8")
    return path, args + ["--glossary", str(tmp_path / "terms.tsv")]


def planted(fmt: str) -> list[list[str]]:
    kinds = [kind.split()[0] if kind and (fmt != "txt" or " " not in kind) else None for *_, kind in ROWS]
    return [[kind] if kind else [] for kind in kinds]


def kinds_by_row(results: list[dict], fmt: str) -> list[list[str]]:
    """The finding kinds of each row: from each segment's result, or, for lines (one result per file), by
    where each finding lies in the joined MT (or, without a target span, in the joined source)."""
    if fmt != "txt":
        return [sorted({f["kind"] for f in r["findings"]}) for r in results]
    [r] = results
    assert r["source"].splitlines() == [t for _, _, t, _ in ROWS]
    assert r["source_text"].splitlines() == [s for _, s, _, _ in ROWS]
    found: list[set[str]] = [set() for _ in ROWS]
    for f in r["findings"]:
        text, at = (r["source"], f["start"]) if f["start"] is not None else (r["source_text"], f["source_start"])
        found[text.count("\n", 0, at)].add(f["kind"])
    return [sorted(k) for k in found]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_planted_fault_is_found_and_no_control_is_flagged(run, tmp_path: Path, fmt: str) -> None:
    path, args = write_fixture(tmp_path, fmt)
    rc, out, err = run("check", str(path), *args, "-f", "json", "-q")
    assert rc == 0, err
    results = json.loads(out)["results"]
    if fmt != "txt":
        assert [r["source"] for r in results] == [t for _, _, t, _ in ROWS]
        assert [r["source_text"] for r in results] == [s for _, s, _, _ in ROWS]
    assert kinds_by_row(results, fmt) == planted(fmt)
    for r in results:  # offsets point into the MT and into its source
        for f in r["findings"]:
            if f["start"] is not None:
                assert 0 <= f["start"] <= f["end"] <= len(r["source"])
            if f["source_start"] is not None:
                assert 0 <= f["source_start"] <= f["source_end"] <= len(r["source_text"])
    assert run("check", str(path), *args, "--fail-on", "warning", "-q")[0] == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_file_comes_back_byte_for_byte_where_nothing_is_repaired(run, tmp_path: Path, fmt: str) -> None:
    path, args = write_fixture(tmp_path, fmt)
    before = path.read_bytes()
    out = tmp_path / ("out-" + path.name)
    rc, _, err = run("correct", str(path), *args, "-o", str(out), "-q")
    assert rc == 0, err
    assert out.read_bytes() == before
    assert path.read_bytes() == before


@pytest.mark.parametrize("fmt", ["xliff", "csv", "txt"])
def test_apply_checks_repairs_the_planted_punctuation_and_nothing_else(run, tmp_path: Path, fmt: str) -> None:
    path, args = write_fixture(tmp_path, fmt)
    before = path.read_text(encoding="utf-8")
    out = tmp_path / ("out-" + path.name)
    rc, _, err = run("correct", str(path), *args, "--checks", "punctuation", "--apply-checks", "--no-mark-changes",
                     "-o", str(out), "-q")
    assert rc == 0, err
    assert out.read_text(encoding="utf-8") == before.replace("Are you sure.", "Are you sure?")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))

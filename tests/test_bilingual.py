"""Repairs that agree with the source: the Corrector, the engine and the CLI with a source (mtfix.rules.source)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, cli_runner, fix_agreement

from mtfix import cli
from mtfix.checks import Consistency, Glossary
from mtfix.config import DEFAULT
from mtfix.pipeline import Corrector
from mtfix.result import Result, join_results
from mtfix.rules.source import APPLIED_REASON, BROKEN_REASON

CONFIG = DEFAULT.with_(spelling=False, cognates=False, flags=False)
GLOSSARY = Glossary.from_pairs([("договор", "contract", "agreement")])


def corrector(fn=fix_agreement, **config) -> Corrector:
    return Corrector(rewriter=FakeRewriter(fn), config=CONFIG.with_(**config), glossary=GLOSSARY)


def swap_term(sentence: str) -> str:
    """A fluent-looking rewrite that breaks the glossary: contract -> agreement (the gate cannot see it)."""
    return fix_agreement(sentence.replace("contract", "agreement"))


# --- the Corrector ---------------------------------------------------------------------------------

def test_no_source_no_findings_and_the_json_says_so() -> None:
    r = corrector().correct("This offer suck.")
    assert r.source_text is None and r.findings == ()
    assert r.to_dict()["findings"] == [] and r.to_dict()["source_text"] is None
    assert Result.from_dict(json.loads(json.dumps(r.to_dict()))) == r


def test_findings_are_about_the_mt_with_offsets_into_it() -> None:
    mt = "Is it good."
    r = corrector().correct(mt, source="Это хорошо?")
    assert r.source_text == "Это хорошо?"
    [f] = r.findings
    assert (f.kind, f.suggestion, mt[f.start:f.end], r.source_text[f.source_start:f.source_end]) == \
        ("punctuation", "?", ".", "?")
    assert r.text == mt  # shown, not applied
    assert Result.from_dict(json.loads(json.dumps(r.to_dict()))) == r


def test_a_rewrite_that_breaks_a_passed_check_is_refused() -> None:
    mt = "The contract between the two companies suck."
    ok = corrector(swap_term).correct(mt)  # without the source the swap goes through
    assert ok.text == "The agreement between the two companies sucks."
    r = corrector(swap_term).correct(mt, source="Договор между двумя компаниями отстой.")
    assert r.text == mt
    s = r.sentences[0]
    assert s.status == "rejected" and s.reason.startswith(BROKEN_REASON) and "agreement" in s.reason


def test_the_guard_refuses_sentence_by_sentence() -> None:
    mt = "The contract between the two companies is signed today. This offer suck."
    r = corrector(swap_term).correct(mt, source="Договор между двумя компаниями подписан сегодня. "
                                                "Это предложение отстой.")
    assert r.text == "The contract between the two companies is signed today. This offer sucks."
    assert [s.status for s in r.sentences] == ["rejected", "rewritten"]


def test_a_check_the_mt_already_failed_does_not_block_the_repair() -> None:
    mt = "The agreement between the two companies suck."  # already the forbidden variant: nothing new breaks
    r = corrector(swap_term).correct(mt, source="Договор между двумя компаниями отстой.")
    assert r.text == "The agreement between the two companies sucks."
    assert [f.kind for f in r.findings] == ["glossary"]


def test_apply_checks_applies_suggestions_that_no_model_edit_overlaps() -> None:
    mt = "The agreement between the two companies suck. Is it good."
    source = "Договор между двумя компаниями отстой. Это хорошо?"
    shown = corrector().correct(mt, source=source)
    assert shown.text == "The agreement between the two companies sucks. Is it good."
    r = corrector(apply_checks=True).correct(mt, source=source)
    assert r.text == "The contract between the two companies sucks. Is it good?"
    assert r.sentences[1].status == "rewritten" and r.sentences[1].reason == APPLIED_REASON
    assert {e.replacement: e.kind for e in r.edits} == {"contract": "lexical_choice", "sucks": "agreement",
                                                          "?": "punctuation"}
    assert r.signature.decoding["apply_checks"] is True


def test_apply_checks_leaves_a_suggestion_under_a_model_edit() -> None:
    r = corrector(lambda s: s.replace("agreement", "deal"), apply_checks=True).correct(
        "The agreement between the two companies is here.", source="Договор между двумя компаниями здесь.")
    assert r.text == "The deal between the two companies is here."  # the model's edit stands
    assert [f.suggestion for f in r.findings] == ["contract"]


def test_checks_can_be_chosen_or_turned_off() -> None:
    assert corrector(checks=()).correct("Is it good.", source="Это хорошо?").findings == ()
    assert corrector(checks=("number",)).correct("Is it good.", source="Это хорошо?").findings == ()


def test_sources_must_match_texts() -> None:
    c = corrector()
    with pytest.raises(ValueError, match="2 texts but 1 sources"):
        c.correct_batch(["a", "b"], sources=["x"])
    with pytest.raises(ValueError, match="a string"):
        c.correct_batch(["a"], sources="x")  # type: ignore[arg-type]
    rs = c.correct_batch(["Is it good.", "Is it good."], sources=[None, "Это хорошо?"])
    assert rs[0].findings == () and rs[0].source_text is None and len(rs[1].findings) == 1


def test_consistency_across_a_batch_and_across_a_stream() -> None:
    c = corrector()
    rs = c.correct_batch(["Hello world.", "Hi world."], ["a:1", "a:2"], sources=["Привет мир.", "Привет мир."])
    assert [[f.kind for f in r.findings] for r in rs] == [["inconsistent"], ["inconsistent"]]
    assert "a:2" in rs[0].findings[0].message
    stream = Consistency()
    first = c.correct_batch(["Hello world."], ["a:1"], sources=["Привет мир."], consistency=stream)
    second = c.correct_batch(["Hi world."], ["a:9"], sources=["Привет мир."], consistency=stream)
    assert first[0].findings == () and "a:1" in second[0].findings[0].message
    off = c.correct_batch(["Hello world.", "Hi world."], sources=["Привет мир.", "Привет мир."], consistency=False)
    assert all(r.findings == () for r in off)


def test_check_batch_gives_findings_without_rewriting() -> None:
    [r] = corrector().check_batch(["The agreement suck."], sources=["Договор отстой."])
    assert r.text == r.source and [f.kind for f in r.findings] == ["glossary"]


def test_join_results_moves_source_offsets_into_the_joined_source() -> None:
    c = corrector()
    parts = c.correct_batch(["Fine.", "Is it good."], sources=["Хорошо.", "Это хорошо?"])
    joined = join_results(parts, ["\n", "\n"])
    [f] = joined.findings
    assert joined.source_text == "Хорошо.\nЭто хорошо?\n"
    assert joined.source[f.start:f.end] == "." and joined.source_text[f.source_start:f.source_end] == "?"
    assert f.start == len("Fine.\n") + len("Is it good")


def test_flags_carry_a_dictionary_rendering() -> None:
    from mtfix.checks import dictionary

    if not dictionary.available():
        pytest.skip("dict-freedict-eng-rus is not installed")
    r = Corrector(rewriter=FakeRewriter(lambda s: s), config=DEFAULT.with_(spelling=False)).correct(
        "We bought a стол yesterday.")
    [flag] = r.sentences[0].flags
    assert flag.suggestion == "table" and flag.suggestion_confidence > 0.5 and "dictionary (стол)" in flag.note
    assert Result.from_dict(json.loads(json.dumps(r.to_dict()))) == r


def test_flags_fall_back_to_the_cognates_rendering() -> None:
    r = Corrector(rewriter=FakeRewriter(lambda s: s), config=DEFAULT.with_(spelling=False, cognates=True)).correct(
        "They built телескопы.")
    [flag] = r.sentences[0].flags
    assert (flag.suggestion, flag.suggestion_confidence) == ("telescopes", 0.5)
    off = Corrector(rewriter=FakeRewriter(lambda s: s), config=DEFAULT.with_(spelling=False, dictionary=False))
    assert off.correct("They built телескопы.").sentences[0].flags[0].suggestion == ""


# --- the CLI ------------------------------------------------------------------------------------------

@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    return cli_runner(monkeypatch, capsys, lambda: Corrector(rewriter=FakeRewriter(swap_term), config=CONFIG))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "mt.txt").write_text("The contract between the two companies suck.\nIs it good.\nHello world.\n"
                                     "Hi world.\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("Договор между двумя компаниями отстой.\nЭто хорошо?\nПривет мир.\n"
                                      "Привет мир.\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("Договор отстой.\n", encoding="utf-8")
    (tmp_path / "terms.tsv").write_text("договор\tcontract\tagreement\n", encoding="utf-8")
    return tmp_path


def test_cli_source_file_guards_and_reports(run, files: Path) -> None:
    mt, src = str(files / "mt.txt"), str(files / "src.txt")
    rc, out, _ = run("correct", mt, "--source", src, "--glossary", str(files / "terms.tsv"), "-q")
    # The swap is refused as a whole sentence, so its agreement fix goes too: the model proposed both at once.
    assert rc == 0 and out == "The contract between the two companies suck.\nIs it good.\nHello world.\nHi world.\n"
    rc, out, _ = run("correct", mt, "--source", src, "-f", "jsonl", "-q")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source_text"] for r in rows] == (files / "src.txt").read_text(encoding="utf-8").splitlines()
    assert [[f["kind"] for f in r["findings"]] for r in rows] == [[], ["punctuation"], [], ["inconsistent"]]
    assert "mt.txt:3" in rows[3]["findings"][0]["message"]
    rc, out, _ = run("correct", mt, "--source", src, "--apply-checks", "-q")
    assert out.splitlines()[1] == "Is it good?"


def test_cli_source_mismatch_is_one_line_and_writes_nothing(run, files: Path) -> None:
    out_file = files / "out.txt"
    rc, out, err = run("correct", str(files / "mt.txt"), "--source", str(files / "short.txt"), "-o", str(out_file))
    assert rc == 1 and out == "" and not out_file.exists()
    assert err.count("\n") == 1 and "has 4 lines but its source" in err


@pytest.mark.parametrize("args, message", [
    (("-", "--source", "SRC"), "one input file"),
    (("MT", "MT", "--source", "SRC"), "one input file"),
    (("X.xlf", "--source", "SRC"), "is for plain text"),
])
def test_cli_source_usage_errors(run, files: Path, args: tuple[str, ...], message: str) -> None:
    (files / "X.xlf").write_text("<xliff/>", encoding="utf-8")
    names = {"MT": str(files / "mt.txt"), "SRC": str(files / "src.txt"), "X.xlf": str(files / "X.xlf")}
    rc, _, err = run("correct", *[names.get(a, a) for a in args])
    assert rc == 2 and message in err and err.count("\n") == 1


def test_cli_check_fail_on(run, files: Path) -> None:
    mt, src, terms = str(files / "mt.txt"), str(files / "src.txt"), str(files / "terms.tsv")
    assert run("check", mt, "--source", src, "-q")[0] == 0
    assert run("check", mt, "--source", src, "--fail-on", "warning", "-q")[0] == 3  # '?' and inconsistent
    assert run("check", mt, "--source", src, "--fail-on", "error", "-q")[0] == 0
    (files / "bad.txt").write_text("The agreement between the two companies suck.\n", encoding="utf-8")
    (files / "bad-src.txt").write_text("Договор между двумя компаниями отстой.\n", encoding="utf-8")
    rc, out, _ = run("check", str(files / "bad.txt"), "--source", str(files / "bad-src.txt"), "--glossary", terms,
                     "--fail-on", "error", "-f", "json", "-q")
    assert rc == 3 and json.loads(out)["results"][0]["findings"][0]["kind"] == "glossary"
    rc, _, _ = run("check", str(files / "bad.txt"), "--source", str(files / "bad-src.txt"), "--glossary", terms,
                   "--checks", "number,punctuation", "--fail-on", "error", "-q")
    assert rc == 0


def test_cli_bad_glossary_and_bad_checks(run, files: Path) -> None:
    (files / "broken.tsv").write_text("only one column\n", encoding="utf-8")
    rc, _, err = run("check", str(files / "mt.txt"), "--source", str(files / "src.txt"), "--glossary",
                     str(files / "broken.tsv"), "-q")
    assert rc == 1 and err.count("\n") == 1 and "broken.tsv" in err
    rc, _, err = run("check", str(files / "mt.txt"), "--glossary", str(files / "missing.tsv"), "-q")
    assert rc == 1 and "missing.tsv" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", str(files / "mt.txt"), "--checks", "spelling"])
    assert exc.value.code == 2


def test_cli_review_with_a_source(run, files: Path) -> None:
    rc, out, _ = run("review", str(files / "mt.txt"), "--source", str(files / "src.txt"), "-f", "side-by-side",
                     "--no-color", "--width", "120", "-q")
    assert rc == 0 and "sucks" in out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))

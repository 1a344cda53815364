"""Typography: TeX quotes and spaces before punctuation, fixed by rule; everything else stays."""
from __future__ import annotations

import pytest
from fakes import FakeRewriter

from mtfix import Corrector
from mtfix.config import DEFAULT
from mtfix.text.typography import tidy


@pytest.mark.parametrize("text, tidied", [
    # cu-karel (WMT13) writes quoted speech with TeX quotes and loses the space after the closing one.
    ("``Even today in quebec, there are 1.5 million smokers, ''said spokesman andre beaulieu.",
     '"Even today in quebec, there are 1.5 million smokers," said spokesman andre beaulieu.'),
    ("``Hiring the analysis does not lead to cancer. ''", '"Hiring the analysis does not lead to cancer."'),
    ("He said: `` yes ''.", 'He said: "yes".'),
    ('Hector "Hetin \'\' Reyes has played for 60 years.', 'Hector "Hetin" Reyes has played for 60 years.'),
    ("'' Volvo was first.", '"Volvo was first.'),  # a quote opened in this sentence, closed in a later one
    # French-style spaces before punctuation (online-B).
    ("One thing is for sure : these trends hurt.", "One thing is for sure: these trends hurt."),
    ("Is it true ? Yes ! It rose 5% ; then fell .", "Is it true? Yes! It rose 5%; then fell."),
    ("It was (in 2010) , they said .", "It was (in 2010), they said."),
])
def test_fixes_artefacts(text, tidied):
    assert tidy(text) == tidied


@pytest.mark.parametrize("text", [
    "A plain sentence, with commas: and a colon.",
    "The temperature reached one Celsius''s degree.",  # inside a word: not a quote
    "Meet at 11 : 07 and wait ...",  # times and an ellipsis
    "Download it for .NET or from .com sites.",  # a full stop that starts a word
    'She said "yes" and left.',
    "Use the - key and the | bar.",
])
def test_leaves_the_rest_alone(text):
    assert tidy(text) == text


def test_is_idempotent():
    text = "``Social networking is fun, ''he says : really ."
    assert tidy(tidy(text)) == tidy(text) == '"Social networking is fun," he says: really.'


def echo() -> FakeRewriter:
    return FakeRewriter(lambda s: s, keep_score=-0.1)


def refused() -> FakeRewriter:  # the gate refuses these proposals: numbers changed
    return FakeRewriter(lambda s: s.replace("rose", "rose 42 times"), keep_score=-0.5)


def test_corrector_applies_typography_with_offsets_and_a_switch():
    text = "Intro. ``It rose, ''he said ."
    config = DEFAULT.with_(flags=False, spelling=False)
    result = Corrector(config=config, rewriter=echo()).correct(text)
    assert result.text == 'Intro. "It rose," he said.'
    assert [s.status for s in result.sentences] == ["unchanged", "rewritten"]
    assert all(e.start >= len("Intro. ") for e in result.edits)
    assert result.signature.decoding["typography"] == "rules"
    off = Corrector(config=config.with_(typography=False), rewriter=echo()).correct(text)
    assert off.text == text and "typography" not in off.signature.decoding


def test_typography_still_applies_when_the_model_rewrite_is_refused():
    config = DEFAULT.with_(flags=False, spelling=False)
    (s,) = Corrector(config=config, rewriter=refused()).correct("Prices rose : a lot.").sentences
    assert s.output == "Prices rose: a lot." and s.status == "rewritten"
    assert s.reason.startswith("typography only; the model's rewrite was refused: numbers changed")


def test_cli_typography_switch(monkeypatch, tmp_path, capsys):
    from mtfix import cli

    monkeypatch.setattr(cli, "_corrector", lambda args: Corrector(config=cli._config(args), rewriter=echo()))
    src = tmp_path / "in.txt"
    src.write_text("It is so : fine.\n", encoding="utf-8")
    assert cli.main(["correct", str(src), "-q", "--no-flags", "--no-spelling"]) == 0
    assert capsys.readouterr().out == "It is so: fine.\n"
    assert cli.main(["correct", str(src), "-q", "--no-flags", "--no-spelling", "--no-typography"]) == 0
    assert capsys.readouterr().out == "It is so : fine.\n"
    parser = cli.build_parser()
    assert parser.parse_args(["eval", "--preset", "wmt13", "--no-typography"]).typography is False
    assert parser.parse_args(["review", str(src)]).typography is True

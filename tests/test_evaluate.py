"""``mtfix eval``: GLEU by hand, evaluate() with fixers of known behaviour, the CLI end to end."""
from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, fix_agreement

from mtfix import Corrector
from mtfix.evaluation.baselines import Cached, CorrectorFixer, Identity, apply_suggestion
from mtfix.evaluation.gleu import corpus_gleu, gleu_from_stats, reference_choices, sentence_stats
from mtfix.evaluation.run import EvalSet, Report, evaluate, load_preset, load_sets, render, sample_indices
from mtfix.evaluation.scoring import corpus_scores
from mtfix.text.textio import InputError

HAS_HARPER = importlib.util.find_spec("harper") is not None
HAS_SACREMOSES = importlib.util.find_spec("sacremoses") is not None

# --- GLEU -------------------------------------------------------------------------------------

SRC, REF = "a b c d e f x", "a b c d e f g"


def test_gleu_stats_by_hand() -> None:
    # Unigrams: 6 of 7 match the reference, less "x" kept from the source though the reference
    # dropped it: 5/7. Likewise 4/6, 3/5, 2/4 for orders 2-4.
    assert sentence_stats(SRC, SRC, REF) == [7, 7, 5, 7, 4, 6, 3, 5, 2, 4]
    raw = corpus_gleu([SRC], [[REF]], [SRC])
    assert raw.score == pytest.approx(100 * (5 / 7 * 4 / 6 * 3 / 5 * 2 / 4) ** 0.25)  # 61.48
    assert corpus_gleu([REF], [[REF]], [SRC]).score == pytest.approx(100.0)


def test_gleu_brevity_penalty_and_zero_counts() -> None:
    short = "a b c d e f"
    stats = sentence_stats(SRC, short, REF)
    assert stats == [6, 7, 6, 6, 5, 5, 4, 4, 3, 3]
    assert gleu_from_stats(stats) == pytest.approx(math.exp(1 - 7 / 6))
    assert corpus_gleu(["a b"], [["a b"]], ["a b"]).score == 0.0  # no 3- or 4-grams at all


def test_gleu_reference_draws_are_the_original_scripts() -> None:
    # The JFLEG script (Python 2): random.seed(j * 101); randint(0, k - 1) per sentence.
    # These draws were checked against Python 2.7.18.
    assert reference_choices(3, 4, 2) == [[3, 3, 1], [2, 0, 3]]
    assert sum(draw[0] for draw in reference_choices(1, 2)) == 258


def test_gleu_two_references_mean_over_draws() -> None:
    # The hypothesis equals the second reference (GLEU 1) and is 61.48 against the first; the
    # script picks the second reference in 258 of its 500 draws.
    score = corpus_gleu([SRC], [[REF], [SRC]], [SRC])
    expected = 100 * (258 * 1.0 + 242 * (1 / 7) ** 0.25) / 500
    assert score.score == pytest.approx(expected)
    assert score.references == 2 and score.iterations == 500
    same = corpus_gleu([SRC], [[REF], [REF]], [SRC])
    assert same.score == pytest.approx(corpus_gleu([SRC], [[REF]], [SRC]).score)


def test_gleu_checks_lengths() -> None:
    with pytest.raises(ValueError, match="reference 1"):
        corpus_gleu(["a", "b"], [["a"]], ["a", "b"])


# --- evaluate() -------------------------------------------------------------------------------

MT_A = ["This offer suck.", "The cat sat on the mat.", "They see it well.", "He know it."]
MT_B = ["This offer suck.", "The dog sat on the mat.", "They see it well.", "She know it."]
REFS = [["This offer sucks.", "The cat sat on the mat.", "They see it well.", "He knows it."]]


def small_set(**kw: object) -> EvalSet:
    return EvalSet("tiny", {"A": list(MT_A), "B": list(MT_B)}, [list(r) for r in REFS], **kw)


def agreement_fixer() -> CorrectorFixer:
    return CorrectorFixer("fake", Corrector(rewriter=FakeRewriter(fix_agreement)))


def test_identity_changes_nothing() -> None:
    report = evaluate([small_set()], [Identity()])
    assert len(report.rows) == 2
    for row in report.rows:
        assert row.changed == row.wins == row.losses == 0
        assert all(d == 0 for d in row.delta.values())
        assert row.p_value == 1.0 and row.verdict == "same"
        assert row.raw == row.repaired


def test_fixing_agreement_raises_scores() -> None:
    report = evaluate([small_set()], [Identity(), agreement_fixer()])
    row = next(r for r in report.rows if r.system == "A" and r.fixer == "fake")
    assert row.changed == 2 and row.wins == 2 and row.losses == 0
    assert row.delta["bleu"] > 0 and row.delta["chrf"] > 0 and row.delta["ter"] < 0
    # Scores from per-sentence statistics equal sacrebleu's own corpus scores.
    fixed = [fix_agreement(s) for s in MT_A]
    direct = {s.metric: s.score for s in corpus_scores(fixed, REFS)}
    assert row.repaired["bleu"] == pytest.approx(direct["BLEU"])
    assert row.repaired["chrf"] == pytest.approx(direct["chrF2"])
    assert row.repaired["ter"] == pytest.approx(direct["TER"])
    raw = {s.metric: s.score for s in corpus_scores(MT_A, REFS)}
    assert row.raw["chrf"] == pytest.approx(raw["chrF2"])


def test_a_harmful_fixer_loses() -> None:
    harm = CorrectorFixer("harm", Corrector(rewriter=FakeRewriter(lambda s: s.replace("cat", "cow"))))
    row = next(r for r in evaluate([small_set()], [harm]).rows if r.system == "A")
    assert row.changed == 1 and row.losses == 1 and row.wins == 0
    assert row.delta["chrf"] < 0 and row.delta["bleu"] < 0


def test_each_distinct_line_is_fixed_once() -> None:
    rewriter = FakeRewriter(fix_agreement)
    fixer = Cached(CorrectorFixer("fake", Corrector(rewriter=rewriter)))
    progress: list[tuple[int, int]] = []
    evaluate([small_set()], [fixer], progress=lambda done, total: progress.append((done, total)))
    seen = [s for call in rewriter.calls for s in call]
    assert sorted(seen) == sorted(set(MT_A) | set(MT_B))  # shared lines of A and B rewritten once
    assert progress[-1] == (6, 6)
    evaluate([small_set()], [fixer])  # a second run with the same cache rewrites nothing
    assert len([s for call in rewriter.calls for s in call]) == len(seen)


def test_sampling_picks_the_same_lines_for_every_system() -> None:
    assert sample_indices(100, 10, 1) == sample_indices(100, 10, 1)
    assert sample_indices(100, 10, 1) != sample_indices(100, 10, 2)
    assert sample_indices(5, 0, 1) == sample_indices(5, 9, 1) == [0, 1, 2, 3, 4]
    picked = sample_indices(4, 2, 7)
    assert len(picked) == 2 and picked == sorted(picked)
    data = EvalSet("numbered", {"A": [f"a{i}" for i in range(4)], "B": [f"b{i}" for i in range(4)]},
                   [[f"r{i}" for i in range(4)]])
    seen: dict[str, list[str]] = {}

    class Spy(Identity):
        def fix(self, lines: list[str]) -> list[str]:
            for line in lines:
                seen.setdefault(line[0], []).append(line[1:])
            return list(lines)

    report = evaluate([data], [Spy()], limit=2, seed=7)
    assert seen["a"] == seen["b"] == [str(i) for i in picked]
    assert report.rows[0].sentences == 2 and report.sizes["numbered"] == (2, 4)


def test_paired_bootstrap_finds_a_large_consistent_gain() -> None:
    n = 60
    mt = [f"the house number {i} is big and it are old" for i in range(n)]
    refs = [[f"the house number {i} is big and it is old" for i in range(n)]]
    fixer = CorrectorFixer("fake", Corrector(rewriter=FakeRewriter(lambda s: s.replace("are", "is"))))
    row = evaluate([EvalSet("many", {"A": mt}, refs)], [fixer], seed=3).rows[0]
    assert row.changed == n and row.p_value < 0.01 and row.verdict == "better"
    again = evaluate([EvalSet("many", {"A": mt}, refs)], [fixer], seed=3).rows[0]
    assert again.p_value == row.p_value  # seeded


def test_render_formats() -> None:
    report = evaluate([small_set()], [Identity(), agreement_fixer()], limit=0, seed=1)
    text = render(report, "text")
    assert "ΔBLEU" in text and "signature: mtfix:" in text and "nrefs:1" in text
    assert "+" in text  # deltas carry their sign
    md = render(report, "markdown")
    assert md.count("| A | fake |") == 1 and "### tiny" in md
    data = json.loads(render(report, "json"))
    assert {r["fixer"] for r in data["rows"]} == {"identity", "fake"}
    assert data["summary"][1]["wins"] == 4 and data["fixers"]["fake"].startswith("mtfix:")
    assert isinstance(report, Report) and report.signature.startswith("mtfix:")


def test_mismatched_lengths_are_an_input_error() -> None:
    with pytest.raises(InputError, match="reference 1 has 1 lines"):
        EvalSet("bad", {"A": ["x", "y"]}, [["x"]])


@pytest.mark.skipif(not HAS_SACREMOSES, reason="sacremoses not installed")
def test_tokenized_set_scores_gleu_as_published() -> None:
    src = ["He do n't like it .", "She go to school every day ."]
    refs = [["He does n't like it .", "She goes to school every day ."],
            ["He does not like it .", "She goes to school each day ."]]
    seen: list[str] = []

    def fix(s: str) -> str:
        seen.append(s)
        return s.replace("do n't", "doesn't").replace("don't", "doesn't").replace("go ", "goes ")

    fixer = CorrectorFixer("fake", Corrector(rewriter=FakeRewriter(fix)))
    data = EvalSet("jfleg", {"source": src}, refs, metrics=("gleu", "chrf"), tokenized=True)
    ident, fixed = evaluate([data], [Identity(), fixer]).rows
    assert ident.raw["gleu"] == pytest.approx(corpus_gleu(src, refs, src).score)
    assert ident.delta["gleu"] == 0
    assert "He don't like it." in seen  # fixers see plain text...
    # ...and their output is tokenised again, PTB-style, before scoring.
    assert fixed.repaired["gleu"] == pytest.approx(corpus_gleu(
        ["He does n't like it .", "She goes to school every day ."], refs, src).score)
    assert fixed.delta["gleu"] > 0


def test_load_preset_from_a_tiny_tree(tmp_path: Path) -> None:
    d = tmp_path / "wmt21-ruen"
    d.mkdir()
    for name, text in {"ref.A.en": "a.\nb.\n", "ref.B.en": "A.\nB.\n", "hyp.X.en": "a\nb\n",
                       "hyp.Y-1.en": "a.\nc.\n", "src.ru": "а\nб\n"}.items():
        (d / name).write_text(text, encoding="utf-8")
    (sets,) = load_preset("wmt21", tmp_path)
    assert sets.name == "wmt21-ruen" and list(sets.systems) == ["X", "Y-1"] and len(sets.refs) == 2
    (only,) = load_sets("wmt21", tmp_path, systems=["Y-1"], metrics=["chrf"])
    assert list(only.systems) == ["Y-1"] and only.metrics == ("chrf",)
    with pytest.raises(ValueError, match="unknown system"):
        load_sets("wmt21", tmp_path, systems=["Z"])
    with pytest.raises(InputError, match="no system outputs"):
        load_preset("wmt13", tmp_path)


# --- harper -----------------------------------------------------------------------------------

@pytest.mark.skipif(not HAS_HARPER, reason="harper-py not installed")
def test_harper_applies_first_suggestions() -> None:
    from mtfix.evaluation.baselines import Harper

    harper = Harper()
    assert harper.fix(["He go to the the store."]) == ["He goes to the store."]
    assert harper.fix(["The cat sat on the mat."]) == ["The cat sat on the mat."]
    assert harper.signature.startswith("harper-py:")
    # Our splice agrees with harper's own, for each kind of suggestion it made here.
    for text in ["I has a apple and an banana.", "He go to the store ."]:
        for lint in harper._linter.lint(text, language="plaintext"):
            s = lint.suggestions[0]
            assert apply_suggestion(text, lint.span.start, lint.span.end, s) == \
                harper._linter.apply_suggestion(text, lint, s)


# --- the CLI ----------------------------------------------------------------------------------

def run_eval(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # In-process main() inside a subprocess, so the test can also see which modules were loaded.
    code = ("import sys; from mtfix.cli import main; rc = main(sys.argv[1:]); "
            "sys.stderr.write('TORCH=%s' % ('torch' in sys.modules)); sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, "eval", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env={**os.environ, "NO_COLOR": "1"})


def test_cli_eval_identity_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n".join(MT_A) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(MT_B) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(REFS[0]) + "\n", encoding="utf-8")
    out = run_eval("--mt", "a.txt", "--mt", "b.txt", "--ref", "ref.txt", "--fixers", "identity",
                   "-f", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.endswith("TORCH=False")  # identity never loads the model
    data = json.loads(out.stdout)
    assert [r["system"] for r in data["rows"]] == ["a.txt", "b.txt"]
    assert all(r["changed"] == 0 and r["delta"]["chrf"] == 0 for r in data["rows"])
    md = run_eval("--mt", "a.txt", "--ref", "ref.txt", "--fixers", "identity", "-f", "markdown",
                  "-o", "report.md", cwd=tmp_path)
    assert md.returncode == 0 and md.stdout == ""
    assert "| a.txt | identity |" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_cli_eval_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    missing = run_eval("--mt", "a.txt", "--ref", "nope.txt", "--fixers", "identity", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.splitlines()[0] == "mtfix: error: nope.txt: no such file"
    usage = run_eval("--mt", "a.txt", "--fixers", "identity", cwd=tmp_path)
    assert usage.returncode == 2 and "--ref" in usage.stderr
    data = run_eval("--preset", "wmt13", "--data", "nowhere", "--fixers", "identity", cwd=tmp_path)
    assert data.returncode == 1 and "nowhere: no such data folder" in data.stderr


@pytest.mark.skipif(not HAS_HARPER, reason="harper-py not installed")
def test_cli_eval_harper_needs_no_torch(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("He go to the store.\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("He goes to the store.\n", encoding="utf-8")
    out = run_eval("--mt", "a.txt", "--ref", "ref.txt", "--fixers", "identity,harper", "-f", "json",
                   cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.endswith("TORCH=False")
    rows = json.loads(out.stdout)["rows"]
    assert rows[1]["fixer"] == "harper" and rows[1]["changed"] == 1 and rows[1]["delta"]["chrf"] > 0


def test_a_model_directory_as_fixer(tiny_model_dir: Path) -> None:
    from mtfix.evaluation.baselines import make_fixers

    (fixer,) = make_fixers([str(tiny_model_dir)])
    report = evaluate([small_set()], [fixer])
    assert [r.fixer for r in report.rows] == [str(tiny_model_dir)] * 2
    assert "model:tiny-random" in report.fixers[str(tiny_model_dir)]
    assert all(r.sentences == 4 for r in report.rows)

"""The CLI as a user runs it: a real subprocess, a real (tiny, random) model directory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, fix_agreement

from mtfix import Corrector
from mtfix.report import render


def run(*args: str, stdin: str | bytes = "", env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "mtfix", *args], input=data, capture_output=True,
                          env=full_env, cwd=cwd, timeout=300)


def test_help_and_version() -> None:
    out = run("--help")
    assert out.returncode == 0 and b"correct" in out.stdout and b"exit codes" in out.stdout
    assert run("--version").stdout.startswith(b"mtfix ")


def test_lines_mode_keeps_one_line_per_line(tiny_model_dir: Path) -> None:
    text = "This offer suck.\nTwo sentences here. And another.\n\nlast line without newline"
    out = run("correct", "--lines", "--model", str(tiny_model_dir), stdin=text)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().split("\n")
    assert len(lines) == len(text.split("\n"))
    assert out.stderr == b""  # no progress bar when stderr is not a terminal


def test_lines_mode_preserves_crlf(tiny_model_dir: Path) -> None:
    text = "one line\r\nsecond line\r\n"
    out = run("correct", "--lines", "--model", str(tiny_model_dir), stdin=text)
    assert out.returncode == 0
    # The random model's proposals are all refused, so the text comes back byte for byte.
    assert out.stdout == text.encode()


def test_lines_mode_jsonl(tiny_model_dir: Path) -> None:
    out = run("correct", "--lines", "-f", "jsonl", "--model", str(tiny_model_dir), stdin="a b.\nc d.\n")
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["source"] for r in rows] == ["a b.", "c d."]
    assert rows[0]["signature"]["model"] == "tiny-random"
    assert "dtype" not in rows[0]["signature"]["decoding"]


def test_dtype_reaches_the_model_and_the_signature(tiny_model_dir: Path) -> None:
    out = run("correct", "--lines", "-f", "jsonl", "--dtype", "bfloat16", "--model", str(tiny_model_dir),
              stdin="a b.\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["signature"]["decoding"]["dtype"] == "bfloat16"
    bad = run("correct", "--dtype", "int4", stdin="a b.\n")
    assert bad.returncode == 2 and b"invalid choice: 'int4'" in bad.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "diff", "side-by-side", "html", "inline"])
def test_formats_to_output_file(tiny_model_dir: Path, tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "in.txt"
    src.write_text("This offer suck. The cat sat.\n", encoding="utf-8")
    dest = tmp_path / f"out.{fmt}"
    out = run("correct", str(src), "-f", fmt, "-o", str(dest), "--model", str(tiny_model_dir))
    assert out.returncode == 0, out.stderr
    assert out.stdout == b""
    written = dest.read_text(encoding="utf-8")
    if fmt == "text":
        assert written == src.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(written)["results"][0]["name"] == str(src)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_missing_file_among_inputs_is_reported_rest_processed(tiny_model_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Fine text.\n", encoding="utf-8")
    out = run("correct", str(tmp_path / "nope.txt"), str(good), "--model", str(tiny_model_dir))
    assert out.returncode == 1
    assert out.stdout == b"Fine text.\n"
    assert out.stderr.decode().strip() == f"mtfix: error: {tmp_path / 'nope.txt'}: no such file"


@pytest.mark.parametrize("command", [["correct", "-f", "inline"], ["correct", "-f", "side-by-side"], ["check"]])
def test_a_run_where_every_input_failed_prints_no_summary(tiny_model_dir: Path, tmp_path: Path,
                                                         command: list[str]) -> None:
    out = run(*command, str(tmp_path / "nope.txt"), "--model", str(tiny_model_dir))
    assert (out.returncode, out.stdout) == (1, b"")
    assert out.stderr.decode().strip() == f"mtfix: error: {tmp_path / 'nope.txt'}: no such file"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["correct", "{dir}"], b"", "is a directory"),
    (["correct", "-"], b"caf\xe9 au lait\n", "<stdin>: not valid UTF-8 at byte 3"),
    (["correct", "--model", "/no/such/model", "-"], b"x\n", "model '/no/such/model' not found"),
    (["correct", "-", "-"], b"", "stdin ('-') can be read only once"),
    (["review", "{dir}/missing.json"], b"", "no such file"),
])
def test_user_mistakes_give_one_line(tmp_path: Path, args: list[str], stdin: bytes, message: str) -> None:
    out = run(*[a.format(dir=tmp_path) for a in args], stdin=stdin)
    err = out.stderr.decode()
    assert out.returncode in (1, 2)
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_bad_option_is_a_usage_error() -> None:
    out = run("correct", "--batch-size", "0")
    assert out.returncode == 2 and b"positive whole number" in out.stderr


def test_review_saved_json_needs_no_model(tmp_path: Path) -> None:
    result = Corrector(rewriter=FakeRewriter(fix_agreement)).correct("This offer suck.\n", name="x.txt")
    saved = tmp_path / "saved.json"
    saved.write_text(render([result], "json"), encoding="utf-8")
    out = run("review", str(saved), "--width", "80", "--no-color")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "[-suck-]" in text and "{+sucks+}" in text
    assert "\x1b[" not in text


def test_no_color_env_is_honoured(tmp_path: Path) -> None:
    result = Corrector(rewriter=FakeRewriter(fix_agreement)).correct("This offer suck.\n")
    saved = tmp_path / "saved.json"
    saved.write_text(render([result], "json"), encoding="utf-8")
    out = run("review", str(saved), "-f", "inline", env={"NO_COLOR": "1"})
    assert b"\x1b[" not in out.stdout
    forced = run("review", str(saved), "-f", "inline", "--color")
    assert b"\x1b[" in forced.stdout


def test_score_matches_sacrebleu(tmp_path: Path) -> None:
    import sacrebleu

    hyp = ["The cat sat on a mat .", "This offer sucks .", "Hello world"]
    refs = [["The cat sat on the mat .", "This offer is bad .", "Hello , world"],
            ["A cat sat on the mat .", "The offer sucks .", "Hello world !"]]
    (tmp_path / "hyp").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    for k, ref in enumerate(refs):
        (tmp_path / f"ref{k}").write_text("\n".join(ref) + "\n", encoding="utf-8")
    out = run("score", "--hyp", str(tmp_path / "hyp"), "--ref", str(tmp_path / "ref0"),
              "--ref", str(tmp_path / "ref1"), "-f", "json")
    assert out.returncode == 0, out.stderr
    got = {row["metric"]: row["score"] for row in json.loads(out.stdout)}
    assert got["BLEU"] == sacrebleu.corpus_bleu(hyp, refs).score
    assert got["chrF2"] == sacrebleu.corpus_chrf(hyp, refs).score
    assert got["TER"] == sacrebleu.corpus_ter(hyp, refs).score


def test_score_length_mismatch_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "hyp").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "ref").write_text("a\n", encoding="utf-8")
    out = run("score", "--hyp", str(tmp_path / "hyp"), "--ref", str(tmp_path / "ref"))
    assert out.returncode == 2
    assert out.stderr.decode().strip() == "mtfix: error: reference 1 has 1 lines but the hypothesis has 2"


@pytest.mark.slow
def test_readme_pipeline_example_on_the_base_model() -> None:
    out = run("correct", "--lines", stdin="This offer suck.\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().count("\n") == 1


def test_lines_mode_whole_file_views(tiny_model_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "corpus.txt"
    src.write_text("first line.\nsecond line.\n", encoding="utf-8")
    out = run("correct", "--lines", "-f", "json", str(src), "--model", str(tiny_model_dir))
    results = json.loads(out.stdout)["results"]
    assert len(results) == 1 and results[0]["source"] == "first line.\nsecond line.\n"
    assert [s["paragraph"] for s in results[0]["sentences"]] == [0, 1]

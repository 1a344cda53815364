"""`mtfix train` end to end on the tiny model: a user's post-edits in, a model folder out that --model takes;
resumable; bad input refused in one line with nothing written."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mtfix.cli import main

DATA = Path(__file__).resolve().parent / "data" / "formats"


def tsv(path: Path, n: int = 24, offset: int = 0) -> Path:
    rows = ["mt\tpe"] + [f"This offer suck number {i + offset}.\tThis offer sucks number {i + offset}."
                         for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def train(*args: str) -> int:
    return main(["train", *args, "--device", "cpu", "--batch-size", "4", "-q"])


def test_train_writes_a_model_that_correct_uses(tmp_path: Path, tiny_model_dir: Path) -> None:
    from mtfix.model.store import resolve

    out = tmp_path / "acme"
    assert train(str(tsv(tmp_path / "pe.tsv")), "-o", str(out), "--model", str(tiny_model_dir), "--steps", "3") == 0
    meta = json.loads((out / "mtfix.json").read_text(encoding="utf-8"))
    assert meta["model_id"] == "mtfix-acme" and meta["steps"] == 3
    spec = resolve(str(out))
    assert spec.adapter == out and spec.weights == tiny_model_dir
    # 23 of the 24 pairs train (5 % dev, at least 2), all of them as the trainer reads them
    run = out.with_name("acme.train")
    train_rows = (run / "train.jsonl").read_text(encoding="utf-8").splitlines()
    dev_rows = (run / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(train_rows) + len(dev_rows) == 24 and len(dev_rows) == 2
    assert json.loads(train_rows[0]).keys() == {"src", "tgt"}
    text = tmp_path / "in.txt"
    text.write_text("This offer suck.\n", encoding="utf-8")
    assert main(["correct", str(text), "--model", str(out), "-q", "-o", str(tmp_path / "fixed.txt")]) == 0
    assert (tmp_path / "fixed.txt").read_text(encoding="utf-8").strip()


def test_a_rerun_resumes_and_other_pairs_need_fresh(tmp_path: Path, tiny_model_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pairs, out = tsv(tmp_path / "pe.tsv"), tmp_path / "acme"
    common = [str(pairs), "-o", str(out), "--model", str(tiny_model_dir)]
    assert train(*common, "--steps", "2") == 0
    assert train(*common, "--steps", "4") == 0
    log = [json.loads(line) for line in (tmp_path / "acme.train" / "log.jsonl").read_text().splitlines()]
    starts = [row for row in log if row.get("event") == "start"]
    assert [(s["step"], s["resumed"]) for s in starts] == [(0, False), (2, True)]
    assert json.loads((out / "mtfix.json").read_text())["steps"] == 4
    capsys.readouterr()
    other = tsv(tmp_path / "other.tsv", offset=100)
    assert train(str(other), "-o", str(out), "--model", str(tiny_model_dir), "--steps", "2") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--fresh" in err[0]
    assert train(str(other), "-o", str(out), "--model", str(tiny_model_dir), "--steps", "2", "--fresh") == 0


@pytest.mark.parametrize("content, message", [
    ("only one column\n", "expected 2 tab-separated columns"),
    ("a\tb\n", "usable pairs; at least"),
])
def test_bad_pairs_are_refused_in_one_line_and_nothing_is_written(tmp_path: Path, tiny_model_dir: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   content: str, message: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(content, encoding="utf-8")
    assert train(str(bad), "-o", str(tmp_path / "m"), "--model", str(tiny_model_dir)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and err[0].startswith("mtfix: error:")
    assert not (tmp_path / "m").exists()


def test_two_versions_of_a_translation_file_pair_by_unit_id(tmp_path: Path) -> None:
    from mtfix.training.postedits import Pair, read_pairs

    mt = tmp_path / "mt.xlf"
    shutil.copy(DATA / "app.xlf", mt)
    pe = tmp_path / "pe.xlf"
    pe.write_text(mt.read_text(encoding="utf-8").replace("This offer suck &amp;", "This offer sucks &amp;"),
                  encoding="utf-8")
    pairs = read_pairs(mt, post_edited=pe)
    # the segments as the rewriter sees them at correction time: inline tags kept as tokens
    assert Pair('This offer suck & nobody <g id="1">know it</g> yet.',
                'This offer sucks & nobody <g id="1">know it</g> yet.') in pairs
    assert sum(p.mt != p.pe for p in pairs) == 1
    jsonl = tmp_path / "pe.jsonl"
    jsonl.write_text('{"mt": "He go.", "pe": "He goes."}\n{"src": "A b.", "tgt": "A b."}\n', encoding="utf-8")
    assert read_pairs(jsonl) == [Pair("He go.", "He goes."), Pair("A b.", "A b.")]

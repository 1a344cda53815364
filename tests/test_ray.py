"""The Ray engine (mtfix.engine.distributed) against the local engine, on a local two-worker Ray instance.

Workers build their Corrector from tests/fakes.py (so the tests dir is put on the workers' PYTHONPATH),
or load the tiny model for the end-to-end CLI test. The tests skip, saying why, when ray is not
installed, unless ``MTFIX_REQUIRE_RAY=1`` (set by ``.ci/run``), in which case they fail instead.
"""
from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import DieOnce, LoggingCorrector, SlowOn, fake_corrector

from mtfix.cli import main
from mtfix.engine.batch import Batch, Options

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["This offer suck.", "The President have repeatedly said that we are not enemies.",
             "Moscow is not looking for enemies. The people know it well.", "", "Members was present.",
             "NATO is trying to build the image of an enemy."]


def lines(n: int, seed: int = 0, crlf: bool = False) -> str:
    """``n`` lines cycling through SENTENCES from ``seed`` (with blank and repeated lines), no final newline."""
    end = "\r\n" if crlf else "\n"
    return end.join(SENTENCES[(seed + i) % len(SENTENCES)] + (f" ({i})" if i % 3 else "")
                    for i in range(n))


def need_ray() -> None:
    """Skip (or, with MTFIX_REQUIRE_RAY=1, fail) when ray is not installed."""
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("MTFIX_REQUIRE_RAY") == "1":
            pytest.fail("Ray tests required but ray is not installed (pip install 'mtfix[ray]')")
        pytest.skip("ray is not installed (pip install 'mtfix[ray]')")


@pytest.fixture(scope="module")
def ray_instance():
    need_ray()
    import logging

    import ray

    # Workers inherit this process's environment: let them import mtfix and tests/fakes.py.
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")] + ([old] if old else []))
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    yield ray
    ray.shutdown()
    if old is None:
        del os.environ["PYTHONPATH"]
    else:
        os.environ["PYTHONPATH"] = old


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    """Three files: one long (three shards of 64 lines), one short with CRLF, one empty."""
    files = {"long.txt": lines(150) + "\n", "short.txt": lines(7, seed=2, crlf=True), "empty.txt": ""}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    return [str(tmp_path / name) for name in files]


def ray_batch(factory, fmt: str = "text", errors: list[str] | None = None, **options):
    from mtfix.engine.distributed import RayBatch, RayOptions

    sink = errors if errors is not None else []
    return RayBatch(factory, Options(fmt, lines=True), sink.append,
                    options=RayOptions(**{"workers": 2, "shard_lines": 64, **options}))


def local_stream(names: list[str], fmt: str = "text") -> str:
    out = io.StringIO(newline="")
    Batch(fake_corrector(), Options(fmt, lines=True), pytest.fail).to_stream(names, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_same_output_as_local_engine(ray_instance, inputs, fmt):
    out = io.StringIO(newline="")
    ray_batch(fake_corrector, fmt).to_stream(inputs, out)
    expected = local_stream(inputs, fmt)
    assert out.getvalue() == expected
    assert "This offer sucks." in expected  # the fake model did correct something


def test_a_slow_first_shard_is_still_written_first(ray_instance, inputs, tmp_path):
    # Line 2 ("(1)") holds up shard 1 while the other worker finishes shards 2 and 3 and the short file.
    done = []
    batch = ray_batch(SlowOn("(1)", 1.5))
    batch.progress = lambda n, _total: done.append(n)
    out = io.StringIO(newline="")
    batch.to_stream(inputs, out)
    assert out.getvalue() == local_stream(inputs)
    assert done == [64, 64, 22, 7]


def test_folder_matches_local_and_leaves_no_work_files(ray_instance, inputs, tmp_path):
    ray_batch(fake_corrector).to_folder(inputs, str(tmp_path / "ray"))
    Batch(fake_corrector(), Options(lines=True), pytest.fail).to_folder(inputs, str(tmp_path / "local"))
    for name in inputs:
        got = (tmp_path / "ray" / Path(name).name).read_bytes()
        assert got == (tmp_path / "local" / Path(name).name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "ray").iterdir()) == ["empty.txt", "long.txt", "short.txt"]


def test_worker_killed_mid_shard_loses_and_duplicates_nothing(ray_instance, inputs, tmp_path):
    marker = tmp_path / "died"
    batch = ray_batch(DieOnce(str(marker)), max_retries=2)
    batch.to_file(inputs, str(tmp_path / "out.txt"))
    assert marker.exists()  # a worker did die
    assert (tmp_path / "out.txt").read_bytes().decode() == local_stream(inputs)
    assert not list(tmp_path.glob(".out.txt.*"))


def test_interrupted_run_resumes_with_the_missing_shards_only(ray_instance, inputs, tmp_path):
    log, out, long = tmp_path / "rewritten.log", tmp_path / "out", inputs[:1]
    batch = ray_batch(LoggingCorrector(str(log)))
    shards = []

    def stop_after_two_shards(n: int, _total: int) -> None:
        shards.append(n)
        if len(shards) == 2:
            raise KeyboardInterrupt

    batch.progress = stop_after_two_shards
    with pytest.raises(KeyboardInterrupt):
        batch.to_folder(long, str(out))
    assert not (out / "long.txt").exists()  # nothing half-written
    assert len(list((out / ".long.txt.mtfix-shards").glob("*.out"))) >= 2  # the shards written out
    assert "(1)" in log.read_text(encoding="utf-8")
    log.unlink()

    ray_batch(LoggingCorrector(str(log))).to_folder(long, str(out))
    again = log.read_text(encoding="utf-8") if log.exists() else ""
    assert "(1)" not in again and "(64)" not in again  # lines of shards 1 and 2 were not corrected again
    assert (out / "long.txt").read_bytes().decode() == local_stream(long)
    assert not (out / ".long.txt.mtfix-shards").exists()


def test_api_in_place_then_a_rerun_skips_what_is_done(ray_instance, inputs, tmp_path):
    from mtfix.engine.distributed import RayOptions, correct_on_ray

    expected = {name: local_stream([name]) for name in inputs}
    originals = {name: Path(name).read_bytes() for name in inputs}
    options = RayOptions(workers=2, shard_lines=64)
    summary = correct_on_ray(inputs, in_place=True, make_corrector=fake_corrector, options=options)
    assert (summary.failed, summary.skipped, summary.errors) == (0, 0, ())
    for name in inputs:
        assert Path(name).read_bytes().decode() == expected[name]
        assert Path(name + ".orig").read_bytes() == originals[name]
    summary = correct_on_ray(inputs[:2], in_place=True, make_corrector=fake_corrector, options=options)
    assert summary.skipped == 2  # the empty file is the same corrected, so it would be redone: not asked here
    with pytest.raises(ValueError, match="exactly one of"):
        correct_on_ray(inputs, output="x", in_place=True, make_corrector=fake_corrector)


def test_read_error_stops_that_input_only(ray_instance, tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(lines(5), encoding="utf-8")
    bad.write_bytes((lines(70) + "\n").encode() + b"caf\xe9\n")
    errors: list[str] = []
    batch = ray_batch(fake_corrector, errors=errors)
    batch.to_folder([str(bad), str(good)], str(tmp_path / "out"))
    assert errors == [f"{bad}: not valid UTF-8 at byte {len(lines(70)) + 1 + 3} (line 71); "
                      "use --errors replace or --errors keep"]
    assert batch.failed == 1
    assert not (tmp_path / "out" / "bad.txt").exists()
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == local_stream([str(good)])


def test_cli_end_to_end_with_the_tiny_model(ray_instance, tiny_model_dir, tmp_path, capsys):
    for name, seed in (("a.txt", 0), ("b.txt", 3)):
        (tmp_path / name).write_text(lines(4, seed) + "\n", encoding="utf-8")
    files = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    common = ["correct", "--lines", "-q", "--model", str(tiny_model_dir), "--threads", "1", *files]
    assert main([*common, "-o", str(tmp_path / "local.txt")]) == 0
    assert main([*common, "--engine", "ray", "--workers", "2", "-o", str(tmp_path / "ray.txt")]) == 0
    assert (tmp_path / "ray.txt").read_bytes() == (tmp_path / "local.txt").read_bytes()
    assert len((tmp_path / "ray.txt").read_text().splitlines()) == 8


def test_cli_says_in_one_line_when_workers_cannot_load_the_model(ray_instance, tmp_path, capsys):
    (tmp_path / "in.txt").write_text("x\n", encoding="utf-8")
    missing = tmp_path / "no-model"
    assert main(["correct", "--lines", "-q", "--engine", "ray", "--workers", "1", "--model", str(missing),
                 str(tmp_path / "in.txt"), "-o", str(tmp_path / "out.txt")]) == 1
    assert capsys.readouterr().err == (f"mtfix: error: a Ray worker could not load the model: "
                                       f"mtfix.model.store.ModelError: model {str(missing)!r} not found: "
                                       "give 'default', 'base' or a model directory\n")
    assert not (tmp_path / "out.txt").exists()


def test_cli_starts_its_own_ray_instance_reading_stdin(tiny_model_dir, tmp_path):
    # As a user runs it: no Ray running in this process, no --address; Ray's chatter stays off stdout.
    need_ray()
    text = lines(4, seed=1) + "\n"
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    model = ["--model", str(tiny_model_dir), "--threads", "1", "-q"]
    assert main(["correct", "--lines", *model, str(tmp_path / "in.txt"), "-o", str(tmp_path / "local.txt")]) == 0
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mtfix", "correct", "--lines", "--engine", "ray", "--workers", "1",
                           *model], input=text.encode(), capture_output=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout == (tmp_path / "local.txt").read_bytes()


USAGE = [
    (["--engine", "ray"], "mtfix: error: --engine ray corrects line by line: add --lines\n"),
    (["--engine", "ray", "--lines", "-f", "html"], "mtfix: error: --engine ray writes text or jsonl, not html\n"),
    (["--engine", "ray", "--lines", "--shard-lines", "100"],
     "mtfix: error: shard_lines must be a positive multiple of 64 (the lines corrected together), got 100\n"),
    (["--lines", "--workers", "2", "--address", "auto"],
     "mtfix: error: --address, --workers only apply to --engine ray\n"),
]


@pytest.mark.parametrize(("flags", "message"), USAGE)
def test_cli_refuses_what_cannot_work(flags, message, tmp_path, capsys):
    if "--engine" in flags:
        need_ray()
    (tmp_path / "in.txt").write_text("x\n", encoding="utf-8")
    assert main(["correct", *flags, str(tmp_path / "in.txt")]) == 2
    assert capsys.readouterr().err == message


def test_cli_refuses_translation_files(tmp_path, capsys):
    need_ray()
    po = tmp_path / "messages.po"
    po.write_text('msgid "Hello"\nmsgstr "Hello"\n', encoding="utf-8")  # read line by line it would be mangled
    assert main(["correct", "--engine", "ray", "--lines", str(po)]) == 2
    assert capsys.readouterr().err == (f"mtfix: error: --engine ray corrects plain text lines; {po} is po "
                                       "(use the local engine)\n")


def test_without_ray_the_cli_says_what_to_install(tmp_path):
    # A fresh interpreter where `import ray` fails, as in a core install.
    code = ("import sys; sys.modules['ray'] = None; from mtfix.cli import main; "
            "sys.exit(main(['correct', '--lines', '--engine', 'ray', sys.argv[1]]))")
    (tmp_path / "in.txt").write_text("x\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "in.txt")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (2, "mtfix: error: the Ray engine needs the ray package: "
                                                 "pip install 'mtfix[ray]'\n")


def test_shard_size_must_fit_the_local_chunks():
    from mtfix.engine.distributed import RayOptions

    with pytest.raises(ValueError, match="got 65"):
        RayOptions(shard_lines=65)
    assert RayOptions(shard_lines=128).shard_lines == 128


def test_factory_makes_model_paths_absolute(tmp_path, monkeypatch):
    from mtfix.engine.distributed import corrector_factory

    (tmp_path / "m").mkdir()
    monkeypatch.chdir(tmp_path)
    factory = corrector_factory("m")
    assert isinstance(factory, functools.partial)
    assert factory.keywords["model"] == str(tmp_path / "m")
    assert corrector_factory("default").keywords["model"] == "default"

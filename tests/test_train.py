"""The training script on the tiny model: a resumed run ends exactly where an uninterrupted one does."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_train_module():
    from mtfix.training import trainer

    return trainer


@pytest.fixture(scope="module")
def train():
    return load_train_module()


@pytest.fixture
def recipe(tmp_path: Path, tiny_model_dir: Path) -> Path:
    pairs = [{"src": f"This offer suck number {i}.", "tgt": f"This offer sucks number {i}."} for i in range(24)]
    for name, rows in (("train.jsonl", pairs[:20]), ("dev.jsonl", pairs[20:])):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    base = json.loads((ROOT / "models" / "recipes" / "default.json").read_text(encoding="utf-8"))
    base.update(base=str(tiny_model_dir), train=str(tmp_path / "train.jsonl"), dev=str(tmp_path / "dev.jsonl"),
                steps=4, warmup_steps=1, batch_size=4, checkpoint_every=2, eval_every=100, log_every=1,
                eval_generate=2, lora={"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": "all-linear"})
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(base), encoding="utf-8")
    return path


def adapter(path: Path):
    from safetensors.torch import load_file

    return load_file(str(path / "adapter_model.safetensors"))


def test_batches_are_deterministic_and_cover_each_epoch(train) -> None:
    lengths = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10]
    first = [train.batch_at(step, lengths, 3, seed=1) for step in range(4)]
    assert first == [train.batch_at(step, lengths, 3, seed=1) for step in range(4)]
    assert sorted(i for batch in first for i in batch) == list(range(10))


def test_encode_masks_the_prompt(train, tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    from mtfix.model.prompt import PromptFormat

    fmt = PromptFormat(AutoTokenizer.from_pretrained(str(tiny_model_dir)), "Fix it.")
    ids, labels = train.encode(fmt, "This offer suck.", "This offer sucks.", 400)
    answer = fmt.answer("This offer sucks.")
    assert ids[-len(answer):] == answer and labels[-len(answer):] == answer
    assert set(labels[:-len(answer)]) == {-100}
    assert train.encode(fmt, "This offer suck.", "This offer sucks.", 5) is None


def test_resume_matches_uninterrupted_run(train, recipe: Path, tmp_path: Path) -> None:
    import torch

    def run(name: str, *stops: int) -> Path:
        for n in stops:
            args = ["--config", str(recipe), "--device", "cpu", "--stop-at", str(n),
                    "--set", f"run_dir={tmp_path / name / 'run'}", "--set", f"export_dir={tmp_path / name / 'out'}"]
            assert train.main(args) == 0
        return tmp_path / name / "out"

    straight = run("straight", 4)
    resumed = run("resumed", 2, 4)
    a, b = adapter(straight), adapter(resumed)
    assert a.keys() == b.keys() and a
    for key in a:
        torch.testing.assert_close(a[key], b[key])
    meta = json.loads((resumed / "mtfix.json").read_text(encoding="utf-8"))
    assert meta["steps"] == 4 and meta["prompt"]["system"]
    log = [json.loads(line) for line in (tmp_path / "resumed" / "run" / "log.jsonl").read_text().splitlines()]
    assert any(row.get("resumed") for row in log)
    assert any("dev_chrf" in row for row in log)


def test_a_continuation_starts_from_the_adapter_it_names(train, recipe: Path, tmp_path: Path) -> None:
    # init_adapter: a recipe continuing a trained model starts from its LoRA weights, not from zero, and its
    # revision counts the steps of the run it continues; a resumed continuation ignores init_adapter.
    import torch

    def run(name: str, *extra: str) -> Path:
        args = ["--config", str(recipe), "--device", "cpu", "--set", f"run_dir={tmp_path / name / 'run'}",
                "--set", f"export_dir={tmp_path / name / 'out'}", *extra]
        assert train.main(args) == 0
        return tmp_path / name / "out"

    first = run("first", "--set", "steps=2")
    init = ["--set", f"init_adapter={json.dumps(str(first))}", "--set", "init_steps=2"]
    zero_lr = run("frozen", "--set", "steps=1", "--set", "lr=0.0", *init)
    for key, value in adapter(first).items():  # lr 0: nothing moves, so the start is the named adapter
        torch.testing.assert_close(adapter(zero_lr)[key], value)
    fresh = run("fresh", "--set", "steps=1", "--set", "lr=0.0")
    assert any(not torch.equal(adapter(fresh)[k], v) for k, v in adapter(first).items())
    meta = json.loads((zero_lr / "mtfix.json").read_text(encoding="utf-8"))
    assert meta["steps"] == 3 and meta["revision"].startswith("step3-")
    with pytest.raises(train.TrainingError, match="no adapter_model.safetensors"):
        recipe_ = train.load_recipe(str(recipe), ["steps=1", f"run_dir={json.dumps(str(tmp_path / 'missing'))}",
                                                  f"init_adapter={json.dumps(str(tmp_path / 'nowhere'))}"])
        train.run_recipe(recipe_, device="cpu")


def test_precision_bf16_autocasts_the_training_pass(train, recipe: Path, tmp_path: Path) -> None:
    # The committed recipe trains under bf16 autocast; fp32 must give (slightly) different weights,
    # else the setting would not be reaching the forward pass.
    import torch

    def one_step(precision: str) -> dict:
        out = tmp_path / precision
        args = ["--config", str(recipe), "--device", "cpu", "--set", "steps=2", "--set", f"precision={precision}",
                "--set", f"run_dir={out / 'run'}", "--set", f"export_dir={out / 'out'}"]
        assert train.main(args) == 0
        return adapter(out / "out")

    assert json.loads(recipe.read_text(encoding="utf-8"))["precision"] == "bf16"
    bf16, fp32 = one_step("bf16"), one_step("fp32")
    assert bf16.keys() == fp32.keys()
    assert any(not torch.allclose(bf16[k].float(), fp32[k].float(), atol=0, rtol=0) for k in bf16)
    assert all(torch.isfinite(v.float()).all() for v in bf16.values())


def test_exported_adapter_loads_in_mtfix(train, recipe: Path, tmp_path: Path, tiny_model_dir: Path) -> None:
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import ModelSpec, resolve

    args = ["--config", str(recipe), "--device", "cpu", "--set", "steps=1",
            "--set", f"run_dir={tmp_path / 'run'}", "--set", f"export_dir={tmp_path / 'out'}"]
    assert train.main(args) == 0
    meta = json.loads((tmp_path / "out" / "mtfix.json").read_text(encoding="utf-8"))
    assert resolve(tmp_path / "out").adapter == tmp_path / "out"  # recognised as an adapter directory
    # resolve() puts an adapter on the real base model; here its base is the tiny one.
    spec = ModelSpec(meta["model_id"], meta["revision"], tiny_model_dir, tmp_path / "out", meta["prompt"])
    rewriter = TransformersRewriter(spec)
    assert rewriter.format.prefix[:1] == rewriter.tokenizer.encode("<|im_start|>", add_special_tokens=False)
    assert len(rewriter.rewrite(["This offer suck."])) == 1


@pytest.mark.slow
def test_shipped_default_model_loads() -> None:
    from mtfix.model.store import models_dir, resolve

    if not (models_dir() / "default" / "adapter_config.json").is_file():
        pytest.skip("no default model shipped yet")
    from mtfix import Corrector

    result = Corrector().correct("This offer suck.")
    assert result.signature.model.startswith("mtfix-")
    assert resolve().adapter is not None

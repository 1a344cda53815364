"""Fine-tune SmolLM2-135M-Instruct into mtfix's rewriter with LoRA: resumable, logged, exportable.

    python -m mtfix.training.trainer --config models/recipes/default.json           # train (resumes if it can)
    python -m mtfix.training.trainer --config models/recipes/default.json --export  # write models/default
                                                                                     # from the last checkpoint

Relative paths in a recipe are resolved against ``--root`` (default: the working directory; the repo's
``scripts/train.py`` passes the source tree). ``mtfix train`` (:mod:`mtfix.training.postedits`) builds a
recipe for a user's own post-edits and runs it through :func:`run_recipe`.

Loss is on the answer only (the fluent sentence and the end-of-turn token). Batches group pairs of
similar length, which wastes as little on padding as packing would without letting pairs attend to
each other. A checkpoint (adapter, optimizer, scheduler, step) is written atomically every
``checkpoint_every`` steps; a rerun continues from it with the same batch order. ``log.jsonl`` in the
run folder holds training loss, speed and dev scores over time.

``"init_adapter": "<dir>"`` starts a recipe from another run's LoRA weights (a continuation on new data,
e.g. ``models/recipes/default-kept.json`` after ``default.json``); ``"init_steps"`` is how many steps
that run had, so that the exported revision counts both. A resumed run ignores ``init_adapter``.

``"precision": "bf16"`` in a recipe runs the training forward and backward passes under bfloat16
autocast (weights, optimizer state and evaluation stay float32): faster on CPUs with AVX512-BF16 and
on GPUs; ``log.jsonl`` records pairs/s, so the gain shows in the run's own log.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mtfix.model import store
from mtfix.model.base import left_pad
from mtfix.model.prompt import PromptFormat


class TrainingError(Exception):
    """A recipe or its inputs cannot be trained on; the message says why, in one line."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="recipe JSON (models/recipes/*.json)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a recipe field (JSON value), e.g. --set steps=200")
    p.add_argument("--max-minutes", type=float, default=None,
                   help="stop cleanly (checkpoint and export) after this long")
    p.add_argument("--stop-at", type=int, default=None, metavar="STEP",
                   help="stop (checkpoint and export) at this step; the schedule still runs to `steps`")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto (default)")
    p.add_argument("--export", action="store_true", help="only export the latest checkpoint")
    p.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint and start over")
    p.add_argument("--root", default=None, metavar="DIR",
                   help="resolve the recipe's relative paths here (default: the working directory)")
    return p.parse_args(argv)


def load_recipe(path: str, overrides: list[str]) -> dict[str, Any]:
    recipe = json.loads(Path(path).read_text(encoding="utf-8"))
    for item in overrides:
        key, _, value = item.partition("=")
        try:
            recipe[key] = json.loads(value)
        except json.JSONDecodeError:
            recipe[key] = value
    if recipe.get("precision", "fp32") not in ("fp32", "bf16"):
        raise TrainingError(f"precision must be fp32 or bf16, not {recipe['precision']!r}")
    return recipe


def read_pairs(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def encode(fmt: PromptFormat, src: str, tgt: str, max_tokens: int) -> tuple[list[int], list[int]] | None:
    """Prompt + answer ids, with labels masking the prompt; None if longer than ``max_tokens``."""
    prompt, answer = fmt.prompt(src), fmt.answer(tgt)
    if len(prompt) + len(answer) > max_tokens:
        return None
    return prompt + answer, [-100] * len(prompt) + answer


def epoch_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Batches of similar length: shuffle, sort within pools of 50 batches, shuffle the batches."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def batch_at(step: int, lengths: list[int], batch_size: int, seed: int) -> list[int]:
    """The batch of global ``step``: the same on a resumed run as on an uninterrupted one."""
    per_epoch = math.ceil(len(lengths) / batch_size)
    epoch, index = divmod(step, per_epoch)
    return epoch_batches(lengths, batch_size, seed + epoch)[index]


def collate(examples: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(ids) for ids, _ in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (x, y) in enumerate(examples):
        ids[row, :len(x)] = torch.tensor(x)
        labels[row, :len(y)] = torch.tensor(y)
        mask[row, :len(x)] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


class Run:
    """Model, data and optimizer for one recipe; checkpoints in ``run_dir``."""

    def __init__(self, recipe: dict[str, Any], device: str, root: Path | None = None) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.recipe = recipe
        self.root = Path.cwd() if root is None else Path(root)
        self.run_dir = self.root / recipe["run_dir"]
        self.device = device
        torch.manual_seed(recipe["seed"])
        if device == "cpu":
            torch.set_num_threads(recipe.get("threads") or os.cpu_count() or 1)
        spec = store.resolve(recipe.get("base", "base"))
        self.base_spec = spec
        self.tokenizer = AutoTokenizer.from_pretrained(str(spec.weights))
        model = AutoModelForCausalLM.from_pretrained(str(spec.weights), dtype=torch.float32)
        lora = recipe["lora"]
        config = LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                            target_modules=lora["target_modules"], task_type="CAUSAL_LM")
        self.model = get_peft_model(model, config).to(device)
        self.format = PromptFormat(self.tokenizer, recipe["system"])
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.format.end_id
        self.train = self._encode_all(self.root / recipe["train"])
        self.dev_pairs = read_pairs(self.root / recipe["dev"])
        self.lengths = [len(x) for x, _ in self.train]
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=recipe["lr"], weight_decay=0.0)
        warmup, total = recipe["warmup_steps"], recipe["steps"]

        def schedule(step: int) -> float:  # linear warm-up, then cosine to 10%
            if step < warmup:
                return (step + 1) / warmup
            progress = min(1.0, (step - warmup) / max(1, total - warmup))
            return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))

        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, schedule)
        self.step = 0

    def _encode_all(self, path: Path) -> list[tuple[list[int], list[int]]]:
        encoded = [encode(self.format, p["src"], p["tgt"], self.recipe["max_tokens"]) for p in read_pairs(path)]
        kept = [e for e in encoded if e is not None]
        print(f"train pairs: {len(kept)} (dropped {len(encoded) - len(kept)} over "
              f"{self.recipe['max_tokens']} tokens)", file=sys.stderr)
        return kept

    # --- checkpoints ---------------------------------------------------------------------------
    @property
    def checkpoint(self) -> Path:
        return self.run_dir / "checkpoint"

    def save(self) -> None:
        import torch

        tmp = self.run_dir / "checkpoint.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        self.model.save_pretrained(tmp)
        torch.save({"step": self.step, "optimizer": self.optimizer.state_dict(),
                    "scheduler": self.scheduler.state_dict()}, tmp / "state.pt")
        old = self.run_dir / "checkpoint.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.checkpoint.exists():
            os.replace(self.checkpoint, old)
        os.replace(tmp, self.checkpoint)
        shutil.rmtree(old, ignore_errors=True)

    def init_from(self, adapter_dir: Path) -> None:
        """Start from another run's LoRA weights (its optimizer state is not carried over): a recipe
        that continues a trained model on new data names that model's adapter as ``init_adapter``."""
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        path = adapter_dir / "adapter_model.safetensors"
        if not path.is_file():
            raise TrainingError(f"init_adapter {adapter_dir}: no adapter_model.safetensors "
                             f"(train the recipe it continues first)")
        weights = {k: v.float() for k, v in load_file(str(path), device=self.device).items()}
        result = set_peft_model_state_dict(self.model, weights)
        missing = [k for k in getattr(result, "missing_keys", []) if "lora_" in k]
        if missing:
            raise TrainingError(f"init_adapter {adapter_dir} does not fit this recipe's LoRA "
                             f"({len(missing)} weights missing, e.g. {missing[0]})")

    def load(self) -> bool:
        import torch
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        if not (self.checkpoint / "state.pt").is_file():
            return False
        weights = load_file(str(self.checkpoint / "adapter_model.safetensors"), device=self.device)
        set_peft_model_state_dict(self.model, weights)
        state = torch.load(self.checkpoint / "state.pt", map_location=self.device, weights_only=True)
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.step = state["step"]
        return True

    # --- training -----------------------------------------------------------------------------
    def log(self, **row: Any) -> None:
        row = {"time": round(time.time(), 1), **row}
        with open(self.run_dir / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), file=sys.stderr, flush=True)

    def train_step(self) -> float:
        import torch

        idx = batch_at(self.step, self.lengths, self.recipe["batch_size"], self.recipe["seed"])
        batch = {k: v.to(self.device) for k, v in collate([self.train[i] for i in idx], self.pad_id).items()}
        self.model.train()
        dtype = {"bf16": torch.bfloat16, "fp32": None}[self.recipe.get("precision", "fp32")]
        with torch.autocast(self.device.split(":")[0], dtype=dtype, enabled=dtype is not None):
            loss = self.model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in self.model.parameters() if p.requires_grad], 1.0)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        return loss.item()

    def evaluate(self) -> dict[str, float]:
        """Dev loss on all dev pairs; greedy rewrites of the first few, scored with chrF."""
        import torch
        from sacrebleu.metrics import CHRF

        self.model.eval()
        encoded = [e for p in self.dev_pairs
                   if (e := encode(self.format, p["src"], p["tgt"], self.recipe["max_tokens"]))]
        losses = []
        with torch.inference_mode():
            for start in range(0, len(encoded), 16):
                batch = collate(encoded[start:start + 16], self.pad_id)
                batch = {k: v.to(self.device) for k, v in batch.items()}
                losses.append(float(self.model(**batch).loss))
        sample = self.dev_pairs[: self.recipe.get("eval_generate", 48)]
        outputs = self.generate([p["src"] for p in sample])
        chrf = CHRF().corpus_score(outputs, [[p["tgt"] for p in sample]]).score
        raw = CHRF().corpus_score([p["src"] for p in sample], [[p["tgt"] for p in sample]]).score
        exact = sum(o == p["tgt"] for o, p in zip(outputs, sample)) / max(1, len(sample))
        return {"dev_loss": round(sum(losses) / max(1, len(losses)), 4), "dev_chrf": round(chrf, 2),
                "dev_chrf_raw": round(raw, 2), "dev_exact": round(exact, 3)}

    def generate(self, sources: list[str]) -> list[str]:
        import torch

        outputs = []
        with torch.inference_mode():
            for start in range(0, len(sources), 8):
                prompts = [self.format.prompt(s) for s in sources[start:start + 8]]
                ids, mask = (t.to(self.device) for t in left_pad(prompts, self.pad_id))
                width = ids.shape[1]
                longest = max(len(self.tokenizer.encode(s)) for s in sources[start:start + 8])
                gen = self.model.generate(input_ids=ids, attention_mask=mask, do_sample=False, num_beams=1,
                                          max_new_tokens=int(longest * 1.5) + 8, temperature=None,
                                          top_p=None, top_k=None, eos_token_id=self.format.end_id,
                                          pad_token_id=self.pad_id)
                for row in gen[:, width:].tolist():
                    if self.format.end_id in row:
                        row = row[:row.index(self.format.end_id)]
                    outputs.append(self.tokenizer.decode(row, skip_special_tokens=True).strip())
        return outputs

    def export(self) -> Path:
        """Write the adapter (fp16 safetensors) and mtfix.json into ``export_dir``, atomically."""
        import torch
        from peft import get_peft_model_state_dict
        from safetensors.torch import save_file

        out = self.root / self.recipe["export_dir"]
        tmp = out.with_name(out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.model.peft_config["default"].save_pretrained(tmp)
        weights = {k: v.detach().to("cpu", torch.float16).contiguous()
                   for k, v in get_peft_model_state_dict(self.model).items()}
        save_file(weights, str(tmp / "adapter_model.safetensors"), metadata={"format": "pt"})
        digest = hashlib.sha256((tmp / "adapter_model.safetensors").read_bytes()).hexdigest()[:12]
        steps = self.recipe.get("init_steps", 0) + self.step  # counting the run it continues, if any
        meta = {"model_id": f"mtfix-{self.recipe['name']}", "revision": f"step{steps}-{digest}",
                "base": self.base_spec.model_id.replace("+prompt", ""), "base_revision": self.base_spec.revision,
                "prompt": {"system": self.recipe["system"], "few_shot": []}, "steps": steps,
                "recipe": self.recipe, "licence": "Apache-2.0"}
        if self.recipe.get("base", "base") not in ("base", "default"):  # not the packaged base: say where it is
            meta["base_dir"] = str(self.base_spec.weights)
        (tmp / "mtfix.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for keep in ("MODEL_CARD.md",):  # the card is written by hand: carry it over
            if (out / keep).exists():
                shutil.copy2(out / keep, tmp / keep)
        if (self.run_dir / "log.jsonl").exists():  # loss and dev scores over time travel with the model
            shutil.copy2(self.run_dir / "log.jsonl", tmp / "train_log.jsonl")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
        return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        recipe = load_recipe(args.config, args.set)
        out = run_recipe(recipe, device=args.device, root=Path(args.root) if args.root else None,
                         max_minutes=args.max_minutes, stop_at=args.stop_at, export_only=args.export,
                         fresh=args.fresh)
    except TrainingError as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


def run_recipe(recipe: dict[str, Any], *, device: str = "auto", root: Path | None = None,
               max_minutes: float | None = None, stop_at: int | None = None, export_only: bool = False,
               fresh: bool = False, progress: Callable[[int, int], None] | None = None) -> Path:
    """Train ``recipe`` (resuming from its run folder's checkpoint), then export; the export's path.

    Stops cleanly, with a checkpoint and an export, at ``stop_at``, after ``max_minutes``, on SIGTERM or
    Ctrl-C; a rerun continues with the same batch order. ``progress(step, steps)`` is told each step."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    run = Run(recipe, device, root)
    run.run_dir.mkdir(parents=True, exist_ok=True)
    if fresh:
        shutil.rmtree(run.checkpoint, ignore_errors=True)
    resumed = run.load()
    if not resumed and recipe.get("init_adapter") and not export_only:
        run.init_from(run.root / recipe["init_adapter"])
    if export_only:
        if not resumed:
            raise TrainingError(f"no checkpoint to export in {run.checkpoint}")
        return run.export()
    run.log(event="start", step=run.step, resumed=resumed, device=device, train_pairs=len(run.train))
    stop = {"now": False}
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    deadline = time.monotonic() + max_minutes * 60 if max_minutes else None
    started, first_step, window = time.monotonic(), run.step, []
    last = min(recipe["steps"], stop_at or recipe["steps"])
    try:
        while run.step < last and not stop["now"]:
            window.append(run.train_step())
            if progress is not None:
                progress(run.step, last)
            if run.step % recipe["log_every"] == 0:
                elapsed = time.monotonic() - started
                rate = (run.step - first_step) * recipe["batch_size"] / max(elapsed, 1e-9)
                run.log(step=run.step, loss=round(sum(window) / len(window), 4),
                        lr=run.scheduler.get_last_lr()[0], examples_per_s=round(rate, 2),
                        elapsed_s=round(elapsed, 1))
                window = []
            if run.step % recipe["checkpoint_every"] == 0:
                run.save()
            if run.step % recipe["eval_every"] == 0:
                run.log(step=run.step, **run.evaluate())
            if deadline and time.monotonic() > deadline:
                break
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    run.save()
    if run.step % recipe["eval_every"]:  # not just evaluated in the loop
        run.log(step=run.step, **run.evaluate())
    out = run.export()
    run.log(event="stop", step=run.step, elapsed_s=round(time.monotonic() - started, 1))
    return out


if __name__ == "__main__":
    sys.exit(main())

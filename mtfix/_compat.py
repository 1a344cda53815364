"""Old module paths (``mtfix.spelling``, ``mtfix.rewrite``, ...) from before the stage folders, for one release.

``import mtfix.spelling`` still works and gives the very module ``mtfix.rules.spelling``, with a
DeprecationWarning naming the new path. Nothing is imported until an old path is asked for, so
``import mtfix`` stays cheap. Removed in mtfix 0.3 (see CHANGELOG.md).
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

REMOVED_IN = "0.3"
MOVED = {
    "mtfix.segment": "mtfix.text.segment", "mtfix.diff": "mtfix.text.diff",
    "mtfix.edittypes": "mtfix.text.edittypes", "mtfix.typography": "mtfix.text.typography",
    "mtfix.textio": "mtfix.text.textio", "mtfix.modelstore": "mtfix.model.store",
    "mtfix.prompt": "mtfix.model.prompt", "mtfix.rewrite": "mtfix.model.rewriter",
    "mtfix.decode": "mtfix.model.decode", "mtfix.quality": "mtfix.model.quality",
    "mtfix.gate": "mtfix.rules.gate", "mtfix.spelling": "mtfix.rules.spelling",
    "mtfix.cognates": "mtfix.rules.cognates", "mtfix.untranslated": "mtfix.rules.untranslated",
    "mtfix.evaluate": "mtfix.evaluation.run", "mtfix.baselines": "mtfix.evaluation.baselines",
    "mtfix.gleu": "mtfix.evaluation.gleu", "mtfix.scoring": "mtfix.evaluation.scoring",
    "mtfix.batch": "mtfix.engine.batch", "mtfix.distributed": "mtfix.engine.distributed",
    "mtfix.progress": "mtfix.engine.progress",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and loads it as the module at its new path (the same object, not a copy)."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec] = {}

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED[spec.name]
        warnings.warn(f"{spec.name} has moved to {new}; the old path goes in mtfix {REMOVED_IN}",
                      DeprecationWarning, stacklevel=3)
        module = importlib.import_module(new)
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the real module: give it back its own.
        module.__spec__ = self._specs.pop(module.__spec__.name)


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())

"""The house rules of docs/architecture.md, checked on the source: stage folders, what may import what, no
import circles (counting imports inside functions), and the old module paths kept for one release."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mtfix"

# Layers, lowest first: a module may import its own layer and the ones below, never one above.
LAYERS = [
    ("version", "config", "_compat"),
    ("text", "checks"),
    ("result",),
    ("model",),
    ("rules",),
    ("pipeline",),
    ("formats", "report"),
    ("engine",),
    ("evaluation",),
    ("training",),
    ("cli", "__main__", "__init__"),
]
HEAVY = ("torch", "transformers", "peft", "safetensors", "ray")
STAGES = ("text", "model", "rules", "evaluation", "engine", "training", "formats", "report")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """Every module this module imports, at module level or inside functions, as dotted names."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from mtfix.model import store` imports the submodule, not the package
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


def own_imports(name: str) -> set[str]:
    return {m for m in imports(name) if m in MODULES and m != name}


def layer(name: str) -> int:
    head = name.split(".")[1] if name != "mtfix" else "__init__"
    for i, heads in enumerate(LAYERS):
        if head in heads:
            return i
    raise AssertionError(f"{name}: no layer in LAYERS; add it (and to docs/architecture.md)")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        layer(name)


def test_imports_point_down_the_layers() -> None:
    upward = [f"{a} -> {b}" for a in MODULES for b in own_imports(a) if layer(b) > layer(a)]
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_no_import_circles() -> None:
    graph = {a: own_imports(a) for a in MODULES}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:  # depth-first; a grey node met again closes a circle
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


@pytest.mark.parametrize("stage", ["text", "report", "checks"])
def test_text_report_and_checks_never_touch_the_model(stage: str) -> None:
    for name in (m for m in MODULES if m.startswith(f"mtfix.{stage}")):
        bad = {m for m in imports(name) if m.split(".")[0] in HEAVY or m.startswith(("mtfix.model", "mtfix.pipeline"))}
        assert not bad, f"{name} imports {sorted(bad)}"


def test_the_top_level_stays_small_and_each_stage_says_what_it_may_import() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"mtfix/{stage}/__init__.py must say what the stage may import"


def test_the_shipped_model_folder_is_found_from_the_package() -> None:
    from mtfix.model.store import models_dir

    assert models_dir().resolve() == (ROOT / "models").resolve()


def test_review_of_a_saved_json_loads_no_model(tmp_path: Path) -> None:
    from mtfix.report import render
    from mtfix.result import Result, Signature

    saved = tmp_path / "saved.json"
    result = Result("A text.", "A text.", (), Signature("0", "m", "r", (("level", "balanced"),)))
    saved.write_text(render([result], "json"), encoding="utf-8")
    code = ("import sys; from mtfix.cli import main; rc = main(['review', sys.argv[1], '--no-color']); "
            "heavy = [m for m in ('torch', 'transformers', 'peft') if m in sys.modules]; "
            "print(rc, heavy)")
    out = subprocess.run([sys.executable, "-c", code, str(saved)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def test_old_module_paths_still_import_with_a_warning() -> None:
    from mtfix._compat import MOVED

    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = __import__(old, fromlist=["_"])
        assert module is sys.modules[new], old
        assert module.__spec__.name == new  # the real module keeps its own spec
        assert any(issubclass(w.category, DeprecationWarning) and new in str(w.message) for w in caught), old


def test_the_public_api_is_unchanged() -> None:
    import mtfix

    assert {"Config", "Corrector", "Edit", "Result", "Sentence", "SentenceResult", "Signature", "apply_edits",
            "__version__"} <= set(mtfix.__all__)
    assert json.loads(json.dumps(mtfix.__version__))


def test_each_cli_handler_is_short() -> None:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    handlers = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("cmd_")]
    assert {h.name for h in handlers} >= {"cmd_correct", "cmd_review", "cmd_check", "cmd_score", "cmd_eval",
                                           "cmd_train"}
    long = {h.name: h.end_lineno - h.lineno + 1 for h in handlers if h.end_lineno - h.lineno + 1 >= 50}
    assert not long, f"CLI handlers of 50 lines or more (move the logic into the library): {long}"

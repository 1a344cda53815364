"""The ``json`` and ``jsonl`` views and :func:`load_json`, which reads either back.

The format is documented field by field in ``docs/json-schema.md``.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from mtfix.result import SCHEMA_VERSION, Result


def _strict(value: Any) -> Any:
    """Non-finite floats become null: NaN/Infinity are not JSON and break other parsers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return value


def render_json(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """One pretty-printed document: ``{"schema", "signature", "results": [...]}``."""
    doc = {"schema": SCHEMA_VERSION,
           "signature": results[0].signature.to_dict() if results else None,
           "results": [r.to_dict() for r in results]}
    return json.dumps(_strict(doc), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def render_jsonl(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """One compact JSON object per result and line; each carries its own signature."""
    return "".join(json.dumps(_strict(r.to_dict()), ensure_ascii=False, allow_nan=False) + "\n"
                   for r in results)


def _check_schema(d: dict[str, Any], where: str) -> None:
    schema = d.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise ValueError(f"{where}: unsupported schema {schema!r} (this mtfix reads up to {SCHEMA_VERSION})")


def _results_of(value: Any, where: str) -> list[Result]:
    if isinstance(value, list):
        return [r for v in value for r in _results_of(v, where)]
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(value).__name__}")
    _check_schema(value, where)
    try:
        if "results" in value:
            return [Result.from_dict(d) for d in value["results"]]
        return [Result.from_dict(value)]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{where}: not an mtfix result ({exc!r})") from exc


def load_json(text: str) -> list[Result]:
    """Results from the output of the ``json`` or ``jsonl`` view (or a bare result object)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        pass
    else:
        return _results_of(value, "JSON")
    results: list[Result] = []
    # Split on "\n" only: str.splitlines() would also split on U+2028 etc., which
    # json.dumps(ensure_ascii=False) leaves unescaped inside strings.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {n}: not JSON ({exc.msg})") from exc
        results += _results_of(value, f"line {n}")
    return results

"""``json.dumps(value, ensure_ascii=False, indent=2)``, the same text, faster.

With an indent the standard library encodes in pure Python, a generator per
container and per value; a run manifest or a summary of a thousand departments
holds a hundred thousand values. This writes the same layout with one function
call per container and the standard library's own C string encoder for texts
(tested equal to ``json.dumps`` on random and real documents).
"""

from __future__ import annotations

import json.encoder
from typing import Any

_STRING = json.encoder.encode_basestring  # what ensure_ascii=False uses
_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:  # noqa: PLR0124 - NaN
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return str(_STRING(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(
        f"keys must be str, int, float, bool or None, not {key.__class__.__name__}"
    )


def _encode(value: Any, level: int, parts: list[str]) -> None:
    scalar = _scalar(value)
    if scalar is not None:
        parts.append(scalar)
        return
    if isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        parts.append("[" + inner)
        for index, item in enumerate(value):
            if index:
                parts.append("," + inner)
            _encode(item, level + 1, parts)
        parts.append("\n" + "  " * level + "]")
        return
    if isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = "\n" + "  " * (level + 1)
        parts.append("{" + inner)
        for index, (key, item) in enumerate(value.items()):
            if index:
                parts.append("," + inner)
            parts.append(_STRING(_key(key)) + ": ")
            _encode(item, level + 1, parts)
        parts.append("\n" + "  " * level + "}")
        return
    raise TypeError(
        f"Object of type {value.__class__.__name__} is not JSON serializable"
    )


def indented_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``."""
    parts: list[str] = []
    _encode(value, 0, parts)
    return "".join(parts)

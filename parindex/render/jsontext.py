"""``json.dumps(value, ensure_ascii=False, indent=2)``, the same text, faster.

With an indent the standard library encodes in pure Python, a generator per
container and per value; a run manifest or a summary of a thousand departments
holds a hundred thousand values. This writes the same layout with one function
call per container and the standard library's own C string encoder for texts,
and a container that holds no container (a row of a list of rows, a mapping of
keys) in one call of the standard library's C encoder, its item separator
carrying the line break and indent (tested equal to ``json.dumps`` on random and
real documents).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator
from typing import IO, Any

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


_CONTAINERS = (list, tuple, dict)


_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_DEFAULT = json.JSONEncoder().default  # raises the standard library's TypeError


def _compact(value: Any, inner: str) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=("," + inner, ": "))``:
    the standard library's C encoder made directly, without ``json.dumps``'s
    encoder object per call (most of its cost for a row of a few values)."""
    if _C_ENCODER is None:  # a Python built without the accelerator
        return json.dumps(value, ensure_ascii=False, separators=("," + inner, ": "))
    encode = _C_ENCODER(
        {}, _DEFAULT, _STRING, None, ": ", "," + inner, False, False, True
    )
    return "".join(encode(value, 0))


def _flat(value: list[Any] | tuple[Any, ...] | dict[Any, Any], level: int) -> str:
    """A non-empty container of scalars only, indented at ``level``, in one call
    of the C encoder: ``{"a": 1, "b": 2}`` with ``,\\n<indent>`` between items,
    then the line breaks after the opening and before the closing bracket."""
    inner = "\n" + "  " * (level + 1)
    text = _compact(value, inner)
    return text[0] + inner + text[1:-1] + "\n" + "  " * level + text[-1]


def _encode(value: Any, level: int, parts: list[str]) -> None:
    scalar = _scalar(value)
    if scalar is not None:
        parts.append(scalar)
        return
    if isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        if not any(isinstance(item, _CONTAINERS) for item in value):
            parts.append(_flat(value, level))
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
        if not any(isinstance(item, _CONTAINERS) for item in value.values()):
            parts.append(_flat(value, level))
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


STREAMED_DEPTH = 2
"""``iter_indented_json`` yields each value at this depth (or shallower scalar)
as one piece: a summary's department, criterion, problem or file."""


Encoder = Callable[[Any, int], str]
"""What encodes a piece: its value and its level of indentation → its text."""


def encoded_piece(value: Any, level: int) -> str:
    """A value as ``indented_json`` writes it at ``level`` of indentation."""
    parts: list[str] = []
    _encode(value, level, parts)
    return "".join(parts)


def iter_indented_json(
    value: Any, depth: int = STREAMED_DEPTH, encode: Encoder = encoded_piece
) -> Iterator[str]:
    """``indented_json(value)`` in pieces, in order: the containers down to
    ``depth`` are opened and closed here, each value below them is encoded whole
    (so a summary of 5000 departments is never one list of millions of strings,
    nor one string) by ``encode`` (which may serve the text kept for the same
    value: ``parindex.render.summary.SummaryPieces``)."""
    yield from _pieces(value, 0, depth, encode)


def _pieces(value: Any, level: int, depth: int, encode: Encoder) -> Iterator[str]:
    if level >= depth or not isinstance(value, list | tuple | dict) or not value:
        yield encode(value, level)
        return
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        yield "{" + inner
        for index, (key, item) in enumerate(value.items()):
            if index:
                yield "," + inner
            yield _STRING(_key(key)) + ": "
            yield from _pieces(item, level + 1, depth, encode)
        yield "\n" + "  " * level + "}"
        return
    yield "[" + inner
    for index, item in enumerate(value):
        if index:
            yield "," + inner
        yield from _pieces(item, level + 1, depth, encode)
    yield "\n" + "  " * level + "]"


def write_indented_json(
    value: Any, stream: IO[str], encode: Encoder = encoded_piece
) -> None:
    """Write ``indented_json(value)`` to a text stream, piece by piece (each
    encoded by ``encode``)."""
    buffered: list[str] = []
    size = 0
    for piece in iter_indented_json(value, encode=encode):
        buffered.append(piece)
        size += len(piece)
        if size >= 1 << 16:  # fewer, larger writes
            stream.write("".join(buffered))
            buffered.clear()
            size = 0
    stream.write("".join(buffered))

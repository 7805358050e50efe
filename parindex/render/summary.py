"""``summary-<year>.json``: the consolidated figures, machine-readable (SPEC schema).

``total`` and ``previous`` are the SPEC's (computed from the leaves); ``headline``
adds the figure every other output quotes (README, "Choices": one headline figure).

The JSON text of each department, criterion, problem and file (the pieces
``iter_indented_json`` yields) is kept between nights (``SummaryPieces``) under
the sha256 of the piece's pickled value: a night where one file changed encodes
the pieces whose value changed, and serves the others' text as encoded before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from parindex.analysis import AnalysedResult
from parindex.ingest.cache import (
    CACHE_FOLDER,
    code_version,
    store_pickled,
    unsealed,
)
from parindex.numbers import round2, shown_change
from parindex.render.jsontext import encoded_piece, indented_json, write_indented_json
from parindex.render.prose import headline_record


def _r(value: float | None) -> float | None:
    """Round a figure for writing (2 decimals); sums were kept at full precision."""
    if value is None:
        return None
    return _rounded(float(value))


_rounded = functools.lru_cache(maxsize=1 << 16)(round2)  # scores come back often


def summary(result: AnalysedResult) -> dict[str, Any]:
    """The summary as a JSON-ready dict, keys in the SPEC's order."""
    current = result.current
    criteria_nodes = result.criteria.filter(pl.col("is_leaf"))
    previous = None
    if result.previous_year is not None and result.previous_total is not None:
        previous = {
            "year": result.previous_year,
            "total": _r(result.previous_total),
            # nothing scored: no figure to compare (README, "Nothing scored")
            "delta": (
                _r(shown_change(current.total, result.previous_total))
                if current.scored
                else None
            ),
        }
    rank = None
    if result.rank is not None:
        rank = {"position": result.rank[0], "of": result.rank[1]}
    deductions_by_department: dict[str, list[dict[str, Any]]] = {}
    for department, code, maximum, score, lost, reason in _rows(
        current.deductions, "department", "code", "max", "score", "lost", "reason"
    ):
        deductions_by_department.setdefault(department, []).append(
            {
                "code": code,
                "max": _r(maximum),
                "score": _r(score),
                "lost": _r(lost),
                "reason": reason,
            }
        )
    return {
        "year": current.year,
        "status": current.status,
        "criteria_set": current.criteria_set.name,
        "total": _r(current.total),
        "groups": {key: _r(value) for key, value in current.groups.items()},
        "rank": rank,
        "previous": previous,
        "headline": headline_record(result.analysis.headline),
        "components": [
            {
                "code": code,
                "name": name,
                "max": _r(maximum),
                "score": _r(score),
                "previous": _r(last),
                "delta": _r(delta),
                "trend": trend,
            }
            for code, name, maximum, score, last, delta, trend in _rows(
                result.components,
                *("code", "name", "max", "score", "previous", "delta", "trend"),
            )
        ],
        "criteria": [
            {
                "code": code,
                "name": name,
                "max": _r(maximum),
                "score": _r(score),
                "self_score": _r(self_score),
                "appraised_score": _r(appraised_score),
                "group": group,
                "departments": departments,
                "reason": reason,
                "source": source,
            }
            for (
                code,
                name,
                maximum,
                score,
                self_score,
                appraised_score,
                group,
                departments,
                reason,
                source,
            ) in _rows(
                criteria_nodes,
                *("code", "name", "max", "score", "self_score", "appraised_score"),
                *("group", "departments", "reason", "source"),
            )
        ],
        "departments": [
            {
                "code": code,
                "name": name,
                "max": _r(maximum),
                "score": _r(score),
                "lost": _r(lost),
                "percent": _r(percent),
                "deductions": deductions_by_department.get(code, []),
            }
            for code, name, maximum, score, lost, percent in _rows(
                current.departments,
                *("code", "name", "max", "score", "lost", "percent"),
            )
        ],
        "missing": [
            {"code": code, "departments": departments}
            for code, departments in _rows(current.missing, "code", "departments")
        ],
        "submissions": [
            dict(zip(SUBMISSION_KEYS, row, strict=True))
            for row in _rows(result.submissions, *SUBMISSION_KEYS)
        ],
        "problems": result.problems.to_dicts(),
        "reconciliation": [
            {
                "figure": figure,
                "published": _r(published),
                "computed": _r(computed),
                "difference": _r(difference),
                "note": note,
            }
            for figure, published, computed, difference, note in _rows(
                result.reconciliation,
                *("figure", "published", "computed", "difference", "note"),
            )
        ],
    }


SUBMISSION_KEYS = (
    *("file", "sha256", "department", "status", "rows_read", "rows_used"),
    *("size", "modified", "note"),
)
"""The keys of a submission in the summary, in the SPEC's order."""


def _rows(frame: pl.DataFrame, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The values of ``columns`` in each row of ``frame``, as a tuple (polars
    makes the tuples; no dict of every column per row)."""
    return frame.select(columns).iter_rows()


def render_summary(result: AnalysedResult) -> bytes:
    """The summary as UTF-8 JSON bytes (Vietnamese kept readable, stable layout)."""
    return summary_bytes(summary(result))


def summary_bytes(document: dict[str, Any]) -> bytes:
    """``summary(result)`` as ``render_summary`` writes it (for a caller that
    already built the summary)."""
    return (indented_json(document) + "\n").encode("utf-8")


def write_summary(
    document: dict[str, Any], path: Path, pieces: SummaryPieces | None = None
) -> None:
    """Write ``summary_bytes(document)`` to ``path`` in pieces: the text of a
    summary of thousands of departments is never held whole (nor as millions of
    strings) in memory. With ``pieces``, a piece whose value was encoded last
    night is served as kept there (the same text)."""
    encode = pieces.encode if pieces is not None else encoded_piece
    with open(path, "w", encoding="utf-8", newline="") as stream:
        write_indented_json(document, stream, encode)
        stream.write("\n")


PIECES_FOLDER = "summary"
PIECES_FORMAT = b"parindex-summary-pieces 1\n"


def pieces_path(outputs: Path, year: int) -> Path:
    """Where the pieces of ``year``'s summary are kept."""
    return outputs / CACHE_FOLDER / PIECES_FOLDER / str(year)


class SummaryPieces:
    """The summary's pieces kept from the last night, and those of this night.

    A piece is served only for the value it was encoded from: its key is the
    sha256 of ``pickle.dumps((level, value))``, and equal pickles load as the
    same value, types included (``1`` and ``1.0`` and ``True`` pickle apart,
    as ``-0.0`` and ``0.0``); a value that pickles otherwise is encoded again.
    The store (``pieces_path``: a format line, the sha256 of the payload, the
    payload, as ``parindex.ingest.cache.sealed`` writes it) is used only when
    intact and written by the same code (``code_version``) and Python; it is
    safe to delete, and rewritten with the pieces of the last night only.
    """

    def __init__(self, path: Path | None, context: str) -> None:
        self.path = path
        self.context = context
        self._kept: dict[bytes, str] = _load(path, context) if path else {}
        self._used: dict[bytes, str] = {}
        self.encoded = 0
        """The pieces encoded this night (not kept)."""

    @classmethod
    def open(cls, outputs: Path, year: int) -> SummaryPieces:
        """The pieces kept in ``outputs`` for ``year``'s summary."""
        return cls(pieces_path(outputs, year), pieces_context(year))

    def encode(self, value: Any, level: int) -> str:
        """``encoded_piece(value, level)``: kept, or encoded now."""
        key = hashlib.sha256(pickle.dumps((level, value), protocol=5)).digest()
        text = self._kept.get(key)
        if text is None:
            text = encoded_piece(value, level)
            self.encoded += 1
        self._used[key] = text
        return text

    def save(self) -> None:
        """Keep this night's pieces for the next one when they differ from the
        kept ones (a failure to write is not an error: the next night encodes
        them)."""
        if self.path is None or (
            not self.encoded and len(self._used) == len(self._kept)
        ):
            return
        self._kept = {}
        store_pickled(
            self.path, PIECES_FORMAT, {"context": self.context, "pieces": self._used}
        )


def pieces_context(year: int) -> str:
    """What a kept piece's text is also a function of: parindex's code (the
    encoder) and Python (its float and string encoders)."""
    return json.dumps(
        [PIECES_FORMAT.decode().strip(), code_version(), sys.version, year]
    )


def _load(path: Path, context: str) -> dict[bytes, str]:
    """The pieces kept at ``path`` when the store is intact and ``context``'s;
    else none."""
    payload = unsealed(PIECES_FORMAT, path)
    if payload is None:
        return {}
    try:
        kept = pickle.loads(payload)  # noqa: S301 - written by SummaryPieces.save
    except Exception:  # noqa: BLE001 - a store that cannot be read is rebuilt
        return {}
    if not isinstance(kept, dict) or kept.get("context") != context:
        return {}
    pieces = kept.get("pieces")
    if not isinstance(pieces, dict) or not all(
        isinstance(k, bytes) and isinstance(v, str) for k, v in pieces.items()
    ):
        return {}
    return pieces

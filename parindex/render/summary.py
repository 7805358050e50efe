"""``summary-<year>.json``: the consolidated figures, machine-readable (SPEC schema).

``total`` and ``previous`` are the SPEC's (computed from the leaves); ``headline``
adds the figure every other output quotes (README, "Choices": one headline figure).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import polars as pl

from parindex.analysis import AnalysedResult
from parindex.numbers import round2
from parindex.render.jsontext import indented_json, write_indented_json
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
            "delta": _r(current.total - result.previous_total),
        }
    rank = None
    if result.rank is not None:
        rank = {"position": result.rank[0], "of": result.rank[1]}
    deductions_by_department: dict[str, list[dict[str, Any]]] = {}
    for row in current.deductions.iter_rows(named=True):
        deductions_by_department.setdefault(row["department"], []).append(
            {
                "code": row["code"],
                "max": _r(row["max"]),
                "score": _r(row["score"]),
                "lost": _r(row["lost"]),
                "reason": row["reason"],
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
                "code": row["code"],
                "name": row["name"],
                "max": _r(row["max"]),
                "score": _r(row["score"]),
                "previous": _r(row["previous"]),
                "delta": _r(row["delta"]),
                "trend": row["trend"],
            }
            for row in result.components.iter_rows(named=True)
        ],
        "criteria": [
            {
                "code": row["code"],
                "name": row["name"],
                "max": _r(row["max"]),
                "score": _r(row["score"]),
                "self_score": _r(row["self_score"]),
                "appraised_score": _r(row["appraised_score"]),
                "group": row["group"],
                "departments": row["departments"],
                "reason": row["reason"],
                "source": row["source"],
            }
            for row in criteria_nodes.iter_rows(named=True)
        ],
        "departments": [
            {
                "code": row["code"],
                "name": row["name"],
                "max": _r(row["max"]),
                "score": _r(row["score"]),
                "lost": _r(row["lost"]),
                "percent": _r(row["percent"]),
                "deductions": deductions_by_department.get(row["code"], []),
            }
            for row in current.departments.iter_rows(named=True)
        ],
        "missing": [
            {"code": row["code"], "departments": row["departments"]}
            for row in current.missing.iter_rows(named=True)
        ],
        "submissions": [
            {
                "file": row["file"],
                "sha256": row["sha256"],
                "department": row["department"],
                "status": row["status"],
                "rows_read": row["rows_read"],
                "rows_used": row["rows_used"],
                "size": row["size"],
                "modified": row["modified"],
                "note": row["note"],
            }
            for row in result.submissions.iter_rows(named=True)
        ],
        "problems": result.problems.to_dicts(),
        "reconciliation": [
            {
                "figure": row["figure"],
                "published": _r(row["published"]),
                "computed": _r(row["computed"]),
                "difference": _r(row["difference"]),
                "note": row["note"],
            }
            for row in result.reconciliation.iter_rows(named=True)
        ],
    }


def render_summary(result: AnalysedResult) -> bytes:
    """The summary as UTF-8 JSON bytes (Vietnamese kept readable, stable layout)."""
    return summary_bytes(summary(result))


def summary_bytes(document: dict[str, Any]) -> bytes:
    """``summary(result)`` as ``render_summary`` writes it (for a caller that
    already built the summary)."""
    return (indented_json(document) + "\n").encode("utf-8")


def write_summary(document: dict[str, Any], path: Path) -> None:
    """Write ``summary_bytes(document)`` to ``path`` in pieces: the text of a
    summary of thousands of departments is never held whole (nor as millions of
    strings) in memory."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        write_indented_json(document, stream)
        stream.write("\n")

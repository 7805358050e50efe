"""What one department's feedback workbook is made from, and a key over exactly that.

A department's workbook shows nothing beyond ``department_view(result, code)``: the
result cut down to the rows that name the department (its leaves, its row of the
department tables, its deductions, problems and files, and the previous year's rows
of the same leaves), with the whole-year figures it does not show left out (the
totals are NaN). Analysed and rendered from the view alone, every workbook of the
sample is byte-identical to the one rendered from the whole result (tested), so: ``department_keys`` hashes the same rows (a superset of
them, row by row) and the few whole-year facts the view keeps (year, status,
criteria sets), so a department whose key did not change since the last run has
the same workbook, and only the departments a change touches are rendered again.
A leaf shared by several departments is in each of their views: a new score from
the lead department renders every department that shares the leaf.
"""

from __future__ import annotations

import array
import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import polars as pl

from parindex.consolidate import Result, YearResult
from parindex.criteria import DIGEST_LOCK

# two 64-bit row hashes (polars' hash_rows, two fixed seeds): 128 bits a row; they
# are stable for one polars version, which is part of every key
_SEEDS = (0x5EED1, 0xA11CE)


def _contains(column: str, code: str) -> pl.Expr:
    return pl.col(column).list.contains(pl.lit(code)).fill_null(False)


def _year_view(
    year: YearResult, code: str, codes: Iterable[str] | None = None
) -> YearResult:
    """``year`` cut down to ``code``'s rows; ``codes``: leaves also kept (the
    previous year's rows of the leaves the department has this year)."""
    wanted = _contains("departments", code)
    if codes is not None:
        wanted = wanted | pl.col("code").is_in(list(codes))
    return replace(
        year,
        total=math.nan,
        groups={},
        nodes=year.nodes.filter(pl.col("is_leaf") & wanted),
        departments=year.departments.filter(pl.col("code") == code),
        deductions=year.deductions.filter(pl.col("department") == code),
        missing=year.missing.filter(_contains("departments", code)),
    )


def department_view(result: Result, code: str) -> Result:
    """The part of ``result`` that ``code``'s feedback workbook shows."""
    criteria = result.criteria.filter(_contains("departments", code))
    previous = (
        _year_view(result.previous, code, criteria["code"].to_list())
        if result.previous is not None
        else None
    )
    return replace(
        result,
        current=_year_view(result.current, code),
        previous=previous,
        previous_total=None,
        components=result.components.clear(),
        criteria=criteria,
        rank=None,
        history=result.history.clear(),
        reconciliation=result.reconciliation.clear(),
        submissions=result.submissions.filter(pl.col("department") == code),
        problems=result.problems.filter(pl.col("department") == code),
    )


def _row_hashes(
    frame: pl.DataFrame, key: str, exploded: bool, owners: pl.Series | None = None
) -> dict[str, bytes]:
    """Per department, the 128-bit hashes of its rows, in row order. A row belongs
    to the department(s) in column ``key`` (a list of them when ``exploded``), or in
    ``owners`` when given (a list per row; not hashed)."""
    if frame.is_empty():
        return {}
    departments = owners if owners is not None else frame[key]
    hashed = pl.DataFrame(
        {
            "_department": departments,
            "_h0": frame.hash_rows(seed=_SEEDS[0]),
            "_h1": frame.hash_rows(seed=_SEEDS[1]),
        }
    )
    if exploded:
        hashed = hashed.explode("_department")
    grouped = (
        hashed.filter(pl.col("_department").is_not_null())
        .group_by("_department", maintain_order=True)
        .agg("_h0", "_h1")
    )
    # per department, its rows' first hashes, then their second ones (machine
    # order): as many bytes as before, in one C loop per list
    return {
        department: array.array("Q", first).tobytes()
        + array.array("Q", second).tobytes()
        for department, first, second in grouped.iter_rows()
    }


def _year_hashes(
    year: YearResult, criteria: pl.DataFrame | None
) -> list[dict[str, bytes]]:
    leaves = year.nodes.filter(pl.col("is_leaf"))
    found = [
        _row_hashes(leaves, "departments", exploded=True),
        _row_hashes(year.departments, "code", exploded=False),
        _row_hashes(year.deductions, "department", exploded=False),
        _row_hashes(year.missing, "departments", exploded=True),
    ]
    if criteria is not None:
        # the previous year's rows of the leaves each department has this year
        owners = criteria.filter(pl.col("departments").is_not_null()).select(
            "code", pl.col("departments").alias("_owners")
        )
        joined = leaves.join(owners, on="code", how="inner", maintain_order="left")
        found.append(
            _row_hashes(
                joined.drop("_owners"), "", exploded=True, owners=joined["_owners"]
            )
        )
    return found


def department_keys(
    result: Result, created: dict[str, str], static: object
) -> dict[str, str]:
    """A sha256 per department over what ``department_view`` keeps for it, its
    workbook's creation date (``created``: ISO text per code) and ``static`` (the
    code's and libraries' versions: anything else the workbook is a function of)."""
    with DIGEST_LOCK:
        return _department_keys(result, created, static)


def _department_keys(
    result: Result, created: dict[str, str], static: object
) -> dict[str, str]:
    current, previous = result.current, result.previous
    head = [
        static,
        result.year,
        current.status,
        current.criteria_set.digest,
        result.previous_year,
    ]
    if previous is not None:
        head += [
            previous.year,
            previous.status,
            previous.criteria_set.digest,
        ]
    tables = [
        _row_hashes(result.criteria, "departments", exploded=True),
        _row_hashes(result.submissions, "department", exploded=False),
        _row_hashes(result.problems, "department", exploded=False),
        *_year_hashes(current, None),
    ]
    if previous is not None:
        tables += _year_hashes(previous, result.criteria)
    shared = json.dumps(head, ensure_ascii=False, default=str).encode()
    keys = {}
    for code, moment in created.items():
        digest = hashlib.sha256(shared)
        digest.update(moment.encode())
        for table in tables:
            rows = table.get(code, b"")
            digest.update(len(rows).to_bytes(8, "little"))
            digest.update(rows)
        keys[code] = digest.hexdigest()
    return keys


def update_digest(digest: Any, value: object) -> None:
    """Feed ``value`` (dataclasses, frames, mappings, sequences, scalars) into
    ``digest`` by what it holds: equal values give equal digests however their
    frames are laid out in memory (chunks, string buffers), which pickling does not
    promise. A frame is its schema, its height and two 64-bit hashes per row."""
    if isinstance(value, pl.DataFrame):
        digest.update(f"frame {value.height} {value.schema}".encode())
        if value.height:
            for seed in _SEEDS:
                hashes = value.hash_rows(seed=seed).to_list()  # no numpy needed
                digest.update(array.array("Q", hashes).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"dataclass {type(value).__qualname__}".encode())
        for item in dataclasses.fields(value):
            digest.update(f"field {item.name}".encode())
            update_digest(digest, getattr(value, item.name))
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}".encode())
        for key, item in value.items():
            update_digest(digest, key)
            update_digest(digest, item)
    elif isinstance(value, list | tuple):
        digest.update(f"{type(value).__name__} {len(value)}".encode())
        for item in value:
            update_digest(digest, item)
    elif value is None or isinstance(value, str | int | float | bool):
        digest.update(f"{type(value).__name__} {value!r}".encode())
    else:
        raise TypeError(f"cannot digest a {type(value).__qualname__}")

"""The feedback workbook of one department: ``departments/<CODE>-<year>.xlsx``.

Sheets: ``Tổng quan`` (its figures this year and last), ``Bị trừ điểm`` (the same
table as its sheet in the scorecard), ``Tiêu chí phụ trách`` (every leaf it is
responsible for) and ``Kiểm tra`` (the problems of its files).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from xlsxwriter.worksheet import Worksheet

from parindex.consolidate import Result
from parindex.render.scorecard import (
    DEDUCTION_COLUMNS,
    DEDUCTION_SUMS,
    STATUS_LABELS,
    TOTAL_LABEL,
    column_sums,
    criterion_row,
    department_row,
    department_summary,
    lost_style,
    write_deductions,
    write_problems,
)
from parindex.render.xlsx import (
    Column,
    Formats,
    Row,
    add_sheet,
    new_workbook,
    write_line,
    write_table,
)

OVERVIEW_SHEET = "Tổng quan"
DEDUCTIONS_SHEET = "Bị trừ điểm"
LEAVES_SHEET = "Tiêu chí phụ trách"
PROBLEMS_SHEET = "Kiểm tra"
UNKNOWN_DEPARTMENT = "Bộ chỉ số không có đơn vị “{department}”."

LEAF_COLUMNS = (*DEDUCTION_COLUMNS, Column("Ghi chú", "note"))
OVERVIEW_FIGURES = (
    ("Điểm tối đa", "max"),
    ("Điểm đạt", "score"),
    ("Điểm bị trừ", "lost"),
    ("Tỷ lệ đạt (%)", "percent"),
    ("Số tiêu chí phụ trách", "leaves"),
    ("Số tiêu chí đã chấm", "scored"),
    ("Số tiêu chí bị trừ điểm", "deductions"),
)
COUNTED = {"leaves", "scored", "deductions"}


def render_department(
    result: Result, department: str, path: Path, created: datetime
) -> None:
    """Write the feedback workbook of ``department`` for ``result.year``.

    Args:
        result: the consolidated year.
        department: the department code (``NV``, ``VP``…).
        path: the ``.xlsx`` file to write.
        created: the creation date stored in the workbook (fixed in tests).

    Raises:
        ValueError: the criteria set has no such department.
    """
    record = department_row(result, department)
    if record is None:
        raise ValueError(UNKNOWN_DEPARTMENT.format(department=department))
    workbook = new_workbook(
        path, created, f"Chỉ số CCHC năm {result.year} – {record['name']}"
    )
    formats = Formats(workbook)
    write_overview(add_sheet(workbook, OVERVIEW_SHEET), formats, result, department)
    write_deductions(add_sheet(workbook, DEDUCTIONS_SHEET), formats, result, department)
    write_leaves(add_sheet(workbook, LEAVES_SHEET), formats, result, department)
    problems = result.problems.filter(pl.col("department") == department)
    write_problems(add_sheet(workbook, PROBLEMS_SHEET), formats, result, problems)
    workbook.close()


def write_overview(
    worksheet: Worksheet, formats: Formats, result: Result, department: str
) -> None:
    """The department's figures this year and, when known, last year, with the change."""
    current = department_row(result, department)
    assert current is not None
    previous = department_row(result, department, previous=True)
    row = write_line(
        worksheet,
        0,
        f"Kết quả Chỉ số CCHC năm {result.year} – {current['name']}",
        formats.title,
    )
    row = write_line(worksheet, row, result.current.criteria_set.name)
    status = STATUS_LABELS.get(result.current.status, result.current.status)
    row = write_line(worksheet, row, f"Trạng thái số liệu: {status}")
    row = write_line(
        worksheet,
        row,
        department_summary(current, f"Năm {result.year}, tổng các tiêu chí phụ trách"),
        formats.get("line", bold=True),
    )
    if previous is not None and result.previous is not None:
        row = write_line(
            worksheet,
            row,
            department_summary(previous, f"Năm {result.previous.year}"),
        )
    columns = [
        Column("Chỉ tiêu", "figure"),
        Column(f"Năm {result.year}", "current", "number"),
    ]
    if previous is not None and result.previous is not None:
        columns += [
            Column(f"Năm {result.previous.year}", "previous", "number"),
            Column("Tăng/giảm", "change", "number"),
        ]
    current = {**current, "deductions": _deduction_count(result, department)}
    if previous is not None and result.previous is not None:
        previous = {
            **previous,
            "deductions": _deduction_count(result, department, previous=True),
        }
    rows = [
        _figure_row(label, key, current, previous) for label, key in OVERVIEW_FIGURES
    ]
    write_table(
        worksheet, formats, row + 1, columns, rows, style=_count_style, main=False
    )


def _figure_row(
    label: str, key: str, current: Row, previous: Row | None
) -> dict[str, Any]:
    now = current.get(key)
    before = previous.get(key) if previous is not None else None
    change = now - before if now is not None and before is not None else None
    return {
        "figure": label,
        "key": key,
        "current": now,
        "previous": before,
        "change": change,
    }


def _count_style(record: Row, _key: str) -> dict[str, Any] | None:
    return {"num_format": "0"} if record.get("key") in COUNTED else None


def _deduction_count(result: Result, department: str, previous: bool = False) -> int:
    year_result = result.previous if previous else result.current
    assert year_result is not None
    return year_result.deductions.filter(pl.col("department") == department).height


def write_leaves(
    worksheet: Worksheet, formats: Formats, result: Result, department: str
) -> None:
    """Every leaf ``department`` is responsible for, with its scores and reason."""
    write_line(worksheet, 0, f"Các tiêu chí phụ trách năm {result.year}", formats.title)
    leaves = result.criteria.filter(
        pl.col("is_leaf") & pl.col("departments").list.contains(department)
    )
    rows = [criterion_row(r) for r in leaves.iter_rows(named=True)]
    total = {**column_sums(rows, DEDUCTION_SUMS), "code": TOTAL_LABEL}
    write_table(
        worksheet, formats, 2, LEAF_COLUMNS, rows, style=lost_style, total=total
    )

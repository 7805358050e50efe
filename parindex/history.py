"""The published results of earlier years (``inputs/history.xlsx``, optional)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex.ingest.safety import read_sheets_safely
from parindex.problems import problem
from parindex.text import fold, normalise_code, parse_number
from parindex.workbook import (
    CellValue,
    Sheet,
    UnreadableWorkbook,
    cell_text,
    find_table,
)

HISTORY_FILE = "history.xlsx"
"""The published results of earlier years, in the inputs folder."""

RESULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Năm",),
    "appraisal": ("Điểm thẩm định",),
    "survey": ("Điểm điều tra", "Điểm điều tra XHH"),
    "socioeconomic": ("Điểm tác động KT-XH", "Điểm tác động"),
    "sipas": ("Điểm SIPAS",),
    "total": ("Tổng điểm",),
    "rank": ("Xếp hạng",),
    "units": ("Số đơn vị",),
}
COMPONENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Năm",),
    "code": ("Mã", "Mã tiêu chí", "TT"),
    "score": ("Điểm", "Điểm đạt"),
}
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "appraisal": pl.Float64(),
    "survey": pl.Float64(),
    "socioeconomic": pl.Float64(),
    "sipas": pl.Float64(),
    "total": pl.Float64(),
    "rank": pl.Int64(),
    "units": pl.Int64(),
}
COMPONENT_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "code": pl.String(),
    "score": pl.Float64(),
}
HISTORY_UNREADABLE = "Không đọc được tệp kết quả các năm trước “{file}”: bỏ qua."
HISTORY_NO_TABLE = (
    "Tệp kết quả các năm trước “{file}” không có sheet “Kết quả” với cột “Năm”."
)


@dataclass(frozen=True)
class History:
    """Published figures: ``results`` per year (``RESULT_SCHEMA``) and optionally
    ``components`` per year and component code (``COMPONENT_SCHEMA``)."""

    results: pl.DataFrame
    components: pl.DataFrame

    def result(self, year: int) -> dict[str, Any] | None:
        """The published headline row of ``year``, or None."""
        rows = self.results.filter(pl.col("year") == year)
        return rows.row(0, named=True) if rows.height else None


def empty_history() -> History:
    """History with no year."""
    return History(
        pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=COMPONENT_SCHEMA)
    )


def _number(value: CellValue) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_number(cell_text(value))


def _rows(
    sheets: list[Sheet], name: str, columns: dict[str, tuple[str, ...]]
) -> list[dict[str, CellValue]]:
    preferred = [s for s in sheets if fold(s.name) == fold(name)]
    table = find_table(preferred, columns, required="year")
    if table is None:
        return []
    return [
        {column: table.value(r, column) for column in columns}
        for r in range(table.data_row, len(table.sheet.cells))
    ]


def read_history(path: Path) -> tuple[History, list[dict[str, str | None]]]:
    """Read the history workbook; a missing file is an empty history.

    Returns the history and the problems (warnings: history never stops a run).
    """
    if not path.exists():
        return empty_history(), []
    try:
        sheets = read_sheets_safely(path)
    except UnreadableWorkbook:
        return empty_history(), [
            problem(
                "warning", HISTORY_UNREADABLE.format(file=path.name), file=path.name
            )
        ]
    results = []
    for row in _rows(sheets, "Kết quả", RESULT_COLUMNS):
        year = _number(row["year"])
        if year is None or not year.is_integer():
            continue
        record: dict[str, object] = {"year": int(year)}
        for column in ("appraisal", "survey", "socioeconomic", "sipas", "total"):
            record[column] = _number(row[column])
        for column in ("rank", "units"):
            value = _number(row[column])
            record[column] = int(value) if value is not None else None
        results.append(record)
    if not results:
        return empty_history(), [
            problem("warning", HISTORY_NO_TABLE.format(file=path.name), file=path.name)
        ]
    components = []
    for row in _rows(sheets, "Chỉ số thành phần", COMPONENT_COLUMNS):
        year = _number(row["year"])
        code = normalise_code(cell_text(row["code"]))
        score = _number(row["score"])
        if year is not None and code is not None and score is not None:
            components.append({"year": int(year), "code": code, "score": score})
    return (
        History(
            pl.DataFrame(results, schema=RESULT_SCHEMA).sort("year"),
            pl.DataFrame(components, schema=COMPONENT_SCHEMA),
        ),
        [],
    )

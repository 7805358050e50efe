"""Turn a located table into rows: file, sheet, cells, code, scores, reason."""

from __future__ import annotations

import math

import polars as pl

from parindex.text import fold, normalise_code, parse_number
from parindex.workbook import CellValue, Table, cell_ref, cell_text

NOT_SCORED = frozenset({"", "-", "–", "—", "x", "X"})

ROW_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "department": pl.String(),
    "raw_code": pl.String(),
    "code": pl.String(),
    "code_numeric": pl.Boolean(),
    "self_raw": pl.String(),
    "self_score": pl.Float64(),
    "appraised_raw": pl.String(),
    "appraised_score": pl.Float64(),
    "stated_max": pl.Float64(),
    "reason": pl.String(),
    "evidence": pl.String(),
    "code_cell": pl.String(),
    "self_cell": pl.String(),
    "appraised_cell": pl.String(),
    "max_cell": pl.String(),
    "formula_cell": pl.String(),
    "total_label": pl.String(),
}
# Labels of a grand-total row (folded), in the code or the name column.
TOTAL_LABELS = frozenset(
    {"tong", "tong cong", "tong so", "tong diem", "tong so diem", "cong", "total"}
)
_FORMULA_FIELDS = ("code", "self", "appraised")


def _parse_score(value: CellValue) -> tuple[str | None, float | None]:
    """(raw text, number) of a score cell; (None, None) when it is not scored.

    Numbers pass through (not infinities or NaN); text is parsed with a decimal
    comma or point; text that is not a number keeps its raw text and no number, so
    validation reports it.
    """
    if isinstance(value, bool):
        return cell_text(value), None
    if isinstance(value, int | float):
        number = float(value)
        return cell_text(value), number if math.isfinite(number) else None
    text = cell_text(value)
    if text in NOT_SCORED:
        return None, None
    return text, parse_number(text)


def _parse_code(value: CellValue) -> tuple[str, str | None, bool]:
    """(raw text, normalised code or None, stored as a number?)."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    raw = cell_text(value)
    return raw, normalise_code(raw), numeric


def _total_label(table: Table, row: int) -> str | None:
    """The label of a grand-total row (``Tổng cộng``) in the code or name cell."""
    for column in ("code", "name"):
        text = cell_text(table.value(row, column))
        if text and fold(text).rstrip(":").strip() in TOTAL_LABELS:
            return text
    return None


def normalise_rows(table: Table, file: str, department: str | None) -> pl.DataFrame:
    """Every row below the header that has a code or a score, as a frame.

    Args:
        table: the located table of one submission.
        file: the file's name as shown to users (``2023/phong-noi-vu.xlsx``).
        department: the department the file belongs to.

    Returns:
        Rows with the schema ``ROW_SCHEMA``; blank rows, notes and signatures (no
        code and no number in a score column) are skipped; a grand-total row
        (``Tổng cộng``) has its label in ``total_label``. Scores are floats,
        ``"0,5"`` → 0.5, ``"-"`` → null. ``formula_cell`` names the first of the
        code and score cells that is a formula without a computed value.
    """
    columns: dict[str, list[object]] = {name: [] for name in ROW_SCHEMA}
    has_self = "self" in table.columns
    has_appraised = "appraised" in table.columns
    has_max = "max" in table.columns
    for r in range(table.data_row, len(table.sheet.cells)):
        raw_code, code, numeric = _parse_code(table.value(r, "code"))
        self_raw, self_score = (
            _parse_score(table.value(r, "self")) if has_self else (None, None)
        )
        appraised_raw, appraised_score = (
            _parse_score(table.value(r, "appraised")) if has_appraised else (None, None)
        )
        formula = next((f for f in _FORMULA_FIELDS if table.uncalculated(r, f)), None)
        total_label = None
        if code is None and formula is None:
            if self_score is None and appraised_score is None:
                continue  # blank, or only text: a note, a signature
            total_label = _total_label(table, r)
        stated = _parse_score(table.value(r, "max"))[1] if has_max else None
        values = (
            file,
            table.sheet.name,
            r,
            department,
            raw_code or None,
            code,
            numeric,
            self_raw,
            self_score,
            appraised_raw,
            appraised_score,
            stated,
            cell_text(table.value(r, "reason")) or None,
            cell_text(table.value(r, "evidence")) or None,
            table.cell(r, "code"),
            table.cell(r, "self"),
            table.cell(r, "appraised"),
            table.cell(r, "max"),
            table.cell(r, formula) if formula else None,
            total_label,
        )
        for name, value in zip(ROW_SCHEMA, values, strict=True):
            columns[name].append(value)
    return pl.DataFrame(columns, schema=ROW_SCHEMA)


def empty_rows() -> pl.DataFrame:
    """A rows frame with no rows."""
    return pl.DataFrame(schema=ROW_SCHEMA)


__all__ = ["ROW_SCHEMA", "cell_ref", "empty_rows", "normalise_rows"]

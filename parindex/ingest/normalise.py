"""Turn a located table into rows: file, sheet, cells, code, scores, reason."""

from __future__ import annotations

import math

import polars as pl

from parindex.text import fold, normalise_code, parse_number
from parindex.workbook import MAX_COLUMNS, CellValue, Table, cell_text, column_letter

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
_NONE: tuple[str | None, float | None] = (None, None)
# The columns gathered row by row; cell references are computed as whole columns.
_GATHERED_SCHEMA: dict[str, pl.DataType] = {
    **{
        name: ROW_SCHEMA[name]
        for name in (
            "row",
            "raw_code",
            "code",
            "code_numeric",
            "self_raw",
            "self_score",
            "appraised_raw",
            "appraised_score",
            "stated_max",
            "reason",
            "evidence",
            "formula_cell",
            "total_label",
            "file",
            "sheet",
            "department",
        )
    },
    **{f"{field}_at": pl.Int64() for field in ("code", "self", "appraised", "max")},
}
_GATHERED = tuple(_GATHERED_SCHEMA)


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


def _text_or_none(value: CellValue) -> str | None:
    """A text cell's text, None when empty."""
    return (cell_text(value) or None) if value != "" else None


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


class RowsBuilder:
    """Rows of many tables gathered as plain lists, made into one frame at the end.

    Building one polars frame per file costs more than parsing the file's rows, so
    ``collect`` adds every table here and calls ``frame()`` once.
    """

    def __init__(self) -> None:
        self._columns: dict[str, list[object]] = {name: [] for name in _GATHERED}

    def add(self, table: Table, file: str, department: str | None) -> None:
        """Add the rows of one table (see ``normalise_rows``)."""
        index = table.columns
        code_at, self_at, appraised_at = (
            index["code"],
            index.get("self"),
            index.get("appraised"),
        )
        max_at, reason_at, evidence_at = (
            index.get("max"),
            index.get("reason"),
            index.get("evidence"),
        )
        formulas = table.sheet.uncalculated
        constant = (
            file,
            table.sheet.name,
            department,
            code_at,
            self_at,
            appraised_at,
            max_at,
        )
        columns = [self._columns[name] for name in _GATHERED]
        wanted = [
            i
            for i in (code_at, self_at, appraised_at, max_at, reason_at, evidence_at)
            if i is not None
        ]
        reach = max(wanted) + 1
        for r in range(table.data_row, len(table.sheet.cells)):
            cells = table.sheet.cells[r]
            if (
                len(cells) < reach
            ):  # a short row: pad it once rather than test each cell
                cells = [*cells, *[""] * (reach - len(cells))]
            code_value = cells[code_at]
            self_value = cells[self_at] if self_at is not None else ""
            appraised_value = cells[appraised_at] if appraised_at is not None else ""
            formula = (
                next((f for f in _FORMULA_FIELDS if table.uncalculated(r, f)), None)
                if formulas
                else None
            )
            if code_value == "" and self_value == "" and appraised_value == "":
                if not formula:
                    continue  # blank in every cell that matters
            raw_code, code, numeric = _parse_code(code_value)
            self_raw, self_score = (
                _parse_score(self_value) if self_at is not None else _NONE
            )
            appraised_raw, appraised_score = (
                _parse_score(appraised_value) if appraised_at is not None else _NONE
            )
            total_label = None
            if code is None and formula is None:
                if self_score is None and appraised_score is None:
                    continue  # only text: a note, a signature
                total_label = _total_label(table, r)
            values = (
                r,
                raw_code or None,
                code,
                numeric,
                self_raw,
                self_score,
                appraised_raw,
                appraised_score,
                _parse_score(cells[max_at])[1] if max_at is not None else None,
                _text_or_none(cells[reason_at]) if reason_at is not None else None,
                _text_or_none(cells[evidence_at]) if evidence_at is not None else None,
                table.cell(r, formula) if formula else None,
                total_label,
                *constant,
            )
            for column, value in zip(columns, values, strict=True):
                column.append(value)

    def frame(self) -> pl.DataFrame:
        """Every row added so far, with the schema ``ROW_SCHEMA``."""
        frame = pl.DataFrame(self._columns, schema=_GATHERED_SCHEMA)
        row_number = (pl.col("row") + 1).cast(pl.String)
        return frame.with_columns(
            **{
                f"{field}_cell": _letters(pl.col(f"{field}_at")) + row_number
                for field in ("code", "self", "appraised", "max")
            }
        ).select(list(ROW_SCHEMA))


def _letters(column: pl.Expr) -> pl.Expr:
    """A1 letters of 0-based column numbers (null stays null)."""
    mapping = {i: column_letter(i) for i in range(MAX_COLUMNS + 1)}
    return column.replace_strict(mapping, default=None, return_dtype=pl.String)


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
    builder = RowsBuilder()
    builder.add(table, file, department)
    return builder.frame()


def empty_rows() -> pl.DataFrame:
    """A rows frame with no rows."""
    return pl.DataFrame(schema=ROW_SCHEMA)


__all__ = ["ROW_SCHEMA", "empty_rows", "normalise_rows"]

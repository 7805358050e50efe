"""A department's workbook with a second sheet holding part of its form with the
same scores ("Bản in": component 1 only; "Tổng hợp": the leaves without the
subtotal rows; a print copy whose subtotal differs): the whole file was set
aside, "… chấm cùng tiêu chí với điểm khác nhau", all 24 of NV's criteria lost
(blind round 23B, F5). A sheet whose criteria are all another form's, with the
same scores, is part of that form: only the form is read, said."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages, pipeline

NV = "2023/phong-noi-vu.xlsx"


def _copy(inputs: Path, keep: object, subtotal: float | None = None) -> None:
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book["Chấm điểm"])
    copy.title = "Bản in"
    for row in range(copy.max_row, 7, -1):
        if not keep(row, copy.cell(row, 1).value):  # type: ignore[operator]
            copy.delete_rows(row)
    if subtotal is not None:
        copy["E8"] = subtotal
    book.save(path)


def _read_once(inputs: Path) -> None:
    """NV's file used, read from its form alone, the part said on its sheet."""
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[NV] == "used"
    said = ingested.problems.filter(
        (pl.col("file") == NV) & (pl.col("sheet") == "Bản in")
    )
    assert said.select("severity", "message").rows() == [
        (
            "warning",
            messages.SHEET_PART_OF.format(sheet="Bản in", first="Chấm điểm"),
        )
    ]
    nv = ingested.rows.filter(pl.col("department") == "NV")
    assert set(nv["sheet"].to_list()) == {"Chấm điểm"}


@pytest.mark.parametrize(
    ("keep", "subtotal"),
    [
        (lambda row, code: row < 19, None),  # component 1 only
        (lambda row, code: code is not None and "." in str(code), None),  # leaves
        (lambda row, code: True, 7.0),  # a print copy, its subtotal E8 not mended
    ],
)
def test_a_sheet_holding_part_of_the_form_is_read_once(
    inputs: Path, keep: object, subtotal: float | None
) -> None:
    _copy(inputs, keep, subtotal)
    _read_once(inputs)


def _summary(inputs: Path, *, drop: str | None, total: str | None, first: bool) -> None:
    """A summary sheet of NV's leaves: the score column ``drop`` (D or E)
    left out (a pivot table of one score), a grand-total row labelled
    ``total`` under it, placed ``first`` or after the form."""
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book["Chấm điểm"])
    copy.title = "Bản in"
    for row in range(copy.max_row, 7, -1):
        if "." not in str(copy.cell(row, 1).value or ""):
            copy.delete_rows(row)
    if total is not None:
        last = copy.max_row + 1
        copy.cell(last, 1, total)
        copy.cell(last, 4, 23.5)
        copy.cell(last, 5, 26.79)
    if drop is not None:
        copy.delete_cols(openpyxl.utils.column_index_from_string(drop))
    if first:
        book.move_sheet(copy, offset=-len(book.sheetnames) + 1)
    book.save(path)


@pytest.mark.parametrize(
    ("drop", "total", "first"),
    [
        ("D", None, False),  # the appraisal alone
        ("E", None, False),  # the self score alone
        (None, "Grand Total", False),
        (None, "Tổng cộng", False),
        ("D", "Tổng Cuối", False),
        ("D", None, True),  # the summary before the form
    ],
)
def test_a_summary_of_one_score_or_with_a_total_row_is_read_once(
    inputs: Path, drop: str | None, total: str | None, first: bool
) -> None:
    """A pivot table of the appraisal ("Sum of Điểm thẩm định"), or a summary
    with a "Grand Total" row: NV's file was set aside, "… điểm khác nhau"
    (blind round 24B, finding 1)."""
    _summary(inputs, drop=drop, total=total, first=first)
    _read_once(inputs)

"""A grand-total row (`Tổng cộng`) whose formulas carry no computed value (a
form made by Google Sheets or a library): an error on its first cell set the
night "CÓ LỖI" for a row never added up, and its other cell was not named
(blind round 24B, finding 5). Subtotal rows of the same kind say nothing: the
figures come from the leaves. The total row now says nothing either."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline

NV = "2023/phong-noi-vu.xlsx"


def test_a_total_row_formula_without_a_value_is_no_error(inputs: Path) -> None:
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    last = sheet.max_row
    sheet.cell(last + 1, 1, "Tổng cộng")
    sheet.cell(last + 1, 4, f"=SUM(D8:D{last})")
    sheet.cell(last + 1, 5, f"=SUM(E8:E{last})")
    book.save(path)  # openpyxl stores no computed value
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    said = ingested.problems.filter(pl.col("file") == NV)
    assert said.filter(pl.col("severity") == "error").height == 0, said.rows()
    assert dict(ingested.submissions.select("file", "status").rows())[NV] == "used"
    nv = ingested.rows.filter(pl.col("department") == "NV")
    assert round(float(nv["appraised_score"].sum() or 0), 2) == 26.79

"""Two departments' forms in one workbook (one sheet each, each with its
``Đơn vị`` line), both scoring the criterion they share (1.2.1: NV and TCKH):
each form scores it for its own department, as two files would. It was "Mã tiêu
chí 1.2.1 xuất hiện nhiều lần trong tệp": both rows set aside, the criterion
unscored and the year provisional (79.24 where the same forms as two files give
79.74)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline
from tests.builders import copy_sheet


def _shared_scored(path: Path, score: float) -> None:
    book = openpyxl.load_workbook(path)
    for row in book.active.iter_rows():
        if str(row[0].value).strip() == "1.2.1":
            row[4].value = score  # Điểm thẩm định
    book.save(path)


def _result(inputs: Path) -> pipeline.AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(
        criteria, ingested, None, *pipeline.load_history(inputs)
    )


def test_a_shared_criterion_on_two_departments_sheets_of_one_workbook(
    inputs: Path,
) -> None:
    folder = inputs / "2023"
    nv, tckh = folder / "phong-noi-vu.xlsx", folder / "phong-tai-chinh-ke-hoach.xlsx"
    _shared_scored(nv, 0.5)
    _shared_scored(tckh, 0.5)
    apart = _result(inputs)  # the control: two files
    assert round(apart.current.total, 2) == 79.74
    book = openpyxl.load_workbook(nv)
    book.active.title = "NV"
    copy_sheet(book, tckh, "TCKH")
    book.save(folder / "nv-va-tckh.xlsx")
    nv.unlink()
    tckh.unlink()
    together = _result(inputs)
    assert together.problems.filter(
        pl.col("message").str.contains("xuất hiện nhiều lần")
    ).is_empty()
    assert round(together.current.total, 2) == 79.74
    assert together.problems.filter(pl.col("severity") == "error").is_empty()

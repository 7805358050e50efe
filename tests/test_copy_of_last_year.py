"""Last year's file sent again into this year's folder, byte for byte, with no
`Năm` line of its own: it was read as this year's without a word (blind round
23B, left; re-check 23C). It is still the folder's year (README, Folder shape),
but a warning now names last year's twin."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import messages, pipeline

NV_2022 = "2022/phong-noi-vu.xlsx"


def _without_year_line(inputs: Path) -> None:
    path = inputs / NV_2022
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows(max_row=8):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("Năm"):
                cell.value = None
    book.save(path)


def _ingested(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


def test_a_byte_copy_of_last_years_file_is_said(inputs: Path) -> None:
    _without_year_line(inputs)
    copy = inputs / "2023" / "phong-noi-vu-moi.xlsx"
    shutil.copy2(inputs / NV_2022, copy)
    later = (inputs / "2023" / "phong-noi-vu.xlsx").stat().st_mtime + 60
    os.utime(copy, (later, later))
    ingested = _ingested(inputs)
    said = ingested.problems.filter(pl.col("file") == "2023/phong-noi-vu-moi.xlsx")
    assert (
        "warning",
        "NV",
        messages.FILE_SAME_AS_LAST_YEAR.format(previous=NV_2022, year=2023),
    ) in said.select("severity", "department", "message").rows()
    status = dict(ingested.submissions.select("file", "status").rows())
    assert status["2023/phong-noi-vu-moi.xlsx"] == "used"


def test_this_years_files_unlike_last_years_say_nothing(inputs: Path) -> None:
    ingested = _ingested(inputs)
    said = ingested.problems.filter(
        pl.col("message").str.contains("giống hệt", literal=True)
    )
    assert said.height == 0

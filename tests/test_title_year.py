"""Last year's form sent again into this year's folder, its title "BẢNG … NĂM
2022" and no `Năm` line: it was used as this year's, status final, without a
word (blind round 23B, F2). A form without a year of its own is the folder's
year (README, Folder shape); a title stating another year is now said, naming
its cell."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import messages, pipeline

NV = "2023/phong-noi-vu.xlsx"


def _retitled(inputs: Path, title: str | None, year_line: str | None) -> None:
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["A3"] = title
    sheet["A5"] = year_line
    book.save(path)


def _said(inputs: Path) -> list[tuple[str | None, ...]]:
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    said = ingested.problems.filter(pl.col("file") == NV)
    return said.select("severity", "cell", "message").rows()


TITLE = "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022"


def test_a_title_of_another_year_without_a_year_line_is_said(inputs: Path) -> None:
    _retitled(inputs, TITLE, None)
    assert _said(inputs) == [
        (
            "warning",
            "A3",
            messages.TITLE_STATES_OTHER_YEAR.format(
                cell="A3", named=2022, text=TITLE, year=2023
            ),
        )
    ]


def test_a_title_of_the_year_or_a_year_line_says_nothing(inputs: Path) -> None:
    _retitled(inputs, TITLE.replace("2022", "2023"), None)
    assert _said(inputs) == []
    _retitled(inputs, TITLE, "Năm: 2023")  # the line decides: an old title
    assert _said(inputs) == []
    # a decision's date in the heading is no year of the form
    _retitled(inputs, "Kèm theo Quyết định số 12/QĐ-UBND ngày 3 tháng 2 năm 2022", None)
    assert _said(inputs) == []


def test_a_titles_year_after_the_index_without_nam_is_said(inputs: Path) -> None:
    """ "… CHỈ SỐ CCHC 2022" (no `NĂM`) was not read as a year (blind re-check
    23C, finding 7)."""
    for title in (
        "BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CCHC 2022",
        "Chấm điểm Chỉ số cải cách hành chính 2022",
        "TỰ ĐÁNH GIÁ PAR INDEX 2022",
    ):
        _retitled(inputs, title, None)
        assert _said(inputs) == [
            (
                "warning",
                "A3",
                messages.TITLE_STATES_OTHER_YEAR.format(
                    cell="A3", named=2022, text=title, year=2023
                ),
            )
        ], title
    # a criteria set's year is no year of the form
    _retitled(inputs, "Chấm theo Bộ chỉ số CCHC 2022", None)
    assert _said(inputs) == []

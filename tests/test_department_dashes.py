"""A department's name written with the dash Word makes of a hyphen (en dash, em
dash, minus sign) names that department: ``text.fold`` reads every hyphen and
dash as ``-``."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline

TCKH = "2023/phong-tai-chinh-ke-hoach.xlsx"


def test_a_department_named_with_the_dash_word_makes_is_still_that_department(
    inputs: Path,
) -> None:
    """Word turns "Tài chính - Kế hoạch" into "Tài chính – Kế hoạch" (an en
    dash): the ``Đơn vị`` line still names Phòng Tài chính - Kế hoạch. The whole
    file was set aside, its message quoting a name that looks the same."""
    path = inputs / TCKH
    book = openpyxl.load_workbook(path)
    sheet = book.active
    line = next(
        row[0] for row in sheet.iter_rows(max_col=1) if "Đơn vị" in str(row[0].value)
    )
    for dash in ("\u2013", "\u2014", "\u2212"):
        line.value = f"Đơn vị: Phòng Tài chính {dash} Kế hoạch"
        book.save(path)
        criteria = pipeline.load_criteria(inputs, 2023)
        ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
        result = pipeline.build_result(
            criteria, ingested, None, *pipeline.load_history(inputs)
        )
        assert round(result.current.total, 2) == 79.24, dash
        assert ingested.problems.filter(pl.col("severity") == "error").is_empty()

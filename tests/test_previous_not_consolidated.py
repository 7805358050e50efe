"""Last year's folder that cannot be consolidated (no criteria set applies to
that year, say) is said by this year's run: before, the comparison silently fell
back to the published figures only, and the per-criterion comparison vanished
(blind round 15, A: c20, c20b)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from parindex import messages, pipeline

CRITERIA = Path("criteria") / "lai-chau-2022.xlsx"


def _applies_from(inputs: Path, year: int) -> None:
    path = inputs / CRITERIA
    workbook = openpyxl.load_workbook(path)
    workbook["Tiêu chí"]["A3"] = f"Áp dụng từ năm: {year}"
    workbook.save(path)


def test_a_previous_year_without_a_criteria_set_is_said(inputs: Path) -> None:
    _applies_from(inputs, 2023)
    previous = pipeline.previous_year(inputs, 2023, time.time())
    assert previous.result is None
    reason = messages.NO_CRITERIA_FOR_YEAR.format(
        year=2022, folder=inputs / "criteria", years="2023"
    )
    assert previous.problems.select("severity", "message").rows() == [
        (
            "warning",
            messages.PREVIOUS_YEAR_NOT_CONSOLIDATED.format(year=2022, reason=reason),
        )
    ]


def test_a_previous_year_consolidated_says_nothing(inputs: Path) -> None:
    previous = pipeline.previous_year(inputs, 2023, time.time())
    assert previous.result is not None
    assert previous.problems.is_empty()

"""Last year's folder that cannot be consolidated (no criteria set applies to
that year, say) is said by this year's run: before, the comparison silently fell
back to the published figures only, and the per-criterion comparison vanished
(blind round 15, A: c20, c20b)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from parindex import messages, pipeline
from tests.test_previous_incomplete import _result

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


def test_a_year_read_with_another_criteria_set_than_last_year_is_said(
    inputs: Path,
) -> None:
    """A set of 2023 beside 2022's (a new decision, or a wrong one dropped in by
    mistake): this year's figures are compared with last year's read with the
    other set, and the run says so, naming both (blind round 15, c35)."""
    import shutil

    shutil.copy2(inputs / CRITERIA, inputs / "criteria" / "lai-chau-2023.xlsx")
    path = inputs / "criteria" / "lai-chau-2023.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Tiêu chí"]["A3"] = "Áp dụng từ năm: 2023"
    workbook.save(path)
    result = _result(inputs)
    said = result.problems.filter(
        result.problems["message"]
        == messages.CRITERIA_SET_OTHER_THAN_PREVIOUS.format(
            year=2023,
            file="lai-chau-2023.xlsx",
            previous_year=2022,
            previous_file="lai-chau-2022.xlsx",
        )
    )
    assert said.select("severity").rows() == [("warning",)]


def test_one_criteria_set_for_both_years_says_nothing(inputs: Path) -> None:
    result = _result(inputs)
    assert not result.problems["message"].str.contains("bộ chỉ số").any()

"""A subtotal row is checked against the file's own leaves below it; a row set
aside below it (a duplicated code, a code the set does not have, a score over
the maximum) is already an error, and the subtotal was then said to differ from
a sum counting that row ("Dòng tổng 1: điểm ghi 1 khác … (2,5)") on a subtotal
that is right (blind round 19). A subtotal (or the form's total) above a row
set aside is not checked: its leaves are in question, and the error says why.
Every other subtotal is checked as before."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.ingest.validate import validate_rows
from tests.builders import write_submission
from tests.ingest.test_normalise_validate import _rows


def test_a_subtotal_above_a_row_set_aside_is_not_said_to_differ(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1", "Chỉ đạo", 3, 1, 0.75],
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["1.1", "Kế hoạch", 1, 1, 0.75],  # the same row twice
            ["1.9", "Lạ", 1, 0.5, 0.5],  # a code the set does not have
            ["2", "Tác động", 4, 3, 9],  # wrong, and nothing set aside below it
            ["2.1", "Điều tra", 3, 2, 2.5],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    errors = problems.filter(problems["severity"] == "error")
    assert sorted(errors["cell"].to_list()) == ["A7", "A8", "A9"]
    warnings = problems.filter(problems["severity"] == "warning")
    assert warnings.select("cell", "message").rows() == [
        (
            "D10",
            "Dòng tổng 2: điểm ghi 3 khác tổng điểm các tiêu chí con trong tệp (2); "
            "parindex không cộng dòng tổng mà tự tính lại.",
        ),
        (
            "E10",
            "Dòng tổng 2: điểm ghi 9 khác tổng điểm các tiêu chí con trong tệp "
            "(2,5); parindex không cộng dòng tổng mà tự tính lại.",
        ),
    ]


def test_the_total_row_above_a_row_set_aside_is_not_said_to_differ(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["2.1", "Điều tra", 3, 2, 3.5],  # over the maximum: set aside
            [None, "Tổng cộng", 4, 3, 3.75],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell").rows() == [("error", "E7")]


def test_a_subtotal_above_a_row_refused_by_its_name_is_not_said_to_differ(
    inputs: Path,
) -> None:
    """Nội vụ's 4.4 retyped 4.5 keeping 4.4's name: the row is set aside by the
    reader (its code and name disagree), and subtotal 4, right, was said to
    differ from a sum without it (blind re-check of round 20)."""
    path = inputs / "2023" / "phong-noi-vu.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows() if r[0].value == "4.4")
    row[0].value = "4.5"
    book.save(path)
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    nv = ingested.problems.filter(pl.col("file") == "2023/phong-noi-vu.xlsx")
    assert nv.filter(pl.col("severity") == "error").height >= 1
    assert not nv.filter(pl.col("message").str.starts_with("Dòng tổng")).height


def test_a_subtotal_above_a_row_whose_code_cannot_be_read_is_not_said_to_differ(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """A row whose code cannot be read (`1.2.2.2)`) or is missing has no code to
    place it under a subtotal: it stands where the row above it stands (a
    sibling of a leaf, a child of a subtotal), so the subtotals above that row
    are in question; they were said to differ ("Dòng tổng 1.2: điểm ghi 1,5
    khác … (1)", blind round 27A, F6)."""
    unread = write_submission(
        tmp_path / "tckh.xlsx",
        [
            ["1.2", "Báo cáo", 2, 2, 1.5],
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            ["1.2.2", "Báo cáo tài chính", 1.5, 1.5, 1],
            ["1.2.2.1", "Báo cáo quý", 1, 1, 0.5],
            ["1.2.2.2)", "Báo cáo năm", 0.5, 0.5, 0.5],  # set aside
        ],
        department="Phòng Tài chính - Kế hoạch",
    )
    _, problems = validate_rows(_rows(unread, "TCKH"), small_criteria)
    assert problems.select("severity", "cell").rows() == [("error", "A10")]
    uncoded = write_submission(
        tmp_path / "tckh2.xlsx",
        [
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            ["1.2.2", "Báo cáo tài chính", 1.5, 1.5, 1],
            ["1.2.2.1", "Báo cáo quý", 1, 1, 0.5],
            [None, "Báo cáo năm", 0.5, 0.5, 0.5],  # no code: set aside
        ],
        department="Phòng Tài chính - Kế hoạch",
    )
    _, problems = validate_rows(_rows(uncoded, "TCKH"), small_criteria)
    assert problems.select("severity", "cell", "message").rows() == [
        ("error", "A9", "Dòng có điểm nhưng không có mã tiêu chí.")
    ]


def test_a_wrong_subtotal_away_from_an_unread_code_is_still_said(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """The row below 1.2.1 stands under 1.2 and 1, not under 1.2.2."""
    path = write_submission(
        tmp_path / "tckh.xlsx",
        [
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            ["1.2.1)", "Báo cáo chung", 0.5, 0.5, 0.5],  # set aside
            ["1.2.2", "Báo cáo tài chính", 1.5, 1.5, 9],  # wrong
            ["1.2.2.1", "Báo cáo quý", 1, 1, 0.5],
            ["1.2.2.2", "Báo cáo năm", 0.5, 0.5, 0.5],
        ],
        department="Phòng Tài chính - Kế hoạch",
    )
    _, problems = validate_rows(_rows(path, "TCKH"), small_criteria)
    warnings = problems.filter(problems["severity"] == "warning")
    assert warnings.select("cell", "message").rows() == [
        (
            "E8",
            "Dòng tổng 1.2.2: điểm ghi 9 khác tổng điểm các tiêu chí con trong tệp "
            "(1); parindex không cộng dòng tổng mà tự tính lại.",
        )
    ]


def test_the_subtotals_over_a_row_set_aside_for_another_criterions_name_are_not_checked(
    inputs: Path,
) -> None:
    """Tư pháp's 2.3.1 row, its name kept, coded `3.3.1` (another department's
    criterion) or `2.1.3` (not in the set): set aside, and the subtotals over
    its place (2.3, 2) were said to differ ("Dòng tổng 2.3: điểm ghi 2 khác …
    (1)"), as the code's ancestors were taken, not the row's place (re-check
    27B, F2)."""
    path = inputs / "2023" / "phong-tu-phap.xlsx"
    for typed in ("3.3.1", "2.1.3"):
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.worksheets[0]
        sheet["A19"] = typed
        workbook.save(path)
        criteria = pipeline.load_criteria(inputs, 2023)
        problems = ingest_year(inputs, 2023, criteria, time.time()).problems
        said = problems.filter(pl.col("message").str.starts_with("Dòng tổng"))
        assert said["message"].to_list() == [], typed
        errors = problems.filter(pl.col("severity") == "error")
        assert errors["cell"].to_list() == ["A19"], typed

"""A department's own criterion left unscored in its form (both score cells empty
or ``-``) while the rest of the form is scored is said (the SPEC: "empty or
``-`` means not scored, warned when the rest of the file's column is scored"),
naming the cells, in the department's problems; not a survey or SIPAS criterion,
which the province scores from its surveys. It was dropped without a word:
the department's points lost fell, and the sheet ``Kiểm tra`` that the criteria
sheet points to said nothing of it."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import messages, pipeline

TCKH = "2023/phong-tai-chinh-ke-hoach.xlsx"


def _rows_of(path: Path) -> dict[str, int]:
    sheet = openpyxl.load_workbook(path).active
    return {
        str(row[0].value): row[0].row
        for row in sheet.iter_rows(min_col=1, max_col=1)
        if row[0].value is not None
    }


def _problems(inputs: Path) -> pl.DataFrame:
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return ingested.problems


def test_an_own_criterion_left_unscored_is_said(inputs: Path) -> None:
    path = inputs / TCKH
    rows = _rows_of(path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    dashed, blank = rows["6.2.2"], rows["8.7"]
    sheet[f"D{dashed}"], sheet[f"E{dashed}"] = "-", "–"
    sheet[f"D{blank}"], sheet[f"E{blank}"] = None, None
    # a survey criterion: scored by the province (its surveys), not said
    survey = rows["8.5"]
    sheet[f"D{survey}"], sheet[f"E{survey}"] = None, None
    book.save(path)
    problems = _problems(inputs).filter(
        pl.col("message").str.contains("chưa có điểm \\(ô")
    )
    assert problems.select(
        "severity", "file", "cell", "department", "criterion", "message"
    ).rows() == [
        (
            "warning",
            TCKH,
            f"D{dashed}",
            "TCKH",
            "6.2.2",
            messages.UNSCORED_OWN_CRITERION.format(
                code="6.2.2", cells=f"D{dashed}, E{dashed}"
            ),
        ),
        (
            "warning",
            TCKH,
            f"D{blank}",
            "TCKH",
            "8.7",
            messages.UNSCORED_OWN_CRITERION.format(
                code="8.7", cells=f"D{blank}, E{blank}"
            ),
        ),
    ]
    assert problems["message"][0] == (
        f"Tiêu chí 6.2.2 chưa có điểm (ô D{dashed}, E{dashed} để trống hoặc “-”) "
        "trong khi các tiêu chí khác của tệp đã có điểm: tệp không cho tiêu chí này "
        "điểm nào. Nếu tiêu chí được 0 điểm, hãy ghi 0 rồi nộp lại."
    )


def test_the_sample_and_other_departments_rows_say_nothing(
    inputs: Path, sample_inputs: Path
) -> None:
    """The shipped sample leaves none of its own criteria unscored; a form that
    holds other departments' criteria blank (a full form) is not warned for
    them."""
    assert (
        not _problems(sample_inputs)["message"].str.contains("chưa có điểm \\(ô").any()
    )
    path = inputs / TCKH
    book = openpyxl.load_workbook(path)
    sheet = book.active
    last = sheet.max_row
    sheet.insert_rows(last)  # a criterion of Phòng Nội vụ's, left blank
    sheet[f"A{last}"], sheet[f"B{last}"], sheet[f"C{last}"] = "1.1", "Kế hoạch", 1
    book.save(path)
    assert not _problems(inputs)["message"].str.contains("chưa có điểm \\(ô").any()

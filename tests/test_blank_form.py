"""A department's only file is its form with no score filled in (the template sent
back unfilled): it is not a submission in use. Before, it was `used` with 0
rows, the run said "0 lỗi, 0 cảnh báo" and listed the department as having
submitted, while its criteria were all unscored (blind round 15, B: c33, n07;
only `parindex check` warned)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from parindex import messages, pipeline
from parindex.check import check_files
from parindex.problems import split_submitted

NV = "2023/phong-noi-vu.xlsx"


def _blank_scores(path: Path) -> None:
    """Clear the self and appraisal scores of every row under the header."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=8):
        row[3].value = None
        row[4].value = None
    book.save(path)


def test_a_department_whose_only_form_is_blank_submitted_an_unusable_file(
    inputs: Path,
) -> None:
    _blank_scores(inputs / NV)
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)

    file = ingested.submissions.filter(ingested.submissions["file"] == NV)
    assert file.select("status", "note").row(0) == (
        "rejected",
        messages.FILE_NO_SCORES,
    )
    problems = ingested.problems.filter(ingested.problems["department"] == "NV")
    assert problems.select("severity", "file", "message").rows() == [
        ("error", NV, messages.FILE_NO_SCORES),
        (
            "warning",
            None,
            messages.DEPARTMENT_SUBMITTED_UNUSABLE.format(
                department="Phòng Nội vụ", file=NV, reason=messages.FILE_NO_SCORES
            ),
        ),
    ]
    departments = [(d.code, d.name) for d in criteria.departments]
    used = set(
        ingested.submissions.filter(ingested.submissions["status"] == "used")[
            "department"
        ].to_list()
    )
    found = split_submitted(departments, used, ingested.problems.to_dicts())
    assert found.unusable == [("NV", "Phòng Nội vụ")]
    assert ("NV", "Phòng Nội vụ") not in found.submitted
    assert round(result.current.total, 2) == 52.45


def test_check_says_a_blank_form_is_an_error_as_the_run_does(inputs: Path) -> None:
    _blank_scores(inputs / NV)
    problems = check_files([inputs / NV], inputs)
    assert problems.select("severity", "department", "message").rows() == [
        ("error", "NV", messages.FILE_NO_SCORES)
    ]

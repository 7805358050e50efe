"""A department's form with no row at all for a criterion it leads: the criterion
got no score from the file, and that was said nowhere ("Hoàn thành", 0
warnings; `check`: "Không có vấn đề nào"). A warning names the form and the
criteria (blind round 27A, F3; F2: a leaf's row typed with its parent's code,
read as a subtotal that agrees)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline
from parindex.check import check_files
from parindex.ingest.collect import ingest_year

YEAR = 2023
FORM = "2023/phong-tu-phap.xlsx"
CRITERIA = Path(__file__).resolve().parents[2] / "inputs/criteria/lai-chau-2022.xlsx"
ONE_ABSENT = (
    "Biểu của Phòng Tư pháp không có dòng nào cho tiêu chí 2.3.1 mà đơn vị chủ "
    "trì: tệp không cho tiêu chí này điểm nào. Nếu bị sót hoặc bị xóa, hãy thêm "
    "dòng có mã tiêu chí và điểm rồi nộp lại."
)


def _edit_tp(
    inputs: Path, *, delete: tuple[str, ...] = (), recode: dict | None = None
) -> None:  # type: ignore[type-arg]
    """Tư pháp's sample form (it leads 1.2.3, 2.1.1 … 2.3.2) with the rows of
    ``delete`` taken out and the codes of ``recode`` typed otherwise."""
    path = inputs / FORM
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    for row in reversed(range(1, sheet.max_row + 1)):
        code = sheet.cell(row, 1).value
        if code in delete:
            sheet.delete_rows(row)
        elif recode and code in recode:
            sheet.cell(row, 1).value = recode[code]
    workbook.save(path)


def _absent(inputs: Path) -> list[tuple]:  # type: ignore[type-arg]
    criteria = pipeline.load_criteria(inputs, YEAR)
    ingested = ingest_year(inputs, YEAR, criteria, time.time())
    return (
        ingested.problems.filter(pl.col("message").str.contains("không có dòng nào"))
        .select("severity", "file", "sheet", "cell", "department", "message")
        .rows()
    )


def test_a_lead_criterion_without_a_row_is_said_by_the_run_and_check(
    inputs: Path,
) -> None:
    _edit_tp(inputs, delete=("2.3.1",))
    assert _absent(inputs) == [("warning", FORM, "Chấm điểm", None, "TP", ONE_ABSENT)]
    checked = check_files([inputs / FORM], inputs, criteria=CRITERIA)
    assert checked.filter(pl.col("message") == ONE_ABSENT).height == 1


def test_a_leaf_typed_with_its_parents_code_leaves_the_leaf_said(inputs: Path) -> None:
    """2.2.1's and 2.3.1's rows coded `2.2` and `2.3` (the form's own subtotal
    rows taken out): read as subtotals that agree with 2.2.2 and 2.3.2 (F2)."""
    _edit_tp(inputs, delete=("2.2", "2.3"), recode={"2.2.1": "2.2", "2.3.1": "2.3"})
    assert [row[5] for row in _absent(inputs)] == [
        "Biểu của Phòng Tư pháp không có dòng nào cho 2 tiêu chí đơn vị chủ trì "
        "(2.2.1, 2.3.1): tệp không cho các tiêu chí này điểm nào. Nếu bị sót hoặc "
        "bị xóa, hãy thêm dòng có mã tiêu chí và điểm rồi nộp lại."
    ]


def test_a_part_of_the_form_sent_on_its_own_is_not_said(inputs: Path) -> None:
    """4 of Tư pháp's 7 criteria (its corrections, one page): a third or more
    missing is not a form with a row gone."""
    _edit_tp(inputs, delete=("2.2.2", "2.3", "2.3.1", "2.3.2"))
    assert _absent(inputs) == []
    _edit_tp(inputs, delete=("1", "1.2", "1.2.3"))
    assert _absent(inputs) == []


def test_a_row_there_but_blank_is_said_by_its_own_warning(inputs: Path) -> None:
    path = inputs / FORM
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    row = next(r for r in sheet.iter_rows() if r[0].value == "2.3.1")
    row[3].value = row[4].value = None
    workbook.save(path)
    assert _absent(inputs) == []
    criteria = pipeline.load_criteria(inputs, YEAR)
    problems = ingest_year(inputs, YEAR, criteria, time.time()).problems
    assert (
        problems.filter(
            pl.col("message").str.starts_with("Tiêu chí 2.3.1 chưa có điểm (ô D19, E19")
        ).height
        == 1
    )


def test_the_sample_says_no_absence(inputs: Path) -> None:
    assert _absent(inputs) == []


def test_a_row_set_aside_for_its_code_may_be_the_criterion_not_said(
    inputs: Path,
) -> None:
    """2.3.1's row (its name kept) with its code typed `3.3.1`, `2.1.3` or
    `2.3.3`: set aside by its error, which names 2.3.1; "no row for 2.3.1"
    beside it would have the clerk add a second row (re-check 27B, F3)."""
    for typed in ("3.3.1", "2.1.3", "2.3.3"):
        _edit_tp(inputs, recode={"2.3.1": typed})
        assert _absent(inputs) == [], typed
        _edit_tp(inputs, recode={typed: "2.3.1"})

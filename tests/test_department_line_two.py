"""A ``Đơn vị`` line naming two departments ("Phòng Nội vụ, Phòng Tư pháp") was
read as the longer name's, Tư pháp: Nội vụ's form was counted for Tư pháp, its
rows refused one by one ("Đơn vị TP không chủ trì …"), Tư pháp's own file told a
newer file of its was unusable, and Nội vụ said not to have submitted (blind
round 28B, F2). Such a line names no one department: the form is set aside,
naming the departments and the cell. A name inside a longer one is still the
longer one's ("Phòng Tài chính - Kế hoạch" holds "Kế hoạch")."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import pipeline
from parindex.ingest.forms import department_in_text
from parindex.problems import who_submitted

NV = "2023/phong-noi-vu.xlsx"


def _with_line(inputs: Path, text: str, name: str) -> str:
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    line = next(
        row[0]
        for row in book.active.iter_rows(max_col=1)
        if "Đơn vị" in str(row[0].value)
    )
    line.value = f"Đơn vị: {text}"
    book.save(path)
    path.rename(path.with_name(name))
    return line.coordinate


@pytest.mark.parametrize(
    "text",
    [
        "Phòng Nội vụ, Phòng Tư pháp",
        "Phòng Tư pháp và Phòng Nội vụ",
        "Phòng Nội vụ - Phòng Tư pháp",
    ],
)
def test_a_line_naming_two_departments_sets_the_form_aside(
    inputs: Path, text: str
) -> None:
    cell = _with_line(inputs, text, "bang-diem.xlsx")
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status["2023/bang-diem.xlsx"] == "rejected"
    assert status["2023/phong-tu-phap.xlsx"] == "used"
    said = ingested.problems.filter(pl.col("file") == "2023/bang-diem.xlsx")
    names = (
        "Phòng Nội vụ, Phòng Tư pháp"
        if text.index("Nội vụ") < text.index("Tư pháp")
        else "Phòng Tư pháp, Phòng Nội vụ"
    )
    assert said.select("severity", "cell", "message").rows() == [
        (
            "error",
            cell,
            f"Dòng “Đơn vị” ghi “{text}”, nêu nhiều đơn vị ({names}): không biết "
            "biểu này của đơn vị nào, nên không dùng. Mỗi đơn vị nộp biểu riêng, "
            "dòng “Đơn vị” ghi một đơn vị.",
        )
    ]
    tp_said = ingested.problems.filter(pl.col("file") == "2023/phong-tu-phap.xlsx")
    assert tp_said.height == 0


def test_a_name_inside_a_longer_one_is_the_longer_ones(inputs: Path) -> None:
    criteria = pipeline.load_criteria(inputs, 2023)
    departments = criteria.departments
    assert department_in_text("Phòng Tài chính - Kế hoạch huyện", departments) == "TCKH"
    assert department_in_text("Phòng Nội vụ, Phòng Tư pháp", departments) is None


def test_a_department_named_on_such_a_line_is_not_said_not_to_have_submitted(
    inputs: Path,
) -> None:
    """Re-check 28C, N2: Nội vụ, whose only form named Tư pháp too, was said
    "chưa nộp tệp chấm điểm"."""
    _with_line(inputs, "Phòng Nội vụ (phối hợp Phòng Tư pháp)", "bang-diem.xlsx")
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    said = ingested.problems.filter(
        pl.col("file").is_null() & pl.col("department").is_in(["NV", "TP"])
    )
    assert said.select("severity", "department", "message").rows() == [
        (
            "warning",
            "NV",
            "Đơn vị Phòng Nội vụ chưa có tệp chấm điểm dùng được năm 2023: tệp "
            "“2023/bang-diem.xlsx” ghi cả đơn vị này và đơn vị khác trên dòng “Đơn "
            "vị” nên không dùng được. Nếu là tệp của đơn vị, hãy sửa dòng “Đơn vị” "
            "rồi nộp lại.",
        )
    ]
    found = who_submitted(
        criteria.departments, ingested.submissions, ingested.problems
    ).coverage
    assert ("NV", "Phòng Nội vụ") in found.unusable
    assert ("NV", "Phòng Nội vụ") not in found.submitted + found.missing

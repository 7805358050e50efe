"""A ``Đơn vị`` line naming no department of the criteria set sets the file
aside, as before, and now says what would be read: the department whose name
is closest to the line when one is clearly closest ("Phòng Tài chính" → Phòng
Tài chính - Kế hoạch), and the names the criteria set knows (a district's
dozen; past 20, where to find them). The closest name is a hint only: the file
is never counted for it."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from parindex import messages, pipeline
from parindex.criteria import Department
from parindex.ingest.forms import unknown_department_message
from tests.builders import set_don_vi_line

TCKH = "2023/phong-tai-chinh-ke-hoach.xlsx"
NAMES = (
    "Phòng Nội vụ (NV), Văn phòng HĐND và UBND huyện (VP), Phòng Tư pháp (TP), "
    "Phòng Tài chính - Kế hoạch (TCKH), Phòng Kinh tế và Hạ tầng (KTHT), "
    "Các cơ quan đơn vị (CQ)"
)


def _reject_line(inputs: Path, text: str) -> pl.DataFrame:
    set_don_vi_line(inputs / TCKH, text)
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TCKH] == "rejected"  # a hint, never a fallback
    assert ingested.rows.filter(pl.col("file") == TCKH).is_empty()
    return ingested.problems.filter(pl.col("file") == TCKH)


def test_a_close_name_is_suggested_and_the_names_listed(inputs: Path) -> None:
    said = _reject_line(inputs, "Phòng Tài chính")  # every word of it is TCKH's
    assert said["message"].to_list() == [
        "Không xác định được đơn vị nộp: “Phòng Tài chính” không khớp với mã, tên "
        "hay tên khác của đơn vị nào trong bộ chỉ số. Có phải Phòng Tài chính - Kế "
        "hoạch (TCKH)? Nếu đúng, hãy ghi “Đơn vị: Phòng Tài chính - Kế hoạch”. Các "
        f"đơn vị của bộ chỉ số: {NAMES}."
    ]


@pytest.mark.parametrize("text", ["Phòng Y tế", "P.KTHT", "Phòng Kế toán"])
def test_without_a_clearly_closest_name_only_the_names_are_listed(
    inputs: Path, text: str
) -> None:
    said = _reject_line(inputs, text)
    assert said["message"].to_list() == [
        messages.FILE_UNKNOWN_DEPARTMENT.format(text=text)
        + messages.UNKNOWN_DEPARTMENT_NAMES.format(names=NAMES)
    ]


def test_many_departments_are_not_listed() -> None:
    departments = tuple(Department(f"D{i}", f"Phòng số {i}", ()) for i in range(1, 30))
    assert unknown_department_message("Phòng Y tế", departments) == (
        messages.FILE_UNKNOWN_DEPARTMENT.format(text="Phòng Y tế")
        + messages.UNKNOWN_DEPARTMENT_MANY.format(count=29)
    )

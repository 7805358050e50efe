"""A department line labelled otherwise than `Đơn vị:` ("Tên đơn vị:", "Đơn vị
báo cáo:", "Cơ quan:"…), in a file whose name names no department: the file was
refused for lacking its `Đơn vị` line, and the department counted "chưa nộp"
(blind round 23B, F6). These labels are read as the `Đơn vị` line."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import pipeline


@pytest.mark.parametrize(
    "label",
    [
        "Tên đơn vị",
        "Đơn vị báo cáo",
        "Đơn vị thực hiện",
        "Cơ quan",
        "Tên cơ quan",
        "Cơ quan, đơn vị",
        "Đơn vị tự chấm",
        "Đơn vị tự đánh giá",
    ],
)
def test_a_department_line_labelled_otherwise_is_read(inputs: Path, label: str) -> None:
    path = inputs / "2023" / "phong-noi-vu.xlsx"
    book = openpyxl.load_workbook(path)
    book.active["A4"] = f"{label}: Phòng Nội vụ"
    book.save(path)
    path.rename(path.with_name("bang-diem.xlsx"))
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    used = ingested.submissions.filter(pl.col("file") == "2023/bang-diem.xlsx")
    assert used.select("status", "department").rows() == [("used", "NV")]

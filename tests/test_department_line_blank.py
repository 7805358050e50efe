"""A ``Đơn vị`` line left as the template gave it (``Đơn vị: ..........``,
``Đơn vị: (ghi tên đơn vị)``) names no department: it is a line not filled in,
so the form's department comes from its file's name, as for a form without the
line (SPEC), and a warning names the cell. It was set aside as naming no
department, although its file's name named it."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from parindex import messages, pipeline
from tests.builders import set_don_vi_line

TP = "2023/phong-tu-phap.xlsx"


def _ingest(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


@pytest.mark.parametrize(
    "placeholder",
    [
        "..............................",
        "……………",
        "_______",
        "(ghi tên đơn vị)",
        "<Tên đơn vị>",
        "[tên cơ quan, đơn vị]",
        ". . . . . .",
    ],
)
def test_a_line_left_as_a_placeholder_is_no_line(
    inputs: Path, placeholder: str
) -> None:
    cell = set_don_vi_line(inputs / TP, placeholder)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == TP)
    assert found.select("department", "status").rows() == [("TP", "used")]
    said = ingested.problems.filter(pl.col("file") == TP)
    assert said.select("severity", "cell", "department", "message").rows() == [
        (
            "warning",
            cell,
            "TP",
            messages.DEPARTMENT_LINE_BLANK.format(
                text=placeholder,
                where=messages.WHERE_FILE_NAME,
                name="Phòng Tư pháp",
                code="TP",
            ),
        )
    ]
    criteria = pipeline.load_criteria(inputs, 2023)
    result = pipeline.build_result(
        criteria, ingested, None, *pipeline.load_history(inputs)
    )
    assert round(result.current.total, 2) == 79.24


def test_the_message_of_a_placeholder_line(inputs: Path) -> None:
    set_don_vi_line(inputs / TP, "..........")
    said = _ingest(inputs).problems.filter(pl.col("file") == TP)["message"]
    assert said.to_list() == [
        "Dòng “Đơn vị” chưa ghi tên đơn vị (“..........”): biểu được tính cho Phòng "
        "Tư pháp (TP) theo tên tệp. Nếu không đúng, hãy ghi tên đơn vị vào dòng "
        "“Đơn vị” rồi nộp lại."
    ]


def test_a_placeholder_line_in_a_file_naming_nobody_is_set_aside(
    inputs: Path,
) -> None:
    set_don_vi_line(inputs / TP, "...........")
    (inputs / TP).rename(inputs / "2023" / "bang-diem.xlsx")
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == "2023/bang-diem.xlsx")
    assert found["status"].to_list() == ["rejected"]
    errors = ingested.problems.filter(
        (pl.col("file") == "2023/bang-diem.xlsx") & (pl.col("severity") == "error")
    )
    assert errors["message"].to_list() == [messages.FILE_NO_DEPARTMENT]


@pytest.mark.parametrize(
    "line", ["Phòng Tư pháp (đã ký)", "Tư pháp ....", "TP", "Phòng Tư pháp."]
)
def test_a_filled_line_is_read_as_before(inputs: Path, line: str) -> None:
    set_don_vi_line(inputs / TP, line)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == TP)
    assert found.select("department", "status").rows() == [("TP", "used")]
    assert ingested.problems.filter(
        pl.col("message").str.starts_with("Dòng “Đơn vị” chưa ghi")
    ).is_empty()


def test_a_correction_on_the_blank_template_replaces_the_older_file(
    inputs: Path,
) -> None:
    """A department's correction sent on the blank template (its line left as
    dots), named for it, is newer than its first file: it is used, with the
    warning; the line being blank is no doubt about whose it is."""
    import os
    import shutil

    folder = inputs / "2023"
    correction = folder / "Phòng Tư pháp - bản sửa.xlsx"
    shutil.copy(inputs / TP, correction)
    set_don_vi_line(correction, "...........")
    later = time.time()
    os.utime(correction, (later, later))
    os.utime(inputs / TP, (later - 3600, later - 3600))
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status["2023/Phòng Tư pháp - bản sửa.xlsx"] == "used"
    assert status[TP] == "superseded"
    assert ingested.problems.filter(pl.col("severity") == "error").is_empty()


@pytest.mark.parametrize("placeholder", ["Phòng ……………", "………… huyện Phong Thổ"])
def test_a_partly_prefilled_placeholder_is_no_line(
    inputs: Path, placeholder: str
) -> None:
    """A template line prefilled in part (``Phòng ……``, ``…… huyện Phong
    Thổ``): dots where the name goes and no department named: no line."""
    cell = set_don_vi_line(inputs / TP, placeholder)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == TP)
    assert found.select("department", "status").rows() == [("TP", "used")]
    said = ingested.problems.filter(pl.col("file") == TP)
    assert said.select("severity", "cell", "message").rows() == [
        (
            "warning",
            cell,
            messages.DEPARTMENT_LINE_BLANK.format(
                text=placeholder,
                where=messages.WHERE_FILE_NAME,
                name="Phòng Tư pháp",
                code="TP",
            ),
        )
    ]

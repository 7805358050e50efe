"""The feedback workbook of one department."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.consolidate import Result
from parindex.problems import problem, problems_frame
from parindex.render.department import render_department

from .workbooks import CREATED, read_table, texts


@pytest.fixture(scope="module")
def office_path(
    sample_result: Result, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The workbook of Văn phòng HĐND và UBND huyện for 2023."""
    path = tmp_path_factory.mktemp("departments") / "VP-2023.xlsx"
    render_department(sample_result, "VP", path, CREATED)
    return path


def test_sheets(office_path: Path) -> None:
    assert load_workbook(office_path).sheetnames == [
        "Tổng quan",
        "Bị trừ điểm",
        "Tiêu chí phụ trách",
        "Kiểm tra",
    ]


def test_overview_this_year_and_last(office_path: Path) -> None:
    sheet = load_workbook(office_path)["Tổng quan"]
    lines = texts(sheet)
    assert lines[0] == "Kết quả Chỉ số CCHC năm 2023 – Văn phòng HĐND và UBND huyện"
    assert (
        "Năm 2023, tổng các tiêu chí phụ trách: đạt 36,65/40,5 điểm, bằng 90,49 %, "
        "bị trừ 3,85 điểm"
    ) in lines
    # the 2022 figure the seed report quotes: "29,26/40,5 điểm, bằng 72,25 %"
    assert "Năm 2022: đạt 29,26/40,5 điểm, bằng 72,25 %, bị trừ 11,24 điểm" in lines
    figures = {r["Chỉ tiêu"]: r for r in read_table(sheet, "Chỉ tiêu")}
    assert (figures["Điểm đạt"]["Năm 2023"], figures["Điểm đạt"]["Năm 2022"]) == (
        36.65,
        29.26,
    )
    assert figures["Điểm đạt"]["Tăng/giảm"] == 7.39
    assert figures["Số tiêu chí bị trừ điểm"]["Năm 2023"] == 10


def test_deductions_are_the_scorecard_sheet(
    office_path: Path, scorecard_path: Path
) -> None:
    ours = load_workbook(office_path)["Bị trừ điểm"]
    scorecard = load_workbook(scorecard_path)["VP"]
    assert list(ours.values) == list(scorecard.values)
    rows = read_table(ours, "Mã")
    assert rows[-1]["Mã"] == "Cộng" and rows[-1]["Điểm bị trừ"] == 3.85
    assert (
        "Tổng các tiêu chí phụ trách: đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm"
        in texts(ours)
    )


def test_every_leaf_it_is_responsible_for(office_path: Path) -> None:
    rows = read_table(load_workbook(office_path)["Tiêu chí phụ trách"], "Mã")
    leaves, total = rows[:-1], rows[-1]
    assert len(leaves) == 29
    assert leaves[0]["Mã"] == "1.2.2"
    assert (total["Điểm tối đa"], total["Điểm đạt"], total["Điểm bị trừ"]) == (
        40.5,
        36.65,
        3.85,
    )


def test_problems_of_this_department_only(
    sample_result: Result, tmp_path: Path
) -> None:
    problems = problems_frame(
        [
            problem("error", "Lỗi của Văn phòng.", department="VP"),
            problem("warning", "Cảnh báo của Phòng Nội vụ.", department="NV"),
        ]
    )
    result = dataclasses.replace(sample_result, problems=problems)
    office, home = tmp_path / "VP.xlsx", tmp_path / "TP.xlsx"
    render_department(result, "VP", office, CREATED)
    render_department(result, "TP", home, CREATED)
    rows = read_table(load_workbook(office)["Kiểm tra"], "Mức độ")
    assert [r["Nội dung"] for r in rows] == ["Lỗi của Văn phòng."]
    assert "Không có vấn đề nào." in texts(load_workbook(home)["Kiểm tra"])


def test_first_year_has_no_previous_column(
    first_year_result: Result, tmp_path: Path
) -> None:
    path = tmp_path / "NV-2022.xlsx"
    render_department(first_year_result, "NV", path, CREATED)
    sheet = load_workbook(path)["Tổng quan"]
    figures = read_table(sheet, "Chỉ tiêu")
    assert list(figures[0]) == ["Chỉ tiêu", "Năm 2022"]


def test_unknown_department(sample_result: Result, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="không có đơn vị “XX”"):
        render_department(sample_result, "XX", tmp_path / "XX.xlsx", CREATED)
    assert not (tmp_path / "XX.xlsx").exists()

"""The feedback workbook of one department."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from parindex.analysis import analyse
from parindex.consolidate import Result
from parindex.ingest.collect import Ingested
from parindex.problems import problem, problems_frame
from parindex.render.department import render_department

from .conftest import build_sample_result
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
        "Bị trừ nhiều năm",
        "Tự chấm và thẩm định",
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
    assert figures["Số tiêu chí bị trừ điểm cả năm trước"]["Năm 2023"] == 9
    cut = figures["Số tiêu chí bị hạ điểm tự đánh giá"]
    assert (cut["Năm 2023"], cut["Năm 2022"]) == (4, 10)
    points = figures["Điểm bị hạ so với tự đánh giá"]
    assert (points["Năm 2023"], points["Năm 2022"], points["Tăng/giảm"]) == (
        1.6,
        6.84,
        -5.24,
    )


def test_losses_of_both_years(office_path: Path) -> None:
    sheet = load_workbook(office_path)["Bị trừ nhiều năm"]
    lines = texts(sheet)
    assert lines[0] == "Các tiêu chí bị trừ điểm cả năm 2022 và năm 2023"
    assert lines[1] == (
        "9 tiêu chí bị trừ điểm hai năm liền, năm 2023 mất 3,77 điểm: cần ưu tiên "
        "khắc phục."
    )
    rows = read_table(sheet, "Mã")
    assert [r["Mã"] for r in rows] == [
        "3.1.1",
        "7.1.2",
        "7.3.5",
        "8.6",
        "8.10.1",
        "8.10.2",
        "8.10.3",
        "8.10.4",
        "8.10.5",
    ]
    plan = rows[1]
    assert (plan["Điểm năm 2023"], plan["Điểm năm 2022"]) == (0, 0.5)
    assert plan["Nguyên nhân năm 2023"].startswith("Kế hoạch năm 2023")
    # the 2022 sample gives no reason for these leaves: the empty column is left out
    assert "Nguyên nhân năm 2022" not in plan


def test_its_own_scores_cut_by_the_council(office_path: Path) -> None:
    sheet = load_workbook(office_path)["Tự chấm và thẩm định"]
    assert texts(sheet)[0] == (
        "Điểm tự đánh giá và điểm thẩm định năm 2023 – Văn phòng HĐND và UBND huyện"
    )
    rows = read_table(sheet, "TT")
    assert [(r["Mã"], r["Điểm bị hạ"]) for r in rows] == [
        ("7.1.2", 1),
        ("3.1.1", 0.5),
        ("7.3.3", 0.08),
        ("7.3.5", 0.02),
    ]
    assert "Theo đơn vị chủ trì" not in " ".join(texts(sheet))


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
    result = analyse(dataclasses.replace(sample_result, problems=problems))
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
    recurring = load_workbook(path)["Bị trừ nhiều năm"]
    assert texts(recurring)[1].startswith("Chưa có điểm từng tiêu chí của năm trước")


def test_unknown_department(sample_result: Result, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="không có đơn vị “XX”"):
        render_department(sample_result, "XX", tmp_path / "XX.xlsx", CREATED)
    assert not (tmp_path / "XX.xlsx").exists()


def test_the_criteria_without_a_score_are_named(
    sample_ingested: dict[int, Ingested], tmp_path: Path
) -> None:
    """A department whose form left criteria unscored: its workbook names them
    (it said only how many)."""
    rows = sample_ingested[2023].rows.filter(
        ~((pl.col("department") == "TP") & pl.col("code").is_in(["2.1.2", "1.2.3"]))
    )
    ingested = {
        **sample_ingested,
        2023: dataclasses.replace(sample_ingested[2023], rows=rows),
    }
    result = build_sample_result(ingested)
    path = tmp_path / "TP-2023.xlsx"
    render_department(result, "TP", path, CREATED)
    said = [t for t in texts(load_workbook(path)["Bị trừ điểm"]) if t.startswith("Còn")]
    assert said == ["Còn 2 tiêu chí chưa có điểm: 1.2.3, 2.1.2."]


def test_many_criteria_without_a_score_are_counted_past_twenty() -> None:
    from parindex.render.prose import unscored_sentence

    codes = [f"1.{i}" for i in range(1, 26)]
    assert unscored_sentence(codes) == (
        "Còn 25 tiêu chí chưa có điểm: "
        + ", ".join(codes[:20])
        + " và 5 tiêu chí khác."
    )

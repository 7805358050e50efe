"""The scorecard of the Phong Thổ sample, read back with openpyxl."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from zipfile import ZipFile

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from parindex.analysis import analyse
from parindex.consolidate import Result, compare, consolidate_year
from parindex.criteria import criteria_set_for_year
from parindex.history import empty_history
from parindex.ingest.collect import Ingested
from parindex.problems import problem, problems_frame
from parindex.render.scorecard import render_scorecard
from tests.xlsx_compare import compare_xlsx

from .conftest import INPUTS
from .workbooks import CREATED, read_table, sheet_xml, texts

GOLDEN = Path(__file__).parent / "golden" / "scorecard-2023.xlsx"
INJECTED = '=HYPERLINK("http://x")'


def test_sheets_in_order(scorecard: Workbook) -> None:
    assert scorecard.sheetnames == [
        "Tổng hợp",
        "Chỉ số thành phần",
        "Tiêu chí",
        "Đơn vị",
        "Mất điểm",
        "Tự chấm và thẩm định",
        "Đối chiếu",
        "NV",
        "VP",
        "TP",
        "TCKH",
        "KTHT",
        "CQ",
        "Kiểm tra",
        "Nguồn",
    ]


def test_components_scores_deltas_and_total(scorecard: Workbook) -> None:
    assert scorecard["Chỉ số thành phần"]["A3"].value == (
        "5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 3,5 điểm (Cải cách thủ "
        "tục hành chính); 01 chỉ số thành phần duy trì điểm (Cải cách thể chế); 02 "
        "chỉ số thành phần giảm điểm, mức giảm cao nhất 1 điểm (Cải cách chế độ "
        "công vụ)."
    )
    rows = read_table(scorecard["Chỉ số thành phần"], "TT")
    components, total = rows[:-1], rows[-1]
    assert [r["TT"] for r in components] == [str(i) for i in range(1, 9)]
    assert [r["Điểm đạt"] for r in components] == [
        9.28,
        5,
        13,
        7.5,
        5.5,
        3.18,
        11.4,
        24.38,
    ]
    assert [r["Tăng/giảm"] for r in components] == [
        1.92,
        0,
        3.5,
        1,
        -1,
        -0.22,
        1.74,
        0.2,
    ]
    assert [r["Xu hướng"] for r in components] == [
        "Tăng",
        "Duy trì",
        "Tăng",
        "Tăng",
        "Giảm",
        "Giảm",
        "Tăng",
        "Tăng",
    ]
    assert components[0]["Điểm năm trước"] == 7.36
    assert total["Chỉ số thành phần"] == "Tổng cộng"
    assert (total["Điểm tối đa"], total["Điểm đạt"]) == (100, 79.24)
    assert (total["Điểm năm trước"], total["Tăng/giảm"]) == (72.1, 7.14)


def test_numbers_are_numbers_shown_with_two_decimals(scorecard: Workbook) -> None:
    sheet = scorecard["Chỉ số thành phần"]
    score = sheet["F6"]
    assert (score.value, score.data_type, score.number_format) == (9.28, "n", "0.00")
    assert sheet["G6"].value == 68.74  # 9.28 / 13.5, stored as shown


def test_charts_are_native(scorecard_path: Path) -> None:
    with ZipFile(scorecard_path) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/"))
        kinds = [archive.read(n).decode() for n in charts]
    assert charts == [
        "xl/charts/chart1.xml",  # total (columns) and rank (line, right axis)
        "xl/charts/chart2.xml",  # the four groups over the years
        "xl/charts/chart3.xml",  # the components, previous vs current
    ]
    assert "<c:barChart>" in kinds[0] and "<c:lineChart>" in kinds[0]
    assert '<c:orientation val="maxMin"/>' in kinds[0]  # rank 1 at the top
    assert "<c:barChart>" in kinds[1] and kinds[1].count("<c:ser>") == 4
    assert "<c:barChart>" in kinds[2] and kinds[2].count("<c:ser>") == 2


def test_summary_years_and_reconciliation_line(scorecard: Workbook) -> None:
    sheet = scorecard["Tổng hợp"]
    assert sheet["A1"].value == "Kết quả Chỉ số cải cách hành chính năm 2023"
    assert sheet["A3"].value == (
        "Năm 2023, Chỉ số cải cách hành chính đạt 79,27 điểm (số công bố; tính từ "
        "các tiêu chí: 79,24 điểm), xếp thứ 2/8, giữ nguyên thứ hạng và tăng 7,17 "
        "điểm so với năm 2022 (72,1 điểm)."
    )
    years = read_table(sheet, "Năm")
    assert [
        (r["Năm"], r["Nguồn"], r["Tổng điểm"], r["Tổng điểm tính từ tiêu chí"])
        for r in years
    ] == [(2022, "Công bố", 72.1, 72.1), (2023, "Công bố", 79.27, 79.24)]
    current = years[-1]
    assert (current["Xếp hạng"], current["Số đơn vị"]) == (2, 8)
    assert current["Trạng thái"] == "Chính thức"
    assert current["Số tiêu chí đã chấm"] == "74/74"
    assert current["Điểm điều tra XHH"] == 13.64  # published; 13.61 computed
    assert (
        "Đối chiếu 13 chỉ tiêu công bố năm 2023: 2 chỉ tiêu chênh lệch (Điểm điều tra "
        "XHH +0,03, Tổng điểm +0,03); các chênh lệch đều đã có giải thích. Chi tiết ở "
        "sheet “Đối chiếu”."
    ) in texts(sheet)


def test_criteria_tree(scorecard: Workbook, sample_result: Result) -> None:
    sheet = scorecard["Tiêu chí"]
    rows = read_table(sheet, "Mã")
    assert len(rows) == sample_result.criteria.height == 100
    by_code = {r["Mã"]: r for r in rows}
    shared = by_code["1.2.1"]
    assert shared["Đơn vị chủ trì"] == "NV; TCKH"
    assert shared["Nhóm điểm"] == "Thẩm định"
    assert (
        shared["Điểm tự đánh giá"],
        shared["Điểm thẩm định"],
        shared["Điểm bị trừ"],
    ) == (0.5, 0, 0.5)
    assert (shared["Năm trước"], shared["Tăng/giảm"]) == (0.5, -0.5)
    assert by_code["8.1"]["Nhóm điểm"] == "Điều tra XHH"
    assert by_code["1"]["Điểm sử dụng"] == 9.28

    cells = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert cells["1"][1].font.b and not cells["1.1"][1].font.b
    assert (cells["1.1"][1].alignment.indent, cells["1.2.1"][1].alignment.indent) == (
        1,
        2,
    )
    assert cells["1.2.1"][6].fill.fgColor.rgb == "FFFCE4D6"
    assert cells["1.1"][6].fill.fgColor.rgb != "FFFCE4D6"


def test_departments(scorecard: Workbook) -> None:
    rows = {r["Mã"]: r for r in read_table(scorecard["Đơn vị"], "Mã")}
    office = rows["VP"]
    assert office["Đơn vị"] == "Văn phòng HĐND và UBND huyện"
    assert (office["Điểm đạt"], office["Điểm tối đa"], office["Điểm bị trừ"]) == (
        36.65,
        40.5,
        3.85,
    )
    assert (office["Tỷ lệ đạt (%)"], office["Số tiêu chí"], office["Đã chấm"]) == (
        90.49,
        29,
        29,
    )


def test_home_affairs_deductions(scorecard: Workbook) -> None:
    sheet = scorecard["NV"]
    assert sheet["A1"].value == "Các tiêu chí bị trừ điểm – Phòng Nội vụ"
    rows = read_table(sheet, "Mã")
    deductions, subtotal = rows[:-1], rows[-1]
    assert [r["Mã"] for r in deductions] == [
        "1.2.1",
        "1.3.2",
        "5.2.1",
        "5.5.1",
        "5.5.2",
        "8.2",
        "8.3",
        "8.4",
    ]
    assert deductions[1]["Nguyên nhân trừ điểm"].startswith("Qua kiểm tra phát hiện 59")
    assert subtotal["Mã"] == "Cộng"
    assert (subtotal["Điểm tối đa"], subtotal["Điểm đạt"], subtotal["Điểm bị trừ"]) == (
        15.5,
        9.79,
        5.71,
    )
    assert (
        "Tổng các tiêu chí phụ trách: đạt 26,79/32,5 điểm, bằng 82,43 %, "
        "bị trừ 5,71 điểm"
    ) in texts(sheet)


def test_reason_that_looks_like_a_formula_stays_text(
    sample_result: Result, tmp_path: Path
) -> None:
    deductions = sample_result.current.deductions.with_columns(
        reason=pl.when(pl.col("code") == "1.3.2")
        .then(pl.lit(INJECTED))
        .otherwise(pl.col("reason"))
    )
    current = dataclasses.replace(sample_result.current, deductions=deductions)
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(
        analyse(dataclasses.replace(sample_result, current=current)), path, CREATED
    )

    sheet = load_workbook(path)["NV"]
    cell = next(c for c in sheet["H"] if c.value == INJECTED)
    assert cell.data_type == "s"
    assert "<f>" not in sheet_xml(path, "NV")


def test_problems_sheet_without_problems(scorecard: Workbook) -> None:
    assert "Không có vấn đề nào." in texts(scorecard["Kiểm tra"])


def test_problems_sheet_colours_errors_and_warnings(
    sample_result: Result, tmp_path: Path
) -> None:
    problems = problems_frame(
        [
            problem(
                "error",
                "Điểm vượt điểm tối đa.",
                file="2023/phong-noi-vu.xlsx",
                sheet="Tự chấm",
                cell="E12",
                department="NV",
                criterion="1.2.1",
            ),
            problem("warning", "Phòng Tư pháp chưa nộp.", department="TP"),
        ]
    )
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(
        analyse(dataclasses.replace(sample_result, problems=problems)), path, CREATED
    )

    sheet = load_workbook(path)["Kiểm tra"]
    rows = read_table(sheet, "Mức độ")
    assert [(r["Mức độ"], r["Đơn vị"], r["Ô"]) for r in rows] == [
        ("Lỗi", "Phòng Nội vụ", "E12"),
        ("Cảnh báo", "Phòng Tư pháp", None),
    ]
    assert sheet["G4"].fill.fgColor.rgb == "FFF8CBAD"
    assert sheet["G5"].fill.fgColor.rgb == "FFFFE699"


def test_sources(scorecard: Workbook) -> None:
    rows = read_table(scorecard["Nguồn"], "Tệp")
    home_affairs = next(r for r in rows if r["Tệp"] == "2023/phong-noi-vu.xlsx")
    assert home_affairs["Đơn vị"] == "Phòng Nội vụ"
    assert home_affairs["Trạng thái"] == "Được dùng"
    assert home_affairs["Thời điểm sửa"] == "01/01/2024 08:00:00"
    assert (home_affairs["Số dòng đọc"], home_affairs["Số dòng dùng"]) == (34, 24)
    assert len(home_affairs["SHA-256"]) == 64


def test_first_year_without_previous_or_history(
    first_year_result: Result, tmp_path: Path
) -> None:
    path = tmp_path / "scorecard-2022.xlsx"
    render_scorecard(first_year_result, path, CREATED)

    workbook = load_workbook(path)
    components = read_table(workbook["Chỉ số thành phần"], "TT")
    assert all(
        r["Điểm năm trước"] is None and r["Tăng/giảm"] is None for r in components
    )
    assert components[-1]["Điểm đạt"] == 72.1
    assert any(
        t.startswith("Chưa có số liệu công bố của năm 2022 để đối chiếu.")
        for t in texts(workbook["Tổng hợp"])
    )
    assert "Chưa có số liệu công bố của năm 2022 để đối chiếu." in texts(
        workbook["Đối chiếu"]
    )
    with ZipFile(path) as archive:
        assert [n for n in archive.namelist() if n.startswith("xl/charts/")] == [
            "xl/charts/chart1.xml"  # the components chart; one year has no line
        ]


def test_missing_leaves_are_blank_with_a_note(
    sample_ingested: dict[int, Ingested], tmp_path: Path
) -> None:
    criteria_set = criteria_set_for_year(INPUTS / "criteria", 2023)
    rows = sample_ingested[2023].rows.filter(pl.col("department") != "CQ")
    current, _ = consolidate_year(criteria_set, rows, 2023)
    result = analyse(
        compare(
            current,
            None,
            empty_history(),
            pl.DataFrame(schema=sample_ingested[2023].submissions.schema),
            sample_ingested[2023].problems,
        )
    )
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(result, path, CREATED)

    workbook = load_workbook(path)
    leaf = next(r for r in read_table(workbook["Tiêu chí"], "Mã") if r["Mã"] == "1.7")
    assert (leaf["Điểm sử dụng"], leaf["Điểm bị trừ"]) == (None, None)
    assert leaf["Ghi chú"] == (
        "Chưa có điểm: đơn vị chủ trì chưa nộp, để trống, hoặc chưa đọc được bài "
        "nộp (xem sheet “Kiểm tra”)."
    )
    assert read_table(workbook["Tổng hợp"], "Năm")[0]["Trạng thái"] == "Tạm tính"


def test_same_created_gives_identical_bytes(
    sample_result: Result, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    render_scorecard(sample_result, first, CREATED)
    render_scorecard(sample_result, second, CREATED)
    assert first.read_bytes() == second.read_bytes()


def test_matches_golden(sample_result: Result, tmp_path: Path) -> None:
    """The sample's scorecard, part by part, against the committed golden.

    After a deliberate change, regenerate it with
    ``PARINDEX_REGENERATE_GOLDEN=1 pytest tests/render`` and review the diff.
    """
    if os.environ.get("PARINDEX_REGENERATE_GOLDEN") == "1":
        render_scorecard(sample_result, GOLDEN, CREATED)
    got = tmp_path / "scorecard-2023.xlsx"
    render_scorecard(sample_result, got, CREATED)
    assert compare_xlsx(got, GOLDEN) == []


@pytest.mark.parametrize("other", ["Tổng hợp", "nv"])
def test_department_sheet_names_never_collide(
    sample_result: Result, tmp_path: Path, other: str
) -> None:
    path = tmp_path / "scorecard.xlsx"
    criteria_set = sample_result.current.criteria_set
    renamed = tuple(
        dataclasses.replace(d, code=other) if d.code == "VP" else d
        for d in criteria_set.departments
    )
    current = dataclasses.replace(
        sample_result.current,
        criteria_set=dataclasses.replace(criteria_set, departments=renamed),
    )
    render_scorecard(
        analyse(dataclasses.replace(sample_result, current=current)), path, CREATED
    )
    names = load_workbook(path).sheetnames
    assert len({n.casefold() for n in names}) == len(names) == 15
    assert f"{other} (2)" in names


def test_many_departments_share_one_deductions_sheet(
    sample_result: Result,
    scorecard: Workbook,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above DEPARTMENT_SHEETS_MAX departments (a province's unit), one filterable
    sheet replaces the sheet per department, with the same rows."""
    from parindex.render import scorecard as module

    monkeypatch.setattr(module, "DEPARTMENT_SHEETS_MAX", 5)
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(sample_result, path, CREATED)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Chỉ số thành phần",
        "Tiêu chí",
        "Đơn vị",
        "Mất điểm",
        "Tự chấm và thẩm định",
        "Đối chiếu",
        "Bị trừ theo đơn vị",
        "Kiểm tra",
        "Nguồn",
    ]
    together = read_table(workbook["Bị trừ theo đơn vị"], "Đơn vị")
    total = together.pop()
    assert total["Đơn vị"] == "Cộng"
    for code in ("NV", "VP", "TP", "TCKH", "KTHT", "CQ"):
        own = [r for r in read_table(scorecard[code], "Mã") if r["Mã"] != "Cộng"]
        mine = [r for r in together if r["Đơn vị"] == code]
        assert [r["Mã"] for r in mine] == [r["Mã"] for r in own], code
        assert [r["Điểm bị trừ"] for r in mine] == [r["Điểm bị trừ"] for r in own]
    vp = next(r for r in together if r["Đơn vị"] == "VP")
    assert vp["Tên đơn vị"] == "Văn phòng HĐND và UBND huyện"
    assert total["Điểm bị trừ"] == pytest.approx(
        sum(r["Điểm bị trừ"] for r in together)
    )
    assert len(together) >= 29

"""The analysis sheets of the scorecard: points lost, self vs appraised, reconciliation."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from parindex.analysis import analyse
from parindex.consolidate import RECONCILIATION_NOTES, Result
from parindex.render.scorecard import (
    ALL_LEAVES_LABEL,
    NO_PREVIOUS_LEAVES,
    render_scorecard,
)

from .workbooks import CREATED, read_table, texts


def _tables(sheet: Worksheet, first_header: str) -> list[list[dict[str, Any]]]:
    """Every table of a sheet whose column A header is ``first_header``."""
    tables: list[list[dict[str, Any]]] = []
    headers: list[Any] | None = None
    for row in sheet.iter_rows(values_only=True):
        if row[0] == first_header:
            headers = list(row)
            tables.append([])
        elif headers is not None and any(v is not None for v in row):
            tables[-1].append(dict(zip(headers, row, strict=False)))
        else:
            headers = None
    return tables


def test_points_lost_recurring_first(scorecard: Workbook) -> None:
    sheet = scorecard["Mất điểm"]
    assert sheet["A1"].value == "Các tiêu chí bị mất điểm năm 2023"
    assert sheet["A3"].value == (
        "30 tiêu chí bị mất tổng cộng 20,76 điểm; 24 tiêu chí (17,18 điểm) cũng bị "
        "mất điểm năm 2022, xếp trước: đó là các tiêu chí cần ưu tiên khắc phục."
    )
    # the points per department first, the ranking on a page of its own after
    _, rows = _tables(sheet, "TT")
    assert [r["TT"] for r in rows] == list(range(1, 31))
    first = rows[0]
    assert (first["Mã"], first["Điểm bị mất"], first["Đơn vị chủ trì"]) == (
        "1.7",
        2,
        "CQ",
    )
    assert (first["Mất điểm cả năm 2022"], first["Điểm bị mất năm 2022"]) == ("Có", 2)
    assert [r["Mất điểm cả năm 2022"] for r in rows] == ["Có"] * 24 + ["Không"] * 6
    recurring = [r["Điểm bị mất"] for r in rows[:24]]
    assert recurring == sorted(recurring, reverse=True)
    assert (rows[-1]["Mã"], rows[-1]["Điểm bị mất"]) == ("7.3.3", 0.08)
    assert next(r for r in rows if r["Mã"] == "1.2.1")["Đơn vị chủ trì"] == "NV; TCKH"
    assert rows[1]["Nguyên nhân trừ điểm"] == "Kết quả điều tra xã hội học"  # 8.6


def test_points_recoverable_per_department(scorecard: Workbook) -> None:
    departments, _ = _tables(scorecard["Mất điểm"], "TT")
    by_code = {r["Mã"]: r for r in departments}
    finance = by_code["TCKH"]
    assert finance["Đơn vị"] == "Phòng Tài chính - Kế hoạch"
    assert (
        finance["Số tiêu chí mất điểm"],
        finance["Điểm có thể lấy lại"],
        finance["Số tiêu chí mất điểm cả năm 2022"],
        finance["Điểm mất cả năm 2022"],
    ) == (10, 7.25, 7, 5.25)
    total = departments[-1]
    assert total["Đơn vị"] == ALL_LEAVES_LABEL  # 1.2.1 (NV, TCKH) once
    assert (total["Số tiêu chí mất điểm"], total["Điểm có thể lấy lại"]) == (30, 20.76)


def test_self_assessed_vs_appraised(scorecard: Workbook) -> None:
    sheet = scorecard["Tự chấm và thẩm định"]
    assert sheet["A3"].value == (
        "Hội đồng thẩm định hạ điểm tự đánh giá ở 15 tiêu chí, tổng cộng 8,64 điểm "
        "(lớn nhất xếp trước)."
    )
    departments, leaves = _tables(sheet, "TT")
    assert len(leaves) == 15
    assert [r["Mã"] for r in leaves[:5]] == ["1.5", "5.2.1", "5.5.2", "6.1", "6.2.1"]
    first = leaves[0]
    assert (
        first["Điểm tự đánh giá"],
        first["Điểm thẩm định"],
        first["Điểm bị hạ"],
    ) == (2, 1, 1)
    assert (leaves[-1]["Mã"], leaves[-1]["Điểm bị hạ"]) == ("7.3.5", 0.02)
    by_code = {r["Mã"]: r for r in departments}
    assert (
        by_code["NV"]["Số tiêu chí có cả hai điểm"],
        by_code["NV"]["Số tiêu chí bị hạ điểm"],
        by_code["NV"]["Tổng điểm tự đánh giá"],
        by_code["NV"]["Tổng điểm thẩm định"],
        by_code["NV"]["Tổng điểm bị hạ"],
    ) == (21, 5, 6.5, 3.28, 3.22)
    assert by_code["TP"]["Số tiêu chí bị hạ điểm"] == 0


def test_reconciliation_sheet(scorecard: Workbook) -> None:
    sheet = scorecard["Đối chiếu"]
    figures = {r["Chỉ tiêu"]: r for r in read_table(sheet, "Chỉ tiêu")}
    assert list(figures)[:5] == [
        "Điểm thẩm định",
        "Điểm điều tra XHH",
        "Điểm tác động KT-XH",
        "Điểm SIPAS",
        "Tổng điểm",
    ]
    total = figures["Tổng điểm"]
    assert (
        total["Công bố"],
        total["Tính từ tiêu chí"],
        total["Chênh lệch"],
        total["Kết luận"],
    ) == (79.27, 79.24, 0.03, "Đã giải thích")
    assert figures["Điểm điều tra XHH"]["Giải thích"].startswith(
        "Tỉnh làm tròn điểm điều tra xã hội học"
    )
    finance = figures["Chỉ số thành phần 6. Cải cách tài chính công"]
    assert (finance["Chênh lệch"], finance["Kết luận"]) == (0, "Khớp")  # 4e-16
    highlighted = {
        row[0].value
        for row in sheet.iter_rows(min_col=1, max_col=1)
        if row[0].fill.fgColor.rgb == "FFFFE699"
    }
    assert highlighted == {"Điểm điều tra XHH", "Tổng điểm"}


def test_unexplained_difference_is_flagged(
    sample_result: Result, tmp_path: Path
) -> None:
    target = pl.col("figure") == "component 1"
    reconciliation = sample_result.reconciliation.with_columns(
        published=pl.when(target).then(9.78).otherwise("published"),
        difference=pl.when(target).then(0.5).otherwise("difference"),
        note=pl.when(target)
        .then(pl.lit(RECONCILIATION_NOTES["other"]))
        .otherwise("note"),
    )
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(
        analyse(dataclasses.replace(sample_result, reconciliation=reconciliation)),
        path,
        CREATED,
    )
    sheet = load_workbook(path)["Đối chiếu"]
    rows = {r["Chỉ tiêu"]: r for r in read_table(sheet, "Chỉ tiêu")}
    flagged = rows[
        "Chỉ số thành phần 1. Công tác chỉ đạo điều hành cải cách hành chính"
    ]
    assert (flagged["Chênh lệch"], flagged["Kết luận"]) == (0.5, "Cần kiểm tra")
    cell = next(c for c in sheet["E"] if c.value == "Cần kiểm tra")
    assert cell.fill.fgColor.rgb == "FFF8CBAD"
    assert "1 chỉ tiêu chênh lệch chưa giải thích được, cần kiểm tra" in str(
        sheet["A3"].value
    )


def test_first_year_has_no_recurring_column(
    first_year_result: Result, tmp_path: Path
) -> None:
    path = tmp_path / "scorecard-2022.xlsx"
    render_scorecard(first_year_result, path, CREATED)
    sheet = load_workbook(path)["Mất điểm"]
    assert str(sheet["A3"].value).endswith(NO_PREVIOUS_LEAVES)
    departments, leaves = _tables(sheet, "TT")
    assert list(leaves[0]) == [
        "TT",
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm đạt",
        "Điểm bị mất",
        "Đơn vị chủ trì",
        "Nguyên nhân trừ điểm",
    ]
    office = next(r for r in departments if r["Mã"] == "VP")
    assert office["Điểm có thể lấy lại"] == 11.24
    assert "Mất điểm cả năm 2021" not in texts(sheet)

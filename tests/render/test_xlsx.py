"""The shared xlsxwriter helpers, on a tiny workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.render.xlsx import Column, Formats, new_workbook, sheet_name, write_table

from .workbooks import CREATED, sheet_xml

COLUMNS = (
    Column("Mã", "code"),
    Column("Nguyên nhân trừ điểm", "reason", max_width=20),
    Column("Điểm", "score", "number"),
    Column("Số dòng", "rows", "integer"),
)


@pytest.mark.parametrize(
    ("raw", "taken", "expected"),
    [
        ("NV", [], "NV"),
        ("TC/KH: [2023]?", [], "TC-KH- -2023--"),
        (
            "Phòng Tài chính - Kế hoạch huyện Phong Thổ",
            [],
            "Phòng Tài chính - Kế hoạch huyệ",
        ),
        ("nguồn", ["Nguồn"], "nguồn (2)"),
        ("NV", ["NV", "NV (2)"], "NV (3)"),
        ("'", [], "Sheet"),
    ],
)
def test_sheet_name(raw: str, taken: list[str], expected: str) -> None:
    assert sheet_name(raw, taken) == expected
    assert len(expected) <= 31


def test_write_table_keeps_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    workbook = new_workbook(path, CREATED, "thử")
    sheet = workbook.add_worksheet("Bảng")
    rows: list[dict[str, object]] = [
        {
            "code": "1.2.1",
            "reason": '=HYPERLINK("http://x")',
            "score": 2 / 3,
            "rows": 3,
        },
        {
            "code": "+84912345678",
            "reason": "http://example.com",
            "score": None,
            "rows": None,
        },
        {"code": "0,5", "reason": "x" * 100, "score": -0.001, "rows": 0},
    ]
    table = write_table(
        sheet, Formats(workbook), 1, COLUMNS, rows, total={"code": "Cộng"}
    )
    workbook.close()

    assert (table.header_row, table.last_data_row, table.next_row) == (1, 4, 6)
    ws = load_workbook(path)["Bảng"]
    assert [c.value for c in ws[2]] == ["Mã", "Nguyên nhân trừ điểm", "Điểm", "Số dòng"]
    assert [(c.value, c.data_type) for c in ws["A"][2:5]] == [
        ("1.2.1", "s"),
        ("+84912345678", "s"),
        ("0,5", "s"),
    ]
    assert ws["B3"].value == '=HYPERLINK("http://x")' and ws["B3"].data_type == "s"
    assert not ws._hyperlinks  # no link from "http://…"
    assert [ws["C3"].value, ws["C4"].value, ws["C5"].value] == [0.67, None, 0]
    assert ws["C3"].number_format == "0.00" and ws["D3"].number_format == "0"
    assert ws["A6"].value == "Cộng" and ws["A6"].font.b
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:D5"
    assert ws.column_dimensions["B"].width == pytest.approx(20.71, abs=0.01)
    assert ws.row_dimensions[5].height == 15 * 5  # 100 characters, 21 a line
    assert "<f>" not in sheet_xml(path, "Bảng")

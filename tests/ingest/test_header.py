"""Headers recognised by meaning, the choice between score columns, sheet facts."""

from __future__ import annotations

import pytest

from parindex.ingest.header import (
    choose_columns,
    header_columns,
    locate_header,
    role_of,
)
from parindex.sheetfacts import SheetFacts, ods_facts, xlsx_sheet_facts
from parindex.workbook import Sheet


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Mã tiêu chí", "code"),
        ("STT", "code"),
        ("Điểm tự đánh giá", "self"),
        ("Điểm tự đánh giá của đơn vị", "self"),
        ("Tự chấm", "self"),
        ("ĐIỂM  TỰ ĐÁNH GIÁ", "self"),
        ("Điểm thẩm định", "appraised"),
        ("Điểm thẩm định của Hội đồng", "appraised"),
        ("Điểm thẩm định (sau giải trình)", "appraised"),
        ("Thẩm định", "appraised"),
        ("Điểm đạt", "appraised"),
        ("Hội đồng thẩm định chấm", "appraised"),
        ("Kết quả thẩm định", "appraised"),
        ("Ý kiến thẩm định", "reason"),  # the council's remarks (session 23)
        ("Nguyên nhân trừ điểm", "reason"),
        ("Lý do trừ điểm thẩm định", "reason"),
        ("Ghi chú", "reason"),
        ("Tài liệu kiểm chứng", "evidence"),
        ("Điểm tối đa", "max"),
        ("Thang điểm", "max"),
        ("Điểm / Tối đa", "max"),
        ("Tên tiêu chí", "name"),
        ("Nội dung", "name"),
        ("Đơn vị thực hiện", None),
    ],
)
def test_headers_are_recognised_by_meaning(text: str, role: str | None) -> None:
    assert role_of(text) == role


def _sheet(rows: list[list[object]], **facts: object) -> Sheet:
    return Sheet("S", rows, facts=SheetFacts(**facts))  # type: ignore[arg-type]


def test_a_merged_header_over_rounds_picks_the_latest() -> None:
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", "Điểm thẩm định", ""],
            ["", "", "Lần 1", "Lần 2"],
            ["1.1", 1, 0.5, 0.75],
        ]
    )
    at = locate_header(sheet)
    assert at == (0, 0)
    columns, data_row = header_columns(sheet, *at)
    assert data_row == 2
    assert [(c.cell, c.text, c.role) for c in columns] == [
        ("A1", "Mã", "code"),
        ("B1", "Điểm tự đánh giá", "self"),
        ("C2", "Điểm thẩm định / Lần 1", "appraised"),
        ("D2", "Điểm thẩm định / Lần 2", "appraised"),
    ]
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.rejection is None
    assert choice.columns == {"code": 0, "self": 1, "appraised": 3}
    assert [cell for cell, _ in choice.warnings] == ["D2"]


def test_plain_beats_preliminary_and_same_rank_is_ambiguous() -> None:
    sheet = _sheet(
        [["Mã", "Điểm thẩm định sơ bộ", "Điểm thẩm định"], ["1.1", 0.5, 0.75]]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    assert choose_columns(sheet, columns, data_row, 2023).columns["appraised"] == 2
    twins = _sheet([["Mã", "Thẩm định", "Điểm thẩm định"], ["1.1", 0.5, 0.75]])
    columns, data_row = header_columns(twins, 0, 0)
    choice = choose_columns(twins, columns, data_row, 2023)
    assert choice.rejection is not None and choice.rejection[0] == "B1"


def test_a_hidden_duplicate_column_gives_way_to_the_visible_one() -> None:
    sheet = _sheet(
        [["Mã", "Điểm thẩm định", "Điểm thẩm định"], ["1.1", 0.5, 0.75]],
        hidden_columns=frozenset({1}),
    )
    columns, data_row = header_columns(sheet, 0, 0)
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.columns["appraised"] == 2
    assert [cell for cell, _ in choice.warnings] == ["B1"]


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_xlsx_sheet_facts() -> None:
    xml = (
        f'<worksheet {NS}><cols><col min="2" max="3" hidden="1"/></cols><sheetData>'
        '<row r="4" hidden="1"><c r="A4"><v>1</v></c></row>'
        '<row r="5"><c r="B5" t="e"><v>#REF!</v></c><c r="C5" s="1"><v>0.5</v></c>'
        '</row></sheetData><autoFilter ref="A1:C5"/></worksheet>'
    )
    facts = xlsx_sheet_facts(xml.encode(), frozenset({1}))
    assert facts == SheetFacts(
        hidden_rows=frozenset({3}),
        hidden_columns=frozenset({1, 2}),
        filtered=True,
        errors={(4, 1): "#REF!"},
        percent=frozenset({(4, 2)}),
    )


def test_ods_facts_count_repeated_rows_and_columns() -> None:
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    xml = (
        f'<doc xmlns:table="{table}" xmlns:office="{office}"><table:table table:name="S">'
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-column table:visibility="collapse"/>'
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
        '<table:table-row table:visibility="filter"><table:table-cell '
        'table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" '
        'office:value="0.5"/></table:table-row></table:table></doc>'
    )
    facts = ods_facts(xml.encode())["S"]
    assert facts.hidden_rows == {3}
    assert facts.filtered
    assert facts.hidden_columns == {2}
    assert facts.percent == {(3, 2)}


def test_a_year_in_a_header_is_a_year_not_a_decision_number() -> None:
    sheet = _sheet(
        [
            ["Mã", "Điểm thẩm định (QĐ 1726/2022)", "Điểm thẩm định năm 2022"],
            ["1.1", 0.5, 0.75],
        ]
    )
    columns, _ = header_columns(sheet, 0, 0)
    assert [c.years for c in columns] == [(), (), (2022,)]


def test_sub_columns_that_are_not_scores_keep_their_own_role() -> None:
    sheet = _sheet(
        [
            ["Mã", "Tự đánh giá", "", "Thẩm định", ""],
            ["", "Điểm", "Lý do", "Điểm", "Nhận xét"],
            ["1.1", 1, "đủ", 0.5, "thiếu báo cáo"],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    # the council's remarks are a reason too; "Lý do" is preferred
    assert [c.role for c in columns] == [
        "code",
        "self",
        "reason",
        "appraised",
        "reason",
    ]
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.columns == {"code": 0, "self": 1, "reason": 2, "appraised": 3}
    assert choice.warnings == [] and choice.rejection is None

"""Headers recognised by meaning, the choice between score columns, sheet facts."""

from __future__ import annotations

import pytest

from parindex.ingest.header import (
    choose_columns,
    deductions_kind,
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


# --- blind re-check 25A: points lost and other units' figures, however headed ---


@pytest.mark.parametrize(
    ("upper", "lower"),
    [
        ("Điểm bị trừ", "Thẩm định"),
        ("Điểm trừ", "Hội đồng thẩm định"),
        ("Số điểm bị trừ", "Thẩm định"),
    ],
)
def test_points_lost_over_the_councils_name_are_no_appraisal(
    upper: str, lower: str
) -> None:
    """Points lost in the upper row of a two-row header, the council named
    below: read as the appraisal, 73,64 "final" without a word (25A, A1)."""
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", upper],
            ["", "", lower],
            ["1.1", 1, 0.5],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    assert data_row == 2
    assert [c.role for c in columns] == ["code", "self", None]


def test_a_third_header_row_splits_the_councils_columns() -> None:
    """``Kết quả chấm điểm`` / ``Hội đồng thẩm định`` / ``Điểm trừ`` | ``Điểm
    đạt``: the points lost were used as the appraisal (25A, A2). The third row
    is a header row too; the score is ``Điểm đạt``."""
    sheet = _sheet(
        [
            ["Mã", "Tên tiêu chí", "Điểm tự đánh giá", "Kết quả chấm điểm", ""],
            ["", "", "", "Hội đồng thẩm định", ""],
            ["", "", "", "Điểm trừ", "Điểm đạt"],
            ["1", "Công tác chỉ đạo", "", "", ""],
            ["1.1", "Kế hoạch", 1, 0.5, 0.5],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    assert data_row == 3
    assert [(c.cell, c.role) for c in columns] == [
        ("A1", "code"),
        ("B1", "name"),
        ("C1", "self"),
        ("D3", None),
        ("E3", "appraised"),
    ]
    assert columns[4].text == "Kết quả chấm điểm / Hội đồng thẩm định / Điểm đạt"


def test_a_group_title_row_under_a_two_row_header_is_data() -> None:
    """The first data row, a group's title with no code, under a two-row
    header: never a third header row."""
    sheet = _sheet(
        [
            ["Mã", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định", ""],
            ["", "", "", "Sơ bộ", "Chính thức"],
            ["", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", "", ""],
            ["1.1", "Kế hoạch", 1, 0.5, 0.5],
        ]
    )
    _, data_row = header_columns(sheet, 0, 0)
    assert data_row == 2


@pytest.mark.parametrize(
    "text",
    [
        # "đã trừ" ending the header: the points the council took, or its
        # score once they were taken: either (25A, A3)
        "Điểm HĐTĐ đã trừ",
        "Số điểm HĐTĐ đã trừ",
        "Điểm Hội đồng thẩm định đã trừ",
        "Điểm thẩm định đã trừ",
        "Điểm thẩm định đã trừ điểm",
    ],
)
def test_points_taken_or_a_score_once_they_were_taken_is_unclear(text: str) -> None:
    assert deductions_kind(text) == "unclear"
    assert role_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # points lost said without "trừ" (25A, A4)
        "Điểm bị giảm sau thẩm định",
        "Điểm không đạt (thẩm định)",
        "Điểm thẩm định bị giảm",
        "Điểm thẩm định giảm",
        "Điểm bị hạ khi thẩm định",
        "Điểm thẩm định không công nhận",
        "Điểm mất khi thẩm định",
        "Diem tham dinh bi giam",
        "Diem khong dat (tham dinh)",
    ],
)
def test_points_lost_in_other_words_are_no_score(text: str) -> None:
    assert deductions_kind(text) == "lost"
    assert role_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Điểm thẩm định sau khi giảm",
        "Điểm Giám đốc Sở thẩm định",
        "Điểm thẩm định (giám sát)",
        "Điểm đạt",
    ],
)
def test_a_score_after_a_reduction_or_naming_a_director_is_a_score(text: str) -> None:
    assert deductions_kind(text) is None
    assert role_of(text) == "appraised"


@pytest.mark.parametrize(
    "text",
    [
        # another unit's figure or an average: the province's (25A, A5 and C2)
        "Điểm thẩm định bình quân toàn tỉnh",
        "Điểm thẩm định TB của tỉnh",
        "Điểm thẩm định trung bình",
        "Điểm thẩm định / Bình quân tỉnh",
        "Điểm tự đánh giá bình quân các huyện",
        # a difference between scores (25A, A4)
        "Điểm thẩm định chênh lệch",
    ],
)
def test_an_average_is_no_score_of_the_department(text: str) -> None:
    assert role_of(text) is None


def test_an_average_beside_the_departments_appraisal_is_not_used() -> None:
    """``Điểm thẩm định`` over ``Huyện Phong Thổ`` | ``Bình quân tỉnh``: set
    aside as two appraisal columns (25A, C2). The department's is used, the
    average said."""
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", "Điểm thẩm định", ""],
            ["", "", "Huyện Phong Thổ", "Bình quân tỉnh"],
            ["1.1", 1, 0.5, 0.75],
            ["1.2", 1, 0.25, 0.5],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.rejection is None
    assert choice.columns == {"code": 0, "self": 1, "appraised": 2}
    assert [cell for cell, _ in choice.warnings] == ["D2"]


def test_what_the_department_asks_for_in_its_appeal_is_no_self_score() -> None:
    """``Phúc khảo`` merged over ``Điểm đề nghị`` | ``Kết quả``: the score the
    department asks for was read as its self score, ranked above ``Điểm tự
    đánh giá`` (blind re-check 25A, D09). It is no score read; the appeal's
    result is the appraisal's last round."""
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", "Điểm thẩm định", "Phúc khảo", ""],
            ["", "", "", "Điểm đề nghị", "Kết quả"],
            ["1.1", 1, 0.5, 1, 0.75],
            ["1.2", 1, 0.5, 1, 0.75],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    assert [c.role for c in columns] == ["code", "self", "appraised", None, "appraised"]
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.rejection is None
    assert choice.columns == {"code": 0, "self": 1, "appraised": 4}


def test_the_appraisal_after_its_deductions_wins_over_the_plain_one() -> None:
    """``Điểm thẩm định`` beside ``Điểm thẩm định sau khi trừ``: two appraisal
    columns of one rank, the form set aside (left by blind re-check 24D). The
    score after the deductions is the later round: used, said."""
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm thẩm định sau khi trừ"],
            ["1.1", 1, 1, 0.75],
            ["1.2", 1, 1, 0.5],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    choice = choose_columns(sheet, columns, data_row, 2023)
    assert choice.rejection is None
    assert choice.columns == {"code": 0, "self": 1, "appraised": 3}
    assert [cell for cell, _ in choice.warnings] == ["D1"]


# --- blind re-check 25C: the rules of 25A, narrowed and widened ---------------


@pytest.mark.parametrize(
    "text",
    [
        # a remark in brackets, or a score after an adjustment: the appraisal
        # (S3: dropped for points lost, the preliminary round used, 79,69)
        "Điểm thẩm định (ghi 0 nếu không đạt)",
        "Điểm thẩm định (không đạt thì ghi 0)",
        "Điểm thẩm định (mất điểm ghi 0)",
        "Điểm thẩm định sau điều chỉnh giảm",
        "Điểm thẩm định đã điều chỉnh giảm",
        "Điểm thẩm định (đã giảm)",
        # after deductions, however said (R1: set aside)
        "Điểm thẩm định sau khi đã trừ điểm",
        "Điểm thẩm định cuối cùng (đã bị trừ)",
        "Điểm thẩm định (đã trừ điểm)",
        "Kết quả thẩm định, đã trừ",
        "Thẩm định (đã trừ)",
        # the council's score is its members' average (R1)
        "Điểm thẩm định (bình quân các thành viên Hội đồng)",
    ],
)
def test_a_remark_or_an_adjustment_leaves_the_appraisal_a_score(text: str) -> None:
    assert deductions_kind(text) is None
    assert role_of(text) == "appraised"


@pytest.mark.parametrize("text", ["Số điểm đã trừ", "Điểm đã trừ", "Điểm đã bị trừ"])
def test_points_taken_naming_no_one_are_points_lost(text: str) -> None:
    assert deductions_kind(text) == "lost"


@pytest.mark.parametrize(
    "text",
    [
        "Điểm thẩm định BQ",
        "Điểm thẩm định cao nhất",
        "Điểm thẩm định thấp nhất",
    ],
)
def test_others_scores_in_more_words_are_no_score(text: str) -> None:
    assert role_of(text) is None


def test_a_reason_under_the_council_in_a_three_row_header_is_a_reason() -> None:
    """A third header row splitting the council's scores: a second-row
    sub-column with nothing below it (``Lý do``) keeps its own role."""
    sheet = _sheet(
        [
            ["Mã", "Điểm tự đánh giá", "Kết quả chấm điểm", "", ""],
            ["", "", "Hội đồng thẩm định", "", "Lý do"],
            ["", "", "Điểm trừ", "Điểm đạt", ""],
            ["1.1", 1, 0, 1, "đủ"],
        ]
    )
    columns, data_row = header_columns(sheet, 0, 0)
    assert data_row == 3
    assert [c.role for c in columns] == ["code", "self", None, "appraised", "reason"]

"""Pages that print: every sheet of the scorecard and of a department's workbook,
read back (orientation, fit, print area, column widths), prints one page wide at
80 % or more on A4; department sheets carry the department's name in the page
header; no table prints under another table's repeated header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from parindex.analysis import AnalysedResult
from parindex.render.department import render_department

from .workbooks import CREATED

A4 = {"portrait": 595.3, "landscape": 841.9}  # page width in points
MIN_SCALE = 0.80
# Excel draws a character of column width (a Times New Roman 11 pt digit) 7 px
# wide, LibreOffice 7.33 px (it does not round): measured with 7.5 px per stored
# width, a little more than either, so that both print at the scale tested
PX_PER_CHARACTER = 7.5
DEFAULT_WIDTH = 8.43
HEADER_FILL = "FFD9D9D9"


def _print_columns(sheet: Worksheet) -> tuple[int, int, int]:
    """(first column, last column, last row) of the sheet's print area."""
    area = sheet.print_area
    assert area, f"{sheet.title}: no print area"
    reference = (area[0] if isinstance(area, list) else area).split("!")[-1]
    first, last = reference.replace("$", "").split(":")
    return (
        column_index_from_string(re.sub(r"\d", "", first)),
        column_index_from_string(re.sub(r"\d", "", last)),
        int(re.sub(r"\D", "", last)),
    )


def print_scale(sheet: Worksheet) -> float:
    """The scale the sheet prints at: A4, one page wide (fit to width), its print
    area's columns at LibreOffice's width per character."""
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9, f"{sheet.title}: not A4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, f"{sheet.title}: not fitted"
    # fitToWidth 1 is the default: xlsxwriter leaves it out
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), sheet.title
    widths: dict[int, float] = {}
    for key, dimension in sheet.column_dimensions.items():
        low = dimension.min or column_index_from_string(key)
        for column in range(low, (dimension.max or low) + 1):
            widths[column] = dimension.width or DEFAULT_WIDTH
    first, last, _ = _print_columns(sheet)
    content = sum(
        widths.get(c, DEFAULT_WIDTH) * PX_PER_CHARACTER for c in range(first, last + 1)
    )
    margins = sheet.page_margins
    printable = (A4[setup.orientation] - 72 * (margins.left + margins.right)) / 0.75
    return min(1.0, printable / content)


@pytest.fixture(scope="module")
def department_workbook(
    sample_result: AnalysedResult, tmp_path_factory: pytest.TempPathFactory
) -> Workbook:
    path = tmp_path_factory.mktemp("department") / "VP-2023.xlsx"
    render_department(sample_result, "VP", path, CREATED)
    return load_workbook(path)


def test_every_scorecard_sheet_prints_at_80_percent(scorecard: Workbook) -> None:
    scales = {sheet.title: print_scale(sheet) for sheet in scorecard.worksheets}
    assert min(scales.values()) >= MIN_SCALE, scales
    # narrow tables print upright, wide ones across the page
    orientations = {s.title: s.page_setup.orientation for s in scorecard.worksheets}
    assert orientations["Đơn vị"] == "portrait"
    assert orientations["Tiêu chí"] == "landscape"


def test_every_department_sheet_prints_at_80_percent(
    department_workbook: Workbook,
) -> None:
    scales = {s.title: print_scale(s) for s in department_workbook.worksheets}
    assert min(scales.values()) >= MIN_SCALE, scales


def test_the_scale_is_measured_not_assumed(tmp_path: Path) -> None:
    """A sheet too wide for the page fails the measure."""
    from parindex.render.xlsx import new_workbook, set_up_page

    path = tmp_path / "wide.xlsx"
    workbook = new_workbook(path, CREATED, "wide", "Times New Roman")
    sheet = workbook.add_worksheet("Rộng")
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    widths = dict.fromkeys(range(10), 25.0)
    for column, width in widths.items():
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, "chữ")
    computed = set_up_page(sheet, 9, widths)
    workbook.close()
    measured = print_scale(load_workbook(path)["Rộng"])
    assert computed < MIN_SCALE
    assert measured < MIN_SCALE
    assert measured == pytest.approx(computed, rel=0.1)


def test_technical_columns_are_left_out_of_the_print_area(
    scorecard: Workbook,
) -> None:
    criteria = scorecard["Tiêu chí"]
    _, last, _ = _print_columns(criteria)
    headers = [c.value for c in criteria[3]]
    assert headers[last - 1] != "Tài liệu kiểm chứng"
    assert "Tài liệu kiểm chứng" in headers[last:]
    sources = scorecard["Nguồn"]
    _, last, _ = _print_columns(sources)
    headers = [c.value for c in sources[3]]
    assert headers[last:] == ["SHA-256"]


def test_department_name_in_the_page_header(
    scorecard: Workbook, department_workbook: Workbook
) -> None:
    assert scorecard["VP"].oddHeader.center.text == "&BVăn phòng HĐND và UBND huyện"
    assert scorecard["TCKH"].oddHeader.center.text == "&BPhòng Tài chính - Kế hoạch"
    assert not scorecard["Tiêu chí"].oddHeader.center.text
    for sheet in department_workbook.worksheets:
        assert sheet.oddHeader.center.text == "&BVăn phòng HĐND và UBND huyện", (
            sheet.title
        )


def _header_rows(sheet: Worksheet) -> list[int]:
    return [
        cell.row
        for cell in sheet["A"]
        if cell.fill is not None and cell.fill.fgColor.rgb == HEADER_FILL
    ]


def test_no_table_under_another_tables_repeated_header(
    scorecard: Workbook, department_workbook: Workbook
) -> None:
    """Where a header row repeats on every page, no other table comes after it;
    a table before it ends on a page of its own (a page break)."""
    for sheet in [*scorecard.worksheets, *department_workbook.worksheets]:
        titles = sheet.print_title_rows
        if not titles:
            continue
        repeated = int(titles.split(":")[0].replace("$", ""))
        headers = _header_rows(sheet)
        assert max(headers) == repeated, (sheet.title, headers, titles)
        if len(headers) > 1:
            breaks = [b.id for b in sheet.row_breaks.brk]
            assert any(
                max(h for h in headers if h < repeated) < b < repeated for b in breaks
            ), (sheet.title, breaks)


def test_signed_changes_and_the_sum_row(scorecard: Workbook) -> None:
    components = scorecard["Chỉ số thành phần"]
    header = [c.value for c in components[5]]
    delta = header.index("Tăng/giảm") + 1
    assert components.cell(6, delta).value == 1.92
    assert components.cell(6, delta).number_format == "+0.00;-0.00;0.00"
    office = scorecard["NV"]
    rows = [[c.value for c in row] for row in office.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "Mã")
    header = rows[start]
    end = next(i for i, r in enumerate(rows) if r[0] == "Cộng")
    leaves = [dict(zip(header, r, strict=False)) for r in rows[start + 1 : end]]
    total = dict(zip(header, rows[end], strict=False))
    # the maximum, the score and the points lost are added; the self-assessed and
    # appraised scores are not (their sums read as a gap that is not there)
    for key in ("Điểm tối đa", "Điểm đạt", "Điểm bị trừ"):
        assert total[key] == pytest.approx(sum(r[key] for r in leaves)), key
    assert total["Điểm bị trừ"] == 5.71
    assert total["Điểm tự đánh giá"] is None
    assert total["Điểm thẩm định"] is None


def test_component_chart_has_short_names(
    scorecard: Workbook, scorecard_path: Path
) -> None:
    from zipfile import ZipFile

    sheet = scorecard["Chỉ số thành phần"]
    names = [c.value for c in sheet["J"][5:13]]
    assert names == [
        "Chỉ đạo điều hành CCHC",
        "Cải cách thể chế",
        "Cải cách TTHC",
        "Tổ chức bộ máy HC",
        "Cải cách chế độ công vụ",
        "Cải cách tài chính công",
        "CQĐT, CQ số",
        "Tác động của CCHC",
    ]
    assert sheet.column_dimensions["J"].hidden
    with ZipFile(scorecard_path) as archive:
        charts = [
            archive.read(n).decode()
            for n in archive.namelist()
            if n.startswith("xl/charts/")
        ]
    component_chart = next(c for c in charts if "Điểm các chỉ số thành phần" in c)
    assert "'Chỉ số thành phần'!$J$6:$J$13" in component_chart
    # hidden cells plotted (xlsxwriter leaves plotVisOnly out; the others have it)
    assert "plotVisOnly" not in component_chart

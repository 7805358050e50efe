"""Number formats that show nothing for some numbers, as an .xlsx stores them.

Whether ``styles.xml`` is parsed for such formats is decided by a byte search
(``sheetfacts._CONCEALING_CODE``): it must find every format whose sections the
full check (``format_sections``) finds empty, or a hidden score is read without
a word. LibreOffice, converting the workbook to text "as shown", agreed on each
of these: a section holding only a colour (``[Red]``), only spacing (``_-``) or
only empty quotes prints nothing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from parindex.sheetfacts import conceals_some, shows_otherwise, xlsx_facts

HIDING = [
    ";;;",
    "0.00;-0.00;;@",
    "[Red];0",  # positives: a colour only
    "[Red]",  # every number
    "0;[Blue]",  # negatives
    "0;-0;[Red]",  # zero
    "[Red];[Blue];0",
    '0;-0;""',  # zero: empty quotes
    "_-;-0",  # positives: spacing only
    "0;-0;_-",
    "[$-409]0;;",
    "[<=0]0;;",
    "* ;-0",  # a fill only
]
SHOWING = [
    "0.00",
    "#,##0.00;[Red]-#,##0.00",
    '0.00" điểm"',
    "[$-409]0.00",
    "0.00_);(0.00)",
]
SHOWING_OTHERWISE = [  # no decimals, or a zero as "-" (blind round 16, F5, F6)
    "0",
    "#,##0",
    '0" điểm"',
    "0.0",
    '_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-',
    "[Blue]0;[Red]-0;0",
    '0.00;-0.00;"-"',
]


REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def _form_in_inputs(tmp_path: Path, source: Path) -> tuple[Path, Path]:
    """An inputs folder with the sample's criteria set and ``source`` as
    ``2023/phong-noi-vu.xlsx``: (inputs, the form)."""
    import shutil

    inputs = tmp_path / "inputs"
    shutil.copytree(REPO / "inputs" / "criteria", inputs / "criteria")
    (inputs / "2023").mkdir()
    form = inputs / "2023" / "phong-noi-vu.xlsx"
    shutil.copy(source, form)
    return inputs, form


def _workbook(path: Path, code: str) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Chấm điểm")
    sheet.write_number(0, 0, 1.5, book.add_format({"num_format": code}))
    sheet.write_number(1, 0, -1.5, book.add_format({"num_format": code}))
    sheet.write_number(2, 0, 0, book.add_format({"num_format": code}))
    book.close()


def _concealed_cells(path: Path) -> dict[tuple[int, int], str]:
    with zipfile.ZipFile(path) as archive:
        facts = xlsx_facts(
            archive.read("xl/styles.xml"),
            {"Chấm điểm": "xl/worksheets/sheet1.xml"},
            {"xl/worksheets/sheet1.xml": archive.read("xl/worksheets/sheet1.xml")},
        )
    return dict(facts["Chấm điểm"].concealing)


@pytest.mark.parametrize("code", HIDING)
def test_a_format_hiding_some_numbers_is_found(tmp_path: Path, code: str) -> None:
    assert conceals_some(code)  # the full check says so
    _workbook(tmp_path / "form.xlsx", code)
    assert _concealed_cells(tmp_path / "form.xlsx") == {
        (0, 0): code,
        (1, 0): code,
        (2, 0): code,
    }


@pytest.mark.parametrize("code", SHOWING_OTHERWISE)
def test_a_format_showing_a_score_otherwise_is_found(tmp_path: Path, code: str) -> None:
    assert not conceals_some(code) and shows_otherwise(code)
    _workbook(tmp_path / "form.xlsx", code)
    assert _concealed_cells(tmp_path / "form.xlsx") == {
        (0, 0): code,
        (1, 0): code,
        (2, 0): code,
    }


@pytest.mark.parametrize("code", SHOWING)
def test_a_format_showing_every_number_is_not(tmp_path: Path, code: str) -> None:
    assert not conceals_some(code) and not shows_otherwise(code)
    _workbook(tmp_path / "form.xlsx", code)
    assert _concealed_cells(tmp_path / "form.xlsx") == {}


def test_an_empty_format_code_is_general_not_hiding() -> None:
    """A ``numFmt`` with an empty code (some generators write one) shows the
    number as General in Excel and LibreOffice: no cell is said hidden."""
    from parindex.sheetfacts import concealing_styles

    styles = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<numFmts count="2"><numFmt numFmtId="164" formatCode=""/>'
        b'<numFmt numFmtId="165" formatCode="[Red];0"/></numFmts>'
        b'<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/>'
        b'<xf numFmtId="165"/></cellXfs></styleSheet>'
    )
    assert concealing_styles(styles) == {2: "[Red];0"}


def _ods_content(cells: str) -> bytes:
    return (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Chấm điểm">'
        f"<table:table-row>{cells}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()


def test_an_ods_number_stored_as_shown_empty_is_found_and_no_other() -> None:
    """LibreOffice stores each cell's text as shown: a number whose format hides
    it has an empty paragraph. A number without any paragraph (a program that
    writes none) and a number shown are not said hidden."""
    from parindex.sheetfacts import ods_facts

    cells = (
        '<table:table-cell office:value-type="float" office:value="1.28"><text:p/></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="1.5"/>'
        '<table:table-cell office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="currency"'
        ' office:value="3"><text:p></text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p/></table:table-cell>'
    )
    facts = ods_facts(_ods_content(cells))["Chấm điểm"]
    assert dict(facts.shown) == {(0, 0): "", (0, 3): "", (0, 4): ""}
    assert facts.concealed((0, 0), 1.28) == "empty"
    assert facts.concealed((0, 1), 1.5) is None
    assert facts.concealed((0, 2), 2.0) is None


def _styles_renamed(source: Path, target: Path, name: str) -> None:
    """``source`` with its styles part at ``name``, its relationship and content
    type following: a valid package (the part is found through the workbook's
    relationships)."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"styles.xml", name.removeprefix("xl/").encode())
            new.writestr(
                name if info.filename == "xl/styles.xml" else info.filename, data
            )


def test_a_styles_part_under_another_name_is_found(tmp_path: Path) -> None:
    """The styles part is found through the workbook's relationships, not by its
    usual name: under ``xl/Styles1.xml`` a ``;;;`` score was used without a word
    (blind round 16, formats F4)."""
    from parindex.check import check_files

    inputs, plain = _form_in_inputs(
        tmp_path, CORPUS / "value-format-hides-number" / "phong-noi-vu.xlsx"
    )
    renamed = tmp_path / "phong-noi-vu.xlsx"
    _styles_renamed(plain, renamed, "xl/Styles1.xml")
    with zipfile.ZipFile(renamed) as archive:
        assert "xl/styles.xml" not in archive.namelist()
    said = check_files([plain], inputs).select("severity", "cell", "message").rows()
    assert (
        said
        and said
        == check_files([renamed], inputs).select("severity", "cell", "message").rows()
    )


def test_an_ods_cell_is_read_against_the_text_it_shows() -> None:
    """An .ods keeps each cell's text as shown: an error shown over a stored 0
    (a writer without LibreOffice's ``calcext:`` marks), a percent shown by a
    float's data style, a zero shown as "-" and a score shown rounded are each
    found (blind round 16, formats F9, F10, F11, and F5/F6 in an .ods)."""
    from parindex.sheetfacts import ods_facts

    cells = (
        '<table:table-cell table:formula="of:=1/0" office:value-type="float"'
        ' office:value="0"><text:p>#DIV/0!</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=#N/A" office:value-type="string"'
        ' office:string-value=""><text:p>#N/A</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="1">'
        "<text:p>100%</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="0">'
        "<text:p>-</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.28">'
        "<text:p>1</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.28">'
        "<text:p>1,28</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.5">'
        "<text:p>1.50</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="2">'
        "<text:p>2 điểm</text:p></table:table-cell>"
    )
    facts = ods_facts(_ods_content(cells))["Chấm điểm"]
    assert dict(facts.errors) == {(0, 0): "#DIV/0!", (0, 1): "#N/A"}
    assert facts.percent == {(0, 2)}
    assert dict(facts.shown) == {(0, 3): "-", (0, 4): "1"}
    assert facts.concealed((0, 3), 0.0) == "dash"
    assert facts.concealed((0, 4), 1.28) == "shown"
    assert facts.concealed((0, 5), 1.28) is None
    assert facts.concealed((0, 6), 1.5) is None
    assert facts.concealed((0, 7), 2.0) is None


def test_a_score_shown_otherwise_is_said_with_what_the_form_shows(
    tmp_path: Path,
) -> None:
    """A 0 appraisal under Excel's Comma style (built-in format 43, written
    without a ``numFmt``) shows "-", which means "not scored"; 1,28 under the
    format ``0`` shows 1. Each is used as typed, and said with what the form
    shows (blind round 16, formats F5, F6: used without a word)."""

    import openpyxl
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    from parindex import messages
    from parindex.check import check_files

    inputs, form = _form_in_inputs(
        tmp_path, CORPUS / "value-format-hides-zero" / "phong-noi-vu.xlsx"
    )
    book = openpyxl.load_workbook(form)
    sheet = book.worksheets[0]
    assert (sheet["E11"].value, sheet["E12"].value) == (1.28, 0)
    sheet["E11"].number_format = "0"
    sheet["E12"].number_format = BUILTIN_FORMATS[43]
    book.save(form)
    with zipfile.ZipFile(form) as archive:
        assert b'numFmtId="43"' in archive.read("xl/styles.xml")
    said = check_files([form], inputs).select("severity", "cell", "message").rows()
    assert said == [
        (
            "warning",
            "E11",
            messages.VALUE_SHOWN_ROUNDED.format(
                cell="E11",
                shown="1,28",
                how=messages.SHOWN_BY["code"].format(code="0"),
                display="1",
            ),
        ),
        (
            "warning",
            "E12",
            messages.VALUE_SHOWN_DASH.format(
                cell="E12",
                how=messages.SHOWN_BY["code"].format(code=BUILTIN_FORMATS_43),
                display="-",
            ),
        ),
    ]


BUILTIN_FORMATS_43 = '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)'


def test_an_ods_formula_stored_without_a_value_is_uncalculated() -> None:
    """A program that cannot calculate writes an .ods formula with no value at
    all: the cell is a formula to recalculate, as in an .xlsx, not an empty
    cell (blind round 16, formats F8: "để trống", the self score used). A
    formula whose value is an empty text is calculated."""
    from parindex.sheetfacts import ods_facts

    cells = (
        '<table:table-cell table:formula="of:=[.D16]-0.22"/>'
        '<table:table-cell table:formula="of:=&quot;&quot;" office:value-type="string"'
        ' office:string-value=""><text:p/></table:table-cell>'
        '<table:table-cell table:formula="of:=1+1" office:value-type="float"'
        ' office:value="2"><text:p>2</text:p></table:table-cell>'
    )
    facts = ods_facts(_ods_content(cells))["Chấm điểm"]
    assert facts.uncalculated == {(0, 0)}


def test_the_shown_text_is_judged_to_the_hundredth_and_through_units() -> None:
    """Round 2 of blind round 16: a score of three decimals shown to two (0,425
    as 0.43) is shown right (G2); a unit or a currency around the number is
    looked through, in an .ods as in an .xlsx (G3); a zero shown as a dash with
    a currency is a dash (G4); a format scaling by a thousand (``0.00,``) shows
    1,28 as 0,00 (G5)."""
    from parindex.sheetfacts import ods_facts, shown_by_format

    cells = (
        '<table:table-cell office:value-type="float" office:value="0.425">'
        "<text:p>0.43</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.28">'
        "<text:p>1 điểm</text:p></table:table-cell>"
        '<table:table-cell office:value-type="currency" office:value="1.28">'
        "<text:p>$1</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.28">'
        "<text:p>1 ₫</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="0">'
        "<text:p>- ₫</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1.28">'
        "<text:p>1,28 điểm</text:p></table:table-cell>"
    )
    facts = ods_facts(_ods_content(cells))["Chấm điểm"]
    assert dict(facts.shown) == {
        (0, 1): "1 điểm",
        (0, 2): "$1",
        (0, 3): "1 ₫",
        (0, 4): "- ₫",
    }
    assert facts.concealed((0, 4), 0.0) == "dash"
    assert facts.concealed((0, 1), 1.28) == "shown"
    assert shown_by_format("0.00", 0.425) is None
    accounting = '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)'
    assert shown_by_format(accounting, 0.0) == "$-"
    assert shown_by_format("0.00,", 1.28) == "0,00"
    assert shown_by_format("#,##0.00", 1.28) is None


def test_a_sum_row_shown_otherwise_is_not_said(tmp_path: Path) -> None:
    """A ``0`` format over the whole score column: the leaves shown otherwise
    are said, the group and component rows are not (their figures are not
    used: parindex adds the leaves, and says where they disagree), round 2 of
    blind round 16, G1 (13 of 36 warnings said "Vẫn dùng điểm 7,28")."""

    import openpyxl

    from parindex import pipeline
    from parindex.check import check_files

    inputs, form = _form_in_inputs(
        tmp_path, REPO / "inputs" / "2023" / "phong-noi-vu.xlsx"
    )
    book = openpyxl.load_workbook(form)
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if isinstance(cell.value, float | int) and cell.column_letter in "DE":
                cell.number_format = "0"
    book.save(form)
    said = check_files([form], inputs)
    groups = pipeline.load_criteria(inputs, 2023).group_codes
    shown = said.filter(pl.col("message").str.contains("hiện giá trị này"))
    assert shown.height > 0
    assert set(shown["criterion"].to_list()).isdisjoint(groups)

"""What a sheet's cells do not say and calamine does not expose.

Hidden and filtered rows, hidden columns, Excel error values (calamine reads
``#DIV/0!`` as an empty cell), percent-formatted numbers (calamine gives 0.5 for a
cell showing ``50%``) and numbers the form does not show (a number format such as
``;;;`` or ``0;-0;;@``, or a sheet set not to show zero values). Each format keeps
them elsewhere (numbers not shown: xlsx/xlsm and xls only):

* xlsx/xlsm: the sheet XML (``<row hidden="1">``, ``<col min max hidden>``,
  ``<autoFilter>``, ``<c t="e">``, the cell's style ``s`` → ``numFmtId`` in
  ``xl/styles.xml``, ``<sheetView showZeros="0">``), parsed streaming, and only
  when a cheap byte search finds one of these;
* ods: ``content.xml`` (``table:visibility="collapsed"|"filter"`` on rows and
  columns, ``office:value-type="percentage"``, ``calcext:value-type="error"``);
* xls: xlrd with ``formatting_info=True`` (``rowinfo_map``/``colinfo_map`` hidden
  flags, error cells, the cell's format string, ``show_zero_values``).

Only called on content that ``ingest.safety`` accepted (no DTD, sizes capped).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from parindex.ooxml import MAIN_NS, transitional
from parindex.text import nfc

Position = tuple[int, int]
MAX_ROWS = 5000  # as parindex.workbook: nothing past what is read matters
MAX_COLUMNS = 64


@dataclass(frozen=True)
class SheetFacts:
    """Hidden rows and columns (0-based), whether hidden rows come from a filter,
    error values by cell, and percent-formatted cells."""

    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    filtered: bool = False
    errors: Mapping[Position, str] = field(default_factory=dict)
    percent: frozenset[Position] = frozenset()
    merged: tuple[tuple[Position, Position], ...] = ()
    """Merged ranges as ``Sheet.merged`` holds them, where the reader gives none
    (an ``.ods``: its spans, ``table:number-rows-spanned``)."""
    concealing: Mapping[Position, str] = field(default_factory=dict)
    """Cells holding a number whose number format shows nothing for some
    numbers (its code; ``shows_nothing`` says for which)."""
    zeros_hidden: bool = False
    """The sheet is set not to show zero values (Excel's "Show a zero in cells
    that have zero value" unticked)."""
    shown_empty: frozenset[Position] = frozenset()
    """Cells holding a number that the file stores as shown empty (an ``.ods``
    keeps each cell's text as displayed: a hiding format leaves it empty)."""

    def concealed(self, position: Position, number: float) -> str | None:
        """Why the number in the cell at ``position`` is not shown on the form
        (``format``, ``zeros`` or ``empty``), None when it is shown."""
        if position in self.shown_empty:
            return "empty"
        code = self.concealing.get(position) if self.concealing else None
        if code is not None and shows_nothing(code, number):
            return "format"
        if self.zeros_hidden and number == 0:
            return "zeros"
        return None


NO_FACTS = SheetFacts()

# --- xlsx / xlsm ------------------------------------------------------------------

_MAIN = f"{{{MAIN_NS}}}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_PERCENT_IDS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.')


def _is_percent_format(code: str) -> bool:
    """Whether a number format shows a percent (``0%``, ``0.00%``), quoted text and
    escaped characters aside."""
    return "%" in _QUOTED.sub("", code)


_FORMAT_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|;|[^";\\\[_*]+')
# A format code (as ``styles.xml`` stores it, quotes as ``&quot;``) with a
# section that may print nothing: at the code's start or after a ``;``, nothing
# but colours and conditions (``[Red]``), spacing (``_-``), fills (``* ``),
# white space or empty quotes before the next ``;`` or the code's end. Wider than
# ``format_sections`` (an entity's ``;`` counts as a section's end): it only says
# whether the styles are worth parsing, never that a cell is concealed.
_CONCEALING_CODE = re.compile(
    rb'formatCode="(?:[^"]*;)?(?:\[[^\]"]*\]|_[^"]|\*[^"]|\s|&quot;&quot;)*[;"]'
)


def format_sections(code: str) -> list[str]:
    """A number format's sections (split on ``;`` outside quotes, escapes and
    brackets), each as the text it prints around the number: quoted text and
    escaped characters kept, colours, conditions, spacing (``_x``) and fills
    (``*x``) left out."""
    sections = [""]
    for part in _FORMAT_PARTS.findall(code):
        if part == ";":
            sections.append("")
        elif part.startswith('"'):
            sections[-1] += part[1:-1]
        elif part.startswith("\\"):
            sections[-1] += part[1:]
        elif not part.startswith(("[", "_", "*")):
            sections[-1] += part.strip()
    return sections


@lru_cache(maxsize=256)
def _empty_sections(code: str) -> tuple[bool, bool, bool]:
    """Whether the format shows nothing for (positive, negative, zero) numbers:
    one section serves all three, two sections give negatives the second,
    three or more give zero the third. An empty code is General (Excel and
    LibreOffice show the number)."""
    if not code:
        return False, False, False
    sections = format_sections(code)
    empty = [not section for section in sections]
    if len(sections) == 1:
        return empty[0], empty[0], empty[0]
    if len(sections) == 2:
        return empty[0], empty[1], empty[0]
    return empty[0], empty[1], empty[2]


def shows_nothing(code: str, number: float) -> bool:
    """Whether a cell formatted with ``code`` shows nothing for ``number``."""
    positive, negative, zero = _empty_sections(code)
    if number > 0:
        return positive
    if number < 0:
        return negative
    return zero


def conceals_some(code: str) -> bool:
    """Whether the format shows nothing for some numbers (``;;;``)."""
    return any(_empty_sections(code))


def percent_styles(styles_xml: bytes) -> frozenset[int]:
    """Indices of ``cellXfs`` whose number format shows a percent."""
    root = ET.fromstring(styles_xml)
    custom = {
        int(fmt.get("numFmtId", "-1"))
        for fmt in root.iter(f"{_MAIN}numFmt")
        if _is_percent_format(fmt.get("formatCode", ""))
    }
    percent_ids = _PERCENT_IDS | custom
    found = set()
    xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate([] if xfs is None else xfs.iter(f"{_MAIN}xf")):
        if int(xf.get("numFmtId", "0")) in percent_ids:
            found.add(index)
    return frozenset(found)


def concealing_styles(styles_xml: bytes) -> dict[int, str]:
    """Indices of ``cellXfs`` whose number format shows nothing for some
    numbers, with its code (no built-in format does)."""
    root = ET.fromstring(styles_xml)
    codes = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{_MAIN}numFmt")
        if conceals_some(fmt.get("formatCode", ""))
    }
    found = {}
    xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate([] if xfs is None else xfs.iter(f"{_MAIN}xf")):
        code = codes.get(int(xf.get("numFmtId", "0")))
        if code is not None:
            found[index] = code
    return found


_STYLES_MEMO_BYTES = 256 * 1024
Styles = TypeVar("Styles")


def _styles_once(read: Callable[[bytes], Styles], styles_xml: bytes) -> Styles:
    """``read(styles_xml)`` (``percent_styles``, ``concealing_styles``), once per
    content for styles of small size (files made from one template share them);
    a failure is not kept."""
    if len(styles_xml) > _STYLES_MEMO_BYTES:
        return read(styles_xml)
    return _styles_memo(read, bytes(styles_xml))  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _styles_memo(read: Callable[[bytes], object], styles_xml: bytes) -> object:
    return read(styles_xml)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _true(value: str | None) -> bool:
    return value in ("1", "true")


def xlsx_sheet_facts(
    sheet_xml: bytes,
    percent: frozenset[int],
    concealing: Mapping[int, str] | None = None,
) -> SheetFacts:
    """The facts of one worksheet part; ``percent`` are the percent style
    indices, ``concealing`` the styles whose format shows nothing for some
    numbers (``concealing_styles``)."""
    wanted_styles = {str(i) for i in percent}
    concealing_by_name = {str(i): code for i, code in (concealing or {}).items()}
    zeros_hidden = b"showZeros=" in sheet_xml and (
        b'showZeros="0"' in sheet_xml or b'showZeros="false"' in sheet_xml
    )
    if (
        b"hidden=" not in sheet_xml
        and b't="e"' not in sheet_xml
        and b"autoFilter" not in sheet_xml
        and not wanted_styles
        and not concealing_by_name
        and not zeros_hidden
    ):
        return NO_FACTS
    concealed_cells: dict[Position, str] = {}
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    errors: dict[Position, str] = {}
    percent_cells: set[Position] = set()
    filtered = False
    row_index = -1
    column_index = -1
    for event, element in ET.iterparse(io.BytesIO(sheet_xml), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_MAIN}row":
                number = element.get("r")
                row_index = int(number) - 1 if number else row_index + 1
                column_index = -1
                if _true(element.get("hidden")) and row_index < MAX_ROWS:
                    hidden_rows.add(row_index)
            continue
        if tag == f"{_MAIN}c":
            match = _CELL_REF.match(element.get("r", ""))
            column_index = _column(match.group(1)) if match else column_index + 1
            position = (row_index, column_index)
            if row_index < MAX_ROWS and column_index < MAX_COLUMNS:
                if element.get("t") == "e":
                    value = element.find(f"{_MAIN}v")
                    errors[position] = (
                        (value.text or "#ERROR") if value is not None else "#ERROR"
                    )
                elif element.get("t") in (None, "n") and (style := element.get("s")):
                    if style in wanted_styles:
                        if element.find(f"{_MAIN}v") is not None:
                            percent_cells.add(position)
                    elif style in concealing_by_name:
                        if element.find(f"{_MAIN}v") is not None:
                            concealed_cells[position] = concealing_by_name[style]
            element.clear()
        elif tag == f"{_MAIN}row":
            element.clear()
        elif tag == f"{_MAIN}col":
            if _true(element.get("hidden")):
                first = int(element.get("min", "1")) - 1
                last = min(int(element.get("max", "1")), MAX_COLUMNS)
                hidden_columns.update(range(first, last))
        elif tag == f"{_MAIN}autoFilter":
            filtered = True
    return SheetFacts(
        hidden_rows=frozenset(hidden_rows),
        hidden_columns=frozenset(hidden_columns),
        filtered=filtered and bool(hidden_rows),
        errors=errors,
        percent=frozenset(percent_cells),
        concealing=concealed_cells,
        zeros_hidden=zeros_hidden,
    )


def xlsx_facts(
    styles: bytes | None, parts: Mapping[str, str], worksheets: Mapping[str, bytes]
) -> dict[str, SheetFacts]:
    """Sheet name → facts of an xlsx/xlsm workbook.

    Args:
        styles: ``xl/styles.xml`` (None when the workbook has none).
        parts: sheet name → worksheet part (``workbook.sheet_parts``).
        worksheets: part → inflated XML, as the safety pass kept them.
    """
    if styles is not None:
        styles = transitional(styles)
    percent: frozenset[int] = frozenset()
    if styles is not None and (
        b"%" in styles or b'numFmtId="9"' in styles or b'numFmtId="10"' in styles
    ):
        percent = _styles_once(percent_styles, styles)
    concealing: dict[int, str] = {}
    if styles is not None and _CONCEALING_CODE.search(styles):
        concealing = _styles_once(concealing_styles, styles)
    facts = {}
    for name, part in parts.items():
        xml = worksheets.get(part)
        if xml is not None:
            facts[name] = xlsx_sheet_facts(transitional(xml), percent, concealing)
    return facts


# --- ods ----------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _repeat(element: ET.Element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{attribute}", "1")))
    except ValueError:
        return 1


def ods_facts(content_xml: bytes) -> dict[str, SheetFacts]:
    """Sheet name → facts of an ods ``content.xml``."""
    facts: dict[str, SheetFacts] = {}
    if (
        b"visibility=" not in content_xml
        and b"percentage" not in content_xml
        and b'value-type="error"' not in content_xml
        and b"-spanned=" not in content_xml
        and b"<text:p/>" not in content_xml
        and b"<text:p></text:p>" not in content_xml
    ):
        return facts
    name = ""
    rows: set[int] = set()
    columns: set[int] = set()
    errors: dict[Position, str] = {}
    percent: set[Position] = set()
    empty: set[Position] = set()
    merged: list[tuple[Position, Position]] = []
    filtered = False
    row = column = 0
    for event, element in ET.iterparse(
        io.BytesIO(content_xml), events=("start", "end")
    ):
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                name = nfc(element.get(f"{_TABLE}name", ""))
                rows, columns, errors, percent = set(), set(), {}, set()
                empty, merged = set(), []
                filtered, row, column = False, 0, 0
            elif tag == f"{_TABLE}table-row":
                column = 0
            continue
        if tag == f"{_TABLE}table-column":
            count = _repeat(element, "number-columns-repeated")
            if element.get(f"{_TABLE}visibility", "visible") != "visible":
                columns.update(range(column, min(column + count, MAX_COLUMNS)))
            column += count
        elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            count = _repeat(element, "number-columns-repeated")
            if row < MAX_ROWS and column < MAX_COLUMNS:
                kind = element.get(f"{_OFFICE}value-type")
                if element.get(f"{_CALCEXT}value-type") == "error":
                    text = "".join(element.itertext()).strip() or "#ERROR"
                    for c in range(column, min(column + count, MAX_COLUMNS)):
                        errors[(row, c)] = text
                elif kind == "percentage":
                    percent.update(
                        (row, c)
                        for c in range(column, min(column + count, MAX_COLUMNS))
                    )
                elif kind in _NUMBER_KINDS and _shown_empty(element):
                    empty.update(
                        (row, c)
                        for c in range(column, min(column + count, MAX_COLUMNS))
                    )
                down = _repeat(element, "number-rows-spanned")
                across = _repeat(element, "number-columns-spanned")
                if down > 1 or across > 1:
                    last = (
                        min(row + down, MAX_ROWS) - 1,
                        min(column + across, MAX_COLUMNS) - 1,
                    )
                    merged.append(((row, column), last))
            column += count
            element.clear()
        elif tag == f"{_TABLE}table-row":
            count = _repeat(element, "number-rows-repeated")
            visibility = element.get(f"{_TABLE}visibility", "visible")
            if visibility != "visible":
                rows.update(range(row, min(row + count, MAX_ROWS)))
                filtered = filtered or visibility == "filter"
            row += count
            column = 0
            element.clear()
        elif tag == f"{_TABLE}table":
            facts[name] = SheetFacts(
                hidden_rows=frozenset(rows),
                hidden_columns=frozenset(columns),
                filtered=filtered,
                errors=errors,
                percent=frozenset(percent),
                merged=tuple(merged),
                shown_empty=frozenset(empty),
            )
            element.clear()
    return facts


_NUMBER_KINDS = frozenset({"float", "currency"})


def _shown_empty(cell: ET.Element) -> bool:
    """Whether an ods cell holding a number is stored as shown empty: it has a
    paragraph (LibreOffice writes the displayed text there) and no text at all.
    A cell without any paragraph says nothing (some programs write none)."""
    return cell.find(f"{_TEXT}p") is not None and not "".join(cell.itertext()).strip()


# --- xls ------------------------------------------------------------------------------


def xls_facts(content: bytes) -> dict[str, SheetFacts]:
    """Sheet name → facts of an xls workbook (through xlrd)."""
    import xlrd  # only xls files pay for it

    book = xlrd.open_workbook(
        file_contents=content,
        formatting_info=True,
        on_demand=True,
        logfile=io.StringIO(),
    )
    percent_xf = set()
    concealing_xf: dict[int, str] = {}
    for index, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and _is_percent_format(fmt.format_str):
            percent_xf.add(index)
        elif fmt is not None and conceals_some(fmt.format_str):
            concealing_xf[index] = fmt.format_str
    facts = {}
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            hidden_rows = frozenset(
                r
                for r, info in sheet.rowinfo_map.items()
                if info.hidden and r < MAX_ROWS
            )
            hidden_columns = frozenset(
                c
                for c, info in sheet.colinfo_map.items()
                if info.hidden and c < MAX_COLUMNS
            )
            errors: dict[Position, str] = {}
            percent: set[Position] = set()
            concealed: dict[Position, str] = {}
            for r in range(min(sheet.nrows, MAX_ROWS)):
                for c in range(min(sheet.row_len(r), MAX_COLUMNS)):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_ERROR:
                        errors[(r, c)] = xlrd.error_text_from_code.get(
                            cell.value, "#ERROR"
                        )
                    elif (
                        cell.ctype == xlrd.XL_CELL_NUMBER
                        and cell.xf_index in percent_xf
                    ):
                        percent.add((r, c))
                    elif (
                        cell.ctype == xlrd.XL_CELL_NUMBER
                        and cell.xf_index in concealing_xf
                    ):
                        concealed[(r, c)] = concealing_xf[cell.xf_index]
            facts[nfc(sheet.name)] = SheetFacts(
                hidden_rows=hidden_rows,
                hidden_columns=hidden_columns,
                errors=errors,
                percent=frozenset(percent),
                concealing=concealed,
                zeros_hidden=not sheet.show_zero_values,
            )
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return facts

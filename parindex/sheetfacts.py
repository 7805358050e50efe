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
from decimal import ROUND_HALF_UP, Decimal
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
    uncalculated: frozenset[Position] = frozenset()
    """Formula cells stored without any value (an ``.ods`` written by a program
    that cannot calculate; an xlsx's are found by the reader)."""
    shown: Mapping[Position, str] = field(default_factory=dict)
    """Cells holding a number whose text as shown does not read as it: empty (a
    format hiding it), ``-`` (a zero shown as "not scored") or another number
    (rounded by its format). An ``.ods`` keeps each cell's shown text."""
    external: frozenset[Position] = frozenset()
    """Formula cells taking their value from another workbook (an external
    link: ``='[1]Tổng hợp'!E9``, ``='C:\\…\\[tong-hop.xlsx]TH'!D11``): the
    value is the one Excel last saved; the other workbook is never opened."""

    def concealed(self, position: Position, number: float) -> str | None:
        """Why the number in the cell at ``position`` is not shown as it is on
        the form (``format``, ``zeros``, ``empty``, ``dash`` or ``shown``), None
        when it is."""
        text = self.shown.get(position) if self.shown else None
        if text is not None:
            return "empty" if not text else "dash" if is_dash(text) else "shown"
        code = self.concealing.get(position) if self.concealing else None
        if code is not None and shows_nothing(code, number):
            return "format"
        shown = shown_by_format(code, number) if code is not None else None
        if shown is not None:
            return "dash" if is_dash(shown) else "shown" if shown else "format"
        if self.zeros_hidden and number == 0:
            return "zeros"
        return None

    def shown_as(self, position: Position, number: float) -> str:
        """The text the cell shows for ``number`` (``concealed`` said it is not
        the number)."""
        text = self.shown.get(position) if self.shown else None
        if text is not None:
            return text
        code = self.concealing.get(position, "") if self.concealing else ""
        return shown_by_format(code, number) or ""


NO_FACTS = SheetFacts()
DASHES = frozenset({"-", "–", "—"})
"""What a cell shows for "not scored" (SPEC) that a format can show for 0."""
ERROR_TEXTS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#ERROR"}
)
_ERR_CODE = re.compile(r"^Err:\d{3}$")  # LibreOffice's own error texts

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


# a cell format naming a built-in format that may show a score otherwise
_SHOWING_OTHERWISE_ID = re.compile(rb'numFmtId="(?:1|3|37|38|41|42|43|44)"')


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


# Built-in number formats (no ``numFmt`` in styles.xml) that show a score
# otherwise than typed: no decimals, or a zero as "-" (Comma, Accounting)
BUILT_IN_FORMATS = {
    1: "0",
    3: "#,##0",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)',
}
_NOT_PLAIN = re.compile(r"[yYmMdDhHsSeE/%@]")
_DECIMALS = re.compile(r"\.([0#?]*)")
_SCALING = re.compile(r"[0#?.](,+)[^0#?]*$")


def _raw_section(code: str, number: float) -> list[str] | None:
    """The parts (``_FORMAT_PARTS``) of the section of ``code`` a number takes:
    one section serves all, two give negatives the second, three or more give
    zero the third."""
    sections: list[list[str]] = [[]]
    for part in _FORMAT_PARTS.findall(code):
        if part == ";":
            sections.append([])
        else:
            sections[-1].append(part)
    if number > 0 or len(sections) == 1:
        return sections[0]
    if number < 0:
        return sections[1]
    return sections[2] if len(sections) > 2 else sections[0]


def shown_by_format(code: str, number: float) -> str | None:
    """The text a cell formatted with ``code`` shows for ``number`` when it does
    not read as the number: ``""`` (hidden), a literal such as ``-`` (a zero as
    "not scored"), or the number rounded to the format's decimals (``1`` for
    1.28 under ``0``); None when it shows the number to the hundredth, or when
    the format is not a plain number's (a date, a fraction, a percent, text,
    scientific: not judged)."""
    if not code or code.lower() == "general":
        return None
    parts = _raw_section(code, number)
    if parts is None:
        return None
    literal = ""
    pattern = ""
    for part in parts:
        if part.startswith('"'):
            literal += part[1:-1]
        elif part.startswith("\\"):
            literal += part[1:]
        elif not part.startswith(("[", "_", "*")):
            pattern += part
    if _NOT_PLAIN.search(pattern):
        return None
    placeholders = [ch for ch in pattern if ch in "0#?"]
    if not placeholders or (number == 0 and "0" not in placeholders):
        # no digit at all, or a zero whose digits all show nothing (``#``, ``?``)
        shown = (literal + re.sub(r"[0#?.,\s]", "", pattern)).strip()
        return shown if shown != _plain(number) else None
    found = _DECIMALS.search(pattern)
    decimals = len(found.group(1)) if found else 0
    # commas after the last digit divide by a thousand each (``0.00,``)
    scaled = _SCALING.search(pattern)
    value = Decimal(repr(abs(number))).scaleb(
        -3 * len(scaled.group(1)) if scaled else 0
    )
    places = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    if abs(float(rounded) - abs(number)) <= HALF_HUNDREDTH:
        return None
    return f"{rounded:f}".replace(".", ",")


def _plain(number: float) -> str:
    return f"{number:g}"


def shows_otherwise(code: str) -> bool:
    """Whether a format may show a score otherwise than typed: nothing for some
    numbers, a literal (``-``) for some, or fewer than two decimals."""
    if conceals_some(code):
        return True
    return any(
        shown_by_format(code, number) is not None for number in (1.28, -1.28, 0.0)
    )


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
    """Indices of ``cellXfs`` whose number format may show a score otherwise
    than typed (``shows_otherwise``: nothing, a ``-``, fewer decimals), with its
    code (a built-in one's as ``BUILT_IN_FORMATS`` writes it)."""
    root = ET.fromstring(styles_xml)
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{_MAIN}numFmt")
    }
    codes = {
        number: code
        for number, code in {**BUILT_IN_FORMATS, **custom}.items()
        if shows_otherwise(code)
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


_LINKED_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>[^<]*\[")
"""A formula with ``[`` in it (a cheap byte search before the parse)."""
_EXTERNAL_REFERENCE = re.compile(
    r"(?<![\w\]])\[\d+\]|\[[^\[\]]*\.(?:xl\w*|ods|csv)\]", re.IGNORECASE
)
"""Another workbook in a formula: ``[1]`` (Excel's link index, not a table's
column ``Bảng1[1]``) or its file name in brackets."""


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
    # the byte search first: no ``[`` anywhere, no formula with one (memchr-fast)
    linked = b"[" in sheet_xml and _LINKED_FORMULA.search(sheet_xml) is not None
    if (
        b"hidden=" not in sheet_xml
        and b't="e"' not in sheet_xml
        and b"autoFilter" not in sheet_xml
        and not wanted_styles
        and not concealing_by_name
        and not zeros_hidden
        and not linked
    ):
        return NO_FACTS
    external: set[Position] = set()
    shared_external: dict[str, bool] = {}  # a shared formula's master, by si
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
                formula = element.find(f"{_MAIN}f") if linked else None
                if formula is not None:
                    text = formula.text or ""
                    shared = formula.get("si") if formula.get("t") == "shared" else None
                    far = bool(text) and _EXTERNAL_REFERENCE.search(text) is not None
                    if shared is not None:
                        if text:  # the master; the cells sharing it have no text
                            shared_external[shared] = far
                        else:
                            far = shared_external.get(shared, False)
                    if far:
                        external.add(position)
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
        external=frozenset(external),
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
    if styles is not None and (
        b"<numFmt " in styles
        or _SHOWING_OTHERWISE_ID.search(styles)
        or _CONCEALING_CODE.search(styles)
    ):
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
        and b"office:value-type=" not in content_xml
    ):
        return facts
    name = ""
    rows: set[int] = set()
    columns: set[int] = set()
    errors: dict[Position, str] = {}
    percent: set[Position] = set()
    shown: dict[Position, str] = {}
    uncalculated: set[Position] = set()
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
                shown, merged, uncalculated = {}, [], set()
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
                cells = range(column, min(column + count, MAX_COLUMNS))
                text = _shown_text(element)
                if element.get(f"{_CALCEXT}value-type") == "error" or (
                    text is not None
                    and (text in ERROR_TEXTS or _ERR_CODE.match(text))
                    and (kind in _NUMBER_KINDS or element.get(f"{_TABLE}formula"))
                ):
                    # an error shown over a stored 0 or "" (a writer without
                    # LibreOffice's calcext marks) is the error it shows
                    for c in cells:
                        errors[(row, c)] = text or "#ERROR"
                elif kind == "percentage" or (
                    kind in _NUMBER_KINDS and text is not None and text.endswith("%")
                ):
                    percent.update((row, c) for c in cells)
                elif kind in _NUMBER_KINDS and text is not None:
                    value = _float(element.get(f"{_OFFICE}value"))
                    if value is not None and not _reads_as(text, value):
                        shown.update(((row, c), text) for c in cells)
                elif kind is None and element.get(f"{_TABLE}formula"):
                    uncalculated.update((row, c) for c in cells)
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
                shown=shown,
                uncalculated=frozenset(uncalculated),
            )
            element.clear()
    return facts


_NUMBER_KINDS = frozenset({"float", "currency"})


def _shown_text(cell: ET.Element) -> str | None:
    """The text an ods cell is shown with (LibreOffice writes it in the cell's
    paragraphs), stripped; None for a cell without any paragraph (some
    programs write none: it says nothing)."""
    if cell.find(f"{_TEXT}p") is None:
        return None
    return "".join(cell.itertext()).strip()


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


_SHOWN_NUMBER = re.compile(r"\d[\d.,\s\u00a0]*")
HALF_HUNDREDTH = 0.005 + 1e-9
"""How far a number shown may be from the score and still show it: scores are
compared to the hundredth (0,425 shown as 0,43 is shown right)."""


def is_dash(text: str) -> bool:
    """Whether a cell's text is a dash, alone or with a currency or a unit
    around it (``-``, ``$-``, ``- ₫``): what "not scored" looks like."""
    return not any(ch.isdigit() for ch in text) and any(ch in text for ch in DASHES)


def _reads_as(text: str, value: float) -> bool:
    """Whether the text a cell shows reads as ``value`` to the hundredth: its
    number (a decimal comma or point, thousands separators, spaces), a unit or a
    currency around it looked through. A text holding no number (a word), a
    date or a fraction is taken as shown right: only an empty text, a dash or a
    number of its own says otherwise."""
    if not text or is_dash(text):
        return False
    found = _SHOWN_NUMBER.search(text)
    if found is None or "/" in text:
        return True
    digits = found.group().strip().replace("\u00a0", "").replace(" ", "")
    digits = digits.rstrip(".,")
    candidates = {digits.replace(",", ""), digits.replace(".", "").replace(",", ".")}
    for candidate in candidates:
        shown = _float(candidate)
        if shown is not None and abs(shown - abs(value)) <= HALF_HUNDREDTH:
            return True
    return not any(_float(c) is not None for c in candidates)


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
        elif fmt is not None and shows_otherwise(fmt.format_str):
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

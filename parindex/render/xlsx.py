"""Shared xlsxwriter helpers for the scorecard and the department workbooks.

Every workbook is created by :func:`new_workbook` (no string is ever turned into a
formula, a link or a number, and a fixed ``created`` date makes the file
byte-deterministic). Every table goes through :func:`write_table`: text is always
written with ``write_string``, numbers are stored rounded to 2 decimals so that what
is shown is what is stored.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from parindex.numbers import round2
from parindex.text import nfc

CellKind = Literal["text", "number", "integer", "signed"]
Row = Mapping[str, Any]
Style = Callable[[Row, str], Mapping[str, Any] | None]

MAX_WIDTH = 60.0
MIN_WIDTH = 6.0
DEFAULT_WIDTH = 8.43
INDENT_WIDTH = 2
LINE_HEIGHT = 15.0
CHARS_PER_WIDTH = 1.15  # text characters per unit of column width (digit '0')
DECIMALS = 2
FONT = "Times New Roman"  # Liberation Serif has its metrics: same widths everywhere
# Printable width of an A4 page at 100 % with the margins of add_sheet, in pixels
# of column width (7 px per character of Calibri/Times 11 pt, 96 dpi).
PRINTABLE_PX = {"portrait": 717, "landscape": 1045}
MIN_SCALE = 0.8  # no sheet prints smaller (tests/render/test_print.py)
# Wrapped text columns are narrowed so that a page prints at this scale or more in
# Excel; LibreOffice draws Times digits 7.33 px wide, not 7, so about 4 % less.
TARGET_SCALE = 0.88
SHRINK_FLOOR = 16.0  # a wrapped text column is never narrowed below this
SIGNED_FORMAT = "+0.00;-0.00;0.00"
SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})

RED = "#F8CBAD"
AMBER = "#FFE699"
GREY = "#D9D9D9"
LIGHT_RED = "#FCE4D6"

_BASE: dict[str, dict[str, Any]] = {
    "text": {"text_wrap": True, "valign": "top", "border": 1},
    "number": {"num_format": "0.00", "valign": "top", "border": 1},
    "integer": {"num_format": "0", "valign": "top", "border": 1},
    "signed": {"num_format": SIGNED_FORMAT, "valign": "top", "border": 1},
    "header": {
        "bold": True,
        "text_wrap": True,
        "align": "center",
        "valign": "vcenter",
        "bg_color": GREY,
        "border": 1,
    },
    "title": {"bold": True, "font_size": 13},
    "line": {},
    "paragraph": {"text_wrap": True, "valign": "top"},
}


def new_workbook(
    path: Path, created: datetime, title: str, font: str | None = None
) -> xlsxwriter.Workbook:
    """Create a workbook that never turns text into formulas, links or numbers.

    Args:
        path: where the workbook is written on ``close()``.
        created: the creation date stored in the document properties; a fixed
            value gives a byte-identical file.
        title: the document title.
        font: the workbook's default font (11 pt; Calibri when None). The
            scorecard and department workbooks use Times New Roman, whose metrics
            LibreOffice has (Liberation Serif), so columns are as wide there as in
            Excel and the print scale is the one computed here.

    Returns:
        The open workbook.
    """
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "in_memory": True,  # no temporary XML files: faster, nothing left behind
    }
    if font is not None:
        options["default_format_properties"] = {"font_name": font, "font_size": 11}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"created": created, "title": title})
    return workbook


class Formats:
    """The cell formats of one workbook, created once per combination.

    ``get("number", bold=True)`` returns the 2-decimal number format in bold; the
    kinds are ``text``, ``number``, ``integer``, ``header``, ``title``, ``line``
    and ``paragraph`` (wrapped, no border).
    Extra keyword arguments are xlsxwriter format properties.
    """

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._asked: dict[tuple[Any, ...], Format] = {}

    def get(self, kind: str, **extra: Any) -> Format:
        """The format of ``kind`` with ``extra`` properties on top."""
        asked = (kind, *extra.items())
        found = self._asked.get(asked)  # every cell asks: answer without sorting
        if found is not None:
            return found
        properties = {
            **_BASE[kind],
            **{k: v for k, v in extra.items() if v is not None},
        }
        key = tuple(sorted(properties.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(properties)
        self._asked[asked] = self._cache[key]
        return self._cache[key]

    @property
    def header(self) -> Format:
        """Bold, wrapped, grey, bordered."""
        return self.get("header")

    @property
    def title(self) -> Format:
        """A sheet's title line."""
        return self.get("title")


@dataclass(frozen=True)
class Column:
    """One column of a table: its Vietnamese header, the row key and the cell kind.

    ``signed`` figures show their sign (``+1,92``). An ``optional`` column is left
    out of the table when no row has a value in it (a reason nobody gave). Text
    columns at least 20 wide wrap and may be narrowed so that the page prints at
    ``TARGET_SCALE`` or more. Columns not ``printed`` (technical: hashes, paths)
    come last and are left out of the print area.
    """

    header: str
    key: str
    kind: CellKind = "text"
    max_width: float = MAX_WIDTH
    optional: bool = False
    printed: bool = True

    @property
    def shrinks(self) -> bool:
        """Whether the column wraps long text and may be narrowed."""
        return self.kind == "text" and self.max_width >= 20


@dataclass(frozen=True)
class Table:
    """Where a table landed: rows and columns are 0-based worksheet indices.

    ``last_data_row`` is ``header_row`` when the table has no rows; ``next_row``
    is the first free row after the table (its total row included). ``widths``
    maps each column to the width its content needs; ``texts`` holds every
    wrapped text as ``(row, first column, last column, text)``, to size the rows.
    """

    columns: Sequence[Column]
    header_row: int
    last_data_row: int
    next_row: int
    widths: dict[int, float]
    texts: list[tuple[int, int, int, str]]

    @property
    def first_data_row(self) -> int:
        """The first row under the header."""
        return self.header_row + 1

    def column(self, key: str) -> int:
        """The 0-based column index of ``key``."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)


def sheet_name(raw: str, taken: Iterable[str] = ()) -> str:
    """A valid, unused Excel sheet name from ``raw``.

    ``[]:*?/\\`` become ``-``, the name is cut to 31 characters, and a name already
    in ``taken`` (ignoring case, as Excel does) gets a `` (2)``, `` (3)`` … suffix.
    """
    name = nfc(raw).translate(_SHEET_NAME_FORBIDDEN).strip().strip("'") or "Sheet"
    used = {t.casefold() for t in taken}
    candidate = name[:SHEET_NAME_LIMIT]
    counter = 2
    while candidate.casefold() in used:
        suffix = f" ({counter})"
        candidate = name[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        counter += 1
    return candidate


def add_sheet(workbook: xlsxwriter.Workbook, name: str) -> Worksheet:
    """Add a worksheet set up for printing: A4 landscape, 1 page wide, page numbers."""
    worksheet = workbook.add_worksheet(name)
    worksheet.set_landscape()
    worksheet.set_paper(9)
    worksheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer("&CTrang &P/&N")
    return worksheet


def write_line(
    worksheet: Worksheet, row: int, text: str, fmt: Format | None = None
) -> int:
    """Write one line of text in column A; return the next row."""
    worksheet.write_string(row, 0, nfc(text), fmt)
    return row + 1


def shown(value: float) -> float:
    """The stored value of a figure: rounded to 2 decimals, without ``-0.0``."""
    return round2(value) if DECIMALS == 2 else round(value, DECIMALS) + 0.0


def write_table(
    worksheet: Worksheet,
    formats: Formats,
    first_row: int,
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    style: Style | None = None,
    total: Row | None = None,
    main: bool = True,
    fit: bool = True,
    stretch_to: int | None = None,
) -> Table:
    """Write a header row and the rows under it, and size the columns to fit.

    Text goes through ``write_string`` (``=HYPERLINK(…)`` or ``+84…`` stays text),
    floats are stored rounded to 2 decimals with the ``0.00`` format, None is a
    blank cell.

    Args:
        worksheet: the sheet.
        formats: the workbook's formats.
        first_row: the 0-based row of the header.
        columns: the columns, in order.
        rows: mappings from column key to value.
        style: extra format properties for a cell, from its row and column key.
        total: a row written in bold after the rows (outside the autofilter).
        main: the sheet's main table: freeze panes under the header, autofilter,
            repeat the header on every printed page.
        fit: size the columns and rows now (pass False and call
            :func:`fit_columns` once when several tables share the columns).
        stretch_to: merge the last column's cells up to this sheet column, for a
            long text under a table that has more columns above it.

    Returns:
        Where the table was written, with the widths and texts of its cells.
    """
    if any(c.optional for c in columns):
        rows = list(rows)
        columns = [
            c
            for c in columns
            if not c.optional or any(r.get(c.key) not in (None, "") for r in rows)
        ]
    table = Table(columns, first_row, first_row, first_row + 1, {}, [])
    last = len(columns) - 1
    span = {last: stretch_to} if stretch_to is not None and stretch_to > last else {}
    headers = {c.key: c.header for c in columns}
    _write_row(
        worksheet, table, first_row, headers, lambda _k: formats.header, span=span
    )
    for record in rows:
        row = table.next_row
        _write_row(
            worksheet,
            table,
            row,
            record,
            _cell_format(formats, style, record),
            span=span,
        )
        table = replace(table, last_data_row=row, next_row=row + 1)
    if total is not None:
        bold = _cell_format(formats, lambda _r, _k: {"bold": True}, total)
        _write_row(worksheet, table, table.next_row, total, bold, span=span)
        table = replace(table, next_row=table.next_row + 1)
    if main:
        worksheet.freeze_panes(first_row + 1, 0)
        worksheet.autofilter(first_row, 0, table.last_data_row, last)
        worksheet.repeat_rows(first_row)
    if fit:
        fit_columns(worksheet, table)
    return table


def fit_columns(worksheet: Worksheet, *tables: Table) -> None:
    """Size the columns to the widest need of any table, then each row to its text.

    Wrapped text columns are narrowed when the tables would otherwise print below
    ``TARGET_SCALE`` on a landscape A4 page (:func:`column_widths`). Neither Excel
    nor LibreOffice grows a row for wrapped text on opening a file, so the row
    heights are set here from the number of wrapped lines.
    """
    widths = column_widths(*tables)
    for col in sorted(widths):
        worksheet.set_column(col, col, widths[col])
    lines: dict[int, int] = {}
    for table in tables:
        for row, first_col, last_col, text in table.texts:
            width = sum(
                widths.get(c, DEFAULT_WIDTH) for c in range(first_col, last_col + 1)
            )
            lines[row] = max(lines.get(row, 1), _wrapped_lines(text, width))
    for row in sorted(lines):
        if lines[row] > 1:
            worksheet.set_row(row, LINE_HEIGHT * lines[row])


def column_widths(*tables: Table) -> dict[int, float]:
    """The width of each column: the widest need of any of ``tables``, the widest
    wrapped text columns narrowed (one character at a time, never below
    ``SHRINK_FLOOR``) until the columns fit a landscape A4 page at
    ``TARGET_SCALE``."""
    widths: dict[int, float] = {}
    shrinking: set[int] = set()
    technical: set[int] = set()
    for table in tables:
        for col, width in table.widths.items():
            widths[col] = max(widths.get(col, 0.0), width)
        shrinking |= {i for i, c in enumerate(table.columns) if c.shrinks}
        technical |= {i for i, c in enumerate(table.columns) if not c.printed}
    budget = PRINTABLE_PX["landscape"] / TARGET_SCALE
    while sum(width_px(w) for c, w in widths.items() if c not in technical) > budget:
        candidates = [c for c in shrinking if widths.get(c, 0.0) > SHRINK_FLOOR]
        if not candidates:
            break
        widest = max(candidates, key=lambda c: (widths[c], -c))
        widths[widest] = max(widths[widest] - 1.0, SHRINK_FLOOR)
    return widths


def width_px(width: float) -> int:
    """A column ``width`` characters wide in pixels (Excel's rule, 7 px digits)."""
    return int(width * 7 + 5) if width > 0 else 0


def set_up_page(
    worksheet: Worksheet,
    last_col: int,
    widths: Mapping[int, float],
    *,
    header: str | None = None,
    extra_px: int = 0,
    extra_rows: int = 0,
) -> float:
    """Print the sheet from column A to ``last_col`` (columns beyond are left out:
    technical ones), one page wide: portrait when the columns fit a portrait A4
    page at 100 %, else landscape; ``header`` (a department's name) at the top of
    every page.

    Args:
        worksheet: the sheet, written.
        last_col: the last printed column (0-based).
        widths: the width of each column, as set.
        header: the page header's text, or None.
        extra_px: the width of a chart or picture wider than the columns.
        extra_rows: rows below the last written one that the print area takes
            in (a chart under the tables).

    Returns:
        The scale the page prints at (1.0 = 100 %).
    """
    columns_px = sum(
        width_px(widths.get(c, DEFAULT_WIDTH)) for c in range(last_col + 1)
    )
    while columns_px < extra_px:  # a chart wider than the columns: print it whole
        last_col += 1
        columns_px += width_px(widths.get(last_col, DEFAULT_WIDTH))
    content = columns_px
    portrait = content <= PRINTABLE_PX["portrait"]
    if portrait:
        worksheet.set_portrait()
    else:
        worksheet.set_landscape()
    printable = PRINTABLE_PX["portrait" if portrait else "landscape"]
    worksheet.print_area(0, 0, (worksheet.dim_rowmax or 0) + extra_rows, last_col)
    worksheet.fit_to_pages(1, 0)
    if header is not None:
        page_header(worksheet, header)
    return min(1.0, printable / content) if content else 1.0


def write_paragraph(
    worksheet: Worksheet,
    row: int,
    text: str,
    fmt: Format,
    *tables: Table,
) -> int:
    """Write a long text across the columns of ``tables``, wrapped, its row sized.

    The cells of the row are merged from column A to the last column of the widest
    table, so the text prints within the page; call it after the tables are written
    (the widths are theirs). Returns the next row.
    """
    widths = column_widths(*tables)
    last = max((len(t.columns) for t in tables), default=1) - 1
    text = nfc(text)
    if last > 0:
        worksheet.merge_range(row, 0, row, last, "", fmt)
    worksheet.write_string(row, 0, text, fmt)
    width = sum(widths.get(c, DEFAULT_WIDTH) for c in range(last + 1))
    lines = _wrapped_lines(text, width)
    if lines > 1:
        worksheet.set_row(row, LINE_HEIGHT * lines)
    return row + 1


def _cell_format(
    formats: Formats, style: Style | None, record: Row
) -> Callable[[Column], Format]:
    """The format of each cell of ``record``: its kind plus the style's extras."""

    def fmt(column: Column) -> Format:
        value = record.get(column.key)
        kind: CellKind = "text" if isinstance(value, str) else column.kind
        extra = (style(record, column.key) if style else None) or {}
        return formats.get(kind, **extra)

    return fmt


def _write_row(
    worksheet: Worksheet,
    table: Table,
    row: int,
    record: Row,
    fmt: Callable[[Column], Format],
    *,
    span: Mapping[int, int],
) -> None:
    widths = table.widths
    for col, column in enumerate(table.columns):
        cell_format = fmt(column)
        last_col = span.get(col, col)
        if last_col > col:
            worksheet.merge_range(row, col, row, last_col, "", cell_format)
        value = record.get(column.key)
        text = _write_cell(worksheet, row, col, value, cell_format)
        if isinstance(value, str) and cell_format.text_wrap:
            table.texts.append((row, col, last_col, text))
        if last_col == col:
            if row == table.header_row:
                needed = _header_width(text)
            else:
                indent = INDENT_WIDTH * int(cell_format.indent or 0)
                longest = _longest_line(text) if "\n" in text else len(text)
                needed = min(max(longest + indent + 2, MIN_WIDTH), column.max_width)
            if needed > widths.get(col, 0.0):
                widths[col] = needed


def _write_cell(
    worksheet: Worksheet, row: int, col: int, value: object, fmt: Format
) -> str:
    """Write one value with the right method; return its text as shown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        worksheet.write_blank(row, col, None, fmt)
        return ""
    if isinstance(value, bool):
        worksheet.write_boolean(row, col, value, fmt)
        return "FALSE"
    if isinstance(value, int):
        worksheet.write_number(row, col, value, fmt)
        return str(value)
    if isinstance(value, float):
        stored = shown(value)
        worksheet.write_number(row, col, stored, fmt)
        return f"{stored:.{DECIMALS}f}"
    text = str(value)
    if not text.isascii():
        text = nfc(text)
    worksheet.write_string(row, col, text, fmt)
    return text


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    per_line = max(int(width * CHARS_PER_WIDTH) - 2, 1)
    if len(text) <= per_line and "\n" not in text:
        return 1  # the common case, without wrapping anything
    return (
        sum(max(len(textwrap.wrap(line, per_line)), 1) for line in text.splitlines())
        or 1
    )


def _header_width(header: str) -> float:
    """A width that shows the header on at most 3 wrapped lines, words unbroken."""
    longest_word = max((len(w) for w in header.split()), default=0)
    return max(longest_word + 2.0, math.ceil(len(header) / 3) + 2.0, MIN_WIDTH)


def finish_page(
    worksheet: Worksheet,
    *tables: Table,
    last_col: int | None = None,
    header: str | None = None,
    extra_px: int = 0,
    extra_rows: int = 0,
) -> float:
    """:func:`set_up_page` over the columns of ``tables`` (up to ``last_col``, by
    default the last printed column of the widest table); returns the print
    scale."""
    widths = column_widths(*tables)
    if last_col is None:
        last_col = (
            max(
                (sum(1 for c in t.columns if c.printed) for t in tables),
                default=1,
            )
            - 1
        )
    return set_up_page(
        worksheet,
        last_col,
        widths,
        header=header,
        extra_px=extra_px,
        extra_rows=extra_rows,
    )


def page_header(worksheet: Worksheet, text: str) -> None:
    """``text`` in bold at the top centre of every printed page."""
    worksheet.set_header(f"&C&B{text.replace('&', '&&')}")


NOTE_WIDTH = 90.0  # column A of a sheet that holds only a sentence


def write_note_sheet(worksheet: Worksheet, row: int, text: str, fmt: Format) -> None:
    """A sheet with only a sentence under its title (no problems, nothing to
    compare): column A wide, the sentence wrapped in it, a portrait page."""
    worksheet.set_column(0, 0, NOTE_WIDTH)
    worksheet.write_string(row, 0, nfc(text), fmt)
    lines = _wrapped_lines(text, NOTE_WIDTH)
    if lines > 1:
        worksheet.set_row(row, LINE_HEIGHT * lines)
    set_up_page(worksheet, 0, {0: NOTE_WIDTH})


def title_px(text: str) -> int:
    """About how wide a sheet title (13 pt bold) prints, in pixels: the print area
    takes it in whole instead of cutting it at the table's edge."""
    return round(len(text) * 9.5)


@dataclass(frozen=True)
class TableSpec:
    """A table to write under a bold line of text: see :func:`write_summary_and_list`."""

    line: str
    columns: Sequence[Column]
    rows: Sequence[Row]
    style: Style | None = None
    total: Row | None = None


def write_summary_and_list(
    worksheet: Worksheet,
    formats: Formats,
    row: int,
    summary: TableSpec,
    listing: TableSpec,
) -> list[Table]:
    """A short summary table, then, from a new page, the long list whose header
    repeats on every page after: no table prints under another table's header.
    Columns are sized for both (call :func:`finish_page` after).

    Returns:
        The two tables.
    """
    tables: list[Table] = []
    for number, spec in enumerate((summary, listing)):
        if number:
            row = tables[0].next_row + 1
            worksheet.set_h_pagebreaks([row])
        row = write_line(worksheet, row, spec.line, formats.get("line", bold=True))
        tables.append(
            write_table(
                worksheet,
                formats,
                row,
                spec.columns,
                spec.rows,
                style=spec.style,
                total=spec.total,
                main=bool(number),
                fit=False,
            )
        )
    fit_columns(worksheet, *tables)
    return tables

"""Shared xlsxwriter helpers for the scorecard and the department workbooks.

Every workbook is created by :func:`new_workbook` (no string is ever turned into a
formula, a link or a number, and a fixed ``created`` date makes the file
byte-deterministic). Every table goes through :func:`write_table`: text is always
written with ``write_string``, numbers are stored rounded to 2 decimals so that what
is shown is what is stored.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellBooleanTuple,
    CellNumberTuple,
    CellStringTuple,
    RowInfo,
    Worksheet,
)

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


@dataclass(frozen=True)
class _Block:
    """Rows ``first``… of a table kept as its frame's columns (``_store_frame``):
    the cells are made from them when the sheet is written, ``_SLICE`` rows at a
    time, so a sheet of a million cells never holds them all as Python objects.

    ``series`` is the frame's column of each table column (None: blank),
    ``formats`` each column's format (one for every cell, or each cell's), and
    ``strings`` XlsxWriter's shared strings table, text → index: every text of
    the block was registered in it when stored; the workbook empties the table
    it keeps before writing its sheets, not this dict.
    """

    first: int
    height: int
    series: list[pl.Series | None]
    formats: list[Format | list[Format]]
    strings: dict[str, int]

    @property
    def width(self) -> int:
        return len(self.series)

    def format(self, column: int, offset: int) -> Format:
        """The format of the cell ``offset`` rows into the block."""
        found = self.formats[column]
        return found[offset] if isinstance(found, list) else found

    def slices(
        self,
    ) -> Iterator[tuple[int, list[list[Any]], list[list[str | None] | None]]]:
        """``_slices`` of the block."""
        return _slices(self.series, self.height)

    def cells(self) -> dict[int, dict[int, Any]]:
        """The block as XlsxWriter's own cells, row → column → cell."""
        rows: dict[int, dict[int, Any]] = {}
        strings = self.strings
        for start, values, texts in self.slices():
            for j, vals in enumerate(values):
                for i, value in enumerate(vals):
                    fmt = self.format(j, start + i)
                    if value is None or (
                        isinstance(value, float) and math.isnan(value)
                    ):
                        cell: Any = CellBlankTuple(fmt)
                    elif isinstance(value, str):
                        cell = CellStringTuple(strings[texts[j][i]], fmt)  # type: ignore[index]
                    elif isinstance(value, bool):
                        cell = CellBooleanTuple(int(value), fmt)
                    elif isinstance(value, int):
                        cell = CellNumberTuple(value, fmt)
                    else:
                        cell = CellNumberTuple(shown(value), fmt)
                    rows.setdefault(self.first + start + i, {})[j] = cell
        return rows

    def styles(self, start: int, size: int) -> list[str | list[str]]:
        """Per column, the ``s="…"`` attribute of its cells in the ``size``
        rows from ``start``: one for a column of one format, each cell's
        otherwise.

        A format gets its index when it is first written: they are asked for
        row by row, as XlsxWriter and ``_store_rows`` write the cells."""
        formats = self.formats
        if start == 0:
            for found in formats:
                (found[0] if isinstance(found, list) else found)._get_xf_index()
        varying = [j for j, found in enumerate(formats) if isinstance(found, list)]
        cells: dict[int, list[str]] = {j: [] for j in varying}
        for i in range(start, start + size):
            for j in varying:
                cells[j].append(f' s="{formats[j][i]._get_xf_index()}"')
        return [
            cells[j] if isinstance(found, list) else f' s="{found._get_xf_index()}"'
            for j, found in enumerate(formats)
        ]

    def xml(
        self, start: int, values: list[list[Any]], texts: list[Any]
    ) -> list[list[str]]:
        """Per column, the XML after ``<c r="…"`` of each cell of a slice."""
        strings = self.strings
        columns = []
        for j, style in enumerate(self.styles(start, len(values[0]))):
            # a text column's cells are its texts as written (NFC), None blank
            column = values[j] if texts[j] is None else texts[j]
            if isinstance(style, list):
                columns.append(_varying_xml(column, style, strings))
            else:
                columns.append(_column_xml(column, style, strings))
        return columns


def _column_xml(values: list[Any], style: str, strings: dict[str, int]) -> list[str]:
    """The XML after ``<c r="…"`` of each cell of a column of one format
    (``_Block.xml``): each distinct value made once, the others looked up (a
    column holds the same few hundred scores or texts many times)."""
    made: dict[Any, str] = {}
    found = made.get

    def make(value: Any) -> str:
        cell = made[value] = _cell_xml(style, value, strings)
        return cell

    return [found(value) or make(value) for value in values]


def _varying_xml(
    values: list[Any], styles: list[str], strings: dict[str, int]
) -> list[str]:
    """``_column_xml`` of a column whose cells have formats of their own."""
    made: dict[tuple[str, Any], str] = {}
    found = made.get

    def make(key: tuple[str, Any]) -> str:
        cell = made[key] = _cell_xml(key[0], key[1], strings)
        return cell

    return [found(key) or make(key) for key in zip(styles, values, strict=True)]


def _cell_bodies(
    series: pl.Series | None, strings: dict[str, int], made: dict[Any, str]
) -> pl.Series | pl.Expr:
    """Per cell of a slice of a block's column, its XML after the style
    attribute (``_cell_xml``): made once per distinct value of the column
    (``made``, kept from slice to slice), the cells given theirs by polars (a
    column holds the same few hundred scores or texts many times). A block's
    texts are NFC already (``_store_frame``): a text's is its shared string's
    index."""
    if series is None or series.dtype == pl.Null:
        return pl.lit("/>")
    if series.dtype.is_float():
        series = series.fill_nan(None)
    distinct = series.drop_nulls().unique().to_list()
    if not distinct:
        return pl.lit("/>")
    for value in distinct:
        if value not in made:
            made[value] = _cell_xml("", value, strings)
    bodies = {value: made[value] for value in distinct}
    return series.replace_strict(bodies, return_dtype=pl.String).fill_null("/>")


def _cell_xml(style: str, value: Any, strings: dict[str, int]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return style + "/>"
    if isinstance(value, str):
        return f'{style} t="s"><v>{strings[value]}</v></c>'
    if isinstance(value, bool):
        return f'{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f"{style}><v>{value:.16G}</v></c>"
    return f"{style}><v>{shown(value):.16G}</v></c>"


class FastWorksheet(Worksheet):  # type: ignore[misc]
    """An XlsxWriter worksheet that writes its cells' XML with less Python per cell.

    XlsxWriter writes each cell through generic tag writers (attribute lists,
    escaping checks); a scorecard of a thousand departments has 300 000 cells.
    This writes the same elements, byte for byte, for the cells ``write_table``
    stores (numbers, shared strings and blanks, each with a format) and for the
    blocks of rows it stores column by column (``add_block``), and leaves every
    other cell, and every row element, to XlsxWriter (tested against XlsxWriter's
    own worksheet, the golden scorecard and the department workbooks).
    """

    def __init__(self) -> None:
        super().__init__()
        self._blocks: dict[int, _Block] = {}

    def add_block(
        self,
        first: int,
        height: int,
        series: list[pl.Series | None],
        formats: list[Format | list[Format]],
    ) -> _Block:
        """Rows from ``first``, a cell in every column from A, every text of
        them already in the shared strings: see ``_Block``."""
        block = _Block(first, height, series, formats, self.str_table.string_table)
        last = first + height - 1
        self._check_dimensions(first, 0)
        self._check_dimensions(last, len(series) - 1)
        older = [
            other
            for other in self._blocks.values()
            if other.first <= last and first <= other.first + other.height - 1
        ]
        self._cells_only(older)  # written before this block: under it
        if older or any(self.table.get(row) for row in range(first, last + 1)):
            # over cells written before it: its own cells, on top of theirs
            for row, cells in block.cells().items():
                self.table[row] = {**(self.table.get(row) or {}), **cells}
            return block
        self._blocks[first] = block
        return block

    def _cells_only(self, blocks: Iterable[_Block] | None = None) -> None:
        """Turn ``blocks`` (default: all) into XlsxWriter's cells: what any other
        reader of the cells, or a cell written over a block, needs."""
        for block in list(self._blocks.values() if blocks is None else blocks):
            for row, cells in block.cells().items():
                cells.update(self.table.get(row) or {})  # written later: on top
                self.table[row] = cells
            del self._blocks[block.first]

    def set_heights(self, heights: Mapping[int, float]) -> None:
        """``set_row(row, height)`` for each row (height in points), no format
        or option."""
        low, high = self.dim_rowmin, self.dim_rowmax
        known = None not in (low, high, self.dim_colmin) and not self.constant_memory
        # one RowInfo and one size per height, shared by its rows (XlsxWriter
        # only ever replaces a row's, never changes one): a table's thousands of
        # rows have a handful of heights
        shared: dict[int, tuple[RowInfo, list[int | bool]]] = {}
        row_info, row_sizes = self.row_info, self.row_sizes
        for row, height in heights.items():
            pixels = int(height * 4.0 / 3.0 + 0.5)
            # a row inside the sheet's dimensions leaves them as they are
            inside = known and low <= row <= high
            if not inside and self._check_dimensions(row, self.dim_colmin or 0):
                continue
            if pixels == 0:
                self.set_row_pixels(row, pixels)
                continue
            found = shared.get(pixels)
            if found is None:
                found = shared[pixels] = (RowInfo(height=pixels), [pixels, False])
            row_info[row], row_sizes[row] = found

    def _get_range_data(self, *args: Any, **kwargs: Any) -> Any:
        self._cells_only()  # a chart's cached values read the cells
        return super()._get_range_data(*args, **kwargs)

    def autofit(self, *args: Any, **kwargs: Any) -> Any:
        self._cells_only()  # it measures the cells
        return super().autofit(*args, **kwargs)

    def _calculate_spans(self) -> None:
        # As Worksheet._calculate_spans: per block of 16 rows, the first and last
        # column of a cell (1-based), without visiting every column of every row.
        if self.comments:
            self._cells_only()
            super()._calculate_spans()
            return
        bounds: dict[int, tuple[int, int]] = {}

        def add(row_num: int, low: int, high: int) -> None:
            found = bounds.get(row_num // 16)
            if found is not None:
                low, high = min(low, found[0]), max(high, found[1])
            bounds[row_num // 16] = (low, high)

        for row_num, cells in self.table.items():
            if cells and self.dim_rowmin <= row_num <= self.dim_rowmax:
                add(row_num, min(cells), max(cells))
        for block in self._blocks.values():
            last = block.width - 1
            for row_num in range(block.first, block.first + block.height, 16):
                add(row_num, 0, last)
            add(block.first + block.height - 1, 0, last)
        self.row_spans = {
            block: f"{low + 1}:{high + 1}" for block, (low, high) in bounds.items()
        }

    def _write_rows(self) -> None:
        if self.comments or self.constant_memory:
            self._cells_only()
            super()._write_rows()
            return
        formatted = {row for row, info in self.row_info.items() if info.row_format}
        self._cells_only(  # a cell written in a block's rows, or a row format
            [
                block
                for block in self._blocks.values()
                if any(
                    self.table.get(row) or row in formatted
                    for row in range(block.first, block.first + block.height)
                )
            ]
        )
        self._calculate_spans()
        spans = self.row_spans
        row_info = self.row_info
        table = self.table
        write = self.fh.write
        row_num = self.dim_rowmin
        while row_num <= self.dim_rowmax:
            block = self._blocks.get(row_num)
            if block is not None:
                self._write_block(block)
                row_num += block.height
                continue
            cells = table.get(row_num)
            span = spans.get(row_num // 16)
            if cells:
                self._write_row(row_num, span, row_info.get(row_num))
                number = str(row_num + 1)
                parts: list[str] = []
                for col_num in sorted(cells):
                    cell = cells[col_num]
                    fmt = cell.format
                    kind = type(cell)
                    if fmt is None or kind not in _FAST_CELLS:
                        if parts:
                            write("".join(parts))
                            parts = []
                        self._write_cell(row_num, col_num, cell)
                        continue
                    ref = f'<c r="{_column_name(col_num)}{number}" s="{fmt._get_xf_index()}"'
                    if kind is CellStringTuple:
                        parts.append(f'{ref} t="s"><v>{cell.string}</v></c>')
                    elif kind is CellNumberTuple:
                        parts.append(f"{ref}><v>{cell.number:.16G}</v></c>")
                    else:
                        parts.append(f"{ref}/>")
                if parts:
                    write("".join(parts))
                write("</row>")
            elif row_num in row_info:
                self._write_empty_row(row_num, span, row_info[row_num])
            row_num += 1

    def _write_block_by_row(self, block: _Block) -> None:
        """``_write_block`` of a block of few rows, row by row in Python (a
        call to polars costs more than a small block's rows)."""
        spans, row_info, write = self.row_spans, self.row_info, self.fh.write
        starts = [f'<c r="{_column_name(j)}' for j in range(block.width)]
        for start, values, texts in block.slices():
            columns = block.xml(start, values, texts)
            pieces: list[str] = []
            for i, cells in enumerate(zip(*columns, strict=True)):
                row_num = block.first + start + i
                number = str(row_num + 1)
                opening = self._row_opening(
                    number, spans.get(row_num // 16), row_info.get(row_num)
                )
                if opening is None:
                    if pieces:
                        write("".join(pieces))
                        pieces = []
                    self._write_row(
                        row_num, spans.get(row_num // 16), row_info.get(row_num)
                    )
                else:
                    pieces.append(opening)
                reference = f'{number}"'
                for first, cell in zip(starts, cells, strict=True):
                    pieces += (first, reference, cell)
                pieces.append("</row>")
                if len(pieces) >= 1 << 14:
                    write("".join(pieces))
                    pieces = []
            write("".join(pieces))

    def _write_block(self, block: _Block) -> None:
        """The rows of ``block``, ``_XML_SLICE`` rows at a time, each slice's
        XML made by polars from the block's columns: a cell's XML after its
        reference is made once per distinct value (``_cell_bodies``), a row's
        opening tag once per distinct span and height (``_openings``). A
        block of fewer than ``_POLARS_ROWS`` rows is written row by row."""
        if block.height < _POLARS_ROWS:
            self._write_block_by_row(block)
            return
        write = self.fh.write
        made: list[dict[Any, str]] = [{} for _ in block.formats]
        for start in range(0, block.height, _XML_SLICE):
            size = min(_XML_SLICE, block.height - start)
            first_row = block.first + start
            numbers = pl.int_range(
                first_row + 1, first_row + size + 1, eager=True
            ).cast(pl.String)
            pieces: list[pl.Series | pl.Expr] = [self._openings(first_row, size)]
            for j, style in enumerate(block.styles(start, size)):
                series = block.series[j]
                body = _cell_bodies(
                    None if series is None else series.slice(start, size),
                    block.strings,
                    made[j],
                )
                pieces += [pl.lit(f'<c r="{_column_name(j)}'), numbers, pl.lit('"')]
                pieces += [
                    pl.Series(style, dtype=pl.String)
                    if isinstance(style, list)
                    else pl.lit(style),
                    body,
                ]
            pieces.append(pl.lit("</row>"))
            rows = pl.select(pl.concat_str(pieces)).to_series()  # a text a row
            if rows.null_count():
                raise AssertionError("a cell of a block has no XML")  # a bug
            for at in range(0, size, _SLICE):  # never the slice's XML in one text
                write(rows.slice(at, _SLICE).str.join("").item())

    def _openings(self, first_row: int, size: int) -> pl.Series:
        """The ``<row …>`` tag of each of ``size`` rows from ``first_row``:
        ``_row_opening``'s, made once per distinct span and height, or for a
        row it leaves to XlsxWriter (a format, a hidden row) the tag
        ``Worksheet._write_row`` writes."""
        spans, row_info = self.row_spans, self.row_info
        last_row = first_row + size - 1
        rows = pl.int_range(first_row, last_row + 1, eager=True)
        by_group = {
            group: f' spans="{spans[group]}"' if spans.get(group) else ""
            for group in range(first_row // 16, last_row // 16 + 1)
        }
        plain = self._row_opening("", None, None)
        tail = len('<row r=""')
        special: list[int] = []
        offsets: list[int] = []  # of the rows with a height of their own
        tails: list[str] = []  # what follows their spans
        made: dict[tuple[Any, ...], str | None] = {}
        for row in (
            range(first_row, last_row + 1)
            if plain is None  # every row as XlsxWriter writes it (Excel 2010)
            else [row for row in row_info if first_row <= row <= last_row]
        ):
            info = row_info.get(row)
            key = (
                ()
                if info is None
                else (info.height, id(info.row_format), info.hidden, info.level)
                + (info.collapsed,)
            )
            if key not in made:
                tag = self._row_opening("", None, info)
                made[key] = None if tag is None else tag[tail:]
            found = made[key]
            if found is None:
                special.append(row)
            else:
                offsets.append(row - first_row)
                tails.append(found)
        heights = pl.Series([(plain or "")[tail:]] * size, dtype=pl.String)
        if offsets:
            heights = heights.scatter(offsets, tails)
        openings = pl.select(
            pl.concat_str(
                pl.lit('<row r="'),
                (rows + 1).cast(pl.String),
                pl.lit('"'),
                (rows // 16).replace_strict(by_group, return_dtype=pl.String),
                heights,
            )
        ).to_series()
        if special:
            tags = [self._opening_of(row) for row in special]
            openings = openings.scatter([row - first_row for row in special], tags)
        return openings

    def _opening_of(self, row_num: int) -> str:
        """The ``<row …>`` tag ``Worksheet._write_row`` writes for a row."""
        written: Any = self.fh  # type: ignore[has-type]
        buffer = io.StringIO()
        self.fh = buffer
        try:
            span = self.row_spans.get(row_num // 16)
            self._write_row(row_num, span, self.row_info.get(row_num))
        finally:
            self.fh = written
        return buffer.getvalue()

    def _row_opening(
        self, number: str, span: str | None, info: RowInfo | None
    ) -> str | None:
        """The ``<row …>`` tag ``Worksheet._write_row`` writes for a row of
        cells without a format, hidden state or outline level, or None for any
        other row (written by ``_write_row``)."""
        height = self.default_row_height
        if info is not None:
            if info.row_format or info.hidden or info.level or info.collapsed:
                return None
            if info.height is not None:
                height = info.height
        if self.excel_version == 2010:
            return None
        tag = f'<row r="{number}"'
        if span:
            tag += f' spans="{span}"'
        if height != self.original_row_height or height != self.default_row_height:
            tag += f' ht="{height * 0.75:.16g}" customHeight="1"'
        return tag + ">"


_FAST_CELLS = (CellStringTuple, CellNumberTuple, CellBlankTuple)


@functools.cache
def _column_name(col: int) -> str:
    return str(xl_col_to_name(col))


class _Utf8Text(str):
    """What ``_PartXml.getvalue`` gives: XlsxWriter encodes the text of each
    part it zips (``getvalue().encode("utf-8")``); this text is already
    encoded."""

    data: bytes

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        if encoding.replace("-", "").lower() != "utf8" or errors != "strict":
            raise ValueError(f"a part is kept as UTF-8, not {encoding}/{errors}")
        return self.data


class _PartXml(io.StringIO):
    """An XML part of the package, kept as UTF-8 bytes as it is written (in
    pieces of 64 K characters) instead of as text: the sheet of every deduction
    of 5000 departments is 50 MB of XML, which XlsxWriter would otherwise hold
    as text, copy to a string and encode again before zipping it."""

    def __init__(self) -> None:
        super().__init__()
        self._encoded = io.BytesIO()
        self._pending: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._pending.append(text)
        self._size += len(text)
        if self._size >= 1 << 16:
            self._flush()
        return len(text)

    def _flush(self) -> None:
        self._encoded.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()
        self._size = 0

    def getvalue(self) -> str:
        self._flush()
        text = _Utf8Text()
        text.data = self._encoded.getvalue()  # the buffer itself, not a copy
        return text


_SPECIAL_STRING = re.compile(
    r"^\s|\s$|_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]"
)
"""What ``SharedStrings._write_si`` changes or marks in a string: an escape of
a control character or of its look-alike, a leading or trailing space (kept
by ``xml:space``), a character escaped in XML (a rich string starts with
``<``)."""


class _SharedStrings(SharedStrings):  # type: ignore[misc]
    """XlsxWriter's shared strings part, a string that ``_write_si`` would
    write as it is (most of them) written without its escapes and checks."""

    def _write_sst_strings(self) -> None:
        special = _SPECIAL_STRING.search
        write = self.fh.write
        pieces: list[str] = []
        for string in self.string_table.string_array:
            if special(string) is None:
                pieces.append(f"<si><t>{string}</t></si>")
                continue
            write("".join(pieces))
            pieces.clear()
            self._write_si(string)
        write("".join(pieces))


class _Packager(Packager):  # type: ignore[misc]
    """XlsxWriter's packager, its XML parts kept as ``_PartXml``, its shared
    strings written by ``_SharedStrings``."""

    def _filename(self, xml_filename: str) -> Any:
        if not self.in_memory:
            return super()._filename(xml_filename)
        part = _PartXml()
        self.filenames.append((part, xml_filename, False))
        return part

    def _write_shared_strings_file(self) -> None:
        # as Packager._write_shared_strings_file
        if not self.workbook.str_table.count:
            return
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


ZIP_LEVEL = 1
"""The deflate level of every workbook's parts (the report, whose golden file is
compared byte for byte, keeps zlib's default). zlib's default (6) spent 0.23 s
of a night with one department changed on the scorecard's 15 MB of XML at 1000
departments; level 1 takes 0.07 s for a file about a third larger (1.5 → 2.0
MB). Any level gives the same parts: every reader inflates them alike."""


class _QuickZipFile(zipfile.ZipFile):
    """The zip XlsxWriter writes a workbook into, its parts deflated at
    ``ZIP_LEVEL``. XlsxWriter has no option for the level and passes each part
    as a ``ZipInfo`` of its own (which ``ZipFile``'s ``compresslevel`` does not
    reach): its workbook module's ``ZipFile`` is this class, set below. Every
    XlsxWriter workbook of the process is one of parindex's (``new_workbook``)."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        super().writestr(
            zinfo_or_arcname,
            data,
            compress_type,
            ZIP_LEVEL if compresslevel is None else compresslevel,
        )


xlsxwriter.workbook.ZipFile = _QuickZipFile


class _Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """An XlsxWriter workbook whose XML parts are kept encoded (``_PartXml``):
    the same package, byte for byte."""

    def _get_packager(self) -> Packager:
        return _Packager()


def close_workbook(workbook: xlsxwriter.Workbook) -> None:
    """Write ``workbook`` (``close()``), then break the cycle XlsxWriter makes:
    each worksheet holds the workbook's ``add_format``, so a closed workbook and
    every cell of it waited for the collector's full pass; with the year's result
    alive those are rare, and at 5000 departments the feedback workbooks rendered
    so far held ≈ 80 MB at the end of ``parindex run`` (issue 13, memory). Once
    closed, its memory goes as soon as the caller lets go of it."""
    workbook.close()
    for worksheet in workbook.worksheets():
        worksheet.workbook_add_format = None


def new_workbook(
    path: Path,
    created: datetime,
    title: str,
    font: str | None = None,
    *,
    large: bool = False,
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
        large: a workbook of a whole unit (the scorecard), whose sheets may be
            tens of megabytes of XML: its parts are kept as UTF-8 bytes as they
            are written (``_PartXml``), the same package; a small workbook
            writes faster without.

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
    workbook = (_Workbook if large else xlsxwriter.Workbook)(str(path), options)
    workbook.worksheet_class = FastWorksheet
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
    wrapped text as ``(row, first column, last column, text)``, to size the rows;
    ``column_texts`` more of them, a column of a block at a time: ``(first row,
    column, its wrapped texts)``.
    """

    columns: Sequence[Column]
    header_row: int
    last_data_row: int
    next_row: int
    widths: dict[int, float]
    texts: list[tuple[int, int, int, str]]
    column_texts: list[tuple[int, int, _WrappedTexts]] = field(default_factory=list)

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


@functools.lru_cache(maxsize=1 << 16)
def shown(value: float) -> float:
    """The stored value of a figure: rounded to 2 decimals, without ``-0.0``
    (remembered: a workbook shows the same few hundred scores many times)."""
    return round2(value) if DECIMALS == 2 else round(value, DECIMALS) + 0.0


def write_table(
    worksheet: Worksheet,
    formats: Formats,
    first_row: int,
    columns: Sequence[Column],
    rows: Iterable[Row] | pl.DataFrame,
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
        rows: mappings from column key to value, or a frame with a column per
            key (a key it lacks is blank): its cells are stored column by
            column, as the rows' would be.
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
        if not isinstance(rows, pl.DataFrame):
            rows = list(rows)
        columns = [c for c in columns if not c.optional or _filled(rows, c.key)]
    table = Table(columns, first_row, first_row, first_row + 1, {}, [])
    last = len(columns) - 1
    span = {last: stretch_to} if stretch_to is not None and stretch_to > last else {}
    headers = {c.key: c.header for c in columns}
    _write_row(
        worksheet, table, first_row, headers, lambda _k: formats.header, span=span
    )
    fast = not span and isinstance(worksheet, FastWorksheet)
    records: Iterable[Row] = (
        rows.iter_rows(named=True) if isinstance(rows, pl.DataFrame) else rows
    )
    if fast and isinstance(rows, pl.DataFrame) and _columnar(rows, columns):
        next_row = _store_frame(worksheet, formats, table, rows, style)
        if next_row > table.next_row:
            table = replace(table, last_data_row=next_row - 1, next_row=next_row)
    elif not fast:
        for record in records:
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
    else:
        next_row = _store_rows(worksheet, formats, table, records, style)
        if next_row > table.next_row:
            table = replace(table, last_data_row=next_row - 1, next_row=next_row)
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
            width = (
                widths.get(first_col, DEFAULT_WIDTH)
                if first_col == last_col
                else sum(
                    widths.get(c, DEFAULT_WIDTH) for c in range(first_col, last_col + 1)
                )
            )
            count = wrapped_lines(text, width)
            if count > lines.get(row, 1):
                lines[row] = count
        for first_row, col, texts in table.column_texts:
            per_line = _per_line(widths.get(col, DEFAULT_WIDTH))
            for offset, cell in texts.longer_than(per_line):
                count = _wrapped_count(cell, per_line)
                if count > lines.get(first_row + offset, 1):
                    lines[first_row + offset] = count
    heights = {row: LINE_HEIGHT * lines[row] for row in sorted(lines) if lines[row] > 1}
    if isinstance(worksheet, FastWorksheet):
        worksheet.set_heights(heights)
    else:
        for row, height in heights.items():
            worksheet.set_row(row, height)


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
    lines = wrapped_lines(text, width)
    if lines > 1:
        worksheet.set_row(row, LINE_HEIGHT * lines)
    return row + 1


def _filled(rows: Sequence[Row] | pl.DataFrame, key: str) -> bool:
    """Whether a row has a value (not None, not empty text) under ``key``."""
    if isinstance(rows, pl.DataFrame):
        if key not in rows.columns:
            return False
        values = rows[key]
        if values.dtype == pl.String:
            return bool((values.is_not_null() & (values != "")).any())
        return bool(values.is_not_null().any())
    return any(r.get(key) not in (None, "") for r in rows)


_COLUMNAR_TYPES = (pl.String, pl.Float64, pl.Float32, pl.Boolean, pl.Null)


def _columnar(frame: pl.DataFrame, columns: Sequence[Column]) -> bool:
    """Whether ``_store_frame`` can store the cells of ``frame``: texts, numbers,
    booleans, none of them longer than a cell holds."""
    for column in columns:
        if column.key not in frame.columns:
            continue
        dtype = frame.schema[column.key]
        if not (dtype.is_integer() or isinstance(dtype, _COLUMNAR_TYPES)):
            return False
        if dtype == pl.String:
            longest = frame[column.key].str.len_chars().max()
            if longest is not None and int(longest) > _LONGEST_TEXT:  # type: ignore[arg-type]
                return False
    return True


_LONGEST_TEXT = 32767 // 2  # beyond, XlsxWriter may cut a text: left to it


def _store_frame(
    worksheet: FastWorksheet,
    formats: Formats,
    table: Table,
    frame: pl.DataFrame,
    style: Style | None,
) -> int:
    """The rows of ``frame`` stored as a block of ``worksheet`` (see
    ``FastWorksheet.add_block``): the shared strings (registered now, in the
    order the rows would register them), widths and wrapped texts
    ``_store_rows`` gives for the same rows, the cells' formats; the cells' XML
    is made from the frame when the sheet is written. Returns the row after the
    last one."""
    first, height = table.next_row, frame.height
    if height == 0:
        return first
    if first + height > worksheet.xls_rowmax:
        return _store_rows(
            worksheet, formats, table, frame.iter_rows(named=True), style
        )
    columns = table.columns
    present = set(frame.columns)
    series = [frame[c.key] if c.key in present else None for c in columns]
    series = [
        _nfc_series(s) if s is not None and s.dtype == pl.String else s for s in series
    ]
    by_polars = height >= _POLARS_ROWS
    _share_strings(worksheet.str_table, series)
    formats_by_column: list[list[Format]] = [[] for _ in columns]
    longest = [0] * len(columns)
    has_text = [False] * len(columns)
    unmeasured = [False] * len(columns)
    plain = (
        [_plain_formats(formats, c, s) for c, s in zip(columns, series, strict=True)]
        if style is None
        else []
    )
    for start, values, texts in _slices(series, height):
        size = len(values[0])
        fmts = (
            [
                found[start : start + size]
                if isinstance(found, list)
                else [found] * size
                for found in plain
            ]
            if style is None
            else _block_formats(
                formats, columns, values, frame.slice(start, size), style
            )
        )
        for j, vals in enumerate(values):
            if style is not None:
                formats_by_column[j] += fmts[j]
            has_text[j] = has_text[j] or texts[j] is not None
            if not by_polars or texts[j] is None or any(f.indent for f in set(fmts[j])):
                longest[j] = max(longest[j], _longest_shown(vals, texts[j], fmts[j]))
            else:  # texts, none indented: measured over the whole column below
                unmeasured[j] = True
    for j, column_series in enumerate(series):
        if unmeasured[j] and column_series is not None:
            # an indented cell was measured with its indent above: its text
            # alone is never wider
            longest[j] = max(longest[j], _longest_text(column_series))
    kept = plain if style is None else [_one_format(f) for f in formats_by_column]
    block = worksheet.add_block(first, height, series, kept)
    widths = table.widths
    for j, column in enumerate(columns):
        kept_format = kept[j]
        wraps = (
            any(f.text_wrap for f in set(kept_format))
            if isinstance(kept_format, list)
            else kept_format.text_wrap
        )
        if has_text[j] and wraps:
            table.column_texts.append((first, j, _WrappedTexts(block, j)))
        needed = min(max(longest[j] + 2, MIN_WIDTH), column.max_width)
        if needed > widths.get(j, 0.0):
            widths[j] = needed
    return first + height


def _plain_formats(
    formats: Formats, column: Column, series: pl.Series | None
) -> Format | list[Format]:
    """The formats of a column's cells under no style: a text's is the text
    format, any other cell's the column's kind; one format when they are all
    the same."""
    other = formats.get(column.kind)
    if series is None or series.dtype != pl.String:
        return other
    text = formats.get("text")
    missing = series.null_count()
    if text is other or missing == series.len():
        return other
    if missing == 0:
        return text
    return [other if blank else text for blank in series.is_null().to_list()]


def _by_polars(series: pl.Series) -> bool:
    """Whether a block's column is long enough for polars to pay: each call to
    polars costs more than a Python pass over a few hundred cells."""
    return series.len() >= _POLARS_ROWS


def _nfc_series(series: pl.Series) -> pl.Series:
    """A text column as written (NFC): its distinct texts that are not NFC
    replaced by their NFC form."""
    texts = (
        series.drop_nulls().unique().to_list()
        if _by_polars(series)
        else set(series.to_list())
    )
    changed = {
        text: nfc(text)
        for text in texts
        if text is not None
        and not text.isascii()
        and not unicodedata.is_normalized("NFC", text)
    }
    return series.replace(changed) if changed else series


def _share_strings(table: SharedStringTable, series: list[pl.Series | None]) -> None:
    """Register the texts of a block's columns in the shared strings, in the
    order its rows would (row by row, left to right): each distinct text once,
    the table's count of references raised by the others."""
    texts = [s for s in series if s is not None and s.dtype == pl.String]
    if not texts:
        return
    if not _by_polars(texts[0]):
        shared = table._get_shared_string_index
        for row in zip(*(s.to_list() for s in texts), strict=True):
            for text in row:
                if text is not None:
                    shared(text)
        return
    in_order = (
        pl.DataFrame({str(j): s for j, s in enumerate(texts)})
        .select(pl.concat_list(pl.all()))
        .to_series()
        .explode()
        .drop_nulls()
    )
    distinct = in_order.unique(maintain_order=True).to_list()
    for text in distinct:
        table._get_shared_string_index(text)
    table.count += in_order.len() - len(distinct)


def _longest_text(series: pl.Series) -> int:
    """``_longest_shown`` of a whole text column none of whose cells is
    indented, by polars: its longest line."""
    lines = series.drop_nulls()
    broken = lines.str.contains("\n", literal=True)
    longest = lines.filter(~broken).str.len_chars().max()
    found = 0 if longest is None else int(longest)  # type: ignore[arg-type]
    for text in lines.filter(broken).to_list():
        found = max(found, _longest_line(text))
    return found


_SLICE = 4096
"""Rows of a block turned into Python values at a time."""

_POLARS_ROWS = 4096
"""A block of fewer rows is written row by row in Python (``_write_block``)."""

_XML_SLICE = 8192
"""Rows of a block whose XML polars makes at a time. Each slice's columns and
rows are held while it is written: the scorecard of 4975 departments (120 000
deductions), rendered alone, peaked ≈ 190 MiB above the Python path with
slices of 65 536 rows, ≈ 30 MiB with 8192; at 23 771 rows 8192 costs 15 ms
more."""


def _slices(
    series: Sequence[pl.Series | None], height: int
) -> Iterator[tuple[int, list[list[Any]], list[list[str | None] | None]]]:
    """``(first row, values, texts)`` of up to ``_SLICE`` rows of a block at a
    time: per column its values, and for a text column its texts as written
    (None for a blank): its values, a block's texts being NFC already
    (``_store_frame``)."""
    is_text = [s is not None and s.dtype == pl.String for s in series]
    for start in range(0, height, _SLICE):
        size = min(_SLICE, height - start)
        values: list[list[Any]] = [
            s.slice(start, size).to_list() if s is not None else [None] * size
            for s in series
        ]
        texts: list[list[str | None] | None] = [
            vals if text else None  # a text column's values: NFC (_nfc_series)
            for vals, text in zip(values, is_text, strict=True)
        ]
        yield start, values, texts


def _shown(value: Any, text: str | None) -> str:
    """A cell's text as shown (what its width is measured on)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return str(text)
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, int):
        return str(value)
    return f"{shown(value):.{DECIMALS}f}"


def _longest_shown(
    values: list[Any], texts: list[str | None] | None, fmts: list[Format]
) -> int:
    """The widest cell of a column's rows, in characters: its longest line plus
    its indent."""
    if not any(f.indent for f in set(fmts)):
        if texts is not None:  # a text column: its texts (or blanks)
            found = [t for t in texts if t is not None]
            longest = max(map(len, found), default=0)
            if longest and any("\n" in t for t in found):
                longest = max(_longest_line(t) if "\n" in t else len(t) for t in found)
            return longest
        present = [v for v in values if v is not None and v == v]  # noqa: PLR0124 - not NaN
        if not present:
            return 0
        if isinstance(present[0], bool):
            return len("FALSE")
        high, low = max(present), min(present)
        if isinstance(present[0], int):
            return max(len(str(high)), len(str(low)))
        if math.isfinite(high) and math.isfinite(low):
            # a figure's text only grows with its distance from 0, either way
            return max(
                len(f"{shown(high):.{DECIMALS}f}"), len(f"{shown(low):.{DECIMALS}f}")
            )
    shown_texts = [
        _shown(value, texts[i] if texts is not None else None)
        for i, value in enumerate(values)
    ]
    return max(
        (_longest_line(t) if "\n" in t else len(t)) + INDENT_WIDTH * int(f.indent or 0)
        for t, f in zip(shown_texts, fmts, strict=True)
    )


def _one_format(fmts: list[Format]) -> Format | list[Format]:
    """A column's formats: the one of every cell when they are the same."""
    first = fmts[0]
    return first if all(f is first for f in fmts) else fmts


class _WrappedTexts:
    """The wrapped texts of a block's column: its texts whose cells wrap."""

    def __init__(self, block: _Block, column: int) -> None:
        self._block = block
        self._column = column

    def longer_than(self, per_line: int) -> Iterator[tuple[int, str]]:
        """``(row offset, text)`` of each wrapped text longer than
        ``per_line`` characters or of several lines: the texts that may take
        more than one line (found by polars; the others are never visited)."""
        found = self._block.formats[self._column]
        series = self._block.series[self._column]
        if series is None or series.dtype != pl.String:
            return
        if not isinstance(found, list) and not found.text_wrap:
            return
        if _by_polars(series):
            long = (series.str.len_chars() > per_line) | series.str.contains(
                "\n", literal=True
            )
            offsets = long.fill_null(value=False).arg_true()
            texts = series.gather(offsets).to_list()
            candidates: Iterable[tuple[int, str]] = zip(
                offsets.to_list(), texts, strict=True
            )
        else:
            candidates = (
                (offset, text)
                for offset, text in enumerate(series.to_list())
                if text is not None and (len(text) > per_line or "\n" in text)
            )
        for offset, text in candidates:
            if not isinstance(found, list) or found[offset].text_wrap:
                yield offset, text


def _block_formats(
    formats: Formats,
    columns: Sequence[Column],
    values: list[list[Any]],
    frame: pl.DataFrame,
    style: Style,
) -> list[list[Format]]:
    """The format of every cell of a block, column by column: its kind (text for
    a text, else the column's) plus the style's extras for its row (without a
    style: ``_plain_formats``)."""
    keys = _declared_reads(style, frame)
    if keys is not None:
        return _formats_by_distinct_row(
            formats, columns, values, frame, style, declared=keys
        )
    by_row = [
        [
            formats.get(
                "text" if isinstance(value, str) else column.kind,
                **(style(record, column.key) or {}),
            )
            for column, value in zip(columns, row_values, strict=True)
        ]
        for record, row_values in zip(
            frame.iter_rows(named=True), zip(*values, strict=True), strict=True
        )
    ]
    return [list(cells) for cells in zip(*by_row, strict=True)]


def reads(*keys: str) -> Callable[[Style], Style]:
    """Declare the keys of a row that a style reads. ``write_table`` then asks
    the style once per distinct combination of their values in a frame's
    rows, not once per cell; reading a key it did not declare raises
    ``UndeclaredKey`` (a mistake in the code, found by any test that renders
    the table)."""

    def declare(style: Style) -> Style:
        style.reads = keys  # type: ignore[attr-defined]
        return style

    return declare


class UndeclaredKey(Exception):  # noqa: N818 - a mistake in the code, not an error
    """A style read a key of a row that its ``reads`` does not declare."""


class _DeclaredRow(Mapping[str, Any]):
    """The declared keys of a row, as a style sees them in a frame's row
    (a key absent from the frame: ``KeyError`` as ``[]``, None as ``get``);
    only looked up: going over the row (keys, values, items, length) would see
    the declared keys only, and raises ``UndeclaredKey``."""

    def __init__(self, declared: tuple[str, ...], values: dict[str, Any]) -> None:
        self._declared = declared
        self._values = values

    def _check(self, key: str) -> None:
        if key not in self._declared:
            raise UndeclaredKey(f"a style read {key!r} without declaring it")

    def __getitem__(self, key: str) -> Any:
        self._check(key)
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._check(key)
        return self._values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        raise UndeclaredKey("a style with reads went over the whole row")

    def __len__(self) -> int:
        raise UndeclaredKey("a style with reads measured the whole row")


def _declared_reads(style: Style, frame: pl.DataFrame) -> tuple[str, ...] | None:
    """The keys ``style`` declares it reads (``reads``), or None when it does
    not declare them or one of them holds values that cannot be told apart
    by equality (a list, a structure)."""
    keys: tuple[str, ...] | None = getattr(style, "reads", None)
    if keys is None:
        return None
    for key in keys:
        if key in frame.columns and frame.schema[key].is_nested():
            return None
    return keys


def _distinct(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row's values as told apart by a style: -0.0 is not 0.0 (equal, but a
    style may look at the sign); every NaN the same."""
    return tuple(value.hex() if type(value) is float else value for value in row)


def _formats_by_distinct_row(
    formats: Formats,
    columns: Sequence[Column],
    values: list[list[Any]],
    frame: pl.DataFrame,
    style: Style,
    *,
    declared: tuple[str, ...],
) -> list[list[Format]]:
    """``_block_formats`` of a style that declares what it reads: asked once
    per distinct combination of those values and kind of cell."""
    present = [key for key in declared if key in frame.columns]
    rows = frame.select(present).rows() if present else [()] * frame.height
    made: dict[tuple[Any, ...], list[tuple[Format, Format]]] = {}

    def make(row: tuple[Any, ...]) -> list[tuple[Format, Format]]:
        record = _DeclaredRow(declared, dict(zip(present, row, strict=True)))
        pairs = []
        for column in columns:
            extra = style(record, column.key) or {}
            pairs.append(
                (formats.get(column.kind, **extra), formats.get("text", **extra))
            )
        made[_distinct(row)] = pairs
        return pairs

    by_row = [made.get(_distinct(row)) or make(row) for row in rows]
    return [
        [
            pairs[j][isinstance(value, str)]
            for pairs, value in zip(by_row, vals, strict=True)
        ]
        for j, vals in enumerate(values)
    ]


def _store_rows(
    worksheet: FastWorksheet,
    formats: Formats,
    table: Table,
    records: Iterable[Row],
    style: Style | None,
) -> int:
    """``_write_row`` for every record of a table without merged cells, storing the
    cells as XlsxWriter's ``write_*`` methods would (same cells, same shared
    strings in the same order, same dimensions), with less Python per cell.
    Returns the row after the last one written."""
    columns = list(enumerate(table.columns))
    last = len(columns) - 1
    widths, texts = table.widths, table.texts
    shared = worksheet.str_table._get_shared_string_index
    cells_of = worksheet.table
    plain = [(formats.get("text"), formats.get(c.kind)) for c in table.columns]
    longest_text = worksheet.xls_strmax // 2
    row = table.next_row
    for record in records:
        if row >= worksheet.xls_rowmax:  # beyond a sheet: as write_* do, nothing
            _write_row(
                worksheet,
                table,
                row,
                record,
                _cell_format(formats, style, record),
                span={},
            )
            row += 1
            continue
        worksheet._check_dimensions(row, 0)
        worksheet._check_dimensions(row, last)
        cells = cells_of[row]
        for col, column in columns:
            key = column.key
            value = record.get(key)
            is_text = isinstance(value, str)
            if style is None:
                fmt = plain[col][0] if is_text else plain[col][1]
            else:
                extra = style(record, key)
                kind = "text" if is_text else column.kind
                fmt = formats.get(kind, **extra) if extra else formats.get(kind)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells[col] = CellBlankTuple(fmt)
                text = ""
            elif is_text:
                text = value if value.isascii() else nfc(value)
                if len(text) > longest_text:  # XlsxWriter truncates it
                    worksheet._write_string(row, col, text, fmt)
                else:
                    cells[col] = CellStringTuple(shared(text), fmt)
            elif isinstance(value, bool):
                worksheet._write_boolean(row, col, value, fmt)
                text = "FALSE"
            elif isinstance(value, int):
                worksheet._write_number(row, col, value, fmt)
                text = str(value)
            elif isinstance(value, float):
                stored = shown(value)
                cells[col] = CellNumberTuple(stored, fmt)
                text = f"{stored:.{DECIMALS}f}"
            else:
                text = str(value)
                if not text.isascii():
                    text = nfc(text)
                worksheet._write_string(row, col, text, fmt)
            if is_text and fmt.text_wrap:
                texts.append((row, col, col, text))
            indent = INDENT_WIDTH * int(fmt.indent or 0)
            longest = _longest_line(text) if "\n" in text else len(text)
            needed = min(max(longest + indent + 2, MIN_WIDTH), column.max_width)
            if needed > widths.get(col, 0.0):
                widths[col] = needed
        row += 1
    return row


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


def _per_line(width: float) -> int:
    """The characters of a line in a wrapped cell ``width`` characters wide."""
    return max(int(width * CHARS_PER_WIDTH) - 2, 1)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    per_line = _per_line(width)
    if len(text) <= per_line and "\n" not in text:
        return 1  # the common case, without wrapping anything
    return _wrapped_count(text, per_line)


@functools.lru_cache(maxsize=1 << 16)
def _wrapped_count(text: str, per_line: int) -> int:
    """``wrapped_lines`` of a text that may wrap (remembered: criterion names and
    reasons come back in several tables)."""
    return sum(_line_count(line, per_line) for line in text.splitlines()) or 1


_SPACES = re.compile("( +)")
_PLAIN_LINE = re.compile("[^-\t\n\x0b\x0c\r]*")


def _line_count(line: str, width: int) -> int:
    """``max(len(textwrap.wrap(line, width)), 1)``, counted without building the
    lines when the line has no hyphen and no whitespace but spaces (words are the
    runs between spaces then: ``tests/render/test_xlsx.py`` checks it against
    textwrap on many lines)."""
    if not _PLAIN_LINE.fullmatch(line):
        return max(len(textwrap.wrap(line, width)), 1)
    if line and line[0] != " " and line[-1] != " " and "  " not in line:
        # words between single spaces: a word joins the line when it fits after
        # a space, else starts the next one (its space dropped)
        lengths = [len(word) for word in line.split(" ")]
        if max(lengths) <= width:
            lines, length = 1, lengths[0]
            for size in lengths[1:]:
                if length + 1 + size <= width:
                    length += 1 + size
                else:
                    lines += 1
                    length = size
            return lines
    # textwrap's chunks, last first: (length, is spaces)
    chunks = [
        (len(chunk), index % 2 == 1)
        for index, chunk in enumerate(_SPACES.split(line))
        if chunk
    ]
    chunks.reverse()
    lines = 0
    while chunks:
        if chunks[-1][1] and lines:  # a line does not start with spaces
            chunks.pop()
        used: list[tuple[int, bool]] = []
        length = 0
        while chunks and length + chunks[-1][0] <= width:
            used.append(chunks.pop())
            length += used[-1][0]
        if chunks and chunks[-1][0] > width:  # a word longer than a line: cut it
            size, spaces = chunks[-1]
            end = width - length
            used.append((end, spaces))
            chunks[-1] = (size - end, spaces)
        if used and (used[-1][1] or used[-1][0] == 0):  # trailing spaces dropped
            used.pop()
        if used:
            lines += 1
    return max(lines, 1)


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
    lines = wrapped_lines(text, NOTE_WIDTH)
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
    rows: Sequence[Row] | pl.DataFrame
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

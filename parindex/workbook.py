"""Read spreadsheet sheets as grids and locate a labelled table in them.

Any workbook parindex reads (criteria set, submission, history) is a grid of cells with
metadata lines (``Năm: 2023``) above a header row. This module knows nothing of the
domain: callers give the column aliases and the metadata labels they look for.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

import python_calamine as calamine

from parindex.ooxml import MAIN_NS, REL_NS, transitional
from parindex.sheetfacts import NO_FACTS, SheetFacts
from parindex.text import fold_label, nfc

CellValue = object
MAX_ROWS = 5000
MAX_COLUMNS = 64
SEARCH_ROWS = 30


class UnreadableWorkbook(Exception):
    """The file could not be opened as a spreadsheet; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells, ``cells[r][c]`` being the cell at row r+1, column c+1.

    ``uncalculated`` holds the (row, column) of formula cells saved without a
    computed value (the reader sees them as empty); it is filled for xlsx/xlsm by
    ``uncalculated_formula_cells``. ``facts`` holds what the reader does not
    expose (hidden rows and columns, error values, percent formats: see
    ``parindex.sheetfacts``), ``merged`` the merged ranges as ((first row, first
    column), (last row, last column)), 0-based; ``visible`` is False for a hidden
    sheet.
    """

    name: str
    cells: list[list[CellValue]]
    truncated: bool = False
    uncalculated: frozenset[tuple[int, int]] = frozenset()
    facts: SheetFacts = NO_FACTS
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    visible: bool = True


Fallback = tuple[str, tuple[tuple[tuple[int, str], ...], ...]]
"""A chosen score column's label and the lower-ranked columns of its role, as
rounds (highest rank first), each its columns (index, label) of one rank."""


@dataclass(frozen=True)
class Table:
    """Where a table sits in a sheet: its header row, columns and metadata lines."""

    sheet: Sheet
    header_row: int
    columns: dict[str, int]
    metadata: dict[str, tuple[str, str]] = field(default_factory=dict)
    data_row: int = -1
    fallbacks: dict[str, Fallback] = field(default_factory=dict)
    """Per score role read from one of several ranked columns: the label of the
    column used, and the lower-ranked columns' (index, label) in rank order,
    whose cell a row takes where the chosen one is blank
    (``parindex.ingest.header``)."""

    def __post_init__(self) -> None:
        if self.data_row < 0:
            object.__setattr__(self, "data_row", self.header_row + 1)

    def value(self, row: int, column: str) -> CellValue:
        """The value of ``column`` in row ``row`` (0-based), or "" when absent."""
        index = self.columns.get(column)
        cells = self.sheet.cells[row]
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def cell(self, row: int, column: str) -> str | None:
        """The A1 reference of ``column`` in row ``row``."""
        index = self.columns.get(column)
        return None if index is None else cell_ref(row, index)

    def uncalculated(self, row: int, column: str) -> bool:
        """Whether ``column`` in row ``row`` is a formula without a computed value."""
        index = self.columns.get(column)
        return index is not None and (row, index) in self.sheet.uncalculated


def column_letter(column: int) -> str:
    """A1-style letters of a 0-based column: 2 → ``"C"``, 26 → ``"AA"``."""
    if 0 <= column < len(_LETTERS):
        return _LETTERS[column]
    return _column_letter(column)


def _column_letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = tuple(_column_letter(c) for c in range(702))  # A … ZZ


def cell_ref(row: int, column: int) -> str:
    """A1 reference of a 0-based row and column: (11, 2) → ``"C12"``."""
    if 0 <= column < len(_LETTERS):
        return f"{_LETTERS[column]}{row + 1}"
    return f"{_column_letter(column)}{row + 1}"


def cell_position(ref: str) -> tuple[int, int] | None:
    """0-based (row, column) of an A1 reference (``cell_ref``'s inverse): ``"C12"``
    → (11, 2); None when ``ref`` is no plain reference."""
    found = _CELL_REF.match(ref)
    if found is None:
        return None
    return int(found.group(2)) - 1, column_index(found.group(1))


def cell_text(value: CellValue) -> str:
    """A cell's text as a person reads it: NFC, stripped, ``1.0`` shown as ``1``."""
    if isinstance(value, str):
        return (value if value.isascii() else nfc(value)).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


# Everything else a reader raises means the file is unreadable; even a Rust panic
# (pyo3's PanicException derives from BaseException, not Exception).
_INTERRUPTS = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


def open_workbook(source: Path | bytes) -> calamine.CalamineWorkbook:
    """Open a workbook (xlsx, xlsm, xlsb, xls, ods) from a path or bytes.

    Raises:
        UnreadableWorkbook: the file is not a spreadsheet, is corrupt or encrypted.
    """
    try:
        if isinstance(source, bytes):
            return calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
        return calamine.CalamineWorkbook.from_path(str(source))
    except calamine.PasswordError as error:
        raise UnreadableWorkbook("encrypted") from error
    except _INTERRUPTS:
        raise
    except BaseException as error:  # calamine's errors, Rust panics: see above
        raise UnreadableWorkbook(f"unreadable: {error}") from error


def iter_sheets(
    workbook: calamine.CalamineWorkbook, *, hidden: bool = False
) -> Iterator[Sheet]:
    """Yield the workbook's worksheets in order (charts skipped; hidden sheets
    skipped too unless ``hidden``, then marked ``visible=False``).

    Each sheet is read from A1 so that cell references are exact, capped at
    ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns.
    """
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        if not visible and not hidden:
            continue
        try:
            raw = workbook.get_sheet_by_name(meta.name)
            rows = raw.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            merged = tuple(raw.merged_cell_ranges or ())
        except _INTERRUPTS:
            raise
        except BaseException as error:  # see _INTERRUPTS
            raise UnreadableWorkbook(f"unreadable: {error}") from error
        widest = max(map(len, rows), default=0)
        truncated = len(rows) > MAX_ROWS or widest > MAX_COLUMNS
        cells = cast(list[list[CellValue]], rows[:MAX_ROWS])  # fresh lists, ours
        if widest > MAX_COLUMNS:
            cells = [row[:MAX_COLUMNS] for row in cells]
        yield Sheet(
            name=nfc(meta.name),
            cells=cells,
            truncated=truncated,
            merged=merged,
            visible=visible,
        )


AliasIndex = dict[str, tuple[str, int]]


def _alias_index(aliases: Mapping[str, Sequence[str]]) -> AliasIndex:
    """Folded alias → (field, priority), the first field listing an alias winning."""
    index: AliasIndex = {}
    for name, names in aliases.items():
        for priority, alias in enumerate(names):
            index.setdefault(fold_label(alias), (name, priority))
    return index


_MAX_LABEL = 80  # longer cells are sentences, never a label: not folded


# Labels repeat from file to file (the same form, the same headers): fold each once.
_folded_label = lru_cache(maxsize=4096)(fold_label)


def _match(text: str, index: AliasIndex) -> tuple[str, int] | None:
    """The field whose alias equals the folded text, with the alias' priority."""
    if len(text) > _MAX_LABEL:
        return None
    return index.get(_folded_label(text))


def _header_matches(
    row: Sequence[CellValue],
    index: AliasIndex,
    hidden: frozenset[int] = frozenset(),
) -> dict[str, int]:
    """Field → column of the cells of ``row`` that are labels; when several cells
    match one field, a shown column wins over a ``hidden`` one (last year's
    column kept hidden beside this year's), then the earlier alias, then the
    leftmost cell."""
    best: dict[str, tuple[bool, int, int]] = {}
    for c, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        found = _match(value, index)
        if found is None:
            continue
        name, priority = found
        rank = (c in hidden, priority, c)
        if name not in best or rank < best[name]:
            best[name] = rank
    return {name: c for name, (_, _, c) in best.items()}


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


def is_column_numbering(row: Sequence[CellValue]) -> bool:
    """A row under a header that only numbers the columns: ``(1) (2) (3) …`` or
    ``1 2 3 …`` (at least three, consecutive from 1)."""
    numbers = []
    for value in row:
        text = cell_text(value)
        if not text:
            continue
        match = _COLUMN_NUMBER.match(text)
        if match is None:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def find_header(
    sheet: Sheet,
    aliases: Mapping[str, Sequence[str]],
    required: str,
    search_rows: int = SEARCH_ROWS,
    any_of: Sequence[str] = (),
) -> tuple[int, dict[str, int]] | None:
    """The first row (in the first ``search_rows``) holding the ``required`` column.

    Returns the 0-based header row and a map field → column index. When several
    cells match one field, the one with the earlier alias wins (so ``Mã tiêu chí``
    beats a sequence-number column ``TT``), then the leftmost. With ``any_of``, a
    header must also hold one of those fields, on its row or on the row below it
    (a two-row header: ``Điểm`` merged over ``Tự đánh giá`` | ``Thẩm định``).
    """
    located = _locate_header(
        sheet, _alias_index(aliases), required, search_rows, any_of
    )
    return None if located is None else located[:2]


def _locate_header(
    sheet: Sheet,
    index: AliasIndex,
    required: str,
    search_rows: int,
    any_of: Sequence[str],
) -> tuple[int, dict[str, int], int] | None:
    """(header row, columns, first data row) of the first header in ``sheet``."""
    cells = sheet.cells
    hidden = sheet.facts.hidden_columns
    for r, row in enumerate(cells[:search_rows]):
        columns = _header_matches(row, index, hidden)
        if required not in columns:
            continue
        data_row = r + 1
        if any_of and not any(name in columns for name in any_of):
            below = (
                _header_matches(cells[r + 1], index, hidden)
                if r + 1 < len(cells)
                else {}
            )
            taken = set(columns.values())
            extra = {
                k: c for k, c in below.items() if k not in columns and c not in taken
            }
            if required in below or not any(name in extra for name in any_of):
                continue
            columns = {**extra, **columns}
            data_row = r + 2
        if data_row < len(cells) and is_column_numbering(cells[data_row]):
            data_row += 1
        return r, columns, data_row
    return None


def find_metadata(
    sheet: Sheet,
    labels: Mapping[str, Sequence[str]],
    last_row: int = SEARCH_ROWS,
) -> dict[str, tuple[str, str]]:
    """Metadata lines above a table: ``Label: value`` in one cell, or a label cell
    with the value in the next non-empty cell to its right.

    Returns field → (value text, A1 reference of the value). The first occurrence
    of each label on a visible row wins, then on a hidden one.
    """
    found: dict[str, tuple[str, str]] = {}
    for name, text, ref, _ in metadata_lines(sheet, labels, last_row):
        found.setdefault(name, (text, ref))
    return found


def rows_visible_first(
    sheet: Sheet, last_row: int = SEARCH_ROWS
) -> list[tuple[int, list[CellValue]]]:
    """The sheet's rows above ``last_row`` with their numbers, the visible ones
    first, each in the sheet's order: a visible line wins over a hidden one (an
    old year kept hidden)."""
    rows = list(enumerate(sheet.cells[:last_row]))
    hidden = sheet.facts.hidden_rows
    if hidden:
        rows = [x for x in rows if x[0] not in hidden] + [
            x for x in rows if x[0] in hidden
        ]
    return rows


def metadata_lines(
    sheet: Sheet,
    labels: Mapping[str, Sequence[str]],
    last_row: int = SEARCH_ROWS,
) -> Iterator[tuple[str, str, str, bool]]:
    """Every metadata line above a table (see ``find_metadata``): field, value
    text, A1 reference of the value and whether its row is visible; the visible
    rows first, each in the sheet's order."""
    index = _alias_index(labels)
    hidden = sheet.facts.hidden_rows
    for r, row in rows_visible_first(sheet, last_row):
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            label, sep, rest = value.partition(":")
            match = _match(label, index)
            if match is None:
                continue
            text = nfc(rest).strip() if sep else ""
            ref = cell_ref(r, c)
            if not text:
                for c2 in range(c + 1, len(row)):
                    candidate = cell_text(row[c2])
                    if candidate:
                        text, ref = candidate, cell_ref(r, c2)
                        break
            if text:
                yield match[0], text, ref, not (hidden and r in hidden)


def with_merged_labels(sheet: Sheet, aliases: Mapping[str, Sequence[str]]) -> Sheet:
    """``sheet`` with each merged range whose first cell is a label of ``aliases``
    written in every cell of the range (``Năm`` merged over two header rows is
    then ``Năm`` on both). Other merged ranges (a title over several columns, a
    figure) are left as read: only labels are spread, never a value."""
    index = _alias_index(aliases)
    cells = sheet.cells
    spread: dict[int, list[CellValue]] = {}
    for (r1, c1), (r2, c2) in sheet.merged:
        if r1 >= len(cells) or c1 >= len(cells[r1]):
            continue
        label = cells[r1][c1]
        if not isinstance(label, str) or _match(label, index) is None:
            continue
        for r in range(r1, min(r2 + 1, len(cells))):
            row = spread.setdefault(r, list(cells[r]))
            for c in range(c1, min(c2 + 1, len(row))):
                row[c] = label
    if not spread:
        return sheet
    return replace(sheet, cells=[spread.get(r, row) for r, row in enumerate(cells)])


def find_table(
    sheets: Sequence[Sheet] | Iterator[Sheet],
    aliases: Mapping[str, Sequence[str]],
    required: str,
    labels: Mapping[str, Sequence[str]] | None = None,
    any_of: Sequence[str] = (),
) -> Table | None:
    """The first sheet holding a table with the ``required`` column, located.

    With ``any_of``, the first sheet whose header also holds one of those fields is
    preferred (an instructions sheet may name the columns); failing that, the first
    sheet with the ``required`` column is returned, so the caller can say what its
    header lacks.
    """
    index = _alias_index(aliases)
    fallback: Table | None = None
    for sheet in sheets:
        located = _locate_header(sheet, index, required, SEARCH_ROWS, any_of)
        if located is None:
            if any_of and fallback is None:
                plain = _locate_header(sheet, index, required, SEARCH_ROWS, ())
                if plain is not None:
                    fallback = _table(sheet, plain, labels)
            continue
        return _table(sheet, located, labels)
    return fallback


def _table(
    sheet: Sheet,
    located: tuple[int, dict[str, int], int],
    labels: Mapping[str, Sequence[str]] | None,
) -> Table:
    header_row, columns, data_row = located
    metadata = find_metadata(sheet, labels, last_row=header_row) if labels else {}
    return Table(
        sheet=sheet,
        header_row=header_row,
        columns=columns,
        metadata=metadata,
        data_row=data_row,
    )


# --- formulas saved without a computed value (xlsx, xlsm) -------------------------

_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# the same, split so that each search skips to a literal (``<f`` or ``:f``)
_PLAIN_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA_TAG = re.compile(rb":f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def has_formulas(sheet_xml: bytes) -> bool:
    """Whether a worksheet part holds any formula (a cheap byte search)."""
    if _PLAIN_FORMULA_TAG.search(sheet_xml) is not None:
        return True
    return (
        _PREFIXED_FORMULA_TAG.search(sheet_xml) is not None
        and _FORMULA_TAG.search(sheet_xml) is not None
    )


WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHEET_TYPES = frozenset(
    {"worksheet", "chartsheet", "dialogsheet", "macrosheet", "xlMacrosheet"}
)


def workbook_relationships(rels_xml: bytes) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of ``xl/_rels/workbook.xml.rels``; the
    type is the last segment of its URI (``worksheet``, ``sharedStrings``…).

    Only called on XML that ``ingest.safety`` accepted (no DTD).
    """
    return dict(_parsed_once(_relationships, rels_xml))


def _relationships(rels_xml: bytes) -> tuple[tuple[str, tuple[str, str]], ...]:
    found = {}
    for rel in ET.fromstring(rels_xml).iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        found[rel.get("Id", "")] = (kind, posixpath.normpath(part))
    return tuple(found.items())


def _workbook_sheets(workbook_xml: bytes) -> tuple[tuple[str, str], ...]:
    """(name as written, relationship id) of each sheet of ``xl/workbook.xml``."""
    workbook = ET.fromstring(transitional(workbook_xml))
    return tuple(
        (sheet.get("name", ""), sheet.get(f"{{{REL_NS}}}id", ""))
        for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet")
    )


_MEMO_BYTES = 64 * 1024
"""Parts up to this size are parsed once per content (``_parsed_once``)."""
_Parsed = TypeVar("_Parsed")


def _parsed_once(parse: Callable[[bytes], _Parsed], xml: bytes) -> _Parsed:
    """``parse(xml)``, kept for parts of small size: the safety pass and the
    readers both need a file's relationships, and files made from one template
    share their workbook parts. ``parse`` is pure and its result immutable; a
    failure is not kept (asked again, it raises again)."""
    if len(xml) > _MEMO_BYTES:
        return parse(xml)
    return cast(_Parsed, _memo(parse, bytes(xml)))


@lru_cache(maxsize=64)
def _memo(parse: Callable[[bytes], object], xml: bytes) -> object:
    return parse(xml)


def sheet_part_names(rels_xml: bytes) -> set[str]:
    """The parts a workbook's relationships name as sheets (of any kind)."""
    return {
        part
        for kind, part in workbook_relationships(rels_xml).values()
        if kind in _SHEET_TYPES
    }


def sheet_parts(content: bytes) -> dict[str, str]:
    """Sheet name (NFC) → worksheet part name of an xlsx/xlsm workbook.

    Only called on a file that ``ingest.safety`` accepted (no DTD in any part).
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sheet_parts_read(archive.read)


def sheet_parts_read(read: Callable[[str], bytes]) -> dict[str, str]:
    """``sheet_parts`` of the workbook whose parts ``read`` gives (by name)."""
    sheets = _parsed_once(_workbook_sheets, read("xl/workbook.xml"))
    relationships = workbook_relationships(read(WORKBOOK_RELS))
    parts = {}
    for name, rid in sheets:
        _, part = relationships.get(rid, ("", ""))
        parts[nfc(name)] = part
    return parts


def uncalculated_formula_cells(sheet_xml: bytes) -> frozenset[tuple[int, int]]:
    """(row, column), 0-based, of the formula cells that carry no computed value.

    Such cells are written by libraries that cannot calculate (openpyxl) and by
    Excel when calculation was set to manual; readers see them as empty. A cached
    empty text (``t="str"`` with an empty ``<v>``) is a computed value.
    """
    cells: set[tuple[int, int]] = set()
    cell_tag, row_tag = f"{{{MAIN_NS}}}c", f"{{{MAIN_NS}}}row"
    # a row or cell without its reference (``r=``) follows the one before, as
    # the readers place it (written so by .NET and Java libraries)
    row, column = -1, -1
    for event, element in ET.iterparse(
        io.BytesIO(transitional(sheet_xml)), events=("start", "end")
    ):
        if event == "start":
            if element.tag == row_tag:
                number = element.get("r")
                row = int(number) - 1 if number and number.isdigit() else row + 1
                column = -1
            continue
        if element.tag == cell_tag:
            position = cell_position(element.get("r", "")) or (row, column + 1)
            column = position[1]
            if element.find(_FORMULA) is not None and not _has_value(element):
                cells.add(position)
            element.clear()
        elif element.tag == row_tag:
            element.clear()
    return frozenset(cells)


_FORMULA = f"{{{MAIN_NS}}}f"
_VALUE = f"{{{MAIN_NS}}}v"
_INLINE = f"{{{MAIN_NS}}}is"


def _has_value(cell: ET.Element) -> bool:
    """Whether a formula cell carries its computed value."""
    if cell.find(_INLINE) is not None:
        return True
    value = cell.find(_VALUE)
    if value is None:
        return False
    return bool(value.text) or cell.get("t") == "str"


@lru_cache(maxsize=1024)
def column_index(letters: str) -> int:
    """0-based column index of A1-style letters: ``"A"`` → 0, ``"AA"`` → 26."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1

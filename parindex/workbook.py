"""Read spreadsheet sheets as grids and locate a labelled table in them.

Any workbook parindex reads (criteria set, submission, history) is a grid of cells with
metadata lines (``Năm: 2023``) above a header row. This module knows nothing of the
domain: callers give the column aliases and the metadata labels they look for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

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
    """One sheet's cells, ``cells[r][c]`` being the cell at row r+1, column c+1."""

    name: str
    cells: list[list[CellValue]]
    truncated: bool = False


@dataclass(frozen=True)
class Table:
    """Where a table sits in a sheet: its header row, columns and metadata lines."""

    sheet: Sheet
    header_row: int
    columns: dict[str, int]
    metadata: dict[str, tuple[str, str]] = field(default_factory=dict)

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


def cell_ref(row: int, column: int) -> str:
    """A1 reference of a 0-based row and column: (11, 2) → ``"C12"``."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def cell_text(value: CellValue) -> str:
    """A cell's text as a person reads it: NFC, stripped, ``1.0`` shown as ``1``."""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def open_workbook(source: Path | bytes) -> calamine.CalamineWorkbook:
    """Open a workbook (xlsx, xlsm, xlsb, xls, ods) from a path or bytes.

    Raises:
        UnreadableWorkbook: the file is not a spreadsheet, is corrupt or encrypted.
    """
    try:
        if isinstance(source, bytes):
            import io

            return calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
        return calamine.CalamineWorkbook.from_path(str(source))
    except calamine.PasswordError as error:
        raise UnreadableWorkbook("encrypted") from error
    except (calamine.CalamineError, ValueError, OSError) as error:
        raise UnreadableWorkbook(f"unreadable: {error}") from error
    except Exception as error:  # calamine raises bare errors for some corrupt files
        raise UnreadableWorkbook(f"unreadable: {error}") from error


def iter_sheets(workbook: calamine.CalamineWorkbook) -> Iterator[Sheet]:
    """Yield the workbook's worksheets in order (hidden ones and charts skipped).

    Each sheet is read from A1 so that cell references are exact, capped at
    ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns.
    """
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            continue
        try:
            raw = workbook.get_sheet_by_name(meta.name)
            rows = raw.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
        except Exception as error:
            raise UnreadableWorkbook(f"unreadable: {error}") from error
        truncated = len(rows) > MAX_ROWS or any(len(r) > MAX_COLUMNS for r in rows)
        cells = [list(row[:MAX_COLUMNS]) for row in rows[:MAX_ROWS]]
        yield Sheet(name=nfc(meta.name), cells=cells, truncated=truncated)


def _match(text: str, aliases: Mapping[str, Sequence[str]]) -> tuple[str, int] | None:
    """The field whose alias equals the folded text, with the alias' priority."""
    folded = fold_label(text)
    for name, names in aliases.items():
        for priority, alias in enumerate(names):
            if folded == fold_label(alias):
                return name, priority
    return None


def find_header(
    sheet: Sheet,
    aliases: Mapping[str, Sequence[str]],
    required: str,
    search_rows: int = SEARCH_ROWS,
) -> tuple[int, dict[str, int]] | None:
    """The first row (in the first ``search_rows``) holding the ``required`` column.

    Returns the 0-based header row and a map field → column index. When several
    cells match one field, the one with the earlier alias wins (so ``Mã tiêu chí``
    beats a sequence-number column ``TT``), then the leftmost.
    """
    for r, row in enumerate(sheet.cells[:search_rows]):
        best: dict[str, tuple[int, int]] = {}
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            found = _match(value, aliases)
            if found is None:
                continue
            name, priority = found
            if name not in best or priority < best[name][0]:
                best[name] = (priority, c)
        if required in best:
            return r, {name: c for name, (_, c) in best.items()}
    return None


def find_metadata(
    sheet: Sheet,
    labels: Mapping[str, Sequence[str]],
    last_row: int = SEARCH_ROWS,
) -> dict[str, tuple[str, str]]:
    """Metadata lines above a table: ``Label: value`` in one cell, or a label cell
    with the value in the next non-empty cell to its right.

    Returns field → (value text, A1 reference of the value). The first occurrence
    of each label wins.
    """
    found: dict[str, tuple[str, str]] = {}
    for r, row in enumerate(sheet.cells[:last_row]):
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            label, sep, rest = value.partition(":")
            match = _match(label, labels)
            if match is None:
                continue
            name = match[0]
            if name in found:
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
                found[name] = (text, ref)
    return found


def find_table(
    sheets: Sequence[Sheet] | Iterator[Sheet],
    aliases: Mapping[str, Sequence[str]],
    required: str,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> Table | None:
    """The first sheet holding a table with the ``required`` column, located."""
    for sheet in sheets:
        header = find_header(sheet, aliases, required)
        if header is None:
            continue
        header_row, columns = header
        metadata = find_metadata(sheet, labels, last_row=header_row) if labels else {}
        return Table(
            sheet=sheet, header_row=header_row, columns=columns, metadata=metadata
        )
    return None

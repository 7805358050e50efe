"""Open one submission, find its table and decide whose and which year it is."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from parindex import messages
from parindex.criteria import CriteriaSet, Department, match_department
from parindex.ingest.discover import DroppedFile, sha256
from parindex.ingest.safety import (
    MAX_FILE_BYTES,
    Container,
    UnsafeFile,
    inspect_container,
    read_capped,
    unsafe_message,
)
from parindex.ingest.tcvn3 import decode_sheet
from parindex.problems import problem
from parindex.text import fold, parse_number
from parindex.workbook import (
    MAX_COLUMNS,
    MAX_ROWS,
    Sheet,
    Table,
    UnreadableWorkbook,
    find_table,
    has_formulas,
    iter_sheets,
    open_workbook,
    sheet_parts,
    uncalculated_formula_cells,
)

SUBMISSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã tiêu chí", "Mã", "TT", "STT"),
    "name": ("Tên tiêu chí", "Tiêu chí", "Nội dung"),
    "max": ("Điểm tối đa", "Điểm chuẩn", "Thang điểm"),
    "self": ("Điểm tự đánh giá", "Tự đánh giá", "Điểm tự chấm"),
    "appraised": ("Điểm thẩm định", "Thẩm định", "Điểm đạt"),
    "reason": (
        "Nguyên nhân trừ điểm",
        "Lý do trừ điểm",
        "Lý do",
        "Nguyên nhân",
        "Ghi chú",
    ),
    "evidence": ("Tài liệu kiểm chứng",),
}
SUBMISSION_LABELS: dict[str, tuple[str, ...]] = {
    "department": ("Đơn vị",),
    "year": ("Năm",),
}
SCORE_FIELDS = ("self", "appraised")
Record = dict[str, str | None]


@dataclass
class SubmissionRead:
    """What was learnt opening one file: its table, department and year, or why it
    was set aside (``rejection``)."""

    file: DroppedFile
    sha256: str | None
    table: Table | None = None
    department: str | None = None
    year: int | None = None
    rejection: Record | None = None
    problems: list[Record] = field(default_factory=list)


_SEPARATORS = re.compile(r"[-_.,;:()/]+")


@lru_cache(maxsize=16)
def _word_names(
    departments: tuple[Department, ...], codes: bool
) -> tuple[tuple[str, str], ...]:
    """(`` folded name ``, code) of every name and alias (and code, with ``codes``),
    separators turned into spaces and padded, ready for a whole-word search."""
    found = []
    for department in departments:
        candidates = (department.name, *department.aliases)
        for candidate in (department.code, *candidates) if codes else candidates:
            folded = fold(_SEPARATORS.sub(" ", candidate))
            if folded:
                found.append((f" {folded} ", department.code))
    return tuple(found)


def department_in_text(
    text: str, departments: tuple[Department, ...], *, codes: bool = True
) -> str | None:
    """The department whose name or alias (and code, with ``codes``) is found in
    ``text`` as whole words, the longest winning; None when nothing, or two
    departments equally, match."""
    words = f" {fold(_SEPARATORS.sub(' ', text))} "
    best: tuple[int, str | None] = (0, None)
    for padded, code in _word_names(departments, codes):
        if padded not in words:
            continue
        if len(padded) > best[0]:
            best = (len(padded), code)
        elif len(padded) == best[0] and best[1] != code:
            best = (len(padded), None)
    return best[1]


def department_from_file_name(
    name: str, departments: tuple[Department, ...]
) -> str | None:
    """Match a file name to a department: the longest code, name or alias found in it
    as whole words; None when nothing or two departments match equally."""
    return department_in_text(Path(name).stem, departments)


def load_submission(
    dropped: DroppedFile, criteria_set: CriteriaSet, year: int
) -> SubmissionRead:
    """Read a dropped file's bytes (never through a symlink, never more than the
    size cap) and then the submission in it; never raises for a bad file."""
    if dropped.size > MAX_FILE_BYTES:
        message = unsafe_message(UnsafeFile("too_large"), dropped.size)
        return _unread(dropped, message)
    try:
        content = read_capped(dropped.path)
    except OSError as error:
        reason = error.strerror or str(error)
        return _unread(dropped, messages.FILE_READ_FAILED.format(error=reason))
    return read_submission(dropped, content, sha256(content), criteria_set, year)


def _unread(dropped: DroppedFile, message: str) -> SubmissionRead:
    """A file set aside without its content having been read (so no sha256)."""
    rejection = problem("error", message, file=dropped.name)
    return SubmissionRead(file=dropped, sha256=None, rejection=rejection)


def _year(text: str) -> int | None:
    """The year a ``Năm`` line states, or None when it is not a whole number."""
    number = parse_number(text)
    return int(number) if number is not None and number.is_integer() else None


def _with_formulas(table: Table, content: bytes, container: Container) -> Table:
    """The table with its sheet's formula cells that carry no computed value."""
    if not any(has_formulas(xml) for xml in container.worksheets.values()):
        return table
    part = sheet_parts(content).get(table.sheet.name)
    xml = container.worksheets.get(part or "")
    if xml is None or not has_formulas(xml):
        return table
    cells = uncalculated_formula_cells(xml)
    if not cells:
        return table
    return replace(table, sheet=replace(table.sheet, uncalculated=cells))


def _read_sheets(
    content: bytes,
) -> tuple[list[Sheet], dict[str, list[tuple[str, str, str]]]]:
    """The visible sheets, TCVN3 text decoded, and the decoded cells per sheet."""
    sheets = []
    legacy: dict[str, list[tuple[str, str, str]]] = {}
    for sheet in iter_sheets(open_workbook(content)):
        decoded, cells = decode_sheet(sheet)
        sheets.append(decoded)
        if cells:
            legacy[decoded.name] = cells
    return sheets, legacy


def stated_year(content: bytes) -> int | None:
    """The year on a submission's ``Năm`` line, the file read as safely as by
    ``read_submission``; None when it cannot be read or states no year."""
    try:
        inspect_container(content)
        sheets, _ = _read_sheets(content)
    except (UnsafeFile, UnreadableWorkbook):
        return None
    table = find_table(
        sheets, SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS, any_of=SCORE_FIELDS
    )
    if table is None or "year" not in table.metadata:
        return None
    return _year(table.metadata["year"][0])


def read_submission(
    dropped: DroppedFile,
    content: bytes,
    digest: str,
    criteria_set: CriteriaSet,
    year: int,
) -> SubmissionRead:
    """Open one submission and locate its table.

    Never raises for a bad file: a file that cannot be used comes back with
    ``rejection`` set to the problem that says why.
    """
    result = SubmissionRead(file=dropped, sha256=digest)

    def reject(message: str, **where: str | None) -> SubmissionRead:
        result.rejection = problem("error", message, file=dropped.name, **where)
        return result

    if not content:
        return reject(messages.FILE_EMPTY)
    try:
        container = inspect_container(content)
        sheets, legacy = _read_sheets(content)
    except UnsafeFile as unsafe:
        return reject(unsafe_message(unsafe, len(content)))
    except UnreadableWorkbook as error:
        encrypted = error.reason == "encrypted"
        return reject(
            messages.FILE_ENCRYPTED if encrypted else messages.FILE_UNREADABLE
        )
    table = find_table(
        sheets, SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS, any_of=SCORE_FIELDS
    )
    if table is None:
        return reject(messages.FILE_NO_TABLE)
    sheet = table.sheet.name
    if not any(name in table.columns for name in SCORE_FIELDS):
        return reject(messages.FILE_NO_SCORE_COLUMN, sheet=sheet)
    try:
        table = _with_formulas(table, content, container)
    except (KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile):
        return reject(messages.FILE_UNREADABLE)  # SyntaxError: XML ParseError
    result.table = table
    if sheet in legacy:
        cell, before, after = legacy[sheet][0]
        result.problems.append(
            problem(
                "warning",
                messages.LEGACY_TCVN3.format(
                    count=len(legacy[sheet]), cell=cell, before=before, after=after
                ),
                file=dropped.name,
                sheet=sheet,
                cell=cell,
            )
        )
    if table.sheet.truncated:
        result.problems.append(
            problem(
                "warning",
                messages.FILE_TRUNCATED.format(rows=MAX_ROWS, columns=MAX_COLUMNS),
                file=dropped.name,
                sheet=sheet,
            )
        )
    if "department" in table.metadata:
        text, cell = table.metadata["department"]
        departments = criteria_set.departments
        result.department = match_department(text, departments) or (
            department_in_text(text, departments, codes=False)
        )
        if result.department is None:
            return reject(
                messages.FILE_UNKNOWN_DEPARTMENT.format(text=text),
                sheet=sheet,
                cell=cell,
            )
    else:
        result.department = department_from_file_name(
            dropped.path.name, criteria_set.departments
        )
        if result.department is None:
            return reject(messages.FILE_NO_DEPARTMENT, sheet=sheet)
    for record in result.problems:
        record["department"] = result.department
    result.year = year
    if "year" in table.metadata:
        text, cell = table.metadata["year"]
        stated = _year(text)
        if stated is None:
            return reject(
                messages.FILE_BAD_YEAR.format(value=text),
                sheet=sheet,
                cell=cell,
                department=result.department,
            )
        if stated != year:
            return reject(
                messages.FILE_YEAR_MISMATCH.format(file_year=stated, year=year),
                sheet=sheet,
                cell=cell,
                department=result.department,
            )
    return result

"""Open one submission, find its table and decide whose and which year it is."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from parindex import messages
from parindex.criteria import CriteriaSet, Department, match_department
from parindex.ingest.discover import DroppedFile, sha256
from parindex.ingest.isolate import (
    MEMORY_BYTES,
    TIMEOUT_SECONDS,
    Crashed,
    run_isolated,
)
from parindex.ingest.safety import (
    MAX_FILE_BYTES,
    ChangedWhileReading,
    Container,
    UnsafeFile,
    inspect_container,
    read_snapshot,
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
    pending: bool = False
    """Not read this time (it vanished or changed while being read): ``rejection``
    is then a warning and the file's status ``pending``."""


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
    size cap) and then the submission in it, the reader isolated in a child
    process; never raises for a bad file."""
    return load_submissions([dropped], criteria_set, year)[0][0]


Fetched = tuple[DroppedFile, bytes]


def fetch_submission(dropped: DroppedFile) -> Fetched | SubmissionRead:
    """Read a dropped file's bytes once, with the size and time they had (the file
    may have changed since it was listed); a file that cannot be read comes back
    as a ``SubmissionRead`` set aside (``rejection``) or left for the next run
    (``pending``: it vanished or changed while being read)."""
    if dropped.size > MAX_FILE_BYTES:
        message = unsafe_message(UnsafeFile("too_large"), dropped.size)
        return _unread(dropped, message)
    try:
        snapshot = read_snapshot(dropped.path)
    except FileNotFoundError:
        return _unread(dropped, messages.FILE_VANISHED, pending=True)
    except ChangedWhileReading:
        return _unread(dropped, messages.FILE_CHANGED_WHILE_READING, pending=True)
    except OSError as error:
        reason = error.strerror or str(error)
        return _unread(dropped, messages.FILE_READ_FAILED.format(error=reason))
    dropped = replace(dropped, size=snapshot.size, mtime=snapshot.mtime)
    if snapshot.size > MAX_FILE_BYTES:
        return _unread(dropped, unsafe_message(UnsafeFile("too_large"), snapshot.size))
    return dropped, snapshot.content


def load_submissions(
    entries: Sequence[DroppedFile], criteria_set: CriteriaSet, year: int
) -> list[tuple[SubmissionRead, bytes | None]]:
    """Read each file once and the submission in it: (what was learnt, the bytes
    read, which are the bytes hashed and to be archived; None when unread).

    The readers run in a child process (``isolate.run_isolated``): a file that
    crashes them, or makes them allocate past the limit, is set aside alone."""
    fetched = [fetch_submission(entry) for entry in entries]
    jobs = [
        (*item, sha256(item[1]))
        for item in fetched
        if not isinstance(item, SubmissionRead)
    ]

    def work(job: tuple[DroppedFile, bytes, str]) -> SubmissionRead:
        return read_submission(*job, criteria_set, year)

    outcomes = iter(zip(jobs, run_isolated(jobs, work), strict=True))
    found: list[tuple[SubmissionRead, bytes | None]] = []
    for item in fetched:
        if isinstance(item, SubmissionRead):
            found.append((item, None))
            continue
        (dropped, content, digest), outcome = next(outcomes)
        if isinstance(outcome, Crashed):
            outcome = _crashed(dropped, digest, outcome)
        found.append((outcome, content))
    return found


def _crashed(dropped: DroppedFile, digest: str, crashed: Crashed) -> SubmissionRead:
    """A file whose reader died, ran out of memory or of time."""
    why = messages.READER_CRASH_REASONS[crashed.reason].format(
        limit=MEMORY_BYTES // (1024 * 1024), seconds=int(TIMEOUT_SECONDS)
    )
    message = messages.FILE_READER_CRASHED.format(why=why)
    rejection = problem("error", message, file=dropped.name)
    return SubmissionRead(file=dropped, sha256=digest, rejection=rejection)


def _unread(
    dropped: DroppedFile, message: str, *, pending: bool = False
) -> SubmissionRead:
    """A file set aside without its content having been read (so no sha256), or
    left for the next run (``pending``: a warning, not an error)."""
    rejection = problem("warning" if pending else "error", message, file=dropped.name)
    return SubmissionRead(
        file=dropped, sha256=None, rejection=rejection, pending=pending
    )


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
    ``read_submission`` (in a child process); None when it cannot be read or
    states no year."""
    found = run_isolated([content], _stated_year)[0]
    return None if isinstance(found, Crashed) else found


def _stated_year(content: bytes) -> int | None:
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

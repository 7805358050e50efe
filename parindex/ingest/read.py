"""Open one submission, find its forms and decide whose and which year each is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest.discover import DroppedFile, sha256
from parindex.ingest.forms import (
    SUBMISSION_LABELS,
    Form,
    department_from_file_name,
    department_in_text,
    find_forms,
    form_metadata,
    stated_year_of,
)
from parindex.ingest.header import locate_header
from parindex.ingest.isolate import Crashed, crash_message, run_isolated
from parindex.ingest.normalise import FileRows, RowsBuilder
from parindex.ingest.safety import (
    MAX_FILE_BYTES,
    ChangedWhileReading,
    Container,
    UnsafeFile,
    inspect_container,
    read_snapshot,
    unsafe_message,
)
from parindex.ingest.tcvn3 import Decoded, decode_sheet
from parindex.problems import problem
from parindex.sheetfacts import SheetFacts, ods_facts, xls_facts, xlsx_facts
from parindex.workbook import (
    MAX_COLUMNS,
    MAX_ROWS,
    WORKBOOK_RELS,
    Sheet,
    Table,
    UnreadableWorkbook,
    cell_ref,
    has_formulas,
    iter_sheets,
    open_workbook,
    sheet_parts_read,
    uncalculated_formula_cells,
    workbook_relationships,
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
SCORE_FIELDS = ("self", "appraised")
Record = dict[str, str | None]
__all__ = [
    "SUBMISSION_COLUMNS",
    "SUBMISSION_LABELS",
    "SubmissionRead",
    "department_from_file_name",
    "department_in_text",
    "load_submission",
    "read_submission",
    "stated_year",
]


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
    forms: list[Form] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    pending: bool = False
    """Not read this time (it vanished or changed while being read): ``rejection``
    is then a warning and the file's status ``pending``."""
    other_years: list[dict[str, Any]] = field(default_factory=list)
    """The forms of the workbook that state another year than the folder's
    (``forms.FormsFound.other_years``), whether or not the file is set aside."""
    doubted: list[str] = field(default_factory=list)
    """The departments of its forms read from a ``Đơn vị`` line (or, without
    one, a name) that holds only a short name among other words
    (``forms.Form.doubted``)."""
    doubted_where: dict[str, str] = field(default_factory=dict)
    """Of those, the ones read from a name, not a line: department → which name
    (``forms.Form.doubted_where``: ``tên tệp``…)."""
    places: list[dict[str, Any]] = field(default_factory=list)
    """The places its forms' ``Đơn vị`` lines name outside their departments'
    names (``forms.Form.lines``): one record per such line (``department``,
    ``sheet``, ``cell``, ``text`` of the line, ``places``), compared with the
    unit's own place by the run (``winners.other_unit_forms``)."""

    def tables(self) -> list[tuple[Table, str | None]]:
        """(table, department) of every form read from the file (one per sheet
        that is a form for the year: README, Choices)."""
        if self.forms:
            return [(form.table, form.department) for form in self.forms]
        return [] if self.table is None else [(self.table, self.department)]


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
    outcomes = iter(zip(jobs, read_fetched(jobs, criteria_set, year), strict=True))
    found: list[tuple[SubmissionRead, bytes | None]] = []
    for item in fetched:
        if isinstance(item, SubmissionRead):
            found.append((item, None))
            continue
        (_, content, _), (outcome, _) = next(outcomes)
        found.append((outcome, content))
    return found


ReadJob = tuple[DroppedFile, bytes, str]


def read_fetched(
    jobs: Sequence[ReadJob], criteria_set: CriteriaSet, year: int
) -> list[tuple[SubmissionRead, bool]]:
    """Read the submissions in bytes already fetched and hashed (``jobs``: entry,
    bytes, sha256), the readers in a child process: (what was learnt, whether the
    reader crashed) per job."""

    def work(job: ReadJob) -> SubmissionRead:
        return read_submission(*job, criteria_set, year)

    found: list[tuple[SubmissionRead, bool]] = []
    for (dropped, _, digest), outcome in zip(
        jobs, run_isolated(list(jobs), work), strict=True
    ):
        if isinstance(outcome, Crashed):
            found.append((_crashed(dropped, digest, outcome), True))
        else:
            found.append((outcome, False))
    return found


def read_fetched_rows(
    jobs: Sequence[ReadJob],
    criteria_set: CriteriaSet,
    year: int,
    *,
    workers: int | None = None,
) -> list[tuple[SubmissionRead, FileRows, bool]]:
    """``read_fetched``, the rows built in the reader processes too: (what was
    learnt, without its sheets; the rows of its forms, ``RowsBuilder.columns()``;
    whether the reader crashed) per job. Only these small results cross the pipe,
    not every cell of every sheet. ``workers``: how many reader children at once
    (``isolate.run_isolated``; by default one per core)."""

    # in this process: polars is not called in a forked reader child
    codes_by_name = criteria_set.codes_by_name

    def work(job: ReadJob) -> tuple[SubmissionRead, FileRows]:
        read = read_submission(*job, criteria_set, year)
        return read, rows_of(read, codes_by_name)

    found: list[tuple[SubmissionRead, FileRows, bool]] = []
    no_rows = RowsBuilder().columns()
    outcomes = run_isolated(list(jobs), work, workers=workers)
    for (dropped, _, digest), outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Crashed):
            found.append((_crashed(dropped, digest, outcome), no_rows, True))
        else:
            read, rows = outcome
            found.append((read, rows, False))
    return found


def rows_of(
    read: SubmissionRead, codes_by_name: dict[str, tuple[str, ...]] | None = None
) -> FileRows:
    """The rows of every form read from the file (``RowsBuilder.columns()``);
    the read keeps neither its sheets nor its forms afterwards. With
    ``CriteriaSet.codes_by_name``, a row whose name is another criterion's is set
    aside (``RowsBuilder``)."""
    builder = RowsBuilder(codes_by_name)
    if read.rejection is None:
        for table, department in read.tables():  # one per form sheet
            builder.add(table, read.file.name, department)
    read.table = None
    read.forms = []
    return builder.columns()


def _crashed(dropped: DroppedFile, digest: str, crashed: Crashed) -> SubmissionRead:
    """A file whose reader died, ran out of memory or of time."""
    rejection = problem("error", crash_message(crashed), file=dropped.name)
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


def _sheet_parts(content: bytes, container: Container) -> dict[str, str]:
    """Sheet name → worksheet part, read once per container (a failure is not
    kept: asked again, it raises again)."""
    parts = container.memo.get("sheet_parts")
    if parts is None:
        parts = sheet_parts_read(lambda name: container.read(content, name))
        container.memo["sheet_parts"] = parts
    return cast(dict[str, str], parts)


def _with_formulas(table: Table, content: bytes, container: Container) -> Table:
    """The table with its sheet's formula cells that carry no computed value."""
    if table.sheet.facts.uncalculated:  # an .ods: found with its other facts
        return replace(
            table,
            sheet=replace(table.sheet, uncalculated=table.sheet.facts.uncalculated),
        )
    with_formulas = container.memo.get("with_formulas")
    if with_formulas is None:  # searched once per file, not once per form
        with_formulas = {
            p for p, xml in container.worksheets.items() if has_formulas(xml)
        }
        container.memo["with_formulas"] = with_formulas
    if not with_formulas:
        return table
    part = _sheet_parts(content, container).get(table.sheet.name)
    if part not in cast(set[str], with_formulas):
        return table
    cells = uncalculated_formula_cells(container.worksheets[part])
    if not cells:
        return table
    return replace(table, sheet=replace(table.sheet, uncalculated=cells))


_STYLES = "xl/styles.xml"


def _styles_part(content: bytes, container: Container) -> str:
    """The styles part of an xlsx/xlsm, as the workbook's relationships name it
    (a package may put it under another name than ``xl/styles.xml``)."""
    try:
        relationships = workbook_relationships(container.read(content, WORKBOOK_RELS))
    except (KeyError, zipfile.BadZipFile, ET.ParseError):
        return _STYLES
    named = [part for kind, part in relationships.values() if kind == "styles"]
    return named[0] if named else _STYLES


def _facts(content: bytes, container: Container) -> dict[str, SheetFacts]:
    """What the reader does not expose (hidden rows and columns, error values,
    percent formats), per sheet name."""
    if container.kind == "ole":
        return xls_facts(content)
    if container.worksheets:
        parts = _sheet_parts(content, container)
        archive = container.zip(content)
        name = _styles_part(content, container)
        has_styles = name in archive.NameToInfo
        styles = container.read(content, name) if has_styles else None
        return xlsx_facts(styles, parts, container.worksheets)
    if "content.xml" not in container.zip(content).NameToInfo:  # ods: sizes checked
        return {}
    return ods_facts(container.read(content, "content.xml"))


def with_facts(
    sheets: list[Sheet], content: bytes, container: Container
) -> tuple[list[Sheet], str | None]:
    """``sheets`` (read from ``content``) with the facts the reader does not
    give (hidden rows and columns, an ``.ods``'s merged cells), as
    ``_read_sheets`` gives a submission's, and why the facts could not be read
    (None when they were: the sheets are then as the reader gives them, for
    the caller to say so)."""
    try:
        facts = _facts(content, container)
    except Exception as error:  # xlrd, zipfile, expat: said by the caller
        return sheets, f"{type(error).__name__}: {error}"
    # formula cells saved without a value (a workbook a program wrote): an
    # .ods's are among its facts, an .xlsx's read from each sheet's part
    parts = _sheet_parts(content, container) if container.worksheets else {}
    found = []
    for read in sheets:
        fact = facts.get(read.name)
        sheet = read if fact is None else replace(read, facts=fact)
        if fact is not None and fact.merged and not sheet.merged:  # an .ods's spans
            sheet = replace(sheet, merged=fact.merged)
        xml = container.worksheets.get(parts.get(read.name, ""))
        if fact is not None and fact.uncalculated:
            sheet = replace(sheet, uncalculated=fact.uncalculated)
        elif xml is not None and has_formulas(xml):
            sheet = replace(sheet, uncalculated=uncalculated_formula_cells(xml))
        found.append(sheet)
    return found, None


def _read_sheets(
    content: bytes, container: Container | None = None
) -> tuple[list[Sheet], dict[str, list[Decoded]], str | None]:
    """Every sheet (hidden ones marked), TCVN3 and VNI text decoded, with the facts the
    reader does not expose; the decoded cells per sheet; and why the facts could
    not be read (None when they were)."""
    sheets = []
    legacy: dict[str, list[Decoded]] = {}
    facts: dict[str, SheetFacts] = {}
    failure = None
    if container is not None:
        try:
            facts = _facts(content, container)
        except Exception as error:  # xlrd, zipfile, expat: read on without them
            failure = f"{type(error).__name__}: {error}"
    for sheet in iter_sheets(open_workbook(content), hidden=True):
        decoded, cells = decode_sheet(sheet)
        if sheet.name in facts:
            found = facts[sheet.name]
            decoded = replace(decoded, facts=found)
            if found.merged and not decoded.merged:  # an .ods: its spans
                decoded = replace(decoded, merged=found.merged)
        sheets.append(decoded)
        if cells:
            legacy[decoded.name] = cells
    return sheets, legacy, failure


def stated_year(content: bytes) -> int | None:
    """The latest year on a submission's ``Năm`` lines (a workbook may keep last
    year's form beside this year's), the file read as safely as by
    ``read_submission`` (in a child process); None when it cannot be read or
    states no year."""
    found = run_isolated([content], _stated_year)[0]
    return None if isinstance(found, Crashed) else found


def _stated_year(content: bytes) -> int | None:
    try:
        inspect_container(content)
        sheets, _, _ = _read_sheets(content)
    except (UnsafeFile, UnreadableWorkbook):
        return None
    years = []
    for sheet in sheets:
        if not sheet.visible:
            continue
        at = locate_header(sheet)
        if at is None:
            continue
        metadata = form_metadata(sheet, at[0])
        if "year" in metadata:
            years.append(stated_year_of(metadata["year"][0]))
    known = [year for year in years if year is not None]
    return max(known) if known else None


def _scores_linked(table: Table) -> list[tuple[int, int]]:
    """The score cells of a form (self score, appraisal, below its header) that
    take their value from another workbook, in reading order."""
    external = table.sheet.facts.external
    if not external:
        return []
    columns = {table.columns.get(role) for role in ("self", "appraised")} - {None}
    return sorted((r, c) for r, c in external if c in columns and r >= table.data_row)


def read_submission(
    dropped: DroppedFile,
    content: bytes,
    digest: str,
    criteria_set: CriteriaSet,
    year: int,
) -> SubmissionRead:
    """Open one submission and locate its forms (README, Choices: every visible
    sheet that is a form for the year is read).

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
        sheets, legacy, failure = _read_sheets(content, container)
    except UnsafeFile as unsafe:
        return reject(unsafe_message(unsafe, len(content)))
    except UnreadableWorkbook as error:
        encrypted = error.reason == "encrypted"
        return reject(
            messages.FILE_ENCRYPTED if encrypted else messages.FILE_UNREADABLE
        )
    found = find_forms(
        sheets, dropped.name, criteria_set, year, subfolder=dropped.subfolder
    )
    result.other_years = found.other_years
    if found.rejection is not None:
        result.rejection = found.rejection
        result.department = found.rejection["department"]
        return result
    for form in found.forms:
        try:
            form.table = _with_formulas(form.table, content, container)
        except (KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile):
            return reject(messages.FILE_UNREADABLE)  # SyntaxError: XML ParseError
    result.forms = found.forms
    result.table = found.forms[0].table
    result.department = found.forms[0].department
    result.departments = [f.department for f in found.forms if f.department]
    result.doubted = [f.department for f in found.forms if f.department and f.doubted]
    result.doubted_where = {
        f.department: f.doubted_where
        for f in found.forms
        if f.department and f.doubted and f.doubted_where
    }
    result.places = [
        {
            "department": form.department,
            "sheet": form.table.sheet.name,
            "cell": cell or None,
            "text": text,
            "places": places,
            "where": where,
            "short": form.short_cell is not None and cell == form.short_cell,
            "seated": form.seated,
        }
        for form in found.forms
        if form.department
        for text, cell, places, where in form.lines
    ]
    result.year = year
    if failure is not None:
        result.problems.append(
            problem(
                "warning",
                messages.FACTS_UNREADABLE.format(reason=failure),
                file=dropped.name,
                department=result.department,
            )
        )
    result.problems.extend(found.problems)
    for form in found.forms:
        sheet = form.table.sheet
        for encoding, template in (
            ("TCVN3", messages.LEGACY_TCVN3),
            ("VNI", messages.LEGACY_VNI),
        ):
            cells = [d for d in legacy.get(sheet.name, []) if d[3] == encoding]
            if not cells:
                continue
            cell, before, after, _ = cells[0]
            result.problems.append(
                problem(
                    "warning",
                    template.format(
                        count=len(cells), cell=cell, before=before, after=after
                    ),
                    file=dropped.name,
                    sheet=sheet.name,
                    cell=cell,
                    department=form.department,
                )
            )
        linked = _scores_linked(form.table)
        if linked:
            shown = [cell_ref(r, c) for r, c in linked]
            result.problems.append(
                problem(
                    "warning",
                    messages.SCORES_FROM_OTHER_WORKBOOK.format(
                        count=len(shown),
                        cells=", ".join(shown[:5]) + (", …" if len(shown) > 5 else ""),
                    ),
                    file=dropped.name,
                    sheet=sheet.name,
                    cell=shown[0],
                    department=form.department,
                )
            )
        if sheet.truncated:
            result.problems.append(
                problem(
                    "warning",
                    messages.FILE_TRUNCATED.format(rows=MAX_ROWS, columns=MAX_COLUMNS),
                    file=dropped.name,
                    sheet=sheet.name,
                    department=form.department,
                )
            )
    if len(set(result.departments)) == 1:  # else a file's line is no one's
        for record in result.problems:
            if record["department"] is None:
                record["department"] = result.department
    return result

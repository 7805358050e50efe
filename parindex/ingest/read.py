"""Open one submission, find its table and decide whose and which year it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from parindex import messages
from parindex.criteria import CriteriaSet, Department, match_department
from parindex.ingest.discover import DroppedFile
from parindex.ingest.safety import UnsafeFile, inspect_container
from parindex.problems import problem
from parindex.text import fold, parse_number
from parindex.workbook import (
    MAX_COLUMNS,
    MAX_ROWS,
    Table,
    UnreadableWorkbook,
    find_table,
    iter_sheets,
    open_workbook,
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
_UNSAFE_MESSAGES = {
    "encrypted": messages.FILE_ENCRYPTED,
    "too_large": messages.FILE_UNREADABLE,
    "xml_entities": messages.FILE_UNREADABLE,
}
Record = dict[str, str | None]


@dataclass
class SubmissionRead:
    """What was learnt opening one file: its table, department and year, or why it
    was set aside (``rejection``)."""

    file: DroppedFile
    sha256: str
    table: Table | None = None
    department: str | None = None
    year: int | None = None
    rejection: Record | None = None
    problems: list[Record] = field(default_factory=list)


def department_from_file_name(
    name: str, departments: tuple[Department, ...]
) -> str | None:
    """Match a file name to a department: the longest code, name or alias found in it
    as whole words; None when nothing or two departments match equally."""
    stem = fold(re.sub(r"[-_.]+", " ", Path(name).stem))
    best: tuple[int, str | None] = (0, None)
    for department in departments:
        for candidate in (department.code, department.name, *department.aliases):
            folded = fold(re.sub(r"[-_.]+", " ", candidate))
            if not folded or not re.search(rf"(^| ){re.escape(folded)}( |$)", stem):
                continue
            if len(folded) > best[0]:
                best = (len(folded), department.code)
            elif len(folded) == best[0] and best[1] != department.code:
                best = (len(folded), None)
    return best[1]


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
        inspect_container(content)
        sheets = list(iter_sheets(open_workbook(content)))
    except UnsafeFile as unsafe:
        return reject(_UNSAFE_MESSAGES[unsafe.kind])
    except UnreadableWorkbook as error:
        encrypted = error.reason == "encrypted"
        return reject(
            messages.FILE_ENCRYPTED if encrypted else messages.FILE_UNREADABLE
        )
    table = find_table(sheets, SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS)
    if table is None:
        return reject(messages.FILE_NO_TABLE)
    result.table = table
    sheet = table.sheet.name
    if "self" not in table.columns and "appraised" not in table.columns:
        return reject(messages.FILE_NO_SCORE_COLUMN, sheet=sheet)
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
        result.department = match_department(text, criteria_set.departments)
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
    result.year = year
    if "year" in table.metadata:
        text, cell = table.metadata["year"]
        number = parse_number(text)
        if number is None or not number.is_integer():
            return reject(
                messages.FILE_BAD_YEAR.format(value=text),
                sheet=sheet,
                cell=cell,
                department=result.department,
            )
        if int(number) != year:
            return reject(
                messages.FILE_YEAR_MISMATCH.format(file_year=int(number), year=year),
                sheet=sheet,
                cell=cell,
                department=result.department,
            )
    return result

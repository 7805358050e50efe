"""Problems: one frame shape from the first step to the last.

Every stage returns its problems as rows of this frame, so the ``Kiểm tra`` sheet, the
``check`` command, the JSON summary and the Prefect artifacts all read the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import polars as pl

from parindex import messages

if TYPE_CHECKING:
    from parindex.criteria import Department

Severity = Literal["error", "warning"]

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "severity": pl.String(),
    "file": pl.String(),
    "sheet": pl.String(),
    "cell": pl.String(),
    "department": pl.String(),
    "criterion": pl.String(),
    "message": pl.String(),
}

_SEVERITY_ORDER = {"error": 0, "warning": 1}


def problem(
    severity: Severity,
    message: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    department: str | None = None,
    criterion: str | None = None,
) -> dict[str, str | None]:
    """One problem record (a row of the problems frame)."""
    return {
        "severity": severity,
        "file": file,
        "sheet": sheet,
        "cell": cell,
        "department": department,
        "criterion": criterion,
        "message": message,
    }


def problems_frame(records: list[dict[str, str | None]]) -> pl.DataFrame:
    """Build the problems frame from records, in the fixed column order."""
    return pl.DataFrame(records, schema=PROBLEM_SCHEMA, orient="row")


def empty_problems() -> pl.DataFrame:
    """A problems frame with no rows."""
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def concat_problems(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Concatenate problem frames into one, errors first, then by file and cell."""
    frames = [f.select(list(PROBLEM_SCHEMA)) for f in frames if f.height]
    if not frames:
        return empty_problems()
    return sort_problems(pl.concat(frames, how="vertical"))


def sort_problems(problems: pl.DataFrame) -> pl.DataFrame:
    """Stable order: errors before warnings, then file, sheet, row of the cell."""
    row_of_cell = pl.col("cell").str.extract(r"(\d+)$").cast(pl.Int64, strict=False)
    return (
        problems.with_columns(
            _sev=pl.col("severity").replace_strict(_SEVERITY_ORDER, default=9),
            _row=row_of_cell,
        )
        .sort(
            ["_sev", "file", "sheet", "_row", "cell", "criterion", "message"],
            nulls_last=True,
            maintain_order=True,
        )
        .drop("_sev", "_row")
    )


def error_count(problems: pl.DataFrame) -> int:
    """How many problems are errors."""
    return problems.filter(pl.col("severity") == "error").height


def template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def fields_pattern(template: str) -> re.Pattern[str]:
    """``template_pattern`` whose fields are named groups (a field written twice
    must read the same both times)."""
    pattern, seen, start = "", set(), 0
    for found in re.finditer(r"\{([a-z_]+)\}", template):
        pattern += re.escape(template[start : found.start()])
        name = found.group(1)
        pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.+?)"
        seen.add(name)
        start = found.end()
    return re.compile(pattern + re.escape(template[start:]), re.DOTALL)


_UNKNOWN_PATTERNS = tuple(
    template_pattern(template) for template in messages.SUBMISSION_UNKNOWN_MESSAGES
)


_NOT_SUBMITTED = template_pattern(messages.DEPARTMENT_NOT_SUBMITTED)
_UNUSABLE = template_pattern(messages.DEPARTMENT_SUBMITTED_UNUSABLE)
_ON_SEVERAL_LINE = template_pattern(messages.DEPARTMENT_ON_SEVERAL_LINE)
_WAITING = template_pattern(messages.DEPARTMENT_NOT_FOUND_PENDING)
_NEWER = template_pattern(messages.DEPARTMENT_NEWER_PENDING)


def newer_waiting(
    departments: Sequence[tuple[str, str]], problems: Iterable[Mapping[str, Any]]
) -> Departments:
    """The departments with a file in use whose newer file (named for them) is
    left for the next run (its warning), in the criteria set's order: tonight
    counts their earlier file."""
    said = _said(problems, _NEWER)
    return [(code, name) for code, name in departments if code in said]


def _said(
    problems: Iterable[Mapping[str, Any]], *patterns: re.Pattern[str]
) -> set[str]:
    """The departments of the warnings whose message is one of ``patterns``."""
    return {
        str(row["department"])
        for row in problems
        if row.get("department")
        and row.get("severity") == "warning"
        and any(p.fullmatch(str(row.get("message") or "")) for p in patterns)
    }


def not_submitted(problems: Iterable[Mapping[str, Any]]) -> set[str]:
    """The departments the problems say have not submitted (the ingest says it of
    a department with no row in use: a form in another department's workbook
    counts)."""
    return _said(problems, _NOT_SUBMITTED)


def submitted_unusable(problems: Iterable[Mapping[str, Any]]) -> set[str]:
    """The departments the problems say submitted only a file that could not be
    used (rejected; its name, folder or `Đơn vị` line names the department, the
    line maybe beside another department)."""
    return _said(problems, _UNUSABLE, _ON_SEVERAL_LINE)


def submission_unknown(problems: Iterable[Mapping[str, Any]]) -> set[str]:
    """The departments the problems say are not known to have submitted or not
    (``messages.SUBMISSION_UNKNOWN_MESSAGES``: their folder, or a folder naming no
    department, could not be read). The same problem rows the ``Kiểm tra`` sheet
    shows, so the summaries of who submitted cannot disagree with it."""
    return _said(problems, *_UNKNOWN_PATTERNS)


Departments = list[tuple[str, str]]

_FORM_GAVE_WAY = (
    template_pattern(messages.FORM_SUPERSEDED),
    template_pattern(messages.FORM_NOT_USED),
)
_DOUBTED = (
    template_pattern(messages.DEPARTMENT_LINE_PARTIAL),
    template_pattern(messages.DEPARTMENT_NAME_PARTIAL),
    template_pattern(messages.DEPARTMENT_NAME_CODE_AMONG_WORDS),
)


def doubted_in_use(
    departments: Sequence[tuple[str, str]],
    problems: Iterable[Mapping[str, Any]],
    used_files: set[str],
) -> Departments:
    """The departments counted from a file in use whose ``Đơn vị`` line (or,
    without one, its name) holds only a short name of the department among
    other words (its warning), in the criteria set's order: its figures may be
    another office's."""
    rows = list(problems)
    # a workbook in use whose form of the department gave way (its other
    # forms are used): that department is counted from another file
    gave_way = {
        (row.get("file"), row.get("department"))
        for row in rows
        if any(p.fullmatch(str(row.get("message") or "")) for p in _FORM_GAVE_WAY)
    }
    said = {
        str(row["department"])
        for row in rows
        if row.get("department")
        and row.get("severity") == "warning"
        and row.get("file") in used_files
        and (row.get("file"), row.get("department")) not in gave_way
        and any(p.fullmatch(str(row.get("message") or "")) for p in _DOUBTED)
    }
    return [(code, name) for code, name in departments if code in said]


class Coverage(NamedTuple):
    """Who submitted and who did not, each in the criteria set's order."""

    submitted: Departments
    missing: Departments
    unknown: Departments
    """not known to have submitted: a folder that could not be read may hold it"""
    unusable: Departments
    """submitted only files that could not be used (rejected)"""
    waiting: Departments
    """without a file in use, a file saved within the settle time left for the
    next run (it may be theirs): their scores are not in tonight's figures"""


class Submitted(NamedTuple):
    """Who submitted in a consolidated year (``who_submitted``)."""

    departments: Departments
    """the criteria set's, in order"""
    named: list[dict[str, Any]]
    """the problems naming a department"""
    used_files: set[str]
    coverage: Coverage


def who_submitted(
    departments: Sequence[Department],
    submissions: pl.DataFrame,
    problems: pl.DataFrame,
) -> Submitted:
    """``split_submitted`` of a consolidated year: its ``departments`` (the
    criteria set's), its ``submissions`` and ``problems`` frames."""
    used = submissions.filter(pl.col("status") == "used")
    pairs = [(d.code, d.name) for d in departments]
    named = problems.filter(pl.col("department").is_not_null()).to_dicts()
    return Submitted(
        pairs,
        named,
        set(used["file"].to_list()),
        split_submitted(pairs, set(used["department"].drop_nulls().to_list()), named),
    )


def split_submitted(
    departments: Sequence[tuple[str, str]],
    used: set[str],
    problems: Sequence[Mapping[str, Any]] | None,
) -> Coverage:
    """Who submitted, who did not, who is not known, who sent only unusable files
    and who waits for a file left for the next run.

    A department without a file of its own in use is what the problems say of it
    (the ingest decides, from the rows in use: ``collect_year``): not submitted,
    not known, submitted an unusable file, waiting, or else submitted (its form
    is a sheet of another department's workbook). Without the problems
    (``None``): missing."""
    unknown = submission_unknown(problems or [])
    unusable = submitted_unusable(problems or [])
    waiting = _said(problems or [], _WAITING)
    said = not_submitted(problems) if problems is not None else None
    found = Coverage([], [], [], [], [])
    for code, name in departments:
        if code in used:
            found.submitted.append((code, name))
        elif code in unknown:
            found.unknown.append((code, name))
        elif code in unusable:
            found.unusable.append((code, name))
        elif code in waiting:
            found.waiting.append((code, name))
        elif said is None or code in said:
            found.missing.append((code, name))
        else:
            found.submitted.append((code, name))
    return found

"""The sheet writers the scorecard and the department workbooks share.

The deductions of a department, the self-assessed-versus-appraised table and the
problems sheet are written once here, for the scorecard (``parindex.render.scorecard``)
and for each department's feedback workbook (``parindex.render.department``). They
read the :class:`~parindex.analysis.AnalysedResult`: the analysis frames and their
per-department slices, never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from xlsxwriter.worksheet import Worksheet

from parindex import messages
from parindex.analysis import AnalysedResult, DepartmentAnalysis
from parindex.consolidate import MAXIMUM_MOVED
from parindex.criteria import GROUP_LABELS
from parindex.numbers import round2, shown_total_lost
from parindex.render.prose import department_summary, unscored_codes, unscored_sentence
from parindex.render.xlsx import (
    AMBER,
    LIGHT_RED,
    RED,
    Column,
    Formats,
    Row,
    TableSpec,
    finish_page,
    reads,
    title_px,
    write_line,
    write_note_sheet,
    write_paragraph,
    write_summary_and_list,
    write_table,
)
from parindex.text import format_vn

CLAIMS_SHEET = "Tự chấm và thẩm định"
UNKNOWN_DEPARTMENT = "Bộ chỉ số không có đơn vị “{department}”."

SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}


# true also when the department's folder could not be read (its submission is
# then not known): the "Kiểm tra" sheet says which
NOTE_MISSING = (
    "Chưa có điểm: đơn vị chủ trì chưa nộp, để trống, hoặc chưa đọc được bài nộp "
    "(xem sheet “Kiểm tra”)."
)


NOTE_SELF = "Chưa có điểm thẩm định: tạm dùng điểm tự đánh giá."
NOTE_OTHER_MAXIMUM = "Năm {year} tối đa {maximum} điểm (hai năm khác thang điểm)."
"""A node compared with last year out of another maximum (``maximum_note``)."""


NO_PROBLEMS = "Không có vấn đề nào."


NO_DEDUCTIONS = "Không có tiêu chí nào bị trừ điểm."


NO_PREVIOUS_LEAVES = (
    "Chưa có điểm từng tiêu chí của năm trước (năm trước chưa được tổng hợp từ bài "
    "nộp) nên chưa biết tiêu chí nào bị mất điểm nhiều năm."
)


TOTAL_LABEL = "Cộng"


DEDUCTION_COLUMNS = (
    Column("Mã", "code"),
    Column("Tiêu chí", "name", max_width=50),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm tự đánh giá", "self_score", "number"),
    Column("Điểm thẩm định", "appraised_score", "number"),
    Column("Điểm đạt", "score", "number"),
    Column("Điểm bị trừ", "lost", "number"),
    Column("Nguyên nhân trừ điểm", "reason", max_width=50, optional=True),
)


# The Cộng row adds the maximum and the score, and shows the points lost as the
# one less the other (``deduction_sums``); the self-assessed and appraised scores
# are not added (a self-assessed subtotal next to the used one reads as a gap
# that is not there).


CLAIM_COLUMNS = (
    Column("TT", "rank", "integer"),
    Column("Mã", "code"),
    Column("Tiêu chí", "name", max_width=50),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm tự đánh giá", "self_score", "number"),
    Column("Điểm thẩm định", "appraised_score", "number"),
    Column("Điểm bị hạ", "cut", "number"),
    Column("Đơn vị chủ trì", "departments", max_width=12),
    Column("Nguyên nhân trừ điểm", "reason", max_width=45),
)


CLAIM_DEPARTMENT_COLUMNS = (
    Column("TT", "rank", "integer"),
    Column("Mã", "code"),
    Column("Đơn vị", "name"),
    Column("Số tiêu chí có cả hai điểm", "compared", "integer"),
    Column("Số tiêu chí bị hạ điểm", "leaves", "integer"),
    Column("Tổng điểm tự đánh giá", "self_score", "number"),
    Column("Tổng điểm thẩm định", "appraised_score", "number"),
    Column("Tổng điểm bị hạ", "cut", "number"),
)


PROBLEM_COLUMNS = (
    Column("Mức độ", "severity"),
    Column("Tệp", "file", max_width=30),
    Column("Sheet", "sheet", max_width=20),
    Column("Ô", "cell"),
    Column("Đơn vị", "department", max_width=25),
    Column("Tiêu chí", "criterion"),
    Column("Nội dung", "message", max_width=60),
)


def criterion_row(
    record: Mapping[str, Any], previous_year: int | None = None
) -> dict[str, Any]:
    """A node of ``Result.criteria`` as shown: labels, departments, note (with
    ``previous_year``, also of a maximum other than that year's)."""
    missing = record.get("source") == "missing"
    notes = (criterion_note(record), maximum_note(record, previous_year))
    return {
        **record,
        "group": GROUP_LABELS.get(record["group"], record["group"])
        if record.get("group")
        else None,
        "departments": "; ".join(record.get("departments") or []) or None,
        "lost": None if missing else record["lost"],
        "note": " ".join(n for n in notes if n) or None,
    }


def criterion_rows(
    nodes: pl.DataFrame, previous_year: int | None = None
) -> pl.DataFrame:
    """``criterion_row`` of every node of ``nodes``, as a frame."""
    missing = pl.col("source").fill_null("") == "missing"
    group = pl.col("group")
    note = (
        pl.when(missing)
        .then(pl.lit(NOTE_MISSING))
        .when(pl.col("source") == "self")
        .then(pl.lit(NOTE_SELF))
        .otherwise(None)
    )
    compared = previous_year is not None and "previous_max" in nodes.columns
    moved = {
        record["code"]: said
        for record in (
            nodes.filter(moved_maximum()) if compared else nodes.clear()
        ).iter_rows(named=True)
        if (said := maximum_note(record, previous_year)) is not None
    }
    if moved:  # a few nodes at most: their notes written out, then joined on
        other = pl.col("code").replace_strict(moved, default=None)
        note = (
            pl.when(note.is_null())
            .then(other)
            .when(other.is_null())
            .then(note)
            .otherwise(pl.concat_str(note, other, separator=" "))
        )
    return nodes.with_columns(
        group=pl.when(group.is_null() | (group == ""))
        .then(None)
        .otherwise(group.replace(GROUP_LABELS)),
        departments=joined_departments(),
        lost=pl.when(missing).then(None).otherwise(pl.col("lost")),
        note=note,
    )


def moved_maximum() -> pl.Expr:
    """The nodes compared with last year (scored both years) whose maximum was
    another then (the ``MAXIMUM_CHANGED`` warning's)."""
    return (
        pl.col("previous").is_not_null()
        & pl.col("score").is_not_null()
        & pl.col("previous_max").is_not_null()
        & ((pl.col("previous_max") - pl.col("max")).abs() >= MAXIMUM_MOVED)
    )


def maximum_note(record: Mapping[str, Any], previous_year: int | None) -> str | None:
    """``Năm 2022 tối đa 1,5 điểm (hai năm khác thang điểm).`` for a node compared
    with ``previous_year`` out of another maximum, else None."""
    before = record.get("previous_max")
    compared = record.get("previous") is not None and record.get("score") is not None
    if previous_year is None or before is None or not compared:
        return None
    if abs(before - record["max"]) < MAXIMUM_MOVED:
        return None
    return NOTE_OTHER_MAXIMUM.format(year=previous_year, maximum=format_vn(before))


def joined_departments() -> pl.Expr:
    """``departments_text`` of each row: the list joined with ``; ``, None when
    empty."""
    text = pl.col("departments").list.join("; ")
    return pl.when(text == "").then(None).otherwise(text)


def criterion_note(record: Mapping[str, Any]) -> str | None:
    """Why a leaf's score is not an appraised one, or None."""
    source = record.get("source")
    if source == "missing":
        return NOTE_MISSING
    if source == "self":
        return NOTE_SELF
    return None


@reads("score", "is_leaf", "max")
def lost_style(record: Row, key: str) -> dict[str, Any] | None:
    """Light red on the points lost of a scored leaf below its maximum."""
    score = record.get("score")
    below = (  # as shown (README, Rounding): 0,499 of 0,5 is 0,5, nothing lost
        record.get("is_leaf")
        and score is not None
        and round2(score) < round2(record["max"])
    )
    return {"bg_color": LIGHT_RED} if key == "lost" and below else None


def departments_text(record: Mapping[str, Any]) -> str | None:
    return "; ".join(record.get("departments") or []) or None


@reads()
def centred_rank(_record: Row, key: str) -> dict[str, Any] | None:
    return {"align": "center"} if key == "rank" else None


def numbered(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` with a ``rank`` column 1, 2, …"""
    return frame.drop("rank", strict=False).with_columns(
        rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )


def scored(result: AnalysedResult, department: str | None) -> bool:
    """Whether any criterion of the year (or of ``department``) is scored."""
    if department is None:
        return result.current.scored
    record = department_row(result, department)
    return record is None or record["score"] is not None


def write_over_claims(
    worksheet: Worksheet,
    formats: Formats,
    result: AnalysedResult,
    department: str | None = None,
) -> int:
    """Every leaf where the council appraised below the self-assessed score, the
    largest cut first; for the whole unit also the totals per department.

    Returns:
        The next free row.
    """
    cuts = result.analysis.over_claims
    if department is not None:
        cuts = department_slice(result, department).cuts
    title = f"Điểm tự đánh giá và điểm thẩm định năm {result.year}"
    if department is not None:
        title += f" – {department_names(result).get(department, department)}"
    row = write_line(worksheet, 0, title, formats.title)
    summary = (
        f"Hội đồng thẩm định hạ điểm tự đánh giá ở {cuts.height} tiêu chí, tổng cộng "
        f"{format_vn(shown_total_lost(cuts, 'self_score', 'appraised_score'))} điểm "
        "(lớn nhất xếp trước)."
        if cuts.height
        else "Không có tiêu chí nào có điểm thẩm định thấp hơn điểm tự đánh giá."
        if scored(result, department)
        else messages.NO_SCORE_SENTENCE
    )
    rows = numbered(cuts).with_columns(departments=joined_departments())
    listing = TableSpec(
        "Các tiêu chí bị hạ điểm, lớn nhất xếp trước",
        CLAIM_COLUMNS,
        rows,
        style=centred_rank,
    )
    if department is None:
        tables = write_summary_and_list(
            worksheet,
            formats,
            row + 2,
            TableSpec(
                "Theo đơn vị chủ trì (tiêu chí dùng chung được tính cho mỗi đơn vị)",
                CLAIM_DEPARTMENT_COLUMNS,
                numbered(result.analysis.over_claims_by_department),
                style=centred_rank,
            ),
            listing,
        )
    else:
        tables = [
            write_table(
                worksheet, formats, row + 2, CLAIM_COLUMNS, rows, style=centred_rank
            )
        ]
    write_paragraph(worksheet, 2, summary, formats.get("paragraph"), *tables)
    finish_page(worksheet, *tables, extra_px=title_px(title))
    return tables[-1].next_row + 1


def department_slice(result: AnalysedResult, department: str) -> DepartmentAnalysis:
    """The analysis of ``department``.

    Raises:
        ValueError: the criteria set has no such department.
    """
    found = result.analysis.department(department)
    if found is None:
        raise ValueError(UNKNOWN_DEPARTMENT.format(department=department))
    return found


def department_row(
    result: AnalysedResult, department: str, previous: bool = False
) -> dict[str, Any] | None:
    """The row of ``department`` in the year's (or the previous year's) departments."""
    found = result.analysis.department(department)
    if found is None:
        return None
    return found.previous_record if previous else found.record


def write_deductions(
    worksheet: Worksheet,
    formats: Formats,
    result: AnalysedResult,
    department: str,
    first_row: int = 0,
    *,
    header: str | None = None,
) -> int:
    """Every leaf of ``department`` scored below its maximum, with the reasons.

    Writes a title, the table with a ``Cộng`` subtotal (maximum, score and points
    lost), then the department's total over all its criteria; ``header`` goes at
    the top of every printed page (the department's name).

    Returns:
        The next free row.
    """
    record = department_row(result, department)
    name = record["name"] if record else department
    title = f"Các tiêu chí bị trừ điểm – {name}"
    row = write_line(worksheet, first_row, title, formats.title)
    share = department_slice(result, department)
    rows = share.deductions
    total = {**deduction_sums(rows), "code": TOTAL_LABEL}
    table = write_table(
        worksheet, formats, row + 1, DEDUCTION_COLUMNS, rows, total=total
    )
    finish_page(worksheet, table, header=header, extra_px=title_px(title))
    row = table.next_row + 1
    # none of its criteria scored: "not deducted" would be false (the line
    # below says it has no score)
    if rows.is_empty() and scored(result, department):
        row = write_line(worksheet, row, NO_DEDUCTIONS)
    if record is not None:
        row = write_line(
            worksheet,
            row,
            department_summary(record, "Tổng các tiêu chí phụ trách"),
            formats.get("line", bold=True),
        )
        unscored = unscored_codes(share.leaves)
        if unscored:
            row = write_line(worksheet, row, unscored_sentence(unscored))
    return row


def deduction_sums(rows: Sequence[Row] | pl.DataFrame) -> dict[str, float | None]:
    """The ``Cộng`` line of a table of leaves: the sums of their maxima and
    scores, and the points lost as that line shows them (``shown_total_lost``:
    its maximum less its score over the scored leaves, each rounded first; the
    lines above, each rounded apart, may add to a little more or less: README,
    Known limits)."""
    sums = column_sums(rows, ("max", "score"))
    frame = (
        rows
        if isinstance(rows, pl.DataFrame)
        else pl.DataFrame(
            {key: [r.get(key) for r in rows] for key in ("max", "score")},
            schema={"max": pl.Float64, "score": pl.Float64},
        )
    )
    lost = (
        shown_total_lost(frame, "max", "score") if sums["score"] is not None else None
    )
    return {**sums, "lost": lost}


def column_sums(
    rows: Sequence[Row] | pl.DataFrame, keys: Iterable[str]
) -> dict[str, float | None]:
    """Sum of each key over ``rows``, skipping None; None when nothing to sum
    (added in row order, as floats: the same sum whether rows or a frame)."""
    sums: dict[str, float | None] = {}
    for key in keys:
        if isinstance(rows, pl.DataFrame):
            values = rows[key].drop_nulls().to_list() if key in rows.columns else []
        else:
            values = [r[key] for r in rows if r.get(key) is not None]
        sums[key] = float(sum(values)) if values else None
    return sums


def write_problems(
    worksheet: Worksheet,
    formats: Formats,
    result: AnalysedResult,
    problems: pl.DataFrame,
) -> None:
    """Every problem, errors in red and warnings in amber, or a line saying none."""
    write_line(worksheet, 0, f"Kiểm tra dữ liệu năm {result.year}", formats.title)
    if problems.height == 0:
        write_note_sheet(worksheet, 2, NO_PROBLEMS, formats.get("paragraph"))
        return
    names = department_names(result)
    rows = problems.with_columns(
        severity=pl.col("severity").replace(SEVERITY_LABELS),
        _severity=pl.col("severity"),
        department=pl.col("department").replace(
            {code: name for code, name in names.items() if code is not None}
        ),
    )
    table = write_table(
        worksheet, formats, 2, PROBLEM_COLUMNS, rows, style=_severity_style
    )
    finish_page(worksheet, table)


@reads("_severity")
def _severity_style(record: Row, _key: str) -> dict[str, Any] | None:
    fill = {"error": RED, "warning": AMBER}.get(record.get("_severity") or "")
    return {"bg_color": fill} if fill else None


def department_names(result: AnalysedResult) -> dict[str | None, str]:
    """Department code → full name, from the criteria set."""
    return {d.code: d.name for d in result.current.criteria_set.departments}

"""The feedback workbook of one department: ``departments/<CODE>-<year>.xlsx``.

Sheets: ``Tổng quan`` (its figures this year and last), ``Bị trừ điểm`` (the same
table as its sheet in the scorecard), ``Bị trừ nhiều năm`` (the criteria it lost
points on this year and last year, with both years' reasons), ``Tự chấm và thẩm
định`` (where the council cut its own score), ``Tiêu chí phụ trách`` (every leaf it
is responsible for) and ``Kiểm tra`` (the problems of its files).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from xlsxwriter.worksheet import Worksheet

from parindex.analysis import AnalysedResult, previous_leads
from parindex.consolidate import listed
from parindex.numbers import shown_change, shown_total_lost
from parindex.render.prose import (
    STATUS_LABELS,
    department_summary,
    lead_names,
    leads_before_sentence,
    nothing_scored_causes,
)
from parindex.render.sheets import (
    CLAIMS_SHEET,
    DEDUCTION_COLUMNS,
    NO_PREVIOUS_LEAVES,
    TOTAL_LABEL,
    UNKNOWN_DEPARTMENT,
    criterion_row,
    deduction_sums,
    department_row,
    department_slice,
    lost_style,
    scored,
    write_deductions,
    write_over_claims,
    write_problems,
)
from parindex.render.standing import STANDING_SHEET, UnitStanding, write_standing
from parindex.render.xlsx import (
    FONT,
    Column,
    Formats,
    Row,
    add_sheet,
    close_workbook,
    finish_page,
    new_workbook,
    page_header,
    reads,
    title_px,
    write_line,
    write_note_sheet,
    write_paragraph,
    write_table,
)
from parindex.text import format_vn

OVERVIEW_SHEET = "Tổng quan"
DEDUCTIONS_SHEET = "Bị trừ điểm"
RECURRING_SHEET = "Bị trừ nhiều năm"
LEAVES_SHEET = "Tiêu chí phụ trách"
PROBLEMS_SHEET = "Kiểm tra"

LEAF_COLUMNS = (*DEDUCTION_COLUMNS, Column("Ghi chú", "note", optional=True))
OVERVIEW_FIGURES = (
    ("Điểm tối đa", "max"),
    ("Điểm đạt", "score"),
    ("Điểm bị trừ", "lost"),
    ("Tỷ lệ đạt (%)", "percent"),
    ("Số tiêu chí phụ trách", "leaves"),
    ("Số tiêu chí đã chấm", "scored"),
    ("Số tiêu chí bị trừ điểm", "deductions"),
    ("Số tiêu chí bị trừ điểm cả năm trước", "recurring"),
    ("Số tiêu chí bị hạ điểm tự đánh giá", "cut_leaves"),
    ("Điểm bị hạ so với tự đánh giá", "cut"),
)
COUNTED = {"leaves", "scored", "deductions", "recurring", "cut_leaves"}
_NOT_SCORED_FIGURES = ("lost", "deductions", "recurring", "cut_leaves", "cut")
"""The overview's figures a department none of whose criteria is scored has not."""


def render_department(
    result: AnalysedResult,
    department: str,
    path: Path,
    created: datetime,
    standing: UnitStanding | None = None,
) -> None:
    """Write the feedback workbook of ``department`` for ``result.year``.

    Args:
        result: the consolidated year.
        department: the department code (``NV``, ``VP``…).
        path: the ``.xlsx`` file to write.
        created: the creation date stored in the workbook (fixed in tests).
        standing: a province unit's rank, grade and components against its
            group (one more sheet), None outside a province.
        standing: the unit's place in its province (a province run): adds the
            sheet ``Xếp hạng``.

    Raises:
        ValueError: the criteria set has no such department.
    """
    share = department_slice(result, department)
    record = share.record
    if record is None:
        raise ValueError(UNKNOWN_DEPARTMENT.format(department=department))
    workbook = new_workbook(
        path, created, f"Chỉ số CCHC năm {result.year} – {record['name']}", FONT
    )
    formats = Formats(workbook)
    write_overview(add_sheet(workbook, OVERVIEW_SHEET), formats, result, department)
    write_deductions(add_sheet(workbook, DEDUCTIONS_SHEET), formats, result, department)
    write_recurring(add_sheet(workbook, RECURRING_SHEET), formats, result, department)
    write_over_claims(
        add_sheet(workbook, CLAIMS_SHEET), formats, result, department=department
    )
    write_leaves(add_sheet(workbook, LEAVES_SHEET), formats, result, department)
    write_problems(add_sheet(workbook, PROBLEMS_SHEET), formats, result, share.problems)
    if standing is not None:  # a province's unit: its place in its group
        write_standing(add_sheet(workbook, STANDING_SHEET), formats, standing)
    for worksheet in workbook.worksheets():
        page_header(worksheet, str(record["name"]))
    close_workbook(workbook)


def write_overview(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult, department: str
) -> None:
    """The department's figures this year and, when known, last year, with the change."""
    current = department_row(result, department)
    assert current is not None
    previous = department_row(result, department, previous=True)
    title = f"Kết quả Chỉ số CCHC năm {result.year} – {current['name']}"
    write_line(worksheet, 0, title, formats.title)
    status = STATUS_LABELS.get(result.current.status, result.current.status)
    # lines wrapped over the table's width (written after it): they print within
    # the page
    lines = [
        (result.current.criteria_set.name, formats.get("paragraph")),
        (f"Trạng thái số liệu: {status}", formats.get("paragraph")),
        (
            department_summary(
                current, f"Năm {result.year}, tổng các tiêu chí phụ trách"
            ),
            formats.get("paragraph", bold=True),
        ),
    ]
    if previous is not None and result.previous is not None:
        lines.append(
            (
                department_summary(previous, f"Năm {result.previous.year}"),
                formats.get("paragraph"),
            )
        )
        scope = scope_note(result, department)
        if scope is not None:
            lines.append((scope, formats.get("paragraph", italic=True)))
    row = 1 + len(lines)
    columns = [
        Column("Chỉ tiêu", "figure"),
        Column(f"Năm {result.year}", "current", "number"),
    ]
    if previous is not None and result.previous is not None:
        columns += [
            Column(f"Năm {result.previous.year}", "previous", "number"),
            Column("Tăng/giảm", "change", "signed"),
        ]
    share = department_slice(result, department)
    current = {
        **current,
        **_counts(share.deductions, share.cuts),
        "recurring": share.recurring.height if result.previous is not None else None,
    }
    if (
        previous is not None
        and share.previous_deductions is not None
        and share.previous_cuts is not None
    ):
        previous = {
            **previous,
            **_counts(share.previous_deductions, share.previous_cuts),
        }
    # none of its criteria scored: no points lost or cut either, nor a change
    # in them (its criteria and those scored are still counted)
    if current.get("score") is None:
        current = {**current, **dict.fromkeys(_NOT_SCORED_FIGURES)}
    if previous is not None and previous.get("score") is None:
        previous = {**previous, **dict.fromkeys(_NOT_SCORED_FIGURES)}
    rows = [
        _figure_row(label, key, current, previous) for label, key in OVERVIEW_FIGURES
    ]
    if previous is not None and (previous.get("scored") or 0) < (
        previous.get("leaves") or 0
    ):  # last year short of some of its criteria (said above): not compared
        rows = [{**row, "change": None} for row in rows]
    table = write_table(
        worksheet, formats, row + 1, columns, rows, style=_count_style, main=False
    )
    for offset, (text, fmt) in enumerate(lines, start=1):
        write_paragraph(worksheet, offset, text, fmt, table)
    finish_page(worksheet, table, extra_px=title_px(title))


def scope_note(result: AnalysedResult, department: str) -> str | None:
    """The sentence saying that ``department``'s criteria are not the same ones
    both years (a set renumbered, departments merged: its totals are then of two
    groups of criteria), None when they are. Last year's are under this year's
    codes (``consolidate.compare``); one compared with none has no code."""
    if result.previous is None:
        return None

    def codes(nodes: pl.DataFrame) -> list[str | None]:
        mine = pl.col("departments").list.contains(pl.lit(department)).fill_null(False)
        return nodes.filter(pl.col("is_leaf") & mine)["code"].to_list()

    now, before = codes(result.current.nodes), codes(result.previous.nodes)
    only_now = [c for c in now if c not in before]
    only_before = [c for c in before if c is None or c not in now]
    if not only_now and not only_before:
        return None
    year, previous_year = result.year, result.previous.year
    parts = []
    if only_now:
        parts.append(
            f"{len(only_now)} tiêu chí năm {year} đơn vị không phụ trách năm "
            f"{previous_year} ({listed([str(c) for c in only_now])})"
        )
    if only_before:
        parts.append(
            f"{len(only_before)} tiêu chí đơn vị phụ trách năm {previous_year} nay "
            "không còn hoặc do đơn vị khác phụ trách"
        )
    return (
        f"Năm {year} đơn vị phụ trách {len(now)} tiêu chí, năm {previous_year} phụ "
        f"trách {len(before)} tiêu chí; {'; '.join(parts)}: so sánh điểm của đơn vị "
        "giữa hai năm là so sánh hai nhóm tiêu chí khác nhau."
    )


def _figure_row(
    label: str, key: str, current: Row, previous: Row | None
) -> dict[str, Any]:
    now = current.get(key)
    before = previous.get(key) if previous is not None else None
    # as shown: each figure rounded first (README, Change and trend)
    change = (
        shown_change(now, before) if now is not None and before is not None else None
    )
    return {
        "figure": label,
        "key": key,
        "current": now,
        "previous": before,
        "change": change,
    }


@reads("key")
def _count_style(record: Row, key: str) -> dict[str, Any] | None:
    if record.get("key") not in COUNTED:
        return None
    return {"num_format": "+0;-0;0" if key == "change" else "0"}


def _counts(deductions: pl.DataFrame, cuts: pl.DataFrame) -> dict[str, Any]:
    """The department's deductions, and the leaves where the council cut its own
    score with the points cut, in one year."""
    return {
        "deductions": deductions.height,
        "cut_leaves": cuts.height,
        "cut": shown_total_lost(cuts, "self_score", "appraised_score"),
    }


def recurring_columns(year: int, previous_year: int) -> tuple[Column, ...]:
    """This year's and last year's score, points lost and reason of a leaf."""
    return (
        Column("Mã", "code"),
        Column("Tiêu chí", "name", max_width=45),
        Column("Điểm tối đa", "max", "number"),
        Column(f"Điểm năm {year}", "score", "number"),
        Column(f"Bị trừ năm {year}", "lost", "number"),
        Column(f"Nguyên nhân năm {year}", "reason", max_width=40, optional=True),
        Column(f"Điểm năm {previous_year}", "previous_score", "number"),
        Column(f"Bị trừ năm {previous_year}", "previous_lost", "number"),
        Column(
            f"Nguyên nhân năm {previous_year}",
            "previous_reason",
            max_width=40,
            optional=True,
        ),
    )


def write_recurring(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult, department: str
) -> None:
    """The leaves ``department`` lost points on both this year and last year, with
    the reasons of both years: what it must fix first."""
    if result.previous is None:
        write_line(worksheet, 0, "Các tiêu chí bị trừ điểm nhiều năm", formats.title)
        write_note_sheet(worksheet, 2, NO_PREVIOUS_LEAVES, formats.get("paragraph"))
        return
    year, previous_year = result.year, result.previous.year
    write_line(
        worksheet,
        0,
        f"Các tiêu chí bị trừ điểm cả năm {previous_year} và năm {year}",
        formats.title,
    )
    rows = department_slice(result, department).recurring
    line = (
        f"{rows.height} tiêu chí bị trừ điểm hai năm liền, năm {year} mất "
        f"{format_vn(shown_total_lost(rows, 'max', 'score'))} điểm: cần ưu tiên "
        "khắc phục."
        + leads_before_sentence(
            previous_leads(result, rows), previous_year, lead_names(result), department
        )
        if rows.height
        else nothing_scored_causes(previous_year)  # none of its criteria scored
        if not scored(result, department)
        else f"Không có tiêu chí nào bị trừ điểm cả năm {previous_year} và năm {year}."
    )
    table = write_table(
        worksheet,
        formats,
        3,
        recurring_columns(year, previous_year),
        rows.iter_rows(named=True),
    )
    write_paragraph(worksheet, 1, line, formats.get("paragraph", bold=True), table)
    finish_page(worksheet, table)


def write_leaves(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult, department: str
) -> None:
    """Every leaf ``department`` is responsible for, with its scores and reason."""
    write_line(worksheet, 0, f"Các tiêu chí phụ trách năm {result.year}", formats.title)
    leaves = department_slice(result, department).leaves
    rows = [
        criterion_row(r, result.previous_year) for r in leaves.iter_rows(named=True)
    ]
    total = {**deduction_sums(rows), "code": TOTAL_LABEL}
    table = write_table(
        worksheet, formats, 2, LEAF_COLUMNS, rows, style=lost_style, total=total
    )
    finish_page(worksheet, table)

"""The consolidated workbook of a year: ``scorecard-<year>.xlsx``.

Sheets, in order: ``Tổng hợp``, ``Chỉ số thành phần``, ``Tiêu chí``, ``Đơn vị``, the
analysis sheets ``Mất điểm``, ``Tự chấm và thẩm định`` and ``Đối chiếu``, one
deductions sheet per department (named by its code; above ``DEPARTMENT_SHEETS_MAX``
departments, one ``Bị trừ theo đơn vị`` sheet with a department column instead),
``Kiểm tra``, ``Nguồn``. The
deductions, points-lost, self-assessed-vs-appraised and problems sheets are also the
body of each department's feedback workbook (``parindex.render.department``), which
reuses the writers below. The figures of the analysis sheets come from
``parindex.analysis``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from parindex import messages
from parindex.analysis import DIFFERENCE_SHOWN, AnalysedResult, previous_leads
from parindex.consolidate import GROUPS, TREND_WORDS, trend
from parindex.numbers import shown_change, shown_percent, shown_total_lost
from parindex.render.charts import short_name
from parindex.render.prose import (
    NO_RECONCILIATION,
    STATUS_LABELS,
    components_sentence,
    headline,
    reconciliation_summary,
)
from parindex.render.sheets import (
    CLAIMS_SHEET,
    DEDUCTION_COLUMNS,
    NO_DEDUCTIONS,
    NO_PREVIOUS_LEAVES,
    TOTAL_LABEL,
    centred_rank,
    column_sums,
    criterion_rows,
    deduction_sums,
    department_names,
    joined_departments,
    lost_style,
    numbered,
    write_deductions,
    write_over_claims,
    write_problems,
)
from parindex.render.xlsx import (
    AMBER,
    FONT,
    LIGHT_RED,
    RED,
    Column,
    Formats,
    Row,
    Table,
    TableSpec,
    add_sheet,
    close_workbook,
    finish_page,
    new_workbook,
    reads,
    sheet_name,
    write_line,
    write_note_sheet,
    write_paragraph,
    write_summary_and_list,
    write_table,
)
from parindex.text import format_vn

SUMMARY_SHEET = "Tổng hợp"
COMPONENTS_SHEET = "Chỉ số thành phần"
CRITERIA_SHEET = "Tiêu chí"
DEPARTMENTS_SHEET = "Đơn vị"
LOST_SHEET = "Mất điểm"
RECONCILIATION_SHEET = "Đối chiếu"
PROBLEMS_SHEET = "Kiểm tra"
SOURCES_SHEET = "Nguồn"

SOURCE_LABELS = {"published": "Công bố", "computed": "Tính từ tiêu chí"}
SUBMISSION_STATUS_LABELS = {
    "used": "Được dùng",
    "superseded": "Bị thay thế",
    "rejected": "Bị loại",
    "ignored": "Bỏ qua",
    "pending": "Chờ lần sau",
    "attachment": "Tài liệu kèm theo",
}
GROUP_FIGURES = {
    "appraisal": "Điểm thẩm định",
    "survey": "Điểm điều tra XHH",
    "socioeconomic": "Điểm tác động KT-XH",
    "sipas": "Điểm SIPAS",
}
VERDICTS = {
    "match": "Khớp",
    "explained": "Đã giải thích",
    "flagged": "Cần kiểm tra",
    "small": "Chênh lệch nhỏ",
    "unscored": "Chưa có số tính",
}
YES_NO = {True: "Có", False: "Không"}
ALL_LEAVES_LABEL = "Toàn bộ (tiêu chí dùng chung tính một lần)"
SHA_WIDTH = 50  # 64 hex digits in 8 pt, on one line
CHART_WIDTH = 500  # pixels: two charts side by side fit a landscape A4 page
CHART_GAP = 16
COMPONENT_CHART_WIDTH = 860  # pixels: eight short names side by side
COMPONENT_CHART_HEIGHT = 370


def chart_rows(height: int) -> int:
    """The rows a chart ``height`` pixels tall may cover (rows of 15 px, the
    shortest a row is drawn)."""
    return -(-height // 15) + 1


CHART_HEIGHT = 300

YEARS_COLUMNS = (
    Column("Năm", "year", "integer"),
    Column("Nguồn", "source"),
    *(Column(label, key, "number") for key, label in GROUP_FIGURES.items()),
    Column("Tổng điểm", "total", "number"),
    Column("Tổng điểm tính từ tiêu chí", "computed_total", "number"),
    Column("Xếp hạng", "rank", "integer"),
    Column("Số đơn vị", "units", "integer"),
    Column("Trạng thái", "status"),
    Column("Số tiêu chí đã chấm", "coverage"),
)
RECONCILIATION_COLUMNS = (
    Column("Chỉ tiêu", "label"),
    Column("Công bố", "published", "number"),
    Column("Tính từ tiêu chí", "computed", "number"),
    Column("Chênh lệch", "difference", "signed"),
    Column("Kết luận", "verdict"),
    Column("Giải thích", "note", max_width=60),
)
COMPONENT_COLUMNS = (
    Column("TT", "code"),
    Column("Chỉ số thành phần", "name"),
    Column("Điểm tối đa năm trước", "previous_max", "number"),
    Column("Điểm năm trước", "previous", "number"),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm đạt", "score", "number"),
    Column("Tỷ lệ đạt (%)", "percent", "number"),
    Column("Tăng/giảm", "delta", "signed"),
    Column("Xu hướng", "trend"),
)
CRITERIA_COLUMNS = (
    Column("Mã", "code"),
    Column("Tên tiêu chí", "name", max_width=50),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm tự đánh giá", "self_score", "number"),
    Column("Điểm thẩm định", "appraised_score", "number"),
    Column("Điểm sử dụng", "score", "number"),
    Column("Điểm bị trừ", "lost", "number"),
    Column("Nhóm điểm", "group"),
    Column("Đơn vị chủ trì", "departments", max_width=12),
    Column("Nguyên nhân trừ điểm", "reason", max_width=45, optional=True),
    Column("Năm trước", "previous", "number", optional=True),
    Column("Tăng/giảm", "change", "signed", optional=True),
    Column("Ghi chú", "note", max_width=28, optional=True),
    Column("Tài liệu kiểm chứng", "evidence", max_width=30, printed=False),
)
DEPARTMENT_COLUMNS = (
    Column("Mã", "code"),
    Column("Đơn vị", "name"),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm đạt", "score", "number"),
    Column("Điểm bị trừ", "lost", "number"),
    Column("Tỷ lệ đạt (%)", "percent", "number"),
    Column("Số tiêu chí", "leaves", "integer"),
    Column("Đã chấm", "scored", "integer"),
)
DEPARTMENT_SHEETS_MAX = 40
ALL_DEDUCTIONS_SHEET = "Bị trừ theo đơn vị"
ALL_DEDUCTION_COLUMNS = (
    Column("Đơn vị", "department", max_width=12),
    Column("Tên đơn vị", "department_name", max_width=30),
    *DEDUCTION_COLUMNS,
)
SOURCE_COLUMNS = (
    Column("Tệp", "file", max_width=40),
    Column("Đơn vị", "department", max_width=30),
    Column("Trạng thái", "status"),
    Column("Thời điểm sửa", "modified"),
    Column("Kích thước (byte)", "size", "integer"),
    Column("Số dòng đọc", "rows_read", "integer"),
    Column("Số dòng dùng", "rows_used", "integer"),
    Column("Ghi chú", "note", max_width=40, optional=True),
    Column("SHA-256", "sha256", max_width=SHA_WIDTH, printed=False),
)


def render_scorecard(result: AnalysedResult, path: Path, created: datetime) -> None:
    """Write the consolidated workbook of ``result.year``.

    Args:
        result: the consolidated year, compared with the previous one.
        path: the ``.xlsx`` file to write.
        created: the creation date stored in the workbook (fixed in tests).
    """
    workbook = new_workbook(
        path,
        created,
        f"Chỉ số CCHC năm {result.year} – bảng tổng hợp",
        FONT,
        large=True,
    )
    formats = Formats(workbook)
    write_summary(workbook, add_sheet(workbook, SUMMARY_SHEET), formats, result)
    write_components(workbook, add_sheet(workbook, COMPONENTS_SHEET), formats, result)
    write_criteria(add_sheet(workbook, CRITERIA_SHEET), formats, result)
    write_departments(add_sheet(workbook, DEPARTMENTS_SHEET), formats, result)
    write_points_lost(add_sheet(workbook, LOST_SHEET), formats, result)
    write_over_claims(add_sheet(workbook, CLAIMS_SHEET), formats, result)
    write_reconciliation(add_sheet(workbook, RECONCILIATION_SHEET), formats, result)
    taken = [
        SUMMARY_SHEET,
        COMPONENTS_SHEET,
        CRITERIA_SHEET,
        DEPARTMENTS_SHEET,
        LOST_SHEET,
        CLAIMS_SHEET,
        RECONCILIATION_SHEET,
        PROBLEMS_SHEET,
        SOURCES_SHEET,
    ]
    departments = result.current.criteria_set.departments
    if len(departments) > DEPARTMENT_SHEETS_MAX:
        write_all_deductions(add_sheet(workbook, ALL_DEDUCTIONS_SHEET), formats, result)
    else:
        for department in departments:
            name = sheet_name(department.code, taken)
            taken.append(name)
            write_deductions(
                add_sheet(workbook, name),
                formats,
                result,
                department.code,
                header=department.name,
            )
    write_problems(
        add_sheet(workbook, PROBLEMS_SHEET), formats, result, result.problems
    )
    write_sources(add_sheet(workbook, SOURCES_SHEET), formats, result)
    close_workbook(workbook)


# --- Tổng hợp -------------------------------------------------------------------


def write_summary(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: AnalysedResult,
) -> None:
    """Every known year (published figures where there are, else computed), the
    reconciliation in one line, and charts of the total, the rank and the groups
    over the years."""
    row = write_line(
        worksheet,
        0,
        f"Kết quả Chỉ số cải cách hành chính năm {result.year}",
        formats.title,
    )
    row += 2  # the criteria set and the headline, wrapped over the table below
    years = result.analysis.years
    rows = [
        {
            **r,
            "source": SOURCE_LABELS.get(r["source"], r["source"]),
            "status": STATUS_LABELS.get(r["status"] or "", r["status"]),
        }
        for r in years.iter_rows(named=True)
    ]

    @reads("year")
    def year_style(record: Row, key: str) -> dict[str, Any] | None:
        extra: dict[str, Any] = {"align": "center"} if key == "year" else {}
        if record["year"] == result.year:
            extra["bold"] = True
        return extra or None

    table = write_table(
        worksheet, formats, row + 1, YEARS_COLUMNS, rows, style=year_style, main=False
    )
    write_paragraph(
        worksheet, 1, result.current.criteria_set.name, formats.get("paragraph"), table
    )
    write_paragraph(
        worksheet, 2, headline(result), formats.get("paragraph", bold=True), table
    )
    row = write_paragraph(
        worksheet,
        table.next_row + 1,
        reconciliation_summary(result) + f" Chi tiết ở sheet “{RECONCILIATION_SHEET}”.",
        formats.get("paragraph"),
        table,
    )
    charts, rows_below = 0, 0
    if years.height >= 2:
        _insert_years_charts(workbook, worksheet, table, result, row + 1)
        charts, rows_below = 2 * CHART_WIDTH + CHART_GAP, chart_rows(CHART_HEIGHT)
    finish_page(worksheet, table, extra_px=charts, extra_rows=rows_below)


def _series(
    worksheet: Worksheet, table: Table, key: str, **extra: Any
) -> dict[str, Any]:
    """A chart series over the rows of ``table``, years as categories."""
    col = table.column(key)
    return {
        "name": [worksheet.name, table.header_row, col],
        "categories": [
            worksheet.name,
            table.first_data_row,
            table.column("year"),
            table.last_data_row,
            table.column("year"),
        ],
        "values": [
            worksheet.name,
            table.first_data_row,
            col,
            table.last_data_row,
            col,
        ],
        **extra,
    }


def _insert_years_charts(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    table: Table,
    result: AnalysedResult,
    row: int,
) -> None:
    """Two native charts side by side: the total (columns) with the rank (line,
    right axis, 1 at the top), and the four groups, over the years."""
    years = result.analysis.years
    labels = {"data_labels": {"value": True, "num_format": "0.00"}}
    inside = {"data_labels": {**labels["data_labels"], "position": "inside_end"}}
    totals = workbook.add_chart({"type": "column"})
    totals.add_series(_series(worksheet, table, "total", **inside))
    if years["computed_total"].is_not_null().any():
        totals.add_series(_series(worksheet, table, "computed_total", **inside))
    totals.set_title({"name": "Tổng điểm và xếp hạng qua các năm"})
    maximum = float(result.current.components["max"].sum())
    totals.set_y_axis(
        {"name": "Điểm", "num_format": "0", "min": 0, "max": maximum or None}
    )
    totals.set_legend({"position": "bottom"})
    if years["rank"].is_not_null().any():
        ranks = workbook.add_chart({"type": "line"})
        ranks.add_series(
            _series(
                worksheet,
                table,
                "rank",
                y2_axis=True,
                marker={"type": "diamond", "size": 8},
                data_labels={
                    "value": True,
                    "position": "above",
                    "num_format": '"Hạng "0',
                },
            )
        )
        units = years["units"].max()
        axis: dict[str, Any] = {
            "name": "Xếp hạng",
            "reverse": True,
            "min": 1,
            "major_unit": 1,
            "num_format": "0",
        }
        if units is not None:
            axis["max"] = int(units)  # type: ignore[arg-type]
        ranks.set_y2_axis(axis)
        totals.combine(ranks)
    size = {"x_scale": CHART_WIDTH / 480, "y_scale": CHART_HEIGHT / 288}
    worksheet.insert_chart(row, 0, totals, size)
    groups = workbook.add_chart({"type": "column"})
    for key in GROUPS:
        groups.add_series(_series(worksheet, table, key, **labels))
    groups.set_title({"name": "Các nhóm điểm qua các năm"})
    groups.set_y_axis({"name": "Điểm", "num_format": "0", "min": 0})
    groups.set_legend({"position": "bottom"})
    worksheet.insert_chart(
        row, 0, groups, {**size, "x_offset": CHART_WIDTH + CHART_GAP}
    )


# --- Chỉ số thành phần ----------------------------------------------------------


def write_components(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: AnalysedResult,
) -> None:
    """The count sentence, each component this year and the previous year, a total
    row and a chart."""
    title = f"Chỉ số thành phần năm {result.year}"
    if result.previous_year is not None:
        title += f" so với năm {result.previous_year}"
    write_line(worksheet, 0, title, formats.title)
    components = result.components
    rows = [
        {**r, "trend": TREND_WORDS.get(r["trend"]) if r["trend"] else None}
        for r in components.iter_rows(named=True)
    ]
    sums = column_sums(rows, ("max", "score"))
    sums["previous_max"], sums["previous"] = result.compared_total
    if not result.current.scored:  # no figure, no change (README)
        sums["score"] = None
    delta = (
        shown_change(sums["score"], sums["previous"])
        if sums["score"] is not None and sums["previous"] is not None
        else None
    )
    total = {
        **sums,
        "name": "Tổng cộng",
        "percent": shown_percent(sums["score"], sums["max"])
        if sums["score"] is not None and sums["max"]
        else None,
        "delta": delta,
        "trend": TREND_WORDS.get(trend(delta) or "", None),
    }
    table = write_table(
        worksheet, formats, 4, COMPONENT_COLUMNS, rows, style=_delta_style, total=total
    )
    write_paragraph(
        worksheet,
        2,
        components_sentence(components, result.previous_year),
        formats.get("paragraph", bold=True),
        table,
    )
    _insert_components_chart(
        workbook, worksheet, formats, table, result, row=table.next_row + 1
    )
    finish_page(
        worksheet,
        table,
        extra_px=COMPONENT_CHART_WIDTH,
        extra_rows=chart_rows(COMPONENT_CHART_HEIGHT),
    )


@reads("trend")
def _delta_style(record: Row, key: str) -> dict[str, Any] | None:
    if key == "delta" and record.get("trend") == TREND_WORDS["decreased"]:
        return {"bg_color": LIGHT_RED}
    return None


def _insert_components_chart(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    table: Table,
    result: AnalysedResult,
    *,
    row: int,
) -> None:
    """Each component this year and last year, named by its short name (kept in a
    hidden column after the table, out of the print area)."""
    if table.last_data_row < table.first_data_row:
        return
    chart = workbook.add_chart({"type": "column"})
    names = len(table.columns)
    worksheet.write_string(table.header_row, names, "Tên ngắn", formats.header)
    for offset, name in enumerate(result.components["name"].to_list()):
        worksheet.write_string(table.first_data_row + offset, names, short_name(name))
    worksheet.set_column(names, names, 20, None, {"hidden": True})
    chart.show_hidden_data()
    codes = [worksheet.name, table.first_data_row, names, table.last_data_row, names]
    series = [("score", f"Năm {result.year}")]
    if result.components["previous"].is_not_null().any():
        series.insert(0, ("previous", f"Năm {result.previous_year}"))
    for key, name in series:
        col = table.column(key)
        chart.add_series(
            {
                "name": name,
                "categories": codes,
                "values": [
                    worksheet.name,
                    table.first_data_row,
                    col,
                    table.last_data_row,
                    col,
                ],
                "data_labels": {"value": True, "num_format": "0.00"},
            }
        )
    chart.set_title({"name": "Điểm các chỉ số thành phần"})
    chart.set_x_axis({"name": "Chỉ số thành phần"})
    chart.set_y_axis({"name": "Điểm", "num_format": "0.00"})
    chart.set_legend({"position": "bottom"})
    worksheet.insert_chart(
        row,
        0,
        chart,
        {
            "x_scale": COMPONENT_CHART_WIDTH / 480,
            "y_scale": COMPONENT_CHART_HEIGHT / 288,
        },
    )


# --- Tiêu chí -------------------------------------------------------------------


def write_criteria(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Every node of the tree in order, components in bold, names indented by depth."""
    write_line(worksheet, 0, f"Điểm từng tiêu chí năm {result.year}", formats.title)
    rows = criterion_rows(result.criteria, result.previous_year)
    table = write_table(
        worksheet, formats, 2, CRITERIA_COLUMNS, rows, style=criterion_style
    )
    finish_page(worksheet, table)


@reads("depth", "score", "is_leaf", "max")
def criterion_style(record: Row, key: str) -> dict[str, Any] | None:
    """Components bold, names indented by depth, points lost of a leaf in light red."""
    extra: dict[str, Any] = {}
    depth = int(record.get("depth") or 1)
    if depth == 1:
        extra["bold"] = True
    if key == "name" and depth > 1:
        extra.update(indent=depth - 1, align="left")
    extra.update(lost_style(record, key) or {})
    return extra or None


# --- Đơn vị ---------------------------------------------------------------------


def write_departments(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Per department: maximum, score, points lost and percent over its criteria."""
    row = write_line(
        worksheet, 0, f"Kết quả theo đơn vị chủ trì năm {result.year}", formats.title
    )
    write_line(worksheet, row, "(tiêu chí dùng chung được tính cho mỗi đơn vị)")
    rows = result.current.departments
    table = write_table(worksheet, formats, 3, DEPARTMENT_COLUMNS, rows)
    finish_page(worksheet, table)


# --- Mất điểm, Tự chấm và thẩm định, Đối chiếu ------------------------------------


def lost_columns(previous_year: int | None) -> tuple[Column, ...]:
    """The columns of the points-lost ranking; the last two only with a previous
    year whose leaves are known."""
    columns = (
        Column("TT", "rank", "integer"),
        Column("Mã", "code"),
        Column("Tiêu chí", "name", max_width=50),
        Column("Điểm tối đa", "max", "number"),
        Column("Điểm đạt", "score", "number"),
        Column("Điểm bị mất", "lost", "number"),
        Column("Đơn vị chủ trì", "departments", max_width=12),
        Column("Nguyên nhân trừ điểm", "reason", max_width=45),
    )
    if previous_year is None:
        return columns
    return (
        *columns,
        Column(f"Mất điểm cả năm {previous_year}", "recurring"),
        Column(f"Điểm bị mất năm {previous_year}", "previous_lost", "number"),
    )


@reads("recurring")
def _recurring_style(record: Row, key: str) -> dict[str, Any] | None:
    if key == "recurring" and record.get("recurring") == YES_NO[True]:
        return {"bg_color": AMBER, "align": "center"}
    return {"align": "center"} if key in ("recurring", "rank") else None


def write_points_lost(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Every leaf that lost points, ranked: those also lost last year first (what
    the office must act on), then by points lost; then the points each department
    could win back."""
    lost = result.analysis.points_lost
    previous_year = result.previous.year if result.previous is not None else None
    row = write_line(
        worksheet, 0, f"Các tiêu chí bị mất điểm năm {result.year}", formats.title
    )
    total = shown_total_lost(lost, "max", "score")
    summary = (
        f"{lost.height} tiêu chí bị mất tổng cộng {format_vn(total)} điểm"
        if lost.height
        else NO_DEDUCTIONS
        if result.current.scored
        else messages.NO_SCORE_SENTENCE
    )
    if lost.height and previous_year is not None:
        recurring = lost.filter(pl.col("recurring"))
        summary += (
            f"; {recurring.height} tiêu chí "
            f"({format_vn(shown_total_lost(recurring, 'max', 'score'))}"
            f" điểm) cũng bị mất điểm năm {previous_year}, xếp trước: đó là các tiêu "
            "chí cần ưu tiên khắc phục."
        )
    elif lost.height:
        summary += ". " + NO_PREVIOUS_LEAVES
    rows = lost.with_columns(
        departments=joined_departments(),
        recurring=pl.col("recurring").replace_strict(
            YES_NO, default=None, return_dtype=pl.String
        ),
    )
    if previous_year is not None:  # a leaf lost both years that was another's
        before = {
            code: f" (năm {previous_year}"
            + (f" là {lead.code}" if lead.code != code else "")
            + f": {'; '.join(lead.departments)})"
            for code, lead in previous_leads(
                result, lost.filter(pl.col("recurring").fill_null(False))
            ).items()
        }
        if before:
            rows = rows.with_columns(
                departments=pl.col("departments")
                + pl.col("code").replace_strict(before, default="")
            )
    by_department = result.analysis.recoverable
    recurring_lost = lost.filter(pl.col("recurring").fill_null(False))
    scored = result.current.scored  # else nothing is known lost: no figures
    everything = {
        "name": ALL_LEAVES_LABEL,
        "leaves": lost.height if scored else None,
        "lost": total if scored else None,
        "recurring": recurring_lost.height if scored else None,
        "recurring_lost": shown_total_lost(recurring_lost, "max", "score")
        if scored
        else None,
    }
    tables = write_summary_and_list(
        worksheet,
        formats,
        row + 2,
        TableSpec(
            "Điểm có thể lấy lại theo đơn vị chủ trì (tiêu chí dùng chung được tính "
            "cho mỗi đơn vị)",
            _recoverable_columns(previous_year),
            numbered(by_department),
            style=centred_rank,
            total=everything,
        ),
        TableSpec(
            "Các tiêu chí bị mất điểm, xếp hạng",
            lost_columns(previous_year),
            rows,
            style=_recurring_style,
        ),
    )
    write_paragraph(worksheet, 2, summary, formats.get("paragraph"), *tables)
    finish_page(worksheet, *tables)


def _recoverable_columns(previous_year: int | None) -> tuple[Column, ...]:
    columns = (
        Column("TT", "rank", "integer"),
        Column("Mã", "code"),
        Column("Đơn vị", "name"),
        Column("Số tiêu chí mất điểm", "leaves", "integer"),
        Column("Điểm có thể lấy lại", "lost", "number"),
    )
    if previous_year is None:
        return columns
    return (
        *columns,
        Column(f"Số tiêu chí mất điểm cả năm {previous_year}", "recurring", "integer"),
        Column(f"Điểm mất cả năm {previous_year}", "recurring_lost", "number"),
    )


def write_reconciliation(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Every published figure of the year next to the computed one, the difference,
    a verdict and the explanation; unexplained differences above 0.01 in red."""
    write_line(
        worksheet,
        0,
        f"Đối chiếu số liệu công bố với số tính từ các tiêu chí năm {result.year}",
        formats.title,
    )
    check = result.analysis.reconciliation
    if check.height == 0:
        write_note_sheet(
            worksheet,
            2,
            NO_RECONCILIATION.format(year=result.year),
            formats.get("paragraph"),
        )
        return
    rows = [
        {**r, "verdict": VERDICTS[_verdict(r)]} for r in check.iter_rows(named=True)
    ]
    table = write_table(
        worksheet,
        formats,
        4,
        RECONCILIATION_COLUMNS,
        rows,
        style=_verdict_style,
    )
    write_paragraph(
        worksheet, 2, reconciliation_summary(result), formats.get("paragraph"), table
    )
    finish_page(worksheet, table)


def _verdict(record: Mapping[str, Any]) -> str:
    if record["difference"] is None:  # no criterion of it scored
        return "unscored"
    if abs(record["difference"]) < DIFFERENCE_SHOWN:
        return "match"
    if record["flagged"]:
        return "flagged"
    return "explained" if record["explained"] else "small"


@reads("verdict")
def _verdict_style(record: Row, _key: str) -> dict[str, Any] | None:
    fill = {
        VERDICTS["flagged"]: RED,
        VERDICTS["explained"]: AMBER,
        VERDICTS["small"]: AMBER,
    }.get(record.get("verdict") or "")
    return {"bg_color": fill} if fill else None


# --- deductions of one department -----------------------------------------------


def write_all_deductions(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Every department's deductions in one table with its department, filterable:
    a unit with hundreds of departments would otherwise get as many sheet tabs
    (each department still has the same table in its own feedback workbook)."""
    names = {d.code: d.name for d in result.current.criteria_set.departments}
    row = write_line(
        worksheet,
        0,
        f"Các tiêu chí bị trừ điểm theo đơn vị năm {result.year}",
        formats.title,
    )
    row = write_line(
        worksheet,
        row,
        f"{len(names)} đơn vị: lọc theo cột Đơn vị; mỗi đơn vị có bảng này trong "
        "tệp phản hồi của mình (thư mục departments).",
    )
    rows = result.current.deductions.with_columns(
        department_name=pl.col("department").replace_strict(
            names, default=None, return_dtype=pl.String
        )
    )
    total = {**deduction_sums(rows), "department": TOTAL_LABEL}
    table = write_table(
        worksheet, formats, row + 1, ALL_DEDUCTION_COLUMNS, rows, total=total
    )
    finish_page(worksheet, table)


# --- Kiểm tra, Nguồn ------------------------------------------------------------


def write_sources(
    worksheet: Worksheet, formats: Formats, result: AnalysedResult
) -> None:
    """Every file seen in the drop folder, with its status and fingerprint."""
    write_line(
        worksheet, 0, f"Các tệp trong thư mục nộp năm {result.year}", formats.title
    )
    names = department_names(result)
    submissions = result.submissions
    rows = submissions.with_columns(
        department=pl.col("department").replace(
            {code: name for code, name in names.items() if code is not None}
        ),
        status=pl.col("status").replace(SUBMISSION_STATUS_LABELS),
        modified=pl.Series(
            [local_time_text(m) for m in submissions["modified"].to_list()],
            dtype=pl.String,
        ),
    )
    table = write_table(
        worksheet, formats, 2, SOURCE_COLUMNS, rows, style=_fingerprint_style
    )
    finish_page(worksheet, table)


@reads()
def _fingerprint_style(_record: Row, key: str) -> dict[str, Any] | None:
    return {"font_size": 8, "text_wrap": False} if key == "sha256" else None


def local_time_text(iso: str | None) -> str | None:
    """``2023-11-26T02:03:03+07:00`` → ``26/11/2023 02:03:03`` (raw text if unparsable)."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M:%S")
    except ValueError:
        return iso

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

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from parindex.analysis import (
    DIFFERENCE_SHOWN,
    components_sentence,
    department_figures,
    for_department,
    over_claims,
    over_claims_by_department,
    points_lost,
    rank_text,
    reconciliation_check,
    recoverable_by_department,
    rows_where,
    signed,
    years_table,
)
from parindex.consolidate import EPSILON, GROUPS, TREND_WORDS, Result, trend
from parindex.criteria import GROUP_LABELS
from parindex.render.xlsx import (
    AMBER,
    LIGHT_RED,
    RED,
    Column,
    Formats,
    Row,
    Table,
    add_sheet,
    fit_columns,
    new_workbook,
    sheet_name,
    write_line,
    write_paragraph,
    write_table,
)
from parindex.text import format_vn

SUMMARY_SHEET = "Tổng hợp"
COMPONENTS_SHEET = "Chỉ số thành phần"
CRITERIA_SHEET = "Tiêu chí"
DEPARTMENTS_SHEET = "Đơn vị"
LOST_SHEET = "Mất điểm"
CLAIMS_SHEET = "Tự chấm và thẩm định"
RECONCILIATION_SHEET = "Đối chiếu"
PROBLEMS_SHEET = "Kiểm tra"
SOURCES_SHEET = "Nguồn"

SOURCE_LABELS = {"published": "Công bố", "computed": "Tính từ tiêu chí"}
STATUS_LABELS = {"final": "Chính thức", "provisional": "Tạm tính"}
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
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
}
YES_NO = {True: "Có", False: "Không"}
NOTE_MISSING = "Chưa có điểm: đơn vị chủ trì chưa nộp hoặc để trống."
NOTE_SELF = "Chưa có điểm thẩm định: tạm dùng điểm tự đánh giá."
NO_PROBLEMS = "Không có vấn đề nào."
NO_DEDUCTIONS = "Không có tiêu chí nào bị trừ điểm."
NO_RECONCILIATION = "Chưa có số liệu công bố của năm {year} để đối chiếu."
NO_PREVIOUS_LEAVES = (
    "Chưa có điểm từng tiêu chí của năm trước (năm trước chưa được tổng hợp từ bài "
    "nộp) nên chưa biết tiêu chí nào bị mất điểm nhiều năm."
)
TOTAL_LABEL = "Cộng"
ALL_LEAVES_LABEL = "Toàn bộ (tiêu chí dùng chung tính một lần)"
SHA_WIDTH = 50  # 64 hex digits in 8 pt, on one line
CHART_WIDTH = 520  # pixels: two charts side by side fit the width of Tổng hợp
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
    Column("Chênh lệch", "difference", "number"),
    Column("Kết luận", "verdict"),
    Column("Giải thích", "note", max_width=70),
)
COMPONENT_COLUMNS = (
    Column("TT", "code"),
    Column("Chỉ số thành phần", "name"),
    Column("Điểm tối đa năm trước", "previous_max", "number"),
    Column("Điểm năm trước", "previous", "number"),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm đạt", "score", "number"),
    Column("Tỷ lệ đạt (%)", "percent", "number"),
    Column("Tăng/giảm", "delta", "number"),
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
    Column("Nguyên nhân trừ điểm", "reason", max_width=45),
    Column("Tài liệu kiểm chứng", "evidence", max_width=30),
    Column("Năm trước", "previous", "number"),
    Column("Tăng/giảm", "change", "number"),
    Column("Ghi chú", "note", max_width=28),
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
DEDUCTION_COLUMNS = (
    Column("Mã", "code"),
    Column("Tiêu chí", "name", max_width=50),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm tự đánh giá", "self_score", "number"),
    Column("Điểm thẩm định", "appraised_score", "number"),
    Column("Điểm đạt", "score", "number"),
    Column("Điểm bị trừ", "lost", "number"),
    Column("Nguyên nhân trừ điểm", "reason"),
)
DEDUCTION_SUMS = ("max", "self_score", "appraised_score", "score", "lost")
DEPARTMENT_SHEETS_MAX = 40
ALL_DEDUCTIONS_SHEET = "Bị trừ theo đơn vị"
ALL_DEDUCTION_COLUMNS = (
    Column("Đơn vị", "department", max_width=12),
    Column("Tên đơn vị", "department_name", max_width=30),
    *DEDUCTION_COLUMNS,
)
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
    Column("Tệp", "file"),
    Column("Sheet", "sheet"),
    Column("Ô", "cell"),
    Column("Đơn vị", "department"),
    Column("Tiêu chí", "criterion"),
    Column("Nội dung", "message"),
)
SOURCE_COLUMNS = (
    Column("Tệp", "file"),
    Column("Đơn vị", "department"),
    Column("Trạng thái", "status"),
    Column("Thời điểm sửa", "modified"),
    Column("Kích thước (byte)", "size", "integer"),
    Column("SHA-256", "sha256", max_width=SHA_WIDTH),
    Column("Số dòng đọc", "rows_read", "integer"),
    Column("Số dòng dùng", "rows_used", "integer"),
    Column("Ghi chú", "note"),
)


def render_scorecard(result: Result, path: Path, created: datetime) -> None:
    """Write the consolidated workbook of ``result.year``.

    Args:
        result: the consolidated year, compared with the previous one.
        path: the ``.xlsx`` file to write.
        created: the creation date stored in the workbook (fixed in tests).
    """
    workbook = new_workbook(
        path, created, f"Chỉ số CCHC năm {result.year} – bảng tổng hợp"
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
                add_sheet(workbook, name), formats, result, department.code
            )
    write_problems(
        add_sheet(workbook, PROBLEMS_SHEET), formats, result, result.problems
    )
    write_sources(add_sheet(workbook, SOURCES_SHEET), formats, result)
    workbook.close()


# --- Tổng hợp -------------------------------------------------------------------


def write_summary(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: Result,
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
    row = write_line(worksheet, row, result.current.criteria_set.name)
    row = write_line(worksheet, row, headline(result), formats.get("line", bold=True))
    years = years_table(result)
    rows = [
        {
            **r,
            "source": SOURCE_LABELS.get(r["source"], r["source"]),
            "status": STATUS_LABELS.get(r["status"] or "", r["status"]),
        }
        for r in years.iter_rows(named=True)
    ]

    def year_style(record: Row, key: str) -> dict[str, Any] | None:
        extra: dict[str, Any] = {"align": "center"} if key == "year" else {}
        if record["year"] == result.year:
            extra["bold"] = True
        return extra or None

    table = write_table(
        worksheet, formats, row + 1, YEARS_COLUMNS, rows, style=year_style, main=False
    )
    row = write_paragraph(
        worksheet,
        table.next_row + 1,
        reconciliation_summary(result) + f" Chi tiết ở sheet “{RECONCILIATION_SHEET}”.",
        formats.get("paragraph"),
        table,
    )
    if years.height >= 2:
        _insert_years_charts(workbook, worksheet, table, result, row + 1)


def headline(result: Result) -> str:
    """One sentence: the total, its status, the change and the rank."""
    current = result.current
    maximum = float(current.components["max"].sum())
    parts = [
        f"Tổng điểm năm {result.year} tính từ các tiêu chí: "
        f"{format_vn(current.total)}/{format_vn(maximum)} điểm "
        f"({STATUS_LABELS.get(current.status, current.status).lower()})"
    ]
    if result.previous_total is not None and result.previous_year is not None:
        delta = current.total - result.previous_total
        word = TREND_WORDS[trend(delta) or "maintained"].lower()
        parts.append(
            f"{word} {format_vn(abs(delta))} điểm so với năm {result.previous_year} "
            f"({format_vn(result.previous_total)} điểm)"
        )
    if result.rank is not None:
        parts.append(f"xếp hạng {rank_text(*result.rank)}")
    return "; ".join(parts) + "."


def reconciliation_summary(result: Result) -> str:
    """The reconciliation in one sentence: how many published figures differ from
    the computed ones, which, and whether any is left unexplained."""
    check = reconciliation_check(result)
    if check.height == 0:
        return NO_RECONCILIATION.format(year=result.year)
    differing = check.filter(pl.col("difference").abs() >= DIFFERENCE_SHOWN)
    text = f"Đối chiếu {check.height} chỉ tiêu công bố năm {result.year}: "
    if differing.height == 0:
        return text + "tất cả đều khớp với số tính từ các tiêu chí."
    listed = ", ".join(
        f"{r['label']} {signed(r['difference'])}"
        for r in differing.iter_rows(named=True)
    )
    flagged = int(check["flagged"].sum())
    verdict = (
        f"{flagged} chỉ tiêu chênh lệch chưa giải thích được, cần kiểm tra"
        if flagged
        else "các chênh lệch đều đã có giải thích"
    )
    return f"{text}{differing.height} chỉ tiêu chênh lệch ({listed}); {verdict}."


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
    result: Result,
    row: int,
) -> None:
    """Two native charts side by side: the total (columns) with the rank (line,
    right axis, 1 at the top), and the four groups, over the years."""
    years = years_table(result)
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
    worksheet.insert_chart(row, 0, groups, {**size, "x_offset": CHART_WIDTH + 16})


# --- Chỉ số thành phần ----------------------------------------------------------


def write_components(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: Result,
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
    sums = column_sums(rows, ("previous_max", "previous", "max", "score"))
    delta = (
        sums["score"] - sums["previous"]
        if sums["score"] is not None and sums["previous"] is not None
        else None
    )
    total = {
        **sums,
        "name": "Tổng cộng",
        "percent": _percent(sums["score"], sums["max"]),
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
    _insert_components_chart(workbook, worksheet, table, result, table.next_row + 1)


def _delta_style(record: Row, key: str) -> dict[str, Any] | None:
    if key == "delta" and record.get("trend") == TREND_WORDS["decreased"]:
        return {"bg_color": LIGHT_RED}
    return None


def _insert_components_chart(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    table: Table,
    result: Result,
    row: int,
) -> None:
    if table.last_data_row < table.first_data_row:
        return
    chart = workbook.add_chart({"type": "column"})
    codes = [worksheet.name, table.first_data_row, 0, table.last_data_row, 0]
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
    worksheet.insert_chart(row, 1, chart, {"x_scale": 1.6, "y_scale": 1.2})


# --- Tiêu chí -------------------------------------------------------------------


def write_criteria(worksheet: Worksheet, formats: Formats, result: Result) -> None:
    """Every node of the tree in order, components in bold, names indented by depth."""
    write_line(worksheet, 0, f"Điểm từng tiêu chí năm {result.year}", formats.title)
    rows = [criterion_row(r) for r in result.criteria.iter_rows(named=True)]
    write_table(worksheet, formats, 2, CRITERIA_COLUMNS, rows, style=criterion_style)


def criterion_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """A node of ``Result.criteria`` as shown: labels, departments, note."""
    missing = record.get("source") == "missing"
    return {
        **record,
        "group": GROUP_LABELS.get(record["group"], record["group"])
        if record.get("group")
        else None,
        "departments": "; ".join(record.get("departments") or []) or None,
        "lost": None if missing else record["lost"],
        "note": criterion_note(record),
    }


def criterion_note(record: Mapping[str, Any]) -> str | None:
    """Why a leaf's score is not an appraised one, or None."""
    source = record.get("source")
    if source == "missing":
        return NOTE_MISSING
    if source == "self":
        return NOTE_SELF
    return None


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


def lost_style(record: Row, key: str) -> dict[str, Any] | None:
    """Light red on the points lost of a scored leaf below its maximum."""
    score = record.get("score")
    below = (
        record.get("is_leaf") and score is not None and score < record["max"] - EPSILON
    )
    return {"bg_color": LIGHT_RED} if key == "lost" and below else None


# --- Đơn vị ---------------------------------------------------------------------


def write_departments(worksheet: Worksheet, formats: Formats, result: Result) -> None:
    """Per department: maximum, score, points lost and percent over its criteria."""
    write_line(
        worksheet,
        0,
        f"Kết quả theo đơn vị chủ trì năm {result.year} (tiêu chí dùng chung được tính "
        "cho mỗi đơn vị)",
        formats.title,
    )
    rows = list(result.current.departments.iter_rows(named=True))
    write_table(worksheet, formats, 2, DEPARTMENT_COLUMNS, rows)


# --- Mất điểm, Tự chấm và thẩm định, Đối chiếu ------------------------------------


def _departments_text(record: Mapping[str, Any]) -> str | None:
    return "; ".join(record.get("departments") or []) or None


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


def _centred_rank(_record: Row, key: str) -> dict[str, Any] | None:
    return {"align": "center"} if key == "rank" else None


def _recurring_style(record: Row, key: str) -> dict[str, Any] | None:
    if key == "recurring" and record.get("recurring") == YES_NO[True]:
        return {"bg_color": AMBER, "align": "center"}
    return {"align": "center"} if key in ("recurring", "rank") else None


def write_points_lost(worksheet: Worksheet, formats: Formats, result: Result) -> None:
    """Every leaf that lost points, ranked: those also lost last year first (what
    the office must act on), then by points lost; then the points each department
    could win back."""
    lost = points_lost(result)
    previous_year = result.previous.year if result.previous is not None else None
    row = write_line(
        worksheet, 0, f"Các tiêu chí bị mất điểm năm {result.year}", formats.title
    )
    total = float(lost["lost"].sum())
    summary = (
        f"{lost.height} tiêu chí bị mất tổng cộng {format_vn(total)} điểm"
        if lost.height
        else NO_DEDUCTIONS
    )
    if lost.height and previous_year is not None:
        recurring = lost.filter(pl.col("recurring"))
        summary += (
            f"; {recurring.height} tiêu chí ({format_vn(float(recurring['lost'].sum()))}"
            f" điểm) cũng bị mất điểm năm {previous_year}, xếp trước: đó là các tiêu "
            "chí cần ưu tiên khắc phục."
        )
    elif lost.height:
        summary += ". " + NO_PREVIOUS_LEAVES
    rows = [
        {
            **r,
            "departments": _departments_text(r),
            "recurring": YES_NO.get(r["recurring"])
            if r["recurring"] is not None
            else None,
        }
        for r in lost.iter_rows(named=True)
    ]
    tables = [
        write_table(
            worksheet,
            formats,
            row + 2,
            lost_columns(previous_year),
            rows,
            style=_recurring_style,
            fit=False,
        )
    ]
    row = write_line(
        worksheet,
        tables[0].next_row + 1,
        "Điểm có thể lấy lại theo đơn vị chủ trì (tiêu chí dùng chung được tính "
        "cho mỗi đơn vị)",
        formats.get("line", bold=True),
    )
    by_department = recoverable_by_department(result, lost)
    recurring_lost = lost.filter(pl.col("recurring").fill_null(False))
    everything = {
        "name": ALL_LEAVES_LABEL,
        "leaves": lost.height,
        "lost": total,
        "recurring": recurring_lost.height,
        "recurring_lost": float(recurring_lost["lost"].sum()),
    }
    tables.append(
        write_table(
            worksheet,
            formats,
            row,
            _recoverable_columns(previous_year),
            _numbered(by_department),
            style=_centred_rank,
            total=everything,
            main=False,
            fit=False,
        )
    )
    fit_columns(worksheet, *tables)
    write_paragraph(worksheet, 2, summary, formats.get("paragraph"), *tables)


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


def _numbered(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` with a ``rank`` column 1, 2, …"""
    return [{**r, "rank": i} for i, r in enumerate(frame.iter_rows(named=True), 1)]


def write_over_claims(
    worksheet: Worksheet,
    formats: Formats,
    result: Result,
    department: str | None = None,
) -> int:
    """Every leaf where the council appraised below the self-assessed score, the
    largest cut first; for the whole unit also the totals per department.

    Returns:
        The next free row.
    """
    cuts = over_claims(result.current)
    if department is not None:
        cuts = for_department(cuts, department)
    title = f"Điểm tự đánh giá và điểm thẩm định năm {result.year}"
    if department is not None:
        title += f" – {department_names(result).get(department, department)}"
    row = write_line(worksheet, 0, title, formats.title)
    summary = (
        f"Hội đồng thẩm định hạ điểm tự đánh giá ở {cuts.height} tiêu chí, tổng cộng "
        f"{format_vn(float(cuts['cut'].sum()))} điểm (lớn nhất xếp trước)."
        if cuts.height
        else "Không có tiêu chí nào có điểm thẩm định thấp hơn điểm tự đánh giá."
    )
    rows = [{**r, "departments": _departments_text(r)} for r in _numbered(cuts)]
    tables = [
        write_table(
            worksheet,
            formats,
            row + 2,
            CLAIM_COLUMNS,
            rows,
            style=_centred_rank,
            fit=False,
        )
    ]
    row = tables[0].next_row + 1
    if department is None:
        row = write_line(
            worksheet,
            row,
            "Theo đơn vị chủ trì (tiêu chí dùng chung được tính cho mỗi đơn vị)",
            formats.get("line", bold=True),
        )
        tables.append(
            write_table(
                worksheet,
                formats,
                row,
                CLAIM_DEPARTMENT_COLUMNS,
                _numbered(over_claims_by_department(result.current, cuts)),
                style=_centred_rank,
                main=False,
                fit=False,
            )
        )
        row = tables[-1].next_row + 1
    fit_columns(worksheet, *tables)
    write_paragraph(worksheet, 2, summary, formats.get("paragraph"), *tables)
    return row


def write_reconciliation(
    worksheet: Worksheet, formats: Formats, result: Result
) -> None:
    """Every published figure of the year next to the computed one, the difference,
    a verdict and the explanation; unexplained differences above 0.01 in red."""
    write_line(
        worksheet,
        0,
        f"Đối chiếu số liệu công bố với số tính từ các tiêu chí năm {result.year}",
        formats.title,
    )
    check = reconciliation_check(result)
    if check.height == 0:
        write_line(worksheet, 2, NO_RECONCILIATION.format(year=result.year))
        worksheet.set_column(0, 0, 30)
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


def _verdict(record: Mapping[str, Any]) -> str:
    if abs(record["difference"]) < DIFFERENCE_SHOWN:
        return "match"
    if record["flagged"]:
        return "flagged"
    return "explained" if record["explained"] else "small"


def _verdict_style(record: Row, _key: str) -> dict[str, Any] | None:
    fill = {
        VERDICTS["flagged"]: RED,
        VERDICTS["explained"]: AMBER,
        VERDICTS["small"]: AMBER,
    }.get(record.get("verdict") or "")
    return {"bg_color": fill} if fill else None


# --- deductions of one department -----------------------------------------------


def department_row(
    result: Result, department: str, previous: bool = False
) -> dict[str, Any] | None:
    """The row of ``department`` in the year's (or the previous year's) departments."""
    year_result = result.previous if previous else result.current
    if year_result is None:
        return None
    rows = rows_where(year_result.departments, "code", department)
    return rows.row(0, named=True) if rows.height else None


def department_summary(record: Mapping[str, Any], prefix: str) -> str:
    """``<prefix>: đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm``."""
    return f"{prefix}: {department_figures(record)}"


def write_deductions(
    worksheet: Worksheet,
    formats: Formats,
    result: Result,
    department: str,
    first_row: int = 0,
) -> int:
    """Every leaf of ``department`` scored below its maximum, with the reasons.

    Writes a title, the table with a ``Cộng`` subtotal, then the department's total
    over all its criteria.

    Returns:
        The next free row.
    """
    record = department_row(result, department)
    name = record["name"] if record else department
    row = write_line(
        worksheet, first_row, f"Các tiêu chí bị trừ điểm – {name}", formats.title
    )
    rows = list(
        rows_where(result.current.deductions, "department", department).iter_rows(
            named=True
        )
    )
    total = {**column_sums(rows, DEDUCTION_SUMS), "code": TOTAL_LABEL}
    table = write_table(
        worksheet, formats, row + 1, DEDUCTION_COLUMNS, rows, total=total
    )
    row = table.next_row + 1
    if not rows:
        row = write_line(worksheet, row, NO_DEDUCTIONS)
    if record is not None:
        row = write_line(
            worksheet,
            row,
            department_summary(record, "Tổng các tiêu chí phụ trách"),
            formats.get("line", bold=True),
        )
        unscored = int(record["leaves"]) - int(record["scored"])
        if unscored:
            row = write_line(worksheet, row, f"Còn {unscored} tiêu chí chưa có điểm.")
    return row


def write_all_deductions(
    worksheet: Worksheet, formats: Formats, result: Result
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
    rows = [
        {**record, "department_name": names.get(record["department"])}
        for record in result.current.deductions.iter_rows(named=True)
    ]
    total = {**column_sums(rows, DEDUCTION_SUMS), "department": TOTAL_LABEL}
    write_table(worksheet, formats, row + 1, ALL_DEDUCTION_COLUMNS, rows, total=total)


def column_sums(rows: Sequence[Row], keys: Iterable[str]) -> dict[str, float | None]:
    """Sum of each key over ``rows``, skipping None; None when nothing to sum."""
    sums: dict[str, float | None] = {}
    for key in keys:
        values = [r[key] for r in rows if r.get(key) is not None]
        sums[key] = float(sum(values)) if values else None
    return sums


def _percent(score: float | None, maximum: float | None) -> float | None:
    if score is None or not maximum:
        return None
    return score / maximum * 100


# --- Kiểm tra, Nguồn ------------------------------------------------------------


def write_problems(
    worksheet: Worksheet, formats: Formats, result: Result, problems: pl.DataFrame
) -> None:
    """Every problem, errors in red and warnings in amber, or a line saying none."""
    write_line(worksheet, 0, f"Kiểm tra dữ liệu năm {result.year}", formats.title)
    if problems.height == 0:
        write_line(worksheet, 2, NO_PROBLEMS)
        worksheet.set_column(0, 0, 30)
        return
    names = department_names(result)
    rows = [
        {
            **r,
            "severity": SEVERITY_LABELS.get(r["severity"], r["severity"]),
            "_severity": r["severity"],
            "department": names.get(r["department"], r["department"]),
        }
        for r in problems.iter_rows(named=True)
    ]
    write_table(worksheet, formats, 2, PROBLEM_COLUMNS, rows, style=_severity_style)


def _severity_style(record: Row, _key: str) -> dict[str, Any] | None:
    fill = {"error": RED, "warning": AMBER}.get(record.get("_severity") or "")
    return {"bg_color": fill} if fill else None


def write_sources(worksheet: Worksheet, formats: Formats, result: Result) -> None:
    """Every file seen in the drop folder, with its status and fingerprint."""
    write_line(
        worksheet, 0, f"Các tệp trong thư mục nộp năm {result.year}", formats.title
    )
    names = department_names(result)
    rows = [
        {
            **r,
            "department": names.get(r["department"], r["department"]),
            "status": SUBMISSION_STATUS_LABELS.get(r["status"], r["status"]),
            "modified": local_time_text(r["modified"]),
        }
        for r in result.submissions.iter_rows(named=True)
    ]
    write_table(worksheet, formats, 2, SOURCE_COLUMNS, rows, style=_fingerprint_style)


def _fingerprint_style(_record: Row, key: str) -> dict[str, Any] | None:
    return {"font_size": 8, "text_wrap": False} if key == "sha256" else None


def department_names(result: Result) -> dict[str | None, str]:
    """Department code → full name, from the criteria set."""
    return {d.code: d.name for d in result.current.criteria_set.departments}


def local_time_text(iso: str | None) -> str | None:
    """``2023-11-26T02:03:03+07:00`` → ``26/11/2023 02:03:03`` (raw text if unparsable)."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M:%S")
    except ValueError:
        return iso

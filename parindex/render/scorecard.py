"""The consolidated workbook of a year: ``scorecard-<year>.xlsx``.

Sheets, in order: ``Tổng hợp``, ``Chỉ số thành phần``, ``Tiêu chí``, ``Đơn vị``, one
deductions sheet per department (named by its code), ``Kiểm tra``, ``Nguồn``. The
deductions and problems sheets are also the body of each department's feedback
workbook (``parindex.render.department``), which reuses the writers below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from parindex.consolidate import EPSILON, TREND_WORDS, Result, trend
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
    write_table,
)
from parindex.text import format_vn

SUMMARY_SHEET = "Tổng hợp"
COMPONENTS_SHEET = "Chỉ số thành phần"
CRITERIA_SHEET = "Tiêu chí"
DEPARTMENTS_SHEET = "Đơn vị"
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
}
FIGURE_LABELS = {
    "appraisal": "Điểm thẩm định",
    "survey": "Điểm điều tra XHH",
    "socioeconomic": "Điểm tác động KT-XH",
    "sipas": "Điểm SIPAS",
    "total": "Tổng điểm",
}
COMPONENT_FIGURE = "component "
NOTE_MISSING = "Chưa có điểm: đơn vị chủ trì chưa nộp hoặc để trống."
NOTE_SELF = "Chưa có điểm thẩm định: tạm dùng điểm tự đánh giá."
NO_PROBLEMS = "Không có vấn đề nào."
NO_DEDUCTIONS = "Không có tiêu chí nào bị trừ điểm."
NO_RECONCILIATION = "Chưa có số liệu công bố của năm {year} để đối chiếu."
TOTAL_LABEL = "Cộng"
DIFFERENCE_SHOWN = 0.005
SHA_WIDTH = 50  # 64 hex digits in 8 pt, on one line

HISTORY_COLUMNS = (
    Column("Năm", "year", "integer"),
    Column("Nguồn", "source"),
    Column("Điểm thẩm định", "appraisal", "number"),
    Column("Điểm điều tra XHH", "survey", "number"),
    Column("Điểm tác động KT-XH", "socioeconomic", "number"),
    Column("Điểm SIPAS", "sipas", "number"),
    Column("Tổng điểm", "total", "number"),
    Column("Xếp hạng", "rank"),
    Column("Trạng thái", "status"),
    Column("Số tiêu chí đã chấm", "coverage"),
)
RECONCILIATION_COLUMNS = (
    Column("Chỉ tiêu", "figure"),
    Column("Công bố", "published", "number"),
    Column("Tính toán", "computed", "number"),
    Column("Chênh lệch", "difference", "number"),
    Column("Giải thích", "note"),
)
TOTALS_COLUMNS = (
    Column("Năm", "year", "integer"),
    Column("Tổng điểm công bố", "published", "number"),
    Column("Tổng điểm tính từ tiêu chí", "computed", "number"),
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
    taken = [
        SUMMARY_SHEET,
        COMPONENTS_SHEET,
        CRITERIA_SHEET,
        DEPARTMENTS_SHEET,
        PROBLEMS_SHEET,
        SOURCES_SHEET,
    ]
    for department in result.current.criteria_set.departments:
        name = sheet_name(department.code, taken)
        taken.append(name)
        write_deductions(add_sheet(workbook, name), formats, result, department.code)
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
    """Headline table of every known year, reconciliation, and the total over years."""
    current = result.current
    row = write_line(
        worksheet,
        0,
        f"Kết quả Chỉ số cải cách hành chính năm {result.year}",
        formats.title,
    )
    row = write_line(worksheet, row, current.criteria_set.name)
    row = write_line(worksheet, row, headline(result), formats.get("line", bold=True))
    history = [_history_row(r) for r in result.history.iter_rows(named=True)]

    def year_style(record: Row, key: str) -> dict[str, Any] | None:
        extra: dict[str, Any] = {"align": "center"} if key == "year" else {}
        if record["year"] == result.year and record["_computed"]:
            extra["bold"] = True
        return extra or None

    # Several tables share this sheet's columns: none of them freezes the panes.
    tables = [
        write_table(
            worksheet,
            formats,
            row + 1,
            HISTORY_COLUMNS,
            history,
            style=year_style,
            main=False,
            fit=False,
        )
    ]
    row = tables[0].next_row + 1
    row = write_line(
        worksheet,
        row,
        f"Đối chiếu với số liệu công bố năm {result.year}",
        formats.get("line", bold=True),
    )
    if result.reconciliation.height:
        reconciliation = [
            {**r, "figure": figure_label(r["figure"])}
            for r in result.reconciliation.iter_rows(named=True)
        ]
        tables.append(
            write_table(
                worksheet,
                formats,
                row,
                RECONCILIATION_COLUMNS,
                reconciliation,
                style=_difference_style,
                main=False,
                fit=False,
                stretch_to=len(HISTORY_COLUMNS) - 1,
            )
        )
        row = tables[-1].next_row + 1
    else:
        row = write_line(worksheet, row, NO_RECONCILIATION.format(year=result.year)) + 1
    totals = _totals_by_year(result.history)
    if len(totals) >= 2:
        row = write_line(
            worksheet, row, "Tổng điểm theo năm", formats.get("line", bold=True)
        )
        table = write_table(
            worksheet, formats, row, TOTALS_COLUMNS, totals, main=False, fit=False
        )
        tables.append(table)
        _insert_totals_chart(workbook, worksheet, table, table.next_row + 1)
    fit_columns(worksheet, *tables)


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


def rank_text(position: int | None, of: int | None) -> str | None:
    """``2/8``, or ``2`` when the number of units is unknown, or None."""
    if position is None:
        return None
    return f"{position}/{of}" if of is not None else str(position)


def figure_label(figure: str) -> str:
    """The Vietnamese label of a reconciled figure (``component 1`` → ``Chỉ số thành phần 1``)."""
    if figure.startswith(COMPONENT_FIGURE):
        return f"Chỉ số thành phần {figure.removeprefix(COMPONENT_FIGURE)}"
    return FIGURE_LABELS.get(figure, figure)


def _history_row(record: Mapping[str, Any]) -> dict[str, Any]:
    computed = record["source"] == "computed"
    status = record["status"] or ("final" if not computed else None)
    return {
        **record,
        "_computed": computed,
        "source": SOURCE_LABELS.get(record["source"], record["source"]),
        "rank": rank_text(record["rank"], record["units"]),
        "status": STATUS_LABELS.get(status, status) if status else None,
    }


def _difference_style(record: Row, _key: str) -> dict[str, Any] | None:
    difference = record.get("difference")
    if difference is not None and abs(difference) >= DIFFERENCE_SHOWN:
        return {"bg_color": AMBER}
    return None


def _totals_by_year(history: pl.DataFrame) -> list[dict[str, Any]]:
    """Per year, the published and the computed total (None where unknown)."""
    by_year: dict[int, dict[str, Any]] = {}
    for record in history.iter_rows(named=True):
        entry = by_year.setdefault(
            record["year"],
            {"year": record["year"], "published": None, "computed": None},
        )
        entry[record["source"]] = record["total"]
    return [by_year[year] for year in sorted(by_year)]


def _insert_totals_chart(
    workbook: xlsxwriter.Workbook, worksheet: Worksheet, table: Table, row: int
) -> None:
    chart = workbook.add_chart({"type": "line"})
    years = [worksheet.name, table.first_data_row, 0, table.last_data_row, 0]
    for key, position in (("published", "above"), ("computed", "below")):
        col = table.column(key)
        chart.add_series(
            {
                "name": [worksheet.name, table.header_row, col],
                "categories": years,
                "values": [
                    worksheet.name,
                    table.first_data_row,
                    col,
                    table.last_data_row,
                    col,
                ],
                "marker": {"type": "circle"},
                "data_labels": {"value": True, "position": position},
            }
        )
    chart.set_title({"name": "Tổng điểm Chỉ số CCHC qua các năm"})
    chart.set_y_axis({"name": "Điểm", "num_format": "0.00"})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("span")
    worksheet.insert_chart(row, 0, chart, {"x_scale": 1.4, "y_scale": 1.1})


# --- Chỉ số thành phần ----------------------------------------------------------


def write_components(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: Result,
) -> None:
    """Each component this year and the previous year, a total row and a chart."""
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
        worksheet, formats, 2, COMPONENT_COLUMNS, rows, style=_delta_style, total=total
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


# --- deductions of one department -----------------------------------------------


def department_row(
    result: Result, department: str, previous: bool = False
) -> dict[str, Any] | None:
    """The row of ``department`` in the year's (or the previous year's) departments."""
    year_result = result.previous if previous else result.current
    if year_result is None:
        return None
    rows = year_result.departments.filter(pl.col("code") == department)
    return rows.row(0, named=True) if rows.height else None


def department_summary(record: Mapping[str, Any], prefix: str) -> str:
    """``<prefix>: đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm``."""
    percent = record.get("percent")
    shown = f"{format_vn(percent)} %" if percent is not None else "—"
    return (
        f"{prefix}: đạt {format_vn(record['score'])}/{format_vn(record['max'])} điểm, "
        f"bằng {shown}, bị trừ {format_vn(record['lost'])} điểm"
    )


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
        result.current.deductions.filter(pl.col("department") == department).iter_rows(
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

"""``tong-hop-tinh-<year>.xlsx``: the province's ranking workbook for the Sở Nội vụ.

Sheets: one per group (its ranking table with the change against last year, a chart
of the units' totals, then every unit's components side by side with the group's
average), ``Tiêu chí mất điểm`` (the criteria where the most units lose points: where
to act), ``Chưa nộp`` (the units that did not submit) and ``Kiểm tra`` (what the
province run found: unit folders nobody registered, units not consolidated).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from parindex.messages import PROVINCE_STATUS_WORDS
from parindex.numbers import exact_total, round2
from parindex.province.rank import ProvinceResult
from parindex.render.xlsx import (
    AMBER,
    LIGHT_RED,
    RED,
    Column,
    Formats,
    Row,
    Table,
    add_sheet,
    close_workbook,
    fit_columns,
    new_workbook,
    reads,
    sheet_name,
    write_line,
    write_table,
)
from parindex.text import format_vn

WEAK_SHEET = "Tiêu chí mất điểm"
MISSING_SHEET = "Chưa nộp"
PROBLEMS_SHEET = "Kiểm tra"
RESERVED_SHEETS = (WEAK_SHEET, MISSING_SHEET, PROBLEMS_SHEET)
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}
CHART_WIDTH, CHART_HEIGHT = 720, 320

RANKING_COLUMNS = (
    Column("Xếp hạng", "rank", "integer"),
    Column("Mã đơn vị", "code"),
    Column("Đơn vị", "name", max_width=40),
    Column("Tổng điểm", "total", "number"),
    Column("Tỷ lệ đạt (%)", "percent", "number"),
    Column("Xếp loại", "grade"),
    Column("Trạng thái", "status_word"),
    Column("Tổng điểm năm trước", "previous_total", "number"),
    Column("Tăng/giảm điểm", "total_change", "number"),
    Column("Xếp hạng năm trước", "previous_rank", "integer"),
    Column("Tăng/giảm bậc", "rank_change", "integer"),
    Column("Số lỗi", "errors", "integer"),
    Column("Số cảnh báo", "warnings", "integer"),
    Column("Ghi chú", "note", max_width=50),
)
WEAK_COLUMNS = (
    Column("Khối", "group"),
    Column("Mã", "code"),
    Column("Tiêu chí", "name", max_width=60),
    Column("Điểm tối đa", "max", "number"),
    Column("Số đơn vị bị trừ điểm", "units_losing", "integer"),
    Column("Số đơn vị được chấm", "units_scored", "integer"),
    Column("Tổng điểm bị trừ", "points_lost", "number"),
)
MISSING_COLUMNS = (
    Column("Khối", "group"),
    Column("Mã đơn vị", "code"),
    Column("Đơn vị", "name", max_width=40),
    Column("Trạng thái", "status_word"),
    Column("Ghi chú", "note", max_width=70),
)
PROBLEM_COLUMNS = (
    Column("Mức độ", "severity_word"),
    Column("Đơn vị", "department"),
    Column("Thư mục / tệp", "file", max_width=40),
    Column("Nội dung", "message", max_width=90),
)


def render_province(result: ProvinceResult, path: Path, created: datetime) -> None:
    """Write the province workbook of ``result.year`` to ``path``.

    Args:
        result: the ranked province.
        path: the ``.xlsx`` file to write.
        created: the creation date stored in the workbook (fixed in tests).
    """
    workbook = new_workbook(path, created, f"Tổng hợp Chỉ số CCHC năm {result.year}")
    formats = Formats(workbook)
    taken: list[str] = list(RESERVED_SHEETS)
    for group, maximum in result.groups:
        name = sheet_name(group, taken)
        taken.append(name)
        write_group(
            workbook, add_sheet(workbook, name), formats, result, group, maximum=maximum
        )
    write_weak(add_sheet(workbook, WEAK_SHEET), formats, result)
    write_missing(add_sheet(workbook, MISSING_SHEET), formats, result)
    write_province_problems(add_sheet(workbook, PROBLEMS_SHEET), formats, result)
    close_workbook(workbook)


@reads("status", "total_change", "rank_change")
def _rank_style(record: Row, key: str) -> dict[str, Any] | None:
    if record.get("status") in ("missing", "unusable", "failed"):
        return {"font_color": "#808080"}
    if key in ("total_change", "rank_change"):
        value = record.get(key)
        if isinstance(value, int | float) and value < 0:
            return {"bg_color": LIGHT_RED}
    if key == "status_word" and record.get("status") == "provisional":
        return {"bg_color": AMBER}
    return None


def write_group(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    formats: Formats,
    result: ProvinceResult,
    group: str,
    *,
    maximum: float | None,
) -> None:
    """A group's ranking, a chart of its units' totals, its components."""
    units = result.units.filter(pl.col("group") == group)
    ranked = units.filter(pl.col("rank").is_not_null())
    shown_max = f", tối đa {format_vn(maximum)} điểm" if maximum is not None else ""
    row = write_line(
        worksheet,
        0,
        f"Xếp hạng Chỉ số CCHC năm {result.year} – khối {group}{shown_max}",
        formats.title,
    )
    row = write_line(worksheet, row, _group_sentence(units, result.year))
    rows = [
        {**r, "status_word": PROVINCE_STATUS_WORDS.get(r["status"], r["status"])}
        for r in units.iter_rows(named=True)
    ]
    table = write_table(
        worksheet, formats, row + 1, RANKING_COLUMNS, rows, style=_rank_style, fit=False
    )
    row = table.next_row + 1
    if ranked.height:
        _insert_chart(
            workbook, worksheet, table, count=ranked.height, row=row, group=group
        )
        row += CHART_HEIGHT // 20 + 2
    components = write_components(worksheet, formats, result, group, row)
    # the two tables share their first columns (rank, code, unit): one width each
    fit_columns(worksheet, table, *([components] if components else []))


def _group_sentence(units: pl.DataFrame, year: int) -> str:
    ranked = units.filter(pl.col("rank").is_not_null())
    failed = units.filter(pl.col("status") == "failed").height
    unusable = units.filter(pl.col("status") == "unusable").height
    missing = units.height - ranked.height - failed - unusable
    if not ranked.height:
        if not failed and not unusable:
            return f"Chưa có đơn vị nào nộp tệp chấm điểm năm {year}."
        text = f"Chưa có đơn vị nào có kết quả năm {year}"
    else:
        totals = ranked["total"]
        average = round2(exact_total(totals.to_list()) / ranked.height)
        text = (
            f"{ranked.height}/{units.height} đơn vị có kết quả; cao nhất "
            f"{format_vn(float(totals.max()))}, thấp nhất "  # type: ignore[arg-type]
            f"{format_vn(float(totals.min()))}, "  # type: ignore[arg-type]
            f"trung bình {format_vn(average)} điểm"
        )
    if missing:
        text += f"; {missing} đơn vị chưa nộp"
    if unusable:
        text += f"; {unusable} đơn vị đã nộp nhưng không có tệp dùng được"
    if failed:
        text += f"; {failed} đơn vị không tổng hợp được"
    return text + "."


def _insert_chart(
    workbook: xlsxwriter.Workbook,
    worksheet: Worksheet,
    table: Table,
    *,
    count: int,
    row: int,
    group: str,
) -> None:
    """A column chart of the ranked units' totals, best first: the distribution."""
    name = worksheet.get_name()
    first, last = table.first_data_row, table.first_data_row + count - 1
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Tổng điểm",
            "categories": [
                name,
                first,
                table.column("name"),
                last,
                table.column("name"),
            ],
            "values": [name, first, table.column("total"), last, table.column("total")],
            "data_labels": {"value": True, "num_format": "0.00"},
        }
    )
    chart.set_title({"name": f"Tổng điểm các đơn vị khối {group}"})
    chart.set_y_axis({"name": "Điểm", "num_format": "0", "min": 0})
    chart.set_legend({"none": True})
    worksheet.insert_chart(
        row, 0, chart, {"x_scale": CHART_WIDTH / 480, "y_scale": CHART_HEIGHT / 288}
    )


def write_components(
    worksheet: Worksheet,
    formats: Formats,
    result: ProvinceResult,
    group: str,
    row: int,
) -> Table | None:
    """Every unit's component scores side by side, the group's average below
    (columns not yet sized: the caller sizes them with the ranking's)."""
    frame = result.components.filter(pl.col("group") == group)
    row = write_line(
        worksheet,
        row,
        "Điểm các chỉ số thành phần (dòng cuối: trung bình của khối)",
        formats.get("line", bold=True),
    )
    if frame.is_empty():
        write_line(worksheet, row, "Chưa có đơn vị nào có kết quả.")
        return None
    components = frame.unique("code", keep="first", maintain_order=True)
    columns = [*RANKING_COLUMNS[:3]]
    for code, name, maximum in components.select("code", "name", "max").iter_rows():
        header = f"{code}. {name} ({format_vn(maximum or 0.0)})"
        columns.append(Column(header, f"c{code}", "number", max_width=16))
    units = result.units.filter(pl.col("group") == group)
    facts = {r["code"]: r for r in units.select("code", "name", "rank").to_dicts()}
    order = units["code"].to_list()
    scores: dict[str, dict[str, Any]] = {}
    for unit, code, score in frame.select("unit", "code", "score").iter_rows():
        scores.setdefault(unit, dict(facts[unit]))[f"c{code}"] = score
    averages: dict[str, Any] = {"code": "Trung bình", "name": f"khối {group}"}
    for code, average in components.select("code", "average").iter_rows():
        averages[f"c{code}"] = average

    def below_average(record: Row, key: str) -> dict[str, Any] | None:
        value, average = record.get(key), averages.get(key)
        if (
            key.startswith("c")
            and record is not averages
            and isinstance(value, float)
            and isinstance(average, float)
            and value < average - 0.005
        ):
            return {"bg_color": LIGHT_RED}
        return None

    return write_table(
        worksheet,
        formats,
        row + 1,
        columns,
        [scores[code] for code in order if code in scores],
        style=below_average,
        total=averages,
        main=False,
        fit=False,
    )


def write_weak(worksheet: Worksheet, formats: Formats, result: ProvinceResult) -> None:
    """The criteria where the most units lose points, per group."""
    row = write_line(
        worksheet,
        0,
        f"Các tiêu chí nhiều đơn vị bị trừ điểm năm {result.year}",
        formats.title,
    )
    row = write_line(
        worksheet,
        row,
        "Theo từng khối: tiêu chí có nhiều đơn vị bị trừ điểm nhất trước, rồi tổng "
        "điểm bị trừ; đây là những việc cần tập trung chỉ đạo.",
    )

    @reads("units_losing", "units_scored")
    def many(record: Row, key: str) -> dict[str, Any] | None:
        losing, scored = record.get("units_losing"), record.get("units_scored")
        if (
            key == "units_losing"
            and isinstance(losing, int)
            and isinstance(scored, int)
        ):
            if scored and losing * 2 >= scored:
                return {"bg_color": RED}
        return None

    write_table(
        worksheet,
        formats,
        row + 1,
        WEAK_COLUMNS,
        result.weak_criteria.iter_rows(named=True),
        style=many,
    )


def write_missing(
    worksheet: Worksheet, formats: Formats, result: ProvinceResult
) -> None:
    """The units that did not submit, and those whose every file was set aside
    (their standing says which)."""
    row = write_line(
        worksheet,
        0,
        f"Các đơn vị chưa nộp hoặc không có tệp dùng được năm {result.year}",
        formats.title,
    )
    missing = result.units.filter(pl.col("status").is_in(["missing", "unusable"]))
    if missing.is_empty():
        write_line(worksheet, row + 1, "Tất cả các đơn vị đã nộp tệp dùng được.")
        worksheet.set_column(0, 0, 30)
        return
    rows = [
        {**r, "status_word": PROVINCE_STATUS_WORDS[r["status"]]}
        for r in missing.iter_rows(named=True)
    ]
    write_table(worksheet, formats, row + 1, MISSING_COLUMNS, rows)


def write_province_problems(
    worksheet: Worksheet, formats: Formats, result: ProvinceResult
) -> None:
    """What the province run found itself (each unit's own problems are in the
    ``Kiểm tra`` sheet of its scorecard)."""
    row = write_line(
        worksheet, 0, f"Kiểm tra tổng hợp toàn tỉnh năm {result.year}", formats.title
    )
    row = write_line(
        worksheet,
        row,
        "Vấn đề trong tệp của từng đơn vị: xem sheet “Kiểm tra” trong bảng tổng hợp "
        "của đơn vị đó (outputs/units/<mã>/<năm>/).",
    )
    if result.problems.is_empty():
        write_line(worksheet, row + 1, "Không có vấn đề nào.")
        worksheet.set_column(0, 0, 30)
        return
    rows = [
        {**r, "severity_word": SEVERITY_WORDS.get(r["severity"], r["severity"])}
        for r in result.problems.iter_rows(named=True)
    ]
    write_table(worksheet, formats, row + 1, PROBLEM_COLUMNS, rows)

"""A short Markdown summary of a run (Prefect artifact, CLI output)."""

from __future__ import annotations

import polars as pl

from parindex.consolidate import TREND_WORDS, Result
from parindex.criteria import GROUP_LABELS
from parindex.text import format_vn

STATUS_WORDS = {"final": "chính thức", "provisional": "tạm tính"}


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    shown = format_vn(value)
    return f"+{shown}" if round(value, 2) > 0 else shown


def markdown_summary(result: Result) -> str:
    """Headline figures, coverage, components and problem counts, in Vietnamese."""
    current = result.current
    scored, leaves = current.coverage
    lines = [
        f"# Chỉ số CCHC năm {current.year}",
        "",
        f"- Bộ chỉ số: {current.criteria_set.name}",
        f"- Tổng điểm (tính từ các tiêu chí): **{format_vn(current.total)}** "
        f"({STATUS_WORDS[current.status]}; đã chấm {scored}/{leaves} tiêu chí)",
    ]
    if result.previous_total is not None and result.previous_year is not None:
        lines.append(
            f"- So với năm {result.previous_year} ({format_vn(result.previous_total)}): "
            f"{_signed(current.total - result.previous_total)} điểm"
        )
    if result.rank is not None:
        position, units = result.rank
        lines.append(
            f"- Xếp hạng: {position}/{units}" if units else f"- Xếp hạng: {position}"
        )
    lines += ["", "| Nhóm điểm | Điểm |", "| --- | ---: |"]
    lines += [
        f"| {GROUP_LABELS[k]} | {format_vn(v)} |" for k, v in current.groups.items()
    ]
    lines += [
        "",
        "| Chỉ số thành phần | Tối đa | Điểm | Năm trước | Tăng/giảm | |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result.components.iter_rows(named=True):
        previous = "—" if row["previous"] is None else format_vn(row["previous"])
        lines.append(
            f"| {row['code']}. {row['name']} | {format_vn(row['max'])} | "
            f"{format_vn(row['score'] or 0.0)} | {previous} | {_signed(row['delta'])} | "
            f"{TREND_WORDS.get(row['trend'] or '', '')} |"
        )
    for row in result.reconciliation.filter(
        pl.col("difference").abs() >= 0.005
    ).iter_rows(named=True):
        lines.append("")
        lines.append(
            f"- Đối chiếu {row['figure']}: công bố {format_vn(row['published'])}, "
            f"tính được {format_vn(row['computed'])} (chênh {_signed(row['difference'])}). "
            f"{row['note']}"
        )
    statuses = dict(result.submissions.group_by("status").len().iter_rows())
    errors = result.problems.filter(pl.col("severity") == "error").height
    warnings = result.problems.height - errors
    lines += [
        "",
        f"- Tệp: {result.submissions.height} "
        f"(dùng {statuses.get('used', 0)}, bị thay thế {statuses.get('superseded', 0)}, "
        f"bị loại {statuses.get('rejected', 0)}, bỏ qua {statuses.get('ignored', 0)}, "
        f"chờ {statuses.get('pending', 0)})",
        f"- Vấn đề: {errors} lỗi, {warnings} cảnh báo",
    ]
    return "\n".join(lines) + "\n"

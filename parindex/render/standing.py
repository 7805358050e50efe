"""A unit's place in its province, as one sheet of its feedback workbooks.

The province run gives each unit a ``UnitStanding`` (its rank, grade and each
component against its group's average); the department workbooks of that unit gain
the sheet ``Xếp hạng`` written here. A unit run on its own folder has no standing
and its workbooks are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from parindex.messages import PROVINCE_STATUS_WORDS
from parindex.numbers import exact, round2, shown_change
from parindex.render.xlsx import (
    LIGHT_RED,
    Column,
    Formats,
    Row,
    fit_columns,
    reads,
    write_line,
    write_table,
)

STANDING_SHEET = "Xếp hạng"
STANDING_COMPONENT_COLUMNS = (
    Column("Mã", "code"),
    Column("Chỉ số thành phần", "name", max_width=50),
    Column("Điểm tối đa", "max", "number"),
    Column("Điểm của đơn vị", "score", "number"),
    Column("Trung bình của khối", "average", "number"),
    Column("Chênh lệch so với trung bình", "difference", "number"),
)
STANDING_FIGURE_COLUMNS = (
    Column("Chỉ tiêu", "figure"),
    Column("Giá trị", "value", "number"),
)


@dataclass(frozen=True)
class StandingComponent:
    """One component of the unit next to its group's average."""

    code: str
    name: str
    max: float | None
    score: float | None  # None: none of its criteria scored
    average: float | None


@dataclass(frozen=True)
class UnitStanding:
    """Where a unit stands in its group for a year (figures rounded to 2 decimals)."""

    year: int
    code: str
    name: str
    group: str
    status: str
    total: float | None
    max: float | None
    percent: float | None
    rank: int | None
    of: int
    grade: str | None
    previous_total: float | None
    previous_rank: int | None
    components: tuple[StandingComponent, ...]


def standing_lines(standing: UnitStanding) -> list[tuple[str, str | float | None]]:
    """(label, value) of the unit's figures in its group (numbers stay numbers)."""
    rank = (
        f"{standing.rank}/{standing.of}"
        if standing.rank is not None
        else "không xếp hạng"
    )
    lines: list[tuple[str, str | float | None]] = [
        ("Khối", standing.group),
        ("Trạng thái", PROVINCE_STATUS_WORDS.get(standing.status, standing.status)),
        ("Tổng điểm", standing.total),
        ("Điểm tối đa của khối", standing.max),
        ("Tỷ lệ đạt (%)", standing.percent),
        ("Xếp hạng trong khối", rank),
        ("Xếp loại", standing.grade or "—"),
    ]
    if standing.previous_total is not None:
        lines.append((f"Tổng điểm năm {standing.year - 1}", standing.previous_total))
        if standing.total is not None:
            change = shown_change(standing.total, standing.previous_total)
            lines.append(("Tăng/giảm tổng điểm", change))
    if standing.previous_rank is not None:
        lines.append((f"Xếp hạng năm {standing.year - 1}", str(standing.previous_rank)))
    return lines


def write_standing(
    worksheet: Worksheet, formats: Formats, standing: UnitStanding
) -> None:
    """The unit's rank, grade and change, then each component against the group."""
    row = write_line(
        worksheet,
        0,
        f"Xếp hạng Chỉ số CCHC năm {standing.year} – {standing.name}",
        formats.title,
    )
    figures = [
        {"figure": label, "value": value} for label, value in standing_lines(standing)
    ]
    table = write_table(
        worksheet,
        formats,
        row + 1,
        STANDING_FIGURE_COLUMNS,
        figures,
        main=False,
        fit=False,
    )
    row = write_line(
        worksheet,
        table.next_row + 1,
        f"Các chỉ số thành phần so với trung bình của khối “{standing.group}”",
        formats.get("line", bold=True),
    )
    components = [
        {
            "code": c.code,
            "name": c.name,
            "max": c.max,
            "score": c.score,
            "average": c.average,
            "difference": (
                round2(exact(c.score - c.average))
                if c.score is not None and c.average is not None
                else None
            ),
        }
        for c in standing.components
    ]
    second = write_table(
        worksheet,
        formats,
        row,
        STANDING_COMPONENT_COLUMNS,
        components,
        main=False,
        fit=False,
        style=_difference_style,
    )
    fit_columns(worksheet, table, second)


@reads("difference")
def _difference_style(record: Row, key: str) -> dict[str, object] | None:
    if key != "difference":
        return None
    value = record.get("difference")
    if isinstance(value, float) and value < 0:
        return {"bg_color": LIGHT_RED}
    return None

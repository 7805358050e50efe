"""The text of the draft report as blocks, shared by the Word report and Markdown.

The draft follows the seed's structure: a title, **I.** the results (the headline
sentence, the table of the years, the components sentence and table, one paragraph
per component grouped into increased / maintained / decreased) and **II.** the points
lost by department (each department's total, then one bullet per deduction with its
score, maximum and reason). Every figure and name comes from the data.

The text is built once as a list of blocks (:func:`report_blocks`) and rendered both
to Word (``parindex.render.report``) and to Markdown (:func:`blocks_markdown`, used by
``parindex.render.markdown``), so that the draft, ``summary-<year>.md`` and the
Prefect artifact say the same thing. The sentences are ``parindex.render.prose``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from parindex.analysis import (
    DECREASED,
    INCREASED,
    LETTERS,
    MAINTAINED,
    AnalysedResult,
)
from parindex.consolidate import TREND_WORDS
from parindex.numbers import round2
from parindex.render.prose import (
    STATUS_WORDS,
    component_sentence,
    components_sentence,
    cuts_list,
    deduction_sentence,
    department_sentence,
    headline_sentences,
    rank_text,
    scores_list,
    signed,
)
from parindex.text import format_vn

GROUP_TITLES: dict[str | None, str] = {
    INCREASED: "Nhóm chỉ số thành phần tăng điểm",
    MAINTAINED: "Nhóm chỉ số thành phần duy trì điểm",
    DECREASED: "Nhóm chỉ số thành phần giảm điểm",
    None: "Chỉ số thành phần chưa có điểm năm trước để so sánh",
}
MARKDOWN_ALIGN = {"left": "---", "center": ":---:", "right": "---:"}


@dataclass(frozen=True)
class Heading:
    """A numbered heading of the report (level 1 = I., II.; 2 = 1., 2.; 3 = a), b))."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``centered`` ones are the title lines."""

    text: str
    bold: bool = False
    italic: bool = False
    centered: bool = False


@dataclass(frozen=True)
class Bullet:
    """One item of a list (a deduction)."""

    text: str


Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TableBlock:
    """A table of texts. ``align`` gives each column's alignment (figures on the
    right), ``widths`` their relative widths (equal when empty); the last row is a
    total row in bold when ``total`` is set."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...]
    widths: tuple[float, ...] = ()
    total: bool = False


Block = Heading | Paragraph | Bullet | TableBlock


# --- the text -------------------------------------------------------------------


def report_blocks(result: AnalysedResult) -> list[Block]:
    """The whole draft: title lines, then :func:`report_body`."""
    year = result.year
    status = STATUS_WORDS.get(result.current.status, result.current.status)
    return [
        Paragraph("BÁO CÁO", bold=True, centered=True),
        Paragraph(
            f"Phân tích Chỉ số cải cách hành chính năm {year}",
            bold=True,
            centered=True,
        ),
        Paragraph(result.current.criteria_set.name, italic=True, centered=True),
        Paragraph(
            f"Dự thảo lập tự động từ bài nộp của các đơn vị (số liệu {status}).",
            italic=True,
            centered=True,
        ),
        *report_body(result),
        Paragraph(
            f"Trên đây là báo cáo phân tích Chỉ số cải cách hành chính năm {year}./."
        ),
    ]


def report_body(result: AnalysedResult) -> list[Block]:
    """Sections I (results) and II (points lost by department)."""
    return [*results_section(result), *departments_section(result)]


def results_section(result: AnalysedResult) -> list[Block]:
    """I.: headline, years, components sentence and table, one paragraph each."""
    year = result.year
    blocks: list[Block] = [
        Heading(f"I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", 1)
    ]
    blocks += [Paragraph(text) for text in headline_sentences(result)]
    years = result.analysis.years
    if years.height:
        blocks += [Paragraph("Kết quả qua các năm:"), years_block(years)]
        computed = years.filter(pl.col("source") == "computed")["year"].to_list()
        if computed:
            listed = ", ".join(str(y) for y in computed)
            blocks.append(
                Paragraph(
                    f"Năm {listed}: số tính từ các tiêu chí (chưa có số công bố).",
                    italic=True,
                )
            )
    blocks.append(
        Paragraph(components_sentence(result.components, result.previous_year))
    )
    blocks.append(components_block(result))
    lost = result.analysis.points_lost
    groups = result.analysis.components_by_trend
    for number, (word, rows) in enumerate(groups.items(), start=1):
        title = (
            "Các chỉ số thành phần"
            if word is None and len(groups) == 1
            else GROUP_TITLES[word]
        )
        blocks.append(
            Heading(f"{number}. {title} ({rows.height:02d} chỉ số thành phần)", 2)
        )
        for index, row in enumerate(rows.iter_rows(named=True)):
            letter = LETTERS[index] if index < len(LETTERS) else str(index + 1)
            blocks.append(Heading(f"{letter}) Chỉ số thành phần {row['name']}", 3))
            blocks.append(
                Paragraph(component_sentence(row, year, result.previous_year))
            )
            below = lost.filter(pl.col("component") == row["code"]).sort("position")
            if below.height:
                blocks.append(
                    Paragraph(
                        "Các tiêu chí chưa đạt điểm tối đa: "
                        f"{scores_list(below.to_dicts())}."
                    )
                )
            elif row["score"] is not None:
                blocks.append(Paragraph("Các tiêu chí đã chấm đều đạt điểm tối đa."))
    return blocks


def departments_section(result: AnalysedResult) -> list[Block]:
    """II.: for each department, its total, its deductions, what it also lost last
    year, and where the council cut its own score."""
    year = result.year
    current = result.current
    blocks: list[Block] = [Heading("II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC", 1)]
    departments = current.departments.filter(pl.col("leaves") > 0)
    for number, record in enumerate(departments.iter_rows(named=True), start=1):
        code = record["code"]
        blocks.append(Heading(f"{number}. {record['name']}", 2))
        blocks.append(Paragraph(department_sentence(record, year)))
        share = result.analysis.departments[code]
        blocks += [
            Bullet(deduction_sentence(r))
            for r in share.deductions.iter_rows(named=True)
        ]
        recurring = share.recurring
        if recurring.height and result.previous is not None:
            blocks.append(
                Paragraph(
                    f"Bị trừ điểm cả năm {result.previous.year} và năm {year} "
                    f"(cần ưu tiên khắc phục): {scores_list(recurring.to_dicts())}."
                )
            )
        own = share.cuts.sort("position")
        if own.height:
            blocks.append(
                Paragraph(
                    f"Điểm thẩm định thấp hơn điểm tự đánh giá ở {own.height} tiêu chí "
                    f"(tổng {format_vn(float(own['cut'].sum()))} điểm): "
                    f"{cuts_list(own.to_dicts())}."
                )
            )
        unscored = int(record["leaves"]) - int(record["scored"])
        if unscored:
            blocks.append(Paragraph(f"Còn {unscored} tiêu chí chưa có điểm."))
    return blocks


def number_cell(value: float | None) -> str:
    """A figure in a table: 2 decimals with a decimal comma (``15,50``), '' if None."""
    if value is None:
        return ""
    text = f"{round2(value):.2f}"
    return text.replace(".", ",")


def years_block(years: pl.DataFrame) -> TableBlock:
    """The headline table of the seed: one row per year."""
    header = (
        "Năm",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
        "Điểm tác động KT-XH",
        "Điểm SIPAS",
        "Tổng điểm",
        "Xếp hạng",
    )
    rows = tuple(
        (
            str(r["year"]),
            number_cell(r["appraisal"]),
            number_cell(r["survey"]),
            number_cell(r["socioeconomic"]),
            number_cell(r["sipas"]),
            number_cell(r["total"]),
            rank_text(r["rank"], r["units"]) or "",
        )
        for r in years.iter_rows(named=True)
    )
    right: list[Align] = ["right"] * (len(header) - 1)
    return TableBlock(header, rows, ("center", *right))


def components_block(result: AnalysedResult) -> TableBlock:
    """Each component this year (and the previous year), with a total row."""
    components = result.components
    compared = result.previous_year is not None and bool(
        components["previous"].is_not_null().any()
    )
    maxima_differ = compared and bool(
        components.filter(
            pl.col("previous_max").is_not_null()
            & ((pl.col("previous_max") - pl.col("max")).abs() > 1e-9)
        ).height
    )
    year, before = result.year, result.previous_year
    header: list[str] = ["TT", "Chỉ số thành phần"]
    if maxima_differ:
        header += [f"Điểm tối đa năm {before}", f"Điểm tối đa năm {year}"]
    else:
        header.append("Điểm tối đa")
    if compared:
        header.append(f"Điểm năm {before}")
    header += [f"Điểm năm {year}", "Tỷ lệ đạt (%)"]
    if compared:
        header += ["Tăng/giảm", "Xu hướng"]

    def line(record: dict[str, Any]) -> tuple[str, ...]:
        cells = [record["code"] or "", record["name"]]
        if maxima_differ:
            cells += [number_cell(record["previous_max"]), number_cell(record["max"])]
        else:
            cells.append(number_cell(record["max"]))
        if compared:
            cells.append(number_cell(record["previous"]))
        cells += [number_cell(record["score"]), number_cell(record["percent"])]
        if compared:
            delta = record["delta"]
            cells += [
                signed(delta) if delta is not None else "",
                TREND_WORDS.get(record["trend"] or "", ""),
            ]
        return tuple(cells)

    rows = [line(r) for r in components.iter_rows(named=True)]
    maximum = float(components["max"].sum())
    score = float(components["score"].fill_null(0.0).sum())
    previous = (
        float(components["previous"].sum()) if compared else None  # nulls skipped
    )
    total: dict[str, Any] = {
        "code": "",
        "name": "Tổng cộng",
        "max": maximum,
        "previous_max": float(components["previous_max"].sum()) if compared else None,
        "previous": previous,
        "score": score,
        "percent": score / maximum * 100 if maximum else None,
        "delta": score - previous if previous is not None else None,
        "trend": None,
    }
    rows.append(line(total))
    right: list[Align] = ["right"] * (len(header) - 2)
    align: list[Align] = ["center", "left", *right]
    if compared:
        align[-1] = "left"
    widths = [0.8, 4.5, *([1.3] * (len(header) - 2))]
    return TableBlock(
        tuple(header), tuple(rows), tuple(align), tuple(widths), total=True
    )


# --- Markdown -------------------------------------------------------------------


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def blocks_markdown(blocks: Iterable[Block], heading_offset: int = 1) -> str:
    """The blocks as Markdown: headings one level below ``heading_offset`` ``#``,
    bullets as ``-`` items, tables as pipe tables (figures right-aligned)."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, Heading):
            text = f"{'#' * (block.level + heading_offset)} {block.text}"
        elif isinstance(block, Bullet):
            text = f"- {block.text}"
        elif isinstance(block, Paragraph):
            text = block.text
            if block.bold:
                text = f"**{text}**"
            elif block.italic:
                text = f"*{text}*"
        else:
            text = _markdown_table(block)
        glue = (
            "\n"
            if isinstance(block, Bullet) and isinstance(previous, Bullet)
            else "\n\n"
        )
        parts.append((glue if parts else "") + text)
        previous = block
    return "".join(parts) + "\n"


def _markdown_table(table: TableBlock) -> str:
    lines = [
        "| " + " | ".join(_markdown_cell(h) for h in table.header) + " |",
        "| " + " | ".join(MARKDOWN_ALIGN[a] for a in table.align) + " |",
    ]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        cells = [_markdown_cell(c) for c in row]
        if table.total and index == last:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

"""The draft analysis report of a year: ``bao-cao-<year>.docx``.

The report follows the seed's structure: a title, **I.** the results (the headline
sentence, the table of the years, the components sentence and table, one paragraph
per component grouped into increased / maintained / decreased) and **II.** the points
lost by department (each department's total, then one bullet per deduction with its
score, maximum and reason). Every figure and name comes from the data.

The text is built once as a list of blocks (:func:`report_blocks`) and rendered both
to Word (:func:`render_report`, python-docx) and to Markdown
(:func:`blocks_markdown`, used by ``parindex.render.markdown``), so that the draft,
``summary-<year>.md`` and the Prefect artifact say the same thing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from xml.sax.saxutils import escape as xml_escape

import polars as pl
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable

from parindex.analysis import (
    DECREASED,
    INCREASED,
    LETTERS,
    MAINTAINED,
    component_sentence,
    components_by_trend,
    components_sentence,
    cuts_list,
    deduction_sentence,
    department_sentence,
    for_department,
    headline_sentences,
    over_claims,
    points_lost,
    rank_text,
    rows_where,
    scores_list,
    signed,
    years_table,
)
from parindex.consolidate import TREND_WORDS, Result
from parindex.numbers import round2
from parindex.text import format_vn, nfc

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(10.5)
HEADING_SIZES = {1: Pt(13), 2: Pt(13), 3: Pt(13)}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry

GROUP_TITLES: dict[str | None, str] = {
    INCREASED: "Nhóm chỉ số thành phần tăng điểm",
    MAINTAINED: "Nhóm chỉ số thành phần duy trì điểm",
    DECREASED: "Nhóm chỉ số thành phần giảm điểm",
    None: "Chỉ số thành phần chưa có điểm năm trước để so sánh",
}
STATUS_WORDS = {"final": "chính thức", "provisional": "tạm tính"}
TEXT_WIDTH = 16.0  # cm between the margins of an A4 page
MARKDOWN_ALIGN = {"left": "---", "center": ":---:", "right": "---:"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WORD_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


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


def report_blocks(result: Result) -> list[Block]:
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


def report_body(result: Result) -> list[Block]:
    """Sections I (results) and II (points lost by department)."""
    return [*results_section(result), *departments_section(result)]


def results_section(result: Result) -> list[Block]:
    """I.: headline, years, components sentence and table, one paragraph each."""
    year = result.year
    blocks: list[Block] = [
        Heading(f"I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", 1)
    ]
    blocks += [Paragraph(text) for text in headline_sentences(result)]
    years = years_table(result)
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
    lost = points_lost(result)
    groups = components_by_trend(result.components)
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


def departments_section(result: Result) -> list[Block]:
    """II.: for each department, its total, its deductions, what it also lost last
    year, and where the council cut its own score."""
    year = result.year
    current = result.current
    lost = points_lost(result)
    cuts = over_claims(current)
    blocks: list[Block] = [Heading("II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC", 1)]
    departments = current.departments.filter(pl.col("leaves") > 0)
    for number, record in enumerate(departments.iter_rows(named=True), start=1):
        code = record["code"]
        blocks.append(Heading(f"{number}. {record['name']}", 2))
        blocks.append(Paragraph(department_sentence(record, year)))
        deductions = rows_where(current.deductions, "department", code)
        blocks += [
            Bullet(deduction_sentence(r)) for r in deductions.iter_rows(named=True)
        ]
        recurring = (
            for_department(lost, code).filter(pl.col("recurring")).sort("position")
        )
        if recurring.height and result.previous is not None:
            blocks.append(
                Paragraph(
                    f"Bị trừ điểm cả năm {result.previous.year} và năm {year} "
                    f"(cần ưu tiên khắc phục): {scores_list(recurring.to_dicts())}."
                )
            )
        own = for_department(cuts, code).sort("position")
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


def components_block(result: Result) -> TableBlock:
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


# --- Word -----------------------------------------------------------------------


def render_report(result: Result, created: datetime) -> bytes:
    """The draft report of ``result.year`` as ``.docx`` bytes.

    Args:
        result: the consolidated year, compared with the previous one.
        created: the creation and modification date stored in the document; the
            same result and date give the same bytes.
    """
    document = Document()
    _set_up(document)
    properties = document.core_properties
    properties.title = f"Phân tích Chỉ số cải cách hành chính năm {result.year}"
    properties.subject = result.current.criteria_set.name
    properties.author = "parindex"
    properties.last_modified_by = "parindex"
    properties.revision = 1
    properties.created = created
    properties.modified = created
    scratch = Document()  # paragraphs are built here, then moved in O(1)
    section = document.element.body.sectPr  # looked up once: each lookup scans the body
    pending: list[str] = []  # paragraphs as XML, parsed together (see _paragraph_xml)

    def flush() -> None:
        if pending:
            body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(pending)}</w:body>")
            for paragraph in list(body):
                section.addprevious(paragraph)
            pending.clear()

    for block in report_blocks(result):
        xml = _paragraph_xml(document, block)
        if xml is not None:
            pending.append(xml)
            continue
        flush()
        _add_block(document, scratch, section, block)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), created)


def _set_up(document: Any) -> None:
    """A4, the margins of administrative documents, Times New Roman throughout."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, BODY_SIZE)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in HEADING_SIZES.items():
        style = styles[f"Heading {level}"]
        _font(style, size, bold=True, italic=level == 3)
        style.paragraph_format.space_before = Pt(12 if level == 1 else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    _font(styles["List Bullet"], BODY_SIZE)


def _font(
    style: ParagraphStyle, size: Pt, *, bold: bool = False, italic: bool = False
) -> None:
    """Times New Roman in black for every script (no theme font left over)."""
    style.font.name = FONT
    style.font.size = size
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _word_text(text: str) -> str:
    """``text`` in NFC without the control characters XML cannot hold (a cell typed
    in Excel may carry one); python-docx would refuse the whole document."""
    return NOT_XML.sub(" ", nfc(text))


def _add_run(paragraph: Any, text: str) -> Any:
    """``paragraph.add_run(_word_text(text))``, the same XML, without python-docx's
    character-by-character loop (a province's report has thousands of runs)."""
    text = _word_text(text)
    if not text or any(c in text for c in "\t\r\n"):
        return paragraph.add_run(text)
    run = paragraph.add_run()
    run._r.add_t(text)
    return run


_STYLE_IDS: dict[str, str] = {}


def _style_id(document: Any, name: str) -> str:
    """A paragraph style's id, looked up once (python-docx scans every style on each
    lookup by name)."""
    if name not in _STYLE_IDS:
        _STYLE_IDS[name] = document.styles[name].style_id
    return _STYLE_IDS[name]


def _run_xml(text: str, properties: str | None = None) -> str:
    """A run as python-docx writes it (``properties``: the ``w:rPr`` content, or
    None for a run without one)."""
    if properties is None:
        run = ""
    else:
        run = f"<w:rPr>{properties}</w:rPr>" if properties else "<w:rPr/>"
    if text:
        space = ' xml:space="preserve"' if text.strip() != text else ""
        run += f"<w:t{space}>{xml_escape(text)}</w:t>"
    return f"<w:r>{run}</w:r>"


def _paragraph_xml(document: Any, block: Block) -> str | None:
    """The XML python-docx makes for a heading, bullet or paragraph block, written
    directly: a province's report has tens of thousands of them, and python-docx
    costs a fraction of a millisecond for each. None for a table, or for a text
    holding tabs or line breaks (python-docx turns those into elements)."""
    if isinstance(block, TableBlock):
        return None
    text = _word_text(block.text)
    if any(c in text for c in "\t\r\n"):
        return None
    if isinstance(block, Heading):
        style = _style_id(document, f"Heading {block.level}")
        run = _run_xml(text) if text else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p>'
    if isinstance(block, Bullet):
        style = _style_id(document, "List Bullet")
        run = _run_xml(text) if text else ""
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="both"/></w:pPr>'
            f"{run}</w:p>"
        )
    emphasis = ("<w:b/>" if block.bold else "") + ("<w:i/>" if block.italic else "")
    layout = (
        '<w:spacing w:after="40"/><w:jc w:val="center"/>'
        if block.centered
        else '<w:ind w:firstLine="567"/><w:jc w:val="both"/>'
    )
    return f"<w:p><w:pPr>{layout}</w:pPr>{_run_xml(text, emphasis)}</w:p>"


def _add_block(document: Any, scratch: Any, section: Any, block: Block) -> None:
    """Add one block at the end of ``document``'s body.

    python-docx finds the insertion point by scanning the whole body for each new
    paragraph, which makes a province's report (thousands of deductions) quadratic.
    Paragraphs are therefore built in ``scratch``, whose body stays empty, and moved
    in front of ``section`` (the final section properties of ``document``) in
    constant time.
    """
    if isinstance(block, TableBlock):
        _add_table(document, block)
        return
    if isinstance(block, Heading):
        paragraph = scratch.add_paragraph()
        if block.text:
            _add_run(paragraph, block.text)
        paragraph._p.style = _style_id(document, f"Heading {block.level}")
    elif isinstance(block, Bullet):
        paragraph = scratch.add_paragraph()
        if block.text:
            _add_run(paragraph, block.text)
        paragraph._p.style = _style_id(document, "List Bullet")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    else:
        paragraph = scratch.add_paragraph()
        run = _add_run(paragraph, block.text)
        run.bold = block.bold or None
        run.italic = block.italic or None
        if block.centered:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(2)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
    if section is not None:
        section.addprevious(paragraph._p)
    else:
        document.element.body.append(paragraph._p)


def _add_table(document: Any, block: TableBlock) -> DocxTable:
    table: DocxTable = document.add_table(
        rows=1 + len(block.rows), cols=len(block.header)
    )
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if block.widths:
        table.autofit = False
        scale = TEXT_WIDTH / sum(block.widths)
        for column, weight in zip(table.columns, block.widths, strict=True):
            column.width = Cm(weight * scale)
            for cell in column.cells:
                cell.width = Cm(weight * scale)
    last = len(block.rows)
    for row_index, cells in enumerate((block.header, *block.rows)):
        header = row_index == 0
        bold = header or (block.total and row_index == last)
        for col, text in enumerate(cells):
            paragraph = table.cell(row_index, col).paragraphs[0]
            run = _add_run(paragraph, text)
            run.font.size = TABLE_SIZE
            run.bold = bold or None
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if header else WORD_ALIGN[block.align[col]]
            )
    document.add_paragraph()
    return table


def _fixed_zip(data: bytes, created: datetime) -> bytes:
    """The same package with every entry dated ``created``, so that the bytes
    depend only on the content (python-docx stamps entries with the clock)."""
    stamp = max(
        (
            created.year,
            created.month,
            created.day,
            created.hour,
            created.minute,
            created.second,
        ),
        ZIP_EPOCH,
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()

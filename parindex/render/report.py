"""The draft analysis report of a year: ``bao-cao-<year>.docx``.

The text is ``parindex.render.document``'s blocks (the same as the Markdown
summary's); this module lays them out in Word with python-docx.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from lxml import etree

from parindex.analysis import AnalysedResult
from parindex.render.document import (
    Block,
    Bullet,
    Fragment,
    Heading,
    PageBreak,
    Paragraph,
    Parts,
    Picture,
    TableBlock,
    appendix_blocks,
    blocks_markdown,
    report_blocks,
)
from parindex.render.prose import STATUS_WORDS
from parindex.text import nfc

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(11)
LANGUAGE = "vi-VN"
HEADER_FILL = "D9D9D9"
HEADING_SIZES = {1: Pt(13), 2: Pt(13), 3: Pt(13)}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
SPLICE_TARGET = "parindex-paragraphs"
SPLICE_MARKER = re.compile(rb"<\?parindex-paragraphs (\d+)\?>")
TEXT_WIDTH = 16.0  # cm between the margins of an A4 page
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WORD_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


# --- Word -----------------------------------------------------------------------


def render_report(
    result: AnalysedResult, created: datetime, parts: Parts | None = None
) -> bytes:
    """The draft report of ``result.year`` as ``.docx`` bytes.

    The layout of an administrative report (Nghị định 30/2020/NĐ-CP): the header
    block (governing body and office, Quốc hiệu and Tiêu ngữ, ``Số: …/BC-…``,
    place and date), the title naming the unit, the body, the closing line, Nơi
    nhận and the signature block, then the appendix on a page of its own. Times
    New Roman 13, page numbers from page 2, language vi-VN. That the draft was made
    by parindex is said in the document properties, not in the body.

    Args:
        result: the analysed year, with the unit's settings.
        created: the creation and modification date stored in the document; the
            same result and date give the same bytes.
        parts: what an earlier night rendered from the same data (section II's
            departments, the charts; ``parindex.render.fragments``): the same
            bytes, without rendering them again.
    """
    document = Document()
    _set_up(document)
    unit = result.unit
    status = STATUS_WORDS.get(result.current.status, result.current.status)
    properties = document.core_properties
    properties.title = (
        f"Phân tích Chỉ số cải cách hành chính năm {result.year} của {unit.unit}"
    )
    properties.subject = result.current.criteria_set.name
    properties.comments = (
        f"Dự thảo lập tự động bằng parindex từ bài nộp của các đơn vị (số liệu "
        f"{status}); các chỗ đánh dấu [… bổ sung: …] để cơ quan viết."
    )
    properties.language = LANGUAGE
    properties.author = "parindex"
    properties.last_modified_by = "parindex"
    properties.revision = 1
    properties.created = created
    properties.modified = created
    scratch = Document()  # paragraphs are built here, then moved in O(1)
    section = document.element.body.sectPr  # looked up once: each lookup scans the body
    pending: list[str] = []  # paragraphs as XML (see _paragraph_xml)
    run: list[bytes] = []  # the current run's bytes so far (fragments are bytes)
    # runs of paragraphs written as XML, never parsed: a marker stands in the body
    # for each, replaced by its pieces when the package is written (``_package``);
    # the pieces are not joined (section II of 5000 departments: tens of MB)
    spliced: list[list[bytes]] = []

    def encode_pending() -> None:
        if pending:
            run.append("".join(pending).encode("utf-8"))
            pending.clear()

    def flush() -> None:
        encode_pending()
        if run:
            section.addprevious(
                etree.ProcessingInstruction(SPLICE_TARGET, str(len(spliced)))
            )
            spliced.append(list(run))
            run.clear()

    def add(blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Fragment):
                encode_pending()
                run.append(block.word)
                continue
            xml = _paragraph_xml(document, block)
            if xml is not None:
                pending.append(xml)
                continue
            flush()
            _add_block(document, scratch, section, block)
        flush()

    _header_block(document, result, created)
    add(report_blocks(result, parts))
    _signature_block(document, result)
    add([PageBreak(), *appendix_blocks(result)])
    return _package(document, created, spliced)


def _borderless(table: DocxTable) -> None:
    """No borders, full text width, fixed column widths."""
    properties = table._tbl.tblPr
    properties.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{side} w:val="nil"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )
    table.autofit = False


def _widths(table: DocxTable, widths: tuple[Any, ...]) -> None:
    """Fixed column widths (the grid, which LibreOffice reads, and each cell)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _cell_lines(
    cell: Any, lines: list[tuple[str, dict[str, Any]]], align: Any = None
) -> None:
    """Write ``lines`` (text, run properties) into ``cell``, one paragraph each."""
    paragraph = cell.paragraphs[0]
    for index, (text, style) in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.paragraph_format.line_spacing = 1.0
        run = _add_run(paragraph, text)
        run.font.size = Pt(style.get("size", 13))
        run.bold = style.get("bold") or None
        run.italic = style.get("italic") or None
        run.underline = style.get("underline") or None


def _header_block(document: Any, result: AnalysedResult, created: datetime) -> None:
    """The header of Nghị định 30/2020/NĐ-CP: governing body and office on the
    left, Quốc hiệu and Tiêu ngữ on the right; then ``Số: …/BC-…`` and the place
    and date."""
    unit = result.unit
    table = document.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, (Cm(6.5), Cm(9.5)))
    _cell_lines(
        table.cell(0, 0),
        [
            (unit.governing_body, {"size": 12}),
            (unit.office.upper(), {"bold": True, "underline": True}),
        ],
    )
    _cell_lines(
        table.cell(0, 1),
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 12}),
            ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "underline": True}),
        ],
    )
    _cell_lines(table.cell(1, 0), [(f"Số:      /BC-{unit.office_code}", {})])
    _cell_lines(
        table.cell(1, 1),
        [
            (
                f"{unit.place}, ngày      tháng      năm {created.year}",
                {"italic": True, "size": 14},
            )
        ],
    )
    document.add_paragraph()


def _signature_block(document: Any, result: AnalysedResult) -> None:
    """Nơi nhận on the left (12 pt bold italic title, 11 pt list ending in
    ``Lưu: VT, <office code>.``), the signer's title and name on the right."""
    unit = result.unit
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, (Cm(8), Cm(8)))
    recipients = [*unit.recipients, f"Lưu: VT, {unit.office_code}."]
    _cell_lines(
        table.cell(0, 0),
        [
            ("Nơi nhận:", {"bold": True, "italic": True, "size": 12}),
            *[(f"- {r}", {"size": 11}) for r in recipients],
        ],
        WD_ALIGN_PARAGRAPH.LEFT,
    )
    _cell_lines(
        table.cell(0, 1),
        [
            (unit.signer_title.upper(), {"bold": True}),
            ("", {}),
            ("", {}),
            ("", {}),
            (unit.signer_name or "[Họ và tên]", {"bold": True}),
        ],
    )


def _set_up(document: Any) -> None:
    """A4, the margins of administrative documents, Times New Roman throughout,
    vi-VN, page numbers at the top centre from page 2."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr>'
                f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:sz w:val="26"/>'
                "</w:rPr><w:t>2</w:t></w:r></w:fldSimple>"
            )
        )
    styles = document.styles
    _language(styles)
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
        style.paragraph_format.first_line_indent = Cm(1)
    _font(styles["List Bullet"], BODY_SIZE)


def _language(styles: Any) -> None:
    """vi-VN as the language of every run (the defaults and each style that set
    one): Word checks the spelling in Vietnamese instead of underlining every
    word as English."""
    root = styles.element
    for lang in root.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        run = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run is not None and run.find(qn("w:lang")) is None:
            run.append(
                parse_xml(
                    f'<w:lang {nsdecls("w")} w:val="{LANGUAGE}" '
                    f'w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/>'
                )
            )


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


def _as_paragraph(block: Bullet | Paragraph) -> Paragraph:
    """A bullet is a paragraph that starts with ``- `` (administrative documents
    use a dash, not Word's round bullet)."""
    if isinstance(block, Bullet):
        return Paragraph(f"- {block.text}")
    return block


def _paragraph_xml(document: Any, block: Block) -> str | None:
    """The XML python-docx makes for a heading, bullet, paragraph or page break,
    written directly: a province's report has tens of thousands of them, and
    python-docx costs a fraction of a millisecond for each. None for a table or a
    picture, or for a text holding tabs or line breaks (python-docx turns those
    into elements)."""
    if isinstance(block, TableBlock | Picture | Fragment):
        return None
    if isinstance(block, PageBreak):
        return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    text = _word_text(
        block.text if isinstance(block, Heading) else _as_paragraph(block).text
    )
    if any(c in text for c in "\t\r\n"):
        return None
    if isinstance(block, Heading):
        style = _style_id(document, f"Heading {block.level}")
        run = _run_xml(text) if text else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p>'
    block = _as_paragraph(block)
    emphasis = (
        ("<w:b/>" if block.bold else "")
        + ("<w:i/>" if block.italic else "")
        + ('<w:highlight w:val="yellow"/>' if block.placeholder else "")
    )
    layout = (
        '<w:spacing w:after="40"/><w:jc w:val="center"/>'
        if block.centered
        else '<w:ind w:firstLine="567"/><w:jc w:val="both"/>'
    )
    return f"<w:p><w:pPr>{layout}</w:pPr>{_run_xml(text, emphasis)}</w:p>"


def fragment_of(blocks: list[Block]) -> Fragment | None:
    """``blocks`` (paragraphs and bullets) rendered for Word and
    Markdown as a :class:`Fragment`; None when one of them is something else or
    a text that python-docx writes as several elements (a tab, a line break)."""
    if not blocks or not all(isinstance(b, Paragraph | Bullet) for b in blocks):
        return None
    word = []
    for block in blocks:
        xml = _paragraph_xml(None, block)
        if xml is None:
            return None
        word.append(xml)
    return Fragment(
        word="".join(word).encode("utf-8"),
        markdown=blocks_markdown(blocks).removesuffix("\n"),
        first_bullet=isinstance(blocks[0], Bullet),
        last_bullet=isinstance(blocks[-1], Bullet),
    )


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
    if isinstance(block, Picture):
        _add_picture(document, block)
        return
    if isinstance(block, Fragment):  # spliced as XML by ``render_report``
        raise TypeError("a fragment is not added as a block")
    paragraph = scratch.add_paragraph()
    if isinstance(block, PageBreak):
        paragraph.add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, Heading):
        if block.text:
            _add_run(paragraph, block.text)
        paragraph._p.style = _style_id(document, f"Heading {block.level}")
    else:
        block = _as_paragraph(block)
        run = _add_run(paragraph, block.text)
        run.bold = block.bold or None
        run.italic = block.italic or None
        if block.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
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


def _add_picture(document: Any, block: Picture) -> None:
    """The caption line, then the picture centred on its own line."""
    caption = document.add_paragraph()
    _add_run(caption, block.caption)
    caption.paragraph_format.first_line_indent = Cm(1)
    caption.paragraph_format.keep_with_next = True
    holder = document.add_paragraph()
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.add_run().add_picture(io.BytesIO(block.png), width=Cm(block.width))


def _add_table(document: Any, block: TableBlock) -> DocxTable:
    """A bordered table; its header row shaded, vertically centred and repeated
    at the top of every page the table runs onto."""
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
    # the grid's cells once: ``table.cell`` builds the whole grid on each call
    grid = table._cells
    for row_index, cells in enumerate((block.header, *block.rows)):
        header = row_index == 0
        bold = header or (block.total and row_index == last)
        for col, text in enumerate(cells):
            cell = grid[row_index * len(block.header) + col]
            paragraph = cell.paragraphs[0]
            run = _add_run(paragraph, text)
            run.font.size = TABLE_SIZE
            run.bold = bold or None
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.paragraph_format.line_spacing = 1.0
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if header else WORD_ALIGN[block.align[col]]
            )
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            if header:
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(
                        f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                        f'w:fill="{HEADER_FILL}"/>'
                    )
                )
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    document.add_paragraph()
    return table


class _Entries:
    """Collects what python-docx's package writer writes: (member name, bytes)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


ZIP_LEVEL = 1
"""The deflate level of the draft report's parts, as ``render.xlsx.ZIP_LEVEL``:
zlib's default (6) cost a night 0.06 s more on the report of 1000 departments
(0.49 → 0.43 s to render it), for a file half as large again (0.70 → 1.04 MB).
Any level gives the same parts (the golden report is compared part for part)."""


def _package(document: Any, created: datetime, spliced: list[list[bytes]]) -> bytes:
    """The ``.docx`` bytes of ``document``: the parts python-docx's ``save`` writes,
    in its order, each entry dated ``created`` (python-docx stamps them with the
    clock), the markers of ``flush`` in the body replaced by the paragraphs' bytes
    (each marker's pieces, written one after another into the entry's stream).

    The same bytes as ``document.save`` with the paragraphs parsed into the body and
    every entry re-dated (the layout of earlier versions: golden tests), without
    compressing twice or holding a tree of every paragraph (python-docx's and
    lxml's objects for the tens of thousands of paragraphs of a province-sized
    report weighed gigabytes).
    """
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
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    collected = _Entries()
    # python-docx's own writer, its order and its serialisation (OpcPackage.save)
    writer: Any = PackageWriter
    writer._write_content_types_stream(collected, parts)
    writer._write_pkg_rels(collected, package.rels)
    writer._write_parts(collected, parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, blob in collected.entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            # the level of a ZipInfo's own (``ZipFile.open`` has no parameter
            # for it; Python 3.13 keeps this name as an alias of compress_level)
            entry._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # noqa: SLF001
            entry.external_attr = 0o600 << 16  # what ZipFile.writestr gives a name
            pieces = SPLICE_MARKER.split(blob)
            if len(pieces) == 1:
                target.writestr(entry, blob)
                continue
            # deflate gives the same bytes however its input is cut
            with target.open(entry, "w") as stream:
                for index, piece in enumerate(pieces):
                    if index % 2:
                        for paragraphs in spliced[int(piece)]:
                            stream.write(paragraphs)
                    else:
                        stream.write(piece)
    return out.getvalue()

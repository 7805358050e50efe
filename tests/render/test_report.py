"""The draft report (``bao-cao-<year>.docx``) and the Markdown summary."""

from __future__ import annotations

import dataclasses
import io
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from docx import Document

from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import Result
from parindex.ingest.collect import Ingested
from parindex.render.document import (
    Bullet,
    Heading,
    Paragraph,
    Picture,
    TableBlock,
    report_body,
)
from parindex.render.markdown import markdown_summary
from parindex.render.report import render_report
from parindex.settings import UnitSettings

from .conftest import build_sample_result
from .office import convert_to_pdf, needs_soffice, pdf_text
from .workbooks import CREATED

# Section II of the seed report: every deduction it lists, with its score/max.
SEED_SECTION_II = {
    "Phòng Nội vụ": {
        "1.2.1": "0/0,5",
        "1.3.2": "1,28/1,5",
        "5.5.1": "0/0,5",
        "5.5.2": "2/3",
        "8.2": "1,91/3",
        "8.3": "2,45/3",
        "8.4": "2,15/3",
    },
    "Văn phòng HĐND và UBND huyện": {
        "3.1.1": "0,5/1",
        "7.1.2": "0/1",
        "7.3.5": "0,48/0,5",
        "8.6": "2,48/4",
        "8.10.1": "0,89/1",
        "8.10.2": "2,37/2,5",
        "8.10.3": "2,34/2,5",
        "8.10.4": "2,34/2,5",
        "8.10.5": "1,33/1,5",
    },
    "Phòng Tư pháp": {"8.1": "2,55/4"},
    "Phòng Tài chính - Kế hoạch": {
        "1.2.1": "0/0,5",
        "1.2.6": "0/0,5",
        "6.1": "0/1",
        "6.2.1": "0/1",
        "6.2.2": "0/1,5",
        "6.3": "1,23/1,5",
        "6.4": "0,95/1",
        "8.5": "2,07/3",
        "8.7": "0/1",
        "8.9": "0,5/1",
    },
    "Phòng Kinh tế và Hạ tầng": {"1.5": "1/2"},
    "Các cơ quan đơn vị": {"1.7": "0/2"},
}
# What the seed missed: component 5 lost 2.5 points, its list shows 1.5.
MISSED_BY_THE_SEED = {
    "Phòng Nội vụ": {"5.2.1": "0/1"},
    "Văn phòng HĐND và UBND huyện": {"7.3.3": "1,42/1,5"},
}
HEADLINE = (
    "Năm 2023, Chỉ số cải cách hành chính đạt 79,27 điểm (số công bố; tính từ các "
    "tiêu chí: 79,24 điểm), xếp thứ 2/8, giữ nguyên thứ hạng và tăng 7,17 điểm so "
    "với năm 2022 (72,1 điểm)."
)
SENTENCE = (
    "5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 3,5 điểm (Cải cách thủ tục "
    "hành chính); 01 chỉ số thành phần duy trì điểm (Cải cách thể chế); 02 chỉ số "
    "thành phần giảm điểm, mức giảm cao nhất 1 điểm (Cải cách chế độ công vụ)."
)


@pytest.fixture(scope="module")
def report_bytes(sample_result: Result) -> bytes:
    return render_report(sample_result, CREATED)


@pytest.fixture(scope="module")
def paragraphs(report_bytes: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the draft, opened with python-docx."""
    document = Document(io.BytesIO(report_bytes))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text]


def _deductions_by_department(
    paragraphs: list[tuple[str, str]],
) -> dict[str, dict[str, str]]:
    """Section II read back: department → code → the bullet's text."""
    found: dict[str, dict[str, str]] = {}
    department = None
    in_section_ii = False
    for style, text in paragraphs:
        if style == "Heading 1":
            in_section_ii = text.startswith("II.")
        elif in_section_ii and style == "Heading 2":
            department = text.split(". ", 1)[1]
            found[department] = {}
        elif in_section_ii and text.startswith("- Tiêu chí ") and department:
            code = text.removeprefix("- Tiêu chí ").split(":", 1)[0]
            found[department][code] = text.removeprefix("- ")
    return found


def test_structure_of_the_seed(paragraphs: list[tuple[str, str]]) -> None:
    texts = [text for _, text in paragraphs]
    assert texts[:3] == [
        "BÁO CÁO",
        "Phân tích Chỉ số cải cách hành chính năm 2023",
        "của UBND huyện Phong Thổ",
    ]
    headings = [(s, t) for s, t in paragraphs if s.startswith("Heading")]
    assert [t for s, t in headings if s == "Heading 1"] == [
        "I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC",
        "III. GIẢI PHÁP NÂNG CAO CHỈ SỐ",
        "PHỤ LỤC: ĐỐI CHIẾU SỐ LIỆU CÔNG BỐ VỚI SỐ TÍNH TỪ CÁC TIÊU CHÍ",
    ]
    assert [t for s, t in headings if s == "Heading 2"][:4] == [
        "1. Nhóm chỉ số thành phần tăng điểm (05 chỉ số thành phần)",
        "2. Nhóm chỉ số thành phần duy trì điểm (01 chỉ số thành phần)",
        "3. Nhóm chỉ số thành phần giảm điểm (02 chỉ số thành phần)",
        "4. Nguyên nhân các chỉ số thành phần tăng, giảm điểm",
    ]
    assert "a) Nguyên nhân tăng điểm" in texts
    assert "b) Nguyên nhân giảm điểm" in texts
    # the closing line names the unit; no "made automatically" line in the body
    assert (
        "Trên đây là báo cáo phân tích Chỉ số cải cách hành chính năm 2023 của UBND "
        "huyện Phong Thổ./."
    ) in texts
    assert not any("tự động" in t for t in texts)
    assert "b) Chỉ số thành phần Cải cách thủ tục hành chính" in texts
    assert "a) Chỉ số thành phần Cải cách chế độ công vụ" in texts


def test_results_section(paragraphs: list[tuple[str, str]]) -> None:
    texts = [text for _, text in paragraphs]
    assert HEADLINE in texts
    assert SENTENCE in texts
    assert (
        "Năm 2023, chỉ số thành phần Cải cách thủ tục hành chính đạt 13/13,5 điểm, "
        "bằng 96,3 %, tăng 3,5 điểm so với năm 2022 (9,5 điểm)."
    ) in texts
    assert (
        "Năm 2023, chỉ số thành phần Cải cách chế độ công vụ đạt 5,5/8 điểm, bằng "
        "68,75 %, giảm 1 điểm so với năm 2022 (6,5 điểm)."
    ) in texts
    # the criteria that lost points, by name and score, in a sentence
    assert (
        "Các tiêu chí chưa đạt điểm tối đa: tiêu chí 3.1.1 “Tổ chức rà soát TTHC, "
        "đề xuất phương án đơn giản hóa TTHC” đạt 0,5/1 điểm."
    ) in texts
    component_5 = next(t for t in texts if "tiêu chí 5.2.1 “" in t)
    assert component_5.startswith("Các tiêu chí chưa đạt điểm tối đa: tiêu chí 5.2.1")
    assert "tiêu chí 5.5.2 “Chấp hành kỷ luật, kỷ cương" in component_5
    assert "” đạt 2/3 điểm." in component_5
    # a shared leaf says who shares it
    component_1 = next(t for t in texts if "tiêu chí 1.2.1 “" in t)
    assert (
        "đạt 0/0,5 điểm (Phòng Nội vụ và Phòng Tài chính - Kế hoạch cùng phụ trách)"
    ) in component_1
    # the reconciliation is in the appendix, not the opening
    opening = texts[: texts.index("Kết quả qua các năm:")]
    assert not any("chênh lệch" in t for t in opening)
    appendix = texts[
        texts.index("PHỤ LỤC: ĐỐI CHIẾU SỐ LIỆU CÔNG BỐ VỚI SỐ TÍNH TỪ CÁC TIÊU CHÍ") :
    ]
    assert any(
        t.startswith("- Tổng điểm: công bố 79,27, tính từ các tiêu chí 79,24")
        for t in appendix
    )


def test_impact_component_broken_into_groups(
    paragraphs: list[tuple[str, str]],
) -> None:
    """The Tác động component: socio-economic, survey and SIPAS, with changes."""
    texts = [text for _, text in paragraphs]
    start = texts.index("đ) Chỉ số thành phần Tác động của cải cách hành chính")
    section = texts[start : start + 8]
    assert (
        "- Tác động của cải cách hành chính đến phát triển kinh tế - xã hội: năm 2023 "
        "đạt 1,5/3 điểm (50 %), bằng năm 2022."
    ) in section
    assert (
        "- Điểm điều tra xã hội học: năm 2023 đạt 13,61/20 điểm (68,05 %), giảm 1,89 "
        "điểm so với năm 2022 (15,5 điểm)."
    ) in section
    assert (
        "- Tác động của cải cách hành chính đến người dân, tổ chức (điểm SIPAS): năm "
        "2023 đạt 9,27/10 điểm (92,7 %), tăng 2,09 điểm so với năm 2022 (7,18 điểm)."
    ) in section


def test_causes_and_solutions_from_the_data(paragraphs: list[tuple[str, str]]) -> None:
    texts = [text for _, text in paragraphs]
    rising = next(t for t in texts if t.startswith("Năm 2023 có ") and " tăng " in t)
    assert "so với năm 2022, nhiều nhất: tiêu chí" in rising
    falling = next(t for t in texts if t.startswith("Năm 2023 có ") and " giảm " in t)
    assert "tiêu chí 5.5.1 “" in falling
    assert "từ 0,5 xuống 0 điểm" in falling
    start = texts.index("III. GIẢI PHÁP NÂNG CAO CHỈ SỐ")
    section = texts[start:]
    assert any(
        t.startswith(
            "- Tiêu chí 1.3.2 “Xử lý các vấn đề phát hiện qua kiểm tra”: đạt "
            "1,28/1,5 điểm (Phòng Nội vụ)."
        )
        for t in section
    )
    assert section[section.index("2. Điểm có thể lấy lại theo đơn vị") + 1].startswith(
        "- Phòng Tài chính - Kế hoạch: "
    )
    # the office's own words have marked places
    assert (
        "[Phòng Nội vụ bổ sung: các giải pháp, nhiệm vụ cụ thể và đơn vị chủ trì thực hiện.]"
        in section
    )


def test_tables(report_bytes: bytes) -> None:
    document = Document(io.BytesIO(report_bytes))
    _header, years, components, _signature = document.tables
    assert [c.text for c in years.rows[0].cells] == [
        "Năm",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
        "Điểm tác động KT-XH",
        "Điểm SIPAS",
        "Tổng điểm",
        "Xếp hạng",
    ]
    assert [c.text for c in years.rows[2].cells] == [
        "2023",
        "54,86",
        "13,64",
        "1,50",
        "9,27",
        "79,27",
        "2/8",
    ]
    assert len(components.rows) == 1 + 8 + 1
    assert [c.text for c in components.rows[3].cells] == [
        "3",
        "Cải cách thủ tục hành chính",
        "13,50",
        "9,50",
        "13,00",
        "96,30",
        "+3,5",
        "Tăng",
    ]
    total = [c.text for c in components.rows[-1].cells]
    assert total[1:5] == ["Tổng cộng", "100,00", "72,10", "79,24"]
    assert total[6] == "+7,14"


def test_every_seed_deduction_with_its_score(
    paragraphs: list[tuple[str, str]],
) -> None:
    found = _deductions_by_department(paragraphs)
    for listed in (SEED_SECTION_II, MISSED_BY_THE_SEED):
        for department, deductions in listed.items():
            for code, shown in deductions.items():
                text = found[department][code]
                assert f" đạt {shown} điểm" in text, text
    assert found["Phòng Nội vụ"]["1.3.2"] == (
        "Tiêu chí 1.3.2: Xử lý các vấn đề phát hiện qua kiểm tra đạt 1,28/1,5 điểm do "
        "qua kiểm tra phát hiện 59 tồn tại tại các xã, đã khắc phục 45 tồn tại, 8 tồn "
        "tại đã khắc phục nhưng chưa có kết quả cụ thể, 6 tồn tại chưa khắc phục."
    )
    # nothing more than the leaves below their maximum
    assert sum(len(d) for d in found.values()) == 31


def test_department_lines(paragraphs: list[tuple[str, str]]) -> None:
    texts = [text for _, text in paragraphs]
    assert (
        "Năm 2023, chỉ số thuộc các lĩnh vực phụ trách của Phòng Nội vụ đạt "
        "26,79/32,5 điểm, bằng 82,43 %, bị trừ 5,71 điểm ở các tiêu chí:"
    ) in texts
    assert (
        "Bị trừ điểm cả năm 2022 và năm 2023 (cần ưu tiên khắc phục): 1.3.2 "
        "(1,28/1,5), 5.5.2 (2/3), 8.2 (1,91/3), 8.3 (2,45/3), 8.4 (2,15/3)."
    ) in texts
    assert (
        "Điểm thẩm định thấp hơn điểm tự đánh giá ở 1 tiêu chí (tổng 1 điểm): 1.5 "
        "(tự chấm 2, thẩm định 1)."
    ) in texts


def test_office_line_of_2022_is_the_seeds(result_2022: Result) -> None:
    document = Document(io.BytesIO(render_report(result_2022, CREATED)))
    texts = [p.text for p in document.paragraphs]
    assert (
        "Năm 2022, chỉ số thuộc các lĩnh vực phụ trách của Văn phòng HĐND và UBND "
        "huyện đạt 29,26/40,5 điểm, bằng 72,25 %, bị trừ 11,24 điểm ở các tiêu chí:"
    ) in texts


def test_first_year(first_year_result: Result) -> None:
    document = Document(io.BytesIO(render_report(first_year_result, CREATED)))
    texts = [p.text for p in document.paragraphs]
    assert (
        "Chưa có điểm các chỉ số thành phần năm trước nên chưa so sánh được 8 chỉ số "
        "thành phần."
    ) in texts
    assert "1. Các chỉ số thành phần (08 chỉ số thành phần)" in texts
    assert not any(t.startswith("Bị trừ điểm cả năm") for t in texts)
    components = document.tables[-1]
    assert "Tăng/giảm" not in [c.text for c in components.rows[0].cells]


def test_same_result_and_date_give_the_same_bytes(
    sample_result: Result, report_bytes: bytes
) -> None:
    assert render_report(sample_result, CREATED) == report_bytes
    later = render_report(sample_result, datetime(2024, 6, 1, 7, 30))
    assert later != report_bytes
    document = Document(io.BytesIO(report_bytes))
    properties = document.core_properties
    assert properties.created == properties.modified == datetime(2024, 1, 1, tzinfo=UTC)
    assert properties.title == (
        "Phân tích Chỉ số cải cách hành chính năm 2023 của UBND huyện Phong Thổ"
    )
    assert properties.comments.startswith(
        "Dự thảo lập tự động bằng parindex từ bài nộp của các đơn vị (số liệu chính "
        "thức)"
    )
    with zipfile.ZipFile(io.BytesIO(report_bytes)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_markdown_carries_the_same_text(sample_result: Result) -> None:
    markdown = markdown_summary(sample_result)
    assert (
        "- Tổng điểm: **79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)**"
    ) in markdown
    assert "- Tăng 7,17 điểm so với năm 2022 (72,1 điểm)" in markdown
    assert HEADLINE in markdown
    assert "| Thẩm định | 54,86 |" in markdown
    assert SENTENCE in markdown
    assert "## II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC" in markdown
    assert "### 2. Văn phòng HĐND và UBND huyện" in markdown
    assert (
        "- Tiêu chí 7.3.3: Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được cung cấp "
        "trên Cổng Dịch vụ công quốc gia đạt 1,42/1,5 điểm"
    ) in markdown
    assert "| 3 | Cải cách thủ tục hành chính | 13,50 | 9,50 | 13,00 |" in markdown
    assert markdown.rstrip().endswith("- Vấn đề: 0 lỗi, 0 cảnh báo")
    # every paragraph, bullet and heading of the draft's body is in the summary
    for block in report_body(sample_result, pictures=True):
        if isinstance(block, Heading | Paragraph | Bullet):
            assert block.text in markdown, block.text
        else:
            assert isinstance(block, TableBlock | Picture)


@pytest.mark.slow
@needs_soffice
def test_opens_in_libreoffice(report_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "bao-cao-2023.docx"
    source.write_bytes(report_bytes)
    pdf = convert_to_pdf(source, tmp_path)
    text = pdf_text(pdf)
    assert "II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC" in text
    assert "đạt 1,28/1,5 điểm" in text
    assert "5/8 chỉ số thành phần tăng điểm" in text


def test_control_characters_and_line_breaks_in_a_reason(
    sample_result: Result,
) -> None:
    deductions = sample_result.current.deductions.with_columns(
        reason=pl.when(pl.col("code") == "1.3.2")
        .then(pl.lit("Báo cáo\x0bmuộn;\n\tthiếu\x01 hồ sơ."))
        .otherwise("reason")
    )
    current = dataclasses.replace(sample_result.current, deductions=deductions)
    document = Document(
        io.BytesIO(
            render_report(
                analyse(dataclasses.replace(sample_result, current=current)), CREATED
            )
        )
    )
    bullet = next(p.text for p in document.paragraphs if "1.3.2:" in p.text)
    assert bullet.endswith("đạt 1,28/1,5 điểm do báo cáo muộn; thiếu hồ sơ.")


def test_provisional_year(sample_ingested: dict[int, Ingested]) -> None:
    rows = sample_ingested[2023].rows.filter(pl.col("department") != "CQ")
    result = build_sample_result(
        {
            **sample_ingested,
            2023: dataclasses.replace(sample_ingested[2023], rows=rows),
        }
    )
    texts = [
        p.text for p in Document(io.BytesIO(render_report(result, CREATED))).paragraphs
    ]
    assert any(
        t.startswith("Số liệu năm 2023 còn tạm tính: đã có điểm 73/74") for t in texts
    )
    assert "Còn 1 tiêu chí chưa có điểm: 1.7." in texts
    assert not any("tự động" in t for t in texts)
    comments = Document(io.BytesIO(render_report(result, CREATED))).core_properties
    assert "(số liệu tạm tính)" in comments.comments


GOLDEN_REPORT = Path(__file__).parent / "golden" / "report-2023.docx"


def _entries(docx: bytes) -> list[tuple[object, ...]]:
    """Every entry of a package, in order: its name, date, mode, compression and
    inflated bytes (not the deflated ones: the deflate level is the writer's
    choice, ``report.ZIP_LEVEL``)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [
            (
                entry.filename,
                entry.date_time,
                entry.external_attr,
                entry.compress_type,
                archive.read(entry),
            )
            for entry in archive.infolist()
        ]


def test_same_parts_as_the_golden_report(report_bytes: bytes) -> None:
    """The paragraphs are written as XML directly (fast for a province): the draft
    holds, part for part and byte for byte, what python-docx built paragraph by
    paragraph (the golden file was made that way). Regenerate with
    ``PARINDEX_REGENERATE_GOLDEN=1``."""
    if os.environ.get("PARINDEX_REGENERATE_GOLDEN") == "1":
        GOLDEN_REPORT.write_bytes(report_bytes)
    assert _entries(report_bytes) == _entries(GOLDEN_REPORT.read_bytes())


@pytest.mark.parametrize(
    "block",
    [
        Heading("I. KẾT QUẢ", 1),
        Heading("", 2),
        Bullet("Tiêu chí 1.2.1: A & B <nhỏ> đạt 0/0,5 điểm."),
        Paragraph("  khoảng trắng đầu và cuối  "),
        Paragraph("Đậm nghiêng", bold=True, italic=True, centered=True),
        Paragraph("", italic=True),
        Paragraph("Ký tự điều khiển\x07 bị thay"),
    ],
)
def test_paragraph_xml_is_what_python_docx_writes(block: object) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from lxml import etree

    from parindex.render import report

    document, scratch = Document(), Document()
    report._set_up(document)
    section = document.element.body.sectPr
    report._add_block(document, scratch, section, block)  # python-docx's way
    built = document.element.body[-2]
    xml = report._paragraph_xml(document, block)
    assert xml is not None
    direct = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")[0]

    def canonical(element: object) -> bytes:
        return etree.tostring(element, method="c14n", exclusive=True)

    assert canonical(direct) == canonical(built)


def _cells(table: object) -> list[str]:
    return [c.text for row in table.rows for c in row.cells]  # type: ignore[attr-defined]


def test_header_and_signature_from_the_settings_file(report_bytes: bytes) -> None:
    """Nghị định 30/2020/NĐ-CP: governing body and office, Quốc hiệu, Tiêu ngữ,
    Số, place and date; Nơi nhận and the signer: all from inputs/don-vi.toml."""
    document = Document(io.BytesIO(report_bytes))
    header, signature = document.tables[0], document.tables[-1]
    assert _cells(header) == [
        "UBND HUYỆN PHONG THỔ\nPHÒNG NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "Số:      /BC-NV",
        "Phong Thổ, ngày      tháng      năm 2024",
    ]
    assert _cells(signature) == [
        "Nơi nhận:\n- Chủ tịch, các PCT UBND huyện;\n- Các cơ quan, đơn vị huyện;\n"
        "- UBND các xã, thị trấn;\n- Lưu: VT, NV.",
        "TRƯỞNG PHÒNG\n\n\n\n[Họ và tên]",
    ]
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("của UBND huyện Phong Thổ") + 1].startswith(
        "Căn cứ Quyết định số 1726/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Lai Châu"
    )
    # Times New Roman 13 in the body
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13)


def test_without_settings_placeholders_never_another_unit(
    sample_result: AnalysedResult,
) -> None:
    result = analyse(sample_result, UnitSettings())
    document = Document(io.BytesIO(render_report(result, CREATED)))
    header = _cells(document.tables[0])
    assert header[0] == "[TÊN ĐƠN VỊ]\n[CƠ QUAN BÁO CÁO]"
    assert header[2] == "Số:      /BC-……"
    everything = "\n".join(
        [p.text for p in document.paragraphs] + header + _cells(document.tables[-1])
    )
    assert "Phong Thổ" not in everything
    assert "Phòng Nội vụ báo cáo" not in everything
    assert "của [Tên đơn vị]" in everything


def test_language_page_numbers_and_table_headers(report_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(report_bytes)) as archive:
        styles = archive.read("word/styles.xml").decode()
        body = archive.read("word/document.xml").decode()
        headers = [n for n in archive.namelist() if n.startswith("word/header")]
        header_xml = "".join(archive.read(n).decode() for n in headers)
    assert 'w:val="vi-VN"' in styles
    assert "en-US" not in styles and "en-US" not in body
    # page numbers from page 2: a different first page, a PAGE field in the header
    assert "<w:titlePg/>" in body
    assert 'w:instr="PAGE"' in header_xml
    # shaded, vertically centred, repeated header rows in the data tables
    assert body.count("<w:tblHeader/>") == 2
    assert 'w:fill="D9D9D9"' in body
    assert '<w:vAlign w:val="center"/>' in body
    # dashes, not Word's round bullets
    assert "List Bullet" not in body and "ListBullet" not in body


def test_the_two_charts_are_embedded_pictures(report_bytes: bytes) -> None:
    document = Document(io.BytesIO(report_bytes))
    assert len(document.inline_shapes) == 2
    with zipfile.ZipFile(io.BytesIO(report_bytes)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        pictures = [archive.read(n) for n in media]
    assert len(pictures) == 2
    assert all(p.startswith(b"\x89PNG") and len(p) > 20_000 for p in pictures)
    texts = [p.text for p in document.paragraphs]
    assert "* Biểu đồ diễn biến chỉ số và thứ hạng qua các năm:" in texts
    assert "* Biểu đồ điểm các chỉ số thành phần năm 2022 và năm 2023:" in texts


def test_office_words_are_marked(report_bytes: bytes) -> None:
    document = Document(io.BytesIO(report_bytes))
    marked = [
        p.text
        for p in document.paragraphs
        if p.runs and p.runs[0].font.highlight_color is not None
    ]
    assert len(marked) == 8 + 2 + 1  # each component, each cause, the solutions
    assert all(t.startswith("[Phòng Nội vụ bổ sung: ") for t in marked)


def test_a_unit_without_settings_has_one_bracket_round_its_marked_places() -> None:
    """Without ``don-vi.toml`` the office is the placeholder ``[Cơ quan báo
    cáo]``: its marked places read "[[Cơ quan báo cáo] bổ sung: …]" (blind
    round 21, finding 6)."""
    from parindex.render.prose import office_words

    assert office_words("[Cơ quan báo cáo]", "nguyên nhân") == (
        "[Cơ quan báo cáo bổ sung: nguyên nhân]"
    )
    assert office_words("Phòng Nội vụ", "nguyên nhân") == (
        "[Phòng Nội vụ bổ sung: nguyên nhân]"
    )

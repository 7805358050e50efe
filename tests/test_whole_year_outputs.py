"""The whole-year outputs of a night cost what they hold: the render key digests
what the outputs are made of (not the analysis derived from it), the analysis is
sliced per department only when a department is asked for, and the report's big
tables are written without python-docx's objects, byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pickle
import random
import zipfile

import pytest
from lxml import etree

from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import Result
from parindex.ingest.collect import Ingested
from parindex.publish.manifest import render_key
from parindex.settings import UnitSettings
from tests.render import conftest as sample
from tests.render.test_report import _entries

CREATED = dt.datetime(2024, 1, 1, 8, 0, 0)


@pytest.fixture(scope="module")
def ingested() -> dict[int, Ingested]:
    return sample.ingest_sample()


@pytest.fixture(scope="module")
def sample_result(ingested: dict[int, Ingested]) -> AnalysedResult:
    return sample.build_sample_result(ingested)


def _consolidated(result: AnalysedResult) -> Result:
    return Result(
        **{f.name: getattr(result, f.name) for f in dataclasses.fields(Result)}
    )


def test_render_key_follows_the_result_and_the_unit_not_the_analysis_object(
    sample_result: AnalysedResult,
) -> None:
    created = {"NV": CREATED}
    key = render_key(sample_result, CREATED, created)
    # analysed again from the same consolidated result and unit: the same key
    again = analyse(_consolidated(sample_result), sample_result.unit)
    assert again is not sample_result
    assert render_key(again, CREATED, created) == key
    # another unit's settings change the report: another key
    other = analyse(_consolidated(sample_result), UnitSettings(unit="UBND xã Khác"))
    assert render_key(other, CREATED, created) != key
    # another result: another key
    edited = dataclasses.replace(sample_result, previous_total=1.0)
    assert render_key(edited, CREATED, created) != key
    # another date: another key
    assert render_key(sample_result, CREATED.replace(day=2), created) != key


def test_department_shares_are_sliced_when_asked_and_not_kept(
    sample_result: AnalysedResult,
) -> None:
    shares = sample_result.analysis.departments
    assert list(shares) == ["NV", "VP", "TP", "TCKH", "KTHT", "CQ"]
    assert len(shares) == 6 and "NV" in shares and "XX" not in shares
    with pytest.raises(KeyError):
        shares["XX"]
    first, second = shares["TCKH"], shares["TCKH"]
    assert first is not second  # nothing is held between lookups
    assert first.deductions.equals(second.deductions)
    assert first.name == "Phòng Tài chính - Kế hoạch"
    # a result sent to another process (department chunks) carries its shares
    copied = pickle.loads(pickle.dumps(sample_result))
    for code in shares:
        assert copied.analysis.departments[code].lost.equals(shares[code].lost)
        assert copied.analysis.departments[code].leaves.equals(shares[code].leaves)


def _saved_the_old_way(document: object, created: dt.datetime) -> bytes:
    """python-docx's ``save``, then every entry re-dated: how the report was
    packaged before its paragraphs were spliced in as bytes."""
    out = io.BytesIO()
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    stamp = (created.year, created.month, created.day, created.hour, 0, 0)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


TEXTS = [
    "Tiêu chí 1.2.1: A & B <nhỏ> đạt 0/0,5 điểm.",
    "  khoảng trắng đầu và cuối  ",
    "Dấu \"ngoặc\" và 'nháy' > <",
    "Ký tự điều khiển\x07 bị thay",
    "Tổ hợp dấu: Phòng Nội vụ",  # NFD: written in NFC
    "",
    "<?parindex-paragraphs 0?>",  # a submission's text that looks like a marker
]


def test_paragraphs_spliced_as_bytes_give_the_package_python_docx_saves() -> None:
    """Thousands of paragraphs, written as XML and spliced into the body when the
    package is written, give the bytes of parsing them into python-docx's tree and
    saving it (with a table, a page break and a second run of paragraphs between)."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from parindex.render import report
    from parindex.render.document import Bullet, Heading, PageBreak, Paragraph

    rng = random.Random(13)
    blocks: list[object] = []
    for number in range(3000):
        kind = rng.randrange(4)
        text = " ".join(rng.choice(TEXTS) for _ in range(rng.randrange(1, 4)))
        if kind == 0:
            blocks.append(Heading(f"{number}. {text}", rng.choice([1, 2, 3])))
        elif kind == 1:
            blocks.append(Bullet(text))
        elif kind == 2:
            blocks.append(
                Paragraph(
                    text,
                    bold=rng.random() < 0.3,
                    italic=rng.random() < 0.3,
                    centered=rng.random() < 0.2,
                    placeholder=rng.random() < 0.1,
                )
            )
        else:
            blocks.append(PageBreak())
    halves = [blocks[:1500], blocks[1500:]]

    def build(splice: bool) -> bytes:
        document = Document()
        report._set_up(document)
        section = document.element.body.sectPr
        spliced: list[list[bytes]] = []
        for number, half in enumerate(halves):
            pieces = [report._paragraph_xml(document, b) or "" for b in half]
            xml = "".join(pieces)
            if splice:
                section.addprevious(
                    etree.ProcessingInstruction(report.SPLICE_TARGET, str(len(spliced)))
                )
                # written piece by piece into the entry, never joined
                spliced.append([piece.encode("utf-8") for piece in pieces])
            else:
                body = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
                for paragraph in list(body):
                    section.addprevious(paragraph)
            if number == 0:
                report._add_table(
                    document,
                    report.TableBlock(
                        ("Mã", "Tên"), (("1", "a & b"),), ("left", "left")
                    ),
                )
        if splice:
            return report._package(document, CREATED, spliced)
        return _saved_the_old_way(document, CREATED)

    assert _entries(build(splice=True)) == _entries(build(splice=False))


NAMES: dict[str | None, str] = {f"D{i}": f"Phòng {i}" for i in range(1, 120)}


@pytest.mark.parametrize(
    ("departments", "own", "expected"),
    [
        (["D1"], None, ""),
        (["D1", "D2"], "D1", " (dùng chung với Phòng 2)"),
        (["D1", "D2"], None, " (Phòng 1 và Phòng 2 cùng phụ trách)"),
        (
            [f"D{i}" for i in range(1, 7)],
            "D1",
            " (dùng chung với Phòng 2, Phòng 3, Phòng 4, Phòng 5 và Phòng 6)",
        ),
        (
            [f"D{i}" for i in range(1, 7)],
            None,
            " (Phòng 1, Phòng 2, Phòng 3, Phòng 4, Phòng 5 và Phòng 6 cùng phụ trách)",
        ),
        (
            [f"D{i}" for i in range(1, 8)],
            None,
            " (Phòng 1, Phòng 2, Phòng 3, Phòng 4, Phòng 5 và 2 đơn vị khác"
            " cùng phụ trách)",
        ),
        (
            [f"D{i}" for i in range(1, 108)],
            "D3",
            " (dùng chung với Phòng 1, Phòng 2, Phòng 4, Phòng 5, Phòng 6 và 101"
            " đơn vị khác)",
        ),
    ],
)
def test_a_leaf_shared_by_many_names_five_departments_and_counts_the_others(
    departments: list[str], own: str | None, expected: str
) -> None:
    """A leaf shared by a hundred departments does not name them all on every line
    of every department (the report grew with the square of the departments: 290 MB
    of text at 5000); the criteria sheet lists them all (README, Choices)."""
    from parindex.render.prose import shared_note

    assert shared_note(departments, NAMES, own=own) == expected


def test_the_prefect_artifact_holds_the_summary_up_to_a_size(
    sample_result: AnalysedResult,
) -> None:
    """The artifact carries the Markdown summary whole when it is small (every
    real unit); a larger one (at 5000 departments 38 MB, built whole it was the
    peak of ``parindex run``) is cut at a line, with a note naming the file that
    holds it all."""
    from flows.consolidate import artifact_summary
    from parindex import messages
    from parindex.render.markdown import markdown_summary

    whole = markdown_summary(sample_result)
    assert artifact_summary(sample_result) == whole
    assert artifact_summary(sample_result, limit=len(whole)) == whole
    cut = artifact_summary(sample_result, limit=2000)
    note = messages.ARTIFACT_CUT.format(
        limit="2.000", file=f"summary-{sample_result.year}.md"
    )
    assert cut.endswith("\n\n" + note + "\n")
    kept = cut.removesuffix("\n\n" + note + "\n")
    assert whole.startswith(kept + "\n")
    assert 1000 < len(kept) <= 2000

"""The report's parts kept between nights (``parindex.render.fragments``) are
correct, not just fast: whatever changed, the report and the Markdown summary
are byte for byte those of a run that renders every part (a cold run into empty
outputs), and only the parts whose data changed are rendered again."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from parindex.analysis import AnalysedResult
from parindex.ingest.cache import CACHE_FOLDER
from parindex.publish import outputs as outputs_module
from parindex.render import fragments
from parindex.render.document import Bullet, Fragment, Paragraph
from parindex.render.fragments import ReportParts, store_path
from parindex.render.markdown import markdown_summary
from parindex.render.report import fragment_of, render_report
from tests.builders import rename_in_workbook
from tests.ingest.test_cache import _outputs, _run

from .workbooks import CREATED

YEAR = 2023


@pytest.fixture()
def nights(monkeypatch: pytest.MonkeyPatch) -> list[ReportParts]:
    """The parts each published night used (what it built, what it drew)."""
    opened: list[ReportParts] = []
    real = ReportParts.open

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        parts = real(*args, **kwargs)
        opened.append(parts)
        return parts

    monkeypatch.setattr(outputs_module.ReportParts, "open", recorded)
    return opened


def _same_as_cold(inputs: Path, warm: Path, tmp_path: Path) -> None:
    """Every output of ``warm`` (report and Markdown included) is the one a cold
    run of the same inputs writes."""
    cold = tmp_path / f"cold-{time.time_ns()}"
    _run(inputs, cold, cached=False)
    expected = {k: v for k, v in _outputs(cold).items() if not k.startswith("archive/")}
    got = {k: v for k, v in _outputs(warm).items() if not k.startswith("archive/")}
    assert f"{YEAR}/bao-cao-{YEAR}.docx" in expected
    assert f"{YEAR}/summary-{YEAR}.md" in expected
    assert got == expected


def _touch(path: Path, seconds: float = 5.0) -> None:
    """A new modification time: the department's workbook and the report's date
    change, so the night renders."""
    moment = time.time() + seconds
    os.utime(path, (moment, moment))


def _sections(warm: Path) -> list[str]:
    """The departments of section II, in order (the sample has six)."""
    markdown = (warm / str(YEAR) / f"summary-{YEAR}.md").read_text("utf-8")
    section = markdown.split("## II.")[1].split("## III.")[0]
    return [line for line in section.splitlines() if line.startswith("### ")]


def test_a_night_where_one_file_changed_renders_that_department_only(
    inputs: Path, tmp_path: Path, nights: list[ReportParts]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    assert len(nights) == 1
    first = nights[0]
    assert len(first.built) == len(_sections(warm)) == 6
    assert sorted(first.drawn) == ["components", "years"]
    assert store_path(warm, YEAR).is_file()
    # Phòng Tư pháp's 8.1: appraised 2.55 → 3.0
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0
    workbook.save(tp)
    _touch(tp)
    _run(inputs, warm, cached=True)
    night = nights[-1]
    assert night.built == ["TP"]
    # the total and the component changed: both charts are drawn again
    assert sorted(night.drawn) == ["components", "years"]
    _same_as_cold(inputs, warm, tmp_path)
    markdown = (warm / str(YEAR) / f"summary-{YEAR}.md").read_text("utf-8")
    section = markdown.split("## II.")[1].split("## III.")[0]
    assert "- Tiêu chí 8.1: " in section
    assert "bản quy phạm pháp luật do huyện ban hành đạt 3/4 điểm" in section
    assert "2,55/4" not in section


def test_a_new_date_only_renders_that_department_and_no_chart(
    inputs: Path, tmp_path: Path, nights: list[ReportParts]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert nights[-1].built == ["NV"]
    assert nights[-1].drawn == []  # the figures the charts draw did not change
    _same_as_cold(inputs, warm, tmp_path)


def test_a_changed_criteria_set_renders_every_part_again(
    inputs: Path, tmp_path: Path, nights: list[ReportParts]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    criteria = inputs / "criteria" / "lai-chau-2022.xlsx"
    assert rename_in_workbook(criteria, "Phòng Tư pháp", "Phòng Tư pháp huyện")
    _run(inputs, warm, cached=True)
    assert len(nights[-1].built) == 6
    assert sorted(nights[-1].drawn) == ["components", "years"]
    _same_as_cold(inputs, warm, tmp_path)
    assert any("Phòng Tư pháp huyện" in line for line in _sections(warm))


def test_a_new_parindex_version_renders_every_part_again(
    inputs: Path,
    tmp_path: Path,
    nights: list[ReportParts],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    monkeypatch.setattr(fragments, "code_version", lambda: "parindex 9.9")
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert len(nights[-1].built) == 6
    assert sorted(nights[-1].drawn) == ["components", "years"]
    _same_as_cold(inputs, warm, tmp_path)


def test_a_deleted_store_is_rebuilt(
    inputs: Path, tmp_path: Path, nights: list[ReportParts]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    shutil.rmtree(warm / CACHE_FOLDER)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert len(nights[-1].built) == 6
    _same_as_cold(inputs, warm, tmp_path)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx", 10.0)
    _run(inputs, warm, cached=True)
    assert nights[-1].built == ["NV"]  # kept again


def _flip(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[-100] ^= 0x01  # one bit of the payload
    return bytes(changed)


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda data: data[:-40], id="truncated"),
        pytest.param(_flip, id="one-bit-flipped"),
        pytest.param(lambda data: os.urandom(300), id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(
            lambda data: data.replace(
                b"parindex-report-parts 1", b"parindex-report-parts 9"
            ),
            id="another-format",
        ),
    ],
)
def test_a_corrupted_store_is_ignored_and_rebuilt(
    inputs: Path,
    tmp_path: Path,
    nights: list[ReportParts],
    corrupt: object,
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    stored = store_path(warm, YEAR)
    stored.write_bytes(corrupt(stored.read_bytes()))  # type: ignore[operator]
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert len(nights[-1].built) == 6
    assert sorted(nights[-1].drawn) == ["components", "years"]
    _same_as_cold(inputs, warm, tmp_path)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx", 10.0)
    _run(inputs, warm, cached=True)
    assert nights[-1].built == ["NV"]


def test_an_intact_store_of_another_context_is_not_used(
    inputs: Path, tmp_path: Path, nights: list[ReportParts]
) -> None:
    """Intact (its checksum holds) but written for another context (another
    version of parindex or of a library, criteria set or year): ignored."""
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    stored = store_path(warm, YEAR)
    data = stored.read_bytes()
    start = len(fragments.FORMAT) + 65
    kept = pickle.loads(data[start:])  # noqa: S301 - our own test data
    kept["context"] = kept["context"].replace(str(YEAR), str(YEAR - 1))
    payload = pickle.dumps(kept, protocol=5)
    digest = hashlib.sha256(payload).hexdigest().encode()
    stored.write_bytes(fragments.FORMAT + digest + b"\n" + payload)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert len(nights[-1].built) == 6
    _same_as_cold(inputs, warm, tmp_path)


# --- fragments and the blocks they stand for --------------------------------------


def test_fragments_render_as_their_blocks(sample_result: AnalysedResult) -> None:
    """A report and a Markdown summary whose section II comes from parts kept
    by an earlier render (here, of the same result) are byte for byte the ones
    rendered from the blocks."""
    keys = {code: f"key-{code}" for code in sample_result.analysis.departments}
    first = ReportParts(None, "context", keys)
    report = render_report(sample_result, CREATED, first)
    markdown = markdown_summary(sample_result, first)
    assert len(first.built) == 6
    kept = {
        "fragments": dict(first._fragments),  # noqa: SLF001 - what save writes
        "pictures": dict(first._pictures),  # noqa: SLF001
    }
    # a new result object: the blocks are not reused, the parts are
    again = _copy(sample_result)
    second = ReportParts(None, "context", keys, kept)
    assert render_report(again, CREATED, second) == report
    assert markdown_summary(again, second) == markdown
    assert second.built == [] and second.drawn == []
    assert render_report(_copy(sample_result), CREATED) == report
    assert markdown_summary(_copy(sample_result)) == markdown
    with zipfile.ZipFile(io.BytesIO(report)) as package:
        assert package.testzip() is None
    texts = [p.text for p in Document(io.BytesIO(report)).paragraphs]
    assert any(t.startswith("- Tiêu chí 8.1: ") for t in texts)


def _copy(result: AnalysedResult) -> AnalysedResult:
    import dataclasses

    return dataclasses.replace(result)


def test_a_fragment_keeps_the_markdown_glue_between_bullets() -> None:
    """Two bullets are glued by one line break, anything else by a blank line,
    whether a bullet is a block or the edge of a fragment."""
    from parindex.render.document import blocks_markdown

    part = [Bullet("a"), Paragraph("b"), Bullet("c")]
    made = fragment_of(part)
    assert made is not None and made.first_bullet and made.last_bullet
    blocks = [Bullet("x"), *part, Bullet("y")]
    assert blocks_markdown([Bullet("x"), made, Bullet("y")]) == blocks_markdown(blocks)
    assert blocks_markdown([Paragraph("x"), made]) == blocks_markdown(
        [Paragraph("x"), *part]
    )


def test_text_python_docx_splits_is_not_kept_as_a_fragment() -> None:
    """A tab or a line break becomes an element in python-docx: such a part is
    rendered as blocks every night (never kept)."""
    assert fragment_of([Paragraph("a\tb")]) is None
    assert fragment_of([Bullet("a\nb")]) is None
    assert fragment_of([]) is None
    made = fragment_of([Paragraph("a & <b>")])
    assert isinstance(made, Fragment)
    assert b"a &amp; &lt;b&gt;" in made.word


def test_the_store_is_read_after_the_scorecard(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts kept are read when the report first asks for one, not while the
    scorecard and the summary render (they are not held in memory then)."""
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    order: list[str] = []
    real_load, real_scorecard = fragments._load, outputs_module.render_scorecard

    def load(*args):  # type: ignore[no-untyped-def]
        order.append("store")
        return real_load(*args)

    def scorecard(*args, **kwargs):  # type: ignore[no-untyped-def]
        order.append("scorecard")
        return real_scorecard(*args, **kwargs)

    monkeypatch.setattr(fragments, "_load", load)
    monkeypatch.setattr(outputs_module, "render_scorecard", scorecard)
    _touch(inputs / "2023" / "phong-noi-vu.xlsx")
    _run(inputs, warm, cached=True)
    assert order == ["scorecard", "store"]
    _same_as_cold(inputs, warm, tmp_path)


def test_the_parts_are_kept_without_being_pickled_whole(
    sample_result: AnalysedResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts go to their store as they are pickled (≈ 110 MB at 5000
    departments: pickled whole, then written, they were ``parindex run``'s
    peak), and come back the same."""
    keys = {code: f"key-{code}" for code in sample_result.analysis.departments}
    path = tmp_path / "report" / "2023"
    parts = ReportParts(path, "context", keys)
    render_report(sample_result, CREATED, parts)

    def whole(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("pickled whole")

    with monkeypatch.context() as patched:
        patched.setattr(pickle, "dumps", whole)
        parts.save()
    kept = ReportParts(path, "context", keys, stored=True)
    assert render_report(_copy(sample_result), CREATED, kept) == render_report(
        _copy(sample_result), CREATED
    )
    assert kept.built == [] and kept.drawn == []

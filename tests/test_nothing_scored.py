"""A year none of whose criteria is scored (every file of the drop folder set
aside, or none scoring a criterion) has no figure of its own. It was given a
total of 0 and compared with last year as a fall ("đạt 0/100 điểm …, giảm 72,1
điểm so với năm 2022"), its components each "giảm", and each published figure
called an unexplained difference from a computed 0 (blind round 19: "a unit
none of whose files can be used gets a total of 0, compared as a fall"). It is
now said to have no score, is not compared, and the reconciliation says why
there is nothing to reconcile."""

from __future__ import annotations

import json
import time
from pathlib import Path

import openpyxl

from parindex import pipeline, run_record
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import ingest_year
from parindex.render.prose import headline_sentence

YEAR = 2023


def _unusable_year(inputs: Path) -> None:
    """Every file of the year's drop folder replaced by one that is not a workbook."""
    for path in (inputs / str(YEAR)).glob("*.xlsx"):
        path.write_bytes(b"not a workbook")


def _without_published_year(inputs: Path) -> None:
    """``history.xlsx`` without the year's published results and components."""
    book = openpyxl.load_workbook(inputs / "history.xlsx")
    for sheet in book.worksheets:
        for row in range(sheet.max_row, 1, -1):
            if sheet.cell(row, 1).value == YEAR:
                sheet.delete_rows(row)
    book.save(inputs / "history.xlsx")


def _night(inputs: Path, outputs: Path) -> dict[str, object]:
    criteria = pipeline.load_criteria(inputs, YEAR, outputs)
    history, history_problems = pipeline.load_history(inputs)
    cache = ReadCache.for_year(outputs, criteria, YEAR)
    ingested = ingest_year(inputs, YEAR, criteria, time.time(), cache=cache)
    previous = pipeline.previous_year(inputs, YEAR, time.time(), outputs)
    result = pipeline.build_result(
        criteria, ingested, previous.result, history, history_problems
    )
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())
    summary = json.loads(
        (outputs / str(YEAR) / f"summary-{YEAR}.json").read_text("utf-8")
    )
    assert headline_sentence(result.analysis.headline) == summary["headline"]["text"]
    return dict(summary)


def test_a_year_with_nothing_scored_is_not_a_total_of_zero_nor_a_fall(
    inputs: Path, tmp_path: Path
) -> None:
    _unusable_year(inputs)
    _without_published_year(inputs)
    summary = _night(inputs, tmp_path / "outputs")
    assert summary["status"] == "provisional"
    assert summary["previous"] == {"year": 2022, "total": 72.1, "delta": None}
    assert summary["headline"] == {
        "total": None,
        "source": "computed",
        "computed_total": None,
        "previous_year": 2022,
        "previous_total": 72.1,
        "delta": None,
        "figure": "chưa có điểm (chưa có tiêu chí nào được chấm từ bài nộp dùng được)",
        "change": "chưa so sánh được với năm 2022 (72,1 điểm)",
        "text": "Năm 2023, Chỉ số cải cách hành chính chưa có điểm (chưa có "
        "tiêu chí nào được chấm từ bài nộp dùng được), chưa so sánh được với "
        "năm 2022 (72,1 điểm).",
    }
    components = summary["components"]
    assert isinstance(components, list)
    # last year's components are there, none compared
    assert len(components) == 8
    assert all(c["previous"] is not None for c in components)
    assert {(c["score"], c["delta"], c["trend"]) for c in components} == {
        (None, None, None)
    }


def test_a_published_year_with_nothing_scored_quotes_the_published_figure(
    inputs: Path, tmp_path: Path
) -> None:
    """The province's figure stands and is compared with last year's; nothing is
    computed to set beside it, and the reconciliation says so."""
    _unusable_year(inputs)
    summary = _night(inputs, tmp_path / "outputs")
    assert summary["previous"] == {"year": 2022, "total": 72.1, "delta": None}
    headline = summary["headline"]
    assert isinstance(headline, dict)
    assert (headline["total"], headline["computed_total"], headline["delta"]) == (
        79.27,
        None,
        7.17,
    )
    assert headline["figure"] == (
        "79,27 điểm (số công bố; chưa có tiêu chí nào được chấm từ bài nộp dùng được)"
    )
    notes = {r["figure"]: r["note"] for r in summary["reconciliation"]}  # type: ignore[attr-defined]
    assert set(notes.values()) == {
        "Chưa có tiêu chí nào được chấm từ bài nộp dùng được: chưa có số tính "
        "từ các tiêu chí để đối chiếu."
    }
    assert "total" in notes and "component 1" in notes


def test_a_component_nothing_of_which_is_scored_is_not_compared(
    inputs: Path, tmp_path: Path
) -> None:
    """Only Nội vụ's file set aside: the components it alone scores have no figure
    and are not compared; the others are, and the total (provisional, the
    missing criteria counted 0, README) is still compared."""
    (inputs / str(YEAR) / "phong-noi-vu.xlsx").write_bytes(b"not a workbook")
    _without_published_year(inputs)
    summary = _night(inputs, tmp_path / "outputs")
    components = summary["components"]
    assert isinstance(components, list)
    unscored = [c["code"] for c in components if c["score"] is None]
    assert unscored  # Nội vụ alone scores whole components
    for component in components:
        if component["score"] is None:
            assert (component["delta"], component["trend"]) == (None, None)
        else:
            assert component["delta"] is not None
    previous = summary["previous"]
    assert isinstance(previous, dict) and previous["delta"] is not None


def test_the_status_page_gives_no_total_for_a_year_with_nothing_scored(
    inputs: Path, tmp_path: Path, sample_inputs: Path
) -> None:
    """``TRANG-THAI.txt`` of a night with nothing new reads the last summary: it
    gives no total for a year none of whose criteria is scored, and the one
    computed otherwise."""
    _unusable_year(inputs)
    _without_published_year(inputs)
    unscored = _night(inputs, tmp_path / "unscored")
    assert run_record.summary_score(unscored) is None
    scored = _night(sample_inputs, tmp_path / "scored")
    assert run_record.summary_score(scored) == 79.24

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
import re
import time
from pathlib import Path

import openpyxl

from parindex import pipeline, run_record
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import ingest_year
from parindex.publish.manifest import last_run
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
    # the criteria not scored count 0, and where a change is quoted it says so
    headline = summary["headline"]
    assert isinstance(headline, dict)
    assert headline["change"] == (
        "giảm 19,65 điểm so với năm 2022 (72,1 điểm); năm 2023 còn 23/74 tiêu chí "
        "chưa có điểm (tính 0 điểm)"
    )
    assert (
        "Năm 2023, chỉ số thành phần Công tác chỉ đạo điều hành cải cách hành chính "
        "đạt 2/13,5 điểm, bằng 14,81 %, giảm 5,36 điểm so với năm 2022 (7,36 điểm); "
        "còn 7/13 tiêu chí chưa có điểm (tính 0 điểm)."
    ) in _markdown(tmp_path / "outputs")
    lines = _markdown(tmp_path / "outputs")
    assert any(
        line.endswith(
            " Chưa có điểm, tính 0 điểm: 7/13 tiêu chí của Công tác chỉ đạo điều "
            "hành cải cách hành chính; 3/14 tiêu chí của Tác động của cải cách hành "
            "chính."
        )
        for line in lines
    )
    assert (
        "- Điểm điều tra xã hội học: năm 2023 đạt 7,1/20 điểm (35,5 %), giảm 8,4 "
        "điểm so với năm 2022 (15,5 điểm); còn 3/6 tiêu chí chưa có điểm (tính 0 "
        "điểm)."
    ) in lines


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


def _markdown(outputs: Path) -> list[str]:
    return (outputs / str(YEAR) / f"summary-{YEAR}.md").read_text("utf-8").splitlines()


def test_groups_and_departments_with_nothing_scored_have_no_figure(
    inputs: Path, tmp_path: Path
) -> None:
    """Found by the blind re-check: the report's score groups said "đạt 0/20
    điểm (0 %), giảm 15,5 điểm", every department "đạt 0/32,5 điểm, bằng 0 %",
    and a department's own workbook a change of −1,5 points lost."""
    _unusable_year(inputs)
    _without_published_year(inputs)
    outputs = tmp_path / "outputs"
    summary = _night(inputs, outputs)
    departments = summary["departments"]
    assert isinstance(departments, list)
    assert {(d["score"], d["percent"]) for d in departments} == {(None, None)}
    lines = _markdown(outputs)
    assert "| Điều tra XHH | chưa có điểm |" in lines
    assert (
        "- Điểm điều tra xã hội học: năm 2023 chưa có điểm (chưa có tiêu chí nào "
        "được chấm từ bài nộp dùng được), chưa so sánh được với năm 2022 (15,5 "
        "điểm)."
    ) in lines
    assert (
        "Năm 2023, chỉ số thuộc các lĩnh vực phụ trách của Phòng Nội vụ chưa có "
        "điểm (chưa có tiêu chí nào được chấm từ bài nộp dùng được)."
    ) in lines
    assert not [
        line for line in lines if re.search(r"giảm \d|\b0 %|Không có tiêu", line)
    ]
    assert (
        "Chưa có tiêu chí nào được chấm từ bài nộp dùng được nên chưa so sánh được "
        "với năm 2022."
    ) in lines
    book = openpyxl.load_workbook(outputs / str(YEAR) / "departments" / "NV-2023.xlsx")
    overview = {
        row[0]: row[1:]
        for row in book.worksheets[0].iter_rows(min_row=8, values_only=True)
        if row[0]
    }
    # this year, last year, the change: nothing where nothing is scored
    assert overview["Điểm đạt"][0] is None and overview["Điểm đạt"][2] is None
    assert overview["Điểm bị trừ"][0] is None and overview["Điểm bị trừ"][2] is None
    assert overview["Tỷ lệ đạt (%)"][0] is None
    # nor "not deducted": counts of deductions as none, against last year's
    assert overview["Số tiêu chí bị trừ điểm"][0] is None
    assert overview["Số tiêu chí bị trừ điểm"][2] is None
    assert overview["Số tiêu chí đã chấm"][0] == 0
    assert {d["lost"] for d in departments} == {None}
    scorecard = openpyxl.load_workbook(outputs / str(YEAR) / f"scorecard-{YEAR}.xlsx")
    texts = {
        str(cell.value)
        for sheet in scorecard.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    assert "Không có tiêu chí nào bị trừ điểm." not in texts
    assert "Không có tiêu chí nào có điểm thẩm định thấp hơn điểm tự đánh giá." not in (
        texts
    )
    # per department, nothing lost nor cut where nothing is scored: blank, not 0
    for name in ("Mất điểm", "Tự chấm và thẩm định"):
        nv = next(
            row
            for row in scorecard[name].iter_rows(values_only=True)
            if row and row[1] == "NV"
        )
        assert [v for v in nv[3:] if v is not None] == [], (name, nv)
    everything = next(
        row
        for row in scorecard["Mất điểm"].iter_rows(values_only=True)
        if row and row[2] == "Toàn bộ (tiêu chí dùng chung tính một lần)"
    )
    assert [v for v in everything[3:] if v is not None] == [], everything
    assert "Không đơn vị nào bị trừ điểm." not in lines
    # the year is in the table of years, with its status and coverage, no figure
    overview_sheet = scorecard["Tổng hợp"]
    year_rows = [
        row
        for row in overview_sheet.iter_rows(values_only=True)
        if row and row[0] == YEAR
    ]
    assert len(year_rows) == 1
    assert "Tạm tính" in year_rows[0] and "0/74" in year_rows[0]
    assert not [v for v in year_rows[0][2:7] if v is not None], year_rows[0]


def test_a_component_unscored_this_year_is_not_said_to_lack_last_year(
    inputs: Path, tmp_path: Path
) -> None:
    """Tài chính - Kế hoạch's file set aside: component 6, which it alone scores,
    has no score this year; the report's heading said it had none last year."""
    (inputs / str(YEAR) / "phong-tai-chinh-ke-hoach.xlsx").write_bytes(b"not a book")
    _without_published_year(inputs)
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    lines = _markdown(outputs)
    headings = [line for line in lines if line.startswith("### ")]
    assert any(
        "Chỉ số thành phần chưa có điểm năm nay (01 chỉ số thành phần)" in h
        for h in headings
    ), headings
    assert not [line for line in lines if "chưa có điểm năm trước" in line]


def test_the_published_figures_are_not_set_beside_a_computed_zero(
    inputs: Path, tmp_path: Path
) -> None:
    _unusable_year(inputs)
    outputs = tmp_path / "outputs"
    summary = _night(inputs, outputs)
    rows = summary["reconciliation"]
    assert isinstance(rows, list)
    assert {(r["computed"], r["difference"]) for r in rows} == {(None, None)}
    book = openpyxl.load_workbook(outputs / str(YEAR) / f"scorecard-{YEAR}.xlsx")
    sheet = book["Đối chiếu"]
    assert sheet["A3"].value == (
        "Đối chiếu 13 chỉ tiêu công bố năm 2023: chưa có tiêu chí nào được chấm "
        "từ bài nộp dùng được, chưa có số tính để đối chiếu."
    )


def test_the_change_list_says_a_year_had_no_score(
    inputs: Path, tmp_path: Path, sample_inputs: Path
) -> None:
    """Said "Tổng điểm: 0 → 79,24" when the files were fixed."""
    _unusable_year(inputs)
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    for path in (sample_inputs / str(YEAR)).glob("*.xlsx"):
        (inputs / str(YEAR) / path.name).write_bytes(path.read_bytes())
    _night(inputs, outputs)
    document = last_run(outputs / str(YEAR))
    assert document is not None
    assert "Tổng điểm: chưa có điểm → 79,24." in document["changes"]


def test_a_published_figure_beside_one_with_criteria_unscored_says_why(
    inputs: Path, tmp_path: Path
) -> None:
    """Tư pháp's file set aside in a published year: the reconciliation called
    the gaps "chưa giải thích được: cần đối chiếu với quyết định công bố", sending
    the office to the province's decision for what its own missing file made
    (blind re-check of round 20)."""
    (inputs / str(YEAR) / "phong-tu-phap.xlsx").write_bytes(b"not a workbook")
    summary = _night(inputs, tmp_path / "outputs")
    rows = summary["reconciliation"]
    assert isinstance(rows, list)
    notes = {r["figure"]: r["note"] for r in rows}
    assert notes["total"].startswith("Còn ")
    assert notes["total"].endswith(
        " tiêu chí chưa có điểm (tính 0 điểm): chênh lệch có thể do các tiêu chí "
        "này; đối chiếu lại khi đủ bài nộp."
    )
    assert (
        "Chênh lệch chưa giải thích được: cần đối chiếu với quyết định công bố."
        not in (notes.values())
    )


def test_the_change_list_says_when_the_new_total_counts_criteria_unscored(
    inputs: Path, tmp_path: Path
) -> None:
    """Tư pháp's file set aside on the second night: "Tổng điểm: 79,24 → 71,19."
    did not say that its criteria count 0 (blind re-check of round 20)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    (inputs / str(YEAR) / "phong-tu-phap.xlsx").write_bytes(b"not a workbook")
    summary = _night(inputs, outputs)
    missing = summary["missing"]
    assert isinstance(missing, list) and missing
    document = last_run(outputs / str(YEAR))
    assert document is not None
    total_lines = [c for c in document["changes"] if c.startswith("Tổng điểm:")]
    assert total_lines == [
        f"Tổng điểm: 79,24 → {summary['total']:.2f}".replace(".", ",")
        + f" (năm 2023 còn {len(missing)} tiêu chí chưa có điểm, tính 0 điểm)."
    ]

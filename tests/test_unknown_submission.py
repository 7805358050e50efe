"""A department whose folder could not be read is not said to have sent nothing:
the problem list says "Chưa biết đơn vị … đã nộp … hay chưa", and so do the
summaries of who submitted (``TRANG-THAI.txt``'s headline and lists, after a
completed run, a night with nothing new and a failed one; the Markdown summary;
``--json``'s ``missing_departments``/``unknown_departments``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from parindex import pipeline
from parindex import run_record as record
from parindex.render.markdown import markdown_summary
from parindex.render.summary import summary
from tests.ingest.test_unreadable_folders import (  # noqa: F401 - a fixture
    _deny_listing,
    tp_in_its_folder,
)

UNKNOWN_TP = [
    "Đơn vị chưa rõ đã nộp hay chưa (thư mục không đọc được) (1/6):",
    "  - TP: Phòng Tư pháp",
]


def _result(inputs: Path) -> tuple[pipeline.Ingested, pipeline.AnalysedResult]:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return ingested, pipeline.build_result(
        criteria, ingested, None, history, history_problems
    )


def test_an_unreadable_department_folder_is_unknown_not_missing(
    tp_in_its_folder: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _deny_listing(monkeypatch, tp_in_its_folder / "2023" / "TP")
    ingested, result = _result(tp_in_its_folder)
    found = record.verdict(result)
    assert found.missing == []
    assert found.unknown == [("TP", "Phòng Tư pháp")]
    assert not found.clean
    assert found.headline == (
        "HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; 1 đơn vị chưa rõ đã nộp hay chưa (TP)"
    )
    page = record.status_text_completed(
        year=2023,
        run_at=0.0,
        flow_run=None,
        result=result,
        found=found,
        changes=[],
        manifest=None,
    ).splitlines()
    start = page.index("Đơn vị đã nộp (5/6):")
    assert page[start + 6 : start + 10] == [
        "Đơn vị chưa nộp (0/6):",
        "  (không có)",
        *UNKNOWN_TP,
    ]
    # a night with nothing new reads the same from the summary JSON
    from_summary = record.verdict_of_summary(summary(result))
    assert (from_summary.missing, from_summary.unknown) == ([], found.unknown)
    # the Markdown summary (and the Prefect artifact)
    markdown = markdown_summary(result)
    assert "\n- Chưa nộp (0): không còn đơn vị nào\n" in markdown
    assert "\n- Chưa rõ đã nộp hay chưa (1): Phòng Tư pháp\n" in markdown

    # a failed night names the departments of the last complete run the same way
    outputs = tmp_path / "outputs"
    written = pipeline.publish_outputs(
        result, ingested, tp_in_its_folder, outputs, run_at=time.time()
    )
    last = record.last_completed(outputs / "2023" / "runs")
    assert last is not None and last[0] == written.manifest
    failed = record.status_text_failed(
        year=2023,
        record={"state": "failed", "error": "x", "run_at": None},
        last=last,
        departments=[(d.code, d.name) for d in result.current.criteria_set.departments],
    ).splitlines()
    assert failed[-4:] == ["Đơn vị chưa nộp (0/6):", "  (không có)", *UNKNOWN_TP]


def test_a_folder_naming_no_department_leaves_every_missing_one_unknown(
    tp_in_its_folder: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renamed = tp_in_its_folder / "2023" / "ho so nop muon"
    (tp_in_its_folder / "2023" / "TP").rename(renamed)
    (tp_in_its_folder / "2023" / "phong-noi-vu.xlsx").unlink()
    _deny_listing(monkeypatch, renamed)
    _, result = _result(tp_in_its_folder)
    found = record.verdict(result)
    assert found.missing == []
    assert found.unknown == [("NV", "Phòng Nội vụ"), ("TP", "Phòng Tư pháp")]


def test_a_department_that_sent_nothing_is_still_missing(
    tp_in_its_folder: Path,  # noqa: F811
) -> None:
    (tp_in_its_folder / "2023" / "TP" / "phong-tu-phap.xlsx").unlink()
    _, result = _result(tp_in_its_folder)
    found = record.verdict(result)
    assert (found.missing, found.unknown) == ([("TP", "Phòng Tư pháp")], [])
    assert json.dumps(found.headline, ensure_ascii=False) == (
        '"HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 1 cảnh báo; 1 đơn vị chưa nộp (TP)"'
    )

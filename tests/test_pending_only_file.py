"""A department whose only file is still being written (modified within the settle
time) is not said not to have submitted (blind round 17, P4: "chưa nộp", while the
file waits for the next run)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import polars as pl

from parindex import pipeline


def _copy_aged(sample_inputs: Path, inputs: Path) -> None:
    """The sample, its files two hours old (a fresh checkout's are minutes old:
    within the settle time)."""
    shutil.copytree(sample_inputs, inputs)
    old = time.time() - 7200
    for path in inputs.rglob("*"):
        os.utime(path, (old, old))


def test_a_department_whose_only_file_waits_is_said_so(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    _copy_aged(sample_inputs, inputs)
    now = time.time()
    form = inputs / "2023" / "phong-tu-phap.xlsx"
    os.utime(form, (now - 5, now - 5))  # saved five seconds ago
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now, settle_seconds=60)
    statuses = dict(ingested.submissions.select("file", "status").iter_rows())
    assert statuses["2023/phong-tu-phap.xlsx"] == "pending"
    about_tp = ingested.problems.filter(pl.col("department") == "TP")[
        "message"
    ].to_list()
    assert about_tp == [
        "Chưa có tệp chấm điểm năm 2023 nào của đơn vị Phòng Tư pháp dùng được lần "
        "này: có tệp vừa được sửa, có thể đang được ghi, để lại cho lần chạy sau "
        "(“2023/phong-tu-phap.xlsx”); tệp của đơn vị có thể là tệp đó."
    ]


def test_a_department_whose_only_file_waits_leaves_the_night_incomplete(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Blind round 17, second round, R2: the department was listed among those
    that submitted and the night was clean ("đủ bài nộp"; a province unit
    ``clean``), though its scores were not in the figures: the total dropped
    with nothing said but the warning. Now it waits, in the verdict (not
    clean), the headline, the status page (completed, a night with nothing new)
    and the Markdown summary."""
    from parindex import run_record as record
    from parindex.render.markdown import markdown_summary
    from parindex.render.summary import summary

    inputs = tmp_path / "inputs"
    _copy_aged(sample_inputs, inputs)
    now = time.time()
    form = inputs / "2023" / "phong-tu-phap.xlsx"
    os.utime(form, (now - 5, now - 5))
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now, settle_seconds=60)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    found = record.verdict(result)
    assert found.waiting == [("TP", "Phòng Tư pháp")]
    assert (found.missing, found.unknown, found.unusable) == ([], [], [])
    assert ("TP", "Phòng Tư pháp") not in found.submitted
    assert not found.clean
    assert found.headline == (
        "HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 1 cảnh báo; 1 đơn vị có tệp chờ lần chạy "
        "sau (TP)"
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
    waiting = [
        "Đơn vị có tệp đang được ghi, chờ lần chạy sau (điểm chưa được tính "
        "lần này) (1/6):",
        "  - TP: Phòng Tư pháp",
    ]
    start = page.index("Đơn vị đã nộp (5/6):")
    assert page[start + 6 : start + 10] == [
        "Đơn vị chưa nộp (0/6):",
        "  (không có)",
        *waiting,
    ]
    from_summary = record.verdict_of_summary(summary(result))
    assert (from_summary.waiting, from_summary.clean) == (found.waiting, False)
    markdown = markdown_summary(result)
    assert "\n- Đã nộp (5/6): " in markdown
    assert "\n- Có tệp chờ lần chạy sau (1): Phòng Tư pháp\n" in markdown


def test_the_report_says_whose_scores_are_not_counted_on_a_waiting_night(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Blind round 18, F2: on the night Phòng Tư pháp's file waited, the report
    and the Markdown summary gave its criteria as 0 with "một số tiêu chí chưa
    có điểm thẩm định" as the only reason. The provisional sentence now says
    whose scores are not counted, and why."""
    from parindex.render.markdown import markdown_summary
    from parindex.render.prose import headline_sentences

    inputs = tmp_path / "inputs"
    _copy_aged(sample_inputs, inputs)
    now = time.time()
    os.utime(inputs / "2023" / "phong-tu-phap.xlsx", (now - 5, now - 5))
    (inputs / "2023" / "phong-noi-vu.xlsx").unlink()
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now, settle_seconds=60)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    scored, leaves = result.current.coverage
    said = (
        f"Số liệu năm 2023 còn tạm tính: đã có điểm {scored}/{leaves} tiêu chí; "
        "chưa tính điểm của Phòng Nội vụ (chưa nộp bài) và Phòng Tư pháp (tệp vừa "
        "được sửa lúc chạy, để lại cho lần chạy sau)."
    )
    assert headline_sentences(result)[-1] == said
    assert said in markdown_summary(result)


def test_a_newer_file_of_a_department_that_waits_is_said_and_not_clean(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Blind round 18b, S4: a corrected copy saved under a new name seconds
    before the run, the old file still there: the night was clean and final
    with the old figures, the new file named in the changes only."""
    from parindex import run_record as record
    from parindex.render.markdown import markdown_summary

    inputs = tmp_path / "inputs"
    _copy_aged(sample_inputs, inputs)
    now = time.time()
    old = inputs / "2023" / "phong-tu-phap.xlsx"
    os.utime(old, (now - 3600, now - 3600))
    copy = inputs / "2023" / "phong-tu-phap (sua).xlsx"
    shutil.copy(old, copy)
    os.utime(copy, (now - 5, now - 5))
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now, settle_seconds=60)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    found = record.verdict(result)
    assert found.newer == [("TP", "Phòng Tư pháp")]
    assert ("TP", "Phòng Tư pháp") in found.submitted
    assert not found.clean
    assert found.label == "Hoàn thành, có tệp chờ lần sau"
    assert found.headline.endswith(
        "1 đơn vị có tệp mới chờ lần chạy sau, lần này dùng tệp trước (TP)"
    )
    about_tp = ingested.problems.filter(pl.col("department") == "TP")["message"]
    assert about_tp.to_list() == [
        "Đơn vị Phòng Tư pháp có tệp vừa được sửa, có thể đang được ghi, để lại "
        "cho lần chạy sau (“2023/phong-tu-phap (sua).xlsx”): lần này vẫn dùng tệp "
        "trước của đơn vị, số liệu của đơn vị có thể đổi ở lần chạy sau."
    ]
    assert "\n- Có tệp mới chờ lần chạy sau (1): Phòng Tư pháp\n" in (
        markdown_summary(result)
    )

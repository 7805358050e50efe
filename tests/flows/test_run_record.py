"""Every run leaves a true record on disk (issue 11, item 4): failed and crashed runs
too, ``TRANG-THAI.txt``, and a completed run with problems that does not look clean."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record
from parindex.timefmt import OFFICE_TIMEZONE


@pytest.fixture()
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(sample_inputs, copy)
    return copy


def _records(outputs: Path, year: int) -> list[dict[str, object]]:
    return [doc for _, doc in record.read_records(outputs / str(year) / "runs")]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_failed_run_leaves_its_record_and_the_status_page(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    """What was seen: a failed night wrote nothing to disk; the newest manifest
    still showed the last success."""
    from flows.consolidate import consolidate_flow

    outputs = tmp_path / "outputs"
    consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    # the criteria set is replaced by a broken one: the next run fails
    criteria = next((inputs / "criteria").glob("*.xlsx"))
    criteria.write_bytes(b"not a workbook")
    state = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
    )
    assert state.is_failed()
    records = _records(outputs, 2023)
    assert [record.state_of(r) for r in records] == ["completed", "failed"]
    failed = records[-1]
    assert failed["error"] == str(state.result(raise_on_failure=False))
    assert str(failed["error"]).startswith(
        messages.CRITERIA_UNUSABLE.format(file=criteria.name)
    )
    assert failed["flow_run_id"] == str(state.state_details.flow_run_id)
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    lines = status.splitlines()
    assert lines[0] == "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC NĂM 2023"
    assert lines[3].startswith("Lần chạy gần nhất: ")
    assert f"\nKết quả: THẤT BẠI: {failed['error']}\n" in status
    assert "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất" in status
    assert "tổng điểm 79,24; 0 lỗi, 0 cảnh báo" in status
    # no usable criteria set: the departments are not listed, not guessed


def test_a_run_missing_a_department_is_not_shown_as_clean(
    prefect_harness: None,
    inputs: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What was seen: a run with a missing department showed green, INFO logs only."""
    from prefect.artifacts import Artifact

    from flows.consolidate import consolidate_flow

    (inputs / "2023" / "phong-tu-phap.xlsx").unlink()
    outputs = tmp_path / "outputs"
    with caplog.at_level(logging.WARNING):
        state = consolidate_flow(
            inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
        )
    assert state.is_completed()
    assert state.name == "Hoàn thành, thiếu đơn vị"
    outcome = state.result()
    assert outcome["missing_departments"] == ["TP"]
    assert outcome["result"] == "Hoàn thành, thiếu đơn vị"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 1 cảnh báo" in w for w in warnings)
    assert any(w.endswith("; tổng điểm 71,19 (tạm tính), 5 tệp") for w in warnings)
    assert any(w.startswith("Đơn vị Phòng Tư pháp chưa nộp") for w in warnings)
    markdown = Artifact.get("parindex-2023-summary")
    assert markdown is not None and isinstance(markdown.data, str)
    assert markdown.data.startswith(
        "**Kết quả: HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 1 cảnh báo; "
        "1 đơn vị chưa nộp (TP)**"
    )
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert "Đơn vị đã nộp (5/6):" in status
    assert "Đơn vị chưa nộp (1/6):\n  - TP: Phòng Tư pháp\n" in status
    assert "Tổng điểm: " in status
    assert not list((outputs / "2023" / "runs").glob(".running-*"))

    # the next night, nothing new: still not clean, in the state, the outcome
    # (``--json``) and the log, as the night that found it
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = consolidate_flow(
            inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
        )
    assert again.name == "Hoàn thành, thiếu đơn vị"
    repeated = again.result()
    assert json.loads(Path(repeated["manifest"]).read_text("utf-8"))["repeated"]
    assert repeated["missing_departments"] == ["TP"]
    assert repeated["result"] == "Hoàn thành, thiếu đơn vị"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 1 cảnh báo" in w for w in warnings)
    # the same figure, status and count as the night that found it (it had no
    # status and no count: blind round 21b, finding 6)
    assert any(w.endswith("; tổng điểm 71,19 (tạm tính), 5 tệp") for w in warnings)


def test_a_clean_run_is_completed_and_says_so(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate_flow

    outputs = tmp_path / "outputs"
    state = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
    )
    assert (state.type.value, state.name) == ("COMPLETED", "Completed")
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert status[4] == "Kết quả: HOÀN THÀNH: 0 lỗi, 0 cảnh báo"
    assert status[6] == "Tổng điểm: 79,24 (chính thức)"
    assert "Đơn vị chưa nộp (0/6):" in status


def test_a_night_with_nothing_new_rewrites_the_status_page(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    """The page says tonight's run happened (not last night's), with its own
    record, and that nothing changed; the figures and lists stay."""
    from flows.consolidate import consolidate_flow

    outputs = tmp_path / "outputs"
    consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    page = outputs / "2023" / "TRANG-THAI.txt"
    first = page.read_text("utf-8").splitlines()
    again = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    second = page.read_text("utf-8").splitlines()
    manifest = Path(again["manifest"])
    document = json.loads(manifest.read_text("utf-8"))
    assert document["repeated"] is True
    when = dt.datetime.fromisoformat(document["run_at"]).astimezone(OFFICE_TIMEZONE)
    assert second[3] == f"Lần chạy gần nhất: {when:%d/%m/%Y %H:%M:%S}"
    assert second[4] == "Kết quả: HOÀN THÀNH: 0 lỗi, 0 cảnh báo"
    assert second[5] != first[5] and second[5].startswith("Lần chạy Prefect: ")
    assert second[6] == "Tổng điểm: 79,24 (chính thức)"
    assert second[7] == f"Biên bản lần chạy: runs/{manifest.name}"
    assert second[7] != first[7]
    changes = second.index("Thay đổi so với lần chạy trước:")
    assert second[changes + 1 :] == [
        "  - Không có bài nộp mới hay thay đổi nào so với lần chạy trước: giữ "
        "nguyên kết quả."
    ]
    assert second[8:changes] == first[8 : first.index(second[changes])]

    page.unlink()  # deleted by someone: tonight's page is written from the record
    third = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    lines = page.read_text("utf-8").splitlines()
    assert lines[4] == "Kết quả: HOÀN THÀNH: 0 lỗi, 0 cảnh báo"
    assert lines[6] == "Tổng điểm: 79,24 (chính thức)"
    assert lines[7] == f"Biên bản lần chạy: runs/{Path(third['manifest']).name}"
    assert lines[-1].endswith("giữ nguyên kết quả.")


def test_a_run_killed_without_a_word_is_recorded_as_crashed_by_the_next(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    """What was seen: the killed flow run stayed ``Running`` forever. Its process
    left a marker; the next run finds the process gone, sets the flow run
    ``Crashed``, records it and says so."""
    from prefect import get_client
    from prefect.states import Running

    from flows.consolidate import consolidate_flow

    outputs = tmp_path / "outputs"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(consolidate_flow, state=Running())
    marker = outputs / "2023" / "runs" / f".running-{flow_run.id}.json"
    marker.parent.mkdir(parents=True)
    marker.write_text(
        json.dumps(
            {
                "flow_run_id": str(flow_run.id),
                "flow_run_name": flow_run.name,
                "year": 2023,
                "pid": _dead_pid(),
                "host": __import__("socket").gethostname(),
                "process_start": None,
                "started_at": "2026-12-02T01:00:00+07:00",
            }
        )
    )
    outcome = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    with get_client(sync_client=True) as client:
        after = client.read_flow_run(flow_run.id)
    assert after.state is not None and after.state.type.value == "CRASHED"
    records = _records(outputs, 2023)
    assert [record.state_of(r) for r in records] == ["crashed", "completed"]
    assert records[0]["flow_run_id"] == str(flow_run.id)
    assert not marker.exists()
    since = outcome["since_last_complete"]
    assert len(since) == 1 and f"Bị gián đoạn ({flow_run.name}, runs/" in since[0]
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert "Đã phát hiện và ghi nhận:\n  - " in status
    assert since[0] in status


def test_a_live_marker_is_left_alone(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    record.mark_running(outputs, 2023, "abc", "name", 0.0)
    assert record.stale_markers(outputs) == []
    marker = outputs / "2023" / "runs" / ".running-abc.json"
    document = json.loads(marker.read_text())
    document["pid"] = _dead_pid()
    marker.write_text(json.dumps(document))
    assert [m["flow_run_id"] for m in record.stale_markers(outputs)] == ["abc"]
    # a marker is not a record of a run
    assert record.read_records(outputs / "2023" / "runs") == []
    assert record.last_completed(outputs / "2023" / "runs") is None


@pytest.mark.parametrize(
    ("errors", "missing", "headline"),
    [
        (0, [], "HOÀN THÀNH: 0 lỗi, 2 cảnh báo"),
        (3, [], "HOÀN THÀNH, CÓ LỖI: 3 lỗi, 2 cảnh báo"),
        (
            0,
            [("CQ", "Các cơ quan")],
            "HOÀN THÀNH, THIẾU ĐƠN VỊ: 0 lỗi, 2 cảnh báo; 1 đơn vị chưa nộp (CQ)",
        ),
        (
            1,
            [("CQ", "Các cơ quan"), ("TP", "Phòng Tư pháp")],
            "HOÀN THÀNH, CÓ LỖI VÀ THIẾU ĐƠN VỊ: 1 lỗi, 2 cảnh báo; "
            "2 đơn vị chưa nộp (CQ, TP)",
        ),
    ],
)
def test_the_headline_tells_a_clean_run_from_one_with_problems(
    errors: int, missing: list[tuple[str, str]], headline: str
) -> None:
    found = record.Verdict(errors=errors, warnings=2, submitted=[], missing=missing)
    assert found.headline == headline
    assert found.clean is (errors == 0 and not missing)


def test_a_signal_prefect_turned_into_another_error_is_recorded_as_the_signal(
    prefect_harness: None,
    inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the blind set saw (B05): a SIGTERM landing while Prefect created a task
    run raised ``TerminationSignal`` there, and Prefect's own crash handling then
    failed ("ValueError: Task run is not set"): the run ended Failed with exit 1
    and a traceback, its record a failure, not the signal."""
    from prefect.exceptions import TerminationSignal

    import flows.consolidate as flow_module

    def stopped_inside_prefect(*_args: object, **_kwargs: object) -> str:
        try:
            raise TerminationSignal(signal=15)
        except TerminationSignal:
            raise ValueError("Task run is not set")  # noqa: B904 - as Prefect does

    monkeypatch.setattr(flow_module, "fingerprint", stopped_inside_prefect)
    # Prefect sends a crash by SIGTERM on to the handler it found (the command
    # line's, which exits 143): here one that notes it, not pytest's default
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda number, _: received.append(number))
    outputs = tmp_path / "outputs"
    with pytest.raises(TerminationSignal):
        flow_module.consolidate_flow(
            inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
        )
    signal.signal(signal.SIGTERM, previous)
    [crashed] = _records(outputs, 2023)
    assert record.state_of(crashed) == "crashed"
    assert crashed["error"] == messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM")


def test_a_run_killed_after_its_complete_record_is_not_recorded_again_as_crashed(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    """Blind round 18, F5: a night killed (``kill -9``) after its outputs and its
    complete record were written, before its marker went: the next night wrote
    a second, crashed record of it and listed it as interrupted. Its complete
    record stands; Prefect is told it completed."""
    import os

    from prefect import get_client
    from prefect.states import Running

    from flows.consolidate import consolidate_flow
    from parindex import pipeline

    outputs = tmp_path / "outputs"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(consolidate_flow, state=Running())
    runs = outputs / "2023" / "runs"
    runs.mkdir(parents=True)
    marker = runs / f".running-{flow_run.id}.json"
    marker.write_text(
        json.dumps(
            {
                "flow_run_id": str(flow_run.id),
                "flow_run_name": flow_run.name,
                "year": 2023,
                "pid": os.getpid(),  # its manifest is named by it
                "host": __import__("socket").gethostname(),
                "process_start": "another process",  # gone since
                "started_at": "2026-12-02T01:00:00+07:00",
            }
        )
    )
    # the killed night's work, all done: outputs and complete record
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, 0.0)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    import time

    written = pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=time.time()
    )
    (inputs / "2023" / "phong-noi-vu.xlsx").touch()  # the next night has work
    outcome = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    records = record.read_records(runs)
    assert [record.state_of(r) for _, r in records] == ["completed", "completed"]
    assert records[0][0] == written.manifest
    assert records[0][1]["flow_run_id"] == str(flow_run.id)
    assert outcome["since_last_complete"] == []
    assert not marker.exists()
    with get_client(sync_client=True) as client:
        after = client.read_flow_run(flow_run.id)
    assert after.state is not None and after.state.type.value == "COMPLETED"

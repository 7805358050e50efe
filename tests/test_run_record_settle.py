"""Runs whose end Prefect was never told (the server lost mid-run, a process
killed): their records on disk say so (``prefect_unsettled``) until the next
contact with the server settles the flow run (pure part: no Prefect).

What was seen: a ``parindex run`` that lost its Prefect server stayed ``Running``
in the Prefect UI forever; the record on disk was the true one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from parindex import messages
from parindex import run_record as record
from parindex.server import process_start

ERROR = messages.RUN_API_LOST_ERROR.format(url="http://h/api", reason="HTTP 503")


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _as_if_dead(path: Path) -> dict[str, object]:
    """The record as if its process had exited (as ``parindex run`` does right
    after writing it, exit 3)."""
    document = json.loads(path.read_text("utf-8"))
    document["pid"] = _dead_pid()
    path.write_text(json.dumps(document), "utf-8")
    return dict(document)


def test_a_lost_run_is_unsettled_with_its_process_and_host(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-1", "quiet-fox", now - 5)
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    document = json.loads(path.read_text("utf-8"))
    assert document["prefect_unsettled"] is True
    assert document["pid"] == os.getpid()
    assert document["process_start"] == process_start(os.getpid())
    assert document["host"] == socket.gethostname()
    # still alive (this process): never settled from under it
    assert record.unsettled_runs(tmp_path) == []
    _as_if_dead(path)
    [(found, unsettled)] = record.unsettled_runs(tmp_path)
    assert found == path and unsettled["flow_run_id"] == "run-1"


def test_a_run_lost_before_its_flow_run_existed_has_nothing_to_settle(
    tmp_path: Path,
) -> None:
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=time.time())
    document = json.loads(path.read_text("utf-8"))
    assert document["flow_run_id"] is None
    assert "prefect_unsettled" not in document
    assert record.unsettled_runs(tmp_path) == []


def test_the_failure_hooks_record_is_marked_not_doubled(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-2", "calm-owl", now - 5)
    hooked = record.failure_record(
        year=2023,
        state=record.FAILED,
        error="HTTP 503",
        flow_run_id="run-2",
        flow_run_name="calm-owl",
        run_at=now - 1,
    )
    written = record.write_failure_record(tmp_path, hooked, now - 1)
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    assert path == written
    assert len(record.read_records(tmp_path / "2023" / "runs")) == 1
    assert json.loads(path.read_text("utf-8"))["prefect_unsettled"] is True


def test_another_hosts_record_is_never_judged_here(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-3", "far-fox", now - 5)
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    document = _as_if_dead(path)
    document["host"] = "another-host"
    path.write_text(json.dumps(document), "utf-8")
    assert record.unsettled_runs(tmp_path) == []


def test_settling_is_written_once_and_names_the_record(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-4", "slow-elk", now - 5)
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    document = _as_if_dead(path)
    assert record.settle_message(path, document) == (
        "Lần chạy không báo được kết thúc cho máy chủ Prefect; parindex đã ghi nhận "
        f"nó là “Thất bại” trong biên bản {path}: {ERROR}"
    )
    record.mark_settled(path, document, state="Failed", refused=None, now=now + 1)
    after = json.loads(path.read_text("utf-8"))
    assert "prefect_unsettled" not in after
    assert after["prefect_settled"]["state"] == "Failed"
    assert "refused" not in after["prefect_settled"]
    assert after["state"] == "failed" and after["error"] == ERROR  # the run's truth
    assert record.unsettled_runs(tmp_path) == []


def test_a_refusal_is_said_in_the_record(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-5", "odd-yak", now - 5)
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    document = _as_if_dead(path)
    record.mark_settled(path, document, state=None, refused="HTTP 409", now=now)
    after = json.loads(path.read_text("utf-8"))
    assert after["prefect_settled"]["state"] is None
    assert after["prefect_settled"]["refused"] == "HTTP 409"
    assert record.unsettled_runs(tmp_path) == []


def test_a_crash_found_by_the_sweep_is_unsettled_until_prefect_is_told(
    tmp_path: Path,
) -> None:
    record.mark_running(tmp_path, 2023, "run-6", "lost-owl", time.time() - 60)
    marker = tmp_path / "2023" / "runs" / ".running-run-6.json"
    document = json.loads(marker.read_text("utf-8"))
    document["pid"] = _dead_pid()
    marker.write_text(json.dumps(document), "utf-8")
    [stale] = record.stale_markers(tmp_path)
    path = record.record_crash(tmp_path, stale, time.time())
    [(found, crashed)] = record.unsettled_runs(tmp_path)
    assert found == path and crashed["state"] == "crashed"
    assert record.settle_message(path, crashed).startswith(
        "Lần chạy không báo được kết thúc cho máy chủ Prefect; parindex đã ghi nhận "
        f"nó là “Bị gián đoạn” trong biên bản {path}: "
    )


def _rewrite(path: Path, **changes: object) -> None:
    document = json.loads(path.read_text("utf-8"))
    document.update(changes)
    path.write_text(json.dumps(document), "utf-8")


def test_a_launch_marker_is_judged_only_once_its_process_is_gone_on_this_host(
    tmp_path: Path,
) -> None:
    """A night killed before its flow's first line is found by its launch marker:
    never a live process's (the run under way), never another host's."""
    path, tag = record.mark_launching(tmp_path, 2023, 1_700_000_000.0)
    assert path.parent == tmp_path / "2023" / "runs"
    assert path.name == f".launching-{tag.removeprefix('parindex-launch-')}.json"
    marker = json.loads(path.read_text("utf-8"))
    assert marker["tag"] == tag and tag.startswith("parindex-launch-")
    assert (marker["pid"], marker["host"]) == (os.getpid(), socket.gethostname())
    assert marker["process_start"] == process_start(os.getpid())
    assert record.stale_launches(tmp_path) == []  # alive: its run is under way
    assert record.stale_markers(tmp_path) == []  # not a running marker
    assert record.read_records(path.parent) == []  # nor a record
    _rewrite(path, pid=_dead_pid(), host="another-host")
    assert record.stale_launches(tmp_path) == []  # not ours to judge
    _rewrite(path, host=socket.gethostname())
    [stale] = record.stale_launches(tmp_path)
    assert stale["tag"] == tag and stale["marker"] == str(path)
    assert [s["tag"] for s in record.stale_launches(tmp_path, 2023)] == [tag]
    assert record.stale_launches(tmp_path, 2022) == []


def test_a_launch_recorded_already_is_not_recorded_again(tmp_path: Path) -> None:
    now = time.time()
    path, _ = record.mark_launching(tmp_path, 2023, now - 10)
    launch = {**json.loads(path.read_text("utf-8")), "marker": str(path)}
    assert not record.launch_recorded(launch, "run-7")
    lost = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)  # its own
    assert record.launch_recorded(launch, None)  # written by its process since
    assert record.launch_recorded({**launch, "pid": _dead_pid()}, "run-7") is False
    document = json.loads(lost.read_text("utf-8"))
    lost.write_text(json.dumps({**document, "flow_run_id": "run-7"}), "utf-8")
    assert record.launch_recorded({**launch, "pid": _dead_pid()}, "run-7")


def test_a_crashed_launch_names_its_flow_run_and_is_unsettled(tmp_path: Path) -> None:
    path, _ = record.mark_launching(tmp_path, 2023, time.time() - 60)
    _rewrite(path, pid=_dead_pid())
    [launch] = record.stale_launches(tmp_path)
    written = record.record_launch_crash(
        tmp_path, launch, ("run-8", "quiet-fox"), time.time()
    )
    assert not path.exists()
    crashed = json.loads(written.read_text("utf-8"))
    assert crashed["state"] == "crashed"
    assert (crashed["flow_run_id"], crashed["flow_run_name"]) == ("run-8", "quiet-fox")
    assert crashed["error"] == messages.RUN_CRASHED_ERROR.format(
        pid=launch["pid"], started_at=launch["started_at"]
    )
    assert crashed["prefect_unsettled"] is True and crashed["pid"] == launch["pid"]
    assert [p for p, _ in record.unsettled_runs(tmp_path)] == [written]
    # killed before Prefect created its flow run: recorded, nothing to settle
    path, _ = record.mark_launching(tmp_path, 2023, time.time() - 30)
    _rewrite(path, pid=_dead_pid())
    [launch] = record.stale_launches(tmp_path)
    alone = record.record_launch_crash(tmp_path, launch, None, time.time() + 1)
    document = json.loads(alone.read_text("utf-8"))
    assert (document["state"], document["flow_run_id"]) == ("crashed", None)
    assert "prefect_unsettled" not in document


def test_a_run_that_lost_its_server_leaves_no_launch_marker(tmp_path: Path) -> None:
    mine, _ = record.mark_launching(tmp_path, 2023, time.time())
    other, _ = record.mark_launching(tmp_path, 2023, time.time())
    _rewrite(other, pid=_dead_pid())
    record.clear_launches_of_process(tmp_path, 2023)
    assert not mine.exists() and other.exists()


def test_a_night_found_without_its_flow_run_is_listed_without_a_none() -> None:
    """What the blind set saw (B01, B17): a night killed before Prefect named its
    flow run was listed on the next status page as "Bị gián đoạn (None, runs/…)"."""
    from parindex import run_record

    document = {
        "state": "crashed",
        "run_at": "2026-12-02T22:04:34+07:00",
        "flow_run_name": None,
        "error": "đã bị dừng bằng tín hiệu SIGTERM trước khi xong.",
    }
    assert run_record.since_line("20261202T150434Z-1.json", document) == (
        "02/12/2026 22:04:34: Bị gián đoạn (runs/20261202T150434Z-1.json): "
        "đã bị dừng bằng tín hiệu SIGTERM trước khi xong."
    )
    named = {**document, "flow_run_name": "eager-dove", "state": "failed"}
    assert run_record.since_line("x.json", named) == (
        "02/12/2026 22:04:34: Thất bại (eager-dove, runs/x.json): "
        "đã bị dừng bằng tín hiệu SIGTERM trước khi xong."
    )


def test_a_completed_run_untold_is_settled_with_no_error(tmp_path: Path) -> None:
    """Blind round 18, F5: a run killed after its complete record."""
    path = tmp_path / "runs" / "x.json"
    assert record.settle_message(path, {"run_at": None}) == (
        "Lần chạy không báo được kết thúc cho máy chủ Prefect; parindex đã ghi nhận "
        f"nó là “Hoàn thành (tiến trình dừng trước khi báo xong)” trong biên bản {path}"
    )


def test_a_crash_found_later_is_listed_at_the_time_its_run_started() -> None:
    """Blind round 18, F6: a run killed at 20:54 on 04/12, found by the next
    night, was listed at the finder's time (05/12 20:54:54; with the finder's
    clock set back, 02/12, before the crash itself)."""
    from parindex import run_record

    document = {
        "state": "crashed",
        "run_at": "2026-12-05T20:54:54+07:00",  # when the sweep recorded it
        "started_at": "2026-12-04T20:54:15+07:00",
        "flow_run_name": "lost-owl",
        "error": "tiến trình chạy đã dừng đột ngột trước khi xong.",
    }
    assert run_record.since_line("x.json", document) == (
        "04/12/2026 20:54:15: Bị gián đoạn (lost-owl, runs/x.json): "
        "tiến trình chạy đã dừng đột ngột trước khi xong."
    )

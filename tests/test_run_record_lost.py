"""``run_record.record_lost_run``: the run this process started, recorded once as
failed when its Prefect server was lost (pure: no Prefect)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record

ERROR = messages.RUN_API_LOST_ERROR.format(url="http://h/api", reason="HTTP 503")


def test_the_run_under_way_is_recorded_failed_with_its_flow_run(tmp_path: Path) -> None:
    now = time.time()
    record.mark_running(tmp_path, 2023, "run-1", "quiet-fox", now - 5)
    path = record.record_lost_run(
        tmp_path, 2023, error=ERROR, now=now, departments=[("TP", "Phòng Tư pháp")]
    )
    [(found, document)] = record.read_records(tmp_path / "2023" / "runs")
    assert found == path
    assert (document["state"], document["error"]) == ("failed", ERROR)
    assert (document["flow_run_id"], document["flow_run_name"]) == (
        "run-1",
        "quiet-fox",
    )
    assert document["started_at"] is not None
    assert not list((tmp_path / "2023" / "runs").glob(".running-*"))
    status = (tmp_path / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert status[4] == f"Kết quả: THẤT BẠI: {ERROR}"
    assert status[5] == "Lần chạy Prefect: quiet-fox run-1"
    assert status[6] == f"Biên bản lần chạy: runs/{path.name}"
    assert status[8] == messages.STATUS_NO_COMPLETE_RUN


def test_a_run_its_failure_hook_recorded_is_not_recorded_twice(
    tmp_path: Path,
) -> None:
    now = time.time()
    hooked = record.failure_record(
        year=2023,
        state=record.FAILED,
        error="HTTP 503",
        flow_run_id="run-2",
        flow_run_name="calm-owl",
        run_at=now - 1,
    )
    written = record.write_failure_record(tmp_path, hooked, now - 1)  # no marker left
    path = record.record_lost_run(tmp_path, 2023, error=ERROR, now=now)
    assert path == written
    assert len(record.read_records(tmp_path / "2023" / "runs")) == 1
    status = (tmp_path / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert "Kết quả: THẤT BẠI: HTTP 503" in status


def test_a_unit_failure_whose_record_cannot_be_written_still_says_so_on_the_page(
    tmp_path: Path,
) -> None:
    """Blind round 19, A5 (as for a province): ``runs/`` locked, the failure
    left no record and the page still said the last night was HOÀN THÀNH."""
    from parindex.errors import OutputsNotWritable

    outputs = tmp_path / "outputs"
    (outputs / "2023").mkdir(parents=True)
    record.write_status(outputs, 2023, "HOÀN THÀNH (đêm trước)\n")
    document = record.failure_record(
        year=2023,
        state=record.FAILED,
        error="Không ghi được kết quả.",
        flow_run_id="run-1",
        flow_run_name="eager-dove",
        run_at=1.0e9,
    )
    (outputs / "2023" / "runs").write_text("không phải thư mục", "utf-8")
    with pytest.raises(OutputsNotWritable) as raised:
        record.record_failure(outputs, document, 1.0e9)
    page = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert page[4] == "Kết quả: THẤT BẠI: Không ghi được kết quả."
    assert page[6] == "Biên bản lần chạy: " + messages.RECORD_NOT_WRITTEN.format(
        reason=raised.value
    )

"""The province flow and ``parindex run`` on a province folder."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex import messages
from parindex import run_record as record
from parindex.cli import app
from parindex.province.run import run_province
from tests.province.conftest import PROVINCE_INPUTS


@pytest.fixture()
def province_inputs(tmp_path: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(PROVINCE_INPUTS, copy)
    return copy


def test_run_command_on_a_province_folder_is_the_province_run(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """Detected by don-vi.xlsx + units/: every unit mapped through the task runner,
    the same files as the same stages called in this process."""
    outputs, expected = tmp_path / "out", tmp_path / "expected"
    result = CliRunner().invoke(
        app,
        ["run", "--inputs", str(province_inputs), "--outputs", str(outputs), "--json"],
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert (outcome["year"], outcome["units"]) == (2023, 7)
    assert outcome["missing_units"] == ["SYT"]
    run_province(province_inputs, expected, 2023, now=time.time())
    for name in (
        "2023/province-summary-2023.json",
        "units/PT/2023/summary-2023.json",
        "units/STC/2023/summary-2023.json",
    ):
        assert (outputs / name).read_bytes() == (expected / name).read_bytes(), name


def test_province_flow_with_worker_processes(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    from flows.province import province_flow_with_runner

    outputs = tmp_path / "out"
    outcome = province_flow_with_runner("process", workers=2)(
        inputs=str(province_inputs), outputs=str(outputs), year=2022
    )
    assert outcome["missing_units"] == []
    summary = json.loads(
        (outputs / "2022" / "province-summary-2022.json").read_text("utf-8")
    )
    departments = summary["groups"][1]["units"]
    assert [(u["code"], u["rank"], u["total"]) for u in departments] == [
        ("SNV", 1, 93.25),
        ("STP", 2, 91.3),
        ("STC", 3, 91.0),
        ("SYT", 4, 89.5),
    ]


def _page(outputs: Path, year: int) -> list[str]:
    return (outputs / str(year) / "TRANG-THAI.txt").read_text("utf-8").splitlines()


def test_a_province_flow_that_raises_is_failed_recorded_and_said(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """What was seen: a province flow that raised left nothing on disk; the
    newest record still showed the last success, and there was no page."""
    from flows.province import province_flow

    outputs = tmp_path / "out"
    clean = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2022, return_state=True
    )
    assert (clean.type.value, clean.name) == ("COMPLETED", "Completed")
    assert clean.result()["result"] == "Hoàn thành"
    lines = _page(outputs, 2022)
    assert lines[4] == (
        "Kết quả: HOÀN THÀNH: 7 đơn vị: 7 hoàn thành, 0 có lỗi hoặc thiếu bài nộp, "
        "0 không tổng hợp được, 0 chưa nộp"
    )
    flow_run_id = clean.state_details.flow_run_id
    assert lines[5].startswith("Lần chạy Prefect: ")
    assert lines[5].endswith(f" ({flow_run_id})")

    (province_inputs / "don-vi.xlsx").write_bytes(b"not a workbook")
    state = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2022, return_state=True
    )
    assert state.is_failed()
    records = record.read_records(outputs / "2022" / "runs")
    assert [record.state_of(doc) for _, doc in records] == ["completed", "failed"]
    (completed, _), (path, failed) = records
    assert path.name.startswith("province-")
    assert failed["error"] == str(state.result(raise_on_failure=False))
    assert str(failed["error"]).startswith(
        "Danh sách đơn vị “don-vi.xlsx” không dùng được:"
    )
    assert failed["flow_run_id"] == str(state.state_details.flow_run_id)
    page = "\n".join(_page(outputs, 2022))
    assert page.startswith("TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC TOÀN TỈNH NĂM 2022\n")
    assert f"\nKết quả: THẤT BẠI: {failed['error']}\n" in page
    assert f"\nBiên bản lần chạy: runs/{path.name}\n" in page
    assert f"(biên bản runs/{completed.name}).\n" in page
    assert (
        "\nĐơn vị hoàn thành, không lỗi, đủ bài nộp, theo lần hoàn thành đó (7/7):\n"
        in page
    )
    assert page.endswith("Đơn vị chưa nộp, theo lần hoàn thành đó (0/7):\n  (không có)")


def test_a_province_night_stopped_while_publishing_names_the_units_written(
    prefect_harness: None,
    province_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blind round 18b, F2, through the flow: the province's workbook locked
    once the units' own outputs were written; the page said only that the last
    results were intact. It names the units whose outputs tonight replaced."""
    import os

    from flows.province import province_flow

    outputs = tmp_path / "out"
    province_flow(inputs=str(province_inputs), outputs=str(outputs), year=2023)
    (province_inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()
    replace = os.replace
    workbook = outputs / "2023" / "tong-hop-tinh-2023.xlsx"

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target) == workbook:
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", immutable)
    state = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2023, return_state=True
    )
    monkeypatch.undo()
    assert state.is_failed()
    said = messages.PROVINCE_UNITS_PUBLISHED_BEFORE_FAILURE.format(
        count=3, units="PT (units/PT/2023), TD (units/TD/2023), SH (units/SH/2023)"
    )
    [(_, failed)] = [
        (path, doc)
        for path, doc in record.read_records(outputs / "2023" / "runs")
        if record.state_of(doc) == "failed"
    ]
    assert str(failed["error"]).endswith(" " + said), failed["error"]
    assert f"\nKết quả: THẤT BẠI: {failed['error']}\n" in "\n".join(
        _page(outputs, 2023)
    )


def test_a_province_night_with_broken_units_completes_but_not_as_clean(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    from flows.province import province_flow
    from tests.province.test_status import break_units

    break_units(province_inputs)
    outputs = tmp_path / "out"
    state = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2023, return_state=True
    )
    label = (
        "Hoàn thành, có đơn vị không tổng hợp được, có đơn vị có lỗi hoặc thiếu "
        "bài nộp, có đơn vị chưa nộp"
    )
    assert (state.type.value, state.name) == ("COMPLETED", label)
    outcome = state.result()
    assert outcome["result"] == label
    assert outcome["units_by_result"] == {
        "clean": ["PT", "SNV", "STP", "STC"],
        "partial": ["SH"],
        "failed": ["TD"],
        "missing": ["SYT"],
    }
    assert _page(outputs, 2023)[4].startswith(f"Kết quả: {label.upper()}: 7 đơn vị: ")


def test_a_province_night_whose_own_files_have_a_problem_is_not_called_clean(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """Every unit clean, the province's own `don-vi.toml` unreadable: the night
    was "Completed", its headline "HOÀN THÀNH" (blind round 24A). It completes
    under a name of its own, as a night with a unit to follow up does."""
    from flows.province import province_flow

    (province_inputs / "don-vi.toml").write_text("province = Lai Châu\n", "utf-8")
    outputs = tmp_path / "out"
    state = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2022, return_state=True
    )
    label = "Hoàn thành, cần xem các tệp của tỉnh"
    assert (state.type.value, state.name) == ("COMPLETED", label)
    assert state.result()["result"] == label
    lines = _page(outputs, 2022)
    assert lines[4] == (
        "Kết quả: HOÀN THÀNH, CẦN XEM CÁC TỆP CỦA TỈNH: 7 đơn vị: 7 hoàn thành, "
        "0 có lỗi hoặc thiếu bài nộp, 0 không tổng hợp được, 0 chưa nộp"
    )
    own = lines.index("Cần xem ở các tệp của tỉnh:")
    assert lines[own + 1].startswith("  - “don-vi.toml”: Không đọc được tệp thông tin")


def test_a_crashed_province_run_is_recorded_as_crashed(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """The hook Prefect calls when the run's process is stopped (SIGTERM)."""
    from prefect import get_client
    from prefect.states import Crashed, Running

    from flows.province import _record_end, province_flow

    outputs = tmp_path / "out"
    parameters = {"inputs": str(province_inputs), "outputs": str(outputs)}
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(
            province_flow, parameters=parameters, state=Running()
        )
    _record_end(
        province_flow,
        flow_run,
        Crashed(message="Execution was aborted by a termination signal."),
    )
    [(path, document)] = record.read_records(outputs / "2023" / "runs")
    assert path.name.startswith("province-")
    assert (document["state"], document["error"]) == (
        "crashed",
        messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM"),
    )
    assert document["flow_run_id"] == str(flow_run.id)
    lines = _page(outputs, 2023)
    assert lines[4] == f"Kết quả: BỊ GIÁN ĐOẠN: {document['error']}"
    assert lines[5] == f"Lần chạy Prefect: {flow_run.name} {flow_run.id}"
    assert lines[-1] == messages.STATUS_NO_COMPLETE_RUN


def test_a_province_run_killed_without_a_word_is_recorded_by_the_next(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """A province run leaves a running marker: the next run finds its process
    gone, sets its flow run ``Crashed``, records it and says so on the page."""
    import socket
    import subprocess
    import sys

    from prefect import get_client
    from prefect.states import Running

    from flows.province import province_flow

    outputs = tmp_path / "out"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(province_flow, state=Running())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    marker = outputs / "2022" / "runs" / f".running-{flow_run.id}.json"
    marker.parent.mkdir(parents=True)
    marker.write_text(
        json.dumps(
            {
                "flow_run_id": str(flow_run.id),
                "flow_run_name": flow_run.name,
                "year": 2022,
                "pid": dead.pid,
                "host": socket.gethostname(),
                "process_start": None,
                "started_at": "2026-12-02T01:00:00+07:00",
            }
        )
    )
    outcome = province_flow(
        inputs=str(province_inputs), outputs=str(outputs), year=2022
    )
    with get_client(sync_client=True) as client:
        after = client.read_flow_run(flow_run.id)
    assert after.state is not None and after.state.type.value == "CRASHED"
    assert not marker.exists()
    assert not list((outputs / "2022" / "runs").glob(".running-*"))
    from parindex.province.status import province_records

    records = province_records(outputs / "2022" / "runs")
    assert [record.state_of(doc) for _, doc in records] == ["crashed", "completed"]
    since = outcome["since_last_complete"]
    assert len(since) == 1 and f"Bị gián đoạn ({flow_run.name}, runs/" in since[0]
    lines = _page(outputs, 2022)
    found = lines.index("Đã phát hiện và ghi nhận:")
    assert lines[found : found + 2] == ["Đã phát hiện và ghi nhận:", f"  - {since[0]}"]


KILLED_WHILE_PLANNING = """
import os, signal, sys
from parindex.province import run

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

run.plan_province = killed
from flows.province import province_flow
province_flow(inputs=sys.argv[1], outputs=sys.argv[2])
"""


@pytest.mark.slow
def test_a_province_run_killed_before_it_planned_its_year_is_recorded_by_the_next(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """What was seen: a province run wrote its running marker once it had planned
    its year; one killed while planning (as a served run, no command line around
    it) left nothing, and its flow run stayed ``Running``."""
    import os
    import subprocess
    import sys

    from prefect import get_client
    from prefect.settings import PREFECT_API_URL

    from flows.province import province_flow
    from parindex.province.status import province_records

    outputs = tmp_path / "out"
    with get_client(sync_client=True) as client:
        before = {run.id for run in client.read_flow_runs()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_PLANNING]
        + [str(province_inputs), str(outputs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr[-3000:]
    with get_client(sync_client=True) as client:
        [lost] = [run for run in client.read_flow_runs() if run.id not in before]
    assert lost.state is not None and lost.state.type.value == "RUNNING"
    outcome = province_flow(inputs=str(province_inputs), outputs=str(outputs))
    assert outcome["year"] == 2023
    with get_client(sync_client=True) as client:
        after = client.read_flow_run(lost.id)
    assert after.state is not None and after.state.type.value == "CRASHED"
    runs = outputs / "2023" / "runs"
    assert not list(runs.glob(".*.json"))
    records = province_records(runs)
    assert [record.state_of(d) for _, d in records] == ["crashed", "completed"]
    assert records[0][1]["flow_run_id"] == str(lost.id)
    since = outcome["since_last_complete"]
    assert len(since) == 1 and f"Bị gián đoạn ({lost.name}, runs/" in since[0]

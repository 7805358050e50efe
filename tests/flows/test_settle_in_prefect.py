"""A run whose end Prefect was never told is settled at the next contact with the
same server: its flow run set to a final state whose message names the record on
disk; once, never a run still alive, never failing the night when refused.

What was seen: a ``parindex run`` that lost its Prefect server mid-run (exit 3,
its record on disk true) stayed ``Running`` in the Prefect UI forever.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from parindex import messages
from parindex import run_record as record
from tests.flows.conftest import feed_fifo, wait_for
from tests.flows.test_server import BIN, _clean_env, _parindex

API_LOST_EXIT = 3


class Gate:
    """A TCP door in front of the real Prefect server: closed, the server is lost
    to the run (connections refused, those open cut); opened again on the same
    port, the same server with the same database is back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.listener: socket.socket | None = None
        self.open_sockets: set[socket.socket] = set()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        with self.lock:
            for each in self.open_sockets:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                each.close()
            self.open_sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open_sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


@pytest.fixture()
def gate(prefect_harness: None) -> Iterator[Gate]:
    from prefect.settings import PREFECT_API_URL

    api = urlsplit(str(PREFECT_API_URL.value()))
    door = Gate(api.hostname or "127.0.0.1", int(api.port or 80))
    door.open()
    try:
        yield door
    finally:
        door.close()


def _flow_run(flow_run_id: str) -> Any:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(uuid.UUID(flow_run_id))


@pytest.mark.slow
def test_a_run_that_lost_its_server_is_settled_by_the_next_run_once(
    gate: Gate, tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    stuck = tmp_path / "stuck-inputs"
    shutil.copytree(sample_inputs, stuck)
    history = (stuck / "history.xlsx").read_bytes()
    (stuck / "history.xlsx").unlink()
    os.mkfifo(stuck / "history.xlsx")  # the run waits there: mid-run
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = gate.url
    env["PREFECT_CLIENT_MAX_RETRIES"] = "1"  # Prefect's 5 retries take minutes
    outputs = tmp_path / "out"
    runs = outputs / "2023" / "runs"
    log = tmp_path / "lost.err"
    with log.open("w") as stderr:
        night = subprocess.Popen(
            [str(BIN / "parindex"), "run", "--inputs", str(stuck)]
            + ["--outputs", str(outputs), "--quiet"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for("the run to be under way", lambda: list(runs.glob(".running-*")), log)
        gate.close()  # the server is lost to the run
        feed_fifo(stuck / "history.xlsx", history, night.poll)
        night.wait(timeout=100)
    finally:
        if night.poll() is None:
            night.kill()
    assert night.returncode == API_LOST_EXIT, log.read_text()[-3000:]
    [(path, lost)] = [
        (p, d) for p, d in record.read_records(runs) if record.state_of(d) == "failed"
    ]
    flow_run_id = str(lost["flow_run_id"])
    assert lost["prefect_unsettled"] is True
    assert _flow_run(flow_run_id).state.type.value == "RUNNING"  # as it was left

    gate.open()  # the same server is back
    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    second = _parindex(args, env, timeout=100)
    assert second.returncode == 0, second.stderr[-3000:]
    settled = _flow_run(flow_run_id).state
    assert settled.type.value == "FAILED"
    assert settled.message == (
        "Lần chạy không báo được kết thúc cho máy chủ Prefect; parindex đã ghi nhận "
        f"nó là “Thất bại” trong biên bản {path}: {lost['error']}"
    )
    after = json.loads(path.read_text("utf-8"))
    assert "prefect_unsettled" not in after
    assert after["prefect_settled"]["state"] == "Failed"
    assert {k: v for k, v in after.items() if not k.startswith("prefect_")} == {
        k: v for k, v in lost.items() if not k.startswith("prefect_")
    }
    recorded = path.read_bytes()

    third = _parindex(args, env, timeout=100)  # nothing more to settle
    assert third.returncode == 0, third.stderr[-3000:]
    again = _flow_run(flow_run_id).state
    assert (again.id, again.timestamp) == (settled.id, settled.timestamp)
    assert path.read_bytes() == recorded
    assert json.loads(second.stdout)["total"] == 79.24


class _Refusing:
    """A client whose server reads the flow run but refuses to change its state."""

    def __init__(self, real: Any, refusal: BaseException) -> None:
        self.real = real
        self.refusal = refusal
        self.asked: list[Any] = []

    def read_flow_run(self, flow_run_id: Any) -> Any:
        return self.real.read_flow_run(flow_run_id)

    def set_flow_run_state(self, flow_run_id: Any, state: Any, force: bool) -> Any:
        self.asked.append((flow_run_id, state.type.value, force))
        raise self.refusal


def _lost_record(outputs: Path, flow_run: Any) -> Path:
    record.mark_running(outputs, 2023, str(flow_run.id), flow_run.name, time.time())
    path = record.record_lost_run(
        outputs,
        2023,
        error=messages.RUN_API_LOST_ERROR.format(url="http://h/api", reason="x"),
        now=time.time(),
        status_file=False,
    )
    document = json.loads(path.read_text("utf-8"))
    dead = subprocess.Popen(["true"])
    dead.wait()
    document["pid"] = dead.pid
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_a_refused_state_change_is_said_and_the_night_goes_on(
    prefect_harness: None, tmp_path: Path
) -> None:
    import httpx
    from prefect import get_client
    from prefect.exceptions import PrefectHTTPStatusError
    from prefect.states import Running

    from flows.consolidate import consolidate_flow, settle_in_prefect

    outputs = tmp_path / "outputs"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(consolidate_flow, state=Running())
        path = _lost_record(outputs, flow_run)
        request = httpx.Request("POST", "http://127.0.0.1:1/api/flow_runs/x/set_state")
        refusal = PrefectHTTPStatusError(
            "409",
            request=request,
            response=httpx.Response(409, request=request),
        )
        refusing = _Refusing(client, refusal)
        lines = settle_in_prefect(outputs, client=refusing)
        assert refusing.asked == [(flow_run.id, "FAILED", True)]
        assert client.read_flow_run(flow_run.id).state.type.value == "RUNNING"
    after = json.loads(path.read_text("utf-8"))
    assert after["prefect_settled"]["state"] is None
    assert after["prefect_settled"]["refused"] == "HTTP 409"
    assert lines == [
        messages.RUN_SETTLE_REFUSED.format(
            flow_run=f"{flow_run.name} ({flow_run.id})",
            state="Failed",
            reason="HTTP 409",
            record=path,
        )
    ]
    # once: the refusal is recorded, not asked again every night
    assert settle_in_prefect(outputs, client=refusing) == []
    assert len(refusing.asked) == 1


def test_a_run_settled_in_prefect_already_is_only_marked(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect import get_client
    from prefect.states import Completed

    from flows.consolidate import consolidate_flow, settle_in_prefect

    outputs = tmp_path / "outputs"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(consolidate_flow, state=Completed())
        before = client.read_flow_run(flow_run.id).state
    path = _lost_record(outputs, flow_run)
    assert settle_in_prefect(outputs) == []
    with get_client(sync_client=True) as client:
        after = client.read_flow_run(flow_run.id).state
    assert (after.id, after.type.value) == (before.id, "COMPLETED")
    settled = json.loads(path.read_text("utf-8"))["prefect_settled"]
    assert settled["state"] == "Completed"


def test_a_nothing_new_night_is_marked_running_too(
    prefect_harness: None, tmp_path: Path, sample_inputs: Path, monkeypatch: Any
) -> None:
    """A night with nothing new killed outright (``kill -9``) left no marker: its
    flow run stayed Running and no sweep could find it."""
    import flows.consolidate as module

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    module.consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    seen: list[list[str]] = []
    repeat = module.repeat_last_run

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append([p.name for p in (outputs / "2023" / "runs").glob(".running-*")])
        return repeat(*args, **kwargs)

    monkeypatch.setattr(module, "repeat_last_run", watched)
    outcome = module.consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023
    )
    assert outcome["changed"] == []  # the night repeated the last run
    assert len(seen) == 1 and len(seen[0]) == 1
    assert not list((outputs / "2023" / "runs").glob(".running-*"))

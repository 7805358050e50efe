"""The Prefect server lost during ``parindex run`` (stopped, killed, timing out,
answering HTTP 5xx): one Vietnamese message, exit status 3, the run recorded as
failed in ``runs/`` and ``TRANG-THAI.txt``, never Prefect's traceback.

What was seen: ``parindex server stop`` during a run ended it with ``RuntimeError:
Failed to reach API at http://127.0.0.1:…/api/`` (exit 1) and no record: runs/ and
TRANG-THAI.txt still showed the previous night as the last run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.exceptions import PrefectHTTPStatusError

from parindex import messages
from parindex import run_record as record
from tests.flows.conftest import feed_fifo, wait_for
from tests.flows.test_server import BIN, _clean_env, _parindex

API_LOST_EXIT = 3


def _status_error(code: int) -> PrefectHTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1:1/api/flow_runs/")
    response = httpx.Response(code, request=request)
    return PrefectHTTPStatusError(f"{code}", request=request, response=response)


def _raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise error from inner
    except BaseException as outer:
        return outer


def test_the_api_lost_is_recognised_by_its_kind_not_its_words() -> None:
    from flows.consolidate import api_lost

    refused = httpx.ConnectError("[Errno 111] Connection refused")
    assert api_lost(refused) == "[Errno 111] Connection refused"
    wrapped = _raised_from(
        RuntimeError("Failed to reach API at http://x/api/"), refused
    )
    assert api_lost(wrapped) == "[Errno 111] Connection refused"
    assert api_lost(httpx.ReadTimeout("timed out")) == (
        "quá thời gian chờ: ReadTimeout"
    )
    assert api_lost(_status_error(503)) == "HTTP 503"
    assert api_lost(_raised_from(RuntimeError("x"), _status_error(500))) == "HTTP 500"
    assert api_lost(RuntimeError("Failed to reach API at http://x/api/")) == (
        "Failed to reach API at http://x/api/"
    )
    # not the server lost: a request refused, an error of the run itself
    assert api_lost(_status_error(404)) is None
    assert api_lost(ValueError("bad")) is None
    assert api_lost(_raised_from(KeyError("k"), ValueError("v"))) is None


class _Failing(BaseHTTPRequestHandler):
    """A Prefect API whose health check answers and everything else fails 503."""

    def _answer(self) -> None:
        if self.path.rstrip("/").endswith("/health"):
            body, code = b"true", 200
        else:
            body, code = b'{"detail": "down"}', 503
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def failing_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()


def test_an_api_answering_5xx_before_the_flow_starts_is_recorded(
    tmp_path: Path, sample_inputs: Path, failing_api: str
) -> None:
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = failing_api
    env["PREFECT_CLIENT_MAX_RETRIES"] = "0"
    outputs = tmp_path / "out"
    result = _parindex(
        ["run", "--inputs", str(sample_inputs), "--outputs", str(outputs), "--json"],
        env,
    )
    assert result.returncode == API_LOST_EXIT, result.stderr[-3000:]
    runs = outputs / "2023" / "runs"
    [(path, document)] = record.read_records(runs)
    text = messages.RUN_API_LOST.format(
        url=failing_api, reason="HTTP 503", year=2023, record=f"runs/{path.name}"
    )
    assert result.stderr == f"Lỗi: {text}\n"
    assert json.loads(result.stdout) == {"error": text, "exit_code": API_LOST_EXIT}
    assert document["state"] == "failed"
    assert document["flow_run_id"] is None  # the run was never created
    assert document["error"] == messages.RUN_API_LOST_ERROR.format(
        url=failing_api, reason="HTTP 503"
    )
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert f"Kết quả: THẤT BẠI: {document['error']}" in status
    assert messages.STATUS_NO_COMPLETE_RUN in status
    assert not list(runs.glob(".running-*"))


@pytest.mark.slow
def test_the_server_stopped_mid_run_is_one_message_exit_3_and_a_record(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """A good night, then a night during which ``parindex server stop --force``
    stops the server while the history is being read (a FIFO holds the run
    there; without ``--force`` it refuses, the run using it)."""
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    home = tmp_path / "server-home"
    env["PARINDEX_SERVER_HOME"] = str(home)
    env["PREFECT_CLIENT_MAX_RETRIES"] = "1"  # Prefect's 5 retries take minutes
    outputs = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--quiet"]
    runs = outputs / "2023" / "runs"
    try:
        good = _parindex(args, env)
        assert good.returncode == 0, good.stderr[-3000:]
        [(good_path, _)] = record.read_records(runs)
        history = (inputs / "history.xlsx").read_bytes()
        (inputs / "history.xlsx").unlink()
        os.mkfifo(inputs / "history.xlsx")
        log = tmp_path / "run.err"
        with log.open("w") as stderr:
            night = subprocess.Popen(
                [str(BIN / "parindex"), *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        try:
            wait_for(
                "the run to be under way", lambda: list(runs.glob(".running-*")), log
            )
            state = json.loads((home / "server.json").read_text())
            refused = _parindex(["server", "stop"], env)  # the run uses it
            assert refused.returncode == 2, refused.stderr
            assert refused.stderr.startswith(
                "Lỗi: Máy chủ Prefect cục bộ đang phục vụ 1 lần chạy (run, pid "
            )
            stopped = _parindex(["server", "stop", "--force"], env)
            assert stopped.returncode == 0, stopped.stderr
            feed_fifo(inputs / "history.xlsx", history, night.poll)  # it goes on
            stdout, _ = night.communicate(timeout=600)
        finally:
            if night.poll() is None:
                night.kill()
    finally:
        _parindex(["server", "stop"], env)
    assert night.returncode == API_LOST_EXIT
    assert stdout == ""
    url = state["url"]
    records = record.read_records(runs)
    path, failed = records[-1]
    text = messages.RUN_API_LOST.format(
        url=url,
        reason="[Errno 111] Connection refused",
        year=2023,
        record=f"runs/{path.name}",
    )
    assert log.read_text("utf-8") == f"Lỗi: {text}\n"
    assert failed["state"] == "failed"
    assert failed["flow_run_id"] and failed["flow_run_name"]
    assert failed["error"] == messages.RUN_API_LOST_ERROR.format(
        url=url, reason="[Errno 111] Connection refused"
    )
    assert not list(runs.glob(".running-*"))
    # tonight's outputs were published as a whole set before the server was
    # missed (Prefect reports task runs in the background; the first call that
    # waits for the server is the artifacts'): TRANG-THAI names that manifest
    assert [record.state_of(d) for _, d in records] == [
        "completed",
        "completed",
        "failed",
    ]
    assert records[0][0] == good_path
    last = record.last_completed(runs)
    assert last is not None and last[0] == records[1][0]
    summary = json.loads((outputs / "2023" / "summary-2023.json").read_text())
    assert summary["total"] == 79.24
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    lines = status.splitlines()
    assert lines[4] == f"Kết quả: THẤT BẠI: {failed['error']}"
    assert lines[5] == (
        f"Lần chạy Prefect: {failed['flow_run_name']} {failed['flow_run_id']}"
    )
    assert f"biên bản runs/{last[0].name})." in status
    assert "Đơn vị đã nộp, theo lần hoàn thành đó (6/6):" in status

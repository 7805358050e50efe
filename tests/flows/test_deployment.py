"""The nightly deployment against a real ``prefect server start`` (started and stopped
here, on a free loopback port, in a temporary PREFECT_HOME)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.flows.conftest import wait_for

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _api(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path,
        data=data,
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture()
def prefect_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
    }
    env.pop("PREFECT_API_KEY", None)
    log = tmp_path / "server.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = env["PREFECT_API_URL"]
        wait_for("the server", lambda: _api(url, "/health"), log)
        yield url, env
    finally:
        _stop(server)


def test_served_deployment_runs_on_demand_and_writes_outputs(
    prefect_server: tuple[str, dict[str, str]], tmp_path: Path, sample_inputs: Path
) -> None:
    url, env = prefect_server
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    log = tmp_path / "serve.log"
    with log.open("wb") as stream:
        serve = subprocess.Popen(
            [
                str(BIN / "parindex"),
                "serve",
                "--inputs",
                str(inputs),
                "--outputs",
                str(outputs),
                "--settle-seconds",
                "0",
            ],
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deployments = wait_for(
            "the deployment",
            lambda: _api(
                url,
                "/deployments/filter",
                {"deployments": {"name": {"any_": ["nightly"]}}},
            ),
            log,
        )
        deployment = deployments[0]
        schedule = deployment["schedules"][0]["schedule"]
        assert (schedule["cron"], schedule["timezone"]) == (
            "0 1 * * *",
            "Asia/Ho_Chi_Minh",
        )
        # a busy server (SQLite) may answer 503 for a moment: ask again
        flow_run = wait_for(
            "a flow run to be created",
            lambda: _api(url, f"/deployments/{deployment['id']}/create_flow_run", {}),
            log,
        )

        def finished() -> dict[str, Any] | None:
            state = _api(url, f"/flow_runs/{flow_run['id']}")["state"]
            return (
                state
                if state and state["type"] in {"COMPLETED", "FAILED", "CRASHED"}
                else None
            )

        state = wait_for("the flow run", finished, log)
        assert state["type"] == "COMPLETED", log.read_text()[-3000:]
    finally:
        _stop(serve)
    summary = json.loads((outputs / "2023" / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.24
    assert (outputs / "2023" / "scorecard-2023.xlsx").is_file()

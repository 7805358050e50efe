"""``parindex serve`` when its Prefect server goes away while a scheduled run
executes (the server stopped mid-run), then comes back: the night is recorded, and
``serve`` says so in one line, waits for the server, and carries on (What was
seen: serve died with a traceback when Prefect's runner gave up polling)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parindex import run_record as record
from parindex.server import _pid_alive
from tests.flows.conftest import feed_fifo, wait_for
from tests.flows.test_deployment import BIN, _api, _free_port, _stop

pytestmark = pytest.mark.slow
FINAL = {"COMPLETED", "FAILED", "CRASHED"}


class Site:
    def __init__(self, root: Path, sample_inputs: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
            "PREFECT_HOME": str(root / "prefect-home"),
            "PREFECT_API_URL": self.url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_CLIENT_MAX_RETRIES": "1",  # Prefect's 5 retries take minutes
        }
        self.inputs = root / "inputs"
        shutil.copytree(sample_inputs, self.inputs)
        self.outputs = root / "outputs"
        self.log = root / "serve.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.serve: subprocess.Popen[bytes] | None = None
        self.serve_starts = 0

    def start_server(self) -> None:
        with (self.root / "server.log").open("ab") as stream:
            self.server = subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"]
                + ["--port", str(self.port)],
                env=self.env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for("the server", lambda: _api(self.url, "/health"), self.log)

    def start_serve(self) -> None:
        self.serve_starts += 1
        with self.log.open("ab") as stream:
            self.serve = subprocess.Popen(
                [str(BIN / "parindex"), "serve", "--inputs", str(self.inputs)]
                + ["--outputs", str(self.outputs), "--settle-seconds", "0"]
                + ["--retries", "0"],
                env=self.env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def deployment(self) -> dict[str, Any]:
        found: list[dict[str, Any]] = wait_for(
            "the deployment",
            lambda: _api(
                self.url,
                "/deployments/filter",
                {"deployments": {"name": {"any_": ["nightly"]}}},
            ),
            self.log,
        )
        return found[0]

    def trigger(self, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        deployment = self.deployment()
        body = {"parameters": parameters} if parameters else {}
        found: dict[str, Any] = wait_for(
            "a flow run to be created",
            lambda: _api(
                self.url, f"/deployments/{deployment['id']}/create_flow_run", body
            ),
            self.log,
        )
        return found

    def finished(self, flow_run_id: str) -> dict[str, Any]:
        def final() -> dict[str, Any] | None:
            run = _api(self.url, f"/flow_runs/{flow_run_id}")
            return run if run["state"] and run["state"]["type"] in FINAL else None

        found: dict[str, Any] = wait_for("the flow run", final, self.log)
        return found


@pytest.fixture()
def site(tmp_path: Path, sample_inputs: Path) -> Iterator[Site]:
    site = Site(tmp_path, sample_inputs)
    try:
        site.start_server()
        site.start_serve()
        yield site
    finally:
        for process in (site.serve, site.server):
            if process is not None:
                _stop(process)


def test_serve_records_a_night_whose_server_was_lost_and_carries_on(
    site: Site,
) -> None:
    stuck = site.root / "stuck-inputs"
    shutil.copytree(site.inputs, stuck)
    history = (stuck / "history.xlsx").read_bytes()
    (stuck / "history.xlsx").unlink()
    os.mkfifo(stuck / "history.xlsx")  # the run waits there: mid-run
    run = site.trigger({"inputs": str(stuck)})
    runs = site.outputs / "2023" / "runs"
    marker = runs / f".running-{run['id']}.json"
    wait_for("the run to be under way", marker.exists, site.log)
    pid = json.loads(marker.read_text())["pid"]
    assert site.server is not None
    _stop(site.server)  # the server goes away
    feed_fifo(stuck / "history.xlsx", history, lambda: None if _pid_alive(pid) else 0)
    wait_for("the run's process to end", lambda: not _pid_alive(pid), site.log)
    assert marker.exists()  # its end could not be reported: left for the sweep
    wait_for(
        "serve to say it lost the server",
        lambda: "Mất kết nối với máy chủ Prefect tại" in site.log.read_text(),
        site.log,
    )
    site.start_server()  # the server comes back
    following = site.trigger()
    assert site.finished(following["id"])["state"]["type"] == "COMPLETED"
    # its process published the night and wrote its complete record before it
    # ended, unable to say so: the next night tells Prefect it completed, and
    # does not record it again as interrupted (blind round 18, F5)
    lost = site.finished(run["id"])
    assert lost["state"]["type"] == "COMPLETED"
    assert "Hoàn thành (tiến trình dừng trước khi báo xong)" in str(
        lost["state"]["message"]
    )
    assert not marker.exists()
    documents = [d for _, d in record.read_records(runs)]
    assert [(record.state_of(d), d.get("flow_run_id")) for d in documents][-2:] == [
        ("completed", run["id"]),
        ("completed", None),
    ]
    status = (site.outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert f"Bị gián đoạn ({run['name']}" not in status
    assert site.serve is not None and site.serve.poll() is None
    assert site.serve_starts == 1  # carried on by itself
    lines = site.log.read_text("utf-8").splitlines()
    lost = [line for line in lines if line.startswith("Mất kết nối")]
    assert lost == [
        f"Mất kết nối với máy chủ Prefect tại {site.url} (All connection attempts "
        "failed): lần chạy đang dở (nếu có) sẽ được ghi nhận khi máy chủ trở lại; "
        "parindex serve chờ máy chủ rồi chạy tiếp."
    ]

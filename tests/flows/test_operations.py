"""The nightly deployment operated against a real ``prefect server start`` (issue 11,
acceptance): serve waits for a server that is not up yet; two triggers run one at a
time; a failed run is notified to a local receiver; a run whose serve process tree is
killed with SIGKILL ends ``Crashed`` and the next run reports it.

One server and one serve process for the module (the serve process is restarted once,
by the kill test, which runs last).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from parindex import run_record as record
from tests.flows.conftest import wait_for
from tests.flows.test_deployment import BIN, _api, _free_port, _stop

pytestmark = pytest.mark.slow
FINAL = {"COMPLETED", "FAILED", "CRASHED"}


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Site:
    url: str
    env: dict[str, str]
    root: Path
    inputs: Path
    outputs: Path
    notify: str
    received: list[dict[str, Any]]
    serve_log: Path
    serve: subprocess.Popen[bytes] | None = None
    server: subprocess.Popen[bytes] | None = None
    deployment: dict[str, Any] = field(default_factory=dict)

    def start_serve(self) -> None:
        with self.serve_log.open("ab") as stream:
            self.serve = subprocess.Popen(
                [
                    str(BIN / "parindex"),
                    "serve",
                    "--inputs",
                    str(self.inputs),
                    "--outputs",
                    str(self.outputs),
                    "--settle-seconds",
                    "0",
                    "--notify",
                    self.notify,
                    "--retries",
                    "0",
                ],
                env=self.env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def trigger(self, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"parameters": parameters} if parameters else {}
        found: dict[str, Any] = wait_for(
            "a flow run to be created",
            lambda: _api(
                self.url, f"/deployments/{self.deployment['id']}/create_flow_run", body
            ),
            self.serve_log,
        )
        return found

    def flow_run(self, flow_run_id: str) -> dict[str, Any]:
        found: dict[str, Any] = _api(self.url, f"/flow_runs/{flow_run_id}")
        return found

    def finished(self, flow_run_id: str) -> dict[str, Any]:
        def final() -> dict[str, Any] | None:
            run = self.flow_run(flow_run_id)
            state = run["state"]
            return run if state and state["type"] in FINAL else None

        found: dict[str, Any] = wait_for("the flow run", final, self.serve_log)
        return found


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, sample_inputs: Path
) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("site")
    port = _free_port()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
    }
    inputs = root / "inputs"
    shutil.copytree(sample_inputs, inputs)
    site = Site(
        url=env["PREFECT_API_URL"],
        env=env,
        root=root,
        inputs=inputs,
        outputs=root / "outputs",
        notify=f"http://127.0.0.1:{receiver.server_address[1]}/hook",
        received=_Receiver.received,
        serve_log=root / "serve.log",
    )
    # serve first: the server is not up yet (a machine that just rebooted)
    site.start_serve()
    try:
        wait_for(
            "serve to say it waits",
            lambda: site.serve_log.read_text().count("Chưa kết nối được máy chủ") >= 2,
            site.serve_log,
        )
        with (root / "server.log").open("wb") as stream:
            site.server = subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"]
                + ["--port", str(port)],
                env={**env, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        site.deployment = wait_for(
            "the deployment",
            lambda: _api(
                site.url,
                "/deployments/filter",
                {"deployments": {"name": {"any_": ["nightly"]}}},
            ),
            site.serve_log,
        )[0]
        yield site
    finally:
        if site.serve is not None:
            _stop(site.serve)
        if site.server is not None:
            _stop(site.server)
        receiver.shutdown()


def test_serve_waits_for_the_server_one_line_per_try(site: Site) -> None:
    """What was seen: serve died with a 400-line traceback when the server was not
    up yet."""
    log = site.serve_log.read_text()
    waiting = [line for line in log.splitlines() if "Chưa kết nối được" in line]
    assert len(waiting) >= 2
    assert waiting[0].startswith(f"Chưa kết nối được máy chủ Prefect tại {site.url} (")
    assert waiting[0].endswith("lần thử 1; thử lại sau 10 giây…")
    assert "Traceback" not in log
    assert site.deployment["global_concurrency_limit"]["limit"] == 1
    options = site.deployment["concurrency_options"]
    assert options["collision_strategy"] == "ENQUEUE"


def test_two_triggers_run_one_at_a_time(site: Site) -> None:
    """What was seen: two runs triggered together both did the whole work."""
    first, second = site.trigger(), site.trigger()
    runs = [site.finished(first["id"]), site.finished(second["id"])]
    assert [r["state"]["type"] for r in runs] == ["COMPLETED", "COMPLETED"]
    spans = sorted((r["start_time"], r["end_time"]) for r in runs)
    assert spans[0][1] <= spans[1][0], spans  # the second started after the first
    summary = json.loads((site.outputs / "2023" / "summary-2023.json").read_text())
    assert summary["total"] == 79.24


def test_a_failed_run_is_notified_and_recorded(site: Site) -> None:
    broken = site.root / "broken-inputs"
    shutil.copytree(site.inputs, broken)
    for criteria in (broken / "criteria").glob("*.xlsx"):
        criteria.write_bytes(b"not a workbook")
    outputs = site.root / "broken-outputs"
    run = site.trigger({"inputs": str(broken), "outputs": str(outputs)})
    assert site.finished(run["id"])["state"]["type"] == "FAILED"
    notice = wait_for(
        "the notification",
        lambda: [n for n in site.received if run["name"] in n.get("body", "")],
        site.serve_log,
    )[0]
    assert notice["subject"] == f"parindex: lần tổng hợp {run['name']} Failed"
    assert "không dùng được" in notice["body"]
    records = [d for _, d in record.read_records(outputs / "2023" / "runs")]
    assert [(d["state"], d["flow_run_id"]) for d in records] == [("failed", run["id"])]
    status = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert "Kết quả: THẤT BẠI: Bộ chỉ số" in status


def test_a_killed_serve_leaves_a_crashed_run_the_next_run_reports(site: Site) -> None:
    """What was seen: the flow run of a killed process stayed Running forever."""
    stuck = site.root / "stuck-inputs"
    shutil.copytree(site.inputs, stuck)
    os.mkfifo(stuck / "criteria" / "zz.xlsx")  # reading it blocks: a run mid-way
    run = site.trigger({"inputs": str(stuck)})
    runs = site.outputs / "2023" / "runs"
    marker = runs / f".running-{run['id']}.json"
    wait_for("the run to be under way", marker.exists, site.serve_log)
    assert site.flow_run(run["id"])["state"]["type"] == "RUNNING"
    assert site.serve is not None
    os.killpg(site.serve.pid, signal.SIGKILL)  # the whole serve process tree
    site.serve.wait(timeout=10)
    time.sleep(1)
    assert site.flow_run(run["id"])["state"]["type"] == "RUNNING"
    (stuck / "criteria" / "zz.xlsx").unlink()
    site.start_serve()  # systemd restarts it
    crashed = site.finished(run["id"])
    assert crashed["state"]["type"] == "CRASHED"
    assert not marker.exists()
    wait_for(
        "the crash notification",
        lambda: [n for n in site.received if run["name"] in n.get("body", "")],
        site.serve_log,
    )
    following = site.trigger()
    assert site.finished(following["id"])["state"]["type"] == "COMPLETED"
    records = [d for _, d in record.read_records(runs)]
    assert [d.get("state", "completed") for d in records[-2:]] == [
        "crashed",
        "completed",
    ]
    status = (site.outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert "Đã phát hiện và ghi nhận:" in status
    assert f"Bị gián đoạn ({run['name']}, runs/" in status

"""parindex's local Prefect server is one per user, shared by every parindex folder
of that user: ``parindex server stop`` refuses while a run or a serve uses it (unless
``--force``), and ``status``/``stop`` say that it is shared."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parindex import messages, server

BIN = Path(sys.executable).parent


def _parindex(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PARINDEX_SERVER_HOME"] = str(home)
    return subprocess.run(
        [str(BIN / "parindex"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"],
        start_new_session=True,
    )


@pytest.fixture()
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_stop_refuses_while_a_run_uses_the_server_and_force_stops_it(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    home = tmp_path / "server-home"
    home.mkdir()
    fake_server, a_run = _sleeper(), _sleeper()  # stand-ins: live processes
    processes += [fake_server, a_run]
    state = server.ServerState(
        pid=fake_server.pid,
        port=1,
        url="http://127.0.0.1:1/api",
        prefect_home=str(home / "prefect-home"),
        prefect_version="?",
        started_at="2026-12-02T01:00:00+0700",
    )
    server._write_state(home, state)
    server.register_client(home, "run", tmp_path / "don-vi-a" / "outputs", a_run.pid)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    server.register_client(home, "serve", tmp_path / "b", gone.pid)  # ended: ignored

    refused = _parindex(["server", "stop"], home)
    assert refused.returncode == 2
    assert refused.stdout == ""
    runs = f"run, pid {a_run.pid}, {tmp_path / 'don-vi-a' / 'outputs'}"
    assert refused.stderr == (
        "Lỗi: " + messages.SERVER_STOP_IN_USE.format(count=1, runs=runs) + "\n"
    )
    assert fake_server.poll() is None and server.read_state(home) == state

    forced = _parindex(["server", "stop", "--force"], home)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == (
        messages.SERVER_STOPPED.format(pid=state.pid, url=state.url)
        + "\n"
        + messages.SERVER_SHARED.format(home=home)
        + "\n"
    )
    assert fake_server.wait(timeout=30) is not None
    assert server.read_state(home) is None


def test_a_client_registers_for_its_lifetime(tmp_path: Path) -> None:
    home = tmp_path / "server-home"
    home.mkdir()
    path = server.register_client(home, "run", tmp_path / "outputs")
    assert [(c["command"], c["pid"]) for c in server.live_clients(home)] == [
        ("run", os.getpid())
    ]
    server.unregister_client(path)
    assert server.live_clients(home) == []

"""``parindex run`` with no server configured: parindex's own local Prefect server,
started once and reused; a configured server that does not answer is one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record
from parindex.server import _free_port, _pid_alive, read_state

BIN = Path(sys.executable).parent


def _parindex(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "parindex"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    return env


@pytest.mark.slow
def test_run_on_a_busy_machine_uses_its_own_server_once(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """What was seen: with no server configured, Prefect's temporary server missed
    its 20 s start-up limit on a loaded machine and the run died with a traceback.
    Here the limit is 1 s (as if the machine were very busy): the run does not
    depend on it any more."""
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    home = tmp_path / "server-home"
    env["PARINDEX_SERVER_HOME"] = str(home)
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "1"
    args = ["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")]
    try:
        first = _parindex([*args, "--json"], env)
        assert first.returncode == 0, first.stderr[-3000:]
        assert round(json.loads(first.stdout)["total"], 2) == 79.24
        state = read_state(home)
        assert state is not None and _pid_alive(state.pid)
        assert state.url.startswith("http://127.0.0.1:")
        second = _parindex([*args, "--quiet"], env)
        assert second.returncode == 0, second.stderr[-3000:]
        assert second.stdout == ""
        again = read_state(home)
        assert again is not None and again.pid == state.pid  # reused, not restarted
        status = _parindex(["server", "status"], env)
        assert status.returncode == 0
        assert status.stdout.startswith("Máy chủ Prefect cục bộ đang chạy: ")
    finally:
        stopped = _parindex(["server", "stop"], env)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith("Đã dừng máy chủ Prefect cục bộ (pid ")
    assert not _pid_alive(state.pid)
    assert read_state(home) is None
    status = _parindex(["server", "status"], env)
    assert (status.returncode, status.stdout) == (
        1,
        messages.SERVER_NONE.format(home=home) + "\n",
    )


def test_a_configured_server_that_does_not_answer_is_one_line_and_exit_2(
    tmp_path: Path, sample_inputs: Path
) -> None:
    env = _clean_env(tmp_path)
    url = f"http://127.0.0.1:{_free_port()}/api"
    env["PREFECT_API_URL"] = url
    result = _parindex(
        ["run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "out")],
        env,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Lỗi: Không kết nối được máy chủ Prefect tại {url} (")
    assert lines[0].endswith(
        "hãy khởi động máy chủ đó, hoặc bỏ biến PREFECT_API_URL để parindex tự chạy "
        "máy chủ riêng trên máy này."
    )
    # the night is recorded as refused before it started (nothing else written)
    [(path, document)] = record.read_records(tmp_path / "out" / "2023" / "runs")
    assert (document["state"], document["before_start"]) == ("failed", True)
    assert document["error"] == lines[0].removeprefix("Lỗi: ")
    assert sorted(p.name for p in (tmp_path / "out" / "2023").iterdir()) == [
        "TRANG-THAI.txt",
        "runs",
    ]

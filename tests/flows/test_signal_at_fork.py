"""SIGTERM or Ctrl-C landing while the run forks a reader child ends the run the
documented way: exit 128 + the signal, the crashed record, ``TRANG-THAI.txt``.

What was seen: a signal that came inside Python's at-fork hooks was swallowed
("Exception ignored in: <function _releaseLock …>"): the run went on as if it
had not come, or hung waiting for its child. Here the signal is sent by an
at-fork hook of the run's own process (a ``sitecustomize`` on its path), at the
first fork of a reader child once the flow runs (the fork of the criteria's
reader before it is tested too): exactly during the fork, every time.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record
from tests.flows.test_server import BIN, _clean_env

HOOK = """
import glob, os

_NUMBER = int(os.environ.get("PARINDEX_TEST_SIGNAL_AT_FORK", "0"))
_ONCE = os.environ.get("PARINDEX_TEST_SIGNAL_ONCE", "")  # a running marker's glob
_SENT = []


def _signal_during_the_fork():
    if _NUMBER and not _SENT and (not _ONCE or glob.glob(_ONCE)):
        _SENT.append(_NUMBER)
        os.kill(os.getpid(), _NUMBER)


if _NUMBER:
    os.register_at_fork(after_in_parent=_signal_during_the_fork)
"""
NAMES = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "Ctrl-C"}


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_reader_fork_ends_the_run_the_documented_way(
    tmp_path: Path, sample_inputs: Path, number: signal.Signals
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK, "utf-8")
    env = _clean_env(tmp_path)
    env["PARINDEX_SERVER_HOME"] = str(tmp_path / "server-home")
    env["PYTHONPATH"] = str(hooks)
    outputs = tmp_path / "out"
    outputs.mkdir()
    env["PARINDEX_TEST_SIGNAL_AT_FORK"] = str(int(number))
    # the first fork once the flow runs: a reader child of the year's files
    env["PARINDEX_TEST_SIGNAL_ONCE"] = str(outputs / "2023" / "runs" / ".running-*")
    try:
        night = subprocess.run(
            [str(BIN / "parindex"), "run", "--inputs", str(inputs)]
            + ["--outputs", str(outputs), "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=150,  # a hang fails here
            check=False,
        )
    finally:
        env.pop("PARINDEX_TEST_SIGNAL_AT_FORK")
        subprocess.run(
            [str(BIN / "parindex"), "server", "stop", "--force"],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
    name = NAMES[number]
    assert night.returncode == 128 + number, night.stderr[-3000:]
    assert messages.INTERRUPTED.format(signal=name) in night.stderr.splitlines()
    assert "Exception ignored" not in night.stderr, night.stderr
    assert "Traceback" not in night.stderr, night.stderr
    runs = outputs / "2023" / "runs"
    [(path, document)] = record.read_records(runs)
    assert document["state"] == "crashed"
    assert document["error"] == messages.RUN_STOPPED_BY_SIGNAL.format(signal=name)
    assert document["flow_run_id"]
    lines = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert lines[4] == f"Kết quả: BỊ GIÁN ĐOẠN: {document['error']}"
    assert f"Biên bản lần chạy: runs/{path.name}" in lines
    assert not list(runs.glob(".running-*"))
    assert not (outputs / "2023" / "summary-2023.json").exists()  # nothing published


def test_a_signal_during_the_criteria_readers_fork_before_the_flow_is_recorded(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """The first fork of a run is the reader of the criteria set, checked before
    Prefect starts: a signal there is a night stopped before it started."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK, "utf-8")
    env = _clean_env(tmp_path)
    env["PARINDEX_SERVER_HOME"] = str(tmp_path / "server-home")
    env["PYTHONPATH"] = str(hooks)
    env["PARINDEX_TEST_SIGNAL_AT_FORK"] = str(int(signal.SIGTERM))
    outputs = tmp_path / "out"
    outputs.mkdir()
    night = subprocess.run(
        [str(BIN / "parindex"), "run", "--inputs", str(sample_inputs)]
        + ["--outputs", str(outputs), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert night.returncode == 128 + signal.SIGTERM, night.stderr[-3000:]
    assert night.stderr == messages.INTERRUPTED.format(signal="SIGTERM") + "\n"
    [(_, document)] = record.read_records(outputs / "runs")
    assert document["state"] == "crashed"
    assert document["before_start"] is True
    assert document["exit_code"] == 143
    assert not (tmp_path / "server-home" / "server.json").exists()  # never started

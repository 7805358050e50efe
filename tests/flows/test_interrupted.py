"""A night stopped mid-run (SIGTERM, Ctrl-C) or failing on a user-caused error
inside the flow: the documented Vietnamese line and exit status only, never a
traceback, and a true record: ``runs/`` holds it, ``TRANG-THAI.txt`` names it and
says why in Vietnamese.

What was seen (blind "interrupted nights" set, k2-k5, i3): after the right line,
a traceback of the failure hook (``get_run_logger`` outside a run context), and a
``TRANG-THAI.txt`` without the record's name, its result in Prefect's English
(``BỊ GIÁN ĐOẠN: Execution was aborted by a termination signal.``) or a bare
``BỊ GIÁN ĐOẠN: 130``; the drop folder vanishing mid-run printed the
``NoYearFolder`` traceback before its sentence.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record
from tests.flows.conftest import feed_fifo, wait_for
from tests.flows.test_server import BIN, _clean_env, _parindex

SIGNAL_NAMES = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "Ctrl-C"}


def _held_night(
    tmp_path: Path, inputs: Path, env: dict[str, str], args: list[str]
) -> tuple[subprocess.Popen[str], Path, bytes]:
    """Start a night held while it reads the history (a FIFO in its place)."""
    history = (inputs / "history.xlsx").read_bytes()
    (inputs / "history.xlsx").unlink()
    os.mkfifo(inputs / "history.xlsx")
    log = tmp_path / f"night-{len(list(tmp_path.glob('night-*')))}.err"
    with log.open("w") as stderr:
        night = subprocess.Popen(
            [str(BIN / "parindex"), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            start_new_session=True,  # Ctrl-C goes to the group, as a terminal does
        )
    return night, log, history


def _status_lines(outputs: Path) -> list[str]:
    return (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()


@pytest.mark.slow
def test_sigterm_ctrl_c_and_an_error_inside_the_flow_end_in_one_line_and_a_record(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    env["PARINDEX_SERVER_HOME"] = str(tmp_path / "server-home")
    outputs = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    runs = outputs / "2023" / "runs"
    try:
        good = _parindex(args, env)
        assert good.returncode == 0, good.stderr[-3000:]
        assert json.loads(good.stdout)["total"] == 79.24
        [(good_path, _)] = record.read_records(runs)
        for number in (signal.SIGTERM, signal.SIGINT):
            night, log, history = _held_night(tmp_path, inputs, env, args)
            try:
                wait_for(
                    "the run to be under way",
                    lambda: list(runs.glob(".running-*")),
                    log,
                )
                # past the fork of the reader child (a signal landing in Python's
                # at-fork hooks is lost: "Exception ignored in _releaseLock")
                time.sleep(1.0)
                if number == signal.SIGINT:  # a terminal: the whole group
                    os.killpg(night.pid, number)
                else:  # kill <pid>, as the blind set did
                    night.send_signal(number)
                stdout, _ = night.communicate(timeout=120)
            finally:
                if night.poll() is None:
                    os.killpg(night.pid, signal.SIGKILL)
                (inputs / "history.xlsx").unlink()
                (inputs / "history.xlsx").write_bytes(history)
            name = SIGNAL_NAMES[number]
            stderr = log.read_text("utf-8")
            assert night.returncode == 128 + number, stderr[-3000:]
            # ``--json``: the sentence as the JSON answer (stdout was empty)
            assert json.loads(stdout) == {
                "error": messages.INTERRUPTED.format(signal=name),
                "exit_code": 128 + number,
            }
            assert "Traceback" not in stderr and "Error" not in stderr, stderr
            assert "Crash detected" not in stderr, stderr
            path, document = record.read_records(runs)[-1]
            # the sentence, and at most the failure hook's line naming the record
            said = stderr.splitlines()
            assert messages.INTERRUPTED.format(signal=name) in said, stderr
            others = [s for s in said if s != messages.INTERRUPTED.format(signal=name)]
            assert all(f"runs/{path.name}" in line for line in others), stderr
            assert document["state"] == "crashed"
            assert document["error"] == messages.RUN_STOPPED_BY_SIGNAL.format(
                signal=name
            )
            assert document["flow_run_id"]
            lines = _status_lines(outputs)
            assert lines[4] == f"Kết quả: BỊ GIÁN ĐOẠN: {document['error']}"
            assert f"Biên bản lần chạy: runs/{path.name}" in lines
            assert f"biên bản runs/{good_path.name})." in "\n".join(lines)
            assert not list(runs.glob(".running-*"))
        # the drop folder vanishes while the run reads (a share that drops)
        night, log, history = _held_night(tmp_path, inputs, env, args)
        try:
            wait_for(
                "the run to be under way", lambda: list(runs.glob(".running-*")), log
            )
            (inputs / "2023").rename(tmp_path / "away")
            feed_fifo(inputs / "history.xlsx", history, night.poll)
            stdout, _ = night.communicate(timeout=300)
        finally:
            if night.poll() is None:
                os.killpg(night.pid, signal.SIGKILL)
        stderr = log.read_text("utf-8")
        assert night.returncode == 2, stderr[-3000:]
        assert "Traceback" not in stderr and "EventsWorker" not in stderr, stderr
        error = messages.NO_YEAR_FOLDER.format(year=2023, folder=inputs / "2023")
        assert stderr.endswith(f"Lỗi: {error}\n"), stderr
        assert json.loads(stdout) == {"error": error, "exit_code": 2}
        path, document = record.read_records(runs)[-1]
        assert document["state"] == "failed"
        assert document["error"] == error
        lines = _status_lines(outputs)
        assert lines[4] == f"Kết quả: THẤT BẠI: {error}"
        assert f"Biên bản lần chạy: runs/{path.name}" in lines
    finally:
        _parindex(["server", "stop", "--force"], env)
    summary = json.loads((outputs / "2023" / "summary-2023.json").read_text())
    assert summary["total"] == 79.24

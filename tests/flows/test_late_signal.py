"""A SIGTERM that lands once the night's work is complete (outputs, record,
``--json`` written, Prefect told ``Completed``), while the process ends: the
documented line and exit status 143, the record staying ``completed``.

What was seen (blind set, ``late2.py``, 3 of 3): exit -15 and no line. While the
process ends, Prefect's exit hooks send its last events and logs (the
``cli._terminate`` handler raised inside them: "Exception ignored"), then the
interpreter puts the default action back before it tears its modules down (the
default action: -15, no line). Here the run's process is held in each of these
places (a hook of its own that waits there) and the signal sent then; also
between the result printed and the command's end, where ``--json``'s stdout keeps
the result as its one document. Not testable here: a signal once ``os._exit`` is
called, which the kernel discards (README Known limits, blind set B11)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parindex import messages
from parindex import run_record as record
from tests.flows.test_server import _clean_env

# ``sys.argv[1]``: a folder where the run says where it is held
HELD_WHILE_ENDING = """
import atexit, os, sys, time
from pathlib import Path
from parindex import cli

held = Path(sys.argv.pop(1))
echo = cli._echo_json

def at_exit():  # registered last: runs first, as Prefect's exit hooks
    (held / "at-exit").touch()
    time.sleep(3)

def echo_then_hold(value):
    echo(value)
    if (held / "hold-after-result").exists():  # the command has not ended yet
        (held / "after-result").touch()
        time.sleep(3)
    atexit.register(at_exit)

cli._echo_json = echo_then_hold

class Finalised:  # torn down with this module, after the exit hooks
    def __del__(self):
        (held / "finalising").touch()
        time.sleep(3)

finalised = Finalised()
sys.argv = ["parindex", *sys.argv[1:]]
from parindex.entry import main
main()
"""


def _night(held: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    held.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", HELD_WHILE_ENDING, str(held), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _signal_when(night: subprocess.Popen[str], place: Path) -> bool:
    """SIGTERM once the night is held at ``place``; False when it ended first."""
    deadline = time.monotonic() + 300
    while not place.exists():
        if night.poll() is not None:
            return False
        if time.monotonic() > deadline:
            night.kill()
            pytest.fail(f"the run was never held at {place.name}")
        time.sleep(0.05)
    night.send_signal(signal.SIGTERM)
    return True


def _signalled_night(
    held: Path, place: str, args: list[str], env: dict[str, str]
) -> tuple[bool, int, str, str]:
    """A night sent SIGTERM once held at ``place`` (``_signal_when``): whether it
    was held there, then its exit status, stdout and stderr."""
    night = _night(held, args, env)
    try:
        reached = _signal_when(night, held / place)
        stdout, stderr = night.communicate(timeout=120)
    finally:
        if night.poll() is None:
            night.kill()
    return reached, night.returncode, stdout, stderr


@pytest.mark.slow
def test_a_sigterm_once_the_work_is_done_ends_in_the_line_and_143(
    prefect_harness: None, tmp_path: Path, sample_inputs: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    outputs = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    runs = outputs / "2023" / "runs"
    line = messages.INTERRUPTED.format(signal="SIGTERM")

    # in the exit hooks (Prefect's send its last events and logs there)
    reached, code, stdout, stderr = _signalled_night(
        tmp_path / "held-1", "at-exit", args, env
    )
    assert reached
    assert code == 143, stderr[-3000:]
    assert stderr.splitlines() == [line], stderr[-3000:]
    assert json.loads(stdout)["total"] == 79.24  # the work was done and said
    [(_, completed)] = record.read_records(runs)
    assert record.state_of(completed) == "completed"
    assert not list(runs.glob(".*.json"))

    # between the result printed and the command's end (its own handler): the
    # line and 143, and the result stays the one JSON document on stdout (a second
    # object after it could not be parsed; ``--all`` prints a list)
    (tmp_path / "held-3").mkdir()
    (tmp_path / "held-3" / "hold-after-result").touch()
    reached, code, stdout, stderr = _signalled_night(
        tmp_path / "held-3", "after-result", args, env
    )
    assert reached
    assert code == 143, stderr[-3000:]
    assert stderr.splitlines() == [line], stderr[-3000:]
    assert json.loads(stdout)["total"] == 79.24
    assert record.state_of(record.read_records(runs)[-1][1]) == "completed"

    # the interpreter's own teardown is not reached with the default action back
    reached, code, stdout, stderr = _signalled_night(
        tmp_path / "held-2", "finalising", args, env
    )
    assert not reached, (code, stderr[-3000:])
    assert code == 0, stderr[-3000:]
    assert stderr == ""
    assert json.loads(stdout)["total"] == 79.24
    assert [record.state_of(d) for _, d in record.read_records(runs)] == [
        "completed",
        "completed",
        "completed",
    ]
    assert os.listdir(tmp_path / "held-2") == ["at-exit"]  # never "finalising"

"""``parindex run --json`` stopped by SIGTERM while it publishes: the JSON answer
on stdout is the line said on stderr, ``{"error": …, "exit_code": 143}``.

What was seen: a signalled run printed nothing on stdout, while the README
promises JSON there whenever the command stops (a nightly script read an empty
answer). Here the signal is sent from inside the run, at the start of the
rendering of the outputs and at the start of the move of the set into place
(held until the set is moved, then honoured). Stopped before or inside the flow:
``tests/test_refused_night.py``, ``tests/flows/test_interrupted.py``; after the
result: ``tests/flows/test_late_signal.py``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parindex import messages
from tests.flows.test_server import _clean_env

# ``sys.argv[1]``: the publishing step whose start sends SIGTERM to the run
SIGNAL_WHILE_PUBLISHING = """
import os, signal, sys
from parindex.publish import outputs

step = sys.argv.pop(1)
original = getattr(outputs, step)

def signalled(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return original(*args, **kwargs)

setattr(outputs, step, signalled)
sys.argv = ["parindex", *sys.argv[1:]]
from parindex.entry import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("step", ["_render_staged", "_move_all"])
def test_a_sigterm_while_publishing_answers_in_json(
    prefect_harness: None, tmp_path: Path, sample_inputs: Path, step: str
) -> None:
    from prefect.settings import PREFECT_API_URL

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    outputs = tmp_path / "out"
    night = subprocess.run(
        [sys.executable, "-c", SIGNAL_WHILE_PUBLISHING, step, "run"]
        + ["--inputs", str(inputs), "--outputs", str(outputs), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    line = messages.INTERRUPTED.format(signal="SIGTERM")
    assert night.returncode == 143, night.stderr[-3000:]
    assert line in night.stderr.splitlines(), night.stderr[-3000:]
    assert json.loads(night.stdout) == {"error": line, "exit_code": 143}

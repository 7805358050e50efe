"""A ``parindex run`` killed outright (SIGKILL) in the instant between Prefect
creating its flow run and the flow's first line (its running marker): the next
night against the same server records it as crashed and sets its flow run
``Crashed``.

What was seen: nothing on disk named such a run (no running marker yet), so the
next night's sweep could not find it and its flow run showed ``Running`` forever.
Here the kill lands exactly there: the run's process kills itself where the flow
writes its running marker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parindex import run_record as record
from tests.flows.test_server import _clean_env, _parindex

KILLED_AT_THE_MARKER = """
import os, signal, sys
from parindex import run_record

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

run_record.mark_running = killed
sys.argv = ["parindex", *sys.argv[1:]]
from parindex.entry import main
main()
"""


def _flow_runs() -> list[Any]:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return list(client.read_flow_runs())


@pytest.mark.slow
def test_a_run_killed_before_its_running_marker_is_found_by_the_next_night(
    prefect_harness: None, tmp_path: Path, sample_inputs: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    inputs = tmp_path / "inputs"
    __import__("shutil").copytree(sample_inputs, inputs)
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    outputs = tmp_path / "out"
    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--quiet"]
    before = {run.id for run in _flow_runs()}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_MARKER, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr[-3000:]
    [lost] = [run for run in _flow_runs() if run.id not in before]
    assert lost.state is not None and lost.state.type.value == "RUNNING"
    runs = outputs / "2023" / "runs"
    assert not list(runs.glob(".running-*"))  # the sweep has no running marker

    following = _parindex([*args, "--json"], env)
    assert following.returncode == 0, following.stderr[-3000:]
    documents = [d for _, d in record.read_records(runs)]
    assert [(record.state_of(d), d.get("flow_run_id")) for d in documents] == [
        ("crashed", str(lost.id)),
        ("completed", None),
    ]
    crashed = documents[0]
    assert crashed["flow_run_name"] == lost.name
    assert crashed["prefect_settled"]["state"] == "Crashed"
    [after] = [run for run in _flow_runs() if run.id == lost.id]
    assert after.state is not None and after.state.type.value == "CRASHED"
    assert not list(runs.glob(".*.json"))  # no marker left behind
    since = json.loads(following.stdout)["since_last_complete"]
    assert len(since) == 1 and f"Bị gián đoạn ({lost.name}, runs/" in since[0]


def test_only_the_flow_run_carries_the_launch_tag(
    prefect_harness: None, tmp_path: Path, sample_inputs: Path
) -> None:
    """A task run with a tag asks the server for that tag's concurrency slots (a
    round trip per task; seen: a task left ``Pending``, its line printed, when
    the server was lost then): the launch tag is the flow run's only."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.consolidate import consolidate_flow, launched

    inputs = tmp_path / "inputs"
    __import__("shutil").copytree(sample_inputs, inputs)
    outputs = tmp_path / "out"
    runs = outputs / "2023" / "runs"
    with launched(outputs, 2023):
        [marker] = runs.glob(".launching-*.json")
        tag = json.loads(marker.read_text("utf-8"))["tag"]
        state = consolidate_flow(
            inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
        )
    assert not marker.exists()
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run_id).tags == [tag]
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    assert tasks and all(task.tags == [] for task in tasks)

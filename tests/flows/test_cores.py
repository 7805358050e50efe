"""The flows size their thread runners by the cores this process may use (its CPU
affinity: a container's or ``taskset``'s limit), as the reader children do, not by
the machine's count (``os.cpu_count``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import os, json
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from flows.consolidate import consolidate_flow, in_flight, task_runner
from flows.province import unit_threads
from parindex.ingest.isolate import reader_processes
from parindex.settings import usable_cores
print(json.dumps([
    usable_cores(),
    reader_processes(),
    consolidate_flow.task_runner._max_workers,
    task_runner("thread")._max_workers,
    unit_threads()._max_workers,
    in_flight(),
]))
"""


@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2,
    reason="needs CPU affinity and two cores to tell them apart",
)
def test_the_flows_use_the_cores_this_process_may_use() -> None:
    found = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert found.stdout.strip() == "[1, 1, 1, 1, 1, 2]", found.stderr[-2000:]

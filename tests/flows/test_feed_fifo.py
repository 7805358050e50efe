"""The tests' one way to feed a FIFO that holds a run mid-way
(``tests.flows.conftest.feed_fifo``): it never waits without a deadline.

What was seen: a plain ``open(fifo, "wb")`` waits for a reader forever, so a run
that ended (lost its server, failed) before opening its end hung the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows.conftest import feed_fifo


def test_a_run_that_ended_before_opening_the_fifo_is_not_waited_for(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "history.xlsx"
    os.mkfifo(fifo)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=30)
    started = time.monotonic()
    assert feed_fifo(fifo, b"data", ended.poll, timeout=30) is False
    assert time.monotonic() - started < 5


def test_a_run_that_never_opens_the_fifo_fails_the_test_at_the_deadline(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "history.xlsx"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception) as failed:
        feed_fifo(fifo, b"data", lambda: None, timeout=1.0)
    assert time.monotonic() - started < 5
    assert str(failed.value) == (
        f"timed out after 1.0 s feeding {fifo}: the run under test is alive "
        "but did not open it, or stopped reading it"
    )


def test_a_reader_that_stops_reading_fails_the_test_at_the_deadline(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "history.xlsx"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open, never read
    try:
        with pytest.raises(pytest.fail.Exception):
            feed_fifo(fifo, b"x" * (1 << 20), lambda: None, timeout=1.0)
    finally:
        os.close(reader)


def test_a_run_that_reads_the_fifo_gets_every_byte(tmp_path: Path) -> None:
    fifo = tmp_path / "history.xlsx"
    os.mkfifo(fifo)
    data = bytes(range(256)) * 4096  # 1 MiB: more than a pipe holds
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; time.sleep(0.5); "
            "sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())",
            str(fifo),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert feed_fifo(fifo, data, reader.poll, timeout=30) is True
        out, _ = reader.communicate(timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert out == data

"""One Prefect test harness for the whole session (it costs seconds to start)."""

from __future__ import annotations

import errno
import os
import select
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect configures logging when ``prefect.main`` is first imported (by ``from
    # prefect import flow``): ``dictConfig`` replaces the root logger's handlers,
    # pytest's capture handler (``caplog``) among them. Done here, in a fixture's
    # set-up, before any test's call phase attaches that handler again; otherwise
    # the first test to import a flow (whichever runs first, alone or in order)
    # captures no log record.
    import prefect.main  # noqa: F401
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=180),  # a busy machine is slow
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


SERVER_TIMEOUT = 300.0  # a loaded 2-core machine starts a server in 10-60 s


def wait_for(what: str, check: Callable[[], Any], log: Path) -> Any:
    """Poll ``check`` every half second until it returns something true (an
    ``OSError``, such as a server not listening yet, counts as not yet); fail with
    the end of ``log`` after ``SERVER_TIMEOUT`` seconds."""
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; log:\n{log.read_text()[-3000:]}")


def feed_fifo(
    fifo: Path,
    data: bytes,
    poll: Callable[[], int | None],
    timeout: float = SERVER_TIMEOUT,
) -> bool:
    """Write ``data`` into ``fifo`` once the run under test opens it for reading.

    ``poll`` says whether the run still lives (``None``, as ``Popen.poll``). Every
    wait is bounded: a plain ``open(fifo, "wb")`` waits for a reader forever when
    the run ended (lost its server, failed) before opening its end. Returns False
    when the run ended before taking all of ``data`` (the caller's assertions say
    whether that was right); fails the test once ``timeout`` seconds have passed
    with the run alive and ``data`` not all taken."""
    deadline = time.monotonic() + timeout

    def timed_out() -> None:
        pytest.fail(
            f"timed out after {timeout} s feeding {fifo}: the run under test is "
            "alive but did not open it, or stopped reading it"
        )

    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:
            if error.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
        if poll() is not None:
            return False
        if time.monotonic() >= deadline:
            timed_out()
        time.sleep(0.1)
    try:
        view = memoryview(data)
        while view:
            if time.monotonic() >= deadline:
                timed_out()
            _, writable, _ = select.select([], [descriptor], [], 0.1)
            if not writable:
                continue
            try:
                view = view[os.write(descriptor, view) :]
            except BlockingIOError:
                continue
            except BrokenPipeError:  # the reader closed its end: the run ended
                return False
        return True
    finally:
        os.close(descriptor)

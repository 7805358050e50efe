"""One Prefect test harness for the whole session (it costs seconds to start)."""

from __future__ import annotations

import os
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

"""A signal landing while ``run_isolated`` forks a reader child (inside Python's
at-fork hooks) reaches its handler after the fork, never dropped: what the
handler raises comes out of ``run_isolated``, and the child is killed and reaped.

What was seen: the exception raised by the handler was printed as "Exception
ignored in …" and dropped; the run went on."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from parindex.ingest import isolate

_ARMED: list[int] = []  # the signal to send at the next fork (hooks cannot go)


def _signal_during_the_fork() -> None:
    if _ARMED:
        os.kill(os.getpid(), _ARMED.pop())


os.register_at_fork(after_in_parent=_signal_during_the_fork)


class Stopped(Exception):
    pass


@pytest.fixture()
def handler() -> Iterator[list[int]]:
    seen: list[int] = []

    def stop(number: int, _frame: object) -> None:
        seen.append(number)
        raise Stopped(number)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield seen
    finally:
        _ARMED.clear()
        signal.signal(signal.SIGTERM, previous)


def _children() -> set[int]:
    try:
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as stream:
            return {int(pid) for pid in stream.read().split()}
    except OSError:
        return set()


def test_a_signal_during_the_fork_is_delivered_after_it(handler: list[int]) -> None:
    before = _children()
    _ARMED.append(signal.SIGTERM)
    with pytest.raises(Stopped):
        isolate.run_isolated([1, 2, 3], abs, workers=1)
    assert handler == [signal.SIGTERM]  # once, not lost and not twice
    assert _children() == before  # the child forked was killed and reaped
    assert signal.getsignal(signal.SIGTERM).__name__ == "stop"  # put back


def test_without_a_signal_the_handlers_stay_and_the_jobs_run(
    handler: list[int],
) -> None:
    assert isolate.run_isolated([-1, -2, 3], abs, workers=2) == [1, 2, 3]
    assert handler == []
    assert signal.getsignal(signal.SIGTERM).__name__ == "stop"


def test_a_fork_in_another_thread_leaves_the_handlers_alone(
    handler: list[int],
) -> None:
    results: list[object] = []
    thread = threading.Thread(
        target=lambda: results.append(isolate.run_isolated([-4], abs, workers=1))
    )
    thread.start()
    thread.join(timeout=60)
    assert results == [[4]]
    assert handler == []

"""Run the spreadsheet readers where a crash costs one file, not the night.

The readers (python-calamine, Rust) are native code: a crafted file can make them
abort the process or allocate gigabytes before any Python exception is possible.
``run_isolated`` therefore runs a batch of jobs in a forked child process whose
address space is limited (``resource.setrlimit(RLIMIT_AS)``: the parent's size at
the fork plus ``memory_bytes``), which sends each job's result back through a pipe
as soon as it is done. When the child dies (a signal, an abort, memory refused) or
a job runs past ``timeout`` seconds, the job it was on is retried alone in a fresh
child; if it fails alone too, it is the guilty one and comes back as ``Crashed``,
and the rest of the batch goes on in a new child.

The child inherits the jobs through ``fork`` (nothing is copied before it needs
it), dies with its parent (``PR_SET_PDEATHSIG``), and never returns into the
parent's code. Where ``fork`` is missing the jobs run in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import resource
import select
import signal
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from parindex import messages

Job = TypeVar("Job")
Out = TypeVar("Out")

MEMORY_BYTES = 1024 * 1024 * 1024
"""Memory a reader may allocate above what the process held when it forked."""
TIMEOUT_SECONDS = 120.0
"""Longest time one file may take in the reader."""

_FRAME = struct.Struct("<Q")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Crashed:
    """A job whose reader died or ran out of time even when run alone.

    ``reason`` is ``crash`` (the process was killed by a signal or aborted),
    ``memory`` (an allocation over the limit was refused) or ``timeout``.
    """

    reason: str
    detail: str = ""


def crash_message(crashed: Crashed) -> str:
    """The Vietnamese sentence for a file whose reader failed."""
    why = messages.READER_CRASH_REASONS[crashed.reason].format(
        limit=MEMORY_BYTES // (1024 * 1024), seconds=int(TIMEOUT_SECONDS)
    )
    return messages.FILE_READER_CRASHED.format(why=why)


def _virtual_size() -> int:
    """This process's address-space size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            pages = int(stream.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _die_with_parent() -> None:
    """Ask Linux to kill this (child) process when its parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _silence_stderr() -> None:
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _child(
    jobs: Sequence[Job],
    work: Callable[[Job], Out],
    descriptor: int,
    memory_bytes: int,
) -> None:
    """The child's whole life: never returns (``os._exit``)."""
    code = 1
    try:
        _die_with_parent()
        global _SLOTS  # noqa: PLW0603 - the parent's threads are not here
        _SLOTS = threading.BoundedSemaphore(reader_processes())
        _silence_stderr()  # a native reader's panic text is not for the user
        faulthandler.disable()  # nor a traceback dumped on its abort
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(number, signal.SIG_DFL)
        limit = _virtual_size() + memory_bytes
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        for job in jobs:
            try:
                outcome: object = work(job)
            except MemoryError:
                outcome = Crashed("memory")
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(descriptor, _FRAME.pack(len(data)) + data)
        code = 0
    finally:
        with contextlib.suppress(OSError):
            os.close(descriptor)
        os._exit(code)


class _Reader:
    """Frames read from a child's pipe, with a deadline per frame."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.buffer = bytearray()

    def _fill(self, size: int, deadline: float) -> bool:
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.descriptor], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.descriptor, max(size - len(self.buffer), 1 << 16))
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def take(self) -> tuple[list[bytes], bool]:
        """Read what the pipe holds now (it is ready): the frames it completed,
        and whether the child closed its end (it is gone)."""
        chunk = os.read(self.descriptor, 1 << 20)
        self.buffer += chunk
        frames = []
        while len(self.buffer) >= _FRAME.size:
            (size,) = _FRAME.unpack_from(self.buffer)
            if len(self.buffer) < _FRAME.size + size:
                break
            frames.append(bytes(self.buffer[_FRAME.size : _FRAME.size + size]))
            del self.buffer[: _FRAME.size + size]
        return frames, not chunk

    def frame(self, timeout: float) -> bytes | None:
        """The next frame; None at end of file (the child is gone).

        Raises:
            TimeoutError: nothing complete came within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        if not self._fill(_FRAME.size, deadline):
            return None
        (size,) = _FRAME.unpack_from(self.buffer)
        if not self._fill(_FRAME.size + size, deadline):
            return None
        data = bytes(self.buffer[_FRAME.size : _FRAME.size + size])
        del self.buffer[: _FRAME.size + size]
        return data


@dataclass
class _Child:
    """A forked reader: its process id, its pipe, and its exit status once reaped
    (a reaped child's id may be reused: it is never signalled again)."""

    pid: int
    reader: _Reader
    status: int | None = None

    def reap(self) -> int:
        if self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]
        return self.status


_STOPS = (signal.SIGINT, signal.SIGTERM)


class _Shield:
    """SIGINT and SIGTERM held back while this thread forks.

    A signal's Python handler runs in the main thread at its next instruction: if
    that is inside one of Python's at-fork hooks (``logging``'s lock, …), the
    exception the handler raises to stop the run (``SystemExit``, Prefect's
    ``TerminationSignal``) is printed as "Exception ignored" and dropped, and the
    run goes on (a raise between taking and releasing the logging lock leaves it
    held: a hang). So while the main thread forks, the two signals are only noted
    (the whole window: from before the fork until ``lift``), and ``lift`` puts the
    handlers back and delivers what was noted, outside the hooks. Another
    thread's fork needs nothing: the handlers never run in its hooks."""

    def __init__(self) -> None:
        self.noted: list[int] = []
        self.previous: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            for number in _STOPS:
                self.previous[number] = signal.signal(number, self._note)

    def _note(self, number: int, _frame: object) -> None:
        self.noted.append(number)

    def lift(self) -> None:
        """Restore the handlers, then deliver the signals noted (the handler of
        the first one raises, as it would have without the fork)."""
        for number, handler in self.previous.items():
            # None: a handler not set from Python (an embedding program)
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # type: ignore[arg-type]
        self.previous = {}
        for number in dict.fromkeys(self.noted):
            signal.raise_signal(number)


@contextlib.contextmanager
def _forked(
    jobs: Sequence[Job], work: Callable[[Job], Out], memory_bytes: int
) -> Iterator[_Child]:
    """A child working through ``jobs``; killed and reaped when the block ends."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    shield = _Shield()
    try:
        pid = os.fork()
    except BaseException:
        shield.lift()
        raise
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_end)
        _child(jobs, work, write_end, memory_bytes)
    os.close(write_end)
    child = _Child(pid, _Reader(read_end))
    try:
        shield.lift()  # a signal that came during the fork stops the run here
        yield child
    finally:
        os.close(read_end)
        if child.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                child.reap()


def _run_batch(
    jobs: Sequence[Job],
    work: Callable[[Job], Out],
    memory_bytes: int,
    timeout: float,
) -> tuple[list[Out | Crashed], Crashed | None]:
    """Run ``jobs`` in one child: the outcomes it sent and, when it stopped early,
    why (the job it was on is ``jobs[len(outcomes)]``)."""
    outcomes: list[Out | Crashed] = []
    with _forked(jobs, work, memory_bytes) as child:
        while len(outcomes) < len(jobs):
            try:
                data = child.reader.frame(timeout)
            except TimeoutError:
                return outcomes, Crashed("timeout")
            if data is None:
                return outcomes, _why_it_ended(child)
            outcomes.append(pickle.loads(data))  # noqa: S301 - our own child
    return outcomes, None


def _why_it_ended(child: _Child) -> Crashed:
    """Reap a child that closed its pipe early and say how it ended."""
    try:
        status = child.reap()
    except ChildProcessError:
        return Crashed("crash")
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return Crashed("crash", name)
    return Crashed("crash", f"exit {os.WEXITSTATUS(status)}")


def reader_processes() -> int:
    """How many reader children run at once: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_SLOTS = threading.BoundedSemaphore(reader_processes())
"""Reader children this process may run at once when the caller does not say
how many: threads reading at the same time (the flow's batches, a province's
units) share the cores instead of each starting a child per core."""


def _take_slots(wanted: int) -> int:
    """Wait for one slot, then take as many more as are free (up to ``wanted``)."""
    _SLOTS.acquire()
    taken = 1
    while taken < wanted and _SLOTS.acquire(blocking=False):
        taken += 1
    return taken


@dataclass
class _Lane:
    """One reader child's share of the jobs (indexes into them, in order) and the
    child working on it: through the rest of the share, or on one job alone after
    a child stopped early (to tell the guilty job from the ones before it)."""

    pending: deque[int]
    child: _Child | None = None
    running: list[int] = field(default_factory=list)
    received: int = 0
    alone: bool = False
    deadline: float = 0.0
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


def run_isolated(
    jobs: Sequence[Job],
    work: Callable[[Job], Out],
    *,
    memory_bytes: int = MEMORY_BYTES,
    timeout: float = TIMEOUT_SECONDS,
    workers: int | None = None,
    done: Callable[[int, Out], None] | None = None,
) -> list[Out | Crashed]:
    """``[work(job) for job in jobs]``, each outcome a ``Crashed`` for a job whose
    reader died, ran out of memory or of time even when run alone.

    ``done``, if given, is called in this process with (index, outcome) of each
    job whose work returned (never a ``Crashed`` one), as soon as its outcome
    arrives, while the other jobs go on (so that what is done with an outcome,
    such as writing it to a cache, overlaps the reading).

    The jobs are cut into ``workers`` consecutive shares, each worked through by
    its own child (by default one per core, ``reader_processes``, shared with
    the other threads of this process that read at the same time); the children
    run at once and their pipes are read as results come (``select``). Each
    share keeps the rules of one child: when its child stops early, the job it
    was on is retried alone, then the rest of the share goes on in a new child.
    The outcomes come back in the order of ``jobs``.

    ``work`` must return picklable results and must not raise (a ``MemoryError``
    becomes ``Crashed("memory")``; any other exception ends the child, and its job
    is retried alone, then reported as a crash).
    """
    if not hasattr(os, "fork"):
        outcomes: list[Out | Crashed] = []
        for index, job in enumerate(jobs):
            outcome = work(job)
            outcomes.append(outcome)
            if done is not None:
                done(index, outcome)
        return outcomes
    if workers is not None:
        return _run_lanes(jobs, work, memory_bytes, timeout, max(1, workers), done=done)
    slots = _take_slots(max(1, min(reader_processes(), len(jobs))))
    try:
        return _run_lanes(jobs, work, memory_bytes, timeout, slots, done=done)
    finally:
        for _ in range(slots):
            _SLOTS.release()


def _run_lanes(
    jobs: Sequence[Job],
    work: Callable[[Job], Out],
    memory_bytes: int,
    timeout: float,
    workers: int,
    *,
    done: Callable[[int, Out], None] | None = None,
) -> list[Out | Crashed]:
    """``run_isolated`` with at most ``workers`` children at once."""
    count = max(1, min(workers, len(jobs)))
    size, extra = divmod(len(jobs), count)
    lanes: list[_Lane] = []
    start = 0
    for number in range(count):
        end = start + size + (number < extra)
        lanes.append(_Lane(deque(range(start, end))))
        start = end
    outcomes: dict[int, Out | Crashed] = {}

    def launch(lane: _Lane) -> None:
        """Start the lane's next child, if it has jobs left."""
        lane.stack.close()
        lane.child = None
        if not lane.pending:
            return
        lane.running = [lane.pending[0]] if lane.alone else list(lane.pending)
        lane.received = 0
        lane.stack = contextlib.ExitStack()
        lane.child = lane.stack.enter_context(
            _forked([jobs[i] for i in lane.running], work, memory_bytes)
        )
        lane.deadline = time.monotonic() + timeout

    def stopped(lane: _Lane, why: Crashed) -> None:
        """The lane's child ended (or ran out of time) before its last job."""
        if lane.alone or lane.received == 0:  # the job failed alone
            outcomes[lane.pending.popleft()] = why
            lane.alone = False
        else:  # it may have failed for the jobs before it: retry it alone
            lane.alone = True
        launch(lane)

    try:
        for lane in lanes:
            launch(lane)
        while True:
            active = {
                lane.child.reader.descriptor: (lane, lane.child)
                for lane in lanes
                if lane.child is not None
            }
            if not active:
                break
            left = min(lane.deadline for lane, _ in active.values()) - time.monotonic()
            ready, _, _ = select.select(list(active), [], [], max(left, 0))
            for descriptor in ready:
                lane, child = active[descriptor]
                frames, ended = child.reader.take()
                for data in frames:
                    index = lane.running[lane.received]
                    outcome = pickle.loads(data)  # noqa: S301 - our own child
                    outcomes[index] = outcome
                    lane.received += 1
                    lane.pending.popleft()
                    if done is not None and not isinstance(outcome, Crashed):
                        done(index, outcome)
                    lane.deadline = time.monotonic() + timeout
                if lane.received == len(lane.running):
                    lane.alone = False
                    launch(lane)
                elif ended:
                    stopped(lane, _why_it_ended(child))
            now = time.monotonic()
            for lane in lanes:
                if lane.child is not None and lane.deadline <= now:
                    stopped(lane, Crashed("timeout"))
    finally:
        for lane in lanes:
            lane.stack.close()
    return [outcomes[index] for index in range(len(jobs))]

"""The ``parindex`` console script: SIGTERM and Ctrl-C handled from the first
instant, before the command line's heavy imports (typer, polars, Prefect: about
a second on a loaded machine, during which the default action would end the
process without a word, exit -15).

Only the standard library is imported here. A signal before the command line
takes over ends the process the documented way: one Vietnamese line, exit
status 128 + the signal; for ``parindex run`` whose outputs folder exists, a
signal at any moment before its flow starts (importing, checking the inputs,
starting the server) leaves a record of the night stopped before it started
(``runs/``, ``TRANG-THAI.txt``); from then on the flow's hooks record it. Once
the command has ended (its work done and said), a signal is noted and ends the
process after its exit hooks, the same way (``_last_word``). With ``--json``
the line is also the command's JSON answer on stdout, unless it printed one
already (``cli.stopped_json``).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from pathlib import Path


class _Stopped(BaseException):
    """A signal arrived while the command line was being imported."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


_PENDING: list[int] = []


def _early(number: int, _frame: object) -> None:
    """Noted, not raised: an exception raised inside an import (polars, Prefect)
    leaves that module half imported, and recording the night then fails to
    import it again. The command line's import ends (about a second), then the
    signal is acted on. A second signal meanwhile ends the process at once."""
    _PENDING.append(number)
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, signal.SIG_DFL)


def _option(argv: list[str], name: str) -> str | None:
    for index, argument in enumerate(argv):
        if argument == name and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith(name + "="):
            return argument.split("=", 1)[1]
    return None


def _json_asked(argv: list[str]) -> bool:
    """Whether the command line asks for JSON (``run --json``, ``check --json``)."""
    return bool(argv) and argv[0] in ("run", "check") and "--json" in argv


def _record(number: int, argv: list[str]) -> None:
    """``parindex run`` stopped while importing: record the night (its folders
    from the arguments, as the command line reads them)."""
    if not argv or argv[0] != "run":
        return
    year_text = _option(argv, "--year")
    year = int(year_text) if year_text and year_text.isdigit() else None
    outputs = Path(_option(argv, "--outputs") or "outputs")
    inputs = Path(_option(argv, "--inputs") or "inputs")
    try:
        from parindex import cli, messages
        from parindex.province.folder import is_province

        cli.record_refused(
            outputs,
            year,
            messages.RUN_STOPPED_BY_SIGNAL.format(signal=messages.signal_name(number)),
            exit_code=128 + number,
            state="crashed",
            unit=not is_province(inputs),
        )
    except Exception:  # noqa: BLE001, S110 - the line is said; a record is a bonus
        pass


_LATE: list[int] = []
_ENDING: list[int] = []
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _late(number: int, _frame: object) -> None:
    """The command's work is over (its outputs, record and ``--json`` written):
    a signal now is only noted, and the process ends with its status once its
    exit hooks have run (``_last_word``): raised inside them (Prefect sends its
    last events and logs there) it was printed as "Exception ignored" and lost."""
    _LATE.append(number)


def _last_word() -> None:
    """The last exit hook (registered first): ends the process here, with 128 +
    a signal noted or pending since the command's end (its Vietnamese line
    said), else the command's own status. What comes after the exit hooks, the
    interpreter's teardown, runs with the default action of the signals back
    (a SIGTERM there ended the process as -15, without a word): it is skipped,
    the standard streams flushed first. A signal once ``os._exit`` is called is
    discarded by the kernel while it frees the process (README Known limits:
    exit with the command's status, no line)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    if not _ENDING:
        return  # not ended by the command line (stopped while importing it)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    pending = sorted(_STOPS & signal.sigpending())
    number = _LATE[0] if _LATE else (pending[0] if pending else None)
    if number is None:
        os._exit(_ENDING[0])
    if _ENDING[0] != 128 + number:  # not said already: the command's own end
        from parindex import cli, messages

        try:
            sys.stderr.write(
                messages.INTERRUPTED.format(signal=messages.signal_name(number)) + "\n"
            )
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        cli.stopped_json(number)  # its JSON answer, if none is out yet
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
    os._exit(128 + number)


def _ended(code: object) -> None:
    """The command has ended with ``code`` (``SystemExit``'s): what it did is
    complete and said; a signal from now on is noted (``_late``)."""
    if code is None or isinstance(code, int):
        # ``_late`` first: a SIGTERM between the two (``cli._terminate`` still in
        # place) said its line and raised, and the process then ended with the
        # command's status, 0
        for number in _STOPS:
            signal.signal(number, _late)
        _ENDING.append(code or 0)


def main() -> None:
    """Console-script entry point: what ``parindex.cli.main`` does (its signal
    handlers, then the command line), with the signals handled from the start."""
    atexit.register(_last_word)  # first: it runs last of the exit hooks
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _early)
    try:
        from parindex import cli

        cli.JSON_ANSWER["wanted"] = _json_asked(sys.argv[1:])
        if _PENDING:
            raise _Stopped(_PENDING[0])
        # from here on, the command line's own handler (``cli._terminate``)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, cli._terminate)
    except _Stopped as stop:
        # a second signal while recording ends the process at once, quietly
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        from parindex import messages

        sys.stderr.write(
            messages.INTERRUPTED.format(signal=messages.signal_name(stop.number)) + "\n"
        )
        sys.stderr.flush()
        cli.stopped_json(stop.number)
        _record(stop.number, sys.argv[1:])
        raise SystemExit(128 + stop.number) from None
    try:
        cli.app()
    except SystemExit as stop:
        code = stop.code - 128 if isinstance(stop.code, int) else 0
        if code in (signal.SIGINT, signal.SIGTERM) and not any(cli.NIGHT.values()):
            # stopped by a signal before the flow started (``cli._terminate``)
            for each in (signal.SIGINT, signal.SIGTERM):
                signal.signal(each, signal.SIG_DFL)
            _record(code, sys.argv[1:])
        _ended(stop.code)
        raise
    _ended(0)

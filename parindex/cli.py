"""The ``parindex`` command line: run, check, serve.

Prefect is imported only inside ``run`` and ``serve``, so ``check`` answers fast.
"""

from __future__ import annotations

import contextlib
import enum
import importlib.util
import json
import logging
import math
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from parindex import cli_language, messages
from parindex.criteria import CRITERIA_FOLDER, criteria_set_for_year
from parindex.errors import (
    InputsFolderMissing,
    OutputInTheWay,
    OutputsNotWritable,
    ParindexError,
    YearAndAll,
    error_chain,
)
from parindex.ingest.discover import year_folders
from parindex.numbers import round2
from parindex.problems import error_count
from parindex.province.folder import is_province
from parindex.publish import check_writable

cli_language.install()  # click's and typer's own words in Vietnamese
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Tổng hợp Chỉ số cải cách hành chính (PAR INDEX) từ bài nộp của các đơn vị.",
)
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}

InputsOption = Annotated[
    Path,
    typer.Option("--inputs", help="Thư mục đầu vào (criteria/, history.xlsx, <năm>/)."),
]


def _register_client(command: str, folder: Path | None) -> None:
    """This process uses parindex's local server until it ends: ``server stop``
    (from any folder of this user) refuses meanwhile."""
    import atexit

    from parindex import server

    with contextlib.suppress(OSError):  # a record not written only loses the guard
        path = server.register_client(
            server.server_home(), command, (folder or Path(".")).resolve()
        )
        atexit.register(server.unregister_client, path)


def _prefect_api_url(say: Any = None, folder: Path | None = None) -> None:
    """Point this process at a Prefect API before Prefect is imported: the one the
    site configured (it must answer), else parindex's own local server, started
    the first time and reused (``parindex.server``).

    Raises:
        ParindexError: the configured server does not answer, or the local server
            could not be started.
    """
    from parindex import server

    url = _api_url_in_process() or server.configured_api_url()
    if url is not None:
        server.check_reachable(url)
        return
    state = server.ensure_server(say=say)
    os.environ["PREFECT_API_URL"] = state.url
    _register_client("run", folder)


def _serve_prefect_api_url(folder: Path | None = None) -> bool:
    """``serve`` runs unattended: a configured server that is not up yet (after a
    reboot, or lost while serving) is waited for, one line per try; without one,
    parindex's own local server is started or reused. Whether the server is the
    configured one."""
    from parindex import server

    for variable, value in server.OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(variable, value)
    url = server.configured_api_url()
    try:
        if url is None:
            os.environ["PREFECT_API_URL"] = server.ensure_server(say=_say).url
            _register_client("serve", folder)
            return False
    except ParindexError as error:
        raise _fail(error) from None
    server.wait_until_reachable(url, _say)
    return True


def _api_url_in_process() -> str | None:
    """The API an already imported Prefect uses (a test harness, an embedding
    program); None when Prefect is not imported yet."""
    if "prefect.settings" not in sys.modules:
        return None
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def _fail(error: ParindexError, *, as_json: bool = False) -> typer.Exit:
    """Say why the command stops (stderr; with ``--json`` also a JSON object on
    stdout: ``{"error": message, "exit_code": n}``) and exit with its status."""
    typer.echo(f"Lỗi: {error}", err=True)
    if as_json:
        _echo_json({"error": str(error), "exit_code": error.exit_code})
    return typer.Exit(code=error.exit_code)


def _rounded(value: Any) -> Any:
    """A JSON-ready value with every float rounded to 2 decimals."""
    if isinstance(value, float):
        return round2(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


# What ``--json`` has answered on stdout: a command stopped by a signal prints
# its JSON object (``stopped_json``) unless one is out already (its result, its
# error): stdout holds one JSON document, never two (``--all`` prints a list)
JSON_ANSWER = {"wanted": False, "printed": False}
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _echo_json(value: Any) -> None:
    """Print the command's JSON document. A signal meanwhile is held until it is
    out (its handler then says the line only): run inside the write, it printed
    its own object into the middle of this one."""
    text = json.dumps(_rounded(value), ensure_ascii=False, indent=2)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        typer.echo(text)
        JSON_ANSWER["printed"] = True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def stopped_json(number: int) -> None:
    """With ``--json`` and nothing printed on stdout yet: the command stopped by
    signal ``number`` answers ``{"error": <its line>, "exit_code": 128 + n}``."""
    if not JSON_ANSWER["wanted"] or JSON_ANSWER["printed"]:
        return
    text = messages.INTERRUPTED.format(signal=messages.signal_name(number))
    # stdout closed, or caught in the middle of a write: the line is said
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        _echo_json({"error": text, "exit_code": 128 + number})


@contextlib.contextmanager
def _prefect_environment(verbose: bool) -> Iterator[None]:
    """Quiet, offline-friendly Prefect settings for a command-line run."""
    from parindex.server import OFFLINE_ENVIRONMENT

    for variable, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(variable, value)
    if not verbose:
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "ERROR")
        # Prefect's background services (events, logs) report a lost server once
        # per item: the run says it once itself (``_api_lost``)
        os.environ.setdefault("PREFECT_LOGGING_INTERNAL_LEVEL", "CRITICAL")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if not verbose:
        _quiet_when_api_lost()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


class _NotApiLost(logging.Filter):
    """Without ``--verbose``, drops a log record that repeats in English what the
    command says once in Vietnamese: the Prefect API lost (``_api_lost``), a
    user-caused error (a ``ParindexError``: ``_fail``), a run stopped by SIGTERM
    or Ctrl-C (``_terminate``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flows.consolidate import api_lost

        message = record.getMessage()
        if message.startswith(("Crash detected!", "Finished in state Crashed")):
            if _is_signal_crash(message):
                return False
        if message.startswith("Finished in state") and _names_user_error(message):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if _user_error(error) or _stopped(error):
            return False
        return api_lost(error) is None


def _is_signal_crash(message: str) -> bool:
    return any(
        words in message
        for words in ("termination signal", "interrupt signal", "Python system exit")
    )


def _names_user_error(message: str) -> bool:
    """Prefect's "Finished in state Failed(...)" line names the exception's class."""
    from parindex import errors

    return any(
        f"{name}:" in message or f"{name}(" in message
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, ParindexError)
    )


def _user_error(error: BaseException) -> bool:
    """Whether ``error`` is, or comes from, a ``ParindexError``."""
    return any(isinstance(current, ParindexError) for current in error_chain(error))


def _stopped(error: BaseException) -> bool:
    from prefect.exceptions import TerminationSignal

    return isinstance(error, SystemExit | KeyboardInterrupt | TerminationSignal)


def _quiet_when_api_lost() -> None:
    """Without ``--verbose``, a server lost during the run, a user-caused error
    raised in the flow or a signal is one Vietnamese message, not Prefect's
    tracebacks and a line per event it could not send (its background workers'
    loggers are silenced; the flow's own warnings stay). After the flows are
    imported: Prefect configures its logging then, which would reset these
    loggers."""
    import flows.consolidate  # noqa: F401

    # Prefect's queue services log under their class names ("Still processing
    # items: …" while the process ends with events still queued)
    for name in ("prefect.events.clients", "EventsWorker", "APILogWorker"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for name in ("prefect.flow_runs", "prefect.task_runs", "prefect.engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NotApiLost) for f in logger.filters):
            logger.addFilter(_NotApiLost())


class Runner(enum.StrEnum):
    """Where the flow reads the batches of files (``flows.consolidate.RUNNERS``)."""

    thread = "thread"
    process = "process"
    dask = "dask"


RunnerOption = Annotated[
    Runner,
    typer.Option(
        help=(
            "Nơi đọc các lô tệp: thread (trong tiến trình này), process (nhiều tiến "
            "trình trên máy này), dask (cụm Dask, cần gói prefect-dask)."
        ),
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(help="Số tiến trình đọc (process, dask); mặc định: số lõi CPU."),
]
DaskAddressOption = Annotated[
    str | None,
    typer.Option(help="Địa chỉ scheduler Dask có sẵn (tcp://máy:8786)."),
]


def _check_runner(runner: Runner) -> None:
    """``--runner dask`` needs prefect-dask: say so before Prefect starts."""
    if (
        runner is not Runner.dask
        or importlib.util.find_spec("prefect_dask") is not None
    ):
        return
    typer.echo(messages.DASK_NOT_INSTALLED, err=True)
    raise typer.Exit(code=2)


def _print_outcome(outcome: dict[str, Any], console: Console) -> None:
    table = RichTable(title=f"Chỉ số CCHC năm {outcome['year']}", show_header=False)
    if "result" in outcome:
        table.add_row("Kết quả", outcome["result"])
    headline = outcome.get("headline")
    total = f"{outcome['total']:.2f}".replace(".", ",")
    table.add_row("Tổng điểm", headline["figure"] if headline else total)
    if headline and headline.get("change"):
        table.add_row("So với năm trước", headline["change"])
    table.add_row(
        "Trạng thái", "chính thức" if outcome["status"] == "final" else "tạm tính"
    )
    table.add_row("Số tệp", str(outcome["files"]))
    table.add_row("Lỗi / cảnh báo", f"{outcome['errors']} / {outcome['warnings']}")
    if outcome.get("rows_set_aside"):
        table.add_row("Dòng bị loại", "\n".join(outcome["rows_set_aside"]))
    table.add_row("Bảng tổng hợp", outcome["scorecard"])
    table.add_row("Tóm tắt JSON", outcome["summary"])
    table.add_row("Thay đổi", "\n".join(outcome["changes"]))
    console.print(table)


@app.command()
def run(
    year: Annotated[
        int | None, typer.Option(help="Năm đánh giá (mặc định: năm mới nhất).")
    ] = None,
    all_years: Annotated[
        bool, typer.Option("--all", help="Tổng hợp mọi năm có thư mục, theo thứ tự.")
    ] = False,
    inputs: InputsOption = Path("inputs"),
    outputs: Annotated[Path, typer.Option(help="Thư mục kết quả.")] = Path("outputs"),
    settle_seconds: Annotated[
        float,
        typer.Option(help="Bỏ qua tệp vừa sửa trong số giây này (đang được ghi)."),
    ] = 0.0,
    as_json: Annotated[
        bool, typer.Option("--json", help="In kết quả dạng JSON.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Không in gì khi thành công.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="In nhật ký của Prefect.")
    ] = False,
    runner: RunnerOption = Runner.thread,
    workers: WorkersOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Tổng hợp một năm (hoặc mọi năm) qua Prefect flow; ghi bảng tổng hợp, JSON, tệp
    từng đơn vị."""
    from parindex import pipeline  # the renderers: not needed by `check`

    JSON_ANSWER.update(wanted=as_json, printed=False)
    _check_runner(runner)
    if all_years and year is not None:
        raise _fail(YearAndAll(messages.YEAR_AND_ALL), as_json=as_json)
    if not inputs.is_dir():  # a share not mounted: say so, not "no year folder"
        missing = InputsFolderMissing(
            messages.INPUTS_FOLDER_MISSING.format(folder=inputs)
        )
        record_refused(outputs, year, str(missing), exit_code=missing.exit_code)
        raise _fail(missing, as_json=as_json)
    if is_province(inputs):
        _run_province(
            inputs,
            outputs,
            year=year,
            all_years=all_years,
            settle_seconds=settle_seconds,
            show=(as_json, quiet, verbose),
            runner=(runner, workers, dask_address),
        )
        return
    known = year
    try:
        if all_years:
            years = year_folders(inputs)
            if not years:
                pipeline.latest_year(inputs)  # raises the "no year folder" error
        else:
            years = [year if year is not None else pipeline.latest_year(inputs)]
        known = years[-1]
        for chosen in years:  # fail fast, before Prefect starts
            pipeline.load_criteria(inputs, chosen)
        check_writable(outputs)
        _prefect_api_url(say=None if quiet or as_json else _say, folder=outputs)
    except ParindexError as error:
        if _recordable(error):
            record_refused(outputs, known, str(error), exit_code=error.exit_code)
        raise _fail(error, as_json=as_json) from None
    with _prefect_environment(verbose):
        from flows.consolidate import flow_with_runner

        consolidate_flow = flow_with_runner(
            runner.value, workers=workers, dask_address=dask_address
        )
        _run_years(
            consolidate_flow,
            years,
            inputs,
            outputs,
            settle_seconds,
            show=(as_json, quiet),
            all_years=all_years,
            print_outcome=_print_outcome,
            unit=(inputs, True),
        )


# Where ``parindex run`` stands, for a signal that ends it before its flow starts
# (``parindex.entry``): once the flow runs, its own hooks record how it ended.
NIGHT = {"flow_started": False, "recorded": False}


def _recordable(error: ParindexError) -> bool:
    """Whether a refused night can leave its record in the outputs folder: not when
    the folder itself cannot be written (read-only, full, a dangling link), but yes
    when only one output path is blocked (``OutputInTheWay``): the rest of the folder
    takes the record and the status page says why."""
    return not isinstance(error, OutputsNotWritable) or isinstance(
        error, OutputInTheWay
    )


def record_refused(
    outputs: Path,
    year: int | None,
    error: str,
    *,
    exit_code: int,
    state: str = "failed",
    unit: bool = True,
) -> None:
    """A night refused before its flow started: its record in ``runs/`` and
    ``TRANG-THAI.txt`` saying it did not run and why (``run_record.
    record_refused_night``; for a province, ``unit`` False,
    ``parindex.province.status.record_refused_night``), when the outputs folder
    exists and can be written; otherwise nothing (the message on the terminal is
    all there is)."""
    NIGHT["recorded"] = True
    if not outputs.is_dir():
        return
    import time

    from parindex import run_record as record

    with contextlib.suppress(OSError, ParindexError, ValueError):
        folder = outputs.resolve()
        if not unit:  # a province: its own record and status page
            from parindex.province import status as province_status

            province_status.record_refused_night(
                folder,
                record.refused_year(folder, year),
                error=error,
                exit_code=exit_code,
                now=time.time(),
                state=state,
            )
            return
        record.record_refused_night(
            folder,
            record.refused_year(folder, year),
            error=error,
            exit_code=exit_code,
            now=time.time(),
            state=state,
            status_file=unit,
        )


def _run_years(
    flow: Any,
    years: list[int],
    inputs: Path,
    outputs: Path,
    settle_seconds: float,
    *,
    show: tuple[bool, bool],
    all_years: bool,
    print_outcome: Any,
    unit: tuple[Path, bool] | None = None,
) -> None:
    """Run ``flow`` for each year in order, showing each outcome (a table, or with
    ``--json`` one object for one year and always a list with ``--all``).

    ``unit``: the inputs folder and whether it is a unit's (its criteria name the
    departments in ``TRANG-THAI.txt``) or a province's. A Prefect server lost
    during a year ends the command (``_api_lost``)."""
    as_json, quiet = show
    outcomes: list[Any] = []
    console = Console()
    NIGHT["flow_started"] = True
    from flows.consolidate import launched

    for chosen in years:
        try:
            with (
                console.status(f"Đang tổng hợp năm {chosen}…", spinner="dots"),
                launched(outputs, chosen),  # found by the next night if killed
            ):
                outcome = flow(
                    inputs=str(inputs),
                    outputs=str(outputs),
                    year=chosen,
                    settle_seconds=settle_seconds,
                )
        except ParindexError as error:
            if as_json and all_years and outcomes:  # the years done are kept
                typer.echo(f"Lỗi: {error}", err=True)
                stopped = {"error": str(error), "exit_code": error.exit_code}
                _echo_json([*outcomes, {"year": chosen, **stopped}])
                raise typer.Exit(code=error.exit_code) from None
            raise _fail(error, as_json=as_json) from None
        except Exception as error:  # noqa: BLE001 - only the API lost is handled
            from flows.consolidate import api_lost

            reason = api_lost(error)
            if reason is None:
                raise
            _api_lost(outputs, chosen, reason, as_json=as_json, unit=unit)
        outcomes.append(outcome)
        if not as_json and not quiet:
            print_outcome(outcome, console)
    if as_json:  # numbers rounded to 2 decimals (round2), as for a unit
        _echo_json(outcomes if all_years else outcomes[0])


API_LOST_EXIT = 3


def _api_lost(
    outputs: Path,
    year: int,
    reason: str,
    *,
    as_json: bool,
    unit: tuple[Path, bool] | None,
) -> None:
    """The Prefect server was lost during the run of ``year`` (gone, timed out, or
    answering HTTP 5xx): record the run as failed (``runs/``, ``TRANG-THAI.txt``),
    say so in Vietnamese, and end the process with ``API_LOST_EXIT`` at once
    (Prefect would otherwise spend minutes trying to send its queued events and
    logs to the lost server; the flow's own clean-up has already run)."""
    import time

    from parindex import pipeline
    from parindex import run_record as record
    from parindex.server import configured_api_url

    url = os.environ.get("PREFECT_API_URL") or configured_api_url() or "?"
    error = messages.RUN_API_LOST_ERROR.format(url=url, reason=reason)
    departments = None
    inputs, is_unit = unit if unit is not None else (None, False)
    if inputs is not None and is_unit:
        with contextlib.suppress(ParindexError):
            criteria_set = pipeline.load_criteria(inputs, year)
            departments = [(d.code, d.name) for d in criteria_set.departments]
    try:
        record.clear_launches_of_process(outputs.resolve(), year)  # recorded here
        if inputs is not None and not is_unit:  # a province: its record and page
            from parindex.province import status as province_status

            path = province_status.record_lost_run(
                outputs.resolve(), year, error=error, now=time.time()
            )
        else:
            path = record.record_lost_run(
                outputs.resolve(),
                year,
                error=error,
                now=time.time(),
                departments=departments,
                status_file=is_unit,
            )
        written = f"{record.RUNS_FOLDER}/{path.name}"
    except (OSError, ParindexError) as failure:
        written = str(failure)
    text = messages.RUN_API_LOST.format(
        url=url, reason=reason, year=year, record=written
    )
    typer.echo(f"Lỗi: {text}", err=True)
    if as_json:
        _echo_json({"error": text, "exit_code": API_LOST_EXIT})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(API_LOST_EXIT)


def _print_province(outcome: dict[str, Any], console: Console) -> None:
    table = RichTable(
        title=f"Chỉ số CCHC toàn tỉnh năm {outcome['year']}", show_header=False
    )
    if "result" in outcome:
        table.add_row("Kết quả", outcome["result"])
    table.add_row("Số đơn vị", str(outcome["units"]))
    table.add_row("Chưa nộp", ", ".join(outcome["missing_units"]) or "không")
    if outcome.get("unusable_units"):
        table.add_row(
            "Đã nộp, tệp không dùng được", ", ".join(outcome["unusable_units"])
        )
    table.add_row("Bảng tổng hợp tỉnh", outcome["workbook"])
    table.add_row("Tóm tắt JSON", outcome["summary"])
    table.add_row("Số tệp thay đổi", str(len(outcome["changed"])))
    console.print(table)


def _run_province(
    inputs: Path,
    outputs: Path,
    *,
    year: int | None,
    all_years: bool,
    settle_seconds: float,
    show: tuple[bool, bool, bool],
    runner: tuple[Runner, int | None, str | None],
) -> None:
    """``run`` on a province folder: every unit, ranked within its group."""
    from parindex.province.run import plan_province

    as_json, quiet, verbose = show
    try:
        planned = plan_province(inputs, year)  # fail fast, before Prefect starts
        years = [planned.year]
        if all_years:
            years = sorted(
                {y for u in planned.province.units for y in year_folders(u.folder)}
            )
        check_writable(outputs)
        _prefect_api_url(say=None if show[0] or show[1] else _say, folder=outputs)
    except ParindexError as error:
        if _recordable(error):  # the province's record and status page
            record_refused(
                outputs, year, str(error), exit_code=error.exit_code, unit=False
            )
        raise _fail(error, as_json=as_json) from None
    with _prefect_environment(verbose):
        from flows.province import province_flow_with_runner

        province_flow = province_flow_with_runner(
            runner[0].value, workers=runner[1], dask_address=runner[2]
        )
        _run_years(
            province_flow,
            years,
            inputs,
            outputs,
            settle_seconds,
            show=(as_json, quiet),
            all_years=all_years,
            print_outcome=_print_province,
            unit=(inputs, False),
        )


@app.command()
def check(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="TỆP...", help="Các tệp chấm điểm cần kiểm tra."),
    ],
    inputs: InputsOption = Path("inputs"),
    as_json: Annotated[
        bool, typer.Option("--json", help="In các vấn đề dạng JSON.")
    ] = False,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria",
            help="Tệp bộ chỉ số (mặc định: tìm trong <inputs>/criteria, "
            "thư mục criteria hoặc cạnh tệp chấm điểm).",
        ),
    ] = None,
) -> None:
    """Kiểm tra tệp chấm điểm trước khi nộp: in các vấn đề, mã thoát 1 nếu có lỗi."""
    from parindex.check import check_files

    JSON_ANSWER.update(wanted=as_json, printed=False)
    try:
        problems = check_files(files, inputs, criteria)
    except ParindexError as error:
        raise _fail(error, as_json=as_json) from None
    if as_json:
        _echo_json(problems.to_dicts())
    elif problems.is_empty():
        typer.echo("Không có vấn đề nào.")
    else:
        table = RichTable(
            "Mức độ", "Tệp", "Sheet", "Ô", "Tiêu chí", "Nội dung", show_lines=True
        )
        for row in problems.iter_rows(named=True):
            table.add_row(
                SEVERITY_WORDS[row["severity"]],
                row["file"] or "",
                row["sheet"] or "",
                row["cell"] or "",
                row["criterion"] or "",
                row["message"],
            )
        Console(width=160).print(table)
    if error_count(problems):
        raise typer.Exit(code=1)


@app.command()
def template(
    year: Annotated[
        int | None, typer.Option(help="Năm đánh giá (mặc định: năm mới nhất).")
    ] = None,
    department: Annotated[
        str | None, typer.Option(help="Chỉ tạo mẫu cho đơn vị này (mã hoặc tên).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Thư mục ghi mẫu (mặc định: outputs/<năm>/mau-cham-diem)."),
    ] = None,
    inputs: InputsOption = Path("inputs"),
) -> None:
    """Tạo bảng chấm điểm trống cho từng đơn vị, điền sẵn các tiêu chí đơn vị phụ trách."""
    from parindex import pipeline
    from parindex.template import write_templates

    try:
        chosen = year if year is not None else pipeline.latest_year(inputs)
        criteria_set = criteria_set_for_year(inputs / CRITERIA_FOLDER, chosen)
        target = out or Path("outputs") / str(chosen) / "mau-cham-diem"
        written = write_templates(criteria_set, chosen, target, department)
    except ParindexError as error:
        raise _fail(error) from None
    for path in written:
        typer.echo(str(path))


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="Lịch chạy (cron).")] = "0 1 * * *",
    timezone: Annotated[
        str, typer.Option(help="Múi giờ của lịch.")
    ] = "Asia/Ho_Chi_Minh",
    year: Annotated[
        int | None, typer.Option(help="Năm (mặc định: năm mới nhất).")
    ] = None,
    inputs: InputsOption = Path("inputs"),
    outputs: Annotated[Path, typer.Option(help="Thư mục kết quả.")] = Path("outputs"),
    settle_seconds: Annotated[
        float, typer.Option(help="Bỏ qua tệp vừa sửa trong số giây này.")
    ] = 60.0,
    runner: RunnerOption = Runner.thread,
    workers: WorkersOption = None,
    dask_address: DaskAddressOption = None,
    notify: Annotated[
        str | None,
        typer.Option(
            help=(
                "Địa chỉ web (webhook) nhận thông báo khi một lần chạy thất bại hoặc "
                "bị gián đoạn (POST JSON có subject, body)."
            )
        ),
    ] = None,
    retries: Annotated[
        int, typer.Option(help="Số lần chạy lại một lần tổng hợp thất bại.")
    ] = 2,
    retry_delay: Annotated[
        int, typer.Option(help="Số giây chờ trước khi chạy lại.")
    ] = 600,
) -> None:
    """Chạy tổng hợp hằng đêm như một Prefect deployment (mặc định 01:00 giờ Việt Nam)."""
    _check_runner(runner)
    configured = _serve_prefect_api_url(outputs)
    while True:  # until stopped: a server lost is waited for, then served again
        try:
            _serve_once(
                inputs,
                outputs,
                cron=cron,
                timezone=timezone,
                year=year,
                settle_seconds=settle_seconds,
                runner=(runner, workers, dask_address),
                notify=notify,
                retries=(retries, retry_delay),
            )
        except Exception as error:  # noqa: BLE001 - only the server lost is handled
            from flows.consolidate import api_lost

            reason = api_lost(error)
            if reason is None:
                raise
        else:
            reason = _server_gone()
            if reason is None:  # stopped on purpose (SIGTERM, Ctrl-C)
                return
        server_url = os.environ.get("PREFECT_API_URL", "?")
        if not configured:  # the local server comes back on another port: this
            # process's Prefect keeps the old one; a new serve (systemd) takes it
            _say(messages.SERVE_LOCAL_SERVER_LOST.format(url=server_url, reason=reason))
            raise typer.Exit(code=1)
        _say(messages.SERVE_SERVER_LOST.format(url=server_url, reason=reason))
        from parindex import server

        server.wait_until_reachable(server_url, _say)


def _server_gone() -> str | None:
    """Why the Prefect API this serve uses does not answer, or None when it does."""
    from parindex import server

    url = os.environ.get("PREFECT_API_URL")
    return server.health_error(url) if url else None


def _serve_once(
    inputs: Path,
    outputs: Path,
    *,
    cron: str,
    timezone: str,
    year: int | None,
    settle_seconds: float,
    runner: tuple[Runner, int | None, str | None],
    notify: str | None,
    retries: tuple[int, int],
) -> None:
    """Serve until Prefect's runner stops: on a signal, or when it gave up on a
    server that no longer answers (its polls fail a few times in a row)."""
    chosen, workers, dask_address = runner
    if is_province(inputs):  # one deployment serves the whole province
        from flows.province import serve_province_nightly

        serve_province_nightly(
            inputs,
            outputs,
            cron=cron,
            timezone=timezone,
            year=year,
            settle_seconds=settle_seconds,
            runner=chosen.value,
            workers=workers,
            dask_address=dask_address,
        )
        return
    from flows.deploy import serve_nightly

    serve_nightly(
        inputs,
        outputs,
        cron=cron,
        timezone=timezone,
        year=year,
        settle_seconds=settle_seconds,
        runner=chosen.value,
        workers=workers,
        dask_address=dask_address,
        notify=notify,
        retries=retries[0],
        retry_delay_seconds=retries[1],
    )


def _terminate(number: int, _frame: object) -> None:
    """SIGINT (Ctrl-C) and SIGTERM end the command the same way: say so (with
    ``--json`` also on stdout, unless its JSON is out already: ``stopped_json``),
    then ``SystemExit`` so that ``finally`` blocks run (reader children killed,
    the staging folder and the lock released); exit status 128 + the signal."""
    typer.echo(
        messages.INTERRUPTED.format(signal=messages.signal_name(number)), err=True
    )
    stopped_json(number)
    raise SystemExit(128 + number)


def _say(line: str) -> None:
    typer.echo(line, err=True)


server_app = typer.Typer(
    no_args_is_help=True,
    help=(
        "Máy chủ Prefect cục bộ của parindex (dùng khi không đặt PREFECT_API_URL): "
        "tự khởi động ở lần chạy đầu, dùng lại ở các lần sau."
    ),
)
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start() -> None:
    """Khởi động máy chủ cục bộ (nếu chưa chạy) và in địa chỉ của nó."""
    from parindex import server

    try:
        state = server.ensure_server(say=_say)
    except ParindexError as error:
        raise _fail(error) from None
    _echo_server(state)


def _echo_server(state: Any) -> None:
    from parindex import messages as text

    typer.echo(
        text.SERVER_RUNNING.format(
            url=state.url,
            pid=state.pid,
            version=state.prefect_version,
            started_at=state.started_at,
            home=state.prefect_home,
        )
    )


@server_app.command("status")
def server_status() -> None:
    """Máy chủ cục bộ có đang chạy không (mã thoát 0 có, 1 không)."""
    from parindex import server

    configured = server.configured_api_url()
    if configured is not None:
        typer.echo(messages.SERVER_CONFIGURED.format(url=configured))
    state, healthy = server.server_status()
    if state is None:
        typer.echo(messages.SERVER_NONE.format(home=server.server_home()))
        raise typer.Exit(code=1)
    if not healthy:
        typer.echo(messages.SERVER_NOT_ANSWERING.format(pid=state.pid, url=state.url))
        raise typer.Exit(code=1)
    _echo_server(state)
    typer.echo(messages.SERVER_SHARED.format(home=server.server_home()))


@server_app.command("stop")
def server_stop(
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Dừng cả khi đang có lần chạy dùng máy chủ (các lần chạy đó thất bại).",
        ),
    ] = False,
) -> None:
    """Dừng máy chủ cục bộ (lần chạy sau sẽ khởi động lại). Máy chủ dùng chung cho mọi
    thư mục parindex của người dùng: không dừng khi đang có lần chạy dùng nó."""
    from parindex import server

    try:
        state = server.stop_server(force=force)
    except ParindexError as error:
        raise _fail(error) from None
    if state is None:
        typer.echo(messages.SERVER_NONE.format(home=server.server_home()))
        return
    typer.echo(messages.SERVER_STOPPED.format(pid=state.pid, url=state.url))
    typer.echo(messages.SERVER_SHARED.format(home=server.server_home()))


def main() -> None:
    """Console-script entry point."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _terminate)
    app()

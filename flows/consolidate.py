"""The consolidation as a Prefect flow: wiring only, the work is in ``parindex``.

Tasks are coarse (one per stage, never one per file): each Prefect task run costs a
few milliseconds, more than reading a submission. No task caches its result: Prefect's
default cache policy hashes every task's inputs, which for a province means pickling
the whole year's rows and result again at every stage (seconds and hundreds of MB).

The task runner is the one way work runs in parallel (``RUNNERS``: threads of this
process, a pool of processes, or a Dask cluster). Two stages go through it when
they have more than one piece: the files, read in batches of ``BATCH_FILES``, and
the department workbooks to render, in chunks of ``DEPARTMENTS_PER_CHUNK`` (only
those whose department changed). A district's folder is one batch and one chunk,
done in the flow's own thread. A chunk's task returns the workbooks' bytes; the
flow's process writes them into its staging folder, under the outputs lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast
from uuid import UUID

import httpx
import polars as pl
from prefect import Flow, flow, get_client, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.client.schemas.objects import FlowRun, State
from prefect.client.schemas.responses import SetStateStatus
from prefect.context import FlowRunContext, TagsContext
from prefect.exceptions import (
    MissingContextError,
    PrefectHTTPStatusError,
    TerminationSignal,
)
from prefect.logging.loggers import flow_run_logger
from prefect.states import Completed, Crashed, Failed
from prefect.task_runners import (
    ProcessPoolTaskRunner,
    TaskRunner,
    ThreadPoolTaskRunner,
)
from prefect.transactions import Transaction
from prefect.utilities.annotations import unmapped

from parindex import messages, pipeline
from parindex import run_record as record
from parindex.analysis import AnalysedResult
from parindex.consolidate import YearResult
from parindex.criteria import CriteriaSet
from parindex.errors import ParindexError, error_chain
from parindex.history import History
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import (
    BATCH_FILES,
    Ingested,
    ReadBatch,
    candidate_batches,
    collect_year,
    last_year_digests,
    read_batch,
    unit_place_of,
)
from parindex.ingest.discover import DroppedFile, discover
from parindex.ingest.places import UnitPlace
from parindex.ingest.winners import rows_set_aside
from parindex.night import (
    RepeatedRun,
    fingerprint,
    print_kept,
    repeat_last_run,
    tune_collector,
)
from parindex.previous import PreviousYear
from parindex.problems import concat_problems
from parindex.publish.outputs import DEPARTMENTS_PER_CHUNK, DepartmentChunk
from parindex.render.markdown import summary_pieces
from parindex.render.prose import STATUS_WORDS, headline_record
from parindex.settings import UnitSettings, usable_cores
from parindex.text import format_vn

FLOW_NAME = "parindex-consolidate"
RUNNERS = ("thread", "process", "dask")
# A district consolidates in seconds and a province in minutes: a run still going
# after this long is stuck (a share that hangs) and is failed, and recorded.
TIMEOUT_SECONDS = 4 * 3600


@task(name="load-criteria-and-history", cache_policy=NO_CACHE)
def load_inputs(
    inputs: Path, year: int, outputs: Path | None = None
) -> tuple[CriteriaSet, History, pl.DataFrame]:
    """Read the criteria set in force (kept between nights in ``outputs``) and
    the published history."""
    criteria_set = pipeline.load_criteria(inputs, year, outputs)
    history, problems = pipeline.load_history(inputs)
    return criteria_set, history, problems


@task(name="discover-submissions", cache_policy=NO_CACHE)
def discover_submissions(
    inputs: Path, year: int, settle_seconds: float, now: float | None = None
) -> list[DroppedFile]:
    """Every entry of the year's drop folder, with what is to be read (``now``:
    the run's clock, default the time of the call)."""
    now = time.time() if now is None else now
    return discover(inputs / str(year), year, now, settle_seconds)


@task(name="read-submissions", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def read_submissions(
    entries: list[DroppedFile],
    criteria_set: CriteriaSet,
    year: int,
    cache: ReadCache | None = None,
    workers: int | None = None,
) -> ReadBatch:
    """Read one batch of files (each once, or from the parse cache) into rows and
    per-file outcomes (``workers``: reader children at once; None: one per core,
    shared with the other threads reading)."""
    return read_batch(entries, criteria_set, year, cache, workers=workers)


@task(name="collect-submissions", cache_policy=NO_CACHE)
def collect(
    dropped: list[DroppedFile],
    batches: list[ReadBatch],
    criteria_set: CriteriaSet,
    year: int,
    now: float,
    *,
    cache: ReadCache | None = None,
    unit: UnitPlace | None = None,
    last_year: dict[str, str] | None = None,
) -> Ingested:
    """Account for every file and validate all rows read, as one frame (``now``:
    the run's clock, the one discovery used; ``cache``: where what was checked
    is kept for the next night; ``unit``: the unit's own place; ``last_year``:
    last year's files by digest, ``last_year_digests``)."""
    return collect_year(
        dropped,
        batches,
        criteria_set,
        year,
        now=now,
        cache=cache,
        unit=unit,
        last_year=last_year,
    )


def ingest(
    inputs: Path,
    year: int,
    criteria_set: CriteriaSet,
    settle_seconds: float,
    batch_files: int = BATCH_FILES,
    *,
    cache: ReadCache | None = None,
) -> Ingested:
    """Discover, read (through the task runner when there are several batches) and
    collect the year's submissions."""
    now = time.time()  # one clock for discovery and the save-time rule
    dropped = discover_submissions(inputs, year, settle_seconds, now)
    batches = candidate_batches(dropped, batch_files)
    if len(batches) <= 1:  # a district: nothing to share out
        reads = [
            read_submissions(entries, criteria_set, year, cache) for entries in batches
        ]
    else:
        # worker processes (process, Dask) already spread the batches over the
        # cores: one reader child each, not one per core in every worker
        context = FlowRunContext.get()
        runner = getattr(context, "task_runner", None)
        in_threads = runner is None or isinstance(runner, ThreadPoolTaskRunner)
        futures = read_submissions.map(
            batches,
            criteria_set=unmapped(criteria_set),
            year=unmapped(year),
            cache=unmapped(cache),
            workers=unmapped(None if in_threads else 1),
        )
        reads = futures.result()
    return collect(
        dropped,
        reads,
        criteria_set,
        year,
        now,
        cache=cache,
        unit=unit_place_of(inputs, criteria_set),
        last_year=last_year_digests(inputs, year, dropped),
    )


@task(name="consolidate-previous-year", cache_policy=NO_CACHE)
def previous_year(inputs: Path, year: int, outputs: Path) -> PreviousYear:
    """The previous year from its own submissions (through the parse cache in
    ``outputs``), when there are any, and the warnings about forms of ``year``
    lying in its folder."""
    return pipeline.previous_year(inputs, year, time.time(), outputs)


@task(name="consolidate", cache_policy=NO_CACHE)
def consolidate(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
    *,
    unit: UnitSettings | None = None,
    previous_set: CriteriaSet | None = None,
) -> AnalysedResult:
    """Sum the tree, compare with the previous year, reconcile with published
    figures, and analyse."""
    return pipeline.build_result(
        criteria_set,
        ingested,
        previous,
        history,
        history_problems,
        unit=unit,
        previous_set=previous_set,
    )


@task(name="render-department-workbooks", cache_policy=NO_CACHE)
def render_departments(
    chunk: DepartmentChunk, render: Callable[[DepartmentChunk], list[bytes]]
) -> list[bytes]:
    """Render one chunk of department workbooks (``render``:
    ``parindex.publish.outputs.render_department_chunk``); their bytes."""
    return render(chunk)


def in_flight() -> int:
    """How many chunks are handed to the task runner at a time: enough to keep
    every core busy, few enough that the chunks waiting (each pickled for a
    process runner: at 1000 departments, 21 MB for 100) do not add up."""
    return 2 * usable_cores()


def map_through_runner(
    render: Callable[[DepartmentChunk], list[bytes]], chunks: list[DepartmentChunk]
) -> Iterator[list[bytes]]:
    """``parindex.publish.outputs.MapChunks`` through the flow's task runner: one
    mapped task per chunk, at most ``in_flight()`` at a time, results in order.
    A single chunk (a district, a night where few departments changed) is
    rendered in this thread, without a task."""
    if len(chunks) <= 1:
        return map(render, chunks)
    window = in_flight()
    waiting = list(chunks)
    with _outside_transaction():
        submitted = list(
            render_departments.map(waiting[:window], render=unmapped(render))
        )
    del waiting[:window]

    def results() -> Iterator[list[bytes]]:
        while submitted:
            done = submitted.pop(0).result()  # raises the chunk's error
            if waiting:
                with _outside_transaction():
                    submitted.append(
                        render_departments.submit(waiting.pop(0), render=render)
                    )
            yield done

    return results()


@contextlib.contextmanager
def _outside_transaction() -> Iterator[None]:
    """Tasks submitted in the block are no children of the calling task's
    transaction. ``publish`` maps the department chunks from inside its task;
    as children, each chunk's transaction, with its result staged (the chunk's
    workbook bytes), stayed in ``publish``'s until ``publish`` ended: ≈ 75 MiB at
    5000 departments (issue 13, memory). The chunks commit nothing (no cache
    key), so their transactions have nothing to hand to a parent."""
    token = Transaction.__var__.set(None)  # type: ignore[arg-type]
    try:
        yield
    finally:
        Transaction.__var__.reset(token)


@task(name="write-outputs", cache_policy=NO_CACHE)
def publish(
    result: AnalysedResult,
    ingested: Ingested,
    inputs: Path,
    outputs: Path,
    fingerprint: str | None = None,
    *,
    chunk_size: int = DEPARTMENTS_PER_CHUNK,
    announce: Callable[[list[str], Path], object] | None = None,
) -> pipeline.Written:
    """Write the workbooks and the summary atomically, archive the submissions;
    the department workbooks to render go through the flow's task runner;
    ``announce`` writes the status page before the outputs move."""
    return pipeline.publish_outputs(
        result,
        ingested,
        inputs,
        outputs,
        run_at=time.time(),
        fingerprint=fingerprint,
        map_chunks=map_through_runner,
        chunk_size=chunk_size,
        announce=announce,
    )


ARTIFACT_CHARACTERS = 1_000_000
"""The most of the Markdown summary a Prefect artifact carries: every real unit's
whole (tens of KB); at 5000 departments the summary is 38 MB, and building it
whole for the artifact (then its JSON for the API) was ``parindex run``'s peak."""


def artifact_summary(result: AnalysedResult, limit: int = ARTIFACT_CHARACTERS) -> str:
    """``markdown_summary(result)`` when it is at most ``limit`` characters;
    otherwise its lines up to ``limit`` and a note naming the file holding it all
    (the rest is never built as one text)."""
    kept: list[str] = []
    size = 0
    for piece in summary_pieces(result):
        if size + len(piece) <= limit:
            kept.append(piece)
            size += len(piece)
            continue
        head = "".join(kept) + piece[: limit - size]
        file = f"summary-{result.year}.md"
        note = messages.ARTIFACT_CUT.format(
            limit=f"{limit:,}".replace(",", "."), file=file
        )
        return head[: head.rfind("\n")] + "\n\n" + note + "\n"
    return "".join(kept)


def _logged_total(total: float | None, status: str | None = None) -> str:
    """The total as the run's log line gives it: ``tổng điểm 79,24 (chính
    thức)``, or ``chưa có điểm (…)`` for a year none of whose criteria is
    scored."""
    if total is None:
        return messages.NO_SCORE
    shown = f" ({STATUS_WORDS.get(status, status)})" if status else ""
    return f"tổng điểm {format_vn(total)}{shown}"


def _since_sections(changes: list[str], found_since: list[str]) -> str:
    """The artifact's sections of what changed since the last run and of the
    nights that did not complete since the last one that did."""
    since = "\n## Thay đổi so với lần chạy trước\n\n" + "".join(
        f"- {c}\n" for c in changes
    )
    if found_since:
        since += "\n## Từ lần hoàn thành trước\n\n" + "".join(
            f"- {line}\n" for line in found_since
        )
    return since


def _publish_artifacts(
    result: AnalysedResult,
    changes: list[str],
    found: record.Verdict,
    found_since: list[str],
) -> None:
    key = f"parindex-{result.year}"
    headline = f"**Kết quả: {found.headline}**\n\n"
    create_markdown_artifact(
        headline + artifact_summary(result) + _since_sections(changes, found_since),
        key=f"{key}-summary",
        description="Kết quả tổng hợp",
    )
    rows = result.problems.fill_null("").to_dicts()
    create_table_artifact(
        rows or [{"message": "Không có vấn đề nào."}],
        key=f"{key}-problems",
        description="Các vấn đề trong bài nộp",
    )


def _repeated_page(
    repeated: RepeatedRun, outputs_folder: Path, found_since: list[str]
) -> None:
    """``TRANG-THAI.txt`` of a night with nothing new, written before its record
    (``repeat_last_run``'s ``announce``)."""
    document = repeated.document
    summary_json = Path(str(document["outputs"][1]["file"]))
    summary = json.loads(summary_json.read_text("utf-8"))
    flow_run = getattr(FlowRunContext.get(), "flow_run", None)
    record.write_status(
        outputs_folder,
        int(document["year"]),
        record.status_text_repeated(
            year=int(document["year"]),
            run_at=repeated.run_at,
            flow_run=_flow_run_label(flow_run) if flow_run is not None else None,
            summary=summary,
            changes=document["changes"],
            manifest=f"{record.RUNS_FOLDER}/{repeated.manifest.name}",
            repaired=found_since,
        ),
    )


def _repeated_outcome(
    repeated: RepeatedRun,
    logger: Any,
    found_since: list[str],
) -> dict[str, Any] | State:
    """The flow's outcome on a night with nothing new, from the last run's record
    and summary (the artifacts are published again from them): not clean when
    the last run was not, in its state name, log and outcome, as that run.
    ``found_since``: the nights that did not complete since the last one that
    did, listed as a night that did its work lists them."""
    document = repeated.document
    outputs = [Path(str(o["file"])) for o in document.get("outputs", [])]
    scorecard, summary_json, _report, summary_md = outputs[:4]
    summary = json.loads(summary_json.read_text("utf-8"))
    found = record.verdict_of_summary(summary)
    since = _since_sections(document["changes"], found_since)
    key = f"parindex-{document['year']}"
    create_markdown_artifact(
        f"**Kết quả: {found.headline}**\n\n" + summary_md.read_text("utf-8") + since,
        key=f"{key}-summary",
        description="Kết quả tổng hợp",
    )
    rows = [
        {k: ("" if v is None else v) for k, v in row.items()}
        for row in summary.get("problems", [])
    ]
    create_table_artifact(
        rows or [{"message": "Không có vấn đề nào."}],
        key=f"{key}-problems",
        description="Các vấn đề trong bài nộp",
    )
    figures, problems = document["figures"], document["problems"]
    log = logger.info if found.clean else logger.warning
    log(
        "Năm %s: không có gì mới, giữ nguyên kết quả lần chạy trước: %s; %s, %d tệp",
        document["year"],
        found.headline,
        _logged_total(record.summary_score(summary), figures["status"]),
        len(document.get("inputs", [])),
    )
    outcome = {
        "year": document["year"],
        "total": figures["total"],
        "headline": summary.get("headline"),
        "status": figures["status"],
        "files": len(document.get("inputs", [])),
        "errors": problems["errors"],
        "warnings": problems["warnings"],
        "scorecard": str(scorecard),
        "summary": str(summary_json),
        "changed": [],
        "changes": document["changes"],
        "manifest": str(repeated.manifest),
        "rows_set_aside": document.get("rows_set_aside") or [],
        "result": found.label,
        "missing_departments": [code for code, _ in found.missing],
        "unknown_departments": [code for code, _ in found.unknown],
        "unusable_departments": [code for code, _ in found.unusable],
        "waiting_departments": [code for code, _ in found.waiting],
        "newer_waiting_departments": [code for code, _ in found.newer],
        "doubted_departments": [code for code, _ in found.doubted],
        "since_last_complete": found_since,
    }
    if found.clean:
        return outcome
    return Completed(name=found.label, message=found.headline, data=outcome)


def _flow_run_label(flow_run: FlowRun) -> str:
    return f"{flow_run.name} ({flow_run.id})"


# Prefect's messages for a run its process stopped on a signal
# (``prefect.states.exception_to_crashed_state``)
_SIGNAL_MESSAGES = {
    "Execution was aborted by a termination signal.": signal.SIGTERM,
    "Execution was aborted by an interrupt signal.": signal.SIGINT,
}


_PROCESS_EXITED = re.compile(r"Process exited with status code: (-?\d+)")


def _process_exit_code(state: State) -> int | None:
    """The exit code of a flow run's process as its runner reports a crash
    (``parindex serve``: "Process exited with status code: -9. …"), or None."""
    found = _PROCESS_EXITED.match(state.message or "")
    return int(found.group(1)) if found else None


def signal_of(state: State, raised: object = None) -> int | None:
    """The signal that stopped a crashed run (SIGTERM, SIGINT: the command line's
    handler exits with 128 + the signal), or None."""
    if isinstance(raised, TerminationSignal):
        return int(raised.signal)
    if isinstance(raised, KeyboardInterrupt):
        return int(signal.SIGINT)
    if isinstance(raised, SystemExit) and raised.code in (
        128 + signal.SIGINT,
        128 + signal.SIGTERM,
    ):
        return int(raised.code) - 128
    number = _SIGNAL_MESSAGES.get(state.message or "")
    if number is not None:
        return int(number)
    exited = _process_exit_code(state)
    if exited is not None and exited < 0:  # the runner's child killed (serve)
        return -exited
    if (state.message or "").startswith("Execution was aborted by Python system exit"):
        text = str(raised) if raised is not None else ""
        if text in {str(128 + signal.SIGINT), str(128 + signal.SIGTERM)}:
            return int(text) - 128
    return None


def _error_of(state: State) -> str:
    """The error of a failed state: the exception's own (Vietnamese for a
    ``ParindexError``), a signal that stopped the run, else Prefect's message (a
    timeout, a crash)."""
    try:
        raised = state.result(raise_on_failure=False)
    except BaseException:  # noqa: BLE001 - not retrievable: use the message
        raised = None
    number = signal_of(state, raised) if state.is_crashed() else None
    if number is not None:
        return messages.RUN_STOPPED_BY_SIGNAL.format(
            signal=messages.signal_name(number)
        )
    exited = _process_exit_code(state) if state.is_crashed() else None
    if exited is not None:  # the runner's words for its child's end (serve)
        return messages.RUN_PROCESS_EXITED.format(code=exited, message=state.message)
    if isinstance(raised, BaseException) and str(raised):
        return str(raised)
    message = state.message or state.name or "?"
    if state.name == "TimedOut":
        return messages.RUN_TIMED_OUT.format(seconds=TIMEOUT_SECONDS)
    return message


def _year_of(flow_run: FlowRun) -> tuple[Path, int | None]:
    parameters = flow_run.parameters
    outputs = Path(str(parameters.get("outputs", "outputs"))).resolve()
    year = parameters.get("year")
    if year is None:
        try:
            year = pipeline.latest_year(Path(str(parameters.get("inputs", "inputs"))))
        except (ParindexError, OSError):
            # the share gone: the newest year of the outputs with records, the
            # page the office reads (as a night refused before it started)
            year = record.refused_year(outputs, None)
    return outputs, int(year) if year is not None else None


def _departments(flow_run: FlowRun, year: int | None) -> list[tuple[str, str]] | None:
    if year is None:
        return None
    inputs = Path(str(flow_run.parameters.get("inputs", "inputs"))).resolve()
    try:
        criteria_set = pipeline.load_criteria(inputs, year)
    except ParindexError:
        return None
    return [(d.code, d.name) for d in criteria_set.departments]


def _hook_logger(flow: Flow[Any, Any], flow_run: FlowRun) -> Any:
    """The run's logger in a state hook; a crash's hooks run after the run's
    context is gone (SIGTERM, Ctrl-C): then one made for ``flow_run``."""
    try:
        return get_run_logger()
    except MissingContextError:
        return flow_run_logger(flow_run, flow)


def failure_document(
    year: int | None, flow_run: FlowRun, state: State, now: float
) -> dict[str, Any]:
    """The record of a flow run (a unit's or a province's) that failed, timed out
    or crashed, as its own hooks see it."""
    return record.failure_record(
        year=year,
        state=record.CRASHED if state.is_crashed() else record.FAILED,
        error=_error_of(state),
        flow_run_id=str(flow_run.id),
        flow_run_name=flow_run.name,
        run_at=now,
    )


def _record_end(flow: Flow[Any, Any], flow_run: FlowRun, state: State) -> None:
    """A run that failed (after its retries), timed out or crashed under the eyes of
    its own process: its record beside the manifests, and ``TRANG-THAI.txt``
    naming it."""
    outputs, year = _year_of(flow_run)
    record_end(
        flow,
        flow_run,
        state,
        outputs=outputs,
        year=year,
        write=lambda document, now, recorded: record.record_failure(
            outputs,
            document,
            now,
            departments=_departments(flow_run, year),
            recorded=recorded,
        ),
    )


RecordFailure = Callable[[dict[str, Any], float, Callable[[Path], None]], Path]
"""Write a failed run's record and page: (document, now, recorded) → record."""


def record_end(
    flow: Flow[Any, Any],
    flow_run: FlowRun,
    state: State,
    *,
    outputs: Path,
    year: int | None,
    write: RecordFailure,
) -> None:
    """A failure hook's work, for a unit's run and a province's: the run's
    record and page (``write``), its running marker gone once the record is
    written, and one ERROR line saying what was recorded, or what could not be."""
    now = time.time()
    document = failure_document(year, flow_run, state, now)
    label = messages.RUN_CRASHED if state.is_crashed() else messages.RUN_FAILED
    written: list[Path] = []

    def recorded(path: Path) -> None:  # the marker goes once the record is there
        written.append(path)
        if year is not None:
            record.clear_running(outputs, year, str(flow_run.id))

    try:
        path = write(document, now, recorded)
    except (OSError, ParindexError) as error:  # the outputs folder itself failed
        _hook_logger(flow, flow_run).error(
            messages.RUN_RECORDED_PAGE_NOT_WRITTEN.format(
                label=label, error=document["error"], path=written[0], reason=error
            )
            if written
            else f"Không ghi được biên bản lần chạy: {error}"
        )
        return
    _hook_logger(flow, flow_run).error(
        "%s: %s (biên bản %s)", label, document["error"], path
    )


def api_lost(error: BaseException) -> str | None:
    """Why the Prefect API was lost, when ``error`` (or one it came from) says the
    server could not be reached, timed out, or answered with a server error (HTTP
    5xx); None for any other error. Prefect raises these from inside the flow (an
    artifact, a state) or around it (creating the run, reporting its end)."""
    reason: str | None = None
    for current in error_chain(error):
        if isinstance(current, PrefectHTTPStatusError):
            if current.response.status_code >= 500:
                return f"HTTP {current.response.status_code}"
            return None  # a 4xx: a request of ours the server refused
        if isinstance(current, httpx.TimeoutException):
            return f"quá thời gian chờ: {type(current).__name__}"
        if isinstance(current, httpx.TransportError):
            return str(current) or type(current).__name__
        if isinstance(current, RuntimeError) and "Failed to reach API" in str(current):
            reason = reason or str(current)
    return reason


def _clear_marker(flow: Flow[Any, Any], flow_run: FlowRun, state: State) -> None:
    """The run's end is reported (Completed): its running marker goes. Until
    then it stays, so that a run whose end could not be reported (the server lost
    at the last moment) is found and recorded by the next run."""
    outputs, year = _year_of(flow_run)
    if year is not None:
        record.clear_running(outputs, year, str(flow_run.id))


def mark_crashed_runs(outputs: Path, year: int | None = None) -> list[str]:
    """Find runs whose process died without a word (``kill -9``, power cut): record
    each as crashed beside the manifests (``crashed_launches`` for one killed
    before its flow's first line); then settle in Prefect every run of
    ``outputs`` whose end it was never told (``settle_in_prefect``). Returns one
    Vietnamese line per run found or settled."""
    found = []
    for marker in record.stale_markers(outputs, year):
        completed = record.completed_by(marker)
        if completed is not None:  # killed after its night was whole
            record.note_completed_unsettled(*completed, marker)
            continue
        now = time.time()
        path = record.record_crash(outputs, marker, now)
        found.append(
            messages.RUN_CRASH_FOUND.format(
                flow_run=f"{marker.get('flow_run_name')} ({marker.get('flow_run_id')})",
                started_at=marker.get("started_at"),
                record=f"{record.RUNS_FOLDER}/{path.name}",
            )
        )
    return found + crashed_launches(outputs, year) + settle_in_prefect(outputs)


@contextlib.contextmanager
def launched(outputs: Path, year: int) -> Iterator[None]:
    """The flow run of ``year`` asked for inside this block carries the tag of a
    launch marker (``run_record.mark_launching``), removed when the block ends,
    however it ends: a process killed before its flow writes its running marker
    (between Prefect creating the flow run and the flow's first line) leaves the
    marker, and the next night finds the flow run by that tag
    (``crashed_launches``). The flow's task runs do not carry the tag
    (``launch_tag_dropped``)."""
    try:
        path, tag = record.mark_launching(outputs.resolve(), year, time.time())
    except OSError:  # the outputs folder: the flow's own checks say why
        yield
        return
    try:
        with tags(tag):
            yield
    finally:
        path.unlink(missing_ok=True)


P = ParamSpec("P")
R = TypeVar("R")


def launch_tag_dropped(function: Callable[P, R]) -> Callable[P, R]:
    """A flow's body without the launch tag (``launched``): its task runs do not
    carry it. A task run with a tag asks the server for that tag's concurrency
    slots, a round trip per task (and, the server lost then, a task left
    ``Pending`` whose English line the run printed)."""

    @functools.wraps(function)
    def body(*args: P.args, **kwargs: P.kwargs) -> R:
        kept = {
            tag
            for tag in TagsContext.get().current_tags
            if not tag.startswith(record.LAUNCH_TAG_PREFIX)
        }
        with TagsContext(current_tags=kept):
            return function(*args, **kwargs)

    return body


def signal_surfaced(function: Callable[P, R]) -> Callable[P, R]:
    """A flow's body that lets a signal end it as the signal: when Prefect's own
    handling of a signal failed and raised another error from it (a SIGTERM
    landing while a task run is created: its crash handling raises "Task run is
    not set"), the signal is raised again, so that the run is ``Crashed`` by it,
    recorded so, and the command line exits 143 or 130, not 1 with a traceback."""

    @functools.wraps(function)
    def body(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except Exception as error:
            stop = _signal_behind(error)
            if stop is None:
                raise
            raise stop from error

    return body


def _signal_behind(error: BaseException) -> BaseException | None:
    """The ``TerminationSignal`` or ``KeyboardInterrupt`` that ``error`` was raised
    while handling (its causes and contexts), if any."""
    behind = itertools.islice(error_chain(error), 1, None)
    return next(
        (c for c in behind if isinstance(c, TerminationSignal | KeyboardInterrupt)),
        None,
    )


def crashed_launches(
    outputs: Path, year: int | None = None, client: Any = None
) -> list[str]:
    """Find nights whose process was killed between asking Prefect for their flow
    run and the end of it, with no other record (``run_record.stale_launches``:
    this host, the process gone): record each as crashed, naming its flow run
    (found by the launch marker's tag) when Prefect has it still running, so that
    ``settle_in_prefect`` sets it ``Crashed``. A flow run already final, or a
    night recorded already (its flow run's record, its own end), only loses its
    marker. A server that does not answer leaves every marker for the next
    contact. ``client``: a synchronous Prefect client (default: the current
    API's). Returns one Vietnamese line per night recorded."""
    launches = record.stale_launches(outputs, year)
    if not launches:
        return []
    if client is None:
        with get_client(sync_client=True) as opened:
            return crashed_launches(outputs, year, client=opened)
    lines = []
    for launch in launches:
        try:
            flow_runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    tags=FlowRunFilterTags(all_=[str(launch.get("tag"))])
                ),
                limit=1,
            )
        except Exception as error:  # noqa: BLE001 - left for the next contact
            if api_lost(error) is not None:
                break
            continue
        flow_run = flow_runs[0] if flow_runs else None
        flow_run_id = str(flow_run.id) if flow_run is not None else None
        final = (
            flow_run is not None
            and flow_run.state is not None
            and flow_run.state.is_final()
        )
        if final or record.launch_recorded(launch, flow_run_id):
            Path(launch["marker"]).unlink(missing_ok=True)
            continue
        named = (str(flow_run.id), flow_run.name) if flow_run is not None else None
        path = record.record_launch_crash(outputs, launch, named, time.time())
        written = f"{record.RUNS_FOLDER}/{path.name}"
        if flow_run is None:  # killed before Prefect created it
            lines.append(
                messages.RUN_LAUNCH_CRASH_FOUND.format(
                    pid=launch.get("pid"),
                    started_at=launch.get("started_at"),
                    record=written,
                )
            )
        else:
            lines.append(
                messages.RUN_CRASH_FOUND.format(
                    flow_run=f"{flow_run.name} ({flow_run_id})",
                    started_at=launch.get("started_at"),
                    record=written,
                )
            )
    return lines


def _http_refusal(error: BaseException) -> str | None:
    """``HTTP <code>`` when the server answered a request of ours with a 4xx."""
    if isinstance(error, PrefectHTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return None


def settle_in_prefect(outputs: Path, client: Any = None) -> list[str]:
    """Set to a final state the flow runs of ``outputs``'s records of runs whose
    end Prefect was never told (``run_record.unsettled_runs``: the server lost
    mid-run, the process killed), with a message naming the record, when they
    still show as running; note in each record what was done. A flow run already
    final is only noted; an unknown one (another server) and a server that does
    not answer are left for the next contact; a refusal is written in the record
    and said, never raised. ``client``: a synchronous Prefect client (default:
    the current API's). Returns one Vietnamese line per run settled or refused."""
    pending = record.unsettled_runs(outputs)
    if not pending:
        return []
    if client is None:
        with get_client(sync_client=True) as opened:
            return settle_in_prefect(outputs, client=opened)
    lines = []
    for path, document in pending:
        flow_run_id = str(document["flow_run_id"])
        label = f"{document.get('flow_run_name')} ({flow_run_id})"
        try:
            flow_run = client.read_flow_run(UUID(flow_run_id))
        except Exception as error:  # noqa: BLE001 - unknown here, or unreachable
            reason = api_lost(error)
            if reason is not None:
                lines.append(
                    messages.RUN_SETTLE_UNREACHABLE.format(
                        flow_run=label, reason=reason, record=path
                    )
                )
                break  # the server is gone again: every run waits for the next
            continue  # not a run this server knows (another server, deleted)
        if flow_run.state is not None and flow_run.state.is_final():
            record.mark_settled(
                path, document, state=flow_run.state.name, refused=None, now=time.time()
            )
            continue
        ended = record.state_of(document)
        message = record.settle_message(path, document)
        state: State = (
            Crashed(message=message)
            if ended == record.CRASHED
            else Completed(message=message)
            if ended == record.COMPLETED
            else Failed(message=message)
        )
        refused: str | None = None
        try:
            result = client.set_flow_run_state(flow_run.id, state, force=True)
        except Exception as error:  # noqa: BLE001 - a refusal is said, not raised
            reason = api_lost(error)
            if reason is not None:
                lines.append(
                    messages.RUN_SETTLE_UNREACHABLE.format(
                        flow_run=label, reason=reason, record=path
                    )
                )
                break
            refused = _http_refusal(error) or f"{type(error).__name__}: {error}"
        else:
            status = getattr(result, "status", None)
            if status is not None and status != SetStateStatus.ACCEPT:
                details = getattr(getattr(result, "details", None), "reason", None)
                refused = f"{status.value}: {details}" if details else status.value
        record.mark_settled(
            path,
            document,
            state=None if refused else state.name,
            refused=refused,
            now=time.time(),
        )
        template = messages.RUN_SETTLE_REFUSED if refused else messages.RUN_SETTLED
        lines.append(
            template.format(
                flow_run=f"{flow_run.name} ({flow_run.id})",
                state=state.name,
                reason=refused,
                record=path,
            )
        )
    return lines


def _since_last_complete(outputs: Path, year: int) -> list[str]:
    """Runs that failed or crashed since the last completed one (recorded by their
    own process or by a sweep): the first run that completes again says so."""
    lines = []
    for path, document in reversed(
        record.read_records(record.record_folder(outputs, year))
    ):
        state = record.state_of(document)
        if state == record.COMPLETED:
            break
        lines.append(record.since_line(path.name, document))
    return list(reversed(lines))


@flow(
    name=FLOW_NAME,
    description="Tổng hợp Chỉ số CCHC từ bài nộp của các đơn vị.",
    task_runner=cast("TaskRunner[Any]", ThreadPoolTaskRunner(usable_cores())),
    timeout_seconds=TIMEOUT_SECONDS,
    on_failure=[_record_end],
    on_crashed=[_record_end],
    on_completion=[_clear_marker],
)
@launch_tag_dropped
@signal_surfaced
def consolidate_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    year: int | None = None,
    settle_seconds: float = 0.0,
    batch_files: int = BATCH_FILES,
    *,
    departments_per_chunk: int = DEPARTMENTS_PER_CHUNK,
) -> dict[str, Any]:
    """Consolidate one year (default: the latest year folder) and write its outputs.

    Returns the headline figures and the paths written.
    """
    tune_collector()
    logger = get_run_logger()
    run_at = time.time()
    inputs_path, outputs_path = Path(inputs).resolve(), Path(outputs).resolve()
    year = year if year is not None else pipeline.latest_year(inputs_path)
    context = FlowRunContext.get()
    flow_run = context.flow_run if context is not None else None
    if flow_run is not None:  # first: a run killed from here on is found (any night)
        record.mark_running(outputs_path, year, str(flow_run.id), flow_run.name, run_at)
    for line in mark_crashed_runs(outputs_path, year):
        logger.warning(line)
    # taken before anything is read: a night with nothing new repeats the last run
    seen_at = time.time()
    print_ = fingerprint(inputs_path, year, seen_at, settle_seconds)
    # the nights that did not complete since the last one that did (read before
    # this night's record is written, a repeated one too)
    found_since = _since_last_complete(outputs_path, year)
    repeated = repeat_last_run(
        outputs_path,
        year,
        print_,
        time.time(),
        announce=lambda night: _repeated_page(night, outputs_path, found_since),
    )
    if repeated is not None:
        return _repeated_outcome(repeated, logger, found_since)  # type: ignore[return-value]
    criteria_set, history, history_problems = load_inputs(
        inputs_path, year, outputs_path
    )
    cache = ReadCache.for_year(outputs_path, criteria_set, year)
    ingested = ingest(
        inputs_path, year, criteria_set, settle_seconds, batch_files, cache=cache
    )
    previous = previous_year(inputs_path, year, outputs_path)
    unit, unit_problems = pipeline.load_unit(inputs_path)
    # what was read is what the print describes, or no print is recorded
    kept = print_kept(print_, inputs_path, year, seen_at, settle_seconds)
    result = consolidate(
        criteria_set,
        ingested,
        previous.result,
        history,
        concat_problems([history_problems, unit_problems, previous.problems]),
        unit=unit,
        previous_set=previous.criteria_set,
    )
    # the year's rows are consolidated: not held while publishing (issue 13)
    ingested = dataclasses.replace(ingested, rows=ingested.rows.clear())
    found = record.verdict(result)
    written = publish(
        result,
        ingested,
        inputs_path,
        outputs_path,
        kept,
        chunk_size=departments_per_chunk,
        # the status page, written before the outputs move
        announce=record.completed_page(
            outputs_path,
            year,
            run_at=run_at,
            flow_run=_flow_run_label(flow_run) if flow_run is not None else None,
            result=result,
            found=found,
            repaired=found_since,
        ),
    )
    _publish_artifacts(result, written.changes, found, found_since)
    log = logger.info if found.clean else logger.warning
    log(
        "Năm %s: %s; %s, %d tệp",
        year,
        found.headline,
        _logged_total(
            result.current.total if result.current.scored else None,
            result.current.status,
        ),
        result.submissions.height,
    )
    for code, name in found.missing:
        logger.warning(
            messages.DEPARTMENT_NOT_SUBMITTED.format(
                department=messages.department_named(name), year=year
            )
            + f" ({code})"
        )
    # the running marker is removed once the end is reported (``_clear_marker``)
    outcome = {
        "year": year,
        "total": result.current.total,
        "headline": headline_record(result.analysis.headline),
        "status": result.current.status,
        "files": result.submissions.height,
        "errors": int((result.problems["severity"] == "error").sum()),
        "warnings": int((result.problems["severity"] == "warning").sum()),
        "scorecard": str(written.scorecard),
        "summary": str(written.summary),
        "changed": [str(path) for path in written.changed],
        "changes": written.changes,
        "manifest": str(written.manifest),
        "rows_set_aside": rows_set_aside(
            result.submissions, result.problems, result.current
        ),
        "result": found.label,
        "missing_departments": [code for code, _ in found.missing],
        "unknown_departments": [code for code, _ in found.unknown],
        "unusable_departments": [code for code, _ in found.unusable],
        "waiting_departments": [code for code, _ in found.waiting],
        "newer_waiting_departments": [code for code, _ in found.newer],
        "doubted_departments": [code for code, _ in found.doubted],
        "since_last_complete": found_since,
    }
    if found.clean:
        return outcome
    # completed, but not clean: a state name of its own (visible in the UI, filters)
    return Completed(name=found.label, message=found.headline, data=outcome)  # type: ignore[return-value]


def task_runner(
    runner: str, *, workers: int | None = None, dask_address: str | None = None
) -> TaskRunner[Any]:
    """The task runner that reads the batches of files.

    ``thread`` (the default): threads of this process, as many as cores (Prefect's
    own default starts a thread per task: every batch in memory at once, for no
    gain while Python holds its lock; the readers' child processes use the cores);
    ``process``: a pool of worker
    processes on this machine; ``dask``: a Dask cluster through prefect-dask, a local
    one (one single-threaded worker process per core) or the scheduler at
    ``dask_address``. Raises ``ImportError`` when prefect-dask is not installed.
    """
    if runner == "thread":
        return ThreadPoolTaskRunner(max_workers=workers or usable_cores())
    if runner == "process":
        return ProcessPoolTaskRunner(max_workers=workers or usable_cores())
    if runner != "dask":
        raise ValueError(f"unknown runner {runner!r}: one of {RUNNERS}")
    from prefect_dask.task_runners import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or usable_cores(),
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def flow_with_runner(
    runner: str, *, workers: int | None = None, dask_address: str | None = None
) -> Any:
    """``consolidate_flow`` reading its batches and rendering its department
    workbooks with ``runner``."""
    if runner == "thread" and workers is None and dask_address is None:
        return consolidate_flow
    return consolidate_flow.with_options(
        task_runner=task_runner(runner, workers=workers, dask_address=dask_address)
    )

"""The consolidation as a Prefect flow: wiring only, the work is in ``parindex``.

Tasks are coarse (one per stage, never one per file): each Prefect task run costs a
few milliseconds, more than reading a submission. No task caches its result: Prefect's
default cache policy hashes every task's inputs, which for a province means pickling
the whole year's rows and result again at every stage (seconds and hundreds of MB). The files are read in batches of
``BATCH_FILES``; when there is more than one batch they go through the flow's task
runner, so the runner decides where they are read (``RUNNERS``: threads of this
process, a pool of processes, or a Dask cluster).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import (
    ProcessPoolTaskRunner,
    TaskRunner,
    ThreadPoolTaskRunner,
)
from prefect.utilities.annotations import unmapped

from parindex import pipeline
from parindex.analysis import AnalysedResult
from parindex.consolidate import YearResult
from parindex.criteria import CriteriaSet
from parindex.history import History
from parindex.ingest.collect import (
    BATCH_FILES,
    Ingested,
    ReadBatch,
    candidate_batches,
    collect_year,
    read_batch,
)
from parindex.ingest.discover import DroppedFile, discover
from parindex.ingest.winners import rows_set_aside
from parindex.problems import concat_problems
from parindex.render.markdown import markdown_summary
from parindex.render.prose import headline_record
from parindex.settings import UnitSettings

FLOW_NAME = "parindex-consolidate"
RUNNERS = ("thread", "process", "dask")


@task(name="load-criteria-and-history", cache_policy=NO_CACHE)
def load_inputs(inputs: Path, year: int) -> tuple[CriteriaSet, History, pl.DataFrame]:
    """Read the criteria set in force and the published history."""
    criteria_set = pipeline.load_criteria(inputs, year)
    history, problems = pipeline.load_history(inputs)
    return criteria_set, history, problems


@task(name="discover-submissions", cache_policy=NO_CACHE)
def discover_submissions(
    inputs: Path, year: int, settle_seconds: float
) -> list[DroppedFile]:
    """Every entry of the year's drop folder, with what is to be read."""
    return discover(inputs / str(year), year, time.time(), settle_seconds)


@task(name="read-submissions", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def read_submissions(
    entries: list[DroppedFile], criteria_set: CriteriaSet, year: int
) -> ReadBatch:
    """Read one batch of files (each once) into rows and per-file outcomes."""
    return read_batch(entries, criteria_set, year)


@task(name="collect-submissions", cache_policy=NO_CACHE)
def collect(
    dropped: list[DroppedFile],
    batches: list[ReadBatch],
    criteria_set: CriteriaSet,
    year: int,
) -> Ingested:
    """Account for every file and validate all rows read, as one frame."""
    return collect_year(dropped, batches, criteria_set, year)


def ingest(
    inputs: Path,
    year: int,
    criteria_set: CriteriaSet,
    settle_seconds: float,
    batch_files: int = BATCH_FILES,
) -> Ingested:
    """Discover, read (through the task runner when there are several batches) and
    collect the year's submissions."""
    dropped = discover_submissions(inputs, year, settle_seconds)
    batches = candidate_batches(dropped, batch_files)
    if len(batches) <= 1:  # a district: nothing to share out
        reads = [read_submissions(entries, criteria_set, year) for entries in batches]
    else:
        futures = read_submissions.map(
            batches, criteria_set=unmapped(criteria_set), year=unmapped(year)
        )
        reads = futures.result()
    return collect(dropped, reads, criteria_set, year)


@task(name="consolidate-previous-year", cache_policy=NO_CACHE)
def previous_year(inputs: Path, year: int) -> YearResult | None:
    """The previous year from its own submissions, when there are any."""
    return pipeline.consolidate_previous(inputs, year, time.time())


@task(name="consolidate", cache_policy=NO_CACHE)
def consolidate(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
    *,
    unit: UnitSettings | None = None,
) -> AnalysedResult:
    """Sum the tree, compare with the previous year, reconcile with published
    figures, and analyse."""
    return pipeline.build_result(
        criteria_set, ingested, previous, history, history_problems, unit=unit
    )


@task(name="write-outputs", cache_policy=NO_CACHE)
def publish(
    result: AnalysedResult, ingested: Ingested, inputs: Path, outputs: Path
) -> pipeline.Written:
    """Write the workbooks and the summary atomically, archive the submissions."""
    return pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=time.time()
    )


def _publish_artifacts(result: AnalysedResult, changes: list[str]) -> None:
    key = f"parindex-{result.year}"
    since = "\n## Thay đổi so với lần chạy trước\n\n" + "".join(
        f"- {c}\n" for c in changes
    )
    create_markdown_artifact(
        markdown_summary(result) + since,
        key=f"{key}-summary",
        description="Kết quả tổng hợp",
    )
    rows = result.problems.fill_null("").to_dicts()
    create_table_artifact(
        rows or [{"message": "Không có vấn đề nào."}],
        key=f"{key}-problems",
        description="Các vấn đề trong bài nộp",
    )


@flow(name=FLOW_NAME, description="Tổng hợp Chỉ số CCHC từ bài nộp của các đơn vị.")
def consolidate_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    year: int | None = None,
    settle_seconds: float = 0.0,
    batch_files: int = BATCH_FILES,
) -> dict[str, Any]:
    """Consolidate one year (default: the latest year folder) and write its outputs.

    Returns the headline figures and the paths written.
    """
    logger = get_run_logger()
    inputs_path, outputs_path = Path(inputs).resolve(), Path(outputs).resolve()
    year = year if year is not None else pipeline.latest_year(inputs_path)
    criteria_set, history, history_problems = load_inputs(inputs_path, year)
    ingested = ingest(inputs_path, year, criteria_set, settle_seconds, batch_files)
    previous = previous_year(inputs_path, year)
    unit, unit_problems = pipeline.load_unit(inputs_path)
    result = consolidate(
        criteria_set,
        ingested,
        previous,
        history,
        concat_problems([history_problems, unit_problems]),
        unit=unit,
    )
    written = publish(result, ingested, inputs_path, outputs_path)
    _publish_artifacts(result, written.changes)
    logger.info(
        "Năm %s: tổng điểm %.2f (%s), %d tệp, %d vấn đề",
        year,
        result.current.total,
        result.current.status,
        result.submissions.height,
        result.problems.height,
    )
    return {
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
            result.submissions, result.problems, criteria_set
        ),
    }


def task_runner(
    runner: str, *, workers: int | None = None, dask_address: str | None = None
) -> TaskRunner[Any]:
    """The task runner that reads the batches of files.

    ``thread``: Prefect's default, threads of this process (the batches share one
    core: Python holds its lock while parsing); ``process``: a pool of worker
    processes on this machine; ``dask``: a Dask cluster through prefect-dask, a local
    one (one single-threaded worker process per core) or the scheduler at
    ``dask_address``. Raises ``ImportError`` when prefect-dask is not installed.
    """
    if runner == "thread":
        return ThreadPoolTaskRunner()
    if runner == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    if runner != "dask":
        raise ValueError(f"unknown runner {runner!r}: one of {RUNNERS}")
    from prefect_dask.task_runners import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def flow_with_runner(
    runner: str, *, workers: int | None = None, dask_address: str | None = None
) -> Any:
    """``consolidate_flow`` reading its batches with ``runner``."""
    if runner == "thread" and workers is None and dask_address is None:
        return consolidate_flow
    return consolidate_flow.with_options(
        task_runner=task_runner(runner, workers=workers, dask_address=dask_address)
    )

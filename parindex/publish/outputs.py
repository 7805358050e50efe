"""Render a year's output set and publish it under the outputs lock."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from parindex.analysis import rows_where
from parindex.changes import describe_changes
from parindex.consolidate import Result
from parindex.ingest.collect import Ingested
from parindex.publish.files import (
    archive,
    outputs_lock,
    sweep_temporary_files,
    write_atomic,
    write_bytes_atomic,
)
from parindex.publish.manifest import (
    last_run,
    manifest_bytes,
    manifest_path,
    read_json,
    render_key,
    run_manifest,
    unchanged_since,
)
from parindex.render.department import render_department
from parindex.render.markdown import markdown_summary
from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from parindex.render.summary import render_summary, summary


@dataclass(frozen=True)
class Written:
    """The files a run wrote, which of them changed, and what changed since the
    last run (Vietnamese lines)."""

    scorecard: Path
    summary: Path
    departments: list[Path]
    archived: list[Path]
    changed: list[Path]
    changes: list[str]
    manifest: Path


def creation_time(ingested: Ingested, department: str | None = None) -> dt.datetime:
    """A workbook's creation date: the newest modification time of the inputs it is
    made from (all of them, or one department's files), so that the same inputs give
    byte-identical outputs and a new file changes only the workbooks it feeds."""
    files = ingested.submissions
    if department is not None:
        files = rows_where(files, "department", department)
    names = files["file"].to_list() if department is not None else list(ingested.paths)
    # the times the files had when they were listed or read, not now: a file
    # replaced or deleted since changes nothing in this run's outputs
    mtimes = [ingested.mtimes[name] for name in names if name in ingested.mtimes]
    if not mtimes and department is not None:
        return creation_time(ingested)
    moment = max(mtimes) if mtimes else 0.0
    return dt.datetime.fromtimestamp(int(moment), tz=dt.UTC).replace(tzinfo=None)


DepartmentJob = tuple[str, Path, dt.datetime]
PARALLEL_DEPARTMENTS = 40  # fewer workbooks than this are written in-process
_WORKER_RESULT: list[Result] = []


def _write_departments(result: Result, jobs: list[DepartmentJob]) -> dict[Path, bool]:
    """Write each department's workbook atomically; which ones changed."""
    written = {}
    for code, target, created in jobs:

        def write(path: Path, code: str = code, created: dt.datetime = created) -> None:
            render_department(result, code, path, created)

        written[target] = write_atomic(target, write)
    return written


def _start_worker(result: Result) -> None:
    _WORKER_RESULT[:] = [result]


def _worker_writes(jobs: list[DepartmentJob]) -> dict[Path, bool]:
    return _write_departments(_WORKER_RESULT[0], jobs)


def write_department_workbooks(
    result: Result, jobs: list[DepartmentJob], workers: int | None = None
) -> dict[Path, bool]:
    """Write the department workbooks, in worker processes when there are many.

    A province has hundreds of units: each workbook costs tens of milliseconds of
    pure Python, so they are shared out between the cores (spawned processes, each
    receiving the result once).
    """
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_DEPARTMENTS else 0
    if workers <= 1:
        return _write_departments(result, jobs)
    chunks = [jobs[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(result,),
    ) as pool:
        written: dict[Path, bool] = {}
        for part in pool.map(_worker_writes, chunks):
            written.update(part)
    return {target: written[target] for _, target, _ in jobs}


def _render_outputs(
    result: Result,
    created: dt.datetime,
    jobs: list[DepartmentJob],
    workers: int | None,
    targets: list[Path],
) -> dict[Path, bool]:
    """Render every output of the year; which files changed (``targets`` order:
    scorecard, summary, report, markdown, then the departments)."""
    scorecard, summary_path, report, markdown = targets[:4]
    written: dict[Path, bool] = {}
    written[scorecard] = write_atomic(
        scorecard, lambda path: render_scorecard(result, path, created)
    )
    written[summary_path] = write_bytes_atomic(summary_path, render_summary(result))
    written[report] = write_bytes_atomic(report, render_report(result, created))
    written[markdown] = write_bytes_atomic(
        markdown, markdown_summary(result).encode("utf-8")
    )
    written.update(write_department_workbooks(result, jobs, workers))
    return written


def publish_outputs(
    result: Result,
    ingested: Ingested,
    inputs: Path,
    outputs: Path,
    *,
    run_at: float,
    created: dt.datetime | None = None,
    workers: int | None = None,
) -> Written:
    """Write the scorecard, the summary and one workbook per department, archive
    every submission read, and record the run's manifest, under the outputs lock.

    Files whose content did not change are not rewritten, and nothing is rendered
    when the last run rendered from the same ``render_key`` (same result, dates,
    code and libraries) and its outputs are untouched. Workbooks get their
    creation date from their inputs (``creation_time``) unless ``created`` is given.
    ``workers`` processes write the department workbooks (default: one per core
    when there are many departments, else none).
    """
    codes = result.current.departments["code"].to_list()
    department_created = {
        code: created or creation_time(ingested, code) for code in codes
    }
    created = created or creation_time(ingested)
    year = result.year
    folder = outputs / str(year)
    with outputs_lock(outputs):
        sweep_temporary_files(folder)
        archived = [
            archive(
                ingested.contents[row["sha256"]],
                ingested.paths[row["file"]].suffix,
                outputs / "archive" / str(year),
                row["sha256"],
            )
            for row in ingested.submissions.iter_rows(named=True)
            if row["sha256"] is not None
        ]
        scorecard = folder / f"scorecard-{year}.xlsx"
        summary_path = folder / f"summary-{year}.json"
        report, markdown = (
            folder / f"bao-cao-{year}.docx",
            folder / f"summary-{year}.md",
        )
        jobs = [
            (
                code,
                folder / "departments" / f"{code}-{year}.xlsx",
                department_created[code],
            )
            for code in codes
        ]
        departments = [target for _, target, _ in jobs]
        previous_summary = read_json(summary_path)
        key = render_key(result, created, department_created)
        targets = [scorecard, summary_path, report, markdown, *departments]
        if unchanged_since(last_run(folder), key, targets):
            # a night with nothing new: the outputs are already these bytes
            written = dict.fromkeys(targets, False)
        else:
            written = _render_outputs(result, created, jobs, workers, targets)
        changes = describe_changes(previous_summary, summary(result))
        manifest = manifest_path(folder, run_at)
        document = run_manifest(
            result, ingested, inputs, written, changes=changes, run_at=run_at, key=key
        )
        write_bytes_atomic(manifest, manifest_bytes(document))
    changed = [path for path, was_changed in written.items() if was_changed]
    return Written(
        scorecard, summary_path, departments, archived, changed, changes, manifest
    )

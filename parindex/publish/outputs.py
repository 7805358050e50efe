"""Render a year's output set and publish it under the outputs lock."""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import multiprocessing
import os
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.analysis import AnalysedResult
from parindex.changes import describe_changes
from parindex.department_view import department_keys, update_digest
from parindex.ingest.collect import Ingested
from parindex.ingest.winners import rows_set_aside
from parindex.publish.files import (
    archive,
    not_writable,
    outputs_lock,
    sweep_temporary_files,
    sync_folders,
    write_atomic,
    write_bytes_atomic,
)
from parindex.publish.manifest import (
    code_digest,
    file_digest,
    last_run,
    manifest_bytes,
    manifest_path,
    read_json,
    render_key,
    run_manifest,
    unchanged_since,
    versions,
)
from parindex.render.department import render_department
from parindex.render.markdown import markdown_summary
from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from parindex.render.standing import UnitStanding
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
        files = files.filter(pl.col("department") == department)
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
_WORKER_RESULT: list[tuple[AnalysedResult, UnitStanding | None]] = []


def _write_departments(
    result: AnalysedResult,
    jobs: list[DepartmentJob],
    standing: UnitStanding | None = None,
) -> dict[Path, bool]:
    """Write each department's workbook atomically; which ones changed."""
    written = {}
    for code, target, created in jobs:

        def write(path: Path, code: str = code, created: dt.datetime = created) -> None:
            # from the department's view: its key covers all the workbook shows
            render_department(result, code, path, created, standing)

        written[target] = write_atomic(target, write)
    return written


def _start_worker(result: AnalysedResult, standing: UnitStanding | None = None) -> None:
    _WORKER_RESULT[:] = [(result, standing)]


def _worker_writes(jobs: list[DepartmentJob]) -> dict[Path, bool]:
    result, standing = _WORKER_RESULT[0]
    return _write_departments(result, jobs, standing)


def write_department_workbooks(
    result: AnalysedResult,
    jobs: list[DepartmentJob],
    workers: int | None = None,
    standing: UnitStanding | None = None,
) -> dict[Path, bool]:
    """Write the department workbooks, in worker processes when there are many.

    A province has hundreds of units: each workbook costs tens of milliseconds of
    pure Python, so they are shared out between the cores (spawned processes, each
    receiving the result once).
    """
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_DEPARTMENTS else 0
    if workers <= 1:
        return _write_departments(result, jobs, standing)
    chunks = [jobs[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(result, standing),
    ) as pool:
        written: dict[Path, bool] = {}
        for part in pool.map(_worker_writes, chunks):
            written.update(part)
    return {target: written[target] for _, target, _ in jobs}


STAGING = ".publishing"
"""Where a run renders its output set before moving it into place."""
JOURNAL = ".publishing.json"
"""Written before the first output is moved, removed after the manifest: while it
exists a set is being published (or a run died doing so)."""


@dataclass(frozen=True)
class Repaired:
    """A publish that a dead run left half done, finished by this run."""

    run_at: str
    files: list[str]
    previous_summary: dict[str, Any] | None

    @property
    def line(self) -> str:
        """What this run says about it (Vietnamese)."""
        return messages.PUBLISH_REPAIRED.format(
            run_at=self.run_at,
            count=len(self.files),
            files=", ".join(self.files) or "—",
        )

    def record(self) -> dict[str, Any]:
        """What the manifest says about it."""
        return {"run_at": self.run_at, "files": self.files}


def finish_interrupted_publish(folder: Path) -> Repaired | None:
    """Finish the publish a killed run left half done in ``folder`` (call it under
    the outputs lock).

    Without a journal the dead run had not started moving: its staging folder is
    removed and the outputs are the last complete set. With one, the outputs it
    had not moved yet are moved, and its manifest written, as it would have.
    """
    staging = folder / STAGING
    journal = read_json(folder / JOURNAL)
    if journal is None:
        shutil.rmtree(staging, ignore_errors=True)
        (folder / JOURNAL).unlink(missing_ok=True)
        return None
    finished = []
    for relative in journal.get("moves", []):
        source = staging / relative
        if source.is_file():
            _move(source, folder / relative)
            finished.append(relative)
    manifest = Path(journal["manifest"])
    if not manifest.exists():
        document = dict(journal["document"], completed_by_next_run=True)
        write_bytes_atomic(manifest, manifest_bytes(document))
    (folder / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return Repaired(
        run_at=str(journal.get("run_at", "?")),
        files=finished,
        previous_summary=journal.get("previous_summary"),
    )


def _move(source: Path, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    except OSError as error:
        raise not_writable(target.parent, error) from error


def _same_file(staged: Path, target: Path) -> bool:
    return target.is_file() and filecmp.cmp(staged, target, shallow=False)


def _render_staged(
    result: AnalysedResult,
    created: dt.datetime,
    department_created: dict[str, dt.datetime],
    folder: Path,
    targets: list[Path],
    *,
    workers: int | None,
    departments: set[str] | None = None,
    standing: UnitStanding | None = None,
) -> dict[Path, Path]:
    """Render the year's outputs and the workbooks of ``departments`` (default:
    all) into the staging folder; target → staged file."""
    staging = folder / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    every = {target: staging / target.relative_to(folder) for target in targets}
    paths = list(every.values())
    jobs = [
        (code, path, department_created[code])
        for code, path in zip(department_created, paths[4:], strict=True)
        if departments is None or code in departments
    ]
    wanted = set(paths[:4]) | {path for _, path, _ in jobs}
    staged = {target: path for target, path in every.items() if path in wanted}
    try:
        _render_outputs(result, created, jobs, workers, paths, standing)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # e.g. the disk is full: free it
        raise
    return staged


def _move_set(
    folder: Path,
    staged: dict[Path, Path],
    moves: list[Path],
    *,
    manifest: Path,
    document: dict[str, Any],
    previous_summary: dict[str, Any] | None,
) -> None:
    """Move the changed outputs into place as one set, then record the run.

    The journal goes first (with the manifest to write and the summary of the last
    complete set), then one rename per changed file (milliseconds for the whole
    set: a reader never sees a mix of two runs for long), then the manifest; the
    journal and the staging folder go last. A run killed anywhere in between is
    finished by the next one (``finish_interrupted_publish``).
    """
    journal = folder / JOURNAL
    if moves:
        write_bytes_atomic(
            journal,
            manifest_bytes(
                {
                    "run_at": document["run_at"],
                    "manifest": str(manifest),
                    "moves": [
                        target.relative_to(folder).as_posix() for target in moves
                    ],
                    "document": document,
                    "previous_summary": previous_summary,
                }
            ),
        )
        for target in moves:
            _move(staged[target], target)
        sync_folders({target.parent for target in moves})
    write_bytes_atomic(manifest, manifest_bytes(document))
    journal.unlink(missing_ok=True)
    shutil.rmtree(folder / STAGING, ignore_errors=True)


def departments_to_render(
    last: dict[str, Any] | None, keys: dict[str, str], jobs: list[DepartmentJob]
) -> list[DepartmentJob]:
    """The department workbooks to render: those whose key (``department_keys``)
    differs from the last run's, or whose file is not as the last run wrote it."""
    if last is None:
        return jobs
    last_keys = last.get("department_keys") or {}
    recorded = {o.get("file"): o.get("sha256") for o in last.get("outputs", [])}
    return [
        job
        for job in jobs
        if last_keys.get(job[0]) != keys[job[0]]
        or recorded.get(str(job[1])) is None
        or recorded[str(job[1])] != file_digest(job[1])
    ]


def _render_outputs(  # noqa: PLR0917 - the standing joins the old five
    result: AnalysedResult,
    created: dt.datetime,
    jobs: list[DepartmentJob],
    workers: int | None,
    targets: list[Path],
    standing: UnitStanding | None = None,
) -> dict[Path, bool]:
    """Render the year's outputs and the department workbooks of ``jobs``; which
    files changed, in ``targets`` order (scorecard, summary, report, markdown, then
    the departments; those not in ``jobs`` are unchanged)."""
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
    departments = write_department_workbooks(result, jobs, workers, standing)
    for target in targets[4:]:
        written[target] = departments.get(target, False)
    return written


def _with_unit(result: AnalysedResult, keys: dict[str, str]) -> dict[str, str]:
    """Each department's key, extended by the unit's settings. A workbook is
    rendered from the whole analysed result, but what it shows is a function of
    its department's view (``department_view``) and the unit alone: rendered from
    ``analyse(department_view(result, code), result.unit)`` it is byte-identical
    (``tests/test_department_view.py``), and ``department_keys`` covers the view."""
    extended = {}
    for code, key in keys.items():
        digest = hashlib.sha256(key.encode())
        update_digest(digest, result.unit)
        extended[code] = digest.hexdigest()
    return extended


def _standing_key(standing: UnitStanding | None) -> str | None:
    """sha256 of a unit's standing in its province (None outside a province)."""
    if standing is None:
        return None
    return hashlib.sha256(pickle.dumps(standing, protocol=4)).hexdigest()


def publish_outputs(
    result: AnalysedResult,
    ingested: Ingested,
    inputs: Path,
    outputs: Path,
    *,
    run_at: float,
    created: dt.datetime | None = None,
    workers: int | None = None,
    fingerprint: str | None = None,
    standing: UnitStanding | None = None,
) -> Written:
    """Write the scorecard, the summary and one workbook per department, archive
    every submission read, and record the run's manifest, under the outputs lock.

    Files whose content did not change are not rewritten, and nothing is rendered
    when the last run rendered from the same ``render_key`` (same result, dates,
    code and libraries) and its outputs are untouched. Workbooks get their
    creation date from their inputs (``creation_time``) unless ``created`` is given.
    ``workers`` processes write the department workbooks (default: one per core
    when there are many departments, else none); only those whose department key
    (``parindex.department_view``) or file changed are rendered. ``fingerprint``
    (``parindex.night.fingerprint``, taken before the inputs were read) is
    recorded, so that the next night with nothing new repeats this run.
    ``standing`` (a province run) adds the unit's rank in its group to the
    department workbooks; when only the standing moved (another unit of the group
    changed), only they change.
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
        repaired = finish_interrupted_publish(folder)
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
        departments = [folder / "departments" / f"{code}-{year}.xlsx" for code in codes]
        targets = [scorecard, summary_path, report, markdown, *departments]
        # what changed is told against the last complete set of outputs
        previous_summary = (
            repaired.previous_summary if repaired else read_json(summary_path)
        )
        key = render_key(result, created, department_created)
        staged: dict[Path, Path] = {}
        last = last_run(folder)
        # a province unit's workbooks also show its place in its group
        standing_key = _standing_key(standing)
        same_standing = (last or {}).get("standing_key") == standing_key
        if unchanged_since(last, key, targets) and same_standing:
            # a night with nothing new: the same key means the same department keys
            assert last is not None
            department_keys_now = last.get("department_keys") or {}
        else:
            department_keys_now = _with_unit(
                result,
                department_keys(
                    result,
                    {c: when.isoformat() for c, when in department_created.items()},
                    [code_digest(), versions(), standing_key],
                ),
            )
            # only the departments whose workbook's inputs changed are rendered
            jobs = [
                (code, target, department_created[code])
                for code, target in zip(codes, departments, strict=True)
            ]
            todo = {
                job[0] for job in departments_to_render(last, department_keys_now, jobs)
            }
            staged = _render_staged(
                result,
                created,
                department_created,
                folder,
                targets,
                workers=workers,
                departments=todo,
                standing=standing,
            )
        written = {
            target: target in staged and not _same_file(staged[target], target)
            for target in targets
        }
        changes = describe_changes(previous_summary, summary(result))
        if repaired is not None:
            changes = [repaired.line, *changes]
        manifest = manifest_path(folder, run_at)
        moves = [target for target in targets if written[target]]
        document = run_manifest(
            result,
            ingested,
            inputs,
            written,
            changes=changes,
            run_at=run_at,
            key=key,
            contents_at={target: staged[target] for target in moves},
        )
        document["repaired"] = repaired.record() if repaired else None
        document["department_keys"] = department_keys_now
        document["fingerprint"] = fingerprint
        if standing_key is not None:
            document["standing_key"] = standing_key
        # what a repeated night shows again (parindex.night)
        document["rows_set_aside"] = rows_set_aside(
            result.submissions, result.problems, result.current.criteria_set
        )
        _move_set(
            folder,
            staged,
            moves,
            manifest=manifest,
            document=document,
            previous_summary=previous_summary,
        )
    return Written(
        scorecard, summary_path, departments, archived, moves, changes, manifest
    )

"""The stages of a consolidation, as plain functions the Prefect flow wires together.

Each stage takes its inputs as arguments (folders, the clock) and returns data; only
``publish_outputs`` writes files. Nothing here imports Prefect.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.analysis import rows_where
from parindex.changes import describe_changes
from parindex.consolidate import Result, YearResult, compare, consolidate_year
from parindex.criteria import CRITERIA_FOLDER, CriteriaSet, criteria_set_for_year
from parindex.errors import NoYearFolder, ParindexError
from parindex.history import History, read_history
from parindex.ingest.collect import Ingested, ingest_year
from parindex.ingest.discover import no_year_folder, sha256, year_folders
from parindex.numbers import round2
from parindex.problems import concat_problems, error_count, problems_frame
from parindex.publish import (
    archive,
    outputs_lock,
    sweep_temporary_files,
    write_atomic,
    write_bytes_atomic,
)
from parindex.render.department import render_department
from parindex.render.markdown import markdown_summary
from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from parindex.render.summary import render_summary, summary
from parindex.timefmt import local_iso

HISTORY_FILE = "history.xlsx"
MANIFEST_PACKAGES = (
    "parindex",
    "polars",
    "pandera",
    "python-calamine",
    "xlsxwriter",
    "openpyxl",
    "python-docx",
    "prefect",
)
PACKAGE_DIR = Path(__file__).resolve().parent


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


def latest_year(inputs: Path) -> int:
    """The latest year that has a drop folder.

    Raises:
        NoYearFolder: ``inputs`` holds no year folder.
    """
    years = year_folders(inputs)
    if not years:
        raise NoYearFolder(messages.NO_YEAR_FOLDERS.format(folder=inputs))
    return years[-1]


def load_criteria(inputs: Path, year: int) -> CriteriaSet:
    """The criteria set in force in ``year`` (raises ``ParindexError`` subclasses)."""
    if not (inputs / str(year)).is_dir():
        raise no_year_folder(inputs / str(year), year)
    return criteria_set_for_year(inputs / CRITERIA_FOLDER, year)


def load_history(inputs: Path) -> tuple[History, pl.DataFrame]:
    """The published figures of earlier years and the problems reading them."""
    history, problems = read_history(inputs / HISTORY_FILE)
    return history, problems_frame(problems)


def consolidate_previous(inputs: Path, year: int, now: float) -> YearResult | None:
    """The previous year consolidated from its own submissions, when it has any.

    Its problems belong to that year's own run and are not repeated here.
    """
    previous = year - 1
    if not (inputs / str(previous)).is_dir():
        return None
    try:
        criteria_set = criteria_set_for_year(inputs / CRITERIA_FOLDER, previous)
        ingested = ingest_year(inputs, previous, criteria_set, now)
    except ParindexError:
        return None
    if ingested.rows.is_empty():
        return None
    return consolidate_year(criteria_set, ingested.rows, previous)[0]


def build_result(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
) -> Result:
    """Consolidate the year and compare it with the previous one."""
    current, conflicts = consolidate_year(criteria_set, ingested.rows, ingested.year)
    problems = concat_problems([ingested.problems, conflicts, history_problems])
    return compare(current, previous, history, ingested.submissions, problems)


def creation_time(ingested: Ingested, department: str | None = None) -> dt.datetime:
    """A workbook's creation date: the newest modification time of the inputs it is
    made from (all of them, or one department's files), so that the same inputs give
    byte-identical outputs and a new file changes only the workbooks it feeds."""
    files = ingested.submissions
    if department is not None:
        files = rows_where(files, "department", department)
    names = files["file"].to_list() if department is not None else list(ingested.paths)
    mtimes = [
        ingested.paths[name].stat().st_mtime
        for name in names
        if name in ingested.paths and ingested.paths[name].exists()
    ]
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


def _file_digest(path: Path) -> str | None:
    return sha256(path.read_bytes()) if path.is_file() else None


def _read_summary(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _versions() -> dict[str, str]:
    found = {}
    for package in MANIFEST_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


@functools.cache
def _code_digest() -> str:
    """sha256 of parindex's own source: a new version renders again."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(str(source.relative_to(PACKAGE_DIR)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def render_key(
    result: Result, created: dt.datetime, department_created: dict[str, dt.datetime]
) -> str:
    """What every output of a year is a function of: the consolidated result, the
    creation dates, parindex's code and the versions of the libraries that write
    the files. The renderers are pure (the same result and dates give the same
    bytes: golden tests), so equal keys mean equal outputs."""
    digest = hashlib.sha256()
    stamps = {code: moment.isoformat() for code, moment in department_created.items()}
    digest.update(
        json.dumps(
            [_code_digest(), _versions(), created.isoformat(), stamps], sort_keys=True
        ).encode()
    )
    # streamed into the hash: a province's result pickles to tens of megabytes
    pickle.Pickler(_HashWriter(digest), protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    return digest.hexdigest()


class _HashWriter:
    """A file-like object that feeds what is written to it into a hash."""

    def __init__(self, digest: Any) -> None:
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return len(data)


def _last_run(folder: Path) -> dict[str, Any] | None:
    """The manifest of the newest earlier run of the year, if readable."""
    runs = sorted((folder / "runs").glob("*.json"))
    return _read_summary(runs[-1]) if runs else None


def _unchanged_since(
    last: dict[str, Any] | None, key: str, targets: list[Path]
) -> bool:
    """Whether the last run rendered from the same key and every output it wrote is
    still there, as it wrote it (nobody edited or deleted one since)."""
    if last is None or last.get("render_key") != key:
        return False
    recorded = {o.get("file"): o.get("sha256") for o in last.get("outputs", [])}
    return all(
        recorded.get(str(target)) is not None
        and recorded[str(target)] == _file_digest(target)
        for target in targets
    )


def run_manifest(
    result: Result,
    ingested: Ingested,
    inputs: Path,
    written: dict[Path, bool],
    *,
    changes: list[str],
    run_at: float,
    key: str | None = None,
) -> dict[str, Any]:
    """What a run read and wrote, with versions: enough to reproduce its outputs."""
    criteria_path = inputs / CRITERIA_FOLDER / result.current.criteria_set.source
    errors = error_count(result.problems)
    return {
        "run_at": local_iso(run_at),
        "year": result.year,
        "versions": _versions(),
        "criteria_set": {
            "name": result.current.criteria_set.name,
            "file": str(criteria_path.relative_to(inputs)),
            "sha256": _file_digest(criteria_path),
        },
        "history": {
            "file": HISTORY_FILE,
            "sha256": _file_digest(inputs / HISTORY_FILE),
        },
        "inputs": ingested.submissions.select(
            "file", "sha256", "size", "modified", "department", "status"
        ).to_dicts(),
        "figures": {
            "status": result.current.status,
            "total": round2(result.current.total),
            "groups": {k: round2(v) for k, v in result.current.groups.items()},
        },
        "problems": {"errors": errors, "warnings": result.problems.height - errors},
        "outputs": [
            {"file": str(path), "sha256": _file_digest(path), "changed": changed}
            for path, changed in written.items()
        ],
        "changes": changes,
        "render_key": key,
    }


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
                ingested.paths[row["file"]],
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
        previous_summary = _read_summary(summary_path)
        key = render_key(result, created, department_created)
        targets = [scorecard, summary_path, report, markdown, *departments]
        if _unchanged_since(_last_run(folder), key, targets):
            # a night with nothing new: the outputs are already these bytes
            written = dict.fromkeys(targets, False)
        else:
            written = _render_outputs(result, created, jobs, workers, targets)
        changes = describe_changes(previous_summary, summary(result))
        stamp = dt.datetime.fromtimestamp(run_at, tz=dt.UTC).strftime(
            "%Y%m%dT%H%M%S%fZ"
        )
        # the process id keeps two runs started in the same microsecond apart
        manifest = folder / "runs" / f"{stamp}-{os.getpid()}.json"
        document = run_manifest(
            result, ingested, inputs, written, changes=changes, run_at=run_at, key=key
        )
        write_bytes_atomic(
            manifest,
            (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(),
        )
    changed = [path for path, was_changed in written.items() if was_changed]
    return Written(
        scorecard, summary_path, departments, archived, changed, changes, manifest
    )

"""Render a year's output set and publish it under the outputs lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import gc
import hashlib
import json
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.analysis import AnalysedResult, DepartmentAnalysis, DepartmentShares
from parindex.changes import (
    DEPARTMENT_WORKBOOK_EDITED,
    DEPARTMENT_WORKBOOK_NOT_REMOVED,
    DEPARTMENT_WORKBOOK_REMOVED,
    NOTHING_CHANGED,
    STANDING_REWRITTEN,
    SUMMARY_EDITED,
    SUMMARY_EDITED_NOT_COMPARED,
    describe_changes,
)
from parindex.department_view import department_keys, update_digest
from parindex.errors import OutputsNotWritable
from parindex.history import history_file
from parindex.ingest.collect import Ingested
from parindex.ingest.winners import rows_set_aside
from parindex.publish.compared import (
    compared_part,
    compared_with,
    comparison_digest,
    keep_compared,
    published_part,
    settings_part,
)
from parindex.publish.files import (
    REASONS,
    archive_all,
    check_folder_takes_files,
    check_targets,
    known_targets,
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
from parindex.render.fragments import ReportParts
from parindex.render.markdown import write_markdown_summary
from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from parindex.render.standing import UnitStanding
from parindex.render.summary import SummaryPieces, summary, write_summary
from parindex.settings import SETTINGS_FILE


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


def creation_times(ingested: Ingested, codes: list[str]) -> dict[str, dt.datetime]:
    """``creation_time(ingested, code)`` of each of ``codes``, the submissions
    gone through once (filtering them per department cost 0.1 s at 1000)."""
    names: dict[str, list[str]] = {}
    files = ingested.submissions
    for department, name in zip(
        files["department"].to_list(), files["file"].to_list(), strict=True
    ):
        if department is not None:
            names.setdefault(department, []).append(name)
    whole: dt.datetime | None = None
    found = {}
    for code in codes:
        mtimes = [
            ingested.mtimes[name]
            for name in names.get(code, [])
            if name in ingested.mtimes
        ]
        if mtimes:
            moment = dt.datetime.fromtimestamp(int(max(mtimes)), tz=dt.UTC)
            found[code] = moment.replace(tzinfo=None)
        else:
            whole = whole or creation_time(ingested)
            found[code] = whole
    return found


DepartmentJob = tuple[str, Path, dt.datetime]
DEPARTMENTS_PER_CHUNK = 100
"""Department workbooks rendered by one call of ``render_department_chunk`` (one
task of the flow): about 3 s of XlsxWriter, against a few milliseconds of task
overhead and, in another process, the chunk's share of the result to unpickle."""


@dataclass(frozen=True)
class DepartmentChunk:
    """Some departments' workbooks to render: what ``render_department_chunk``
    needs and nothing more, since it may be sent to another process.

    ``result`` is the year's result with the analysis of these departments only
    (``for_departments``): a department's workbook reads its own analysis and
    the whole-year frames, never another department's analysis, which is most of
    the result's size (at 1000 departments, 84 of 97 MB pickled).
    """

    result: AnalysedResult
    jobs: tuple[tuple[str, dt.datetime], ...]
    """(department code, the workbook's creation date), in order."""
    standing: UnitStanding | None = None


MapChunks = Callable[
    [Callable[[DepartmentChunk], list[bytes]], list[DepartmentChunk]],
    Iterable[list[bytes]],
]
"""How the chunks are rendered: anything shaped like the builtin ``map`` (the
default: one after another, in this thread), ``Executor.map``, or the flow's task
runner (``flows.consolidate``). Results come back in the chunks' order."""


def for_departments(result: AnalysedResult, codes: Iterable[str]) -> AnalysedResult:
    """``result`` with the per-department analysis of ``codes`` only."""
    analysis = result.analysis
    # a code without an analysis stays without: rendering it raises, as before
    kept: Mapping[str, DepartmentAnalysis]
    if isinstance(analysis.departments, DepartmentShares):
        # sliced when rendered, not now: chunks waiting hold no slice (at 5000
        # departments, every chunk's slices held at once weighed ~1.2 GB)
        kept = analysis.departments.only(codes)
    else:
        kept = {c: analysis.departments[c] for c in codes if c in analysis.departments}
    return replace(result, analysis=replace(analysis, departments=kept))


def department_chunks(
    result: AnalysedResult,
    jobs: list[DepartmentJob],
    standing: UnitStanding | None = None,
    size: int = DEPARTMENTS_PER_CHUNK,
) -> list[DepartmentChunk]:
    """``jobs`` cut into chunks of ``size`` departments, in order."""
    chunks = []
    for start in range(0, len(jobs), max(1, size)):
        part = jobs[start : start + max(1, size)]
        chunks.append(
            DepartmentChunk(
                result=for_departments(result, [code for code, _, _ in part]),
                jobs=tuple((code, created) for code, _, created in part),
                standing=standing,
            )
        )
    return chunks


def render_department_chunk(chunk: DepartmentChunk) -> list[bytes]:
    """Render the chunk's workbooks; their bytes, in order. Writes nothing but
    private temporary files, so it may run in any process or on any machine: the
    process that holds the outputs lock writes the bytes into its staging folder."""
    rendered = []
    # What this process holds already (the year's result, the report's parts) is
    # not garbage: kept out of the collector's full passes while XlsxWriter makes
    # its many small objects (15.6 -> 13.0 s of CPU for n1000's 995 workbooks).
    # Global and not nested: a thread's unfreeze only costs the others speed.
    gc.freeze()
    try:
        with tempfile.TemporaryDirectory(prefix="parindex-departments-") as folder:
            for index, (code, created) in enumerate(chunk.jobs):
                path = Path(folder) / f"{index}.xlsx"
                render_department(chunk.result, code, path, created, chunk.standing)
                rendered.append(path.read_bytes())
                path.unlink()
    finally:
        gc.unfreeze()
    return rendered


def write_department_workbooks(
    result: AnalysedResult,
    jobs: list[DepartmentJob],
    standing: UnitStanding | None = None,
    *,
    map_chunks: MapChunks = map,
    chunk_size: int = DEPARTMENTS_PER_CHUNK,
) -> dict[Path, bool]:
    """Render the department workbooks of ``jobs`` in chunks through
    ``map_chunks`` and write each atomically; which ones changed, in ``jobs``
    order."""
    return _write_rendered(
        jobs, _start_departments(result, jobs, standing, map_chunks, chunk_size)
    )


def _start_departments(
    result: AnalysedResult,
    jobs: list[DepartmentJob],
    standing: UnitStanding | None,
    map_chunks: MapChunks,
    chunk_size: int,
) -> Iterator[list[bytes]]:
    """Hand the chunks to ``map_chunks`` (a runner starts on them at once, the
    builtin ``map`` when they are asked for)."""
    chunks = department_chunks(result, jobs, standing, chunk_size)
    return iter(map_chunks(render_department_chunk, chunks))


def _write_rendered(
    jobs: list[DepartmentJob], rendered: Iterator[list[bytes]]
) -> dict[Path, bool]:
    """Write each chunk's bytes as it arrives (a chunk's bytes are let go once
    written)."""
    written: dict[Path, bool] = {}
    pending = iter(jobs)
    for contents in rendered:
        for content in contents:
            _, target, _ = next(pending)
            written[target] = write_bytes_atomic(target, content)
    if next(pending, None) is not None:
        raise RuntimeError("department workbooks missing from the rendered chunks")
    return written


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
    # something put in the way since: say so, the journal kept for a later run
    check_targets(
        folder.parent,
        [folder / str(relative) for relative in journal.get("moves", [])],
        messages.REPAIR_IN_THE_WAY,
    )
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


@dataclass(frozen=True)
class SetOnDisk:
    """Which run's output set is in a year's folder while a journal is there
    (``set_on_disk``): ``run_at`` and ``manifest`` are the journal's run;
    ``moved`` of ``total`` of its files are in place."""

    run_at: str
    manifest: str
    moved: int
    total: int

    @property
    def complete(self) -> bool:
        """Every file of the journal's run is in place (its manifest may not be
        written yet): the set on disk is that run's."""
        return self.moved == self.total

    @property
    def untouched(self) -> bool:
        """None moved yet: the set on disk is the last complete run's."""
        return self.moved == 0


def set_on_disk(folder: Path) -> SetOnDisk | None:
    """What a journal left in ``folder`` (``outputs/<year>``) says of the files
    there; None without a journal (the set is the newest manifest's). Reads only:
    the next run under the lock finishes the move (``finish_interrupted_publish``)."""
    journal = read_json(folder / JOURNAL)
    if journal is None:
        return None
    moves = [str(m) for m in journal.get("moves", [])]
    pending = sum(1 for m in moves if (folder / STAGING / m).is_file())
    return SetOnDisk(
        run_at=str(journal.get("run_at", "?")),
        manifest=str(journal.get("manifest", "")),
        moved=len(moves) - pending,
        total=len(moves),
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
    departments: set[str] | None = None,
    standing: UnitStanding | None = None,
    map_chunks: MapChunks = map,
    chunk_size: int = DEPARTMENTS_PER_CHUNK,
    summary_now: list[dict[str, Any]] | None = None,
    parts: ReportParts | None = None,
    pieces: SummaryPieces | None = None,
) -> dict[Path, Path]:
    """Render the year's outputs and the workbooks of ``departments`` (default:
    all) into the staging folder; target → staged file. ``summary_now`` holds
    ``summary(result)`` when the caller has it (taken from it, and let go once
    written); ``parts`` the report's parts kept from the last night, ``pieces``
    the summary's."""
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
        _render_outputs(
            result,
            created,
            jobs,
            paths,
            standing,
            map_chunks=map_chunks,
            chunk_size=chunk_size,
            summary_now=summary_now,
            parts=parts,
            pieces=pieces,
        )
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

    Every destination is checked first (``check_targets``): something in the way
    stops the run before the first move, the previous set whole. The journal goes
    first (with the manifest to write and the part compared of the last complete
    set's summary), then one rename per changed file (milliseconds for the whole
    set: a reader never sees a mix of two runs for long), then the manifest; the
    journal and the staging folder go last. SIGINT and SIGTERM wait for the end of
    this (a few milliseconds) when it runs in the main thread. A move that fails
    anyway is rolled back (each replaced file was linked aside first); a run killed
    anywhere in between is finished by the next one (``finish_interrupted_publish``).
    """
    journal = folder / JOURNAL
    try:
        check_targets(folder.parent, [*moves, manifest, journal])
        # the run's record is written after the moves: a folder that takes no
        # file would leave tonight's files published and unrecorded
        check_folder_takes_files(manifest.parent)
    except OutputsNotWritable:
        shutil.rmtree(folder / STAGING, ignore_errors=True)
        raise
    with _signals_deferred():
        if moves:
            write_bytes_atomic(
                journal,
                _journal_bytes(
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
            _move_all(folder, staged, moves)
            sync_folders({target.parent for target in moves})
        write_bytes_atomic(manifest, manifest_bytes(document))
        journal.unlink(missing_ok=True)
        shutil.rmtree(folder / STAGING, ignore_errors=True)


def replace_together(
    folder: Path, writers: dict[Path, Callable[[Path], object]]
) -> dict[Path, bool]:
    """Write each file of ``writers`` (target → write(path)) into the staging
    folder, then move those that changed into place as one set (``_move_all``:
    one that cannot be replaced puts back those already moved, and raises why):
    a failure never leaves some of them new and some old. Which changed, in
    order. For a few files published without a journal (the province's own):
    only a process killed between two renames, milliseconds, can leave a mix."""
    staging = folder / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staged = {target: staging / target.relative_to(folder) for target in writers}
    with _staging_removed_on_exit(folder):
        for target, write in writers.items():
            write_atomic(staged[target], write)
        changed = {target: not _same_file(staged[target], target) for target in writers}
        _move_all(folder, staged, [target for target in writers if changed[target]])
        sync_folders({target.parent for target in writers})
    shutil.rmtree(staging, ignore_errors=True)
    return changed


def _journal_bytes(journal: dict[str, Any]) -> bytes:
    """The journal as written: JSON on one line (read back by ``read_json``
    only). It holds the run's manifest and the part of the last summary that is
    compared (``publish.compared``; a journal of an earlier version may hold the
    whole summary, read the same way)."""
    return json.dumps(journal, ensure_ascii=False).encode() + b"\n"


PREVIOUS = ".previous"
"""Below the staging folder: the files a run replaces, linked aside while it
moves its set, to put them back if a move fails."""


def _move_all(folder: Path, staged: dict[Path, Path], moves: list[Path]) -> None:
    """Rename each staged file onto its target, keeping the replaced file aside;
    when a rename fails, put back the files already replaced and stop."""
    aside = folder / STAGING / PREVIOUS
    done: list[tuple[Path, Path | None]] = []
    for target in moves:
        try:
            kept = _keep_aside(target, aside / target.relative_to(folder))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[target], target)
        except OSError as error:
            _roll_back(folder, done, target, error)
        done.append((target, kept))


def _keep_aside(target: Path, kept: Path) -> Path | None:
    """A link (or, where links are not allowed, a copy) of ``target`` at ``kept``;
    None when there is no file at ``target``."""
    if not target.is_file():
        return None
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, kept, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, kept, follow_symlinks=False)
    return kept


def _roll_back(
    folder: Path,
    done: list[tuple[Path, Path | None]],
    failed: Path,
    error: OSError,
) -> None:
    """Put back the files replaced so far and raise why the move failed. When
    that fails too, the journal and the staging folder stay: the next run
    finishes the set."""
    reason = REASONS.get(error.errno or 0, error.strerror or str(error))
    if isinstance(error, PermissionError) and failed.exists():
        reason = messages.FILE_LOCKED_REASON  # the folder took the staged set
    try:
        for target, kept in reversed(done):
            if kept is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(kept, target)
    except OSError:
        raise OutputsNotWritable(
            messages.PUBLISH_NOT_ROLLED_BACK.format(path=failed, reason=reason)
        ) from error
    (folder / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(folder / STAGING, ignore_errors=True)
    raise OutputsNotWritable(
        messages.PUBLISH_ROLLED_BACK.format(path=failed, reason=reason)
    ) from error


_DEFERRED = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends: the set is moved and
    recorded whole, then the signal is honoured by the handler that was there.

    Python runs signal handlers in the main thread only, so only there can the
    handlers be swapped; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda n, _f: received.append(n))
        for number in _DEFERRED
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for received_number in dict.fromkeys(received):
            signal.raise_signal(received_number)


@contextlib.contextmanager
def _staging_removed_on_exit(folder: Path) -> Iterator[None]:
    """However the block ends early (an error, SIGTERM, Ctrl-C), the staging folder
    goes unless a journal says a set is being moved (the next run finishes it)."""
    try:
        yield
    except BaseException:
        if not (folder / JOURNAL).exists():
            shutil.rmtree(folder / STAGING, ignore_errors=True)
        raise


def departments_to_render(
    last: dict[str, Any] | None,
    keys: dict[str, str],
    jobs: list[DepartmentJob],
    digests: dict[Path, str | None] | None = None,
) -> list[DepartmentJob]:
    """The department workbooks to render: those whose key (``department_keys``)
    differs from the last run's, or whose file is not as the last run wrote it.
    The digest of each workbook hashed to know it is added to ``digests``: the
    manifest records it (``run_manifest``) instead of hashing it again."""
    if last is None:
        return jobs
    last_keys = last.get("department_keys") or {}
    recorded = {o.get("file"): o.get("sha256") for o in last.get("outputs", [])}
    found = digests if digests is not None else {}
    todo = []
    for job in jobs:
        code, target, _ = job
        if last_keys.get(code) != keys[code] or recorded.get(str(target)) is None:
            todo.append(job)
            continue
        found[target] = file_digest(target)
        if recorded[str(target)] != found[target]:
            todo.append(job)
    return todo


def _render_outputs(
    result: AnalysedResult,
    created: dt.datetime,
    jobs: list[DepartmentJob],
    targets: list[Path],
    standing: UnitStanding | None = None,
    *,
    map_chunks: MapChunks = map,
    chunk_size: int = DEPARTMENTS_PER_CHUNK,
    summary_now: list[dict[str, Any]] | None = None,
    parts: ReportParts | None = None,
    pieces: SummaryPieces | None = None,
) -> dict[Path, bool]:
    """Render the year's outputs and the department workbooks of ``jobs``; which
    files changed, in ``targets`` order (scorecard, summary, report, markdown, then
    the departments; those not in ``jobs`` are unchanged). The department chunks
    are handed to ``map_chunks`` first: a runner renders them while this thread
    renders the year's outputs. The report and the Markdown take the parts kept
    from the last night from ``parts`` and keep this night's there; the summary
    its pieces from ``pieces``."""
    scorecard, summary_path, report, markdown = targets[:4]
    rendered = _start_departments(result, jobs, standing, map_chunks, chunk_size)
    written: dict[Path, bool] = {}
    written[scorecard] = write_atomic(
        scorecard, lambda path: render_scorecard(result, path, created)
    )
    # taken out once written: the summary (≈ 90 MB at 5000 departments) is not
    # held while the report and the department workbooks render
    taken = summary_now if summary_now else [summary(result)]
    written[summary_path] = write_atomic(
        summary_path, lambda path: write_summary(taken.pop(), path, pieces)
    )
    if pieces is not None:
        pieces.save()
    written[report] = write_bytes_atomic(report, render_report(result, created, parts))
    written[markdown] = write_atomic(
        markdown, lambda path: write_markdown_summary(path, result, parts)
    )
    if parts is not None:
        parts.save()
    departments = _write_rendered(jobs, rendered)
    for target in targets[4:]:
        written[target] = departments.get(target, False)
    return written


def _with_unit(result: AnalysedResult, keys: dict[str, str]) -> dict[str, str]:
    """Each department's key, extended by the unit's settings. A workbook is
    rendered from the whole analysed result, but what it shows is a function of
    its department's view (``department_view``) and the unit alone: rendered from
    ``analyse(department_view(result, code), result.unit)`` it is byte-identical
    (``tests/test_department_view.py``), and ``department_keys`` covers the view."""
    unit = _Fed()
    update_digest(unit, result.unit)  # once: the same bytes for every department
    settings = b"".join(unit.parts)
    return {
        code: hashlib.sha256(key.encode() + settings).hexdigest()
        for code, key in keys.items()
    }


class _Fed:
    """What ``update_digest`` feeds a digest, kept: a digest fed a key then these
    bytes is the sha256 of their concatenation."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def update(self, data: bytes) -> None:
        self.parts.append(data)


def _standing_key(standing: UnitStanding | None) -> str | None:
    """sha256 of a unit's standing in its province (None outside a province)."""
    if standing is None:
        return None
    return hashlib.sha256(pickle.dumps(standing, protocol=4)).hexdigest()


def _remove_gone_departments(
    last: dict[str, Any] | None, departments: list[Path]
) -> tuple[list[Path], list[str]]:
    """Remove the department workbooks the last run wrote for departments no
    longer in the set (``departments``: this run's): (those removed, a line for
    each, and for each left because it was edited since or could not be
    deleted). Only a workbook the last run's record lists, in the same folder,
    is ever touched; one that is not as that run wrote it is left, and said."""
    if not departments:
        return [], []
    folder = departments[0].parent
    current = set(departments)
    removed: list[Path] = []
    lines: list[str] = []
    for output in (last or {}).get("outputs", []):
        path = Path(str(output.get("file", "")))
        if path.parent != folder or path in current or not path.is_file():
            continue
        name = f"{folder.name}/{path.name}"
        code = path.name.removesuffix(".xlsx").rsplit("-", 1)[0]
        if file_digest(path) != output.get("sha256"):
            lines.append(DEPARTMENT_WORKBOOK_EDITED.format(file=name, department=code))
            continue
        try:
            path.unlink()
        except OSError as error:
            lines.append(
                DEPARTMENT_WORKBOOK_NOT_REMOVED.format(
                    file=name, department=code, reason=error.strerror or error
                )
            )
            continue
        removed.append(path)
        lines.append(DEPARTMENT_WORKBOOK_REMOVED.format(file=name, department=code))
    return removed, lines


def _recorded(last: dict[str, Any] | None, target: Path) -> str | None:
    """The sha256 the last run's record gives ``target`` (None: none)."""
    for output in (last or {}).get("outputs", []):
        if output.get("file") == str(target):
            digest = output.get("sha256")
            return digest if isinstance(digest, str) else None
    return None


def _changes(
    previous: dict[str, Any] | None,
    now: dict[str, Any],
    summary_path: Path,
    edited: bool,
) -> list[str]:
    """``describe_changes``, and first whether the summary had been edited since
    the last run wrote it (then compared with what that run wrote, or not at
    all when that is not known)."""
    if not edited:
        return describe_changes(previous, now)
    if previous is None:
        return [SUMMARY_EDITED_NOT_COMPARED.format(file=summary_path.name)]
    lines = [
        line for line in describe_changes(previous, now) if line != NOTHING_CHANGED
    ]
    return [SUMMARY_EDITED.format(file=summary_path.name), *lines]


def publish_outputs(
    result: AnalysedResult,
    ingested: Ingested,
    inputs: Path,
    outputs: Path,
    *,
    run_at: float,
    created: dt.datetime | None = None,
    fingerprint: str | None = None,
    standing: UnitStanding | None = None,
    map_chunks: MapChunks = map,
    chunk_size: int = DEPARTMENTS_PER_CHUNK,
    announce: Callable[[list[str], Path], object] | None = None,
) -> Written:
    """Write the scorecard, the summary and one workbook per department, archive
    every submission read, and record the run's manifest, under the outputs lock.

    Files whose content did not change are not rewritten, and nothing is rendered
    when the last run rendered from the same ``render_key`` (same result, dates,
    code and libraries) and its outputs are untouched. Workbooks get their
    creation date from their inputs (``creation_time``) unless ``created`` is given.
    Only the department workbooks whose department key
    (``parindex.department_view``) or file changed are rendered, in chunks of
    ``chunk_size`` handed to ``map_chunks`` (default: the builtin ``map``, one
    after another in this thread; the flow passes its task runner's). ``fingerprint``
    (``parindex.night.fingerprint``, taken before the inputs were read) is
    recorded, so that the next night with nothing new repeats this run.
    ``standing`` (a province run) adds the unit's rank in its group to the
    department workbooks; when only the standing moved (another unit of the group
    changed), only they change. ``announce(changes, manifest)`` is called once
    everything is staged, before anything is published: the status page is
    written there, so that a page that cannot be written stops the run with the
    last set of outputs whole and still the last complete record's.
    """
    codes = result.current.departments["code"].to_list()
    department_created = (
        dict.fromkeys(codes, created) if created else creation_times(ingested, codes)
    )
    created = created or creation_time(ingested)
    year = result.year
    folder = outputs / str(year)
    with outputs_lock(outputs):
        sweep_temporary_files(folder)
        repaired = finish_interrupted_publish(folder)
        with _staging_removed_on_exit(folder):
            scorecard = folder / f"scorecard-{year}.xlsx"
            summary_path = folder / f"summary-{year}.json"
            report, markdown = (
                folder / f"bao-cao-{year}.docx",
                folder / f"summary-{year}.md",
            )
            departments = [
                folder / "departments" / f"{code}-{year}.xlsx" for code in codes
            ]
            targets = [scorecard, summary_path, report, markdown, *departments]
            manifest = manifest_path(folder, run_at)
            # anything in the way of an output stops the run before anything is
            # written (checked again before the first move)
            check_targets(outputs, [*known_targets(outputs, year), *targets, manifest])
            archived = archive_all(
                (
                    (ingested.contents[digest], ingested.paths[file].suffix, digest)
                    for file, digest in ingested.submissions.select(
                        "file", "sha256"
                    ).iter_rows()
                    if digest is not None
                ),
                outputs / "archive" / str(year),
            )
            last = last_run(folder)
            # what changed is told against the last complete set of outputs:
            # the part of its summary that is compared (``publish.compared``),
            # never a summary edited since (the part kept of the one it wrote)
            edited = False
            if repaired:
                previous_summary = repaired.previous_summary
            else:
                previous_summary, edited = compared_with(
                    outputs, year, summary_path, _recorded(last, summary_path)
                )
            key = render_key(result, created, department_created)
            # compared with the last one, then handed to the rendering to be
            # written (and let go there: not held while the report renders)
            summary_now = [summary(result)]
            compared_now = compared_part(summary_now[0])
            compared_now["comparison"] = comparison_digest(
                result.criteria, result.components
            )
            # the published results and the unit's settings: said when they move
            compared_now["published"] = published_part(
                summary_now[0], history_file(inputs)[0].name
            )
            compared_now["unit"] = settings_part(result.unit, SETTINGS_FILE)
            changes = _changes(previous_summary, compared_now, summary_path, edited)
            staged: dict[Path, Path] = {}
            # the workbooks hashed to know they are as the last run wrote them
            digests: dict[Path, str | None] = {}
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
                    job[0]
                    for job in departments_to_render(
                        last, department_keys_now, jobs, digests
                    )
                }
                staged = _render_staged(
                    result,
                    created,
                    department_created,
                    folder,
                    targets,
                    departments=todo,
                    standing=standing,
                    map_chunks=map_chunks,
                    chunk_size=chunk_size,
                    summary_now=summary_now,
                    # section II and the charts as the last night rendered them,
                    # where what they are made of did not change
                    parts=ReportParts.open(outputs, result, department_keys_now),
                    # the summary's text of each department, criterion, file, as
                    # the last night encoded it, where its value did not change
                    pieces=SummaryPieces.open(outputs, year),
                )
            written = {
                target: target in staged and not _same_file(staged[target], target)
                for target in targets
            }
            summary_now.clear()
            rewritten = sum(1 for target in departments if written.get(target))
            if changes == [NOTHING_CHANGED] and not same_standing and rewritten:
                # a province unit's own figures did not move; its group's did
                changes = [STANDING_REWRITTEN.format(count=rewritten)]
            if repaired is not None:
                changes = [repaired.line, *changes]
            moves = [target for target in targets if written[target]]
            # a department gone from the set keeps no workbook of the year
            removed, said = _remove_gone_departments(last, departments)
            changes = [*changes, *said]
            document = run_manifest(
                result,
                ingested,
                inputs,
                written,
                changes=changes,
                run_at=run_at,
                key=key,
                contents_at={target: staged[target] for target in moves},
                # hashed once this run, the lock held (a moved one is hashed staged)
                digests=digests,
            )
            document["removed"] = [str(path) for path in removed]
            document["repaired"] = repaired.record() if repaired else None
            document["department_keys"] = department_keys_now
            document["fingerprint"] = fingerprint
            if standing_key is not None:
                document["standing_key"] = standing_key
            # what a repeated night shows again (parindex.night)
            document["rows_set_aside"] = rows_set_aside(
                result.submissions, result.problems, result.current
            )
            # what the next night compares with: kept before the set moves (a
            # run stopped before its move leaves a part whose digest is not the
            # summary's on disk, never served), not in the window after the
            # manifest, where a signal would make a published run look stopped
            written_summary = next(
                output["sha256"]
                for output in document["outputs"]
                if output["file"] == str(summary_path)
            )
            keep_compared(outputs, year, written_summary, compared_now)
            if announce is not None:
                announce(changes, manifest)
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

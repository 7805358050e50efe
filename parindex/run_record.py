"""The true record of every run on disk: how it ended, not only when it succeeded.

A completed run's manifest (``outputs/<year>/runs/<UTC>-<pid>.json``) is written by
publishing. This module writes what publishing cannot:

- a **failure record** beside those manifests, same name pattern and shape (``state``
  ``failed`` or ``crashed``, the error, the Prefect flow-run id, no outputs), for a run
  that raised, timed out or lost its process;
- a **running marker** (``runs/.running-<flow run id>.json``: pid, host, process start
  time) while a run is under way, so that a run whose process was killed (``kill -9``,
  power cut) is found by the next run or the next ``serve`` and recorded as crashed;
- ``outputs/<year>/TRANG-THAI.txt``: one page in Vietnamese, rewritten by every run,
  saying the last run, its result, who submitted, who did not, and the errors.

Nothing here imports Prefect: the flow passes the ids and states in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.changes import nothing_scored
from parindex.consolidate import Result
from parindex.criteria import SELF_DEPARTMENT
from parindex.errors import ParindexError
from parindex.problems import (
    doubted_in_use,
    newer_waiting,
    split_submitted,
    who_submitted,
)
from parindex.publish import manifest, write_bytes_atomic
from parindex.server import process_start
from parindex.text import format_vn
from parindex.timefmt import OFFICE_TIMEZONE, local_iso

RUNS_FOLDER = manifest.RUNS_FOLDER
STATUS_FILE = "TRANG-THAI.txt"
RUNNING_PREFIX = ".running-"
MAX_LISTED_PROBLEMS = 20

# How a run ended (``state`` in its record). A completed run's manifest written by
# publishing has no ``state``: it reads as "completed".
COMPLETED, FAILED, CRASHED = "completed", "failed", "crashed"


@dataclass(frozen=True)
class Verdict:
    """What a completed run found: clean, or with errors or missing departments."""

    errors: int
    warnings: int
    submitted: list[tuple[str, str]]
    missing: list[tuple[str, str]]
    problems: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    """Departments without a file in use whose submission is not known (a folder
    that could not be read may hold it): not counted as missing."""
    unusable: list[tuple[str, str]] = field(default_factory=list)
    """Departments that submitted only files that could not be used (rejected):
    not counted as missing, nor as submitted."""
    waiting: list[tuple[str, str]] = field(default_factory=list)
    """Departments without a file in use, a file left for the next run (saved
    within the settle time) maybe theirs: their scores are not in the figures,
    so the night is not clean (``Coverage.waiting``)."""
    newer: list[tuple[str, str]] = field(default_factory=list)
    """Departments counted from a file in use whose newer file waits for the
    next run (``problems.newer_waiting``): not clean, said in the headline."""
    doubted: list[tuple[str, str]] = field(default_factory=list)
    """Departments counted from a file whose ``Đơn vị`` line or name holds only
    a short name of theirs among other words (``problems.doubted_in_use``): a
    warning, said in the headline."""

    @property
    def clean(self) -> bool:
        return (
            self.errors == 0
            and not self.missing
            and not self.unknown
            and not self.unusable
            and not self.waiting
            and not self.newer
        )

    @property
    def label(self) -> str:
        """The result in a few words (also the Prefect state name). A department
        not known to have submitted comes with the error of the folder that could
        not be read: it reads as an error, never as clean."""
        errors = self.errors or self.unknown or self.unusable
        if errors and (self.missing or self.waiting):
            return messages.RUN_WITH_ERRORS_AND_MISSING
        if errors:
            return messages.RUN_WITH_ERRORS
        if self.missing or self.waiting:
            return messages.RUN_WITH_MISSING
        if self.newer:
            return messages.RUN_WITH_WAITING
        return messages.RUN_CLEAN

    @property
    def headline(self) -> str:
        """One line: the label and the counts."""
        details = [
            messages.RUN_COUNTS.format(errors=self.errors, warnings=self.warnings)
        ]
        if self.missing:
            details.append(
                messages.RUN_MISSING_COUNT.format(
                    count=len(self.missing),
                    codes=_shown_codes(self.missing),
                )
            )
        if self.unknown:
            details.append(
                messages.RUN_UNKNOWN_COUNT.format(
                    count=len(self.unknown),
                    codes=_shown_codes(self.unknown),
                )
            )
        if self.unusable:
            details.append(
                messages.RUN_UNUSABLE_COUNT.format(
                    count=len(self.unusable),
                    codes=_shown_codes(self.unusable),
                )
            )
        if self.waiting:
            details.append(
                messages.RUN_WAITING_COUNT.format(
                    count=len(self.waiting),
                    codes=_shown_codes(self.waiting),
                )
            )
        if self.newer:
            details.append(
                messages.RUN_NEWER_COUNT.format(
                    count=len(self.newer),
                    codes=_shown_codes(self.newer),
                )
            )
        if self.doubted:
            details.append(
                messages.RUN_DOUBTED_COUNT.format(
                    count=len(self.doubted),
                    codes=_shown_codes(self.doubted),
                )
            )
        return f"{self.label.upper()}: {'; '.join(details)}"


def _shown_codes(departments: Sequence[tuple[str, str]]) -> str:
    """The departments of a headline by code; a self-assessed unit's one
    department (``DV``) by its name, the unit's (a code of no use to its
    reader)."""
    return ", ".join(
        name if code == SELF_DEPARTMENT.code else code for code, name in departments
    )


def verdict(result: Result) -> Verdict:
    """Who submitted, who did not, and the problems of a consolidated year."""
    problems = result.problems
    errors = int((problems["severity"] == "error").sum())
    listed = problems.sort(
        pl.col("severity").replace_strict({"error": 0, "warning": 1}, default=2)
    ).head(MAX_LISTED_PROBLEMS)
    who = who_submitted(
        result.current.criteria_set.departments, result.submissions, problems
    )
    found = who.coverage
    return Verdict(
        errors=errors,
        warnings=problems.height - errors,
        submitted=found.submitted,
        missing=found.missing,
        problems=listed.to_dicts(),
        unknown=found.unknown,
        unusable=found.unusable,
        waiting=found.waiting,
        newer=newer_waiting(who.departments, who.named),
        doubted=doubted_in_use(who.departments, who.named, who.used_files),
    )


def record_folder(outputs: Path, year: int | None) -> Path:
    """``outputs/<year>/runs``, or ``outputs/runs`` when the year is not known."""
    return (outputs / str(year) if year is not None else outputs) / RUNS_FOLDER


def _write_json(path: Path, document: dict[str, Any]) -> None:
    write_bytes_atomic(path, manifest.manifest_bytes(document))


def failure_record(
    *,
    year: int | None,
    state: str,
    error: str,
    flow_run_id: str | None,
    flow_run_name: str | None,
    run_at: float,
    started_at: str | None = None,
) -> dict[str, Any]:
    """A failed or crashed run's record, in the shape of a completed run's manifest
    (no inputs, figures or outputs: nothing was published)."""
    return {
        "run_at": local_iso(run_at),
        "year": year,
        "state": state,
        "error": error,
        "flow_run_id": flow_run_id,
        "flow_run_name": flow_run_name,
        "started_at": started_at,
        "outputs": [],
        "changes": [],
        "render_key": None,
    }


def write_failure_record(outputs: Path, record: dict[str, Any], run_at: float) -> Path:
    """Write ``record`` as ``runs/<UTC>-<pid>.json`` beside the manifests."""
    year = record["year"]
    path = manifest.manifest_path(
        outputs / str(year) if year is not None else outputs, run_at
    )
    _write_json(path, record)
    return path


def record_failure(
    outputs: Path,
    document: dict[str, Any],
    now: float,
    *,
    departments: Sequence[tuple[str, str]] | None = None,
    recorded: Callable[[Path], object] | None = None,
) -> Path:
    """A failed or crashed unit run's ``document`` (``failure_record``'s shape)
    written beside the manifests, then ``TRANG-THAI.txt`` naming it
    (``record_then_page``).

    Raises:
        OSError / OutputsNotWritable: the record or the page cannot be written.
    """
    year = document["year"]
    last = last_completed(record_folder(outputs, year))
    return record_then_page(
        outputs,
        year,
        lambda: write_failure_record(outputs, document, now),
        lambda manifest: status_text_failed(
            year=year,
            record=document,
            last=last,
            departments=departments,
            manifest=manifest,
        ),
        recorded=recorded,
    )


def record_then_page(
    outputs: Path,
    year: int | None,
    write_record: Callable[[], Path],
    page: Callable[[str], str],
    *,
    recorded: Callable[[Path], object] | None = None,
) -> Path:
    """A failed run's record (``write_record()``), then its ``TRANG-THAI.txt``
    (``page(manifest)``, the record as ``runs/<name>``); ``recorded(path)`` is
    called once the record is written, before the page. A record that cannot be
    written (its ``runs/`` locked) leaves the page saying the night failed and
    that its record could not be written, then raises (a unit's and a
    province's failures alike).

    Raises:
        OSError / OutputsNotWritable: the record or the page cannot be written.
    """
    try:
        path = write_record()
    except (OSError, ParindexError) as error:
        with contextlib.suppress(OSError, ParindexError):
            write_status(
                outputs, year, page(messages.RECORD_NOT_WRITTEN.format(reason=error))
            )
        raise
    if recorded is not None:
        recorded(path)
    write_status(outputs, year, page(f"{RUNS_FOLDER}/{path.name}"))
    return path


def read_records(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every readable record of a ``runs`` folder, oldest first."""
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):  # a running marker, a temporary file
            continue
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, dict):
            found.append((path, document))
    return found


def state_of(record: dict[str, Any]) -> str:
    """How the recorded run ended (a manifest without ``state`` completed)."""
    state = record.get("state")
    return state if isinstance(state, str) else COMPLETED


def last_completed(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest record of a completed run, if any."""
    completed = [
        item for item in read_records(folder) if state_of(item[1]) == COMPLETED
    ]
    return completed[-1] if completed else None


# --- running markers ---------------------------------------------------------------


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = process_start(pid)
    return started is None or now is None or now == started


def mark_running(
    outputs: Path,
    year: int,
    flow_run_id: str,
    flow_run_name: str | None,
    run_at: float,
) -> Path:
    """Record that this process is running ``flow_run_id`` for ``year``."""
    pid = os.getpid()
    path = record_folder(outputs, year) / f"{RUNNING_PREFIX}{flow_run_id}.json"
    _write_json(
        path,
        {
            "flow_run_id": flow_run_id,
            "flow_run_name": flow_run_name,
            "year": year,
            "pid": pid,
            "host": socket.gethostname(),
            "process_start": process_start(pid),
            "started_at": local_iso(run_at),
        },
    )
    return path


def clear_running(outputs: Path, year: int, flow_run_id: str) -> None:
    """The run ended (any way this process saw): remove its marker."""
    path = record_folder(outputs, year) / f"{RUNNING_PREFIX}{flow_run_id}.json"
    path.unlink(missing_ok=True)


def _markers(outputs: Path, year: int | None, prefix: str) -> list[dict[str, Any]]:
    """The readable markers named ``prefix*.json`` of ``year`` (every year of
    ``outputs`` when None), each with its path (``marker``)."""
    folders = (
        [record_folder(outputs, year)]
        if year is not None
        else sorted(outputs.glob(f"*/{RUNS_FOLDER}"))
    )
    found = []
    for folder in folders:
        for path in sorted(folder.glob(f"{prefix}*.json")):
            try:
                marker = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(marker, dict):
                found.append({**marker, "marker": str(path)})
    return found


def _stale(outputs: Path, year: int | None, prefix: str) -> list[dict[str, Any]]:
    """The markers named ``prefix*`` whose process is gone: on this host, a pid
    that no longer runs the same process (another host's is never judged)."""
    host = socket.gethostname()
    stale = []
    for marker in _markers(outputs, year, prefix):
        try:
            pid = int(marker["pid"])
        except (ValueError, KeyError, TypeError):
            continue
        if marker.get("host") != host:
            continue  # another machine's run: not ours to judge
        if not _alive(pid, marker.get("process_start")):
            stale.append(marker)
    return stale


def stale_markers(outputs: Path, year: int | None = None) -> list[dict[str, Any]]:
    """Markers of runs whose process is gone (killed, or the machine restarted):
    on this host, a pid that no longer runs the same process. Every year of
    ``outputs`` unless ``year`` is given."""
    return _stale(outputs, year, RUNNING_PREFIX)


def completed_by(marker: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """The complete record the process of a stale ``marker`` wrote before it
    died (killed after its outputs and record, before its marker went): in the
    marker's folder, a record of a completed run named with its pid, written
    after the marker, of no other flow run; None when there is none."""
    path = Path(str(marker["marker"]))
    try:
        since = path.stat().st_mtime
    except OSError:
        return None
    mine = f"-{marker.get('pid')}.json"
    for found, document in reversed(read_records(path.parent)):
        if not found.name.endswith(mine) or state_of(document) != COMPLETED:
            continue
        if document.get("flow_run_id") not in (None, marker.get("flow_run_id")):
            continue
        try:
            written = found.stat().st_mtime
        except OSError:
            continue
        if written >= since:
            return found, document
    return None


def note_completed_unsettled(
    path: Path, document: dict[str, Any], marker: dict[str, Any]
) -> None:
    """A run that completed (``path``, its record) and died before telling
    Prefect: name its flow run in the record, to be settled ``Completed``
    (``settle_in_prefect``), and remove its marker. Not a crash to record: its
    night is whole."""
    updated = {
        **document,
        "flow_run_id": marker.get("flow_run_id"),
        "flow_run_name": marker.get("flow_run_name"),
        **_unsettled(marker),
    }
    _write_json(path, updated)
    Path(str(marker["marker"])).unlink(missing_ok=True)


def record_crash(outputs: Path, marker: dict[str, Any], now: float) -> Path:
    """Turn a stale marker into a crashed run's record and remove the marker."""
    record = failure_record(
        year=marker.get("year"),
        state=CRASHED,
        error=messages.RUN_CRASHED_ERROR.format(
            pid=marker.get("pid"), started_at=marker.get("started_at")
        ),
        flow_run_id=marker.get("flow_run_id"),
        flow_run_name=marker.get("flow_run_name"),
        run_at=now,
        started_at=marker.get("started_at"),
    )
    if record["flow_run_id"]:  # its flow run still shows as running: to settle
        record.update(_unsettled(marker))
    path = write_failure_record(outputs, record, now)
    Path(marker["marker"]).unlink(missing_ok=True)
    return path


def markers_of_process(
    outputs: Path, year: int, pid: int | None = None
) -> list[dict[str, Any]]:
    """The running markers this process (``pid``, default this one) left for
    ``year``: the runs it started and did not see end."""
    pid = os.getpid() if pid is None else pid
    found = []
    for path in sorted(record_folder(outputs, year).glob(f"{RUNNING_PREFIX}*.json")):
        try:
            marker = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(marker, dict) and marker.get("pid") == pid:
            found.append({**marker, "marker": str(path)})
    return found


def record_lost_run(
    outputs: Path,
    year: int,
    *,
    error: str,
    now: float,
    departments: Sequence[tuple[str, str]] | None = None,
    status_file: bool = True,
) -> Path:
    """The run of ``year`` this process started could not go on or could not
    report how it ended (its Prefect server was lost): record it as failed beside
    the manifests (with its flow run, when it had started; once, even when
    Prefect's own failure hook did record it) and rewrite ``TRANG-THAI.txt``,
    which names the complete run the files in the folder come from
    (``status_file``).

    Returns the run's record."""
    folder = record_folder(outputs, year)
    markers = markers_of_process(outputs, year)
    marker = markers[-1] if markers else {}
    flow_run_id = marker.get("flow_run_id")
    mine = f"-{os.getpid()}.json"  # a record's name ends with its writer's pid
    recorded = [
        (path, document)
        for path, document in read_records(folder)
        if state_of(document) != COMPLETED
        and (
            (flow_run_id is not None and document.get("flow_run_id") == flow_run_id)
            or path.name.endswith(mine)  # Prefect's failure hook, in this process
        )
    ]
    if recorded:
        path, document = recorded[-1]
    else:
        document = failure_record(
            year=year,
            state=FAILED,
            error=error,
            flow_run_id=flow_run_id,
            flow_run_name=marker.get("flow_run_name"),
            run_at=now,
            started_at=marker.get("started_at"),
        )
        path = None
    # Prefect was not told how it ended: the next contact settles it
    marked = unsettled_by_this_process(document)
    if marked is not document:
        document = marked
        if path is not None:
            _write_json(path, document)
    if path is None:
        path = write_failure_record(outputs, document, now)
    for each in markers:
        Path(each["marker"]).unlink(missing_ok=True)
    if status_file:  # a unit's year (a province's folder has no such page)
        text = status_text_failed(
            year=year,
            record=document,
            last=last_completed(folder),
            departments=departments,
            manifest=f"{RUNS_FOLDER}/{path.name}",
        )
        write_status(outputs, year, text)
    return path


# --- runs killed before their flow's first line --------------------------------------

LAUNCH_PREFIX = ".launching-"
LAUNCH_TAG_PREFIX = "parindex-launch-"


def mark_launching(outputs: Path, year: int, now: float) -> tuple[Path, str]:
    """Before this process asks Prefect for the flow run of ``year``: a marker
    (``runs/.launching-<token>.json``: pid, host, process start time, the tag
    the flow run is to carry), so that a process killed before its flow writes
    its running marker is still found by the next night, and its flow run by
    that tag. Returns the marker and the tag."""
    token = uuid.uuid4().hex
    tag = f"{LAUNCH_TAG_PREFIX}{token}"
    pid = os.getpid()
    path = record_folder(outputs, year) / f"{LAUNCH_PREFIX}{token}.json"
    _write_json(
        path,
        {
            "tag": tag,
            "year": year,
            "pid": pid,
            "host": socket.gethostname(),
            "process_start": process_start(pid),
            "started_at": local_iso(now),
            "launched_at": now,
        },
    )
    return path, tag


def clear_launches_of_process(outputs: Path, year: int) -> None:
    """Remove the launch markers this process left for ``year`` (its end is
    recorded another way: the server lost)."""
    for launch in _markers(outputs, year, LAUNCH_PREFIX):
        if launch.get("pid") == os.getpid():
            Path(launch["marker"]).unlink(missing_ok=True)


def stale_launches(outputs: Path, year: int | None = None) -> list[dict[str, Any]]:
    """Launch markers of processes gone without removing them (killed between
    asking for their flow run and the end of it): on this host, a pid that no
    longer runs the same process. Every year of ``outputs`` unless ``year``."""
    return _stale(outputs, year, LAUNCH_PREFIX)


def launch_recorded(launch: dict[str, Any], flow_run_id: str | None) -> bool:
    """Whether the run of ``launch`` is recorded already: a record names its
    flow run, or its own process wrote a record after it launched (its end, a
    running marker's crash found by a sweep)."""
    folder = Path(launch["marker"]).parent
    mine = f"-{launch.get('pid')}.json"
    since = float(launch.get("launched_at") or 0.0)
    for path, document in read_records(folder):
        if flow_run_id is not None and document.get("flow_run_id") == flow_run_id:
            return True
        try:
            written = path.stat().st_mtime
        except OSError:
            continue
        if path.name.endswith(mine) and written >= since:
            return True
    return False


def record_launch_crash(
    outputs: Path,
    launch: dict[str, Any],
    flow_run: tuple[str, str | None] | None,
    now: float,
) -> Path:
    """Record the night of a stale launch marker as crashed (with its flow run,
    ``(id, name)``, when Prefect had created it: marked for the next contact to
    settle) and remove the marker."""
    flow_run_id, flow_run_name = flow_run if flow_run is not None else (None, None)
    document = failure_record(
        year=launch.get("year"),
        state=CRASHED,
        error=messages.RUN_CRASHED_ERROR.format(
            pid=launch.get("pid"), started_at=launch.get("started_at")
        ),
        flow_run_id=flow_run_id,
        flow_run_name=flow_run_name,
        run_at=now,
        started_at=launch.get("started_at"),
    )
    if flow_run_id is not None:
        document.update(_unsettled(launch))
    path = write_failure_record(outputs, document, now)
    Path(launch["marker"]).unlink(missing_ok=True)
    return path


# --- runs whose end Prefect was not told ---------------------------------------------

UNSETTLED = "prefect_unsettled"
SETTLED = "prefect_settled"


def unsettled_by_this_process(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` marked as a run of this process whose end Prefect was not
    told (its server lost): the next contact settles it, once this process is
    gone. Unchanged without a flow run, or when marked already."""
    if not document.get("flow_run_id") or UNSETTLED in document:
        return document
    pid = os.getpid()
    process = {
        "pid": pid,
        "host": socket.gethostname(),
        "process_start": process_start(pid),
    }
    return {**document, **_unsettled(process)}


def _unsettled(process: dict[str, Any]) -> dict[str, Any]:
    """The fields of a record whose flow run Prefect still shows as running: the
    flag and the process that ran it (so that a run still alive is never
    settled from under it, nor another host's)."""
    return {
        UNSETTLED: True,
        "pid": process.get("pid"),
        "host": process.get("host"),
        "process_start": process.get("process_start"),
    }


def unsettled_runs(outputs: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Records in ``outputs`` (every year, and ``outputs/runs``) of runs that
    ended without Prefect being told (their server lost, their process killed),
    whose flow run is still to be set to a final state: runs of this host whose
    process is gone, oldest first per folder."""
    host = socket.gethostname()
    found = []
    for folder in [outputs / RUNS_FOLDER, *sorted(outputs.glob(f"*/{RUNS_FOLDER}"))]:
        for path, document in read_records(folder):
            if document.get(UNSETTLED) is not True or not document.get("flow_run_id"):
                continue
            if document.get("host") != host:
                continue  # another machine's run: not ours to judge
            try:
                pid = int(document["pid"])
            except (KeyError, TypeError, ValueError):
                continue
            if _alive(pid, document.get("process_start")):
                continue  # still ending (the record is written before it exits)
            found.append((path, document))
    return found


def settle_message(path: Path, document: dict[str, Any]) -> str:
    """The message of the final state a settled flow run is given: how parindex
    recorded the run, and where (``path``)."""
    label = RUN_LABELS.get(state_of(document), messages.RUN_FAILED)
    said = messages.RUN_SETTLE_MESSAGE.format(label=label, record=path)
    error = document.get("error")
    return f"{said}: {error}" if error else said  # a completed run gives none


RUN_LABELS = {
    FAILED: messages.RUN_FAILED,
    CRASHED: messages.RUN_CRASHED,
    COMPLETED: messages.RUN_COMPLETED_UNTOLD,
}


def since_line(file_name: str, document: dict[str, Any]) -> str:
    """One night that failed or crashed since the last completed one, as the
    status page and ``since_last_complete`` list it: when it started (else when
    it was recorded), how, its flow run's name (when Prefect had named one) and
    its record."""
    label = RUN_LABELS.get(state_of(document), messages.RUN_FAILED)
    name = document.get("flow_run_name")
    where = f"{name}, " if name else ""
    # a crash found by a later night: when the run started, not when it was found
    when = document.get("started_at") or document.get("run_at")
    return (
        f"{when_text(when)}: {label} "
        f"({where}{RUNS_FOLDER}/{file_name}): {document.get('error')}"
    )


def mark_settled(
    path: Path,
    document: dict[str, Any],
    *,
    state: str | None,
    refused: str | None,
    now: float,
) -> dict[str, Any]:
    """The flow run of ``document`` is settled (``state``: its final state's name
    in Prefect, None when the server refused to change it, ``refused`` saying
    why): rewrite the record without the flag, with what was done. The run's own
    fields (state, error, ids) are kept as they were."""
    settled: dict[str, Any] = {"state": state, "at": local_iso(now)}
    if refused is not None:
        settled["refused"] = refused
    updated = {k: v for k, v in document.items() if k != UNSETTLED}
    updated[SETTLED] = settled
    _write_json(path, updated)
    return updated


def refused_year(outputs: Path, year: int | None) -> int | None:
    """The year a night refused before it started is recorded under: the one it
    was to consolidate, else the newest year of ``outputs`` with records (the
    morning page the office reads), else None (``outputs/runs``)."""
    if year is not None:
        return year
    years = sorted(
        int(folder.name)
        for folder in outputs.glob("*")
        if folder.name.isdigit() and (folder / RUNS_FOLDER).is_dir()
    )
    return years[-1] if years else None


def record_refused_night(
    outputs: Path,
    year: int | None,
    *,
    error: str,
    exit_code: int,
    now: float,
    state: str = FAILED,
    departments: Sequence[tuple[str, str]] | None = None,
    status_file: bool = True,
) -> Path:
    """A night that stopped before its flow started (the inputs or the Prefect
    server refused it, or a signal): its record beside the manifests (``state``,
    the Vietnamese ``error``, ``exit_code``, ``before_start``; no flow run, no
    outputs: the files in the folder, the nothing-new fingerprint and the next
    night's comparison are untouched, as those read completed runs only) and
    ``TRANG-THAI.txt`` saying this night did not run, why, and which complete run
    the files come from. ``year``: see ``refused_year``. Raises ``OSError`` when
    ``outputs`` cannot be written."""
    document = failure_record(
        year=year,
        state=state,
        error=error,
        flow_run_id=None,
        flow_run_name=None,
        run_at=now,
    )
    document["before_start"] = True
    document["exit_code"] = exit_code
    path = write_failure_record(outputs, document, now)
    if status_file:
        text = status_text_failed(
            year=year,
            record=document,
            last=last_completed(record_folder(outputs, year)),
            departments=departments,
            manifest=f"{RUNS_FOLDER}/{path.name}",
        )
        write_status(outputs, year, text)
    return path


# --- TRANG-THAI.txt -------------------------------------------------------------------


def when_text(iso: str | None) -> str:
    """An ISO moment as the office reads it (dd/mm/yyyy hh:mm:ss, office time);
    "?" when there is none, the text itself when it is not a moment."""
    if not iso:
        return "?"
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone(OFFICE_TIMEZONE)
    except ValueError:
        return iso
    return moment.strftime("%d/%m/%Y %H:%M:%S")


def _lists_apart(
    lists: Sequence[tuple[str, Sequence[tuple[str, str]]]], every: int
) -> list[str]:
    """The page's lists of departments neither submitted nor missing (not known,
    unusable, waiting…), each titled with its count of ``every``; those empty
    left out."""
    lines: list[str] = []
    for title, listed in lists:
        if listed:
            lines += [f"{title} ({len(listed)}/{every}):", *_departments(listed)]
    return lines


def _departments(items: Sequence[tuple[str, str]]) -> list[str]:
    return [f"  - {code}: {name}" for code, name in items] or ["  (không có)"]


def _problem_line(row: dict[str, Any]) -> str:
    where = ", ".join(
        str(part)
        for part in (row.get("file"), row.get("sheet"), row.get("cell"))
        if part
    )
    severity = "Lỗi" if row.get("severity") == "error" else "Cảnh báo"
    return f"  - {severity}{f' ({where})' if where else ''}: {row.get('message')}"


def status_text_completed(
    *,
    year: int,
    run_at: float,
    flow_run: str | None,
    result: Result,
    found: Verdict,
    changes: Sequence[str],
    manifest: str | None,
    repaired: Sequence[str] = (),
) -> str:
    """``TRANG-THAI.txt`` after a run that completed."""
    return _completed_text(
        year=year,
        run_at=run_at,
        flow_run=flow_run,
        final=result.current.status == "final",
        score=result.current.total if result.current.scored else None,
        found=found,
        changes=changes,
        manifest=manifest,
        repaired=repaired,
    )


def completed_page(
    outputs: Path,
    year: int,
    *,
    run_at: float,
    flow_run: str | None,
    result: Result,
    found: Verdict,
    repaired: Sequence[str] = (),
) -> Callable[[list[str], Path], None]:
    """``publish_outputs``'s ``announce`` for a run that completes: it writes
    ``TRANG-THAI.txt`` (``status_text_completed``) with the night's changes and
    record, before the outputs move."""

    def announce(changes: list[str], manifest: Path) -> None:
        write_status(
            outputs,
            year,
            status_text_completed(
                year=year,
                run_at=run_at,
                flow_run=flow_run,
                result=result,
                found=found,
                changes=changes,
                manifest=f"{RUNS_FOLDER}/{manifest.name}",
                repaired=repaired,
            ),
        )

    return announce


def verdict_of_summary(summary: dict[str, Any]) -> Verdict:
    """``verdict`` of a year from its ``summary-<year>.json`` (a night with nothing
    new has no result in memory: the last run's summary holds the same)."""
    departments = [
        (str(d["code"]), str(d["name"])) for d in summary.get("departments") or []
    ]
    codes = {
        s.get("department")
        for s in summary.get("submissions") or []
        if s.get("status") == "used"
    }
    problems = list(summary.get("problems") or [])
    errors = sum(1 for p in problems if p.get("severity") == "error")
    order = {"error": 0, "warning": 1}
    listed = sorted(problems, key=lambda p: order.get(p.get("severity"), 2))
    found = split_submitted(departments, {str(c) for c in codes if c}, problems)
    used_files = {
        str(s.get("file"))
        for s in summary.get("submissions") or []
        if s.get("status") == "used"
    }
    return Verdict(
        errors=errors,
        warnings=len(problems) - errors,
        submitted=found.submitted,
        missing=found.missing,
        problems=listed[:MAX_LISTED_PROBLEMS],
        unknown=found.unknown,
        unusable=found.unusable,
        waiting=found.waiting,
        newer=newer_waiting(departments, problems),
        doubted=doubted_in_use(departments, problems, used_files),
    )


def status_text_repeated(
    *,
    year: int,
    run_at: float,
    flow_run: str | None,
    summary: dict[str, Any],
    changes: Sequence[str],
    manifest: str | None,
    repaired: Sequence[str] = (),
) -> str:
    """``TRANG-THAI.txt`` after a night with nothing new: tonight's time, run and
    record, the last run's figures and lists (from its summary), and the nights
    that did not complete since the last one that did (``repaired``)."""
    return _completed_text(
        year=year,
        run_at=run_at,
        flow_run=flow_run,
        final=summary.get("status") == "final",
        score=summary_score(summary),
        found=verdict_of_summary(summary),
        changes=changes,
        manifest=manifest,
        repaired=repaired,
    )


def summary_score(summary: dict[str, Any]) -> float | None:
    """A summary's computed total, None when none of its criteria is scored
    (its headline has no computed total)."""
    if nothing_scored(summary):
        return None
    return float(summary.get("total") or 0.0)


def _completed_text(
    *,
    year: int,
    run_at: float,
    flow_run: str | None,
    final: bool,
    score: float | None,
    found: Verdict,
    changes: Sequence[str],
    manifest: str | None,
    repaired: Sequence[str] = (),
) -> str:
    total = (
        len(found.submitted)
        + len(found.missing)
        + len(found.unknown)
        + len(found.unusable)
        + len(found.waiting)
    )
    status = "chính thức" if final else "tạm tính"
    lines = [
        messages.STATUS_TITLE.format(year=year),
        messages.STATUS_REWRITTEN,
        "",
        f"Lần chạy gần nhất: {when_text(local_iso(run_at))}",
        f"Kết quả: {found.headline}",
        f"Lần chạy Prefect: {flow_run or '—'}",
        (
            f"Tổng điểm: {format_vn(score)} ({status})"
            if score is not None
            else f"Tổng điểm: {messages.NO_SCORE}"
        ),
        f"Biên bản lần chạy: {manifest or '—'}",
        "",
        f"Đơn vị đã nộp ({len(found.submitted)}/{total}):",
        *_departments(found.submitted),
        f"Đơn vị chưa nộp ({len(found.missing)}/{total}):",
        *_departments(found.missing),
    ]
    lines += _lists_apart(
        [
            (messages.STATUS_UNKNOWN_LIST, found.unknown),
            (messages.STATUS_UNUSABLE_LIST, found.unusable),
            (messages.STATUS_WAITING_LIST, found.waiting),
            (messages.STATUS_NEWER_LIST, found.newer),
        ],
        total,
    )
    lines += [
        "",
    ]
    if found.problems:
        more = found.errors + found.warnings - len(found.problems)
        lines += [
            f"Lỗi và cảnh báo ({found.errors} lỗi, {found.warnings} cảnh báo; "
            "đủ danh sách ở sheet “Kiểm tra” của bảng tổng hợp):",
            *(_problem_line(row) for row in found.problems),
        ]
        if more > 0:
            lines.append(f"  … và {more} vấn đề khác.")
        lines.append("")
    if repaired:
        lines += ["Đã phát hiện và ghi nhận:", *(f"  - {r}" for r in repaired), ""]
    lines += [
        "Thay đổi so với lần chạy trước:",
        *(f"  - {c}" for c in changes),
    ]
    return "\n".join(lines).rstrip() + "\n"


def failed_head(title: str, record: dict[str, Any], manifest: str | None) -> list[str]:
    """The first lines of a status page after a run that failed, crashed or was
    refused (a unit's or a province's, ``title``): when, what went wrong, its
    flow run, its record, and that the night did not run when refused."""
    label = messages.RUN_CRASHED if state_of(record) == CRASHED else messages.RUN_FAILED
    flow_run = " ".join(
        str(part)
        for part in (record.get("flow_run_name"), record.get("flow_run_id"))
        if part
    )
    lines = [
        title,
        messages.STATUS_REWRITTEN,
        "",
        f"Lần chạy gần nhất: {when_text(record.get('run_at'))}",
        f"Kết quả: {label.upper()}: {record.get('error')}",
        f"Lần chạy Prefect: {flow_run or '—'}",
        f"Biên bản lần chạy: {manifest or '—'}",
        "",
    ]
    if record.get("before_start"):
        lines += [
            messages.STATUS_NOT_RUN.format(exit_code=record.get("exit_code", "?")),
            "",
        ]
    return lines


def status_text_failed(
    *,
    year: int | None,
    record: dict[str, Any],
    last: tuple[Path, dict[str, Any]] | None,
    departments: Sequence[tuple[str, str]] | None = None,
    manifest: str | None = None,
) -> str:
    """``TRANG-THAI.txt`` after a run that failed or crashed: what went wrong, its
    record (``manifest``: ``runs/<name>``), and which complete run the files in the
    folder come from."""
    lines = failed_head(
        messages.STATUS_TITLE.format(year=year if year is not None else "?"),
        record,
        manifest,
    )
    if last is None:
        lines.append(messages.STATUS_NO_COMPLETE_RUN)
    else:
        path, completed = last
        figures = completed.get("figures") or {}
        problems = completed.get("problems") or {}
        lines.append(
            messages.STATUS_FILES_FROM.format(
                when=when_text(completed.get("run_at")),
                total=format_vn(float(figures.get("total", 0.0))),
                errors=problems.get("errors", "?"),
                warnings=problems.get("warnings", "?"),
                manifest=f"{RUNS_FOLDER}/{path.name}",
            )
        )
        used = {
            row.get("department")
            for row in completed.get("inputs", [])
            if isinstance(row, dict) and row.get("status") == "used"
        }
        if departments is not None:
            found = split_submitted(
                departments,
                {str(code) for code in used if code},
                _summary_problems(completed),
            )
            every = len(departments)
            lines += [
                "",
                "Đơn vị đã nộp, theo lần hoàn thành đó "
                f"({len(found.submitted)}/{every}):",
                *_departments(found.submitted),
                f"Đơn vị chưa nộp ({len(found.missing)}/{every}):",
                *_departments(found.missing),
            ]
            lines += _lists_apart(
                [
                    (messages.STATUS_UNKNOWN_LIST, found.unknown),
                    (messages.STATUS_UNUSABLE_LIST, found.unusable),
                    (messages.STATUS_WAITING_LIST, found.waiting),
                ],
                every,
            )
    return "\n".join(lines).rstrip() + "\n"


def _summary_problems(completed: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The problems of a completed run, from its ``summary-<year>.json`` (the
    files in the folder are that run's); None when it cannot be read."""
    for output in completed.get("outputs") or []:
        name = str(output.get("file") or "") if isinstance(output, dict) else ""
        if Path(name).name.startswith("summary-") and name.endswith(".json"):
            try:
                document = json.loads(Path(name).read_text("utf-8"))
            except (OSError, ValueError):
                return None
            problems = document.get("problems") if isinstance(document, dict) else None
            if not isinstance(problems, list):
                return None
            return [p for p in problems if isinstance(p, dict)]
    return None


def write_status(outputs: Path, year: int | None, text: str) -> Path:
    """Write ``outputs/<year>/TRANG-THAI.txt`` (atomically)."""
    folder = outputs / str(year) if year is not None else outputs
    path = folder / STATUS_FILE
    write_bytes_atomic(path, text.encode("utf-8"))
    return path

"""A night with nothing new: recognised from the inputs' bytes, recorded, no work.

Everything a year's outputs are made of is in its inputs folder (the criteria
workbooks, the history, the unit's settings, the year's and the two previous years' drop folders (the
year before the previous one attributes some of its files), and what each entry
of them is: name, size, modification time, status, what discovery noticed
(a time in the future, as of now), content), in
parindex's code and in the libraries' versions. ``fingerprint`` is a sha256 over
all of these, taken **before** anything is read: a file that changes while a run
reads it gives the next night another fingerprint, never a stale "nothing new".
Every run records its fingerprint in its manifest. When tonight's is the last
run's and every output is still as that run wrote it, ``repeat_last_run`` writes
tonight's manifest (same figures and outputs, "nothing changed") and nothing is
read, consolidated or rendered.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from parindex.changes import NOTHING_CHANGED
from parindex.criteria import CRITERIA_FOLDER
from parindex.history import HISTORY_FILES
from parindex.ingest import cache as read_cache
from parindex.ingest.cache import code_version
from parindex.ingest.discover import discover, file_sha256, sha256
from parindex.ingest.safety import MAX_FILE_BYTES, read_capped
from parindex.publish import outputs_lock, write_bytes_atomic
from parindex.publish.manifest import manifest_path
from parindex.settings import SETTINGS_FILE
from parindex.timefmt import local_iso

_FROZEN: list[bool] = []


def tune_collector() -> None:
    """At the first night of a process, leave the objects alive then out of
    Python's cyclic garbage collector (``gc.freeze``): the modules, classes and
    functions imported for the night (about 150 000 objects with Prefect), never
    garbage. Each full collection during the night then visits only what the
    night made: at 1000 departments, two such collections during publishing
    cost about 0.07 s each otherwise. Never again in the same process: a server
    that runs many nights never freezes what one of them left behind.

    The collector's thresholds are left as they are: collecting the youngest
    objects every 2 500 or 10 000 allocations instead of 700 saved 0.13 s of a
    one-file night at 1000 departments, but raised ``parindex run``'s peak at
    5000 departments from 883 to 956–965 MiB (past 10⁹ bytes)."""
    if not _FROZEN:
        _FROZEN.append(True)
        gc.freeze()


# the libraries that write the outputs (those that read are in code_version)
WRITERS = ("xlsxwriter", "python-docx", "openpyxl", "pandera", "prefect")


def _versions() -> list[str]:
    found = []
    for package in WRITERS:
        try:
            found.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package}=?")
    return found


def _content(path: Path, size: int) -> str | None:
    if size > MAX_FILE_BYTES:
        return None  # refused by the reader for its size, which is in the print
    try:
        return sha256(read_capped(path))
    except OSError as error:
        return f"unreadable: {error.strerror or error}"


def folder_description(folder: Path) -> list[list[Any]]:
    """Name, size, modification time and content hash of every file of a folder
    (``parindex.kept_criteria``'s key describes the criteria folder so)."""
    return _folder(folder)


def _folder(folder: Path) -> list[list[Any]]:
    """Name, size, modification time and content hash of every file of a folder."""
    found: list[list[Any]] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        try:
            stat = path.lstat()
        except OSError:
            continue
        regular = path.is_file() and not path.is_symlink()
        found.append(
            [
                path.name,
                stat.st_size,
                stat.st_mtime_ns,
                _content(path, stat.st_size) if regular else "not a file",
            ]
        )
    return found


def _file(path: Path) -> list[Any] | None:
    """Size and content hash of a file of the inputs folder (None: no file)."""
    if not path.is_file():
        return None
    size = path.stat().st_size
    return [size, _content(path, size)]


def fingerprint(inputs: Path, year: int, now: float, settle_seconds: float) -> str:
    """sha256 of everything a run of ``year`` reads (see the module's docstring)."""
    described: list[Any] = [code_version(), _versions(), year]
    described.append(_folder(inputs / CRITERIA_FOLDER))
    for path in (*(inputs / name for name in HISTORY_FILES), inputs / SETTINGS_FILE):
        described.append(_file(path))
    # the year before the previous one: its files attribute the previous year's
    # (parindex.ingest.winners.previous_year_department)
    for each in (year, year - 1, year - 2):
        described.append(_entries(inputs / str(each), each, now, settle_seconds))
    return hashlib.sha256(
        json.dumps(described, ensure_ascii=False).encode()
    ).hexdigest()


def print_kept(
    before: str, inputs: Path, year: int, now: float, settle_seconds: float
) -> str | None:
    """The print a run records, taken again once it has read (with the same
    ``now``): ``before`` when the folder still reads the same, else None, so that
    a run whose folder changed under it (a file replaced, a network share gone and
    back) is never repeated by a later night: that night does its work."""
    after = fingerprint(inputs, year, now, settle_seconds)
    return before if after == before else None


def _entries(
    folder: Path, year: int, now: float, settle_seconds: float
) -> list[list[Any]] | None:
    """Each entry of a year's drop folder as a run sees it (None: no folder)."""
    if not folder.is_dir():
        return None
    entries = []
    for entry in discover(folder, year, now, settle_seconds):
        content = (
            _content(entry.path, entry.size) if entry.status == "candidate" else None
        )
        # the warning says what discovery noticed at this hour (a time in the
        # future, as of now): a night that would say it otherwise is not a repeat
        entries.append(
            [
                entry.name,
                entry.size,
                entry.mtime,
                entry.mtime_trusted,
                entry.status,
                entry.note,
                entry.warning,
                content,
            ]
        )
    return entries


def year_description(
    inputs: Path, year: int, now: float, settle_seconds: float
) -> list[Any]:
    """What consolidating ``year`` alone reads: parindex's code and libraries, the
    criteria folder, the unit's settings (a form naming another unit's place is
    set aside: ``parindex.ingest.places``), the year's drop folder and the year
    before's (a file that names no department is attributed from last year's file
    of the same path): ``parindex.previous``'s key."""
    return [
        "year",
        read_cache.code_version(),  # looked up now: a test may stand in for it
        _versions(),
        year,
        _folder(inputs / CRITERIA_FOLDER),
        _file(inputs / SETTINGS_FILE),
        _entries(inputs / str(year), year, now, settle_seconds),
        _entries(inputs / str(year - 1), year - 1, now, settle_seconds),
    ]


@dataclass(frozen=True)
class RepeatedRun:
    """Tonight's record of a night with nothing new."""

    manifest: Path
    document: dict[str, Any]
    run_at: float


def _last_run(folder: Path) -> dict[str, Any] | None:
    """The newest record of the year, passing over nights refused before they
    started (``before_start``: nothing was read or written, the files are the
    run's before them)."""
    for path in sorted((folder / "runs").glob("*.json"), reverse=True):
        try:
            loaded = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(loaded, dict):
            return None
        if not loaded.get("before_start"):
            return loaded
    return None


def _outputs_untouched(last: dict[str, Any], outputs_folder: Path) -> bool:
    """Every output the last run recorded has its bytes, and every file it read is
    still archived."""
    archive = outputs_folder / "archive" / str(last.get("year"))
    for entry in last.get("inputs") or []:
        digest = entry.get("sha256")
        suffix = Path(str(entry.get("file"))).suffix.lower()
        if digest is not None and not (archive / f"{digest}{suffix}").is_file():
            return False
    outputs = last.get("outputs") or []
    for output in outputs:
        path = Path(str(output.get("file")))
        try:
            if file_sha256(path) != output.get("sha256"):
                return False
        except OSError:
            return False
    return bool(outputs)


def repeat_last_run(
    outputs: Path,
    year: int,
    print_: str,
    run_at: float,
    *,
    announce: Callable[[RepeatedRun], object] | None = None,
) -> RepeatedRun | None:
    """When the last run of ``year`` had fingerprint ``print_`` and its outputs are
    untouched, record tonight's run as the same (under the outputs lock) and return
    it; otherwise None (the run must do its work). ``announce(repeated)`` is
    called before the record is written (the status page: one that cannot be
    written stops the night unrecorded as complete)."""
    folder = outputs / str(year)
    last = _last_run(folder)
    if last is None or last.get("fingerprint") != print_:
        return None
    with outputs_lock(outputs):
        last = _last_run(folder)  # another run may have finished meanwhile
        if (
            last is None
            or last.get("fingerprint") != print_
            or not _outputs_untouched(last, outputs)
        ):
            return None
        document = {
            **last,
            "run_at": local_iso(run_at),
            "outputs": [{**o, "changed": False} for o in last.get("outputs", [])],
            "changes": [NOTHING_CHANGED],
            "repeated": True,
            "repaired": None,
            "removed": [],  # nothing removed tonight
        }
        manifest = manifest_path(folder, run_at)
        if announce is not None:
            announce(RepeatedRun(manifest, document, run_at))
        write_bytes_atomic(
            manifest,
            (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(),
        )
    return RepeatedRun(manifest, document, run_at)

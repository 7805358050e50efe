"""Find what was dropped in a year's folder and decide which files are submissions."""

from __future__ import annotations

import hashlib
import os
import re
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path

from parindex import messages
from parindex.errors import NoYearFolder
from parindex.timefmt import local_iso

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"})
TEMPORARY_SUFFIXES = frozenset({".tmp", ".temp", ".bak", ".crdownload", ".part"})
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class DroppedFile:
    """One entry of a drop folder, with what discovery decided about it.

    ``status`` is ``candidate`` (to be read), ``ignored`` (not a submission) or
    ``pending`` (modified too recently: left for the next run).
    """

    path: Path
    name: str
    size: int
    mtime: float
    status: str
    note: str | None = None


def year_folders(inputs: Path) -> list[int]:
    """The years that have a drop folder under ``inputs``, ascending."""
    if not inputs.is_dir():
        return []
    return sorted(
        int(p.name) for p in inputs.iterdir() if p.is_dir() and _YEAR.match(p.name)
    )


def _classify(
    path: Path, stat: os.stat_result, now: float, settle_seconds: float
) -> tuple[str, str | None]:
    """(status, note) of one entry, from its name and its own (not followed) stat."""
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock."):
        return "ignored", messages.FILE_IGNORED_LOCK
    if name.startswith(".") or name.startswith("~") or name.endswith("~"):
        return "ignored", messages.FILE_IGNORED_HIDDEN
    if path.suffix.lower() in TEMPORARY_SUFFIXES:
        return "ignored", messages.FILE_IGNORED_HIDDEN
    if not stat_module.S_ISREG(stat.st_mode):  # a symlink, a directory, a pipe…
        return "ignored", messages.FILE_IGNORED_NOT_FILE
    if settle_seconds > 0 and now - stat.st_mtime < settle_seconds:
        return "pending", messages.FILE_PENDING.format(
            modified=local_iso(stat.st_mtime)
        )
    return "candidate", None


def discover(
    folder: Path, year: int, now: float, settle_seconds: float = 0.0
) -> list[DroppedFile]:
    """Every entry of ``folder``, sorted by name, each with its status.

    Args:
        folder: the drop folder of one year (``inputs/2023``).
        year: that year, for file names shown relative to ``inputs``.
        now: the current time (seconds since the epoch), given by the caller.
        settle_seconds: a file modified less than this long ago is ``pending``.

    Raises:
        NoYearFolder: ``folder`` does not exist.
    """
    if not folder.is_dir():
        raise NoYearFolder(messages.NO_YEAR_FOLDER.format(year=year, folder=folder))
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        try:
            stat = path.lstat()
        except OSError:
            continue  # removed while the folder was being listed
        status, note = _classify(path, stat, now, settle_seconds)
        found.append(
            DroppedFile(
                path=path,
                name=f"{year}/{path.name}",
                size=stat.st_size,
                mtime=stat.st_mtime,
                status=status,
                note=note,
            )
        )
    return found


def sha256(content: bytes) -> str:
    """The hex sha256 of a file's content (its name in the archive)."""
    return hashlib.sha256(content).hexdigest()

"""Find what was dropped in a year's folder and decide which files are submissions."""

from __future__ import annotations

import hashlib
import os
import re
import stat as stat_module
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from parindex import messages
from parindex.criteria import CRITERIA_FOLDER
from parindex.errors import NoYearFolder
from parindex.history import HISTORY_FILES
from parindex.province.folder import REGISTER_FILES, UNITS_FOLDER, is_province
from parindex.settings import SETTINGS_FILE
from parindex.text import fold
from parindex.timefmt import local_iso

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"})
TEMPORARY_SUFFIXES = frozenset({".tmp", ".temp", ".bak", ".crdownload", ".part"})
# Companion documents a department sends with its form: listed, archived, not read.
ATTACHMENT_SUFFIXES = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".tif",
        ".tiff",
        ".heic",
        ".webp",
        ".eml",
        ".msg",
    }
)
# Suffixes an office adds to retire a copy (``….xlsx.old``): never read. So is any
# suffix after a spreadsheet's (``….xlsx.1``) or a spreadsheet's with a mark
# (``.xlsx_old``), unless the file is an attachment (``….xlsx.pdf``) or an archive
# (refused as not a spreadsheet): ``_retired``.
RETIRED_SUFFIXES = frozenset(
    {".old", ".orig", ".original", ".backup", ".bk", ".cu", ".copy", ".save", ".sav"}
)
ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z", ".gz", ".tar"})
# Windows shortcuts and web links: they point at a file, they are not one.
SHORTCUT_SUFFIXES = frozenset({".lnk", ".url"})
# Folders that file managers and archivers leave behind: never submissions.
SYSTEM_FOLDERS = frozenset({"__macosx", "$recycle.bin", "system volume information"})
# files Windows and macOS leave in any folder they show (thumbnail caches, settings)
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store"})
MAX_DEPTH = 4  # the year folder and 3 levels of subfolders below it are read
SUBFOLDER_LEVELS = MAX_DEPTH - 1
# What the folder contract puts in ``inputs`` beside the year folders (README,
# Folders; a province's register and units: parindex.province.folder): never a
# file dropped in the wrong place.
CONTRACT_FILES = frozenset({*HISTORY_FILES, SETTINGS_FILE, *REGISTER_FILES})
CONTRACT_FOLDERS = frozenset({CRITERIA_FOLDER})
FUTURE_TOLERANCE = 300.0  # seconds of clock difference forgiven between machines
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class DroppedFile:
    """One entry of a drop folder, with what discovery decided about it.

    ``status`` is ``candidate`` (to be read), ``attachment`` (a companion
    document: PDF, scan, Word letter; archived, never read), ``ignored`` (not a
    submission) or ``pending`` (modified too recently: left for the next run).
    ``name`` is the path below ``inputs`` (``2023/NV/phong-noi-vu.xlsx``).
    ``warning`` is a problem discovery noticed (a modification time in the
    future, a folder that looks like the year's); ``mtime_trusted`` is False for a
    time in the future, which then cannot order two versions of a submission.
    A folder that cannot be listed, or an entry that cannot be looked at, is
    ``rejected`` with an ``error``.
    """

    path: Path
    name: str
    size: int
    mtime: float
    status: str
    note: str | None = None
    warning: str | None = None
    mtime_trusted: bool = True
    error: str | None = None
    """Why the entry could not be listed or looked at (a folder without the
    permission to read it): an error problem naming it; ``status`` is
    ``rejected``."""

    folder: str | None = None
    """The folder the file is in, when its name does not say it (``check``
    names a file by the path it was given): ``subfolder`` then."""

    @property
    def subfolder(self) -> str | None:
        """The folder below the year folder holding the file, if any (``NV``)."""
        if self.folder is not None:
            return self.folder or None
        parts = self.name.split("/")
        in_year = len(parts) > 2 and _YEAR.match(parts[0]) is not None
        return parts[1] if in_year else None


def year_folders(inputs: Path) -> list[int]:
    """The years that have a drop folder under ``inputs``, ascending."""
    if not inputs.is_dir():
        return []
    return sorted(
        int(p.name) for p in inputs.iterdir() if p.is_dir() and _YEAR.match(p.name)
    )


def holds_a_file(folder: Path) -> bool:
    """Whether ``folder`` or a folder below it holds a file someone put there
    (lock, system and hidden files aside); a folder that cannot be listed
    counts as holding one (the run says it cannot read it)."""
    try:
        for _, folders, files in os.walk(folder, onerror=_raise):
            folders[:] = [f for f in folders if not f.startswith(".")]
            if any(_put_there(name) for name in files):
                return True
    except OSError:
        return True
    return False


def _raise(error: OSError) -> None:
    raise error


def _put_there(name: str) -> bool:
    return not (
        name.startswith(("~", "."))
        or name.endswith("~")
        or name.casefold() in SYSTEM_FILES
    )


def current_year(inputs: Path) -> int | None:
    """The year a run given none consolidates: the latest whose drop folder
    holds a file (a folder made in advance for next year, still empty, is
    passed over: ``later_empty_years``), else the latest year folder; None
    when there is none."""
    years = year_folders(inputs)
    newest_filled = next(
        (year for year in reversed(years) if holds_a_file(inputs / str(year))), None
    )
    return newest_filled or (years[-1] if years else None)


def later_empty_years(inputs: Path, year: int) -> list[int]:
    """The years after ``year`` whose drop folder holds no file yet."""
    return [
        later
        for later in year_folders(inputs)
        if later > year and not holds_a_file(inputs / str(later))
    ]


def looks_like_year(name: str, year: int) -> bool:
    """Whether a folder name looks like ``year``'s drop folder without being it:
    ``"2023 "``, ``"2023 (1)"``, ``"Nam 2023"``, ``"Năm 2023"``, ``"2023-copy"``."""
    if name == str(year):
        return False
    return re.search(rf"(?<!\d){year}(?!\d)", fold(name)) is not None


def stray_year_folders(inputs: Path, year: int) -> list[Path]:
    """Folders beside ``inputs/<year>`` whose name looks like the year's."""
    if not inputs.is_dir():
        return []
    return sorted(
        (
            p
            for p in inputs.iterdir()
            if p.is_dir() and not p.is_symlink() and looks_like_year(p.name, year)
        ),
        key=lambda p: p.name,
    )


def no_year_folder(folder: Path, year: int) -> NoYearFolder:
    """The error for a missing year folder, naming the folders that look like it."""
    message = messages.NO_YEAR_FOLDER.format(year=year, folder=folder)
    strays = stray_year_folders(folder.parent, year)
    if strays:
        names = ", ".join(f"“{p.name}”" for p in strays)
        message += " " + messages.NO_YEAR_FOLDER_LOOKALIKE.format(
            folders=names, year=year
        )
    return NoYearFolder(message)


def _classify(
    path: Path,
    stat: os.stat_result,
    now: float,
    settle_seconds: float,
    shown: str = "",
) -> tuple[str, str | None, bool]:
    """(status, note, said) of one entry, from its name and its own (not
    followed) stat; ``said``: the note is a warning too (a file a department
    may have meant as its submission), naming the entry as ``shown``."""
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock."):
        return "ignored", messages.FILE_IGNORED_LOCK, False
    if name.casefold() in SYSTEM_FILES:
        return "ignored", messages.FILE_IGNORED_SYSTEM, False
    if name.startswith("~") and path.suffix.lower() in SPREADSHEET_SUFFIXES:
        # not Excel's lock file (``~$``): a person's file, named so
        return "ignored", messages.FILE_IGNORED_TILDE.format(file=shown), True
    if name.startswith(".") or name.startswith("~") or name.endswith("~"):
        return "ignored", messages.FILE_IGNORED_HIDDEN, False
    suffix = path.suffix.lower()
    if suffix in TEMPORARY_SUFFIXES:
        return "ignored", messages.FILE_IGNORED_HIDDEN, False
    if suffix in SHORTCUT_SUFFIXES:
        return "ignored", messages.FILE_IGNORED_SHORTCUT, False
    if _retired(path):  # it may be a department's only file: said too
        return "ignored", messages.FILE_IGNORED_RETIRED.format(suffix=path.suffix), True
    if not stat_module.S_ISREG(stat.st_mode):  # a symlink, a directory, a pipe…
        # never read through; named like a form, it may be a department's only
        # file (a link to it): said too
        named_as_form = suffix in SPREADSHEET_SUFFIXES
        return "ignored", messages.FILE_IGNORED_NOT_FILE, named_as_form
    if stat.st_mtime > now + FUTURE_TOLERANCE:
        pass  # a clock set wrong is not a file being written: read it, say so
    elif settle_seconds > 0 and now - stat.st_mtime < settle_seconds:
        pending = messages.FILE_PENDING.format(modified=local_iso(stat.st_mtime))
        return "pending", pending, False
    if suffix in ATTACHMENT_SUFFIXES:
        return "attachment", messages.FILE_ATTACHMENT, False
    return "candidate", None, False


def _retired(path: Path) -> bool:
    """A copy renamed to be put aside: a suffix an office adds to retire a file
    (``.old``, ``.orig``…), any suffix following a spreadsheet's own
    (``….xlsx.1``, ``….xlsx.anything``), or a spreadsheet's suffix with a mark
    (``.xlsx_old``); never an attachment or an archive, never a file with no
    suffix (read by its content), nor a name with a dot saved without one
    (``Phòng Nội vụ 15.01``, ``… v1.5``: read by its content too)."""
    suffix = path.suffix.lower()
    if (
        not suffix
        or suffix in SPREADSHEET_SUFFIXES
        or suffix in ATTACHMENT_SUFFIXES
        or suffix in ARCHIVE_SUFFIXES
    ):
        return False
    return (
        suffix in RETIRED_SUFFIXES
        or Path(path.stem).suffix.lower() in SPREADSHEET_SUFFIXES
        or _spreadsheet_suffix_marked(suffix)
    )


def _spreadsheet_suffix_marked(suffix: str) -> bool:
    """A spreadsheet's suffix with a mark added to put the file aside
    (``.xlsx_old``, ``.xls-cu``, ``.xlsx~``)."""
    marks = {retired[1:] for retired in RETIRED_SUFFIXES}
    return any(
        suffix.startswith(own)
        and len(suffix) > len(own)
        and (suffix[len(own)] in "_-~ (" or suffix[len(own) :] in marks)
        for own in SPREADSHEET_SUFFIXES
    )


def _unicode_form(name: str) -> str:
    for form in ("NFC", "NFD"):
        if unicodedata.normalize(form, name) == name:
            return form
    return "khác"


def _name_twins_said(found: list[DroppedFile]) -> list[DroppedFile]:
    """Entries whose names differ only in their Unicode form (composed on
    Windows, decomposed on a Mac) read the same in every message: each gets a
    warning saying so, unless it has one already."""
    twins: dict[str, list[str]] = {}
    for entry in found:
        twins.setdefault(unicodedata.normalize("NFC", entry.name), []).append(
            entry.name
        )
    said = []
    for entry in found:
        names = twins[unicodedata.normalize("NFC", entry.name)]
        if len(names) > 1 and entry.warning is None:
            forms = ", ".join(sorted({_unicode_form(n) for n in names}))
            warning = messages.FILE_NAME_TWIN.format(
                file=entry.name,
                count=len(names),
                forms=forms,
                form=_unicode_form(entry.name),
                modified=local_iso(entry.mtime),
            )
            said.append(replace(entry, warning=warning))
        else:
            said.append(entry)
    return said


def _hidden_folder(path: Path) -> bool:
    return path.name.startswith(".") or fold(path.name) in SYSTEM_FOLDERS


def _entries(
    folder: Path,
    prefix: str,
    depth: int,
    unlisted: dict[str, OSError],
    too_deep: set[str],
) -> list[tuple[Path, str]]:
    """(path, name below ``inputs``) of every entry of ``folder``, subfolders
    walked (never through a symbolic link), sorted by name; a subfolder that
    cannot be listed is an entry itself, its error in ``unlisted``; a subfolder
    below the depth read is an entry itself, its name in ``too_deep``."""
    found: list[tuple[Path, str]] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = f"{prefix}/{path.name}"
        is_folder = path.is_dir() and not path.is_symlink()
        if is_folder and not _hidden_folder(path):
            if depth >= MAX_DEPTH:
                too_deep.add(name)
                found.append((path, name))
                continue
            try:
                found += _entries(path, name, depth + 1, unlisted, too_deep)
            except OSError as error:
                unlisted[name] = error
                found.append((path, name))
            continue
        found.append((path, name))
    return found


def _looked_at(folder: Path) -> list[tuple[Path, os.stat_result]]:
    """Each entry of ``folder`` with its ``lstat``, sorted by name; none when the
    folder cannot be listed, and an entry that cannot be looked at left out."""
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    found = []
    for path in children:
        try:
            found.append((path, path.lstat()))
        except OSError:
            continue
    return found


def _unread_files(folder: Path, now: float) -> list[Path]:
    """The files below ``folder`` that discovery would read as submissions, were
    they in a year folder (``_classify``'s ``candidate``: spreadsheets and any
    other file not hidden, temporary, a system file or an attachment), sorted;
    only listed, never opened. Hidden and system folders and symbolic links are
    not followed; a part that cannot be listed is passed over."""
    found: list[Path] = []
    for path, stat in _looked_at(folder):
        if stat_module.S_ISDIR(stat.st_mode):
            if not _hidden_folder(path):
                found += _unread_files(path, now)
        elif _classify(path, stat, now, 0.0)[0] == "candidate":
            found.append(path)
    return found


def _outside_year_folders(
    inputs: Path, year: int, now: float, strays: list[Path]
) -> list[DroppedFile]:
    """Each file of ``inputs`` lying outside every year folder that would be read
    as a submission in one (README, Folder shape): listed ``ignored`` with a
    warning naming it, never read. The folder contract's own files and folders
    (``criteria/``, ``history.xlsx``, ``don-vi.toml``; a province's register and
    ``units/``), the year folders and the folders said to look like the year's
    (``strays``, said as folders) are not looked into."""
    province = is_province(inputs)
    found: list[DroppedFile] = []
    for path, stat in _looked_at(inputs):
        if stat_module.S_ISDIR(stat.st_mode):
            skipped = (
                _YEAR.match(path.name) is not None
                or path.name in CONTRACT_FOLDERS
                or (province and path.name == UNITS_FOLDER)
                or _hidden_folder(path)
                or path in strays
            )
            files = [] if skipped else _unread_files(path, now)
        elif path.name in CONTRACT_FILES:
            continue
        else:
            files = [path] if _classify(path, stat, now, 0.0)[0] == "candidate" else []
        for file in files:
            name = file.relative_to(inputs).as_posix()
            where = (
                messages.WHERE_INPUTS_ROOT
                if file.parent == inputs
                else messages.WHERE_NOT_YEAR_FOLDER.format(
                    folder=file.parent.relative_to(inputs).as_posix()
                )
            )
            message = messages.FILE_OUTSIDE_YEAR_FOLDERS.format(
                file=name, where=where, year=year
            )
            try:
                file_stat = file.lstat()
            except OSError:
                continue
            found.append(
                DroppedFile(
                    path=file,
                    name=name,
                    size=file_stat.st_size,
                    mtime=file_stat.st_mtime,
                    status="ignored",
                    note=message,
                    warning=message,
                )
            )
    return found


def _too_deep(
    path: Path, name: str, inputs: Path, year: int, now: float
) -> DroppedFile:
    """A folder below the depth read: ``ignored``, the spreadsheets in it named
    by a warning (listed, never read)."""
    files = [file.relative_to(inputs).as_posix() for file in _unread_files(path, now)]
    if files:
        note = messages.FOLDER_TOO_DEEP_FILES.format(
            folder=name,
            levels=SUBFOLDER_LEVELS,
            year=year,
            count=len(files),
            files=", ".join(f"“{file}”" for file in files),
        )
        warning: str | None = note
    else:
        note = messages.FOLDER_TOO_DEEP.format(levels=SUBFOLDER_LEVELS, year=year)
        warning = None
    try:
        mtime = path.lstat().st_mtime
    except OSError:
        mtime = 0.0
    return DroppedFile(
        path=path,
        name=name,
        size=0,
        mtime=mtime,
        status="ignored",
        note=note,
        warning=warning,
    )


def _unreadable(path: Path, name: str, error: OSError) -> DroppedFile:
    """A folder that cannot be listed, or an entry that cannot be looked at."""
    try:
        mtime = path.lstat().st_mtime
    except OSError:
        mtime = 0.0
    reason = messages.os_reason(error)
    template = (
        messages.FOLDER_UNREADABLE
        if path.is_dir() and not path.is_symlink()
        else messages.ENTRY_UNREADABLE
    )
    message = template.format(folder=name, reason=reason)
    return DroppedFile(
        path=path,
        name=name,
        size=0,
        mtime=mtime,
        status="rejected",
        note=message,
        error=message,
    )


def discover(
    folder: Path, year: int, now: float, settle_seconds: float = 0.0
) -> list[DroppedFile]:
    """Every entry of ``folder`` and of its subfolders, sorted by name, each with
    its status; a folder beside it that looks like the year's is listed too
    (``ignored``, with a warning), its files unread; so is a subfolder below the
    depth read (its spreadsheets named by a warning) and, last, each file of the
    inputs folder outside every year folder that a year folder would read
    (``_outside_year_folders``: ``ignored``, with a warning; never read).

    Args:
        folder: the drop folder of one year (``inputs/2023``).
        year: that year, for file names shown relative to ``inputs``.
        now: the current time (seconds since the epoch), given by the caller.
        settle_seconds: a file modified less than this long ago is ``pending``.

    Raises:
        NoYearFolder: ``folder`` does not exist.
    """
    strays = stray_year_folders(folder.parent, year)
    if not folder.is_dir():
        raise no_year_folder(folder, year)
    found = []
    unlisted: dict[str, OSError] = {}
    too_deep: set[str] = set()
    try:
        entries = _entries(folder, str(year), 1, unlisted, too_deep)
    except OSError as error:  # the year folder itself cannot be listed
        raise NoYearFolder(
            messages.YEAR_FOLDER_UNREADABLE.format(
                year=year, folder=folder, reason=messages.os_reason(error)
            )
        ) from error
    for path, name in entries:
        if name in unlisted:
            found.append(_unreadable(path, name, unlisted[name]))
            continue
        if name in too_deep:
            found.append(_too_deep(path, name, folder.parent, year, now))
            continue
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue  # removed while the folder was being listed
        except OSError as error:  # listed, but cannot be looked at
            found.append(_unreadable(path, name, error))
            continue
        status, note, said = _classify(path, stat, now, settle_seconds, name)
        future = stat.st_mtime > now + FUTURE_TOLERANCE
        found.append(
            DroppedFile(
                path=path,
                name=name,
                size=stat.st_size,
                mtime=stat.st_mtime,
                status=status,
                note=note,
                warning=(
                    messages.FILE_MTIME_FUTURE.format(modified=local_iso(stat.st_mtime))
                    if future and status == "candidate"
                    else note
                    if said
                    else None
                ),
                mtime_trusted=not future,
            )
        )
    found = _name_twins_said(found)
    for stray in strays:
        files = sum(1 for p in stray.rglob("*") if p.is_file())
        message = messages.FOLDER_LOOKS_LIKE_YEAR.format(
            folder=stray.name, year=year, files=files
        )
        found.append(_folder_said(stray, message))
    for later in later_empty_years(folder.parent, year):
        # made in advance, still empty: passed over by a run given no year
        message = messages.YEAR_FOLDER_EMPTY.format(year=later)
        found.append(_folder_said(folder.parent / str(later), message))
    found += _outside_year_folders(folder.parent, year, now, strays)
    return found


def _folder_said(path: Path, message: str) -> DroppedFile:
    """A folder beside the year's, not read, listed (``ignored``) with a
    warning: ``message``."""
    return DroppedFile(
        path=path,
        name=f"{path.name}/",
        size=0,
        mtime=path.lstat().st_mtime,
        status="ignored",
        note=message,
        warning=message,
    )


def sha256(content: bytes) -> str:
    """The hex sha256 of a file's content (its name in the archive)."""
    return hashlib.sha256(content).hexdigest()


def file_sha256(path: Path) -> str:
    """``sha256`` of the file at ``path``, read in blocks: an output is never
    held whole to hash it (the summary is ≈ 90 MB at 5000 departments, and the
    manifest hashes every output while the run holds its result).

    Raises:
        OSError: the file cannot be opened or read.
    """
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()

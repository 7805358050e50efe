"""Write outputs safely: temporary file then rename, one run at a time, archive."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import filecmp
import os
import stat as stat_module
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from parindex import messages
from parindex.errors import OutputInTheWay, OutputsNotWritable, error_chain

NOT_WRITABLE = "Không ghi được vào thư mục kết quả “{folder}”: {reason}."
LOCKED = (
    "Một lần tổng hợp khác đang ghi vào “{folder}” (đã chờ {seconds} giây): "
    "hãy chạy lại sau."
)
LOCK_NAME = ".parindex.lock"
DANGLING = "đây là một liên kết (symlink) tới “{target}”, nơi không tồn tại"


REASONS = {
    errno.EEXIST: "đây là một tệp, không phải thư mục",
    errno.ENOTDIR: "đường dẫn có một tệp ở chỗ của thư mục",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "thư mục chỉ đọc",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EDQUOT: "đã hết hạn mức dung lượng",
}


def not_writable(folder: Path, error: OSError) -> OutputsNotWritable:
    """The Vietnamese error for a folder that cannot be written."""
    reason = REASONS.get(error.errno or 0, error.strerror or str(error))
    return OutputsNotWritable(NOT_WRITABLE.format(folder=folder, reason=reason))


def _dangling(path: Path) -> Path | None:
    """The missing target of ``path`` or of a symlinked folder above it."""
    for candidate in (path, *path.parents):
        if candidate.is_symlink() and not candidate.exists():
            return Path(os.readlink(candidate))
    return None


def check_folder_takes_files(folder: Path) -> None:
    """Make sure a file can be created in ``folder`` (made when missing): tried
    with a temporary file, at once removed. A folder that takes none (locked,
    ``chattr +i``, read-only, another account's) is found before anything is
    moved into the set it belongs to.

    Raises:
        OutputsNotWritable: naming the folder and why.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".parindex-check-"):
            pass
    except OSError as error:
        raise not_writable(folder, error) from error


def check_writable(outputs: Path, years: list[int] | None = None) -> None:
    """Make sure ``outputs`` is a folder this process can write in, and that
    nothing stands in the way of the output paths of ``years`` (default: every
    year folder already in ``outputs``) that can be known before the flow starts
    (``known_targets``).

    Raises:
        OutputsNotWritable: with the reason in Vietnamese.
    """
    target = _dangling(outputs)
    if target is not None:
        raise OutputsNotWritable(
            NOT_WRITABLE.format(folder=outputs, reason=DANGLING.format(target=target))
        )
    check_folder_takes_files(outputs)
    check_targets(outputs, [outputs / LOCK_NAME])
    for year in years if years is not None else _year_folders(outputs):
        check_targets(outputs, known_targets(outputs, year))


def in_the_way(path: Path, root: Path) -> tuple[Path, str] | None:
    """What stands where an output file ``path`` (below ``root``) must go: the
    exact path in the way and why (Vietnamese), or None when nothing does.

    In the way: a folder, or a symbolic link to a folder, where the file goes; a
    dangling symbolic link where the file or one of its folders goes; a file (or
    anything but a folder) where a folder below ``root`` is needed. A regular file,
    or a link to one, is replaced as before; a missing folder is created.
    """
    return _in_the_way(path, root, set())


def _in_the_way(
    path: Path, root: Path, folders_fine: set[Path]
) -> tuple[Path, str] | None:
    relative = path.relative_to(root)
    current = root
    for part in relative.parts[:-1]:
        current = current / part
        if current in folders_fine:
            continue
        found = _blocking(current, need_folder=True)
        if found is not None:
            return current, found
        if not os.path.lexists(current):
            return None  # created when needed: nothing below it exists
        folders_fine.add(current)
    found = _blocking(path, need_folder=False)
    return (path, found) if found is not None else None


def _blocking(path: Path, *, need_folder: bool) -> str | None:
    """Why ``path`` is in the way, or None (one ``lstat`` for what is there)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError:  # cannot even be looked at: the move would fail there
        return messages.OUTPUT_IN_THE_WAY_UNREADABLE
    if stat_module.S_ISLNK(mode):
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return messages.OUTPUT_IN_THE_WAY_DANGLING.format(target=os.readlink(path))
        except OSError:
            return messages.OUTPUT_IN_THE_WAY_UNREADABLE
    if need_folder:
        return None if stat_module.S_ISDIR(mode) else messages.OUTPUT_IN_THE_WAY_FILE
    return messages.OUTPUT_IN_THE_WAY_FOLDER if stat_module.S_ISDIR(mode) else None


def check_targets(
    root: Path, targets: list[Path], template: str = messages.OUTPUT_IN_THE_WAY
) -> None:
    """Stop before anything is written when something stands where one of
    ``targets`` (output files below ``root``) must go.

    Raises:
        OutputsNotWritable: naming the exact path in the way and what to do.
    """
    folders_fine: set[Path] = set()  # each folder looked at once
    for target in dict.fromkeys(targets):
        found = _in_the_way(target, root, folders_fine)
        if found is not None:
            where, reason = found
            raise OutputInTheWay(template.format(path=where, reason=reason))


YEAR_OUTPUTS = (
    "scorecard-{year}.xlsx",
    "summary-{year}.json",
    "bao-cao-{year}.docx",
    "summary-{year}.md",
    "TRANG-THAI.txt",
)
"""The output files of a year whose names are known before the run starts."""


def known_targets(outputs: Path, year: int) -> list[Path]:
    """The output paths of ``year`` that can be known before the flow starts: the
    year's files, its folders (``departments``, ``runs``, the archive), and the
    department workbooks the last run wrote (the department codes come from the
    criteria set, read later)."""
    folder = outputs / str(year)
    targets = [folder / name.format(year=year) for name in YEAR_OUTPUTS]
    # a placeholder file below each folder: the folder itself must be a folder
    targets += [
        folder / "departments" / ".parindex-check",
        folder / "runs" / ".parindex-check",
        outputs / "archive" / str(year) / ".parindex-check",
    ]
    departments = folder / "departments"
    try:
        entries = list(departments.iterdir()) if departments.is_dir() else []
    except OSError:
        entries = []
    suffix = f"-{year}.xlsx"
    targets += sorted(e for e in entries if e.name.endswith(suffix))
    return targets


def _year_folders(outputs: Path) -> list[int]:
    try:
        return sorted(
            int(p.name)
            for p in outputs.iterdir()
            if len(p.name) == 4 and p.name.isdigit()
        )
    except OSError:
        return []


_FILE_MODE = 0o666


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, write: Callable[[Path], object]) -> bool:
    """Write ``path`` through ``write(temporary_path)`` then rename it into place.

    A run killed at any moment leaves either the old file or the new one, never a
    half-written file. When the new content equals the file already there, the file
    is left untouched (same bytes, same modification time).

    Returns:
        True when ``path`` was created or changed.

    Raises:
        OutputsNotWritable: the folder is read-only, full or missing.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        os.close(handle)
    except OSError as error:
        raise not_writable(path.parent, error) from error
    temporary = Path(name)
    replacing = False
    try:
        write(temporary)
        if path.is_file() and filecmp.cmp(temporary, path, shallow=False):
            return False
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, _FILE_MODE & ~_current_umask())  # mkstemp makes 0600
        replacing = True
        os.replace(temporary, path)
        return True
    except PermissionError as error:
        if not (replacing and path.exists()):
            raise not_writable(path.parent, error) from error
        # the folder took the temporary file: the file in place is locked
        raise OutputsNotWritable(
            messages.OUTPUT_FILE_LOCKED.format(path=path)
        ) from error
    except OSError as error:
        raise not_writable(path.parent, error) from error
    except Exception as error:  # a writer library wrapping the OSError (xlsxwriter)
        cause = _os_error(error)
        if cause is None:
            raise
        raise not_writable(path.parent, cause) from error
    finally:
        temporary.unlink(missing_ok=True)


def _os_error(error: BaseException) -> OSError | None:
    """The OSError behind an exception a library raised instead (its cause, its
    context or its first argument), if any."""
    for current in error_chain(error):
        if isinstance(current, OSError):
            return current
        wrapped = next((a for a in current.args if isinstance(a, OSError)), None)
        if wrapped is not None:
            return wrapped
    return None


def sync_folders(folders: set[Path]) -> None:
    """Flush the renames made in ``folders`` to disk (best effort)."""
    for folder in folders:
        try:
            descriptor = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(descriptor)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def write_bytes_atomic(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` atomically; True when it changed."""
    return write_atomic(path, lambda temporary: temporary.write_bytes(content))


def sweep_temporary_files(folder: Path) -> None:
    """Remove temporary files left by a run that was killed while writing.

    Call it only while holding the outputs lock: then no other run is writing.
    """
    if folder.is_dir():
        for leftover in folder.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def archive_all(
    submissions: Iterable[tuple[bytes, str, str]], archive_folder: Path
) -> list[Path]:
    """Keep each submission's bytes (bytes, suffix, sha256), as they were read
    and hashed, under their hash (once per content: a name already in the
    folder is left as it is), never copied again from the drop folder, where
    the file may have changed or vanished since. The folder is listed once,
    not looked up per file (1000 files: 0.05 s).

    Returns the archived paths (``<archive_folder>/<sha256><suffix>``), in
    order."""
    try:
        present = set(os.listdir(archive_folder))
    except OSError:  # not there yet (or unreadable: every file is written)
        present = set()
    found = []
    for content, suffix, digest in submissions:
        target = archive_folder / f"{digest}{suffix.lower()}"
        if target.name not in present:
            write_bytes_atomic(target, content)
            present.add(target.name)
        found.append(target)
    return found


@contextlib.contextmanager
def outputs_lock(outputs: Path, wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold the outputs folder's lock; wait up to ``wait_seconds`` for another run.

    Raises:
        OutputsNotWritable: the lock cannot be created or was not released in time.
    """
    if _dangling(outputs) is not None:
        check_writable(outputs)  # raises, naming the missing target
    try:
        outputs.mkdir(parents=True, exist_ok=True)
        handle = open(outputs / LOCK_NAME, "a+")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise not_writable(outputs, error) from error
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputsNotWritable(
                        LOCKED.format(folder=outputs, seconds=int(wait_seconds))
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()

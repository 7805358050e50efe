"""Write outputs safely: temporary file then rename, one run at a time, archive."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from parindex.errors import OutputsNotWritable

NOT_WRITABLE = "Không ghi được vào thư mục kết quả “{folder}”: {reason}."
LOCKED = (
    "Một lần tổng hợp khác đang ghi vào “{folder}” (đã chờ {seconds} giây): "
    "hãy chạy lại sau."
)
LOCK_NAME = ".parindex.lock"


def _not_writable(folder: Path, error: OSError) -> OutputsNotWritable:
    return OutputsNotWritable(
        NOT_WRITABLE.format(folder=folder, reason=error.strerror or error)
    )


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary_path)`` then rename it into place.

    A run killed at any moment leaves either the old file or the new one, never a
    half-written file.

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
        raise _not_writable(path.parent, error) from error
    temporary = Path(name)
    try:
        write(temporary)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise _not_writable(path.parent, error) from error
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically."""
    write_atomic(path, lambda temporary: temporary.write_bytes(content))


def archive(source: Path, archive_folder: Path, digest: str) -> Path:
    """Keep a copy of a submission under its content hash (once per content).

    Returns the archived path (``<archive_folder>/<sha256><suffix>``).
    """
    target = archive_folder / f"{digest}{source.suffix.lower()}"
    if not target.exists():
        write_atomic(target, lambda temporary: shutil.copyfile(source, temporary))
    return target


@contextlib.contextmanager
def outputs_lock(outputs: Path, wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold the outputs folder's lock; wait up to ``wait_seconds`` for another run.

    Raises:
        OutputsNotWritable: the lock cannot be created or was not released in time.
    """
    try:
        outputs.mkdir(parents=True, exist_ok=True)
        handle = open(outputs / LOCK_NAME, "a+")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise _not_writable(outputs, error) from error
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

"""What a night read is kept by content: a file read once is not read again.

What reading one submission gives (``SubmissionRead`` without its sheet, and its
rows) is a function of the file's bytes, its name (the department may come from
it, and every problem names it), the year, the criteria set and the code that
reads it. ``ReadCache.key`` is the sha256 of all of these; the checked year
(``parindex.ingest.checked``) keeps, under that key, what reading and checking
each file gave, in ``<outputs>/.parindex-cache/checked/``: deleting the folder
only costs the next run its parse time. No entry is written per file (one small
file per read cost more than the read on a slow disk).

Every kept entry is checked before it is used: it carries the sha256 of its own
payload (``sealed``/``unsealed``) and what it was written for, and anything that
does not match (a truncated write, a flipped bit, another entry) is ignored and
read again from the files, so a wrong value is never served. Entries are
written atomically (temporary file, then rename: ``store_entry``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

from parindex.criteria import CriteriaSet
from parindex.ingest.read import SubmissionRead

CACHE_FOLDER = ".parindex-cache"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# libraries whose version can change what a read gives
READ_LIBRARIES = ("parindex", "python-calamine", "polars", "olefile", "xlrd")


SCHEMAS_DIR = PACKAGE_DIR.parent / "schemas"
"""The pandera models (``schemas/``): their checks decide what a read gives too."""


def code_sources() -> list[tuple[str, Path]]:
    """(name, path) of every source file whose change can change what is read
    and checked: parindex's and the schemas'."""
    return [
        (f"{folder.name}/{source.relative_to(folder).as_posix()}", source)
        for folder in (PACKAGE_DIR, SCHEMAS_DIR)
        for source in sorted(folder.rglob("*.py"))
    ]


@functools.cache
def code_version() -> str:
    """parindex's version, the sha256 of its own source and the schemas' and the
    readers' versions: any change to the code that reads or checks invalidates
    every entry (and the criteria set and previous year kept between nights)."""
    digest = hashlib.sha256()
    for name, source in code_sources():
        digest.update(name.encode())
        digest.update(source.read_bytes())
    versions = []
    for package in READ_LIBRARIES:
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=?")
    return ";".join([*versions, digest.hexdigest()])


@dataclass(frozen=True)
class ReadCache:
    """Where what a night read is kept (``folder``: the outputs' cache folder)
    and what every key shares (code version, criteria set, year). Small and
    picklable: a batch read in another process uses it."""

    folder: Path
    context: str

    @classmethod
    def for_year(cls, outputs: Path, criteria_set: CriteriaSet, year: int) -> ReadCache:
        """The cache of ``outputs`` for reading ``year``'s files against
        ``criteria_set`` with this version of parindex."""
        context = json.dumps([code_version(), criteria_set.digest, year])
        return cls(outputs / CACHE_FOLDER, context)

    def key(self, name: str, content_sha256: str) -> str:
        """The key of a file of this name and content (``checked``)."""
        return hashlib.sha256(
            json.dumps([self.context, name, content_sha256]).encode()
        ).hexdigest()


_WRITE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


Sealed = tuple[bytes, bytes]
"""A kept entry's head (format line and checksum) and payload, written one after
the other by ``store_entry``: never joined into one copy (the report's parts are
≈ 130 MB at 5000 departments)."""


def sealed(format_line: bytes, payload: bytes) -> Sealed:
    """A kept entry: its format line and the sha256 of its payload, then the
    payload itself (read back by ``unsealed``)."""
    return format_line + hashlib.sha256(payload).hexdigest().encode() + b"\n", payload


def unsealed(format_line: bytes, path: Path) -> memoryview | None:
    """The payload of the entry ``sealed`` wrote at ``path`` for ``format_line``
    (not copied: tens of MB for a large unit's report parts), or None when it is
    missing, unreadable, of another format or does not match its checksum."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    start = len(format_line) + 65
    if not stored.startswith(format_line) or stored[start - 1 : start] != b"\n":
        return None
    payload = memoryview(stored)[start:]
    if (
        hashlib.sha256(payload).hexdigest().encode()
        != stored[len(format_line) : start - 1]
    ):
        return None
    return payload


class _Digesting:
    """A binary stream that hashes what is written through it (``store_pickled``)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)


def store_pickled(path: Path, format_line: bytes, value: object) -> None:
    """``store_entry(path, sealed(format_line, pickle.dumps(value, protocol=5)))``
    with the pickle never held whole: it goes to the file as it is made, through
    its digest, and the head's checksum is written in place last (the report's
    parts are ≈ 110 MB at 5000 departments: pickled whole, they were the peak of
    ``parindex run``). Read back by ``unsealed``; a failure to write is not an
    error either."""
    placeholder = format_line + b"0" * 64 + b"\n"

    def write(out: BinaryIO) -> None:
        out.write(placeholder)
        stream = _Digesting(out)
        pickle.dump(value, stream, protocol=5)
        out.seek(len(format_line))
        out.write(stream.digest.hexdigest().encode())

    _store(path, write)


def store_entry(path: Path, data: bytes | Sealed) -> None:
    """Write a cache entry atomically (a temporary file renamed over it, never
    fsynced: an entry lost in a crash is rebuilt); a failure to write is not an
    error, the next run does the work again.

    The temporary file is named for the entry, the process and the thread (no
    two writers share one), and the folder is made only when it is missing: a
    night writes a thousand entries, each in a few system calls."""

    def write(out: BinaryIO) -> None:
        for part in (data,) if isinstance(data, bytes) else data:
            out.write(part)

    _store(path, write)


def _store(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """``store_entry``'s atomic write, the content from ``write``."""
    temporary = path.with_name(
        f".tmp-{path.name}-{os.getpid()}-{threading.get_ident()}"
    )
    try:
        try:
            handle = os.open(temporary, _WRITE_FLAGS, 0o600)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(temporary, _WRITE_FLAGS, 0o600)
        try:
            with os.fdopen(handle, "wb") as out:
                write(out)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError:
        return


def described(read: SubmissionRead) -> dict[str, Any]:
    """What is kept of a read (by the checked year): every field but the file,
    its sheet and forms."""
    return {
        "sha256": read.sha256,
        "department": read.department,
        "year": read.year,
        "rejection": read.rejection,
        "problems": read.problems,
        "departments": read.departments,
        "pending": read.pending,
        "other_years": read.other_years,
        "doubted": read.doubted,
        "doubted_where": read.doubted_where,
        "places": read.places,
    }

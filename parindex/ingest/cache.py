"""Parse results cached by content: a file read once is not parsed again.

What reading one submission gives (``SubmissionRead`` without its sheet, and its
rows) is a function of the file's bytes, its name (the department may come from
it, and every problem names it), the year, the criteria set and the code that
reads it. An entry is stored under the sha256 of all of these
(``ReadCache.key``), in ``<outputs>/.parindex-cache/reads/``: deleting the folder
only costs the next run its parse time.

An entry is checked before it is used: it carries the sha256 of its own payload
and the key it was written for, and anything that does not match (a truncated
write, a flipped bit, an entry of another key) is ignored and read again from the
file, so a wrong value is never served. Problems and warnings are stored with the
rows, so a file served from the cache reports them every night, as a fresh read
would. Entries are written atomically (temporary file, then rename).
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
from typing import Any, BinaryIO, TypeGuard

import orjson

from parindex.criteria import CriteriaSet
from parindex.ingest.discover import DroppedFile
from parindex.ingest.normalise import FILE_ROWS_WIDTH, FileRows
from parindex.ingest.read import SubmissionRead

CACHE_FOLDER = ".parindex-cache"
FORMAT = b"parindex-read-cache 4\n"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# libraries whose version can change what a read gives
CacheEntry = tuple[str, bytes]
"""An entry's key and its bytes, as ``ReadCache.entry`` makes them."""
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
    """Where parse results live, and what every key shares (code version, criteria
    set, year). Small and picklable: a batch read in another process uses it."""

    folder: Path
    context: str

    @classmethod
    def for_year(cls, outputs: Path, criteria_set: CriteriaSet, year: int) -> ReadCache:
        """The cache of ``outputs`` for reading ``year``'s files against
        ``criteria_set`` with this version of parindex."""
        context = json.dumps([code_version(), criteria_set.digest, year])
        return cls(outputs / CACHE_FOLDER / "reads", context)

    def key(self, name: str, content_sha256: str) -> str:
        """The entry of a file of this name and content."""
        return hashlib.sha256(
            json.dumps([self.context, name, content_sha256]).encode()
        ).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(
        self, entry: DroppedFile, content_sha256: str
    ) -> tuple[SubmissionRead, FileRows] | None:
        """The read stored for this file and content, or None (missing, or not
        exactly what was written for this key)."""
        key = self.key(entry.name, content_sha256)
        try:
            stored = self._path(key).read_bytes()
        except OSError:
            return None
        return _decode(stored, key, entry)

    def put(self, read: SubmissionRead, rows: FileRows) -> None:
        """Store a read (its sheet already dropped) and its rows; a failure to
        write is not an error (the next run reads the file again)."""
        entry = self.entry(read, rows)
        if entry is not None:
            self.store(entry)

    def entry(self, read: SubmissionRead, rows: FileRows) -> CacheEntry | None:
        """The key and bytes of the entry ``put`` would write for this read, None
        for a read that is not kept (unread, pending, or still holding its
        sheets). This is the costly part of ``put`` (the rows as JSON): the
        reader children do it, the parent only ``store``s (``read_batch``)."""
        if read.sha256 is None or read.pending or read.tables():
            return None
        key = self.key(read.file.name, read.sha256)
        return key, _encode(key, read, rows)

    def store(self, entry: CacheEntry) -> None:
        """Write an entry made by ``entry`` (see ``store_entry``)."""
        key, data = entry
        store_entry(self._path(key), data)


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
    """What is kept of a read (by the parse cache and the checked year): every
    field but the file, its sheet and forms."""
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


def _encode(key: str, read: SubmissionRead, rows: FileRows) -> bytes:
    head = json.dumps({"key": key, **described(read)}, ensure_ascii=False).encode()
    # the rows as JSON lists, one per gathered column: floats are written as
    # their shortest exact text and read back to the same bits; many files'
    # rows become one frame in the reader (``RowsBuilder.extend``)
    body = _rows_json(rows)
    payload = len(head).to_bytes(8, "big") + head + body
    return FORMAT + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def _rows_json(rows: FileRows) -> bytes:
    """The rows as JSON that ``_loads`` reads back equal (floats to the same
    bits): by orjson, four times quicker than ``json.dumps``, when what it wrote
    means what ``json.dumps`` would; else by ``json.dumps``, after one space (a
    JSON reader skips it; ``_loads`` then reads with ``json.loads``).

    orjson writes a float that is not finite (NaN, ±inf) as ``null``: its output
    is used only when it holds exactly as many ``null`` as the rows hold None, so
    no such float was written (a text holding "null" only sends the rows to
    ``json.dumps``); it refuses an integer beyond 64 bits."""
    try:
        data = orjson.dumps(rows)
    except (orjson.JSONEncodeError, TypeError):  # what orjson does not write
        return _JSON_ROWS + json.dumps(rows, separators=(",", ":")).encode()
    if data.count(b"null") == sum(column.count(None) for column in rows):
        return data
    return _JSON_ROWS + json.dumps(rows, separators=(",", ":")).encode()


_JSON_ROWS = b" "
"""Before rows written by ``json.dumps``: orjson, which reads an integer beyond
64 bits as a float, does not read them."""


def _loads(data: bytes) -> object:
    """The rows ``_rows_json`` wrote: by orjson (quicker) what orjson wrote, by
    ``json.loads`` what ``json.dumps`` wrote."""
    if data.startswith(_JSON_ROWS):
        return json.loads(data.decode())
    return orjson.loads(data)


def _decode(
    stored: bytes, key: str, entry: DroppedFile
) -> tuple[SubmissionRead, FileRows] | None:
    """The entry's read and rows, or None unless it is intact and for ``key``."""
    start = len(FORMAT) + 65
    if not stored.startswith(FORMAT) or len(stored) < start + 8:
        return None
    payload = stored[start:]
    if stored[start - 1 : start] != b"\n":
        return None
    if hashlib.sha256(payload).hexdigest().encode() != stored[len(FORMAT) : start - 1]:
        return None
    size = int.from_bytes(payload[:8], "big")
    try:
        described = json.loads(payload[8 : 8 + size].decode())
        rows = _loads(payload[8 + size :])
    except (ValueError, UnicodeDecodeError):  # orjson's errors are ValueErrors
        return None
    if not isinstance(described, dict) or described.get("key") != key:
        return None
    if not _rows_shaped(rows):
        return None
    read = SubmissionRead(
        file=entry,
        sha256=described["sha256"],
        department=described["department"],
        year=described["year"],
        rejection=described["rejection"],
        problems=described["problems"],
        departments=described["departments"],
        pending=described["pending"],
        other_years=described["other_years"],
        doubted=described["doubted"],
        doubted_where=described["doubted_where"],
        places=described["places"],
    )
    return read, rows


def _rows_shaped(rows: object) -> TypeGuard[FileRows]:
    """Whether ``rows`` has the shape of ``RowsBuilder.columns()``: as many lists
    as gathered columns, all of one length."""
    if not isinstance(rows, list) or len(rows) != FILE_ROWS_WIDTH:
        return False
    if not all(isinstance(column, list) for column in rows):
        return False
    return len({len(column) for column in rows}) <= 1

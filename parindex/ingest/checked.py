"""The year's files as last checked, kept between nights as columns.

Validating a file's rows (``parindex.ingest.validate.validate_rows``) is a
function of its rows and the criteria set alone: every check looks at one row,
or at the rows of one file (codes found twice, subtotals, missing appraisals).
So what the parse cache keys (``ReadCache.key``: the file's bytes, its name, the
year, the criteria set, the code) decides what validating it gives: its valid
rows and its problems. A night keeps them all in one entry per year and cache
context, ``<outputs>/.parindex-cache/checked/<sha256 of the context>/``
(sixteen entries, a file in the one its name hashes to): what
each keyed file's read said (department, rejection, problems: as the parse
cache stores it), how many rows it had, and its valid rows and row problems as
two Arrow IPC tables. The next night takes a file whose key is in it from there
(no rows decoded, none validated again) and reads and checks only the others.

The entry is checked like every kept entry (``cache.sealed``/``unsealed``:
format line, sha256 of the payload) and names its context: anything that does
not match is ignored, and the night reads and checks its files again. An
entry is written again, whole, when a night checked one of its files that it
did not hold; deleting them costs one night its reading and validation. It is
the only place a read is kept: nothing is written per file.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from parindex.ingest.cache import (
    CACHE_FOLDER,
    ReadCache,
    described,
    sealed,
    store_entry,
    unsealed,
)
from parindex.ingest.discover import DroppedFile
from parindex.ingest.read import SubmissionRead

FORMAT = b"parindex-checked-year 3\n"
FOLDER = "checked"


@dataclass(frozen=True)
class CheckedYear:
    """What a night checked, by parse-cache key: ``files`` maps a key to the
    file's name, its read (``described``, without the file) and how many rows it
    had; ``good`` and ``problems`` are the valid rows and the row problems of
    those files (``validate_rows``'s two frames)."""

    files: dict[str, tuple[str, dict[str, Any], int]]
    good: pl.DataFrame
    problems: pl.DataFrame

    def read(self, key: str, entry: DroppedFile) -> SubmissionRead | None:
        """The read kept for this key, for the file as listed tonight (its
        name is part of the key), or None."""
        found = self.files.get(key)
        if found is None or found[0] != entry.name:
            return None
        read = found[1]
        return SubmissionRead(
            file=entry,
            sha256=read["sha256"],
            department=read["department"],
            year=read["year"],
            rejection=read["rejection"],
            problems=list(read["problems"]),
            departments=list(read["departments"]),
            pending=read["pending"],
            other_years=list(read["other_years"]),
            doubted=list(read["doubted"]),
            doubted_where=dict(read["doubted_where"]),
            places=list(read["places"]),
        )

    def rows_read(self, key: str) -> int:
        """How many rows the file of ``key`` had (before validation)."""
        return self.files[key][2]


@dataclass(frozen=True)
class KeptChecks:
    """What a batch took from the checked year for its files served from it:
    their valid rows, their row problems and how many rows each had, by name."""

    good: pl.DataFrame
    problems: pl.DataFrame
    rows_read: dict[str, int]


def kept_checks(checked: CheckedYear, rows_read: dict[str, int]) -> KeptChecks:
    """The part of ``checked`` of the files named in ``rows_read``."""
    names = pl.Series(list(rows_read), dtype=pl.String).implode()
    return KeptChecks(
        good=checked.good.filter(pl.col("file").is_in(names)),
        problems=checked.problems.filter(pl.col("file").is_in(names)),
        rows_read=rows_read,
    )


SHARDS = 16
"""The checked year is kept in this many entries, a file in the one its name
hashes to: a night that checked one file writes one sixteenth of the year."""


def shard_of(name: str) -> int:
    """The entry that keeps the file called ``name``."""
    return hashlib.sha256(name.encode()).digest()[0] % SHARDS


def folder_of(cache: ReadCache) -> Path:
    """Where the checked year of ``cache``'s context is kept (one entry per
    shard, ``00`` to ``15``)."""
    name = hashlib.sha256(cache.context.encode()).hexdigest()
    return cache.folder / FOLDER / name


_LOCK = threading.Lock()
_LOADED: dict[Path, tuple[tuple[int, int, int], CheckedYear | None]] = {}
"""The entries last loaded (one year's: the batches of a night share them), by
path, with what ``stat`` said of each."""


def load(cache: ReadCache) -> CheckedYear | None:
    """The checked year kept for ``cache``'s context (the entries that are
    there and exactly what was written for it), or None when there is none.
    Loaded once per process while an entry's file is unchanged: a night's
    batches share it (``forget`` drops it)."""
    folder = folder_of(cache)
    found: list[CheckedYear] = []
    with _LOCK:
        if any(path.parent != folder for path in _LOADED):
            _LOADED.clear()
        for shard in range(SHARDS):
            path = folder / f"{shard:02d}"
            try:
                stat = path.stat()
            except OSError:
                _LOADED.pop(path, None)
                continue
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            kept = _LOADED.get(path)
            if kept is None or kept[0] != seen:
                kept = (seen, _decode(unsealed(FORMAT, path), cache.context, shard))
                _LOADED[path] = kept
            if kept[1] is not None:
                found.append(kept[1])
    if not found:
        return None
    return CheckedYear(
        files={key: file for part in found for key, file in part.files.items()},
        good=pl.concat([part.good for part in found], how="vertical"),
        problems=pl.concat([part.problems for part in found], how="vertical"),
    )


def forget() -> None:
    """Drop the entries ``load`` holds (the night has taken what it needed)."""
    with _LOCK:
        _LOADED.clear()


def _decode(payload: memoryview | None, context: str, shard: int) -> CheckedYear | None:
    if payload is None or len(payload) < 16:
        return None
    try:
        head_size = int.from_bytes(payload[:8], "big")
        head = orjson.loads(payload[8 : 8 + head_size])
        start = 8 + head_size
        good_size = int.from_bytes(payload[start : start + 8], "big")
        start += 8
        good = pl.read_ipc(io.BytesIO(payload[start : start + good_size]))
        problems = pl.read_ipc(io.BytesIO(payload[start + good_size :]))
    except (ValueError, OSError, pl.exceptions.PolarsError):
        return None
    if (
        not isinstance(head, dict)
        or head.get("context") != context
        or head.get("shard") != shard
    ):
        return None
    try:
        files = {
            key: (name, read, rows_read) for key, name, read, rows_read in head["files"]
        }
    except (KeyError, TypeError, ValueError):
        return None
    return CheckedYear(files=files, good=good, problems=problems)


def store(cache: ReadCache, shard: int, checked: CheckedYear) -> None:
    """Keep ``checked`` (the files of ``shard``) for ``cache``'s context
    (atomically; a failure to write is not an error: the next night checks
    those files again)."""
    head = orjson.dumps(
        {
            "context": cache.context,
            "shard": shard,
            "files": [
                [key, name, read, rows_read]
                for key, (name, read, rows_read) in checked.files.items()
            ],
        }
    )
    good, problems = io.BytesIO(), io.BytesIO()
    checked.good.write_ipc(good, compression="uncompressed")
    checked.problems.write_ipc(problems, compression="uncompressed")
    payload = b"".join(
        [
            len(head).to_bytes(8, "big"),
            head,
            len(good.getbuffer()).to_bytes(8, "big"),
            good.getbuffer(),
            problems.getbuffer(),
        ]
    )
    del good, problems
    store_entry(folder_of(cache) / f"{shard:02d}", sealed(FORMAT, payload))


__all__ = [
    "CACHE_FOLDER",
    "CheckedYear",
    "KeptChecks",
    "described",
    "forget",
    "kept_checks",
    "load",
    "shard_of",
    "store",
]

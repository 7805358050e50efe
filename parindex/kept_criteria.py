"""The criteria folder as read, kept between nights.

Reading the criteria folder (every workbook, to find each one's first year, then
the one in force) costs about 0.1 s of CPU for a set of a thousand departments,
every night, for a folder that changes once a year; a night reads it for its own
year and for the year before (to compare with), most often the same workbook. What
was read (``KeptFolder``: each workbook's first year, and the sets parsed so far,
by workbook) is kept in ``<outputs>/.parindex-cache/criteria/`` under the sha256
of what it is a function of: parindex's code and the readers' versions
(``parindex.ingest.cache.code_version``), the folder's path and every entry of the
folder (name, size, modification time, content), described as ``parindex.night``
describes it. Any change gives another key, so a stale set is never served; an
entry that does not hold its own checksum and key (truncated, corrupted, another
key's) is ignored and the folder read again. Only a folder whose every workbook
states its first year is kept: a folder that cannot give one raises, with its
message, every night; a workbook in force that cannot be used raises when it is
parsed, and is never kept. Deleting the folder only costs the next night the read.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

from parindex.criteria import CriteriaSet
from parindex.ingest.cache import (
    CACHE_FOLDER,
    code_version,
    store_pickled,
    unsealed,
)
from parindex.night import folder_description

FOLDER = "criteria"
FORMAT = b"parindex-criteria-folder 2\n"


@dataclass(frozen=True)
class KeptFolder:
    """What was read of a criteria folder: ``candidates`` as
    ``available_criteria_sets`` gives them, and the sets parsed so far by
    workbook path (the ones in force in some year a night asked for)."""

    candidates: list[tuple[int, Path]]
    sets: dict[Path, CriteriaSet]


def criteria_key(folder: Path) -> str:
    """sha256 of everything ``available_criteria_sets(folder)`` and the sets it
    gives read."""
    described = [
        FORMAT.decode().strip(),
        code_version(),
        str(folder),
        folder_description(folder),
    ]
    return hashlib.sha256(
        json.dumps(described, ensure_ascii=False).encode()
    ).hexdigest()


def _path(outputs: Path, key: str) -> Path:
    return outputs / CACHE_FOLDER / FOLDER / f"{key}.pickle"


def load(outputs: Path, key: str) -> KeptFolder | None:
    """What is kept under ``key``, or None."""
    payload = unsealed(FORMAT, _path(outputs, key))
    if payload is None:
        return None
    try:
        found_key, value = pickle.loads(payload)  # noqa: S301 - written by store
    except Exception:  # noqa: BLE001 - an entry that cannot be read is rebuilt
        return None
    if found_key != key or not isinstance(value, KeptFolder):
        return None
    return value


def store(outputs: Path, key: str, value: KeptFolder) -> None:
    """Keep ``value`` under ``key``, atomically; a failure to write is not an
    error (the next night reads the folder again). The sets' digests and folded
    names (``CriteriaSet.digest``, ``codes_by_name``, ``department_words``) are
    worked out first and kept with them: the nights they are served work out
    none of them."""
    for criteria_set in value.sets.values():
        criteria_set.digest  # noqa: B018 - worked out, to be kept (cached_property)
        criteria_set.codes_by_name  # noqa: B018
        criteria_set.department_words  # noqa: B018
    store_pickled(_path(outputs, key), FORMAT, (key, value))

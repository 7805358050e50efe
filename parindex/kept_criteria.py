"""The criteria set in force, kept between nights.

Reading the criteria folder (every workbook, to find each one's first year, then
the one in force) costs about 0.1 s of CPU for a set of a thousand departments,
every night, for a folder that changes once a year. The set read
(``criteria_set_for_year``) is kept in ``<outputs>/.parindex-cache/criteria/``
under the sha256 of what it is a function of: parindex's code and the readers'
versions (``parindex.ingest.cache.code_version``), the folder's path, the year and
every entry of the folder (name, size, modification time, content), described as
``parindex.night`` describes it. Any change gives another key, so a stale set is
never served; an entry that does not hold its own checksum and key (truncated,
corrupted, another key's) is ignored and the folder read again. Only a set that
was read is kept: a folder that cannot give one raises, with its message, every
night. Deleting the folder only costs the next night the read.
"""

from __future__ import annotations

import hashlib
import json
import pickle
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
FORMAT = b"parindex-criteria-set 1\n"


def criteria_key(folder: Path, year: int) -> str:
    """sha256 of everything ``criteria_set_for_year(folder, year)`` reads."""
    described = [
        FORMAT.decode().strip(),
        code_version(),
        str(folder),
        year,
        folder_description(folder),
    ]
    return hashlib.sha256(
        json.dumps(described, ensure_ascii=False).encode()
    ).hexdigest()


def _path(outputs: Path, key: str) -> Path:
    return outputs / CACHE_FOLDER / FOLDER / f"{key}.pickle"


NOT_IN_FORCE = "no set in force"
"""Kept for a year no workbook of the folder applies to (``criteria_set_for_year``
raised ``NoCriteriaSet``): the year before a unit's first set, asked every
night for its comparison (``pipeline.previous_year``)."""


def load(outputs: Path, key: str) -> CriteriaSet | None:
    """The set kept under ``key``, or None."""
    found = load_any(outputs, key)
    return found if isinstance(found, CriteriaSet) else None


def load_any(outputs: Path, key: str) -> CriteriaSet | str | None:
    """The set kept under ``key``, ``NOT_IN_FORCE`` kept for it, or None."""
    payload = unsealed(FORMAT, _path(outputs, key))
    if payload is None:
        return None
    try:
        found_key, value = pickle.loads(payload)  # noqa: S301 - written by store
    except Exception:  # noqa: BLE001 - an entry that cannot be read is rebuilt
        return None
    if found_key != key or not (
        isinstance(value, CriteriaSet) or value == NOT_IN_FORCE
    ):
        return None
    return value  # type: ignore[no-any-return]


def store_not_in_force(outputs: Path, key: str) -> None:
    """Keep under ``key`` that no set of the folder applies to its year."""
    store_pickled(_path(outputs, key), FORMAT, (key, NOT_IN_FORCE))


def store(outputs: Path, key: str, value: CriteriaSet) -> None:
    """Keep ``value`` under ``key``, atomically; a failure to write is not an
    error (the next night reads the folder again). Its digest and folded names
    (``CriteriaSet.digest``, ``codes_by_name``, ``department_words``) are worked
    out first and kept with it: the nights it is served work out none of them."""
    value.digest  # noqa: B018 - worked out, to be kept (cached_property)
    value.codes_by_name  # noqa: B018
    value.department_words  # noqa: B018
    store_pickled(_path(outputs, key), FORMAT, (key, value))

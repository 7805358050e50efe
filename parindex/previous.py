"""The previous year's consolidation, kept between nights.

Every run compares its year with the previous one, consolidated from that year's
own drop folder. That folder rarely changes once its year is over, so its
consolidated result (``PreviousYear``: its ``YearResult``, or None when it has
nothing to consolidate, and the warnings about forms of the run's year lying in
it) is kept in ``<outputs>/.parindex-cache/previous/``, under the sha256 of what it is
a function of: parindex's code and the readers' and writers' versions, the year,
every file of ``criteria/`` and each entry of the year's drop folder (name, size,
modification time, status, content), taken as ``parindex.night.fingerprint``
takes a night's. Any change to these gives another key, so a stale result is
never served; an entry that does not hold its own checksum and key (truncated,
corrupted, another key's) is ignored and rebuilt. Deleting the folder only costs
the next run the previous year's consolidation. The folder is written by
parindex alone (the outputs folder is trusted, the drop folder is not: nothing
read from submissions is unpickled without being written here first).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex.consolidate import YearResult
from parindex.criteria import CriteriaSet
from parindex.ingest.cache import (
    CACHE_FOLDER,
    store_pickled,
    unsealed,
)
from parindex.night import year_description

FOLDER = "previous"
FORMAT = b"parindex-previous-year 2\n"
MISSING = object()
"""What ``load`` gives when nothing usable is stored."""


@dataclass(frozen=True)
class PreviousYear:
    """The previous year's consolidation (None: nothing to consolidate) and the
    problems the run of the year after it reports about that folder (forms
    stating the run's year: ``pipeline.forms_of_year_elsewhere``)."""

    result: YearResult | None
    problems: pl.DataFrame
    criteria_set: CriteriaSet | None = None
    """Without a folder to consolidate: the set in force that year (its
    published figures are out of it, its nodes named so); None otherwise."""


def previous_key(inputs: Path, year: int, now: float) -> str:
    """sha256 of everything the consolidation of ``year`` from ``inputs`` reads."""
    described = year_description(inputs, year, now, 0.0)
    return hashlib.sha256(
        json.dumps(described, ensure_ascii=False).encode()
    ).hexdigest()


def _path(outputs: Path, key: str) -> Path:
    return outputs / CACHE_FOLDER / FOLDER / f"{key}.pickle"


def load(outputs: Path, key: str) -> PreviousYear | Any:
    """The result stored under ``key``, or ``MISSING``."""
    payload = unsealed(FORMAT, _path(outputs, key))
    if payload is None:
        return MISSING
    try:
        found_key, value = pickle.loads(payload)  # noqa: S301 - written by store
    except Exception:  # noqa: BLE001 - an entry that cannot be read is rebuilt
        return MISSING
    if found_key != key or not isinstance(value, PreviousYear):
        return MISSING
    return value


def store(outputs: Path, key: str, value: PreviousYear) -> None:
    """Keep ``value`` under ``key``, atomically; a failure to write is not an
    error (the next run consolidates the year again)."""
    store_pickled(_path(outputs, key), FORMAT, (key, value))

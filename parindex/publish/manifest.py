"""The run manifest and the render key.

A run's manifest (``outputs/<year>/runs/<UTC>-<pid>.json``) says what it read and
wrote, with versions: enough to reproduce its outputs. The render key is what every
output of a year is a function of: equal keys mean equal outputs, so a night with
nothing new renders nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from parindex.analysis import AnalysedResult
from parindex.consolidate import Result
from parindex.criteria import CRITERIA_FOLDER, DIGEST_LOCK
from parindex.department_view import update_digest
from parindex.history import history_file
from parindex.ingest.collect import Ingested
from parindex.ingest.discover import file_sha256
from parindex.numbers import round2
from parindex.problems import error_count
from parindex.render.jsontext import indented_json
from parindex.settings import SETTINGS_FILE
from parindex.timefmt import local_iso

MANIFEST_PACKAGES = (
    "parindex",
    "polars",
    "pandera",
    "python-calamine",
    "xlsxwriter",
    "openpyxl",
    "python-docx",
    "prefect",
)
PACKAGE_DIR = Path(__file__).resolve().parent.parent
RUNS_FOLDER = "runs"


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's content, None when it is not a file."""
    return file_sha256(path) if path.is_file() else None


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object read from ``path``; None when missing, unreadable or not an
    object."""
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def versions() -> dict[str, str]:
    """The installed versions of parindex and the libraries that write the files."""
    found = {}
    for package in MANIFEST_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


@functools.cache
def code_digest() -> str:
    """sha256 of parindex's own source: a new version renders again."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(str(source.relative_to(PACKAGE_DIR)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def render_key(
    result: Result, created: dt.datetime, department_created: dict[str, dt.datetime]
) -> str:
    """What every output of a year is a function of: the consolidated result, the
    creation dates, parindex's code and the versions of the libraries that write
    the files. The renderers are pure (the same result and dates give the same
    bytes: golden tests), so equal keys mean equal outputs.

    Of an analysed result, the consolidated fields and the unit's settings are
    digested, not the analysis: ``parindex.analysis.analyse`` is a pure function
    of those two, and digesting its per-department slices cost seconds at 1000
    departments."""
    digest = hashlib.sha256()
    stamps = {code: moment.isoformat() for code, moment in department_created.items()}
    digest.update(
        json.dumps(
            [code_digest(), versions(), created.isoformat(), stamps], sort_keys=True
        ).encode()
    )
    # by value: the same result read through the parse cache is laid out otherwise
    with DIGEST_LOCK:  # one frame digest at a time (see parindex.criteria)
        update_digest(digest, _analysed_from(result))
    return digest.hexdigest()


def _analysed_from(result: Result) -> dict[str, object]:
    """What an analysed result is a function of: its consolidated fields and, for
    an :class:`AnalysedResult`, the unit's settings."""
    made_of: dict[str, object] = {
        item.name: getattr(result, item.name) for item in dataclasses.fields(Result)
    }
    if isinstance(result, AnalysedResult):
        made_of["unit"] = result.unit
    return made_of


def last_run(folder: Path) -> dict[str, Any] | None:
    """The manifest of the newest earlier run of the year that published its
    outputs (records of failed runs, which list none, are passed over)."""
    for path in sorted((folder / RUNS_FOLDER).glob("*.json"), reverse=True):
        document = read_json(path)
        if document is not None and document.get("outputs"):
            return document
    return None


def unchanged_since(last: dict[str, Any] | None, key: str, targets: list[Path]) -> bool:
    """Whether the last run rendered from the same key and every output it wrote is
    still there, as it wrote it (nobody edited or deleted one since)."""
    if last is None or last.get("render_key") != key:
        return False
    recorded = {o.get("file"): o.get("sha256") for o in last.get("outputs", [])}
    return all(
        recorded.get(str(target)) is not None
        and recorded[str(target)] == file_digest(target)
        for target in targets
    )


def manifest_path(folder: Path, run_at: float) -> Path:
    """Where the manifest of a run started at ``run_at`` goes:
    ``<folder>/runs/<UTC start>-<pid>.json`` (the process id keeps two runs started
    in the same microsecond apart; the time is ``record_stamp``'s)."""
    runs = folder / RUNS_FOLDER
    return runs / f"{record_stamp(runs, run_at)}-{os.getpid()}.json"


STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_STAMPED = re.compile(r"(?:province-)?(\d{8}T\d{12}Z)-\d+\.json")


def record_stamp(runs: Path, run_at: float) -> str:
    """The UTC time naming a new record in ``runs``: ``run_at``'s, or, when a
    record there is named as late or later (the machine's clock was set back
    since it was written), one microsecond after the latest. The records are
    read in the order of their names (the last complete run, the last run's
    outputs), so they sort in the order they were written whatever the clock
    says; each keeps its own time inside (``run_at``)."""
    stamp = dt.datetime.fromtimestamp(run_at, tz=dt.UTC).strftime(STAMP_FORMAT)
    try:
        names = os.listdir(runs)
    except OSError:  # not there yet
        return stamp
    latest = max(
        (found.group(1) for name in names if (found := _STAMPED.fullmatch(name))),
        default=None,
    )
    if latest is None or latest < stamp:
        return stamp
    after = dt.datetime.strptime(latest, STAMP_FORMAT) + dt.timedelta(microseconds=1)
    return after.strftime(STAMP_FORMAT)


def manifest_bytes(document: dict[str, Any]) -> bytes:
    """A manifest as written to disk: indented UTF-8 JSON."""
    return (indented_json(document) + "\n").encode()


def run_manifest(
    result: Result,
    ingested: Ingested,
    inputs: Path,
    written: dict[Path, bool],
    *,
    changes: list[str],
    run_at: float,
    key: str | None = None,
    contents_at: dict[Path, Path] | None = None,
    digests: Mapping[Path, str | None] | None = None,
) -> dict[str, Any]:
    """What a run read and wrote, with versions: enough to reproduce its outputs.

    ``contents_at`` names, for outputs not yet in place, the staged file holding
    the content they will have; ``digests`` the digests of outputs this run
    hashed already (``departments_to_render``), not hashed again."""
    staged = contents_at or {}
    known = digests or {}
    criteria_path = inputs / CRITERIA_FOLDER / result.current.criteria_set.source
    history, _ = history_file(inputs)
    errors = error_count(result.problems)
    return {
        "run_at": local_iso(run_at),
        "year": result.year,
        "versions": versions(),
        "criteria_set": {
            "name": result.current.criteria_set.name,
            "file": str(criteria_path.relative_to(inputs)),
            "sha256": file_digest(criteria_path),
        },
        "history": {
            "file": history.name,
            "sha256": file_digest(history),
        },
        # the report's header block: what was read of don-vi.toml (None: none)
        "unit_settings": {
            "file": SETTINGS_FILE,
            "sha256": file_digest(inputs / SETTINGS_FILE),
        },
        "inputs": ingested.submissions.select(
            "file", "sha256", "size", "modified", "department", "status"
        ).to_dicts(),
        "figures": {
            "status": result.current.status,
            "total": round2(result.current.total),
            "groups": {k: round2(v) for k, v in result.current.groups.items()},
        },
        "problems": {"errors": errors, "warnings": result.problems.height - errors},
        "outputs": [
            {
                "file": str(path),
                "sha256": known[path]
                if path in known and path not in staged
                else file_digest(staged.get(path, path)),
                "changed": changed,
            }
            for path, changed in written.items()
        ],
        "changes": changes,
        "render_key": key,
    }

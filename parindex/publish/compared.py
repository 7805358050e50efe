"""What a night compares with: the part of the last complete set's summary that
``parindex.changes.describe_changes`` reads, kept beside the summary.

``describe_changes`` reads a summary's year, total and each submission's file,
digest, status and department; at 1000 departments the whole summary is 7.5 MB of
JSON, read (0.15 s) and, while a set is moved, written again into the journal
(0.09 s) on every night that publishes. The part is kept in the outputs' cache
(``compared_path``) with the sha256 of the summary's bytes it was taken from, and
served only while the summary on disk has exactly those bytes: a summary
written by another version is read whole, as before; one changed by hand since
the last run recorded it is not compared with (``compared_with``). The store is
safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from parindex.ingest.cache import CACHE_FOLDER, code_version, store_pickled, unsealed
from parindex.publish.manifest import file_digest, read_json

COMPARED_FORMAT = b"parindex-compared-summary 1\n"
COMPARED_FOLDER = "compared"
SUBMISSION_KEYS = ("file", "sha256", "department", "status", "modified")
"""What ``describe_changes`` reads of each submission of a summary."""


FIGURE_KEYS = ("groups", "rank", "components", "criteria", "reconciliation")
"""The parts of a summary whose figures can change without a file of the year
changing (last year's folder, the published results, the criteria set): kept as
one digest (``figures``)."""


def figures_digest(summary: Mapping[str, Any]) -> str:
    """sha256 of the summary's ``FIGURE_KEYS``, as canonical JSON."""
    figures = {key: summary.get(key) for key in FIGURE_KEYS}
    text = json.dumps(figures, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def problems_part(problems: list[Any]) -> dict[str, Any]:
    """How many errors and warnings a summary's problems hold, and the sha256 of
    them all (canonical JSON)."""
    severities = [
        p.get("severity") if isinstance(p, Mapping) else None for p in problems
    ]
    text = json.dumps(problems, ensure_ascii=False, sort_keys=True, default=str)
    return {
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def comparison_digest(criteria: pl.DataFrame, components: pl.DataFrame) -> str:
    """sha256 of what each criterion and component is compared with (last
    year's figures, ``previous``): the summary holds no criterion's, and they
    move when last year's folder does, its total staying (an incomplete year
    whose total is the published one)."""
    figures = [
        criteria.select("code", "previous").rows(),
        components.select("code", "previous").rows(),
    ]
    text = json.dumps(figures, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def published_part(summary: Mapping[str, Any], file: str) -> dict[str, Any]:
    """The year's published results a summary sets beside its figures (read from
    ``file``, the history): its total and rank, and the digest of every figure
    published (``changes`` says which moved)."""
    rows = summary.get("reconciliation") or []
    figures = [(r.get("figure"), r.get("published")) for r in rows]
    text = json.dumps(figures, ensure_ascii=False, default=str)
    return {
        "file": file,
        "total": next((p for f, p in figures if f == "total"), None),
        "rank": summary.get("rank"),
        "figures": hashlib.sha256(text.encode()).hexdigest(),
    }


def settings_part(settings: Any, file: str) -> dict[str, Any]:
    """The unit's settings the report was written with (``file``:
    ``don-vi.toml``), as a digest: a comment edited in the file moves nothing."""
    text = repr(settings)
    return {"file": file, "sha256": hashlib.sha256(text.encode()).hexdigest()}


def compared_part(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``summary`` that ``describe_changes`` reads: its year, total
    (and its headline's ``computed_total``, None when nothing is scored; how
    many criteria are not scored, ``unscored``), last
    year's figures (``previous``), criteria set and the digest of its other
    figures (``figures_digest``), each component's, criterion's and
    department's code and name and, of each submission, ``SUBMISSION_KEYS``. A
    key a summary lacks stays missing, and a submission that is not an object is
    kept as it is (``describe_changes`` reads the part as it would the whole)."""
    part = {
        key: summary[key]
        for key in ("year", "total", "previous", "criteria_set")
        if key in summary
    }
    headline = summary.get("headline")
    if isinstance(headline, Mapping) and "computed_total" in headline:
        part["computed_total"] = headline["computed_total"]  # None: nothing scored
    if isinstance(headline, Mapping) and isinstance(headline.get("text"), str):
        part["comparison_text"] = headline["text"]  # with its comparison with last year
    if isinstance(summary.get("missing"), list):  # criteria counted 0
        part["unscored"] = len(summary["missing"])
    if all(key in summary for key in FIGURE_KEYS):
        part["figures"] = figures_digest(summary)
    if isinstance(summary.get("problems"), list):
        part["problems"] = problems_part(summary["problems"])
    names = _code_names(summary, "components") + _code_names(summary, "criteria")
    if names:  # the set's components and criteria, with their names
        part["criteria_names"] = names
    if isinstance(summary.get("departments"), list):  # the set's, with names
        part["departments"] = _code_names(summary, "departments")
    if "submissions" in summary:
        submissions = summary["submissions"]
        part["submissions"] = (
            [
                {k: s[k] for k in SUBMISSION_KEYS if k in s}
                if isinstance(s, Mapping)
                else s
                for s in submissions
            ]
            if isinstance(submissions, list)
            else submissions
        )
    return part


def _code_names(summary: Mapping[str, Any], key: str) -> list[list[Any]]:
    """``[code, name]`` of each entry of the summary's ``key`` list (none when it
    is not a list)."""
    listed = summary.get(key)
    if not isinstance(listed, list):
        return []
    return [[e.get("code"), e.get("name")] for e in listed if isinstance(e, Mapping)]


def compared_path(outputs: Path, year: int) -> Path:
    """Where the part compared of ``year``'s summary is kept."""
    return outputs / CACHE_FOLDER / COMPARED_FOLDER / str(year)


def compared_with(
    outputs: Path, year: int, summary: Path, recorded: str | None
) -> tuple[dict[str, Any] | None, bool]:
    """What a night compares with, and whether the summary on disk is not the
    one the last run wrote (``recorded``: its sha256 in that run's record; None
    when no run recorded one). The summary on disk (hashed once) is compared
    with through the part kept for its bytes, else read whole (None when there
    is none, or it cannot be read as a JSON object). An edited or deleted
    summary is never compared with: the part kept from the last run's is, when
    it is that one's; else nothing is (None)."""
    on_disk = file_digest(summary)
    kept = _load(outputs, year)
    if recorded is None or on_disk == recorded:
        if kept is not None and kept[0] == on_disk:
            return kept[1], False
        found = read_json(summary)
        return (compared_part(found) if found is not None else None), False
    if kept is not None and kept[0] == recorded:
        return kept[1], True
    return None, True


def keep_compared(
    outputs: Path, year: int, sha256: str | None, part: dict[str, Any]
) -> None:
    """Keep ``part``, taken from the summary whose bytes have ``sha256``, for the
    next night (not rewritten when kept already; a failure to write is not an
    error: the next night reads the summary)."""
    if sha256 is None:
        return
    if _load(outputs, year) == (sha256, part):
        return
    store_pickled(
        compared_path(outputs, year),
        COMPARED_FORMAT,
        {"code": code_version(), "sha256": sha256, "part": part},
    )


def _load(outputs: Path, year: int) -> tuple[str, dict[str, Any]] | None:
    """The digest and part kept, when the store is intact and this code's."""
    payload = unsealed(COMPARED_FORMAT, compared_path(outputs, year))
    if payload is None:
        return None
    try:
        kept = pickle.loads(payload)  # noqa: S301 - written by keep_compared
    except Exception:  # noqa: BLE001 - a store that cannot be read is rebuilt
        return None
    if (
        not isinstance(kept, dict)
        or kept.get("code") != code_version()
        or not isinstance(kept.get("sha256"), str)
        or not isinstance(kept.get("part"), dict)
    ):
        return None
    return kept["sha256"], kept["part"]

"""The stages of a consolidation, as plain functions the Prefect flow wires together.

Each stage takes its inputs as arguments (folders, the clock) and returns data; only
``publish_outputs`` writes files. Nothing here imports Prefect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.consolidate import Result, YearResult, compare, consolidate_year
from parindex.criteria import CriteriaSet, criteria_set_for_year
from parindex.errors import NoYearFolder, ParindexError
from parindex.history import History, read_history
from parindex.ingest.collect import Ingested, ingest_year
from parindex.ingest.discover import year_folders
from parindex.problems import concat_problems, problems_frame
from parindex.publish import archive, outputs_lock, write_atomic, write_bytes_atomic
from parindex.render.department import render_department
from parindex.render.scorecard import render_scorecard
from parindex.render.summary import render_summary

CRITERIA_FOLDER = "criteria"
HISTORY_FILE = "history.xlsx"


@dataclass(frozen=True)
class Written:
    """The files a run wrote."""

    scorecard: Path
    summary: Path
    departments: list[Path]
    archived: list[Path]


def latest_year(inputs: Path) -> int:
    """The latest year that has a drop folder.

    Raises:
        NoYearFolder: ``inputs`` holds no year folder.
    """
    years = year_folders(inputs)
    if not years:
        raise NoYearFolder(messages.NO_YEAR_FOLDERS.format(folder=inputs))
    return years[-1]


def load_criteria(inputs: Path, year: int) -> CriteriaSet:
    """The criteria set in force in ``year`` (raises ``ParindexError`` subclasses)."""
    if not (inputs / str(year)).is_dir():
        raise NoYearFolder(
            messages.NO_YEAR_FOLDER.format(year=year, folder=inputs / str(year))
        )
    return criteria_set_for_year(inputs / CRITERIA_FOLDER, year)


def load_history(inputs: Path) -> tuple[History, pl.DataFrame]:
    """The published figures of earlier years and the problems reading them."""
    history, problems = read_history(inputs / HISTORY_FILE)
    return history, problems_frame(problems)


def consolidate_previous(inputs: Path, year: int, now: float) -> YearResult | None:
    """The previous year consolidated from its own submissions, when it has any.

    Its problems belong to that year's own run and are not repeated here.
    """
    previous = year - 1
    if not (inputs / str(previous)).is_dir():
        return None
    try:
        criteria_set = criteria_set_for_year(inputs / CRITERIA_FOLDER, previous)
        ingested = ingest_year(inputs, previous, criteria_set, now)
    except ParindexError:
        return None
    if ingested.rows.is_empty():
        return None
    return consolidate_year(criteria_set, ingested.rows, previous)[0]


def build_result(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
) -> Result:
    """Consolidate the year and compare it with the previous one."""
    current, conflicts = consolidate_year(criteria_set, ingested.rows, ingested.year)
    problems = concat_problems([ingested.problems, conflicts, history_problems])
    return compare(current, previous, history, ingested.submissions, problems)


def creation_time(ingested: Ingested) -> dt.datetime:
    """The workbooks' creation date: the newest input's modification time, so the
    same inputs give byte-identical outputs."""
    mtimes = [path.stat().st_mtime for path in ingested.paths.values() if path.exists()]
    moment = max(mtimes) if mtimes else 0.0
    return dt.datetime.fromtimestamp(int(moment), tz=dt.UTC).replace(tzinfo=None)


def publish_outputs(
    result: Result, ingested: Ingested, outputs: Path, created: dt.datetime
) -> Written:
    """Write the scorecard, the summary and one workbook per department, and archive
    every submission read, under the outputs lock."""
    year = result.year
    folder = outputs / str(year)
    with outputs_lock(outputs):
        archived = [
            archive(
                ingested.paths[row["file"]],
                outputs / "archive" / str(year),
                row["sha256"],
            )
            for row in ingested.submissions.iter_rows(named=True)
            if row["sha256"] is not None
        ]
        scorecard = folder / f"scorecard-{year}.xlsx"
        write_atomic(scorecard, lambda path: render_scorecard(result, path, created))
        summary = folder / f"summary-{year}.json"
        write_bytes_atomic(summary, render_summary(result))
        departments = []
        for code in result.current.departments["code"].to_list():
            target = folder / "departments" / f"{code}-{year}.xlsx"
            write_atomic(
                target,
                lambda path, code=code: render_department(result, code, path, created),
            )
            departments.append(target)
    return Written(scorecard, summary, departments, archived)

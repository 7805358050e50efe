"""``parindex check``: a department's files checked as the nightly run would."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.criteria import (
    CRITERIA_FOLDER,
    CriteriaSet,
    available_criteria_sets,
    read_criteria_set,
)
from parindex.errors import NoCriteriaSet
from parindex.ingest.discover import ATTACHMENT_SUFFIXES, DroppedFile
from parindex.ingest.normalise import normalise_rows
from parindex.ingest.read import load_submission, stated_year
from parindex.ingest.safety import read_capped
from parindex.ingest.validate import validate_rows
from parindex.ingest.winners import disagreement_problem
from parindex.problems import concat_problems, problem, problems_frame

NO_SUCH_FILE = "Không có tệp này."


def _year_of(path: Path, latest: int) -> int:
    """The file's year folder, else its ``Năm`` line, else ``latest``."""
    if re.fullmatch(r"\d{4}", path.parent.name):
        return int(path.parent.name)
    try:
        return stated_year(read_capped(path)) or latest
    except OSError:
        return latest


def check_files(files: list[Path], inputs: Path) -> pl.DataFrame:
    """The problems the nightly run would report for ``files``.

    The year is the file's folder when it is a year folder, else its ``Năm`` line,
    else the latest year of the available criteria sets. Files are read with the
    same safety checks as the nightly run.

    Raises:
        NoCriteriaSet / UnusableCriteria: no usable criteria set for that year.
    """
    folder = inputs / CRITERIA_FOLDER
    available = available_criteria_sets(folder)
    if not available:
        raise NoCriteriaSet(messages.NO_CRITERIA_FOLDER.format(folder=folder))
    frames = []
    criteria_sets: dict[Path, CriteriaSet] = {}
    for path in files:
        if not path.is_file():
            frames.append(
                problems_frame([problem("error", NO_SUCH_FILE, file=str(path))])
            )
            continue
        year = _year_of(path, available[-1][0])
        usable = [p for first, p in available if first <= year]
        if not usable:
            years = ", ".join(str(first) for first, _ in available)
            raise NoCriteriaSet(
                messages.NO_CRITERIA_FOR_YEAR.format(
                    year=year, folder=folder, years=years
                )
            )
        if usable[-1] not in criteria_sets:  # read each workbook once per check
            criteria_sets[usable[-1]] = read_criteria_set(usable[-1])
        criteria_set = criteria_sets[usable[-1]]
        stat = path.stat()
        if path.suffix.lower() in ATTACHMENT_SUFFIXES:  # a letter, a scan
            note = problem("warning", messages.FILE_ATTACHMENT, file=str(path))
            frames.append(problems_frame([note]))
            continue
        dropped = DroppedFile(path, str(path), stat.st_size, stat.st_mtime, "candidate")
        read = load_submission(dropped, criteria_set, year)
        if read.rejection is not None:
            frames.append(problems_frame([read.rejection]))
            continue
        parent = path.parent.name
        hint = "" if re.fullmatch(r"\d{4}", parent) else parent  # "": none
        disagrees = disagreement_problem(read, criteria_set, hint)
        if disagrees is not None:
            frames.append(problems_frame([disagrees]))
        assert read.table is not None
        rows = normalise_rows(read.table, dropped.name, read.department)
        frames += [problems_frame(read.problems), validate_rows(rows, criteria_set)[1]]
    return concat_problems(frames)

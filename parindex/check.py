"""``parindex check``: a department's files checked as the nightly run would."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.criteria import available_criteria_sets, read_criteria_set
from parindex.errors import NoCriteriaSet
from parindex.ingest.discover import DroppedFile, sha256
from parindex.ingest.normalise import normalise_rows
from parindex.ingest.read import SUBMISSION_COLUMNS, SUBMISSION_LABELS, read_submission
from parindex.ingest.validate import validate_rows
from parindex.pipeline import CRITERIA_FOLDER
from parindex.problems import concat_problems, problem, problems_frame
from parindex.text import parse_number
from parindex.workbook import UnreadableWorkbook, find_table, iter_sheets, open_workbook

NO_SUCH_FILE = "Không có tệp này."


def _stated_year(content: bytes) -> int | None:
    try:
        table = find_table(
            iter_sheets(open_workbook(content)),
            SUBMISSION_COLUMNS,
            "code",
            SUBMISSION_LABELS,
        )
    except UnreadableWorkbook:
        return None
    if table is None or "year" not in table.metadata:
        return None
    number = parse_number(table.metadata["year"][0])
    return int(number) if number is not None and number.is_integer() else None


def check_files(files: list[Path], inputs: Path) -> pl.DataFrame:
    """The problems the nightly run would report for ``files``.

    The year is the file's folder when it is a year folder, else its ``Năm`` line,
    else the latest year of the available criteria sets.

    Raises:
        NoCriteriaSet / UnusableCriteria: no usable criteria set for that year.
    """
    folder = inputs / CRITERIA_FOLDER
    available = available_criteria_sets(folder)
    if not available:
        raise NoCriteriaSet(messages.NO_CRITERIA_FOLDER.format(folder=folder))
    frames = []
    for path in files:
        if not path.is_file():
            frames.append(
                problems_frame([problem("error", NO_SUCH_FILE, file=str(path))])
            )
            continue
        content = path.read_bytes()
        if re.fullmatch(r"\d{4}", path.parent.name):
            year = int(path.parent.name)
        else:
            year = _stated_year(content) or available[-1][0]
        usable = [p for first, p in available if first <= year]
        if not usable:
            raise NoCriteriaSet(
                messages.NO_CRITERIA_FOR_YEAR.format(
                    year=year,
                    folder=folder,
                    years=", ".join(str(y) for y, _ in available),
                )
            )
        criteria_set = read_criteria_set(usable[-1])
        stat = path.stat()
        dropped = DroppedFile(path, str(path), stat.st_size, stat.st_mtime, "candidate")
        read = read_submission(dropped, content, sha256(content), criteria_set, year)
        if read.rejection is not None:
            frames.append(problems_frame([read.rejection]))
            continue
        assert read.table is not None
        rows = normalise_rows(read.table, dropped.name, read.department)
        frames += [problems_frame(read.problems), validate_rows(rows, criteria_set)[1]]
    return concat_problems(frames)

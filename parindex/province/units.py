"""One unit of a province, consolidated with the unit pipeline's own stages.

Nothing here is a second pipeline: the unit's drop folder is ingested, consolidated
and compared by the same functions ``parindex run`` uses on a unit's own folder
(``ingest_year``, ``consolidate_year``, ``build_result``); only the criteria set
comes from the province (the unit's group), unless the unit folder has its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from parindex import messages
from parindex.analysis import AnalysedResult
from parindex.consolidate import YearResult
from parindex.criteria import CriteriaSet
from parindex.errors import ParindexError
from parindex.ingest.collect import Ingested, ingest_year
from parindex.pipeline import (
    build_result,
    load_history,
    load_unit,
    previous_from,
)
from parindex.previous import PreviousYear
from parindex.problems import concat_problems, problem, problems_frame
from parindex.province.folder import Unit, unit_folder_error

NO_FIGURES = ("missing", "unusable")
"""The standings of a unit with no file in use: not ranked, no figures."""


@dataclass(frozen=True)
class UnitRun:
    """What consolidating one unit gave: its result and what it read, or, when it
    could not be consolidated, why (``note``; ``failed`` when that is an error,
    not merely nothing submitted). ``status`` is the unit's standing
    in the province: ``final``/``provisional``; ``unusable`` when it sent files
    for the year and none of them could be used (each set aside with an error;
    none waiting for the next run); ``missing`` when it sent none (or its only
    files wait)."""

    unit: Unit
    year: int
    result: AnalysedResult | None
    ingested: Ingested | None
    note: str | None = None
    failed: bool = False
    last_year: YearResult | None = None
    """The previous year consolidated from the unit's own folder when it has no
    result this year (no drop folder yet): it still counts in last year's
    ranking, and its previous total is shown."""
    last_published: float | None = None
    """With no result this year, the previous year's total published in the
    unit's ``history.xlsx`` (it counts in last year's ranking when its folder
    gives no complete year)."""

    @property
    def submitted(self) -> bool:
        """Whether at least one file of the year is in use."""
        if self.ingested is None:
            return False
        used = self.ingested.submissions.filter(pl.col("status") == "used")
        return used.height > 0

    @property
    def unusable(self) -> bool:
        """Whether it sent files for the year, none in use, at least one set
        aside with an error, and none waiting for the next run."""
        if self.ingested is None or self.submitted:
            return False
        found = self.ingested.submissions["status"]
        return bool((found == "rejected").any()) and not (found == "pending").any()

    @property
    def status(self) -> str:
        if self.result is None or not self.submitted:
            return "unusable" if self.unusable else "missing"
        return self.result.current.status

    @property
    def has_figures(self) -> bool:
        """Whether it is ranked: it has a result from files in use."""
        return self.status not in NO_FIGURES


def _previous(
    unit: Unit, year: int, criteria_set: CriteriaSet | None, now: float
) -> PreviousYear:
    """The previous year from the unit's own drop folder (as
    ``pipeline.previous_year``, with the set the province chose)."""
    if criteria_set is None:
        return PreviousYear(None, problems_frame([]))
    if not (unit.folder / str(year - 1)).is_dir():  # its published figures' set
        return PreviousYear(None, problems_frame([]), criteria_set)
    try:
        ingested = ingest_year(unit.folder, year - 1, criteria_set, now)
    except ParindexError as error:  # this year's figures go on, and say so
        said = messages.PREVIOUS_YEAR_NOT_CONSOLIDATED.format(
            year=year - 1, reason=str(error)
        )
        return PreviousYear(None, problems_frame([problem("warning", said)]))
    return previous_from(ingested, criteria_set, year)


def consolidate_unit(
    unit: Unit,
    year: int,
    criteria_set: CriteriaSet | None,
    previous_criteria: CriteriaSet | None,
    now: float,
    *,
    settle_seconds: float = 0.0,
    criteria_error: str | None = None,
) -> UnitRun:
    """Consolidate ``unit``'s year as a unit run on its own folder would.

    Args:
        unit: the unit (its folder holds ``<year>/``, maybe ``history.xlsx``).
        year: the assessment year.
        criteria_set: the set the unit uses that year (None: ``criteria_error``
            says why there is none).
        previous_criteria: the set of the year before, for the comparison.
        now: the current time, for files still being written.
        settle_seconds: files modified more recently than this wait for later.
    """
    unreadable = unit_folder_error(unit)  # since the plan was made, too
    if criteria_set is None or unreadable is not None:
        reason = unreadable or criteria_error or ""
        note = messages.PROVINCE_UNIT_FAILED.format(reason=reason)
        return UnitRun(unit, year, None, None, note, failed=True)
    folder = unit.folder / str(year)
    if not folder.is_dir():
        previous = _previous(unit, year, previous_criteria, now)
        history, history_problems = load_history(unit.folder)
        published = history.result(year - 1)
        note = messages.PROVINCE_NO_FOLDER.format(year=year, folder=folder)
        said = _said(concat_problems([history_problems, previous.problems]))
        last = previous.result
        if (unit.folder / str(year - 1)).is_dir() and (
            last is None or not last.complete
        ):  # its folder gives no total of last year: the figure shown is not it
            incomplete = (
                messages.PROVINCE_LAST_YEAR_FOLDER_UNUSED.format(year=year - 1)
                if last is None or not last.scored
                else messages.PROVINCE_LAST_YEAR_FOLDER_INCOMPLETE.format(
                    year=year - 1, scored=last.coverage[0], leaves=last.coverage[1]
                )
            )
            said = f"{said} {incomplete}".strip()
        if said:  # no run of its own says them: what last year's figures rest on
            note += " " + messages.PROVINCE_LAST_YEAR_SAID.format(
                year=year - 1, said=said
            )
        return UnitRun(
            unit,
            year,
            None,
            None,
            note,
            last_year=previous.result,
            last_published=(
                float(published["total"])
                if published is not None and published["total"] is not None
                else None
            ),
        )
    try:
        history, history_problems = load_history(unit.folder)
        ingested = ingest_year(unit.folder, year, criteria_set, now, settle_seconds)
    except ParindexError as error:
        note = messages.PROVINCE_UNIT_FAILED.format(reason=error)
        return UnitRun(unit, year, None, None, note, failed=True)
    previous = _previous(unit, year, previous_criteria, now)
    settings, settings_problems = load_unit(unit.folder)  # its own don-vi.toml
    result = build_result(
        criteria_set,
        ingested,
        previous.result,
        history,
        concat_problems([history_problems, settings_problems, previous.problems]),
        unit=settings,
        previous_set=previous.criteria_set,
    )
    run = UnitRun(unit, year, result, ingested)
    if not run.submitted:
        return UnitRun(unit, year, result, ingested, _nothing_used(run))
    return run


def _said(problems: pl.DataFrame) -> str:
    """Each problem's message, led by its file (and sheet, cell) when the
    message does not name the file, joined by spaces."""
    said = []
    for row in problems.iter_rows(named=True):
        file, message = row["file"], row["message"]
        if file and file not in message:
            where = ", ".join(
                part
                for part in (
                    f"“{file}”",
                    row["sheet"] and f"sheet “{row['sheet']}”",
                    row["cell"] and f"ô {row['cell']}",
                )
                if part
            )
            message = f"{where}: {message}"
        said.append(message)
    return " ".join(said)


def _nothing_used(run: UnitRun) -> str:
    """Why a unit with a drop folder has no file in use: its files wait for the
    next run, they were all set aside (each named with its reason), or it sent
    none."""
    assert run.ingested is not None
    submissions = run.ingested.submissions
    waiting = submissions.filter(pl.col("status") == "pending")["file"]
    rejected = _listed(submissions.filter(pl.col("status") == "rejected"))
    if waiting.len():
        note = messages.PROVINCE_NOTHING_USED_PENDING.format(
            year=run.year, files=", ".join(f"“{f}”" for f in waiting.to_list())
        )
        if rejected:  # said too: a file to mend, whatever the waiting one holds
            note += " " + messages.PROVINCE_ALSO_UNUSABLE.format(files=rejected)
        return note
    if run.unusable:
        return messages.PROVINCE_NOTHING_USABLE.format(year=run.year, files=rejected)
    note = messages.PROVINCE_NOTHING_USED.format(year=run.year)
    others = _listed(submissions)  # attachments, files passed over: what it sent
    if not others:
        return note
    return f"{note} {messages.PROVINCE_ONLY_OTHER_FILES.format(files=others)}"


def _listed(submissions: pl.DataFrame) -> str:
    """Each file, quoted, with why it was not used: ``“2023/a.pdf” (Tài liệu
    kèm theo …)``, joined by ``; ``."""
    return "; ".join(
        f"“{row['file']}” ({row['note']})" if row["note"] else f"“{row['file']}”"
        for row in submissions.iter_rows(named=True)
    )

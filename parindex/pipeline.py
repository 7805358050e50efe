"""The stages of a consolidation, as plain functions the Prefect flow wires together.

Each stage takes its inputs as arguments (folders, the clock) and returns data; only
publishing (``parindex.publish.outputs.publish_outputs``, re-exported here for the
flow) writes files. Nothing here imports Prefect.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from parindex import kept_criteria, messages
from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import (
    YearResult,
    compare,
    consolidate_year,
    shared_said,
)
from parindex.criteria import (
    CRITERIA_FOLDER,
    CriteriaSet,
    available_criteria_sets,
    criteria_set_for_year,
    read_criteria_set,
    self_named,
    workbook_in_force,
)
from parindex.errors import (
    InputsFolderMissing,
    NoCriteriaSet,
    NoYearFolder,
    ParindexError,
)
from parindex.history import HISTORY_FILE, History, history_file, read_history
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import Ingested, ingest_year
from parindex.ingest.discover import current_year, no_year_folder
from parindex.ingest.safety import OfficeWorkbook
from parindex.kept_criteria import KeptFolder, criteria_key
from parindex.previous import MISSING, PreviousYear, previous_key
from parindex.previous import load as load_previous
from parindex.previous import store as store_previous
from parindex.problems import concat_problems, problem, problems_frame
from parindex.publish.outputs import Written, publish_outputs
from parindex.settings import SETTINGS_FILE, UnitSettings, read_unit_settings

__all__ = [
    "HISTORY_FILE",
    "Written",
    "build_result",
    "consolidate_previous",
    "forms_of_year_elsewhere",
    "previous_from",
    "previous_year",
    "ingest_year",
    "latest_year",
    "load_criteria",
    "load_history",
    "publish_outputs",
]


def latest_year(inputs: Path) -> int:
    """The year a run given none consolidates: the latest whose drop folder
    holds a file, else the latest drop folder (``discover.current_year``).

    Raises:
        InputsFolderMissing: ``inputs`` itself is not there (a share not mounted:
            said so, not "no year folder").
        NoYearFolder: ``inputs`` holds no year folder.
    """
    if not inputs.is_dir():
        raise InputsFolderMissing(messages.INPUTS_FOLDER_MISSING.format(folder=inputs))
    year = current_year(inputs)
    if year is None:
        raise NoYearFolder(messages.NO_YEAR_FOLDERS.format(folder=inputs))
    return year


def load_criteria(inputs: Path, year: int, outputs: Path | None = None) -> CriteriaSet:
    """The criteria set in force in ``year`` (raises ``ParindexError`` subclasses).

    With ``outputs``, the set is kept there between nights
    (``parindex.kept_criteria``: served again while the criteria folder, the
    year and parindex are unchanged)."""
    if not (inputs / str(year)).is_dir():
        raise no_year_folder(inputs / str(year), year)
    return self_named(_kept_set_for_year(inputs, year, outputs), inputs)


def _kept_set_for_year(inputs: Path, year: int, outputs: Path | None) -> CriteriaSet:
    """``criteria_set_for_year`` of the inputs' criteria folder; with
    ``outputs``, what was read of the folder is kept there between nights
    (``parindex.kept_criteria``): the first years of its workbooks, and each set
    parsed, so that the year before, most often under the same workbook, is
    served from this year's read."""
    folder = inputs / CRITERIA_FOLDER
    if outputs is None or not folder.is_dir():  # no folder: said as it says it
        return criteria_set_for_year(folder, year)
    key = criteria_key(folder)
    kept = kept_criteria.load(outputs, key)
    if kept is None:
        read: dict[Path, OfficeWorkbook] = {}  # every workbook is read once
        kept = KeptFolder(available_criteria_sets(folder, keep=read), {})
        try:
            chosen = workbook_in_force(kept.candidates, year, folder)
        except NoCriteriaSet:  # kept: the year before a unit's first set, asked
            _keep_folder(outputs, folder, key, kept)  # every night (to compare)
            raise
        criteria_set = read_criteria_set(chosen, workbook=read[chosen])
    else:
        chosen = workbook_in_force(kept.candidates, year, folder)
        found = kept.sets.get(chosen)
        if found is not None:
            return found
        criteria_set = read_criteria_set(chosen)
    _keep_folder(
        outputs,
        folder,
        key,
        KeptFolder(kept.candidates, {**kept.sets, chosen: criteria_set}),
    )
    return criteria_set


def _keep_folder(outputs: Path, folder: Path, key: str, kept: KeptFolder) -> None:
    """Keep what was read of ``folder`` under ``key``, unless the folder changed
    while it was read."""
    if criteria_key(folder) == key:
        kept_criteria.store(outputs, key, kept)


def load_history(inputs: Path) -> tuple[History, pl.DataFrame]:
    """The published figures of earlier years and the problems reading them."""
    path, said = history_file(inputs)
    history, problems = read_history(path)
    return history, problems_frame(said + problems)


def consolidate_previous(
    inputs: Path, year: int, now: float, outputs: Path | None = None
) -> YearResult | None:
    """The previous year consolidated from its own submissions, when it has any
    (``previous_year``'s ``result``)."""
    return previous_year(inputs, year, now, outputs).result


def previous_year(
    inputs: Path, year: int, now: float, outputs: Path | None = None
) -> PreviousYear:
    """The previous year consolidated from its own submissions, when it has any,
    and what ``year``'s run must say of that folder: the forms in it that state
    ``year`` (``forms_of_year_elsewhere``).

    The previous year's other problems belong to that year's own run and are not
    repeated here. With ``outputs``, the result is kept there between nights
    (``parindex.previous``: served again while its folder, the criteria and
    parindex are unchanged) and its files are read through the parse cache there
    (a file read on an earlier night is not parsed again).
    """
    previous = year - 1
    if not (inputs / str(previous)).is_dir():
        return PreviousYear(
            None, problems_frame([]), _set_in_force(inputs, previous, outputs)
        )
    if outputs is None:
        return _consolidate_previous(inputs, previous, now, None)
    key = previous_key(inputs, previous, now)
    found = load_previous(outputs, key)
    if found is not MISSING:
        return found
    result = _consolidate_previous(inputs, previous, now, outputs)
    if previous_key(inputs, previous, now) == key:  # nothing changed meanwhile
        store_previous(outputs, key, result)
    return result


def _set_in_force(
    inputs: Path, year: int, outputs: Path | None = None
) -> CriteriaSet | None:
    """The set in force in ``year`` (None when none is); with ``outputs``, kept
    there between nights like the run's own year's set."""
    try:
        return _kept_set_for_year(inputs, year, outputs)
    except ParindexError:  # none applies (kept), or one that cannot be used
        return None  # (read again the next night)


def forms_of_year_elsewhere(ingested: Ingested, year: int) -> pl.DataFrame:
    """A warning for each form of another year's folder (``ingested``, read for
    that year) that states ``year``: it is not consolidated in ``year``, and the
    run of ``year`` says so, naming file, sheet and the cell of its year line
    (README, Folder shape)."""
    found = []
    for form in ingested.other_years:
        if form["year"] != year:
            continue
        if form.get("by_name"):  # a year only in the file's name (README)
            found.append(
                problem(
                    "warning",
                    messages.FORM_NAMED_YEAR_IN_OTHER_FOLDER.format(
                        file=form["file"],
                        year=year,
                        folder_year=ingested.year,
                        sheet=form["sheet"],
                    ),
                    file=form["file"],
                    sheet=form["sheet"],
                    department=form["department"],
                )
            )
            continue
        advice = (
            messages.ADVICE_MOVE_FILE
            if form["set_aside"]
            else messages.ADVICE_COPY_SHEET
        )
        where = (
            messages.WHERE_YEAR_CELL.format(cell=form["cell"])
            if form["cell"]
            else messages.WHERE_SHEET_NAME
        )
        found.append(
            problem(
                "warning",
                messages.FORM_OF_YEAR_IN_OTHER_FOLDER.format(
                    sheet=form["sheet"],
                    file=form["file"],
                    year=year,
                    where=where,
                    folder_year=ingested.year,
                    advice=advice.format(year=year),
                ),
                file=form["file"],
                sheet=form["sheet"],
                cell=form["cell"],
                department=form["department"],
            )
        )
    return problems_frame(found)


def _consolidate_previous(
    inputs: Path, previous: int, now: float, outputs: Path | None
) -> PreviousYear:
    try:
        criteria_set = self_named(_kept_set_for_year(inputs, previous, outputs), inputs)
        cache = (
            ReadCache.for_year(outputs, criteria_set, previous)
            if outputs is not None
            else None
        )
        ingested = ingest_year(inputs, previous, criteria_set, now, cache=cache)
    except ParindexError as error:  # this year's run goes on, and says so
        said = messages.PREVIOUS_YEAR_NOT_CONSOLIDATED.format(
            year=previous, reason=str(error)
        )
        return PreviousYear(None, problems_frame([problem("warning", said)]))
    return previous_from(ingested, criteria_set, previous + 1)  # the run's year


def previous_from(
    ingested: Ingested, criteria_set: CriteriaSet, year: int
) -> PreviousYear:
    """The previous year's submissions (``ingested``, read for ``year - 1``)
    consolidated, when they have rows, and the warnings ``year``'s run gives
    about that folder (``forms_of_year_elsewhere``). A folder with files none
    of which gives a score is consolidated too (nothing scored): this year's
    run then says so, as of a folder that leaves some criteria unscored."""
    problems = forms_of_year_elsewhere(ingested, year)
    sent = ingested.submissions.filter(pl.col("status") != "ignored").height
    if ingested.rows.is_empty() and not sent:
        return PreviousYear(None, problems)
    return PreviousYear(
        consolidate_year(criteria_set, ingested.rows, year - 1)[0], problems
    )


def _set_said(
    criteria_set: CriteriaSet,
    previous: YearResult | None,
    previous_set: CriteriaSet | None,
) -> pl.DataFrame:
    """The warnings of the set the year is read with (and of last year's, when
    it is another workbook: its folder's, else the one in force for its
    published figures), each naming its workbook."""
    sets = [criteria_set]
    last_set = previous.criteria_set if previous is not None else previous_set
    if last_set is not None and last_set.source != criteria_set.source:
        sets.append(last_set)
    return problems_frame(
        [problem("warning", said, file=s.source) for s in sets for said in s.warnings]
    )


def _sets_differ(current: YearResult, previous: YearResult | None) -> pl.DataFrame:
    """A warning when last year was read with another criteria set (another
    file) than this year: a new decision, or one dropped in by mistake (how
    their nodes are paired, and whose maximum differs, ``consolidate.compare``
    says)."""
    if previous is None or previous.criteria_set.source == current.criteria_set.source:
        return problems_frame([])
    said = messages.CRITERIA_SET_OTHER_THAN_PREVIOUS.format(
        year=current.year,
        file=current.criteria_set.source,
        previous_year=previous.year,
        previous_file=previous.criteria_set.source,
    )
    return problems_frame([problem("warning", said)])


def load_unit(inputs: Path) -> tuple[UnitSettings, pl.DataFrame]:
    """The unit's settings for the report (``inputs/don-vi.toml``) and the
    warnings reading them."""
    return read_unit_settings(inputs / SETTINGS_FILE)


def build_result(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
    *,
    unit: UnitSettings | None = None,
    previous_set: CriteriaSet | None = None,
) -> AnalysedResult:
    """Consolidate the year, compare it with the previous one and analyse it.

    ``history_problems`` are the problems of the inputs outside the drop folder
    (history, unit settings); ``unit`` the unit's settings (placeholders if None);
    ``previous_set`` the set in force last year when ``previous`` is None
    (``PreviousYear.criteria_set``).
    """
    current, conflicts = consolidate_year(criteria_set, ingested.rows, ingested.year)
    problems = concat_problems(
        [
            shared_said(ingested.problems, current),
            conflicts,
            history_problems,
            _sets_differ(current, previous),
            _set_said(criteria_set, previous, previous_set),
        ]
    )
    compared = compare(
        current,
        previous,
        history,
        ingested.submissions,
        problems,
        previous_set=previous_set,
    )
    return analyse(compared, unit)

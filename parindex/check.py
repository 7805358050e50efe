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
    first_year_of,
    read_criteria_set,
    self_named,
)
from parindex.errors import NoCriteriaSet
from parindex.ingest.collect import unit_place_of
from parindex.ingest.discover import (
    ATTACHMENT_SUFFIXES,
    CONTRACT_FOLDERS,
    DroppedFile,
    current_year,
)
from parindex.ingest.normalise import RowsBuilder
from parindex.ingest.places import unit_place_in
from parindex.ingest.read import SubmissionRead, load_submission, stated_year
from parindex.ingest.safety import read_capped
from parindex.ingest.validate import validate_rows
from parindex.ingest.winners import (
    disagreement_problem,
    other_unit_forms,
    place_doubts,
)
from parindex.problems import concat_problems, problem, problems_frame
from parindex.province.folder import (
    UNITS_FOLDER,
    CriteriaLibrary,
    Province,
    is_province,
    province_unit_of,
    read_province,
    with_other_units,
)

NO_SUCH_FILE = "Không có tệp này."


def _in_year_folder(path: Path) -> bool:
    """Whether the file lies directly in a year folder (``2023/``)."""
    return re.fullmatch(r"\d{4}", path.parent.name) is not None


def _year_of(path: Path, latest: int) -> int:
    """The file's year folder, else its ``Năm`` line, else ``latest``."""
    if _in_year_folder(path):
        return int(path.parent.name)
    try:
        return stated_year(read_capped(path)) or latest
    except OSError:
        return latest


def _sets_for(
    path: Path, inputs: Path, criteria: Path | None, checked: set[Path]
) -> list[tuple[int, Path]]:
    """(first year, path) of the criteria sets that may apply to ``path``: the one
    given with ``--criteria``; else those in ``<inputs>/criteria``; else in a
    ``criteria`` folder beside the file or its year folder; else criteria
    workbooks lying next to the file (a department's own machine)."""
    if criteria is not None:
        found = available_criteria_sets_of([criteria])
        if not found:
            raise NoCriteriaSet(messages.CHECK_NO_CRITERIA)
        return found
    for folder in (
        inputs / CRITERIA_FOLDER,
        path.parent / CRITERIA_FOLDER,
        path.parent.parent / CRITERIA_FOLDER,
    ):
        if folder.is_dir():
            found = available_criteria_sets(folder)
            if found:
                return found
    beside = [
        (first, p)
        for first, p in available_criteria_sets(path.parent, strict=False)
        if p.resolve() not in checked
    ]
    if not beside:
        raise NoCriteriaSet(messages.CHECK_NO_CRITERIA)
    return beside


def _unit_set(
    root: Path,
    folder: str,
    year: int,
    provinces: dict[Path, tuple[Province, CriteriaLibrary]],
) -> CriteriaSet | None:
    """The criteria set the nightly run gives the unit of province ``root``
    whose folder is ``units/<folder>`` in ``year`` (its group's, or its own),
    as that unit reads it (``with_other_units``); None for a folder no unit is
    registered for (the province's ``criteria/`` then, as any folder's).

    Raises:
        NoCriteriaSet / UnusableCriteria: the unit has no usable set that year.
    """
    if root not in provinces:  # the register and the library read once per check
        provinces[root] = (read_province(root), CriteriaLibrary(root))
    province, library = provinces[root]
    unit = next((u for u in province.units if u.folder.name == folder), None)
    if unit is None:
        return None
    choice = library.choose(unit, year)
    if choice.criteria_set is None:
        raise NoCriteriaSet(choice.error or messages.CHECK_NO_CRITERIA)
    return with_other_units(choice.criteria_set, province, unit)


def available_criteria_sets_of(paths: list[Path]) -> list[tuple[int, Path]]:
    """(first year, path) of the given criteria workbooks (a year is read from
    their ``Áp dụng từ năm`` line; a workbook without one is left out).

    Raises:
        UnusableCriteria: a given workbook cannot be read (saying why).
    """
    found = []
    for path in paths:
        stated = first_year_of(path)
        if stated is not None:
            found.append((stated[0], path))
    return sorted(found)


def _no_scores(rows: pl.DataFrame, file: str, department: str | None) -> pl.DataFrame:
    """An error when no row of the file carries a score (an empty form): the
    run does not use it (``winners``, ``FILE_NO_SCORES``)."""
    if rows.filter(
        pl.col("self_raw").is_not_null() | pl.col("appraised_raw").is_not_null()
    ).height:
        return problems_frame([])
    return problems_frame(
        [problem("error", messages.FILE_NO_SCORES, file=file, department=department)]
    )


def _department_folder(path: Path) -> str:
    """The folder that names the file's department, as the run reads it: the
    one just below a year folder on the file's path (``2023/Tư pháp/ban
    sua/x.xlsx``: ``Tư pháp``), else the folder holding the file unless it is
    a year folder; "" for none."""
    folders = path.resolve().parent.parts
    for at in range(len(folders) - 1, -1, -1):
        if re.fullmatch(r"\d{4}", folders[at]):
            return folders[at + 1] if at + 1 < len(folders) else ""
    parent = path.parent.name
    return "" if re.fullmatch(r"\d{4}", parent) else parent


def _shown_from(path: Path, root: Path) -> str:
    """``path`` as seen from the folder ``root`` (itself when outside it)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _outside_year_folders(
    path: Path, in_province: tuple[Path, str] | None, year: int
) -> str | None:
    """What the night says of a file of a province unit's folder lying outside
    every year folder (beside them, or in a folder that is not one): it is not
    read. None for a file in a year folder, in a folder of the folder contract
    (``discover.CONTRACT_FOLDERS``: ``criteria/``), or outside a province."""
    if in_province is None:
        return None
    root, folder = in_province
    unit = (root / UNITS_FOLDER / folder).resolve()
    inside = path.resolve().relative_to(unit).parts[:-1]
    if inside and (re.fullmatch(r"\d{4}", inside[0]) or inside[0] in CONTRACT_FOLDERS):
        return None
    where = (
        messages.WHERE_NOT_YEAR_FOLDER.format(folder="/".join(inside))
        if inside
        else messages.WHERE_INPUTS_ROOT
    )
    return messages.FILE_OUTSIDE_YEAR_FOLDERS.format(
        file=path.resolve().relative_to(unit).as_posix(), where=where, year=year
    )


def _guessed_set(
    chosen: Path,
    in_province: tuple[Path, str] | None,
    inputs: Path,
    criteria: Path | None,
) -> str | None:
    """What to say when the newest set of a province's ``criteria/`` was taken
    for a file no unit of it is known for (the province holds several groups'
    sets): a folder of ``units/`` no unit is registered for, or a file outside
    the province given as ``--inputs``. None otherwise."""
    if in_province is not None:
        root, folder = in_province
        return messages.CHECK_UNREGISTERED_UNIT_FOLDER.format(
            folder=folder, criteria=_shown_from(chosen, root)
        )
    if (
        criteria is None
        and is_province(inputs)
        and chosen.parent.resolve() == (inputs / CRITERIA_FOLDER).resolve()
    ):
        return messages.CHECK_PROVINCE_SET_GUESSED.format(
            inputs=inputs, criteria=_shown_from(chosen, inputs)
        )
    return None


def _other_year(
    path: Path, read: SubmissionRead, year: int, current: int | None
) -> dict[str, str | None] | None:
    """A warning for a file outside the year folders checked for its ``Năm``
    line's year when the night consolidates another, ``current`` (the inputs'
    ``current_year``): dropped there, it would be set aside whole."""
    if current is None or year == current or _in_year_folder(path):
        return None
    cell = next(
        (t.metadata["year"][1] for t, _ in read.tables() if "year" in t.metadata),
        None,
    )
    if cell is None:  # no Năm line: checked for the latest set's year
        return None
    return problem(
        "warning",
        messages.CHECK_OTHER_YEAR.format(file_year=year, current=current),
        file=str(path),
        cell=cell,
        sheet=next((t.sheet.name for t, _ in read.tables()), None),
        department=read.department,
    )


def check_files(
    files: list[Path], inputs: Path, criteria: Path | None = None
) -> pl.DataFrame:
    """The problems the nightly run would report for ``files`` (a form with no
    score filled in is an error, as the run sets it aside).

    The criteria set is ``criteria`` when given, else found as ``_sets_for`` says.
    The year is the file's folder when it is a year folder, else its ``Năm`` line,
    else the latest year of the available criteria sets. Files are read with the
    same safety checks as the nightly run.

    Raises:
        NoCriteriaSet / UnusableCriteria: no usable criteria set for that year.
    """
    if criteria is not None and not criteria.is_file():
        raise NoCriteriaSet(messages.CHECK_NO_CRITERIA)
    frames = []
    criteria_sets: dict[Path, CriteriaSet] = {}
    provinces: dict[Path, tuple[Province, CriteriaLibrary]] = {}
    checked = {path.resolve() for path in files}
    unit = unit_place_in(inputs)  # don-vi.toml, read once for every file
    # the year the night consolidates, looked up once for every file
    current = current_year(inputs) if inputs.is_dir() else None
    for path in files:
        if not path.is_file():
            frames.append(
                problems_frame([problem("error", NO_SUCH_FILE, file=str(path))])
            )
            continue
        in_province = province_unit_of(path) if criteria is None else None
        available = _sets_for(
            path, in_province[0] if in_province else inputs, criteria, checked
        )
        year = _year_of(path, available[-1][0])
        criteria_set = _unit_set(*in_province, year, provinces) if in_province else None
        place = unit
        if in_province is not None and criteria_set is not None:
            # a province's unit: its own don-vi.toml, else the register's name,
            # as the night places it
            root, folder = in_province
            place = unit_place_of(root / UNITS_FOLDER / folder, criteria_set)
        if criteria_set is None:
            usable = [p for first, p in available if first <= year]
            if not usable:
                years = ", ".join(str(first) for first, _ in available)
                raise NoCriteriaSet(
                    messages.NO_CRITERIA_FOR_YEAR.format(
                        year=year, folder=available[-1][1].parent, years=years
                    )
                )
            if usable[-1] not in criteria_sets:  # read each workbook once per check
                # a set the unit fills itself: named as don-vi.toml names the
                # unit, as the run names it
                criteria_sets[usable[-1]] = self_named(
                    read_criteria_set(usable[-1]), inputs
                )
                said = criteria_sets[usable[-1]].warnings  # said once, on its file
                frames.append(
                    problems_frame(
                        [problem("warning", w, file=str(usable[-1])) for w in said]
                    )
                )
            criteria_set = criteria_sets[usable[-1]]
            guessed = _guessed_set(usable[-1], in_province, inputs, criteria)
            if guessed is not None:
                frames.append(
                    problems_frame([problem("warning", guessed, file=str(path))])
                )
        outside = _outside_year_folders(path, in_province, year)
        if outside is not None:  # the night lists it, never reads it
            frames.append(problems_frame([problem("warning", outside, file=str(path))]))
        stat = path.stat()
        if path.suffix.lower() in ATTACHMENT_SUFFIXES:  # a letter, a scan
            note = problem("warning", messages.FILE_ATTACHMENT, file=str(path))
            frames.append(problems_frame([note]))
            continue
        hint = _department_folder(path)
        dropped = DroppedFile(
            path, str(path), stat.st_size, stat.st_mtime, "candidate", folder=hint
        )
        read = load_submission(dropped, criteria_set, year)
        if read.rejection is not None:
            frames.append(problems_frame([read.rejection]))
            continue
        other_year = _other_year(path, read, year, current)
        if other_year is not None:
            frames.append(problems_frame([other_year]))
        elsewhere = other_unit_forms([read], place, criteria_set)
        disagrees = disagreement_problem(read, criteria_set, hint)
        if elsewhere:  # another unit's form: the run sets it aside, saying so only
            frames.append(problems_frame(list(elsewhere.values())))
        else:
            doubts = place_doubts([read], place, criteria_set)
            frames.append(problems_frame([said for said, _ in doubts.values()]))
            if disagrees is not None:
                frames.append(problems_frame([disagrees]))
        builder = RowsBuilder(criteria_set.codes_by_name)
        for table, department in read.tables():
            builder.add(table, dropped.name, department)
        rows = builder.frame()
        frames += [
            problems_frame(read.problems),
            validate_rows(rows, criteria_set)[1],
            _no_scores(rows, dropped.name, read.department),
        ]
    return concat_problems(frames)

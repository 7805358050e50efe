"""Which file of a department is used: the rules of README "Choices" → "Which file
wins", as a pure function of what was read.

* A file is **usable** when it was read whole and has at least one valid scored
  row. The newest usable file of a department is used **whole**; older versions
  are superseded whole (scores are never mixed between two versions of a file).
  A workbook holding several departments' forms is decided for each of them:
  the forms of the departments it wins are used, the others give way
  (``Choice.forms_not_used``), and it is ``used`` when one of its forms is.
  A file set aside whole, or one with no valid scored row, never supersedes a
  usable one (the older file stays in use and the newer one is reported).
  A department's only file whose scored rows were all set aside is not used either
  (``FILE_NO_ROW_USED``): the department submitted a file that cannot be used.
* When the newest file has rows set aside that an older version scored validly,
  each such criterion is an error naming both files: nothing is lost silently.
* A file whose ``Đơn vị`` line disagrees with its file name or its subfolder is
  counted for the department of its ``Đơn vị`` line (with a warning), but never
  supersedes a file of that department whose name agrees: it is set aside.
* Modification times decide which file is newer, except when two files have
  the same time, or a time in the future (a clock set wrong): then the file with
  more valid scored rows is used; if they tie and their scores differ, the save
  time each workbook records decides when it can (``parindex.ingest.savetime``:
  every file records one, none in the future, one latest), else none is used (an
  error asks the department to remove the old one). Files of identical content
  count once. File names never decide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from parindex import messages
from parindex.criteria import CriteriaSet, Department, match_department
from parindex.ingest.discover import DroppedFile
from parindex.ingest.forms import _SEPARATORS, _word_names
from parindex.ingest.places import UnitPlace
from parindex.ingest.read import (
    SCORE_FIELDS,
    SUBMISSION_COLUMNS,
    SUBMISSION_LABELS,
    SubmissionRead,
    department_in_text,
)
from parindex.ingest.safety import (
    MAX_FILE_BYTES,
    UnsafeFile,
    inspect_container,
    read_capped,
)
from parindex.problems import problem, template_pattern
from parindex.text import code_key, fold, format_vn, nfc
from parindex.timefmt import OFFICE_TIMEZONE
from parindex.workbook import (
    UnreadableWorkbook,
    cell_position,
    find_table,
    iter_sheets,
    open_workbook,
)

if TYPE_CHECKING:
    from parindex.consolidate import YearResult

Record = dict[str, str | None]


def department_hints(
    file: DroppedFile, criteria_set: CriteriaSet, folder: str | None = None
) -> list[tuple[str, str]]:
    """(where, department code) named by the file's name and its subfolder.

    ``folder`` overrides the subfolder (``check`` passes the file's parent)."""
    departments, words = criteria_set.departments, criteria_set.department_words
    hints = []
    named = only_department_in(Path(file.path.name).stem, departments, words)
    if named is not None:
        hints.append((messages.WHERE_FILE_NAME, named))
    folder = folder if folder is not None else file.subfolder
    if folder:
        from_folder = only_department_in(folder, departments, words)
        if from_folder is not None:
            hints.append((messages.WHERE_FOLDER.format(folder=folder), from_folder))
    if not hints:  # a name that says nothing: who sent the same file last year
        last_year = previous_year_department(file, departments)
        if last_year is not None:
            hints.append(last_year)
    return hints


def named_department(file: DroppedFile, criteria_set: CriteriaSet) -> str | None:
    """The department a file's name and subfolder name, when together they name
    exactly one (a rejected file, whose ``Đơn vị`` line was not read, is
    attributed to it); last year's file is not looked for."""
    departments, words = criteria_set.departments, criteria_set.department_words
    named = {only_department_in(Path(file.path.name).stem, departments, words)}
    if file.subfolder:
        named.add(only_department_in(file.subfolder, departments, words))
    named.discard(None)
    return named.pop() if len(named) == 1 else None


NameIndex = tuple[dict[str, frozenset[str]], int]
"""The departments' folded codes, names and aliases → their codes, and the most
words in one of them (``name_index``)."""


def only_department_in(
    text: str, departments: tuple[Department, ...], index: NameIndex | None = None
) -> str | None:
    """The department named in ``text`` (code, name or alias, as whole words) when
    it names exactly one; None when it names none or several (a file called
    ``noi-vu-va-tu-phap.xlsx`` is evidence of neither). ``index``: the index of
    ``departments`` when the caller has it (``CriteriaSet.department_words``)."""
    names, longest = index if index is not None else _name_index(departments)
    words = fold(_SEPARATORS.sub(" ", text)).split(" ")
    found: set[str] = set()
    # every run of whole words of the text, up to the longest name: as many
    # look-ups as the text has words, whatever the number of departments
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            found |= names.get(" ".join(words[start:end]), frozenset())
    if len(found) != 1:
        return None
    return found.pop()


_NAME_INDEXES: dict[int, tuple[tuple[Department, ...], dict[str, frozenset[str]], int]]
_NAME_INDEXES = {}


def _name_index(departments: tuple[Department, ...]) -> NameIndex:
    """``name_index``, kept per tuple object: hashing a tuple of a thousand
    departments on every look-up cost more than the look-up."""
    kept = _NAME_INDEXES.get(id(departments))
    if kept is not None and kept[0] is departments:
        return kept[1], kept[2]
    names, longest = name_index(departments)
    if len(_NAME_INDEXES) >= 16:
        _NAME_INDEXES.clear()
    _NAME_INDEXES[id(departments)] = (departments, names, longest)
    return names, longest


def name_index(departments: tuple[Department, ...]) -> NameIndex:
    """The departments' folded codes, names and aliases (as ``_word_names``
    gives them) → their codes, and the most words in one of them."""
    index: dict[str, set[str]] = {}
    for padded, code in _word_names(departments, True):
        for name in _with_and_left_out(padded[1:-1]):
            index.setdefault(name, set()).add(code)
    names = {name: frozenset(codes) for name, codes in index.items()}
    longest = max((name.count(" ") + 1 for name in names), default=0)
    return names, longest


def _with_and_left_out(name: str) -> tuple[str, ...]:
    """A folded name, and without its words "và" when it has some: a file name
    drops them (``phong-kinh-te-ha-tang`` names Phòng Kinh tế và Hạ tầng)."""
    words = name.split(" ")
    kept = [word for word in words if word != "va"]
    if len(kept) == len(words) or not kept:
        return (name,)
    return (name, " ".join(kept))


def previous_year_department(
    file: DroppedFile, departments: tuple[Department, ...]
) -> tuple[str, str] | None:
    """(where, department) of the file with the same path in the previous year's
    folder (``2022/bang-diem.xlsx`` for ``2023/bang-diem.xlsx``), from its
    ``Đơn vị`` line, or None when there is none."""
    parts = file.name.split("/")
    if len(parts) < 2 or not parts[0].isdigit():
        return None
    year_folder = file.path.parents[len(parts) - 2]
    previous = year_folder.parent / str(int(parts[0]) - 1) / "/".join(parts[1:])
    try:
        stat = previous.stat()
    except OSError:
        return None
    code = _stated_department(str(previous), stat.st_mtime, stat.st_size, departments)
    if code is None:
        return None
    where = messages.WHERE_PREVIOUS_YEAR.format(
        file=f"{int(parts[0]) - 1}/{'/'.join(parts[1:])}"
    )
    return where, code


@lru_cache(maxsize=256)
def _stated_department(
    path: str, mtime: float, size: int, departments: tuple[Department, ...]
) -> str | None:
    """The department a workbook's ``Đơn vị`` line names (read as safely as a
    submission), None when it cannot be read or has no such line."""
    try:
        if size > MAX_FILE_BYTES:
            return None
        content = read_capped(Path(path))
        inspect_container(content)
        sheets = list(iter_sheets(open_workbook(content)))
    except (OSError, UnsafeFile, UnreadableWorkbook):
        return None
    table = find_table(
        sheets, SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS, any_of=SCORE_FIELDS
    )
    if table is None or "department" not in table.metadata:
        return None
    text = table.metadata["department"][0]
    return match_department(text, departments) or department_in_text(
        text, departments, codes=False
    )


def disagreement(
    read: SubmissionRead, criteria_set: CriteriaSet, folder: str | None = None
) -> tuple[str, str] | None:
    """(where, other department) when the file's name or folder names another
    department than the one it was counted for, else None."""
    if read.department is None:
        return None
    for where, code in department_hints(read.file, criteria_set, folder):
        if code != read.department:
            return where, code
    return None


def form_named_elsewhere(
    read: SubmissionRead, department: str, criteria_set: CriteriaSet
) -> tuple[str, str] | None:
    """(where, other department) when the name or the subfolder of a workbook
    of several forms, one of them ``department``'s, names exactly one other
    department: that form may be a reference copy kept in the other's workbook.
    The department that sent the same file last year is not asked."""
    departments, words = criteria_set.departments, criteria_set.department_words
    named = only_department_in(Path(read.file.path.name).stem, departments, words)
    if named is not None and named != department:
        return messages.WHERE_FILE_NAME, named
    folder = read.file.subfolder
    if folder:
        named = only_department_in(folder, departments, words)
        if named is not None and named != department:
            return messages.WHERE_FOLDER.format(folder=folder), named
    return None


def disagreement_problem(
    read: SubmissionRead, criteria_set: CriteriaSet, folder: str | None = None
) -> Record | None:
    """The warning for a file whose ``Đơn vị`` line disagrees with its name or
    folder (``check`` and the run say the same)."""
    return disagreement_warning(
        read, criteria_set, disagreement(read, criteria_set, folder)
    )


def disagreement_warning(
    read: SubmissionRead, criteria_set: CriteriaSet, found: tuple[str, str] | None
) -> Record | None:
    """``disagreement_problem`` for a disagreement already looked for (``found``,
    as ``disagreement`` gives it: ``Choice.disagreements``)."""
    if found is None or read.department is None:
        return None
    where, other = found
    name = criteria_set.department_name
    return problem(
        "warning",
        messages.DEPARTMENT_LINE_DISAGREES.format(
            stated=name(read.department), where=where, other=name(other)
        ),
        file=read.file.name,
        department=read.department,
    )


@dataclass
class Choice:
    """Per read file its ``(status, note)``; problems about the choice."""

    outcome: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    problems: list[Record] = field(default_factory=list)
    disagreements: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    """What ``disagreement`` gave for each file of a department (looked for once)."""
    doubted: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(file, department) of a form found doubtful by the run
    (``place_doubts``), beside the ones its read says
    (``SubmissionRead.doubted``): which name it was read from (``tên tệp``…),
    None for a line."""
    forms_not_used: dict[str, dict[str, str]] = field(default_factory=dict)
    """A workbook in use that holds several departments' forms: the departments
    whose form in it is not used (a newer file of that department), with what
    to say of it."""


def _departments_of(read: SubmissionRead) -> list[str]:
    """The departments whose forms a file holds, its first one first."""
    found = [read.department] if read.department is not None else []
    found += [d for d in read.departments if d not in found]
    return found


def holds_several_forms(read: SubmissionRead) -> bool:
    """Whether a file holds forms of more than one department (decided, and
    said, form by form)."""
    return len(_departments_of(read)) > 1


class _Scores:
    """File → its valid scored rows as a set, to compare two versions.

    How many distinct rows each file has is one ``group_by``; the sets themselves
    are built only for the files whose versions tie (``_pick``), not for every
    file of the year."""

    def __init__(self, scored: pl.DataFrame) -> None:
        # + 0.0: -0.0 and 0.0 are one value, as in a Python set
        self._rows = scored.select(
            "file",
            "code",
            pl.col("self_score") + 0.0,
            pl.col("appraised_score") + 0.0,
            "reason",
        )
        self._counts: dict[str, int] = dict(
            self._rows.unique().group_by("file").len().iter_rows()
        )
        self._sets: dict[str, frozenset[tuple[object, ...]]] = {}

    def count(self, file: str) -> int:
        """How many distinct valid scored rows ``file`` has (0: not usable)."""
        return self._counts.get(file, 0)

    def rows(self, file: str) -> frozenset[tuple[object, ...]]:
        """The valid scored rows of ``file`` (code, self, appraised, reason)."""
        found = self._sets.get(file)
        if found is None:
            mine = self._rows.filter(pl.col("file") == file).drop("file")
            found = self._sets[file] = frozenset(mine.iter_rows())
        return found


def choose_files(
    reads: Sequence[SubmissionRead],
    good: pl.DataFrame,
    row_problems: pl.DataFrame,
    criteria_set: CriteriaSet,
    saved_at: SavedAt | None = None,
    *,
    now: float,
    unit: UnitPlace | None = None,
) -> Choice:
    """Decide which file of each department is used (see the module's rules).

    Args:
        reads: every file read (rejected ones included).
        good: the valid scored rows of every file read (``validate_rows``).
        row_problems: the problems of those rows.
        criteria_set: for department names.
        saved_at: the save time a file's workbook records (``savetime.saved_at``
            of its bytes), asked only when the file system cannot order two
            versions; None: no save time is used.
        now: the run's clock (seconds since the epoch, the ``now`` discovery
            used): a save time later than it is not trusted.
        unit: the unit's own place (``don-vi.toml``): a form whose ``Đơn vị``
            line names another place of its level is set aside
            (``other_unit_forms``); None: no place is compared.
    """
    found = Choice()
    other_unit = other_unit_forms(reads, unit, criteria_set)
    doubts = place_doubts(reads, unit, criteria_set)
    for key, (warning, named) in doubts.items():
        if key not in other_unit:
            found.problems.append(warning)
            found.doubted[key] = named
    scored = good.filter(
        pl.col("self_score").is_not_null() | pl.col("appraised_score").is_not_null()
    )
    scores = _Scores(scored)
    by_department: dict[str, list[SubmissionRead]] = {}
    for read in reads:
        if read.rejection is None:
            # a workbook of several departments' forms competes for each
            for department in _departments_of(read):
                by_department.setdefault(department, []).append(read)
    decided: dict[str, dict[str, tuple[str, str | None]]] = {}  # file → department
    for department, filed in by_department.items():
        # the department's own decision; problems and disagreements are shared
        choice = Choice(
            problems=found.problems,
            disagreements=found.disagreements,
            doubted=found.doubted,
        )
        for read in filed:  # another unit's form: never used, never replaces one
            said = other_unit.get((read.file.name, department))
            if said is not None:
                choice.outcome[read.file.name] = ("rejected", said["message"])
                choice.problems.append(said)
        files = [f for f in filed if f.file.name not in choice.outcome]
        if files:
            _decide_department(
                department,
                files,
                choice,
                criteria_set=criteria_set,
                everyone=(scores, scored, row_problems),
                saved_at=saved_at,
                now=now,
            )
        for file, outcome in choice.outcome.items():
            decided.setdefault(file, {})[department] = outcome
    used_for = {
        department: file
        for file, outcomes in decided.items()
        for department, (status, _) in outcomes.items()
        if status == "used"
    }
    for file, outcomes in decided.items():
        if any(status == "used" for status, _ in outcomes.values()):
            # used for a department: its other departments' forms are not
            found.outcome[file] = ("used", None)
            for department, (status, note) in outcomes.items():
                if status == "used":
                    continue
                newer = used_for.get(department)
                found.forms_not_used.setdefault(file, {})[department] = (
                    messages.FORM_SUPERSEDED.format(
                        department=criteria_set.department_name(department),
                        newer=newer,
                    )
                    if status == "superseded" and newer is not None
                    else messages.FORM_NOT_USED.format(
                        department=criteria_set.department_name(department),
                        note=note or "",
                    )
                )
        else:  # as its first department decided
            found.outcome[file] = next(iter(outcomes.values()))
    _newer_rejected(reads, found, criteria_set)
    return found


def _decide_department(
    department: str,
    files: list[SubmissionRead],
    choice: Choice,
    *,
    criteria_set: CriteriaSet,
    everyone: tuple[_Scores, pl.DataFrame, pl.DataFrame],
    saved_at: SavedAt | None,
    now: float,
) -> None:
    """``_decide`` over the year's scores (``everyone``: scores, scored rows, row
    problems), or over the department's own rows only when one of its files
    holds several departments' forms."""
    scores, scored, row_problems = everyone
    if any(holds_several_forms(f) for f in files):
        scored = scored.filter(pl.col("department") == department)
        scores = _Scores(scored)
        row_problems = row_problems.filter(pl.col("department") == department)
    _decide(
        department,
        files,
        choice,
        criteria_set=criteria_set,
        scores=scores,
        scored=scored,
        row_problems=row_problems,
        saved_at=saved_at,
        now=now,
    )


def place_doubts(
    reads: Sequence[SubmissionRead],
    unit: UnitPlace | None,
    criteria_set: CriteriaSet,
) -> dict[tuple[str, str], tuple[Record, str | None]]:
    """(file, department) → the warning for each form whose department was
    read from a short name with a place below the unit's level around it
    (``Nội vụ xã Dào San`` in a district's folder: the commune's own office):
    doubtful, as a short name among other words is (``_decide``); none without
    ``unit``, nor for a form already doubted."""
    found: dict[tuple[str, str], tuple[Record, str | None]] = {}
    if unit is None:
        return found
    for read in reads:
        if read.rejection is not None:
            continue
        for form in read.places:
            code = form["department"]
            if not form.get("short") or code in read.doubted:
                continue
            if unit.below(form["places"], seat=bool(form.get("seated"))) is None:
                continue
            name = criteria_set.department_name(code)
            where = form.get("where")
            said = problem(
                "warning",
                (
                    messages.DEPARTMENT_NAME_PARTIAL.format(
                        where=where, text=form["text"], name=name, code=code
                    )
                    if where
                    else messages.DEPARTMENT_LINE_PARTIAL.format(
                        text=form["text"], name=name, code=code
                    )
                ),
                file=read.file.name,
                sheet=form["sheet"],
                cell=form["cell"],
                department=code,
            )
            found[(read.file.name, code)] = (said, where)
    return found


def other_unit_forms(
    reads: Sequence[SubmissionRead],
    unit: UnitPlace | None,
    criteria_set: CriteriaSet,
) -> dict[tuple[str, str], Record]:
    """(file, department) → the error for each form whose ``Đơn vị`` line names
    a place of the unit's level that is not the unit's (``places``: "Phòng Tư
    pháp huyện Tam Đường" in huyện Phong Thổ's folder); none without ``unit``."""
    found: dict[tuple[str, str], Record] = {}
    if unit is None:
        return found
    for read in reads:
        if read.rejection is not None:
            continue
        for form in read.places:  # a form's lines in order: its first one said
            place = (
                unit.first_foreign(form["places"])
                if criteria_set.self_assessed  # its own place kept among them
                else unit.foreign(form["places"])
            )
            if place is None or (read.file.name, form["department"]) in found:
                continue
            code = form["department"]
            name = criteria_set.department_name(code)
            where = form.get("where")
            found[(read.file.name, code)] = problem(
                "error",
                (
                    messages.DEPARTMENT_NAME_OTHER_UNIT.format(
                        where=where,
                        text=form["text"],
                        place=place,
                        unit=unit.unit,
                        settings=unit.named_in,
                        name=name,
                        code=code,
                    )
                    if where  # a form without a line: its name's place
                    else messages.DEPARTMENT_LINE_OTHER_UNIT.format(
                        text=form["text"],
                        place=place,
                        unit=unit.unit,
                        settings=unit.named_in,
                        name=name,
                        code=code,
                    )
                ),
                file=read.file.name,
                sheet=form["sheet"],
                cell=form["cell"],
                department=code,
            )
    return found


def _decide(
    department: str,
    files: list[SubmissionRead],
    choice: Choice,
    *,
    criteria_set: CriteriaSet,
    scores: _Scores,
    scored: pl.DataFrame,
    row_problems: pl.DataFrame,
    saved_at: SavedAt | None,
    now: float,
) -> None:
    """One department's decision among its files (``choice.outcome``)."""
    name = criteria_set.department_name
    for f in files:
        if f.file.name not in choice.disagreements:
            choice.disagreements[f.file.name] = disagreement(f, criteria_set)
    # the department's form in a workbook of several forms: its name or
    # subfolder naming another department disputes it (a reference copy of a
    # form kept in another department's workbook), as that form alone, never
    # the workbook as a whole (its other forms are decided for theirs)
    elsewhere = {
        f.file.name: form_named_elsewhere(f, department, criteria_set)
        for f in files
        if holds_several_forms(f)
    }
    # a file whose name or folder names another department, or whose
    # department was read from a line holding only its short name
    doubted = {
        f.file.name
        for f in files
        if department in f.doubted or (f.file.name, department) in choice.doubted
    }
    disputed = {
        f.file.name
        for f in files
        if (
            elsewhere[f.file.name]
            if f.file.name in elsewhere
            else choice.disagreements[f.file.name]
        )
    } | doubted
    agreeing = [f for f in files if f.file.name not in disputed]
    # a disputed file gives way to an agreeing one only if that one is usable
    pool = agreeing if any(scores.count(f.file.name) for f in agreeing) else files
    usable = [f for f in pool if scores.count(f.file.name)] or pool
    in_pool = {f.file.name for f in pool}
    in_usable = {f.file.name for f in usable}
    winner, tied = _pick(usable, scores, name(department), choice, saved_at, now=now)
    counted_from = elsewhere.get(winner.file.name) if winner is not None else None
    if winner is not None and counted_from is not None:
        # no file of its own: the form in another department's workbook is used,
        # and said (it may be a reference copy)
        where, other = counted_from
        choice.problems.append(
            problem(
                "warning",
                messages.FORM_COUNTED_FROM_ELSEWHERE.format(
                    stated=name(department), where=where, other=name(other)
                ),
                file=winner.file.name,
                department=department,
            )
        )
    for read in files:
        key = read.file.name
        if key in choice.outcome:
            continue  # set aside by _pick (order undecidable)
        if key not in in_pool:  # disputed, while an agreeing file exists
            kept = winner.file.name if winner is not None else "—"
            disagreed = choice.disagreements[key]
            form_of = elsewhere.get(key)
            if form_of is not None:  # a form of a workbook used for another
                where, other = form_of
                choice.outcome[key] = (
                    "rejected",
                    messages.FORM_NAMED_ELSEWHERE.format(
                        where=where,
                        other=name(other),
                        stated=name(department),
                        kept=kept,
                    ),
                )
                continue  # said where the workbook's forms are told apart
            if disagreed is not None:
                where, other = disagreed
                note = messages.DEPARTMENT_DISPUTED_NOT_USED.format(
                    stated=name(department), where=where, other=name(other), kept=kept
                )
            elif named := read.doubted_where.get(department) or choice.doubted.get(
                (key, department)
            ):  # no line; its name: doubted
                note = messages.DEPARTMENT_NAME_DOUBTED_NOT_USED.format(
                    where=named, stated=name(department), kept=kept
                )
            elif criteria_set.self_assessed:  # its line names not the unit
                note = messages.SELF_LINE_NOT_UNIT_NOT_USED.format(
                    stated=name(department), kept=kept
                )
            else:  # its line holds only the department's short name
                note = messages.DEPARTMENT_DOUBTED_NOT_USED.format(
                    stated=name(department), kept=kept
                )
            choice.outcome[key] = ("rejected", note)
            choice.problems.append(
                problem("error", note, file=key, department=department)
            )
        elif key not in in_usable:  # read, but no valid scored row
            if winner is not None and read.file.mtime < winner.file.mtime:
                choice.outcome[key] = _superseded(winner)
                continue
            if winner is not None and read.file.mtime == winner.file.mtime:
                note = messages.FILE_NO_VALID_ROW_SAME_TIME.format(
                    used=winner.file.name
                )
                choice.outcome[key] = ("superseded", note)
                continue
            older = winner.file.name if winner is not None else "—"
            note = messages.FILE_NO_VALID_ROW.format(older=older)
            choice.outcome[key] = ("rejected", note)
            choice.problems.append(
                problem("error", note, file=key, department=department)
            )
        elif winner is None:  # older than the versions that tie
            newer = ", ".join(f.file.name for f in tied)
            note = messages.FILE_SUPERSEDED.format(newer=newer)
            choice.outcome[key] = ("superseded", note)
        elif (
            read is winner
            and not scores.count(key)
            and _rows_refused(key, row_problems)
        ):  # every scored row set aside: nothing of the file is used
            choice.outcome[key] = ("rejected", messages.FILE_NO_ROW_USED)
            choice.problems.append(
                problem(
                    "error",
                    messages.FILE_NO_ROW_USED,
                    file=key,
                    department=department,
                )
            )
        elif (
            read is winner and not scores.count(key) and len(read.departments) <= 1
        ):  # a blank form, its department's only one: nothing of it is used
            choice.outcome[key] = ("rejected", messages.FILE_NO_SCORES)
            choice.problems.append(
                problem(
                    "error", messages.FILE_NO_SCORES, file=key, department=department
                )
            )
        elif read is winner:
            choice.outcome[key] = ("used", None)
        elif read.sha256 is not None and read.sha256 == winner.sha256:
            note = messages.FILE_SUPERSEDED_SAME_CONTENT.format(newer=winner.file.name)
            choice.outcome[key] = ("superseded", note)
        else:
            choice.outcome[key] = _superseded(winner)
    if winner is not None:
        versions = [f for f in usable if f is not winner]
        choice.problems += _lost_rows(winner, versions, scored, row_problems)
        choice.problems += _old_folder_in_use(winner, files, choice, department)


OLD_WORDS = frozenset({"cũ", "cu", "old", "backup", "archive", "bak"})
"""Words of a folder's or a file's name (lower case, accents kept: ``Cù``, a
family name, is not ``cũ``) that say it holds an old version (``Bản cũ 2023/``,
``backup 15-1/``, ``… (cũ).xlsx``, ``….old.xlsx``)."""
OLD_PHRASES = ("lưu trữ", "luu tru", "không dùng", "khong dung")
OLD_FOLDER_NAMES = frozenset({"lưu", "luu"})
"""A folder named only so (``Lưu/``): a word too common in file names alone."""
_NAME_WORDS = re.compile(r"[^\W_]+")


def _old_word(name: str, *, folder: bool) -> str | None:
    """The word (as written) or the phrase (``OLD_PHRASES``, lower case) of a
    folder's or a file's name that says it is an old version, or None."""
    written = _NAME_WORDS.findall(nfc(name))
    words = [word.lower() for word in written]
    if folder and " ".join(words) in OLD_FOLDER_NAMES:
        return " ".join(written)
    joined = f" {' '.join(words)} "
    for phrase in OLD_PHRASES:
        if f" {phrase} " in joined:
            return phrase
    return next(
        (w for w, low in zip(written, words, strict=True) if low in OLD_WORDS), None
    )


def _old_folder(name: str) -> str | None:
    """The folder of a file's name (below its year folder) whose name says it
    holds old versions, as written; None when there is none."""
    return next(
        (part for part in name.split("/")[1:-1] if _old_word(part, folder=True)),
        None,
    )


def _old_folder_in_use(
    winner: SubmissionRead,
    files: list[SubmissionRead],
    choice: Choice,
    department: str,
) -> list[dict[str, str | None]]:
    """A warning when the file in use lies in a folder named for old versions,
    or is named so itself, and replaced, by its time, a version of other
    content not named so (README, Folder shape: time decides; the name is only
    said)."""
    folder = _old_folder(winner.file.name)
    word = (
        None
        if folder is not None
        else _old_word(Path(winner.file.name).stem, folder=False)
    )
    if folder is None and word is None:
        return []
    replaced = sorted(
        (
            f
            for f in files
            if choice.outcome.get(f.file.name, ("", None))[0] == "superseded"
            and f.sha256 != winner.sha256
            and _old_folder(f.file.name) is None
            and _old_word(Path(f.file.name).stem, folder=False) is None
        ),
        key=lambda f: f.file.mtime,
        reverse=True,
    )
    if not replaced:
        return []
    other = replaced[0].file.name
    message = (
        messages.OLD_FOLDER_FILE_IN_USE.format(
            file=winner.file.name, folder=folder, other=other
        )
        if folder is not None
        else messages.OLD_NAME_FILE_IN_USE.format(
            file=winner.file.name, word=word, other=other
        )
    )
    return [problem("warning", message, file=winner.file.name, department=department)]


def _rows_refused(file: str, row_problems: pl.DataFrame) -> bool:
    """Whether an error sets a row of ``file`` aside."""
    return not row_problems.filter(
        (pl.col("file") == file) & (pl.col("severity") == "error")
    ).is_empty()


def _superseded(winner: SubmissionRead) -> tuple[str, str]:
    return "superseded", messages.FILE_SUPERSEDED.format(newer=winner.file.name)


SavedAt = Callable[[SubmissionRead], dt.datetime | None]
SAVE_TIME_SLACK = dt.timedelta(minutes=5)
"""A recorded save time later than now by more than this is not trusted."""


def _shown_time(moment: dt.datetime) -> str:
    return moment.astimezone(OFFICE_TIMEZONE).strftime("%d/%m/%Y %H:%M")


def _by_save_time(
    tied: list[SubmissionRead], saved_at: SavedAt | None, now: float
) -> tuple[SubmissionRead, dict[str, dt.datetime]] | None:
    """The file saved last among versions the file system cannot order, by the
    save time each workbook records, and those times; None unless every file
    records one, none is in the future of the run's clock ``now`` (seconds since
    the epoch, as discovery's) and the latest is one file's alone."""
    if saved_at is None:
        return None
    latest_allowed = dt.datetime.fromtimestamp(now, dt.UTC) + SAVE_TIME_SLACK
    times: dict[str, dt.datetime] = {}
    for read in tied:
        moment = saved_at(read)
        if moment is None or moment > latest_allowed:
            return None
        times[read.file.name] = moment
    latest = max(times.values())
    last = [read for read in tied if times[read.file.name] == latest]
    return (last[0], times) if len(last) == 1 else None


SAVE_ORDER_MARGIN = dt.timedelta(hours=12)
"""How much later another version's recorded save must be to say so (a save
time without an offset, as LibreOffice writes it, is taken as UTC: a few hours
off)."""


def _saved_before(
    used: SubmissionRead,
    usable: list[SubmissionRead],
    scores: _Scores,
    choice: Choice,
    saved_at: SavedAt | None,
    *,
    now: float,
) -> None:
    """The newest file (by file time) used though the version before it (the
    newest of other scores: versions of the same scores and reasons give the
    same figures whichever is used) records a save well after its own (a
    re-download, an old copy put back): the rule stands, and the file used says
    so, naming the other. Only that version is looked at: one save time more
    per department, however many versions it sent."""
    if saved_at is None:
        return
    others = sorted(
        (r for r in usable if r is not used and r.sha256 != used.sha256),
        key=lambda r: (r.file.mtime_trusted, r.file.mtime),
        reverse=True,
    )
    # the newest first: its rows are built, and the next one's only when they
    # are the same (not one row set per version of a department)
    own_rows = scores.rows(used.file.name) if others else frozenset()
    other = next((r for r in others if scores.rows(r.file.name) != own_rows), None)
    if other is None:
        return
    own, moment = saved_at(used), saved_at(other)
    latest_allowed = dt.datetime.fromtimestamp(now, dt.UTC) + SAVE_TIME_SLACK
    if (
        own is None
        or moment is None
        or not own + SAVE_ORDER_MARGIN < moment <= latest_allowed
    ):
        return
    choice.problems.append(
        problem(
            "warning",
            messages.FILE_NEWEST_SAVED_BEFORE.format(
                used=used.file.name,
                saved=_shown_time(own),
                other=other.file.name,
                other_saved=_shown_time(moment),
            ),
            file=used.file.name,
            department=used.department,
        )
    )


def _why_unordered(candidates: list[SubmissionRead]) -> str:
    """Why versions cannot be ordered by the file system: the same time, or some
    time in the future, naming only the files whose time is in the future."""
    future = [f.file.name for f in candidates if not f.file.mtime_trusted]
    if not future:
        return messages.ORDER_WHY_SAME_TIME
    trusted = [f.file.name for f in candidates if f.file.mtime_trusted]
    return messages.ORDER_WHY_FUTURE.format(
        future=(
            messages.ORDER_FUTURE_ONE.format(file=future[0])
            if len(future) == 1
            else messages.ORDER_FUTURE_MANY.format(files=", ".join(future))
        ),
        same=(
            messages.ORDER_FUTURE_AND_SAME.format(files=", ".join(trusted))
            if len(trusted) > 1
            else ""
        ),
    )


def _pick(
    usable: list[SubmissionRead],
    scores: _Scores,
    department: str,
    choice: Choice,
    saved_at: SavedAt | None = None,
    *,
    now: float,
) -> tuple[SubmissionRead | None, list[SubmissionRead]]:
    """The file to use among usable versions (None when the order cannot be
    decided: the files that tie are then set aside), and the files that tied."""
    trusted = [f for f in usable if f.file.mtime_trusted]
    newest = max((f.file.mtime for f in trusted), default=None)
    top = [f for f in trusted if f.file.mtime == newest]
    top += [f for f in usable if not f.file.mtime_trusted]
    if len(top) == 1:
        _saved_before(top[0], usable, scores, choice, saved_at, now=now)
        return top[0], []
    distinct: dict[str | None, SubmissionRead] = {}
    # identical content counts once (which copy is used changes no figure)
    for read in sorted(top, key=lambda f: (not f.file.mtime_trusted, f.file.name)):
        distinct.setdefault(read.sha256, read)
    if len(distinct) == 1:
        return next(iter(distinct.values())), []
    candidates = list(distinct.values())
    why = _why_unordered(candidates)
    files = ", ".join(f.file.name for f in candidates)
    count = {f.file.name: scores.count(f.file.name) for f in candidates}
    most = max(count.values())
    best = [f for f in candidates if count[f.file.name] == most]
    first = best[0]
    if len(best) == 1:
        message = messages.FILE_ORDER_BY_ROWS.format(
            files=files, department=department, why=why, used=first.file.name
        )
        given_way = messages.FILE_SUPERSEDED_BY_ROWS
    elif all(scores.rows(f.file.name) == scores.rows(first.file.name) for f in best):
        message = messages.FILE_ORDER_SAME_SCORES.format(
            files=files, department=department, why=why, used=first.file.name
        )
        given_way = messages.FILE_SUPERSEDED_SAME_SCORES
    else:
        a, b = (scores.rows(f.file.name) for f in best[:2])
        code = sorted(str(row[0]) for row in a ^ b)[0]
        by_save = _by_save_time(best, saved_at, now)
        if by_save is not None:
            last, times = by_save
            message = messages.FILE_ORDER_BY_SAVE_TIME.format(
                files=files,
                department=department,
                why=why,
                code=code,
                used=last.file.name,
                saved=_shown_time(times[last.file.name]),
            )
            for read in best:
                if read is last:
                    continue
                note = messages.FILE_SUPERSEDED_BY_SAVE_TIME.format(
                    saved=_shown_time(times[read.file.name]),
                    newer=last.file.name,
                    newer_saved=_shown_time(times[last.file.name]),
                    why=why,
                )
                choice.outcome[read.file.name] = ("superseded", note)
            choice.problems.append(
                problem(
                    "warning", message, file=last.file.name, department=last.department
                )
            )
            return last, []
        message = messages.FILE_ORDER_AMBIGUOUS.format(
            department=department, files=files, why=why, code=code
        )
        for read in top:
            choice.outcome[read.file.name] = ("rejected", message)
            choice.problems.append(
                problem(
                    "error", message, file=read.file.name, department=read.department
                )
            )
        return None, top
    # the others tied on time: not "newer", chosen by rows (or either one)
    for read in candidates:
        if read is not first:
            template = given_way if read in best else messages.FILE_SUPERSEDED_BY_ROWS
            note = template.format(used=first.file.name, why=why)
            choice.outcome[read.file.name] = ("superseded", note)
    choice.problems.append(
        problem("warning", message, file=first.file.name, department=first.department)
    )
    return first, []


def _lost_rows(
    winner: SubmissionRead,
    older: list[SubmissionRead],
    scored: pl.DataFrame,
    row_problems: pl.DataFrame,
) -> list[Record]:
    """Errors for criteria whose row the newest file lost while an older version
    scored them validly."""
    if not older:
        return []
    errors = row_problems.filter(
        (pl.col("file") == winner.file.name)
        & (pl.col("severity") == "error")
        & pl.col("criterion").is_not_null()
    )
    kept = set(scored.filter(pl.col("file") == winner.file.name)["code"].to_list())
    names = [f.file.name for f in sorted(older, key=lambda f: -f.file.mtime)]
    previous = scored.filter(pl.col("file").is_in(names))
    found = _dropped_rows(winner, names[0], previous, kept | set(errors["criterion"]))
    seen = set()
    for error in errors.iter_rows(named=True):
        code = error["criterion"]
        if code in kept or code in seen:
            continue
        for name in names:
            rows = previous.filter((pl.col("file") == name) & (pl.col("code") == code))
            if rows.height:
                row = rows.row(0, named=True)
                value = row["appraised_score"]
                value = value if value is not None else row["self_score"]
                seen.add(code)
                found.append(
                    problem(
                        "error",
                        messages.RESUBMISSION_LOST_ROW.format(
                            code=code,
                            cell=error["cell"],
                            older=name,
                            value=format_vn(float(value)),
                        ),
                        file=winner.file.name,
                        sheet=error["sheet"],
                        cell=error["cell"],
                        department=winner.department,
                        criterion=code,
                    )
                )
                break
    return found


def _dropped_rows(
    winner: SubmissionRead, older: str, previous: pl.DataFrame, present: set[str]
) -> list[Record]:
    """A warning when the newest file leaves out criteria its previous version
    scored (a department that sends only its corrections): they have no score now."""
    codes = sorted(
        set(previous.filter(pl.col("file") == older)["code"].to_list()) - present,
        key=code_key,
    )
    if not codes:
        return []
    message = messages.RESUBMISSION_DROPPED_ROWS.format(
        count=len(codes), older=older, codes=", ".join(codes)
    )
    return [
        problem("warning", message, file=winner.file.name, department=winner.department)
    ]


def _newer_rejected(
    reads: Sequence[SubmissionRead], choice: Choice, criteria_set: CriteriaSet
) -> None:
    """A warning on the file in use when a newer file of its department was set
    aside: the office must know the department's correction did not count."""
    department_name = criteria_set.department_name
    used = {  # a workbook of several forms: for each department it counts for
        department: read
        for read in reads
        if choice.outcome.get(read.file.name, ("",))[0] == "used"
        for department in _departments_of(read)
        if department not in choice.forms_not_used.get(read.file.name, {})
    }
    for read in reads:
        rejected = read.rejection is not None or (
            choice.outcome.get(read.file.name, ("",))[0] == "rejected"
        )
        # a file set aside unread (a zip, an empty file) has no `Đơn vị` line:
        # its name or folder names its department, as for the list of files
        department = read.department or (
            named_department(read.file, criteria_set) if rejected else None
        )
        if department is None or department not in used:
            continue
        current = used[department]
        if rejected and read.file.mtime > current.file.mtime:
            choice.problems.append(
                problem(
                    "warning",
                    messages.FILE_NOT_USABLE_KEEPS_OLDER.format(
                        department=department_name(department),
                        newer=read.file.name,
                        older=current.file.name,
                    ),
                    file=current.file.name,
                    department=department,
                )
            )


_SHARED_CONFLICT = template_pattern(messages.SHARED_CONFLICT)


def rows_set_aside(
    submissions: pl.DataFrame, problems: pl.DataFrame, current: YearResult
) -> list[str]:
    """What was set aside in each file read for its rows (in use, or none of whose
    rows could be used), for the command line's summary and the flow's result.

    A row is set aside when an error names it: a shared criterion the departments
    scored differently is an error too, but its lead's row is used, so it is not
    one. Per file and department: one line for the criteria left without a valid
    score, one per criterion whose figure is another row's (naming its department
    and file), one for the rows whose code could not be read (by cell)."""
    criteria_set = current.criteria_set
    # one pass over the rows in Python: a night at a thousand departments has a
    # few hundred files with errors, and a polars filter per file costs more
    read = {
        file
        for file, status, note in submissions.select("file", "status", "note").rows()
        if status == "used"
        or (status == "rejected" and note == messages.FILE_NO_ROW_USED)
    }
    by_file: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    for file, department, criterion, cell, message in (
        problems.filter(pl.col("severity") == "error")
        .select("file", "department", "criterion", "cell", "message")
        .rows()
    ):
        if file not in read or (criterion is None and cell is None):
            continue
        if _SHARED_CONFLICT.fullmatch(message or "") is not None:
            continue
        by_file.setdefault((file, str(department)), []).append((criterion, cell))
    scored_by: dict[str, str] = dict(
        current.nodes.filter(pl.col("is_leaf") & pl.col("score").is_not_null())
        .select("code", "scored_by")
        .drop_nulls()
        .iter_rows()
    )
    files_of: dict[str, list[str]] = {}
    for file, department, status in submissions.select(
        "file", "department", "status"
    ).rows():
        if status == "used":
            files_of.setdefault(str(department), []).append(file)

    def scorer(code: str) -> str:
        department = scored_by[code]
        name = criteria_set.department_name(department)
        files = files_of.get(department, [])
        if len(files) != 1:
            return name
        return messages.SCORER_IN_FILE.format(department=name, file=files[0])

    # a group's figure is its leaves' sum: its row set aside loses no score
    leaves = set(current.nodes.filter(pl.col("is_leaf"))["code"].to_list())
    known = set(current.nodes["code"].to_list())

    def row_count(cells: Sequence[str | None], fallback: int) -> int:
        """How many rows the cells lie on (``fallback`` without cells)."""
        found = {p[0] for c in cells if c and (p := cell_position(c)) is not None}
        return len(found) or fallback

    lines = []
    for (file, department), rows in by_file.items():
        name = criteria_set.department_name(department)
        codes = list(dict.fromkeys(code for code, _ in rows if code is not None))
        unscored = [code for code in codes if code not in scored_by and code in leaves]
        if unscored:
            wanted = set(unscored)
            lines.append(
                messages.ROWS_SET_ASIDE_SUMMARY.format(
                    department=name,
                    count=row_count(
                        [cell for code, cell in rows if code in wanted],
                        len(unscored),
                    ),
                    codes=", ".join(unscored),
                    file=file,
                )
            )
        unknown = [code for code in codes if code not in known]
        if unknown:  # a code the set does not have: counted for no criterion
            wanted = set(unknown)
            lines.append(
                messages.ROWS_SET_ASIDE_UNKNOWN_CODE.format(
                    department=name,
                    count=row_count(
                        [cell for code, cell in rows if code in wanted], len(unknown)
                    ),
                    codes=", ".join(unknown),
                    file=file,
                )
            )
        lines += [
            messages.ROWS_SET_ASIDE_SCORED_ELSEWHERE.format(
                department=name, code=code, file=file, scorer=scorer(code)
            )
            for code in codes
            if code in scored_by
        ]
        cells = [
            cell
            for cell in dict.fromkeys(cell for code, cell in rows if code is None)
            if cell is not None
        ]
        if cells:
            lines.append(
                messages.ROWS_SET_ASIDE_NO_CODE.format(
                    department=name,
                    count=row_count(cells, len(cells)),
                    file=file,
                    cells=", ".join(cells),
                )
            )
    return sorted(lines)

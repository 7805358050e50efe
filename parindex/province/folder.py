"""The province folder: its register of units, grades, criteria sets and unit folders.

```
inputs/
  don-vi.xlsx         sheet "Đơn vị": Mã đơn vị, Tên đơn vị, Khối, Tên khác
                      sheet "Xếp loại" (optional): Khối, Loại, Từ (%)
  criteria/*.xlsx     criteria sets, each with "Khối: <group>" (or none: every group)
  units/<Mã đơn vị>/  one unit's inputs folder, laid out as a unit's today
```
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.criteria import (
    CRITERIA_FOLDER,
    SELF_DEPARTMENT,
    CriteriaSet,
    Department,
    criteria_set_for_year,
    first_year_of,
    read_criteria_set,
)
from parindex.errors import (
    NoCriteriaSet,
    ParindexError,
    UnitsFolderMissing,
    UnusableCriteria,
)
from parindex.ingest.safety import read_office_workbook
from parindex.problems import problem, problems_frame
from parindex.settings import SETTINGS_FILE, read_unit_settings
from parindex.text import fold, nfc
from parindex.workbook import (
    CellValue,
    Sheet,
    UnreadableWorkbook,
    cell_ref,
    cell_text,
    find_table,
)

REGISTER_FILE = "don-vi.xlsx"
REGISTER_FILES = (REGISTER_FILE, "don-vi.xlsm", "don-vi.xls", "don-vi.ods")
"""The names the register may have (the formats the readers take), in the order
of preference: when several are there, the first is read (``register_file``)."""
UNITS_FOLDER = "units"
UNIT_SHEET = "Đơn vị"
GRADE_SHEET = "Xếp loại"
UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã đơn vị",),
    "name": ("Tên đơn vị",),
    "group": ("Khối", "Nhóm đơn vị"),
    "aliases": ("Tên khác",),
}
GRADE_COLUMNS: dict[str, tuple[str, ...]] = {
    "group": ("Khối",),
    "grade": ("Loại", "Xếp loại"),
    "floor": ("Từ (%)", "Từ", "Từ %", "Tỷ lệ từ (%)"),
}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


class UnusableProvince(ParindexError):
    """The province's register of units (``don-vi.xlsx``) cannot be used."""


@dataclass(frozen=True)
class Unit:
    """A unit the province scores: a department (sở, ban, ngành) or a commune."""

    code: str
    name: str
    group: str
    aliases: tuple[str, ...]
    folder: Path


@dataclass(frozen=True)
class GradeBand:
    """One line of ``Xếp loại``: ``grade`` from ``floor`` percent of the group's
    maximum upwards; ``group`` None applies to every group without its own lines."""

    group: str | None
    grade: str
    floor: Decimal


@dataclass(frozen=True)
class Province:
    """A province folder read: units in register order, groups in order of first
    appearance, the grade bands (None when there is no ``Xếp loại`` sheet) and the
    problems found in the folder (unit folders nobody registered)."""

    inputs: Path
    units: tuple[Unit, ...]
    groups: tuple[str, ...]
    grades: tuple[GradeBand, ...] | None
    problems: pl.DataFrame
    place: str = ""
    """The province as its own ``don-vi.toml`` names it (``province``): where a
    sở registered without its province is; "" when it says none."""


def register_file(inputs: Path) -> Path:
    """The register of ``inputs``: the first of ``REGISTER_FILES`` there (a
    ``don-vi.xlsx`` saved as ``.xlsm``, ``.xls`` or ``.ods`` is read as it is:
    blind round 17), else the ``don-vi.xlsx`` path."""
    found = [inputs / name for name in REGISTER_FILES if (inputs / name).is_file()]
    return found[0] if found else inputs / REGISTER_FILE


def is_province(inputs: Path) -> bool:
    """Whether ``inputs`` is a province folder (``don-vi.xlsx`` beside ``units/``,
    or without ``units/`` and without year folders: ``units_folder_gone``, whose
    night is refused naming the folder)."""
    if not register_file(inputs).is_file():
        return False
    return (inputs / UNITS_FOLDER).is_dir() or units_folder_gone(inputs)


def _sheet(sheets: list[Sheet], name: str) -> list[Sheet]:
    return [s for s in sheets if fold(s.name) == fold(name)]


def _unusable(lines: list[str], file: str = REGISTER_FILE) -> UnusableProvince:
    head = messages.PROVINCE_UNUSABLE.format(file=file)
    return UnusableProvince("\n".join([head, *(f"  - {line}" for line in lines)]))


def _percent(value: CellValue) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(float(value)))
    text = cell_text(value).replace("%", "").replace(",", ".").strip()
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _unit_folders(inputs: Path) -> dict[str, Path]:
    """Folded folder name → folder, for every folder under ``units/``.

    Raises:
        UnitsFolderMissing: ``units/`` is gone or cannot be listed.
    """
    root = inputs / UNITS_FOLDER
    try:
        listed = sorted(root.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        raise UnitsFolderMissing(
            messages.PROVINCE_UNITS_FOLDER_MISSING.format(
                folder=root, register=REGISTER_FILE
            )
        ) from None
    except OSError as error:
        raise UnitsFolderMissing(
            messages.PROVINCE_UNITS_FOLDER_UNREADABLE.format(
                folder=root, reason=messages.os_reason(error)
            )
        ) from None
    return {
        fold(path.name): path
        for path in listed
        if path.is_dir() and not path.name.startswith(".")
    }


def units_folder_gone(inputs: Path) -> bool:
    """Whether ``inputs`` is a province whose ``units/`` folder is gone: its
    register is there, ``units/`` is not, and no year folder stands beside them
    (a district's drop folders). Its night is refused as a province's, not
    taken for a district's."""
    if not register_file(inputs).is_file() or (inputs / UNITS_FOLDER).is_dir():
        return False
    try:
        return not any(
            entry.is_dir() and entry.name.isdigit() for entry in inputs.iterdir()
        )
    except OSError:
        return False


def unit_folder_error(unit: Unit) -> str | None:
    """Why ``unit``'s folder cannot be read (listed, its entries looked at), or
    None: a unit the run cannot read fails alone, said so, never the province's
    night (blind round 17)."""
    try:
        with os.scandir(unit.folder) as entries:
            for entry in entries:
                entry.stat(follow_symlinks=False)  # the folder can be entered
    except FileNotFoundError:
        return None  # no folder yet (a unit just registered): it has not submitted
    except OSError as error:
        return messages.PROVINCE_UNIT_FOLDER_UNREADABLE.format(
            folder=f"{UNITS_FOLDER}/{unit.folder.name}",
            reason=messages.os_reason(error),
        )
    return None


def read_province(inputs: Path) -> Province:
    """Read ``don-vi.xlsx`` and match every unit to its folder under ``units/``.

    Raises:
        UnusableProvince: the register cannot be read, has no unit table, or a
            unit row lacks its code, name or group, or repeats a code (every
            problem listed, each with its cell).
    """
    path = register_file(inputs)
    try:
        # a sheet the office hid is read, and said (blind round 17)
        workbook = read_office_workbook(path, hidden=True)
    except UnreadableWorkbook as error:
        reason = messages.PROVINCE_UNREADABLE.format(reason=error.reason)
        raise _unusable([reason], path.name) from None
    sheets = workbook.sheets
    table = find_table(
        _sheet(sheets, UNIT_SHEET) or [s for s in sheets if s.visible],
        UNIT_COLUMNS,
        required="code",
    )
    if table is None or "group" not in table.columns or "name" not in table.columns:
        raise _unusable([messages.PROVINCE_NO_TABLE], path.name)
    lines: list[str] = []
    units: list[Unit] = []
    seen: dict[str, str] = {}
    folders = _unit_folders(inputs)
    for r in range(table.data_row, len(table.sheet.cells)):
        code = cell_text(table.value(r, "code"))
        name = cell_text(table.value(r, "name"))
        group = cell_text(table.value(r, "group"))
        if not code and not name:
            continue
        where = cell_ref(r, table.columns["code"])
        if not code or not group:
            lines.append(messages.PROVINCE_ROW_INCOMPLETE.format(cell=where))
            continue
        if fold(code) in seen:
            lines.append(
                messages.PROVINCE_DUPLICATE_CODE.format(
                    code=code, cell=where, first=seen[fold(code)]
                )
            )
            continue
        seen[fold(code)] = where
        aliases = tuple(
            a.strip()
            for a in cell_text(table.value(r, "aliases")).split(";")
            if a.strip()
        )
        folder = folders.get(fold(code), inputs / UNITS_FOLDER / code)
        units.append(Unit(nfc(code), name or code, nfc(group), aliases, folder))
    if lines:
        raise _unusable(lines, path.name)
    if not units:
        raise _unusable([messages.PROVINCE_NO_UNITS], path.name)
    registered = {fold(u.code) for u in units}
    problems = [_hidden_said(table.sheet, path.name)] if not table.sheet.visible else []
    if workbook.facts_said is not None:  # hidden columns read as shown: said
        problems.append(problem("warning", workbook.facts_said, file=path.name))
    problems += [
        problem(
            "warning",
            messages.PROVINCE_UNREGISTERED_FOLDER.format(folder=folder.name),
            file=f"{UNITS_FOLDER}/{folder.name}",
        )
        for key, folder in folders.items()
        if key not in registered
    ]
    groups: list[str] = []
    for unit in units:
        if all(fold(g) != fold(unit.group) for g in groups):
            groups.append(unit.group)
    # every unit of a group carries the group's first spelling
    canonical = {fold(g): g for g in groups}
    units = [
        Unit(u.code, u.name, canonical[fold(u.group)], u.aliases, u.folder)
        for u in units
    ]
    grades = _read_grades(sheets, groups, path.name)
    grade_sheets = [s for s in _sheet(sheets, GRADE_SHEET) if not s.visible]
    problems += [_hidden_said(s, path.name) for s in grade_sheets[:1]]
    problems += _own_bands_said(grades, groups, path.name)
    settings, settings_problems = read_unit_settings(
        inputs / SETTINGS_FILE, messages.PROVINCE_SETTINGS_UNPLACED
    )
    problems += settings_problems.to_dicts()  # the register's first, in its order
    return Province(
        inputs=inputs,
        units=tuple(units),
        groups=tuple(groups),
        grades=grades,
        problems=problems_frame(problems),
        place=settings.province,
    )


def _hidden_said(sheet: Sheet, file: str) -> dict[str, str | None]:
    """The warning that a hidden sheet of the register was read."""
    return problem(
        "warning",
        messages.PROVINCE_SHEET_HIDDEN.format(sheet=sheet.name, file=file),
        file=file,
    )


def _band_text(bands: list[GradeBand]) -> str:
    """``Xuất sắc từ 90%, Tốt từ 80%``: bands as the warnings quote them."""
    return ", ".join(
        f"{b.grade} từ {format(b.floor.normalize(), 'f').replace('.', ',')}%"
        for b in sorted(bands, key=lambda b: -b.floor)
    )


def _own_bands_said(
    grades: tuple[GradeBand, ...] | None, groups: list[str], file: str
) -> list[dict[str, str | None]]:
    """A group with bands of its own is graded by them alone (``grade_for``): said
    for each such group when common bands exist (blind round 17: one band of its
    own took every common band away from a group, without a word)."""
    if not grades:
        return []
    common = [b for b in grades if b.group is None]
    if not common:
        return []
    said = []
    for group in groups:
        own = [b for b in grades if b.group == group]
        if own:
            said.append(
                problem(
                    "warning",
                    messages.PROVINCE_GROUP_OWN_GRADES.format(
                        group=group, own=_band_text(own), common=_band_text(common)
                    ),
                    file=file,
                )
            )
    return said


def _read_grades(
    sheets: list[Sheet], groups: list[str], file: str = REGISTER_FILE
) -> tuple[GradeBand, ...] | None:
    """The ``Xếp loại`` bands, or None when the register has no such sheet.

    Raises:
        UnusableProvince: a line without a grade or with a percent that is not a
            number from 0 to 100, or naming a group no unit belongs to.
    """
    candidates = _sheet(sheets, GRADE_SHEET)
    if not candidates:
        return None
    table = find_table(candidates, GRADE_COLUMNS, required="grade")
    if table is None or "floor" not in table.columns:
        raise _unusable([messages.PROVINCE_NO_GRADE_TABLE], file)
    known = {fold(g): g for g in groups}
    bands: list[GradeBand] = []
    lines: list[str] = []
    for r in range(table.data_row, len(table.sheet.cells)):
        grade = cell_text(table.value(r, "grade"))
        raw_floor = table.value(r, "floor")
        group_text = cell_text(table.value(r, "group"))
        if not grade and not cell_text(raw_floor):
            continue
        floor = _percent(raw_floor)
        where = cell_ref(r, table.columns.get("floor", table.columns["grade"]))
        if not grade or floor is None or not 0 <= floor <= 100:
            lines.append(
                messages.PROVINCE_BAD_GRADE.format(
                    cell=where, value=cell_text(raw_floor)
                )
            )
            continue
        group = None
        if group_text:
            if fold(group_text) not in known:
                lines.append(
                    messages.PROVINCE_GRADE_UNKNOWN_GROUP.format(
                        group=group_text, cell=where
                    )
                )
                continue
            group = known[fold(group_text)]
        bands.append(GradeBand(group, nfc(grade), floor))
    if lines:
        raise _unusable(lines, file)
    if bands and all(b.floor <= 1 for b in bands):
        # cells formatted as percentages hold 0.8 for 80 %: every floor is a fraction
        bands = [GradeBand(b.group, b.grade, b.floor * 100) for b in bands]
    return tuple(bands)


@dataclass(frozen=True)
class CriteriaChoice:
    """The criteria set a unit uses in a year, or why it has none."""

    criteria_set: CriteriaSet | None
    error: str | None = None
    source: Path | None = None


def _criteria_workbooks(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        path
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in WORKBOOK_SUFFIXES
        and not path.name.startswith(("~$", "."))
    ]


class CriteriaLibrary:
    """The province's criteria sets, each workbook read once per run.

    A unit uses, for year Y, the set of its group (``Khối``) with the greatest
    ``Áp dụng từ năm`` ≤ Y; failing one, a set without ``Khối``; a unit folder's
    own ``criteria/`` overrides the province's sets for that unit.
    """

    def __init__(self, inputs: Path) -> None:
        self._folder = inputs / CRITERIA_FOLDER
        self._sets: dict[Path, CriteriaSet | str] = {}
        self._heads: list[tuple[str | None, int, Path]] | None = None

    def _index(self) -> list[tuple[str | None, int, Path]]:
        """(group folded or None, first year, path) of every set workbook.

        Raises:
            UnusableCriteria: a workbook of the folder cannot be read or states no
                first year, or two sets of the same group (``Khối``) have the same
                first year (as ``criteria.available_criteria_sets``: a year is never
                consolidated with a set chosen by accident).
        """
        if self._heads is None:
            heads = []
            keys: dict[tuple[int, str], list[Path]] = {}
            for path in _criteria_workbooks(self._folder):
                stated = first_year_of(path)
                if stated is None:
                    read_criteria_set(path)  # says why it is not a criteria set
                    continue  # pragma: no cover - it raised
                heads.append((stated[1] or None, stated[0], path))
                keys.setdefault(stated, []).append(path)
            for (year, _), paths in sorted(keys.items()):
                if len(paths) > 1:
                    raise UnusableCriteria(
                        messages.CRITERIA_SAME_FIRST_YEAR.format(
                            count=len(paths),
                            year=year,
                            files=", ".join(f"“{p.name}”" for p in paths),
                            folder=self._folder,
                        )
                    )
            self._heads = sorted(heads, key=lambda h: (h[1], h[2].name))
        return self._heads

    def check(self) -> None:
        """Read the first year and group of every set now (raises as ``_index``)."""
        self._index()

    def _read(self, path: Path) -> CriteriaSet | str:
        if path not in self._sets:
            try:
                self._sets[path] = read_criteria_set(path)
            except ParindexError as error:
                self._sets[path] = str(error)
        return self._sets[path]

    def choose(self, unit: Unit, year: int) -> CriteriaChoice:
        """The criteria set ``unit`` uses in ``year``, or the reason it has none."""
        own = unit.folder / CRITERIA_FOLDER
        if _criteria_workbooks(own):
            try:
                return CriteriaChoice(criteria_set_for_year(own, year), source=own)
            except ParindexError as error:
                return CriteriaChoice(None, str(error))
        heads = [h for h in self._index() if h[1] <= year]
        mine = [h for h in heads if h[0] == fold(unit.group)] or [
            h for h in heads if h[0] is None
        ]
        if not mine:
            return CriteriaChoice(
                None,
                str(
                    NoCriteriaSet(
                        messages.PROVINCE_NO_CRITERIA.format(
                            group=unit.group, year=year, folder=self._folder
                        )
                    )
                ),
            )
        path = mine[-1][2]
        found = self._read(path)
        if isinstance(found, str):
            return CriteriaChoice(None, found)
        return CriteriaChoice(found, source=path)

    def group_set(self, group: str, year: int) -> CriteriaSet | None:
        """The province's set for ``group`` in ``year`` (its maximum is the group's)."""
        heads = [h for h in self._index() if h[1] <= year]
        mine = [h for h in heads if h[0] == fold(group)] or [
            h for h in heads if h[0] is None
        ]
        if not mine:
            return None
        found = self._read(mine[-1][2])
        return found if isinstance(found, CriteriaSet) else None


def province_unit_of(path: Path) -> tuple[Path, str] | None:
    """(the province folder, the unit's folder name) when ``path`` lies in a
    unit's folder of a province (``<province>/units/<unit>/…``), else None."""
    resolved = path.resolve()
    for folder in resolved.parents:
        if folder.name == UNITS_FOLDER and is_province(folder.parent):
            inside = resolved.relative_to(folder).parts
            return (folder.parent, inside[0]) if len(inside) > 1 else None
    return None


def with_other_units(
    criteria_set: CriteriaSet | None, province: Province, unit: Unit
) -> CriteriaSet | None:
    """``criteria_set`` as ``unit`` reads it in ``province``: a set the unit
    fills itself knows the other registered units (``CriteriaSet.other_units``:
    a form naming one of them exactly is that unit's), and its one department
    is the unit, named as the register names it (not "Đơn vị tự đánh giá":
    "Đơn vị UBND xã An Bình chưa nộp …"), and it knows the province's own
    place (``Province.place``)."""
    if criteria_set is None or not criteria_set.self_assessed:
        return criteria_set
    others = tuple(
        Department(other.code, other.name, other.aliases)
        for other in province.units
        if other.code != unit.code
    )
    departments = tuple(
        Department(department.code, unit.name, unit.aliases)
        if department == SELF_DEPARTMENT
        else department
        for department in criteria_set.departments
    )
    return dataclasses.replace(
        criteria_set,
        departments=departments,
        other_units=others,
        province_place=province.place,
    )

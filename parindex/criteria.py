"""The criteria set (Bộ chỉ số): read, validate, and pick the one in force for a year.

A criteria set is a tree of codes (``1`` → ``1.2`` → ``1.2.1``, any depth); only leaves
are scored, every other maximum is the sum of its children's. Leaves carry a score
group and the departments responsible for them.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.errors import NoCriteriaSet, UnusableCriteria
from parindex.ingest.places import placed_name
from parindex.ingest.safety import OfficeWorkbook, read_office_workbook
from parindex.numbers import SCALE, SCORE_LIMIT, as_shown, exact_sum, exact_total
from parindex.settings import SETTINGS_FILE, UnitSettings, read_unit_settings
from parindex.text import (
    code_key,
    fold,
    fold_label,
    fold_name,
    format_vn,
    nfc,
    normalise_code,
    parse_figure,
    parse_number,
    roman_component,
    without_sum_formula,
)
from parindex.validation import failed_checks
from parindex.workbook import (
    MAX_COLUMNS,
    MAX_ROWS,
    SEARCH_ROWS,
    CellValue,
    Sheet,
    Table,
    UnreadableWorkbook,
    cell_ref,
    cell_text,
    column_letter,
    find_metadata,
    find_table,
    rows_visible_first,
)
from schemas.criteria import TOLERANCE, CriteriaNodeRow

GROUP_LABELS: dict[str, str] = {
    "appraisal": "Thẩm định",
    "survey": "Điều tra XHH",
    "socioeconomic": "Tác động KT-XH",
    "sipas": "SIPAS",
}
GROUP_ALIASES: dict[str, tuple[str, ...]] = {
    "appraisal": ("Thẩm định", "Điểm thẩm định"),
    "survey": ("Điều tra XHH", "Điều tra xã hội học", "Điều tra", "Điểm điều tra"),
    "socioeconomic": ("Tác động KT-XH", "Tác động kinh tế - xã hội", "KT-XH"),
    "sipas": ("SIPAS", "Điểm SIPAS"),
}
CRITERIA_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã", "Mã tiêu chí", "TT", "STT"),
    "name": ("Tên", "Tên tiêu chí", "Tiêu chí", "Nội dung"),
    "max": ("Điểm tối đa", "Điểm chuẩn", "Thang điểm"),
    "group": ("Nhóm điểm", "Nhóm"),
    "departments": (
        "Đơn vị chủ trì",
        "Đơn vị",
        "Đơn vị phụ trách",
        "Cơ quan chủ trì",
        "Cơ quan, đơn vị chủ trì",
        "Cơ quan đơn vị chủ trì",
        "Đơn vị chủ trì thẩm định",
        "Cơ quan chủ trì thẩm định",
        "Đơn vị thực hiện",
        "Cơ quan thực hiện",
        "Chủ trì",
    ),
}
CRITERIA_LABELS: dict[str, tuple[str, ...]] = {
    "first_year": ("Áp dụng từ năm",),
    "name": ("Tên",),
}
BLOCK_LABEL: dict[str, tuple[str, ...]] = {"block": ("Khối",)}
DEPARTMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã đơn vị",),
    "name": ("Tên đơn vị",),
    "aliases": ("Tên khác",),
}
# in a sheet named `Đơn vị` (hidden or not), its columns as offices head them too
NAMED_SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã đơn vị", "Mã", "Mã số", "Ký hiệu"),
    "name": (
        "Tên đơn vị",
        "Tên",
        "Tên phòng, ban",
        "Tên phòng ban",
        "Tên cơ quan",
        "Tên cơ quan, đơn vị",
        "Đơn vị",
    ),
    "aliases": ("Tên khác", "Tên gọi khác", "Tên viết tắt"),
}
CRITERIA_FOLDER = "criteria"  # inside the inputs folder
CRITERIA_SHEET = "Tiêu chí"
DEPARTMENT_SHEET = "Đơn vị"

NODE_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "name": pl.String(),
    "max": pl.Float64(),
    "group": pl.String(),
    "departments": pl.List(pl.String()),
    "parent": pl.String(),
    "component": pl.String(),
    "depth": pl.Int32(),
    "is_leaf": pl.Boolean(),
    "position": pl.Int32(),
}


# Digests of frames (``hash_rows``, ``write_json``) taken from two threads at once
# on frames of one criteria set (a province works on its units in parallel, and
# they share their group's set) deadlocked inside polars: every digest of a frame
# is taken under this lock, one at a time.
DIGEST_LOCK = threading.RLock()


@dataclass(frozen=True)
class Department:
    """A responsible department (đơn vị chủ trì): code, full name, other names."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()


# A set without "Đơn vị chủ trì" is filled whole by the unit itself (a commune's
# self-assessment): every leaf belongs to this one department, every file is its own.
SELF_DEPARTMENT = Department("DV", "Đơn vị tự đánh giá")


@dataclass(frozen=True)
class CriteriaSet:
    """A validated criteria tree.

    ``nodes`` has one row per node in tree order (see ``NODE_SCHEMA``):
    ``departments`` and ``group`` are set on leaves only; ``component`` is the
    top-level code the node belongs to. ``unit_group`` is the ``Khối`` line (the
    province's group of units the set is for), ``self_assessed`` says the set has
    no ``Đơn vị chủ trì``: the unit fills the whole form itself and every leaf
    belongs to ``SELF_DEPARTMENT``.
    """

    name: str
    first_year: int
    source: str
    nodes: pl.DataFrame
    departments: tuple[Department, ...]
    unit_group: str | None = None
    self_assessed: bool = False
    other_units: tuple[Department, ...] = ()
    """In a province, the registered units other than the one the set is read
    for (code, name, other names): a self-assessed form whose ``Đơn vị`` line
    names one of them exactly is that unit's, not the folder's."""
    province_place: str = ""
    """In a province, the province as its own ``don-vi.toml`` names it: where a
    unit registered without its province (``Sở Tư pháp``) is."""
    warnings: tuple[str, ...] = ()
    """What the night says of the set's workbook, though the set is read (its
    hidden rows and columns could not be told: ``OfficeWorkbook.facts_said``)."""

    @property
    def leaves(self) -> pl.DataFrame:
        """The scored nodes."""
        return self.nodes.filter(pl.col("is_leaf"))

    @property
    def group_codes(self) -> frozenset[str]:
        """The codes of the nodes that are sums of others (groups, components)."""
        return frozenset(self.nodes.filter(~pl.col("is_leaf"))["code"].to_list())

    @property
    def components(self) -> pl.DataFrame:
        """The top-level nodes (chỉ số thành phần)."""
        return self.nodes.filter(pl.col("depth") == 1)

    def department_name(self, code: str) -> str:
        """The full name of a department code (the code itself when unknown)."""
        return self._department_names.get(code, code)

    @cached_property
    def codes_by_name(self) -> dict[str, tuple[str, ...]]:
        """Each criterion's folded name (``text.fold_name``) → the codes named so,
        in tree order: the reader checks a row's name against it (one look-up a
        row). Worked out once per set, and kept with it between nights
        (``parindex.kept_criteria``)."""
        return names_folded(self)

    @cached_property
    def department_words(self) -> tuple[dict[str, frozenset[str]], int]:
        """The departments' folded codes, names and aliases → their codes, and
        the most words in one (``ingest.winners.name_index``: how a file's or a
        folder's name is matched against them). Worked out once per set, and
        kept with it between nights."""
        from parindex.ingest.winners import name_index  # the rule lives there

        return name_index(self.departments)

    @cached_property
    def digest(self) -> str:
        """sha256 of everything the set holds (``set_digest``): the parse cache,
        the department workbooks and the report's parts are keyed by it. Worked
        out once per set, and kept with it between nights."""
        return set_digest(self)

    @cached_property
    def _department_names(self) -> dict[str, str]:
        """Code → name, the first department listed under a code winning."""
        names: dict[str, str] = {}
        for department in self.departments:
            names.setdefault(department.code, department.name)
        return names


def names_folded(criteria_set: CriteriaSet) -> dict[str, tuple[str, ...]]:
    """``CriteriaSet.codes_by_name``, worked out."""
    codes: dict[str, tuple[str, ...]] = {}
    for code, name in criteria_set.nodes.select("code", "name").iter_rows():
        key = fold_name(name or "")
        if key:
            codes[key] = (*codes.get(key, ()), code)
    return codes


def set_digest(criteria_set: CriteriaSet) -> str:
    """sha256 of everything a criteria set holds (name, years, departments with
    their aliases, every node)."""
    digest = hashlib.sha256()
    head = [
        criteria_set.name,
        criteria_set.first_year,
        criteria_set.source,
        [asdict(department) for department in criteria_set.departments],
    ]
    if criteria_set.other_units:  # read for a unit of a province
        head.append([asdict(unit) for unit in criteria_set.other_units])
    if criteria_set.province_place:
        head.append(criteria_set.province_place)
    digest.update(json.dumps(head, ensure_ascii=False).encode())
    with DIGEST_LOCK:
        digest.update(criteria_set.nodes.write_json().encode())
    return digest.hexdigest()


def ancestor_pairs(codes: pl.Series, *, proper: bool = False) -> pl.DataFrame:
    """``code`` and ``node``: each distinct code of ``codes`` beside every prefix of
    it from the top, itself included (``text.ancestors``: ``1.2.1`` → ``1``,
    ``1.2``, ``1.2.1``), or only its proper ancestors when ``proper``.

    One frame for the whole year's codes, instead of a Python list per code.
    """
    distinct = pl.DataFrame({"code": codes.drop_nulls().unique(maintain_order=True)})
    schema = {"code": pl.String, "node": pl.String}
    if distinct.is_empty():
        return pl.DataFrame(schema=schema)
    parts = pl.col("code").str.split(".")
    depth = int(distinct.select(parts.list.len().max()).item())
    wanted = range(1, depth) if proper else range(1, depth + 1)
    if not wanted:
        return pl.DataFrame(schema=schema)
    prefixes = [
        pl.when(parts.list.len() > k if proper else parts.list.len() >= k).then(
            parts.list.head(k).list.join(".")
        )
        for k in wanted
    ]
    return (
        distinct.select("code", node=pl.concat_list(prefixes).list.drop_nulls())
        .explode("node")
        .drop_nulls("node")
        .cast(schema)  # type: ignore[arg-type]
    )


_FOLDED_NAMES: dict[int, tuple[Sequence[Department], dict[str, str]]] = {}


def _names_by_fold(departments: Sequence[Department]) -> dict[str, str]:
    """Folded code, name and alias → department code (the first department wins).

    Cached by identity: a criteria set's departments are one tuple for its life,
    and hashing a thousand departments on every file would cost more than the match.
    """
    cached = _FOLDED_NAMES.get(id(departments))
    if cached is not None and cached[0] is departments:
        return cached[1]
    index: dict[str, str] = {}
    for department in departments:
        for name in (department.code, department.name, *department.aliases):
            index.setdefault(fold(name), department.code)
    if len(_FOLDED_NAMES) > 16:
        _FOLDED_NAMES.clear()
    _FOLDED_NAMES[id(departments)] = (departments, index)
    return index


def match_department(text: str, departments: Sequence[Department]) -> str | None:
    """The department whose code, name or alias matches ``text`` (accents, case and
    spacing ignored), or None."""
    wanted = fold(text)
    if not wanted:
        return None
    return _names_by_fold(departments).get(wanted)


def _departments_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets named `Đơn vị`, hidden ones too."""
    return [s for s in sheets if fold(s.name) == fold(DEPARTMENT_SHEET)]


def _read_departments(sheets: list[Sheet]) -> tuple[Department, ...] | None:
    """The departments the set lists: in a sheet named `Đơn vị` (hidden or not,
    its columns headed as ``NAMED_SHEET_COLUMNS``), else in a shown sheet with
    `Mã đơn vị` and `Tên đơn vị`; None when none is found."""
    candidates = _departments_sheets(sheets)
    table = (
        find_table(candidates, NAMED_SHEET_COLUMNS, required="code")
        if candidates
        else find_table(
            [s for s in sheets if s.visible], DEPARTMENT_COLUMNS, required="code"
        )
    )
    if table is None or "name" not in table.columns:
        return None
    found: list[Department] = []
    for r in range(table.data_row, len(table.sheet.cells)):
        code = cell_text(table.value(r, "code"))
        if not code:
            continue
        aliases = tuple(
            a.strip()
            for a in cell_text(table.value(r, "aliases")).split(";")
            if a.strip()
        )
        found.append(
            Department(code, cell_text(table.value(r, "name")) or code, aliases)
        )
    return tuple(found)


@dataclass(frozen=True)
class _Listed:
    """What a `Đơn vị chủ trì` cell names: the departments' codes (in the order
    listed, each once), the parts that are no department and the parts that are
    the name of several, each as ``“name” (code, code)``."""

    codes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


class _DepartmentNames:
    """A `Đơn vị chủ trì` cell's parts → departments: a code as typed, else a
    code, name or alias of the `Đơn vị` sheet folded (``text.fold``: case,
    accents, spacing, dashes), as a submission's `Đơn vị` line is matched
    (``match_department``); unlike there, a name of two departments is not given
    to the first: it is said. Parts are separated by ``;``, or by ``,`` when the
    part holding them is not a name itself (``Các cơ quan, đơn vị``)."""

    def __init__(self, departments: Sequence[Department]) -> None:
        self.codes = {department.code for department in departments}
        self.folded: dict[str, tuple[str, ...]] = {}
        for department in departments:
            names = (department.code, department.name, *department.aliases)
            for key in dict.fromkeys(fold(name) for name in names):
                found = self.folded.get(key, ())
                if key and department.code not in found:
                    self.folded[key] = (*found, department.code)
        self.read: dict[str, _Listed] = {}  # leaves of a large set repeat their lists

    def _named(self, part: str) -> tuple[str, ...]:
        return (part,) if part in self.codes else self.folded.get(fold(part), ())

    def _joined(self, part: str) -> list[str] | None:
        """The departments ``part`` joins with ``+`` or ``và``, when exactly one
        way of reading it makes every piece a department (``Phòng Nội vụ và Văn
        phòng HĐND và UBND``: the second "và" is inside a name); None else."""
        readings: list[list[str]] = []
        for group in _PLUS.split(part):
            words = [w.strip() for w in _AND.split(group)]
            found = []
            # every way of cutting the words at some of their "và", kept when
            # each piece is a department (a cell lists a handful at most)
            for cuts in range(1 << max(len(words) - 1, 0)):
                pieces, start = [], 0
                for i in range(1, len(words)):
                    if cuts >> (i - 1) & 1:
                        pieces.append(" và ".join(words[start:i]))
                        start = i
                pieces.append(" và ".join(words[start:]))
                if all(self._named(p) for p in pieces):
                    found.append(pieces)
            if len(found) != 1:
                return None
            readings.append(found[0])
        joined = [piece for reading in readings for piece in reading]
        return joined if len(joined) > 1 else None

    def listed(self, text: str) -> _Listed:
        """The departments ``text`` names (``_Listed``)."""
        known = self.read.get(text)
        if known is not None:
            return known
        codes: list[str] = []
        unknown: list[str] = []
        ambiguous: list[str] = []
        for cell_part in (p.strip() for p in text.split(";")):
            if not cell_part:
                continue
            lines = [line.strip() for line in cell_part.splitlines() if line.strip()]
            if len(lines) > 1 and all(self._named(line) for line in lines):
                pieces = lines  # one department a line
            else:  # a name wrapped over lines is one text
                part = " ".join(cell_part.split())
                pieces = [part]
                if not self._named(part):
                    # "NV, TCKH"; "NV và TCKH", "NV + TCKH" when each is one (a
                    # name holding "và", "Văn phòng HĐND và UBND", is one)
                    pieces = (
                        [p.strip() for p in part.split(",") if p.strip()]
                        if "," in part
                        else self._joined(part) or pieces
                    )
            for piece in pieces:
                named = self._named(piece)
                if not named:
                    unknown.append(piece)
                elif len(named) > 1:
                    ambiguous.append(f"“{piece}” ({', '.join(named)})")
                elif named[0] not in codes:
                    codes.append(named[0])
        found = _Listed(tuple(codes), tuple(unknown), tuple(ambiguous))
        self.read[text] = found
        return found


_PLUS = re.compile(r"\s*\+\s*")
_AND = re.compile(r"\s+và\s+", re.IGNORECASE)


@lru_cache(maxsize=256)
def _group_key(text: str) -> str | None:
    if not text:
        return None
    folded = fold_label(text)
    for key, aliases in GROUP_ALIASES.items():
        if any(folded == fold_label(alias) for alias in aliases):
            return key
    return text  # kept as typed so that the check names it


NODE_ROW_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "raw_code": pl.String(),
    "code_numeric": pl.Boolean(),
    "code": pl.String(),
    "name": pl.String(),
    "raw_max": pl.String(),
    "max": pl.Float64(),
    "group": pl.String(),
    "departments": pl.List(pl.String()),
    "has_departments": pl.Boolean(),
    "unknown_departments": pl.String(),
    "ambiguous_departments": pl.String(),
    "group_row": pl.Int64(),
    "departments_row": pl.Int64(),
}


def _merged_sources(table: Table, name: str) -> dict[int, int]:
    """Row → the row whose cell it takes the value of, for the data rows of
    ``name``'s column that lie inside a merged range starting in that column (a
    province merges the `Đơn vị chủ trì` or `Nhóm điểm` of a run of leaves): the
    first cell holds the value, the merge gives it to every row it covers. A range
    starting above the data (in the header) or in another column gives nothing."""
    index = table.columns.get(name)
    if index is None:
        return {}
    sources: dict[int, int] = {}
    for (r1, c1), (r2, _) in table.sheet.merged:
        if c1 == index and r1 >= table.data_row:
            for row in range(r1 + 1, r2 + 1):
                sources[row] = r1
    return sources


# a row without a code named so is the table's total (``text.fold_name``)
TOTAL_NAMES = frozenset(
    fold_name(name)
    for name in (
        "Tổng cộng",
        "Tổng số",
        "Tổng điểm",
        "Tổng số điểm",
        "Tổng cộng điểm",
        "Tổng",
        "Cộng",
    )
)


def _is_total_label(text: str) -> bool:
    """Whether a cell names a sum row (``TOTAL_NAMES``, a formula after it in
    brackets allowed)."""
    return bool(text) and fold_name(without_sum_formula(text)) in TOTAL_NAMES


@dataclass(frozen=True)
class _Totals:
    """Where the `Tiêu chí` table's sum rows are (rows without a code named as
    a total, ``TOTAL_NAMES``): all of them (none is a criterion), and ``end``,
    the last one when no code follows it (the rows below it are notes and
    signatures, not criteria; a code there is refused), unless it heads the
    table (no code above it)."""

    rows: tuple[int, ...]
    end: int | None
    notes_from: int | None = None
    """Without such a last sum row: the first of the rows below the last code
    when none of them has a code or a maximum (notes under the table, not
    criteria)."""

    @property
    def last_read(self) -> int | None:
        """The row the criteria end before (None: the sheet's end)."""
        return self.end if self.end is not None else self.notes_from


def _total_rows(table: Table) -> _Totals:
    """The table's sum rows (``_Totals``): a row whose name (or code) cell names
    a total (``_is_total_label``)."""
    rows: list[int] = []
    coded = last_coded = False  # a code above the row, above the last sum row
    last_code: int | None = None
    for row in range(table.data_row, len(table.sheet.cells)):
        code = cell_text(table.value(row, "code"))
        if _is_total_label(cell_text(table.value(row, "name"))) or _is_total_label(
            code
        ):
            rows.append(row)
            last_coded = coded
        elif code:
            coded = True
            if normalise_code(code) or roman_component(code):
                last_code = row
    end = rows[-1] if rows and last_coded else None
    notes_from = None
    if end is None and last_code is not None:
        # below the last code, rows with no maximum and no code (a note in
        # the code column, "Ghi chú: …", is no code) are notes
        below = range(last_code + 1, len(table.sheet.cells))
        if all(
            not cell_text(table.value(row, "max"))
            and not normalise_code(cell_text(table.value(row, "code")))
            for row in below
            if row not in rows
        ):
            notes_from = last_code + 1
    return _Totals(tuple(rows), end, notes_from)


def _codes(raw_codes: list[str]) -> list[str | None]:
    """Each row's code: its text's (``normalise_code``), or, for a component
    numbered in capital Roman numerals (``I``, ``II.``), that component's
    number, when no row of the table is coded so already."""
    codes = [normalise_code(raw) for raw in raw_codes]
    taken = set(codes)
    for i, raw in enumerate(raw_codes):
        if codes[i] is None and (number := roman_component(raw)) not in taken:
            codes[i] = number
    return codes


def _read_maximum(raw: CellValue) -> tuple[float | None, str]:
    """A `Điểm tối đa` cell: its number (None when it holds none, or one beyond
    ``SCORE_LIMIT``, NaN too) and its text as shown in a message."""
    text = cell_text(raw)
    maximum = (
        float(raw)
        if isinstance(raw, int | float) and not isinstance(raw, bool)
        else parse_figure(text)  # "2 điểm", as a decision prints it
    )
    if maximum is not None and not abs(maximum) <= SCORE_LIMIT:
        return None, text if isinstance(raw, str) else as_shown(maximum)
    return maximum, text


def _stated_total(table: Table, row: int) -> tuple[float | None, str | None]:
    """A sum row's stated maximum, and its text when it is no number."""
    stated, shown = _read_maximum(table.value(row, "max"))
    if shown and stated is None:
        return None, shown
    return stated, None


def _same_total(stated: float, maxima: list[float]) -> bool:
    computed = exact_total(maxima)
    return abs(round(stated * SCALE) - round(computed * SCALE)) <= round(
        TOLERANCE * SCALE
    )


def _total_lines(table: Table, totals: _Totals, frame: pl.DataFrame) -> list[str]:
    """The problems of the table's sum rows. A sum row above every code heads
    the table: the sum of every component's maximum. One followed by codes and
    by another sum row is a subtotal (a `Cộng` under each component): the sum of
    the components since the sum row before it. The last one is the table's
    total: the sum of the components above it, or, after subtotals, of those
    since the last of them; a code below it is refused (a criterion after the
    total is not left out without a word). Each within ``TOLERANCE``."""
    components = frame.filter(pl.col("code").is_not_null() & pl.col("parent").is_null())
    placed = list(
        zip(components["row"].to_list(), components["max"].to_list(), strict=True)
    )
    lines = []
    previous = table.data_row - 1
    for index, row in enumerate(totals.rows):
        name = cell_text(table.value(row, "name"))
        where = table.cell(row, "max")
        stated, unread = _stated_total(table, row)
        if unread is not None:
            lines.append(
                f"ô {where}: "
                + messages.CRITERIA_TOTAL_NOT_NUMBER.format(name=name, raw=unread)
            )
            previous = row
            continue
        above = [m for r, m in placed if r < row]
        part = [m for r, m in placed if previous < r < row]
        last = index == len(totals.rows) - 1
        heading = not above
        whole = [m for _, m in placed] if heading else above
        if stated is None or None in whole or None in part:
            previous = row
            continue
        if heading or (last and index == 0):
            fits = _same_total(stated, whole)
        elif last:
            fits = _same_total(stated, whole) or _same_total(stated, part)
        else:
            fits = _same_total(stated, part)
        if not fits:
            computed = format_vn(exact_total(whole))
            table_sum = format_vn(exact_total([m for _, m in placed]))
            lines.append(
                f"ô {where}: "
                + (
                    messages.CRITERIA_TOTAL_DIFFERS.format(
                        name=name, stated=format_vn(stated), computed=computed
                    )
                    if heading or index == 0 and last
                    else messages.CRITERIA_SUBTOTAL_DIFFERS.format(
                        name=name,
                        stated=format_vn(stated),
                        part=format_vn(exact_total(part)),
                        computed=table_sum,
                    )
                )
            )
        previous = row
    if totals.end is not None:
        # codes after the last sum row: a criterion left after the total
        last_row = totals.end
        name = cell_text(table.value(last_row, "name"))
        for row in range(last_row + 1, len(table.sheet.cells)):
            code = normalise_code(cell_text(table.value(row, "code")))
            if code is not None:
                lines.append(
                    f"ô {table.cell(row, 'code')}: "
                    + messages.CRITERIA_AFTER_TOTAL.format(
                        code=code, name=name, row=last_row + 1
                    )
                )
    return lines


def _node_rows(
    table: Table,
    departments: tuple[Department, ...],
    self_assessed: bool = False,
    totals: _Totals | None = None,
) -> pl.DataFrame:
    """The table's rows as a frame, with the derived columns the schema checks
    (every row belongs to ``SELF_DEPARTMENT`` when ``self_assessed``).

    Built column by column (a list per column, not a dict per row); a list of
    departments travels as one text and is split by polars, not turned into a
    Python list per row. The sum rows (``_total_rows``) are not read, nor the
    rows below the last one when no code follows it."""
    resolver = _DepartmentNames(departments)
    first = table.data_row
    end = totals.last_read if totals is not None else None
    lines = table.sheet.cells[first:end]

    def column(name: str) -> list[CellValue]:
        """The column's values ("" where absent), as ``Table.value`` gives them."""
        index = table.columns.get(name)
        if index is None:
            return [""] * len(lines)
        return [line[index] if index < len(line) else "" for line in lines]

    def filled(name: str) -> tuple[list[CellValue], list[int]]:
        """The column's values with each merged range's value on every row it
        covers (``_merged_sources``), and the row each value comes from."""
        values, rows = column(name), list(range(first, first + len(lines)))
        for row, source in _merged_sources(table, name).items():
            if row - first < len(lines):
                values[row - first] = values[source - first]
                rows[row - first] = source
        return values, rows

    code_values = column("code")
    raw_codes = [cell_text(value) for value in code_values]
    node_codes = _codes(raw_codes)
    names = [cell_text(value) for value in column("name")]
    skipped = set() if totals is None else {row - first for row in totals.rows}
    kept = [
        i for i in range(len(lines)) if (raw_codes[i] or names[i]) and i not in skipped
    ]
    raw_maxes = column("max")
    groups, group_rows = filled("group")
    listed_texts, departments_rows = filled("departments")
    columns: dict[str, list[object]] = {name: [] for name in NODE_ROW_SCHEMA}
    for i in kept:
        listed = (
            _Listed((SELF_DEPARTMENT.code,))
            if self_assessed
            else resolver.listed(cell_text(listed_texts[i]))
        )
        columns["row"].append(first + i)
        columns["raw_code"].append(raw_codes[i])
        columns["code_numeric"].append(
            isinstance(code_values[i], int | float)
            and not isinstance(code_values[i], bool)
        )
        columns["code"].append(node_codes[i])
        columns["name"].append(names[i])
        # beyond SCORE_LIMIT is no maximum either: said by ``max_is_number``
        maximum, max_text = _read_maximum(raw_maxes[i])
        columns["raw_max"].append(max_text)
        columns["max"].append(maximum)
        columns["group"].append(_group_key(cell_text(groups[i])))
        # the parts hold no ";" (they were split on it): one text, split below
        codes = listed.codes
        columns["departments"].append(";".join(codes) if codes else None)
        columns["has_departments"].append(
            bool(codes or listed.unknown or listed.ambiguous)
        )
        columns["unknown_departments"].append("; ".join(listed.unknown) or None)
        columns["ambiguous_departments"].append("; ".join(listed.ambiguous) or None)
        columns["group_row"].append(group_rows[i])
        columns["departments_row"].append(departments_rows[i])
    frame = pl.DataFrame(
        columns, schema={**NODE_ROW_SCHEMA, "departments": pl.String()}
    ).with_columns(
        pl.col("departments")
        .str.split(";")
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    # the parent of "1.2.1" is "1.2": everything before the last dot
    frame = frame.with_columns(parent=pl.col("code").str.extract(r"^(.*)\.", 1))
    frame = frame.with_columns(
        is_leaf=pl.col("code").is_not_null()
        & pl.col("code").is_in(frame["parent"].drop_nulls().unique().implode()).not_(),
    )
    known = frame["code"].drop_nulls().unique().implode()
    children_max = (
        frame.filter(pl.col("parent").is_not_null())
        .group_by("parent")
        .agg(exact_sum(pl.col("max")).alias("children_max"))
        .rename({"parent": "code"})
    )
    return frame.join(children_max, on="code", how="left").with_columns(
        parent_found=pl.col("parent").is_null() | pl.col("parent").is_in(known)
    )


# the column and the row field naming the cell that holds the value a check
# finds wrong (the code's cell for every check not listed); a merged group or
# department is named where it is typed, the merge's first cell
PROBLEM_CELLS: dict[str, tuple[str, str]] = {
    "max_is_number": ("max", "row"),
    "max_is_sum_of_children": ("max", "row"),
    "leaf_has_group": ("group", "group_row"),
    "group_known": ("group", "group_row"),
    "leaf_has_departments": ("departments", "departments_row"),
    "departments_known": ("departments", "departments_row"),
    "departments_unambiguous": ("departments", "departments_row"),
}


def _problem_lines(frame: pl.DataFrame, table: Table) -> list[str]:
    failures = failed_checks(CriteriaNodeRow, frame)
    lines = []
    # codes read from a cell holding a number, with a dot (8.1 may be 8.10): the
    # rows of those cells, top to bottom
    as_numbers: dict[str, list[int]] = {}
    for code, row, numeric in frame.select("code", "row", "code_numeric").iter_rows():
        if numeric and code is not None and "." in code:
            as_numbers.setdefault(code, []).append(row)
    for index, check in failures.iter_rows():
        row = frame.row(index, named=True)
        values = {
            **row,
            "max": format_vn(row["max"]) if row["max"] is not None else "",
            "children_max": format_vn(row["children_max"] or 0.0),
        }
        column, row_field = PROBLEM_CELLS.get(check, ("code", "row"))
        if column not in table.columns:
            column, row_field = "code", "row"
        where = cell_ref(row[row_field], table.columns[column])
        message = messages.CRITERIA_MESSAGES[check]
        at = (row[row_field], table.columns[column])
        if check == "max_is_number" and at in table.sheet.uncalculated:
            # a formula saved without its value (a set a program wrote): not empty
            message = messages.CRITERIA_MESSAGES["max_uncalculated"]
        if check == "code_valid" and not row["raw_code"] and row["name"]:
            # a name's second line, a note between criteria
            message = messages.CRITERIA_NAME_WITHOUT_CODE
            values["line"] = row["row"] + 1
        if check == "code_unique" and row["code_numeric"] and "." in row["code"]:
            # 8.10 typed as a number is 8.1: say so where the cell holds a number
            message = messages.CRITERIA_CODE_UNIQUE_NUMBER
            values["alternative"] = f"{row['code']}0"
        short = (row["parent"] or "").rstrip("0")
        if check == "parent_exists" and short != row["parent"] and short in as_numbers:
            # its parent 8.10 may be the cell holding the number 8.1: the
            # nearest above it (8.1 itself may be typed as a number too)
            rows = as_numbers[short]
            above = [r for r in rows if r < row["row"]]
            message = messages.CRITERIA_PARENT_AS_NUMBER
            values["short"] = short
            nearest = above[-1] if above else rows[0]
            values["cell"] = cell_ref(nearest, table.columns["code"])
        lines.append(f"  - ô {where}: {message.format(**values)}")
    return lines


def read_criteria_set(
    path: Path, *, workbook: OfficeWorkbook | None = None
) -> CriteriaSet:
    """Read and validate a criteria set workbook.

    Args:
        path: the workbook (sheet ``Tiêu chí``, optional sheet ``Đơn vị``).
        workbook: the workbook, when it was read already (``first_year_of``).

    Returns:
        The criteria set, its nodes in tree order.

    Raises:
        UnusableCriteria: with every problem found, each on its own line.
    """
    head = messages.CRITERIA_UNUSABLE.format(file=path.name)

    def unusable(*lines: str) -> UnusableCriteria:
        return UnusableCriteria("\n".join([head, *(f"  - {line}" for line in lines)]))

    try:
        if workbook is None:
            workbook = read_office_workbook(path, hidden=True)
    except UnreadableWorkbook as error:
        reason = error.reason  # the safety checks' reasons are Vietnamese already
        if reason == "encrypted":
            reason = messages.FILE_ENCRYPTED
        elif reason.startswith("unreadable"):  # the reader's own (English) words
            reason = messages.FILE_UNREADABLE
        raise unusable(messages.CRITERIA_UNREADABLE.format(reason=reason)) from None
    sheets = workbook.sheets
    shown = [s for s in sheets if s.visible]  # a hidden `Đơn vị` is read below
    preferred = [s for s in shown if fold(s.name) == fold(CRITERIA_SHEET)]
    table = find_table(preferred + shown, CRITERIA_COLUMNS, required="code")
    if table is None:
        raise unusable(messages.CRITERIA_NO_SHEET)
    table = _lead_column(table)
    metadata = _set_metadata(table.sheet, table.header_row)
    problems = _twin_columns(table)
    if table.sheet.truncated:
        problems.append(
            messages.CRITERIA_TOO_LARGE.format(
                rows=f"{MAX_ROWS:,}".replace(",", "."),
                columns=MAX_COLUMNS,
                sheet=table.sheet.name,
            )
        )
    # no "Đơn vị chủ trì" column, or one empty below its header: the unit fills
    # the whole form itself (unless the set lists departments: refused below)
    column_empty = "departments" in table.columns and not any(
        cell_text(table.value(row, "departments"))
        for row in range(table.data_row, len(table.sheet.cells))
    )
    self_assessed = "departments" not in table.columns or column_empty
    missing = [
        CRITERIA_COLUMNS[c][0]
        for c in ("name", "max", "group")
        if c not in table.columns
    ]
    problems += [messages.CRITERIA_MISSING_COLUMN.format(column=c) for c in missing]
    first_year: int | None = None
    if "first_year" not in metadata:
        problems.append(messages.CRITERIA_NO_YEAR)
    else:
        year_text = metadata["first_year"][0]
        number = parse_number(year_text)
        if number is None or not number.is_integer() or not 1900 < number < 3000:
            problems.append(messages.CRITERIA_BAD_YEAR.format(value=year_text))
        else:
            first_year = int(number)
    departments = _read_departments([s for s in sheets if s is not table.sheet])
    if departments is None and (
        not self_assessed or _departments_sheets(sheets)  # a sheet not read
    ):
        problems.append(messages.CRITERIA_NO_DEPARTMENTS)
    if self_assessed and departments is None and "departments" not in table.columns:
        # no column, no sheet: a column of another name holding departments is
        # no self-assessment (read so, the newest form would stand for all)
        found = _assignment_column(table)
        if found is not None:
            problems.append(
                messages.CRITERIA_ASSIGNMENT_COLUMN.format(
                    column=column_letter(found[0]),
                    header=found[1],
                    values=", ".join(f"“{v}”" for v in found[2]),
                )
            )
    if self_assessed and departments:
        # a column named otherwise or left empty, beside a sheet of departments:
        # not a set a unit fills itself (read so, the newest form would stand
        # for all)
        header = [cell_text(v) for v in table.sheet.cells[table.header_row]]
        problems.append(
            messages.CRITERIA_DEPARTMENTS_EMPTY.format(
                column=column_letter(table.columns["departments"]),
                count=len(departments),
            )
            if column_empty
            else messages.CRITERIA_NO_DEPARTMENTS_COLUMN.format(
                count=len(departments),
                sheet=table.sheet.name,
                row=table.header_row + 1,
                header=", ".join(text for text in header if text),
            )
        )
    if problems:
        raise unusable(*problems)
    totals = _total_rows(table)
    frame = _node_rows(
        table,
        (SELF_DEPARTMENT,) if self_assessed else departments or (),
        self_assessed,
        totals,
    )
    if not self_assessed and _no_department_named(frame):
        # the column is there but left empty on every leaf: the same
        # self-assessment, unless the set names departments elsewhere
        named = _departments_above(frame, table)
        if named:
            raise unusable(
                messages.CRITERIA_DEPARTMENTS_ONLY_ABOVE.format(cells=", ".join(named))
            )
        if departments:
            raise unusable(
                messages.CRITERIA_DEPARTMENTS_EMPTY.format(
                    column=column_letter(table.columns["departments"]),
                    count=len(departments),
                )
            )
        self_assessed = True
        frame = _node_rows(table, (SELF_DEPARTMENT,), self_assessed, totals)
    if self_assessed:
        departments = (SELF_DEPARTMENT,)
    if frame.filter(pl.col("code").is_not_null()).is_empty():
        raise unusable(messages.CRITERIA_EMPTY)
    lines = _problem_lines(frame, table)
    lines += [f"  - {line}" for line in _total_lines(table, totals, frame)]
    if lines:
        raise UnusableCriteria("\n".join([head, *lines]))
    assert first_year is not None and departments is not None
    nodes = _tree(frame)
    name = metadata.get("name", (path.stem, ""))[0]
    unit_group = metadata.get("block", ("", ""))[0].strip()
    return CriteriaSet(
        name=nfc(name),
        first_year=first_year,
        source=path.name,
        nodes=nodes,
        departments=departments,
        unit_group=nfc(unit_group) or None,
        self_assessed=self_assessed,
        warnings=() if workbook.facts_said is None else (workbook.facts_said,),
    )


def _departments_above(frame: pl.DataFrame, table: Table) -> list[str]:
    """The cells of the rows that are no leaf but name a department."""
    column = table.columns["departments"]
    rows = frame.filter(~pl.col("is_leaf") & pl.col("has_departments"))["row"]
    return [cell_ref(row, column) for row in rows.to_list()]


_FIRST_YEAR_LINE = re.compile(r"^\s*ap dung tu nam\s+(\S+)")


_LEAD_WORDS = re.compile(r"\bchu tri\b")
_PARTNER_WORDS = re.compile(r"\bphoi hop\b")


def _lead_column(table: Table) -> Table:
    """The table with its departments column read from a header over two rows
    (``Đơn vị`` or ``Phân công`` merged over ``Chủ trì | Phối hợp``): the
    sub-column naming the lead (``chủ trì``, not ``phối hợp``) under the
    departments' header, or under any merged header cell when the top row
    names no departments column; the table as it is otherwise."""
    cells = table.sheet.cells
    below = table.header_row + 1
    if below >= len(cells):
        return table
    under = cells[below]
    at = table.columns.get("departments")
    spans = [
        (c1, c2)
        for (r1, c1), (r2, c2) in table.sheet.merged
        if r1 == table.header_row
        and r2 == r1
        and c2 > c1
        and (at is None or c1 <= at <= c2)
    ]
    for c1, c2 in spans:
        leads = [
            c
            for c in range(c1, min(c2 + 1, len(under)))
            if _LEAD_WORDS.search(folded := fold(cell_text(under[c])))
            and not _PARTNER_WORDS.search(folded)
        ]
        if len(leads) == 1:
            columns = {**table.columns, "departments": leads[0]}
            return replace(
                table, columns=columns, data_row=max(table.data_row, below + 1)
            )
    return table


# what a department's code or name looks like in an assignment column: short
# capital codes (``NV``, ``TC-KH``, ``NV;VP``), or the words offices begin with
_DEPARTMENT_CODES = re.compile(
    r"^[A-ZĐ][A-ZĐ0-9-]{1,9}(?:\s*[;,+]\s*[A-ZĐ][A-ZĐ0-9-]{1,9})*$"
)
_DEPARTMENT_WORDS = re.compile(
    r"^(?:phong|van phong|ban|trung tam|so|ubnd|chi cuc|thanh tra|cong an|doi|"
    r"hoi dong|cac co quan|don vi)\b"
)


def _assignment_column(table: Table) -> tuple[int, str, list[str]] | None:
    """(column, header, a few values) of a column no field names whose cells,
    on most rows with a code, name departments (``_DEPARTMENT_CODES``,
    ``_DEPARTMENT_WORDS``): a departments column under another header."""
    cells = table.sheet.cells
    header = cells[table.header_row]
    known = set(table.columns.values())
    coded = [
        r
        for r in range(table.data_row, len(cells))
        if cell_text(table.value(r, "code"))
    ]
    for c, title in enumerate(header):
        if c in known or not cell_text(title) or c in table.sheet.facts.hidden_columns:
            continue
        values = [
            text
            for r in coded
            if c < len(cells[r]) and (text := cell_text(cells[r][c]).strip())
        ]
        named = [
            v
            for v in values
            if _DEPARTMENT_CODES.match(v) or _DEPARTMENT_WORDS.match(fold(v))
        ]
        if values and len(named) * 2 > len(coded) and len(named) == len(values):
            return c, cell_text(title), sorted(set(named))[:5]
    return None


def _twin_columns(table: Table) -> list[str]:
    """A line for each field two shown columns of the header name alike whose
    cells differ below it (last year's maxima beside this year's): which one
    is meant cannot be told (a hidden one gives way to a shown one)."""
    cells = table.sheet.cells
    header = cells[table.header_row]
    hidden = table.sheet.facts.hidden_columns

    def text(row: int, column: int) -> str:
        line = cells[row]
        return cell_text(line[column]) if column < len(line) else ""

    lines = []
    for field, chosen in table.columns.items():
        if field == "code" or chosen in hidden:
            continue
        name = fold_label(cell_text(header[chosen])) if chosen < len(header) else ""
        if not name:  # named by a second header row (``_lead_column``)
            continue
        twins = [
            c
            for c, value in enumerate(header)
            if c not in hidden and fold_label(cell_text(value)) == name
        ]
        if len(twins) < 2:
            continue
        first, *others = twins
        if all(
            text(r, first) == text(r, c)
            for c in others
            for r in range(table.data_row, len(cells))
        ):
            continue
        lines.append(
            messages.CRITERIA_TWIN_COLUMNS.format(
                name=cell_text(header[first]),
                columns=" và ".join(column_letter(c) for c in twins),
                row=table.header_row + 1,
            )
        )
    return lines


def _set_metadata(
    sheet: Sheet, last_row: int = SEARCH_ROWS
) -> dict[str, tuple[str, str]]:
    """The lines above a set's table (``find_metadata``: ``Áp dụng từ năm``,
    ``Tên``, ``Khối``), the first year also from a line written without its
    colon (``Áp dụng từ năm 2022``)."""
    metadata = find_metadata(sheet, {**CRITERIA_LABELS, **BLOCK_LABEL}, last_row)
    if "first_year" not in metadata:
        found = _first_year_unlabelled(sheet, last_row)
        if found is not None:
            metadata["first_year"] = found
    return metadata


def _first_year_unlabelled(sheet: Sheet, last_row: int) -> tuple[str, str] | None:
    """(value, cell) of an ``Áp dụng từ năm 2022`` line written without its
    colon above ``last_row``, the shown rows first."""
    for r, row in rows_visible_first(sheet, last_row):
        for c, value in enumerate(row):
            found = _FIRST_YEAR_LINE.match(fold(cell_text(value)))
            if found is not None:
                return found.group(1), cell_ref(r, c)
    return None


def _no_department_named(frame: pl.DataFrame) -> bool:
    """Whether no leaf of the table names a responsible department."""
    leaves = frame.filter(pl.col("is_leaf"))
    return leaves.height > 0 and not leaves["has_departments"].any()


def _tree(frame: pl.DataFrame) -> pl.DataFrame:
    """Nodes in tree order with depth, component and position."""
    nodes = frame.with_columns(
        depth=pl.col("code").str.count_matches(r"\.").cast(pl.Int32) + 1,
        component=pl.col("code").str.extract(r"^(\d+)"),
        departments=pl.when(pl.col("is_leaf"))
        .then(pl.col("departments"))
        .otherwise(pl.lit([], dtype=pl.List(pl.String))),
        group=pl.when(pl.col("is_leaf")).then(pl.col("group")).otherwise(None),
    )
    order = sorted(nodes["code"].to_list(), key=code_key)
    position = pl.DataFrame(
        {"code": order, "position": list(range(len(order)))},
        schema={"code": pl.String, "position": pl.Int32},
    )
    return (
        nodes.join(position, on="code")
        .sort("position")
        .select(list(NODE_SCHEMA))
        .cast(NODE_SCHEMA)  # type: ignore[arg-type]
    )


def _workbooks(folder: Path) -> list[Path]:
    """The spreadsheets of a folder, lock and hidden files left out."""
    return [
        path
        for path in (sorted(folder.iterdir()) if folder.is_dir() else [])
        if not path.name.startswith(("~$", "."))
        and path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}
    ]


def first_year_of(
    path: Path, *, keep: dict[Path, OfficeWorkbook] | None = None
) -> tuple[int, str] | None:
    """(first year, folded ``Khối``) stated by a criteria workbook, None when it
    states none. With ``keep``, the sheets read are kept there under ``path``
    (the workbook is then read once, not once more to be used).

    Raises:
        UnusableCriteria: the workbook cannot be read (saying why).
    """
    try:
        workbook = read_office_workbook(path, hidden=True)  # as read_criteria_set
    except UnreadableWorkbook:
        read_criteria_set(path)  # raises, saying why (same reader)
        raise  # pragma: no cover - read_criteria_set raised
    if keep is not None:
        keep[path] = workbook
    for sheet in (s for s in workbook.sheets if s.visible):
        metadata = _set_metadata(sheet)
        number = parse_number(metadata.get("first_year", ("", ""))[0])
        if number is not None and number.is_integer():
            return int(number), fold(metadata.get("block", ("", ""))[0])
    return None


def available_criteria_sets(
    folder: Path, *, strict: bool = True, keep: dict[Path, OfficeWorkbook] | None = None
) -> list[tuple[int, Path]]:
    """(first year, path) of every criteria workbook in ``folder``, by year.

    Only the ``Áp dụng từ năm`` line (and a ``Khối`` line, for a province's groups
    of units) is read; the full set is validated when used. With ``strict=False``
    (``check`` looking beside a department's file) workbooks that are not criteria
    sets are passed over instead. With ``keep``, the sheets of every workbook
    read are kept there by path (``first_year_of``).

    Raises:
        UnusableCriteria: a workbook of the folder cannot be read or states no
            first year, or two sets (of the same ``Khối``) have the same first
            year: a year is never consolidated with a set chosen by accident.
    """
    found: list[tuple[int, Path]] = []
    keys: dict[tuple[int, str], list[Path]] = {}
    for path in _workbooks(folder):
        try:
            stated = first_year_of(path, keep=keep)
        except UnusableCriteria:
            if strict:
                raise
            continue
        if stated is None:
            if not strict:
                continue
            # says why it is not a criteria set
            read_criteria_set(path, workbook=None if keep is None else keep.get(path))
            raise UnusableCriteria(  # pragma: no cover - it raised
                messages.CRITERIA_UNUSABLE.format(file=path.name)
            )
        found.append((stated[0], path))
        keys.setdefault(stated, []).append(path)
    for (year, _), paths in sorted(keys.items()):
        if len(paths) > 1:
            raise UnusableCriteria(
                messages.CRITERIA_SAME_FIRST_YEAR.format(
                    count=len(paths),
                    year=year,
                    files=", ".join(f"“{p.name}”" for p in paths),
                    folder=folder,
                )
            )
    return sorted(found)


def criteria_set_for_year(folder: Path, year: int) -> CriteriaSet:
    """The criteria set in force in ``year``: the greatest first year ≤ ``year``.

    Raises:
        NoCriteriaSet: no workbook applies to that year.
        UnusableCriteria: the workbook that applies is not valid.
    """
    if not folder.is_dir():
        raise NoCriteriaSet(messages.NO_CRITERIA_FOLDER.format(folder=folder))
    read: dict[Path, OfficeWorkbook] = {}  # every workbook is read once
    chosen = workbook_in_force(available_criteria_sets(folder, keep=read), year, folder)
    return read_criteria_set(chosen, workbook=read[chosen])


def workbook_in_force(
    candidates: list[tuple[int, Path]], year: int, folder: Path
) -> Path:
    """The workbook of ``candidates`` (``available_criteria_sets`` of ``folder``)
    in force in ``year``: the greatest first year ≤ ``year``.

    Raises:
        NoCriteriaSet: no workbook applies to that year.
    """
    usable = [(first, path) for first, path in candidates if first <= year]
    if not usable:
        years = ", ".join(str(first) for first, _ in candidates) or "không có"
        raise NoCriteriaSet(
            messages.NO_CRITERIA_FOR_YEAR.format(year=year, folder=folder, years=years)
        )
    return usable[-1][1]


def self_named(criteria_set: CriteriaSet, inputs: Path) -> CriteriaSet:
    """A set the unit fills itself (its one department ``DV``, "Đơn vị tự đánh
    giá") with that department named as ``don-vi.toml``'s ``unit`` names the
    unit, when it does (as a province names it from its register); any other
    set as it is."""
    if not criteria_set.self_assessed:
        return criteria_set
    settings, _ = read_unit_settings(inputs / SETTINGS_FILE)  # said by load_unit
    if not settings.configured or settings.unit == UnitSettings.unit:
        return criteria_set
    # a sở named without its province: named with it too (``Sở Tư pháp tỉnh
    # Lai Châu``), so a line naming its own province names it
    placed = placed_name(settings.unit, settings.parent, settings.province)
    aliases = (placed,) if placed else ()
    departments = tuple(
        Department(d.code, settings.unit, (*d.aliases, *aliases))
        if d == SELF_DEPARTMENT
        else d
        for d in criteria_set.departments
    )
    return replace(criteria_set, departments=departments)

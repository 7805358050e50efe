"""Every form in a submission workbook: whose it is, which year, which columns.

A workbook may hold several forms (two departments' forms, last year's copy, a
blank template, a hidden old version). Every visible sheet whose header has a code
column and a score column is a form; the forms of the assessment year are read, each
with its own department; the others are reported (README, Choices).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from parindex import messages
from parindex.criteria import (
    SELF_DEPARTMENT,
    CriteriaSet,
    Department,
    match_department,
)
from parindex.ingest.header import (
    SCORE_ROLES,
    LocatedHeader,
    choose_columns,
    locate_header_columns,
)
from parindex.ingest.places import mentions, places_named
from parindex.problems import problem
from parindex.text import fold, fold_name, format_vn, parse_number, submission_code
from parindex.workbook import (
    Sheet,
    Table,
    cell_position,
    cell_ref,
    cell_text,
    find_metadata,
    metadata_lines,
    rows_visible_first,
)

SUBMISSION_LABELS: dict[str, tuple[str, ...]] = {
    # how offices label the line naming the department (README, Choices)
    "department": (
        "Đơn vị",
        "Tên đơn vị",
        "Đơn vị báo cáo",
        "Đơn vị thực hiện",
        "Cơ quan",
        "Tên cơ quan",
        "Cơ quan, đơn vị",
        "Đơn vị tự chấm",
        "Đơn vị tự đánh giá",
    ),
    "year": ("Năm",),
}
Record = dict[str, str | None]
_BARE_YEAR_LINE = re.compile(r"\s*nam\s+((?:19|20)\d\d)\s*")
"""A cell that is only ``Năm 2022`` (folded): a ``Năm`` line without its colon."""


def form_metadata(sheet: Sheet, last_row: int) -> dict[str, tuple[str, str]]:
    """A form's ``Đơn vị`` and ``Năm`` lines above its table
    (``find_metadata``); a cell holding only ``Năm 2022``, without the colon, is
    the ``Năm`` line when there is none (a title ``BẢNG … NĂM 2023`` is not)."""
    found = find_metadata(sheet, SUBMISSION_LABELS, last_row=last_row)
    if "year" in found:
        return found
    for r, row in rows_visible_first(sheet, last_row):
        for c, value in enumerate(row):
            if isinstance(value, str) and (
                match := _BARE_YEAR_LINE.fullmatch(fold(value))
            ):
                return {**found, "year": (match.group(1), cell_ref(r, c))}
    return found


_SEPARATORS = re.compile(r"[-_.,;:()/\u2010-\u2015\u2212]+")  # hyphens, dashes
_SHEET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_NAME_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def years_in_file_name(file: str) -> list[int]:
    """The years a file's name states (``phong-ktht-2023.xlsx``: [2023]): each
    4-digit ``20xx`` token of its name, not part of a longer number, distinct,
    ascending. Its folders' names are not looked at."""
    return sorted({int(found) for found in _NAME_YEAR.findall(Path(file).stem)})


@lru_cache(maxsize=16)
def _word_names(
    departments: tuple[Department, ...], codes: bool
) -> tuple[tuple[str, str], ...]:
    """(`` folded name ``, code) of every name and alias (and code, with ``codes``),
    separators turned into spaces and padded, ready for a whole-word search."""
    found = []
    for department in departments:
        candidates = (department.name, *department.aliases)
        for candidate in (department.code, *candidates) if codes else candidates:
            folded = fold(_SEPARATORS.sub(" ", candidate))
            if folded:
                found.append((f" {folded} ", department.code))
    return tuple(found)


def department_in_text(
    text: str, departments: tuple[Department, ...], *, codes: bool = True
) -> str | None:
    """The department whose name or alias (and code, with ``codes``) is found in
    ``text`` as whole words, the longest winning; None when nothing, or two
    departments equally, match.

    Looked up in an index of the folded names (``_names_index``): every run of
    the text's words, up to the longest name, is one look-up, whatever the
    number of departments. A name is found as whole words exactly when its
    words are a run of the text's words (both folded: single spaces)."""
    names, longest = _names_index(departments, codes)
    best = _longest_named(fold(_SEPARATORS.sub(" ", text)).split(" "), names, longest)
    return next(iter(best)) if len(best) == 1 else None


def _longest_named(
    words: list[str], names: Mapping[str, AbstractSet[str]], longest: int
) -> AbstractSet[str]:
    """The codes named by the runs of ``words`` found in ``names`` that lie
    within no longer run found (``_named_runs``): a name inside a longer one is
    the longer one's ("Phòng Tài chính - Kế hoạch" holds "Kế hoạch"), two names
    side by side are two ("Phòng Nội vụ, Phòng Tư pháp")."""
    return frozenset(
        code for _, codes in _named_runs(words, names, longest) for code in codes
    )


def _named_runs(
    words: list[str], names: Mapping[str, AbstractSet[str]], longest: int
) -> list[tuple[int, AbstractSet[str]]]:
    """(first word, codes) of every run of ``words`` (up to ``longest`` words,
    each one look-up) found in ``names`` and lying within no longer run found,
    in the order of the text."""
    found: list[tuple[int, int, AbstractSet[str]]] = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            codes = names.get(" ".join(words[start:end]))
            if codes:
                found.append((start, end, codes))
    return [
        (start, codes)
        for start, end, codes in found
        if not any(
            s <= start and end <= e and (s, e) != (start, end) for s, e, _ in found
        )
    ]


def departments_in_line(text: str, departments: tuple[Department, ...]) -> list[str]:
    """The departments a ``Đơn vị`` line names side by side (as ``_line_department``
    reads it), each once, in the order of the line."""
    index, longest = _line_index(departments)
    named: list[str] = []
    for _, codes in _named_runs(_line_words(text), index, longest):
        named += sorted(c for c in codes if c not in named)
    return named


_NAMES_INDEXES: dict[
    tuple[int, bool],
    tuple[tuple[Department, ...], dict[str, frozenset[str]], int],
] = {}


def _names_index(
    departments: tuple[Department, ...], codes: bool
) -> tuple[dict[str, frozenset[str]], int]:
    """Folded name → the codes of the departments it names (``_word_names``,
    unpadded), and the most words in one name. Kept per tuple object (hashing a
    tuple of a thousand departments on every look-up costs more than it)."""
    kept = _NAMES_INDEXES.get((id(departments), codes))
    if kept is not None and kept[0] is departments:
        return kept[1], kept[2]
    index: dict[str, set[str]] = {}
    for padded, code in _word_names(departments, codes):
        index.setdefault(padded[1:-1], set()).add(code)
    names = {name: frozenset(found) for name, found in index.items()}
    longest = max((name.count(" ") + 1 for name in names), default=0)
    if len(_NAMES_INDEXES) >= 16:
        _NAMES_INDEXES.clear()
    _NAMES_INDEXES[(id(departments), codes)] = (departments, names, longest)
    return names, longest


def department_from_file_name(
    name: str, departments: tuple[Department, ...]
) -> str | None:
    """Match a file name to a department: the longest code, name or alias found in it
    as whole words; None when nothing or two departments match equally
    (``department_named``)."""
    return department_named(Path(name).stem, departments)


def department_named(text: str, departments: tuple[Department, ...]) -> str | None:
    """The department a name (a file's, a sheet's, a folder's) names:
    ``department_in_text``, else as a ``Đơn vị`` line is read
    (``_line_department``: "và" may be left out, ``&`` is "và", ``P.`` is
    Phòng: ``Phòng KT&HT``, ``P.TC-KH``), else by its code written in parts
    (``KT-HT``, ``TC - KH``, ``KT&HT``)."""
    return (
        department_in_text(text, departments)
        or _line_department(text, departments)[0]
        or _code_in_parts(text, departments)
    )


def _code_in_parts(text: str, departments: tuple[Department, ...]) -> str | None:
    """The one department whose code (folded, at least 3 letters) is two or
    three of the name's words written together (``KT-HT`` is KTHT)."""
    codes = {fold(d.code): d.code for d in departments if len(d.code) >= 3}
    parts = _name_parts(text)
    found = {
        codes[joined]
        for size in (2, 3)
        for start in range(len(parts) - size + 1)
        if (joined := "".join(parts[start : start + size])) in codes
    }
    return found.pop() if len(found) == 1 else None


_PLACE_WORDS = frozenset({"huyen", "quan", "thi", "thanh", "tp", "xa", "phuong"})
"""The first word of a place (``huyện …``, ``quận …``, ``thị xã``/``thị trấn …``,
``thành phố …``, ``xã …``, ``phường …``): a department's name may carry its
unit's place. ``tỉnh`` is not one: a district's department never is a
province's."""
_NOT_PLACES = frozenset({"uy"})
"""A word that makes the place word a body of its own: ``huyện ủy`` (the
party's committee), ``thành ủy``."""
_ABBREVIATIONS = (
    (re.compile(r"(?<!\w)(?:P|Ph)\s*\.\s*"), "Phòng "),
    (re.compile(r"(?<!\w)H\s*\.\s*"), "huyện "),
    (re.compile(r"\s*&\s*"), " và "),
)
"""How offices shorten their names on a ``Đơn vị`` line: ``P.TC-KH``,
``H. Phong Thổ``, ``KT&HT``."""


def _line_words(text: str) -> list[str]:
    """A ``Đơn vị`` line's (or a name's) folded words, its abbreviations written
    out and its "và" left out (``Kinh tế - Hạ tầng`` is ``Kinh tế và Hạ tầng``)."""
    for pattern, written in _ABBREVIATIONS:
        text = pattern.sub(written, text)
    return [w for w in fold(_SEPARATORS.sub(" ", text)).split() if w != "va"]


_LINE_INDEXES: dict[int, tuple[tuple[Department, ...], dict[str, set[str]], int]]
_LINE_INDEXES = {}


def _line_index(
    departments: tuple[Department, ...],
) -> tuple[dict[str, set[str]], int]:
    """Each department's name and aliases as ``_line_words`` gives them →
    the codes named so, and the most words in one. Kept per tuple object."""
    kept = _LINE_INDEXES.get(id(departments))
    if kept is not None and kept[0] is departments:
        return kept[1], kept[2]
    index: dict[str, set[str]] = {}
    for department in departments:  # not its code: "TP" is also thành phố
        for name in (department.name, *department.aliases):
            words = " ".join(_line_words(name))
            if words:
                index.setdefault(words, set()).add(department.code)
    longest = max((name.count(" ") + 1 for name in index), default=0)
    if len(_LINE_INDEXES) >= 16:
        _LINE_INDEXES.clear()
    _LINE_INDEXES[id(departments)] = (departments, index, longest)
    return index, longest


def _line_department(
    text: str, departments: tuple[Department, ...]
) -> tuple[str | None, bool]:
    """The department a ``Đơn vị`` line names (``_line_words``: abbreviations
    written out, "và" left out) and whether the line is exactly one of its names:
    else the department whose name it holds as whole words, the longest winning;
    (None, False) when none or two equally."""
    index, longest = _line_index(departments)
    words = _line_words(text)
    exact = index.get(" ".join(words), set())
    if len(exact) == 1:
        return next(iter(exact)), True
    best = _longest_named(words, index, longest)
    return (next(iter(best)), False) if len(best) == 1 else (None, False)


_LISTED_DEPARTMENTS = 20
"""The most departments an unknown ``Đơn vị`` line's message lists."""
_GENERIC_WORDS = frozenset({"phong", "so", "ban", "ubnd", "huyen", "don", "vi"})
"""Words of many departments' names: they point to none (folded)."""


def unknown_department_message(text: str, departments: Sequence[Department]) -> str:
    """What is said of a ``Đơn vị`` line naming no department: that it names
    none; the department whose names hold every word of the line (``Phòng``
    and such words aside) when it is the only one, as a hint (the file is not
    counted for it); and the departments' names (past ``_LISTED_DEPARTMENTS``,
    where to find them)."""
    said = messages.FILE_UNKNOWN_DEPARTMENT.format(text=text)
    wanted = set(_line_words(text)) - _GENERIC_WORDS
    holding = [
        department
        for department in departments
        if wanted
        and wanted
        <= {
            word
            for name in (department.name, *department.aliases)
            for word in _line_words(name)
        }
    ]
    if len(holding) == 1:
        said += messages.UNKNOWN_DEPARTMENT_CLOSEST.format(
            name=holding[0].name, code=holding[0].code
        )
    if len(departments) > _LISTED_DEPARTMENTS:
        return said + messages.UNKNOWN_DEPARTMENT_MANY.format(count=len(departments))
    names = ", ".join(f"{d.name} ({d.code})" for d in departments)
    return said + messages.UNKNOWN_DEPARTMENT_NAMES.format(names=names)


def _names_level_of(text: str, unit: Department) -> bool:
    """Whether a ``Đơn vị`` line names a place of the level of the unit's own
    place ("xã …" for "UBND xã Tân Hợp"; a sở's other name with its province,
    ``self_named``): the run then tells the unit's own from another's. A unit
    whose names hold no place (``Sở Nội vụ``) has none."""
    own = next(
        (found for n in (unit.name, *unit.aliases) if (found := mentions(n))), []
    )
    return bool(own) and any(p.level == own[0].level for p in mentions(text))


def _names_unit(text: str, unit: Department) -> bool:
    """Whether a ``Đơn vị`` line names the unit filling its whole form itself:
    its name or another name, or its place's name (``Tân Hợp`` of "UBND xã Tân
    Hợp") unless the line gives that name to a place of another level ("UBND
    huyện Phong Thổ" for UBND xã Phong Thổ); accents, case, punctuation and
    ``&`` for ``và`` aside, as whole words."""

    def words(value: str) -> str:
        return f" {fold_name(value.replace('&', ' và '))} "

    line = words(text)
    keys = {words(name) for name in (unit.name, *unit.aliases)}
    own = mentions(unit.name)
    if own and not any(
        place.name == own[0].name and place.level != own[0].level
        for place in mentions(text)
    ):
        keys.add(f" {own[0].name} ")
    return any(key in line for key in keys if key.strip())


def _places_of_line(
    form: Form, text: str, cell: str, department: Department, *, bare: bool = False
) -> None:
    """Keep in ``form`` the places its ``Đơn vị`` line, the other cells of the
    line's row, and any other visible ``Đơn vị`` line name outside its
    ``department``'s names (``places.places_named``; ``bare``: provinces named
    without ``tỉnh`` too), line by line."""
    names = (department.name, *department.aliases)
    sheet = form.table.sheet
    others = [
        (found, ref)
        for field_name, found, ref, visible in metadata_lines(
            sheet, SUBMISSION_LABELS, last_row=form.table.header_row
        )
        if field_name == "department" and visible and ref != cell
    ]
    for each, ref in [(text, cell), *others]:
        line = ", ".join([each.strip(), *_row_places(sheet, ref)])
        places = places_named(line, names, bare=bare)
        if places:
            form.lines.append((line, ref, places, None))


def _row_places(sheet: Sheet, cell: str) -> list[str]:
    """The texts of the other cells of a ``Đơn vị`` line's row that name a place
    (``huyện Tam Đường`` typed in B4 after ``Đơn vị: Phòng Tư pháp`` in A4)."""
    position = cell_position(cell)
    if position is None:
        return []
    row, column = position
    if row >= len(sheet.cells):
        return []
    return [
        value.strip()
        for c, value in enumerate(sheet.cells[row])
        if c != column and isinstance(value, str) and mentions(value)
    ]


def _is_place(words: list[str]) -> bool:
    """Whether ``words`` (folded) name only a place: ``[UBND] huyện Phong Thổ``."""
    if words[:1] == ["ubnd"]:
        words = words[1:]
    elif words[:4] == ["uy", "ban", "nhan", "dan"]:
        words = words[4:]
    return (
        bool(words)
        and words[0] in _PLACE_WORDS
        and (len(words) < 2 or words[1] not in _NOT_PLACES)
    )


def _own_way_of_writing(text: str, department: Department) -> bool:
    """Whether a ``Đơn vị`` line that is not exactly one of ``department``'s names
    is still its own way of writing it: its full name among any words, or one of
    its short names with nothing around it but ``Phòng`` (``P.``) before it, the
    unit's place (``huyện Phong Thổ``, ``UBND huyện Phong Thổ -``) or other words
    of the department's own names (``Văn phòng HĐND và UBND``: its full name
    without ``huyện``). Abbreviations are written out and "và" left out first
    (``_line_words``)."""
    words = _line_words(text)
    own = _own_words(department)
    found: tuple[int, int] | None = None
    for candidate in (department.name, *department.aliases):
        name = _line_words(candidate)
        for start in range(len(words) - len(name) + 1):
            if name and words[start : start + len(name)] == name:
                if candidate == department.name:
                    return True  # the full name
                if found is None or len(name) > found[1] - found[0]:
                    found = (start, start + len(name))
    if found is None:
        return False
    return _around_own(words, found, own)


def _own_words(department: Department) -> set[str]:
    """Every word of ``department``'s names (``_line_words``)."""
    return {
        word
        for name in (department.name, *department.aliases)
        for word in _line_words(name)
    }


def _around_own(words: list[str], found: tuple[int, int], own: set[str]) -> bool:
    """Whether what is around ``words[found[0]:found[1]]`` (a department's
    short name or code) says it is the department's own: nothing, ``Phòng``
    before it, the unit's place, or words of the department's own names."""

    def benign(part: list[str], *, leading: bool) -> bool:
        return (
            not part
            or (leading and part == ["phong"])
            or _is_place(part)
            or all(word in own for word in part)
        )

    before, after = words[: found[0]], words[found[1] :]
    return benign(before, leading=True) and benign(after, leading=False)


_FILE_NAME_PHRASES = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "tu cham",
                "tu cham diem",
                "tu danh gia",
                "cham diem",
                "bang diem",
                "bang cham diem",
                "bang tu cham",
                "bieu",
                "bieu mau",
                "mau",
                "diem",
                "ket qua",
                "bao cao",
                "tong hop",
                "chi so",
                "tieu chi",
                "cchc",
                "cai cach hanh chinh",
                "par index",
                "parindex",
                "ban sua",
                "ban chinh thuc",
                "ban cuoi",
                "ban moi",
                "ban scan",
                "da sua",
                "sua",
                "sua lai",
                "dieu chinh",
                "bo sung",
                "gui",
                "gui lai",
                "nop",
                "nop lai",
                "da ky",
                "ky so",
                "chinh thuc",
                "cuoi cung",
                "moi",
                "moi nhat",
                "final",
                "update",
                "scan",
                "copy",
                "xlsx",
                "xls",
                "copy of",
                "ban sao",
                "ban sao cua",
                "bang",
                "phu luc",
                "minh chung",
                "tai lieu",
                "kem theo",
                "kem",
                "ban cu",
                "cu",
            )
        ),
        key=len,
        reverse=True,
    )
)
"""What a file's (a sheet's, a folder's) name carries beside a department's
name, folded: the form's kind, its state, its version (``tự chấm``, ``bảng
chấm điểm``, ``bản sửa``, ``gửi lại``, ``đã ký``, ``Copy of``, ``Bản sao
của``, ``Phụ lục``, ``minh chứng``). Not ``Ban``, ``Sở``,
``ký`` or ``chi`` alone: those begin other bodies' names (Ban Dân tộc, Sở Nội
vụ, Văn phòng Đăng ký đất đai, Chi cục Thuế)."""
_COUNTED = frozenset(
    {"nam", "lan", "ver", "version", "ngay", "thang", "dot", "quy", "so"}
)
"""Words that, before a number, only count it (``năm 2023``, ``lần 2``,
``ngày 20.1``, ``đợt 2``, ``số 3``)."""
_NUMBERING = re.compile(r"v?\d+[a-z]?")
"""A number or a version (``2023``, ``v2``, ``2b``)."""
_NAME_PART = re.compile(r"[^\W_]+")
_ROMAN = re.compile(r"[ivx]{1,5}")
"""A number in Roman figures after a form's kind (``Phụ lục II``), folded."""


def _without_file_words(parts: list[str]) -> list[str]:
    """A name's ``parts`` (``_name_parts``) without numbers, versions and
    ``_FILE_NAME_PHRASES``."""
    kept: list[str] = []
    at = 0
    while at < len(parts):
        word = parts[at]
        if _NUMBERING.fullmatch(word):
            at += 1
            continue
        if (
            word in _COUNTED
            and at + 1 < len(parts)
            and _NUMBERING.fullmatch(parts[at + 1])
        ):
            at += 2
            continue
        phrase = next(
            (p for p in _FILE_NAME_PHRASES if tuple(parts[at : at + len(p)]) == p),
            None,
        )
        if phrase is not None:
            at += len(phrase)
            if at < len(parts) and _ROMAN.fullmatch(parts[at]):
                at += 1  # ``Phụ lục II``, ``Biểu IV``
            continue
        kept.append(word)
        at += 1
    return kept


_PLACEHOLDER = re.compile(r"[\s.…_\-–—:*•·]*")
_INSTRUCTION = re.compile(r"[(\[<{](.*)[)\]>}]")
_INSTRUCTION_WORDS = ("ten don vi", "ten co quan", "ghi ten", "ten phong")
_DOTS = re.compile(r"\.{3,}|…|_{3,}")


def _placeholder(text: str, departments: tuple[Department, ...]) -> bool:
    """Whether a ``Đơn vị`` line's value is the template's, not filled in: dots,
    underscores, dashes only (``..........``, ``……``, ``____``); dots where the
    name goes and no department named (``Phòng ……``, ``…… huyện Phong Thổ``);
    or an instruction in brackets (``(ghi tên đơn vị)``, ``<Tên đơn vị>``)."""
    if _PLACEHOLDER.fullmatch(text):
        return True
    if _DOTS.search(text) and (
        match_department(text, departments) is None
        and _line_department(text, departments)[0] is None
    ):
        return True
    bracketed = _INSTRUCTION.fullmatch(text.strip())
    if bracketed is None:
        return False
    inside = fold(bracketed.group(1))
    return any(words in inside for words in _INSTRUCTION_WORDS)


def name_doubted(text: str, department: Department) -> bool:
    """Whether a name (a file's without its extension, a sheet's, a folder's)
    that gave a form without a ``Đơn vị`` line its ``department`` holds only one
    of its short names among another body's words (``Văn phòng Đăng ký đất đai -
    tự chấm`` holds VP's "Văn phòng"): ``_own_way_of_writing`` once the words a
    file's name carries anyway are left out (``_without_file_words``). Its code
    or full name among any words is its own; a name found only with those words
    (a department named so) is not doubted either."""
    parts = _name_parts(text)
    if _holds_any(parts, (department.code,)):
        return False
    kept = _without_file_words(parts)
    if _own_way_of_writing(" ".join(kept), department):
        return False
    return _holds_any(kept, (department.name, *department.aliases))


def code_among_words(text: str, department: Department) -> bool:
    """Whether a name that gave a form without a ``Đơn vị`` line its
    ``department`` holds the department's code among another body's words
    (``VP Đăng ký đất đai``, ``Sở NV``, ``TP - Hộ tịch``): once the words a
    file's name carries anyway are left out (``_without_file_words``), what is
    around the code is not ``Phòng``, the unit's place or the department's own
    names' words (``_around_own``). A name holding its full name is its own."""
    parts = _name_parts(text)
    if _holds_any(parts, (department.name,)):
        return False
    kept = _without_file_words(parts)
    code = _name_parts(department.code)
    at = _run_at(kept, code)
    if at is None:
        return False
    return not _around_own(kept, (at, at + len(code)), _own_words(department))


def _full_name_or_code(text: str, department: Department) -> bool:
    """Whether ``text`` holds ``department``'s full name or its code as whole
    words, not only a short name."""
    return _holds_any(_name_parts(text), (department.name, department.code))


def _name_parts(text: str) -> list[str]:
    """``_line_words`` of ``text``, each cut into its letters and digits."""
    return [part for word in _line_words(text) for part in _NAME_PART.findall(word)]


def _run_at(words: list[str], run: list[str]) -> int | None:
    """Where ``run`` first stands in ``words`` as whole words (None: nowhere,
    or an empty run)."""
    if not run:
        return None
    return next(
        (
            start
            for start in range(len(words) - len(run) + 1)
            if words[start : start + len(run)] == run
        ),
        None,
    )


def _holds_any(words: list[str], candidates: Sequence[str]) -> bool:
    """Whether one of ``candidates`` (``_name_parts``) is a run of ``words``."""
    return any(
        _run_at(words, _name_parts(candidate)) is not None for candidate in candidates
    )


def stated_year_of(text: str) -> int | None:
    """The year a ``Năm`` line states, or None when it is not a whole number."""
    number = parse_number(text)
    return int(number) if number is not None and number.is_integer() else None


@dataclass
class Form:
    """One form of a workbook: its located table, department and year."""

    table: Table
    department: str | None
    year: int | None
    rejection: Record | None = None
    warnings: list[Record] = field(default_factory=list)
    year_stated: bool = False
    """Whether the form states its year (a ``Năm`` line, a year in the sheet's
    name); else it is the folder's."""
    doubted: bool = False
    """Whether its department was read from a ``Đơn vị`` line (or, without one,
    a name: ``doubted_where``) that holds only a short name of it among other
    words (said; it gives way to the department's own form: ``winners``)."""
    doubted_where: str | None = None
    """For a form without a ``Đơn vị`` line, which name was doubted (``tên
    tệp``, ``tên sheet``, ``tên thư mục``); None for a line."""
    short_cell: str | None = None
    """The cell of the ``Đơn vị`` line that gave its department by a short
    name, not its full name or code, when that line names places (``lines``);
    ``""`` for a form without a line whose names name places: a place below
    the unit's level there makes it doubtful (``winners.place_doubts``: the
    unit is known there)."""
    seated: bool = False
    """A form without a line named by its department's full name or code: the
    town of the unit's own name around it (``thị trấn Phong Thổ``) is where
    the department sits, not another body (``UnitPlace.below``)."""
    lines: list[tuple[str, str, list[str], str | None]] = field(default_factory=list)
    """Its ``Đơn vị`` lines (or, without one, its names: the file's, the
    sheet's, the subfolder's, with which one and no cell) that name places
    outside the department's own names
    (``places.places_named``: "huyện Tam Đường"): text, cell and those places,
    compared with the unit's own by the run (``winners``)."""

    @property
    def content(self) -> list[tuple[str, ...]]:
        """The code and score texts of every data row (to tell a copy)."""
        roles = ("code", *SCORE_ROLES)
        indices = [self.table.columns.get(r) for r in roles]
        found = []
        for row in self.table.sheet.cells[self.table.data_row :]:
            texts = tuple(
                cell_text(row[i]) if i is not None and i < len(row) else ""
                for i in indices
            )
            if any(texts):
                found.append(texts)
        return found

    @property
    def scored_codes(self) -> set[str]:
        """The codes (as typed) of the rows that carry a score."""
        return {
            code
            for code, *scores in self.content
            if code and any(score not in ("", "-") for score in scores)
        }

    @property
    def has_scores(self) -> bool:
        """Whether any data cell of a score column is filled."""
        indices = [
            self.table.columns[r] for r in SCORE_ROLES if r in self.table.columns
        ]
        for row in self.table.sheet.cells[self.table.data_row :]:
            for index in indices:
                if index < len(row) and cell_text(row[index]) not in ("", "-"):
                    return True
        return False


@dataclass
class FormsFound:
    """The forms to read, the warnings about the workbook, or why it is set aside."""

    forms: list[Form] = field(default_factory=list)
    problems: list[Record] = field(default_factory=list)
    rejection: Record | None = None
    other_years: list[dict[str, Any]] = field(default_factory=list)
    """Every form stating another year than the folder's (``year``, ``sheet``,
    ``cell`` of its year line or None, ``department``): not read for this year;
    the run of the year it states is told (``parindex.pipeline.previous_year``)."""


def _form(
    sheet: Sheet,
    file: str,
    criteria_set: CriteriaSet,
    year: int,
    *,
    located: LocatedHeader,
    several: bool = False,
    subfolder: str | None = None,
) -> Form:
    """Locate the columns, department and year of one form sheet."""
    header_row, columns, data_row = located.row, located.columns, located.data_row
    metadata = form_metadata(sheet, header_row)
    table = Table(
        sheet=sheet,
        header_row=header_row,
        columns={},
        metadata=metadata,
        data_row=data_row,
    )
    form = Form(table=table, department=None, year=None)

    def reject(message: str, cell: str | None = None) -> Form:
        form.rejection = problem(
            "error",
            message,
            file=file,
            sheet=sheet.name,
            cell=cell,
            department=form.department,
        )
        return form

    line_said: Record | None = None
    doubt = False  # line_said is a doubt (not a blank line's warning)
    blank = "department" in metadata and _placeholder(
        metadata["department"][0], criteria_set.departments
    )
    if criteria_set.self_assessed:
        # the unit fills the whole form itself: every form is its own, but one
        # whose line names another unit of the province exactly
        form.department = criteria_set.departments[0].code
        if "department" in metadata and not blank:
            # a place of the unit's level other than its own: another unit's
            # form (an old commune's, in a commune merged in 2025), set aside
            # by the run (``winners.other_unit_forms``)
            text, cell = metadata["department"]
            # every place kept, the unit's own too: the first one decides
            unit = criteria_set.departments[0]
            anonymous = replace(unit, name="", aliases=())
            # a province named without tỉnh too: a sở's form of another
            # province ("Sở Tư pháp Điện Biên")
            _places_of_line(form, text, cell, anonymous, bare=True)
            if (
                unit != SELF_DEPARTMENT
                and not _names_level_of(text, unit)  # decided by the run if so
                and not _names_unit(text, unit)
            ):
                # "Tân Phú", "UBND xa Tan Phu": no place read, and not the unit
                # named: doubtful, giving way to a form that names it
                doubt = True
                line_said = problem(
                    "warning",
                    messages.SELF_LINE_NOT_UNIT.format(
                        text=text.strip(), name=unit.name
                    ),
                    file=file,
                    sheet=sheet.name,
                    cell=cell,
                    department=form.department,
                )
        else:  # no line: its names, as a department's form without one
            for named_text, named_where in (
                (Path(file).stem, messages.WHERE_FILE_NAME),
                (sheet.name, messages.WHERE_SHEET_TITLE),
                (subfolder or "", messages.WHERE_FOLDER_NAME),
            ):
                places = places_named(named_text, (), bare=True)
                if places:
                    form.lines.append((named_text.strip(), "", places, named_where))
        if "department" in metadata and not blank and criteria_set.other_units:
            text, cell = metadata["department"]
            other = match_department(text, criteria_set.other_units)
            if other is not None:
                unit = next(u for u in criteria_set.other_units if u.code == other)
                return reject(
                    messages.FORM_OF_ANOTHER_UNIT.format(
                        text=text.strip(), code=other, name=unit.name
                    ),
                    cell,
                )
    elif "department" in metadata and not blank:
        text, cell = metadata["department"]
        departments = criteria_set.departments
        form.department = match_department(text, departments)
        exact = form.department is not None  # its name, alias or code exactly
        if form.department is None:
            form.department, exact = _line_department(text, departments)
            if form.department is None:
                named = departments_in_line(text, departments)
                if len(named) > 1:  # "Phòng Nội vụ, Phòng Tư pháp": whose form?
                    return reject(
                        messages.DEPARTMENT_LINE_SEVERAL.format(
                            text=text.strip(),
                            names=", ".join(map(criteria_set.department_name, named)),
                        ),
                        cell,
                    )
                return reject(unknown_department_message(text, departments), cell)
        department = next(d for d in departments if d.code == form.department)
        _places_of_line(form, text, cell, department)
        if not _full_name_or_code(text, department):
            form.short_cell = cell
        if not exact and not _own_way_of_writing(text, department):
            # only a short name (an alias) among other words: "Văn phòng Đăng
            # ký đất đai" holds VP's "Văn phòng"; read so, and said
            doubt = True
            line_said = problem(
                "warning",
                messages.DEPARTMENT_LINE_PARTIAL.format(
                    text=text.strip(), name=department.name, code=form.department
                ),
                file=file,
                sheet=sheet.name,
                cell=cell,
                department=form.department,
            )
    else:  # several forms: each sheet's name first; one form: the file's name first
        departments = criteria_set.departments
        by_sheet = department_named(sheet.name, departments)
        by_file = department_from_file_name(file, departments)
        naming = [
            (by_sheet, sheet.name, messages.WHERE_SHEET_TITLE),
            (by_file, Path(file).stem, messages.WHERE_FILE_NAME),
        ]
        if subfolder:  # ``2023/Phòng Tư pháp/bang diem.xlsx``
            # a department's own subfolder (README, Choices: Folder shape)
            by_folder = department_named(subfolder, departments)
            naming.append((by_folder, subfolder, messages.WHERE_FOLDER_NAME))
        order = [0, 1, 2] if several else [1, 0, 2]
        source = next(
            (naming[i] for i in order if i < len(naming) and naming[i][0] is not None),
            None,
        )
        if source is not None:
            form.department, text, where = source
            department = next(d for d in departments if d.code == form.department)
            # every name of the form is looked at for places ("Tư pháp huyện
            # Tam Đường.xlsx", a folder "Huyện Tam Đường (tham khảo)"), each
            # compared as a line is; with no line, a place below the unit's
            # level around any name is a doubt (``winners.place_doubts``)
            own_names = (department.name, *department.aliases)
            for _, named_text, named_where in naming:
                places = places_named(named_text, own_names)
                if places:
                    form.lines.append((named_text.strip(), "", places, named_where))
                    form.short_cell = ""
            # its full name or code: the unit's seat around it is where it sits
            form.seated = _full_name_or_code(text, department)
            partial = name_doubted(text, department)
            if partial or code_among_words(text, department):
                # only a short name, or the code, among another body's words:
                # read so, and said
                doubt = True
                line_said = problem(
                    "warning",
                    (
                        messages.DEPARTMENT_NAME_PARTIAL
                        if partial
                        else messages.DEPARTMENT_NAME_CODE_AMONG_WORDS
                    ).format(
                        where=where,
                        text=text.strip(),
                        name=department.name,
                        code=form.department,
                    ),
                    file=file,
                    sheet=sheet.name,
                    department=form.department,
                )
                form.doubted_where = where
            if blank and line_said is None:  # "Đơn vị: ......": said, by name
                text, cell = metadata["department"]
                line_said = problem(
                    "warning",
                    messages.DEPARTMENT_LINE_BLANK.format(
                        text=text.strip(),
                        where=where,
                        name=department.name,
                        code=form.department,
                    ),
                    file=file,
                    sheet=sheet.name,
                    cell=cell,
                    department=form.department,
                )
    form.year = year
    if "year" in metadata:
        text, cell = metadata["year"]
        stated = stated_year_of(text)
        if stated is None:
            return reject(messages.FILE_BAD_YEAR.format(value=text), cell)
        form.year = stated
        form.year_stated = True
    else:
        named = _SHEET_YEAR.findall(sheet.name)
        if len(named) == 1:
            form.year = int(named[0])
            form.year_stated = True
    if form.year != year:
        return form
    if not form.year_stated:
        titled = _title_year(sheet, header_row, year)
        if titled is not None:  # "BẢNG … NĂM 2022": last year's form sent again?
            cell, title_year, text = titled
            form.warnings.append(
                problem(
                    "warning",
                    messages.TITLE_STATES_OTHER_YEAR.format(
                        cell=cell, named=title_year, text=text, year=year
                    ),
                    file=file,
                    sheet=sheet.name,
                    cell=cell,
                    department=form.department,
                )
            )
    if line_said is not None:
        form.warnings.append(line_said)
        # a line or name holding only a short name: doubtful; a blank line is
        # no doubt about whose form it is (its name says it)
        form.doubted = doubt
    choice = choose_columns(
        sheet, columns, data_row, year, year_stated=form.year_stated
    )
    for cell, message in choice.warnings:
        form.warnings.append(
            problem(
                "warning",
                message,
                file=file,
                sheet=sheet.name,
                cell=cell,
                department=form.department,
            )
        )
    if choice.rejection is not None:
        return reject(choice.rejection[1], choice.rejection[0])
    form.table = Table(
        sheet=sheet,
        header_row=header_row,
        columns=choice.columns,
        metadata=metadata,
        data_row=data_row,
        fallbacks=choice.fallbacks,
    )
    if form.department is None:
        return reject(messages.FILE_NO_DEPARTMENT)
    return form


def _leaf_scores(form: Form, leaves: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The score texts of each row of ``form`` whose code is a leaf of the set
    (``leaves``), one per score role (``""`` for a role the form has no
    column of): what two sheets of one form must agree on. A row without a
    code (a grand total, ``Grand Total`` of a pivot table, a note) is none."""
    found = {}
    for row in form.content:
        code = submission_code(row[0])
        if code in leaves:
            found[code] = row[1:]
    return found


def _same_where_shown(
    part: Form, own: tuple[str, ...], theirs: tuple[str, ...]
) -> bool:
    """Whether the scores ``part`` shows of a leaf (``own``, by role) are the
    other form's (``theirs``): a summary may show one role only (a pivot
    table's ``Sum of Điểm thẩm định``)."""
    return all(
        mine == other
        for role, mine, other in zip(SCORE_ROLES, own, theirs, strict=True)
        if role in part.table.columns
    )


def _parts_of_others(forms: list[Form]) -> list[tuple[Form, Form]]:
    """Each form whose leaves are all another form's, with the same scores in
    the columns it has (a print copy of part of it, a summary of its leaves, a
    pivot table of one score, a copy whose subtotal or total rows differ): that
    other form, the one with the most leaves (the first of equals)."""
    if len(forms) < 2:
        return []
    # the forms' own codes, not the set's (polars, which the set's frames need,
    # is not called in a forked reader child): a code no other code is under
    codes = {
        code
        for form in forms
        for row in form.content
        if (code := submission_code(row[0])) is not None
    }
    leaves = frozenset(
        code for code in codes if not any(o.startswith(f"{code}.") for o in codes)
    )
    scores = {id(form): _leaf_scores(form, leaves) for form in forms}
    # the most leaves first, then the most score columns (a form before its
    # pivot of one score); stable: sheet order
    order = sorted(
        forms,
        key=lambda f: (
            -len(scores[id(f)]),
            -sum(role in f.table.columns for role in SCORE_ROLES),
        ),
    )
    parts: dict[int, tuple[Form, Form]] = {}  # by id: a form is no dict key
    for index, form in enumerate(order):
        own = scores[id(form)]
        if not own:
            continue
        for whole in order[:index]:
            if id(whole) in parts:
                continue
            theirs = scores[id(whole)]
            if all(
                code in theirs and _same_where_shown(form, texts, theirs[code])
                for code, texts in own.items()
            ):
                parts[id(form)] = (form, whole)
                break
    return list(parts.values())


def _scored_cells(form: Form) -> dict[str, list[tuple[str, str, str]]]:
    """Each code of ``form`` (``submission_code``) with its score cells: (role,
    A1 reference, text), for the roles the form has."""
    at = {role: form.table.columns.get(role) for role in SCORE_ROLES}
    code_at = form.table.columns["code"]
    found: dict[str, list[tuple[str, str, str]]] = {}
    cells = form.table.sheet.cells
    for r in range(form.table.data_row, len(cells)):
        row = cells[r]
        code = submission_code(cell_text(row[code_at])) if code_at < len(row) else None
        if code is None or code in found:
            continue
        found[code] = [
            (role, cell_ref(r, i), cell_text(row[i]) if i < len(row) else "")
            for role, i in at.items()
            if i is not None
        ]
    return found


def _shown(text: str) -> str:
    """A score cell's text as a message shows it: a number the Vietnamese way
    (``0,5``), anything else quoted, an empty cell as such."""
    if not text:
        return messages.CELL_EMPTY
    number = parse_number(text)
    return format_vn(number, 4) if number is not None else f"“{text}”"


def _first_difference(forms: list[Form]) -> tuple[str, str, str] | None:
    """The first criterion the first form scores otherwise than another, in
    the first form's order: (its code, its cell in the first form, the
    sentence naming both cells, ``SHEETS_DIFFER_AT``)."""
    first, *others = forms
    mine = _scored_cells(first)
    theirs = [(other, _scored_cells(other)) for other in others]
    for code, cells in mine.items():
        for other, scored in theirs:
            by_role = {role: (ref, text) for role, ref, text in scored.get(code, [])}
            for role, ref, text in cells:
                if role not in by_role or by_role[role][1] == text:
                    continue
                other_ref, other_text = by_role[role]
                if not (text or other_text):
                    continue
                return (
                    code,
                    ref,
                    messages.SHEETS_DIFFER_AT.format(
                        code=code,
                        cell=ref,
                        value=_shown(text),
                        other=other.table.sheet.name,
                        other_cell=other_ref,
                        other_value=_shown(other_text),
                    ),
                )
    return None


def _disjoint(forms: list[Form]) -> bool:
    """Whether no two forms score the same code (one form split over sheets)."""
    seen: set[str] = set()
    for form in forms:
        codes = {submission_code(code) or code for code in form.scored_codes}
        if codes & seen:
            return False
        seen |= codes
    return True


def find_forms(
    sheets: Sequence[Sheet],
    file: str,
    criteria_set: CriteriaSet,
    year: int,
    *,
    subfolder: str | None = None,
) -> FormsFound:
    """Every form of the workbook, sorted into read, reported and refused.

    Args:
        sheets: the workbook's sheets, hidden ones included (``visible=False``).
        file: the file's name as shown to users; its stem names the department when
            a form has no ``Đơn vị`` line.
        subfolder: the department's own folder below the year's, if any
            (``DroppedFile.subfolder``): it names the department when neither
            the line nor the names do.
        criteria_set: the criteria set in force (departments).
        year: the assessment year (the folder's).
    """
    found = FormsFound()
    located: list[tuple[Sheet, LocatedHeader]] = []
    hidden: list[tuple[Sheet, LocatedHeader]] = []
    without_scores: Sheet | None = None
    for sheet in sheets:
        at = locate_header_columns(sheet)
        if at is None:
            continue
        if not any(column.role in SCORE_ROLES for column in at.columns):
            if sheet.visible and without_scores is None:
                without_scores = sheet
            continue
        (located if sheet.visible else hidden).append((sheet, at))
    # A hidden form is reported; when no visible sheet is a form, it is read (a
    # hidden value never counts silently, nor is it lost without a word).
    message = (
        messages.SHEET_HIDDEN_FORM_USED if not located else messages.SHEET_HIDDEN_FORM
    )
    for sheet, _ in hidden:
        found.problems.append(
            problem(
                "warning",
                message.format(sheet=sheet.name),
                file=file,
                sheet=sheet.name,
            )
        )
    if not located:
        located = hidden
    if not located:
        if without_scores is not None:
            found.rejection = problem(
                "error",
                messages.FILE_NO_SCORE_COLUMN,
                file=file,
                sheet=without_scores.name,
            )
        else:
            found.rejection = problem("error", messages.FILE_NO_TABLE, file=file)
        return found
    forms = [
        _form(
            sheet,
            file,
            criteria_set,
            year,
            located=at,
            several=len(located) > 1,
            subfolder=subfolder,
        )
        for sheet, at in located
    ]
    current = [
        form
        for form in forms
        if form.year == year or form.rejection is not None and form.year is None
    ]
    found.other_years = [
        {
            "year": form.year,
            "sheet": form.table.sheet.name,
            "cell": form.table.metadata.get("year", ("", None))[1],
            "department": form.department,
        }
        for form in forms
        if form.year is not None and form.year != year
    ]
    if not current:
        first = forms[0]
        cell = first.table.metadata.get("year", ("", None))[1]
        found.rejection = problem(
            "error",
            messages.FILE_YEAR_MISMATCH.format(file_year=first.year, year=year),
            file=file,
            sheet=first.table.sheet.name,
            cell=cell,
            department=first.department,
        )
        return found
    for form in current:
        if form.rejection is not None:
            found.rejection = form.rejection
            return found
    for form in forms:
        if form not in current:
            found.problems.append(
                problem(
                    "warning",
                    messages.SHEET_OTHER_YEAR.format(
                        sheet=form.table.sheet.name, sheet_year=form.year, year=year
                    ),
                    file=file,
                    sheet=form.table.sheet.name,
                    cell=form.table.metadata.get("year", ("", None))[1],
                    department=form.department,
                )
            )
    by_department: dict[str | None, list[Form]] = {}
    for form in current:
        by_department.setdefault(form.department, []).append(form)
    for department, group in by_department.items():
        scored = [form for form in group if form.has_scores]
        copies = [form for form in scored[1:] if form.content == scored[0].content]
        for copy in copies:
            found.problems.append(
                problem(
                    "warning",
                    messages.SHEET_SAME_AS.format(
                        sheet=copy.table.sheet.name, first=scored[0].table.sheet.name
                    ),
                    file=file,
                    sheet=copy.table.sheet.name,
                    department=department,
                )
            )
        scored = [form for form in scored if form not in copies]
        parts = _parts_of_others(scored)
        for part, whole in parts:
            found.problems.append(
                problem(
                    "warning",
                    messages.SHEET_PART_OF.format(
                        sheet=part.table.sheet.name, first=whole.table.sheet.name
                    ),
                    file=file,
                    sheet=part.table.sheet.name,
                    department=department,
                )
            )
        set_aside = {id(part) for part, _ in parts}
        scored = [form for form in scored if id(form) not in set_aside]
        if len(scored) > 1 and not _disjoint(scored):
            sheets_list = ", ".join(f"“{form.table.sheet.name}”" for form in scored)
            name = next(
                (d.name for d in criteria_set.departments if d.code == department),
                department,
            )
            code, cell, difference = _first_difference(scored) or (None, None, "")
            found.rejection = problem(
                "error",
                messages.SHEETS_SAME_DEPARTMENT.format(
                    year=year,
                    department=name,
                    sheets=sheets_list,
                    difference=difference,
                ),
                file=file,
                sheet=scored[0].table.sheet.name,
                cell=cell,
                department=department,
                criterion=code,
            )
            return found
        for chosen in scored or group[:1]:  # parts of one form: every part
            found.forms.append(chosen)
            found.problems.extend(chosen.warnings)
    _years_only_in_name(found, file, year)
    if len(found.forms) > 1:
        listing = ", ".join(
            f"{form.department}: “{form.table.sheet.name}”" for form in found.forms
        )
        found.problems.append(
            problem(
                "warning",
                messages.SHEET_FORM_READ.format(count=len(found.forms), sheets=listing),
                file=file,
            )
        )
    return found


_TITLE_YEAR = re.compile(r"(?:^|[^\w])(thang\s+\d{1,2}\s+)?nam\s+((?:19|20)\d\d)(?!\d)")
"""``năm 2022`` in a folded text; with ``tháng 2`` before it, a date's year."""
_INDEX_YEAR = re.compile(
    r"(?:^|[^\w])(bo\s+)?(?:chi\s+so\s+(?:cai\s+cach\s+hanh\s+chinh|cchc)"
    r"|par\s*index|cchc)\s+((?:19|20)\d\d)(?!\d)"
)
"""``Chỉ số CCHC 2022`` (the index's year written without ``năm``) in a folded
text; with ``Bộ`` before it, the criteria set's year (``Bộ chỉ số CCHC
2022``), not the form's."""


def _title_year(
    sheet: Sheet, header_row: int, year: int
) -> tuple[str, int, str] | None:
    """The first cell above a form's table whose text states a year (``BẢNG …
    NĂM 2022``; not a date's, ``ngày 3 tháng 2 năm 2022``) when none of the
    years stated there is ``year``: (its cell, that year, its text)."""
    found: tuple[str, int, str] | None = None
    for r, row in rows_visible_first(sheet, header_row):
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            folded = fold(value)
            for match in [*_TITLE_YEAR.finditer(folded), *_INDEX_YEAR.finditer(folded)]:
                if match.group(1):
                    continue  # a date, or the criteria set's year
                stated = int(match.group(2))
                if stated == year:
                    return None
                if found is None:
                    found = (cell_ref(r, c), stated, value.strip())
    return found


def _years_only_in_name(found: FormsFound, file: str, year: int) -> None:
    """A form without a year of its own (no ``Năm`` line, no year in its sheet's
    name) in a file whose name states other years than the folder's and not the
    folder's (``2022/phong-ktht-2023.xlsx``) is the folder's year, as every form
    without a year line (README, Folder shape); a warning names the file and the
    sheet, and the run of each year the name states is told
    (``FormsFound.other_years``, ``by_name``)."""
    named = years_in_file_name(file)
    if not named or year in named:
        return
    for form in found.forms:
        if form.year_stated:
            continue
        sheet = form.table.sheet.name
        if len(named) == 1:
            advice = messages.ADVICE_NAME_YEAR_ONE.format(named=named[0], year=year)
        else:
            advice = messages.ADVICE_NAME_YEAR_SEVERAL.format(year=year)
        found.problems.append(
            problem(
                "warning",
                messages.FILE_NAME_STATES_OTHER_YEAR.format(
                    file=file,
                    named=", ".join(str(each) for each in named),
                    sheet=sheet,
                    year=year,
                    advice=advice,
                ),
                file=file,
                sheet=sheet,
                department=form.department,
            )
        )
        found.other_years.extend(
            {
                "year": each,
                "sheet": sheet,
                "cell": None,
                "department": form.department,
                "by_name": True,
            }
            for each in named
        )

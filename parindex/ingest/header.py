"""Which column of a submission's header is which, recognised by meaning.

A header cell is folded (case, accents, spacing, NFC/NFD) and recognised by the words
of a role, extra words allowed: ``Điểm thẩm định của Hội đồng`` and ``Điểm thẩm định
(sau giải trình)`` are appraisal columns. A header over two rows (``Điểm thẩm định``
merged over ``Sơ bộ`` | ``Chính thức``) is read as one text per column. When several
columns share a score role, one is picked by a written rule (README, Choices) and the
choice is reported; when the rule cannot decide, the file is set aside naming the
candidate columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from parindex import messages
from parindex.text import fold, fold_label, nfc, parse_number
from parindex.workbook import (
    SEARCH_ROWS,
    CellValue,
    Fallback,
    Sheet,
    cell_position,
    cell_ref,
    cell_text,
    is_column_numbering,
)

# Folded code headers, by priority (a sequence-number column ``TT`` loses to ``Mã``).
CODE_HEADERS = {
    "ma tieu chi": 0,
    "ma so tieu chi": 0,
    "ma chi tieu": 0,
    "ma": 1,
    "ma so": 1,
    "tt": 2,
    "stt": 3,
    "so tt": 3,
}
NAME_HEADERS = ("ten tieu chi", "tieu chi", "noi dung", "ten chi tieu", "ten")
# Reason headers, by preference (a reason named for the deduction beats the
# council's remarks, which beat a ``Ghi chú``).
REASON_STARTS = (
    "nguyen nhan",
    "ly do",
    "noi dung bi tru",
    "noi dung tru",
    "cac noi dung tru",
    "can cu tru",
    "can cu ly do",
    "y kien",
    "nhan xet",
    "giai trinh",
    "thuyet minh",
    "ghi chu",
)
SELF_WORDS = (
    "tu danh gia",
    "tu cham",
    "tdg",
    "tu dg",
    "tu xac dinh",
)
# The score the department proposes (``Điểm đơn vị đề nghị``): its self score,
# named with ``điểm``; not a score it asks to be given again (``Điểm đề nghị
# phúc khảo``, ``… chấm lại``), nor a column of requests (``Đề xuất, kiến nghị``).
_PROPOSED_WORDS = ("de nghi", "de xuat")
_ASKED_AGAIN = (
    "cham lai",
    "xem xet lai",
    "danh gia lai",
    "dieu chinh",
    "phuc tra",
    "phuc khao",
)
# Another body proposing (``Điểm Sở Nội vụ đề nghị``): not the department's.
_OTHER_BODIES = ("so", "ubnd", "cap tren", "tinh", "huyen", "xa")
# Headers that are the self score as offices abbreviate it or name who scores.
_SELF_SHORT = ("tdg", "tu dg", "diem tdg", "don vi tu danh gia", "don vi tu cham")
# The appeal's result (``Kết quả phúc khảo``): the council's final round; not
# what the department asks for (``Điểm đề nghị phúc khảo``).
APPEAL_WORDS = ("phuc khao",)
# The appraisal named by who scores it (``Hội đồng``, ``HĐTĐ``, ``HĐ``), which a self
# header may not also name; ``điểm đạt`` (the score reached) gives way to a self word.
COUNCIL_WORDS = ("tham dinh", "hoi dong", "hdtd", "hd td", "hd")
APPRAISED_WORDS = (*COUNCIL_WORDS, "diem dat")
SCORE_ROLES = ("self", "appraised")
_FINAL = ("chinh thuc", "cuoi cung", "sau giai trinh", "phuc khao", "lan cuoi")
_PRELIMINARY = ("so bo", "du kien", "truoc giai trinh", "tam tinh", "du thao")
# Before the round that ends it (``trước phúc khảo``): preliminary, though it
# names that round.
_BEFORE_FINAL = ("truoc giai trinh", "truoc phuc khao", "truoc khi phuc khao")
_ROUND = re.compile(r" lan (\d{1,2}) ")
# A year in a header (``năm 2022``, ``(2022)``), not a decision's number
# (``QĐ 1726/2022``) nor a date (``31/12/2022``).
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/])")
# Last year named in words: such a column is last year's, as ``năm 2022`` is
# (never an old label of this year's column). Not ``năm qua`` ("the past
# year"), which may be the year assessed, in a form filled the year after.
_LAST_YEAR_WORDS = (
    "nam truoc",
    "nam lien truoc",
    "nam lien ke truoc",
    "nam ngoai",
    "ky truoc",
    "ki truoc",
)
_MAX_HEADER = 120
_COMMENT_WORDS = ("nhan xet", "y kien", "thuyet minh", "danh gia chung")
_OTHERS_WORDS = (
    "binh quan",
    "trung binh",
    "tb",
    "toan tinh",
    "ca tinh",
    "toan huyen",
    "ca huyen",
    "cac huyen",
    "cac xa",
    "toan quoc",
    "bq",
    "cao nhat",
    "thap nhat",
    "chenh lech",
)
"""A score of others than the department (an average, a whole province's:
``Điểm thẩm định bình quân toàn tỉnh``), or a difference between scores
(``Điểm thẩm định chênh lệch``): never the department's score."""


def _names_others(words: str) -> bool:
    """Whether folded header ``words`` (``_words``) name others' score (not the
    council's members' average, ``bình quân các thành viên Hội đồng``)."""
    if " thanh vien " in words:
        return False
    return any(f" {w} " in words for w in _OTHERS_WORDS)


@lru_cache(maxsize=8192)  # the same headers repeat from file to file
def _words(text: str) -> str:
    """Folded text with punctuation as spaces, padded for whole-word searches."""
    folded = fold_label(text)
    return " " + " ".join(re.sub(r"[^\w]+", " ", folded).split()) + " "


@lru_cache(maxsize=8192)
def _names_last_year(text: str) -> bool:
    """Whether a header names last year in words (``_LAST_YEAR_WORDS``)."""
    words = _words(text)
    return any(f" {w} " in words for w in _LAST_YEAR_WORDS)


def code_priority(text: str) -> int | None:
    """The priority of a code header (lower wins), None when ``text`` is not one."""
    if len(text) > _MAX_HEADER:
        return None
    return CODE_HEADERS.get(_words(text).strip())


@lru_cache(maxsize=8192)
def role_of(text: str) -> str | None:
    """The role a header text names: code, name, max, self, appraised, reason,
    evidence; None for any other column."""
    if not text or len(text) > _MAX_HEADER:
        return None
    words = _words(text)
    bare = words.strip()
    if bare in CODE_HEADERS:
        return "code"
    if bare.startswith(REASON_STARTS):
        return "reason"
    if " kiem chung " in words:
        return "evidence"
    if any(f" {w} " in words for w in ("toi da", "diem chuan", "thang diem")):
        return "max"
    if is_deductions(text):
        return None  # points lost, whoever took them: no score
    if bare in _SELF_SHORT:
        return "self"
    if any(f" {w} " in words for w in APPEAL_WORDS):
        if " de nghi " in words or any(f" {w} " in words for w in _COMMENT_WORDS):
            return None
        return "appraised"
    is_self = any(f" {w} " in words for w in SELF_WORDS)
    if not is_self and any(f" {w} " in words for w in _PROPOSED_WORDS):
        if " diem " not in words or any(
            f" {w} " in words for w in (*_ASKED_AGAIN, *_OTHER_BODIES)
        ):
            return None
        is_self = True
    is_council = any(f" {w} " in words for w in COUNCIL_WORDS)
    is_appraised = is_council or any(f" {w} " in words for w in APPRAISED_WORDS)
    if (is_self or is_appraised) and _names_others(words):
        return None  # an average, others' score: named when unused
    if is_self and is_council:
        return None  # ``Điểm tự chấm (Hội đồng kiểm tra)``: either; named when unused
    if is_self or is_appraised:
        phrases = SELF_WORDS if is_self else APPRAISED_WORDS
        if any(f" {w} " in words for w in ("diem", "cham", "ket qua")):
            return "self" if is_self else "appraised"
        if bare.startswith(phrases) and not any(
            f" {w} " in words for w in _COMMENT_WORDS
        ):
            return "self" if is_self else "appraised"
        return None
    if bare in NAME_HEADERS or bare.startswith(("ten tieu chi", "noi dung")):
        return "name"
    return None


def _role_of_pair(text: str, lower: str) -> str | None:
    """The role of a column whose header may span two rows: a sub-column that is a
    reason, evidence or maximum (``Tự đánh giá`` over ``Điểm`` | ``Lý do``) is
    that, whatever its group; a comment (``Nhận xét``) is no score."""
    if lower:
        own = role_of(lower)
        if own in ("reason", "evidence", "max"):
            return own
        words = _words(lower)
        if any(f" {w} " in words for w in _COMMENT_WORDS):
            return None
        combined = role_of(text)
        joined = _words(text)
        if (
            combined is None
            and own in SCORE_ROLES
            and not is_deductions(text)  # ``Điểm bị trừ`` over ``Thẩm định``
            and not _names_others(joined)  # ``Bình quân tỉnh`` over …
            # ``Phúc khảo`` over ``Điểm đề nghị``: what the appeal asks for
            and not any(f" {w} " in joined for w in APPEAL_WORDS)
        ):
            return own  # ``Năm 2023`` over ``Tự đánh giá``: the group is a year
        return combined
    return role_of(text)


def mentions_appraisal(text: str) -> bool:
    """Whether a header mentions the appraisal (``thẩm định``)."""
    return " tham dinh " in _words(text)


def looks_like_score(text: str) -> bool:
    """Whether a header reads like a score column's: ``điểm`` or ``chấm`` in it, or
    the appraisal named."""
    words = _words(text)
    return any(f" {w} " in words for w in ("diem", "cham", *COUNCIL_WORDS))


@dataclass(frozen=True)
class HeaderColumn:
    """One column of a header: its index, the A1 of the cell naming it, its text
    (both header rows joined with `` / ``), and its role."""

    index: int
    cell: str
    text: str
    role: str | None
    hidden: bool
    years: tuple[int, ...] = ()
    last_year: bool = False
    """The header names last year in words (``Điểm thẩm định năm trước``)."""

    @property
    def label(self) -> str:
        """``E7 “Điểm thẩm định”``: how a message names the column."""
        return f"{self.cell} “{self.text}”"

    def rank(self) -> tuple[int, int]:
        """Final or official (3) beats a numbered round (2, by number), which beats a
        plain header (1), which beats a preliminary one (0)."""
        words = _words(self.text)
        if any(f" {w} " in words for w in _BEFORE_FINAL):
            return (0, 0)
        if any(f" {w} " in words for w in _FINAL):
            return (3, 0)
        found = _ROUND.search(words)
        if found is not None:
            return (2, int(found.group(1)))
        if any(f" {w} " in words for w in _PRELIMINARY):
            return (0, 0)
        if any(phrase in words for phrase in _AFTER_DEDUCTIONS_FOLDED):
            return (1, 1)  # after its deductions: a plain column's later state
        return (1, 0)


@dataclass
class ColumnChoice:
    """The columns chosen for each role, the warnings that say how, and the
    rejection when the header leaves a choice open."""

    columns: dict[str, int] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)
    rejection: tuple[str, str] | None = None  # (cell, message)
    fallbacks: dict[str, Fallback] = field(default_factory=dict)
    """``Table.fallbacks``: the appraisal columns ranked below the one used."""


def _is_text_label(value: CellValue) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and len(text) <= _MAX_HEADER and parse_number(text) is None


def _is_sub_header(
    row: Sequence[CellValue], top: Sequence[CellValue], code: int
) -> bool:
    """Whether ``row`` (below the header ``top``) names sub-columns: its code cell
    is empty, every filled cell is a short text label, and at least one of them
    sits under an empty header cell (a merged header above it) or under a score."""
    if code < len(row) and cell_text(row[code]):
        return False
    filled = [c for c, value in enumerate(row) if cell_text(value)]
    if not filled or not all(_is_text_label(row[c]) for c in filled):
        return False
    if is_column_numbering(row):
        return False
    for c in filled:
        above = cell_text(top[c]) if c < len(top) else ""
        if not above or role_of(above) in SCORE_ROLES or _has_group_words(above):
            return True
    return False


def _has_group_words(text: str) -> bool:
    return " diem " in _words(text) or bool(_YEAR.search(fold_label(text)))


def _merged_left(sheet: Sheet, row: int, column: int) -> int | None:
    """The first column of a merged range of ``row`` that covers ``column``."""
    for (r1, c1), (r2, c2) in sheet.merged:
        if r1 <= row <= r2 and c1 <= column <= c2:
            return c1
    return None


def header_columns(
    sheet: Sheet, header_row: int, code: int
) -> tuple[list[HeaderColumn], int]:
    """The columns of the header at ``header_row`` and the first data row.

    A second header row (sub-columns under a merged cell) is joined to the first:
    a sub-column under an empty header cell takes the text of the header cell to
    its left (the merged cell), so ``Điểm thẩm định`` over ``Sơ bộ`` | ``Chính
    thức`` gives ``Điểm thẩm định / Sơ bộ`` and ``Điểm thẩm định / Chính thức``.
    A third row is joined so too when it only splits score columns
    (``Kết quả chấm điểm`` / ``Hội đồng thẩm định`` / ``Điểm trừ`` | ``Điểm
    đạt``; ``_splits_scores``).
    """
    cells = sheet.cells
    levels = [cells[header_row]]
    below = cells[header_row + 1] if header_row + 1 < len(cells) else []
    if below and _is_sub_header(below, levels[0], code):
        levels.append(below)
        third = cells[header_row + 2] if header_row + 2 < len(cells) else []
        if third and _splits_scores(sheet, header_row, levels, third, code):
            levels.append(third)
    data_row = header_row + len(levels)
    if data_row < len(cells) and is_column_numbering(cells[data_row]):
        data_row += 1
    hidden = sheet.facts.hidden_columns
    found = []
    for c, (texts, parts) in enumerate(_column_texts(sheet, header_row, levels)):
        text = " / ".join(part for part in parts if part)
        if not text:
            continue
        deepest = max((d for d, t in enumerate(texts) if t), default=0)
        # the sub-column's own text: the lowest row's that has one
        lower = next((t for t in reversed(texts[1:]) if t), "")
        where = header_row + deepest
        role = "code" if c == code else _role_of_pair(text, lower)
        if role == "code" and c != code:
            role = None
        years = tuple(int(y) for y in _YEAR.findall(fold_label(text)))
        last_year = _names_last_year(text)
        found.append(
            HeaderColumn(
                c, cell_ref(where, c), text, role, c in hidden, years, last_year
            )
        )
    return found, data_row


def _column_texts(
    sheet: Sheet, header_row: int, levels: Sequence[Sequence[CellValue]]
) -> list[tuple[list[str], list[str]]]:
    """Per column of a header of ``levels`` rows (from ``header_row``): each
    row's own text, and the text each row gives the column: its own, or, over
    a sub-column below, that of the merged cell covering it (else of the last
    header to its left in that row, a group ended by a column empty in every
    row); "" where none."""
    width = max(len(level) for level in levels)
    groups = [""] * len(levels)
    found = []
    for c in range(width):
        texts = [cell_text(level[c]) if c < len(level) else "" for level in levels]
        parts = []
        for depth, own in enumerate(texts):
            part = own
            if own:
                groups[depth] = own
            elif any(texts[depth + 1 :]):  # a merged cell over the ones below
                left = _merged_left(sheet, header_row + depth, c)
                row = levels[depth]
                part = (
                    cell_text(row[left])
                    if left is not None and left < len(row)
                    else groups[depth]
                )
            else:
                groups[depth] = ""
            parts.append(part)
        found.append((texts, parts))
    return found


def _splits_scores(
    sheet: Sheet,
    header_row: int,
    levels: Sequence[Sequence[CellValue]],
    row: Sequence[CellValue],
    code: int,
) -> bool:
    """Whether ``row``, below a two-row header, is a third header row: a sub-header
    (``_is_sub_header``) whose every filled cell sits under a score column of
    the two rows above, as ``header_columns`` would join them (a group's title,
    in the name column, never does)."""
    if not _is_sub_header(row, levels[-1], code):
        return False
    columns = _column_texts(sheet, header_row, [*levels, row])
    for texts, parts in columns:
        if not texts[-1]:
            continue
        above = " / ".join(part for part in parts[:-1] if part)
        if not above or role_of(above) not in SCORE_ROLES:
            return False
    return True


def find_code_column(row: Sequence[CellValue]) -> int | None:
    """The code column of a header row: the best code header, then the leftmost."""
    best: tuple[int, int] | None = None
    for c, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        priority = code_priority(value)
        if priority is not None and (best is None or priority < best[0]):
            best = (priority, c)
    return None if best is None else best[1]


def locate_header(sheet: Sheet) -> tuple[int, int] | None:
    """(header row, code column) of the first header in the first rows whose
    header has a score column (on its row or a second header row); else of the
    first row with a code column, so the caller can say what the header lacks."""
    found = locate_header_columns(sheet)
    return None if found is None else found.at


@dataclass(frozen=True)
class LocatedHeader:
    """Where ``locate_header`` found the header, with what ``header_columns``
    gives for it (so that it is worked out once)."""

    row: int
    code: int
    columns: list[HeaderColumn]
    data_row: int

    @property
    def at(self) -> tuple[int, int]:
        """(header row, code column)."""
        return self.row, self.code


def locate_header_columns(sheet: Sheet) -> LocatedHeader | None:
    """``locate_header`` with the header's columns and first data row."""
    fallback = None
    for r, row in enumerate(sheet.cells[:SEARCH_ROWS]):
        code = find_code_column(row)
        if code is None:
            continue
        columns, data_row = header_columns(sheet, r, code)
        if any(column.role in SCORE_ROLES for column in columns):
            return LocatedHeader(r, code, columns, data_row)
        if fallback is None:
            fallback = LocatedHeader(r, code, columns, data_row)
    return fallback


def _words_in(sheet: Sheet, column: int, data_row: int, code: int | None) -> str | None:
    """The first text of ``column``'s cells on rows with a code (``code``:
    its column) that is no number and no ``-`` (``Giữ nguyên``), None when
    there is none (a note under the table is no cell of a criterion)."""
    for row in sheet.cells[data_row:]:
        if code is None or code >= len(row) or cell_text(row[code]) == "":
            continue
        if column < len(row) and isinstance(row[column], str):
            text = str(row[column]).strip()
            if text and text != "-" and parse_number(text) is None:
                return text
    return None


def _holds_numbers(sheet: Sheet, column: int, data_row: int) -> bool:
    return any(
        column < len(row) and _number(row[column]) is not None
        for row in sheet.cells[data_row:]
    )


_REMARKS = ("y kien", "nhan xet", "giai trinh", "thuyet minh")


def _remarks(text: str) -> bool:
    """Whether a reason header is remarks (``Ý kiến``, ``Nhận xét``…), not a
    reason named as such (``Nguyên nhân``, ``Lý do``)."""
    return _words(text.rsplit(" / ", maxsplit=1)[-1]).strip().startswith(_REMARKS)


def _preference(column: HeaderColumn) -> tuple[int, int]:
    """A reason column named for the deduction beats a ``Ghi chú``; then the
    leftmost."""
    bare = _words(column.text.split(" / ")[-1]).strip()  # a sub-column's own
    rank = next(
        (i for i, s in enumerate(REASON_STARTS) if bare.startswith(s)),
        len(REASON_STARTS),
    )
    return rank, column.index


def choose_columns(
    sheet: Sheet,
    columns: list[HeaderColumn],
    data_row: int,
    year: int,
    *,
    year_stated: bool = True,
) -> ColumnChoice:
    """Pick one column per role by the rules of the README's Choices
    (``year_stated``: the form's ``Năm`` line, or its sheet's name, states
    ``year``; without it, score columns all headed with another year are no
    old label but a doubt: the form is set aside)."""
    choice = ColumnChoice()
    # last year named in words is the year before ``year``
    if any(column.last_year for column in columns):
        columns = [
            replace(column, years=(year - 1,))
            if column.last_year and not column.years
            else column
            for column in columns
        ]
    # the council's remarks holding numbers are no reason (its scores, headed
    # ``Ý kiến thẩm định``): no role, so the rules for unknown score columns apply
    columns = [
        replace(column, role=None)
        if column.role == "reason"
        and _remarks(column.text)
        and _holds_numbers(sheet, column.index, data_row)
        else column
        for column in columns
    ]
    # an appeal's column holding words ("Giữ nguyên", "x"): no scores, said
    for column in columns:
        if column.role == "appraised" and " phuc khao " in _words(column.text):
            code = next((c.index for c in columns if c.role == "code"), None)
            words = _words_in(sheet, column.index, data_row, code)
            if words is not None:
                choice.warnings.append(
                    (
                        column.cell,
                        messages.APPEAL_COLUMN_WORDS.format(
                            column=column.label, text=words
                        ),
                    )
                )
    columns = [
        replace(column, role=None)
        if column.role == "appraised"
        and any(cell == column.cell for cell, _ in choice.warnings)
        else column
        for column in columns
    ]
    by_role: dict[str, list[HeaderColumn]] = {}
    for column in columns:
        if column.role is not None:
            by_role.setdefault(column.role, []).append(column)
    stale = _years_stale(columns, year)
    if stale and not year_stated:
        dated = [c for c in columns if c.role in SCORE_ROLES and _other_year(c, year)]
        choice.rejection = (
            dated[0].cell,
            messages.COLUMNS_YEAR_UNSTATED.format(
                columns=", ".join(c.label for c in dated),
                column_year=dated[0].years[0],
                year=year,
            ),
        )
        return choice
    for role, candidates in by_role.items():
        if role not in SCORE_ROLES:
            visible = [c for c in candidates if not c.hidden] or candidates
            if role == "code":
                choice.columns[role] = visible[0].index
            else:
                current = [c for c in visible if not c.years or year in c.years]
                ranked = sorted(current or visible, key=_preference)
                choice.columns[role] = ranked[0].index
            continue
        picked = _choose_score(role, candidates, year, choice, stale=stale)
        if choice.rejection is not None:
            return choice
        if picked is not None:
            choice.columns[role] = picked.index
    _name_unused_scores(sheet, columns, data_row, year, choice)
    return choice


def _name_unused_scores(
    sheet: Sheet,
    columns: list[HeaderColumn],
    data_row: int,
    year: int,
    choice: ColumnChoice,
) -> None:
    """A column headed like a score that holds numbers but has no role is never
    dropped without a word: when a score role was not found the column may be it,
    and the file is set aside; else (or when it names another year) a warning says
    it is not used."""
    missing = [role for role in SCORE_ROLES if role not in choice.columns]
    for column in columns:
        if column.role is not None or not (
            looks_like_score(column.text)
            and _holds_numbers(sheet, column.index, data_row)
        ):
            continue
        other_year = bool(column.years) and year not in column.years
        kind = deductions_kind(column.text)
        if kind == "unclear":  # neither used nor dropped for another column
            choice.rejection = (
                column.cell,
                messages.DEDUCTIONS_UNCLEAR.format(column=column.label),
            )
            return
        if kind == "lost":
            # points lost are never a score; without an appraisal column they
            # are the self score's (said) or may be the council's: the
            # appraisal is not worked out from them
            if "appraised" not in missing:
                said = messages.DEDUCTIONS_NOT_USED
            elif _deductions_of_self(sheet, column, data_row, choice):
                said = messages.DEDUCTIONS_OF_SELF
            else:
                choice.rejection = (
                    column.cell,
                    messages.DEDUCTIONS_WITHOUT_APPRAISAL.format(column=column.label),
                )
                return
            choice.warnings.append((column.cell, said.format(column=column.label)))
            continue
        if "appraised" in missing and mentions_appraisal(column.text):
            message = messages.APPRAISAL_COLUMN_UNRECOGNISED.format(column=column.label)
        elif missing and not other_year:
            message = messages.SCORE_COLUMN_UNRECOGNISED_MISSING.format(
                column=column.label, role=messages.SCORE_ROLE_NAMES[missing[0]]
            )
        else:
            choice.warnings.append(
                (
                    column.cell,
                    messages.SCORE_COLUMN_NOT_USED.format(column=column.label),
                )
            )
            continue
        choice.rejection = (column.cell, message)
        return
    _scores_under_unknown_header(sheet, columns, data_row, choice)


_AFTER_DEDUCTIONS = (
    "sau khi đã trừ",
    "sau khi đã bị trừ",
    "sau đã trừ",
    "sau khi bị trừ",
    "sau khi trừ",
    "sau bị trừ",
    "sau trừ",
    "đã bị trừ",
    "đã trừ",
    "sau khi khấu trừ",
    "sau khấu trừ",
    "đã khấu trừ",
    "sau khi giảm trừ",
    "sau giảm trừ",
    "đã giảm trừ",
    "còn lại",
)
"""A score after its deductions (``Điểm thẩm định (sau khi bị trừ điểm)``)."""
_AFTER_DEDUCTIONS_SAU = tuple(p for p in _AFTER_DEDUCTIONS if p.startswith("sau "))
"""``sau …`` of ``_AFTER_DEDUCTIONS``: after them, even ending with ``đã trừ``
(``… sau khi đã trừ điểm``)."""
_AFTER_DEDUCTIONS_FOLDED = tuple(
    f" {' '.join(fold_label(phrase).split())} " for phrase in _AFTER_DEDUCTIONS
)
"""``_AFTER_DEDUCTIONS`` as ``_words`` folds a header: such a column outranks
the plain one of its role (``HeaderColumn.rank``)."""
_EXCLUDING = ("ngoại trừ", "trừ tiêu chí", "trừ các tiêu chí", "trừ phần")
"""``trừ`` as "excluding" (``Điểm thẩm định (trừ tiêu chí khảo sát)``)."""
_LOST = ("bị trừ", "điểm trừ", "khấu trừ", "giảm trừ")
"""Points lost, wherever in the header (``Điểm bị trừ (thẩm định)``)."""
_LOST_ENDS = (("trừ",), ("trừ", "điểm"), ("trừ", "đi"))
"""Points lost, ending the header (``Điểm HĐTĐ trừ``, ``Thẩm định trừ
điểm``), a remark in brackets after it aside (``… trừ (nếu có)``)."""
_TAKEN_ENDS = tuple(
    (*taken, *end)
    for taken in (("đã",), ("đã", "bị"), ("đã", "khấu"), ("đã", "giảm"))
    for end in _LOST_ENDS
)
"""``… đã trừ`` ending the header: the points taken, or the score once they were
taken (``Điểm HĐTĐ đã trừ``); either, so unclear."""
_LOST_OTHERWISE = ("bị giảm", "bị hạ", "bị mất", "không đạt", "không công nhận")
_LOST_OTHERWISE_MARKED = ("giảm", "mất")
"""Points lost said without ``trừ`` (``Điểm thẩm định bị giảm``, ``Điểm không
đạt (thẩm định)``) in a score's header; the
single words only with their marks (``giam`` may be ``giám``: ``Giám đốc``)."""
_AFTER_LOSS = (
    "sau khi giảm",
    "sau giảm",
    "sau khi bị giảm",
    "sau khi bị hạ",
    "điều chỉnh giảm",
    "đã giảm",
)
"""A score after its reduction (``Điểm thẩm định sau khi giảm``)."""
_WORDS_KEPT = re.compile(r"[^\W_]+")
_BRACKETED = re.compile(r"\([^()]*\)")
_AFTER_REMARK = re.compile(
    r"\(\s*(?:đã|da|sau)\b[^()]*\)|,\s*(?:đã|sau)\b.*$", re.IGNORECASE
)
"""A remark in brackets, or after a comma, saying what was already done
(``(đã trừ điểm)``, ``(sau khi trừ)``, ``, đã trừ``)."""
_BRACKETED_END = re.compile(r"\s*\([^()]*\)\s*[:.]?\s*$")


def deductions_kind(text: str) -> str | None:
    """What ``trừ`` makes of a header: ``lost`` for points lost (``bị trừ``,
    ``điểm trừ``, ``khấu trừ``, ``giảm trừ`` in it, ``trừ`` beginning or
    ending it: ``Điểm HĐTĐ trừ``, ``Trừ điểm thẩm định``), ``unclear`` for
    ``… đã trừ`` ending it (the points taken, or the score once they were:
    ``Điểm HĐTĐ đã trừ``) and for any other ``trừ`` (``… trừ lùi``: neither a
    score nor points lost as far as can be told); None without ``trừ``, or
    for a score after its deductions (``… sau khi bị trừ``) or excluding
    something (``… (trừ tiêu chí khảo sát)``). Without ``trừ``, a score's
    header saying points lost otherwise (``bị giảm``, ``không đạt``, ``không
    công nhận``…: ``_LOST_OTHERWISE``) is ``lost`` too. Read with its marks
    (``dự trù`` is no ``trừ``); a header written without any, as folded
    (``Diem bi tru``)."""
    if len(text) > _MAX_HEADER:
        return None
    plain = text.isascii()

    def words_of(part: str) -> list[str]:
        return _WORDS_KEPT.findall(fold(part) if plain else nfc(part).lower())

    def phrases(found: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(fold(p) for p in found) if plain else found

    # a remark saying the deductions were taken (``(đã trừ điểm)``, ``, đã
    # trừ``, ``(sau khi trừ)``) leaves the header the score it names
    text = _AFTER_REMARK.sub(" ", text)
    words = words_of(text)
    joined = f" {' '.join(words)} "
    tru = "tru" if plain else "trừ"
    if tru not in words:
        # points lost in other words, outside any remark in brackets (``(ghi 0
        # nếu không đạt)`` is a note on the score)
        unbracketed = f" {' '.join(words_of(_BRACKETED.sub(' ', text)))} "
        lost = (*_LOST_OTHERWISE, *(() if plain else _LOST_OTHERWISE_MARKED))
        if (
            any(f" {p} " in unbracketed for p in phrases(lost))
            and not any(f" {p} " in unbracketed for p in phrases(_AFTER_LOSS))
            and looks_like_score(text)
        ):
            return "lost"
        return None
    endings = (words, words_of(_BRACKETED_END.sub("", text)))

    def ends_with(found: tuple[tuple[str, ...], ...]) -> bool:
        return any(
            tuple(ending[-len(end) :]) == end
            for ending in endings
            for end in map(phrases, found)
        )

    if any(f" {p} " in joined for p in phrases(_AFTER_DEDUCTIONS_SAU)):
        return None  # ``… sau khi đã trừ điểm``
    if ends_with(_TAKEN_ENDS):
        # ``Điểm đã trừ``: the points taken; ``Điểm HĐTĐ đã trừ``: those the
        # council took, or its score once it took them
        named = f" {fold(' '.join(words[: words.index(phrases(('đã',))[0])]))} "
        if not any(f" {w} " in named for w in (*COUNCIL_WORDS, *SELF_WORDS)):
            return "lost"
        return "unclear"
    if any(f" {p} " in joined for p in phrases((*_AFTER_DEDUCTIONS, *_EXCLUDING))):
        return None
    if any(f" {p} " in joined for p in phrases(_LOST)):
        return "lost"
    if words[0] == tru or ends_with(_LOST_ENDS):
        return "lost"
    return "unclear"


def is_deductions(text: str) -> bool:
    """Whether ``trừ`` makes a header no score (``deductions_kind``)."""
    return deductions_kind(text) is not None


def _deductions_of_self(
    sheet: Sheet, column: HeaderColumn, data_row: int, choice: ColumnChoice
) -> bool:
    """Whether ``column``, headed as points lost without naming the council,
    holds on every row where it has a number the row's maximum minus its self
    score (at least ``_SCORES_SEEN`` such rows; lost points written negative
    alike): the self score's deductions, not the council's."""
    words = _words(column.text)
    if any(f" {w} " in words for w in COUNCIL_WORDS):
        return False
    max_at, self_at = choice.columns.get("max"), choice.columns.get("self")
    if max_at is None or self_at is None:
        return False
    seen = 0
    at = max(column.index, max_at, self_at)  # the farthest cell read on a row
    for row in sheet.cells[data_row:]:
        if at >= len(row):
            continue
        lost = _number(row[column.index])
        if lost is None:
            continue
        top, score = _number(row[max_at]), _number(row[self_at])
        if top is None or score is None or abs(top - score - abs(lost)) > 1e-6:
            return False
        seen += 1
    return seen >= _SCORES_SEEN


_EPSILON = 1e-9
_SCORES_SEEN = 2
"""How many scores a column must hold to be taken for a score column."""


def _number(value: CellValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return parse_number(value)
    return None


def _scores_under_unknown_header(
    sheet: Sheet, columns: list[HeaderColumn], data_row: int, choice: ColumnChoice
) -> None:
    """A form without an appraisal column and a shown column whose header is
    no role's (or empty) holding scores (numbers, each within its row's
    maximum): the column may be the council's, headed otherwise (``Tỉnh đánh
    giá``, ``Kết quả``): the file is set aside naming it, never read with the
    self score standing for the appraisal."""
    if "appraised" in choice.columns or "max" not in choice.columns or not columns:
        return
    max_at = choice.columns["max"]
    position = cell_position(columns[0].cell)
    header_row = position[0] if position is not None else max(data_row - 1, 0)
    named = {c.index: c for c in columns}
    taken = set(choice.columns.values()) | {
        c.index for c in columns if c.role is not None or looks_like_score(c.text)
    }
    hidden = sheet.facts.hidden_columns
    width = max((len(row) for row in sheet.cells[data_row:]), default=0)
    for index in range(width):
        if index in taken or index in hidden:
            continue
        seen = 0
        for row in sheet.cells[data_row:]:
            if index >= len(row) or max_at >= len(row):
                continue
            value, maximum = _number(row[index]), _number(row[max_at])
            if value is None:
                continue
            if maximum is None or not -_EPSILON <= value <= maximum + _EPSILON:
                seen = -1  # a number that is no score of its row: not scores
                break
            seen += 1
        if seen < _SCORES_SEEN:
            continue
        column = named.get(index)
        cell = column.cell if column is not None else cell_ref(header_row, index)
        label = (
            column.label
            if column is not None
            else messages.COLUMN_HEADER_EMPTY.format(cell=cell)
        )
        choice.rejection = (
            cell,
            messages.SCORES_UNDER_UNKNOWN_HEADER.format(column=label),
        )
        return


def _other_year(column: HeaderColumn, year: int) -> bool:
    """Whether the column's header names an earlier year, not ``year``."""
    return bool(column.years) and year not in column.years and min(column.years) < year


def _later_year(column: HeaderColumn, year: int) -> bool:
    """Whether the column's header names only years after ``year`` (the council
    appraises a year's index the year after: ``Điểm thẩm định năm 2024``)."""
    return bool(column.years) and min(column.years) > year


def _years_stale(columns: list[HeaderColumn], year: int) -> bool:
    """Whether the years in the score columns' headers tell nothing apart: some
    name another year, none names ``year``, and no role has both a column of
    another year and one without (``Điểm tự đánh giá`` | ``Điểm thẩm định (theo
    Bộ chỉ số năm 2022)``, or ``Điểm chấm theo Bộ chỉ số 2022`` over both). Those
    columns are then the form's own, their year an old label (README, Choices);
    where the form tells years apart (``… năm 2022`` beside ``… năm 2023``, or
    beside a column of the same role without a year), another year's column is
    last year's and not used."""
    scores = [c for c in columns if c.role in SCORE_ROLES and not c.last_year]
    if not any(_other_year(c, year) for c in scores):
        return False
    if any(year in c.years for c in scores):
        return False
    for role in SCORE_ROLES:
        of_role = [c for c in scores if c.role == role]
        if any(_other_year(c, year) for c in of_role) and any(
            not _other_year(c, year) for c in of_role
        ):
            return False
    return True


def _earlier_rounds(
    role: str,
    chosen: HeaderColumn,
    candidates: list[HeaderColumn],
    choice: ColumnChoice,
    hidden_said: dict[int, int],
) -> None:
    """A later appraisal round filled only where it changed a score (after an
    appeal): a row blank there takes the rounds ranked below it, hidden or not,
    in rank order, the columns of one rank as one round (README, Choices)."""
    lower = sorted(  # stable: columns of one rank stay in sheet order
        sorted(
            (c for c in candidates if c.rank() < chosen.rank()), key=lambda c: c.index
        ),
        key=lambda c: c.rank(),
        reverse=True,
    )
    if role == "appraised" and lower:
        rounds = [
            tuple((c.index, c.label) for c in columns)
            for _, columns in itertools.groupby(lower, key=lambda c: c.rank())
        ]
        choice.fallbacks[role] = (chosen.label, tuple(rounds))
        # a hidden earlier round said as skipped (``hidden_said``: column →
        # its warning's place) is not only skipped: rows may take it
        for column in lower:
            at = hidden_said.get(column.index)
            if at is not None:
                choice.warnings[at] = (
                    column.cell,
                    messages.COLUMN_HIDDEN_EARLIER_ROUND.format(
                        column=column.label, chosen=chosen.label
                    ),
                )


def _choose_score(
    role: str,
    candidates: list[HeaderColumn],
    year: int,
    choice: ColumnChoice,
    *,
    stale: bool = False,
) -> HeaderColumn | None:
    role_name = messages.SCORE_ROLE_NAMES[role]
    current = []
    for column in candidates:
        # an old label (no column tells years apart) or the year the council
        # scores in: the form's own column, said
        own = (
            messages.COLUMN_YEAR_STALE
            if stale and _other_year(column, year)
            else messages.COLUMN_YEAR_LATER
            if _later_year(column, year)
            else None
        )
        if own is not None:
            choice.warnings.append(
                (
                    column.cell,
                    own.format(
                        column=column.label,
                        column_year=column.years[0],
                        year=year,
                        role=role_name,
                    ),
                )
            )
            current.append(column)
        elif column.years and year not in column.years:
            choice.warnings.append(
                (
                    column.cell,
                    messages.COLUMN_OTHER_YEAR.format(
                        column=column.label, column_year=column.years[0], year=year
                    ),
                )
            )
        else:
            current.append(column)
    if not current:
        return None
    everyone = list(current)  # hidden ones too: an earlier round a row may take
    hidden_said: dict[int, int] = {}
    visible = [c for c in current if not c.hidden]
    if visible and len(visible) < len(current):
        for column in current:
            if column.hidden:
                hidden_said[column.index] = len(choice.warnings)
                choice.warnings.append(
                    (
                        column.cell,
                        messages.COLUMN_HIDDEN_DUPLICATE.format(
                            column=column.label, role=role_name
                        ),
                    )
                )
        current = visible
    if len(current) == 1:
        only = current[0]
        if only.hidden:
            choice.warnings.append(
                (
                    only.cell,
                    messages.COLUMN_HIDDEN_USED.format(
                        column=only.label, role=role_name
                    ),
                )
            )
        _earlier_rounds(role, only, everyone, choice, hidden_said)
        return only
    best = max(column.rank() for column in current)
    top = [column for column in current if column.rank() == best]
    listing = ", ".join(column.label for column in current)
    if len(top) > 1:
        choice.rejection = (
            top[0].cell,
            messages.COLUMNS_AMBIGUOUS.format(role=role_name, columns=listing),
        )
        return None
    chosen = top[0]
    choice.warnings.append(
        (
            chosen.cell,
            messages.COLUMN_CHOSEN.format(
                role=role_name, columns=listing, column=chosen.label
            ),
        )
    )
    _earlier_rounds(role, chosen, everyone, choice, hidden_said)
    if chosen.hidden:
        choice.warnings.append(
            (
                chosen.cell,
                messages.COLUMN_HIDDEN_USED.format(column=chosen.label, role=role_name),
            )
        )
    return chosen

"""Turn a located table into rows: file, sheet, cells, code, scores, reason."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import polars as pl

from parindex import messages
from parindex.numbers import SCORE_LIMIT, SCORE_LIMIT_TEXT, as_shown
from parindex.sheetfacts import DASHES, ERROR_TEXTS, SheetFacts
from parindex.text import (
    fold,
    fold_name,
    format_vn,
    nfc,
    parse_number,
    submission_code,
    without_sum_formula,
)
from parindex.workbook import (
    MAX_COLUMNS,
    CellValue,
    Fallback,
    Table,
    cell_ref,
    cell_text,
    column_letter,
)

NOT_SCORED = frozenset({"", *DASHES})
# Notices the reader attaches to a row, as one text (cheap to build into a frame):
# records separated by RS, fields (severity, cell, message) by US.
NOTICE_RS, NOTICE_US = "\x1e", "\x1f"
# A sub-item marker in the code column: a) b) c., i) ii., -, +, *, •
_SUB_ITEM = re.compile(r"^(?:[a-zđ]|[ivx]{1,4})[).]?$|^[-+*•–]$")
Notice = dict[str, str]

ROW_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "department": pl.String(),
    "raw_code": pl.String(),
    "code": pl.String(),
    "code_numeric": pl.Boolean(),
    "self_raw": pl.String(),
    "self_score": pl.Float64(),
    "appraised_raw": pl.String(),
    "appraised_score": pl.Float64(),
    "stated_max": pl.Float64(),
    "reason": pl.String(),
    "evidence": pl.String(),
    "code_cell": pl.String(),
    "self_cell": pl.String(),
    "appraised_cell": pl.String(),
    "max_cell": pl.String(),
    "formula_cell": pl.String(),
    "total_label": pl.String(),
    "notices": pl.String(),
}
# Labels of a grand-total row (folded), in the code or the name column.
TOTAL_LABELS = frozenset(
    {"tong", "tong cong", "tong so", "tong diem", "tong so diem", "cong", "total"}
)
# The words of a total row's label besides ``Tổng``/``Cộng`` (folded), saying
# which score it totals: ``Tổng điểm đạt được``, ``Tổng số điểm tự đánh giá và
# thẩm định``, ``Tổng điểm Hội đồng thẩm định``, ``Tổng điểm chỉ số CCHC năm
# 2023``, ``Điểm tổng cộng``. A label with any other word (``Tổng số văn bản
# …``, ``Tổng điểm bị trừ``) is not a total.
_TOTAL_WORDS = frozenset(
    {"tong", "cong", "so", "diem", "dat", "duoc", "tu", "cham", "danh", "gia"}
    | {"tham", "dinh", "cua", "don", "vi", "va", "sau", "chinh", "thuc", "hoi"}
    | {"dong", "chung", "chi", "cchc", "cai", "cach", "hanh", "nam"}
)
_LABEL_WORDS = re.compile(r"[^\W_]+")


def is_total_label(label: str) -> bool:
    """Whether a folded label (``fold``, the formula in brackets and a colon
    taken off) names a form's grand total: one of ``TOTAL_LABELS``, or words
    all of ``_TOTAL_WORDS`` (punctuation between them: ``tự đánh giá/thẩm
    định``, a year) holding ``tong``, or starting ``cong diem`` (blind round
    27A, F4; re-check 27B, F4)."""
    if label in TOTAL_LABELS:
        return True
    words = [w for w in _LABEL_WORDS.findall(label) if not w.isdigit()]
    if len(words) < 2 or not _TOTAL_WORDS.issuperset(words):
        return False
    return "tong" in words or words[:2] == ["cong", "diem"]


_FORMULA_FIELDS = ("code", "self", "appraised")
_NONE: tuple[str | None, float | None] = (None, None)
# The columns gathered row by row; cell references are computed as whole columns.
_GATHERED_SCHEMA: dict[str, pl.DataType] = {
    **{
        name: ROW_SCHEMA[name]
        for name in (
            "row",
            "raw_code",
            "code",
            "code_numeric",
            "self_raw",
            "self_score",
            "appraised_raw",
            "appraised_score",
            "stated_max",
            "reason",
            "evidence",
            "formula_cell",
            "total_label",
            "notices",
            "file",
            "sheet",
            "department",
        )
    },
    **{f"{field}_at": pl.Int64() for field in ("code", "self", "appraised", "max")},
}
_GATHERED = tuple(_GATHERED_SCHEMA)
FileRows = list[list[object]]
"""Rows as ``RowsBuilder.columns()`` gives them: a list per gathered column."""
FILE_ROWS_WIDTH = len(_GATHERED)
"""How many lists ``FileRows`` holds."""


def _parse_score(value: CellValue) -> tuple[str | None, float | None]:
    """(raw text, number) of a score cell; (None, None) when it is not scored.

    Numbers pass through (not infinities or NaN); text is parsed with a decimal
    comma or point; text that is not a number keeps its raw text and no number, so
    validation reports it.
    """
    if isinstance(value, bool):
        return cell_text(value), None
    if isinstance(value, int | float):
        number = float(value)
        return cell_text(value), number if math.isfinite(number) else None
    text = cell_text(value)
    if text in NOT_SCORED:
        return None, None
    return text, parse_number(text)


def _text_or_none(value: CellValue) -> str | None:
    """A text cell's text, None when empty."""
    return (cell_text(value) or None) if value != "" else None


def _parse_code(value: CellValue) -> tuple[str, str | None, bool]:
    """(raw text, normalised code or None, stored as a number?)."""
    if type(value) is str:  # most codes (as ``cell_text`` gives them)
        raw = (value if value.isascii() else nfc(value)).strip()
        return raw, submission_code(raw), False
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    raw = cell_text(value)
    return raw, submission_code(raw), numeric


def _total_label(table: Table, row: int) -> str | None:
    """The label of a grand-total row (``Tổng cộng``, ``Tổng cộng (I+II+III)``)
    in the code or name cell."""
    for column in ("code", "name"):
        text = cell_text(table.value(row, column))
        if not text:
            continue
        label = without_sum_formula(fold(text).rstrip(":").strip())
        if is_total_label(label.rstrip(":").strip()):
            return text
    return None


def encode_notices(notices: list[Notice]) -> str:
    """The notices of a row as one text (see ``NOTICE_RS``)."""
    return NOTICE_RS.join(
        NOTICE_US.join((n["severity"], n["cell"], n["message"])) for n in notices
    )


def decode_notices(text: str | None) -> list[Notice]:
    """The notices of a row from their text."""
    if not text:
        return []
    found = []
    for record in text.split(NOTICE_RS):
        severity, cell, message = record.split(NOTICE_US, 2)
        found.append({"severity": severity, "cell": cell, "message": message})
    return found


def _notice(severity: str, cell: str | None, message: str) -> Notice:
    return {"severity": severity, "cell": cell or "", "message": message}


def _shown_date(value: dt.date | dt.time) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):  # a time object is never falsy
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value.strftime("%H:%M:%S")


def _too_large(number: float) -> bool:
    """A finite number beyond ``SCORE_LIMIT``: too large to be a score (an
    infinity or NaN is not a number, as validation says)."""
    return math.isfinite(number) and abs(number) > SCORE_LIMIT


def _read_score(
    table: Table, row: int, at: int | None, value: CellValue
) -> tuple[str | None, float | None, Notice | None]:
    """(raw text, number, error notice) of a score cell: error values, percent
    formats, dates and booleans are errors naming the cell, never a number or an
    empty cell."""
    if at is None:
        return None, None, None
    facts = table.sheet.facts
    error = facts.errors.get((row, at)) if facts.errors else None
    if error is None:
        # the common cells first: a number that is not shown as a percent, and
        # an empty cell (what ``_parse_score`` gives them)
        if (
            type(value) is float
            and not (facts.percent and (row, at) in facts.percent)
            and not _too_large(value)
        ):
            shown = str(int(value)) if value.is_integer() else repr(value)
            number = value if math.isfinite(value) else None
            return shown, number, _concealed(facts, row, at, number)
        if value == "":
            return None, None, None
        if isinstance(value, str) and value.strip() in ERROR_TEXTS:
            error = value.strip()
    cell = cell_ref(row, at)
    if error is not None:
        return (
            error,
            None,
            _notice("error", cell, messages.VALUE_ERROR.format(cell=cell, error=error)),
        )
    if isinstance(value, bool):
        shown = cell_text(value)
        return (
            shown,
            None,
            _notice(
                "error", cell, messages.VALUE_BOOLEAN.format(cell=cell, shown=shown)
            ),
        )
    if isinstance(value, dt.timedelta):
        shown = str(value)
        return (
            shown,
            None,
            _notice("error", cell, messages.VALUE_DATE.format(cell=cell, shown=shown)),
        )
    if isinstance(value, dt.date | dt.time):
        shown = _shown_date(value)
        return (
            shown,
            None,
            _notice("error", cell, messages.VALUE_DATE.format(cell=cell, shown=shown)),
        )
    if (
        facts.percent
        and (row, at) in facts.percent
        and isinstance(value, int | float)
        and not _too_large(float(value))  # said below as too large
    ):
        shown = format_vn(float(value) * 100) + "%"
        return (
            shown,
            None,
            _notice(
                "error", cell, messages.VALUE_PERCENT.format(cell=cell, shown=shown)
            ),
        )
    raw, number = _parse_score(value)
    found = float(value) if isinstance(value, int | float) else number
    if found is not None and _too_large(found):
        message = messages.VALUE_TOO_LARGE.format(
            cell=cell,
            shown=raw if isinstance(value, str) else as_shown(found),
            limit=SCORE_LIMIT_TEXT,
        )
        return raw, None, _notice("error", cell, message)
    if isinstance(value, int | float):
        return raw, number, _concealed(facts, row, at, number)
    return raw, number, None


def _concealed(
    facts: SheetFacts, row: int, at: int, number: float | None
) -> Notice | None:
    """The warning for a number the form does not show (its number format shows
    nothing for it, or the sheet hides zero values): it is used as typed, and
    said (README, Choices)."""
    if number is None or not (facts.concealing or facts.zeros_hidden or facts.shown):
        return None
    how = facts.concealed((row, at), number)
    if how is None:
        return None
    cell = cell_ref(row, at)
    code = facts.concealing.get((row, at), "") if facts.concealing else ""
    if how in ("dash", "shown"):
        # shown otherwise than typed: a zero as "not scored", a score rounded
        template = (
            messages.VALUE_SHOWN_DASH if how == "dash" else messages.VALUE_SHOWN_ROUNDED
        )
        by = messages.SHOWN_BY["code"].format(code=code) if code else None
        return _notice(
            "warning",
            cell,
            template.format(
                cell=cell,
                shown=format_vn(number),
                how=by or messages.SHOWN_BY["text"],
                display=facts.shown_as((row, at), number),
            ),
        )
    return _notice(
        "warning",
        cell,
        messages.VALUE_CONCEALED.format(
            cell=cell,
            shown=format_vn(number),
            how=messages.CONCEALED_HOW[how].format(code=code),
        ),
    )


def _blank(value: CellValue) -> bool:
    """Whether a score cell says nothing (empty, or ``-``: not scored)."""
    return value == "" or (type(value) is str and value.strip() in NOT_SCORED)


def _from_earlier(
    table: Table,
    r: int,
    cells: Sequence[CellValue],
    chosen_at: int,
    fallback: Fallback,
    *,
    coded: bool = True,
) -> tuple[CellValue, int, Notice | None]:
    """A row whose chosen appraisal cell is blank: the cell of the highest
    lower-ranked round that is not (its value, its column, the warning naming
    both cells), else the blank cell as it was (README, Choices: a later round
    filled only where it changed a score). Columns of one rank are one round:
    taken where the cells filled agree (the first of them), and where they
    differ none is, said naming them, and the row stays blank. On a row
    without a code (``coded`` False) only a number is taken: a text there is a
    note or a signature, not a score."""
    chosen, rounds = fallback
    errors = table.sheet.facts.errors
    for columns in rounds:
        filled = []
        for at, label in columns:
            value = cells[at] if at < len(cells) else ""
            error = errors.get((r, at)) if errors else None
            if error is None and (
                _blank(value) or (not coded and _parse_score(value)[1] is None)
            ):
                continue
            filled.append((at, label, value, error))
        if not filled:
            continue
        blank = cell_ref(r, chosen_at)
        at, label, value, error = filled[0]
        if any(
            not _same_score(value, error, other, other_error)
            for _, _, other, other_error in filled[1:]
        ):
            cells_said = "; ".join(
                messages.APPRAISAL_EARLIER_CELL.format(
                    cell=cell_ref(r, at), shown=_shown_value(value, error)
                )
                for at, _, value, error in filled
            )
            return (
                cells[chosen_at],
                chosen_at,
                _notice(  # on the first of them: the blank cell's own
                    "warning",  # warning (self score used for now) still comes
                    cell_ref(r, filled[0][0]),
                    messages.APPRAISAL_EARLIER_ROUNDS_DIFFER.format(
                        blank=blank, chosen=chosen, cells=cells_said
                    ),
                ),
            )
        cell = cell_ref(r, at)
        return (
            value,
            at,
            _notice(
                "warning",
                cell,
                messages.APPRAISAL_FROM_EARLIER_COLUMN.format(
                    blank=blank, chosen=chosen, used=cell, column=label
                ),
            ),
        )
    return cells[chosen_at], chosen_at, None


def _same_score(
    value: CellValue, error: str | None, other: CellValue, other_error: str | None
) -> bool:
    """Whether two appraisal cells say the same: the same error value, or the
    same number, or (neither a number) the same text."""
    if error is not None or other_error is not None:
        return error == other_error
    raw, number = _parse_score(value)
    other_raw, other_number = _parse_score(other)
    if number is not None and other_number is not None:
        return number == other_number
    return number is None and other_number is None and raw == other_raw


def _shown_value(value: CellValue, error: str | None) -> str:
    """A cell's value as a message shows it (a number the Vietnamese way)."""
    if error is not None:
        return error
    if type(value) is float:
        return format_vn(value)
    return cell_text(value).strip()


class _Row:
    """One table row as read, before blocks and hidden rows are resolved."""

    __slots__ = (
        "appraised",
        "appraised_at",
        "code",
        "evidence",
        "formula",
        "max",
        "notices",
        "numeric",
        "r",
        "raw_code",
        "reason",
        "self",
        "total_label",
    )

    def __init__(self, r: int, appraised_at: int | None = None) -> None:
        self.r = r
        self.appraised_at = appraised_at  # the column its appraisal is read from
        self.notices: list[Notice] = []
        self.self: tuple[str | None, float | None] = _NONE
        self.appraised: tuple[str | None, float | None] = _NONE
        self.raw_code = ""
        self.code: str | None = None
        self.numeric = False
        self.formula: str | None = None
        self.total_label: str | None = None
        self.max: float | None = None
        self.reason: str | None = None
        self.evidence: str | None = None

    def scored(self) -> bool:
        return self.self[0] is not None or self.appraised[0] is not None


def _add_reason(row: _Row, text: str | None) -> None:
    """``text`` added to ``row``'s reason (``; `` between), once."""
    if not text:
        return
    if not row.reason:
        row.reason = text
    elif text not in row.reason.split("; "):
        row.reason = f"{row.reason}; {text}"


def _reason_to_block(found: list[_Row | None], value: CellValue) -> None:
    """A reason written on a sub-item's label row: the reason of the criterion
    whose block it is in (the last coded row read, the block not ended)."""
    text = _text_or_none(value)
    if text is None:
        return
    for row in reversed(found):
        if row is None:
            return  # a blank row or a note ended the block
        if row.code is not None:
            _add_reason(row, nfc(text))
            return


def _blocks(table: Table, rows: list[_Row | None]) -> list[_Row]:
    """The rows with every criterion split over sub-items (``a)``, ``b)``, ``-``,
    ``+``) or over a merged code cell folded into its coded row, as a whole."""
    code_at = table.columns["code"]
    merged = {
        r1: r2
        for (r1, c1), (r2, c2) in table.sheet.merged
        if c1 <= code_at <= c2 and r2 > r1
    }
    out: list[_Row] = []
    owner: _Row | None = None
    subs: list[_Row] = []
    merged_until = -1

    def close() -> None:
        if owner is not None and subs:
            _resolve_block(table, owner, subs, merged=owner.r in merged)
            for sub in subs:  # the sub-items' reasons are the criterion's
                _add_reason(owner, sub.reason)

    for row in rows:
        if row is None:
            close()
            owner, subs = None, []
            continue
        is_sub = (
            owner is not None
            and row.code is None
            and row.formula is None
            and row.total_label is None
            and (
                bool(_SUB_ITEM.match(row.raw_code))
                or (row.r <= merged_until and not row.raw_code)
            )
        )
        if is_sub:
            subs.append(row)
            continue
        close()
        out.append(row)
        owner, subs = (row, []) if row.code is not None else (None, [])
        merged_until = merged.get(row.r, -1)
    close()
    return out


_SCORE_WORDS = {"self": "tự đánh giá", "appraised": "thẩm định"}


def _part_cell(sub: _Row, field: str, at: int) -> str:
    """The cell a sub-item's ``field`` score was read from: column ``at``, or,
    for an appraisal, the earlier round's column it took (``_from_earlier``)."""
    taken = sub.appraised_at if field == "appraised" else None
    return cell_ref(sub.r, at if taken is None else taken)


def _resolve_block(
    table: Table, owner: _Row, subs: list[_Row], *, merged: bool
) -> None:
    """Give ``owner`` the score of its sub-items (their sum when it has none), or
    refuse the whole criterion with an error notice."""
    code = owner.code or ""
    scored = [sub for sub in subs if sub.scored() or sub.notices]
    if not scored:
        return
    for sub in scored:
        owner.notices.extend(n for n in sub.notices if n["severity"] == "error")
    for sub in scored:  # what a sub-item's own cells say stays said
        owner.notices.extend(n for n in sub.notices if n["severity"] != "error")
    summed = []
    for field in ("self", "appraised"):
        at = table.columns.get(field)
        if at is None:
            continue
        parts = [(sub, getattr(sub, field)) for sub in scored if getattr(sub, field)[0]]
        if not parts:
            continue
        cells = ", ".join(_part_cell(sub, field, at) for sub, _ in parts)
        bad = [(sub, raw) for sub, (raw, number) in parts if number is None]
        if bad:
            sub, raw = bad[0]
            if not sub.notices:
                owner.notices.append(
                    _notice(
                        "error",
                        cell_ref(sub.r, at),
                        messages.CRITERION_SPLIT_BAD.format(
                            code=code, cell=cell_ref(sub.r, at), value=raw
                        ),
                    )
                )
            continue
        total = round(sum(number or 0.0 for _, (_, number) in parts), 9)
        stated_raw, stated = getattr(owner, field)
        unappraised = [
            sub
            for sub in scored
            if field == "appraised" and sub.appraised[0] is None and sub.self[0]
        ]
        if stated_raw is None and unappraised:
            # some sub-items not appraised yet: their partial sum is not the
            # criterion's appraisal; the self score stands for now (README)
            owner.notices.append(
                _notice(
                    "warning",
                    cell_ref(owner.r, at),
                    messages.CRITERION_SPLIT_PARTLY_APPRAISED.format(
                        code=code,
                        blank=", ".join(
                            _part_cell(sub, field, at) for sub in unappraised
                        ),
                        cells=cells,
                        self_score=format_vn(owner.self[1] or 0.0),
                    ),
                )
            )
            continue
        if stated_raw is None:
            setattr(owner, field, (format_vn(total), total))
            summed.append(f"{_SCORE_WORDS[field]} {format_vn(total)}")
        elif (
            stated is not None
            and abs(stated - total) <= 0.005
            and not (merged and len(parts) == 1)
        ):
            continue  # the criterion's row states what its sub-items add up to
        elif merged:
            # under a merged code, one more row with the same score is no sum
            # of parts: the score typed twice, or two halves (README, Choices)
            first, last = owner.r, max(sub.r for sub in subs)
            span = f"{cell_ref(first, table.columns['code'])}:"
            span += cell_ref(last, table.columns["code"])
            owner.notices.append(
                _notice(
                    "error",
                    cell_ref(owner.r, table.columns["code"]),
                    messages.CRITERION_MERGED_SPLIT.format(
                        code=code,
                        range=span,
                        cells=f"{cell_ref(owner.r, at)}, {cells}",
                    ),
                )
            )
        else:
            owner.notices.append(
                _notice(
                    "error",
                    cell_ref(owner.r, at),
                    messages.CRITERION_SPLIT_MISMATCH.format(
                        code=code,
                        stated=stated_raw if stated is None else format_vn(stated),
                        computed=format_vn(total),
                        cells=cells,
                    ),
                )
            )
    refused = any(notice["severity"] == "error" for notice in owner.notices)
    if summed and not refused:
        field = "appraised" if "appraised" in table.columns else "self"
        at = table.columns.get(field, 0)
        where = [_part_cell(sub, field, at) for sub in scored]
        cells = ", ".join(where)
        owner.notices.append(
            _notice(
                "warning",
                where[0],
                messages.CRITERION_SPLIT_SUMMED.format(
                    code=code, cells=cells, scores="; ".join(summed)
                ),
            )
        )


def _merged_scores_said(table: Table, rows: list[_Row]) -> None:
    """A criterion's score cell that is empty because it lies inside a merged
    range whose value is another row's (``E31:E32`` holding 0 over two criteria)
    is said, with the rule applied (README, Choices): the value counts for the
    range's first cell only, this cell is empty (its self score stands in for a
    missing appraisal, as for any empty appraisal cell)."""
    merged = table.sheet.merged
    if not merged:
        return
    roles = {
        at: field
        for field in ("self", "appraised")
        if (at := table.columns.get(field)) is not None
    }
    covering: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {}
    for (r1, c1), (r2, c2) in merged:
        if r1 < table.data_row:
            continue  # a header over the table
        for at in roles:
            if c1 <= at <= c2:
                for r in range(r1, r2 + 1):
                    if (r, at) != (r1, c1):  # the first cell holds the value
                        covering[(r, at)] = ((r1, c1), (r2, c2))
    if not covering:
        return
    cells = table.sheet.cells
    for row in rows:
        if row.code is None:
            continue  # a sub-item under a merged code: read with its criterion
        for at, field in roles.items():
            span = covering.get((row.r, at))
            if span is None or getattr(row, field)[0] is not None:
                continue
            (r1, c1), (r2, c2) = span
            line = cells[r1]
            value = line[c1] if c1 < len(line) else ""
            if value == "" or value is None:
                continue  # an empty merged range: nothing belongs to anyone
            shown = (
                format_vn(float(value))
                if isinstance(value, int | float) and not isinstance(value, bool)
                else cell_text(value)
            )
            if field == "appraised" and row.self[1] is not None:
                rule = messages.MERGED_RULE_SELF_USED.format(
                    code=row.code, self_score=format_vn(row.self[1])
                )
            else:
                rule = messages.MERGED_RULE_NO_SCORE.format(
                    code=row.code, role=_SCORE_WORDS[field]
                )
            cell = cell_ref(row.r, at)
            where = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
            if row.r == r1:  # across the row's own cells: the value is a column's
                said = messages.SCORE_CELL_MERGED_ACROSS.format(
                    cell=cell,
                    code=row.code,
                    range=where,
                    row=r1 + 1,
                    value=shown,
                    first=cell_ref(r1, c1),
                    first_column=_column_role(table, c1),
                    rule=rule,
                )
            else:
                said = messages.SCORE_CELL_MERGED.format(
                    cell=cell,
                    code=row.code,
                    range=where,
                    value=shown,
                    first=cell_ref(r1, c1),
                    first_row=r1 + 1,
                    rule=rule,
                )
            row.notices.append(_notice("warning", cell, said))


def _column_role(table: Table, column: int) -> str:
    """What a column of the table holds, in words (``MERGED_FIRST_COLUMN``)."""
    for field, words in messages.MERGED_FIRST_COLUMN.items():
        if table.columns.get(field) == column:
            return words
    return messages.MERGED_FIRST_COLUMN_OTHER.format(letter=column_letter(column))


def _hidden_rows_resolved(table: Table, rows: list[_Row]) -> list[_Row]:
    """Hidden or filtered rows never count silently: a hidden duplicate of a
    visible row is dropped with a warning on the visible row; a hidden row that is
    the only one of its code is kept with a warning."""
    facts = table.sheet.facts
    hidden = facts.hidden_rows
    if not hidden:
        return rows
    how, verb = messages.HIDDEN_HOW["filtered" if facts.filtered else "hidden"]
    code_at = table.columns["code"]
    visible = {row.code: row for row in reversed(rows) if row.r not in hidden}
    kept = []
    for row in rows:
        if row.r in hidden:
            twin = visible.get(row.code) if row.code else None
            if twin is not None:
                if row.scored():
                    twin.notices.append(
                        _notice(
                            "warning",
                            cell_ref(row.r, code_at),
                            messages.ROW_HIDDEN_DUPLICATE.format(
                                row=row.r + 1,
                                code=row.code,
                                visible=twin.r + 1,
                                hidden_how=how,
                            ),
                        )
                    )
                continue
            if row.scored():
                row.notices.append(
                    _notice(
                        "warning",
                        cell_ref(row.r, code_at),
                        messages.ROW_HIDDEN_USED.format(
                            row=row.r + 1,
                            code=row.code or row.raw_code,
                            hidden_how=how,
                            hidden_how_verb=verb,
                        ),
                    )
                )
        kept.append(row)
    return kept


def _names_checked(
    table: Table, rows: list[_Row], codes_by_name: dict[str, tuple[str, ...]]
) -> None:
    """Set aside (an error notice) each scored row whose criterion-name cell is,
    folded (``fold_name``), the name of another criterion of the set and not its
    own code's: the code and the name disagree, either may be the mistake (README,
    Choices). A name the set does not know (abbreviated, retyped) says nothing; a
    parent's or a child's name on a row is no doubt either (a clerk names a leaf
    after its group)."""
    name_at = table.columns.get("name")
    if name_at is None:
        return
    code_at = table.columns["code"]
    cells = table.sheet.cells
    for row in rows:
        code = row.code
        if code is None or not (row.scored() or row.formula):
            continue
        line = cells[row.r]
        value = line[name_at] if name_at < len(line) else ""
        if type(value) is not str or not value:
            continue
        named = codes_by_name.get(fold_name(value))
        if named is None or code in named:
            continue
        others = [
            c
            for c in named
            if not (c.startswith(code + ".") or code.startswith(c + "."))
        ]
        if not others:
            continue
        name = nfc(value).strip()
        row.notices.append(
            _notice(
                "error",
                cell_ref(row.r, code_at),
                messages.ROW_NAME_OF_OTHER_CODE.format(
                    code_cell=cell_ref(row.r, code_at),
                    code=code,
                    name_cell=cell_ref(row.r, name_at),
                    other=", ".join(others),
                    name=name if len(name) <= 80 else name[:79] + "…",
                ),
            )
        )


class RowsBuilder:
    """Rows of many tables gathered as plain lists, made into one frame at the end.

    Building one polars frame per file costs more than parsing the file's rows, so
    ``collect`` adds every table here and calls ``frame()`` once. With
    ``codes_by_name`` (``CriteriaSet.codes_by_name``), a scored row whose name is
    another criterion's is set aside (``_names_checked``).
    """

    def __init__(self, codes_by_name: dict[str, tuple[str, ...]] | None = None) -> None:
        self._columns: dict[str, list[object]] = {name: [] for name in _GATHERED}
        self._codes_by_name = codes_by_name

    def add(self, table: Table, file: str, department: str | None) -> None:
        """Add the rows of one table (see ``normalise_rows``)."""
        index = table.columns
        code_at, self_at = index["code"], index.get("self")
        max_at = index.get("max")
        constant = {
            "file": file,
            "sheet": table.sheet.name,
            "department": department,
            "code_at": code_at,
            "self_at": self_at,
            "max_at": max_at,
        }
        rows = _hidden_rows_resolved(table, _blocks(table, self._read_rows(table)))
        if not rows:
            return
        _merged_scores_said(table, rows)
        if self._codes_by_name:
            _names_checked(table, rows, self._codes_by_name)
        gathered = zip(
            *[
                (
                    row.r,
                    row.raw_code or None,
                    row.code,
                    row.numeric,
                    *row.self,
                    *row.appraised,
                    row.max,
                    row.reason,
                    row.evidence,
                    row.formula,
                    row.total_label,
                    encode_notices(row.notices) if row.notices else None,
                )
                for row in rows
            ],
            strict=True,
        )
        for name, values in zip(_GATHERED, gathered, strict=False):
            self._columns[name].extend(values)
        for name, value in constant.items():
            self._columns[name].extend([value] * len(rows))
        # per row: a row may read its appraisal from a lower-ranked column
        self._columns["appraised_at"].extend([row.appraised_at for row in rows])

    @staticmethod
    def _read_rows(table: Table) -> list[_Row | None]:
        """Every row below the header that matters, in order; None for a row that
        ends a block of sub-items (blank, or a note)."""
        index = table.columns
        code_at, self_at, appraised_at = (
            index["code"],
            index.get("self"),
            index.get("appraised"),
        )
        max_at, reason_at, evidence_at = (
            index.get("max"),
            index.get("reason"),
            index.get("evidence"),
        )
        formulas = table.sheet.uncalculated
        errors = table.sheet.facts.errors
        wanted = [
            i
            for i in (code_at, self_at, appraised_at, max_at, reason_at, evidence_at)
            if i is not None
        ]
        reach = max(wanted) + 1
        # no error values and no percent formats in the sheet: a number or an
        # empty score cell is read without ``_read_score`` (a missing column is
        # "" here, and ``_read_score`` gives it nothing too)
        facts = table.sheet.facts
        plain = (
            not errors
            and not facts.percent
            and not facts.concealing
            and not facts.zeros_hidden
            and not facts.shown
        )
        self_raw: str | None
        self_score: float | None
        appraised_raw: str | None
        appraised_score: float | None
        fallback = table.fallbacks.get("appraised")
        found: list[_Row | None] = []
        for r in range(table.data_row, len(table.sheet.cells)):
            cells = table.sheet.cells[r]
            if (
                len(cells) < reach
            ):  # a short row: pad it once rather than test each cell
                cells = [*cells, *[""] * (reach - len(cells))]
            code_value = cells[code_at]
            self_value = cells[self_at] if self_at is not None else ""
            appraised_value = cells[appraised_at] if appraised_at is not None else ""
            row_appraised_at = appraised_at
            earlier: Notice | None = None
            if (
                fallback is not None
                and appraised_at is not None
                and _blank(appraised_value)
                and not (errors and (r, appraised_at) in errors)
                and (r, appraised_at) not in table.sheet.uncalculated
            ):
                appraised_value, row_appraised_at, earlier = _from_earlier(
                    table, r, cells, appraised_at, fallback, coded=code_value != ""
                )
            formula = (
                next((f for f in _FORMULA_FIELDS if table.uncalculated(r, f)), None)
                if formulas
                else None
            )
            erroneous = bool(errors) and (
                (r, self_at) in errors or (r, row_appraised_at) in errors
            )
            if code_value == "" and self_value == "" and appraised_value == "":
                if not formula and not erroneous:
                    if found and found[-1] is not None:
                        found.append(None)  # a blank row ends a block
                    continue  # blank in every cell that matters
            row = _Row(r, row_appraised_at)
            if earlier is not None:
                row.notices.append(earlier)
            if type(code_value) is str:  # ``_parse_code``'s first case, inline
                raw = (code_value if code_value.isascii() else nfc(code_value)).strip()
                row.raw_code, row.code = raw, submission_code(raw)
            else:
                row.raw_code, row.code, row.numeric = _parse_code(code_value)
            # a number or an empty cell where the sheet has neither error values
            # nor percent formats: what ``_read_score`` gives them, inline
            if plain and type(self_value) is float and not _too_large(self_value):
                self_score = self_value if math.isfinite(self_value) else None
                self_raw = (
                    str(int(self_value))
                    if self_value.is_integer()
                    else repr(self_value)
                )
            elif plain and self_value == "":
                self_raw = self_score = None
            else:
                self_raw, self_score, notice = _read_score(
                    table, r, self_at, self_value
                )
                if notice is not None:
                    row.notices.append(notice)
            row.self = (self_raw, self_score)
            if (
                plain
                and type(appraised_value) is float
                and not _too_large(appraised_value)
            ):
                appraised_score = (
                    appraised_value if math.isfinite(appraised_value) else None
                )
                appraised_raw = (
                    str(int(appraised_value))
                    if appraised_value.is_integer()
                    else repr(appraised_value)
                )
            elif plain and appraised_value == "":
                appraised_raw = appraised_score = None
            else:
                appraised_raw, appraised_score, notice = _read_score(
                    table, r, row_appraised_at, appraised_value
                )
                if notice is not None:
                    row.notices.append(notice)
            row.appraised = (appraised_raw, appraised_score)
            row.total_label = None
            row.formula = table.cell(r, formula) if formula else None
            if row.code is None and formula is not None:
                # a grand total's formulas never computed: never added up, as
                # subtotal rows are not (the figures come from the leaves)
                row.total_label = _total_label(table, r)
                if row.total_label is not None:
                    row.formula = None
            if row.code is None and formula is None:
                numbers = self_score is not None or appraised_score is not None
                if not numbers and not row.notices:
                    if not _SUB_ITEM.match(row.raw_code):
                        found.append(None)  # only text: a note, a signature
                        continue
                    if not row.scored():
                        # a sub-item's label: the block goes on, its reason
                        # the criterion's (``5.5.2`` with ``-`` rows under it)
                        if reason_at is not None:
                            _reason_to_block(found, cells[reason_at])
                        continue
                row.total_label = _total_label(table, r)
            if max_at is None:
                row.max = None
            elif type(stated := cells[max_at]) is float:  # ``_parse_score``'s number
                row.max = stated if math.isfinite(stated) else None
            else:
                row.max = _parse_score(stated)[1]
            if row.max is not None and _too_large(row.max):
                cell = cell_ref(r, max_at)  # type: ignore[arg-type]
                shown = stated.strip() if isinstance(stated, str) else as_shown(row.max)
                row.notices.append(
                    _notice(
                        "warning",
                        cell,
                        messages.MAX_TOO_LARGE.format(
                            cell=cell, shown=shown, limit=SCORE_LIMIT_TEXT
                        ),
                    )
                )
                row.max = None  # not compared with the criteria set
            # ``_text_or_none``, a text cell's case inline
            if reason_at is not None:
                value = cells[reason_at]
                if type(value) is str:
                    text = (value if value.isascii() else nfc(value)).strip()
                    row.reason = text or None
                else:
                    row.reason = _text_or_none(value)
            if evidence_at is not None:
                value = cells[evidence_at]
                if type(value) is str:
                    text = (value if value.isascii() else nfc(value)).strip()
                    row.evidence = text or None
                else:
                    row.evidence = _text_or_none(value)
            found.append(row)
        return found

    def columns(self) -> FileRows:
        """Every row added so far, as plain lists (one per gathered column):
        small and quick to pickle, to send from a reader process or to cache."""
        return [self._columns[name] for name in _GATHERED]

    def extend(self, columns: FileRows) -> None:
        """Add rows gathered by another builder (``columns()``)."""
        if len(columns) != FILE_ROWS_WIDTH:
            raise ValueError("not the columns of a RowsBuilder")
        for name, values in zip(_GATHERED, columns, strict=True):
            self._columns[name].extend(values)

    def frame(self) -> pl.DataFrame:
        """Every row added so far, with the schema ``ROW_SCHEMA``."""
        frame = pl.DataFrame(self._columns, schema=_GATHERED_SCHEMA)
        row_number = (pl.col("row") + 1).cast(pl.String)
        return frame.with_columns(
            **{
                f"{field}_cell": _letters(pl.col(f"{field}_at")) + row_number
                for field in ("code", "self", "appraised", "max")
            }
        ).select(list(ROW_SCHEMA))


def _letters(column: pl.Expr) -> pl.Expr:
    """A1 letters of 0-based column numbers (null stays null)."""
    mapping = {i: column_letter(i) for i in range(MAX_COLUMNS + 1)}
    return column.replace_strict(mapping, default=None, return_dtype=pl.String)


def normalise_rows(table: Table, file: str, department: str | None) -> pl.DataFrame:
    """Every row below the header that has a code or a score, as a frame.

    Args:
        table: the located table of one submission.
        file: the file's name as shown to users (``2023/phong-noi-vu.xlsx``).
        department: the department the file belongs to.

    Returns:
        Rows with the schema ``ROW_SCHEMA``; blank rows, notes and signatures (no
        code and no number in a score column) are skipped; a grand-total row
        (``Tổng cộng``) has its label in ``total_label``. Scores are floats,
        ``"0,5"`` → 0.5, ``"-"`` → null. ``formula_cell`` names the first of the
        code and score cells that is a formula without a computed value.
    """
    builder = RowsBuilder()
    builder.add(table, file, department)
    return builder.frame()


def empty_rows() -> pl.DataFrame:
    """A rows frame with no rows."""
    return pl.DataFrame(schema=ROW_SCHEMA)


__all__ = [
    "FILE_ROWS_WIDTH",
    "ROW_SCHEMA",
    "FileRows",
    "RowsBuilder",
    "empty_rows",
    "normalise_rows",
]

"""What changed in the province since the last night: one line per unit whose
status, total, rank, grade, name or last year's figures moved, read from the last ``province-summary-<year>.json``
and this night's (``render.province_summary.province_summary``), for the
province's ``TRANG-THAI.txt`` and its run record (each unit's own page has its
files' change list, ``parindex.changes``)."""

from __future__ import annotations

from typing import Any

from parindex.changes import FIRST_RUN
from parindex.messages import PROVINCE_STATUS_WORDS
from parindex.text import format_vn

NOTHING_MOVED = (
    "Không có đơn vị nào thay đổi trạng thái, tổng điểm hay xếp hạng so với lần "
    "chạy trước."
)
"""Nor its grade, its name in the register, or its last year's figures."""
NOT_COMPARED = (
    "Không so sánh được với lần chạy trước: không đọc được bản tóm tắt lần trước "
    "({reason})."
)
UNIT_MOVED = "{name} ({code}): {parts}."
UNIT_NEW = "{name} ({code}): đơn vị mới trong danh sách ({status})."
UNIT_GONE = "{name} ({code}): không còn trong danh sách đơn vị (trước: {was})."
NOT_YET = "chưa có"
NOT_A_SUMMARY = "{file}: không phải bản tóm tắt"


def _units(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each unit of a summary by code, in the summary's order."""
    return {
        unit["code"]: unit
        for group in summary.get("groups", [])
        for unit in group.get("units", [])
    }


def _status(unit: dict[str, Any]) -> str:
    status = unit.get("status")
    return PROVINCE_STATUS_WORDS.get(str(status), str(status))


def _total(unit: dict[str, Any]) -> str:
    total = unit.get("total")
    return NOT_YET if total is None else format_vn(float(total))


def _rank(unit: dict[str, Any]) -> str:
    rank, of = unit.get("rank"), unit.get("of")
    return NOT_YET if rank is None else f"{rank}/{of}"


def _was(unit: dict[str, Any]) -> str:
    """``chính thức, 50 điểm``: what a unit was, for one no longer listed."""
    total = unit.get("total")
    status = _status(unit)
    return status if total is None else f"{status}, {format_vn(float(total))} điểm"


def _previous_moved(old: Any, new: Any) -> str:
    """``tổng điểm 72,1 → 71,6, xếp hạng 2 → 3``: what of a unit's last-year
    figures moved (its folder, or its published results, corrected); empty
    when nothing did or a summary has none to compare."""
    if not isinstance(old, dict) or not isinstance(new, dict) or old == new:
        return ""
    said = []
    if _total(old) != _total(new):
        said.append(f"tổng điểm {_total(old)} → {_total(new)}")
    if old.get("rank") != new.get("rank"):
        before, after = old.get("rank"), new.get("rank")
        said.append(
            f"xếp hạng {NOT_YET if before is None else before} → "
            f"{NOT_YET if after is None else after}"
        )
    return ", ".join(said)


def province_changes(
    old: dict[str, Any] | str | None, new: dict[str, Any]
) -> list[str]:
    """The province's change list between the last night's summary ``old``
    (None: none was written this year; a ``str``: why it could not be read)
    and this night's ``new``: one line per unit whose status, total, rank,
    grade, name in the register or last year's total or rank moved, in this
    night's order, then the units no longer listed."""
    if old is None:
        return [FIRST_RUN.format(year=new["year"])]
    if isinstance(old, str):
        return [NOT_COMPARED.format(reason=old)]
    before, after = _units(old), _units(new)
    lines = []
    for code, unit in after.items():
        name = unit.get("name") or code
        last = before.get(code)
        if last is None:
            lines.append(UNIT_NEW.format(name=name, code=code, status=_status(unit)))
            continue
        parts = []
        if unit.get("status") != last.get("status"):
            parts.append(f"{_status(unit)} (trước: {_status(last)})")
        if _total(unit) != _total(last):
            parts.append(f"tổng điểm {_total(last)} → {_total(unit)}")
        # the rank itself: "of" alone moves for every unit when one is added
        if unit.get("rank") != last.get("rank"):
            parts.append(f"xếp hạng {_rank(last)} → {_rank(unit)}")
        if "grade" in unit and "grade" in last and unit["grade"] != last["grade"]:
            parts.append(
                f"xếp loại {last['grade'] or NOT_YET} → {unit['grade'] or NOT_YET}"
            )
        if last.get("name") and unit.get("name") and last["name"] != unit["name"]:
            parts.append(f"tên trong danh sách đơn vị “{last['name']}” → “{name}”")
        previous = _previous_moved(last.get("previous"), unit.get("previous"))
        if previous:
            parts.append(f"năm trước {previous}")
        if parts:
            lines.append(
                UNIT_MOVED.format(name=name, code=code, parts="; ".join(parts))
            )
    lines += [
        UNIT_GONE.format(name=unit.get("name") or code, code=code, was=_was(unit))
        for code, unit in before.items()
        if code not in after
    ]
    return lines or [NOTHING_MOVED]

"""A component holding a score group the province rounds once for the whole
group (SIPAS, the survey): a published component off by that group's rounding
was "Chênh lệch chưa giải thích được" while the same gap was explained on the
group and on the total (blind round 21, finding 5)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.test_previous_incomplete import _result


def _publish_component_8(inputs: Path, score: float) -> None:
    path = inputs / "history.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Chỉ số thành phần"]
    assert (sheet["A17"].value, sheet["B17"].value) == (2023, "8")
    sheet["C17"] = score
    book.save(path)


def _note(inputs: Path, figure: str) -> tuple[float, str]:
    rows = _result(inputs).reconciliation.filter(
        _result(inputs).reconciliation["figure"] == figure
    )
    return rows["difference"][0], rows["note"][0]


def test_a_component_off_by_its_groups_rounding_is_explained(inputs: Path) -> None:
    # the survey (all in component 8) is published 13,64 against 13,61 computed
    _publish_component_8(inputs, 24.41)
    difference, note = _note(inputs, "component 8")
    assert round(difference, 2) == 0.03
    assert note == (
        "Chênh lệch do tỉnh làm tròn điểm điều tra xã hội học một lần cho cả nhóm "
        "(xem dòng nhóm điểm đó ở trên)."
    )


def test_a_component_off_by_another_amount_is_still_unexplained(
    inputs: Path,
) -> None:
    _publish_component_8(inputs, 24.48)
    _, note = _note(inputs, "component 8")
    assert note == (
        "Chênh lệch chưa giải thích được: cần đối chiếu với quyết định công bố."
    )

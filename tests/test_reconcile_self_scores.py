"""A published figure beside a computed one that stands on self scores (no
appraisal yet): the note put the gap down to criteria unscored ("Còn 2 tiêu
chí chưa có điểm (tính 0 điểm): chênh lệch có thể do các tiêu chí này") though
the computed figure was above the published one, which a criterion counted 0
cannot make (blind round 22A, F1). A criterion unscored explains only a
computed figure below the published one; one on its self score explains
either."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import set_appraisal
from tests.test_previous_incomplete import _result

SELF = (
    "Còn {count} tiêu chí tạm dùng điểm tự đánh giá (chưa có điểm thẩm định): "
    "chênh lệch có thể do các tiêu chí này; đối chiếu lại khi có điểm thẩm định."
)
UNSCORED = (
    "Còn {count} tiêu chí chưa có điểm (tính 0 điểm): chênh lệch có thể do các "
    "tiêu chí này; đối chiếu lại khi đủ bài nộp."
)
BOTH = (
    "Còn {unscored} tiêu chí chưa có điểm (tính 0 điểm) và {self} tiêu chí tạm "
    "dùng điểm tự đánh giá (chưa có điểm thẩm định): chênh lệch có thể do các tiêu "
    "chí này; đối chiếu lại khi đủ bài nộp và điểm thẩm định."
)
OTHER = "Chênh lệch chưa giải thích được: cần đối chiếu với quyết định công bố."


def _unscored(form: Path, code: str) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(form)
    row = next(r for r in workbook.worksheets[0].iter_rows() if r[0].value == code)
    row[3].value = row[4].value = None
    workbook.save(form)


def _appraisal(inputs: Path) -> tuple[float, str]:
    rows = _result(inputs).reconciliation.filter(
        _result(inputs).reconciliation["figure"] == "appraisal"
    )
    return float(rows["difference"][0]), str(rows["note"][0])


def test_a_self_score_above_its_appraisal_to_come_is_named(inputs: Path) -> None:
    set_appraisal(inputs / "2023" / "phong-noi-vu.xlsx", "5.2.1", None)  # self 1
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(-1.0)
    assert note == SELF.format(count=1)


def test_criteria_unscored_below_the_published_figure_are_named(inputs: Path) -> None:
    _unscored(inputs / "2023" / "phong-noi-vu.xlsx", "5.5.2")  # appraised 2
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(2.0)
    assert note == UNSCORED.format(count=1)


def test_both_are_named_together(inputs: Path) -> None:
    form = inputs / "2023" / "phong-noi-vu.xlsx"
    _unscored(form, "5.5.2")
    set_appraisal(form, "5.2.1", None)
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(1.0)
    assert note == BOTH.format(unscored=1, self=1)


def test_criteria_unscored_cannot_explain_a_computed_figure_above(
    inputs: Path,
) -> None:
    form = inputs / "2023" / "phong-noi-vu.xlsx"
    _unscored(form, "5.5.2")  # −2
    for code, score in (("5.5.1", 0.5), ("1.2.1", 0.5), ("5.2.1", 1), ("1.3.2", 1.5)):
        set_appraisal(form, code, score)  # +2.22
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(-0.22)
    assert note == OTHER


def test_a_gap_beyond_what_the_stand_ins_can_make_is_unexplained(
    inputs: Path,
) -> None:
    """A criterion of 0,5 point unscored "explained" a gap of 2,5; a self score
    of 1 "explained" a computed figure 3 above the published one (blind
    re-check 22A, N1). Criteria unscored can add at most their maxima; self
    scores can move at most between 0 and their maxima."""
    form = inputs / "2023" / "phong-noi-vu.xlsx"
    _unscored(form, "5.5.1")  # max 0,5, appraised 0: the computed figure as before
    for code, score in (("5.5.2", 0), ("1.3.2", 0)):
        set_appraisal(form, code, score)  # −2 −1,28: published 3,28 above
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(3.28)
    assert note == OTHER
    set_appraisal(form, "5.2.1", None)  # self 1 in place of 0: +1 computed
    difference, note = _appraisal(inputs)
    assert difference == pytest.approx(2.28)
    assert note == OTHER  # 0,5 unscored + 0 headroom (self 1 of max 1) < 2,28

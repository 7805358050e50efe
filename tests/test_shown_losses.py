"""Points lost, cuts and percentages are those of the figures as shown, each
rounded to 2 decimals first (README, Rounding), as changes already are: a
criterion shown at its maximum is not listed as lost, and a reader who works a
line's points lost or percentage out of its printed score finds the printed one
(blind round 28A, F1–F3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl

from tests.builders import set_scores
from tests.ingest.test_cache import _run

YEAR = 2023


def _score_211(inputs: Path, self_score: float, appraised: float) -> None:
    """Tư pháp's 2.1.1 (its maximum 0,5) in 2023: ``self_score``, ``appraised``."""
    set_scores(
        inputs / str(YEAR) / "phong-tu-phap.xlsx", "2.1.1", self_score, appraised
    )


def _outputs(inputs: Path, tmp_path: Path) -> tuple[dict, str]:  # type: ignore[type-arg]
    outputs = tmp_path / "outputs"
    _run(inputs, outputs, cached=False)
    folder = outputs / str(YEAR)
    summary = json.loads((folder / f"summary-{YEAR}.json").read_text())
    return summary, (folder / f"summary-{YEAR}.md").read_text()


def _department(summary: dict, code: str) -> dict:  # type: ignore[type-arg]
    return next(d for d in summary["departments"] if d["code"] == code)


def test_a_criterion_shown_at_its_maximum_is_not_lost(
    inputs: Path, tmp_path: Path
) -> None:
    """0,499 of 0,5 shows as 0,5: it was listed "đạt 0,5/0,5 điểm" among the
    criteria below their maximum, with 0 points lost, and as a cut "tổng 0 điểm"
    from a self score of 0,5."""
    _score_211(inputs, 0.5, 0.499)
    summary, markdown = _outputs(inputs, tmp_path)
    tp = _department(summary, "TP")
    assert [d["code"] for d in tp["deductions"]] == ["8.1"]
    assert (tp["score"], tp["lost"]) == (8.05, 1.45)
    assert "0,5/0,5" not in markdown
    assert "2.1.1 (tự chấm" not in markdown  # was "(tự chấm 0,5, thẩm định 0,5)"
    book = openpyxl.load_workbook(
        tmp_path / "outputs" / str(YEAR) / f"scorecard-{YEAR}.xlsx", read_only=True
    )
    lost_codes = {
        row[1] for row in book["Mất điểm"].iter_rows(values_only=True) if row[1]
    }
    assert "2.1.1" not in lost_codes


def test_points_lost_and_percentages_follow_the_shown_scores(
    inputs: Path, tmp_path: Path
) -> None:
    """0,375 of 0,5 shows as 0,38: 0,12 lost (was 0,13). Tư pháp's 7,925 of 9,5
    shows as 7,93: 1,57 lost and 83,47 % (were 1,58 and 83,42 %, worked out of
    7,925)."""
    _score_211(inputs, 0.5, 0.375)
    summary, markdown = _outputs(inputs, tmp_path)
    tp = _department(summary, "TP")
    assert {k: tp[k] for k in ("max", "score", "lost", "percent")} == {
        "max": 9.5,
        "score": 7.93,
        "lost": 1.57,
        "percent": 83.47,
    }
    assert tp["deductions"][0] == {
        "code": "2.1.1",
        "max": 0.5,
        "score": 0.38,
        "lost": 0.12,
        "reason": None,
    }
    assert "ở 1 tiêu chí (tổng 0,12 điểm): 2.1.1 (tự chấm 0,5, thẩm định 0,38)" in (
        markdown
    )
    assert "đạt 7,93/9,5 điểm, bằng 83,47 %, bị trừ 1,57 điểm" in markdown


def test_every_line_adds_up_as_printed(inputs: Path, tmp_path: Path) -> None:
    """On every line of the summary, max − score = lost and score / max = percent,
    worked out of the printed figures."""
    _score_211(inputs, 0.5, 0.375)
    summary, _ = _outputs(inputs, tmp_path)
    for department in summary["departments"]:
        if department["score"] is None:
            continue
        shown = round(department["score"] / department["max"] * 100 + 1e-9, 2)
        assert department["percent"] == shown, department["code"]
        for deduction in department["deductions"]:
            lost = round(deduction["max"] - deduction["score"] + 1e-9, 2)
            assert deduction["lost"] == lost, (department["code"], deduction["code"])


def test_a_score_group_percentage_has_two_decimals_like_every_other(
    inputs: Path, tmp_path: Path
) -> None:
    """The sample's survey group, 13,61 of 20: 68,05 % (was "68,1 %", to one
    decimal, while every other percentage has two)."""
    _, markdown = _outputs(inputs, tmp_path)
    assert "năm 2023 đạt 13,61/20 điểm (68,05 %)" in markdown
    assert "năm 2023 đạt 9,27/10 điểm (92,7 %)" in markdown


def _row(sheet: Any, first: object) -> list[object]:
    """The values of the first row of ``sheet`` whose first filled cell is ``first``."""
    for row in sheet.iter_rows(values_only=True):
        filled = [v for v in row if v is not None]
        if filled and filled[0] == first:
            return filled
    raise AssertionError(f"no row {first!r} in {sheet.title}")


def test_a_total_line_loses_its_own_maximum_less_its_own_score(
    inputs: Path, tmp_path: Path
) -> None:
    """Tư pháp's 2.1.1 and 2.1.2 at 0,375 of 0,5 (README, Rounding): each line
    shows 0,38 and 0,12 lost, and Tư pháp's 7,8 of 9,5 loses 1,7. Its total
    lines said 1,69 (the lines' 0,12 + 0,12 + 1,45) beside 9,5 and 7,8, and the
    council's cuts "0,24" beside 1 and 0,75 (re-check 28C, N1): a total line
    adds the exact figures, rounds them once, and loses its own maximum less its
    own score, as the department's line does."""
    _score_211(inputs, 0.5, 0.375)
    set_scores(inputs / str(YEAR) / "phong-tu-phap.xlsx", "2.1.2", 0.5, 0.375)
    summary, _ = _outputs(inputs, tmp_path)
    assert _department(summary, "TP")["lost"] == 1.7
    folder = tmp_path / "outputs" / str(YEAR)
    own = openpyxl.load_workbook(folder / "departments" / "TP-2023.xlsx")
    assert _row(own["Bị trừ điểm"], "Cộng") == ["Cộng", 5, 3.3, 1.7]
    assert _row(own["Tiêu chí phụ trách"], "Cộng") == ["Cộng", 9.5, 7.8, 1.7]
    said = own["Tự chấm và thẩm định"]["A3"].value
    assert "ở 2 tiêu chí, tổng cộng 0,25 điểm" in said
    card = openpyxl.load_workbook(folder / f"scorecard-{YEAR}.xlsx")
    assert _row(card["TP"], "Cộng") == ["Cộng", 5, 3.3, 1.7]
    assert card["Mất điểm"]["A3"].value.startswith("32 tiêu chí bị mất tổng cộng 21,01")
    assert _row(card["Mất điểm"], 3)[:5] == [3, "TP", "Phòng Tư pháp", 3, 1.7]
    assert _row(card["Tự chấm và thẩm định"], 3)[:8] == [
        3, "TP", "Phòng Tư pháp", 7, 2, 1, 0.75, 0.25
    ]  # fmt: skip

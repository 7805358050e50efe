"""Changes and trends are the differences of the figures as shown, each rounded
to 2 decimals first (README, Rounding): a reader who subtracts the two printed
figures finds the printed change (blind round 27A, F1)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.builders import set_scores
from tests.ingest.test_cache import _run

YEAR = 2023


def _score_211(inputs: Path, year: int, appraised: float) -> None:
    """Tư pháp's 2.1.1 appraised ``appraised`` (its maximum 0,5) in ``year``."""
    set_scores(inputs / str(year) / "phong-tu-phap.xlsx", "2.1.1", 0.5, appraised)


def _summary(inputs: Path, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    outputs = tmp_path / "outputs"
    _run(inputs, outputs, cached=False)
    return json.loads((outputs / str(YEAR) / f"summary-{YEAR}.json").read_text())


def _component(summary: dict, code: str) -> dict:  # type: ignore[type-arg]
    return next(c for c in summary["components"] if c["code"] == code)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # 4,874 and 4,866 both show as 4,87: no change (was +0,01, "Tăng")
        ((0.374, 0.366), (4.87, 4.87, 0.0, "maintained")),
        # 4,875 shows as 4,88 and 4,871 as 4,87: +0,01 (was 0,00, "Duy trì")
        ((0.375, 0.371), (4.88, 4.87, 0.01, "increased")),
    ],
)
def test_a_component_changes_by_its_shown_figures(
    inputs: Path,
    tmp_path: Path,
    scores: tuple[float, float],
    expected: tuple[float, float, float, str],
) -> None:
    _score_211(inputs, YEAR, scores[0])
    _score_211(inputs, YEAR - 1, scores[1])
    (inputs / "history.xlsx").unlink()  # compared with 2022's own consolidation
    summary = _summary(inputs, tmp_path)
    component = _component(summary, "2")
    found = ("score", "previous", "delta", "trend")
    assert tuple(component[key] for key in found) == expected


def test_the_headline_and_previous_delta_are_the_shown_totals_difference(
    inputs: Path, tmp_path: Path
) -> None:
    """Without ``history.xlsx`` the headline quotes both computed totals: its
    change is theirs as printed (79,11 − 71,97 = 7,14; the unrounded totals
    differ by 7,146, which was shown as 7,15)."""
    _score_211(inputs, YEAR, 0.374)
    _score_211(inputs, YEAR - 1, 0.366)
    (inputs / "history.xlsx").unlink()
    summary = _summary(inputs, tmp_path)
    assert (summary["total"], summary["previous"]["total"]) == (79.11, 71.97)
    assert summary["previous"]["delta"] == 7.14
    assert "tăng 7,14 điểm so với năm 2022 (71,97 điểm)" in summary["headline"]["text"]


def test_a_criterion_changes_by_its_shown_figures(inputs: Path, tmp_path: Path) -> None:
    """2.1.1: 0,374 and 0,366 both show as 0,37 in the ``Tiêu chí`` sheet."""
    _score_211(inputs, YEAR, 0.374)
    _score_211(inputs, YEAR - 1, 0.366)
    (inputs / "history.xlsx").unlink()
    _summary(inputs, tmp_path)
    workbook = openpyxl.load_workbook(
        next((tmp_path / "outputs" / str(YEAR)).glob("*.xlsx")), read_only=True
    )
    sheet = workbook["Tiêu chí"]
    header = next(
        row for row in sheet.iter_rows(values_only=True) if "Mã" in (row or ())
    )
    row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "2.1.1")
    found = dict(zip(header, row, strict=False))
    changes = [v for k, v in found.items() if k == "Tăng/giảm"]
    assert changes == [0], found


def test_a_department_workbook_changes_by_its_shown_figures(
    inputs: Path, tmp_path: Path
) -> None:
    """Tư pháp's total 8,165 in 2022 (shown 8,17) and 8,044 in 2023 (8,04): its
    workbook's `Tổng quan` said −0,12, the figures beside it −0,13 (re-check
    27B, F1)."""
    for year, score in ((YEAR - 1, 0.995), (YEAR, 0.994)):
        path = inputs / str(year) / "phong-tu-phap.xlsx"
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows():
            if row[0].value == "2.3.2":
                row[4].value = score
            elif row[0].value in {"2", "2.3"}:  # subtotals: not what is tested
                row[3].value = row[4].value = None
        workbook.save(path)
    (inputs / "history.xlsx").unlink()
    _summary(inputs, tmp_path)
    workbook = openpyxl.load_workbook(
        next((tmp_path / "outputs" / str(YEAR)).rglob("TP-*.xlsx")), read_only=True
    )
    rows = {
        row[0]: row[1:4]
        for row in workbook["Tổng quan"].iter_rows(values_only=True)
        if row and row[0] in {"Điểm đạt", "Tỷ lệ đạt (%)"}
    }
    assert rows["Điểm đạt"] == (8.04, 8.17, -0.13)
    assert rows["Tỷ lệ đạt (%)"][2] == round(
        rows["Tỷ lệ đạt (%)"][0] - rows["Tỷ lệ đạt (%)"][1], 2
    )

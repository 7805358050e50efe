"""A year whose criteria set has another maximum than last year's (a component
added, 90 → 100 points): its change was quoted "tăng 12,2 điểm so với năm 2025
(75,49 điểm)" with nothing beside it to say the two totals are out of different
maxima (blind round 21, finding 1). The change now gives last year's maximum and
says the scales differ."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from parindex.render.prose import headline_change
from tests.test_previous_incomplete import _result, _without_published_in

CRITERIA = Path("criteria") / "lai-chau-2022.xlsx"


def _set_of_2023_with_a_component_added(inputs: Path) -> None:
    path = inputs / "criteria" / "lai-chau-2023.xlsx"
    shutil.copy2(inputs / CRITERIA, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Tiêu chí"]
    sheet["A3"] = "Áp dụng từ năm: 2023"
    sheet.append(["9", "Chuyển đổi số", 5, None, None])
    sheet.append(["9.1", "Ứng dụng công nghệ thông tin", 5, "Thẩm định", "NV"])
    workbook.save(path)


def test_a_change_between_totals_of_different_maxima_says_so(inputs: Path) -> None:
    _set_of_2023_with_a_component_added(inputs)
    result = _result(inputs)
    headline = result.analysis.headline
    assert (headline.maximum, headline.previous_maximum) == (105, 100)
    assert headline_change(headline) == (
        "tăng 7,17 điểm so với năm 2022 (72,1/100 điểm; năm 2023 tối đa 105 "
        "điểm: hai năm khác thang điểm)"
    )


def test_the_same_maximum_says_nothing_more(inputs: Path) -> None:
    headline = _result(inputs).analysis.headline
    assert headline.previous_maximum is None
    assert headline_change(headline) == "tăng 7,17 điểm so với năm 2022 (72,1 điểm)"


def test_criteria_whose_maximum_changed_are_named(inputs: Path) -> None:
    """A criterion whose maximum differs in last year's set (6.1: 4 → 3) was
    compared on its score with only the general warning that the sets differ
    (blind round 21, finding 4): the criteria and components compared across
    two maxima are named, each with both maxima."""
    path = inputs / "criteria" / "lai-chau-2023.xlsx"
    shutil.copy2(inputs / CRITERIA, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Tiêu chí"]
    sheet["A3"] = "Áp dụng từ năm: 2023"
    for row in sheet.iter_rows(min_row=6):
        if row[0].value in ("1", "1.1"):
            row[2].value = float(row[2].value) + 1  # 13,5 → 14,5 and 1,5 → 2,5
    workbook.save(path)
    result = _result(inputs)
    said = result.problems.filter(
        result.problems["message"].str.starts_with("Có tiêu chí")
    )
    assert said.select("severity", "message").rows() == [
        (
            "warning",
            "Có tiêu chí có điểm tối đa năm 2023 khác năm 2022, so sánh hai năm "
            "là so sánh điểm số trên hai thang điểm: 1 (13,5 → 14,5 điểm), 1.1 "
            "(1,5 → 2,5 điểm).",
        )
    ]


def test_a_previous_year_known_only_as_published_is_said_out_of_its_maximum(
    inputs: Path,
) -> None:
    """No 2022 folder: last year is the figure `history.xlsx` publishes, out of
    the maximum of the set that applied to 2022 (in `criteria/` beside this
    year's). The change was quoted without it (blind round 21b, finding 2)."""
    _set_of_2023_with_a_component_added(inputs)
    shutil.rmtree(inputs / "2022")
    headline = _result(inputs).analysis.headline
    assert (headline.previous_source, headline.previous_maximum) == ("published", 100)
    assert headline_change(headline) == (
        "tăng 7,17 điểm so với năm 2022 (72,1/100 điểm; năm 2023 tối đa 105 "
        "điểm: hai năm khác thang điểm)"
    )


def _set_of_2023_with_maxima_raised(inputs: Path) -> None:
    path = inputs / "criteria" / "lai-chau-2023.xlsx"
    shutil.copy2(inputs / CRITERIA, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Tiêu chí"]
    sheet["A3"] = "Áp dụng từ năm: 2023"
    for row in sheet.iter_rows(min_row=6):
        if row[0].value in ("1", "1.1"):
            row[2].value = float(row[2].value) + 1  # 13,5 → 14,5 and 1,5 → 2,5
    workbook.save(path)


def test_a_criterion_whose_maximum_changed_is_marked_on_its_row(
    inputs: Path, tmp_path: Path
) -> None:
    """The criterion compared across two maxima was named only in a warning, its
    row in `Tiêu chí` unmarked (blind round 21, left): its note now gives last
    year's maximum; a row whose maximum did not change says nothing of it."""
    from datetime import datetime

    from parindex.render.scorecard import render_scorecard

    _set_of_2023_with_maxima_raised(inputs)
    form = inputs / "2023" / "phong-noi-vu.xlsx"  # its maximum of 1.1 as the set's
    book = openpyxl.load_workbook(form)
    for row in book.active.iter_rows():
        if row[0].value == "1.1":
            stated = next(c for c in row if c.value == 1.5)
            stated.value = 2.5
    book.save(form)
    result = _result(inputs)
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(result, path, datetime(2024, 1, 2))
    sheet = openpyxl.load_workbook(path)["Tiêu chí"]
    header = [c.value for c in sheet[3]]
    notes = {
        row[0]: row[header.index("Ghi chú")]
        for row in sheet.iter_rows(min_row=4, values_only=True)
    }
    assert notes["1"] == "Năm 2022 tối đa 13,5 điểm (hai năm khác thang điểm)."
    assert notes["1.1"] == "Năm 2022 tối đa 1,5 điểm (hai năm khác thang điểm)."
    assert notes["1.2"] is None
    # and in the department's own workbook, on its leaf
    from parindex.render.department import LEAVES_SHEET, render_department

    render_department(result, "NV", tmp_path / "nv.xlsx", datetime(2024, 1, 2))
    leaves = openpyxl.load_workbook(tmp_path / "nv.xlsx")[LEAVES_SHEET]
    rows = [r for r in leaves.iter_rows(values_only=True) if r[0] in ("1.1", "1.2")]
    assert [(r[0], r[-1]) for r in rows] == [  # 1.2 is another department's
        ("1.1", "Năm 2022 tối đa 1,5 điểm (hai năm khác thang điểm).")
    ]


def test_a_rise_or_fall_across_two_maxima_says_both() -> None:
    from parindex.render.prose import moved_sentence

    row = {"code": "1.1", "name": "Ban hành kế hoạch", "max": 2.5}
    assert moved_sentence(
        [
            {**row, "previous": 1.5, "score": 2.0, "change": 0.5, "previous_max": 1.5},
            {**row, "code": "1.2", "previous": 1, "score": 0.5, "change": -0.5},
        ],
        2022,
    ) == (
        "tiêu chí 1.1 “Ban hành kế hoạch” từ 1,5 lên 2 điểm (tối đa năm 2022 1,5 "
        "điểm, nay 2,5 điểm); tiêu chí 1.2 “Ban hành kế hoạch” từ 1 xuống 0,5 điểm"
    )


def test_a_computed_year_beside_a_published_one_says_both(inputs: Path) -> None:
    """2023 not published yet (computed 79,24), 2022 published 72,1 but computed
    from its own complete folder 71,6: the change was quoted against the
    published figure alone, unlabelled (blind round 22E, F6: its sign can
    differ from the computed pair's)."""
    from tests.builders import set_appraisal

    _without_published_in(inputs / "history.xlsx", 2023)
    set_appraisal(inputs / "2022" / "phong-tu-phap.xlsx", "2.1.1", 0.0)
    headline = _result(inputs).analysis.headline
    assert headline_change(headline) == (
        "tăng 7,14 điểm so với năm 2022 (72,1 điểm, số công bố; tính từ các tiêu "
        "chí năm 2022: 71,6 điểm, tăng 7,64 điểm)"
    )


def test_two_scales_and_two_bases_are_both_said(inputs: Path) -> None:
    """A component added (100 → 105), 2023 not published, 2022 published 72,1
    but computed 71,6 from its folder: the computed pair was not given where
    the maxima differ (blind re-check 22B-2, N2)."""
    from tests.builders import set_appraisal

    _set_of_2023_with_a_component_added(inputs)
    _without_published_in(inputs / "history.xlsx", 2023)
    set_appraisal(inputs / "2022" / "phong-tu-phap.xlsx", "2.1.1", 0.0)
    headline = _result(inputs).analysis.headline
    assert headline_change(headline) == (
        "tăng 7,14 điểm so với năm 2022 (72,1/100 điểm, số công bố; tính từ các "
        "tiêu chí năm 2022: 71,6 điểm, tăng 7,64 điểm; năm 2023 tối đa 105 điểm: "
        "hai năm khác thang điểm); năm 2023 còn 1/75 tiêu chí chưa có điểm (tính 0 "
        "điểm)"
    )


def test_the_reports_components_table_gives_both_maxima_when_a_component_is_added(
    inputs: Path,
) -> None:
    """Last year's total (out of 100) stood under this year's maximum, 105,
    alone (blind re-check 22B-2, N7)."""
    from parindex.render.document import components_block

    _set_of_2023_with_a_component_added(inputs)
    table = components_block(_result(inputs))
    assert table.header[2:4] == ("Điểm tối đa năm 2022", "Điểm tối đa năm 2023")
    assert table.rows[-1][1:4] == ("Tổng cộng", "100,00", "105,00")

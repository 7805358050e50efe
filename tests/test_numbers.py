"""Arithmetic as the province does it: exact decimal sums, Excel's ROUND."""

from __future__ import annotations

import polars as pl
import pytest

from parindex.consolidate import compare, consolidate_year, trend
from parindex.criteria import CriteriaSet
from parindex.history import empty_history
from parindex.numbers import exact_sum, round2, round2_expr
from parindex.problems import empty_problems
from parindex.text import format_vn
from tests.test_consolidate import rows


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (9.275, 9.28),
        (2.675, 2.68),  # binary 2.67499999…: Python's round gives 2.67
        (1.005, 1.01),
        (0.125, 0.13),
        (-0.125, -0.13),  # away from zero, like Excel
        (-0.001, 0.0),  # never -0.0
        (79.24, 79.24),
        (0.1 + 0.2, 0.3),
    ],
)
def test_round2_is_excel_round(value: float, shown: float) -> None:
    assert round2(value) == shown
    assert str(round2(value)) == str(shown)
    frame = pl.DataFrame({"v": [value]}).select(round2_expr(pl.col("v")))
    assert frame.item() == shown


def test_python_round_would_be_wrong_here() -> None:
    # What the code used to do, and why it was wrong.
    assert round(2.675, 2) == 2.67  # binary 2.67499999…
    assert f"{1.005:.2f}" == "1.00"
    assert (round2(2.675), round2(1.005)) == (2.68, 1.01)


def test_format_vn_rounds_half_away_from_zero() -> None:
    assert format_vn(9.275) == "9,28"
    assert format_vn(2.675) == "2,68"


def test_sums_are_exact_decimals() -> None:
    frame = pl.DataFrame({"v": [0.1, 0.2]})
    assert frame.select(pl.col("v").sum()).item() != 0.3  # binary floats
    assert frame.select(exact_sum(pl.col("v"))).item() == 0.3
    many = pl.DataFrame({"v": [0.01] * 1000})
    assert many.select(exact_sum(pl.col("v"))).item() == 10.0


def test_a_group_on_a_half_hundredth_rounds_up(small_criteria: CriteriaSet) -> None:
    """2.13 + 0.9 land on 3.03; 1.135 + 1.14 = 2.275 → 2.28 (floats: 2.2749999…)."""
    year, _ = consolidate_year(
        small_criteria,
        rows(
            ("NV", "1.1", None, 0.1),
            ("NV", "1.2.1", None, 0.2),
            ("TCKH", "1.2.2.1", None, 0.125),
            ("TCKH", "1.2.2.2", None, 0.25),
            ("NV", "2.1", None, 1.135),
            ("TCKH", "2.2", None, 1.14),
        ),
        2023,
    )
    nodes = dict(year.nodes.select("code", "score").iter_rows())
    assert nodes["1.2"] == 0.575  # 0.2 + 0.125 + 0.25, exact
    assert round2(nodes["1.2"]) == 0.58
    assert nodes["2"] == 2.275
    assert round(1.135 + 1.14, 2) == 2.27  # what binary floats give
    assert round2(nodes["2"]) == 2.28
    assert year.total == 2.95  # 0.1 + 0.2 + 0.125 + 0.25 + 1.135 + 1.14
    assert round2(year.groups["survey"]) == 1.14


def test_trend_and_change_compare_rounded_figures(small_criteria: CriteriaSet) -> None:
    assert trend(0.004) == "maintained"
    assert trend(0.005) == "increased"  # shown as +0,01
    assert trend(-0.005) == "decreased"
    now, _ = consolidate_year(
        small_criteria, rows(("NV", "2.1", None, 0.3), ("TCKH", "2.2", None, 0.0)), 2023
    )
    before, _ = consolidate_year(
        small_criteria, rows(("NV", "2.1", None, 0.1), ("TCKH", "2.2", None, 0.2)), 2022
    )
    result = compare(now, before, empty_history(), pl.DataFrame(), empty_problems())
    component = result.components.filter(pl.col("code") == "2").row(0, named=True)
    assert component["delta"] == 0.0  # 0.3 − (0.1 + 0.2), exactly
    assert component["trend"] == "maintained"

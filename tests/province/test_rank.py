"""The ranking stage's rules, on small inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.province.folder import GradeBand
from parindex.province.rank import competition_ranks, grade_for, group_average, round2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9.275, "9.28"),  # binary 9.2749999… : decimal rounding, half away from zero
        (0.125, "0.13"),
        (-0.125, "-0.13"),
        (79.245, "79.25"),
        (1.005, "1.01"),
        (72.1, "72.10"),
        (Decimal("2.675"), "2.68"),
    ],
)
def test_round2_is_half_away_from_zero_in_decimal(value: float, expected: str) -> None:
    assert round2(value) == Decimal(expected)


def test_standard_competition_ranking_shares_ties_and_skips() -> None:
    values = [Decimal(v) for v in ("80.00", "79.24", "79.24", "70.00", "79.24")]
    assert competition_ranks(values) == [1, 2, 2, 5, 2]
    assert competition_ranks([]) == []


def test_totals_that_differ_only_past_2_decimals_tie() -> None:
    totals = [round2(79.2449999), round2(79.24), round2(79.235)]
    assert competition_ranks(totals) == [1, 1, 1]


BANDS = (
    GradeBand(None, "Tốt", Decimal(80)),
    GradeBand(None, "Khá", Decimal(70)),
    GradeBand("Xã", "Đạt", Decimal(50)),
)


def test_grade_is_the_highest_band_reached() -> None:
    assert grade_for(Decimal("80.00"), "Huyện", BANDS) == "Tốt"
    assert grade_for(Decimal("79.99"), "Huyện", BANDS) == "Khá"
    assert grade_for(Decimal("69.99"), "Huyện", BANDS) is None  # below every band


def test_a_groups_own_bands_replace_the_common_ones() -> None:
    assert grade_for(Decimal("95"), "Xã", BANDS) == "Đạt"
    assert grade_for(Decimal("49.99"), "Xã", BANDS) is None


def test_no_grade_without_the_sheet() -> None:
    assert grade_for(Decimal("95"), "Huyện", None) is None


def test_a_groups_average_is_that_of_the_scores_as_shown() -> None:
    """Blind round 28E, F1: 9,28, 9,024, 8,155 and 9,155 show as 9,28, 9,02,
    8,16 and 9,16, whose average is 8,905, shown 8,91; the average of the exact
    scores, 8,9035, was shown 8,9 beside them."""
    scores = [Decimal("9.28"), Decimal("9.024"), Decimal("8.155"), Decimal("9.155")]
    assert group_average(scores) == Decimal("8.91")
    assert group_average([]) is None

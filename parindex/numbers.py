"""Arithmetic as the province does it: exact decimal sums, Excel's ``ROUND``.

Scores are decimal numbers as typed (``0,25``, ``9.275``). Binary floating point
cannot hold most of them exactly (``9.275`` is ``9.27499999…``), so a sum of floats
can drift below a half hundredth and round the wrong way. parindex therefore:

* sums scores as integers of billionths (``to_scaled`` / ``from_scaled``): every
  score is quantised to 9 decimals, far below anything typed, and the sum of the
  integers is exact; the result frames keep Float64 columns holding the double
  nearest to that exact decimal sum (``0.1 + 0.2`` is ``0.3``);
* rounds to 2 decimals half away from zero, like Excel's ``ROUND`` and the
  province's tables (``9.275`` → ``9.28``), in one place: ``round2`` for a number,
  ``round2_expr`` for a column. Ranks, ties, trends and differences compare the
  rounded figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

SCALE = 10**9  # billionths: exact for every score anyone types
SCORE_LIMIT = 1_000_000.0
"""The largest score or maximum read from a file: no criterion is worth a
million points, and sums are exact in billionths only up to ±9.2 × 10⁹. A
number beyond (a typing slip, a phone number, an amount of money) is an error
naming its cell, never summed."""
SCORE_LIMIT_TEXT = f"{SCORE_LIMIT:,.0f}".replace(",", ".")
"""``SCORE_LIMIT`` as the messages write it (1.000.000)."""


def as_shown(number: float) -> str:
    """A number too large to be a score, for a message: with its digits grouped
    the Vietnamese way while it has at most 15 of them (``84.912.345.678``,
    ``1.234.567,89``), else as Excel shows it in a narrow General cell
    (``1E+300``)."""
    if not abs(number) < 1e15:
        return f"{number:.6G}"
    digits = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    return digits.translate(str.maketrans(",.", ".,"))


_HUNDREDTH = SCALE // 100
_CENT = Decimal("0.01")
_DECIMAL = pl.Decimal(38, 9)


def to_scaled(expr: pl.Expr) -> pl.Expr:
    """A Float64 column as exact integers of billionths (Int64)."""
    return (expr * SCALE).round(0).cast(pl.Int64)


def from_scaled(expr: pl.Expr) -> pl.Expr:
    """Integers of billionths back to Float64: the double nearest the exact value.

    Through polars' Decimal, not ``/ 1e9`` on floats: polars divides a float column
    by a constant as a multiplication by its reciprocal, which is not correctly
    rounded (575000000 / 1e9 would come out 0.5750000000000001).
    """
    return (expr.cast(_DECIMAL) / pl.lit(SCALE).cast(pl.Decimal(38, 0))).cast(
        pl.Float64
    )


def exact_sum(expr: pl.Expr) -> pl.Expr:
    """The exact decimal sum of a Float64 column, as Float64."""
    return from_scaled(to_scaled(expr).sum())


def exact_difference(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """``left − right`` computed exactly on the decimals, as Float64."""
    return from_scaled(to_scaled(left) - to_scaled(right))


def exact(value: float) -> float:
    """A float brought to the nearest double of its 9-decimal value."""
    return round(value * SCALE) / SCALE


def exact_total(values: list[float]) -> float:
    """The exact decimal sum of numbers (None-free), as a float."""
    return sum(round(v * SCALE) for v in values) / SCALE


def round2(value: float) -> float:
    """``value`` rounded to 2 decimals half away from zero, as Excel's ``ROUND``.

    The float's shortest decimal form is what was typed or summed exactly
    (``9.275`` → ``9.28``, ``-0.125`` → ``-0.13``, ``2.675`` → ``2.68``).
    """
    scaled = Decimal(round(value * SCALE)) / SCALE
    shown = float(scaled.quantize(_CENT, rounding=ROUND_HALF_UP))
    return shown + 0.0  # no negative zero


def shown_change(now: float, before: float) -> float:
    """The change between two figures as they are shown: each rounded to 2
    decimals first (``round2``), so that a reader who subtracts the two printed
    figures finds the printed change (README, Rounding: 4,874 and 4,866 both
    show as 4,87, no change)."""
    return round2(round2(now) - round2(before))


def shown_change_expr(now: pl.Expr, before: pl.Expr) -> pl.Expr:
    """``shown_change`` for Float64 columns (null where either is)."""
    return exact_difference(round2_expr(now), round2_expr(before))


def shown_lost_expr(score: pl.Expr, lost: pl.Expr) -> pl.Expr:
    """Points lost as shown beside a score: the maximum they were lost from
    (``score + lost``, exactly) less the score, each rounded to 2 decimals first
    (README, Rounding: 0,375 of 0,5 shows as 0,38, 0,12 lost), so that a reader
    who subtracts the printed score from the printed maximum finds them."""
    return shown_change_expr(exact_sum_of(score, lost), score)


def shown_total_lost(rows: pl.DataFrame, larger: str, smaller: str) -> float:
    """What a total line adding ``rows`` shows as points lost (``larger`` the
    maximum, ``smaller`` the score) or cut (the self and appraised scores): the
    exact sum of ``larger`` less that of ``smaller``, over the rows holding both,
    each sum rounded first (``shown_change``), as the line's own figures are
    shown beside it (README, Rounding: two 0,375 of 0,5 show 0,12 lost each,
    their total 1 − 0,75 = 0,25)."""
    both = rows.filter(pl.col(larger).is_not_null() & pl.col(smaller).is_not_null())
    return shown_change(
        exact_total(both[larger].to_list()), exact_total(both[smaller].to_list())
    )


def shown_total_lost_expr(larger: pl.Expr, smaller: pl.Expr) -> pl.Expr:
    """``shown_total_lost`` as an aggregation (over the rows holding both)."""
    both = larger.is_not_null() & smaller.is_not_null()
    return shown_change_expr(
        exact_sum(larger.filter(both)), exact_sum(smaller.filter(both))
    )


def exact_sum_of(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """``left + right`` computed exactly on the decimals, as Float64."""
    return from_scaled(to_scaled(left) + to_scaled(right))


def shown_below_expr(score: pl.Expr, maximum: pl.Expr) -> pl.Expr:
    """Whether a score is shown below its maximum, both rounded to 2 decimals
    (0,499 of 0,5 shows as 0,5: not below, nothing shown lost)."""
    return round2_expr(score) < round2_expr(maximum)


def shown_percent(score: float, maximum: float) -> float:
    """The share of its maximum a score reaches, in percent to 2 decimals, worked
    out of the score as shown (7,925 of 9,5 shows as 7,93: 83,47 %)."""
    return round2(round2(score) / maximum * 100)


def shown_percent_expr(score: pl.Expr, maximum: pl.Expr) -> pl.Expr:
    """``shown_percent`` for Float64 columns (null where either is or the
    maximum is 0)."""
    return pl.when(maximum > 0).then(round2_expr(round2_expr(score) / maximum * 100))


def round2_expr(expr: pl.Expr) -> pl.Expr:
    """``round2`` for a Float64 column (nulls stay null)."""
    scaled = to_scaled(expr)
    hundredths = (scaled.abs() + _HUNDREDTH // 2) // _HUNDREDTH
    signed = pl.when(scaled < 0).then(-hundredths).otherwise(hundredths)
    shown = signed.cast(_DECIMAL) / pl.lit(100).cast(pl.Decimal(38, 0))
    return shown.cast(pl.Float64) + 0.0

"""pandera model of submission rows, joined with what the criteria set says of them.

Each rule is a named dataframe check; its name is the key of the Vietnamese message in
``parindex.messages.ROW_MESSAGES``. A row failing any check is set aside.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

TOLERANCE = 0.005
EPSILON = 1e-9
# compared in integers of billionths (as ``parindex.numbers.to_scaled``): a
# difference of exactly the tolerance is within it, never off by a binary digit
_SCALE = 10**9
_TOLERANCE_SCALED = round(TOLERANCE * _SCALE)


def _scaled(column: str) -> pl.Expr:
    return (pl.col(column) * _SCALE).round(0).cast(pl.Int64)


def _score_not_above_max(score: str) -> pl.Expr:
    return (
        pl.col(score).is_null()
        | pl.col("max").is_null()
        | (pl.col(score) <= pl.col("max") + EPSILON)
    )


class SubmissionRow(pa.DataFrameModel):
    """A row of a department's table that is not a subtotal."""

    file: str
    row: int
    department: str
    raw_code: str = pa.Field(nullable=True)
    code: str = pa.Field(nullable=True)
    known: bool
    max: float = pa.Field(nullable=True)
    responsible: bool
    duplicated: bool
    self_raw: str = pa.Field(nullable=True)
    self_score: float = pa.Field(nullable=True)
    appraised_raw: str = pa.Field(nullable=True)
    appraised_score: float = pa.Field(nullable=True)
    stated_max: float = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check
    def code_present(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("code").is_not_null())

    @pa.dataframe_check
    def code_known(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("code").is_null() | pl.col("known"))

    @pa.dataframe_check
    def self_score_is_number(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("self_raw").is_null() | pl.col("self_score").is_not_null()
        )

    @pa.dataframe_check
    def appraised_score_is_number(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("appraised_raw").is_null() | pl.col("appraised_score").is_not_null()
        )

    @pa.dataframe_check
    def self_score_not_negative(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("self_score").fill_null(0) >= 0)

    @pa.dataframe_check
    def appraised_score_not_negative(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("appraised_score").fill_null(0) >= 0)

    @pa.dataframe_check
    def self_score_not_above_max(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_score_not_above_max("self_score"))

    @pa.dataframe_check
    def appraised_score_not_above_max(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_score_not_above_max("appraised_score"))

    @pa.dataframe_check
    def department_responsible(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("known").not_() | pl.col("responsible"))

    @pa.dataframe_check
    def code_unique_in_file(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("duplicated").not_())

    @pa.dataframe_check
    def stated_max_matches(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("stated_max").is_null()
            | pl.col("max").is_null()
            | ((_scaled("stated_max") - _scaled("max")).abs() <= _TOLERANCE_SCALED)
        )

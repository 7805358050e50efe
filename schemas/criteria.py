"""pandera model of a criteria set (Bộ chỉ số) as read from its workbook.

Each rule is a named dataframe check; the check's name is the key of its Vietnamese
message in ``parindex.messages.CRITERIA_MESSAGES``.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

TOLERANCE = 0.005
# compared in integers of billionths (as ``parindex.numbers.to_scaled``): a
# difference of exactly the tolerance is within it, never off by a binary digit
_SCALE = 10**9
_TOLERANCE_SCALED = round(TOLERANCE * _SCALE)


def _scaled(column: str) -> pl.Expr:
    return (pl.col(column) * _SCALE).round(0).cast(pl.Int64)


GROUP_KEYS = ("appraisal", "survey", "socioeconomic", "sipas")


class CriteriaNodeRow(pa.DataFrameModel):
    """One row of the ``Tiêu chí`` sheet, with the facts derived from the tree."""

    code: str = pa.Field(nullable=True)
    name: str = pa.Field(nullable=True)
    max: float = pa.Field(nullable=True)
    group: str = pa.Field(nullable=True)
    is_leaf: bool
    parent: str = pa.Field(nullable=True)
    parent_found: bool
    children_max: float = pa.Field(nullable=True)
    has_departments: bool
    unknown_departments: str = pa.Field(nullable=True)
    ambiguous_departments: str = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check
    def code_valid(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("code").is_not_null())

    @pa.dataframe_check
    def code_unique(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("code").is_null() | pl.col("code").is_duplicated().not_()
        )

    @pa.dataframe_check
    def parent_exists(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("parent_found"))

    @pa.dataframe_check
    def max_is_number(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("code").is_null()
            | (pl.col("max").is_not_null() & (pl.col("max") >= 0))
        )

    @pa.dataframe_check
    def max_is_sum_of_children(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("children_max").is_null()
            | pl.col("max").is_null()
            | ((_scaled("max") - _scaled("children_max")).abs() <= _TOLERANCE_SCALED)
        )

    @pa.dataframe_check
    def leaf_has_group(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("code").is_null()
            | pl.col("is_leaf").not_()
            | pl.col("group").is_not_null()
        )

    @pa.dataframe_check
    def group_known(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("group").is_null() | pl.col("group").is_in(GROUP_KEYS)
        )

    @pa.dataframe_check
    def leaf_has_departments(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("code").is_null()
            | pl.col("is_leaf").not_()
            | pl.col("has_departments")
        )

    @pa.dataframe_check
    def departments_known(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("unknown_departments").is_null())

    @pa.dataframe_check
    def departments_unambiguous(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("ambiguous_departments").is_null())

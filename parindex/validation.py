"""Run a pandera model over a frame and return the failing rows as data."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors


def failed_checks(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> pl.DataFrame:
    """Validate ``frame`` lazily against ``model``; one row per (row index, check).

    Returns a frame with columns ``index`` (0-based row of ``frame``) and ``check``
    (the name of the failed check, e.g. ``score_not_above_max``), sorted by index.
    Failures of the frame's schema itself (a missing column, a wrong dtype) are
    programming errors and are raised.
    """
    empty = pl.DataFrame(schema={"index": pl.Int64, "check": pl.String})
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases: pl.DataFrame = errors.failure_cases
        row_failures = cases.filter(pl.col("index").is_not_null())
        if row_failures.height < cases.height:
            raise
        return (
            row_failures.select(
                pl.col("index").cast(pl.Int64),
                pl.col("check").cast(pl.String),
            )
            .unique()
            .sort("index", "check")
        )
    return empty

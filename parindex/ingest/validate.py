"""Validate submission rows against the criteria set; problems come back as a frame."""

from __future__ import annotations

import polars as pl

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.problems import concat_problems, problem, problems_frame
from parindex.text import format_vn
from parindex.validation import failed_checks
from schemas.submission import TOLERANCE, SubmissionRow


def _fmt(value: float | None) -> str:
    return "" if value is None else format_vn(value)


def _with_criteria(rows: pl.DataFrame, criteria_set: CriteriaSet) -> pl.DataFrame:
    nodes = criteria_set.nodes.select(
        "code", "max", "is_leaf", pl.col("departments").alias("owners")
    )
    joined = rows.join(nodes, on="code", how="left", maintain_order="left")
    return joined.with_columns(
        known=pl.col("is_leaf").is_not_null(),
        is_leaf=pl.col("is_leaf").fill_null(False),
        responsible=pl.col("owners")
        .list.contains(pl.col("department"))
        .fill_null(False),
    )


def _row_problems(
    checked: pl.DataFrame, failures: pl.DataFrame
) -> list[dict[str, str | None]]:
    records = []
    for index, check in failures.iter_rows():
        row = checked.row(index, named=True)
        same_code = checked.filter(
            (pl.col("file") == row["file"]) & (pl.col("code") == row["code"])
        )
        values = {
            **row,
            "self_score": _fmt(row["self_score"]),
            "appraised_score": _fmt(row["appraised_score"]),
            "max": _fmt(row["max"]),
            "stated_max": _fmt(row["stated_max"]),
            "owners": ", ".join(row["owners"] or []),
            "cells": ", ".join(c for c in same_code["code_cell"].to_list() if c),
        }
        column = messages.ROW_MESSAGE_COLUMN[check]
        records.append(
            problem(
                "error",
                messages.ROW_MESSAGES[check].format(**values),
                file=row["file"],
                sheet=row["sheet"],
                cell=row[f"{column}_cell"] or row["code_cell"],
                department=row["department"],
                criterion=row["code"],
            )
        )
    return records


def _ambiguous_codes(
    checked: pl.DataFrame, criteria_set: CriteriaSet
) -> list[dict[str, str | None]]:
    """Codes stored as numbers that could have lost a trailing zero (8.1 vs 8.10)."""
    codes = set(criteria_set.nodes["code"].to_list())
    records = []
    numeric = checked.filter(
        pl.col("code_numeric") & pl.col("code").str.contains(r"\.")
    )
    for row in numeric.iter_rows(named=True):
        alternative = row["code"] + "0"
        if alternative in codes:
            records.append(
                problem(
                    "warning",
                    messages.CODE_AMBIGUOUS.format(
                        code=row["code"], alternative=alternative
                    ),
                    file=row["file"],
                    sheet=row["sheet"],
                    cell=row["code_cell"],
                    department=row["department"],
                    criterion=row["code"],
                )
            )
    return records


def _subtotal_problems(
    subtotals: pl.DataFrame, leaves: pl.DataFrame
) -> list[dict[str, str | None]]:
    """Warn where a subtotal row differs from the sum of the file's leaves below it."""
    records = []
    for row in subtotals.iter_rows(named=True):
        below = leaves.filter(
            (pl.col("file") == row["file"])
            & pl.col("code").str.starts_with(row["code"] + ".")
        )
        for score, cell in (
            ("self_score", "self_cell"),
            ("appraised_score", "appraised_cell"),
        ):
            stated = row[score]
            if stated is None:
                continue
            computed = float(below[score].fill_null(0).sum())
            if abs(stated - computed) > TOLERANCE:
                records.append(
                    problem(
                        "warning",
                        messages.SUBTOTAL_MISMATCH.format(
                            code=row["code"],
                            stated=_fmt(stated),
                            computed=_fmt(computed),
                        ),
                        file=row["file"],
                        sheet=row["sheet"],
                        cell=row[cell],
                        department=row["department"],
                        criterion=row["code"],
                    )
                )
    return records


def validate_rows(
    rows: pl.DataFrame, criteria_set: CriteriaSet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check every row against the criteria set and the rules of the SPEC.

    Args:
        rows: normalised rows of the files in use (``normalise.ROW_SCHEMA``).
        criteria_set: the criteria set in force.

    Returns:
        The leaf rows that passed every check (with ``max``), and the problems
        (errors for rows set aside, warnings for subtotals and ambiguous codes).
    """
    joined = _with_criteria(rows, criteria_set)
    is_subtotal = pl.col("known") & pl.col("is_leaf").not_()
    subtotals = joined.filter(is_subtotal)
    checked = joined.filter(is_subtotal.not_()).with_columns(
        duplicated=pl.col("code").is_not_null()
        & pl.col("code").is_duplicated().over("file")
    )
    failures = failed_checks(SubmissionRow, checked)
    row_problems = _row_problems(checked, failures)
    bad_index = failures["index"].unique().to_list()
    good = (
        checked.with_row_index("_i")
        .filter(pl.col("_i").is_in(bad_index).not_())
        .drop("_i")
    )
    problems = concat_problems(
        [
            problems_frame(row_problems),
            problems_frame(_ambiguous_codes(checked, criteria_set)),
            problems_frame(_subtotal_problems(subtotals, good)),
        ]
    )
    return good, problems

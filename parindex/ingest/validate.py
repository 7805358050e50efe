"""Validate submission rows against the criteria set; problems come back as a frame."""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from parindex import messages
from parindex.criteria import CriteriaSet, ancestor_pairs
from parindex.ingest.normalise import NOTICE_RS, NOTICE_US, decode_notices
from parindex.numbers import SCALE, round2_expr, to_scaled
from parindex.problems import (
    Severity,
    concat_problems,
    problem,
    problems_frame,
    template_pattern,
)
from parindex.text import (
    format_typed,
    format_vn,
    parse_number,
    roman_component,
    visible,
)
from parindex.validation import failed_checks
from schemas.submission import TOLERANCE, SubmissionRow

# the tolerance in billionths: sums and differences are compared exactly
TOLERANCE_SCALED = round(TOLERANCE * SCALE)


def _fmt(value: float | None) -> str:
    return "" if value is None else format_vn(value)


def _fmt_apart(value: float | None, other: float | None) -> str:
    """``value`` as ``_fmt`` shows it, with the decimals that tell it from
    ``other`` when rounding would show both alike (1,5000001 beside 1,5)."""
    shown = _fmt(value)
    if value is not None and other is not None and value != other:
        if shown == _fmt(other):
            return format_vn(value, decimals=9)
    return shown


def _with_criteria(rows: pl.DataFrame, criteria_set: CriteriaSet) -> pl.DataFrame:
    """Each row with its node's ``max`` and ``is_leaf``, whether the code is known,
    and whether the row's department is responsible for it.

    Responsibility is a lookup of (node, department) pairs, not a copy of each
    node's list of departments on every row: a component's list holds every
    department under it, which in a province made the frame grow with rows ×
    departments. A pair is one integer (the node's position and the department's
    number among those the set lists), so that the lookup is a set of integers
    rather than a join on two texts.
    """
    nodes = criteria_set.nodes.select("code", "max", "is_leaf", "position")
    listed = (
        criteria_set.nodes.select("position", pl.col("departments").alias("department"))
        .explode("department")
        .drop_nulls()
    )
    number = {code: i for i, code in enumerate(listed["department"].unique().sort())}

    def pair(frame: pl.DataFrame) -> pl.Series:
        return frame.select(
            pl.col("position").cast(pl.Int64) * (len(number) + 1)
            + pl.col("department").replace_strict(
                number, default=None, return_dtype=pl.Int64
            )
        ).to_series()

    # joined on the key column only, then set beside the rows: a join copies
    # every column it carries, ``with_columns`` shares them
    found = rows.select("code", "department").join(
        nodes, on="code", how="left", maintain_order="left"
    )
    responsible = pair(found).is_in(pair(listed).drop_nulls().implode())
    return rows.with_columns(
        found["max"],
        known=found["is_leaf"].is_not_null(),
        is_leaf=found["is_leaf"].fill_null(False),
        responsible=responsible.fill_null(False),
    )


def _row_problems(
    checked: pl.DataFrame, failures: pl.DataFrame, criteria_set: CriteriaSet
) -> list[dict[str, str | None]]:
    records = []
    owners = dict(criteria_set.nodes.select("code", "departments").iter_rows())
    # the code cells of every code found twice in a file, in the file's order:
    # only these rows need their twins
    twins: dict[tuple[str, str | None, str], list[str]] = {}
    duplicated = checked.filter(
        pl.col("duplicated") & pl.col("code_cell").is_not_null()
    )
    for file, department, code, cell in duplicated.select(
        "file", "department", "code", "code_cell"
    ).iter_rows():
        twins.setdefault((file, department, code), []).append(cell)
    failing = checked[failures["index"]]
    for (_, check), row in zip(
        failures.iter_rows(), failing.iter_rows(named=True), strict=True
    ):
        values = {
            **row,
            "self_score": _fmt_apart(row["self_score"], row["max"]),
            "appraised_score": _fmt_apart(row["appraised_score"], row["max"]),
            "max": _fmt(row["max"]),
            "stated_max": _fmt(row["stated_max"]),
            "owners": ", ".join(owners.get(row["code"]) or []),
            "cells": ", ".join(
                c
                for c in twins.get((row["file"], row["department"], row["code"]), [])
                if c
            ),
            # a character no one can see is written out (README "Choices")
            **{
                raw: visible(row[raw])
                for raw in ("raw_code", "self_raw", "appraised_raw")
                if row[raw] is not None
            },
        }
        column = messages.ROW_MESSAGE_COLUMN[check]
        if check == "code_present" and row["raw_code"] is None:
            message = messages.ROW_NO_CODE
        else:
            message = messages.ROW_MESSAGES[check].format(**values)
        message += _other_score_not_used(check, column, row, values)
        records.append(
            _at_row(
                "error",
                message,
                row,
                row[f"{column}_cell"] or row["code_cell"],
            )
        )
    return records


def _at_row(
    severity: Severity, message: str, row: dict[str, Any], cell: str | None
) -> dict[str, str | None]:
    """A problem at ``cell`` of a submission row: its file, sheet, department
    and criterion."""
    return problem(
        severity,
        message,
        file=row["file"],
        sheet=row["sheet"],
        cell=cell,
        department=row["department"],
        criterion=row["code"],
    )


def _other_score_not_used(
    check: str, column: str, row: dict[str, Any], values: dict[str, Any]
) -> str:
    """What else a row set aside for one score column loses: the number in its
    other score column (blind round 28B, F1); and for a text that is not a
    number, what to type instead (``_typed_hint``)."""
    if column not in messages.ROW_OTHER_SCORE_NOT_USED:
        return ""
    other = "appraised" if column == "self" else "self"
    said = ""
    if row[f"{other}_score"] is not None:
        said = messages.ROW_OTHER_SCORE_NOT_USED[column].format(
            score=values[f"{other}_score"],
            cell=row[f"{other}_cell"] or row["code_cell"],
        )
    if check.endswith("_is_number"):
        said += _typed_hint(column, row[f"{column}_raw"] or "", row)
    return said


_NUMBER_IN_TEXT = re.compile(r"\d+(?:[.,]\d+)?")


def _typed_hint(column: str, raw: str, row: dict[str, Any]) -> str:
    """What to type instead of a score cell's text: no digit, a note (leave the
    cell empty, the note in the reason column); one number within the maximum
    among words or signs, that number alone (in the appraisal column, or leave
    it empty); several numbers, or one beyond the maximum, one number from 0 to
    the maximum; "" for that without a maximum (the code is not the set's: its
    own error says so) (blind round 28B, F1 and F9; re-check 28C, N3; 28D,
    F2)."""
    cell = row[f"{column}_cell"] or row["code_cell"]
    numbers = _NUMBER_IN_TEXT.findall(raw)
    if not numbers:
        return messages.SCORE_NOTE_HINT[column].format(cell=cell)
    value = parse_number(numbers[0]) if len(numbers) == 1 else None
    maximum = row["max"]
    if value is not None and (maximum is None or value <= maximum):
        return messages.SCORE_WITH_WORDS_HINT[column].format(
            number=format_typed(value), cell=cell
        )
    if maximum is None:
        return ""
    return messages.SCORE_AS_NUMBER_HINT.format(max=_fmt(maximum), cell=cell)


def _formula_problems(uncalculated: pl.DataFrame) -> list[dict[str, str | None]]:
    """Rows set aside because a code or score cell is a formula never computed."""
    return [
        _at_row(
            "error",
            messages.FORMULA_NOT_CALCULATED,
            row,
            row["formula_cell"],
        )
        for row in uncalculated.iter_rows(named=True)
    ]


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
                _at_row(
                    "warning",
                    messages.CODE_AMBIGUOUS.format(
                        code=row["code"], alternative=alternative
                    ),
                    row,
                    row["code_cell"],
                )
            )
    return records


def _stated_sums(sum_rows: pl.DataFrame, leaves: pl.DataFrame) -> pl.DataFrame:
    """Each subtotal or total row with the sums of its form's leaves it covers
    (``self_sum``, ``appraised_sum``, exact, in integers of billionths: the same
    whatever the order of the rows): a join per level of the tree, whatever the
    number of files (one level at a time: the year's leaves are not copied once
    per ancestor all at once)."""
    # a form's own leaves: a workbook may hold several departments' forms
    form = ["file", "department"]
    coded = leaves.filter(pl.col("code").is_not_null()).select(
        *form, "sheet", "row", "code", "self_score", "appraised_score"
    )
    parents = ancestor_pairs(coded["code"], proper=True).with_columns(
        level=pl.col("node").str.count_matches(r"\.")
    )
    sums = [
        to_scaled(pl.col("self_score").fill_null(0)).sum().alias("self_sum"),
        to_scaled(pl.col("appraised_score").fill_null(0)).sum().alias("appraised_sum"),
    ]
    levels = [
        parents.filter(pl.col("level") == level).drop("level")
        for level in parents["level"].unique().sort()
    ] or [parents.drop("level")]
    below = pl.concat(
        [
            coded.join(level, on="code").group_by(*form, "node").agg(sums)
            for level in levels
        ]
    )
    whole_form = coded.group_by(*form).agg(sums)
    subtotals = sum_rows.filter(pl.col("total_label").is_null()).join(
        below.rename({"node": "code"}),
        on=[*form, "code"],
        how="left",
        nulls_equal=True,  # a form whose department was not told
    )
    totals = _totals_summed(
        sum_rows.filter(pl.col("total_label").is_not_null()), coded, whole_form, sums
    )
    return (
        pl.concat([subtotals, totals], how="diagonal_relaxed")
        .with_columns(pl.col("self_sum", "appraised_sum").fill_null(0))
        .with_columns(
            # a subtotal has one sum; a total row may be either of its two
            pl.col("self_other").fill_null(pl.col("self_sum")),
            pl.col("appraised_other").fill_null(pl.col("appraised_sum")),
        )
    )


def _totals_summed(
    totals: pl.DataFrame,
    coded: pl.DataFrame,
    whole_form: pl.DataFrame,
    sums: list[pl.Expr],
) -> pl.DataFrame:
    """The form's total rows with the two sums each may be: the form's leaves
    since the total row above it (a `Cộng` under each component), and the whole
    form's (its `Tổng cộng`). The sum said is the first, except for the last of
    several total rows, whose is the whole form's, and for a total with no
    criterion above it (placed first: re-check 27B, F5)."""
    form = ["file", "department"]
    sheet_form = [*form, "sheet"]  # rows are counted within a sheet
    if totals.is_empty():
        return totals.with_columns(
            self_sum=pl.lit(0, pl.Int64),
            appraised_sum=pl.lit(0, pl.Int64),
            self_other=pl.lit(0, pl.Int64),
            appraised_other=pl.lit(0, pl.Int64),
        )
    marks = totals.select(*sheet_form, pl.col("row").alias("total_row")).sort(
        "total_row"
    )
    since = (
        coded.sort("row")
        .join_asof(
            marks,
            left_on="row",
            right_on="total_row",
            by=sheet_form,
            strategy="forward",
            check_sortedness=False,  # both sorted by row above, groups too
        )
        .filter(pl.col("total_row").is_not_null())
        .group_by(*sheet_form, "total_row")
        .agg(sums)
        .rename({"self_sum": "since_self", "appraised_sum": "since_appraised"})
    )
    whole = whole_form.rename(
        {"self_sum": "whole_self", "appraised_sum": "whole_appraised"}
    )
    # the whole form's sum is the one said for the last of several totals, and
    # for a total with no criterion above it (placed first, under the header)
    last_of_several = (
        (pl.col("row") == pl.col("row").max().over(form)) & (pl.len().over(form) > 1)
    ) | pl.col("since_self").is_null()
    return (
        totals.join(
            since,
            left_on=[*sheet_form, "row"],
            right_on=[*sheet_form, "total_row"],
            how="left",
            nulls_equal=True,
        )
        .join(whole, on=form, how="left", nulls_equal=True)
        .with_columns(said_whole=last_of_several)
        .with_columns(
            pl.col(
                "since_self", "since_appraised", "whole_self", "whole_appraised"
            ).fill_null(0)
        )
        .with_columns(
            # the sum said and the other one, for the self and the appraised scores
            expression
            for score in ("self", "appraised")
            for expression in (
                pl.when("said_whole")
                .then(f"whole_{score}")
                .otherwise(f"since_{score}")
                .alias(f"{score}_sum"),
                pl.when("said_whole")
                .then(f"since_{score}")
                .otherwise(f"whole_{score}")
                .alias(f"{score}_other"),
            )
        )
        .drop(
            "since_self",
            "since_appraised",
            "whole_self",
            "whole_appraised",
            "said_whole",
        )
    )


_ASIDE_COLUMNS = ("file", "department", "code", "sheet", "row")
"""What ``_not_above`` needs of a row set aside."""


def _not_above(
    sum_rows: pl.DataFrame, aside: pl.DataFrame, leaves: pl.DataFrame
) -> pl.DataFrame:
    """``sum_rows`` without the subtotals above a row of ``aside`` in the same
    form, nor the totals of a form with a row in ``aside``.

    Above a row are the ancestors of its code, and those of its place: a row
    set aside stands where the coded row above it on its sheet stands
    (``leaves`` and ``sum_rows`` give their places), a sibling of a leaf, a
    child of a subtotal, so the subtotals over that place are above it too. A
    row without a code (none, or one that cannot be read: `1.2.3)`) has only
    its place (blind round 27A, F6); one whose code is wrong is in question at
    its place as well (re-check 27B, F2)."""
    form = ["file", "department"]
    coded = aside.filter(pl.col("code").is_not_null()).select(*form, "code")
    # every row set aside by its place too: one whose code is wrong (another
    # criterion's, one the set does not have) stands where it sits, not where
    # its code would put it (re-check 27B, F2)
    places = (
        pl.concat(
            [
                frame.select("file", "sheet", "row", "code")
                for frame in (sum_rows, leaves)
            ]
        )
        .filter(pl.col("code").is_not_null())
        .sort("row")
    )
    # the coded row above is the place's own code and every code above it
    # (``proper=False`` below: a subtotal's children stand under it)
    standing = (
        aside.select(*form, "sheet", "row")
        .sort("row")
        .join_asof(
            places.rename({"row": "coded_row"}),
            left_on="row",
            right_on="coded_row",
            by=["file", "sheet"],
            strategy="backward",
            allow_exact_matches=False,  # the row above, not the row itself
            check_sortedness=False,  # sorted above, by row, within each by group
        )
        .filter(pl.col("code").is_not_null())
        .select(*form, "code")
    )
    above = pl.concat(
        [
            coded.join(
                ancestor_pairs(coded["code"].unique(), proper=True), on="code"
            ).select(*form, pl.col("node").alias("code")),
            standing.join(
                ancestor_pairs(standing["code"].unique(), proper=False), on="code"
            ).select(*form, pl.col("node").alias("code")),
        ]
    )
    subtotals = sum_rows.filter(pl.col("total_label").is_null()).join(
        above.unique(), on=[*form, "code"], how="anti", nulls_equal=True
    )
    totals = sum_rows.filter(pl.col("total_label").is_not_null()).join(
        aside.select(form).unique(), on=form, how="anti", nulls_equal=True
    )
    return pl.concat([subtotals, totals])


_SUM_COLUMNS = (
    "file",
    "sheet",
    "department",
    "row",
    "code",
    "raw_code",
    "total_label",
    "self_score",
    "appraised_score",
    "self_cell",
    "appraised_cell",
)
"""What ``_sum_row_problems`` needs of a subtotal or total row."""


def _heading_code(raw: str | None, code: str) -> str:
    """A subtotal's code as a message names it: a Roman-numeral heading as the
    form writes it, then its component's code (``II (2)``); any other code as
    it is."""
    if raw is None or roman_component(raw) is None:
        return code
    return f"{raw.strip().rstrip('.').strip()} ({code})"


def _sum_row_problems(
    sum_rows: pl.DataFrame, leaves: pl.DataFrame, aside: pl.DataFrame | None = None
) -> list[dict[str, str | None]]:
    """Warn where a subtotal row differs from the sum of its form's leaves below it
    (a total row: from the sum of all the form's leaves; a form is a department's
    part of the file), as the file states them. A subtotal above a row set aside
    (``aside``: ``file``, ``department``, ``code``), and the form's total when
    any of its rows is, is not checked: its leaves are in question, and the
    row's error says why (a sum counting it would call a right subtotal wrong).
    Sums and differences are exact (billionths): a difference of exactly the
    tolerance is within it, in any order of the rows."""
    if aside is not None and aside.height:
        sum_rows = _not_above(sum_rows, aside, leaves)
    if sum_rows.is_empty():
        return []
    records = []
    # only the rows that differ are looked at one by one
    differs = pl.lit(False)
    for score, computed, other in (
        ("self_score", "self_sum", "self_other"),
        ("appraised_score", "appraised_sum", "appraised_other"),
    ):
        stated = to_scaled(pl.col(score))
        differs = differs | (
            pl.col(score).is_not_null()
            & ((stated - pl.col(computed)).abs() > TOLERANCE_SCALED)
            & ((stated - pl.col(other)).abs() > TOLERANCE_SCALED)
        )
    stated_sums = _stated_sums(sum_rows, leaves).filter(differs)
    for row in stated_sums.iter_rows(named=True):
        label = row["total_label"]
        for score, cell, computed, other in (
            ("self_score", "self_cell", row["self_sum"], row["self_other"]),
            (
                "appraised_score",
                "appraised_cell",
                row["appraised_sum"],
                row["appraised_other"],
            ),
        ):
            stated = row[score]
            if stated is None or any(
                abs(round(stated * SCALE) - figure) <= TOLERANCE_SCALED
                for figure in (computed, other)
            ):
                continue
            figures = {"stated": _fmt(stated), "computed": _fmt(computed / SCALE)}
            message = (
                messages.SUBTOTAL_MISMATCH.format(
                    code=_heading_code(row["raw_code"], row["code"]), **figures
                )
                if label is None
                else messages.TOTAL_MISMATCH.format(label=label, **figures)
            )
            records.append(
                _at_row(
                    "warning",
                    message,
                    row,
                    row[cell],
                )
            )
    return records


_SHOWN_OTHERWISE = tuple(
    template_pattern(template)
    for template in (
        messages.VALUE_CONCEALED,
        messages.VALUE_SHOWN_DASH,
        messages.VALUE_SHOWN_ROUNDED,
    )
)
"""The reader's warnings that a score is used as typed although the form shows
it otherwise: not said of a subtotal or total row, whose figure parindex does
not use (it adds the leaves; its subtotal check says where they disagree)."""


def _of_a_sum(code: str | None, message: str, sums: frozenset[str]) -> bool:
    """Whether a notice is one of ``_SHOWN_OTHERWISE`` on a row of a sum."""
    return code in sums and any(p.fullmatch(message) for p in _SHOWN_OTHERWISE)


def _notice_problems(
    rows: pl.DataFrame, sums: frozenset[str] = frozenset()
) -> pl.DataFrame:
    """The problems the reader attached to rows (hidden rows, values that are not
    scores, criteria split over sub-items), one per notice; ``sums``: the codes
    of the criteria set's groups (a score shown otherwise there is not said)."""
    noted = rows.filter(pl.col("notices").is_not_null())
    if noted.is_empty():
        return problems_frame([])
    return problems_frame(
        [
            _at_row(
                "error" if notice["severity"] == "error" else "warning",
                notice["message"],
                row,
                notice["cell"] or row["code_cell"],
            )
            for row in noted.select(
                "file", "sheet", "department", "code", "code_cell", "notices"
            ).iter_rows(named=True)
            for notice in decode_notices(row["notices"])
            if not _of_a_sum(row["code"], notice["message"], sums)
        ]
    )


_REFUSED = (
    pl.col("notices")
    .str.contains(f"(?:^|{NOTICE_RS})error{NOTICE_US}")
    .fill_null(False)
)


def _appraisal_missing(good: pl.DataFrame) -> list[dict[str, str | None]]:
    """Rows without an appraised score (blank or ``-``) in a table where other
    rows have one: the self-assessed score is used for now, and said so (unless
    the reader already said why that cell is empty: a cell inside a merged range,
    ``normalise._merged_scores_said``)."""
    appraised_tables = (
        good.filter(pl.col("appraised_score").is_not_null())
        .select("file", "sheet")
        .unique()
    )
    missing = good.filter(
        pl.col("appraised_score").is_null()
        & pl.col("appraised_raw").is_null()
        & pl.col("self_score").is_not_null()
        & pl.col("appraised_cell").is_not_null()
    ).join(appraised_tables, on=["file", "sheet"], how="semi")
    return [
        _at_row(
            "warning",
            messages.APPRAISAL_MISSING_SELF_USED.format(
                code=row["code"],
                cell=row["appraised_cell"],
                # the score used, as typed (0,255, not 0,26: re-check 27B, F7)
                self_score=format_typed(row["self_score"]),
            ),
            row,
            row["appraised_cell"],
        )
        for row in missing.iter_rows(named=True)
        if not any(
            notice["cell"] == row["appraised_cell"]
            for notice in decode_notices(row["notices"])
        )
    ]


def fine_decimals(good: pl.DataFrame) -> list[dict[str, str | None]]:
    """A warning for each score of a row in use typed with more than 3
    decimals that is not a whole percent of its criterion's maximum: a cell
    formatted ``0.00`` shows 1,2849 as 1,28 (a formula's leftover), so that the
    total differs from the figures the forms show. A set scored in quarter
    points gives 0,1875 (75 % of 0,25): a score as the set gives it, not said.
    Used as typed, and said."""
    found = []
    for column, cell_column in (
        ("self_score", "self_cell"),
        ("appraised_score", "appraised_cell"),
    ):
        thousandths = pl.col(column) * 1000
        percent = pl.col(column) / pl.col("max") * 100
        fine = good.filter(
            pl.col(column).is_not_null()
            & pl.col(cell_column).is_not_null()
            & ((thousandths - thousandths.round(0)).abs() > 1e-6)
            & (
                pl.col("max").is_null()
                | (pl.col("max") <= 0)
                | ((percent - percent.round(0)).abs() > 1e-6)
            )
        )
        for row in fine.select(
            "file", "sheet", "department", "code", column, cell_column
        ).iter_rows(named=True):
            found.append(
                _at_row(
                    "warning",
                    messages.SCORE_MORE_DECIMALS.format(
                        cell=row[cell_column],
                        typed=format_vn(row[column], decimals=9),
                        hundredth=format_vn(row[column]),
                    ),
                    row,
                    row[cell_column],
                )
            )
    return found


def _shown_as_maximum(
    good: pl.DataFrame, said: list[dict[str, str | None]]
) -> list[dict[str, str | None]]:
    """A warning for each score in use (the appraisal, else the self score)
    below its maximum that shows as the maximum at 2 decimals (0,996 of 1): it
    is not listed as lost (README, Rounding), while the department's total keeps
    the 0,004. Not said again of a cell ``fine_decimals`` spoke of."""
    warned = {(p["file"], p["sheet"], p["cell"]) for p in said}
    used = pl.coalesce("appraised_score", "self_score")
    cell = (
        pl.when(pl.col("appraised_score").is_not_null())
        .then(pl.col("appraised_cell"))
        .otherwise(pl.col("self_cell"))
    )
    hidden = good.filter(
        pl.col("max").is_not_null()
        & (to_scaled(used) < to_scaled(pl.col("max")))
        & (round2_expr(used) >= round2_expr(pl.col("max")))
    ).select(
        "file",
        "sheet",
        "department",
        "code",
        "max",
        used.alias("used"),
        cell.alias("cell"),
    )
    return [
        _at_row(
            "warning",
            messages.SCORE_SHOWN_AS_MAXIMUM.format(
                cell=row["cell"],
                typed=format_typed(row["used"]),
                max=_fmt(row["max"]),
                code=row["code"],
            ),
            row,
            row["cell"],
        )
        for row in hidden.iter_rows(named=True)
        if row["cell"] and (row["file"], row["sheet"], row["cell"]) not in warned
    ]


PROVINCE_SCORED_GROUPS = ("survey", "sipas")
"""Score groups the province scores from its surveys: a department's form may
leave them blank."""


def _unscored_own(
    joined: pl.LazyFrame, is_sum: pl.Expr, criteria_set: CriteriaSet
) -> list[dict[str, str | None]]:
    """The rows of a department's own leaves whose score cells are both empty or
    ``-`` (nothing the reader said of them), in a table where other rows are
    scored and where the criterion is not scored on another row: a warning
    naming the cells (the SPEC: "not scored", warned when the rest of the
    file's column is scored). Other departments' rows left blank (a full form)
    and the criteria the province scores from its surveys are not said."""
    surveyed = criteria_set.nodes.filter(pl.col("group").is_in(PROVINCE_SCORED_GROUPS))[
        "code"
    ]
    has_score = (
        pl.col("self_raw").is_not_null()
        | pl.col("appraised_raw").is_not_null()
        | pl.col("formula_cell").is_not_null()
    )
    # the few candidates first: most years have none, and then nothing is joined
    candidates = (
        joined.filter(
            is_sum.not_()
            & has_score.not_()
            & pl.col("is_leaf")
            & pl.col("responsible")
            & pl.col("notices").is_null()
            & pl.col("code").is_in(surveyed.implode()).not_()
        )
        .select(
            "file",
            "sheet",
            "department",
            "code",
            "self_cell",
            "appraised_cell",
            "max",
            "stated_max",
            "max_cell",
            "reason",
            "evidence",
        )
        .collect()
    )
    if candidates.is_empty():
        return []
    scored = (
        joined.filter(
            is_sum.not_()
            & has_score
            & pl.col("file").is_in(candidates["file"].unique().implode())
        )
        .select("file", "sheet", "code")
        .collect()
    )
    found = candidates.join(
        scored.select("file", "sheet").unique(), on=["file", "sheet"], how="semi"
    ).join(scored.select("file", "code").unique(), on=["file", "code"], how="anti")
    records = []
    for row in found.iter_rows(named=True):
        cells = [c for c in (row["self_cell"], row["appraised_cell"]) if c]
        if not cells:
            continue
        records.append(
            _at_row(
                "warning",
                messages.UNSCORED_OWN_CRITERION.format(
                    code=row["code"], cells=", ".join(cells)
                )
                + _number_beside(row),
                row,
                cells[0],
            )
        )
    return records


def _number_beside(row: dict[str, Any]) -> str:
    """What a blank row holds that may be its score, as ``_unscored_own`` adds it:
    a maximum other than the set's, a number alone in the reason or evidence
    column (within the maximum); "" when nothing (blind round 28B, F5)."""
    found = []
    stated, maximum = row["stated_max"], row["max"]
    if stated is not None and maximum is not None and abs(stated - maximum) > 0.005:
        found.append(
            messages.UNSCORED_STATED_MAX.format(
                cell=row["max_cell"], stated=_fmt(stated), max=_fmt(maximum)
            )
        )
    for column, said in messages.UNSCORED_NUMBER_IN.items():
        text = (row[column] or "").strip()
        value = parse_number(text) if text else None
        if value is not None and maximum is not None and 0 <= value <= maximum:
            found.append(said.format(text=text))
    if not found or not row["self_cell"]:
        return ""
    return messages.UNSCORED_NUMBER_BESIDE.format(
        found="; ".join(found), cell=row["self_cell"]
    )


_ABSENT_NAMED = 20
"""How many absent criteria a warning names before "… và N tiêu chí khác"."""


def _own_criteria_absent(
    rows: pl.DataFrame, criteria_set: CriteriaSet
) -> list[dict[str, str | None]]:
    """A warning per department's form (a file's scored rows of one department)
    that has no row at all, anywhere in the file, for some leaf the department
    leads (first listed), the criteria the province scores from its surveys
    left out: a row deleted or forgotten gives the criterion no score, and was
    said nowhere (blind round 27A, F3; a row present but blank is
    ``_unscored_own``'s). Only a form missing fewer than a third of the
    leaves its department leads is said: one missing more is a part sent on
    its own (its corrections, one page of the form). Named on the form's first
    sheet, in the set's order."""
    scored = rows.filter(
        pl.col("department").is_not_null()
        & pl.col("code").is_not_null()
        & pl.col("total_label").is_null()
        & (pl.col("self_raw").is_not_null() | pl.col("appraised_raw").is_not_null())
    )
    if scored.is_empty():
        return []
    leads = criteria_set.nodes.filter(
        pl.col("is_leaf")
        & pl.col("group").is_in(PROVINCE_SCORED_GROUPS).not_()
        & (pl.col("departments").list.len() > 0)
    ).select("code", "position", department=pl.col("departments").list.first())
    # a form with a scored row set aside for its code (none, one that cannot be
    # read or the set does not have, one refused as another criterion's name)
    # is not said: that row may be the criterion, and its error says so
    known = criteria_set.nodes["code"].implode()
    unread = rows.filter(
        pl.col("total_label").is_null()
        & (pl.col("self_raw").is_not_null() | pl.col("appraised_raw").is_not_null())
        & (pl.col("code").is_null() | pl.col("code").is_in(known).not_() | _REFUSED)
    ).select("file", "department")
    forms = (
        scored.group_by("file", "department", maintain_order=True)
        .agg(pl.col("sheet").first())
        .join(unread, on=["file", "department"], how="anti", nulls_equal=True)
    )
    present = rows.select("file", "code").drop_nulls().unique()
    owned = forms.join(leads, on="department", how="inner")
    absent = (
        owned.join(present, on=["file", "code"], how="anti")
        .sort("file", "department", "position", maintain_order=True)
        .group_by("file", "department", "sheet", maintain_order=True)
        .agg("code")
        # a form missing a third of its criteria or more is a part sent on its
        # own (corrections, a page), not a form with a row gone: not said
        .join(
            owned.group_by("file", "department").agg(owned=pl.len()),
            on=["file", "department"],
            nulls_equal=True,
        )
        .filter(pl.col("code").list.len() * 3 < pl.col("owned"))
    )
    records = []
    for row in absent.iter_rows(named=True):
        codes = row["code"]
        named = ", ".join(codes[:_ABSENT_NAMED])
        if len(codes) > _ABSENT_NAMED:
            named += f" và {len(codes) - _ABSENT_NAMED} tiêu chí khác"
        records.append(
            problem(
                "warning",
                (
                    messages.OWN_CRITERIA_ABSENT
                    if len(codes) > 1
                    else messages.OWN_CRITERION_ABSENT
                ).format(
                    department=criteria_set.department_name(row["department"]),
                    count=len(codes),
                    codes=named,
                ),
                file=row["file"],
                sheet=row["sheet"],
                department=row["department"],
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
        The scored leaf rows that passed every check (with ``max``), and the
        problems (errors for rows set aside, among them rows whose code or score
        is a formula without a computed value; warnings for subtotal and total
        rows that disagree with the leaves, and for ambiguous codes). Rows with
        no score are not checked: they are read, never used.
    """
    noticed = _notice_problems(rows, criteria_set.group_codes)
    absent = _own_criteria_absent(rows, criteria_set)
    # rows refused as a whole by the reader are set aside too (``_not_above``)
    refused = rows.filter(_REFUSED).select(_ASIDE_COLUMNS)
    rows = rows.filter(_REFUSED.not_())
    joined = _with_criteria(rows, criteria_set).lazy()
    del rows  # ``joined`` holds its columns: gone with it, before the checks
    is_sum = (pl.col("known") & pl.col("is_leaf").not_()) | pl.col(
        "total_label"
    ).is_not_null()
    # Each part of the year is taken from ``joined`` with only the columns it
    # needs: one copy of the year's scored rows, narrow ones of the others.
    sum_rows = joined.filter(is_sum).select(_SUM_COLUMNS).collect()
    leaf_sums = (
        joined.filter(is_sum.not_())
        .select(
            "file",
            "department",
            "sheet",
            "row",
            "code",
            "self_score",
            "appraised_score",
        )
        .collect()
    )
    unscored = _unscored_own(joined, is_sum, criteria_set)
    # Only rows that give a score are checked: a department may fill the full
    # form, leaving the other departments' rows blank.
    scored = (
        joined.filter(
            is_sum.not_()
            & (
                pl.col("self_raw").is_not_null()
                | pl.col("appraised_raw").is_not_null()
                | pl.col("formula_cell").is_not_null()
            )
        )
        .with_columns(
            # within one department's forms of a file: a workbook of several
            # departments' forms scores a shared criterion once for each
            duplicated=pl.col("code").is_not_null()
            & pl.col("code").is_duplicated().over("file", "department")
        )
        .collect()
    )
    del joined
    uncalculated = scored.filter(pl.col("formula_cell").is_not_null())
    checked = (
        scored.filter(pl.col("formula_cell").is_null())
        if uncalculated.height
        else scored
    )
    del scored
    failures = failed_checks(SubmissionRow, checked)
    row_problems = _row_problems(checked, failures, criteria_set)
    ambiguous = _ambiguous_codes(checked, criteria_set)
    failed = pl.int_range(pl.len()).is_in(failures["index"].unique().implode())
    good = checked.filter(failed.not_()) if failures.height else checked
    # the rows set aside below a subtotal put it out of its check
    aside_columns = list(_ASIDE_COLUMNS)
    aside = pl.concat(
        [
            checked.filter(failed if failures.height else pl.lit(False)).select(
                aside_columns
            ),
            uncalculated.select(aside_columns),
            refused,
        ]
    )
    del checked  # the rows that failed a check go now (``good`` is a copy)
    formula_problems = _formula_problems(uncalculated)
    del uncalculated
    sum_problems = _sum_row_problems(sum_rows, leaf_sums, aside)
    del sum_rows, leaf_sums
    fine = fine_decimals(good)
    problems = concat_problems(
        [
            noticed,
            problems_frame(_appraisal_missing(good)),
            problems_frame(fine),
            problems_frame(_shown_as_maximum(good, fine)),
            problems_frame(unscored),
            problems_frame(absent),
            problems_frame(row_problems),
            problems_frame(formula_problems),
            problems_frame(ambiguous),
            problems_frame(sum_problems),
        ]
    )
    return good, problems

"""The analysis stage: the frames the CCHC office's annual analysis is built from.

Computed once per run from a consolidated :class:`Result` by :func:`analyse`, which
returns an :class:`AnalysedResult`: the result with its :class:`Analysis` (years
table, points lost, recoverable points, over-claims, reconciliation check,
components by trend) and each department's share of the same frames
(:class:`DepartmentAnalysis`, sliced when a renderer asks for it: :class:`DepartmentShares`). Renderers only read it. Pure functions, no I/O; every
figure is kept at full precision. Nothing here assumes a district, eight components
or these department codes: all of it comes from the criteria set and the
submissions. The sentences built from these frames are in ``parindex.render.prose``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from parindex.consolidate import (
    GROUPS,
    RECONCILIATION_NOTES,
    Result,
    YearResult,
)
from parindex.criteria import CriteriaSet
from parindex.numbers import (
    shown_below_expr,
    shown_change,
    shown_change_expr,
    shown_total_lost_expr,
)
from parindex.settings import UnitSettings

INCREASED, MAINTAINED, DECREASED = "increased", "maintained", "decreased"
TRENDS = (INCREASED, MAINTAINED, DECREASED)
DIFFERENCE_SHOWN = 0.005  # a difference that shows at 2 decimals
DIFFERENCE_FLAGGED = 0.01  # an unexplained difference above this needs checking
FIGURE_LABELS = {
    "appraisal": "Điểm thẩm định",
    "survey": "Điểm điều tra XHH",
    "socioeconomic": "Điểm tác động KT-XH",
    "sipas": "Điểm SIPAS",
    "total": "Tổng điểm",
}
COMPONENT_FIGURE = "component "
LETTERS = "abcdđeghiklmnopqrstuvxy"  # a), b), … đ), e) as in Vietnamese documents

LOST_SCHEMA: dict[str, pl.DataType] = {
    "rank": pl.Int64(),
    "code": pl.String(),
    "name": pl.String(),
    "component": pl.String(),
    "group": pl.String(),
    "departments": pl.List(pl.String()),
    "max": pl.Float64(),
    "score": pl.Float64(),
    "lost": pl.Float64(),
    "reason": pl.String(),
    "previous_score": pl.Float64(),
    "previous_lost": pl.Float64(),
    "previous_reason": pl.String(),
    "recurring": pl.Boolean(),
    "position": pl.Int64(),
}


# --- years ------------------------------------------------------------------------


def years_table(result: Result) -> pl.DataFrame:
    """One row per known year, the figures the office quotes.

    The groups, total and rank are the published ones where the province published
    the year (``source`` = ``published``), else the ones computed from the leaves
    (``computed``); ``computed_total`` is the total computed from the leaves, for
    the years consolidated by parindex; ``status`` and ``coverage`` come from the
    consolidation.

    Columns: ``year``, ``source``, the groups, ``total``, ``computed_total``,
    ``rank``, ``units``, ``status``, ``coverage``.
    """
    history = result.history
    computed = history.filter(pl.col("source") == "computed").select(
        "year",
        pl.col("total").alias("computed_total"),
        pl.col("status").alias("computed_status"),
        pl.col("coverage").alias("computed_coverage"),
    )
    official = (
        history.sort("year", pl.col("source") == "computed")
        .group_by("year", maintain_order=True)
        .first()
    )
    return official.join(computed, on="year", how="left").select(
        "year",
        "source",
        *GROUPS,
        "total",
        "computed_total",
        "rank",
        "units",
        pl.col("computed_status").alias("status"),
        pl.col("computed_coverage").alias("coverage"),
    )


# --- components -------------------------------------------------------------------


def components_by_trend(components: pl.DataFrame) -> dict[str | None, pl.DataFrame]:
    """The components grouped as in the seed report: increased, maintained,
    decreased, then those without a previous score (key None); empty groups left out."""
    groups: dict[str | None, pl.DataFrame] = {}
    for word in (*TRENDS, None):
        condition = (
            pl.col("trend").is_null() if word is None else pl.col("trend") == word
        )
        rows = components.filter(condition)
        if rows.height:
            groups[word] = rows
    return groups


# --- points lost ------------------------------------------------------------------


def points_lost(result: Result) -> pl.DataFrame:
    """Every scored leaf below its maximum, ranked: the ones also lost last year
    first (what the office must act on), then by points lost, then in tree order.

    ``recurring`` is True when the leaf was also below its maximum in the previous
    year, False when it was not, null when the previous year's leaves are unknown
    (no consolidated previous year, or the leaf was not scored then).
    """
    leaves = result.criteria.filter(
        pl.col("is_leaf")
        & pl.col("score").is_not_null()
        & shown_below_expr(pl.col("score"), pl.col("max"))
    )
    if result.previous is not None:
        before = result.previous.nodes.filter(pl.col("is_leaf")).select(
            "code",
            pl.col("max").alias("previous_max"),
            pl.col("score").alias("previous_score"),
            pl.col("lost").alias("previous_lost"),
            pl.col("reason").alias("previous_reason"),
        )
    else:
        before = pl.DataFrame(
            schema={
                "code": pl.String,
                "previous_max": pl.Float64,
                "previous_score": pl.Float64,
                "previous_lost": pl.Float64,
                "previous_reason": pl.String,
            }
        )
    ranked = (
        leaves.drop("previous", strict=False)
        .join(before, on="code", how="left")
        .with_columns(
            recurring=pl.when(pl.col("previous_score").is_null())
            .then(None)
            .otherwise(
                shown_below_expr(pl.col("previous_score"), pl.col("previous_max"))
            )
        )
        .sort(
            pl.col("recurring").fill_null(False),
            pl.col("lost").round(6),
            "position",
            descending=[True, True, False],
        )
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    )
    return ranked.select(
        [pl.col(name).cast(dtype) for name, dtype in LOST_SCHEMA.items()]
    )


@dataclass(frozen=True)
class LeadBefore:
    """Who had a leaf last year, when not this year's departments: its code
    then (another when the set was renumbered), its departments as last year's
    set names them, and the same under this year's codes (a department renamed
    is the same one: ``compared``, what tells a change)."""

    code: str
    departments: tuple[str, ...]
    compared: tuple[str, ...]


def previous_leads(
    result: Result, recurring: pl.DataFrame | None = None
) -> dict[str, LeadBefore]:
    """The leaves lost both years (``recurring``, rows of ``points_lost``; by
    default all of them) whose departments last year were others than this
    year's (a lead moved to another department, a leaf now shared): code →
    ``LeadBefore``. The leaf is still the unit's lost two years running; the
    year it was another's is said."""
    if result.previous is None:
        return {}
    if recurring is None:
        recurring = points_lost(result).filter(pl.col("recurring").fill_null(False))
    before = result.previous.nodes.filter(pl.col("is_leaf")).select(
        "code", pl.col("departments").alias("previous_departments")
    )
    old_code = {new: old for old, new in result.renamed.items()}
    found: dict[str, LeadBefore] = {}
    for code, now, then in (
        recurring.select("code", "departments")
        .join(before, on="code", how="inner")
        .iter_rows()
    ):
        if then is not None and set(now or ()) != set(then):
            found[code] = LeadBefore(
                result.previous_codes.get(code, code),
                tuple(old_code.get(d, d) for d in then),
                tuple(then),
            )
    return found


def _department_order(criteria_set: CriteriaSet) -> pl.DataFrame:
    departments = criteria_set.departments
    return pl.DataFrame(
        {
            "code": [d.code for d in departments],
            "name": [d.name for d in departments],
            "order": list(range(len(departments))),
        },
        schema={"code": pl.String, "name": pl.String, "order": pl.Int64},
    )


def _per_department(
    criteria_set: CriteriaSet, rows: pl.DataFrame, *aggregations: pl.Expr
) -> pl.DataFrame:
    """``aggregations`` of ``rows`` per responsible department (a shared leaf counts
    for each), every department of the criteria set listed, in its order."""
    sums = (
        rows.drop("code", "name", strict=False)
        .explode("departments")
        .rename({"departments": "code"})
        .group_by("code")
        .agg(*aggregations)
    )
    names = [a.meta.output_name() for a in aggregations]
    return (
        _department_order(criteria_set)
        .join(sums, on="code", how="left")
        .sort("order")
        .drop("order")
        .with_columns(pl.col(n).fill_null(0) for n in names)
    )


def recoverable_by_department(
    result: Result, lost: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per department: the leaves it lost points on and the points it could win
    back (``lost``), and of these the ones also lost last year (``recurring``)."""
    lost = points_lost(result) if lost is None else lost
    return _per_department(
        result.current.criteria_set,
        lost,
        pl.len().cast(pl.Int64).alias("leaves"),
        # as a total line shows them (README, Rounding)
        shown_total_lost_expr(pl.col("max"), pl.col("score")).alias("lost"),
        pl.col("recurring").fill_null(False).sum().cast(pl.Int64).alias("recurring"),
        shown_total_lost_expr(
            pl.col("max").filter(pl.col("recurring").fill_null(False)),
            pl.col("score").filter(pl.col("recurring").fill_null(False)),
        ).alias("recurring_lost"),
    )


def _blank_unscored(
    frame: pl.DataFrame, year: YearResult, columns: tuple[str, ...]
) -> pl.DataFrame:
    """``frame`` (one row per department, ``code``) with ``columns`` null for the
    departments none of whose criteria is scored: nothing lost or cut is known of
    them, not none (README, Choices: "Nothing scored")."""
    unscored = year.departments.filter(pl.col("score").is_null())["code"]
    if unscored.is_empty():
        return frame
    blank = pl.col("code").is_in(unscored.implode())
    return frame.with_columns(
        pl.when(blank).then(None).otherwise(pl.col(name)).alias(name)
        for name in columns
    )


def over_claims(year: YearResult) -> pl.DataFrame:
    """Every leaf of ``year`` whose appraised score is below the self-assessed one,
    largest cut first: ``code``, ``name``, ``component``, ``max``, ``self_score``,
    ``appraised_score``, ``cut`` (self − appraised), ``departments``, ``reason``,
    ``position``."""
    return (
        year.nodes.filter(
            pl.col("is_leaf")
            & shown_below_expr(pl.col("appraised_score"), pl.col("self_score"))
        )
        .with_columns(
            cut=shown_change_expr(pl.col("self_score"), pl.col("appraised_score"))
        )
        .sort(pl.col("cut").round(6), "position", descending=[True, False])
        .select(
            "code",
            "name",
            "component",
            "max",
            "self_score",
            "appraised_score",
            "cut",
            "departments",
            "reason",
            "position",
        )
    )


def over_claims_by_department(
    year: YearResult, cuts: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per department: how many of its leaves have both scores (``compared``), on
    how many the council cut the self-assessed score (``leaves``), and the sums of
    the self-assessed and appraised scores and of the cuts on those."""
    cuts = over_claims(year) if cuts is None else cuts
    both = year.nodes.filter(
        pl.col("is_leaf")
        & pl.col("self_score").is_not_null()
        & pl.col("appraised_score").is_not_null()
    )
    compared = _per_department(
        year.criteria_set, both, pl.len().cast(pl.Int64).alias("compared")
    ).select("code", "compared")
    return (
        _per_department(
            year.criteria_set,
            cuts,
            pl.len().cast(pl.Int64).alias("leaves"),
            pl.col("self_score").sum(),
            pl.col("appraised_score").sum(),
            shown_total_lost_expr(
                pl.col("self_score"), pl.col("appraised_score")
            ).alias("cut"),
        )
        .join(compared, on="code", how="left")
        .select(
            "code",
            "name",
            "compared",
            "leaves",
            "self_score",
            "appraised_score",
            "cut",
        )
    )


# --- reconciliation ---------------------------------------------------------------


def figure_label(figure: str, names: Mapping[str, str] | None = None) -> str:
    """The Vietnamese label of a reconciled figure: ``Tổng điểm``, ``Chỉ số thành
    phần 1`` (followed by the component's name when ``names`` has it)."""
    if figure.startswith(COMPONENT_FIGURE):
        code = figure.removeprefix(COMPONENT_FIGURE)
        name = (names or {}).get(code)
        return f"Chỉ số thành phần {code}" + (f". {name}" if name else "")
    return FIGURE_LABELS.get(figure, figure)


def reconciliation_check(result: Result) -> pl.DataFrame:
    """``Result.reconciliation`` with ``label``, ``explained`` (the difference does
    not show at 2 decimals, or it is a known one) and ``flagged`` (more than 0.01
    apart and not explained: to check against the published decision)."""
    unexplained = RECONCILIATION_NOTES["other"]
    names = dict(result.current.components.select("code", "name").iter_rows())
    return result.reconciliation.with_columns(
        label=pl.col("figure").map_elements(
            lambda figure: figure_label(figure, names), return_dtype=pl.String
        ),
        # nothing computed (no criterion scored): no difference to explain
        explained=(pl.col("difference").abs() < DIFFERENCE_SHOWN).fill_null(False)
        | (pl.col("note") != unexplained),
        flagged=(pl.col("difference").abs() > DIFFERENCE_FLAGGED).fill_null(False)
        & (pl.col("note") == unexplained),
    )


# --- the stage --------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentAnalysis:
    """One department's share of the year (built by :class:`DepartmentShares`).

    ``record`` and ``previous_record`` are its rows of ``YearResult.departments``
    (None when the year does not list it); ``deductions`` its rows of
    ``YearResult.deductions``; ``lost`` its rows of :func:`points_lost` (rank
    order); ``cuts`` its rows of :func:`over_claims`; ``leaves`` the leaves of
    ``Result.criteria`` it is responsible for; ``problems`` the problems of its
    files. ``previous_*`` are None when the previous year is not consolidated.
    """

    code: str
    record: dict[str, Any] | None
    previous_record: dict[str, Any] | None
    deductions: pl.DataFrame
    previous_deductions: pl.DataFrame | None
    lost: pl.DataFrame
    cuts: pl.DataFrame
    previous_cuts: pl.DataFrame | None
    leaves: pl.DataFrame
    problems: pl.DataFrame

    @property
    def name(self) -> str:
        """The department's full name (its code when the year does not list it)."""
        return str(self.record["name"]) if self.record else self.code

    @property
    def recurring(self) -> pl.DataFrame:
        """Its leaves lost this year and last year, in tree order."""
        return self.lost.filter(pl.col("recurring")).sort("position")


@dataclass(frozen=True)
class Headline:
    """The one headline figure every output quotes (README, "Choices").

    ``total`` is the published total when the province published the year
    (``source`` = ``published``), else the total computed from the leaves;
    ``computed_total`` is always the one computed from the leaves. The previous
    year's figure is chosen the same way, and ``delta`` is between the two quoted
    figures; ``computed_delta`` between the computed total and
    ``Result.previous_total`` (the SPEC's ``previous.delta``). ``scored_leaves``
    of ``leaves`` are scored; a year none of whose criteria is has no computed
    figure, and is compared only by its published one (README, Choices:
    "Nothing scored").
    """

    year: int
    total: float
    source: str
    computed_total: float
    maximum: float
    status: str
    previous_year: int | None
    previous_total: float | None
    previous_source: str | None
    computed_delta: float | None
    rank: int | None
    units: int | None
    previous_rank: int | None
    scored_leaves: int
    leaves: int
    previous_maximum: float | None = None
    """Last year's maximum, when the quoted previous figure is out of another
    maximum than this year's (its criteria set differs: a component added);
    None when it is the same, or not known (a published figure alone)."""
    previous_computed: float | None = None
    """Last year's total computed from its own complete folder, when there is
    one (beside a published figure quoted for it, it may differ)."""

    @property
    def scored(self) -> bool:
        """Whether any criterion of the year is scored."""
        return self.scored_leaves > 0

    @property
    def unscored_leaves(self) -> int:
        """The criteria not scored, counted 0 in the computed total."""
        return self.leaves - self.scored_leaves

    @property
    def has_figure(self) -> bool:
        """Whether the year has a figure to quote: published, or computed from at
        least one scored criterion."""
        return self.scored or self.source == "published"

    @property
    def delta(self) -> float | None:
        """The change between the quoted figures, or None without a previous one
        (or without a figure this year)."""
        if self.previous_total is None or not self.has_figure:
            return None
        return shown_change(self.total, self.previous_total)


def headline_of(result: Result, years: pl.DataFrame) -> Headline:
    """The :class:`Headline` of ``result`` from its years table."""
    by_year = {r["year"]: r for r in years.iter_rows(named=True)}
    now = by_year.get(result.year)
    previous_year = result.previous_year or result.year - 1
    before = by_year.get(previous_year)
    published = now is not None and now["source"] == "published"
    total = (
        float(now["total"]) if published and now is not None else result.current.total
    )
    previous_total: float | None = None
    previous_source: str | None = None
    if before is not None and before["total"] is not None:
        previous_total, previous_source = float(before["total"]), before["source"]
    elif result.previous_total is not None:
        previous_total, previous_source = result.previous_total, "computed"
    rank = result.rank
    coverage = result.current.coverage
    return Headline(
        year=result.year,
        total=total,
        source="published" if published else "computed",
        computed_total=result.current.total,
        maximum=float(result.current.components["max"].sum()),
        status=result.current.status,
        previous_year=previous_year if previous_total is not None else None,
        previous_total=previous_total,
        previous_source=previous_source,
        computed_delta=(
            shown_change(result.current.total, result.previous_total)
            if result.previous_total is not None and result.current.scored
            else None
        ),
        rank=(now["rank"] if now is not None else None)
        or (rank[0] if rank is not None else None),
        units=(now["units"] if now is not None else None)
        or (rank[1] if rank is not None else None),
        previous_rank=before["rank"] if before is not None else None,
        scored_leaves=coverage[0],
        leaves=coverage[1],
        previous_maximum=_other_maximum(result, previous_total),
        previous_computed=(
            result.previous.total
            if result.previous is not None and result.previous.complete
            else None
        ),
    )


def _other_maximum(result: Result, previous_total: float | None) -> float | None:
    """The previous year's maximum when it differs from this year's (both read
    from their criteria sets, last year's even when only its published figures
    are known; README, Choices: "Another maximum last year")."""
    before = result.previous_maximum
    if previous_total is None or before is None:
        return None
    maximum = float(result.current.components["max"].sum())
    return before if abs(before - maximum) >= 0.005 else None


@dataclass(frozen=True)
class Analysis:
    """The frames every output reads, computed once per run (see the module)."""

    headline: Headline
    years: pl.DataFrame
    points_lost: pl.DataFrame
    recoverable: pl.DataFrame
    over_claims: pl.DataFrame
    over_claims_by_department: pl.DataFrame
    reconciliation: pl.DataFrame
    components_by_trend: dict[str | None, pl.DataFrame]
    departments: Mapping[str, DepartmentAnalysis]

    def department(self, code: str) -> DepartmentAnalysis | None:
        """The slice of ``code``, or None when the criteria set has no such one."""
        return self.departments.get(code)


@dataclass(frozen=True, kw_only=True)
class AnalysedResult(Result):
    """A consolidated :class:`Result` with its :class:`Analysis` and the unit's
    settings (the report's header block): what renderers read."""

    analysis: Analysis
    unit: UnitSettings


def _row_numbers(frame: pl.DataFrame, column: str) -> dict[Any, list[int]]:
    """The row numbers of ``frame`` under each value of ``column`` (a list column
    puts a row under each of its values, once), in the frame's order."""
    values = pl.col(column)
    is_list = isinstance(frame.schema[column], pl.List)
    if is_list:
        values = values.list.unique(maintain_order=True)
    keyed = frame.select(values.alias("_part"), pl.int_range(pl.len()).alias("_row"))
    if is_list:
        keyed = keyed.explode("_part")
    parts = keyed.group_by("_part", maintain_order=True).agg(pl.col("_row"))
    return dict(zip(parts["_part"], parts["_row"].to_list(), strict=True))


@dataclass(frozen=True)
class _Sliced:
    """A frame and the row numbers of each department in it."""

    frame: pl.DataFrame
    rows: dict[Any, list[int]]

    @classmethod
    def of(cls, frame: pl.DataFrame, column: str) -> _Sliced:
        return cls(frame, _row_numbers(frame, column))

    def part(self, code: str) -> pl.DataFrame:
        """The rows of ``code``, in the frame's order; an empty frame with the same
        columns for a code without rows."""
        found = self.rows.get(code)
        return self.frame[found] if found is not None else self.frame.clear()


class DepartmentShares(Mapping[str, DepartmentAnalysis]):
    """Every department's :class:`DepartmentAnalysis`, sliced when asked for.

    It holds the year's frames once and each department's row numbers in them; a
    department's share is built on each lookup and held by nobody here, so a
    renderer going through 5000 departments keeps one share alive at a time
    (sliced in advance, they weighed ~0.9 GB at 5000 departments).
    """

    def __init__(
        self,
        codes: list[str],
        records: dict[str, dict[str, Any]],
        previous_records: dict[str, dict[str, Any]],
        current: dict[str, _Sliced],
        previous: dict[str, _Sliced] | None,
    ) -> None:
        self._codes = codes
        self._known = set(codes)
        self._records = records
        self._previous_records = previous_records
        self._current = current
        self._previous = previous

    def __getitem__(self, code: str) -> DepartmentAnalysis:
        if code not in self._known:
            raise KeyError(code)
        now, before = self._current, self._previous
        return DepartmentAnalysis(
            code=code,
            record=self._records.get(code),
            previous_record=self._previous_records.get(code),
            deductions=now["deductions"].part(code),
            previous_deductions=before["deductions"].part(code) if before else None,
            lost=now["lost"].part(code),
            cuts=now["cuts"].part(code),
            previous_cuts=before["cuts"].part(code) if before else None,
            leaves=now["leaves"].part(code),
            problems=now["problems"].part(code),
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return code in self._known

    def only(self, codes: Iterable[str]) -> SomeShares:
        """The shares of ``codes`` (those this holds), still sliced when asked for."""
        return SomeShares(self, [code for code in codes if code in self._known])


class SomeShares(Mapping[str, DepartmentAnalysis]):
    """Some departments' shares of a :class:`DepartmentShares`, sliced when asked
    for (a chunk of department workbooks waiting to be rendered holds no slice).

    Pickled, it is the slices themselves (a plain dict): a chunk sent to another
    process carries its departments' analysis, not the year's frames.
    """

    def __init__(self, shares: DepartmentShares, codes: list[str]) -> None:
        self._shares = shares
        self._codes = list(dict.fromkeys(codes))
        self._known = frozenset(self._codes)

    def __getitem__(self, code: str) -> DepartmentAnalysis:
        if code not in self._known:
            raise KeyError(code)
        return self._shares[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, ({code: self._shares[code] for code in self._codes},))


def _records(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["code"]): r for r in frame.iter_rows(named=True)}


def analyse(result: Result, unit: UnitSettings | None = None) -> AnalysedResult:
    """The analysis stage: every frame the outputs read, computed once from
    ``result``; each department's share is sliced when asked for
    (:class:`DepartmentShares`).

    Args:
        result: the consolidated year, compared with the previous one.
        unit: the unit's settings (placeholders when None; an analysed result
            passed again keeps its own).

    Returns:
        ``result`` with its :class:`Analysis`.
    """
    current, previous = result.current, result.previous
    lost = points_lost(result)
    cuts = over_claims(current)
    previous_cuts = over_claims(previous) if previous is not None else None
    codes = list(
        dict.fromkeys(
            [d.code for d in current.criteria_set.departments]
            + [str(c) for c in current.departments["code"].to_list()]
        )
    )
    leaves = result.criteria.filter(pl.col("is_leaf"))
    sliced = {
        "deductions": _Sliced.of(current.deductions, "department"),
        "lost": _Sliced.of(lost, "departments"),
        "cuts": _Sliced.of(cuts, "departments"),
        "leaves": _Sliced.of(leaves, "departments"),
        "problems": _Sliced.of(result.problems, "department"),
    }
    before: dict[str, _Sliced] | None = None
    if previous is not None and previous_cuts is not None:
        before = {
            "deductions": _Sliced.of(previous.deductions, "department"),
            "cuts": _Sliced.of(previous_cuts, "departments"),
        }
    departments = DepartmentShares(
        codes,
        _records(current.departments),
        _records(previous.departments) if previous is not None else {},
        sliced,
        before,
    )
    years = years_table(result)
    analysis = Analysis(
        headline=headline_of(result, years),
        years=years,
        points_lost=lost,
        recoverable=_blank_unscored(
            recoverable_by_department(result, lost),
            current,
            ("leaves", "lost", "recurring", "recurring_lost"),
        ),
        over_claims=cuts,
        over_claims_by_department=_blank_unscored(
            over_claims_by_department(current, cuts),
            current,
            ("compared", "leaves", "self_score", "appraised_score", "cut"),
        ),
        reconciliation=reconciliation_check(result),
        components_by_trend=components_by_trend(result.components),
        departments=departments,
    )
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(Result)}
    if unit is None:
        unit = result.unit if isinstance(result, AnalysedResult) else UnitSettings()
    return AnalysedResult(**fields, analysis=analysis, unit=unit)

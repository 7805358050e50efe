"""The stage above the units: rank within each group, grade, compare with last year,
and find the criteria where the most units lose points.

Pure: it reads the units' consolidated results and returns frames. Ranks, ties,
grades and changes compare figures rounded to 2 decimals, half away from zero (as
Excel's ROUND and the province's tables do), computed in decimal, never binary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from parindex import messages
from parindex.consolidate import YearResult
from parindex.numbers import round2 as shared_round2
from parindex.problems import concat_problems, problem, problems_frame
from parindex.province.folder import GradeBand, Province
from parindex.province.units import UnitRun
from parindex.text import format_vn

CENT = Decimal("0.01")
LOST_EPSILON = Decimal("0.005")  # a leaf shown as losing 0,00 lost nothing

UNIT_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "code": pl.String(),
    "name": pl.String(),
    "status": pl.String(),
    "total": pl.Float64(),
    "max": pl.Float64(),
    "percent": pl.Float64(),
    "rank": pl.Int64(),
    "of": pl.Int64(),
    "grade": pl.String(),
    "previous_total": pl.Float64(),
    "previous_rank": pl.Int64(),
    "total_change": pl.Float64(),
    "rank_change": pl.Int64(),
    "errors": pl.Int64(),
    "warnings": pl.Int64(),
    "note": pl.String(),
}
COMPONENT_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "unit": pl.String(),
    "code": pl.String(),
    "name": pl.String(),
    "max": pl.Float64(),
    "score": pl.Float64(),
    "average": pl.Float64(),
}
WEAK_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "code": pl.String(),
    "name": pl.String(),
    "max": pl.Float64(),
    "units_losing": pl.Int64(),
    "units_scored": pl.Int64(),
    "points_lost": pl.Float64(),
}


def round2(value: float | Decimal) -> Decimal:
    """``value`` to 2 decimals, half away from zero (9.275 → 9.28), as a Decimal:
    the project's one rule (``parindex.numbers.round2``) for a float."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal(repr(shared_round2(float(value))))


def _dec(value: float | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(repr(float(value)))


def competition_ranks(values: Sequence[Decimal]) -> list[int]:
    """Standard competition ranking, highest first: ties share a rank (1, 2, 2, 4)."""
    return [1 + sum(1 for other in values if other > value) for value in values]


def grade_for(
    percent: Decimal | None, group: str, bands: Sequence[GradeBand] | None
) -> str | None:
    """The grade of the highest band whose floor ``percent`` reaches: the group's own
    bands, else the bands without a group; None without bands or below them all."""
    if percent is None or bands is None:
        return None
    own = [b for b in bands if b.group == group] or [
        b for b in bands if b.group is None
    ]
    reached = [b for b in own if percent >= b.floor]
    return max(reached, key=lambda b: b.floor).grade if reached else None


@dataclass(frozen=True)
class ProvinceResult:
    """The province's year: ``groups`` (name, maximum) in register order; ``units``
    (``UNIT_SCHEMA``) per group by rank, units without a total last;
    ``components`` (``COMPONENT_SCHEMA``) each unit's component with its group's
    average; ``weak_criteria`` (``WEAK_SCHEMA``) per group, the leaves the most
    units lose points on first; ``missing_units`` the codes of units that did not
    submit, ``unusable_units`` of those that sent only files that cannot be
    used; ``problems`` the province's own (register, units not consolidated)."""

    year: int
    groups: tuple[tuple[str, float | None], ...]
    units: pl.DataFrame
    components: pl.DataFrame
    weak_criteria: pl.DataFrame
    missing_units: tuple[str, ...]
    problems: pl.DataFrame
    unusable_units: tuple[str, ...] = ()

    def unit_row(self, code: str) -> dict[str, object] | None:
        rows = self.units.filter(pl.col("code") == code)
        return rows.row(0, named=True) if rows.height else None


def _unit_max(run: UnitRun) -> Decimal | None:
    if run.result is None:
        return None
    components = run.result.current.criteria_set.components
    return sum((_dec(v) for v in components["max"].to_list()), Decimal(0))


def rank_units(
    province: Province,
    runs: Sequence[UnitRun],
    year: int,
    group_max: dict[str, float | None],
) -> ProvinceResult:
    """Rank, grade and compare every unit of ``province`` for ``year``.

    Args:
        province: the register (units, groups, grade bands).
        runs: one ``UnitRun`` per registered unit.
        year: the year.
        group_max: the maximum of each group's criteria set (None: unknown, then
            the first consolidated unit's maximum is the group's).

    Returns:
        The ranking, components against the group average, weak criteria.
    """
    by_code = {run.unit.code: run for run in runs}
    unit_rows: list[dict[str, object]] = []
    component_rows: list[dict[str, object]] = []
    weak_rows: list[dict[str, object]] = []
    groups: list[tuple[str, float | None]] = []
    notes: list[dict[str, str | None]] = []
    for group in province.groups:
        members = [by_code[u.code] for u in province.units if u.group == group]
        scored = [r for r in members if r.has_figures]
        maximum = _dec(group_max[group]) if group_max.get(group) is not None else None
        if maximum is None:
            maximum = next((m for r in scored if (m := _unit_max(r)) is not None), None)
        groups.append((group, float(maximum) if maximum is not None else None))
        totals = [round2(r.result.current.total) for r in scored if r.result]
        ranks = dict(
            zip(
                (r.unit.code for r in scored),
                competition_ranks(totals),
                strict=True,
            )
        )
        previous_ranks = _previous_ranks(members)
        rows = []
        for run in members:
            rows.append(
                _unit_row(
                    run,
                    group,
                    maximum,
                    ranks.get(run.unit.code),
                    len(scored),
                    previous_ranks.get(run.unit.code),
                    province.grades,
                )
            )
            if run.note:
                notes.append(
                    problem(
                        "error" if run.failed or run.unusable else "warning",
                        run.note,
                        file=f"units/{run.unit.folder.name}",
                        department=run.unit.code,
                    )
                )
        order = {u.code: i for i, u in enumerate(province.units)}
        rows.sort(
            key=lambda r: (
                r["rank"] is None,
                r["rank"] or 0,
                order[str(r["code"])],
            )
        )
        unit_rows += rows
        component_rows += _components(group, [r for r in scored if r.result])
        weak_rows += _weak(group, [r for r in scored if r.result])
    missing = tuple(str(r["code"]) for r in unit_rows if r["status"] == "missing")
    unusable = tuple(str(r["code"]) for r in unit_rows if r["status"] == "unusable")
    return ProvinceResult(
        year=year,
        groups=tuple(groups),
        units=pl.DataFrame(unit_rows, schema=UNIT_SCHEMA, orient="row"),
        components=pl.DataFrame(component_rows, schema=COMPONENT_SCHEMA, orient="row"),
        weak_criteria=pl.DataFrame(weak_rows, schema=WEAK_SCHEMA, orient="row"),
        missing_units=missing,
        unusable_units=unusable,
        problems=concat_problems([province.problems, problems_frame(notes)]),
    )


def _compared_last_year(run: UnitRun) -> YearResult | None:
    """The unit's previous year consolidated from its own drop folder, when it is
    the year (every criterion scored: a folder leaving some unscored is not
    compared, ``consolidate.compare``); also for a unit with no drop folder yet
    this year (``UnitRun.last_year``)."""
    year = run.result.previous if run.result is not None else run.last_year
    return year if year is not None and year.complete else None


def _previous_ranks(members: Sequence[UnitRun]) -> dict[str, int]:
    """Last year's rank of each unit: ranked as this year among the units of the
    group with a previous total, consolidated from their own drop folder and
    compared (whether or not they have a drop folder this year) or published in
    their ``history.xlsx``. A rank published there is not used: it may be among
    other units (blind round 22B, F4: "5/20" beside ranks among two)."""
    totals = {
        run.unit.code: round2(total)
        for run in members
        if (total := _previous_total(run)) is not None
    }
    return dict(zip(totals, competition_ranks(list(totals.values())), strict=True))


def _previous_total(run: UnitRun) -> float | None:
    """The unit's total last year as its own headline quotes it: published
    first, else consolidated from its own folder; with no drop folder this
    year, its published figure, else its own folder's (blind round 23A, F5:
    the province compared with the folder's total where the unit's report
    quoted the published one)."""
    if run.result is not None:
        return run.result.analysis.headline.previous_total
    if run.last_published is not None:
        return run.last_published
    year = _compared_last_year(run)
    return year.total if year is not None else None


def _unit_row(  # noqa: PLR0917 - one row's facts, all computed by the caller
    run: UnitRun,
    group: str,
    maximum: Decimal | None,
    rank: int | None,
    of: int,
    previous_rank: int | None,
    bands: Sequence[GradeBand] | None,
) -> dict[str, object]:
    result = run.result
    status = run.status
    total = percent = None
    if result is not None and run.has_figures:
        total = round2(result.current.total)
        if maximum:
            percent = round2(total / maximum * 100)
    last_total = _previous_total(run)
    previous_total = round2(last_total) if last_total is not None else None
    errors = warnings = 0
    if result is not None:
        errors = result.problems.filter(pl.col("severity") == "error").height
        warnings = result.problems.height - errors
    return {
        "group": group,
        "code": run.unit.code,
        "name": run.unit.name,
        # a unit that could not be consolidated is told apart from one that did
        # not submit: the Sở must fix something, not wait for a file
        "status": "failed" if run.failed else status,
        "total": float(total) if total is not None else None,
        "max": float(maximum) if maximum is not None else None,
        "percent": float(percent) if percent is not None else None,
        "rank": rank,
        "of": of,
        "grade": grade_for(percent, group, bands) if run.has_figures else None,
        "previous_total": float(previous_total) if previous_total is not None else None,
        "previous_rank": previous_rank,
        "total_change": (
            float(total - previous_total)
            if total is not None and previous_total is not None
            else None
        ),
        "rank_change": (
            previous_rank - rank
            if rank is not None and previous_rank is not None
            else None
        ),
        "errors": errors,
        "warnings": warnings,
        "note": _note(run),
    }


def _note(run: UnitRun) -> str | None:
    """The row's note: why the unit has no figures, or, for a ranked unit whose
    total counts criteria not scored as 0, how many (its total, rank and change
    are on a sum short of them: README, Choices, "Nothing scored")."""
    notes = [run.note] if run.note else []
    bases = _two_bases(run)
    if run.result is None or not run.has_figures:
        return " ".join([*notes, *bases]) or None
    scored, leaves = run.result.current.coverage
    if scored != leaves:
        notes.append(
            messages.PROVINCE_UNIT_UNSCORED.format(
                unscored=leaves - scored, leaves=leaves
            )
        )
    return " ".join([*notes, *bases]) or None


def _two_bases(run: UnitRun) -> list[str]:
    """Last year's published total compared, beside another one computed from
    the unit's own complete folder: both said (the unit's report says both)."""
    if run.result is not None:
        headline = run.result.analysis.headline
        published = (
            headline.previous_total if headline.previous_source == "published" else None
        )
        computed, year = headline.previous_computed, headline.previous_year
    else:
        last = _compared_last_year(run)
        published, computed = run.last_published, last.total if last else None
        year = run.year - 1
    if published is None or computed is None or round2(published) == round2(computed):
        return []
    return [
        messages.PROVINCE_PREVIOUS_TWO_BASES.format(
            year=year, published=format_vn(published), computed=format_vn(computed)
        )
    ]


def group_average(scores: Sequence[Decimal]) -> Decimal | None:
    """The average of the scores as shown (each rounded to 2 decimals first),
    rounded: a reader who averages the printed column finds it (README,
    Rounding; blind round 28E, F1). None for no score."""
    if not scores:
        return None
    return round2(sum((round2(s) for s in scores), Decimal(0)) / len(scores))


def _components(group: str, runs: Sequence[UnitRun]) -> list[dict[str, object]]:
    """Each unit's components with the group's average (over the units with a
    total). A component none of whose criteria a unit scored has no score for
    it and is not in the average (README, Choices: "Nothing scored")."""
    scores: dict[str, list[Decimal]] = {}
    records = []
    for run in runs:
        assert run.result is not None
        for row in run.result.current.components.iter_rows(named=True):
            score = None if row["score"] is None else _dec(row["score"])
            scores.setdefault(row["code"], [])
            if score is not None:
                scores[row["code"]].append(score)
            records.append((run.unit.code, row["code"], row["name"], row["max"], score))
    average: dict[str, float | None] = {}
    for code, values in scores.items():
        found = group_average(values)
        average[code] = None if found is None else float(found)
    return [
        {
            "group": group,
            "unit": unit,
            "code": code,
            "name": name,
            "max": max_value,
            "score": None if score is None else float(round2(score)),
            "average": average[code],
        }
        for unit, code, name, max_value, score in records
    ]


@dataclass
class _Losses:
    name: str
    max: float
    position: int
    losing: int = 0
    scored: int = 0
    lost: Decimal = Decimal(0)


def _weak(group: str, runs: Sequence[UnitRun]) -> list[dict[str, object]]:
    """Per leaf, how many units lost points on it and how many points in all; the
    leaves the most units lose on first, then the most points lost."""
    facts: dict[str, _Losses] = {}
    for run in runs:
        assert run.result is not None
        leaves = run.result.current.nodes.filter(
            pl.col("is_leaf") & pl.col("score").is_not_null()
        ).select("code", "name", "max", "lost", "position")
        for code, name, max_value, lost, position in leaves.iter_rows():
            fact = facts.setdefault(code, _Losses(name, max_value, position))
            fact.scored += 1
            lost_value = _dec(lost)
            if lost_value >= LOST_EPSILON:
                fact.losing += 1
                fact.lost += lost_value
    ordered = sorted(
        (item for item in facts.items() if item[1].losing > 0),
        key=lambda item: (-item[1].losing, -item[1].lost, item[1].position),
    )
    return [
        {
            "group": group,
            "code": code,
            "name": fact.name,
            "max": fact.max,
            "units_losing": fact.losing,
            "units_scored": fact.scored,
            "points_lost": float(round2(fact.lost)),
        }
        for code, fact in ordered
    ]

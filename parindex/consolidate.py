"""Resolve one score per leaf, sum the tree, compare with the previous year.

Pure polars, no I/O. Sums are exact decimals (``parindex.numbers``) kept in Float64
frames; rounding (half away from zero, like Excel) happens only when a figure is
shown, written or compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from parindex import messages
from parindex.criteria import GROUP_LABELS, CriteriaSet, ancestor_pairs
from parindex.history import History
from parindex.matched import NodeMatch, match_nodes
from parindex.numbers import (
    exact,
    exact_difference,
    exact_sum,
    round2,
    round2_expr,
    shown_below_expr,
    shown_change_expr,
    shown_lost_expr,
    shown_percent_expr,
)
from parindex.problems import fields_pattern, problem, problems_frame
from parindex.text import fold, format_typed, format_vn

MAXIMUM_MOVED = 0.005
"""How far apart two years' maxima of a node are to be two scales (half of the
smallest step a maximum is written in)."""
GROUPS = tuple(GROUP_LABELS)
TREND_WORDS = {"increased": "Tăng", "maintained": "Duy trì", "decreased": "Giảm"}


@dataclass(frozen=True)
class YearResult:
    """The consolidated figures of one year.

    ``nodes``: every node in tree order with ``self_score``, ``appraised_score``,
    ``score`` (sums of the leaves below; null where nothing is scored), ``lost``
    (points lost on the scored leaves below; unscored leaves are not "lost"),
    ``source`` (leaves: ``appraised``/``self``/``missing``), ``reason``,
    ``evidence``, ``leaves`` and ``scored`` (counts).
    ``departments``: per department ``max``, ``score``, ``lost``, ``percent``.
    ``deductions``: every scored leaf below its maximum, once per department.
    """

    year: int
    criteria_set: CriteriaSet
    status: str
    total: float
    groups: dict[str, float]
    nodes: pl.DataFrame
    departments: pl.DataFrame
    deductions: pl.DataFrame
    missing: pl.DataFrame

    @property
    def components(self) -> pl.DataFrame:
        """The top-level nodes."""
        return self.nodes.filter(pl.col("depth") == 1)

    @property
    def complete(self) -> bool:
        """Whether every leaf has a score (nothing under ``missing``)."""
        return self.missing.is_empty()

    @property
    def coverage(self) -> tuple[int, int]:
        """(scored leaves, all leaves)."""
        leaves = self.nodes.filter(pl.col("is_leaf"))
        return int(leaves["scored"].sum()), leaves.height

    @property
    def scored(self) -> bool:
        """Whether any leaf has a score: a year none of whose criteria is scored
        (every file set aside, or none scoring a criterion) has no figure of its
        own, and is neither compared nor reconciled (README, Choices: "Nothing
        scored")."""
        return self.coverage[0] > 0

    @property
    def groups_scored(self) -> frozenset[str]:
        """The score groups with at least one scored leaf (a group none of whose
        criteria is scored has no figure: README, Choices: "Nothing scored")."""
        leaves = self.nodes.filter(pl.col("is_leaf") & (pl.col("scored") > 0))
        return frozenset(str(g) for g in leaves["group"].drop_nulls().to_list())


@dataclass(frozen=True)
class Result:
    """Everything the renderers need: the year, its comparison, and the run's facts."""

    current: YearResult
    previous: YearResult | None
    previous_year: int | None
    previous_total: float | None
    components: pl.DataFrame
    criteria: pl.DataFrame
    rank: tuple[int, int | None] | None
    history: pl.DataFrame
    reconciliation: pl.DataFrame
    submissions: pl.DataFrame
    problems: pl.DataFrame
    previous_maximum: float | None
    """The total maximum of the set of the previous year: its consolidation's,
    else the set in force that year when only its published figures are known
    (None when no set applies to it)."""
    previous_codes: dict[str, str] = field(default_factory=dict)
    """This year's code → last year's, of the nodes compared under another code
    (a set renumbered): what last year's figures of them were filed under."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Last year's department code → this year's, of the departments compared
    under a new code (``renamings``): last year's figures carry this
    year's code."""

    @property
    def previous_incomplete(self) -> bool:
        """Whether the previous year's drop folder leaves criteria unscored: its
        figures are then compared only where complete (README, Choices:
        "Previous year")."""
        return self.previous is not None and not self.previous.complete

    @property
    def year(self) -> int:
        return self.current.year

    @property
    def compared_total(self) -> tuple[float | None, float | None]:
        """(maximum, total) of last year as the components table's total row
        sets them beside this year's: its total out of its set's maximum (the
        headline's), not the sum of the components compared (one not compared,
        in a set renumbered, is left out of that: blind re-check 22B, N1); a
        maximum unknown is the sum of the components' when all are compared.
        (None, None) when last year has no total to compare."""
        if self.previous_year is None or self.previous_total is None:
            return None, None
        maximum = self.previous_maximum
        compared = self.components["previous"].is_not_null()
        if maximum is None and self.components.height and compared.all():
            maximum = float(self.components["previous_max"].sum())
        return maximum, self.previous_total


def resolve_leaves(
    criteria_set: CriteriaSet, rows: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One score per leaf from the valid rows of the files in use.

    A leaf shared by several departments takes the row of the first department
    listed for it in the criteria set (the lead department); when the departments
    gave different scores, that is a conflict, reported with the value used.

    Returns:
        Leaves (``code``, ``self_score``, ``appraised_score``, ``score``,
        ``source``, ``reason``, ``evidence``, ``scored_by``) and the problems.
    """
    lead_order = (
        criteria_set.leaves.select("code", pl.col("departments").alias("department"))
        .explode("department")
        .with_columns(rank=pl.int_range(pl.len()).over("code"))
    )
    # the cell of each row's figure: its appraisal's, else its self score's
    cells = [
        pl.col(name) if name in rows.columns else pl.lit(None, dtype=pl.String)
        for name in ("appraised_cell", "self_cell")
    ]
    candidates = (
        rows.select(
            "code",
            "department",
            "self_score",
            "appraised_score",
            "reason",
            "evidence",
            "file",
            "sheet",
            "code_cell",
            score_cell=pl.coalesce(
                pl.when(pl.col("appraised_score").is_not_null())
                .then(cells[0])
                .otherwise(cells[1]),
                pl.col("code_cell"),
            ),
        )
        # in lead order (leaves in tree order, each by rank): no sort needed to
        # take each leaf's first row
        .join(lead_order, on=["code", "department"], maintain_order="right")
    )
    chosen = candidates.group_by("code", maintain_order=True).first()
    problems = []
    shared = candidates.filter(pl.col("code").is_duplicated())
    disagreeing = _disagreeing(shared).sort("code", "rank", maintain_order=True)
    for code, group in disagreeing.group_by("code", maintain_order=True):
        used = group.row(0, named=True)
        records = list(group.iter_rows(named=True))
        if len({_score_text(r) for r in records}) <= 1:
            selves = {r["self_score"] for r in records}
            if len(selves) > 1:
                shown = "; ".join(
                    f"{r['department']}: {_number_text(r['self_score'])}"
                    for r in records
                )
                problems.append(
                    problem(
                        "warning",
                        messages.SHARED_SELF_DIFFERS.format(
                            code=code[0],
                            values=shown,
                            used_department=used["department"],
                        ),
                        file=used["file"],
                        sheet=used["sheet"],
                        cell=used["code_cell"],
                        department=used["department"],
                        criterion=str(code[0]),
                    )
                )
            continue
        # the rows not used are named by the cell of their figure and file: the
        # error sits on the used row's figure only; a self score says so
        shown = "; ".join(
            f"{r['department']}: {_score_text(r, marked=True)}"
            if i == 0 or r["score_cell"] is None
            else messages.SHARED_VALUE_ELSEWHERE.format(
                department=r["department"],
                value=_score_text(r, marked=True),
                cell=r["score_cell"],
                file=r["file"],
            )
            for i, r in enumerate(group.iter_rows(named=True))
        )
        used_text = _used_text(used)
        problems.append(
            problem(
                "error",
                messages.SHARED_CONFLICT.format(
                    code=code[0],
                    values=shown,
                    used=used_text,
                    used_department=used["department"],
                ),
                file=used["file"],
                sheet=used["sheet"],
                cell=used["score_cell"],
                department=used["department"],
                criterion=str(code[0]),
            )
        )
        # each department whose figure is set aside hears it in its own workbook
        problems.extend(
            problem(
                "warning",
                messages.SHARED_NOT_USED.format(
                    code=code[0],
                    value=_score_text(r, marked=True),
                    used=used_text,
                    used_department=used["department"],
                ),
                file=r["file"],
                sheet=r["sheet"],
                cell=r["score_cell"],
                department=r["department"],
                criterion=str(code[0]),
            )
            for r in records[1:]
            if r["department"] != used["department"]
            and _score_text(r) != _score_text(used)
        )
    resolved = chosen.select(
        "code",
        "self_score",
        "appraised_score",
        pl.coalesce("appraised_score", "self_score").alias("score"),
        pl.when(pl.col("appraised_score").is_not_null())
        .then(pl.lit("appraised"))
        .when(pl.col("self_score").is_not_null())
        .then(pl.lit("self"))
        .otherwise(pl.lit("missing"))
        .alias("source"),
        "reason",
        "evidence",
        pl.col("department").alias("scored_by"),
    )
    return resolved, problems_frame(problems)


_UNSCORED_OWN = fields_pattern(messages.UNSCORED_OWN_CRITERION)
_SELF_USED = fields_pattern(messages.APPRAISAL_MISSING_SELF_USED)


def shared_said(problems: pl.DataFrame, current: YearResult) -> pl.DataFrame:
    """The reader's warnings on a department's row of a shared leaf whose figure
    is another department's, said as they are: a row left blank is not asked for
    a 0 (from the lead, a 0 would then be used over the other's figure), and a
    row without an appraisal is not said to lend its self score; each says whose
    figure the total uses (README, Choices: "Shared criterion …")."""
    used_by = {
        row["code"]: row
        for row in current.nodes.filter(
            pl.col("is_leaf")
            & (pl.col("departments").list.len() > 1)
            & pl.col("scored_by").is_not_null()
        )
        .select("code", "departments", "scored_by", "self_score", "appraised_score")
        .iter_rows(named=True)
    }
    if not used_by or problems.is_empty():
        return problems
    records = []
    for record in problems.iter_rows(named=True):
        used = used_by.get(record["criterion"])
        if used is None or record["department"] in (None, used["scored_by"]):
            records.append(record)
            continue
        message = record["message"] or ""
        used_text = _used_text(used)
        if (blank := _UNSCORED_OWN.fullmatch(message)) is not None:
            by_lead = record["department"] == used["departments"][0]
            message = (
                messages.SHARED_LEFT_BLANK_BY_LEAD
                if by_lead
                else messages.SHARED_LEFT_BLANK
            ).format(
                code=used["code"],
                cells=blank["cells"],
                used=used_text,
                used_department=used["scored_by"],
                lead=used["departments"][0],
            )
        elif (unappraised := _SELF_USED.fullmatch(message)) is not None:
            message = messages.APPRAISAL_MISSING_SELF_NOT_USED.format(
                code=used["code"],
                cell=unappraised["cell"],
                self_score=unappraised["self_score"],
                used=used_text,
                used_department=used["scored_by"],
            )
        records.append({**record, "message": message})
    return pl.DataFrame(records, schema=problems.schema)


def _disagreeing(shared: pl.DataFrame) -> pl.DataFrame:
    """The rows of the shared leaves whose departments differ, in the score shown
    (``_score_text``) or in the self score: what ``resolve_leaves`` looks at row
    by row. Each distinct score is put in words once, not once per row."""
    if shared.is_empty():
        return shared
    used = pl.coalesce("appraised_score", "self_score")
    values = shared.select(used.unique())["appraised_score"].to_list()
    words = {value: _number_text(value) for value in values if value is not None}
    # a value not found (it cannot be) keeps a text of its own: never taken
    # for another score, at worst looked at row by row for nothing
    shown = (
        pl.when(used.is_null())
        .then(pl.lit("—"))
        .otherwise(
            used.replace_strict(
                list(words),
                list(words.values()),
                default=pl.format("?{}", used),
                return_dtype=pl.String,
            )
        )
    )
    differs = (shown.n_unique() > 1) | (pl.col("self_score").n_unique() > 1)
    return shared.filter(differs.over("code"))


def _number_text(value: object) -> str:
    """A score as typed (to the 9 decimals kept: 0,255 is not 0,26), so that two
    departments' scores of a shared leaf differing past 2 decimals are told
    apart and quoted as their cells hold them (blind round 27A, F7)."""
    return format_typed(float(value)) if isinstance(value, float | int) else "—"


def _score_text(row: dict[str, object], *, marked: bool = False) -> str:
    """The row's figure (its appraisal, else its self score); ``marked``: a self
    score says so (``0,5 (tự đánh giá)``)."""
    appraised = row["appraised_score"]
    if appraised is not None:
        return _number_text(appraised)
    return _number_text(row["self_score"]) + (" (tự đánh giá)" if marked else "")


def _used_text(row: dict[str, object]) -> str:
    """The figure a shared leaf uses, in words: ``0,5 điểm``, or ``0,5 điểm tự
    đánh giá`` where it is the self score."""
    kind = " điểm" if row["appraised_score"] is not None else " điểm tự đánh giá"
    return _score_text(row) + kind


def _sum_or_null(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column).count() > 0)
        .then(exact_sum(pl.col(column)))
        .otherwise(None)
    ).alias(column)


def consolidate_year(
    criteria_set: CriteriaSet, rows: pl.DataFrame, year: int
) -> tuple[YearResult, pl.DataFrame]:
    """Sum the leaves of one year into every node, group, department and total.

    Args:
        criteria_set: the criteria set in force.
        rows: valid leaf rows of the files in use (``collect.Ingested.rows``).
        year: the year.

    Returns:
        The year's figures, and the problems found resolving shared leaves.
    """
    resolved, problems = resolve_leaves(criteria_set, rows)
    nodes = criteria_set.nodes
    leaves = (
        nodes.filter(pl.col("is_leaf"))
        .select("code", "group", "departments", "max")
        .join(resolved, on="code", how="left")
        .with_columns(
            pl.col("source").fill_null("missing"),
            lost=exact_difference(pl.col("max"), pl.col("score")),  # null: unscored
        )
    )
    by_ancestor = (
        leaves.join(ancestor_pairs(leaves["code"]), on="code")
        .group_by("node")
        .agg(
            _sum_or_null("self_score"),
            _sum_or_null("appraised_score"),
            _sum_or_null("score"),
            _sum_or_null("lost"),
            pl.len().alias("leaves"),
            pl.col("score").count().alias("scored"),
        )
        .rename({"node": "code"})
    )
    leaf_facts = leaves.select("code", "source", "reason", "evidence", "scored_by")
    nodes = (
        nodes.join(by_ancestor, on="code", how="left")
        .join(leaf_facts, on="code", how="left")
        .with_columns(
            leaves=pl.col("leaves").fill_null(0).cast(pl.Int64),
            scored=pl.col("scored").fill_null(0).cast(pl.Int64),
            # as shown beside the score (README, Rounding)
            lost=shown_lost_expr(pl.col("score"), pl.col("lost")),
        )
        .sort("position")
    )
    group_sums = dict(
        leaves.group_by("group")
        .agg(exact_sum(pl.col("score").fill_null(0.0)))
        .iter_rows()
    )
    groups = {key: float(group_sums.get(key, 0.0)) for key in GROUPS}
    total = float(leaves.select(exact_sum(pl.col("score").fill_null(0.0))).item())
    status = "final" if leaves["appraised_score"].is_not_null().all() else "provisional"

    per_department = leaves.explode("departments").rename({"departments": "department"})
    order = pl.DataFrame(
        {
            "department": [d.code for d in criteria_set.departments],
            "name": [d.name for d in criteria_set.departments],
            "order": list(range(len(criteria_set.departments))),
        }
    )
    departments = (
        order.join(
            per_department.group_by("department").agg(
                exact_sum(pl.col("max")),
                exact_sum(pl.col("score").fill_null(0.0)),
                exact_sum(pl.col("lost").fill_null(0.0)),
                pl.len().alias("leaves"),
                pl.col("score").count().alias("scored"),
            ),
            on="department",
            how="left",
        )
        .with_columns(
            pl.col("max").fill_null(0.0),
            pl.col("score").fill_null(0.0),
            pl.col("lost").fill_null(0.0),
            pl.col("leaves").fill_null(0).cast(pl.Int64),
            pl.col("scored").fill_null(0).cast(pl.Int64),
        )
        .with_columns(
            # a department none of whose criteria is scored has no figure
            # (README, Choices: "Nothing scored")
            score=pl.when(pl.col("scored") > 0).then(pl.col("score")),
            lost=pl.when(pl.col("scored") > 0).then(
                shown_lost_expr(pl.col("score"), pl.col("lost"))
            ),
        )
        .with_columns(percent=shown_percent_expr(pl.col("score"), pl.col("max")))
        .sort("order")
        .drop("order")
        .rename({"department": "code"})
    )
    names = nodes.select("code", "name", "position")
    deductions = (
        per_department.filter(
            pl.col("score").is_not_null()
            & shown_below_expr(pl.col("score"), pl.col("max"))
        )
        .with_columns(lost=shown_lost_expr(pl.col("score"), pl.col("lost")))
        .join(names, on="code")
        .join(order.select("department", "order"), on="department")
        .sort("order", "position")
        .select(
            "department",
            "code",
            "name",
            "max",
            "self_score",
            "appraised_score",
            "score",
            "lost",
            "reason",
            "group",
        )
    )
    missing = (
        leaves.filter(pl.col("score").is_null())
        .join(names, on="code")
        .sort("position")
        .select("code", "name", "departments")
    )
    result = YearResult(
        year=year,
        criteria_set=criteria_set,
        status=status,
        total=total,
        groups=groups,
        nodes=nodes,
        departments=departments,
        deductions=deductions,
        missing=missing,
    )
    return result, problems


def trend(delta: float | None) -> str | None:
    """``increased`` / ``maintained`` / ``decreased`` from a change shown to 2 decimals."""
    if delta is None:
        return None
    shown = round2(delta)
    if shown > 0:
        return "increased"
    if shown < 0:
        return "decreased"
    return "maintained"


def _trend_column(delta: pl.Expr) -> pl.Expr:
    shown = round2_expr(delta)
    return (
        pl.when(shown > 0)
        .then(pl.lit("increased"))
        .when(shown < 0)
        .then(pl.lit("decreased"))
        .when(shown == 0)
        .then(pl.lit("maintained"))
        .otherwise(None)
    )


RECONCILED_FIGURES = ("appraisal", "survey", "socioeconomic", "sipas", "total")
RECONCILIATION_NOTES = {
    "match": "Khớp.",
    "survey": (
        "Tỉnh làm tròn điểm điều tra xã hội học một lần cho cả nhóm; tổng các "
        "tiêu chí thành phần làm tròn khác đi một chút."
    ),
    "sipas": "Tỉnh làm tròn điểm SIPAS một lần cho cả nhóm.",
    "component_rounded": (
        "Chênh lệch do tỉnh làm tròn điểm {groups} một lần cho cả nhóm (xem dòng "
        "nhóm điểm đó ở trên)."
    ),
    "total": "Chênh lệch do các nhóm điểm ở trên (công bố khác số tính từ tiêu chí).",
    "other": "Chênh lệch chưa giải thích được: cần đối chiếu với quyết định công bố.",
    "unscored": (
        "Chưa có tiêu chí nào được chấm từ bài nộp dùng được: chưa có số tính "
        "từ các tiêu chí để đối chiếu."
    ),
    "incomplete": (
        "Còn {count} tiêu chí chưa có điểm (tính 0 điểm): chênh lệch có thể do các "
        "tiêu chí này; đối chiếu lại khi đủ bài nộp."
    ),
    "self": (
        "Còn {count} tiêu chí tạm dùng điểm tự đánh giá (chưa có điểm thẩm định): "
        "chênh lệch có thể do các tiêu chí này; đối chiếu lại khi có điểm thẩm định."
    ),
    "incomplete_self": (
        "Còn {unscored} tiêu chí chưa có điểm (tính 0 điểm) và {self} tiêu chí tạm "
        "dùng điểm tự đánh giá (chưa có điểm thẩm định): chênh lệch có thể do các "
        "tiêu chí này; đối chiếu lại khi đủ bài nộp và điểm thẩm định."
    ),
}


@dataclass(frozen=True)
class StandIns:
    """The criteria of a reconciled figure that stand in for their final score:
    ``unscored`` ones (counted 0; together at most ``unscored_max``) and those on
    their self score (``self_used``: together ``self_score``, at most
    ``self_max``), which the final scores may move by that much."""

    unscored: int = 0
    unscored_max: float = 0.0
    self_used: int = 0
    self_score: float = 0.0
    self_max: float = 0.0

    def note(self, difference: float) -> str | None:
        """The note of a gap (published − computed) they may make: criteria
        unscored only a computed figure below the published one, those on their
        self score either way, each within what it can move; None when the gap
        is beyond them (blind re-check 22A, N1) or there are none."""
        unscored = self.unscored if difference > 0 else 0
        lowest = -self.self_score  # every self score appraised 0
        highest = (self.self_max - self.self_score) + (
            self.unscored_max if unscored else 0.0
        )
        if not (unscored or self.self_used) or not (
            lowest - 0.005 <= difference <= highest + 0.005
        ):
            return None
        if unscored and self.self_used:
            return RECONCILIATION_NOTES["incomplete_self"].format(
                unscored=unscored, self=self.self_used
            )
        if unscored:
            return RECONCILIATION_NOTES["incomplete"].format(count=unscored)
        return RECONCILIATION_NOTES["self"].format(count=self.self_used)


def _stand_ins(leaves: pl.DataFrame, components: pl.DataFrame) -> dict[str, StandIns]:
    """``StandIns`` of every reconciled figure: each score group, each
    component (``component <code>``) and the total."""
    unscored = pl.col("scored") == 0
    on_self = pl.col("source") == "self"
    sums = [
        unscored.sum().alias("unscored"),
        pl.col("max").filter(unscored).sum().alias("unscored_max"),
        on_self.sum().alias("self_used"),
        pl.col("score").filter(on_self).sum().alias("self_score"),
        pl.col("max").filter(on_self).sum().alias("self_max"),
    ]

    def stand_ins(row: dict[str, Any]) -> StandIns:
        return StandIns(
            int(row["unscored"] or 0),
            float(row["unscored_max"] or 0.0),
            int(row["self_used"] or 0),
            float(row["self_score"] or 0.0),
            float(row["self_max"] or 0.0),
        )

    found: dict[str, StandIns] = {}
    for column, prefix in (("group", ""), ("component", "component ")):
        for row in leaves.group_by(column).agg(sums).iter_rows(named=True):
            if row[column] is not None:
                found[f"{prefix}{row[column]}"] = stand_ins(row)
    found["total"] = stand_ins(leaves.select(sums).row(0, named=True))
    for code in components["code"]:  # a component with no leaf: none
        found.setdefault(f"component {code}", StandIns())
    return found


_RECONCILIATION_SCHEMA = {
    "figure": pl.String,
    "published": pl.Float64,
    "computed": pl.Float64,
    "difference": pl.Float64,
    "note": pl.String,
}


_ROUNDED_GROUP_WORDS = {"survey": "điều tra xã hội học", "sipas": "SIPAS"}


def _component_note(
    difference: float | None,
    stand_ins: StandIns,
    rounded: dict[str, float] | None = None,
) -> str:
    """A published component's note: nothing computed (none of its criteria
    scored), a match, a gap put down to its criteria unscored or on their self
    score (``StandIns.note``), a gap that is the rounding of the groups it holds
    whole (``rounded``: group → its gap, explained on the group's own line), or
    unexplained."""
    if difference is None:
        return RECONCILIATION_NOTES["unscored"]
    if abs(difference) < 0.005:
        return RECONCILIATION_NOTES["match"]
    if (said := stand_ins.note(difference)) is not None:
        return said
    if rounded and abs(difference - sum(rounded.values())) < 0.005:
        return RECONCILIATION_NOTES["component_rounded"].format(
            groups=" và ".join(_ROUNDED_GROUP_WORDS[group] for group in rounded)
        )
    return RECONCILIATION_NOTES["other"]


def reconcile(current: YearResult, history: History) -> pl.DataFrame:
    """Published figures of the year next to the computed ones, with the difference
    (published − computed) and a plain explanation."""
    published = history.result(current.year)
    records: list[dict[str, object]] = []
    if published is None:
        return pl.DataFrame(schema=_RECONCILIATION_SCHEMA)
    scored_groups = current.groups_scored
    computed_figures: dict[str, float | None] = {
        **{
            key: value if key in scored_groups else None
            for key, value in current.groups.items()
        },
        "total": current.total if current.scored else None,
    }
    # criteria not scored (counted 0) or on their self score in each figure: a
    # gap there may be theirs, as far as they can move it
    leaves = current.nodes.filter(pl.col("is_leaf"))
    stand_ins = _stand_ins(leaves, current.components)
    group_gap = 0.0
    rounded: dict[str, float] = {}  # a group the province rounds once → its gap
    for figure in RECONCILED_FIGURES:
        value = published.get(figure)
        if value is None:
            continue
        computed = computed_figures[figure]
        if computed is None:  # nothing scored: nothing to set beside it
            records.append(
                {
                    "figure": figure,
                    "published": float(value),
                    "computed": None,
                    "difference": None,
                    "note": RECONCILIATION_NOTES["unscored"],
                }
            )
            continue
        difference = exact(float(value) - round2(computed))  # as the tables show
        if abs(difference) < 0.005:
            note = RECONCILIATION_NOTES["match"]
        elif figure in ("survey", "sipas") and abs(difference) <= 0.1:
            note = RECONCILIATION_NOTES[figure]
            rounded[figure] = difference
        elif (said := stand_ins.get(figure, StandIns()).note(difference)) is not None:
            note = said
        elif figure == "total" and abs(difference - group_gap) < 0.005:
            note = RECONCILIATION_NOTES["total"]
        else:
            note = RECONCILIATION_NOTES["other"]
        if figure != "total":
            group_gap += difference
        records.append(
            {
                "figure": figure,
                "published": float(value),
                "computed": computed,
                "difference": difference,
                "note": note,
            }
        )
    components = history.components.filter(pl.col("year") == current.year)
    computed_components = dict(current.components.select("code", "score").iter_rows())
    # the component each rounded group lies wholly in (None: spread over several)
    homes: dict[str, str | None] = {}
    for group, component in (
        leaves.filter(pl.col("group").is_in(list(rounded)))
        .select("group", "component")
        .unique()
        .iter_rows()
    ):
        homes[group] = component if group not in homes else None
    for code, score in components.select("code", "score").iter_rows():
        if code not in computed_components:
            continue  # no component of the set: said (``_not_components_said``)
        computed_score = computed_components[code]  # None: none of its criteria
        component_difference = (
            exact(score - round2(computed_score))
            if computed_score is not None
            else None
        )
        records.append(
            {
                "figure": f"component {code}",
                "published": score,
                "computed": computed_score,
                "difference": component_difference,
                "note": _component_note(
                    component_difference,
                    stand_ins[f"component {code}"],
                    {g: gap for g, gap in rounded.items() if homes.get(g) == code},
                ),
            }
        )
    return pl.DataFrame(records, schema=_RECONCILIATION_SCHEMA)


def _history_table(
    current: YearResult, previous: YearResult | None, history: History
) -> pl.DataFrame:
    """Every known year: published rows and consolidated rows, by year."""
    rows: list[dict[str, object]] = []
    for record in history.results.iter_rows(named=True):
        rows.append({**record, "source": "published", "status": None, "coverage": None})
    for year_result in (previous, current):
        if year_result is None:
            continue
        published = history.result(year_result.year) or {}
        scored, total_leaves = year_result.coverage
        scored_groups = year_result.groups_scored
        rows.append(
            {
                "year": year_result.year,
                # nothing scored: no figure of the year, its status and coverage
                # still said (README, Choices: "Nothing scored")
                **{
                    key: value if key in scored_groups else None
                    for key, value in year_result.groups.items()
                },
                "total": year_result.total if year_result.scored else None,
                "rank": published.get("rank"),
                "units": published.get("units"),
                "source": "computed",
                "status": year_result.status,
                "coverage": f"{scored}/{total_leaves}",
            }
        )
    schema = {
        "year": pl.Int64,
        "source": pl.String,
        "appraisal": pl.Float64,
        "survey": pl.Float64,
        "socioeconomic": pl.Float64,
        "sipas": pl.Float64,
        "total": pl.Float64,
        "rank": pl.Int64,
        "units": pl.Int64,
        "status": pl.String,
        "coverage": pl.String,
    }
    frame = (
        pl.DataFrame(rows, schema=schema, orient="row")
        if rows
        else pl.DataFrame(schema=schema)
    )
    return frame.sort("year", "source", descending=[False, True])


def _not_components_said(
    current: YearResult,
    history: History,
    problems: pl.DataFrame,
    last_set: CriteriaSet | None = None,
) -> pl.DataFrame:
    """``problems`` with a warning per year of ``history.xlsx``'s components
    sheet (this year's and the previous one's: the ones compared) naming the
    codes that are no component of the set of that year (``last_set`` for the
    previous one, when known): neither reconciled nor compared."""
    known = set(current.components["code"].to_list())
    before = known if last_set is None else set(last_set.components["code"])
    said = []
    for year in (current.year, current.year - 1):
        codes = [
            code
            for code in history.components.filter(pl.col("year") == year)["code"]
            if code not in (known if year == current.year else before)
        ]
        if codes:
            said.append(
                problem(
                    "warning",
                    messages.HISTORY_NOT_A_COMPONENT.format(
                        file=history.file, year=year, codes=", ".join(codes)
                    ),
                    file=history.file,
                    sheet="Chỉ số thành phần",
                )
            )
    if not said:
        return problems
    return pl.concat([problems, problems_frame(said)], how="diagonal_relaxed")


def _incomplete_previous_said(
    previous: YearResult,
    published_total: float | None,
    history_file: str,
    problems: pl.DataFrame,
) -> pl.DataFrame:
    """``problems`` with the warning that the previous year's folder leaves
    criteria unscored, and what is compared instead (``history_file``: the file
    of the published figures, read or looked for)."""
    codes = previous.missing["code"].to_list()
    shown = ", ".join(codes[:10]) + (", …" if len(codes) > 10 else "")
    scored, leaves = previous.coverage
    if scored == 0:  # no file of it usable, or none scoring a criterion
        template = (
            messages.PREVIOUS_YEAR_UNSCORED_PUBLISHED
            if published_total is not None
            else messages.PREVIOUS_YEAR_UNSCORED
        )
    else:
        template = (
            messages.PREVIOUS_YEAR_INCOMPLETE_PUBLISHED
            if published_total is not None
            else messages.PREVIOUS_YEAR_INCOMPLETE
        )
    said = problem(
        "warning",
        template.format(
            year=previous.year,
            scored=scored,
            leaves=leaves,
            codes=shown,
            history=history_file,
        ),
    )
    return pl.concat([problems, problems_frame([said])], how="diagonal_relaxed")


def _matched(current: CriteriaSet, last_set: CriteriaSet | None) -> NodeMatch | None:
    """This year's nodes paired with last year's set's (None: one set for both
    years, or last year's unknown: compared by code)."""
    if last_set is None or last_set.source == current.source:
        return None
    return match_nodes(current.nodes, last_set.nodes)


def _recoded(
    year: YearResult, match: NodeMatch, renamed: dict[str, str] | None = None
) -> YearResult:
    """``year`` (the previous one) with its nodes and deductions under this
    year's codes of the nodes they are compared with (a node compared with none
    has no code: kept, its counts are the year's), and its departments under
    this year's codes of those ``renamed``."""
    to_now = match.to_this_year

    def recode(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(to_now, on="code", how="left", maintain_order="left")
            .with_columns(code=pl.col("now"))
            .drop("now")
        )

    nodes, deductions = recode(year.nodes), recode(year.deductions)
    departments, missing = year.departments, year.missing
    if renamed:
        one = pl.col("department").replace(renamed)
        each = pl.col("departments").list.eval(pl.element().replace(renamed))
        nodes = nodes.with_columns(departments=each)
        deductions = deductions.with_columns(department=one)
        departments = departments.with_columns(pl.col("code").replace(renamed))
        if "departments" in missing.columns:
            missing = missing.with_columns(departments=each)
    return replace(
        year,
        nodes=nodes,
        deductions=deductions,
        departments=departments,
        missing=missing,
    )


_DEPARTMENT_WORDS = re.compile(r"[^\W_]+")
_NOT_NAMING = frozenset({"phong", "p", "va"})
"""Words a department's name is written with or without: ``Phòng``, ``P.``,
``và`` (``Phòng Kinh tế - Hạ tầng`` for Phòng Kinh tế và Hạ tầng)."""


_MARKED_OLD = (("truoc", "day"), ("cu",))
"""Words after an old name that mark it old (``Phòng Kinh tế (cũ)``)."""


def _department_key(text: str) -> str:
    """A department's code or name as offices write it, folded: accents, case,
    ``Phòng``/``P.``, ``và``/``&``, hyphens and spaces aside (``Phòng KT-HT``
    and ``KTHT``; ``P. Kinh tế & Hạ tầng`` and ``Phòng Kinh tế và Hạ tầng``),
    and a last ``cũ`` or ``trước đây`` (``Phòng Kinh tế (cũ)``)."""
    words = _DEPARTMENT_WORDS.findall(fold(text))
    for marked in _MARKED_OLD:  # ``… (cũ)``, ``… (trước đây)``: the old name
        if tuple(words[-len(marked) :]) == marked:
            words = words[: -len(marked)]
            break
    return "".join(w for w in words if w not in _NOT_NAMING)


def department_heirs(current: CriteriaSet, last: CriteriaSet) -> dict[str, list[str]]:
    """Last year's departments whose code is not this year's, each with this
    year's departments of a new code that name it among their names (by its
    code or name, written as ``_department_key`` reads them: "KT-HT; Phòng
    Kinh tế - Hạ tầng" for last year's KTHT Phòng Kinh tế và Hạ tầng). One
    heir: the department renamed; two or more: split (said, not compared)."""
    codes_before = {d.code for d in last.departments}
    codes_now = {d.code for d in current.departments}
    found: dict[str, list[str]] = {}
    for old in last.departments:
        if old.code in codes_now:
            continue
        keys = {_department_key(old.code), _department_key(old.name)} - {""}
        heirs = [
            d.code
            for d in current.departments
            if d.code not in codes_before
            and keys & {_department_key(n) for n in (d.code, d.name, *d.aliases)}
        ]
        if heirs:
            found[old.code] = heirs
    return found


def renamings(heirs: dict[str, list[str]]) -> tuple[dict[str, str], set[str]]:
    """From ``department_heirs``: last year's departments that are this year's
    under another code (old code → new), the one heir of each; and this year's
    departments that two or more of last year's name (merged: said, neither
    compared, so left out of the first)."""
    single = {old: new[0] for old, new in heirs.items() if len(new) == 1}
    named = list(single.values())
    merged = {new for new in named if named.count(new) > 1}
    return {old: new for old, new in single.items() if new not in merged}, merged


def _renamed_said(
    heirs: dict[str, list[str]],
    merged: set[str],
    current: YearResult,
    last_set: CriteriaSet,
    problems: pl.DataFrame,
) -> pl.DataFrame:
    """``problems`` with a warning for each department compared with last
    year's under its old code (``heirs``: old code to this year's), and for
    each of the departments a split one became (not compared)."""
    names_now = {d.code: d.name for d in current.criteria_set.departments}
    names_before = {d.code: d.name for d in last_set.departments}
    year, before = current.year, current.year - 1
    records = []
    for code in sorted(merged):  # two of last year's departments now one
        olds = [old for old, new in heirs.items() if new == [code]]
        said = messages.DEPARTMENTS_MERGED_NOT_COMPARED.format(
            previous_year=before,
            name=f"{names_now[code]} ({code})",
            olds=", ".join(f"{names_before[o]} ({o})" for o in olds),
        )
        records.append(problem("warning", said, department=code))
    for old, new in heirs.items():
        was = f"{names_before[old]} ({old})"
        if len(new) == 1 and new[0] in merged:
            continue
        if len(new) == 1:
            records.append(
                problem(
                    "warning",
                    messages.DEPARTMENTS_RENAMED_COMPARED.format(
                        year=year,
                        previous_year=before,
                        departments=(
                            f"{names_now[new[0]]} ({new[0]}): năm {before} là {was}"
                        ),
                    ),
                    department=new[0],
                )
            )
            continue
        said = messages.DEPARTMENT_SPLIT_NOT_COMPARED.format(
            previous_year=before,
            old=was,
            heirs=", ".join(f"{names_now[code]} ({code})" for code in new),
        )
        records += [problem("warning", said, department=code) for code in new]
    if not records:
        return problems
    return pl.concat([problems, problems_frame(records)], how="diagonal_relaxed")


def _published_components(
    published: pl.DataFrame, last_set: CriteriaSet | None, match: NodeMatch | None
) -> pl.DataFrame:
    """Last year's published component scores (``code``, ``previous_max``,
    ``previous``) under this year's codes: through ``match`` between two sets,
    out of last year's maxima when its set is known."""
    frame = published.select("code", pl.col("score").alias("previous"))
    maxima = (
        last_set.components.select("code", pl.col("max").alias("previous_max"))
        if last_set is not None
        else pl.DataFrame(schema={"code": pl.String, "previous_max": pl.Float64})
    )
    frame = frame.join(maxima, on="code", how="left", maintain_order="left")
    if match is not None:
        frame = frame.join(
            match.to_this_year, on="code", how="inner", maintain_order="left"
        )
        frame = frame.with_columns(code=pl.col("now")).drop("now")
    return frame.select("code", "previous_max", "previous")


MATCHES_LISTED = 20
"""How many nodes a warning about last year's pairing names (then how many more)."""


def listed(items: list[str], limit: int = MATCHES_LISTED) -> str:
    """``a, b, c`` (the first ``limit``, then ``và 3 tiêu chí khác``)."""
    more = len(items) - limit
    tail = f" và {more} tiêu chí khác" if more > 0 else ""
    return ", ".join(items[:limit]) + tail


def _match_said(
    match: NodeMatch,
    current: YearResult,
    last_set: CriteriaSet,
    problems: pl.DataFrame,
) -> pl.DataFrame:
    """``problems`` with what the pairing of two sets did: the nodes compared
    with another code, those not compared (their code another criterion last
    year), those compared though reworded, and those whose maximum is another."""
    year, before = current.year, current.year - 1
    lists = (
        (
            messages.CRITERIA_MATCHED_BY_NAME,
            [f"{c} (năm {before} là {p})" for c, p in match.moved],
        ),
        (
            messages.CRITERIA_CODE_OTHER_NAME,
            [f"{c} “{n}” (năm {before}: “{p}”)" for c, n, p in match.unmatched],
        ),
        (messages.CRITERIA_OTHER_KIND, [f"{c} “{n}”" for c, n in match.other_kind]),
        (messages.CRITERIA_NAME_SHARED, [f"{c} “{n}”" for c, n in match.shared_name]),
        (
            messages.CRITERIA_OTHER_PARENT,
            [f"{c} “{n}”" for c, n in match.other_parent],
        ),
        (
            messages.CRITERIA_REWORDED_COMPARED,
            [f"{c} “{n}” (năm {before}: “{p}”)" for c, n, p in match.reworded],
        ),
    )
    said = [
        template.format(year=year, previous_year=before, codes=listed(items))
        for template, items in lists
        if items
    ]
    maxima = (
        match.pairs.join(current.criteria_set.nodes.select("code", "max"), on="code")
        .join(
            last_set.nodes.select(
                pl.col("code").alias("previous_code"),
                pl.col("max").alias("previous_max"),
            ),
            on="previous_code",
        )
        .filter((pl.col("max") - pl.col("previous_max")).abs() >= MAXIMUM_MOVED)
    )
    order = {code: i for i, code in enumerate(current.criteria_set.nodes["code"])}
    changed = [
        f"{code} ({'' if code == other else f'năm {before} là {other}: '}"
        f"{format_vn(last)} → {format_vn(now)} điểm)"
        for code, other, now, last in sorted(
            maxima.select("code", "previous_code", "max", "previous_max").rows(),
            key=lambda row: order[row[0]],
        )
    ]
    if changed:
        said.append(
            messages.MAXIMUM_CHANGED.format(
                year=year, previous_year=before, codes=listed(changed)
            )
        )
    if not said:
        return problems
    records = [problem("warning", text) for text in said]
    return pl.concat([problems, problems_frame(records)], how="diagonal_relaxed")


def compare(
    current: YearResult,
    previous: YearResult | None,
    history: History,
    submissions: pl.DataFrame,
    problems: pl.DataFrame,
    *,
    previous_set: CriteriaSet | None = None,
) -> Result:
    """Put the year next to the previous one (consolidated, else published).

    Args:
        current: the consolidated year.
        previous: the consolidated previous year, when its submissions exist.
        history: the published figures of earlier years.
        submissions: every file seen, with its status.
        problems: every problem of the run.
        previous_set: the set in force the year before, when it has no
            consolidation (``previous`` None) to give it: its published
            figures are out of it.

    Between two sets, each node is compared with last year's node of its code
    and name, or of its name (``parindex.matched``), each pairing said.
    """
    previous_year = current.year - 1
    last_set = previous.criteria_set if previous is not None else previous_set
    match = _matched(current.criteria_set, last_set)
    published_nodes = history.components.filter(pl.col("year") == previous_year)
    # last year compared node by node: its folder's nodes (when it scored any),
    # else its published components
    compared = (
        previous is not None and previous.scored
    ) or not published_nodes.is_empty()
    if last_set is not None and match is not None and compared:
        problems = _match_said(match, current, last_set, problems)
    renamed: dict[str, str] = {}
    if previous is not None and match is not None:
        heirs = department_heirs(current.criteria_set, previous.criteria_set)
        renamed, merged = renamings(heirs)
        problems = _renamed_said(
            heirs, merged, current, previous.criteria_set, problems
        )
        previous = _recoded(previous, match, renamed)
    component_columns = ["code", "name", "max", "score", "leaves", "scored"]
    published = history.result(previous_year)
    published_total = (
        float(published["total"])
        if published and published["total"] is not None
        else None
    )
    # a previous year whose folder leaves criteria unscored (a file missing) is
    # not the year: its published figures stand for it, or only its complete
    # nodes are compared (README, Choices: "Previous year")
    incomplete = previous is not None and not previous.complete
    if incomplete and previous is not None:
        problems = _incomplete_previous_said(
            previous, published_total, history.file, problems
        )
    if previous is not None and not previous.scored:
        # none of its criteria scored (said): no criterion of it to compare with
        previous = None
    compared_nodes = None  # the previous year's nodes compared
    if previous is not None:
        compared_nodes = (
            previous.nodes.filter(pl.col("leaves") == pl.col("scored"))
            if incomplete
            else previous.nodes
        )
    if compared_nodes is not None and (not incomplete or published_total is None):
        prev_components = compared_nodes.filter(pl.col("depth") == 1).select(
            "code",
            pl.col("max").alias("previous_max"),
            pl.col("score").alias("previous"),
        )
        previous_total: float | None = (
            previous.total if previous is not None and not incomplete else None
        )
    else:
        prev_components = _published_components(published_nodes, last_set, match)
        previous_total = published_total
    problems = _not_components_said(current, history, problems, last_set)
    components = (
        current.components.select(component_columns)
        .join(prev_components, on="code", how="left")
        .with_columns(
            previous_max=pl.when(pl.col("previous").is_not_null())
            .then(pl.coalesce("previous_max", "max"))
            .otherwise(None),
            percent=shown_percent_expr(pl.col("score"), pl.col("max")),
            # a component none of whose criteria is scored has no figure: it
            # is not compared (README, Choices: "Nothing scored")
            delta=shown_change_expr(pl.col("score"), pl.col("previous")),
        )
        .with_columns(trend=_trend_column(pl.col("delta")))
    )
    if compared_nodes is not None:  # each node's maximum then: marked where it moved
        prev_nodes = compared_nodes.select(
            "code",
            pl.col("score").alias("previous"),
            pl.col("max").alias("previous_max"),
        )
    else:
        prev_nodes = pl.DataFrame(
            schema={
                "code": pl.String,
                "previous": pl.Float64,
                "previous_max": pl.Float64,
            }
        )
    # a component's row among the criteria is compared as in the components
    # table (last year's published component, its folder incomplete)
    criteria = (
        current.nodes.join(prev_nodes, on="code", how="left", maintain_order="left")
        .update(
            components.select("code", "previous", "previous_max"),
            on="code",
            include_nulls=True,
        )
        .with_columns(change=shown_change_expr(pl.col("score"), pl.col("previous")))
    )
    published_now = history.result(current.year)
    rank = None
    if published_now and published_now.get("rank") is not None:
        rank = (int(published_now["rank"]), published_now.get("units"))
    has_previous = (
        previous is not None or prev_components.height > 0 or previous_total is not None
    )
    return Result(
        current=current,
        previous=previous,
        previous_year=previous_year if has_previous else None,
        previous_total=previous_total,
        components=components,
        criteria=criteria,
        rank=rank,
        history=_history_table(current, None if incomplete else previous, history),
        reconciliation=reconcile(current, history),
        submissions=submissions,
        problems=problems,
        previous_maximum=(
            float(last_set.components["max"].sum()) if last_set is not None else None
        ),
        previous_codes=dict(match.moved) if match is not None else {},
        renamed=renamed,
    )

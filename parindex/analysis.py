"""The annual analysis the CCHC office writes, computed from a :class:`Result`.

Pure functions, no I/O: frames (polars) for the tables of the scorecard, the draft
report and the Markdown summary, and the Vietnamese sentences built from them. Every
figure is kept at full precision; numbers are rounded only when they are put into a
sentence (``format_vn``). Nothing here assumes a district, eight components or these
department codes: all of it comes from the criteria set and the submissions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import polars as pl

from parindex import messages
from parindex.consolidate import (
    EPSILON,
    GROUPS,
    RECONCILIATION_NOTES,
    Result,
    YearResult,
)
from parindex.criteria import CriteriaSet
from parindex.numbers import round2, round2_expr
from parindex.text import format_vn

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

_COMPONENT = "chỉ số thành phần"
_TREND_VERBS = {
    INCREASED: "tăng điểm",
    MAINTAINED: "duy trì điểm",
    DECREASED: "giảm điểm",
}
_EXTREMES = {INCREASED: "mức tăng cao nhất", DECREASED: "mức giảm cao nhất"}

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


def rank_change(position: int | None, previous: int | None) -> str:
    """``giữ nguyên thứ hạng``, ``tăng 2 bậc``, ``giảm 1 bậc``, or '' if unknown."""
    if position is None or previous is None:
        return ""
    if position == previous:
        return "giữ nguyên thứ hạng"
    word = "tăng" if position < previous else "giảm"
    return f"{word} {abs(position - previous)} bậc"


def rank_text(position: int | None, of: int | None) -> str | None:
    """``2/8``, or ``2`` when the number of units is unknown, or None."""
    if position is None:
        return None
    return f"{position}/{of}" if of is not None else str(position)


def change_text(delta: float) -> str:
    """``tăng 7,17 điểm``, ``giảm 1 điểm`` or ``không đổi`` (decided at 2 decimals)."""
    shown = round2(delta)
    if shown > 0:
        return f"tăng {format_vn(delta)} điểm"
    if shown < 0:
        return f"giảm {format_vn(-delta)} điểm"
    return "không đổi"


def headline_sentences(result: Result) -> list[str]:
    """The opening of section I: total, rank and change; then the figures that
    differ from the published ones, and the status when it is provisional."""
    current = result.current
    year = result.year
    years = {r["year"]: r for r in years_table(result).iter_rows(named=True)}
    now = years.get(year)
    maximum = float(current.components["max"].sum())
    if now is not None and now["source"] == "published":
        opening = (
            f"Năm {year}, Chỉ số cải cách hành chính đạt {format_vn(now['total'])} "
            f"điểm theo số liệu công bố (tổng điểm tính từ các tiêu chí: "
            f"{format_vn(current.total)}/{format_vn(maximum)} điểm)"
        )
    else:
        opening = (
            f"Năm {year}, tổng điểm Chỉ số cải cách hành chính tính từ các tiêu chí "
            f"đạt {format_vn(current.total)}/{format_vn(maximum)} điểm"
        )
    parts = [opening]
    previous_year = result.previous_year or year - 1
    before = years.get(previous_year)
    if now is not None and now["rank"] is not None:
        parts.append(f"xếp thứ {rank_text(now['rank'], now['units'])}")
    changes = []
    if now is not None and before is not None:
        changes.append(rank_change(now["rank"], before["rank"]))
    total_now = now["total"] if now is not None else current.total
    total_before = before["total"] if before is not None else result.previous_total
    if total_before is not None:
        changes.append(change_text(total_now - total_before))
    changes = [c for c in changes if c]
    if changes:
        parts.append(
            f"{' và '.join(changes)} so với năm {previous_year} "
            + (f"({format_vn(total_before)} điểm)" if total_before is not None else "")
        )
    sentences = [", ".join(parts) + "."]
    sentences += reconciliation_sentences(result)
    if current.status != "final":
        scored, leaves = current.coverage
        sentences.append(
            f"Số liệu năm {year} còn tạm tính: đã có điểm {scored}/{leaves} tiêu chí, "
            "một số tiêu chí chưa có điểm thẩm định."
        )
    return sentences


# --- components -------------------------------------------------------------------


def _names(rows: Sequence[Mapping[str, Any]]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    names = [str(r["name"]) for r in rows]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def components_sentence(
    components: pl.DataFrame, previous_year: int | None = None
) -> str:
    """The count sentence of the seed report, from ``Result.components``.

    ``5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 3,5 điểm (Cải cách thủ tục
    hành chính); 01 chỉ số thành phần duy trì điểm (Cải cách thể chế); 02 chỉ số
    thành phần giảm điểm, mức giảm cao nhất 1 điểm (Cải cách chế độ công vụ).``

    The first count is shown out of the number of components, the next ones on two
    digits, as the office writes them. Changes are compared as shown (2 decimals):
    components tied for the largest rise or fall are all named. A component without
    a previous score is counted apart; when none has one, the sentence says there is
    nothing to compare with.

    Args:
        components: ``code``, ``name``, ``delta``, ``trend`` per component.
        previous_year: the year compared with, named when there is no comparison.
    """
    total = components.height
    if total == 0:
        return "Bộ chỉ số không có chỉ số thành phần nào."
    compared = components.filter(pl.col("trend").is_not_null())
    if compared.height == 0:
        year = f"năm {previous_year}" if previous_year is not None else "năm trước"
        return (
            f"Chưa có điểm các chỉ số thành phần {year} nên chưa so sánh được "
            f"{total} {_COMPONENT}."
        )
    by_trend = {t: compared.filter(pl.col("trend") == t) for t in TRENDS}
    if by_trend[MAINTAINED].height == total:
        since = f" so với năm {previous_year}" if previous_year is not None else ""
        return (
            f"{total}/{total} {_COMPONENT} duy trì điểm{since}; không có {_COMPONENT} "
            "nào tăng hoặc giảm điểm."
        )
    counted = 0

    def count(n: int) -> str:
        nonlocal counted
        counted += 1
        return f"{n}/{total}" if counted == 1 else f"{n:02d}"

    clauses = []
    for word in TRENDS:
        rows = by_trend[word]
        verb = _TREND_VERBS[word]
        if rows.height == 0:
            if word != MAINTAINED:
                clauses.append(f"không có {_COMPONENT} nào {verb}")
            continue
        clause = f"{count(rows.height)} {_COMPONENT} {verb}"
        if word == MAINTAINED:
            clauses.append(f"{clause} ({_names(rows.to_dicts())})")
            continue
        shown = rows.select(round2_expr(pl.col("delta")).abs()).to_series()
        largest = float(shown.max())  # type: ignore[arg-type]
        top = rows.filter(shown == largest).to_dicts()
        clauses.append(
            f"{clause}, {_EXTREMES[word]} {format_vn(largest)} điểm ({_names(top)})"
        )
    unknown = components.filter(pl.col("trend").is_null()).to_dicts()
    if unknown:
        clauses.append(
            f"{count(len(unknown))} {_COMPONENT} chưa có điểm năm trước để so sánh "
            f"({_names(unknown)})"
        )
    return _capitalised("; ".join(clauses)) + "."


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


def component_sentence(
    row: Mapping[str, Any], year: int, previous_year: int | None
) -> str:
    """``Năm 2023, chỉ số thành phần Cải cách thủ tục hành chính đạt 13/13,5 điểm,
    bằng 96,3 %, tăng 3,5 điểm so với năm 2022 (9,5 điểm).``"""
    score = row["score"] if row["score"] is not None else 0.0
    text = (
        f"Năm {year}, {_COMPONENT} {row['name']} đạt {format_vn(score)}/"
        f"{format_vn(row['max'])} điểm"
    )
    if row.get("percent") is not None:
        text += f", bằng {format_vn(row['percent'])} %"
    word, previous = row.get("trend"), row.get("previous")
    if word is None or previous is None:
        return text + "; chưa có điểm năm trước để so sánh."
    since = f"năm {previous_year}" if previous_year is not None else "năm trước"
    if word == MAINTAINED:
        return text + f", giữ nguyên điểm so với {since}."
    return (
        text
        + f", {change_text(row['delta'])} so với {since} ({format_vn(previous)} điểm)."
    )


# --- points lost ------------------------------------------------------------------


_T = TypeVar("_T")
_R = TypeVar("_R")


def _by_identity(function: Callable[[_T], _R]) -> Callable[[_T], _R]:
    """Remember the last few answers of a one-argument function by the identity of
    its argument: each department's workbook asks for the same whole-year analysis,
    which would otherwise be recomputed once per department (quadratic in a province).
    """
    cache: dict[int, tuple[_T, _R]] = {}

    @functools.wraps(function)
    def cached(argument: _T) -> _R:
        hit = cache.get(id(argument))
        if hit is not None and hit[0] is argument:
            return hit[1]
        if len(cache) >= 8:
            cache.clear()
        answer = function(argument)
        cache[id(argument)] = (argument, answer)
        return answer

    return cached


@_by_identity
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
        & (pl.col("score") < pl.col("max") - EPSILON)
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
            .otherwise(pl.col("previous_score") < pl.col("previous_max") - EPSILON)
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
        pl.col("lost").sum().alias("lost"),
        pl.col("recurring").fill_null(False).sum().cast(pl.Int64).alias("recurring"),
        pl.col("lost")
        .filter(pl.col("recurring").fill_null(False))
        .sum()
        .alias("recurring_lost"),
    )


@_by_identity
def over_claims(year: YearResult) -> pl.DataFrame:
    """Every leaf of ``year`` whose appraised score is below the self-assessed one,
    largest cut first: ``code``, ``name``, ``component``, ``max``, ``self_score``,
    ``appraised_score``, ``cut`` (self − appraised), ``departments``, ``reason``,
    ``position``."""
    return (
        year.nodes.filter(
            pl.col("is_leaf")
            & (pl.col("appraised_score") < pl.col("self_score") - EPSILON)
        )
        .with_columns(cut=pl.col("self_score") - pl.col("appraised_score"))
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
            pl.col("cut").sum(),
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
        explained=(pl.col("difference").abs() < DIFFERENCE_SHOWN)
        | (pl.col("note") != unexplained),
        flagged=(pl.col("difference").abs() > DIFFERENCE_FLAGGED)
        & (pl.col("note") == unexplained),
    )


def reconciliation_sentences(result: Result) -> list[str]:
    """One sentence per published figure that differs from the computed one."""
    sentences = []
    for row in reconciliation_check(result).iter_rows(named=True):
        if abs(row["difference"]) < DIFFERENCE_SHOWN:
            continue
        sentences.append(
            f"{row['label']}: công bố {format_vn(row['published'])}, tính từ các tiêu "
            f"chí {format_vn(row['computed'])} (chênh lệch "
            f"{signed(row['difference'])}). {row['note']}"
        )
    return sentences


# --- departments ------------------------------------------------------------------


def signed(value: float | None) -> str:
    """``+1,92``, ``-1``, ``0`` (the sign as shown at 2 decimals), ``—`` for None."""
    if value is None:
        return "—"
    shown = format_vn(value)
    return f"+{shown}" if round2(value) > 0 else shown


def department_figures(record: Mapping[str, Any]) -> str:
    """``đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm`` from a row of
    ``YearResult.departments``."""
    percent = record.get("percent")
    shown = f"{format_vn(percent)} %" if percent is not None else "—"
    lost = float(record["lost"])
    leaves, scored = record.get("leaves"), record.get("scored")
    unscored = leaves - scored if leaves is not None and scored is not None else 0
    if round2(lost) > 0:
        deduction = f"bị trừ {format_vn(lost)} điểm"
    elif unscored > 0:  # rows set aside or not sent: "not deducted" would be false
        deduction = "chưa có điểm bị trừ trên các tiêu chí đã chấm"
    else:
        deduction = "không bị trừ điểm"
    if unscored > 0:
        deduction += ", " + messages.DEPARTMENT_NO_VALID_SCORE.format(
            count=unscored, leaves=leaves
        )
    return (
        f"đạt {format_vn(record['score'])}/{format_vn(record['max'])} điểm, "
        f"bằng {shown}, {deduction}"
    )


def department_sentence(record: Mapping[str, Any], year: int) -> str:
    """``Năm 2023, chỉ số thuộc các lĩnh vực phụ trách của Phòng Nội vụ đạt
    26,79/32,5 điểm, bằng 82,43 %, bị trừ 5,71 điểm ở các tiêu chí:``"""
    text = (
        f"Năm {year}, chỉ số thuộc các lĩnh vực phụ trách của {record['name']} "
        f"{department_figures(record)}"
    )
    return text + (" ở các tiêu chí:" if round2(float(record["lost"])) > 0 else ".")


def lower_first(text: str) -> str:
    """Lower the first letter of a sentence put after ``do``, unless it starts a
    name or an abbreviation (``Phòng Nội vụ``, ``UBND``, ``TTHC``)."""
    words = text.split(maxsplit=2)
    if not words:
        return text
    first = words[0]
    if not first[:1].isupper() or first[1:2].isupper():
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return first[:1].lower() + text[1:]


def _clean(text: str | None) -> str:
    """A cell's text as part of a sentence: on one line, without control
    characters or a closing stop."""
    printable = "".join(c if c.isprintable() else " " for c in text or "")
    return " ".join(printable.split()).rstrip(".;,: ")


def deduction_sentence(row: Mapping[str, Any]) -> str:
    """``Tiêu chí 1.3.2: Xử lý các vấn đề phát hiện qua kiểm tra đạt 1,28/1,5 điểm
    do qua kiểm tra phát hiện 59 tồn tại ….``"""
    reason = _clean(row.get("reason"))
    cause = f" do {lower_first(reason)}" if reason else " (chưa ghi nguyên nhân)"
    return (
        f"Tiêu chí {row['code']}: {_clean(row['name'])} đạt "
        f"{format_vn(row['score'])}/{format_vn(row['max'])} điểm{cause}."
    )


def scores_list(rows: Sequence[Mapping[str, Any]]) -> str:
    """``1.2.1 (0/0,5), 1.3.2 (1,28/1,5)``."""
    return ", ".join(
        f"{r['code']} ({format_vn(r['score'])}/{format_vn(r['max'])})" for r in rows
    )


def cuts_list(rows: Sequence[Mapping[str, Any]]) -> str:
    """``1.2.1 (tự chấm 0,5, thẩm định 0)``."""
    return ", ".join(
        f"{r['code']} (tự chấm {format_vn(r['self_score'])}, thẩm định "
        f"{format_vn(r['appraised_score'])})"
        for r in rows
    )


_PARTITIONS: dict[tuple[int, str], tuple[pl.DataFrame, dict[Any, list[int]]]] = {}


def _partition(frame: pl.DataFrame, column: str) -> dict[Any, list[int]]:
    """The row numbers of ``frame`` for each value of ``column`` (a list column puts
    a row under each of its values), in order; remembered for the last few frames by
    identity. Outputs ask for one department's rows once per department: a filter
    each time is quadratic in a province with thousands of departments (and a frame
    per department would hold as many frames in memory)."""
    key = (id(frame), column)
    hit = _PARTITIONS.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    if len(_PARTITIONS) >= 16:
        _PARTITIONS.clear()
    values = pl.col(column)
    if isinstance(frame.schema[column], pl.List):
        values = values.list.unique(maintain_order=True)
    keyed = frame.select(values.alias("_part"), pl.int_range(pl.len()).alias("_row"))
    if isinstance(frame.schema[column], pl.List):
        keyed = keyed.explode("_part")
    rows = keyed.group_by("_part", maintain_order=True).agg(pl.col("_row"))
    found: dict[Any, list[int]] = dict(
        zip(rows["_part"], rows["_row"].to_list(), strict=True)
    )
    _PARTITIONS[key] = (frame, found)
    return found


def rows_where(frame: pl.DataFrame, column: str, value: Any) -> pl.DataFrame:
    """``frame.filter(pl.col(column) == value)``, or, for a list column, the rows
    whose list holds ``value``; same rows, same order, in constant time after the
    first call for a frame."""
    rows = _partition(frame, column).get(value)
    return frame.clear() if rows is None else frame[rows]


def for_department(frame: pl.DataFrame, department: str) -> pl.DataFrame:
    """The rows of a leaf frame (``departments`` list) that ``department`` is
    responsible for."""
    return rows_where(frame, "departments", department)

"""The sentences the outputs share, in one place.

The draft report, the Markdown summary (and the Prefect artifact made from it), the
scorecard and the department workbooks say the same words about the same figures:
they all build them here, from the :class:`~parindex.analysis.AnalysedResult`.
Numbers are rounded only when they are put into a sentence (``format_vn``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from parindex import messages
from parindex.analysis import (
    DECREASED,
    DIFFERENCE_SHOWN,
    INCREASED,
    MAINTAINED,
    TRENDS,
    AnalysedResult,
    Headline,
    LeadBefore,
)
from parindex.consolidate import MAXIMUM_MOVED
from parindex.numbers import round2, round2_expr, shown_change, shown_percent
from parindex.problems import who_submitted
from parindex.text import format_vn

_COMPONENT = "chỉ số thành phần"
_TREND_VERBS = {
    INCREASED: "tăng điểm",
    MAINTAINED: "duy trì điểm",
    DECREASED: "giảm điểm",
}
_EXTREMES = {INCREASED: "mức tăng cao nhất", DECREASED: "mức giảm cao nhất"}
STATUS_WORDS = {"final": "chính thức", "provisional": "tạm tính"}
STATUS_LABELS = {"final": "Chính thức", "provisional": "Tạm tính"}
NO_RECONCILIATION = "Chưa có số liệu công bố của năm {year} để đối chiếu."


# --- headline ---------------------------------------------------------------------


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


def headline_figure(headline: Headline) -> str:
    """The headline figure as every output writes it: ``79,27 điểm (số công bố;
    tính từ các tiêu chí: 79,24 điểm)``, or ``79,24/100 điểm (tính từ các tiêu
    chí)`` for a year the province has not published; ``chưa có điểm (…)`` for
    one none of whose criteria is scored (README, Choices: "Nothing scored")."""
    provisional = "; số liệu tạm tính" if headline.status != "final" else ""
    if not headline.scored:
        if headline.source == "published":
            return f"{format_vn(headline.total)} điểm (số công bố; {messages.NOTHING_SCORED})"
        return messages.NO_SCORE
    if headline.source == "published":
        return (
            f"{format_vn(headline.total)} điểm (số công bố; tính từ các tiêu chí: "
            f"{format_vn(headline.computed_total)} điểm{provisional})"
        )
    return (
        f"{format_vn(headline.total)}/{format_vn(headline.maximum)} điểm "
        f"(tính từ các tiêu chí{provisional})"
    )


def headline_change(headline: Headline) -> str:
    """``tăng 7,17 điểm so với năm 2022 (72,1 điểm)``, or '' without a previous
    figure; the change is between the two quoted figures. A year with no
    figure of its own: ``chưa so sánh được với năm 2022 (72,1 điểm)``."""
    if headline.previous_total is None:
        return ""
    if not headline.has_figure:
        return (
            f"chưa so sánh được với năm {headline.previous_year} "
            f"({format_vn(headline.previous_total)} điểm)"
        )
    if headline.delta is None:
        return ""
    # a computed total some of whose criteria are not scored (they count 0)
    unscored = (
        f"; năm {headline.year} còn {headline.unscored_leaves}/{headline.leaves} "
        "tiêu chí chưa có điểm (tính 0 điểm)"
        if headline.source == "computed" and headline.unscored_leaves
        else ""
    )
    if headline.previous_maximum is not None:  # two scales: both said
        return (
            f"{change_text(headline.delta)} so với năm {headline.previous_year} "
            f"({format_vn(headline.previous_total)}/"
            f"{format_vn(headline.previous_maximum)} điểm{_bases(headline)}; năm "
            f"{headline.year} tối đa {format_vn(headline.maximum)} điểm: hai năm "
            f"khác thang điểm){unscored}"
        )
    return (
        f"{change_text(headline.delta)} so với năm {headline.previous_year} "
        f"({format_vn(headline.previous_total)} điểm{_bases(headline)}){unscored}"
    )


def _bases(headline: Headline) -> str:
    """What follows last year's figure when it is published, this year's is
    computed (not published yet) and last year's own complete folder computes
    another total: its label and the change between the two computed totals
    (``, số công bố; tính từ các tiêu chí năm 2022: 71,6 điểm, tăng 7,64
    điểm``); nothing otherwise."""
    if headline.source != "computed" or headline.previous_source != "published":
        return ""
    computed = headline.previous_computed
    if computed is None or round2(computed) == round2(headline.previous_total or 0):
        return ""  # the same figure either way
    return (
        f", số công bố; tính từ các tiêu chí năm {headline.previous_year}: "
        f"{format_vn(computed)} điểm, {change_text(shown_change(headline.computed_total, computed))}"
    )


def headline_sentence(headline: Headline) -> str:
    """``Năm 2023, Chỉ số cải cách hành chính đạt 79,27 điểm (số công bố; tính từ
    các tiêu chí: 79,24 điểm), xếp thứ 2/8, giữ nguyên thứ hạng và tăng 7,17 điểm
    so với năm 2022 (72,1 điểm).``: the one headline of every output."""
    verb = "" if not headline.has_figure else "đạt "
    parts = [
        f"Năm {headline.year}, Chỉ số cải cách hành chính {verb}"
        f"{headline_figure(headline)}"
    ]
    if headline.rank is not None:
        parts.append(f"xếp thứ {rank_text(headline.rank, headline.units)}")
    changes = [
        rank_change(headline.rank, headline.previous_rank),
        headline_change(headline),
    ]
    changes = [c for c in changes if c]
    if changes:
        parts.append(" và ".join(changes))
    return ", ".join(parts) + "."


def headline_record(headline: Headline) -> dict[str, Any]:
    """The headline for JSON (the summary and the CLI): figures at 2 decimals and
    the Vietnamese texts."""

    def shown(value: float | None) -> float | None:
        return None if value is None else round2(value)

    return {
        "total": shown(headline.total) if headline.has_figure else None,
        "source": headline.source,
        "computed_total": shown(headline.computed_total) if headline.scored else None,
        "previous_year": headline.previous_year,
        "previous_total": shown(headline.previous_total),
        "delta": shown(headline.delta),
        "figure": headline_figure(headline),
        "change": headline_change(headline) or None,
        "text": headline_sentence(headline),
    }


def headline_sentences(result: AnalysedResult) -> list[str]:
    """The opening of section I: the headline sentence, and the status when the
    year is provisional (the reconciliation is in the report's appendix)."""
    current = result.current
    sentences = [headline_sentence(result.analysis.headline)]
    if current.status != "final":
        scored, leaves = current.coverage
        uncounted = _uncounted(result)
        why = (
            f"; chưa tính điểm của {uncounted}"
            if uncounted
            else ", một số tiêu chí chưa có điểm thẩm định"
        )
        sentences.append(
            f"Số liệu năm {result.year} còn tạm tính: đã có điểm {scored}/{leaves} "
            f"tiêu chí{why}."
        )
    return sentences


_UNCOUNTED = {
    "missing": "chưa nộp bài",
    "unknown": "chưa rõ đã nộp hay chưa: thư mục không đọc được",
    "unusable": "tệp không dùng được",
    "waiting": "tệp vừa được sửa lúc chạy, để lại cho lần chạy sau",
}


def _uncounted(result: AnalysedResult) -> str:
    """The departments whose scores are not in the year's figures, each with
    why (``problems.split_submitted``), in the criteria set's order; "" when
    every department's are."""
    pairs, _, _, found = who_submitted(
        result.current.criteria_set.departments, result.submissions, result.problems
    )
    why = {
        code: reason
        for kind, reason in _UNCOUNTED.items()
        for code, _ in getattr(found, kind)
    }
    return _joined([f"{name} ({why[code]})" for code, name in pairs if code in why])


def _joined(parts: Sequence[str]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


# --- components ---------------------------------------------------------------


def _names(rows: Sequence[Mapping[str, Any]]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    return _joined([str(r["name"]) for r in rows])


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
    # a component none of whose criteria is scored is not compared (README,
    # Choices: "Nothing scored"): said apart from one without a previous score
    unscored = (
        components.filter(pl.col("score").is_null()).to_dicts()
        if "score" in components.columns
        else []
    )
    if compared.height == 0 and len(unscored) == total:
        return nothing_scored_sentence(f"chưa so sánh được {total} {_COMPONENT}")
    if compared.height == 0 and not unscored:
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
    if unscored:
        clauses.append(
            f"{count(len(unscored))} {_COMPONENT} chưa có tiêu chí nào được chấm "
            f"nên chưa so sánh được ({_names(unscored)})"
        )
    unknown = components.filter(
        pl.col("trend").is_null()
        & (pl.col("score").is_not_null() if "score" in components.columns else True)
    ).to_dicts()
    if unknown:
        clauses.append(
            f"{count(len(unknown))} {_COMPONENT} chưa có điểm năm trước để so sánh "
            f"({_names(unknown)})"
        )
    text = _capitalised("; ".join(clauses)) + "."
    # a change quoted on a sum with criteria not scored (counted 0) says so
    partial = (
        components.filter(
            pl.col("trend").is_not_null() & (pl.col("scored") < pl.col("leaves"))
        ).to_dicts()
        if {"leaves", "scored"} <= set(components.columns)
        else []
    )
    if partial:
        listed = "; ".join(
            f"{r['leaves'] - r['scored']}/{r['leaves']} tiêu chí của {r['name']}"
            for r in partial
        )
        text += f" Chưa có điểm, tính 0 điểm: {listed}."
    return text


def component_sentence(
    row: Mapping[str, Any], year: int, previous_year: int | None
) -> str:
    """``Năm 2023, chỉ số thành phần Cải cách thủ tục hành chính đạt 13/13,5 điểm,
    bằng 96,3 %, tăng 3,5 điểm so với năm 2022 (9,5 điểm).``; a component some of
    whose criteria are not scored says how many (they count 0: README, Choices:
    "Missing leaves")."""
    if row["score"] is None:
        return f"Năm {year}, {_COMPONENT} {row['name']} {messages.NO_SCORE}."
    score = row["score"]
    text = (
        f"Năm {year}, {_COMPONENT} {row['name']} đạt {format_vn(score)}/"
        f"{format_vn(row['max'])} điểm"
    )
    if row.get("percent") is not None:
        text += f", bằng {format_vn(row['percent'])} %"
    leaves, scored = row.get("leaves"), row.get("scored")
    unscored = (
        f"; còn {leaves - scored}/{leaves} tiêu chí chưa có điểm (tính 0 điểm)"
        if leaves is not None and scored is not None and scored < leaves
        else ""
    )
    word, previous = row.get("trend"), row.get("previous")
    if word is None or previous is None:
        return text + unscored + "; chưa có điểm năm trước để so sánh."
    since = f"năm {previous_year}" if previous_year is not None else "năm trước"
    if word == MAINTAINED:
        return text + f", giữ nguyên điểm so với {since}{unscored}."
    return (
        text + f", {change_text(row['delta'])} so với {since} "
        f"({format_vn(previous)} điểm){unscored}."
    )


# --- reconciliation -----------------------------------------------------------


def reconciliation_sentences(result: AnalysedResult) -> list[str]:
    """One sentence per published figure that differs from the computed one."""
    sentences = []
    for row in result.analysis.reconciliation.iter_rows(named=True):
        if row["difference"] is None:  # nothing computed: said by the summary
            continue
        if abs(row["difference"]) < DIFFERENCE_SHOWN:
            continue
        sentences.append(
            f"{row['label']}: công bố {format_vn(row['published'])}, tính từ các tiêu "
            f"chí {format_vn(row['computed'])} (chênh lệch "
            f"{signed(row['difference'])}). {row['note']}"
        )
    return sentences


# --- departments --------------------------------------------------------------


def signed(value: float | None) -> str:
    """``+1,92``, ``-1``, ``0`` (the sign as shown at 2 decimals), ``—`` for None."""
    if value is None:
        return "—"
    shown = format_vn(value)
    return f"+{shown}" if round2(value) > 0 else shown


def department_figures(record: Mapping[str, Any]) -> str:
    """``đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm`` from a row of
    ``YearResult.departments``."""
    leaves, scored = record.get("leaves"), record.get("scored")
    if record["score"] is None:  # none of its criteria scored (README)
        return messages.NO_SCORE
    percent = record.get("percent")
    shown = f"{format_vn(percent)} %" if percent is not None else "—"
    lost = float(record["lost"])
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
    if record["lost"] is None or round2(float(record["lost"])) <= 0:
        return text + "."  # None: none of its criteria scored
    leaves, scored = record.get("leaves"), record.get("scored")
    if leaves is not None and scored is not None and leaves > scored:
        # "ở các tiêu chí:" would read as the list of those without a score
        return text + ". Các tiêu chí bị trừ điểm:"
    return text + " ở các tiêu chí:"


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
    text = text or ""
    printable = (
        text
        if text.isprintable()
        else "".join(c if c.isprintable() else " " for c in text)
    )
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


def scores_list(
    rows: Sequence[Mapping[str, Any]], notes: Mapping[str, str] | None = None
) -> str:
    """``1.2.1 (0/0,5), 1.3.2 (1,28/1,5)``; a leaf's note from ``notes`` after
    its score (``1.2 (1,5/2; năm 2022 do Phòng Kinh tế phụ trách)``)."""
    notes = notes or {}
    return ", ".join(
        f"{r['code']} ({format_vn(r['score'])}/{format_vn(r['max'])}"
        + (f"; {notes[r['code']]}" if r["code"] in notes else "")
        + ")"
        for r in rows
    )


def cuts_list(rows: Sequence[Mapping[str, Any]]) -> str:
    """``1.2.1 (tự chấm 0,5, thẩm định 0)``."""
    return ", ".join(
        f"{r['code']} (tự chấm {format_vn(r['self_score'])}, thẩm định "
        f"{format_vn(r['appraised_score'])})"
        for r in rows
    )


UNSCORED_LISTED = 20
"""The most criteria without a score a department's line names."""


def unscored_sentence(codes: Sequence[str]) -> str:
    """The line under a department's deductions naming its criteria without a
    valid score, in tree order (past ``UNSCORED_LISTED``, how many more)."""
    shown = ", ".join(codes[:UNSCORED_LISTED])
    more = len(codes) - UNSCORED_LISTED
    if more > 0:
        shown += f" và {more} tiêu chí khác"
    return f"Còn {len(codes)} tiêu chí chưa có điểm: {shown}."


def unscored_codes(leaves: pl.DataFrame) -> list[str]:
    """The codes of a department's leaves without a score, in tree order."""
    return leaves.filter(pl.col("score").is_null()).sort("position")["code"].to_list()


def department_summary(record: Mapping[str, Any], prefix: str) -> str:
    """``<prefix>: đạt 36,65/40,5 điểm, bằng 90,49 %, bị trừ 3,85 điểm``."""
    return f"{prefix}: {department_figures(record)}"


# --- scorecard lines ------------------------------------------------------------


def headline(result: AnalysedResult) -> str:
    """The scorecard's headline line: :func:`headline_sentence`."""
    return headline_sentence(result.analysis.headline)


def reconciliation_summary(result: AnalysedResult) -> str:
    """The reconciliation in one sentence: how many published figures differ from
    the computed ones, which, and whether any is left unexplained."""
    check = result.analysis.reconciliation
    if check.height == 0:
        return NO_RECONCILIATION.format(year=result.year)
    differing = check.filter(pl.col("difference").abs() >= DIFFERENCE_SHOWN)
    text = f"Đối chiếu {check.height} chỉ tiêu công bố năm {result.year}: "
    uncomputed = check.filter(pl.col("difference").is_null())
    if uncomputed.height == check.height:
        return text + messages.NOTHING_SCORED + ", chưa có số tính để đối chiếu."
    if uncomputed.height:
        text += (
            f"{uncomputed.height} chỉ tiêu chưa có số tính ({messages.NOTHING_SCORED}: "
            + ", ".join(uncomputed["label"].to_list())
            + "); "
        )
    if differing.height == 0:
        return (
            text + "các chỉ tiêu còn lại đều khớp với số tính từ các tiêu chí."
            if uncomputed.height
            else text + "tất cả đều khớp với số tính từ các tiêu chí."
        )
    listed = ", ".join(
        f"{r['label']} {signed(r['difference'])}"
        for r in differing.iter_rows(named=True)
    )
    flagged = int(check["flagged"].sum())
    verdict = (
        f"{flagged} chỉ tiêu chênh lệch chưa giải thích được, cần kiểm tra"
        if flagged
        else "các chênh lệch đều đã có giải thích"
    )
    return f"{text}{differing.height} chỉ tiêu chênh lệch ({listed}); {verdict}."


# --- criteria in sentences (the report) -------------------------------------------


def quoted_name(row: Mapping[str, Any]) -> str:
    """``tiêu chí 1.2.1 “Thực hiện đủ các báo cáo CCHC…”``."""
    return f"tiêu chí {row['code']} “{_clean(row['name'])}”"


def joined(items: Sequence[str]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def shared_note(
    departments: Sequence[str] | None,
    names: Mapping[str | None, str],
    own: str | None = None,
) -> str:
    """Who shares a leaf: `` (dùng chung với Phòng Tài chính - Kế hoạch)`` for a
    department's own list, `` (Phòng Nội vụ và Phòng Tài chính - Kế hoạch cùng
    phụ trách)`` otherwise; '' for a leaf of one department. Beyond
    ``SHARED_NAMED + 1`` departments, the first ``SHARED_NAMED`` are named and the
    others counted (``… và 101 đơn vị khác``; README, Choices)."""
    codes = list(dict.fromkeys(departments or []))
    if len(codes) < 2:
        return ""
    if own is not None:
        others = [names.get(c, c) for c in codes if c != own]
        return f" (dùng chung với {_named(others)})" if others else ""
    return f" ({_named([names.get(c, c) for c in codes])} cùng phụ trách)"


SHARED_NAMED = 5
"""Departments named in a shared leaf's note; the others are counted."""


def lead_names(result: AnalysedResult) -> dict[str | None, str]:
    """Department code → name as last year's set names it, then this year's (a
    leaf's departments last year, ``LeadBefore.departments``, are last year's
    codes)."""
    sets = [result.current.criteria_set]
    if result.previous is not None:
        sets.append(result.previous.criteria_set)
    return {d.code: d.name for s in sets for d in s.departments}


def _leaf_then(code: str, lead: LeadBefore, previous_year: int) -> str:
    """``1.6 (năm 2022 là 1.5)``: a leaf's code, with last year's when another."""
    if lead.code == code:
        return code
    return f"{code} (năm {previous_year} là {lead.code})"


def lead_before(
    code: str,
    lead: LeadBefore,
    previous_year: int,
    names: Mapping[str | None, str],
) -> str:
    """``năm 2022 do Phòng Kinh tế phụ trách`` (``năm 2022 là 1.5, do …`` for a
    leaf renumbered): the departments last year of leaf ``code``, when they
    were others than this year's (``analysis.previous_leads``)."""
    who = _named([names.get(c, c) for c in lead.departments])
    then = f" là {lead.code}," if lead.code != code else ""
    return f"năm {previous_year}{then} do {who} phụ trách"


def leads_before_sentence(
    leads: Mapping[str, LeadBefore],
    previous_year: int,
    names: Mapping[str | None, str],
    department: str | None = None,
) -> str:
    """`` Năm 2022, tiêu chí 1.2 do Phòng Kinh tế (KT) phụ trách.`` for each
    group of leaves lost both years that were other departments' last year
    (with ``department``, those it did not have last year); '' when there are
    none."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for code, lead in leads.items():
        if department is not None and department in lead.compared:
            continue
        groups.setdefault(lead.departments, []).append(
            _leaf_then(code, lead, previous_year)
        )
    return "".join(
        f" Năm {previous_year}, tiêu chí {', '.join(codes)} do "
        f"{_named([f'{names.get(c, c)} ({c})' for c in departments])} phụ trách."
        for departments, codes in groups.items()
    )


def _named(names: Sequence[str]) -> str:
    if len(names) <= SHARED_NAMED + 1:
        return joined(names)
    rest = len(names) - SHARED_NAMED
    return joined([*names[:SHARED_NAMED], f"{rest} đơn vị khác"])


def lost_criteria_sentence(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str | None, str]
) -> str:
    """The leaves of a component below their maximum, named in one sentence:
    ``Các tiêu chí chưa đạt điểm tối đa: tiêu chí 1.2.1 “…” đạt 0/0,5 điểm (Phòng
    Nội vụ và Phòng Tài chính - Kế hoạch cùng phụ trách); tiêu chí 1.5 “…” đạt 1/2
    điểm.``"""
    parts = [
        f"{quoted_name(r)} đạt {format_vn(r['score'])}/{format_vn(r['max'])} điểm"
        + shared_note(r.get("departments"), names)
        for r in rows
    ]
    return "Các tiêu chí chưa đạt điểm tối đa: " + "; ".join(parts) + "."


def group_sentence(
    label: str,
    score: float | None,
    maximum: float,
    previous: float | None,
    *,
    year: int,
    previous_year: int | None,
    unscored: tuple[int, int] | None = None,
) -> str:
    """``Điểm điều tra xã hội học: năm 2023 đạt 13,64/20 điểm (68,2 %), giảm 1,86
    điểm so với năm 2022 (15,5 điểm).``; ``score`` None when none of the group's
    criteria is scored: ``…: năm 2023 chưa có điểm (…), chưa so sánh được với năm
    2022 (15,5 điểm).``"""
    if score is None:
        text = f"{label}: năm {year} {messages.NO_SCORE}"
        if previous is None or previous_year is None:
            return text + "."
        return (
            text + f", chưa so sánh được với năm {previous_year} "
            f"({format_vn(previous)} điểm)."
        )
    percent = f" ({format_vn(shown_percent(score, maximum))} %)" if maximum else ""
    text = (
        f"{label}: năm {year} đạt {format_vn(score)}/{format_vn(maximum)} điểm{percent}"
    )
    # ``unscored``: (criteria not scored, criteria), those counted 0
    tail = (
        f"; còn {unscored[0]}/{unscored[1]} tiêu chí chưa có điểm (tính 0 điểm)"
        if unscored is not None and unscored[0]
        else ""
    )
    if previous is None or previous_year is None:
        return text + tail + "."
    delta = shown_change(score, previous)
    if delta == 0:
        return text + f", bằng năm {previous_year}{tail}."
    return (
        text + f", {change_text(delta)} so với năm {previous_year} "
        f"({format_vn(previous)} điểm){tail}."
    )


def nothing_scored_causes(previous_year: int | None) -> str:
    """The causes of rises and falls of a year none of whose criteria is scored:
    ``Chưa có tiêu chí nào được chấm … nên chưa so sánh được với năm 2022.``"""
    since = f"năm {previous_year}" if previous_year is not None else "năm trước"
    return nothing_scored_sentence(f"chưa so sánh được với {since}")


def nothing_scored_sentence(so: str) -> str:
    """``Chưa có tiêu chí nào được chấm từ bài nộp dùng được nên <so>.``"""
    return f"{_capitalised(messages.NOTHING_SCORED)} nên {so}."


def moved_sentence(rows: Sequence[Mapping[str, Any]], previous_year: int) -> str:
    """``tiêu chí 3.1.1 “…” từ 0,5 lên 1 điểm; tiêu chí 5.5.1 “…” từ 0,5 xuống 0
    điểm`` (the leaves whose score changed since ``previous_year``)."""
    parts = []
    for r in rows:
        word = "lên" if r["change"] > 0 else "xuống"
        before = r.get("previous_max")
        scales = (
            f" (tối đa năm {previous_year} {format_vn(before)} điểm, nay "
            f"{format_vn(r['max'])} điểm)"
            if before is not None and abs(before - r["max"]) >= MAXIMUM_MOVED
            else ""
        )
        parts.append(
            f"{quoted_name(r)} từ {format_vn(r['previous'])} {word} "
            f"{format_vn(r['score'])} điểm{scales}"
        )
    return "; ".join(parts)


def recoverable_sentence(record: Mapping[str, Any], previous_year: int | None) -> str:
    """``Phòng Tài chính - Kế hoạch: 10 tiêu chí chưa đạt điểm tối đa, có thể lấy
    lại 8,2 điểm (trong đó 3,1 điểm ở 4 tiêu chí bị trừ cả năm 2022).``"""
    text = (
        f"{record['name']}: {record['leaves']} tiêu chí chưa đạt điểm tối đa, có thể "
        f"lấy lại {format_vn(record['lost'])} điểm"
    )
    if previous_year is not None and record.get("recurring"):
        text += (
            f" (trong đó {format_vn(record['recurring_lost'])} điểm ở "
            f"{record['recurring']} tiêu chí bị trừ cả năm {previous_year})"
        )
    return text + "."


def office_words(office: str, what: str) -> str:
    """A marked place for the office's own words: ``[Phòng Nội vụ bổ sung: …]``
    (an office still a placeholder, ``[Cơ quan báo cáo]``, without its own
    brackets: one pair round the place)."""
    if office.startswith("[") and office.endswith("]"):
        office = office[1:-1]
    return f"[{office} bổ sung: {what}]"

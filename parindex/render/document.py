"""The text of the draft report as blocks, shared by the Word report and Markdown.

The draft follows the seed's structure: a title, **I.** the results (the headline
sentence, the table of the years, the components sentence and table, one paragraph
per component grouped into increased / maintained / decreased) and **II.** the points
lost by department (each department's total, then one bullet per deduction with its
score, maximum and reason). Every figure and name comes from the data.

The text is built once as a list of blocks (:func:`report_blocks`) and rendered both
to Word (``parindex.render.report``) and to Markdown (:func:`blocks_markdown`, used by
``parindex.render.markdown``), so that the draft, ``summary-<year>.md`` and the
Prefect artifact say the same thing. The sentences are ``parindex.render.prose``'s.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import polars as pl

from parindex.analysis import (
    DECREASED,
    INCREASED,
    LETTERS,
    MAINTAINED,
    AnalysedResult,
    LeadBefore,
    previous_leads,
)
from parindex.consolidate import TREND_WORDS
from parindex.numbers import (
    round2,
    round2_expr,
    shown_change,
    shown_percent,
    shown_total_lost,
)
from parindex.render.charts import components_chart, years_chart
from parindex.render.prose import (
    STATUS_WORDS,
    component_sentence,
    components_sentence,
    cuts_list,
    deduction_sentence,
    department_sentence,
    group_sentence,
    headline_sentences,
    lead_before,
    lead_names,
    lost_criteria_sentence,
    moved_sentence,
    nothing_scored_causes,
    nothing_scored_sentence,
    office_words,
    quoted_name,
    rank_text,
    reconciliation_sentences,
    reconciliation_summary,
    recoverable_sentence,
    scores_list,
    shared_note,
    signed,
    unscored_codes,
    unscored_sentence,
)
from parindex.text import format_vn

GROUP_TITLES: dict[str | None, str] = {
    INCREASED: "Nhóm chỉ số thành phần tăng điểm",
    MAINTAINED: "Nhóm chỉ số thành phần duy trì điểm",
    DECREASED: "Nhóm chỉ số thành phần giảm điểm",
    None: "Chỉ số thành phần chưa có điểm năm trước để so sánh",
}
MARKDOWN_ALIGN = {"left": "---", "center": ":---:", "right": "---:"}


def _untrended_title(rows: pl.DataFrame) -> str:
    """The heading of the components not compared: those without a score this
    year (none of their criteria scored), without one last year, or both kinds."""
    unscored = rows["score"].is_null()
    if unscored.all():
        return "Chỉ số thành phần chưa có điểm năm nay"
    if unscored.any():
        return "Chỉ số thành phần chưa so sánh được"
    return str(GROUP_TITLES[None])


@dataclass(frozen=True)
class Heading:
    """A numbered heading of the report (level 1 = I., II.; 2 = 1., 2.; 3 = a), b))."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``centered`` ones are the title lines; ``placeholder`` ones mark
    a place for the office's own words (highlighted in Word)."""

    text: str
    bold: bool = False
    italic: bool = False
    centered: bool = False
    placeholder: bool = False


@dataclass(frozen=True)
class Bullet:
    """One item of a list (a deduction), written after a ``-`` as in
    administrative documents."""

    text: str


@dataclass(frozen=True)
class Picture:
    """A chart as a PNG picture, ``width`` cm wide, after its caption line."""

    caption: str
    png: bytes
    width: float = 16.0


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a new page (Word only)."""


Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TableBlock:
    """A table of texts. ``align`` gives each column's alignment (figures on the
    right), ``widths`` their relative widths (equal when empty); the last row is a
    total row in bold when ``total`` is set."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...]
    widths: tuple[float, ...] = ()
    total: bool = False


@dataclass(frozen=True)
class Fragment:
    """Paragraphs and bullets already rendered for both outputs: Word's paragraphs
    as the UTF-8 XML spliced into the body (``parindex.render.report``) and their
    Markdown (:func:`blocks_markdown`), as ``parindex.render.fragments`` keeps
    them between nights. ``first_bullet`` and ``last_bullet``: whether it starts
    and ends with a bullet (Markdown glues two bullets with one line break)."""

    word: bytes
    markdown: str
    first_bullet: bool
    last_bullet: bool


Block = Heading | Paragraph | Bullet | TableBlock | Picture | PageBreak | Fragment


class Parts(Protocol):
    """Where the report finds the parts kept from an earlier night
    (``parindex.render.fragments.ReportParts``): each department's share of
    section II, and the charts."""

    def fragment(self, code: str) -> Fragment | None:
        """The part of ``code`` kept for what it is made of now, or None."""

    def keep(self, code: str, blocks: list[Block]) -> Fragment | None:
        """``blocks`` (``code``'s part) rendered, kept for the next night; None
        when they cannot be kept (then they are rendered as blocks)."""

    def picture(self, name: str, made_of: object, make: Callable[[], bytes]) -> bytes:
        """The picture ``name`` made from ``made_of``: kept, or ``make()``."""


BREAKDOWN_LABELS = {
    "appraisal": "Điểm thẩm định",
    "socioeconomic": "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội",
    "survey": "Điểm điều tra xã hội học",
    "sipas": "Tác động của cải cách hành chính đến người dân, tổ chức (điểm SIPAS)",
}
MOVED_SHOWN = 10  # criteria named per cause; the others are counted


# --- the text -------------------------------------------------------------------


def report_title(result: AnalysedResult) -> list[Block]:
    """``BÁO CÁO`` and the title naming the unit, then the ``Căn cứ`` paragraphs
    and the opening sentence of the settings' office."""
    unit = result.unit
    year = result.year
    blocks: list[Block] = [
        Paragraph("BÁO CÁO", bold=True, centered=True),
        Paragraph(
            f"Phân tích Chỉ số cải cách hành chính năm {year}",
            bold=True,
            centered=True,
        ),
        Paragraph(f"của {unit.unit}", bold=True, centered=True),
    ]
    blocks += [Paragraph(text) for text in unit.bases]
    blocks.append(
        Paragraph(
            f"{unit.office} báo cáo phân tích kết quả Chỉ số cải cách hành chính năm "
            f"{year} của {unit.unit} như sau:"
        )
    )
    return blocks


def report_blocks(result: AnalysedResult, parts: Parts | None = None) -> list[Block]:
    """The whole draft's text: title, :func:`report_body`, the closing line."""
    return [
        *report_title(result),
        *report_body(result, pictures=True, parts=parts),
        Paragraph(
            f"Trên đây là báo cáo phân tích Chỉ số cải cách hành chính năm "
            f"{result.year} của {result.unit.unit}./."
        ),
    ]


def report_body(
    result: AnalysedResult, *, pictures: bool = False, parts: Parts | None = None
) -> list[Block]:
    """Sections I (results, causes), II (points lost by department) and III
    (solutions); the charts only with ``pictures`` (Word). With ``parts``, what
    an earlier night rendered from the same data is taken from there."""
    return [
        *results_section(result, pictures=pictures, parts=parts),
        *causes_section(result),
        *departments_section(result, parts),
        *solutions_section(result),
    ]


def _names(result: AnalysedResult) -> dict[str | None, str]:
    return {d.code: d.name for d in result.current.criteria_set.departments}


def _chart(
    parts: Parts | None, name: str, made_of: object, make: Callable[[], bytes]
) -> bytes:
    """A chart's PNG: kept in ``parts`` when they have it for ``made_of``."""
    return make() if parts is None else parts.picture(name, made_of, make)


_MEMO: dict[str, tuple[weakref.ref[AnalysedResult], list[Block]]] = {}
"""The last result's sections, by name: the report and the Markdown summary of a
night say the same (the Markdown comes second and reuses them)."""


def _remembered(
    name: str, result: AnalysedResult, make: Callable[[], list[Block]]
) -> list[Block]:
    found = _MEMO.get(name)
    if found is not None and found[0]() is result:
        return list(found[1])
    blocks = make()
    _MEMO[name] = (weakref.ref(result), blocks)
    return list(blocks)


def results_section(
    result: AnalysedResult, *, pictures: bool = False, parts: Parts | None = None
) -> list[Block]:
    """I.: headline, years and their chart, components sentence, table and chart,
    one paragraph per component."""
    if pictures:
        return _remembered(
            "results", result, lambda: _results_section(result, True, parts)
        )
    found = _MEMO.get("results")
    if found is not None and found[0]() is result:  # the same without pictures
        return [block for block in found[1] if not isinstance(block, Picture)]
    return _results_section(result, False, None)


def _results_section(
    result: AnalysedResult, pictures: bool, parts: Parts | None
) -> list[Block]:
    year = result.year
    blocks: list[Block] = [
        Heading(f"I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", 1)
    ]
    blocks += [Paragraph(text) for text in headline_sentences(result)]
    years = result.analysis.years
    if years.height:
        blocks += [Paragraph("Kết quả qua các năm:"), years_block(years)]
        computed = years.filter(pl.col("source") == "computed")["year"].to_list()
        if computed:
            listed = ", ".join(str(y) for y in computed)
            blocks.append(
                Paragraph(
                    f"Năm {listed}: số tính từ các tiêu chí (chưa có số công bố).",
                    italic=True,
                )
            )
        if pictures:
            maximum = result.analysis.headline.maximum
            blocks.append(
                Picture(
                    "* Biểu đồ diễn biến chỉ số và thứ hạng qua các năm:",
                    _chart(
                        parts,
                        "years",
                        (years, maximum),
                        lambda: years_chart(years, maximum),
                    ),
                )
            )
    blocks.append(
        Paragraph(components_sentence(result.components, result.previous_year))
    )
    blocks.append(components_block(result))
    headline = result.analysis.headline
    if headline.source == "published" and round2(headline.total) != round2(
        headline.computed_total
    ):
        published_before = (
            f", năm {headline.previous_year} {format_vn(headline.previous_total)} điểm"
            if headline.previous_source == "published"
            and headline.previous_total is not None
            else ""
        )
        blocks.append(
            Paragraph(
                f"Tổng cộng các chỉ số thành phần tính từ các tiêu chí; số công bố "
                f"năm {headline.year} {format_vn(headline.total)} điểm"
                f"{published_before} (đối chiếu ở Phụ lục).",
                italic=True,
            )
        )
    if pictures and result.components.height:
        before = (
            f"năm {result.previous_year} và "
            if result.previous_year is not None
            else ""
        )
        components = result.components.select("name", "score", "previous")
        blocks.append(
            Picture(
                f"* Biểu đồ điểm các chỉ số thành phần {before}năm {year}:",
                _chart(
                    parts,
                    "components",
                    (components, year, result.previous_year),
                    lambda: components_chart(
                        result.components, year, result.previous_year
                    ),
                ),
            )
        )
    names = _names(result)
    lost = result.analysis.points_lost
    groups = result.analysis.components_by_trend
    for number, (word, rows) in enumerate(groups.items(), start=1):
        title = (
            "Các chỉ số thành phần"
            if word is None and len(groups) == 1
            else _untrended_title(rows)
            if word is None
            else GROUP_TITLES[word]
        )
        blocks.append(
            Heading(f"{number}. {title} ({rows.height:02d} chỉ số thành phần)", 2)
        )
        for index, row in enumerate(rows.iter_rows(named=True)):
            letter = LETTERS[index] if index < len(LETTERS) else str(index + 1)
            blocks.append(Heading(f"{letter}) Chỉ số thành phần {row['name']}", 3))
            blocks.append(
                Paragraph(component_sentence(row, year, result.previous_year))
            )
            blocks += breakdown_blocks(result, row["code"])
            below = lost.filter(pl.col("component") == row["code"]).sort("position")
            if below.height:
                blocks.append(
                    Paragraph(lost_criteria_sentence(below.to_dicts(), names))
                )
            elif row["score"] is not None:
                blocks.append(Paragraph("Các tiêu chí đã chấm đều đạt điểm tối đa."))
            blocks.append(
                Paragraph(
                    office_words(
                        result.unit.office,
                        "kết quả nổi bật, tồn tại, hạn chế của chỉ số thành phần.",
                    ),
                    italic=True,
                    placeholder=True,
                )
            )
    return blocks


def breakdown_blocks(result: AnalysedResult, component: str) -> list[Block]:
    """For a component whose leaves belong to several score groups (the Tác động
    component: survey, socio-economic, SIPAS), one bullet per group with its score
    and change; nothing for a component of one group."""
    leaves = result.criteria.filter(
        pl.col("is_leaf") & (pl.col("component") == component)
    )
    groups = [g for g in BREAKDOWN_LABELS if g in set(leaves["group"].to_list())]
    if len(groups) < 2:
        return []
    blocks: list[Block] = []
    for group in groups:
        rows = leaves.filter(pl.col("group") == group)
        previous = rows["previous"].drop_nulls()
        if result.previous_incomplete and previous.len() < rows.height:
            previous = previous.clear()  # a leaf the incomplete year lacks
        blocks.append(
            Bullet(
                group_sentence(
                    BREAKDOWN_LABELS[group],
                    # None: none of the group's criteria scored (README)
                    float(rows["score"].sum())
                    if rows["score"].is_not_null().any()
                    else None,
                    float(rows["max"].sum()),
                    float(previous.sum()) if previous.len() else None,
                    year=result.year,
                    previous_year=result.previous_year,
                    unscored=(int(rows["score"].null_count()), rows.height),
                )
            )
        )
    return blocks


def causes_section(result: AnalysedResult) -> list[Block]:
    """See :func:`_causes_section` (kept for the last result)."""
    return _remembered("causes", result, lambda: _causes_section(result))


def _causes_section(result: AnalysedResult) -> list[Block]:
    """``Nguyên nhân tăng, giảm điểm``: the criteria that rose and fell since the
    previous year (data), each followed by a marked place for the office's words."""
    if result.previous_year is None:
        return []
    changed = result.criteria.filter(
        pl.col("is_leaf") & pl.col("change").is_not_null() & (pl.col("change") != 0)
    )
    number = len(result.analysis.components_by_trend) + 1
    blocks: list[Block] = [
        Heading(f"{number}. Nguyên nhân các chỉ số thành phần tăng, giảm điểm", 2)
    ]
    if not result.current.scored:  # nothing rose or fell: nothing is scored
        blocks.append(Paragraph(nothing_scored_causes(result.previous_year)))
        return blocks
    if result.previous is None:  # last year's figures only, not its criteria
        blocks.append(
            Paragraph(
                f"Chưa có điểm từng tiêu chí của năm {result.previous_year} nên chưa "
                "so sánh được từng tiêu chí."
            )
        )
        return blocks
    office = result.unit.office
    for letter, (title, rising) in zip(
        "ab",
        (("Nguyên nhân tăng điểm", True), ("Nguyên nhân giảm điểm", False)),
        strict=True,
    ):
        blocks.append(Heading(f"{letter}) {title}", 3))
        rows = changed.filter(
            round2_expr(pl.col("change")) > 0
            if rising
            else round2_expr(pl.col("change")) < 0
        ).sort(pl.col("change").abs().round(6), "position", descending=[True, False])
        word = "tăng" if rising else "giảm"
        if rows.height:
            shown = rows.head(MOVED_SHOWN).to_dicts()
            more = rows.height - len(shown)
            tail = f"; và {more} tiêu chí khác" if more else ""
            blocks.append(
                Paragraph(
                    f"Năm {result.year} có {rows.height} tiêu chí {word} điểm so với "
                    f"năm {result.previous_year}, nhiều nhất: "
                    f"{moved_sentence(shown, result.previous_year)}{tail}."
                )
            )
        else:
            blocks.append(
                Paragraph(
                    f"Không có tiêu chí nào {word} điểm so với năm "
                    f"{result.previous_year}."
                )
            )
        blocks.append(
            Paragraph(
                office_words(office, f"nguyên nhân chủ quan, khách quan {word} điểm."),
                italic=True,
                placeholder=True,
            )
        )
    return blocks


_DEPARTMENTS_SECTION: list[
    tuple[weakref.ref[AnalysedResult], weakref.ref[Any] | None, list[Block]]
] = []


def departments_section(
    result: AnalysedResult, parts: Parts | None = None
) -> list[Block]:
    """II.: for each department, its total, its deductions (with whom a shared
    leaf is shared), what it also lost last year, and where the council cut its
    own score. (A paragraph or more per department: the report and the Markdown
    summary of the same result share them.) With ``parts``, a department's part
    kept from an earlier night for the same data is not built again
    (:func:`department_part`; its numbered heading always is), and the parts
    built are kept there."""
    for made_from, made_with, blocks in _DEPARTMENTS_SECTION:
        if made_from() is result and (
            parts is None or (made_with is not None and made_with() is parts)
        ):
            return list(blocks)
    blocks = _departments_section(result, parts)
    _DEPARTMENTS_SECTION[:] = [
        (weakref.ref(result), weakref.ref(parts) if parts is not None else None, blocks)
    ]
    return list(blocks)


def _departments_section(result: AnalysedResult, parts: Parts | None) -> list[Block]:
    names = _names(result)
    blocks: list[Block] = [Heading("II. CHỈ SỐ MẤT ĐIỂM THEO TỪNG LĨNH VỰC", 1)]
    departments = result.current.departments.filter(pl.col("leaves") > 0)
    for number, record in enumerate(departments.iter_rows(named=True), start=1):
        code = record["code"]
        blocks.append(Heading(f"{number}. {record['name']}", 2))
        kept = parts.fragment(code) if parts is not None else None
        if kept is not None:
            blocks.append(kept)
            continue
        part = department_part(result, record, names)
        made = parts.keep(code, part) if parts is not None else None
        blocks += [made] if made is not None else part
    return blocks


def department_part(
    result: AnalysedResult, record: dict[str, Any], names: dict[str | None, str]
) -> list[Block]:
    """A department's share of section II below its heading: what it is a function
    of is its department key's (``parindex.department_view``): its row of the
    departments, its leaves and deductions, last year's rows of them, and the
    criteria set (the names of those it shares leaves with)."""
    year = result.year
    code = record["code"]
    blocks: list[Block] = [Paragraph(department_sentence(record, year))]
    share = result.analysis.departments[code]
    shared = dict(
        zip(
            share.lost["code"].to_list(),
            share.lost["departments"].to_list(),
            strict=True,
        )
    )
    blocks += [
        Bullet(
            deduction_sentence(r).removesuffix(".")
            + shared_note(shared.get(r["code"]), names, own=code)
            + "."
        )
        for r in share.deductions.iter_rows(named=True)
    ]
    recurring = (
        share.recurring
        if result.previous is not None and share.lost.height
        else share.lost.clear()
    )
    if recurring.height and result.previous is not None:
        previous_year = result.previous.year
        everyone = lead_names(result)
        listed = scores_list(
            recurring.to_dicts(),
            {
                leaf: lead_before(leaf, lead, previous_year, everyone)
                for leaf, lead in previous_leads(result, recurring).items()
                if code not in lead.compared  # a leaf it did not have then
            },
        )
        blocks.append(
            Paragraph(
                f"Bị trừ điểm cả năm {previous_year} và năm {year} "
                f"(cần ưu tiên khắc phục): {listed}."
            )
        )
    own = share.cuts.sort("position") if share.cuts.height else share.cuts
    if own.height:
        blocks.append(
            Paragraph(
                f"Điểm thẩm định thấp hơn điểm tự đánh giá ở {own.height} tiêu chí "
                f"(tổng {format_vn(shown_total_lost(own, 'self_score', 'appraised_score'))}"
                " điểm): "
                f"{cuts_list(own.to_dicts())}."
            )
        )
    unscored = unscored_codes(share.leaves)
    if unscored:
        blocks.append(Paragraph(unscored_sentence(unscored)))
    return blocks


def solutions_section(result: AnalysedResult) -> list[Block]:
    """See :func:`_solutions_section` (kept for the last result)."""
    return _remembered("solutions", result, lambda: _solutions_section(result))


def _who(
    leaf: dict[str, Any],
    names: dict[str | None, str],
    before: LeadBefore | None,
    previous_year: int,
    everyone: dict[str | None, str],
) -> str:
    """`` (Phòng Tư pháp)``: a leaf's one department (or who share it), with
    ``; năm 2022 do … phụ trách`` when last year's were others (``before``)."""
    departments = leaf["departments"] or []
    parts = []
    shared = shared_note(departments, names)  # `` (… cùng phụ trách)``
    if shared:
        parts.append(shared.strip()[1:-1])
    elif len(departments) == 1:
        parts.append(names.get(departments[0], departments[0]))
    if before is not None:
        parts.append(lead_before(leaf["code"], before, previous_year, everyone))
    return f" ({'; '.join(parts)})" if parts else ""


def _solutions_section(result: AnalysedResult) -> list[Block]:
    """III. ``Giải pháp``: the criteria lost two years running and the points each
    department could win back (data), and a marked place for the office's words."""
    names = _names(result)
    previous_year = result.previous.year if result.previous is not None else None
    blocks: list[Block] = [Heading("III. GIẢI PHÁP NÂNG CAO CHỈ SỐ", 1)]
    lost = result.analysis.points_lost
    recurring = lost.filter(pl.col("recurring").fill_null(False)).sort("position")
    blocks.append(Heading("1. Các tiêu chí cần ưu tiên khắc phục", 2))
    if previous_year is None:
        blocks.append(
            Paragraph(
                "Chưa có điểm từng tiêu chí của năm trước nên chưa biết tiêu chí nào "
                "bị trừ điểm nhiều năm."
            )
        )
    elif not result.current.scored:
        blocks.append(Paragraph(nothing_scored_causes(previous_year)))
    elif recurring.height:
        blocks.append(
            Paragraph(
                f"{recurring.height} tiêu chí bị trừ điểm cả năm {previous_year} và "
                f"năm {result.year} (tổng "
                f"{format_vn(shown_total_lost(recurring, 'max', 'score'))} "
                "điểm năm nay):"
            )
        )
        leads = previous_leads(result, recurring)
        everyone = lead_names(result)
        blocks += [
            Bullet(
                f"{quoted_name(r)[:1].upper()}{quoted_name(r)[1:]}: đạt "
                f"{format_vn(r['score'])}/{format_vn(r['max'])} điểm"
                + _who(
                    r,
                    names,
                    leads.get(r["code"]),
                    previous_year,
                    everyone,
                )
                + "."
            )
            for r in recurring.iter_rows(named=True)
        ]
    else:
        blocks.append(
            Paragraph(
                f"Không có tiêu chí nào bị trừ điểm cả năm {previous_year} và năm "
                f"{result.year}."
            )
        )
    recoverable = result.analysis.recoverable.filter(pl.col("lost") > 0).sort(
        "lost", descending=True, maintain_order=True
    )
    blocks.append(Heading("2. Điểm có thể lấy lại theo đơn vị", 2))
    if recoverable.height:
        blocks += [
            Bullet(recoverable_sentence(r, previous_year))
            for r in recoverable.iter_rows(named=True)
        ]
    elif not result.current.scored:
        blocks.append(
            Paragraph(nothing_scored_sentence("chưa biết điểm có thể lấy lại"))
        )
    else:
        blocks.append(Paragraph("Không đơn vị nào bị trừ điểm."))
    blocks.append(Heading("3. Giải pháp", 2))
    blocks.append(
        Paragraph(
            office_words(
                result.unit.office,
                "các giải pháp, nhiệm vụ cụ thể và đơn vị chủ trì thực hiện.",
            ),
            italic=True,
            placeholder=True,
        )
    )
    return blocks


def appendix_blocks(result: AnalysedResult) -> list[Block]:
    """Phụ lục: every published figure of the year against the computed one, and
    the status of the data."""
    status = STATUS_WORDS.get(result.current.status, result.current.status)
    blocks: list[Block] = [
        Heading("PHỤ LỤC: ĐỐI CHIẾU SỐ LIỆU CÔNG BỐ VỚI SỐ TÍNH TỪ CÁC TIÊU CHÍ", 1),
        Paragraph(reconciliation_summary(result)),
    ]
    blocks += [Bullet(text) for text in reconciliation_sentences(result)]
    blocks.append(
        Paragraph(
            f"Số liệu {status}, tổng hợp từ bài nộp của các đơn vị theo "
            f"{result.current.criteria_set.name}.",
            italic=True,
        )
    )
    return blocks


def number_cell(value: float | None) -> str:
    """A figure in a table: 2 decimals with a decimal comma (``15,50``), '' if None."""
    if value is None:
        return ""
    text = f"{round2(value):.2f}"
    return text.replace(".", ",")


def years_block(years: pl.DataFrame) -> TableBlock:
    """The headline table of the seed: one row per year."""
    header = (
        "Năm",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
        "Điểm tác động KT-XH",
        "Điểm SIPAS",
        "Tổng điểm",
        "Xếp hạng",
    )
    rows = tuple(
        (
            str(r["year"]),
            number_cell(r["appraisal"]),
            number_cell(r["survey"]),
            number_cell(r["socioeconomic"]),
            number_cell(r["sipas"]),
            number_cell(r["total"]),
            rank_text(r["rank"], r["units"]) or "",
        )
        for r in years.iter_rows(named=True)
    )
    right: list[Align] = ["right"] * (len(header) - 1)
    return TableBlock(header, rows, ("center", *right))


def components_block(result: AnalysedResult) -> TableBlock:
    """Each component this year (and the previous year), with a total row."""
    components = result.components
    compared = result.previous_year is not None and bool(
        components["previous"].is_not_null().any()
    )
    total_before = result.compared_total[0] if compared else None
    maxima_differ = compared and (
        bool(
            components.filter(
                pl.col("previous_max").is_not_null()
                & ((pl.col("previous_max") - pl.col("max")).abs() > 1e-9)
            ).height
        )
        # a component added or dropped: the totals' maxima differ
        or (
            total_before is not None
            and abs(total_before - float(components["max"].sum())) > 1e-9
        )
    )
    year, before = result.year, result.previous_year
    header: list[str] = ["TT", "Chỉ số thành phần"]
    if maxima_differ:
        header += [f"Điểm tối đa năm {before}", f"Điểm tối đa năm {year}"]
    else:
        header.append("Điểm tối đa")
    if compared:
        header.append(f"Điểm năm {before}")
    header += [f"Điểm năm {year}", "Tỷ lệ đạt (%)"]
    if compared:
        header += ["Tăng/giảm", "Xu hướng"]

    def line(record: dict[str, Any]) -> tuple[str, ...]:
        cells = [record["code"] or "", record["name"]]
        if maxima_differ:
            cells += [number_cell(record["previous_max"]), number_cell(record["max"])]
        else:
            cells.append(number_cell(record["max"]))
        if compared:
            cells.append(number_cell(record["previous"]))
        cells += [number_cell(record["score"]), number_cell(record["percent"])]
        if compared:
            delta = record["delta"]
            cells += [
                signed(delta) if delta is not None else "",
                TREND_WORDS.get(record["trend"] or "", ""),
            ]
        return tuple(cells)

    rows = [line(r) for r in components.iter_rows(named=True)]
    maximum = float(components["max"].sum())
    # nothing scored: no figure, no change (README, Choices: "Nothing scored")
    score = (
        float(components["score"].fill_null(0.0).sum())
        if result.current.scored
        else None
    )
    previous_max, previous = result.compared_total if compared else (None, None)
    total: dict[str, Any] = {
        "code": "",
        "name": "Tổng cộng",
        "max": maximum,
        "previous_max": previous_max,
        "previous": previous,
        "score": score,
        "percent": shown_percent(score, maximum)
        if maximum and score is not None
        else None,
        "delta": shown_change(score, previous)
        if previous is not None and score is not None
        else None,
        "trend": None,
    }
    rows.append(line(total))
    right: list[Align] = ["right"] * (len(header) - 2)
    align: list[Align] = ["center", "left", *right]
    if compared:
        align[-1] = "left"
    widths = [0.8, 4.5, *([1.3] * (len(header) - 2))]
    return TableBlock(
        tuple(header), tuple(rows), tuple(align), tuple(widths), total=True
    )


# --- Markdown -------------------------------------------------------------------


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def blocks_markdown(blocks: Iterable[Block], heading_offset: int = 1) -> str:
    """The blocks as Markdown: headings one level below ``heading_offset`` ``#``,
    bullets as ``-`` items, tables as pipe tables (figures right-aligned); pictures
    and page breaks are Word's only."""
    return "".join(markdown_pieces(blocks, heading_offset))


def markdown_pieces(blocks: Iterable[Block], heading_offset: int = 1) -> Iterator[str]:
    """:func:`blocks_markdown` in pieces, one per block (with the line breaks
    before it) and the final line break: written one after another, a large
    unit's Markdown is never held whole (at 5000 departments tens of MB)."""
    started = after_bullet = False
    for block in blocks:
        if isinstance(block, Picture | PageBreak):
            continue
        bullet = isinstance(block, Bullet)
        if isinstance(block, Fragment):
            text, bullet = block.markdown, block.first_bullet
        elif isinstance(block, Heading):
            text = f"{'#' * (block.level + heading_offset)} {block.text}"
        elif isinstance(block, Bullet):
            text = f"- {block.text}"
        elif isinstance(block, Paragraph):
            text = block.text
            if block.bold:
                text = f"**{text}**"
            elif block.italic:
                text = f"*{text}*"
        else:
            text = _markdown_table(block)
        glue = "\n" if bullet and after_bullet else "\n\n"
        yield (glue if started else "") + text
        started = True
        after_bullet = block.last_bullet if isinstance(block, Fragment) else bullet
    yield "\n"


def _markdown_table(table: TableBlock) -> str:
    lines = [
        "| " + " | ".join(_markdown_cell(h) for h in table.header) + " |",
        "| " + " | ".join(MARKDOWN_ALIGN[a] for a in table.align) + " |",
    ]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        cells = [_markdown_cell(c) for c in row]
        if table.total and index == last:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

"""The annual analysis computed from the shipped Phong Thổ sample, and its sentences."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from parindex import analysis
from parindex.analysis import AnalysedResult
from parindex.consolidate import RECONCILIATION_NOTES, Result, trend
from parindex.ingest.collect import Ingested
from parindex.render import prose
from tests.render import conftest as sample

SEED_SENTENCE = (
    "5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 3,5 điểm (Cải cách thủ tục "
    "hành chính); 01 chỉ số thành phần duy trì điểm (Cải cách thể chế); 02 chỉ số "
    "thành phần giảm điểm, mức giảm cao nhất 1 điểm (Cải cách chế độ công vụ)."
)


@pytest.fixture(scope="module")
def ingested() -> dict[int, Ingested]:
    return sample.ingest_sample()


@pytest.fixture(scope="module")
def sample_result(ingested: dict[int, Ingested]) -> Result:
    """2023 compared with the consolidated 2022, with the published history."""
    return sample.build_sample_result(ingested)


@pytest.fixture(scope="module")
def first_year_result(ingested: dict[int, Ingested]) -> Result:
    """2022 with no previous year and no history."""
    return sample.build_first_year_result(ingested)


@pytest.fixture(scope="module")
def result_2022(ingested: dict[int, Ingested]) -> Result:
    """2022 with the published history (``compare(y22, None, history, …)``)."""
    return sample.build_2022_result(ingested)


def with_scores(
    components: pl.DataFrame, changes: dict[str, tuple[float | None, float]]
) -> pl.DataFrame:
    """``components`` with ``code → (previous, score)`` replaced, and the change and
    trend recomputed as ``compare`` does."""
    previous = {code: before for code, (before, _) in changes.items()}
    score = {code: after for code, (_, after) in changes.items()}
    edited = components.with_columns(
        previous=pl.when(pl.col("code").is_in(list(changes)))
        .then(pl.col("code").replace_strict(previous, default=None))
        .otherwise(pl.col("previous"))
        .cast(pl.Float64),
        score=pl.when(pl.col("code").is_in(list(changes)))
        .then(pl.col("code").replace_strict(score, default=None))
        .otherwise(pl.col("score"))
        .cast(pl.Float64),
    ).with_columns(delta=pl.col("score") - pl.col("previous"))
    return edited.with_columns(
        trend=pl.col("delta").map_elements(trend, return_dtype=pl.String)
    )


# --- the components sentence ------------------------------------------------------


def test_sentence_of_the_sample_is_the_seeds(sample_result: Result) -> None:
    assert prose.components_sentence(sample_result.components, 2022) == (SEED_SENTENCE)


def test_ties_name_every_component(sample_result: Result) -> None:
    components = with_scores(
        sample_result.components,
        {"1": (7.36, 10.86), "6": (3.4, 2.4)},  # +3.5 like 3; −1 like 5
    )
    assert prose.components_sentence(components, 2022) == (
        "5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 3,5 điểm (Công tác chỉ "
        "đạo điều hành cải cách hành chính và Cải cách thủ tục hành chính); 01 chỉ số "
        "thành phần duy trì điểm (Cải cách thể chế); 02 chỉ số thành phần giảm điểm, "
        "mức giảm cao nhất 1 điểm (Cải cách chế độ công vụ và Cải cách tài chính "
        "công)."
    )


def test_three_way_tie(sample_result: Result) -> None:
    components = with_scores(
        sample_result.components, {"1": (7.36, 10.86), "7": (9.66, 13.16)}
    )
    assert (
        "(Công tác chỉ đạo điều hành cải cách hành chính, Cải cách thủ tục hành "
        "chính và Xây dựng và phát triển" in prose.components_sentence(components, 2022)
    )


def test_first_year_has_nothing_to_compare(first_year_result: Result) -> None:
    assert first_year_result.previous_year is None
    assert prose.components_sentence(first_year_result.components) == (
        "Chưa có điểm các chỉ số thành phần năm trước nên chưa so sánh được 8 chỉ "
        "số thành phần."
    )
    assert prose.components_sentence(first_year_result.components, 2021) == (
        "Chưa có điểm các chỉ số thành phần năm 2021 nên chưa so sánh được 8 chỉ số "
        "thành phần."
    )


def test_previous_score_zero_is_a_rise_not_a_missing_year(
    sample_result: Result,
) -> None:
    components = with_scores(sample_result.components, {"4": (0.0, 7.5)})
    sentence = prose.components_sentence(components, 2022)
    assert sentence.startswith(
        "5/8 chỉ số thành phần tăng điểm, mức tăng cao nhất 7,5 điểm (Tổ chức bộ máy "
        "hành chính);"
    )
    row = components.filter(pl.col("code") == "4").row(0, named=True)
    assert prose.component_sentence(row, 2023, 2022) == (
        "Năm 2023, chỉ số thành phần Tổ chức bộ máy hành chính đạt 7,5/7,5 điểm, "
        "bằng 100 %, tăng 7,5 điểm so với năm 2022 (0 điểm)."
    )


def test_all_maintained(sample_result: Result) -> None:
    components = sample_result.components.with_columns(
        previous=pl.col("score"), delta=pl.lit(0.0), trend=pl.lit("maintained")
    )
    assert prose.components_sentence(components, 2022) == (
        "8/8 chỉ số thành phần duy trì điểm so với năm 2022; không có chỉ số thành "
        "phần nào tăng hoặc giảm điểm."
    )


def test_none_increased_and_one_without_previous(sample_result: Result) -> None:
    components = with_scores(
        sample_result.components,
        {code: (score, score) for code, score in [("1", 9.28), ("3", 13.0)]}
        | {"4": (7.5, 7.5), "7": (11.4, 11.4), "8": (24.38, 24.38)},
    ).with_columns(
        previous=pl.when(pl.col("code") == "2").then(None).otherwise("previous"),
        delta=pl.when(pl.col("code") == "2").then(None).otherwise("delta"),
        trend=pl.when(pl.col("code") == "2").then(None).otherwise("trend"),
    )
    assert prose.components_sentence(components, 2022) == (
        "Không có chỉ số thành phần nào tăng điểm; 5/8 chỉ số thành phần duy trì điểm "
        "(Công tác chỉ đạo điều hành cải cách hành chính, Cải cách thủ tục hành chính, "
        "Tổ chức bộ máy hành chính, Xây dựng và phát triển Chính quyền điện tử, Chính "
        "quyền số và Tác động của cải cách hành chính); 02 chỉ số thành phần giảm "
        "điểm, mức giảm cao nhất 1 điểm (Cải cách chế độ công vụ); 01 chỉ số thành "
        "phần chưa có điểm năm trước để so sánh (Cải cách thể chế)."
    )


def test_a_change_that_rounds_to_zero_is_maintained(sample_result: Result) -> None:
    components = with_scores(sample_result.components, {"2": (5.0, 4.996)})
    assert "01 chỉ số thành phần duy trì điểm (Cải cách thể chế)" in (
        prose.components_sentence(components, 2022)
    )


def test_groups_follow_the_seed(sample_result: Result) -> None:
    groups = analysis.components_by_trend(sample_result.components)
    assert {k: g["code"].to_list() for k, g in groups.items()} == {
        "increased": ["1", "3", "4", "7", "8"],
        "maintained": ["2"],
        "decreased": ["5", "6"],
    }


def test_component_sentences(sample_result: Result) -> None:
    rows = {r["code"]: r for r in sample_result.components.iter_rows(named=True)}
    assert prose.component_sentence(rows["3"], 2023, 2022) == (
        "Năm 2023, chỉ số thành phần Cải cách thủ tục hành chính đạt 13/13,5 điểm, "
        "bằng 96,3 %, tăng 3,5 điểm so với năm 2022 (9,5 điểm)."
    )
    assert prose.component_sentence(rows["2"], 2023, 2022).endswith(
        "đạt 5/5 điểm, bằng 100 %, giữ nguyên điểm so với năm 2022."
    )
    assert prose.component_sentence(rows["5"], 2023, 2022).endswith(
        "giảm 1 điểm so với năm 2022 (6,5 điểm)."
    )


# --- years, headline --------------------------------------------------------------


def test_years_table_prefers_published_figures(sample_result: Result) -> None:
    years = analysis.years_table(sample_result)
    assert years.select(
        "year", "source", "survey", "total", "computed_total", "rank", "units"
    ).rows() == [
        (2022, "published", 15.5, 72.1, pytest.approx(72.1), 2, 8),
        (2023, "published", 13.64, 79.27, pytest.approx(79.24), 2, 8),
    ]
    assert years["status"].to_list() == ["final", "final"]


def test_years_table_of_a_first_year_is_computed(first_year_result: Result) -> None:
    years = analysis.years_table(first_year_result)
    assert years.select("year", "source", "rank").rows() == [(2022, "computed", None)]


def test_headline(sample_result: Result) -> None:
    """One headline figure: the published total, the computed one in brackets,
    the change between published figures (README, "Choices")."""
    sentences = prose.headline_sentences(sample_result)
    assert sentences == [
        "Năm 2023, Chỉ số cải cách hành chính đạt 79,27 điểm (số công bố; tính từ "
        "các tiêu chí: 79,24 điểm), xếp thứ 2/8, giữ nguyên thứ hạng và tăng 7,17 "
        "điểm so với năm 2022 (72,1 điểm)."
    ]  # the reconciliation is in the appendix; nothing provisional
    headline = sample_result.analysis.headline
    assert (headline.total, headline.source) == (79.27, "published")
    assert round(headline.computed_total, 2) == 79.24
    assert (headline.previous_year, headline.previous_total) == (2022, 72.1)
    assert round(headline.delta or 0, 2) == 7.17
    assert round(headline.computed_delta or 0, 2) == 7.14
    assert prose.reconciliation_sentences(sample_result)[0].startswith(
        "Điểm điều tra XHH: công bố 13,64, tính từ các tiêu chí 13,61 (chênh lệch "
        "+0,03). Tỉnh làm tròn"
    )


def test_headline_of_a_first_year(first_year_result: Result) -> None:
    assert prose.headline_sentences(first_year_result) == [
        "Năm 2022, Chỉ số cải cách hành chính đạt 72,1/100 điểm (tính từ các tiêu chí)."
    ]


@pytest.mark.parametrize(
    ("position", "previous", "expected"),
    [
        (2, 2, "giữ nguyên thứ hạng"),
        (2, 5, "tăng 3 bậc"),
        (6, 5, "giảm 1 bậc"),
        (None, 5, ""),
    ],
)
def test_rank_change(position: int | None, previous: int, expected: str) -> None:
    assert prose.rank_change(position, previous) == expected


# --- points lost, self vs appraised -----------------------------------------------


def test_points_lost_recurring_first(sample_result: Result) -> None:
    lost = analysis.points_lost(sample_result)
    assert lost.height == 30
    assert round(float(lost["lost"].sum()), 2) == 20.76
    assert lost["rank"].to_list() == list(range(1, 31))
    recurring = lost["recurring"].to_list()
    assert recurring == [True] * 24 + [False] * 6
    assert lost["code"].to_list()[:3] == ["1.7", "8.6", "6.2.2"]
    assert lost["code"].to_list()[24:] == [
        "5.2.1",
        "6.2.1",
        "1.2.1",
        "1.2.6",
        "5.5.1",
        "7.3.3",
    ]
    survey = lost.filter(pl.col("code") == "8.6").row(0, named=True)
    assert (survey["lost"], survey["previous_lost"]) == pytest.approx((1.52, 1.58))


def test_points_lost_without_previous_leaves(result_2022: Result) -> None:
    lost = analysis.points_lost(result_2022)
    assert lost["recurring"].null_count() == lost.height
    shown = lost["lost"].round(6).to_list()
    assert shown == sorted(shown, reverse=True)


def test_recoverable_by_department(sample_result: Result) -> None:
    recoverable = analysis.recoverable_by_department(sample_result)
    assert recoverable["code"].to_list() == ["NV", "VP", "TP", "TCKH", "KTHT", "CQ"]
    finance = recoverable.filter(pl.col("code") == "TCKH").row(0, named=True)
    assert (finance["leaves"], finance["recurring"]) == (10, 7)
    assert (finance["lost"], finance["recurring_lost"]) == pytest.approx((7.25, 5.25))
    # the shared 1.2.1 counts for NV and for TCKH, as in the Đơn vị sheet
    assert recoverable["leaves"].sum() == 31
    departments = sample_result.current.departments
    assert recoverable["lost"].to_list() == pytest.approx(departments["lost"].to_list())


def test_over_claims(sample_result: Result) -> None:
    cuts = analysis.over_claims(sample_result.current)
    assert cuts.height == 15
    assert round(float(cuts["cut"].sum()), 2) == 8.64
    assert cuts["code"].to_list()[:6] == [
        "1.5",
        "5.2.1",
        "5.5.2",
        "6.1",
        "6.2.1",
        "7.1.2",
    ]
    assert cuts["code"].to_list()[-1] == "7.3.5"
    by_department = analysis.over_claims_by_department(sample_result.current, cuts)
    home = by_department.filter(pl.col("code") == "NV").row(0, named=True)
    assert (home["compared"], home["leaves"]) == (21, 5)
    assert (home["self_score"], home["appraised_score"], home["cut"]) == pytest.approx(
        (6.5, 3.28, 3.22)
    )
    justice = by_department.filter(pl.col("code") == "TP").row(0, named=True)
    assert (justice["leaves"], justice["cut"]) == (0, 0)


def test_self_scores_only_are_not_over_claims(sample_result: Result) -> None:
    nodes = sample_result.current.nodes.with_columns(appraised_score=pl.lit(None))
    current = dataclasses.replace(sample_result.current, nodes=nodes)
    assert analysis.over_claims(current).height == 0


# --- reconciliation ---------------------------------------------------------------


def test_reconciliation_check(sample_result: Result) -> None:
    check = analysis.reconciliation_check(sample_result)
    rows = {r["figure"]: r for r in check.iter_rows(named=True)}
    assert rows["survey"]["explained"] and not rows["survey"]["flagged"]
    assert rows["total"]["explained"] and not rows["total"]["flagged"]
    assert rows["component 6"]["explained"]  # a 4e-16 difference
    assert rows["component 1"]["label"] == (
        "Chỉ số thành phần 1. Công tác chỉ đạo điều hành cải cách hành chính"
    )
    assert not check["flagged"].any()


def test_unexplained_differences_above_a_hundredth_are_flagged(
    sample_result: Result,
) -> None:
    other = RECONCILIATION_NOTES["other"]
    reconciliation = pl.DataFrame(
        {
            "figure": ["appraisal", "sipas", "total"],
            "published": [55.0, 9.28, 79.25],
            "computed": [54.86, 9.27, 79.24],
            "difference": [0.14, 0.008, 0.01],
            "note": [other, other, other],
        }
    )
    result = dataclasses.replace(sample_result, reconciliation=reconciliation)
    check = analysis.reconciliation_check(result)
    assert check.select("figure", "explained", "flagged").rows() == [
        ("appraisal", False, True),
        ("sipas", False, False),  # shows at 2 decimals, within 0.01
        ("total", False, False),
    ]


# --- departments ------------------------------------------------------------------


def test_department_sentence_of_2022_is_the_seeds(result_2022: Result) -> None:
    office = result_2022.current.departments.filter(pl.col("code") == "VP")
    assert prose.department_sentence(office.row(0, named=True), 2022) == (
        "Năm 2022, chỉ số thuộc các lĩnh vực phụ trách của Văn phòng HĐND và UBND "
        "huyện đạt 29,26/40,5 điểm, bằng 72,25 %, bị trừ 11,24 điểm ở các tiêu chí:"
    )


def test_department_with_deductions_and_criteria_unscored() -> None:
    """The list that follows is of the criteria deducted, not of those without a
    valid score (a helper re-testing read it so)."""
    record = {
        "name": "Phòng Tài chính - Kế hoạch",
        "max": 29.0,
        "score": 21.75,
        "lost": 7.25,
        "percent": 75.0,
        "leaves": 29,
        "scored": 28,
    }
    assert prose.department_sentence(record, 2023) == (
        "Năm 2023, chỉ số thuộc các lĩnh vực phụ trách của Phòng Tài chính - Kế "
        "hoạch đạt 21,75/29 điểm, bằng 75 %, bị trừ 7,25 điểm, còn 1/29 tiêu chí "
        "chưa có điểm hợp lệ. Các tiêu chí bị trừ điểm:"
    )


def test_department_without_deductions() -> None:
    record = {"name": "Phòng Tư pháp", "max": 9.5, "score": 9.5, "lost": 0.0}
    assert prose.department_sentence({**record, "percent": 100.0}, 2023) == (
        "Năm 2023, chỉ số thuộc các lĩnh vực phụ trách của Phòng Tư pháp đạt "
        "9,5/9,5 điểm, bằng 100 %, không bị trừ điểm."
    )
    assert prose.department_figures({**record, "percent": None}) == (
        "đạt 9,5/9,5 điểm, bằng —, không bị trừ điểm"
    )


def test_deduction_sentence(sample_result: Result) -> None:
    deductions = sample_result.current.deductions
    row = deductions.filter(pl.col("code") == "1.3.2").row(0, named=True)
    assert prose.deduction_sentence(row) == (
        "Tiêu chí 1.3.2: Xử lý các vấn đề phát hiện qua kiểm tra đạt 1,28/1,5 điểm do "
        "qua kiểm tra phát hiện 59 tồn tại tại các xã, đã khắc phục 45 tồn tại, 8 tồn "
        "tại đã khắc phục nhưng chưa có kết quả cụ thể, 6 tồn tại chưa khắc phục."
    )
    assert prose.deduction_sentence({**row, "reason": None}).endswith(
        "đạt 1,28/1,5 điểm (chưa ghi nguyên nhân)."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kết quả điều tra xã hội học", "kết quả điều tra xã hội học"),
        ("UBND tỉnh chưa phê duyệt", "UBND tỉnh chưa phê duyệt"),
        ("Phòng Nội vụ báo cáo muộn", "Phòng Nội vụ báo cáo muộn"),
        ("TTHC chưa công khai", "TTHC chưa công khai"),
        ("59 tồn tại", "59 tồn tại"),
        ("", ""),
    ],
)
def test_lower_first(text: str, expected: str) -> None:
    assert prose.lower_first(text) == expected


def test_department_slices_are_the_filters_they_replace(
    sample_result: AnalysedResult,
) -> None:
    """Each department's share is sliced once and holds the rows a filter gives,
    in the same order (a shared leaf under each of its departments)."""
    shares = sample_result.analysis.departments
    assert list(shares) == ["NV", "VP", "TP", "TCKH", "KTHT", "CQ"]
    lost = sample_result.analysis.points_lost
    for code, share in shares.items():
        assert share.lost.equals(
            lost.filter(pl.col("departments").list.contains(code))
        ), code
        assert share.deductions.equals(
            sample_result.current.deductions.filter(pl.col("department") == code)
        ), code
        assert share.leaves["code"].to_list() == (
            sample_result.criteria.filter(
                pl.col("is_leaf") & pl.col("departments").list.contains(code)
            )["code"].to_list()
        ), code
    assert (
        shares["NV"].lost["code"].to_list()[:1]
        == lost.filter(pl.col("departments").list.contains("NV"))["code"].to_list()[:1]
    )
    shared = [
        c for c in shares["NV"].lost["code"] if c in set(shares["TCKH"].lost["code"])
    ]
    assert "1.2.1" in shared


def test_analysis_is_computed_once_as_a_stage(sample_result: AnalysedResult) -> None:
    """The renderers read frames of the result; no identity-keyed cache is left."""
    import dataclasses

    assert dataclasses.is_dataclass(sample_result.analysis)
    for name in ("_by_identity", "_PARTITIONS", "rows_where", "for_department"):
        assert not hasattr(analysis, name), name
    again = analysis.analyse(sample_result)
    assert again.analysis.points_lost.equals(sample_result.analysis.points_lost)

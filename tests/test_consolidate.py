"""Consolidation rules on a small hand-made tree (4 levels, one shared leaf)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from parindex.consolidate import compare, consolidate_year, trend
from parindex.criteria import CriteriaSet, read_criteria_set
from parindex.history import empty_history
from parindex.problems import empty_problems
from tests.builders import write_criteria


def rows(*records: tuple[str, str, float | None, float | None]) -> pl.DataFrame:
    """Valid leaf rows: (department, code, self_score, appraised_score)."""
    return pl.DataFrame(
        [
            {
                "file": f"2023/{department}.xlsx",
                "sheet": "Chấm điểm",
                "code_cell": f"A{i + 6}",
                "self_cell": f"D{i + 6}",
                "appraised_cell": f"E{i + 6}",
                "department": department,
                "code": code,
                "self_score": self_score,
                "appraised_score": appraised,
                "reason": f"lý do {code}" if appraised is not None else None,
                "evidence": None,
            }
            for i, (department, code, self_score, appraised) in enumerate(records)
        ],
        schema={
            "file": pl.String,
            "sheet": pl.String,
            "code_cell": pl.String,
            "self_cell": pl.String,
            "appraised_cell": pl.String,
            "department": pl.String,
            "code": pl.String,
            "self_score": pl.Float64,
            "appraised_score": pl.Float64,
            "reason": pl.String,
            "evidence": pl.String,
        },
    )


FULL = rows(
    ("NV", "1.1", 1.0, 0.75),
    ("NV", "1.2.1", 0.5, 0.0),
    ("TCKH", "1.2.1", 0.5, 0.0),
    ("TCKH", "1.2.2.1", 1.0, 1.0),
    ("TCKH", "1.2.2.2", 0.5, 0.25),
    ("NV", "2.1", None, 2.13),
    ("TCKH", "2.2", None, 0.9),
)


def node(result_nodes: pl.DataFrame, code: str, column: str) -> object:
    return result_nodes.filter(pl.col("code") == code)[column].item()


def test_sums_every_node_from_the_leaves(small_criteria: CriteriaSet) -> None:
    year, problems = consolidate_year(small_criteria, FULL, 2023)
    assert problems.is_empty()
    assert node(year.nodes, "1.2.2", "score") == pytest.approx(1.25)
    assert node(year.nodes, "1.2", "score") == pytest.approx(1.25)
    assert node(year.nodes, "1", "score") == pytest.approx(2.0)
    assert node(year.nodes, "1", "lost") == pytest.approx(1.0)
    assert node(year.nodes, "2", "score") == pytest.approx(3.03)
    assert year.total == pytest.approx(5.03)
    assert year.groups == pytest.approx(
        {"appraisal": 2.0, "survey": 2.13, "socioeconomic": 0.0, "sipas": 0.9}
    )
    assert year.status == "final"
    assert node(year.nodes, "1", "self_score") == pytest.approx(3.0)


def test_shared_leaf_counts_for_each_of_its_departments(
    small_criteria: CriteriaSet,
) -> None:
    year, _ = consolidate_year(small_criteria, FULL, 2023)
    departments = {r["code"]: r for r in year.departments.iter_rows(named=True)}
    assert departments["NV"]["max"] == pytest.approx(1 + 0.5 + 3)
    assert departments["NV"]["score"] == pytest.approx(0.75 + 0 + 2.13)
    assert departments["TCKH"]["max"] == pytest.approx(0.5 + 1 + 0.5 + 1)
    # of the score as shown, to 2 decimals (README, Rounding)
    assert departments["TCKH"]["percent"] == 71.67  # 2,15 / 3
    lost = year.deductions.select("department", "code", "lost").rows()
    assert lost == [
        ("NV", "1.1", pytest.approx(0.25)),
        ("NV", "1.2.1", pytest.approx(0.5)),
        ("NV", "2.1", pytest.approx(0.87)),
        ("TCKH", "1.2.1", pytest.approx(0.5)),
        ("TCKH", "1.2.2.2", pytest.approx(0.25)),
        ("TCKH", "2.2", pytest.approx(0.1)),
    ]


def test_self_score_is_used_when_not_appraised_and_year_is_provisional(
    small_criteria: CriteriaSet,
) -> None:
    partial = rows(("NV", "1.1", 1.0, None), ("NV", "2.1", None, 2.5))
    year, _ = consolidate_year(small_criteria, partial, 2023)
    assert year.status == "provisional"
    assert node(year.nodes, "1.1", "source") == "self"
    assert node(year.nodes, "1.2.1", "source") == "missing"
    assert year.total == pytest.approx(3.5)
    assert year.coverage == (2, 6)
    assert year.missing["code"].to_list() == ["1.2.1", "1.2.2.1", "1.2.2.2", "2.2"]
    assert year.missing["departments"].to_list()[0] == ["NV", "TCKH"]


def test_points_lost_count_only_scored_leaves(small_criteria: CriteriaSet) -> None:
    partial = rows(("NV", "1.1", 1.0, 0.75), ("NV", "2.1", None, 2.5))
    year, _ = consolidate_year(small_criteria, partial, 2023)
    assert node(year.nodes, "1", "lost") == pytest.approx(0.25)
    assert node(year.nodes, "1.2", "lost") is None  # nothing below it scored yet
    assert node(year.nodes, "1.2.1", "lost") is None
    nv = year.departments.filter(pl.col("code") == "NV").row(0, named=True)
    assert (nv["max"], nv["score"], nv["lost"]) == (4.5, 3.25, pytest.approx(0.75))


def test_conflicting_shared_leaf_uses_the_lead_department_and_says_so(
    small_criteria: CriteriaSet,
) -> None:
    conflicting = rows(("TCKH", "1.2.1", 0.5, 0.5), ("NV", "1.2.1", 0.5, 0.0))
    year, problems = consolidate_year(small_criteria, conflicting, 2023)
    assert node(year.nodes, "1.2.1", "score") == 0.0
    assert problems.rows() == [
        (
            "error",
            "2023/NV.xlsx",
            "Chấm điểm",
            "E7",
            "NV",
            "1.2.1",
            "Tiêu chí dùng chung 1.2.1: các đơn vị chấm khác nhau (NV: 0; TCKH: 0,5 "
            "ở ô E6 của 2023/TCKH.xlsx); tổng hợp dùng 0 điểm của NV.",
        ),
        # the department whose figure is set aside is told too, in its own file
        # (its workbook's `Kiểm tra` said nothing: blind round 21, finding 2)
        (
            "warning",
            "2023/TCKH.xlsx",
            "Chấm điểm",
            "E6",
            "TCKH",
            "1.2.1",
            "Tiêu chí dùng chung 1.2.1: điểm 0,5 của đơn vị không được dùng vì "
            "khác điểm của NV; tổng hợp dùng 0 điểm của NV, đơn vị ghi đầu tiên ở "
            "tiêu chí này trong bộ chỉ số. Các đơn vị cần thống nhất một điểm.",
        ),
    ]


@pytest.mark.parametrize(
    ("lead", "other", "values"),
    [
        (0.25, 0.255, "NV: 0,25; TCKH: 0,255"),
        (0.0, 0.004, "NV: 0; TCKH: 0,004"),
        (0.125, 0.13, "NV: 0,125; TCKH: 0,13"),
    ],
)
def test_shared_scores_differing_past_two_decimals_conflict_as_typed(
    small_criteria: CriteriaSet, lead: float, other: float, values: str
) -> None:
    """Scores are taken to 3 decimals: 0,25 against 0,255 was a conflict
    quoted "TCKH: 0,26", and 0 against 0,004 none at all (blind round 27A,
    F7). The scores are compared and quoted as typed."""
    conflicting = rows(("TCKH", "1.2.1", 0.5, other), ("NV", "1.2.1", 0.5, lead))
    year, problems = consolidate_year(small_criteria, conflicting, 2023)
    assert node(year.nodes, "1.2.1", "score") == lead
    used = values.split("; ", maxsplit=1)[0].removeprefix("NV: ")
    assert problems["message"].to_list()[0] == (
        f"Tiêu chí dùng chung 1.2.1: các đơn vị chấm khác nhau ({values} "
        f"ở ô E6 của 2023/TCKH.xlsx); tổng hợp dùng {used} điểm của NV."
    )


def test_a_shared_leaf_whose_lead_gave_only_a_self_score_says_so(
    small_criteria: CriteriaSet,
) -> None:
    """The conflict named the code cell, and did not say that the lead's figure
    used was only its self score (blind round 19): it names the score cells,
    and "(tự đánh giá)" where the figure is a self score."""
    conflicting = rows(("TCKH", "1.2.1", 0.5, 0.0), ("NV", "1.2.1", 0.5, None))
    year, problems = consolidate_year(small_criteria, conflicting, 2023)
    assert node(year.nodes, "1.2.1", "score") == 0.5
    assert problems.select("cell", "message").rows() == [
        (
            "D7",
            "Tiêu chí dùng chung 1.2.1: các đơn vị chấm khác nhau (NV: 0,5 (tự đánh "
            "giá); TCKH: 0 ở ô E6 của 2023/TCKH.xlsx); tổng hợp dùng 0,5 điểm tự "
            "đánh giá của NV.",
        ),
        (
            "E6",
            "Tiêu chí dùng chung 1.2.1: điểm 0 của đơn vị không được dùng vì "
            "khác điểm của NV; tổng hợp dùng 0,5 điểm tự đánh giá của NV, đơn vị "
            "ghi đầu tiên ở tiêu chí này trong bộ chỉ số. Các đơn vị cần thống nhất "
            "một điểm.",
        ),
    ]


@pytest.mark.parametrize(
    ("delta", "word"),
    [
        (0.2, "increased"),
        (0.004, "maintained"),
        (-0.001, "maintained"),
        (-1.0, "decreased"),
        (None, None),
    ],
)
def test_trend_word_follows_the_change_shown(
    delta: float | None, word: str | None
) -> None:
    assert trend(delta) == word


def test_components_compare_with_the_previous_consolidated_year(
    small_criteria: CriteriaSet,
) -> None:
    current, _ = consolidate_year(small_criteria, FULL, 2023)
    before, _ = consolidate_year(  # every leaf scored: the year is complete
        small_criteria,
        rows(
            ("NV", "1.1", 1.0, 1.0),
            ("NV", "1.2.1", 0.0, 0.0),
            ("TCKH", "1.2.2.1", 0.0, 0.0),
            ("TCKH", "1.2.2.2", 0.0, 0.0),
            ("NV", "2.1", None, 3.03),
            ("TCKH", "2.2", None, 0.0),
        ),
        2022,
    )
    assert before.missing.is_empty()
    result = compare(current, before, empty_history(), pl.DataFrame(), empty_problems())
    components = result.components.select("code", "previous", "delta", "trend").rows()
    assert components == [
        ("1", 1.0, pytest.approx(1.0), "increased"),
        ("2", pytest.approx(3.03), pytest.approx(0.0), "maintained"),
    ]
    assert result.previous_total == pytest.approx(4.03)
    assert result.rank is None
    assert result.reconciliation.is_empty()


def test_shared_leaf_differing_only_in_self_assessment_is_a_warning(
    small_criteria: CriteriaSet,
) -> None:
    same_used = rows(("NV", "1.2.1", 0.5, 0.0), ("TCKH", "1.2.1", 0.25, 0.0))
    year, problems = consolidate_year(small_criteria, same_used, 2023)
    assert node(year.nodes, "1.2.1", "self_score") == 0.5
    assert problems.select("severity", "message").rows() == [
        (
            "warning",
            "Tiêu chí dùng chung 1.2.1: điểm tự đánh giá khác nhau (NV: 0,5; TCKH: 0,25) "
            "nhưng điểm sử dụng như nhau; tổng hợp dùng điểm tự đánh giá của NV.",
        )
    ]


THREE_WAY = [
    ["1", "Chỉ đạo điều hành", 3, None, None],
    ["1.1", "Kế hoạch", 1, "Thẩm định", "TCKH;NV;TP"],
    ["1.2", "Báo cáo", 1, "Thẩm định", "NV;TP"],
    ["1.3", "Tuyên truyền", 1, "Thẩm định", "TP;NV"],
]
THREE_DEPARTMENTS = [
    ("NV", "Phòng Nội vụ", ""),
    ("TCKH", "Phòng Tài chính - Kế hoạch", ""),
    ("TP", "Phòng Tư pháp", ""),
]


@pytest.fixture()
def three_way(tmp_path: Path) -> CriteriaSet:
    """Leaves shared by two or three departments, leads in different orders."""
    return read_criteria_set(
        write_criteria(
            tmp_path / "criteria" / "three.xlsx", THREE_WAY, THREE_DEPARTMENTS
        )
    )


def test_shared_leaves_are_judged_on_the_scores_shown_each_in_its_own_words(
    three_way: CriteriaSet,
) -> None:
    """Every department sharing a leaf is listed in the lead order; scores that
    are the same to the 9 decimals kept (0,5000000001 and 0,5) agree (0,504 and
    0,5 agreed too until blind round 27A, F7: they differ as typed); a
    department giving only a self score
    agrees with one whose appraised score shows the same, and its missing
    appraisal is not a difference of self scores shown as a number."""
    scored = rows(
        ("NV", "1.1", 1.0, 0.5),
        ("TP", "1.1", 1.0, 0.5000000001),
        ("TCKH", "1.1", 1.0, 0.75),  # the lead, alone against the two others
        ("NV", "1.2", 0.25, None),  # self only: 0,25 is used
        ("TP", "1.2", 0.5, 0.25),  # appraised 0,25: the same score is used
        ("TP", "1.3", 1.0, 1.0),
        ("NV", "1.3", 1.0, 0.9999999999),  # shows 1: agrees, nothing said
    )
    year, problems = consolidate_year(three_way, scored, 2023)
    assert node(year.nodes, "1.1", "score") == 0.75
    assert node(year.nodes, "1.1", "scored_by") == "TCKH"
    assert node(year.nodes, "1.2", "score") == 0.25
    assert node(year.nodes, "1.2", "scored_by") == "NV"
    assert node(year.nodes, "1.3", "scored_by") == "TP"
    assert problems.rows() == [
        (
            "error",
            "2023/TCKH.xlsx",
            "Chấm điểm",
            "E8",
            "TCKH",
            "1.1",
            "Tiêu chí dùng chung 1.1: các đơn vị chấm khác nhau (TCKH: 0,75; NV: 0,5 "
            "ở ô E6 của 2023/NV.xlsx; TP: 0,5 ở ô E7 của 2023/TP.xlsx); tổng hợp "
            "dùng 0,75 điểm của TCKH.",
        ),
        *(
            (
                "warning",
                f"2023/{department}.xlsx",
                "Chấm điểm",
                cell,
                department,
                "1.1",
                "Tiêu chí dùng chung 1.1: điểm 0,5 của đơn vị không được dùng vì "
                "khác điểm của TCKH; tổng hợp dùng 0,75 điểm của TCKH, đơn vị ghi "
                "đầu tiên ở tiêu chí này trong bộ chỉ số. Các đơn vị cần thống nhất "
                "một điểm.",
            )
            for department, cell in (("NV", "E6"), ("TP", "E7"))
        ),
        (
            "warning",
            "2023/NV.xlsx",
            "Chấm điểm",
            "A9",
            "NV",
            "1.2",
            "Tiêu chí dùng chung 1.2: điểm tự đánh giá khác nhau (NV: 0,25; TP: 0,5) "
            "nhưng điểm sử dụng như nhau; tổng hợp dùng điểm tự đánh giá của NV.",
        ),
    ]


def test_a_shared_leaf_scored_by_its_lead_alone_is_no_problem(
    three_way: CriteriaSet,
) -> None:
    year, problems = consolidate_year(three_way, rows(("TP", "1.3", 0.5, None)), 2023)
    assert problems.is_empty()
    assert node(year.nodes, "1.3", "source") == "self"
    assert node(year.nodes, "1", "score") == 0.5


def test_only_the_departments_whose_figure_differs_from_the_lead_are_told(
    three_way: CriteriaSet,
) -> None:
    """Of three departments sharing 1.1, TP gave the lead's figure: it is not
    told that its figure was set aside; NV, whose figure differs, is."""
    scored = rows(
        ("NV", "1.1", 1.0, 0.5),
        ("TP", "1.1", 1.0, 0.75),
        ("TCKH", "1.1", 1.0, 0.75),
    )
    _, problems = consolidate_year(three_way, scored, 2023)
    assert problems.select("severity", "department").rows() == [
        ("error", "TCKH"),
        ("warning", "NV"),
    ]

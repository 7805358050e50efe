"""A form's total row named as decisions print it, with its formula in brackets
(`Tổng cộng (I+II)`, `Cộng (1+2)`): it was an error ("Dòng có điểm nhưng không
có mã tiêu chí") on a right form; it is the form's total, checked, never added
(blind round 21c, finding 7, seen on the criteria set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest.validate import validate_rows
from tests.builders import write_submission
from tests.ingest.test_normalise_validate import _rows


@pytest.mark.parametrize("label", ["Tổng cộng (I+II)", "Cộng (1+2):", "TỔNG SỐ ĐIỂM"])
def test_a_total_row_with_its_formula_is_the_total(
    tmp_path: Path, small_criteria: CriteriaSet, label: str
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["2.1", "Điều tra", 3, 3, 2.5],
            [None, label, 4, 4, 3.5],  # the appraisal's total is wrong
        ],
    )
    rows, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell").rows() == [("warning", "E8")]
    assert sorted(rows["code"].to_list()) == ["1.1", "2.1"]


def _below_two_criteria(path: Path, label: str, appraised: float) -> Path:
    """A form of 1.1 (0,75) and 2.1 (2,5), then a row with no code named
    ``label`` giving ``appraised`` (3,25 is right)."""
    return write_submission(
        path,
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["2.1", "Điều tra", 3, 3, 2.5],
            [None, label, 4, 4, appraised],
        ],
    )


@pytest.mark.parametrize(
    "label",
    [
        "TỔNG ĐIỂM ĐẠT ĐƯỢC",
        "Tổng điểm tự chấm",
        "Tổng số điểm đạt được",
        "TỔNG CỘNG ĐIỂM",
        "TỔNG SỐ ĐIỂM TỰ ĐÁNH GIÁ",
        "Tổng điểm thẩm định:",
        "Tổng điểm của đơn vị",
        # re-check 27B, F4
        "Tổng điểm tự đánh giá và thẩm định",
        "Tổng điểm tự đánh giá, thẩm định",
        "Tổng điểm tự đánh giá/thẩm định",
        "Tổng điểm tự đánh giá - thẩm định",
        "Tổng điểm sau thẩm định",
        "Tổng điểm thẩm định chính thức",
        "Tổng điểm Hội đồng thẩm định",
        "Tổng điểm chấm của Hội đồng",
        "Tổng điểm đạt được năm 2023",
        "Cộng điểm",
        "Cộng điểm thẩm định",
        "Điểm tổng cộng",
        "Tổng điểm chung",
        "TỔNG ĐIỂM CHỈ SỐ CCHC",
        "Tổng điểm chỉ số cải cách hành chính",
    ],
)
def test_a_total_row_worded_as_offices_word_it_is_the_total(
    tmp_path: Path, small_criteria: CriteriaSet, label: str
) -> None:
    """The total's name followed by what it totals (blind round 27A, F4): it was
    "Dòng có điểm nhưng không có mã tiêu chí", a row set aside of a right form."""
    path = _below_two_criteria(tmp_path / "nv.xlsx", label, 3.25)
    rows, problems = validate_rows(_rows(path), small_criteria)
    assert problems.is_empty()
    assert sorted(rows["code"].to_list()) == ["1.1", "2.1"]
    wrong = _below_two_criteria(tmp_path / "tp.xlsx", label, 3.5)
    _, problems = validate_rows(_rows(wrong), small_criteria)
    assert problems.select("severity", "cell").rows() == [("warning", "E8")]


@pytest.mark.parametrize(
    "label",
    [
        "Tổng số văn bản được ban hành",
        "Điểm thưởng",
        "Tổng hợp ý kiến",
        "Tổng điểm bị trừ",
        "Tổng số hồ sơ",
        "Điểm",
        "Cộng tác viên",
    ],
)
def test_a_scored_row_named_otherwise_without_a_code_is_still_an_error(
    tmp_path: Path, small_criteria: CriteriaSet, label: str
) -> None:
    path = _below_two_criteria(tmp_path / "nv.xlsx", label, 3.25)
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell", "message").rows() == [
        ("error", "A8", "Dòng có điểm nhưng không có mã tiêu chí.")
    ]


def _with_subtotals(tmp_path: Path, first: float, second: float, total: float) -> Path:
    return write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            [None, "Cộng", 1.5, 1.5, first],
            ["2.1", "Điều tra", 3, 3, 2.5],
            [None, "Cộng", 3, 3, second],
            [None, "Tổng cộng (I+II)", 4.5, 4.5, total],
        ],
    )


def test_a_sum_row_under_each_component_is_checked_against_the_rows_above_it(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """`Cộng` under each component, then the form's total: each `Cộng` was
    checked against the whole form's leaves, so every right one was said to
    differ (blind round 21d, F13). A sum row after another is the sum of the
    rows since that one; the last may be the whole form's total."""
    path = _with_subtotals(tmp_path, 1.25, 2.5, 3.75)
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.is_empty()


def test_a_wrong_sum_row_under_a_component_is_said(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = _with_subtotals(tmp_path, 1.75, 2.5, 3.75)
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell", "message").rows() == [
        (
            "warning",
            "E8",
            "Dòng “Cộng”: điểm ghi 1,75 khác tổng điểm các tiêu chí trong tệp "
            "(1,25); parindex không cộng dòng tổng mà tự tính lại.",
        )
    ]


def test_a_total_placed_first_is_said_against_the_whole_form(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """A grand total right under the header, above every criterion: a wrong
    one was said to differ from 0 (the rows above it), not from the form's
    3,25 (re-check 27B, F5); a right one is silent."""
    for appraised, expected in ((3.25, []), (9, ["(3,25)"])):
        path = write_submission(
            tmp_path / f"nv-{appraised}.xlsx",
            [
                [None, "TỔNG ĐIỂM ĐẠT ĐƯỢC", 4, 4, appraised],
                ["1.1", "Kế hoạch", 1, 1, 0.75],
                ["2.1", "Điều tra", 3, 3, 2.5],
            ],
        )
        _, problems = validate_rows(_rows(path), small_criteria)
        found = [m[m.index("(") : m.index(")") + 1] for m in problems["message"]]
        assert found == expected


def test_a_self_score_used_for_now_is_quoted_as_typed(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """0,255 was quoted "0,26" in the blank-appraisal warning, "0,255" in the
    same run's shared-criterion conflict (re-check 27B, F7)."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [["1.1", "Kế hoạch", 1, 1, 0.75], ["1.2.1", "Báo cáo chung", 0.5, 0.255, None]],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    (message,) = problems["message"].to_list()
    assert "tạm dùng điểm tự đánh giá 0,255" in message, message

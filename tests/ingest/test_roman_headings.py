"""A component's heading numbered in Roman numerals (``I``, ``II.``), as many
province templates print it, often carrying the office's subtotal: it is the
component of that number (``I`` → ``1``), a subtotal like any other, checked
against the file's leaves below it and never added. It was an error ("ô mã
tiêu chí “I” không phải là mã hợp lệ"), the night "có lỗi" on right forms
(blind round 21, template5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest.validate import validate_rows
from parindex.text import roman_component
from tests.builders import write_submission
from tests.ingest.test_normalise_validate import _rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", "1"),
        ("II.", "2"),
        (" IV ", "4"),
        ("VIII", "8"),
        ("IX.", "9"),
        ("XIV", "14"),
        ("i.", None),  # a sub-item marker
        ("ii", None),
        ("IIII", None),
        ("VX", None),
        ("", None),
        ("C", None),
        ("I.1", None),
    ],
)
def test_roman_component(text: str, expected: str | None) -> None:
    assert roman_component(text) == expected


def test_a_roman_heading_with_the_office_subtotal_is_a_checked_subtotal(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["I", "Chỉ đạo điều hành", 3, 1.5, 1.25],  # right
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            ["II.", "Tác động", 4, 3, 9],  # wrong appraisal subtotal
            ["2.1", "Điều tra", 3, 3, 2.5],
        ],
    )
    rows, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell", "message").rows() == [
        (
            "warning",
            "E9",
            # the heading as the form writes it, then the component's code
            # (it said "Dòng tổng 2": blind round 21b, finding 7)
            "Dòng tổng II (2): điểm ghi 9 khác tổng điểm các tiêu chí con trong "
            "tệp (2,5); parindex không cộng dòng tổng mà tự tính lại.",
        )
    ]
    # only the leaves count: the headings are not added
    leaves = rows.filter(rows["code"].is_in(["1.1", "1.2.1", "2.1"]))
    assert leaves["appraised_score"].to_list() == [0.75, 0.5, 2.5]
    assert sorted(rows["code"].to_list()) == ["1.1", "1.2.1", "2.1"]

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

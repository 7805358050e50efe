"""A subtotal row is checked against the sum of its leaves exactly, whatever the
order of the rows: sums are exact decimals (integers of billionths,
``parindex.numbers``), so a difference of exactly 0,005 (the tolerance) is within
it in every order, and 0,006 is not in any. In binary floating point, 0,1 + 0,2 +
0,3 is 0,6000000000000001 in one order and 0,6 in another, and 0,605 minus the
latter is 0,0050000000000000044: a warning or not depending on the order."""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
import pytest

from parindex.criteria import read_criteria_set
from parindex.ingest.normalise import normalise_rows
from parindex.ingest.read import SUBMISSION_COLUMNS, SUBMISSION_LABELS
from parindex.ingest.validate import validate_rows
from parindex.workbook import find_table, iter_sheets, open_workbook
from tests.builders import write_criteria, write_submission

LEAVES = [("1.1", 0.1), ("1.2", 0.2), ("1.3", 0.3)]
TREE = [
    ["1", "Chỉ đạo điều hành", 3, None, None],
    *[[code, f"Tiêu chí {code}", 1, "Thẩm định", "NV"] for code, _ in LEAVES],
]


def _rows(tmp_path: Path, stated: float) -> pl.DataFrame:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1", "Chỉ đạo điều hành", 3, None, stated],
            *[[code, f"Tiêu chí {code}", 1, None, score] for code, score in LEAVES],
        ],
    )
    table = find_table(
        iter_sheets(open_workbook(path)), SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS
    )
    assert table is not None
    return normalise_rows(table, "2023/nv.xlsx", "NV")


def _orders(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """The rows with the leaves in every order (the subtotal first or last)."""
    subtotal, leaves = rows.head(1), rows.slice(1)
    orders = []
    for order in itertools.permutations(range(leaves.height)):
        permuted = leaves[list(order)]
        orders += [pl.concat([subtotal, permuted]), pl.concat([permuted, subtotal])]
    return orders


@pytest.mark.parametrize(("stated", "warned"), [(0.605, False), (0.606, True)])
def test_a_subtotal_on_the_tolerance_edge_is_judged_the_same_in_every_order(
    tmp_path: Path, stated: float, warned: bool
) -> None:
    criteria = read_criteria_set(write_criteria(tmp_path / "c.xlsx", TREE))
    expected = (
        [
            "Dòng tổng 1: điểm ghi 0,61 khác tổng điểm các tiêu chí con trong tệp "
            "(0,6); parindex không cộng dòng tổng mà tự tính lại."
        ]
        if warned
        else []
    )
    for rows in _orders(_rows(tmp_path, stated)):
        good, problems = validate_rows(rows, criteria)
        assert sorted(good["code"].to_list()) == ["1.1", "1.2", "1.3"]
        assert problems["message"].to_list() == expected, rows["code"].to_list()


@pytest.mark.parametrize(("maximum", "usable"), [(0.605, True), (0.606, False)])
def test_a_parents_maximum_on_the_tolerance_edge_is_judged_the_same_in_every_order(
    tmp_path: Path, maximum: float, usable: bool
) -> None:
    """The criteria set's own check: a parent's maximum against its children's."""
    from parindex.errors import ParindexError

    children = [("1.1", 0.1), ("1.2", 0.2), ("1.3", 0.3)]
    for i, order in enumerate(itertools.permutations(children)):
        tree = [
            ["1", "Chỉ đạo điều hành", maximum, None, None],
            *[[code, f"Tiêu chí {code}", m, "Thẩm định", "NV"] for code, m in order],
        ]
        path = write_criteria(tmp_path / f"c{i}.xlsx", tree)
        if usable:
            read_criteria_set(path)
        else:
            with pytest.raises(ParindexError):
                read_criteria_set(path)


@pytest.mark.parametrize(("stated", "kept"), [(0.995, True), (0.994, False)])
def test_a_stated_maximum_on_the_tolerance_edge(
    tmp_path: Path, stated: float, kept: bool
) -> None:
    """The same edge for a maximum the file states against the set's (1 − 0,995
    is 0,0050000000000000044 in binary floating point)."""
    criteria = read_criteria_set(write_criteria(tmp_path / "c.xlsx", TREE))
    path = write_submission(
        tmp_path / "nv.xlsx", [["1.1", "Tiêu chí 1.1", stated, None, 0.5]]
    )
    table = find_table(
        iter_sheets(open_workbook(path)), SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS
    )
    assert table is not None
    good, problems = validate_rows(
        normalise_rows(table, "2023/nv.xlsx", "NV"), criteria
    )
    assert good["code"].to_list() == (["1.1"] if kept else [])
    assert problems.height == (0 if kept else 1)

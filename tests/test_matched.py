"""``parindex.matched``: which node of last year's set each node of this year's
is compared with (blind round 22B and its re-check)."""

from __future__ import annotations

import polars as pl

from parindex.matched import match_nodes


def _nodes(*rows: tuple[str, str, bool]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"code": pl.String, "name": pl.String, "is_leaf": pl.Boolean},
        orient="row",
    )


def test_a_leaf_is_never_paired_with_a_group() -> None:
    """2025's leaf 1.2 "Một cửa" was paired with 2024's group 1.2 "Một cửa",
    whose leaf 1.2.1 was also paired with 2025's 2.2: counted twice (re-check
    22B, N7)."""
    match = match_nodes(
        _nodes(
            ("1", "Chỉ đạo", False),
            ("1.2", "Một cửa", True),
            ("2", "Thủ tục", False),
            ("2.2", "Tiếp nhận hồ sơ", True),
        ),
        _nodes(
            ("1", "Chỉ đạo", False),
            ("1.2", "Một cửa", False),
            ("1.2.1", "Tiếp nhận hồ sơ", True),
        ),
    )
    assert sorted(match.pairs.rows()) == [("1", "1"), ("2.2", "1.2.1")]
    assert match.other_kind == (("1.2", "Một cửa"),)


def test_a_name_several_nodes_share_is_said() -> None:
    """Two "Tuyên truyền" last year: this year's new 5.2 "Tuyên truyền" is not
    compared, and said so (re-check 22B, N6: it was not mentioned)."""
    match = match_nodes(
        _nodes(("5.2", "Tuyên truyền", True)),
        _nodes(("3.1", "Tuyên truyền", True), ("4.1", "Tuyên truyền", True)),
    )
    assert match.pairs.height == 0
    assert match.shared_name == (("5.2", "Tuyên truyền"),)

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


def test_abbreviations_are_the_words_they_stand_for() -> None:
    """ "CCHC" and "cải cách hành chính" are one name (blind round 22E, F4)."""
    match = match_nodes(
        _nodes(
            ("1", "Công tác chỉ đạo, điều hành CCHC", False),
            ("1.1", "Kế hoạch CCHC", True),
        ),
        _nodes(
            ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", False),
            ("1.1", "Kế hoạch cải cách hành chính", True),
        ),
    )
    assert sorted(match.pairs.rows()) == [("1", "1"), ("1.1", "1.1")]
    assert match.reworded == ()


def test_a_code_reused_for_a_longer_name_of_another_department_is_not_paired() -> None:
    """2023's 1.2 "Công tác báo cáo thống kê đất đai" (KTHT) was paired with
    2022's 1.2 "Công tác báo cáo" (NV) as one criterion reworded (blind round
    22E, F5): every word of the shorter name in the longer is no rewording, and
    a criterion led by another department is not one reworded."""
    leaves = {"is_leaf": True}
    current = pl.DataFrame(
        [
            {
                "code": "1.2",
                "name": "Công tác báo cáo thống kê đất đai",
                "departments": ["KTHT"],
                **leaves,
            },
            {
                "code": "1.3",
                "name": "Ban hành kế hoạch CCHC hằng năm",
                "departments": ["NV"],
                **leaves,
            },
            {
                "code": "1.4",
                "name": "Thực hiện chế độ báo cáo định kỳ",
                "departments": ["VP"],
                **leaves,
            },
        ]
    )
    previous = pl.DataFrame(
        [
            {
                "code": "1.2",
                "name": "Công tác báo cáo",
                "departments": ["NV"],
                **leaves,
            },
            {
                "code": "1.3",
                "name": "Ban hành kế hoạch CCHC năm",
                "departments": ["NV"],
                **leaves,
            },
            {
                "code": "1.4",
                "name": "Thực hiện chế độ báo cáo định kì",
                "departments": ["NV"],
                **leaves,
            },
        ]
    )
    match = match_nodes(current, previous)
    assert match.pairs.rows() == [("1.3", "1.3")]  # reworded, the same lead
    assert [code for code, _, _ in match.unmatched] == ["1.2", "1.4"]


def test_an_abbreviation_written_in_parts_is_written_out() -> None:
    """ "Tác động KT-XH" is "Tác động kinh tế - xã hội" (re-check 22B-2, N3)."""
    match = match_nodes(
        _nodes(("2.2", "Tác động kinh tế - xã hội", True)),
        _nodes(("2.2", "Tác động KT-XH", True)),
    )
    assert match.pairs.rows() == [("2.2", "2.2")]
    assert match.reworded == ()


def test_a_name_in_two_components_follows_its_component() -> None:
    """ "Công tác kiểm tra" in both components, the components swapped: 1.1 (now
    under TTHC) was paired with last year's 1.1 (under Chỉ đạo), 3 → 9 instead
    of 8 → 9 (blind re-check 22G, N5). A node whose parent is paired looks for
    its name among that node's children first."""
    match = match_nodes(
        _nodes(
            ("1", "Cải cách TTHC", False),
            ("1.1", "Công tác kiểm tra", True),
            ("2", "Chỉ đạo điều hành", False),
            ("2.1", "Công tác kiểm tra", True),
        ),
        _nodes(
            ("1", "Chỉ đạo điều hành", False),
            ("1.1", "Công tác kiểm tra", True),
            ("2", "Cải cách thủ tục hành chính", False),
            ("2.1", "Công tác kiểm tra", True),
        ),
    )
    assert sorted(match.pairs.rows()) == [
        ("1", "2"),
        ("1.1", "2.1"),
        ("2", "1"),
        ("2.1", "1.1"),
    ]
    assert set(match.moved) == {("1", "2"), ("1.1", "2.1"), ("2", "1"), ("2.1", "1.1")}


def test_a_code_under_a_new_component_is_not_last_years_of_that_code() -> None:
    """A component 2 inserted, the old 2 now 3: the new 2.1 "Công tác kiểm tra"
    was paired with last year's 2.1 (the old component's), the true one (3.1)
    left uncompared (blind re-check 22H, finding 1). Components are paired
    first; a node is paired by its code only when last year's node's parent is
    not this year's other node's."""
    match = match_nodes(
        _nodes(
            ("1", "Chỉ đạo", False),
            ("1.1", "Công tác kiểm tra", True),
            ("2", "Chính quyền số", False),
            ("2.1", "Công tác kiểm tra", True),
            ("3", "Cải cách TTHC", False),
            ("3.1", "Công tác kiểm tra", True),
        ),
        _nodes(
            ("1", "Chỉ đạo", False),
            ("1.1", "Công tác kiểm tra", True),
            ("2", "Cải cách TTHC", False),
            ("2.1", "Công tác kiểm tra", True),
        ),
    )
    assert sorted(match.pairs.rows()) == [
        ("1", "1"),
        ("1.1", "1.1"),
        ("3", "2"),
        ("3.1", "2.1"),
    ]
    assert match.other_parent == (("2.1", "Công tác kiểm tra"),)

"""The criteria set: tree, selection by year, and every reason it can be unusable."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from parindex.criteria import (
    CriteriaSet,
    ancestor_pairs,
    criteria_set_for_year,
    read_criteria_set,
)
from parindex.errors import NoCriteriaSet, UnusableCriteria
from parindex.text import ancestors
from tests.builders import SMALL_TREE, write_criteria


def test_sample_criteria_set_is_the_lai_chau_district_tree(
    sample_criteria: CriteriaSet,
) -> None:
    components = sample_criteria.components
    assert components["code"].to_list() == [str(i) for i in range(1, 9)]
    assert components["max"].to_list() == [13.5, 5, 13.5, 7.5, 8, 7, 12.5, 33]
    assert sample_criteria.leaves.height == 74
    assert sample_criteria.first_year == 2022
    assert "1726/QĐ-UBND" in sample_criteria.name
    shared = sample_criteria.leaves.filter(sample_criteria.leaves["code"] == "1.2.1")
    assert shared["departments"].to_list() == [["NV", "TCKH"]]


def test_tree_order_compares_codes_as_paths(sample_criteria: CriteriaSet) -> None:
    codes = sample_criteria.nodes["code"].to_list()
    assert codes.index("8.9") < codes.index("8.10") < codes.index("8.10.1")


def test_four_level_codes_and_groups(small_criteria: CriteriaSet) -> None:
    leaves = small_criteria.leaves
    assert leaves["code"].to_list() == [
        "1.1",
        "1.2.1",
        "1.2.2.1",
        "1.2.2.2",
        "2.1",
        "2.2",
    ]
    assert leaves["group"].to_list() == [
        "appraisal",
        "appraisal",
        "appraisal",
        "appraisal",
        "survey",
        "sipas",
    ]
    node = small_criteria.nodes.filter(small_criteria.nodes["code"] == "1.2.2.1")
    assert node["depth"].to_list() == [4]
    assert node["component"].to_list() == ["1"]


def _broken(
    tmp_path: Path,
    change: dict[int, list[object]] | None = None,
    extra: list[list[object]] | None = None,
) -> Path:
    nodes = [list(row) for row in SMALL_TREE]
    for index, row in (change or {}).items():
        nodes[index] = row
    return write_criteria(tmp_path / "broken.xlsx", nodes + (extra or []))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "extra", "line"),
    [
        (
            None,
            [["1.1", "Kế hoạch (lặp)", 0, "Thẩm định", "NV"]],
            "  - ô A15: mã tiêu chí 1.1 bị lặp lại.",
        ),
        (
            None,
            [["3.1", "Mồ côi", 1, "Thẩm định", "NV"]],
            "  - ô A15: mã tiêu chí 3.1 không có tiêu chí cha 3 trong bộ chỉ số.",
        ),
        (
            {2: ["1.2", "Báo cáo", 2.5, None, None]},
            None,
            "  - ô A7: điểm tối đa của tiêu chí 1.2 là 2,5 nhưng tổng điểm tối đa của "
            "các tiêu chí con là 2.",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1, "Thẩm định", "NV;XYZ"]},
            None,
            "  - ô A6: tiêu chí 1.1 ghi đơn vị chủ trì “XYZ” không có trong sheet “Đơn vị”.",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1, None, "NV"]},
            None,
            "  - ô A6: tiêu chí 1.1 chưa có nhóm điểm (Thẩm định, Điều tra XHH, "
            "Tác động KT-XH hoặc SIPAS).",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1e300, "Thẩm định", "NV"]},
            None,
            "  - ô A6: điểm tối đa của tiêu chí 1.1 không phải là số không âm đến "
            "1.000.000 (“1E+300”).",
        ),
    ],
    ids=[
        "duplicate-code",
        "orphan-code",
        "parent-sum",
        "unknown-department",
        "leaf-without-group",
        "maximum-too-large",
    ],
)
def test_unusable_criteria_set_names_every_problem(
    tmp_path: Path,
    change: dict[int, list[object]] | None,
    extra: list[list[object]] | None,
    line: str,
) -> None:
    path = _broken(tmp_path, change, extra)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    lines = str(raised.value).splitlines()
    assert lines[0] == "Bộ chỉ số “broken.xlsx” không dùng được:"
    assert line in lines[1:]


def test_missing_first_year_is_unusable(tmp_path: Path) -> None:
    path = write_criteria(tmp_path / "x.xlsx", SMALL_TREE, first_year="")
    with pytest.raises(UnusableCriteria, match="thiếu dòng “Áp dụng từ năm: …”"):
        read_criteria_set(path)


def test_set_in_force_is_the_latest_first_year_not_after_the_year(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "criteria"
    write_criteria(folder / "old.xlsx", SMALL_TREE, first_year=2018)
    write_criteria(folder / "new.xlsx", SMALL_TREE, first_year=2022)
    assert criteria_set_for_year(folder, 2021).source == "old.xlsx"
    assert criteria_set_for_year(folder, 2025).source == "new.xlsx"
    with pytest.raises(NoCriteriaSet) as raised:
        criteria_set_for_year(folder, 2017)
    assert str(raised.value) == (
        f"Không có bộ chỉ số nào áp dụng cho năm 2017 trong “{folder}” "
        "(các bộ chỉ số hiện có áp dụng từ năm: 2018, 2022)."
    )


def test_a_criteria_workbook_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    corpus = Path(__file__).parent / "ingest" / "fixtures" / "corpus"
    folder = tmp_path / "criteria"
    folder.mkdir()
    (folder / "bo-chi-so.xlsx").write_bytes(
        (corpus / "far-cell" / "phong-noi-vu.xlsx").read_bytes()
    )
    with pytest.raises(UnusableCriteria) as raised:
        criteria_set_for_year(folder, 2023)
    lines = str(raised.value).splitlines()
    assert lines[0] == "Bộ chỉ số “bo-chi-so.xlsx” không dùng được:"
    assert lines[1].startswith(
        "  - không đọc được tệp (Tệp có dữ liệu ở tận ô XFD1048576"
    )


def test_a_criteria_table_longer_than_read_is_refused_not_cut(tmp_path: Path) -> None:
    nodes = [*SMALL_TREE, *[[None]] * 5100, [None, "ghi chú cuối bảng"]]
    path = write_criteria(tmp_path / "dai.xlsx", nodes)  # type: ignore[arg-type]
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        "  - bảng quá lớn: chỉ đọc được 5.000 dòng và 64 cột đầu tiên của sheet “Tiêu chí”."
    ]


def test_department_name_is_the_first_listed_under_its_code(tmp_path: Path) -> None:
    """A code listed twice names its first line; an unknown code is itself."""
    path = write_criteria(
        tmp_path / "criteria" / "twice.xlsx",
        SMALL_TREE,
        [
            ("NV", "Phòng Nội vụ", ""),
            ("TCKH", "Phòng Tài chính - Kế hoạch", ""),
            ("NV", "Văn phòng HĐND và UBND", ""),
        ],
    )
    criteria_set = read_criteria_set(path)
    assert criteria_set.department_name("NV") == "Phòng Nội vụ"
    assert criteria_set.department_name("TCKH") == "Phòng Tài chính - Kế hoạch"
    assert criteria_set.department_name("TP") == "TP"


@pytest.mark.parametrize("proper", [False, True])
def test_ancestor_pairs_are_the_prefixes_of_every_code(proper: bool) -> None:
    codes = ["1.2.1", "1", "8.10", None, "1.2.1", "3.1.4.1.5", "99.9", "1..2"]
    pairs = ancestor_pairs(pl.Series(codes, dtype=pl.String), proper=proper)
    expected = [
        (code, node)
        for code in dict.fromkeys(c for c in codes if c is not None)
        for node in (ancestors(code)[:-1] if proper else ancestors(code))
    ]
    assert pairs.rows() == expected
    assert pairs.schema == pl.Schema({"code": pl.String, "node": pl.String})


def test_ancestor_pairs_of_no_code_is_an_empty_frame() -> None:
    for codes in ([], [None], ["1", "2"]):
        pairs = ancestor_pairs(pl.Series(codes, dtype=pl.String), proper=True)
        assert pairs.is_empty()
        assert pairs.columns == ["code", "node"]

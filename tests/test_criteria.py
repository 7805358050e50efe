"""The criteria set: tree, selection by year, and every reason it can be unusable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from parindex import messages
from parindex.criteria import (
    CriteriaSet,
    ancestor_pairs,
    criteria_set_for_year,
    read_criteria_set,
)
from parindex.errors import NoCriteriaSet, UnusableCriteria
from parindex.text import ancestors
from tests.builders import DEPARTMENTS, SMALL_TREE, Cell, write_criteria, write_rows
from tests.conftest import SAMPLE_INPUTS


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
            "  - ô C7: điểm tối đa của tiêu chí 1.2 là 2,5 nhưng tổng điểm tối đa của "
            "các tiêu chí con là 2.",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1, "Thẩm định", "NV;XYZ"]},
            None,
            "  - ô E6: tiêu chí 1.1 ghi đơn vị chủ trì “XYZ”: không phải mã, tên hay "
            "tên khác của đơn vị nào trong sheet “Đơn vị” (nhiều đơn vị thì cách "
            "nhau bằng dấu “;”).",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1, None, "NV"]},
            None,
            "  - ô D6: tiêu chí 1.1 chưa có nhóm điểm (Thẩm định, Điều tra XHH, "
            "Tác động KT-XH hoặc SIPAS).",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1e300, "Thẩm định", "NV"]},
            None,
            "  - ô C6: điểm tối đa của tiêu chí 1.1 không phải là số không âm đến "
            "1.000.000 (“1E+300”).",
        ),
        (  # c23: the empty cell is C6, not the code's
            {1: ["1.1", "Kế hoạch", None, "Thẩm định", "NV"]},
            None,
            "  - ô C6: điểm tối đa của tiêu chí 1.1 không phải là số không âm đến "
            "1.000.000 (“”).",
        ),
        (  # c27 (`1 điểm` is 1 since blind round 21c: a word is no number)
            {1: ["1.1", "Kế hoạch", "một điểm", "Thẩm định", "NV"]},
            None,
            "  - ô C6: điểm tối đa của tiêu chí 1.1 không phải là số không âm đến "
            "1.000.000 (“một điểm”).",
        ),
        (
            {1: ["1.1", "Kế hoạch", 1, "Chỉ số SIPAS", "NV"]},
            None,
            "  - ô D6: nhóm điểm “Chỉ số SIPAS” của tiêu chí 1.1 không hợp lệ (chỉ "
            "nhận Thẩm định, Điều tra XHH, Tác động KT-XH hoặc SIPAS).",
        ),
    ],
    ids=[
        "duplicate-code",
        "orphan-code",
        "parent-sum",
        "unknown-department",
        "leaf-without-group",
        "maximum-too-large",
        "maximum-empty",
        "maximum-with-its-unit",
        "group-unknown",
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


# --- blind round 15: cells a province merges, leaves without a department ---------


def _sample_with(tmp_path: Path, change: Callable[[Worksheet], None]) -> Path:
    """A copy of the sample's criteria set, its ``Tiêu chí`` sheet changed by
    ``change`` and saved with openpyxl (as an office edits it in Excel)."""
    source = SAMPLE_INPUTS / "criteria" / "lai-chau-2022.xlsx"
    workbook = openpyxl.load_workbook(source)
    change(workbook["Tiêu chí"])
    path = tmp_path / "criteria" / source.name
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _row_of(sheet: Worksheet, code: str) -> int:
    return next(
        row[0].row
        for row in sheet.iter_rows(min_col=1, max_col=1)
        if str(row[0].value).strip() == code
    )


def _merge_down(sheet: Worksheet, column: int, first: str, last: str) -> None:
    """Merge ``column`` from the row of ``first`` to the row of ``last``, as a
    province prints a run of leaves of one department or group: the value stays
    in the first cell, the others are emptied."""
    top, bottom = _row_of(sheet, first), _row_of(sheet, last)
    for row in range(top + 1, bottom + 1):
        sheet.cell(row, column).value = None
    sheet.merge_cells(
        start_row=top, start_column=column, end_row=bottom, end_column=column
    )


def test_a_merged_department_or_group_cell_belongs_to_every_row_it_covers(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """c07, c06: E34:E47 (3.1.1 … 3.5, parents 3.2, 3.3 … among them) merged on
    VP, D91:D96 on Điều tra XHH, D101:D105 on SIPAS: the set read is the sample's,
    node for node (every leaf keeps its department and group)."""

    def merge(sheet: Worksheet) -> None:
        _merge_down(sheet, 5, "3.1.1", "3.5")
        _merge_down(sheet, 4, "8.1", "8.6")
        _merge_down(sheet, 4, "8.10.1", "8.10.5")

    merged = read_criteria_set(_sample_with(tmp_path, merge))
    assert merged.nodes.equals(sample_criteria.nodes)
    assert merged.digest == sample_criteria.digest
    vp = merged.leaves.filter(pl.col("code").str.starts_with("3."))
    assert vp.height == 11
    assert vp["departments"].to_list() == [["VP"]] * 11


def test_a_merged_cell_across_a_parent_row_fills_the_leaves_below(
    tmp_path: Path,
) -> None:
    """Merged from 1.2.1 to 1.2.2.2 (the parent 1.2.2 between them): every leaf
    takes the value; the parent keeps none (a parent has no department)."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[3] = ["1.2.1", "Báo cáo chung", 0.5, "Thẩm định", "TCKH"]
    for index in (5, 6):
        nodes[index][3:] = [None, None]
    path = write_criteria(
        tmp_path / "gop.xlsx", nodes, merges=[(7, 4, 10, 4), (7, 3, 10, 3)]
    )
    leaves = read_criteria_set(path).leaves
    assert leaves.select("code", "group", "departments").rows() == [
        ("1.1", "appraisal", ["NV"]),
        ("1.2.1", "appraisal", ["TCKH"]),
        ("1.2.2.1", "appraisal", ["TCKH"]),
        ("1.2.2.2", "appraisal", ["TCKH"]),
        ("2.1", "survey", ["NV"]),
        ("2.2", "sipas", ["TCKH"]),
    ]


def test_a_leaf_without_a_responsible_department_makes_the_set_unusable(
    tmp_path: Path,
) -> None:
    """c07b: 1.1's `Đơn vị chủ trì` left empty while other leaves name theirs:
    refused naming the empty cell (its rows were errors on the department's own
    file, "đơn vị chủ trì: ")."""
    path = _broken(tmp_path, {1: ["1.1", "Kế hoạch", 1, "Thẩm định", None]})
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="broken.xlsx"),
        "  - ô E6: "
        + messages.CRITERIA_MESSAGES["leaf_has_departments"].format(code="1.1"),
    ]


WITH_CQ = [
    *DEPARTMENTS,
    ("VP", "Văn phòng HĐND và UBND", "Văn phòng;VP HĐND-UBND"),
    ("CQ", "Các cơ quan đơn vị", "Các cơ quan, đơn vị"),
]


def test_a_responsible_department_is_matched_by_code_name_or_alias(
    tmp_path: Path,
) -> None:
    """c13: `nv`, `Văn phòng` (a `Tên khác` of VP in the set's own `Đơn vị`
    sheet), a name with an en dash, an alias holding a comma, a code among names:
    each is its department, matched as a submission's `Đơn vị` line is (case,
    accents, spacing, dashes); `Văn phòng` was "không có trong sheet “Đơn vị”"."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = "nv"
    nodes[3][4] = "Văn phòng; PHÒNG TÀI CHÍNH – KẾ HOẠCH"
    nodes[5][4] = "Các cơ quan, đơn vị"
    nodes[6][4] = " noi vu ,  TCKH "
    path = write_criteria(tmp_path / "ten.xlsx", nodes, WITH_CQ)
    leaves = read_criteria_set(path).leaves
    assert leaves.select("code", "departments").rows() == [
        ("1.1", ["NV"]),
        ("1.2.1", ["VP", "TCKH"]),
        ("1.2.2.1", ["CQ"]),
        ("1.2.2.2", ["NV", "TCKH"]),
        ("2.1", ["NV"]),
        ("2.2", ["TCKH"]),
    ]


def test_a_responsible_department_matching_nothing_or_two_is_refused(
    tmp_path: Path,
) -> None:
    """`TC-KH` is no code, name or alias (`Phòng TC-KH` would be); `Văn phòng`
    listed as another name of two departments is either: both refused naming
    the cell, the second with the departments it could be."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = "NV; TC-KH"
    nodes[3][4] = "Văn phòng"
    departments = [*WITH_CQ, ("TP", "Phòng Tư pháp", "Tư pháp;Văn phòng")]
    path = write_criteria(tmp_path / "ten.xlsx", nodes, departments)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    problems = messages.CRITERIA_MESSAGES
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="ten.xlsx"),
        "  - ô E6: "
        + problems["departments_known"].format(code="1.1", unknown_departments="TC-KH"),
        "  - ô E8: "
        + problems["departments_unambiguous"].format(
            code="1.2.1", ambiguous_departments="“Văn phòng” (VP, TP)"
        ),
    ]


@pytest.mark.parametrize("name", ["Tổng cộng", "TỔNG CỘNG:", "Tổng điểm", "Cộng"])
def test_a_total_row_ending_the_table_is_checked_not_a_criterion(
    tmp_path: Path, small_criteria: CriteriaSet, name: str
) -> None:
    """c08b: the table ends as the printed decision does, a row without a code
    named `Tổng cộng` with the set's maximum (7), then a note: read as the
    total and checked against the components' maxima (3 + 4), not refused as a
    code “”; the rows after it are not criteria."""
    path = _broken(
        tmp_path, extra=[[None, name, 7, None, None], [None, "Ghi chú: điểm tối đa"]]
    )
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_a_total_row_that_is_not_the_sum_of_the_components_is_refused(
    tmp_path: Path,
) -> None:
    """`Tổng cộng` 100 where the components add up to 7: refused naming the
    total's cell and both figures; a code below the total (a criterion left
    after it) is refused too, naming its cell: it is not left out without a
    word."""
    path = _broken(
        tmp_path,
        extra=[[None, "Tổng cộng", 100, None, None], ["3", "Bổ sung", 1, None, None]],
    )
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="broken.xlsx"),
        "  - ô C15: "
        + messages.CRITERIA_TOTAL_DIFFERS.format(
            name="Tổng cộng", stated="100", computed="7"
        ),
        "  - ô A16: "
        + messages.CRITERIA_AFTER_TOTAL.format(code="3", name="Tổng cộng", row=15),
    ]


def test_a_total_row_with_a_maximum_that_is_no_number_is_refused(
    tmp_path: Path,
) -> None:
    path = _broken(tmp_path, extra=[[None, "Tổng số", "bảy điểm", None, None]])
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        "  - ô C15: "
        + messages.CRITERIA_TOTAL_NOT_NUMBER.format(name="Tổng số", raw="bảy điểm")
    ]


def test_a_problem_with_a_merged_value_names_the_cell_it_is_typed_in(
    tmp_path: Path,
) -> None:
    """A merged group or department cell's value that is wrong is named where it
    is typed, the merge's first cell (D10, E10), on each leaf it covers."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[5][3:] = ["Chỉ số SIPAS", "Phòng Văn hóa"]
    nodes[6][3:] = [None, None]
    path = write_criteria(
        tmp_path / "gop.xlsx", nodes, merges=[(9, 3, 10, 3), (9, 4, 10, 4)]
    )
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    problems = messages.CRITERIA_MESSAGES
    group, department = problems["group_known"], problems["departments_known"]
    assert sorted(str(raised.value).splitlines()[1:]) == sorted(
        [
            *(
                "  - ô D10: " + group.format(group="Chỉ số SIPAS", code=code)
                for code in ("1.2.2.1", "1.2.2.2")
            ),
            *(
                "  - ô E10: "
                + department.format(code=code, unknown_departments="Phòng Văn hóa")
                for code in ("1.2.2.1", "1.2.2.2")
            ),
        ]
    )


def test_a_duplicate_code_from_a_number_cell_says_it_may_be_a_code_ending_in_0(
    tmp_path: Path,
) -> None:
    """c25: 1.10 typed as a number is kept by Excel as 1.1, the code of the row
    above: the duplicate is said, and for the cell holding a number, that it
    holds one and may be 1.10 (advice: type codes as text); the cell typed as
    text gets the plain line."""
    path = _broken(tmp_path, extra=[[1.1, "Công khai", 0, "Thẩm định", "NV"]])
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        "  - ô A6: " + messages.CRITERIA_MESSAGES["code_unique"].format(code="1.1"),
        "  - ô A15: "
        + messages.CRITERIA_CODE_UNIQUE_NUMBER.format(code="1.1", alternative="1.10"),
    ]


def test_a_missing_parent_typed_as_a_number_is_pointed_at(tmp_path: Path) -> None:
    """c25: 1.1 and 1.10 typed as numbers (both 1.1), 1.10's child 1.10.1 below:
    the child's missing parent 1.10 names the nearest cell above it holding the
    number 1.1, A15, not 1.1's own A6 (read as 1.1, a leaf, that row also lacks
    a group and a department)."""
    path = _broken(
        tmp_path,
        {1: [1.1, "Kế hoạch", 1, "Thẩm định", "NV"]},
        extra=[
            [1.1, "Công khai", 0, None, None],
            ["1.10.1", "Công khai trên cổng", 0, "Thẩm định", "NV"],
        ],
    )
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        *(
            f"  - ô {cell}: "
            + messages.CRITERIA_CODE_UNIQUE_NUMBER.format(
                code="1.1", alternative="1.10"
            )
            for cell in ("A6", "A15")
        ),
        "  - ô E15: "
        + messages.CRITERIA_MESSAGES["leaf_has_departments"].format(code="1.1"),
        "  - ô D15: " + messages.CRITERIA_MESSAGES["leaf_has_group"].format(code="1.1"),
        "  - ô A16: "
        + messages.CRITERIA_PARENT_AS_NUMBER.format(
            code="1.10.1", parent="1.10", cell="A15", short="1.1"
        ),
    ]


def test_a_total_row_above_the_criteria_is_checked_and_the_criteria_read(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Some tables give the total first, right under the header: it is the
    total too (checked), and the criteria below it are read, not refused as
    codes after the total."""
    nodes: list[list[Cell]] = [[None, "TỔNG ĐIỂM", 7, None, None], *SMALL_TREE]
    path = write_criteria(tmp_path / "tong-tren.xlsx", nodes)
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)
    nodes[0][2] = 8
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(write_criteria(tmp_path / "sai.xlsx", nodes))
    assert str(raised.value).splitlines()[1:] == [
        "  - ô C5: "
        + messages.CRITERIA_TOTAL_DIFFERS.format(
            name="TỔNG ĐIỂM", stated="8", computed="7"
        )
    ]


def _with_subtotals(
    values: tuple[object, object], grand: object = None
) -> list[list[object]]:
    """The small tree with a `Cộng` row under each component (3 and 4 are
    their maxima), and a `Tổng cộng` row last when ``grand`` is given."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes.insert(7, [None, "Cộng", values[0], None, None])
    nodes.append([None, "Cộng", values[1], None, None])
    if grand is not None:
        nodes.append([None, "Tổng cộng", grand, None, None])
    return nodes


@pytest.mark.parametrize("grand", [None, 7])
def test_a_sum_row_under_each_component_is_its_subtotal(
    tmp_path: Path, small_criteria: CriteriaSet, grand: object
) -> None:
    """Round 2 (n07): a `Cộng` under each component, as some decisions print
    them, refused every criterion after the first as "after the total" (85
    lines). Each is the sum of the components above it since the last such
    row, checked, and no criterion; a `Tổng cộng` may end the table."""
    path = write_criteria(tmp_path / "cong.xlsx", _with_subtotals((3, 4), grand))  # type: ignore[arg-type]
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_a_subtotal_that_is_not_its_components_sum_is_refused(tmp_path: Path) -> None:
    """A `Cộng` that is neither the sum of the components above it since the
    last sum row (3) nor of the whole table (7): refused naming its cell and
    both figures, once (not one line per criterion below it)."""
    path = write_criteria(tmp_path / "cong.xlsx", _with_subtotals((2.5, 4)))  # type: ignore[arg-type]
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="cong.xlsx"),
        "  - ô C12: "
        + messages.CRITERIA_SUBTOTAL_DIFFERS.format(
            name="Cộng", stated="2,5", part="3", computed="7"
        ),
    ]


def _with_header(path: Path, column: str) -> Path:
    """``SMALL_TREE`` with its `Đơn vị chủ trì` header written otherwise."""
    write_criteria(path, SMALL_TREE)
    book = openpyxl.load_workbook(path)
    book["Tiêu chí"]["E4"] = column
    book.save(path)
    return path


@pytest.mark.parametrize(
    "header",
    ["Cơ quan chủ trì", "Cơ quan, đơn vị chủ trì", "Đơn vị thực hiện", "Chủ trì"],
)
def test_a_departments_column_named_otherwise_is_read(
    tmp_path: Path, header: str
) -> None:
    """c08h, c10: the column named as decisions name it was not found, and the
    set was read as one unit filling the whole form: the newest form replaced
    every department's (a total of 4,1 instead of 19,94, "HOÀN THÀNH"; blind
    round 21c, finding 1)."""
    criteria_set = read_criteria_set(_with_header(tmp_path / "c.xlsx", header))
    assert not criteria_set.self_assessed
    leaves = dict(criteria_set.leaves.select("code", "departments").iter_rows())
    assert leaves["1.2.1"] == ["NV", "TCKH"]


def test_no_departments_column_beside_a_departments_sheet_is_refused(
    tmp_path: Path,
) -> None:
    """A column the reader does not know (`Phân công`), the `Đơn vị` sheet
    listing departments: not a set a unit fills itself; refused, saying what
    to name the column."""
    path = _with_header(tmp_path / "c.xlsx", "Phân công")
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="c.xlsx"),
        "  - Sheet “Đơn vị” liệt kê 2 đơn vị nhưng sheet “Tiêu chí” không có cột "
        "“Đơn vị chủ trì” (dòng tiêu đề 4: Mã, Tên, Điểm tối đa, Nhóm điểm, Phân "
        "công): hãy đặt tên cột ghi đơn vị chủ trì là “Đơn vị chủ trì”. Nếu đơn vị "
        "tự chấm toàn bộ bộ chỉ số, hãy xóa sheet “Đơn vị”.",
    ]


def test_departments_named_only_on_components_are_refused(tmp_path: Path) -> None:
    """c22a: the departments written on the component rows, every leaf left
    blank: read as a unit filling the whole form (blind round 21c, finding 2).
    Refused, naming where they are written."""
    tree = [
        [code, name, maximum, group, None]
        for code, name, maximum, group, _ in SMALL_TREE
    ]
    tree[0][4] = "NV"
    tree[7][4] = "TCKH"
    path = write_criteria(tmp_path / "c.xlsx", tree)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="c.xlsx"),
        "  - Cột “Đơn vị chủ trì” chỉ ghi ở dòng không phải tiêu chí lá (ô E5, "
        "E12), các tiêu chí lá để trống: hãy ghi đơn vị chủ trì cho từng tiêu chí lá "
        "(có thể gộp ô cho cả khối tiêu chí).",
    ]


def test_an_empty_departments_column_beside_a_departments_sheet_is_refused(
    tmp_path: Path,
) -> None:
    """Every leaf's `Đơn vị chủ trì` left empty while the `Đơn vị` sheet lists
    departments: refused (read as a unit filling the whole form, the newest form
    would stand for every department)."""
    tree = [
        [code, name, maximum, group, None]
        for code, name, maximum, group, _ in SMALL_TREE
    ]
    path = write_criteria(tmp_path / "c.xlsx", tree)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="c.xlsx"),
        "  - Cột “Đơn vị chủ trì” (cột E) để trống ở mọi tiêu chí nhưng sheet “Đơn "
        "vị” liệt kê 2 đơn vị: hãy ghi đơn vị chủ trì cho từng tiêu chí lá. Nếu đơn "
        "vị tự chấm toàn bộ bộ chỉ số, hãy xóa sheet “Đơn vị”.",
    ]


def test_a_hidden_column_under_the_same_header_gives_way_to_the_shown_one(
    tmp_path: Path,
) -> None:
    """c19c: last year's `Điểm tối đa` kept in a hidden column left of this
    year's, under the same header: the hidden one was read (a total of 18,19
    instead of 19,94; blind round 21c, finding 3)."""
    old = [
        [code, name, (m or 0) + 1, m, group, who]
        for code, name, m, group, who in (SMALL_TREE)
    ]
    path = write_rows(
        tmp_path / "c.xlsx",
        {
            "Tiêu chí": [
                ["BỘ CHỈ SỐ THỬ"],
                ["Áp dụng từ năm: 2022"],
                [],
                [
                    "Mã",
                    "Tên",
                    "Điểm tối đa",
                    "Điểm tối đa",
                    "Nhóm điểm",
                    "Đơn vị chủ trì",
                ],
                *old,
            ],
            "Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Tên khác"], *DEPARTMENTS],
        },
    )
    book = openpyxl.load_workbook(path)
    book["Tiêu chí"].column_dimensions["C"].hidden = True
    book.save(path)
    criteria_set = read_criteria_set(path)
    maxima = dict(criteria_set.nodes.select("code", "max").iter_rows())
    assert maxima["1.1"] == 1 and maxima["2"] == 4


MERGED_SETS = Path(__file__).parent / "fixtures" / "criteria-merged"


def test_an_ods_set_with_merged_cells_reads_as_its_xls(tmp_path: Path) -> None:
    """One set with `Đơn vị chủ trì` and `Nhóm điểm` merged over blocks of
    leaves, saved by LibreOffice as `.ods` and `.xls` (blind round 21c, c14c,
    c14d): the `.ods` was refused, its merged cells read as empty ("ô E23: tiêu
    chí 3.4.1 chưa có đơn vị chủ trì"); both now give the same tree."""
    ods = read_criteria_set(MERGED_SETS / "bo-chi-so.ods")
    xls = read_criteria_set(MERGED_SETS / "bo-chi-so.xls")
    columns = ["code", "departments", "group", "max"]
    assert ods.nodes.select(columns).equals(xls.nodes.select(columns))
    leaves = dict(ods.leaves.select("code", "departments").iter_rows())
    assert (leaves["3.4.1"], leaves["3.4.2"]) == (["VP"], ["VP"])  # E21:E24


@pytest.mark.parametrize(
    "row",
    [
        [None, "Tổng cộng (I+II)", 7, None, None],
        [None, "TỔNG SỐ ĐIỂM", 7, None, None],
        [None, "Cộng (1+2)", 7, None, None],
        ["Tổng cộng", None, 7, None, None],  # typed in the code column
        ["TỔNG CỘNG", "", 7, None, None],
    ],
)
def test_a_total_row_named_as_decisions_print_it_is_the_total(
    tmp_path: Path, small_criteria: CriteriaSet, row: list[object]
) -> None:
    """c20: `Tổng cộng (I+II+III)`, `TỔNG SỐ ĐIỂM`, `Cộng (1+2+3)`, `Tổng cộng`
    in column A were refused as "ô A25: “” không phải là mã tiêu chí hợp lệ"
    (blind round 21c, finding 7)."""
    path = _broken(tmp_path, extra=[row])
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_notes_below_the_last_criterion_are_not_criteria(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """c17m: notes under the table with no total row above them were refused
    as codes “” (blind round 21c, finding 7)."""
    path = _broken(
        tmp_path,
        extra=[
            [None, "Ghi chú: (1) điểm điều tra do tỉnh chấm."],
            [None, "(2) SIPAS theo kết quả khảo sát."],
        ],
    )
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_a_name_without_a_code_between_criteria_says_so(tmp_path: Path) -> None:
    """c07a3, c17e: a criterion's name running onto a second row was refused as
    "“” không phải là mã tiêu chí hợp lệ" (blind round 21c, finding 7): the
    message says what the row holds and what to do."""
    nodes: list[list[object]] = [list(row) for row in SMALL_TREE]
    nodes.insert(2, [None, "(tiếp) kế hoạch năm", None, None, None])
    path = write_criteria(tmp_path / "c.xlsx", nodes)  # type: ignore[arg-type]
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines() == [
        messages.CRITERIA_UNUSABLE.format(file="c.xlsx"),
        "  - ô A7: dòng 7 có nội dung “(tiếp) kế hoạch năm” nhưng không có mã tiêu "
        "chí: nếu là phần tiếp theo của tên tiêu chí ở dòng trên, hãy ghi vào ô tên "
        "của tiêu chí đó; nếu là ghi chú, hãy để dưới bảng hoặc xóa dòng này.",
    ]


def test_departments_listed_on_lines_or_with_va_are_each_read(tmp_path: Path) -> None:
    """c12b, c12c: `NV và TCKH` and two lines in one cell were refused as one
    unknown department (blind round 21c, finding 10); `Văn phòng HĐND và UBND`,
    one name holding "và", stays one department."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = "Nội vụ và Tài chính - Kế hoạch"
    nodes[3][4] = "NV\nTCKH"
    nodes[5][4] = "Văn phòng HĐND và UBND"
    nodes[6][4] = "nv + tckh"
    path = write_criteria(tmp_path / "ten.xlsx", nodes, WITH_CQ)
    leaves = read_criteria_set(path).leaves
    assert leaves.select("code", "departments").rows()[:4] == [
        ("1.1", ["NV", "TCKH"]),
        ("1.2.1", ["NV", "TCKH"]),
        ("1.2.2.1", ["VP"]),
        ("1.2.2.2", ["NV", "TCKH"]),
    ]


def test_an_unknown_department_says_how_to_list_several(tmp_path: Path) -> None:
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = "NV và Phòng Y tế"
    path = write_criteria(tmp_path / "ten.xlsx", nodes)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1] == (
        "  - ô E6: tiêu chí 1.1 ghi đơn vị chủ trì “NV và Phòng Y tế”: không phải "
        "mã, tên hay tên khác của đơn vị nào trong sheet “Đơn vị” (nhiều đơn vị thì "
        "cách nhau bằng dấu “;”)."
    )


def test_a_maximum_written_with_its_unit_is_that_maximum(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """`2 điểm`, as a decision prints a maximum, was refused as no number
    (blind round 21c, finding 10); `history.xlsx` already read `79,27 điểm`."""
    path = _broken(
        tmp_path,
        {
            2: ["1.2", "Báo cáo", "2 điểm", None, None],
            3: ["1.2.1", "Báo cáo chung", "0,5 đ", "Thẩm định", "NV;TCKH"],
        },
    )
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_the_first_year_written_without_a_colon_is_read(tmp_path: Path) -> None:
    """`Áp dụng từ năm 2022` (no colon) was "missing", no cell named (blind
    round 21c, finding 10)."""
    path = write_criteria(tmp_path / "c.xlsx", SMALL_TREE)
    book = openpyxl.load_workbook(path)
    book["Tiêu chí"]["A2"] = "Áp dụng từ năm 2023"
    book.save(path)
    assert read_criteria_set(path).first_year == 2023
    # the set is chosen for the year by the same line (it was refused with no
    # reason at all: blind round 21d, F3)
    assert criteria_set_for_year(tmp_path, 2023).first_year == 2023


def test_components_numbered_in_roman_numerals_are_read(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """c04: a set whose components are `I`, `II.` (their criteria `1.1`, `2.1`)
    was refused, a line for the component and one for each of its children
    (blind round 21c, finding 9); forms read such headings already."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[0][0], nodes[7][0] = "I", "II."
    path = write_criteria(tmp_path / "c.xlsx", nodes)  # type: ignore[arg-type]
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_a_roman_heading_beside_its_arabic_component_is_still_refused(
    tmp_path: Path,
) -> None:
    """`I` above a component coded `1`: not a second component 1, refused as a
    code that is none, as before."""
    nodes: list[list[object]] = [["I", "Phần chung", None, None, None]]
    nodes += [list(row) for row in SMALL_TREE]
    path = write_criteria(tmp_path / "c.xlsx", nodes)  # type: ignore[arg-type]
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert "“I” không phải là mã tiêu chí hợp lệ" in str(raised.value)


TWO_ROW = Path(__file__).parent / "fixtures" / "criteria-two-row"


@pytest.mark.parametrize(
    "name", ["donvi-over-phoihop-chutri", "phancong-over-chutri-phoihop"]
)
def test_the_lead_column_under_a_two_row_header_is_the_departments(name: str) -> None:
    """`Đơn vị` merged over `Phối hợp | Chủ trì`: the co-operating column, under
    the merge's first cell, was read as the departments (every form refused
    "không chủ trì"); `Phân công` over `Đơn vị chủ trì | Đơn vị phối hợp` was
    refused, telling the office to name the column as it is named (blind round
    21d, F1, F2). The column under `Chủ trì` is the departments, as the set
    written on one header row gives them."""
    baseline = read_criteria_set(TWO_ROW / "baseline.xlsx")
    read = read_criteria_set(TWO_ROW / f"{name}.xlsx")
    columns = ["code", "departments", "group", "max"]
    assert read.nodes.select(columns).equals(baseline.nodes.select(columns))


@pytest.mark.parametrize(
    "cell",
    [
        "Phòng Nội vụ và Văn phòng HĐND và UBND",
        "Văn phòng HĐND và UBND và Phòng Nội vụ",
        "Phòng Nội vụ + Văn phòng HĐND và UBND",
    ],
)
def test_departments_joined_by_va_around_a_name_holding_va(
    tmp_path: Path, cell: str
) -> None:
    """`Phòng Nội vụ và Văn phòng HĐND và UBND`: one reading only has every
    part a department; it was refused, the split taken at every "và" (blind
    round 21d, F4)."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = cell
    path = write_criteria(tmp_path / "ten.xlsx", nodes, WITH_CQ)
    leaves = dict(read_criteria_set(path).leaves.select("code", "departments").rows())
    assert sorted(leaves["1.1"]) == ["NV", "VP"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Văn phòng HĐND\nvà UBND", ["VP"]),  # one name wrapped over two lines
        ("Phòng Tài chính -\nKế hoạch", ["TCKH"]),
        ("NV và\nTCKH", ["NV", "TCKH"]),
        ("NV\nTCKH", ["NV", "TCKH"]),
    ],
)
def test_a_line_break_in_a_departments_cell_splits_only_departments(
    tmp_path: Path, cell: str, expected: list[str]
) -> None:
    """A name wrapped over two lines of its cell (Alt+Enter) was split at the
    break and refused, quoted "Văn phòng HĐND; và UBND" (blind round 21d, F14):
    a line break is a space unless each line is a department."""
    nodes = [list(row) for row in SMALL_TREE]
    nodes[1][4] = cell
    path = write_criteria(tmp_path / "ten.xlsx", nodes, WITH_CQ)
    leaves = dict(read_criteria_set(path).leaves.select("code", "departments").rows())
    assert leaves["1.1"] == expected


def _set_with(
    path: Path, departments_header: str, units: list[list[object]] | None
) -> Path:
    """``SMALL_TREE`` with its departments column headed ``departments_header``,
    and a `Đơn vị` sheet of ``units`` rows (header first) when given."""
    sheets: dict[str, list[list[object]]] = {
        "Tiêu chí": [
            ["BỘ CHỈ SỐ THỬ"],
            ["Áp dụng từ năm: 2022"],
            [],
            ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm", departments_header],
            *[list(row) for row in SMALL_TREE],
        ]
    }
    if units is not None:
        sheets["Đơn vị"] = units
    return write_rows(path, sheets)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("units", "hidden"),
    [
        ([["Mã đơn vị", "Tên đơn vị"], *[row[:2] for row in DEPARTMENTS]], True),
        ([["Mã", "Tên"], *[row[:2] for row in DEPARTMENTS]], False),
        ([["Mã đơn vị", "Tên phòng, ban"], *[row[:2] for row in DEPARTMENTS]], False),
    ],
)
def test_an_unknown_departments_column_beside_any_departments_sheet_is_refused(
    tmp_path: Path, units: list[list[object]], hidden: bool
) -> None:
    """A `Đơn vị` sheet hidden, or headed `Mã | Tên` or `Tên phòng, ban`: the
    set was still read as one unit filling the whole form (4,1 instead of
    19,94, "HOÀN THÀNH"; blind round 21d, F0). Its departments are read, and a
    departments column parindex does not know is refused."""
    path = _set_with(tmp_path / "c.xlsx", "Phân công", units)
    if hidden:
        book = openpyxl.load_workbook(path)
        book["Đơn vị"].sheet_state = "hidden"
        book.save(path)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert (
        str(raised.value)
        .splitlines()[1]
        .startswith(
            "  - Sheet “Đơn vị” liệt kê 2 đơn vị nhưng sheet “Tiêu chí” không có cột "
            "“Đơn vị chủ trì”"
        )
    )


def test_a_departments_sheet_that_cannot_be_read_is_no_self_assessment(
    tmp_path: Path,
) -> None:
    """A sheet named `Đơn vị` whose departments cannot be read (no `Mã` column):
    refused, never read as a self-assessment."""
    path = _set_with(tmp_path / "c.xlsx", "Phân công", [["STT", "Họ tên"], [1, "x"]])
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert messages.CRITERIA_NO_DEPARTMENTS in str(raised.value)


def test_an_empty_departments_column_without_a_departments_sheet_is_self_assessed(
    tmp_path: Path,
) -> None:
    """The documented self-assessment: the column there and empty, no `Đơn vị`
    sheet. It was refused asking for the sheet (blind round 21d, F7)."""
    path = write_rows(
        tmp_path / "c.xlsx",
        {
            "Tiêu chí": [
                ["BỘ CHỈ SỐ THỬ"],
                ["Áp dụng từ năm: 2022"],
                [],
                ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm", "Đơn vị chủ trì"],
                *[[*row[:4], None] for row in SMALL_TREE],
            ]
        },
    )
    assert read_criteria_set(path).self_assessed


def test_notes_in_the_code_column_below_the_last_criterion_are_not_criteria(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """c17m, d07_t5b: `Ghi chú: …` typed in column A under the table, no total
    row: refused as codes that are none (blind round 21d, F8)."""
    path = _broken(
        tmp_path,
        extra=[["Ghi chú: điểm điều tra do tỉnh chấm."], ["(*) Tiêu chí mới năm 2022"]],
    )
    assert read_criteria_set(path).nodes.equals(small_criteria.nodes)


def test_two_shown_columns_under_one_header_with_different_values_are_refused(
    tmp_path: Path,
) -> None:
    """Last year's `Điểm tối đa` and this year's, both shown under one header:
    the leftmost was used without a word (blind round 21d, F10). Refused,
    naming both columns."""
    rows = [[code, name, (m or 0) + 1, m, g, w] for code, name, m, g, w in SMALL_TREE]
    path = write_rows(
        tmp_path / "c.xlsx",
        {
            "Tiêu chí": [
                ["BỘ CHỈ SỐ THỬ"],
                ["Áp dụng từ năm: 2022"],
                [],
                [
                    "Mã",
                    "Tên",
                    "Điểm tối đa",
                    "Điểm tối đa",
                    "Nhóm điểm",
                    "Đơn vị chủ trì",
                ],
                *rows,
            ],
            "Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Tên khác"], *DEPARTMENTS],
        },
    )
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        "  - hai cột cùng tên “Điểm tối đa” (cột C và D, dòng tiêu đề 4) ghi khác "
        "nhau: hãy xóa hoặc ẩn cột không dùng (một cột ẩn thì cột đang hiện được "
        "dùng)."
    ]


def test_two_shown_columns_under_one_header_with_the_same_values_are_read(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    rows = [[code, name, m, m, g, w] for code, name, m, g, w in SMALL_TREE]
    path = write_rows(
        tmp_path / "c.xlsx",
        {
            "Tiêu chí": [
                ["BỘ CHỈ SỐ THỬ"],
                ["Áp dụng từ năm: 2022"],
                [],
                [
                    "Mã",
                    "Tên",
                    "Điểm tối đa",
                    "Điểm tối đa",
                    "Nhóm điểm",
                    "Đơn vị chủ trì",
                ],
                *rows,
            ],
            "Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Tên khác"], *DEPARTMENTS],
        },
    )
    columns = ["code", "departments", "group", "max"]
    read = read_criteria_set(path)
    assert read.nodes.select(columns).equals(small_criteria.nodes.select(columns))


def test_an_unknown_column_of_departments_without_a_departments_sheet_is_refused(
    tmp_path: Path,
) -> None:
    """`Phân công` holding NV, TCKH… and the departments listed in a sheet
    named otherwise (`Danh sách phòng ban`, `Ký hiệu | Tên phòng, ban`): read as
    one unit filling the whole form, the newest form standing for all (4,1
    instead of 19,94; blind round 21e, F0's variant). Refused, naming the
    column."""
    path = _set_with(tmp_path / "c.xlsx", "Phân công", None)
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("Danh sách phòng ban")
    other.append(["Ký hiệu", "Tên phòng, ban"])
    for code, name, _ in DEPARTMENTS:
        other.append([code, name])
    book.save(path)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value).splitlines()[1:] == [
        "  - Bộ chỉ số không có cột “Đơn vị chủ trì” nhưng cột E (“Phân công”) ghi "
        "ở các tiêu chí “NV”, “NV;TCKH”, “TCKH” như đơn vị chủ trì: nếu đúng, hãy "
        "đặt tên cột là “Đơn vị chủ trì” và liệt kê các đơn vị ở sheet “Đơn vị” "
        "(Mã đơn vị, Tên đơn vị); nếu đơn vị tự chấm toàn bộ bộ chỉ số, hãy xóa cột "
        "này."
    ]


def test_a_self_assessed_set_with_a_column_of_notes_is_read(tmp_path: Path) -> None:
    """A self-assessed set with another column (`Ghi chú`: sentences, not
    departments) is a self-assessment as before."""
    path = write_rows(
        tmp_path / "c.xlsx",
        {
            "Tiêu chí": [
                ["BỘ CHỈ SỐ THỬ"],
                ["Áp dụng từ năm: 2022"],
                [],
                ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm", "Ghi chú"],
                *[
                    [*row[:4], "Theo kết quả thẩm định của Hội đồng"]
                    for row in SMALL_TREE
                ],
            ]
        },
    )
    assert read_criteria_set(path).self_assessed


def test_a_maximum_saved_as_a_formula_without_its_value_says_so(
    tmp_path: Path,
) -> None:
    """A set made by a program (openpyxl) keeps its component's maximum as a
    formula with no value saved: it was refused as "không phải là số … (“”)",
    as if the cell were empty (blind round 21, left)."""
    import openpyxl

    path = write_criteria(tmp_path / "s.xlsx", SMALL_TREE)
    book = openpyxl.load_workbook(path)
    row = next(r for r in book["Tiêu chí"].iter_rows() if r[0].value == "2")
    row[2].value = "=C14+C15"
    book.save(path)
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(path)
    assert str(raised.value) == (
        "Bộ chỉ số “s.xlsx” không dùng được:\n"
        "  - ô C12: điểm tối đa của tiêu chí 2 là công thức chưa có giá trị tính sẵn "
        "(tệp được tạo bằng chương trình và chưa mở bằng Excel): hãy mở tệp bằng "
        "Excel hoặc LibreOffice, lưu lại rồi chạy lại."
    )

"""The province folder: register of units, grades, criteria sets by group, and a
criteria set without "Đơn vị chủ trì" (the unit fills the whole form itself)."""

from __future__ import annotations

import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from parindex.criteria import SELF_DEPARTMENT, read_criteria_set
from parindex.ingest.collect import ingest_year
from parindex.province.folder import (
    CriteriaLibrary,
    UnusableProvince,
    is_province,
    read_province,
)
from tests.builders import Cell, write_rows, write_submission

SELF_TREE: list[list[Cell]] = [
    ["1", "Chỉ đạo điều hành", 3, None],
    ["1.1", "Kế hoạch", 1, "Thẩm định"],
    ["1.2", "Báo cáo", 2, "Thẩm định"],
    ["2", "Tác động", 2, None],
    ["2.1", "SIPAS", 2, "SIPAS"],
]


def write_set(path: Path, group: str | None, first_year: int = 2025) -> Path:
    """A self-assessment set: no "Đơn vị chủ trì" column, no "Đơn vị" sheet."""
    lines: list[list[Cell]] = [["BỘ CHỈ SỐ CẤP XÃ"], [f"Áp dụng từ năm: {first_year}"]]
    if group is not None:
        lines.append([f"Khối: {group}"])
    table = [*lines, [], ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm"], *SELF_TREE]
    return write_rows(path, {"Tiêu chí": table})


def write_register(
    inputs: Path, units: list[list[Cell]], grades: list[list[Cell]] | None = None
) -> None:
    sheets: dict[str, list[list[Cell]]] = {
        "Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Khối", "Tên khác"], *units]
    }
    if grades is not None:
        sheets["Xếp loại"] = [["Khối", "Loại", "Từ (%)"], *grades]
    write_rows(inputs / "don-vi.xlsx", sheets)
    (inputs / "units").mkdir(parents=True, exist_ok=True)


def test_a_set_without_responsible_departments_is_the_units_own(tmp_path: Path) -> None:
    criteria_set = read_criteria_set(write_set(tmp_path / "xa.xlsx", "Xã, phường"))
    assert criteria_set.self_assessed
    assert criteria_set.unit_group == "Xã, phường"
    assert criteria_set.departments == (SELF_DEPARTMENT,)
    assert criteria_set.leaves["departments"].to_list() == [["DV"]] * 3


def test_every_file_in_a_self_assessed_drop_folder_is_the_units_own(
    tmp_path: Path,
) -> None:
    """Whatever its "Đơn vị" line says (the commune's own name, not a department)."""
    criteria_set = read_criteria_set(write_set(tmp_path / "criteria" / "xa.xlsx", None))
    write_submission(
        tmp_path / "2025" / "tu-danh-gia.xlsx",
        [["1.1", "Kế hoạch", 1, 1, 0.75, "Chậm"], ["1.2", "Báo cáo", 2, 2, 2, None]],
        department="UBND xã Bản Lang",
        year=2025,
    )
    write_submission(
        tmp_path / "2025" / "sipas.xlsx",
        [["2.1", "SIPAS", 2, 1.5, None, None]],
        department=None,
        year=2025,
    )
    ingested = ingest_year(tmp_path, 2025, criteria_set, time.time())
    statuses = dict(ingested.submissions.select("file", "status").iter_rows())
    # one unit, one form: the newest file is used, the older one superseded
    assert sorted(statuses.values()) == ["superseded", "used"]
    assert set(ingested.submissions["department"].to_list()) == {"DV"}


def test_register_with_groups_grades_and_folders(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    nfd = unicodedata.normalize("NFD", "Xã, phường")
    write_register(
        inputs,
        [
            ["X1", "UBND xã Bản Lang", "Xã, phường", "Bản Lang"],
            ["x2", "UBND phường Tân Phong", nfd, None],
            ["S1", "Sở Nội vụ", "Sở, ban, ngành", None],
        ],
        grades=[[None, "Tốt", 0.8], [None, "Khá", 0.7]],
    )
    for folder in ("X1", "X2", "Z9"):
        (inputs / "units" / folder).mkdir()
    assert is_province(inputs)
    province = read_province(inputs)
    assert [u.code for u in province.units] == ["X1", "x2", "S1"]
    assert province.groups == ("Xã, phường", "Sở, ban, ngành")
    assert province.units[1].group == "Xã, phường"  # NFD spelling, one group
    assert province.units[1].folder == inputs / "units" / "X2"  # matched by meaning
    # cells formatted as percentages hold fractions: read as percent
    assert province.grades is not None
    assert [(g.grade, g.floor) for g in province.grades] == [
        ("Tốt", Decimal("80.0")),
        ("Khá", Decimal("70.0")),
    ]
    assert province.problems["message"].to_list() == [
        "Thư mục “units/Z9” không có trong danh sách đơn vị (don-vi.xlsx): "
        "không tổng hợp."
    ]


def test_a_register_with_a_repeated_code_or_no_group_is_refused(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X1", "UBND xã Bản Lang", "Xã", None],
            ["X1", "UBND xã khác", "Xã", None],
            ["X3", "UBND xã Nậm Xe", None, None],
        ],
    )
    with pytest.raises(UnusableProvince) as raised:
        read_province(inputs)
    assert str(raised.value) == (
        "Danh sách đơn vị “don-vi.xlsx” không dùng được:\n"
        "  - ô A3: mã đơn vị X1 bị lặp lại (đã có ở ô A2).\n"
        "  - ô A4: dòng đơn vị thiếu “Mã đơn vị” hoặc “Khối”."
    )


def test_a_unit_uses_the_newest_set_of_its_group_or_its_own(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X1", "UBND xã Bản Lang", "Xã", None],
            ["X2", "UBND xã Nậm Xe", "Xã", None],
            ["S1", "Sở Nội vụ", "Sở", None],
            ["H1", "Huyện", "Huyện", None],
        ],
    )
    write_set(inputs / "criteria" / "xa-2022.xlsx", "Xã", 2022)
    write_set(inputs / "criteria" / "xa-2025.xlsx", "xa", 2025)  # folded: same group
    write_set(inputs / "criteria" / "chung-2020.xlsx", None, 2020)
    write_set(inputs / "units" / "X2" / "criteria" / "rieng.xlsx", "Xã", 2024)
    library = CriteriaLibrary(inputs)
    province = read_province(inputs)
    x1, x2, s1, _ = province.units
    assert library.choose(x1, 2025).source == inputs / "criteria" / "xa-2025.xlsx"
    assert library.choose(x1, 2024).source == inputs / "criteria" / "xa-2022.xlsx"
    assert library.choose(x2, 2025).source == inputs / "units" / "X2" / "criteria"
    # a group without a set of its own uses the set without "Khối"
    assert library.choose(s1, 2025).source == inputs / "criteria" / "chung-2020.xlsx"
    missing = library.choose(s1, 2019)
    assert missing.criteria_set is None
    assert missing.error == (
        "Không có bộ chỉ số nào của khối “Sở” (hoặc dùng chung) áp dụng cho năm 2019 "
        f"trong “{inputs / 'criteria'}”."
    )


def test_a_year_no_unit_has_stops_the_run(tmp_path: Path) -> None:
    from parindex.errors import NoYearFolder
    from parindex.province.run import plan_province

    inputs = tmp_path / "inputs"
    write_register(inputs, [["X1", "UBND xã Bản Lang", "Xã", None]])
    (inputs / "criteria").mkdir()  # a province without one is refused first
    (inputs / "units" / "X1" / "2024").mkdir(parents=True)
    assert plan_province(inputs).year == 2024
    with pytest.raises(NoYearFolder) as raised:
        plan_province(inputs, 2025)
    assert str(raised.value) == (
        "Không đơn vị nào có thư mục nộp bài của năm 2025 trong "
        f"“{inputs / 'units'}/<mã đơn vị>/”."
    )


def test_run_on_an_unusable_register_exits_2_before_prefect(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from parindex.cli import app

    inputs = tmp_path / "inputs"
    write_register(inputs, [["X1", "UBND xã Bản Lang", None, None]])
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: Danh sách đơn vị “don-vi.xlsx” không dùng được:\n"
        "  - ô A2: dòng đơn vị thiếu “Mã đơn vị” hoặc “Khối”.\n"
    )


def test_a_responsible_column_left_empty_on_every_leaf_is_a_self_assessment(
    tmp_path: Path,
) -> None:
    from tests.builders import write_criteria

    rows: list[list[Cell]] = [[*row, None] for row in SELF_TREE]
    # no department listed in its `Đơn vị` sheet: with some listed, the empty
    # column is refused (blind round 21c; tests/test_criteria.py)
    criteria_set = read_criteria_set(
        write_criteria(tmp_path / "x.xlsx", rows, departments=())
    )
    assert criteria_set.self_assessed
    assert criteria_set.departments == (SELF_DEPARTMENT,)
    assert criteria_set.unit_group is None


def test_two_sets_of_one_group_with_the_same_first_year_stop_the_run(
    tmp_path: Path,
) -> None:
    from parindex.errors import UnusableCriteria
    from parindex.province.run import plan_province

    inputs = tmp_path / "inputs"
    write_register(inputs, [["X1", "UBND xã Bản Lang", "Xã", None]])
    (inputs / "units" / "X1" / "2025").mkdir(parents=True)
    write_set(inputs / "criteria" / "a.xlsx", "Xã", 2025)
    write_set(inputs / "criteria" / "b.xlsx", "Sở", 2025)  # another group: fine
    assert (
        plan_province(inputs).jobs[0].current.source == inputs / "criteria" / "a.xlsx"
    )
    write_set(inputs / "criteria" / "c.xlsx", "xã", 2025)
    with pytest.raises(UnusableCriteria) as raised:
        plan_province(inputs)
    assert str(raised.value) == (
        "Có 2 bộ chỉ số cùng áp dụng từ năm 2025: “a.xlsx”, “c.xlsx”. Không biết "
        f"dùng bộ nào: hãy để lại một bộ trong thư mục “{inputs / 'criteria'}”."
    )


def _hide(path: Path, *sheets: str) -> None:
    """Hide ``sheets`` of ``path`` behind a first sheet of instructions."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Hướng dẫn", 0).append(["Điền danh sách đơn vị."])
    workbook.active = 0
    for sheet in sheets:
        workbook[sheet].sheet_state = "hidden"
    workbook.save(path)


def test_a_hidden_register_sheet_is_read_and_said(tmp_path: Path) -> None:
    """Blind round 17, P9: a hidden ``Đơn vị`` sheet was said not to exist (exit 2)
    and a hidden ``Xếp loại`` sheet left every unit ungraded without a word."""
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [["X1", "UBND xã Bản Lang", "Xã, phường", None]],
        grades=[[None, "Tốt", 80]],
    )
    (inputs / "units" / "X1").mkdir()
    _hide(inputs / "don-vi.xlsx", "Đơn vị", "Xếp loại")
    province = read_province(inputs)
    assert [u.code for u in province.units] == ["X1"]
    assert province.grades is not None
    assert [(g.grade, g.floor) for g in province.grades] == [("Tốt", Decimal(80))]
    assert province.problems.select("severity", "message", "file").to_dicts() == [
        {
            "severity": "warning",
            "message": f"Sheet “{sheet}” của don-vi.xlsx đang bị ẩn; parindex vẫn đọc "
            "sheet này.",
            "file": "don-vi.xlsx",
        }
        for sheet in ("Đơn vị", "Xếp loại")
    ]


def test_a_groups_own_grade_bands_replacing_the_common_ones_is_said(
    tmp_path: Path,
) -> None:
    """Blind round 17, P7: a group with one band of its own lost the common bands
    (90 % graded "Khá" where the common lines say "Xuất sắc") without a word."""
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X1", "UBND xã Bản Lang", "UBND cấp xã", None],
            ["S1", "Sở Nội vụ", "Sở, ban, ngành", None],
        ],
        grades=[
            [None, "Xuất sắc", 90],
            [None, "Tốt", 80],
            ["UBND cấp xã", "Khá", 70],
        ],
    )
    province = read_province(inputs)
    messages = province.problems.filter(pl.col("file") == "don-vi.xlsx")[
        "message"
    ].to_list()
    assert messages == [
        "Khối “UBND cấp xã” có mức xếp loại riêng trong sheet “Xếp loại” (Khá từ "
        "70%): các mức dùng chung (Xuất sắc từ 90%, Tốt từ 80%) không áp dụng cho "
        "khối này."
    ]


def test_a_register_saved_as_xlsm_is_read_under_its_name(tmp_path: Path) -> None:
    """Blind round 17, P6: ``don-vi.xlsm`` (or ``.xls``, ``.ods``) was not seen, and
    the run said the province root had no year folder."""
    inputs = tmp_path / "inputs"
    write_register(inputs, [["X1", "UBND xã Bản Lang", "Xã, phường", None]])
    (inputs / "don-vi.xlsx").rename(inputs / "don-vi.xlsm")
    (inputs / "units" / "X1").mkdir()
    assert is_province(inputs)
    province = read_province(inputs)
    assert [u.code for u in province.units] == ["X1"]
    _hide(inputs / "don-vi.xlsm", "Đơn vị")
    assert read_province(inputs).problems["message"].to_list() == [
        "Sheet “Đơn vị” của don-vi.xlsm đang bị ẩn; parindex vẫn đọc sheet này."
    ]

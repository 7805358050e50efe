"""A criteria set renumbered between two years (blind round 22B, F1, F2, F5):
this year's 3.1 "Phát triển nông nghiệp" was compared with last year's 3.1
"Quản lý đất đai", and a component with last year's component of its number
whatever its name, saying only that the comparison "holds where codes and
maxima agree". Between two sets, a node is now compared with last year's node
of its code when their names agree, else with last year's node of its name
(one only), else not at all; each is said."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import pipeline
from parindex.criteria import CriteriaSet, criteria_set_for_year
from tests.builders import write_criteria, write_submission
from tests.test_previous_incomplete import _result

SET_2022 = [
    ["1", "Chỉ đạo điều hành", 3, None, None],
    ["1.1", "Kế hoạch cải cách hành chính", 1, "Thẩm định", "NV"],
    ["1.2", "Báo cáo cải cách hành chính", 2, "Thẩm định", "NV"],
    ["2", "Đất đai", 5, None, None],
    ["2.1", "Quản lý đất đai", 5, "Thẩm định", "TCKH"],
    ["3", "Tác động của cải cách hành chính", 2, None, None],
    ["3.1", "Chỉ số hài lòng SIPAS", 2, "SIPAS", "NV"],
]
SET_2023 = [
    ["1", "Chỉ đạo điều hành", 3, None, None],
    ["1.1", "Báo cáo cải cách hành chính", 2, "Thẩm định", "NV"],
    ["1.2", "Kế hoạch cải cách hành chính", 1, "Thẩm định", "NV"],
    ["2", "Nông nghiệp", 4, None, None],
    ["2.1", "Phát triển nông nghiệp", 4, "Thẩm định", "TCKH"],
    ["3", "Tài nguyên", 3, None, None],
    ["3.1", "Quản lý đất đai", 3, "Thẩm định", "TCKH"],
    ["4", "Tác động của cải cách hành chính", 2, None, None],
    ["4.1", "Chỉ số hài lòng SIPAS", 2, "SIPAS", "NV"],
]
SCORES_2022 = {"1.1": 1, "1.2": 1.5, "2.1": 4, "3.1": 1.5}
SCORES_2023 = {"1.1": 2, "1.2": 0.5, "2.1": 3, "3.1": 2, "4.1": 1}


def _forms(folder: Path, tree: list[list[object]], scores: dict[str, float]) -> None:
    year = int(folder.name)
    for code, name in (("NV", "Phòng Nội vụ"), ("TCKH", "Phòng Tài chính - Kế hoạch")):
        rows = [
            [row[0], row[1], row[2], scores[str(row[0])], scores[str(row[0])], None]
            for row in tree
            if row[4] is not None and code in str(row[4]).split(";")
        ]
        write_submission(folder / f"{code}.xlsx", rows, department=name, year=year)


@pytest.fixture
def renumbered(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    write_criteria(inputs / "criteria" / "bo-2022.xlsx", SET_2022, first_year=2022)
    write_criteria(inputs / "criteria" / "bo-2023.xlsx", SET_2023, first_year=2023)
    _forms(inputs / "2022", SET_2022, SCORES_2022)
    _forms(inputs / "2023", SET_2023, SCORES_2023)
    return inputs


def test_criteria_are_compared_with_last_years_of_their_name(renumbered: Path) -> None:
    result = _result(renumbered)
    assert result.current.total == pytest.approx(8.5)
    compared = result.criteria.filter(pl.col("is_leaf")).select(
        "code", "previous", "change"
    )
    assert compared.rows() == [
        ("1.1", 1.5, 0.5),  # last year's 1.2, of the same name
        ("1.2", 1.0, -0.5),  # last year's 1.1
        ("2.1", None, None),  # last year's 2.1 is another criterion
        ("3.1", 4.0, -2.0),  # last year's 2.1 "Quản lý đất đai"
        ("4.1", 1.5, -0.5),  # last year's 3.1
    ]


def test_components_are_compared_with_last_years_of_their_name(
    renumbered: Path,
) -> None:
    components = _result(renumbered).components.select(
        "code", "previous_max", "previous", "delta"
    )
    assert components.rows() == [
        ("1", 3.0, 2.5, 0.0),
        ("2", None, None, None),  # "Nông nghiệp": last year's 2 was "Đất đai"
        ("3", None, None, None),  # "Tài nguyên": none last year
        ("4", 2.0, 1.5, -0.5),  # last year's 3, of the same name
    ]


def test_the_matching_is_said(renumbered: Path) -> None:
    problems = _result(renumbered).problems
    said = problems.filter(
        pl.col("message").str.contains(
            "đánh số khác năm|cùng mã nhưng khác tên|trên hai thang điểm"
        )
    )["message"].to_list()
    assert said == [
        "Bộ chỉ số năm 2023 đánh số khác năm 2022: các tiêu chí sau được so sánh "
        "với tiêu chí cùng tên năm 2022: 1.1 (năm 2022 là 1.2), 1.2 (năm 2022 là "
        "1.1), 3.1 (năm 2022 là 2.1), 4 (năm 2022 là 3), 4.1 (năm 2022 là 3.1).",
        "Không so sánh với năm 2022 các tiêu chí có cùng mã nhưng khác tên (không "
        "phải cùng một tiêu chí) và không có đúng một tiêu chí cùng tên năm 2022: 2 “Nông "
        "nghiệp” (năm 2022: “Đất đai”), 2.1 “Phát triển nông nghiệp” (năm 2022: "
        "“Quản lý đất đai”), 3 “Tài nguyên” (năm 2022: “Tác động của cải cách hành "
        "chính”).",
        "Có tiêu chí có điểm tối đa năm 2023 khác năm 2022, so sánh hai năm là so "
        "sánh điểm số trên hai thang điểm: 3.1 (năm 2022 là 2.1: 5 → 3 điểm).",
    ]


def test_last_year_known_only_as_published_is_compared_through_its_set(
    renumbered: Path,
) -> None:
    """No 2022 folder: last year's published components are put next to this
    year's through the 2022 set (its names and maxima), not by number with this
    year's maxima (blind round 22B, F2)."""
    import shutil

    from tests.builders import write_rows

    shutil.rmtree(renumbered / "2022")
    write_rows(
        renumbered / "history.xlsx",
        {
            "Kết quả": [
                ["Năm", "Điểm thẩm định", "Điểm SIPAS", "Tổng điểm"],
                [2022, 6.5, 1.5, 8],
            ],
            "Chỉ số thành phần": [
                ["Năm", "Mã", "Điểm"],
                [2022, "1", 2.5],
                [2022, "2", 4],
                [2022, "3", 1.5],
            ],
        },
    )
    result = _result(renumbered)
    assert result.components.select("code", "previous_max", "previous").rows() == [
        ("1", 3.0, 2.5),
        ("2", None, None),
        ("3", None, None),
        ("4", 2.0, 1.5),
    ]
    said = result.problems.filter(pl.col("message").str.contains("đánh số khác"))
    assert said["message"].to_list() == [
        "Bộ chỉ số năm 2023 đánh số khác năm 2022: các tiêu chí sau được so sánh "
        "với tiêu chí cùng tên năm 2022: 1.1 (năm 2022 là 1.2), 1.2 (năm 2022 là "
        "1.1), 3.1 (năm 2022 là 2.1), 4 (năm 2022 là 3), 4.1 (năm 2022 là 3.1)."
    ]


def test_one_set_for_both_years_is_compared_by_code(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_criteria(inputs / "criteria" / "bo.xlsx", SET_2023, first_year=2022)
    _forms(inputs / "2022", SET_2023, {**SCORES_2023, "1.1": 1})
    _forms(inputs / "2023", SET_2023, SCORES_2023)
    result = _result(inputs)
    assert result.criteria.filter(pl.col("code") == "1.1").select(
        "previous", "change"
    ).rows() == [(1.0, 1.0)]
    assert not result.problems.filter(
        pl.col("message").str.contains("đánh số khác|cùng mã nhưng khác tên")
    ).height


def test_points_lost_two_years_running_follow_the_pairing(renumbered: Path) -> None:
    """Last year's deductions of a renumbered criterion were put on this year's
    criterion of its old code (blind round 22B, F1: the department's `Bị trừ
    nhiều năm` carried "Tồn đọng hồ sơ đất đai" on agriculture)."""
    from parindex.analysis import points_lost

    lost = points_lost(_result(renumbered)).select("code", "recurring")
    assert sorted(lost.rows()) == [
        ("1.2", False),  # "Kế hoạch": full last year as 1.1
        ("2.1", None),  # "Phát triển nông nghiệp": not compared
        ("3.1", True),  # "Quản lý đất đai": lost last year as 2.1
        ("4.1", True),  # SIPAS: lost last year as 3.1
    ]


def _overview_lines(result: pipeline.AnalysedResult, code: str, tmp: Path) -> list[str]:
    from datetime import datetime

    import openpyxl

    from parindex.department_view import department_view
    from parindex.render.department import OVERVIEW_SHEET, render_department

    path = tmp / f"{code}.xlsx"
    render_department(department_view(result, code), code, path, datetime(2024, 1, 2))
    sheet = openpyxl.load_workbook(path)[OVERVIEW_SHEET]
    return [str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0]]


def test_a_department_whose_criteria_changed_says_its_years_differ(
    renumbered: Path, tmp_path: Path
) -> None:
    """A department's total compared across the years though its criteria were
    not the same ones (blind round 22B, F7: "tăng 9" between 20/30 and 29/35)."""
    result = _result(renumbered)
    assert (
        "Năm 2023 đơn vị phụ trách 2 tiêu chí, năm 2022 phụ trách 1 tiêu chí; "
        "1 tiêu chí năm 2023 đơn vị không phụ trách năm 2022 (2.1): so sánh điểm "
        "của đơn vị giữa hai năm là so sánh hai nhóm tiêu chí khác nhau."
    ) in _overview_lines(result, "TCKH", tmp_path)
    assert not any(
        "so sánh hai nhóm tiêu chí" in line
        for line in _overview_lines(result, "NV", tmp_path)
    )  # the same three criteria, renumbered


def test_nothing_compared_says_nothing_of_the_pairing(renumbered: Path) -> None:
    """No 2022 folder and only a published total: no criterion or component is
    compared, so none is said to be compared with last year's of its name."""
    import shutil

    from tests.builders import write_rows

    shutil.rmtree(renumbered / "2022")
    write_rows(
        renumbered / "history.xlsx",
        {"Kết quả": [["Năm", "Điểm thẩm định", "Tổng điểm"], [2022, 8, 8]]},
    )
    problems = _result(renumbered).problems
    assert not problems.filter(
        pl.col("message").str.contains("đánh số khác năm|cùng mã nhưng khác tên")
    ).height


def test_the_components_total_row_is_last_years_total(
    renumbered: Path, tmp_path: Path
) -> None:
    """Components 2 and 3 not compared: the total row added last year's scores
    of the compared components only (4 of 8) against this year's of all
    (blind re-check 22B, N1: "+30,5 Tăng" beside a headline of +8,5). It is
    last year's total, out of its set's maximum, as the headline's."""
    from datetime import datetime

    import openpyxl

    from parindex.render.scorecard import render_scorecard

    result = _result(renumbered)
    path = tmp_path / "scorecard.xlsx"
    render_scorecard(result, path, datetime(2024, 1, 2))
    sheet = openpyxl.load_workbook(path)["Chỉ số thành phần"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "TT")
    total_row = next(r for r in rows if r and r[1] == "Tổng cộng")
    total = dict(zip(header, total_row, strict=True))
    assert (
        total["Điểm tối đa năm trước"],
        total["Điểm năm trước"],
        total["Điểm tối đa"],
        total["Điểm đạt"],
        total["Tăng/giảm"],
    ) == (10, 8, 12, 8.5, 0.5)


def test_a_department_partial_last_year_is_not_compared(
    inputs: Path, tmp_path: Path
) -> None:
    """Tư pháp's 2022 form left one criterion blank: its 2022 total is short of
    it, and the table compared it (blind round 22E, F2: "+14,75", the sentence
    above saying "còn 5/6 tiêu chí chưa có điểm"). Its figures are shown, not
    compared."""
    from datetime import datetime

    from parindex.department_view import department_view
    from parindex.render.department import OVERVIEW_SHEET, render_department
    from tests.test_previous_incomplete import _result as sample_result

    form = inputs / "2022" / "phong-tu-phap.xlsx"
    book = openpyxl.load_workbook(form)
    row = next(r for r in book.worksheets[0].iter_rows() if r[0].value == "2.1.1")
    row[3].value = row[4].value = None
    book.save(form)
    result = sample_result(inputs)
    path = tmp_path / "tp.xlsx"
    render_department(department_view(result, "TP"), "TP", path, datetime(2024, 1, 2))
    rows = list(
        openpyxl.load_workbook(path)[OVERVIEW_SHEET].iter_rows(values_only=True)
    )
    header = next(r for r in rows if r and r[0] == "Chỉ tiêu")
    change = header.index("Tăng/giảm")
    table = rows[rows.index(header) + 1 :]
    assert [r[change] for r in table if r and r[0]] == [None] * len(
        [r for r in table if r and r[0]]
    )


def test_a_components_row_of_the_criteria_is_compared_as_in_the_components(
    inputs: Path,
) -> None:
    """Last year's folder incomplete, its components published: `Tiêu chí`'s
    component rows took last year's folder (8,5) where `Chỉ số thành phần`
    took the published figure (9) (blind round 22E, F3). One figure for both."""
    from tests.test_previous_incomplete import _result as sample_result

    (inputs / "2022" / "phong-tu-phap.xlsx").unlink()
    result = sample_result(inputs)
    components = dict(result.components.select("code", "previous").rows())
    rows = dict(
        result.criteria.filter(pl.col("depth") == 1).select("code", "previous").rows()
    )
    assert rows == components
    assert components["1"] == 7.36  # published


def _two_years(
    tmp_path: Path,
    old: tuple[str, str],
    new: list[tuple[str, str, str]],
    lead: str,
    extra_old: tuple[str, str] | None = None,
) -> pipeline.AnalysedResult:
    """2022's department ``old`` (code, name) leading 1.2; 2023's departments
    ``new`` (code, name, other names) with ``lead`` leading it; NV leads 1.1
    both years. Each year's forms named as that year's set names them."""
    tree_2022 = [
        ["1", "Chỉ đạo điều hành", 3, None, None],
        ["1.1", "Kế hoạch cải cách hành chính", 1, "Thẩm định", "NV"],
        ["1.2", "Báo cáo cải cách hành chính", 2, "Thẩm định", old[0]],
    ]
    tree_2023 = [[*row[:4], lead if row[4] == old[0] else row[4]] for row in tree_2022]
    inputs = tmp_path / "inputs"
    write_criteria(
        inputs / "criteria" / "bo-2022.xlsx",
        tree_2022,
        [
            ("NV", "Phòng Nội vụ", "Nội vụ"),
            (*old, ""),
            *([(*extra_old, "")] if extra_old else []),
        ],
        first_year=2022,
    )
    write_criteria(
        inputs / "criteria" / "bo-2023.xlsx",
        tree_2023,
        [("NV", "Phòng Nội vụ", "Nội vụ"), *new],
        first_year=2023,
    )
    lead_name = next(name for code, name, _ in new if code == lead)
    for year, tree, scores in ((2022, tree_2022, (1, 1.5)), (2023, tree_2023, (1, 2))):
        folder = inputs / str(year)
        write_submission(
            folder / "nv.xlsx",
            [["1.1", tree[1][1], 1, scores[0], scores[0], None]],
            department="Phòng Nội vụ",
            year=year,
        )
        write_submission(
            folder / "kt.xlsx",
            [["1.2", tree[2][1], 2, scores[1], scores[1], None]],
            department=old[1] if year == 2022 else lead_name,
            year=year,
        )
    return _result(inputs)


def _renamed(tmp_path: Path) -> pipeline.AnalysedResult:
    """2022's KT "Phòng Kinh tế" is 2023's KTHT "Phòng Kinh tế và Hạ tầng",
    whose other names in the set are "KT; Phòng Kinh tế"."""
    return _two_years(
        tmp_path,
        ("KT", "Phòng Kinh tế"),
        [("KTHT", "Phòng Kinh tế và Hạ tầng", "KT; Phòng Kinh tế")],
        "KTHT",
    )


def test_a_renamed_department_keeps_last_year(tmp_path: Path) -> None:
    """KTHT, whose other names in the set are "KT; Phòng Kinh tế" (last year's
    department), had no last year in its workbook (blind round 22E, F7)."""
    from parindex.render.sheets import department_row

    before = department_row(_renamed(tmp_path), "KTHT", previous=True)
    assert before is not None and before["score"] == 1.5


def test_a_renamed_department_is_said(tmp_path: Path) -> None:
    """The renaming was applied without a word (session 22's read-through)."""
    from parindex import messages

    said = messages.DEPARTMENTS_RENAMED_COMPARED.format(
        year=2023,
        previous_year=2022,
        departments="Phòng Kinh tế và Hạ tầng (KTHT): năm 2022 là Phòng Kinh tế (KT)",
    )
    problems = _renamed(tmp_path).problems
    assert problems.filter(pl.col("message") == said).select(
        "severity", "department"
    ).rows() == [("warning", "KTHT")]


@pytest.mark.parametrize(
    "other_names",
    [
        "Phòng KT-HT",
        "Kinh tế và Hạ tầng",
        "Phòng Kinh tế - Hạ tầng",
        "P. Kinh tế và Hạ tầng",
        "Phòng Kinh tế & Hạ tầng",
        "kinh te va ha tang",
        # the old name marked old (blind re-check 23C, finding 7)
        "Phòng Kinh tế và Hạ tầng (cũ)",
        "Phòng Kinh tế và Hạ tầng cũ",
        "KTHT (cũ)",
        "Phòng Kinh tế và Hạ tầng (trước đây)",
    ],
)
def test_a_department_renamed_is_known_by_its_old_name_as_forms_write_it(
    other_names: str,
) -> None:
    """KTHT "Phòng Kinh tế và Hạ tầng" renamed KT "Phòng Kinh tế", its other
    names writing the old one as offices do: only the old code or exact name
    was paired (blind round 23A, F6)."""
    from parindex.consolidate import department_heirs
    from parindex.criteria import Department

    def named(*departments: Department) -> CriteriaSet:
        return dataclasses.replace(_sample_set(), departments=departments)

    last = named(
        Department("NV", "Phòng Nội vụ"),
        Department("KTHT", "Phòng Kinh tế và Hạ tầng", ("Kinh tế hạ tầng huyện",)),
    )
    current = named(
        Department("NV", "Phòng Nội vụ"),
        Department("KT", "Phòng Kinh tế", (other_names,)),
        # only last year's other name: not its heir
        Department("HT", "Phòng Hạ tầng", ("Kinh tế hạ tầng huyện",)),
    )
    assert department_heirs(current, last) == {"KTHT": ["KT"]}


def test_a_department_split_in_two_is_said_not_compared(tmp_path: Path) -> None:
    """KT and a new HT both name last year's KTHT among their other names:
    neither had last year, and nothing said why (blind round 23A, F6)."""
    from parindex import messages

    result = _split(tmp_path)
    said = messages.DEPARTMENT_SPLIT_NOT_COMPARED.format(
        previous_year=2022,
        old="Phòng Kinh tế và Hạ tầng (KTHT)",
        heirs="Phòng Kinh tế (KT), Phòng Hạ tầng (HT)",
    )
    assert sorted(
        result.problems.filter(pl.col("message") == said)
        .select("severity", "department")
        .rows()
    ) == [("warning", "HT"), ("warning", "KT")]


def _sample_set() -> CriteriaSet:
    from tests.conftest import SAMPLE_INPUTS

    return criteria_set_for_year(SAMPLE_INPUTS / "criteria", 2023)


def _split(tmp_path: Path) -> pipeline.AnalysedResult:
    """2022's KTHT "Phòng Kinh tế và Hạ tầng" split in 2023 into KT "Phòng
    Kinh tế" and HT "Phòng Hạ tầng", both naming KTHT among their other names."""
    return _two_years(
        tmp_path,
        ("KTHT", "Phòng Kinh tế và Hạ tầng"),
        [("KT", "Phòng Kinh tế", "KTHT"), ("HT", "Phòng Hạ tầng", "KTHT")],
        "KT",
    )


def test_two_departments_merged_into_one_are_said_not_compared(tmp_path: Path) -> None:
    """TCKH and KTHT merged into KTTC, whose other names list both: KTTC was
    compared with KTHT's last year alone (blind re-check 23C, finding 1)."""
    from parindex import messages
    from parindex.render.sheets import department_row

    result = _two_years(
        tmp_path,
        ("KTHT", "Phòng Kinh tế và Hạ tầng"),
        [("KTTC", "Phòng Kinh tế - Tài chính", "KTHT; TCKH")],
        "KTTC",
        extra_old=("TCKH", "Phòng Tài chính - Kế hoạch"),
    )
    said = messages.DEPARTMENTS_MERGED_NOT_COMPARED.format(
        previous_year=2022,
        name="Phòng Kinh tế - Tài chính (KTTC)",
        olds="Phòng Kinh tế và Hạ tầng (KTHT), Phòng Tài chính - Kế hoạch (TCKH)",
    )
    assert result.problems.filter(pl.col("message") == said).height == 1
    assert department_row(result, "KTTC", previous=True) is None

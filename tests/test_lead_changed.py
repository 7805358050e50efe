"""A criterion whose lead department changed between two years (1.2, Phòng
Kinh tế's in 2022, Phòng Tư pháp's in 2023), lost both years, was listed in Tư
pháp's workbook under "bị trừ điểm hai năm liền" and in the report's criteria
to mend first as if Tư pháp had lost it twice, unmarked (blind round 22, left
in Known limits). It is still the unit's criterion lost two years running; the
year its lead was another department now says so."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from parindex import pipeline
from parindex.analysis import LeadBefore, previous_leads
from parindex.render.department import render_department
from parindex.render.report import render_report
from tests.builders import write_criteria, write_submission
from tests.render.workbooks import texts
from tests.test_previous_incomplete import _result

DEPARTMENTS = [
    ("NV", "Phòng Nội vụ", "Nội vụ"),
    ("KT", "Phòng Kinh tế", "Kinh tế"),
    ("TP", "Phòng Tư pháp", "Tư pháp"),
]


def _tree(lead: str) -> list[list[object]]:
    return [
        ["1", "Chỉ đạo điều hành", 4, None, None],
        ["1.1", "Kế hoạch cải cách hành chính", 1, "Thẩm định", "NV"],
        ["1.2", "Báo cáo cải cách hành chính", 2, "Thẩm định", lead],
        ["1.3", "Tuyên truyền cải cách hành chính", 1, "Thẩm định", "KT"],
    ]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> pipeline.AnalysedResult:
    inputs = tmp_path_factory.mktemp("lead") / "inputs"
    for year, lead in ((2022, "KT"), (2023, "TP")):
        write_criteria(
            inputs / "criteria" / f"bo-{year}.xlsx",
            _tree(lead),
            DEPARTMENTS,
            first_year=year,
        )
        tree = _tree(lead)
        scores = {"1.1": 1.0, "1.2": 1.0 if year == 2022 else 1.5, "1.3": 0.5}
        for code, name, _ in DEPARTMENTS:
            rows = [
                [r[0], r[1], r[2], scores[str(r[0])], scores[str(r[0])], None]
                for r in tree
                if r[4] == code
            ]
            if rows:
                write_submission(
                    inputs / str(year) / f"{code}.xlsx",
                    rows,
                    department=name,
                    year=year,
                )
    return _result(inputs)


def test_the_criteria_whose_lead_changed(result: pipeline.AnalysedResult) -> None:
    # 1.3, KT's both years, lost both years: not listed
    assert previous_leads(result) == {"1.2": LeadBefore("1.2", ("KT",), ("KT",))}


def test_the_departments_workbook_says_whose_it_was(
    result: pipeline.AnalysedResult, tmp_path: Path
) -> None:
    path = tmp_path / "TP.xlsx"
    render_department(result, "TP", path, datetime(2024, 1, 5, 8, 0))
    lines = texts(load_workbook(path)["Bị trừ nhiều năm"])
    assert lines[1] == (
        "1 tiêu chí bị trừ điểm hai năm liền, năm 2023 mất 0,5 điểm: cần ưu tiên "
        "khắc phục. Năm 2022, tiêu chí 1.2 do Phòng Kinh tế (KT) phụ trách."
    )
    path = tmp_path / "KT.xlsx"
    render_department(result, "KT", path, datetime(2024, 1, 5, 8, 0))
    lines = texts(load_workbook(path)["Bị trừ nhiều năm"])
    assert lines[1] == (
        "1 tiêu chí bị trừ điểm hai năm liền, năm 2023 mất 0,5 điểm: cần ưu tiên "
        "khắc phục."
    )


def test_the_report_says_whose_it_was(result: pipeline.AnalysedResult) -> None:
    document = Document(io.BytesIO(render_report(result, datetime(2024, 1, 5, 8, 0))))
    said = [p.text for p in document.paragraphs if "năm 2022 do" in p.text]
    assert said == [
        # Tư pháp's part of section II
        "Bị trừ điểm cả năm 2022 và năm 2023 (cần ưu tiên khắc phục): 1.2 (1,5/2; "
        "năm 2022 do Phòng Kinh tế phụ trách).",
        # III. the criteria to mend first (1.3, Kinh tế's both years: unmarked)
        "- Tiêu chí 1.2 “Báo cáo cải cách hành chính”: đạt 1,5/2 điểm (Phòng Tư "
        "pháp; năm 2022 do Phòng Kinh tế phụ trách).",
    ]
    assert (
        "- Tiêu chí 1.3 “Tuyên truyền cải cách hành chính”: đạt 0,5/1 điểm "
        "(Phòng Kinh tế)." in [p.text for p in document.paragraphs]
    )


def _forms(
    inputs: Path,
    year: int,
    tree: list[list[object]],
    departments: list[tuple[str, str, str]],
    scores: dict[str, float],
) -> None:
    """Each department's form: the leaves it leads or shares (``NV;TCKH``)."""
    for code, name, _ in departments:
        rows = [
            [r[0], r[1], r[2], scores[str(r[1])], scores[str(r[1])], None]
            for r in tree
            if r[4] is not None and code in str(r[4]).split(";")
        ]
        if rows:
            write_submission(
                inputs / str(year) / f"{code}.xlsx", rows, department=name, year=year
            )


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> pipeline.AnalysedResult:
    """2022: 1.1 Kế hoạch (NV), 1.2 Báo cáo (KTHT), 1.3 Tuyên truyền (TCKH).
    2023, renumbered, KTHT renamed KT "Phòng Kinh tế" (its other names
    "KTHT; Phòng Kinh tế và Hạ tầng"): 1.1 Tuyên truyền shared by TCKH and NV,
    1.2 Kế hoạch (NV), 1.3 Báo cáo (TP). Every leaf lost both years (blind
    round 23A, F7: TP's workbook named 1.3 and "Phòng Kinh tế (KT)" for 2022;
    TCKH's told it that it had 1.1 last year, as if a change)."""
    inputs = tmp_path_factory.mktemp("moved") / "inputs"
    before = [
        ("NV", "Phòng Nội vụ", "Nội vụ"),
        ("KTHT", "Phòng Kinh tế và Hạ tầng", "Kinh tế và Hạ tầng"),
        ("TCKH", "Phòng Tài chính - Kế hoạch", "Tài chính"),
    ]
    now = [
        ("NV", "Phòng Nội vụ", "Nội vụ"),
        ("KT", "Phòng Kinh tế", "KTHT; Phòng Kinh tế và Hạ tầng"),
        ("TCKH", "Phòng Tài chính - Kế hoạch", "Tài chính"),
        ("TP", "Phòng Tư pháp", "Tư pháp"),
    ]
    tree_2022 = [
        ["1", "Chỉ đạo điều hành", 6, None, None],
        ["1.1", "Kế hoạch cải cách hành chính", 2, "Thẩm định", "NV"],
        ["1.2", "Báo cáo cải cách hành chính", 2, "Thẩm định", "KTHT"],
        ["1.3", "Tuyên truyền cải cách hành chính", 2, "Thẩm định", "TCKH"],
    ]
    tree_2023 = [
        ["1", "Chỉ đạo điều hành", 6, None, None],
        ["1.1", "Tuyên truyền cải cách hành chính", 2, "Thẩm định", "TCKH;NV"],
        ["1.2", "Kế hoạch cải cách hành chính", 2, "Thẩm định", "NV"],
        ["1.3", "Báo cáo cải cách hành chính", 2, "Thẩm định", "TP"],
    ]
    for year, tree, departments in ((2022, tree_2022, before), (2023, tree_2023, now)):
        write_criteria(
            inputs / "criteria" / f"bo-{year}.xlsx", tree, departments, first_year=year
        )
        scores = {
            "Kế hoạch cải cách hành chính": 1.0,
            "Báo cáo cải cách hành chính": 1.5 if year == 2023 else 1.0,
            "Tuyên truyền cải cách hành chính": 0.5,
        }
        _forms(inputs, year, tree, departments, scores)
    return _result(inputs)


def test_a_leaf_renumbered_and_renamed_says_its_code_and_lead_then(
    moved: pipeline.AnalysedResult,
) -> None:
    assert previous_leads(moved) == {
        "1.1": LeadBefore("1.3", ("TCKH",), ("TCKH",)),
        "1.3": LeadBefore("1.2", ("KTHT",), ("KT",)),
    }


@pytest.mark.parametrize(
    ("department", "said"),
    [
        ("TP", " Năm 2022, tiêu chí 1.3 (năm 2022 là 1.2) do Phòng Kinh tế và Hạ "
         "tầng (KTHT) phụ trách."),
        ("NV", " Năm 2022, tiêu chí 1.1 (năm 2022 là 1.3) do Phòng Tài chính - Kế "
         "hoạch (TCKH) phụ trách."),
        ("TCKH", ""),  # it had 1.1 (then 1.3) last year too: no change to say
    ],
)  # fmt: skip
def test_each_department_is_told_of_the_leaves_it_did_not_have(
    moved: pipeline.AnalysedResult, tmp_path: Path, department: str, said: str
) -> None:
    path = tmp_path / f"{department}.xlsx"
    render_department(moved, department, path, datetime(2024, 1, 5, 8, 0))
    line = texts(load_workbook(path)["Bị trừ nhiều năm"])[1]
    assert line.endswith("cần ưu tiên khắc phục." + said)


def test_the_report_says_the_code_and_lead_then(
    moved: pipeline.AnalysedResult,
) -> None:
    document = Document(io.BytesIO(render_report(moved, datetime(2024, 1, 5, 8, 0))))
    said = [p.text for p in document.paragraphs if "năm 2022 là" in p.text]
    assert said == [
        # NV's part of section II (TCKH's says nothing: it had the leaf)
        "Bị trừ điểm cả năm 2022 và năm 2023 (cần ưu tiên khắc phục): 1.1 (0,5/2; "
        "năm 2022 là 1.3, do Phòng Tài chính - Kế hoạch phụ trách), 1.2 (1/2).",
        # TP's part
        "Bị trừ điểm cả năm 2022 và năm 2023 (cần ưu tiên khắc phục): 1.3 (1,5/2; "
        "năm 2022 là 1.2, do Phòng Kinh tế và Hạ tầng phụ trách).",
        # III. the criteria to mend first
        "- Tiêu chí 1.1 “Tuyên truyền cải cách hành chính”: đạt 0,5/2 điểm (Phòng "
        "Tài chính - Kế hoạch và Phòng Nội vụ cùng phụ trách; năm 2022 là 1.3, do "
        "Phòng Tài chính - Kế hoạch phụ trách).",
        "- Tiêu chí 1.3 “Báo cáo cải cách hành chính”: đạt 1,5/2 điểm (Phòng Tư "
        "pháp; năm 2022 là 1.2, do Phòng Kinh tế và Hạ tầng phụ trách).",
    ]


def test_the_scorecard_says_whose_it_was(
    moved: pipeline.AnalysedResult, tmp_path: Path
) -> None:
    """The `Mất điểm` ranking listed 1.3 under TP, "Mất điểm cả năm 2022: Có",
    with no word of KTHT (blind round 23A, F8)."""
    from parindex.render.scorecard import LOST_SHEET, render_scorecard

    path = tmp_path / "scorecard.xlsx"
    render_scorecard(moved, path, datetime(2024, 1, 5, 8, 0))
    sheet = list(load_workbook(path)[LOST_SHEET].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(sheet) if row[:3] == ("TT", "Mã", "Tiêu chí"))
    header = list(sheet[at])
    rows = {
        row[1]: row[header.index("Đơn vị chủ trì")]
        for row in sheet[at + 1 :]
        if row[0] is not None
    }
    assert rows == {
        "1.1": "TCKH; NV (năm 2022 là 1.3: TCKH)",
        "1.2": "NV",
        "1.3": "TP (năm 2022 là 1.2: KTHT)",
    }

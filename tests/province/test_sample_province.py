"""The sample province end to end: ranks, ties, grades, weak criteria, the JSON
contract, the workbooks, and each unit equal to a unit run on its own folder."""

from __future__ import annotations

import json
import shutil
import time
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from parindex.criteria import CRITERIA_FOLDER
from parindex.ingest.collect import ingest_year
from parindex.pipeline import (
    build_result,
    consolidate_previous,
    load_criteria,
    load_history,
)
from parindex.province.run import run_province
from parindex.render.summary import summary
from tests.province.conftest import PROVINCE_INPUTS, ProvinceRun

UNIT_KEYS = [
    "code",
    "name",
    "total",
    "percent",
    "rank",
    "of",
    "grade",
    "status",
    "previous",
    "components",
]


@pytest.fixture(scope="module")
def document(province_2023: ProvinceRun) -> dict:
    return json.loads(province_2023.written.summary.read_text("utf-8"))


def test_the_build_script_reproduces_the_committed_sample(
    tmp_path: Path, build_script: ModuleType
) -> None:
    written = build_script.build(tmp_path / "inputs")
    # register, 2 sets, 3 districts × 6 files × 2 years, a history, 3 sở × 2 + SYT
    assert len(written) == 1 + 2 + 3 * 6 * 2 + 1 + 3 * 2 + 1
    for relative in written:
        assert (tmp_path / "inputs" / relative).read_bytes() == (
            PROVINCE_INPUTS / relative
        ).read_bytes(), relative


def test_json_contract_keys(document: dict) -> None:
    assert list(document) == [
        "year",
        "groups",
        "missing_units",
        "unusable_units",
        "weak_criteria",
    ]
    assert document["year"] == 2023
    for group in document["groups"]:
        assert list(group) == ["name", "max", "units"]
        for unit in group["units"]:
            assert list(unit) == UNIT_KEYS
            if unit["previous"] is not None:
                assert list(unit["previous"]) == ["total", "rank"]
            for component in unit["components"]:
                assert list(component) == ["code", "score", "max"]
    for weak in document["weak_criteria"]:
        assert list(weak) == ["group", "code", "name", "units_losing", "points_lost"]


def _group(document: dict, name: str) -> dict:
    return next(g for g in document["groups"] if g["name"] == name)


def test_districts_tie_share_the_first_rank_and_the_next_is_third(
    document: dict,
) -> None:
    districts = _group(document, "UBND cấp huyện")
    assert districts["max"] == 100.0
    rows = [
        (u["code"], u["total"], u["rank"], u["of"], u["grade"], u["status"])
        for u in districts["units"]
    ]
    # Phong Thổ is the shipped sample (79.24); Tam Đường ties it with other components
    assert rows == [
        ("PT", 79.24, 1, 3, "Khá", "final"),
        ("TD", 79.24, 1, 3, "Khá", "final"),
        ("SH", 76.24, 3, 3, "Khá", "final"),
    ]
    phong_tho = districts["units"][0]
    assert phong_tho["previous"] == {"total": 72.1, "rank": 2}
    assert phong_tho["percent"] == 79.24
    assert [c["score"] for c in phong_tho["components"]] == [
        9.28,
        5.0,
        13.0,
        7.5,
        5.5,
        3.18,
        11.4,
        24.38,
    ]


def _expected_department_totals(build_script: ModuleType, year: int) -> dict:
    """Each sở's total from the build script's own numbers: appraised scores, or
    the self-assessed ones where the form has none (provisional)."""
    totals = {}
    for code, _name, group, _aliases in build_script.UNITS:
        if group != build_script.DEPARTMENT_GROUP:
            continue
        if year not in build_script.SUBMITTED.get(code, build_script.YEARS):
            continue
        scores = build_script.department_scores(code, year)
        if (code, year) in build_script.PROVISIONAL:
            maxima = {leaf.code: leaf.max for leaf in build_script.department_leaves()}
            scores = {k: min(maxima[k], v + Decimal("0.25")) for k, v in scores.items()}
        totals[code] = sum(scores.values(), Decimal(0))
    return totals


def test_departments_ranked_graded_from_their_self_assessed_forms(
    document: dict, build_script: ModuleType
) -> None:
    expected = _expected_department_totals(build_script, 2023)
    previous = _expected_department_totals(build_script, 2022)
    group = _group(document, "Sở, ban, ngành")
    rows = [
        (u["code"], u["total"], u["rank"], u["of"], u["grade"], u["status"])
        for u in group["units"]
    ]
    assert rows == [
        ("SNV", float(expected["SNV"]), 1, 3, "Xuất sắc", "final"),
        ("STC", float(expected["STC"]), 2, 3, "Xuất sắc", "provisional"),
        ("STP", float(expected["STP"]), 3, 3, "Xuất sắc", "final"),
        ("SYT", None, None, 3, None, "missing"),
    ]
    assert [float(expected[c]) for c in ("SNV", "STC", "STP")] == [95.75, 94.2, 92.7]
    by_code = {u["code"]: u for u in group["units"]}
    # 2022: SNV 93.25, STP 91.3, STC 91.0, SYT 89.5 (SYT ranked then, not now)
    assert previous["SNV"] == Decimal("93.25")
    assert by_code["STC"]["previous"] == {"total": float(previous["STC"]), "rank": 3}
    assert by_code["STP"]["previous"] == {"total": float(previous["STP"]), "rank": 2}
    # no drop folder for 2023 yet: last year's place and total still shown
    assert by_code["SYT"]["previous"] == {"total": float(previous["SYT"]), "rank": 4}
    assert by_code["SYT"]["components"] == []
    assert document["missing_units"] == ["SYT"]


def test_weak_criteria_are_where_most_units_lose_points(
    document: dict, build_script: ModuleType
) -> None:
    """Recomputed from the build script's own scores, not from the pipeline."""
    maxima = {leaf.code: leaf.max for leaf in build_script.department_leaves()}
    names = {leaf.code: leaf.name for leaf in build_script.department_leaves()}
    losing: dict[str, list[Decimal]] = {}
    for code in ("SNV", "STP", "STC"):
        scores = build_script.department_scores(code, 2023)
        for leaf, score in scores.items():
            used = score
            if (code, 2023) in build_script.PROVISIONAL:
                used = min(maxima[leaf], score + Decimal("0.25"))
            if used < maxima[leaf]:
                losing.setdefault(leaf, []).append(maxima[leaf] - used)
    ranked = sorted(
        losing.items(),
        key=lambda item: (
            -len(item[1]),
            -sum(item[1]),
            [int(p) for p in item[0].split(".")],
        ),
    )
    expected = [
        {
            "group": "Sở, ban, ngành",
            "code": code,
            "name": names[code],
            "units_losing": len(lost),
            "points_lost": float(sum(lost)),
        }
        for code, lost in ranked
    ]
    got = [w for w in document["weak_criteria"] if w["group"] == "Sở, ban, ngành"]
    assert got == expected
    assert [(w["code"], w["units_losing"], w["points_lost"]) for w in got[:3]] == [
        ("7.2", 3, 5.75),
        ("3.3", 3, 4.25),
        ("8.2.1", 3, 1.25),
    ]
    districts = [w for w in document["weak_criteria"] if w["group"] == "UBND cấp huyện"]
    assert districts[0]["units_losing"] == 3
    counts = [w["units_losing"] for w in districts]
    assert counts == sorted(counts, reverse=True)


def _unit_alone(tmp_path: Path, unit: Path, criteria: Path, year: int) -> dict:
    """The unit's folder with its group's criteria set, run as a unit (no province)."""
    inputs = tmp_path / unit.name
    shutil.copytree(unit, inputs)
    (inputs / CRITERIA_FOLDER).mkdir(exist_ok=True)
    shutil.copy(criteria, inputs / CRITERIA_FOLDER / criteria.name)
    now = time.time()
    criteria_set = load_criteria(inputs, year)
    history, problems = load_history(inputs)
    ingested = ingest_year(inputs, year, criteria_set, now)
    previous = consolidate_previous(inputs, year, now)
    return summary(build_result(criteria_set, ingested, previous, history, problems))


@pytest.mark.parametrize(
    ("code", "criteria"),
    [
        ("PT", "lai-chau-huyen-2022.xlsx"),
        ("TD", "lai-chau-huyen-2022.xlsx"),
        ("SH", "lai-chau-huyen-2022.xlsx"),
        ("SNV", "so-ban-nganh-2022.xlsx"),
        ("STP", "so-ban-nganh-2022.xlsx"),
        ("STC", "so-ban-nganh-2022.xlsx"),
    ],
)
def test_each_unit_equals_a_unit_run_on_its_own_folder(
    province_2023: ProvinceRun, tmp_path: Path, code: str, criteria: str
) -> None:
    run = next(r for r in province_2023.runs if r.unit.code == code)
    assert run.result is not None
    alone = _unit_alone(
        tmp_path,
        province_2023.inputs / "units" / code,
        province_2023.inputs / "criteria" / criteria,
        2023,
    )
    # a self-assessed unit's one department is the unit, named as the register
    # names it in the province ("Đơn vị tự đánh giá" alone): nothing else differs
    alone["departments"] = [
        {**department, "name": run.unit.name}
        if department["code"] == "DV"
        else department
        for department in alone["departments"]
    ]
    assert summary(run.result) == alone
    written = json.loads(
        (
            province_2023.outputs / "units" / code / "2023" / "summary-2023.json"
        ).read_text("utf-8")
    )
    assert written["total"] == alone["total"]


def test_phong_tho_in_the_province_is_the_shipped_sample(
    province_2023: ProvinceRun, sample_inputs: Path
) -> None:
    run = next(r for r in province_2023.runs if r.unit.code == "PT")
    assert run.result is not None
    assert round(run.result.current.total, 2) == 79.24
    assert round(run.result.current.groups["appraisal"], 2) == 54.86


def test_province_workbook_reads_back(province_2023: ProvinceRun) -> None:
    workbook = openpyxl.load_workbook(province_2023.written.workbook)
    assert workbook.sheetnames == [
        "UBND cấp huyện",
        "Sở, ban, ngành",
        "Tiêu chí mất điểm",
        "Chưa nộp",
        "Kiểm tra",
    ]
    rows = list(workbook["UBND cấp huyện"].iter_rows(values_only=True))
    header = rows.index(
        next(r for r in rows if r[0] == "Xếp hạng" and r[1] == "Mã đơn vị")
    )
    ranking = [r[:7] for r in rows[header + 1 : header + 4]]
    assert ranking == [
        (1, "PT", "UBND huyện Phong Thổ", 79.24, 79.24, "Khá", "chính thức"),
        (1, "TD", "UBND huyện Tam Đường", 79.24, 79.24, "Khá", "chính thức"),
        (3, "SH", "UBND huyện Sìn Hồ", 76.24, 76.24, "Khá", "chính thức"),
    ]
    assert workbook["UBND cấp huyện"]._charts  # the distribution chart
    averages = next(r for r in rows if r[1] == "Trung bình")
    assert averages[2] == "khối UBND cấp huyện"
    assert averages[3] == 9.28  # (9.28 + 9.78 + 8.78) / 3
    missing = list(workbook["Chưa nộp"].iter_rows(values_only=True))
    assert ("Sở, ban, ngành", "SYT", "Sở Y tế") in [r[:3] for r in missing]
    weak = list(workbook["Tiêu chí mất điểm"].iter_rows(values_only=True))
    assert ("Sở, ban, ngành", "7.2") in [r[:2] for r in weak]


def test_feedback_workbook_gains_the_units_standing(province_2023: ProvinceRun) -> None:
    path = (
        province_2023.outputs
        / "units"
        / "STC"
        / "2023"
        / "departments"
        / "DV-2023.xlsx"
    )
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[-1] == "Xếp hạng"
    values = {
        r[0]: r[1] for r in workbook["Xếp hạng"].iter_rows(values_only=True) if r[0]
    }
    assert values["Xếp hạng trong khối"] == "2/3"
    assert values["Xếp loại"] == "Xuất sắc"
    assert values["Tổng điểm"] == 94.2
    assert values["Trạng thái"] == "tạm tính"
    rows = list(workbook["Xếp hạng"].iter_rows(values_only=True))
    component_1 = next(r for r in rows if r[0] == "1" and r[1] and "chỉ đạo" in r[1])
    # STC 8.75 against the group's (10 - 0.5 + 10 - 0 + 8.75) / 3 = 9.58
    assert component_1[2:] == (10, 8.75, 9.58, -0.83)


def test_a_second_run_with_nothing_new_changes_nothing(
    province_2023: ProvinceRun,
) -> None:
    _, _, again = run_province(
        province_2023.inputs, province_2023.outputs, 2023, now=time.time()
    )
    assert again.changed == []

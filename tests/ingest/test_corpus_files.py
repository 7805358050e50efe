"""Corpus cases across files and sets (issue 10, classes 5–8) that need a whole
inputs folder: what stops a run, what the history says, folders beside the year's,
the figures as the province rounds them, a department's figures in words.

Each ``corpus/<case>/expected-run.json`` (written by ``fixtures/corpus_files.py``)
sits beside ``criteria/``, ``2023/`` and maybe ``history.xlsx``; the test copies
the folder, dates every file an hour before its clock, and checks ``run``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from parindex.check import check_files
from parindex.cli import app
from parindex.consolidate import consolidate_year
from parindex.criteria import criteria_set_for_year
from parindex.errors import ParindexError
from parindex.history import empty_history, read_history
from parindex.ingest.collect import ingest_year
from parindex.ingest.winners import rows_set_aside
from parindex.numbers import round2
from parindex.pipeline import build_result
from parindex.problems import empty_problems
from parindex.render.prose import department_figures
from parindex.render.summary import summary
from parindex.text import format_vn
from tests.ingest.test_corpus import (
    CORPUS,
    CRITERIA_FILE,
    NOW,
    _ingest_case,
)

RUN_CASES = sorted(
    p.name for p in CORPUS.iterdir() if (p / "expected-run.json").is_file()
)


def _inputs(name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    case = CORPUS / name
    expected = json.loads((case / "expected-run.json").read_text("utf-8"))
    inputs = tmp_path / "inputs"
    shutil.copytree(case, inputs, ignore=shutil.ignore_patterns("expected-run.json"))
    mtimes = expected["run"].get("mtimes", {})
    for path in inputs.rglob("*"):
        moment = NOW + mtimes.get(path.relative_to(inputs).as_posix(), -3600)
        os.utime(path, (moment, moment))
    return inputs, expected["run"]


def test_there_is_a_case_per_rule() -> None:
    assert len(RUN_CASES) >= 12


@pytest.mark.parametrize("name", [n for n in RUN_CASES if n.startswith("criteria-")])
def test_a_criteria_folder_that_allows_two_readings_stops_the_run(
    name: str, tmp_path: Path
) -> None:
    inputs, run = _inputs(name, tmp_path)
    message = run["stops"].replace("{inputs}", str(inputs))
    with pytest.raises(ParindexError) as raised:
        criteria_set_for_year(inputs / "criteria", 2023)
    assert str(raised.value) == message
    # the command stops before Prefect starts, with the same sentence
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert result.stderr == f"Lỗi: {message}\n"
    # and check, on a department's machine, says the same
    with pytest.raises(ParindexError) as checked:
        check_files([inputs / "2023" / "phong-noi-vu.xlsx"], inputs)
    assert str(checked.value) == message


@pytest.mark.parametrize("name", [n for n in RUN_CASES if n.startswith("history-")])
def test_history_contradictions_are_reported_not_resolved_by_row_order(
    name: str, tmp_path: Path
) -> None:
    inputs, run = _inputs(name, tmp_path)
    history, problems = read_history(inputs / "history.xlsx")
    assert problems == run["history_problems"]
    assert history.results["year"].to_list() == run["history_years"]
    if "history_components" in run:
        assert history.components.height == run["history_components"]
        assert "6" not in history.components.filter(pl.col("year") == 2023)["code"]


def test_folders_beside_the_year_that_look_like_it_are_reported(
    tmp_path: Path,
) -> None:
    inputs, run = _inputs("stray-year-folders", tmp_path)
    criteria_set = criteria_set_for_year(inputs / "criteria", 2023)
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    assert ingested.submissions.select("file", "status").rows() == [
        tuple(r) for r in run["submissions"]
    ]
    warnings = ingested.problems.filter(pl.col("file").str.ends_with("/"))
    assert warnings.select("file", "message").rows() == [
        tuple(p) for p in run["problems"]
    ]
    assert set(warnings["severity"]) == {"warning"}
    assert ingested.rows["department"].unique().to_list() == ["NV"]


def test_a_year_folder_missing_but_a_look_alike_present_says_so(
    tmp_path: Path,
) -> None:
    inputs, _ = _inputs("stray-year-folders", tmp_path)
    shutil.rmtree(inputs / "2023")
    result = CliRunner().invoke(
        app,
        ["run", "--year", "2023", "--inputs", str(inputs), "--outputs", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Lỗi: Không có thư mục nộp bài của năm 2023: “{inputs / '2023'}”. Có thư "
        "mục “2023 (1)”, “Năm 2023” trông giống thư mục năm 2023: hãy đổi tên thành "
        "“2023”.\n"
    )


def test_figures_are_exact_decimals_rounded_like_excel(tmp_path: Path) -> None:
    inputs, run = _inputs("arithmetic-half-hundredth", tmp_path)
    figures = run["figures"]
    criteria_set = criteria_set_for_year(inputs / "criteria", 2023)
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    year, _ = consolidate_year(criteria_set, ingested.rows, 2023)
    assert round2(year.total) == figures["total"]
    assert {k: round2(v) for k, v in year.groups.items()} == figures["groups"]
    nodes = dict(year.nodes.select("code", "score").iter_rows())
    assert {c: round2(nodes[c]) for c in figures["nodes"]} == figures["nodes"]
    # the frames hold the exact decimal sums, as Float64
    assert year.total == figures["exact"]["total"]
    assert year.groups["survey"] == figures["exact"]["survey"]
    assert year.groups["appraisal"] == figures["exact"]["appraisal"]
    assert {k: format_vn(year.groups[k]) for k in figures["shown"]} == figures["shown"]
    # what binary floats and Python's round would have shown
    leaves = ingested.rows.filter(pl.col("code").str.starts_with("1."))
    assert round(sum(leaves["appraised_score"].to_list()), 2) == 3.77
    # and the JSON summary writes the province's figures
    result = build_result(
        criteria_set, ingested, None, empty_history(), empty_problems()
    )
    document = summary(result)
    assert document["total"] == figures["total"]
    assert document["groups"] == figures["groups"]
    components = {c["code"]: c["score"] for c in document["components"]}
    assert (components["1"], components["8"]) == (3.78, 2.86)


def test_a_department_with_rows_set_aside_is_never_told_it_lost_nothing(
    tmp_path: Path,
) -> None:
    inputs, run = _inputs("rows-rejected-department-text", tmp_path)
    criteria_set = criteria_set_for_year(inputs / "criteria", 2023)
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    year, _ = consolidate_year(criteria_set, ingested.rows, 2023)
    for code, text in run["department_text"].items():
        record = year.departments.filter(pl.col("code") == code).row(0, named=True)
        assert department_figures(record) == text
        assert "không bị trừ điểm" not in department_figures(record)
    assert (
        rows_set_aside(ingested.submissions, ingested.problems, year)
        == run["rows_set_aside"]
    )


def test_attachments_are_hashed_for_the_archive(tmp_path: Path) -> None:
    criteria_set = criteria_set_for_year(CRITERIA_FILE.parent, 2023)
    ingested, _, _ = _ingest_case("attachments", tmp_path, criteria_set)
    attachments = ingested.submissions.filter(pl.col("status") == "attachment")
    assert attachments.height == 4
    for name, digest in attachments.select("file", "sha256").iter_rows():
        content = ingested.paths[name].read_bytes()
        assert digest == hashlib.sha256(content).hexdigest()
    assert ingested.problems.filter(pl.col("severity") == "error").is_empty()


def test_check_reports_a_department_line_that_disagrees_with_the_file_name(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "criteria").mkdir(parents=True)
    shutil.copy2(CRITERIA_FILE, inputs / "criteria")
    case = CORPUS / "department-line-disagrees-with-file-name"
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    target = tmp_path / "gui" / "phong-tu-phap.xlsx"
    target.parent.mkdir()
    shutil.copy2(case / "phong-tu-phap.xlsx", target)
    problems = check_files([target], inputs)
    assert problems["message"].to_list() == [expected["problems"][0]["message"]]
    assert problems["severity"].to_list() == ["warning"]
    letter = CORPUS / "attachments" / "cong-van-ky-so.pdf"
    checked = check_files([letter], inputs)
    assert checked.select("severity", "message").rows() == [
        (
            "warning",
            "Tài liệu kèm theo (không phải bảng tính): được lưu trữ, không đọc điểm.",
        )
    ]


def test_the_run_summary_names_the_department_and_its_rows_set_aside() -> None:
    from rich.console import Console

    from parindex.cli import _print_outcome

    line = (
        "Phòng Nội vụ: 2 dòng bị loại (tiêu chí 1.3.2, 5.2.1) trong "
        "2023/phong-noi-vu.xlsx: các tiêu chí này chưa có điểm hợp lệ."
    )
    console = Console(record=True, width=400)
    outcome = {
        "year": 2023,
        "total": 6.0,
        "status": "provisional",
        "files": 1,
        "errors": 2,
        "warnings": 0,
        "scorecard": "s.xlsx",
        "summary": "s.json",
        "changes": [],
        "rows_set_aside": [line],
    }
    _print_outcome(outcome, console)
    text = console.export_text()
    assert "Dòng bị loại" in text
    assert line in text


@pytest.mark.parametrize(
    ("name", "looks"),
    [
        ("2023 ", True),
        ("2023 (1)", True),
        ("Nam 2023", True),
        ("Năm 2023", True),
        ("NĂM 2023 - bản sao", True),
        ("2023_cu", True),
        ("2023", False),
        ("2022", False),
        ("12023", False),
        ("criteria", False),
    ],
)
def test_folders_that_look_like_the_year(name: str, looks: bool) -> None:
    from parindex.ingest.discover import looks_like_year

    assert looks_like_year(name, 2023) is looks


def test_a_year_folder_with_a_trailing_space_is_reported(tmp_path: Path) -> None:
    from parindex.ingest.discover import discover

    (tmp_path / "2023").mkdir()
    (tmp_path / "2023 ").mkdir()
    (tmp_path / "2023 " / "phong-noi-vu.xlsx").write_bytes(b"x")
    found = discover(tmp_path / "2023", 2023, NOW)
    assert [(f.name, f.status, f.warning) for f in found] == [
        (
            "2023 /",
            "ignored",
            "Thư mục “2023 ” trông giống thư mục năm 2023 nhưng không phải thư mục "
            "“2023”: 1 tệp trong đó không được đọc. Hãy chuyển các tệp vào thư mục "
            "“2023”.",
        )
    ]


def test_the_department_workbook_says_how_many_criteria_have_no_valid_score(
    tmp_path: Path,
) -> None:
    import datetime as dt

    import python_calamine

    from parindex.render.department import render_department

    inputs, run = _inputs("rows-rejected-department-text", tmp_path)
    criteria_set = criteria_set_for_year(inputs / "criteria", 2023)
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    result = build_result(
        criteria_set, ingested, None, empty_history(), empty_problems()
    )
    target = tmp_path / "NV-2023.xlsx"
    render_department(result, "NV", target, dt.datetime(2024, 1, 1))
    workbook = python_calamine.CalamineWorkbook.from_path(str(target))
    text = "\n".join(
        str(cell)
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for cell in row
    )
    assert run["department_text"]["NV"] in text
    assert "không bị trừ điểm" not in text


@pytest.mark.parametrize(
    "name", [n for n in RUN_CASES if n.startswith("department-differs")]
)
def test_a_department_line_that_differs_from_last_years_file(
    name: str, tmp_path: Path
) -> None:
    inputs, run = _inputs(name, tmp_path)
    criteria_set = criteria_set_for_year(inputs / "criteria", 2023)
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    assert ingested.submissions.select("file", "department", "status").rows() == [
        tuple(s) for s in run["submissions"]
    ]
    found = ingested.problems.filter(pl.col("file").is_not_null())
    assert sorted(found.select("severity", "file", "message").rows()) == sorted(
        tuple(p) for p in run["problems"]
    )


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("phong-noi-vu", "NV"),
        ("Bieu cham diem 2023 - Phong Tu phap", "TP"),
        ("NV", "NV"),
        ("noi-vu-va-tu-phap", None),  # names two departments: evidence of neither
        ("phong-noi-vu-gui-tckh", None),
        ("bang-diem", None),
    ],
)
def test_a_file_name_is_evidence_only_when_it_names_one_department(
    text: str, department: str | None
) -> None:
    from parindex.ingest.winners import only_department_in

    criteria_set = criteria_set_for_year(CRITERIA_FILE.parent, 2023)
    assert only_department_in(text, criteria_set.departments) == department

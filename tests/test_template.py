"""Templates: what a department gets, and the round trip template → fill → check → run."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from parindex.cli import app
from parindex.consolidate import consolidate_year
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year

REPO = Path(__file__).resolve().parent.parent
SCORES = REPO / "scripts" / "sample" / "scores-phong-tho.csv"
runner = CliRunner()


def _make(tmp_path: Path, sample_inputs: Path, *extra: str) -> list[Path]:
    result = runner.invoke(
        app,
        [
            "template",
            "--year",
            "2023",
            "--inputs",
            str(sample_inputs),
            "--out",
            str(tmp_path / "tpl"),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.output.splitlines()]


def test_template_lists_the_departments_criteria_locked_and_validated(
    tmp_path: Path, sample_inputs: Path
) -> None:
    (path,) = _make(tmp_path, sample_inputs, "--department", "Phòng Tư pháp")
    assert path.name == "mau-cham-diem-TP-2023.xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Chấm điểm", "Hướng dẫn"]
    sheet = workbook["Chấm điểm"]
    assert sheet["A3"].value == "Đơn vị: Phòng Tư pháp"
    assert sheet["A4"].value == "Năm: 2023"
    codes = [row[0] for row in sheet.iter_rows(min_row=8, values_only=True)]
    assert codes == [
        "1",
        "1.2",
        "1.2.3",
        "2",
        "2.1",
        "2.1.1",
        "2.1.2",
        "2.2",
        "2.2.1",
        "2.2.2",
        "2.3",
        "2.3.1",
        "2.3.2",
        "8",
        "8.1",
    ]
    assert sheet.protection.sheet
    leaf = next(r for r in sheet.iter_rows(min_row=8) if r[0].value == "8.1")
    assert leaf[0].protection.locked and leaf[2].protection.locked
    assert not leaf[3].protection.locked and not leaf[4].protection.locked
    rules = {
        str(v.sqref): (v.type, v.formula1, v.formula2)
        for v in sheet.data_validations.dataValidation
    }
    assert rules[f"E{leaf[0].row}"] == ("decimal", "0", "4.0")


def test_unknown_department_stops_with_exit_2(
    tmp_path: Path, sample_inputs: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "template",
            "--inputs",
            str(sample_inputs),
            "--department",
            "XX",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: Không có đơn vị “XX” trong bộ chỉ số (các mã: NV, VP, TP, TCKH, KTHT, CQ).\n"
    )


def test_filled_templates_pass_check_and_consolidate_to_the_reference(
    tmp_path: Path, sample_inputs: Path, sample_criteria: CriteriaSet
) -> None:
    with SCORES.open(encoding="utf-8") as stream:
        scores = {r["code"]: r for r in csv.DictReader(stream) if r["year"] == "2023"}
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs / "criteria", inputs / "criteria")
    (inputs / "2023").mkdir()
    for path in _make(tmp_path, sample_inputs):
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["Chấm điểm"]
        for row in sheet.iter_rows(min_row=8):
            reference = scores.get(str(row[0].value))
            if reference is None:
                continue
            if reference["self_assessed"]:
                row[3].value = float(reference["self_assessed"])
            row[4].value = float(reference["appraised"])
            row[5].value = reference["reason"] or None
        workbook.save(inputs / "2023" / path.name)
    checked = runner.invoke(
        app,
        [
            "check",
            *map(str, sorted((inputs / "2023").iterdir())),
            "--inputs",
            str(inputs),
        ],
    )
    assert (checked.exit_code, checked.output) == (0, "Không có vấn đề nào.\n")
    ingested = ingest_year(inputs, 2023, sample_criteria, time.time())
    assert ingested.problems.is_empty()
    year, problems = consolidate_year(sample_criteria, ingested.rows, 2023)
    assert problems.is_empty()
    assert (round(year.total, 2), year.status) == (79.24, "final")


def test_template_department_accepts_a_code(
    tmp_path: Path, sample_inputs: Path
) -> None:
    (path,) = _make(tmp_path, sample_inputs, "--department", "KTHT")
    assert path.name == "mau-cham-diem-KTHT-2023.xlsx"


def test_template_prints_on_a4_with_long_names_wrapped(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Blind round 28B, F8: the form printed on US Letter (no paper size), a long
    criterion name ran over the next row (no row height), and the validation said
    "0 đến 1.5" with a decimal point."""
    (path,) = _make(tmp_path, sample_inputs, "--department", "NV")
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.oddFooter.center.text == "Trang &P/&N", sheet.title
    sheet = workbook["Chấm điểm"]
    assert sheet.page_setup.orientation == "landscape"
    long_rows = [r[0].row for r in sheet.iter_rows(min_row=8) if len(r[1].value) > 90]
    assert long_rows  # 1.2.1's name is 163 characters
    for row in long_rows:
        height = sheet.row_dimensions[row].height
        assert height is not None and height >= 30, row
    messages = {v.error for v in sheet.data_validations.dataValidation}
    assert "Điểm phải từ 0 đến 1,5." in messages
    assert not any("1.5" in m for m in messages)

"""A night where one unit's file changed: that unit and the province files are
rendered again; the other units of its group rewrite only the standing sheet of
their feedback workbooks (the group's average moved); the other group, nothing."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex.province.run import run_province
from tests.province.conftest import PROVINCE_INPUTS


def _lower_one_score(path: Path) -> None:
    """Lower the first appraised score of a submission by 0.5 (a new version)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    header = next(
        row
        for row in sheet.iter_rows()
        if any(c.value == "Điểm thẩm định" for c in row)
    )
    column = next(c.column for c in header if c.value == "Điểm thẩm định")
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        cell = row[column - 1]
        code = row[0].value
        if (
            isinstance(cell.value, int | float)
            and cell.value >= 0.5
            and code.count(".") >= 1
        ):
            cell.value = cell.value - 0.5
            break
    workbook.save(path)
    later = time.time() + 5
    os.utime(path, (later, later))


def test_one_units_new_file_rerenders_that_unit_and_the_province_only(
    tmp_path: Path,
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(PROVINCE_INPUTS, inputs)
    first, _, _ = run_province(inputs, outputs, 2023, now=time.time())
    sh_before = first.unit_row("SH")
    assert sh_before is not None and sh_before["total"] == 76.24

    _lower_one_score(inputs / "units" / "SH" / "2023" / "phong-noi-vu.xlsx")
    second, _, written = run_province(inputs, outputs, 2023, now=time.time() + 10)
    sh_after = second.unit_row("SH")
    assert sh_after is not None and sh_after["total"] == 75.74

    changed = {p.relative_to(outputs).as_posix() for p in written.changed}
    assert "2023/province-summary-2023.json" in changed
    assert "2023/tong-hop-tinh-2023.xlsx" in changed
    assert "units/SH/2023/scorecard-2023.xlsx" in changed
    assert "units/SH/2023/summary-2023.json" in changed
    others = {c for c in changed if not c.startswith(("2023/", "units/SH/"))}
    # the other districts: only feedback workbooks (their group's average moved)
    assert others, "the districts' standing sheets show the new group average"
    assert all(
        c.startswith(("units/PT/2023/departments/", "units/TD/2023/departments/"))
        for c in others
    ), others
    assert not any(
        c.startswith(("units/SNV", "units/STP", "units/STC")) for c in changed
    )
    summary = json.loads((outputs / "2023" / "province-summary-2023.json").read_text())
    districts = summary["groups"][0]["units"]
    assert [(u["code"], u["rank"]) for u in districts] == [
        ("PT", 1),
        ("TD", 1),
        ("SH", 3),
    ]


def test_a_unit_whose_workbooks_moved_with_its_group_says_why(tmp_path: Path) -> None:
    """PT's feedback workbooks were rewritten because SH's new file moved their
    group's average, while PT's record and page said "Không có bài nộp mới hay
    thay đổi nào … giữ nguyên kết quả" (blind round 19). They say why now."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(PROVINCE_INPUTS, inputs)
    run_province(inputs, outputs, 2023, now=time.time())
    _lower_one_score(inputs / "units" / "SH" / "2023" / "phong-noi-vu.xlsx")
    _, _, written = run_province(inputs, outputs, 2023, now=time.time() + 10)
    rewritten = [
        p
        for p in written.changed
        if p.relative_to(outputs).as_posix().startswith("units/PT/2023/departments/")
    ]
    assert rewritten
    records = sorted((outputs / "units" / "PT" / "2023" / "runs").glob("*.json"))
    changes = json.loads(records[-1].read_text("utf-8"))["changes"]
    assert changes == [
        f"Bài nộp và số liệu của đơn vị không đổi; {len(rewritten)} bảng phản hồi "
        "được ghi lại vì số liệu các đơn vị khác trong nhóm thay đổi (thứ hạng, "
        "điểm trung bình của nhóm)."
    ]
    page = (outputs / "units" / "PT" / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert changes[0] in page


def test_a_units_component_with_nothing_scored_is_no_score_nor_in_the_average(
    tmp_path: Path,
) -> None:
    """SH without its Tư pháp file has nothing scored in component 2 (Cải cách
    thể chế): the province gave it 0, averaged that 0 into the group's 3,33,
    and SH's feedback showed "0 | 3,33 | -3,33" (blind re-check of round 20)."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(PROVINCE_INPUTS, inputs)
    (inputs / "units" / "SH" / "2023" / "phong-tu-phap.xlsx").unlink()
    result, _, _ = run_province(inputs, outputs, 2023, now=time.time())
    components = result.components.filter(pl.col("code") == "2")
    by_unit = dict(components.select("unit", "score").iter_rows())
    assert by_unit["SH"] is None
    others = [v for u, v in by_unit.items() if u in ("PT", "TD")]
    assert set(components.filter(pl.col("unit") == "SH")["average"].to_list()) == {
        round(sum(others) / len(others), 2)
    }
    summary = json.loads((outputs / "2023" / "province-summary-2023.json").read_text())
    sh = next(u for g in summary["groups"] for u in g["units"] if u["code"] == "SH")
    assert next(c for c in sh["components"] if c["code"] == "2")["score"] is None

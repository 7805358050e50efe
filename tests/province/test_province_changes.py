"""What changed in the province since the last night: each unit's page and
record have their change list, the province's page and record had none (blind
round 22, left in Known limits). The Sở Nội vụ reading the province's page now
sees which units' status, total or rank moved."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from parindex.province.changes import province_changes
from parindex.province.run import run_province
from tests.builders import set_appraisal
from tests.province.conftest import PROVINCE_INPUTS


def _unit(code: str, **values: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"UBND xã {code}",
        "total": None,
        "rank": None,
        "of": None,
        "status": "missing",
        **values,
    }


def _summary(*units: dict[str, Any]) -> dict[str, Any]:
    return {"year": 2025, "groups": [{"name": "Xã", "units": list(units)}]}


def test_the_first_night_of_a_year() -> None:
    assert province_changes(None, _summary(_unit("X01"))) == [
        "Lần tổng hợp đầu tiên của năm 2025."
    ]


def test_nothing_changed() -> None:
    same = _summary(_unit("X01", total=70.5, rank=1, of=1, status="final"))
    assert province_changes(same, same) == [
        "Không có đơn vị nào thay đổi trạng thái, tổng điểm hay xếp hạng so với "
        "lần chạy trước."
    ]


def test_a_grade_a_name_and_last_years_figures_that_moved_are_said() -> None:
    """A grade band raised (Khá → Trung bình), a unit renamed in the register,
    last year's total or rank corrected: the province's page said "Không có
    đơn vị nào thay đổi …" (blind round 25B, 2)."""
    base = {"total": 75.0, "rank": 1, "of": 2, "status": "final"}
    old = _summary(
        _unit("X01", grade="Khá", **base),
        _unit("X02", name="UBND xã Cũ", **{**base, "rank": 2}),
        _unit("X03", previous={"total": 72.1, "rank": 2}, **{**base, "rank": 3}),
    )
    new = _summary(
        _unit("X01", grade="Trung bình", **base),
        _unit("X02", name="UBND xã Mới", **{**base, "rank": 2}),
        _unit("X03", previous={"total": 71.6, "rank": 3}, **{**base, "rank": 3}),
    )
    assert province_changes(old, new) == [
        "UBND xã X01 (X01): xếp loại Khá → Trung bình.",
        "UBND xã Mới (X02): tên trong danh sách đơn vị “UBND xã Cũ” → “UBND xã Mới”.",
        "UBND xã X03 (X03): năm trước tổng điểm 72,1 → 71,6, xếp hạng 2 → 3.",
    ]


def test_each_unit_that_moved_is_one_line() -> None:
    old = _summary(
        _unit("X01", total=70.5, rank=1, of=2, status="provisional"),
        _unit("X02", total=60.0, rank=2, of=2, status="final"),
        _unit("X03"),
        _unit("X04", total=50.0, rank=1, of=1, status="final"),
    )
    new = _summary(
        _unit("X02", total=72.25, rank=1, of=3, status="final"),
        _unit("X01", total=70.5, rank=2, of=3, status="final"),
        _unit("X03", total=40.0, rank=3, of=3, status="provisional"),
        _unit("X05"),
    )
    assert province_changes(old, new) == [
        "UBND xã X02 (X02): tổng điểm 60 → 72,25; xếp hạng 2/2 → 1/3.",
        "UBND xã X01 (X01): chính thức (trước: tạm tính); xếp hạng 1/2 → 2/3.",
        "UBND xã X03 (X03): tạm tính (trước: chưa nộp); tổng điểm chưa có → 40; "
        "xếp hạng chưa có → 3/3.",
        "UBND xã X05 (X05): đơn vị mới trong danh sách (chưa nộp).",
        "UBND xã X04 (X04): không còn trong danh sách đơn vị (trước: chính thức, "
        "50 điểm).",
    ]


def test_a_rank_only_of_more_units_is_not_a_move() -> None:
    """One more unit ranked: every other unit's "of" changed, and each was
    listed ("xếp hạng 1/2 → 1/3"), hiding the one that moved (blind re-check
    23C, finding 7)."""
    old = _summary(
        _unit("X01", total=70.5, rank=1, of=2, status="final"),
        _unit("X02", total=60.0, rank=2, of=2, status="final"),
        _unit("X03"),
    )
    new = _summary(
        _unit("X01", total=70.5, rank=1, of=3, status="final"),
        _unit("X02", total=60.0, rank=2, of=3, status="final"),
        _unit("X03", total=40.0, rank=3, of=3, status="final"),
    )
    assert province_changes(old, new) == [
        "UBND xã X03 (X03): chính thức (trước: chưa nộp); tổng điểm chưa có → 40; "
        "xếp hạng chưa có → 3/3.",
    ]


def test_an_unreadable_last_summary_is_said() -> None:
    new = _summary(_unit("X01"))
    assert province_changes("hỏng", new) == [
        "Không so sánh được với lần chạy trước: không đọc được bản tóm tắt lần "
        "trước (hỏng)."
    ]


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(PROVINCE_INPUTS, copy)
    return copy


def test_the_provinces_page_and_record_say_what_changed(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _, _, written = run_province(inputs, outputs, 2023, now=time.time())
    page = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert page[-2:] == [
        "Thay đổi so với lần chạy trước:",
        "  - Lần tổng hợp đầu tiên của năm 2023.",
    ]
    document = json.loads(written.manifest.read_text("utf-8"))
    assert document["changes"] == ["Lần tổng hợp đầu tiên của năm 2023."]
    before = json.loads(
        (outputs / "2023" / "province-summary-2023.json").read_text("utf-8")
    )
    pt = next(u for g in before["groups"] for u in g["units"] if u["code"] == "PT")
    for form in sorted((inputs / "units" / "PT" / "2023").glob("*.xlsx")):
        try:  # the form holding 1.2.4, its appraisal set to 0
            set_appraisal(form, "1.2.4", 0.0)
            break
        except StopIteration:
            continue
    _, _, written = run_province(inputs, outputs, 2023, now=time.time() + 5)
    after = json.loads(
        (outputs / "2023" / "province-summary-2023.json").read_text("utf-8")
    )
    pt_now = next(u for g in after["groups"] for u in g["units"] if u["code"] == "PT")
    assert pt_now["total"] < pt["total"]
    document = json.loads(written.manifest.read_text("utf-8"))
    assert document["changes"][0].startswith("UBND huyện Phong Thổ (PT): tổng điểm ")
    page = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert page[page.index("Thay đổi so với lần chạy trước:") + 1] == (
        f"  - {document['changes'][0]}"
    )

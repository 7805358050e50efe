"""A form in one unit's drop folder whose ``Đơn vị`` line names another unit of
the register exactly (blind round 17, P12: the Sở Nội vụ's form copied into the
Sở Tài chính's folder was counted as the Sở Tài chính's, without a word): it is
set aside with an error naming that unit; a line naming the folder's own unit,
or no registered unit, is the unit's own as before."""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest

from parindex.province import status
from parindex.province.run import run_province
from parindex.province.units import UnitRun
from tests.builders import Cell
from tests.builders import write_submission as write_form
from tests.province.test_folder import write_register, write_set

GROUP = "Xã, phường"


def _form(inputs: Path, folder: str, department: str, scores: tuple[int, ...]) -> None:
    leaves: list[list[Cell]] = [
        ["1.1", "Kế hoạch", 1],
        ["1.2", "Báo cáo", 2],
        ["2.1", "SIPAS", 2],
    ]
    write_form(
        inputs / "units" / folder / "2025" / "tu-danh-gia.xlsx",
        [
            [*leaf, score, score, None]
            for leaf, score in zip(leaves, scores, strict=True)
        ],
        department=department,
        year=2025,
    )


def test_a_form_naming_another_registered_unit_is_set_aside(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X01", "UBND xã An Bình", GROUP, None],
            ["X02", "UBND xã Hòa Phú", GROUP, "Hòa Phú"],
            ["X03", "UBND xã Tân Lập", GROUP, None],
        ],
    )
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    _form(inputs, "X01", "UBND xã Hòa Phú", (1, 2, 2))  # X02's form, in X01's folder
    _form(inputs, "X02", "UBND xã Hòa Phú", (1, 1, 1))
    _form(inputs, "X03", "UBND xã Tân Lập", (0, 1, 1))  # its own
    result, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    x01 = next(run for run in runs if run.unit.code == "X01")
    assert x01.ingested is not None
    statuses = x01.ingested.submissions.select("file", "status").rows()
    assert statuses == [("2025/tu-danh-gia.xlsx", "rejected")]
    errors = x01.ingested.problems.filter(pl.col("severity") == "error")
    assert errors.select("file", "cell", "message").rows() == [
        (
            "2025/tu-danh-gia.xlsx",
            "A2",
            "Tệp ghi tên đơn vị “UBND xã Hòa Phú”: đó là đơn vị X02 (UBND xã Hòa "
            "Phú) trong danh sách đơn vị của tỉnh, không phải đơn vị của thư mục "
            "này, nên không được tính cho đơn vị này. Nếu là tệp của X02, hãy "
            "chuyển tệp vào thư mục units/X02/; nếu là tệp của đơn vị này, hãy sửa "
            "tên đơn vị trong tệp.",
        )
    ]
    totals = dict(result.units.select("code", "total").rows())
    assert totals["X02"] == 3.0 and totals["X03"] == 2.0
    assert totals["X01"] is None


def test_a_self_assessed_units_form_is_named_by_the_unit(tmp_path: Path) -> None:
    """A self-assessed unit's one "department" was named "Đơn vị tự đánh giá",
    so its messages said "Đơn vị Đơn vị tự đánh giá chưa nộp …" and its page
    "DV: Đơn vị tự đánh giá": it is the unit, named as the register names it."""
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X01", "UBND xã An Bình", GROUP, None],
            ["X02", "UBND xã Hòa Phú", GROUP, None],
        ],
    )
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    _form(inputs, "X01", "UBND xã An Bình", (1, 2, 2))
    (inputs / "units" / "X02" / "2025").mkdir(parents=True)
    (inputs / "units" / "X02" / "2025" / "ghi-chu.txt").write_text("chưa có", "utf-8")
    outputs = tmp_path / "outputs"
    _, runs, _ = run_province(inputs, outputs, 2025, now=time.time())
    x01, x02 = (next(r for r in runs if r.unit.code == c) for c in ("X01", "X02"))
    assert x01.result is not None and x02.result is not None
    departments = x01.result.current.departments.select("code", "name").rows()
    assert departments == [("DV", "UBND xã An Bình")]
    page = (outputs / "units/X01/2025/TRANG-THAI.txt").read_text("utf-8")
    assert "\n  - DV: UBND xã An Bình\n" in page
    said = x02.result.problems["message"].to_list()
    assert "Đơn vị UBND xã Hòa Phú chưa nộp tệp chấm điểm năm 2025." in said
    # the headline names it too, not by the code "DV" (re-check round, C7)
    from parindex import run_record as record

    headline = record.verdict(x02.result).headline
    assert headline.endswith("; 1 đơn vị chưa nộp (UBND xã Hòa Phú)"), headline


def test_a_form_naming_an_unregistered_commune_is_set_aside(tmp_path: Path) -> None:
    """A commune merged in 2025 whose folder holds an old commune's form
    ("UBND xã Tân Phú", no longer registered): it was used as the unit's own
    (blind round 22B, F3). The unit's place is its registered name's (when its
    folder has no `don-vi.toml`): a form naming another commune is set aside."""
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X01", "UBND xã Tân Hợp", GROUP, None],
            ["X02", "UBND xã Hòa Phú", GROUP, None],
        ],
    )
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    _form(inputs, "X01", "UBND xã Tân Phú", (1, 2, 2))  # an old commune's form
    _form(inputs, "X02", "UBND xã Hòa Phú", (1, 1, 1))
    _, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    x01 = next(run for run in runs if run.unit.code == "X01")
    assert x01.ingested is not None
    assert x01.ingested.submissions.select("file", "status").rows() == [
        ("2025/tu-danh-gia.xlsx", "rejected")
    ]
    errors = x01.ingested.problems.filter(pl.col("severity") == "error")
    assert (
        errors["message"]
        .to_list()[0]
        .startswith(
            "Dòng “Đơn vị” ghi “UBND xã Tân Phú”: xã Tân Phú không phải địa bàn của "
            "UBND xã Tân Hợp"
        )
    )
    x02 = next(run for run in runs if run.unit.code == "X02")
    assert x02.status != "missing"


def test_check_says_what_the_night_says_of_an_old_communes_form(
    tmp_path: Path,
) -> None:
    """`parindex check` on that form took the unit's place from `don-vi.toml`
    only (none in a unit's folder of a province), so it said nothing where the
    night sets the form aside (blind round 22, left in Known limits)."""
    from parindex.check import check_files

    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X01", "UBND xã Tân Hợp", GROUP, None],
            ["X02", "UBND xã Hòa Phú", GROUP, None],
        ],
    )
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    _form(inputs, "X01", "UBND xã Tân Phú", (1, 2, 2))
    form = inputs / "units" / "X01" / "2025" / "tu-danh-gia.xlsx"
    _, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    x01 = next(run for run in runs if run.unit.code == "X01")
    assert x01.ingested is not None
    night = x01.ingested.problems.filter(pl.col("severity") == "error")["message"]
    for given in (inputs, tmp_path / "elsewhere"):  # whatever --inputs says
        problems = check_files([form], given)
        errors = problems.filter(pl.col("severity") == "error")["message"]
        assert errors.to_list() == night.to_list()[:1]


def _sos_folder_with(tmp_path: Path, other_line: str) -> UnitRun:
    """The Sở Tư pháp (registered without its province; the province's
    `don-vi.toml` says `province = "Lai Châu"`) with its own form and a newer
    one whose line is ``other_line``; the Sở Nội vụ with its own: the Sở Tư
    pháp's run."""
    import os

    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [["STP", "Sở Tư pháp", GROUP, None], ["SNV", "Sở Nội vụ", GROUP, None]],
    )
    (inputs / "don-vi.toml").write_text(
        'unit = "UBND tỉnh Lai Châu"\nprovince = "Lai Châu"\n', encoding="utf-8"
    )
    write_set(inputs / "criteria" / "so.xlsx", GROUP, first_year=2024)
    own = inputs / "units" / "STP" / "2025" / "tu-danh-gia.xlsx"
    other = own.with_name("khac.xlsx")
    _form(inputs, "STP", other_line, (1, 2, 2))
    own.rename(other)
    _form(inputs, "STP", "Sở Tư pháp tỉnh Lai Châu", (1, 1, 1))
    later = own.stat().st_mtime + 60
    os.utime(other, (later, later))
    _form(inputs, "SNV", "Sở Nội vụ tỉnh Lai Châu", (1, 1, 1))
    _, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    return next(run for run in runs if run.unit.code == "STP")


def test_a_sos_form_of_another_province_is_set_aside_by_the_provinces_own_place(
    tmp_path: Path,
) -> None:
    """The register names "Sở Tư pháp" without its province; the province's
    `don-vi.toml` says `province = "Lai Châu"`: a newer "Sở Tư pháp tỉnh Điện
    Biên" form in its folder stood for it, ranked first (blind round 23A, F3)."""
    stp = _sos_folder_with(tmp_path, "Sở Tư pháp tỉnh Điện Biên")
    assert stp.ingested is not None
    assert sorted(stp.ingested.submissions.select("file", "status").rows()) == [
        ("2025/khac.xlsx", "rejected"),
        ("2025/tu-danh-gia.xlsx", "used"),
    ]
    # the place is the province's don-vi.toml's, and the message says so
    # (it named don-vi.xlsx alone: blind round 24A)
    [said] = stp.ingested.problems.filter(
        (pl.col("file") == "2025/khac.xlsx") & (pl.col("severity") == "error")
    )["message"].to_list()
    assert "(đơn vị đang tổng hợp, theo tệp don-vi.xlsx và don-vi.toml của tỉnh)" in (
        said
    )


def test_the_provinces_own_settings_unreadable_are_said_by_the_province(
    tmp_path: Path,
) -> None:
    """The province's `don-vi.toml` places a sở registered without its province;
    when it cannot be read, the province's problems say so (it was read per unit
    and year, its problems dropped: session 23's read-through)."""
    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [["STP", "Sở Tư pháp", GROUP, None], ["SNV", "Sở Nội vụ", GROUP, None]],
    )
    (inputs / "don-vi.toml").write_text(
        'unit = "UBND tỉnh Lai Châu"\nprovince = Lai Châu\n', encoding="utf-8"
    )
    write_set(inputs / "criteria" / "so.xlsx", GROUP, first_year=2024)
    _form(inputs, "STP", "Sở Tư pháp tỉnh Lai Châu", (1, 1, 1))
    _form(inputs, "SNV", "Sở Nội vụ tỉnh Lai Châu", (1, 1, 1))
    result, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    said = result.problems.filter(pl.col("file") == "don-vi.toml")
    message = (
        "Không đọc được tệp thông tin đơn vị (sai cú pháp TOML ở dòng 2, cột 12): "
        "không biết tỉnh của các sở đăng ký không kèm tên tỉnh, nên tờ khai "
        "ghi tên một sở của tỉnh khác không bị phát hiện."
    )
    assert said.select("severity", "message").rows() == [("warning", message)]
    # and on the province's page and record, not only in its workbook's
    # "Kiểm tra" sheet (blind round 24A, F4)
    page = (tmp_path / "outputs" / "2025" / "TRANG-THAI.txt").read_text("utf-8")
    assert f"  - “don-vi.toml”: {message}" in page.splitlines()
    record = json.loads(
        max((tmp_path / "outputs" / "2025" / "runs").glob("province-*.json")).read_text(
            "utf-8"
        )
    )
    assert record["problems"] == [
        {"severity": "warning", "file": "don-vi.toml", "message": message}
    ]
    # the headline says it too: every unit clean is not a clean night when the
    # province's own files have a problem (it read "HOÀN THÀNH": blind round 24A)
    assert page.splitlines()[4] == (
        "Kết quả: HOÀN THÀNH, CẦN XEM CÁC TỆP CỦA TỈNH: 2 đơn vị: 2 hoàn thành, "
        "0 có lỗi hoặc thiếu bài nộp, 0 không tổng hợp được, 0 chưa nộp"
    )
    found = status.province_verdict(runs, status.province_problems(result.problems))
    assert not found.clean
    assert found.label == "Hoàn thành, cần xem các tệp của tỉnh"
    assert status.province_verdict(runs).clean  # the units alone are


@pytest.mark.parametrize(
    "line",
    [
        "Sở Nội vụ tỉnh Lai Châu",
        "SỞ NỘI VỤ",
        "Sở Nội vụ Lai Châu",
        "Sở Nội Vụ",
        "Sở Nội vụ (SNV)",
        "SNV",
    ],
)
def test_another_sos_form_written_otherwise_is_set_aside(
    tmp_path: Path, line: str
) -> None:
    """The Sở Nội vụ's newer form in the Sở Tư pháp's folder, its line written
    with its province or otherwise than the register does (blind round 17's
    limit, checked again in session 24)."""
    stp = _sos_folder_with(tmp_path, line)
    assert stp.ingested is not None
    assert sorted(stp.ingested.submissions.select("file", "status").rows()) == [
        ("2025/khac.xlsx", "rejected"),
        ("2025/tu-danh-gia.xlsx", "used"),
    ]

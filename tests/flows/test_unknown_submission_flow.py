"""``--json`` (the flow's outcome) and the Prefect state of a night where one
department's folder could not be read: not "missing", not clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.test_unreadable_folders import (  # noqa: F401 - a fixture
    _deny_listing,
    tp_in_its_folder,
)


def test_the_outcome_lists_the_department_as_unknown(
    prefect_harness: None,
    tp_in_its_folder: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from flows.consolidate import consolidate_flow

    _deny_listing(monkeypatch, tp_in_its_folder / "2023" / "TP")
    outputs = tmp_path / "outputs"
    state = consolidate_flow(
        inputs=str(tp_in_its_folder),
        outputs=str(outputs),
        year=2023,
        return_state=True,
    )
    assert state.name == "Hoàn thành, có lỗi"
    outcome = state.result()
    assert (outcome["missing_departments"], outcome["unknown_departments"]) == (
        [],
        ["TP"],
    )
    lines = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert lines[4] == (
        "Kết quả: HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; 1 đơn vị chưa rõ đã nộp "
        "hay chưa (TP)"
    )
    assert "Đơn vị chưa nộp (0/6):" in lines


def test_the_outcome_lists_a_rejected_only_file_apart_and_a_used_sheet_as_sent(
    prefect_harness: None,
    sample_inputs: Path,
    tmp_path: Path,
) -> None:
    """TCKH's only file is cut short (its name names TCKH); KTHT's form is a sheet
    of VP's workbook, its rows used: neither is "missing"."""
    import shutil

    import openpyxl

    from flows.consolidate import consolidate_flow

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    folder = inputs / "2023"
    cut = folder / "phong-tai-chinh-ke-hoach.xlsx"
    cut.write_bytes(cut.read_bytes()[:1000])
    book = openpyxl.load_workbook(folder / "van-phong-hdnd-ubnd.xlsx")
    source = openpyxl.load_workbook(folder / "phong-kinh-te-ha-tang.xlsx").active
    assert source is not None
    sheet = book.create_sheet("KTHT")
    for row in source.iter_rows():
        for cell in row:
            sheet[cell.coordinate] = cell.value
    book.save(folder / "van-phong-hdnd-ubnd.xlsx")
    (folder / "phong-kinh-te-ha-tang.xlsx").unlink()
    outputs = tmp_path / "outputs"
    state = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
    )
    assert state.name == "Hoàn thành, có lỗi"
    outcome = state.result()
    assert (
        outcome["missing_departments"],
        outcome["unknown_departments"],
        outcome["unusable_departments"],
        outcome["doubted_departments"],
    ) == ([], [], ["TCKH"], [])


def test_a_night_whose_only_file_of_a_department_waits_is_not_clean(
    prefect_harness: None,
    sample_inputs: Path,
    tmp_path: Path,
) -> None:
    """Blind round 17, R2: TP's only file saved seconds ago waits; the night says
    so (not clean, ``waiting_departments``), and the next night, once the file
    has settled, reads it and is clean again."""
    import os
    import shutil
    import time

    from flows.consolidate import consolidate_flow

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    form = inputs / "2023" / "phong-tu-phap.xlsx"
    now = time.time()
    for path in inputs.rglob("*"):  # a fresh checkout's files are minutes old
        os.utime(path, (now - 7200, now - 7200))
    os.utime(form, (now - 2, now - 2))
    state = consolidate_flow(
        inputs=str(inputs),
        outputs=str(outputs),
        year=2023,
        settle_seconds=600,
        return_state=True,
    )
    assert state.name == "Hoàn thành, thiếu đơn vị"
    outcome = state.result()
    assert (outcome["missing_departments"], outcome["waiting_departments"]) == (
        [],
        ["TP"],
    )
    os.utime(form, (now - 3600, now - 3600))  # settled (as an hour later)
    outcome = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, settle_seconds=600
    )
    assert outcome["waiting_departments"] == []
    assert outcome["total"] == 79.24

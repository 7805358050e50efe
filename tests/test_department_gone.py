"""A department no longer in the criteria set (its code renamed, or merged into
another: the 2025 reorganisation) keeps no workbook of the year: the one the
last run wrote, with its old figures marked "Chính thức", stayed in
``departments/``, listed by no run record (blind round 16, cache F3)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from parindex import changes
from parindex.publish.manifest import last_run
from tests.test_one_file_night import YEAR, _night


def _rename_department(criteria: Path, old: str, new: str) -> None:
    """The department ``old`` called ``new`` in the set: its code in the
    ``Đơn vị`` sheet and in every ``Đơn vị chủ trì`` cell."""
    book = openpyxl.load_workbook(criteria)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and old in [
                    part.strip() for part in cell.value.split(";")
                ]:
                    cell.value = "; ".join(
                        new if part.strip() == old else part.strip()
                        for part in cell.value.split(";")
                    )
    book.save(criteria)


def test_the_workbook_of_a_department_gone_from_the_set_is_removed_and_said(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    departments = outputs / str(YEAR) / "departments"
    assert (departments / f"CQ-{YEAR}.xlsx").is_file()
    _rename_department(next((inputs / "criteria").glob("*.xlsx")), "CQ", "CQDV")
    _night(inputs, outputs)
    assert not (departments / f"CQ-{YEAR}.xlsx").exists()
    assert (departments / f"CQDV-{YEAR}.xlsx").is_file()
    document = last_run(outputs / str(YEAR))
    assert document is not None
    assert (
        changes.DEPARTMENT_WORKBOOK_REMOVED.format(
            file=f"departments/CQ-{YEAR}.xlsx", department="CQ"
        )
        in document["changes"]
    )
    assert document["removed"] == [str(departments / f"CQ-{YEAR}.xlsx")]


def test_a_file_of_its_own_in_the_departments_folder_is_left(
    inputs: Path, tmp_path: Path
) -> None:
    """Only a workbook a run of parindex wrote (its record lists it) is removed:
    a file an office put there itself is not touched."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    own = outputs / str(YEAR) / "departments" / f"XX-{YEAR}.xlsx"
    own.write_bytes(b"not ours")
    _night(inputs, outputs)
    assert own.read_bytes() == b"not ours"


def test_an_old_workbook_edited_since_is_left_and_said(
    inputs: Path, tmp_path: Path
) -> None:
    """Someone worked in the old workbook since the last run wrote it: it is
    theirs now, left where it is, and the line says so."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    old = outputs / str(YEAR) / "departments" / f"CQ-{YEAR}.xlsx"
    book = openpyxl.load_workbook(old)
    book.worksheets[0]["A1"] = "Ghi chú của văn phòng"
    book.save(old)
    edited = old.read_bytes()
    _rename_department(next((inputs / "criteria").glob("*.xlsx")), "CQ", "CQDV")
    _night(inputs, outputs)
    assert old.read_bytes() == edited
    document = last_run(outputs / str(YEAR))
    assert document is not None
    assert (
        changes.DEPARTMENT_WORKBOOK_EDITED.format(
            file=f"departments/CQ-{YEAR}.xlsx", department="CQ"
        )
        in document["changes"]
    )
    assert document["removed"] == []


def test_a_repeated_night_removes_nothing(inputs: Path, tmp_path: Path) -> None:
    """The night after, with nothing new, repeats the last run's record: it does
    not say again that it removed a workbook."""
    import json

    from parindex import night

    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    _rename_department(next((inputs / "criteria").glob("*.xlsx")), "CQ", "CQDV")
    _night(inputs, outputs)
    folder = outputs / str(YEAR)
    record = max((folder / "runs").glob("*.json"))
    document = json.loads(record.read_text(encoding="utf-8"))
    assert document["removed"]
    document["fingerprint"] = "print"
    record.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    repeated = night.repeat_last_run(outputs, YEAR, "print", 0.0)
    assert repeated is not None
    assert repeated.document["removed"] == []
    assert repeated.document["changes"] == [changes.NOTHING_CHANGED]


def test_an_old_workbook_that_cannot_be_deleted_is_said(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old workbook could not be deleted (open in Excel on a shared drive,
    no right to delete): it stays, and the line says so; the run's record does
    not list it as removed. Before, it stayed without a word."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    old = outputs / str(YEAR) / "departments" / f"CQ-{YEAR}.xlsx"
    _rename_department(next((inputs / "criteria").glob("*.xlsx")), "CQ", "CQDV")
    real = Path.unlink

    def refused(path: Path, missing_ok: bool = False) -> None:
        if path == old:
            raise PermissionError(13, "Permission denied")
        real(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refused)
    _night(inputs, outputs)
    assert old.is_file()
    document = last_run(outputs / str(YEAR))
    assert document is not None
    assert (
        changes.DEPARTMENT_WORKBOOK_NOT_REMOVED.format(
            file=f"departments/CQ-{YEAR}.xlsx",
            department="CQ",
            reason="Permission denied",
        )
        in document["changes"]
    )
    assert document["removed"] == []

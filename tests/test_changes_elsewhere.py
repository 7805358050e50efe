"""A night whose figures changed for a reason other than this year's files (last
year's folder, the published results, the criteria set) says what changed; before,
it said "Không có bài nộp mới hay thay đổi nào …: giữ nguyên kết quả" while the
comparison with last year had moved (blind round 15, B: n15)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl

from parindex import changes
from parindex.publish.manifest import last_run
from tests.builders import set_appraisal
from tests.test_one_file_night import YEAR, _night


def _changes(outputs: Path) -> list[str]:
    document = last_run(outputs / str(YEAR))
    assert document is not None
    return list(document["changes"])


def test_a_change_in_last_years_folder_is_said(inputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / "2022" / "phong-tu-phap.xlsx"
    set_appraisal(path, "2.1.1", 0.0)
    os.utime(path, (time.time() + 5, time.time() + 5))
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.PREVIOUS_CHANGED.format(year=2022, old="72,1", new="71,6")
    ]


def test_a_change_in_the_published_results_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    history = inputs / "history.xlsx"
    workbook = openpyxl.load_workbook(history)
    sheet = workbook["Kết quả"]
    header = [cell.value for cell in sheet[1]]
    total = header.index("Tổng điểm")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == 2023)
    row[total].value = 79.3
    workbook.save(history)
    _night(inputs, outputs)
    assert _changes(outputs) == [changes.FIGURES_CHANGED.format(year=YEAR)]


def test_a_night_with_nothing_changed_still_says_so(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / "2022" / "phong-tu-phap.xlsx"
    os.utime(path, (time.time() + 5, time.time() + 5))  # touched, not changed
    _night(inputs, outputs)
    assert _changes(outputs) == [changes.NOTHING_CHANGED]


def _summary(*submissions: dict[str, object]) -> dict[str, object]:
    return {"year": 2023, "total": 79.24, "submissions": list(submissions)}


def test_a_file_left_for_later_then_read_is_said_as_such() -> None:
    """A file too fresh to read (``--settle-seconds``) is new and waiting, with no
    department yet; the next night reads it for the first time, not "again"
    (blind round 15, n10: "Tệp mới: … (?)", then "Tệp được nộp lại")."""
    waiting = {"file": "2023/nv v2.xlsx", "sha256": None, "status": "pending"}
    read = {
        "file": "2023/nv v2.xlsx",
        "sha256": "ab",
        "department": "NV",
        "status": "used",
    }
    assert changes.describe_changes(_summary(), _summary(waiting)) == [
        changes.PENDING_FILE.format(file="2023/nv v2.xlsx")
    ]
    assert changes.describe_changes(_summary(waiting), _summary(read)) == [
        changes.FIRST_READ.format(file="2023/nv v2.xlsx", department="NV")
    ]
    unknown = {**read, "department": None, "status": "rejected"}
    assert changes.describe_changes(_summary(), _summary(unknown)) == [
        changes.NEW_FILE_NO_DEPARTMENT.format(file="2023/nv v2.xlsx")
    ]


def test_a_new_file_set_aside_unread_is_said_with_its_status() -> None:
    """A file renamed to retire it (``….xlsx.old``) is new to the folder but no
    submission: said so, not as a file of no known department (round 2, m14)."""
    retired = {"file": "2023/nv v2.xlsx.old", "sha256": None, "status": "ignored"}
    assert changes.describe_changes(_summary(), _summary(retired)) == [
        changes.NEW_FILE_NOT_READ.format(
            file="2023/nv v2.xlsx.old", status=changes.STATUS_WORDS["ignored"]
        )
    ]


def test_figures_moved_without_a_file_are_said_without_naming_one_cause() -> None:
    """Only the criteria set's names changed, say (round 2, m09): the line does
    not say history.xlsx was edited."""
    before = {**_summary(), "figures": "a"}
    after = {**_summary(), "figures": "b"}
    assert changes.describe_changes(before, after) == [
        changes.FIGURES_CHANGED.format(year=2023)
    ]

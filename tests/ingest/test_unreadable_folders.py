"""A part of the drop folder that cannot be listed or read (a department's
subfolder, the year folder, an entry that cannot be looked at) is never dropped
silently: an error names it, the department is not said to have sent nothing."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from parindex import pipeline
from parindex.errors import NoYearFolder
from parindex.ingest.discover import discover

FOLDER_UNREADABLE = (
    "Không đọc được thư mục “2023/TP” (không có quyền đọc): các tệp trong đó không "
    "được tổng hợp. Hãy cấp quyền đọc thư mục này cho tài khoản chạy parindex rồi "
    "chạy lại."
)


@pytest.fixture
def tp_in_its_folder(tmp_path: Path, sample_inputs: Path) -> Path:
    """The sample with TP's file in its own subfolder ``2023/TP/``."""
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    (inputs / "2023" / "TP").mkdir()
    (inputs / "2023" / "phong-tu-phap.xlsx").rename(
        inputs / "2023" / "TP" / "phong-tu-phap.xlsx"
    )
    return inputs


def _deny_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Listing ``folder`` fails as it does without the read permission (the
    tests run as root, for whom chmod 000 does not bite)."""
    real = Path.iterdir

    def iterdir(self: Path) -> Iterator[Path]:
        if self == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)


def _consolidate(inputs: Path) -> tuple[pipeline.Ingested, float]:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    return ingested, result.current.total


def test_a_department_folder_that_cannot_be_listed_is_an_error_naming_it(
    tp_in_its_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, total = _consolidate(tp_in_its_folder)
    assert total == 79.24  # readable: TP's file in its folder is used
    _deny_listing(monkeypatch, tp_in_its_folder / "2023" / "TP")
    ingested, total = _consolidate(tp_in_its_folder)
    assert total == 71.19  # the five others, the folder accounted for below
    row = ingested.submissions.filter(pl.col("file") == "2023/TP").to_dicts()
    assert len(row) == 1
    assert row[0]["status"] == "rejected"
    assert row[0]["department"] == "TP"
    assert row[0]["note"] == FOLDER_UNREADABLE
    used = ingested.submissions.filter(pl.col("status") == "used")
    assert sorted(used["department"].to_list()) == ["CQ", "KTHT", "NV", "TCKH", "VP"]
    problems = ingested.problems.select("severity", "message", "file", "department")
    assert {
        "severity": "error",
        "message": FOLDER_UNREADABLE,
        "file": "2023/TP",
        "department": "TP",
    } in problems.to_dicts()
    about_tp = problems.filter(
        (pl.col("department") == "TP") & (pl.col("severity") == "warning")
    )["message"].to_list()
    assert about_tp == [
        "Chưa biết đơn vị Phòng Tư pháp đã nộp tệp chấm điểm năm 2023 hay chưa: "
        "thư mục “2023/TP” của đơn vị không đọc được."
    ]
    assert not any("chưa nộp" in m for m in problems["message"].to_list())


def test_a_folder_naming_no_department_is_named_for_every_department_missing(
    tp_in_its_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renamed = tp_in_its_folder / "2023" / "ho so nop muon"
    (tp_in_its_folder / "2023" / "TP").rename(renamed)
    _deny_listing(monkeypatch, renamed)
    ingested, _ = _consolidate(tp_in_its_folder)
    problems = ingested.problems
    errors = problems.filter(pl.col("severity") == "error")
    assert errors["file"].to_list() == ["2023/ho so nop muon"]
    about_tp = problems.filter(pl.col("department") == "TP")["message"].to_list()
    assert about_tp == [
        "Chưa thấy tệp chấm điểm năm 2023 của đơn vị Phòng Tư pháp; có thư mục "
        "không đọc được (“2023/ho so nop muon”), tệp của đơn vị có thể nằm trong đó."
    ]


def test_a_year_folder_that_cannot_be_listed_stops_the_run(
    tp_in_its_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = tp_in_its_folder / "2023"
    _deny_listing(monkeypatch, year)
    with pytest.raises(NoYearFolder) as raised:
        discover(year, 2023, time.time())
    assert str(raised.value) == (
        f"Không đọc được thư mục nộp bài của năm 2023 “{year}” (không có quyền "
        "đọc): chưa tổng hợp gì, kết quả lần trước giữ nguyên. Hãy cấp quyền đọc "
        "thư mục này cho tài khoản chạy parindex rồi chạy lại."
    )


def test_an_entry_that_cannot_be_looked_at_is_rejected_not_skipped(
    tp_in_its_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder readable without the right to enter it: its entries are listed
    but cannot be looked at (``lstat`` fails)."""
    hidden = tp_in_its_folder / "2023" / "TP" / "phong-tu-phap.xlsx"
    real = Path.lstat

    def lstat(self: Path) -> os.stat_result:
        if self == hidden:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "lstat", lstat)
    entries = {e.name: e for e in discover(tp_in_its_folder / "2023", 2023, 0.0)}
    entry = entries["2023/TP/phong-tu-phap.xlsx"]
    assert entry.status == "rejected"
    assert entry.error == (
        "Không xem được “2023/TP/phong-tu-phap.xlsx” (không có quyền đọc): không "
        "được tổng hợp. Hãy cấp quyền đọc cho tài khoản chạy parindex rồi chạy lại."
    )


def test_with_real_permissions_the_folder_is_named(tp_in_its_folder: Path) -> None:
    """chmod 000 for real, in a process that cannot override file permissions."""
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to drop the permission override")
    folder = tp_in_its_folder / "2023" / "TP"
    folder.chmod(0)
    try:
        script = (
            "import time; from pathlib import Path;"
            "from parindex.ingest.discover import discover;"
            f"print([(e.name, e.status) for e in discover(Path({str(folder.parent)!r}),"
            " 2023, time.time()) if e.error])"
        )
        done = subprocess.run(
            [
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                "--inh-caps=-all",
                sys.executable,
                "-c",
                script,
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ},
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('2023/TP', 'rejected')]"

"""A night whose ``TRANG-THAI.txt`` cannot be replaced (blind round 17, N5): it
stops before its outputs move, recorded failed, and the files in the folder are
still those of the last complete record."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.test_status_page_first import _lose_a_point


def _lock_status_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """``chattr +i TRANG-THAI.txt``: it cannot be replaced."""
    import os

    from parindex.publish import files

    replace = os.replace

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "TRANG-THAI.txt":
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(files.os, "replace", immutable)


def test_a_page_that_cannot_be_replaced_fails_the_night_before_it_publishes(
    prefect_harness: None,
    sample_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.consolidate import consolidate_flow
    from parindex import run_record as record

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    runs = outputs / "2023" / "runs"
    first = record.last_completed(runs)
    assert first is not None
    _lose_a_point(inputs)
    _lock_status_page(monkeypatch)
    state = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
    )
    assert state.is_failed()
    last = record.last_completed(runs)
    assert last is not None and last[0] == first[0]
    assert all(
        hashlib.sha256(Path(o["file"]).read_bytes()).hexdigest() == o["sha256"]
        for o in last[1]["outputs"]
    )
    newest = json.loads(sorted(runs.glob("*.json"))[-1].read_text("utf-8"))
    assert newest["state"] == "failed"
    # the folder is writable (the record is there): the page itself is locked
    assert newest["error"] == (
        "Không thay được tệp kết quả “"
        + str(outputs / "2023" / "TRANG-THAI.txt")
        + "”: tệp bị khóa (chỉ đọc, chattr +i, hoặc của tài khoản khác). Hãy bỏ "
        "khóa tệp rồi chạy lại."
    )


def test_a_night_with_nothing_new_and_its_page_locked_is_recorded_once(
    prefect_harness: None,
    sample_inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blind round 18b, L5: a night with nothing new whose ``TRANG-THAI.txt``
    cannot be replaced was recorded twice by one process: completed (repeated)
    and failed."""
    from flows.consolidate import consolidate_flow
    from parindex import run_record as record

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    _lock_status_page(monkeypatch)
    state = consolidate_flow(
        inputs=str(inputs), outputs=str(outputs), year=2023, return_state=True
    )
    assert state.is_failed()
    runs = outputs / "2023" / "runs"
    assert [record.state_of(r) for _, r in record.read_records(runs)] == [
        "completed",
        "failed",
    ]

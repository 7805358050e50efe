"""Anything in the way of an output path stops the run before anything is moved;
a move that fails anyway is rolled back; a signal waits for the set's move."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from parindex.errors import OutputInTheWay, OutputsNotWritable
from parindex.publish import check_writable
from parindex.publish import outputs as publish_module
from tests.publish_worker import publish

WHAT_TO_DO = (
    "Chưa tệp nào được thay: kết quả lần trước vẫn nguyên vẹn. Hãy chuyển hoặc đổi "
    "tên mục này (parindex không xóa nó) rồi chạy lại."
)
FOLDER = "đây là một thư mục, ở chỗ parindex cần ghi một tệp"
FILE = "đây là một tệp, ở chỗ parindex cần một thư mục"


def _in_the_way(path: Path, reason: str) -> str:
    return f"Không ghi được kết quả: “{path}” đang chắn chỗ ({reason}). {WHAT_TO_DO}"


def _snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (runs/ and TRANG-THAI aside)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and "runs" not in p.parts
    }


@pytest.fixture
def published(tmp_path: Path, sample_inputs: Path) -> tuple[Path, Path]:
    """(inputs, outputs): the sample published once, then TP's appraisal of 8.1
    changed (79.24 → 79.69), so that the next run has a new set to move."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    publish(outputs, None, inputs)
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))
    return inputs, outputs


def _folder_with_a_note(path: Path) -> Path:
    path.unlink()
    path.mkdir()
    note = path / "ghi-chu-cua-van-phong.txt"
    note.write_text("Ghi chú của văn phòng", "utf-8")
    return path


def _dangling(path: Path) -> Path:
    path.unlink(missing_ok=True)
    path.symlink_to(path.parent / "khong-con-nua")
    return path


def _file_for_folder(path: Path) -> Path:
    shutil.rmtree(path)
    path.write_text("tệp của văn phòng", "utf-8")
    return path


Obstacle = tuple[str, Callable[[Path], Path], str]
OBSTACLES: list[Obstacle] = [
    ("departments/TP-2023.xlsx", _folder_with_a_note, FOLDER),
    ("departments/CQ-2023.xlsx", _folder_with_a_note, FOLDER),
    ("scorecard-2023.xlsx", _folder_with_a_note, FOLDER),
    ("summary-2023.json", _dangling, "liên kết"),
    ("departments/NV-2023.xlsx", _dangling, "liên kết"),
    ("departments", _file_for_folder, FILE),
    ("runs", _file_for_folder, FILE),
]


@pytest.mark.parametrize(("where", "make", "reason"), OBSTACLES)
def test_anything_in_the_way_stops_before_a_move_and_keeps_the_previous_set(
    published: tuple[Path, Path], where: str, make: Callable[[Path], Path], reason: str
) -> None:
    inputs, outputs = published
    folder = outputs / "2023"
    if where == "departments/CQ-2023.xlsx":  # a workbook not there yet (o3)
        (folder / where).write_bytes(b"")
    obstacle = make(folder / where)
    before = _snapshot(folder)
    runs_before = sorted((folder / "runs").iterdir()) if where != "runs" else []

    # before the flow starts: the paths known then
    with pytest.raises(OutputsNotWritable) as early:
        check_writable(outputs)
    # and in publish itself, before anything is written
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)

    for error in (early, raised):
        assert isinstance(error.value, OutputInTheWay)  # the rest may be writable
        message = str(error.value)
        if reason == "liên kết":
            target = obstacle.parent / "khong-con-nua"
            reason_text = (
                f"đây là một liên kết (symlink) tới “{target}”, nơi không tồn tại"
            )
            assert message == _in_the_way(obstacle, reason_text)
        else:
            assert message == _in_the_way(obstacle, reason)
    assert _snapshot(folder) == before  # the previous set whole, the note untouched
    assert not (folder / ".publishing").exists()
    assert not (folder / ".publishing.json").exists()
    if where != "runs":
        assert sorted((folder / "runs").iterdir()) == runs_before
    summary = folder / "summary-2023.json"
    if where != "summary-2023.json":
        assert b'"total": 79.24' in summary.read_bytes()
    if make is _folder_with_a_note:
        note = obstacle / "ghi-chu-cua-van-phong.txt"
        assert note.read_text("utf-8") == "Ghi chú của văn phòng"


def test_the_check_before_the_move_catches_what_appeared_while_rendering(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something put in the way after the first check (while the set renders)
    stops the run before the first move, the staging folder removed."""
    inputs, outputs = published
    folder = outputs / "2023"
    before = _snapshot(folder)
    real = publish_module._render_staged

    def render_then_block(*args: object, **kwargs: object) -> dict[Path, Path]:
        staged = real(*args, **kwargs)  # type: ignore[arg-type]
        _folder_with_a_note(folder / "departments" / "TP-2023.xlsx")
        return staged

    monkeypatch.setattr(publish_module, "_render_staged", render_then_block)
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    obstacle = folder / "departments" / "TP-2023.xlsx"
    assert str(raised.value) == _in_the_way(obstacle, FOLDER)
    del before["departments/TP-2023.xlsx"]
    after = _snapshot(folder)
    del after["departments/TP-2023.xlsx/ghi-chu-cua-van-phong.txt"]
    assert after == before
    assert not (folder / ".publishing").exists()
    assert not (folder / ".publishing.json").exists()


def test_a_move_that_fails_midway_is_rolled_back(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, outputs = published
    folder = outputs / "2023"
    before = _snapshot(folder)
    real = os.replace
    moved: list[str] = []

    def fail_third(source: str | Path, target: str | Path) -> None:
        moving = ".publishing" in str(source) and ".publishing" not in str(target)
        if moving and ".previous" not in str(source):
            moved.append(Path(target).name)
            if len(moved) == 3:
                raise OSError(errno.EIO, "Input/output error")
        real(source, target)

    monkeypatch.setattr(publish_module.os, "replace", fail_third)
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    failed = folder / moved[2]
    if moved[2].startswith("TP-"):
        failed = folder / "departments" / moved[2]
    assert str(raised.value) == (
        f"Không ghi được kết quả: việc thay tệp “{failed}” thất bại (Input/output "
        "error); các tệp đã thay được trả lại như lần trước, kết quả lần trước vẫn "
        "nguyên vẹn."
    )
    assert _snapshot(folder) == before
    assert not (folder / ".publishing").exists()
    assert not (folder / ".publishing.json").exists()
    monkeypatch.setattr(publish_module.os, "replace", real)
    written = publish(outputs, None, inputs)  # the next run publishes the set
    assert b'"total": 79.69' in written.summary.read_bytes()


def test_a_signal_during_the_move_waits_for_its_end() -> None:
    seen: list[str] = []

    def handler(number: int, _frame: object) -> None:
        seen.append("signal")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with publish_module._signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            seen.append("moved")
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == ["moved", "signal"]


def test_set_on_disk_says_which_run_the_files_come_from(
    published: tuple[Path, Path],
) -> None:
    """Killed after 2 of its 5 files were moved: the journal says so; finished by
    the next run, no journal is left to say anything."""
    import subprocess
    import sys

    inputs, outputs = published
    folder = outputs / "2023"
    assert publish_module.set_on_disk(folder) is None
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.publish_worker", "die-midway", str(outputs)]
        + ["2", str(inputs)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    found = publish_module.set_on_disk(folder)
    assert found is not None
    assert (found.moved, found.total) == (2, 5)
    assert not found.complete and not found.untouched
    assert Path(found.manifest).parent == folder / "runs"
    assert not Path(found.manifest).exists()
    publish(outputs, None, inputs)
    assert publish_module.set_on_disk(folder) is None


def test_something_in_the_way_of_finishing_a_killed_publish_keeps_the_journal(
    published: tuple[Path, Path],
) -> None:
    import subprocess
    import sys

    inputs, outputs = published
    folder = outputs / "2023"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.publish_worker", "die-midway", str(outputs)]
        + ["2", str(inputs)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    obstacle = _folder_with_a_note(folder / "departments" / "TP-2023.xlsx")
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    assert str(raised.value) == (
        "Lần chạy trước bị dừng giữa lúc ghi kết quả và chưa ghi nốt được: "
        f"“{obstacle}” đang chắn chỗ ({FOLDER}). Hãy chuyển hoặc đổi tên mục này "
        "(parindex không xóa nó) rồi chạy lại: lần chạy sau sẽ ghi nốt bộ kết quả."
    )
    found = publish_module.set_on_disk(folder)
    assert found is not None and (found.moved, found.total) == (2, 5)
    assert (obstacle / "ghi-chu-cua-van-phong.txt").is_file()
    shutil.rmtree(obstacle)  # what the office does
    written = publish(outputs, None, inputs)
    assert written.changes[0].startswith("Lần chạy trước (")
    assert publish_module.set_on_disk(folder) is None
    assert b'"total": 79.69' in written.summary.read_bytes()


def test_a_folder_where_the_lock_or_the_year_folder_goes_is_named(
    tmp_path: Path,
) -> None:
    outputs = tmp_path / "outputs"
    (outputs / ".parindex.lock").mkdir(parents=True)
    with pytest.raises(OutputsNotWritable) as raised:
        check_writable(outputs)
    assert str(raised.value) == _in_the_way(outputs / ".parindex.lock", FOLDER)
    (outputs / ".parindex.lock").rmdir()
    (outputs / "2023").write_text("tệp của văn phòng", "utf-8")
    with pytest.raises(OutputsNotWritable) as raised:
        check_writable(outputs)
    assert str(raised.value) == _in_the_way(outputs / "2023", FILE)
    check_writable(outputs, years=[2024])  # another year: not in its way


def test_a_signal_between_rendering_and_the_journal_leaves_no_staging(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM's SystemExit while the manifest is being prepared (the set staged,
    no journal yet): the staging folder goes, the previous set stays."""
    inputs, outputs = published
    folder = outputs / "2023"
    before = _snapshot(folder)

    def interrupted(*args: object, **kwargs: object) -> None:
        assert (folder / ".publishing").is_dir()
        raise SystemExit(143)

    monkeypatch.setattr(publish_module, "run_manifest", interrupted)
    with pytest.raises(SystemExit):
        publish(outputs, None, inputs)
    assert not (folder / ".publishing").exists()
    assert _snapshot(folder) == before


def test_a_move_that_cannot_be_rolled_back_is_finished_by_the_next_run(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, outputs = published
    folder = outputs / "2023"
    real = os.replace
    moved: list[str] = []

    def fail_third_and_back(source: str | Path, target: str | Path) -> None:
        if ".previous" in str(source):
            raise OSError(errno.EIO, "Input/output error")
        if ".publishing" in str(source) and ".publishing" not in str(target):
            moved.append(Path(target).name)
            if len(moved) == 3:
                raise OSError(errno.EIO, "Input/output error")
        real(source, target)

    monkeypatch.setattr(publish_module.os, "replace", fail_third_and_back)
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    assert str(raised.value) == (
        f"Không ghi được kết quả: việc thay tệp “{folder / moved[2]}” thất bại "
        "(Input/output error) và không trả lại được các tệp đã thay; lần chạy sau "
        "sẽ ghi nốt bộ kết quả này."
    )
    found = publish_module.set_on_disk(folder)
    assert found is not None and (found.moved, found.total) == (2, 5)
    monkeypatch.setattr(publish_module.os, "replace", real)
    written = publish(outputs, None, inputs)
    assert written.changes[0].startswith("Lần chạy trước (")
    assert publish_module.set_on_disk(folder) is None
    assert b'"total": 79.69' in written.summary.read_bytes()


def test_a_locked_output_is_said_locked_when_the_set_rolls_back(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 18b: ``chattr +i scorecard-2023.xlsx`` was said "không có
    quyền ghi", as if the folder could not be written."""
    inputs, outputs = published
    folder = outputs / "2023"
    real = os.replace

    def locked(source: str | Path, target: str | Path) -> None:
        if Path(target) == folder / "scorecard-2023.xlsx":
            raise PermissionError(errno.EPERM, "Operation not permitted")
        real(source, target)

    monkeypatch.setattr(publish_module.os, "replace", locked)
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    assert str(raised.value) == (
        f"Không ghi được kết quả: việc thay tệp “{folder / 'scorecard-2023.xlsx'}” "
        "thất bại (tệp bị khóa: chỉ đọc, chattr +i, hoặc của tài khoản khác); các "
        "tệp đã thay được trả lại như lần trước, kết quả lần trước vẫn nguyên vẹn."
    )


def test_a_runs_folder_that_takes_no_file_stops_before_a_move(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 19, C-N1 (``chattr +i runs/``): every output was moved, then
    the run's record could not be written: the night failed with tonight's
    files in place, no record, the page saying they were last night's, and the
    next night "finished" it as a completed run. The record's folder is tried
    before the first move: the previous set whole, said."""
    inputs, outputs = published
    folder = outputs / "2023"
    runs = folder / "runs"
    before = _snapshot(folder)
    records_before = sorted(runs.iterdir())
    opened = os.open

    def locked(
        path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int | None
    ) -> int:
        if Path(path).parent == runs and flags & os.O_CREAT:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return opened(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked)
    with pytest.raises(OutputsNotWritable) as raised:
        publish(outputs, None, inputs)
    monkeypatch.undo()
    assert str(raised.value) == (
        f"Không ghi được vào thư mục kết quả “{runs}”: không có quyền ghi."
    )
    assert _snapshot(folder) == before
    assert sorted(runs.iterdir()) == records_before
    assert not (folder / ".publishing").exists()
    assert not (folder / ".publishing.json").exists()

"""A hostile or unlucky file costs one file: the used-area check reads cell
references as an XML parser does, the readers run in a child process, a large
legitimate picture is accepted, files that vanish or change are listed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest import read as read_module
from parindex.ingest.collect import read_batch
from parindex.ingest.discover import DroppedFile
from parindex.ingest.isolate import Crashed, run_isolated
from parindex.ingest.safety import (
    MAX_SHEET_CELLS,
    Container,
    UnsafeFile,
    _check_xlsx_extent,
    inspect_container,
)
from tests.builders import write_submission
from tests.ingest.hostile import FAR_CELLS, with_photo, with_sheet_tail

NV_ROWS: list[list[object]] = [["1.1", "Kế hoạch", 1, 1, 1]]
CRASHED = messages.FILE_READER_CRASHED.format(
    why="trình đọc dừng đột ngột, có thể vì cần quá 1024 MB bộ nhớ"
)


def _nv(tmp_path: Path) -> bytes:
    return write_submission(tmp_path / "nv-source.xlsx", NV_ROWS).read_bytes()


def _dropped(path: Path) -> DroppedFile:
    stat = path.stat()
    return DroppedFile(
        path, f"2023/{path.name}", stat.st_size, stat.st_mtime, "candidate"
    )


@pytest.mark.parametrize("variant", sorted(FAR_CELLS))
def test_a_far_cell_written_any_way_xml_allows_is_refused(
    variant: str, tmp_path: Path
) -> None:
    content = with_sheet_tail(_nv(tmp_path), FAR_CELLS[variant])
    with pytest.raises(UnsafeFile) as caught:
        inspect_container(content)
    assert caught.value.kind == "too_many_cells"


@pytest.mark.parametrize(
    "cells",
    [
        b"<row r='1048576'><c r='XFD1048576' s='1'/></row>",
        b'<row r="1048576"><c\tr="XFD1048576" s="1"></c></row>',
        b"<row r='20'><c r='ZZ20'><v>1</v></c></row>",
    ],
)
def test_formatting_far_away_and_values_near_are_accepted(cells: bytes) -> None:
    _check_xlsx_extent(b"<worksheet><sheetData>" + cells + b"</sheetData></worksheet>")


def test_rows_without_numbers_are_counted_as_the_reader_counts_them() -> None:
    rows = b"<row><c><v>1</v></c></row>" * 999 + b"<row>" + b"<c><v>1</v></c>" * 3000
    xml = b"<worksheet><sheetData>" + rows + b"</row></sheetData></worksheet>"
    with pytest.raises(UnsafeFile) as caught:
        _check_xlsx_extent(xml)
    assert caught.value.detail == "DKJ1000"  # 1000 rows × 3000 columns > 2 000 000
    assert 1000 * 2000 <= MAX_SHEET_CELLS < 1000 * 2001


def test_a_file_that_crashes_the_reader_costs_that_file_only(
    tmp_path: Path, sample_criteria: CriteriaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader abort that the safety pass does not foresee (the pass switched off
    here, the crafted file being one the pass now catches) sets aside that file;
    the files before and after it in the batch are read."""
    drop = tmp_path / "2023"
    drop.mkdir()
    first = write_submission(drop / "a-noi-vu.xlsx", NV_ROWS)
    crafted = drop / "b-noi-vu.xlsx"
    crafted.write_bytes(with_sheet_tail(_nv(tmp_path), FAR_CELLS["tab"]))
    last = write_submission(
        drop / "c-tai-chinh.xlsx",
        [["1.2.2.1", "Báo cáo quý", 1, 1, 1]],
        department="Phòng Tài chính - Kế hoạch",
    )
    monkeypatch.setattr(read_module, "inspect_container", lambda _: Container("zip"))
    batch = read_batch(
        [_dropped(p) for p in (first, crafted, last)], sample_criteria, 2023
    )
    outcomes = [(r.file.name, r.department, r.rejection) for r in batch.reads]
    assert outcomes[0] == ("2023/a-noi-vu.xlsx", "NV", None)
    assert outcomes[2] == ("2023/c-tai-chinh.xlsx", "TCKH", None)
    assert outcomes[1][2] is not None
    assert outcomes[1][2]["message"] == CRASHED
    assert batch.reads[1].sha256 is not None  # read, hashed: archived as evidence
    assert sorted(set(batch.rows["file"].to_list())) == [
        "2023/a-noi-vu.xlsx",
        "2023/c-tai-chinh.xlsx",
    ]


def _abort(job: int) -> int:
    if job == 2:
        os.abort()
    return job * 10


def _hog(job: int) -> int:
    if job == 1:
        return len(bytearray(8 * 1024**3))  # 8 GB: over the limit
    return job


def _slow(job: int) -> int:
    if job == 0:
        time.sleep(30)
    return job


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_run_isolated_keeps_every_other_outcome_in_order(workers: int) -> None:
    assert run_isolated([1, 2, 3], _abort, workers=workers) == [
        10,
        Crashed("crash", "SIGABRT"),
        30,
    ]
    assert run_isolated([0, 1, 2], _hog, workers=workers) == [0, Crashed("memory"), 2]
    started = time.monotonic()
    assert run_isolated([0, 1], _slow, timeout=1.0, workers=workers) == [
        Crashed("timeout"),
        1,
    ]
    assert time.monotonic() - started < 10


def _late(job: int) -> int:
    if job == 1:
        time.sleep(1.5)
    return job


@pytest.mark.parametrize("workers", [1, 2, 3, 4, 12])
def test_done_is_told_each_outcome_that_was_no_crash_as_it_arrives(
    workers: int,
) -> None:
    """``done`` hears (index, outcome) of every job whose work returned (never a
    crash, a job out of memory or out of time), in this process, while the
    other jobs are still running."""
    told: dict[int, object] = {}
    found = run_isolated(
        list(range(12)),
        _mixed,
        workers=workers,
        done=told.__setitem__,
    )
    assert told == {
        index: outcome
        for index, outcome in enumerate(found)
        if not isinstance(outcome, Crashed)
    }
    assert sorted(told) == [1, 2, 3, 4, 6, 8, 10]
    heard: list[tuple[int, float]] = []
    run_isolated(
        [0, 1],
        _late,
        workers=1,
        done=lambda index, _: heard.append((index, time.monotonic())),
    )
    ended = time.monotonic()
    assert [index for index, _ in heard] == [0, 1]
    assert ended - heard[0][1] > 1.0  # job 0 was told before job 1 ended


def _mixed(job: int) -> tuple[int, int]:
    """Job 0 (first of its child), 5 (in the middle of its child's share) and 11
    (the last job) abort, job 7 allocates past the limit, job 9 raises."""
    if job in (0, 5, 11):
        os.abort()
    if job == 7:
        return job, len(bytearray(8 * 1024**3))
    if job == 9:
        raise ValueError("a bug in the reader")
    return job, os.getpid()


@pytest.mark.parametrize("workers", [1, 2, 3, 4, 12, 20])
def test_several_children_keep_the_order_and_a_crash_costs_one_job(
    workers: int,
) -> None:
    """However the jobs are shared between children, every outcome comes back in
    the order of the jobs, and each failure costs its own job only."""
    found = run_isolated(list(range(12)), _mixed, workers=workers)
    failed = {
        0: Crashed("crash", "SIGABRT"),
        5: Crashed("crash", "SIGABRT"),
        7: Crashed("memory"),
        9: Crashed("crash", "exit 1"),
        11: Crashed("crash", "SIGABRT"),
    }
    for job, outcome in enumerate(found):
        if job in failed:
            assert outcome == failed[job], job
        else:
            assert isinstance(outcome, tuple)
            assert outcome[0] == job
            assert outcome[1] != os.getpid()  # read in a child
    assert len(found) == 12


def _meets_the_other(job: tuple[Path, int]) -> bool:
    """Say it started, then wait (10 s at most) for the other job to start."""
    folder, number = job
    (folder / str(number)).touch()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if (folder / str(1 - number)).exists():
            return True
        time.sleep(0.01)
    return False


def test_the_children_read_at_the_same_time(tmp_path: Path) -> None:
    """Two workers: the second job starts while the first still runs."""
    jobs = [(tmp_path, 0), (tmp_path, 1)]
    assert run_isolated(jobs, _meets_the_other, workers=2) == [True, True]


def test_a_child_out_of_time_does_not_hold_up_the_others() -> None:
    started = time.monotonic()
    found = run_isolated([1, 2, 0, 3], _slow, timeout=1.0, workers=2)
    assert found == [1, 2, Crashed("timeout"), 3]
    assert time.monotonic() - started < 10


def test_the_reader_child_dies_with_its_parent(tmp_path: Path) -> None:
    """A parent killed while a reader works leaves no reader running."""
    import subprocess
    import sys

    script = (
        "import time, sys\n"
        "from parindex.ingest.isolate import run_isolated\n"
        "def work(job):\n"
        "    print('child', __import__('os').getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "run_isolated([1], work)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    line = parent.stdout.readline().split()
    child = int(line[1])
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the reader child {child} outlived its parent")


def test_a_40_mb_photo_inside_a_workbook_is_accepted(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    drop = tmp_path / "2023"
    drop.mkdir()
    photo = with_photo(_nv(tmp_path), 40, drop / "phong-noi-vu.xlsx")
    assert 40 * 1024 * 1024 < photo.stat().st_size < 50 * 1024 * 1024
    # read within the reader's own time limit (else it would be rejected); how
    # fast is the benchmark's business, not a timed assertion's
    batch = read_batch([_dropped(photo)], sample_criteria, 2023)
    assert batch.reads[0].rejection is None
    assert batch.reads[0].department == "NV"
    assert batch.rows["code"].to_list() == ["1.1"]


def test_a_file_that_vanishes_before_it_is_read_is_pending_not_fatal(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    drop = tmp_path / "2023"
    drop.mkdir()
    kept = write_submission(drop / "phong-noi-vu.xlsx", NV_ROWS)
    gone = write_submission(
        drop / "phong-tu-phap.xlsx", NV_ROWS, department="Phòng Tư pháp"
    )
    entries = [_dropped(kept), _dropped(gone)]
    gone.unlink()
    batch = read_batch(entries, sample_criteria, 2023)
    assert batch.reads[0].rejection is None
    vanished = batch.reads[1]
    assert vanished.pending and vanished.sha256 is None
    assert vanished.rejection is not None
    assert vanished.rejection["severity"] == "warning"
    assert vanished.rejection["message"] == messages.FILE_VANISHED


@pytest.mark.parametrize("safety", ["on", "off"])
def test_check_survives_a_crafted_reference_outside_a_year_folder(
    safety: str,
    tmp_path: Path,
    sample_inputs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``parindex check`` on the crafted file: refused by the safety pass, and,
    were the pass to miss it, the reader's abort costs the file, not the command."""
    import json

    from typer.testing import CliRunner

    from parindex.cli import app

    crafted = tmp_path / "phong-noi-vu.xlsx"  # its year is read from the file
    crafted.write_bytes(with_sheet_tail(_nv(tmp_path), FAR_CELLS["single-quotes"]))
    if safety == "off":
        monkeypatch.setattr(
            read_module, "inspect_container", lambda _: Container("zip")
        )
    result = CliRunner().invoke(
        app, ["check", str(crafted), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 1
    messages_shown = [p["message"] for p in json.loads(result.stdout)]
    if safety == "on":
        assert messages_shown == [
            messages.FILE_TOO_MANY_CELLS.format(cell="XFD1048576", cells="2.000.000")
        ]
    else:
        assert messages_shown == [CRASHED]


def test_files_are_read_in_a_child_from_a_worker_thread_too(
    sample_inputs: Path, sample_criteria: CriteriaSet
) -> None:
    """Prefect runs the read task in a thread: the child forked from it works."""
    import threading

    from parindex.ingest.collect import candidate_batches
    from parindex.ingest.discover import discover

    entries = candidate_batches(discover(sample_inputs / "2023", 2023, time.time()))[0]
    found: list[list[str | None]] = []
    worker = threading.Thread(
        target=lambda: found.append(
            [r.department for r in read_batch(entries, sample_criteria, 2023).reads]
        )
    )
    worker.start()
    worker.join()
    assert found == [["CQ", "KTHT", "NV", "TCKH", "TP", "VP"]]


def test_a_criteria_workbook_that_crashes_the_reader_stops_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office's own workbooks go through the same child: a reader abort is an
    unusable criteria set (exit 2), not a dead process."""
    from parindex.criteria import read_criteria_set
    from parindex.errors import UnusableCriteria
    from parindex.ingest import safety

    crafted = tmp_path / "criteria.xlsx"
    crafted.write_bytes(with_sheet_tail(_nv(tmp_path), FAR_CELLS["tab"]))
    monkeypatch.setattr(safety, "inspect_container", lambda _: Container("zip"))
    with pytest.raises(UnusableCriteria) as raised:
        read_criteria_set(crafted)
    assert CRASHED in str(raised.value)


def _counted(job: tuple[Path, int]) -> tuple[int, int]:
    """(job, how many jobs were running when it started): a marker file per job
    while it runs."""
    folder, number = job
    marker = folder / f"{os.getpid()}-{number}"
    marker.touch()
    running = len(list(folder.iterdir()))
    time.sleep(0.2)
    marker.unlink()
    return number, running


def test_threads_reading_at_once_share_the_cores(tmp_path: Path) -> None:
    """Four threads each read a batch (as the flow's thread runner does): never
    more reader children at once than the cores, every batch in its order."""
    import threading

    from parindex.ingest.isolate import reader_processes

    found: dict[int, list[tuple[int, int] | Crashed]] = {}

    def read(batch: int) -> None:
        jobs = [(tmp_path, batch * 10 + i) for i in range(4)]
        found[batch] = run_isolated(jobs, _counted)

    threads = [threading.Thread(target=read, args=(b,)) for b in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for batch, outcomes in found.items():
        assert [o[0] for o in outcomes if isinstance(o, tuple)] == [
            batch * 10 + i for i in range(4)
        ]
    running = [
        o[1] for outcomes in found.values() for o in outcomes if isinstance(o, tuple)
    ]
    assert len(running) == 16
    assert max(running) <= reader_processes()

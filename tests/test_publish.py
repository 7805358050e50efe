"""Safe writes: a killed run leaves the previous outputs intact; runs never interleave."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from parindex.errors import OutputsNotWritable
from parindex.publish import outputs_lock, write_bytes_atomic

REPO = Path(__file__).resolve().parent.parent


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.publish_worker", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(*args: str) -> None:
    process = _worker(*args)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors


def test_kill_during_write_leaves_the_previous_scorecard_byte_identical(
    tmp_path: Path,
) -> None:
    _finish("publish", str(tmp_path))
    scorecard = tmp_path / "2023" / "scorecard-2023.xlsx"
    before = scorecard.read_bytes()
    process = _worker("slow", str(tmp_path))
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert scorecard.read_bytes() == before
    # the next run sweeps the half-written temporary file away
    assert list((tmp_path / "2023").glob(".*.tmp"))
    _finish("publish", str(tmp_path))
    assert not list((tmp_path / "2023").rglob(".*.tmp"))
    assert scorecard.read_bytes() == before


def test_outputs_stay_valid_whenever_a_run_is_killed(tmp_path: Path) -> None:
    _finish("publish", str(tmp_path))
    rng = random.Random(2023)
    for _ in range(4):
        process = _worker("loop", str(tmp_path))
        time.sleep(1.5 + rng.random())
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        workbook = openpyxl.load_workbook(tmp_path / "2023" / "scorecard-2023.xlsx")
        assert workbook.sheetnames[0] == "Tổng hợp"
        summary = json.loads(
            (tmp_path / "2023" / "summary-2023.json").read_text("utf-8")
        )
        assert summary["total"] == 79.24


def test_a_second_run_waits_for_the_lock_or_says_why_it_cannot(tmp_path: Path) -> None:
    holder = _worker("hold", str(tmp_path), "3")
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    with (
        pytest.raises(OutputsNotWritable) as raised,
        outputs_lock(tmp_path, wait_seconds=0.5),
    ):
        pass
    assert str(raised.value) == (
        f"Một lần tổng hợp khác đang ghi vào “{tmp_path}” (đã chờ 0 giây): hãy chạy lại sau."
    )
    started = time.monotonic()
    with outputs_lock(tmp_path, wait_seconds=30):
        waited = time.monotonic() - started
        write_bytes_atomic(tmp_path / "after.txt", b"second")
    holder.wait(timeout=10)
    assert waited > 1.0
    assert (tmp_path / "after.txt").read_bytes() == b"second"


def test_two_runs_started_together_both_finish_with_consistent_outputs(
    tmp_path: Path,
) -> None:
    first, second = _worker("publish", str(tmp_path)), _worker("publish", str(tmp_path))
    for process in (first, second):
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    runs = sorted((tmp_path / "2023" / "runs").iterdir())
    assert len(runs) == 2
    manifests = [json.loads(path.read_text("utf-8")) for path in runs]
    changed = [[o["changed"] for o in m["outputs"]] for m in manifests]
    # serialised: whichever took the lock second found every output already written
    # (manifests are named by start time, which need not be the order of the lock)
    assert sorted(any(c) for c in changed) == [False, True]
    workbook = openpyxl.load_workbook(tmp_path / "2023" / "scorecard-2023.xlsx")
    assert workbook.sheetnames[-1] == "Nguồn"


def test_a_replaced_file_changes_only_the_outputs_it_feeds(
    tmp_path: Path, sample_inputs: Path
) -> None:
    import os
    import shutil

    from tests.publish_worker import publish

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    assert publish(outputs, None, inputs).changes == [
        "Lần tổng hợp đầu tiên của năm 2023."
    ]
    again = publish(outputs, None, inputs)
    assert again.changed == []
    assert again.changes == [
        "Không có bài nộp mới hay thay đổi nào so với lần chạy trước: giữ nguyên kết quả."
    ]
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0  # appraised 2.55 → 3.0
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))
    third = publish(outputs, None, inputs)
    folder = outputs / "2023"
    assert sorted(p.relative_to(folder).as_posix() for p in third.changed) == [
        "bao-cao-2023.docx",
        "departments/TP-2023.xlsx",
        "scorecard-2023.xlsx",
        "summary-2023.json",
        "summary-2023.md",
    ]
    assert third.changes == [
        "Tệp được nộp lại (nội dung khác): 2023/phong-tu-phap.xlsx (TP).",
        "Tổng điểm: 79,24 → 79,69.",
    ]


def test_outputs_are_readable_by_the_office_not_only_the_service(
    tmp_path: Path,
) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "summary.json", b"{}")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "summary.json").stat().st_mode)
    assert mode == 0o644


def test_department_workbooks_rendered_in_chunks_anywhere_are_identical(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Each department's workbook rendered on its own (``render_department`` from
    the whole result) equals the one rendered in chunks, one after another or in
    other processes: a chunk carries only its departments' analysis."""
    import datetime as dt
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from parindex import pipeline
    from parindex.publish import outputs
    from parindex.render.department import render_department

    criteria = pipeline.load_criteria(sample_inputs, 2023)
    history, history_problems = pipeline.load_history(sample_inputs)
    ingested = pipeline.ingest_year(sample_inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    created = dt.datetime(2024, 1, 1)
    codes = result.current.departments["code"].to_list()
    assert len(codes) == 6

    def jobs(folder: Path) -> list[tuple[str, Path, dt.datetime]]:
        return [(code, folder / f"{code}.xlsx", created) for code in codes]

    chunks = outputs.department_chunks(result, jobs(tmp_path), size=4)
    assert [[code for code, _ in chunk.jobs] for chunk in chunks] == [
        codes[:4],
        codes[4:],
    ]
    assert [set(chunk.result.analysis.departments) for chunk in chunks] == [
        set(codes[:4]),
        set(codes[4:]),
    ]
    serial = outputs.write_department_workbooks(
        result, jobs(tmp_path / "serial"), chunk_size=4
    )
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        parallel = outputs.write_department_workbooks(
            result, jobs(tmp_path / "processes"), map_chunks=pool.map, chunk_size=1
        )
    assert list(serial) == [tmp_path / "serial" / f"{code}.xlsx" for code in codes]
    assert list(parallel) == [tmp_path / "processes" / f"{c}.xlsx" for c in codes]
    assert all(serial.values()) and all(parallel.values())
    for code in codes:
        alone = tmp_path / "alone" / f"{code}.xlsx"
        alone.parent.mkdir(exist_ok=True)
        render_department(result, code, alone, created)
        expected = alone.read_bytes()
        assert (tmp_path / "serial" / f"{code}.xlsx").read_bytes() == expected
        assert (tmp_path / "processes" / f"{code}.xlsx").read_bytes() == expected


def test_department_chunks_waiting_hold_no_slice_of_the_analysis(
    sample_inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cutting the year's departments into chunks slices nobody's analysis: a
    chunk's departments are sliced when it is rendered (or pickled for another
    process, as the slices themselves), so 5000 departments' chunks waiting do
    not hold every department's slices at once."""
    import pickle

    from parindex import analysis, pipeline
    from parindex.publish import outputs

    criteria = pipeline.load_criteria(sample_inputs, 2023)
    history, history_problems = pipeline.load_history(sample_inputs)
    ingested = pipeline.ingest_year(sample_inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    codes = result.current.departments["code"].to_list()
    sliced: list[str] = []
    part = analysis._Sliced.part

    def counted(self: analysis._Sliced, code: str) -> object:
        sliced.append(code)
        return part(self, code)

    monkeypatch.setattr(analysis._Sliced, "part", counted)
    jobs = [(code, Path(f"{code}.xlsx"), None) for code in codes]
    chunks = outputs.department_chunks(result, jobs, size=4)  # type: ignore[arg-type]
    assert sliced == []
    shares = chunks[1].result.analysis.departments
    assert list(shares) == codes[4:] and len(shares) == 2
    whole = result.analysis.departments
    assert shares[codes[4]].deductions.equals(whole[codes[4]].deductions)
    with pytest.raises(KeyError):
        shares[codes[0]]
    sent = pickle.loads(pickle.dumps(shares))
    assert type(sent) is dict and list(sent) == codes[4:]
    assert sent[codes[5]].code == codes[5]
    assert sent[codes[5]].deductions.equals(whole[codes[5]].deductions)
    assert sent[codes[5]].problems.equals(whole[codes[5]].problems)


def test_twenty_files_of_mixed_status_are_all_listed_and_archived_once(
    tmp_path: Path, sample_inputs: Path
) -> None:
    import os
    import shutil

    from tests.publish_worker import publish

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    drop = inputs / "2023"
    old = time.time() - 3600
    for path in sorted(drop.iterdir()):  # 6 used; 6 older copies: superseded
        shutil.copy(path, drop / f"ban-cu-{path.name}")
        os.utime(drop / f"ban-cu-{path.name}", (old, old))
    for i in range(3):  # rejected
        (drop / f"ghi-chu-{i}.xlsx").write_text(f"không phải bảng tính {i}")
    (drop / "ghi-chu-lap.xlsx").write_text("không phải bảng tính 0")  # same content
    for name in (
        "~$phong-noi-vu.xlsx",
        ".~lock.phong-tu-phap.xlsx#",
        ".an.xlsx",
        "tam.tmp",
    ):
        (drop / name).write_bytes(b"lock")  # ignored
    written = publish(outputs, None, inputs)
    summary = json.loads(written.summary.read_text("utf-8"))
    statuses = [s["status"] for s in summary["submissions"]]
    assert len(statuses) == 20
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "used": 6,
        "superseded": 6,
        "rejected": 4,
        "ignored": 4,
    }
    sources = openpyxl.load_workbook(written.scorecard)["Nguồn"]
    listed = [row[0] for row in sources.iter_rows(values_only=True) if row[0]]
    assert {s["file"] for s in summary["submissions"]} <= set(listed)
    archived = sorted(p.name for p in (outputs / "archive" / "2023").iterdir())
    distinct = {s["sha256"] for s in summary["submissions"] if s["sha256"]}
    assert len(archived) == len(distinct) == 6 + 3  # copies and the repeated note once
    markdown = (outputs / "2023" / "summary-2023.md").read_text("utf-8")
    assert "- Đã nộp (6/6): Phòng Nội vụ, Văn phòng HĐND và UBND huyện" in markdown
    assert "- Chưa nộp (0): không còn đơn vị nào" in markdown


def test_a_night_with_nothing_new_renders_nothing(
    tmp_path: Path, sample_inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inputs, same code: the outputs are already the right bytes, so nothing
    is rendered; an output edited by hand, or a new input, renders again."""
    import shutil

    from parindex.publish import manifest as manifest_module
    from parindex.publish import outputs as stage
    from tests.publish_worker import publish

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    first = publish(outputs, None, inputs)
    folder = outputs / "2023"
    before = {
        p: p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".json"
    }
    renders: list[str] = []
    real = stage._render_outputs

    def counted(*args: object, **kwargs: object) -> dict[Path, bool]:
        renders.append("render")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stage, "_render_outputs", counted)
    second = publish(outputs, None, inputs)
    assert renders == []
    assert second.changed == []
    assert {p: p.read_bytes() for p in before} == before
    manifest = json.loads(second.manifest.read_text("utf-8"))
    assert (
        manifest["render_key"]
        == json.loads(first.manifest.read_text("utf-8"))["render_key"]
    )
    assert [o["changed"] for o in manifest["outputs"]] == [False] * 10
    # someone opened a department's workbook and saved it: rendered again, restored
    vp = folder / "departments" / "VP-2023.xlsx"
    vp.write_bytes(b"edited by hand")
    third = publish(outputs, None, inputs)
    assert renders == ["render"]
    assert third.changed == [vp]
    assert vp.read_bytes() == before[vp]
    # a new version of parindex's code renders again (nothing changes here)
    monkeypatch.setattr(manifest_module, "code_digest", lambda: "another version")
    fourth = publish(outputs, None, inputs)
    assert renders == ["render", "render"]
    assert fourth.changed == []


def test_a_run_killed_mid_publish_is_finished_and_announced_by_the_next(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Killed after two of its outputs were in place: the next run finishes the set,
    says it did, and announces what changed since the last complete run."""
    import os
    import shutil

    from tests.publish_worker import publish

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    publish(outputs, None, inputs)
    folder = outputs / "2023"
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0  # appraised 2.55 → 3.0: total 79.24 → 79.69
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))
    process = _worker("die-midway", str(outputs), "2", str(inputs))
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    runs_before = sorted((folder / "runs").iterdir())
    assert len(runs_before) == 1  # the killed run wrote no manifest of its own
    # a reader sees the old set or the new one: the summary still says 79.24 unless
    # the journal says a set is being published
    journal = folder / ".publishing.json"
    summary = json.loads((folder / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.24 or journal.is_file()

    written = publish(outputs, None, inputs)
    assert not journal.exists()
    assert not (folder / ".publishing").exists()
    assert written.changes[0].startswith("Lần chạy trước (")
    assert "bị dừng giữa lúc ghi kết quả: đã ghi nốt" in written.changes[0]
    assert written.changes[1:] == [
        "Tệp được nộp lại (nội dung khác): 2023/phong-tu-phap.xlsx (TP).",
        "Tổng điểm: 79,24 → 79,69.",
    ]
    manifest = json.loads(written.manifest.read_text("utf-8"))
    assert manifest["changes"] == written.changes
    assert manifest["repaired"]["files"]
    assert (
        json.loads((folder / "summary-2023.json").read_text("utf-8"))["total"] == 79.69
    )
    # every output is this run's: a run from scratch gives the same bytes
    fresh = tmp_path / "fresh"
    publish(fresh, None, inputs)
    for path in sorted(folder.rglob("*.xlsx")) + sorted(folder.glob("*.docx")):
        twin = fresh / "2023" / path.relative_to(folder)
        assert path.read_bytes() == twin.read_bytes(), path.name


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"total": 79.24, "tên": "Nội vụ"}', {"total": 79.24, "tên": "Nội vụ"}),
        # what json.dumps writes of a float that is not finite: read as before
        ('{"total": NaN, "delta": -Infinity}', {"total": NAN, "delta": -INF}),
        (
            '{"big": 123456789012345678901234567890}',
            {"big": 10**29 + 23456789012345678901234567890},
        ),
        ("[1, 2]", None),
        ('{"cut": ', None),
        ("", None),
    ],
)
def test_read_json_reads_what_json_wrote(
    tmp_path: Path, text: str, expected: dict[str, object] | None
) -> None:
    from parindex.publish.manifest import read_json

    path = tmp_path / "summary.json"
    path.write_text(text, encoding="utf-8")
    # compared as JSON text: NaN never equals itself
    assert json.dumps(read_json(path)) == json.dumps(expected)


def test_read_json_of_a_missing_or_undecodable_file(tmp_path: Path) -> None:
    from parindex.publish.manifest import read_json

    assert read_json(tmp_path / "none.json") is None
    (tmp_path / "latin.json").write_bytes(b'{"t\xean": 1}')
    assert read_json(tmp_path / "latin.json") is None

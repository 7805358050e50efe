"""Clean edges: a full disk, a dangling outputs link, no room for the lock, SIGTERM,
JSON numbers and errors, help and usage errors in Vietnamese."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex import pipeline
from parindex.cli import app
from parindex.errors import OutputInTheWay, OutputsNotWritable
from parindex.numbers import round2
from parindex.publish import files, outputs_lock, write_atomic

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()
FULL = "ổ đĩa đã đầy"


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (skipped where mount is refused)."""
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("mount is not allowed here: the monkeypatched tests cover ENOSPC")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _result(inputs: Path) -> tuple[pipeline.Result, pipeline.Ingested]:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(
        criteria, ingested, None, history, history_problems
    ), ingested


def test_a_disk_that_fills_up_while_writing_stops_with_the_reason(
    tmp_path: Path, sample_inputs: Path
) -> None:
    result, ingested = _result(sample_inputs)
    with small_disk(tmp_path / "disk", "160k") as outputs:
        with pytest.raises(OutputsNotWritable) as raised:
            pipeline.publish_outputs(
                result, ingested, sample_inputs, outputs, run_at=time.time()
            )
        assert str(raised.value).startswith("Không ghi được vào thư mục kết quả “")
        assert str(raised.value).endswith(f"”: {FULL}.")
        # the half-rendered set is removed (room is freed); nothing was moved
        assert not (outputs / "2023" / ".publishing").exists()
        assert not (outputs / "2023" / "scorecard-2023.xlsx").exists()


def test_template_on_a_full_disk_exits_2_in_vietnamese(
    tmp_path: Path, sample_inputs: Path
) -> None:
    with small_disk(tmp_path / "disk", "12k") as disk:
        result = runner.invoke(
            app, ["template", "--inputs", str(sample_inputs), "--out", str(disk)]
        )
    assert result.exit_code == 2
    assert FULL in result.output
    assert "Traceback" not in result.output


def test_enospc_wrapped_by_the_workbook_writer_is_a_full_disk(tmp_path: Path) -> None:
    from xlsxwriter.exceptions import FileCreateError

    def full(path: Path) -> None:
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    with pytest.raises(OutputsNotWritable) as raised:
        write_atomic(tmp_path / "scorecard.xlsx", full)
    assert (
        str(raised.value) == f"Không ghi được vào thư mục kết quả “{tmp_path}”: {FULL}."
    )
    assert list(tmp_path.iterdir()) == []  # no temporary file left


def test_no_room_for_the_lock_exits_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "open", no_room, raising=False)
    with pytest.raises(OutputsNotWritable) as raised, outputs_lock(tmp_path):
        pass
    assert (
        str(raised.value) == f"Không ghi được vào thư mục kết quả “{tmp_path}”: {FULL}."
    )


def test_a_dangling_outputs_link_is_named_as_such(
    tmp_path: Path, sample_inputs: Path
) -> None:
    link = tmp_path / "outputs"
    link.symlink_to(tmp_path / "mat-o-mang")
    result = runner.invoke(
        app,
        ["run", "--inputs", str(sample_inputs), "--outputs", str(link), "--json"],
    )
    assert result.exit_code == 2
    reason = f"đây là một liên kết (symlink) tới “{tmp_path / 'mat-o-mang'}”, nơi không tồn tại"
    assert json.loads(result.stdout) == {
        "error": f"Không ghi được vào thư mục kết quả “{link}”: {reason}.",
        "exit_code": 2,
    }
    assert "đây là một tệp" not in result.output


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (79.24000000000001, 79.24),
        (2.675, 2.68),
        (-0.125, -0.13),
        (54.855, 54.86),
        (7.0, 7.0),
    ],
)
def test_json_numbers_are_rounded_half_away_from_zero(
    value: float, rounded: float
) -> None:
    assert round2(value) == rounded


def test_run_json_prints_two_decimals_and_one_shape(
    tmp_path: Path, sample_inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.consolidate

    def fake_flow(**kwargs: object) -> dict[str, object]:
        return {"year": kwargs["year"], "total": 79.24000000000001, "changes": []}

    monkeypatch.setattr(
        flows.consolidate, "flow_with_runner", lambda *a, **k: fake_flow
    )
    common = ["--inputs", str(sample_inputs), "--outputs", str(tmp_path), "--json"]
    one = runner.invoke(app, ["run", "--year", "2023", *common])
    assert one.exit_code == 0, one.output
    assert '"total": 79.24,' in one.stdout
    assert json.loads(one.stdout)["total"] == 79.24
    every = runner.invoke(app, ["run", "--all", *common])
    assert every.exit_code == 0, every.output
    assert [o["year"] for o in json.loads(every.stdout)] == [2022, 2023]


def test_json_errors_are_json(sample_inputs: Path) -> None:
    result = runner.invoke(
        app, ["run", "--year", "1999", "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 2
    shown = json.loads(result.stdout)
    assert shown["exit_code"] == 2
    assert shown["error"].startswith("Không có thư mục")


@pytest.mark.parametrize("command", [[], ["run"], ["check"], ["serve"], ["template"]])
def test_help_is_vietnamese(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    for english in ("Usage:", "Options", "Show this message", "[default:", "[OPTIONS]"):
        assert english not in result.output
    assert "Cách dùng:" in result.output
    assert "Hiện hướng dẫn này" in result.output


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (
            ["run", "--yeer", "2023"],
            "Không có tùy chọn --yeer (có phải ý bạn là: --year?)",
        ),
        (
            ["run", "--year", "abc"],
            "Giá trị không hợp lệ cho '--year': cần một số nguyên",
        ),
        (["run", "--year"], "Tùy chọn '--year' cần một giá trị."),
        (["check"], "Thiếu đối số 'TỆP...'."),
        (["chay"], "Không có lệnh 'chay'."),
    ],
)
def test_usage_errors_are_vietnamese(arguments: list[str], said: str) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert said in result.output
    for english in ("Usage:", "No such", "Missing", "Input should", "Try ", "requires"):
        assert english not in result.output


@pytest.mark.parametrize(
    ("number", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")]
)
def test_sigterm_and_ctrl_c_leave_no_reader_running(number: int, name: str) -> None:
    """SIGTERM and Ctrl-C end the command the same way: a sentence, clean-up (the
    reader child is killed by the parent's ``finally``), exit status 128 + signal."""
    script = (
        "import os, signal, time\n"
        "from parindex import cli\n"
        "from parindex.ingest.isolate import run_isolated\n"
        "for number in (signal.SIGINT, signal.SIGTERM):\n"
        "    signal.signal(number, cli._terminate)\n"
        "def work(job):\n"
        "    print('child', os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "run_isolated([1], work)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline().split()[1])
    parent.send_signal(number)
    _, errors = parent.communicate(timeout=20)
    assert parent.returncode == 128 + number
    assert errors == (
        f"Đã dừng theo yêu cầu ({name}). Kết quả đang có vẫn dùng được; nếu đang "
        "ghi dở, lần chạy sau sẽ ghi nốt.\n"
    )
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(child, 0)
            time.sleep(0.1)


def test_archive_all_keeps_each_content_once(tmp_path: Path) -> None:
    """Submissions are archived under their hash, once per content: one already
    there (or anything in its way under that name) is left as it is, the
    others are written; the paths come back in order."""
    import hashlib
    import os

    from parindex.publish.files import archive_all

    folder = tmp_path / "archive" / "2023"
    contents = [b"first", b"second", b"first"]
    digests = [hashlib.sha256(c).hexdigest() for c in contents]
    folder.mkdir(parents=True)
    kept = folder / f"{digests[1]}.xlsx"
    kept.write_bytes(b"second")
    os.utime(kept, (1_000_000_000, 1_000_000_000))
    paths = archive_all(
        [(c, ".XLSX", d) for c, d in zip(contents, digests, strict=True)], folder
    )
    assert paths == [folder / f"{d}.xlsx" for d in digests]
    assert kept.stat().st_mtime == 1_000_000_000  # not written again
    assert (folder / f"{digests[0]}.xlsx").read_bytes() == b"first"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{d}.xlsx" for d in set(digests)
    )
    # a folder not there yet is made
    assert archive_all([(b"x", ".ods", "ab")], tmp_path / "new") == [
        tmp_path / "new" / "ab.ods"
    ]
    assert (tmp_path / "new" / "ab.ods").read_bytes() == b"x"


def test_run_all_json_stopped_by_a_later_year_keeps_the_years_done(
    tmp_path: Path, sample_inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run --all --json`` whose 2023 was stopped (its outputs in the way)
    printed only the error: the completed 2022 was not in its answer (blind
    round 19). The list holds each year done, then the year that stopped it."""
    import flows.consolidate

    def fake_flow(**kwargs: object) -> dict[str, object]:
        if kwargs["year"] == 2023:
            raise OutputInTheWay("“outputs/2023” đang chắn chỗ.")
        return {"year": kwargs["year"], "total": 72.1, "changes": []}

    monkeypatch.setattr(
        flows.consolidate, "flow_with_runner", lambda *a, **k: fake_flow
    )
    common = ["--inputs", str(sample_inputs), "--outputs", str(tmp_path), "--json"]
    every = runner.invoke(app, ["run", "--all", *common])
    assert every.exit_code == 2, every.output
    assert json.loads(every.stdout) == [
        {"year": 2022, "total": 72.1, "changes": []},
        {"year": 2023, "error": "“outputs/2023” đang chắn chỗ.", "exit_code": 2},
    ]
    assert every.stderr == "Lỗi: “outputs/2023” đang chắn chỗ.\n"

"""A night refused before its flow starts (the inputs folder missing or empty,
the configured Prefect server not answering, SIGTERM while the command is still
starting) leaves a true record: ``runs/`` holds it (state, the Vietnamese
reason, the exit status, ``before_start``) and ``TRANG-THAI.txt`` says this night
did not run, why, and which complete run the files come from. The outputs, the
nothing-new fingerprint and the next night's comparison are untouched: they read
completed runs only.

What was seen (blind set, s6/s7/i1/i2/k1): exit 2 and the right line, but
nothing in runs/ and TRANG-THAI.txt still showing last night's HOÀN THÀNH; a
missing inputs folder was said to have "no year folder"; SIGTERM in the first
second ended the process with -15 and no word.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex import messages, night
from parindex import run_record as record
from parindex.cli import app
from parindex.publish import manifest

BIN = Path(sys.executable).parent
LAST = "20261201T180000000000Z-111.json"


def _last_night(outputs: Path) -> dict[str, object]:
    """outputs/2023 as a completed night left it (its manifest and status page)."""
    runs = outputs / "2023" / "runs"
    runs.mkdir(parents=True)
    document = {
        "run_at": "2026-12-02T01:00:00+07:00",
        "year": 2023,
        "fingerprint": "abc",
        "figures": {"total": 79.24, "status": "final"},
        "problems": {"errors": 0, "warnings": 1},
        "inputs": [],
        "outputs": [{"file": str(outputs / "2023" / "x.xlsx"), "sha256": "0"}],
        "changes": [],
    }
    (runs / LAST).write_bytes(manifest.manifest_bytes(document))
    (outputs / "2023" / "TRANG-THAI.txt").write_text("Kết quả: HOÀN THÀNH\n")
    return document


def _check_refused(outputs: Path, error: str, exit_code: int, state: str) -> None:
    runs = outputs / "2023" / "runs"
    records = record.read_records(runs)
    assert [p.name for p, _ in records][0] == LAST
    (path, document) = records[-1]
    assert len(records) == 2
    assert document["state"] == state
    assert document["error"] == error
    assert document["exit_code"] == exit_code
    assert document["before_start"] is True
    assert document["outputs"] == []
    # the nothing-new comparison and the previous set still read last night
    last = record.last_completed(runs)
    assert last is not None and last[0].name == LAST
    assert manifest.last_run(outputs / "2023")["fingerprint"] == "abc"  # type: ignore[index]
    assert night._last_run(outputs / "2023")["fingerprint"] == "abc"  # type: ignore[index]
    label = "BỊ GIÁN ĐOẠN" if state == "crashed" else "THẤT BẠI"
    lines = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert lines[4] == f"Kết quả: {label}: {error}"
    assert lines[6] == f"Biên bản lần chạy: runs/{path.name}"
    assert lines[8] == messages.STATUS_NOT_RUN.format(exit_code=exit_code)
    assert lines[10] == messages.STATUS_FILES_FROM.format(
        when="02/12/2026 01:00:00",
        total="79,24",
        errors=0,
        warnings=1,
        manifest=f"runs/{LAST}",
    )


def test_a_missing_inputs_folder_is_said_and_recorded(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    _last_night(outputs)
    inputs = tmp_path / "inputs"
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs)]
    )
    error = messages.INPUTS_FOLDER_MISSING.format(folder=inputs)
    assert result.exit_code == 2
    assert result.output == f"Lỗi: {error}\n"
    _check_refused(outputs, error, 2, "failed")


def test_an_empty_inputs_folder_is_recorded(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    _last_night(outputs)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    )
    error = messages.NO_YEAR_FOLDERS.format(folder=inputs)
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"error": error, "exit_code": 2}
    _check_refused(outputs, error, 2, "failed")


def test_nothing_is_written_where_there_is_no_outputs_folder(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(tmp_path / "in"), "--outputs", str(outputs)]
    )
    assert result.exit_code == 2
    assert not outputs.exists()


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    env["PARINDEX_SERVER_HOME"] = str(tmp_path / "server-home")
    return env


def test_a_configured_server_not_answering_is_recorded(
    tmp_path: Path, sample_inputs: Path
) -> None:
    outputs = tmp_path / "out"
    _last_night(outputs)
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens
    result = subprocess.run(
        [str(BIN / "parindex"), "run", "--inputs", str(sample_inputs)]
        + ["--outputs", str(outputs), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("Lỗi: Không kết nối được máy chủ Prefect tại ")
    _check_refused(outputs, line.removeprefix("Lỗi: "), 2, "failed")


def _wait_for_handler(pid: int, signum: int, timeout: float = 60.0) -> None:
    """Until process ``pid`` catches ``signum`` (``SigCgt`` of its
    ``/proc/<pid>/status``): a fixed sleep sent the signal before Python had
    started on a loaded machine, which no program can answer."""
    deadline = time.monotonic() + timeout
    status = Path(f"/proc/{pid}/status")
    while time.monotonic() < deadline:
        caught = next(
            (
                int(line.split()[1], 16)
                for line in status.read_text().splitlines()
                if line.startswith("SigCgt:")
            ),
            0,
        )
        if caught >> (signum - 1) & 1:
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} never caught signal {signum}")


def test_sigterm_while_the_command_starts_is_one_line_143_and_a_record(
    tmp_path: Path, sample_inputs: Path
) -> None:
    outputs = tmp_path / "out"
    _last_night(outputs)
    process = subprocess.Popen(
        [str(BIN / "parindex"), "run", "--inputs", str(sample_inputs)]
        + ["--outputs", str(outputs), "--year", "2023"],
        env=_clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_handler(process.pid, signal.SIGTERM)  # then importing the rest
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert stderr == messages.INTERRUPTED.format(signal="SIGTERM") + "\n"
    assert stdout == ""
    _check_refused(
        outputs, messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM"), 143, "crashed"
    )


@pytest.mark.parametrize("year", [None, 2023])
def test_the_year_of_a_refused_night(tmp_path: Path, year: int | None) -> None:
    _last_night(tmp_path)
    (tmp_path / "2021" / "runs").mkdir(parents=True)
    (tmp_path / "2024").mkdir()  # no records: not the office's page
    assert record.refused_year(tmp_path, year) == 2023
    assert record.refused_year(tmp_path / "none", None) is None


@pytest.mark.parametrize("as_json", [False, True])
def test_sigterm_while_waiting_for_the_server_is_recorded(
    tmp_path: Path, sample_inputs: Path, as_json: bool
) -> None:
    """After the command line took over, before the flow: the configured server
    accepts the connection and never answers; SIGTERM while it is waited for.
    With ``--json``, the sentence is also the JSON object on stdout (it printed
    nothing there: a nightly script read an empty answer)."""
    import socket

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen()
    outputs = tmp_path / "out"
    _last_night(outputs)
    env = _clean_env(tmp_path)
    env["PREFECT_API_URL"] = f"http://127.0.0.1:{hung.getsockname()[1]}/api"
    try:
        process = subprocess.Popen(
            [str(BIN / "parindex"), "run", "--inputs", str(sample_inputs)]
            + ["--outputs", str(outputs)]
            + (["--json"] if as_json else []),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # its connection: it is checking
            try:
                connection, _ = hung.accept() if _ready(hung) else (None, None)
            except OSError:
                connection = None
            if connection is not None:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        hung.close()
    assert process.returncode == 143, stderr
    line = messages.INTERRUPTED.format(signal="SIGTERM")
    assert stderr == line + "\n"
    if as_json:
        assert json.loads(stdout) == {"error": line, "exit_code": 143}
    else:
        assert stdout == ""
    _check_refused(
        outputs, messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM"), 143, "crashed"
    )


def _ready(server: object) -> bool:
    import select

    readable, _, _ = select.select([server], [], [], 0)
    return bool(readable)


def test_something_in_the_way_of_an_output_is_recorded(tmp_path: Path) -> None:
    """Blind set o2/o3: a folder where a department workbook goes refuses the night
    before Prefect starts; the folder itself can be written, so the night is recorded
    (a read-only or full outputs folder cannot be, and is not)."""
    outputs = tmp_path / "out"
    _last_night(outputs)
    blocker = outputs / "2023" / "departments" / "CQ-2023.xlsx"
    blocker.mkdir(parents=True)
    (blocker / "ghi-chu.txt").write_text("ghi chú của văn phòng\n", "utf-8")
    inputs = Path(__file__).resolve().parents[1] / "inputs"
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error == messages.OUTPUT_IN_THE_WAY.format(
        path=blocker, reason=messages.OUTPUT_IN_THE_WAY_FOLDER
    )
    _check_refused(outputs, error, 2, "failed")
    assert (blocker / "ghi-chu.txt").read_text("utf-8") == "ghi chú của văn phòng\n"


IMPORT_HOOK = """
import os, signal, sys

class _SignalInside:
    '''Sends SIGTERM to this process when the named module starts importing:
    the handler then runs inside that import, every time.'''

    def __init__(self, name):
        self.name = name
        self.sent = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name and not self.sent:
            self.sent = True
            os.kill(os.getpid(), signal.SIGTERM)
        return None

_NAME = os.environ.get("PARINDEX_TEST_SIGNAL_IN_IMPORT")
if _NAME:
    sys.meta_path.insert(0, _SignalInside(_NAME))
"""


def signalled_in_import(
    tmp_path: Path, module: str, arguments: list[str]
) -> subprocess.CompletedProcess[str]:
    """``parindex <arguments>``, sent SIGTERM inside the import of ``module``
    (``IMPORT_HOOK``)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(IMPORT_HOOK, "utf-8")
    env = _clean_env(tmp_path)
    env["PYTHONPATH"] = str(hooks)
    env["PARINDEX_TEST_SIGNAL_IN_IMPORT"] = module
    return subprocess.run(
        [str(BIN / "parindex"), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "module",
    [
        "polars.dataframe",
        "polars._reexport",
        "polars.datatypes",
        "polars.expr.expr",
        "typer",
    ],
)
def test_sigterm_inside_an_import_of_the_command_line_is_recorded(
    tmp_path: Path, sample_inputs: Path, module: str
) -> None:
    """A signal that lands inside the import of polars (or of any module of the
    command line) once left that import half done: recording the night then
    imported polars again, failed, and the record was silently missing."""
    outputs = tmp_path / "out"
    _last_night(outputs)
    result = signalled_in_import(
        tmp_path,
        module,
        ["run", "--inputs", str(sample_inputs), "--outputs", str(outputs)]
        + ["--year", "2023"],
    )
    assert result.returncode == 143, result.stderr
    assert result.stderr == messages.INTERRUPTED.format(signal="SIGTERM") + "\n"
    _check_refused(
        outputs, messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM"), 143, "crashed"
    )


def test_sigterm_inside_an_import_with_json_prints_the_json_object(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """``--json`` promises JSON on stdout whenever the command stops: a signal in
    the first second (inside the import of the command line) printed nothing
    there."""
    outputs = tmp_path / "out"
    _last_night(outputs)
    result = signalled_in_import(
        tmp_path,
        "polars.expr.expr",
        ["run", "--inputs", str(sample_inputs), "--outputs", str(outputs)]
        + ["--year", "2023", "--json"],
    )
    line = messages.INTERRUPTED.format(signal="SIGTERM")
    assert result.returncode == 143, result.stderr
    assert result.stderr == line + "\n"
    assert json.loads(result.stdout) == {"error": line, "exit_code": 143}
    _check_refused(
        outputs, messages.RUN_STOPPED_BY_SIGNAL.format(signal="SIGTERM"), 143, "crashed"
    )

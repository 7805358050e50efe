"""parindex cannot start its own Prefect server (the program it runs cannot be
executed by this user, its folder cannot be written): exit status 2 and one
Vietnamese sentence, as documented, never a traceback.

What was seen (blind set, side observation): run as a user who cannot execute
the venv's python, ``PermissionError`` from ``server._launch`` as a rich
traceback, exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex import messages, server
from parindex.cli import app
from parindex.server import ServerNotStarted


@pytest.fixture()
def not_executable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    program = tmp_path / "python"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o644)  # root too cannot execute a file without an x bit
    monkeypatch.setattr(sys, "executable", str(program))
    return program


def test_a_server_program_that_cannot_be_executed_is_a_sentence(
    tmp_path: Path, not_executable: Path
) -> None:
    home = tmp_path / "home"
    with pytest.raises(ServerNotStarted) as raised:
        server.ensure_server(home=home, startup_seconds=1)
    assert str(raised.value) == messages.SERVER_NOT_STARTED.format(
        home=home,
        reason=messages.SERVER_CANNOT_LAUNCH.format(
            program=not_executable, reason="Permission denied"
        ),
    )
    assert not (home / server.STATE_FILE).exists()


def test_server_start_says_it_and_exits_2(
    tmp_path: Path, not_executable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv(server.HOME_VARIABLE, str(home))
    result = CliRunner().invoke(app, ["server", "start"])
    assert result.exit_code == 2
    reason = messages.SERVER_CANNOT_LAUNCH.format(
        program=not_executable, reason="Permission denied"
    )
    assert result.output.endswith(
        "Lỗi: " + messages.SERVER_NOT_STARTED.format(home=home, reason=reason) + "\n"
    )
    assert "Traceback" not in result.output

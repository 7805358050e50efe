"""A flow run's process killed under ``parindex serve`` (blind round 17, N7): the
runner's English message ("Process exited with status code: -9. …") was the
record's error and the Vietnamese status page's line."""

from __future__ import annotations

from prefect.states import Crashed

from flows.consolidate import _error_of

KILLED = (
    "Process exited with status code: -9. Process exited due to a SIGKILL signal. "
    "Typically caused by the operating system terminating the process for "
    "exceeding memory limits, or by a user manually killing the process."
)


def test_a_process_killed_by_a_signal_is_said_in_vietnamese() -> None:
    assert _error_of(Crashed(message=KILLED)) == (
        "đã bị dừng bằng tín hiệu SIGKILL trước khi xong."
    )


def test_a_process_that_exited_with_an_error_code_is_said_in_vietnamese() -> None:
    message = "Process exited with status code: 1. Process exited with a general error."
    assert _error_of(Crashed(message=message)) == (
        "tiến trình chạy đã dừng với mã thoát 1 trước khi xong (Prefect: Process "
        "exited with status code: 1. Process exited with a general error.)."
    )

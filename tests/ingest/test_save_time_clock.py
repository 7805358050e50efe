"""The save-time tie-break trusts a recorded save time against the run's own clock
(the ``now`` discovery uses), not the wall clock: the pure rule is driven by its
inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from parindex.ingest.discover import DroppedFile
from parindex.ingest.read import SubmissionRead
from parindex.ingest.winners import _by_save_time

UTC = dt.UTC
SAVED = {
    "2023/a.xlsx": dt.datetime(2024, 1, 10, 8, 0, tzinfo=UTC),
    "2023/b.xlsx": dt.datetime(2024, 1, 10, 9, 0, tzinfo=UTC),
}


def _read(name: str) -> SubmissionRead:
    entry = DroppedFile(Path(name), name, 10, 1.0e9, "candidate")
    return SubmissionRead(entry, sha256=name)


def _saved_at(read: SubmissionRead) -> dt.datetime | None:
    return SAVED[read.file.name]


def test_a_save_time_after_the_runs_clock_is_not_trusted() -> None:
    tied = [_read("2023/a.xlsx"), _read("2023/b.xlsx")]
    # the run's clock: b's save is 40 minutes in the future (beyond 5 min of slack)
    now = dt.datetime(2024, 1, 10, 8, 20, tzinfo=UTC).timestamp()
    assert _by_save_time(tied, _saved_at, now) is None
    # within the slack it is trusted, and the later save wins
    now = dt.datetime(2024, 1, 10, 8, 56, tzinfo=UTC).timestamp()
    found = _by_save_time(tied, _saved_at, now)
    assert found is not None
    assert found[0].file.name == "2023/b.xlsx"
    assert found[1] == SAVED
    # a run whose clock is days later (a night replayed on old files): the same
    now = dt.datetime(2024, 3, 1, tzinfo=UTC).timestamp()
    assert _by_save_time(tied, _saved_at, now) == (tied[1], SAVED)

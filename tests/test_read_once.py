"""Bytes read = bytes archived = bytes hashed: each file is read once; a file that
changes or vanishes after it was read is archived as read, and never stops the run."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from parindex import messages, pipeline
from parindex.ingest import safety
from parindex.ingest.safety import ChangedWhileReading, read_snapshot


def _ingest(inputs: Path) -> tuple[pipeline.Result, pipeline.Ingested]:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    return result, ingested


@pytest.mark.parametrize("event", ["replaced", "deleted"])
def test_a_file_that_changes_after_it_was_read_is_archived_as_read(
    event: str, tmp_path: Path, sample_inputs: Path
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    read_bytes = tp.read_bytes()
    result, ingested = _ingest(inputs)
    if event == "replaced":  # the department drops a new version meanwhile
        tp.write_bytes((inputs / "2023" / "phong-noi-vu.xlsx").read_bytes())
    else:
        tp.unlink()
    written = pipeline.publish_outputs(
        result,
        ingested,
        inputs,
        outputs,
        run_at=time.time(),
        created=dt.datetime(2024, 1, 1),
    )
    digest = hashlib.sha256(read_bytes).hexdigest()
    archived = outputs / "archive" / "2023" / f"{digest}.xlsx"
    assert archived in written.archived
    assert archived.read_bytes() == read_bytes
    for path in written.archived:  # every archived file is named by its own hash
        assert path.stem == hashlib.sha256(path.read_bytes()).hexdigest()
    row = ingested.submissions.filter(
        ingested.submissions["file"] == "2023/phong-tu-phap.xlsx"
    )
    assert row["sha256"].to_list() == [digest]


def test_a_file_written_while_it_is_read_is_left_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 first")
    real = os.fstat
    calls: list[int] = []

    def growing(descriptor: int) -> os.stat_result:
        stat = real(descriptor)
        calls.append(1)
        if len(calls) == 2:  # the second look, after reading: it grew meanwhile
            values = list(stat)
            values[6] += 10  # st_size
            return os.stat_result(values)
        return stat

    monkeypatch.setattr(safety.os, "fstat", growing)
    with pytest.raises(ChangedWhileReading):
        read_snapshot(path)
    monkeypatch.setattr(safety.os, "fstat", real)
    snapshot = read_snapshot(path)
    assert (snapshot.content, snapshot.size) == (b"PK\x03\x04 first", 10)


def test_a_file_changed_while_read_is_pending_with_a_warning(
    tmp_path: Path, sample_inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.ingest import read as read_module

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    real = read_module.read_snapshot

    def torn(path: Path) -> safety.Snapshot:
        if path.name == "phong-tu-phap.xlsx":
            raise ChangedWhileReading(str(path))
        return real(path)

    monkeypatch.setattr(read_module, "read_snapshot", torn)
    _, ingested = _ingest(inputs)
    row = ingested.submissions.filter(
        ingested.submissions["file"] == "2023/phong-tu-phap.xlsx"
    ).select("status", "sha256", "note")
    assert row.rows() == [("pending", None, messages.FILE_CHANGED_WHILE_READING)]
    warned = ingested.problems.filter(
        ingested.problems["file"] == "2023/phong-tu-phap.xlsx"
    )
    assert warned.select("severity", "message").rows() == [
        ("warning", messages.FILE_CHANGED_WHILE_READING)
    ]

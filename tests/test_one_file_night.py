"""What a night where one file changed spends outside the renderers gives what it
gave before: the creation dates of the department workbooks, the journal of a
publish."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from parindex.criteria import criteria_set_for_year
from parindex.ingest.collect import ingest_year
from parindex.publish import outputs as outputs_module
from parindex.publish.outputs import creation_time, creation_times

YEAR = 2023


def test_creation_times_are_each_departments_creation_time(
    sample_inputs: Path,
) -> None:
    criteria = criteria_set_for_year(sample_inputs / "criteria", YEAR)
    ingested = ingest_year(sample_inputs, YEAR, criteria, time.time())
    codes = [d.code for d in criteria.departments]
    # a department without files of its own takes the newest of every file
    codes.append("KHONG-CO-TEP")
    # distinct modification times, so that a mix-up shows
    names = list(ingested.mtimes)
    mtimes = {name: 1_700_000_000.0 + 86_400 * i for i, name in enumerate(names)}
    ingested = dataclasses.replace(ingested, mtimes=mtimes)
    found = creation_times(ingested, codes)
    assert list(found) == codes
    assert found == {code: creation_time(ingested, code) for code in codes}
    assert len(set(found.values())) >= 6
    assert found["KHONG-CO-TEP"] == creation_time(ingested)


def test_the_journal_is_json_read_back_whole() -> None:
    journal = {
        "run_at": "2024-01-01T08:00:00+07:00",
        "moves": ["summary-2023.json"],
        "document": {"outputs": [{"file": "a", "sha256": None, "changed": True}]},
        "previous_summary": {"total": 79.24, "name": "Phòng Nội vụ", "x": [1.5, None]},
    }
    written = outputs_module._journal_bytes(journal)
    assert written.endswith(b"\n")
    assert json.loads(written) == journal
    assert "Phòng Nội vụ".encode() in written  # UTF-8, not escaped

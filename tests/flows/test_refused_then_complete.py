"""A night refused before its flow started (the inputs share not mounted: no
year given, none known), then a complete night: the complete night lists the
refused one among the nights that did not complete since the last complete one
(blind round 17, N4), on its page and in ``since_last_complete``."""

from __future__ import annotations

import shutil
import time
from pathlib import Path


def test_the_next_complete_night_lists_a_night_refused_before_it_started(
    prefect_harness: None, sample_inputs: Path, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate_flow
    from parindex import run_record as record

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    consolidate_flow(inputs=str(inputs), outputs=str(outputs))
    refused = record.record_refused_night(
        outputs,
        record.refused_year(outputs, None),
        error="Không có thư mục đầu vào “inputs”.",
        exit_code=2,
        now=time.time(),
    )
    outcome = consolidate_flow(inputs=str(inputs), outputs=str(outputs))
    assert len(outcome["since_last_complete"]) == 1
    line = outcome["since_last_complete"][0]
    assert f"runs/{refused.name}" in line
    assert line.endswith(": Không có thư mục đầu vào “inputs”.")
    page = (outputs / "2023" / "TRANG-THAI.txt").read_text("utf-8")
    assert f"runs/{refused.name}" in page

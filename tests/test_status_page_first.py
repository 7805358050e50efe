"""A status page that cannot be replaced (blind round 17, N5: ``TRANG-THAI.txt``
made immutable): the night's outputs were already published and its complete
record written when the page failed, then the night was recorded failed "with
no outputs": two records contradicting each other, and a page naming neither.
Now the page is written once everything is staged, before anything moves
(``publish_outputs(announce=...)``): a page that cannot be written stops the
night with the last set of outputs whole, and the files in the folder are still
those of the last complete record."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from parindex import pipeline
from parindex import run_record as record


def _result(
    inputs: Path, now: float
) -> tuple[pipeline.AnalysedResult, pipeline.Ingested]:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    return result, ingested


def _lose_a_point(inputs: Path) -> None:
    form = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(form)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_col=5, max_col=5):
        if isinstance(row[0].value, (int, float)) and row[0].value > 0:
            row[0].value = 0
            break
    workbook.save(form)


def _files_match(last: dict[str, object]) -> bool:
    outputs = last["outputs"]
    assert isinstance(outputs, list)
    return all(
        hashlib.sha256(Path(o["file"]).read_bytes()).hexdigest() == o["sha256"]
        for o in outputs
    )


def test_the_page_is_announced_before_the_outputs_move(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    now = time.time()
    result, ingested = _result(inputs, now)
    seen: list[tuple[list[str], Path, bool]] = []
    scorecard = outputs / "2023" / "scorecard-2023.xlsx"

    def announce(changes: list[str], manifest: Path) -> None:
        seen.append((changes, manifest, scorecard.exists()))

    written = pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=now, announce=announce
    )
    assert seen == [(written.changes, written.manifest, False)]


def test_a_page_that_cannot_be_written_stops_the_night_before_it_publishes(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    now = time.time()
    result, ingested = _result(inputs, now)
    first = pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=now)
    before = (outputs / "2023" / "scorecard-2023.xlsx").read_bytes()
    _lose_a_point(inputs)
    result, ingested = _result(inputs, now + 60)

    def announce(changes: list[str], manifest: Path) -> None:
        raise PermissionError(1, "Operation not permitted", "TRANG-THAI.txt")

    with pytest.raises(PermissionError):
        pipeline.publish_outputs(
            result, ingested, inputs, outputs, run_at=now + 60, announce=announce
        )
    assert (outputs / "2023" / "scorecard-2023.xlsx").read_bytes() == before
    last = record.last_completed(outputs / "2023" / "runs")
    assert last is not None and last[0] == first.manifest
    assert _files_match(last[1])

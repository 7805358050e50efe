"""A machine whose clock was set back (blind round 17, N2): the run records are
named by their time and read in the order of their names, so a night run with
the clock two days back wrote a record sorting before the last good night's.
``TRANG-THAI.txt`` then named that older run as the source of the files in the
folder, and the next night, comparing with the older run's record, said the
outputs had been edited by someone. Records now sort in the order written."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from parindex import pipeline
from parindex import run_record as record
from parindex.province.status import record_path
from parindex.publish.manifest import manifest_path
from parindex.publish.outputs import Written
from tests.test_status_page_first import _lose_a_point, _result

TWO_DAYS = 2 * 86400.0


def test_a_record_named_with_the_clock_set_back_sorts_after_the_others(
    tmp_path: Path,
) -> None:
    now = time.time()
    first = manifest_path(tmp_path, now)
    first.parent.mkdir(parents=True)
    first.write_text("{}")
    province = record_path(tmp_path, now + 5.0)
    province.write_text("{}")
    back = manifest_path(tmp_path, now - TWO_DAYS)
    back.write_text("{}")
    assert back.name > first.name
    assert back.name.removeprefix("province-") > province.name.removeprefix("province-")
    assert record_path(tmp_path, now - TWO_DAYS).name.removeprefix("province-") > (
        back.name
    )
    # with the clock right, a record has the time it was written
    assert manifest_path(tmp_path, now + 60.0).name.startswith(
        time.strftime("%Y%m%dT%H%M", time.gmtime(now + 60.0))
    )


def _night(inputs: Path, outputs: Path, run_at: float) -> Written:
    result, ingested = _result(inputs, run_at)
    return pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=run_at)


def test_a_night_with_the_clock_set_back_is_the_last_one(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    outputs = tmp_path / "outputs"
    now = time.time()
    _night(inputs, outputs, now)
    _lose_a_point(inputs)  # the second night's figures differ
    second = _night(inputs, outputs, now - TWO_DAYS)
    last = record.last_completed(outputs / "2023" / "runs")
    assert last is not None and last[0] == second.manifest
    # the clock right again: the outputs are as the second night wrote them
    third = _night(inputs, outputs, now + 60.0)
    assert not any("sửa hoặc xóa" in line for line in third.changes)
    # compared with the second night: the same total (the first night's was higher)
    assert not any(line.startswith("Tổng điểm") for line in third.changes)


def test_a_night_with_nothing_new_and_the_clock_set_back_is_the_last_one(
    tmp_path: Path, sample_inputs: Path
) -> None:
    from parindex import night

    outputs = tmp_path / "outputs"
    now = time.time()
    result, ingested = _result(sample_inputs, now)
    print_ = night.fingerprint(sample_inputs, 2023, now, 0.0)
    first = pipeline.publish_outputs(
        result, ingested, sample_inputs, outputs, run_at=now, fingerprint=print_
    )
    repeated = night.repeat_last_run(outputs, 2023, print_, now - TWO_DAYS)
    assert repeated is not None
    assert repeated.manifest.name > first.manifest.name
    last = record.last_completed(outputs / "2023" / "runs")
    assert last is not None and last[0] == repeated.manifest


def test_a_file_in_the_future_is_said_alike_on_every_night(tmp_path: Path) -> None:
    """Blind round 18b, C3: the warning on a file whose time is later than the
    run's held the run's own time, so every night with nothing new said the
    warnings had changed, and wrote the outputs again."""
    from parindex.ingest.discover import discover

    folder = tmp_path / "2023"
    folder.mkdir()
    form = folder / "phong-noi-vu.xlsx"
    form.write_bytes(b"x")
    now = time.time()
    import os

    os.utime(form, (now + 86400, now + 86400))
    first = discover(folder, 2023, now, 0.0)[0].warning
    second = discover(folder, 2023, now + 60, 0.0)[0].warning
    assert first is not None and first == second

"""A night with nothing new repeats the last run without reading anything; any
change to what a run reads (or to an output) makes the run do its work."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from parindex import night, pipeline
from parindex.changes import NOTHING_CHANGED

YEAR = 2023


def _publish(inputs: Path, outputs: Path, print_: str | None) -> pipeline.Written:
    criteria = pipeline.load_criteria(inputs, YEAR)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, YEAR, criteria, time.time())
    previous = pipeline.consolidate_previous(inputs, YEAR, time.time())
    result = pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )
    return pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=time.time(), fingerprint=print_
    )


def _print(inputs: Path) -> str:
    return night.fingerprint(inputs, YEAR, time.time(), 0.0)


@pytest.fixture()
def published(tmp_path: Path, sample_inputs: Path) -> tuple[Path, Path]:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    _publish(inputs, outputs, _print(inputs))
    return inputs, outputs


def _outputs(outputs: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes()
        for p in (outputs / "2023").rglob("*")
        if p.is_file() and "runs" not in p.parts
    }


def test_a_night_with_nothing_new_is_recorded_without_reading(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, outputs = published
    before = _outputs(outputs)
    last = json.loads(
        sorted((outputs / "2023" / "runs").glob("*.json"))[-1].read_text("utf-8")
    )

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("nothing must be read")

    monkeypatch.setattr(pipeline, "load_criteria", no_reading)
    # a later night (run times are kept to the second)
    repeated = night.repeat_last_run(outputs, YEAR, _print(inputs), time.time() + 5)
    assert repeated is not None
    runs = sorted((outputs / "2023" / "runs").glob("*.json"))
    assert len(runs) == 2 and runs[-1] == repeated.manifest
    document = json.loads(repeated.manifest.read_text("utf-8"))
    assert document["changes"] == [NOTHING_CHANGED]
    assert document["repeated"] is True
    assert [o["changed"] for o in document["outputs"]] == [False] * 10
    assert document["figures"] == last["figures"]
    assert document["figures"]["total"] == 79.24
    assert document["inputs"] == last["inputs"]
    assert document["run_at"] != last["run_at"]
    assert _outputs(outputs) == before


def _touch(path: Path) -> None:
    moment = time.time() + 10
    os.utime(path, (moment, moment))


def _rewrite_in_place(path: Path) -> None:
    """Other bytes, the same size and modification time."""
    stat = path.stat()
    path.write_bytes(bytes(reversed(path.read_bytes())))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size


CHANGES: dict[str, Callable[[Path, Path], None]] = {
    "a submission of the year touched": lambda i, _o: _touch(
        i / "2023" / "phong-tu-phap.xlsx"
    ),
    "a submission of the previous year rewritten, same size and time": lambda i, _o: (
        _rewrite_in_place(i / "2022" / "phong-noi-vu.xlsx")
    ),
    "a new file in the drop folder": lambda i, _o: (
        shutil.copy2(
            i / "2023" / "phong-noi-vu.xlsx", i / "2023" / "phong-noi-vu-ban-moi.xlsx"
        )
        and None
    ),
    "a file removed": lambda i, _o: (i / "2023" / "phong-tu-phap.xlsx").unlink(),
    "another criteria workbook": lambda i, _o: (
        shutil.copy2(
            i / "criteria" / "lai-chau-2022.xlsx", i / "criteria" / "lai-chau-2024.xlsx"
        )
        and None
    ),
    "the history rewritten, same size and time": lambda i, _o: _rewrite_in_place(
        i / "history.xlsx"
    ),
    "an output edited by hand": lambda _i, o: (
        o / "2023" / "departments" / "VP-2023.xlsx"
    ).write_bytes(b"edited"),
    "the unit's settings edited": lambda i, _o: (i / "don-vi.toml").write_text(
        (i / "don-vi.toml").read_text("utf-8").replace("Phong Thổ", "Tam Đường"),
        "utf-8",
    ),
    "the unit's settings removed": lambda i, _o: (i / "don-vi.toml").unlink(),
    "an output deleted": lambda _i, o: (o / "2023" / "summary-2023.md").unlink(),
    "the archive deleted": lambda _i, o: shutil.rmtree(o / "archive"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_makes_the_run_do_its_work(
    change: str, published: tuple[Path, Path]
) -> None:
    inputs, outputs = published
    CHANGES[change](inputs, outputs)
    assert night.repeat_last_run(outputs, YEAR, _print(inputs), time.time()) is None
    assert len(list((outputs / "2023" / "runs").glob("*.json"))) == 1


def test_a_new_version_of_parindex_does_its_work(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, outputs = published
    monkeypatch.setattr(night, "code_version", lambda: "parindex 9.9")
    assert night.repeat_last_run(outputs, YEAR, _print(inputs), time.time()) is None


def test_a_file_changed_while_a_run_reads_is_read_again_the_next_night(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """The fingerprint is taken before reading: a file replaced after it (while the
    run reads) gives the next night another fingerprint, so the run is not
    repeated with outputs made from either version."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    print_ = _print(inputs)
    _touch(inputs / "2023" / "phong-tu-phap.xlsx")  # during the run
    _publish(inputs, outputs, print_)
    assert night.repeat_last_run(outputs, YEAR, _print(inputs), time.time()) is None
    # the run after that one recorded tonight's print: the next night repeats it
    _publish(inputs, outputs, _print(inputs))
    assert night.repeat_last_run(outputs, YEAR, _print(inputs), time.time()) is not None


def test_a_run_without_a_fingerprint_is_never_repeated(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    _publish(inputs, outputs, None)
    assert night.repeat_last_run(outputs, YEAR, _print(inputs), time.time()) is None


def test_a_file_dated_in_the_future_is_seen_again_once_its_time_has_come(
    published: tuple[Path, Path],
) -> None:
    """A file whose time is in the future is reported, and not trusted to order
    versions: once that time has passed, the same folder reads otherwise, so the
    night is not a repeat of the one that saw it in the future."""
    inputs, _outputs = published
    now = time.time()
    ahead = now + 400
    os.utime(inputs / "2023" / "phong-tu-phap.xlsx", (ahead, ahead))
    tonight = night.fingerprint(inputs, YEAR, now, 0.0)
    # still in the future a second later: said alike, a repeat (blind round
    # 18b, C3: the warning held the run's time, and no night was a repeat)
    assert night.fingerprint(inputs, YEAR, now + 1, 0.0) == tonight
    assert night.fingerprint(inputs, YEAR, now + 1000, 0.0) != tonight


def test_a_folder_that_changed_while_the_run_read_is_never_repeated(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """Blind set i3: the drop folder (a network share) went away while the run
    read it and came back afterwards, the same files with the same times. The
    print taken before reading matches the folder again, but the run did not read
    what it describes: its print is not recorded (``night.print_kept``), so the
    next night does its work instead of repeating a partial one."""
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    now = time.time()
    before = night.fingerprint(inputs, YEAR, now, 0.0)
    assert night.print_kept(before, inputs, YEAR, now, 0.0) == before
    away = tmp_path / "away"
    (inputs / "2023").rename(away)  # the share drops while the run reads
    kept = night.print_kept(before, inputs, YEAR, now, 0.0)
    assert kept is None
    away.rename(inputs / "2023")  # and comes back after the run
    assert night.fingerprint(inputs, YEAR, now, 0.0) == before


def test_the_collector_is_tuned_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``gc.freeze`` once, at the first night of a process (the modules,
    classes and functions imported: never garbage); never again, so a server
    that runs many nights never freezes what a night left behind. Its
    thresholds are left alone (fewer collections raised the peak at 5000
    departments past 10⁹ bytes)."""
    frozen: list[int] = []
    thresholds: list[tuple[int, ...]] = []
    monkeypatch.setattr(night.gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(night.gc, "set_threshold", lambda *t: thresholds.append(t))
    monkeypatch.setattr(night, "_FROZEN", [])
    night.tune_collector()
    night.tune_collector()
    assert frozen == [1]
    assert thresholds == []

"""The parse cache is correct, not just fast: whatever changed, a run through the
cache gives the same outputs, byte for byte, as a run that parses every file.

What a night read and checked is kept in one place, the checked year
(``parindex.ingest.checked``: sixteen entries per year, a file in the one its
name hashes to), keyed by the parse-cache key (``ReadCache.key``); no entry is
written per file."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from polars.testing import assert_frame_equal

from parindex import pipeline
from parindex.criteria import CriteriaSet
from parindex.ingest import cache as cache_module
from parindex.ingest import checked
from parindex.ingest.cache import CACHE_FOLDER, ReadCache
from parindex.ingest.collect import Ingested, ingest_year
from parindex.publish import outputs as outputs_module
from tests.builders import rename_in_workbook
from tests.ingest.test_corpus import (
    CASES,
    CORPUS,
    NOW,
    SETTLE_SECONDS,
    _inputs_with_criteria,
    _prepare,
)

YEAR = 2023


def _run(inputs: Path, outputs: Path, *, cached: bool) -> None:
    """Consolidate 2023 as the flow does (through the cache in ``outputs`` when
    ``cached``, else parsing every file) and publish it."""
    criteria = pipeline.load_criteria(inputs, YEAR)
    history, history_problems = pipeline.load_history(inputs)
    cache = ReadCache.for_year(outputs, criteria, YEAR) if cached else None
    ingested = ingest_year(inputs, YEAR, criteria, time.time(), cache=cache)
    previous = pipeline.consolidate_previous(
        inputs, YEAR, time.time(), outputs if cached else None
    )
    result = pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())


def _outputs(outputs: Path) -> dict[str, bytes]:
    """Every output and archived file but the run manifests (they hold the run's
    time) and the cache itself."""
    found = {}
    for path in sorted(outputs.rglob("*")):
        parts = path.relative_to(outputs).parts
        if path.is_file() and "runs" not in parts and CACHE_FOLDER not in parts:
            found["/".join(parts)] = path.read_bytes()
    return found


@pytest.fixture()
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(sample_inputs, copy)
    return copy


def _same_as_cold(inputs: Path, warm: Path, tmp_path: Path) -> None:
    cold = tmp_path / f"cold-{time.time_ns()}"
    _run(inputs, cold, cached=False)
    # nothing read through a cache (the report's parts kept for the next night
    # start empty: parindex.render.fragments)
    assert not (cold / CACHE_FOLDER / "reads").exists()
    assert not (cold / CACHE_FOLDER / "previous").exists()
    expected = _outputs(cold)
    # scorecard, summary .json and .md, report, 6 department workbooks, 6 archived
    assert len(expected) >= 16
    got = _outputs(warm)
    # the archive keeps every version ever read: the cold run's are all there
    assert {k: got.get(k) for k in expected if k.startswith("archive/")} == {
        k: v for k, v in expected.items() if k.startswith("archive/")
    }
    outputs = {k: v for k, v in got.items() if not k.startswith("archive/")}
    assert outputs == {
        k: v for k, v in expected.items() if not k.startswith("archive/")
    }


def _entries(outputs: Path) -> list[Path]:
    """The checked years' entries (not the previous year's kept result)."""
    kept = outputs / CACHE_FOLDER / "checked"
    return sorted(p for p in kept.rglob("*") if p.is_file())


def _kept_files(outputs: Path) -> list[str]:
    """The names of the files the checked years hold, one per file and year."""
    found = []
    for entry in _entries(outputs):
        payload = cache_module.unsealed(checked.FORMAT, entry)
        assert payload is not None
        head_size = int.from_bytes(payload[:8], "big")
        head = json.loads(bytes(payload[8 : 8 + head_size]))
        found.extend(name for _, name, _, _ in head["files"])
    return sorted(found)


def _sample_names(inputs: Path) -> list[str]:
    return sorted(
        f"{year}/{path.name}"
        for year in (2022, 2023)
        for path in (inputs / str(year)).glob("*.xlsx")
    )


def test_a_night_with_nothing_new_parses_nothing_and_gives_the_same_outputs(
    inputs: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[int] = []
    real = outputs_module._render_outputs

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(outputs_module, "_render_outputs", counted)
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    # 2023 and the previous year 2022, six files each, kept in the checked
    # years alone (one entry per shard that holds a file; none per file)
    assert len(parses) == 12
    assert _kept_files(warm) == _sample_names(inputs) == sorted(parses)
    assert not (warm / CACHE_FOLDER / "reads").exists()
    parses.clear()
    _run(inputs, warm, cached=True)
    assert parses == []
    # the result read from the cache has the render key of the one parsed: nothing
    # is rendered again
    assert renders == [1]
    _same_as_cold(inputs, warm, tmp_path)
    summary = json.loads((warm / "2023" / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.24


def test_a_changed_file_is_parsed_again(
    inputs: Path, tmp_path: Path, parses: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0  # appraised 2.55 → 3.0
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))
    parses.clear()
    _run(inputs, warm, cached=True)
    assert parses == ["2023/phong-tu-phap.xlsx"]
    _same_as_cold(inputs, warm, tmp_path)
    summary = json.loads((warm / "2023" / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.69


def test_a_changed_criteria_set_parses_every_file_again(
    inputs: Path, tmp_path: Path, parses: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    criteria = inputs / "criteria" / "lai-chau-2022.xlsx"
    assert rename_in_workbook(criteria, "Phòng Tư pháp", "Phòng Tư pháp huyện")
    parses.clear()
    _run(inputs, warm, cached=True)
    assert len(parses) == 12
    _same_as_cold(inputs, warm, tmp_path)
    assert (
        b"Ph\xc3\xb2ng T\xc6\xb0 ph\xc3\xa1p huy\xe1\xbb\x87n"
        in (warm / "2023" / "summary-2023.json").read_bytes()
    )


def test_a_new_parindex_version_parses_every_file_again(
    inputs: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    monkeypatch.setattr(cache_module, "code_version", lambda: "parindex 9.9")
    parses.clear()
    _run(inputs, warm, cached=True)
    assert len(parses) == 12
    # the old entries are not used any more: each year kept twice
    assert _kept_files(warm) == sorted(_sample_names(inputs) * 2)
    _same_as_cold(inputs, warm, tmp_path)


def test_a_deleted_cache_is_rebuilt(
    inputs: Path, tmp_path: Path, parses: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    shutil.rmtree(warm / CACHE_FOLDER)
    parses.clear()
    _run(inputs, warm, cached=True)
    assert len(parses) == 12
    assert _kept_files(warm) == _sample_names(inputs)
    _same_as_cold(inputs, warm, tmp_path)
    parses.clear()
    _run(inputs, warm, cached=True)
    assert parses == []


def test_corrupted_entries_are_ignored_and_rebuilt(
    inputs: Path, tmp_path: Path, parses: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    entries = _entries(warm)
    assert len(entries) >= 7  # the 12 files in two years' shards
    truncated, flipped, swapped, garbage, emptied = entries[:5]
    damaged = set()
    for entry in entries[:5]:
        payload = cache_module.unsealed(checked.FORMAT, entry)
        assert payload is not None
        head = json.loads(bytes(payload[8 : 8 + int.from_bytes(payload[:8], "big")]))
        damaged.update(name for _, name, _, _ in head["files"])
    truncated.write_bytes(truncated.read_bytes()[:-40])
    content = bytearray(flipped.read_bytes())
    content[-100] ^= 0x01  # one bit of the rows
    flipped.write_bytes(bytes(content))
    swapped.write_bytes(entries[6].read_bytes())  # intact, but another entry
    garbage.write_bytes(os.urandom(300))
    emptied.write_bytes(b"")
    # the previous year's kept result would spare its files the read
    shutil.rmtree(warm / CACHE_FOLDER / "previous")
    parses.clear()
    _run(inputs, warm, cached=True)
    # exactly the files of the damaged entries are read again
    assert sorted(parses) == sorted(damaged)
    _same_as_cold(inputs, warm, tmp_path)
    # rebuilt: the next night parses nothing
    parses.clear()
    _run(inputs, warm, cached=True)
    assert parses == []
    _same_as_cold(inputs, warm, tmp_path)


def _ingest(
    inputs: Path, year: int, criteria: CriteriaSet, cache: ReadCache | None
) -> Ingested:
    return ingest_year(
        inputs, year, criteria, NOW, settle_seconds=SETTLE_SECONDS, cache=cache
    )


def test_every_corpus_case_reads_the_same_from_the_cache_problems_included(
    tmp_path: Path, sample_criteria: CriteriaSet, parses: list[str]
) -> None:
    """Rejections, warnings and rows of every kind of file come back from the cache
    as a fresh read gives them: a cached file still reports its problems."""
    warned = 0
    for name in CASES:
        case = CORPUS / name
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        year = expected["year"]
        root = tmp_path / name
        inputs = _inputs_with_criteria(root)
        _prepare(case, inputs / str(year), expected.get("setup", {}))
        cache = ReadCache.for_year(root / "outputs", sample_criteria, year)
        fresh = _ingest(inputs, year, sample_criteria, None)
        first = _ingest(inputs, year, sample_criteria, cache)
        parsed = len(parses)
        second = _ingest(inputs, year, sample_criteria, cache)
        assert len(parses) == parsed, name  # nothing parsed the second time
        for got in (first, second):
            assert_frame_equal(got.submissions, fresh.submissions)
            assert_frame_equal(got.rows, fresh.rows)
            assert_frame_equal(got.problems, fresh.problems)
        warned += int(
            second.problems.filter(second.problems["severity"] == "warning").height > 0
        )
    assert warned >= 10


def test_the_code_version_covers_the_schemas() -> None:
    """A check added to ``schemas/`` alone changes what a night reads and keeps:
    the code version every kept part is keyed by hashes the schemas too (blind
    round 15 fixes: it hashed ``parindex/`` only)."""
    names = [name for name, _ in cache_module.code_sources()]
    assert "schemas/criteria.py" in names
    assert "schemas/submission.py" in names
    assert "parindex/ingest/cache.py" in names

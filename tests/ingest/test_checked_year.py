"""The year's files as last checked (``parindex.ingest.checked``): a night takes
the files it already checked from there, validates only the others, and gives
the same outputs, byte for byte, as a run that parses and checks every file."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from parindex import pipeline
from parindex.ingest import cache as cache_module
from parindex.ingest import checked, collect
from parindex.ingest.cache import CACHE_FOLDER, ReadCache
from parindex.ingest.collect import ingest_year
from tests.ingest.test_cache import YEAR, _run, _same_as_cold

NOW = time.time() + 60


@pytest.fixture()
def validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose rows were validated, one name per validation and file."""
    names: list[str] = []
    real = collect.validate_rows

    def counted(rows: pl.DataFrame, *args, **kwargs):  # type: ignore[no-untyped-def]
        names.extend(sorted(set(rows["file"].to_list())))
        return real(rows, *args, **kwargs)

    monkeypatch.setattr(collect, "validate_rows", counted)
    return names


@pytest.fixture()
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(sample_inputs, copy)
    return copy


def _stores(outputs: Path) -> list[Path]:
    """The checked years kept (one folder of entries each)."""
    return sorted((outputs / CACHE_FOLDER / "checked").glob("*"))


def _change_tu_phap(inputs: Path) -> None:
    tp = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 3.0  # appraised 2.55 → 3.0
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))


def _ingested_as_cold(inputs: Path, outputs: Path) -> None:
    """The year ingested through ``outputs``' caches equals a fresh ingest."""
    criteria = pipeline.load_criteria(inputs, YEAR)
    fresh = ingest_year(inputs, YEAR, criteria, NOW)
    cache = ReadCache.for_year(outputs, criteria, YEAR)
    got = ingest_year(inputs, YEAR, criteria, NOW, cache=cache)
    for name in ("submissions", "rows", "problems"):
        assert_frame_equal(getattr(got, name), getattr(fresh, name))
    assert got.contents == fresh.contents


def test_one_changed_file_is_the_only_one_validated_again(
    inputs: Path, tmp_path: Path, validated: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    # 2023 and 2022: one checked year each
    assert len(_stores(warm)) == 2
    first = [n for n in validated if n.startswith("2023/")]
    assert len(first) == 6
    _change_tu_phap(inputs)
    validated.clear()
    _run(inputs, warm, cached=True)
    assert validated == ["2023/phong-tu-phap.xlsx"]
    _same_as_cold(inputs, warm, tmp_path)
    # the store now holds the new version: a night with it validates nothing
    validated.clear()
    _ingested_as_cold(inputs, warm)
    # (the fresh ingest of the comparison validates every file, once)
    assert validated == first


def test_kept_files_report_their_problems_every_night(
    inputs: Path, tmp_path: Path, validated: list[str]
) -> None:
    """Row problems and warnings of files taken from the store are the ones a
    fresh check gives: none is lost."""
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    _change_tu_phap(inputs)
    _run(inputs, warm, cached=True)
    criteria = pipeline.load_criteria(inputs, YEAR)
    cache = ReadCache.for_year(warm, criteria, YEAR)
    validated.clear()
    got = ingest_year(inputs, YEAR, criteria, NOW, cache=cache)
    assert validated == []  # every file from the store
    fresh = ingest_year(inputs, YEAR, criteria, NOW)
    assert got.problems.height == fresh.problems.height > 0
    assert_frame_equal(got.problems, fresh.problems)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "other"])
def test_a_damaged_store_is_ignored_and_rebuilt(
    inputs: Path, tmp_path: Path, validated: list[str], damage: str
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    criteria = pipeline.load_criteria(inputs, YEAR)
    folder = checked.folder_of(ReadCache.for_year(warm, criteria, YEAR))
    # every entry of the year damaged alike
    for store in folder.iterdir():
        _damage(store, damage, warm)
    validated.clear()
    _run(inputs, warm, cached=True)
    assert len([n for n in validated if n.startswith("2023/")]) == 6
    _same_as_cold(inputs, warm, tmp_path)
    validated.clear()
    _ingested_as_cold(inputs, warm)
    # only the comparison's fresh ingest validated: the store was rebuilt
    assert len([n for n in validated if n.startswith("2023/")]) == 6


def _damage(store: Path, damage: str, warm: Path) -> None:
    content = bytearray(store.read_bytes())
    if damage == "flip":
        content[-200] ^= 0x01
        store.write_bytes(bytes(content))
    elif damage == "truncate":
        store.write_bytes(bytes(content[:-50]))
    elif damage == "empty":
        store.write_bytes(b"")
    else:  # intact, but the previous year's
        (other,) = [folder for folder in _stores(warm) if folder != store.parent]
        store.write_bytes(next(other.iterdir()).read_bytes())


def test_a_deleted_store_is_rebuilt(
    inputs: Path, tmp_path: Path, validated: list[str]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    shutil.rmtree(warm / CACHE_FOLDER / "checked")
    validated.clear()
    _run(inputs, warm, cached=True)
    # read and validated again (nothing is kept per file)
    assert len([n for n in validated if n.startswith("2023/")]) == 6
    # 2023's (the previous year's result is kept whole: not ingested again)
    assert len(_stores(warm)) == 1
    _same_as_cold(inputs, warm, tmp_path)


def test_a_new_criteria_set_or_code_version_checks_every_file_again(
    inputs: Path, tmp_path: Path, validated: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    criteria = inputs / "criteria" / "lai-chau-2022.xlsx"
    workbook = openpyxl.load_workbook(criteria)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Phòng Tư pháp":
                    cell.value = "Phòng Tư pháp huyện"
    workbook.save(criteria)
    validated.clear()
    _run(inputs, warm, cached=True)
    assert len([n for n in validated if n.startswith("2023/")]) == 6
    _same_as_cold(inputs, warm, tmp_path)
    monkeypatch.setattr(cache_module, "code_version", lambda: "parindex 9.9")
    validated.clear()
    _run(inputs, warm, cached=True)
    assert len([n for n in validated if n.startswith("2023/")]) == 6
    assert len(_stores(warm)) == 6  # two years × three contexts
    _same_as_cold(inputs, warm, tmp_path)


def test_an_entry_of_another_shard_is_not_served(
    inputs: Path, tmp_path: Path, validated: list[str]
) -> None:
    """An intact entry written for another shard of the same year, put in the
    place of one: the files of the shard it replaced are checked again, the
    others come from their entries."""
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    first = sorted(n for n in validated if n.startswith("2023/"))
    criteria = pipeline.load_criteria(inputs, YEAR)
    folder = checked.folder_of(ReadCache.for_year(warm, criteria, YEAR))
    source, target = sorted(folder.iterdir())[:2]
    target.write_bytes(source.read_bytes())
    validated.clear()
    _run(inputs, warm, cached=True)
    assert validated == [n for n in first if checked.shard_of(n) == int(target.name)]
    assert validated
    _same_as_cold(inputs, warm, tmp_path)

"""The previous year's consolidation kept between nights is correct, not just
fast: whatever changed, it is the one a run without it computes."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from parindex import pipeline, previous
from parindex.consolidate import YearResult
from parindex.department_view import update_digest
from parindex.ingest import cache as read_cache
from parindex.ingest.cache import CACHE_FOLDER
from tests.ingest.test_cache import _outputs, _run

YEAR = 2023


@pytest.fixture()
def consolidations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The years actually consolidated from their drop folder."""
    years: list[int] = []
    real = pipeline._consolidate_previous

    def counted(inputs, year, *args, **kwargs):  # type: ignore[no-untyped-def]
        years.append(year)
        return real(inputs, year, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_consolidate_previous", counted)
    return years


def _digest(result: YearResult | None) -> str:
    digest = hashlib.sha256()
    update_digest(digest, result)
    return digest.hexdigest()


def _cold(inputs: Path) -> YearResult | None:
    return pipeline.consolidate_previous(inputs, YEAR, time.time())


def _kept(outputs: Path) -> list[Path]:
    return sorted((outputs / CACHE_FOLDER / previous.FOLDER).glob("*.pickle"))


def _warm(inputs: Path, outputs: Path) -> YearResult | None:
    return pipeline.consolidate_previous(inputs, YEAR, time.time(), outputs)


def test_kept_and_served_again_equal_to_a_cold_consolidation(
    inputs: Path, tmp_path: Path, consolidations: list[int]
) -> None:
    outputs = tmp_path / "out"
    first = _warm(inputs, outputs)
    assert consolidations == [2022] and len(_kept(outputs)) == 1
    consolidations.clear()
    again = _warm(inputs, outputs)
    assert consolidations == []
    assert first is not None and again is not None
    assert round(again.total, 2) == round(first.total, 2)
    assert _digest(again) == _digest(first) == _digest(_cold(inputs))


def test_a_changed_previous_year_file_is_consolidated_again(
    inputs: Path, tmp_path: Path, consolidations: list[int]
) -> None:
    outputs = tmp_path / "out"
    before = _warm(inputs, outputs)
    tp = inputs / "2022" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "8.1")
    row[4].value = 0.0  # another appraised score
    workbook.save(tp)
    os.utime(tp, (time.time() + 5, time.time() + 5))
    consolidations.clear()
    after = _warm(inputs, outputs)
    assert consolidations == [2022]
    assert before is not None and after is not None
    assert after.total != before.total
    assert _digest(after) == _digest(_cold(inputs))
    # a file removed: the same
    (inputs / "2022" / "phong-noi-vu.xlsx").unlink()
    consolidations.clear()
    removed = _warm(inputs, outputs)
    assert consolidations == [2022]
    assert _digest(removed) == _digest(_cold(inputs))


def test_another_criteria_set_or_version_is_consolidated_again(
    inputs: Path,
    tmp_path: Path,
    consolidations: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs = tmp_path / "out"
    _warm(inputs, outputs)
    monkeypatch.setattr(read_cache, "code_version", lambda: "parindex 9.9")
    consolidations.clear()
    _warm(inputs, outputs)
    assert consolidations == [2022]
    criteria = inputs / "criteria" / "lai-chau-2022.xlsx"
    workbook = openpyxl.load_workbook(criteria)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Phòng Tư pháp":
                    cell.value = "Phòng Tư pháp huyện"
    workbook.save(criteria)
    consolidations.clear()
    kept = _warm(inputs, outputs)
    assert consolidations == [2022]
    assert kept is not None
    assert "Phòng Tư pháp huyện" in [d.name for d in kept.criteria_set.departments]
    assert _digest(kept) == _digest(_cold(inputs))


def test_a_deleted_or_corrupted_entry_is_rebuilt(
    inputs: Path, tmp_path: Path, consolidations: list[int]
) -> None:
    outputs = tmp_path / "out"
    expected = _digest(_cold(inputs))
    _warm(inputs, outputs)
    shutil.rmtree(outputs / CACHE_FOLDER / previous.FOLDER)
    consolidations.clear()
    assert _digest(_warm(inputs, outputs)) == expected
    assert consolidations == [2022]
    (entry,) = _kept(outputs)
    intact = entry.read_bytes()
    flipped = bytearray(intact)
    flipped[-50] ^= 0x01
    for broken in (intact[:-30], bytes(flipped), os.urandom(200), b""):
        entry.write_bytes(broken)
        consolidations.clear()
        assert _digest(_warm(inputs, outputs)) == expected
        assert consolidations == [2022]
        assert entry.read_bytes() == intact  # rebuilt
    # an intact entry of another key is not served
    other = entry.with_name("0" * 64 + ".pickle")
    shutil.copy(entry, other)
    entry.unlink()
    os.replace(other, entry.with_name(entry.name))
    assert previous.load(outputs, "0" * 64) is previous.MISSING


def test_outputs_byte_identical_to_a_run_without_any_cache(
    inputs: Path, tmp_path: Path, consolidations: list[int]
) -> None:
    warm = tmp_path / "warm"
    _run(inputs, warm, cached=True)
    consolidations.clear()
    _run(inputs, warm, cached=True)
    assert consolidations == []  # the second night served it
    cold = tmp_path / "cold"
    _run(inputs, cold, cached=False)
    expected = {k: v for k, v in _outputs(cold).items() if not k.startswith("archive/")}
    got = {k: v for k, v in _outputs(warm).items() if not k.startswith("archive/")}
    assert got == expected


def test_a_changed_unit_settings_file_is_consolidated_again(
    inputs: Path, tmp_path: Path, consolidations: list[int]
) -> None:
    """Which forms are the unit's depends on ``don-vi.toml`` (a ``Đơn vị`` line
    naming another district's place is set aside): the kept previous year is
    not served once it changes."""
    outputs = tmp_path / "out"
    settings = (inputs / "don-vi.toml").read_text(encoding="utf-8")
    (inputs / "don-vi.toml").unlink()
    tp = inputs / "2022" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(tp)
    sheet = workbook.active
    assert sheet is not None
    line = next(r[0] for r in sheet.iter_rows() if "Đơn vị" in str(r[0].value))
    line.value = "Đơn vị: Phòng Tư pháp huyện Tam Đường"
    workbook.save(tp)
    before = _warm(inputs, outputs)
    (inputs / "don-vi.toml").write_text(settings, encoding="utf-8")
    consolidations.clear()
    after = _warm(inputs, outputs)
    assert consolidations == [2022]
    assert before is not None and after is not None
    assert after.total < before.total  # TP's 2022 form is another district's
    assert _digest(after) == _digest(_cold(inputs))

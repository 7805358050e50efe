"""The summary JSON's pieces kept between nights (``parindex.render.summary.
SummaryPieces``) are correct, not just fast: whatever changed, and whatever
state the store is in, ``summary-<year>.json`` is byte for byte what a run that
encodes every piece writes; only the pieces whose value changed are encoded."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from parindex.ingest.cache import CACHE_FOLDER
from parindex.render import summary as summary_module
from parindex.render.summary import SummaryPieces, summary_bytes, write_summary

YEAR = 2023


def _document(departments: int = 40) -> dict[str, Any]:
    """Shaped like a summary: scalars, mappings and long lists of records
    holding lists and mappings, floats that compare equal to ints, texts with
    Vietnamese and escapes."""
    return {
        "year": YEAR,
        "status": "final",
        "total": 79.24,
        "groups": {"appraisal": 50.5, "survey": 20, "sipas": None},
        "rank": None,
        "departments": [
            {
                "code": f"P{d:03d}",
                "name": f'Phòng số {d} "trích"\n',
                "total": float(d % 7),
                "leaves": d % 7,
                "lost": [{"code": f"{d}.{k}", "lost": 0.25 * k} for k in range(3)],
                "flags": [True, False, d % 2 == 0],
            }
            for d in range(departments)
        ],
        "missing": [],
        "problems": [{"file": f"f{p}.xlsx", "row": p} for p in range(10)],
    }


def _written(document: dict[str, Any], path: Path, pieces: SummaryPieces) -> bytes:
    write_summary(document, path, pieces)
    pieces.save()
    return path.read_bytes()


def _open(outputs: Path) -> SummaryPieces:
    return SummaryPieces.open(outputs, YEAR)


def test_pieces_kept_give_the_bytes_of_a_cold_write(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    document = _document()
    cold = summary_bytes(document)
    first = _open(outputs)
    assert _written(document, tmp_path / "a.json", first) == cold
    assert first.encoded > 40  # nothing kept yet: every piece encoded
    assert (outputs / CACHE_FOLDER / "summary" / str(YEAR)).is_file()
    # the same document: nothing encoded again
    again = _open(outputs)
    assert _written(document, tmp_path / "b.json", again) == cold
    assert again.encoded == 0
    # one department changed, one added, a float that equals its int: only they
    changed = copy.deepcopy(document)
    changed["departments"][3]["total"] = 2.5
    changed["departments"][4]["total"] = int(changed["departments"][4]["total"])
    changed["departments"].append(_document(41)["departments"][40])
    night = _open(outputs)
    assert _written(changed, tmp_path / "c.json", night) == summary_bytes(changed)
    assert night.encoded == 3


def test_a_deleted_or_corrupted_store_gives_the_cold_bytes(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    document = _document()
    cold = summary_bytes(document)
    _written(document, tmp_path / "a.json", _open(outputs))
    store = outputs / CACHE_FOLDER / "summary" / str(YEAR)
    good = store.read_bytes()
    flipped = bytearray(good)
    flipped[-40] ^= 0x01
    for corrupted in (good[:-30], bytes(flipped), b"", os.urandom(300)):
        store.write_bytes(corrupted)
        pieces = _open(outputs)
        assert _written(document, tmp_path / "b.json", pieces) == cold
        assert pieces.encoded > 40  # the store was not used
    shutil.rmtree(outputs / CACHE_FOLDER)
    pieces = _open(outputs)
    assert _written(document, tmp_path / "c.json", pieces) == cold
    assert pieces.encoded > 40


def test_a_piece_is_served_only_for_its_own_value(tmp_path: Path) -> None:
    """A department whose name changed is encoded again, the others are kept."""
    outputs = tmp_path / "outputs"
    document = _document()
    _written(document, tmp_path / "a.json", _open(outputs))
    other = _document()
    other["departments"][0]["name"] = "Phòng khác"
    pieces = _open(outputs)
    assert _written(other, tmp_path / "b.json", pieces) == summary_bytes(other)
    assert pieces.encoded == 1


def test_a_new_version_of_parindex_encodes_every_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "outputs"
    document = _document()
    _written(document, tmp_path / "a.json", _open(outputs))
    monkeypatch.setattr(summary_module, "code_version", lambda: "parindex 9.9")
    pieces = _open(outputs)
    assert _written(document, tmp_path / "b.json", pieces) == summary_bytes(document)
    assert pieces.encoded > 40
    # and the store is now this version's
    again = _open(outputs)
    assert _written(document, tmp_path / "c.json", again) == summary_bytes(document)
    assert again.encoded == 0


def test_without_a_store_the_summary_is_written_as_before(tmp_path: Path) -> None:
    document = _document()
    write_summary(document, tmp_path / "a.json")
    assert (tmp_path / "a.json").read_bytes() == summary_bytes(document)

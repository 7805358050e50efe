"""What the reader children read is kept by the checked year alone, and never
what a crashed reader gave; the cache's atomic writes (``store_entry``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest import checked
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import ingest_year

YEAR = 2023


def test_a_read_whose_reader_crashed_is_not_kept(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    *,
    now: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parses: list[str],
) -> None:
    from parindex.ingest import read as read_module

    doomed = "2023/phong-tu-phap.xlsx"
    real = read_module.read_submission

    def aborting(dropped, *args):  # type: ignore[no-untyped-def]
        if dropped.name == doomed:
            os.abort()
        return real(dropped, *args)

    monkeypatch.setattr(read_module, "read_submission", aborting)
    cache = ReadCache.for_year(tmp_path / "out", sample_criteria, YEAR)
    first = ingest_year(sample_inputs, YEAR, sample_criteria, now, cache=cache)
    rejected = first.submissions.filter(first.submissions["file"] == doomed)
    assert rejected["status"].to_list() == ["rejected"]
    kept = checked.load(cache)
    assert kept is not None
    names = sorted(name for name, _, _ in kept.files.values())
    assert len(names) == 5 and doomed not in names
    # the next night reads that file alone, with its reader whole again
    monkeypatch.setattr(read_module, "read_submission", real)
    checked.forget()
    parses.clear()
    second = ingest_year(sample_inputs, YEAR, sample_criteria, now, cache=cache)
    assert parses == [doomed]
    used = second.submissions.filter(second.submissions["file"] == doomed)
    assert used["status"].to_list() == ["used"]


def test_store_entry_writes_whole_entries_and_makes_its_folder_when_gone(
    tmp_path: Path,
) -> None:
    import shutil

    from parindex.ingest.cache import store_entry

    folder = tmp_path / "reads" / "ab"
    store_entry(folder / "abc", b"one")
    store_entry(folder / "abc", b"two")  # replaced whole
    assert (folder / "abc").read_bytes() == b"two"
    shutil.rmtree(tmp_path / "reads")  # the cache deleted while a run writes
    store_entry(folder / "abd", b"three")
    assert (folder / "abd").read_bytes() == b"three"
    assert sorted(p.name for p in folder.iterdir()) == ["abd"]  # no temporary
    (tmp_path / "blocked").write_bytes(b"")  # a file where the folder should be
    store_entry(tmp_path / "blocked" / "x" / "abe", b"four")  # not an error
    assert not (tmp_path / "blocked" / "x").exists()


def test_a_sealed_entry_is_written_as_its_head_then_its_payload(
    tmp_path: Path,
) -> None:
    import hashlib

    from parindex.ingest.cache import sealed, store_entry, unsealed

    payload = b"\x00parts" * 1000
    head, body = sealed(b"fmt 1\n", payload)
    assert body is payload  # not copied
    store_entry(tmp_path / "entry", (head, body))
    digest = hashlib.sha256(payload).hexdigest().encode()
    assert (tmp_path / "entry").read_bytes() == b"fmt 1\n" + digest + b"\n" + payload
    assert unsealed(b"fmt 1\n", tmp_path / "entry") == payload
    assert unsealed(b"fmt 2\n", tmp_path / "entry") is None

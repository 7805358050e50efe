"""The parse cache's entries are encoded by the reader children (in parallel),
not by the parent, and are the very entries ``ReadCache.put`` writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest import cache as cache_module
from parindex.ingest.cache import ReadCache
from parindex.ingest.collect import read_batch
from parindex.ingest.discover import discover
from parindex.ingest.read import load_submissions, rows_of

YEAR = 2023


def test_entries_are_encoded_in_the_children_and_equal_what_put_writes(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    now: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [
        entry
        for entry in discover(sample_inputs / str(YEAR), YEAR, now, 0.0)
        if entry.status == "candidate"
    ]
    parent = os.getpid()
    encoded_here: list[str] = []
    real = cache_module._encode

    def watched(key, read, rows):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            encoded_here.append(read.file.name)
        return real(key, read, rows)

    monkeypatch.setattr(cache_module, "_encode", watched)
    warm = ReadCache.for_year(tmp_path / "warm", sample_criteria, YEAR)
    read_batch(entries, sample_criteria, YEAR, warm)
    assert encoded_here == []  # every entry was encoded by a reader child
    written = {p.name: p.read_bytes() for p in warm.folder.rglob("*") if p.is_file()}
    assert len(written) == len(entries) == 6

    # the same entries, byte for byte, as put() writes from reads made here
    cold = ReadCache.for_year(tmp_path / "cold", sample_criteria, YEAR)
    for read, _ in load_submissions(entries, sample_criteria, YEAR):
        cold.put(read, rows_of(read))
    expected = {p.name: p.read_bytes() for p in cold.folder.rglob("*") if p.is_file()}
    assert written == expected
    assert len(encoded_here) == 6  # put() encodes where it is called


def test_a_read_whose_reader_crashed_is_not_cached(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    now: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parindex.ingest import read as read_module

    entries = [
        entry
        for entry in discover(sample_inputs / str(YEAR), YEAR, now, 0.0)
        if entry.status == "candidate"
    ]
    doomed = entries[2].name
    real = read_module.read_submission

    def aborting(dropped, *args):  # type: ignore[no-untyped-def]
        if dropped.name == doomed:
            os.abort()
        return real(dropped, *args)

    monkeypatch.setattr(read_module, "read_submission", aborting)
    cache = ReadCache.for_year(tmp_path / "out", sample_criteria, YEAR)
    batch = read_batch(entries, sample_criteria, YEAR, cache, workers=2)
    crashed = [read for read in batch.reads if read.file.name == doomed]
    assert crashed[0].rejection is not None
    written = {p.name for p in cache.folder.rglob("*") if p.is_file()}
    expected = {
        cache.key(read.file.name, read.sha256 or "")
        for read in batch.reads
        if read.file.name != doomed
    }
    assert written == expected and len(written) == len(entries) - 1


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

"""Kept entries made by pickling (the report's parts, the summary's pieces, the
criteria set, the previous year) go to their file as they are pickled: the
≈ 110 MB of report parts at 5000 departments were pickled whole, then written,
the peak of ``parindex run`` (issue 13, memory)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from parindex.ingest import cache
from parindex.ingest.cache import sealed, store_entry, store_pickled, unsealed

FORMAT = b"parindex-test-entry 1\n"
VALUE = {"context": "ctx", "parts": {f"D{i}": ("x" * 5000, i) for i in range(300)}}


def test_a_streamed_entry_is_the_sealed_pickle_byte_for_byte(tmp_path: Path) -> None:
    joined, streamed = tmp_path / "joined", tmp_path / "streamed"
    store_entry(joined, sealed(FORMAT, pickle.dumps(VALUE, protocol=5)))
    store_pickled(streamed, FORMAT, VALUE)
    assert streamed.read_bytes() == joined.read_bytes()
    payload = unsealed(FORMAT, streamed)
    assert payload is not None
    assert pickle.loads(payload) == VALUE


def test_a_streamed_entry_is_never_pickled_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("pickled whole")

    monkeypatch.setattr(cache.pickle, "dumps", whole)
    store_pickled(tmp_path / "entry", FORMAT, VALUE)
    payload = unsealed(FORMAT, tmp_path / "entry")
    assert payload is not None
    assert pickle.loads(payload) == VALUE


def test_a_streamed_entry_that_cannot_be_written_is_no_error_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "kept"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        store_pickled(folder / "entry", FORMAT, VALUE)  # refused: not an error
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) in ([], [folder / "entry"])  # root writes anyway

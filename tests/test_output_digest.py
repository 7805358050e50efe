"""Hashing an output for the manifest or the nothing-new check reads it in
blocks: at 5000 departments the summary alone is ≈ 90 MB, hashed while the run
still holds its result (issue 13, memory)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from parindex.ingest.discover import file_sha256
from parindex.publish.manifest import file_digest


def test_an_output_is_hashed_in_blocks_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = bytes(range(256)) * 8192  # 2 MiB, several blocks
    output = tmp_path / "summary-2023.json"
    output.write_bytes(content)
    expected = hashlib.sha256(content).hexdigest()

    def whole(_path: Path) -> bytes:
        raise AssertionError("read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    assert file_sha256(output) == expected
    assert file_digest(output) == expected


def test_a_missing_output_has_no_digest_and_cannot_be_hashed(tmp_path: Path) -> None:
    assert file_digest(tmp_path / "gone.xlsx") is None
    assert file_digest(tmp_path) is None  # a folder in its place
    with pytest.raises(OSError):
        file_sha256(tmp_path / "gone.xlsx")

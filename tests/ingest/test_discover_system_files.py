"""Files that Windows and macOS leave in a shared folder are not submissions."""

from __future__ import annotations

import os
from pathlib import Path

from parindex import messages
from parindex.ingest.discover import discover


def test_system_files_are_ignored_not_rejected(tmp_path: Path) -> None:
    year = tmp_path / "2023"
    year.mkdir()
    for name in ("Thumbs.db", "desktop.ini", "ehthumbs.db"):
        (year / name).write_bytes(b"\x00system")
    (year / "ghi-chu.txt").write_text("không phải bảng tính", "utf-8")
    old = 1_700_000_000.0
    for entry in year.iterdir():
        os.utime(entry, (old, old))

    found = {
        entry.name: (entry.status, entry.note)
        for entry in discover(year, 2023, old + 3600)
    }

    for name in ("2023/Thumbs.db", "2023/desktop.ini", "2023/ehthumbs.db"):
        assert found[name] == ("ignored", messages.FILE_IGNORED_SYSTEM)
    # a text file is not a system file: it is still read (and refused, saying why)
    assert found["2023/ghi-chu.txt"][0] == "candidate"

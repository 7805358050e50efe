"""A copy an office renamed to retire it (``….xlsx.old``, ``….orig``, ``….xlsx.1``)
is not a submission, and a Windows shortcut is not one either (blind round 15,
B: c42, c43, c16): before, a retired copy was read by its content, used, and
replaced the department's own file without a word."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl

from parindex import messages, pipeline
from parindex.ingest.discover import discover
from parindex.timefmt import local_iso

OLD = 1_700_000_000.0


def _touch(path: Path, content: bytes = b"PK\x03\x04 not read here") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, (OLD, OLD))


def test_retired_copies_and_shortcuts_are_ignored_with_their_reason(
    tmp_path: Path,
) -> None:
    year = tmp_path / "2023"
    retired = {
        "phong-noi-vu v2.xlsx.old": ".old",
        "phong-tu-phap.xlsx.orig": ".orig",
        "phong-kinh-te-ha-tang.xlsx.1": ".1",
        "van-phong.xls.cu": ".cu",
        "phong-noi-vu ban nhap.old": ".old",
        "phong-noi-vu.backup": ".backup",
        "phong-tu-phap.xlsx_old": ".xlsx_old",  # round 2, m01
        "phong-tu-phap.xls-cu": ".xls-cu",
        "phong-tu-phap.XLSX (cu)": ".XLSX (cu)",
    }
    for name in retired:
        _touch(year / name)
    _touch(year / "phong-noi-vu.xlsx - Shortcut.lnk")
    kept = {
        "phong-noi-vu": "candidate",  # saved without an extension: read by content
        # a name with a dot, saved without an extension (round 2, m16): "15.01",
        # "v1.5" are no suffix of a retired copy
        "Phong Noi vu 15.01": "candidate",
        "phong-tu-phap v1.5": "candidate",
        "phong-noi-vu.xlsx.pdf": "attachment",  # a form printed to PDF
        "phong-noi-vu.xlsx.zip": "candidate",  # zipped: read, refused saying why
        "ghi-chu.txt": "candidate",
        "phong-noi-vu.xlxs": "candidate",  # a typing slip in the extension
    }
    for name in kept:
        _touch(year / name)

    found_entries = {entry.name: entry for entry in discover(year, 2023, OLD + 3600)}
    found = {name: (entry.status, entry.note) for name, entry in found_entries.items()}

    for name, suffix in retired.items():
        entry = found_entries[f"2023/{name}"]
        said = messages.FILE_IGNORED_RETIRED.format(suffix=suffix)
        # a warning too: a department whose only file it is hears of it (m15)
        assert (entry.status, entry.note, entry.warning) == ("ignored", said, said), (
            name
        )
    assert found["2023/phong-noi-vu.xlsx - Shortcut.lnk"] == (
        "ignored",
        messages.FILE_IGNORED_SHORTCUT,
    )
    for name, status in kept.items():
        assert found[f"2023/{name}"][0] == status, name


def _with_appraisal(source: Path, target: Path, code: str, score: float) -> None:
    """A copy of a department's form with one leaf's appraisal changed."""
    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row and str(row[0].value).strip() == code:
                row[4].value = score
    book.save(target)


def test_a_newer_retired_copy_never_replaces_the_department_file(
    inputs: Path,
) -> None:
    nv = inputs / "2023" / "phong-noi-vu.xlsx"
    retired = inputs / "2023" / "phong-noi-vu v2.xlsx.old"
    _with_appraisal(nv, retired, "5.2.1", 0.5)
    later = nv.stat().st_mtime + 86_400
    os.utime(retired, (later, later))
    shutil.copy2(retired, inputs / "2023" / "phong-tu-phap.xlsx.1")

    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    history, history_problems = pipeline.load_history(inputs)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)

    statuses = dict(
        ingested.submissions.select("file", "status").iter_rows()  # type: ignore[arg-type]
    )
    assert statuses["2023/phong-noi-vu.xlsx"] == "used"
    assert statuses["2023/phong-noi-vu v2.xlsx.old"] == "ignored"
    assert statuses["2023/phong-tu-phap.xlsx.1"] == "ignored"
    assert round(result.current.total, 2) == 79.24


def test_a_spreadsheet_named_with_a_leading_tilde_is_not_read_and_said(
    tmp_path: Path,
) -> None:
    """Excel's lock files start with ``~$``; a spreadsheet whose name starts
    with ``~`` alone is a person's file (a draft marked so, or a resubmission):
    still not read, but said by a warning, not only a note (blind round 15, c38)."""
    year = tmp_path / "2023"
    _touch(year / "~phong-noi-vu v2.xlsx")
    _touch(year / "~$phong-noi-vu.xlsx")
    _touch(year / "~WRL0001.tmp")

    found = {entry.name: entry for entry in discover(year, 2023, OLD + 3600)}

    tilde = found["2023/~phong-noi-vu v2.xlsx"]
    said = messages.FILE_IGNORED_TILDE.format(file="2023/~phong-noi-vu v2.xlsx")
    assert (tilde.status, tilde.note, tilde.warning) == ("ignored", said, said)
    lock = found["2023/~$phong-noi-vu.xlsx"]
    assert (lock.status, lock.note, lock.warning) == (
        "ignored",
        messages.FILE_IGNORED_LOCK,
        None,
    )
    assert found["2023/~WRL0001.tmp"].warning is None


def test_two_names_alike_but_for_their_unicode_form_are_said(tmp_path: Path) -> None:
    """``Phòng Tư pháp.xlsx`` written composed (Windows) and decomposed (a Mac)
    are two files whose names read the same in every message: each is told
    which other name it only looks like (blind round 15, c19)."""
    import unicodedata

    year = tmp_path / "2023"
    composed = unicodedata.normalize("NFC", "Phòng Tư pháp.xlsx")
    decomposed = unicodedata.normalize("NFD", "Phòng Tư pháp.xlsx")
    _touch(year / composed)
    _touch(year / decomposed)
    _touch(year / "phong-noi-vu.xlsx")

    found = {entry.name: entry for entry in discover(year, 2023, OLD + 3600)}

    # each says which one it is, by its form and its time: the listing and
    # every message show the two names alike
    said = messages.FILE_NAME_TWIN.format(
        file=f"2023/{composed}",
        count=2,
        forms="NFC, NFD",
        form="NFC",
        modified=local_iso(found[f"2023/{composed}"].mtime),
    )
    assert found[f"2023/{composed}"].warning == said
    assert found[f"2023/{decomposed}"].warning == messages.FILE_NAME_TWIN.format(
        file=f"2023/{decomposed}",
        count=2,
        forms="NFC, NFD",
        form="NFD",
        modified=local_iso(found[f"2023/{decomposed}"].mtime),
    )
    assert "Tệp này: tên mã hóa NFD, sửa lúc " in (
        found[f"2023/{decomposed}"].warning or ""
    )
    assert found["2023/phong-noi-vu.xlsx"].warning is None


def test_a_link_named_as_a_form_is_not_read_and_said(tmp_path: Path) -> None:
    """A symbolic link ``phong-tu-phap.xlsx`` (an office linking its file from
    elsewhere) was ignored without a word: the department "chưa nộp" (blind
    round 25B, 6). Never read through (safety), but said by a warning."""
    year = tmp_path / "2023"
    _touch(tmp_path / "elsewhere" / "tu-phap.xlsx")
    year.mkdir()
    (year / "phong-tu-phap.xlsx").symlink_to(tmp_path / "elsewhere" / "tu-phap.xlsx")
    (year / "ghi-chu").symlink_to(tmp_path / "elsewhere")  # no form's name: a note
    found = {entry.name: entry for entry in discover(year, 2023, time.time())}
    link = found["2023/phong-tu-phap.xlsx"]
    said = messages.FILE_IGNORED_NOT_FILE
    assert (link.status, link.note, link.warning) == ("ignored", said, said)
    other = found["2023/ghi-chu"]
    assert (other.status, other.warning) == ("ignored", None)

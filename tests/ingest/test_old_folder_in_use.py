"""A version kept in a folder whose name says it is old (`cu/`, `bản cũ/`,
`old/`) that is the newest by time stays in use (time decides, README), and a
warning says so, naming the folder and the file it replaced: a clerk who copies
the first version into `cu/` gives it a new time (blind round 15, B: c23)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from parindex import messages, pipeline
from tests.builders import don_vi_line, set_appraisal

NV = "2023/phong-noi-vu.xlsx"


def _ingest(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


def test_a_newest_version_in_an_old_folder_is_used_and_said(inputs: Path) -> None:
    year = inputs / "2023"
    shutil.copy2(year / "phong-noi-vu.xlsx", inputs / "first.xlsx")
    set_appraisal(year / "phong-noi-vu.xlsx", "5.2.1", 0.5)  # the second version
    moment = time.time() - 86_400
    os.utime(year / "phong-noi-vu.xlsx", (moment, moment))
    (year / "Bản cũ").mkdir()
    kept = year / "Bản cũ" / "phong-noi-vu.xlsx"
    shutil.copyfile(inputs / "first.xlsx", kept)  # copied: a new time
    (inputs / "first.xlsx").unlink()

    ingested = _ingest(inputs)

    statuses = dict(ingested.submissions.select("file", "status").iter_rows())  # type: ignore[arg-type]
    assert statuses["2023/Bản cũ/phong-noi-vu.xlsx"] == "used"
    assert statuses[NV] == "superseded"
    said = ingested.problems.filter(
        ingested.problems["message"]
        == messages.OLD_FOLDER_FILE_IN_USE.format(
            file="2023/Bản cũ/phong-noi-vu.xlsx", folder="Bản cũ", other=NV
        )
    )
    assert said.select("severity", "file", "department").rows() == [
        ("warning", "2023/Bản cũ/phong-noi-vu.xlsx", "NV")
    ]


def test_an_older_version_in_an_old_folder_says_nothing_more(inputs: Path) -> None:
    year = inputs / "2023"
    (year / "cu").mkdir()
    shutil.copy2(year / "phong-noi-vu.xlsx", year / "cu" / "phong-noi-vu.xlsx")
    moment = time.time() - 86_400
    os.utime(year / "cu" / "phong-noi-vu.xlsx", (moment, moment))
    set_appraisal(year / "phong-noi-vu.xlsx", "5.2.1", 0.5)

    ingested = _ingest(inputs)

    assert not ingested.problems["message"].str.contains("tên thư mục").any()


def _first_version_kept_as(inputs: Path, kept: str) -> Path:
    """The sample's NV form corrected (5.2.1 = 0.5) a day ago, and its first
    version copied (a new time) to ``kept`` below the year folder."""
    year = inputs / "2023"
    first = inputs / "first.xlsx"
    shutil.copy2(year / "phong-noi-vu.xlsx", first)
    set_appraisal(year / "phong-noi-vu.xlsx", "5.2.1", 0.5)
    moment = time.time() - 86_400
    os.utime(year / "phong-noi-vu.xlsx", (moment, moment))
    target = year / kept
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(first, target)
    first.unlink()
    return target


@pytest.mark.parametrize(
    ("folder", "said"), [("Bản cũ 2023", "Bản cũ 2023"), ("backup 15-1", "backup 15-1")]
)
def test_old_folders_are_known_by_their_words(
    inputs: Path, folder: str, said: str
) -> None:
    """Round 2 (m05): `Bản cũ 2023/`, `backup 15-1/` were not recognised."""
    _first_version_kept_as(inputs, f"{folder}/phong-noi-vu.xlsx")
    ingested = _ingest(inputs)
    message = messages.OLD_FOLDER_FILE_IN_USE.format(
        file=f"2023/{folder}/phong-noi-vu.xlsx", folder=said, other=NV
    )
    assert message in ingested.problems["message"].to_list()


@pytest.mark.parametrize(
    ("name", "word"),
    [("phong-noi-vu.old.xlsx", "old"), ("phong-noi-vu (cũ).xlsx", "cũ")],
)
def test_a_file_named_as_an_old_version_in_use_is_said(
    inputs: Path, name: str, word: str
) -> None:
    """Round 2 (m02): a first version copied as `….old.xlsx` or `… (cũ).xlsx`
    wins by its time over the corrected form; time still decides, and a
    warning says the name calls it old."""
    _first_version_kept_as(inputs, name)
    ingested = _ingest(inputs)
    statuses = dict(ingested.submissions.select("file", "status").iter_rows())  # type: ignore[arg-type]
    assert statuses[f"2023/{name}"] == "used"
    message = messages.OLD_NAME_FILE_IN_USE.format(
        file=f"2023/{name}", word=word, other=NV
    )
    assert message in ingested.problems["message"].to_list()


def test_a_file_with_no_valid_row_at_the_same_time_is_not_called_older(
    inputs: Path,
) -> None:
    """Two files in `Phòng Nội vụ/` with one time: NV's form and TP's form (no
    `Đơn vị` line in either). TP's rows are none of NV's: it is not used, and
    its note says why, not "a newer file" (round 2, n13)."""
    import openpyxl

    year = inputs / "2023"
    folder = year / "Phòng Nội vụ"
    folder.mkdir()
    for source, target in (
        ("phong-noi-vu.xlsx", "bang diem NV.xlsx"),
        ("phong-tu-phap.xlsx", "bang diem.xlsx"),
    ):
        book = openpyxl.load_workbook(year / source)
        don_vi_line(book.active).value = None
        book.save(folder / target)
        (year / source).unlink()
    moment = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (moment, moment))

    ingested = _ingest(inputs)

    row = ingested.submissions.filter(
        ingested.submissions["file"] == "2023/Phòng Nội vụ/bang diem.xlsx"
    )
    assert row.select("status", "note").row(0) == (
        "superseded",
        messages.FILE_NO_VALID_ROW_SAME_TIME.format(
            used="2023/Phòng Nội vụ/bang diem NV.xlsx"
        ),
    )

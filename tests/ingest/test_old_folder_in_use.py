"""A version kept in a folder whose name says it is old (`cu/`, `bản cũ/`,
`old/`) that is the newest by time stays in use (time decides, README), and a
warning says so, naming the folder and the file it replaced: a clerk who copies
the first version into `cu/` gives it a new time (blind round 15, B: c23)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from parindex import messages, pipeline
from tests.builders import set_appraisal

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

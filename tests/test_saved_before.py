"""The corrected form saved on 12/1 and an earlier version saved on 10/1 but
copied into the folder later (a re-download, "phong-noi-vu (1).xlsx"): the
newest file time wins (README, Choices), so the older version was used, and
only the corrected file was told "a newer file exists" (blind round 23B, F3).
The rule stands; where the workbooks' own save times say the other way round,
it is said on the file used."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import polars as pl

from parindex import messages, pipeline

NV = "2023/phong-noi-vu.xlsx"
COPY = "2023/phong-noi-vu (1).xlsx"


def _saved(path: Path, when: dt.datetime, reason: str | None = None) -> None:
    """The workbook re-saved recording ``when`` as its last save (1.3.2's
    reason set to ``reason``)."""
    book = openpyxl.load_workbook(path)
    if reason is not None:
        sheet = book.active
        next(r for r in sheet.iter_rows() if r[0].value == "1.3.2")[5].value = reason
    book.save(path)  # openpyxl records now: the recorded time written after
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as saved, zipfile.ZipFile(path, "w") as out:
        for info in saved.infolist():
            part = saved.read(info)
            if info.filename == "docProps/core.xml":
                stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                part = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, part
                )
            out.writestr(info, part)


def _run(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


def test_an_older_save_copied_later_is_used_and_said(inputs: Path) -> None:
    shutil.copy2(inputs / NV, inputs / COPY)
    _saved(inputs / NV, dt.datetime(2024, 1, 12, 9, 0), reason="Đã sửa")  # corrected
    _saved(inputs / COPY, dt.datetime(2024, 1, 10, 9, 0))  # the earlier version
    later = time.time()
    os.utime(inputs / NV, (later - 3600, later - 3600))
    os.utime(inputs / COPY, (later - 60, later - 60))
    ingested = _run(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert (status[COPY], status[NV]) == ("used", "superseded")  # the rule
    said = ingested.problems.filter(pl.col("file") == COPY)
    assert said.select("severity", "message").rows() == [
        (
            "warning",
            messages.FILE_NEWEST_SAVED_BEFORE.format(
                used=COPY,
                saved="10/01/2024 16:00",
                other=NV,
                other_saved="12/01/2024 16:00",
            ),
        )
    ]


def test_save_times_in_the_files_order_say_nothing(inputs: Path) -> None:
    shutil.copy2(inputs / NV, inputs / COPY)
    _saved(inputs / NV, dt.datetime(2024, 1, 10, 9, 0))
    _saved(inputs / COPY, dt.datetime(2024, 1, 12, 9, 0), reason="Đã sửa")
    later = time.time()
    os.utime(inputs / NV, (later - 3600, later - 3600))
    os.utime(inputs / COPY, (later - 60, later - 60))
    ingested = _run(inputs)
    assert ingested.problems.filter(pl.col("file") == COPY).is_empty()


def test_an_older_save_of_the_same_scores_says_nothing(inputs: Path) -> None:
    """The two versions differ in their bytes only (re-saved, the same scores
    and reasons): which one is used changes no figure, and "nội dung khác"
    was said of them (blind re-check 23C, finding 7)."""
    shutil.copy2(inputs / NV, inputs / COPY)
    _saved(inputs / NV, dt.datetime(2024, 1, 12, 9, 0))
    _saved(inputs / COPY, dt.datetime(2024, 1, 10, 9, 0))
    later = time.time()
    os.utime(inputs / NV, (later - 3600, later - 3600))
    os.utime(inputs / COPY, (later - 60, later - 60))
    ingested = _run(inputs)
    assert (inputs / NV).read_bytes() != (inputs / COPY).read_bytes()
    assert ingested.problems.filter(pl.col("file") == COPY).is_empty()

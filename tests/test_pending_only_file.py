"""A department whose only file is still being written (modified within the settle
time) is not said not to have submitted (blind round 17, P4: "chưa nộp", while the
file waits for the next run)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import polars as pl

from parindex import pipeline


def test_a_department_whose_only_file_waits_is_said_so(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    now = time.time()
    form = inputs / "2023" / "phong-tu-phap.xlsx"
    os.utime(form, (now - 5, now - 5))  # saved five seconds ago
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, now, settle_seconds=60)
    statuses = dict(ingested.submissions.select("file", "status").iter_rows())
    assert statuses["2023/phong-tu-phap.xlsx"] == "pending"
    about_tp = ingested.problems.filter(pl.col("department") == "TP")[
        "message"
    ].to_list()
    assert about_tp == [
        "Chưa có tệp chấm điểm năm 2023 nào của đơn vị Phòng Tư pháp dùng được lần "
        "này: có tệp vừa được sửa, có thể đang được ghi, để lại cho lần chạy sau "
        "(“2023/phong-tu-phap.xlsx”); tệp của đơn vị có thể là tệp đó."
    ]

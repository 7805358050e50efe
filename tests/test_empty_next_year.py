"""An empty folder of the next year made in advance (blind round 17, P11): the
nightly run, given no year, consolidated that empty year (every department
missing) and left the current year's outputs as they were. The default year is
now the latest whose folder holds a file, and the run says why the newer one
was passed over."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import polars as pl

from parindex import pipeline

WAITING = (
    "Thư mục năm 2024 (“2024”) chưa có tệp nào: năm 2024 chưa được tổng hợp. Lần "
    "chạy không ghi năm tổng hợp năm mới nhất có tệp; khi năm 2024 có bài nộp, "
    "lần chạy tự chuyển sang năm 2024."
)


def test_an_empty_next_year_folder_is_not_the_default_year(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    (inputs / "2024" / "Phòng Nội vụ").mkdir(parents=True)  # folders, no file
    assert pipeline.latest_year(inputs) == 2023
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    said = ingested.problems.filter(pl.col("message").str.starts_with("Thư mục năm"))
    assert said.select("severity", "message").rows() == [("warning", WAITING)]
    (inputs / "2024" / "Phòng Nội vụ" / "ghi-chu.txt").write_text("x")
    assert pipeline.latest_year(inputs) == 2024


def test_only_empty_year_folders_give_the_latest(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "2025").mkdir(parents=True)
    (inputs / "2026").mkdir()
    assert pipeline.latest_year(inputs) == 2026

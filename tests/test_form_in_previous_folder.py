"""A form stating the run's year dropped in the previous year's folder (blind set
c97: NV's corrected 2023 file in ``inputs/2022/``) is not lost without a word: the
run of the year it states, which reads that folder for the previous year, warns
naming file, sheet and the cell of its year line. The previous year's figures do
not change (README, Folder shape)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import polars as pl

from parindex import pipeline
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.problems import concat_problems
from tests.builders import write_rows, write_submission

HEADER = ("Mã tiêu chí", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định")
ROWS = [["1.1", "Kế hoạch", 1, 0.75], ["1.2.1", "Báo cáo chung", 0.5, 0.5]]
CORRECTED = [["1.1", "Kế hoạch", 1, 1], ["1.2.1", "Báo cáo chung", 0.5, 0.5]]
COLUMNS = ("severity", "file", "sheet", "cell", "department", "message")


def _folders(inputs: Path) -> None:
    write_submission(inputs / "2022" / "nv.xlsx", ROWS, header=HEADER, year=2022)
    write_submission(inputs / "2023" / "nv.xlsx", ROWS, header=HEADER, year=2023)


def test_a_form_of_the_run_year_in_last_years_folder_is_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    _folders(tmp_path)
    before = pipeline.previous_year(tmp_path, 2023, now)
    assert before.problems.is_empty()
    write_submission(
        tmp_path / "2022" / "nv-2023-sua.xlsx", CORRECTED, header=HEADER, year=2023
    )
    found = pipeline.previous_year(tmp_path, 2023, now)
    assert found.problems.select(COLUMNS).rows() == [
        (
            "warning",
            "2022/nv-2023-sua.xlsx",
            "Chấm điểm",
            "A3",
            "NV",
            "Bảng chấm điểm ở sheet “Chấm điểm” của tệp 2022/nv-2023-sua.xlsx ghi "
            "năm 2023 (ô A3) nhưng tệp nằm trong thư mục năm 2022: bảng này không "
            "được tổng hợp vào năm 2023. Nếu đây là bài nộp năm 2023, hãy chuyển tệp "
            "vào thư mục “2023”.",
        )
    ]
    # 2022's figures are what they were without the file (it is set aside there)
    assert found.result is not None and before.result is not None
    assert found.result.total == before.result.total
    # the warning reaches the 2023 run's problems (as the flow passes it)
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    history, history_problems = pipeline.load_history(tmp_path)
    result = pipeline.build_result(
        small_criteria,
        ingested,
        found.result,
        history,
        concat_problems([history_problems, found.problems]),
    )
    said = result.problems.filter(pl.col("file") == "2022/nv-2023-sua.xlsx")
    assert said.select(COLUMNS).rows() == found.problems.select(COLUMNS).rows()
    # and the 2023 submission accounting stays the 2023 folder's
    assert result.submissions["file"].to_list() == ["2023/nv.xlsx"]


def test_a_sheet_of_the_run_year_in_a_file_of_last_year_is_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    _folders(tmp_path)
    (tmp_path / "2022" / "nv.xlsx").unlink()

    def table(year: int, rows: list[list[object]]) -> list[list[object]]:
        return [
            ["BẢNG TỰ CHẤM ĐIỂM"],
            ["Đơn vị: Phòng Nội vụ"],
            [f"Năm: {year}"],
            [],
            list(HEADER),
            *rows,
        ]

    write_rows(
        tmp_path / "2022" / "nv.xlsx",
        {"Năm 2022": table(2022, ROWS), "Sửa 2023": table(2023, CORRECTED)},  # type: ignore[dict-item]
    )
    found = pipeline.previous_year(tmp_path, 2023, now)
    assert found.problems.select(COLUMNS).rows() == [
        (
            "warning",
            "2022/nv.xlsx",
            "Sửa 2023",
            "A3",
            "NV",
            "Bảng chấm điểm ở sheet “Sửa 2023” của tệp 2022/nv.xlsx ghi năm 2023 "
            "(ô A3) nhưng tệp nằm trong thư mục năm 2022: bảng này không được tổng "
            "hợp vào năm 2023. Nếu đây là bài nộp năm 2023, hãy chép sheet này sang "
            "một tệp trong thư mục “2023”.",
        )
    ]
    assert found.result is not None
    assert found.result.total == 1.25  # 2022's own sheet: 0.75 + 0.5


def test_kept_between_nights_with_its_warning(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    (inputs / "criteria").mkdir(parents=True)
    shutil.copy(tmp_path / "criteria" / "small.xlsx", inputs / "criteria")
    _folders(inputs)
    write_submission(
        inputs / "2022" / "nv-2023-sua.xlsx", CORRECTED, header=HEADER, year=2023
    )
    now = time.time()
    cold = pipeline.previous_year(inputs, 2023, now, outputs)
    warm = pipeline.previous_year(inputs, 2023, now, outputs)  # served from outputs
    assert cold.problems.height == 1
    assert warm.problems.rows() == cold.problems.rows()

"""The previous year's folder none of whose files can be used (every file
corrupt, or forms sent with no score) was passed over without a word: the
comparison silently fell back on the published figures, or vanished. It is now
said, as a previous folder that leaves some criteria unscored is (README,
Choices: "Previous year")."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import pipeline
from parindex.analysis import AnalysedResult


def _result(inputs: Path) -> AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    previous = pipeline.previous_year(inputs, 2023, time.time())
    return pipeline.build_result(
        criteria, ingested, previous.result, history, history_problems
    )


def _unusable_2022(inputs: Path) -> None:
    for path in (inputs / "2022").glob("*.xlsx"):
        path.write_bytes(b"not a workbook")


def _said(result: AnalysedResult) -> list[str]:
    found = result.problems.filter(pl.col("message").str.starts_with("Thư mục 2022/"))
    return found["message"].to_list()


def test_an_unusable_previous_folder_is_said_and_the_published_year_used(
    inputs: Path,
) -> None:
    _unusable_2022(inputs)
    result = _result(inputs)
    assert _said(result) == [
        "Thư mục 2022/ không có bài nộp nào dùng được (0/74 tiêu chí có điểm): "
        "tổng điểm và chỉ số thành phần năm 2022 lấy theo số đã công bố trong "
        "history.xlsx."
    ]
    assert result.previous_total == 72.1
    assert result.analysis.headline.previous_total == 72.1


def test_an_unusable_previous_folder_without_a_published_year_is_not_compared(
    inputs: Path,
) -> None:
    _unusable_2022(inputs)
    book = openpyxl.load_workbook(inputs / "history.xlsx")
    for sheet in book.worksheets:
        for row in range(sheet.max_row, 1, -1):
            if sheet.cell(row, 1).value == 2022:
                sheet.delete_rows(row)
    book.save(inputs / "history.xlsx")
    result = _result(inputs)
    assert _said(result) == [
        "Thư mục 2022/ không có bài nộp nào dùng được (0/74 tiêu chí có điểm) và "
        "history.xlsx không có tổng điểm năm 2022: năm 2022 không được so sánh."
    ]
    assert result.previous_total is None


def test_no_criterion_is_said_to_rise_or_fall_against_an_unusable_folder(
    inputs: Path, tmp_path: Path
) -> None:
    """With 2022's folder unusable the report said "Không có tiêu chí nào tăng
    điểm so với năm 2022" and "… bị trừ điểm cả năm 2022 và năm 2023", though no
    criterion of 2022 is known (blind re-check of round 20)."""
    _unusable_2022(inputs)
    outputs = tmp_path / "outputs"
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    previous = pipeline.previous_year(inputs, 2023, time.time())
    result = pipeline.build_result(
        criteria, ingested, previous.result, history, history_problems
    )
    assert result.previous is None  # no criterion of 2022 to compare with
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())
    text = (outputs / "2023" / "summary-2023.md").read_text("utf-8")
    assert "Không có tiêu chí nào tăng điểm" not in text
    assert "bị trừ điểm cả năm 2022" not in text
    assert (
        "Chưa có điểm từng tiêu chí của năm 2022 nên chưa so sánh được từng tiêu chí."
        in text
    )

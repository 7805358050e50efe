"""A row whose criterion name is another criterion's: the code is in doubt, the row
is set aside with an error naming both cells (README, Choices: a code and its
row's name that disagree); names the criteria set does not know say nothing."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex.check import check_files
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.pipeline import build_result, consolidate_previous, load_history
from parindex.render.summary import render_summary
from tests.builders import write_submission

HEADER = ("Mã tiêu chí", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định")


def _message(code_cell: str, code: str, name_cell: str, other: str, name: str) -> str:
    return (
        f"Ô {code_cell} ghi mã {code} nhưng tên tiêu chí ở {name_cell} là tên của "
        f"tiêu chí {other} (“{name}”), không phải của {code}: không rõ mã nào đúng, "
        "dòng không được dùng; hãy sửa mã hoặc tên rồi gửi lại."
    )


def test_two_swapped_codes_set_their_rows_aside(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["2.1", "Kế hoạch", 1, 1],  # 1.1's name
            ["1.1", "Điều tra", 3, 2.5],  # 2.1's name
            ["1.2.1", "Báo cáo chung", 0.5, 0.5],
        ],
        header=HEADER,
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.rows.select("code", "appraised_score").rows() == [("1.2.1", 0.5)]
    assert ingested.problems.filter(pl.col("severity") == "error").select(
        "file", "sheet", "cell", "criterion", "message"
    ).rows() == [
        (
            "2023/nv.xlsx",
            "Chấm điểm",
            "A6",
            "2.1",
            _message("A6", "2.1", "B6", "1.1", "Kế hoạch"),
        ),
        (
            "2023/nv.xlsx",
            "Chấm điểm",
            "A7",
            "1.1",
            _message("A7", "1.1", "B7", "2.1", "Điều tra"),
        ),
    ]


def test_retyped_abbreviated_or_parent_names_and_blank_rows_say_nothing(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["1.1", "  KẾ  HOẠCH.", 1, 1],  # its own name, retyped
            ["1.2.1", "Báo cáo", 0.5, 0.5],  # its parent's (1.2) name
            ["2.1", "Điều tra XHH", 3, 2.5],  # a name the set does not know
            ["1.2.2.1", "Kế hoạch", None, None],  # another's name, not scored
        ],
        header=HEADER,
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.rows.select("code", "appraised_score").rows() == [
        ("1.1", 1.0),
        ("1.2.1", 0.5),
        ("2.1", 2.5),
    ]
    assert ingested.problems.filter(pl.col("severity") == "error").height == 0


def test_the_sample_with_two_codes_swapped_in_column_a(
    tmp_path: Path, sample_inputs: Path, sample_criteria: CriteriaSet
) -> None:
    """NV's 1.3.1 and 5.2.1 swapped in column A only (names and scores stay): read
    silently before, 1.3.1 = 0 and component 1 = 8.28 instead of 9.28."""
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    path = inputs / "2023" / "phong-noi-vu.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    rows = {str(sheet.cell(r, 1).value).strip(): r for r in range(1, sheet.max_row + 1)}
    first, second = rows["1.3.1"], rows["5.2.1"]
    sheet.cell(first, 1).value, sheet.cell(second, 1).value = "5.2.1", "1.3.1"
    workbook.save(path)

    ingested = ingest_year(inputs, 2023, sample_criteria, time.time())
    errors = ingested.problems.filter(pl.col("severity") == "error")
    assert errors.select("file", "sheet", "cell", "criterion", "message").rows() == [
        (
            "2023/phong-noi-vu.xlsx",
            "Chấm điểm",
            f"A{first}",
            "5.2.1",
            _message(
                f"A{first}",
                "5.2.1",
                f"B{first}",
                "1.3.1",
                "Mức độ thực hiện kế hoạch kiểm tra CCHC",
            ),
        ),
        (
            "2023/phong-noi-vu.xlsx",
            "Chấm điểm",
            f"A{second}",
            "1.3.1",
            _message(
                f"A{second}",
                "1.3.1",
                f"B{second}",
                "5.2.1",
                "Thực hiện quy định về tuyển dụng công chức, viên chức",
            ),
        ),
    ]
    used = ingested.rows.filter(pl.col("department") == "NV")["code"].to_list()
    assert "1.3.1" not in used and "5.2.1" not in used
    history, problems = load_history(inputs)
    previous = consolidate_previous(inputs, 2023, time.time())
    result = build_result(sample_criteria, ingested, previous, history, problems)
    summary = json.loads(render_summary(result))
    # the two rows count nothing, and the figures say they are not final
    assert (summary["status"], summary["total"]) == ("provisional", 78.24)
    assert [(c["code"], c["score"]) for c in summary["components"]][:5:4] == [
        ("1", 8.28),
        ("5", 5.5),
    ]


def test_parindex_check_reports_the_same_error(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    form = write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [["2.1", "Kế hoạch", 1, 1], ["1.2.1", "Báo cáo chung", 0.5, 0.5]],
        header=HEADER,
    )
    criteria = tmp_path / "criteria" / "small.xlsx"
    problems = check_files([form], tmp_path, criteria=criteria)
    assert problems.filter(pl.col("severity") == "error").select(
        "cell", "criterion", "message"
    ).rows() == [("A6", "2.1", _message("A6", "2.1", "B6", "1.1", "Kế hoạch"))]

"""The rows set aside (``rows_set_aside``, "Dòng bị loại") tell the truth:

- a row that is used (a shared criterion whose departments disagree: an error,
  but the lead's row is the figure) is not listed as set aside;
- a row set aside whose criterion is scored from another department's row says
  so, naming that department and its file, never "chưa có điểm hợp lệ";
- rows set aside because their code cannot be read are listed, by cell;
- a file none of whose rows is used is not a submission in use: the department
  submitted a file that could not be used;
- a code cell holding an invisible character shows it in the message.

Each case edits the shipped sample (79,24 điểm) the way a clerk would."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages, pipeline
from parindex import run_record as record
from parindex.ingest.winners import rows_set_aside
from parindex.text import visible

NV = "2023/phong-noi-vu.xlsx"


def _result(inputs: Path) -> pipeline.AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(criteria, ingested, None, history, history_problems)


def _set_aside(result: pipeline.AnalysedResult) -> list[str]:
    return rows_set_aside(result.submissions, result.problems, result.current)


def _edit(inputs: Path, name: str, cells: dict[str, object]) -> None:
    path = inputs / "2023" / name
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    for cell, value in cells.items():
        sheet[cell] = value
    book.save(path)


def _errors(result: pipeline.AnalysedResult) -> list[tuple[str, str, str]]:
    errors = result.problems.filter(pl.col("severity") == "error")
    rows = errors.select("file", "cell", "message").rows()
    return [(file or "", cell or "", message) for file, cell, message in rows]


@pytest.fixture
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    return inputs


def test_a_shared_criterion_in_conflict_is_not_a_row_set_aside(inputs: Path) -> None:
    # TCKH appraises the shared 1.2.1 at 0,5; NV, its lead, at 0 (c68)
    _edit(inputs, "phong-tai-chinh-ke-hoach.xlsx", {"E10": 0.5})
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    assert _set_aside(result) == []
    # the error names the other department's row too, not only the lead's
    assert _errors(result) == [
        (
            NV,
            "E11",
            "Tiêu chí dùng chung 1.2.1: các đơn vị chấm khác nhau (NV: 0; TCKH: 0,5 "
            "ở ô E10 của 2023/phong-tai-chinh-ke-hoach.xlsx); tổng hợp dùng 0 điểm "
            "của NV.",
        )
    ]
    nv = result.submissions.filter(pl.col("file") == NV).row(0, named=True)
    assert (nv["status"], nv["rows_read"], nv["rows_used"]) == ("used", 34, 24)


def test_a_row_set_aside_whose_criterion_another_department_scored_says_so(
    inputs: Path,
) -> None:
    # NV also scores 3.1.1, which only VP answers for (c43)
    _edit(inputs, "phong-noi-vu.xlsx", {"A42": "3.1.1", "C42": 1, "D42": 1, "E42": 1})
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    assert _set_aside(result) == [
        "Phòng Nội vụ: 1 dòng bị loại (tiêu chí 3.1.1) trong 2023/phong-noi-vu.xlsx; "
        "tiêu chí này vẫn có điểm hợp lệ: dùng điểm của Văn phòng HĐND và UBND "
        "huyện (2023/van-phong-hdnd-ubnd.xlsx)."
    ]


def test_rows_without_a_valid_score_keep_their_line(inputs: Path) -> None:
    # 1.3.2 typed with its unit: the criterion is left without a score
    _edit(inputs, "phong-noi-vu.xlsx", {"E16": "1,28 điểm"})
    result = _result(inputs)
    assert result.current.total == pytest.approx(77.96)
    assert _set_aside(result) == [
        messages.ROWS_SET_ASIDE_SUMMARY.format(
            department="Phòng Nội vụ", count=1, codes="1.3.2", file=NV
        )
    ]


def test_rows_whose_code_cannot_be_read_are_listed_by_cell(inputs: Path) -> None:
    # a zero-width space after 1.3.2, a decimal comma in 5.1 (c82, c11)
    _edit(inputs, "phong-noi-vu.xlsx", {"A16": "1.3.2\u200b", "A29": "5,1"})
    result = _result(inputs)
    assert result.current.total == pytest.approx(76.96)
    assert _errors(result) == [
        (
            NV,
            "A16",
            "Dòng có điểm nhưng ô mã tiêu chí “1.3.2⟨U+200B⟩” không phải là mã hợp lệ.",
        ),
        (NV, "A29", "Dòng có điểm nhưng ô mã tiêu chí “5,1” không phải là mã hợp lệ."),
    ]
    assert _set_aside(result) == [
        "Phòng Nội vụ: 2 dòng bị loại trong 2023/phong-noi-vu.xlsx vì không đọc được "
        "mã tiêu chí (ô A16, A29): các dòng này không được tính cho tiêu chí nào."
    ]


def test_a_file_none_of_whose_rows_is_used_is_submitted_but_unusable(
    inputs: Path,
) -> None:
    # every NV code written in Roman numerals: no row can be used (c12)
    path = inputs / "2023" / "phong-noi-vu.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    roman = {"1": "I", "4": "IV", "5": "V", "8": "VIII"}
    unread = []  # a component's own row, ``IV``, is component 4 (blind round 21)
    for row in range(8, 42):
        code = str(sheet[f"A{row}"].value)
        head, _, rest = code.partition(".")
        sheet[f"A{row}"] = roman[head] + ("." + rest if rest else "")
        if rest:
            unread.append(row)
    book.save(path)
    result = _result(inputs)
    nv = result.submissions.filter(pl.col("file") == NV).row(0, named=True)
    assert (nv["status"], nv["rows_used"], nv["note"]) == (
        "rejected",
        0,
        messages.FILE_NO_ROW_USED,
    )
    found = record.verdict(result)
    assert found.unusable == [("NV", "Phòng Nội vụ")]
    assert (
        "Đơn vị Phòng Nội vụ đã nộp nhưng tệp “2023/phong-noi-vu.xlsx” không dùng "
        "được: " + messages.FILE_NO_ROW_USED
    ) in result.problems["message"].to_list()
    cells = ", ".join(f"A{row}" for row in unread)
    assert len(unread) == 30
    assert _set_aside(result) == [
        f"Phòng Nội vụ: 30 dòng bị loại trong 2023/phong-noi-vu.xlsx vì không đọc "
        f"được mã tiêu chí (ô {cells}): các dòng này không được tính cho tiêu chí nào."
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1.3.2\u200b", "1.3.2⟨U+200B⟩"),
        ("5.5.2\u00a0", "5.5.2⟨U+00A0⟩"),
        ("\ufeff4.2.2", "⟨U+FEFF⟩4.2.2"),
        ("1. 2. 4", "1. 2. 4"),
        ("１．３", "１．３"),
    ],
)
def test_invisible_characters_are_shown(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_rows_are_counted_as_rows_not_criteria(inputs: Path) -> None:
    """1.3.2 typed on two rows (blind round 14, c10): both rows are set aside,
    and the line says two rows, not one."""
    _edit(
        inputs,
        "phong-noi-vu.xlsx",
        {"A17": "1.3.2", "B17": "Xử lý các vấn đề phát hiện qua kiểm tra", "E17": 1.0},
    )
    result = _result(inputs)
    assert [cell for _, cell, _ in _errors(result)] == ["A16", "A17"]
    assert _set_aside(result) == [
        messages.ROWS_SET_ASIDE_SUMMARY.format(
            department="Phòng Nội vụ", count=2, codes="1.3.2", file=NV
        )
    ]


def test_one_row_without_a_code_is_one_row(inputs: Path) -> None:
    """A signature line with a date where the self score goes and a year where
    the appraisal goes (x09): two errors on one row, one row set aside."""
    _edit(
        inputs, "phong-noi-vu.xlsx", {"D45": "Phong Thổ, ngày 15 tháng 01", "E45": 2024}
    )
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    assert _set_aside(result) == [
        "Phòng Nội vụ: 1 dòng bị loại trong 2023/phong-noi-vu.xlsx vì không đọc được "
        "mã tiêu chí (ô A45, D45): các dòng này không được tính cho tiêu chí nào."
    ]


def test_a_group_row_set_aside_loses_no_score(inputs: Path) -> None:
    """An error value on the group row 1.3 (x53): the error names the cell, but
    1.3 is computed from its scored leaves, so it is not "left without a valid
    score"."""
    _edit(inputs, "phong-noi-vu.xlsx", {"E14": "#REF!"})
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    assert [cell for _, cell, _ in _errors(result)] == ["E14"]
    assert _set_aside(result) == []


def test_rows_whose_code_is_not_in_the_set_are_listed(inputs: Path) -> None:
    """Blind round 19, B3: a row whose code the criteria set does not have (a
    criterion split into sub-codes, ``3.1.1`` typed as the number 3.11) is an
    error, but was left out of "Dòng bị loại"."""
    _edit(inputs, "phong-noi-vu.xlsx", {"A16": "1.3.9", "A29": 5.11})
    result = _result(inputs)
    assert result.current.total == pytest.approx(76.96)
    assert _set_aside(result) == [
        messages.ROWS_SET_ASIDE_UNKNOWN_CODE.format(
            department="Phòng Nội vụ", count=2, codes="1.3.9, 5.11", file=NV
        )
    ]

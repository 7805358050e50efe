"""Reading a submission's rows and validating them, with exact problem messages."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.ingest.normalise import normalise_rows
from parindex.ingest.read import SUBMISSION_COLUMNS, SUBMISSION_LABELS
from parindex.ingest.validate import validate_rows
from parindex.workbook import find_table, iter_sheets, open_workbook
from tests.builders import write_submission


def _rows(path: Path, department: str = "NV") -> pl.DataFrame:
    """The rows of a form of ``department``, as ``2023/<department>.xlsx``."""
    table = find_table(
        iter_sheets(open_workbook(path)), SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS
    )
    assert table is not None
    return normalise_rows(table, f"2023/{department.lower()}.xlsx", department)


def test_scores_as_text_with_decimal_comma_and_not_scored_marks(tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, "1", "0,5", "thiếu"],
            ["1.2.1.", "Báo cáo", "0,5", "-", "2.45"],
            [],
            ["Ghi chú: bảng do phòng tự chấm"],
            [None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"],
        ],
    )
    rows = _rows(path)
    assert rows.select(
        "code", "self_score", "appraised_score", "stated_max"
    ).rows() == [
        ("1.1", 1.0, 0.5, 1.0),
        ("1.2.1", None, 2.45, 0.5),
    ]
    assert rows["code_cell"].to_list() == ["A6", "A7"]
    assert rows["appraised_cell"].to_list() == ["E6", "E7"]
    assert rows["reason"].to_list() == ["thiếu", None]


def test_validation_sets_aside_bad_rows_with_exact_messages(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],  # good
            ["1.2.1", "Báo cáo", 0.5, 0.5, "nửa"],  # 1 error: not a number
            ["2.1", "Điều tra", 3, None, 3.5],  # 1 error: above max
            ["1.2.2.1", "Quý", 1, 1, 1],  # 1 error: TCKH's criterion
            ["9.9", "Lạ", 1, 1, 1],  # 1 error: unknown code
        ],
    )
    good, problems = validate_rows(_rows(path), small_criteria)
    assert good["code"].to_list() == ["1.1"]
    assert problems.select("severity", "cell", "criterion", "message").rows() == [
        (
            "error",
            "E7",
            "1.2.1",
            "Điểm thẩm định “nửa” không phải là số. Dòng này không được dùng, kể cả "
            "điểm tự đánh giá 0,5 ở ô D7. Nếu chưa có điểm thẩm định, hãy để trống ô "
            "E7 (ghi chú vào cột Nguyên nhân trừ điểm) rồi nộp lại.",
        ),
        (
            "error",
            "E8",
            "2.1",
            "Điểm thẩm định 3,5 vượt điểm tối đa 3 của tiêu chí 2.1.",
        ),
        (
            "error",
            "A9",
            "1.2.2.1",
            "Đơn vị NV không chủ trì tiêu chí 1.2.2.1 (đơn vị chủ trì: TCKH).",
        ),
        ("error", "A10", "9.9", "Mã tiêu chí 9.9 không có trong bộ chỉ số."),
    ]


def test_subtotal_rows_are_checked_not_added(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    path = write_submission(
        tmp_path / "nv.xlsx",
        [["1", "Chỉ đạo", 3, 2, 9], ["1.1", "Kế hoạch", 1, 1, 0.75]],
    )
    good, problems = validate_rows(_rows(path), small_criteria)
    assert good["code"].to_list() == ["1.1"]
    assert problems.select("severity", "cell", "message").rows() == [
        (
            "warning",
            "D6",
            "Dòng tổng 1: điểm ghi 2 khác tổng điểm các tiêu chí con trong tệp (1); "
            "parindex không cộng dòng tổng mà tự tính lại.",
        ),
        (
            "warning",
            "E6",
            "Dòng tổng 1: điểm ghi 9 khác tổng điểm các tiêu chí con trong tệp (0,75); "
            "parindex không cộng dòng tổng mà tự tính lại.",
        ),
    ]


def test_every_file_is_accounted_for(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    import os

    folder = tmp_path / "2023"
    old = write_submission(folder / "nv-cu.xlsx", [["1.1", "Kế hoạch", 1, 1, 0.5]])
    os.utime(old, (now - 3600, now - 3600))
    write_submission(folder / "nv-moi.xlsx", [["1.1", "Kế hoạch", 1, 1, 0.75]])
    write_submission(
        folder / "tckh.xlsx",
        [["2.2", "SIPAS", 1, None, 0.9]],
        department="Tài chính - Kế hoạch",
        year=2022,
    )
    (folder / "~$nv-moi.xlsx").write_bytes(b"lock")
    (folder / "ghi-chu.xlsx").write_bytes(b"not a spreadsheet")
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.submissions.select("file", "department", "status").rows() == [
        ("2023/ghi-chu.xlsx", None, "rejected"),
        ("2023/nv-cu.xlsx", "NV", "superseded"),
        ("2023/nv-moi.xlsx", "NV", "used"),
        ("2023/tckh.xlsx", "TCKH", "rejected"),
        ("2023/~$nv-moi.xlsx", None, "ignored"),
    ]
    assert ingested.rows.select("code", "appraised_score").rows() == [("1.1", 0.75)]
    messages = ingested.problems.select("file", "cell", "message").rows()
    assert (
        "2023/tckh.xlsx",
        "A3",
        "Tệp ghi năm 2022 nhưng nằm trong thư mục năm 2023: không dùng. Nếu là bài "
        "nộp năm 2023, hãy điền mẫu năm 2023 (dòng “Năm: 2023”) rồi nộp lại; nếu là "
        "tệp năm 2022, hãy chuyển sang thư mục 2022.",
    ) in messages
    assert (
        "2023/ghi-chu.xlsx",
        None,
        "Tệp không phải bảng tính mà là văn bản thuần (CSV hoặc TXT): có lẽ đã chọn "
        "nhầm tệp hoặc đổi đuôi tệp. Hãy nộp tệp Excel (.xlsx, .xlsm, .xls) hoặc "
        "LibreOffice (.ods).",
    ) in messages
    assert (
        "2023/nv-cu.xlsx",
        None,
        "Đã có tệp mới hơn của cùng đơn vị (2023/nv-moi.xlsx): tệp này không được dùng.",
    ) in messages


def test_every_kind_of_score_code_and_maximum_cell_reads_exactly() -> None:
    """The quick paths for the common cells (a number, an empty cell, a text
    code) give what the general rules give: numbers shown as a person reads
    them, infinities and NaN not a number, error values and percent formats
    named errors even when the reader gives a number."""
    from parindex import messages
    from parindex.sheetfacts import SheetFacts
    from parindex.workbook import Sheet, Table

    inf, nan = float("inf"), float("nan")
    sheet = Sheet(
        "S",
        [
            ["Mã", "Điểm tự đánh giá", "Điểm tối đa"],
            ["1.1", 1.0, 2.0],
            ["1.2", 0.25, inf],
            ["1.3", inf, "2"],
            ["1.4", nan, 2],
            ["1.5", "", 1.0],
            ["1.6", "0,5", ""],
            ["1.7", 1.0, 1.0],  # an error value the reader gives as a number
            ["1.8", 0.5, 1.0],  # shown as a percent
            [2.0, 1.0, nan],  # a code stored as a number
            ["  1.9. ", " #N/A ", -0.0],
            ["1.10", 7, 1e-05],
        ],
        facts=SheetFacts(errors={(7, 1): "#DIV/0!"}, percent=frozenset({(8, 1)})),
    )
    rows = normalise_rows(
        Table(sheet, 0, {"code": 0, "self": 1, "max": 2}), "f.xlsx", "NV"
    )
    assert rows.select(
        "raw_code", "code", "code_numeric", "self_raw", "self_score", "stated_max"
    ).rows() == [
        ("1.1", "1.1", False, "1", 1.0, 2.0),
        ("1.2", "1.2", False, "0.25", 0.25, None),
        ("1.3", "1.3", False, "inf", None, 2.0),
        ("1.4", "1.4", False, "nan", None, 2.0),
        ("1.5", "1.5", False, None, None, 1.0),
        ("1.6", "1.6", False, "0,5", 0.5, None),
        ("1.7", "1.7", False, "#DIV/0!", None, 1.0),
        ("1.8", "1.8", False, "50%", None, 1.0),
        ("2", "2", True, "1", 1.0, None),
        ("1.9.", "1.9", False, "#N/A", None, -0.0),
        ("1.10", "1.10", False, "7", 7.0, 1e-05),
    ]
    assert rows["notices"].to_list() == [
        *[None] * 6,
        "error\x1fB8\x1f" + messages.VALUE_ERROR.format(cell="B8", error="#DIV/0!"),
        "error\x1fB9\x1f" + messages.VALUE_PERCENT.format(cell="B9", shown="50%"),
        None,
        "error\x1fB11\x1f" + messages.VALUE_ERROR.format(cell="B11", error="#N/A"),
        None,
    ]
    assert rows["self_cell"].to_list() == [f"B{r}" for r in range(2, 13)]


def test_responsibility_follows_every_department_listed_on_a_leaf(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """A department listed second on a shared leaf is responsible for it, one
    listed nowhere (or no department at all) for nothing, and a subtotal code
    is never a criterion a department answers for."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.5],
            ["1.2.2.1", "Quý", 1, 1, 1],
            ["2.2", "SIPAS", 1, 1, 1],
        ],
    )
    table = find_table(
        iter_sheets(open_workbook(path)), SUBMISSION_COLUMNS, "code", SUBMISSION_LABELS
    )
    assert table is not None
    rows = pl.concat(
        [
            normalise_rows(table, "2023/tckh.xlsx", "TCKH"),
            normalise_rows(table, "2023/tp.xlsx", "TP"),
        ]
    )
    good, problems = validate_rows(rows, small_criteria)
    assert good.select("file", "code").rows() == [
        ("2023/tckh.xlsx", "1.2.1"),
        ("2023/tckh.xlsx", "1.2.2.1"),
        ("2023/tckh.xlsx", "2.2"),
    ]
    assert problems.select("file", "message").rows() == [
        (
            "2023/tp.xlsx",
            f"Đơn vị TP không chủ trì tiêu chí {code} (đơn vị chủ trì: {owners}).",
        )
        for code, owners in (
            ("1.2.1", "NV, TCKH"),
            ("1.2.2.1", "TCKH"),
            ("2.2", "TCKH"),
        )
    ]


def test_a_row_set_aside_says_its_other_score_is_not_used_either(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Blind round 28B, F1: a note in one score column set the whole row aside,
    its other score too, while the message named only the note."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, "đạt", 0.75],
            ["1.2.1", "Báo cáo", 0.5, 0.5, -0.25],
        ],
    )
    good, problems = validate_rows(_rows(path), small_criteria)
    assert good.height == 0
    assert problems.select("cell", "message").rows() == [
        (
            "D6",
            "Điểm tự đánh giá “đạt” không phải là số. Dòng này không được dùng, kể cả "
            "điểm thẩm định 0,75 ở ô E6. Nếu chưa có điểm tự đánh giá, hãy để trống ô "
            "D6 (ghi chú vào cột Nguyên nhân trừ điểm) rồi nộp lại.",
        ),
        (
            "E7",
            "Điểm thẩm định -0,25 là số âm. Dòng này không được dùng, kể cả điểm tự "
            "đánh giá 0,5 ở ô D7.",
        ),
    ]


def test_a_blank_row_with_a_number_beside_its_score_cells_points_at_it(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Blind round 28B, F5: a score typed in the reason column, or over the
    maximum, was told only "để trống … hãy ghi 0"."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.75],
            ["1.2.1", "Báo cáo chung", 0.25, None, None, "0,5"],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell", "message").rows() == [
        (
            "warning",
            "D7",
            "Tiêu chí 1.2.1 chưa có điểm (ô D7, E7 để trống hoặc “-”) trong khi các "
            "tiêu chí khác của tệp đã có điểm: tệp không cho tiêu chí này điểm nào. "
            "Nếu tiêu chí được 0 điểm, hãy ghi 0 rồi nộp lại. Trên dòng này, ô C7 ghi "
            "0,25 khác điểm tối đa 0,5 của bộ chỉ số; cột nguyên nhân ghi “0,5”: nếu "
            "đó là điểm, hãy ghi vào ô D7 (tự đánh giá) rồi nộp lại.",
        )
    ]


def test_a_score_typed_with_words_is_told_to_be_typed_alone(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Re-check 28C, N3: "1,5 điểm" in the appraisal column was told "Nếu chưa
    có điểm thẩm định, hãy để trống ô …", which would drop the council's score;
    blind round 28B, F9: "1/2" was not told what to type."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, "0,75 điểm"],
            ["1.2.1", "Báo cáo chung", 0.5, None, "1/2"],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("cell", "message").rows() == [
        (
            "E6",
            "Điểm thẩm định “0,75 điểm” không phải là số. Dòng này không được dùng, "
            "kể cả điểm tự đánh giá 1 ở ô D6. Nếu điểm thẩm định là 0,75, hãy ghi số "
            "0,75 thôi, không kèm chữ hay dấu khác, vào ô E6; nếu chưa có điểm thẩm "
            "định, hãy để trống ô E6 (ghi chú vào cột Nguyên nhân trừ điểm); rồi nộp "
            "lại.",
        ),
        (
            "E7",
            "Điểm thẩm định “1/2” không phải là số. Hãy ghi điểm là một số từ 0 đến "
            "0,5 (điểm tối đa), không kèm chữ hay dấu khác, vào ô E7 rồi nộp lại.",
        ),
    ]


def test_a_number_among_words_above_the_maximum_is_not_offered_as_the_score(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Re-check 28D, F2 and F3: "1 điểm" on a 0,5-point criterion was told to
    type 1 (then refused as above the maximum), and "0.5đ" was quoted "0.5"."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, "0.5đ", None],
            ["1.2.1", "Báo cáo chung", 0.5, "1 điểm", None],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("cell", "message").rows() == [
        (
            "D6",
            "Điểm tự đánh giá “0.5đ” không phải là số. Nếu điểm tự đánh giá là 0,5, "
            "hãy ghi số 0,5 thôi, không kèm chữ hay dấu khác, vào ô D6 rồi nộp lại.",
        ),
        (
            "D7",
            "Điểm tự đánh giá “1 điểm” không phải là số. Hãy ghi điểm là một số từ 0 "
            "đến 0,5 (điểm tối đa), không kèm chữ hay dấu khác, vào ô D7 rồi nộp lại.",
        ),
    ]


def test_a_score_shown_as_its_maximum_is_said(
    tmp_path: Path, small_criteria: CriteriaSet
) -> None:
    """Re-check 28D, F1: 0,996 of 1 shows as 1 and is not listed as lost, while
    the department's total keeps its 0,004: a gap between the department's
    points lost and its list, said nowhere. 0,994 shows 0,99 and is listed; a
    score with more decimals has its own warning (``SCORE_MORE_DECIMALS``)."""
    path = write_submission(
        tmp_path / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 1, 0.996],
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0.495],
            ["2.1", "Điều tra", 3, 3, 2.994],
        ],
    )
    _, problems = validate_rows(_rows(path), small_criteria)
    assert problems.select("severity", "cell", "criterion", "message").rows() == [
        (
            "warning",
            "E6",
            "1.1",
            "Ô E6 có điểm 0,996, dưới điểm tối đa 1 của tiêu chí 1.1 không quá 0,005 "
            "nên hiện là 1 khi làm tròn đến 0,01: tổng hợp dùng đúng 0,996, nhưng "
            "tiêu chí không được kể là bị trừ điểm. Nếu điểm đúng là 1, hãy sửa ô "
            "rồi nộp lại.",
        ),
        (
            "warning",
            "E7",
            "1.2.1",
            "Ô E7 có điểm 0,495, dưới điểm tối đa 0,5 của tiêu chí 1.2.1 không quá "
            "0,005 nên hiện là 0,5 khi làm tròn đến 0,01: tổng hợp dùng đúng 0,495, "
            "nhưng tiêu chí không được kể là bị trừ điểm. Nếu điểm đúng là 0,5, hãy "
            "sửa ô rồi nộp lại.",
        ),
    ]

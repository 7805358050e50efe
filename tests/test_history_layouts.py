"""``history.xlsx`` as offices type it: a year written "Năm 2022", the year's
column headed "Năm đánh giá", component codes in Roman numerals, a criterion's
row in the components sheet (8.10 typed as a number is 8.1). Each is read or
said, naming the cell, never dropped without a word (found by a helper building
office files: the whole history was ignored with a false reason, components were
dropped, and rows that are no component were compared with a computed 0)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages, pipeline
from parindex.history import read_history


def _copy(sample_inputs: Path, tmp_path: Path) -> Path:
    path = tmp_path / "history.xlsx"
    shutil.copy(sample_inputs / "history.xlsx", path)
    return path


def test_a_year_written_with_its_word_and_a_longer_header_are_read(
    sample_inputs: Path, tmp_path: Path
) -> None:
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["A1"] = "Năm đánh giá"
    book["Kết quả"]["A2"] = "Năm 2022"
    book["Chỉ số thành phần"]["A2"] = "năm 2022"
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert history.results.select("year", "total").rows() == [
        (2022, 72.1),
        (2023, 79.27),
    ]
    assert history.components.filter(pl.col("year") == 2022).height == 8


def test_a_year_cell_that_is_not_a_year_is_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["A2"] = "năm ngoái"
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Kết quả",
            "A2",
            messages.HISTORY_YEAR_UNREADABLE.format(shown="năm ngoái"),
        )
    ]
    assert history.results["year"].to_list() == [2023]


def test_component_codes_that_cannot_be_read_are_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Chỉ số thành phần"]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    for row, code in zip(range(2, 10), roman, strict=True):
        sheet[f"B{row}"] = code
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Chỉ số thành phần",
            "B2",
            messages.HISTORY_CODES_UNREADABLE.format(
                count=8, cells="B2, B3, B4, B5, B6, B7, B8, B9", first="I"
            ),
        )
    ]
    assert history.components.filter(pl.col("year") == 2022).is_empty()


def test_a_row_that_is_no_component_is_said_not_compared(inputs: Path) -> None:
    book = openpyxl.load_workbook(inputs / "history.xlsx")
    sheet = book["Chỉ số thành phần"]
    sheet.append([2023, 8.10, 9.27])  # 8.10 typed as a number: 8.1
    sheet.append([2023, "1.1", 1.5])  # a criterion, not a component
    book.save(inputs / "history.xlsx")
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    figures = result.reconciliation["figure"].to_list()
    assert "component 8.1" not in figures and "component 1.1" not in figures
    said = result.problems.filter(
        pl.col("message").str.contains("không phải mã chỉ số")
    )
    assert said["message"].to_list() == [
        messages.HISTORY_NOT_A_COMPONENT.format(
            file="history.xlsx", year=2023, codes="8.1, 1.1"
        )
    ]


# --- blind round 15 (tester A): h05, h07, h11, h14, p02 and the cells named ------------

GROUPS_2022 = (47.92, 15.5, 1.5, 7.18)
GROUPS_2023 = (54.86, 13.64, 1.5, 9.27)
GROUP_HEADERS = (
    "Điểm thẩm định",
    "Điểm điều tra",
    "Điểm tác động KT-XH",
    "Điểm SIPAS",
)


def _two_row_header(path: Path, *, merged: bool) -> None:
    """``Kết quả`` with the header an office makes: ``Điểm các nhóm`` over the
    four groups, the other titles over both rows (merged, or only typed in the
    upper row)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet.insert_rows(1)
    sheet["A1"] = "Năm"
    sheet["A2"] = None
    sheet["B1"] = "Điểm các nhóm"
    for column in "FGH":
        sheet[f"{column}1"] = sheet[f"{column}2"].value
        sheet[f"{column}2"] = None
    if merged:
        sheet.merge_cells("A1:A2")
        sheet.merge_cells("B1:E1")
        for column in "FGH":
            sheet.merge_cells(f"{column}1:{column}2")
    book.save(path)


def test_a_header_over_two_rows_is_read(sample_inputs: Path, tmp_path: Path) -> None:
    """h05: the four groups under ``Điểm các nhóm`` were dropped without a word."""
    for merged in (True, False):
        path = _copy(sample_inputs, tmp_path)
        _two_row_header(path, merged=merged)
        history, problems = read_history(path)
        assert problems == []
        assert history.results.rows() == [
            (2022, *GROUPS_2022, 72.1, 2, 8),
            (2023, *GROUPS_2023, 79.27, 2, 8),
        ]


def test_group_columns_not_found_beside_a_total_are_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["C1"] = "Điều tra XHH"
    book["Kết quả"]["E1"] = "Chỉ số SIPAS"
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Kết quả",
            "A1",
            messages.HISTORY_GROUP_COLUMNS_MISSING.format(
                sheet="Kết quả", row=1, columns="“Điểm điều tra”, “Điểm SIPAS”"
            ),
        )
    ]
    assert history.results.select("year", "survey", "sipas", "total").rows() == [
        (2022, None, None, 72.1),
        (2023, None, None, 79.27),
    ]


def test_a_figure_written_with_its_unit_is_that_figure(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """p02: ``79,27 điểm`` dropped the whole year with "chưa có tổng điểm"."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["F3"] = "79,27 điểm"
    book["Kết quả"]["B3"] = "54,86 Điểm"
    book["Chỉ số thành phần"]["C17"] = "24,38 điểm"
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert history.results.rows()[1] == (2023, *GROUPS_2023, 79.27, 2, 8)
    assert history.components.filter(
        (pl.col("year") == 2023) & (pl.col("code") == "8")
    )["score"].to_list() == [24.38]


def test_a_rank_written_with_its_count_of_units_is_read(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """h07: ``2/8``, as the province's tables write a rank, lost both figures."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet["G2"], sheet["H2"] = "2/8", None
    sheet["G3"], sheet["H3"] = "2 / 8", 8
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert history.results.select("year", "rank", "units").rows() == [
        (2022, 2, 8),
        (2023, 2, 8),
    ]


def test_a_rank_whose_count_differs_from_the_units_column_is_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet["G2"] = "9/8"  # beyond its count: no rank
    sheet["G3"], sheet["H3"] = "2/8", 9
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Kết quả",
            "G2",
            messages.HISTORY_NOT_A_NUMBER.format(
                year=2022, figure="Xếp hạng", shown="9/8"
            ),
        ),
        (
            "Kết quả",
            "G3",
            messages.HISTORY_RANK_UNITS_DIFFER.format(
                year=2023, shown="2/8", rank_cell="G3", units=9, units_cell="H3", rank=2
            ),
        ),
    ]
    assert history.results.select("year", "rank", "units").rows() == [
        (2022, None, 8),
        (2023, 2, 9),
    ]


def test_a_component_missing_from_a_year_is_named(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """h14: component 8 not copied for 2023 was "chênh 24,41, quá mức do làm tròn"
    on ``Kết quả``, without naming it."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Chỉ số thành phần"].delete_rows(17)  # 2023, component 8
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Chỉ số thành phần",
            "A16",
            messages.HISTORY_COMPONENTS_MISSING.format(
                year=2023,
                codes="8",
                components="54,86",
                total="79,27",
                difference="24,41",
            ),
        )
    ]
    assert history.components.filter(pl.col("year") == 2023).height == 7


def test_each_figure_is_said_at_its_own_cell(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """h06, h07, h19, p02: history warnings named the year's cell (column A)."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet["F2"] = 73.1  # 2022's groups add up to 72,1
    sheet["H2"] = "tám"
    sheet["D3"] = "khoảng 1,5"
    book.save(path)
    _, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Kết quả",
            "H2",
            messages.HISTORY_NOT_A_NUMBER.format(
                year=2022, figure="Số đơn vị", shown="tám"
            ),
        ),
        (
            "Kết quả",
            "D3",
            messages.HISTORY_NOT_A_NUMBER.format(
                year=2023, figure="Điểm tác động KT-XH", shown="khoảng 1,5"
            ),
        ),
        (
            "Kết quả",
            "F2",
            messages.HISTORY_GROUPS_NOT_TOTAL.format(
                year=2022, groups="72,1", total="73,1", difference="1"
            ),
        ),
        (
            "Kết quả",
            "F2",
            messages.HISTORY_COMPONENTS_NOT_TOTAL.format(
                year=2022, components="72,1", total="73,1", difference="1"
            ),
        ),
    ]


def _saved_as(source: Path, folder: Path, extension: str) -> Path:
    """``source`` saved by LibreOffice as ``extension`` in ``folder``."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            extension,
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return folder / f"{source.stem}.{extension}"


def test_a_history_saved_as_xls_is_the_history(inputs: Path, tmp_path: Path) -> None:
    """h11: ``history.xls`` was called a stray submission ("hãy chuyển tệp vào
    thư mục “2023”") and the published figures were dropped without a word."""
    converted = _saved_as(inputs / "history.xlsx", tmp_path, "xls")
    (inputs / "history.xlsx").unlink()
    shutil.move(converted, inputs / "history.xls")
    history, problems = pipeline.load_history(inputs)
    assert problems.is_empty()
    assert history.file == "history.xls"
    assert history.results.select("year", "total", "rank").rows() == [
        (2022, 72.1, 2),
        (2023, 79.27, 2),
    ]
    assert history.components.height == 16
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    assert ingested.problems.filter(pl.col("file") == "history.xls").is_empty()


def test_two_histories_the_xlsx_is_used_and_said(inputs: Path) -> None:
    shutil.copy(inputs / "history.xlsx", inputs / "history.ods")  # any content
    shutil.copy(inputs / "history.xlsx", inputs / "history.xlsm")
    history, problems = pipeline.load_history(inputs)
    assert history.file == "history.xlsx"
    assert problems.select("severity", "file", "message").rows() == [
        (
            "warning",
            "history.xlsx",
            messages.HISTORY_FILES_SEVERAL.format(
                count=3,
                files="“history.xlsx”, “history.xlsm”, “history.ods”",
                used="history.xlsx",
                order="history.xlsx, history.xlsm, history.xls, history.ods",
                others="“history.xlsm”, “history.ods”",
            ),
        )
    ]
    assert history.results["total"].to_list() == [72.1, 79.27]
    (inputs / "history.xlsx").unlink()  # then the xlsm, read as a workbook
    history, problems = pipeline.load_history(inputs)
    assert history.file == "history.xlsm"
    assert history.results["total"].to_list() == [72.1, 79.27]


def test_a_rank_excel_turned_into_a_date_is_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """``2/8`` typed into a cell Excel reads as a date (2 August) was dropped
    without a word."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["G2"] = dt.datetime(2023, 8, 2)
    book.save(path)
    history, problems = read_history(path)
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Kết quả",
            "G2",
            messages.HISTORY_NOT_A_NUMBER.format(
                year=2022, figure="Xếp hạng", shown="02/08/2023"
            ),
        )
    ]
    assert history.results["rank"].to_list() == [None, 2]


def test_a_figure_written_with_the_short_unit_is_that_figure(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """Round 2 (n15): ``79,27đ`` dropped the whole 2023 row, and its warning
    said the year had no published total."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["F3"] = "79,27đ"
    book["Kết quả"]["F2"] = "72.1 đ."
    book["Chỉ số thành phần"]["C17"] = "24,38đ"
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert history.results.select("year", "total").rows() == [
        (2022, 72.1),
        (2023, 79.27),
    ]


def test_a_rank_written_with_its_word_is_read(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """Round 2 (n14): ``hạng 2`` was "not a number" and the rank left the
    headline; ``thứ 2/8`` too."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet["G2"] = "hạng 2"
    sheet["G3"], sheet["H3"] = "Xếp thứ 2/8", None
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert history.results.select("year", "rank", "units").rows() == [
        (2022, 2, 8),
        (2023, 2, 8),
    ]


def test_a_header_half_grouped_over_two_rows_gives_no_false_year_warning(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """Round 2 (n11): ``Năm`` merged over A1:A2 with only two groups under a
    title: the lower half of the merged ``Năm`` was read as a year cell holding
    "Năm" ("không đọc được là năm")."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    sheet.insert_rows(2)
    titles = ["Năm", "Điểm thẩm định", "Điểm điều tra và tác động", None]
    titles += ["Điểm SIPAS", "Tổng điểm", "Xếp hạng", "Số đơn vị"]
    for column, title in enumerate(titles, start=1):
        sheet.cell(row=1, column=column).value = title
        sheet.cell(row=2, column=column).value = None
    sheet["C2"], sheet["D2"] = "Điểm điều tra", "Điểm tác động KT-XH"
    for span in ("A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2", "G1:G2", "H1:H2"):
        sheet.merge_cells(span)
    book.save(path)
    history, problems = read_history(path)
    assert [p["message"] for p in problems if "năm" in p["message"].lower()] == []
    assert history.results.select("year", "total").rows() == [
        (2022, 72.1),
        (2023, 79.27),
    ]


def test_a_year_merged_down_its_components_counts_on_every_row(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """`Năm` of `Chỉ số thành phần` merged down each year's block of rows, as a
    decision prints it: only the first component of each year was read, and the
    warning blamed the figures (blind round 21c, h03; blind round 15, left)."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Chỉ số thành phần"]
    for first, last in ((2, 9), (10, 17)):
        for row in range(first + 1, last + 1):
            sheet[f"A{row}"] = None
        sheet.merge_cells(f"A{first}:A{last}")
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    counts = history.components.group_by("year").len().sort("year").rows()
    assert counts == [(2022, 8), (2023, 8)]


def test_components_laid_out_one_year_per_row_are_read(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """`Chỉ số thành phần` as a table of years by components (`Năm | 1 | 2 | …`),
    as some offices keep it: ignored without a word, so no component was
    compared with last year (blind round 21c, h10). Each cell is a component's
    score, its year the row's, its code the column's."""
    path = _copy(sample_inputs, tmp_path)
    long = read_history(path)[0].components.sort("year", "code")
    book = openpyxl.load_workbook(path)
    book.remove(book["Chỉ số thành phần"])
    sheet = book.create_sheet("Chỉ số thành phần")
    codes = sorted(set(long["code"].to_list()))
    sheet.append(["Năm", *codes])
    for year in (2022, 2023):
        scores = dict(
            long.filter(pl.col("year") == year).select("code", "score").rows()
        )
        sheet.append([year, *(scores[code] for code in codes)])
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    wide = history.components.sort("year", "code")
    assert wide.select("year", "code", "score").equals(
        long.select("year", "code", "score")
    )


def test_a_components_table_without_codes_is_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """Neither `Mã`/`Điểm` columns nor codes over the columns: said, naming the
    header, not passed over."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book.remove(book["Chỉ số thành phần"])
    sheet = book.create_sheet("Chỉ số thành phần")
    sheet.append(["Năm", "Thành phần một", "Thành phần hai"])
    sheet.append([2022, 7.36, 5])
    book.save(path)
    history, problems = read_history(path)
    assert history.components.is_empty()
    assert [(p["sheet"], p["cell"], p["message"]) for p in problems] == [
        (
            "Chỉ số thành phần",
            "A1",
            "Sheet “Chỉ số thành phần” không có cột “Mã” và “Điểm”, cũng không ghi mã "
            "chỉ số thành phần trên dòng tiêu đề (dòng 1: Năm, Thành phần một, Thành "
            "phần hai): chỉ số thành phần các năm không được đọc. Hãy ghi mỗi thành "
            "phần một dòng (Năm | Mã | Điểm), hoặc mỗi năm một dòng với mã thành phần "
            "trên dòng tiêu đề (Năm | 1 | 2 | …).",
        )
    ]


def test_a_hidden_column_of_a_wide_components_table_is_passed_over(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """`Năm | 1 | 2 | 2 | …` with last year's `2` kept in a hidden column: it was
    read too, and component 2 dropped as "2 dòng khác nhau" (blind round 21d,
    F12)."""
    path = _copy(sample_inputs, tmp_path)
    long = read_history(path)[0].components.sort("year", "code")
    book = openpyxl.load_workbook(path)
    book.remove(book["Chỉ số thành phần"])
    sheet = book.create_sheet("Chỉ số thành phần")
    codes = sorted(set(long["code"].to_list()))
    sheet.append(["Năm", "2", *codes])  # column B: an old, hidden `2`
    for year in (2022, 2023):
        scores = dict(
            long.filter(pl.col("year") == year).select("code", "score").rows()
        )
        sheet.append([year, 99, *(scores[code] for code in codes)])
    sheet.column_dimensions["B"].hidden = True
    book.save(path)
    history, problems = read_history(path)
    assert problems == []
    assert (
        history.components.sort("year", "code")
        .select("year", "code", "score")
        .equals(long.select("year", "code", "score"))
    )


def test_a_components_sheet_without_a_year_column_is_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """`Mã | 2022 | 2023` (years over the columns): dropped without a word
    (blind round 21d, F5)."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book.remove(book["Chỉ số thành phần"])
    sheet = book.create_sheet("Chỉ số thành phần")
    sheet.append(["Mã", "2022", "2023"])
    sheet.append(["1", 7.36, 9.28])
    book.save(path)
    history, problems = read_history(path)
    assert history.components.is_empty()
    assert [(p["sheet"], p["message"]) for p in problems] == [
        (
            "Chỉ số thành phần",
            "Sheet “Chỉ số thành phần” không có cột “Năm”: chỉ số thành phần các năm "
            "không được đọc. Hãy ghi mỗi thành phần một dòng (Năm | Mã | Điểm), hoặc "
            "mỗi năm một dòng với mã thành phần trên dòng tiêu đề (Năm | 1 | 2 | …).",
        )
    ]


def test_a_year_typed_once_over_its_block_is_read_down_and_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """The year typed on the block's first row only, the cells below left empty
    (not merged): components 2–8 were dropped and the warning blamed the
    published figures (blind round 21d, F6). Each row takes the year above it,
    said once."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Chỉ số thành phần"]
    for row in [*range(3, 10), *range(11, 18)]:
        sheet[f"A{row}"] = None
    book.save(path)
    history, problems = read_history(path)
    counts = history.components.group_by("year").len().sort("year").rows()
    assert counts == [(2022, 8), (2023, 8)]
    assert [(p["severity"], p["cell"], p["message"]) for p in problems] == [
        (
            "warning",
            "A3",
            "14 dòng để trống ô năm (A3, A4, A5, A6, A7, A8, A9, A11, A12, A13, A14, "
            "A15, A16, A17): mỗi dòng được đọc theo năm ghi ở dòng gần nhất phía trên.",
        )
    ]


def test_rows_with_figures_and_no_year_are_said(
    sample_inputs: Path, tmp_path: Path
) -> None:
    """A `Kết quả` row with a total and no year, and component rows before any
    year: passed over without a word (blind round 21e)."""
    path = _copy(sample_inputs, tmp_path)
    book = openpyxl.load_workbook(path)
    book["Kết quả"]["A2"] = None
    for row in range(2, 10):
        book["Chỉ số thành phần"][f"A{row}"] = None
    book.save(path)
    _, problems = read_history(path)
    said = [(p["sheet"], p["cell"], p["message"]) for p in problems]
    assert said[:2] == [
        (
            "Kết quả",
            "A2",
            "Dòng 2 có số liệu nhưng không ghi năm (ô A2): dòng này không được đọc. "
            "Hãy ghi năm vào ô này.",
        ),
        (
            "Chỉ số thành phần",
            "A2",
            "8 dòng có số liệu nhưng không ghi năm (A2, A3, A4, A5, A6, A7, A8, A9), "
            "không có năm nào ở trên: các dòng này không được đọc. Hãy ghi năm vào "
            "các ô này.",
        ),
    ]

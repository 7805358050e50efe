"""Small workbooks built inline for tests (criteria sets and submissions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

Cell = str | float | int | None

DEPARTMENTS = [
    ("NV", "Phòng Nội vụ", "Nội vụ"),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "Tài chính - Kế hoạch;TCKH"),
]


def write_rows(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Cell]]],
    *,
    merges: dict[str, Sequence[tuple[int, int, int, int]]] | None = None,
    saved: dt.datetime = dt.datetime(2024, 1, 1),
) -> Path:
    """Write each sheet's rows from A1; strings stay strings, numbers numbers.

    ``merges``: (first row, first column, last row, last column), 0-based, per
    sheet: the merged range shows its first cell's value. ``saved``: the save
    time the workbook records (xlsxwriter writes it as UTC)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False}
    )
    workbook.set_properties({"created": saved})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in (merges or {}).get(name, ())}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    sheet.merge_range(r, c, *merged[(r, c)], value)
                    continue
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    workbook.close()
    return path


def write_criteria(
    path: Path,
    nodes: Sequence[Sequence[Cell]],
    departments: Sequence[Sequence[Cell]] = DEPARTMENTS,
    first_year: int | str = 2022,
    merges: Sequence[tuple[int, int, int, int]] = (),
) -> Path:
    """A criteria set workbook: nodes are (code, name, max, group, departments),
    the first on row 5 (0-based 4); ``merges`` as ``write_rows``'s, on ``Tiêu chí``."""
    table = [
        ["BỘ CHỈ SỐ THỬ"],
        [f"Áp dụng từ năm: {first_year}"],
        [],
        ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm", "Đơn vị chủ trì"],
        *nodes,
    ]
    units = [["Mã đơn vị", "Tên đơn vị", "Tên khác"], *departments]
    return write_rows(
        path, {"Tiêu chí": table, "Đơn vị": units}, merges={"Tiêu chí": merges}
    )


SMALL_TREE: list[list[Cell]] = [
    ["1", "Chỉ đạo điều hành", 3, None, None],
    ["1.1", "Kế hoạch", 1, "Thẩm định", "NV"],
    ["1.2", "Báo cáo", 2, None, None],
    ["1.2.1", "Báo cáo chung", 0.5, "Thẩm định", "NV;TCKH"],
    ["1.2.2", "Báo cáo tài chính", 1.5, None, None],
    ["1.2.2.1", "Báo cáo quý", 1, "Thẩm định", "TCKH"],
    ["1.2.2.2", "Báo cáo năm", 0.5, "Thẩm định", "TCKH"],
    ["2", "Tác động", 4, None, None],
    ["2.1", "Điều tra", 3, "Điều tra XHH", "NV"],
    ["2.2", "SIPAS", 1, "SIPAS", "TCKH"],
]


def write_submission(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    department: str | None = "Phòng Nội vụ",
    year: int | str | None = 2023,
    header: Sequence[str] = (
        "Mã tiêu chí",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Nguyên nhân trừ điểm",
    ),
    sheet: str = "Chấm điểm",
    merges: Sequence[tuple[int, int, int, int]] = (),
    saved: dt.datetime = dt.datetime(2024, 1, 1),
) -> Path:
    """A submission with a title, ``Đơn vị``/``Năm`` lines (row 2, 3), header on row 5
    (``merges`` and ``saved`` as ``write_rows``'s, for its one sheet)."""
    table: list[Sequence[Cell]] = [["BẢNG TỰ CHẤM ĐIỂM"]]
    table.append([f"Đơn vị: {department}"] if department is not None else [])
    table.append([f"Năm: {year}"] if year is not None else [])
    table += [[], list(header), *rows]
    return write_rows(path, {sheet: table}, merges={sheet: merges}, saved=saved)


def set_don_vi_line(path: Path, text: str) -> str:
    """Type ``Đơn vị: <text>`` in the cell of a sample form's ``Đơn vị`` line
    (first column, above the table); the cell's reference."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    line = don_vi_line(book.active)
    line.value = f"Đơn vị: {text}"
    book.save(path)
    return str(line.coordinate)


def don_vi_line(sheet: Any) -> Any:
    """The cell of an openpyxl sheet's ``Đơn vị`` line (first column, above
    the table), as the sample's forms have it."""
    return next(
        row[0] for row in sheet.iter_rows(max_col=1) if "Đơn vị" in str(row[0].value)
    )


def copy_sheet(book: Any, source: Path, title: str) -> Any:
    """A new sheet ``title`` in the openpyxl ``book`` holding the values of
    ``source``'s first sheet (another department's form in one workbook)."""
    import openpyxl

    origin = openpyxl.load_workbook(source).active
    sheet = book.create_sheet(title)
    for row in origin.iter_rows():
        for cell in row:
            sheet.cell(row=cell.row, column=cell.column, value=cell.value)
    return sheet


def set_appraisal(path: Path, code: str, score: float | None) -> None:
    """The appraisal (column E) of the row of ``code`` in the first sheet of a
    sample-shaped form set to ``score``, the workbook saved in place."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    next(r for r in sheet.iter_rows() if r[0].value == code)[4].value = score
    workbook.save(path)


def set_scores(
    path: Path, code: str, self_score: float | None, appraised: float | None
) -> None:
    """The self score and the appraisal (columns D and E) of the row of ``code``
    in the first sheet of a sample-shaped form, the workbook saved in place."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    row = next(r for r in sheet.iter_rows() if r[0].value == code)
    row[3].value, row[4].value = self_score, appraised
    workbook.save(path)


def rename_in_workbook(path: Path, old: str, new: str) -> int:
    """Every cell of the workbook at ``path`` holding ``old`` made ``new`` (a
    department renamed in a criteria set); how many were."""
    workbook = openpyxl.load_workbook(path)
    renamed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new
                    renamed += 1
    workbook.save(path)
    return renamed

"""``parindex template``: blank submission workbooks, one per department.

Each is prefilled with the criteria the department is responsible for (leaves and the
parents above them as grey rows), accepts scores only between 0 and the maximum, and
locks everything but the cells a department types in. A filled template passes
``parindex check`` as it is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from parindex.criteria import CriteriaSet, match_department
from parindex.errors import UnknownDepartment
from parindex.ingest.read import SUBMISSION_COLUMNS
from parindex.publish import write_atomic
from parindex.render.xlsx import (
    LINE_HEIGHT,
    Formats,
    add_sheet,
    new_workbook,
    wrapped_lines,
)
from parindex.text import ancestors, format_vn

SHEET = "Chấm điểm"
INSTRUCTIONS_SHEET = "Hướng dẫn"
HEADERS = (
    SUBMISSION_COLUMNS["code"][0],
    SUBMISSION_COLUMNS["name"][0],
    SUBMISSION_COLUMNS["max"][0],
    SUBMISSION_COLUMNS["self"][0],
    SUBMISSION_COLUMNS["appraised"][0],
    SUBMISSION_COLUMNS["reason"][0],
    SUBMISSION_COLUMNS["evidence"][0],
)
WIDTHS = (12, 70, 11, 12, 12, 45, 35)
HEADER_ROW = 6
INSTRUCTIONS = (
    "HƯỚNG DẪN ĐIỀN BẢNG CHẤM ĐIỂM",
    "1. Chỉ nhập vào các ô trắng: Điểm tự đánh giá, Điểm thẩm định (nếu đã có), "
    "Nguyên nhân trừ điểm, Tài liệu kiểm chứng.",
    "2. Điểm là số từ 0 đến điểm tối đa của tiêu chí, viết với dấu thập phân của "
    "máy (0,5 hoặc 0.5): nếu Excel báo “Điểm không hợp lệ” cho một điểm đúng, hãy "
    "gõ lại bằng dấu còn lại.",
    "3. Không sửa mã tiêu chí, tên tiêu chí, điểm tối đa, dòng “Đơn vị” và “Năm”: "
    "các ô này đã được khóa.",
    "4. Các dòng màu xám là tiêu chí cha: không cần nhập điểm, phần mềm tự cộng.",
    "5. Tiêu chí bị trừ điểm: ghi rõ nguyên nhân và tài liệu kiểm chứng.",
    "6. Lưu tệp (.xlsx) và chép vào thư mục nộp bài của năm. Có thể kiểm tra trước "
    "bằng lệnh: parindex check <tệp>.",
    "7. Nộp lại tệp mới sẽ thay thế tệp cũ của cùng đơn vị (tệp cũ vẫn được lưu trữ).",
)


def template_rows(criteria_set: CriteriaSet, department: str) -> pl.DataFrame:
    """The nodes a department's template lists: its leaves and their ancestors."""
    leaves = criteria_set.leaves.filter(pl.col("departments").list.contains(department))
    wanted = {a for code in leaves["code"].to_list() for a in ancestors(code)}
    return criteria_set.nodes.filter(pl.col("code").is_in(sorted(wanted)))


def write_template(
    criteria_set: CriteriaSet,
    department: str,
    year: int,
    path: Path,
    created: dt.datetime,
) -> None:
    """Write the blank submission workbook of ``department`` for ``year`` to ``path``."""
    name = criteria_set.department_name(department)
    workbook = new_workbook(path, created, f"Bảng chấm điểm CCHC {year} – {name}")
    formats = Formats(workbook)
    sheet = add_sheet(workbook, SHEET)  # A4 landscape, a page wide, page numbers
    locked_text = formats.get("text", locked=True)
    parent_text = formats.get("text", bold=True, bg_color="#D9D9D9", locked=True)
    parent_number = formats.get("number", bold=True, bg_color="#D9D9D9", locked=True)
    leaf_number = formats.get("number", locked=True)
    input_number = formats.get("number", locked=False, bg_color="#FFFFFF")
    input_text = formats.get("text", locked=False, bg_color="#FFFFFF")

    sheet.write_string(0, 0, criteria_set.name, formats.title)
    sheet.write_string(
        1,
        0,
        f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
        formats.title,
    )
    sheet.write_string(2, 0, f"Đơn vị: {name}")
    sheet.write_string(3, 0, f"Năm: {year}")
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.write_string(HEADER_ROW, column, header, formats.header)
        sheet.set_column(column, column, width)
    header_lines = max(map(wrapped_lines, HEADERS, WIDTHS))
    sheet.set_row(HEADER_ROW, LINE_HEIGHT * header_lines)
    rows = template_rows(criteria_set, department)
    for offset, node in enumerate(rows.iter_rows(named=True)):
        r = HEADER_ROW + 1 + offset
        leaf = node["is_leaf"]
        sheet.write_string(r, 0, node["code"], locked_text if leaf else parent_text)
        sheet.write_string(r, 1, node["name"], locked_text if leaf else parent_text)
        lines = wrapped_lines(node["name"], WIDTHS[1])
        if lines > 1:  # a long name wraps within its row, on screen and on paper
            sheet.set_row(r, LINE_HEIGHT * lines)
        sheet.write_number(r, 2, node["max"], leaf_number if leaf else parent_number)
        if not leaf:
            for column in range(3, len(HEADERS)):
                sheet.write_blank(r, column, None, parent_text)
            continue
        for column in (3, 4):
            sheet.write_blank(r, column, None, input_number)
            sheet.data_validation(
                r,
                column,
                r,
                column,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": 0,
                    "maximum": node["max"],
                    "error_title": "Điểm không hợp lệ",
                    "error_message": f"Điểm phải từ 0 đến {format_vn(node['max'])}.",
                },
            )
        for column in (5, 6):
            sheet.write_blank(r, column, None, input_text)
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.repeat_rows(HEADER_ROW)

    guide = add_sheet(workbook, INSTRUCTIONS_SHEET)
    guide.set_column(0, 0, 110)
    wrap = formats.get("line", text_wrap=True)
    for r, line in enumerate(INSTRUCTIONS):
        guide.write_string(r, 0, line, formats.title if r == 0 else wrap)
    workbook.close()


def template_file_name(department: str, year: int) -> str:
    """``mau-cham-diem-NV-2023.xlsx``: the department code in it helps matching."""
    return f"mau-cham-diem-{department}-{year}.xlsx"


UNKNOWN_DEPARTMENT = "Không có đơn vị “{code}” trong bộ chỉ số (các mã: {codes})."


def write_templates(
    criteria_set: CriteriaSet, year: int, out: Path, department: str | None = None
) -> list[Path]:
    """Write one template per department (or only ``department``) into ``out``.

    Raises:
        UnknownDepartment: ``department`` is not in the criteria set.
    """
    codes = [d.code for d in criteria_set.departments]
    if department is not None:
        matched = match_department(department, criteria_set.departments)
        if matched is None:
            raise UnknownDepartment(
                UNKNOWN_DEPARTMENT.format(code=department, codes=", ".join(codes))
            )
        codes = [matched]
    created = dt.datetime(year, 1, 1)
    written = []
    for code in codes:
        target = out / template_file_name(code, year)

        def write(path: Path, code: str = code) -> None:
            write_template(criteria_set, code, year, path, created)

        write_atomic(target, write)
        written.append(target)
    return written

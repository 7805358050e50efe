"""The shared xlsxwriter helpers, on a tiny workbook."""

from __future__ import annotations

import io
import math
import random
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook
from xlsxwriter.worksheet import Worksheet

from parindex.render import xlsx
from parindex.render.xlsx import (
    Column,
    Formats,
    UndeclaredKey,
    _line_count,
    new_workbook,
    reads,
    sheet_name,
    write_line,
    write_paragraph,
    write_table,
)
from tests.xlsx_compare import compare_xlsx

from .workbooks import CREATED, sheet_xml

COLUMNS = (
    Column("Mã", "code"),
    Column("Nguyên nhân trừ điểm", "reason", max_width=20),
    Column("Điểm", "score", "number"),
    Column("Số dòng", "rows", "integer"),
)


@pytest.mark.parametrize(
    ("raw", "taken", "expected"),
    [
        ("NV", [], "NV"),
        ("TC/KH: [2023]?", [], "TC-KH- -2023--"),
        (
            "Phòng Tài chính - Kế hoạch huyện Phong Thổ",
            [],
            "Phòng Tài chính - Kế hoạch huyệ",
        ),
        ("nguồn", ["Nguồn"], "nguồn (2)"),
        ("NV", ["NV", "NV (2)"], "NV (3)"),
        ("'", [], "Sheet"),
    ],
)
def test_sheet_name(raw: str, taken: list[str], expected: str) -> None:
    assert sheet_name(raw, taken) == expected
    assert len(expected) <= 31


def test_write_table_keeps_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    workbook = new_workbook(path, CREATED, "thử")
    sheet = workbook.add_worksheet("Bảng")
    rows: list[dict[str, object]] = [
        {
            "code": "1.2.1",
            "reason": '=HYPERLINK("http://x")',
            "score": 2 / 3,
            "rows": 3,
        },
        {
            "code": "+84912345678",
            "reason": "http://example.com",
            "score": None,
            "rows": None,
        },
        {"code": "0,5", "reason": "x" * 100, "score": -0.001, "rows": 0},
    ]
    table = write_table(
        sheet, Formats(workbook), 1, COLUMNS, rows, total={"code": "Cộng"}
    )
    workbook.close()

    assert (table.header_row, table.last_data_row, table.next_row) == (1, 4, 6)
    ws = load_workbook(path)["Bảng"]
    assert [c.value for c in ws[2]] == ["Mã", "Nguyên nhân trừ điểm", "Điểm", "Số dòng"]
    assert [(c.value, c.data_type) for c in ws["A"][2:5]] == [
        ("1.2.1", "s"),
        ("+84912345678", "s"),
        ("0,5", "s"),
    ]
    assert ws["B3"].value == '=HYPERLINK("http://x")' and ws["B3"].data_type == "s"
    assert not ws._hyperlinks  # no link from "http://…"
    assert [ws["C3"].value, ws["C4"].value, ws["C5"].value] == [0.67, None, 0]
    assert ws["C3"].number_format == "0.00" and ws["D3"].number_format == "0"
    assert ws["A6"].value == "Cộng" and ws["A6"].font.b
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:D5"
    assert ws.column_dimensions["B"].width == pytest.approx(20.71, abs=0.01)
    assert ws.row_dimensions[5].height == 15 * 5  # 100 characters, 21 a line
    assert "<f>" not in sheet_xml(path, "Bảng")


def _tables_workbook(path: Path, worksheet_class: type | None) -> None:
    """Two sheets of tables with every kind of cell, written through ``write_table``
    into worksheets of ``worksheet_class`` (None: the default of ``new_workbook``)."""
    workbook = new_workbook(path, CREATED, "thử")
    if worksheet_class is not None:
        workbook.worksheet_class = worksheet_class
    formats = Formats(workbook)
    columns = (
        *COLUMNS,
        Column("Ghi chú", "note", max_width=30, optional=True),
        Column("Có", "flag"),
    )
    rows: list[dict[str, object]] = [
        {
            "code": f"{i}.{i % 7}",
            "reason": ("Không có văn bản kiểm chứng " * (i % 4)).strip() or None,
            "score": [2 / 3, None, float("nan"), -0.0, 1e-12, 12345.675][i % 6],
            "rows": [3, None, 0, True, "7", 1234567890123456][i % 6],
            "note": "dòng một\ndòng hai" if i % 9 == 0 else None,
            "flag": [False, "Có", None][i % 3],
        }
        for i in range(60)
    ]
    rows.append({"code": "x" * 20_000, "reason": "Dài"})  # XlsxWriter cuts it

    def style(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        if key == "score" and record.get("rows") == 0:
            return {"bg_color": "#FCE4D6"}
        return {"indent": 1} if key == "code" and record.get("note") else None

    sheet = workbook.add_worksheet("Bảng")
    write_line(sheet, 0, "Tiêu đề", formats.title)
    table = write_table(
        sheet, formats, 2, columns, rows, style=style, total={"code": "Cộng"}
    )
    write_paragraph(sheet, 1, "Một đoạn văn dài " * 12, formats.get("paragraph"), table)
    other = workbook.add_worksheet("Khác")
    write_table(other, formats, 0, COLUMNS, rows[:5], main=False, stretch_to=6)
    write_table(other, formats, 8, COLUMNS, [], main=False)
    # the same kinds of cells given as frames: stored column by column
    frame = pl.DataFrame(
        {
            "code": [f"{i}.{i % 7}" if i % 5 else None for i in range(70)],
            "reason": [
                "Ke\u0302\u0301 hoa\u0323ch " * (i % 5)
                + ("\nthêm" if i % 11 == 0 else "")
                for i in range(70)
            ],
            "score": [
                [2 / 3, None, float("nan"), -0.0, 12345.675][i % 5] for i in range(70)
            ],
            "rows": [[3, None, 0, 1234567890123456][i % 4] for i in range(70)],
            "flag": [[True, False, None][i % 3] for i in range(70)],
        },
        schema_overrides={"rows": pl.Int64},
    )
    frames = workbook.add_worksheet("Khung")
    first = write_table(
        frames, formats, 0, columns, frame, style=style, total={"code": "Cộng"}
    )
    second = write_table(frames, formats, first.next_row + 1, columns, frame.head(20))
    write_paragraph(
        frames, second.next_row + 1, "Đoạn cuối " * 30, formats.get("paragraph"), first
    )
    write_table(frames, formats, second.next_row + 3, COLUMNS, frame.clear())
    write_table(frames, formats, 200, COLUMNS, frame.head(3), stretch_to=5)
    written_over = write_table(frames, formats, 300, columns, frame.tail(9))
    frames.write_string(written_over.first_data_row + 2, 9, "ô ghi đè bên cạnh")
    frames.write_number(written_over.first_data_row + 3, 1, 7)
    # a style that declares what it reads ("note" is not a column of the frame)
    declared = write_table(
        frames, formats, 400, columns, frame, style=reads("rows", "note")(style)
    )
    # rows of a block that XlsxWriter writes itself: a row format, a hidden row
    frames.set_row(declared.first_data_row + 4, None, formats.get("text", bold=True))
    frames.set_row(declared.first_data_row + 6, 30, None, {"hidden": True})
    frames.set_row(first.first_data_row + 1, 45)
    workbook.close()


@pytest.mark.parametrize("polars_rows", [0, 4096])
def test_fast_worksheet_writes_what_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polars_rows: int
) -> None:
    """The cells ``write_table`` stores and ``FastWorksheet`` writes are part for
    part those XlsxWriter's own ``write_*`` methods and worksheet write, its
    blocks' XML made by polars (``_POLARS_ROWS`` 0) or row by row."""
    monkeypatch.setattr(xlsx, "_POLARS_ROWS", polars_rows)
    monkeypatch.setattr(xlsx, "_XML_SLICE", 13)
    _tables_workbook(tmp_path / "fast.xlsx", None)
    _tables_workbook(tmp_path / "plain.xlsx", Worksheet)
    assert compare_xlsx(tmp_path / "fast.xlsx", tmp_path / "plain.xlsx") == []
    sheet = load_workbook(tmp_path / "fast.xlsx")["Bảng"]
    assert sheet["A4"].value == "0.0" and sheet["C4"].value == 0.67


def test_a_style_that_declares_its_keys_is_asked_once_per_distinct_row(
    tmp_path: Path,
) -> None:
    """A style with ``reads`` is asked once per distinct combination of the
    values it reads and column, not per cell; one that reads a key it did not
    declare stops the table with ``UndeclaredKey``."""
    workbook = new_workbook(tmp_path / "t.xlsx", CREATED, "thử")
    formats = Formats(workbook)
    frame = pl.DataFrame(
        {
            "code": [f"{i}" for i in range(200)],
            "score": [i / 7 for i in range(200)],
            "rows": [i % 3 for i in range(200)],
        }
    )
    asked: list[tuple[object, str]] = []

    @reads("rows")
    def by_rows(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        asked.append((record["rows"], key))
        return {"bold": True} if record["rows"] == 2 and key == "score" else None

    sheet = workbook.add_worksheet("Bảng")
    write_table(sheet, formats, 0, COLUMNS, frame, style=by_rows)
    assert sorted(asked) == sorted((rows, c.key) for rows in (0, 1, 2) for c in COLUMNS)

    @reads("rows")
    def sneaky(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        return {"bold": True} if record.get("code") == "7" else None

    with pytest.raises(UndeclaredKey, match="'code'"):
        write_table(sheet, formats, 300, COLUMNS, frame, style=sneaky)
    workbook.close()
    cells = load_workbook(tmp_path / "t.xlsx")["Bảng"]
    assert [cells.cell(r, 3).font.b for r in (2, 3, 4)] == [False, False, True]


def _around_blocks(path: Path, plain: bool) -> None:
    """Tables stored as blocks with the sheet used around them: a row format on
    a row of a table, a cell written before a table covers it, a table written
    over another (at its first row, and a narrower one inside it), ``autofit``
    after a table; ``plain`` through XlsxWriter's own worksheet."""
    workbook = new_workbook(path, CREATED, "thử", xlsx.FONT, large=not plain)
    if plain:
        workbook.worksheet_class = Worksheet
    formats = Formats(workbook)
    a, b = Column("A", "a"), Column("B", "b")
    frame = pl.DataFrame({"a": ["x", "y", "z"], "b": ["1", "2", "3"]})
    sheet = workbook.add_worksheet("Định dạng dòng")
    table = write_table(sheet, formats, 0, [a, b], frame)
    sheet.set_row(table.first_data_row, None, workbook.add_format({"italic": True}))
    sheet = workbook.add_worksheet("Ghi trước")
    sheet.write_number(2, 0, 999)
    write_table(sheet, formats, 0, [a], frame)
    sheet = workbook.add_worksheet("Chồng")
    write_table(sheet, formats, 0, [a, b], frame, main=False)
    write_table(sheet, formats, 0, [a, b], frame.head(1), main=False)
    write_table(sheet, formats, 10, [a, b], frame, main=False)
    write_table(sheet, formats, 11, [a], frame.head(1), main=False)
    sheet = workbook.add_worksheet("Tự giãn")
    long_name = pl.DataFrame({"a": ["Phòng Tài chính - Kế hoạch huyện"]})
    write_table(sheet, formats, 0, [a], long_name, fit=False)
    sheet.autofit()
    workbook.close()


@pytest.mark.parametrize("polars_rows", [0, 4096])
def test_the_sheet_used_around_tables_is_xlsxwriters_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polars_rows: int
) -> None:
    monkeypatch.setattr(xlsx, "_POLARS_ROWS", polars_rows)
    _around_blocks(tmp_path / "fast.xlsx", plain=False)
    _around_blocks(tmp_path / "plain.xlsx", plain=True)
    assert compare_xlsx(tmp_path / "fast.xlsx", tmp_path / "plain.xlsx") == []
    covered = load_workbook(tmp_path / "fast.xlsx")
    assert covered["Ghi trước"]["A3"].value == "y"
    assert [covered["Chồng"].cell(r, 1).value for r in (2, 3, 4)] == ["x", "y", "z"]


def test_a_declared_style_reads_only_what_it_declares() -> None:
    """A style with ``reads`` may only look its keys up: going over the row
    (its keys, values, length) raises ``UndeclaredKey`` too; -0.0 and 0.0 are
    asked apart."""
    workbook = new_workbook(io.BytesIO(), CREATED, "thử", xlsx.FONT, large=True)
    formats = Formats(workbook)
    frame = pl.DataFrame({"code": ["a", "b", "c"], "score": [0.0, -0.0, None]})
    signs: list[float] = []

    @reads("score")
    def whole_row(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        return {"bold": True} if None in record.values() else None

    @reads("score")
    def by_sign(record: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        score = record["score"]
        if key == "score" and score is not None:
            signs.append(math.copysign(1.0, score))
        return None

    sheet = workbook.add_worksheet("Bảng")
    with pytest.raises(UndeclaredKey):
        write_table(sheet, formats, 0, COLUMNS[:1], frame, style=whole_row)
    write_table(sheet, formats, 10, [COLUMNS[0], COLUMNS[2]], frame, style=by_sign)
    assert sorted(signs) == [-1.0, 1.0]


LINES = (
    "",
    "   ",
    "một",
    "Không có văn bản kiểm chứng việc ban hành kế hoạch",
    "  hai  khoảng   trắng  ",
    "x" * 95,
    "ab " + "y" * 40 + " cd",
    "Phòng Tài chính - Kế hoạch huyện",
    "a\tb",
    "tab-separated\twords and-hyphens--dash",
)


def test_line_count_is_textwrap() -> None:
    """The wrapped-line count of a row height is textwrap's, for every width, on
    lines made of random words, spaces and long runs."""
    generator = random.Random(13)
    words = ["a", "bé", "Không", "kiểm-chứng", "x" * 23, "  ", "văn.bản", "—"]
    lines = list(LINES)
    for _ in range(3000):
        lines.append(
            "".join(
                generator.choice(words) + " " * generator.choice((0, 1, 1, 1, 2, 3))
                for _ in range(generator.randint(1, 25))
            )
        )
    for line in lines:
        for width in (1, 2, 3, 5, 8, 11, 20, 37, 55):
            assert _line_count(line, width) == max(
                len(textwrap.wrap(line, width)), 1
            ), (
                line,
                width,
            )


@pytest.mark.parametrize("large", [False, True])
def test_workbook_parts_are_deflated_at_the_quick_level(
    tmp_path: Path, large: bool
) -> None:
    # a night with one department changed re-zips the whole scorecard (15 MB of
    # XML at 1000 departments): level 1 deflates it in a third of the time of
    # zlib's default 6, for a file about a third larger (issue 13)
    import zipfile
    import zlib

    path = tmp_path / "t.xlsx"
    workbook = new_workbook(path, CREATED, "thử", large=large)
    worksheet = workbook.add_worksheet("Dữ liệu")
    for row in range(200):
        worksheet.write_string(row, 0, f"Tiêu chí {row} – điểm bị trừ {row % 7}")
        worksheet.write_number(row, 1, row / 4)
    workbook.close()
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
        assert entry.compress_type == zipfile.ZIP_DEFLATED
        content = archive.read(entry)
        with path.open("rb") as raw:
            raw.seek(entry.header_offset + 26)
            name_length = int.from_bytes(raw.read(2), "little")
            extra_length = int.from_bytes(raw.read(2), "little")
            raw.seek(name_length + extra_length, 1)
            stored = raw.read(entry.compress_size)
    quick = zlib.compressobj(1, zlib.DEFLATED, -15)
    assert stored == quick.compress(content) + quick.flush()

"""The scorecard of a large generated unit, its big sheets streamed from their
frames (``FastWorksheet`` blocks, ``_SLICE`` rows at a time), is byte for byte
the workbook XlsxWriter's own ``write_*`` methods and worksheet give."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from parindex import pipeline
from parindex.analysis import AnalysedResult
from parindex.render import scorecard, xlsx
from parindex.render.scorecard import ALL_DEDUCTIONS_SHEET, render_scorecard

from .workbooks import CREATED

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def large_result(tmp_path_factory: pytest.TempPathFactory) -> AnalysedResult:
    """120 departments of the benchmark's generator (one file each): more than
    ``DEPARTMENT_SHEETS_MAX``, so every deduction is a row of one sheet."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    case = generate.ensure_case("n120", data_dir=tmp_path_factory.mktemp("gen"), jobs=1)
    inputs = Path(case.units[0]["inputs"])
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(criteria, ingested, None, history, history_problems)


def _render(result: AnalysedResult, path: Path, monkeypatch: Any, plain: bool) -> bytes:
    if plain:  # XlsxWriter's own workbook and worksheet: every cell by write_*
        made = xlsx.new_workbook

        def plain_workbook(*args: Any, **_large: Any) -> xlsxwriter.Workbook:
            workbook = made(*args)
            assert type(workbook) is xlsxwriter.Workbook
            workbook.worksheet_class = Worksheet
            return workbook

        monkeypatch.setattr(scorecard, "new_workbook", plain_workbook)
    render_scorecard(result, path, CREATED)
    monkeypatch.undo()
    return path.read_bytes()


def test_streamed_scorecard_is_xlsxwriters_own(
    large_result: AnalysedResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deductions = large_result.current.deductions.height
    assert len(large_result.current.criteria_set.departments) == 120
    assert deductions > 2000  # the sheet of every deduction: many slices of 97
    own = _render(large_result, tmp_path / "plain.xlsx", monkeypatch, plain=True)
    streamed = _render(large_result, tmp_path / "fast.xlsx", monkeypatch, plain=False)
    monkeypatch.setattr(xlsx, "_SLICE", 97)
    sliced = _render(large_result, tmp_path / "sliced.xlsx", monkeypatch, plain=False)
    monkeypatch.setattr(xlsx, "_POLARS_ROWS", 0)  # every block's XML by polars
    monkeypatch.setattr(xlsx, "_XML_SLICE", 1000)
    by_polars = _render(
        large_result, tmp_path / "polars.xlsx", monkeypatch, plain=False
    )
    assert streamed == own
    assert sliced == own
    assert by_polars == own
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "sliced.xlsx", read_only=True)[
        ALL_DEDUCTIONS_SHEET
    ]
    rows = list(sheet.iter_rows(values_only=True))
    assert sum(1 for r in rows if r and r[2] is not None) >= deductions


ODD_TEXTS = (
    " khoảng trắng đầu",
    "khoảng trắng cuối ",
    "dòng cuối\n",
    "\tthụt",
    "\u00a0không ngắt",
    "điều khiển\x01\x1f",
    "_x0041_ như mã thoát",
    "<r>giàu</r>",
    "A & B < C > D \" '",
    "ký tự \ufffe lạ",
    "",
)
"""Texts that XlsxWriter's shared strings escape or mark (``xml:space``)."""


def _frames_with_a_chart(path: Path, plain: bool) -> bytes:
    """A frame of every kind of cell stored as a block over many slices, a
    chart that reads its cells, a cell written over it: ``plain`` through
    XlsxWriter's own workbook and worksheet."""
    import polars as pl

    workbook = xlsx.new_workbook(path, CREATED, "thử", xlsx.FONT, large=not plain)
    if plain:
        workbook.worksheet_class = Worksheet
    formats = xlsx.Formats(workbook)
    frame = pl.DataFrame(
        {
            "code": [f"{i}.{i % 7}" if i % 5 else None for i in range(90)],
            "name": [
                ODD_TEXTS[i // 3 % len(ODD_TEXTS)]
                if i % 3 == 0
                else "Ke\u0302\u0301 hoa\u0323ch " * (i % 4)
                for i in range(90)
            ],
            "score": [
                [2 / 3, None, float("nan"), -0.0, 1e22][i % 5] for i in range(90)
            ],
            "rows": [[3, None, -12][i % 3] for i in range(90)],
            "flag": [[True, False, None][i % 3] for i in range(90)],
        },
        schema_overrides={"rows": pl.Int64},
    )
    columns = (
        xlsx.Column("Mã", "code"),
        xlsx.Column("Tên", "name", max_width=30),
        xlsx.Column("Điểm", "score", "number"),
        xlsx.Column("Dòng", "rows", "integer"),
        xlsx.Column("Có", "flag"),
        xlsx.Column("Trống", "absent", "number"),
    )

    def style(record: Any, key: str) -> dict[str, Any] | None:
        if key == "name" and record["rows"] == 3:
            return {"indent": 2, "bold": True}
        return (
            {"bg_color": "#FCE4D6"} if key == "score" and not record["flag"] else None
        )

    sheet = xlsx.add_sheet(workbook, "Khung")
    table = xlsx.write_table(sheet, formats, 1, columns, frame, style=style)
    plain_table = xlsx.write_table(
        sheet, formats, table.next_row + 2, columns, frame.tail(30)
    )
    sheet.write_string(plain_table.first_data_row + 3, 7, "ô ghi đè bên cạnh")
    charted = xlsx.add_sheet(workbook, "Biểu đồ")
    values = xlsx.write_table(charted, formats, 0, columns, frame.head(40))
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "categories": ["Biểu đồ", 1, 0, values.last_data_row, 0],
            "values": ["Biểu đồ", 1, 2, values.last_data_row, 2],
        }
    )
    charted.insert_chart(values.next_row + 1, 0, chart)
    workbook.close()
    return path.read_bytes()


def test_blocks_over_many_slices_with_a_chart_are_xlsxwriters_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "_SLICE", 7)
    streamed = _frames_with_a_chart(tmp_path / "fast.xlsx", plain=False)
    monkeypatch.setattr(xlsx, "_POLARS_ROWS", 0)
    monkeypatch.setattr(xlsx, "_XML_SLICE", 11)
    by_polars = _frames_with_a_chart(tmp_path / "polars.xlsx", plain=False)
    own = _frames_with_a_chart(tmp_path / "plain.xlsx", plain=True)
    assert streamed == own
    assert by_polars == own

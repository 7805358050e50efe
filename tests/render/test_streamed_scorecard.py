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
        import generate  # type: ignore[import-not-found]
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
        made = scorecard.new_workbook

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
    assert streamed == own
    assert sliced == own
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "sliced.xlsx", read_only=True)[
        ALL_DEDUCTIONS_SHEET
    ]
    rows = list(sheet.iter_rows(values_only=True))
    assert sum(1 for r in rows if r and r[2] is not None) >= deductions

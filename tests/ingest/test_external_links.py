"""A score a form takes from another workbook (an external link) is used as
Excel last saved it, and said: the other workbook may have changed since, and
parindex never opens it (left as a known limit by blind round 24B)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import xlsxwriter

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.pipeline import build_result, consolidate_previous, load_history

NV = "2023/phong-noi-vu.xlsx"
SAMPLE = Path(__file__).resolve().parents[2] / "inputs"


def _form_with_links(path: Path, linked: dict[str, str]) -> None:
    """The sample's NV form written again with XlsxWriter, the cells of
    ``linked`` (A1 → formula) as formulas holding the form's own value."""
    source = openpyxl.load_workbook(SAMPLE / NV).active
    assert source is not None
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("Chấm điểm")
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if cell.coordinate in linked:
                sheet.write_formula(
                    cell.coordinate, linked[cell.coordinate], None, cell.value
                )
            else:
                sheet.write(cell.coordinate, cell.value)
    book.close()


def test_scores_taken_from_another_workbook_are_used_and_said(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs)
    _form_with_links(
        inputs / NV,
        {
            "E9": "='[1]Tổng hợp'!E9",
            "D11": "='C:\\CCHC\\[tong-hop.xlsx]TH'!D11",
            "E11": "=[1]TH!E11",
            "E12": "=ROUND(E12,2)+0",  # no link: not said
        },
    )
    ingested = ingest_year(inputs, 2023, sample_criteria, time.time())
    found = [
        (p["severity"], p["file"], p["sheet"], p["cell"], p["message"])
        for p in ingested.problems.iter_rows(named=True)
        if p["file"] == NV
    ]
    assert found == [
        (
            "warning",
            NV,
            "Chấm điểm",
            "E9",
            messages.SCORES_FROM_OTHER_WORKBOOK.format(count=3, cells="E9, D11, E11"),
        )
    ]
    history, problems = load_history(inputs)
    previous = consolidate_previous(inputs, 2023, time.time())
    result = build_result(sample_criteria, ingested, previous, history, problems)
    assert round(result.current.total, 2) == 79.24

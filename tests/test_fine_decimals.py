"""A score typed with more decimals than any criteria set scores (1,2849 in a
cell formatted ``0.00``, showing 1,28: a formula's leftover) is used as typed,
and said, naming the cell (blind round 19, B1: six such cells moved the total
from 79,24 to 79,27 while every figure the forms show added up to 79,24, and
nothing was said). Scores to the thousandth (0,425, the SPEC's examples) are
scores as the sets give them: nothing is said of them."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages, pipeline

NV = "2023/phong-noi-vu.xlsx"


@pytest.fixture
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    return inputs


def _result(inputs: Path) -> pipeline.AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(criteria, ingested, None, history, history_problems)


def _edit(inputs: Path, cells: dict[str, float]) -> None:
    path = inputs / NV
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    for cell, value in cells.items():
        sheet[cell] = value
    book.save(path)


def test_a_score_with_more_than_three_decimals_is_used_and_said(
    inputs: Path,
) -> None:
    _edit(inputs, {"E16": 1.2849, "D16": 1.5})
    result = _result(inputs)
    leaves = dict(result.current.nodes.select("code", "score").iter_rows())
    assert leaves["1.3.2"] == pytest.approx(1.2849)
    said = result.problems.filter(pl.col("cell") == "E16")
    assert said.select("severity", "file", "criterion", "message").rows() == [
        (
            "warning",
            NV,
            "1.3.2",
            messages.SCORE_MORE_DECIMALS.format(
                cell="E16", typed="1,2849", hundredth="1,28"
            ),
        )
    ]
    assert result.problems.filter(pl.col("cell") == "D16").is_empty()


def test_a_score_to_the_thousandth_is_not_said(inputs: Path) -> None:
    _edit(inputs, {"E16": 1.125})
    result = _result(inputs)
    assert result.problems.filter(pl.col("cell") == "E16").is_empty()


def test_a_whole_percent_of_a_fine_maximum_is_not_said() -> None:
    """0,1875 is 75 % of a 0,25-point criterion (sets scored in quarter points
    give such scores, as the benchmark's forms do): a score as the set gives
    it. 0,1874 is not a whole percent of it: said."""
    from parindex.ingest.validate import fine_decimals

    rows = pl.DataFrame(
        {
            "file": ["a.xlsx", "a.xlsx"],
            "sheet": ["S", "S"],
            "department": ["NV", "NV"],
            "code": ["1.1", "1.2"],
            "max": [0.25, 0.25],
            "self_score": [None, None],
            "appraised_score": [0.1875, 0.1874],
            "self_cell": ["D8", "D9"],
            "appraised_cell": ["E8", "E9"],
        },
        schema_overrides={"self_score": pl.Float64},
    )
    said = fine_decimals(rows)
    assert [(p["cell"], p["message"]) for p in said] == [
        (
            "E9",
            messages.SCORE_MORE_DECIMALS.format(
                cell="E9", typed="0,1874", hundredth="0,19"
            ),
        )
    ]

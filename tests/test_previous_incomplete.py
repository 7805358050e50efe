"""A previous year's drop folder that is incomplete (criteria nobody scored:
a department's file missing) is not compared as if it were the year: its total
and components come from the published figures of ``history.xlsx`` when it has
them, only complete nodes are compared otherwise, and a warning says so. It was
compared silently (46,54 against the published 72,1: "+32,7")."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import polars as pl

from parindex import messages, pipeline

PUBLISHED_2022 = 72.1


def _result(inputs: Path) -> pipeline.AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    previous = pipeline.previous_year(inputs, 2023, time.time())
    return pipeline.build_result(
        criteria,
        ingested,
        previous.result,
        history,
        pl.concat([history_problems, previous.problems], how="diagonal_relaxed"),
    )


def _warnings(result: pipeline.AnalysedResult, start: str) -> list[str]:
    return [m for m in result.problems["message"].to_list() if m.startswith(start)]


def test_a_complete_previous_folder_is_compared_as_consolidated(
    sample_inputs: Path,
) -> None:
    result = _result(sample_inputs)
    assert result.previous_total == PUBLISHED_2022  # consolidated: the same
    assert _warnings(result, "Thư mục 2022/") == []


def test_an_incomplete_previous_folder_gives_way_to_the_published_figures(
    inputs: Path,
) -> None:
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    result = _result(inputs)
    assert result.previous is not None and result.previous.missing.height > 0
    assert result.previous_total == PUBLISHED_2022
    previous = dict(result.components.select("code", "previous").iter_rows())
    assert previous == {
        "1": 7.36, "2": 5.0, "3": 9.5, "4": 6.5,
        "5": 6.5, "6": 3.4, "7": 9.66, "8": 24.18,
    }  # fmt: skip
    missing = result.previous.missing["code"].to_list()
    (warning,) = _warnings(result, "Thư mục 2022/")
    assert warning == messages.PREVIOUS_YEAR_INCOMPLETE_PUBLISHED.format(
        year=2022,
        scored=result.previous.coverage[0],
        leaves=result.previous.coverage[1],
        codes=", ".join(missing[:10]) + (", …" if len(missing) > 10 else ""),
    )
    # a criterion nobody scored last year has no figure of last year
    criteria = result.criteria.filter(pl.col("code").is_in(missing))
    assert criteria["previous"].null_count() == criteria.height


def test_without_published_figures_only_complete_nodes_are_compared(
    inputs: Path,
) -> None:
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    book = openpyxl.load_workbook(inputs / "history.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row[0].value == 2022:
                for cell in row:
                    cell.value = None
    book.save(inputs / "history.xlsx")
    result = _result(inputs)
    assert result.previous_total is None
    nodes = result.previous.nodes  # type: ignore[union-attr]
    complete = set(
        nodes.filter((pl.col("depth") == 1) & (pl.col("leaves") == pl.col("scored")))[
            "code"
        ]
    )
    compared = result.components.filter(pl.col("previous").is_not_null())
    assert set(compared["code"]) == complete and 0 < len(complete) < 8
    (warning,) = _warnings(result, "Thư mục 2022/")
    assert "history.xlsx không có tổng điểm năm 2022" in warning

"""A previous year's drop folder that is incomplete (criteria nobody scored:
a department's file missing) is not compared as if it were the year: its total
and components come from the published figures of ``history.xlsx`` when it has
them, only complete nodes are compared otherwise, and a warning says so. It was
compared silently (46,54 against the published 72,1: "+32,7")."""

from __future__ import annotations

import datetime as dt
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
        previous_set=previous.criteria_set,
    )


def _without_published_2022(inputs: Path) -> None:
    """history.xlsx without its rows of 2022 (results and components)."""
    _without_published_in(inputs / "history.xlsx")


def _without_published_in(path: Path, year: int = 2022) -> None:
    """The workbook at ``path`` without its rows of ``year``."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row[0].value == year:
                for cell in row:
                    cell.value = None
    book.save(path)


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
        history="history.xlsx",
    )
    # a criterion nobody scored last year has no figure of last year
    criteria = result.criteria.filter(pl.col("code").is_in(missing))
    assert criteria["previous"].null_count() == criteria.height


def test_without_published_figures_only_complete_nodes_are_compared(
    inputs: Path,
) -> None:
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    _without_published_2022(inputs)
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


def test_the_warning_names_the_history_file_read(inputs: Path) -> None:
    """An office keeping its published figures as ``history.xlsm`` (or .xls,
    .ods) is told of that file, not of a ``history.xlsx`` it does not have."""
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    (inputs / "history.xlsx").rename(inputs / "history.xlsm")
    result = _result(inputs)
    assert result.previous_total == PUBLISHED_2022
    (warning,) = _warnings(result, "Thư mục 2022/")
    assert "số đã công bố trong history.xlsm;" in warning
    assert "history.xlsx" not in warning
    _without_published_in(inputs / "history.xlsm")
    (warning,) = _warnings(_result(inputs), "Thư mục 2022/")
    assert "và history.xlsm không có tổng điểm năm 2022" in warning


def _report_text(result: pipeline.AnalysedResult) -> str:
    from parindex.render.document import report_blocks

    return "\n".join(str(getattr(block, "text", "")) for block in report_blocks(result))


def test_the_headline_and_report_never_quote_an_incomplete_year(inputs: Path) -> None:
    """Without published figures, nothing quotes the incomplete year's total or
    its score groups: not the headline, not the components' total row, not the
    report (it said "tăng 32,73 điểm so với năm 2022 (46,54 điểm)")."""
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    _without_published_2022(inputs)
    result = _result(inputs)
    incomplete_total = result.previous.total  # type: ignore[union-attr]
    assert result.analysis.headline.previous_total is None
    assert not result.history.filter(pl.col("year") == 2022).height
    text = _report_text(result)
    shown = f"{incomplete_total:.2f}".replace(".", ",")
    assert shown not in text
    assert _survey_sentence(text).endswith("(68,05 %).")  # not compared
    # the scorecard's components: no total of last year on the total row
    from parindex.render.scorecard import render_scorecard

    path = inputs.parent / "scorecard.xlsx"
    render_scorecard(result, path, dt.datetime(2024, 1, 1))
    sheet = openpyxl.load_workbook(path)["Chỉ số thành phần"]
    header = next(r for r in sheet.iter_rows(values_only=True) if "Tổng cộng" in r)
    titles = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "TT")
    assert header[titles.index("Điểm năm trước")] is None
    assert header[titles.index("Điểm tối đa năm trước")] is None


def _survey_sentence(text: str) -> str:
    """The report's sentence on the survey group (TCKH's 8.5 is one of its
    leaves: the incomplete 2022 has no figure of it)."""
    return next(
        line for line in text.split("\n") if line.startswith("Điểm điều tra xã hội học")
    )


def test_with_published_figures_the_report_quotes_them(inputs: Path) -> None:
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    result = _result(inputs)
    assert result.analysis.headline.previous_total == PUBLISHED_2022
    text = _report_text(result)
    assert "so với năm 2022 (72,1 điểm)" in text
    assert _survey_sentence(text).endswith("(68,05 %).")  # its leaves: not compared

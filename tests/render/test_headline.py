"""One headline figure in every output (README, "Choices": the published total
when the province published the year, the computed one in brackets)."""

from __future__ import annotations

import io
import json

from docx import Document
from openpyxl import Workbook
from rich.console import Console

from parindex.analysis import AnalysedResult
from parindex.cli import _print_outcome
from parindex.render.markdown import markdown_summary
from parindex.render.prose import headline_record
from parindex.render.report import render_report
from parindex.render.summary import render_summary

from .workbooks import CREATED

FIGURE = "79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)"
CHANGE = "tăng 7,17 điểm so với năm 2022 (72,1 điểm)"


def test_the_same_headline_in_every_output(
    sample_result: AnalysedResult, scorecard: Workbook
) -> None:
    report = "\n".join(
        p.text
        for p in Document(io.BytesIO(render_report(sample_result, CREATED))).paragraphs
    )
    markdown = markdown_summary(sample_result)
    headline_line = str(scorecard["Tổng hợp"]["A3"].value)
    for text in (report, markdown, headline_line):
        assert FIGURE in text
        assert CHANGE in text
        assert "7,14" not in text.split("\n", 1)[0]
    # nowhere a second, computed change quoted as the headline
    assert "tăng 7,14 điểm" not in report + markdown + headline_line

    summary = json.loads(render_summary(sample_result))
    assert summary["total"] == 79.24  # the SPEC's key: computed from the leaves
    assert summary["previous"] == {"year": 2022, "total": 72.1, "delta": 7.14}
    assert summary["headline"] == {
        "total": 79.27,
        "source": "published",
        "computed_total": 79.24,
        "previous_year": 2022,
        "previous_total": 72.1,
        "delta": 7.17,
        "figure": FIGURE,
        "change": CHANGE,
        "text": headline_line,
    }

    console = Console(record=True, width=200)
    outcome = {
        "year": 2023,
        "total": sample_result.current.total,
        "headline": headline_record(sample_result.analysis.headline),
        "status": "final",
        "files": 6,
        "errors": 0,
        "warnings": 0,
        "scorecard": "outputs/2023/scorecard-2023.xlsx",
        "summary": "outputs/2023/summary-2023.json",
        "changes": [],
    }
    _print_outcome(outcome, console)
    printed = console.export_text()
    assert FIGURE in printed
    assert CHANGE in printed

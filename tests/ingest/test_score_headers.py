"""A score column is never dropped without a word: appraisal and self synonyms are
recognised, and a column headed like a score (``điểm``) that holds numbers but is not
read as a score is named (a warning, or the file set aside when a score role is
missing and the column may be it). Forms built from the shipped sample's NV file."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.ingest.header import role_of
from parindex.pipeline import build_result, consolidate_previous, load_history
from parindex.render.summary import render_summary

NV = "2023/phong-noi-vu.xlsx"


def _sent_unusable(reason: str) -> tuple[str, None, None, None, str]:
    """NV's only file set aside: NV sent a file, not nothing (who submitted)."""
    return (
        "warning",
        None,
        None,
        None,
        messages.DEPARTMENT_SUBMITTED_UNUSABLE.format(
            department="Phòng Nội vụ", file=NV, reason=reason
        ),
    )


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Điểm HĐTĐ chấm", "appraised"),
        ("Điểm Hội đồng chấm", "appraised"),
        ("Điểm chấm của hội đồng", "appraised"),
        ("Điểm HĐ thẩm định", "appraised"),
        ("Kết quả Hội đồng thẩm định", "appraised"),
        ("Điểm tự chấm", "self"),
        ("Điểm đơn vị tự chấm", "self"),
        ("Điểm đạt (đơn vị tự chấm)", "self"),
        ("Điểm đạt (tự đánh giá)", "self"),
        ("Nhận xét của Hội đồng", None),
        ("Ý kiến Hội đồng", None),
        ("Điểm tự chấm (Hội đồng thẩm định kiểm tra)", None),
    ],
)
def test_score_synonyms(text: str, role: str | None) -> None:
    assert role_of(text) == role


def _run(tmp_path: Path, cells: dict[str, object], criteria: CriteriaSet):  # type: ignore[no-untyped-def]
    inputs = tmp_path / "inputs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "inputs", inputs)
    book = openpyxl.load_workbook(inputs / NV)
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(inputs / NV)
    ingested = ingest_year(inputs, 2023, criteria, time.time())
    history, problems = load_history(inputs)
    previous = consolidate_previous(inputs, 2023, time.time())
    result = build_result(criteria, ingested, previous, history, problems)
    summary = json.loads(render_summary(result))
    found = [
        (p["severity"], p["file"], p["sheet"], p["cell"], p["message"])
        for p in ingested.problems.iter_rows(named=True)
    ]
    nv = ingested.rows.filter(pl.col("department") == "NV")
    self_total = round(float(nv["self_score"].sum() or 0.0), 2)
    return summary["total"], found, self_total


@pytest.mark.parametrize(
    "cells",
    [
        {"D7": "Điểm tự chấm", "E7": "Điểm HĐTĐ chấm"},
        {"E7": "Điểm Hội đồng chấm"},
        {"D7": "Điểm đạt (đơn vị tự chấm)"},
    ],
)
def test_synonym_headers_give_the_sample_figures(
    tmp_path: Path, sample_criteria: CriteriaSet, cells: dict[str, object]
) -> None:
    assert _run(tmp_path, cells, sample_criteria) == (79.24, [], 23.5)


def test_an_unrecognised_score_column_beside_self_only_sets_the_file_aside(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    total, found, _ = _run(tmp_path, {"E7": "Điểm cấp trên chấm"}, sample_criteria)
    message = messages.SCORE_COLUMN_UNRECOGNISED_MISSING.format(
        column="E7 “Điểm cấp trên chấm”", role="điểm thẩm định"
    )
    assert found == [
        ("error", NV, "Chấm điểm", "E7", message),
        _sent_unusable(message),
    ]
    assert total != 79.24


def test_an_unrecognised_self_column_sets_the_file_aside(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    total, found, _ = _run(tmp_path, {"D7": "Điểm đơn vị"}, sample_criteria)
    message = messages.SCORE_COLUMN_UNRECOGNISED_MISSING.format(
        column="D7 “Điểm đơn vị”", role="điểm tự đánh giá"
    )
    assert found == [
        ("error", NV, "Chấm điểm", "D7", message),
        _sent_unusable(message),
    ]


def test_an_extra_unrecognised_score_column_is_named_not_used(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    cells: dict[str, object] = {"H7": "Điểm chênh lệch"}
    cells.update({f"H{r}": 0.25 for r in range(8, 12)})
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    message = messages.SCORE_COLUMN_NOT_USED.format(column="H7 “Điểm chênh lệch”")
    assert found == [("warning", NV, "Chấm điểm", "H7", message)]
    assert total == 79.24

"""Results to render: the shipped Phong Thổ sample, 2023 against 2022, and 2022.

The builders are plain functions so that tests outside ``tests/render`` (the
analysis) use the same results.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import Result, compare, consolidate_year
from parindex.criteria import criteria_set_for_year
from parindex.history import empty_history, read_history
from parindex.ingest.collect import Ingested, ingest_year
from parindex.render.scorecard import render_scorecard
from parindex.settings import SETTINGS_FILE, read_unit_settings

from .workbooks import CREATED

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
FIXED_MODIFIED = "2024-01-01T08:00:00+07:00"


def ingest_sample() -> dict[int, Ingested]:
    """The shipped drop folders of 2022 and 2023, read."""
    criteria_set = criteria_set_for_year(INPUTS / "criteria", 2023)
    now = time.time()
    return {year: ingest_year(INPUTS, year, criteria_set, now) for year in (2022, 2023)}


def build_sample_result(ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2023 compared with its 2022, with the published history.

    The files' modification times depend on the checkout, so they are fixed here:
    everything else in the result comes from the files' content.
    """
    criteria_set = criteria_set_for_year(INPUTS / "criteria", 2023)
    current, _ = consolidate_year(criteria_set, ingested[2023].rows, 2023)
    previous, _ = consolidate_year(criteria_set, ingested[2022].rows, 2022)
    history, _ = read_history(INPUTS / "history.xlsx")
    result = compare(
        current,
        previous,
        history,
        ingested[2023].submissions,
        ingested[2023].problems,
    )
    return with_fixed_times(result)


def build_first_year_result(ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2022 alone: no previous year, no published history."""
    criteria_set = criteria_set_for_year(INPUTS / "criteria", 2022)
    current, _ = consolidate_year(criteria_set, ingested[2022].rows, 2022)
    return with_fixed_times(
        compare(
            current,
            None,
            empty_history(),
            ingested[2022].submissions,
            ingested[2022].problems,
        )
    )


def build_2022_result(ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2022 with the published history but no consolidated 2021: the
    year the seed quotes Văn phòng's "29,26/40,5 điểm" of."""
    criteria_set = criteria_set_for_year(INPUTS / "criteria", 2022)
    current, _ = consolidate_year(criteria_set, ingested[2022].rows, 2022)
    history, _ = read_history(INPUTS / "history.xlsx")
    return with_fixed_times(
        compare(
            current,
            None,
            history,
            ingested[2022].submissions,
            ingested[2022].problems,
        )
    )


@pytest.fixture(scope="session")
def sample_ingested() -> dict[int, Ingested]:
    """The shipped drop folders of 2022 and 2023, read."""
    return ingest_sample()


@pytest.fixture(scope="session")
def sample_result(sample_ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2023 compared with its 2022, with the published history."""
    return build_sample_result(sample_ingested)


@pytest.fixture(scope="session")
def first_year_result(sample_ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2022 alone: no previous year, no published history."""
    return build_first_year_result(sample_ingested)


@pytest.fixture(scope="session")
def result_2022(sample_ingested: dict[int, Ingested]) -> AnalysedResult:
    """Phong Thổ 2022 with the published history (``compare(y22, None, …)``)."""
    return build_2022_result(sample_ingested)


@pytest.fixture(scope="session")
def scorecard_path(
    sample_result: AnalysedResult, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample's scorecard, rendered once."""
    path = tmp_path_factory.mktemp("scorecard") / "scorecard-2023.xlsx"
    render_scorecard(sample_result, path, CREATED)
    return path


@pytest.fixture(scope="session")
def scorecard(scorecard_path: Path) -> Workbook:
    """The sample's scorecard, read back with openpyxl."""
    return load_workbook(scorecard_path)


def with_fixed_times(result: Result) -> AnalysedResult:
    """``result`` with every file's modification time set to ``FIXED_MODIFIED``,
    analysed with the shipped unit settings (the analysis stage, as the pipeline
    runs it)."""
    submissions = result.submissions.with_columns(modified=pl.lit(FIXED_MODIFIED))
    unit, _ = read_unit_settings(INPUTS / SETTINGS_FILE)
    return analyse(dataclasses.replace(result, submissions=submissions), unit)

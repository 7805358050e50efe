"""The shipped Phong Thổ sample reproduces the seed report's figures (no Prefect)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from parindex.consolidate import Result
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.pipeline import build_result, consolidate_previous, load_history
from parindex.render.summary import render_summary

SECTION_II = {
    "NV": ["1.2.1", "1.3.2", "5.5.1", "5.5.2", "8.2", "8.3", "8.4"],
    "VP": [
        "3.1.1",
        "7.1.2",
        "7.3.5",
        "8.6",
        "8.10.1",
        "8.10.2",
        "8.10.3",
        "8.10.4",
        "8.10.5",
    ],
    "TP": ["8.1"],
    "TCKH": [
        "1.2.1",
        "1.2.6",
        "6.1",
        "6.2.1",
        "6.2.2",
        "6.3",
        "6.4",
        "8.5",
        "8.7",
        "8.9",
    ],
    "KTHT": ["1.5"],
    "CQ": ["1.7"],
}


def _result(inputs: Path, criteria: CriteriaSet, year: int) -> Result:
    ingested = ingest_year(inputs, year, criteria, time.time())
    history, problems = load_history(inputs)
    previous = consolidate_previous(inputs, year, time.time())
    return build_result(criteria, ingested, previous, history, problems)


@pytest.fixture(scope="module")
def summary_2023(
    sample_inputs: Path, sample_criteria: CriteriaSet
) -> dict[str, object]:
    return json.loads(render_summary(_result(sample_inputs, sample_criteria, 2023)))


def test_headline_figures(summary_2023: dict) -> None:
    assert summary_2023["status"] == "final"
    assert summary_2023["total"] == 79.24
    assert summary_2023["groups"] == {
        "appraisal": 54.86,
        "survey": 13.61,
        "socioeconomic": 1.5,
        "sipas": 9.27,
    }
    assert summary_2023["rank"] == {"position": 2, "of": 8}
    assert summary_2023["previous"] == {"year": 2022, "total": 72.1, "delta": 7.14}
    assert summary_2023["problems"] == []


def test_components_with_change_and_trend(summary_2023: dict) -> None:
    rows = [
        (c["code"], c["score"], c["previous"], c["delta"], c["trend"])
        for c in summary_2023["components"]
    ]
    assert rows == [
        ("1", 9.28, 7.36, 1.92, "increased"),
        ("2", 5.0, 5.0, 0.0, "maintained"),
        ("3", 13.0, 9.5, 3.5, "increased"),
        ("4", 7.5, 6.5, 1.0, "increased"),
        ("5", 5.5, 6.5, -1.0, "decreased"),
        ("6", 3.18, 3.4, -0.22, "decreased"),
        ("7", 11.4, 9.66, 1.74, "increased"),
        ("8", 24.38, 24.18, 0.2, "increased"),
    ]


def test_reconciliation_shows_the_published_differences(summary_2023: dict) -> None:
    differences = {
        r["figure"]: (r["published"], r["computed"], r["difference"])
        for r in summary_2023["reconciliation"]
    }
    assert differences["total"] == (79.27, 79.24, 0.03)
    assert differences["survey"] == (13.64, 13.61, 0.03)
    assert differences["appraisal"] == (54.86, 54.86, 0.0)


def test_department_totals(summary_2023: dict) -> None:
    totals = {d["code"]: (d["max"], d["score"]) for d in summary_2023["departments"]}
    assert totals == {
        "NV": (32.5, 26.79),
        "VP": (40.5, 36.65),
        "TP": (9.5, 8.05),
        "TCKH": (14.0, 6.75),
        "KTHT": (2.0, 1.0),
        "CQ": (2.0, 0.0),
    }


def test_every_section_ii_deduction_plus_the_ones_the_report_missed(
    summary_2023: dict,
) -> None:
    listed = {
        d["code"]: [x["code"] for x in d["deductions"]]
        for d in summary_2023["departments"]
    }
    for department, codes in SECTION_II.items():
        assert set(codes) <= set(listed[department]), department
    assert "5.2.1" in listed["NV"] and "7.3.3" in listed["VP"]
    nv = {x["code"]: x for x in summary_2023["departments"][0]["deductions"]}
    assert (nv["1.3.2"]["score"], nv["1.3.2"]["max"], nv["1.3.2"]["lost"]) == (
        1.28,
        1.5,
        0.22,
    )
    assert nv["1.2.1"]["reason"]


def test_2022_stands_alone_without_an_earlier_folder(
    sample_inputs: Path, sample_criteria: CriteriaSet
) -> None:
    summary = json.loads(render_summary(_result(sample_inputs, sample_criteria, 2022)))
    assert summary["total"] == 72.1
    assert summary["previous"] is None
    vp = next(d for d in summary["departments"] if d["code"] == "VP")
    assert (vp["score"], vp["max"], vp["lost"], vp["percent"]) == (
        29.26,
        40.5,
        11.24,
        72.25,
    )

"""Reading one workbook right changes no figure silently: consolidated figures of
corpus cases next to the clean file's, and departments read from one workbook."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from parindex import messages
from parindex.consolidate import consolidate_year
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from tests.ingest.test_corpus import CORPUS, CRITERIA_FILE, NOW

CLEAN = "header-extra-words"  # the standard NV file, nothing to say


def _ingest(tmp_path: Path, criteria_set: CriteriaSet, *cases: str):  # type: ignore[no-untyped-def]
    inputs = tmp_path / "inputs"
    (inputs / "criteria").mkdir(parents=True)
    shutil.copy2(CRITERIA_FILE, inputs / "criteria")
    folder = inputs / "2023"
    folder.mkdir()
    for case in cases:
        for source in (CORPUS / case).iterdir():
            if source.name != "expected.json":
                target = folder / source.name
                shutil.copy2(source, target)
                os.utime(target, (NOW - 3600, NOW - 3600))
    ingested = ingest_year(inputs, 2023, criteria_set, NOW)
    year, _ = consolidate_year(criteria_set, ingested.rows, 2023)
    return ingested, year


def _score(year, code: str) -> float:  # type: ignore[no-untyped-def]
    return float(year.nodes.filter(pl.col("code") == code)["score"][0] or 0.0)


@pytest.mark.parametrize(
    "case",
    [
        "hidden-row-duplicate",
        "hidden-row-duplicate-above",
        "hidden-row-duplicate-xls",
        "hidden-row-duplicate-ods",
        "hidden-column-duplicate",
        "hidden-column-only",
        "header-after-explanation",
        "header-merged-official",
        "header-merged-rounds",
        "header-other-year-column",
        "sub-items-summed",
        "sub-items-summed-ods",
        "merged-code-and-scores",
        "sheet-of-another-year",
        "copy-sheet-same-scores",
        "hidden-sheet-form",
    ],
)
def test_the_rule_gives_the_clean_file_figures(
    case: str, tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    _, clean = _ingest(tmp_path / "clean", sample_criteria, CLEAN)
    _, read = _ingest(tmp_path / "case", sample_criteria, case)
    assert read.total == pytest.approx(clean.total, abs=1e-9)
    assert _score(read, "1.3.2") == pytest.approx(1.28)
    assert _score(read, "1") == pytest.approx(_score(clean, "1"))


def test_a_refused_criterion_is_not_half_counted(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    for case in ("sub-items-disagree", "merged-code-split", "value-boolean"):
        ingested, year = _ingest(tmp_path / case, sample_criteria, case)
        assert ingested.rows.filter(pl.col("code") == "1.3.2").is_empty()
        node = year.nodes.filter(pl.col("code") == "1.3.2").row(0, named=True)
        assert (node["score"], node["source"]) == (None, "missing")
        assert "1.3.2" in year.missing["code"].to_list()


def test_two_departments_in_one_workbook_both_count(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    ingested, year = _ingest(tmp_path, sample_criteria, "two-departments-one-workbook")
    assert sorted(ingested.rows["department"].unique().to_list()) == ["NV", "TP"]
    not_submitted = ingested.problems.filter(pl.col("file").is_null())[
        "department"
    ].to_list()
    assert "NV" not in not_submitted and "TP" not in not_submitted
    assert _score(year, "2.2.1") == pytest.approx(0.75)  # TP's
    assert _score(year, "1.3.2") == pytest.approx(1.28)  # NV's


def test_facts_that_cannot_be_read_are_said_not_skipped(
    tmp_path: Path, sample_criteria: CriteriaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.ingest import read

    def broken(*_: object) -> None:
        raise ValueError("hỏng")

    monkeypatch.setattr(read, "xlsx_facts", broken)
    ingested, year = _ingest(tmp_path, sample_criteria, CLEAN)
    assert ingested.problems.filter(pl.col("file").is_not_null()).select(
        "severity", "department", "message"
    ).rows() == [
        (
            "warning",
            "NV",
            messages.FACTS_UNREADABLE.format(reason="ValueError: hỏng"),
        )
    ]
    assert ingested.submissions["status"].to_list() == ["used"]


def test_dates_booleans_and_durations_in_a_score_cell_are_named_errors() -> None:
    import datetime as dt

    from parindex.ingest.normalise import normalise_rows
    from parindex.workbook import Sheet, Table

    sheet = Sheet(
        "S",
        [
            ["Mã", "Điểm tự đánh giá"],
            ["1.1", dt.datetime(2023, 1, 5)],
            ["1.2.4", dt.datetime(2023, 1, 5, 8, 30)],
            ["1.3.1", False],
            ["1.3.2", dt.timedelta(hours=12)],
        ],
    )
    rows = normalise_rows(Table(sheet, 0, {"code": 0, "self": 1}), "f.xlsx", "NV")
    assert rows["notices"].to_list() == [
        f"error\x1fB{r}\x1f{message}"
        for r, message in (
            (2, messages.VALUE_DATE.format(cell="B2", shown="05/01/2023")),
            (3, messages.VALUE_DATE.format(cell="B3", shown="05/01/2023 08:30")),
            (4, messages.VALUE_BOOLEAN.format(cell="B4", shown="FALSE")),
            (5, messages.VALUE_DATE.format(cell="B5", shown="12:00:00")),
        )
    ]
    assert rows["self_score"].to_list() == [None] * 4

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


def test_a_number_too_large_to_be_a_score_is_a_named_error() -> None:
    """A score beyond ``SCORE_LIMIT`` (a typing slip: 1e300, a phone number, an
    amount of money) is never summed: its row is set aside with the cell named,
    whether typed as a number or as text."""
    from parindex.ingest.normalise import normalise_rows
    from parindex.numbers import SCORE_LIMIT
    from parindex.workbook import Sheet, Table

    sheet = Sheet(
        "S",
        [
            ["Mã", "Điểm tự đánh giá", "Điểm thẩm định"],
            ["1.1", 1e300, 2.0],
            ["1.2.4", "204.147.000.000", 10**30],
            ["1.3.1", SCORE_LIMIT, -2e10],
        ],
    )
    rows = normalise_rows(
        Table(sheet, 0, {"code": 0, "self": 1, "appraised": 2}), "f.xlsx", "NV"
    )
    limit = "1.000.000"

    def too_large(cell: str, shown: str) -> str:
        message = messages.VALUE_TOO_LARGE.format(cell=cell, shown=shown, limit=limit)
        return f"error\x1f{cell}\x1f{message}"

    assert rows["notices"].to_list() == [
        too_large("B2", "1E+300"),
        too_large("B3", "204.147.000.000") + "\x1e" + too_large("C3", "1E+30"),
        too_large("C4", "-20.000.000.000"),
    ]
    assert rows["self_score"].to_list() == [None, None, SCORE_LIMIT]
    assert rows["appraised_score"].to_list() == [2.0, None, None]


def test_a_night_with_a_score_of_1e300_sets_the_row_aside(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """The slip of one file never stops the night nor costs another file its
    data: the row is set aside with the cell named, the other files are used."""
    import openpyxl

    from parindex import pipeline

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    path = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet["D8"], sheet["E8"] = 1e300, 1e30
    workbook.save(path)
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = ingest_year(inputs, 2023, criteria, NOW)
    said = ingested.problems.filter(pl.col("file") == "2023/phong-tu-phap.xlsx")
    assert {(r["cell"], r["severity"]) for r in said.iter_rows(named=True)} >= {
        ("D8", "error"),
        ("E8", "error"),
    }
    assert ingested.submissions["status"].to_list() == ["used"] * 6


def test_a_history_figure_too_large_is_left_out_and_said(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """A published figure beyond ``SCORE_LIMIT`` in ``history.xlsx`` is left out
    with a warning naming its row (history never stops a run); the year's other
    figures are kept and its components are not added up against it."""
    import openpyxl

    from parindex.history import read_history

    path = tmp_path / "history.xlsx"
    shutil.copy(sample_inputs / "history.xlsx", path)
    workbook = openpyxl.load_workbook(path)
    workbook["Kết quả"]["F3"] = 1e300  # 2023's total
    workbook["Chỉ số thành phần"]["C2"] = -1e30  # 2022's component 1
    workbook.save(path)
    history, problems = read_history(path)
    limit = "1.000.000"
    assert [(p["cell"], p["severity"], p["message"]) for p in problems] == [
        (
            "F3",
            "warning",
            messages.HISTORY_FIGURE_TOO_LARGE.format(
                year=2023, figure="Tổng điểm", shown="1E+300", limit=limit
            ),
        ),
        ("F3", "warning", messages.HISTORY_NO_TOTAL.format(year=2023, row=3)),
        (
            "C2",
            "warning",
            messages.HISTORY_FIGURE_TOO_LARGE.format(
                year=2022, figure="Điểm", shown="-1E+30", limit=limit
            ),
        ),
    ]
    assert history.results["year"].to_list() == [2022]
    assert history.components.filter(pl.col("year") == 2022).height == 7


def test_a_history_year_without_its_total_is_left_out_and_said(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """The year's row of ``history.xlsx`` filled before its total was published:
    the headline is the total computed from the leaves, never a crash."""
    import openpyxl

    from parindex import pipeline

    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    workbook = openpyxl.load_workbook(inputs / "history.xlsx")
    workbook["Kết quả"]["F3"] = None  # 2023's total, not yet published
    workbook.save(inputs / "history.xlsx")
    history, history_problems = pipeline.load_history(inputs)
    assert history_problems["message"].to_list() == [
        messages.HISTORY_NO_TOTAL.format(year=2023, row=3)
    ]
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = ingest_year(inputs, 2023, criteria, NOW)
    result = pipeline.build_result(criteria, ingested, None, history, history_problems)
    assert result.analysis.headline.total == 79.24


def test_a_maximum_or_a_percent_too_large_is_said_never_a_crash() -> None:
    """A stated maximum beyond ``SCORE_LIMIT`` is not compared (a warning names
    its cell; the row's score is still used); a huge score shown as a percent is
    too large, not a percent (the percent shown for it overflowed)."""
    from parindex.ingest.normalise import normalise_rows
    from parindex.sheetfacts import SheetFacts
    from parindex.workbook import Sheet, Table

    sheet = Sheet(
        "S",
        [
            ["Mã", "Điểm tự đánh giá", "Điểm tối đa"],
            ["1.1", 1.0, 84912345678.0],
            ["1.2.4", 1e30, 1.0],
            ["1.3.1", 0.5, "1.000.011"],
        ],
        facts=SheetFacts(percent=frozenset({(2, 1)})),
    )
    rows = normalise_rows(
        Table(sheet, 0, {"code": 0, "self": 1, "max": 2}), "f.xlsx", "NV"
    )
    limit = "1.000.000"
    assert rows["notices"].to_list() == [
        "warning\x1fC2\x1f"
        + messages.MAX_TOO_LARGE.format(cell="C2", shown="84.912.345.678", limit=limit),
        "error\x1fB3\x1f"
        + messages.VALUE_TOO_LARGE.format(cell="B3", shown="1E+30", limit=limit),
        "warning\x1fC4\x1f"
        + messages.MAX_TOO_LARGE.format(cell="C4", shown="1.000.011", limit=limit),
    ]
    assert rows["self_score"].to_list() == [1.0, None, 0.5]
    assert rows["stated_max"].to_list() == [None, 1.0, None]


def test_history_ranks_and_texts_that_are_not_figures_are_said(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """A rank or a count of units beyond ``SCORE_LIMIT``, and a figure typed as
    a text that is not a number, are left out with a warning naming them."""
    import openpyxl

    from parindex.history import read_history

    path = tmp_path / "history.xlsx"
    shutil.copy(sample_inputs / "history.xlsx", path)
    workbook = openpyxl.load_workbook(path)
    workbook["Kết quả"]["G2"] = 1e30  # 2022's rank
    workbook["Kết quả"]["C3"] = "1e30"  # 2023's survey figure, as text
    workbook.save(path)
    history, problems = read_history(path)
    assert [(p["cell"], p["message"]) for p in problems] == [
        (
            "G2",
            messages.HISTORY_FIGURE_TOO_LARGE.format(
                year=2022, figure="Xếp hạng", shown="1E+30", limit="1.000.000"
            ),
        ),
        (
            "C3",
            messages.HISTORY_NOT_A_NUMBER.format(
                year=2023, figure="Điểm điều tra", shown="1e30"
            ),
        ),
    ]
    assert history.results.select("year", "rank", "survey").rows() == [
        (2022, None, 15.5),
        (2023, 2, None),
    ]

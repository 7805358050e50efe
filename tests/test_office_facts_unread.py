"""The workbooks the office keeps (criteria set, history, province register)
were read without their hidden rows and columns, saying nothing, when those
facts could not be read: a hidden column (last year's maxima) would then be
read over the shown one, silently (session 21's read-through). A submission
says it (``FACTS_UNREADABLE``); these say it too, naming the file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from parindex import messages
from parindex.criteria import read_criteria_set
from parindex.history import read_history
from tests.test_previous_incomplete import _result

SAID = messages.OFFICE_FACTS_UNREADABLE


@pytest.fixture
def facts_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    from parindex.ingest import read

    def broken(*_: object) -> None:
        raise ValueError("hỏng")

    monkeypatch.setattr(read, "xlsx_facts", broken)


def test_a_criteria_set_whose_facts_cannot_be_read_says_so(
    sample_inputs: Path, facts_broken: None
) -> None:
    criteria_set = read_criteria_set(sample_inputs / "criteria" / "lai-chau-2022.xlsx")
    assert criteria_set.warnings == (
        SAID.format(file="lai-chau-2022.xlsx", reason="ValueError: hỏng"),
    )
    assert criteria_set.leaves.height == 74  # read as before


def test_a_criteria_set_read_with_its_facts_says_nothing(sample_inputs: Path) -> None:
    path = sample_inputs / "criteria" / "lai-chau-2022.xlsx"
    assert read_criteria_set(path).warnings == ()


def test_the_history_whose_facts_cannot_be_read_says_so(
    sample_inputs: Path, facts_broken: None
) -> None:
    history, problems = read_history(sample_inputs / "history.xlsx")
    assert [(p["severity"], p["file"], p["message"]) for p in problems] == [
        (
            "warning",
            "history.xlsx",
            SAID.format(file="history.xlsx", reason="ValueError: hỏng"),
        )
    ]
    assert history.result(2022) is not None  # read as before


def test_the_night_names_the_criteria_set_whose_facts_were_not_read(
    inputs: Path, facts_broken: None
) -> None:
    result = _result(inputs)
    said = result.problems.filter(pl.col("file") == "lai-chau-2022.xlsx")
    assert said.select("severity", "message").rows() == [
        (
            "warning",
            SAID.format(file="lai-chau-2022.xlsx", reason="ValueError: hỏng"),
        )
    ]
    assert result.analysis.headline.computed_total == pytest.approx(79.24)


def test_the_province_register_whose_facts_cannot_be_read_says_so(
    facts_broken: None,
) -> None:
    from parindex.province.folder import read_province
    from tests.province.conftest import PROVINCE_INPUTS

    province = read_province(PROVINCE_INPUTS)
    said = province.problems.filter(pl.col("file") == "don-vi.xlsx")
    assert said.select("severity", "message").rows() == [
        ("warning", SAID.format(file="don-vi.xlsx", reason="ValueError: hỏng"))
    ]
    assert len(province.units) == 7  # read as before


def test_check_names_the_criteria_set_whose_facts_were_not_read(
    tmp_path: Path, sample_inputs: Path, facts_broken: None
) -> None:
    from parindex.check import check_files

    criteria = sample_inputs / "criteria" / "lai-chau-2022.xlsx"
    forms = sorted((sample_inputs / "2023").iterdir())[:2]
    problems = check_files(forms, tmp_path, criteria=criteria)
    said = problems.filter(pl.col("file") == str(criteria))
    assert said.select("severity", "message").rows() == [  # once, not per form
        ("warning", SAID.format(file="lai-chau-2022.xlsx", reason="ValueError: hỏng"))
    ]


def test_last_years_set_of_a_published_only_year_is_said_too(
    inputs: Path, facts_broken: None
) -> None:
    """Last year known by its published figures only, read with the set in
    force that year (another workbook): that set's warnings were not said
    (session 22's read-through), those of a set of a consolidated last year
    were."""
    import shutil

    import openpyxl

    set_2023 = inputs / "criteria" / "lai-chau-2023.xlsx"
    shutil.copy2(inputs / "criteria" / "lai-chau-2022.xlsx", set_2023)
    workbook = openpyxl.load_workbook(set_2023)
    workbook["Tiêu chí"]["A3"] = "Áp dụng từ năm: 2023"
    workbook.save(set_2023)
    shutil.rmtree(inputs / "2022")
    result = _result(inputs)
    said = result.problems.filter(pl.col("file").str.starts_with("lai-chau-"))
    assert sorted(said.select("file", "message").rows()) == [
        (name, SAID.format(file=name, reason="ValueError: hỏng"))
        for name in ("lai-chau-2022.xlsx", "lai-chau-2023.xlsx")
    ]

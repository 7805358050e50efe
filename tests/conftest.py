"""Fixtures shared by the tests: the shipped sample, small hand-made trees."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet, criteria_set_for_year, read_criteria_set
from tests.builders import SMALL_TREE, write_criteria

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INPUTS = REPO / "inputs"


@pytest.fixture(scope="session")
def sample_inputs() -> Path:
    """The shipped Phong Thổ sample (read only)."""
    return SAMPLE_INPUTS


@pytest.fixture()
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    """A copy of the shipped sample, the test's own to change."""
    copy = tmp_path / "inputs"
    shutil.copytree(sample_inputs, copy)
    return copy


@pytest.fixture(scope="session")
def sample_criteria() -> CriteriaSet:
    """The Lai Châu district criteria set shipped in the sample."""
    return criteria_set_for_year(SAMPLE_INPUTS / "criteria", 2023)


@pytest.fixture()
def small_criteria(tmp_path: Path) -> CriteriaSet:
    """A 4-level tree with a shared leaf (1.2.1: NV and TCKH), two components."""
    return read_criteria_set(
        write_criteria(tmp_path / "criteria" / "small.xlsx", SMALL_TREE)
    )


@pytest.fixture()
def now() -> float:
    """The clock, as the pipeline receives it."""
    return time.time()


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files actually parsed (not served from the cache)."""
    from parindex.ingest import collect

    names: list[str] = []
    real = collect.read_fetched_rows

    def counted(jobs, *args, **kwargs):  # type: ignore[no-untyped-def]
        names.extend(job[0].name for job in jobs)
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(collect, "read_fetched_rows", counted)
    return names

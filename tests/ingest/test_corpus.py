"""The fixture corpus: every awkward or hostile submission gives its exact outcome.

Each folder of ``fixtures/corpus/`` is a drop folder with an ``expected.json``
written by ``fixtures/build_corpus.py`` (see its docstring). The test copies it to
``<tmp>/<year>/`` beside the shipped criteria set, prepares what git does not carry
(symlinks, lock files, modification times), runs ingestion and the consolidation,
and compares every file's status and every problem attached to a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from parindex.consolidate import consolidate_year
from parindex.criteria import CriteriaSet, criteria_set_for_year
from parindex.ingest.collect import (
    Ingested,
    candidate_batches,
    collect_year,
    ingest_year,
    read_batch,
)
from parindex.ingest.discover import discover
from parindex.problems import concat_problems
from parindex.timefmt import OFFICE_TIMEZONE
from tests.ingest.hostile import with_photo

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "corpus"
MESSY = FIXTURES / "messy-sample"
REPO = FIXTURES.parents[2]
CRITERIA_FILE = REPO / "inputs" / "criteria" / "lai-chau-2022.xlsx"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())
NOW = dt.datetime(2024, 1, 15, 10, 0, 0, tzinfo=OFFICE_TIMEZONE).timestamp()
SETTLE_SECONDS = 60.0
DEFAULT_AGE = -3600
# Cases refused in bounded memory, before any reader runs: a bomb that was
# inflated would break the memory bounds (no wall-clock bound: it failed on a
# loaded machine, and speed is measured in bench/, not asserted in tests).
HOSTILE = {
    "zip-bomb",
    "zip-bomb-lying-sizes",
    "billion-laughs",
    "billion-laughs-long-prolog",
    "xxe-external-entity",
    "far-cell",
    "ods-repeated-cells",
    "xls-far-cell",
    "far-cell-sheet-moved",
}
HOSTILE_PEAK_BYTES = 80 * 1024 * 1024


def _inputs_with_criteria(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    (inputs / "criteria").mkdir(parents=True)
    shutil.copy2(CRITERIA_FILE, inputs / "criteria" / CRITERIA_FILE.name)
    return inputs


def _prepare(case: Path, folder: Path, setup: dict[str, Any]) -> None:
    """Copy a case into a drop folder and make what git does not carry."""
    folder.mkdir(parents=True)
    for source in case.iterdir():
        if source.is_dir():  # a department's own subfolder
            shutil.copytree(source, folder / source.name)
        elif source.name != "expected.json":
            shutil.copy2(source, folder / source.name)
    for name, files in setup.get("siblings", {}).items():  # "2023 (1)" beside
        (folder.parent / name).mkdir()
        for file in files:
            shutil.copy2(case / file, folder.parent / name / Path(file).name)
    for name, text in setup.get("text_files", {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, source in setup.get("copies", {}).items():
        shutil.copy2(case / source, folder / name)
    for name in setup.get("directories", []):
        (folder / name).mkdir()
        shutil.copy2(next(case.glob("*.xlsx")), folder / name / "ban-cu.xlsx")
    mtimes = setup.get("mtimes", {})
    for path in sorted(folder.rglob("*"), reverse=True):  # files before folders
        moment = NOW + mtimes.get(path.relative_to(folder).as_posix(), DEFAULT_AGE)
        os.utime(path, (moment, moment))
    for name, target in setup.get("symlinks", {}).items():
        (folder / name).symlink_to(target)
    for name, megabytes in setup.get("photos", {}).items():
        plain = (folder / name).read_bytes()
        moment = (folder / name).stat().st_mtime
        with_photo(plain, megabytes, folder / name)
        os.utime(folder / name, (moment, moment))


def _ingest_case(
    name: str, tmp_path: Path, criteria_set: CriteriaSet
) -> tuple[Ingested, pl.DataFrame, dict[str, Any]]:
    case = CORPUS / name
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    inputs = _inputs_with_criteria(tmp_path)
    _prepare(case, inputs / str(expected["year"]), expected.get("setup", {}))
    ingested = ingest_year(
        inputs, expected["year"], criteria_set, NOW, settle_seconds=SETTLE_SECONDS
    )
    _, conflicts = consolidate_year(criteria_set, ingested.rows, expected["year"])
    problems = concat_problems([ingested.problems, conflicts])
    return ingested, problems, expected


@pytest.fixture(scope="module")
def criteria_set() -> CriteriaSet:
    """The shipped Lai Châu criteria set (departments NV, VP, TP, TCKH, KTHT, CQ)."""
    return criteria_set_for_year(CRITERIA_FILE.parent, 2023)


def test_corpus_has_a_case_per_rule() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_case_outcome(name: str, tmp_path: Path, criteria_set: CriteriaSet) -> None:
    ingested, problems, expected = _ingest_case(name, tmp_path, criteria_set)

    submissions = ingested.submissions.select(
        "file", "department", "status", "rows_read", "rows_used", "note"
    ).to_dicts()
    assert submissions == expected["submissions"]
    # Problems attached to a file; "department X has not submitted" is not a file's.
    found = problems.filter(pl.col("file").is_not_null()).to_dicts()
    key = lambda p: tuple(str(v) for v in p.values())  # noqa: E731
    assert sorted(found, key=key) == sorted(expected["problems"], key=key)
    if "rows" in expected:
        rows = ingested.rows.sort("code").select(
            "code", "self_score", "appraised_score", "reason"
        )
        assert [list(r) for r in rows.iter_rows()] == expected["rows"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_in_bounded_memory(
    name: str, tmp_path: Path, criteria_set: CriteriaSet
) -> None:
    peak_rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    ingested, _, _ = _ingest_case(name, tmp_path, criteria_set)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ingested.submissions["status"].to_list() == ["rejected"]
    assert peak < HOSTILE_PEAK_BYTES
    # Nor did native code (the reader) raise the process's peak: it never ran.
    peak_rss_growth_kb = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_rss_before
    )
    assert peak_rss_growth_kb < HOSTILE_PEAK_BYTES // 1024


def test_messy_sample_consolidates_like_the_clean_one(
    tmp_path: Path, sample_inputs: Path, criteria_set: CriteriaSet
) -> None:
    clean = ingest_year(sample_inputs, 2023, criteria_set, NOW)
    inputs = _inputs_with_criteria(tmp_path)
    shutil.copytree(MESSY / "2023", inputs / "2023")
    for path in (inputs / "2023").iterdir():  # not in the future of the clock
        os.utime(path, (NOW + DEFAULT_AGE, NOW + DEFAULT_AGE))
    messy = ingest_year(inputs, 2023, criteria_set, NOW)

    assert messy.submissions["status"].to_list() == ["used"] * 6
    assert messy.problems.is_empty()
    assert sorted(messy.submissions["department"].to_list()) == sorted(
        clean.submissions["department"].to_list()
    )
    clean_year, clean_conflicts = consolidate_year(criteria_set, clean.rows, 2023)
    messy_year, messy_conflicts = consolidate_year(criteria_set, messy.rows, 2023)
    assert round(messy_year.total, 2) == 79.24
    assert messy_year.total == pytest.approx(clean_year.total, abs=1e-9)
    assert messy_year.groups == pytest.approx(clean_year.groups, abs=1e-9)
    assert_frame_equal(messy_year.deductions, clean_year.deductions)
    assert_frame_equal(
        messy_year.nodes.select("code", "score"),
        clean_year.nodes.select("code", "score"),
    )
    assert messy_conflicts.height == clean_conflicts.height


def test_a_file_over_the_size_cap_is_rejected_unread(
    tmp_path: Path, criteria_set: CriteriaSet
) -> None:
    inputs = _inputs_with_criteria(tmp_path)
    (inputs / "2023").mkdir()
    big = inputs / "2023" / "phong-noi-vu.xlsx"
    with big.open("wb") as stream:
        stream.truncate(60 * 1024 * 1024)  # sparse: no disk, no memory
    os.utime(big, (NOW + DEFAULT_AGE, NOW + DEFAULT_AGE))
    ingested = ingest_year(inputs, 2023, criteria_set, NOW, SETTLE_SECONDS)
    assert ingested.submissions.select("file", "sha256", "status", "note").rows() == [
        (
            "2023/phong-noi-vu.xlsx",
            None,
            "rejected",
            "Tệp quá lớn (60 MB, tối đa 50 MB): không đọc.",
        )
    ]


def test_batches_of_one_file_give_the_same_ingest(
    tmp_path: Path, criteria_set: CriteriaSet
) -> None:
    """The flow reads a folder in batches (perhaps in other processes): cutting it
    into batches of any size gives the same submissions, rows and problems."""
    inputs = _inputs_with_criteria(tmp_path)
    folder = inputs / "2023"
    case = CORPUS / "superseded"
    setup = json.loads((case / "expected.json").read_text("utf-8")).get("setup", {})
    _prepare(case, folder, setup)
    for extra in ("zero-byte", "score-above-max", "lock-files"):
        for source in (CORPUS / extra).iterdir():
            if source.name != "expected.json" and not (folder / source.name).exists():
                shutil.copy2(source, folder / source.name)
                os.utime(folder / source.name, (NOW - 7200, NOW - 7200))
    whole = ingest_year(inputs, 2023, criteria_set, NOW)
    assert set(whole.submissions["status"]) >= {"used", "superseded", "rejected"}
    dropped = discover(folder, 2023, NOW, 0.0)
    batches = [
        read_batch(entries, criteria_set, 2023)
        for entries in candidate_batches(dropped, size=1)
    ]
    cut = collect_year(dropped, batches, criteria_set, 2023, now=NOW)
    candidates = [e for e in dropped if e.status == "candidate"]
    assert len(batches) == len(candidates) >= 3
    assert_frame_equal(cut.submissions, whole.submissions)
    assert_frame_equal(cut.rows, whole.rows)
    assert_frame_equal(cut.problems, whole.problems)
    assert whole.rows.height > 0

"""``ingest_year`` reads the year in bounded chunks of files (so that the read
stage never holds every file's rows as Python objects at once), and what it gives
does not depend on the chunk size."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from parindex.criteria import CriteriaSet
from parindex.ingest import collect
from parindex.ingest.discover import DroppedFile

YEAR = 2023


def test_the_year_is_read_in_chunks_and_gives_what_one_batch_gives(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    now: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = collect.ingest_year(sample_inputs, YEAR, sample_criteria, now)
    sizes: list[int] = []
    real = collect.read_batch

    def counted(
        entries: Sequence[DroppedFile], *args: object, **kwargs: object
    ) -> collect.ReadBatch:
        sizes.append(len(entries))
        return real(entries, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(collect, "read_batch", counted)
    monkeypatch.setattr(collect, "READ_CHUNK_FILES", 2)
    chunked = collect.ingest_year(sample_inputs, YEAR, sample_criteria, now)
    assert len(sizes) > 1 and max(sizes) == 2
    assert (
        sum(sizes)
        == whole.submissions.filter(whole.submissions["status"] != "attachment").height
    )
    assert_frame_equal(chunked.submissions, whole.submissions)
    assert_frame_equal(chunked.rows, whole.rows)
    assert_frame_equal(chunked.problems, whole.problems)
    assert chunked.contents == whole.contents
    assert whole.rows.height > 50


def test_each_chunk_is_validated_on_its_own_never_the_year_concatenated(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    now: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The year's rows are not concatenated beside the chunks' own to be
    validated (at 5000 departments that copy was ``parindex run``'s peak):
    validation looks at one file at a time, and a file is read in one chunk."""
    whole = collect.ingest_year(sample_inputs, YEAR, sample_criteria, now)
    validated: list[int] = []
    real = collect.validate_rows

    def counted(rows: pl.DataFrame, criteria_set: CriteriaSet) -> Any:
        validated.append(rows["file"].n_unique())
        return real(rows, criteria_set)

    monkeypatch.setattr(collect, "validate_rows", counted)
    monkeypatch.setattr(collect, "READ_CHUNK_FILES", 2)
    chunked = collect.ingest_year(sample_inputs, YEAR, sample_criteria, now)
    assert len(validated) > 1 and max(validated) <= 2
    assert_frame_equal(chunked.rows, whole.rows)
    assert_frame_equal(chunked.problems, whole.problems)
    assert_frame_equal(chunked.submissions, whole.submissions)

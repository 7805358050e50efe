"""The rows built in the reader children are the rows the parent built from the
sheets before (``load_submissions`` still returns the sheets, for ``check``)."""

from __future__ import annotations

import json
from pathlib import Path

from polars.testing import assert_frame_equal

from parindex.criteria import CriteriaSet
from parindex.ingest.collect import read_batch
from parindex.ingest.discover import discover
from parindex.ingest.normalise import RowsBuilder
from parindex.ingest.read import load_submissions
from tests.ingest.test_corpus import (
    CASES,
    CORPUS,
    NOW,
    SETTLE_SECONDS,
    _inputs_with_criteria,
    _prepare,
)


def test_every_corpus_case_gives_the_same_rows_from_the_children(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    compared = 0
    for name in CASES:
        case = CORPUS / name
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        year = expected["year"]
        inputs = _inputs_with_criteria(tmp_path / name)
        _prepare(case, inputs / str(year), expected.get("setup", {}))
        entries = [
            entry
            for entry in discover(inputs / str(year), year, NOW, SETTLE_SECONDS)
            if entry.status == "candidate"
        ]
        batch = read_batch(entries, sample_criteria, year)
        builder = RowsBuilder()
        reads = []
        for read, _ in load_submissions(entries, sample_criteria, year):
            for table, department in read.tables():
                builder.add(table, read.file.name, department)
            reads.append(
                (read.file.name, read.department, read.rejection, read.problems)
            )
        assert_frame_equal(batch.rows, builder.frame())
        assert [
            (read.file.name, read.department, read.rejection, read.problems)
            for read in batch.reads
        ] == reads, name
        assert all(not read.tables() for read in batch.reads)  # no sheet kept
        compared += batch.rows.height
    assert compared > 500

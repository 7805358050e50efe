"""A criterion scored through its sub-items (``a)``, ``b)``), or whose reasons
are written on ``-`` rows under it: the reasons were dropped, and the report
said "(chưa ghi nguyên nhân)" of a criterion whose reasons were written (blind
round 23B, F4). They are now the criterion's reason, joined with ``; ``."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from tests.builders import write_submission


def test_sub_item_reasons_are_the_criterions(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, None, None, None],
            ["a)", "Ban hành kế hoạch", 0.5, 0.5, 0.25, "Ban hành muộn"],
            ["b)", "Triển khai kế hoạch", 0.5, 0.5, 0.5, None],
            ["1.2.1", "Báo cáo chung", 0.5, 0.5, 0, "Không đạt"],
            ["-", "Báo cáo quý I", None, None, None, "Nộp muộn báo cáo quý I"],
            ["-", "Báo cáo 6 tháng", None, None, None, None],
            ["2.1", "Điều tra", 3, 2, 2, None],
        ],
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    reasons = dict(
        ingested.rows.filter(pl.col("code").is_in(["1.1", "1.2.1", "2.1"]))
        .select("code", "reason")
        .rows()
    )
    assert reasons == {
        "1.1": "Ban hành muộn",
        "1.2.1": "Không đạt; Nộp muộn báo cáo quý I",
        "2.1": None,
    }

"""A score cell merged over two criteria (blind set c06b: NV's E31:E32 merged holding
0, the clerk meaning both 0) is not called "empty": the message names the merged
range, whose value belongs to its first cell, and the rule applied (README,
Choices). The figures are those of an empty cell: the first row keeps the value,
the other criterion has no appraisal (its self score stands in, provisional)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from tests.builders import write_submission

HEADER = ("Mã tiêu chí", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định")
COLUMNS = ("severity", "sheet", "cell", "criterion", "message")


def test_an_appraisal_merged_over_two_criteria_is_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 0],  # D6:D7 merged, holding 0
            ["1.2.1", "Báo cáo chung", 0.5, None],
            ["2.1", "Điều tra", 3, 2.5],
        ],
        header=HEADER,
        merges=[(5, 3, 6, 3)],
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.rows.select("code", "self_score", "appraised_score").rows() == [
        ("1.1", 1.0, 0.0),
        ("1.2.1", 0.5, None),
        ("2.1", 3.0, 2.5),
    ]
    assert ingested.problems.filter(pl.col("file") == "2023/nv.xlsx").select(
        COLUMNS
    ).rows() == [
        (
            "warning",
            "Chấm điểm",
            "D7",
            "1.2.1",
            "Ô D7 (tiêu chí 1.2.1) nằm trong vùng ô gộp D6:D7: giá trị 0 của vùng gộp "
            "là của ô đầu D6 (dòng 6) và chỉ được tính cho dòng đó; tiêu chí 1.2.1 "
            "coi như chưa có điểm thẩm định, tạm dùng điểm tự đánh giá 0,5. Nếu giá "
            "trị này dành cho mọi tiêu chí trong vùng gộp, hãy bỏ gộp ô, ghi điểm cho "
            "từng tiêu chí rồi nộp lại.",
        )
    ]


def test_a_merged_cell_without_a_self_score_and_a_merged_self_score(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, 0.5],  # C6:C7 merged (self), D7:D8 (appraisal)
            ["1.2.1", "Báo cáo chung", None, 0.5],
            ["2.1", "Điều tra", None, None],
        ],
        header=HEADER,
        merges=[(5, 2, 6, 2), (6, 3, 7, 3)],
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.rows.select("code", "self_score", "appraised_score").rows() == [
        ("1.1", 1.0, 0.5),
        ("1.2.1", None, 0.5),
    ]
    assert ingested.problems.filter(pl.col("file") == "2023/nv.xlsx").select(
        COLUMNS
    ).rows() == [
        (
            "warning",
            "Chấm điểm",
            "C7",
            "1.2.1",
            "Ô C7 (tiêu chí 1.2.1) nằm trong vùng ô gộp C6:C7: giá trị 1 của vùng gộp "
            "là của ô đầu C6 (dòng 6) và chỉ được tính cho dòng đó; tiêu chí 1.2.1 "
            "coi như chưa có điểm tự đánh giá. Nếu giá trị này dành cho mọi tiêu chí "
            "trong vùng gộp, hãy bỏ gộp ô, ghi điểm cho từng tiêu chí rồi nộp lại.",
        ),
        (
            "warning",
            "Chấm điểm",
            "D8",
            "2.1",
            "Ô D8 (tiêu chí 2.1) nằm trong vùng ô gộp D7:D8: giá trị 0,5 của vùng gộp "
            "là của ô đầu D7 (dòng 7) và chỉ được tính cho dòng đó; tiêu chí 2.1 coi "
            "như chưa có điểm thẩm định. Nếu giá trị này dành cho mọi tiêu chí trong "
            "vùng gộp, hãy bỏ gộp ô, ghi điểm cho từng tiêu chí rồi nộp lại.",
        ),
    ]


def test_a_self_score_merged_over_the_appraisal_cell_is_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    """Blind set c3: ``C6:D6`` merged over the self and the appraisal cell of one
    criterion holds 1. Its value is the self score's (the first cell), the
    appraisal cell is said to be inside the range, not "để trống"."""
    write_submission(
        tmp_path / "2023" / "nv.xlsx",
        [
            ["1.1", "Kế hoạch", 1, None],  # C6:D6 merged, holding 1
            ["1.2.1", "Báo cáo chung", 0.5, 0.5],
            ["2.1", "Điều tra", 3, 2.5],
        ],
        header=HEADER,
        merges=[(5, 2, 5, 3)],
    )
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    assert ingested.rows.select("code", "self_score", "appraised_score").rows() == [
        ("1.1", 1.0, None),
        ("1.2.1", 0.5, 0.5),
        ("2.1", 3.0, 2.5),
    ]
    assert ingested.problems.filter(pl.col("file") == "2023/nv.xlsx").select(
        COLUMNS
    ).rows() == [
        (
            "warning",
            "Chấm điểm",
            "D6",
            "1.1",
            "Ô D6 (tiêu chí 1.1) nằm trong vùng ô gộp C6:D6 của dòng 6: giá trị 1 của "
            "vùng gộp là của ô đầu C6 (cột điểm tự đánh giá) và chỉ được tính cho cột "
            "đó; tiêu chí 1.1 coi như chưa có điểm thẩm định, tạm dùng điểm tự đánh "
            "giá 1. Nếu giá trị này dành cho cả các cột khác của vùng gộp, hãy bỏ gộp "
            "ô, ghi điểm vào từng cột rồi nộp lại.",
        )
    ]

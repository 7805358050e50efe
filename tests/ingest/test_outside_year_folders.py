"""Every spreadsheet dropped under ``inputs/`` is accounted for (blind set eight):
a form outside every year folder (a5: ``inputs/Nộp bổ sung/``; a6: loose in
``inputs/``) and one in a folder deeper than the depth read (a4) are named by a
warning, unread; a form whose name states another year than its folder's and
that has no ``Năm`` line (a7) is taken as the folder's year, with a warning
(README, Folder shape)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from parindex import pipeline
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.ingest.discover import discover
from tests.builders import write_submission

HEADER = ("Mã tiêu chí", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định")
ROWS = [["1.1", "Kế hoạch", 1, 0.75], ["1.2.1", "Báo cáo chung", 0.5, 0.5]]
NEWER = [["1.1", "Kế hoạch", 1, 1], ["1.2.1", "Báo cáo chung", 0.5, 0.5]]
COLUMNS = ("severity", "file", "sheet", "cell", "department", "message")

OUTSIDE_ROOT = (
    "Tệp “{file}” nằm ngay trong thư mục nộp bài chung (cạnh các thư mục năm), "
    "không trong thư mục năm nào: tệp không được đọc. Nếu đây là bài nộp năm "
    "2023, hãy chuyển tệp vào thư mục “2023”."
)
OUTSIDE_FOLDER = (
    "Tệp “{file}” nằm trong thư mục “{folder}”, không phải thư mục năm nào: tệp "
    "không được đọc. Nếu đây là bài nộp năm 2023, hãy chuyển tệp vào thư mục "
    "“2023”."
)


def _warnings(inputs: Path, year: int, criteria: CriteriaSet, now: float) -> list:
    ingested = ingest_year(inputs, year, criteria, now)
    return (
        ingested.problems.filter(pl.col("severity") == "warning").select(COLUMNS).rows()
    )


def test_a_form_loose_in_inputs_or_in_a_folder_without_year_is_named(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(tmp_path / "2023" / "nv.xlsx", ROWS, header=HEADER)
    write_submission(tmp_path / "cac-co-quan-don-vi-2023.xlsx", ROWS, header=HEADER)
    write_submission(
        tmp_path / "Nộp bổ sung" / "tckh.xlsx",
        ROWS,
        header=HEADER,
        department="Phòng Tài chính - Kế hoạch",
    )
    found = {
        entry.name: (entry.status, entry.note, entry.warning)
        for entry in discover(tmp_path / "2023", 2023, now)
    }
    loose = OUTSIDE_ROOT.format(file="cac-co-quan-don-vi-2023.xlsx")
    inside = OUTSIDE_FOLDER.format(file="Nộp bổ sung/tckh.xlsx", folder="Nộp bổ sung")
    assert found["cac-co-quan-don-vi-2023.xlsx"] == ("ignored", loose, loose)
    assert found["Nộp bổ sung/tckh.xlsx"] == ("ignored", inside, inside)
    warnings = _warnings(tmp_path, 2023, small_criteria, now)
    assert ("warning", "cac-co-quan-don-vi-2023.xlsx", None, None, None, loose) in (
        warnings
    )
    # the department its name names is told (its feedback workbook shows it)
    assert ("warning", "Nộp bổ sung/tckh.xlsx", None, None, "TCKH", inside) in (
        warnings
    )
    # listed, never read: NV's file is the only one used
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    used = ingested.submissions.filter(pl.col("status") == "used")
    assert used["file"].to_list() == ["2023/nv.xlsx"]


def test_the_folder_contract_is_never_flagged(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    """criteria/, history.xlsx, don-vi.toml, other years' folders, hidden and
    lock files, attachments, and a folder that looks like the year's (said once,
    as a folder, README Folder shape) are not files outside the year folders."""
    write_submission(tmp_path / "2023" / "nv.xlsx", ROWS, header=HEADER)
    write_submission(tmp_path / "2022" / "nv.xlsx", ROWS, header=HEADER, year=2022)
    write_submission(tmp_path / "2023 (1)" / "nv.xlsx", ROWS, header=HEADER)
    (tmp_path / "history.xlsx").write_bytes(b"history")
    (tmp_path / "don-vi.toml").write_text('unit = "UBND"\n', "utf-8")
    (tmp_path / "don-vi.xlsx").write_bytes(b"register")
    (tmp_path / "~$nv.xlsx").write_bytes(b"lock")
    (tmp_path / "cong-van.pdf").write_bytes(b"%PDF")
    (tmp_path / ".parindex-cache").mkdir()
    (tmp_path / ".parindex-cache" / "x.xlsx").write_bytes(b"x")
    (tmp_path / "units" / "SNV" / "2023").mkdir(parents=True)
    write_submission(tmp_path / "units" / "SNV" / "2023" / "snv.xlsx", ROWS)
    names = [entry.name for entry in discover(tmp_path / "2023", 2023, now)]
    assert names == ["2023/nv.xlsx", "2023 (1)/"]


def test_a_folder_deeper_than_read_names_its_spreadsheets(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(tmp_path / "2023" / "nv.xlsx", ROWS, header=HEADER)
    deep = tmp_path / "2023" / "Phòng Tư pháp" / "nop lan 2" / "ban da ky so"
    write_submission(
        deep / "giai nen" / "tp.xlsx", ROWS, header=HEADER, department="Phòng Tư pháp"
    )
    (deep / "giai nen" / "to-trinh.pdf").write_bytes(b"%PDF")
    folder = "2023/Phòng Tư pháp/nop lan 2/ban da ky so/giai nen"
    said = (
        f"Thư mục “{folder}” nằm sâu hơn 3 cấp thư mục con dưới thư mục năm 2023 "
        f"nên không được đọc: 1 tệp bảng tính trong đó không được tổng hợp "
        f"(“{folder}/tp.xlsx”). Hãy chuyển tệp vào thư mục “2023” hoặc một thư mục "
        "con không quá 3 cấp."
    )
    found = {
        entry.name: (entry.status, entry.note, entry.warning)
        for entry in discover(tmp_path / "2023", 2023, now)
    }
    assert found[folder] == ("ignored", said, said)
    assert ("warning", folder, None, None, None, said) in _warnings(
        tmp_path, 2023, small_criteria, now
    )
    # a deep folder holding no spreadsheet: its note says why, no warning
    os.remove(deep / "giai nen" / "tp.xlsx")
    entry = next(e for e in discover(tmp_path / "2023", 2023, now) if e.name == folder)
    assert (entry.status, entry.warning) == ("ignored", None)
    assert entry.note == (
        "Thư mục nằm sâu hơn 3 cấp thư mục con dưới thư mục năm 2023: các tệp "
        "trong đó không được đọc."
    )


NAME_YEAR = (
    "Tên tệp 2022/phong-noi-vu-2023.xlsx ghi năm 2023 nhưng bảng chấm điểm ở "
    "sheet “Chấm điểm” không có dòng “Năm”: bảng được tính là bài nộp năm 2022, "
    "năm của thư mục “2022”. Nếu đây là bài nộp năm 2023, hãy chuyển tệp vào "
    "thư mục “2023”; nếu là năm 2022, hãy thêm dòng “Năm: 2022” vào bảng."
)


def test_a_year_only_in_the_name_is_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(tmp_path / "2022" / "nv.xlsx", ROWS, header=HEADER, year=2022)
    named = write_submission(
        tmp_path / "2022" / "phong-noi-vu-2023.xlsx", NEWER, header=HEADER, year=None
    )
    later = named.stat().st_mtime + 60
    os.utime(named, (later, later))
    warnings = _warnings(tmp_path, 2022, small_criteria, now)
    assert (
        "warning",
        "2022/phong-noi-vu-2023.xlsx",
        "Chấm điểm",
        None,
        "NV",
        NAME_YEAR,
    ) in warnings
    # taken as the folder's year, as before (the newer file of NV)
    ingested = ingest_year(tmp_path, 2022, small_criteria, now)
    used = ingested.submissions.filter(pl.col("status") == "used")
    assert used["file"].to_list() == ["2022/phong-noi-vu-2023.xlsx"]
    # the run of 2023, which reads 2022/ for the previous year, says it too
    (tmp_path / "2023").mkdir()
    found = pipeline.previous_year(tmp_path, 2023, now)
    assert found.problems.select(COLUMNS).rows() == [
        (
            "warning",
            "2022/phong-noi-vu-2023.xlsx",
            "Chấm điểm",
            None,
            "NV",
            "Tên tệp 2022/phong-noi-vu-2023.xlsx ghi năm 2023 nhưng tệp nằm trong "
            "thư mục năm 2022 và bảng chấm điểm ở sheet “Chấm điểm” không có dòng "
            "“Năm”: bảng được tính là bài nộp năm 2022, không được tổng hợp vào năm "
            "2023. Nếu đây là bài nộp năm 2023, hãy chuyển tệp vào thư mục “2023”.",
        )
    ]


def test_a_name_with_the_folder_year_or_a_year_line_is_not_said(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    write_submission(
        tmp_path / "2022" / "nv-2022-so-lieu-2023.xlsx", ROWS, header=HEADER, year=None
    )
    write_submission(
        tmp_path / "2022" / "tckh-2023.xlsx",
        ROWS,
        header=HEADER,
        year=2022,
        department="Phòng Tài chính - Kế hoạch",
    )
    said = [
        row
        for row in _warnings(tmp_path, 2022, small_criteria, now)
        if row[1] is not None
    ]
    assert said == []

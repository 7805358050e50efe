"""When versions of a department cannot be ordered because a modification time is in
the future, the messages name the file(s) whose time is in the future, not every
version (blind set c31: an old copy from a PC whose clock ran 2 days ahead beside
the real file saved now)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl

from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from tests.builders import write_submission

DAY = 86400.0
HEADER = ("Mã tiêu chí", "Tên tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định")


def _write(path: Path, score: float, saved: dt.datetime, mtime: float) -> None:
    write_submission(
        path,
        [["1.1", "Kế hoạch", 1, score], ["1.2.1", "Báo cáo chung", 0.5, 0.5]],
        header=HEADER,
        saved=saved,
    )
    os.utime(path, (mtime, mtime))


def test_only_the_file_whose_time_is_in_the_future_is_named(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    folder = tmp_path / "2023"
    # the real file, saved a minute ago (its workbook records an older save)
    _write(folder / "phong-noi-vu.xlsx", 0.75, dt.datetime(2024, 1, 1), now - 60)
    # an old copy whose modification time is two days ahead
    _write(folder / "nv-cu.xlsx", 0.5, dt.datetime(2024, 1, 5), now + 2 * DAY)
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    used = (
        "Các tệp 2023/phong-noi-vu.xlsx, 2023/nv-cu.xlsx của Phòng Nội vụ không xếp "
        "được theo thời gian sửa (tệp 2023/nv-cu.xlsx có thời gian sửa ở tương lai) "
        "và điểm khác nhau (ví dụ tiêu chí 1.1): dùng 2023/nv-cu.xlsx, bản được lưu "
        "sau cùng theo thời gian lưu ghi trong tệp (05/01/2024 07:00)."
    )
    superseded = (
        "Tệp này (lưu lúc 01/01/2024 07:00) và tệp 2023/nv-cu.xlsx (lưu lúc "
        "05/01/2024 07:00) không xếp được theo thời gian sửa (tệp 2023/nv-cu.xlsx có "
        "thời gian sửa ở tương lai); theo thời gian lưu ghi trong tệp, "
        "2023/nv-cu.xlsx được lưu sau nên tệp này không được dùng."
    )
    assert ingested.submissions.select("file", "status", "note").rows() == [
        ("2023/nv-cu.xlsx", "used", None),
        ("2023/phong-noi-vu.xlsx", "superseded", superseded),
    ]
    ordering = ingested.problems.filter(
        pl.col("message").str.contains("thời gian sửa ở tương lai", literal=True)
    )
    assert ordering.select("file", "message").rows() == [
        ("2023/nv-cu.xlsx", used),
        ("2023/phong-noi-vu.xlsx", superseded),
    ]
    # the file whose time is right is never said to be in the future
    assert not any(
        "2023/phong-noi-vu.xlsx có thời gian" in message
        or "Các tệp 2023/phong-noi-vu.xlsx, 2023/nv-cu.xlsx của Phòng Nội vụ thời gian"
        in message
        for message in ingested.problems["message"]
    )


def test_two_files_in_the_future_and_none_decides(
    tmp_path: Path, small_criteria: CriteriaSet, now: float
) -> None:
    folder = tmp_path / "2023"
    saved = dt.datetime(2024, 1, 1)  # the same save time: nothing decides
    _write(folder / "nv-a.xlsx", 0.75, saved, now + DAY)
    _write(folder / "nv-b.xlsx", 0.5, saved, now + 2 * DAY)
    _write(folder / "nv-c.xlsx", 0.25, saved, now - DAY)  # older than both? unknown
    ingested = ingest_year(tmp_path, 2023, small_criteria, now)
    ambiguous = (
        "Không xác định được bản nào mới hơn giữa các tệp của Phòng Nội vụ "
        "(2023/nv-c.xlsx, 2023/nv-a.xlsx, 2023/nv-b.xlsx): không xếp được theo thời "
        "gian sửa (các tệp 2023/nv-a.xlsx, 2023/nv-b.xlsx có thời gian sửa ở tương "
        "lai), điểm khác nhau (ví dụ tiêu chí 1.1). Không dùng tệp nào: hãy xóa bản "
        "cũ khỏi thư mục."
    )
    assert ingested.submissions.select("file", "status", "note").rows() == [
        ("2023/nv-a.xlsx", "rejected", ambiguous),
        ("2023/nv-b.xlsx", "rejected", ambiguous),
        ("2023/nv-c.xlsx", "rejected", ambiguous),
    ]

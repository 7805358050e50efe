"""Who submitted is said from what was read, not only from the files in use:

- a department whose form is a sheet of another department's workbook, its rows
  used, has submitted (not "chưa nộp");
- a department whose only file was rejected, the file's name naming it, has
  submitted a file that could not be used: its own list and warning, never
  "chưa nộp", and the run is not clean.

The same in ``TRANG-THAI.txt``, the summary JSON (a night with nothing new), the
Markdown summary and the problems."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import pipeline
from parindex import run_record as record
from parindex.render.markdown import markdown_summary
from parindex.render.summary import summary
from tests.builders import copy_sheet, set_don_vi_line


def _result(inputs: Path) -> pipeline.AnalysedResult:
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(criteria, ingested, None, history, history_problems)


def _page(result: pipeline.AnalysedResult, found: record.Verdict) -> list[str]:
    return record.status_text_completed(
        year=2023,
        run_at=0.0,
        flow_run=None,
        result=result,
        found=found,
        changes=[],
        manifest=None,
    ).splitlines()


@pytest.fixture
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs, inputs)
    return inputs


def test_a_department_whose_sheet_is_used_has_submitted(inputs: Path) -> None:
    folder = inputs / "2023"
    book = openpyxl.load_workbook(folder / "van-phong-hdnd-ubnd.xlsx")
    copy_sheet(book, folder / "phong-kinh-te-ha-tang.xlsx", "KTHT")
    book.save(folder / "van-phong-hdnd-ubnd.xlsx")
    (folder / "phong-kinh-te-ha-tang.xlsx").unlink()

    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    found = record.verdict(result)
    assert (found.missing, found.unknown, found.unusable) == ([], [], [])
    assert len(found.submitted) == 6
    assert found.clean
    page = _page(result, found)
    start = page.index("Đơn vị đã nộp (6/6):")
    assert page[start + 7 : start + 9] == ["Đơn vị chưa nộp (0/6):", "  (không có)"]
    from_summary = record.verdict_of_summary(summary(result))
    assert (from_summary.submitted, from_summary.missing) == (found.submitted, [])
    assert "\n- Chưa nộp (0): không còn đơn vị nào\n" in markdown_summary(result)


def test_a_department_whose_only_file_is_rejected_submitted_an_unusable_file(
    inputs: Path,
) -> None:
    path = inputs / "2023" / "phong-tai-chinh-ke-hoach.xlsx"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])  # a copy cut short

    result = _result(inputs)
    rejected = result.submissions.filter(
        pl.col("file") == "2023/phong-tai-chinh-ke-hoach.xlsx"
    )
    assert rejected.select("department", "status").row(0) == ("TCKH", "rejected")
    assert result.problems.filter(
        (pl.col("file") == "2023/phong-tai-chinh-ke-hoach.xlsx")
        & (pl.col("severity") == "error")
    )["department"].to_list() == ["TCKH"]
    said = result.problems.filter(pl.col("department") == "TCKH")["message"]
    assert not any("chưa nộp" in message for message in said)
    reason = result.submissions.filter(
        pl.col("file") == "2023/phong-tai-chinh-ke-hoach.xlsx"
    )["note"][0]
    assert (
        "Đơn vị Phòng Tài chính - Kế hoạch đã nộp nhưng tệp "
        f"“2023/phong-tai-chinh-ke-hoach.xlsx” không dùng được: {reason}"
    ) in said.to_list()

    found = record.verdict(result)
    assert found.missing == []
    assert found.unusable == [("TCKH", "Phòng Tài chính - Kế hoạch")]
    assert len(found.submitted) == 5
    assert not found.clean
    assert found.headline == (
        "HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; "
        "1 đơn vị đã nộp nhưng tệp không dùng được (TCKH)"
    )
    page = _page(result, found)
    start = page.index("Đơn vị đã nộp (5/6):")
    assert page[start + 6 : start + 10] == [
        "Đơn vị chưa nộp (0/6):",
        "  (không có)",
        "Đơn vị đã nộp nhưng tệp không dùng được (1/6):",
        "  - TCKH: Phòng Tài chính - Kế hoạch",
    ]
    from_summary = record.verdict_of_summary(summary(result))
    assert (from_summary.missing, from_summary.unusable) == ([], found.unusable)
    markdown = markdown_summary(result)
    assert "\n- Chưa nộp (0): không còn đơn vị nào\n" in markdown
    assert (
        "\n- Đã nộp nhưng tệp không dùng được (1): Phòng Tài chính - Kế hoạch\n"
        in markdown
    )


def test_a_rejected_file_naming_no_department_leaves_it_missing(
    inputs: Path,
) -> None:
    path = inputs / "2023" / "phong-tai-chinh-ke-hoach.xlsx"
    content = path.read_bytes()
    path.unlink()
    (inputs / "2023" / "bang-diem.xlsx").write_bytes(content[: len(content) // 2])
    found = record.verdict(_result(inputs))
    assert found.missing == [("TCKH", "Phòng Tài chính - Kế hoạch")]
    assert found.unusable == []


def test_a_csv_renamed_for_a_department_whose_name_drops_and_is_its(
    inputs: Path,
) -> None:
    """``phong-kinh-te-ha-tang.xlsx`` (Phòng Kinh tế và Hạ tầng), a CSV export."""
    path = inputs / "2023" / "phong-kinh-te-ha-tang.xlsx"
    path.write_text("Mã;Tiêu chí;Điểm\n1.1;Ban hành kế hoạch;1\n", encoding="utf-8")
    result = _result(inputs)
    found = record.verdict(result)
    assert (found.missing, found.unusable) == (
        [],
        [("KTHT", "Phòng Kinh tế và Hạ tầng")],
    )
    assert result.submissions.filter(
        pl.col("file") == "2023/phong-kinh-te-ha-tang.xlsx"
    ).select("department", "status").row(0) == ("KTHT", "rejected")


def test_a_department_counted_from_a_doubtful_file_is_said_in_the_headline(
    inputs: Path,
) -> None:
    """A department's only file, whose ``Đơn vị`` line (or, without one, its
    name) holds only a short name of it among other words, is used with a
    warning: the headline of the night says so too, with the department, and
    so does the night's record read back from the summary (a night with
    nothing new)."""
    set_don_vi_line(
        inputs / "2023" / "van-phong-hdnd-ubnd.xlsx", "Văn phòng Đăng ký đất đai"
    )
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    found = record.verdict(result)
    assert found.doubted == [("VP", "Văn phòng HĐND và UBND huyện")]
    assert found.clean  # a warning: the figures are the file's
    assert found.headline == (
        "HOÀN THÀNH: 0 lỗi, 1 cảnh báo; 1 đơn vị được tính theo tệp chưa chắc là "
        "của đơn vị (VP): xem cảnh báo"
    )
    from_summary = record.verdict_of_summary(summary(result))
    assert from_summary.doubted == found.doubted
    assert from_summary.headline == found.headline
    markdown = markdown_summary(result)
    assert (
        "\n- Tính theo tệp chưa chắc là của đơn vị (1): Văn phòng HĐND và UBND "
        "huyện\n" in markdown
    )


def test_a_doubtful_form_that_gave_way_is_not_said_in_the_headline(
    inputs: Path,
) -> None:
    """A workbook of two forms without lines (sheets ``Nội vụ`` and ``Văn phòng
    ĐKĐĐ``), newer: NV's form is used; the doubtful VP form gives way to VP's
    own file. VP is counted from its own file: the headline names nobody."""
    import os

    from tests.builders import don_vi_line

    folder = inputs / "2023"
    book = openpyxl.load_workbook(folder / "phong-noi-vu.xlsx")
    don_vi_line(book.active).value = None
    book.active.title = "Nội vụ"
    copy = copy_sheet(book, folder / "van-phong-hdnd-ubnd.xlsx", "Văn phòng ĐKĐĐ")
    don_vi_line(copy).value = None
    book.save(folder / "tong-hop.xlsx")
    (folder / "phong-noi-vu.xlsx").unlink()
    later = time.time()
    os.utime(folder / "tong-hop.xlsx", (later, later))
    os.utime(folder / "van-phong-hdnd-ubnd.xlsx", (later - 3600, later - 3600))
    result = _result(inputs)
    assert result.current.total == pytest.approx(79.24)
    found = record.verdict(result)
    assert found.doubted == []
    assert record.verdict_of_summary(summary(result)).doubted == []
    assert "chưa chắc" not in markdown_summary(result)

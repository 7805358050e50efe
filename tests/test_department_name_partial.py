"""A form with no ``Đơn vị`` line is counted for the department its file's name
(or its sheet's, or its folder's) names. A name holding only one of a
department's short names among other words ("Văn phòng Đăng ký đất đai - tự
chấm.xlsx" holds VP's "Văn phòng") was counted for it without a word, and a
newer such file replaced the department's own. Now it is said (a warning
naming the file), and it never replaces a file of that department whose name
or line is not doubtful: the same rule as for a ``Đơn vị`` line
(``test_department_line_partial``). Words a file's name carries beside the
department's (a year, "tự chấm", "bản sửa lần 2", the unit's place with its
kind word) say nothing."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages, pipeline
from parindex.check import check_files
from tests.builders import copy_sheet, don_vi_line, set_don_vi_line

VP = "van-phong-hdnd-ubnd.xlsx"


def _without_line(path: Path, *, zero: bool = False) -> None:
    """Remove the form's ``Đơn vị`` line (its department then comes from the
    file's name); with ``zero``, every score of the form becomes 0 (another
    office's scores)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    line = don_vi_line(sheet)
    line.value = None
    if zero:
        for row in sheet.iter_rows(min_row=line.row + 3):
            if isinstance(row[4].value, int | float):
                row[4].value = 0
    book.save(path)


def _ingest(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


def _total(inputs: Path, ingested: pipeline.Ingested) -> float:
    criteria = pipeline.load_criteria(inputs, 2023)
    result = pipeline.build_result(
        criteria, ingested, None, *pipeline.load_history(inputs)
    )
    return round(result.current.total, 2)


def _newer(path: Path, *, than: Path) -> None:
    """``path`` modified an hour after ``than``."""
    later = time.time()
    os.utime(path, (later, later))
    os.utime(than, (later - 3600, later - 3600))


def _named(inputs: Path, own: str, name: str) -> str:
    """The department's own form ``own``, without its line, renamed ``name``:
    the file as the folder shows it."""
    path = inputs / "2023" / own
    _without_line(path)
    path.rename(path.with_name(name))
    return f"2023/{name}"


def test_a_file_name_holding_only_a_short_name_is_said(inputs: Path) -> None:
    file = _named(inputs, VP, "Văn phòng Đăng ký đất đai - tự chấm.xlsx")
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == file)
    assert found.select("department", "status").rows() == [("VP", "used")]
    said = ingested.problems.filter(pl.col("file") == file)
    assert said.select("severity", "cell", "department", "message").rows() == [
        (
            "warning",
            None,
            "VP",
            messages.DEPARTMENT_NAME_PARTIAL.format(
                where=messages.WHERE_FILE_NAME,
                text="Văn phòng Đăng ký đất đai - tự chấm",
                name="Văn phòng HĐND và UBND huyện",
                code="VP",
            ),
        )
    ]
    assert said["message"][0] == (
        "Biểu không có dòng “Đơn vị” và tên tệp (“Văn phòng Đăng ký đất đai - tự "
        "chấm”) không đúng tên đơn vị nào của bộ tiêu chí: tệp được tính cho Văn "
        "phòng HĐND và UBND huyện (VP) vì tên này có một tên ngắn của đơn vị đó. "
        "Nếu tệp không phải của Văn phòng HĐND và UBND huyện, hãy bỏ tệp khỏi thư "
        "mục nộp; nếu đúng, hãy thêm dòng “Đơn vị: Văn phòng HĐND và UBND huyện” "
        "vào biểu."
    )


def test_a_doubted_file_name_gives_way_to_the_departments_own_file(
    inputs: Path,
) -> None:
    """Another office's form (no line, named "Văn phòng Đăng ký đất đai"),
    newer, does not replace VP's own (no line either, named by an alias
    exactly): it is set aside, saying why, and the total stays 79.24."""
    folder = inputs / "2023"
    other = folder / "Văn phòng Đăng ký đất đai.xlsx"
    shutil.copy(folder / VP, other)
    _without_line(other, zero=True)
    _without_line(folder / VP)
    _newer(other, than=folder / VP)
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[f"2023/{VP}"] == "used"
    assert status["2023/Văn phòng Đăng ký đất đai.xlsx"] == "rejected"
    errors = ingested.problems.filter(
        (pl.col("file") == "2023/Văn phòng Đăng ký đất đai.xlsx")
        & (pl.col("severity") == "error")
    )
    assert errors["message"].to_list() == [
        messages.DEPARTMENT_NAME_DOUBTED_NOT_USED.format(
            where=messages.WHERE_FILE_NAME,
            stated="Văn phòng HĐND và UBND huyện",
            kept=f"2023/{VP}",
        )
    ]
    assert errors["message"][0] == (
        "Tệp không có dòng “Đơn vị” và tên tệp không ghi đúng tên Văn phòng HĐND "
        "và UBND huyện (chỉ có một tên ngắn hoặc mã của đơn vị giữa các chữ khác); "
        "đã có "
        f"tệp 2023/{VP} của Văn phòng HĐND và UBND huyện nên tệp này không thay thế "
        "tệp đó và không được dùng. Nếu tệp là của Văn phòng HĐND và UBND huyện, "
        "hãy thêm dòng “Đơn vị: Văn phòng HĐND và UBND huyện” vào biểu rồi nộp lại."
    )
    assert _total(inputs, ingested) == 79.24


@pytest.mark.parametrize(
    ("own", "name", "department", "said"),
    [
        (VP, "Văn phòng - tự chấm 2023.xlsx", "VP", False),
        (
            VP,
            "VP HĐND-UBND tự chấm điểm CCHC năm 2023 (bản sửa lần 2).xlsx",
            "VP",
            False,
        ),
        (VP, "van-phong-gui-lai-da-ky.xlsx", "VP", False),
        ("phong-tu-phap.xlsx", "Tư pháp huyện Phong Thổ.xlsx", "TP", False),
        ("phong-tu-phap.xlsx", "P. Tư pháp - bổ sung.xlsx", "TP", False),
        ("phong-tu-phap.xlsx", "bang-cham-diem-cchc-2023-tu-phap.xlsx", "TP", False),
        ("phong-tu-phap.xlsx", "TP_2023_final.xlsx", "TP", False),  # its code
        ("phong-noi-vu.xlsx", "Báo cáo kết quả chỉ số CCHC - Nội vụ.xlsx", "NV", False),
        ("phong-noi-vu.xlsx", "Copy of Nội vụ - tự chấm.xlsx", "NV", False),
        (
            "phong-noi-vu.xlsx",
            "Bản sao của Nội vụ - bảng tự đánh giá.xlsx",
            "NV",
            False,
        ),
        ("phong-noi-vu.xlsx", "Nội vụ nộp bổ sung ngày 20.1.xlsx", "NV", False),
        (
            "phong-noi-vu.xlsx",
            "Phụ lục 1 - Nội vụ - bổ sung minh chứng.xlsx",
            "NV",
            False,
        ),
        ("phong-noi-vu.xlsx", "so-noi-vu-chi-so-cchc-2023.xlsx", "NV", True),
        ("phong-tu-phap.xlsx", "Sở Tư pháp.xlsx", "TP", True),
        ("phong-tu-phap.xlsx", "Tư pháp - Hộ tịch xã Mường So.xlsx", "TP", True),
        (VP, "Trung tâm Văn hóa - Văn phòng.xlsx", "VP", True),
        # the department's code among another body's words
        (VP, "VP Đăng ký đất đai.xlsx", "VP", True),
        ("phong-noi-vu.xlsx", "Sở NV.xlsx", "NV", True),
        ("phong-tu-phap.xlsx", "TP - Hộ tịch.xlsx", "TP", True),
        # its code with what a file's name carries, Phòng, the unit or its name
        ("phong-noi-vu.xlsx", "Phòng NV - tự chấm.xlsx", "NV", False),
        ("phong-noi-vu.xlsx", "UBND huyện Phong Thổ - NV.xlsx", "NV", False),
        ("phong-noi-vu.xlsx", "NV - Phòng Nội vụ (bản sửa).xlsx", "NV", False),
        ("phong-noi-vu.xlsx", "NV (1).xlsx", "NV", False),
        ("phong-noi-vu.xlsx", "NV Nội vụ.xlsx", "NV", False),
    ],
)
def test_how_offices_name_their_files(
    inputs: Path, own: str, name: str, department: str, said: bool
) -> None:
    """A short name or the department's code with only the words a file's name
    carries anyway (a year, "tự chấm", "bảng chấm điểm", "bản sửa lần 2", "gửi
    lại", "đã ký"), "Phòng" before it, the unit's place or the department's own
    name around it says nothing; another body's words around it (Sở, Đăng ký đất
    đai, Hộ tịch, Trung tâm Văn hóa) are said."""
    file = _named(inputs, own, name)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == file)
    assert found.select("department", "status").rows() == [(department, "used")]
    warned = ingested.problems.filter(
        (pl.col("file") == file)
        & pl.col("message").str.starts_with("Biểu không có dòng “Đơn vị”")
    )
    assert warned.height == int(said)


def test_a_sheet_named_by_a_short_name_is_said(inputs: Path) -> None:
    """A workbook of several forms without lines: each sheet's name names its
    department, and a sheet's name holding only a short name among other words
    is said, naming the sheet."""
    folder = inputs / "2023"
    _without_line(folder / VP)
    _without_line(folder / "phong-tu-phap.xlsx")
    book = openpyxl.load_workbook(folder / VP)
    book.active.title = "Văn phòng ĐKĐĐ"
    copy_sheet(book, folder / "phong-tu-phap.xlsx", "Tư pháp")
    book.save(folder / "bieu-cham-diem.xlsx")
    (folder / VP).unlink()
    (folder / "phong-tu-phap.xlsx").unlink()
    ingested = _ingest(inputs)
    warned = ingested.problems.filter(
        pl.col("message").str.starts_with("Biểu không có dòng “Đơn vị”")
    )
    assert warned.select("file", "sheet", "department", "message").rows() == [
        (
            "2023/bieu-cham-diem.xlsx",
            "Văn phòng ĐKĐĐ",
            "VP",
            messages.DEPARTMENT_NAME_PARTIAL.format(
                where=messages.WHERE_SHEET_TITLE,
                text="Văn phòng ĐKĐĐ",
                name="Văn phòng HĐND và UBND huyện",
                code="VP",
            ),
        )
    ]


def test_a_file_name_naming_another_district_is_another_units_form(
    inputs: Path,
) -> None:
    """A form with no ``Đơn vị`` line whose file's name names a place of the
    unit's level that is not the unit's ("Tư pháp huyện Tam Đường" in huyện
    Phong Thổ's folder) is a neighbouring district's: set aside, naming the
    file's name, as a line naming it would be; alone as well. The unit's own
    place in the name is its own."""
    folder = inputs / "2023"
    stray = folder / "Phòng Tư pháp huyện Tam Đường - tự chấm.xlsx"
    shutil.copy(folder / "phong-tu-phap.xlsx", stray)
    _without_line(stray, zero=True)
    _newer(stray, than=folder / "phong-tu-phap.xlsx")
    ingested = _ingest(inputs)
    file = "2023/Phòng Tư pháp huyện Tam Đường - tự chấm.xlsx"
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert (status[file], status["2023/phong-tu-phap.xlsx"]) == ("rejected", "used")
    errors = ingested.problems.filter(
        (pl.col("file") == file) & (pl.col("severity") == "error")
    )
    expected = messages.DEPARTMENT_NAME_OTHER_UNIT.format(
        where=messages.WHERE_FILE_NAME,
        text="Phòng Tư pháp huyện Tam Đường - tự chấm",
        place="huyện Tam Đường",
        unit="UBND huyện Phong Thổ",
        settings="don-vi.toml",
        name="Phòng Tư pháp",
        code="TP",
    )
    assert errors.select("cell", "department", "message").rows() == [
        (None, "TP", expected)
    ]
    assert expected == (
        "Biểu không có dòng “Đơn vị” và tên tệp (“Phòng Tư pháp huyện Tam Đường - "
        "tự chấm”) ghi huyện Tam Đường, không phải địa bàn của UBND huyện Phong Thổ "
        "(đơn vị đang tổng hợp, theo tệp don-vi.toml), nên biểu này không được tính "
        "cho Phòng Tư pháp (TP). Nếu đây đúng là biểu của Phòng Tư pháp, hãy thêm "
        "dòng “Đơn vị: Phòng Tư pháp” vào biểu rồi nộp lại; nếu don-vi.toml ghi sai "
        "tên đơn vị, hãy sửa tệp đó."
    )
    assert _total(inputs, ingested) == 79.24
    (folder / "phong-tu-phap.xlsx").unlink()  # alone: not used either
    alone = _ingest(inputs)
    assert alone.submissions.filter(pl.col("file") == file)["status"].to_list() == [
        "rejected"
    ]
    own = folder / "Tư pháp huyện Phong Thổ.xlsx"  # the unit's own place
    stray.rename(own)
    mine = _ingest(inputs)
    assert mine.submissions.filter(
        pl.col("file") == "2023/Tư pháp huyện Phong Thổ.xlsx"
    )["status"].to_list() == ["used"]


def test_a_year_after_a_kind_word_is_no_place() -> None:
    """``TP_2023_final``: Tư pháp's code, then the year (it was read as a city
    named 2023, and its file set aside as another unit's); ``Quận 10`` is a
    place."""
    from parindex.ingest.places import mentions

    assert mentions("TP_2023_final") == []
    assert mentions("Phòng Tư pháp TP 2024") == []
    assert [place.shown for place in mentions("UBND Quận 10")] == ["Quận 10"]


@pytest.mark.parametrize(
    ("own", "name", "department"),
    [
        ("phong-kinh-te-ha-tang.xlsx", "phong-kinh-te-ha-tang.xlsx", "KTHT"),
        ("phong-kinh-te-ha-tang.xlsx", "Phòng Kinh tế - Hạ tầng.xlsx", "KTHT"),
        ("phong-kinh-te-ha-tang.xlsx", "Phòng KT&HT.xlsx", "KTHT"),
        ("phong-tai-chinh-ke-hoach.xlsx", "P.TC-KH 2023.xlsx", "TCKH"),
        ("phong-tai-chinh-ke-hoach.xlsx", "TC - KH.xlsx", "TCKH"),  # its code
        ("phong-kinh-te-ha-tang.xlsx", "KT-HT.xlsx", "KTHT"),
        ("phong-kinh-te-ha-tang.xlsx", "KT&HT_2023.xlsx", "KTHT"),
        ("phong-noi-vu.xlsx", "Phụ lục II - Nội vụ.xlsx", "NV"),
        ("phong-noi-vu.xlsx", "Phụ lục số 01 kèm Báo cáo - Nội vụ.xlsx", "NV"),
    ],
)
def test_a_name_written_as_offices_write_their_lines(
    inputs: Path, own: str, name: str, department: str
) -> None:
    """A file's name is read as a ``Đơn vị`` line is: "và" may be left out,
    ``&`` is "và", ``P.`` is Phòng (the sample's own ``phong-kinh-te-ha-tang``,
    without its line, was set aside as naming no department)."""
    file = _named(inputs, own, name)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(pl.col("file") == file)
    assert found.select("department", "status").rows() == [(department, "used")]
    assert ingested.problems.filter(pl.col("file") == file).is_empty()


def test_a_short_name_with_a_commune_around_it_is_doubtful(inputs: Path) -> None:
    """``Nội vụ xã Dào San.xlsx`` in huyện Phong Thổ's folder: a short name with
    only a place around it is the department's own way of writing it when the
    place is the unit's; a commune below the unit is another body (the
    commune's own office): doubtful, so it never replaces NV's own file, and a
    line ``Tư pháp xã Mường So`` alone is used with the warning. Without
    ``don-vi.toml`` the unit is not known: nothing is said, as before."""
    folder = inputs / "2023"
    stray = folder / "Nội vụ xã Dào San.xlsx"
    shutil.copy(folder / "phong-noi-vu.xlsx", stray)
    _without_line(stray, zero=True)
    _newer(stray, than=folder / "phong-noi-vu.xlsx")
    set_don_vi_line(folder / "phong-tu-phap.xlsx", "Tư pháp xã Mường So")
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status["2023/Nội vụ xã Dào San.xlsx"] == "rejected"
    assert status["2023/phong-noi-vu.xlsx"] == "used"
    assert status["2023/phong-tu-phap.xlsx"] == "used"
    said = ingested.problems.filter(
        pl.col("file").is_in(["2023/Nội vụ xã Dào San.xlsx", "2023/phong-tu-phap.xlsx"])
    ).sort("file")
    assert said.select("severity", "file", "department", "message").rows() == [
        (
            "error",
            "2023/Nội vụ xã Dào San.xlsx",
            "NV",
            messages.DEPARTMENT_NAME_DOUBTED_NOT_USED.format(
                where=messages.WHERE_FILE_NAME,
                stated="Phòng Nội vụ",
                kept="2023/phong-noi-vu.xlsx",
            ),
        ),
        (
            "warning",
            "2023/Nội vụ xã Dào San.xlsx",
            "NV",
            messages.DEPARTMENT_NAME_PARTIAL.format(
                where=messages.WHERE_FILE_NAME,
                text="Nội vụ xã Dào San",
                name="Phòng Nội vụ",
                code="NV",
            ),
        ),
        (
            "warning",
            "2023/phong-tu-phap.xlsx",
            "TP",
            messages.DEPARTMENT_LINE_PARTIAL.format(
                text="Tư pháp xã Mường So", name="Phòng Tư pháp", code="TP"
            ),
        ),
    ]
    assert _total(inputs, ingested) == 79.24
    checked = check_files([stray, folder / "phong-tu-phap.xlsx"], inputs)
    assert checked.select("severity", "message").sort("message").rows() == [
        ("warning", said["message"][1]),
        ("warning", said["message"][2]),
    ]
    (inputs / "don-vi.toml").unlink()
    unknown = _ingest(inputs)
    assert unknown.submissions.filter(pl.col("file") == "2023/Nội vụ xã Dào San.xlsx")[
        "status"
    ].to_list() == ["used"]


def test_check_reads_a_departments_subfolder_as_the_run_does(inputs: Path) -> None:
    """``2023/Phòng Tư pháp/bang diem.xlsx`` (no line, a name that says
    nothing): the run counts it for TP by its subfolder, and ``check`` must say
    the same, not that no department could be found; in ``Sở Tư pháp/`` both
    say it is doubtful."""
    folder = inputs / "2023" / "Phòng Tư pháp"
    folder.mkdir()
    path = folder / "bang diem.xlsx"
    (inputs / "2023" / "phong-tu-phap.xlsx").rename(path)
    _without_line(path)
    ingested = _ingest(inputs)
    found = ingested.submissions.filter(
        pl.col("file") == "2023/Phòng Tư pháp/bang diem.xlsx"
    )
    assert found.select("department", "status").rows() == [("TP", "used")]
    assert check_files([path], inputs).filter(pl.col("severity") == "error").is_empty()
    deeper = folder / "ban sua" / "bang diem.xlsx"  # two folders down: the first
    deeper.parent.mkdir()
    path.rename(deeper)
    assert _ingest(inputs).submissions.filter(
        pl.col("file") == "2023/Phòng Tư pháp/ban sua/bang diem.xlsx"
    ).select("department", "status").rows() == [("TP", "used")]
    assert (
        check_files([deeper], inputs).filter(pl.col("severity") == "error").is_empty()
    )
    deeper.rename(path)
    deeper.parent.rmdir()
    other = inputs / "2023" / "Sở Tư pháp"
    folder.rename(other)
    checked = check_files([other / "bang diem.xlsx"], inputs)
    assert checked.select("severity", "message").rows() == [
        (
            "warning",
            messages.DEPARTMENT_NAME_PARTIAL.format(
                where=messages.WHERE_FOLDER_NAME,
                text="Sở Tư pháp",
                name="Phòng Tư pháp",
                code="TP",
            ),
        )
    ]


def test_a_folder_or_a_full_name_naming_another_place(inputs: Path) -> None:
    """Without a ``Đơn vị`` line, every name of the form is looked at for
    places, not only the one that gave its department: a subfolder naming
    another district sets the form aside (``2023/Huyện Tam Đường (tham
    khảo)/Tư pháp.xlsx``), and a full name with a commune around it
    (``Phòng Tư pháp xã Mường So.xlsx``) is doubtful: neither replaces TP's
    own file. The town of the unit's own name (``thị trấn Phong Thổ``) is its
    own."""
    folder = inputs / "2023"
    own = folder / "phong-tu-phap.xlsx"
    neighbour = folder / "Huyện Tam Đường (tham khảo)" / "Tư pháp.xlsx"
    neighbour.parent.mkdir()
    commune = folder / "Phòng Tư pháp xã Mường So.xlsx"
    town = folder / "Phòng Tư pháp thị trấn Phong Thổ.xlsx"
    for stray in (neighbour, commune):
        shutil.copy(own, stray)
        _without_line(stray, zero=True)
        _newer(stray, than=own)
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status["2023/Huyện Tam Đường (tham khảo)/Tư pháp.xlsx"] == "rejected"
    assert status["2023/Phòng Tư pháp xã Mường So.xlsx"] == "rejected"
    assert status["2023/phong-tu-phap.xlsx"] == "used"
    assert _total(inputs, ingested) == 79.24
    errors = ingested.problems.filter(
        (pl.col("severity") == "error")
        & (pl.col("file") == "2023/Huyện Tam Đường (tham khảo)/Tư pháp.xlsx")
    )
    assert errors["message"].to_list() == [
        messages.DEPARTMENT_NAME_OTHER_UNIT.format(
            where=messages.WHERE_FOLDER_NAME,
            text="Huyện Tam Đường (tham khảo)",
            place="Huyện Tam Đường",
            unit="UBND huyện Phong Thổ",
            settings="don-vi.toml",
            name="Phòng Tư pháp",
            code="TP",
        )
    ]
    neighbour.unlink()
    commune.unlink()
    own.rename(town)
    _without_line(town)
    alone = _ingest(inputs)
    assert alone.submissions.filter(
        pl.col("file") == "2023/Phòng Tư pháp thị trấn Phong Thổ.xlsx"
    ).select("status").rows() == [("used",)]
    assert alone.problems.filter(pl.col("department") == "TP").is_empty()


def test_a_short_name_with_the_units_seat_is_the_towns_office(inputs: Path) -> None:
    """``Nội vụ thị trấn Phong Thổ.xlsx``: a short name with the town of the
    unit's own name around it is the town's office (a commune-level unit), not
    the district's department: doubtful, it does not replace NV's own file.
    With the department's full name the town is where it sits (see above)."""
    folder = inputs / "2023"
    stray = folder / "Nội vụ thị trấn Phong Thổ.xlsx"
    shutil.copy(folder / "phong-noi-vu.xlsx", stray)
    _without_line(stray, zero=True)
    _newer(stray, than=folder / "phong-noi-vu.xlsx")
    old = folder / "Tư pháp - bản cũ.xlsx"  # an older own copy: superseded
    shutil.copy(folder / "phong-tu-phap.xlsx", old)
    _without_line(old)
    _newer(folder / "phong-tu-phap.xlsx", than=old)
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status["2023/Nội vụ thị trấn Phong Thổ.xlsx"] == "rejected"
    assert status["2023/phong-noi-vu.xlsx"] == "used"
    assert status["2023/Tư pháp - bản cũ.xlsx"] == "superseded"
    assert ingested.problems.filter(pl.col("file") == "2023/Tư pháp - bản cũ.xlsx")[
        "message"
    ].to_list() == [messages.FILE_SUPERSEDED.format(newer="2023/phong-tu-phap.xlsx")]
    assert _total(inputs, ingested) == 79.24


def test_a_code_among_another_bodys_words_is_said_and_gives_way(
    inputs: Path,
) -> None:
    """``VP Đăng ký đất đai.xlsx`` (no ``Đơn vị`` line) holds VP's code among
    another office's words: it was counted for VP without a word, and, newer,
    replaced VP's own file (that office's zeros in the total). Now it is said,
    alone it is used with the warning, and it never replaces VP's own file."""
    folder = inputs / "2023"
    other = folder / "VP Đăng ký đất đai.xlsx"
    shutil.copy(folder / VP, other)
    _without_line(other, zero=True)
    _newer(other, than=folder / VP)
    ingested = _ingest(inputs)
    file = "2023/VP Đăng ký đất đai.xlsx"
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert (status[file], status[f"2023/{VP}"]) == ("rejected", "used")
    errors = ingested.problems.filter(
        (pl.col("file") == file) & (pl.col("severity") == "error")
    )
    assert errors["message"].to_list() == [
        messages.DEPARTMENT_NAME_DOUBTED_NOT_USED.format(
            where=messages.WHERE_FILE_NAME,
            stated="Văn phòng HĐND và UBND huyện",
            kept=f"2023/{VP}",
        )
    ]
    assert _total(inputs, ingested) == 79.24
    (folder / VP).unlink()  # alone: used, and said
    alone = _ingest(inputs)
    assert alone.submissions.filter(pl.col("file") == file)["status"].to_list() == [
        "used"
    ]
    said = alone.problems.filter(pl.col("file") == file)
    expected = messages.DEPARTMENT_NAME_CODE_AMONG_WORDS.format(
        where=messages.WHERE_FILE_NAME,
        text="VP Đăng ký đất đai",
        name="Văn phòng HĐND và UBND huyện",
        code="VP",
    )
    assert said.select("severity", "department", "message").rows() == [
        ("warning", "VP", expected)
    ]
    assert expected == (
        "Biểu không có dòng “Đơn vị” và tên tệp (“VP Đăng ký đất đai”) không đúng "
        "tên đơn vị nào của bộ tiêu chí: tệp được tính cho Văn phòng HĐND và UBND "
        "huyện (VP) vì tên này có mã “VP” của đơn vị đó, giữa những chữ không thuộc "
        "tên đơn vị. Nếu tệp không phải của Văn phòng HĐND và UBND huyện, hãy bỏ "
        "tệp khỏi thư mục nộp; nếu đúng, hãy thêm dòng “Đơn vị: Văn phòng HĐND và "
        "UBND huyện” vào biểu."
    )
    # the night's headline names VP: its figures may be another office's
    from parindex.problems import doubted_in_use

    assert doubted_in_use(
        [("VP", "Văn phòng HĐND và UBND huyện"), ("NV", "Phòng Nội vụ")],
        alone.problems.to_dicts(),
        {file},
    ) == [("VP", "Văn phòng HĐND và UBND huyện")]

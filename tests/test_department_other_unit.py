"""A ``Đơn vị`` line that names another place of the unit's level ("Phòng Tư
pháp huyện Tam Đường" in huyện Phong Thổ's folder: a neighbouring district's form
dropped by mistake) is not this unit's form: it is set aside with an error naming
the cell, never used and never replacing the department's own form, even when
it is the only one. It was used without a word: the full name of the department
made it look like its own (README, Known limits, until now). Places of other
levels (a commune, the province) are not compared, and nothing is compared
without ``don-vi.toml``."""

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
from parindex.ingest.places import mentions, unit_place
from tests.builders import set_don_vi_line

TP = "2023/phong-tu-phap.xlsx"
NEIGHBOUR = "2023/tu-phap-tam-duong.xlsx"


def _set_line(path: Path, text: str, *, zero_scores: bool = False) -> str:
    cell = set_don_vi_line(path, text)
    if zero_scores:
        book = openpyxl.load_workbook(path)
        for row in book.active.iter_rows(min_row=book.active[cell].row + 3):
            if isinstance(row[4].value, int | float):
                row[4].value = 0
        book.save(path)
    return cell


def _ingest(inputs: Path) -> pipeline.Ingested:
    criteria = pipeline.load_criteria(inputs, 2023)
    return pipeline.ingest_year(inputs, 2023, criteria, time.time())


def _message(text: str, place: str) -> str:
    return messages.DEPARTMENT_LINE_OTHER_UNIT.format(
        text=text,
        place=place,
        unit="UBND huyện Phong Thổ",
        settings="don-vi.toml",
        name="Phòng Tư pháp",
        code="TP",
    )


def _neighbour_beside_own(inputs: Path, line: str) -> str:
    """A copy of TP's form, newer, its scores 0, its line ``line``."""
    own, other = inputs / TP, inputs / NEIGHBOUR
    shutil.copy(own, other)
    cell = _set_line(other, line, zero_scores=True)
    later = time.time()
    os.utime(other, (later, later))
    os.utime(own, (later - 3600, later - 3600))
    return cell


def _neighbour_with(inputs: Path, line: str, cells: dict[str, str]) -> pl.DataFrame:
    """The neighbour's form beside TP's, its line ``line`` and ``cells`` typed
    in: TP's own is used, the neighbour's set aside; what is said of it."""
    _neighbour_beside_own(inputs, line)
    book = openpyxl.load_workbook(inputs / NEIGHBOUR)
    for cell, value in cells.items():
        book.active[cell] = value
    book.save(inputs / NEIGHBOUR)
    later = time.time()
    os.utime(inputs / NEIGHBOUR, (later, later))
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TP] == "used"
    assert status[NEIGHBOUR] == "rejected"
    return ingested.problems.filter(pl.col("file") == NEIGHBOUR)


def test_another_districts_form_does_not_replace_the_departments_own(
    inputs: Path,
) -> None:
    cell = _neighbour_beside_own(inputs, "Phòng Tư pháp huyện Tam Đường")
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TP] == "used"
    assert status[NEIGHBOUR] == "rejected"
    said = ingested.problems.filter(pl.col("file") == NEIGHBOUR)
    assert said.select("severity", "sheet", "cell", "department", "message").rows() == [
        (
            "error",
            "Chấm điểm",
            cell,
            "TP",
            _message("Phòng Tư pháp huyện Tam Đường", "huyện Tam Đường"),
        )
    ]
    assert said["message"][0] == (
        "Dòng “Đơn vị” ghi “Phòng Tư pháp huyện Tam Đường”: huyện Tam Đường không "
        "phải địa bàn của UBND huyện Phong Thổ (đơn vị đang tổng hợp, theo tệp "
        "don-vi.toml), nên biểu này không được tính cho Phòng Tư pháp (TP). Nếu đây "
        "đúng là biểu của Phòng Tư pháp, hãy sửa dòng “Đơn vị” rồi nộp lại; nếu "
        "don-vi.toml ghi sai tên đơn vị, hãy sửa tệp đó."
    )
    result = pipeline.build_result(
        pipeline.load_criteria(inputs, 2023),
        ingested,
        None,
        *pipeline.load_history(inputs),
    )
    assert round(result.current.total, 2) == 79.24


def test_another_districts_form_alone_is_not_used(inputs: Path) -> None:
    cell = _set_line(inputs / TP, "P. Tư pháp H. Tam Đường")
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TP] == "rejected"
    assert ingested.rows.filter(pl.col("department") == "TP").is_empty()
    said = ingested.problems.filter(pl.col("file") == TP)
    assert said.select("severity", "cell", "message").rows() == [
        ("error", cell, _message("P. Tư pháp H. Tam Đường", "huyện Tam Đường"))
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Phòng Tư pháp huyện Phong Thổ",
        "Phòng Tư pháp huyện Phong Thổ, tỉnh Lai Châu",
        "UBND H. Phong Thổ - Phòng Tư pháp",
        "PHÒNG TƯ PHÁP HUYỆN PHONG THỔ",
        "Phòng Tư pháp huyen Phong Tho",
        "Phòng Tư pháp tỉnh Điện Biên",  # another level: not compared here
        "Phòng Tư pháp huyện",
        "Phòng Tư pháp huyện ủy",
    ],
)
def test_the_units_own_place_or_another_level_is_not_set_aside(
    inputs: Path, line: str
) -> None:
    _set_line(inputs / TP, line)
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TP] == "used"
    assert ingested.problems.filter(pl.col("severity") == "error").is_empty()


def test_nothing_is_compared_without_the_units_settings(inputs: Path) -> None:
    (inputs / "don-vi.toml").unlink()
    _set_line(inputs / TP, "Phòng Tư pháp huyện Tam Đường")
    status = dict(_ingest(inputs).submissions.select("file", "status").iter_rows())
    assert status[TP] == "used"


def test_check_says_what_the_run_says(inputs: Path) -> None:
    cell = _set_line(inputs / TP, "Phòng Tư pháp thành phố Lai Châu")
    found = check_files([inputs / TP], inputs)
    errors = found.filter(pl.col("severity") == "error")
    assert errors.select("cell", "message").rows() == [
        (cell, _message("Phòng Tư pháp thành phố Lai Châu", "thành phố Lai Châu"))
    ]


def test_places_and_the_units_own() -> None:
    assert [
        (p.shown, p.level, p.name)
        for p in mentions(
            "UBND huyện Phong Thổ - Công chức Văn hóa - Xã hội xã Bum Tở, TP.Lai Châu"
        )
    ] == [
        ("huyện Phong Thổ", "district", "phong tho"),
        ("xã Bum Tở", "commune", "bum to"),
        ("thành phố Lai Châu", "district", "lai chau"),
    ]
    district = unit_place("UBND huyện Phong Thổ", place="Phong Thổ")
    assert district is not None
    assert district.foreign(["huyện Phong Thổ Năm 2023"]) is None
    assert district.foreign(["xã Mường So", "huyện Sìn Hồ"]) == "huyện Sìn Hồ"
    commune = unit_place("UBND xã Bum Tở", "UBND tỉnh Lai Châu")
    assert commune is not None
    assert commune.foreign(["huyện Phong Thổ"]) is None  # its former district
    assert commune.foreign(["xã Mường So"]) == "xã Mường So"
    assert unit_place("[Tên đơn vị]") is None


# --- found by an office test that had not read the code -------------------------


@pytest.mark.parametrize(
    "place",
    [
        "huyện Phong thổ",  # a name's later words in lower case
        "HUYỆN Phong thổ",
        "H.Phong thổ",
        "huyện PhongThổ",  # a space left out
        "huyện Phong Thổ - Người lập: Lò Văn H. Sơn",  # H. in a person's name
        "huyện Phong Thổ, người lập Nguyễn Thị H. Lan",
    ],
)
def test_the_units_own_place_written_carelessly_is_its_own(place: str) -> None:
    district = unit_place("UBND huyện Phong Thổ", place="Phong Thổ")
    assert district is not None
    assert district.foreign([p.shown for p in mentions(place)]) is None


def test_an_eth_is_a_d_with_a_stroke() -> None:
    """Ð (U+00D0, Icelandic) looks like Đ and some keyboards type it."""
    district = unit_place("UBND huyện Tam Đường")
    assert district is not None
    assert district.foreign(["huyện Tam Ðường"]) is None
    eth = unit_place("UBND huyện Tam Ðường")
    assert eth is not None
    assert eth.foreign(["huyện Tam Đường"]) is None


@pytest.mark.parametrize(
    ("unit", "place"),
    [
        ("UBND huyện Châu Thành", "huyện Châu Thành A"),  # neighbours in Hậu Giang
        ("UBND huyện Long Mỹ", "thị xã Long Mỹ"),
        ("UBND thị xã Kỳ Anh", "huyện Kỳ Anh"),  # neighbours in Hà Tĩnh
    ],
)
def test_a_neighbour_named_like_the_unit_is_another_unit(unit: str, place: str) -> None:
    found = unit_place(unit)
    assert found is not None
    assert found.foreign([place]) == place


@pytest.mark.parametrize(
    ("unit", "place"),
    [
        ("UBND thành phố Lai Châu", "TP. Lai Châu"),
        ("UBND thành phố Lai Châu", "TP Lai Châu"),
        ("UBND huyện Phong Thổ", "H. Phong Thổ"),
    ],
)
def test_a_kind_written_short_is_the_same_kind(unit: str, place: str) -> None:
    found = unit_place(unit)
    assert found is not None
    assert found.foreign([p.shown for p in mentions(place)]) is None


def test_the_message_names_what_don_vi_toml_names(inputs: Path) -> None:
    """With only ``parent`` in don-vi.toml, the message names it (it named the
    placeholder "[Tên đơn vị]")."""
    (inputs / "don-vi.toml").write_text(
        'parent = "UBND huyện Phong Thổ"\nplace = "Phong Thổ"\n', encoding="utf-8"
    )
    _set_line(inputs / TP, "Phòng Tư pháp huyện Tam Đường")
    said = _ingest(inputs).problems.filter(pl.col("file") == TP)
    assert said["message"].to_list() == [
        _message("Phòng Tư pháp huyện Tam Đường", "huyện Tam Đường")
    ]


def test_a_place_typed_in_the_next_cell_of_the_line_is_read(inputs: Path) -> None:
    """``Đơn vị: Phòng Tư pháp`` in A4 and ``huyện Tam Đường`` in B4: the place
    is the line's (B4 was not read, and the neighbour's form replaced TP's)."""
    said = _neighbour_with(inputs, "Phòng Tư pháp", {"B4": "huyện Tam Đường"})
    assert said.select("cell", "message").rows() == [
        ("A4", _message("Phòng Tư pháp, huyện Tam Đường", "huyện Tam Đường"))
    ]


def test_check_says_only_what_the_run_says_of_another_units_form(
    inputs: Path,
) -> None:
    """A neighbour's TP form saved under NV's file name: the run sets it aside
    for its place and says nothing of its name; ``check`` said both."""
    path = inputs / "2023" / "phong-noi-vu-2.xlsx"
    shutil.copy(inputs / TP, path)
    _set_line(path, "Phòng Tư pháp huyện Tam Đường")
    found = check_files([path], inputs)
    assert found["message"].to_list() == [
        _message("Phòng Tư pháp huyện Tam Đường", "huyện Tam Đường")
    ]


def test_h_dot_before_a_place_of_two_words_is_huyen() -> None:
    assert [p.shown for p in mentions("Phòng Tư Pháp H. Tam Đường")] == [
        "huyện Tam Đường"
    ]
    assert [p.shown for p in mentions("P.Tư pháp H.Sìn Hồ")] == ["huyện Sìn Hồ"]


def test_a_second_visible_don_vi_line_naming_another_place_is_read(
    inputs: Path,
) -> None:
    """A3 ``Đơn vị: Phòng Tư pháp`` and A4 ``Đơn vị: Phòng Tư pháp huyện Tam
    Đường``: the department is the first line's, the place is either line's (the
    second was not read, and the neighbour's form replaced TP's)."""
    said = _neighbour_with(
        inputs, "Phòng Tư pháp huyện Tam Đường", {"A3": "Đơn vị: Phòng Tư pháp"}
    )
    assert said.select("cell", "message").rows() == [
        ("A4", _message("Phòng Tư pháp huyện Tam Đường", "huyện Tam Đường"))
    ]


# --- found by a second office test ----------------------------------------------


@pytest.mark.parametrize(
    "next_cell",
    ["H. Sơn (người lập)", "H. Phong Thổ, ngày 10 tháng 01 năm 2024"],
)
def test_the_rows_other_cells_are_read_each_on_its_own(
    inputs: Path, next_cell: str
) -> None:
    """A cell of the line's row is not read as the line's continuation: "huyện
    Phong Thổ" in A4 and "H. Sơn" in E4 were read as "huyện Phong Thổ H"."""
    _set_line(inputs / TP, "Phòng Tư pháp huyện Phong Thổ")
    book = openpyxl.load_workbook(inputs / TP)
    book.active["E4"] = next_cell
    book.save(inputs / TP)
    ingested = _ingest(inputs)
    status = dict(ingested.submissions.select("file", "status").iter_rows())
    assert status[TP] == "used"
    assert ingested.problems.filter(pl.col("severity") == "error").is_empty()


@pytest.mark.parametrize(
    ("unit", "place", "foreign"),
    [
        ("UBND thị xã Kỳ Anh", "Phòng Tư pháp TX Kỳ Anh", None),
        ("UBND huyện Kỳ Anh", "Phòng Tư pháp TX Kỳ Anh", "TX Kỳ Anh"),
        ("UBND quận Ba Đình", "Phòng Tư pháp Q. Đống Đa", "quận Đống Đa"),
        ("UBND quận 3", "Phòng Tư pháp Q.10", "quận 10"),
        # a centrally-run city is a province: a district may name it
        ("UBND quận 3", "Phòng Tư pháp Quận 3, TP. Hồ Chí Minh", None),
        ("UBND huyện Gia Lâm", "Phòng Tư pháp huyện Gia Lâm, thành phố Hà Nội", None),
        (
            "UBND thành phố Hà Nội",
            "Sở Tư pháp TP. Hồ Chí Minh",
            "thành phố Hồ Chí Minh",
        ),
        # a name going on with a capitalised word is another unit's
        (
            "UBND huyện U Minh",
            "Phòng Tư pháp huyện U Minh Thượng",
            "huyện U Minh Thượng",
        ),
        ("UBND huyện Phong Thổ", "PHÒNG TƯ PHÁP HUYỆN PHONG THỔ NĂM 2023", None),
        ("UBND huyện Phong Thổ", "Phòng Tư pháp huyện Phong Thổ năm 2023", None),
    ],
)
def test_kinds_written_short_cities_and_longer_names(
    unit: str, place: str, foreign: str | None
) -> None:
    found = unit_place(unit)
    assert found is not None
    assert found.foreign([p.shown for p in mentions(place)]) == foreign


# --- found by a third office test ------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "place", "province", "foreign"),
    [
        ("UBND Quận 1", "Phòng Tư pháp Q.1 - TP.HCM", "", None),
        ("UBND Quận 3", "Phòng Tư pháp Quận 3, Tp. HCM", "", None),
        # the unit's province after its name, without "tỉnh"
        (
            "UBND huyện Phong Thổ",
            "Phòng Tư pháp huyện Phong Thổ Lai Châu",
            "Lai Châu",
            None,
        ),
        # words of a report after the name
        (
            "UBND huyện Phong Thổ",
            "Phòng Tư pháp huyện Phong Thổ Báo cáo tự chấm điểm",
            "",
            None,
        ),
        ("UBND huyện Phong Thổ", "huyện Phong Thổ Tư pháp", "", None),
        # found by a fourth office test
        ("UBND Quận 1", "Phòng Tư pháp Quận 1 TPHCM", "", None),
        ("UBND quận Bình Thạnh", "Phòng Tư pháp Q.Bình Thạnh TPHCM", "", None),
        (
            "UBND huyện Phong Thổ",
            "Phòng Tư pháp huyện Phong Thổ Biểu tự chấm điểm năm 2023",
            "",
            None,
        ),
    ],
)
def test_city_short_names_and_the_units_province_after_its_name(
    unit: str, place: str, province: str, foreign: str | None
) -> None:
    found = unit_place(unit, province=province)
    assert found is not None
    assert found.foreign([p.shown for p in mentions(place)]) == foreign

"""A sở run on its own folder, named in `don-vi.toml` without its province in
`unit` ("Sở Nông nghiệp và Môi trường") but with `province = "Lai Châu"`: a
form whose `Đơn vị` line names the same sở of another province ("… tỉnh Điện
Biên", another province's form sent by mistake) was read as the unit's own, and
being newer replaced it (blind round 22, left in Known limits). The province in
`don-vi.toml` is now the unit's place when `unit` and `parent` name none."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest

from parindex import messages, pipeline
from parindex.ingest.places import unit_place
from tests.builders import write_rows, write_submission
from tests.test_merged_commune import SET

OWN = "Sở Nông nghiệp và Môi trường tỉnh Lai Châu"
OTHER = "Sở Nông nghiệp và Môi trường tỉnh Điện Biên"


def _office(tmp_path: Path, settings: str, own: str = OWN, other: str = OTHER) -> Path:
    inputs = tmp_path / "inputs"
    write_rows(
        inputs / "criteria" / "so.xlsx",
        {"Tiêu chí": [["BỘ CHỈ SỐ SỞ"], ["Áp dụng từ năm: 2024"], [], *SET]},
    )
    (inputs / "don-vi.toml").write_text(settings, encoding="utf-8")
    for name, line, score, later in (("own", own, 40, 0), ("khac", other, 50, 60)):
        path = inputs / "2025" / f"{name}.xlsx"
        write_submission(
            path,
            [
                ["1.1", "Kế hoạch CCHC", 50, score, score, None],
                ["2.1", "SIPAS", 50, score, score, None],
            ],
            department=line,
            year=2025,
        )
        os.utime(path, (time.time() - 3600 + later,) * 2)
    return inputs


def test_another_provinces_form_does_not_replace_the_units_own(tmp_path: Path) -> None:
    inputs = _office(
        tmp_path, 'unit = "Sở Nông nghiệp và Môi trường"\nprovince = "Lai Châu"\n'
    )
    criteria = pipeline.load_criteria(inputs, 2025)
    ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
    assert sorted(ingested.submissions.select("file", "status").rows()) == [
        ("2025/khac.xlsx", "rejected"),
        ("2025/own.xlsx", "used"),
    ]
    said = ingested.problems.filter(pl.col("file") == "2025/khac.xlsx")
    assert said.select("severity", "message").rows()[0] == (
        "error",
        messages.DEPARTMENT_LINE_OTHER_UNIT.format(
            text=OTHER,
            place="tỉnh Điện Biên",
            unit="Sở Nông nghiệp và Môi trường",
            settings="don-vi.toml",
            name="Sở Nông nghiệp và Môi trường",
            code="DV",
        ),
    )


@pytest.mark.parametrize(
    ("province", "line", "own"),
    [
        ("Lai Châu", "Sở Tư pháp tỉnh Lai Châu", True),
        ("tỉnh Lai Châu", "SỞ TƯ PHÁP TỈNH LAI CHÂU", True),
        ("Lai Châu", "Sở Tư pháp tỉnh Điện Biên", False),
        ("Hà Nội", "Sở Tư pháp thành phố Hà Nội", True),
        ("Thành phố Hà Nội", "Sở Tư pháp TP. Hà Nội", True),
        ("Hà Nội", "Sở Tư pháp tỉnh Hà Nam", False),
        ("Lai Châu", "Sở Tư pháp", None),  # names no place: not compared
        # other provinces as offices write them (blind round 23C, finding 7)
        ("Lai Châu", "Sở Tư pháp Kontum", False),
        ("Lai Châu", "Sở Tư pháp tỉnh Kontum", False),
        ("Lai Châu", "Sở Tư pháp BR-VT", False),
        ("Lai Châu", "Sở Tư pháp tỉnh BRVT", False),
        ("Kon Tum", "Sở Tư pháp Kontum", True),
        ("Bà Rịa - Vũng Tàu", "Sở Tư pháp BR-VT", True),
        # the full name with its dash, as written (blind round 24A, F2)
        ("Lai Châu", "Sở Tư pháp Bà Rịa - Vũng Tàu", False),
        ("Lai Châu", "Sở Tư pháp Bà Rịa-Vũng Tàu", False),
        ("Lai Châu", "Sở Tư pháp Bà Rịa – Vũng Tàu", False),
        ("Lai Châu", "Sở Tư pháp BR–VT", False),
        ("Lai Châu", "Sở Tư pháp tỉnh Bà Rịa - Vũng Tàu", False),
        ("Lai Châu", "SỞ TƯ PHÁP BÀ RỊA - VŨNG TÀU", False),
        ("Lai Châu", "Sở Tư pháp Thừa Thiên - Huế", False),
        ("Bà Rịa - Vũng Tàu", "Sở Tư pháp tỉnh Bà Rịa - Vũng Tàu", True),
        ("Bà Rịa - Vũng Tàu", "Sở Tư pháp Bà Rịa – Vũng Tàu", True),
        ("Thừa Thiên Huế", "Sở Tư pháp Thừa Thiên - Huế", True),
    ],
)
def test_the_province_is_the_place_of_a_unit_naming_none(
    province: str, line: str, own: bool | None
) -> None:
    place = unit_place("Sở Tư pháp", province=province)
    assert place is not None and place.level == "province"
    found = list(place._at_level([line]))
    assert (found[0][1] if found else None) == own


def test_a_unit_naming_its_place_keeps_it() -> None:
    place = unit_place("UBND huyện Phong Thổ", province="Lai Châu")
    assert place is not None and place.level == "district"
    assert place.names == frozenset({"phong tho"})
    assert unit_place("Sở Tư pháp") is None  # nothing says where it is
    # a unit not named as a sở, naming no place: its level is not known
    assert unit_place("UBND Phong Thổ", province="Lai Châu") is None


@pytest.mark.parametrize(
    ("unit", "province", "own", "other"),
    [
        ("Sở Tư pháp", "Lai Châu", "Sở Tư pháp tỉnh Lai Châu", "Sở Tư pháp Điện Biên"),
        ("Sở Tư pháp", "Lai Châu", "Sở Tư pháp Lai Châu", "SỞ TƯ PHÁP ĐIỆN BIÊN"),
        ("Sở Tư pháp", "Lai Châu", "Sở Tư pháp", "Sở Tư pháp T. Điện Biên"),
        ("Sở Tư pháp", "Hà Nội", "Sở Tư pháp Hà Nội", "Sở Tư pháp Hà Nam"),
        # the unit's own line abbreviated, with its province: not doubted
        ("Sở Khoa học và Công nghệ", "Lai Châu", "Sở KH&CN tỉnh Lai Châu",
         "Sở Khoa học và Công nghệ Điện Biên"),
        # tỉnh for a city run by the centre: the same place
        ("Sở Tư pháp", "Hà Nội", "Sở Tư pháp tỉnh Hà Nội", "Sở Tư pháp Hà Nam"),
    ],
)  # fmt: skip
def test_another_provinces_form_named_without_a_kind_word_is_set_aside(
    tmp_path: Path, unit: str, province: str, own: str, other: str
) -> None:
    """A province named without `tỉnh` ("Sở Tư pháp Điện Biên", "T. Điện
    Biên"): the other province's newer form replaced the sở's own, the night
    "HOÀN THÀNH" (blind round 23A, F1, F2)."""
    inputs = _office(
        tmp_path, f'unit = "{unit}"\nprovince = "{province}"\n', own, other
    )
    criteria = pipeline.load_criteria(inputs, 2025)
    ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
    assert sorted(ingested.submissions.select("file", "status").rows()) == [
        ("2025/khac.xlsx", "rejected"),
        ("2025/own.xlsx", "used"),
    ]
    # the own form is not doubted: only the newer one set aside is said on it
    assert ingested.problems.filter(pl.col("file") == "2025/own.xlsx")[
        "message"
    ].to_list() == [
        "Tệp mới hơn của Sở Tư pháp không dùng được (2025/khac.xlsx): vẫn dùng tệp "
        "2025/own.xlsx.".replace("Sở Tư pháp", unit)
    ]


@pytest.mark.parametrize(
    ("province", "line"),
    [
        ("Bà Rịa - Vũng Tàu", "Sở Tư pháp tỉnh Bà Rịa - Vũng Tàu"),
        ("Bà Rịa - Vũng Tàu", "Sở Tư pháp tỉnh BRVT"),
        ("Thừa Thiên Huế", "Sở Tư pháp tỉnh Thừa Thiên - Huế"),
        ("Hồ Chí Minh", "Sở Tư pháp TP.HCM"),
        ("Hồ Chí Minh", "Sở Tư pháp TP HCM"),
    ],
)
def test_a_provinces_own_name_as_written_is_its_own(province: str, line: str) -> None:
    """A province whose name has a hyphen, or written by its initials: the
    sở's own form was set aside ("tỉnh Bà Rịa không phải địa bàn …"; blind
    re-check 23C, finding 2)."""
    place = unit_place("Sở Tư pháp", province=province)
    assert place is not None
    assert place.first_foreign([line]) is None

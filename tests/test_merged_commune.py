"""A commune formed in 2025 from three old ones: its folder of 2024 holds the
three old communes' own forms ("Đơn vị: UBND xã Tân Phú", …). The unit fills
its whole form itself, so each was read as the new commune's, the newest
standing for its previous year ("giảm 8 điểm so với năm 2024 (92 điểm)": xã
Hòa Bình's) and the others "superseded" (blind round 22B, F3). A self-assessed
form whose `Đơn vị` line names another place of the unit's level is now set
aside as another unit's, as a department's form is."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from parindex import messages, pipeline
from tests.builders import write_rows, write_submission

SET = [
    ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm"],
    ["1", "Chỉ đạo điều hành", 50, None],
    ["1.1", "Kế hoạch CCHC", 50, "Thẩm định"],
    ["2", "Tác động", 50, None],
    ["2.1", "SIPAS", 50, "SIPAS"],
]


def _commune(root: Path) -> Path:
    inputs = root / "inputs"
    write_rows(
        inputs / "criteria" / "xa.xlsx",
        {"Tiêu chí": [["BỘ CHỈ SỐ XÃ"], ["Áp dụng từ năm: 2024"], [], *SET]},
    )
    (inputs / "don-vi.toml").write_text('unit = "UBND xã Tân Hợp"\n', encoding="utf-8")
    for name, scores in (
        ("Tân Phú", (40, 42)),
        ("Hợp Thành", (30, 38)),
        ("Hòa Bình", (45, 47)),
    ):
        write_submission(
            inputs / "2024" / f"{name}.xlsx",
            [
                ["1.1", "Kế hoạch CCHC", 50, scores[0], scores[0], None],
                ["2.1", "SIPAS", 50, scores[1], scores[1], None],
            ],
            department=f"UBND xã {name}",
            year=2024,
        )
    write_submission(
        inputs / "2025" / "tan-hop.xlsx",
        [
            ["1.1", "Kế hoạch CCHC", 50, 44, 44, None],
            ["2.1", "SIPAS", 50, 40, 40, None],
        ],
        department="UBND xã Tân Hợp",
        year=2025,
    )
    return inputs


def test_the_old_communes_forms_are_not_the_new_communes(tmp_path: Path) -> None:
    inputs = _commune(tmp_path)
    criteria = pipeline.load_criteria(inputs, 2024)
    ingested = pipeline.ingest_year(inputs, 2024, criteria, time.time())
    assert sorted(ingested.submissions.select("file", "status").rows()) == [
        ("2024/Hòa Bình.xlsx", "rejected"),
        ("2024/Hợp Thành.xlsx", "rejected"),
        ("2024/Tân Phú.xlsx", "rejected"),
    ]
    said = ingested.problems.filter(pl.col("file") == "2024/Tân Phú.xlsx")
    assert said.select("severity", "cell", "message").rows() == [
        (
            "error",
            "A2",
            messages.DEPARTMENT_LINE_OTHER_UNIT.format(
                text="UBND xã Tân Phú",
                place="xã Tân Phú",
                unit="UBND xã Tân Hợp",
                settings="don-vi.toml",
                name="UBND xã Tân Hợp",
                code="DV",
            ),
        )
    ]


def test_the_new_commune_is_not_compared_with_an_old_ones_form(
    tmp_path: Path,
) -> None:
    inputs = _commune(tmp_path)
    criteria = pipeline.load_criteria(inputs, 2025)
    ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
    assert ingested.submissions.select("file", "status").rows() == [
        ("2025/tan-hop.xlsx", "used")
    ]
    previous = pipeline.previous_year(inputs, 2025, time.time())
    result = pipeline.build_result(
        criteria, ingested, previous.result, *pipeline.load_history(inputs)
    )
    assert result.current.total == 84
    assert result.previous_total is None


def test_the_new_communes_form_naming_the_old_ones_is_its_own(
    tmp_path: Path,
) -> None:
    """ "UBND xã Tân Hợp (hợp nhất xã Tân Phú, xã Hợp Thành và xã Hòa Bình)":
    the commune's own form was set aside for the old communes it names (blind
    re-check 22B, N3). The first place of the unit's level decides."""
    inputs = _commune(tmp_path)
    for line, status in (
        ("UBND xã Tân Hợp (hợp nhất xã Tân Phú, xã Hợp Thành và xã Hòa Bình)", "used"),
        ("UBND xã Tân Phú (nay là xã Tân Hợp)", "rejected"),
    ):
        write_submission(
            inputs / "2025" / "tan-hop.xlsx",
            [
                ["1.1", "Kế hoạch CCHC", 50, 44, 44, None],
                ["2.1", "SIPAS", 50, 40, 40, None],
            ],
            department=line,
            year=2025,
        )
        criteria = pipeline.load_criteria(inputs, 2025)
        ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
        assert ingested.submissions.select("file", "status").rows() == [
            ("2025/tan-hop.xlsx", status)
        ], line


def test_an_old_communes_form_without_a_line_is_told_by_its_name(
    tmp_path: Path,
) -> None:
    """ "2024/Xã Hòa Bình.xlsx" with no `Đơn vị` line became xã Tân Hợp's 2024
    (blind re-check 22B, N2): its name names another commune."""
    inputs = _commune(tmp_path)
    for old in (inputs / "2024").iterdir():
        old.unlink()
    write_submission(
        inputs / "2024" / "Xã Hòa Bình.xlsx",
        [
            ["1.1", "Kế hoạch CCHC", 50, 45, 45, None],
            ["2.1", "SIPAS", 50, 47, 47, None],
        ],
        department=None,
        year=2024,
    )
    write_submission(
        inputs / "2024" / "Xã Tân Hợp - tự chấm.xlsx",
        [
            ["1.1", "Kế hoạch CCHC", 50, 40, 40, None],
            ["2.1", "SIPAS", 50, 40, 40, None],
        ],
        department=None,
        year=2024,
    )
    criteria = pipeline.load_criteria(inputs, 2024)
    ingested = pipeline.ingest_year(inputs, 2024, criteria, time.time())
    assert sorted(ingested.submissions.select("file", "status").rows()) == [
        ("2024/Xã Hòa Bình.xlsx", "rejected"),
        ("2024/Xã Tân Hợp - tự chấm.xlsx", "used"),
    ]


def test_a_line_not_naming_the_unit_gives_way_to_one_that_does(
    tmp_path: Path,
) -> None:
    """ "UBND xa Tan Phu", "Tân Phú", "UBND TÂN PHÚ": no place read (no accent,
    no kind word), so a newer old commune's form replaced the unit's own (blind
    re-check 22B, N1). A line that does not name the unit is doubtful: it gives
    way to a form whose line does, and is used alone with a warning."""
    import os

    inputs = _commune(tmp_path)
    own = inputs / "2025" / "tan-hop.xlsx"
    for line in (
        "UBND xa Tan Phu",
        "Tân Phú",
        "UBND TÂN PHÚ",
        "Tân Phú, tỉnh Lai Châu",  # a place, of another level (re-check 22G)
        "UBND huyện Phong Thổ, tỉnh Lai Châu",
    ):
        other = inputs / "2025" / "khac.xlsx"
        write_submission(
            other,
            [
                ["1.1", "Kế hoạch CCHC", 50, 50, 50, None],
                ["2.1", "SIPAS", 50, 50, 50, None],
            ],
            department=line,
            year=2025,
        )
        os.utime(other, (own.stat().st_mtime + 60, own.stat().st_mtime + 60))
        criteria = pipeline.load_criteria(inputs, 2025)
        ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
        assert sorted(ingested.submissions.select("file", "status").rows()) == [
            ("2025/khac.xlsx", "rejected"),
            ("2025/tan-hop.xlsx", "used"),
        ], line
    own.unlink()
    ingested = pipeline.ingest_year(inputs, 2025, criteria, time.time())
    assert ingested.submissions.select("file", "status").rows() == [
        ("2025/khac.xlsx", "used")
    ]
    assert (
        messages.SELF_LINE_NOT_UNIT.format(
            text="UBND huyện Phong Thổ, tỉnh Lai Châu", name="UBND xã Tân Hợp"
        )
        in ingested.problems["message"].to_list()
    )


def test_check_says_what_the_night_says_of_a_line_not_naming_the_unit(
    tmp_path: Path,
) -> None:
    """`check` printed "Không có vấn đề nào." where the run warned: it read the
    set without the unit's name from `don-vi.toml` (blind re-check 22G)."""
    from parindex.check import check_files

    inputs = _commune(tmp_path)
    form = inputs / "2025" / "khac.xlsx"
    write_submission(
        form,
        [
            ["1.1", "Kế hoạch CCHC", 50, 50, 50, None],
            ["2.1", "SIPAS", 50, 50, 50, None],
        ],
        department="Tân Phú",
        year=2025,
    )
    problems = check_files([form], inputs)
    assert problems["message"].to_list() == [
        messages.SELF_LINE_NOT_UNIT.format(text="Tân Phú", name="UBND xã Tân Hợp")
    ]


def test_a_unit_named_as_the_line_names_it(tmp_path: Path) -> None:
    """A place of another level with the unit's name ("UBND huyện Phong Thổ"
    for UBND xã Phong Thổ) was taken for the unit; "&" for "và" was not
    (blind re-check 22H, findings 2 and 4)."""
    from parindex.criteria import Department
    from parindex.ingest.forms import _names_unit

    commune = Department("DV", "UBND xã Phong Thổ")
    assert _names_unit("UBND xã Phong Thổ", commune)
    assert _names_unit("Phong Thổ", commune)
    assert not _names_unit("UBND huyện Phong Thổ", commune)
    district = Department("DV", "UBND huyện Phong Thổ")
    assert not _names_unit("UBND thị trấn Phong Thổ", district)
    assert _names_unit("UBND huyện Phong Thổ, tỉnh Lai Châu", district)
    ward = Department("DV", "UBND phường Lai Châu")
    assert not _names_unit("UBND tỉnh Lai Châu", ward)
    office = Department("DV", "Sở Nông nghiệp và Môi trường")
    assert _names_unit("Sở Nông nghiệp & Môi trường", office)
    assert _names_unit("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", office)

"""TCVN3 (ABC, ``.VnTime``) text: the mapping, and what is and is not TCVN3."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from parindex.ingest.tcvn3 import (
    TCVN3_TO_UNICODE,
    decode_sheet,
    from_tcvn3,
    from_vni,
    looks_like_tcvn3,
    looks_like_vni,
)
from parindex.workbook import Sheet


def _iconv_has_tcvn() -> bool:
    if shutil.which("iconv") is None:
        return False
    done = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"],
        input=b"a",
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.mark.skipif(not _iconv_has_tcvn(), reason="iconv without TCVN5712-1")
def test_mapping_agrees_with_iconv() -> None:
    """Every byte of the table decodes as glibc's TCVN5712-1 converter does."""
    for latin1, unicode in TCVN3_TO_UNICODE.items():
        done = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"],
            input=latin1.encode("latin-1") + b" ",
            capture_output=True,
            check=True,
        )
        assert done.stdout.decode("utf-8")[:-1] == unicode, hex(ord(latin1))


@pytest.mark.parametrize(
    ("text", "unicode"),
    [
        ("Phßng Néi vô", "Phòng Nội vụ"),
        ("V¨n phßng H§ND vµ UBND huyÖn", "Văn phòng HĐND và UBND huyện"),
        ("Phßng Tµi chÝnh - KÕ ho¹ch", "Phòng Tài chính - Kế hoạch"),
        ("Cßn 8 tån t¹i ch­a kh¾c phôc xong", "Còn 8 tồn tại chưa khắc phục xong"),
    ],
)
def test_tcvn3_text_is_recognised_and_decoded(text: str, unicode: str) -> None:
    assert looks_like_tcvn3(text)
    assert from_tcvn3(text) == unicode


@pytest.mark.parametrize(
    "text",
    ["Phòng Nội vụ", "Nội vụ", "café", "© 2023", "25°C", "Báo cáo số 03/BC-NV", "1,5"],
)
def test_unicode_and_plain_text_is_left_alone(text: str) -> None:
    assert not looks_like_tcvn3(text)


# --- VNI (VNI-Windows, ``VNI-Times``): a letter and the marks typed after it ------

VNI_TEXTS = [
    ("Ñôn vò: Phoøng Tö phaùp", "Đơn vị: Phòng Tư pháp"),
    ("Phoøng Noäi vuï", "Phòng Nội vụ"),
    ("Phoøng Taøi chính - Keá hoaïch", "Phòng Tài chính - Kế hoạch"),
    ("Vaên phoøng HÑND vaø UBND huyeän", "Văn phòng HĐND và UBND huyện"),
    ("Ñieåm töï ñaùnh giaù", "Điểm tự đánh giá"),
    ("Coøn 8 toàn taïi chöa khaéc phuïc xong", "Còn 8 tồn tại chưa khắc phục xong"),
    ("Tyû leä giaûi ngaân chæ ñaït 95,27%", "Tỷ lệ giải ngân chỉ đạt 95,27%"),
    ("NGUYEÃN VAÊN AÙNH, Ngöôøi lôïi", "NGUYỄN VĂN ÁNH, Người lợi"),
]


@pytest.mark.parametrize(("text", "unicode"), VNI_TEXTS)
def test_vni_text_is_recognised_and_decoded(text: str, unicode: str) -> None:
    assert looks_like_vni(text)
    assert not looks_like_tcvn3(text) or looks_like_vni(text)  # VNI is tried first
    assert from_vni(text) == unicode


@pytest.mark.parametrize(
    "text",
    [
        "Phòng Nội vụ",
        "Hoàng Văn Thụ",
        "Phòng Tài chính - Kế hoạch",
        "Phßng Néi vô",  # TCVN3
        # TCVN3 holding a letter VNI also uses as a mark (Ö, Ì, æ): TCVN3's own
        # letters (ß, ¬, §, the soft hyphen) are never VNI's
        "§¬n vÞ: Phßng T\u00ad ph¸p huyÖn Than Uyªn",
        "§¬n vÞ: Phßng T\u00ad ph¸p huyÖn M\u00adêng TÌ",
        "Phßng Néi vô huyÖn Phong Thæ",
        "café",
        "Zürich",
        "© 2023",
        "1,5",
    ],
)
def test_unicode_tcvn3_and_plain_text_are_not_vni(text: str) -> None:
    assert not looks_like_vni(text)


def test_a_form_typed_in_vni_is_read_and_said(inputs: Path) -> None:
    """A form whose ``Đơn vị`` line was typed with a VNI font counts for its
    department, and a warning shows the text as stored and as read (it was
    "decoded" as TCVN3 into nonsense)."""
    import time

    import openpyxl

    from parindex import messages, pipeline

    path = inputs / "2023" / "phong-noi-vu.xlsx"
    book = openpyxl.load_workbook(path)
    line = next(
        row[0]
        for row in book.active.iter_rows(max_col=1)
        if "Đơn vị" in str(row[0].value)
    )
    line.value = "Ñôn vò: Phoøng Noäi vuï"
    book.save(path)
    path.rename(path.with_name("bang-diem.xlsx"))
    criteria = pipeline.load_criteria(inputs, 2023)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    used = ingested.submissions.filter(pl.col("file") == "2023/bang-diem.xlsx")
    assert used.select("department", "status").rows() == [("NV", "used")]
    said = ingested.problems.filter(pl.col("file") == "2023/bang-diem.xlsx")
    assert said.select("cell", "message").rows() == [
        (
            line.coordinate,
            messages.LEGACY_VNI.format(
                count=1,
                cell=line.coordinate,
                before="Ñôn vò: Phoøng Noäi vuï",
                after="Đơn vị: Phòng Nội vụ",
            ),
        )
    ]


@pytest.mark.parametrize(
    ("text", "unicode"),
    [
        (
            "§¬n vÞ: Phßng T\u00ad ph¸p huyÖn Than Uyªn",
            "Đơn vị: Phòng Tư pháp huyện Than Uyên",
        ),
        ("Phßng Néi vô huyÖn Phong Thæ", "Phòng Nội vụ huyện Phong Thổ"),
    ],
)
def test_tcvn3_with_letters_vni_uses_too_is_decoded_as_tcvn3(
    text: str, unicode: str
) -> None:
    """It was taken for VNI ("huyƯn"): its Đơn vị line named no department."""
    sheet = Sheet(name="Chấm điểm", cells=[[text]])
    decoded = decode_sheet(sheet)
    assert decoded[0].cells == [[unicode]]
    assert [d[3] for d in decoded[1]] == ["TCVN3"]


def test_a_sheet_typed_in_tcvn3_decodes_its_ambiguous_cells_as_tcvn3() -> None:
    """A title in capitals holds only letters VNI uses as marks too (Ö, æ): in
    a sheet whose other cells are TCVN3 beyond doubt, it is TCVN3 (it was
    decoded as VNI: "UBND HUYƯN PHONG THỉ")."""
    sheet = Sheet(
        name="Chấm điểm",
        cells=[["UBND HUYÖN PHONG THæ"], ["§¬n vÞ: Phßng T\u00ad ph¸p"]],
    )
    decoded, cells = decode_sheet(sheet)
    assert decoded.cells == [["UBND HUYỆN PHONG THỔ"], ["Đơn vị: Phòng Tư pháp"]]
    assert [c[3] for c in cells] == ["TCVN3", "TCVN3"]


def test_tcvn3_in_capitals_is_decoded_in_capitals() -> None:
    """The ABC fonts draw capitals with the small letters' bytes (.VnTimeH): a
    word in capitals stays in capitals ("PHòNG" was shown)."""
    assert from_tcvn3("PHßNG T¦ PH¸P HUYÖN Tam §\u00adêng") == (
        "PHÒNG TƯ PHÁP HUYỆN Tam Đường"
    )


def test_a_line_in_tcvn3_capitals_is_decoded_in_capitals_word_by_word() -> None:
    """A two-letter word of a line in capitals ("VÞ") stays in capitals too."""
    assert from_tcvn3("§¥N VÞ: PHßNG T¦ PH¸P") == "ĐƠN VỊ: PHÒNG TƯ PHÁP"

"""TCVN3 (ABC, ``.VnTime``) text: the mapping, and what is and is not TCVN3."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from parindex.ingest.tcvn3 import TCVN3_TO_UNICODE, from_tcvn3, looks_like_tcvn3


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

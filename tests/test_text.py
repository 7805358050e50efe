import unicodedata

import pytest

from parindex.text import code_key, fold, format_vn, normalise_code, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0,5", 0.5),
        ("2.45", 2.45),
        (" 7,36 ", 7.36),
        ("128.972.788", 128972788.0),
        ("204,147,000", 204147000.0),
        ("1.234,5", 1234.5),
        ("abc", None),
        ("", None),
        ("1,2,3", None),
    ],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.2.1", "1.2.1"),
        ("1.2.", "1.2"),
        (" 8.10 ", "8.10"),
        ("01.2", "1.2"),
        ("I", None),
        ("a)", None),
        ("", None),
    ],
)
def test_normalise_code(raw: str, expected: str | None) -> None:
    assert normalise_code(raw) == expected


def test_codes_compare_as_dotted_paths_not_floats() -> None:
    codes = ["8.10", "8.2", "8.1", "8.10.1", "8"]
    assert sorted(codes, key=code_key) == ["8", "8.1", "8.2", "8.10", "8.10.1"]


def test_fold_ignores_case_accents_spacing_and_unicode_form() -> None:
    nfd = "Đie\u0302\u0309m  tha\u0302\u0309m đi\u0323nh"
    assert fold(nfd) == fold("ĐIỂM THẨM ĐỊNH") == "diem tham dinh"


def test_format_vn_uses_decimal_comma() -> None:
    assert [format_vn(7.36), format_vn(5.0), format_vn(40.5), format_vn(-0.001)] == [
        "7,36",
        "5",
        "40,5",
        "0",
    ]


@pytest.mark.parametrize(
    ("column", "letters"),
    [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (700, "ZY"), (701, "ZZ")]
    + [(702, "AAA"), (16383, "XFD"), (18277, "ZZZ")],
)
def test_column_letters_and_cell_references(column: int, letters: str) -> None:
    from parindex.workbook import cell_ref, column_index, column_letter

    assert column_letter(column) == letters
    assert cell_ref(1048575, column) == f"{letters}1048576"
    assert column_index(letters) == column


def test_folding_long_and_short_texts_alike() -> None:
    from parindex.text import fold_label

    short = "Điểm  THẨM định (sau giải trình):"
    long = short + " và " + "ghi chú rất dài " * 30
    for _ in range(2):  # folded, then kept
        assert fold(short) == "diem tham dinh (sau giai trinh):"
        assert fold_label(short) == "diem tham dinh (sau giai trinh)"
        assert fold(long).startswith("diem tham dinh") and len(long) > 256
        assert fold_label(long + " *:") == fold(long)
    nfd = unicodedata.normalize("NFD", "Điểm thẩm định")
    assert fold(nfd) == fold("Điểm thẩm định") == "diem tham dinh"

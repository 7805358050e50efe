"""``department_in_text`` looks names up in an index of runs of words instead of
testing every name of every department: it gives what the test of every name
gives, on crafted and on many generated departments and texts."""

from __future__ import annotations

import random

from parindex.criteria import Department
from parindex.ingest.forms import _SEPARATORS, _word_names, department_in_text
from parindex.text import fold


def _every_name(
    text: str, departments: tuple[Department, ...], *, codes: bool = True
) -> str | None:
    """Every name of every department searched in the text's words: the names
    found that lie inside no longer name found (a name inside a longer one is
    the longer one's; two side by side are two, blind round 28B, F2), when
    they name exactly one department."""
    words = fold(_SEPARATORS.sub(" ", text)).split(" ")
    found = []
    for padded, code in _word_names(departments, codes):
        name = padded.strip().split(" ")
        for start in range(len(words) - len(name) + 1):
            if words[start : start + len(name)] == name:
                found.append((start, start + len(name), code))
    kept = {
        code
        for start, end, code in found
        if not any(
            s <= start and end <= e and (s, e) != (start, end) for s, e, _ in found
        )
    }
    return kept.pop() if len(kept) == 1 else None


DEPARTMENTS = (
    Department("NV", "Phòng Nội vụ", ("Nội vụ",)),
    Department("TP", "Phòng Tư pháp", ("Tư pháp",)),
    Department("VHTT", "Phòng Văn hóa và Thông tin", ("Văn hóa",)),
    Department("VH", "Phòng Văn hóa", ()),  # a name another's alias repeats
    Department("TCKH", "Phòng Tài chính - Kế hoạch", ("TC-KH",)),
)


def test_crafted_texts() -> None:
    for text, codes in [
        ("2023/noi-vu.xlsx", True),
        ("Phòng  NỘI   vụ", True),
        ("noi-vu-va-tu-phap", True),  # two departments: none
        ("Văn hóa", True),  # an alias and a name of two departments: none
        ("phong van hoa va thong tin", True),  # a name inside a longer one
        ("Phòng Nội vụ, Phòng Tư pháp", True),  # two side by side: none
        ("tc_kh bao cao", True),
        ("VHTT", True),
        ("VHTT", False),  # codes left out
        ("", True),
        ("  -- ", True),
        ("Phòng Tài chính – Kế hoạch", True),  # an en dash is no separator
    ]:
        assert department_in_text(text, DEPARTMENTS, codes=codes) == _every_name(
            text, DEPARTMENTS, codes=codes
        ), text


def test_generated_departments_and_texts() -> None:
    rng = random.Random(13)
    pool = [
        "phòng", "Nội", "vụ", "TƯ", "pháp", "văn", "hóa", "và", "y", "tế",
        "Đ", "đô", "thị", "a", "kế-hoạch", "tc", "(cũ)", "2023", "ß", "ǅ", " ",
    ]  # fmt: skip
    separators = ["-", "_", ".", " ", "  ", "/", "(", "–", ",", ":"]

    def phrase(most: int) -> str:
        words = [rng.choice(pool) for _ in range(rng.randint(1, most))]
        out = words[0]
        for word in words[1:]:
            out += rng.choice(separators) + word
        return out

    for _ in range(400):
        departments = tuple(
            Department(
                phrase(1).upper(),
                phrase(5),
                tuple(phrase(3) for _ in range(rng.randint(0, 2))),
            )
            for _ in range(rng.randint(1, 12))
        )
        for _ in range(25):
            text = phrase(9)
            for codes in (True, False):
                assert department_in_text(
                    text, departments, codes=codes
                ) == _every_name(text, departments, codes=codes), (text, departments)

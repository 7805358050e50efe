"""Which department a file name or folder names: the index of names finds
exactly what a whole-word search of every name finds, for any text."""

from __future__ import annotations

import random

from parindex.criteria import CriteriaSet, Department
from parindex.ingest.forms import _SEPARATORS, _word_names
from parindex.ingest.winners import only_department_in
from parindex.text import fold


def _searched(text: str, departments: tuple[Department, ...]) -> str | None:
    """The rule as a search of every padded name in the padded text."""
    words = f" {fold(_SEPARATORS.sub(' ', text))} "
    found = {
        code
        for padded, code in _word_names(departments, True)
        # "và" may be left out of a name
        for name in {padded, f" {' '.join(w for w in padded.split() if w != 'va')} "}
        if name.strip() and name in words
    }
    return found.pop() if len(found) == 1 else None


def test_the_index_finds_what_a_search_of_every_name_finds(
    sample_criteria: CriteriaSet,
) -> None:
    departments = (
        *sample_criteria.departments,
        Department("VH", "Phòng Văn hóa và Thông tin", ("VH-TT", "Văn hóa")),
        Department("VHX", "Phòng Văn hóa Xã hội"),
    )
    pieces = [
        name
        for department in departments
        for name in (department.code, department.name, *department.aliases)
    ]
    pieces += ["bang diem", "2023", "gui", "phong", "ban cuoi", "PHÒNG  NỘI   VỤ"]
    pieces += [piece.split()[0] for piece in pieces if " " in piece]
    separators = [" ", "-", "_", ".", " - ", "(", ")", "  "]
    chance = random.Random(13)
    texts = ["", "-", "noi-vu-va-tu-phap", "Phòng Văn hóa Xã hội"]
    for _ in range(3000):
        count = chance.randint(1, 4)
        text = chance.choice(pieces)
        for _ in range(count - 1):
            text += chance.choice(separators) + chance.choice(pieces)
        texts.append(text)
    found = [only_department_in(text, departments) for text in texts]
    assert found == [_searched(text, departments) for text in texts]
    assert sum(code is not None for code in found) > 300  # not all None
    assert len({code for code in found if code}) >= 6


def test_a_file_name_may_leave_out_and(sample_criteria: CriteriaSet) -> None:
    departments = sample_criteria.departments
    assert only_department_in("phong-kinh-te-ha-tang", departments) == "KTHT"
    assert only_department_in("van-phong-hdnd-ubnd-huyen", departments) == "VP"
    assert only_department_in("kinh-te-va-ha-tang", departments) == "KTHT"
    assert only_department_in("noi-vu-va-tu-phap", departments) is None

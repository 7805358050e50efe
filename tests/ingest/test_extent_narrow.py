"""The fast proof of a sheet's used area for long, narrow sheets (one letter's
columns, rows up to 69999: a criteria set of a thousand departments) agrees
with the exact measure, alone and mixed with cells of the first proof's bounds
(a mix that spans too much is measured, and refused)."""

from __future__ import annotations

import random

from parindex.ingest.safety import _plainly_small
from tests.ingest.test_extent_fast import _agree, _sheet


def _cells(refs: list[str]) -> bytes:
    return "".join(
        f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}"><v>1</v></c></row>'
        for ref in refs
    ).encode()


def test_a_long_narrow_sheet_is_proven_small() -> None:
    xml = _sheet(_cells([f"A{r}" for r in range(1, 4000)] + ["Z69999"]))
    assert _plainly_small(xml) and _agree(xml) is None


def test_past_the_narrow_bounds_it_is_measured() -> None:
    for refs, outcome in [
        (["A1", "Z70000"], None),  # 26 × 70000 is still small: measured, accepted
        (["A1", "AA69999"], None),  # a mix, 27 columns: measured, accepted
        (["A1", "ZZ69999"], ("too_many_cells", "ZZ69999")),  # a mix: too wide
        (["ZZ1", "A3000"], ("too_many_cells", "ZZ3000")),
        (["A100000", "Z1"], ("too_many_cells", "Z100000")),
        (["A069999"], None),  # a leading zero: not plain
    ]:
        xml = _sheet(_cells(refs))
        assert not _plainly_small(xml), refs
        assert _agree(xml) == outcome, refs


def test_random_narrow_and_wide_sheets_agree() -> None:
    rng = random.Random(2026)
    proven = 0
    for _ in range(1500):
        letters = rng.choice([["A", "B", "Z"], ["A", "ZZ"], ["A", "Z", "AA", "AAA"]])
        numbers = rng.choice(
            [
                ["1", "2799", "2800", "40000", "69999"],
                ["1", "70000", "76923", "100000"],
                ["1", "2", "2799"],
            ]
        )
        refs = [
            rng.choice(letters) + rng.choice(numbers) for _ in range(rng.randint(1, 8))
        ]
        xml = _sheet(_cells(refs))
        _agree(xml)
        proven += _plainly_small(xml)
    assert proven > 200

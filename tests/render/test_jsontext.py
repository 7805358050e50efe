"""The indented JSON writer gives json.dumps' text."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from parindex.render.jsontext import indented_json, iter_indented_json


def _value(generator: random.Random, depth: int) -> Any:
    kind = generator.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return generator.choice(
            ["", "Phòng Nội vụ", 'a"b\\c\n\t\x01', "ủy\u2028ban", "x"]
        )
    if kind == 1:
        return generator.choice([0, -3, 10**20, True, False])
    if kind == 2:
        return generator.choice(
            [
                0.1 + 0.2,
                -0.0,
                79.24,
                1e-7,
                1e22,
                float("nan"),
                float("inf"),
                -float("inf"),
            ]
        )
    if kind in (3, 4, 5):
        return None if kind == 3 else generator.random() * 100
    if kind == 6:
        return [_value(generator, depth + 1) for _ in range(generator.randrange(4))]
    if kind == 7:
        return tuple(
            _value(generator, depth + 1) for _ in range(generator.randrange(3))
        )
    keys = ["a", "năm", 1, 2.5, True, None, 'ký "tự"']
    return {
        generator.choice(keys): _value(generator, depth + 1)
        for _ in range(generator.randrange(5))
    }


def test_the_text_of_json_dumps() -> None:
    generator = random.Random(13)
    for _ in range(3000):
        value = _value(generator, 0)
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_what_json_dumps_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        indented_json({"a": {1, 2}})
    with pytest.raises(TypeError):
        indented_json({(1, 2): 3})


def test_in_pieces_the_same_text() -> None:
    """``iter_indented_json``'s pieces, at every depth, joined are the text of
    ``json.dumps``."""
    generator = random.Random(14)
    for _ in range(3000):
        value = _value(generator, 0)
        expected = json.dumps(value, ensure_ascii=False, indent=2)
        for depth in (0, 1, 2, 3):
            assert "".join(iter_indented_json(value, depth)) == expected


def test_a_large_summary_is_written_in_pieces_with_the_same_bytes(
    tmp_path: Any,
) -> None:
    """A summary of thousands of departments with tens of thousands of
    deductions (generated) written by ``write_summary`` (pieces, streamed to the
    file) is byte for byte what ``summary_bytes`` (one text) gives, and what
    ``json.dumps`` gives; no piece is large."""
    from parindex.render.summary import summary_bytes, write_summary

    generator = random.Random(15)
    texts = ["Phòng Nội vụ", "Sở Tư pháp", 'lý do "trích"\n\tx', "ủy\u2028ban", ""]

    def deduction(i: int) -> dict[str, Any]:
        return {
            "code": f"{i % 7}.{i % 5}.{i % 3}",
            "max": generator.choice([1.0, 0.5, 2.25]),
            "score": generator.choice([0.0, 0.25, None]),
            "lost": round(generator.random(), 2),
            "reason": generator.choice([*texts, None]),
        }

    document: dict[str, Any] = {
        "year": 2023,
        "status": "official",
        "total": 79.24,
        "groups": {"appraisal": 54.86, "survey": None},
        "rank": None,
        "previous": {"year": 2022, "total": 77.1, "delta": 2.14},
        "headline": {"figure": 79.24, "source": "published"},
        "components": [],
        "criteria": [
            {"code": f"1.{i}", "name": generator.choice(texts), "departments": ["A"]}
            for i in range(500)
        ],
        "departments": [
            {
                "code": f"D{d}",
                "name": generator.choice(texts) + f" {d}",
                "score": d / 7,
                "deductions": [deduction(d + k) for k in range(d % 40)],
            }
            for d in range(3000)
        ],
        "missing": [],
        "submissions": [{"file": f"{i}.xlsx", "rows_read": i} for i in range(3000)],
        "problems": [
            {"message": generator.choice(texts), "row": i} for i in range(900)
        ],
        "reconciliation": [],
    }
    write_summary(document, tmp_path / "summary.json")
    expected = summary_bytes(document)
    assert len(expected) > 5_000_000
    assert (tmp_path / "summary.json").read_bytes() == expected
    assert (
        expected == (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    )
    assert max(map(len, iter_indented_json(document))) < 20_000

"""The indented JSON writer gives json.dumps' text."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from parindex.render.jsontext import indented_json


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

"""The parse cache's quicker ways (rows written and read by orjson, entries
written by the reader children) keep what the cache gives: the rows read back
are those ``json.dumps``/``json.loads`` give, on crafted and on many generated
rows, and the parent writes no entry."""

from __future__ import annotations

import json
import os
import random
import struct
from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest import cache as cache_module
from parindex.ingest.cache import ReadCache, _loads, _rows_json
from parindex.ingest.collect import read_batch
from parindex.ingest.discover import discover

YEAR = 2023


def _as_json_gives(rows: list[list[object]]) -> str:
    """What the rows are once through ``json`` (repr: -0.0 and NaN told apart)."""
    return repr(json.loads(json.dumps(rows, separators=(",", ":"))))


@pytest.mark.parametrize(
    "rows",
    [
        [[1, None, 2**70]],  # orjson refuses it, and would read it as a float
        [[float("nan"), None]],  # orjson would write null
        [[float("inf"), float("-inf")]],
        [[-0.0, 5e-324, 1.7976931348623157e308, 0.1, 1e22, 1e-7]],
        [["null", None], ["nullnull", None]],  # a text with "null" in it
        [["\u2028 \ud800 \x00"]],  # a lone surrogate: orjson refuses it
        [["Việt Nam", None, True, False], [2**64 - 1, -(2**63), 0, 1]],
        [[], []],
    ],
)
def test_rows_read_back_as_json_gives_them(rows: list[list[object]]) -> None:
    assert repr(_loads(_rows_json(rows))) == _as_json_gives(rows)


def _value(rng: random.Random) -> object:
    kind = rng.randrange(7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        big = rng.random() < 0.05
        return rng.randrange(-(2**70), 2**70) if big else rng.randrange(5000)
    if kind == 3:  # any bit pattern: NaN, infinities, subnormals, -0.0
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if kind == 4:
        return round(rng.uniform(-10, 10), rng.randrange(4))
    if kind == 5:
        return rng.choice(["null", "Tổng cộng", "1.2.3", "0,5", "-", ""])
    alphabet = [(32, 127), (0x80, 0x3000), (0xD800, 0xE000), (0, 32)]
    return "".join(
        chr(rng.randrange(*rng.choice(alphabet))) for _ in range(rng.randrange(12))
    )


def test_rows_read_back_as_json_gives_them_on_generated_rows() -> None:
    rng = random.Random(20261202)
    for _ in range(5000):
        rows = [
            [_value(rng) for _ in range(rng.randrange(6))]
            for _ in range(rng.randrange(1, 5))
        ]
        assert repr(_loads(_rows_json(rows))) == _as_json_gives(rows), rows


def test_the_parent_writes_no_entry(
    sample_inputs: Path,
    sample_criteria: CriteriaSet,
    now: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [
        entry
        for entry in discover(sample_inputs / str(YEAR), YEAR, now, 0.0)
        if entry.status == "candidate"
    ]
    parent = os.getpid()
    written_here: list[Path] = []
    real = cache_module.store_entry

    def watched(path: Path, data: bytes) -> None:
        if os.getpid() == parent:
            written_here.append(path)
        real(path, data)

    monkeypatch.setattr(cache_module, "store_entry", watched)
    cache = ReadCache.for_year(tmp_path / "out", sample_criteria, YEAR)
    batch = read_batch(entries, sample_criteria, YEAR, cache, workers=2)
    assert written_here == []
    written = {p.name for p in cache.folder.rglob("*") if p.is_file()}
    assert written == {cache.key(r.file.name, r.sha256 or "") for r in batch.reads}
    assert len(written) == 6
    # and every entry gives back what was read
    for read in batch.reads:
        hit = cache.get(read.file, read.sha256 or "")
        assert hit is not None and hit[0].problems == read.problems

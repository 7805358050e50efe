"""The whole-year outputs of a night cost what they hold: the render key digests
what the outputs are made of (not the analysis derived from it), the analysis is
sliced per department only when a department is asked for, and the report's big
tables are written without python-docx's objects, byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import Result
from parindex.ingest.collect import Ingested
from parindex.publish.manifest import render_key
from parindex.settings import UnitSettings
from tests.render import conftest as sample

CREATED = dt.datetime(2024, 1, 1, 8, 0, 0)


@pytest.fixture(scope="module")
def ingested() -> dict[int, Ingested]:
    return sample.ingest_sample()


@pytest.fixture(scope="module")
def sample_result(ingested: dict[int, Ingested]) -> AnalysedResult:
    return sample.build_sample_result(ingested)


def _consolidated(result: AnalysedResult) -> Result:
    return Result(
        **{f.name: getattr(result, f.name) for f in dataclasses.fields(Result)}
    )


def test_render_key_follows_the_result_and_the_unit_not_the_analysis_object(
    sample_result: AnalysedResult,
) -> None:
    created = {"NV": CREATED}
    key = render_key(sample_result, CREATED, created)
    # analysed again from the same consolidated result and unit: the same key
    again = analyse(_consolidated(sample_result), sample_result.unit)
    assert again is not sample_result
    assert render_key(again, CREATED, created) == key
    # another unit's settings change the report: another key
    other = analyse(_consolidated(sample_result), UnitSettings(unit="UBND xã Khác"))
    assert render_key(other, CREATED, created) != key
    # another result: another key
    edited = dataclasses.replace(sample_result, previous_total=1.0)
    assert render_key(edited, CREATED, created) != key
    # another date: another key
    assert render_key(sample_result, CREATED.replace(day=2), created) != key


def test_department_shares_are_sliced_when_asked_and_not_kept(
    sample_result: AnalysedResult,
) -> None:
    shares = sample_result.analysis.departments
    assert list(shares) == ["NV", "VP", "TP", "TCKH", "KTHT", "CQ"]
    assert len(shares) == 6 and "NV" in shares and "XX" not in shares
    with pytest.raises(KeyError):
        shares["XX"]
    first, second = shares["TCKH"], shares["TCKH"]
    assert first is not second  # nothing is held between lookups
    assert first.deductions.equals(second.deductions)
    assert first.name == "Phòng Tài chính - Kế hoạch"
    # a result sent to another process (department chunks) carries its shares
    copied = pickle.loads(pickle.dumps(sample_result))
    for code in shares:
        assert copied.analysis.departments[code].lost.equals(shares[code].lost)
        assert copied.analysis.departments[code].leaves.equals(shares[code].leaves)

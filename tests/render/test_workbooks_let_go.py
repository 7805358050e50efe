"""A rendered workbook goes as soon as it is written: XlsxWriter gives each
worksheet its workbook's ``add_format`` (a cycle), so every closed feedback
workbook, with all its cells, waited for the collector's full pass; with the
year's result alive those are rare, and at 5000 departments the workbooks
rendered so far held ≈ 80 MB at the end of ``parindex run`` (issue 13, memory)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from parindex.analysis import AnalysedResult
from parindex.publish.outputs import department_chunks, render_department_chunk
from parindex.render.scorecard import render_scorecard

from .workbooks import CREATED


def _garbage_left(render: Callable[[], object]) -> list[str]:
    """The workbook objects only the cyclic collector could free after
    ``render()`` (XlsxWriter's and parindex's renderers'; other threads of the
    test process may leave garbage of their own meanwhile)."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        render()
        gc.collect()
        return sorted(
            {
                type(found).__qualname__
                for found in gc.garbage
                if type(found).__module__.startswith(("xlsxwriter", "parindex"))
            }
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_department_workbooks_leave_no_cycles(sample_result: AnalysedResult) -> None:
    codes = sample_result.current.departments["code"].to_list()
    jobs = [(code, Path(f"{code}.xlsx"), CREATED) for code in codes]
    (chunk,) = department_chunks(sample_result, jobs)
    assert _garbage_left(lambda: render_department_chunk(chunk)) == []


def test_the_scorecard_leaves_no_cycles(
    sample_result: AnalysedResult, tmp_path: Path
) -> None:
    path = tmp_path / "scorecard-2023.xlsx"
    assert _garbage_left(lambda: render_scorecard(sample_result, path, CREATED)) == []

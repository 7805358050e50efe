"""Nights cost what changed: a department's workbook is rendered again only when
what it shows changed, and it is then the same as a full render."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from parindex import pipeline
from parindex.analysis import AnalysedResult, analyse
from parindex.consolidate import Result
from parindex.department_view import department_keys, department_view
from parindex.publish import outputs as outputs_module
from parindex.render.department import render_department
from parindex.render.standing import UnitStanding

YEAR = 2023
CREATED = dt.datetime(2024, 1, 1, 8, 0)


def _result(inputs: Path) -> AnalysedResult:
    criteria = pipeline.load_criteria(inputs, YEAR)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, YEAR, criteria, time.time())
    previous = pipeline.consolidate_previous(inputs, YEAR, time.time())
    return pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )


def _publish(inputs: Path, outputs: Path) -> pipeline.Written:
    criteria = pipeline.load_criteria(inputs, YEAR)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, YEAR, criteria, time.time())
    previous = pipeline.consolidate_previous(inputs, YEAR, time.time())
    result = pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )
    return pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=time.time()
    )


def _outputs(outputs: Path) -> dict[str, bytes]:
    folder = outputs / str(YEAR)
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "runs" not in path.relative_to(folder).parts
    }


def test_a_department_workbook_from_its_view_is_the_full_render(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """The view keeps everything the workbook shows: rendered from it, every
    department's workbook is byte-identical to the one rendered from the whole
    result (sample 2023, with its previous year, deductions, cuts and problems)."""
    result = _result(sample_inputs)
    assert result.previous is not None
    codes = result.current.departments["code"].to_list()
    assert len(codes) == 6
    for code in codes:
        full, view = tmp_path / f"{code}-full.xlsx", tmp_path / f"{code}-view.xlsx"
        render_department(result, code, full, CREATED)
        view_result = analyse(department_view(result, code), result.unit)
        render_department(view_result, code, view, CREATED)
        assert full.read_bytes() == view.read_bytes(), code


def test_department_keys_change_with_what_the_department_shows(
    sample_inputs: Path,
) -> None:
    result = _result(sample_inputs)
    created = {code: "2024-01-01T08:00:00" for code in ("NV", "TP", "VP", "TCKH")}
    keys = department_keys(result, created, ["code"])
    assert keys == department_keys(result, created, ["code"])
    assert len(set(keys.values())) == 4
    # another creation date or another code version: that department, or all
    later = department_keys(result, {**created, "TP": "2024-01-02T08:00:00"}, ["code"])
    assert [c for c in keys if keys[c] != later[c]] == ["TP"]
    other = department_keys(result, created, ["other code"])
    assert all(keys[c] != other[c] for c in keys)


@pytest.fixture()
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The departments whose workbook is rendered."""
    codes: list[str] = []

    def counted(
        result: Result,
        code: str,
        path: Path,
        created: dt.datetime,
        standing: UnitStanding | None = None,
    ) -> None:
        codes.append(code)
        render_department(result, code, path, created, standing)

    monkeypatch.setattr(outputs_module, "render_department", counted)
    return codes


def _set_score(path: Path, code: str, value: float, moved: float) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == code)
    row[4].value = value  # the appraised score
    workbook.save(path)
    os.utime(path, (moved, moved))


def test_one_changed_file_renders_only_its_department(
    tmp_path: Path, sample_inputs: Path, rendered: list[str]
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    _publish(inputs, outputs)
    assert sorted(rendered) == ["CQ", "KTHT", "NV", "TCKH", "TP", "VP"]
    rendered.clear()
    _set_score(inputs / "2023" / "phong-tu-phap.xlsx", "8.1", 3.0, time.time() + 5)
    written = _publish(inputs, outputs)
    assert rendered == ["TP"]
    folder = outputs / "2023"
    assert sorted(p.relative_to(folder).as_posix() for p in written.changed) == [
        "bao-cao-2023.docx",
        "departments/TP-2023.xlsx",
        "scorecard-2023.xlsx",
        "summary-2023.json",
        "summary-2023.md",
    ]
    cold = tmp_path / "cold"
    _publish(inputs, cold)
    assert _outputs(outputs) == _outputs(cold)


def test_a_shared_leaf_renders_every_department_that_shares_it(
    tmp_path: Path, sample_inputs: Path, rendered: list[str]
) -> None:
    """1.2.1 is NV's (lead) and TCKH's: a new score in NV's file changes what
    TCKH's workbook shows, so both are rendered, and nothing else."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    _publish(inputs, outputs)
    rendered.clear()
    _set_score(inputs / "2023" / "phong-noi-vu.xlsx", "1.2.1", 0.5, time.time() + 5)
    _publish(inputs, outputs)
    assert sorted(rendered) == ["NV", "TCKH"]
    cold = tmp_path / "cold"
    _publish(inputs, cold)
    assert _outputs(outputs) == _outputs(cold)


def test_a_department_workbook_edited_by_hand_is_rendered_again(
    tmp_path: Path, sample_inputs: Path, rendered: list[str]
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(sample_inputs, inputs)
    _publish(inputs, outputs)
    before = _outputs(outputs)
    rendered.clear()
    (outputs / "2023" / "departments" / "VP-2023.xlsx").write_bytes(b"edited")
    _set_score(inputs / "2023" / "phong-tu-phap.xlsx", "8.1", 3.0, time.time() + 5)
    _publish(inputs, outputs)
    assert sorted(rendered) == ["TP", "VP"]
    assert (
        _outputs(outputs)["departments/VP-2023.xlsx"]
        == before["departments/VP-2023.xlsx"]
    )

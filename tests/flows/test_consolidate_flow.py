"""The Prefect flow end to end on the shipped sample, and the ``run`` command."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from parindex.cli import app


@pytest.fixture()
def inputs(tmp_path: Path, sample_inputs: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(sample_inputs, copy)
    return copy


def test_flow_writes_every_output_of_the_sample(
    prefect_harness: None,
    inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows import consolidate
    from flows.consolidate import consolidate_flow

    started: list[int] = []  # the night freezes what was imported, first
    monkeypatch.setattr(consolidate, "tune_collector", lambda: started.append(1))
    outputs = tmp_path / "outputs"
    outcome = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    assert started == [1]
    assert round(outcome["total"], 2) == 79.24
    # the one headline figure (README, "Choices"), the same in every output
    assert outcome["headline"]["figure"] == (
        "79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)"
    )
    assert (outcome["headline"]["total"], outcome["headline"]["delta"]) == (
        79.27,
        7.17,
    )
    assert (outcome["status"], outcome["files"], outcome["errors"]) == ("final", 6, 0)
    summary = json.loads((outputs / "2023" / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.24
    workbook = openpyxl.load_workbook(outputs / "2023" / "scorecard-2023.xlsx")
    assert workbook.sheetnames[:4] == [
        "Tổng hợp",
        "Chỉ số thành phần",
        "Tiêu chí",
        "Đơn vị",
    ]
    assert workbook.sheetnames[-2:] == ["Kiểm tra", "Nguồn"]
    departments = sorted(p.name for p in (outputs / "2023" / "departments").iterdir())
    assert departments == [
        f"{c}-2023.xlsx" for c in sorted(["NV", "VP", "TP", "TCKH", "KTHT", "CQ"])
    ]
    from prefect.artifacts import Artifact

    markdown = Artifact.get("parindex-2023-summary")
    assert markdown is not None and isinstance(markdown.data, str)
    assert (
        "- Tổng điểm: **79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)**"
    ) in markdown.data
    assert outcome["headline"]["text"] in markdown.data
    assert "Lần tổng hợp đầu tiên của năm 2023." in markdown.data
    problems = Artifact.get("parindex-2023-problems")
    assert problems is not None
    table = (
        json.loads(problems.data) if isinstance(problems.data, str) else problems.data
    )
    assert table == [{"message": "Không có vấn đề nào."}]
    archived = list((outputs / "archive" / "2023").iterdir())
    assert len(archived) == 6
    assert {p.stem for p in archived} == {s["sha256"] for s in summary["submissions"]}

    # the next night, nothing new: the last run is repeated, its record written
    again = consolidate_flow(inputs=str(inputs), outputs=str(outputs), year=2023)
    assert again["changes"] == [
        "Không có bài nộp mới hay thay đổi nào so với lần chạy trước: giữ nguyên kết quả."
    ]
    assert (round(again["total"], 2), again["files"], again["changed"]) == (
        79.24,
        6,
        [],
    )
    manifest = json.loads(Path(again["manifest"]).read_text("utf-8"))
    assert manifest["repeated"] is True
    assert (again["result"], again["missing_departments"]) == ("Hoàn thành", [])
    assert len(list((outputs / "2023" / "runs").glob("*.json"))) == 2
    markdown = Artifact.get("parindex-2023-summary")
    assert markdown is not None and isinstance(markdown.data, str)
    assert (
        "- Tổng điểm: **79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)**"
        in markdown.data
    )
    assert "giữ nguyên kết quả" in markdown.data


def test_run_command_defaults_to_the_latest_year(
    prefect_harness: None, inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["year"] == 2023
    assert round(printed["total"], 2) == 79.24
    assert printed["headline"]["total"] == 79.27
    assert (outputs / "2023" / "summary-2023.json").exists()


@pytest.mark.parametrize("runner", ["process", "dask"])
def test_batches_read_by_other_processes_give_the_same_outputs(
    prefect_harness: None, inputs: Path, tmp_path: Path, runner: str
) -> None:
    """``--runner process`` and ``--runner dask``: the six files read in three
    batches by two worker processes; every output is the one the default gives."""
    from flows.consolidate import consolidate_flow, flow_with_runner

    expected, outputs = tmp_path / "thread", tmp_path / runner
    consolidate_flow(inputs=str(inputs), outputs=str(expected), year=2023)
    outcome = flow_with_runner(runner, workers=2)(
        inputs=str(inputs), outputs=str(outputs), year=2023, batch_files=2
    )
    assert round(outcome["total"], 2) == 79.24
    # the one headline figure (README, "Choices"), the same in every output
    assert outcome["headline"]["figure"] == (
        "79,27 điểm (số công bố; tính từ các tiêu chí: 79,24 điểm)"
    )
    assert (outcome["headline"]["total"], outcome["headline"]["delta"]) == (
        79.27,
        7.17,
    )
    assert (outcome["files"], outcome["errors"]) == (6, 0)
    for name in (
        "summary-2023.json",
        "scorecard-2023.xlsx",
        "departments/VP-2023.xlsx",
    ):
        assert (outputs / "2023" / name).read_bytes() == (
            expected / "2023" / name
        ).read_bytes(), name


def test_no_task_hashes_its_inputs() -> None:
    """Prefect's default cache policy pickles every task's inputs to hash them: the
    whole year's rows and result at each stage (at 5000 files, +500 MB peak)."""
    from prefect.cache_policies import NO_CACHE
    from prefect.tasks import Task

    import flows.consolidate as module

    tasks = [v for v in vars(module).values() if isinstance(v, Task)]
    assert len(tasks) == 8
    assert all(t.cache_policy is NO_CACHE for t in tasks)


def _pure_outputs(inputs: Path, outputs: Path) -> dict[str, bytes]:
    """The outputs of the pure pipeline (no Prefect, chunks one after another),
    its stages called as the flow calls them."""
    import time

    from parindex import pipeline
    from parindex.problems import concat_problems

    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    previous = pipeline.consolidate_previous(inputs, 2023, time.time())
    unit, unit_problems = pipeline.load_unit(inputs)
    result = pipeline.build_result(
        criteria,
        ingested,
        previous,
        history,
        concat_problems([history_problems, unit_problems]),
        unit=unit,
    )
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())
    return _written(outputs)


def _written(outputs: Path) -> dict[str, bytes]:
    folder = outputs / "2023"
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and "runs" not in path.relative_to(folder).parts
        and path.name != "TRANG-THAI.txt"  # the flow's own
    }


def _department_tasks(state: Any) -> list[str]:
    """The names of the flow run's department-workbook tasks, all completed."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    found = [r for r in runs if r.name.startswith("render-department-workbooks")]
    assert all(r.state is not None and r.state.is_completed() for r in found)
    return [r.name for r in found]


@pytest.mark.parametrize("runner", ["thread", "process"])
def test_department_workbooks_go_through_the_task_runner(
    prefect_harness: None, inputs: Path, tmp_path: Path, runner: str
) -> None:
    """Six departments in chunks of two: three tasks of the flow's runner, and
    every output byte-identical to the pure pipeline's; then a new score on a
    leaf NV shares with TCKH: only their two workbooks are rendered (one task
    each) and the outputs are those of a cold run."""
    import time

    from flows.consolidate import flow_with_runner

    flow = flow_with_runner(runner, workers=2)
    outputs = tmp_path / runner
    state = flow(
        inputs=str(inputs),
        outputs=str(outputs),
        year=2023,
        departments_per_chunk=2,
        return_state=True,
    )
    assert state.is_completed(), state.message
    assert len(_department_tasks(state)) == 3
    assert _written(outputs) == _pure_outputs(inputs, tmp_path / "pure")

    workbook = openpyxl.load_workbook(inputs / "2023" / "phong-noi-vu.xlsx")
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[0].value == "1.2.1")
    row[4].value = 0.5  # the appraised score
    workbook.save(inputs / "2023" / "phong-noi-vu.xlsx")
    moved = time.time() + 5
    os.utime(inputs / "2023" / "phong-noi-vu.xlsx", (moved, moved))
    state = flow(
        inputs=str(inputs),
        outputs=str(outputs),
        year=2023,
        departments_per_chunk=1,
        return_state=True,
    )
    assert state.is_completed(), state.message
    assert len(_department_tasks(state)) == 2
    changed = sorted(
        Path(p).relative_to(outputs / "2023").as_posix()
        for p in state.result()["changed"]
    )
    assert [c for c in changed if c.startswith("departments/")] == [
        "departments/NV-2023.xlsx",
        "departments/TCKH-2023.xlsx",
    ]
    assert _written(outputs) == _pure_outputs(inputs, tmp_path / "cold")

"""The province flow and ``parindex run`` on a province folder."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.province.run import run_province
from tests.province.conftest import PROVINCE_INPUTS


@pytest.fixture()
def province_inputs(tmp_path: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(PROVINCE_INPUTS, copy)
    return copy


def test_run_command_on_a_province_folder_is_the_province_run(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    """Detected by don-vi.xlsx + units/: every unit mapped through the task runner,
    the same files as the same stages called in this process."""
    outputs, expected = tmp_path / "out", tmp_path / "expected"
    result = CliRunner().invoke(
        app,
        ["run", "--inputs", str(province_inputs), "--outputs", str(outputs), "--json"],
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert (outcome["year"], outcome["units"]) == (2023, 7)
    assert outcome["missing_units"] == ["SYT"]
    run_province(province_inputs, expected, 2023, now=time.time())
    for name in (
        "2023/province-summary-2023.json",
        "units/PT/2023/summary-2023.json",
        "units/STC/2023/summary-2023.json",
    ):
        assert (outputs / name).read_bytes() == (expected / name).read_bytes(), name


def test_province_flow_with_worker_processes(
    prefect_harness: None, province_inputs: Path, tmp_path: Path
) -> None:
    from flows.province import province_flow_with_runner

    outputs = tmp_path / "out"
    outcome = province_flow_with_runner("process", workers=2)(
        inputs=str(province_inputs), outputs=str(outputs), year=2022
    )
    assert outcome["missing_units"] == []
    summary = json.loads(
        (outputs / "2022" / "province-summary-2022.json").read_text("utf-8")
    )
    departments = summary["groups"][1]["units"]
    assert [(u["code"], u["rank"], u["total"]) for u in departments] == [
        ("SNV", 1, 93.25),
        ("STP", 2, 91.3),
        ("STC", 3, 91.0),
        ("SYT", 4, 89.5),
    ]

"""A deployment run (``parindex serve``) whose inputs share is not mounted
(blind round 17, N1): it said "no year folder" and recorded the night in
``outputs/runs`` with no year, beside a new ``TRANG-THAI.txt`` claiming no run had
ever completed, while the year's own page kept saying the last night was
complete and the next good night never mentioned it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows.consolidate import _year_of
from parindex import pipeline
from parindex.errors import InputsFolderMissing


def test_a_missing_inputs_folder_is_said_as_such(tmp_path: Path) -> None:
    with pytest.raises(InputsFolderMissing) as raised:
        pipeline.latest_year(tmp_path / "inputs")
    assert str(raised.value) == (
        f"Không có thư mục đầu vào “{tmp_path / 'inputs'}” (thư mục chưa được tạo, "
        "hoặc ổ mạng chưa được gắn)."
    )


def test_a_night_without_its_year_is_recorded_under_the_newest_year(
    tmp_path: Path,
) -> None:
    outputs = tmp_path / "outputs"
    for year in (2022, 2023):
        (outputs / str(year) / "runs").mkdir(parents=True)
        (outputs / str(year) / "runs" / "x.json").write_text(json.dumps({}))
    flow_run = SimpleNamespace(
        parameters={"inputs": str(tmp_path / "gone"), "outputs": str(outputs)}
    )
    assert _year_of(flow_run) == (outputs.resolve(), 2023)  # type: ignore[arg-type]

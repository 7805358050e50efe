"""A province whose ``units/`` folder is gone (a share half mounted, the folder
renamed or moved) was taken for a district: "Không có thư mục năm nào … trong
“inputs”", and the province's own record and page said nothing; the province's
reading of it raised a bare ``FileNotFoundError`` (blind round 18b). It is refused
as a province's night, naming the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.errors import UnitsFolderMissing
from parindex.province.run import plan_province
from tests.province.conftest import PROVINCE_INPUTS


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(PROVINCE_INPUTS, copy)
    shutil.rmtree(copy / "units")
    return copy


def _said(inputs: Path) -> str:
    return (
        f"Không có thư mục “{inputs / 'units'}” của tỉnh (danh sách đơn vị "
        "don-vi.xlsx có ở đây): ổ chung chưa kết nối, hoặc thư mục đã bị đổi tên "
        "hay chuyển đi. Chưa tổng hợp; kết quả lần trước vẫn nguyên vẹn."
    )


def test_reading_a_province_without_its_units_folder_says_so(inputs: Path) -> None:
    with pytest.raises(UnitsFolderMissing) as raised:
        plan_province(inputs, 2023)
    assert str(raised.value) == _said(inputs)


def test_a_run_on_a_province_without_its_units_folder_is_refused_as_one(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    outputs.mkdir()  # last year's results are there
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs), "--json"]
    )
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout) == {"error": _said(inputs), "exit_code": 2}
    page = (outputs / "TRANG-THAI.txt").read_text("utf-8")
    assert "TOÀN TỈNH" in page.splitlines()[0]
    assert _said(inputs) in page

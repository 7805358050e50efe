"""A unit folder the run cannot read (blind round 17, P3) fails that unit alone,
with a sentence naming its folder: the other units are consolidated and ranked,
and the night is recorded (it used to stop the whole province night with a
``PermissionError`` traceback from the choice of criteria sets, leaving no
record)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.province.conftest import PROVINCE_INPUTS

UNREADABLE = (
    "Không tổng hợp được đơn vị: Không đọc được thư mục của đơn vị “units/STC” "
    "(không có quyền đọc): đơn vị không được tổng hợp. Hãy cấp quyền đọc thư mục "
    "này cho tài khoản chạy parindex rồi chạy lại."
)

SCRIPT = """
import json, sys, time
from pathlib import Path
from parindex.province.run import run_province
result, runs, written = run_province(
    Path(sys.argv[1]), Path(sys.argv[2]), 2023, now=time.time()
)
print(json.dumps({
    "runs": {r.unit.code: [r.failed, r.note, r.status] for r in runs},
    "ranked": sorted(
        result.units.filter(result.units["rank"].is_not_null())["code"].to_list()
    ),
}))
"""


def _without_override(*command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by root without the capability that ignores permissions."""
    return subprocess.run(
        [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            *command,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent.parent,
    )


@pytest.mark.skipif(
    shutil.which("setpriv") is None or os.geteuid() != 0,
    reason="needs root and setpriv to drop the permission override",
)
@pytest.mark.parametrize("mode", [0o000, 0o300], ids=["no-rights", "no-listing"])
def test_an_unreadable_unit_folder_fails_that_unit_alone(
    tmp_path: Path, mode: int
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(PROVINCE_INPUTS, inputs)
    folder = inputs / "units" / "STC"
    folder.chmod(mode)
    try:
        done = _without_override(
            sys.executable, "-c", SCRIPT, str(inputs), str(outputs)
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["runs"]["STC"] == [True, UNREADABLE, "missing"]
    others = {code: run for code, run in found["runs"].items() if code != "STC"}
    assert others and all(not failed for failed, _, _ in others.values())
    assert "STC" not in found["ranked"] and len(found["ranked"]) >= 4

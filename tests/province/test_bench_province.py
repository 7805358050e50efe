"""``bench/province.py`` runs on a tiny province folder and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def test_bench_province_runs_on_a_tiny_province(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "province.py"),
            "--units",
            "5",
            "--skip-run",
            "--data-dir",
            str(tmp_path / "data"),
            "--results-dir",
            str(tmp_path / "results"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    inputs = tmp_path / "data" / "province5" / "inputs"
    assert (inputs / "don-vi.xlsx").is_file()
    assert len(list((inputs / "units").glob("*/2023/*.xlsx"))) == 5 * 3
    (result,) = (tmp_path / "results").glob("*-province5.json")
    document = json.loads(result.read_text("utf-8"))
    first, again = (
        document["results"]["province"],
        document["results"]["province-rerun"],
    )
    assert first["error"] is None and again["error"] is None
    assert first["report"]["units"] == 5
    assert again["report"]["changed"] == 0  # a night with nothing new

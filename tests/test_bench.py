"""``bench/run.py`` runs on a tiny case and writes its JSON (no timing is checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "bench" / "run.py"


def test_bench_runs_on_a_tiny_case_and_writes_its_json(tmp_path: Path) -> None:
    output = tmp_path / "results" / "tiny.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--sizes",
            "3",
            "--skip-naive",
            "--no-prefect",
            "--data-dir",
            str(tmp_path / "data"),
            "--output",
            str(output),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| case |" in completed.stdout

    document = json.loads(output.read_text(encoding="utf-8"))
    assert {
        "schema",
        "date",
        "machine",
        "machine_line",
        "settings",
        "fixed",
        "cases",
        "ratios",
        "markdown",
    } <= document.keys()
    assert {"cpu", "cores", "ram_gb", "python", "libraries"} <= document[
        "machine"
    ].keys()
    assert {"process_start_s", "import_pipeline_s", "check_file_wall_s"} <= document[
        "fixed"
    ].keys()
    assert [case["case"] for case in document["cases"]] == ["n6", "n3"]
    for case in document["cases"]:
        assert {"files", "leaf_rows", "variants"} <= case.keys()
        assert {"floor", "calamine", "pipeline", "pipeline-rerun"} <= case[
            "variants"
        ].keys()
        assert "error" not in case["variants"]["pipeline-rerun"]
        assert "naive" not in case["variants"] and "run" not in case["variants"]
        pipeline = case["variants"]["pipeline"]
        assert "error" not in pipeline, pipeline.get("error")
        assert {"wall_s", "work_s", "peak_rss_mb"} <= pipeline.keys()
        assert pipeline["report"]["runs"] == 1
    assert [case["files"] for case in document["cases"]] == [6, 3]
    assert {
        "marginal_run_s",
        "marginal_pipeline_s",
        "naive_over_marginal",
        "marginal_ingest_year_s",
        "marginal_publish_outputs_s",
    } <= document["ratios"].keys()

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
            "--department-ways",
            "serial,threads-2",
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
    assert [case["case"] for case in document["cases"]] == ["n6", "n3", "r6", "r3"]
    for case in document["cases"]:
        assert {"files", "leaf_rows", "variants"} <= case.keys()
        assert {
            "floor",
            "calamine",
            "checked",
            "pipeline",
            "pipeline-rerun",
            "pipeline-changed",
        } <= case["variants"].keys()
        assert "error" not in case["variants"]["pipeline-rerun"]
        # the checks' floor read every cell the raw read did (and hidden sheets)
        checked = case["variants"]["checked"]
        assert "error" not in checked, checked.get("error")
        assert (
            checked["report"]["rows"] >= case["variants"]["calamine"]["report"]["rows"]
        )
        changed = case["variants"]["pipeline-changed"]
        assert "error" not in changed, changed.get("error")
        # the new version of one department's file changed some outputs: the
        # issue's night, that department's workbook alone among theirs
        assert changed["report"]["outputs_changed"] > 0
        assert changed["report"]["departments_rendered"] == 1
        assert "naive" not in case["variants"] and "run" not in case["variants"]
        pipeline = case["variants"]["pipeline"]
        assert "error" not in pipeline, pipeline.get("error")
        assert {"wall_s", "work_s", "peak_rss_mb"} <= pipeline.keys()
        assert pipeline["report"]["runs"] == 1
        # every department's workbook rendered once in the cold run
        assert pipeline["report"]["departments_rendered"] == case["departments"]
        stages = pipeline["report"]["stages"]
        assert {"ingest_year", "build_result", "publish_outputs"} <= stages.keys()
        # the stage table names only what was measured in this process
        assert "ingest.collect.read_batch" in stages
        assert "publish.outputs.render_scorecard" in stages
        departments = case["variants"]["departments"]["report"]
        assert departments["departments"] == case["departments"]
        assert departments["serial"]["ms_per_workbook"] > 0
        assert departments["threads-2"]["ms_per_workbook"] > 0
    assert [case["files"] for case in document["cases"]] == [6, 3, 6, 3]
    assert [case["departments"] for case in document["cases"]][2:] == [6, 3]
    for layout in ("n", "r"):
        goals = document["goals"][layout]
        assert {"3", "6"} <= goals["by_size"].keys()
        assert goals["by_size"]["3"]["ingest_to_result_s"] > 0
        assert goals["goal_marginal_over_raw_fastexcel_max"] == 3.0
        assert goals["by_size"]["3"]["checked_s"] > 0
    assert "Layout `r`" in document["markdown"]
    assert "| `publish.outputs.render_scorecard` |" in document["markdown"]
    assert "| n3 | 3 |" in document["markdown"]  # ms per department workbook
    assert {
        "marginal_run_s",
        "marginal_pipeline_s",
        "naive_over_marginal",
        "marginal_ingest_year_s",
        "marginal_publish_outputs_s",
    } <= document["ratios"].keys()

"""The consolidation as a Prefect flow: wiring only, the work is in ``parindex``.

Tasks are coarse (one per stage, never one per file): each Prefect task run costs a
few milliseconds, more than reading a submission.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from parindex import pipeline
from parindex.consolidate import Result, YearResult
from parindex.criteria import CriteriaSet
from parindex.history import History
from parindex.ingest.collect import Ingested, ingest_year
from parindex.render.markdown import markdown_summary

FLOW_NAME = "parindex-consolidate"


@task(name="load-criteria-and-history")
def load_inputs(inputs: Path, year: int) -> tuple[CriteriaSet, History, pl.DataFrame]:
    """Read the criteria set in force and the published history."""
    criteria_set = pipeline.load_criteria(inputs, year)
    history, problems = pipeline.load_history(inputs)
    return criteria_set, history, problems


@task(name="ingest-submissions", retries=2, retry_delay_seconds=10)
def ingest(
    inputs: Path, year: int, criteria_set: CriteriaSet, settle_seconds: float
) -> Ingested:
    """Read and validate every file of the year's drop folder."""
    return ingest_year(inputs, year, criteria_set, time.time(), settle_seconds)


@task(name="consolidate-previous-year")
def previous_year(inputs: Path, year: int) -> YearResult | None:
    """The previous year from its own submissions, when there are any."""
    return pipeline.consolidate_previous(inputs, year, time.time())


@task(name="consolidate")
def consolidate(
    criteria_set: CriteriaSet,
    ingested: Ingested,
    previous: YearResult | None,
    history: History,
    history_problems: pl.DataFrame,
) -> Result:
    """Sum the tree, compare with the previous year, reconcile with published figures."""
    return pipeline.build_result(
        criteria_set, ingested, previous, history, history_problems
    )


@task(name="write-outputs")
def publish(
    result: Result, ingested: Ingested, inputs: Path, outputs: Path
) -> pipeline.Written:
    """Write the workbooks and the summary atomically, archive the submissions."""
    return pipeline.publish_outputs(
        result, ingested, inputs, outputs, run_at=time.time()
    )


def _publish_artifacts(result: Result, changes: list[str]) -> None:
    key = f"parindex-{result.year}"
    since = "\n## Thay đổi so với lần chạy trước\n\n" + "".join(
        f"- {c}\n" for c in changes
    )
    create_markdown_artifact(
        markdown_summary(result) + since,
        key=f"{key}-summary",
        description="Kết quả tổng hợp",
    )
    rows = result.problems.fill_null("").to_dicts()
    create_table_artifact(
        rows or [{"message": "Không có vấn đề nào."}],
        key=f"{key}-problems",
        description="Các vấn đề trong bài nộp",
    )


@flow(name=FLOW_NAME, description="Tổng hợp Chỉ số CCHC từ bài nộp của các đơn vị.")
def consolidate_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    year: int | None = None,
    settle_seconds: float = 0.0,
) -> dict[str, Any]:
    """Consolidate one year (default: the latest year folder) and write its outputs.

    Returns the headline figures and the paths written.
    """
    logger = get_run_logger()
    inputs_path, outputs_path = Path(inputs).resolve(), Path(outputs).resolve()
    year = year if year is not None else pipeline.latest_year(inputs_path)
    criteria_set, history, history_problems = load_inputs(inputs_path, year)
    ingested = ingest(inputs_path, year, criteria_set, settle_seconds)
    previous = previous_year(inputs_path, year)
    result = consolidate(criteria_set, ingested, previous, history, history_problems)
    written = publish(result, ingested, inputs_path, outputs_path)
    _publish_artifacts(result, written.changes)
    logger.info(
        "Năm %s: tổng điểm %.2f (%s), %d tệp, %d vấn đề",
        year,
        result.current.total,
        result.current.status,
        result.submissions.height,
        result.problems.height,
    )
    return {
        "year": year,
        "total": result.current.total,
        "status": result.current.status,
        "files": result.submissions.height,
        "errors": int((result.problems["severity"] == "error").sum()),
        "warnings": int((result.problems["severity"] == "warning").sum()),
        "scorecard": str(written.scorecard),
        "summary": str(written.summary),
        "changed": [str(path) for path in written.changed],
        "changes": written.changes,
        "manifest": str(written.manifest),
    }

"""The nightly consolidation as a served Prefect deployment."""

from __future__ import annotations

from pathlib import Path

from prefect.schedules import Cron

from flows.consolidate import flow_with_runner

DEPLOYMENT_NAME = "nightly"
DEFAULT_CRON = "0 1 * * *"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def serve_nightly(
    inputs: Path,
    outputs: Path,
    *,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    year: int | None = None,
    settle_seconds: float = 60.0,
    runner: str = "thread",
    workers: int | None = None,
    dask_address: str | None = None,
) -> None:
    """Serve the consolidation on a cron schedule until interrupted.

    The process registers the deployment with the Prefect API the environment
    points to (``PREFECT_API_URL``) and runs the scheduled and manual runs itself.
    """
    flow_with_runner(runner, workers=workers, dask_address=dask_address).serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={
            "inputs": str(inputs.resolve()),
            "outputs": str(outputs.resolve()),
            "year": year,
            "settle_seconds": settle_seconds,
        },
        description="Tổng hợp Chỉ số CCHC hằng đêm từ thư mục nộp bài.",
    )

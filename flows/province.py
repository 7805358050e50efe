"""The province run as a Prefect flow: wiring only, the work is in ``parindex``.

One task plans the run (the register, each unit's criteria sets), the units are
consolidated by one task each mapped through the flow's task runner, one task ranks
them, the units' outputs are written by mapped tasks, and one task writes the
province's files. A unit's own outputs keep the unit run's render key: a night where
only one unit's files changed renders that unit and the province files, and, in the
other units of its group, only the feedback workbooks whose standing moved.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.schedules import Cron
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped

from flows.consolidate import task_runner
from parindex.pipeline import Written
from parindex.province import run as province
from parindex.province.rank import ProvinceResult
from parindex.province.units import UnitRun
from parindex.render.standing import UnitStanding
from parindex.settings import usable_cores

FLOW_NAME = "parindex-province"
DEPLOYMENT_NAME = "nightly"


@task(name="plan-province", cache_policy=NO_CACHE)
def plan(inputs: Path, year: int | None) -> province.ProvincePlan:
    """Read the register of units and choose each unit's criteria sets."""
    return province.plan_province(inputs, year)


@task(name="consolidate-unit", cache_policy=NO_CACHE)
def consolidate_unit(
    job: province.UnitJob, plan: province.ProvincePlan, settle_seconds: float
) -> UnitRun:
    """One unit through the unit pipeline's stages."""
    return province.run_unit(plan, job, time.time(), settle_seconds)


@task(name="rank-units", cache_policy=NO_CACHE)
def rank(plan: province.ProvincePlan, runs: list[UnitRun]) -> ProvinceResult:
    """Ranks, grades, last year's comparison, weak criteria."""
    return province.rank_province(plan, runs)


@task(name="write-unit-outputs", cache_policy=NO_CACHE)
def publish_unit(
    run: UnitRun, standing: UnitStanding | None, outputs: Path
) -> Written | None:
    """A unit's own outputs, as a unit run writes them, with its standing."""
    return province.publish_unit(run, standing, outputs, time.time())


@task(name="write-province-outputs", cache_policy=NO_CACHE)
def publish_province(
    result: ProvinceResult,
    runs: list[UnitRun],
    written: list[Written | None],
    outputs: Path,
) -> province.ProvinceWritten:
    """The province summary JSON and workbook, and the run's record."""
    return province.publish_province(result, runs, written, outputs, time.time())


@flow(
    name=FLOW_NAME,
    description="Tổng hợp, xếp hạng Chỉ số CCHC của các đơn vị trong tỉnh.",
)
def province_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    year: int | None = None,
    settle_seconds: float = 0.0,
) -> dict[str, Any]:
    """Consolidate every unit of a province for one year, rank them, write.

    Returns the headline facts and the paths written.
    """
    logger = get_run_logger()
    inputs_path, outputs_path = Path(inputs).resolve(), Path(outputs).resolve()
    planned = plan(inputs_path, year)
    runs = consolidate_unit.map(
        list(planned.jobs),
        plan=unmapped(planned),
        settle_seconds=unmapped(settle_seconds),
    ).result()
    result = rank(planned, runs)
    standings = [province.unit_standing(result, run.unit.code) for run in runs]
    written = publish_unit.map(runs, standings, outputs=unmapped(outputs_path)).result()
    files = publish_province(result, runs, written, outputs_path)
    units = result.units
    create_table_artifact(
        units.select(
            "group", "code", "name", "status", "total", "rank", "of", "grade", "note"
        ).to_dicts(),
        key=f"parindex-province-{result.year}",
        description="Xếp hạng các đơn vị",
    )
    logger.info(
        "Năm %s: %d đơn vị, %d chưa nộp",
        result.year,
        units.height,
        len(result.missing_units),
    )
    return {
        "year": result.year,
        "units": units.height,
        "missing_units": list(result.missing_units),
        "summary": str(files.summary),
        "workbook": str(files.workbook),
        "changed": [str(path) for path in files.changed],
        "manifest": str(files.manifest),
    }


def unit_threads(workers: int | None = None) -> TaskRunner[Any]:
    """The default runner of the province: as many threads as cores (``workers``).

    Prefect's own default starts a thread per task: 120 units consolidated at once
    hold every unit's intermediate frames together (1.7 GB measured), for no gain
    while Python's lock lets one thread compute at a time.
    """
    return ThreadPoolTaskRunner(max_workers=workers or usable_cores())


@functools.cache
def _default_flow() -> Any:
    return province_flow.with_options(task_runner=unit_threads())


def province_flow_with_runner(
    runner: str, *, workers: int | None = None, dask_address: str | None = None
) -> Any:
    """``province_flow`` mapping its units with ``runner``."""
    if runner == "thread":
        return (
            _default_flow()
            if workers is None
            else province_flow.with_options(task_runner=unit_threads(workers))
        )
    return province_flow.with_options(
        task_runner=task_runner(runner, workers=workers, dask_address=dask_address)
    )


def serve_province_nightly(
    inputs: Path,
    outputs: Path,
    *,
    cron: str,
    timezone: str,
    year: int | None = None,
    settle_seconds: float = 60.0,
    runner: str = "thread",
    workers: int | None = None,
    dask_address: str | None = None,
) -> None:
    """Serve the whole province as one deployment on a cron schedule."""
    province_flow_with_runner(runner, workers=workers, dask_address=dask_address).serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={
            "inputs": str(inputs.resolve()),
            "outputs": str(outputs.resolve()),
            "year": year,
            "settle_seconds": settle_seconds,
        },
        description="Tổng hợp, xếp hạng Chỉ số CCHC toàn tỉnh hằng đêm.",
    )

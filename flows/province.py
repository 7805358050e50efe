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

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun, State
from prefect.context import FlowRunContext
from prefect.schedules import Cron
from prefect.states import Completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped

from flows.consolidate import (
    TIMEOUT_SECONDS,
    launch_tag_dropped,
    mark_crashed_runs,
    record_end,
    signal_surfaced,
    task_runner,
)
from parindex import run_record as record
from parindex.errors import ParindexError
from parindex.night import tune_collector
from parindex.pipeline import Written
from parindex.province import run as province
from parindex.province import status
from parindex.province.folder import read_province
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
    *,
    flow_run: str | None = None,
    repaired: list[str] | None = None,
) -> province.ProvinceWritten:
    """The province summary JSON and workbook, the run's record and its
    ``TRANG-THAI.txt``."""
    return province.publish_province(
        result,
        runs,
        written,
        outputs,
        time.time(),
        flow_run=flow_run,
        repaired=repaired or (),
    )


def _year_of(flow_run: FlowRun) -> tuple[Path, int | None]:
    """The outputs folder and the year of a province flow run (its parameter,
    else the latest year of the province, when it can still be read)."""
    parameters = flow_run.parameters
    outputs = Path(str(parameters.get("outputs", "outputs"))).resolve()
    inputs = Path(str(parameters.get("inputs", "inputs"))).resolve()
    year = parameters.get("year")
    return outputs, _known_year(inputs, int(year) if year is not None else None)


def _known_year(inputs: Path, year: int | None) -> int | None:
    """``year``, else the latest year of the province at ``inputs`` when its
    register can be read (None otherwise)."""
    if year is not None:
        return year
    try:
        return province.latest_province_year(read_province(inputs))
    except ParindexError:
        return None


def _record_end(flow: Flow[Any, Any], flow_run: FlowRun, state: State) -> None:
    """A province run that failed, timed out or crashed under the eyes of its own
    process: its record beside the province's run records, and the province's
    ``TRANG-THAI.txt`` naming it (as ``flows.consolidate`` does for a unit)."""
    outputs, year = _year_of(flow_run)
    record_end(
        flow,
        flow_run,
        state,
        outputs=outputs,
        year=year,
        write=lambda document, now, recorded: status.record_failure(
            outputs, document, now, recorded=recorded
        ),
    )


def _clear_marker(flow: Flow[Any, Any], flow_run: FlowRun, state: State) -> None:
    """The run's end is reported (Completed): its running marker goes (until
    then it stays, so that a run killed without a word is found by the next)."""
    outputs, year = _year_of(flow_run)
    if year is not None:
        record.clear_running(outputs, year, str(flow_run.id))


@flow(
    name=FLOW_NAME,
    description="Tổng hợp, xếp hạng Chỉ số CCHC của các đơn vị trong tỉnh.",
    timeout_seconds=TIMEOUT_SECONDS,
    on_failure=[_record_end],
    on_crashed=[_record_end],
    on_completion=[_clear_marker],
)
@launch_tag_dropped
@signal_surfaced
def province_flow(
    inputs: str = "inputs",
    outputs: str = "outputs",
    year: int | None = None,
    settle_seconds: float = 0.0,
) -> dict[str, Any]:
    """Consolidate every unit of a province for one year, rank them, write.

    Returns the headline facts and the paths written.
    """
    tune_collector()
    logger = get_run_logger()
    run_at = time.time()
    inputs_path, outputs_path = Path(inputs).resolve(), Path(outputs).resolve()
    context = FlowRunContext.get()
    flow_run = context.flow_run if context is not None else None
    # first, before planning: a run killed from here on is found (the year as
    # the failure hook takes it: the parameter, else the latest year)
    marked = _known_year(inputs_path, year) if flow_run is not None else None
    if flow_run is not None and marked is not None:
        record.mark_running(
            outputs_path, marked, str(flow_run.id), flow_run.name, run_at
        )
    planned = plan(inputs_path, year)
    if flow_run is not None and marked != planned.year:  # its register changed
        if marked is not None:
            record.clear_running(outputs_path, marked, str(flow_run.id))
        record.mark_running(
            outputs_path, planned.year, str(flow_run.id), flow_run.name, run_at
        )
    # runs killed without a word (kill -9, power cut): recorded, set Crashed
    for line in mark_crashed_runs(outputs_path, planned.year):
        logger.warning(line)
    repaired = status.since_last_complete(outputs_path, planned.year)
    runs = consolidate_unit.map(
        list(planned.jobs),
        plan=unmapped(planned),
        settle_seconds=unmapped(settle_seconds),
    ).result()
    result = rank(planned, runs)
    standings = [province.unit_standing(result, run.unit.code) for run in runs]
    # each unit's outputs as far as they went: a night stopped by one unit, or by
    # the province's files, names the units whose outputs it had replaced
    written: list[Written | None] = []
    stopped: ParindexError | None = None
    for future in publish_unit.map(runs, standings, outputs=unmapped(outputs_path)):
        try:
            written.append(future.result())
        except ParindexError as error:
            stopped = stopped or error
            written.append(None)
    if stopped is not None:  # a unit's outputs: the province's are not written
        raise province.published_before_failure(
            stopped, result.year, runs, written
        ) from stopped
    label = f"{flow_run.name} ({flow_run.id})" if flow_run is not None else None
    try:
        files = publish_province(
            result, runs, written, outputs_path, flow_run=label, repaired=repaired
        )
    except ParindexError as error:
        raise province.published_before_failure(
            error, result.year, runs, written
        ) from error
    found = status.province_verdict(runs, status.province_problems(result.problems))
    units = result.units
    create_table_artifact(
        units.select(
            "group", "code", "name", "status", "total", "rank", "of", "grade", "note"
        ).to_dicts(),
        key=f"parindex-province-{result.year}",
        description="Xếp hạng các đơn vị",
    )
    log = logger.info if found.clean else logger.warning
    log("Năm %s: %s", result.year, found.headline)
    outcome = {
        "year": result.year,
        "units": units.height,
        "missing_units": list(result.missing_units),
        "unusable_units": list(result.unusable_units),
        "summary": str(files.summary),
        "workbook": str(files.workbook),
        "changed": [str(path) for path in files.changed],
        "manifest": str(files.manifest),
        "result": found.label,
        "units_by_result": {
            kind: [unit.code for unit in found.of(kind)] for kind in status.OUTCOMES
        },
        "since_last_complete": repaired,
    }
    if found.clean:
        return outcome
    # completed, but not clean: a state name of its own, as a unit run's
    return Completed(name=found.label, message=found.headline, data=outcome)  # type: ignore[return-value]


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

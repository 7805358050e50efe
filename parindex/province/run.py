"""A province run as plain functions: plan, consolidate each unit, rank, publish.

The Prefect flow (``flows/province.py``) wires the same functions, mapping the units
through its task runner; ``run_province`` runs them in this process (tests, bench).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex import run_record as record
from parindex.criteria import CRITERIA_FOLDER
from parindex.errors import NoCriteriaSet, NoYearFolder, ParindexError
from parindex.ingest.discover import holds_a_file, year_folders
from parindex.province import status
from parindex.province.changes import NOT_A_SUMMARY, province_changes
from parindex.province.folder import (
    UNITS_FOLDER,
    CriteriaChoice,
    CriteriaLibrary,
    Province,
    Unit,
    read_province,
    unit_folder_error,
    with_other_units,
)
from parindex.province.rank import ProvinceResult, rank_units
from parindex.province.units import UnitRun, consolidate_unit
from parindex.publish import (
    outputs_lock,
    sweep_temporary_files,
    write_bytes_atomic,
)
from parindex.publish.manifest import file_digest
from parindex.publish.outputs import (
    Written,
    creation_time,
    publish_outputs,
    replace_together,
)
from parindex.render.province import render_province
from parindex.render.province_summary import render_province_summary
from parindex.render.standing import StandingComponent, UnitStanding
from parindex.timefmt import local_iso


@dataclass(frozen=True)
class UnitJob:
    """What consolidating one unit needs: the sets of the year and the year before."""

    unit_index: int
    current: CriteriaChoice
    previous: CriteriaChoice


@dataclass(frozen=True)
class ProvincePlan:
    """The province read, the year chosen, each unit's criteria sets and each
    group's maximum."""

    province: Province
    year: int
    jobs: tuple[UnitJob, ...]
    group_max: dict[str, float | None]


@dataclass(frozen=True)
class ProvinceWritten:
    """The province's own files, which of them changed, and its run record."""

    summary: Path
    workbook: Path
    changed: list[Path]
    manifest: Path


def latest_province_year(province: Province) -> int:
    """The latest year any unit's drop folder holds a file for, else the latest
    any unit has a drop folder for (a folder made in advance, still empty, is
    passed over, and said by that unit's run: ``discover.later_empty_years``).

    Raises:
        NoYearFolder: no unit has a year folder.
    """
    years = {
        (y, unit.folder / str(y)) for unit in province.units for y in _years_of(unit)
    }
    if not years:
        raise NoYearFolder(
            messages.NO_YEAR_FOLDERS.format(folder=province.inputs / UNITS_FOLDER)
        )
    filled = [year for year, folder in years if holds_a_file(folder)]
    return max(filled or [year for year, _ in years])


def _years_of(unit: Unit) -> list[int]:
    """The years ``unit`` has a drop folder for; none when its folder cannot be
    read (that unit fails alone: ``unit_folder_error``)."""
    try:
        return year_folders(unit.folder)
    except OSError:
        return []


def plan_province(inputs: Path, year: int | None = None) -> ProvincePlan:
    """Read the province folder and choose each unit's criteria sets (each
    workbook read once).

    Raises:
        UnusableProvince: the register of units cannot be used.
        NoCriteriaSet: neither the province nor any unit has a ``criteria/``
            folder.
        NoYearFolder: no unit has a drop folder for ``year`` (or for any year).
        UnusableCriteria: a workbook of the province's ``criteria/`` cannot be read,
            or two sets of one group have the same first year.
    """
    province = read_province(inputs)
    chosen = year if year is not None else latest_province_year(province)
    if not any(chosen in _years_of(unit) for unit in province.units):
        raise NoYearFolder(
            messages.PROVINCE_NO_YEAR.format(year=chosen, folder=inputs / UNITS_FOLDER)
        )
    if not (inputs / CRITERIA_FOLDER).is_dir() and not any(
        (unit.folder / CRITERIA_FOLDER).is_dir() for unit in province.units
    ):  # no set anywhere (a share half mounted): refused, as a district's run
        raise NoCriteriaSet(
            messages.NO_CRITERIA_FOLDER.format(folder=inputs / CRITERIA_FOLDER)
        )
    library = CriteriaLibrary(inputs)
    library.check()  # an unreadable or ambiguous set stops the run, as for a unit
    jobs = []
    for i, unit in enumerate(province.units):
        unreadable = unit_folder_error(unit)
        if unreadable is not None:  # it fails alone, said (consolidate_unit)
            jobs.append(UnitJob(i, *(CriteriaChoice(None, unreadable),) * 2))
        else:
            jobs.append(
                UnitJob(
                    i, library.choose(unit, chosen), library.choose(unit, chosen - 1)
                )
            )
    group_max: dict[str, float | None] = {}
    for group in province.groups:
        criteria_set = library.group_set(group, chosen)
        group_max[group] = (
            float(criteria_set.components["max"].sum())
            if criteria_set is not None
            else None
        )
    return ProvincePlan(province, chosen, tuple(jobs), group_max)


def run_unit(
    plan: ProvincePlan, job: UnitJob, now: float, settle_seconds: float = 0.0
) -> UnitRun:
    """Consolidate one unit of the plan (what the flow maps over the units); a
    self-assessed form naming another unit of the register is that unit's."""
    unit = plan.province.units[job.unit_index]
    return consolidate_unit(
        unit,
        plan.year,
        with_other_units(job.current.criteria_set, plan.province, unit),
        with_other_units(job.previous.criteria_set, plan.province, unit),
        now,
        settle_seconds=settle_seconds,
        criteria_error=job.current.error,
    )


def rank_province(plan: ProvincePlan, runs: Sequence[UnitRun]) -> ProvinceResult:
    """The stage above the units: ranks, grades, comparison, weak criteria."""
    return rank_units(plan.province, runs, plan.year, plan.group_max)


def unit_standing(result: ProvinceResult, code: str) -> UnitStanding | None:
    """Where unit ``code`` stands in its group, for its feedback workbooks."""
    row = result.unit_row(code)
    if row is None:
        return None
    components = tuple(
        StandingComponent(c["code"], c["name"], c["max"], c["score"], c["average"])
        for c in result.components.filter(pl.col("unit") == code).iter_rows(named=True)
    )
    return UnitStanding(
        year=result.year,
        code=code,
        name=str(row["name"]),
        group=str(row["group"]),
        status=str(row["status"]),
        total=row["total"],  # type: ignore[arg-type]
        max=row["max"],  # type: ignore[arg-type]
        percent=row["percent"],  # type: ignore[arg-type]
        rank=row["rank"],  # type: ignore[arg-type]
        of=int(row["of"]),  # type: ignore[call-overload]
        grade=row["grade"],  # type: ignore[arg-type]
        previous_total=row["previous_total"],  # type: ignore[arg-type]
        previous_rank=row["previous_rank"],  # type: ignore[arg-type]
        components=components,
    )


def unit_outputs(outputs: Path, run: UnitRun) -> Path:
    """Where a unit's own outputs go: ``outputs/units/<code>/`` (then ``<year>/``)."""
    return outputs / status.UNIT_OUTPUTS / run.unit.code


def publish_unit(
    run: UnitRun,
    standing: UnitStanding | None,
    outputs: Path,
    run_at: float,
) -> Written | None:
    """Write a unit's own outputs as a unit run would, plus its standing, and its
    ``TRANG-THAI.txt`` (the unit run's page); None when the unit could not be
    consolidated (no drop folder, no criteria set): then, as when its outputs
    cannot be written, the unit's own record and page say so, where it has
    outputs of the year (its page never vouches for files this night did not
    write).

    Raises:
        ParindexError: the unit's outputs could not be written (recorded).
    """
    folder = unit_outputs(outputs, run)
    if run.result is None or run.ingested is None:
        if (folder / str(run.year)).is_dir():
            record_unit_failure(run, outputs, run.note or "", run_at)
        return None
    result = run.result
    try:
        return publish_outputs(
            result,
            run.ingested,
            run.unit.folder,
            folder,
            run_at=run_at,
            standing=standing,
            # the unit's page, written before its outputs move
            announce=record.completed_page(
                folder,
                run.year,
                run_at=run_at,
                flow_run=None,
                result=result,
                found=record.verdict(result),
            ),
        )
    except ParindexError as error:
        record_unit_failure(run, outputs, str(error), run_at)
        raise


def record_unit_failure(run: UnitRun, outputs: Path, error: str, run_at: float) -> None:
    """A unit's night that did not publish: its failure record and its page (as
    a unit run's failure hook writes them: what went wrong, which complete run
    its files are), as far as its outputs folder can still be written."""
    folder = unit_outputs(outputs, run)
    document = record.failure_record(
        year=run.year,
        state=record.FAILED,
        error=error,
        flow_run_id=None,
        flow_run_name=None,
        run_at=run_at,
    )
    criteria_set = run.result.current.criteria_set if run.result else None
    departments = (
        [(d.code, d.name) for d in criteria_set.departments]
        if criteria_set is not None
        else None
    )
    # as far as its outputs folder can still be written: the error says the rest
    with contextlib.suppress(OSError, ParindexError):
        record.record_failure(folder, document, run_at, departments=departments)


def published_before_failure(
    error: ParindexError,
    year: int,
    runs: Sequence[UnitRun],
    unit_written: Sequence[Written | None],
) -> ParindexError:
    """``error`` (which stopped a province night while publishing) saying which
    units' own outputs this night had already replaced (``unit_written``: what
    publishing each of ``runs`` wrote, as far as it went): the province's files
    do not count them, and its page names the last complete run. ``error``
    itself when no unit's outputs changed."""
    changed = [
        run.unit.code
        for run, written in zip(runs, unit_written, strict=False)
        if written is not None and written.changed
    ]
    if not changed:
        return error
    said = messages.PROVINCE_UNITS_PUBLISHED_BEFORE_FAILURE.format(
        count=len(changed), units=status.units_listed(changed, year)
    )
    return type(error)(f"{error} {said}")


def province_created(runs: Sequence[UnitRun]) -> dt.datetime:
    """The province files' creation date: the newest input any unit used."""
    moments = [creation_time(run.ingested) for run in runs if run.ingested is not None]
    return max(moments, default=dt.datetime(2000, 1, 1))


def publish_province(
    result: ProvinceResult,
    runs: Sequence[UnitRun],
    unit_written: Sequence[Written | None],
    outputs: Path,
    run_at: float,
    *,
    flow_run: str | None = None,
    repaired: Sequence[str] = (),
) -> ProvinceWritten:
    """Write ``province-summary-<year>.json`` and ``tong-hop-tinh-<year>.xlsx``
    atomically (unchanged files are not rewritten), the run's record and the
    province's ``TRANG-THAI.txt`` (``flow_run``: the Prefect flow run, if any;
    ``repaired``: the runs that failed or crashed since the last complete one)."""
    year = result.year
    folder = outputs / str(year)
    created = province_created(runs)
    with outputs_lock(outputs):
        sweep_temporary_files(folder)
        summary = folder / f"province-summary-{year}.json"
        workbook = folder / f"tong-hop-tinh-{year}.xlsx"
        manifest = status.record_path(folder, run_at)
        content = render_province_summary(result)
        own_problems = status.province_problems(result.problems)
        # this night's as the next night reads it: the JSON written, not the
        # dict it was rendered from (the same types on both sides)
        changes = province_changes(_last_summary(summary), json.loads(content))
        # the page first: one that cannot be written stops the run before the
        # province's files change (as ``publish_outputs``'s ``announce``)
        record.write_status(
            outputs,
            year,
            status.status_text_completed(
                year=year,
                run_at=run_at,
                flow_run=flow_run,
                found=status.province_verdict(runs, own_problems),
                manifest_name=f"{record.RUNS_FOLDER}/{manifest.name}",
                repaired=repaired,
                unregistered=status.units_unregistered(
                    outputs, year, [run.unit.code for run in runs]
                ),
                changes=changes,
                said=status.province_said(own_problems),
            ),
        )
        # the two files as one set: both new, or both as they were
        written = replace_together(
            folder,
            {
                summary: lambda path: path.write_bytes(content),
                workbook: lambda path: render_province(result, path, created),
            },
        )
        document = province_manifest(result, runs, unit_written, written, run_at)
        document["changes"] = changes
        document["problems"] = own_problems
        write_bytes_atomic(
            manifest,
            (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(),
        )
    changed = [path for path, was in written.items() if was]
    for unit in unit_written:
        if unit is not None:
            changed += unit.changed
    return ProvinceWritten(summary, workbook, changed, manifest)


def _last_summary(path: Path) -> dict[str, Any] | str | None:
    """The last night's ``province-summary-<year>.json`` (None when there is
    none; why, when it cannot be read)."""
    try:
        found = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        return f"{path.name}: {error}"
    return found if isinstance(found, dict) else NOT_A_SUMMARY.format(file=path.name)


def province_manifest(
    result: ProvinceResult,
    runs: Sequence[UnitRun],
    unit_written: Sequence[Written | None],
    written: dict[Path, bool],
    run_at: float,
) -> dict[str, Any]:
    """What the province run did: every unit with its status, total, rank, how its
    night ended (``result``: clean, partial, failed, missing; ``detail``), its own
    run record, and the province files with their hashes."""
    rows = {row["code"]: row for row in result.units.iter_rows(named=True)}
    units = []
    for run, unit in zip(runs, unit_written, strict=True):
        row = rows[run.unit.code]
        units.append(
            {
                "code": run.unit.code,
                "name": run.unit.name,
                **status.unit_outcome(run).as_record(),
                "group": run.unit.group,
                "status": row["status"],
                "total": row["total"],
                "rank": row["rank"],
                "note": run.note,
                "manifest": str(unit.manifest) if unit is not None else None,
                "changed": [str(p) for p in unit.changed] if unit is not None else [],
            }
        )
    return {
        "run_at": local_iso(run_at),
        "year": result.year,
        "units": units,
        "missing_units": list(result.missing_units),
        "unusable_units": list(result.unusable_units),
        "outputs": [
            {"file": str(path), "sha256": file_digest(path), "changed": changed}
            for path, changed in written.items()
        ],
    }


def run_province(
    inputs: Path,
    outputs: Path,
    year: int | None = None,
    *,
    now: float,
    settle_seconds: float = 0.0,
) -> tuple[ProvinceResult, list[UnitRun], ProvinceWritten]:
    """The whole province run in this process, unit after unit (no Prefect)."""
    plan = plan_province(inputs, year)
    runs = [run_unit(plan, job, now, settle_seconds) for job in plan.jobs]
    result = rank_province(plan, runs)
    unit_written: list[Written | None] = []
    try:
        for run in runs:
            unit_written.append(
                publish_unit(run, unit_standing(result, run.unit.code), outputs, now)
            )
        written = publish_province(result, runs, unit_written, outputs, now)
    except ParindexError as error:
        raise published_before_failure(error, plan.year, runs, unit_written) from error
    return result, runs, written

"""A province night's true record: ``outputs/<year>/TRANG-THAI.txt`` and the
records of runs that failed, crashed or were refused, beside the province's own
run records (``outputs/<year>/runs/province-<UTC>-<pid>.json``).

The unit's machinery (``parindex.run_record``) does the work: each unit's verdict
(clean, errors, missing departments), the failure record's shape, the last
completed run, the page's atomic write. This module only adds what is the
province's: the units sorted into clean, partial, failed and not submitted, and a
page that lists them. Nothing here imports Prefect.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex import run_record as record
from parindex.province.units import UnitRun
from parindex.publish import manifest, write_bytes_atomic
from parindex.timefmt import local_iso

# How a unit's night ended, in the province's page, manifest and outcome.
CLEAN, PARTIAL, FAILED, MISSING = "clean", "partial", "failed", "missing"
OUTCOMES = (CLEAN, PARTIAL, FAILED, MISSING)
RECORD_PREFIX = "province-"


@dataclass(frozen=True)
class UnitOutcome:
    """One unit's night: ``outcome`` (one of ``OUTCOMES``) and in a few words why
    (its own run's headline, or why it could not be consolidated);
    ``provisional`` when its figures are ``tạm tính`` (said beside a clean unit,
    whose list would otherwise read as final figures)."""

    code: str
    name: str
    outcome: str
    detail: str | None
    provisional: bool = False

    def __post_init__(self) -> None:
        if self.detail is not None:  # one line on the page (an error may hold several)
            object.__setattr__(self, "detail", " ".join(self.detail.split()))

    def as_record(self) -> dict[str, Any]:
        return {
            "result": self.outcome,
            "detail": self.detail,
            "provisional": self.provisional,
        }


def unit_outcome(run: UnitRun) -> UnitOutcome:
    """``failed`` (no criteria set, a folder that stopped the unit), ``missing``
    (no drop folder, no file sent, or only files waiting), else the unit run's own
    verdict: ``clean`` when it is (no error, every department submitted),
    ``partial`` otherwise (a unit whose every file was set aside among them: it
    did submit, and its files are to be mended)."""
    unit = run.unit
    if run.failed:
        return UnitOutcome(unit.code, unit.name, FAILED, run.note)
    if run.result is None or not (run.submitted or run.unusable):
        return UnitOutcome(unit.code, unit.name, MISSING, run.note)
    found = record.verdict(run.result)
    return UnitOutcome(
        unit.code,
        unit.name,
        CLEAN if found.clean else PARTIAL,
        found.headline,
        provisional=run.status == "provisional",
    )


@dataclass(frozen=True)
class ProvinceVerdict:
    """Every unit's outcome, in register order."""

    units: tuple[UnitOutcome, ...]
    own_problems: int = 0
    """How many problems the province's own files have (``province_problems``:
    its register, its ``don-vi.toml``, a folder of ``units/`` no one is
    registered for): every unit clean is then no clean night."""

    def of(self, outcome: str) -> list[UnitOutcome]:
        return [unit for unit in self.units if unit.outcome == outcome]

    @property
    def clean(self) -> bool:
        return not self.own_problems and all(
            unit.outcome == CLEAN for unit in self.units
        )

    @property
    def label(self) -> str:
        """The result in a few words (also the Prefect state name)."""
        parts = [
            messages.PROVINCE_RUN_PARTS[kind]
            for kind in (FAILED, PARTIAL, MISSING)
            if self.of(kind)
        ]
        if self.own_problems:
            parts.append(messages.PROVINCE_RUN_OWN_PROBLEMS)
        return ", ".join([messages.RUN_CLEAN, *parts])

    @property
    def headline(self) -> str:
        """One line: the label and the counts."""
        counts = messages.PROVINCE_RUN_COUNTS.format(
            units=len(self.units), **{kind: len(self.of(kind)) for kind in OUTCOMES}
        )
        return f"{self.label.upper()}: {counts}"


def province_verdict(
    runs: Sequence[UnitRun], own_problems: Sequence[object] = ()
) -> ProvinceVerdict:
    """How each unit of a completed province run ended, and how many problems
    the province's own files have (``province_problems``)."""
    return ProvinceVerdict(tuple(unit_outcome(run) for run in runs), len(own_problems))


def record_path(folder: Path, run_at: float) -> Path:
    """``<folder>/runs/province-<UTC start>-<pid>.json``: a province run's record,
    completed or not (one name pattern, so that the records sort in the order
    written: ``manifest.record_stamp``)."""
    runs = folder / record.RUNS_FOLDER
    return (
        runs
        / f"{RECORD_PREFIX}{manifest.record_stamp(runs, run_at)}-{os.getpid()}.json"
    )


def _year_folder(outputs: Path, year: int | None) -> Path:
    return outputs / str(year) if year is not None else outputs


def _unit_lines(
    units: Sequence[UnitOutcome] | Sequence[dict[str, Any]], then: bool = False
) -> list[str]:
    """The units by outcome, each list headed with its count."""
    rows = [
        asdict(unit) if isinstance(unit, UnitOutcome) else dict(unit) for unit in units
    ]
    lines = []
    for kind in OUTCOMES:
        listed = [row for row in rows if row.get("outcome") == kind]
        title = messages.PROVINCE_STATUS_LISTS[kind]
        if then:
            title += f", {messages.PROVINCE_STATUS_UNITS_THEN}"
        lines.append(f"{title} ({len(listed)}/{len(rows)}):")
        lines += [
            f"  - {row['code']}: {row['name']}"
            + (f" ({row['detail']})" if row.get("detail") and kind != CLEAN else "")
            + (
                f" ({messages.PROVINCE_UNIT_PROVISIONAL})"
                if kind == CLEAN and row.get("provisional")
                else ""
            )
            for row in listed
        ] or ["  (không có)"]
    return lines


def status_text_completed(
    *,
    year: int,
    run_at: float,
    flow_run: str | None,
    found: ProvinceVerdict,
    manifest_name: str,
    repaired: Sequence[str] = (),
    unregistered: Sequence[str] = (),
    changes: Sequence[str] = (),
    said: Sequence[str] = (),
) -> str:
    """The province's ``TRANG-THAI.txt`` after a run that completed (``repaired``:
    the runs that failed or crashed since the last complete one; ``unregistered``:
    the outputs folders of units no longer in the register, ``units_unregistered``;
    ``changes``: what moved since the last night, ``province.changes``; ``said``:
    the problems of the province's own files, ``province_said``)."""
    lines = [
        messages.PROVINCE_STATUS_TITLE.format(year=year),
        messages.STATUS_REWRITTEN,
        "",
        f"Lần chạy gần nhất: {record.when_text(local_iso(run_at))}",
        f"Kết quả: {found.headline}",
        f"Lần chạy Prefect: {flow_run or '—'}",
        f"Biên bản lần chạy: {manifest_name}",
        "",
        messages.PROVINCE_STATUS_FILES.format(manifest=manifest_name, year=year),
        "",
        *_unit_lines(found.units),
    ]
    if unregistered:
        lines.append(
            messages.PROVINCE_UNITS_UNREGISTERED.format(count=len(unregistered))
        )
        lines += [f"  - {folder}" for folder in unregistered]
    if said:
        lines += ["", messages.PROVINCE_OWN_PROBLEMS, *(f"  - {p}" for p in said)]
    if repaired:
        lines += ["", "Đã phát hiện và ghi nhận:", *(f"  - {r}" for r in repaired)]
    if changes:
        lines += ["", messages.PROVINCE_CHANGES_TITLE, *(f"  - {c}" for c in changes)]
    return "\n".join(lines).rstrip() + "\n"


def status_text_failed(
    *,
    year: int | None,
    document: dict[str, Any],
    last: tuple[Path, dict[str, Any]] | None,
    manifest_name: str,
    ahead: Sequence[str] = (),
) -> str:
    """The province's ``TRANG-THAI.txt`` after a run that failed, crashed or was
    refused: what went wrong, its record, and which complete run the files come
    from, with that run's units; ``ahead``: the units whose own outputs were
    written after it (``units_ahead``), which the province's files do not count."""
    lines = record.failed_head(
        messages.PROVINCE_STATUS_TITLE.format(year=year if year is not None else "?"),
        document,
        manifest_name,
    )
    if last is None:
        lines.append(messages.STATUS_NO_COMPLETE_RUN)
    else:
        path, completed = last
        lines.append(
            messages.PROVINCE_STATUS_FILES_FROM.format(
                when=record.when_text(completed.get("run_at")),
                manifest=f"{record.RUNS_FOLDER}/{path.name}",
            )
        )
        if ahead:
            lines.append(
                messages.PROVINCE_UNITS_AHEAD.format(
                    count=len(ahead), units=units_listed(ahead, year)
                )
            )
        units = [
            {
                "code": unit.get("code"),
                "name": unit.get("name") or unit.get("code"),
                "outcome": unit.get("result"),
                "detail": unit.get("detail"),
                "provisional": unit.get("provisional"),
            }
            for unit in completed.get("units") or []
            if isinstance(unit, dict)
        ]
        if units and all(unit["outcome"] in OUTCOMES for unit in units):
            lines += ["", *_unit_lines(units, then=True)]
    return "\n".join(lines).rstrip() + "\n"


UNIT_OUTPUTS = "units"  # outputs/units/<code>/<year>/


def units_unregistered(
    outputs: Path, year: int, registered: Sequence[str]
) -> list[str]:
    """The folders ``units/<code>/<year>`` of the outputs whose unit is no longer
    in the register (``registered``: its codes): kept as that unit's last run
    left them, neither updated nor ranked."""
    known = {code.casefold() for code in registered}
    try:
        folders = sorted((outputs / UNIT_OUTPUTS).iterdir())
    except OSError:  # none yet, or not listed: nothing to say of them
        return []
    return [
        f"{UNIT_OUTPUTS}/{folder.name}/{year}"
        for folder in folders
        if folder.name.casefold() not in known and (folder / str(year)).is_dir()
    ]


def units_listed(codes: Sequence[str], year: int | None) -> str:
    """Units named with their own outputs folder: ``PT (units/PT/2023), …``."""
    return ", ".join(f"{code} ({UNIT_OUTPUTS}/{code}/{year})" for code in codes)


def units_ahead(
    outputs: Path, year: int | None, last: tuple[Path, dict[str, Any]] | None
) -> list[str]:
    """The units whose own outputs are not those the province's last complete
    run (``last``) counted: the outputs (file and sha256) of their latest
    complete run differ from those of the run it names for them, written by a
    later night that did not complete the province's files. Told by the
    records, not by their clocks."""
    if last is None or year is None:
        return []
    ahead = []
    for unit in last[1].get("units") or []:
        if not isinstance(unit, dict) or not unit.get("code"):
            continue
        code = str(unit["code"])
        runs = outputs / UNIT_OUTPUTS / code / str(year) / record.RUNS_FOLDER
        records = record.read_records(runs)  # once: the latest and the one named
        completed = [
            doc for _, doc in records if record.state_of(doc) == record.COMPLETED
        ]
        if not completed:
            continue
        named = Path(str(unit.get("manifest"))).name  # in this folder: by its name
        counted = next((doc for path, doc in records if path.name == named), None)
        if counted is None or _outputs_of(counted) != _outputs_of(completed[-1]):
            ahead.append(code)
    return ahead


def _outputs_of(document: dict[str, Any]) -> set[tuple[str, str]]:
    """The (file, sha256) of the outputs a unit's run record lists."""
    return {
        (str(output.get("file")), str(output.get("sha256")))
        for output in document.get("outputs") or []
        if isinstance(output, dict)
    }


def _by_time(path: Path) -> str:
    return path.name.removeprefix(RECORD_PREFIX)


def province_records(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every readable record of the province's ``runs`` folder, oldest first: its
    own (``province-<UTC>-<pid>.json``) and those the unit's machinery writes
    there (``<UTC>-<pid>.json``: a crashed run found by the sweep), by time."""
    return sorted(record.read_records(folder), key=lambda item: _by_time(item[0]))


def _last_completed(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest completed province run's record."""
    completed = [
        (path, document)
        for path, document in province_records(folder)
        if path.name.startswith(RECORD_PREFIX)
        and record.state_of(document) == record.COMPLETED
    ]
    return completed[-1] if completed else None


def since_last_complete(outputs: Path, year: int) -> list[str]:
    """Province runs that failed or crashed since the last completed one (recorded
    by their own process or by the sweep): the first run that completes again
    says so, as a unit run does."""
    lines = []
    folder = record.record_folder(outputs, year)
    for path, document in reversed(province_records(folder)):
        state = record.state_of(document)
        if state == record.COMPLETED:
            break
        lines.append(record.since_line(path.name, document))
    return list(reversed(lines))


def record_failure(
    outputs: Path,
    document: dict[str, Any],
    now: float,
    *,
    recorded: Callable[[Path], object] | None = None,
) -> Path:
    """Write a failed, crashed or refused province run's ``document``
    (``run_record.failure_record``'s shape) as ``runs/province-<UTC>-<pid>.json``
    and rewrite the province's ``TRANG-THAI.txt`` naming it; ``recorded(path)``
    is called once the record is written, before the page (which may fail: the
    run's marker must go all the same). Raises ``OSError`` or
    ``OutputsNotWritable`` when the outputs folder cannot be written."""
    year = document.get("year")
    folder = _year_folder(outputs, year)
    last = _last_completed(folder / record.RUNS_FOLDER)
    ahead = units_ahead(outputs, year, last)

    def write() -> Path:
        path = record_path(folder, now)
        write_bytes_atomic(path, manifest.manifest_bytes(document))
        return path

    return record.record_then_page(
        outputs,
        year,
        write,
        lambda name: status_text_failed(
            year=year, document=document, last=last, manifest_name=name, ahead=ahead
        ),
        recorded=recorded,
    )


def record_refused_night(
    outputs: Path,
    year: int | None,
    *,
    error: str,
    exit_code: int,
    now: float,
    state: str = record.FAILED,
) -> Path:
    """A province night refused before its flow started (as
    ``run_record.record_refused_night`` for a unit): its record and the page."""
    document = record.failure_record(
        year=year,
        state=state,
        error=error,
        flow_run_id=None,
        flow_run_name=None,
        run_at=now,
    )
    document["before_start"] = True
    document["exit_code"] = exit_code
    return record_failure(outputs, document, now)


def record_lost_run(outputs: Path, year: int, *, error: str, now: float) -> Path:
    """The province run of ``year`` this process started could not go on or could
    not report how it ended (its Prefect server was lost): recorded as failed,
    once (Prefect's failure hook, in this process, may have recorded it
    already), and the page rewritten. Returns the run's record."""
    folder = _year_folder(outputs, year)
    markers = record.markers_of_process(outputs, year)
    marker = markers[-1] if markers else {}
    flow_run_id = marker.get("flow_run_id")
    mine = f"-{os.getpid()}.json"  # a record's name ends with its writer's pid
    recorded = [
        (path, document)
        for path, document in record.read_records(folder / record.RUNS_FOLDER)
        if record.state_of(document) != record.COMPLETED
        and (
            (path.name.startswith(RECORD_PREFIX) and path.name.endswith(mine))
            or (flow_run_id is not None and document.get("flow_run_id") == flow_run_id)
        )
    ]
    if not recorded:
        document = record.failure_record(
            year=year,
            state=record.FAILED,
            error=error,
            flow_run_id=flow_run_id,
            flow_run_name=marker.get("flow_run_name"),
            run_at=now,
            started_at=marker.get("started_at"),
        )
        path = record_failure(outputs, record.unsettled_by_this_process(document), now)
    else:
        path, document = recorded[-1]
        marked = record.unsettled_by_this_process(document)
        if marked is not document:
            write_bytes_atomic(path, manifest.manifest_bytes(marked))
            document = marked
    # its end is recorded: the next night's sweep must not record it again as killed
    for each in markers:
        Path(each["marker"]).unlink(missing_ok=True)
    if not recorded:
        return path
    last = _last_completed(folder / record.RUNS_FOLDER)
    text = status_text_failed(
        year=year,
        document=document,
        last=last,
        manifest_name=f"{record.RUNS_FOLDER}/{path.name}",
        ahead=units_ahead(outputs, year, last),
    )
    record.write_status(outputs, year, text)
    return path


def province_problems(problems: pl.DataFrame) -> list[dict[str, str | None]]:
    """The problems of the province's own files (its register, its
    ``don-vi.toml``, a folder of ``units/`` no one is registered for), not a
    unit's (those have their unit): severity, file and message."""
    return (
        problems.filter(pl.col("department").is_null())
        .select("severity", "file", "message")
        .to_dicts()
    )


def province_said(problems: Sequence[dict[str, str | None]]) -> list[str]:
    """``province_problems`` as the page's lines: ``“don-vi.toml”: …``."""
    return [
        f"“{p['file']}”: {p['message']}" if p["file"] else str(p["message"])
        for p in problems
    ]

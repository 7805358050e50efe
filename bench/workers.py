"""The measured work of the benchmark, one variant per process.

``bench/run.py`` starts this script in a fresh interpreter for every measurement, so
that imports, caches and memory never leak from one variant into the next. The
script times only its work (after its imports) and prints one JSON line as its last
line of output: ``{"work_s": …, "files": …, …}``; the parent adds the process wall
time and the peak resident memory.

Variants:

``floor``      open each file's zip, read (inflate) its first sheet's XML and the shared
               strings: what any reader must at least do;
``calamine``   ``CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()``;
``fastexcel``  ``fastexcel.read_excel(p).load_sheet(0, header_row=None, dtypes="string")``;
``naive``      ``pandas.read_excel(p, engine="openpyxl", header=None)`` per file, then
               one ``pandas.concat``;
``pipeline``   the stages of ``parindex.pipeline`` without Prefect, for every unit and
               year of a case, writing into ``--outputs``; with a time per stage;
``pipeline-rerun`` the same, timed on a run over outputs already written from the
               same inputs (a night with nothing new); when ``--outputs`` holds no
               run yet, a first run is made untimed;
``pipeline-changed`` the same, after writing a new version of one department's
               newest file (``generate.write_changed_version``, ``--case`` names the
               case) into the inputs: a night where one file changed;
``flow``       the Prefect flow (``flows.consolidate.consolidate_flow``) called in this
               process for every unit and year (the province case: one ephemeral
               server for all the runs);
``trivial-flow`` one empty Prefect flow run: the ephemeral start-up;
``departments`` every department workbook of the case rendered in each of
               ``--ways`` (``serial``, ``threads-N``, ``processes-N``): ms per
               workbook on one core and on N.

Usage::

    python bench/workers.py floor --files-list bench/data/n100/files.txt
    python bench/workers.py pipeline --units UNITS.json --outputs /tmp/out \\
        [--profile pipeline.pstats]
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import functools
import io
import json
import os
import resource
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
PIPELINES = ("pipeline", "pipeline-rerun", "pipeline-changed")
NIGHTS = ("pipeline-rerun", "pipeline-changed")

REPO = Path(__file__).resolve().parent.parent


def _files(files_list: Path) -> list[Path]:
    return [
        Path(line)
        for line in files_list.read_text(encoding="utf-8").splitlines()
        if line
    ]


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The zip path of the first sheet, from ``xl/workbook.xml`` and its rels."""
    import re

    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    first = re.search(r"<sheet [^>]*r:id=\"([^\"]+)\"", workbook)
    if first is None:
        return "xl/worksheets/sheet1.xml"
    target = re.search(
        rf"<Relationship [^>]*Id=\"{re.escape(first.group(1))}\"[^>]*Target=\"([^\"]+)\"",
        rels,
    ) or re.search(
        rf"<Relationship [^>]*Target=\"([^\"]+)\"[^>]*Id=\"{re.escape(first.group(1))}\"",
        rels,
    )
    if target is None:
        return "xl/worksheets/sheet1.xml"
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def floor(files: list[Path]) -> dict[str, Any]:
    """Read the first sheet's XML and the shared strings of every file."""
    total = 0
    for path in files:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            total += len(archive.read(_first_sheet_part(archive)))
            if "xl/sharedStrings.xml" in names:
                total += len(archive.read("xl/sharedStrings.xml"))
    return {"xml_bytes": total}


def calamine(files: list[Path]) -> dict[str, Any]:
    """The raw read with python-calamine, every cell as a Python value."""
    from python_calamine import CalamineWorkbook

    rows = 0
    for path in files:
        rows += len(
            CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        )
    return {"rows": rows}


def checked(files: list[Path]) -> dict[str, Any]:
    """What every file goes through before parindex looks at its forms, in one
    process: read once, hashed, the safety pass (zip entries and sizes, each
    sheet inflated and parsed by expat, its used area), then python-calamine's
    read of every sheet, every cell as a Python value. The floor of parindex's
    reading, as the SPEC's checks make it; what is above it is the form's logic
    (header, department line, rows, facts) and the parent's work."""
    from parindex.ingest.discover import sha256
    from parindex.ingest.safety import inspect_container, read_capped
    from parindex.workbook import iter_sheets, open_workbook

    rows = 0
    for path in files:
        content = read_capped(path)
        sha256(content)
        inspect_container(content)
        for sheet in iter_sheets(open_workbook(content), hidden=True):
            rows += len(sheet.cells)
    return {"rows": rows}


def fastexcel_read(files: list[Path]) -> dict[str, Any]:
    """The raw read with fastexcel, every cell as a string (Arrow)."""
    import fastexcel

    rows = 0
    for path in files:
        sheet = fastexcel.read_excel(str(path)).load_sheet(
            0, header_row=None, dtypes="string"
        )
        rows += sheet.height
    return {"rows": rows}


def naive(files: list[Path]) -> dict[str, Any]:
    """pandas + openpyxl, file by file, then one concat."""
    import pandas as pd

    frames = []
    for path in files:
        frame = pd.read_excel(path, engine="openpyxl", header=None)
        frame["file"] = path.name
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    return {"rows": len(combined)}


class StageTimer:
    """Accumulates the time spent in functions wrapped with ``wrap``."""

    def __init__(self) -> None:
        """Start with nothing timed."""
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.peak_mb: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a block under ``name``; say on stderr when it starts and ends, so a
        run stopped half-way still tells how far it got."""
        start = time.perf_counter()
        print(f"[{time.strftime('%H:%M:%S')}] {name} …", file=sys.stderr, flush=True)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self._add(name, elapsed)
            print(f"  {name}: {elapsed:.2f} s", file=sys.stderr, flush=True)

    def _add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1
        # this process' peak resident set when the stage ended: where memory grows
        self.peak_mb[name] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )

    def wrap(self, module: Any, attribute: str, name: str) -> None:
        """Replace ``module.attribute`` with a timed version (same behaviour)."""
        original = getattr(module, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(name, time.perf_counter() - start)

        setattr(module, attribute, timed)

    def wrap_eager(self, module: Any, attribute: str, name: str) -> None:
        """Like ``wrap`` for a generator function: the timed version runs it to the
        end and returns a list (its callers in the pipeline consume it whole)."""
        original = getattr(module, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> list[Any]:
            start = time.perf_counter()
            try:
                return list(original(*args, **kwargs))
            finally:
                self._add(name, time.perf_counter() - start)

        setattr(module, attribute, timed)

    def report(self) -> dict[str, dict[str, float]]:
        """``{name: {"s": seconds, "calls": n, "peak_mb": MB}}``."""
        return {
            name: {
                "s": round(seconds, 4),
                "calls": self.calls[name],
                "peak_mb": self.peak_mb[name],
            }
            for name, seconds in self.seconds.items()
        }


# (module, attribute) of the inner steps to time, where the stages look them up
# (``Class.method`` for a method). Only what runs in the benchmark's own process
# can be timed: the readers run in a forked child (``parindex.ingest.isolate``),
# so reading is timed from the parent's side (``read_fetched``: the child's work
# and the round trip). The code moves: a name that is not there is skipped, one
# never called is left out of the report, and both are listed in it.
INSTRUMENTED: tuple[tuple[str, str], ...] = (
    ("parindex.ingest.collect", "discover"),
    ("parindex.ingest.collect", "read_batch"),
    ("parindex.ingest.collect", "fetch_submission"),
    ("parindex.ingest.collect", "sha256"),
    # an entry per file: written by the reader children from the p-read session
    # (then not timed here), none since session 26 (the checked year keeps
    # every read): kept for measuring older versions, listed as not found
    ("parindex.ingest.cache", "ReadCache.get"),
    ("parindex.ingest.cache", "ReadCache.put"),
    ("parindex.ingest.cache", "ReadCache.store"),
    ("parindex.ingest.collect", "read_fetched_rows"),
    ("parindex.ingest.collect", "read_fetched"),
    ("parindex.ingest.read", "read_fetched"),
    ("parindex.ingest.collect", "RowsBuilder.add"),
    ("parindex.ingest.collect", "RowsBuilder.frame"),
    ("parindex.ingest.collect", "collect_year"),
    ("parindex.ingest.collect", "validate_rows"),
    ("parindex.pipeline", "consolidate_year"),
    ("parindex.pipeline", "compare"),
    ("parindex.pipeline", "analyse"),
    ("parindex.publish.outputs", "archive_all"),
    ("parindex.publish.outputs", "department_keys"),
    ("parindex.publish.outputs", "render_scorecard"),
    ("parindex.publish.outputs", "render_summary"),
    ("parindex.publish.outputs", "summary_bytes"),
    ("parindex.publish.outputs", "write_summary"),
    ("parindex.publish.outputs", "render_report"),
    ("parindex.publish.outputs", "write_markdown_summary"),
    ("parindex.publish.outputs", "render_department_chunk"),
    ("parindex.publish.outputs", "render_department"),
    ("parindex.publish.outputs", "describe_changes"),
    ("parindex.publish.outputs", "run_manifest"),
    # the rest of publishing, which a night with one file changed pays in full
    ("parindex.publish.outputs", "summary"),
    ("parindex.publish.outputs", "read_json"),
    ("parindex.publish.outputs", "render_key"),
    ("parindex.publish.outputs", "check_targets"),
    ("parindex.publish.outputs", "known_targets"),
    ("parindex.publish.outputs", "last_run"),
    ("parindex.publish.outputs", "departments_to_render"),
    ("parindex.publish.outputs", "rows_set_aside"),
    ("parindex.publish.outputs", "ReportParts.open"),
    ("parindex.publish.outputs", "SummaryPieces.open"),
    ("parindex.publish.outputs", "_move_set"),
)
# generator functions whose callers consume them whole: timed run to the end
INSTRUMENTED_GENERATORS: tuple[tuple[str, str], ...] = ()


def _instrument(timer: StageTimer) -> list[str]:
    """Time the inner steps the stages call, through the names they look up.

    Returns the ``module.attribute`` names that were not found.
    """
    import importlib

    missing = []
    for group, wrap in (
        (INSTRUMENTED, timer.wrap),
        (INSTRUMENTED_GENERATORS, timer.wrap_eager),
    ):
        for module_name, attribute in group:
            owner: Any = importlib.import_module(module_name)
            short = module_name.removeprefix("parindex.")
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            if owner is not None and hasattr(owner, name):
                wrap(owner, name, f"{short}.{attribute}")
            else:
                missing.append(f"{short}.{attribute}")
    return missing


def read_cache(outputs: Path, criteria_set: Any, year: int) -> dict[str, Any]:
    """``{"cache": ReadCache}`` when this version of parindex has the parse cache."""
    try:
        from parindex.ingest.cache import ReadCache
    except ImportError:
        return {}
    return {"cache": ReadCache.for_year(outputs, criteria_set, year)}


def load_criteria(pipeline: Any, inputs: Path, year: int, outputs: Path) -> Any:
    """``pipeline.load_criteria``, kept in ``outputs`` when this version of
    parindex keeps the criteria set between nights."""
    import inspect

    if "outputs" in inspect.signature(pipeline.load_criteria).parameters:
        return pipeline.load_criteria(inputs, year, outputs)
    return pipeline.load_criteria(inputs, year)


def pipeline_run(units: list[dict[str, Any]], outputs: Path) -> dict[str, Any]:
    """The pure pipeline (no Prefect) for every unit and year, stage by stage."""
    from parindex import pipeline
    from parindex.ingest.collect import ingest_year
    from parindex.problems import concat_problems

    try:
        from parindex import night
    except ImportError:  # an older parindex
        night = None  # type: ignore[assignment]
    timer = StageTimer()
    missing = _instrument(timer)
    freeze = getattr(night, "tune_collector", None) or getattr(
        night, "freeze_imported_objects", None
    )
    if freeze is not None:  # as the flows start a night
        freeze()
    totals = []
    files = outputs_changed = 0
    for u, unit in enumerate(units):
        inputs = Path(unit["inputs"]).resolve()
        target = outputs / f"unit-{u:03d}"
        for year in unit["years"]:
            print_ = None
            if night is not None:  # as flows/consolidate.py starts a run
                with timer.stage("nothing_new_check"):
                    print_ = night.fingerprint(inputs, year, time.time(), 0.0)
                    repeated = night.repeat_last_run(target, year, print_, time.time())
                if repeated is not None:
                    totals.append(round(repeated.document["figures"]["total"], 2))
                    files += len(repeated.document["inputs"])
                    continue
            with timer.stage("load_criteria"):
                # as flows/consolidate.py reads it: kept in outputs between nights
                criteria_set = load_criteria(pipeline, inputs, year, target)
            with timer.stage("load_history"):
                history, history_problems = pipeline.load_history(inputs)
            with timer.stage("ingest_year"):
                # as flows/consolidate.py reads: through the parse cache in outputs
                cache = read_cache(target, criteria_set, year)
                ingested = ingest_year(inputs, year, criteria_set, time.time(), **cache)
            with timer.stage("consolidate_previous"):
                previous = pipeline.previous_year(
                    inputs, year, time.time(), *([target] if cache else [])
                )
            with timer.stage("build_result"):
                result = pipeline.build_result(
                    criteria_set,
                    ingested,
                    previous.result,
                    history,
                    concat_problems([history_problems, previous.problems]),
                )
            with timer.stage("publish_outputs"):
                # as flows/consolidate.py's ``publish`` task calls it
                written = pipeline.publish_outputs(
                    result,
                    ingested,
                    inputs,
                    target,
                    run_at=time.time(),
                    **({"fingerprint": print_} if print_ else {}),
                )
            totals.append(round(result.current.total, 2))
            files += ingested.submissions.height
            outputs_changed += len(written.changed)
    stages = timer.report()
    return {
        "runs": len(totals),
        "files_seen": files,
        "outputs_changed": outputs_changed,
        "departments_rendered": departments_rendered(stages),
        "totals": totals[:5],
        "stages": stages,
        "not_instrumented": missing,
        "never_called": [
            f"{m.removeprefix('parindex.')}.{a}"
            for m, a in INSTRUMENTED
            if f"{m.removeprefix('parindex.')}.{a}" not in stages
            and f"{m.removeprefix('parindex.')}.{a}" not in missing
        ],
    }


def departments_rendered(stages: dict[str, dict[str, float]]) -> int:
    """How many department workbooks were rendered (calls of
    ``render_department``)."""
    return int(stages.get("publish.outputs.render_department", {}).get("calls", 0))


def _warm(_: int) -> int:
    """Import the renderer in a pool's worker (before the timing starts)."""
    import parindex.publish.outputs  # noqa: F401

    return os.getpid()


def departments_render(
    units: list[dict[str, Any]], outputs: Path, ways: list[str]
) -> dict[str, Any]:
    """Every department workbook of the first unit's last year, rendered through
    ``write_department_workbooks`` in each way of ``ways``: ``serial`` (the
    builtin ``map``: one core, what the thread runner gives too), ``threads-N``
    (N threads: the thread runner's way; XlsxWriter is pure Python) and
    ``processes-N`` (N spawned worker processes, started before the timing: the
    process runner's way). The result is built first, untimed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from parindex import pipeline
    from parindex.publish import outputs as publish

    unit = units[0]
    inputs, year = Path(unit["inputs"]).resolve(), unit["years"][-1]
    criteria_set = pipeline.load_criteria(inputs, year)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, year, criteria_set, time.time())
    result = pipeline.build_result(
        criteria_set, ingested, None, history, history_problems
    )
    codes = result.current.departments["code"].to_list()
    created = publish.creation_time(ingested)
    found: dict[str, Any] = {"departments": len(codes)}
    for way in ways:
        kind, _, count = way.partition("-")
        workers = int(count or 1)
        jobs = [(c, outputs / way / f"{c}-{year}.xlsx", created) for c in codes]
        pool: Any = None
        if kind == "threads":
            pool = ThreadPoolExecutor(max_workers=workers)
        elif kind == "processes":
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            list(pool.map(_warm, range(workers)))
        elif kind != "serial":
            raise ValueError(f"unknown way {way!r}")
        # chunks as the flow cuts them, never fewer than two per worker
        size = min(publish.DEPARTMENTS_PER_CHUNK, -(-len(codes) // (2 * workers)))
        wall, cpu = time.perf_counter(), time.process_time()
        publish.write_department_workbooks(
            result,
            jobs,
            map_chunks=pool.map if pool is not None else map,
            chunk_size=max(1, size),
        )
        wall = time.perf_counter() - wall
        if pool is not None:
            pool.shutdown()
        cpu = time.process_time() - cpu
        found[way] = {
            "s": round(wall, 4),
            "ms_per_workbook": round(wall / max(1, len(codes)) * 1000, 2),
            # this process' CPU (a pool's workers count once reaped, start-up
            # included: left out)
            "cpu_ms_per_workbook_here": round(cpu / max(1, len(codes)) * 1000, 2),
            "chunk_size": size,
        }
        print(f"  {way}: {found[way]}", file=sys.stderr, flush=True)
    return found


@contextlib.contextmanager
def prefect_settings() -> Iterator[None]:
    """The settings ``parindex run`` uses: quiet, offline, no heartbeat."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def flow_run(units: list[dict[str, Any]], outputs: Path) -> dict[str, Any]:
    """The Prefect flow, in this process, for every unit and year."""
    with prefect_settings():
        from flows.consolidate import consolidate_flow

        first: float | None = None
        runs = 0
        for u, unit in enumerate(units):
            for year in unit["years"]:
                start = time.perf_counter()
                consolidate_flow(
                    inputs=unit["inputs"],
                    outputs=str(outputs / f"unit-{u:03d}"),
                    year=year,
                )
                if first is None:
                    first = time.perf_counter() - start
                runs += 1
    return {"runs": runs, "first_run_s": round(first or 0.0, 4)}


def trivial_flow() -> dict[str, Any]:
    """One empty flow run: Prefect's start-up (ephemeral server or API client)."""
    with prefect_settings():
        from prefect import flow

        @flow(name="parindex-bench-trivial")
        def nothing() -> int:
            return 1

        nothing()
    return {}


def main(argv: list[str] | None = None) -> int:
    """Run one variant and print its JSON line."""
    parser = argparse.ArgumentParser(description="One benchmark variant.")
    parser.add_argument(
        "variant",
        choices=(
            "floor",
            "calamine",
            "checked",
            "fastexcel",
            "naive",
            "pipeline",
            "pipeline-rerun",
            "pipeline-changed",
            "flow",
            "trivial-flow",
            "departments",
        ),
    )
    parser.add_argument("--case", help="the case's name (pipeline-changed)")
    parser.add_argument("--files-list", type=Path)
    parser.add_argument("--units", type=Path, help="JSON list of {inputs, years}")
    parser.add_argument("--outputs", type=Path)
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    parser.add_argument(
        "--ways",
        default="serial,threads-2,processes-2",
        help="departments: how to render (serial, threads-N, processes-N)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    # a process stopped from outside prints where it was
    faulthandler.register(signal.SIGTERM, chain=True)

    readers: dict[str, Callable[[list[Path]], dict[str, Any]]] = {
        "floor": floor,
        "calamine": calamine,
        "checked": checked,
        "fastexcel": fastexcel_read,
        "naive": naive,
    }
    files: list[Path] = []
    units: list[dict[str, Any]] = []
    if args.variant in readers:
        files = _files(args.files_list)
    elif args.variant in (*PIPELINES, "flow", "departments"):
        units = json.loads(args.units.read_text(encoding="utf-8"))
    # imports outside the timed work, as far as they can be
    if args.variant in (*PIPELINES, "departments"):
        import parindex.pipeline  # noqa: F401
    elif args.variant == "calamine":
        import python_calamine  # noqa: F401
    elif args.variant == "checked":
        import parindex.ingest.discover  # noqa: F401
        import parindex.ingest.safety  # noqa: F401
        import parindex.workbook  # noqa: F401
    elif args.variant == "fastexcel":
        import fastexcel  # noqa: F401
    elif args.variant == "naive":
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401

    if args.variant in NIGHTS and not any(args.outputs.glob("*/*/runs/*.json")):
        # the night before: the same folder already consolidated into --outputs
        with contextlib.redirect_stderr(io.StringIO()):
            pipeline_run(units, args.outputs)
    if args.variant == "pipeline-changed":
        sys.path.insert(0, str(REPO / "bench"))
        from generate import write_changed_version

        for unit in units:
            write_changed_version(
                args.case, Path(unit["inputs"]), seed=f"changed-{time.time_ns()}"
            )
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    if args.variant in readers:
        extra = readers[args.variant](files)
    elif args.variant in PIPELINES:
        extra = pipeline_run(units, args.outputs)
    elif args.variant == "flow":
        extra = flow_run(units, args.outputs)
    elif args.variant == "departments":
        extra = departments_render(units, args.outputs, args.ways.split(","))
    else:
        extra = trivial_flow()
    work = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "work_s": round(work, 4),
                "files": len(files),
                "self_peak_rss_mb": round(peak_mb, 1),
                **extra,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

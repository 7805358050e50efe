"""Benchmark parindex against the floor, the raw reader and a naive baseline.

For each layout (``n``: one department per file; ``r``: 6 departments, many versions
each, newest wins) and each case of it (``n6``/``r6`` — the base whose cost is
subtracted —, then ``--sizes``), and the province case, every variant runs ``--repeat`` times, each time in a fresh process
(``bench/workers.py`` or the ``parindex`` command), and the median is kept:

* ``floor``      open each file's zip, inflate its sheet XML and shared strings;
* ``calamine``   the raw read with python-calamine (parindex's reader);
* ``checked``    what every file goes through before parindex looks at its forms,
                 in one process: read, sha256, the safety pass (each sheet
                 inflated and parsed by expat), python-calamine's read (the floor
                 that parindex's checks put under the reading);
* ``fastexcel``  the raw read with fastexcel (only when it is installed);
* ``pipeline``   ``parindex.pipeline``'s stages without Prefect, writing the outputs;
* ``pipeline-rerun`` the same over its own outputs again (a night with nothing new);
* ``pipeline-changed`` the same after one department's newest file was replaced by a
                 new version (a night where one file changed);
* ``run``        ``parindex run`` end to end through the command line, Prefect's
                 ephemeral API server included (province case: the flow called in
                 one process for every unit and year, ``flow``);
* ``naive``      pandas.read_excel (openpyxl) file by file, then one concat.

Times: ``work`` is measured inside the process after its imports (readers, pipeline),
``wall`` is the whole process (``parindex run``). Peak memory is the peak resident
set of the process, or of the largest process it waited for (``wait4``), in MB.

It prints markdown tables, the fixed costs (process start, imports, Prefect start-up,
``parindex check FILE``) and the ratios of issue 6, and writes everything as JSON to
``bench/results/<date>-<host>.json``.

Usage::

    python bench/run.py                      # 10,100,1000,5000 and the province
    python bench/run.py --sizes 10,100 --repeat 3 --skip-naive
    python bench/run.py --sizes 3 --no-prefect --skip-naive --data-dir /tmp/d \\
        --results-dir /tmp/r                 # what the test runs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from generate import (  # noqa: E402
    BASE_SIZE,
    DEFAULT_DATA_DIR,
    CaseInfo,
    ensure_case,
)

WORKERS = BENCH_DIR / "workers.py"
DEFAULT_RESULTS_DIR = BENCH_DIR / "results"
RESULT_SCHEMA_VERSION = 1
SIZES = (100, 1000, 5000)  # issue 13's sizes (and the base, 6)
RATIO_SIZE = 1000  # the marginal cost: run(1000) - run(6)
FLAT_FROM = 100  # time per file must be flat from 100 files ...
MEMORY_LIMIT_MB = 1024.0  # ... and peak memory at the largest size under 1 GB
LIBRARIES = (
    "polars",
    "python-calamine",
    "fastexcel",
    "pandas",
    "openpyxl",
    "xlsxwriter",
    "pandera",
    "prefect",
)
VARIANT_LABELS = {
    "floor": "floor (zip + XML)",
    "calamine": "calamine raw read",
    "checked": "checks + calamine (one process)",
    "fastexcel": "fastexcel raw read",
    "pipeline": "pipeline, no Prefect",
    "pipeline-rerun": "pipeline again, nothing new",
    "pipeline-changed": "pipeline again, one file changed",
    "run": "`parindex run` (wall)",
    "run-process": "`parindex run --runner process`",
    "run-dask": "`parindex run --runner dask`",
    "flow": "Prefect flow, one process",
    "departments": "department workbooks (own table)",
    "naive": "naive pandas+openpyxl",
}


@dataclass
class Measurement:
    """One process: wall time, peak memory, and what it printed as JSON."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    report: dict[str, Any]
    error: str | None = None


GNU_TIME = Path("/usr/bin/time")


def _gnu_time() -> bool:
    """Whether ``/usr/bin/time`` is GNU time (it knows ``-f %M``)."""
    if not GNU_TIME.is_file():
        return False
    probe = subprocess.run(
        [str(GNU_TIME), "-f", "%M", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


USE_GNU_TIME = _gnu_time()


def measure(command: list[str], env: dict[str, str], cwd: Path = REPO) -> Measurement:
    """Run ``command`` in a fresh process; its wall time and peak RSS.

    The peak is the largest resident set of the process and of the processes it
    waited for (not their sum: worker processes running side by side, such as the
    pipeline's department-workbook pool, are not added up). It is taken by ``/usr/bin/time`` when that is GNU
    time: a process forked straight from this one would start with this process'
    own resident set as its high-water mark (Linux keeps it across ``exec``), which
    would put a floor of ~40 MB under every figure. Without it, ``wait4``'s figure
    is used, floor included.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
    ):
        wrapped = (
            [str(GNU_TIME), "-f", "%M", "-o", rss.name, *command]
            if USE_GNU_TIME
            else command
        )
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        peak_kb = float(usage.ru_maxrss)
        notes = ""
        if USE_GNU_TIME:
            lines = rss.read().splitlines()
            figures = [line for line in lines if line.strip().isdigit()]
            if figures:
                peak_kb = float(figures[-1])
            # "Command terminated by signal 9" and the like
            notes = "\n".join(line for line in lines if not line.strip().isdigit())
    report: dict[str, Any] = {}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if lines:
        try:
            report = json.loads(lines[-1])
        except ValueError:
            report = {}
    error = None
    if process.returncode != 0:
        status_text = (
            f"killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"exit status {process.returncode}"
        )
        error = f"{status_text}: {notes} {(stderr or stdout)[-2000:]}".strip()
    return Measurement(
        wall_s=wall,
        peak_rss_mb=peak_kb / 1024,
        returncode=process.returncode,
        report=report,
        error=error,
    )


def summarise(runs: list[Measurement]) -> dict[str, Any]:
    """Median wall and work time, peak memory over the runs."""
    ok = [r for r in runs if r.returncode == 0 or r.report]
    if not ok:
        failed: dict[str, Any] = {
            "error": runs[-1].error if runs else "not run",
            "runs": len(runs),
        }
        if runs:
            # how far it got: a run stopped from outside still used time and memory
            failed["failed_after_s"] = round(runs[-1].wall_s, 1)
            failed["peak_rss_mb"] = round(runs[-1].peak_rss_mb, 1)
        return failed
    works = [r.report["work_s"] for r in ok if "work_s" in r.report]
    summary: dict[str, Any] = {
        "wall_s": round(statistics.median(r.wall_s for r in ok), 4),
        "work_s": round(statistics.median(works), 4) if works else None,
        "peak_rss_mb": round(max(r.peak_rss_mb for r in ok), 1),
        "runs": len(runs),
        "all_wall_s": [round(r.wall_s, 4) for r in runs],
        "returncodes": [r.returncode for r in runs],
    }
    if works:
        summary["all_work_s"] = [round(w, 4) for w in works]
    extra = {
        k: v
        for k, v in ok[-1].report.items()
        if k not in {"work_s", "files", "self_peak_rss_mb"}
    }
    if extra:
        summary["report"] = extra
    errors = [r.error for r in runs if r.error]
    if errors:
        summary["error"] = errors[-1]
    return summary


def seconds(summary: dict[str, Any] | None) -> float | None:
    """The figure a variant is judged by: its work time, else its wall time."""
    if not summary or "error" in summary and "wall_s" not in summary:
        return None
    value = summary.get("work_s")
    return value if value is not None else summary.get("wall_s")


# --- the machine ---------------------------------------------------------------------


def describe_machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "libraries": versions,
    }


def machine_line(machine: dict[str, Any]) -> str:
    """One line for the README: what the figures were measured on."""
    libraries = ", ".join(
        f"{name} {version}" for name, version in machine["libraries"].items() if version
    )
    return (
        f"{machine['cpu']}, {machine['usable_cores']} cores, {machine['ram_gb']} GB "
        f"RAM, {machine['os']}, Python {machine['python']}; {libraries}"
    )


# --- running -------------------------------------------------------------------------


@dataclass
class Settings:
    """What the command line asked for."""

    repeat: int
    repeat_max_files: int
    run_max: int
    runners: list[str]
    variants: list[str]
    skip_naive: bool
    naive_max: int
    prefect: bool
    api_url: str | None
    data_dir: Path
    fastexcel: bool
    pandas: bool
    bytecode_cache: bool
    department_ways: list[str] = field(default_factory=list)


def child_env(settings: Settings, prefect_home: Path | None = None) -> dict[str, str]:
    """The environment of every measured process."""
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    if settings.bytecode_cache:
        # as on a user's machine: modules compiled once, then loaded from .pyc
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), env.get("PYTHONPATH", "")) if p
    )
    if settings.api_url:
        env["PREFECT_API_URL"] = settings.api_url
    else:
        env["PREFECT_HOME"] = str(prefect_home or settings.data_dir / "prefect-home")
    return env


def parindex_command() -> list[str]:
    """How to start the ``parindex`` command with this interpreter."""
    script = Path(sys.executable).with_name("parindex")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from parindex.cli import main; main()"]


def repeat_measure(
    command: list[str],
    env: dict[str, str],
    times: int,
    fresh_outputs: Path | None,
    keep: bool = False,
) -> dict[str, Any]:
    """Measure ``command`` ``times`` times; ``fresh_outputs`` is emptied before each
    (and after the last, unless ``keep``)."""
    runs = []
    for _ in range(times):
        if fresh_outputs is not None:
            shutil.rmtree(fresh_outputs, ignore_errors=True)
            fresh_outputs.mkdir(parents=True, exist_ok=True)
        runs.append(measure(command, env))
    if fresh_outputs is not None and not keep:
        shutil.rmtree(fresh_outputs, ignore_errors=True)
    return summarise(runs)


def has_module(name: str) -> bool:
    """Whether the benchmark's interpreter can import ``name``."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, check=False
    )
    return result.returncode == 0


def run_case(case: CaseInfo, settings: Settings, log: Any) -> dict[str, Any]:
    """Every variant of one case."""
    env = child_env(settings)
    (settings.data_dir / "tmp").mkdir(parents=True, exist_ok=True)
    # one scratch folder per invocation: two benchmarks may run side by side
    scratch = Path(
        tempfile.mkdtemp(prefix=f"{case.name}-", dir=settings.data_dir / "tmp")
    )
    units_path = case.root / "units.json"
    units_path.write_text(json.dumps(case.units), encoding="utf-8")
    # the pipeline variants work on a copy of the inputs (modification times kept):
    # the "one file changed" night writes a new version of a file into it
    copied_units = []
    for u, unit in enumerate(case.units):
        copy = scratch / "inputs" / f"unit-{u:03d}"
        shutil.copytree(unit["inputs"], copy, copy_function=shutil.copy2)
        copied_units.append({**unit, "inputs": str(copy)})
    pipeline_units = scratch / "units.json"
    pipeline_units.write_text(json.dumps(copied_units), encoding="utf-8")
    files_list = ["--files-list", str(case.files_list)]
    province = len(case.units) > 1 or len(case.units[0]["years"]) > 1
    plan: list[tuple[str, list[str], Path | None]] = [
        ("floor", [sys.executable, str(WORKERS), "floor", *files_list], None),
        ("calamine", [sys.executable, str(WORKERS), "calamine", *files_list], None),
        ("checked", [sys.executable, str(WORKERS), "checked", *files_list], None),
    ]
    if settings.fastexcel:
        plan.append(
            (
                "fastexcel",
                [sys.executable, str(WORKERS), "fastexcel", *files_list],
                None,
            )
        )
    # a cold run into empty outputs, then the two kinds of night over what it wrote
    # (its parse cache included), each in a fresh process
    for name in ("pipeline", "pipeline-rerun", "pipeline-changed"):
        plan.append(
            (
                name,
                [
                    sys.executable,
                    str(WORKERS),
                    name,
                    "--units",
                    str(pipeline_units),
                    "--outputs",
                    str(scratch / "pipeline"),
                    "--case",
                    case.name,
                ],
                scratch / "pipeline" if name == "pipeline" else None,
            )
        )
    if settings.prefect and province:
        plan.append(
            (
                "flow",
                [
                    sys.executable,
                    str(WORKERS),
                    "flow",
                    "--units",
                    str(units_path),
                    "--outputs",
                    str(scratch / "flow"),
                ],
                scratch / "flow",
            )
        )
    elif settings.prefect and case.files <= settings.run_max:
        unit = case.units[0]
        for spec in settings.runners:
            runner, _, workers = spec.partition(":")
            name = "run" if spec == "thread" else f"run-{runner}"
            name += f"-{workers}" if workers else ""
            plan.append(
                (
                    name,
                    [
                        *parindex_command(),
                        "run",
                        "--inputs",
                        unit["inputs"],
                        "--outputs",
                        str(scratch / name),
                        "--year",
                        str(unit["years"][-1]),
                        "--quiet",
                        "--runner",
                        runner,
                        *(["--workers", workers] if workers else []),
                    ],
                    scratch / name,
                )
            )
    if settings.department_ways and not province:
        plan.append(
            (
                "departments",
                [
                    sys.executable,
                    str(WORKERS),
                    "departments",
                    "--units",
                    str(units_path),
                    "--outputs",
                    str(scratch / "departments"),
                    "--ways",
                    ",".join(settings.department_ways),
                ],
                scratch / "departments",
            )
        )
    if settings.pandas and not settings.skip_naive and case.files <= settings.naive_max:
        plan.append(
            ("naive", [sys.executable, str(WORKERS), "naive", *files_list], None)
        )
    if settings.variants:
        plan = [step for step in plan if step[0] in settings.variants]
    variants: dict[str, Any] = {}
    times = settings.repeat if case.files <= settings.repeat_max_files else 1
    for name, command, outputs in plan:
        log(f"  {case.name}: {name} ×{times} …")
        summary = repeat_measure(command, env, times, outputs, keep=True)
        t = seconds(summary)
        if t is not None:
            summary["ms_per_file"] = round(t / max(case.files, 1) * 1000, 3)
        variants[name] = summary
        shown = f"{t:.3f} s" if t is not None else f"failed: {summary.get('error')}"
        log(f"    {shown}, {summary.get('peak_rss_mb', '?')} MB")
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "case": case.name,
        "files": case.files,
        "departments": case.departments,
        "rows": case.rows,
        "leaf_rows": case.leaf_rows,
        "bytes": case.bytes,
        "criteria_nodes": case.criteria_nodes,
        "criteria_leaves": case.criteria_leaves,
        "units": len(case.units),
        "years": sorted({y for u in case.units for y in u["years"]}),
        "generation_s": case.seconds,
        "variants": variants,
    }


HIDE_PANDAS = (
    "import sys\n"
    "class Hide:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.partition('.')[0] == 'pandas':\n"
    "            raise ModuleNotFoundError(f\"No module named '{name}'\", name=name)\n"
    "sys.meta_path.insert(0, Hide())\n"
    "from parindex.cli import main\n"
)


def fixed_costs(
    settings: Settings, check_case: CaseInfo, log: Any
) -> dict[str, float | None]:
    """Process start, imports, Prefect start-up and ``parindex check FILE``."""
    env = child_env(settings)
    times = max(3, settings.repeat)

    def wall(command: list[str]) -> float:
        return float(
            repeat_measure(command, env, times, None).get("wall_s", float("nan"))
        )

    log("  fixed costs …")
    python = [sys.executable, "-c"]
    # compile every module once, so that imports are timed as a user sees them
    measure([*python, "import parindex.cli, parindex.pipeline"], env)
    if settings.prefect:
        measure([*python, "import flows.consolidate"], env)
    start = wall([*python, "pass"])
    pipeline_import = wall([*python, "import parindex.pipeline"])
    cli_import = wall([*python, "import parindex.cli"])
    first_file = check_case.files_list.read_text(encoding="utf-8").splitlines()[0]
    check_args = ["check", first_file, "--inputs", check_case.units[0]["inputs"]]
    check = repeat_measure([*parindex_command(), *check_args], env, times, None)
    # pandas is in the benchmark's environment only for the naive baseline;
    # pandera imports it whenever it is installed (about 1 s). parindex does not
    # depend on it: measure `check` as users run it, with pandas out of reach.
    check_without_pandas = repeat_measure(
        [*python, HIDE_PANDAS + f"sys.argv = ['parindex', *{check_args!r}]; main()"],
        env,
        times,
        None,
    )
    costs: dict[str, float | None] = {
        "process_start_s": round(start, 4),
        "import_pipeline_s": round(pipeline_import - start, 4),
        "import_cli_s": round(cli_import - start, 4),
        "check_file_wall_s": check_without_pandas.get("wall_s"),
        "check_file_with_pandas_installed_wall_s": check.get("wall_s"),
        "check_file_peak_rss_mb": check.get("peak_rss_mb"),
    }
    if settings.prefect:
        flows_import = wall([*python, "import flows.consolidate"])
        costs["import_prefect_s"] = round(flows_import - pipeline_import, 4)
        trivial = [sys.executable, str(WORKERS), "trivial-flow"]
        measure(trivial, env)  # warm-up: creates the Prefect home's database
        costs["prefect_startup_s"] = seconds(repeat_measure(trivial, env, times, None))
        if not settings.api_url:
            with tempfile.TemporaryDirectory() as home:
                fresh = measure(trivial, child_env(settings, Path(home)))
            costs["prefect_startup_fresh_home_s"] = fresh.report.get("work_s")
    return costs


# --- figures -------------------------------------------------------------------------


def _case(results: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((c for c in results if c["case"] == name), None)


def _variant(case: dict[str, Any] | None, name: str) -> float | None:
    if case is None:
        return None
    return seconds(case["variants"].get(name))


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 3)


def _stage(case: dict[str, Any] | None, stage: str) -> float | None:
    """A pipeline stage's seconds in a case (``workers.py pipeline`` reports them)."""
    if case is None:
        return None
    summary = case["variants"].get("pipeline") or {}
    found = summary.get("report", {}).get("stages", {}).get(stage)
    return float(found["s"]) if found else None


def ratios(results: list[dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    """The issue's ratios, flatness and memory, each with its goal."""
    target = RATIO_SIZE if RATIO_SIZE in sizes else max(sizes)
    base = _case(results, f"n{BASE_SIZE}")
    big = _case(results, f"n{target}")
    figures: dict[str, Any] = {"target_files": target, "base_files": BASE_SIZE}
    for variant in ("run", "run-process", "run-dask", "pipeline", "pipeline-rerun"):
        at_target, at_base = _variant(big, variant), _variant(base, variant)
        marginal = (
            round(at_target - at_base, 4)
            if at_target is not None and at_base is not None and target > BASE_SIZE
            else None
        )
        figures[f"marginal_{variant.replace('-', '_')}_s"] = marginal
    # the pipeline's own split: reading the files vs writing what the SPEC asks for
    # per department (one workbook each, one scorecard sheet each, report lines)
    for stage in ("ingest_year", "build_result", "publish_outputs"):
        at_target, at_base = _stage(big, stage), _stage(base, stage)
        figures[f"marginal_{stage}_s"] = (
            round(at_target - at_base, 4)
            if at_target is not None and at_base is not None
            else None
        )
    raw = _variant(big, "calamine")
    raw_fastexcel = _variant(big, "fastexcel")
    naive = _variant(big, "naive")
    marginal = figures["marginal_run_s"]
    if marginal is None:
        marginal = figures["marginal_pipeline_s"]
        figures["marginal_from"] = "pipeline"
    else:
        figures["marginal_from"] = "run"
    figures.update(
        {
            "raw_read_calamine_s": raw,
            "raw_read_fastexcel_s": raw_fastexcel,
            "naive_s": naive,
            "marginal_over_raw_read": _ratio(marginal, raw),
            "marginal_over_raw_read_fastexcel": _ratio(marginal, raw_fastexcel),
            "marginal_pipeline_over_raw_read": _ratio(
                figures["marginal_pipeline_s"], raw
            ),
            "naive_over_marginal": _ratio(naive, marginal),
            "marginal_rerun_over_raw_read": _ratio(
                figures["marginal_pipeline_rerun_s"], raw
            ),
            "naive_over_marginal_rerun": _ratio(
                naive, figures["marginal_pipeline_rerun_s"]
            ),
            "marginal_ingest_over_raw_read": _ratio(
                figures["marginal_ingest_year_s"], raw
            ),
            "naive_over_marginal_ingest": _ratio(
                naive, figures["marginal_ingest_year_s"]
            ),
            "goal_marginal_over_raw_read_max": 3.0,
            "goal_naive_over_marginal_min": 10.0,
        }
    )
    # flatness: time per file at FLAT_FROM files and at the largest size
    largest = max(sizes)
    flat: dict[str, Any] = {"from_files": FLAT_FROM, "to_files": largest}
    small, large = _case(results, f"n{FLAT_FROM}"), _case(results, f"n{largest}")
    for variant in ("pipeline", "run", "calamine"):
        values: list[float | None] = []
        for case in (small, large):
            t, t0 = _variant(case, variant), _variant(base, variant)
            if case is None or t is None:
                values.append(None)
                continue
            if variant in {"pipeline", "run"} and t0 is not None:
                values.append((t - t0) / (case["files"] - BASE_SIZE) * 1000)
            else:
                values.append(t / case["files"] * 1000)
        flat[f"{variant}_ms_per_file"] = [
            round(v, 3) if v is not None else None for v in values
        ]
        flat[f"{variant}_growth"] = (
            _ratio(values[1], values[0]) if None not in values else None
        )
    for variant in ("pipeline", "run"):
        per_size: dict[str, float | None] = {}
        t0 = _variant(base, variant)
        for case in results:
            t = _variant(case, variant)
            if case["case"] == f"n{BASE_SIZE}" or not case["case"].startswith("n"):
                continue
            per_size[str(case["files"])] = (
                round((t - t0) / (case["files"] - BASE_SIZE) * 1000, 3)
                if t is not None and t0 is not None and case["files"] > BASE_SIZE
                else None
            )
        flat[f"{variant}_marginal_ms_per_file_by_size"] = per_size
    flat["goal_growth_max"] = 1.25
    figures["flatness"] = flat
    memory: dict[str, Any] = {"files": largest, "goal_mb_max": MEMORY_LIMIT_MB}
    if large is not None:
        for variant in ("pipeline", "run"):
            summary = large["variants"].get(variant) or {}
            memory[f"{variant}_peak_rss_mb"] = summary.get("peak_rss_mb")
    figures["memory"] = memory
    return figures


INGEST_TO_RESULT = (
    "load_criteria",
    "load_history",
    "ingest_year",
    "consolidate_previous",
    "build_result",
)


def _stages(
    case: dict[str, Any] | None, variant: str, names: tuple[str, ...]
) -> float | None:
    """The seconds of some pipeline stages, summed, in one variant of a case."""
    if case is None:
        return None
    stages = (case["variants"].get(variant) or {}).get("report", {}).get("stages", {})
    if not all(name in stages for name in names):
        return None
    return float(sum(stages[name]["s"] for name in names))


def _minus(a: float | None, b: float | None) -> float | None:
    return round(a - b, 4) if a is not None and b is not None else None


def goals(
    results: list[dict[str, Any]], layout: str, sizes: list[int]
) -> dict[str, Any]:
    """Issue 13's figures for one layout (``n`` or ``r``), per size, and its goals at
    1000 files: reading, checking and consolidating (everything before rendering),
    marginal over the base case, ≤ 3 × the raw fastexcel read and ≥ 10 × faster
    than the naive loop; a night with nothing new ≤ 0.5 s beyond start-up; a night
    with one file changed ≤ 2 s beyond start-up; < 1 GB at 5000 files."""
    base = _case(results, f"{layout}{BASE_SIZE}")
    per_size: dict[str, Any] = {}
    for size in sorted({BASE_SIZE, *sizes}):
        case = _case(results, f"{layout}{size}")
        if case is None:
            continue
        ingest = _stages(case, "pipeline", INGEST_TO_RESULT)
        render = _stages(case, "pipeline", ("publish_outputs",))
        per_size[str(size)] = {
            "files": case["files"],
            "departments": case["departments"],
            "calamine_s": _variant(case, "calamine"),
            "fastexcel_s": _variant(case, "fastexcel"),
            "checked_s": _variant(case, "checked"),
            "ingest_to_result_s": ingest,
            "ingest_to_result_marginal_s": _minus(
                ingest, _stages(base, "pipeline", INGEST_TO_RESULT)
            ),
            "rendering_s": render,
            "pipeline_s": _variant(case, "pipeline"),
            "nothing_new_s": _variant(case, "pipeline-rerun"),
            "one_changed_s": _variant(case, "pipeline-changed"),
            "one_changed_outputs_written": (
                (case["variants"].get("pipeline-changed") or {})
                .get("report", {})
                .get("outputs_changed")
            ),
            "one_changed_departments_rendered": (
                (case["variants"].get("pipeline-changed") or {})
                .get("report", {})
                .get("departments_rendered")
            ),
            "department_ms_per_workbook": {
                way: found["ms_per_workbook"]
                for way, found in (
                    (case["variants"].get("departments") or {}).get("report") or {}
                ).items()
                if isinstance(found, dict)
            },
            "run_s": _variant(case, "run"),
            "runs_s": {
                name: _variant(case, name)
                for name in case["variants"]
                if name == "run" or name.startswith("run-")
            },
            "naive_s": _variant(case, "naive"),
            "peak_rss_mb": {
                name: summary.get("peak_rss_mb")
                for name, summary in case["variants"].items()
            },
        }
    at = per_size.get(str(RATIO_SIZE)) or (
        per_size[str(max(sizes))] if per_size else {}
    )
    marginal = at.get("ingest_to_result_marginal_s")
    largest = per_size.get(str(max(sizes)), {})
    figures: dict[str, Any] = {
        "layout": layout,
        "base_files": BASE_SIZE,
        "target_files": at.get("files"),
        "by_size": per_size,
        "marginal_ingest_to_result_s": marginal,
        "marginal_over_raw_fastexcel": _ratio(marginal, at.get("fastexcel_s")),
        "marginal_over_raw_calamine": _ratio(marginal, at.get("calamine_s")),
        "naive_over_marginal": _ratio(at.get("naive_s"), marginal),
        # the floor the checks put under the reading, one process, per raw read
        "checked_s": at.get("checked_s"),
        "checked_over_raw_fastexcel": _ratio(
            at.get("checked_s"), at.get("fastexcel_s")
        ),
        "nothing_new_s": at.get("nothing_new_s"),
        "one_changed_s": at.get("one_changed_s"),
        "memory_files": largest.get("files"),
        "memory_pipeline_mb": largest.get("peak_rss_mb", {}).get("pipeline"),
        "memory_run_mb": largest.get("peak_rss_mb", {}).get("run"),
        "goal_marginal_over_raw_fastexcel_max": 3.0,
        "goal_naive_over_marginal_min": 10.0,
        "goal_nothing_new_max_s": 0.5,
        "goal_one_changed_max_s": 2.0,
        "goal_memory_max_mb": MEMORY_LIMIT_MB,
    }
    return figures


def _met(value: float | None, limit: float, at_most: bool = True) -> str:
    if value is None:
        return "not measured"
    return "yes" if (value <= limit if at_most else value >= limit) else "no"


def goals_markdown(figures: dict[str, Any]) -> list[str]:
    """One layout's figures per size and its goals, as markdown."""
    f = figures
    lines = [
        "",
        f"Layout `{f['layout']}` (s; ingest-to-result = criteria, history, reading, "
        "checking, previous year, consolidation; nights timed after imports):",
        "",
        "| files | departments | raw calamine | raw fastexcel | ingest-to-result "
        "| rendering | ms per department workbook (1 core / 2 processes) "
        "| nothing new | one file changed (outputs written, workbooks rendered) "
        "| `parindex run` | naive | peak MB pipeline / run |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]

    def show(value: Any) -> str:
        return "—" if value is None else f"{value:.2f}"

    by_runner: list[str] = []
    for row in f["by_size"].values():
        peaks = row["peak_rss_mb"]
        per = row["department_ms_per_workbook"]
        lines.append(
            f"| {row['files']} | {row['departments']} | {show(row['calamine_s'])} "
            f"| {show(row['fastexcel_s'])} | {show(row['ingest_to_result_s'])} "
            f"| {show(row['rendering_s'])} "
            f"| {show(per.get('serial'))} / {show(per.get('processes-2'))} "
            f"| {show(row['nothing_new_s'])} "
            f"| {show(row['one_changed_s'])} ({row['one_changed_outputs_written']}, "
            f"{row['one_changed_departments_rendered']}) "
            f"| {show(row['run_s'])} | {show(row['naive_s'])} "
            f"| {peaks.get('pipeline', '—')} / {peaks.get('run', '—')} |"
        )
        runs = row["runs_s"]
        if len(runs) > 1:
            by_runner.append(
                f"- {row['files']} files: "
                + ", ".join(
                    f"{label(k)} {show(v)} s ({peaks.get(k, '—')} MB)"
                    for k, v in runs.items()
                )
            )
    if by_runner:
        lines += [
            "",
            "`parindex run` by task runner (wall s, peak MB):",
            "",
            *by_runner,
        ]
    lines += [
        "",
        f"Goals, layout `{f['layout']}`, {f['target_files']} files minus {f['base_files']}:",
        "",
        f"- ingest-to-result marginal {f['marginal_ingest_to_result_s']} s = "
        f"{f['marginal_over_raw_fastexcel']} × raw fastexcel "
        f"({f['marginal_over_raw_calamine']} × calamine); goal ≤ "
        f"{f['goal_marginal_over_raw_fastexcel_max']}: "
        + _met(
            f["marginal_over_raw_fastexcel"], f["goal_marginal_over_raw_fastexcel_max"]
        ),
        f"- under it, the checks' floor (read, sha256, safety pass, calamine; one "
        f"process): {f.get('checked_s')} s = {f.get('checked_over_raw_fastexcel')} "
        "× raw fastexcel",
        f"- naive / ingest-to-result marginal = {f['naive_over_marginal']}; goal ≥ "
        f"{f['goal_naive_over_marginal_min']}: "
        + _met(
            f["naive_over_marginal"], f["goal_naive_over_marginal_min"], at_most=False
        ),
        f"- a night with nothing new: {f['nothing_new_s']} s; goal ≤ "
        f"{f['goal_nothing_new_max_s']}: "
        + _met(f["nothing_new_s"], f["goal_nothing_new_max_s"]),
        f"- a night with one file changed: {f['one_changed_s']} s; goal ≤ "
        f"{f['goal_one_changed_max_s']}: "
        + _met(f["one_changed_s"], f["goal_one_changed_max_s"]),
        f"- peak memory at {f['memory_files']} files: pipeline "
        f"{f['memory_pipeline_mb']} MB, `parindex run` {f['memory_run_mb']} MB; goal < "
        f"{f['goal_memory_max_mb']:.0f}: "
        + _met(
            f["memory_run_mb"]
            if f["memory_run_mb"] is not None
            else f["memory_pipeline_mb"],
            f["goal_memory_max_mb"],
        ),
    ]
    return lines


def label(variant: str) -> str:
    """A variant's column heading (``run-dask-4``: four Dask workers)."""
    if variant in VARIANT_LABELS:
        return VARIANT_LABELS[variant]
    runner, _, workers = variant.removeprefix("run-").partition("-")
    return f"`parindex run --runner {runner} --workers {workers}`"


TOP_STAGES = (
    "nothing_new_check",
    "load_criteria",
    "load_history",
    "ingest_year",
    "consolidate_previous",
    "build_result",
    "publish_outputs",
)


def stage_columns(cases: list[dict[str, Any]]) -> list[str]:
    """The stages measured in some case's cold pipeline: the stages first, then
    the inner steps in the order ``bench/workers.py`` instruments them."""
    found: list[str] = []
    for case in cases:
        report = (case["variants"].get("pipeline") or {}).get("report", {})
        for name in report.get("stages", {}):
            if name not in found:
                found.append(name)
    top = [name for name in TOP_STAGES if name in found]
    return top + [name for name in found if name not in TOP_STAGES]


def _cell(summary: dict[str, Any] | None, files: int) -> str:
    t = seconds(summary)
    if summary is None:
        return "—"
    if t is None:
        after = summary.get("failed_after_s")
        return f"failed after {after:.0f} s" if after is not None else "failed"
    return f"{t:.2f} s ({t / max(files, 1) * 1000:.2f} ms/file)"


def markdown(document: dict[str, Any]) -> str:
    """The tables to paste into the README."""
    cases = document["cases"]
    present = [v for v in VARIANT_LABELS if any(v in c["variants"] for c in cases)]
    present += sorted(
        {v for c in cases for v in c["variants"] if v not in VARIANT_LABELS}
    )
    present = [v for v in present if v != "departments"]  # its own table
    lines = [
        f"Machine: {document['machine_line']}",
        "",
        "| case | files | leaf rows | " + " | ".join(label(v) for v in present) + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in present) + " |",
    ]
    for case in cases:
        cells = [_cell(case["variants"].get(v), case["files"]) for v in present]
        lines.append(
            f"| {case['case']} | {case['files']} | {case['leaf_rows']} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "Peak memory (MB, largest process):",
        "",
        "| case | " + " | ".join(label(v) for v in present) + " |",
        "| --- | " + " | ".join("---:" for _ in present) + " |",
    ]
    for case in cases:
        cells = []
        for v in present:
            summary = case["variants"].get(v)
            cells.append(
                f"{summary['peak_rss_mb']:.0f}"
                if summary and "peak_rss_mb" in summary
                else "—"
            )
        lines.append(f"| {case['case']} | " + " | ".join(cells) + " |")
    stage_names = stage_columns(cases)
    with_stages = [
        case
        for case in cases
        if (case["variants"].get("pipeline") or {}).get("report", {}).get("stages")
    ]
    lines += [
        "",
        "Pipeline stages, cold run (s, calls; in the benchmark's process: the "
        "readers run in a forked child, `read_fetched` is their time seen from the "
        "parent; stages first, then the steps inside them):",
        "",
        "| stage | " + " | ".join(case["case"] for case in with_stages) + " |",
        "| --- | " + " | ".join("---:" for _ in with_stages) + " |",
    ]
    never: set[str] = set()
    for case in with_stages:
        never.update(case["variants"]["pipeline"]["report"].get("not_instrumented", []))
    for stage in stage_names:
        cells = []
        for case in with_stages:
            found = case["variants"]["pipeline"]["report"]["stages"].get(stage)
            cells.append(f"{found['s']:.2f} ({found['calls']})" if found else "—")
        lines.append(f"| `{stage}` | " + " | ".join(cells) + " |")
    if never:
        lines.append(f"\nNot found in this parindex: {', '.join(sorted(never))}")
    lines += departments_markdown(cases)
    fixed = document["fixed"]
    lines += ["", "Fixed costs (s):", ""]
    lines += [f"- {key}: {value}" for key, value in fixed.items()]
    r = document["ratios"]
    lines += [
        "",
        f"Ratios at {r['target_files']} files (marginal = run({r['target_files']}) − "
        f"run({r['base_files']}), from `{r['marginal_from']}`):",
        "",
        f"- marginal cost: {r['marginal_run_s']} s with Prefect, "
        f"{r['marginal_pipeline_s']} s without",
        f"- marginal / raw calamine read: {r['marginal_over_raw_read']} "
        f"(goal ≤ {r['goal_marginal_over_raw_read_max']}); without Prefect "
        f"{r['marginal_pipeline_over_raw_read']}",
        f"- marginal / raw fastexcel read: {r['marginal_over_raw_read_fastexcel']}",
        f"- naive / marginal: {r['naive_over_marginal']} "
        f"(goal ≥ {r['goal_naive_over_marginal_min']})",
        f"- marginal with --runner process: {r.get('marginal_run_process_s')} s, "
        f"--runner dask: {r.get('marginal_run_dask_s')} s",
        f"- pipeline split of the marginal: ingest {r.get('marginal_ingest_year_s')} s"
        f" (/ raw read {r.get('marginal_ingest_over_raw_read')}, naive / ingest "
        f"{r.get('naive_over_marginal_ingest')}), consolidate "
        f"{r.get('marginal_build_result_s')} s, outputs "
        f"{r.get('marginal_publish_outputs_s')} s",
        f"- a night with nothing new (pipeline again over its outputs): marginal "
        f"{r.get('marginal_pipeline_rerun_s')} s (/ raw read "
        f"{r.get('marginal_rerun_over_raw_read')}, naive / it "
        f"{r.get('naive_over_marginal_rerun')})",
    ]
    flat = r["flatness"]
    lines.append(
        f"- time per file {flat['from_files']} → {flat['to_files']} files: pipeline "
        f"{flat['pipeline_ms_per_file']} ms (×{flat['pipeline_growth']}), run "
        f"{flat['run_ms_per_file']} ms (×{flat['run_growth']}) "
        f"(goal ≤ ×{flat['goal_growth_max']})"
    )
    lines.append(
        "- marginal time per file by size (ms): pipeline "
        f"{flat['pipeline_marginal_ms_per_file_by_size']}, run "
        f"{flat['run_marginal_ms_per_file_by_size']}"
    )
    for figures in document.get("goals", {}).values():
        lines += goals_markdown(figures)
    memory = r["memory"]
    lines.append(
        f"- peak memory at {memory['files']} files: pipeline "
        f"{memory.get('pipeline_peak_rss_mb')} MB, run {memory.get('run_peak_rss_mb')}"
        f" MB (goal < {memory['goal_mb_max']:.0f} MB)"
    )
    return "\n".join(lines)


def departments_markdown(cases: list[dict[str, Any]]) -> list[str]:
    """ms per department workbook, per case and way of rendering."""
    rows = []
    ways: list[str] = []
    for case in cases:
        report = (case["variants"].get("departments") or {}).get("report")
        if not report:
            continue
        found = {k: v for k, v in report.items() if isinstance(v, dict)}
        ways += [w for w in found if w not in ways]
        rows.append((case["case"], report.get("departments"), found))
    if not rows:
        return []
    lines = [
        "",
        "Department workbooks, every one of the case (ms per workbook, wall; "
        "`serial` is one core, as the thread runner gives):",
        "",
        "| case | departments | " + " | ".join(ways) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in ways) + " |",
    ]
    for name, count, found in rows:
        cells = [
            f"{found[w]['ms_per_workbook']:.1f}" if w in found else "—" for w in ways
        ]
        lines.append(f"| {name} | {count} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Generate the cases when needed, measure, print, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=None,
        help="comma-separated numbers of submissions (default: 100,1000,5000 "
        "and the province case)",
    )
    parser.add_argument(
        "--province", action="store_true", help="add the province case to --sizes"
    )
    parser.add_argument(
        "--layouts",
        default="n,r",
        help="n: one department per file; r: 6 departments, many versions each "
        "(newest wins); default both",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant")
    parser.add_argument(
        "--repeat-max-files",
        type=int,
        default=10**9,
        help="repeat only the cases with at most this many files (others run once)",
    )
    parser.add_argument(
        "--run-max",
        type=int,
        default=10**9,
        help="run `parindex run` only up to this many files (the pipeline always)",
    )
    parser.add_argument(
        "--runners",
        default="thread",
        help="task runners of `parindex run` to measure: thread,process,dask, each "
        "with an optional worker count (dask:1,dask:4: a local cluster of that "
        "many workers); thread is the `run` variant",
    )
    parser.add_argument(
        "--department-ways",
        default="serial,threads-2,processes-2",
        help="how the `departments` variant renders every department workbook "
        "(serial, threads-N, processes-N); empty: not measured",
    )
    parser.add_argument(
        "--variants",
        default=None,
        help="measure only these variants (comma-separated names, e.g. "
        "calamine,pipeline-rerun)",
    )
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=5000,
        help="run the naive baseline only up to this many files",
    )
    parser.add_argument(
        "--no-prefect",
        action="store_true",
        help="skip `parindex run`, the flow and Prefect's fixed costs",
    )
    parser.add_argument(
        "--api-url",
        default=None,
        help="a running Prefect server's API (else the ephemeral one)",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE from the environment (imports recompile)",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument("--output", type=Path, help="the JSON file (default: dated)")
    parser.add_argument("--jobs", type=int, default=None, help="generator processes")
    args = parser.parse_args(argv)

    if args.sizes is None:
        sizes = list(SIZES)
        province = True
    else:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
        province = args.province
    settings = Settings(
        repeat=max(1, args.repeat),
        repeat_max_files=args.repeat_max_files,
        run_max=args.run_max,
        runners=[r for r in args.runners.split(",") if r],
        variants=[v for v in (args.variants or "").split(",") if v],
        department_ways=[w for w in args.department_ways.split(",") if w],
        skip_naive=args.skip_naive,
        naive_max=args.naive_max,
        prefect=not args.no_prefect,
        api_url=args.api_url,
        data_dir=args.data_dir.resolve(),
        fastexcel=has_module("fastexcel"),
        pandas=has_module("pandas"),
        bytecode_cache=not args.no_bytecode_cache,
    )

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = dt.datetime.now().astimezone()
    load_before = os.getloadavg()
    machine = describe_machine()
    layouts = [layout for layout in args.layouts.split(",") if layout]
    names = [
        name
        for layout in layouts
        for name in (
            f"{layout}{BASE_SIZE}",
            *(f"{layout}{s}" for s in sizes if s != BASE_SIZE),
        )
    ]
    if province:
        names.append("province")
    cases = []
    for name in names:
        log(f"case {name}: generating or reusing …")
        cases.append(ensure_case(name, settings.data_dir, args.jobs))
    fixed = fixed_costs(settings, cases[1] if len(cases) > 1 else cases[0], log)
    results = []
    for case in cases:
        log(f"case {case.name}: {case.files} files")
        results.append(run_case(case, settings, log))
    document: dict[str, Any] = {
        "schema": RESULT_SCHEMA_VERSION,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine,
        "machine_line": machine_line(machine),
        "settings": {
            "sizes": sizes,
            "layouts": layouts,
            "province": province,
            "repeat": settings.repeat,
            "repeat_max_files": settings.repeat_max_files,
            "run_max": settings.run_max,
            "runners": settings.runners,
            "variants": settings.variants,
            "department_ways": settings.department_ways,
            "skip_naive": settings.skip_naive,
            "naive_max": settings.naive_max,
            "prefect": settings.prefect,
            "prefect_api": settings.api_url or "ephemeral",
            "fastexcel": settings.fastexcel,
            "pandas": settings.pandas,
            "bytecode_cache": settings.bytecode_cache,
            "peak_memory_by": "GNU time" if USE_GNU_TIME else "wait4",
        },
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "fixed": fixed,
        "cases": results,
        "ratios": ratios(results, sizes),
        "goals": {layout: goals(results, layout, sizes) for layout in layouts},
        "duration_s": round(
            (dt.datetime.now().astimezone() - started).total_seconds(), 1
        ),
    }
    document["markdown"] = markdown(document)
    print(document["markdown"])
    output = args.output or (
        args.results_dir / f"{started.date().isoformat()}-{machine['host']}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

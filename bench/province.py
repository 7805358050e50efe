"""Benchmark a province run: 120 units × 3 department files × 2 years.

Generates (once, cached) the province folder of ``generate.ensure_province_folder``
and measures, each in a fresh process, wall time and peak memory (``run.measure``:
GNU time's peak resident set, the largest process, workers included) of:

* ``province``        ``parindex.province.run.run_province`` (no Prefect): every unit
                      consolidated with the unit stages (its previous year too),
                      ranked, every output written;
* ``province-rerun``  the same again over its own outputs (a night with nothing new);
* ``run``             ``parindex run --year 2023`` on the folder: the Prefect flow,
                      units mapped through the thread task runner, the ephemeral API
                      server included.

``cpu_s`` (the first two) is the CPU time of the process and its workers, which a
busy machine does not inflate as it does wall time.

Usage::

    python bench/province.py [--units 120] [--files 3] [--skip-run]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from generate import DEFAULT_DATA_DIR, ensure_province_folder  # noqa: E402
from run import (  # noqa: E402
    DEFAULT_RESULTS_DIR,
    Settings,
    child_env,
    describe_machine,
    measure,
    parindex_command,
)

PURE = (
    "import json, resource, time, sys\n"
    "from pathlib import Path\n"
    "from parindex.province.run import run_province\n"
    "start = time.perf_counter()\n"
    "result, runs, written = run_province(Path(sys.argv[1]), Path(sys.argv[2]), 2023,"
    " now=time.time())\n"
    "cpu = sum(getattr(resource.getrusage(who), f) for who in"
    " (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)"
    " for f in ('ru_utime', 'ru_stime'))\n"
    "print(json.dumps({'work_s': time.perf_counter() - start, 'cpu_s': cpu,"
    " 'units': len(runs), 'changed': len(written.changed)}))\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=120)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument("--skip-run", action="store_true", help="no parindex run")
    args = parser.parse_args(argv)
    inputs = ensure_province_folder(args.units, args.files, args.data_dir)
    files = sum(1 for _ in (inputs / "units").rglob("*.xlsx"))
    settings = Settings(
        repeat=1,
        repeat_max_files=0,
        run_max=0,
        runners=["thread"],
        variants=[],
        skip_naive=True,
        naive_max=0,
        prefect=not args.skip_run,
        api_url=None,
        data_dir=args.data_dir,
        fastexcel=False,
        pandas=False,
        bytecode_cache=True,
    )
    env = child_env(settings)
    scratch = Path(tempfile.mkdtemp(prefix="province-", dir=args.data_dir))
    results: dict[str, Any] = {}
    pure = [sys.executable, "-c", PURE, str(inputs), str(scratch / "pure")]
    for name in ("province", "province-rerun"):
        measured = measure(pure, env)
        results[name] = {
            "wall_s": round(measured.wall_s, 2),
            "peak_rss_mb": round(measured.peak_rss_mb, 1),
            "report": measured.report,
            "error": measured.error,
        }
        print(name, results[name], flush=True)
    if not args.skip_run:
        command = [
            *parindex_command(),
            "run",
            "--inputs",
            str(inputs),
            "--outputs",
            str(scratch / "run"),
            "--year",
            "2023",
            "--quiet",
        ]
        # a busy machine starts Prefect's ephemeral API server slowly
        slow = {**env, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600"}
        measured = measure(command, slow)
        results["run"] = {
            "wall_s": round(measured.wall_s, 2),
            "peak_rss_mb": round(measured.peak_rss_mb, 1),
            "error": measured.error,
        }
        print("run", results["run"], flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    document = {
        "date": dt.date.today().isoformat(),
        "machine": describe_machine(),
        "case": {
            "units": args.units,
            "files_per_unit_year": args.files,
            "files": files,
        },
        "results": results,
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    target = args.results_dir / f"{document['date']}-province{args.units}.json"
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

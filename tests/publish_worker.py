"""A separate process that publishes the sample's outputs, for kill and lock tests.

Usage: python -m tests.publish_worker MODE OUTPUTS [SECONDS]
  publish  OUTPUTS          consolidate the sample and publish once
  loop     OUTPUTS          publish again and again (a new creation date each time)
  hold     OUTPUTS SECONDS  hold the outputs lock for SECONDS
  slow     OUTPUTS          rewrite the scorecard through a writer that stops halfway
  die-midway OUTPUTS N INPUTS  publish INPUTS, killed after N outputs were moved
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from parindex import pipeline
from parindex.publish import outputs_lock, write_atomic

INPUTS = Path(__file__).resolve().parent.parent / "inputs"


def publish(
    outputs: Path, created: dt.datetime | None, inputs: Path = INPUTS
) -> pipeline.Written:
    """Consolidate 2023 of ``inputs`` without Prefect and publish it to ``outputs``."""
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    previous = pipeline.consolidate_previous(inputs, 2023, time.time())
    result = pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )
    return pipeline.publish_outputs(
        result, ingested, inputs, outputs, created=created, run_at=time.time()
    )


def die_after_moves(outputs: Path, moves: int, inputs: Path) -> None:
    """Publish ``inputs`` and SIGKILL this process once ``moves`` outputs of the
    year (not the archive, not the manifests, not a staging folder) were renamed
    into place: a run killed in the middle of publishing its set."""
    import os
    import signal

    real = os.replace
    year = (outputs / "2023").resolve()
    done: list[str] = []

    def replace(source: str | Path, target: str | Path) -> None:
        real(source, target)
        path = Path(target).resolve()
        inside = path.parent == year or path.parent == year / "departments"
        output = not path.name.endswith(".json") or path.name.startswith("summary")
        if inside and output:
            done.append(path.name)
        if len(done) >= moves:
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # type: ignore[assignment]
    publish(outputs, None, inputs)


def main() -> None:
    mode, outputs = sys.argv[1], Path(sys.argv[2])
    if mode == "publish":
        publish(outputs, dt.datetime(2024, 1, 1))
    elif mode == "loop":
        second = 0
        while True:
            second += 1
            publish(outputs, dt.datetime(2024, 1, 1) + dt.timedelta(seconds=second))
    elif mode == "hold":
        with outputs_lock(outputs):
            sys.stdout.write("locked\n")
            sys.stdout.flush()
            time.sleep(float(sys.argv[3]))
    elif mode == "die-midway":  # killed after moving N outputs into place
        die_after_moves(outputs, int(sys.argv[3]), Path(sys.argv[4]))
    elif mode == "slow":
        target = outputs / "2023" / "scorecard-2023.xlsx"

        def halfway(path: Path) -> None:
            path.write_bytes(b"PK\x03\x04 half a workbook")
            sys.stdout.write("writing\n")
            sys.stdout.flush()
            time.sleep(60)

        write_atomic(target, halfway)


if __name__ == "__main__":
    main()

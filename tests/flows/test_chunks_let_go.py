"""The department workbooks rendered through the task runner are let go once
written: ``publish`` maps its chunks from inside its own task, and Prefect made
each chunk's task a child of ``publish``'s transaction, which kept the child's
result (the chunk's workbook bytes) until ``publish`` ended: ≈ 75 MiB at the end
of a 5000-department night (issue 13, memory)."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.transactions import get_transaction

from flows.consolidate import map_through_runner


def _render(chunk: int) -> list[bytes]:
    return [bytes([chunk]) * 100_000]


@task(cache_policy=NO_CACHE)
def consume(chunks: list[int]) -> tuple[list[int], int]:
    """Like ``publish``: map the chunks from inside a task, write each as it
    comes; then how many chunk results its transaction still holds."""
    seen = [contents[0][0] for contents in map_through_runner(_render, chunks)]
    held = get_transaction()
    kept = 0
    if held is not None:
        for child in held.children:
            staged = getattr(child._staged_value, "result", child._staged_value)  # noqa: SLF001
            kept += isinstance(staged, list)
    return seen, kept


@flow
def night() -> tuple[list[int], int]:
    return consume(list(range(12)))


def test_chunks_mapped_from_a_task_are_not_kept_by_its_transaction(
    prefect_harness: None,
) -> None:
    assert night() == (list(range(12)), 0)

"""The Markdown summary of a run: ``summary-<year>.md`` and the Prefect artifact.

It opens with the run's figures (total, status, change, rank, groups), then carries
the text of the draft report (``parindex.render.report``: the headline, the years,
the components sentence and table, one paragraph per component, and the points lost
by department), and ends with the files read and the problems found.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.analysis import AnalysedResult
from parindex.criteria import GROUP_LABELS
from parindex.problems import doubted_in_use, newer_waiting, who_submitted
from parindex.render.document import Parts, markdown_pieces, report_body
from parindex.render.prose import STATUS_WORDS, headline_change, headline_figure
from parindex.text import format_vn


def _coverage(result: AnalysedResult) -> list[str]:
    """Who submitted, who has not yet, whose submission is not known (a folder
    that could not be read may hold it), who submitted only a file that could
    not be used and who waits for a file left for the next run, by department name (``split_submitted``, as ``run_record.verdict``)."""
    pairs, named, used_files, found = who_submitted(
        result.current.criteria_set.departments, result.submissions, result.problems
    )
    doubted = doubted_in_use(pairs, named, used_files)
    every = len(pairs)
    sent = ", ".join(name for _, name in found.submitted) or "chưa có"
    absent = ", ".join(name for _, name in found.missing) or "không còn đơn vị nào"
    lines = [
        f"- Đã nộp ({len(found.submitted)}/{every}): {sent}",
        f"- Chưa nộp ({len(found.missing)}): {absent}",
    ]
    for label, listed in (
        (messages.MARKDOWN_UNKNOWN, found.unknown),  # a folder not read may hold them
        (messages.MARKDOWN_UNUSABLE, found.unusable),
        (messages.MARKDOWN_WAITING, found.waiting),
        (messages.MARKDOWN_NEWER, newer_waiting(pairs, named)),
        (messages.MARKDOWN_DOUBTED, doubted),
    ):
        if listed:
            names = ", ".join(name for _, name in listed)
            lines.append(f"- {label} ({len(listed)}): {names}")
    return lines


def markdown_summary(result: AnalysedResult, parts: Parts | None = None) -> str:
    """Headline figures, the report's text, files and problem counts, in Vietnamese.

    ``parts``: what an earlier night rendered from the same data
    (``parindex.render.fragments``), taken from there."""
    return "".join(summary_pieces(result, parts))


def write_markdown_summary(
    path: Path, result: AnalysedResult, parts: Parts | None = None
) -> None:
    """``markdown_summary(result, parts)`` written to ``path`` as UTF-8, piece by
    piece (the same bytes; a large unit's text is never held whole)."""
    with path.open("wb") as out:
        for piece in summary_pieces(result, parts):
            out.write(piece.encode("utf-8"))


def summary_pieces(result: AnalysedResult, parts: Parts | None = None) -> Iterator[str]:
    """:func:`markdown_summary` in pieces: the head, each block of the report's
    text, the files and problems."""
    current = result.current
    scored, leaves = current.coverage
    headline = result.analysis.headline
    lines = [
        f"# Chỉ số CCHC năm {current.year}",
        "",
        f"- Bộ chỉ số: {current.criteria_set.name}",
        f"- Tổng điểm: **{headline_figure(headline)}** "
        f"({STATUS_WORDS[current.status]}; đã chấm {scored}/{leaves} tiêu chí)",
    ]
    change = headline_change(headline)
    if change:
        lines.append(f"- {change[:1].upper()}{change[1:]}")
    if result.rank is not None:
        position, units = result.rank
        lines.append(
            f"- Xếp hạng: {position}/{units}" if units else f"- Xếp hạng: {position}"
        )
    lines += ["", "| Nhóm điểm | Điểm |", "| --- | ---: |"]
    scored_groups = current.groups_scored  # the others have no figure (README)
    lines += [
        f"| {GROUP_LABELS[k]} | "
        f"{format_vn(v) if k in scored_groups else 'chưa có điểm'} |"
        for k, v in current.groups.items()
    ]
    statuses = dict(result.submissions.group_by("status").len().iter_rows())
    errors = result.problems.filter(pl.col("severity") == "error").height
    warnings = result.problems.height - errors
    footer = [
        f"- Tệp: {result.submissions.height} "
        f"(dùng {statuses.get('used', 0)}, bị thay thế {statuses.get('superseded', 0)}, "
        f"bị loại {statuses.get('rejected', 0)}, bỏ qua {statuses.get('ignored', 0)}, "
        f"chờ {statuses.get('pending', 0)}"
        + (
            f", tài liệu kèm theo {statuses['attachment']})"
            if statuses.get("attachment")
            else ")"
        ),
        *_coverage(result),
        f"- Vấn đề: {errors} lỗi, {warnings} cảnh báo",
    ]
    yield "\n".join(lines) + "\n\n"
    yield from markdown_pieces(report_body(result, parts=parts))
    yield "\n## Tệp và vấn đề\n\n" + "\n".join(footer) + "\n"

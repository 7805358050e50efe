"""Ingest one year's drop folder: every file accounted for, good rows validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest import checked
from parindex.ingest.cache import ReadCache
from parindex.ingest.discover import DroppedFile, discover, sha256
from parindex.ingest.forms import departments_in_line
from parindex.ingest.normalise import FileRows, RowsBuilder
from parindex.ingest.places import UnitPlace, registered_place, unit_place_in
from parindex.ingest.read import (
    ReadJob,
    SubmissionRead,
    fetch_submission,
    read_fetched_rows,
)
from parindex.ingest.safety import MAX_FILE_BYTES, read_capped
from parindex.ingest.savetime import saved_at
from parindex.ingest.validate import validate_rows
from parindex.ingest.winners import (
    choose_files,
    disagreement_problem,
    disagreement_warning,
    holds_several_forms,
    named_department,
    only_department_in,
)
from parindex.problems import (
    concat_problems,
    fields_pattern,
    problem,
    problems_frame,
)
from parindex.timefmt import local_iso

SUBMISSION_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sha256": pl.String(),
    "size": pl.Int64(),
    "modified": pl.String(),
    "department": pl.String(),
    "status": pl.String(),
    "rows_read": pl.Int64(),
    "rows_used": pl.Int64(),
    "note": pl.String(),
}


@dataclass(frozen=True)
class Ingested:
    """What a drop folder gave: every file with its status, the rows in use, problems.

    ``rows`` holds the valid leaf rows of the files in use, joined with the
    criteria set's maximum (``normalise.ROW_SCHEMA`` plus ``max``).
    """

    year: int
    submissions: pl.DataFrame
    rows: pl.DataFrame
    problems: pl.DataFrame
    paths: dict[str, Path]
    contents: dict[str, bytes] = field(default_factory=dict)
    """The bytes of every file read, by sha256 (what the archive keeps)."""
    mtimes: dict[str, float] = field(default_factory=dict)
    """Each file's modification time when it was read (else when listed)."""
    other_years: list[dict[str, Any]] = field(default_factory=list)
    """Every form found stating another year than the folder's: ``file``,
    ``set_aside`` (the file was set aside whole: no form of the folder's year
    was read), and ``year``, ``sheet``, ``cell``,
    ``department`` (``forms.FormsFound.other_years``)."""


BATCH_FILES = 100  # files read by one task of the flow (one Prefect task per batch)
READ_CHUNK_FILES = 500
"""Files ``ingest_year`` reads at once: each chunk's rows become a frame before
the next chunk is read, so the read stage never holds every file's rows as
Python objects at once (memory stays flat with the number of files), while a
chunk is still large enough to keep every core busy."""


@dataclass
class ReadBatch:
    """What reading a batch of files gave: one ``SubmissionRead`` per file (without
    its sheet) and the rows of the readable ones as one frame. Small and picklable:
    a batch may be read in another process or on another machine."""

    reads: list[SubmissionRead]
    rows: pl.DataFrame
    contents: dict[str, bytes] = field(default_factory=dict)
    """The bytes read, by sha256: the very bytes hashed, parsed and archived."""
    keys: dict[str, str] = field(default_factory=dict)
    """The parse-cache key of each file whose read is a function of it (read
    whole, or served from a cache), by name: what ``collect_year`` keeps."""
    kept: checked.KeptChecks | None = None
    """The files served from the checked year (``parindex.ingest.checked``):
    their rows are not in ``rows`` but here, already validated."""


def attachment_content(entry: DroppedFile) -> bytes | None:
    """The bytes of an attachment (read once, to hash and archive them), None for
    anything else or an attachment too large or gone."""
    if entry.status != "attachment" or entry.size > MAX_FILE_BYTES:
        return None
    try:
        return read_capped(entry.path)
    except OSError:
        return None


def candidate_batches(
    dropped: Sequence[DroppedFile], size: int = BATCH_FILES
) -> list[list[DroppedFile]]:
    """The files to read, in folder order, cut into batches of ``size``."""
    candidates = [entry for entry in dropped if entry.status == "candidate"]
    return [candidates[i : i + size] for i in range(0, len(candidates), size)]


def read_batch(
    entries: Sequence[DroppedFile],
    criteria_set: CriteriaSet,
    year: int,
    cache: ReadCache | None = None,
    *,
    workers: int | None = None,
) -> ReadBatch:
    """Read every file of a batch once; keep its rows, not its sheet, so that memory
    stays flat with the number of files. Every file's bytes are read and hashed
    once; the readers build the rows in their own processes (several at once,
    ``isolate.run_isolated``). With a ``cache``, a file that the checked year
    holds (same name, bytes, criteria set, year and code: ``ReadCache.key``) is
    not read again, and every file read tonight is keyed, for ``collect_year``
    to keep it there (``parindex.ingest.checked``); a read whose reader crashed
    (it may have run out of time on a busy machine) or that was left pending is
    not keyed, so it is read again next night. Nothing is written per file: one
    small file per read cost more than the read itself on a slow disk (README,
    Benchmark). ``workers``: how many reader children at once (by default one
    per core, shared with the other threads reading at the same time; 1 where a
    process pool already spreads the batches over the cores)."""
    fetched = [fetch_submission(entry) for entry in entries]
    reads: list[SubmissionRead | None] = []
    rows: list[FileRows | None] = []
    contents: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    misses: list[tuple[int, ReadJob]] = []
    # the files checked on an earlier night come back validated, as columns
    year_checked = checked.load(cache) if cache is not None else None
    kept_rows_read: dict[str, int] = {}
    for item in fetched:
        if isinstance(item, SubmissionRead):
            reads.append(item)  # not read (gone, too large…): nothing to keep
            rows.append(None)
            continue
        dropped, content = item
        digest = sha256(content)
        contents[digest] = content
        if cache is not None and year_checked is not None:
            key = cache.key(dropped.name, digest)
            kept = year_checked.read(key, dropped)
            if kept is not None:
                reads.append(kept)
                rows.append(None)
                keys[dropped.name] = key
                kept_rows_read[dropped.name] = year_checked.rows_read(key)
                continue
        misses.append((len(reads), (dropped, content, digest)))
        reads.append(None)
        rows.append(None)
    outcomes = read_fetched_rows(
        [job for _, job in misses], criteria_set, year, workers=workers
    )
    for (index, _), (read, found, crashed) in zip(misses, outcomes, strict=True):
        reads[index] = read
        rows[index] = found
        if cache is not None and not crashed and read.sha256 and not read.pending:
            keys[read.file.name] = cache.key(read.file.name, read.sha256)
    builder = RowsBuilder()
    for each in rows:
        if each is not None:
            builder.extend(each)
    return ReadBatch(
        reads=[read for read in reads if read is not None],
        rows=builder.frame(),
        contents=contents,
        keys=keys,
        kept=(
            checked.kept_checks(year_checked, kept_rows_read)
            if year_checked is not None and kept_rows_read
            else None
        ),
    )


def ingest_year(
    inputs: Path,
    year: int,
    criteria_set: CriteriaSet,
    now: float,
    settle_seconds: float = 0.0,
    *,
    cache: ReadCache | None = None,
) -> Ingested:
    """Discover, read, normalise and validate every submission of ``year``, in this
    process (the flow reads the batches through its task runner instead).

    Args:
        inputs: the inputs folder (holding ``<year>/``).
        year: the assessment year.
        criteria_set: the criteria set in force that year.
        now: the current time, for files still being written.
        settle_seconds: files modified more recently than this are left for later.
        cache: the parse cache (``parindex.ingest.cache``), if any.

    Raises:
        NoYearFolder: there is no ``inputs/<year>`` folder.
    """
    dropped = discover(inputs / str(year), year, now, settle_seconds)
    # bounded chunks: the reader children of each share its files between the
    # cores; only rows come back from them, made into one frame per chunk, so
    # memory grows neither with the sheets nor with the files' rows as objects
    batches = [
        read_batch(chunk, criteria_set, year, cache)
        for chunk in candidate_batches(dropped, READ_CHUNK_FILES)
    ]
    return collect_year(
        dropped,
        batches,
        criteria_set,
        year,
        now=now,
        cache=cache,
        unit=unit_place_of(inputs, criteria_set),
        last_year=last_year_digests(inputs, year, dropped),
    )


def unit_place_of(inputs: Path, criteria_set: CriteriaSet) -> UnitPlace | None:
    """The place of the unit whose drop folder ``inputs`` is: as its
    ``don-vi.toml`` says; else, for a province's unit filling its whole form
    itself, as the register names it (``registered_place``: an old commune's
    form in a commune merged in 2025 is then another unit's)."""
    found = unit_place_in(inputs)
    if found is None and criteria_set.self_assessed and criteria_set.other_units:
        # the province's own don-vi.toml (read with its register, its problems
        # the province's) says where a sở registered without its province is
        return registered_place(
            [(d.code, d.name) for d in criteria_set.departments],
            criteria_set.province_place,
        )
    return found


def last_year_digests(
    inputs: Path, year: int, dropped: Sequence[DroppedFile]
) -> dict[str, str]:
    """The files of last year's folder (``inputs/<year - 1>``) of a size one of
    this year's files to read has, by their sha256 (the first by name): a file
    of this year with one of these digests is byte for byte last year's. A
    file that cannot be read is left out (a night is not stopped for last
    year's folder)."""
    sizes = {entry.size for entry in dropped if entry.status == "candidate"}
    folder = inputs / str(year - 1)
    found: dict[str, str] = {}
    if not sizes or not folder.is_dir():
        return found
    try:
        paths = sorted(folder.rglob("*"))
    except OSError:
        return found
    for path in paths:
        try:
            if path.is_file() and path.stat().st_size in sizes:
                digest = sha256(read_capped(path))
                found.setdefault(digest, path.relative_to(inputs).as_posix())
        except OSError:
            continue
    return found


_SEVERAL_LINE = fields_pattern(messages.DEPARTMENT_LINE_SEVERAL)


def _on_several_lines(
    reads: Sequence[SubmissionRead],
    owner: dict[str, str | None],
    criteria_set: CriteriaSet,
) -> dict[str, str]:
    """Department → the first file (by name) set aside for a ``Đơn vị`` line
    naming it beside other departments, no department of its own known (its
    name names none): whose it is cannot be told, and each department it names
    is told of it rather than said not to have submitted."""
    found: dict[str, str] = {}
    for read in sorted(reads, key=lambda r: r.file.name):
        if read.rejection is None or owner.get(read.file.name) is not None:
            continue
        line = _SEVERAL_LINE.fullmatch(read.rejection["message"] or "")
        if line is not None:
            for code in departments_in_line(line["text"], criteria_set.departments):
                found.setdefault(code, read.file.name)
    return found


def _not_submitted(
    code: str,
    name: str,
    year: int,
    unreadable: dict[str, str | None],
    pending: Sequence[str] = (),
) -> str:
    """What is said of a department without a file in use: not submitted, or not
    known when its folder (or a folder naming no department) could not be read,
    or when a file is left for the next run (``pending``: still being written, so
    not read, its department not known)."""
    own = [folder for folder, owner in unreadable.items() if owner == code]
    if own:
        return messages.DEPARTMENT_FOLDER_UNREADABLE.format(
            department=messages.department_named(name), year=year, folder=own[0]
        )
    anyone = [folder for folder, owner in unreadable.items() if owner is None]
    if anyone:
        return messages.DEPARTMENT_NOT_FOUND_UNREADABLE.format(
            department=messages.department_named(name),
            year=year,
            folders=", ".join(f"“{folder}”" for folder in anyone),
        )
    if pending:
        return messages.DEPARTMENT_NOT_FOUND_PENDING.format(
            department=messages.department_named(name),
            year=year,
            files=", ".join(f"“{file}”" for file in pending),
        )
    return messages.DEPARTMENT_NOT_SUBMITTED.format(
        department=messages.department_named(name), year=year
    )


def _validated(
    fresh: Sequence[pl.DataFrame],
    kept: Sequence[checked.KeptChecks],
    reads: Sequence[SubmissionRead],
    criteria_set: CriteriaSet,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``validate_rows`` of every file's rows: the ``fresh`` rows (each batch's)
    validated now, the ``kept`` ones as validated on an earlier night.
    Validation looks at one file at a time and a file is read in one batch, so
    each batch is validated on its own (one batch's copies at a time, not the
    year's rows concatenated beside the batches' own: the run's peak at 5000
    departments) and the valid rows come out as one validation of all would give
    them: file after file in the order read (``reads``), each in its own order;
    the problems are sorted as ``concat_problems`` sorts them."""
    parts: list[pl.DataFrame] = []
    problems: list[pl.DataFrame] = []
    for rows in fresh:
        good, found = validate_rows(rows, criteria_set)
        parts.append(good)
        problems.append(found)
    if not kept and len(parts) <= 1:  # as read: one batch, or none
        return (
            (parts[0], problems[0])
            if parts
            else validate_rows(RowsBuilder().frame(), criteria_set)
        )
    parts += [part.good for part in kept]
    problems += [part.problems for part in kept]
    order = {read.file.name: i for i, read in enumerate(reads)}
    good = pl.concat(parts, how="vertical").sort(
        pl.col("file").replace_strict(order, return_dtype=pl.Int64),
        maintain_order=True,
    )
    return good, concat_problems(problems)


def _keep_checked(
    cache: ReadCache,
    batches: Sequence[ReadBatch],
    *,
    reads: Sequence[SubmissionRead],
    good: pl.DataFrame,
    row_problems: pl.DataFrame,
    read_counts: dict[str, int],
) -> None:
    """Keep what validating the keyed files gave for the next night, when some
    of them were validated tonight (``parindex.ingest.checked``)."""
    keys = {name: key for batch in batches for name, key in batch.keys.items()}
    kept = {
        name
        for batch in batches
        if batch.kept is not None
        for name in batch.kept.rows_read
    }
    # an entry is written again when it did not hold one of its files tonight
    shards = {checked.shard_of(name) for name in keys if name not in kept}
    if not shards:
        return  # nothing checked tonight that is not kept already
    shard_of = {name: checked.shard_of(name) for name in keys}
    files: dict[int, dict[str, tuple[str, dict[str, Any], int]]] = {
        shard: {} for shard in shards
    }
    for read in reads:
        shard = shard_of.get(read.file.name, -1)
        if shard in files:
            files[shard][keys[read.file.name]] = (
                read.file.name,
                checked.described(read),
                read_counts.get(read.file.name, 0),
            )
    # each frame cut by shard in one pass (the rows of files without a key,
    # none so far, go nowhere)
    wanted = {name: shard for name, shard in shard_of.items() if shard in shards}
    good_parts, problem_parts = (
        frame.with_columns(
            _shard=pl.col("file").replace_strict(
                wanted, default=None, return_dtype=pl.Int64
            )
        ).partition_by("_shard", as_dict=True, include_key=False)
        for frame in (good, row_problems)
    )
    for shard in sorted(shards):
        checked.store(
            cache,
            shard,
            checked.CheckedYear(
                files[shard],
                good_parts.get((shard,), good.clear()),
                problem_parts.get((shard,), row_problems.clear()),
            ),
        )


def collect_year(
    dropped: Sequence[DroppedFile],
    batches: Sequence[ReadBatch],
    criteria_set: CriteriaSet,
    year: int,
    *,
    now: float,
    cache: ReadCache | None = None,
    unit: UnitPlace | None = None,
    last_year: dict[str, str] | None = None,
) -> Ingested:
    """Account for every dropped file and validate the rows read from them, as one
    frame: the newest usable file of each department is used, older ones are
    superseded (the rules are in ``parindex.ingest.winners``; ``unit``: the
    unit's own place, against which ``Đơn vị`` lines are checked); attachments
    are hashed for the archive; what discovery noticed becomes a warning, and
    so does a file in use that is byte for byte one of last year's
    (``last_year``: ``last_year_digests``).

    The files a batch took from the checked year (``ReadBatch.kept``) are not
    validated again; with ``cache``, what every keyed file's validation gave is
    kept for the next night (``parindex.ingest.checked``) when some file was
    validated tonight."""
    checked.forget()  # the batches hold what they took from it
    reads = [read for batch in batches for read in batch.reads]
    others = [entry for entry in dropped if entry.status != "candidate"]
    read_rows = [batch.rows for batch in batches]
    kept = [batch.kept for batch in batches if batch.kept is not None]
    # every file read is validated, so that which file wins can depend on
    # whether it has valid rows (see parindex.ingest.winners)
    good, row_problems = _validated(
        [rows for rows in read_rows if rows.height], kept, reads, criteria_set
    )
    # counted batch by batch (a file is read in one batch): no hash table over
    # the year's rows at once
    read_counts = {
        name: count
        for frame in read_rows
        for name, count in frame.group_by("file").len().iter_rows()
    }
    read_counts.update(
        (name, count) for part in kept for name, count in part.rows_read.items()
    )
    if cache is not None:
        _keep_checked(
            cache,
            batches,
            reads=reads,
            good=good,
            row_problems=row_problems,
            read_counts=read_counts,
        )
    del kept
    contents = {
        digest: content
        for batch in batches
        for digest, content in batch.contents.items()
    }

    def saved_at_of(read: SubmissionRead) -> dt.datetime | None:
        content = contents.get(read.sha256 or "")
        return None if content is None else saved_at(content)

    choice = choose_files(
        reads, good, row_problems, criteria_set, saved_at_of, now=now, unit=unit
    )
    status_of = {
        read.file.name: (
            ("pending" if read.pending else "rejected", read.rejection["message"])
            if read.rejection is not None
            else choice.outcome.get(read.file.name, ("used", None))
        )
        for read in reads
    }
    in_use = [name for name, (status, _) in status_of.items() if status == "used"]
    # a file set aside counts for the department of its `Đơn vị` line, else for
    # the one its name or subfolder names (it submitted, though not usably)
    owner = {
        read.file.name: read.department or named_department(read.file, criteria_set)
        for read in reads
        if status_of[read.file.name][0] == "rejected"
    }
    reported = [
        name for name, (status, _) in status_of.items() if status != "superseded"
    ]

    problems: list[dict[str, str | None]] = [*choice.problems]
    # a part of the drop folder that could not be listed: an error naming it
    unreadable = {
        entry.name: only_department_in(
            entry.path.name, criteria_set.departments, criteria_set.department_words
        )
        for entry in dropped
        if entry.error is not None
    }
    # a file left for the next run (not read): the department its name names
    # (in a unit's own folder, when it fills the set itself: the unit's)
    pending = {
        entry.name: criteria_set.departments[0].code
        if criteria_set.self_assessed
        else named_department(entry, criteria_set)
        for entry in dropped
        if entry.status == "pending"
    }
    for entry in dropped:
        if entry.warning is not None:
            # a file or folder left unread (outside the year folders, too deep):
            # the department its name names is told, in its own workbook too
            problems.append(
                problem(
                    "warning",
                    entry.warning,
                    file=entry.name,
                    department=(
                        named_department(entry, criteria_set)
                        if entry.status == "ignored"
                        else None
                    ),
                )
            )
        if entry.error is not None:
            problems.append(
                problem(
                    "error",
                    entry.error,
                    file=entry.name,
                    department=unreadable[entry.name],
                )
            )
    for read in reads:
        status, note = status_of[read.file.name]
        if read.rejection is not None:
            problems.append(
                read.rejection
                if read.rejection["department"] is not None
                else {**read.rejection, "department": owner.get(read.file.name)}
            )
            continue
        if status == "superseded":
            problems.append(
                problem(
                    "warning",
                    note or "",
                    file=read.file.name,
                    department=read.department,
                )
            )
            continue
        problems.extend(read.problems)
        name = read.file.name
        disagrees = (
            disagreement_warning(read, criteria_set, choice.disagreements[name])
            if name in choice.disagreements
            else disagreement_problem(read, criteria_set)
        )
        if disagrees is not None and status == "used" and not holds_several_forms(read):
            # a workbook of several forms: said form by form (``winners``)
            problems.append(disagrees)
        twin = (last_year or {}).get(read.sha256 or "")
        if twin is not None and status == "used":
            problems.append(
                problem(
                    "warning",
                    messages.FILE_SAME_AS_LAST_YEAR.format(previous=twin, year=year),
                    file=name,
                    department=read.department,
                )
            )
    # a workbook in use holding several departments' forms: the forms of the
    # departments that sent a newer file of their own are not used (said)
    not_used = [
        (file, code) for file, forms in choice.forms_not_used.items() for code in forms
    ]
    for file, code in not_used:
        said = choice.forms_not_used[file][code]
        problems.append(problem("warning", said, file=file, department=code))
    row_problems = row_problems.filter(pl.col("file").is_in(reported))
    form_in_use = pl.lit(value=True)
    if not_used:
        form_key = pl.concat_str("file", pl.lit("\x1f"), "department")
        form_in_use = form_key.is_in([f"{f}\x1f{d}" for f, d in not_used]).not_()
        row_problems = row_problems.filter(form_in_use.fill_null(value=True))

    in_use_mask = good.select(
        pl.col("file").is_in(in_use)
        & (pl.col("self_score").is_not_null() | pl.col("appraised_score").is_not_null())
        & form_in_use.fill_null(value=True)
    ).to_series()
    # every checked row in use (one file per department): the rows as they are,
    # not a copy of the year's rows beside them
    used_rows = (
        good if in_use_mask.all(ignore_nulls=False) else good.filter(in_use_mask)
    )
    del good, in_use_mask
    used_counts = dict(used_rows.group_by("file").len().iter_rows())
    records = []
    for read in reads:
        name = read.file.name
        status, note = status_of[name]
        records.append(
            {
                "file": name,
                "sha256": read.sha256,
                "size": read.file.size,
                "modified": local_iso(read.file.mtime),
                # a workbook of several forms: the first department it counts for
                "department": next(
                    (d for d in read.departments if (name, d) not in not_used),
                    read.department or owner.get(name),
                ),
                "status": status,
                "rows_read": read_counts.get(name, 0) if status != "superseded" else 0,
                "rows_used": used_counts.get(name, 0) if status == "used" else 0,
                "note": note,
            }
        )
    attachments: dict[str, bytes] = {}
    for entry in others:
        content = attachment_content(entry)
        digest = None if content is None else sha256(content)
        if digest is not None and content is not None:
            attachments[digest] = content
        records.append(
            {
                "file": entry.name,
                "sha256": digest,
                "size": entry.size,
                "modified": local_iso(entry.mtime),
                "department": unreadable.get(entry.name) or pending.get(entry.name),
                "status": entry.status,
                "rows_read": 0,
                "rows_used": 0,
                "note": entry.note,
            }
        )
    submissions = pl.DataFrame(records, schema=SUBMISSION_SCHEMA, orient="row").sort(
        "file"
    )
    submitted = set(
        submissions.filter(pl.col("status") == "used")["department"].to_list()
    ) | {  # a workbook holding several departments' forms counts for each
        department
        for read in reads
        if read.rejection is None and status_of[read.file.name][0] == "used"
        for department in read.departments
        if (read.file.name, department) not in not_used
    }
    unusable = {
        code: (name, status_of[name][1] or "")
        for name, code in sorted(owner.items(), reverse=True)
        if code is not None
    }  # the first rejected file, by name, of each department
    on_several_lines = _on_several_lines(reads, owner, criteria_set)
    for department in criteria_set.departments:
        if department.code in submitted:
            newer = [f for f, owner in pending.items() if owner == department.code]
            if newer:  # its newest file is not read tonight: said
                said = messages.DEPARTMENT_NEWER_PENDING.format(
                    department=messages.department_named(department.name),
                    files=", ".join(f"“{file}”" for file in newer),
                )
                problems.append(problem("warning", said, department=department.code))
            continue
        if department.code in on_several_lines:
            said = messages.DEPARTMENT_ON_SEVERAL_LINE.format(
                department=messages.department_named(department.name),
                year=year,
                file=on_several_lines[department.code],
            )
        elif department.code in unusable:
            file, reason = unusable[department.code]
            said = messages.DEPARTMENT_SUBMITTED_UNUSABLE.format(
                department=messages.department_named(department.name),
                file=file,
                reason=reason,
            )
        else:
            # a file left for the next run may be the department's: the one its
            # name names, or any when it names none
            maybe = [
                f for f, owner in pending.items() if owner in (None, department.code)
            ]
            said = _not_submitted(
                department.code, department.name, year, unreadable, maybe
            )
        problems.append(problem("warning", said, department=department.code))
    return Ingested(
        year=year,
        submissions=submissions,
        rows=used_rows,
        problems=concat_problems([problems_frame(problems), row_problems]),
        paths={entry.name: entry.path for entry in dropped},
        contents=attachments | contents,
        mtimes={
            **{entry.name: entry.mtime for entry in dropped},
            **{read.file.name: read.file.mtime for read in reads},
        },
        other_years=[
            {
                "file": read.file.name,
                "set_aside": read.rejection is not None,
                **form,
            }
            for read in reads
            for form in read.other_years
        ],
    )

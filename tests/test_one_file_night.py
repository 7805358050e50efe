"""What a night where one file changed spends outside the renderers gives what it
gave before: the creation dates of the department workbooks, the journal of a
publish."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from polars.testing import assert_frame_equal

from parindex import criteria as criteria_module
from parindex import kept_criteria, pipeline
from parindex.criteria import CriteriaSet, Department, criteria_set_for_year
from parindex.errors import NoCriteriaSet, ParindexError
from parindex.ingest import winners
from parindex.ingest.cache import CACHE_FOLDER, ReadCache
from parindex.ingest.collect import ingest_year
from parindex.publish import outputs as outputs_module
from parindex.publish.outputs import creation_time, creation_times
from tests.ingest.test_cache import _outputs, _run

YEAR = 2023


def test_creation_times_are_each_departments_creation_time(
    sample_inputs: Path,
) -> None:
    criteria = criteria_set_for_year(sample_inputs / "criteria", YEAR)
    ingested = ingest_year(sample_inputs, YEAR, criteria, time.time())
    codes = [d.code for d in criteria.departments]
    # a department without files of its own takes the newest of every file
    codes.append("KHONG-CO-TEP")
    # distinct modification times, so that a mix-up shows
    names = list(ingested.mtimes)
    mtimes = {name: 1_700_000_000.0 + 86_400 * i for i, name in enumerate(names)}
    ingested = dataclasses.replace(ingested, mtimes=mtimes)
    found = creation_times(ingested, codes)
    assert list(found) == codes
    assert found == {code: creation_time(ingested, code) for code in codes}
    assert len(set(found.values())) >= 6
    assert found["KHONG-CO-TEP"] == creation_time(ingested)


def test_the_journal_is_json_read_back_whole() -> None:
    journal = {
        "run_at": "2024-01-01T08:00:00+07:00",
        "moves": ["summary-2023.json"],
        "document": {"outputs": [{"file": "a", "sha256": None, "changed": True}]},
        "previous_summary": {"total": 79.24, "name": "Phòng Nội vụ", "x": [1.5, None]},
    }
    written = outputs_module._journal_bytes(journal)
    assert written.endswith(b"\n")
    assert json.loads(written) == journal
    assert "Phòng Nội vụ".encode() in written  # UTF-8, not escaped


# --- the criteria set kept between nights ------------------------------------------


@pytest.fixture()
def criteria_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the pipeline read of the criteria folder (not kept): ``folder`` for
    its workbooks read to find each one's first year, ``set <file>`` for the set
    in force parsed from one of them, ``direct <year>`` for a read without an
    outputs folder."""
    found: list[str] = []

    def counted(name: str, real: Any, said: Any) -> None:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found.append(said(*args))
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, wrapper)

    counted(
        "criteria_set_for_year",
        pipeline.criteria_set_for_year,
        lambda folder, year: f"direct {year}",
    )
    counted(
        "available_criteria_sets",
        pipeline.available_criteria_sets,
        lambda folder: "folder",
    )
    counted(
        "read_criteria_set",
        pipeline.read_criteria_set,
        lambda path: f"set {path.name}",
    )
    return found


def _same_set(kept: CriteriaSet, read: CriteriaSet) -> None:
    # worked out again from what each holds, not the digest kept with it
    assert criteria_module.set_digest(kept) == criteria_module.set_digest(read)
    assert_frame_equal(kept.nodes, read.nodes)
    assert kept == dataclasses.replace(read, nodes=kept.nodes)


def _entries(outputs: Path) -> list[Path]:
    return sorted((outputs / CACHE_FOLDER / kept_criteria.FOLDER).glob("*.pickle"))


def test_the_criteria_set_kept_is_the_one_read(
    inputs: Path, tmp_path: Path, criteria_reads: list[str]
) -> None:
    outputs = tmp_path / "outputs"
    first = pipeline.load_criteria(inputs, YEAR, outputs)
    assert criteria_reads == ["folder", "set lai-chau-2022.xlsx"]
    assert len(_entries(outputs)) == 1
    again = pipeline.load_criteria(inputs, YEAR, outputs)
    assert criteria_reads == ["folder", "set lai-chau-2022.xlsx"]  # served
    _same_set(again, first)
    _same_set(again, pipeline.load_criteria(inputs, YEAR))


def test_a_changed_criteria_folder_is_read_again(
    inputs: Path, tmp_path: Path, criteria_reads: list[str]
) -> None:
    outputs = tmp_path / "outputs"
    pipeline.load_criteria(inputs, YEAR, outputs)
    criteria = inputs / "criteria" / "lai-chau-2022.xlsx"
    workbook = openpyxl.load_workbook(criteria)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Phòng Tư pháp":
                    cell.value = "Phòng Tư pháp huyện"
    workbook.save(criteria)
    changed = pipeline.load_criteria(inputs, YEAR, outputs)
    assert criteria_reads == ["folder", "set lai-chau-2022.xlsx"] * 2
    assert changed.department_name("TP") == "Phòng Tư pháp huyện"
    _same_set(changed, pipeline.load_criteria(inputs, YEAR))
    # a new workbook in the folder (here one that is not a criteria set) too
    shutil.copy2(inputs / "history.xlsx", inputs / "criteria" / "khac.xlsx")
    with pytest.raises(ParindexError):
        pipeline.load_criteria(inputs, YEAR, outputs)
    with pytest.raises(ParindexError):  # raises every night, nothing kept
        pipeline.load_criteria(inputs, YEAR, outputs)
    # the direct read above, then the folder read each night (it raises there)
    assert criteria_reads[4:] == [f"direct {YEAR}", "folder", "folder"]
    assert len(_entries(outputs)) == 2


def test_the_year_before_is_served_from_the_same_read(
    inputs: Path,
    tmp_path: Path,
    criteria_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A night reads the set in force for its year and for the year before (to
    compare with): one read of the folder and one parse of a workbook in force
    both years serve both (at 1000 departments, 0,1 s a cold night); a workbook
    in force only the year before is parsed then; another version of parindex
    reads again."""
    outputs = tmp_path / "outputs"
    this_year = pipeline.load_criteria(inputs, YEAR, outputs)
    year_before = pipeline.load_criteria(inputs, YEAR - 1, outputs)
    assert criteria_reads == ["folder", "set lai-chau-2022.xlsx"]
    _same_set(year_before, pipeline.load_criteria(inputs, YEAR - 1))
    _same_set(this_year, year_before)  # the sample's one set, from 2022
    assert len(_entries(outputs)) == 1
    # a set of its own for this year: the year before keeps the older one
    del criteria_reads[:]
    newer = inputs / "criteria" / "bo-chi-so-2023.xlsx"
    shutil.copy2(inputs / "criteria" / "lai-chau-2022.xlsx", newer)
    workbook = openpyxl.load_workbook(newer)
    found = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "2022" in cell.value:
                    cell.value = cell.value.replace("2022", "2023")
                    found += 1
                elif cell.value == 2022:
                    cell.value = 2023
                    found += 1
    assert found
    workbook.save(newer)
    this_year = pipeline.load_criteria(inputs, YEAR, outputs)
    year_before = pipeline.load_criteria(inputs, YEAR - 1, outputs)
    again = pipeline.load_criteria(inputs, YEAR - 1, outputs)
    assert criteria_reads == [
        "folder",
        "set bo-chi-so-2023.xlsx",
        "set lai-chau-2022.xlsx",
    ]
    _same_set(this_year, pipeline.load_criteria(inputs, YEAR))
    _same_set(year_before, pipeline.load_criteria(inputs, YEAR - 1))
    _same_set(again, year_before)
    assert this_year.digest != year_before.digest
    # a year before any set of the folder: none, from the same read
    del criteria_reads[:]
    (inputs / str(YEAR - 2)).mkdir()
    with pytest.raises(NoCriteriaSet, match="2021"):
        pipeline.load_criteria(inputs, YEAR - 2, outputs)
    assert criteria_reads == []
    monkeypatch.setattr(kept_criteria, "code_version", lambda: "parindex 9.9")
    pipeline.load_criteria(inputs, YEAR, outputs)
    assert criteria_reads == ["folder", "set bo-chi-so-2023.xlsx"]


def test_a_deleted_or_corrupted_entry_is_read_again(
    inputs: Path, tmp_path: Path, criteria_reads: list[str]
) -> None:
    outputs = tmp_path / "outputs"
    read = pipeline.load_criteria(inputs, YEAR)
    pipeline.load_criteria(inputs, YEAR, outputs)
    (entry,) = _entries(outputs)
    good = entry.read_bytes()
    flipped = bytearray(good)
    flipped[-50] ^= 0x01
    for corrupted in (good[:-30], bytes(flipped), b"", os.urandom(200)):
        entry.write_bytes(corrupted)
        _same_set(pipeline.load_criteria(inputs, YEAR, outputs), read)
    # intact, but another key's (another folder's)
    other = kept_criteria.criteria_key(tmp_path / "criteria-elsewhere")
    kept_criteria.store(outputs, other, kept_criteria.KeptFolder([], {}))
    entry.write_bytes((entry.parent / f"{other}.pickle").read_bytes())
    _same_set(pipeline.load_criteria(inputs, YEAR, outputs), read)
    shutil.rmtree(outputs / CACHE_FOLDER)
    _same_set(pipeline.load_criteria(inputs, YEAR, outputs), read)
    # the direct read, then the folder and the set each night
    assert criteria_reads == [
        f"direct {YEAR}",
        *["folder", "set lai-chau-2022.xlsx"] * 7,
    ]
    _same_set(pipeline.load_criteria(inputs, YEAR, outputs), read)
    assert len(criteria_reads) == 15  # kept again


def test_the_set_in_force_the_year_before_is_kept_too(
    inputs: Path, tmp_path: Path, criteria_reads: list[str]
) -> None:
    """Without a folder for the year before, a night still names the set in
    force that year (to say the sets differ): read once, then kept like this
    year's, not read from the folder every night."""
    outputs = tmp_path / "outputs"
    shutil.rmtree(inputs / str(YEAR - 1))
    shutil.copytree(inputs / "criteria", tmp_path / "criteria-kept")
    direct = pipeline.previous_year(inputs, YEAR, time.time())
    assert criteria_reads == [f"direct {YEAR - 1}"]
    assert direct.result is None and direct.criteria_set is not None
    first = pipeline.previous_year(inputs, YEAR, time.time(), outputs)
    again = pipeline.previous_year(inputs, YEAR, time.time(), outputs)
    read_once = [f"direct {YEAR - 1}", "folder", "set lai-chau-2022.xlsx"]
    assert criteria_reads == read_once  # the second night: kept
    assert first.criteria_set is not None and again.criteria_set is not None
    _same_set(first.criteria_set, direct.criteria_set)
    _same_set(again.criteria_set, direct.criteria_set)
    # a folder with no set in force that year: none, found once and kept too
    # (0,08 s a night at 1000 departments: the folder's workbooks read again)
    for path in (inputs / "criteria").iterdir():
        path.unlink()
    for _ in range(2):
        assert (
            pipeline.previous_year(inputs, YEAR, time.time(), outputs).criteria_set
            is None
        )
    assert criteria_reads == [*read_once, "folder"]
    # the set back: not the "none" kept (the folder as it was: its set kept)
    shutil.copytree(tmp_path / "criteria-kept", inputs / "criteria", dirs_exist_ok=True)
    found = pipeline.previous_year(inputs, YEAR, time.time(), outputs).criteria_set
    assert found is not None
    _same_set(found, direct.criteria_set)
    assert criteria_reads == [*read_once, "folder"]


def change_one_score(inputs: Path, score: float = 3.0) -> None:
    """Criterion 8.1 of the sample's Tư pháp form scored ``score``, the file
    saved newer than the night before."""
    path = inputs / "2023" / "phong-tu-phap.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    next(r for r in sheet.iter_rows() if r[0].value == "8.1")[4].value = score
    workbook.save(path)
    os.utime(path, (time.time() + 5, time.time() + 5))


def _night(inputs: Path, outputs: Path) -> None:
    """A night as the flow runs it: every cache in ``outputs``."""
    criteria = pipeline.load_criteria(inputs, YEAR, outputs)
    history, history_problems = pipeline.load_history(inputs)
    cache = ReadCache.for_year(outputs, criteria, YEAR)
    ingested = ingest_year(inputs, YEAR, criteria, time.time(), cache=cache)
    previous = pipeline.consolidate_previous(inputs, YEAR, time.time(), outputs)
    result = pipeline.build_result(
        criteria, ingested, previous, history, history_problems
    )
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())


def test_outputs_of_nights_through_every_kept_part_are_those_of_a_cold_run(
    inputs: Path, tmp_path: Path
) -> None:
    """Criteria set, reads, previous year and report parts kept: a night where one
    file changed writes what a cold run writes (the manifests aside)."""
    warm = tmp_path / "warm"
    _night(inputs, warm)
    change_one_score(inputs)
    _night(inputs, warm)
    cold = tmp_path / "cold"
    _run(inputs, cold, cached=False)
    expected = {k: v for k, v in _outputs(cold).items() if not k.startswith("archive")}
    got = {k: v for k, v in _outputs(warm).items() if not k.startswith("archive")}
    assert got == expected
    summary = json.loads((warm / "2023" / "summary-2023.json").read_text("utf-8"))
    assert summary["total"] == 79.69
    # the summary's pieces were kept, and served (tests/render/test_summary_pieces)
    assert (warm / CACHE_FOLDER / "summary" / "2023").is_file()


def test_department_keys_extended_by_the_unit_as_before(
    sample_inputs: Path,
) -> None:
    """Each department's key fed with the unit's settings: the same keys as a
    digest fed the key, then the settings (the unit is digested once)."""
    import hashlib

    from parindex.department_view import update_digest
    from parindex.settings import read_unit_settings

    unit, _ = read_unit_settings(sample_inputs / "don-vi.toml")
    assert unit.unit  # the sample's real settings, not placeholders
    keys = {"NV": "a" * 64, "TP": "b" * 64, "X": ""}

    class Result:
        pass

    result = Result()
    result.unit = unit  # type: ignore[attr-defined]
    expected = {}
    for code, key in keys.items():
        digest = hashlib.sha256(key.encode())
        update_digest(digest, unit)
        expected[code] = digest.hexdigest()
    assert outputs_module._with_unit(result, keys) == expected  # type: ignore[arg-type]


def test_a_night_hashes_each_output_once_and_records_what_is_on_disk(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The department workbooks not rendered again are hashed once, to know they
    are as the last run wrote them, and the manifest records those digests (at
    1000 departments every workbook was hashed twice)."""
    from parindex.publish import manifest as manifest_module
    from parindex.publish.manifest import last_run

    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    change_one_score(inputs)
    hashed: list[Path] = []
    real = manifest_module.file_digest

    def counted(path: Path) -> str | None:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(manifest_module, "file_digest", counted)
    monkeypatch.setattr(outputs_module, "file_digest", counted)
    _night(inputs, outputs)
    folder = outputs / str(YEAR)
    workbooks = sorted((folder / "departments").glob("*.xlsx"))
    assert len(workbooks) == 6
    # the department rendered again is hashed as staged, before it is moved
    counts = {path.name: hashed.count(path) for path in workbooks}
    assert counts == {path.name: int(path.name != "TP-2023.xlsx") for path in workbooks}
    document = last_run(folder)
    assert document is not None
    recorded = {o["file"]: o["sha256"] for o in document["outputs"]}
    for output in [*workbooks, *sorted(folder.glob("*-2023.*"))]:
        assert recorded[str(output)] == real(output), output
    changed = {Path(o["file"]).name for o in document["outputs"] if o["changed"]}
    assert changed == {
        "scorecard-2023.xlsx",
        "summary-2023.json",
        "bao-cao-2023.docx",
        "summary-2023.md",
        "TP-2023.xlsx",
    }


def _night(inputs: Path, outputs: Path) -> None:
    """A night as the flow runs it: the set kept in ``outputs``, the parse cache."""
    criteria = pipeline.load_criteria(inputs, YEAR, outputs)
    history, history_problems = pipeline.load_history(inputs)
    cache = ReadCache.for_year(outputs, criteria, YEAR)
    ingested = ingest_year(inputs, YEAR, criteria, time.time(), cache=cache)
    previous = pipeline.previous_year(inputs, YEAR, time.time(), outputs)
    result = pipeline.build_result(
        criteria, ingested, previous.result, history, history_problems
    )
    pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())


def test_a_kept_set_is_digested_and_its_names_folded_once(
    inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    criteria_reads: list[int],
    parses: list[str],
) -> None:
    """The digest of a set (the parse cache, the department workbooks and the
    report's parts are keyed by it), its folded criterion names and its
    departments' names as file names give them are worked out once,
    when the set is read, and kept with it: a night served the kept set works
    out neither, and a changed file is still checked against the names."""
    outputs = tmp_path / "outputs"
    digests: list[str] = []
    foldings: list[str] = []
    real_digest, real_codes = criteria_module.set_digest, criteria_module.names_folded

    def digest(criteria_set: CriteriaSet) -> str:
        digests.append(criteria_set.name)
        return real_digest(criteria_set)

    def codes(criteria_set: CriteriaSet) -> dict[str, tuple[str, ...]]:
        foldings.append(criteria_set.name)
        return real_codes(criteria_set)

    monkeypatch.setattr(criteria_module, "set_digest", digest)
    monkeypatch.setattr(criteria_module, "names_folded", codes)
    indexes: list[int] = []
    real_index = winners.name_index

    def index(departments: tuple[Department, ...]) -> winners.NameIndex:
        indexes.append(len(departments))
        return real_index(departments)

    monkeypatch.setattr(winners, "name_index", index)
    _night(inputs, outputs)
    # the night that read the set (in force this year and last year, for its
    # files: one read serves both)
    assert criteria_reads == ["folder", "set lai-chau-2022.xlsx"]
    assert len(digests) == 1 and len(foldings) == 1
    assert len(indexes) == 1  # the departments' names, as files name them
    kept = pipeline.load_criteria(inputs, YEAR, outputs)
    fresh = criteria_set_for_year(inputs / "criteria", YEAR)
    assert kept.digest == fresh.digest == criteria_module.set_digest(kept)
    assert kept.codes_by_name == fresh.codes_by_name
    digests.clear()
    foldings.clear()
    indexes.clear()
    criteria_reads.clear()
    changed = sorted((inputs / str(YEAR)).rglob("*.xlsx"))[0]
    workbook = openpyxl.load_workbook(changed)
    workbook.active["A1"] = f"{workbook.active['A1'].value or ''} "  # a new version
    workbook.save(changed)
    parses.clear()
    _night(inputs, outputs)
    assert len(parses) == 1  # the changed file was read, against the kept set
    assert criteria_reads == []
    assert digests == [] and foldings == [] and indexes == []

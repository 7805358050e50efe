"""What a night compares with the last complete set (``describe_changes``): the
part of the last summary it reads is kept beside it, for the exact bytes of the
summary on disk; the whole summary (7.5 MB at 1000 departments) is read only when
that part is not kept for them (issue 13, a night with one file changed)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from parindex import changes
from parindex.ingest.cache import CACHE_FOLDER
from parindex.publish import compared as compared_module
from parindex.publish.compared import compared_part, compared_path
from parindex.publish.manifest import last_run
from tests.test_one_file_night import YEAR, _night, change_one_score


@pytest.fixture()
def summary_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The summaries read whole from disk to be compared with."""
    read: list[Path] = []
    real = compared_module.read_json

    def counted(path: Path) -> object:
        read.append(path)
        return real(path)

    monkeypatch.setattr(compared_module, "read_json", counted)
    return read


def _changes(outputs: Path) -> list[str]:
    document = last_run(outputs / str(YEAR))
    assert document is not None
    return list(document["changes"])


def test_a_night_compares_with_the_part_kept_for_the_summary_on_disk(
    inputs: Path, tmp_path: Path, summary_reads: list[Path]
) -> None:
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    _night(inputs, warm)
    _night(inputs, cold)
    assert summary_reads == [
        warm / str(YEAR) / "summary-2023.json",  # the first night: none there yet
        cold / str(YEAR) / "summary-2023.json",
    ]
    change_one_score(inputs)
    shutil.rmtree(cold / CACHE_FOLDER / "compared")  # as before: the file is read
    summary_reads.clear()
    _night(inputs, warm)
    assert summary_reads == []
    _night(inputs, cold)
    assert summary_reads == [cold / str(YEAR) / "summary-2023.json"]
    assert _changes(warm) == _changes(cold)
    assert _changes(warm) == [
        "Tệp được nộp lại (nội dung khác): 2023/phong-tu-phap.xlsx (TP).",
        "Tổng điểm: 79,24 → 79,69.",
    ]


def test_a_summary_changed_by_hand_is_not_compared_with(
    inputs: Path, tmp_path: Path, summary_reads: list[Path]
) -> None:
    """A summary edited since the last run wrote it is neither read nor compared
    with: the part kept of the one that run wrote is, and a line says the file
    was edited (blind round 16, cache F2: this test expected "Tổng điểm: 12,5 →
    79,69", a total no run made)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    summary_path = outputs / str(YEAR) / "summary-2023.json"
    summary = json.loads(summary_path.read_text("utf-8"))
    summary["total"] = 12.5
    summary_path.write_text(json.dumps(summary, ensure_ascii=False), "utf-8")
    summary_reads.clear()
    change_one_score(inputs)
    _night(inputs, outputs)
    assert summary_reads == []
    assert _changes(outputs) == [
        changes.SUMMARY_EDITED.format(file="summary-2023.json"),
        "Tệp được nộp lại (nội dung khác): 2023/phong-tu-phap.xlsx (TP).",
        "Tổng điểm: 79,24 → 79,69.",
    ]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:-20]),
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(os.urandom(300)),
        lambda path: path.unlink(),
    ],
)
def test_a_damaged_kept_part_is_not_used(
    inputs: Path, tmp_path: Path, summary_reads: list[Path], damage: object
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    kept = compared_path(outputs, YEAR)
    assert kept.is_file()
    damage(kept)  # type: ignore[operator]
    summary_reads.clear()
    change_one_score(inputs)
    _night(inputs, outputs)
    assert summary_reads == [outputs / str(YEAR) / "summary-2023.json"]
    assert _changes(outputs) == [
        "Tệp được nộp lại (nội dung khác): 2023/phong-tu-phap.xlsx (TP).",
        "Tổng điểm: 79,24 → 79,69.",
    ]


def test_the_part_compared_is_what_describe_changes_reads() -> None:
    summary = {
        "year": 2023,
        "status": "final",
        "total": 79.24,
        "departments": [{"code": "NV", "deductions": [1] * 50}],
        "submissions": [
            {
                "file": "2023/a.xlsx",
                "sha256": "ab",
                "department": "NV",
                "status": "used",
                "rows_read": 40,
                "rows_used": 40,
            },
            {"file": "2023/b.xls", "sha256": None, "status": "rejected"},
        ],
    }
    assert compared_part(summary) == {
        "year": 2023,
        "total": 79.24,
        # each department's code and name, not its deductions
        "departments": [["NV", None]],
        "submissions": [
            {
                "file": "2023/a.xlsx",
                "sha256": "ab",
                "department": "NV",
                "status": "used",
            },
            {"file": "2023/b.xls", "sha256": None, "status": "rejected"},
        ],
    }
    # a summary without a part (an older or hand-made one) keeps it missing
    assert compared_part({"year": 2023}) == {"year": 2023}


def test_the_journal_keeps_the_part_compared(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed while moving its set is finished by the next, which tells
    its changes against the set before it: the journal keeps that part only
    (the whole last summary, encoded again, cost 0.09 s at 1000 departments)."""
    from parindex.publish import outputs as outputs_module

    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    before = json.loads((outputs / str(YEAR) / "summary-2023.json").read_text("utf-8"))
    journals: list[dict[str, object]] = []
    real = outputs_module._journal_bytes

    def kept(journal: dict[str, object]) -> bytes:
        journals.append(journal)
        return real(journal)

    monkeypatch.setattr(outputs_module, "_journal_bytes", kept)
    change_one_score(inputs)
    _night(inputs, outputs)
    (part,) = [j["previous_summary"] for j in journals]
    assert isinstance(part, dict)
    # with what each criterion was compared with, which no summary holds, the
    # published results read and the unit's settings used
    assert isinstance(part.pop("comparison"), str)
    assert part.pop("published")["total"] == 79.27
    assert part.pop("unit")["file"] == "don-vi.toml"
    assert part == compared_part(before)

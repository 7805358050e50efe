"""A night whose figures changed for a reason other than this year's files (last
year's folder, the published results, the criteria set) says what changed; before,
it said "Không có bài nộp mới hay thay đổi nào …: giữ nguyên kết quả" while the
comparison with last year had moved (blind round 15, B: n15)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl
import pytest

from parindex import changes
from parindex.publish.manifest import last_run
from tests.builders import rename_in_workbook, set_appraisal
from tests.test_one_file_night import YEAR, _night


def _changes(outputs: Path) -> list[str]:
    document = last_run(outputs / str(YEAR))
    assert document is not None
    return list(document["changes"])


def test_a_change_in_last_years_folder_is_said(inputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / "2022" / "phong-tu-phap.xlsx"
    set_appraisal(path, "2.1.1", 0.0)
    os.utime(path, (time.time() + 5, time.time() + 5))
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.PREVIOUS_CHANGED.format(year=2022, old="72,1", new="71,6")
    ]


def _set_published(inputs: Path, year: int, column: str, value: float) -> None:
    """``history.xlsx``'s published ``column`` of ``year`` set to ``value``."""
    history = inputs / "history.xlsx"
    workbook = openpyxl.load_workbook(history)
    sheet = workbook["Kết quả"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == year)
    row[header.index(column)].value = value
    workbook.save(history)


def test_a_change_in_the_published_results_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    _set_published(inputs, 2023, "Tổng điểm", 79.3)
    _night(inputs, outputs)
    # what was published is said, not "the set, last year or the published
    # results changed" (blind round 22A, F3)
    assert _changes(outputs) == [
        changes.PUBLISHED_CHANGED.format(
            year=YEAR, file="history.xlsx", what="tổng điểm 79,27 → 79,3"
        )
    ]


def test_a_published_rank_is_said(inputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    _set_published(inputs, 2023, "Xếp hạng", 3)
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.PUBLISHED_CHANGED.format(
            year=YEAR, file="history.xlsx", what="xếp hạng 2/8 → 3/8"
        )
    ]


HEADLINE = (
    "Năm 2023, Chỉ số cải cách hành chính đạt 79,27 điểm (số công bố; tính từ "
    "các tiêu chí: 79,24 điểm), xếp thứ 2/8, "
)


@pytest.mark.parametrize(
    ("column", "value", "after"),
    [
        (
            "Tổng điểm",
            71.6,
            "giữ nguyên thứ hạng và tăng 7,67 điểm so với năm 2022 (71,6 điểm).",
        ),
        ("Xếp hạng", 3, "tăng 1 bậc và tăng 7,17 điểm so với năm 2022 (72,1 điểm)."),
    ],
)
def test_last_years_published_results_corrected_are_said(
    inputs: Path,
    tmp_path: Path,
    column: str,
    value: float,
    after: str,
) -> None:
    """Last year's published total or rank corrected in ``history.xlsx``: the
    headline's comparison moved, the night said "Không có bài nộp mới hay thay
    đổi nào … giữ nguyên kết quả" (blind round 25B, 1)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    _set_published(inputs, YEAR - 1, column, value)
    _night(inputs, outputs)
    before = "giữ nguyên thứ hạng và tăng 7,17 điểm so với năm 2022 (72,1 điểm)."
    assert _changes(outputs) == [
        changes.COMPARISON_CHANGED.format(old=HEADLINE + before, new=HEADLINE + after)
    ]


def test_an_edited_don_vi_toml_is_said_and_recorded(
    inputs: Path, tmp_path: Path
) -> None:
    """The report was written again for a new signer while the night said
    "Không có bài nộp mới hay thay đổi nào …", and the record named no
    `don-vi.toml` (blind round 22A, F2)."""
    from parindex import pipeline
    from parindex.ingest.cache import ReadCache
    from parindex.ingest.collect import ingest_year
    from parindex.publish.manifest import file_digest

    def night() -> None:
        criteria = pipeline.load_criteria(inputs, YEAR, outputs)
        history, history_problems = pipeline.load_history(inputs)
        unit, _ = pipeline.load_unit(inputs)
        cache = ReadCache.for_year(outputs, criteria, YEAR)
        ingested = ingest_year(inputs, YEAR, criteria, time.time(), cache=cache)
        previous = pipeline.previous_year(inputs, YEAR, time.time(), outputs)
        result = pipeline.build_result(
            criteria, ingested, previous.result, history, history_problems, unit=unit
        )
        pipeline.publish_outputs(result, ingested, inputs, outputs, run_at=time.time())

    outputs = tmp_path / "outputs"
    night()
    settings = inputs / "don-vi.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'signer_name = ""', 'signer_name = "Lò Văn Sơn"'
        ),
        encoding="utf-8",
    )
    night()
    assert _changes(outputs) == [
        changes.UNIT_SETTINGS_CHANGED.format(file="don-vi.toml")
    ]
    document = last_run(outputs / str(YEAR))
    assert document is not None
    assert document["unit_settings"] == {
        "file": "don-vi.toml",
        "sha256": file_digest(settings),
    }


def test_a_night_with_nothing_changed_still_says_so(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / "2022" / "phong-tu-phap.xlsx"
    os.utime(path, (time.time() + 5, time.time() + 5))  # touched, not changed
    _night(inputs, outputs)
    assert _changes(outputs) == [changes.NOTHING_CHANGED]


def _summary(*submissions: dict[str, object]) -> dict[str, object]:
    return {"year": 2023, "total": 79.24, "submissions": list(submissions)}


def test_a_file_left_for_later_then_read_is_said_as_such() -> None:
    """A file too fresh to read (``--settle-seconds``) is new and waiting, with no
    department yet; the next night reads it for the first time, not "again"
    (blind round 15, n10: "Tệp mới: … (?)", then "Tệp được nộp lại")."""
    waiting = {"file": "2023/nv v2.xlsx", "sha256": None, "status": "pending"}
    read = {
        "file": "2023/nv v2.xlsx",
        "sha256": "ab",
        "department": "NV",
        "status": "used",
    }
    assert changes.describe_changes(_summary(), _summary(waiting)) == [
        changes.PENDING_FILE.format(file="2023/nv v2.xlsx")
    ]
    assert changes.describe_changes(_summary(waiting), _summary(read)) == [
        changes.FIRST_READ.format(file="2023/nv v2.xlsx", department="NV")
    ]
    unknown = {**read, "department": None, "status": "rejected"}
    assert changes.describe_changes(_summary(), _summary(unknown)) == [
        changes.NEW_FILE_NO_DEPARTMENT.format(file="2023/nv v2.xlsx")
    ]


def test_a_new_file_set_aside_unread_is_said_with_its_status() -> None:
    """A file renamed to retire it (``….xlsx.old``) is new to the folder but no
    submission: said so, not as a file of no known department (round 2, m14)."""
    retired = {"file": "2023/nv v2.xlsx.old", "sha256": None, "status": "ignored"}
    assert changes.describe_changes(_summary(), _summary(retired)) == [
        changes.NEW_FILE_NOT_READ.format(
            file="2023/nv v2.xlsx.old", status=changes.STATUS_WORDS["ignored"]
        )
    ]


def test_figures_moved_without_a_file_are_said_without_naming_one_cause() -> None:
    """Only the criteria set's names changed, say (round 2, m09): the line does
    not say history.xlsx was edited."""
    before = {**_summary(), "figures": "a"}
    after = {**_summary(), "figures": "b"}
    assert changes.describe_changes(before, after) == [
        changes.FIGURES_CHANGED.format(year=2023)
    ]


def _summary_of(outputs: Path) -> dict[str, object]:
    import json

    path = outputs / str(YEAR) / f"summary-{YEAR}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _counts(summary: dict[str, object]) -> tuple[int, int]:
    problems = summary["problems"]
    assert isinstance(problems, list)
    severities = [p["severity"] for p in problems]
    return severities.count("error"), severities.count("warning")


def test_last_years_folder_left_incomplete_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    """A file of last year's folder removed: last year is incomplete, its
    criteria are no longer compared (the scorecard's columns of last year empty)
    and a warning says so, while the total compared (the published 72,1) stays.
    The night said "nothing changed" (blind round 16, cache F1: c11b, c05x)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    (inputs / "2022" / "phong-tai-chinh-ke-hoach.xlsx").unlink()
    _night(inputs, outputs)
    assert _changes(outputs) == [changes.FIGURES_CHANGED.format(year=YEAR)]


def test_a_new_warning_alone_is_said(inputs: Path, tmp_path: Path) -> None:
    """Only the problems changed (a copy ``history.xlsm`` beside
    ``history.xlsx``: a warning more, the same figures): said with the counts,
    not "nothing changed" (blind round 16, cache F1: c29, c10c)."""
    import shutil

    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    before = _counts(_summary_of(outputs))
    shutil.copy(inputs / "history.xlsx", inputs / "history.xlsm")
    _night(inputs, outputs)
    after = _counts(_summary_of(outputs))
    assert after != before
    assert _changes(outputs) == [
        changes.PROBLEMS_CHANGED.format(
            year=YEAR,
            errors=after[0],
            warnings=after[1],
            old_errors=before[0],
            old_warnings=before[1],
        )
    ]


def _summary_total_edited(outputs: Path, total: float) -> Path:
    """The year's summary with its total edited by hand (``total``)."""
    import json

    path = outputs / str(YEAR) / f"summary-{YEAR}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["total"] = total
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_summary_edited_by_hand_is_not_taken_for_the_last_run(
    inputs: Path, tmp_path: Path
) -> None:
    """``summary-2023.json`` edited by hand (its total 99,99), nothing else: the
    night compares with what the last run wrote, says the file was edited and
    writes it again; it said "Tổng điểm: 99,99 → 79,24", a total no run made
    (blind round 16, cache F2: c13d, c13f)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = _summary_total_edited(outputs, 99.99)
    _night(inputs, outputs)
    assert _changes(outputs) == [changes.SUMMARY_EDITED.format(file=path.name)]
    assert _summary_of(outputs)["total"] == 79.24


def test_a_summary_edited_by_hand_without_the_part_kept_is_not_compared(
    inputs: Path, tmp_path: Path
) -> None:
    """The same with the outputs' cache deleted: what the last run wrote is not
    known, so nothing is compared, and the line says why."""
    import shutil

    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = _summary_total_edited(outputs, 99.99)
    shutil.rmtree(outputs / ".parindex-cache")
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.SUMMARY_EDITED_NOT_COMPARED.format(file=path.name)
    ]


def test_a_file_saved_again_unchanged_is_said_not_nothing() -> None:
    """Blind round 17, N6: a form saved again with the same content (a new time,
    which the outputs' dates follow) gave "Không có … thay đổi nào: giữ nguyên kết
    quả" while four outputs were written again."""
    before = {
        "file": "2023/phong-tu-phap.xlsx",
        "sha256": "ab",
        "department": "TP",
        "status": "used",
        "modified": "2024-01-05T08:00:00+07:00",
    }
    after = {**before, "modified": "2024-12-04T18:00:00+07:00"}
    assert changes.describe_changes(_summary(before), _summary(after)) == [
        "Tệp 2023/phong-tu-phap.xlsx (TP) được lưu lại, nội dung như cũ (giờ sửa "
        "05/01/2024 08:00 → 04/12/2024 18:00): số liệu không đổi."
    ]
    assert changes.describe_changes(_summary(before), _summary(before)) == [
        changes.NOTHING_CHANGED
    ]


def test_a_form_saved_again_is_named_by_a_real_night(
    inputs: Path, tmp_path: Path
) -> None:
    """Blind round 17, second round: the line above did not reach a real night
    (the part of the summary kept for the next night did not keep the time)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / str(YEAR) / "phong-tu-phap.xlsx"
    os.utime(path, (1_700_000_000, 1_700_000_000))  # 15/11/2023 05:13 here
    _night(inputs, outputs)
    found = _changes(outputs)
    assert len(found) == 1
    assert found[0].startswith(
        f"Tệp {YEAR}/phong-tu-phap.xlsx (TP) được lưu lại, nội dung như cũ (giờ sửa "
    )
    assert found[0].endswith("→ 15/11/2023 05:13): số liệu không đổi.")


def test_a_file_read_last_night_and_saved_again_now_waits_not_changed() -> None:
    """Blind round 18, F3/F4: a form read last night, saved again seconds before
    tonight's run (its bytes not read: maybe unchanged), was said "nộp lại (nội
    dung khác)" with "chưa xác định được đơn vị"; the night after, "được đọc lần
    đầu", though it had been read before."""
    read = {
        "file": "2023/phong-noi-vu.xlsx",
        "sha256": "ab",
        "department": "NV",
        "status": "used",
        "modified": "2023-12-01T08:00:00+07:00",
    }
    waiting = {
        **read,
        "sha256": None,
        "status": "pending",
        "modified": "2023-12-02T00:59:50+07:00",
    }
    assert changes.describe_changes(_summary(read), _summary(waiting)) == [
        "Tệp 2023/phong-noi-vu.xlsx (NV) vừa được lưu lại (giờ sửa 01/12/2023 08:00 "
        "→ 02/12/2023 00:59), chưa đọc: để lại cho lần chạy sau, lần này chưa tính "
        "điểm trong tệp."
    ]
    again = {**read, "modified": waiting["modified"]}
    assert changes.describe_changes(_summary(waiting), _summary(again)) == [
        "Tệp 2023/phong-noi-vu.xlsx (NV) được đọc lần này (lần chạy trước để lại vì "
        "tệp vừa được sửa)."
    ]


def _used(
    file: str, sha: str, modified: str = "2024-06-20T08:00:00"
) -> dict[str, object]:
    return {
        "file": file,
        "sha256": sha,
        "department": "NV",
        "status": "used",
        "modified": modified,
    }


def test_a_file_moved_or_renamed_is_said_as_such() -> None:
    """Files moved into subfolders, bytes unchanged, were "Tệp mới" and "Tệp không
    còn trong thư mục" each (blind round 22A, F4c)."""
    before = _summary(_used("2024/nv.xlsx", "aa"))
    after = _summary(_used("2024/NV/nv.xlsx", "aa"))
    assert changes.describe_changes(before, after) == [
        changes.MOVED_FILE.format(
            old="2024/nv.xlsx", file="2024/NV/nv.xlsx", department="NV"
        )
    ]


def test_a_new_file_with_the_content_of_another_is_said() -> None:
    """A department re-sent under a new name the content of a file superseded
    before: it was "Tệp mới" only (blind round 22A, F4a)."""
    old = {**_used("2024/nv-thang-1.xlsx", "aa"), "status": "superseded"}
    before = _summary(old, _used("2024/nv-thang-6.xlsx", "bb"))
    after = _summary(
        old,
        {**_used("2024/nv-thang-6.xlsx", "bb"), "status": "superseded"},
        _used("2024/nv-gui-lai.xlsx", "aa"),
    )
    assert changes.NEW_FILE_SAME_AS.format(
        file="2024/nv-gui-lai.xlsx", department="NV", other="2024/nv-thang-1.xlsx"
    ) in changes.describe_changes(before, after)


def test_a_file_replaced_by_an_older_version_says_so() -> None:
    """The file in use overwritten by January's version (`cp -p`): "Tệp được nộp
    lại (nội dung khác)" only (blind round 22A, F4d)."""
    before = _summary(_used("2024/nv.xlsx", "bb", "2024-06-20T08:00:00"))
    after = _summary(_used("2024/nv.xlsx", "aa", "2024-01-19T08:00:00"))
    assert changes.describe_changes(before, after) == [
        changes.CHANGED_FILE_OLDER.format(
            file="2024/nv.xlsx",
            department="NV",
            old="20/06/2024 08:00",
            new="19/01/2024 08:00",
        )
    ]


def test_a_used_file_gone_says_its_scores_are_no_longer_counted() -> None:
    """(blind round 22A, F5)"""
    before = _summary(_used("2024/nv.xlsx", "bb"))
    assert changes.describe_changes(before, _summary()) == [
        changes.GONE_USED_FILE.format(file="2024/nv.xlsx", department="NV")
    ]


def test_a_used_file_gone_whose_department_has_another_says_which() -> None:
    """NV's old copy removed, its twin still used: "điểm của NV … không còn
    được tính" was wrong (blind re-check 22A, N4)."""
    before = _summary(
        _used("2024/nv.xlsx", "bb"), {**_used("2024/nv - Copy.xlsx", "bb")}
    )
    after = _summary(_used("2024/nv.xlsx", "bb"))
    assert changes.describe_changes(before, after) == [
        changes.GONE_FILE_KEPT.format(
            file="2024/nv - Copy.xlsx", department="NV", other="2024/nv.xlsx"
        )
    ]


def test_a_file_moved_into_another_departments_folder_says_what_changed() -> None:
    """TP's form moved into KTHT's folder: counted for KTHT and rejected, told as
    "nội dung như cũ" only (blind re-check 22A, N2)."""
    before = _summary({**_used("2024/TP/bang-diem.xlsx", "aa"), "department": "TP"})
    after = _summary(
        {
            **_used("2024/KTHT/bang-diem.xlsx", "aa"),
            "department": "KTHT",
            "status": "rejected",
        }
    )
    assert changes.describe_changes(before, after) == [
        changes.MOVED_FILE_READ_OTHERWISE.format(
            old="2024/TP/bang-diem.xlsx",
            file="2024/KTHT/bang-diem.xlsx",
            what="tính cho KTHT (trước: TP); trạng thái được dùng → bị loại",
        )
    ]


def test_two_files_swapping_names_are_said_as_such() -> None:
    """(blind re-check 22A, N3: two "nộp lại (nội dung khác)" lines)"""
    before = _summary(_used("2024/vp.xlsx", "aa"), _used("2024/tckh.xlsx", "bb"))
    after = _summary(_used("2024/vp.xlsx", "bb"), _used("2024/tckh.xlsx", "aa"))
    assert changes.describe_changes(before, after) == [
        changes.CONTENT_OF_OTHER.format(
            file="2024/vp.xlsx", department="NV", other="2024/tckh.xlsx"
        ),
        changes.CONTENT_OF_OTHER.format(
            file="2024/tckh.xlsx", department="NV", other="2024/vp.xlsx"
        ),
    ]


def test_a_file_that_could_not_be_read_is_not_said_resent() -> None:
    """A file made unreadable (its permissions), its bytes unchanged, was said
    "Tệp được nộp lại (nội dung khác)", and so again when it could be read
    once more; a new version set aside never said it (blind round 25B, 3)."""
    used = {
        "file": "2023/vp.xlsx",
        "sha256": "ab",
        "department": "VP",
        "status": "used",
    }
    unread = {**used, "sha256": None, "status": "rejected"}
    assert changes.describe_changes(_summary(used), _summary(unread)) == [
        changes.FILE_NOT_READ_NOW.format(
            file="2023/vp.xlsx", department="VP", old="được dùng", new="bị loại"
        )
    ]
    assert changes.describe_changes(_summary(unread), _summary(used)) == [
        changes.FILE_READ_AGAIN.format(file="2023/vp.xlsx", department="VP")
    ]
    broken = {**used, "sha256": "cd", "status": "rejected"}
    assert changes.describe_changes(_summary(used), _summary(broken)) == [
        changes.CHANGED_FILE.format(file="2023/vp.xlsx", department="VP")
        + changes.NOW_STATUS.format(old="được dùng", new="bị loại")
    ]


def _rename_in_criteria(inputs: Path, old: str, new: str) -> None:
    assert rename_in_workbook(inputs / "criteria" / "lai-chau-2022.xlsx", old, new)


def test_a_department_renamed_in_the_criteria_set_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    """Every output printed the department's new name while the night said
    "Không có bài nộp mới hay thay đổi nào …: giữ nguyên kết quả" (blind round
    26A, F1)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    _rename_in_criteria(inputs, "Phòng Tư pháp", "Phòng Tư pháp huyện Phong Thổ")
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.DEPARTMENT_RENAMED.format(
            code="TP", old="Phòng Tư pháp", new="Phòng Tư pháp huyện Phong Thổ"
        )
    ]
    _rename_in_criteria(inputs, "Phòng Tư pháp huyện Phong Thổ", "Phòng Tư pháp")
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.DEPARTMENT_RENAMED.format(
            code="TP", old="Phòng Tư pháp huyện Phong Thổ", new="Phòng Tư pháp"
        )
    ]


def test_a_department_added_to_the_criteria_set_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    path = inputs / "criteria" / "lai-chau-2022.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Đơn vị"].append(["VHTT", "Phòng Văn hóa và Thông tin", None])
    workbook.save(path)
    _night(inputs, outputs)
    assert changes.DEPARTMENT_ADDED.format(
        code="VHTT", name="Phòng Văn hóa và Thông tin"
    ) in _changes(outputs)


def test_a_criterion_renamed_in_the_criteria_set_is_said(
    inputs: Path, tmp_path: Path
) -> None:
    """A criterion's name changed alone was said by the generic line ("Số liệu
    tổng hợp thay đổi …: bộ chỉ số, thư mục năm trước hoặc kết quả công bố …"),
    no figure having moved (blind re-check 26B, N1)."""
    outputs = tmp_path / "outputs"
    _night(inputs, outputs)
    old = "Mức độ hoàn thành kế hoạch CCHC năm"
    new = "Mức độ hoàn thành kế hoạch cải cách hành chính năm"
    _rename_in_criteria(inputs, old, new)
    _night(inputs, outputs)
    assert _changes(outputs) == [
        changes.CRITERION_RENAMED.format(code="1.1", old=old, new=new)
    ]


def test_many_criteria_renamed_are_said_five_then_counted() -> None:
    """A new version of the set may rename many criteria: the first five are
    named, the others counted."""
    names = [[f"1.{i}", f"Tiêu chí {i}"] for i in range(1, 9)]
    renamed = [[code, f"{name} (sửa)"] for code, name in names[:7]] + names[7:]
    lines = changes.describe_changes(
        {**_summary(), "criteria_names": names},
        {**_summary(), "criteria_names": renamed},
    )
    assert lines == [
        *[
            changes.CRITERION_RENAMED.format(
                code=f"1.{i}", old=f"Tiêu chí {i}", new=f"Tiêu chí {i} (sửa)"
            )
            for i in range(1, 6)
        ],
        changes.CRITERIA_RENAMED_MORE.format(count=2),
    ]
    # a part of an earlier version without the names tells nothing
    assert changes.describe_changes(
        _summary(), {**_summary(), "criteria_names": renamed}
    ) == [changes.NOTHING_CHANGED]


def test_a_unit_filling_its_own_form_renamed_is_not_said_renamed_in_the_set() -> None:
    """The one department of a unit that fills its whole form itself (``DV``) is
    named by its ``don-vi.toml`` or the province's register, not by the criteria
    set: its new name is said by those files' own lines, never as a rename "trong
    bộ chỉ số"."""
    before = {**_summary(), "departments": [["DV", "UBND xã Tân Hợp"]]}
    after = {**_summary(), "departments": [["DV", "UBND xã Tân Hợp mới"]]}
    assert changes.describe_changes(before, after) == [changes.NOTHING_CHANGED]


def test_a_department_whose_code_changed_is_said_so() -> None:
    """A department's code changed in the set, its name kept, was said as one
    department added ("Bộ chỉ số có thêm đơn vị TPH (Phòng Tư pháp).") beside
    its old workbook's removal (blind re-check 26B, N2)."""
    before = {
        **_summary(),
        "departments": [["NV", "Phòng Nội vụ"], ["TP", "Phòng Tư pháp"]],
    }
    after = {
        **_summary(),
        "departments": [["NV", "Phòng Nội vụ"], ["TPH", "Phòng Tư pháp"]],
    }
    assert changes.describe_changes(before, after) == [
        changes.DEPARTMENT_CODE_CHANGED.format(
            name="Phòng Tư pháp", old="TP", new="TPH"
        )
    ]

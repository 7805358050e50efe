"""What changed since the last run, from the previous and the new summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parindex.criteria import SELF_DEPARTMENT
from parindex.text import format_vn

FIRST_RUN = "Lần tổng hợp đầu tiên của năm {year}."
NOTHING_CHANGED = (
    "Không có bài nộp mới hay thay đổi nào so với lần chạy trước: giữ nguyên kết quả."
)
STANDING_REWRITTEN = (
    "Bài nộp và số liệu của đơn vị không đổi; {count} bảng phản hồi được ghi lại vì "
    "số liệu các đơn vị khác trong nhóm thay đổi (thứ hạng, điểm trung bình của nhóm)."
)
"""A province unit whose own figures did not change, whose feedback workbooks
(its place in its group) were rewritten."""
NEW_FILE = "Tệp mới: {file} ({department})."
UNKNOWN = "chưa xác định được đơn vị"
NEW_FILE_NO_DEPARTMENT = "Tệp mới: {file} (" + UNKNOWN + ")."
PENDING_FILE = "Tệp mới, để lại cho lần chạy sau vì vừa được sửa: {file}."
NEW_FILE_NOT_READ = "Tệp mới, không đọc ({status}): {file}."
FIRST_READ = (
    "Tệp {file} ({department}) được đọc lần này (lần chạy trước để lại vì tệp vừa "
    "được sửa)."
)
WAITING_AGAIN = (
    "Tệp {file} ({department}) vừa được lưu lại (giờ sửa {old} → {new}), chưa đọc: "
    "để lại cho lần chạy sau, lần này chưa tính điểm trong tệp."
)
CHANGED_FILE = "Tệp được nộp lại (nội dung khác): {file} ({department})."
NOW_STATUS = " Trạng thái: {old} → {new}."
"""Said after ``CHANGED_FILE`` when the new version's status differs (a new
version set aside: ``được dùng → bị loại``)."""
FILE_NOT_READ_NOW = (
    "Tệp {file} ({department}) lần này không đọc được nội dung (không biết nội "
    "dung có đổi không): trạng thái {old} → {new}."
)
FILE_READ_AGAIN = (
    "Tệp {file} ({department}) đọc được nội dung trở lại (lần chạy trước không đọc "
    "được)."
)
CHANGED_FILE_OLDER = (
    "Tệp được nộp lại (nội dung khác): {file} ({department}), nhưng giờ sửa của bản "
    "mới ({new}) cũ hơn bản trước ({old}): có thể một bản cũ đã được chép đè lên. "
    "Hãy kiểm tra; các bản trước vẫn còn trong thư mục lưu (archive)."
)
MOVED_FILE = (
    "Tệp {old} được chuyển chỗ hoặc đổi tên thành {file} ({department}), nội dung "
    "như cũ."
)
NEW_FILE_SAME_AS = (
    "Tệp mới: {file} ({department}), cùng nội dung với tệp {other} đã có trong thư mục."
)
MOVED_FILE_READ_OTHERWISE = (
    "Tệp {old} được chuyển chỗ hoặc đổi tên thành {file}, nội dung như cũ nhưng "
    "nay được đọc khác: {what}."
)
CONTENT_OF_OTHER = (
    "Tệp {file} ({department}) nay có nội dung trước đây của tệp {other} (hai tệp "
    "đổi chỗ hoặc bị chép đè lên nhau?)."
)
GONE_FILE_KEPT = (
    "Tệp không còn trong thư mục: {file}; {department} nay được tính theo tệp {other}."
)
GONE_USED_FILE = (
    "Tệp không còn trong thư mục: {file}; điểm của {department} trong tệp này không "
    "còn được tính."
)
UNIT_SETTINGS_CHANGED = (
    "Thông tin đơn vị ({file}) đã được sửa: báo cáo được ghi lại theo thông tin mới."
)
PUBLISHED_CHANGED = "Kết quả công bố năm {year} ({file}) thay đổi: {what}."
RESAVED_FILE = (
    "Tệp {file} ({department}) được lưu lại, nội dung như cũ (giờ sửa {old} → "
    "{new}): số liệu không đổi."
)
GONE_FILE = "Tệp không còn trong thư mục: {file}."
STATUS_CHANGED = "Tệp {file}: trạng thái {old} → {new}."
TOTAL_CHANGED = "Tổng điểm: {old} → {new}."
NOT_SCORED = "chưa có điểm"  # the total of a year none of whose criteria is scored
TOTAL_CHANGED_UNSCORED = (
    "Tổng điểm: {old} → {new} (năm {year} còn {count} tiêu chí chưa có điểm, "
    "tính 0 điểm)."
)
PREVIOUS_CHANGED = "Số liệu năm {year} (năm trước) thay đổi: tổng {old} → {new}."
CRITERIA_SET_CHANGED = "Bộ chỉ số thay đổi: {old} → {new}."
DEPARTMENT_RENAMED = (
    "Tên đơn vị {code} trong bộ chỉ số thay đổi: “{old}” → “{new}” (bảng điểm, bảng "
    "phản hồi và báo cáo ghi theo tên mới)."
)
DEPARTMENT_ADDED = "Bộ chỉ số có thêm đơn vị {code} ({name})."
DEPARTMENT_CODE_CHANGED = (
    "Mã của đơn vị “{name}” trong bộ chỉ số đổi: {old} → {new} (bảng điểm của đơn "
    "vị nay mang mã mới)."
)
CRITERION_RENAMED = "Tên tiêu chí {code} trong bộ chỉ số thay đổi: “{old}” → “{new}”."
CRITERIA_RENAMED_MORE = "Còn {count} tiêu chí khác trong bộ chỉ số đổi tên."
RENAMED_SHOWN = 5
"""Criteria renamed said one by one (a new version of the set may rename many)."""
COMPARISON_CHANGED = (
    "So sánh với năm trước thay đổi dù tổng điểm năm nay không đổi (kết quả công "
    "bố năm trước trong history.xlsx đã được sửa?). Trước: “{old}” Nay: “{new}”"
)
"""The headline's comparison with last year moved, nothing else said explaining
it (last year's published total or rank corrected)."""
FIGURES_CHANGED = (
    "Số liệu tổng hợp thay đổi dù không có bài nộp mới hay thay đổi nào của năm "
    "{year}: bộ chỉ số, thư mục năm trước hoặc kết quả công bố (history.xlsx) đã "
    "được sửa."
)
PROBLEMS_CHANGED = (
    "Danh sách lỗi và cảnh báo thay đổi dù không có bài nộp mới hay thay đổi nào "
    "của năm {year}: nay {errors} lỗi, {warnings} cảnh báo (lần trước {old_errors} "
    "lỗi, {old_warnings} cảnh báo)."
)
SUMMARY_EDITED = (
    "Tệp {file} đã bị sửa hoặc xóa sau lần chạy trước (không phải do parindex): so "
    "sánh với kết quả lần chạy trước đã ghi, và ghi lại tệp."
)
SUMMARY_EDITED_NOT_COMPARED = (
    "Tệp {file} đã bị sửa hoặc xóa sau lần chạy trước (không phải do parindex) và "
    "không còn bản lần chạy đó đã ghi: không so sánh được với lần chạy trước; đã "
    "ghi lại tệp."
)
DEPARTMENT_WORKBOOK_REMOVED = (
    "Đơn vị {department} không còn trong bộ chỉ số: đã xóa bảng điểm cũ {file} "
    "(do lần chạy trước ghi)."
)
DEPARTMENT_WORKBOOK_EDITED = (
    "Đơn vị {department} không còn trong bộ chỉ số, nhưng bảng điểm cũ {file} đã bị "
    "sửa sau lần chạy trước nên không xóa: hãy xóa tệp này nếu không còn dùng."
)
DEPARTMENT_WORKBOOK_NOT_REMOVED = (
    "Đơn vị {department} không còn trong bộ chỉ số, nhưng không xóa được bảng điểm "
    "cũ {file} ({reason}): tệp vẫn còn, số liệu trong đó đã cũ; hãy đóng tệp hoặc "
    "xóa tay."
)
STATUS_WORDS = {
    "used": "được dùng",
    "superseded": "bị thay thế",
    "rejected": "bị loại",
    "ignored": "bỏ qua",
    "pending": "chờ lần sau",
    "attachment": "tài liệu kèm theo",
}


def describe_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Vietnamese lines saying what differs between two summaries of the same year.

    Args:
        old: the summary written by the previous run, or None on the first run.
        new: the summary of this run.
    """
    if old is None:
        return [FIRST_RUN.format(year=new["year"])]
    before = {s["file"]: s for s in old.get("submissions", [])}
    after = {s["file"]: s for s in new["submissions"]}
    # a file gone whose content came back under another name: moved, renamed
    gone = {
        entry.get("sha256"): name
        for name, entry in before.items()
        if name not in after and entry.get("sha256")
    }
    moved: set[str] = set()
    # the contents already in the folder, by the first file holding each
    held: dict[Any, str] = {}
    for name, entry in before.items():
        if name in after and entry.get("sha256"):
            held.setdefault(entry["sha256"], name)
    # every content of the last run, by the first file holding it
    contents: dict[Any, str] = {}
    for name, entry in before.items():
        if entry.get("sha256"):
            contents.setdefault(entry["sha256"], name)
    lines = []
    for name, entry in after.items():
        department = entry.get("department")
        if name not in before:
            status = entry.get("status")
            sha = entry.get("sha256")
            if sha and sha in gone and gone[sha] not in moved:
                moved.add(gone[sha])
                lines.append(_moved_line(before[gone[sha]], entry))
            elif sha and sha in held and status not in ("ignored", "attachment"):
                lines.append(
                    NEW_FILE_SAME_AS.format(
                        file=name, department=department or UNKNOWN, other=held[sha]
                    )
                )
            elif status == "pending":
                lines.append(PENDING_FILE.format(file=name))
            elif status in ("ignored", "attachment"):
                lines.append(
                    NEW_FILE_NOT_READ.format(file=name, status=_status_word(status))
                )
            elif department:
                lines.append(NEW_FILE.format(file=name, department=department))
            else:
                lines.append(NEW_FILE_NO_DEPARTMENT.format(file=name))
            if sha:  # a copy of it arriving the same night is one too
                held.setdefault(sha, name)
        elif (
            before[name].get("status") == "pending" and entry.get("status") != "pending"
        ):
            lines.append(FIRST_READ.format(file=name, department=department or UNKNOWN))
        elif entry.get("status") == "pending":
            if before[name].get("status") != "pending" or entry.get(
                "modified"
            ) != before[name].get("modified"):  # saved again: its bytes not read
                lines.append(
                    WAITING_AGAIN.format(
                        file=name,
                        department=department
                        or before[name].get("department")
                        or UNKNOWN,
                        old=_when(before[name].get("modified")),
                        new=_when(entry.get("modified")),
                    )
                )
        elif entry.get("sha256") is None and before[name].get("sha256"):
            lines.append(  # its bytes not read tonight: not known to differ
                FILE_NOT_READ_NOW.format(
                    file=name,
                    department=department or before[name].get("department") or UNKNOWN,
                    old=_status_word(before[name]["status"]),
                    new=_status_word(entry["status"]),
                )
            )
        elif before[name].get("sha256") is None and entry.get("sha256"):
            lines.append(
                FILE_READ_AGAIN.format(file=name, department=department or UNKNOWN)
            )
        elif entry.get("sha256") != before[name].get("sha256"):
            department = department or UNKNOWN
            older = _earlier(entry.get("modified"), before[name].get("modified"))
            other = contents.get(entry.get("sha256"))
            lines.append(
                CONTENT_OF_OTHER.format(file=name, department=department, other=other)
                if other is not None and other != name
                else CHANGED_FILE_OLDER.format(
                    file=name,
                    department=department,
                    old=_when(before[name].get("modified")),
                    new=_when(entry.get("modified")),
                )
                if older
                else CHANGED_FILE.format(file=name, department=department)
                + (
                    NOW_STATUS.format(
                        old=_status_word(before[name]["status"]),
                        new=_status_word(entry["status"]),
                    )
                    if entry.get("status") != before[name].get("status")
                    else ""
                )
            )
        elif (
            entry.get("modified")
            and before[name].get("modified")
            and entry.get("modified") != before[name].get("modified")
            and entry["status"] == before[name]["status"]
        ):  # its time goes into the outputs' dates: they are written again
            lines.append(
                RESAVED_FILE.format(
                    file=name,
                    department=department or UNKNOWN,
                    old=_when(before[name]["modified"]),
                    new=_when(entry["modified"]),
                )
            )
        elif entry["status"] != before[name]["status"]:
            lines.append(
                STATUS_CHANGED.format(
                    file=name,
                    old=_status_word(before[name]["status"]),
                    new=_status_word(entry["status"]),
                )
            )
    lines += [
        _gone_line(name, entry, after)
        for name, entry in before.items()
        if name not in after and name not in moved
    ]
    lines += _elsewhere(old, new, explained=bool(lines))
    before_shown, shown = _total_shown(old), _total_shown(new)
    if old.get("total") != new["total"] or before_shown != shown:
        unscored = _unscored(new)
        lines.append(
            TOTAL_CHANGED_UNSCORED.format(
                old=before_shown, new=shown, year=new["year"], count=unscored
            )
            if unscored and not nothing_scored(new)
            else TOTAL_CHANGED.format(old=before_shown, new=shown)
        )
    return lines or [NOTHING_CHANGED]


def _status_word(status: Any) -> str:
    """A submission's status as the change list says it (``được dùng``…)."""
    return STATUS_WORDS.get(str(status), str(status))


def _unscored(summary: dict[str, Any]) -> int:
    """How many criteria a summary (or the part of it compared) leaves unscored:
    its total counts them 0."""
    if isinstance(summary.get("unscored"), int):
        return int(summary["unscored"])
    missing = summary.get("missing")
    return len(missing) if isinstance(missing, list) else 0


def nothing_scored(summary: dict[str, Any]) -> bool:
    """Whether a summary (or the part of it compared, ``compared_part``) is of a
    year none of whose criteria is scored: its headline has no computed total.
    A summary written before that was said tells nothing (False)."""
    headline = summary.get("headline")
    found = headline if isinstance(headline, dict) else summary
    return "computed_total" in found and found["computed_total"] is None


def _total_shown(summary: dict[str, Any]) -> str:
    """A summary's total as the lines give it: ``79,24``, ``chưa có điểm`` for a
    year none of whose criteria is scored (``nothing_scored``), ``—`` when it
    has none."""
    if nothing_scored(summary):
        return NOT_SCORED
    return _shown(summary.get("total"))


def _moved_line(old: dict[str, Any], new: dict[str, Any]) -> str:
    """A file whose bytes are now under another name: moved or renamed, and,
    when it is read otherwise there (another department, another status),
    how."""
    what = []
    if new.get("department") != old.get("department"):
        what.append(
            f"tính cho {new.get('department') or UNKNOWN} "
            f"(trước: {old.get('department') or UNKNOWN})"
        )
    if new.get("status") != old.get("status"):
        what.append(
            f"trạng thái {_status_word(old.get('status'))} → "
            f"{_status_word(new.get('status'))}"
        )
    if what:
        return MOVED_FILE_READ_OTHERWISE.format(
            old=old["file"], file=new["file"], what="; ".join(what)
        )
    return MOVED_FILE.format(
        old=old["file"], file=new["file"], department=new.get("department") or UNKNOWN
    )


def _gone_line(name: str, entry: dict[str, Any], after: dict[str, Any]) -> str:
    """A file of the last run no longer in the folder: a used one says whether
    its department is still scored, and by which file."""
    department = entry.get("department")
    if entry.get("status") != "used" or not department:
        return GONE_FILE.format(file=name)
    kept = next(
        (
            other
            for other, now in after.items()
            if now.get("department") == department and now.get("status") == "used"
        ),
        None,
    )
    if kept is not None:
        return GONE_FILE_KEPT.format(file=name, department=department, other=kept)
    return GONE_USED_FILE.format(file=name, department=department)


def _earlier(moment: Any, than: Any) -> bool:
    """Whether the time ``moment`` is before ``than`` (both ISO texts; False
    when either is not one)."""
    try:
        return dt.datetime.fromisoformat(str(moment)) < dt.datetime.fromisoformat(
            str(than)
        )
    except (TypeError, ValueError):
        return False


def _when(moment: Any) -> str:
    """``2024-01-05T08:00:00+07:00`` as the lines show a time: 05/01/2024 08:00."""
    try:
        return dt.datetime.fromisoformat(str(moment)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(moment)


def _shown(total: Any) -> str:
    return format_vn(total) if isinstance(total, int | float) else "—"


def _elsewhere(
    old: dict[str, Any], new: dict[str, Any], *, explained: bool
) -> list[str]:
    """What changed that is not a file of the year: last year's figures, the
    criteria set, and (when nothing else explains it) the other figures the
    summary compares (``publish.compared.figures_digest``: the published results,
    last year's per component). A key one of the summaries lacks (one written by
    an earlier version) tells nothing."""
    lines = []
    if _moved(old, new, "unit"):  # don-vi.toml: the report's header block
        lines.append(UNIT_SETTINGS_CHANGED.format(file=new["unit"].get("file")))
    published = _published_changes(old, new)
    if published:
        lines.append(
            PUBLISHED_CHANGED.format(
                year=new.get("year", ""),
                file=new["published"].get("file"),
                what="; ".join(published),
            )
        )
    if "previous" in old and "previous" in new:
        before, after = old["previous"] or {}, new["previous"] or {}
        if before.get("total") != after.get("total"):
            lines.append(
                PREVIOUS_CHANGED.format(
                    year=after.get("year") or before.get("year") or "trước",
                    old=_shown(before.get("total")),
                    new=_shown(after.get("total")),
                )
            )
    if (
        "criteria_set" in old
        and "criteria_set" in new
        and old["criteria_set"] != new["criteria_set"]
    ):
        lines.append(
            CRITERIA_SET_CHANGED.format(
                old=old["criteria_set"], new=new["criteria_set"]
            )
        )
    lines += _departments_changed(old, new)
    lines += _criteria_renamed(old, new)
    if (
        not lines
        and not explained
        and old.get("total") == new.get("total")
        and _moved(old, new, "comparison_text")
    ):
        lines.append(
            COMPARISON_CHANGED.format(
                old=old["comparison_text"], new=new["comparison_text"]
            )
        )
    if (
        not lines
        and not explained
        and (_moved(old, new, "figures") or _moved(old, new, "comparison"))
    ):
        lines.append(FIGURES_CHANGED.format(year=new.get("year", "")))
    if not lines and not explained and _moved(old, new, "problems"):
        (errors, warnings), (old_errors, old_warnings) = (
            _counts(new["problems"]),
            _counts(old["problems"]),
        )
        lines.append(
            PROBLEMS_CHANGED.format(
                year=new.get("year", ""),
                errors=errors,
                warnings=warnings,
                old_errors=old_errors,
                old_warnings=old_warnings,
            )
        )
    return lines


def _departments_changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A department of the criteria set renamed, or added to it (one taken out
    is said by its feedback workbook's removal: ``DEPARTMENT_WORKBOOK_REMOVED``).
    The one department of a unit filling its whole form itself is named by its
    ``don-vi.toml`` or the province's register, which say their own changes."""
    if not _moved(old, new, "departments"):
        return []
    before = dict(_pairs(old["departments"]))
    after = dict(_pairs(new["departments"]))
    # a code no longer in the set, by its name: a new code of that name is the
    # same department under another code
    gone = {name: code for code, name in before.items() if code not in after}
    lines = []
    for code, name in after.items():
        if code == SELF_DEPARTMENT.code:
            continue
        if code not in before and name in gone:
            lines.append(
                DEPARTMENT_CODE_CHANGED.format(name=name, old=gone.pop(name), new=code)
            )
        elif code not in before:
            lines.append(DEPARTMENT_ADDED.format(code=code, name=name))
        elif before[code] != name:
            lines.append(
                DEPARTMENT_RENAMED.format(code=code, old=before[code], new=name)
            )
    return lines


def _criteria_renamed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Each component or criterion of the set whose name changed (the first
    ``RENAMED_SHOWN``, then how many more)."""
    if not _moved(old, new, "criteria_names"):
        return []
    before = dict(_pairs(old["criteria_names"]))
    renamed = [
        CRITERION_RENAMED.format(code=code, old=before[code], new=name)
        for code, name in _pairs(new["criteria_names"])
        if code in before and before[code] != name
    ]
    if len(renamed) > RENAMED_SHOWN:
        more = len(renamed) - RENAMED_SHOWN
        return [*renamed[:RENAMED_SHOWN], CRITERIA_RENAMED_MORE.format(count=more)]
    return renamed


def _pairs(listed: Any) -> list[tuple[Any, Any]]:
    """(code, name) of each department or criterion a part lists
    (``compared_part``)."""
    if not isinstance(listed, list):
        return []
    return [(d[0], d[1]) for d in listed if isinstance(d, list | tuple) and len(d) == 2]


def _published_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What of the year's published results (``history.xlsx``) differs between
    two parts: ``tổng điểm 79,27 → 79,3``, ``xếp hạng 2/8 → 3/8``."""
    if not _moved(old, new, "published"):
        return []
    before, after = old["published"] or {}, new["published"] or {}
    said = []
    if before.get("total") != after.get("total"):
        old_total, new_total = before.get("total"), after.get("total")
        said.append(
            f"tổng điểm {_shown(old_total) if old_total is not None else 'chưa có'} → "
            f"{_shown(new_total) if new_total is not None else 'chưa có'}"
        )
    if before.get("rank") != after.get("rank"):
        said.append(
            f"xếp hạng {_rank_shown(before.get('rank'))} → "
            f"{_rank_shown(after.get('rank'))}"
        )
    if not said and before.get("figures") != after.get("figures"):
        said.append("số điểm các nhóm hoặc chỉ số thành phần")
    return said


def _rank_shown(rank: Any) -> str:
    """``3/8`` (``3`` when the number of units is not known), ``chưa có``."""
    if not isinstance(rank, dict) or rank.get("position") is None:
        return "chưa có"
    of = rank.get("of")
    return f"{rank['position']}/{of}" if of else str(rank["position"])


def _moved(old: dict[str, Any], new: dict[str, Any], key: str) -> bool:
    """Whether both summaries' parts have ``key`` and it differs (a part of an
    earlier version without it tells nothing)."""
    return key in old and key in new and old[key] != new[key]


def _counts(problems: Any) -> tuple[Any, Any]:
    """(errors, warnings) of a part's ``problems`` (``publish.compared``)."""
    if isinstance(problems, dict):
        return problems.get("errors", "?"), problems.get("warnings", "?")
    return "?", "?"

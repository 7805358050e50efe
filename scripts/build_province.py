"""Build the sample province under ``examples/province/inputs/``.

A small province folder, every figure derived from fixed data so that tests can check
the ranking independently of the pipeline:

* ``don-vi.xlsx``: 7 units in two groups; ``Xếp loại`` (Xuất sắc 90 %, Tốt 80 %,
  Khá 70 %, Trung bình 50 %);
* ``criteria/lai-chau-huyen-2022.xlsx``: the Lai Châu district set (the shipped
  sample's, with ``Khối: UBND cấp huyện``), answered by each district's departments;
* ``criteria/so-ban-nganh-2022.xlsx``: a department-level set written for this
  sample (``Khối: Sở, ban, ngành``, 8 components, 100 points) **without**
  ``Đơn vị chủ trì``: each sở fills the whole form itself;
* ``units/<code>/2022/``, ``units/<code>/2023/``: the submissions.

The districts: PT is Phong Thổ, the shipped sample itself (2023: 79.24); TD is built
from it to tie with it in 2023 (the same total, other components); SH loses points
elsewhere. The sở: SNV, STP and STC (STC's 2023 form has no appraised score yet: it
is provisional, ranked on its self-assessment), SYT submitted in 2022 only (missing
in 2023).

Usage::

    python scripts/build_province.py [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sys
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

SCRIPT_DIR = Path(__file__).resolve().parent
REPO = SCRIPT_DIR.parent
DEFAULT_OUT = REPO / "examples" / "province" / "inputs"
YEARS = (2022, 2023)
DISTRICT_GROUP = "UBND cấp huyện"
DEPARTMENT_GROUP = "Sở, ban, ngành"

_spec = importlib.util.spec_from_file_location(
    "build_sample", SCRIPT_DIR / "build_sample.py"
)
assert _spec is not None and _spec.loader is not None
sample = importlib.util.module_from_spec(_spec)
sys.modules["build_sample"] = sample
_spec.loader.exec_module(sample)

# code, name, group, aliases
UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("PT", "UBND huyện Phong Thổ", DISTRICT_GROUP, "Phong Thổ"),
    ("TD", "UBND huyện Tam Đường", DISTRICT_GROUP, "Tam Đường"),
    ("SH", "UBND huyện Sìn Hồ", DISTRICT_GROUP, "Sìn Hồ"),
    ("SNV", "Sở Nội vụ", DEPARTMENT_GROUP, "Nội vụ"),
    ("STP", "Sở Tư pháp", DEPARTMENT_GROUP, "Tư pháp"),
    ("STC", "Sở Tài chính", DEPARTMENT_GROUP, "Tài chính"),
    ("SYT", "Sở Y tế", DEPARTMENT_GROUP, "Y tế"),
)
GRADES: tuple[tuple[str, str, int], ...] = (
    ("", "Xuất sắc", 90),
    ("", "Tốt", 80),
    ("", "Khá", 70),
    ("", "Trung bình", 50),
)
SUBMITTED: dict[str, tuple[int, ...]] = {"SYT": (2022,)}  # others: both years
PROVISIONAL: set[tuple[str, int]] = {("STC", 2023)}  # no appraised score yet

# The department-level set: (code, name, max, group); groups on leaves only.
DEPARTMENT_SET: tuple[tuple[str, str, float, str], ...] = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 10, ""),
    ("1.1", "Kế hoạch cải cách hành chính", 3, ""),
    ("1.1.1", "Ban hành kế hoạch CCHC năm đúng thời hạn", 1.5, "Thẩm định"),
    ("1.1.2", "Mức độ hoàn thành kế hoạch CCHC", 1.5, "Thẩm định"),
    ("1.2", "Báo cáo CCHC định kỳ đầy đủ, đúng hạn", 2, "Thẩm định"),
    ("1.3", "Kiểm tra công tác CCHC", 2, "Thẩm định"),
    ("1.4", "Tuyên truyền cải cách hành chính", 3, "Thẩm định"),
    ("2", "Xây dựng và tổ chức thi hành văn bản quy phạm pháp luật", 8, ""),
    ("2.1", "Tham mưu xây dựng văn bản quy phạm pháp luật", 4, "Thẩm định"),
    ("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", 4, "Thẩm định"),
    ("3", "Cải cách thủ tục hành chính", 14, ""),
    ("3.1", "Rà soát, đơn giản hóa thủ tục hành chính", 4, "Thẩm định"),
    ("3.2", "Công khai thủ tục hành chính", 4, "Thẩm định"),
    ("3.3", "Giải quyết hồ sơ thủ tục hành chính đúng hạn", 6, "Thẩm định"),
    ("4", "Cải cách tổ chức bộ máy", 8, ""),
    ("4.1", "Sắp xếp tổ chức bộ máy theo quy định", 4, "Thẩm định"),
    ("4.2", "Thực hiện quy định về quản lý biên chế", 4, "Thẩm định"),
    ("5", "Cải cách chế độ công vụ", 10, ""),
    ("5.1", "Vị trí việc làm và cơ cấu ngạch công chức", 4, "Thẩm định"),
    ("5.2", "Tuyển dụng, đánh giá công chức, viên chức", 3, "Thẩm định"),
    ("5.3", "Kỷ luật, kỷ cương hành chính", 3, "Thẩm định"),
    ("6", "Cải cách tài chính công", 8, ""),
    ("6.1", "Quản lý, sử dụng ngân sách", 4, "Thẩm định"),
    ("6.2", "Thực hiện cơ chế tự chủ tài chính", 4, "Thẩm định"),
    ("7", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", 14, ""),
    ("7.1", "Hệ thống quản lý văn bản và điều hành", 4, "Thẩm định"),
    ("7.2", "Cung cấp dịch vụ công trực tuyến toàn trình", 6, "Thẩm định"),
    ("7.3", "Sử dụng chữ ký số", 4, "Thẩm định"),
    ("8", "Tác động của cải cách hành chính", 28, ""),
    ("8.1", "Khảo sát sự hài lòng của cán bộ, công chức", 20, ""),
    ("8.1.1", "Đánh giá về công tác chỉ đạo, điều hành", 5, "Điều tra XHH"),
    ("8.1.2", "Đánh giá về thủ tục hành chính", 5, "Điều tra XHH"),
    ("8.1.3", "Đánh giá về chế độ công vụ", 5, "Điều tra XHH"),
    ("8.1.4", "Đánh giá về chính quyền số", 5, "Điều tra XHH"),
    ("8.2", "Sự hài lòng của người dân, tổ chức (SIPAS)", 8, ""),
    ("8.2.1", "Tiếp cận dịch vụ", 4, "SIPAS"),
    ("8.2.2", "Kết quả giải quyết thủ tục hành chính", 4, "SIPAS"),
)
# Leaves every sở loses on (what the province's weak criteria must show first).
COMMON_LOSSES: dict[str, Decimal] = {
    "3.3": Decimal("1.5"),
    "7.2": Decimal("2"),
    "8.2.1": Decimal("0.5"),
}
# Extra losses per (sở, year): leaf → points lost.
UNIT_LOSSES: dict[tuple[str, int], dict[str, Decimal]] = {
    ("SNV", 2022): {"1.3": Decimal("0.5"), "8.1.2": Decimal("0.75")},
    ("SNV", 2023): {"8.1.2": Decimal("0.25")},
    ("STP", 2022): {"2.2": Decimal("1"), "5.1": Decimal("1"), "8.1.3": Decimal("1.2")},
    ("STP", 2023): {
        "2.2": Decimal("1"),
        "6.2": Decimal("1.5"),
        "8.1.3": Decimal("0.8"),
    },
    ("STC", 2022): {"7.3": Decimal("1"), "8.1.4": Decimal("1.5"), "1.4": Decimal("1")},
    ("STC", 2023): {
        "7.3": Decimal("1"),
        "1.4": Decimal("1.5"),
        "8.1.4": Decimal("0.8"),
    },
    ("SYT", 2022): {"3.1": Decimal("2"), "4.2": Decimal("1"), "8.1.1": Decimal("2")},
}
REASON = "Chưa đạt yêu cầu theo hướng dẫn chấm điểm"


@dataclass(frozen=True)
class Leaf:
    code: str
    name: str
    max: Decimal
    group: str


def department_leaves() -> list[Leaf]:
    codes = [c for c, *_ in DEPARTMENT_SET]
    parents = {c.rpartition(".")[0] for c in codes if "." in c}
    return [
        Leaf(c, n, Decimal(str(m)), g)
        for c, n, m, g in DEPARTMENT_SET
        if c not in parents
    ]


def department_scores(code: str, year: int) -> dict[str, Decimal]:
    """The appraised score of every leaf of a sở's year."""
    losses = {**COMMON_LOSSES, **UNIT_LOSSES.get((code, year), {})}
    if year == 2022:  # a year earlier, the common losses were larger
        losses = {
            k: v + Decimal("0.5") if k in COMMON_LOSSES else v
            for k, v in losses.items()
        }
    return {
        leaf.code: leaf.max - losses.get(leaf.code, Decimal(0))
        for leaf in department_leaves()
    }


def district_scores(data: Any, code: str, year: int) -> dict[str, Any]:
    """Each leaf's ``Score`` for a district: PT's own, TD moved to tie with PT in
    2023, SH with losses drawn from a fixed seed."""
    base: dict[str, Any] = dict(data.scores[year])
    if code == "PT":
        return base
    maxima = {c.code: Decimal(str(c.maximum)) for c in data.criteria if c.is_leaf}
    components = {c.code: c.code.split(".")[0] for c in data.criteria if c.is_leaf}
    if code == "TD":
        # raise the first leaf of component 1 that lost points to its maximum and
        # lose the same points on the first leaf of component 7 that can: same total
        if year == 2023:
            up = next(
                k
                for k in maxima
                if components[k] == "1" and Decimal(str(base[k].appraised)) < maxima[k]
            )
            gain = maxima[up] - Decimal(str(base[up].appraised))
            down = next(
                k
                for k in maxima
                if components[k] == "7" and Decimal(str(base[k].appraised)) >= gain
            )
            base[up] = replace(base[up], appraised=float(maxima[up]), reason="")
            lowered = Decimal(str(base[down].appraised)) - gain
            base[down] = replace(base[down], appraised=float(lowered), reason=REASON)
        else:
            for k in list(maxima)[:3]:
                base[k] = replace(base[k], appraised=float(maxima[k]), reason="")
        return base
    rng = random.Random(f"parindex-province:{code}:{year}")
    for k in rng.sample(sorted(maxima), 8):
        score = Decimal(str(base[k].appraised))
        step = min(score, Decimal("0.5"))
        base[k] = replace(base[k], appraised=float(score - step), reason=REASON)
    return base


def _workbook(path: Path) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), sample.WORKBOOK_OPTIONS)
    workbook.set_properties(sample.PROPERTIES)
    return workbook


def write_register(path: Path) -> None:
    workbook = _workbook(path)
    header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    units = workbook.add_worksheet("Đơn vị")
    for col, label in enumerate(("Mã đơn vị", "Tên đơn vị", "Khối", "Tên khác")):
        units.write_string(0, col, label, header)
    for row, record in enumerate(UNITS, start=1):
        for col, value in enumerate(record):
            units.write_string(row, col, value)
    units.set_column(0, 3, 24)
    grades = workbook.add_worksheet("Xếp loại")
    for col, label in enumerate(("Khối", "Loại", "Từ (%)")):
        grades.write_string(0, col, label, header)
    for row, (group, grade, floor) in enumerate(GRADES, start=1):
        if group:
            grades.write_string(row, 0, group)
        grades.write_string(row, 1, grade)
        grades.write_number(row, 2, floor)
    grades.set_column(0, 2, 16)
    workbook.close()


def write_criteria_set(
    path: Path,
    rows: list[tuple[str, str, float, str, str]],
    *,
    title: str,
    name: str,
    group: str,
    departments: list[tuple[str, str, str]] | None,
) -> None:
    """A criteria workbook with ``Khối``; without ``departments``, no ``Đơn vị chủ
    trì`` column and no ``Đơn vị`` sheet (the unit fills the whole form)."""
    workbook = _workbook(path)
    bold = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    sheet = workbook.add_worksheet("Tiêu chí")
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, f"Tên: {name}")
    sheet.write_string(2, 0, "Áp dụng từ năm: 2022")
    sheet.write_string(3, 0, f"Khối: {group}")
    labels = ["Mã", "Tên", "Điểm tối đa", "Nhóm điểm"]
    if departments is not None:
        labels.append("Đơn vị chủ trì")
    for col, label in enumerate(labels):
        sheet.write_string(5, col, label, header)
    for row, (code, text, maximum, score_group, owners) in enumerate(rows, start=6):
        sheet.write_string(row, 0, code)
        sheet.write_string(row, 1, text)
        sheet.write_number(row, 2, maximum)
        if score_group:
            sheet.write_string(row, 3, score_group)
        if departments is not None and owners:
            sheet.write_string(row, 4, owners)
    sheet.set_column(1, 1, 60)
    if departments is not None:
        units = workbook.add_worksheet("Đơn vị")
        for col, label in enumerate(("Mã đơn vị", "Tên đơn vị", "Tên khác")):
            units.write_string(0, col, label, header)
        for row, record in enumerate(departments, start=1):
            for col, value in enumerate(record):
                units.write_string(row, col, value)
    workbook.close()


def write_self_assessment(path: Path, unit: str, name: str, year: int) -> None:
    """A sở's whole form: every leaf, its self-assessed and appraised scores."""
    scores = department_scores(unit, year)
    provisional = (unit, year) in PROVISIONAL
    workbook = _workbook(path)
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "border": 1, "text_wrap": True})
    sheet = workbook.add_worksheet("Tự đánh giá")
    sheet.write_string(0, 0, "UBND TỈNH LAI CHÂU", bold)
    sheet.write_string(1, 0, name.upper(), bold)
    sheet.write_string(2, 0, f"Đơn vị: {name}")
    sheet.write_string(3, 0, f"Năm: {year}")
    labels = (
        "Mã tiêu chí",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Nguyên nhân trừ điểm",
    )
    for col, label in enumerate(labels):
        sheet.write_string(5, col, label, header)
    row = 5
    for code, text, maximum, _group in DEPARTMENT_SET:
        row += 1
        sheet.write_string(row, 0, code)
        sheet.write_string(row, 1, text)
        sheet.write_number(row, 2, maximum)
        if code not in scores:
            continue  # a parent: left blank, as many sở do
        score = scores[code]
        claimed = min(Decimal(str(maximum)), score + Decimal("0.25"))
        sheet.write_number(row, 3, float(claimed))
        if not provisional:
            sheet.write_number(row, 4, float(score))
        if score < Decimal(str(maximum)):
            sheet.write_string(row, 5, REASON)
    sheet.write_string(row + 2, 4, "THỦ TRƯỞNG ĐƠN VỊ", bold)
    sheet.set_column(1, 1, 55)
    sheet.set_column(2, 5, 14)
    workbook.close()


def build(out: Path) -> list[Path]:
    """Write the sample province under ``out`` (emptied first)."""
    if out.exists():
        shutil.rmtree(out)
    data = sample.load_sample(sample.SAMPLE_DIR)
    write_register(out / "don-vi.xlsx")
    district_rows = [
        (c.code, c.name, c.maximum, c.group, ";".join(c.departments))
        for c in data.criteria
    ]
    write_criteria_set(
        out / "criteria" / "lai-chau-huyen-2022.xlsx",
        district_rows,
        title=sample.CRITERIA_TITLE,
        name=sample.CRITERIA_NAME,
        group=DISTRICT_GROUP,
        departments=[(d.code, d.name, d.aliases) for d in data.departments],
    )
    write_criteria_set(
        out / "criteria" / "so-ban-nganh-2022.xlsx",
        [(c, n, float(m), g, "") for c, n, m, g in DEPARTMENT_SET],
        title="BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH (MẪU)",
        name="Bộ chỉ số CCHC các sở, ban, ngành (mẫu của parindex)",
        group=DEPARTMENT_GROUP,
        departments=None,
    )
    by_code = {d.code: d for d in data.departments}
    for code, name, group, _aliases in UNITS:
        folder = out / "units" / code
        for year in SUBMITTED.get(code, YEARS):
            if group == DEPARTMENT_GROUP:
                path = folder / str(year) / "bang-tu-danh-gia.xlsx"
                write_self_assessment(path, code, name, year)
                continue
            scored = replace(data, scores={year: district_scores(data, code, year)})
            sample.DISTRICT = name.upper()
            for department, slug in sample.SLUGS.items():
                path = folder / str(year) / f"{slug}.xlsx"
                sample.write_submission(scored, by_code[department], year, path)
        if code == "PT":  # the shipped sample's published history comes along
            sample.write_history(data, folder / "history.xlsx")
    return sorted(p.relative_to(out) for p in out.rglob("*.xlsx"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for relative in build(args.out):
        print(args.out / relative)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Deterministic synthetic drop folders for the benchmark.

A *case* is one or more ``inputs/`` folders laid out as the SPEC says (``criteria/``,
``history.xlsx``, ``<year>/``):

* ``n<N>`` (``n6``, ``n10``, ``n100``, ``n1000``, ``n5000``): one inputs folder, one
  year (2023), N submission workbooks from N departments (a few of them a department's
  second version, or a file with the wrong year), against a synthetic criteria set in
  which each department owns 10–120 leaves;
* ``province``: one inputs folder per unit the province scores (its departments and
  districts), each with its own criteria set and 6–25 departments, four years
  (2021–2024), as a province consolidating every unit over several years would have;
* ``r<N>`` (``r6``, ``r100``, ``r1000``, ``r5000``): the real shape of a busy drop
  folder, N files from only 6 departments: each department sends many versions
  (``…-lan-2.xlsx``, ``…-lan-3.xlsx``, one version every 37 s), the newest wins and
  the others are superseded.

``write_changed_version`` writes a new version of one department's newest file (new
scores, a newer modification time) over it: the benchmark's "one file changed" night.

Submissions look like the ones departments send (see ``scripts/build_sample.py``):
title rows, ``Đơn vị:`` / ``Năm:`` lines (sometimes label and value in two cells,
sometimes missing so that the file name decides), a header row in one of three
spellings, parent rows with subtotals, 10–120 leaf rows with Vietnamese text,
numbers, some files with scores typed as text with a decimal comma, a note and a
signature below. A few rows carry the mistakes the pipeline must report (a score
above the maximum, an unknown code, a subtotal that does not add up, a shared
criterion scored differently).

Everything is derived from string seeds, workbooks have fixed document properties and
fixed modification times, so a case is byte-identical from one run to the next. A
case is generated once and cached under ``bench/data/<case>/`` (``manifest.json``
records the generator version and the parameters); ``--force`` rebuilds it.

Submissions are written with XlsxWriter's default (shared strings, in memory) layout,
which is what Excel and LibreOffice write; ``constant_memory`` writes inline strings,
which no office suite does, and is not faster for a workbook of a few hundred cells
(``--constant-memory`` switches to it). The large criteria workbook is always written
with ``constant_memory``.

Usage::

    python bench/generate.py [--sizes 10,100,1000,5000] [--province] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import time
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import xlsxwriter

GENERATOR_VERSION = 6
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = BENCH_DIR / "data"
DEFAULT_SIZES = (10, 100, 1000, 5000)
BASE_SIZE = 6  # the small run whose cost is subtracted to get the marginal cost
RESUBMISSION_DEPARTMENTS = 6  # the r<N> layout: N files from this many departments
SIZE_YEAR = 2023
NOTE = "Ghi chú: điểm thẩm định theo kết quả của Hội đồng thẩm định."
PROVINCE_YEARS = (2021, 2022, 2023, 2024)
PROVINCE_UNITS = 40

# parindex reads at most this many rows of a sheet (parindex.workbook.MAX_ROWS): the
# criteria set and its department list must fit, title and header rows included.
SHEET_ROW_LIMIT = 5000
LEAF_CAP = 3000  # leaves of the biggest criteria set (≈3 900 nodes with parents)
PROVINCE_LEAF_CAP = 400
LEAVES_PER_DEPARTMENT = (10, 120)

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
PROPERTIES: dict[str, Any] = {
    "created": dt.datetime(2024, 1, 1),
    "author": "parindex bench",
}
NUMBER_FORMAT = "0.00"

COMPONENTS: tuple[tuple[str, float], ...] = (
    ("Công tác chỉ đạo, điều hành cải cách hành chính", 0.12),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", 0.08),
    ("Cải cách thủ tục hành chính", 0.14),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 0.08),
    ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", 0.10),
    ("Cải cách tài chính công", 0.08),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", 0.12),
    (
        "Tác động của cải cách hành chính đến người dân, tổ chức và các chỉ tiêu "
        "phát triển kinh tế - xã hội",
        0.28,
    ),
)
VERBS = (
    "Mức độ hoàn thành",
    "Tỷ lệ",
    "Thực hiện",
    "Kết quả kiểm tra",
    "Mức độ công khai",
    "Tổ chức thực hiện",
    "Đánh giá chất lượng",
    "Số lượng",
    "Tính kịp thời của",
    "Mức độ hài lòng về",
)
SUBJECTS = (
    "kế hoạch cải cách hành chính",
    "báo cáo định kỳ về CCHC",
    "văn bản quy phạm pháp luật",
    "thủ tục hành chính",
    "hồ sơ giải quyết thủ tục hành chính",
    "Bộ phận Một cửa",
    "vị trí việc làm",
    "biên chế được giao",
    "cán bộ, công chức cấp xã",
    "kinh phí tự chủ",
    "dịch vụ công trực tuyến toàn trình",
    "hệ thống quản lý văn bản và điều hành",
    "chữ ký số chuyên dùng",
    "phản ánh, kiến nghị của người dân",
    "kiểm tra công vụ",
    "tuyên truyền cải cách hành chính",
    "sáng kiến cải cách hành chính",
    "thanh toán trực tuyến",
    "chế độ báo cáo thống kê",
    "kết luận thanh tra, kiểm tra",
)
QUALIFIERS = (
    "trong năm đánh giá",
    "đúng thời hạn quy định",
    "theo quy định của UBND tỉnh",
    "được cập nhật đầy đủ, kịp thời",
    "trên địa bàn",
    "đạt từ 95% trở lên",
    "",
    "so với kế hoạch được giao",
)
REASONS = (
    "Chưa ban hành kế hoạch đúng thời hạn",
    "Báo cáo gửi chậm so với quy định",
    "Tỷ lệ hồ sơ trễ hạn còn cao (3,2%)",
    "Chưa công khai đầy đủ TTHC trên Cổng dịch vụ công",
    "Không có tài liệu kiểm chứng",
    "Chưa thực hiện kiểm tra theo kế hoạch",
    "Tỷ lệ thanh toán trực tuyến đạt 62%",
    "Còn văn bản ban hành chưa đúng thể thức",
)
DISTRICT_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("NV", "Phòng Nội vụ", "Nội vụ;Phòng NV"),
    ("VP", "Văn phòng HĐND và UBND", "Văn phòng HĐND - UBND;VP HĐND-UBND"),
    ("TP", "Phòng Tư pháp", "Tư pháp"),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "Tài chính - Kế hoạch;Phòng TC-KH"),
    ("KTHT", "Phòng Kinh tế - Hạ tầng", "Kinh tế - Hạ tầng"),
    ("VHTT", "Phòng Văn hóa và Thông tin", "Văn hóa - Thông tin"),
    ("GDDT", "Phòng Giáo dục và Đào tạo", "Giáo dục - Đào tạo"),
    ("YT", "Phòng Y tế", "Y tế"),
    ("TNMT", "Phòng Tài nguyên và Môi trường", "Tài nguyên - Môi trường"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "Phòng LĐ-TB&XH"),
    ("NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng NN&PTNT"),
    ("DTOC", "Phòng Dân tộc", "Dân tộc"),
    ("TTRA", "Thanh tra huyện", "Thanh tra"),
)
COMMUNE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("X", "UBND xã", "Xã"),
    ("P", "UBND phường", "Phường"),
    ("T", "UBND thị trấn", "Thị trấn"),
)
SYLLABLES = tuple(
    """
    Mường So Sì Lở Lầu Dào San Bản Lang Khổng Lào Hoang Thèn Ma Li Pho Mồ Pa Vây Sử
    Vàng Chải Huổi Luông Nậm Xe Sin Suối Hồ Lả Nhì Thàng Tông Qua Lìn Phúc Khoa Tân
    Uyên Thanh Hà Đông Phong Bình Lư Tam Đường Nà Tăm Hua Bum Ka Lăng Thu Lũm Mù Cả
    Tà Tổng Trung
    """.split()
)
PROVINCE_UNIT_NAMES = (
    ("Sở", "Nội vụ"),
    ("Sở", "Tư pháp"),
    ("Sở", "Tài chính"),
    ("Sở", "Kế hoạch và Đầu tư"),
    ("Sở", "Xây dựng"),
    ("Sở", "Giao thông vận tải"),
    ("Sở", "Y tế"),
    ("Sở", "Giáo dục và Đào tạo"),
    ("Sở", "Tài nguyên và Môi trường"),
    ("Sở", "Công Thương"),
    ("Sở", "Văn hóa, Thể thao và Du lịch"),
    ("Sở", "Lao động - Thương binh và Xã hội"),
    ("Sở", "Nông nghiệp và Phát triển nông thôn"),
    ("Sở", "Thông tin và Truyền thông"),
    ("Sở", "Khoa học và Công nghệ"),
    ("Ban", "Dân tộc"),
    ("", "Thanh tra tỉnh"),
    ("", "Văn phòng UBND tỉnh"),
)
SUBMISSION_SHEET = "Chấm điểm"
HEADERS: tuple[tuple[str, ...], ...] = (
    # code, name, max, self, appraised, reason, evidence
    (
        "Mã tiêu chí",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Nguyên nhân trừ điểm",
        "Tài liệu kiểm chứng",
    ),
    # a sequence number first; "Mã" wins over "STT"
    (
        "STT",
        "Mã",
        "Nội dung",
        "Điểm chuẩn",
        "Tự đánh giá",
        "Điểm đạt",
        "Lý do trừ điểm",
    ),
    # a self-assessment before the appraisal: no appraised column
    ("Mã tiêu chí", "Tiêu chí", "Thang điểm", "Điểm tự chấm", "Ghi chú"),
)
HEADER_WEIGHTS = (60, 25, 15)


@dataclass(frozen=True)
class Node:
    """A node of the synthetic criteria tree (``owners`` are department indexes)."""

    code: str
    name: str
    maximum: float
    group: str | None
    parent: int
    owners: tuple[int, ...]

    @property
    def is_leaf(self) -> bool:
        """Whether the node is scored directly."""
        return self.group is not None


@dataclass(frozen=True)
class Unit:
    """A department that sends a submission."""

    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class FilePlan:
    """One submission file of one year."""

    index: int
    department: int
    name: str
    year: int  # the year folder
    stated_year: int  # what its ``Năm:`` line says (differs: the file is rejected)
    mtime: float


@dataclass(frozen=True)
class Plan:
    """Everything needed to write one inputs folder."""

    seed: str
    title: str
    years: tuple[int, ...]
    nodes: tuple[Node, ...]
    departments: tuple[Unit, ...]
    files: tuple[FilePlan, ...]


@dataclass(frozen=True)
class UnitSpec:
    """What decides one inputs folder: ``build_plan`` rebuilds the same plan from it."""

    seed: str
    title: str
    files_per_year: int
    years: tuple[int, ...]
    leaf_cap: int
    district_first: bool  # the first departments are a district's phòng
    departments: int = 0  # 0: one department per file; else files cycle over these


@dataclass
class CaseInfo:
    """A generated case, as ``bench/run.py`` uses it."""

    name: str
    root: Path
    units: list[dict[str, Any]]  # {"inputs": str, "years": [int]}
    files: int
    departments: int
    leaf_rows: int
    rows: int
    bytes: int
    criteria_nodes: int
    criteria_leaves: int
    generated: bool
    seconds: float

    @property
    def files_list(self) -> Path:
        """The text file listing every submission path, one a line."""
        return self.root / "files.txt"


# --- text helpers --------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Lower-case ASCII of a Vietnamese text (accents and đ removed)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    """A file-name slug: ``Phòng Nội vụ`` → ``phong-noi-vu``."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")


def stable_int(*parts: object) -> int:
    """A deterministic 32-bit hash of the parts (``hash()`` is salted per process)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def comma_number(value: float) -> str:
    """A score typed as text with a decimal comma: 0.75 → ``0,75``."""
    return f"{value:g}".replace(".", ",")


# --- the plan ------------------------------------------------------------------------


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` over ``weights`` (largest remainder), at least 1 each."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > total:
        j = max(range(len(counts)), key=lambda k: counts[k])
        counts[j] -= 1
    return counts


def _leaf_group(rng: random.Random, component: int) -> str:
    if component == len(COMPONENTS) - 1:
        return rng.choices(
            ("Tác động KT-XH", "SIPAS", "Điều tra XHH"), weights=(30, 40, 30)
        )[0]
    return rng.choices(("Thẩm định", "Điều tra XHH"), weights=(75, 25))[0]


def _criterion_name(rng: random.Random, leaf: bool) -> str:
    verb, subject = rng.choice(VERBS), rng.choice(SUBJECTS)
    if not leaf:
        return f"{verb} {subject}"
    return f"{verb} {subject} {rng.choice(QUALIFIERS)}".strip()


def _tree_shape(rng: random.Random, leaves: int) -> list[tuple[str, str, bool, int]]:
    """(code, name, is_leaf, component index) in tree (pre-)order."""
    shape: list[tuple[str, str, bool, int]] = []
    for c, count in enumerate(_allocate(leaves, [w for _, w in COMPONENTS])):
        component = str(c + 1)
        shape.append((component, COMPONENTS[c][0], False, c))
        remaining, k = count, 0
        while remaining > 0:
            k += 1
            size = min(remaining, rng.randint(1, 8))
            remaining -= size
            criterion = f"{component}.{k}"
            if size == 1:
                shape.append((criterion, _criterion_name(rng, True), True, c))
                continue
            shape.append((criterion, _criterion_name(rng, False), False, c))
            left, j = size, 0
            while left > 0:
                j += 1
                item = f"{criterion}.{j}"
                if left >= 3 and rng.random() < 0.15:
                    sub = rng.randint(2, 3)
                    left -= sub
                    shape.append((item, _criterion_name(rng, False), False, c))
                    shape.extend(
                        (f"{item}.{m}", _criterion_name(rng, True), True, c)
                        for m in range(1, sub + 1)
                    )
                else:
                    left -= 1
                    shape.append((item, _criterion_name(rng, True), True, c))
    return shape


def _departments(rng: random.Random, count: int, district_first: bool) -> list[Unit]:
    """``count`` departments with unique codes, names and aliases (as folded)."""
    units: list[Unit] = []
    taken: set[str] = set()

    def add(code: str, name: str, aliases: Iterable[str]) -> bool:
        keys = [ascii_fold(code), ascii_fold(name), *(ascii_fold(a) for a in aliases)]
        if len(set(keys)) < len(keys) or any(k in taken for k in keys):
            return False
        taken.update(keys)
        units.append(Unit(code, name, tuple(aliases)))
        return True

    if district_first:
        for code, name, aliases in DISTRICT_DEPARTMENTS[:count]:
            add(code, name, aliases.split(";"))
    places = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(places)
    # each place once as a commune, a ward or a town; then again as the others
    for turn in range(len(COMMUNE_KINDS)):
        for j, place in enumerate(places):
            if len(units) >= count:
                break
            prefix, kind, short = COMMUNE_KINDS[(j + turn) % len(COMMUNE_KINDS)]
            add(
                f"{prefix}{len(units) + 1:04d}",
                f"{kind} {place}",
                [f"{short} {place}"],
            )
    if len(units) < count:
        raise ValueError(f"cannot name {count} departments uniquely")
    return units


def build_plan(spec: UnitSpec) -> Plan:
    """The criteria tree, the departments and the files of one inputs folder."""
    rng = random.Random(f"{spec.seed}:plan")
    n = spec.files_per_year
    # every 200th file is a department's second version, so fewer departments
    resubmitted = {i for i in range(n) if i % 200 == 150 and i > 0}
    department_count = n - len(resubmitted)
    if spec.departments:
        # few departments, many versions each (file i is department i mod count)
        department_count = min(spec.departments, n)
        resubmitted = set(range(department_count, n))
    if department_count + 1 > SHEET_ROW_LIMIT:
        raise ValueError(
            f"{department_count} departments do not fit the {SHEET_ROW_LIMIT}-row "
            "sheet that parindex reads"
        )
    departments = _departments(rng, department_count, spec.district_first)
    demands = [rng.randint(*LEAVES_PER_DEPARTMENT) for _ in departments]
    leaf_count = min(sum(demands), spec.leaf_cap)
    shape = _tree_shape(rng, leaf_count)
    if len(shape) + 6 > SHEET_ROW_LIMIT:
        raise ValueError(f"{len(shape)} criteria do not fit one sheet")

    # Leaves in tree order; each department takes the next block of its size, going
    # round when there are more demands than leaves (then leaves are widely shared);
    # every 23rd leaf is also shared with the next department.
    leaf_positions = [i for i, (_, _, leaf, _) in enumerate(shape) if leaf]
    owners: list[list[int]] = [[] for _ in leaf_positions]
    position = 0
    for d, demand in enumerate(demands):
        for j in range(demand):
            slot = owners[(position + j) % leaf_count]
            if d not in slot:
                slot.append(d)
        position += demand
    for i, slot in enumerate(owners):
        co_owner = (slot[0] + 1) % len(departments)
        if i % 23 == 11 and co_owner not in slot:
            slot.append(co_owner)

    maxima = (0.25, 0.5, 0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0)
    stack: list[int] = []
    parents: list[int] = []
    for code, *_ in shape:
        depth = code.count(".") + 1
        del stack[depth - 1 :]
        parents.append(stack[-1] if stack else -1)
        stack.append(len(parents) - 1)
    values = [0.0] * len(shape)
    groups: list[str | None] = [None] * len(shape)
    leaf_owners: dict[int, tuple[int, ...]] = {}
    for k, i in enumerate(leaf_positions):
        values[i] = rng.choice(maxima)
        groups[i] = _leaf_group(rng, shape[i][3])
        leaf_owners[i] = tuple(owners[k])
    for i in reversed(range(len(shape))):
        if parents[i] >= 0:
            values[parents[i]] += values[i]
    nodes = tuple(
        Node(
            code=code,
            name=name,
            maximum=values[i],
            group=groups[i],
            parent=parents[i],
            owners=leaf_owners.get(i, ()),
        )
        for i, (code, name, _, _) in enumerate(shape)
    )

    files: list[FilePlan] = []
    base = dt.datetime(2024, 1, 10, 1, 0, tzinfo=dt.UTC).timestamp()
    for year in spec.years:
        department = -1
        for i in range(n):
            if spec.departments:
                department = i % department_count
                version = i // department_count + 1
                suffix = f"-lan-{version}" if version > 1 else ""
            elif i in resubmitted:
                suffix = "-ban-sua-lai"  # the same department, a newer version
            else:
                department += 1
                suffix = ""
            unit = departments[department]
            stated = year - 1 if i % 250 == 100 else year
            files.append(
                FilePlan(
                    index=i,
                    department=department,
                    name=f"{slug(unit.code)}-{slug(unit.name)}{suffix}.xlsx",
                    year=year,
                    stated_year=stated,
                    mtime=base - (2024 - year) * 365 * 86400 + i * 37,
                )
            )
    return Plan(
        seed=spec.seed,
        title=spec.title,
        years=spec.years,
        nodes=nodes,
        departments=tuple(departments),
        files=tuple(files),
    )


# --- writing -------------------------------------------------------------------------


def _new_workbook(path: Path, constant_memory: bool) -> xlsxwriter.Workbook:
    options = dict(WORKBOOK_OPTIONS)
    options["constant_memory" if constant_memory else "in_memory"] = True
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties(PROPERTIES)
    return workbook


def write_criteria(plan: Plan, path: Path, unit_group: str | None = None) -> None:
    """The criteria set workbook in the SPEC's layout (``constant_memory``), with a
    ``Khối`` line when it is a province group's set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = _new_workbook(path, constant_memory=True)
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    text = workbook.add_format({"border": 1})
    number = workbook.add_format({"border": 1, "num_format": NUMBER_FORMAT})
    sheet = workbook.add_worksheet("Tiêu chí")
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 70)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 4, 24)
    sheet.write_string(
        0, 0, f"BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH – {plan.title.upper()}", bold
    )
    sheet.write_string(1, 0, f"Tên: Bộ chỉ số CCHC (tổng hợp thử) – {plan.title}")
    sheet.write_string(2, 0, f"Áp dụng từ năm: {min(plan.years)}")
    if unit_group is not None:
        sheet.write_string(3, 0, f"Khối: {unit_group}")
    for c, label in enumerate(
        ("Mã", "Tên", "Điểm tối đa", "Nhóm điểm", "Đơn vị chủ trì")
    ):
        sheet.write_string(4, c, label, header)
    codes = [d.code for d in plan.departments]
    for r, node in enumerate(plan.nodes, start=5):
        sheet.write_string(r, 0, node.code, text)
        sheet.write_string(r, 1, node.name, text)
        sheet.write_number(r, 2, node.maximum, number)
        if node.is_leaf:
            sheet.write_string(r, 3, node.group or "", text)
            sheet.write_string(r, 4, ";".join(codes[d] for d in node.owners), text)
    units = workbook.add_worksheet("Đơn vị")
    for c, label in enumerate(("Mã đơn vị", "Tên đơn vị", "Tên khác")):
        units.write_string(0, c, label, header)
    for r, unit in enumerate(plan.departments, start=1):
        units.write_string(r, 0, unit.code, text)
        units.write_string(r, 1, unit.name, text)
        units.write_string(r, 2, ";".join(unit.aliases), text)
    workbook.close()


def write_history(plan: Plan, path: Path) -> None:
    """Published results of the two years before the first one (``history.xlsx``)."""
    rng = random.Random(f"{plan.seed}:history")
    workbook = _new_workbook(path, constant_memory=False)
    results = workbook.add_worksheet("Kết quả")
    labels = (
        "Năm",
        "Điểm thẩm định",
        "Điểm điều tra",
        "Điểm tác động KT-XH",
        "Điểm SIPAS",
        "Tổng điểm",
        "Xếp hạng",
        "Số đơn vị",
    )
    for c, label in enumerate(labels):
        results.write_string(0, c, label)
    first = min(plan.years)
    for r, year in enumerate((first - 2, first - 1), start=1):
        groups = [round(rng.uniform(40, 55), 2), 15.5, 1.5, round(rng.uniform(6, 9), 2)]
        row = [year, *groups, round(sum(groups), 2), rng.randint(1, 8), 8]
        for c, value in enumerate(row):
            results.write_number(r, c, value)
    components = workbook.add_worksheet("Chỉ số thành phần")
    for c, label in enumerate(("Năm", "Mã", "Điểm")):
        components.write_string(0, c, label)
    tops = [n for n in plan.nodes if n.parent < 0]
    for r, node in enumerate(tops, start=1):
        components.write_number(r, 0, first - 1)
        components.write_string(r, 1, node.code)
        components.write_number(r, 2, round(node.maximum * rng.uniform(0.6, 0.95), 2))
    workbook.close()


def _scores(seed: str, node: Node, year: int) -> tuple[float, float, str]:
    """(self-assessed, appraised, reason) of a leaf: the same for every department
    that owns it, so shared leaves agree unless a conflict is planted."""
    h = stable_int(seed, node.code, year)
    appraised = node.maximum * (1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.5, 0.0)[h % 8]
    self_assessed = node.maximum if h % 3 else appraised
    reason = REASONS[h % len(REASONS)] if appraised < node.maximum else ""
    return self_assessed, appraised, reason


def rows_by_department(plan: Plan) -> list[list[int]]:
    """For each department, the indexes of the nodes its table shows: its leaves and
    their parents, in tree order."""
    shown: list[set[int]] = [set() for _ in plan.departments]
    for i, node in enumerate(plan.nodes):
        for department in node.owners:
            rows, j = shown[department], i
            while j >= 0 and j not in rows:
                rows.add(j)
                j = plan.nodes[j].parent
    return [sorted(rows) for rows in shown]


def write_submission(
    plan: Plan,
    file: FilePlan,
    rows: Sequence[int],
    path: Path,
    constant_memory: bool = False,
    *,
    note: str = NOTE,
) -> tuple[int, int]:
    """One department's self-assessment workbook; returns (table rows, leaf rows).

    ``rows`` are the node indexes the department's table shows
    (``rows_by_department``); ``note`` is the line under the table.
    """
    rng = random.Random(f"{plan.seed}:file:{file.year}:{file.index}")
    unit = plan.departments[file.department]
    nodes = plan.nodes
    # A self-assessment without appraised scores only where no other department
    # scores the same leaves: a shared leaf scored by one department before the
    # appraisal and by another after it is a conflict, which would flood the run.
    shares = any(len(nodes[i].owners) > 1 for i in rows)
    header = rng.choices(
        HEADERS, weights=HEADER_WEIGHTS if not shares else (70, 30, 0)
    )[0]
    with_appraised = len(header) == 7
    sequence_column = header[0] == "STT"
    text_scores = rng.random() < 0.15
    numeric_codes = rng.random() < 0.02
    trailing_dots = rng.random() < 0.03
    split_labels = rng.random() < 0.3
    naming = rng.choices(("name", "code", "alias", "none"), weights=(80, 10, 8, 2))[0]
    extra_title = rng.random() < 0.2
    own_leaves = {i for i in rows if nodes[i].is_leaf}

    workbook = _new_workbook(path, constant_memory)
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 13, "align": "center"})
    head = workbook.add_format(
        {
            "bold": True,
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#D9E1F2",
        }
    )
    text_fmt = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    text_bold = workbook.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "bold": True}
    )
    code_fmt = workbook.add_format({"num_format": "@", "border": 1, "valign": "top"})
    number_fmt = workbook.add_format(
        {"num_format": NUMBER_FORMAT, "border": 1, "valign": "top"}
    )
    number_bold = workbook.add_format(
        {"num_format": NUMBER_FORMAT, "border": 1, "valign": "top", "bold": True}
    )
    italic = workbook.add_format({"italic": True})
    signature = workbook.add_format({"bold": True, "align": "center"})

    sheet = workbook.add_worksheet(SUBMISSION_SHEET)
    sheet.set_column(0, 0, 8 if sequence_column else 12)
    sheet.set_column(1, 1, 12 if sequence_column else 60)
    sheet.set_column(2, 2, 60 if sequence_column else 12)
    sheet.set_column(3, len(header) - 1, 14)
    sheet.write_string(0, 0, f"UBND {plan.title.upper()}", bold)
    sheet.write_string(1, 0, unit.name.upper(), bold)
    row = 2
    heading = (
        f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {file.stated_year}"
    )
    sheet.merge_range(row, 0, row, len(header) - 1, heading, title)
    row += 1
    if extra_title:
        sheet.write_string(row, 0, "(Kèm theo Báo cáo tự đánh giá của đơn vị)", italic)
        row += 1
    department_text = {
        "name": unit.name,
        "code": unit.code,
        "alias": unit.aliases[0] if unit.aliases else unit.name,
    }.get(naming)
    if department_text is not None:
        if split_labels:
            sheet.write_string(row, 0, "Đơn vị:")
            sheet.write_string(row, 2, department_text)
        else:
            sheet.write_string(row, 0, f"Đơn vị: {department_text}")
        row += 1
    if split_labels:
        sheet.write_string(row, 0, "Năm:")
        sheet.write_number(row, 2, file.stated_year)
    else:
        sheet.write_string(row, 0, f"Năm: {file.stated_year}")
    row += 2
    for c, label in enumerate(header):
        sheet.write_string(row, c, label, head)

    def write_score(r: int, c: int, value: float | None, fmt: Any) -> None:
        if value is None:
            sheet.write_blank(r, c, None, fmt)
        elif text_scores:
            sheet.write_string(r, c, comma_number(value), text_fmt)
        else:
            sheet.write_number(r, c, value, fmt)

    offset = 1 if sequence_column else 0
    leaf_rows = 0
    self_score: float | None
    for position, i in enumerate(rows, start=1):
        row += 1
        node = nodes[i]
        h = stable_int(plan.seed, file.year, file.index, node.code)
        code = node.code
        if node.is_leaf:
            leaf_rows += 1
            self_score, appraised, reason = _scores(plan.seed, node, file.year)
            lead = node.owners[0] == file.department
            if not lead and len(node.owners) <= 3 and h % 211 == 3:
                appraised = max(0.0, appraised - 0.25)  # a shared leaf scored apart
            if h % 397 == 5:
                appraised = node.maximum + 0.5  # above the maximum
            if h % 997 == 7:
                code = "99.9"  # a code the set does not have
            if not with_appraised and h % 41 == 0:
                self_score = None  # not scored yet
            fmt, text_f = number_fmt, text_fmt
        else:
            below = [
                _scores(plan.seed, nodes[j], file.year)
                for j in own_leaves
                if nodes[j].code.startswith(node.code + ".")
            ]
            self_score = sum(s for s, _, _ in below)
            appraised = sum(a for _, a, _ in below)
            if h % 151 == 2:
                appraised += 0.25  # a subtotal that does not add up
            reason = ""
            fmt, text_f = number_bold, text_bold
        if sequence_column:
            sheet.write_number(row, 0, position, text_fmt)
        if numeric_codes and code.count(".") == 1 and not code.endswith("0"):
            sheet.write_number(row, offset, float(code), code_fmt)
        else:
            shown = f"{code}." if trailing_dots else code
            sheet.write_string(row, offset, shown, code_fmt)
        sheet.write_string(row, offset + 1, node.name, text_f)
        sheet.write_number(row, offset + 2, node.maximum, fmt)
        write_score(row, offset + 3, self_score, fmt)
        if with_appraised:
            write_score(row, offset + 4, appraised, fmt)
            last = offset + 5
        else:
            last = offset + 4
        if reason and last < len(header):
            sheet.write_string(row, last, reason, text_fmt)
        elif last < len(header):
            sheet.write_blank(row, last, None, text_fmt)
        if len(header) == 7 and not sequence_column:
            evidence = (
                f"Báo cáo số {position:02d}/BC-{unit.code} ngày 15/12/{file.year}"
                if node.is_leaf and position % 3 == 0
                else ""
            )
            if evidence:
                sheet.write_string(row, 6, evidence, text_fmt)
            else:
                sheet.write_blank(row, 6, None, text_fmt)
    sheet.write_string(row + 2, 0, note, italic)
    # the signature sits over the last (reason) column, as in the shipped sample
    sheet.write_string(row + 3, len(header) - 1, "THỦ TRƯỞNG ĐƠN VỊ", signature)
    sheet.write_string(
        row + 4, len(header) - 1, "(Ký, ghi rõ họ tên, đóng dấu)", italic
    )
    sheet.freeze_panes(row - len(rows) + 1, 0)
    workbook.close()
    os.utime(path, (file.mtime, file.mtime))
    return len(rows), leaf_rows


# --- cases ---------------------------------------------------------------------------


def case_specs(name: str) -> list[tuple[str, UnitSpec]]:
    """(inputs folder relative to the case, spec) of every inputs folder of a case."""
    if name == "province":
        rng = random.Random("parindex-bench:province")
        specs = []
        districts = [
            f"Huyện {a} {b}"
            for a, b in zip(SYLLABLES[::2], SYLLABLES[1::2], strict=True)
        ]
        for u in range(PROVINCE_UNITS):
            if u < len(PROVINCE_UNIT_NAMES):
                kind, rest = PROVINCE_UNIT_NAMES[u]
                title = f"{kind} {rest}".strip()
            else:
                title = districts[u - len(PROVINCE_UNIT_NAMES)]
            specs.append(
                (
                    f"units/{u + 1:02d}-{slug(title)}",
                    UnitSpec(
                        seed=f"parindex-bench:province:{u}",
                        title=title,
                        files_per_year=rng.randint(6, 25),
                        years=PROVINCE_YEARS,
                        leaf_cap=PROVINCE_LEAF_CAP,
                        district_first=True,
                    ),
                )
            )
        return specs
    match = re.fullmatch(r"([nr])(\d+)", name)
    if not match:
        raise ValueError(f"unknown case {name!r}: n<N>, r<N> or province")
    layout, n = match.group(1), int(match.group(2))
    if layout == "r":
        return [
            (
                "inputs",
                UnitSpec(
                    seed=f"parindex-bench:r{n}",
                    title=f"huyện thử nghiệm {n} bản nộp",
                    files_per_year=n,
                    years=(SIZE_YEAR,),
                    leaf_cap=LEAF_CAP,
                    district_first=True,
                    departments=RESUBMISSION_DEPARTMENTS,
                ),
            )
        ]
    return [
        (
            "inputs",
            UnitSpec(
                seed=f"parindex-bench:n{n}",
                title=f"huyện thử nghiệm {n} đơn vị",
                files_per_year=n,
                years=(SIZE_YEAR,),
                leaf_cap=LEAF_CAP,
                district_first=True,
            ),
        )
    ]


def write_changed_version(
    name: str, inputs: Path, department: int = 0, seed: str = "changed"
) -> Path:
    """Write a new version of ``department``'s newest file of case ``name`` over it,
    in ``inputs`` (a copy of the case's inputs folder): the same form with its note
    line rewritten (``seed`` in it), a modification time one minute after the newest
    file of the folder. Its scores are those of the version it replaces, so the
    night that follows is the issue's "one department's file changed": that
    department's workbook, the scorecard, the summary and the report are rendered
    again (they name the file, its hash and time), no other department's workbook.
    (A new score on a leaf that other departments score too changes their
    workbooks as well: at ``n1000`` every leaf has about 21 owners.) Returns the
    file's path."""
    (_, spec), *_ = case_specs(name)
    plan = build_plan(spec)
    year = plan.years[-1]
    mine = [f for f in plan.files if f.year == year and f.department == department]
    newest = max(mine, key=lambda f: f.mtime)
    latest = max(f.mtime for f in plan.files if f.year == year)
    path = inputs / str(year) / newest.name
    latest = max([latest, *(p.stat().st_mtime for p in (inputs / str(year)).iterdir())])
    changed = replace(newest, mtime=float(int(latest) + 60))
    rows = rows_by_department(plan)[department]
    write_submission(plan, changed, rows, path, note=f"{NOTE} (Bản sửa: {seed}.)")
    return path


_WORKER_PLANS: dict[str, tuple[Plan, list[list[int]]]] = {}


def _write_files(
    spec: UnitSpec,
    inputs: str,
    indexes: list[int],
    constant_memory: bool,
    unit_seed: str | None = None,
) -> list[tuple[str, int, int, int]]:
    """Write some files of one inputs folder (in a worker process); ``unit_seed``
    gives a province unit its own scores on its group's criteria set."""
    if spec.seed not in _WORKER_PLANS:
        plan = build_plan(spec)
        _WORKER_PLANS[spec.seed] = (plan, rows_by_department(plan))
    plan, shown = _WORKER_PLANS[spec.seed]
    if unit_seed is not None:
        plan = replace(plan, seed=unit_seed)
    written = []
    for k in indexes:
        file = plan.files[k]
        path = Path(inputs) / str(file.year) / file.name
        rows, leaves = write_submission(
            plan, file, shown[file.department], path, constant_memory
        )
        written.append((str(path), rows, leaves, path.stat().st_size))
    return written


def _manifest_key(name: str, constant_memory: bool) -> dict[str, Any]:
    """What a cached case must match, as it reads back from JSON."""
    key = {
        "generator_version": GENERATOR_VERSION,
        "case": name,
        "constant_memory": constant_memory,
        "specs": [[folder, asdict(spec)] for folder, spec in case_specs(name)],
    }
    loaded: dict[str, Any] = json.loads(json.dumps(key))
    return loaded


def _info(name: str, root: Path, manifest: dict[str, Any], generated: bool) -> CaseInfo:
    return CaseInfo(
        name=name,
        root=root,
        units=manifest["units"],
        files=manifest["files"],
        departments=manifest["departments"],
        leaf_rows=manifest["leaf_rows"],
        rows=manifest["rows"],
        bytes=manifest["bytes"],
        criteria_nodes=manifest["criteria_nodes"],
        criteria_leaves=manifest["criteria_leaves"],
        generated=generated,
        seconds=manifest["seconds"],
    )


def ensure_case(
    name: str,
    data_dir: Path = DEFAULT_DATA_DIR,
    jobs: int | None = None,
    force: bool = False,
    constant_memory: bool = False,
) -> CaseInfo:
    """Generate case ``name`` under ``data_dir/name`` unless it is cached.

    Args:
        name: ``n<N>`` or ``province``.
        data_dir: where cases live (``bench/data``).
        jobs: writer processes (default: the available cores).
        force: rebuild even when the cached case matches.
        constant_memory: write submissions with XlsxWriter's ``constant_memory``.
    """
    root = data_dir / name
    manifest_path = root / "manifest.json"
    key = _manifest_key(name, constant_memory)
    if manifest_path.is_file() and not force:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("key") == key:
            return _info(name, root, manifest, generated=False)
    start = time.perf_counter()
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    jobs = jobs or len(os.sched_getaffinity(0))
    units: list[dict[str, Any]] = []
    written: list[tuple[str, int, int, int]] = []
    departments = nodes = leaves = 0
    tasks: list[tuple[UnitSpec, str, list[int]]] = []
    for folder, spec in case_specs(name):
        plan = build_plan(spec)
        inputs = root / folder
        write_criteria(plan, inputs / "criteria" / f"{slug(spec.title)}.xlsx")
        write_history(plan, inputs / "history.xlsx")
        for year in plan.years:
            (inputs / str(year)).mkdir(parents=True, exist_ok=True)
        units.append({"inputs": str(inputs), "years": list(plan.years)})
        departments += len(plan.departments)
        nodes += len(plan.nodes)
        leaves += sum(1 for n in plan.nodes if n.is_leaf)
        chunk = max(1, len(plan.files) // (jobs * 4) or 1)
        indexes = list(range(len(plan.files)))
        tasks += [
            (spec, str(inputs), indexes[i : i + chunk])
            for i in range(0, len(indexes), chunk)
        ]
    if jobs > 1 and len(tasks) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [
                pool.submit(_write_files, spec, folder, idx, constant_memory)
                for spec, folder, idx in tasks
            ]
            for future in futures:
                written += future.result()
    else:
        for spec, folder, idx in tasks:
            written += _write_files(spec, folder, idx, constant_memory)
    written.sort()
    (root / "files.txt").write_text(
        "".join(f"{path}\n" for path, *_ in written), encoding="utf-8"
    )
    manifest = {
        "key": key,
        "units": units,
        "files": len(written),
        "departments": departments,
        "rows": sum(r for _, r, _, _ in written),
        "leaf_rows": sum(leaf for _, _, leaf, _ in written),
        "bytes": sum(size for *_, size in written),
        "criteria_nodes": nodes,
        "criteria_leaves": leaves,
        "seconds": round(time.perf_counter() - start, 3),
        "sha256_of_list": hashlib.sha256(
            "".join(p for p, *_ in written).encode()
        ).hexdigest(),
    }
    temporary = manifest_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    temporary.replace(manifest_path)
    return _info(name, root, manifest, generated=True)


# --- a province folder (parindex run on don-vi.xlsx + units/) --------------------

PROVINCE_FOLDER_YEARS = (2022, 2023)
PROVINCE_FOLDER_GROUPS = (("Sở, ban, ngành", 0.2), ("Xã, phường", 0.8))


def ensure_province_folder(
    units: int = 120,
    files_per_unit: int = 3,
    data_dir: Path = DEFAULT_DATA_DIR,
    jobs: int | None = None,
    force: bool = False,
) -> Path:
    """A province folder as the README describes it, cached under
    ``data_dir/province<units>/inputs``: ``don-vi.xlsx`` (two groups, grades),
    one criteria set per group (``Khối``), ``units/<code>/<year>/`` with
    ``files_per_unit`` department files for each of two years. The units of a
    group share its criteria set and departments; each has its own scores.

    Returns the inputs folder.
    """
    root = data_dir / f"province{units}"
    inputs = root / "inputs"
    key = {
        "generator_version": GENERATOR_VERSION,
        "units": units,
        "files_per_unit": files_per_unit,
        "years": list(PROVINCE_FOLDER_YEARS),
    }
    manifest_path = root / "manifest.json"
    if manifest_path.is_file() and not force:
        if json.loads(manifest_path.read_text("utf-8")).get("key") == key:
            return inputs
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    register: list[tuple[str, str, str]] = []
    tasks: list[tuple[UnitSpec, str, list[int], str]] = []
    first = 0
    for g, (group, share) in enumerate(PROVINCE_FOLDER_GROUPS):
        count = (
            round(units * share)
            if g < len(PROVINCE_FOLDER_GROUPS) - 1
            else (units - first)
        )
        spec = UnitSpec(
            seed=f"parindex-bench:province-folder:{g}",
            title=group,
            files_per_year=files_per_unit,
            years=PROVINCE_FOLDER_YEARS,
            leaf_cap=PROVINCE_LEAF_CAP,
            district_first=True,
        )
        plan = build_plan(spec)
        write_criteria(plan, inputs / "criteria" / f"{slug(group)}.xlsx", group)
        for u in range(first, first + count):
            code = f"DV{u + 1:03d}"
            name = f"{group.split(',')[0]} {SYLLABLES[u % len(SYLLABLES)]} {u + 1}"
            register.append((code, name, group))
            for year in PROVINCE_FOLDER_YEARS:
                (inputs / "units" / code / str(year)).mkdir(parents=True, exist_ok=True)
            tasks.append(
                (spec, str(inputs / "units" / code), list(range(len(plan.files))), code)
            )
        first += count
    workbook = _new_workbook_at(inputs / "don-vi.xlsx")
    sheet = workbook.add_worksheet("Đơn vị")
    for c, label in enumerate(("Mã đơn vị", "Tên đơn vị", "Khối", "Tên khác")):
        sheet.write_string(0, c, label)
    for r, (code, name, group) in enumerate(register, start=1):
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, group)
    grades = workbook.add_worksheet("Xếp loại")
    for r, row in enumerate(
        (("Khối", "Loại", "Từ (%)"), ("", "Tốt", 80), ("", "Khá", 65), ("", "Đạt", 50))
    ):
        for c, value in enumerate(row):
            if isinstance(value, int):
                grades.write_number(r, c, value)
            elif value:
                grades.write_string(r, c, value)
    workbook.close()
    jobs = jobs or len(os.sched_getaffinity(0))
    written: list[tuple[str, int, int, int]] = []
    if jobs > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [
                pool.submit(
                    _write_files, spec, folder, idx, False, f"{spec.seed}:{code}"
                )
                for spec, folder, idx, code in tasks
            ]
            for future in futures:
                written += future.result()
    else:
        for spec, folder, idx, code in tasks:
            written += _write_files(spec, folder, idx, False, f"{spec.seed}:{code}")
    manifest = {
        "key": key,
        "units": units,
        "files": len(written),
        "bytes": sum(size for *_, size in written),
        "seconds": round(time.perf_counter() - start, 3),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return inputs


def _new_workbook_at(path: Path) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    return _new_workbook(path, constant_memory=False)


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the benchmark cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated numbers of submissions (default: 10,100,1000,5000)",
    )
    parser.add_argument(
        "--province", action="store_true", help="also the province case"
    )
    parser.add_argument(
        "--layouts",
        default="n",
        help="n (one department per file), r (6 departments, many versions) or n,r",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--jobs", type=int, default=None, help="writer processes")
    parser.add_argument("--force", action="store_true", help="rebuild cached cases")
    parser.add_argument(
        "--constant-memory",
        action="store_true",
        help="write submissions with constant_memory (inline strings)",
    )
    args = parser.parse_args(argv)
    layouts = [layout for layout in args.layouts.split(",") if layout]
    names = [
        f"{layout}{int(s)}"
        for layout in layouts
        for s in args.sizes.split(",")
        if s.strip()
    ]
    if args.province:
        names.append("province")
    for name in names:
        info = ensure_case(
            name, args.data_dir, args.jobs, args.force, args.constant_memory
        )
        state = "generated" if info.generated else "cached"
        print(
            f"{name}: {info.files} files, {info.departments} departments, "
            f"{info.leaf_rows} leaf rows, {info.bytes / 1e6:.1f} MB, criteria "
            f"{info.criteria_nodes} nodes / {info.criteria_leaves} leaves "
            f"({state}, {info.seconds:.1f} s) → {info.root}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

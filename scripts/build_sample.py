"""Build the shipped sample workbooks under ``inputs/`` from the CSVs in ``scripts/sample/``.

The sample is Phong Thổ district's PAR INDEX (Chỉ số CCHC) for 2022 and 2023, scored
against Lai Châu's 2022 district criteria set. The script writes:

* ``criteria/lai-chau-2022.xlsx`` - the criteria set (sheets ``Tiêu chí`` and ``Đơn vị``);
* ``<year>/<slug>.xlsx`` - one self-assessment workbook per department and year, laid
  out the way a department fills it in (letterhead, parent rows with subtotals, notes
  and a signature line below the table);
* ``history.xlsx`` - the published headline and component results.

Only the standard library and xlsxwriter are needed to build. Every workbook has fixed
document properties, so re-running the script gives byte-identical files.

``--verify`` reads the files back with python-calamine and checks the totals against
the figures of the reference README (and that a rebuild is byte-identical); it prints
the figures and exits 1 on a mismatch.

Usage::

    python scripts/build_sample.py [--out DIR] [--verify]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

SCRIPT_DIR = Path(__file__).resolve().parent
SAMPLE_DIR = SCRIPT_DIR / "sample"
DEFAULT_OUT = SCRIPT_DIR.parent / "inputs"

YEARS: tuple[int, ...] = (2022, 2023)
DISTRICT = "UBND HUYỆN PHONG THỔ"
CRITERIA_FILE = Path("criteria") / "lai-chau-2022.xlsx"
HISTORY_FILE = Path("history.xlsx")

CRITERIA_TITLE = "BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP HUYỆN TỈNH LAI CHÂU"
CRITERIA_NAME = (
    "Bộ chỉ số CCHC của UBND các huyện, thành phố "
    "(Quyết định 1726/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Lai Châu)"
)
CRITERIA_FROM_YEAR = 2022

# Department code -> file name (without extension) of its submission workbook.
SLUGS: dict[str, str] = {
    "NV": "phong-noi-vu",
    "VP": "van-phong-hdnd-ubnd",
    "TP": "phong-tu-phap",
    "TCKH": "phong-tai-chinh-ke-hoach",
    "KTHT": "phong-kinh-te-ha-tang",
    "CQ": "cac-co-quan-don-vi",
}

SUBMISSION_SHEET = "Chấm điểm"
SUBMISSION_HEADER = (
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Nguyên nhân trừ điểm",
    "Tài liệu kiểm chứng",
)
SUBMISSION_HEADER_ROW = 6  # zero-based: row 7 in Excel
SUBMISSION_NOTE = "Ghi chú: điểm thẩm định theo kết quả của Hội đồng thẩm định tỉnh."
SUBMISSION_SIGNATURE = "THỦ TRƯỞNG ĐƠN VỊ"
REASON_YEARS: frozenset[int] = frozenset({2023})  # years whose files carry reasons
EVIDENCE_EVERY = 3  # every third leaf of a file cites a piece of evidence

NUMBER_FORMAT = "0.00"
WORKBOOK_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
PROPERTIES: dict[str, Any] = {
    "created": datetime(2024, 1, 1),
    "author": "parindex sample",
}

# The figures of /work/shared/reference/README.md, checked by --verify.
TOLERANCE = 0.005
EXPECTED_TOTALS: dict[int, float] = {2022: 72.10, 2023: 79.24}
EXPECTED_GROUPS: dict[int, dict[str, float]] = {
    2022: {
        "Thẩm định": 47.92,
        "Điều tra XHH": 15.50,
        "Tác động KT-XH": 1.50,
        "SIPAS": 7.18,
    },
    2023: {
        "Thẩm định": 54.86,
        "Điều tra XHH": 13.61,
        "Tác động KT-XH": 1.50,
        "SIPAS": 9.27,
    },
}
EXPECTED_DEPARTMENTS: dict[str, tuple[float, float, float]] = {
    # code: (max, 2022, 2023)
    "NV": (32.5, 26.06, 26.79),
    "VP": (40.5, 29.26, 36.65),
    "TP": (9.5, 8.17, 8.05),
    "TCKH": (14.0, 8.61, 6.75),
    "KTHT": (2.0, 0.50, 1.00),
    "CQ": (2.0, 0.00, 0.00),
}


@dataclass(frozen=True)
class Criterion:
    """One node of the criteria tree; ``group`` and ``departments`` are set on leaves only."""

    code: str
    name: str
    maximum: float
    group: str
    departments: tuple[str, ...]

    @property
    def is_leaf(self) -> bool:
        """Whether the node is scored directly (it has a score group)."""
        return bool(self.group)

    @property
    def ancestors(self) -> list[str]:
        """Codes of the enclosing criteria, outermost first (``8.10.1`` -> ``8``, ``8.10``)."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]


@dataclass(frozen=True)
class Department:
    """A department that fills in a submission workbook."""

    code: str
    name: str
    aliases: str


@dataclass(frozen=True)
class Score:
    """A leaf's scores for one year; ``self_assessed`` is None where none was given."""

    self_assessed: float | None
    appraised: float
    reason: str


@dataclass(frozen=True)
class SampleData:
    """Everything read from the sample CSVs."""

    criteria: list[Criterion]
    departments: list[Department]
    scores: dict[int, dict[str, Score]]
    published: list[dict[str, str]]
    published_components: list[dict[str, str]]


def read_csv(name: str, source: Path) -> list[dict[str, str]]:
    """Read ``source/name`` as a list of rows keyed by the header."""
    with (source / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_sample(source: Path) -> SampleData:
    """Read the sample CSVs and check that every leaf has a score for every year."""
    criteria = [
        Criterion(
            code=row["code"],
            name=row["name"],
            maximum=float(row["max"]),
            group=row["group"],
            departments=tuple(d for d in row["departments"].split(";") if d),
        )
        for row in read_csv("criteria-lai-chau-2022.csv", source)
    ]
    departments = [
        Department(code=row["code"], name=row["name"], aliases=row["aliases"])
        for row in read_csv("departments.csv", source)
    ]
    scores: dict[int, dict[str, Score]] = {year: {} for year in YEARS}
    for row in read_csv("scores-phong-tho.csv", source):
        scores[int(row["year"])][row["code"]] = Score(
            self_assessed=float(row["self_assessed"]) if row["self_assessed"] else None,
            appraised=float(row["appraised"]),
            reason=row["reason"],
        )
    leaves = {c.code for c in criteria if c.is_leaf}
    for year, by_code in scores.items():
        if set(by_code) != leaves:
            raise ValueError(f"{year}: scores do not cover exactly the criteria leaves")
    return SampleData(
        criteria=criteria,
        departments=departments,
        scores=scores,
        published=read_csv("published-phong-tho.csv", source),
        published_components=read_csv("published-components-phong-tho.csv", source),
    )


def new_workbook(path: Path) -> xlsxwriter.Workbook:
    """Create a workbook with the options and properties that make it reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    workbook.set_properties(PROPERTIES)
    return workbook


def column_width(texts: Iterable[str], minimum: int, maximum: int) -> int:
    """A column width that fits the longest text, within ``minimum`` and ``maximum``."""
    return max(minimum, min(maximum, max((len(t) + 2 for t in texts), default=0)))


def write_criteria(data: SampleData, path: Path) -> None:
    """Write the criteria set: the tree on ``Tiêu chí``, the departments on ``Đơn vị``."""
    workbook = new_workbook(path)
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    code_fmt = workbook.add_format({"num_format": "@", "border": 1})
    code_bold = workbook.add_format({"num_format": "@", "border": 1, "bold": True})
    text_fmt = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    text_bold = workbook.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "bold": True}
    )
    number_fmt = workbook.add_format({"num_format": NUMBER_FORMAT, "border": 1})
    number_bold = workbook.add_format(
        {"num_format": NUMBER_FORMAT, "border": 1, "bold": True}
    )

    sheet = workbook.add_worksheet("Tiêu chí")
    sheet.write_string(0, 0, CRITERIA_TITLE, title)
    sheet.write_string(1, 0, f"Tên: {CRITERIA_NAME}")
    sheet.write_string(2, 0, f"Áp dụng từ năm: {CRITERIA_FROM_YEAR}")
    header_row = 4
    for col, label in enumerate(
        ("Mã", "Tên", "Điểm tối đa", "Nhóm điểm", "Đơn vị chủ trì")
    ):
        sheet.write_string(header_row, col, label, header)
    for row, node in enumerate(data.criteria, start=header_row + 1):
        component = "." not in node.code
        sheet.write_string(row, 0, node.code, code_bold if component else code_fmt)
        sheet.write_string(row, 1, node.name, text_bold if component else text_fmt)
        sheet.write_number(
            row, 2, node.maximum, number_bold if component else number_fmt
        )
        if node.is_leaf:
            sheet.write_string(row, 3, node.group, text_fmt)
            sheet.write_string(row, 4, ";".join(node.departments), text_fmt)
        else:
            sheet.write_blank(row, 3, None, text_fmt)
            sheet.write_blank(row, 4, None, text_fmt)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.set_column(0, 0, column_width((c.code for c in data.criteria), 8, 12))
    sheet.set_column(1, 1, column_width((c.name for c in data.criteria), 30, 80))
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, column_width((c.group for c in data.criteria), 12, 20))
    sheet.set_column(
        4, 4, column_width((";".join(c.departments) for c in data.criteria), 15, 20)
    )

    units = workbook.add_worksheet("Đơn vị")
    for col, label in enumerate(("Mã đơn vị", "Tên đơn vị", "Tên khác")):
        units.write_string(0, col, label, header)
    for row, department in enumerate(data.departments, start=1):
        units.write_string(row, 0, department.code, code_fmt)
        units.write_string(row, 1, department.name, text_fmt)
        units.write_string(row, 2, department.aliases, text_fmt)
    units.freeze_panes(1, 0)
    units.set_column(0, 0, 12)
    units.set_column(1, 1, column_width((d.name for d in data.departments), 20, 40))
    units.set_column(2, 2, column_width((d.aliases for d in data.departments), 20, 50))
    workbook.close()


def submission_rows(criteria: list[Criterion], department: str) -> list[Criterion]:
    """The department's leaves with their enclosing criteria, in criteria order."""
    leaves = [c for c in criteria if c.is_leaf and department in c.departments]
    wanted = {c.code for c in leaves} | {a for c in leaves for a in c.ancestors}
    return [c for c in criteria if c.code in wanted]


def subtotal(values: Iterable[float | None]) -> float | None:
    """Sum of the values that are present, rounded to cents; None if none is present."""
    present = [v for v in values if v is not None]
    return round(sum(present), 2) if present else None


def write_submission(
    data: SampleData, department: Department, year: int, path: Path
) -> None:
    """Write one department's self-assessment workbook for ``year``."""
    rows = submission_rows(data.criteria, department.code)
    scores = data.scores[year]
    leaves = [c for c in rows if c.is_leaf]
    with_reasons = year in REASON_YEARS

    workbook = new_workbook(path)
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 13, "align": "center"})
    header = workbook.add_format(
        {
            "bold": True,
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#D9E1F2",
        }
    )
    code_fmt = workbook.add_format({"num_format": "@", "border": 1, "valign": "top"})
    code_bold = workbook.add_format(
        {"num_format": "@", "border": 1, "valign": "top", "bold": True}
    )
    text_fmt = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    text_bold = workbook.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "bold": True}
    )
    number_fmt = workbook.add_format(
        {"num_format": NUMBER_FORMAT, "border": 1, "valign": "top"}
    )
    number_bold = workbook.add_format(
        {"num_format": NUMBER_FORMAT, "border": 1, "valign": "top", "bold": True}
    )
    note = workbook.add_format({"italic": True})
    signature = workbook.add_format({"bold": True, "align": "center"})

    sheet = workbook.add_worksheet(SUBMISSION_SHEET)
    sheet.write_string(0, 0, DISTRICT, bold)
    sheet.write_string(1, 0, department.name.upper(), bold)
    last_col = len(SUBMISSION_HEADER) - 1
    sheet.merge_range(
        2,
        0,
        2,
        last_col,
        f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
        title,
    )
    sheet.write_string(3, 0, f"Đơn vị: {department.name}")
    sheet.write_string(4, 0, f"Năm: {year}")
    for col, label in enumerate(SUBMISSION_HEADER):
        sheet.write_string(SUBMISSION_HEADER_ROW, col, label, header)

    row = SUBMISSION_HEADER_ROW
    position = 0  # leaves written so far
    reasons: list[str] = []
    evidence: list[str] = []
    for node in rows:
        row += 1
        if node.is_leaf:
            position += 1
            score = scores[node.code]
            self_assessed, appraised = score.self_assessed, score.appraised
            reason = score.reason if with_reasons else ""
            cited = (
                f"Báo cáo số {position:02d}/BC-{department.code}"
                if position % EVIDENCE_EVERY == 0
                else ""
            )
            code_f, text_f, number_f = code_fmt, text_fmt, number_fmt
        else:
            below = [scores[c.code] for c in leaves if node.code in c.ancestors]
            self_assessed = subtotal(s.self_assessed for s in below)
            appraised = round(sum(s.appraised for s in below), 2)
            reason, cited = "", ""
            code_f, text_f, number_f = code_bold, text_bold, number_bold
        sheet.write_string(row, 0, node.code, code_f)
        sheet.write_string(row, 1, node.name, text_f)
        sheet.write_number(row, 2, node.maximum, number_f)
        if self_assessed is None:
            sheet.write_blank(row, 3, None, number_f)
        else:
            sheet.write_number(row, 3, self_assessed, number_f)
        sheet.write_number(row, 4, appraised, number_f)
        for col, text in ((5, reason), (6, cited)):
            if text:
                sheet.write_string(row, col, text, text_f)
            else:
                sheet.write_blank(row, col, None, text_f)
        reasons.append(reason)
        evidence.append(cited)

    sheet.write_string(row + 2, 0, SUBMISSION_NOTE, note)
    sheet.write_string(row + 3, 5, SUBMISSION_SIGNATURE, signature)

    sheet.freeze_panes(SUBMISSION_HEADER_ROW + 1, 0)
    sheet.set_column(0, 0, column_width((c.code for c in rows), 12, 14))
    sheet.set_column(1, 1, column_width((c.name for c in rows), 30, 70))
    sheet.set_column(2, 4, 12)
    sheet.set_column(5, 5, column_width([*reasons, SUBMISSION_SIGNATURE], 22, 50))
    sheet.set_column(6, 6, column_width(evidence, 20, 30))
    workbook.close()


def write_history(data: SampleData, path: Path) -> None:
    """Write the published results: headline table and component table."""
    workbook = new_workbook(path)
    header = workbook.add_format(
        {"bold": True, "border": 1, "text_wrap": True, "bg_color": "#D9E1F2"}
    )
    integer_fmt = workbook.add_format({"num_format": "0", "border": 1})
    number_fmt = workbook.add_format({"num_format": NUMBER_FORMAT, "border": 1})
    code_fmt = workbook.add_format({"num_format": "@", "border": 1})

    results = workbook.add_worksheet("Kết quả")
    columns = (
        ("Năm", "year", integer_fmt),
        ("Điểm thẩm định", "appraisal", number_fmt),
        ("Điểm điều tra", "survey", number_fmt),
        ("Điểm tác động KT-XH", "socioeconomic", number_fmt),
        ("Điểm SIPAS", "sipas", number_fmt),
        ("Tổng điểm", "total", number_fmt),
        ("Xếp hạng", "rank", integer_fmt),
        ("Số đơn vị", "units", integer_fmt),
    )
    for col, (label, _, _) in enumerate(columns):
        results.write_string(0, col, label, header)
    for row, record in enumerate(data.published, start=1):
        for col, (_, key, fmt) in enumerate(columns):
            results.write_number(row, col, float(record[key]), fmt)
    results.freeze_panes(1, 0)
    results.set_column(
        0, len(columns) - 1, column_width((c[0] for c in columns), 10, 22)
    )

    components = workbook.add_worksheet("Chỉ số thành phần")
    for col, label in enumerate(("Năm", "Mã", "Điểm")):
        components.write_string(0, col, label, header)
    for row, record in enumerate(data.published_components, start=1):
        components.write_number(row, 0, int(record["year"]), integer_fmt)
        components.write_string(row, 1, record["code"], code_fmt)
        components.write_number(row, 2, float(record["score"]), number_fmt)
    components.freeze_panes(1, 0)
    components.set_column(0, 2, 10)
    workbook.close()


def build(source: Path, out: Path) -> list[Path]:
    """Write every sample workbook under ``out``; return their paths, relative to ``out``."""
    data = load_sample(source)
    by_code = {d.code: d for d in data.departments}
    write_criteria(data, out / CRITERIA_FILE)
    written = [CRITERIA_FILE]
    for year in YEARS:
        for code, slug in SLUGS.items():
            relative = Path(str(year)) / f"{slug}.xlsx"
            write_submission(data, by_code[code], year, out / relative)
            written.append(relative)
    write_history(data, out / HISTORY_FILE)
    written.append(HISTORY_FILE)
    return written


def read_sheet(path: Path, index: int = 0) -> list[list[Any]]:
    """A sheet's cells as read back by python-calamine."""
    import python_calamine

    rows: list[list[Any]] = (
        python_calamine.CalamineWorkbook.from_path(str(path))
        .get_sheet_by_index(index)
        .to_python()
    )
    return rows


def table_below(rows: list[list[Any]], first_header: str) -> list[list[Any]]:
    """The rows below the header row whose first cell is ``first_header``."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start + 1 :]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Checker:
    """Prints figures against their expected values and remembers any mismatch."""

    def __init__(self) -> None:
        """Start with no failure."""
        self.failed = False

    def number(self, label: str, actual: float, expected: float) -> None:
        """Compare two figures to within ``TOLERANCE``."""
        ok = abs(actual - expected) < TOLERANCE
        self.failed |= not ok
        print(
            f"  {label:<22} {actual:7.2f}  expected {expected:7.2f}  {'ok' if ok else 'MISMATCH'}"
        )

    def condition(self, label: str, ok: bool) -> None:
        """Record a yes/no check."""
        self.failed |= not ok
        print(f"  {label:<52} {'ok' if ok else 'MISMATCH'}")


def verify(source: Path, out: Path, written: list[Path]) -> bool:
    """Read the built files back and check them against the reference figures."""
    check = Checker()

    criteria_rows = [
        r for r in table_below(read_sheet(out / CRITERIA_FILE), "Mã") if r[0]
    ]
    groups = {str(r[0]): str(r[3]) for r in criteria_rows if r[3]}
    owners = {str(r[0]): set(str(r[4]).split(";")) for r in criteria_rows if r[3]}
    maxima = {str(r[0]): float(r[2]) for r in criteria_rows}
    print(f"criteria: {len(criteria_rows)} nodes, {len(groups)} leaves")
    check.condition(
        "criteria: 100 nodes, 74 leaves", (len(criteria_rows), len(groups)) == (100, 74)
    )

    for year in YEARS:
        print(f"{year}:")
        appraised: dict[str, float] = {}
        consistent = True
        placed = True
        for code, slug in SLUGS.items():
            rows = table_below(
                read_sheet(out / str(year) / f"{slug}.xlsx"), SUBMISSION_HEADER[0]
            )
            leaf_rows = [r for r in rows if r[0] in groups]
            placed &= all(code in owners[str(r[0])] for r in leaf_rows)
            placed &= {str(r[0]) for r in leaf_rows} == {
                c for c, o in owners.items() if code in o
            }
            for row in leaf_rows:
                consistent &= appraised.setdefault(str(row[0]), float(row[4])) == float(
                    row[4]
                )
            expected_max, *expected_scores = EXPECTED_DEPARTMENTS[code]
            check.number(
                f"{code} max", sum(maxima[str(r[0])] for r in leaf_rows), expected_max
            )
            check.number(
                f"{code} appraised",
                sum(float(r[4]) for r in leaf_rows),
                expected_scores[YEARS.index(year)],
            )
        check.condition("each leaf in exactly its departments' files", placed)
        check.condition("shared leaves scored alike in every file", consistent)
        check.condition("all leaves covered", set(appraised) == set(groups))
        for group, expected in EXPECTED_GROUPS[year].items():
            check.number(
                group,
                sum(v for c, v in appraised.items() if groups[c] == group),
                expected,
            )
        check.number("total", sum(appraised.values()), EXPECTED_TOTALS[year])

    history = table_below(read_sheet(out / HISTORY_FILE), "Năm")
    components = table_below(read_sheet(out / HISTORY_FILE, 1), "Năm")
    print(f"history: {len(history)} headline rows, {len(components)} component rows")
    for row in history:
        print(
            f"  {int(row[0])}: total {float(row[5]):.2f}, rank {int(row[6])}/{int(row[7])}"
        )

    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = build(source, Path(scratch))
        identical = rebuilt == written and all(
            sha256(out / p) == sha256(Path(scratch) / p) for p in written
        )
    check.condition(f"rebuild byte-identical ({len(written)} files)", identical)
    return not check.failed


def main(argv: list[str] | None = None) -> int:
    """Build the sample workbooks, and verify them when asked."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: the repo's inputs/)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="read the files back and check the reference figures",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    written = build(SAMPLE_DIR, out)
    for relative in written:
        print(out / relative)
    if args.verify and not verify(SAMPLE_DIR, out, written):
        print("verification FAILED")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

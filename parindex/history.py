"""The published results of earlier years (``inputs/history.xlsx``, optional)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from parindex import messages
from parindex.ingest.safety import read_office_workbook
from parindex.numbers import SCORE_LIMIT, SCORE_LIMIT_TEXT, as_shown, exact, exact_total
from parindex.problems import problem
from parindex.text import (
    code_key,
    fold,
    format_vn,
    normalise_code,
    parse_figure,
)
from parindex.workbook import (
    CellValue,
    Sheet,
    Table,
    UnreadableWorkbook,
    cell_ref,
    cell_text,
    find_table,
    with_merged_labels,
)

HISTORY_FILE = "history.xlsx"
"""The published results of earlier years, in the inputs folder."""
HISTORY_FILES = (HISTORY_FILE, "history.xlsm", "history.xls", "history.ods")
"""The names the history may have (the formats the readers take), in the order
of preference: when several are there, the first is read (``history_file``)."""
RESULTS_SHEET = "Kết quả"
"""The sheet of the published results per year."""
COMPONENTS_SHEET = "Chỉ số thành phần"
"""The sheet of the published component indices per year."""

RESULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Năm", "Năm đánh giá"),
    "appraisal": ("Điểm thẩm định",),
    "survey": ("Điểm điều tra", "Điểm điều tra XHH"),
    "socioeconomic": ("Điểm tác động KT-XH", "Điểm tác động"),
    "sipas": ("Điểm SIPAS",),
    "total": ("Tổng điểm",),
    "rank": ("Xếp hạng",),
    "units": ("Số đơn vị",),
}
COMPONENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Năm", "Năm đánh giá"),
    "code": ("Mã", "Mã tiêu chí", "TT"),
    "score": ("Điểm", "Điểm đạt"),
}
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "appraisal": pl.Float64(),
    "survey": pl.Float64(),
    "socioeconomic": pl.Float64(),
    "sipas": pl.Float64(),
    "total": pl.Float64(),
    "rank": pl.Int64(),
    "units": pl.Int64(),
}
COMPONENT_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "code": pl.String(),
    "score": pl.Float64(),
}
HISTORY_UNREADABLE = "Không đọc được tệp kết quả các năm trước “{file}”: bỏ qua."
HISTORY_NO_TABLE = (
    "Tệp kết quả các năm trước “{file}” không có sheet “Kết quả” với cột “Năm”."
)


@dataclass(frozen=True)
class History:
    """Published figures: ``results`` per year (``RESULT_SCHEMA``) and optionally
    ``components`` per year and component code (``COMPONENT_SCHEMA``)."""

    results: pl.DataFrame
    components: pl.DataFrame
    file: str = HISTORY_FILE
    """The file they were read from (one of ``HISTORY_FILES``)."""

    def result(self, year: int) -> dict[str, Any] | None:
        """The published headline row of ``year``, or None."""
        rows = self.results.filter(pl.col("year") == year)
        return rows.row(0, named=True) if rows.height else None


def empty_history() -> History:
    """History with no year."""
    return History(
        pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=COMPONENT_SCHEMA)
    )


_YEAR_TEXT = re.compile(r"(?:nam\s*)?(\d{4})")


def _year(value: CellValue) -> int | None:
    """A year cell: a whole number, or a text such as ``2022`` or ``Năm 2022``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 10_000 else None
    found = _YEAR_TEXT.fullmatch(fold(cell_text(value)))
    return int(found.group(1)) if found else None


_YEAR_LABELS = frozenset(fold(label) for label in ("Năm", "Năm đánh giá"))
"""The year column's header: under a header over two rows, its lower half (a
merged ``Năm``) is no year's row."""


def _year_label(value: CellValue) -> bool:
    return fold(cell_text(value)).strip() in _YEAR_LABELS


def _unread_year(value: CellValue, where: dict[str, str | None]) -> Any:
    """The warning for a year cell that holds something not a year."""
    return problem(
        "warning",
        messages.HISTORY_YEAR_UNREADABLE.format(shown=cell_text(value).strip()),
        **where,
    )


def _number(value: CellValue) -> float | None:
    """A published figure: a number, or a text that is one (``79,27``, also with
    its unit, ``79,27 điểm``; the unit is accepted here only, never in a
    submission's score)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_figure(cell_text(value))


_RANK_OF = re.compile(r"(?:(?:xep\s+)?(?:hang|thu)\s*)?(\d{1,4})(?:\s*/\s*(\d{1,4}))?")
"""A rank written with its word or the count of units ranked, as the province
writes it (folded): ``2/8``, ``hạng 2``, ``xếp thứ 2/8``."""


def _rank_of(value: CellValue) -> tuple[int, int | None] | None:
    """(rank, units or None) of a rank cell written as text ``2/8``, ``hạng 2``
    (1 <= rank <= units), else None (a plain number is read as a figure)."""
    if not isinstance(value, str):
        return None
    found = _RANK_OF.fullmatch(fold(value).strip().rstrip("."))
    if found is None or (found.group(2) is None and found.start(1) == 0):
        return None  # a number alone: read as any figure
    rank = int(found.group(1))
    units = int(found.group(2)) if found.group(2) is not None else None
    if rank < 1 or (units is not None and rank > units):
        return None
    return rank, units


def _shown(value: CellValue) -> str:
    """A cell as the office sees it: a date as ``02/08/2023`` (``2/8`` typed into
    a cell Excel took for a date), anything else as its text."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return cell_text(value)


def _figure(
    value: CellValue,
    year: int,
    figure: str,
    said: list[dict[str, str | None]],
    **where: str | None,
) -> float | None:
    """A published figure, or None with a warning in ``said`` when it is a text
    that is not a number or a number beyond ``SCORE_LIMIT`` (a typing slip:
    never summed, never shown)."""
    number = _number(value)
    if number is None and cell_text(value):  # a text, a date, TRUE: not a figure
        said.append(
            problem(
                "warning",
                messages.HISTORY_NOT_A_NUMBER.format(
                    year=year, figure=figure, shown=_shown(value)
                ),
                **where,
            )
        )
        return None
    if number is None or abs(number) <= SCORE_LIMIT:
        return number
    said.append(
        problem(
            "warning",
            messages.HISTORY_FIGURE_TOO_LARGE.format(
                year=year,
                figure=figure,
                shown=value if isinstance(value, str) else as_shown(number),
                limit=SCORE_LIMIT_TEXT,
            ),
            **where,
        )
    )
    return None


Row = dict[str, CellValue]
GROUP_FIGURES = ("appraisal", "survey", "socioeconomic", "sipas")


def _rows(
    sheets: list[Sheet],
    name: str,
    columns: dict[str, tuple[str, ...]],
    any_of: tuple[str, ...] = (),
) -> tuple[str, list[tuple[int, Row]], Table | None]:
    """The sheet's name, its table rows, each with its 1-based row number, and
    the table. A header over two rows (``Điểm các nhóm`` over the four groups,
    ``Năm`` and ``Tổng điểm`` over both rows, merged or typed in the upper one)
    is one header: a merged label counts on each row it covers, and with
    ``any_of`` the row below a header lacking those columns is read for them."""
    preferred = [
        with_merged_labels(s, columns) for s in sheets if fold(s.name) == fold(name)
    ]
    table = find_table(preferred, columns, required="year", any_of=any_of)
    if table is None:
        return name, [], None
    year_column = table.columns["year"]
    code_column = table.columns.get("code", year_column)
    years = _merged_years(table, year_column)
    return (
        table.sheet.name,
        [
            (
                r + 1,
                {
                    **{column: table.value(r, column) for column in columns},
                    **({"year": years[r]} if r in years else {}),
                    **{
                        f"cell:{column}": table.cell(r, column)
                        or cell_ref(r, year_column)
                        for column in columns
                    },
                    "cell": cell_ref(r, year_column),
                    "code_cell": cell_ref(r, code_column),
                },
            )
            for r in range(table.data_row, len(table.sheet.cells))
        ],
        table,
    )


def _merged_years(table: Table, column: int) -> dict[int, CellValue]:
    """The year of each data row inside a range merged down the year's column
    (a year printed once over its block of component rows): its first cell's,
    as Excel shows it on every row of the block."""
    years: dict[int, CellValue] = {}
    for (r1, c1), (r2, c2) in table.sheet.merged:
        if not (c1 <= column <= c2) or r2 <= r1 or r1 < table.data_row:
            continue
        if r1 >= len(table.sheet.cells):
            continue
        value = table.sheet.cells[r1][c1] if c1 < len(table.sheet.cells[r1]) else ""
        for r in range(r1 + 1, r2 + 1):
            years[r] = value
    return years


def _wide_components(
    table: Table, rows: list[tuple[int, Row]]
) -> list[tuple[int, Row]]:
    """``rows`` of a components table laid out one year per row (``Năm | 1 | 2
    | …``: no ``Mã`` and ``Điểm`` columns, the header's other cells codes) as
    one row per year and component, as the long layout gives them: the code
    the column's, the score its cell; ``rows`` as they are otherwise."""
    if "code" in table.columns or "score" in table.columns:
        return rows
    codes = _header_codes(table)
    if not codes:
        return rows
    found: list[tuple[int, Row]] = []
    for number, row in rows:
        r = number - 1
        line = table.sheet.cells[r]
        for c, code in codes.items():
            found.append(
                (
                    number,
                    {
                        **row,
                        "code": code,
                        "score": line[c] if c < len(line) else "",
                        "cell:score": cell_ref(r, c),
                        "code_cell": cell_ref(table.header_row, c),
                    },
                )
            )
    return found


def _header_codes(table: Table) -> dict[int, str]:
    """Column → component code of the header cells, the year's aside, that are
    codes (a components table laid out one year per row)."""
    year_column = table.columns["year"]
    hidden = table.sheet.facts.hidden_columns  # last year's, kept hidden
    return {
        c: code
        for c, value in enumerate(table.sheet.cells[table.header_row])
        if c != year_column
        and c not in hidden
        and (code := normalise_code(cell_text(value)))
    }


def _groups_not_found(
    table: Table | None, file: str, sheet: str
) -> list[dict[str, str | None]]:
    """A warning when the results table has a total but not every group column
    (their published figures would be dropped without a word)."""
    if table is None or "total" not in table.columns:
        return []
    missing = [g for g in GROUP_FIGURES if g not in table.columns]
    if not missing:
        return []
    return [
        problem(
            "warning",
            messages.HISTORY_GROUP_COLUMNS_MISSING.format(
                sheet=sheet,
                row=table.header_row + 1,
                columns=", ".join(f"“{RESULT_COLUMNS[g][0]}”" for g in missing),
            ),
            file=file,
            sheet=sheet,
            cell=cell_ref(table.header_row, table.columns["year"]),
        )
    ]


def _tolerance(count: int) -> float:
    """How far a published sum of ``count`` figures may be from a published
    total when each of them (and the total) was rounded to 2 decimals."""
    return (count + 1) * 0.005 + 1e-9


def _consistency(
    results: list[dict[str, Any]],
    components: list[dict[str, Any]],
    file: str,
    sheets: tuple[str, str],
    incomplete: set[int],
) -> list[dict[str, str | None]]:
    """Warnings for published figures that cannot all be true, even allowing for
    each being rounded to 2 decimals: the groups vs the total, the components vs
    the total. Nothing is changed: the reconciliation shows each figure.

    When a year's components do not add up to its total and it lacks codes that
    other years of the sheet have, those codes are named on the components sheet
    (a component not copied), not called a contradiction of the total."""
    found = []
    by_year: dict[int, list[dict[str, Any]]] = {}
    for component in components:
        by_year.setdefault(component["year"], []).append(component)
    every_code = {c["code"] for c in components}
    for record in results:
        total = record["total"]
        if total is None:
            continue
        groups = [record[g] for g in GROUP_FIGURES]
        checks = []
        if all(g is not None for g in groups):
            checks.append((groups, messages.HISTORY_GROUPS_NOT_TOTAL, ()))
        parts = by_year.get(record["year"])
        if parts and record["year"] not in incomplete:
            have = {c["code"] for c in parts}
            missing = tuple(sorted(every_code - have, key=code_key))
            template = (
                messages.HISTORY_COMPONENTS_MISSING
                if missing
                else messages.HISTORY_COMPONENTS_NOT_TOTAL
            )
            checks.append(([c["score"] for c in parts], template, missing))
        for values, template, missing in checks:
            summed = exact_total(values)
            difference = exact(summed - total)
            if abs(difference) <= _tolerance(len(values)):
                continue
            where = (  # said where the components are, after the year's last one
                (sheets[1], str(max(parts, key=lambda c: c["row"])["cell"]))
                if missing and parts
                else (sheets[0], record["total_cell"])
            )
            found.append(
                problem(
                    "warning",
                    template.format(
                        year=record["year"],
                        groups=format_vn(summed),
                        components=format_vn(summed),
                        codes=", ".join(missing),
                        total=format_vn(total),
                        difference=format_vn(abs(difference)),
                    ),
                    file=file,
                    sheet=where[0],
                    cell=where[1],
                )
            )
    return found


def _duplicates(
    records: list[dict[str, Any]],
    key: tuple[str, ...],
    figures: tuple[str, ...],
    file: str,
    sheet: str,
) -> tuple[list[dict[str, Any]], list[dict[str, str | None]]]:
    """Records listed more than once under ``key``: identical copies count once
    (a warning); differing ones are all left out (a warning naming the rows), never
    resolved by row order."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(tuple(record[k] for k in key), []).append(record)
    kept, found = [], []
    for same in groups.values():
        if len(same) == 1:
            kept.append(same[0])
            continue
        rows = ", ".join(str(r["row"]) for r in same)
        identical = all(
            tuple(r[f] for f in figures) == tuple(same[0][f] for f in figures)
            for r in same
        )
        if identical:
            kept.append(same[0])
            template = messages.HISTORY_YEAR_TWICE_SAME
        elif "code" in key:
            template = messages.HISTORY_COMPONENT_TWICE
        else:
            template = messages.HISTORY_YEAR_TWICE
        found.append(
            problem(
                "warning",
                template.format(
                    year=same[0]["year"],
                    code=same[0].get("code"),
                    count=len(same),
                    sheet=sheet,
                    rows=rows,
                ),
                file=file,
                sheet=sheet,
                cell=same[-1]["cell"],
            )
        )
    return kept, found


def history_file(inputs: Path) -> tuple[Path, list[dict[str, str | None]]]:
    """The history file of ``inputs``: the first of ``HISTORY_FILES`` there (the
    ``history.xlsx`` path when there is none), and a warning naming every one
    found when there are several (only the one returned is read)."""
    found = [inputs / name for name in HISTORY_FILES if (inputs / name).is_file()]
    if len(found) < 2:
        return (found[0] if found else inputs / HISTORY_FILE), []
    used, others = found[0], found[1:]
    return used, [
        problem(
            "warning",
            messages.HISTORY_FILES_SEVERAL.format(
                count=len(found),
                files=", ".join(f"“{p.name}”" for p in found),
                used=used.name,
                order=", ".join(HISTORY_FILES),
                others=", ".join(f"“{p.name}”" for p in others),
            ),
            file=used.name,
        )
    ]


def read_history(path: Path) -> tuple[History, list[dict[str, str | None]]]:
    """Read the history workbook; a missing file is an empty history.

    Returns the history and the problems (warnings: history never stops a run).
    A year listed twice with different figures, or a component listed twice with
    different scores, is left out and reported; figures that contradict each
    other (groups or components vs the total) are reported and kept.
    """
    if not path.exists():
        return empty_history(), []
    try:
        workbook = read_office_workbook(path)
    except UnreadableWorkbook:
        return empty_history(), [
            problem(
                "warning", HISTORY_UNREADABLE.format(file=path.name), file=path.name
            )
        ]
    sheets = workbook.sheets
    results = []
    too_large: list[dict[str, str | None]] = []
    if workbook.facts_said is not None:  # hidden columns read as shown: said
        too_large.append(problem("warning", workbook.facts_said, file=path.name))
    result_sheet, result_rows, result_table = _rows(
        sheets, RESULTS_SHEET, RESULT_COLUMNS, any_of=GROUP_FIGURES
    )
    too_large += _groups_not_found(result_table, path.name, result_sheet)
    for number, row in result_rows:
        year = _year(row["year"])
        if year is None:
            if not cell_text(row["year"]).strip() and _number(row["total"]) is not None:
                too_large.append(  # figures without their year: said
                    problem(
                        "warning",
                        messages.HISTORY_ROW_NO_YEAR.format(
                            row=number, cell=row["cell"]
                        ),
                        file=path.name,
                        sheet=result_sheet,
                        cell=str(row["cell"]),
                    )
                )
            elif cell_text(row["year"]).strip() and not _year_label(row["year"]):
                too_large.append(
                    _unread_year(
                        row["year"],
                        {
                            "file": path.name,
                            "sheet": result_sheet,
                            "cell": str(row["cell"]),
                        },
                    )
                )
            continue
        record: dict[str, Any] = {"year": year, "row": number}
        record["cell"] = row["cell"]
        record["total_cell"] = row["cell:total"]

        def at(column: str, row: Row = row) -> dict[str, str | None]:
            """Where ``column``'s figure of the row is: its own cell."""
            cell = str(row[f"cell:{column}"])
            return {"file": path.name, "sheet": result_sheet, "cell": cell}

        for column in ("appraisal", "survey", "socioeconomic", "sipas", "total"):
            record[column] = _figure(
                row[column], year, RESULT_COLUMNS[column][0], too_large, **at(column)
            )
        ranked = _rank_of(row["rank"])  # "2/8": rank 2 of 8 units
        for column in ("rank", "units"):
            if column == "rank" and ranked is not None:
                record[column] = ranked[0]
                continue
            value = _figure(
                row[column], year, RESULT_COLUMNS[column][0], too_large, **at(column)
            )
            record[column] = int(value) if value is not None else None
        if ranked is not None and ranked[1] is not None:
            if record["units"] is None:
                record["units"] = ranked[1]
            elif record["units"] != ranked[1]:
                too_large.append(
                    problem(
                        "warning",
                        messages.HISTORY_RANK_UNITS_DIFFER.format(
                            year=year,
                            shown=cell_text(row["rank"]),
                            rank_cell=row["cell:rank"],
                            units=record["units"],
                            units_cell=row["cell:units"],
                            rank=ranked[0],
                        ),
                        **at("rank"),
                    )
                )
        if record["total"] is None:  # not (yet) published: the computed figures
            too_large.append(
                problem(
                    "warning",
                    messages.HISTORY_NO_TOTAL.format(year=year, row=number),
                    **at("total"),
                )
            )
            continue
        results.append(record)
    if not results and not too_large:
        return empty_history(), [
            problem("warning", HISTORY_NO_TABLE.format(file=path.name), file=path.name)
        ]
    problems: list[dict[str, str | None]] = too_large
    results, found = _duplicates(
        results, ("year",), tuple(RESULT_SCHEMA), path.name, result_sheet
    )
    problems += found
    components: list[dict[str, Any]] = []
    component_sheet, component_rows, component_table = _rows(
        sheets, COMPONENTS_SHEET, COMPONENT_COLUMNS
    )
    if component_table is None and any(
        fold(s.name) == fold(COMPONENTS_SHEET) for s in sheets
    ):
        problems.append(
            problem(
                "warning",
                messages.HISTORY_COMPONENTS_NO_YEAR.format(sheet=component_sheet),
                file=path.name,
                sheet=component_sheet,
            )
        )
    if component_table is not None:
        component_rows = _wide_components(component_table, component_rows)
        if not (
            {"code", "score"} & component_table.columns.keys()
            or _header_codes(component_table)
        ):
            header = component_table.sheet.cells[component_table.header_row]
            problems.append(
                problem(
                    "warning",
                    messages.HISTORY_COMPONENTS_NO_CODES.format(
                        sheet=component_sheet,
                        row=component_table.header_row + 1,
                        header=", ".join(t for v in header if (t := cell_text(v))),
                    ),
                    file=path.name,
                    sheet=component_sheet,
                    cell=cell_ref(component_table.header_row, 0),
                )
            )
    left_out: set[int] = set()  # years with a component too large to be one
    unread_codes: list[tuple[str, str]] = []  # (cell, text) of codes not read
    above: int | None = None  # the year of the nearest row above that has one
    filled: list[str] = []  # year cells left empty, read as the year above
    yearless: list[str] = []  # figures before any year: not read, said
    for number, row in component_rows:
        year = _year(row["year"])
        code = normalise_code(cell_text(row["code"]))
        where: dict[str, str | None] = {
            "file": path.name,
            "sheet": component_sheet,
            "cell": str(row["cell"]),
        }
        if year is not None:
            above = year
        elif not cell_text(row["year"]).strip() and code is not None:
            if above:
                year = above  # typed once over its block: said below, at once
                filled.append(str(row["cell"]))
            elif _number(row["score"]) is not None:
                yearless.append(str(row["cell"]))
        if year is None:
            if cell_text(row["year"]).strip() and not _year_label(row["year"]):
                problems.append(_unread_year(row["year"], where))
            continue
        if code is None:
            if cell_text(row["code"]).strip():  # I, II… : said below, at once
                unread_codes.append((str(row["code_cell"]), cell_text(row["code"])))
            continue
        score = _figure(
            row["score"],
            year,
            COMPONENT_COLUMNS["score"][0],
            problems,
            **{**where, "cell": str(row["cell:score"])},
        )
        if score is None and _number(row["score"]) is not None:
            left_out.add(year)
        if score is not None:
            components.append(
                {
                    "year": year,
                    "code": code,
                    "score": score,
                    "row": number,
                    "cell": row["cell"],
                }
            )
    for template, cells in (
        (messages.HISTORY_ROWS_NO_YEAR, yearless),
        (messages.HISTORY_YEAR_FILLED, filled),
    ):
        if cells:  # one warning for the sheet's cells, pointing at the first
            problems.append(
                problem(
                    "warning",
                    template.format(count=len(cells), cells=", ".join(cells)),
                    file=path.name,
                    sheet=component_sheet,
                    cell=cells[0],
                )
            )
    if unread_codes:
        problems.append(
            problem(
                "warning",
                messages.HISTORY_CODES_UNREADABLE.format(
                    count=len(unread_codes),
                    cells=", ".join(cell for cell, _ in unread_codes),
                    first=unread_codes[0][1].strip(),
                ),
                file=path.name,
                sheet=component_sheet,
                cell=unread_codes[0][0],
            )
        )
    before: set[tuple[int, str]] = {(c["year"], c["code"]) for c in components}
    components, found = _duplicates(
        components, ("year", "code"), ("score",), path.name, component_sheet
    )
    problems += found
    # a year whose component was left out cannot be added up
    after = {(c["year"], c["code"]) for c in components}
    incomplete = {year for year, _ in before - after} | left_out
    problems += _consistency(
        results, components, path.name, (result_sheet, component_sheet), incomplete
    )
    return (
        History(
            pl.DataFrame(
                [{k: r[k] for k in RESULT_SCHEMA} for r in results],
                schema=RESULT_SCHEMA,
            ).sort("year"),
            pl.DataFrame(
                [{k: c[k] for k in COMPONENT_SCHEMA} for c in components],
                schema=COMPONENT_SCHEMA,
            ),
            path.name,
        ),
        problems,
    )

"""A form saved by Excel as "Strict Open XML Spreadsheet (*.xlsx)".

Strict workbooks name their XML with other namespaces
(``http://purl.oclc.org/ooxml/spreadsheetml/main`` for
``http://schemas.openxmlformats.org/spreadsheetml/2006/main``, and the same for
the relationships of ``r:id``). python-calamine reads their cells, but what
parindex reads from the XML itself (hidden and filtered rows, hidden columns,
error values, percent and concealing formats, formulas without a computed value)
was looked for under the transitional names only: a `100%` score was read as 1
without a word, an error value as a blank cell, a hidden stale row as data.
Each case of the corpus about these facts, saved as Strict, must say what its
transitional file says.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from parindex.check import check_files

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
REPO = Path(__file__).resolve().parents[2]

STRICT = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
        b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    ),
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
    b"http://schemas.openxmlformats.org/drawingml/2006/main": (
        b"http://purl.oclc.org/ooxml/drawingml/main"
    ),
}


def as_strict(source: Path, target: Path) -> None:
    """``source`` with every part in Strict's namespaces (as Excel saves it)."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for transitional, strict in STRICT.items():
                    data = data.replace(transitional, strict)
            new.writestr(info, data)


CASES = [
    "hidden-row-only",
    "hidden-row-duplicate",
    "filtered-rows",
    "hidden-column-duplicate",
    "value-percent",
    "value-excel-errors",
    "value-format-hides-number",
    "value-sheet-hides-zeros",
    "formula-without-cached-value",
]


def _problems(path: Path, inputs: Path) -> list[tuple[str, str | None, str]]:
    found = check_files([path], inputs)
    return [
        (severity, cell, message)
        for severity, cell, message in found.select(
            "severity", "cell", "message"
        ).iter_rows()
    ]


@pytest.mark.parametrize("case", CASES)
def test_a_strict_workbook_says_what_its_transitional_twin_says(
    case: str, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(REPO / "inputs" / "criteria", inputs / "criteria")
    (inputs / "2023").mkdir()
    transitional = inputs / "2023" / "phong-noi-vu.xlsx"
    shutil.copy(CORPUS / case / "phong-noi-vu.xlsx", transitional)
    expected = _problems(transitional, inputs)
    assert expected  # every case says something about its sheet's XML
    strict = inputs / "2023" / "strict" / "phong-noi-vu.xlsx"
    strict.parent.mkdir()
    as_strict(transitional, strict)
    with zipfile.ZipFile(strict) as archive:  # Strict indeed
        assert b"purl.oclc.org" in archive.read("xl/workbook.xml")
    assert _problems(strict, inputs) == expected


def test_a_strict_workbook_without_facts_reads_the_same(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(REPO / "inputs", inputs)
    source = inputs / "2023" / "phong-noi-vu.xlsx"
    strict = tmp_path / "phong-noi-vu.xlsx"
    as_strict(source, strict)
    assert check_files([strict], inputs).filter(
        pl.col("severity") != "info"
    ).height == (
        check_files([source], inputs).filter(pl.col("severity") != "info").height
    )

"""The used area of a sheet: the fast proof (byte searches and a plain XML parse,
no Python call per element) agrees with the exact measure (expat, a call per
element) on every crafted input, and is what a plain workbook takes."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from parindex.ingest.safety import (
    UnsafeFile,
    _check_xlsx_extent,
    _measure_xlsx_extent,
    _plainly_small,
)
from tests.builders import write_submission
from tests.ingest.hostile import FAR_CELLS

HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ROOT = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)


def _sheet(rows: bytes, head: bytes = HEAD) -> bytes:
    return head + ROOT + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def _outcome(check: object, xml: bytes) -> tuple[str, str] | None:
    try:
        check(xml)  # type: ignore[operator]
    except UnsafeFile as unsafe:
        return unsafe.kind, unsafe.detail
    return None


def _agree(xml: bytes) -> tuple[str, str] | None:
    """The outcome of the check as used, asserted equal to the exact measure's;
    whenever the fast proof holds, the exact measure accepts."""
    exact = _outcome(_measure_xlsx_extent, xml)
    if _plainly_small(xml):
        assert exact is None, xml
    assert _outcome(_check_xlsx_extent, xml) == exact, xml
    return exact


NEAR = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
# (cells after a plain first row, whether the fast proof holds, the outcome)
CRAFTED: list[tuple[str, bytes, bool, tuple[str, str | None] | None]] = [
    ("plain", b'<row r="2" spans="1:2"><c r="B2" s="1"><v>1</v></c></row>', True, None),
    (
        "far formatting",
        b'<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        False,
        None,
    ),
    (
        "far value",
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "far value, empty element",
        b'<row r="1048576"><c r="XFD1048576"></c></row>',
        False,
        None,
    ),
    (
        "r after another attribute",
        b'<row r="1048576"><c s="1" r="XFD1048576"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "r after another attribute, near",
        b'<row r="2"><c s="1" r="C2"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "single quotes",
        b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "spaces around =",
        b'<row r="5"><c r = "XFD500"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD500"),
    ),
    (
        "tab before r",
        b'<row r="5"><c\tr="XFD500"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD500"),
    ),
    (
        "newline before r",
        b'<row\nr="5"><c\nr="XFD500"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD500"),
    ),
    (
        "character references",
        b'<row r="1"><c r="&#88;FD&#49;048576"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "character reference, near",
        b'<row r="2"><c r="&#66;2"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "lower case",
        b'<row r="1"><c r="xfd1048576"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "prefixed",
        b'<x:row xmlns:x="urn:x" r="9"><x:c r="XFD999"><x:v>1</x:v></x:c></x:row>',
        False,
        ("too_many_cells", "XFD999"),
    ),
    (
        "prefix on the r attribute (no reference: after the previous cell)",
        b'<row r="3"><c x:r="XFD3" xmlns:x="urn:x"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "cells without r",
        b'<row r="1000">' + b"<c><v>1</v></c>" * 2001 + b"</row>",
        False,
        ("too_many_cells", "BXY1000"),
    ),
    ("self-closing c without r", b'<row r="2"><c/><c s="1"/></row>', False, None),
    (
        "row without r, far cells without r",
        b"<row/>" * 998 + b"<row>" + b"<c><v>1</v></c>" * 2001 + b"</row>",
        False,
        ("too_many_cells", "BXY1000"),
    ),
    ("row without attributes", b'<row><c r="A2"><v>1</v></c></row>', True, None),
    (
        "row r not a number",
        b'<row r="x"><c r="A2"><v>1</v></c></row>',
        False,
        ("corrupt", "row 'x'"),
    ),
    (
        "digits only",
        b'<row r="2"><c r="12"><v>1</v></c></row>',
        False,
        ("corrupt", "cell '12'"),
    ),
    (
        "letters only stay on the row",
        b'<row r="1048576"><c r="XFD"><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD1048576"),
    ),
    (
        "far cell in a comment",
        b'<!-- <c r="XFD1048576"><v>1</v></c> --><row r="2"><c r="A2"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "far cell in CDATA",
        b'<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<c r="XFD1048576">'
        b"<v>1</v></c>]]></t></is></c></row>",
        False,
        None,
    ),
    (
        "a processing instruction",
        b'<row r="2"><?x <c r="XFD9"><v>1</v></c>?><c r="A2"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "a cell inside a cell",
        b'<row r="2"><c r="A2"><c r="XFD1048576"/></c></row>',
        False,
        None,
    ),
    (
        "a row inside a cell",
        b'<row r="2"><c r="XFD2000"><row r="1"/><v>1</v></c></row>',
        False,
        ("too_many_cells", "XFD2000"),
    ),
    (
        "a cell named c in another element",
        b'<row r="2"><c r="A2"><v>1</v></c></row></sheetData><extLst><c r="XFD9000">'
        b"<v>1</v></c></extLst><sheetData>",
        False,
        ("too_many_cells", "XFD9000"),
    ),
    (
        "a row number past 2799 with a wide column",
        b'<row r="2800"><c r="ZZ2800"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "a long sheet, narrow",
        b'<row r="70000"><c r="B70000"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "a longer sheet, wider",
        b'<row r="70000"><c r="AD70000"><v>1</v></c></row>',
        False,
        ("too_many_cells", "AD70000"),
    ),
    (
        "the largest proven without the exact measure",
        b'<row r="2799"><c r="ZZ2799"><v>1</v></c></row>',
        True,
        None,
    ),
    (
        "leading zeros",
        b'<row r="0002"><c r="B0002"><v>1</v></c></row>',
        False,
        None,
    ),
    (
        "an entity reference in a value",
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b &#x3C;c r="XFD9"&gt;'
        b"</t></is></c></row>",
        True,
        None,
    ),
    (
        "not well-formed",
        b'<row r="2"><c r="A2"><v>1</v></x></row>',
        False,
        ("corrupt", None),
    ),
    (
        "duplicate r",
        b'<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>',
        False,
        ("corrupt", None),
    ),
]


@pytest.mark.parametrize(
    ("cells", "fast", "outcome"),
    [case[1:] for case in CRAFTED],
    ids=[case[0] for case in CRAFTED],
)
def test_crafted_cells_the_fast_proof_agrees_with_the_exact_measure(
    cells: bytes, fast: bool, outcome: tuple[str, str | None] | None
) -> None:
    xml = _sheet(NEAR + cells)
    found = _agree(xml)
    if outcome is not None and outcome[1] is None:  # expat's position: as before
        assert found is not None and found[0] == outcome[0]
    else:
        assert found == outcome
    assert _plainly_small(xml) is fast


@pytest.mark.parametrize("variant", sorted(FAR_CELLS))
def test_every_hostile_reference_goes_to_the_exact_measure(variant: str) -> None:
    xml = _sheet(NEAR + FAR_CELLS[variant])
    assert not _plainly_small(xml)
    found = _agree(xml)
    assert found is not None and found[0] == "too_many_cells"


def test_entities_from_a_dtd_are_measured_not_proven() -> None:
    """A DTD is refused before this check; the check alone still sees its cells."""
    # character references in an entity value become markup where it is used:
    # no ``<c`` in the bytes, a cell in the document
    dtd = b"<!DOCTYPE worksheet [<!ENTITY far '&#60;c r=\"XFD1048576\">&#60;v/>&#60;/c>'>]>"
    xml = _sheet(b'<row r="1">&far;</row>', head=HEAD + dtd)
    assert not _plainly_small(xml)
    assert _agree(xml) == ("too_many_cells", "XFD1048576")


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "iso-8859-1", "utf-8-sig"]
)
@pytest.mark.parametrize(
    ("cell", "outcome"),
    [("C9", None), ("XFD999", ("too_many_cells", "XFD999"))],
)
def test_other_encodings_are_measured(
    encoding: str, cell: str, outcome: tuple[str, str] | None
) -> None:
    far = f'<row r="9"><c r="{cell}"><v>1</v></c></row>'
    text = _sheet(far.encode(), head=b"").decode()
    declared = encoding.removesuffix("-sig").removesuffix("-le").removesuffix("-be")
    head = f'<?xml version="1.0" encoding="{declared}"?>'
    xml = (head + text).encode(encoding)
    assert _plainly_small(xml) is (encoding == "utf-8-sig" and outcome is None)
    assert _agree(xml) == outcome


def _random_sheet(rng: random.Random) -> bytes:
    """A sheet mixing the spellings XML allows, near and far references."""
    rows = []
    plain = rng.random() < 0.3  # a third written plainly, near and far
    for r in range(1, rng.randint(1, 30)):
        row_attr = rng.choice(
            [f' r="{r}"', "", f" r='{r}'", f' spans="1:3" r="{r}"', ' r="x"']
        )
        cells = []
        for _ in range(rng.randint(0, 6)):
            letters = rng.choice(["A", "C", "Z", "AB", "ZZ", "AAA", "XFD", "xfd"])
            number = rng.choice([str(r), "2799", "2800", "1048576", "", "0"])
            ref = letters + number
            attr = rng.choice(
                [
                    f' r="{ref}"',
                    f' s="1" r="{ref}"',
                    f" r='{ref}'",
                    f'\tr="{ref}"',
                    f' r = "{ref}"',
                    ' r="&#88;' + ref[1:] + '"',
                    "",
                ]
            )
            body = rng.choice(
                ["/>", "></c>", "><v>1</v></c>", "> <f>A1</f></c>", "><!-- x --></c>"]
            )
            prefix = rng.choice(["", "", "", "x:"])
            if plain:  # mostly proven, sometimes just past what the proof covers
                letters = rng.choice(["A", "C", "Z", "AB", "ZZ"] * 60 + ["AAA"])
                number = rng.choice([str(r)] * 300 + ["2799", "2800", "1048576"])
                attr, prefix = f' r="{letters}{number}"', ""
            if prefix and body.endswith("</c>"):
                body = body[:-4] + "</x:c>"
            cells.append(f"<{prefix}c{attr}{body}")
        if plain:
            row_attr = rng.choice([f' r="{r}"', ""])
        rows.append(f"<row{row_attr}>" + "".join(cells) + "</row>")
    root = ROOT.replace(b"<worksheet", b'<worksheet xmlns:x="urn:x"')
    return (
        HEAD
        + root
        + b"<sheetData>"
        + "".join(rows).encode()
        + b"</sheetData></worksheet>"
    )


def test_random_sheets_agree() -> None:
    rng = random.Random(13)
    proven = 0
    for _ in range(3000):
        xml = _random_sheet(rng)
        _agree(xml)
        proven += _plainly_small(xml)
    assert proven > 300  # the fast proof was exercised, not only the fallback


def _sheet_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_workbooks_as_excel_writers_save_them_are_proven_fast(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [f"1.{i}", "Kế hoạch", 1, 0.5, 0.75, "Chậm"] for i in range(1, 400)
    ]
    written = write_submission(tmp_path / "nv.xlsx", rows)  # xlsxwriter
    assert _plainly_small(_sheet_xml(written.read_bytes()))
    book = openpyxl.load_workbook(written)
    book.save(tmp_path / "openpyxl.xlsx")
    assert _plainly_small(_sheet_xml((tmp_path / "openpyxl.xlsx").read_bytes()))

"""The namespaces of the workbook parts parindex parses itself (xlsx, xlsm)."""

from __future__ import annotations

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Excel's "Strict Open XML Spreadsheet" names the same elements and attributes
# with other namespaces; the parts parindex parses itself are read in the
# transitional ones (``transitional``)
_STRICT_NAMESPACES = (
    (
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        MAIN_NS.encode(),
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        REL_NS.encode(),
    ),
)


def transitional(xml: bytes) -> bytes:
    """A workbook part (xlsx/xlsm) in the transitional namespaces: a part of a
    Strict workbook with its namespaces renamed, any other part as it is (a byte
    search decides). Without it, what parindex reads from the XML itself (hidden
    rows, error values, number formats, formulas without a value) is not found in
    a Strict workbook, whose cells the reader still reads."""
    if b"purl.oclc.org/ooxml/" not in xml:
        return xml
    for strict, name in _STRICT_NAMESPACES:
        xml = xml.replace(strict, name)
    return xml

"""Hostile and awkward workbooks built at test time (too big, or too dangerous, to
keep in git): crafted cell references and a workbook carrying a large photo."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

SHEET_PART = "xl/worksheets/sheet1.xml"
ZIP_DATE = (2024, 1, 15, 8, 0, 0)

# One far value (the last cell of a sheet) written as an XML parser reads it, but
# not as the byte pattern ` r="` matched: each one makes the reader allocate a
# grid of 17 billion cells (it aborts) unless refused before.
FAR_CELLS: dict[str, bytes] = {
    "tab": b'<row r="1048576"><c\tr="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "newline": b'<row r="1048576"><c\nr="XFD1048576"><v>1</v></c></row>',
    "single-quotes": b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
    "spaces-around-equals": b'<row r="1048576"><c r = "XFD1048576"><v>1</v></c></row>',
    "character-reference": b'<row r="1048576"><c r="&#88;FD&#49;048576"><v>1</v></c></row>',
    "lower-case": b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "prefixed": b'<row r="1048576"><x:c xmlns:x="urn:x" r="XFD1048576"><x:v>1</x:v></x:c></row>',
    "no-cell-reference": b'<row r="1048576">' + b"<c><v>1</v></c>" * 40 + b"</row>",
}


def with_sheet_tail(content: bytes, cells: bytes, part: str = SHEET_PART) -> bytes:
    """A copy of an xlsx whose sheet part gets ``cells`` at the end of its data."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            body = old.read(info)
            if info.filename == part:
                body = body.replace(b"</sheetData>", cells + b"</sheetData>", 1)
            new.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), body)
    return out.getvalue()


def with_photo(content: bytes, megabytes: int, target: Path) -> Path:
    """Write to ``target`` a copy of an xlsx carrying a ``megabytes`` MB photo
    (incompressible bytes behind a JPEG signature, as a camera's picture is) in
    ``xl/media/``, streamed in 1 MB chunks."""
    with (
        zipfile.ZipFile(io.BytesIO(content)) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            new.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), old.read(info))
        entry = zipfile.ZipInfo("xl/media/image1.jpeg", ZIP_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        with new.open(entry, "w") as stream:
            stream.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
            for _ in range(megabytes):
                stream.write(os.urandom(1024 * 1024))
    return target

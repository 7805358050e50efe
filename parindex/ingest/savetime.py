"""When a workbook says it was last saved: its own record, not the file system's.

Excel and LibreOffice write the time of the last save inside the file
(``docProps/core.xml`` ``dcterms:modified`` in an .xlsx/.xlsm, ``meta.xml``
``dc:date`` in an .ods). ``parindex.ingest.winners`` uses it only where the file
system cannot tell which of two versions of a department's form is newer (same
modification time, or one in the future), and says so (README, Choices).

The file is untrusted: only a small member is read (``MAX_MEMBER_BYTES``), parsed
with expat (which refuses entity expansion attacks); anything unexpected gives
None (no save time), never an exception. Legacy .xls files keep their save time in
an OLE property stream that is not read: None.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

MAX_MEMBER_BYTES = 256 * 1024
_DCTERMS = "{http://purl.org/dc/terms/}modified"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_MEMBERS = (("docProps/core.xml", _DCTERMS), ("meta.xml", _DC_DATE))


def saved_at(content: bytes) -> dt.datetime | None:
    """The last save time a workbook records (aware, UTC), None when it records
    none that can be read."""
    if not content.startswith(b"PK"):
        return None  # .xls (OLE) or not a zip at all
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            for member, tag in _MEMBERS:
                if member not in names:
                    continue
                info = archive.getinfo(member)
                if info.file_size > MAX_MEMBER_BYTES:
                    return None
                with archive.open(info) as stream:
                    data = stream.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    return None
                return _time_in(data, tag)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return None
    return None


def _time_in(xml: bytes, tag: str) -> dt.datetime | None:
    """The first ``tag`` element's text as a time (W3CDTF / ISO 8601)."""
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - small, expat, no DTD use
    except ElementTree.ParseError:
        return None
    element = root.find(f".//{tag}")
    if element is None or not element.text:
        return None
    return parse_w3cdtf(element.text.strip())


def parse_w3cdtf(text: str) -> dt.datetime | None:
    """``2024-01-15T08:00:00Z``, with or without fraction or offset, as an aware
    UTC time; a time without an offset is taken as UTC (LibreOffice writes local
    time without one: a tie-break between two saves on one machine is unaffected);
    None when it is not a time, or is the zero date some writers leave."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment.year < 1980:
        return None
    return moment.astimezone(dt.UTC)


__all__ = ["MAX_MEMBER_BYTES", "parse_w3cdtf", "saved_at"]

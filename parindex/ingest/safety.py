"""Look at a submission's bytes before any spreadsheet reader does.

A submission is untrusted input. Everything here runs in bounded time and memory and
decides, before python-calamine sees the file, whether it may be read:

* a file that is not a spreadsheet (a CSV, an image, a PDF renamed ``.xlsx``);
* an encrypted workbook (Office stores a password-protected xlsx as an OLE file with an
  ``EncryptedPackage`` stream; LibreOffice marks encrypted parts in its manifest);
* a zip bomb: too many entries, declared sizes over the caps (an XML part over 32 MB,
  a worksheet part over 128 MB, any other part over 32 MB that is compressed more
  than 4 times, a total over 192 MB: a 40 MB photo passes, a bomb does not), or
  entries that inflate to more than they declare (checked by inflating with a
  cap, never whole); a worksheet over its cap compressed as formatting
  compresses is said as a sheet formatted too far, not as a bomb;
* an XML part with a DTD (entity expansion, external entities);
* a sheet whose used area is so large that the reader, which allocates a dense grid
  of the used area, would exhaust memory (one value in ``XFD1048576`` is enough),
  measured by an XML parser (a plain parse and byte searches prove most sheets
  small; any other is measured with a handler per element).

What this pass cannot foresee (a bug in the native reader) is contained by
``parindex.ingest.isolate``: the readers run in a child process with a memory limit.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.parsers import expat

import olefile

from parindex import messages
from parindex.ingest.isolate import Crashed, crash_message, run_isolated
from parindex.workbook import (
    WORKBOOK_RELS,
    Sheet,
    UnreadableWorkbook,
    cell_ref,
    column_index,
    iter_sheets,
    open_workbook,
    sheet_part_names,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_SHEET_PART_BYTES = 128 * 1024 * 1024
"""Largest worksheet part (``xl/worksheets/*.xml``): empty cells formatted to
the bottom of a sheet (borders down to row 1 048 576) make parts of 50–80 MB
that Excel and LibreOffice open (blind round 24B); every other XML part is
held to ``MAX_ENTRY_BYTES``."""
SHEET_BLOAT_RATIO = 64
"""A worksheet part over its cap compressed at most this many times is a sheet
formatted too far (said as such); compressed more, it is a zip bomb."""
MAX_TOTAL_BYTES = 192 * 1024 * 1024
"""Largest total of the sizes a zip's entries declare."""
LARGE_ENTRY_RATIO = 4
"""A part over ``MAX_ENTRY_BYTES`` that is not XML (a picture) is accepted when it
is compressed at most this many times (photos and media hardly compress)."""
MAX_SHEET_CELLS = 2_000_000
"""Largest used area (rows × columns from A1) of a sheet handed to the reader."""

DEFLATE_MAX_RATIO = 1032
"""Deflate cannot expand data more than ~1032 times: entries whose compressed size
times this stays under the cap need no inflating to be trusted."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BIFF_RECORD = struct.Struct("<HH")
_BIFF_CELL = struct.Struct("<HH")
_BIFF_BOF = 0x0809
_BIFF_FILEPASS = 0x002F
_BIFF_MULRK = 0x00BD
# Records that put a value in a cell (BLANK and MULBLANK are formatting only, and
# the reader skips them): NUMBER, RK, LABELSST, LABEL, RSTRING, FORMULA, BOOLERR.
_BIFF_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0006, 0x0205})
_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")
_PROLOG_CHUNK = 1024
_ROOT_ELEMENT = re.compile(rb"<[^?!]")
_MAX_PROLOG = 64 * 1024
_INFLATE_CHUNK = 1024 * 1024
_FEED_CHUNK = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

# What a file that is not a spreadsheet looks like, by its first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"{\\rtf", "rtf"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"PK\x05\x06", "zip"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Tables that programs export with an .xls name: Excel opens them, parindex does not.
_SPREADSHEETS_IN_DISGUISE = frozenset({"html", "xml2003"})


class UnsafeFile(Exception):
    """The file must not be read.

    ``kind`` is one of ``too_large`` (the file itself), ``zip_bomb``,
    ``sheet_too_large`` (``detail``: its size in MB),
    ``xml_entities``, ``encrypted``, ``not_spreadsheet`` (``detail`` says what it
    looks like), ``unsupported`` (``detail``: the format), ``corrupt`` or
    ``too_many_cells`` (``detail``: the farthest cell).
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Container:
    """What inspection learnt: the container kind (``zip`` or ``ole``); for a zip,
    the archive as the check opened it and the parts it inflated whole (xlsx/xlsm:
    ``worksheets``, part name → XML, and the workbook's relationships; ods:
    ``content.xml``), kept so that nothing is opened or inflated twice."""

    kind: str
    worksheets: dict[str, bytes] = field(default_factory=dict)
    archive: zipfile.ZipFile | None = None
    inflated: dict[str, bytes] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """What the readers derived from the parts (``read.py``: the sheet parts)."""

    def zip(self, content: bytes) -> zipfile.ZipFile:
        """The archive of ``content`` (opened now only for a container that was
        not built by ``inspect_container``)."""
        if self.archive is None:
            return zipfile.ZipFile(BytesIO(content))
        return self.archive

    def read(self, content: bytes, name: str) -> bytes:
        """A part's bytes as ``ZipFile.read`` gives them, with the same errors (no
        such part, a local header that does not match, a bad CRC), without
        inflating again a part the check inflated whole.

        Raises:
            KeyError: no such part.
            zipfile.BadZipFile: the part is corrupt.
        """
        archive = self.zip(content)
        info = archive.getinfo(name)
        data = self.inflated.get(name)
        if data is None or len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            return archive.read(info)  # not kept, or not as declared: zipfile says
        with archive.open(info):  # the local header's checks, as read makes them
            return data


def inspect_container(content: bytes) -> Container:
    """Decide whether ``content`` may reach a spreadsheet reader.

    Returns:
        The container: ``zip`` (xlsx, xlsm, ods) or ``ole`` (xls).

    Raises:
        UnsafeFile: the file must not be read (see ``UnsafeFile.kind``).
    """
    if len(content) > MAX_FILE_BYTES:
        raise UnsafeFile("too_large", str(len(content)))
    if content.startswith(_OLE_MAGIC):
        _inspect_ole(content)
        return Container("ole")
    if not content.startswith(_ZIP_MAGIC):
        kind = sniff_kind(content)
        if kind in _SPREADSHEETS_IN_DISGUISE:  # Excel opens them; we do not read them
            raise UnsafeFile("unsupported", kind)
        raise UnsafeFile("not_spreadsheet", kind)
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        inflated: dict[str, bytes] = {}
        worksheets = _inspect_zip(content, archive, archive.infolist(), inflated)
        return Container("zip", worksheets, archive, inflated)
    except UnsafeFile:
        raise
    except Exception as error:  # zipfile, zlib, struct and expat: a corrupt zip
        raise UnsafeFile("corrupt", f"{type(error).__name__}: {error}") from error


def _inspect_ole(content: bytes) -> None:
    """Check an OLE compound file (xls, or an encrypted Office file).

    Raises:
        UnsafeFile: ``encrypted`` (an ``EncryptedPackage`` stream, or an xls
        ``FILEPASS`` record), ``not_spreadsheet`` (a Word .doc), ``corrupt``, or
        ``too_many_cells`` for a sheet whose farthest value makes its used area
        too large (the xls reader, too, allocates the whole area).
    """
    try:
        ole = olefile.OleFileIO(BytesIO(content))
        if ole.exists("EncryptedPackage"):
            raise UnsafeFile("encrypted")
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            kind = "doc" if ole.exists("WordDocument") else "unknown"
            raise UnsafeFile("not_spreadsheet", kind)
        biff = ole.openstream(stream).read()
    except UnsafeFile:
        raise
    except Exception as error:  # olefile raises many kinds on a malformed file
        raise UnsafeFile("corrupt", str(error)) from error
    _check_biff(biff)


def _check_biff(biff: bytes) -> None:
    """Walk the BIFF records of a workbook stream: refuse an encrypted workbook and
    a sheet (one BOF…EOF substream) whose farthest value is too far."""
    rows = columns = 0
    position, end = 0, len(biff) - _BIFF_RECORD.size
    while position <= end:
        kind, length = _BIFF_RECORD.unpack_from(biff, position)
        body = position + _BIFF_RECORD.size
        position = body + length
        if kind in _BIFF_CELLS and length >= _BIFF_CELL.size:
            row, column = _BIFF_CELL.unpack_from(biff, body)
        elif kind == _BIFF_MULRK and length >= 6:
            row = _BIFF_CELL.unpack_from(biff, body)[0]
            column = struct.unpack_from("<H", biff, body + length - 2)[0]
        elif kind == _BIFF_BOF:
            rows = columns = 0
            continue
        elif kind == _BIFF_FILEPASS:
            raise UnsafeFile("encrypted")
        else:
            continue
        if row >= rows or column >= columns:
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            _check_extent(rows, columns)


_HTML_TAGS = (b"<html", b"<table", b"<!doctype html", b'http-equiv="content-type"')


def sniff_kind(content: bytes) -> str:
    """What a file that is neither a zip nor an OLE container looks like:
    ``png``, ``jpeg``, ``pdf``, ``html``, ``xml2003`` (Excel 2003 XML), ``text``
    … or ``unknown``."""
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return kind
    head = content[:4096]
    if head.startswith(_UTF16_BOMS):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif b"\x00" in head[:512]:
        return "unknown"
    lowered = head.lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "xml2003"
    if any(tag in lowered for tag in _HTML_TAGS) or (
        b"<tr" in lowered and b"<td" in lowered  # a portal's bare rows
    ):
        return "html"
    return "text"


def _zip_kind(names: set[str]) -> str:
    """What a zip that holds no workbook is: a Word or PowerPoint file, or a zip."""
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _inspect_zip(
    content: bytes,
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    inflated: dict[str, bytes],
) -> dict[str, bytes]:
    """Check every entry; return the sheet parts (xlsx/xlsm) and put in
    ``inflated`` the other parts inflated whole (relationships, ods content)."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnsafeFile("zip_bomb", f"{len(entries)} entries")
    names = {entry.filename for entry in entries}
    if "xl/workbook.bin" in names:
        raise UnsafeFile("unsupported", ".xlsb")
    is_ods = "content.xml" in names and _ods_mimetype(archive, names)
    if not is_ods and "xl/workbook.xml" not in names:
        raise UnsafeFile("not_spreadsheet", _zip_kind(names))
    total = 0
    for entry in entries:
        total += entry.file_size
        kind = oversize(entry)
        if kind == "sheet_too_large":
            raise UnsafeFile(kind, str(entry.file_size // (1024 * 1024)))
        if kind is not None or total > MAX_TOTAL_BYTES:
            raise UnsafeFile("zip_bomb", f"{entry.filename}: {entry.file_size} bytes")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeFile("unsupported", f"compression {entry.compress_type}")
    if is_ods and _ods_encrypted(archive, names):
        raise UnsafeFile("encrypted")
    sheets = set() if is_ods else _xlsx_sheet_parts(content, archive, names, inflated)
    worksheets: dict[str, bytes] = {}
    for entry in entries:
        if entry.is_dir():
            continue
        raw = _raw_data(content, entry)
        is_sheet = entry.filename in sheets
        if is_sheet or (is_ods and entry.filename == "content.xml"):
            xml = _inflate(raw, entry)
            _check_prolog(xml[:_MAX_PROLOG], entry.filename)
            if is_sheet:
                _check_xlsx_extent(xml)
                worksheets[entry.filename] = xml
            else:
                _check_ods_extent(xml)
                inflated[entry.filename] = xml
            continue
        _check_actual_size(raw, entry)
        if entry.filename in _KEPT_PARTS and not is_ods:
            kept = _inflate_kept(raw, entry)
            if kept is not None:  # checked as a sheet's head is, then kept
                _check_prolog(kept[:_MAX_PROLOG], entry.filename)
                inflated[entry.filename] = kept
                continue
        if entry.filename.endswith(_XML_SUFFIXES):
            _check_part_prolog(raw, entry)
    return worksheets


_KEPT_PARTS = frozenset({"xl/workbook.xml", "xl/styles.xml"})
"""Small parts the readers need whole (the sheets' names and the styles, for
the sheet facts): inflated once here rather than again by ``zipfile``."""
_KEPT_BYTES = 1024 * 1024


def _inflate_kept(raw: memoryview, entry: zipfile.ZipInfo) -> bytes | None:
    """A small deflated part inflated whole, when it inflates to exactly the size
    it declares; None otherwise (left to the checks of any other part, and to
    ``zipfile`` when a reader reads it, so that a part that lies about its size
    gives what it gave before)."""
    if entry.compress_type != zipfile.ZIP_DEFLATED or entry.file_size > _KEPT_BYTES:
        return None
    if len(raw) * DEFLATE_MAX_RATIO > MAX_ENTRY_BYTES:
        return None  # not a part ``_check_actual_size`` trusts as it is
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, entry.file_size + 1)
    except zlib.error:
        return None
    return data if len(data) == entry.file_size else None


_PASSED_MEMO_BYTES = 16 * 1024
_PASSED_MEMO_SIZE = 256
_passed_prologs: set[tuple[int, bytes]] = set()
"""(compression, compressed bytes) of small XML parts whose prolog passed: files
made from one template share their styles, theme and relationships parts."""


def _check_part_prolog(raw: memoryview, entry: zipfile.ZipInfo) -> None:
    """``_check_prolog`` of an XML part's first bytes, once per content for a
    small part: what it decides depends on the compressed bytes and the
    compression only (a refusal, which names the part, is never kept: asked
    again, it is decided again)."""
    if len(raw) > _PASSED_MEMO_BYTES:
        _check_prolog(_inflate_head(raw, entry), entry.filename)
        return
    key = (entry.compress_type, bytes(raw))
    if key in _passed_prologs:
        return
    _check_prolog(_inflate_head(raw, entry), entry.filename)
    if len(_passed_prologs) >= _PASSED_MEMO_SIZE:
        _passed_prologs.clear()
    _passed_prologs.add(key)


def oversize(entry: zipfile.ZipInfo) -> str | None:
    """Why an entry declares more than it may (``zip_bomb``, or
    ``sheet_too_large`` for a worksheet part over ``MAX_SHEET_PART_BYTES``
    compressed as formatting compresses, at most ``SHEET_BLOAT_RATIO`` times);
    None when it may: an XML part (which the readers, and this pass, inflate
    whole) up to ``MAX_ENTRY_BYTES`` (a worksheet part up to
    ``MAX_SHEET_PART_BYTES``); any other part (a picture, an embedded file:
    never inflated by a reader) unless it is also compressed more than
    ``LARGE_ENTRY_RATIO`` times, which a photo never is and a bomb always is.
    The file's own size cap bounds what such a part can hold."""
    if entry.file_size <= MAX_ENTRY_BYTES:
        return None
    name = entry.filename.lower()
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        if entry.file_size <= MAX_SHEET_PART_BYTES:
            return None
        bloat = entry.file_size <= max(entry.compress_size, 1) * SHEET_BLOAT_RATIO
        return "sheet_too_large" if bloat else "zip_bomb"
    if name.endswith(_XML_SUFFIXES):
        return "zip_bomb"
    if entry.file_size > max(entry.compress_size, 1) * LARGE_ENTRY_RATIO:
        return "zip_bomb"
    return None


def _xlsx_sheet_parts(
    content: bytes,
    archive: zipfile.ZipFile,
    names: set[str],
    inflated: dict[str, bytes],
) -> set[str]:
    """Every part a reader may load as a sheet: those the workbook's relationships
    name (kept in ``inflated``), and whatever lies under ``xl/worksheets/`` (where
    readers look when the relationships are missing)."""
    found = {
        name
        for name in names
        if name.startswith("xl/worksheets/") and name.endswith(".xml")
    }
    if WORKBOOK_RELS in names:
        entry = archive.getinfo(WORKBOOK_RELS)
        rels = _inflate(_raw_data(content, entry), entry)
        _check_prolog(rels[:_MAX_PROLOG], WORKBOOK_RELS)
        found |= sheet_part_names(rels) & names
        inflated[WORKBOOK_RELS] = rels
    return found


def _ods_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "mimetype" not in names:
        return True  # content.xml alone: let the reader decide
    info = archive.getinfo("mimetype")
    return info.file_size < 200 and archive.read(info).startswith(_ODS_MIMETYPE)


def _ods_encrypted(archive: zipfile.ZipFile, names: set[str]) -> bool:
    manifest = "META-INF/manifest.xml"
    if manifest not in names:
        return False
    info = archive.getinfo(manifest)
    if info.file_size > 1024 * 1024:
        raise UnsafeFile("zip_bomb", manifest)
    return b"encryption-data" in archive.read(info)


def _raw_data(content: bytes, entry: zipfile.ZipInfo) -> memoryview:
    """The compressed bytes of an entry, located through its local header."""
    offset = entry.header_offset
    header = content[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or not header.startswith(_ZIP_MAGIC):
        raise UnsafeFile("corrupt", f"{entry.filename}: bad local header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    end = start + entry.compress_size
    if end > len(content):
        raise UnsafeFile("zip_bomb", f"{entry.filename}: truncated")
    return memoryview(content)[start:end]


def _inflate(raw: memoryview, entry: zipfile.ZipInfo) -> bytes:
    """The entry's content, inflating at most one byte more than it declares.

    Raises:
        UnsafeFile: the entry inflates to more than its declared size.
    """
    if entry.compress_type == zipfile.ZIP_STORED:
        return bytes(raw)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    data = inflater.decompress(raw, entry.file_size + 1)
    if len(data) > entry.file_size:
        raise UnsafeFile("zip_bomb", f"{entry.filename}: more than declared")
    return data


def _inflate_head(raw: memoryview, entry: zipfile.ZipInfo) -> bytes:
    """The first bytes of an entry: enough for its XML prolog (grown, up to
    ``_MAX_PROLOG``, only while no element has started, and until it holds the
    whole ``<!DOCTYPE`` that may start where the prolog ends: ``_check_prolog``
    looks for it there)."""
    if entry.compress_type == zipfile.ZIP_STORED:
        return bytes(raw[:_MAX_PROLOG])
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    head = b""
    pending: bytes | memoryview = raw
    while pending and len(head) < _MAX_PROLOG:
        head += inflater.decompress(pending, _PROLOG_CHUNK)
        utf8 = _as_utf8(head)
        found = _prolog_ends(utf8)
        if found is not None and len(utf8) >= found[1] + len(b"<!DOCTYPE"):
            break
        if inflater.eof:
            break
        pending = inflater.unconsumed_tail
    return head


def _check_actual_size(raw: memoryview, entry: zipfile.ZipInfo) -> None:
    """Make sure a deflated entry inflates to no more than it declares.

    Entries small enough that even the maximal deflate ratio keeps them under the
    cap are trusted as they are; others are inflated in chunks, keeping nothing.
    """
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        return
    if len(raw) * DEFLATE_MAX_RATIO <= MAX_ENTRY_BYTES:
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    # fed in small slices: the unconsumed tail (copied at each step) stays small,
    # so a 40 MB photo is checked in one pass, not in quadratic time
    for start in range(0, len(raw), _FEED_CHUNK):
        pending: bytes | memoryview = raw[start : start + _FEED_CHUNK]
        while pending and not inflater.eof:
            produced += len(inflater.decompress(pending, _INFLATE_CHUNK))
            if produced > entry.file_size:
                raise UnsafeFile("zip_bomb", f"{entry.filename}: more than declared")
            pending = inflater.unconsumed_tail
        if inflater.eof:
            break


def _check_prolog(head: bytes, part: str) -> None:
    """Refuse an XML part whose prolog declares a DTD (entities, external entities).

    A DTD may only stand before the root element, so the prolog, the text before the
    first element, is all that is searched.

    Raises:
        UnsafeFile: ``xml_entities`` when a DTD is declared.
    """
    head = _as_utf8(head)
    found = _prolog_ends(head)
    if found is None and len(head) >= _MAX_PROLOG:
        raise UnsafeFile("xml_entities", part)  # a prolog that never ends
    root, length = found or (len(head), len(head))
    prologs = (head[:root], head[: length + len(b"<!DOCTYPE")])
    if any(b"<!DOCTYPE" in text or b"<!ENTITY" in text for text in prologs):
        raise UnsafeFile("xml_entities", part)


def _prolog_ends(head: bytes) -> tuple[int, int] | None:
    """Where the prolog may end: the first ``<`` that is neither ``<?`` nor ``<!``
    (a plain search, which a ``<`` inside a comment deceives) and where the first
    element or DTD starts, comments and processing instructions skipped as an XML
    parser reads them (``_prolog_length``); None when ``head`` ends before either.
    Both are searched for a DTD."""
    root = _ROOT_ELEMENT.search(head)
    length = _prolog_length(head)
    if root is None or length is None:
        return None
    return root.start(), length


def _as_utf8(head: bytes) -> bytes:
    """The first bytes of a part, UTF-16 ones re-encoded as UTF-8."""
    if head.startswith(_UTF16_BOMS) or b"\x00" in head[:4]:
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


def _prolog_length(head: bytes) -> int | None:
    """Where the first element (or a DTD) starts: past the XML declaration,
    processing instructions, comments and spaces, as an XML parser reads them (a
    ``<`` inside a comment starts nothing); None when ``head`` ends first."""
    position = 0
    while True:
        position = head.find(b"<", position)
        if position < 0:
            return None
        if head.startswith(b"<?", position):
            end, close = head.find(b"?>", position + 2), b"?>"
        elif head.startswith(b"<!--", position):
            end, close = head.find(b"-->", position + 4), b"-->"
        else:
            return position
        if end < 0:
            return None
        position = end + len(close)


def _check_extent(rows: int, columns: int) -> None:
    """Refuse a used area (from A1 to row ``rows``, column ``columns``) that is too
    large; ``detail`` is its farthest cell."""
    if rows * columns > MAX_SHEET_CELLS:
        raise UnsafeFile("too_many_cells", cell_ref(rows - 1, columns - 1))


class _SheetExtent:
    """The used area of a worksheet as the reader will lay it out, measured by an
    XML parser (expat: any whitespace, either quote, character references, any
    namespace prefix), not by a byte pattern.

    A row's number is its ``r`` attribute, else the previous row's plus one; a
    cell's place is its ``r`` attribute, else the cell after the previous one in
    its row (that is what the reader does). Only cells with content (a child
    element: a value, an inline string, a formula) count: self-closing cells are
    formatting, and the reader skips them.
    """

    def __init__(self) -> None:
        self.row = 0  # 1-based number of the current row
        self.column = 0  # 1-based number of the last cell's column in the row
        self.rows = self.columns = 0
        self.cell: tuple[int, int] | None = None  # an open cell, until it has content

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            reference = attributes.get("r")
            if reference is None:
                self.column += 1
                row = self.row
            else:
                row, self.column = _parse_reference(reference, self.row)
            self.cell = (row, self.column)
        elif local == "row":
            number = attributes.get("r")
            self.row = self.row + 1 if number is None else _parse_number(number)
            self.column = 0
        elif self.cell is not None:  # the open cell holds something
            row, column = self.cell
            self.cell = None
            if row > self.rows or column > self.columns:
                self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    def end(self, name: str) -> None:
        if self.cell is not None and name.rpartition(":")[2] == "c":
            self.cell = None


def _parse_number(text: str) -> int:
    """A row number as the reader parses it (surrounding whitespace allowed)."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise UnsafeFile("corrupt", f"row {text!r}")
    return int(text)


def _parse_reference(reference: str, row: int) -> tuple[int, int]:
    """(row, column), both 1-based, of an A1 reference; a reference of letters only
    stays on ``row``."""
    text = reference.strip().upper()
    letters = text.rstrip("0123456789")
    digits = text[len(letters) :]
    if not letters or not letters.isascii() or not letters.isalpha():
        raise UnsafeFile("corrupt", f"cell {reference!r}")
    return (int(digits) if digits else row), column_index(letters) + 1


def _check_xlsx_extent(xml: bytes) -> None:
    """Refuse a worksheet whose farthest cell holding something makes the used area
    too large (see ``_SheetExtent``): proven small without a Python call per
    element when every cell is written plainly (``_plainly_small``), measured
    exactly otherwise."""
    if not _plainly_small(xml):
        _measure_xlsx_extent(xml)


_UTF8_BOM = b"\xef\xbb\xbf"
_XML_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([^"']*)["']""")
# A cell or row start tag not written plainly: a cell whose first attribute is not
# ``r="…"`` with at most two letters and a row number up to 2799 (so that any mix
# of such cells spans at most 702 × 2799 < MAX_SHEET_CELLS), or a row whose ``r``,
# if it has one first, is not a number (tab, newline, quotes, character
# references, lower case, cells without a reference all land here).
_UNPLAIN_TAG = re.compile(
    rb'<(?:c(?:[\t\n\r/>]| (?!r="[A-Z]{1,2}(?:[0-9]{1,3}|1[0-9]{3}|2[0-7][0-9]{2})"))'
    rb'|row(?:[\t\n\r]| (?!r="[0-9]+")))'
)
_PREFIXED_TAG = re.compile(rb":(?:c|row)[\s/>]")  # ``<x:c``, ``<a:b:row``…
# The same for a long, narrow sheet (a criteria set of a thousand departments):
# every cell in one letter's columns and a row number from 1 to 69999, written
# without a leading zero (so that any mix of such cells spans at most
# 26 × 69999 < MAX_SHEET_CELLS). Tried only when a cell is outside the first
# proof's bounds; a sheet is proven by one of the two, never by a mix.
_UNPLAIN_NARROW_TAG = re.compile(
    rb'<(?:c(?:[\t\n\r/>]| (?!r="[A-Z](?:[1-9][0-9]{0,3}|[1-6][0-9]{4})"))'
    rb'|row(?:[\t\n\r]| (?!r="[0-9]+")))'
)


class _NotPlain(Exception):
    """Raised from a parser handler to stop the plain parse."""


def _not_plain(*_: object) -> None:
    raise _NotPlain


def _plainly_small(xml: bytes) -> bool:
    """Whether the used area is proven within ``MAX_SHEET_CELLS`` (and the exact
    measure would raise nothing) without a Python call per element.

    It holds when the part is UTF-8, every start tag of an element named ``c`` or
    ``row`` (any prefix) is written plainly (see ``_UNPLAIN_TAG``: then every
    cell's place is its reference and each is within 702 columns × 2799 rows;
    or, ``_UNPLAIN_NARROW_TAG``, every one within 26 columns × 69999 rows),
    and expat parses the whole part without error and without a DTD (which could
    define elements the byte search does not see). The byte search looks at every
    ``<c``/``<row`` in the part, comments and text included, so it can only send
    a part to the exact measure, never hide a cell from it. Any other part (a
    reference written otherwise, a far cell, a malformed part) is measured
    exactly, which gives the same refusal as before.
    """
    start = 3 if xml.startswith(_UTF8_BOM) else 0
    if xml[start : start + 1] != b"<" or xml[start + 1 : start + 2] == b"\x00":
        return False  # UTF-16, or text before the first tag
    if xml.startswith(b"<?xml", start):
        end = xml.find(b"?>", start, start + _PROLOG_CHUNK)
        if end < 0:
            return False
        declared = _XML_ENCODING.search(xml, start, end)
        if declared is not None and declared.group(1).lower() != b"utf-8":
            return False
    if _PREFIXED_TAG.search(xml):
        return False
    if _UNPLAIN_TAG.search(xml) and _UNPLAIN_NARROW_TAG.search(xml):
        return False
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _not_plain
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, _NotPlain):
        return False
    return True


def _measure_xlsx_extent(xml: bytes) -> None:
    """The exact measure of ``_check_xlsx_extent``: expat with a handler per
    element (see ``_SheetExtent``). The DTD was refused before: expat expands
    only the predefined entities and character references here."""
    extent = _SheetExtent()
    parser = expat.ParserCreate()
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise UnsafeFile("corrupt", str(error)) from error
    _check_extent(extent.rows, extent.columns)  # names the farthest corner


def _check_ods_extent(xml: bytes) -> None:
    """Refuse an ODS whose repeated rows or cells holding values make a table's
    used area too large (LibreOffice repeats empty rows and cells to the sheet's
    end: those are not counted)."""
    row_tag = f"{{{_ODS_TABLE}}}table-row"
    cell_tags = (f"{{{_ODS_TABLE}}}table-cell", f"{{{_ODS_TABLE}}}covered-table-cell")
    table_tag = f"{{{_ODS_TABLE}}}table"
    rows_repeated = f"{{{_ODS_TABLE}}}number-rows-repeated"
    columns_repeated = f"{{{_ODS_TABLE}}}number-columns-repeated"
    value_type = f"{{{_ODS_OFFICE}}}value-type"
    paragraph = f"{{{_ODS_TEXT}}}p"
    row = column = 0
    used_rows = used_columns = 0
    row_columns = 0
    try:
        for event, element in ET.iterparse(BytesIO(xml), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == table_tag:
                    row = used_rows = used_columns = 0
                elif tag == row_tag:
                    column = row_columns = 0
                continue
            if tag in cell_tags:
                repeat = int(element.get(columns_repeated, "1"))
                column += repeat
                if element.get(value_type) or element.find(paragraph) is not None:
                    row_columns = column
                element.clear()
            elif tag == row_tag:
                repeat = int(element.get(rows_repeated, "1"))
                row += repeat
                if row_columns:
                    used_rows = row
                    used_columns = max(used_columns, row_columns)
                    _check_extent(used_rows, used_columns)
                element.clear()
    except (ET.ParseError, ValueError) as error:
        raise UnsafeFile("corrupt", str(error)) from error


_MB = 1024 * 1024


def unsafe_message(unsafe: UnsafeFile, size: int) -> str:
    """The Vietnamese sentence for a file that safety refused to hand to a reader."""
    if unsafe.kind == "too_large":
        return messages.FILE_TOO_LARGE.format(
            size=round(size / _MB), limit=MAX_FILE_BYTES // _MB
        )
    if unsafe.kind == "zip_bomb":
        return messages.FILE_ZIP_BOMB.format(limit=MAX_ENTRY_BYTES // _MB)
    if unsafe.kind == "sheet_too_large":
        return messages.FILE_SHEET_TOO_LARGE.format(
            size=int(unsafe.detail), limit=MAX_SHEET_PART_BYTES // _MB
        )
    if unsafe.kind == "xml_entities":
        return messages.FILE_XML_ENTITIES.format(part=unsafe.detail)
    if unsafe.kind == "encrypted":
        return messages.FILE_ENCRYPTED
    if unsafe.kind == "not_spreadsheet":
        kind = messages.NOT_SPREADSHEET_KINDS[unsafe.detail]
        if unsafe.detail in messages.ARCHIVE_KINDS:  # a form sent zipped
            return messages.FILE_ARCHIVE.format(kind=kind)
        return messages.FILE_NOT_SPREADSHEET.format(kind=kind)
    if unsafe.kind == "too_many_cells":
        cells = f"{MAX_SHEET_CELLS:,}".replace(",", ".")
        return messages.FILE_TOO_MANY_CELLS.format(cell=unsafe.detail, cells=cells)
    if unsafe.kind == "unsupported" and unsafe.detail in messages.FORMAT_NAMES:
        name = messages.FORMAT_NAMES[unsafe.detail]
        return messages.FILE_UNSUPPORTED_FORMAT.format(format=name)
    return messages.FILE_UNREADABLE


def read_capped(path: Path) -> bytes:
    """A file's bytes, never through a symlink and never more than the size cap
    (one byte more, so that an oversized file is still recognised as such)."""
    return read_snapshot(path).content


class ChangedWhileReading(OSError):
    """The file's size or modification time changed while it was being read."""


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes as read once, with the size and modification time they had."""

    content: bytes
    size: int
    mtime: float


def read_snapshot(path: Path) -> Snapshot:
    """Read a file once (never through a symlink, never more than the size cap plus
    one byte) and say what was read: these bytes are the ones hashed, parsed and
    archived.

    Raises:
        ChangedWhileReading: the file changed while being read (torn bytes).
        OSError: it cannot be opened (``FileNotFoundError`` when it vanished).
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as stream:
        before = os.fstat(descriptor)
        content = stream.read(MAX_FILE_BYTES + 1)
        after = os.fstat(descriptor)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or (
        len(content) <= MAX_FILE_BYTES and len(content) != after.st_size
    ):
        raise ChangedWhileReading(str(path))
    return Snapshot(content, after.st_size, after.st_mtime)


@dataclass(frozen=True)
class OfficeWorkbook:
    """A workbook the office keeps (criteria set, history, province register),
    read as a submission is: its sheets with their facts, and why the facts
    could not be read, when they could not."""

    file: str
    sheets: list[Sheet]
    facts_failure: str | None = None

    @property
    def facts_said(self) -> str | None:
        """The warning that the sheets were read without their hidden rows and
        columns (None when they were read with them)."""
        if self.facts_failure is None:
            return None
        return messages.OFFICE_FACTS_UNREADABLE.format(
            file=self.file, reason=self.facts_failure
        )


def read_office_workbook(path: Path, *, hidden: bool = False) -> OfficeWorkbook:
    """Every visible sheet of a workbook the office keeps (criteria set, history,
    register), read with the same safety checks as a submission; hidden sheets
    too with ``hidden`` (marked ``visible=False``).

    Raises:
        UnreadableWorkbook: with the Vietnamese reason as ``reason``.
    """
    try:
        content = read_capped(path)
    except OSError as error:
        raise UnreadableWorkbook(error.strerror or str(error)) from error
    try:
        container = inspect_container(content)
    except UnsafeFile as unsafe:
        raise UnreadableWorkbook(unsafe_message(unsafe, len(content))) from None
    opener = functools.partial(_open_sheets, hidden=hidden)
    found = run_isolated([content], opener)[0]  # a reader crash: this file
    if isinstance(found, Crashed):
        raise UnreadableWorkbook(crash_message(found))
    if isinstance(found, str):
        raise UnreadableWorkbook(found)
    # what the reader does not give (hidden columns, an .ods's merged cells), as
    # a submission has it; here, not at the top: the reader imports this module
    from parindex.ingest.read import with_facts

    sheets, failure = with_facts(found, content, container)
    return OfficeWorkbook(path.name, sheets, failure)


def _open_sheets(content: bytes, *, hidden: bool = False) -> list[Sheet] | str:
    """The visible sheets (every sheet with ``hidden``, hidden ones marked), or why
    the reader could not open the workbook."""
    try:
        return list(iter_sheets(open_workbook(content), hidden=hidden))
    except UnreadableWorkbook as error:
        return error.reason

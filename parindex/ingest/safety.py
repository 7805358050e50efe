"""Look at a submission's bytes before any spreadsheet reader does.

A submission is untrusted input: a zip bomb, an XML entity bomb or an encrypted file
must be recognised within bounded time and memory, and never handed to a reader.
"""

from __future__ import annotations

import io
import zipfile

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ZIP_MAGIC = b"PK\x03\x04"
_XML_SCAN_BYTES = 4096


class UnsafeFile(Exception):
    """The file must not be read; ``kind`` is ``too_large``, ``encrypted`` or ``xml_entities``."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def inspect_container(content: bytes) -> None:
    """Raise ``UnsafeFile`` when ``content`` must not reach a spreadsheet reader.

    Checks, without decompressing anything whole: the file size; for zip containers
    (xlsx, xlsm, ods) the entry count and declared uncompressed sizes, and a DTD in
    the head of any XML part (entity expansion, external entities); for OLE files
    (xls) an ``EncryptedPackage`` stream, which is how Office stores a password
    protected xlsx.
    """
    if len(content) > MAX_FILE_BYTES:
        raise UnsafeFile("too_large", f"{len(content)} bytes")
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in content:
            raise UnsafeFile("encrypted")
        return
    if not content.startswith(_ZIP_MAGIC):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the reader reports it as unreadable
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnsafeFile("too_large", f"{len(entries)} zip entries")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
            raise UnsafeFile("too_large", f"{entry.filename}: {entry.file_size} bytes")
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(entry) as stream:
                head = stream.read(_XML_SCAN_BYTES)
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
            return
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnsafeFile("xml_entities", entry.filename)

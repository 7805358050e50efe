"""The save time a workbook records (``parindex.ingest.savetime``)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import xlsxwriter

from parindex.ingest.savetime import MAX_MEMBER_BYTES, parse_w3cdtf, saved_at

UTC = dt.UTC


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_xlsx_records_its_last_save(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": dt.datetime(2024, 3, 1, 9, 30, 0)})
    workbook.add_worksheet().write(0, 0, "x")
    workbook.close()
    assert saved_at(path.read_bytes()) == dt.datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_any_namespace_prefix_and_an_offset_are_understood() -> None:
    core = (
        b'<?xml version="1.0"?><p:coreProperties '
        b'xmlns:p="http://schemas.openxmlformats.org/package/2006/metadata/core-'
        b'properties" xmlns:t="http://purl.org/dc/terms/">'
        b"<t:modified>2024-05-02T08:00:00+07:00</t:modified></p:coreProperties>"
    )
    content = _zip({"[Content_Types].xml": b"<x/>", "docProps/core.xml": core})
    assert saved_at(content) == dt.datetime(2024, 5, 2, 1, 0, tzinfo=UTC)


def test_an_ods_records_its_save_in_meta_xml() -> None:
    meta = (
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:'
        b'xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<office:meta><dc:date>2024-02-03T10:11:12.123456789</dc:date>"
        b"</office:meta></office:document-meta>"
    )
    content = _zip({"mimetype": b"application/vnd.oasis", "meta.xml": meta})
    assert saved_at(content) == dt.datetime(2024, 2, 3, 10, 11, 12, 123456, tzinfo=UTC)


def test_no_save_time_when_none_can_be_read() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512  # a legacy .xls
    assert saved_at(ole) is None
    assert saved_at(b"PK\x03\x04 not really a zip") is None
    assert saved_at(_zip({"xl/workbook.xml": b"<x/>"})) is None  # no core.xml
    assert saved_at(_zip({"docProps/core.xml": b"<unclosed"})) is None
    empty = b'<c xmlns:t="http://purl.org/dc/terms/"><t:modified/></c>'
    assert saved_at(_zip({"docProps/core.xml": empty})) is None
    huge = b"<c>" + b" " * (MAX_MEMBER_BYTES + 1) + b"</c>"
    assert saved_at(_zip({"docProps/core.xml": huge})) is None


def test_times_that_are_not_real_saves_are_none() -> None:
    assert parse_w3cdtf("1601-01-01T00:00:00Z") is None  # a writer's zero date
    assert parse_w3cdtf("hôm qua") is None
    assert parse_w3cdtf("2024-01-15T08:00:00Z") == dt.datetime(
        2024, 1, 15, 8, tzinfo=UTC
    )

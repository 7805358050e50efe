"""Safety checks that the corpus does not reach: each on a small file built inline."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from parindex import messages
from parindex.ingest.read import unsafe_message
from parindex.ingest.safety import (
    MAX_ENTRY_BYTES,
    UnsafeFile,
    _check_biff,
    inspect_container,
    sniff_kind,
)
from tests.builders import write_submission

DATE = (2024, 1, 15, 8, 0, 0)


def _submission(tmp_path: Path, rows: list[list[object]] | None = None) -> bytes:
    path = write_submission(
        tmp_path / "nv.xlsx", rows or [["1.1", "Kế hoạch", 1, 1, 1]]
    )
    return path.read_bytes()


def _replace(content: bytes, part: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            body = data if info.filename == part else old.read(info)
            new.writestr(
                zipfile.ZipInfo(info.filename, DATE),
                body,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def _kind(content: bytes) -> str:
    with pytest.raises(UnsafeFile) as caught:
        inspect_container(content)
    return caught.value.kind


def test_a_plain_submission_passes_and_keeps_its_sheet_xml(tmp_path: Path) -> None:
    container = inspect_container(_submission(tmp_path))
    assert container.kind == "zip"
    assert list(container.worksheets) == ["xl/worksheets/sheet1.xml"]


def test_a_shared_strings_part_that_lies_about_its_size_is_a_bomb(
    tmp_path: Path,
) -> None:
    content = _replace(_submission(tmp_path), "xl/sharedStrings.xml", b" " * 40_000_000)
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
    struct.pack_into("<L", data, info.header_offset + 22, 100)  # local header
    position = data.find(b"PK\x01\x02")  # central directory: find the entry
    while position != -1:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == b"xl/sharedStrings.xml":
            struct.pack_into("<L", data, position + 24, 100)
        position = data.find(b"PK\x01\x02", position + 4)
    with pytest.raises(UnsafeFile) as caught:
        inspect_container(bytes(data))
    assert caught.value.kind == "zip_bomb"
    assert unsafe_message(caught.value, len(data)) == messages.FILE_ZIP_BOMB.format(
        limit=MAX_ENTRY_BYTES // 1024 // 1024
    )


def test_a_dtd_in_a_utf16_part_is_found(tmp_path: Path) -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    content = _replace(_submission(tmp_path), "xl/styles.xml", xml.encode("utf-16"))
    assert _kind(content) == "xml_entities"


def test_an_encrypted_ods_is_recognised_by_its_manifest() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b"\x8a\x11encrypted bytes")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
            'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
            '"content.xml"><manifest:encryption-data/></manifest:file-entry>'
            "</manifest:manifest>",
        )
    assert _kind(out.getvalue()) == "encrypted"


def test_xlsb_is_refused_with_a_way_out() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(UnsafeFile) as caught:
        inspect_container(out.getvalue())
    assert unsafe_message(caught.value, 0) == (
        "Định dạng .xlsb chưa được hỗ trợ: hãy mở tệp bằng Excel và lưu thành .xlsx."
    )


def test_formatting_far_away_is_not_data(tmp_path: Path) -> None:
    """Self-closing (style only) cells are skipped by the reader: no refusal."""
    content = _submission(tmp_path)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
    sheet = sheet.replace(b"</sheetData>", far)
    assert inspect_container(_replace(content, "xl/worksheets/sheet1.xml", sheet))


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        ("Mã;Điểm\n1.1;0,5\n".encode("utf-16"), "text"),
        (b"\x00\x01\x02\x03binary", "unknown"),
        (b"PK\x05\x06" + bytes(18), "zip"),
    ],
)
def test_what_a_renamed_file_looks_like(content: bytes, kind: str) -> None:
    assert sniff_kind(content) == kind
    assert _kind(content) == "not_spreadsheet"


def test_tables_exported_with_an_xls_name_are_refused_with_a_way_out() -> None:
    html = b"<html><table><tr><td>1.1</td></tr></table>"
    with pytest.raises(UnsafeFile) as caught:
        inspect_container(html)
    assert unsafe_message(caught.value, len(html)) == (
        "Định dạng trang web HTML (thường do phần mềm xuất ra với đuôi .xls) chưa "
        "được hỗ trợ: hãy mở tệp bằng Excel và lưu thành .xlsx."
    )


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def test_biff_filepass_means_encrypted() -> None:
    with pytest.raises(UnsafeFile) as caught:
        _check_biff(_record(0x0809, bytes(16)) + _record(0x002F, bytes(6)))
    assert caught.value.kind == "encrypted"


def test_biff_extent_counts_values_per_sheet_not_blanks() -> None:
    number = _record(0x0203, struct.pack("<HHHd", 60000, 1, 0, 1.0))
    wide = _record(
        0x00BD, struct.pack("<HH", 0, 0) + bytes(6 * 3) + struct.pack("<H", 200)
    )
    blank = _record(0x0201, struct.pack("<HHH", 65535, 255, 0))
    bof = _record(0x0809, bytes(16))
    _check_biff(bof + number + blank + bof + wide)  # two sheets: 60001×2 and 1×201
    with pytest.raises(UnsafeFile) as caught:
        _check_biff(bof + number + wide)  # one sheet: 60001 × 201 cells
    assert (caught.value.kind, caught.value.detail) == ("too_many_cells", "GS60001")


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        (b'<c r="A1"><v>1</v></c><c r="ZZ999"><v>1</v></c>', None),
        (b'<c r="AAA1"><v>1</v></c><c r="B2000"><v>1</v></c>', None),  # measured
        (b'<c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c>', "XFD1048576"),
        (b'<c r="CW20000"><v>1</v></c>', "CW20000"),  # 101 × 20 000 cells
        (b'<c r="XFD1048576" s="3"/>', None),  # formatting only
    ],
)
def test_used_area_is_measured_only_when_a_reference_is_far(
    cells: bytes, refused: str | None
) -> None:
    from parindex.ingest.safety import _check_xlsx_extent

    xml = b"<worksheet><sheetData><row>" + cells + b"</row></sheetData></worksheet>"
    if refused is None:
        _check_xlsx_extent(xml)
        return
    with pytest.raises(UnsafeFile) as caught:
        _check_xlsx_extent(xml)
    assert (caught.value.kind, caught.value.detail) == ("too_many_cells", refused)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize(
    "comment", ["<!-- <a> -->", "<!-- " + "<b> " * 600 + "-->", "<?pi <a>?>"]
)
def test_a_dtd_after_a_comment_that_looks_like_a_tag_is_found(
    tmp_path: Path, part: str, encoding: str, comment: str
) -> None:
    """A ``<`` inside a comment or processing instruction starts no element: the
    DTD after it is still in the prolog (a short one, and one past the first
    inflated kilobyte)."""
    xml = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>{comment}'
        '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    )
    content = _replace(_submission(tmp_path), part, xml.encode(encoding))
    assert _kind(content) == "xml_entities"


def test_a_comment_before_the_root_element_is_not_a_dtd(tmp_path: Path) -> None:
    content = _submission(tmp_path)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = archive.read("xl/styles.xml")
    root = styles.index(b"<styleSheet")
    styles = styles[:root] + b"<!-- <x> " + b"y" * 3000 + b" -->" + styles[root:]
    assert inspect_container(_replace(content, "xl/styles.xml", styles))


@pytest.mark.parametrize(
    "content",
    [
        b"<tr><td>UBND HUY\xe1\xbb\x86N</td><td></td></tr>\n<tr><td>1.1</td></tr>",
        b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        b"<tr><td>1.1</td></tr>",
        b'<style>td{mso-number-format:"\\@";}</style>\n<tr><td>1.1</td></tr>',
        b"\xef\xbb\xbf<TR><TD>1.1</TD></TR>",
    ],
)
def test_a_portals_rows_of_html_without_a_table_tag_are_html(content: bytes) -> None:
    """A portal's export of bare `<tr><td>` rows saved as .xls was called a
    CSV or text file "chosen by mistake" (blind round 24B, finding 4)."""
    assert sniff_kind(content) == "html"


def _bordered_to(content: bytes, last_row: int) -> bytes:
    """The sheet with empty bordered cells F:G down to ``last_row`` (an office
    that formatted the columns to the bottom of the sheet)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    rows = b"".join(
        b'<row r="%d"><c r="F%d" s="1"/><c r="G%d" s="1"/></row>' % (r, r, r)
        for r in range(100, last_row + 1)
    )
    return _replace(
        content,
        "xl/worksheets/sheet1.xml",
        sheet.replace(b"</sheetData>", rows + b"</sheetData>"),
    )


def test_a_sheet_formatted_to_the_bottom_is_read(tmp_path: Path) -> None:
    """Empty bordered cells to row 1 048 576 make a sheet part of ~60 MB: the
    file was refused as a "bom zip" over 32 MB a part (blind round 24B,
    finding 2). A worksheet part may declare up to 128 MB."""
    content = _bordered_to(_submission(tmp_path), 1_048_576)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 32 * 2**20
    assert inspect_container(content).kind == "zip"


def test_a_sheet_part_over_its_cap_is_said_as_such() -> None:
    """Over 128 MB, compressed as formatting compresses: refused, saying what
    makes a sheet that large and what to do; a part compressed as a bomb is
    (1000 times) stays a bomb."""
    from parindex.ingest.safety import oversize

    sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    sheet.file_size, sheet.compress_size = 300 * 2**20, 25 * 2**20
    assert oversize(sheet) == "sheet_too_large"
    caught = UnsafeFile("sheet_too_large", "300")
    assert unsafe_message(caught, 25 * 2**20) == messages.FILE_SHEET_TOO_LARGE.format(
        size=300, limit=128
    )
    sheet.compress_size = 2**20
    assert oversize(sheet) == "zip_bomb"
    sheet.file_size, sheet.compress_size = 100 * 2**20, 10 * 2**20
    assert oversize(sheet) is None
    strings = zipfile.ZipInfo("xl/sharedStrings.xml")
    strings.file_size, strings.compress_size = 40 * 2**20, 10 * 2**20
    assert oversize(strings) == "zip_bomb"

"""The safety pass's quicker ways keep its decisions: a part's prolog is checked
once per content (a refusal is never kept), ``xl/workbook.xml`` and
``xl/styles.xml`` are inflated once and kept for the readers, and a DTD is found
wherever the inflated head of a part happens to end."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from parindex.ingest import safety
from parindex.ingest.safety import UnsafeFile, inspect_container
from tests.builders import write_submission


def _submission(tmp_path: Path) -> bytes:
    path = write_submission(tmp_path / "nv.xlsx", [["1.1", "Kế hoạch", 1, 1, 1]])
    return path.read_bytes()


def _replace(content: bytes, part: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        names = {info.filename for info in old.infolist()}
        for info in old.infolist():
            new.writestr(info, data if info.filename == part else old.read(info))
        if part not in names:
            new.writestr(part, data)
    return out.getvalue()


def _dtd_at_the_chunk_end() -> bytes:
    """An XML part whose DTD starts 4 bytes before the first 1 KB the head is
    inflated in, after a comment holding ``<a`` (which a plain search takes for
    the root element)."""
    prefix = b'<?xml version="1.0"?><!-- <a -->'
    pad = b"<?pi " + b"x" * (1024 - len(prefix) - 11) + b"?>"
    return prefix + pad + b'<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'


@pytest.mark.parametrize(
    "part",
    ["docProps/app.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"],
)
def test_a_dtd_where_the_first_kilobyte_ends_is_refused(
    tmp_path: Path, part: str
) -> None:
    crafted = _replace(_submission(tmp_path), part, _dtd_at_the_chunk_end())
    with pytest.raises(UnsafeFile) as refused:
        inspect_container(crafted)
    assert refused.value.kind == "xml_entities" and refused.value.detail == part


def test_a_refused_part_is_refused_again_after_the_same_part_passed(
    tmp_path: Path,
) -> None:
    content = _submission(tmp_path)
    inspect_container(content)  # its parts passed (and are remembered)
    dtd = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'
    crafted = _replace(content, "docProps/app.xml", dtd)
    for _ in range(2):  # a refusal is not remembered as a pass
        with pytest.raises(UnsafeFile) as refused:
            inspect_container(crafted)
        assert refused.value.kind == "xml_entities"
    inspect_container(content)  # and the good file still passes


def test_workbook_and_styles_are_kept_as_zipfile_reads_them(tmp_path: Path) -> None:
    content = _submission(tmp_path)
    container = inspect_container(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for part in ("xl/workbook.xml", "xl/styles.xml"):
            assert container.inflated[part] == archive.read(part)
            assert container.read(content, part) == archive.read(part)


def test_a_part_that_inflates_to_less_than_it_declares_is_not_kept(
    tmp_path: Path,
) -> None:
    content = _submission(tmp_path)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/styles.xml")
    data = bytearray(content)
    declared = (info.file_size + 7).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = declared
    position = content.find(b"PK\x01\x02")
    while position != -1:  # the central directory's entry too
        length = int.from_bytes(content[position + 28 : position + 30], "little")
        if content[position + 46 : position + 46 + length] == b"xl/styles.xml":
            data[position + 24 : position + 28] = declared
        position = content.find(b"PK\x01\x02", position + 4)
    container = inspect_container(bytes(data))
    assert "xl/styles.xml" not in container.inflated
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:  # as before
        assert container.read(bytes(data), "xl/styles.xml") == archive.read(
            "xl/styles.xml"
        )
    assert (
        safety._inflate_kept(memoryview(b""), archive.getinfo("xl/styles.xml")) is None
    )

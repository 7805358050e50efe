"""One submission's container is opened once and each part inflated once: what the
safety pass opened and inflated is what the facts, the formulas and the sheet
parts use (the reader, python-calamine, opens its own copy)."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from parindex.criteria import CriteriaSet
from parindex.ingest import safety
from parindex.ingest.discover import DroppedFile, sha256
from parindex.ingest.read import read_submission
from tests.ingest.test_corpus import CORPUS


def _file(case: str) -> Path:
    return next(
        p for p in sorted((CORPUS / case).iterdir()) if p.suffix in (".xlsx", ".ods")
    )


class _Count:
    """ZipFile constructions and the parts inflated, by name, while reading."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened = 0
        self.inflated: Counter[str] = Counter()
        init, read = zipfile.ZipFile.__init__, zipfile.ZipExtFile.read
        inflate = safety._inflate

        def counting_init(
            archive: zipfile.ZipFile, *args: object, **kw: object
        ) -> None:
            self.opened += 1
            init(archive, *args, **kw)  # type: ignore[arg-type]

        def counting_read(stream: zipfile.ZipExtFile, n: int = -1) -> bytes:
            data = read(stream, n)
            if data:
                self.inflated[stream.name] += 1
            return data

        def counting_inflate(raw: memoryview, entry: zipfile.ZipInfo) -> bytes:
            self.inflated[entry.filename] += 1
            return inflate(raw, entry)

        monkeypatch.setattr(zipfile.ZipFile, "__init__", counting_init)
        monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
        monkeypatch.setattr(safety, "_inflate", counting_inflate)


@pytest.mark.parametrize("case", ["format-ods", "filtered-rows-ods"])
def test_an_ods_is_opened_once_and_its_content_inflated_once(
    case: str, sample_criteria: CriteriaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(case)
    content = path.read_bytes()
    dropped = DroppedFile(path, f"2023/{path.name}", len(content), 0.0, "candidate")
    count = _Count(monkeypatch)
    read = read_submission(dropped, content, sha256(content), sample_criteria, 2023)
    assert read.rejection is None and read.forms
    assert count.opened == 1
    assert count.inflated["content.xml"] == 1


@pytest.mark.parametrize(
    "case",
    [
        "formula-without-cached-value",
        "hidden-row-duplicate",
        "value-percent",
        "header-extra-words",
    ],
)
def test_an_xlsx_is_opened_once_and_its_sheets_and_relationships_inflated_once(
    case: str, sample_criteria: CriteriaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(case)
    content = path.read_bytes()
    dropped = DroppedFile(path, f"2023/{path.name}", len(content), 0.0, "candidate")
    count = _Count(monkeypatch)
    read = read_submission(dropped, content, sha256(content), sample_criteria, 2023)
    assert read.rejection is None and read.forms
    assert count.opened == 1
    sheets = [name for name in count.inflated if name.startswith("xl/worksheets/")]
    assert sheets and all(count.inflated[name] == 1 for name in sheets)
    assert count.inflated["xl/_rels/workbook.xml.rels"] == 1


def _wrong_crc(content: bytes, part: str) -> bytes:
    """A copy of a zip whose ``part`` declares another CRC (its bytes unchanged)."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(part)
    wrong = (info.CRC ^ 0xFFFF).to_bytes(4, "little")
    data[info.header_offset + 14 : info.header_offset + 18] = wrong  # local header
    position = content.find(b"PK\x01\x02")  # central directory: find the entry
    while position != -1:
        length = int.from_bytes(content[position + 28 : position + 30], "little")
        if content[position + 46 : position + 46 + length] == part.encode():
            data[position + 16 : position + 20] = wrong
        position = content.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def test_a_kept_part_whose_crc_is_wrong_fails_as_zipfile_would() -> None:
    """The kept ``content.xml`` is checked as ``ZipFile.read`` checks it: a part
    whose bytes do not match its CRC is not read silently."""
    content = _wrong_crc(_file("format-ods").read_bytes(), "content.xml")
    container = safety.inspect_container(content)
    with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32 for file 'content.xml'"):
        container.read(content, "content.xml")
    with pytest.raises(KeyError, match="There is no item named 'nothing.xml'"):
        container.read(content, "nothing.xml")


def test_the_relationships_and_the_workbook_part_are_parsed_once(
    sample_criteria: CriteriaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety pass and the readers both need a file's relationships, and
    files made from one template share their workbook parts: each distinct part
    is parsed once, and a part that cannot be parsed fails every time."""
    import xml.etree.ElementTree as ET

    from parindex import workbook

    parsed: Counter[bytes] = Counter()
    real = ET.fromstring

    def counting(text: bytes, *args: object, **kw: object) -> ET.Element:
        parsed[bytes(text)] += 1
        return real(text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(workbook.ET, "fromstring", counting)
    path = _file("header-extra-words")
    content = path.read_bytes()
    dropped = DroppedFile(path, f"2023/{path.name}", len(content), 0.0, "candidate")
    for _ in range(2):  # the same template twice
        read = read_submission(dropped, content, sha256(content), sample_criteria, 2023)
        assert read.rejection is None and read.forms
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
        book = archive.read("xl/workbook.xml")
    assert parsed[rels] <= 1 and parsed[book] <= 1
    broken = b"<Relationships><Relationship Id='rId1'"
    for _ in range(2):  # a failure is not kept: asked again, it raises again
        with pytest.raises(ET.ParseError):
            workbook.workbook_relationships(broken)

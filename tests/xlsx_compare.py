"""Compare two xlsx files part by part, the way XlsxWriter's own tests do.

An xlsx is a zip: the member lists must match, then each XML part (one element per
line, so a failure reads like a diff of XML), with the dates of ``docProps/core.xml``
normalised. Other parts (images) are compared byte for byte.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from zipfile import ZipFile

_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def compare_xlsx(got: Path, expected: Path) -> list[str]:
    """Every difference between ``got`` and ``expected``; empty when they match."""
    with ZipFile(got) as ours, ZipFile(expected) as theirs:
        names, expected_names = sorted(ours.namelist()), sorted(theirs.namelist())
        if names != expected_names:
            return [f"parts differ: got {names}, expected {expected_names}"]
        differences = []
        for name in names:
            mine, golden = _part(ours, name), _part(theirs, name)
            if mine != golden:
                diff = difflib.unified_diff(
                    golden, mine, "expected", "got", lineterm=""
                )
                differences.append(f"{name}:\n" + "\n".join(diff))
        return differences


def _part(archive: ZipFile, name: str) -> list[str]:
    data = archive.read(name)
    if not name.endswith((".xml", ".rels")):
        return [data.hex()]
    text = data.decode("utf-8")
    if name == "docProps/core.xml":
        text = _CORE_DATES.sub(r"\1", text)
    return re.sub(r">\s*<", ">\n<", text).splitlines()

"""The render date of the tests, and reading rendered workbooks back."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zipfile import ZipFile

from openpyxl.worksheet.worksheet import Worksheet

CREATED = datetime(2024, 1, 1)


def read_table(worksheet: Worksheet, first_header: str) -> list[dict[str, Any]]:
    """The rows under the first row whose column A is ``first_header``, as dicts
    keyed by header, up to the first empty row."""
    rows = worksheet.iter_rows(values_only=True)
    for row in rows:
        if row[0] == first_header:
            headers = [h for h in row if h is not None]
            break
    else:
        raise AssertionError(f"no table starting with “{first_header}”")
    table = []
    for row in rows:
        if all(v is None for v in row):
            break
        table.append(dict(zip(headers, row, strict=False)))
    return table


def texts(worksheet: Worksheet) -> list[str]:
    """Every text cell of a sheet, in reading order."""
    return [
        v
        for row in worksheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]


def sheet_xml(path: Path, name: str) -> str:
    """The worksheet XML part of the sheet called ``name``."""
    with ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        sheet = re.search(
            rf'<sheet name="{re.escape(name)}"[^>]* r:id="(\w+)"', workbook
        )
        assert sheet, f"no sheet {name}"
        target = re.search(rf'Id="{sheet.group(1)}"[^>]* Target="([^"]+)"', rels)
        assert target, f"no part for sheet {name}"
        return archive.read(f"xl/{target.group(1)}").decode()

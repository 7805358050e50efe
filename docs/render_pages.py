"""Rebuild the pictures of this folder from the shipped sample.

Renders the 2023 scorecard and draft report of the Phong Thổ sample exactly as the
rendering tests do, converts them to PDF with LibreOffice and rasterises pages at
60 dpi with pdftoppm::

    uv run python docs/render_pages.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from tests.render.conftest import build_sample_result, ingest_sample
from tests.render.office import convert_to_pdf, render_page
from tests.render.workbooks import CREATED

DOCS = Path(__file__).resolve().parent
PAGES = {
    "scorecard-2023.xlsx": {
        1: "scorecard-2023-page1.png",
        2: "scorecard-2023-page2.png",
    },
    "bao-cao-2023.docx": {1: "bao-cao-2023-page1.png"},
}


def main() -> None:
    """Write the pictures listed in ``PAGES`` into this folder."""
    result = build_sample_result(ingest_sample())
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        render_scorecard(result, work / "scorecard-2023.xlsx", CREATED)
        (work / "bao-cao-2023.docx").write_bytes(render_report(result, CREATED))
        for source, pages in PAGES.items():
            pdf = convert_to_pdf(work / source, work)
            for page, name in pages.items():
                png = render_page(pdf, page, work / f"{Path(source).stem}-{page}")
                shutil.copyfile(png, DOCS / name)


if __name__ == "__main__":
    main()

"""Rebuild the pictures of this folder from the shipped sample.

Renders the 2023 scorecard, the draft report and one department's workbook of the
Phong Thổ sample exactly as the rendering tests do (with the shipped
``inputs/don-vi.toml``), converts them to PDF with LibreOffice and rasterises pages
with pdftoppm::

    uv run python docs/render_pages.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from parindex.render.department import render_department
from parindex.render.report import render_report
from parindex.render.scorecard import render_scorecard
from tests.render.conftest import build_sample_result, ingest_sample
from tests.render.office import convert_to_pdf, render_page
from tests.render.workbooks import CREATED

DOCS = Path(__file__).resolve().parent
DPI = 70
# the first page of each sheet pictured, found by its title line
SCORECARD_PAGES = {
    "Kết quả Chỉ số cải cách hành chính": "scorecard-2023-tong-hop.png",
    "Chỉ số thành phần năm": "scorecard-2023-chi-so-thanh-phan.png",
    "Điểm từng tiêu chí": "scorecard-2023-tieu-chi.png",
    "Các tiêu chí bị mất điểm năm": "scorecard-2023-mat-diem.png",
    "Đối chiếu số liệu": "scorecard-2023-doi-chieu.png",
    "Phòng Nội vụ": "scorecard-2023-NV.png",
}
DEPARTMENT_PAGES = {
    "Kết quả Chỉ số CCHC năm": "department-VP-2023-tong-quan.png",
    "Các tiêu chí bị trừ điểm – ": "department-VP-2023-bi-tru-diem.png",
}


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")


def _first_pages(pdf: Path, titles: dict[str, str]) -> dict[int, str]:
    """Page number → picture name, for the first page showing each title."""
    found: dict[int, str] = {}
    for title, name in titles.items():
        for number, text in enumerate(_page_texts(pdf), start=1):
            if title in text:
                found[number] = name
                break
    return found


def main() -> None:
    """Write the pictures into this folder (the report: every page)."""
    result = build_sample_result(ingest_sample())
    for old in DOCS.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        render_scorecard(result, work / "scorecard-2023.xlsx", CREATED)
        render_department(result, "VP", work / "VP-2023.xlsx", CREATED)
        (work / "bao-cao-2023.docx").write_bytes(render_report(result, CREATED))
        report = convert_to_pdf(work / "bao-cao-2023.docx", work)
        pages = len(_page_texts(report)) - 1
        jobs = {
            report: {n: f"bao-cao-2023-page{n:02d}.png" for n in range(1, pages + 1)},
            convert_to_pdf(work / "scorecard-2023.xlsx", work): SCORECARD_PAGES,
            convert_to_pdf(work / "VP-2023.xlsx", work): DEPARTMENT_PAGES,
        }
        for pdf, wanted in jobs.items():
            numbered = (
                wanted if pdf == report else _first_pages(pdf, wanted)  # type: ignore[arg-type]
            )
            for page, name in numbered.items():
                png = render_page(pdf, page, work / f"{pdf.stem}-{page}", dpi=DPI)
                shutil.copyfile(png, DOCS / name)


if __name__ == "__main__":
    main()

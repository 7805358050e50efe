"""LibreOffice and poppler for the rendering tests: convert to PDF, rasterise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")

needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed"
)


def convert_to_pdf(source: Path, folder: Path) -> Path:
    """``source`` converted to PDF in ``folder`` by LibreOffice, headless, with a
    private profile (so that tests never touch the user's)."""
    assert SOFFICE is not None
    profile = (folder / "profile").as_uri()
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = folder / f"{source.stem}.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists(), completed.stdout + completed.stderr
    return pdf


def pdf_text(pdf: Path) -> str:
    """The text of a PDF (``pdftotext``), lines joined with spaces."""
    if PDFTOTEXT is None:
        pytest.skip("poppler (pdftotext) is not installed")
    completed = subprocess.run(
        [PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(completed.stdout.split())


def render_page(
    pdf: Path, page: int, prefix: Path, fmt: str = "png", dpi: int = 60
) -> Path:
    """Page ``page`` of ``pdf`` rasterised at ``dpi`` (``pdftoppm``), as ``png`` or
    as a binary ``ppm``."""
    if PDFTOPPM is None:
        pytest.skip("poppler (pdftoppm) is not installed")
    subprocess.run(
        [
            PDFTOPPM,
            *([] if fmt == "ppm" else [f"-{fmt}"]),
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    return prefix.with_suffix(f".{fmt}")


def coloured_share(ppm: Path) -> float:
    """The share of clearly coloured pixels (not grey, not white) in a binary PPM:
    charts are coloured, tables and text are black on white."""
    data = ppm.read_bytes()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P6", "not a binary PPM"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][: width * height * 3]
    coloured = sum(
        1
        for i in range(0, len(pixels), 3)
        if max(pixels[i : i + 3]) - min(pixels[i : i + 3]) > 60
    )
    return coloured / (width * height)

"""The scorecard opens in LibreOffice and its charts render: PDF, then pixels."""

from __future__ import annotations

from pathlib import Path

import pytest

from .office import coloured_share, convert_to_pdf, needs_soffice, pdf_text, render_page


@pytest.fixture(scope="module")
def scorecard_pdf(
    scorecard_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample's scorecard converted to PDF once."""
    return convert_to_pdf(scorecard_path, tmp_path_factory.mktemp("pdf"))


@pytest.mark.slow
@needs_soffice
def test_scorecard_converts_to_pdf(scorecard_pdf: Path) -> None:
    assert scorecard_pdf.read_bytes().startswith(b"%PDF")
    assert scorecard_pdf.stat().st_size > 20_000
    text = pdf_text(scorecard_pdf)
    assert "Tổng điểm và xếp hạng qua các năm" in text
    assert "Các nhóm điểm qua các năm" in text
    assert "Điểm các chỉ số thành phần" in text


@pytest.mark.slow
@needs_soffice
def test_charts_render(scorecard_pdf: Path, tmp_path: Path) -> None:
    """Page 1 (Tổng hợp: two charts) and page 2 (Chỉ số thành phần: one chart) are
    drawn in colour; the criteria sheet (page 3, a table) is not."""
    shares = [
        coloured_share(render_page(scorecard_pdf, page, tmp_path / f"p{page}", "ppm"))
        for page in (1, 2, 3)
    ]
    assert shares[0] > 0.015, shares  # about 0.04
    assert shares[1] > 0.01, shares  # about 0.02
    assert shares[2] < 0.005, shares
    png = render_page(scorecard_pdf, 1, tmp_path / "page1")
    assert png.read_bytes().startswith(b"\x89PNG")

"""The scorecard opens in LibreOffice: converted to PDF headless."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_scorecard_converts_to_pdf(scorecard_path: Path, tmp_path: Path) -> None:
    assert SOFFICE is not None
    profile = (tmp_path / "profile").as_uri()
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(scorecard_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    pdf = tmp_path / "scorecard-2023.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists(), completed.stdout + completed.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 20_000

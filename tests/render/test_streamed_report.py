"""The report of a large generated unit, its section II written into the
document's zip entry piece by piece (never joined, never parsed), holds part for
part, byte for byte, what python-docx's own ``save`` gives with every paragraph
parsed into the body (and every entry dated as parindex dates them; the deflate
level is parindex's own, ``report.ZIP_LEVEL``)."""

from __future__ import annotations

import io
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from parindex import pipeline
from parindex.analysis import AnalysedResult
from parindex.render import report
from parindex.render.fragments import ReportParts
from parindex.render.report import render_report

from .test_report import _entries
from .workbooks import CREATED

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def large_result(tmp_path_factory: pytest.TempPathFactory) -> AnalysedResult:
    """120 departments of the benchmark's generator (one file each)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    case = generate.ensure_case("n120", data_dir=tmp_path_factory.mktemp("gen"), jobs=1)
    inputs = Path(case.units[0]["inputs"])
    criteria = pipeline.load_criteria(inputs, 2023)
    history, history_problems = pipeline.load_history(inputs)
    ingested = pipeline.ingest_year(inputs, 2023, criteria, time.time())
    return pipeline.build_result(criteria, ingested, None, history, history_problems)


def _saved_by_python_docx(
    document: Any, created: datetime, spliced: list[Any]
) -> bytes:
    """Each marker's paragraphs parsed into the body, then python-docx's ``save``
    and every entry re-dated: the package without splicing."""
    body = document.element.body
    for marker in [
        node
        for node in body
        if isinstance(node, etree._ProcessingInstruction)
        and node.target == report.SPLICE_TARGET
    ]:
        pieces = spliced[int(marker.text)]
        xml = pieces if isinstance(pieces, bytes) else b"".join(pieces)
        parsed = parse_xml(f"<w:body {nsdecls('w')}>".encode() + xml + b"</w:body>")
        for paragraph in list(parsed):
            marker.addprevious(paragraph)
        body.remove(marker)
    buffer, out = io.BytesIO(), io.BytesIO()
    document.save(buffer)
    stamp = (created.year, created.month, created.day, created.hour, 0, 0)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _parts(result: AnalysedResult) -> ReportParts:
    codes = result.current.departments["code"].to_list()
    return ReportParts(None, "test", {code: f"key-{code}" for code in codes})


@pytest.mark.parametrize("kept", [False, True], ids=["blocks", "fragments"])
def test_report_of_120_departments_is_python_docx_save(
    large_result: AnalysedResult, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """Section II as blocks (no parts) and as fragments (a night's parts)."""
    assert len(large_result.current.criteria_set.departments) == 120
    streamed = render_report(
        large_result, CREATED, _parts(large_result) if kept else None
    )
    monkeypatch.setattr(report, "_package", _saved_by_python_docx)
    saved = render_report(large_result, CREATED, _parts(large_result) if kept else None)
    assert _entries(streamed) == _entries(saved)
    with zipfile.ZipFile(io.BytesIO(streamed)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert body.count("<w:p>") + body.count("<w:p ") > 1000
    assert "parindex-paragraphs" not in body

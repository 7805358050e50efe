"""A criterion two departments share (1.2.1: NV leads, TCKH) left blank by one of
them while the other's figure is used: the blank one was told "Nếu tiêu chí được
0 điểm, hãy ghi 0 rồi nộp lại" (from the lead, a 0 then overrides the other's
figure), and a non-lead without an appraisal was told "tạm dùng điểm tự đánh
giá" of a figure not used (blind round 21b, findings 3 and 4). Each is told
whose figure the total uses."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.builders import set_appraisal
from tests.test_previous_incomplete import _result

NV = "2023/phong-noi-vu.xlsx"
TCKH = "2023/phong-tai-chinh-ke-hoach.xlsx"


def _blank(path: Path, code: str) -> None:
    book = openpyxl.load_workbook(path)
    row = next(r for r in book.worksheets[0].iter_rows() if r[0].value == code)
    row[3].value = row[4].value = None
    book.save(path)


def _said(inputs: Path, file: str) -> list[tuple[str, str | None, str]]:
    problems = _result(inputs).problems
    return [
        (r["severity"], r["cell"], r["message"])
        for r in problems.iter_rows(named=True)
        if r["file"] == file and r["criterion"] == "1.2.1"
    ]


def test_the_lead_that_left_a_shared_criterion_blank_is_told_whose_figure_is_used(
    inputs: Path,
) -> None:
    _blank(inputs / NV, "1.2.1")
    assert _said(inputs, NV) == [
        (
            "warning",
            "D11",
            # the lead (NV) is not told the lead's figure comes first (28B, F7)
            "Tiêu chí dùng chung 1.2.1 để trống trong tệp này (ô D11, E11): tổng "
            "hợp tạm dùng 0 điểm của TCKH. Đơn vị là đơn vị chủ trì tiêu chí này: "
            "nếu có điểm, hãy ghi vào ô D11, E11 rồi nộp lại (điểm của đơn vị chủ "
            "trì được dùng trước, kể cả 0).",
        )
    ]


def test_a_department_whose_figure_is_not_used_is_not_told_its_self_score_is(
    inputs: Path,
) -> None:
    set_appraisal(inputs / TCKH, "1.2.1", None)  # TCKH: self 0,5, no appraisal
    said = _said(inputs, TCKH)
    assert (
        "warning",
        "E10",
        "Tiêu chí 1.2.1 chưa có điểm thẩm định (ô E10 để trống hoặc “-”) trong khi "
        "các tiêu chí khác của tệp đã có; điểm tự đánh giá 0,5 của đơn vị không "
        "được dùng: tổng hợp dùng 0 điểm của NV (tiêu chí dùng chung).",
    ) in said
    assert not any("tạm dùng điểm tự đánh giá" in message for _, _, message in said)


def test_a_department_not_leading_a_shared_criterion_left_blank_is_not_asked_for_0(
    inputs: Path,
) -> None:
    _blank(inputs / TCKH, "1.2.1")
    assert _said(inputs, TCKH) == [
        (
            "warning",
            "D10",
            "Tiêu chí dùng chung 1.2.1 để trống trong tệp này (ô D10, E10): tổng "
            "hợp dùng 0 điểm của NV. Nếu đơn vị không chấm tiêu chí này, đừng ghi "
            "0: điểm của đơn vị ghi đầu tiên ở tiêu chí này trong bộ chỉ số (NV) "
            "được dùng trước.",
        )
    ]

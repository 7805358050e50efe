"""A score column is never dropped without a word: appraisal and self synonyms are
recognised, and a column headed like a score (``điểm``) that holds numbers but is not
read as a score is named (a warning, or the file set aside when a score role is
missing and the column may be it). Forms built from the shipped sample's NV file."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from parindex import messages
from parindex.criteria import CriteriaSet
from parindex.ingest.collect import ingest_year
from parindex.ingest.header import role_of
from parindex.pipeline import build_result, consolidate_previous, load_history
from parindex.render.summary import render_summary

NV = "2023/phong-noi-vu.xlsx"


def _sent_unusable(reason: str) -> tuple[str, None, None, None, str]:
    """NV's only file set aside: NV sent a file, not nothing (who submitted)."""
    return (
        "warning",
        None,
        None,
        None,
        messages.DEPARTMENT_SUBMITTED_UNUSABLE.format(
            department="Phòng Nội vụ", file=NV, reason=reason
        ),
    )


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Điểm HĐTĐ chấm", "appraised"),
        ("Điểm Hội đồng chấm", "appraised"),
        ("Điểm chấm của hội đồng", "appraised"),
        ("Điểm HĐ thẩm định", "appraised"),
        ("Kết quả Hội đồng thẩm định", "appraised"),
        ("Điểm tự chấm", "self"),
        ("Điểm đơn vị tự chấm", "self"),
        ("Điểm đạt (đơn vị tự chấm)", "self"),
        ("Điểm đạt (tự đánh giá)", "self"),
        ("Nhận xét của Hội đồng", "reason"),  # the council's remarks: the reason
        ("Ý kiến Hội đồng", "reason"),
        ("Điểm tự chấm (Hội đồng thẩm định kiểm tra)", None),
    ],
)
def test_score_synonyms(text: str, role: str | None) -> None:
    assert role_of(text) == role


def _assert_set_aside(
    total: float, found: list[tuple[str | None, ...]], cell: str, message: str
) -> None:
    """NV's file set aside with ``message`` naming ``cell``, and NV said to
    have sent a file it could not use (its figures gone from the total)."""
    assert found == [("error", NV, "Chấm điểm", cell, message), _sent_unusable(message)]
    assert total != 79.24


def _beside(header: str) -> dict[str, object]:
    """A column H headed ``header`` beside the self score and the appraisal,
    0,25 on the first four criteria's rows (within every maximum)."""
    return {"H7": header, **{f"H{r}": 0.25 for r in range(8, 12)}}


def _run(tmp_path: Path, cells: dict[str, object], criteria: CriteriaSet):  # type: ignore[no-untyped-def]
    inputs = tmp_path / "inputs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "inputs", inputs)
    book = openpyxl.load_workbook(inputs / NV)
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(inputs / NV)
    ingested = ingest_year(inputs, 2023, criteria, time.time())
    history, problems = load_history(inputs)
    previous = consolidate_previous(inputs, 2023, time.time())
    result = build_result(criteria, ingested, previous, history, problems)
    summary = json.loads(render_summary(result))
    found = [
        (p["severity"], p["file"], p["sheet"], p["cell"], p["message"])
        for p in ingested.problems.iter_rows(named=True)
    ]
    nv = ingested.rows.filter(pl.col("department") == "NV")
    self_total = round(float(nv["self_score"].sum() or 0.0), 2)
    return summary["total"], found, self_total


@pytest.mark.parametrize(
    "cells",
    [
        {"D7": "Điểm tự chấm", "E7": "Điểm HĐTĐ chấm"},
        {"E7": "Điểm Hội đồng chấm"},
        {"D7": "Điểm đạt (đơn vị tự chấm)"},
    ],
)
def test_synonym_headers_give_the_sample_figures(
    tmp_path: Path, sample_criteria: CriteriaSet, cells: dict[str, object]
) -> None:
    assert _run(tmp_path, cells, sample_criteria) == (79.24, [], 23.5)


def test_an_unrecognised_score_column_beside_self_only_sets_the_file_aside(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    total, found, _ = _run(tmp_path, {"E7": "Điểm cấp trên chấm"}, sample_criteria)
    message = messages.SCORE_COLUMN_UNRECOGNISED_MISSING.format(
        column="E7 “Điểm cấp trên chấm”", role="điểm thẩm định"
    )
    _assert_set_aside(total, found, "E7", message)


def test_an_unrecognised_self_column_sets_the_file_aside(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    total, found, _ = _run(tmp_path, {"D7": "Điểm đơn vị"}, sample_criteria)
    message = messages.SCORE_COLUMN_UNRECOGNISED_MISSING.format(
        column="D7 “Điểm đơn vị”", role="điểm tự đánh giá"
    )
    assert found == [
        ("error", NV, "Chấm điểm", "D7", message),
        _sent_unusable(message),
    ]


def test_an_extra_unrecognised_score_column_is_named_not_used(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    cells = _beside("Điểm chênh lệch")
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    message = messages.SCORE_COLUMN_NOT_USED.format(column="H7 “Điểm chênh lệch”")
    assert found == [("warning", NV, "Chấm điểm", "H7", message)]
    assert total == 79.24


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Đơn vị tự đánh giá", "self"),
        ("TĐG", "self"),
        ("Tự ĐG", "self"),
        ("Điểm TĐG", "self"),
        ("Phúc khảo", "appraised"),
        ("Kết quả phúc khảo", "appraised"),
        ("Sau phúc khảo", "appraised"),
        ("KQ phúc khảo", "appraised"),
        ("Điểm sau phúc khảo", "appraised"),
        ("Kết quả sau phúc khảo", "appraised"),
        ("Điểm đề nghị phúc khảo", None),  # what the department asks for
        ("Lý do phúc khảo", "reason"),
    ],
)
def test_self_abbreviations_and_appeal_columns(text: str, role: str | None) -> None:
    """Blind round 23B, F1 and F7: a self column headed "Đơn vị tự đánh giá",
    "TĐG", "Tự ĐG" was not read (the file refused as holding no score); an
    appeal column ("Kết quả phúc khảo") beside the appraisal was dropped
    without a word, the appealed scores not counted."""
    assert role_of(text) == role


def test_an_appeal_column_beside_the_appraisal_is_the_final_round(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """Filled only where the appeal changed a score (1.3.2 → 1,5; 5.2.1 → 0,5):
    the other rows take the appraisal, each said (README, Choices)."""
    cells: dict[str, object] = {"H7": "Kết quả phúc khảo", "H16": 1.5, "H31": 0.5}
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert total == 79.96
    assert not [f for f in found if f[0] == "error"]


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("Tỉnh đánh giá", "E7 “Tỉnh đánh giá”"),
        ("Kết quả", "E7 “Kết quả”"),
        ("Đạt", "E7 “Đạt”"),
        ("TĐ", "E7 “TĐ”"),
        ("Đánh giá của Sở Nội vụ", "E7 “Đánh giá của Sở Nội vụ”"),
        (None, "E7 (tiêu đề trống)"),
    ],
)
def test_a_column_of_scores_under_an_unknown_header_beside_self_only_sets_the_file_aside(
    tmp_path: Path, sample_criteria: CriteriaSet, header: str | None, label: str
) -> None:
    """The council's column headed otherwise (or not at all): it was dropped
    and the self scores used, the night "HOÀN THÀNH: 0 lỗi, 0 cảnh báo" with a
    total 10 points off (blind round 23B, F1). A column of numbers within each
    row's maximum, in a form without an appraisal column, may be it."""
    total, found, _ = _run(tmp_path, {"E7": header}, sample_criteria)
    message = messages.SCORES_UNDER_UNKNOWN_HEADER.format(column=label)
    _assert_set_aside(total, found, "E7", message)


@pytest.mark.parametrize(
    "text",
    [
        "Ý kiến thẩm định",
        "Ý kiến của Hội đồng thẩm định",
        "Giải trình",
        "Nhận xét",
        "Nhận xét của Hội đồng",
        "Nội dung bị trừ điểm",
        "Thuyết minh",
        "Căn cứ, lý do",
        # the reason for points lost, with "trừ" (not points lost themselves)
        "Nội dung trừ điểm",
        "Các nội dung trừ điểm",
        "Căn cứ trừ điểm",
    ],
)
def test_reason_headers_as_offices_write_them(text: str) -> None:
    """The deduction's reason under these headers was dropped, and the report
    said "(chưa ghi nguyên nhân)" of a reason written (blind round 23B, F4)."""
    assert role_of(text) == "reason"


@pytest.mark.parametrize("words", ["Giữ nguyên", "Không chấp nhận", "x"])
def test_an_appeal_column_holding_words_is_not_read_as_scores(
    tmp_path: Path, sample_criteria: CriteriaSet, words: str
) -> None:
    """ "Giữ nguyên" in the appeal column made the row's appraisal "not a
    number", the criterion unscored (blind re-check 23C, finding 3). Such a
    column is not read, said."""
    cells: dict[str, object] = {"H7": "Kết quả phúc khảo", "H16": words, "H31": 0.5}
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert total == 79.24
    assert found == [
        (
            "warning",
            NV,
            "Chấm điểm",
            "H7",
            messages.APPEAL_COLUMN_WORDS.format(
                column="H7 “Kết quả phúc khảo”", text=words
            ),
        )
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Điểm thẩm định năm trước",
        "Điểm thẩm định năm liền trước",
        "Điểm HĐTĐ năm trước",
        "Kết quả thẩm định năm ngoái",
        "Điểm thẩm định kỳ trước",
        # blind round 24A, H3 (not "năm qua": the year assessed, maybe)
        "Điểm thẩm định kì trước",
    ],
)
def test_an_appraisal_column_of_last_year_in_words_is_not_read(
    tmp_path: Path, sample_criteria: CriteriaSet, header: str
) -> None:
    """ "Điểm thẩm định năm trước" beside "Điểm thẩm định": the form was refused
    as holding two appraisal columns (blind round 23C, finding 5). Last year
    named in words is last year as "năm 2022" is: not used, said."""
    cells = _beside(header)
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert found == [
        (
            "warning",
            NV,
            "Chấm điểm",
            "H7",
            messages.COLUMN_OTHER_YEAR.format(
                column=f"H7 “{header}”", column_year=2022, year=2023
            ),
        )
    ]
    assert total == 79.24


def test_the_only_appraisal_column_of_last_year_in_words_is_no_appraisal(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """Named last year in words, the only appraisal column is not this year's
    (not "an old label" used as the form's own, as a lone "năm 2022" is)."""
    total, found, _ = _run(
        tmp_path, {"E7": "Điểm thẩm định năm trước"}, sample_criteria
    )
    assert found[0] == (
        "warning",
        NV,
        "Chấm điểm",
        "E7",
        messages.COLUMN_OTHER_YEAR.format(
            column="E7 “Điểm thẩm định năm trước”", column_year=2022, year=2023
        ),
    )
    assert total != 79.24


@pytest.mark.parametrize(
    "header",
    [
        "Điểm đề nghị",
        "Điểm đơn vị đề nghị",
        "Điểm đơn vị đề xuất",
        "Điểm tự xác định",
        "Điểm đơn vị tự xác định",
    ],
)
def test_the_self_score_as_offices_also_name_it(
    tmp_path: Path, sample_criteria: CriteriaSet, header: str
) -> None:
    """The department's proposed score beside the appraisal: the form was set
    aside, the column "may be a score" (blind round 23C, finding 5)."""
    assert _run(tmp_path, {"D7": header}, sample_criteria) == (79.24, [], 23.5)


@pytest.mark.parametrize(
    "header",
    [
        "Điểm đề nghị phúc khảo",
        "Điểm đề nghị chấm lại",
        # blind round 24A, H2: a request, or another body's proposal
        "Điểm đề nghị điều chỉnh",
        "Điểm đề nghị phúc tra",
        "Điểm Sở Nội vụ đề nghị",
        "Điểm UBND huyện đề nghị",
    ],
)
def test_a_score_asked_again_is_not_the_self_score(header: str) -> None:
    assert role_of(header) is None


def _deducted_from(column: str) -> dict[str, object]:
    """E7 "Điểm bị trừ", each row's maximum minus its score in ``column``."""
    sheet = openpyxl.load_workbook(
        Path(__file__).resolve().parents[2] / "inputs" / NV
    ).active
    assert sheet is not None
    cells: dict[str, object] = {"E7": "Điểm bị trừ"}
    for r in range(8, sheet.max_row + 1):
        top, score = sheet[f"C{r}"].value, sheet[f"{column}{r}"].value
        both = isinstance(top, int | float) and isinstance(score, int | float)
        cells[f"E{r}"] = round(top - score, 2) if both else None
    return cells


def test_a_deductions_column_that_is_the_self_scores_is_no_appraisal(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """A form with a self score and "Điểm bị trừ" (the maximum minus the self
    score on every row) was set aside: the column "may be the appraisal"
    (blind round 23C, finding 5). It is the self score's deductions: the form
    is read as one without an appraisal column, and the column is said."""
    _, found, self_total = _run(tmp_path, _deducted_from("D"), sample_criteria)
    assert not [f for f in found if f[0] == "error"]
    assert (
        "warning",
        NV,
        "Chấm điểm",
        "E7",
        messages.DEDUCTIONS_OF_SELF.format(column="E7 “Điểm bị trừ”"),
    ) in found
    assert self_total == 23.5


def test_a_deductions_column_that_is_not_the_self_scores_sets_the_form_aside(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """The council's deductions (the maximum minus its appraisal) beside the
    self score alone: the appraisal is not worked out from them; set aside."""
    total, found, _ = _run(tmp_path, _deducted_from("E"), sample_criteria)
    message = messages.DEDUCTIONS_WITHOUT_APPRAISAL.format(column="E7 “Điểm bị trừ”")
    _assert_set_aside(total, found, "E7", message)


@pytest.mark.parametrize(
    "text",
    [
        "Điểm bị trừ (thẩm định)",
        "Điểm thẩm định bị trừ",
        "Điểm bị trừ theo kết quả thẩm định",
        "Điểm Hội đồng trừ",
        "Điểm HĐTĐ trừ",
        "Thẩm định trừ điểm",
        "Điểm trừ khi thẩm định",
        "Số điểm thẩm định trừ",
        "Điểm bị trừ (tự đánh giá)",
        "Điểm tự trừ",
        "Điểm bị trừ khi tự chấm",
        # blind re-check 24D: read as the appraisal, 73,64 without a word
        "Trừ điểm thẩm định",
        "Điểm thẩm định trừ (nếu có)",
        "Điểm giảm trừ (thẩm định)",
        "Diem tham dinh tru (neu co)",
        "Số điểm khấu trừ khi thẩm định",
        "Điểm thẩm định trừ đi",
        "Thẩm định (trừ)",
        # "trừ" otherwise: not known to be a score, so never read as one
        "Điểm thẩm định thực tế (trừ điểm không đạt)",
        "Điểm thẩm định trừ lùi",
    ],
)
def test_points_lost_are_no_score(text: str) -> None:
    """Headed as points lost and naming the council (or the self score): the
    deductions were read as the appraisal, 73,64 "final" without a word
    (blind round 24A, F1), or as the self score (F3)."""
    assert role_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Điểm thẩm định (sau khi trừ)",
        "Điểm sau trừ",
        # blind re-check 24C, R1 and R2: "trừ" in a score's header that is
        # no points lost (after them, "excluding", or "trù" without its mark)
        "Điểm thẩm định chính thức (sau khi bị trừ điểm)",
        "Điểm thẩm định sau khi bị trừ",
        "Điểm thẩm định lần 2 (trừ tiêu chí khảo sát)",
        "Điểm thẩm định (trừ tiêu chí khảo sát)",
        "Điểm thẩm định (ngoại trừ các tiêu chí điều tra)",
        "Điểm thẩm định (dự trù)",
        # blind re-check 24D: after deductions, in other words
        "Điểm thẩm định sau khi khấu trừ",
        "Điểm thẩm định sau giảm trừ",
        "Diem tham dinh sau tru",
    ],
)
def test_a_score_after_its_deductions_is_a_score(text: str) -> None:
    named = "thẩm định" in text or "tham dinh" in text
    assert role_of(text) == ("appraised" if named else None)


@pytest.mark.parametrize("text", ["Diem bi tru (tham dinh)", "DIEM BI TRU", "Diem tru"])
def test_points_lost_written_without_accents_are_no_score(text: str) -> None:
    assert role_of(text) is None


@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("Điểm bị trừ (thẩm định)", messages.DEDUCTIONS_WITHOUT_APPRAISAL),
        # blind re-check 25A: each read as the appraisal, 73,64 "final"
        # without a word; "… đã trừ" may be either (A3), "bị giảm" is points
        # lost in other words (A4)
        ("Điểm HĐTĐ đã trừ", messages.DEDUCTIONS_UNCLEAR),
        ("Điểm thẩm định bị giảm", messages.DEDUCTIONS_WITHOUT_APPRAISAL),
    ],
)
def test_the_councils_deductions_beside_the_self_score_set_the_form_aside(
    tmp_path: Path, sample_criteria: CriteriaSet, header: str, said: str
) -> None:
    cells = _deducted_from("E")
    cells["E7"] = header
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    _assert_set_aside(total, found, "E7", said.format(column=f"E7 “{header}”"))


def test_points_lost_beside_both_scores_are_said_not_used(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """Beside the self score and the appraisal (the council's deductions, say):
    not used, and said as points lost."""
    cells = _beside("Điểm bị trừ (thẩm định)")
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert found == [
        (
            "warning",
            NV,
            "Chấm điểm",
            "H7",
            messages.DEDUCTIONS_NOT_USED.format(column="H7 “Điểm bị trừ (thẩm định)”"),
        )
    ]
    assert total == 79.24


def test_an_appraisal_before_the_appeal_gives_way_to_the_one_after(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """ "… trước phúc khảo" beside "… sau phúc khảo": both were read as the
    final round, and the form set aside as a tie (blind round 24A, H4)."""
    cells: dict[str, object] = {
        "E7": "Điểm thẩm định trước phúc khảo",
        "H7": "Điểm thẩm định sau phúc khảo",
        "H16": 1.5,
        "H31": 0.5,
    }
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert total == 79.96
    assert not [f for f in found if f[0] == "error"]


def test_the_official_appraisal_after_its_deductions_is_used(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """ "Điểm thẩm định chính thức (sau khi bị trừ điểm)" beside "… sơ bộ" was
    taken for points lost, and the preliminary round used: 79,69 "final"
    (blind re-check 24C, R1)."""
    sheet = openpyxl.load_workbook(
        Path(__file__).resolve().parents[2] / "inputs" / NV
    ).active
    assert sheet is not None
    cells: dict[str, object] = {
        "E7": "Điểm thẩm định sơ bộ",
        "H7": "Điểm thẩm định chính thức (sau khi bị trừ điểm)",
    }
    for r in range(8, sheet.max_row + 1):
        cells[f"H{r}"] = sheet[f"E{r}"].value
        if isinstance(sheet[f"C{r}"].value, int | float):
            cells[f"E{r}"] = sheet[f"C{r}"].value  # the preliminary: every maximum
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    assert total == 79.24
    assert not [f for f in found if f[0] == "error"]
    assert [f[3] for f in found] == ["H7"]  # the choice of the official round, said


@pytest.mark.parametrize("beside_appraisal", [False, True])
def test_a_score_column_with_an_unclear_tru_sets_the_form_aside(
    tmp_path: Path, sample_criteria: CriteriaSet, beside_appraisal: bool
) -> None:
    """ "trừ" neither as points lost nor after them nor "excluding": not known
    to be a score or points lost. Never read as the score it names, nor
    dropped with the other column used: set aside, said (blind re-check 24D)."""
    header = "Điểm thẩm định trừ lùi"
    cells: dict[str, object] = _beside(header) if beside_appraisal else {"E7": header}
    total, found, _ = _run(tmp_path, cells, sample_criteria)
    cell = "H7" if beside_appraisal else "E7"
    message = messages.DEDUCTIONS_UNCLEAR.format(column=f"{cell} “{header}”")
    _assert_set_aside(total, found, cell, message)


def test_the_provinces_average_is_never_the_departments_appraisal(
    tmp_path: Path, sample_criteria: CriteriaSet
) -> None:
    """The province's average as the only appraisal-like column was used as
    the department's appraisal (25A, A5): set aside; beside the department's
    own appraisal (25A, C2), not used and said."""
    header = "Điểm thẩm định bình quân toàn tỉnh"
    total, found, _ = _run(tmp_path, {"E7": header}, sample_criteria)
    message = messages.APPRAISAL_COLUMN_UNRECOGNISED.format(column=f"E7 “{header}”")
    _assert_set_aside(total, found, "E7", message)
    total, found, _ = _run(tmp_path / "beside", _beside(header), sample_criteria)
    assert total == 79.24
    assert found == [
        (
            "warning",
            NV,
            "Chấm điểm",
            "H7",
            messages.SCORE_COLUMN_NOT_USED.format(column=f"H7 “{header}”"),
        )
    ]

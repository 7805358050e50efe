"""Last year's rank in the province workbook (blind round 17, P1 and P2).

- A unit ranked last year that has no drop folder yet this year still counts in
  last year's ranking: the others' previous ranks are last year's, not re-ranked
  among the units that have a folder this year (P1: each unit below it showed a
  rank one better than it had, and a change of 0 where it had risen).
- A unit whose previous total is not compared (its previous folder leaves
  criteria unscored and no total was published) has no previous rank either
  (P2: it showed a rank from its partial total, and a change of rank).
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from parindex.province.run import run_province
from tests.builders import Cell
from tests.builders import write_submission as write_form
from tests.province.test_folder import write_register, write_set

GROUP = "Xã, phường"


def _form(inputs: Path, unit: str, year: int, scores: tuple[float, ...]) -> None:
    """A commune's self-assessment: leaves 1.1 (max 1), 1.2 (max 2), 2.1 (max 2);
    fewer scores leave the last leaves out."""
    leaves: list[list[Cell]] = [
        ["1.1", "Kế hoạch", 1],
        ["1.2", "Báo cáo", 2],
        ["2.1", "SIPAS", 2],
    ]
    rows = [
        [*leaf, score, score, None] for leaf, score in zip(leaves, scores, strict=False)
    ]
    write_form(
        inputs / "units" / unit / str(year) / "tu-danh-gia.xlsx",
        rows,
        department=f"UBND xã {unit}",
        year=year,
    )


def _province(tmp_path: Path, units: list[str]) -> Path:
    inputs = tmp_path / "inputs"
    write_register(inputs, [[u, f"UBND xã {u}", GROUP, None] for u in units])
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    return inputs


def _previous(tmp_path: Path, inputs: Path) -> dict[str, tuple[object, ...]]:
    result, _, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    return {
        row["code"]: (row["previous_total"], row["previous_rank"], row["rank_change"])
        for row in result.units.select(
            "code", "previous_total", "previous_rank", "rank_change"
        ).iter_rows(named=True)
    }


def test_a_unit_without_a_folder_this_year_keeps_its_place_last_year(
    tmp_path: Path,
) -> None:
    inputs = _province(tmp_path, ["X05", "X03", "X01"])
    for unit, scores in (("X05", (1, 2, 2)), ("X03", (1, 2, 1)), ("X01", (1, 1, 1))):
        _form(inputs, unit, 2024, scores)
    _form(inputs, "X03", 2025, (1, 1, 1))
    _form(inputs, "X01", 2025, (1, 2, 2))
    found = _previous(tmp_path, inputs)
    # 2024: X05 5 (1st), X03 4 (2nd), X01 3 (3rd); 2025: X01 1st, X03 2nd
    assert found["X01"] == (3.0, 3, 2)
    assert found["X03"] == (4.0, 2, 0)
    assert found["X05"] == (5.0, 1, None)  # no folder this year: unranked now


def test_a_previous_total_not_compared_has_no_previous_rank(tmp_path: Path) -> None:
    inputs = _province(tmp_path, ["X01", "X02", "X03"])
    _form(inputs, "X01", 2024, (1, 2, 2))
    _form(inputs, "X02", 2024, (1,))  # 1.2 and 2.1 unscored: not the year
    _form(inputs, "X03", 2024, (1, 1, 1))
    for unit in ("X01", "X02", "X03"):
        _form(inputs, unit, 2025, (1, 2, 2))
    found = _previous(tmp_path, inputs)
    assert found["X02"] == (None, None, None)
    assert found["X01"] == (5.0, 1, 0)
    assert found["X03"] == (3.0, 2, 1)  # 2nd of the two compared, now tied 1st
    assert pl.Series(list(found)).sort().to_list() == ["X01", "X02", "X03"]


def test_a_unit_that_could_not_be_consolidated_is_not_said_not_to_have_submitted(
    tmp_path: Path,
) -> None:
    """Blind round 17, P10: a unit whose group has no criteria set, with a form in
    its folder, was "chưa nộp" in the province workbook and its group's sentence
    said no unit had submitted."""
    import openpyxl

    inputs = tmp_path / "inputs"
    write_register(
        inputs,
        [
            ["X01", "UBND xã X01", GROUP, None],
            ["BQL", "Ban quản lý khu kinh tế", "Ban quản lý", None],
        ],
    )
    write_set(inputs / "criteria" / "xa.xlsx", GROUP, first_year=2024)
    _form(inputs, "X01", 2025, (1, 2, 2))
    _form(inputs, "BQL", 2025, (1, 2, 2))
    result, _, written = run_province(inputs, tmp_path / "outputs", 2025, now=0.0)
    assert result.missing_units == ()
    workbook = openpyxl.load_workbook(written.workbook, read_only=True)
    texts = {
        sheet.title: [
            str(v) for row in sheet.iter_rows(values_only=True) for v in row if v
        ]
        for sheet in workbook.worksheets
    }
    group = next(t for name, t in texts.items() if name.startswith("Ban"))
    assert "không tổng hợp được" in group
    assert "chưa nộp" not in group
    assert not any("Chưa có đơn vị nào nộp" in t for t in group)
    assert "Chưa có đơn vị nào có kết quả năm 2025; 1 đơn vị không tổng hợp được." in (
        group
    )


def test_a_unit_whose_only_file_waits_is_said_to_wait(tmp_path: Path) -> None:
    """Blind round 17, P4: "không có tệp chấm điểm nào dùng được", nothing more."""
    import os

    inputs = _province(tmp_path, ["X01", "X02"])
    _form(inputs, "X01", 2025, (1, 2, 2))
    _form(inputs, "X02", 2025, (1, 2, 2))
    now = time.time()
    for unit, age in (("X01", 3600), ("X02", 5)):
        form = inputs / "units" / unit / "2025" / "tu-danh-gia.xlsx"
        os.utime(form, (now - age, now - age))
    _, runs, _ = run_province(
        inputs, tmp_path / "outputs", 2025, now=now, settle_seconds=60
    )
    notes = {run.unit.code: run.note for run in runs}
    assert notes == {
        "X01": None,
        "X02": "Đơn vị không có tệp chấm điểm nào dùng được năm 2025: có tệp vừa được "
        "sửa, có thể đang được ghi, để lại cho lần chạy sau (“2025/tu-danh-gia.xlsx”).",
    }


def test_a_registered_unit_without_a_folder_has_not_submitted(tmp_path: Path) -> None:
    """Blind round 17, second round, R3: a unit in the register with no folder
    under ``units/`` at all (newly registered) was 'không tổng hợp được', told
    to fix a permission, after the check of unreadable unit folders came in."""
    inputs = _province(tmp_path, ["X01", "X07"])
    _form(inputs, "X01", 2025, (1, 2, 2))
    result, runs, _ = run_province(inputs, tmp_path / "outputs", 2025, now=0.0)
    x07 = next(run for run in runs if run.unit.code == "X07")
    assert not x07.failed
    assert x07.note is not None and x07.note.startswith(
        "Đơn vị chưa có thư mục nộp bài năm 2025"
    )
    assert result.missing_units == ("X07",)


def test_an_empty_next_year_folder_of_one_unit_is_not_the_provinces_year(
    tmp_path: Path,
) -> None:
    """Blind round 17, P11: one commune made ``2026/`` in advance, empty: the
    province's night consolidated 2026 (every unit missing)."""
    from parindex.province.folder import read_province
    from parindex.province.run import latest_province_year

    inputs = _province(tmp_path, ["X01", "X02"])
    _form(inputs, "X01", 2025, (1, 2, 2))
    _form(inputs, "X02", 2025, (1, 2, 2))
    (inputs / "units" / "X02" / "2026").mkdir()
    assert latest_province_year(read_province(inputs)) == 2025
    _form(inputs, "X02", 2026, (1, 2, 2))
    assert latest_province_year(read_province(inputs)) == 2026


def test_a_units_newer_form_that_waits_leaves_it_partial(tmp_path: Path) -> None:
    """Blind round 18b, S7: a corrected copy of a unit's self-assessment saved
    just before the run, the old one still there: the unit was clean."""
    import os
    import shutil

    from parindex.province.status import PARTIAL, province_verdict

    inputs = _province(tmp_path, ["X01"])
    _form(inputs, "X01", 2025, (1, 2, 2))
    folder = inputs / "units" / "X01" / "2025"
    now = time.time()
    os.utime(folder / "tu-danh-gia.xlsx", (now - 3600, now - 3600))
    shutil.copy(folder / "tu-danh-gia.xlsx", folder / "tu-danh-gia (sua).xlsx")
    _, runs, _ = run_province(
        inputs, tmp_path / "outputs", 2025, now=now, settle_seconds=60
    )
    [outcome] = province_verdict(runs).units
    assert outcome.outcome == PARTIAL
    assert outcome.detail is not None and "1 đơn vị có tệp mới chờ" in outcome.detail


def test_a_province_without_its_criteria_folder_is_refused(tmp_path: Path) -> None:
    """Blind round 18b, F3: the province's ``criteria/`` gone (a share half
    mounted), the night completed with every unit failed, and replaced the
    published ranking with an empty one. It is refused, as a district's is."""
    import shutil

    import pytest

    from parindex.errors import NoCriteriaSet
    from parindex.province.run import plan_province

    inputs = _province(tmp_path, ["X01"])
    _form(inputs, "X01", 2025, (1, 2, 2))
    shutil.rmtree(inputs / "criteria")
    with pytest.raises(NoCriteriaSet) as refused:
        plan_province(inputs, 2025)
    assert str(refused.value) == (
        f"Không có thư mục bộ chỉ số “{inputs / 'criteria'}”."
    )


def test_a_published_previous_total_is_ranked_with_the_others(tmp_path: Path) -> None:
    """A unit known last year only by its `history.xlsx` (total 4, "5 of 20"
    published among another set of units) kept that rank beside the others'
    re-ranked among two: X02, last both years, was shown losing a place, X03
    gaining four (blind round 22B, F4). Last year's totals, consolidated or
    published, are now ranked together."""
    from tests.builders import write_rows

    inputs = _province(tmp_path, ["X01", "X02", "X03"])
    _form(inputs, "X01", 2024, (1, 2, 2))  # 5
    _form(inputs, "X02", 2024, (1, 1, 1))  # 3
    write_rows(
        inputs / "units" / "X03" / "history.xlsx",
        {
            "Kết quả": [
                ["Năm", "Điểm thẩm định", "Điểm SIPAS", "Tổng điểm", "Xếp hạng"],
                [2024, 2, 2, 4, "5/20"],
            ]
        },
    )
    _form(inputs, "X01", 2025, (1, 1, 1))  # 3: 2nd
    _form(inputs, "X02", 2025, (0, 1, 1))  # 2: 3rd
    _form(inputs, "X03", 2025, (1, 2, 2))  # 5: 1st
    found = _previous(tmp_path, inputs)
    assert found == {
        "X01": (5.0, 1, -1),
        "X02": (3.0, 3, 0),
        "X03": (4.0, 2, 1),
    }


def test_a_unit_known_last_year_only_as_published_counts_without_a_folder(
    tmp_path: Path,
) -> None:
    """X05 has no folder this year, and only its `history.xlsx` for last year
    (published 6): it was left out of last year's ranking, the others ranked a
    place too high (blind re-check 22B, N4)."""
    from tests.builders import write_rows

    inputs = _province(tmp_path, ["X01", "X02", "X05"])
    _form(inputs, "X01", 2024, (1, 2, 2))  # 5
    _form(inputs, "X02", 2024, (1, 1, 1))  # 3
    write_rows(
        inputs / "units" / "X05" / "history.xlsx",
        {"Kết quả": [["Năm", "Điểm thẩm định", "Tổng điểm"], [2024, 6, 6]]},
    )
    _form(inputs, "X01", 2025, (1, 1, 1))
    _form(inputs, "X02", 2025, (0, 1, 1))
    found = _previous(tmp_path, inputs)
    assert found["X05"] == (6.0, 1, None)
    assert found["X01"][:2] == (5.0, 2)
    assert found["X02"][:2] == (3.0, 3)


def _notes(tmp_path: Path, inputs: Path) -> dict[str, str | None]:
    result, _, _ = run_province(inputs, tmp_path / "outputs", 2025, now=time.time())
    return dict(result.units.select("code", "note").iter_rows())


def test_an_unreadable_history_of_a_unit_without_a_folder_is_said(
    tmp_path: Path,
) -> None:
    """X05 has no folder this year and a `history.xlsx` that cannot be read: it
    was left out of last year's ranking and its note said only that it has no
    folder (session 22's read-through: the history's problems were dropped)."""
    from parindex import messages

    inputs = _province(tmp_path, ["X01", "X05"])
    _form(inputs, "X01", 2025, (1, 1, 1))
    (inputs / "units" / "X05").mkdir(parents=True)
    (inputs / "units" / "X05" / "history.xlsx").write_bytes(b"not a workbook")
    folder = inputs / "units" / "X05" / "2025"
    assert _notes(tmp_path, inputs)["X05"] == (
        messages.PROVINCE_NO_FOLDER.format(year=2025, folder=folder)
        + " "
        + messages.PROVINCE_LAST_YEAR_SAID.format(
            year=2024,
            said="Không đọc được tệp kết quả các năm trước “history.xlsx”: bỏ qua.",
        )
    )


def test_a_form_of_this_year_in_last_years_folder_of_a_unit_without_a_folder_is_said(
    tmp_path: Path,
) -> None:
    """X05 has no 2025 folder; its 2025 form was dropped into 2024/: the unit's
    note said only that it has no folder for 2025."""
    inputs = _province(tmp_path, ["X01", "X05"])
    _form(inputs, "X01", 2025, (1, 1, 1))
    _form(inputs, "X05", 2024, (1, 2, 2))
    write_form(
        inputs / "units" / "X05" / "2024" / "tu-danh-gia-2025.xlsx",
        [["1.1", "Kế hoạch", 1, 1, 1, None]],
        department="UBND xã X05",
        year=2025,
    )
    from parindex import messages

    note = _notes(tmp_path, inputs)["X05"]
    assert note is not None
    folder = inputs / "units" / "X05" / "2025"
    said = messages.PROVINCE_LAST_YEAR_SAID.format(year=2024, said="")
    assert note.startswith(
        messages.PROVINCE_NO_FOLDER.format(year=2025, folder=folder) + " " + said
    )
    assert "tệp 2024/tu-danh-gia-2025.xlsx ghi năm 2025 (ô A3)" in note


def test_a_previous_folder_that_gives_no_total_is_said_for_a_unit_without_a_folder(
    tmp_path: Path,
) -> None:
    """X05 has no folder this year; its 2024 folder scores 2 of 3 criteria
    (no total to compare), and it has no history: the previous total was empty
    with no reason (blind round 23A, F4)."""
    from parindex import messages

    inputs = _province(tmp_path, ["X01", "X05"])
    _form(inputs, "X01", 2025, (1, 1, 1))
    _form(inputs, "X05", 2024, (1, 2))  # 2.1 left out
    note = _notes(tmp_path, inputs)["X05"]
    assert note is not None
    said = messages.PROVINCE_LAST_YEAR_FOLDER_INCOMPLETE.format(
        year=2024, scored=2, leaves=3
    )
    assert note.endswith(messages.PROVINCE_LAST_YEAR_SAID.format(year=2024, said=said))


def test_a_previous_folder_with_no_usable_file_is_said_for_a_unit_without_a_folder(
    tmp_path: Path,
) -> None:
    from parindex import messages

    inputs = _province(tmp_path, ["X01", "X05"])
    _form(inputs, "X01", 2025, (1, 1, 1))
    (inputs / "units" / "X05" / "2024").mkdir(parents=True)
    (inputs / "units" / "X05" / "2024" / "tu-danh-gia.xlsx").write_bytes(b"hong")
    note = _notes(tmp_path, inputs)["X05"]
    assert note is not None
    said = messages.PROVINCE_LAST_YEAR_FOLDER_UNUSED.format(year=2024)
    assert note.endswith(said)


def test_last_years_published_total_is_the_one_compared_and_both_are_said(
    tmp_path: Path,
) -> None:
    """X01's 2024 folder computes 5; the province published 4,5 in its
    `history.xlsx`. The province sheet compared with 5 where the unit's own
    report quotes 4,5 ("số công bố; tính từ các tiêu chí: 5"), with no word
    (blind round 23A, F5). The published figure is compared, as the unit's own
    headline does, and the row's note gives both. The same for a unit with no
    folder this year."""
    from parindex import messages
    from tests.builders import write_rows

    inputs = _province(tmp_path, ["X01", "X02", "X05"])
    for unit in ("X01", "X05"):
        _form(inputs, unit, 2024, (1, 2, 2))  # 5
        write_rows(
            inputs / "units" / unit / "history.xlsx",
            {"Kết quả": [["Năm", "Điểm thẩm định", "Tổng điểm"], [2024, 4.5, 4.5]]},
        )
    _form(inputs, "X02", 2024, (1, 1, 2))  # 4
    _form(inputs, "X01", 2025, (1, 1, 1))  # 3
    _form(inputs, "X02", 2025, (1, 1, 1))  # 3
    found = _previous(tmp_path, inputs)
    assert found["X01"][:2] == (4.5, 1)  # 4,5 (published) ranks over X02's 4
    assert found["X05"][:2] == (4.5, 1)
    assert found["X02"][:2] == (4.0, 3)
    note = _notes(tmp_path, inputs)["X01"]
    assert note == messages.PROVINCE_PREVIOUS_TWO_BASES.format(
        year=2024, published="4,5", computed="5"
    )

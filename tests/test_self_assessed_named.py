"""A unit that fills its whole form itself is the one department ``DV``, "Đơn vị
tự đánh giá": the sentences "Đơn vị {name} …" said "Đơn vị Đơn vị tự đánh giá
chưa nộp …" (blind round 18, left; blind round 21, finding 6)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from parindex import messages, pipeline
from parindex.ingest.collect import _not_submitted
from tests.province.conftest import PROVINCE_INPUTS


def test_a_name_that_is_already_a_unit_is_not_called_unit_twice() -> None:
    assert _not_submitted("DV", "Đơn vị tự đánh giá", 2023, {}) == (
        "Đơn vị tự đánh giá chưa nộp tệp chấm điểm năm 2023."
    )
    assert _not_submitted("DV", "Đơn vị tự đánh giá", 2023, {}, ["2023/a.xlsx"]) == (
        "Chưa có tệp chấm điểm năm 2023 nào của đơn vị tự đánh giá dùng được lần "
        "này: có tệp vừa được sửa, có thể đang được ghi, để lại cho lần chạy sau "
        "(“2023/a.xlsx”); tệp của đơn vị có thể là tệp đó."
    )
    assert _not_submitted("TP", "Phòng Tư pháp", 2023, {}) == (
        "Đơn vị Phòng Tư pháp chưa nộp tệp chấm điểm năm 2023."
    )


def test_department_named() -> None:
    assert messages.department_named("Đơn vị tự đánh giá") == "tự đánh giá"
    assert messages.department_named("Phòng Tư pháp") == "Phòng Tư pháp"
    assert messages.department_named("Đơn vị sự nghiệp") == "sự nghiệp"


def _self_assessed_unit(root: Path, settings: str | None) -> Path:
    """Sở Nội vụ of the sample province run on its own folder: a set without
    `Đơn vị chủ trì` (the unit fills the whole form), no 2023 file yet."""
    inputs = root / "inputs"
    shutil.copytree(PROVINCE_INPUTS / "units" / "SNV", inputs)
    (inputs / "criteria").mkdir()
    shutil.copy2(
        PROVINCE_INPUTS / "criteria" / "so-ban-nganh-2022.xlsx", inputs / "criteria"
    )
    for old in (inputs / "2023").iterdir():
        old.unlink()
    if settings is not None:
        (inputs / "don-vi.toml").write_text(settings, encoding="utf-8")
    return inputs


def test_a_self_assessed_unit_with_settings_is_named_as_they_name_it(
    tmp_path: Path,
) -> None:
    """With `don-vi.toml`, the one department is the unit, named by its `unit`
    (as a province names it from its register): "Đơn vị tự đánh giá" stood for
    the sở everywhere (blind round 21, finding 6)."""
    inputs = _self_assessed_unit(tmp_path, 'unit = "Sở Nội vụ tỉnh Lai Châu"\n')
    criteria_set = pipeline.load_criteria(inputs, 2023)
    assert criteria_set.self_assessed
    assert [(d.code, d.name) for d in criteria_set.departments] == [
        ("DV", "Sở Nội vụ tỉnh Lai Châu")
    ]
    ingested = pipeline.ingest_year(inputs, 2023, criteria_set, time.time())
    assert (
        "Đơn vị Sở Nội vụ tỉnh Lai Châu chưa nộp tệp chấm điểm năm 2023."
        in ingested.problems["message"].to_list()
    )
    # the previous year is read with the same name
    previous = pipeline.previous_year(inputs, 2023, time.time())
    assert previous.result is not None
    assert [d.name for d in previous.result.criteria_set.departments] == [
        "Sở Nội vụ tỉnh Lai Châu"
    ]


def test_a_self_assessed_unit_without_settings_keeps_the_generic_name(
    tmp_path: Path,
) -> None:
    inputs = _self_assessed_unit(tmp_path, None)
    criteria_set = pipeline.load_criteria(inputs, 2023)
    assert [(d.code, d.name) for d in criteria_set.departments] == [
        ("DV", "Đơn vị tự đánh giá")
    ]

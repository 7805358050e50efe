"""A unit that fills its whole form itself is the one department ``DV``, "Đơn vị
tự đánh giá": the sentences "Đơn vị {name} …" said "Đơn vị Đơn vị tự đánh giá
chưa nộp …" (blind round 18, left; blind round 21, finding 6)."""

from __future__ import annotations

from parindex import messages
from parindex.ingest.collect import _not_submitted


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

"""The run's log line says the total as every other output does: a decimal
comma and the status in Vietnamese (it said "tổng điểm 76.69 (provisional)":
blind round 21, finding 7)."""

from __future__ import annotations

from flows.consolidate import _logged_total
from parindex import messages


def test_the_logged_total_is_in_vietnamese() -> None:
    assert _logged_total(79.24, "final") == "tổng điểm 79,24 (chính thức)"
    assert _logged_total(76.69, "provisional") == "tổng điểm 76,69 (tạm tính)"
    assert _logged_total(80.0) == "tổng điểm 80"
    assert _logged_total(None, "provisional") == messages.NO_SCORE

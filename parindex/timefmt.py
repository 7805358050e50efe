"""Times shown to users: local time of the office (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

OFFICE_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_iso(timestamp: float) -> str:
    """A POSIX timestamp as ISO 8601 in the office's time zone, to the second."""
    moment = dt.datetime.fromtimestamp(timestamp, tz=OFFICE_TIMEZONE)
    return moment.replace(microsecond=0).isoformat()

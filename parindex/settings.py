"""The unit's own facts for the draft report: ``inputs/don-vi.toml``.

The header block of an administrative report (Nghị định 30/2020/NĐ-CP) names the
unit, the issuing office, the place, the signer and the recipients: none of that is
in the submissions. The office writes it once in a small TOML file; when the file
is absent every field is a visible placeholder to fill in by hand, never another
unit's name. A file that cannot be read, a value of the wrong kind or an unknown
key is said as a warning (``Kiểm tra``), and the field falls back to its placeholder.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import polars as pl

from parindex import messages
from parindex.problems import empty_problems, problem, problems_frame
from parindex.text import nfc

SETTINGS_FILE = "don-vi.toml"
BLANK = "……"


@dataclass(frozen=True)
class UnitSettings:
    """What the report's header, closing and signature block say about the unit.

    ``parent`` is the governing body printed above the office (``UBND HUYỆN PHONG
    THỔ``; by default ``unit`` in capitals); ``office_code`` the office's short
    code in ``Số: …/BC-NV`` and ``Lưu: VT, NV``; ``province`` the province (optional); ``bases`` the ``Căn cứ …``
    paragraphs opening the report. ``configured`` is False when nothing was read.
    """

    unit: str = "[Tên đơn vị]"
    parent: str = ""
    office: str = "[Cơ quan báo cáo]"
    office_code: str = BLANK
    place: str = BLANK
    province: str = ""
    signer_title: str = "[Chức vụ người ký]"
    signer_name: str = ""
    recipients: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    configured: bool = False

    @property
    def governing_body(self) -> str:
        """The line above the office in the header block, in capitals."""
        return (self.parent or self.unit).upper()


_TEXT_KEYS = ("unit", "parent", "office", "office_code", "place", "signer_title")
_OPTIONAL_TEXT_KEYS = ("signer_name", "province")
_LIST_KEYS = ("recipients", "bases")
KNOWN_KEYS = (*_TEXT_KEYS, *_OPTIONAL_TEXT_KEYS, *_LIST_KEYS)


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _unreadable_reason(error: Exception) -> str:
    """Why ``don-vi.toml`` could not be read, in Vietnamese (tomllib's own
    words are English): where its syntax is wrong, that it is not UTF-8, or
    the system's reason."""
    if isinstance(error, UnicodeDecodeError):
        return messages.UNIT_SETTINGS_NOT_UTF8
    if isinstance(error, tomllib.TOMLDecodeError):
        place = _TOML_PLACE.search(str(error))
        if place is None:
            return messages.UNIT_SETTINGS_SYNTAX
        return messages.UNIT_SETTINGS_SYNTAX_AT.format(
            line=place.group(1), column=place.group(2)
        )
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return " ".join(str(error).split())


def read_unit_settings(
    path: Path, then: str = messages.UNIT_SETTINGS_BLANKS
) -> tuple[UnitSettings, pl.DataFrame]:
    """The unit settings in ``path`` and the warnings reading them.

    Args:
        path: the TOML file (usually ``inputs/don-vi.toml``); absent is fine.
        then: what is done without a value, said after the problem (a unit's
            report fills blanks; a province cannot place its sở).

    Returns:
        The settings (placeholders where nothing usable was given) and the
        problems frame (warnings only: the settings never stop a run).
    """
    if not path.is_file():
        return UnitSettings(), empty_problems()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = _unreadable_reason(error)
        return UnitSettings(), _warnings(
            path, [messages.UNIT_SETTINGS_UNREADABLE.format(reason=reason, then=then)]
        )
    found: dict[str, object] = {}
    said: list[str] = []
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            said.append(messages.UNIT_SETTINGS_UNKNOWN_KEY.format(key=key))
            like = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.7)
            if like:  # a key misspelt: which one it may be
                said[-1] += " " + messages.UNIT_SETTINGS_KEY_LIKE.format(key=like[0])
        elif key in _LIST_KEYS:
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                found[key] = tuple(_clean(v) for v in value if _clean(v))
            else:
                said.append(_bad(key, "một danh sách chữ", then))
        elif isinstance(value, str) and (_clean(value) or key in _OPTIONAL_TEXT_KEYS):
            found[key] = _clean(value)
        else:
            said.append(_bad(key, "một dòng chữ", then))
    names = {f.name for f in fields(UnitSettings)}
    settings = UnitSettings(
        **{k: v for k, v in found.items() if k in names},  # type: ignore[arg-type]
        configured=bool(found),
    )
    return settings, _warnings(path, said)


def _clean(text: str) -> str:
    return " ".join(nfc(text).split())


def _bad(key: str, expected: str, then: str) -> str:
    return messages.UNIT_SETTINGS_BAD_VALUE.format(
        key=key, expected=expected, then=then
    )


def _warnings(path: Path, texts: list[str]) -> pl.DataFrame:
    if not texts:
        return empty_problems()
    return problems_frame([problem("warning", t, file=path.name) for t in texts])


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity (a container's or
    ``taskset``'s limit), not the machine's count. The one count for the flows'
    thread runners and the reader children (``parindex.ingest.isolate``, whose
    ``reader_processes`` computes it)."""
    from parindex.ingest.isolate import reader_processes

    return reader_processes()

"""Text helpers: fold labels for matching, parse Vietnamese numbers, criteria codes."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parindex.numbers import exact, round2

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d+(?:\.\d+)*$")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC form (what every output is written in)."""
    return unicodedata.normalize("NFC", text)


_KEPT = 256
"""Texts up to this length (labels, headers, names: they repeat from file to file)
are folded once and kept; longer ones (sentences) are folded each time."""


def fold(text: str) -> str:
    """Fold a label for matching: no accents, no case, single spaces, NFC/NFD alike,
    every hyphen and dash as ``-``.

    ``"Điểm  THẨM định"`` and ``"diem tham dinh"`` fold to the same string.
    """
    return _fold_kept(text) if len(text) <= _KEPT else _fold(text)


_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
)
"""Hyphens and dashes as ``-`` (Word turns "Tài chính - Kế hoạch" into an en dash)."""


def _fold(text: str) -> str:
    if text.isascii():  # no accent to strip, no đ: the same, without a pass per letter
        return _SPACES.sub(" ", text).strip().casefold()
    decomposed = unicodedata.normalize("NFD", text.translate(_DASHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Đ, and the Icelandic eth Ð that looks like it and some keyboards type
    stripped = stripped.translate(_D_STROKES)
    return _SPACES.sub(" ", stripped).strip().casefold()


_D_STROKES = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


_fold_kept = lru_cache(maxsize=1 << 14)(_fold)


def fold_label(text: str) -> str:
    """Fold a header or metadata label, also dropping a trailing colon or asterisk."""
    if len(text) <= _KEPT:
        return _fold_label_kept(text)
    return _fold(text).rstrip(":*").strip()


@lru_cache(maxsize=1 << 14)
def _fold_label_kept(text: str) -> str:
    return _fold_kept(text).rstrip(":*").strip()


_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_NUMBER = re.compile(r"^[\d ]+")


@lru_cache(maxsize=1 << 14)  # every file repeats the criteria set's names
def fold_name(text: str) -> str:
    """Fold a criterion's name for matching: ``fold`` (accents, case, spaces),
    punctuation as spaces, and no leading number (``"1.3.1. Tuyển dụng;"`` and
    ``"tuyen dung"`` fold alike)."""
    words = _NOT_WORD.sub(" ", _fold(text)).strip()
    return _LEADING_NUMBER.sub("", words)


@lru_cache(maxsize=1 << 14)  # every file repeats the criteria set's codes
def normalise_code(raw: str) -> str | None:
    """Return a criteria code (``"1.2.1"``) from a cell text, or None if it is not one.

    Trailing dots and spaces are dropped (``"1.2."`` → ``"1.2"``); leading zeros of
    each part are dropped (``"01"`` → ``"1"``).
    """
    text = raw.strip().rstrip(".").strip()
    text = text.replace(" ", "")
    if not _CODE.match(text):
        return None
    return ".".join(str(int(part)) for part in text.split("."))


_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"IX": 9, "IV": 4}


def roman_component(raw: str) -> str | None:
    """The component a form's heading numbered in capital Roman numerals stands
    for (``"I"`` → ``"1"``, ``"XIV."`` → ``"14"``; a trailing dot and spaces
    dropped), None for any other text: lower-case ``i.``, ``ii`` are sub-item
    markers (README, Choices)."""
    text = raw.strip().rstrip(".").strip()
    found = _ROMAN.match(text) if text else None
    if found is None:
        return None
    tens, units = found.groups()
    value = 10 * len(tens) + (
        _ROMAN_VALUES.get(units)
        or (5 if units.startswith("V") else 0) + units.count("I")
    )
    return str(value)


def submission_code(raw: str) -> str | None:
    """A criteria code in a form's code cell (``normalise_code``), or the
    component a Roman-numeral heading stands for (``roman_component``)."""
    return normalise_code(raw) or roman_component(raw)


def visible(text: str) -> str:
    """``text`` with each character a reader cannot see written as its code point,
    ``⟨U+200B⟩``: format and control characters (zero-width space, byte order
    mark, soft hyphen) and spaces other than the plain space (no-break space)."""
    return "".join(
        f"⟨U+{ord(c):04X}⟩"
        if c != " " and unicodedata.category(c) in _UNSEEN_CATEGORIES
        else c
        for c in text
    )


_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def code_key(code: str) -> tuple[int, ...]:
    """Sort key of a dotted code, comparing parts as integers (8.2 < 8.10)."""
    return tuple(int(part) for part in code.split("."))


def parent_code(code: str) -> str | None:
    """The parent's code (``"1.2"`` for ``"1.2.1"``), or None for a top-level code."""
    head, sep, _ = code.rpartition(".")
    return head if sep else None


def ancestors(code: str) -> list[str]:
    """Every prefix of a code from the top: ``"1.2.1"`` → ``["1", "1.2", "1.2.1"]``."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})+(?:([.,])\d+)?$")


def parse_number(raw: str) -> float | None:
    """Parse a number typed as text: decimal comma or point, grouped thousands.

    ``"0,5"`` → 0.5, ``"2.45"`` → 2.45, ``"128.972.788"`` → 128972788,
    ``"204,147,000"`` → 204147000. Returns None when the text is not a number.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if _NUMBER.match(text):
        return float(text.replace(",", "."))
    grouped = _GROUPED.match(text)
    if grouped:
        group_sep, decimal_sep = grouped.group(1), grouped.group(2)
        if decimal_sep == group_sep:
            return None
        body = text.replace(group_sep, "")
        return float(body.replace(",", ".")) if decimal_sep else float(body)
    return None


def format_vn(value: float, decimals: int = 2) -> str:
    """Format a number the Vietnamese way: decimal comma (``7,36``), no trailing zeros."""
    if decimals == 2:
        value = round2(value)
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",")


def format_typed(value: float) -> str:
    """A score as typed, to the 9 decimals kept (``0,255``, not ``0,26``), the
    Vietnamese way (``format_vn``): where a message quotes a cell's score."""
    return format_vn(exact(value), decimals=9)


_WITH_UNIT = re.compile(r"(.*?\d)\s*(?:điểm|đ)\.?", re.IGNORECASE)


def parse_figure(raw: str) -> float | None:
    """``parse_number`` of a figure the office's own tables may print with its
    unit (``79,27 điểm``, ``0,5đ``): a published figure, a criterion's maximum;
    never a submission's score."""
    with_unit = _WITH_UNIT.fullmatch(raw.strip())
    return parse_number(with_unit.group(1) if with_unit else raw)


_SUM_FORMULA = re.compile(r"\s*\([^()]*\)\s*:?\s*$")


def without_sum_formula(label: str) -> str:
    """A sum row's label without the formula a decision prints after it in
    brackets: ``Tổng cộng (I+II+III)`` → ``Tổng cộng``."""
    return _SUM_FORMULA.sub("", label)

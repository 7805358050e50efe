"""Recognise and decode text typed in the legacy TCVN3 (ABC) and VNI Vietnamese
encodings.

Before Unicode, Vietnamese offices typed with 8-bit ``.VnTime`` fonts: the file
stores Latin-1 characters that only the font draws as Vietnamese letters, so a cell
reads ``Phßng Néi vô`` where the department saw ``Phòng Nội vụ``. The mapping is
the one of TCVN 5712:1993 (VN3, the subset the ABC fonts use) for bytes
0xA1–0xFF, as in GNU libiconv's and glibc's ``TCVN5712-1`` converters (checked
against ``iconv -f TCVN5712-1`` in the tests); 0xB0–0xB4, combining tone marks in
the full standard but not letters of the ABC fonts, are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from parindex.text import nfc
from parindex.workbook import Sheet, cell_ref

# Unicode of bytes 0xA1…0xAF, then 0xB5…0xFF, in order.
_FROM_A1 = "ĂÂÊÔƠƯĐăâêôơưđẰ"
_FROM_B5 = "àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
_BYTES = [*range(0xA1, 0xB0), *range(0xB5, 0x100)]
TCVN3_TO_UNICODE: dict[str, str] = dict(
    zip((chr(b) for b in _BYTES), _FROM_A1 + _FROM_B5, strict=True)
)
"""Each TCVN3 byte, read as a Latin-1 character, → its Vietnamese letter."""

_TRANSLATION = str.maketrans(TCVN3_TO_UNICODE)
# Latin-1 letters that are also Vietnamese letters in Unicode: ambiguous, no proof.
_VIETNAMESE_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_MARKERS = "".join(c for c in TCVN3_TO_UNICODE if c not in _VIETNAMESE_LATIN1)
_LETTERS = "A-Za-z" + "".join(TCVN3_TO_UNICODE)
# A marker inside a word: "Phßng" (not "© 2023").
_MARKER_IN_WORD = re.compile(
    f"(?<=[{_LETTERS}])[{re.escape(_MARKERS)}]|[{re.escape(_MARKERS)}](?=[{_LETTERS}])"
)
# Letters only Unicode Vietnamese has (ă â đ ơ ư with tones, combining marks).
_UNICODE_VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u0300-\u0323\u1ea0-\u1ef9]"
)


def looks_like_tcvn3(text: str) -> bool:
    """Whether ``text`` reads as TCVN3 bytes shown as Latin-1 (``Phßng Néi vô``).

    It must hold a TCVN3 letter that is no Vietnamese letter in Unicode (``ß``,
    ``¸``, ``­``…) inside a word, and no letter that only Unicode Vietnamese has.
    """
    if text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return False
    return _MARKER_IN_WORD.search(text) is not None


_WORD = re.compile(r"\S+")


def from_tcvn3(text: str) -> str:
    """Decode TCVN3 text shown as Latin-1 into Unicode (NFC). The ABC fonts draw
    capitals with the small letters' bytes (``.VnTimeH``): a text whose other
    letters are all capitals is given in capitals (``§¥N VÞ`` is ``ĐƠN VỊ``),
    and so is such a word of another text (``PHßNG`` is ``PHÒNG``)."""
    decoded = text.translate(_TRANSLATION)
    if _in_capitals(text, decoded):
        return nfc(decoded.upper())
    return nfc(_WORD.sub(_word_from_tcvn3, text))


def _word_from_tcvn3(found: re.Match[str]) -> str:
    word = found.group(0)
    decoded = word.translate(_TRANSLATION)
    return decoded.upper() if _in_capitals(word, decoded) else decoded


def _in_capitals(text: str, decoded: str) -> bool:
    """Whether the letters TCVN3 left as they were (``text`` against its
    ``decoded`` form) are two or more, all capitals."""
    kept = [c for c, d in zip(text, decoded, strict=True) if c == d and c.isalpha()]
    return len(kept) >= 2 and all(c.isupper() for c in kept)


# --- VNI (VNI-Windows, ``VNI-Times`` fonts) ------------------------------------------
# A letter is typed as its base letter followed by one mark byte (or is one byte of
# its own); the file stores the Latin-1 characters of those bytes: ``Phoøng`` for
# ``Phòng``. The marks below are VNI's, built here from Unicode's combining marks.
_TONES = {
    "ù": "\u0301",  # sắc
    "ø": "\u0300",  # huyền
    "û": "\u0309",  # hỏi
    "õ": "\u0303",  # ngã
    "ï": "\u0323",  # nặng
}
_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303"}
_CIRCUMFLEX["ä"] = "\u0323"
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303"}
_BREVE["ë"] = "\u0323"
_HORN = {"ô": "o", "ö": "u"}  # ơ, ư
_I_FORMS = {"í": "\u0301", "ì": "\u0300", "æ": "\u0309", "ó": "\u0303", "ò": "\u0323"}


def _both_cases(table: dict[str, str]) -> dict[str, str]:
    return {**table, **{mark.upper(): value for mark, value in table.items()}}


_VNI_TONES = _both_cases(_TONES)
_VNI_CIRCUMFLEX = _both_cases(_CIRCUMFLEX)
_VNI_BREVE = _both_cases(_BREVE)
_VNI_I_FORMS = _both_cases(_I_FORMS)
_VNI_LETTER = re.compile(
    "([aeoAEO])([" + "".join(_VNI_CIRCUMFLEX) + "])"
    "|([aA])([" + "".join(_VNI_BREVE) + "])"
    "|([ôöÔÖ])([" + "".join(_VNI_TONES) + "]?)"
    "|([aeiouyAEIOUY])([" + "".join(_VNI_TONES) + "])"
    "|([" + "".join(_VNI_I_FORMS) + "îÎñÑ])"
)
# marks that are no Vietnamese letter in Unicode: a text holding one of them is
# not Unicode Vietnamese (``ù``, ``á``… are both)
_VNI_ONLY = frozenset("øûïåäëüæîñöØÛÏÅÄËÜÆÎÑÖ")
_ANY_VNI_ONLY = re.compile("[" + "".join(sorted(_VNI_ONLY)) + "]")
# a TCVN3 marker or a letter only VNI writes: one pass over a sheet's text tells
# whether any cell may need decoding (most sheets are Unicode throughout)
_ANY_LEGACY = re.compile(
    "[" + re.escape(_MARKERS) + re.escape("".join(sorted(_VNI_ONLY))) + "]"
)
_VNI_MARKS = frozenset(
    [*_VNI_TONES, *_VNI_CIRCUMFLEX, *_VNI_BREVE, *_VNI_I_FORMS, *"ôöÔÖîÎñÑ"]
)


def _vni_letter(found: re.Match[str]) -> str:
    base, circumflex, a, breve, horn, horn_tone, vowel, tone, single = found.groups()
    if base is not None:
        return nfc(base + "\u0302" + _VNI_CIRCUMFLEX[circumflex])
    if a is not None:
        return nfc(a + "\u0306" + _VNI_BREVE[breve])
    if horn is not None:
        letter = _HORN[horn.lower()]
        letter = letter.upper() if horn.isupper() else letter
        return nfc(letter + "\u031b" + (_VNI_TONES[horn_tone] if horn_tone else ""))
    if vowel is not None:
        return nfc(vowel + _VNI_TONES[tone])
    if single in "ñÑ":
        return "đ" if single == "ñ" else "Đ"
    if single in "îÎ":
        return "ỵ" if single == "î" else "Ỵ"
    return nfc(("I" if single.isupper() else "i") + _VNI_I_FORMS[single])


_TCVN3_ONLY = re.compile(
    "["
    + re.escape(
        "".join(sorted(set(TCVN3_TO_UNICODE) - _VNI_MARKS - set(_VIETNAMESE_LATIN1)))
    )
    + "]"
)
"""TCVN3's letters that VNI never writes (``ß``, ``¬``, ``§``, the soft hyphen…):
a text holding one is not VNI, even when it holds letters VNI uses as marks
too (``huyÖn``, ``TÌ``, ``Thæ``)."""


def looks_like_vni(text: str) -> bool:
    """Whether ``text`` reads as VNI bytes shown as Latin-1 (``Phoøng Noäi vuï``).

    It must hold a mark that is no Vietnamese letter in Unicode (``ø``, ``ï``,
    ``ñ``…), no letter that only Unicode Vietnamese has, no letter that only
    TCVN3 writes, and most of its marks where VNI puts them: after a vowel, or
    a letter of its own (``ô``, ``ñ``)."""
    if text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return False
    if not _ANY_VNI_ONLY.search(text) or _TCVN3_ONLY.search(text):
        return False
    marks = [i for i, c in enumerate(text) if c in _VNI_MARKS]
    placed = sum(
        1
        for i in marks
        if text[i] in "ôöÔÖîÎñÑ"
        or text[i] in _VNI_I_FORMS
        or (i > 0 and text[i - 1] in "aeiouyAEIOUY")
    )
    return placed * 2 > len(marks)


def from_vni(text: str) -> str:
    """Decode VNI text shown as Latin-1 into Unicode (NFC)."""
    return nfc(_VNI_LETTER.sub(_vni_letter, text))


Decoded = tuple[str, str, str, str]
"""A decoded cell: its A1 reference, the text as stored, the text decoded, and
the encoding (``TCVN3`` or ``VNI``)."""


def _typed_in_tcvn3(sheet: Sheet) -> bool:
    """Whether a cell of ``sheet`` is TCVN3 beyond doubt (a letter only TCVN3
    writes)."""
    return any(
        isinstance(v, str) and _TCVN3_ONLY.search(v) is not None and looks_like_tcvn3(v)
        for row in sheet.cells
        for v in row
    )


def decode_sheet(sheet: Sheet) -> tuple[Sheet, list[Decoded]]:
    """Decode every text cell of ``sheet`` that looks like VNI or TCVN3 (VNI is
    tried first: its marks are TCVN3 letters too, never the other way round).

    Returns:
        The sheet (the same object when nothing was decoded) and each decoded
        cell (``Decoded``).
    """
    texts = "\n".join([v for row in sheet.cells for v in row if isinstance(v, str)])
    if not _ANY_LEGACY.search(texts):
        return sheet, []
    tcvn3_sheet: list[bool] = []  # worked out at the first cell that reads as VNI
    decoded: list[Decoded] = []
    cells = []
    for r, row in enumerate(sheet.cells):
        new_row = list(row)
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            vni = looks_like_vni(value)
            if vni and not tcvn3_sheet:
                # a sheet is typed in one font: one cell beyond doubt TCVN3 makes
                # TCVN3 of the cells that read as both (``UBND HUYÖN PHONG THæ``)
                tcvn3_sheet.append(_typed_in_tcvn3(sheet))
            if vni and tcvn3_sheet[0] and looks_like_tcvn3(value):
                unicode, encoding = from_tcvn3(value), "TCVN3"
            elif vni:
                unicode, encoding = from_vni(value), "VNI"
            elif looks_like_tcvn3(value):
                unicode, encoding = from_tcvn3(value), "TCVN3"
            else:
                continue
            new_row[c] = unicode
            decoded.append((cell_ref(r, c), value.strip(), unicode.strip(), encoding))
        cells.append(new_row)
    if not decoded:
        return sheet, []
    return replace(sheet, cells=cells), decoded

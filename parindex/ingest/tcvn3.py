"""Recognise and decode text typed in the legacy TCVN3 (ABC) Vietnamese encoding.

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
_ANY_MARKER = re.compile(f"[{re.escape(_MARKERS)}]")
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


def from_tcvn3(text: str) -> str:
    """Decode TCVN3 text shown as Latin-1 into Unicode (NFC)."""
    return nfc(text.translate(_TRANSLATION))


def decode_sheet(sheet: Sheet) -> tuple[Sheet, list[tuple[str, str, str]]]:
    """Decode every text cell of ``sheet`` that looks like TCVN3.

    Returns:
        The sheet (the same object when nothing was decoded) and, for each decoded
        cell, its A1 reference, the text as stored and the text decoded.
    """
    texts = [v for row in sheet.cells for v in row if isinstance(v, str)]
    if not _ANY_MARKER.search("\n".join(texts)):
        return sheet, []
    decoded: list[tuple[str, str, str]] = []
    cells = []
    for r, row in enumerate(sheet.cells):
        new_row = list(row)
        for c, value in enumerate(row):
            if isinstance(value, str) and looks_like_tcvn3(value):
                unicode = from_tcvn3(value)
                new_row[c] = unicode
                decoded.append((cell_ref(r, c), value.strip(), unicode.strip()))
        cells.append(new_row)
    if not decoded:
        return sheet, []
    return replace(sheet, cells=cells), decoded

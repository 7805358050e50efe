"""Places a ``Đơn vị`` line names, and whether they are the unit's own.

A department's form may carry its unit's place: "Phòng Tư pháp huyện Phong Thổ".
A line naming another place of the same level ("Phòng Tư pháp huyện Tam Đường": a
neighbouring district's form dropped by mistake) is not this unit's form, even
though it holds the department's name. The reader records the places a line
names outside the department's own names (``places_named``, kept with the read,
so the parse cache holds them); the run compares them with the unit's own place,
from ``don-vi.toml`` (``UnitPlace``), and sets such a form aside (``winners``;
README, Choices).

Only places of the unit's own level are compared: a district's departments may
write their commune or province ("xã Mường So", "tỉnh Lai Châu"), a commune's the
district it belonged to before 2025, a province's department any of its
districts. Without ``don-vi.toml``, or when its unit names no place, nothing is
compared: the unit's place is not known.

A place is a kind word followed by a name that starts with a capital letter or a
digit, up to a separator (``huyện Tam Đường``, ``Phường 3``, ``TP. Lai Châu``);
lower-case words after a kind word are no name ("xã hội", "huyện ủy"). Names are
compared without accents and case, by their first words (``huyện Phong Thổ Năm
2023`` is Phong Thổ).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from parindex.settings import SETTINGS_FILE, read_unit_settings
from parindex.text import fold, nfc

_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("thị", "xã"), "district"),
    (("thành", "phố"), "district"),
    (("thi", "xa"), "district"),
    (("thanh", "pho"), "district"),
    (("thị", "trấn"), "commune"),
    (("thi", "tran"), "commune"),
    (("huyện",), "district"),
    (("huyen",), "district"),
    (("quận",), "district"),
    (("tp",), "district"),
    (("xã",), "commune"),
    (("phường",), "commune"),
    (("phuong",), "commune"),
    (("tỉnh",), "province"),
    (("tinh",), "province"),
)
"""The words that start a place, lower-cased (two-word kinds first), and the
level of the place. Without accents only where the word means nothing else:
"quan" is also quản, "xa" also xa."""
_NOT_NAMES = frozenset({"uy", "hoi", "ubnd"})
"""A first word after a kind word that makes it no place: ``huyện ủy`` (a
party committee), ``xã hội`` (society)."""
_MAX_NAME_WORDS = 4
_SEGMENTS = re.compile(r"[-,;:()/\[\]\n\u2010-\u2015\u2212]|\.(?!\d)")
_WORDS = re.compile(r"[^\W_]+")
_ABBREVIATED = re.compile(r"(?<!\w)(H|TP|TX)\s*\.\s*(?=\w)", re.IGNORECASE)
_ABBREVIATIONS = {"h": "huyện", "tp": "thành phố", "tx": "thị xã"}


@dataclass(frozen=True)
class Place:
    """A place a text names: as written, its level and its name folded."""

    shown: str
    level: str
    name: str


def _kind_at(words: list[str], at: int) -> tuple[int, str]:
    """How many words a kind word takes at ``at`` (0: none), and its level."""
    lowered = [w.lower() for w in words[at : at + 2]]
    for kind, level in _KINDS:
        if lowered[: len(kind)] == list(kind):
            return len(kind), level
    return 0, ""


def mentions(text: str) -> list[Place]:
    """Each place named in ``text``. ``UBND huyện Phong Thổ - Phòng Tư pháp`` →
    ``[Place("huyện Phong Thổ", "district", "phong tho")]``."""
    text = _ABBREVIATED.sub(
        lambda m: _ABBREVIATIONS[m.group(1).lower()] + " ", nfc(text)
    )
    found: list[Place] = []
    for segment in _SEGMENTS.split(text):
        words = _WORDS.findall(segment)
        at = 0
        while at < len(words):
            size, level = _kind_at(words, at)
            if not size:
                at += 1
                continue
            start = end = at + size
            while (
                end < len(words)
                and end - start < _MAX_NAME_WORDS
                and (words[end][:1].isupper() or words[end][:1].isdigit())
                and not _kind_at(words, end)[0]
            ):
                end += 1
            name = words[start:end]
            if name and fold(name[0]) not in _NOT_NAMES:
                found.append(
                    Place(" ".join(words[at:end]), level, fold(" ".join(name)))
                )
            at = max(end, at + 1)
    return found


def places_named(text: str, own_names: Iterable[str]) -> list[str]:
    """The places a ``Đơn vị`` line names (as written) outside the department's
    own names (``own_names``: its name and aliases): "UBND xã Bum Tở" is a
    department's name where communes are departments, not a place it names."""
    inside = {place.name for own in own_names for place in mentions(own)}
    return [place.shown for place in mentions(text) if place.name not in inside]


@dataclass(frozen=True)
class UnitPlace:
    """The unit's own place: its level and its names, folded."""

    level: str
    names: frozenset[str]
    unit: str
    """The unit as ``don-vi.toml`` names it, for messages."""

    def foreign(self, places: Iterable[str]) -> str | None:
        """The first of ``places`` (as ``places_named`` gives them) that is of
        the unit's level and not the unit's own place; None when there is none."""
        for shown in places:
            for place in mentions(shown):
                if place.level != self.level:
                    continue
                words = place.name.split()
                if not any(words[: len(n.split())] == n.split() for n in self.names):
                    return place.shown
        return None


def unit_place(unit: str, parent: str = "", place: str = "") -> UnitPlace | None:
    """The unit's place from what ``don-vi.toml`` says: the level and name of the
    place its ``unit`` (else its ``parent``) names, with ``place`` (``Phong
    Thổ``) as another way of writing it; None when neither names a place."""
    for text in (unit, parent):
        named = mentions(text)
        if not named:
            continue
        level = named[0].level
        names = {p.name for p in named if p.level == level}
        bare = fold(" ".join(_WORDS.findall(nfc(place))))
        if bare:
            names |= {p.name for p in mentions(place) if p.level == level} or {bare}
        return UnitPlace(level, frozenset(names), unit.strip())
    return None


def unit_place_in(inputs: Path) -> UnitPlace | None:
    """The unit's place as its ``don-vi.toml`` says (``unit_place``); None
    without the file, or when it cannot be read (its warning is the report's)."""
    settings, _ = read_unit_settings(inputs / SETTINGS_FILE)
    if not settings.configured:
        return None
    return unit_place(settings.unit, settings.parent, settings.place)

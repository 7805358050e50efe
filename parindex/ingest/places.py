"""Places a ``Đơn vị`` line names, and whether they are the unit's own.

A department's form may carry its unit's place: "Phòng Tư pháp huyện Phong Thổ".
A line naming another place of the same level ("Phòng Tư pháp huyện Tam Đường": a
neighbouring district's form dropped by mistake) is not this unit's form, even
though it holds the department's name. The reader records the places a line
(and the other cells of its row) names outside the department's own names
(``places_named``, kept with the read, so the parse cache holds them); the run
compares them with the unit's own place, from ``don-vi.toml`` (``UnitPlace``),
and sets such a form aside (``winners``; README, Choices).

Only places of the unit's own level are compared: a district's departments may
write their commune or province ("xã Mường So", "tỉnh Lai Châu"), a commune's the
district it belonged to before 2025, a province's department any of its
districts. Without ``don-vi.toml``, or when it names no place, nothing is
compared: the unit's place is not known.

A place is a kind word followed by a name whose first word starts with a capital
letter or a digit, up to a separator or another kind word (``huyện Tam Đường``,
``Phường 3``, ``TP. Lai Châu``); a lower-case word after a kind word is no name
("xã hội", "huyện ủy"). It is the unit's when it is of the unit's kind
(``huyện``, ``thị xã``, ``thành phố``/``TP``… are different units: huyện Kỳ Anh
and thị xã Kỳ Anh) and its name is the unit's, accents, case and spaces aside
(``HUYỆN Phong thổ``, ``huyện PhongThổ``), followed by nothing or by words that
are no part of a name (``_begins_with``: ``huyện Phong Thổ năm 2023``, ``…
Lai Châu``, ``… Báo cáo``); another capitalised word goes on with the name
(huyện Châu Thành A, huyện U Minh Thượng are other units).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from parindex.settings import SETTINGS_FILE, read_unit_settings
from parindex.text import fold, nfc

_KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("thị", "xã"), "thi xa", "district"),
    (("thành", "phố"), "thanh pho", "district"),
    (("thi", "xa"), "thi xa", "district"),
    (("thanh", "pho"), "thanh pho", "district"),
    (("thị", "trấn"), "thi tran", "commune"),
    (("thi", "tran"), "thi tran", "commune"),
    (("huyện",), "huyen", "district"),
    (("huyen",), "huyen", "district"),
    (("quận",), "quan", "district"),
    (("tp",), "thanh pho", "district"),
    (("tx",), "thi xa", "district"),
    (("xã",), "xa", "commune"),
    (("phường",), "phuong", "commune"),
    (("phuong",), "phuong", "commune"),
    (("tỉnh",), "tinh", "province"),
    (("tinh",), "tinh", "province"),
)
"""The words that start a place, lower-cased (two-word kinds first), the kind
they write and its level. Without accents only where the word means nothing
else: "quan" is also quản, "xa" also xa."""
_NOT_NAMES = frozenset({"uy", "hoi", "ubnd"})
"""A first word after a kind word that makes it no place: ``huyện ủy`` (a
party committee), ``xã hội`` (society)."""
_MAX_NAME_WORDS = 4
_SEGMENTS = re.compile(r"[-,;:()/\[\]\n\u2010-\u2015\u2212]|\.(?!\d)")
_WORDS = re.compile(r"[^\W_]+")
_ABBREVIATED = re.compile(
    r"(?<!\w)(?:(\w+)\s+)?(H|TP|TX|Q)\s*\.\s*(?=\w)", re.IGNORECASE
)
_ABBREVIATIONS = {"h": "huyện", "tp": "thành phố", "tx": "thị xã", "q": "quận"}
_DASH = r"\s*[-\u2010-\u2015\u2212]\s*"
_PROVINCES_WRITTEN = tuple(
    (re.compile(rf"(?<![^\W_])(?:{pattern})(?![^\W_])"), name)  # whole words
    for pattern, name in (
        (r"kontum", "Kon Tum"),
        (rf"br{_DASH}vt|brvt", "Bà Rịa Vũng Tàu"),
        (rf"ba\s+ria{_DASH}vung\s+tau", "Bà Rịa Vũng Tàu"),
        (rf"thua\s+thien{_DASH}hue", "Thừa Thiên Huế"),
    )
)
"""Provinces as offices also write them, in one word, by initials or with a
dash (``Bà Rịa – Vũng Tàu``), matched on the text without accents or case:
read as their names before a line is cut at its dashes (blind rounds 23C and
24A)."""


_WRITTEN_HINTS = ("kontum", "br", "ba ria", "thua thien")
"""What a line holding one of ``_PROVINCES_WRITTEN`` holds, folded."""


def _plain(text: str) -> str:
    """``text`` letter for letter without accents and case (``Đ`` → ``d``): a
    letter that does not fold to one letter stays as it is, so that a match
    in it is a match in ``text`` at the same places."""
    out = []
    for char in text:
        folded = "".join(
            c
            for c in unicodedata.normalize("NFD", char)
            if not unicodedata.combining(c)
        ).lower()
        out.append("d" if char in "đĐ" else folded if len(folded) == 1 else char)
    return "".join(out)


@lru_cache(maxsize=4096)  # the same lines come back file after file
def _provinces_written_out(text: str) -> str:
    """``text`` with each province written as in ``_PROVINCES_WRITTEN`` by its
    name."""
    folded = fold(text)  # most lines name none: found without a pass per letter
    if not any(hint in folded for hint in _WRITTEN_HINTS):
        return text
    plain = _plain(text)
    for pattern, name in _PROVINCES_WRITTEN:
        for found in reversed(list(pattern.finditer(plain))):
            text = text[: found.start()] + name + text[found.end() :]
            plain = plain[: found.start()] + _plain(name) + plain[found.end() :]
    return text


_CENTRAL_CITIES = frozenset(
    {"ha noi", "ho chi minh", "hcm", "hai phong", "da nang", "can tho", "hue"}
)
"""The cities run by the centre: provinces, though their kind is thành phố."""
_PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu", "Bắc Giang", "Bắc Kạn",
    "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước",
    "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hồ Chí Minh", "Huế", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên",
    "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip
"""Vietnam's provinces and cities run by the centre, before and after 2025:
named without ``tỉnh`` ("Sở Tư pháp Điện Biên", "T. Điện Biên") they are read
as provinces where a sở's own form is told from another province's
(``mentions(…, bare=True)``)."""


def _province_words() -> dict[str, list[tuple[str, ...]]]:
    """Each province's folded words, by its first word (longest first)."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for name in _PROVINCES:
        words = tuple(fold(w) for w in _WORDS.findall(name))
        found.setdefault(words[0], []).append(words)
    for each in found.values():
        each.sort(key=len, reverse=True)
    return found


_NOT_A_NAME_GOING_ON = frozenset(
    {
        "nam", "ngay", "thang", "nguoi", "so", "bao", "tu", "danh", "cham",
        "phong", "van", "ubnd", "ban", "trung", "ke", "bang", "bieu", "tong",
        "ket", "chi", "cai", "tphcm", "hcm",
    }
)  # fmt: skip
"""Words after a place's name that are no part of it, in capitals too
(``HUYỆN PHONG THỔ NĂM 2023``, ``huyện Phong Thổ Báo cáo``, ``… Phòng Tư
pháp``, ``Quận 1 TPHCM``), folded."""


@dataclass(frozen=True)
class Place:
    """A place a text names: as written, its kind and level, its name folded."""

    shown: str
    kind: str
    level: str
    name: str
    words: tuple[str, ...] = ()
    """Its name's words as written."""


_WORDS_AFTER = re.compile(r"[^-,;:()/\[\]\n\u2010-\u2015\u2212.]*")


def _written_out(found: re.Match[str]) -> str:
    """``H.``, ``TP.``, ``TX.``, ``Q.`` written out, except ``H.`` before a
    single word: a person's initial (``Lò Văn H. Sơn``, ``H. Sơn (người lập)``;
    a district's name has two words or more: ``H. Tam Đường``)."""
    before, short = found.group(1), found.group(2)
    if short.lower() == "h":
        after = _WORDS_AFTER.match(found.string, found.end())
        if after is not None and len(_WORDS.findall(after.group(0))) == 1:
            return found.group(0)
    kept = f"{before} " if before is not None else ""
    return kept + _ABBREVIATIONS[short.lower()] + " "


_KINDS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _kind in _KINDS:
    _KINDS_BY_FIRST.setdefault(_kind[0][0], []).append(_kind)


def _kind_at(words: list[str], at: int) -> tuple[int, str, str]:
    """How many words a kind word takes at ``at`` (0: none), its kind and level."""
    candidates = _KINDS_BY_FIRST.get(words[at].lower())
    if candidates is None:
        return 0, "", ""
    lowered = [w.lower() for w in words[at : at + 2]]
    for written, kind, level in candidates:
        if lowered[: len(written)] == list(written):
            return len(written), kind, level
    return 0, "", ""


_MAYBE_KIND = re.compile(
    r"huy|qu|th|tp|tx|x[ãa]|ph[ưu]|t[ỉi]nh|(?<!\w)[hq]\s*\.", re.IGNORECASE
)
"""What every text naming a place holds (most cells hold none: looked for first)."""


_A_YEAR = re.compile(r"(?:19|20)\d\d")
"""A year after a kind word is no place's name: ``TP_2023_final.xlsx`` is Tư
pháp's (code TP) file of 2023, not a city named 2023 (``Quận 10`` is a place)."""


_BY_FIRST_WORD = _province_words()


def _province_at(words: list[str], at: int) -> int:
    """How many words a province named without ``tỉnh`` takes at ``at`` (0:
    none); its first word capitalised ("Điện Biên", "ĐIỆN BIÊN")."""
    if not words[at][:1].isupper():
        return 0
    first = fold(words[at])
    for name in _BY_FIRST_WORD.get(first, ()):
        if tuple(fold(w) for w in words[at : at + len(name)]) == name:
            return len(name)
    return 0


def mentions(text: str, *, bare: bool = False) -> list[Place]:
    """Each place named in ``text``. ``UBND huyện Phong Thổ - Phòng Tư pháp`` →
    ``[Place("huyện Phong Thổ", "huyen", "district", "phong tho")]``. With
    ``bare``, a province named without ``tỉnh`` ("Sở Tư pháp Điện Biên") is
    one too (``_PROVINCES``), outside the name of a place of a kind word."""
    text = nfc(text)
    if not bare and not _MAYBE_KIND.search(text):
        return []
    text = _ABBREVIATED.sub(_written_out, text)
    text = _provinces_written_out(text)
    found: list[Place] = []
    for segment in _SEGMENTS.split(text):
        words = _WORDS.findall(segment)
        at = 0
        while at < len(words):
            size, kind, level = _kind_at(words, at)
            if not size:
                province = _province_at(words, at) if bare else 0
                if province:
                    name = words[at : at + province]
                    found.append(
                        Place(
                            " ".join(name),
                            "tinh",
                            "province",
                            fold(" ".join(name)),
                            tuple(name),
                        )
                    )
                at += max(province, 1)
                continue
            start = end = at + size
            if end < len(words) and (
                words[end][:1].isupper()
                or (words[end][:1].isdigit() and not _A_YEAR.fullmatch(words[end]))
            ):
                while (
                    end < len(words)
                    and end - start < _MAX_NAME_WORDS
                    and not _kind_at(words, end)[0]
                ):
                    end += 1
            name = words[start:end]
            if name and fold(name[0]) not in _NOT_NAMES:
                folded = fold(" ".join(name))
                if kind == "thanh pho" and any(
                    _begins_with(name, city) for city in _CENTRAL_CITIES
                ):
                    level = "province"
                found.append(
                    Place(" ".join(words[at:end]), kind, level, folded, tuple(name))
                )
            at = max(end, at + 1)
    return found


def places_named(
    text: str, own_names: Iterable[str], *, bare: bool = False
) -> list[str]:
    """The places a ``Đơn vị`` line names (as written) outside the department's
    own names (``own_names``: its name and aliases): "UBND xã Bum Tở" is a
    department's name where communes are departments, not a place it names.
    ``bare``: provinces named without ``tỉnh`` too (``mentions``)."""
    named = mentions(text, bare=bare)
    if not named:  # most lines: the department's name alone
        return []
    inside = _inside(tuple(own_names))
    return [place.shown for place in named if place.name not in inside]


@lru_cache(maxsize=4096)
def _inside(own_names: tuple[str, ...]) -> frozenset[str]:
    """The names of the places a department's own names hold (once per
    department: every form of a year asks)."""
    return frozenset(place.name for own in own_names for place in mentions(own))


def _begins_with(
    words: Sequence[str], own: str, around: frozenset[str] = frozenset()
) -> bool:
    """Whether a place's name (its words as written) is ``own`` (folded), spaces
    aside, followed by nothing or by words that are no part of a name: one in
    lower case or a number (``huyện Phong Thổ năm 2023``), one of
    ``_NOT_A_NAME_GOING_ON``, or a place ``around`` the unit (its province:
    ``huyện Phong Thổ Lai Châu``). Any other capitalised word goes on with the
    name: huyện Châu Thành A, huyện U Minh Thượng are other units."""
    folded = [fold(word) for word in words]
    wanted = own.replace(" ", "")
    for taken in range(1, len(folded) + 1):
        joined = "".join(folded[:taken])
        if joined == wanted:
            if taken == len(words):
                return True
            after = words[taken]
            rest = "".join(folded[taken:])
            return (
                not after[:1].isupper()
                or folded[taken] in _NOT_A_NAME_GOING_ON
                or any(rest.startswith(name.replace(" ", "")) for name in around)
            )
        if not wanted.startswith(joined):
            return False
    return False


_LEVEL_RANK = {"commune": 0, "district": 1, "province": 2}


@dataclass(frozen=True)
class UnitPlace:
    """The unit's own place: its level, its kinds and its names, folded."""

    level: str
    kinds: frozenset[str]
    names: frozenset[str]
    unit: str
    """What ``don-vi.toml`` names the unit (its ``unit``, else its ``parent``),
    for messages."""
    around: frozenset[str] = frozenset()
    """The places around the unit (its province), folded: written after its
    name, they are no part of it."""
    named_in: str = SETTINGS_FILE
    """The file that names the unit so (``don-vi.toml``, or the province's
    register), for messages."""

    def below(self, places: Iterable[str], *, seat: bool = False) -> str | None:
        """The first of ``places`` of a level below the unit's (a commune in a
        district's folder); None when there is none. With ``seat``, the town of
        the unit's own name (``thị trấn Phong Thổ``) is not one: a department
        named in full sits there."""
        rank = _LEVEL_RANK.get(self.level)
        if rank is None:
            return None
        for shown in places:
            for place in mentions(shown):
                if _LEVEL_RANK.get(place.level, rank) >= rank:
                    continue
                if seat and any(  # thị trấn Phong Thổ in huyện Phong Thổ
                    _begins_with(place.words, name, self.around) for name in self.names
                ):
                    continue
                return place.shown
        return None

    def first_foreign(self, places: Iterable[str]) -> str | None:
        """The first of ``places`` of the unit's level when it is not the
        unit's own place; None when the first is the unit's, or there is none.
        (A unit filling its whole form itself: "UBND xã Tân Hợp (hợp nhất xã
        Tân Phú, …)" is its own form, naming the communes it was made of.)"""
        first = next(self._at_level(places), None)
        return None if first is None or first[1] else first[0]

    def foreign(self, places: Iterable[str]) -> str | None:
        """The first of ``places`` (as ``places_named`` gives them) that is of
        the unit's level and not the unit's own place; None when there is none."""
        return next((shown for shown, own in self._at_level(places) if not own), None)

    def _at_level(self, places: Iterable[str]) -> Iterator[tuple[str, bool]]:
        """Each place of ``places`` of the unit's level, as written, and whether
        it is the unit's own."""
        for shown in places:
            for place in mentions(shown, bare=True):
                if place.level == self.level:
                    # a province is one whatever its kind is written (tỉnh Hà
                    # Nội: no province and city share a name)
                    own = (
                        place.kind in self.kinds or self.level == "province"
                    ) and any(
                        _begins_with(place.words, name, self.around)
                        for name in self.names
                    )
                    yield place.shown, own


def unit_place(
    unit: str, parent: str = "", place: str = "", province: str = ""
) -> UnitPlace | None:
    """The unit's place from what ``don-vi.toml`` says: the level, kind and name
    of the place its ``unit`` (else its ``parent``) names, with ``place``
    (``Phong Thổ``) as another way of writing the name, and ``province`` around
    it; when neither names a place and ``unit`` is a sở, its ``province``
    (``_province_place``); None when none is known."""
    for text in (unit, parent):
        named = mentions(text)
        if not named:
            continue
        level = named[0].level
        at_level = [p for p in named if p.level == level]
        names = {p.name for p in at_level}
        if _words_folded(place):
            names |= {p.name for p in mentions(place) if p.level == level} or {
                _words_folded(place)
            }
        kinds = frozenset(p.kind for p in at_level)
        around = {p.name for t in (unit, parent) for p in mentions(t)} - names
        if _words_folded(province):
            around.add(_words_folded(province))
        return UnitPlace(
            level, kinds, frozenset(names), text.strip(), frozenset(around)
        )
    if _WORDS.findall(fold(unit))[:1] != ["so"]:
        return None
    return _province_place(unit, province)


def placed_name(unit: str, parent: str, province: str) -> str | None:
    """A sở's name with its province (``Sở Tư pháp tỉnh Lai Châu``) when
    ``unit`` and ``parent`` name no place and ``province`` is given (the place
    ``unit_place`` takes for it); None otherwise."""
    place = unit_place(unit, parent, province=province)
    if place is None or mentions(unit) or mentions(parent) or not unit.strip():
        return None
    written = province.strip()
    if not mentions(written):
        central = "thanh pho" in place.kinds
        written = f"{'thành phố' if central else 'tỉnh'} {written}"
    return f"{unit.strip()} {written}"


def _province_place(unit: str, province: str) -> UnitPlace | None:
    """The place of a sở whose name names none (``Sở Tư pháp``) from its
    ``province`` (``Lai Châu``, ``tỉnh Lai Châu``, ``Hà Nội``): a province of
    kind ``tỉnh``, or ``thành phố`` for a city run by the centre; None
    without a province. (Only a sở: "UBND Phong Thổ" with its province is a
    district whose level is not known.)"""
    named = [p for p in mentions(province) if p.level == "province"]
    if named:
        return UnitPlace(
            "province",
            frozenset(p.kind for p in named),
            frozenset(w for p in named for w in _written_ways(p.name)),
            unit.strip() or province.strip(),
        )
    name = _words_folded(province)
    if not name:
        return None
    central = any(_begins_with(name.split(), city) for city in _CENTRAL_CITIES)
    return UnitPlace(
        "province",
        frozenset({"thanh pho" if central else "tinh"}),
        _written_ways(name),
        unit.strip() or province.strip(),
    )


def _written_ways(name: str) -> frozenset[str]:
    """A province's name (folded) as offices also write it: cut at its hyphen
    or after two words (``Bà Rịa - Vũng Tàu``: "tỉnh Bà Rịa", a line cut at
    the dash; ``Thừa Thiên - Huế``), or by its initials (``BRVT``, ``HCM``)."""
    words = name.split()
    ways = {name, " ".join(words[:2])}
    if len(words) > 2:
        ways.add("".join(w[0] for w in words))
    return frozenset(ways)


def _words_folded(text: str) -> str:
    """A text's words, folded, one space apart ("" when it has none: the
    placeholder ``……``)."""
    return fold(" ".join(_WORDS.findall(nfc(text))))


def unit_place_in(inputs: Path) -> UnitPlace | None:
    """The unit's place as its ``don-vi.toml`` says (``unit_place``); None
    without the file, or when it cannot be read (its warning is the report's)."""
    settings, _ = read_unit_settings(inputs / SETTINGS_FILE)
    if not settings.configured:
        return None
    return unit_place(settings.unit, settings.parent, settings.place, settings.province)


REGISTER_NAMED = "don-vi.xlsx"
"""How messages name the province's register (``UnitPlace.named_in``)."""


def registered_place(
    departments: Sequence[tuple[str, str]], province: str = ""
) -> UnitPlace | None:
    """The place of a province's unit that fills its whole form itself, as the
    register names it (``departments``: the set's one department, (code, name),
    named so by ``province.folder.with_other_units``), a sở named without its
    province placed in the ``province`` (the province's own ``don-vi.toml``);
    None when neither says (``Sở Nội vụ`` alone)."""
    if len(departments) != 1:
        return None
    name = departments[0][1]
    found = unit_place(name, province=province)
    if found is None:
        return None
    placed_by_province = province.strip() and not mentions(name)
    return replace(
        found,
        named_in=(
            f"{REGISTER_NAMED} và {SETTINGS_FILE} của tỉnh"
            if placed_by_province
            else REGISTER_NAMED
        ),
    )

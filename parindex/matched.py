"""Which node of last year's criteria set each node of this year's is compared
with, when the two years are read with two sets (README, Choices: "Previous
year"): a set renumbered between the years (a component added, departments
merged) gives a code to another criterion, and a criterion to another code.

Pure: two frames of ``code`` and ``name`` in, the pairs and what to say out.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

import polars as pl

from parindex.text import fold_name, parent_code

ABBREVIATIONS = {
    "cchc": "cai cach hanh chinh",
    "tthc": "thu tuc hanh chinh",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "cbccvc": "can bo cong chuc vien chuc",
    "ccvc": "cong chuc vien chuc",
    "cbcc": "can bo cong chuc",
    "ktxh": "kinh te xa hoi",
    "xhh": "xa hoi hoc",
    "cntt": "cong nghe thong tin",
    "qppl": "quy pham phap luat",
    "vbqppl": "van ban quy pham phap luat",
}
"""Abbreviations criteria sets write for words other years write out (folded):
"Kế hoạch CCHC" is "Kế hoạch cải cách hành chính"."""

SIMILAR = 0.85
"""How alike (``difflib`` ratio of the folded names) two names under one code
are to be one criterion reworded: "Ban hành kế hoạch CCHC năm" and "… hằng
năm" are (0,91); "Kế hoạch cải cách hành chính" and "Báo cáo cải cách hành
chính" are not (0,8). A name whose words all stand in a longer one is no
rewording ("Công tác báo cáo", "Công tác báo cáo thống kê đất đai")."""


@dataclass(frozen=True)
class NodeMatch:
    """``pairs``: each node of this year (``code``) compared with last year's
    node ``previous_code``; the nodes not in it are not compared. ``moved``: the
    pairs of another code (by name); ``reworded``: the pairs of one code whose
    names differ but are alike (code, this year's name, last year's);
    ``unmatched``: the nodes whose code was last year another criterion, and
    whose name no one node (code, this year's name, last year's name of that
    code); ``other_kind``: the nodes whose code and name were last year a
    group's where they are a scored criterion now, or the other way round
    (code, name); ``shared_name``: the nodes of a new code whose name several
    nodes share, last year or this year (code, name)."""

    pairs: pl.DataFrame
    moved: tuple[tuple[str, str], ...] = ()
    reworded: tuple[tuple[str, str, str], ...] = ()
    unmatched: tuple[tuple[str, str, str], ...] = ()
    other_kind: tuple[tuple[str, str], ...] = ()
    shared_name: tuple[tuple[str, str], ...] = ()
    other_parent: tuple[tuple[str, str], ...] = ()
    """The nodes whose code and name were last year under another parent than
    this year's (a component inserted or moved before them), left uncompared
    (code, name)."""

    @property
    def to_this_year(self) -> pl.DataFrame:
        """The pairs to join last year's frames on: ``code`` (last year's) and
        ``now`` (this year's code it is compared as)."""
        return self.pairs.select(
            pl.col("previous_code").alias("code"), pl.col("code").alias("now")
        )


def match_nodes(current: pl.DataFrame, previous: pl.DataFrame) -> NodeMatch:
    """Pair this year's nodes (``current``: ``code``, ``name``, ``is_leaf``, in
    tree order) with last year's (``previous``), each of last year's used once,
    a scored criterion only with a scored criterion and a group with a group:

    1. under a parent already paired, the child of the same name of the node
       it is paired with (one only: components swapped, a name in both);
       else, its parent not moved, the node of the same code and the same name
       (folded: accents, case, punctuation, abbreviations);
    2. else the node of the same name under another code, when one node of
       each year has that name;
    3. else, its parent not moved, the node of the same code whose name is
       alike (``SIMILAR``) with the same lead department: one criterion
       reworded;
    4. else none: not compared.
    """
    before = {
        code: (str(name or ""), bool(leaf))
        for code, name, leaf in previous.select("code", "name", "is_leaf").rows()
    }
    folded_before = {code: name_key(name) for code, (name, _) in before.items()}
    now = [
        (str(c), str(n or ""), bool(leaf))
        for c, n, leaf in current.select("code", "name", "is_leaf").rows()
    ]
    folded_now = {code: name_key(name) for code, name, _ in now}
    lead_now, lead_before = _leads(current), _leads(previous)
    kind_now = {code: leaf for code, _, leaf in now}
    codes_by_name: dict[str, list[str]] = {}
    for code, key in folded_before.items():
        codes_by_name.setdefault(key, []).append(code)
    names_now: dict[str, int] = {}
    for key in folded_now.values():
        names_now[key] = names_now.get(key, 0) + 1

    def same_kind(code: str, other: str) -> bool:
        return kind_now[code] == before[other][1]

    children_before: dict[str | None, list[str]] = {}
    for code in before:
        children_before.setdefault(parent_code(code), []).append(code)
    pairs: dict[str, str] = {}
    paired_to: dict[str, str] = {}  # the inverse of pairs: last year's → now
    moved = []

    def moved_parent(code: str) -> bool:
        """Whether the node's parent is paired with another node than its
        code's parent last year (its component moved), or that node's parent
        with another node of this year (a component inserted before it)."""
        parent = parent_code(code)
        if parent is None:
            return False
        return (
            pairs.get(parent, parent) != parent
            or paired_to.get(parent, parent) != parent
        )

    def pair(code: str, other: str) -> None:
        pairs[code] = other
        paired_to[other] = code
        if other != code:
            moved.append((code, other))

    # level by level (components first), in tree order within a level: every
    # parent is decided before any child
    by_level = sorted(now, key=lambda node: node[0].count("."))
    for code, _, _ in by_level:
        key, parent = folded_now[code], parent_code(code)
        if parent is not None and parent in pairs:
            # 1. the child of the same name of the node its parent is paired with
            named = [
                c
                for c in children_before.get(pairs[parent], [])
                if folded_before[c] == key and c not in paired_to and same_kind(code, c)
            ]
            if len(named) == 1:
                pair(code, named[0])
                continue
        if (  # 1. its parent not moved: the same code and name
            code in before
            and code not in paired_to
            and not moved_parent(code)
            and folded_now[code] == folded_before[code]
            and same_kind(code, code)
        ):
            pair(code, code)
            continue
        # 2. the same name under another code, one node of each year
        named = codes_by_name.get(key, [])
        if (
            names_now[key] == 1
            and len(named) == 1
            and named[0] not in paired_to
            and same_kind(code, named[0])
        ):
            pair(code, named[0])
    reworded, unmatched, other_kind, shared, other_parent = [], [], [], [], []
    for code, name, _ in now:  # 3. same code, the name reworded; 4. none
        if code in pairs:
            continue
        key = folded_now[code]
        if code not in before:
            if names_now[key] > 1 or len(codes_by_name.get(key, [])) > 1:
                shared.append((code, name))
            continue
        previous_name = before[code][0]
        if moved_parent(code) and key == folded_before[code]:
            other_parent.append((code, name))
        elif not same_kind(code, code):
            if folded_now[code] == folded_before[code]:
                other_kind.append((code, name))
            else:
                unmatched.append((code, name, previous_name))
        elif (
            code not in paired_to
            and not moved_parent(code)
            and lead_now.get(code) == lead_before.get(code)
            and _alike(key, folded_before[code])
        ):
            pair(code, code)
            reworded.append((code, name, previous_name))
        else:
            unmatched.append((code, name, previous_name))
    frame = pl.DataFrame(
        {"code": list(pairs), "previous_code": list(pairs.values())},
        schema={"code": pl.String, "previous_code": pl.String},
    )
    position = {code: i for i, (code, _, _) in enumerate(now)}
    return NodeMatch(
        frame,
        tuple(sorted(moved, key=lambda pair: position[pair[0]])),  # tree order
        tuple(reworded),
        tuple(unmatched),
        tuple(other_kind),
        tuple(shared),
        tuple(other_parent),
    )


def name_key(name: str) -> str:
    """A name folded for pairing: ``fold_name``, the abbreviations written out
    (also written in parts: ``KT-XH``)."""
    text = f" {fold_name(name)} "
    for parts, whole in _SPLIT_ABBREVIATIONS:
        text = text.replace(parts, whole)
    return " ".join(ABBREVIATIONS.get(word, word) for word in text.split())


_SPLIT_ABBREVIATIONS = (
    (" kt xh ", " ktxh "),
    (" cb cc vc ", " cbccvc "),
    (" cb cc ", " cbcc "),
    (" cc vc ", " ccvc "),
    (" vb qppl ", " vbqppl "),
)
"""Abbreviations written with a hyphen or spaces in them, once folded (the
hyphen a space): joined, then written out as ``ABBREVIATIONS`` says."""


def _leads(nodes: pl.DataFrame) -> dict[str, str | None]:
    """Each node's lead department (the first listed; None for a group, or a
    frame without departments)."""
    if "departments" not in nodes.columns:
        return {}
    return {
        str(code): (departments[0] if departments else None)
        for code, departments in nodes.select("code", "departments").rows()
    }


def _alike(one: str, other: str) -> bool:
    """Two folded names of one code that are one criterion reworded: alike at
    ``SIMILAR`` (a name that only adds words to the other is another
    criterion, not this one reworded)."""
    if not one or not other:
        return False
    return SequenceMatcher(None, one, other).ratio() >= SIMILAR

"""Parts of the report kept between nights: a night costs what changed.

Section II of the draft report and of the Markdown summary holds a paragraph or
more per department; at a thousand departments building them was most of the
report's time, and a night where one file changed changes a few of them. Each
department's part (``parindex.render.document.department_part``) is kept rendered
for both outputs (a ``Fragment``: Word's paragraphs as the XML spliced into the
body, and their Markdown) under its department key
(``parindex.department_view.department_keys``, as ``parindex.publish.outputs``
extends it: a sha256 of everything the department's rows are, the criteria set,
parindex's code and the libraries' versions), and each of the two charts' PNG
under a sha256 of the figures it draws. A part or chart whose key differs, or that
is not kept, is rendered again: the outputs are byte-identical to a run without
any kept part (tested: a changed file, a changed criteria set, a new version of
parindex, a deleted or corrupted store).

The store is one file per year, ``<outputs>/.parindex-cache/report/<year>``: a
format line, the sha256 of the payload, then the payload (a pickle of builtins:
the context it was written for, the parts). It is used only when intact and
written for the same context (parindex's code and the readers', python-docx's,
matplotlib's and polars' versions, the criteria set's hash, the year); otherwise
it is ignored and every part rendered again. Deleting it costs the next night its
rendering. It is written by parindex alone, atomically, after the outputs were
rendered, with the parts used that night only.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from parindex.analysis import AnalysedResult
from parindex.criteria import DIGEST_LOCK
from parindex.department_view import update_digest
from parindex.ingest.cache import (
    CACHE_FOLDER,
    code_version,
    store_pickled,
    unsealed,
)
from parindex.render.document import Block, Fragment
from parindex.render.report import fragment_of

FOLDER = "report"
FORMAT = b"parindex-report-parts 1\n"
LIBRARIES = ("python-docx", "matplotlib", "polars", "lxml")
"""Libraries whose version can change a part or a chart (polars: the row hashes
of the chart keys)."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def store_path(outputs: Path, year: int) -> Path:
    """Where the parts of ``year``'s report are kept."""
    return outputs / CACHE_FOLDER / FOLDER / str(year)


def store_context(result: AnalysedResult) -> str:
    """What every kept part is also a function of: parindex's code, the
    libraries' versions, the criteria set and the year."""
    return json.dumps(
        [
            FORMAT.decode().strip(),
            code_version(),
            [f"{p}={_version(p)}" for p in LIBRARIES],
            result.current.criteria_set.digest,
            result.year,
        ]
    )


def _picture_key(name: str, made_of: object) -> str:
    digest = hashlib.sha256(name.encode())
    with DIGEST_LOCK:  # one frame digest at a time (see parindex.criteria)
        update_digest(digest, made_of)
    return digest.hexdigest()


class ReportParts:
    """The parts kept from the last night (``open``) and those of this night,
    kept for the next one (``save``); ``parindex.render.document.Parts``."""

    def __init__(
        self,
        path: Path | None,
        context: str,
        keys: Mapping[str, str],
        kept: dict[str, Any] | None = None,
        *,
        stored: bool = False,
    ) -> None:
        """``keys``: each department's key now; ``kept``: the payload read, or
        ``stored``: read it from ``path`` when a part is first asked for (after
        the scorecard and the summary: the store is not held while they render)."""
        self.path = path
        self.context = context
        self.keys = keys
        self._unread = stored and path is not None
        self._old_fragments: dict[str, tuple[str, tuple[bytes, str, bool, bool]]] = {}
        self._old_pictures: dict[str, tuple[str, bytes]] = {}
        self._use(kept or {})
        self._fragments: dict[str, tuple[str, tuple[bytes, str, bool, bool]]] = {}
        self._pictures: dict[str, tuple[str, bytes]] = {}
        self.built: list[str] = []
        """The departments whose part was built this night (not kept)."""
        self.drawn: list[str] = []
        """The charts drawn this night (not kept)."""

    @classmethod
    def open(
        cls, outputs: Path, result: AnalysedResult, keys: Mapping[str, str]
    ) -> ReportParts:
        """The parts kept in ``outputs`` for ``result``'s year, to be served for
        ``keys`` (the departments' keys now)."""
        return cls(
            store_path(outputs, result.year), store_context(result), keys, stored=True
        )

    def _use(self, kept: dict[str, Any]) -> None:
        self._old_fragments = kept.get("fragments") or {}
        self._old_pictures = kept.get("pictures") or {}

    def _read(self) -> None:
        """The store's parts, read once, when first needed."""
        if self._unread and self.path is not None:
            self._unread = False
            self._use(_load(self.path, self.context) or {})

    def fragment(self, code: str) -> Fragment | None:
        """``code``'s part kept for its key now, or None."""
        self._read()
        key = self.keys.get(code)
        found = self._fragments.get(code) or self._old_fragments.get(code)
        if key is None or found is None or found[0] != key:
            return None
        self._fragments[code] = found
        return Fragment(*found[1])

    def keep(self, code: str, blocks: list[Block]) -> Fragment | None:
        """``code``'s part rendered (``fragment_of``), kept under its key."""
        self.built.append(code)
        made = fragment_of(blocks)
        key = self.keys.get(code)
        if made is not None and key is not None:
            self._fragments[code] = (
                key,
                (made.word, made.markdown, made.first_bullet, made.last_bullet),
            )
        return made

    def picture(self, name: str, made_of: object, make: Callable[[], bytes]) -> bytes:
        """The chart ``name`` drawn from ``made_of``: kept, or ``make()``."""
        self._read()
        key = _picture_key(name, made_of)
        found = self._pictures.get(name) or self._old_pictures.get(name)
        if found is not None and found[0] == key:
            self._pictures[name] = found
            return found[1]
        self.drawn.append(name)
        png = make()
        self._pictures[name] = (key, png)
        return png

    def save(self) -> None:
        """Keep this night's parts for the next one, when anything was rendered
        (a failure to write is not an error: the next night renders them)."""
        if self.path is None or not (self.built or self.drawn):
            return
        self._old_fragments, self._old_pictures = {}, {}  # last night's: not needed
        store_pickled(
            self.path,
            FORMAT,
            {
                "context": self.context,
                "fragments": self._fragments,
                "pictures": self._pictures,
            },
        )


def _load(path: Path, context: str) -> dict[str, Any] | None:
    """The payload kept at ``path`` when it is intact and for ``context``."""
    payload = unsealed(FORMAT, path)
    if payload is None:
        return None
    try:
        kept = pickle.loads(payload)  # noqa: S301 - written by ReportParts.save
    except Exception:  # noqa: BLE001 - a store that cannot be read is rebuilt
        return None
    if not isinstance(kept, dict) or kept.get("context") != context:
        return None
    if not _shaped(kept):
        return None
    return kept


def _shaped(kept: dict[str, Any]) -> bool:
    """Whether the payload holds what ``save`` writes."""
    fragments, pictures = kept.get("fragments"), kept.get("pictures")
    if not isinstance(fragments, dict) or not isinstance(pictures, dict):
        return False
    return all(
        _pair(value, tuple)
        and len(value[1]) == 4
        and isinstance(value[1][0], bytes)
        and isinstance(value[1][1], str)
        for value in fragments.values()
    ) and all(_pair(value, bytes) for value in pictures.values())


def _pair(value: object, kind: type) -> bool:
    """Whether ``value`` is a (key, ``kind``) pair."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], kind)
    )

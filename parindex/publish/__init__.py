"""Publishing: the last stage, the only one that writes outputs.

``files`` writes safely (temporary file then rename, the outputs lock, the archive by
content hash); ``manifest`` says what a run read and wrote and what its outputs are a
function of (the render key); ``outputs`` renders the year's output set and publishes
it. Importing this package loads ``files`` only, so ``check`` and ``template`` stay
quick: the renderers are loaded by ``parindex.publish.outputs``.
"""

from __future__ import annotations

from parindex.publish.files import (
    archive_all,
    check_writable,
    outputs_lock,
    sweep_temporary_files,
    write_atomic,
    write_bytes_atomic,
)

__all__ = [
    "archive_all",
    "check_writable",
    "outputs_lock",
    "sweep_temporary_files",
    "write_atomic",
    "write_bytes_atomic",
]

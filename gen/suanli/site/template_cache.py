"""The theme's compiled templates, kept for a preview session.

MkDocs makes a new Jinja environment for every build, so under `serve` each save compiled Material's
templates again (about 0.5 s of a 520-week save). Jinja's bytecode cache is its own answer: each template
is compiled once per session, and its entry is dropped when the template's source changes (Jinja compares
a checksum of the source with the one stored in the bucket).
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SessionBytecodeCache(BytecodeCache):
    """Compiled templates in `store` (the session's), by Jinja's bucket key."""

    def __init__(self, store: dict[str, bytes]) -> None:
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self.store.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

"""What outlives one build: a process's session (one `properdocs build`, or a whole `suanli serve`).

The plugin instance owns one Session for its lifetime (MkDocs keeps a plugin that has `on_startup`
across the rebuilds of `serve`). When the generator's code changes under `serve`, the plugin imports it
afresh (site/plugin.py) and this module is not re-imported: a Session holds only plain containers, and
`start_code` drops whatever an earlier code made, so no object of an earlier version is ever reused.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from suanli.load.dataset import IssueMemo, SeriesMemo
    from suanli.load.prices import PricesMemo
    from suanli.qa.findings import Finding
    from suanli.site.cache import SiteResult
    from suanli.site.incremental import Record


@dataclass
class Session:
    """`serving`: under `serve`, where issues and pages are memoized between builds; `dirty`: `serve
    --dirty`, where a rebuild renders only the pages whose sources changed (site/incremental.py)."""

    serving: bool = False
    dirty: bool = False
    code: bytes = b""  # the digest of the generator's source the memos below were made with
    # load/dataset.py's memo: an issue folder's parsed Issue, by its files' bytes and the registry
    issues: IssueMemo = field(default_factory=dict)
    series: SeriesMemo = field(default_factory=dict)  # the series likewise, by the files' bytes
    prices: PricesMemo = field(default_factory=dict)  # load/prices.py's: the closes and benchmarks likewise
    # site/assemble.py's memo: issue pages, exhibit CSVs and company pages, by exactly what each reads
    pages: dict[tuple[object, ...], tuple[object, object]] = field(default_factory=dict)
    # the last result, by its cache key: an unchanged rebuild neither hashes a pickle nor renders
    result: tuple[str, SiteResult] | None = None
    # site/incremental.py's record of the last good build (what the site folder holds)
    preview: Record | None = None
    # the jieba user dictionary loaded into this process's one tokenizer (not tied to the code), and how
    # the search index cut each run of Han characters with it (site/mkdocs_internals.py, 9)
    words: str | None = None
    cuts: dict[str, str] = field(default_factory=dict)
    # the theme's compiled templates (site/template_cache.py), checked against their source on each use
    templates: dict[str, bytes] = field(default_factory=dict)
    # site/preview_qa.py's memo: each issue's findings by the objects they read; the banner for the current
    # result (by its cache key); how many issues the last build checked
    qa: dict[tuple[object, ...], tuple[object, list[Finding]]] = field(default_factory=dict)
    qa_banner: tuple[str, str] | None = None
    qa_checked: int = 0
    # the full garbage collection a preview build leaves for after the browser reloaded (site/build.py)
    idle_collection: threading.Timer | None = None

    def start_code(self, code: bytes) -> None:
        """The generator's code is `code` from now on; forget what another code made."""
        if code != self.code:
            self.code, self.preview, self.result = code, None, None
            self.issues.clear()
            self.series.clear()
            self.prices.clear()
            self.qa.clear()
            self.qa_banner = None
            self.pages.clear()

    def collect_when_idle(self, delay: float) -> None:
        """A full collection of the cyclic garbage collector `delay` seconds from now, on a daemon thread,
        unless a build starts first (`cancel_idle_collection`): it costs a preview's save about 0.15 s a
        pass over the session's memos, and the reader waits for none of it once the browser has reloaded."""
        self.cancel_idle_collection()
        self.idle_collection = threading.Timer(delay, gc.collect)
        self.idle_collection.daemon = True  # never keeps a stopped server alive
        self.idle_collection.start()

    def cancel_idle_collection(self) -> None:
        if self.idle_collection is not None:
            self.idle_collection.cancel()
            self.idle_collection = None

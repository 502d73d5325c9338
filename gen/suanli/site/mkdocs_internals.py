"""Every place the generator reaches into MkDocs (ProperDocs), Material or their preview server beyond
the documented plugin events: few, small, and all here, so a new version of either is checked in one
file. The hook (gen/hooks.py) calls these; nothing else does.

1. Material's search plugin reads its jieba user dictionary from its own config object
   (`config.plugins["material/search"].config.jieba_dict_user`): set in on_config, before the plugin's
   on_config reads it (the hook's on_config runs first, at priority 100).
2. Data files reach the build from memory as `File.generated(config, path, content=...)`.
3. The preview server's builder (`LiveReloadServer.builder`) is wrapped, so a data error keeps the last
   good site up instead of leaving the server stuck.
4. The preview server's `LiveReloadServer._inject_js_into_html(content: bytes, epoch: int) -> bytes`
   adds `<script>…</script>` (its reload poller, different for every request) before the page's last
   </body>. The pages' Content-Security-Policy would block it and preview would stop reloading; wrapped,
   each served page's policy also lists the hash of the script injected into it, and stays enforced.
   If ProperDocs renames the method, `suanli serve` stops at start with an AttributeError here (and
   tests/test_csp.py's preview test fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.structure.files import File

from suanli.render import csp

SEARCH_PLUGIN = "material/search"


def use_jieba_dictionary(config: Any, path: str) -> None:
    """Material's search segments Chinese with jieba; this dictionary keeps company names whole."""
    config.plugins[SEARCH_PLUGIN].config.jieba_dict_user = path


def generated_file(config: Any, path: str, content: bytes) -> File:
    return File.generated(config, path, content=content)


def keep_serving_on_errors(server: Any, on_error: Callable[[], None], errors: tuple[type[BaseException], ...]) -> None:
    """Wrap the preview server's builder: a build that raises one of `errors` calls `on_error` instead."""
    build = server.builder

    def build_or_keep_last_good_site() -> None:
        try:
            build()
        except errors:
            on_error()

    server.builder = build_or_keep_last_good_site


def _injected_script(page: str) -> str:
    """The text of the script the preview server added: the page's last bare <script> element."""
    start = page.rindex("<script>") + len("<script>")
    return page[start : page.index("</script>", start)]


def allow_preview_reload(server: Any) -> None:
    """Make the preview server allow, in each page's policy, the reload script it injects into that page."""
    inject: Callable[[bytes, int], bytes] = server._inject_js_into_html

    def inject_and_allow(content: bytes, epoch: int) -> bytes:
        injected = inject(content, epoch)
        if injected == content:
            return injected
        page = injected.decode("utf-8")
        return csp.allow_script(page, _injected_script(page)).encode("utf-8")

    server._inject_js_into_html = inject_and_allow

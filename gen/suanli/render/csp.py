"""The Content-Security-Policy every page carries: a second line of defence for readers.

The generator escapes and sanitizes everything that comes from the data; if something ever slipped
through anyway, the browser should still refuse to run it. GitHub Pages sets no response headers, so
the policy travels in the page itself, as the first element of <head> (a policy applies only to what
the parser meets after it, so it must come before any script).

Scripts may come from the site's own origin ('self': the theme's bundle, the vendored Vega runtime,
charts.js) and, inline, only the theme's own few scripts, each allowed by the sha256 hash of its
text, computed from the very page it allows. Content is never hashed: a script inside Material's
<article class="md-content__inner ..."> (where everything rendered from the data lands) stays blocked.
Nothing may be evaluated from strings ('unsafe-eval' is absent): Vega draws with its CSP-safe
expression interpreter, and charts.js parses its CSV itself.

Everything here is a pure function from text to text; the preview server's reload script is allowed
through site/mkdocs_internals.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# What each kind of resource may load, besides scripts (which `policy` adds):
DIRECTIVES = (
    "default-src 'self'",
    "object-src 'none'",  # no plugins
    "base-uri 'self'",  # an injected <base> cannot redirect the site's relative URLs
    "form-action 'self'",  # the search form never posts anywhere
    "img-src 'self' data:",  # Material's icons are data: SVGs in its stylesheet
    "style-src 'self'",  # stylesheets from the site; scripts style through the CSSOM only
    "font-src 'self'",  # theme.font is off: no font leaves the site
    "connect-src 'self'",  # charts' CSV and templates, the search index, instant navigation
    "worker-src 'self'",  # Material's search worker
)
# `frame-ancestors` is left out on purpose: browsers ignore it in a <meta> and log an error.

# The MIME types under which a <script> runs as a classic script, plus "module" (HTML's list).
_JAVASCRIPT_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}

_CONTENT_START = re.compile(r"<article\b[^>]*\bclass=\"md-content__inner\b", re.IGNORECASE)
_CONTENT_END = "</article>"
_HEAD_START = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_META = re.compile(r"<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")


# A script element as the HTML tokenizer reads it: its text runs to the first "</script" followed by
# white space, "/" or ">" (script is a raw-text element: nothing inside it is markup). A regular
# expression reads that exactly, at a fraction of a parser's cost on every page of a large archive.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script[\s/>]", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def _inline_scripts(fragment: str) -> list[str]:
    """The text of each executable inline <script> of `fragment` (no src, a JavaScript type)."""
    scripts = []
    for match in _SCRIPT.finditer(fragment):
        attributes = " " + match.group(1)
        kind = _TYPE.search(attributes)
        mime = html.unescape(next(g for g in kind.groups() if g is not None)).strip().lower() if kind else ""
        if not _SRC.search(attributes) and mime in _JAVASCRIPT_TYPES:
            scripts.append(match.group(2))
    return scripts


def theme_scripts(page: str) -> list[str]:
    """The text of each executable inline script of the theme: those outside the page's content.

    The content is everything from Material's <article class="md-content__inner ..."> to the page's
    last </article>, so even a stray </article> that slipped into the content cannot make a later
    script in it count as the theme's. `<script type="application/json">` (Material's __config) and
    scripts with a src are left out: the first never runs, the second are governed by 'self'.
    A page without that article (none of the theme's today) has no content: every inline script is
    the theme's."""
    start = _CONTENT_START.search(page)
    end = page.rfind(_CONTENT_END)
    if start is None or end < start.start():
        return _inline_scripts(page)
    return _inline_scripts(page[: start.start()]) + _inline_scripts(page[end + len(_CONTENT_END) :])


def script_hash(script: str) -> str:
    """The CSP source that allows an inline script: 'sha256-<base64 of the digest of its UTF-8 text>'.

    The browser hashes the text after its input preprocessing, which turns CR LF and lone CR into LF;
    so does this, so a page written with Windows line ends is still allowed."""
    text = script.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(script_hashes: Iterable[str]) -> str:
    """The whole policy: scripts from the site itself plus the given hashes, never 'unsafe-inline',
    'unsafe-eval' or another origin; the other directives as DIRECTIVES says. Hashes are sorted and
    deduplicated, so two pages with the same theme scripts carry the very same policy (Material's
    instant navigation keeps a <head> element that is unchanged, and adds one that changed)."""
    script_src = " ".join(["script-src 'self'", *sorted(set(script_hashes))])
    return "; ".join([DIRECTIVES[0], script_src, *DIRECTIVES[1:]])


def meta(content: str) -> str:
    """The <meta> that carries a policy (its single quotes left readable: the attribute is double-quoted)."""
    escaped = html.escape(content, quote=False).replace('"', "&quot;")
    return f'<meta http-equiv="Content-Security-Policy" content="{escaped}">'


def with_policy(page: str) -> str:
    """The page with its policy as the first element of <head>: scripts from the site and the hashes
    of the theme's inline scripts on this very page. A page without <head> is returned as it is."""
    head = _HEAD_START.search(page)
    if head is None:
        return page
    allowed = policy(script_hash(script) for script in theme_scripts(page))
    return page[: head.end()] + meta(allowed) + page[head.end() :]


def allow_script(page: str, script: str) -> str:
    """The page with one more inline script allowed by its policy (the hash added to script-src).

    For preview only: the server adds a script of its own to each page it serves. A page without a
    policy is returned as it is."""
    found = _META.search(page)
    if found is None:
        return page
    directives = html.unescape(found.group(1)).split("; ")
    for i, directive in enumerate(directives):
        if directive.startswith("script-src "):
            sources = directive.split(" ")[1:]
            directives[i] = " ".join(["script-src", *sources[:1], *sorted(set(sources[1:]) | {script_hash(script)})])
    return page[: found.start()] + meta("; ".join(directives)) + page[found.end() :]


def theme_scope(site_url: str) -> str:
    """The path where the site lives ('/' when site_url is empty or has no path): Material's scope.

    Material resolves its storage scope from `extra.scope`, else from the page's relative base_url,
    so its first inline script reads `new URL("../..", location)` on one page and `new URL(".", ...)`
    on another: a different hash at each depth, hence a different policy, which instant navigation
    would add to the policy already in force (a <meta> policy can be added, never replaced). Giving
    the scope as the site's own path names the same place (Material keeps its palette choice under
    the same key) and makes that script, and so the policy, the same on every page."""
    return urlsplit(site_url).path or "/"

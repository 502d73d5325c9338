"""A local static server for a built site that compresses like GitHub Pages does.

    .venv/bin/python bench/gzip_server.py SITE_DIR [--port 8765]

`python -m http.server` sends every file uncompressed, so a page measured behind it weighs several times
what a reader downloads from GitHub Pages, and a throttled Lighthouse run blames the wrong things. This
server answers the way Pages does for what matters to a page's load:
- text files (HTML, CSS, JS, JSON, XML, SVG, CSV, plain text) are gzipped when the client sends
  `Accept-Encoding: gzip`, with `Content-Encoding: gzip`, `Vary: Accept-Encoding` and the compressed
  `Content-Length`;
- `Cache-Control: max-age=600` on every file;
- a directory URL serves its index.html (and one without its trailing slash is redirected to it);
- a missing page gets the site's 404.html with status 404.
Standard library only (http.server's ThreadingHTTPServer), bound to 127.0.0.1.
Import `serving(site, port)` (a context manager) or `start(site, port)` (returns the running server).
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import functools
import mimetypes
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # tests/support.py: the gzip level

from support import gzipped  # noqa: E402

DEFAULT_PORT = 8765
CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends for every file
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".csv", ".txt", ".map"}
# Types Python's mimetypes table may lack or get wrong on a minimal system; the rest come from the table.
TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".map": "application/json",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    guessed, encoding = mimetypes.guess_type(path.name)
    if encoding:  # sitemap.xml.gz is a gzip file to download, not XML sent compressed
        return "application/gzip"
    kind = TYPES.get(suffix) or guessed or "application/octet-stream"
    # Pages labels its text with UTF-8; without a charset a browser would guess, and the site is Chinese
    return f"{kind}; charset=utf-8" if suffix in COMPRESSED_SUFFIXES else kind


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip: listed (or `*`) and not refused with q=0."""
    for coding in (header or "").split(","):
        name, *params = (part.strip() for part in coding.split(";"))
        if name.lower() not in ("gzip", "*"):
            continue
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


@functools.lru_cache(maxsize=512)
def compressed(path: Path, mtime_ns: int) -> bytes:
    """The gzip of a file, kept while the file is unchanged (mtime in the key): repeated Lighthouse runs
    fetch the same files, and compressing them each time would add server time to what is measured."""
    return gzipped(path.read_bytes())


class PagesHandler(SimpleHTTPRequestHandler):
    """GET and HEAD for a built site, answered as GitHub Pages answers them."""

    protocol_version = "HTTP/1.1"  # keep-alive, as browsers get from a real host; every reply has a length

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        url_path = urllib.parse.urlsplit(self.path).path
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not url_path.endswith("/"):
                self.redirect(url_path + "/")
                return
            target = target / "index.html"
        status = HTTPStatus.OK
        if not target.is_file():
            status, target = HTTPStatus.NOT_FOUND, Path(self.directory) / "404.html"
            if not target.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
        self.send_file(target, status, send_body)

    def send_file(self, target: Path, status: HTTPStatus, send_body: bool) -> None:
        stat = target.stat()
        gzipped = target.suffix.lower() in COMPRESSED_SUFFIXES and accepts_gzip(self.headers.get("Accept-Encoding"))
        body = compressed(target, stat.st_mtime_ns) if gzipped else target.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", content_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        if target.suffix.lower() in COMPRESSED_SUFFIXES:
            # caches must not hand a gzipped body to a client that did not ask for one, or the reverse
            self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        query = urllib.parse.urlsplit(self.path).query
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a page load is dozens of requests; the benchmark's output is its table, not an access log


def start(site: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1:`port` from a daemon thread; stop it with `.shutdown()` and `.server_close()`."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} has no index.html: build the site first")
    handler = functools.partial(PagesHandler, directory=str(site.resolve()))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True  # a browser's open keep-alive connection must not hold up shutdown
    threading.Thread(target=server.serve_forever, name=f"gzip-server-{port}", daemon=True).start()
    return server


@contextlib.contextmanager
def serving(site: Path, port: int = DEFAULT_PORT) -> Iterator[str]:
    """Serve `site` for the duration of a with block; yields the origin, e.g. `http://127.0.0.1:8765`."""
    server = start(site, port)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site folder (properdocs build -d SITE)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args()
    with serving(args.site, args.port) as origin:
        print(f"Serving {args.site} on {origin}/ (gzip, max-age=600); Ctrl-C stops", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

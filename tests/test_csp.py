"""The Content-Security-Policy every page carries (suanli.csp): the pure functions, the built pages,
and Chromium: no violation on any page kind, directly or after instant navigation, with the hostile
data; a script that slipped into content stays blocked; preview still reloads by itself."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import watched_page
from helpers import (
    FORMULA_SITE,
    HOSTILE,
    REPO,
    REVEAL_CHARTS,
    edit,
    fetch,
    follow,
    minimal_data,
    preview,
    wait_for,
)
from suanli.render import csp
from support import free_port

HEAD_SCRIPT = '__md_scope=new URL("../..",location)'
PALETTE_SCRIPT = 'var palette=__md_get("__palette");'
CONTENT_SCRIPT = "window.__pwned=1"

PAGE = f"""<!doctype html>
<html lang="zh"><head>
<meta charset="utf-8">
<script>{HEAD_SCRIPT}</script>
<script src="assets/javascripts/bundle.js"></script>
</head>
<body>
<script>{PALETTE_SCRIPT}</script>
<div class="md-content" data-md-component="content">
<article class="md-content__inner md-typeset">
<p>正文</p><script>{CONTENT_SCRIPT}</script></article><script>window.__pwned=2</script><p>still content</p>
</article>
</div>
<script>var target=document.getElementById(location.hash.slice(1))</script>
<script id="__config" type="application/json">{{"base": "../.."}}</script>
<script type="module">import "./x.js"</script>
</body></html>
"""


def policy_of(page: str) -> str | None:
    """The policy a page's meta carries, as an HTML parser reads it, or None."""
    meta = BeautifulSoup(page, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    return str(meta["content"]) if meta else None


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def script_src(policy: str) -> list[str]:
    directive = next(d for d in policy.split("; ") if d.startswith("script-src "))
    return directive.split(" ")[1:]


# --- the pure functions -----------------------------------------------------------------------


def test_only_the_themes_inline_scripts_are_hashed_not_the_contents():
    scripts = csp.theme_scripts(PAGE)
    assert scripts == [
        HEAD_SCRIPT,
        PALETTE_SCRIPT,
        "var target=document.getElementById(location.hash.slice(1))",
        'import "./x.js"',
    ]
    # neither the script in the article nor one after a stray </article> inside the content
    assert not any("__pwned" in s for s in scripts)
    policy = policy_of(csp.with_policy(PAGE))
    assert sha256_source(CONTENT_SCRIPT) not in policy and sha256_source("window.__pwned=2") not in policy


def test_json_and_external_scripts_need_no_hash():
    scripts = csp.theme_scripts(PAGE)
    assert not any('"base"' in s for s in scripts)  # Material's __config is data, never run
    assert len(script_src(policy_of(csp.with_policy(PAGE)))) == 1 + 4  # 'self' and the four above


def test_the_hash_is_sha256_of_the_scripts_utf8_text_as_the_browser_reads_it():
    assert csp.script_hash("var a=1") == sha256_source("var a=1")
    assert csp.script_hash("alert('算力')") == sha256_source("alert('算力')")
    assert csp.script_hash("a\r\nb\rc") == sha256_source("a\nb\nc")  # the parser's newline normalisation
    # a known value (also what Chromium's console suggests for this script)
    assert csp.script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_the_meta_is_the_first_element_of_head_and_comes_before_any_script():
    out = csp.with_policy(PAGE)
    head = BeautifulSoup(out, "html.parser").head
    first = head.find(True)
    assert first.name == "meta" and first["http-equiv"] == "Content-Security-Policy"
    assert out.index('http-equiv="Content-Security-Policy"') < out.index("<script")
    assert out.replace(csp.meta(policy_of(out)), "") == PAGE  # nothing else changed
    assert csp.with_policy("<p>no head</p>") == "<p>no head</p>"


def test_the_policy_allows_only_the_site_and_hashes_for_scripts_and_no_eval():
    policy = csp.policy([csp.script_hash("b"), csp.script_hash("a"), csp.script_hash("a")])
    sources = script_src(policy)
    assert sources[0] == "'self'" and sources[1:] == sorted({csp.script_hash("a"), csp.script_hash("b")})
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert "frame-ancestors" not in directives  # ignored in a <meta>, and an error in the console
    assert '"' not in policy and "<" not in policy


def test_allow_script_adds_one_hash_and_keeps_the_rest():
    page = csp.with_policy(PAGE)
    before = policy_of(page)
    after = policy_of(csp.allow_script(page, "livereload(1, 2);"))
    assert set(script_src(after)) == set(script_src(before)) | {sha256_source("livereload(1, 2);")}
    assert [d for d in after.split("; ") if not d.startswith("script-src")] == [
        d for d in before.split("; ") if not d.startswith("script-src")
    ]
    assert csp.allow_script("<html><head></head></html>", "x") == "<html><head></head></html>"


def test_vegas_interpreter_is_vendored_beside_vega_with_its_licence():
    vendor = REPO / "docs/assets/vendor"
    vega_version = re.search(r'version="(\d+)\.', (vendor / "vega.min.js").read_text(encoding="utf-8")).group(1)
    interpreter = (vendor / "vega-interpreter.min.js").read_text(encoding="utf-8")
    assert vega_version == "6" and interpreter.startswith("/*! vega-interpreter 2.")  # v2 goes with Vega 6
    assert "expressionInterpreter" in interpreter
    assert "Redistribution and use" in (vendor / "vega-interpreter.LICENSE.txt").read_text(encoding="utf-8")
    loader = (REPO / "docs/assets/javascripts/charts.js").read_text(encoding="utf-8")
    assert '["vega.min.js", "vega-interpreter.min.js"]' in loader  # charts.js loads both, in this order


def test_theme_scope_is_the_sites_path():
    assert csp.theme_scope("http://127.0.0.1:8000/") == "/"
    assert csp.theme_scope("https://example.github.io/suanli/") == "/suanli/"
    assert csp.theme_scope("") == "/"


# --- the built pages ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(built_site):
    """The hostile data folder built for, and served at, one local origin."""
    hostile = built_site("hostile")
    return hostile.origin, hostile.site


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_built_page_carries_the_policy_first_with_the_hashes_of_its_theme_scripts(hostile_site):
    _, site = hostile_site
    pages = html_pages(site)
    assert {"404.html", "latest/index.html", "index.html", "authoring/index.html"} <= {
        p.relative_to(site).as_posix() for p in pages
    }
    policies = set()
    for path in pages:
        text = path.read_text(encoding="utf-8")
        head = BeautifulSoup(text, "html.parser").head
        first = head.find(True)
        assert first.name == "meta" and first.get("http-equiv") == "Content-Security-Policy", path
        policy = first["content"]
        assert len(head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})) == 1, path
        # the hashes are exactly those of the theme's inline scripts on this page, and those scripts
        # are Material's (outside the article), never from the content
        hashes = {csp.script_hash(s) for s in csp.theme_scripts(text)}
        assert set(script_src(policy)) == {"'self'"} | hashes, path
        assert len(hashes) >= 3, path  # __md_scope, the palette, the content's tab script
        assert text.encode("utf-8").index(b"<meta charset") < 1024, path  # the charset stays in the first 1 KiB
        policies.add(policy)
    # one policy on every page, whatever its depth: instant navigation keeps the <meta> it already has
    assert len(policies) == 1, policies


# --- Chromium ---------------------------------------------------------------------------------------

KINDS = {
    "home": "",
    "issue": "issues/2024-12-11/",
    "archive": "issues/",
    "latest redirect": "latest/",
    "company index": "companies/",
    "company": "companies/nvda-o/",
    "sector index": "sectors/",
    "sector": "sectors/cpu-gpu/",
    "legal": "legal/analyst/",
    "authoring": "authoring/",
}


def csp_problems(page) -> list[str]:
    page.evaluate("1")  # a round trip: violations reported before it have reached page.problems
    return [p for p in page.problems if p.startswith("csp")]


def wait_for_charts(page) -> None:
    page.wait_for_function(
        "() => {"
        + REVEAL_CHARTS
        + "return [...document.querySelectorAll('.suanli-chart')].every(c => c.dataset.rendered); }",
        timeout=15000,
    )
    assert page.locator(".suanli-chart[data-rendered=error]").count() == 0
    assert page.locator(".suanli-chart[data-rendered=true]").count() == page.locator(".suanli-chart").count()


def hostile_sector(site: Path) -> str:
    return next(
        p.parent.relative_to(site).as_posix() + "/"
        for p in (site / "sectors").glob("*/index.html")
        if "pwned" in p.parent.name
    )


def test_no_violation_on_a_direct_load_of_any_page_kind(browser, hostile_site):
    origin, site = hostile_site
    with watched_page(browser, origin) as page:
        for name, path in {**KINDS, "hostile sector": hostile_sector(site), "not found": "404.html"}.items():
            page.goto(origin + path)
            page.wait_for_load_state("load")
            if name == "latest redirect":
                page.wait_for_url(origin + KINDS["issue"])
            wait_for_charts(page)
            assert page.evaluate("window.__pwned") is None, name
            assert csp_problems(page) == [], name
        # the palette switch and search work under the policy
        page.goto(origin + KINDS["issue"])
        wait_for_charts(page)
        page.click("label[for='__palette_1']")
        page.wait_for_function("[...document.querySelectorAll('.suanli-chart')].every(c => c.dataset.theme === 'dark')")
        page.click("input.md-search__input")
        page.fill("input.md-search__input", "英伟达")
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item a", timeout=10000)
        assert csp_problems(page) == []


def test_charts_read_their_csv_without_eval_exactly_as_written(browser, hostile_site):
    """charts.js parses the CSV itself (Vega's reader needs eval): quoted fields with commas, doubled
    quotes and markup come out as the same text Python's csv module reads, in the chart's data table."""
    origin, site = hostile_site
    rows = list(csv.DictReader(io.StringIO((site / "issues/2024-12-11/exhibit-2.csv").read_text(encoding="utf-8"))))
    with watched_page(browser, origin) as page:
        page.goto(origin + KINDS["issue"])
        wait_for_charts(page)
        table = page.locator("figure:has(.suanli-chart[data-kind=traffic]) .suanli-table table")
        heads = table.locator("thead th").all_text_contents()
        cells = table.locator("tbody tr").first.locator("th, td").all_text_contents()
        # one week, two sites: the one a spreadsheet would run, guarded in the file, shown as written
        assert [r["site"] for r in rows] == ["'" + FORMULA_SITE, rows[1]["site"]] and HOSTILE in rows[1]["site"]
        assert heads == ["周起", "周止", FORMULA_SITE, rows[1]["site"]]
        assert cells == [rows[0]["week_start"], rows[0]["week_end"], *(f"{int(r['visits']):,}" for r in rows)]
        assert page.evaluate("window.__pwned") is None
        assert csp_problems(page) == []


def test_no_violation_after_instant_navigation_between_every_page_kind(browser, hostile_site):
    """From page to page at every depth (Material re-creates the content's scripts and merges <head>)."""
    origin, site = hostile_site
    route = [
        "issue",
        "archive",
        "company",
        "company index",
        "sector",
        "sector index",
        "legal",
        "authoring",
        "home",
        "hostile sector",
        "issue",
        "latest redirect",
    ]
    paths = {**KINDS, "hostile sector": hostile_sector(site)}
    with watched_page(browser, origin) as page:
        page.goto(origin)
        page.wait_for_load_state("load")
        page.evaluate("window.__sameDocument = true")
        for name in route:
            follow(page, origin + paths[name], origin + (KINDS["issue"] if name == "latest redirect" else paths[name]))
            page.wait_for_load_state("load")
            wait_for_charts(page)
            if name != "latest redirect":  # the redirect page's refresh is a real navigation
                assert page.evaluate("window.__sameDocument") is True, name
                # Material kept the one policy: no second (stacked) policy was added to <head>
                assert page.locator("meta[http-equiv=Content-Security-Policy]").count() == 1, name
            assert page.evaluate("window.__pwned") is None, name
            assert csp_problems(page) == [], name


def test_a_script_that_slipped_into_content_is_blocked(browser, hostile_site):
    """Were the sanitizer ever to let a script through, the policy (computed from that very page) blocks
    it, and only it: the theme's scripts and the charts still run."""
    origin, site = hostile_site
    built = (site / "issues/2024-12-11/index.html").read_text(encoding="utf-8")
    raw = built.replace(csp.meta(policy_of(built)), "")
    article = re.search(r'<article class="md-content__inner[^>]*>', raw)
    smuggled = "<script>window.__pwned=1</script><p>x</p></article><script>window.__pwned=2</script>"
    slipped = raw[: article.end()] + smuggled + raw[article.end() :]
    target = site / "issues/2024-12-11/slipped.html"  # beside the page: its relative URLs still resolve
    target.write_text(csp.with_policy(slipped), encoding="utf-8")
    try:
        with watched_page(browser, origin) as page:
            page.goto(origin + "issues/2024-12-11/slipped.html")
            page.wait_for_load_state("load")
            wait_for_charts(page)
            assert page.evaluate("window.__pwned") is None
            assert page.evaluate("typeof __md_get") == "function"  # the theme's own inline script ran
            blocked = [p for p in csp_problems(page) if p.startswith("csp violation: script-src-elem | inline")]
            assert len(blocked) == 2, page.problems
    finally:
        target.unlink()


# --- preview -------------------------------------------------------------------------------------------


def test_preview_reloads_the_page_after_a_save_under_the_policy(browser, tmp_path):
    """`suanli serve` injects its reload script into each page it serves; the page's policy lists that
    script's hash, so it runs (and nothing else inline does), and a save reloads the open page."""
    data = minimal_data(tmp_path / "data")
    port = free_port()
    origin = f"http://127.0.0.1:{port}/"
    with preview(data, port, tmp_path / "serve.log"):
        served = wait_for(lambda: (text := fetch(origin + "issues/2024-12-11/")) and "33,079" in text and text)
        injected = served[served.rindex("<script>") + len("<script>") : served.rindex("</script>")]
        assert "livereload(" in injected
        assert csp.script_hash(injected) in script_src(policy_of(served))
        with watched_page(browser, origin) as page:
            page.goto(origin + "issues/2024-12-11/")
            wait_for_charts(page)
            page.wait_for_function("typeof window.livereload === 'function'")  # the injected script ran
            page.evaluate("window.__notReloaded = true")
            edit(data / "issues/2024-12-11/stocks.csv", '"33,079"', '"34,000"')
            page.wait_for_function(
                "!window.__notReloaded && document.body && document.body.innerText.includes('34,000')", timeout=90000
            )
            wait_for_charts(page)
            # and instant navigation under preview (each served page lists its own injected script)
            page.evaluate("window.__sameDocument = true")
            follow(page, origin + "companies/nvda-o/")
            wait_for_charts(page)
            assert page.evaluate("window.__sameDocument") is True
            assert csp_problems(page) == []
            assert page.problems == []
    assert "Traceback" not in (tmp_path / "serve.log").read_text()

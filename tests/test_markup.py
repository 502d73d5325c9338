"""Authors' Markdown: a link or image target survives only if the browser reads it as http(s), mailto
or relative, however it is encoded; nh3 cleans the HTML against an allowlist as the last step.

The checks parse the HTML as a browser does (lxml decodes character references) and then read the
scheme as the browser's URL parser does (`browser_scheme`), independently of `suanli.markup`."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from bs4 import BeautifulSoup

from helpers import SAFE_URLS, SCRIPT_LINKS_BODY, SCRIPT_URLS, link_forms
from suanli.render import markup
from suanli.render.markup import author_markdown, safe_url

ALLOWED_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite")


def browser_scheme(url: str) -> str | None:
    """The scheme of an attribute value (already entity-decoded by the HTML parser), as the WHATWG URL
    parser reads it: leading and trailing C0 controls and spaces stripped, tab, LF and CR removed
    anywhere, case ignored; None for a relative URL."""
    url = re.sub("[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return scheme.group(1).lower() if scheme else None


def unsafe_targets(document: str | BeautifulSoup) -> list[str]:
    """Every URL attribute in the HTML whose scheme is neither http(s), mailto nor absent."""
    soup = document if isinstance(document, BeautifulSoup) else BeautifulSoup(document, "lxml")
    return [
        f"<{el.name} {name}={el[name]!r}>"
        for el in soup.find_all(True)
        for name in URL_ATTRIBUTES
        if el.has_attr(name) and browser_scheme(el[name]) not in (None, *ALLOWED_SCHEMES)
    ]


def plain_markdown(text: str) -> str:
    """The author renderer without either guard (raw HTML still off): what an unguarded site would serve."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


IDS = [repr(url)[1:-1][:40] for url in SCRIPT_URLS]


@pytest.mark.parametrize("url", SCRIPT_URLS, ids=IDS)
def test_the_check_catches_each_target_as_a_browser_reads_it(url):
    # written raw into an attribute, every corpus target runs script: the checks below can fail
    assert unsafe_targets(f'<a href="{url}">x</a><img src="{url}">') != []


def test_unguarded_markdown_would_serve_script_targets():
    assert len(unsafe_targets(plain_markdown(SCRIPT_LINKS_BODY))) > len(SCRIPT_URLS)


@pytest.mark.parametrize("url", SCRIPT_URLS, ids=IDS)
def test_safe_url_refuses_every_encoding(url):
    assert not safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        *SAFE_URLS,
        "HTTPS://EXAMPLE.COM/a?b=1&amp;c=2",
        " https://example.com/",
        "&#104;ttps://example.com/",
        "/abs/path",
        "rel/path.html",
        "?q=1",
        "//example.com/",
        "",
        "100%",
        "a/b:c",
        "%6Aavascript:x",
    ],
)
def test_safe_url_keeps_http_mailto_and_relative(url):
    assert safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        *SCRIPT_URLS,
        *SAFE_URLS,
        "&amp;#106;avascript:x",
        "&#38;#106;avascript:x",
        "https://example.com/?a=1&amp;b=2",
        "a&lt;b",
        "&#1;javascript:x",
    ],
)
def test_the_tree_processor_and_nh3_judge_alike(url):
    # the tree processor judges the value as Markdown writes it, nh3's filter the value decoded
    assert safe_url(url) == safe_url(html.unescape(url))


def test_safe_url_refuses_a_double_encoded_scheme():
    # a browser would read "&#106;avascript:" (relative) here; refusing it keeps the renderer's
    # check and nh3's filter (which sees decoded values) in agreement
    assert not safe_url("&amp;#106;avascript:x")
    assert not safe_url("java&amp;Tab;script:x")
    # and so is a control inside the scheme, which a browser would leave there (author_markdown removes it)
    assert not safe_url("java\x01script:x") and not safe_url("java&#1;script:x")


def test_no_control_character_xml_cannot_carry_comes_out():
    out = author_markdown("a \x01 &#1; &#x1F; &#0; [x](java&#1;script:1)\tb\r\nc")
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", out) is None
    assert out == "<p>a    \ufffd x  b\nc</p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("see [**bad** link](javascript:alert(1)) here", "<p>see <strong>bad</strong> link here</p>"),
        ("[a](javascript:1)[b](javascript:2) c", "<p>ab c</p>"),
        ("x ![the chart](javascript:1) y", "<p>x the chart y</p>"),
        ("- [*one*](vbscript:x) and [two](https://example.com/)", None),
    ],
)
def test_a_rejected_link_becomes_its_text(source, expected):
    # an <a> without href (or <img> without src) is invalid HTML and still looks like a link
    out = author_markdown(source)
    soup = BeautifulSoup(out, "lxml")
    assert all(a.get("href") for a in soup.find_all("a")) and all(i.get("src") for i in soup.find_all("img"))
    if expected is not None:
        assert out == expected
    else:
        assert soup.get_text().strip() == "one and two" and [a["href"] for a in soup.find_all("a")] == [
            "https://example.com/"
        ]
        assert soup.find("em").get_text() == "one"


@pytest.mark.parametrize("url", SCRIPT_URLS, ids=IDS)
def test_author_markdown_drops_every_encoded_script_target(url):
    out = author_markdown(link_forms(url))
    assert unsafe_targets(out) == []
    assert "内联0" in BeautifulSoup(out, "lxml").get_text()  # the link text stays


@pytest.mark.parametrize("url", SCRIPT_URLS, ids=IDS)
def test_nh3_alone_drops_them_too(url, monkeypatch):
    # the sanitiser without the tree processor ...
    renderer = markup._author_renderer()
    renderer.treeprocessors.deregister("suanli_safe_links")
    monkeypatch.setattr(markup, "_RENDERER", renderer)
    assert unsafe_targets(author_markdown(link_forms(url))) == []
    # ... and nh3's own URL check, without our filter, on what unguarded Markdown writes
    assert unsafe_targets(markup._cleaner(None).clean(plain_markdown(link_forms(url)))) == []


def test_author_markdown_keeps_safe_targets():
    soup = BeautifulSoup(
        author_markdown("\n\n".join(link_forms(url, n, images=False) for n, url in enumerate(SAFE_URLS))), "lxml"
    )
    hrefs = [a.get("href") for a in soup.select("a")]
    for url in SAFE_URLS:
        assert hrefs.count(url) >= 3, url
    assert {a.get("rel") and " ".join(a["rel"]) for a in soup.select("a")} == {"noopener noreferrer"}


def test_markdown_formatting_survives_the_allowlist():
    text = (
        "# 标题\n\n## 小标题\n\n*斜体* **粗体** `代码 <b>`  \n换行\n\n3. 三\n4. 四\n\n- 甲\n- 乙\n\n> 引用\n\n"
        '    缩进代码 & <x>\n\n***\n\n[链接](https://example.com/?a=1&b=2 "标题") ![图](img/a.png "说明") '
        "<analyst@example.com> &#60;script&#62;"
    )
    assert author_markdown(text) == (
        "<h1>标题</h1>\n<h2>小标题</h2>\n"
        "<p><em>斜体</em> <strong>粗体</strong> <code>代码 &lt;b&gt;</code><br>\n换行</p>\n"
        '<ol start="3">\n<li>三</li>\n<li>四</li>\n</ol>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n'
        "<blockquote>\n<p>引用</p>\n</blockquote>\n<pre><code>缩进代码 &amp; &lt;x&gt;\n</code></pre>\n<hr>\n"
        '<p><a href="https://example.com/?a=1&amp;b=2" title="标题" rel="noopener noreferrer">链接</a> '
        '<img alt="图" src="img/a.png" title="说明"> '
        '<a href="mailto:analyst@example.com" rel="noopener noreferrer">analyst@example.com</a> &lt;script&gt;</p>'
    )


def test_the_sanitiser_is_the_last_step(monkeypatch):
    class Leaky:  # a renderer that lets everything through
        def reset(self):
            pass

        def convert(self, text):
            return text

    monkeypatch.setattr(markup, "_RENDERER", Leaky())
    out = author_markdown(
        '<script>window.__pwned=1</script><style>p{}</style><p class="x" onclick="x" lang="en">'
        '<a href="&#106;avascript:x" target="_blank" rel="opener">a</a><img src=x onerror=x>'
        '<iframe src="/"></iframe><svg><a xlink:href="javascript:x">s</a></svg><!-- c --></p>'
    )
    assert out == '<p><a rel="noopener noreferrer">a</a><img src="x"></p>'  # svg goes whole


def test_only_allowed_tags_and_attributes_come_out():
    soup = BeautifulSoup(author_markdown(SCRIPT_LINKS_BODY + "\n\n<script>x</script> <b onclick=x>b</b>"), "lxml")
    for el in soup.body.find_all(True):
        assert el.name in markup.ALLOWED_TAGS
        assert set(el.attrs) <= markup.ALLOWED_ATTRIBUTES.get(el.name, set()) | ({"rel"} if el.name == "a" else set())

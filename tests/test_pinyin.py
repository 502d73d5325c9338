"""Pinyin search, as stock apps do it: full pinyin and initials (yingweida, ywd) find the company, in the
site search (its page first) and in the company index filter; every reading of a polyphonic character
counts, up to a cap; companies.yaml's `pinyin` adds a reading, validated like every other field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import watched_page
from helpers import REAL_DATA, edit, first_search_result_is, minimal_data
from suanli.contract import Company
from suanli.derive.pinyin import READINGS_CAP, _choices, company_forms, label_forms
from suanli.errors import DataErrors
from suanli.load.dataset import load_dataset, load_registry
from suanli.render.company_pages import search_terms

# The examples (and 长电科技, which pypinyin reads as zhangdian), on the frozen real issue.
EXAMPLES = {
    "yingweida": "NVDA.O",
    "ywd": "NVDA.O",
    "hgxx": "688041.SH",
    "hwj": "688256.SH",
    "gyfl": "601138.SH",
    "hdgf": "002463.SZ",
    "cdkj": "600584.SH",
    "changdiankeji": "600584.SH",
}


def company(name: str, aliases: tuple[str, ...] = (), pinyin: str | None = None) -> Company:
    return Company(ticker="TEST.O", name=name, sector="CPU/GPU", aliases=aliases, pinyin=pinyin)


# --- the forms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("英伟达", {"yingweida", "ywd"}),
        ("海光信息", {"haiguangxinxi", "hgxx"}),
        ("寒武纪", {"hanwuji", "hwj"}),
        ("工业富联", {"gongyefulian", "gyfl"}),
        ("沪电股份", {"hudiangufen", "hdgf"}),
        ("长电科技", {"changdiankeji", "cdkj", "zhangdiankeji", "zdkj"}),  # every reading of 长
        ("美国银行", {"meiguoyinhang", "mgyh"}),  # pypinyin's phrase reading of 银行 counts
        ("SK海力士", {"skhailishi", "skhls"}),  # letters stay, lowercased, in both forms
        ("A·股 2号", {"agu2hao", "ag2h"}),  # digits stay; spaces and punctuation go
    ],
)
def test_full_pinyin_and_initials_of_a_name(name, forms):
    assert forms <= set(label_forms(name))
    assert all(f.isascii() and f.isalnum() and f == f.lower() for f in label_forms(name))


def test_the_most_common_reading_comes_first():
    assert label_forms("英伟达")[:2] == ("yingweida", "ywd")
    assert label_forms("长电科技")[:2] == ("zhangdiankeji", "zdkj")  # pypinyin's; cdkj follows


def test_a_company_has_the_forms_of_its_name_and_chinese_aliases_only():
    forms = company_forms(company("长电科技", aliases=("长电", "JCET")))
    assert {"cdkj", "changdian", "cd"} <= set(forms)
    assert "jcet" not in forms  # an alias without Chinese is searched as it is already
    assert company_forms(company("AMD", aliases=("超威半导体",))) == label_forms("超威半导体")
    assert company_forms(company("Alphabet")) == ()
    assert len(forms) == len(set(forms))


def test_the_readings_of_a_label_are_capped():
    # 台湾积体电路: 3 × 2 × 3 × 2 readings of 台, 积, 体, 路 = 36 combinations, READINGS_CAP kept
    forms = label_forms("台湾积体电路")
    full = [f for f in forms if len(f) > 6]
    assert len(full) == READINGS_CAP == 16
    assert full[0] == "taiwanjitidianlu" and forms[1] == "twjtdl"
    # every reading of one character otherwise comes before any of two
    assert {"taiwanzhitidianlu", "yiwanjitidianlu", "siwanjitidianlu", "taiwanjitidianluo"} <= set(full)
    # picks come fewest departures first, and stop at the cap however many there are
    picks = list(_choices([3] * 12, READINGS_CAP))
    assert len(picks) == READINGS_CAP and picks[0] == (0,) * 12
    assert [sum(p) for p in picks] == sorted(sum(p) for p in picks)
    assert len(label_forms("长长长长长长长长长长长长")) <= 2 * READINGS_CAP


def test_a_given_pinyin_adds_a_reading_and_keeps_the_computed_ones():
    forms = company_forms(company("乐鑫科技", pinyin="le xin ke ji"))
    assert forms[:2] == ("lexinkeji", "lxkj")
    assert set(label_forms("乐鑫科技")) <= set(forms)
    assert company_forms(company("SK海力士", pinyin="hai li shi"))[:2] == ("skhailishi", "skhls")


def test_the_index_filter_terms_hold_the_forms():
    registry = load_registry(REAL_DATA)
    for query, ticker in EXAMPLES.items():
        assert query in search_terms(registry.by_ticker[ticker]).split(), query
    assert "ywd" not in search_terms(registry.by_ticker["INTC.O"])


# --- validation of `pinyin:` --------------------------------------------------------------------------

HANWUJI = "ticker: 688256.SH\n  name: 寒武纪\n"
PINYIN_CASES = {
    "too few syllables": (
        "han wu",
        [
            'data/companies.yaml:8: [2].pinyin: found "han wu" (2 syllables), expected 3 syllables, '
            'one per Chinese character of the name "寒武纪" [bad-pinyin]'
        ],
    ),
    "tones and capitals": (
        "Hán wǔ jì",
        [
            'data/companies.yaml:8: [2].pinyin: found "Hán wǔ jì", expected the pinyin of the name: one syllable '
            "per Chinese character, lowercase letters (ü as v) separated by spaces, "
            'like "chang dian ke ji" [bad-pinyin]'
        ],
    ),
    "run together": (
        "hanwuji",
        [
            'data/companies.yaml:8: [2].pinyin: found "hanwuji" (1 syllable), expected 3 syllables, '
            'one per Chinese character of the name "寒武纪" [bad-pinyin]'
        ],
    ),
    "not text": (
        "[han, wu, ji]",
        [
            "data/companies.yaml:8: [2].pinyin: found a list, expected the pinyin of the name: one syllable per "
            "Chinese character, lowercase letters (ü as v) separated by spaces, "
            'like "chang dian ke ji" (put it in quotes if it is text) [wrong-type]'
        ],
    ),
}


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return minimal_data(Path("data"))


@pytest.mark.parametrize("case", PINYIN_CASES, ids=list(PINYIN_CASES))
def test_a_wrong_pinyin_is_reported_where_it_is(data, case):
    value, expected = PINYIN_CASES[case]
    edit(data / "companies.yaml", HANWUJI, f"{HANWUJI}  pinyin: {value}\n")
    with pytest.raises(DataErrors) as raised:
        load_dataset(data)
    assert [str(e) for e in raised.value.errors] == expected


def test_a_pinyin_for_a_name_without_chinese_is_reported(data):
    edit(data / "companies.yaml", "name: 美光\n", "name: Micron\n  pinyin: mei guang\n")
    with pytest.raises(DataErrors) as raised:
        load_dataset(data)
    assert [str(e) for e in raised.value.errors] == [
        'data/companies.yaml:11: [3].pinyin: found "mei guang", '
        'expected no pinyin: the name "Micron" has no Chinese characters [bad-pinyin]'
    ]


def test_a_right_pinyin_loads(data):
    edit(data / "companies.yaml", HANWUJI, f"{HANWUJI}  pinyin: han wu ji\n")
    assert load_dataset(data).registry.by_ticker["688256.SH"].pinyin == "han wu ji"


# --- the built site, in Chromium ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_real(built_site):
    """The frozen real issue built for, and served at, one local origin."""
    real = built_site("real")
    return real.origin, real.site


def slug(ticker: str) -> str:
    return ticker.lower().replace(".", "-")


def company_entries(index: dict) -> dict[str, list[dict]]:
    """The search entries of each company page (by its location), its first section's first."""
    pages: dict[str, list[dict]] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#", 1)[0]
        if re.fullmatch(r"companies/[^/]+/", page):
            pages.setdefault(page, []).append(doc)
    return pages


def tokens(html: str, separator: str) -> set[str]:
    return {t.lower() for t in re.split(separator, re.sub(r"<[^>]+>", " ", html)) if t}


def test_the_forms_are_a_search_field_of_the_company_page_never_its_title_or_text(served_real):
    _, site = served_real
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert "pinyin" in index["config"]["fields"]  # what Material's worker indexes besides title and text
    pages = company_entries(index)
    for query, ticker in EXAMPLES.items():
        first = pages[f"companies/{slug(ticker)}/"][0]
        assert first["location"] == f"companies/{slug(ticker)}/" and query in first["pinyin"].split(), query
    with_field = [doc["location"] for doc in index["docs"] if "pinyin" in doc]
    assert with_field == [entries[0]["location"] for entries in pages.values() if "pinyin" in entries[0]]
    assert len(with_field) >= len(set(EXAMPLES.values()))
    separator = index["config"]["separator"]
    for entries in pages.values():  # not segmented by jieba, and the separator cuts only between forms
        if "pinyin" in entries[0]:
            assert re.split(separator, entries[0]["pinyin"]) == entries[0]["pinyin"].split(" ")
    for location, entries in pages.items():
        # what readers type (the examples) and the name's own two forms (full, initials): never shown
        never_shown = set(EXAMPLES) | set(entries[0].get("pinyin", "").split()[:2])
        for doc in entries:
            assert not never_shown & (tokens(doc["title"], separator) | tokens(doc["text"], separator)), location
    page = (site / "companies/nvda-o/index.html").read_text(encoding="utf-8")
    assert "yingweida" not in page and "ywd" not in page  # nor anywhere in the page


SEARCHES = {
    **{query: f"companies/{slug(ticker)}/" for query, ticker in EXAMPLES.items()},
    # a Chinese query still finds the company page first, above the issue that names it
    "英伟达": "companies/nvda-o/",
    "长电科技": "companies/600584-sh/",
    "海光信息": "companies/688041-sh/",
}


def test_site_search_finds_the_company_page_first_by_pinyin(browser, served_real):
    origin, _ = served_real
    with watched_page(browser, origin) as page:
        page.goto(f"{origin}companies/600584-sh/")
        for query, target in SEARCHES.items():
            first_search_result_is(page, origin, query, target)
        page.goto(f"{origin}companies/")
        page.wait_for_selector(".suanli-filter:not([hidden])")
        text = page.locator(".suanli-filter-text")
        for query, tickers in {"ywd": ["NVDA.O"], "cdkj": ["600584.SH"], "hgxx": ["688041.SH"]}.items():
            text.fill(query)
            shown = page.eval_on_selector_all(
                "#company-index tbody tr:not([hidden]) td.ticker", "tds => tds.map(t => t.textContent)"
            )
            assert shown == tickers, query
        assert page.problems == []


def test_a_pinyin_search_shows_the_company_never_the_pinyin(browser, served_real):
    """The forms find the page, and its result shows the page's title and text: not one form (an
    independent list of 英伟达's, not derive/pinyin's), though the reader typed one. (The results below it,
    the company index and the authoring guide, quote `ywd` in their prose as the example to type.)"""
    origin, _ = served_real
    never_shown = ["yingweida", "ywd", "yingweiti", "yangweida", "huida"]  # 英伟达, and its alias 辉达
    with watched_page(browser, origin) as page:
        page.goto(f"{origin}companies/")
        first_search_result_is(page, origin, "ywd", "companies/nvda-o/")
        company = page.locator(".md-search-result__item").first
        shown = company.inner_text()
        assert "英伟达" in shown and "NVIDIA" in shown
        assert [form for form in never_shown if form in shown.lower()] == [], company.inner_html()
        assert page.problems == []


# --- the search index's Chinese segmentation ------------------------------------------------------------


def test_the_search_index_cuts_chinese_as_material_does_once_per_distinct_run(demo_data):
    """site/mkdocs_internals.py, 9: the index's segmentation, memoized, against Material's own method on
    every line of the demo data (titles, prose, names, numbers, Latin) and a few edges."""
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.config import load_config

    from helpers import REPO
    from suanli.site import mkdocs_internals as mi

    config = load_config(str(REPO / "mkdocs.yml"))
    search = config.plugins["material/search"]
    search.search_index = SearchIndex(**search.config)
    materials = search.search_index._segment_chinese  # bound before it is replaced
    cuts: dict[str, str] = {}
    mi.segment_chinese_once(config, cuts)
    ours = search.search_index._segment_chinese
    assert ours != materials
    lines = [line for path in sorted(demo_data.rglob("*.y*ml")) for line in path.read_text("utf-8").splitlines()]
    lines += ["", "英伟达", "NVIDIA 英伟达（NVDA.O）本周 +5.17%", "\u200b算力\u200b", "算力、算力。算力"]
    assert len(lines) > 500
    for line in lines + lines:  # the second time from the memo
        assert ours(line) == materials(line), line
    assert cuts and all(run and not run.isascii() for run in cuts)
    assert cuts["英伟达"] == "\u200b".join(jieba_cut("英伟达"))


def jieba_cut(text: str) -> list[str]:
    import jieba

    return list(jieba.cut(text.encode("utf-8")))

"""Every HTML template, rendered with the hostile strings in every place a data string can land: the
strings come out as text, never as markup, and no attribute can be broken out of."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from helpers import HOSTILE
from suanli.contract import Company, Revision, StockRow, Table
from suanli.qa.findings import Finding
from suanli.render import html

H = HOSTILE
TEMPLATES = Path(html.__file__).parent / "templates"
ONE = Decimal("-5.17")
DAY = dt.date(2024, 12, 11)
COMPANY = Company(ticker="NVDA.O", name=H, sector=H, name_en=H, aliases=(H,))
ROW = StockRow("NVDA.O", Decimal("33079"), "USD", ONE, ONE, ONE)

# A context for each template, a hostile string wherever the pages put a data string.
CONTEXTS = {
    "table_exhibit.html": {
        "label": H,
        "table": Table((H, H), ((H, H), (H, H))),
        "table_id": "t",
        "caption_lines": [H, H],
    },
    "chart_figure.html": {
        "charts": [("stocks", H), ("traffic", H)],
        "csv": H,
        "download": H,
        "table_id": "t",
        "table": H,  # a plain string, not a fragment: escaped like any data string
        "collapse_table": True,
        "caption_lines": [H],
    },
    "series_table.html": {"kind": H, "csv": H},
    "share_card.html": {"href": H, "download": H},
    "stock_table.html": {
        "groups": [(H, [(H, H, H, ((H, H),) * 3, H, H)] * 2), (H, [(H, H, H, ((H, H),) * 3, H, H)])],
        "table_id": "t",
    },
    "history_table.html": {"rows": [{"slug": H, "href": H, "market_cap": ONE, "unit": H, "returns": (ONE,) * 3}]},
    "medians_table.html": {"rows": [{"date": H, "href": H, "companies": 3, "median": ONE}]},
    "company_filter.html": {"sectors": [H, H]},
    "qa_banner.html": {
        "findings": [
            (Finding(H, "error", H, 3, H, H, (("issue", H),), H, H), H),
            (Finding(H, "warning", H, None, H, H, (), None, None), None),
        ],
        "more": 1,
        "errors": 1,
        "total": 3,
        "stale": [H],
    },
    "track_intro.html": {},
    "track_no_prices.html": {"guide": H},
    "track_summary.html": {
        "latest": H,
        "periods": 2,
        "scored": 1,
        "first": H,
        "portfolio": ONE,
        "benchmark": ONE,
        "excess": ONE,
        "wins": 1,
        "priced": 2,
        "win_rate": ONE,
    },
    "track_cumulative_table.html": {"rows": [{"date": H, "portfolio": ONE, "benchmark": ONE, "excess": ONE}]},
    "track_periods.html": {
        "rows": [
            {
                "slug": H,
                "href": H,
                "end": H,
                "open": open_,
                "pending": pending,
                "members": 2,
                "priced": 1,
                "ret": value,
                "benchmark": value,
                "excess": value,
                "wins": 1,
                "win_rate": value,
                "missing": [(H, H, H)],
            }
            for open_, pending, value in ((True, True, None), (False, False, ONE))
        ]
    },
    "track_segments.html": {
        "rows": [
            {
                "segment": H,
                "periods": 2,
                "scored": 1,
                "portfolio": value,
                "benchmark": value,
                "excess": value,
                "wins": 1,
                "priced": 2,
                "win_rate": value,
            }
            for value in (None, ONE)
        ]
    },
    "track_filter.html": {"segments": [H, H], "total": 2},
    "track_calls.html": {"rows": [(H, H, H, H, ((H, H, H),) * 3, H, H, H, H, H, H)]},
    "track_method.html": {"benchmarks": [(H, H, (H, H))]},
    "spells_table.html": {
        "rows": [
            {
                "first": H,
                "first_href": H,
                "end": H,
                "pending": open_,
                "segments": (H,),
                "benchmark": H,
                "ret": value,
                "benchmark_ret": value,
                "excess": value,
            }
            for open_, value in ((True, None), (False, ONE))
        ],
        "track_href": H,
    },
    "company_index.html": {
        "rows": [
            {"company": COMPANY, "href": H, "search": H, "latest": ROW, "unit": H, "issues": 1},
            {"company": COMPANY, "href": H, "search": H, "latest": None, "unit": "", "issues": 0},
        ],
    },
    "prose.html": {"body": H},  # a plain string: only the sanitizer's output passes as HTML
    "issue_meta.html": {
        "issue": SimpleNamespace(
            slug=H,
            date=DAY,
            period_start=DAY,
            period_end=DAY,
            industry=H,
            rating=H,
            rating_change=H,
            authors=[
                SimpleNamespace(role=H, name=H, license=H, email=H),
                SimpleNamespace(role=None, name=H, license=None, email=H),
            ],
        ),
        "series": H,
        "ratings_href": H,
    },
    "recommendations.html": {"segments": [(H, [{"name": H, "ticker": H, "href": H}] * 2)] * 2},
    "risks.html": {"risks": [H, H]},
    "link_list.html": {"items": [(H, H, H, H), (None, H, H, "")]},
    "company_meta.html": {"company": COMPANY, "sector_href": H, "feed_href": H},
    "related.html": {"related": [SimpleNamespace(title=H, date=DAY), SimpleNamespace(title=H, date=None)]},
    "revisions.html": {"revisions": [Revision(DAY, H)]},
    "issue_footer.html": {
        "older": {"slug": H, "title": H, "href": H},
        "newer": {"slug": H, "title": H, "href": H},
        "archive_href": H,
        "legal": [(H, H), (H, H)],
    },
    "download_file.html": {"href": H, "name": H, "heads": [H, H], "rows": [(H, H, H)]},
    "company_feed_entry.html": {
        "company": COMPANY,
        "row": ROW,
        "unit": H,
        "segments": [H, H],
        "mentioned": True,
        "revisions": [Revision(DAY, H)],
    },
    "sector_grid.html": {"columns": [(H, H)] * 2, "rows": [(H, H, [ONE, None])], "label": H},
    "week_changes.html": {
        "previous": (H, H),
        "tables_compared": True,
        "rises": [(H, H, H, H)] * 2,
        "falls": [(H, H, H, H)],
        "joined": [(H, H)],
        "dropped": [(H, H)],
        "segments": [(H, [(H, H)], [(H, H)])],
        "ranks": [(H, [(H, H, H, 2, 3, 1), (H, H, H, -1, 1, 2)])],
    },
    "feed_description.html": {
        "changes": H,
        "highlights": [{"heading": H, "body": H}, {"heading": H, "body": None}],
        "revisions": [Revision(dt.date(2024, 12, 12), H)],
    },
}


def test_every_template_has_a_hostile_context():
    templates = {p.name for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")}
    assert templates == set(CONTEXTS)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_hostile_strings_stay_text(name):
    out = str(html.fragment(name, **CONTEXTS[name]))
    soup = BeautifulSoup(out, "lxml")
    # nothing the strings hold became an element or an attribute
    assert not soup.find_all(["script", "img"]), out
    for element in soup.find_all(True):
        assert not [a for a in element.attrs if a.startswith("on") or a in ("src", "x", "'`{{")], element
    if not CONTEXTS[name]:
        return  # no data in it (track_intro.html): fixed text only
    # and each string is there, whole, as text or as an attribute value
    text = soup.get_text()
    values = [v for element in soup.find_all(True) for v in element.attrs.values() if isinstance(v, str)]
    assert H in text or H in values, out
    assert "{{ x }}" in out.replace("&#34;", '"').replace("&#39;", "'") or "{{ x }}" in text  # not evaluated


def test_a_missing_name_is_an_error_not_an_empty_string():
    context = dict(CONTEXTS["series_table.html"])
    del context["csv"]
    with pytest.raises(Exception, match="csv"):
        html.fragment("series_table.html", **context)

"""The whole generated part of the site: a loaded dataset in; every page and data file out.

It renders every page (Markdown with its HTML blocks) and each chart's data. It knows nothing of
MkDocs: the gen-files script writes the pages and the plugin adds the data files and splices the
blocks. The charts' Vega templates do not depend on the data: they are compiled from the Altair
functions once, when those change, and committed under docs/assets/charts/
(`python -m suanli.render.charts`; a golden test keeps them current).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from suanli.contract import CHART_EXHIBITS, Dataset, Issue
from suanli.derive import changes as week
from suanli.derive import tables as derive
from suanli.render import company_pages, dashboard, downloads, sector_pages, urls
from suanli.render import exhibit_csv as exhibits
from suanli.render import formats as tables
from suanli.render import issue_pages as pages
from suanli.render.feed import FEED_ITEMS, company_feed_issues, company_feed_xml, feed_xml, last_change
from suanli.render.html import Page

T = TypeVar("T")
# The session's memo (site/session.py): key -> (what the key names by id(), the value made)
Memo = dict[tuple[object, ...], tuple[object, object]]


@dataclass
class Rendered:
    """A build's generated output: pages by source path, and other files (chart data, the feed) by path."""

    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def render(dataset: Dataset, site_url: str, memo: Memo | None = None) -> Rendered:
    """Every page and data file. `memo` (a preview session's, site/session.py) keeps issue pages, exhibit
    CSVs, company pages and their CSVs from one build to the next, each keyed by exactly what it reads: an
    issue page its Issue and the previous Issue (its 本周变化; each the same object only while its folder
    and companies.yaml are unchanged: load/dataset.py's memo; kept alive by the entry, so its id is not
    reused), the neighbours' slugs and titles, the registry or the series; a company page its company
    and the slugs, titles and stock rows of the issues it lists; each the site URL. Entries this build did
    not use are dropped."""
    return Assembly(dataset, site_url, memo).render()


def _digest(value: object) -> bytes:
    return hashlib.blake2b(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()


class Assembly:
    """One build's rendering: the dataset, the tables derived from it (sorted series and their CSV lines,
    made once and shared by every issue), and the session's memo. Lives for one `render` call."""

    def __init__(self, dataset: Dataset, site_url: str, memo: Memo | None) -> None:
        self.dataset, self.site_url, self.memo = dataset, site_url, memo
        self.series = exhibits.SeriesCsv(derive.SeriesTables(dataset.series))
        self.used: Memo = {}  # the memo's entries this build used: the next build's memo

    def memoized(self, key: tuple[object, ...], keep: object, make: Callable[[], T]) -> T:
        """`make()`, or what it made for `key` in an earlier build of the session. `keep`: what the key names
        by id(), kept alive with the entry so the id is not reused."""
        entry = self.memo.get(key) if self.memo is not None else None
        if entry is None:
            entry = (keep, make())
        if self.memo is not None:
            self.used[key] = entry
        return entry[1]  # type: ignore[return-value]  # the memo holds what `make` returned for this key

    def render(self) -> Rendered:
        out = Rendered()
        dataset, site_url = self.dataset, self.site_url
        memoized = self.memoized
        registry, series = dataset.registry, dataset.series
        registry_key = series_key = b""
        if self.memo is not None:
            registry_key = _digest(repr(registry.companies))
            series_key = _digest((series.traffic, series.downloads, series.gpu_prices))
        medians = derive.sector_medians(dataset)
        issues = dataset.issues
        # What the pages about the whole archive read, so a save redoes each only when that changed. By
        # identity: an Issue is the same object while its folder and companies.yaml are unchanged
        # (load/dataset.py's memo), kept alive by the entry so its id is not reused. By content: what is
        # cheap to compare and often unchanged when an issue is edited.
        every = tuple(id(issue) for issue in issues) if self.memo is not None else ()
        medians_key = _digest(medians) if self.memo is not None else b""
        recent = issues[-(dashboard.RECENT + 1) :]  # the home page's issues, and the one before them
        in_feed = issues[-(FEED_ITEMS + 1) :]  # the feed's issues, and the one before them (本周变化)
        out.pages[urls.HOME] = memoized(
            ("home", tuple(id(i) for i in recent), len(issues), medians_key, registry_key),
            recent,
            partial(dashboard.home_page, dataset, medians),
        )
        out.pages[urls.ARCHIVE] = memoized(
            ("archive", tuple((i.slug, i.title, i.highlights[:1]) for i in issues)),
            None,
            partial(pages.archive_page, dataset),
        )
        out.pages[urls.LATEST] = memoized(
            ("latest", dataset.latest.slug, dataset.latest.title), None, partial(pages.latest_page, dataset)
        )
        out.files[urls.FEED] = memoized(
            ("feed", tuple(id(i) for i in in_feed), last_change(issues), registry_key, site_url),
            in_feed,
            partial(feed_xml, dataset, site_url),
        )
        out.pages[urls.DOWNLOADS] = memoized(
            ("downloads", len(issues)), None, partial(downloads.downloads_page, dataset)
        )
        out.files[urls.DOWNLOAD_STOCKS] = memoized(
            ("stocks.csv", tuple((i.slug, i.stocks) for i in issues), registry_key),
            None,
            partial(downloads.stocks_csv, dataset),
        )
        out.files[urls.DOWNLOAD_RECOMMENDATIONS] = memoized(
            ("recommendations.csv", tuple((i.slug, i.recommendations) for i in issues), registry_key),
            None,
            partial(downloads.recommendations_csv, dataset),
        )

        for position, issue in enumerate(dataset.issues):
            page = urls.issue_page(issue)
            older, newer = pages.neighbours_at(dataset.issues, position)
            previous = week.previous_issue(dataset.issues, position)
            out.pages[page] = memoized(
                ("page", id(issue), id(previous), older, newer, registry_key, site_url),
                (issue, previous),
                partial(pages.issue_page, issue, previous, older, newer, registry),
            )
            for exhibit in issue.exhibits:
                if exhibit.kind in CHART_EXHIBITS:
                    reads = registry_key if exhibit.kind == "stocks" else series_key
                    out.files[urls.beside(page, urls.exhibit_csv(exhibit.number))] = memoized(
                        ("csv", id(issue), exhibit.number, reads, site_url),
                        issue,
                        partial(pages.exhibit_csv, issue, exhibit, registry, self.series),
                    )
        patterns = derive.name_patterns(registry)

        def named(issue: Issue) -> tuple[str, ...]:  # which companies an issue's prose names
            return memoized(("names", id(issue), registry_key), issue, partial(derive.names_in, issue, patterns))

        records = company_pages.company_records(dataset, named)
        out.files[urls.DOWNLOAD_INDEX] = memoized(
            ("index.json", every, registry_key, site_url),
            issues,
            partial(downloads.index_json, dataset, records, site_url),
        )
        out.pages[urls.COMPANY_INDEX] = company_pages.company_index_page(records, dataset.registry.sectors)
        for record in records:
            page = urls.company_page(record.company)
            # what a company page and its CSV read of the issues: slugs, titles, stock rows
            history = tuple((a.issue.slug, a.row) for a in record.history) if self.memo is not None else ()
            lists = (
                repr(record.company),
                history,
                tuple((issue.slug, segment) for issue, segment in record.recommended),
                tuple((issue.slug, issue.title) for issue in record.mentioned),
            )
            out.pages[page] = memoized(
                ("company", *lists, site_url) if self.memo is not None else (),
                None,
                partial(company_pages.company_page, record),
            )
            if company_pages.has_feed(record):
                # what its feed reads beyond the page: each entry's issue title and corrections
                entries = tuple((i.slug, i.title, i.revisions) for i in company_feed_issues(record))
                feed = memoized(
                    ("company-feed", *lists, entries, site_url) if self.memo is not None else (),
                    None,
                    partial(company_feed_xml, record, site_url),
                )
                assert feed is not None  # has_feed: an issue lists, recommends or names the company
                out.files[urls.beside(page, urls.COMPANY_FEED)] = feed
            if record.history:
                out.files[urls.beside(page, urls.HISTORY_CSV)] = memoized(
                    ("company-csv", repr(record.company), history, site_url) if self.memo is not None else (),
                    None,
                    partial(tables.rows_csv, derive.COMPANY_CHART_COLUMNS, derive.company_chart_rows(record.history)),
                )
        if self.memo is not None:
            self.memo.clear()
            self.memo.update(self.used)

        out.pages[urls.SECTOR_INDEX] = sector_pages.sector_index_page(dataset.registry.sectors, records, medians)
        for sector in dataset.registry.sectors:
            page = urls.sector_page(sector)
            out.pages[page] = sector_pages.sector_page(sector, records, medians[sector])
            if not medians[sector].empty:
                out.files[urls.beside(page, urls.MEDIANS_CSV)] = tables.chart_csv(medians[sector])
        return out

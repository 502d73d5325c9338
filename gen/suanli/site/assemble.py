"""The whole generated part of the site: a loaded dataset in; every page and data file out.

It renders every page (Markdown with its HTML blocks), each chart's data and each share card (through
the `cards` function the caller hands it: site/card_cache.py). It knows nothing of
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
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

import pandas as pd

from suanli.contract import CHART_EXHIBITS, Company, Dataset, Exhibit, Issue, Revision, StockRow
from suanli.derive import changes as week
from suanli.derive import tables as derive
from suanli.derive import track_record as track
from suanli.render import (
    company_pages,
    dashboard,
    datapackage,
    downloads,
    sector_pages,
    share_card_data,
    track_record_page,
    urls,
)
from suanli.render import exhibit_csv as exhibits
from suanli.render import issue_pages as pages
from suanli.render.feed import (
    FEED_ITEMS,
    company_feed_entry,
    company_feed_issues,
    company_feed_xml,
    feed_xml,
    last_change,
)
from suanli.render.html import Blocks, Page
from suanli.site import forked

T = TypeVar("T")
# The session's memo (site/session.py): key -> (what the key names by id(), the value made)
Memo = dict[tuple[object, ...], tuple[object, object]]
# A file's content: its bytes, or a file holding them (a share card in the card cache's folder)
Content = bytes | Path
# A share card's PNG from what it shows (site/card_cache.py's CardCache.card)
Cards = Callable[[share_card_data.IssueCard | share_card_data.SiteCard], Content]


@dataclass
class Rendered:
    """A build's generated output, encoded as it is made (UTF-8: a 520-week site held as str would take
    40 MB more): pages' Markdown files and their HTML blocks by source path, the other text files (chart
    data, feeds, downloads) and the binary ones (share cards) by path, and the extra search index fields
    of a page's first section (a company page's pinyin) by the page's source path."""

    pages: dict[str, bytes] = field(default_factory=dict)
    blocks: dict[str, Blocks] = field(default_factory=dict)  # pages without blocks are left out
    files: dict[str, bytes] = field(default_factory=dict)
    binary: dict[str, Content] = field(default_factory=dict)
    search_fields: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_page(self, path: str, page: tuple[bytes, Blocks]) -> None:
        """A page as Page.encoded gives it."""
        self.pages[path], blocks = page
        if blocks:
            self.blocks[path] = blocks

    def extend(self, later: Rendered) -> None:
        """`later`'s output after this one's, as if rendered into it."""
        self.pages.update(later.pages)
        self.blocks.update(later.blocks)
        self.files.update(later.files)
        self.binary.update(later.binary)
        self.search_fields.update(later.search_fields)


def render(
    dataset: Dataset,
    site_url: str,
    memo: Memo | None = None,
    cards: Cards | None = None,
    parallel: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> Rendered:
    """Every page and data file. `memo` (a preview session's, site/session.py) keeps issue pages, exhibit
    CSVs, company pages and their CSVs from one build to the next, each keyed by exactly what it reads: an
    issue page its Issue and the previous Issue (its 本周变化; each the same object only while its folder
    and companies.yaml are unchanged: load/dataset.py's memo; kept alive by the entry, so its id is not
    reused), the neighbours' slugs and titles, the registry or the series; a company page its company
    and the slugs, titles and stock rows of the issues it lists; each the site URL. Entries this build did
    not use are dropped. `cards`: a share card's PNG (site/card_cache.py); None: no share cards (the
    benchmarks that time the pages alone). `parallel` (a clean build, no memo): the archive's pages, the
    company pages, the track record and the sector pages are rendered by a forked child (site/forked.py),
    where that can be, while this process runs `meanwhile` (the build's own work: jieba's dictionary) and
    renders the issues; the output is the same."""
    return Assembly(dataset, site_url, memo, cards).render(parallel, meanwhile)


def _digest(value: object) -> bytes:
    return hashlib.blake2b(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()


class Assembly:
    """One build's rendering: the dataset, the tables derived from it (sorted series and their CSV lines,
    made once and shared by every issue), and the session's memo. Lives for one `render` call.

    What a page reads is its memo key, so a preview save redoes a page only when that changed. Issues are
    named by identity: an Issue is the same object while its folder and companies.yaml are unchanged
    (load/dataset.py's memo), kept alive by the entry so its id is not reused. What is cheap to compare
    and often unchanged when an issue is edited (stock rows, 建议关注) is named by content."""

    def __init__(self, dataset: Dataset, site_url: str, memo: Memo | None, cards: Cards | None) -> None:
        self.dataset, self.site_url, self.memo, self.cards = dataset, site_url, memo, cards
        self.series = exhibits.SeriesCsv(derive.SeriesTables(dataset.series))
        self.used: Memo = {}  # the memo's entries this build used: the next build's memo
        self.out = Rendered()
        self.registry_key = self.series_key = b""
        self.track_reads: tuple[object, ...] | None = None  # _track_reads'
        if memo is not None:
            self.registry_key = _digest(repr(dataset.registry.companies))
            series = dataset.series
            self.series_key = _digest((series.traffic, series.downloads, series.gpu_prices))

    def memoized(self, key: Callable[[], tuple[object, ...]], keep: object, make: Callable[[], T]) -> T:
        """`make()`, or what it made for `key()` in an earlier build of the session (the key is worked out
        only when there is a memo). `keep`: what the key names by id(), kept alive with the entry."""
        if self.memo is None:
            return make()
        named = key()
        entry = self.memo.get(named)
        if entry is None:
            entry = (keep, make())
        self.used[named] = entry
        return entry[1]  # type: ignore[return-value]  # the memo holds what `make` returned for this key

    def page(self, path: str, key: Callable[[], tuple[object, ...]], keep: object, make: Callable[[], Page]) -> None:
        """The page `make()` renders at `path`, memoized (as memoized says) already encoded."""
        self.out.add_page(path, self.memoized(key, keep, lambda: make().encoded()))

    def file(self, path: str, key: Callable[[], tuple[object, ...]], keep: object, make: Callable[[], str]) -> None:
        """The text file `make()` writes at `path`, memoized (as memoized says) already encoded."""
        self.out.files[path] = self.memoized(key, keep, lambda: make().encode("utf-8"))

    def render(self, parallel: bool, meanwhile: Callable[[], object] | None) -> Rendered:
        medians = derive.sector_medians(self.dataset)
        if parallel and self.memo is None and forked.available():
            with forked.Forked(partial(self._in_child, medians)) as child:
                if meanwhile is not None:
                    meanwhile()
                self._site_card()  # the cards are drawn by this process's workers (site/card_cache.py)
                self._issues()
                archive, about_companies = child.result()
            # in the order one process renders them
            archive.extend(self.out)
            archive.extend(about_companies)
            self.out = archive
        else:
            self._archive(medians)
            self._site_card()
            self._issues()
            self._about_companies(medians, self.out)
        if self.memo is not None:
            self.memo.clear()
            self.memo.update(self.used)
        return self.out

    def _in_child(self, medians: dict[str, pd.DataFrame]) -> tuple[Rendered, Rendered]:
        """A clean build's forked child: the archive's pages and files, then what is about the companies."""
        self.out = Rendered()
        self._archive(medians)
        return self.out, self._about_companies(medians, Rendered())

    def _about_companies(self, medians: dict[str, pd.DataFrame], out: Rendered) -> Rendered:
        """The track record, the company pages and the sector pages, rendered into `out` (a clean build's
        forked child renders them into one of its own while the issues are rendered here)."""
        self.out = out
        record = self.memoized(
            lambda: ("track-record", *self._track_reads()[:2]),
            self.dataset.prices,
            partial(track.track_record, self.dataset),
        )
        self._track_record(record)
        records = self._companies(record)
        self._sectors(records, medians)
        return out

    def _archive(self, medians: dict[str, pd.DataFrame]) -> None:
        """The pages and files about the whole archive: home, archive, /latest/, the feed, the downloads."""
        dataset, site_url, out = self.dataset, self.site_url, self.out
        issues, registry_key = dataset.issues, self.registry_key
        recent = issues[-(dashboard.RECENT + 1) :]  # the home page's issues, and the one before them
        in_feed = issues[-(FEED_ITEMS + 1) :]  # the feed's issues, and the one before them (本周变化)
        self.page(
            urls.HOME,
            lambda: ("home", tuple(map(id, recent)), len(issues), _digest(medians), registry_key),
            recent,
            partial(dashboard.home_page, dataset, medians),
        )
        self.page(
            urls.ARCHIVE,
            lambda: ("archive", tuple((i.slug, i.title, i.highlights[:1]) for i in issues)),
            None,
            partial(pages.archive_page, dataset),
        )
        self.page(
            urls.LATEST,
            lambda: ("latest", dataset.latest.slug, dataset.latest.title),
            None,
            partial(pages.latest_page, dataset),
        )
        self.file(
            urls.FEED,
            lambda: ("feed", tuple(map(id, in_feed)), last_change(issues), registry_key, site_url),
            in_feed,
            partial(feed_xml, dataset, site_url),
        )
        self.page(urls.DOWNLOADS, lambda: ("downloads", len(issues)), None, partial(downloads.downloads_page, dataset))
        out.files[urls.DOWNLOAD_PACKAGE] = datapackage.datapackage_json(dataset, site_url).encode("utf-8")  # small
        self.file(
            urls.DOWNLOAD_STOCKS,
            lambda: ("stocks.csv", tuple((i.slug, i.stocks) for i in issues), registry_key),
            None,
            partial(downloads.stocks_csv, dataset),
        )
        self.file(
            urls.DOWNLOAD_RECOMMENDATIONS,
            lambda: ("recommendations.csv", tuple((i.slug, i.recommendations) for i in issues), registry_key),
            None,
            partial(downloads.recommendations_csv, dataset),
        )

    def _site_card(self) -> None:
        """The share card of the pages without one of their own."""
        if self.cards is not None:
            self._card(urls.SITE_CARD, share_card_data.site_card(self.dataset.synthetic, self.site_url))

    def _issues(self) -> None:
        for position, issue in enumerate(self.dataset.issues):
            self._issue(position, issue)

    def _issue(self, position: int, issue: Issue) -> None:
        """An issue's page and its charts' CSVs."""
        issues, registry, site_url = self.dataset.issues, self.dataset.registry, self.site_url
        page = urls.issue_page(issue)
        older, newer = pages.neighbours_at(issues, position)
        previous = week.previous_issue(issues, position)
        self.page(
            page,
            lambda: ("page", id(issue), id(previous), older, newer, self.registry_key, site_url),
            (issue, previous),
            partial(pages.issue_page, issue, previous, older, newer, registry),
        )
        for exhibit in issue.exhibits:
            if exhibit.kind in CHART_EXHIBITS:
                self._exhibit_csv(urls.beside(page, urls.exhibit_csv(exhibit.number)), issue, exhibit)
        if self.cards is not None:
            card = share_card_data.issue_card(issue, registry, self.dataset.synthetic, site_url)
            self._card(urls.share_card(issue), card)

    def _card(self, path: str, card: share_card_data.IssueCard | share_card_data.SiteCard) -> None:
        """A share card: under `serve`, memoized by its content (a save redraws only a card that changed)."""
        cards = self.cards
        assert cards is not None
        self.out.binary[path] = self.memoized(lambda: ("card", card), None, partial(cards, card))

    def _exhibit_csv(self, path: str, issue: Issue, exhibit: Exhibit) -> None:
        reads = self.registry_key if exhibit.kind == "stocks" else self.series_key
        self.file(
            path,
            lambda: ("csv", id(issue), exhibit.number, reads, self.site_url),
            issue,
            partial(pages.exhibit_csv, issue, exhibit, self.dataset.registry, self.series),
        )

    def _track_reads(self) -> tuple[object, ...]:
        """What the track record reads: the prices (the same Prices object while its files are unchanged:
        load/prices.py's memo, kept alive by the entry), each issue's 建议关注 lists and the registry; worked
        out once, for the five keys that share it. (A memoized TrackRecord holds an earlier build's issues:
        it reads only their dates and lists.)"""
        if self.track_reads is None:
            issues = self.dataset.issues
            lists = tuple((i.slug, i.recommendations) for i in issues)
            self.track_reads = (id(self.dataset.prices), lists, self.registry_key)
        return self.track_reads

    def _track_record(self, record: track.TrackRecord) -> None:
        """/track-record/, its chart's CSV and the two downloads, memoized by what they read (_track_reads)."""
        dataset = self.dataset
        prices = dataset.prices
        reads = self._track_reads

        page = urls.TRACK_RECORD
        self.page(
            page, lambda: ("track", *reads()), prices, partial(track_record_page.track_record_page, dataset, record)
        )
        self.file(
            urls.beside(page, urls.CUMULATIVE_CSV),
            lambda: ("cumulative.csv", *reads()[:2]),
            prices,
            partial(track_record_page.cumulative_csv, record),
        )
        self.file(
            urls.DOWNLOAD_TRACK_RECORD,
            lambda: ("track_record.csv", *reads()[:2]),
            prices,
            partial(track_record_page.periods_csv, record),
        )
        self.file(
            urls.DOWNLOAD_CALLS,
            lambda: ("calls.csv", *reads()),
            prices,
            partial(track_record_page.calls_csv, record, dataset),
        )

    def _companies(self, scored: track.TrackRecord) -> list[company_pages.CompanyRecord]:
        """The company index, and each company's page, feed and CSVs; returns the company records."""
        dataset, site_url, out = self.dataset, self.site_url, self.out
        patterns = derive.name_patterns(dataset.registry)

        def named(issue: Issue) -> tuple[str, ...]:  # which companies an issue's prose names
            return self.memoized(
                lambda: ("names", id(issue), self.registry_key), issue, partial(derive.names_in, issue, patterns)
            )

        # without prices nothing is scored, and the company pages leave the section out (the track record
        # page says what to add)
        records = company_pages.company_records(dataset, named, scored.spells if dataset.prices else ())
        self.file(
            urls.DOWNLOAD_INDEX,
            lambda: (
                "index.json",
                tuple(map(id, dataset.issues)),
                self.registry_key,
                tuple(r.company.ticker for r in records if r.priced),  # which companies have a prices.csv
                site_url,
            ),
            dataset.issues,
            partial(downloads.index_json, dataset, records, site_url),
        )
        out.add_page(urls.COMPANY_INDEX, company_pages.company_index_page(records, dataset.registry.sectors).encoded())
        for record in records:
            self._company(record)
        return records

    def _company(self, record: company_pages.CompanyRecord) -> None:
        """A company's page, feed and CSV."""
        out, memoized, site_url = self.out, self.memoized, self.site_url
        page = urls.company_page(record.company)

        @cache
        def reads() -> tuple[object, ...]:
            """What a company page and its CSV read of the issues: dates, titles, stock rows (worked out once:
            a company's four keys share it, and at 520 weeks it is 2,000 rows a company)."""
            return (
                repr(record.company),
                tuple((a.issue.date, a.row) for a in record.history),
                tuple((issue.date, segment) for issue, segment in record.recommended),
                tuple((issue.date, issue.title) for issue in record.mentioned),
            )

        benchmarks = {b.ticker: b.name for b in self.dataset.prices.benchmarks}
        spells = tuple(
            (s.first.slug, s.last.slug, s.end, s.open, s.segments, s.benchmark, s.score) for s in record.spells
        )
        self.page(
            page,
            lambda: ("company", *reads(), spells, record.priced, repr(benchmarks), site_url),
            None,
            partial(company_pages.company_page, record, benchmarks),
        )
        if fields := company_pages.search_fields(record.company):  # cheap (pinyin.py caches each name's forms)
            out.search_fields[page] = fields
        if record.priced:
            prices = self.dataset.prices
            self.file(
                urls.beside(page, urls.PRICES_CSV),  # its closes and the issues it marks
                lambda: (
                    "company-prices",
                    record.company.ticker,
                    prices.fingerprint(record.company.ticker),
                    reads()[2],
                ),
                None,
                partial(company_pages.price_csv, record, prices),
            )
        if company_pages.has_feed(record):
            ticker, registry_key = record.company.ticker, self.registry_key

            def described(
                company: Company,
                row: StockRow | None,
                segments: tuple[str, ...],
                mentioned: bool,
                revisions: tuple[Revision, ...],
            ) -> str:
                """An entry's description, memoized by what it reads: a save that retitles an issue redoes the
                feeds of the companies it lists, and their entries' descriptions stay as they were."""
                entry = (row, segments, mentioned, revisions)
                return memoized(
                    lambda: ("feed-entry", ticker, registry_key, *entry),
                    None,
                    partial(company_feed_entry, company, *entry),
                )

            feed = memoized(
                # what its feed reads beyond the page: each entry's issue title and corrections
                lambda: (
                    "company-feed",
                    *reads(),
                    tuple((i.slug, i.title, i.revisions) for i in company_feed_issues(record)),
                    site_url,
                ),
                None,
                partial(company_feed_xml, record, site_url, described),
            )
            assert feed is not None  # has_feed: an issue lists, recommends or names the company
            out.files[urls.beside(page, urls.COMPANY_FEED)] = feed.encode("utf-8")
        if record.history:
            self.file(
                urls.beside(page, urls.HISTORY_CSV),
                lambda: ("company-csv", *reads()[:2], site_url),
                None,
                partial(company_pages.history_csv, record),
            )

    def _sectors(self, records: list[company_pages.CompanyRecord], medians: dict[str, pd.DataFrame]) -> None:
        """The sector index and each sector's page and medians CSV. What they read of the companies is their
        sectors and how many issues list each (names: the registry), and each sector's medians (a frame
        named by its content)."""
        sectors = self.dataset.registry.sectors
        listed = tuple((r.company.ticker, r.company.sector, len(r.history)) for r in records)
        # each sector's medians by content (worked out only for a memo's keys)
        frames = {sector: _digest(medians[sector]) for sector in sectors} if self.memo is not None else {}
        self.page(
            urls.SECTOR_INDEX,
            lambda: ("sectors", listed, self.registry_key, tuple(frames.values())),
            None,
            partial(sector_pages.sector_index_page, sectors, records, medians),
        )
        for sector in sectors:
            self._sector(sector, records, medians[sector], listed, frames.get(sector, b""))

    def _sector(
        self,
        sector: str,
        records: list[company_pages.CompanyRecord],
        medians: pd.DataFrame,
        listed: tuple[tuple[str, str, int], ...],
        frame: bytes,
    ) -> None:
        page = urls.sector_page(sector)
        members = tuple(member for member in listed if member[1] == sector)
        self.page(
            page,
            lambda: ("sector", sector, members, self.registry_key, frame),
            None,
            partial(sector_pages.sector_page, sector, records, medians),
        )
        if not medians.empty:
            self.file(
                urls.beside(page, urls.MEDIANS_CSV),
                lambda: ("medians.csv", frame),
                None,
                partial(sector_pages.medians_csv, medians),
            )

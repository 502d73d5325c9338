"""The whole generated part of the site: a loaded dataset in; every page and data file out.

It renders every page (Markdown with its HTML blocks) and each chart's data. It knows nothing of
MkDocs: the gen-files script writes the pages and the hook adds the data files and splices the
blocks. The charts' Vega templates do not depend on the data: they are compiled from the Altair
functions once, when those change, and committed under docs/assets/charts/
(`python -m suanli.render.charts`; a golden test keeps them current).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suanli.contract import CHART_EXHIBITS, Dataset
from suanli.derive import tables as derive
from suanli.render import company_pages, sector_pages, urls
from suanli.render import exhibit_csv as exhibits
from suanli.render import formats as tables
from suanli.render import issue_pages as pages
from suanli.render.feed import feed_xml
from suanli.render.html import Page


@dataclass
class Rendered:
    """A build's generated output: pages by source path, and other files (chart data, the feed) by path."""

    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def render(dataset: Dataset, site_url: str) -> Rendered:
    try:
        return _render(dataset, site_url)
    finally:
        # The per-build caches hold the whole series; MkDocs needs the memory for its part of the build.
        derive.sorted_series.cache_clear()
        derive.stock_records.cache_clear()
        exhibits.prepared.cache_clear()


def _render(dataset: Dataset, site_url: str) -> Rendered:
    out = Rendered()
    out.pages[urls.HOME] = pages.home_page(dataset)
    out.pages[urls.ARCHIVE] = pages.archive_page(dataset)
    out.pages[urls.LATEST] = pages.latest_page(dataset)
    out.files[urls.FEED] = feed_xml(dataset, site_url)

    for issue in dataset.issues:
        page = urls.issue_page(issue)
        out.pages[page] = pages.issue_page(issue, dataset)
        for exhibit in issue.exhibits:
            if exhibit.kind in CHART_EXHIBITS:
                out.files[urls.beside(page, urls.exhibit_csv(exhibit.number))] = pages.exhibit_csv(
                    issue, exhibit, dataset
                )

    records = company_pages.company_records(dataset)
    out.pages[urls.COMPANY_INDEX] = company_pages.company_index_page(records, dataset.registry.sectors)
    for record in records:
        page = urls.company_page(record.company)
        out.pages[page] = company_pages.company_page(record)
        if record.history:
            out.files[urls.beside(page, urls.HISTORY_CSV)] = tables.rows_csv(
                derive.COMPANY_CHART_COLUMNS, derive.company_chart_rows(record.history)
            )

    medians = derive.sector_medians(dataset)
    out.pages[urls.SECTOR_INDEX] = sector_pages.sector_index_page(dataset.registry.sectors, records, medians)
    for sector in dataset.registry.sectors:
        page = urls.sector_page(sector)
        out.pages[page] = sector_pages.sector_page(sector, records, medians[sector])
        if not medians[sector].empty:
            out.files[urls.beside(page, urls.MEDIANS_CSV)] = tables.chart_csv(medians[sector])
    return out

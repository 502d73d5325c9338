"""The whole generated part of the site: a data folder in, {path: content} out.

This is the generator's one entry: it loads and validates (raising DataErrors
before producing anything), then renders every page and each chart's data. It
knows nothing of MkDocs; the gen-files script only writes what it returns.
The charts' Vega templates do not depend on the data: they are compiled from
the Altair functions once, when those change, and committed under
docs/assets/charts/ (`python -m suanli.charts`; a golden test keeps them current).
"""

from __future__ import annotations

from suanli.contract import CHART_EXHIBITS, Dataset
from suanli.derive import tables as derive
from suanli.render import company_pages, sector_pages
from suanli.render import exhibit_csv as exhibits
from suanli.render import formats as tables
from suanli.render import issue_pages as pages
from suanli.render.feed import FEED_PATH, feed_xml


def render(dataset: Dataset, site_url: str) -> dict[str, str]:
    try:
        return _render(dataset, site_url)
    finally:
        # The per-build caches hold the whole series; MkDocs needs the memory for its part of the build.
        derive.sorted_series.cache_clear()
        derive.stock_records.cache_clear()
        exhibits.prepared.cache_clear()


def _render(dataset: Dataset, site_url: str) -> dict[str, str]:
    files: dict[str, str] = {
        "index.md": pages.home_page(dataset),
        "issues/index.md": pages.archive_page(dataset),
        "latest/index.md": pages.latest_page(dataset),
        FEED_PATH: feed_xml(dataset, site_url, pages.SERIES_NAME),
    }

    def chart_data(folder: str, csv_name: str, frame) -> None:
        files[f"{folder}/{csv_name}"] = tables.chart_csv(frame)

    for issue in dataset.issues:
        folder = f"issues/{issue.slug}"
        files[f"{folder}/index.md"] = pages.issue_page(issue, dataset)
        for exhibit in issue.exhibits:
            if exhibit.kind in CHART_EXHIBITS:
                files[f"{folder}/{pages.exhibit_csv_name(exhibit)}"] = pages.exhibit_csv(issue, exhibit, dataset)

    records = company_pages.company_records(dataset)
    files["companies/index.md"] = company_pages.company_index_page(records, dataset.registry.sectors)
    for record in records:
        path = company_pages.company_path(record.company)
        files[path] = company_pages.company_page(record)
        if record.history:
            files[path.rsplit("/", 1)[0] + "/" + company_pages.HISTORY_CSV] = tables.rows_csv(
                derive.COMPANY_CHART_COLUMNS, derive.company_chart_rows(record.history)
            )

    medians = derive.sector_medians(dataset)
    files["sectors/index.md"] = sector_pages.sector_index_page(dataset.registry.sectors, records, medians)
    for sector in dataset.registry.sectors:
        path = sector_pages.sector_path(sector)
        files[path] = sector_pages.sector_page(sector, records, medians[sector])
        if not medians[sector].empty:
            chart_data(path.rsplit("/", 1)[0], sector_pages.MEDIANS_CSV, medians[sector])
    return files

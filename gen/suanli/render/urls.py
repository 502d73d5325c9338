"""Every URL of the site, built here and nowhere else.

Pages are addressed by their source path ("issues/2024-12-11/index.md"); MkDocs serves each at its
folder ("issues/2024-12-11/", use_directory_urls). Two kinds of link leave a page:
- `md_link`, in the Markdown: to the target's source path, so MkDocs checks it in a strict build
  and writes the served URL itself;
- `href`, in HTML rendered from templates (spliced in after Markdown, which MkDocs never sees):
  the served URL, relative to the page's folder; the plugin checks these (site/splice.py, site/build.py).
URLs are permanent (the data contract): a change here changes published addresses.
"""

from __future__ import annotations

import posixpath

from suanli.contract import Company, Issue, company_slug, sector_slug

SERIES_NAME = "算力周跟踪"
HOME = "index.md"
ARCHIVE = "issues/index.md"
LATEST = "latest/index.md"
COMPANY_INDEX = "companies/index.md"
SECTOR_INDEX = "sectors/index.md"
FEED = "feed.xml"
LEGAL_PAGES = (
    ("分析师声明", "legal/analyst.md"),
    ("一般声明", "legal/general.md"),
    ("特别声明", "legal/special.md"),
    ("投资评级声明", "legal/ratings.md"),
)
RATINGS = "legal/ratings.md"
DOWNLOADS = "downloads/index.md"  # 数据下载: the archive as data
DOWNLOAD_STOCKS = "downloads/stocks.csv"
DOWNLOAD_RECOMMENDATIONS = "downloads/recommendations.csv"
DOWNLOAD_INDEX = "downloads/index.json"
DOWNLOAD_PACKAGE = "downloads/datapackage.json"  # the CSV downloads described as a Frictionless Data Package
HISTORY_CSV = "history.csv"  # beside each company page
COMPANY_FEED = "feed.xml"  # beside each company page that an issue has touched
MEDIANS_CSV = "medians.csv"  # beside each sector page
TRACK_RECORD = "track-record/index.md"  # 业绩回顾: 建议关注, scored
CUMULATIVE_CSV = "cumulative.csv"  # beside the track-record page
DOWNLOAD_TRACK_RECORD = "downloads/track_record.csv"
DOWNLOAD_CALLS = "downloads/calls.csv"
PRICES_CSV = "prices.csv"  # beside each company page that has closes
SITE_CARD = "share.png"  # the site's share card (分享图): the home page's, and any page's without its own


# --- pages, by source path --------------------------------------------------------------------


def issue_page(issue: Issue | str) -> str:
    slug = issue if isinstance(issue, str) else issue.slug
    return f"issues/{slug}/index.md"


def company_page(company: Company | str) -> str:
    """A company's page, from the company or its ticker."""
    slug = company_slug(company) if isinstance(company, str) else company.slug
    return f"companies/{slug}/index.md"


def sector_page(sector: str) -> str:
    return f"sectors/{sector_slug(sector)}/index.md"


def beside(page: str, name: str) -> str:
    """A file in a page's folder (its chart data): the path it is written to."""
    return posixpath.join(posixpath.dirname(page), name)


# --- links between pages ---------------------------------------------------------------------


def _relative(target: str, start: str) -> str:
    """posixpath.relpath for the site's own paths (relative, normalised): without its os.getcwd() per
    call, which a large archive's tens of thousands of links would pay for."""
    to, frm = [p for p in target.split("/") if p and p != "."], [p for p in start.split("/") if p and p != "."]
    common = 0
    while common < min(len(to), len(frm)) and to[common] == frm[common]:
        common += 1
    return "/".join([".."] * (len(frm) - common) + to[common:]) or "."


def md_link(from_page: str, to_page: str) -> str:
    """The target's source path relative to the linking page: what a Markdown link holds."""
    return _relative(to_page, posixpath.dirname(from_page))


def href(from_page: str, to_page: str) -> str:
    """The target's served URL relative to the linking page's folder: what an HTML link holds.
    A page's URL is a folder (use_directory_urls: a/index.md at a/, a/b.md at a/b/); a file's is its path."""
    start = posixpath.dirname(from_page)
    if to_page.endswith(".md"):
        stem = to_page.removesuffix(".md")
        folder = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
        relative = _relative(folder, start)
        return "./" if relative == "." else relative + "/"
    return _relative(to_page, start)


def absolute(site_url: str, target: str) -> str:
    """A page's or a file's absolute URL on the published site (the feeds' links, the data index)."""
    base = site_url.rstrip("/") + "/"
    relative = href(HOME, target)
    return base if relative == "./" else base + relative


# --- files -----------------------------------------------------------------------------------


def company_feed_guid(issue_url: str, company: Company) -> str:
    """A company feed entry's id: its issue's page and the company, so the entries one issue makes in two
    companies' feeds stay distinct."""
    return f"{issue_url}#{company.slug}"


def share_card(issue: Issue | str) -> str:
    """An issue's share card (分享图, 1200×630 PNG), beside its page: the path it is written to."""
    return beside(issue_page(issue), "share.png")


def share_card_download(issue: Issue) -> str:
    """The name a reader's download of an issue's share card gets."""
    return f"{SERIES_NAME}-{issue.slug}-分享图.png"


def exhibit_csv(number: int) -> str:
    """An exhibit's chart data, beside its issue page."""
    return f"exhibit-{number}.csv"


def exhibit_download(issue: Issue, number: int) -> str:
    """The name a reader's download of an exhibit's data gets."""
    return f"{SERIES_NAME}-{issue.slug}-图表{number}.csv"


def company_history_download(company: Company) -> str:
    return f"{company.ticker}-历次周报.csv"


def sector_medians_download(sector: str) -> str:
    return f"{sector_slug(sector)}-本周涨跌幅中位数.csv"


def company_prices_download(company: Company) -> str:
    return f"{company.ticker}-收盘价.csv"


def track_record_download() -> str:
    return f"{SERIES_NAME}-业绩回顾-累计收益.csv"

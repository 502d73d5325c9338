"""The archive as data (/downloads/, 数据下载): every stock-table row and every 建议关注 entry of every
issue as two tidy CSVs, and a JSON index of issues and companies with their pages and files.

Each file is one pass over the issues (linear in the archive), and each row comes from its own
issue only, so a row reads as its issue's page does. The columns are defined once, here, with what
they mean: the page documents them from the same definitions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from suanli.contract import CHART_EXHIBITS, CURRENCY_UNITS, Dataset
from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.company_pages import CompanyRecord
from suanli.render.csv_table import Column, rows_csv
from suanli.render.html import Page, PageWriter, fragment, page_meta
from suanli.render.markup import md_text
from suanli.render.track_record_page import CALL_COLUMNS, PERIOD_COLUMNS

# The downloads' columns, in file order: the page and datapackage.json document them from these definitions
STOCK_COLUMNS = (
    Column("issue_date", "date", "期次（发布日期，YYYY-MM-DD）", required=True),
    Column("ticker", "string", "代码，如 NVDA.O、688256.SH", required=True),
    Column("name", "string", "公司名称（公司登记表中的现名）", required=True),
    Column("sector", "string", "板块", required=True),
    Column("market_cap", "number", "市值，单位为亿（10^8），按原表的小数位", required=True),
    Column(
        "currency",
        "string",
        f"市值的币种：{'、'.join(f'{c}（{u}）' for c, u in CURRENCY_UNITS.items())}",
        required=True,
    ),
    Column("week_pct", "number", "本周涨跌幅，百分比（-5.17 即 -5.17%）", required=True),
    Column("month_pct", "number", "本月涨跌幅，百分比", required=True),
    Column("ytd_pct", "number", "本年涨跌幅，百分比", required=True),
)
RECOMMENDATION_COLUMNS = (
    Column("issue_date", "date", "期次（发布日期，YYYY-MM-DD）", required=True),
    Column("segment", "string", "建议关注的分组，如 国产算力链", required=True),
    Column("ticker", "string", "代码", required=True),
    Column("name", "string", "公司名称（公司登记表中的现名）", required=True),
)


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one download whose values are a row's key in another (datapackage.json's foreignKeys)."""

    fields: tuple[str, ...]
    resource: str  # the other download's name
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Download:
    """One CSV of /downloads/: where it is, what it holds, its columns and its key. The page and
    datapackage.json are both written from these."""

    name: str  # its resource name in datapackage.json: the file's stem
    path: str
    title: str
    anchor: str
    about: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]  # unique per row: the contract's validation makes it so (load/dataset.py)
    foreign_keys: tuple[ForeignKey, ...] = ()


ON_RECOMMENDATION = ("ticker", "issue_date")  # a 建议关注 entry: the company, in that issue
CSV_DOWNLOADS = (
    Download(
        "stocks",
        urls.DOWNLOAD_STOCKS,
        "股价复盘表（全部期次）",
        "stocks",
        "每期股价复盘表的每一行，按期次、表中顺序排列。",
        STOCK_COLUMNS,
        ("issue_date", "ticker"),  # each company once per stock table
    ),
    Download(
        "recommendations",
        urls.DOWNLOAD_RECOMMENDATIONS,
        "建议关注（全部期次）",
        "recommendations",
        "每期建议关注的每家公司一行，按期次、分组顺序排列。",
        RECOMMENDATION_COLUMNS,
        ("issue_date", "segment", "ticker"),  # each segment once per issue, each company once per segment
    ),
    Download(
        "track_record",
        urls.DOWNLOAD_TRACK_RECORD,
        "建议关注业绩（每期）",
        "track-record",
        "每期建议关注组合一行（期次顺序）：持有区间、收益、基准、超额、胜率与累计收益，方法见业绩回顾页。"
        "百分比保留四位小数；缺少价格时为空。",
        PERIOD_COLUMNS,
        ("issue_date",),  # one period per issue that lists 建议关注
        (ForeignKey(("issue_date",), "recommendations", ("issue_date",)),),
    ),
    Download(
        "calls",
        urls.DOWNLOAD_CALLS,
        "建议关注业绩（每家公司每次列入）",
        "calls",
        "每家公司每一段连续列入建议关注的时期一行，按开始的期次排列：区间收益、基准收益与超额收益。",
        CALL_COLUMNS,
        ("ticker", "first_issue"),  # a company's runs on the list never overlap
        (
            ForeignKey(("ticker", "first_issue"), "recommendations", ON_RECOMMENDATION),
            ForeignKey(("ticker", "last_issue"), "recommendations", ON_RECOMMENDATION),
        ),
    ),
)
INDEX_FIELDS = (
    ("name", "周报名称"),
    ("synthetic", "true 表示示例数据（由 suanli demo 生成，数字为虚构），真实数据为 false"),
    ("url", "网站首页的网址"),
    (
        "files",
        "本页各文件的网址：stocks、recommendations、track_record、calls、index、datapackage，及业绩回顾页的累计收益 cumulative",
    ),
    (
        "issues",
        "每期一项，最早在前：date（发布日期）、title（标题）、url（页面）、exhibits（有数据的图表：number、title、csv 的网址）",
    ),
    (
        "companies",
        "每家公司一项：ticker、name、name_en、sector、url（公司页）、history_csv（历次股价表数据的网址，从未进入股价表则为 null）、prices_csv（收盘价的网址，prices.csv 中没有其收盘价则为 null）",
    ),
)


def stocks_csv(dataset: Dataset) -> str:
    companies = dataset.registry.by_ticker
    rows = (
        (
            issue.date,
            r.ticker,
            companies[r.ticker].name,
            companies[r.ticker].sector,
            r.market_cap,
            r.currency,
            r.week_pct,
            r.month_pct,
            r.ytd_pct,
        )
        for issue in dataset.issues
        for r in issue.stocks
    )
    return rows_csv(STOCK_COLUMNS, rows)


def recommendations_csv(dataset: Dataset) -> str:
    companies = dataset.registry.by_ticker
    rows = (
        (issue.date, rec.segment, ticker, companies[ticker].name)
        for issue in dataset.issues
        for rec in issue.recommendations
        for ticker in rec.tickers
    )
    return rows_csv(RECOMMENDATION_COLUMNS, rows)


def index_json(dataset: Dataset, records: list[CompanyRecord], site_url: str) -> str:
    def url(target: str) -> str:
        return urls.absolute(site_url, target)

    # a company page has its history.csv once a stock table has listed the company (site/assemble.py)
    history = {
        r.company.ticker: url(urls.beside(urls.company_page(r.company), urls.HISTORY_CSV)) for r in records if r.history
    }
    prices = {  # a company page has its prices.csv once series/prices.csv has its closes
        r.company.ticker: url(urls.beside(urls.company_page(r.company), urls.PRICES_CSV)) for r in records if r.priced
    }
    index = {
        "name": urls.SERIES_NAME,
        "synthetic": dataset.synthetic,  # true: 示例数据 (suanli demo), not research
        "url": url(urls.HOME),
        "files": {
            "stocks": url(urls.DOWNLOAD_STOCKS),
            "recommendations": url(urls.DOWNLOAD_RECOMMENDATIONS),
            "track_record": url(urls.DOWNLOAD_TRACK_RECORD),
            "calls": url(urls.DOWNLOAD_CALLS),
            "cumulative": url(urls.beside(urls.TRACK_RECORD, urls.CUMULATIVE_CSV)),
            "index": url(urls.DOWNLOAD_INDEX),
            "datapackage": url(urls.DOWNLOAD_PACKAGE),
        },
        "issues": [
            {
                "date": issue.slug,
                "title": issue.title,
                "url": url(urls.issue_page(issue)),
                "exhibits": [
                    {
                        "number": e.number,
                        "title": e.title,
                        "csv": url(urls.beside(urls.issue_page(issue), urls.exhibit_csv(e.number))),
                    }
                    for e in sorted(issue.exhibits, key=lambda e: e.number)
                    if e.kind in CHART_EXHIBITS
                ],
            }
            for issue in dataset.issues
        ],
        "companies": [
            {
                "ticker": c.ticker,
                "name": c.name,
                "name_en": c.name_en,
                "sector": c.sector,
                "url": url(urls.company_page(c)),
                "history_csv": history.get(c.ticker),
                "prices_csv": prices.get(c.ticker),
            }
            for c in dataset.registry.companies
        ],
    }
    return json.dumps(index, ensure_ascii=False, indent=1) + "\n"


TYPE_NAMES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "date": "日期",
    "yearmonth": "年月",
    "boolean": "true/false",
}


def keys_text(download: Download) -> tuple[str, str]:
    """A download's primary key and what its foreign keys refer to, as the page says them."""
    refers = "；".join(
        f"{' + '.join(k.fields)} → {k.resource}.csv 的 {' + '.join(k.reference)}" for k in download.foreign_keys
    )
    return " + ".join(download.primary_key), refers or "—"


def downloads_page(dataset: Dataset) -> Page:
    """数据下载: the files, what each column holds, and how they relate to the pages."""
    page = urls.DOWNLOADS
    out = PageWriter()
    out.add(
        "# 数据下载",
        "",
        f"本站全部 {len(dataset.issues)} 期周报的数据，每次发布时随网站一起重新生成。"
        "文件为 UTF-8 编码（CSV 带表头，逗号分隔；数字按原表写法，不含千分位与百分号），可直接用 Excel、pandas 或 R 读取。"
        "每一行都来自它所在的那一期，与该期页面上的数字一致。",
        "",
        "文本单元格若以 `=`、`+`、`-`、`@`、制表符或回车开头（Excel 等会把它当作公式执行），"
        "文件中在其前加一个英文单引号 `'`，如 `'=HYPERLINK(…)`；类型为数字的列不加，`-5.17` 仍是 `-5.17`。"
        "本站所有 CSV（含各图表、公司页与板块页的数据）都如此。",
        "",
    )

    def file_section(
        title: str, anchor: str, about: str, path: str, heads: list[str], rows: Sequence[tuple[str, ...]]
    ) -> None:
        out.add(f"## {title} {{#{anchor}}}", "", md_text(about), "")
        out.block(
            fragment(
                "download_file.html", href=urls.href(page, path), name=path.rsplit("/", 1)[1], heads=heads, rows=rows
            ),
            searchable=True,
        )

    for d in CSV_DOWNLOADS:
        key, refers = keys_text(d)
        about = f"{d.about}主键（每行唯一）：{key}。" + (f"引用：{refers}。" if d.foreign_keys else "")
        columns = [(c.name, TYPE_NAMES[c.type], c.about) for c in d.columns]
        file_section(d.title, d.anchor, about, d.path, ["列", "类型", "含义"], columns)
    file_section(
        "索引（JSON）",
        "index",
        "期次与公司的索引：每期的页面与图表数据、每家公司的页面与历史数据的网址。",
        urls.DOWNLOAD_INDEX,
        ["字段", "含义"],
        list(INDEX_FIELDS),
    )
    file_section(
        "数据包描述（datapackage.json）",
        "datapackage",
        "以上四个 CSV 的 Frictionless Data Package（v1）描述：每列的类型、含义与是否必填，各文件的主键与相互引用（外键），"
        "即本页表格所列。可用 frictionless 校验（frictionless validate datapackage.json），"
        "或由支持数据包的工具按类型读入（如 Python 与 R 的 frictionless 包）。",
        urls.DOWNLOAD_PACKAGE,
        ["文件", "主键", "引用"],
        [(d.path.rsplit("/", 1)[1], *keys_text(d)) for d in CSV_DOWNLOADS],
    )
    out.add(
        "## 其他数据 {#more}",
        "",
        "每期页面的每个图表下方可下载该图表的数据（CSV）；每个公司页可下载该公司历次股价复盘的数据与收盘价，每个板块页可下载其本周涨跌幅中位数，业绩回顾页可下载累计收益。",
        "",
    )
    return out.page(page_meta(describe.downloads(dataset)))

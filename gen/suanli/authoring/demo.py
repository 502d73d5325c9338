"""Synthetic data folders for tests, screenshots and benchmarks (`suanli demo`).

The companies are the real registry's names; every number and sentence is
made up by a seeded random walk, so the same arguments always write the same
files. `site.yaml` says `synthetic: true`, which puts 示例数据 on every page.
The shipped data/ stays real: this writes only where it is told to.

Besides the issues and series it writes benchmarks.yaml (an index for every
market the companies trade in) and series/prices.csv: a close per trading day
for every company but UNPRICED and for every benchmark, from a week before the
first issue to the last (never after today). A company's closes pass through
its weekly walk on each issue date, and its stock table's 本周 is the return
from its last close before the issue's period to the issue's: the tables and
the closes agree, as `suanli qa` checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NotRequired, TypedDict

import yaml

DEFAULT_END = dt.date(2024, 12, 11)
TRAFFIC_SITES = {
    "text": {"ChatGPT": 80000, "Gemini": 9000, "Claude": 6000, "Perplexity": 7000, "Kimi": 2500},
    "image": {"Midjourney": 1800, "Ideogram": 700, "Leonardo": 1400},
    "video": {"Runway": 900, "Pika": 400, "Luma": 350, "MiniMax": 300},
}
APPS = {"豆包": 1500, "Kimi": 500, "文小言": 400, "通义": 300, "腾讯元宝": 200}
GPUS = {"H100": (30000, 24000), "A100": (16000, 9000)}
SEGMENTS = {"端侧 SoC": "端侧 SoC", "国产算力链": "CPU/GPU", "数据中心硬件": "数据中心硬件"}
RISKS = ["技术发展及落地不及预期", "下游终端出货不及预期", "下游需求不及预期", "市场竞争加剧风险", "地缘政治风险"]
LATE_JOINERS = ("688795.SH", "688802.SH")  # enter the stock table a third of the way through
# The one company without a single close in prices.csv, so the site shows 缺少价格 for it. 英业达 is one of
# the 13 数据中心硬件 names, of which an issue recommends 4: it is in about a third of the issues' 建议关注,
# and the other two-thirds are fully priced. Its market (TW) keeps its benchmark: 广达 and 纬颖 are priced.
UNPRICED = "2356.TW"
# benchmarks.yaml: every market suffix of demo_companies.yaml measured against one index (Wind codes),
# with the level the index's synthetic walk starts at.
BENCHMARKS: list[tuple[str, str, tuple[str, ...], float]] = [
    ("000300.SH", "沪深300", ("SH", "SZ", "BJ"), 3500.0),
    ("HSI.HI", "恒生指数", ("HK",), 18000.0),
    ("IXIC.GI", "纳斯达克综合指数", ("O", "N"), 12000.0),
    ("KS11.GI", "韩国综合指数", ("KS",), 2500.0),
    ("TWII.GI", "台湾加权指数", ("TW",), 15000.0),
]
# Trading days: weekdays but a handful of holidays per exchange group, each a fixed (month, day) or days
# counted from Spring Festival (春节, SPRING_FESTIVAL); no weekend holiday is moved to a weekday. The
# A-share 国庆 week (10-01..10-07) always holds a Wednesday, so at 52 weeks or more some issue is dated on a
# day its A-share names did not trade, and a track record must take the last close before it.
CALENDAR = {"SH": "CN", "SZ": "CN", "BJ": "CN", "HK": "HK", "O": "US", "N": "US", "KS": "KR", "TW": "TW"}
FIXED_HOLIDAYS: dict[str, tuple[tuple[int, int], ...]] = {
    "CN": ((1, 1), (5, 1), (5, 2), (5, 3), *((10, d) for d in range(1, 8))),
    "HK": ((1, 1), (7, 1), (10, 1), (12, 25), (12, 26)),
    "US": ((1, 1), (7, 4), (12, 25)),  # and Thanksgiving, the fourth Thursday of November
    "KR": ((1, 1), (3, 1), (8, 15), (10, 3), (12, 25)),
    "TW": ((1, 1), (2, 28), (10, 10)),
}
SPRING_FESTIVAL_DAYS = {"CN": range(-1, 6), "HK": range(0, 3), "KR": range(-1, 2), "TW": range(-1, 5)}
# 正月初一 of each year (a year not listed has no Spring Festival closure)
SPRING_FESTIVAL = {
    day.year: day
    for day in map(
        dt.date.fromisoformat,
        "2010-02-14 2011-02-03 2012-01-23 2013-02-10 2014-01-31 2015-02-19 2016-02-08 "
        "2017-01-28 2018-02-16 2019-02-05 2020-01-25 2021-02-12 2022-02-01 2023-01-22 "
        "2024-02-10 2025-01-29 2026-02-17 2027-02-06 2028-01-26 2029-02-13 2030-02-03".split(),
    )
}


@dataclass
class Walk:
    """A company's synthetic share-price path: market cap in 亿 and a price index."""

    cap: float
    price: float


class DemoCompany(TypedDict):
    """One entry of demo_companies.yaml (and of the demo's companies.yaml)."""

    ticker: str
    name: str
    name_en: str
    sector: str
    aliases: NotRequired[list[str]]


def demo_companies() -> list[DemoCompany]:
    text = resources.files("suanli.authoring").joinpath("demo_companies.yaml").read_text(encoding="utf-8")
    companies: list[DemoCompany] = yaml.safe_load(text)  # yaml.safe_load returns Any; this says what the file holds
    return companies


def write_demo(target: Path, weeks: int = 52, end: dt.date = DEFAULT_END, seed: int = 2024) -> list[Path]:
    """Write a complete synthetic data folder of `weeks` weekly issues ending on `end`."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; demo data goes into a new or empty folder")
    rng = random.Random(seed)
    companies = demo_companies()
    dates = [end - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    written: list[Path] = []

    def write(relative: str, content: str) -> None:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)

    write(
        "site.yaml", "# Synthetic data made by `suanli demo`: every page of its site says 示例数据.\nsynthetic: true\n"
    )
    write(
        "companies.yaml",
        "# 示例数据: the real registry's names; all numbers in this folder are synthetic.\n" + _yaml(companies),
    )
    write("series/traffic.csv", _traffic(rng, dates))
    write("series/downloads.csv", _downloads(rng, dates))
    write("series/gpu_prices.csv", _gpu_prices(rng, dates))

    walks = {
        c["ticker"]: Walk(cap=rng.uniform(50, 3000) * (10 if c["ticker"].endswith((".O", ".N")) else 1), price=100.0)
        for c in companies
    }
    joins_at = len(dates) // 3
    weekly: list[dict[str, float]] = []  # each issue's price index per ticker, for the daily closes
    tables: list[tuple[list[DemoCompany], list[dict[str, str]]]] = []
    year_open: dict[str, float] = {}
    month_open: dict[str, float] = {}
    for number, date in enumerate(dates, 1):
        previous = {t: w.price for t, w in walks.items()}
        for walk in walks.values():
            change = rng.gauss(0.002, 0.045)
            walk.price *= 1 + change
            walk.cap *= 1 + change
        weekly.append({t: w.price for t, w in walks.items()})
        if number == 1 or date.year != dates[number - 2].year:
            year_open = dict(previous)
        if number == 1 or date.month != dates[number - 2].month:
            month_open = dict(previous)
        listed = [c for c in companies if c["ticker"] not in LATE_JOINERS or number > joins_at]
        rows = []
        for company in listed:
            ticker, walk = company["ticker"], walks[company["ticker"]]
            rows.append(
                {
                    "ticker": ticker,
                    "market_cap": f"{walk.cap:.0f}",
                    "currency": "USD" if ticker.endswith((".O", ".N", ".HK", ".KS", ".TW")) else "CNY",
                    "week_pct": "",  # from the closes, below
                    "month_pct": f"{(walk.price / month_open[ticker] - 1) * 100:.2f}",
                    "ytd_pct": f"{(walk.price / year_open[ticker] - 1) * 100:.2f}",
                }
            )
        tables.append((listed, rows))
    # a stream of its own for the days between issues
    closes = DailyCloses(random.Random(f"{seed}:prices"), companies, dates, weekly)
    unpriced_listed = False  # whether an issue recommends UNPRICED (then qa.yaml accepts its missing closes)
    for number, (date, (listed, rows)) in enumerate(zip(dates, tables, strict=True), 1):
        for row in rows:  # 本周: from the last close before the period (Monday) to the issue's
            row["week_pct"] = f"{closes.change(row['ticker'], date - dt.timedelta(days=3), date) * 100:.2f}"
        folder = f"issues/{date.isoformat()}"
        write(
            f"{folder}/stocks.csv", _csv(["ticker", "market_cap", "currency", "week_pct", "month_pct", "ytd_pct"], rows)
        )
        write(f"{folder}/launches.csv", _launches(rng, date))
        issue = _issue_yaml(rng, number, date, listed, rows, companies, renamed=number > len(dates) // 2)
        write(f"{folder}/issue.yaml", issue)
        unpriced_listed = unpriced_listed or f"- {UNPRICED}\n" in issue
    write("benchmarks.yaml", _benchmarks_yaml())
    write("series/prices.csv", closes.csv())
    if unpriced_listed:  # an acceptance of nothing would itself be a finding (a stale acceptance)
        write(
            "qa.yaml",
            "# 示例数据: `suanli qa`'s acceptances (a finding that is true, and why)\n"
            f"- rule: missing-close\n  ticker: {UNPRICED}\n"
            "  reason: 示例数据故意不给这家公司收盘价，以展示业绩回顾中的“缺少价格”\n",
        )
    return written


def _csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _yaml(value: object) -> str:
    """yaml.safe_dump's text, by libyaml when PyYAML has it (the same text, several times faster)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(value, Dumper=dumper, allow_unicode=True, sort_keys=False)


def _benchmarks_yaml() -> str:
    lines = ["# 示例数据: the index each market's names are measured against (Wind codes); closes in prices.csv\n"]
    for ticker, name, markets, _ in BENCHMARKS:
        lines.append(f"- ticker: {ticker}\n  name: {name}\n  markets: [{', '.join(markets)}]\n")
    return "".join(lines)


def _holidays(calendar: str, years: range) -> set[dt.date]:
    shut = {dt.date(year, month, day) for year in years for month, day in FIXED_HOLIDAYS.get(calendar, ())}
    for year in years:
        if calendar in SPRING_FESTIVAL_DAYS and year in SPRING_FESTIVAL:
            new_year = SPRING_FESTIVAL[year]
            shut.update(new_year + dt.timedelta(days=d) for d in SPRING_FESTIVAL_DAYS[calendar])
        if calendar == "US":
            november = dt.date(year, 11, 1)
            shut.add(november + dt.timedelta(days=(3 - november.weekday()) % 7 + 21))  # Thanksgiving
    return shut


def _price_level(rng: random.Random, market: str) -> float:
    """A plausible first close in the listing's currency: won in Seoul, NT$ in Taipei, HK$ in Hong Kong."""
    low, high = {"KS": (50000.0, 200000.0), "TW": (100.0, 1000.0), "HK": (1.0, 80.0)}.get(market, (10.0, 300.0))
    return rng.uniform(low, high)


class DailyCloses:
    """Every ticker's close on each calendar day from a week before the first issue to the last, in its
    market's calendar (weekends and holidays shut), rounded to the cent as prices.csv writes them.

    A company's close on each issue date is its stock-table walk (`weekly`, an index that starts at 100),
    scaled to a price level of its own; the days between two issues are a Brownian bridge between the two.
    So the names' weekly moves (σ 4.5%) scatter them well above and below their benchmark, whose own walk
    is calmer (σ about 2% a week, a similar drift). UNPRICED is walked too (its 本周 comes from it) but
    never written."""

    def __init__(
        self, rng: random.Random, companies: list[DemoCompany], dates: list[dt.date], weekly: list[dict[str, float]]
    ) -> None:
        self.first = dates[0] - dt.timedelta(weeks=1)
        days = (dates[-1] - self.first).days + 1  # the issues are a week apart: day 7k is issue k
        self.written = max(0, min(days, (dt.date.today() - self.first).days + 1))
        self.series: dict[str, tuple[str, list[float]]] = {}  # ticker -> (calendar, a close per calendar day)
        for company in companies:
            ticker = company["ticker"]
            market = ticker.rsplit(".", 1)[-1]
            level = _price_level(rng, market)
            logs = [0.0]
            anchor = 0.0
            for week in weekly:
                target = math.log(week[ticker] / 100)
                noise = list(itertools.accumulate(rng.gauss(0.0, 0.012) for _ in range(7)))
                logs.extend(anchor + (target - anchor - noise[6]) * i / 7 + noise[i - 1] for i in range(1, 8))
                anchor = target
            self.series[ticker] = (CALENDAR.get(market, ""), [round(max(level * math.exp(v), 0.01), 2) for v in logs])
        for ticker, _, markets, level in BENCHMARKS:
            logs = list(itertools.accumulate((rng.gauss(0.00015, 0.008) for _ in range(days - 1)), initial=0.0))
            self.series[ticker] = (CALENDAR.get(markets[0], ""), [round(level * math.exp(v), 2) for v in logs])
        years = range(self.first.year, dates[-1].year + 1)
        self.shut = {calendar: _holidays(calendar, years) for calendar, _ in self.series.values()}

    def close_on(self, ticker: str, day: dt.date) -> float:
        """The last close on or before `day` (its market shut at weekends and on holidays)."""
        calendar, closes = self.series[ticker]
        while day.weekday() >= 5 or day in self.shut[calendar]:
            day -= dt.timedelta(days=1)
        return closes[(day - self.first).days]

    def change(self, ticker: str, before: dt.date, day: dt.date) -> float:
        """The return from the close on or before `before` to the close on or before `day`."""
        return self.close_on(ticker, day) / self.close_on(ticker, before) - 1

    def csv(self) -> str:
        """series/prices.csv: by date, then ticker; UNPRICED left out."""
        lines = ["date,ticker,close\n"]
        order = sorted((t, s) for t, s in self.series.items() if t != UNPRICED)
        for d in range(self.written):
            day = self.first + dt.timedelta(days=d)
            if day.weekday() >= 5:
                continue
            iso = day.isoformat()
            lines.extend(
                f"{iso},{ticker},{closes[d]:.2f}\n"
                for ticker, (calendar, closes) in order
                if day not in self.shut[calendar]
            )
        return "".join(lines)


def _traffic(rng: random.Random, dates: list[dt.date]) -> str:
    rows = []
    levels: dict[tuple[str, str], float] = {
        (cat, site): base for cat, sites in TRAFFIC_SITES.items() for site, base in sites.items()
    }
    # Similarweb weeks end the Thursday before each issue: week_end = issue date - 6 days.
    for date in dates:
        week_end = date - dt.timedelta(days=6)
        for (category, site), level in levels.items():
            levels[(category, site)] = level * (1 + rng.gauss(0.004, 0.05))
            rows.append(
                {
                    "week_start": (week_end - dt.timedelta(days=6)).isoformat(),
                    "week_end": week_end.isoformat(),
                    "category": category,
                    "site": site,
                    "visits": f"{levels[(category, site)]:.0f}",
                }
            )
    return _csv(["week_start", "week_end", "category", "site", "visits"], rows)


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _downloads(rng: random.Random, dates: list[dt.date]) -> str:
    rows = []
    levels: dict[str, float] = dict(APPS)
    months = _months(dates[0], dates[-1])
    for month in months:
        partial = month == months[-1]
        for app, level in levels.items():
            levels[app] = level * (1 + rng.gauss(0.01, 0.08))
            value = levels[app] * (rng.uniform(0.3, 0.6) if partial else 1)
            rows.append(
                {"month": month, "app": app, "downloads": f"{value:.1f}", "partial": "true" if partial else "false"}
            )
    return _csv(["month", "app", "downloads", "partial"], rows)


def _gpu_prices(rng: random.Random, dates: list[dt.date]) -> str:
    rows = []
    prices: dict[tuple[str, str], float] = {
        (gpu, cond): price for gpu, (new, used) in GPUS.items() for cond, price in (("new", new), ("used", used))
    }
    for date in dates:
        day = date - dt.timedelta(days=1)
        for (gpu, condition), price in prices.items():
            prices[(gpu, condition)] = max(1000.0, price * (1 + rng.gauss(-0.002, 0.02)))
            rows.append(
                {
                    "date": day.isoformat(),
                    "gpu": gpu,
                    "condition": condition,
                    "price_usd": f"{prices[(gpu, condition)]:.2f}",
                }
            )
    return _csv(["date", "gpu", "condition", "price_usd"], rows)


def _launches(rng: random.Random, date: dt.date) -> str:
    rows = [
        {
            "日程": f"day{i}",
            "日期": (date - dt.timedelta(days=4 - i)).strftime("%m/%d"),
            "新产品": f"示例产品 {rng.randint(1, 99)}",
            "亮点": "示例数据：虚构的发布内容",
        }
        for i in range(1, 4)
    ]
    return _csv(["日程", "日期", "新产品", "亮点"], rows)


def _pct(value: str) -> str:
    return value if value.startswith("-") else "+" + value


def _issue_yaml(
    rng: random.Random,
    number: int,
    date: dt.date,
    listed: list[DemoCompany],
    rows: list[dict[str, str]],
    companies: list[DemoCompany],
    renamed: bool,
) -> str:
    start = date - dt.timedelta(days=2)
    by_move = sorted(rows, key=lambda r: float(r["week_pct"]))
    names = {c["ticker"]: c["name"] for c in companies}
    loser, winner = by_move[0], by_move[-1]
    movers = "，".join(f"{names[r['ticker']]}{_pct(r['week_pct'])}%" for r in rng.sample(rows, 3))
    sectors = {c["sector"] for c in listed}
    recommendations = []
    for segment, sector in SEGMENTS.items():
        members = [c["ticker"] for c in companies if c["sector"] == sector]
        recommendations.append({"segment": segment, "companies": rng.sample(members, min(4, len(members)))})
    period = f"{start:%m%d}-{date:%m%d}"
    issue = {
        "title": f"示例第 {number} 期：{names[winner['ticker']]}领涨，{len(sectors)} 个板块周度复盘",
        "date": date,
        "period": {"start": start, "end": date},
        "industry": "电子",
        "rating": {"rating": "强于大市", "change": "维持"},
        "authors": [{"name": "示例分析师", "role": "分析师", "license": "S0000000000000", "email": "demo@example.com"}],
        "highlights": [
            {
                "heading": f"本周({period}){names[winner['ticker']]}领涨，{names[loser['ticker']]}领跌。",
                "body": f"示例数据。本周 {movers}。{names[winner['ticker']]}{_pct(winner['week_pct'])}%，"
                f"{names[loser['ticker']]}{_pct(loser['week_pct'])}%。",
            },
            {
                "heading": "AI 应用流量与下载保持增长。",
                "body": "示例数据：ChatGPT、豆包等应用的访问量与下载量见图表 2 至图表 5。\n\n**要点#1:** 虚构的要点，仅供演示。"
                # the first half of an archive calls 工业富联 by its former name (an alias in the registry)
                f"{'工业富联' if renamed else '富士康工业互联网'}服务器出货保持增长。",
            },
            {
                "heading": "GPU 价格走势平稳。",
                "section": "大模型跟踪",
                "body": "示例数据：H100、A100 新品与二手价格见图表 6、图表 7。",
            },
        ],
        "recommendations": recommendations,
        "risks": RISKS,
        "related": [{"title": f"示例第 {number - 1} 期周报", "date": date - dt.timedelta(weeks=1)}]
        if number > 1
        else [],
        "exhibits": [
            {
                "number": 1,
                "kind": "stocks",
                "title": f"算力股价本周复盘 ({period})",
                "source": "示例数据",
                "note": f"以上市值、涨跌幅信息截至 {date.isoformat()}（示例数据）",
            },
            {
                "number": 2,
                "kind": "traffic",
                "category": "text",
                "title": "文本大模型网站访问量周度数据(单位: 万次)",
                "source": "示例数据",
            },
            {
                "number": 3,
                "kind": "traffic",
                "category": "image",
                "title": "图片大模型网站访问量周度数据(单位: 万次)",
                "source": "示例数据",
            },
            {
                "number": 4,
                "kind": "traffic",
                "category": "video",
                "title": "视频大模型网站访问量周度数据(单位: 万次)",
                "source": "示例数据",
            },
            {
                "number": 5,
                "kind": "downloads",
                "title": "国内头部大模型 App 下载量月度数据 (单位: 万次)",
                "source": "示例数据",
                "note": "当月数据为非完全统计",
            },
            {"number": 6, "kind": "gpu_prices", "gpu": "H100", "title": "NVIDIA H100 GPU 价格图", "source": "示例数据"},
            {"number": 7, "kind": "gpu_prices", "gpu": "A100", "title": "NVIDIA A100 GPU 价格图", "source": "示例数据"},
            {"number": 8, "kind": "table", "file": "launches.csv", "title": "本周发布汇总", "source": "示例数据"},
        ],
    }
    if number % 10 == 5:
        issue["revisions"] = [
            {"date": date + dt.timedelta(days=1), "note": "示例更正：修订图表1中一家公司的本月涨跌幅"}
        ]
    return "# 示例数据 (synthetic): made by suanli demo\n" + _yaml(issue)

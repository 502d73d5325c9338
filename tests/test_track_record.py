"""业绩回顾 (/track-record/): the track data set (helpers.track_data) built, and every figure on the page,
in track_record.csv, calls.csv and the company pages checked against this file's own computation of the
stated method: exact fractions from prices.csv's text, the close "on" a date found by scanning every date,
nothing shared with the generator's code."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import FORMULA_NAME, FORMULA_SEGMENT, HOSTILE, TRACK_ISSUES, build, track_closes, track_data

BENCHMARK_OF = {"SH": "000300.SH", "SZ": "000300.SH", "BJ": "000300.SH", "HK": "HSI.HI", "O": "IXIC.GI", "N": "IXIC.GI"}
NAMES = {"688256.SH": "寒武纪", "688041.SH": "海光信息", "NVDA.O": "英伟达", "0700.HK": "腾讯控股", "MU.O": "美光"}


# --- the oracle -------------------------------------------------------------------------------------------


def closes() -> dict[str, dict[dt.date, Fraction]]:
    out: dict[str, dict[dt.date, Fraction]] = {}
    for row in csv.DictReader(io.StringIO(track_closes())):
        out.setdefault(row["ticker"], {})[dt.date.fromisoformat(row["date"])] = Fraction(row["close"])
    return out


CLOSES = closes()
LATEST = max(day for days in CLOSES.values() for day in days)
DATES = [dt.date.fromisoformat(d) for d in TRACK_ISSUES]


def close_on(ticker: str, day: dt.date) -> tuple[dt.date, Fraction] | None:
    before = [d for d in CLOSES.get(ticker, {}) if d <= day]
    return (max(before), CLOSES[ticker][max(before)]) if before else None


def change(ticker: str, start: dt.date, end: dt.date) -> Fraction | None:
    a, b = close_on(ticker, start), close_on(ticker, end)
    return None if a is None or b is None else b[1] / a[1] - 1


def scored(ticker: str, start: dt.date, end: dt.date) -> tuple[Fraction, Fraction] | None:
    own, benchmark = change(ticker, start, end), change(BENCHMARK_OF[ticker.rsplit(".", 1)[1]], start, end)
    return None if own is None or benchmark is None else (own, benchmark)


def pct(value: Fraction | None, places: int) -> str:
    if value is None:
        return ""
    exact = Decimal(value.numerator) / Decimal(value.denominator) * 100
    return format(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0, "f")


def window(start: dt.date, due: dt.date | None) -> tuple[dt.date, bool]:
    """Held to `due` (the next issue, or the first that no longer lists the name), or to the latest close if
    that is earlier: (the end, whether it is the latest close)."""
    return (due, False) if due is not None and due <= LATEST else (LATEST, True)


def expected_periods() -> list[dict[str, object]]:
    rows, growth, benchmark_growth = [], Fraction(1), Fraction(1)
    for i, (date, segments) in enumerate(TRACK_ISSUES.items()):
        if not segments:
            continue  # an issue without 建议关注 holds nothing
        start = DATES[i]
        end, is_open = window(start, DATES[i + 1] if i + 1 < len(DATES) else None)
        members = list(dict.fromkeys(t for tickers in segments.values() for t in tickers))
        pending = end <= start
        scores = {t: None if pending else scored(t, start, end) for t in members}
        priced = {t: s for t, s in scores.items() if s is not None}
        row = {
            "issue_date": date,
            "end_date": end.isoformat(),
            "open": "true" if is_open else "false",
            "members": str(len(members)),
            "priced": str(len(priced)),
            "missing": "" if pending else " ".join(t for t in members if scores[t] is None),
            "return_pct": "",
            "benchmark_pct": "",
            "excess_pct": "",
            "wins": "0",
            "win_rate_pct": "",
            "cumulative_pct": "",
            "benchmark_cumulative_pct": "",
        }
        if priced:
            ret = sum(s[0] for s in priced.values()) / len(priced)
            benchmark = sum(s[1] for s in priced.values()) / len(priced)
            wins = sum(s[0] > s[1] for s in priced.values())
            growth *= 1 + ret
            benchmark_growth *= 1 + benchmark
            row |= {
                "return_pct": pct(ret, 4),
                "benchmark_pct": pct(benchmark, 4),
                "excess_pct": pct(ret - benchmark, 4),
                "wins": str(wins),
                "win_rate_pct": pct(Fraction(wins, len(priced)), 4),
                "cumulative_pct": pct(growth - 1, 4),
                "benchmark_cumulative_pct": pct(benchmark_growth - 1, 4),
            }
        rows.append(row)
    return rows


def expected_spells() -> list[dict[str, object]]:
    runs: list[list[object]] = []  # ticker, first, last, segments, the issue that no longer lists it
    current: dict[str, list[object]] = {}
    for date, segments in TRACK_ISSUES.items():
        listed = {t for tickers in segments.values() for t in tickers}
        for ticker in [t for t in current if t not in listed]:
            current.pop(ticker)[4] = date
        for segment, tickers in segments.items():
            for ticker in tickers:
                if ticker not in current:
                    current[ticker] = [ticker, date, date, [], None]
                    runs.append(current[ticker])
                run = current[ticker]
                run[2] = date
                if segment not in run[3]:
                    run[3].append(segment)
    out = []
    for ticker, first, last, segments, due in runs:
        start = dt.date.fromisoformat(first)
        end, _ = window(start, dt.date.fromisoformat(due) if due else None)
        score = scored(ticker, start, end) if end > start else None
        out.append(
            {
                "ticker": ticker,
                "name": NAMES[ticker],
                "segments": "；".join(segments),
                "first_issue": first,
                "last_issue": last,
                "end_date": end.isoformat(),
                "open": "true" if due is None else "false",
                "benchmark": BENCHMARK_OF[ticker.rsplit(".", 1)[1]],
                "return_pct": pct(score[0], 4) if score else "",
                "benchmark_pct": pct(score[1], 4) if score else "",
                "excess_pct": pct(score[0] - score[1], 4) if score else "",
            }
        )
    return out


# --- the built site -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def track_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("track")
    result = build(track_data(root / "data"), root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def soup_of(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "lxml")


def test_the_data_set_holds_the_cases_the_method_names():
    # a market holiday on an issue date: 0700.HK's 12-25 purchase is the 12-24 close, A-shares trade that day
    assert close_on("0700.HK", dt.date(2024, 12, 25))[0] == dt.date(2024, 12, 24)
    assert close_on("HSI.HI", dt.date(2024, 12, 25))[0] == dt.date(2024, 12, 24)
    assert close_on("688256.SH", dt.date(2024, 12, 25))[0] == dt.date(2024, 12, 25)
    assert "MU.O" not in CLOSES  # a name without prices
    assert TRACK_ISSUES["2024-12-11"]["海外"] == ["NVDA.O"] and "NVDA.O" in TRACK_ISSUES["2024-12-11"]["存储"]
    listed = [any("0700.HK" in t for t in segments.values()) for segments in TRACK_ISSUES.values()]
    assert listed[:4] == [True, False, True, True]  # leaves the list and returns
    assert TRACK_ISSUES["2025-01-01"] == {}  # an issue without 建议关注 ends every run
    assert DATES[-2] > LATEST and DATES[-1] > LATEST  # the closes end before the last two issues


def test_track_record_csv_is_the_method_applied(track_site):
    assert read_csv(track_site / "downloads/track_record.csv") == expected_periods()


def test_calls_csv_is_one_row_per_spell(track_site):
    rows = read_csv(track_site / "downloads/calls.csv")
    assert rows == expected_spells()
    assert [(r["first_issue"], r["end_date"], r["open"]) for r in rows if r["ticker"] == "0700.HK"] == [
        ("2024-12-04", "2024-12-11", "false"),
        ("2024-12-18", LATEST.isoformat(), "false"),  # ended by 2025-01-01, after the latest close
    ]
    pending = [r for r in rows if r["first_issue"] == "2025-01-08"]
    assert [(r["ticker"], r["open"], r["return_pct"]) for r in pending] == [("688256.SH", "true", "")]


def test_the_page_shows_every_period_to_two_decimals(track_site):
    soup = soup_of(track_site, "track-record")
    shown = [[c.get_text() for c in tr.select("th, td")] for tr in soup.select("#periods-table tbody tr")]
    expected = []
    for row in reversed(expected_periods()):
        pending = row["end_date"] <= row["issue_date"]

        def two(column: str, missing: str, row: dict = row) -> str:
            return pct(Fraction(row[column]) / 100, 2) + "%" if row[column] else missing

        missing = [NAMES[t] for t in str(row["missing"]).split()]
        rate = (
            f"{pct(Fraction(row['win_rate_pct']) / 100, 1)}%（{row['wins']}/{row['priced']}）"
            if row["win_rate_pct"]
            else "—"
        )
        expected.append(
            [
                row["issue_date"],
                two("return_pct", "尚无收盘价" if pending else "缺少价格"),
                two("benchmark_pct", "—"),
                two("excess_pct", "—"),
                rate,
                row["members"],
                str(row["end_date"]) + ("（最新收盘）" if row["open"] == "true" else ""),
                "、".join(missing) + (f"（{len(missing)}）" if missing else ""),
            ]
        )
    assert shown == expected
    assert shown[0][1] == "尚无收盘价" and shown[1][6] == f"{LATEST.isoformat()}（最新收盘）"
    summary = soup.select_one(".suanli-track-summary").get_text()
    assert f"数据截至 {LATEST.isoformat()} 收盘" in summary
    final = [p for p in expected_periods() if p["cumulative_pct"]][-1]
    assert f"组合 {pct(Fraction(final['cumulative_pct']) / 100, 2)}%" in summary


def test_each_segment_is_its_own_portfolio(track_site):
    soup = soup_of(track_site, "track-record")
    shown = {
        tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in soup.select("#segments-table tbody tr")
    }
    assert list(shown) == ["国产算力链", "海外", "存储"]
    for segment, cells in shown.items():
        growth, benchmark, wins, priced, listed = Fraction(1), Fraction(1), 0, 0, 0
        for i, segments in enumerate(TRACK_ISSUES.values()):
            if segment not in segments:
                continue
            listed += 1
            end, _ = window(DATES[i], DATES[i + 1] if i + 1 < len(DATES) else None)
            held = [s for t in dict.fromkeys(segments[segment]) if end > DATES[i] and (s := scored(t, DATES[i], end))]
            wins += sum(s[0] > s[1] for s in held)
            priced += len(held)
            if held:
                growth *= 1 + sum(s[0] for s in held) / len(held)
                benchmark *= 1 + sum(s[1] for s in held) / len(held)
        assert cells[:3] == [pct(growth - 1, 2) + "%", pct(benchmark - 1, 2) + "%", pct(growth - benchmark, 2) + "%"]
        assert cells[3] == f"{pct(Fraction(wins, priced), 1)}%（{wins}/{priced}）"
        assert cells[4].endswith(f"/{listed}")


def test_the_cumulative_chart_reads_the_growth_of_each_period(track_site):
    rows = read_csv(track_site / "track-record/cumulative.csv")
    periods = [p for p in expected_periods() if p["cumulative_pct"]]  # the periods with a figure
    assert [r["date"] for r in rows[::2]] == [periods[0]["issue_date"]] + [str(p["end_date"]) for p in periods]
    assert [r["cumulative_pct"] for r in rows if r["series"] == "建议关注组合"] == ["0.0000"] + [
        p["cumulative_pct"] for p in periods
    ]
    soup = soup_of(track_site, "track-record")
    assert soup.select_one('.suanli-chart[data-kind="track_record"]')["data-csv"] == "cumulative.csv"


def test_a_company_page_marks_each_recommendation_and_lists_its_spells(track_site):
    rows = read_csv(track_site / "companies/0700-hk/prices.csv")
    assert [(r["date"], r["close"]) for r in rows] == [
        (d.isoformat(), str(c.numerator / c.denominator).removesuffix(".0")) for d, c in CLOSES["0700.HK"].items()
    ]
    marks = {r["date"]: r["recommended_in"] for r in rows if r["recommended_in"]}
    assert marks == {"2024-12-04": "2024-12-04", "2024-12-18": "2024-12-18", "2024-12-24": "2024-12-25"}
    soup = soup_of(track_site, "companies/0700-hk")
    spells = [[c.get_text() for c in tr.select("th, td")][:4] for tr in soup.select("#spells-table tbody tr")]
    expected = [s for s in expected_spells() if s["ticker"] == "0700.HK"]
    assert spells == [
        [s["first_issue"], *(pct(Fraction(s[k]) / 100, 2) + "%" for k in ("return_pct", "benchmark_pct", "excess_pct"))]
        for s in reversed(expected)
    ]
    # a name without prices: no chart, its spells listed as 缺少价格
    mu = soup_of(track_site, "companies/mu-o")
    assert not mu.select(".suanli-chart[data-kind=company_price]")
    assert {tr.select("td")[0].get_text() for tr in mu.select("#spells-table tbody tr")} == {"缺少价格"}
    assert not (track_site / "companies/mu-o/prices.csv").exists()


def test_prices_change_no_byte_of_any_issue_page(track_site, tmp_path):
    """Issue pages are frozen as published: without prices, and with every close changed, they are the
    same bytes; the track record itself does change."""

    def issue_pages(site: Path) -> dict[str, bytes]:
        return {
            p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "issues").rglob("*")) if p.is_file()
        }

    without = track_data(tmp_path / "without", prices=False)
    changed = track_data(tmp_path / "changed")
    text = (changed / "series/prices.csv").read_text(encoding="utf-8")
    (changed / "series/prices.csv").write_text(text.replace(".1", ".9").replace(".3", ".2"), encoding="utf-8")
    ours = issue_pages(track_site)
    assert len([p for p in ours if p.endswith("index.html")]) == len(TRACK_ISSUES) + 1  # and the archive
    for data in (without, changed):
        site = tmp_path / f"site-{data.name}"
        result = build(data, site)
        assert result.returncode == 0, result.stderr
        assert issue_pages(site) == ours, data.name
        assert read_csv(site / "downloads/track_record.csv") != read_csv(track_site / "downloads/track_record.csv")


def test_without_prices_the_page_says_what_to_add(built_site):
    site = built_site("minimal").site
    soup = soup_of(site, "track-record")
    text = soup.select_one("article").get_text()
    for needed in ("prices.csv", "date,ticker,close", "benchmarks.yaml", "suanli import prices"):
        assert needed in text, needed
    assert soup.select_one('article a[href="../authoring/#prices"]')
    assert not soup.select(".suanli-chart")
    assert read_csv(site / "downloads/track_record.csv")[0]["return_pct"] == ""


def test_hostile_names_stay_text_in_every_new_page_and_file(built_site):
    site = built_site("hostile").site
    soup = soup_of(site, "track-record")
    article = soup.select_one("article")
    assert not article.select("script, img")
    text = article.get_text()
    for where in ("英伟达", "国产算力链", "沪深300", "纳斯达克"):
        assert where + HOSTILE in text, where
    assert FORMULA_SEGMENT in text and FORMULA_NAME in text and "'" + FORMULA_SEGMENT not in text  # as written
    calls = read_csv(site / "downloads/calls.csv")
    # MU.O's name and segment open like formulas: the file guards them with a leading ' (csv_table.py)
    assert {r["name"] for r in calls} == {"寒武纪", "英伟达" + HOSTILE, "'" + FORMULA_NAME}
    assert {r["segments"] for r in calls} == {"国产算力链" + HOSTILE, "'" + FORMULA_SEGMENT}
    company = soup_of(site, "companies/nvda-o")
    assert "纳斯达克" + HOSTILE in company.select_one("#spells-table").get_text()
    assert not company.select("article script, article img")

"""The only reader of a data folder: files -> contract models, every error collected.

`load_dataset` either returns a whole, valid Dataset or raises DataErrors with
every problem in the folder; nothing downstream ever sees partial data.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from suanli.contract import (
    CURRENCY_UNITS,
    DEFAULT_SECTION,
    DOWNLOAD_WINDOW_MONTHS,
    EXHIBIT_KINDS,
    GPU_CONDITIONS,
    HAN_CHARACTER,
    RATING_CHANGES,
    RATINGS,
    SERIES_WINDOW_WEEKS,
    TICKER,
    TRAFFIC_CATEGORIES,
    Author,
    Company,
    Dataset,
    Exhibit,
    Highlight,
    Issue,
    Recommendation,
    Registry,
    Related,
    Revision,
    Series,
    StockRow,
    Table,
    month_number,
    sector_slug,
    series_window,
)
from suanli.errors import Collector, show
from suanli.load.csvsrc import Cells, read_csv
from suanli.load.fields import Fields, parse_iso_date
from suanli.load.prices import PricesMemo, load_prices
from suanli.load.yamlsrc import KeyPath, load_yaml

STOCK_COLUMNS = ("ticker", "market_cap", "currency", "week_pct", "month_pct", "ytd_pct")
TRAFFIC_COLUMNS = ("week_start", "week_end", "category", "site", "visits")
DOWNLOAD_COLUMNS = ("month", "app", "downloads", "partial")
GPU_COLUMNS = ("date", "gpu", "condition", "price_usd")
SERIES_EXHIBITS = {
    "traffic": "series/traffic.csv",
    "downloads": "series/downloads.csv",
    "gpu_prices": "series/gpu_prices.csv",
}
SERIES_FILES = {Path(file).name for file in SERIES_EXHIBITS.values()}
# Issues kept between builds: (issue folder, companies.yaml digest, the folder's files digest) -> Issue.
IssueMemo = dict[tuple[str, bytes, bytes], Issue]
# The series kept between builds: the digest of the series/ files -> Series (one entry, the last).
SeriesMemo = dict[bytes, Series]


def load_dataset(
    root: Path,
    memo: IssueMemo | None = None,
    series_memo: SeriesMemo | None = None,
    prices_memo: PricesMemo | None = None,
) -> Dataset:
    """Load and validate a whole data folder (raises DataErrors listing every problem). `memo` (a preview
    session's, site/session.py) keeps each issue folder's parsed Issue from one build to the next, keyed by
    the folder's files and companies.yaml, the only files `_load_issue` reads; only Issues that loaded
    without an error are kept, and entries of folders gone or changed are dropped. `series_memo` keeps the
    series likewise, by the bytes of their files, and `prices_memo` the prices (load/prices.py)."""
    root = Path(root)
    errors = Collector()
    if not root.is_dir():
        errors.add("missing-file", root, None, "", "no such folder", "a data folder with companies.yaml and issues/")
        errors.raise_if_any()
    synthetic = _load_site(root / "site.yaml", errors)
    registry = _load_registry(root / "companies.yaml", errors)
    series = _load_series_memoized(root / "series", errors, series_memo)
    issues = _load_issues(root / "issues", registry, errors, memo, root / "companies.yaml")
    if registry is not None:
        _check_exhibit_data(root, issues, series, errors)
    prices = load_prices(root, registry, issues, errors, prices_memo)
    errors.raise_if_any()
    assert registry is not None  # unreadable companies.yaml is an error, raised above
    return Dataset(registry=registry, issues=tuple(issues), series=series, synthetic=synthetic, prices=prices)


def load_registry(root: Path) -> Registry:
    """Only companies.yaml (what importing needs while an issue is still being written)."""
    errors = Collector()
    registry = _load_registry(Path(root) / "companies.yaml", errors)
    errors.raise_if_any()
    assert registry is not None  # unreadable companies.yaml is an error, raised above
    return registry


# --- site.yaml -------------------------------------------------------------------


def _load_site(path: Path, errors: Collector) -> bool:
    """Optional site settings; `synthetic: true` marks demo data on every page."""
    if not path.exists():
        return False
    doc = load_yaml(path, errors)
    if doc is None:
        return False
    fields = Fields.of(doc, errors, {"synthetic"})
    value = fields.value.get("synthetic", False)
    if not isinstance(value, bool):
        fields.error("wrong-type", "synthetic", show(value), "true or false")
        return False
    return value


# --- companies.yaml --------------------------------------------------------------

COMPANY_FIELDS = {"ticker", "name", "name_en", "sector", "aliases", "pinyin"}
PINYIN = re.compile(r"[a-z]+(?: [a-z]+)*")  # syllables of lowercase letters (ü as v), one space apart


def _load_registry(path: Path, errors: Collector) -> Registry | None:
    if not path.exists():
        errors.add("missing-file", path, None, "", "no such file", "the company registry companies.yaml")
        return None
    doc = load_yaml(path, errors)
    if doc is None:
        return None
    if not isinstance(doc.value, list) or not doc.value:
        errors.add(
            "wrong-type", path, doc.line(()), "", show(doc.value), "a list of companies, each starting with - ticker:"
        )
        return None
    companies: list[Company] = []
    names: dict[str, str] = {}  # every searchable name -> the ticker it belongs to
    sectors: dict[str, str] = {}  # sector page slug -> the sector spelt as first seen
    for i, item in enumerate(doc.value):
        f = Fields(doc, (i,), item, errors, COMPANY_FIELDS)
        if not f.ok:
            continue
        ticker = f.text("ticker", expected="a ticker like NVDA.O or 688256.SH")
        if ticker is not None and not TICKER.match(ticker):
            f.error(
                "bad-ticker", "ticker", show(ticker), "a ticker like NVDA.O or 688256.SH (upper case, symbol.exchange)"
            )
            ticker = None
        name = f.text("name")
        name_en = f.text("name_en", required=False)
        sector = f.text("sector")
        aliases = f.text_list("aliases")
        pinyin = _pinyin(f, name)
        if ticker is None or name is None or sector is None:
            continue
        if ticker in names:
            f.error("duplicate", "ticker", show(ticker), "each ticker once in companies.yaml")
            continue
        # A name or alias used twice makes search ambiguous; the company still counts,
        # so its tickers elsewhere do not turn into further errors.
        for field_name, label in [("name", name), *(("aliases", a) for a in aliases)]:
            if label in names and names[label] != ticker:
                f.error("duplicate", field_name, show(label), f"a name not already used by {names[label]}")
            names.setdefault(label, ticker)
        names[ticker] = ticker
        slug = sector_slug(sector)
        if not slug:
            f.error("bad-choice", "sector", show(sector), "a sector name with letters, digits or Chinese")
            continue
        if sectors.setdefault(slug, sector) != sector:
            f.error(
                "duplicate",
                "sector",
                show(sector),
                f'the same spelling as the sector "{sectors[slug]}" (both would be /sectors/{slug}/)',
            )
            continue
        companies.append(
            Company(ticker=ticker, name=name, sector=sector, name_en=name_en, aliases=tuple(aliases), pinyin=pinyin)
        )
    return Registry(tuple(companies))


def _pinyin(f: Fields, name: str | None) -> str | None:
    """The optional reading of the name ("chang dian ke ji"): one syllable per Chinese character of it."""
    expected = 'the pinyin of the name: one syllable per Chinese character, lowercase letters (ü as v) separated by spaces, like "chang dian ke ji"'
    pinyin = f.text("pinyin", required=False, expected=expected)
    if pinyin is None or name is None:
        return None
    characters = len(HAN_CHARACTER.findall(name))
    if not characters:
        f.error("bad-pinyin", "pinyin", show(pinyin), f"no pinyin: the name {show(name)} has no Chinese characters")
        return None
    if not PINYIN.fullmatch(pinyin):
        f.error("bad-pinyin", "pinyin", show(pinyin), expected)
        return None
    syllables = len(pinyin.split(" "))
    if syllables != characters:
        f.error(
            "bad-pinyin",
            "pinyin",
            f"{show(pinyin)} ({syllables} syllable{'s' if syllables != 1 else ''})",
            f"{characters} syllable{'s' if characters != 1 else ''}, one per Chinese character of the name {show(name)}",
        )
        return None
    return pinyin


# --- issues ----------------------------------------------------------------------

ISSUE_FIELDS = {
    "title",
    "date",
    "period",
    "industry",
    "rating",
    "authors",
    "highlights",
    "recommendations",
    "risks",
    "related",
    "exhibits",
    "revisions",
}


def _load_issues(
    folder: Path,
    registry: Registry | None,
    errors: Collector,
    memo: IssueMemo | None = None,
    companies: Path | None = None,
) -> list[Issue]:
    kept: IssueMemo = {}
    registry_key = _files_digest([companies]) if memo is not None and companies is not None else b""
    if not folder.is_dir():
        errors.add("missing-file", folder, None, "", "no such folder", "issues/ with one folder per issue")
        return []
    issues = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue  # editor and OS files (.DS_Store) are not data
        if not entry.is_dir():
            errors.add(
                "not-a-folder",
                entry,
                None,
                "",
                "a file",
                "a folder per issue named by its date, like issues/2024-12-11/",
            )
            continue
        folder_date = parse_iso_date(entry.name)
        if folder_date is None:
            errors.add(
                "bad-folder-name",
                entry,
                None,
                "",
                f'a folder named "{entry.name}"',
                "a folder named by the issue's date, like 2024-12-11",
            )
            continue
        if memo is None:
            issue = _load_issue(entry, folder_date, registry, errors)
        else:
            key = (str(entry), registry_key, _files_digest(sorted(entry.iterdir())))
            issue = memo.get(key)
            if issue is None:
                before = len(errors.errors)
                issue = _load_issue(entry, folder_date, registry, errors)
                if issue is not None and len(errors.errors) == before:
                    kept[key] = issue
            else:
                kept[key] = issue
        if issue is not None:
            issues.append(issue)
    if memo is not None:
        memo.clear()
        memo.update(kept)
    if not issues and not errors.errors:
        errors.add(
            "missing-file", folder, None, "", "no issue folder", "at least one issue, like issues/2024-12-11/issue.yaml"
        )
    return sorted(issues, key=lambda issue: issue.date)


def _files_digest(paths: list[Path]) -> bytes:
    """The names and bytes of these files (a folder: its name only)."""
    digest = hashlib.blake2b(digest_size=20)
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes() + b"\0")
        else:
            digest.update(b"\1")
    return digest.digest()


def _load_issue(folder: Path, folder_date: dt.date, registry: Registry | None, errors: Collector) -> Issue | None:
    path = folder / "issue.yaml"
    if not path.exists():
        errors.add("missing-file", path, None, "", "no such file", "issue.yaml in every issue folder")
        return None
    doc = load_yaml(path, errors)
    if doc is None:
        return None
    before = len(errors.errors)
    f = Fields.of(doc, errors, ISSUE_FIELDS)
    if not f.ok:
        return None
    title = f.text("title")
    date = f.date("date")
    if date is not None and date != folder_date:
        f.error("date-mismatch", "date", date.isoformat(), f"{folder_date.isoformat()}, the name of the issue's folder")
    period_start = period_end = None
    if (period := f.mapping("period", {"start", "end"}, expected="a mapping {start: DATE, end: DATE}")) is not None:
        period_start, period_end = period.date("start"), period.date("end")
        if period_start and period_end and period_start > period_end:
            period.error(
                "bad-period", "end", period_end.isoformat(), f"a date on or after start ({period_start.isoformat()})"
            )
        if period_end and date and period_end > date:
            period.error(
                "bad-period",
                "end",
                period_end.isoformat(),
                f"a date on or before the issue's date ({date.isoformat()})",
            )
    industry = f.text("industry", required=False)
    rating = rating_change = None
    if (r := f.mapping("rating", {"rating", "change"}, required=False)) is not None:
        rating = r.choice("rating", RATINGS)
        rating_change = r.choice("change", RATING_CHANGES, required=False)
    authors = []
    for a in f.mappings("authors", {"name", "role", "license", "email"}, required=True, expected="at least one author"):
        name = a.text("name")
        if name is not None:
            authors.append(Author(name, a.text("role", False), a.text("license", False), a.text("email", False)))
    highlights = []
    for h in f.mappings("highlights", {"heading", "body", "section"}, required=True, expected="at least one highlight"):
        heading = h.text("heading")
        body = h.text("body", required=False, expected="Markdown text")
        section = h.text("section", required=False) or DEFAULT_SECTION
        if heading is not None:
            highlights.append(Highlight(heading, body, section))
    recommendations = []
    segments: set[str] = set()
    for r in f.mappings("recommendations", {"segment", "companies"}):
        # one row per issue, segment and company in recommendations.csv: its key (render/downloads.py)
        segment = r.text("segment")
        if segment is not None and segment in segments:
            r.error("duplicate", "segment", show(segment), "each segment once per issue")
        tickers = r.text_list("companies", required=True, expected="a list of tickers from companies.yaml")
        if r.value.get("companies") == []:  # a segment of no company: a row of no key
            r.error("missing-field", "companies", "an empty list", "at least one ticker from companies.yaml")
        listed: set[str] = set()
        for i, ticker in enumerate(tickers):
            _check_ticker(ticker, registry, r, ("companies", i))
            if ticker in listed:
                r.error_at("duplicate", r.keypath + ("companies", i), show(ticker), "each company once per segment")
            listed.add(ticker)
        if segment is not None:
            segments.add(segment)
            lines = tuple(r.line("companies", i) or 0 for i in range(len(tickers)))
            recommendations.append(Recommendation(segment, tuple(tickers), lines))
    risks = f.text_list("risks")
    related = []
    for r in f.mappings("related", {"title", "date"}):
        related_title = r.text("title")
        if related_title is not None:
            related.append(Related(related_title, r.date("date", required=False)))
    exhibits = _read_exhibits(f)
    revisions: list[Revision] = []
    for r in f.mappings("revisions", {"date", "note"}):
        rev_date, note = r.date("date"), r.text("note")
        if rev_date and date and rev_date < date:
            r.error(
                "bad-date", "date", rev_date.isoformat(), f"a date on or after the issue's date ({date.isoformat()})"
            )
        elif rev_date and revisions and rev_date < revisions[-1].date:
            r.error(
                "bad-date",
                "date",
                rev_date.isoformat(),
                f"revisions oldest first: on or after {revisions[-1].date.isoformat()}",
            )
        if rev_date and note:
            revisions.append(Revision(rev_date, note))
    stocks, tables = _read_issue_files(folder, exhibits, registry, errors)
    if len(errors.errors) > before or title is None or date is None or period_start is None or period_end is None:
        return None
    return Issue(
        date=date,
        title=title,
        period_start=period_start,
        period_end=period_end,
        authors=tuple(authors),
        highlights=tuple(highlights),
        exhibits=tuple(exhibits),
        industry=industry,
        rating=rating,
        rating_change=rating_change,
        recommendations=tuple(recommendations),
        risks=tuple(risks),
        related=tuple(related),
        revisions=tuple(revisions),
        stocks=stocks,
        tables=tables,
    )


def _check_ticker(ticker: str, registry: Registry | None, f: Fields, keypath: KeyPath) -> None:
    if registry is not None and ticker not in registry.by_ticker:
        f.error_at("unknown-ticker", f.keypath + keypath, show(ticker), "a ticker listed in companies.yaml")


EXHIBIT_FIELDS = {"number", "kind", "title", "source", "note", "category", "gpu", "file"}
KIND_FIELDS = {"traffic": "category", "gpu_prices": "gpu", "table": "file"}


def _read_exhibits(f: Fields) -> list[Exhibit]:
    exhibits: list[Exhibit] = []
    numbers: set[int] = set()
    for e in f.mappings("exhibits", EXHIBIT_FIELDS, required=True, expected="at least one exhibit (图表)"):
        number, kind, title = e.positive_int("number"), e.choice("kind", EXHIBIT_KINDS), e.text("title")
        source, note = e.text("source", required=False), e.text("note", required=False)
        if number is not None and number in numbers:
            e.error("duplicate", "number", str(number), "each 图表 number once per issue")
            number = None
        if number is not None:
            numbers.add(number)
        extra: dict[str, str | None] = {}
        for other_kind, field_name in KIND_FIELDS.items():
            if kind == other_kind:
                if field_name == "category":
                    extra[field_name] = e.choice(field_name, TRAFFIC_CATEGORIES)
                elif field_name == "file":
                    file_name = e.text(field_name, expected="a CSV file name in the issue folder, like launches.csv")
                    if file_name and (not file_name.endswith(".csv") or "/" in file_name or file_name == "stocks.csv"):
                        e.error(
                            "bad-file",
                            field_name,
                            show(file_name),
                            "a CSV file name in the issue folder other than stocks.csv, like launches.csv",
                        )
                        file_name = None
                    extra[field_name] = file_name
                else:
                    extra[field_name] = e.text(field_name, expected="a GPU name like H100")
            elif kind is not None and field_name in e.value:
                e.error(
                    "unknown-field",
                    field_name,
                    f'the field "{field_name}" on a {kind} exhibit',
                    f"{field_name} only on {other_kind} exhibits",
                )
        if number is not None and kind is not None and title is not None and None not in extra.values():
            exhibits.append(Exhibit(number, kind, title, source, note, **extra))
    return exhibits


def _read_issue_files(
    folder: Path, exhibits: list[Exhibit], registry: Registry | None, errors: Collector
) -> tuple[tuple[StockRow, ...], dict[str, Table]]:
    stocks: tuple[StockRow, ...] = ()
    tables: dict[str, Table] = {}
    declared = {"issue.yaml"}
    if any(e.kind == "stocks" for e in exhibits):
        declared.add("stocks.csv")
        path = folder / "stocks.csv"
        if not path.exists():
            errors.add(
                "missing-file", path, None, "", "no such file", "stocks.csv, since issue.yaml declares a stocks exhibit"
            )
        else:
            stocks = _read_stocks(path, registry, errors)
    for e in exhibits:
        if e.kind == "table" and e.file:
            declared.add(e.file)
            path = folder / e.file
            if not path.exists():
                errors.add("missing-file", path, None, "", "no such file", f"the file of 图表{e.number} ({e.file})")
                continue
            table = read_csv(path, errors)
            if table is None:
                continue
            if not table.rows:
                errors.add("no-data", path, None, "", "a header and no rows", f"the rows of 图表{e.number}")
                continue
            tables[e.file] = Table(table.columns, tuple(tuple(r.cells[c] for c in table.columns) for r in table.rows))
    for entry in sorted(folder.iterdir()):
        if entry.name not in declared and not entry.name.startswith("."):
            errors.add(
                "undeclared-file",
                entry,
                None,
                "",
                f'the file "{entry.name}", which no exhibit uses',
                "every file of an issue folder declared by an exhibit in issue.yaml (or removed)",
            )
    return stocks, tables


def _read_stocks(path: Path, registry: Registry | None, errors: Collector) -> tuple[StockRow, ...]:
    table = read_csv(path, errors, STOCK_COLUMNS)
    if table is None:
        return ()
    if not table.rows:
        errors.add("no-data", path, None, "", "a header and no rows", "one row per company of the stock table")
    rows: list[StockRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        c = Cells(table, row, errors)
        ticker = c.text("ticker", "a ticker listed in companies.yaml")
        if ticker is not None:
            if registry is not None and ticker not in registry.by_ticker:
                c.bad("unknown-ticker", "ticker", show(ticker), "a ticker listed in companies.yaml")
            elif ticker in seen:
                c.bad("duplicate", "ticker", show(ticker), f"each company once (already on line {seen[ticker]})")
            seen.setdefault(ticker, row.line)
        market_cap = c.number("market_cap", grouped=True, positive=True)
        currency = c.choice("currency", tuple(CURRENCY_UNITS))
        week_pct = c.number("week_pct", percent=True)
        month_pct = c.number("month_pct", percent=True)
        ytd_pct = c.number("ytd_pct", percent=True)
        if (
            c.ok
            and ticker is not None
            and market_cap is not None
            and currency is not None
            and week_pct is not None
            and month_pct is not None
            and ytd_pct is not None
        ):
            rows.append(StockRow(ticker, market_cap, currency, week_pct, month_pct, ytd_pct, row.line))
    return tuple(rows)


# --- series ----------------------------------------------------------------------


# One row of a series file as parsed: column name -> value.
SeriesRecord = dict[str, object]


def _load_series_memoized(folder: Path, errors: Collector, memo: SeriesMemo | None) -> Series:
    if memo is None:
        return _load_series(folder, errors)
    # the series files only: prices.csv, beside them, has its own memo
    key = _files_digest(sorted(p for p in folder.iterdir() if p.name in SERIES_FILES)) if folder.is_dir() else b""
    if key in memo:
        return memo[key]
    before = len(errors.errors)
    series = _load_series(folder, errors)
    memo.clear()
    if len(errors.errors) == before:
        memo[key] = series
    return series


def _load_series(folder: Path, errors: Collector) -> Series:
    return Series(
        traffic=_read_series(
            folder / "traffic.csv", TRAFFIC_COLUMNS, _traffic_row, ("week_end", "category", "site"), errors
        ),
        downloads=_read_series(folder / "downloads.csv", DOWNLOAD_COLUMNS, _download_row, ("month", "app"), errors),
        gpu_prices=_read_series(folder / "gpu_prices.csv", GPU_COLUMNS, _gpu_row, ("date", "gpu", "condition"), errors),
    )


def _read_series(
    path: Path,
    columns: tuple[str, ...],
    parse_row: Callable[[Cells], SeriesRecord],
    key: tuple[str, ...],
    errors: Collector,
) -> pd.DataFrame:
    """A series file as a typed DataFrame; a missing file is an empty series."""
    empty = pd.DataFrame({name: pd.Series(dtype=object) for name in (*columns, "line")})
    if not path.exists():
        return empty
    table = read_csv(path, errors, columns)
    if table is None:
        return empty
    records: list[SeriesRecord] = []
    seen: dict[tuple[object, ...], int] = {}
    for row in table.rows:
        c = Cells(table, row, errors)
        record = parse_row(c)
        if not c.ok:
            continue
        identity = tuple(record[k] for k in key)
        if identity in seen:
            errors.add(
                "duplicate",
                path,
                row.line,
                ",".join(key),
                show(" ".join(str(v) for v in identity)),
                f"one row per {', '.join(key)} (already on line {seen[identity]})",
            )
            continue
        seen[identity] = row.line
        records.append({**record, "line": row.line})
    return pd.DataFrame.from_records(records, columns=[*columns, "line"]) if records else empty


def _traffic_row(c: Cells) -> SeriesRecord:
    start, end = c.date("week_start"), c.date("week_end")
    if start and end and start > end:
        c.bad("bad-period", "week_end", end.isoformat(), f"a date on or after week_start ({start.isoformat()})")
    return dict(
        week_start=start,
        week_end=end,
        category=c.choice("category", TRAFFIC_CATEGORIES),
        site=c.text("site", "a site name like ChatGPT"),
        visits=c.number("visits", grouped=True, positive=True),
    )


def _download_row(c: Cells) -> SeriesRecord:
    return dict(
        month=c.month("month"),
        app=c.text("app", "an app name like 豆包"),
        downloads=c.number("downloads", grouped=True, positive=True),
        partial=c.boolean("partial"),
    )


def _gpu_row(c: Cells) -> SeriesRecord:
    return dict(
        date=c.date("date"),
        gpu=c.text("gpu", "a GPU name like H100"),
        condition=c.choice("condition", GPU_CONDITIONS),
        price_usd=c.number("price_usd", grouped=True, positive=True),
    )


# --- cross-checks ----------------------------------------------------------------


def _series_positions(series: Series) -> dict[tuple[str, str | None], list[int]]:
    """Each series' row positions (the contract's as-of positions), sorted: one traffic category, one
    GPU, or the downloads. Built once, so each exhibit's check is two bisections."""
    positions: dict[tuple[str, str | None], list[int]] = {}
    for week_end, category in zip(series.traffic["week_end"], series.traffic["category"], strict=True):
        positions.setdefault(("traffic", category), []).append(week_end.toordinal())
    for date, gpu in zip(series.gpu_prices["date"], series.gpu_prices["gpu"], strict=True):
        positions.setdefault(("gpu_prices", gpu), []).append(date.toordinal())
    positions[("downloads", None)] = [month_number(m) for m in series.downloads["month"]]
    for rows in positions.values():
        rows.sort()
    return positions


def _check_exhibit_data(root: Path, issues: list[Issue], series: Series, errors: Collector) -> None:
    """Every series exhibit must have rows as of its issue (an empty chart is an error)."""
    unreadable = {e.file for e in errors.errors}  # a series file already in error would only repeat itself here
    positions = _series_positions(series)
    checked = {kind for kind, file in SERIES_EXHIBITS.items() if errors.name(root / file) not in unreadable}
    for issue in issues:
        for exhibit in issue.exhibits:
            if exhibit.kind not in checked:
                continue
            first, last = series_window(exhibit.kind, issue.date)
            rows = positions.get((exhibit.kind, exhibit.category or exhibit.gpu), [])
            if bisect.bisect_right(rows, last) == bisect.bisect_left(rows, first):
                what = {
                    "traffic": f"category {exhibit.category}",
                    "gpu_prices": f"gpu {exhibit.gpu}",
                    "downloads": "any app",
                }[exhibit.kind]
                window = (
                    f"{DOWNLOAD_WINDOW_MONTHS} months"
                    if exhibit.kind == "downloads"
                    else f"{SERIES_WINDOW_WEEKS} weeks"
                )
                errors.add(
                    "no-data",
                    root / "issues" / issue.slug / "issue.yaml",
                    None,
                    f"exhibits (图表{exhibit.number})",
                    f"no rows of {SERIES_EXHIBITS[exhibit.kind]} for {what} in the {window} up to "
                    f"{issue.date.isoformat()}",
                    "data for every exhibit as of its issue",
                )

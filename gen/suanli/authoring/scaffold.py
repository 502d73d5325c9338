"""`suanli new`: the next issue's folder, scaffolded from the latest one.

The new issue keeps what repeats week to week (authors, exhibits, 建议关注,
rating, the stock table's tickers and currencies) and leaves empty what the
author must write (title, highlights, every number). Until they are filled,
`suanli validate` names each empty field and cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml

from suanli.contract import Dataset, Issue


class ScaffoldError(Exception):
    """The scaffold cannot be written (the target exists, or the date is not after the latest issue)."""


def _issue_yaml(latest: Issue, date: dt.date) -> str:
    shift = date - latest.date
    doc: dict[str, object] = {
        "title": "",
        "date": date,
        "period": {"start": latest.period_start + shift, "end": latest.period_end + shift},
    }
    if latest.industry:
        doc["industry"] = latest.industry
    if latest.rating:
        doc["rating"] = {"rating": latest.rating, **({"change": "维持"} if latest.rating_change else {})}
    doc["authors"] = [{k: v for k, v in vars(a).items() if v is not None} for a in latest.authors]
    sections = list(dict.fromkeys(h.section for h in latest.highlights))
    doc["highlights"] = [{"heading": "", "body": "", **({"section": s} if i else {})} for i, s in enumerate(sections)]
    if latest.recommendations:
        doc["recommendations"] = [{"segment": r.segment, "companies": list(r.tickers)} for r in latest.recommendations]
    if latest.risks:
        doc["risks"] = list(latest.risks)
    doc["related"] = [{"title": f"{latest.title}-算力周跟踪", "date": latest.date}]
    doc["exhibits"] = [{k: v for k, v in vars(e).items() if v is not None} for e in latest.exhibits]
    head = (
        f"# 算力周跟踪 {date.isoformat()}: scaffolded by `suanli new` from {latest.slug}.\n"
        "# Fill in the title, the highlights and every number; `suanli validate` lists what is still empty.\n"
    )
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


def _stocks_csv(latest: Issue) -> str:
    rows = "".join(f"{row.ticker},,{row.currency},,,\n" for row in latest.stocks)
    return "ticker,market_cap,currency,week_pct,month_pct,ytd_pct\n" + rows


def scaffold_issue(dataset: Dataset, data_dir: Path, date: dt.date | None = None) -> list[Path]:
    """Write issues/DATE/ from the latest issue; returns the files written."""
    latest = dataset.latest
    date = date or latest.date + dt.timedelta(weeks=1)
    if date <= latest.date:
        raise ScaffoldError(
            f"{date.isoformat()} is not after the latest issue ({latest.slug}); a new issue comes after the latest one"
        )
    folder = Path(data_dir) / "issues" / date.isoformat()
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; `suanli new` never overwrites an issue")
    files = {"issue.yaml": _issue_yaml(latest, date)}
    if latest.stocks:
        files["stocks.csv"] = _stocks_csv(latest)
    for name, table in latest.tables.items():
        files[name] = _header_only(table.columns)
    folder.mkdir(parents=True)
    written = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def _header_only(columns: tuple[str, ...]) -> str:
    """A table exhibit's CSV with its header only: the rows are the author's to write."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(columns)
    return out.getvalue()

"""The data of each series exhibit, prepared once per build.

A ten-year archive has 520 issues with six series exhibits each; every one
shows a window of the same long series. Formatting each row for every issue
would cost the square of the archive, so each series (one traffic category,
one GPU, the downloads) is formatted once, as CSV lines; an issue's exhibit
is a slice of those, found by bisecting the dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from suanli.contract import GPU_CONDITION_NAMES, TRAFFIC_CATEGORY_NAMES, Exhibit, Series
from suanli.derive import tables as derive
from suanli.render.formats import csv_line

CSV_COLUMNS = {
    "traffic": ("week_start", "week_end", "category", "site", "visits"),
    "downloads": ("month", "app", "downloads", "partial"),
    "gpu_prices": ("date", "gpu", "condition", "price_usd"),
}


@dataclass(frozen=True)
class PreparedSeries:
    """Each row of derive.sorted_series formatted once as its chart CSV line."""

    csv_lines: list[str]
    csv_lines_partial: list[str]  # downloads: the same lines marked partial (for the issue's own month)


@lru_cache(maxsize=64)
def prepared(series: Series, kind: str, key: str | None) -> PreparedSeries:
    frame, _ = derive.sorted_series(series, kind, key)
    if kind == "traffic":
        frame = frame.assign(category=frame["category"].map(TRAFFIC_CATEGORY_NAMES))
    elif kind == "gpu_prices":
        frame = frame.assign(condition=frame["condition"].map(GPU_CONDITION_NAMES))
    rows = list(frame[list(CSV_COLUMNS[kind])].itertuples(index=False, name=None))
    lines = [csv_line(row) for row in rows]
    partial = [csv_line(row[:-1] + (True,)) for row in rows] if kind == "downloads" else lines
    return PreparedSeries(lines, partial)


def exhibit_csv(series: Series, exhibit: Exhibit, as_of: dt.date) -> str:
    """The exhibit's chart data as CSV: exactly the rows derive.series_as_of gives, one line each."""
    view = prepared(series, exhibit.kind, derive.series_key(exhibit))
    part = derive.series_window(series, exhibit, as_of)
    header = ",".join(CSV_COLUMNS[exhibit.kind]) + "\n"
    if exhibit.kind != "downloads":
        return header + "".join(view.csv_lines[part])
    frame, _ = derive.sorted_series(series, exhibit.kind, None)
    own = as_of.strftime("%Y-%m")
    months = frame["month"].array
    return header + "".join(
        view.csv_lines_partial[i] if months[i] == own else view.csv_lines[i] for i in range(part.start, part.stop)
    )

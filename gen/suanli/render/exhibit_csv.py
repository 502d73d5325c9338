"""The data of each series exhibit, prepared once per build (one SeriesCsv per build: site/assemble.py).

A ten-year archive has 520 issues with six series exhibits each; every one
shows a window of the same long series. Formatting each row for every issue
would cost the square of the archive, so each series (one traffic category,
one GPU, the downloads) is formatted once, as CSV lines; an issue's exhibit
is a slice of those, found by bisecting the dates.
"""

from __future__ import annotations

import datetime as dt

from suanli.contract import GPU_CONDITION_NAMES, TRAFFIC_CATEGORY_NAMES, Exhibit
from suanli.derive import tables as derive
from suanli.render.csv_table import Column, csv_line, header_line, names, typed

# Each chart kind's CSV columns, typed (a text cell that opens like a formula is guarded: csv_table.py)
EXHIBIT_COLUMNS: dict[str, tuple[Column, ...]] = {
    "stocks": typed(
        derive.STOCK_CHART_COLUMNS,
        {
            "order": "integer",
            "sector": "string",
            "ticker": "string",
            "name": "string",
            "market_cap": "number",
            "unit": "string",
            "week_pct": "number",
            "month_pct": "number",
            "ytd_pct": "number",
        },
    ),
    "traffic": (
        Column("week_start", "date"),
        Column("week_end", "date"),
        Column("category", "string"),
        Column("site", "string"),
        Column("visits", "number"),
    ),
    "downloads": (
        Column("month", "yearmonth"),
        Column("app", "string"),
        Column("downloads", "number"),
        Column("partial", "boolean"),
    ),
    "gpu_prices": (
        Column("date", "date"),
        Column("gpu", "string"),
        Column("condition", "string"),
        Column("price_usd", "number"),
    ),
}
CSV_COLUMNS = {kind: names(columns) for kind, columns in EXHIBIT_COLUMNS.items() if kind != "stocks"}


class SeriesCsv:
    """Each row of a build's sorted series (derive.SeriesTables) formatted once as its chart CSV line, on
    first use; an exhibit's CSV is a slice of those lines."""

    def __init__(self, tables: derive.SeriesTables) -> None:
        self.tables = tables
        self._lines: dict[tuple[str, str | None], tuple[list[str], list[str]]] = {}

    def _prepared(self, kind: str, key: str | None) -> tuple[list[str], list[str]]:
        """The lines, and (downloads) the same lines marked partial, for the issue's own month."""
        if (kind, key) not in self._lines:
            frame, _ = self.tables.sorted(kind, key)
            if kind == "traffic":
                frame = frame.assign(category=frame["category"].map(TRAFFIC_CATEGORY_NAMES))
            elif kind == "gpu_prices":
                frame = frame.assign(condition=frame["condition"].map(GPU_CONDITION_NAMES))
            columns = EXHIBIT_COLUMNS[kind]
            rows = list(frame[list(names(columns))].itertuples(index=False, name=None))
            lines = [csv_line(row, columns) for row in rows]
            partial = [csv_line(row[:-1] + (True,), columns) for row in rows] if kind == "downloads" else lines
            self._lines[kind, key] = (lines, partial)
        return self._lines[kind, key]

    def exhibit_csv(self, exhibit: Exhibit, as_of: dt.date) -> str:
        """The exhibit's chart data as CSV: exactly the rows SeriesTables.as_of gives, one line each."""
        lines, partial = self._prepared(exhibit.kind, derive.series_key(exhibit))
        part = self.tables.window(exhibit, as_of)
        header = header_line(EXHIBIT_COLUMNS[exhibit.kind])
        if exhibit.kind != "downloads":
            return header + "".join(lines[part])
        frame, _ = self.tables.sorted(exhibit.kind, None)
        own = as_of.strftime("%Y-%m")
        months = frame["month"].array
        return header + "".join(partial[i] if months[i] == own else lines[i] for i in range(part.start, part.stop))

"""The data a chart draws, as pandas frames: what the golden chart specs (tests/test_golden.py) and the
chart benchmark (bench/charts.py) feed the Altair functions. The site itself writes only CSV
(render/exhibit_csv.py); these frames hold the same rows."""

from __future__ import annotations

import pandas as pd

from suanli.contract import GPU_CONDITION_NAMES, TRAFFIC_CATEGORY_NAMES, Dataset, Exhibit, Issue
from suanli.derive import tables as derive
from suanli.render import exhibit_csv as exhibits
from suanli.render.issue_pages import Neighbour, neighbours_at


def neighbours(dataset: Dataset, issue: Issue) -> tuple[Neighbour | None, Neighbour | None]:
    """The issues before and after `issue` (None at either end)."""
    return neighbours_at(dataset.issues, dataset.issues.index(issue))


def stocks_chart_data(records: tuple[derive.StockRecord, ...]) -> pd.DataFrame:
    return pd.DataFrame.from_records(derive.stock_chart_rows(records), columns=list(derive.STOCK_CHART_COLUMNS))


def company_chart_data(history: list[derive.Appearance]) -> pd.DataFrame:
    return pd.DataFrame.from_records(derive.company_chart_rows(history), columns=list(derive.COMPANY_CHART_COLUMNS))


def exhibit_frame(issue: Issue, exhibit: Exhibit, dataset: Dataset) -> pd.DataFrame:
    """The data one chart draws (what its CSV download holds), as a frame."""
    if exhibit.kind == "stocks":
        return stocks_chart_data(derive.stock_records(issue, dataset.registry))
    shown = derive.SeriesTables(dataset.series).as_of(exhibit, issue.date)
    rows = shown[list(exhibits.CSV_COLUMNS[exhibit.kind])]
    names = {"category": TRAFFIC_CATEGORY_NAMES, "condition": GPU_CONDITION_NAMES}
    return rows.assign(**{c: rows[c].map(m) for c, m in names.items() if c in rows})

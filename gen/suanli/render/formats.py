"""HTML tables, number formats and chart figures shared by every kind of page.

Everything here returns raw HTML for a Markdown page; every data string goes through `esc`.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from suanli.contract import Table
from suanli.render.markup import esc


def fmt_number(value: Decimal) -> str:
    """33079 -> 33,079; keeps the decimals the author gave."""
    return format(value, ",")


def fmt_pct(value: Decimal) -> str:
    return format(value, "f") + "%"


def direction(value: Decimal) -> str:
    return "up" if value > 0 else "down" if value < 0 else "flat"


def wrap_table(table: str) -> str:
    # Material's own wrappers, so raw tables scroll and look like Markdown tables.
    return f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'


def html_table(table: Table, table_id: str) -> str:
    """A table exhibit as it is: every cell as text."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return wrap_table(f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def stock_table_html(records: tuple, table_id: str, root: str) -> str:
    """The stock table as the report prints it: sector cells spanning their rows,
    涨跌幅 red for a rise and green for a fall; names link to company pages (`root`: the way up to the site root)."""
    head = (
        '<thead><tr><th scope="col" rowspan="2">板块</th><th scope="col" rowspan="2">代码</th>'
        '<th scope="col" rowspan="2">公司</th><th scope="col" rowspan="2">市值</th>'
        '<th scope="col" rowspan="2">单位</th><th scope="colgroup" colspan="3">股价涨跌幅</th></tr>'
        '<tr><th scope="col">本周</th><th scope="col">本月</th><th scope="col">本年</th></tr></thead>'
    )
    rows = []
    sizes: dict[str, int] = {}
    for record in records:
        sizes[record.sector] = sizes.get(record.sector, 0) + 1
    previous = None
    for record in records:
        cells = []
        if record.sector != previous:
            cells.append(f'<th scope="rowgroup" rowspan="{sizes[record.sector]}">{esc(record.sector)}</th>')
            previous = record.sector
        cells.append(f'<td class="ticker">{esc(record.ticker)}</td>')
        cells.append(f'<td><a href="{root}companies/{record.slug}/">{esc(record.name)}</a></td>')
        cells.append(f'<td class="num">{fmt_number(record.market_cap)}</td>')
        cells.append(f"<td>{esc(record.unit)}</td>")
        for value in (record.week_pct, record.month_pct, record.ytd_pct):
            cells.append(f'<td class="num {direction(value)}">{fmt_pct(value)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return wrap_table(f'<table id="{table_id}" class="suanli-stocks">{head}<tbody>{"".join(rows)}</tbody></table>')


def chart_figure(
    charts: list[tuple[str, str]],
    csv_name: str,
    download_name: str,
    table_id: str,
    table_html: str,
    *,
    collapse_table: bool = True,
    caption: list[str] | None = None,
) -> list[str]:
    """Charts drawn from one CSV, its download link and its data table (the charts' text
    alternative), as one <figure>. `charts`: (kind, accessible label) pairs. A collapsed table sits
    in a <details> whose id is `table_id`, the element the charts are described by."""
    body = [
        f'<div class="suanli-chart" data-kind="{kind}" data-csv="{esc(csv_name)}" '
        f'role="group" aria-label="{esc(label)}" aria-describedby="{table_id}"></div>'
        for kind, label in charts
    ]
    body.append(
        f'<p class="suanli-download"><a href="{esc(csv_name)}" download="{esc(download_name)}">下载数据 (CSV)</a></p>'
    )
    if collapse_table:
        body += [
            f'<details class="suanli-data" id="{table_id}"><summary>{esc(charts[0][1])} 的数据</summary>',
            table_html,
            "</details>",
        ]
    else:
        body.append(table_html)
    if caption:
        body.append("<figcaption>" + "<br>".join(caption) + "</figcaption>")
    # data-search-exclude: numbers and chart data stay out of the search index (prose and names stay in)
    return [f'<figure class="suanli-exhibit" data-kind="{charts[0][0]}" data-search-exclude>', *body, "</figure>", ""]


def chart_csv(frame: pd.DataFrame) -> str:
    """A chart's data as CSV: ISO dates, numbers exactly as entered, LF line ends."""
    return rows_csv(tuple(frame.columns), frame.itertuples(index=False, name=None))


def rows_csv(columns: tuple, rows) -> str:
    return csv_line(columns) + "".join(csv_line(row) for row in rows)


def csv_line(row: tuple) -> str:
    """One CSV line (quoted only where a cell needs it, as Python's csv module does).
    Dispatches on exact types: this runs for every row of every chart's data."""
    cells = []
    for value in row:
        kind = type(value)
        if kind is str:
            text = value
        elif kind is Decimal:
            text = format(value, "f")
        elif kind is bool:
            text = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            text = value.isoformat()
        else:
            text = str(value)
        if "," in text or '"' in text or "\n" in text or "\r" in text:
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    return ",".join(cells) + "\n"

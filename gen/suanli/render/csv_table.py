"""Every CSV the site writes from data: its typed columns and the one writer of its lines.

A column's type is a Table Schema type (the /downloads/ page and datapackage.json print it). It also
decides what the writer does to a cell: a text cell that a spreadsheet would read as a formula (one that
begins with =, +, -, @, a tab or a carriage return: OWASP's CSV-injection list) gets a leading single
quote and double quotes around it, as OWASP advises; a cell of any other type is written as it is, so
-5.17 stays -5.17. The guard is applied by type, never by a caller remembering it; charts.js, which reads
these files back for charts and data tables, takes exactly the guard off again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast

import pandas as pd

# Table Schema (Frictionless v1) field types the site's files use
FieldType = Literal["string", "number", "integer", "date", "yearmonth", "boolean"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell the guard changed reads as one or more quotes, then a formula start. Cells that already begin with
# quotes before a formula start are guarded as well, so taking one quote off any cell of that form undoes
# the guard exactly (a name written '=x stays '=x, not =x).
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")

# What a cell of each non-text type may hold when a caller hands it over already written as text (a
# percentage rounded for the file, a date): anything else there is a bug, never written unguarded.
_LEXICAL = {
    "number": re.compile(r"-?\d+(\.\d+)?"),
    "integer": re.compile(r"-?\d+"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "yearmonth": re.compile(r"\d{4}-\d{2}"),
    "boolean": re.compile(r"true|false"),
}


@dataclass(frozen=True)
class Column:
    """One column of a CSV the site writes: its header, its Table Schema type and (for the downloads)
    what it holds and whether every row has a value."""

    name: str
    type: FieldType
    about: str = ""
    required: bool = False


def names(columns: Sequence[Column]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


def typed(column_names: Sequence[str], types: Mapping[str, FieldType]) -> tuple[Column, ...]:
    """Columns named `column_names` (in that order: the derived rows' order), each of its type in `types`;
    a name without a type is an error, so a column added to the rows cannot go out untyped."""
    return tuple(Column(name, types[name]) for name in column_names)


def rows_csv(columns: Sequence[Column], rows: Iterable[tuple[object, ...]]) -> str:
    """A header line and a line per row, in `columns` order (LF line ends)."""
    columns = tuple(columns)
    return header_line(columns) + "".join(csv_line(row, columns) for row in rows)


def chart_csv(frame: pd.DataFrame, columns: Sequence[Column]) -> str:
    """A chart's data as CSV: ISO dates, numbers exactly as entered. The frame's columns are `columns`."""
    if tuple(frame.columns) != names(columns):
        raise ValueError(f"frame columns {list(frame.columns)} are not {list(names(columns))}")
    return rows_csv(columns, frame.itertuples(index=False, name=None))


def header_line(columns: Sequence[Column]) -> str:
    return ",".join(names(columns)) + "\n"


def csv_line(row: tuple[object, ...], columns: tuple[Column, ...]) -> str:
    """One CSV line (quoted only where a cell needs it, as Python's csv module does; a guarded text cell
    always). Dispatches on exact types: this runs for every row of every chart's data."""
    cells = []
    for value, column in zip(row, columns, strict=True):
        kind = type(value)
        if kind is str:
            text = cast(str, value)  # mypy does not narrow `value` through `kind`
        elif kind is Decimal:
            text = format(value, "f")
        elif kind is bool:
            text = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            text = value.isoformat()
        else:
            text = str(value)
        if column.type == "string":
            if _NEEDS_GUARD.match(text):  # OWASP: a leading quote, and the cell in double quotes
                cells.append("\"'" + text.replace('"', '""') + '"')
                continue
        elif kind is str and text and not _LEXICAL[column.type].fullmatch(text):
            raise ValueError(f"column {column.name} ({column.type}) given {text!r}")
        if "," in text or '"' in text or "\n" in text or "\r" in text:
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    return ",".join(cells) + "\n"

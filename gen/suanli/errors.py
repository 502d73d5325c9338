"""The one error type for bad data, and the collector that gathers them.

Every problem with the data names the file, the line (where there is one), the
field, what was found and what was expected, under a stable code. Loading never
stops at the first problem: errors are collected and reported together, so an
author fixes a whole file in one pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DataError:
    code: str
    file: str
    line: int | None
    field: str
    found: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        subject = f" {self.field}:" if self.field else ""
        return f"{where}:{subject} found {self.found}, expected {self.expected} [{self.code}]"


class DataErrors(Exception):
    """Raised once loading is done, carrying every error found."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        head = f"{count} error{'s' if count != 1 else ''} in the data:"
        return "\n".join([head, *(f"  {e}" for e in self.errors)])


def _sort_key(error: DataError) -> tuple:
    return (error.file, error.line or 0, error.field, error.code)


def show(value: object) -> str:
    """How a found value appears in a message: quoted, control characters visible."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        if value == "":
            return "an empty value"
        text = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value}"


@dataclass
class Collector:
    """Gathers errors for one data folder; `where` makes file names readable."""

    root: Path
    errors: list[DataError] = field(default_factory=list)

    def name(self, path: Path) -> str:
        """A path as the author knows it: relative to the working directory when possible."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def add(self, code: str, path: Path, line: int | None, field: str, found: str, expected: str) -> None:
        self.errors.append(DataError(code, self.name(path), line, field, found, expected))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)

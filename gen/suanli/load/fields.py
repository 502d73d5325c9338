"""Reading a YAML mapping field by field, with one error per problem.

Each reader returns the value when it is right and None (after recording an
error) when it is not, so validation carries on and finds every problem.
Nothing is coerced: a number where text is expected is an error, not a string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from suanli.errors import Collector, show
from suanli.load.yamlsrc import CONTROL_EXPECTED, KeyPath, YamlDoc, control_character, dotted, is_date

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # [0-9]: \d takes any script's digits


def parse_iso_date(text: str) -> dt.date | None:
    if not ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class Fields:
    """One YAML mapping under validation."""

    def __init__(self, doc: YamlDoc, keypath: KeyPath, value: object, errors: Collector, allowed: set[str]):
        self.doc = doc
        self.keypath = keypath
        self.value: dict[str, object] = value if isinstance(value, dict) else {}
        self.errors = errors
        self.allowed = allowed
        self.ok = isinstance(value, dict)
        if not self.ok:
            self.error_at("wrong-type", keypath, show(value), "a mapping of fields (name: value)")
        else:
            for key in self.value:
                if key not in allowed:
                    self.error_at(
                        "unknown-field", keypath + (key,), f'the field "{key}"', "one of " + ", ".join(sorted(allowed))
                    )

    @classmethod
    def of(cls, doc: YamlDoc, errors: Collector, allowed: set[str]) -> Fields:
        return cls(doc, (), doc.value, errors, allowed)

    # --- helpers -------------------------------------------------------------

    def line(self, *keypath: str | int) -> int | None:
        """The line of a value under this mapping (or of its nearest enclosing value)."""
        return self.doc.line(self.keypath + keypath)

    def error_at(self, code: str, keypath: KeyPath, found: str, expected: str) -> None:
        self.errors.add(code, self.doc.path, self.doc.line(keypath), dotted(keypath), found, expected)

    def error(self, code: str, name: str | int | None, found: str, expected: str) -> None:
        self.error_at(code, self.keypath + ((name,) if name is not None else ()), found, expected)

    def _get(self, name: str, required: bool, expected: str) -> object:
        if name not in self.value or self.value[name] is None:
            if required and self.ok:
                found = "an empty value" if name in self.value else "no such field"
                self.error_at("missing-field", self.keypath + (name,), found, expected)
            return None
        return self.value[name]

    # --- typed readers ---------------------------------------------------------

    def text(self, name: str, required: bool = True, expected: str = "text") -> str | None:
        value = self._get(name, required, expected)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error("wrong-type", name, show(value), f"{expected} (put it in quotes if it is text)")
            return None
        if not value.strip():
            self.error("missing-field", name, "an empty value", expected)
            return None
        if found := control_character(value):  # written as an escape ("\u0001") in a quoted YAML string
            self.error("control-character", name, found, CONTROL_EXPECTED)
            return None
        return value

    def choice(self, name: str, options: tuple[str, ...], required: bool = True) -> str | None:
        expected = "one of " + ", ".join(options)
        value = self.text(name, required, expected)
        if value is not None and value not in options:
            self.error("bad-choice", name, show(value), expected)
            return None
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        expected = "a date like 2024-12-11"
        value = self._get(name, required, expected)
        if value is None:
            return None
        return self.date_value(name, value, expected)

    def date_value(self, name: str | int, value: object, expected: str = "a date like 2024-12-11") -> dt.date | None:
        if is_date(value):
            return value
        if isinstance(value, str) and (parsed := parse_iso_date(value)):
            return parsed
        self.error("bad-date", name, show(value), expected)
        return None

    def positive_int(self, name: str, required: bool = True) -> int | None:
        expected = "a whole number from 1 up"
        value = self._get(name, required, expected)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error("wrong-type", name, show(value), expected)
            return None
        return value

    def text_list(self, name: str, required: bool = False, expected: str = "a list of texts") -> list[str]:
        value = self._get(name, required, expected)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error("wrong-type", name, show(value), expected + " in [ ] or one per line after -")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error_at("wrong-type", self.keypath + (name, i), show(item), "text")
            elif found := control_character(item):
                self.error_at("control-character", self.keypath + (name, i), found, CONTROL_EXPECTED)
            else:
                out.append(item)
        return out

    def mapping(
        self, name: str, allowed: set[str], required: bool = True, expected: str = "a mapping"
    ) -> Fields | None:
        value = self._get(name, required, expected)
        if value is None:
            return None
        sub = Fields(self.doc, self.keypath + (name,), value, self.errors, allowed)
        return sub if sub.ok else None

    def mappings(
        self, name: str, allowed: set[str], required: bool = False, expected: str = "a list"
    ) -> Iterator[Fields]:
        """Each mapping of a list field; wrong items are reported and skipped."""
        value = self._get(name, required, expected)
        if value is None:
            return
        if not isinstance(value, list):
            self.error("wrong-type", name, show(value), expected + " (items start with -)")
            return
        if required and not value:
            self.error("missing-field", name, "an empty list", expected)
            return
        for i, item in enumerate(value):
            sub = Fields(self.doc, self.keypath + (name, i), item, self.errors, allowed)
            if sub.ok:
                yield sub

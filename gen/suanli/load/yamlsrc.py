"""Reading YAML so that every value keeps the line it came from.

PyYAML's `safe_load` forgets positions and silently keeps the last of two equal
keys. Here the document is composed into nodes, converted by hand, and each
value's line is recorded under its path (("highlights", 2, "heading"), ...), so
that a validation error can point at the line the author has to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypeGuard

import yaml

from suanli.errors import Collector, show

# C0 control characters other than tab, LF and CR: invisible, and XML (the feed) cannot carry them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_EXPECTED = "text without control characters (U+0000 to U+001F other than tab and line breaks)"


def control_character(text: str) -> str | None:
    """How the first control character of `text` appears in a message, or None if it has none."""
    found = CONTROL_CHARACTER.search(text)
    return f"the control character U+{ord(found.group()):04X}" if found else None


KeyPath = tuple[str | int, ...]
# Quoted: without libyaml, yaml.CSafeLoader does not exist at run time.
YamlLoader: TypeAlias = "yaml.SafeLoader | yaml.CSafeLoader"
# libyaml's parser when PyYAML was built with it (PyPI's wheels are): ten times the pure-Python speed.
FastLoader: type[YamlLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class YamlDoc:
    path: Path
    value: object
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, keypath: KeyPath) -> int | None:
        """The line of a value, or of its nearest enclosing value."""
        for end in range(len(keypath), -1, -1):
            if keypath[:end] in self.lines:
                return self.lines[keypath[:end]]
        return None


def read_text(path: Path, errors: Collector) -> str | None:
    """A data file's text: UTF-8, a leading BOM allowed; anything else is an error."""
    if path.is_dir():
        errors.add("not-a-file", path, None, "", "a directory", "a file")
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.add("unreadable", path, None, "", exc.strerror or str(exc), "a readable file")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        errors.add(
            "encoding",
            path,
            1,
            "",
            'UTF-16 text (Excel\'s "Unicode text")',
            'UTF-8 text (save as "CSV UTF-8" or UTF-8 in your editor)',
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.add(
            "encoding",
            path,
            line,
            "",
            f"bytes that are not UTF-8 ({raw[exc.start : exc.start + 2].hex(' ')}, perhaps GBK)",
            'UTF-8 text (save as "CSV UTF-8" or UTF-8 in your editor)',
        )
        return None
    if (found := CONTROL_CHARACTER.search(text)) is not None:
        line = text.count("\n", 0, found.start()) + 1
        errors.add(
            "control-character", path, line, "", f"the control character U+{ord(found.group()):04X}", CONTROL_EXPECTED
        )
        return None
    return text


def load_yaml(path: Path, errors: Collector) -> YamlDoc | None:
    text = read_text(path, errors)
    if text is None:
        return None
    try:
        loader = FastLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError:
        # libyaml words its errors differently; the pure-Python parser's message is the documented one
        loader = yaml.SafeLoader(text)
    else:
        return _document(path, node, loader, errors)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        errors.add("yaml-syntax", path, line, "", f"invalid YAML ({problem})", "valid YAML")
        return None
    except yaml.YAMLError as exc:
        errors.add("yaml-syntax", path, None, "", f"invalid YAML ({exc})", "valid YAML")
        return None
    return _document(path, node, loader, errors)


def _document(path: Path, node: yaml.Node | None, loader: YamlLoader, errors: Collector) -> YamlDoc | None:
    if node is None:
        errors.add("empty-file", path, None, "", "an empty file", "YAML content")
        return None
    doc = YamlDoc(path, None)
    doc.value = _convert(node, (), doc, loader, errors)
    loader.dispose()
    return doc


def _convert(node: yaml.Node, keypath: KeyPath, doc: YamlDoc, loader: YamlLoader, errors: Collector) -> object:
    doc.lines[keypath] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == STR_TAG else loader.construct_object(key_node)
            if not isinstance(key, str):
                errors.add(
                    "wrong-type",
                    doc.path,
                    key_node.start_mark.line + 1,
                    _dotted(keypath),
                    f"the key {show(key)}",
                    "a field name",
                )
                continue
            if key in result:
                errors.add(
                    "duplicate-key",
                    doc.path,
                    key_node.start_mark.line + 1,
                    _dotted(keypath + (key,)),
                    "the same field twice",
                    "each field once",
                )
                continue
            result[key] = _convert(value_node, keypath + (key,), doc, loader, errors)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, keypath + (i,), doc, loader, errors) for i, item in enumerate(node.value)]
    if node.tag == STR_TAG:
        return node.value  # what the constructor would return, without its bookkeeping (most scalars are text)
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError):
        # A date-looking scalar such as 2024-13-45 that the resolver claims but cannot build:
        # keep the text, and let the field's own reader say what it expected.
        return node.value


def _dotted(keypath: KeyPath) -> str:
    out = ""
    for part in keypath:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


dotted = _dotted


def is_date(value: object) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def load_optional_list(path: Path, errors: Collector, expected: str) -> YamlDoc | None:
    """An optional YAML file that holds a list (benchmarks.yaml, qa.yaml): None if it is missing, unreadable
    or not a list (the last two recorded in `errors`)."""
    if not path.exists():
        return None
    doc = load_yaml(path, errors)
    if doc is None:
        return None
    if not isinstance(doc.value, list):
        errors.add("wrong-type", path, doc.line(()), "", show(doc.value), expected)
        return None
    return doc

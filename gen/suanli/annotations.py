"""GitHub Actions workflow commands: a message shown on a file's line in a pull request's diff."""

from __future__ import annotations


def _property(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_command(level: str, file: str, line: int | None, title: str, message: str) -> str:
    """`::error file=…,line=…,title=…::message` (level: error, warning or notice), escaped as GitHub
    requires: properties lose their `:` and `,` to percent-escapes, the message its line breaks."""
    where = f"file={_property(file)}" + (f",line={line}" if line else "")
    return f"::{level} {where},title={_property(title)}::{_data(message)}"

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

# Every error code, with what it means; the authoring guide (/authoring/) gives each an example.
CODES = {
    "yaml-syntax": "YAML 语法错误",
    "duplicate-key": "同一字段写了两次",
    "empty-file": "文件为空",
    "not-a-file": "应为文件，实为目录",
    "not-a-folder": "issues/ 下应为期次目录，实为文件",
    "unreadable": "文件无法读取",
    "encoding": "不是 UTF-8 编码",
    "control-character": "含有控制字符（多为从别处粘贴而来）",
    "missing-file": "缺少文件或目录",
    "missing-field": "缺少必填字段或值为空",
    "unknown-field": "未知字段（多为拼写错误）",
    "wrong-type": "类型不对（如文字处写了数字）",
    "bad-choice": "取值不在允许的选项中",
    "bad-date": "日期格式或日期不对",
    "bad-period": "日期区间不对",
    "date-mismatch": "date 与目录名不一致",
    "bad-folder-name": "期次目录不是日期",
    "bad-ticker": "代码格式不对",
    "bad-pinyin": "拼音格式不对，或音节数与名称的汉字数不符",
    "bad-file": "文件名或类型不对",
    "unknown-ticker": "代码不在 companies.yaml 中（prices.csv 中的代码也可以是基准）",
    "bad-market": "基准的 markets 不是代码后缀",
    "no-benchmark": "有行情后，建议关注的公司所在市场没有基准",
    "no-closes": "有行情后，建议关注的公司所用的基准在 prices.csv 中没有收盘价",
    "duplicate": "重复（代码、名称、行、图表编号或板块）",
    "undeclared-file": "期次目录中有未被任何图表使用的文件",
    "no-data": "图表没有截至该期的数据",
    "csv-syntax": "CSV 格式错误（如引号未闭合）",
    "bad-header": "表头有空列名或重复列名",
    "missing-column": "缺少列",
    "unknown-column": "多出未知列",
    "ragged-row": "该行单元格数与表头不符",
    "empty-cell": "单元格为空",
    "not-a-number": "不是数字",
    "not-positive": "应为正数",
    "unreadable-cell": "导入时单元格无法读取",
    "missing-row": "导入文件缺少某公司的行",
    "ambiguous-column": "导入时同名的区间涨跌幅列无法按日期分出本周、本月、本年",
    "changed-published": "已发布期次的数据被修改但没有新增更正记录",
    "removed-published": "已发布期次被删除",
}


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


def _sort_key(error: DataError) -> tuple[str, int, str, str]:
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
    """Gathers the errors found in one pass over a data folder (or one import), to raise them together."""

    errors: list[DataError] = field(default_factory=list)

    def name(self, path: Path) -> str:
        """A path as the author knows it: relative to the working directory when possible."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def add(self, code: str, path: Path, line: int | None, field: str, found: str, expected: str) -> None:
        if code not in CODES:
            raise ValueError(f"undocumented error code {code!r}: add it to CODES and to the authoring guide")
        self.errors.append(DataError(code, self.name(path), line, field, found, expected))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)

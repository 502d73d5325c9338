"""/downloads/datapackage.json: the CSV downloads described as a Frictionless Data Package (v1), so a
reader's tools can check them and read each column as its type.

Written from the definitions the files and the /downloads/ page are written from
(downloads.CSV_DOWNLOADS): each file is a resource whose Table Schema holds its columns' types,
descriptions and required values, its primary key and its references to other files. Paths are relative
(the package sits beside the files). Nothing in it depends on when it is built (no `created`), so a build of
the same data writes the same bytes; no licence is named, as the project states none.
"""

from __future__ import annotations

import json

from suanli.contract import Dataset
from suanli.render import urls
from suanli.render.csv_table import Column
from suanli.render.downloads import CSV_DOWNLOADS, Download

PACKAGE_NAME = "suanli"  # lower case, digits and -._/ only (the spec's pattern)
GUARD_NOTE = "文本单元格若以 =、+、-、@、制表符或回车开头，文件中在其前加一个单引号 '（以免表格软件把它当作公式执行）。"


def datapackage_json(dataset: Dataset, site_url: str) -> str:
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{urls.SERIES_NAME}：数据下载" + ("（示例数据）" if dataset.synthetic else ""),
        "description": (
            ("示例数据：由 suanli demo 生成，数字为虚构。" if dataset.synthetic else "")
            + f"{urls.SERIES_NAME}全部期次的股价复盘表、建议关注及其业绩，每次发布时随网站一起重新生成；"
            "每一行都来自它所在的那一期。" + GUARD_NOTE
        ),
        "homepage": urls.absolute(site_url, urls.DOWNLOADS),
        "synthetic": dataset.synthetic,  # as index.json: true for 示例数据 (suanli demo), not research
        "resources": [_resource(d) for d in CSV_DOWNLOADS],
    }
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"


def _resource(download: Download) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [_field(c) for c in download.columns],
        "missingValues": [""],  # an empty cell is no value (a return without prices); no other marker
        "primaryKey": list(download.primary_key),
    }
    if download.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(k.fields), "reference": {"resource": k.resource, "fields": list(k.reference)}}
            for k in download.foreign_keys
        ]
    return {
        "profile": "tabular-data-resource",
        "name": download.name,
        "path": urls.href(urls.DOWNLOADS, download.path),
        "title": download.title,
        "description": download.about,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _field(column: Column) -> dict[str, object]:
    field: dict[str, object] = {"name": column.name, "type": column.type, "description": column.about}
    if column.required:
        field["constraints"] = {"required": True}
    return field

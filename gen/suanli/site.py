"""The whole generated part of the site: a data folder in, {path: content} out.

This is the generator's one entry: it loads and validates (raising DataErrors
before producing anything), then renders every page and asset. It knows
nothing of MkDocs; the gen-files script only writes what it returns.
"""

from __future__ import annotations

from pathlib import Path

from . import charts, pages
from .contract import Dataset
from .load import load_dataset

TEMPLATE_DIR = "assets/charts"


def generate(data_dir: Path) -> dict[str, str]:
    return render(load_dataset(data_dir))


def render(dataset: Dataset) -> dict[str, str]:
    files: dict[str, str] = {"index.md": pages.home_page(dataset), "issues/index.md": pages.archive_page(dataset),
                             "latest/index.md": pages.latest_page(dataset)}
    kinds_used: set[str] = set()
    for issue in dataset.issues:
        folder = f"issues/{issue.slug}"
        files[f"{folder}/index.md"] = pages.issue_page(issue, dataset)
        for exhibit in issue.exhibits:
            if exhibit.kind in charts.KINDS:
                kinds_used.add(exhibit.kind)
                frame = pages.exhibit_frame(issue, exhibit, dataset)
                files[f"{folder}/{pages.exhibit_csv_name(exhibit)}"] = pages.chart_csv(frame)
    for kind in sorted(kinds_used):
        for theme in charts.THEMES:
            files[f"{TEMPLATE_DIR}/{kind}.{theme}.json"] = charts.template(kind, theme)
    return files

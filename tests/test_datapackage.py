"""/downloads/datapackage.json: the CSV downloads as a Frictionless Data Package. frictionless, run in the
built site's downloads folder as a reader would run it (the resources' paths are relative), reads every row
of every file and checks it against the schema (types, required values, primary and foreign keys); a copy
with a broken cell, key or reference fails."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import frictionless
import pytest

FILES = ["stocks.csv", "recommendations.csv", "track_record.csv", "calls.csv"]


@pytest.fixture(params=["demo", "hostile"])
def downloads(request, built_site) -> Path:
    return built_site(request.param).site / "downloads"


def validate(folder: Path, monkeypatch) -> frictionless.Report:
    monkeypatch.chdir(folder)
    return frictionless.validate("datapackage.json")


def errors(report: frictionless.Report) -> list[tuple[str, str]]:
    return [(task.name, error.type) for task in report.tasks for error in task.errors] + [
        ("package", error.type) for error in report.errors
    ]


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_package_describes_every_csv_download_and_frictionless_finds_it_valid(downloads, monkeypatch):
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == FILES
    assert "created" not in package and "licenses" not in package  # same bytes for the same data; none stated
    for resource in package["resources"]:
        schema = resource["schema"]
        header = rows_of(downloads / resource["path"])[0]
        assert [f["name"] for f in schema["fields"]] == header
        assert all(
            f["description"] and f["type"] in {"string", "number", "integer", "date", "boolean"}
            for f in schema["fields"]
        )
        assert schema["primaryKey"] and set(schema["primaryKey"]) <= set(header)
    types = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert (types["issue_date"], types["market_cap"], types["week_pct"], types["name"]) == (
        "date",
        "number",
        "number",
        "string",
    )
    report = validate(downloads, monkeypatch)
    assert report.valid, errors(report)
    # every row of every file was read and checked
    assert [task.stats["rows"] for task in report.tasks] == [len(rows_of(downloads / f)) - 1 for f in FILES]
    assert all(task.stats["rows"] for task in report.tasks[:2])


def test_a_copy_with_a_broken_cell_key_or_reference_fails(built_site, tmp_path, monkeypatch):
    copy = Path(shutil.copytree(built_site("demo").site / "downloads", tmp_path / "downloads"))

    def rewrite(name: str, change) -> None:
        rows = rows_of(copy / name)
        change(rows)
        with (copy / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    def stocks(rows):
        rows[1][6] = "'" + rows[1][6]  # a guarded number is text, not a number
        rows[3][:2] = rows[2][:2]  # a second row for one issue and company

    def calls(rows):
        rows[1][3] = "1999-01-01"  # a call starting on an issue that recommended nothing

    def track_record(rows):
        rows[1][3] = ""  # members, never empty

    rewrite("stocks.csv", stocks)
    rewrite("calls.csv", calls)
    rewrite("track_record.csv", track_record)
    report = validate(copy, monkeypatch)
    assert not report.valid
    assert set(errors(report)) == {
        ("stocks", "type-error"),
        ("stocks", "primary-key"),
        ("calls", "foreign-key"),
        ("track_record", "constraint-error"),
    }

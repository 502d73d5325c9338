"""`suanli qa`: each rule fires on a planted mistake of its kind, at its file and line, and stays silent on
clean data (the demo archive, the frozen real issue); acceptances in qa.yaml; the three output formats."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import REAL_DATA, suanli, track_data, write
from suanli.authoring.demo import UNPRICED


@pytest.fixture
def demo(demo_data, tmp_path) -> Path:
    """A copy of the session's demo archive, to plant a mistake in."""
    return Path(shutil.copytree(demo_data, tmp_path / "data"))


def qa_json(folder: Path, *args: str) -> tuple[int, list[dict]]:
    result = suanli("qa", str(folder), "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


def open_findings(folder: Path) -> list[dict]:
    _, entries = qa_json(folder)
    return [e for e in entries if e["accepted"] is None]


def latest(folder: Path) -> Path:
    return sorted((folder / "issues").iterdir())[-1]


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def set_cell(path: Path, ticker: str, column: str, value: str) -> int:
    """Change one cell of a stocks.csv; returns the row's line."""
    columns, rows = rows_of(path)
    line = next(n for n, row in enumerate(rows, 2) if row["ticker"] == ticker)
    for row in rows:
        if row["ticker"] == ticker:
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return line


def a_stock_row(folder: Path, ticker: str | None = None) -> dict[str, str]:
    _, rows = rows_of(latest(folder) / "stocks.csv")
    return next(r for r in rows if ticker is None or r["ticker"] == ticker)


# --- clean data ---------------------------------------------------------------------------------------


def test_the_demo_archive_and_the_real_issue_raise_no_finding(demo_data):
    for folder in (demo_data, REAL_DATA):
        result = suanli("qa", str(folder))
        assert result.returncode == 0, result.stdout
        assert result.stdout.startswith(f"{folder}: 0 errors, 0 warnings"), result.stdout
        assert " 0 stale acceptances" in result.stdout.splitlines()[0]
    # the demo's one deliberate gap (a name without closes, to show 缺少价格) is accepted in its qa.yaml
    _, entries = qa_json(demo_data)
    assert entries and {(e["rule"], e["row"]["ticker"]) for e in entries} == {("missing-close", UNPRICED)}
    assert all(e["accepted"] for e in entries)


def test_a_market_holiday_on_an_issue_date_is_not_a_missing_close(tmp_path):
    # the track data: 0700.HK is recommended on 2024-12-25, a Hong Kong holiday; MU.O has no closes at all
    # (its stock tables are the minimal folder's, not made from its closes: week-prices findings, not looked at)
    findings = [f for f in open_findings(track_data(tmp_path / "data")) if f["rule"] == "missing-close"]
    assert {(f["rule"], f["row"]["ticker"], f["row"]["issue"]) for f in findings} == {
        ("missing-close", "MU.O", "2024-12-11"),
        ("missing-close", "MU.O", "2024-12-25"),
    }


# --- one planted mistake each --------------------------------------------------------------------------


def test_a_market_cap_in_yuan_is_an_error_at_its_line(demo):
    row = a_stock_row(demo)
    stocks = latest(demo) / "stocks.csv"
    line = set_cell(stocks, row["ticker"], "market_cap", str(int(row["market_cap"]) * 100_000_000))
    code, entries = qa_json(demo)
    assert code == 1
    (finding,) = [e for e in entries if e["accepted"] is None]
    assert (finding["rule"], finding["severity"], finding["line"]) == ("cap-ytd", "error", line)
    assert finding["file"].endswith(f"{latest(demo).name}/stocks.csv") and "10^8" in finding["message"]
    assert finding["company"].endswith(f"（{row['ticker']}）")
    assert finding["page"] == f"issues/{latest(demo).name}/#exhibit-1"


def test_a_ytd_with_two_digits_swapped_is_a_warning(demo):
    row = next(r for r in rows_of(latest(demo) / "stocks.csv")[1] if len(r["ytd_pct"].lstrip("-").split(".")[0]) == 2)
    whole, cents = row["ytd_pct"].split(".")
    swapped = whole[:-2] + whole[-1] + whole[-2] + "." + cents
    if abs(float(swapped) - float(row["ytd_pct"])) < 9:  # e.g. 11 -> 11: swap the cents instead
        swapped = whole + "." + cents[::-1]
    assert swapped != row["ytd_pct"]
    line = set_cell(latest(demo) / "stocks.csv", row["ticker"], "ytd_pct", swapped)
    findings = open_findings(demo)
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("cap-ytd", "warning", line)]


def test_a_weekly_change_that_lost_its_sign_is_an_error(demo):
    row = next(
        r for r in rows_of(latest(demo) / "stocks.csv")[1] if abs(float(r["week_pct"])) > 1 and r["ticker"] != UNPRICED
    )
    flipped = row["week_pct"][1:] if row["week_pct"].startswith("-") else "-" + row["week_pct"]
    line = set_cell(latest(demo) / "stocks.csv", row["ticker"], "week_pct", flipped)
    code, entries = qa_json(demo)
    assert code == 1
    assert [(e["rule"], e["severity"], e["line"]) for e in entries if e["accepted"] is None] == [
        ("week-prices", "error", line)
    ]


def test_a_weekly_change_off_by_a_point_is_a_warning_against_the_closes(demo):
    row = next(r for r in rows_of(latest(demo) / "stocks.csv")[1] if r["ticker"] != UNPRICED)
    line = set_cell(latest(demo) / "stocks.csv", row["ticker"], "week_pct", f"{float(row['week_pct']) + 1:.2f}")
    findings = open_findings(demo)
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("week-prices", "warning", line)]
    assert "series/prices.csv" in findings[0]["message"]


def test_a_name_that_fell_out_of_the_stock_table_is_a_warning_a_new_one_is_not(demo):
    stocks = latest(demo) / "stocks.csv"
    lines = stocks.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = lines.pop(3).split(",")[0]
    stocks.write_text("".join(lines), encoding="utf-8")
    findings = open_findings(demo)
    assert [(f["rule"], f["row"]["ticker"], f["line"]) for f in findings] == [("dropped-name", dropped, None)]
    # the demo's late joiners enter the table a third of the way in: no finding there (checked clean above)


def test_a_gpu_price_off_by_half_is_a_warning_at_its_line(demo):
    path = demo / "series/gpu_prices.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    date, gpu, condition, price = lines[-1].strip().split(",")
    lines[-1] = f"{date},{gpu},{condition},{float(price) / 2:.2f}\n"
    path.write_text("".join(lines), encoding="utf-8")
    findings = open_findings(demo)
    assert [(f["rule"], f["line"], f["row"]["gpu"]) for f in findings] == [("gpu-jump", len(lines), gpu)]


def test_a_traffic_figure_with_an_extra_zero_is_a_warning(demo):
    path = demo / "series/traffic.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[40].rstrip("\n").split(",")
    cells[-1] = cells[-1] + "0"
    lines[40] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    findings = open_findings(demo)
    assert [(f["rule"], f["line"]) for f in findings] == [("series-spike", 41)]


def test_a_partial_month_is_not_a_drop_but_an_extra_zero_in_it_is_a_rise(demo):
    path = demo / "series/downloads.csv"
    text = path.read_text(encoding="utf-8")
    partial = [line for line in text.splitlines() if line.endswith(",true")]
    assert partial
    month, app, downloads, _ = partial[0].split(",")
    low = text.replace(partial[0], f"{month},{app},{float(downloads) / 20:.1f},true")
    path.write_text(low, encoding="utf-8")
    assert open_findings(demo) == []
    path.write_text(text.replace(partial[0], f"{month},{app},{float(downloads) * 20:.1f},true"), encoding="utf-8")
    assert [f["rule"] for f in open_findings(demo)] == ["series-spike"]


def test_a_recommended_name_without_a_close_by_its_issue_is_a_warning_at_its_line(demo):
    issue = latest(demo)
    listed = re.findall(r"^  - ([0-9A-Z]+\.[A-Z]+)$", (issue / "issue.yaml").read_text(encoding="utf-8"), re.M)
    ticker = next(t for t in listed if t != UNPRICED)
    prices = demo / "series/prices.csv"
    kept = [line for line in prices.read_text(encoding="utf-8").splitlines(keepends=True) if f",{ticker}," not in line]
    prices.write_text("".join(kept), encoding="utf-8")
    findings = [f for f in open_findings(demo) if f["row"].get("issue") == issue.name]
    line = next(
        n
        for n, text in enumerate((issue / "issue.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text == f"  - {ticker}"
    )
    assert [(f["rule"], f["line"], f["row"]["ticker"]) for f in findings] == [("missing-close", line, ticker)]


# --- acceptances ---------------------------------------------------------------------------------------


def test_an_accepted_finding_no_longer_fails_and_a_stale_acceptance_is_reported(demo):
    row = a_stock_row(demo)
    set_cell(latest(demo) / "stocks.csv", row["ticker"], "market_cap", str(int(row["market_cap"]) * 10_000))
    assert suanli("qa", str(demo)).returncode == 1
    acceptances = (demo / "qa.yaml").read_text(encoding="utf-8")
    write(
        demo / "qa.yaml",
        acceptances
        + f"- rule: cap-ytd\n  issue: {latest(demo).name}\n  ticker: {row['ticker']}\n  reason: 测试：股本折算\n"
        + "- rule: gpu-jump\n  gpu: H100\n  reason: 测试：早已修正的一次跳变\n",
    )
    result = suanli("qa", str(demo))
    assert result.returncode == 0, result.stdout
    assert ": 0 errors, 0 warnings, " in result.stdout.splitlines()[0] and "1 stale acceptance" in result.stdout
    assert "accepted: " in result.stdout and "测试：股本折算" in result.stdout
    stale = [line for line in result.stdout.splitlines() if "stale-acceptance" in line]
    assert len(stale) == 1 and "qa.yaml:" in stale[0] and "gpu H100" in stale[0]
    _, entries = qa_json(demo)
    assert [e["rule"] for e in entries if e["rule"] == "stale-acceptance"] == ["stale-acceptance"]
    assert any(e["accepted"] == "测试：股本折算" and e["rule"] == "cap-ytd" for e in entries)


def test_a_bad_acceptance_is_a_located_data_error(demo):
    write(demo / "qa.yaml", "- rule: cap-ytdd\n  ticker: NVDA.O\n  reason: x\n- rule: gpu-jump\n  gpu: H100\n")
    result = suanli("qa", str(demo))
    assert result.returncode == 1
    assert 'qa.yaml:1: [1].rule: found "cap-ytdd", expected one of cap-ytd' in result.stderr
    assert "qa.yaml:4: [2].reason: found no such field" in result.stderr


# --- formats -------------------------------------------------------------------------------------------


def test_json_lists_each_finding_with_its_file_line_rule_severity_and_message(demo):
    row = a_stock_row(demo)
    set_cell(latest(demo) / "stocks.csv", row["ticker"], "market_cap", str(int(row["market_cap"]) * 10_000))
    _, entries = qa_json(demo)
    for entry in entries:
        assert {"file", "line", "rule", "severity", "message"} <= set(entry)
        assert entry["severity"] in ("error", "warning")
        assert "found " in entry["message"] and ", expected " in entry["message"]


def test_github_annotations_sit_on_the_finding_s_line(demo):
    row = a_stock_row(demo)
    line = set_cell(latest(demo) / "stocks.csv", row["ticker"], "market_cap", str(int(row["market_cap"]) * 10_000))
    result = suanli("qa", str(demo), "--github")
    annotations = [a for a in result.stdout.splitlines() if a.startswith("::")]
    assert len(annotations) == 1
    match = re.fullmatch(r"::error file=([^,]+),line=(\d+),title=suanli qa cap-ytd::(.+)", annotations[0])
    assert match, annotations[0]
    assert match.group(1).endswith("stocks.csv") and int(match.group(2)) == line
    assert "%0A" not in match.group(3) and row["ticker"] in match.group(3)
    assert suanli("qa", str(demo), "--no-github").stdout.count("::") == 0


def test_the_demo_stays_clean_under_every_rule_at_any_size(tmp_path):
    """Its stock tables and its closes come from one walk: 本周 is the closes' return over the period."""
    from suanli.authoring.demo import write_demo

    for weeks in (1, 2, 60):
        folder = tmp_path / f"demo-{weeks}"
        write_demo(folder, weeks=weeks)
        assert open_findings(folder) == [], weeks

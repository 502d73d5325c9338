"""The authors' weekly routine: new, import, validate, preview, check-published, and the guide."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from helpers import REAL_DATA, REPO, edit, fetch, git, minimal_data, preview, suanli, wait_for
from suanli.errors import CODES
from support import free_port, port_is_free, process_tree
from wind import wind_xlsx


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of the frozen real data (tests/fixtures/real), addressed as data/ from a temp working folder."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REAL_DATA, tmp_path / "data")
    return tmp_path / "data"


# --- suanli new --------------------------------------------------------------------


def test_new_scaffolds_next_week_from_the_latest_issue(data, tmp_path):
    result = suanli("new", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = data / "issues/2024-12-18"
    assert sorted(p.name for p in folder.iterdir()) == ["issue.yaml", "launches.csv", "stocks.csv"]
    new = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
    old = yaml.safe_load((data / "issues/2024-12-11/issue.yaml").read_text(encoding="utf-8"))
    assert new["date"] == dt.date(2024, 12, 18) and new["period"] == {
        "start": dt.date(2024, 12, 16),
        "end": dt.date(2024, 12, 18),
    }
    for key in ("authors", "exhibits", "recommendations", "risks", "industry", "rating"):
        assert new[key] == old[key], key
    assert new["title"] == "" and all(h["heading"] == "" and h["body"] == "" for h in new["highlights"])
    assert [h.get("section", "投资要点") for h in new["highlights"]] == ["投资要点", "大模型跟踪"]
    with (folder / "stocks.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (data / "issues/2024-12-11/stocks.csv").open(encoding="utf-8") as handle:
        old_rows = list(csv.DictReader(handle))
    assert [r["ticker"] for r in rows] == [r["ticker"] for r in old_rows]
    assert all(r["market_cap"] == r["week_pct"] == r["month_pct"] == r["ytd_pct"] == "" for r in rows)
    assert (folder / "launches.csv").read_text(encoding="utf-8") == "发布季日程,太平洋时间,北京时间,新产品,亮点\n"


def test_validate_names_every_empty_field_and_cell_of_a_new_issue(data, tmp_path):
    assert suanli("new", cwd=tmp_path).returncode == 0
    result = suanli("validate", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "138 errors in the data:"  # 33 × 4 cells, the title, 2 × 2 highlight fields, the table
    stocks = [line for line in lines if "stocks.csv" in line]
    assert len(stocks) == 33 * 4 and all("found an empty cell" in line for line in stocks)
    assert (
        "  data/issues/2024-12-18/stocks.csv:2: market_cap: found an empty cell, expected a positive number "
        "like 33079 or 33,079 [empty-cell]" in lines
    )
    assert "  data/issues/2024-12-18/issue.yaml:3: title: found an empty value, expected text [missing-field]" in lines
    assert sum("highlights[" in line and "[missing-field]" in line for line in lines) == 4  # heading and body, twice
    assert any(
        "launches.csv: found a header and no rows, expected the rows of 图表9 [no-data]" in line for line in lines
    )


def test_new_takes_a_date_and_never_overwrites(data, tmp_path):
    before = suanli("new", "2024-12-01", cwd=tmp_path)
    assert before.returncode == 1
    assert before.stderr == (
        "Error: 2024-12-01 is not after the latest issue (2024-12-11); a new issue comes after the latest one\n"
    )
    assert suanli("new", "2024-12-20", cwd=tmp_path).returncode == 0
    assert (data / "issues/2024-12-20/issue.yaml").is_file()
    again = suanli("new", "2024-12-20", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == "Error: data/issues/2024-12-20 already exists; `suanli new` never overwrites an issue\n"
    unfinished = suanli("new", cwd=tmp_path)  # the latest issue must be finished before the next is scaffolded
    assert unfinished.returncode == 1 and unfinished.stderr.startswith("138 errors in the data:")


# --- suanli import stocks ------------------------------------------------------------

TICKERS = ("NVDA.O", "688256.SH", "MU.O")


@pytest.fixture
def minimal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return minimal_data(tmp_path / "data")


def read_stocks(data: Path) -> list[dict]:
    with (data / "issues/2024-12-11/stocks.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_import_xlsx_converts_yuan_to_yi_and_keeps_the_issue_order(minimal, tmp_path):
    export = wind_xlsx(
        tmp_path / "wind.xlsx",
        [
            ["MU.O", "美光", 109_312_345_678, -3.03, 0.15, 15.29],
            ["NVDA.O", "英伟达", 3_307_900_000_000, -5.17, "-2.29%", 172.82],
            ["688256.SH", "寒武纪", 224_800_000_000, -2.745, -4.02, 298.96],
        ],
    )
    result = suanli("import", "stocks", str(export), "--issue", "2024-12-11", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"data/issues/2024-12-11/stocks.csv: wrote 3 rows from {export}.\n"
    assert read_stocks(minimal) == [
        {
            "ticker": "NVDA.O",
            "market_cap": "33079.00",
            "currency": "USD",
            "week_pct": "-5.17",
            "month_pct": "-2.29",
            "ytd_pct": "172.82",
        },
        {
            "ticker": "688256.SH",
            "market_cap": "2248.00",
            "currency": "CNY",
            "week_pct": "-2.75",
            "month_pct": "-4.02",
            "ytd_pct": "298.96",
        },
        {
            "ticker": "MU.O",
            "market_cap": "1093.12",
            "currency": "USD",
            "week_pct": "-3.03",
            "month_pct": "0.15",
            "ytd_pct": "15.29",
        },
    ]
    assert suanli("validate", cwd=tmp_path).returncode == 0


def test_import_reads_percent_formatted_cells_and_yi_headers(minimal, tmp_path):
    export = wind_xlsx(
        tmp_path / "ifind.xlsx",
        [
            ["NVDA.O", "英伟达", 33079, -0.0517, -0.0229, 1.7282],
            ["688256.SH", "寒武纪", 2248, -0.0274, -0.0402, 2.9896],
            ["MU.O", "美光", 1093, -0.0303, 0.0015, 0.1529],
        ],
        header=["代码", "名称", "总市值(亿元)", "本周涨跌幅", "本月涨跌幅", "本年涨跌幅"],
        percent_format=True,
    )
    assert suanli("import", "stocks", str(export), "--issue", "2024-12-11", cwd=tmp_path).returncode == 0
    assert [(r["market_cap"], r["week_pct"], r["ytd_pct"]) for r in read_stocks(minimal)] == [
        ("33079.00", "-5.17", "172.82"),
        ("2248.00", "-2.74", "298.96"),
        ("1093.00", "-3.03", "15.29"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_csv_in_utf8_bom_or_gbk(minimal, tmp_path, encoding):
    text = (
        "证券代码,证券简称,总市值(元),周涨跌幅(%),月涨跌幅(%),年初至今涨跌幅(%),币种\n"
        'NVDA.O,英伟达,"3,307,900,000,000",-5.17,-2.29,172.82,美元\n'
        "688256.SH,寒武纪,224800000000,-2.74%,-4.02%,298.96%,人民币\n"
        "MU.O,美光,109300000000,-3.03,0.15,15.29,USD\n"
    )
    export = tmp_path / "wind.csv"
    export.write_bytes(text.encode(encoding))
    result = suanli("import", "stocks", str(export), "--issue", "2024-12-11", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [r["market_cap"] for r in read_stocks(minimal)] == ["33079.00", "2248.00", "1093.00"]


def test_import_names_every_bad_cell_and_writes_nothing(minimal, tmp_path):
    before = (minimal / "issues/2024-12-11/stocks.csv").read_bytes()
    export = wind_xlsx(
        tmp_path / "wind.xlsx",
        [
            ["NVDA.O", "英伟达", "--", -5.17, -2.29, 172.82],
            ["NVDA", "英伟达", 3307900000000, -5.17, -2.29, 172.82],
            ["688256.SH", "寒武纪", 224800000000, "N/A", -4.02, 298.96],
        ],
    )
    result = suanli("import", "stocks", export.name, "--issue", "2024-12-11", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "4 errors in the data:\n"
        f"  {export.name}: 证券代码: found no row for MU.O, expected a row for every ticker of 2024-12-11/stocks.csv "
        "(or remove it there) [missing-row]\n"
        f'  {export.name}:3: 总市值 (C3): found "--", expected a positive number (market cap in 亿 if the header says 亿, '
        "else in 元) [unreadable-cell]\n"
        f'  {export.name}:4: 证券代码 (A4): found "NVDA", expected a ticker listed in companies.yaml [unknown-ticker]\n'
        f'  {export.name}:5: 周涨跌幅 (D5): found "N/A", expected a number like -5.17 or -5.17% [unreadable-cell]\n'
    )
    assert (minimal / "issues/2024-12-11/stocks.csv").read_bytes() == before


def test_import_names_missing_columns(minimal, tmp_path):
    export = wind_xlsx(
        tmp_path / "wind.xlsx",
        [["NVDA.O", "英伟达", 1, 1, 1]],
        header=["证券代码", "证券简称", "总市值", "周涨跌幅", "月涨跌幅"],
    )
    result = suanli("import", "stocks", export.name, "--issue", "2024-12-11", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"1 error in the data:\n  {export.name}:2: ytd_pct: found no such column, expected a column "
        "headed 年初至今涨跌幅 or 本年涨跌幅 or 年涨跌幅 or 今年以来涨跌幅 [missing-column]\n"
    )


def test_the_weekly_routine_new_then_import_then_validate(data, tmp_path):
    assert suanli("new", cwd=tmp_path).returncode == 0
    with (data / "issues/2024-12-18/stocks.csv").open(encoding="utf-8") as handle:
        tickers = [r["ticker"] for r in csv.DictReader(handle)]
    export = wind_xlsx(
        tmp_path / "wind.xlsx", [[t, "", 10_000_000_000 * (i + 1), -1.5, 2.25, 30] for i, t in enumerate(tickers)]
    )
    result = suanli("import", "stocks", export.name, "--issue", "2024-12-18", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    remaining = suanli("validate", cwd=tmp_path).stderr.splitlines()
    assert remaining[0] == "6 errors in the data:"  # only the prose and the 图表9 table are left to write
    assert not any("stocks.csv" in line for line in remaining)


def test_import_needs_the_issue_folder(minimal, tmp_path):
    export = wind_xlsx(tmp_path / "wind.xlsx", [])
    result = suanli("import", "stocks", str(export), "--issue", "2024-12-18", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: data/issues/2024-12-18 does not exist; create the issue first with `suanli new 2024-12-18`\n"
    )


# --- validate for GitHub ---------------------------------------------------------------


def test_validate_prints_github_annotations_on_the_changed_line(minimal, tmp_path):
    edit(minimal / "issues/2024-12-11/stocks.csv", "2248,CNY", "2248亿,CNY")
    result = suanli("validate", "--github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=data/issues/2024-12-11/stocks.csv,line=3,title=suanli not-a-number::"
        'data/issues/2024-12-11/stocks.csv:3: market_cap: found "2248亿", expected a positive number like 33079 or '
        "33,079 [not-a-number]\n"
    )


# --- check-published -------------------------------------------------------------------


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A git repository whose base commit published one issue (with a traffic chart)."""
    monkeypatch.chdir(tmp_path)
    data = minimal_data(tmp_path / "data")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "publish 2024-12-11")
    return data


def check(tmp_path: Path):
    return suanli("check-published", "main", cwd=tmp_path)


def test_unchanged_data_passes(published, tmp_path):
    result = check(tmp_path)
    assert (
        result.returncode == 0 and result.stdout == "data: no published issue changed without a revision since main.\n"
    )


def test_a_changed_published_number_needs_a_revision(published, tmp_path):
    edit(published / "issues/2024-12-11/stocks.csv", "2248,CNY", "2249,CNY")
    result = check(tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "1 error in the data:\n  data/issues/2024-12-11/issue.yaml: revisions: found published issue 2024-12-11 "
        "changed (issues/2024-12-11/stocks.csv) with no new revisions entry, expected a new entry under revisions: "
        "(date and note, shown to readers as 更正记录) [changed-published]\n"
    )
    with (published / "issues/2024-12-11/issue.yaml").open("a", encoding="utf-8") as handle:
        handle.write("revisions:\n  - {date: 2024-12-12, note: 更正寒武纪市值}\n")
    assert check(tmp_path).returncode == 0


def test_a_changed_series_row_of_a_published_issue_needs_a_revision(published, tmp_path):
    edit(published / "series/traffic.csv", "ChatGPT,89012", "ChatGPT,89013")
    result = check(tmp_path)
    assert result.returncode == 1
    assert "published issue 2024-12-11 changed (series/traffic.csv)" in result.stderr


def test_new_issues_and_later_series_rows_pass(published, tmp_path):
    with (published / "series/traffic.csv").open("a", encoding="utf-8") as handle:
        handle.write("2024-12-06,2024-12-12,text,ChatGPT,90000\n")
    shutil.copytree(published / "issues/2024-12-11", published / "issues/2024-12-18")
    edit(published / "issues/2024-12-18/issue.yaml", "date: 2024-12-11", "date: 2024-12-18")
    edit(published / "issues/2024-12-18/stocks.csv", "2248,CNY", "2300,CNY")
    assert check(tmp_path).returncode == 0


def test_comments_and_layout_of_a_published_issue_may_change(published, tmp_path):
    edit(published / "issues/2024-12-11/issue.yaml", "title: 测试周报", "# 标题\ntitle: '测试周报'")
    assert check(tmp_path).returncode == 0


def test_removing_a_published_issue_fails(published, tmp_path):
    shutil.rmtree(published / "issues/2024-12-11")
    assert suanli("new", "2024-12-18", cwd=tmp_path).returncode == 1  # nothing to scaffold from: the data is invalid
    result = check(tmp_path)
    assert result.returncode == 1 and "[missing-file]" in result.stderr


# --- preview ----------------------------------------------------------------------------


def test_preview_rebuilds_on_data_changes_and_keeps_the_last_good_site(tmp_path):
    data = minimal_data(tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}/issues/2024-12-11/"
    with preview(data, port, tmp_path / "serve.log"):
        wait_for(lambda: "33,079" in fetch(url))
        edit(data / "issues/2024-12-11/stocks.csv", '"33,079"', '"33,0x9"')
        wait_for(lambda: "still serving the last good build" in (tmp_path / "serve.log").read_text())
        assert "33,079" in fetch(url)  # the last good site stays up
        edit(data / "issues/2024-12-11/stocks.csv", '"33,0x9"', '"34,000"')
        wait_for(lambda: "34,000" in fetch(url))
    output = (tmp_path / "serve.log").read_text()
    assert 'stocks.csv:2: market_cap: found "33,0x9", expected a positive number like 33079 or 33,079' in output
    assert "Traceback" not in output


def descendants(pid: int) -> set[int]:
    return set(process_tree(pid)[1:])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_everything_it_started_within_five_seconds(tmp_path, stop):
    data = minimal_data(tmp_path / "data")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    with preview(data, port, env={"TMPDIR": str(temp)}) as server:
        wait_for(lambda: "33,079" in fetch(f"http://127.0.0.1:{port}/issues/2024-12-11/"))
        started = descendants(server.pid)
        edit(data / "issues/2024-12-11/stocks.csv", '"33,079"', '"34,000"')  # stop it while it rebuilds
        time.sleep(0.8)
        begun = time.monotonic()
        server.send_signal(stop)
        server.wait(timeout=5)
        assert time.monotonic() - begun < 5
        assert not (started & descendants(os.getpid())), "a process serve started outlived it"
        assert port_is_free(port)
        assert not any(p.name.startswith("properdocs_") for p in temp.iterdir())  # its temporary site is removed


# --- workflows ----------------------------------------------------------------------------

WORKFLOWS = REPO / ".github/workflows"


def test_workflows_are_valid_github_actions():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["check.yml", "deploy.yml"]
    result = subprocess.run(
        [
            Path(sys.executable).parent / "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_publishes_only_a_push_to_main_that_check_passed_and_builds_that_commit():
    deploy = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text(encoding="utf-8"))
    check_name = yaml.safe_load((WORKFLOWS / "check.yml").read_text(encoding="utf-8"))["name"]
    on = deploy[True]  # YAML 1.1 reads the key `on` as true
    assert set(on) == {"workflow_run"}, "any other trigger could deploy a commit check.yml never passed"
    assert on["workflow_run"] == {"workflows": [check_name], "types": ["completed"], "branches": ["main"]}
    build = deploy["jobs"]["build"]
    assert build["if"] == (
        "github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'"
    )
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    assert deploy["jobs"]["deploy"]["needs"] == "build"
    assert deploy["concurrency"]["group"] == "pages"
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = [s.get("uses", "") for job in deploy["jobs"].values() for s in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert any(s.startswith(action + "@") for s in steps), action
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_check_workflow_validates_checks_published_lints_tests_and_builds():
    check_wf = yaml.safe_load((WORKFLOWS / "check.yml").read_text(encoding="utf-8"))
    assert set(check_wf[True]) == {"pull_request", "push"}
    assert "branches" not in (check_wf[True]["push"] or {})  # every push, main's included (deploy waits for it)
    runs = " ".join(s.get("run", "") for s in check_wf["jobs"]["check"]["steps"])
    for command in (
        "suanli validate --github",
        "suanli qa --github",
        "suanli check-published --github",
        "ruff check",
        "ruff format --check",
        "mypy",
        "make test",
        "make build",
    ):
        assert command in runs, command


def test_dependabot_watches_pip_and_github_actions():
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {(u["package-ecosystem"], u["directory"]) for u in config["updates"]} == {
        ("pip", "/"),
        ("github-actions", "/"),
    }
    result = subprocess.run(
        [
            Path(sys.executable).parent / "check-jsonschema",
            "--builtin-schema",
            "vendor.dependabot",
            str(REPO / ".github/dependabot.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pre_commit_hook_validates_commits_that_touch_data(tmp_path):
    repo = tmp_path / "repo"
    data = minimal_data(repo / "data")
    shutil.copy(REPO / ".pre-commit-config.yaml", repo)
    # the hook runs .venv/bin/suanli, as `make hooks` sets up a checkout: here, the venv this suite runs in
    (repo / ".venv").symlink_to(Path(sys.prefix))
    (repo / "README.md").write_text("notes\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def commit(*paths: str) -> subprocess.CompletedProcess:
        git(repo, "add", *paths)
        return subprocess.run(
            [str(Path(sys.executable).parent / "pre-commit"), "run", "--files", *paths],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = commit("data/issues/2024-12-11/stocks.csv")
    assert good.returncode == 0 and "suanli validate (the data contract)" in good.stdout and "Passed" in good.stdout
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2248亿,CNY")
    bad = commit("data/issues/2024-12-11/stocks.csv")
    assert bad.returncode == 1 and "Failed" in bad.stdout
    assert 'data/issues/2024-12-11/stocks.csv:3: market_cap: found "2248亿", expected a positive number' in bad.stdout
    elsewhere = commit("README.md")  # only commits that touch data/ run it
    assert elsewhere.returncode == 0 and "(no files to check)Skipped" in elsewhere.stdout


# --- the authoring guide --------------------------------------------------------------------

GUIDE = (REPO / "docs/authoring.md").read_text(encoding="utf-8")


def codes_used_in_the_code() -> set[str]:
    """Every error code passed to an error-recording call anywhere in the generator."""
    codes = set()
    for path in (REPO / "gen/suanli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (
                    (node.func.attr in ("error", "error_at", "bad") and ast.unparse(node.func.value) != "log")
                    or (node.func.attr == "add" and ast.unparse(node.func.value).endswith("errors"))
                )
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_error_code_in_the_code_is_registered():
    assert codes_used_in_the_code() == set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_error_code_is_documented_with_an_example(code):
    rows = [line for line in GUIDE.splitlines() if line.startswith(f"| `{code}` |")]
    assert len(rows) == 1, f"{code} needs one row in the guide's error table"
    example = rows[0].rsplit("|", 2)[-2].strip().strip("`")
    assert re.fullmatch(rf"\S+?(:\d+)?: (.+?: )?found .+, expected .+ \[{re.escape(code)}\]", example), example


def test_the_guide_documents_every_field_and_column():
    from suanli.authoring import importer
    from suanli.load import dataset as load
    from suanli.load import prices

    names = (
        load.ISSUE_FIELDS
        | load.COMPANY_FIELDS
        | load.EXHIBIT_FIELDS
        | {"section", "synthetic"}
        | set(load.STOCK_COLUMNS)
        | set(load.TRAFFIC_COLUMNS)
        | set(load.DOWNLOAD_COLUMNS)
        | set(load.GPU_COLUMNS)
        | set(prices.PRICE_COLUMNS)
        | prices.BENCHMARK_FIELDS
    )
    for name in names:
        assert f"`{name}`" in GUIDE, name
    for headers in importer.HEADERS.values():
        for header in headers:
            assert header in GUIDE, header
    assert "截至规则" in GUIDE and "suanli new" in GUIDE
    assert "suanli import stocks" in GUIDE and "suanli import prices" in GUIDE

"""The suanli command as authors run it: exit codes and exact output."""

from __future__ import annotations

import shutil

from helpers import REAL_DATA, edit, minimal_data, suanli


def test_validate_reads_data_in_the_working_folder_by_default(tmp_path):
    shutil.copytree(REAL_DATA, tmp_path / "data")
    result = suanli("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data: OK, 1 issue(s), 44 companies, latest 2024-12-11\n"


def test_validate_follows_suanli_data(tmp_path):
    data = minimal_data(tmp_path / "elsewhere")
    result = suanli("validate", env={"SUANLI_DATA": str(data)})
    assert result.returncode == 0
    assert result.stdout == f"{data}: OK, 1 issue(s), 3 companies, latest 2024-12-11\n"


def test_validate_reports_every_error_and_exits_1_without_traceback(tmp_path):
    data = minimal_data(tmp_path / "data")
    edit(data / "issues/2024-12-11/stocks.csv", "NVDA.O,", "NVDA,")
    edit(data / "issues/2024-12-11/issue.yaml", "date: 2024-12-11", "date: 2024-12-1")
    result = suanli("validate", "data", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "2 errors in the data:\n"
        '  data/issues/2024-12-11/issue.yaml:2: date: found "2024-12-1", expected a date like 2024-12-11 [bad-date]\n'
        '  data/issues/2024-12-11/stocks.csv:2: ticker: found "NVDA", expected a ticker listed in companies.yaml '
        "[unknown-ticker]\n"
    )


def test_validate_a_folder_that_does_not_exist(tmp_path):
    result = suanli("validate", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "1 error in the data:\n  nowhere: found no such folder, "
        "expected a data folder with companies.yaml and issues/ [missing-file]\n"
    )


def test_demo_writes_a_valid_synthetic_folder_deterministically(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    result = suanli("demo", str(first), "--weeks", "6")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{first}: wrote 26 files of synthetic data (6 weekly issues to 2024-12-11).\n"
    assert suanli("demo", str(second), "--weeks", "6").returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    validated = suanli("validate", str(first))
    assert validated.returncode == 0
    assert validated.stdout == f"{first}: OK, 6 issue(s), 45 companies, latest 2024-12-11 (示例数据 / synthetic)\n"


def test_demo_default_is_52_weeks_with_every_exhibit_kind(tmp_path):
    from suanli.load.dataset import load_dataset

    assert suanli("demo", str(tmp_path / "d")).returncode == 0
    dataset = load_dataset(tmp_path / "d")
    assert len(dataset.issues) == 52 and dataset.synthetic
    kinds = {e.kind for e in dataset.latest.exhibits}
    assert kinds == {"stocks", "traffic", "downloads", "gpu_prices", "table"}
    assert len(dataset.series.traffic) >= 52 * 3 and dataset.series.downloads["partial"].any()


def test_demo_refuses_a_folder_with_files(tmp_path):
    data = minimal_data(tmp_path / "data")
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    result = suanli("demo", str(data))
    assert result.returncode == 1
    assert result.stderr == f"Error: {data} is not empty; demo data goes into a new or empty folder\n"
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before

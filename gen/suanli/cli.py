"""The `suanli` command: the authors' weekly tools. Thin: each command adapts one library call,
turning DataErrors into a report on stderr and exit code 1."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

import click

from suanli.annotations import workflow_command
from suanli.authoring.demo import DEFAULT_END, write_demo
from suanli.authoring.importer import import_stocks
from suanli.authoring.price_import import import_prices, report, write_atomically
from suanli.authoring.published import GitError, check_published_against
from suanli.authoring.scaffold import ScaffoldError, scaffold_issue
from suanli.contract import Registry
from suanli.errors import Collector, DataError, DataErrors
from suanli.load.dataset import load_dataset, load_registry
from suanli.load.prices import PRICES_FILE
from suanli.qa import report as qa_report
from suanli.qa.acceptances import load_acceptances
from suanli.qa.findings import judge
from suanli.qa.rules import check
from suanli.settings import Settings


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"found {value!r}, expected a date like 2024-12-11", param_hint=option) from None


def _under_github_actions() -> bool:
    """--github's default, read when the command runs (not when this module is imported)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _data_dir() -> Path:
    """The data folder the settings name ($SUANLI_DATA, else data/): the CLI is an edge."""
    return Settings.from_environ(os.environ).data_dir


def github_annotation(error: DataError) -> str:
    """A GitHub Actions workflow command, so the error shows on the changed line of a pull request."""
    return workflow_command("error", error.file, error.line, f"suanli {error.code}", str(error))


def _fail(exc: DataErrors, github: bool = False) -> NoReturn:
    click.echo(exc.report(), err=True)
    if github:
        for error in exc.errors:
            click.echo(github_annotation(error))
    sys.exit(1)


def _registry(folder: Path) -> Registry:
    """companies.yaml alone (what an import checks codes against), or the report of its errors and exit 1."""
    try:
        return load_registry(folder)
    except DataErrors as exc:
        _fail(exc)


@click.group(help="算力周跟踪: tools for the weekly note's data folder.")
def main() -> None:
    pass


@main.command(
    help="Check a data folder (default: $SUANLI_DATA or data/) against the data contract; "
    "report every problem at once, exit 1 on any."
)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--github/--no-github",
    default=_under_github_actions,
    help="Also print each error as a GitHub Actions annotation (default: on under GitHub Actions).",
)
def validate(directory: Path | None, github: bool) -> None:
    folder = directory or _data_dir()
    try:
        dataset = load_dataset(folder)
    except DataErrors as exc:
        _fail(exc, github)
    companies = len(dataset.registry.companies)
    click.echo(
        f"{folder}: OK, {len(dataset.issues)} issue(s), {companies} companies, "
        f"latest {dataset.latest.slug}" + (" (示例数据 / synthetic)" if dataset.synthetic else "")
    )


@main.command(
    help="Check a valid data folder for well-formed mistakes: each issue against the one before, each series "
    "point against its neighbours, the stock table against the closes. Exit 1 only on an error-severity finding "
    "that qa.yaml does not accept."
)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format", "form", type=click.Choice(["text", "json"]), default="text", help="How to print the findings."
)
@click.option(
    "--github/--no-github",
    default=_under_github_actions,
    help="Also print each finding as a GitHub Actions annotation (default: on under GitHub Actions).",
)
def qa(directory: Path | None, form: str, github: bool) -> None:
    folder = directory or _data_dir()
    errors = Collector()
    try:
        dataset = load_dataset(folder)
    except DataErrors as exc:
        _fail(exc, github)
    acceptances = load_acceptances(folder, errors)
    if errors.errors:
        _fail(DataErrors(errors.errors), github)
    report = judge(check(dataset, folder, errors.name), acceptances)
    click.echo(qa_report.as_json(report) if form == "json" else qa_report.text(report, str(folder)))
    if github:
        for line in qa_report.github(report):
            click.echo(line)
    if report.failed:
        sys.exit(1)


@main.command(
    help="Scaffold the next issue from the latest one (default date: a week after it). "
    "Never overwrites an existing issue."
)
@click.argument("date", required=False)
@click.option(
    "--data", "directory", type=click.Path(path_type=Path), help="Data folder (default: $SUANLI_DATA or data/)."
)
def new(date: str | None, directory: Path | None) -> None:
    folder = directory or _data_dir()
    when = _date(date, "DATE") if date is not None else None
    if when is not None and (folder / "issues" / when.isoformat()).exists():
        raise click.ClickException(
            f"{folder / 'issues' / when.isoformat()} already exists; `suanli new` never overwrites an issue"
        )
    try:
        written = scaffold_issue(load_dataset(folder), folder, when)
    except DataErrors as exc:
        _fail(exc)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{written[0].parent}: scaffolded "
        + ", ".join(p.name for p in written)
        + ". Fill in the title, highlights and numbers; `suanli validate` lists what is still empty."
    )


@main.group(name="import", help="Import an export from Wind or iFinD: an issue's stock table, or daily closes.")
def import_() -> None:
    pass


@import_.command(
    name="stocks",
    help="Turn a Wind/iFinD export (.xlsx, or .csv in UTF-8, UTF-8 with BOM or GBK) into issues/DATE/stocks.csv.",
)
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--issue", "issue_date", required=True, help="The issue's date (its folder must exist: `suanli new`).")
@click.option(
    "--data", "directory", type=click.Path(path_type=Path), help="Data folder (default: $SUANLI_DATA or data/)."
)
def import_stocks_command(export: Path, issue_date: str, directory: Path | None) -> None:
    folder = directory or _data_dir()
    date = _date(issue_date, "--issue")
    issue_dir = folder / "issues" / date.isoformat()
    if not issue_dir.is_dir():
        raise click.ClickException(f"{issue_dir} does not exist; create the issue first with `suanli new {date}`")
    registry = _registry(folder)  # the issue being written need not validate yet
    errors = Collector()
    text = import_stocks(export, issue_dir, registry, errors)
    if text is None:
        _fail(DataErrors(errors.errors))
    (issue_dir / "stocks.csv").write_text(text, encoding="utf-8")
    click.echo(f"{issue_dir / 'stocks.csv'}: wrote {text.count(chr(10)) - 1} rows from {export}.")


@import_.command(
    name="prices",
    help="Merge daily closes into series/prices.csv: from a Wind/iFinD sheet (.xlsx or .csv; dates down the "
    "first column, a column per code) or a CSV with the columns date,ticker,close. A close the file has for "
    "the same date and ticker is replaced; on any error nothing is written.",
)
@click.argument("export", type=click.Path(path_type=Path))
@click.option(
    "--data", "directory", type=click.Path(path_type=Path), help="Data folder (default: $SUANLI_DATA or data/)."
)
def import_prices_command(export: Path, directory: Path | None) -> None:
    folder = directory or _data_dir()
    registry = _registry(folder)
    errors = Collector()
    merged = import_prices(export, folder, registry, errors)
    if merged is None:
        _fail(DataErrors(errors.errors))
    if merged.changed:
        write_atomically(folder / PRICES_FILE, merged.text)
    for line in report(merged, folder / PRICES_FILE, export):
        click.echo(line)


@main.command(
    name="check-published",
    help="Fail when an issue that exists at git revision BASE changed without a new revisions: entry.",
)
@click.argument("base")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--github/--no-github",
    default=_under_github_actions,
    help="Also print each error as a GitHub Actions annotation.",
)
def check_published_command(base: str, directory: Path | None, github: bool) -> None:
    folder = directory or _data_dir()
    try:
        check_published_against(folder, base)
    except DataErrors as exc:
        _fail(exc, github)
    except GitError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{folder}: no published issue changed without a revision since {base}.")


@main.command(
    help="Preview the site at http://127.0.0.1:PORT/, rebuilding when the data folder, gen/ or the pages "
    "change. A data error is shown here and the last good site stays up. Stops on Ctrl-C or SIGTERM."
)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(port: int) -> None:
    if not Path("mkdocs.yml").is_file():
        raise click.ClickException("no mkdocs.yml here; run `suanli serve` from the repository's top folder")
    os.environ["SUANLI_DATA"] = str(_data_dir().resolve())
    os.environ["SUANLI_SITE_URL"] = f"http://127.0.0.1:{port}/"
    # In this process, not a child: a stop signal reaches the server itself. SIGTERM (an editor's stop
    # button, a process manager) is handled like Ctrl-C, so the server closes its port and removes its
    # temporary site folder; a rebuild in progress is interrupted rather than waited for.
    signal.signal(signal.SIGTERM, _interrupt)
    from properdocs.__main__ import cli as properdocs_cli  # its logging and mkdocs.* aliases, as `properdocs serve`

    # --dirty: a rebuild renders only the pages whose sources changed, the rest as a clean build would
    # leave them (site/incremental.py)
    properdocs_cli.main(["serve", "--dirty", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"], prog_name="suanli serve")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command(help="Write a synthetic data folder (示例数据) for tests, screenshots and benchmarks.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--weeks", default=52, show_default=True, type=click.IntRange(min=1), help="Number of weekly issues.")
@click.option("--end", default=DEFAULT_END.isoformat(), show_default=True, help="Date of the last issue (YYYY-MM-DD).")
@click.option("--seed", default=2024, show_default=True, type=int, help="Random seed (same seed, same files).")
def demo(directory: Path, weeks: int, end: str, seed: int) -> None:
    end_date = _date(end, "--end")
    try:
        written = write_demo(directory, weeks=weeks, end=end_date, seed=seed)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{directory}: wrote {len(written)} files of synthetic data ({weeks} weekly issues to {end_date}).")


if __name__ == "__main__":
    main()

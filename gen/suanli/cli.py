"""The `suanli` command: validate a data folder, write demo data. Thin: adapts to the library."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from .demo import DEFAULT_END, write_demo
from .errors import DataErrors
from .load import load_dataset
from .paths import data_dir


@click.group(help="算力周跟踪: tools for the weekly note's data folder.")
def main() -> None:
    pass


@main.command(help="Check a data folder (default: $SUANLI_DATA or data/) against the data contract; "
                   "report every problem at once, exit 1 on any.")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def validate(directory: Path | None) -> None:
    folder = directory or data_dir()
    try:
        dataset = load_dataset(folder)
    except DataErrors as exc:
        click.echo(exc.report(), err=True)
        sys.exit(1)
    companies = len(dataset.registry.companies)
    click.echo(f"{folder}: OK, {len(dataset.issues)} issue(s), {companies} companies, "
               f"latest {dataset.latest.slug}" + (" (示例数据 / synthetic)" if dataset.synthetic else ""))


@main.command(help="Write a synthetic data folder (示例数据) for tests, screenshots and benchmarks.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--weeks", default=52, show_default=True, type=click.IntRange(min=1), help="Number of weekly issues.")
@click.option("--end", default=DEFAULT_END.isoformat(), show_default=True, help="Date of the last issue (YYYY-MM-DD).")
@click.option("--seed", default=2024, show_default=True, type=int, help="Random seed (same seed, same files).")
def demo(directory: Path, weeks: int, end: str, seed: int) -> None:
    try:
        end_date = dt.date.fromisoformat(end)
    except ValueError:
        raise click.BadParameter(f"found {end!r}, expected a date like 2024-12-11", param_hint="--end") from None
    try:
        written = write_demo(directory, weeks=weeks, end=end_date, seed=seed)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{directory}: wrote {len(written)} files of synthetic data ({weeks} weekly issues to {end_date}).")

if __name__ == "__main__":
    main()

"""`suanli check-published BASE`: published issues do not change silently.

An issue that exists at BASE (a git revision, e.g. the pull request's base) is
published. If what its page shows changes (its folder's data, or the series
rows as of its date) the issue must gain a `revisions:` entry, which readers
see as 更正记录. New issues, and series rows dated after every published issue,
change no published page and pass.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pandas as pd

from suanli.contract import Issue
from suanli.derive.tables import SeriesTables
from suanli.errors import Collector
from suanli.load.dataset import SERIES_EXHIBITS, load_dataset


class GitError(Exception):
    """BASE cannot be read from git."""


def data_at_revision(data_dir: Path, base: str, target: Path) -> Path | None:
    """Extract the data folder as it is at git revision `base` into `target`; returns its path
    there, or None when the folder did not exist at `base`."""
    data_dir = Path(data_dir).resolve()

    def git(*args: str, cwd: Path) -> bytes:
        try:
            return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout
        except subprocess.CalledProcessError as exc:
            raise GitError(
                f"cannot read {data_dir} at {base!r}: {exc.stderr.decode(errors='replace').strip()}"
            ) from None

    top = Path(git("rev-parse", "--show-toplevel", cwd=data_dir).decode().strip())
    relative = data_dir.relative_to(top).as_posix()
    if not git("ls-tree", base, "--", relative, cwd=top).strip():
        return None
    archive = git("archive", "--format=tar", base, "--", relative, cwd=top)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / relative


def _issue_data(issue: Issue) -> Issue:
    return dataclasses.replace(issue, revisions=())


def _series_rows(tables: SeriesTables, issue: Issue) -> dict[str, list[tuple[str, ...]]]:
    """For each series file the issue shows, its rows as of the issue's date (what its charts draw)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for exhibit in issue.exhibits:
        if exhibit.kind in SERIES_EXHIBITS:
            frame: pd.DataFrame = tables.as_of(exhibit, issue.date).drop(columns="line")
            out.setdefault(SERIES_EXHIBITS[exhibit.kind], []).extend(
                sorted(tuple(map(str, row)) for row in frame.itertuples(index=False))
            )
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}


def check_published(base_dir: Path, head_dir: Path) -> None:
    """Raise DataErrors naming every published issue whose data changed without a new revision."""
    base, head = load_dataset(base_dir), load_dataset(head_dir)
    errors = Collector()
    now = {issue.slug: issue for issue in head.issues}
    base_tables, head_tables = SeriesTables(base.series), SeriesTables(head.series)
    for old in base.issues:
        path = Path(head_dir) / "issues" / old.slug / "issue.yaml"
        new = now.get(old.slug)
        if new is None:
            errors.add(
                "removed-published",
                path.parent,
                None,
                "",
                "a published issue removed",
                "published issues kept (correct them with a revisions: entry instead)",
            )
            continue
        changed = [
            name
            for name, content in _files(Path(base_dir) / "issues" / old.slug).items()
            if _files(path.parent).get(name) != content
        ]
        changed += [name for name in _files(path.parent) if name not in _files(Path(base_dir) / "issues" / old.slug)]
        old_series, new_series = _series_rows(base_tables, old), _series_rows(head_tables, new)
        changed_series = sorted(f for f in set(old_series) | set(new_series) if old_series.get(f) != new_series.get(f))
        if _issue_data(old) == _issue_data(new) and not changed_series:
            continue  # e.g. a comment or the layout of issue.yaml: nothing a reader sees
        revised = len(new.revisions) > len(old.revisions) and new.revisions[: len(old.revisions)] == old.revisions
        if not revised:
            files = [
                f"issues/{old.slug}/{name}"
                for name in changed
                if name != "issue.yaml" or _issue_data(old) != _issue_data(new)
            ] + changed_series
            errors.add(
                "changed-published",
                path,
                None,
                "revisions",
                f"published issue {old.slug} changed ({', '.join(files)}) with no new revisions entry",
                "a new entry under revisions: (date and note, shown to readers as 更正记录)",
            )
    errors.raise_if_any()


def check_published_against(data_dir: Path, base: str) -> None:
    with tempfile.TemporaryDirectory(prefix="suanli-base-") as tmp:
        base_dir = data_at_revision(data_dir, base, Path(tmp))
        if base_dir is None:
            return  # no data at BASE: nothing was published yet
        check_published(base_dir, data_dir)

"""QA in preview: `suanli serve` shows the author the current findings (suanli.qa) in a banner on every
page it serves, naming each company and linking to the page where the figure appears.

The site folder keeps what a clean build makes: the preview server adds the banner to the HTML it sends
(site/mkdocs_internals.py, 4), so a deployed site never carries it. Only what a save changed is checked
again: an issue's rules are memoized by the objects they read (the Issue and the one before it, each the
same object while its folder and companies.yaml are unchanged, load/dataset.py's memo, and the Prices),
the series' rules by the Series.
"""

from __future__ import annotations

from suanli.errors import Collector, DataErrors
from suanli.load.dataset import load_dataset
from suanli.qa.acceptances import load_acceptances
from suanli.qa.findings import Finding, Report, judge
from suanli.qa.rules import Checker
from suanli.render.html import fragment
from suanli.settings import Settings
from suanli.site.session import Session

SHOWN = 20  # findings listed in the banner; the rest are counted


def preview_report(settings: Settings, session: Session) -> Report:
    """The findings of the data folder as it is now, re-checking only the issues a save changed (and the
    one after each, which compares with it). `session.qa_checked` says how many issues were checked."""
    dataset = load_dataset(settings.data_dir, session.issues, session.series, session.prices)
    checker = Checker(dataset, settings.data_dir, Collector().name)
    issues, prices = dataset.issues, dataset.prices
    used: dict[tuple[object, ...], tuple[object, list[Finding]]] = {}
    findings: list[Finding] = []
    session.qa_checked = 0
    for position, issue in enumerate(issues):
        before = issues[position - 1] if position else None
        key: tuple[object, ...] = ("issue", id(issue), id(before), id(prices))
        entry = session.qa.get(key)
        if entry is None:
            entry = ((issue, before, prices), checker.issue(position))  # kept alive: their ids stay theirs
            session.qa_checked += 1
        used[key] = entry
        findings += entry[1]
    key = ("series", id(dataset.series))
    entry = session.qa.get(key) or (dataset.series, checker.gpu_jumps() + checker.series_spikes())
    used[key] = entry
    findings += entry[1]
    session.qa = used
    errors = Collector()
    acceptances = load_acceptances(settings.data_dir, errors)
    if errors.errors:
        raise DataErrors(errors.errors)
    return judge(findings, acceptances)


def banner(report: Report, root: str) -> str:
    """The banner's HTML (empty when there is nothing to show); `root`: the preview's URL path, /."""
    if not report.open and not report.stale:
        return ""
    findings = [(f, root + f.page if f.page else None) for f in report.open[:SHOWN]]
    return str(
        fragment(
            "qa_banner.html",
            findings=findings,
            more=len(report.open) - len(findings),
            errors=len(report.errors),
            total=len(report.open),
            stale=[str(a.file) + (f":{a.line}" if a.line else "") for a in report.stale],
        )
    )

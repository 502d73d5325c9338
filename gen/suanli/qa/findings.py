"""What the QA gate reports: findings, the authors' acceptances of them, and the two put together.

A finding is a well-formed figure that looks wrong next to its neighbours (the week before, the points
around it, the closes). It names its file and line, its rule and severity, what was found and what was
expected, the company and the page where the figure appears. Its key (the rule and the row: an issue
and a ticker, or a series and a date) is what an acceptance in qa.yaml names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR, WARNING = "error", "warning"
Key = tuple[tuple[str, str], ...]  # (("issue", "2024-12-18"), ("ticker", "NVDA.O")): sorted by name


def key(**fields: str) -> Key:
    return tuple(sorted(fields.items()))


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # ERROR fails the check; WARNING is shown and does not
    file: str  # as the author knows it (errors.Collector.name)
    line: int | None
    found: str
    expected: str
    row: Key  # what an acceptance names besides the rule
    company: str | None = None  # "英伟达（NVDA.O）"
    page: str | None = None  # the site path where the figure appears: issues/2024-12-18/#exhibit-1

    @property
    def message(self) -> str:
        subject = f"{self.company}: " if self.company else ""
        return f"{subject}found {self.found}, expected {self.expected}"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message} [{self.rule}, {self.severity}]"


@dataclass(frozen=True)
class Acceptance:
    """An author's word that a finding is true: `rule` and the row fields it names (a finding matches when
    every one of them is the finding's), with the reason, at its line in qa.yaml."""

    rule: str
    row: Key
    reason: str
    file: str
    line: int | None

    def matches(self, finding: Finding) -> bool:
        return finding.rule == self.rule and set(self.row) <= set(finding.row)


@dataclass
class Report:
    """The findings, split by the acceptances: open ones, accepted ones (with what accepted them) and the
    acceptances that no longer match anything (stale: to be removed)."""

    open: list[Finding] = field(default_factory=list)
    accepted: list[tuple[Finding, Acceptance]] = field(default_factory=list)
    stale: list[Acceptance] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.open if f.severity == ERROR]

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def judge(findings: list[Finding], acceptances: list[Acceptance]) -> Report:
    report = Report()
    used: set[int] = set()
    for finding in sorted(findings, key=lambda f: (f.file, f.line or 0, f.rule)):
        match = next((a for a in acceptances if a.matches(finding)), None)
        if match is None:
            report.open.append(finding)
        else:
            report.accepted.append((finding, match))
            used.add(id(match))
    report.stale = [a for a in acceptances if id(a) not in used]
    return report

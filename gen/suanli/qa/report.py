"""A QA report as an author reads it (text), as a program reads it (JSON), and as GitHub shows it
(workflow commands on the lines of a pull request)."""

from __future__ import annotations

import json

from suanli.annotations import workflow_command
from suanli.qa.findings import ERROR, WARNING, Acceptance, Finding, Report

STALE = "stale-acceptance"


def _row(acceptance: Acceptance) -> str:
    return ", ".join(f"{name} {value}" for name, value in acceptance.row)


def stale_message(acceptance: Acceptance) -> str:
    return (
        f"found an acceptance of {acceptance.rule} ({_row(acceptance)}) that matches no finding, "
        "expected it removed (the figure it accepted is gone or changed)"
    )


def text(report: Report, folder: str) -> str:
    errors = len(report.errors)
    warnings = len(report.open) - errors
    head = (
        f"{folder}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
        f", {len(report.accepted)} accepted, {len(report.stale)} stale acceptance{'s' if len(report.stale) != 1 else ''}"
    )
    lines = [head]
    lines += [f"  {finding}" + (f" — {finding.page}" if finding.page else "") for finding in report.open]
    lines += [f"  accepted: {finding} — {acceptance.reason}" for finding, acceptance in report.accepted]
    lines += [
        f"  {a.file}:{a.line}: {stale_message(a)} [{STALE}, {WARNING}]" if a.line else f"  {a.file}: {stale_message(a)}"
        for a in report.stale
    ]
    return "\n".join(lines)


def _entry(finding: Finding, accepted: Acceptance | None) -> dict[str, object]:
    return {
        "file": finding.file,
        "line": finding.line,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "company": finding.company,
        "page": finding.page,
        "row": dict(finding.row),
        "accepted": accepted.reason if accepted else None,
    }


def as_json(report: Report) -> str:
    entries = [_entry(f, None) for f in report.open] + [_entry(f, a) for f, a in report.accepted]
    entries += [
        {
            "file": a.file,
            "line": a.line,
            "rule": STALE,
            "severity": WARNING,
            "message": stale_message(a),
            "company": None,
            "page": None,
            "row": dict(a.row),
            "accepted": None,
        }
        for a in report.stale
    ]
    return json.dumps(entries, ensure_ascii=False, indent=1)


def github(report: Report) -> list[str]:
    """An annotation for each open finding (error or warning, as its severity) and each stale acceptance."""
    out = [
        workflow_command("error" if f.severity == ERROR else "warning", f.file, f.line, f"suanli qa {f.rule}", str(f))
        for f in report.open
    ]
    out += [workflow_command("warning", a.file, a.line, f"suanli qa {STALE}", stale_message(a)) for a in report.stale]
    return out

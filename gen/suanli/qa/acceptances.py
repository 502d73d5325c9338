"""qa.yaml: the authors' acceptances of findings that are true (a real 40 % move, a name that left the
stock table on purpose). Optional. Each item names a rule, the row (any of the fields a finding of that
rule is keyed by: the issue and the ticker, a GPU and its condition and date, a site or an app and its
date or month) and the reason:

    - rule: cap-ytd
      issue: 2024-12-18
      ticker: NVDA.O
      reason: 12-16 增发 10 亿股，市值变动大于股价

An item that leaves out a field matches every finding of the rule that agrees on the others (a ticker
alone: all its issues). Errors in the file are data errors, located like every other.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from suanli.errors import Collector
from suanli.load.fields import Fields
from suanli.load.yamlsrc import load_optional_list
from suanli.qa.findings import Acceptance
from suanli.qa.rules import RULES

ACCEPTANCES_FILE = "qa.yaml"
ROW_FIELDS = ("issue", "ticker", "gpu", "condition", "date", "site", "category", "app", "month")
DATE_FIELDS = ("issue", "date")
ACCEPTANCE_FIELDS = {"rule", "reason", *ROW_FIELDS}


def load_acceptances(root: Path, errors: Collector) -> list[Acceptance]:
    path = Path(root) / ACCEPTANCES_FILE
    doc = load_optional_list(path, errors, "a list of acceptances, each starting with - rule:")
    if doc is None:
        return []
    assert isinstance(doc.value, list)  # load_optional_list checked it
    out = []
    for i, item in enumerate(doc.value):
        f = Fields(doc, (i,), item, errors, ACCEPTANCE_FIELDS)
        if not f.ok:
            continue
        rule = f.choice("rule", RULES)
        reason = f.text("reason", expected="why the finding is true (shown in the QA report)")
        row: dict[str, str] = {}
        for name in ROW_FIELDS:
            if name in DATE_FIELDS:
                day = f.date(name, required=False)
                if isinstance(day, dt.date):
                    row[name] = day.isoformat()
            elif (text := f.text(name, required=False)) is not None:
                row[name] = text
        if not row and isinstance(item, dict):
            f.error(
                "missing-field", None, "no row field", "the row it accepts: issue and ticker, or gpu, site, app, ..."
            )
            continue
        if rule is None or reason is None or not row:
            continue
        out.append(Acceptance(rule, tuple(sorted(row.items())), reason, errors.name(path), doc.line((i,))))
    return out

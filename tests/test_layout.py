"""The generator's folders follow the data's way through: contract → load → derive → render → site.
A module may import from its own stage and the stages before it, never from a later one; authors'
tools and the CLI sit apart and may use any stage. No two modules share a name."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from helpers import REPO

PACKAGE = REPO / "gen/suanli"
STAGES = ["load", "derive", "render", "site"]  # in the order the data flows
SHARED = {"suanli.contract", "suanli.errors", "suanli.settings"}  # the models, the error type, the settings


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("suanli"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("suanli"))
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_uses_only_itself_and_the_stages_before_it(stage):
    later = {f"suanli.{s}" for s in STAGES[STAGES.index(stage) + 1 :]} | {"suanli.authoring", "suanli.cli"}
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        wrong = {name for name in imports(path) if any(name == x or name.startswith(x + ".") for x in later)}
        assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


def test_the_shared_modules_use_no_stage():
    for name in SHARED:
        path = PACKAGE / (name.split(".")[1] + ".py")
        assert not {n for n in imports(path) if n not in SHARED and n != "suanli"}, path


def test_no_two_modules_share_a_name():
    names = Counter(p.name for p in (REPO / "gen").rglob("*.py") if p.name != "__init__.py")
    assert [name for name, count in names.items() if count > 1] == []

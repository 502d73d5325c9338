"""What outlives one build in a preview process (`suanli serve`): plain containers only.

gen/hooks.py imports the generator afresh whenever its source changed (ProperDocs loads the hooks file
once per process, so the hook does the reloading itself), and drops every `suanli` module but this one.
Nothing here is code that reload would replace, and `reset` drops everything whenever the generator's
code changes, so no object made by an earlier version of the code is ever reused.

- `serving`, `dirty`: set by the hook's on_startup for `serve` (and its --dirty: incremental preview);
  `properdocs build` never memoizes.
- `code`: the digest of the generator's source the entries below were made with.
- `issues`: load/dataset.py's memo: an issue folder's parsed Issue, by its files' bytes and the registry.
- `pages`: site/assemble.py's memo: issue pages and exhibit CSVs, by exactly what each reads.
- `preview`: site/incremental.py's record of the last good build (what the site folder holds).
- `words`: the jieba user dictionary loaded into this process's tokenizer.
"""

from __future__ import annotations

from typing import Any

serving = False
dirty = False
code = b""
issues: dict[Any, Any] = {}
pages: dict[Any, Any] = {}
preview: Any = None
words: str | None = None


def reset(new_code: bytes) -> None:
    """The generator's code changed: forget whatever the earlier code made (not the loaded jieba words)."""
    global code, preview
    code, preview = new_code, None
    issues.clear()
    pages.clear()

"""gen-files entry: write the generated pages. Only adapts; the work is in `suanli` (and was done,
or found in the cache, by the hook's on_config earlier in this build). The pages' data files reach
MkDocs from memory through the hook's on_files (gen/hooks.py)."""

import logging
import time

import mkdocs_gen_files

from suanli.site.cache import current

start = time.perf_counter()
result = current()  # the hook's on_config made it (or raised on bad data) earlier in this build

for path, content in result.files.items():
    if not path.endswith(".md"):
        continue  # chart data and the feed reach MkDocs from memory (gen/hooks.py on_files)
    with mkdocs_gen_files.open(path, "wb") as out:
        out.write(content)
logging.getLogger("mkdocs.hooks.suanli").info(
    f"Wrote the pages through gen-files in {time.perf_counter() - start:.2f} seconds"
)

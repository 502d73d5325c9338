"""gen-files entry: write the generated pages. Only adapts: the suanli plugin's build in progress made
them (or found them in the cache) in its on_config, earlier in this build. The pages' data files reach
MkDocs from memory through the plugin's on_files (site/build.py)."""

import logging
import time

import mkdocs_gen_files

from suanli.site.plugin import current_build

start = time.perf_counter()
for path, content in current_build(mkdocs_gen_files.config).pages(mkdocs_gen_files.config):
    with mkdocs_gen_files.open(path, "wb") as out:
        out.write(content)
logging.getLogger("mkdocs.plugins.suanli").info(
    f"Wrote the pages through gen-files in {time.perf_counter() - start:.2f} seconds"
)

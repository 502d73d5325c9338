"""gen-files entry: write the generated pages and assets. Only adapts; the work is in `suanli`."""

import mkdocs_gen_files
from mkdocs.exceptions import PluginError

from suanli.errors import DataErrors
from suanli.paths import data_dir
from suanli.site import generate

try:
    files = generate(data_dir(), mkdocs_gen_files.config.site_url)
except DataErrors as exc:
    raise PluginError(exc.report()) from None

for path, content in files.items():
    with mkdocs_gen_files.open(path, "w", encoding="utf-8") as out:
        out.write(content)

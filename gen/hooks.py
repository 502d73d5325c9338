"""MkDocs hooks: adapt the site configuration to the data folder, nothing else.

on_config runs before MkDocs touches the site folder, so validating here means
bad data stops the build with the previous site left as it was. It also runs
before the search plugin reads its jieba options (gen-files would be too late).
"""

import hashlib
import logging
import sys
import tempfile
from pathlib import Path

import jieba
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import event_priority

# `serve` loads this file again for every rebuild; dropping the generator's modules here makes
# each rebuild run the current code under gen/ (Python would otherwise keep the first import).
for _name in [name for name in sys.modules if name == "suanli" or name.startswith("suanli.")]:
    del sys.modules[_name]

from suanli.errors import DataErrors
from suanli.load import load_dataset
from suanli.paths import data_dir
from suanli.search import jieba_user_dictionary

log = logging.getLogger("mkdocs.hooks.suanli")


@event_priority(100)
def on_config(config):
    # Material's search segments Chinese with jieba, which otherwise logs to stderr on every build.
    jieba.setLogLevel(logging.WARNING)
    try:
        dataset = load_dataset(data_dir())
    except DataErrors as exc:
        raise PluginError(exc.report()) from None
    config.extra["synthetic"] = dataset.synthetic
    words = jieba_user_dictionary(dataset.registry)
    path = Path(tempfile.gettempdir()) / f"suanli-jieba-{hashlib.sha256(words.encode()).hexdigest()[:16]}.txt"
    if not path.exists():
        path.write_text(words, encoding="utf-8")
    config.plugins["material/search"].config.jieba_dict_user = str(path)
    return config


def on_serve(server, config, builder):
    """During preview a bad edit must not take the site down: report the error in the terminal and
    keep serving the last good build (validation fails in on_config, before the site folder is touched)."""
    build = server.builder

    def build_or_keep_last_good_site():
        try:
            build()
        except (Abort, BuildError, SystemExit):
            log.error("The data has errors (listed above); still serving the last good build. "
                      "Fix the files and save to rebuild.")

    server.builder = build_or_keep_last_good_site
    return server

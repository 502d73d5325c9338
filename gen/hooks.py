"""MkDocs hooks: adapt the site configuration to the data folder, nothing else.

on_config runs before MkDocs touches the site folder, so validating here means
bad data stops the build with the previous site left as it was.
"""

import logging

import jieba
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from suanli.errors import DataErrors
from suanli.load import load_dataset
from suanli.paths import data_dir


@event_priority(100)
def on_config(config):
    # Material's search segments Chinese with jieba, which otherwise logs to stderr on every build.
    jieba.setLogLevel(logging.WARNING)
    try:
        dataset = load_dataset(data_dir())
    except DataErrors as exc:
        raise PluginError(exc.report()) from None
    config.extra["synthetic"] = dataset.synthetic
    return config

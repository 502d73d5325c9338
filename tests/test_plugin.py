"""The MkDocs plugin `suanli`: registered as an entry point, configured in mkdocs.yml, typed options that
!ENV can set, a clear error where its build is missing, and state that lives on the plugin instance."""

from __future__ import annotations

from importlib import metadata

import pytest
import yaml
from mkdocs.exceptions import PluginError

from helpers import REPO, build, minimal_data
from suanli.settings import Settings
from suanli.site.plugin import SuanliConfig, SuanliPlugin
from support import snapshot


def test_the_plugin_is_an_installed_entry_point_that_mkdocs_yml_lists():
    entry = next(e for e in metadata.entry_points(group="mkdocs.plugins") if e.name == "suanli")
    assert entry.load() is SuanliPlugin

    class Env(yaml.SafeLoader):  # mkdocs.yml's tags, read as plain values
        pass

    Env.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node))
    Env.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Env)
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]
    assert "suanli" in plugins and "hooks" not in config
    options = next(p["suanli"] for p in config["plugins"] if isinstance(p, dict) and "suanli" in p)
    assert options == {"data_dir": ["SUANLI_DATA", "data"], "cache_dir": ["SUANLI_CACHE", ".cache/suanli"]}


def test_options_are_checked_and_relative_folders_are_taken_from_mkdocs_yml(tmp_path):
    config = SuanliConfig()
    config.load_dict({"data_dir": "elsewhere", "cache_dir": False})  # !ENV reads a bare `off` as false
    errors, warnings = config.validate()
    assert errors == [] and warnings == []
    settings = Settings.from_plugin(tmp_path, config.data_dir, config.cache_dir, "http://x/")
    assert settings == Settings(data_dir=tmp_path / "elsewhere", cache_dir=None, site_url="http://x/")
    assert Settings.from_plugin(tmp_path, "data", "off", "").cache_dir is None
    assert Settings.from_plugin(tmp_path, "data", ".cache/x", "").cache_dir == tmp_path / ".cache/x"
    wrong = SuanliConfig()
    wrong.load_dict({"data_dir": 3})
    assert [name for name, _ in wrong.validate()[0]] == ["data_dir"]


def test_a_build_asked_for_before_on_config_is_a_plugin_error_not_a_stop_iteration():
    with pytest.raises(PluginError, match="no build in progress"):
        SuanliPlugin().on_files(None, config=None)  # type: ignore[arg-type]


def test_each_plugin_instance_has_its_own_session():
    first, second = SuanliPlugin(), SuanliPlugin()
    first.on_startup(command="serve", dirty=True)
    assert first.session.serving and first.session.dirty
    assert not second.session.serving and second.session is not first.session


def test_gen_files_without_the_plugin_says_what_is_missing(tmp_path):
    copy = snapshot(tmp_path / "repo")
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("  # the generator (gen/suanli/site/plugin.py)")
    end = config.index("\n", config.index("cache_dir: !ENV")) + 1
    (copy / "mkdocs.yml").write_text(config[:start] + config[end:], encoding="utf-8")
    result = build(minimal_data(tmp_path / "data"), tmp_path / "site", config=copy / "mkdocs.yml")
    assert result.returncode != 0
    assert "mkdocs.yml lists no `suanli` plugin" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_search_field_the_search_plugin_does_not_list_stops_the_build(tmp_path):
    """Without `pinyin` in the search plugin's `fields`, Material's worker would never look in it: a search
    by pinyin would quietly find nothing. The build stops first, before the site folder is touched."""
    copy = snapshot(tmp_path / "repo")
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      fields:\n        pinyin: {boost: 1000}\n" in config
    (copy / "mkdocs.yml").write_text(config.replace("      fields:\n        pinyin: {boost: 1000}\n", ""), "utf-8")
    result = build(minimal_data(tmp_path / "data"), tmp_path / "site", config=copy / "mkdocs.yml")
    assert result.returncode != 0
    assert "mkdocs.yml's search plugin must list the pages' search fields: fields: {pinyin: {boost: …}}" in (
        result.stderr
    )
    assert not (tmp_path / "site").exists()

"""The generator's content-hash cache: unchanged data is not loaded again; any change is seen."""

from __future__ import annotations

import pickle
import shutil
import threading

import pytest

from helpers import edit, minimal_data
from suanli.errors import DataErrors
from suanli.load import dataset as load
from suanli.settings import Settings
from suanli.site import cache
from suanli.site.session import Session
from suanli.source import PACKAGE, source_digest

SOURCE = source_digest()


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    calls = []
    real = load.load_dataset
    monkeypatch.setattr(load, "load_dataset", lambda root, *memos: calls.append(root) or real(root, *memos))
    return minimal_data(tmp_path / "data"), calls


def result(data, tmp_path, site_url: str, cache_dir: object = "cache", session: Session | None = None):
    """The result of a build in `session` (default: a new process's)."""
    settings = Settings(data_dir=data, cache_dir=tmp_path / cache_dir if cache_dir else None, site_url=site_url)
    return cache.site_result(settings, session or Session(), SOURCE)


def test_unchanged_data_is_rendered_once_then_read_from_disk(fresh, tmp_path):
    data, calls = fresh
    serving = Session(serving=True)
    first = result(data, tmp_path, "http://x/", session=serving)
    assert len(calls) == 1
    assert result(data, tmp_path, "http://x/", session=serving) is first  # serve's next rebuild: from memory
    again = result(data, tmp_path, "http://x/")  # a later process: from disk
    assert len(calls) == 1 and again.files == first.files and again.jieba_words == first.jieba_words


def test_serve_stores_its_first_result_and_not_the_drafts_its_saves_make(fresh, tmp_path):
    data, calls = fresh
    serving = Session(serving=True)
    first = result(data, tmp_path, "http://x/", session=serving)
    stored = {entry.name for entry in (tmp_path / "cache").glob("*.pickle")}
    assert len(stored) == 1
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2249,CNY")  # a save
    draft = result(data, tmp_path, "http://x/", session=serving)
    assert len(calls) == 2 and draft.files != first.files
    assert {entry.name for entry in (tmp_path / "cache").glob("*.pickle")} == stored
    assert result(data, tmp_path, "http://x/").files == draft.files and len(calls) == 3  # a later build renders


def test_any_change_to_the_data_or_the_site_url_is_a_new_result(fresh, tmp_path):
    data, calls = fresh
    first = result(data, tmp_path, "http://x/")
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2249,CNY")
    second = result(data, tmp_path, "http://x/")
    assert len(calls) == 2 and any(b"2,249" in block[0] for block in second.blocks["issues/2024-12-11/index.md"])
    assert second.files != first.files
    result(data, tmp_path, "http://y/")
    assert len(calls) == 3


def test_bad_data_is_never_cached(fresh, tmp_path):
    data, calls = fresh
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2248亿,CNY")
    for _ in range(2):
        with pytest.raises(DataErrors):
            result(data, tmp_path, "http://x/")
    assert len(calls) == 2 and not list((tmp_path / "cache").glob("*.pickle"))


def test_a_damaged_cache_entry_is_rebuilt(fresh, tmp_path):
    data, calls = fresh
    first = result(data, tmp_path, "http://x/")
    entry = next((tmp_path / "cache").glob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    assert result(data, tmp_path, "http://x/").files == first.files and len(calls) == 2


def test_a_build_stores_its_whole_result_though_it_lets_go_of_its_parts_as_they_reach_the_site(built_site):
    """A clean build stores its result on a thread while it goes on, and meanwhile lets go of the data files,
    the pages' Markdown and their blocks as they reach the site: the entry must still hold all of them. The
    oracles: the same data rendered here with no cache, and the files the build wrote."""
    real = built_site("real")
    entries = list(real.site.with_name(real.site.name + ".cache").glob("*.pickle"))
    assert len(entries) == 1 and not list(entries[0].parent.glob("*.tmp"))
    with entries[0].open("rb") as handle:
        stored = pickle.load(handle)
    fresh = cache.site_result(Settings(real.data, None, real.origin), Session(), SOURCE)
    assert stored.files.keys() == fresh.files.keys() and stored.blocks.keys() == fresh.blocks.keys()
    assert all(stored.blocks.values()) and stored.search_fields == fresh.search_fields
    for path, content in stored.files.items():
        if not path.endswith(".md"):
            expected = content if isinstance(content, bytes) else content.read_bytes()
            assert (real.site / path).read_bytes() == expected, path


def test_a_result_is_stored_as_the_build_handed_it_over(tmp_path, monkeypatch):
    """The store runs on a thread while the build lets go of the result's parts; here it starts only once
    the build has let go of all of them, and what it stores is still the result as handed over."""
    from suanli.site.build import Build

    handed_over, store = threading.Event(), cache.store
    monkeypatch.setattr(cache, "store", lambda path, result: handed_over.wait(30) and store(path, result))
    result = cache.SiteResult({"a.csv": b"1,2", "index.md": b"# A"}, {"index.md": [(b"<p>", "x", True)]}, {}, True, "")
    entry = tmp_path / "cache" / "key.pickle"
    build = Build(Settings(tmp_path / "data", tmp_path / "cache", ""), Session(), SOURCE)
    build._store_result(entry, result)
    result.files.clear()
    result.blocks.clear()
    handed_over.set()
    build.fail(RuntimeError("a later step failed"))  # the build waits for its store, whatever ended it
    with entry.open("rb") as handle:
        stored = pickle.load(handle)
    assert stored.files == {"a.csv": b"1,2", "index.md": b"# A"} and stored.blocks == {
        "index.md": [(b"<p>", "x", True)]
    }


def test_the_cache_can_be_switched_off(fresh, tmp_path):
    data, calls = fresh
    assert Settings.from_environ({"SUANLI_CACHE": "off"}).cache_dir is None
    result(data, tmp_path, "http://x/", cache_dir=None)
    result(data, tmp_path, "http://x/", cache_dir=None)
    assert len(calls) == 2 and not (tmp_path / "cache").exists()


def test_the_key_covers_every_module_template_and_data_file_of_the_package(tmp_path):
    package = tmp_path / "suanli"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    data = minimal_data(tmp_path / "data")

    def key() -> str:
        return cache.fingerprint(data, "http://x/", source_digest(package))

    before = key()
    # every file of the package but bytecode, found here without the package's own list
    sources = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {p.parent.name for p in sources} >= {"suanli", "load", "derive", "render", "site", "authoring", "templates"}
    kinds = {p.suffix for p in sources}
    assert kinds == {".py", ".yaml", ".html", ".otf", ".txt"}, "a new kind of source file: list it in source.py"
    for source in sources:
        original = source.read_bytes()
        source.write_bytes(original + b"\n")
        assert key() != before, source.relative_to(package)
        source.write_bytes(original)
    assert key() == before
    assert cache.fingerprint(data, "http://y/", source_digest(package)) != before

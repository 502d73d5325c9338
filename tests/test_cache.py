"""The generator's content-hash cache: unchanged data is not loaded again; any change is seen."""

from __future__ import annotations

import pytest

from helpers import edit, minimal_data
from suanli import cache, load
from suanli.errors import DataErrors


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("SUANLI_CACHE", str(tmp_path / "cache"))
    cache._memory.clear()
    calls = []
    real = load.load_dataset
    monkeypatch.setattr(load, "load_dataset", lambda root: calls.append(root) or real(root))
    return minimal_data(tmp_path / "data"), calls


def test_unchanged_data_is_rendered_once_then_read_from_disk(fresh):
    data, calls = fresh
    first = cache.site_result(data, "http://x/")
    assert len(calls) == 1
    assert cache.site_result(data, "http://x/") is first  # the hook and gen-files in one build
    cache._memory.clear()  # a later build, e.g. serve's next rebuild
    again = cache.site_result(data, "http://x/")
    assert len(calls) == 1 and again.files == first.files and again.jieba_words == first.jieba_words


def test_any_change_to_the_data_or_the_site_url_is_a_new_result(fresh):
    data, calls = fresh
    first = cache.site_result(data, "http://x/")
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2249,CNY")
    second = cache.site_result(data, "http://x/")
    assert len(calls) == 2 and "2,249" in second.files["issues/2024-12-11/index.md"].decode()
    assert second.files != first.files
    cache.site_result(data, "http://y/")
    assert len(calls) == 3


def test_bad_data_is_never_cached(fresh, tmp_path):
    data, calls = fresh
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2248亿,CNY")
    for _ in range(2):
        with pytest.raises(DataErrors):
            cache.site_result(data, "http://x/")
    assert len(calls) == 2 and not list((tmp_path / "cache").glob("*.pickle"))


def test_a_damaged_cache_entry_is_rebuilt(fresh, tmp_path):
    data, calls = fresh
    first = cache.site_result(data, "http://x/")
    entry = next((tmp_path / "cache").glob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    cache._memory.clear()
    assert cache.site_result(data, "http://x/").files == first.files and len(calls) == 2


def test_the_cache_can_be_switched_off(fresh, tmp_path, monkeypatch):
    data, calls = fresh
    monkeypatch.setenv("SUANLI_CACHE", "off")
    cache.site_result(data, "http://x/")
    cache._memory.clear()
    cache.site_result(data, "http://x/")
    assert len(calls) == 2 and not (tmp_path / "cache").exists()

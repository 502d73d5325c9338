"""site/site_writer.py: a clean build's data files written on a thread, every one, and its errors raised
in the build's thread. (That a clean build's site is whole and byte-identical is tests/test_build.py's and
tests/test_golden.py's.)"""

from __future__ import annotations

import threading

import pytest

from suanli.site.site_writer import SiteWriter


def test_every_file_is_written_in_its_folder_and_let_go_of(tmp_path):
    card = tmp_path / "card.png"
    card.write_bytes(b"\x89PNG card")
    files = {
        "feed.xml": b"<rss/>",
        "issues/2024-12-13/ex-1.csv": "日期,值\n".encode(),
        "issues/2024-12-13/ex-2.csv": b"a\n",
        "companies/nvda/feed.xml": b"<rss/>",
        "issues/2024-12-13/card.png": card,
    }
    expected = {
        path: content.read_bytes() if not isinstance(content, bytes) else content for path, content in files.items()
    }
    site = tmp_path / "site"
    writer = SiteWriter(site, files)
    assert writer.finish() == 5
    assert files == {}  # the writer held the only references, one by one
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == expected


def test_an_error_is_raised_by_finish_in_the_builds_thread(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "issues").write_text("a file where a folder must go")
    writer = SiteWriter(site, {"feed.xml": b"<rss/>", "issues/ex-1.csv": b"a\n", "later.csv": b"b\n"})
    with pytest.raises(OSError):
        writer.finish()
    assert (site / "feed.xml").read_bytes() == b"<rss/>"
    assert not (site / "later.csv").exists()  # it stops at the first error


def test_cancel_stops_after_the_file_being_written(tmp_path, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = type(tmp_path).write_bytes

    def slow_write(self, data):
        started.set()
        release.wait(10)
        return real(self, data)

    monkeypatch.setattr(type(tmp_path), "write_bytes", slow_write)
    files = {f"f{n}.csv": b"x\n" for n in range(100)}
    writer = SiteWriter(tmp_path / "site", files)
    assert started.wait(10)
    cancelling = threading.Thread(target=writer.cancel)
    cancelling.start()
    assert writer._stop.wait(10)  # cancel() has asked to stop while the first write is in progress
    release.set()
    cancelling.join(10)
    assert not cancelling.is_alive()
    assert writer.written == 1 and len(files) == 99
    assert not writer._thread.is_alive()

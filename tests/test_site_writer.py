"""site/site_writer.py: a clean build's data files written on a thread, every one, and its errors raised
in the build's thread. (That a clean build's site is whole and byte-identical is tests/test_build.py's and
tests/test_golden.py's.)"""

from __future__ import annotations

import os
import stat
import threading

import pytest

from suanli.site import site_writer
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
    real = site_writer._create

    def slow_write(target, content):
        started.set()
        release.wait(10)
        return real(target, content)

    monkeypatch.setattr(site_writer, "_create", slow_write)
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


def test_a_card_readable_by_all_is_linked_and_one_only_its_owner_reads_is_copied(tmp_path):
    cards = tmp_path / "cache" / "cards"
    cards.mkdir(parents=True)
    shared, private = cards / "a.png", cards / "b.png"
    shared.write_bytes(b"\x89PNG a")
    shared.chmod(0o644)
    private.write_bytes(b"\x89PNG b")
    private.chmod(0o600)  # a card stored by an earlier version, as a temporary file
    site = tmp_path / "site"
    site.mkdir()
    site_writer.write(site / "a.png", shared)
    site_writer.write(site / "b.png", private)
    assert os.path.samefile(site / "a.png", shared)  # a name for the cache's file: nothing copied
    assert not os.path.samefile(site / "b.png", private)
    assert (site / "b.png").read_bytes() == b"\x89PNG b"
    assert stat.S_IMODE((site / "b.png").stat().st_mode) == 0o666 & ~_umask()  # a new file's mode


def test_a_build_into_a_folder_it_did_not_empty_replaces_a_linked_card_never_writing_through_it(tmp_path):
    card = tmp_path / "card.png"
    card.write_bytes(b"\x89PNG old")
    card.chmod(0o644)
    site = tmp_path / "site"
    site.mkdir()
    site_writer.write(site / "card.png", card)  # the last build's, linked
    site_writer.write(site / "card.png", b"\x89PNG drawn here")  # `build --dirty`: the same path, new bytes
    assert (site / "card.png").read_bytes() == b"\x89PNG drawn here"
    assert card.read_bytes() == b"\x89PNG old"  # the cache folder's card is untouched
    other = tmp_path / "other.png"
    other.write_bytes(b"\x89PNG other")
    other.chmod(0o644)
    site_writer.write(site / "card.png", other)
    assert os.path.samefile(site / "card.png", other) and card.read_bytes() == b"\x89PNG old"


def _umask() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    raise AssertionError("no Umask in /proc/self/status")

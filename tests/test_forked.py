"""A clean build renders the archive's pages, the company pages, the track record and the sector pages in
a forked child: the output is the one rendered in one process, byte for byte and in the same order; a
failure or a death in the child is an error in the build, and no child outlives its block."""

from __future__ import annotations

import os
import signal

import pytest

from suanli.load.dataset import load_dataset
from suanli.render import company_pages, urls
from suanli.site import assemble, forked
from support import process_tree

pytestmark = pytest.mark.skipif(not forked.available(), reason="forks only on Linux with two cores or more")

SITE_URL = "https://example.com/suanli/"


def rendered_as_lists(rendered: assemble.Rendered) -> dict[str, list]:
    """Every field of the output with its order (dicts compare equal in any order)."""
    fields = ("pages", "blocks", "files", "binary", "search_fields")
    return {name: list(getattr(rendered, name).items()) for name in fields}


def card_text(card) -> bytes:
    """A share card as what it shows, with the process that drew it."""
    return repr((card, os.getpid())).encode()


def test_a_forked_render_is_the_one_rendered_in_one_process(demo_data):
    dataset = load_dataset(demo_data)
    alone = assemble.render(dataset, SITE_URL, cards=card_text, parallel=False)
    done_meanwhile = []
    split = assemble.render(
        dataset, SITE_URL, cards=card_text, parallel=True, meanwhile=lambda: done_meanwhile.append(os.getpid())
    )
    assert rendered_as_lists(split) == rendered_as_lists(alone)
    assert any(path.startswith("companies/") for path in split.pages)  # the child's part is there
    assert any(path.startswith("issues/") for path in split.pages)
    assert urls.ARCHIVE in split.pages and urls.HOME in split.pages
    # every card was drawn here, where the card workers are (a forked child cannot hand them work)
    assert split.binary and all(card.endswith(f", {os.getpid()})".encode()) for card in split.binary.values())
    assert done_meanwhile == [os.getpid()]  # the build's own work, in the build's process, once


def test_a_failure_in_the_child_fails_the_render_with_its_traceback(demo_data, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a company page that cannot be drawn")

    monkeypatch.setattr(company_pages, "company_page", broken)  # the child inherits the broken renderer
    before = children()
    with pytest.raises(RuntimeError, match="(?s)failed:.*ValueError: a company page that cannot be drawn"):
        assemble.render(load_dataset(demo_data), SITE_URL, parallel=True)
    assert children() == before


def test_a_child_that_dies_is_an_error_and_a_block_left_early_kills_its_child():
    before = children()
    with pytest.raises(RuntimeError, match="died \\(signal SIGKILL\\)"):
        with forked.Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)) as child:
            child.result()
    with pytest.raises(KeyError):
        with forked.Forked(lambda: signal.pause()):
            raise KeyError("an error in the parent")
    assert children() == before
    with forked.Forked(lambda: {"made": "in the child", "pid": os.getpid()}) as child:
        made = child.result()
    assert made["made"] == "in the child" and made["pid"] != os.getpid()


def children() -> set[int]:
    """This process's descendants, running or zombies (the servers of session fixtures among them)."""
    return set(process_tree(os.getpid())[1:])

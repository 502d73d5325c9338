"""Share cards (分享图): every issue's card, read back from real builds. Its QR code (decoded by zxing-cpp)
opens the issue; its title is drawn in the CJK font, not as missing-glyph boxes; its movers are the three
largest |本周| of the issue's stocks.csv (worked out here from the CSV), in the site's red and green; the
issue page offers it (a download link, a copy button that copies its address); hostile data draws; the
cache draws only the cards whose content changed."""

from __future__ import annotations

import csv
import io
import logging
import re
import stat
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from conftest import watched_page
from helpers import edit, minimal_data, track_data
from suanli.render import share_card
from suanli.render.card_fonts import FONTS, CardFonts
from suanli.render.share_card_data import IssueCard, Mover, issue_card
from suanli.settings import Settings
from suanli.site import cache
from suanli.site.card_cache import FOLDER, CardCache
from suanli.site.session import Session
from suanli.source import source_digest

SIZE = (1200, 630)
# The light palette's rise and fall (docs/assets/stylesheets/suanli.css: --suanli-up, --suanli-down)
UP, DOWN = (0xC6, 0x28, 0x28), (0x13, 0x7A, 0x3F)
BOLD = FONTS / "NotoSansCJKsc-Bold.otf"
TITLE_AT, TITLE_SIZE = (64, 136), 52  # where and how large the card sets a title's first line


def issues_of(site) -> list[str]:
    return sorted(p.parent.name for p in (site.site / "issues").glob("*/share.png"))


def card(site, slug: str) -> Image.Image:
    return Image.open(site.site / "issues" / slug / "share.png")


def qr_text(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("RGB"))]


@pytest.mark.parametrize("name", ["real", "demo", "hostile", "minimal"])
def test_every_issue_has_a_1200x630_card_whose_qr_opens_it(built_site, name):
    site = built_site(name)
    slugs = sorted(p.name for p in (site.data / "issues").iterdir() if p.is_dir())
    assert issues_of(site) == slugs
    for slug in slugs:
        image = card(site, slug)
        assert image.format == "PNG" and image.size == SIZE
        assert not {"tIME", "tEXt", "iTXt", "zTXt"} & set(image.info), image.info  # no time, no software name
        assert qr_text(image) == [f"{site.origin}issues/{slug}/"]
    home = Image.open(site.site / "share.png")  # the site's card: the home page's address
    assert home.size == SIZE and qr_text(home) == [site.origin]


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int]]:
    """The dark pixels of `box` (anything darker than a light grey), as coordinates in the box."""
    grey = image.convert("L").crop(box)
    width = grey.width
    return {(i % width, i // width) for i, v in enumerate(grey.tobytes()) if v < 128}


def drawn_alone(text: str, box: tuple[int, int, int, int]) -> set[tuple[int, int]]:
    """`text` set as the card sets a title's first line, in the committed bold face, on white."""
    face = ImageFont.truetype(str(BOLD), TITLE_SIZE, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("L", SIZE, 255)
    ImageDraw.Draw(image).text(TITLE_AT, text, font=face, fill=0, anchor="la")
    return ink(image, box)


def overlap(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@pytest.mark.parametrize("name", ["real", "demo"])
def test_the_title_is_drawn_in_the_cjk_font_not_as_missing_glyph_boxes(built_site, name):
    from suanli.load.dataset import load_dataset

    site = built_site(name)
    covered = set(TTFont(str(BOLD)).getBestCmap())
    face = ImageFont.truetype(str(BOLD), TITLE_SIZE, layout_engine=ImageFont.Layout.BASIC)
    for issue in load_dataset(site.data).issues:
        slug, title = issue.slug, issue.title
        assert {ord(c) for c in title} <= covered, f"{slug}: the font lacks {set(title) - set(map(chr, covered))}"
        # the start of the title that surely stands on the first line, and the part of the line it takes
        text = next(title[:n] for n in range(len(title), 0, -1) if face.getlength(title[:n]) <= 900)
        assert len(text) >= 10
        box = (0, 120, TITLE_AT[0] + int(face.getlength(text)) - 4, 220)
        on_card = ink(card(site, slug), box)
        in_font = drawn_alone(text, box)
        boxes = drawn_alone("\ue000" * len(text), box)  # a private-use character: the font's .notdef box
        assert overlap(on_card, in_font) > 0.9, slug
        assert overlap(on_card, boxes) < 0.5 and overlap(in_font, boxes) < 0.5, slug


def oracle_movers(stocks: Path) -> list[tuple[str, Decimal]]:
    """The three largest |本周| of a stocks.csv, ties in the file's order: read here, not by the generator."""
    with stocks.open(encoding="utf-8") as handle:
        rows = [(row["ticker"], Decimal(row["week_pct"].strip().rstrip("%"))) for row in csv.DictReader(handle)]
    return sorted(rows, key=lambda row: -abs(row[1]))[:3]


def test_the_movers_are_the_three_largest_weekly_moves_in_red_and_green(built_site):
    from suanli.load.dataset import load_dataset

    site = built_site("demo")
    dataset = load_dataset(site.data)
    column = (1200 - 128 - 196 - 40) // 3  # the card's body beside the QR code, in three columns
    for issue in dataset.issues:
        expected = oracle_movers(site.data / "issues" / issue.slug / "stocks.csv")
        shown = issue_card(issue, dataset.registry, dataset.synthetic, site.origin).movers
        assert [(m.ticker, m.week) for m in shown] == [(t, f"{'+' if v > 0 else ''}{v:f}%") for t, v in expected]
        rgb = card(site, issue.slug).convert("RGB")
        for n, (_, week) in enumerate(expected):
            figure = rgb.crop((64 + n * column, 388, 64 + (n + 1) * column - 24, 444))
            colours = {colour for _, colour in figure.getcolors(1 << 16)}
            assert (UP in colours) == (week > 0) and (DOWN in colours) == (week < 0), (issue.slug, n)


def test_synthetic_data_says_so_on_the_card(built_site):
    demo, real = card(built_site("demo"), "2024-12-11").convert("RGB"), card(built_site("real"), "2024-12-11")
    badge = (0xFF, 0xD5, 0x4F)  # the 示例数据 badge in the header
    assert badge in {c for _, c in demo.crop((0, 0, 1200, 104)).getcolors(1 << 16)}
    assert badge not in {c for _, c in real.convert("RGB").crop((0, 0, 1200, 104)).getcolors(1 << 16)}


def test_the_issue_page_offers_the_card(built_site):
    site = built_site("real")
    page = BeautifulSoup((site.site / "issues/2024-12-11/index.html").read_text("utf-8"), "lxml")
    share = page.select_one("p.suanli-share")
    assert "分享图" in share.get_text()
    link = share.select_one("a[download]")
    assert link["href"] == "share.png" and link["download"] == "算力周跟踪-2024-12-11-分享图.png"
    button = share.select_one("button.suanli-share-copy")
    assert button.has_attr("hidden") and button["data-href"] == "share.png"  # shown by share.js


def test_the_copy_button_copies_the_cards_address(browser, built_site):
    site = built_site("real")
    with watched_page(browser, site.origin) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin.rstrip("/"))
        page.goto(site.origin + "issues/2024-12-11/")
        button = page.locator("button.suanli-share-copy")
        button.click()
        expected = site.origin + "issues/2024-12-11/share.png"
        page.wait_for_function(
            "text => document.querySelector('.suanli-share-status').textContent.includes(text)", arg=expected
        )
        assert page.evaluate("() => navigator.clipboard.readText()") == expected
        assert page.problems == []


# --- drawing: what the card does with text the font lacks, and without a site address ---------------


def test_text_outside_the_font_is_drawn_as_the_missing_mark_and_logged(tmp_path, caplog):
    fonts = CardFonts()
    cleaned = share_card.clean("算力\u200b\u202e周报\x07 🚀\n\n第𠀀期", fonts.covered)
    assert cleaned == "算力周报 〓 第〓期"  # invisible characters gone, the missing ones marked
    missing = IssueCard("算力周跟踪", "2024-12-11", "算力🚀𠀀", (), (), None, False)
    cards = CardCache(tmp_path / "cards", fonts)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.suanli"):
        png = cards.png(missing)
    assert "U+1F680" in caplog.text and "U+20000" in caplog.text
    assert Image.open(io.BytesIO(png)).size == SIZE


def test_without_an_absolute_site_url_the_card_has_no_qr_code(tmp_path):
    from suanli.load.dataset import load_dataset

    dataset = load_dataset(minimal_data(tmp_path / "data"))
    for site_url in ("", "/suanli/"):
        data = issue_card(dataset.latest, dataset.registry, False, site_url)
        assert data.url is None
        image = Image.open(io.BytesIO(share_card.draw_issue_card(data, CardFonts())))
        assert qr_text(image) == []
    movers = (Mover("英伟达", "NVDA.O", "-5.17%", "down"),)
    with_url = IssueCard("算力周跟踪", "2024-12-11", "标题", movers, ("国产算力链",), "https://example.com/x/", False)
    assert share_card.draw_issue_card(with_url, CardFonts()) == share_card.draw_issue_card(with_url, CardFonts())


def test_texts_every_card_shows_are_rasterized_once_and_draw_the_pixels_a_fresh_font_draws():
    """One CardFonts draws a build's cards (or a worker's share of them): the labels and the companies' names
    are rasterized by the first card that shows them and pasted into the others; the oracle is each card
    drawn alone, with a CardFonts of its own."""
    movers = (Mover("英伟达", "NVDA.O", "-5.17%", "down"), Mover("寒武纪", "688256.SH", "+9.80%", "up"))
    cards = [
        IssueCard("算力周跟踪", "2024-12-11", "标题一", movers, ("国产算力链",), "https://example.com/a/", True),
        IssueCard("算力周跟踪", "2024-12-18", "标题二", movers[::-1], ("光模块",), "https://example.com/b/", True),
        IssueCard("算力周跟踪", "2024-12-25", "标题三", movers[:1], (), None, False),
    ]
    shared = CardFonts()
    drawn = [share_card.draw_issue_card(card, shared) for card in cards]
    assert drawn == [share_card.draw_issue_card(card, CardFonts()) for card in cards]
    kept = {key[0] for key in shared.stamps}
    assert {"英伟达", "NVDA.O", "寒武纪", "本周涨跌幅最大（按绝对值）", share_card.DISCLAIMER} <= kept
    assert not kept & {"标题一", "标题二", "2024-12-11", "-5.17%"}  # a card's own text is not kept


# --- the cache -------------------------------------------------------------------------------------


def summary(caplog) -> tuple[int, int]:
    """(drawn, from the cache) of the last render, from its log line."""
    found = re.findall(r"Share cards: (\d+) drawn, (\d+) from the cache", caplog.text)
    assert found, caplog.text
    caplog.clear()
    return int(found[-1][0]), int(found[-1][1])


def render(data: Path, tmp_path: Path, session: Session, cache_dir: str | None = "cache") -> cache.SiteResult:
    settings = Settings(data_dir=data, cache_dir=tmp_path / cache_dir if cache_dir else None, site_url="http://x/")
    return cache.site_result(settings, session, source_digest())


def test_a_card_is_drawn_again_when_any_code_that_draws_it_changes(tmp_path, monkeypatch):
    """The cards' key covers every module that shapes their pixels: the drawing, the fonts' handling and the
    QR codes' mask choice (render/qr.py)."""
    from suanli.render import card_fonts, qr
    from suanli.site import card_cache

    fonts = CardFonts()
    before = card_cache.drawing_digest(fonts)
    for module in (share_card, card_fonts, qr):
        edited = tmp_path / Path(module.__file__).name
        edited.write_bytes(Path(module.__file__).read_bytes() + b"\n")
        with monkeypatch.context() as patch:
            patch.setattr(module, "__file__", str(edited))
            assert card_cache.drawing_digest(fonts) != before, module.__name__
    assert card_cache.drawing_digest(fonts) == before


def test_a_new_build_draws_only_the_cards_whose_content_changed(tmp_path, caplog):
    data = track_data(tmp_path / "data")  # six issues, and the site's card
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.suanli")
    first = render(data, tmp_path, Session())
    assert summary(caplog) == (7, 0)
    edit(data / "issues/2024-12-11/issue.yaml", "body: 正文", "body: 改过的正文")  # not on the card
    second = render(data, tmp_path, Session())  # a later process: a new result, every card from the cache
    assert summary(caplog) == (0, 7)
    edit(data / "issues/2024-12-11/issue.yaml", "title: 测试周报 2024-12-11", "title: 改过的标题")
    third = render(data, tmp_path, Session())
    assert summary(caplog) == (1, 6)
    card_path = "issues/2024-12-11/share.png"
    assert first.files[card_path] == second.files[card_path] != third.files[card_path]
    others = [p for p in first.files if p.endswith("share.png") and p != card_path]
    assert len(others) == 6 and all(first.files[p] == third.files[p] for p in others)


def test_a_build_copies_its_cards_from_the_cache_folder_and_a_pruned_card_renders_again(tmp_path, caplog):
    """The result names each card's file in the cache folder rather than holding its bytes; a stored result
    whose card file is gone (pruned) is not used: the next build renders and draws it again."""
    data = track_data(tmp_path / "data")
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.suanli")
    first = render(data, tmp_path, Session())
    assert summary(caplog) == (7, 0)
    card_path = "issues/2024-12-11/share.png"
    stored = first.files[card_path]
    assert isinstance(stored, Path) and stored.parent == tmp_path / "cache" / FOLDER
    assert Image.open(stored).size == SIZE
    stored.unlink()
    second = render(data, tmp_path, Session())  # the stored result names a missing file
    assert summary(caplog) == (1, 6)
    assert second.files[card_path] == stored and stored.is_file()
    without_folder = render(data, tmp_path, Session(), cache_dir=None)
    assert without_folder.files[card_path] == stored.read_bytes()  # no folder: the bytes themselves


def test_a_preview_save_redraws_only_the_changed_issues_card(tmp_path, caplog):
    data = track_data(tmp_path / "data")
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.suanli")
    serving = Session(serving=True)
    render(data, tmp_path, serving, cache_dir=None)  # no cache folder: the session's memo alone
    assert summary(caplog) == (7, 0)
    edit(data / "issues/2025-01-08/issue.yaml", "title: 测试周报 2025-01-08", "title: 改过的标题")
    render(data, tmp_path, serving, cache_dir=None)
    assert summary(caplog) == (1, 0)  # the other cards are the memo's: neither drawn nor read


def test_a_clean_build_has_the_missing_cards_drawn_by_workers_and_links_them_in(built_site):
    """Each card in the site is the cache folder's file under a second name (site/site_writer.py), with the
    mode a new file gets, so a web server reads it as it reads the pages."""
    site = built_site("demo")  # built with an empty cache folder of its own (helpers.build)
    issues = sorted(p.name for p in (site.data / "issues").iterdir() if p.is_dir())
    cards = len(issues) + 1  # each issue's and the site's
    assert f"Share cards: {cards} drawn, 0 from the cache ({cards} drawn by worker processes)" in site.log
    drawn = sorted((site.site.with_name(site.site.name + ".cache") / FOLDER).glob("*.png"))
    in_site = [site.site / "issues" / slug / "share.png" for slug in issues] + [site.site / "share.png"]
    assert len(drawn) == cards and {p.read_bytes() for p in in_site} == {p.read_bytes() for p in drawn}
    assert sorted(p.stat().st_ino for p in in_site) == sorted(p.stat().st_ino for p in drawn)
    new_file = site.site / "index.html"  # written by MkDocs
    assert {stat.S_IMODE(p.stat().st_mode) for p in drawn} == {stat.S_IMODE(new_file.stat().st_mode)}


@pytest.fixture
def resource_tracker():
    """The spawn context starts multiprocessing's resource tracker once per process; it would outlive the
    test (conftest fails a run that leaves a process), so it is stopped as this process's exit would."""
    from multiprocessing import resource_tracker

    yield
    resource_tracker._resource_tracker._stop()


def test_cards_drawn_by_workers_are_the_ones_drawn_here_and_the_workers_stop(tmp_path, resource_tracker):
    import multiprocessing

    first = IssueCard("算力周跟踪", "2024-12-11", "标题", (), ("国产算力链",), "https://example.com/x/", False)
    second = IssueCard("算力周跟踪", "2024-12-18", "另一个标题", (), (), "https://example.com/y/", True)
    here = [CardCache(None).png(card) for card in (first, second)]
    workers = CardCache(tmp_path / "cards", parallel=True)
    paths = [workers.card(card) for card in (first, second)]
    assert all(isinstance(p, Path) for p in paths) and workers.pending == set(paths)
    assert multiprocessing.active_children()  # started
    assert workers.finish() == {} and [p.read_bytes() for p in paths] == here
    assert workers.pending == set() and multiprocessing.active_children() == []
    assert CardCache(tmp_path / "cards", parallel=True).card(first) == paths[0]  # a later build: found, not drawn
    cancelled = CardCache(tmp_path / "other", parallel=True)
    cancelled.card(first)
    cancelled.cancel()  # a failed build
    assert multiprocessing.active_children() == []


def test_a_clean_build_starts_its_card_worker_before_any_card_and_a_failed_build_stops_it(tmp_path, resource_tracker):
    import multiprocessing

    assert multiprocessing.active_children() == []
    started = CardCache(tmp_path / "cards", parallel=True)
    started.start()  # before the data is loaded
    assert multiprocessing.active_children() and started.pending == set()
    assert started.finish() == {}  # no card was missing: nothing to wait for
    assert multiprocessing.active_children() == []
    failed = CardCache(tmp_path / "cards", parallel=True)
    failed.start()
    failed.cancel()  # the data had errors
    assert multiprocessing.active_children() == []
    in_process = CardCache(tmp_path / "cards")  # a preview draws in its own process
    in_process.start()
    assert multiprocessing.active_children() == []


def test_a_worker_hands_the_card_back_when_the_folder_will_not_take_it(tmp_path, monkeypatch):
    from suanli.site import card_cache

    monkeypatch.setattr(card_cache, "_worker_fonts", CardFonts())  # as the pool's initializer opens it
    card = IssueCard("算力周跟踪", "2024-12-11", "标题", (), (), None, False)
    (tmp_path / "a file").write_text("not a folder")
    missing, png = card_cache._draw_and_store(card, tmp_path / "a file" / "card.png")
    assert missing == "" and png == CardCache(None).png(card)


def test_deploys_keep_the_cards_between_runs():
    import yaml

    from helpers import REPO

    deploy = yaml.safe_load((REPO / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = deploy["jobs"]["build"]["steps"]
    kept = next(n for n, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    built = next(n for n, s in enumerate(steps) if s.get("name") == "Build")
    assert kept < built
    cards, env = steps[kept]["with"], steps[built]["env"]
    assert cards["path"] == f"{env['SUANLI_CACHE']}/{FOLDER}"
    for source in ("data/**", "gen/suanli/render/share_card*.py", "gen/suanli/render/fonts/**", "pyproject.toml"):
        assert f"'{source}'" in cards["key"], source
    assert cards["key"].startswith(cards["restore-keys"])  # a new key starts from the latest earlier cache

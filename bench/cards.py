"""What the share cards (分享图) cost.

    .venv/bin/python bench/cards.py [--weeks 520] [--repeat 3]

It writes a demo archive (示例数据, `suanli demo DIR --weeks N`) and measures:
- a card drawn cold, in this process: every issue's card drawn with one CardFonts (the font opened once,
  as a build does), best of `--repeat` per card, then the mean; and the font's opening alone;
- a card from a warm cache: every card read from a cache folder that holds it (CardCache.png);
- two strict builds of the archive in fresh processes sharing one cache folder: the first with it empty
  (every card drawn), the second after deleting the site result (the pickle) but not `cards/`: the weekly
  deploy's case (new data, the cards of the other issues kept by actions/cache). The second build's card
  cost is the warm reads plus writing the cards into the site (timed here as a copy of the same bytes),
  as a share of that build.

Not a test: it prints figures for bench/README.md (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "gen"))
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: the machine

from suanli.load.dataset import load_dataset  # noqa: E402
from suanli.render import share_card  # noqa: E402
from suanli.render.card_fonts import CardFonts  # noqa: E402
from suanli.render.share_card_data import issue_card  # noqa: E402
from suanli.site.card_cache import FOLDER, CardCache  # noqa: E402
from support import machine  # noqa: E402

SITE_URL = "https://example.github.io/suanli/"


def build(data: Path, site: Path, cache: Path) -> tuple[float, str]:
    """Seconds and log of a strict build of `data` into an empty `site` with the generator cache `cache`."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": str(cache), "SUANLI_SITE_URL": SITE_URL}
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)]
    os.sync()
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    return seconds, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="suanli-cards-") as folder:
        root = Path(folder)
        data = root / "data"
        command = [sys.executable, "-m", "suanli.cli", "demo", str(data), "--weeks", str(args.weeks)]
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        dataset = load_dataset(data)
        cards = [issue_card(i, dataset.registry, dataset.synthetic, SITE_URL) for i in dataset.issues]

        started = time.perf_counter()
        fonts = CardFonts()
        fonts.face("Bold", 52)
        _ = fonts.covered
        font_open = time.perf_counter() - started
        cold = []
        for card in cards:
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                png = share_card.draw_issue_card(card, fonts)
                best = min(best, time.perf_counter() - started)
            cold.append(best)
        sizes = [len(share_card.draw_issue_card(card, fonts)) for card in cards[-5:]]

        warm_cache = CardCache(root / "warm" / FOLDER, fonts)
        for card in cards:
            warm_cache.png(card)
        warm_cache = CardCache(root / "warm" / FOLDER, fonts)
        started = time.perf_counter()
        pngs = [warm_cache.png(card) for card in cards]
        warm = time.perf_counter() - started
        assert warm_cache.drawn == 0
        started = time.perf_counter()
        out = root / "written"
        for n, png in enumerate(pngs):
            (out / str(n)).mkdir(parents=True)
            (out / str(n) / "share.png").write_bytes(png)
        written = time.perf_counter() - started

        cache = root / "cache"
        first, first_log = build(data, root / "site", cache)
        for pickle in cache.glob("*.pickle"):
            pickle.unlink()
        second, second_log = build(data, root / "site", cache)
        counts = [re.search(r"Share cards: .*", log).group(0) for log in (first_log, second_log)]  # type: ignore[union-attr]

    per_card = statistics.mean(cold) * 1000
    share = (warm + written) / second * 100
    figures = {
        "machine": machine(),
        "weeks": args.weeks,
        "font_open_ms": round(font_open * 1000, 1),
        "cold_ms_per_card_mean": round(per_card, 1),
        "cold_ms_per_card_median": round(statistics.median(cold) * 1000, 1),
        "cold_ms_per_card_max": round(max(cold) * 1000, 1),
        "png_bytes": int(statistics.mean(sizes)),
        "warm_ms_all_cards": round(warm * 1000, 1),
        "write_ms_all_cards": round(written * 1000, 1),
        "build_cold_cards_s": round(first, 2),
        "build_warm_cards_s": round(second, 2),
        "cards_share_of_warm_build_pct": round(share, 2),
        "logs": counts,
    }
    print(f"{machine()}; {args.weeks} weeks, {len(cards)} issue cards + the site's")
    print(f"font opened in {font_open * 1000:.0f} ms")
    print(
        f"cold: {per_card:.1f} ms a card (median {statistics.median(cold) * 1000:.1f}, max {max(cold) * 1000:.1f}), "
        f"{statistics.mean(sizes) / 1024:.0f} KB"
    )
    print(f"warm: {warm * 1000:.0f} ms to read all {len(cards)} from the cache, {written * 1000:.0f} ms to write them")
    print(f"build, empty cache: {first:.1f} s ({counts[0]})")
    print(f"build, warm cards, no site result: {second:.1f} s ({counts[1]}); cards {share:.2f} % of it")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

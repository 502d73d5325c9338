"""What the track record (/track-record/, 业绩回顾) costs at archive scale.

    .venv/bin/python bench/track_record.py [--sizes 52 260 520] [--repeat 2] [--saves 3]

For each size it writes a demo archive (示例数据), whose series/prices.csv holds a close for every
company and benchmark on every trading day (about 2,600 days × 60 tickers at 520 weeks). It then measures:
- a clean build with the prices, and the same archive without prices.csv and benchmarks.yaml (the site
  as it was before the track record), best of `--repeat`, each in a fresh process with no cache: the
  difference is what the track record adds;
- in this process, the parts: loading prices.csv and benchmarks.yaml, deriving the track record, and
  rendering its page, downloads and the company pages' price CSVs (not the company pages' spells
  tables, nor what MkDocs does with the larger pages: those only the builds' difference counts). Clean
  builds on this kind of machine vary by ±15 %, so the difference of two is noisy; the parts are not;
- at the largest size, with `--saves`, `suanli serve` on the archive: a save that changes one close,
  the reload time and how many pages the preview re-rendered.

Not a test: it prints figures for bench/README.md (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "gen"))
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: the machine, `suanli serve` save by save

from suanli.authoring.demo import write_demo  # noqa: E402
from suanli.derive.track_record import track_record  # noqa: E402
from suanli.errors import Collector  # noqa: E402
from suanli.load.dataset import load_dataset  # noqa: E402
from suanli.load.prices import load_prices  # noqa: E402
from suanli.render import company_pages, track_record_page  # noqa: E402
from support import Preview, machine, snapshot  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode); "
    "sys.stderr.write(r.stderr if r.returncode else '')"
)


def clean_build(data: Path, site: Path) -> tuple[float, float]:
    """Seconds and peak MB of a strict build of `data` into an empty `site`, with no generator cache."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": "off", "PYTHONHASHSEED": "1"}
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(site)]
    os.sync()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], env=env, cwd=REPO, capture_output=True, text=True
    )
    seconds, peak_kb, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    return float(seconds), int(peak_kb) / 1024


def parts(data: Path) -> dict[str, float]:
    """Seconds of each part the track record adds, measured in this process."""
    dataset = load_dataset(data)
    started = time.perf_counter()
    load_prices(data, dataset.registry, dataset.issues, Collector())
    loaded = time.perf_counter()
    record = track_record(dataset)
    derived = time.perf_counter()
    companies = company_pages.company_records(dataset, None, record.spells)  # made without prices too
    rendering = time.perf_counter()
    track_record_page.track_record_page(dataset, record)
    track_record_page.cumulative_csv(record)
    track_record_page.periods_csv(record)
    track_record_page.calls_csv(record, dataset)
    for company in companies:
        if company.priced:
            company_pages.price_csv(company, dataset.prices)
    rendered = time.perf_counter()
    closes = sum(len(days) for days in dataset.prices.days.values())
    return {
        "closes": closes,
        "tickers": len(dataset.prices.days),
        "load_s": loaded - started,
        "derive_s": derived - loaded,
        "render_s": rendered - rendering,
    }


def preview_saves(data: Path, work: Path, saves: int) -> dict:
    """`suanli serve` on a copy of the sources: each save changes one close of the latest day."""
    sources = snapshot(work / "repo")
    env = {
        **os.environ,
        "SUANLI_DATA": str(data),
        "SUANLI_CACHE": str(work / "serve-cache"),
        "PYTHONPATH": str(sources / "gen"),
    }
    prices = data / "series/prices.csv"
    reloads, pages = [], []
    with Preview(sources, env, work / "serve.log") as server:
        for n in range(saves):
            text = prices.read_text(encoding="utf-8")
            last = text.rstrip("\n").rsplit("\n", 1)[1]
            date, ticker, close = last.split(",")
            edited = text[: -len(last) - 1] + f"{date},{ticker},{float(close) + 0.01 * (n + 1):.2f}\n"
            reloads.append(server.save(prices, edited))
            rendered = re.findall(r"Incremental build: (\d+) of \d+ pages", server.output())
            pages.append(int(rendered[-1]) if rendered else None)
    return {"first_build_s": server.first_build_s, "reload_s": reloads, "pages": pages}


def run(sizes: list[int], repeat: int, saves: int) -> dict:
    rows = []
    with tempfile.TemporaryDirectory(prefix="suanli-track-") as temp:
        work = Path(temp)
        for weeks in sizes:
            data, bare = work / f"data-{weeks}", work / f"bare-{weeks}"
            write_demo(data, weeks=weeks)
            shutil.copytree(data, bare)
            (bare / "series/prices.csv").unlink()
            (bare / "benchmarks.yaml").unlink()
            with_prices, without = [], []
            for _ in range(repeat):  # interleaved, so load on the machine falls on both alike
                with_prices.append(clean_build(data, work / "site"))
                without.append(clean_build(bare, work / "site"))
            row = {
                "weeks": weeks,
                "with_s": min(t for t, _ in with_prices),
                "without_s": min(t for t, _ in without),
                "with_mb": min(m for _, m in with_prices),
                "without_mb": min(m for _, m in without),
                **parts(data),
            }
            row["added"] = row["with_s"] / row["without_s"] - 1
            row["parts_share"] = (row["load_s"] + row["derive_s"] + row["render_s"]) / row["without_s"]
            rows.append(row)
            print(json.dumps(row), flush=True)
        preview = preview_saves(work / f"data-{sizes[-1]}", work, saves) if saves else None
    return {"machine": machine(), "rows": rows, "preview": preview}


def report(result: dict) -> str:
    lines = [
        f"{result['machine']}; best of the runs; clean builds, no cache",
        "",
        "| weeks | closes | tickers | build with prices | without | added | peak with / without | load | derive | render | parts / build |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['weeks']} | {r['closes']:,} | {r['tickers']} | {r['with_s']:.1f} s | {r['without_s']:.1f} s | "
            f"{r['added']:+.1%} | {r['with_mb']:.0f} / {r['without_mb']:.0f} MB | {r['load_s']:.2f} s | "
            f"{r['derive_s']:.2f} s | {r['render_s']:.2f} s | {r['parts_share']:.1%} |"
        )
    if result["preview"]:
        p = result["preview"]
        lines += [
            "",
            f"Preview at {result['rows'][-1]['weeks']} weeks (first build {p['first_build_s']:.1f} s): a save that "
            f"changes one close reloads in {', '.join(f'{s:.2f}' for s in p['reload_s'])} s, re-rendering "
            f"{', '.join(str(n) for n in p['pages'])} page(s).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[52, 260, 520])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.sizes, args.repeat, args.saves)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Archive-scale benchmark: build demo archives of 52, 260 and 520 weeks and measure them.

    .venv/bin/python bench/run.py [--sizes 52 260 520] [--repeat 2]

For each size, in one run and pair by pair:
- full: a clean build (empty site folder, empty generator cache), wall time and peak memory;
- rebuild: the same build again with unchanged data (what `serve` does on every save);
- baseline: the same Markdown pages and assets, written out beforehand as plain files, built by
  MkDocs with the same theme, plugins and jieba dictionary but no generator (no gen-files, no hook);
- the generator's share (load, validate, render, write; reported by the build itself, INFO lines
  in its log) and, measured in this process, how much of it is chart production;
- the site's size, and gzip weights of a cold issue page, the next page, and the search index.

Not a test: it prints figures for bench/README.md. Each build runs in a fresh process; the
best of `--repeat` runs is reported, to keep other load on the machine out of the figures.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: machine(), and one gzip level for every weight

from suanli.authoring.demo import write_demo  # noqa: E402
from suanli.load.dataset import load_dataset  # noqa: E402
from suanli.render import csv_table as tables  # noqa: E402
from suanli.render import downloads  # noqa: E402
from suanli.render import issue_pages as pages  # noqa: E402
from suanli.render.company_pages import company_records  # noqa: E402
from suanli.render.feed import company_feed_xml  # noqa: E402
from suanli.render.html import PLACEHOLDER, Blocks  # noqa: E402
from suanli.render.jieba_words import jieba_user_dictionary  # noqa: E402
from suanli.site import assemble as site  # noqa: E402
from support import gzipped_size, machine  # noqa: E402

SITE_URL = "http://127.0.0.1:8000/"
# Runs one build in a fresh interpreter and prints its wall time and the peak memory of the build process.
# The build's log goes to the file named first (its INFO lines time the generator's part).
MEASURE = (
    "import pathlib, resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[2:], capture_output=True, text=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode); "
    "pathlib.Path(sys.argv[1]).write_text(r.stderr); sys.stderr.write(r.stderr if r.returncode else '')"
)


def measure(command: list[str], env: dict, log: Path) -> tuple[float, float]:
    os.sync()  # the previous build's writes are flushed now, not during this build
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(log), *command], env=env, cwd=REPO, capture_output=True, text=True
    )
    wall, peak_kb, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stderr}")
    return float(wall), int(peak_kb) / 1024


def build_command(config: Path, site_dir: Path) -> list[str]:
    # INFO level (no -q): the plugin logs the generator's time (a few lines)
    return [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]


def baseline_config(work: Path, docs: Path, synthetic: bool, jieba_dict: Path) -> Path:
    """mkdocs.yml without the generator: no gen-files, no suanli plugin; docs_dir and jieba dictionary given."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    replaced = re.sub(r"\n  - gen-files:\n      scripts:\n        - gen/write_pages.py\n", "\n", text)
    replaced = re.sub(r"\n(  #[^\n]*\n)*  - suanli:\n(      [^\n]*\n)+", "\n", replaced)
    replaced = replaced.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    replaced = re.sub(r"\nwatch:\n(  - \w+\n)+", "\n", replaced)  # preview only; paths are relative to the repo
    replaced = replaced.replace("      lang: zh\n", f"      lang: zh\n      jieba_dict_user: {jieba_dict}\n", 1)
    assert "gen-files" not in replaced and "suanli:" not in replaced and "watch:" not in replaced
    assert str(jieba_dict) in replaced
    replaced += f"\ndocs_dir: {docs}\nextra:\n  synthetic: {'true' if synthetic else 'false'}\n"
    path = work / "baseline.yml"
    path.write_text(replaced, encoding="utf-8")
    return path


def generator_profile(data: Path) -> dict[str, float]:
    """The generator's phases in this process: loading and validation, and rendering split into chart
    production (the charts' data: CSV slices and frames) and everything else (Markdown pages)."""
    spent = {"charts": 0.0}

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["charts"] += time.perf_counter() - start

        return wrapper

    originals = (pages.exhibit_csv, tables.rows_csv)
    pages.exhibit_csv, tables.rows_csv = timed(pages.exhibit_csv), timed(tables.rows_csv)
    try:
        start = time.perf_counter()
        dataset = load_dataset(data)
        loaded = time.perf_counter()
        site.render(dataset, SITE_URL)
        rendered = time.perf_counter()
    finally:
        pages.exhibit_csv, tables.rows_csv = originals
    # the archive as data (/downloads/) and the company feeds, again on their own: they must grow linearly
    archive = time.perf_counter()
    records = company_records(dataset)
    downloads.stocks_csv(dataset), downloads.recommendations_csv(dataset)
    downloads.index_json(dataset, records, SITE_URL)
    for record in records:
        company_feed_xml(record, SITE_URL)
    archived = time.perf_counter()
    return {
        "load": loaded - start,
        "render": rendered - loaded,
        "charts": spent["charts"],
        "archive files": archived - archive,
    }


def inline_blocks(source: bytes, blocks: Blocks) -> bytes:
    """A page's Markdown with each HTML block in place of its placeholder."""
    for index, (html, *_) in enumerate(blocks):
        source = source.replace(PLACEHOLDER.format(index).encode(), html, 1)
    return source


def page_weights(site_dir: Path, issues: list[str]) -> dict[str, int]:
    """gzip bytes a reader downloads: the home page and a cold issue page, each with its CSS and scripts,
    chart templates and data, then the next issue page (HTML and chart data; shared files cached), and the
    search index."""

    def assets(page: Path) -> tuple[set[Path], set[Path]]:
        html = page.read_text(encoding="utf-8")
        shared = {
            (page.parent / href).resolve()
            for href in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', html)
        }
        charts = re.findall(r'data-kind="(\w+)" data-csv="([^"]+)"', html)
        shared |= {(site_dir / "assets/charts" / f"{kind}.light.json").resolve() for kind, _ in charts}
        if charts:  # charts.js loads Vega when the reader scrolls to a chart: counted, as a reader who reads on pays it
            shared |= {
                (site_dir / "assets/vendor" / name).resolve() for name in ("vega.min.js", "vega-interpreter.min.js")
            }
        data = {(page.parent / csv).resolve() for _, csv in charts}
        return shared, data

    cold_page = site_dir / "issues" / issues[-1] / "index.html"
    next_page = site_dir / "issues" / issues[-2] / "index.html"
    shared, data = assets(cold_page)
    shared_next, data_next = assets(next_page)
    home = site_dir / "index.html"
    shared_home, data_home = assets(home)
    return {
        "home": gzipped_size(home) + sum(gzipped_size(p) for p in shared_home | data_home),
        "cold": gzipped_size(cold_page) + sum(gzipped_size(p) for p in shared | data),
        "next": gzipped_size(next_page) + sum(gzipped_size(p) for p in (shared_next - shared) | data_next),
        "search": gzipped_size(site_dir / "search/search_index.json"),
        "site_mb": sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file()) / 1e6,
    }


GENERATOR_TIME = re.compile(
    r"(?:Generated the pages and their data|Wrote the pages through gen-files) in ([\d.]+) seconds"
)


def timings(log: Path) -> float:
    """The generator's part of a build, from the hook's INFO lines in its log (none in the baseline)."""
    return sum(float(seconds) for seconds in GENERATOR_TIME.findall(log.read_text(encoding="utf-8")))


def run_size(weeks: int, work: Path, repeat: int) -> dict:
    data = work / "data"
    write_demo(data, weeks=weeks)
    dataset = load_dataset(data)
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_SITE_URL": SITE_URL, "SOURCE_DATE_EPOCH": "1733875200"}

    # baseline: the generator's output written out beforehand, then plain MkDocs. Without the hook
    # nothing splices the pages' HTML blocks in, so each stands in its page's Markdown as raw HTML:
    # MkDocs alone building the same content (as the site was built before issue 10).
    docs = work / "baseline-docs"
    shutil.copytree(REPO / "docs", docs)
    rendered = site.render(dataset, SITE_URL)
    pages = {path: inline_blocks(source, rendered.blocks.get(path, ())) for path, source in rendered.pages.items()}
    for relative, content in {**rendered.files, **pages}.items():
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    jieba_dict = work / "jieba.txt"
    jieba_dict.write_text(jieba_user_dictionary(dataset.registry), encoding="utf-8")
    baseline_yml = baseline_config(work, docs, dataset.synthetic, jieba_dict)

    results: dict[str, list] = {"full": [], "rebuild": [], "baseline": [], "gen_full": [], "gen_rebuild": []}
    for attempt in range(repeat):
        cache = work / f"cache-{attempt}"
        builds = [
            ("baseline", baseline_yml, work / "site-baseline"),
            ("full", REPO / "mkdocs.yml", work / "site-full"),
            ("rebuild", REPO / "mkdocs.yml", work / "site-full"),
        ]
        if attempt % 2:  # alternate which build goes first, so neither always meets a cold machine
            builds = builds[1:] + builds[:1]
        for name, config, site_dir in builds:
            timing_file = work / f"build-{name}-{attempt}.log"
            if name == "full":
                shutil.rmtree(site_dir, ignore_errors=True)
            wall, peak = measure(build_command(config, site_dir), {**env, "SUANLI_CACHE": str(cache)}, timing_file)
            results[name].append((wall, peak))
            if name in ("full", "rebuild"):
                results[f"gen_{name}"].append(timings(timing_file))
    best = {name: min(values) for name, values in results.items()}
    profile = min((generator_profile(data) for _ in range(repeat)), key=lambda p: p["load"] + p["render"])
    weights = page_weights(work / "site-full", [issue.slug for issue in dataset.issues])
    return {
        "weeks": weeks,
        "issues": len(dataset.issues),
        "companies": len(dataset.registry.companies),
        "pages": sum(1 for _ in (work / "site-full").rglob("index.html")),
        **best,
        "profile": profile,
        **weights,
    }


def report(rows: list[dict]) -> str:
    lines = [
        "| weeks | pages | full build | peak memory | baseline | baseline memory | full / baseline | rebuild "
        "| rebuild / baseline | generator (full) | generator (rebuild) | charts / generator | site | issue page cold "
        "| next page | home cold | search index | downloads + company feeds |",
        "|" + " ---: |" * 18,
    ]
    for r in rows:
        full, peak = r["full"]
        base, base_peak = r["baseline"]
        rebuild = r["rebuild"][0]
        generator = r["profile"]["load"] + r["profile"]["render"]
        lines.append(
            f"| {r['weeks']} | {r['pages']} | {full:.1f} s | {peak:.0f} MB | {base:.1f} s | {base_peak:.0f} MB | {full / base:.2f} | "
            f"{rebuild:.1f} s | {rebuild / base:.2f} | {r['gen_full']:.1f} s ({r['gen_full'] / full:.0%}) | "
            f"{r['gen_rebuild']:.1f} s ({r['gen_rebuild'] / rebuild:.0%}) | "
            f"{r['profile']['charts'] / generator:.0%} | {r['site_mb']:.0f} MB | {r['cold'] / 1024:.0f} KB | "
            f"{r['next'] / 1024:.0f} KB | {r['home'] / 1024:.0f} KB | {r['search'] / 1024:.0f} KB | "
            f"{r['profile']['archive files']:.2f} s |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        lines.append("")
        lines.append(
            f"Growth: full build {last['weeks']} / {first['weeks']} weeks = "
            f"{last['full'][0] / first['full'][0]:.1f}× for {last['weeks'] / first['weeks']:.0f}× the issues "
            f"(baseline {last['baseline'][0] / first['baseline'][0]:.1f}×)."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[52, 260, 520])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"Machine: {machine()}", flush=True)
    rows = []
    for weeks in args.sizes:
        with tempfile.TemporaryDirectory(
            prefix=f"suanli-bench-{weeks}-", dir=REPO / ".cache" if (REPO / ".cache").exists() else None
        ) as tmp:
            row = run_size(weeks, Path(tmp), args.repeat)
        print(
            f"{weeks} weeks: full {row['full'][0]:.1f} s, baseline {row['baseline'][0]:.1f} s, "
            f"rebuild {row['rebuild'][0]:.1f} s, generator {row['profile']}",
            flush=True,
        )
        rows.append(row)
    print()
    print(report(rows))


if __name__ == "__main__":
    main()

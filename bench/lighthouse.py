"""Lighthouse over a built site: the four category scores per page, as a phone on a slow network sees them.

    SUANLI_SITE_URL=http://127.0.0.1:8765/ .venv/bin/properdocs build --strict -f mkdocs.yml -d /tmp/lh-site
    .venv/bin/python bench/lighthouse.py /tmp/lh-site [PATH ...] [--runs 3] [--port 8765] [--json FILE] [--reports DIR]

What it measures: Lighthouse 12.2.3 (pinned in bench/package.json, installed into bench/node_modules with
`npm ci --prefix bench` on first use) loads each page in the system's Chromium with its default, mobile
preset: a phone-sized screen, and simulated throttling, i.e. the load is replayed as on a slow 4G
connection (150 ms round trip, 1.6 Mbit/s down) with the CPU slowed 4x. That is the reader the site
must not fail: a phone on a train, not a desktop on the office network. Categories: performance,
accessibility, best practices, SEO.

How: the site is served by bench/gzip_server.py, which gzips text and sets `Cache-Control: max-age=600`
as GitHub Pages does, so the bytes Lighthouse weighs are the bytes a reader downloads (a plain
`python -m http.server` sends them uncompressed and the performance score would blame the wrong things).
The pages' canonical URLs, sitemap and feed name the site's URL, so the site must be built for the
origin it is served on: with SUANLI_SITE_URL=http://127.0.0.1:PORT/ and the same --port here.

Pages: the paths given, or by default the home page, the newest issue, the company index and the first
company page. Each page is measured --runs times; the table gives the median performance score (it
varies from run to run) and the lowest of each other category (those should not vary; if they do, the
lowest is the one to fix). Below the table, per page: the key metrics of the median run, the failed
audits (weight > 0 and score < 0.9) and the performance opportunities Lighthouse estimates savings for.

Not a test: it prints a Markdown table for bench/README.md (and every number as JSON with --json).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))  # tests/support.py: the /proc walk

from gzip_server import DEFAULT_PORT, start  # noqa: E402

from support import alive, machine, process_tree  # noqa: E402

LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]  # the table's columns, in order
# Headless, without the sandbox and GPU a container (running as root) does not offer; and the machine's
# network is closed, so Chromium's background services (updates, sync, first-run, QUIC probes) would only
# wait on refused connections: none of them is part of a page's load.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "Speed Index",
}
RUN_TIMEOUT_S = 180
ISSUE_DIR = re.compile(r"\d{4}-\d{2}-\d{2}")
PR_SET_CHILD_SUBREAPER = 36


class LighthouseFailed(Exception):
    """A Lighthouse run that did not produce scores: why, and Lighthouse's stderr (its log and error)."""

    def __init__(self, reason: str, stderr: str) -> None:
        super().__init__(reason)
        self.reason, self.stderr = reason, stderr


@dataclass
class Run:
    scores: dict[str, int]
    metrics: dict[str, dict]
    failed: list[dict]
    opportunities: list[dict]
    main_thread: dict[str, dict[str, float]]
    errored: list[str]
    benchmark_index: float  # Lighthouse's measure of this machine's speed at the time; a low one flags a busy machine


@dataclass
class PageResult:
    path: str
    url: str
    runs: list[Run] = field(default_factory=list)

    def median_run(self) -> Run:
        """The run whose performance score is the median (the lower middle one for an even count)."""
        ordered = sorted(self.runs, key=lambda run: run.scores["performance"])
        return ordered[(len(ordered) - 1) // 2]

    def scores(self) -> dict[str, float]:
        result: dict[str, float] = {"performance": statistics.median(r.scores["performance"] for r in self.runs)}
        for category in CATEGORIES[1:]:
            result[category] = min(r.scores[category] for r in self.runs)
        return result

    def failed(self) -> list[dict]:
        """Failed audits over all runs, each once: its worst run, and how many runs it failed in."""
        seen: dict[str, dict] = {}
        for run in self.runs:
            for audit in run.failed:
                count = seen.get(audit["id"], {}).get("failed_runs", 0) + 1
                if audit["id"] not in seen or audit["score"] < seen[audit["id"]]["score"]:
                    seen[audit["id"]] = dict(audit)
                seen[audit["id"]]["failed_runs"] = count
        return list(seen.values())


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse from bench/package-lock.json the first time (node_modules is not committed)."""
    if LIGHTHOUSE.exists():
        return
    print("Installing Lighthouse: npm ci --prefix bench", flush=True)
    subprocess.run(["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)


def default_paths(site: Path) -> list[str]:
    """Home, newest issue, company index, first company: one page of each kind a reader lands on."""
    paths = ["/"]
    issues = sorted(
        d.name for d in (site / "issues").glob("*") if ISSUE_DIR.fullmatch(d.name) and (d / "index.html").is_file()
    )
    if issues:
        paths.append(f"/issues/{issues[-1]}/")
    if (site / "companies" / "index.html").is_file():
        paths.append("/companies/")
    companies = sorted(page.parent.name for page in (site / "companies").glob("*/index.html"))
    if companies:
        paths.append(f"/companies/{companies[0]}/")
    return paths


def check_site_url(site: Path, origin: str) -> None:
    """Stop early when the site was built for another origin: its links would point away from the server."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} has no index.html: build the site first (see --help)")
    home = (site / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', home)
    if canonical and not canonical.group(1).startswith(origin + "/"):
        raise SystemExit(
            f"{site} was built for {canonical.group(1)}, but is served on {origin}/. Rebuild it with\n"
            f"  SUANLI_SITE_URL={origin}/ .venv/bin/properdocs build --strict -f mkdocs.yml -d {site}\n"
            "or pass the matching --port."
        )


def adopt_orphans() -> None:
    """Become the reaper of this process's orphaned descendants (Linux only; elsewhere a no-op).

    chrome-launcher starts Chromium detached (its own session), so if Lighthouse's node process dies or
    is killed, Chromium would be handed to init and outlive the benchmark. As a subreaper this process
    inherits it instead, and stop_descendants() still finds it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def stop_descendants(grace_s: float = 5.0) -> None:
    """Stop every process this one started, directly or not (node, Chromium and its helpers): SIGTERM,
    then SIGKILL for whatever is still running after `grace_s`, then reap them so no zombie is left."""
    pids = process_tree(os.getpid())[1:]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            if alive(pid):
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
        deadline = time.monotonic() + grace_s
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not ours to reap (subprocess reaps its own), or already gone
            pass


def lighthouse_command(url: str, report: Path) -> list[str]:
    # no --preset: Lighthouse's default is the mobile form factor with simulated throttling
    return [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]


def run_lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run; returns its report (the LHR). Raises LighthouseFailed with its stderr."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # its own session: Ctrl-C reaches only this process, which then stops node and Chromium in order
    process = subprocess.Popen(
        lighthouse_command(url, report),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        stop_descendants()
        _, stderr = process.communicate()
        raise LighthouseFailed(f"timed out after {RUN_TIMEOUT_S} s", stderr) from None
    finally:
        stop_descendants()  # Chromium, if Lighthouse left it behind; a no-op after a clean run
    if process.returncode != 0 or not report.is_file():
        raise LighthouseFailed(f"exit status {process.returncode}", stderr)
    lhr = json.loads(report.read_text(encoding="utf-8"))
    if lhr.get("runtimeError") or any(lhr["categories"][c]["score"] is None for c in CATEGORIES):
        raise LighthouseFailed(f"no scores: {lhr.get('runtimeError')}", stderr)
    return lhr


def failed_audits(lhr: dict) -> list[dict]:
    """Audits that count towards a category score (weight > 0) and scored below 0.9."""
    failed = []
    for category in CATEGORIES:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 0.9:
                failed.append(
                    {
                        "id": ref["id"],
                        "category": category,
                        "score": audit["score"],
                        "title": audit["title"],
                        "display": audit.get("displayValue", ""),
                    }
                )
    return failed


def opportunities(lhr: dict) -> list[dict]:
    """Performance audits with estimated savings (weight 0 in Lighthouse 12, so not among the failed ones):
    what to fix to move the metrics, e.g. render-blocking resources and unused JavaScript."""
    found = []
    for ref in lhr["categories"]["performance"]["auditRefs"]:
        audit = lhr["audits"][ref["id"]]
        details = audit.get("details") or {}
        if details.get("type") == "opportunity" and audit["score"] is not None and audit["score"] < 0.9:
            found.append({"id": ref["id"], "title": audit["title"], "display": audit.get("displayValue", "")})
    return found


def main_thread(lhr: dict) -> dict[str, dict[str, float]]:
    """Where the main thread's time went, in ms as on the 4x slower CPU: by kind of work, and by script
    (the page's own path for its inline scripts and parsing; the origin is left out)."""
    breakdown = lhr["audits"]["mainthread-work-breakdown"].get("details") or {}
    bootup = lhr["audits"]["bootup-time"].get("details") or {}
    return {
        "by_kind": {item["groupLabel"]: round(item["duration"]) for item in breakdown.get("items", [])},
        "by_script": {
            urlsplit(item["url"]).path or item["url"]: round(item["total"]) for item in bootup.get("items", [])
        },
    }


def errored_audits(lhr: dict) -> list[str]:
    """Audits Lighthouse could not compute. Lighthouse 12.2 cannot read the trace of a recent Chromium's
    frame reporter, so its trace-based diagnostics (render-blocking-resources, layout-shifts,
    largest-contentful-paint-element) error; the metrics and scores are unaffected, but say so."""
    return sorted(name for name, audit in lhr["audits"].items() if audit["scoreDisplayMode"] == "error")


def summarize(lhr: dict) -> Run:
    return Run(
        scores={c: round(lhr["categories"][c]["score"] * 100) for c in CATEGORIES},
        metrics={
            name: {"value": lhr["audits"][name]["numericValue"], "display": lhr["audits"][name]["displayValue"]}
            for name in METRICS
        },
        failed=failed_audits(lhr),
        opportunities=opportunities(lhr),
        main_thread=main_thread(lhr),
        errored=errored_audits(lhr),
        benchmark_index=lhr["environment"]["benchmarkIndex"],
    )


def measure(origin: str, paths: list[str], runs: int, reports: Path) -> tuple[list[PageResult], dict]:
    results: list[PageResult] = []
    environment: dict[str, str] = {}
    for path in paths:
        page = PageResult(path, origin + path)
        for number in range(1, runs + 1):
            report = reports / f"{path.strip('/').replace('/', '_') or 'home'}-{number}.json"
            try:
                lhr = run_lighthouse(page.url, report)
            except LighthouseFailed as error:
                raise LighthouseFailed(f"{page.url} (run {number}): {error.reason}", error.stderr) from None
            environment = {"lighthouse": lhr["lighthouseVersion"], "user_agent": lhr["environment"]["hostUserAgent"]}
            page.runs.append(summarize(lhr))
            print(f"{path} run {number}: {page.runs[-1].scores}", flush=True)
        results.append(page)
    return results, environment


def table(results: list[PageResult]) -> str:
    lines = ["| page | performance | accessibility | best practices | SEO |", "| --- | ---: | ---: | ---: | ---: |"]
    for page in results:
        scores = page.scores()
        lines.append(f"| `{page.path}` | " + " | ".join(f"{scores[c]:g}" for c in CATEGORIES) + " |")
    return "\n".join(lines)


def details(page: PageResult, runs: int) -> str:
    median = page.median_run()
    lines = [f"{page.path}", "  " + ", ".join(f"{METRICS[k]} {m['display']}" for k, m in median.metrics.items())]
    for audit in page.failed():
        share = f", failed in {audit['failed_runs']}/{runs} runs" if audit["failed_runs"] < runs else ""
        shown = f" ({audit['display']})" if audit["display"] else ""
        lines.append(f"  failed {audit['category']}: {audit['id']} score {audit['score']:g}{shown}{share}")
    for audit in median.opportunities:
        lines.append(f"  opportunity: {audit['id']} {audit['display']}".rstrip())
    for kind, costs in median.main_thread.items():
        top = list(costs.items())[:4]  # Lighthouse lists them largest first
        lines.append(f"  main thread {kind.replace('_', ' ')}: " + ", ".join(f"{name} {ms} ms" for name, ms in top))
    if median.errored:
        lines.append("  errored (not computed): " + " ".join(median.errored))
    return "\n".join(lines)


def as_json(results: list[PageResult], environment: dict, site: Path, origin: str, runs: int) -> dict:
    return {
        "machine": machine(),
        **environment,
        "site": str(site),
        "origin": origin,
        "runs": runs,
        "pages": [
            {
                "path": page.path,
                "url": page.url,
                "scores": page.scores(),
                "metrics": page.median_run().metrics,
                "failed": page.failed(),
                "opportunities": page.median_run().opportunities,
                "runs": [vars(run) for run in page.runs],
            }
            for page in results
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site folder (properdocs build -d SITE)")
    parser.add_argument("paths", nargs="*", help="URL paths to measure, e.g. / /companies/ (default: one of each kind)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (default 3)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="the port the site was built for")
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    parser.add_argument("--reports", type=Path, help="keep each run's full Lighthouse report (JSON) in this folder")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    site = args.site.resolve()
    origin = f"http://127.0.0.1:{args.port}"
    check_site_url(site, origin)
    paths = ["/" + p.lstrip("/") for p in args.paths] or default_paths(site)
    if not args.paths:
        print("Pages: " + " ".join(paths), flush=True)
    ensure_lighthouse()
    adopt_orphans()
    print(f"Machine: {machine()}", flush=True)
    try:
        server = start(site, args.port)
    except OSError as error:  # most likely the port is taken (another server, or an earlier run's)
        raise SystemExit(f"cannot serve {site} on {origin}: {error}") from None
    try:
        with tempfile.TemporaryDirectory(prefix="suanli-lighthouse-") as temp:
            reports = args.reports or Path(temp)
            reports.mkdir(parents=True, exist_ok=True)
            results, environment = measure(origin, paths, args.runs, reports)
    except LighthouseFailed as error:  # its log first, so the reason is the last line on the screen
        raise SystemExit(f"{error.stderr.rstrip()}\n\nLighthouse failed on {error.reason}") from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:  # on success, failure and Ctrl-C alike: no Chromium, node or server thread outlives the run
        stop_descendants()
        server.shutdown()
        server.server_close()
    print(f"\nLighthouse {environment['lighthouse']}, {environment['user_agent']}, mobile preset, {args.runs} run(s)")
    print("performance: median of the runs; other categories: lowest of the runs\n")
    print(table(results))
    print()
    print("\n\n".join(details(page, args.runs) for page in results))
    if args.json:
        data = as_json(results, environment, site, origin, args.runs)
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

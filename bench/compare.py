"""Side by side: two versions of the site's sources build the same demo archives, pair by pair.

    .venv/bin/python bench/compare.py --before REV [--after REV|worktree] [--sizes 52 260 520]
                                      [--repeat 2] [--saves 3] [--preview-all] [--settle S] [--json FILE]

Each version runs on a snapshot of its sources (mkdocs.yml, docs/, gen/, overrides/ and whatever else
its mkdocs.yml names: a revision through `git archive`, the working tree copied at the start, so edits
during the run change nothing), with PYTHONPATH=<snapshot>/gen so its own package is imported rather
than the editable install's, in its snapshot folder. For each size, in one run:
- one demo archive (the working tree's `suanli demo`; the data format is the same for both);
- clean builds, pair by pair (`properdocs build --strict`, empty site folder, empty generator cache,
  fresh process), alternating which version goes first: wall time and peak memory of the build
  process; the best of `--repeat` for each, and the ratio after / before;
- whether the two sites agree: the same file list, and how many files differ byte-wise (they may,
  e.g. in HTML structure; only the counts are reported);
- at the largest size (every size with --preview-all): `suanli serve` on a copy of the archive, then
  `--saves` saves of the latest issue.yaml (a changed title each time); the time from each save to the
  server's "Reloading browsers" line, its median, and its ratio to that version's clean build. The
  server is stopped with SIGTERM and anything it leaves (an earlier `suanli serve` ran a child that
  survives SIGTERM) is killed.
Then seconds per week between sizes, for each version, to show whether growth stays linear.

`--settle S`: wait S seconds (after a sync) between deleting the last build's site and cache and the next
build. On an ext4 without a journal (this bench's VM), creating a file skips every inode of its block
group freed in the last 60 s, one by one (the kernel's `recently_deleted`; 5 minutes while the freed
inode's block is unwritten, hence the sync): a build started right after the last one's 5,000 files were
deleted spends seconds of system time there, more with each build of a run, and the version that creates
more files pays more. 65 lets the freed inodes age; ext4 with a journal (GitHub's runners) never checks.

Not a test: it prints a Markdown table for bench/README.md (and every figure as JSON with --json).
Figures are the best of `--repeat` runs, to keep other load on the machine out of them; the ratios
are pairs from one run.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: the snapshot, `suanli serve` save by save

from support import SOURCES, Preview, machine, retitled, snapshot  # noqa: E402

SITE_URL = "http://127.0.0.1:8000/"
SOURCE_DATE_EPOCH = "1733875200"
# Issue #10's clean-build ratio (against 7cc6ae3), and issue #16's save ratio and peak memory (bench/README.md)
TARGET_CLEAN_RATIO = 0.45
TARGET_SAVE_RATIO = 0.15
TARGET_PEAK_MB = 280
# Runs one build in a fresh interpreter and prints its wall time and the peak memory of the build process
# (as bench/run.py does).
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode); "
    "sys.stderr.write(r.stderr if r.returncode else '')"
)


@dataclass
class Version:
    key: str  # "before" or "after"
    label: str  # for the reader: a short commit, or the working tree
    root: Path  # the snapshot

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUANLI_")}
        return {**env, "PYTHONPATH": str(self.root / "gen"), **extra}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout.strip()


def describe(rev: str | None) -> str:
    if rev is None:
        dirty = git("status", "--porcelain", "--", *SOURCES)
        return f"working tree ({git('rev-parse', '--short', 'HEAD')}{' + uncommitted changes' if dirty else ''})"
    short = git("rev-parse", "--short", f"{rev}^{{commit}}")
    return short if short.startswith(rev) else f"{short} ({rev})"


def write_demo(current: Path, data: Path, weeks: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "suanli.cli", "demo", str(data), "--weeks", str(weeks)],
        cwd=current,
        env={**os.environ, "PYTHONPATH": str(current / "gen")},
        check=True,
        capture_output=True,
    )


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    os.sync()  # the previous build's writes are flushed now, not during this build
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], env=env, cwd=cwd, capture_output=True, text=True)
    wall, peak_kb, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"build failed ({cwd}): {' '.join(command)}\n{result.stderr}")
    return float(wall), int(peak_kb) / 1024


def clean_build(version: Version, data: Path, site_dir: Path, cache: Path, settle: float) -> tuple[float, float]:
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    if settle:
        os.sync()
        time.sleep(settle)  # see --settle
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(site_dir)]
    env = version.env(
        SUANLI_DATA=str(data), SUANLI_SITE_URL=SITE_URL, SUANLI_CACHE=str(cache), SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH
    )
    return measure(command, env, version.root)


def compare_sites(before: Path, after: Path) -> dict:
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    a, b = files(before), files(after)
    differ = sorted(name for name in a & b if not filecmp.cmp(before / name, after / name, shallow=False))
    return {
        "files_before": len(a),
        "files_after": len(b),
        "same_file_list": a == b,
        "only_before": sorted(a - b),
        "only_after": sorted(b - a),
        "common": len(a & b),
        "differ": len(differ),
        "differ_files": differ,
    }


def preview(version: Version, archive: Path, work: Path, saves: int) -> dict:
    """`suanli serve` on a copy of the archive: first build, then `saves` saves of the latest issue.yaml."""
    data = work / f"preview-{version.key}-data"
    shutil.copytree(archive, data)
    issue_yaml = max((data / "issues").iterdir()) / "issue.yaml"
    original = issue_yaml.read_text(encoding="utf-8")
    env = version.env(SUANLI_DATA=str(data), SUANLI_CACHE=str(work / f"preview-{version.key}-cache"))
    rows = []
    with Preview(version.root, env, work / f"serve-{version.key}.log") as server:
        time.sleep(1)  # the watcher starts after the first build
        for number in range(1, saves + 1):
            # what an author's save looks like to the watcher: the file rewritten, with a changed title
            reload_s = server.save(issue_yaml, retitled(original, number))
            time.sleep(1)  # let the server settle (and any second reload for the same save happen) before the next
            rows.append({"save": number, "reload_s": round(reload_s, 2), "rss_mb": round(server.rss_mb(), 1)})
            print(
                f"    {version.key} save {number}: reload {rows[-1]['reload_s']:.2f} s, {rows[-1]['rss_mb']:.0f} MB",
                flush=True,
            )
        stopped = server.stop()
    return {
        "first_build_s": round(server.first_build_s, 2),
        "processes": stopped["processes"],
        "median_reload_s": statistics.median(r["reload_s"] for r in rows) if rows else None,
        "rss_max_mb": max((r["rss_mb"] for r in rows), default=None),
        "sigterm_exit_s": round(stopped["exit_s"], 2),
        "processes_left_after_sigterm": stopped["left"],
        "port_freed_by_sigterm": stopped["port_freed"],
        "rows": rows,
    }


def run_size(index: int, weeks: int, versions: list[Version], current: Path, args: argparse.Namespace) -> dict:
    prefix = f"suanli-compare-{weeks}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=REPO / ".cache" if (REPO / ".cache").exists() else None) as t:
        work = Path(t)
        data = work / "data"
        start = time.monotonic()
        write_demo(current, data, weeks)
        issues = sum(1 for p in (data / "issues").iterdir() if p.is_dir())
        print(f"{weeks} weeks: demo archive of {issues} issues in {time.monotonic() - start:.1f} s", flush=True)
        builds = []
        for attempt in range(args.repeat):
            # alternate which version goes first from one pair to the next, so neither always meets a cold machine
            order = versions if (index + attempt) % 2 == 0 else versions[::-1]
            for position, version in enumerate(order):
                wall, peak = clean_build(version, data, work / f"site-{version.key}", work / "cache", args.settle)
                builds.append(
                    {
                        "version": version.key,
                        "attempt": attempt,
                        "first": position == 0,
                        "wall_s": wall,
                        "peak_mb": peak,
                    }
                )
                print(f"  {version.key} build {attempt + 1}: {wall:.2f} s, {peak:.0f} MB", flush=True)
        best = {
            v.key: {
                "wall_s": min(b["wall_s"] for b in builds if b["version"] == v.key),
                "peak_mb": min(b["peak_mb"] for b in builds if b["version"] == v.key),
            }
            for v in versions
        }
        sites = compare_sites(work / "site-before", work / "site-after")
        print(
            f"  sites: {sites['files_before']} / {sites['files_after']} files, "
            f"{'same file list' if sites['same_file_list'] else 'file lists differ'}, {sites['differ']} differ byte-wise",
            flush=True,
        )
        shutil.rmtree(work / "site-before")
        shutil.rmtree(work / "site-after")
        saves = {}
        if args.saves and (args.preview_all or weeks == max(args.sizes)):
            order = versions if index % 2 == 0 else versions[::-1]
            for version in order:
                result = preview(version, data, work, args.saves)
                result["reload_over_full"] = result["median_reload_s"] / best[version.key]["wall_s"]
                saves[version.key] = result
    return {
        "weeks": weeks,
        "issues": issues,
        "builds": builds,
        "best": best,
        "ratio": best["after"]["wall_s"] / best["before"]["wall_s"],
        "sites": sites,
        "preview": saves,
    }


def per_week(rows: list[dict], key: str) -> list[dict]:
    """Seconds of clean build per added week, between consecutive sizes."""
    steps = []
    for a, b in zip(rows, rows[1:], strict=False):
        added = b["weeks"] - a["weeks"]
        seconds = b["best"][key]["wall_s"] - a["best"][key]["wall_s"]
        steps.append({"from": a["weeks"], "to": b["weeks"], "s_per_week": seconds / added})
    return steps


def times(x: float) -> str:
    return f"{x:.0f}×" if abs(x - round(x)) < 0.05 else f"{x:.1f}×"


def report(result: dict) -> str:
    rows = result["sizes"]
    lines = [
        f"before: `{result['before']}`, after: {result['after']}; best of {result['repeat']}, {result['machine']}"
        + (f"; {result['settle']} s settle before each clean build" if result.get("settle") else ""),
        "",
        "| weeks | before | after | after / before | peak before | peak after | save before / after "
        "| save / full before / after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        b, a = r["best"]["before"], r["best"]["after"]
        if r["preview"]:
            pb, pa = r["preview"]["before"], r["preview"]["after"]
            save = f"{pb['median_reload_s']:.1f} s / {pa['median_reload_s']:.1f} s"
            ratio = f"{pb['reload_over_full']:.2f} / {pa['reload_over_full']:.2f}"
        else:
            save = ratio = "–"
        lines.append(
            f"| {r['weeks']} | {b['wall_s']:.1f} s | {a['wall_s']:.1f} s | {r['ratio']:.2f} | {b['peak_mb']:.0f} MB "
            f"| {a['peak_mb']:.0f} MB | {save} | {ratio} |"
        )
    lines.append("")
    for r in rows:
        s = r["sites"]
        lists = (
            "the same file list"
            if s["same_file_list"]
            else (f"file lists differ ({len(s['only_before'])} only before, {len(s['only_after'])} only after)")
        )
        lines.append(
            f"Sites at {r['weeks']} weeks: {s['files_before']} / {s['files_after']} files, {lists}; "
            f"{s['differ']} of {s['common']} in common differ byte-wise."
        )
    for r in rows:
        for key, p in r["preview"].items():
            stop = "exits, port free" if p["port_freed_by_sigterm"] else "port still held"
            left = p["processes_left_after_sigterm"]
            saves = ", ".join(f"{row['reload_s']:.1f}" for row in p["rows"])
            lines.append(
                f"Preview at {r['weeks']} weeks, {key}: first build {p['first_build_s']:.1f} s, "
                f"saves {saves} s, "
                f"{p['processes']} process{'es' if p['processes'] > 1 else ''} at {p['rss_max_mb']:.0f} MB RSS; "
                f"SIGTERM: {stop}{f', {left} process left (killed)' if left else ''}."
            )
    if len(rows) > 1:
        lines.append("")
        for key in ("before", "after"):
            steps = ", ".join(
                f"{s['from']}→{s['to']}: {s['s_per_week'] * 1000:.0f} ms/week" for s in result["per_week"][key]
            )
            first, last = rows[0], rows[-1]
            growth = last["best"][key]["wall_s"] / first["best"][key]["wall_s"]
            lines.append(
                f"Growth, {key}: {steps}; {last['weeks']} / {first['weeks']} weeks = {growth:.1f}× "
                f"for {times(last['issues'] / first['issues'])} the issues."
            )
    last = rows[-1]
    lines += ["", f"Targets (issues #10 and #16) at {last['weeks']} weeks:", ""]
    lines += ["| target | figure | met |", "| --- | --- | --- |"]

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lines.append(
        f"| clean build ≤ {TARGET_CLEAN_RATIO} × before | {last['ratio']:.2f} | {met(last['ratio'] <= TARGET_CLEAN_RATIO)} |"
    )
    if len(rows) > 2:
        steps = result["per_week"]["after"]
        spread = steps[-1]["s_per_week"] / steps[0]["s_per_week"] if steps[0]["s_per_week"] > 0 else float("nan")
        lines.append(
            f"| growth stays linear: ms per added week, last step / first step | {spread:.2f} | see the growth lines |"
        )
    if last["preview"]:
        ratio = last["preview"]["after"]["reload_over_full"]
        lines.append(
            f"| preview save ≤ {TARGET_SAVE_RATIO} × full build | {ratio:.2f} | {met(ratio <= TARGET_SAVE_RATIO)} |"
        )
    peak = last["best"]["after"]["peak_mb"]
    lines.append(f"| peak memory ≤ {TARGET_PEAK_MB} MB | {peak:.0f} MB | {met(peak <= TARGET_PEAK_MB)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git revision of the earlier version")
    parser.add_argument("--after", default="worktree", help="git revision, or `worktree` (the default)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[52, 260, 520])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--saves", type=int, default=3, help="preview saves per version (0: no preview)")
    parser.add_argument("--preview-all", action="store_true", help="preview at every size, not only the largest")
    parser.add_argument("--settle", type=float, default=0, help="seconds between a build's deletions and the next")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    args.sizes = sorted(set(args.sizes))
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="suanli-compare-src-") as temp:
        sources = Path(temp)
        current = snapshot(sources / "worktree")  # the working tree as it is now: demo archives, and --after
        after_rev = None if args.after == "worktree" else args.after
        versions = [
            Version("before", describe(args.before), snapshot(sources / "before", args.before)),
            Version(
                "after", describe(after_rev), current if after_rev is None else snapshot(sources / "after", after_rev)
            ),
        ]
        print(f"Machine: {machine()}\nbefore: {versions[0].label}\nafter: {versions[1].label}", flush=True)
        rows = [run_size(index, weeks, versions, current, args) for index, weeks in enumerate(args.sizes)]
    result = {
        "machine": machine(),
        "before": versions[0].label,
        "after": versions[1].label,
        "repeat": args.repeat,
        "saves": args.saves,
        "settle": args.settle,
        "sizes": rows,
        "per_week": {key: per_week(rows, key) for key in ("before", "after")},
        "run_s": round(time.monotonic() - began, 1),
    }
    print()
    print(report(result))
    print(f"\n(run took {result['run_s'] / 60:.1f} min)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

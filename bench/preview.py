"""Preview over an afternoon: memory and rebuild time of `suanli serve` over N saves.

    .venv/bin/python bench/preview.py [--weeks 52] [--saves 50] [--rev REV]

Writes a demo archive (示例数据) into a temporary folder, starts `suanli serve` on it, waits for the
first build, then saves the latest issue's issue.yaml N times, each time as an author would (a changed
title, so the generator's cache misses and the whole site is rebuilt). After each save it waits for the
server's "Reloading browsers" line and records:
- the rebuild time, from the save to that line;
- the resident memory (RSS) of every process the server runs (it and any descendants), read from /proc.
At the end it stops the server with SIGTERM and records how long it took to exit and free its port.
The server runs on a snapshot of the site's sources (mkdocs.yml, docs/, gen/, overrides/) copied at the
start, so edits to the working tree during the run neither trigger rebuilds nor change what is measured.

Not a test: it prints a table and a summary for bench/README.md (and writes them as JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: the /proc walk, the snapshot, `suanli serve` save by save

from support import Preview, retitled, snapshot  # noqa: E402

SUANLI = [sys.executable, "-m", "suanli.cli"]


def run(weeks: int, saves: int, rev: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="suanli-preview-") as temp:
        data = Path(temp) / "data"
        subprocess.run([*SUANLI, "demo", str(data), "--weeks", str(weeks)], cwd=REPO, check=True, capture_output=True)
        issue_yaml = max((data / "issues").iterdir()) / "issue.yaml"
        original = issue_yaml.read_text(encoding="utf-8")
        repo = snapshot(Path(temp) / "repo", rev)  # rev: an earlier commit's sources, to compare in one run
        env = {
            **os.environ,
            "SUANLI_DATA": str(data),
            "SUANLI_CACHE": str(Path(temp) / "cache"),
            "PYTHONPATH": str(repo / "gen"),
        }  # the snapshot's package, not the editable install's
        with Preview(repo, env, Path(temp) / "serve.log", start_timeout=600) as server:
            time.sleep(1)
            start_mb = server.rss_mb()
            rows = []
            for number in range(1, saves + 1):
                # what an author's save looks like to the watcher: the file rewritten, with a changed title
                rebuild_s = server.save(issue_yaml, retitled(original, number))
                time.sleep(0.5)  # let the server settle before reading its memory
                rows.append({"save": number, "rebuild_s": round(rebuild_s, 2), "rss_mb": round(server.rss_mb(), 1)})
                print(
                    f"save {number:3d}: rebuild {rows[-1]['rebuild_s']:6.2f} s, {rows[-1]['rss_mb']:7.1f} MB",
                    flush=True,
                )
            stopped = server.stop()
    first, last = rows[: min(5, len(rows))], rows[-min(5, len(rows)) :]
    return {
        "weeks": weeks,
        "saves": saves,
        "first_build_s": round(server.first_build_s, 1),
        "start_rss_mb": round(start_mb, 1),
        "rss_after_first_save_mb": rows[0]["rss_mb"],
        "rss_after_last_save_mb": rows[-1]["rss_mb"],
        "rss_max_mb": max(r["rss_mb"] for r in rows),
        "growth_over_saves_mb": round(rows[-1]["rss_mb"] - rows[0]["rss_mb"], 1),
        "rebuild_first5_median_s": statistics.median(r["rebuild_s"] for r in first),
        "rebuild_last5_median_s": statistics.median(r["rebuild_s"] for r in last),
        "sigterm_exit_s": round(stopped["exit_s"], 2),
        "processes_left": stopped["left"],
        "port_freed": stopped["port_freed"],
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--rev", help="measure this git revision's sources instead of the working tree's")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    result = run(args.weeks, args.saves, args.rev)
    summary = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

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
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUANLI = [sys.executable, "-m", "suanli.cli"]


def tree(pid: int) -> list[int]:
    """`pid` and its live descendants, from /proc's parent links."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    return found


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
        return True


def wait_for_reloads(log: Path, count: int, timeout: float) -> float:
    """Wait until the server has logged `count` 'Reloading browsers' lines; returns when it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if text.count("Reloading browsers") >= count:
            return time.monotonic()
        if "Aborted" in text or "Traceback" in text:
            raise SystemExit(f"serve failed:\n{text[-3000:]}")
        time.sleep(0.05)
    raise SystemExit(f"no rebuild within {timeout} s:\n{log.read_text(encoding='utf-8')[-3000:]}")


def machine() -> str:
    """The machine a figure was measured on (bench/run.py and bench/compare.py print it too)."""
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def run(weeks: int, saves: int, rev: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="suanli-preview-") as temp:
        data = Path(temp) / "data"
        subprocess.run([*SUANLI, "demo", str(data), "--weeks", str(weeks)], cwd=REPO, check=True, capture_output=True)
        issue_yaml = max((data / "issues").iterdir()) / "issue.yaml"
        original = issue_yaml.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", original, re.MULTILINE).group(1)
        snapshot = Path(temp) / "repo"
        if rev is None:
            for name in ("docs", "gen", "overrides"):
                shutil.copytree(REPO / name, snapshot / name, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(REPO / "mkdocs.yml", snapshot)
        else:  # an earlier commit's sources, to compare in one run
            snapshot.mkdir()
            archive = subprocess.run(
                ["git", "archive", rev, "mkdocs.yml", "docs", "gen", "overrides"],
                cwd=REPO,
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
            (snapshot / "data").mkdir()  # earlier mkdocs.yml files name data/ under watch:
        port = free_port()
        log = Path(temp) / "serve.log"
        env = {
            **os.environ,
            "SUANLI_DATA": str(data),
            "SUANLI_CACHE": str(Path(temp) / "cache"),
            "PYTHONPATH": str(snapshot / "gen"),
        }  # the snapshot's package, not the editable install's
        with log.open("w", encoding="utf-8") as out:
            server = subprocess.Popen(
                [*SUANLI, "serve", "--port", str(port)], cwd=snapshot, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        processes: list[int] = []
        try:
            started = time.monotonic()
            wait_for_reloads(log, 0, 5)
            while "Serving on" not in log.read_text(encoding="utf-8"):
                if server.poll() is not None or time.monotonic() - started > 600:
                    raise SystemExit(log.read_text(encoding="utf-8"))
                time.sleep(0.1)
            first_build = time.monotonic() - started
            time.sleep(1)
            start_mb = rss_mb(tree(server.pid))
            rows = []
            for number in range(1, saves + 1):
                # what an author's save looks like to the watcher: the file rewritten, with a changed title
                issue_yaml.write_text(
                    original.replace(f"title: {title}", f"title: {title}（第{number}稿）", 1), encoding="utf-8"
                )
                saved = time.monotonic()
                reloaded = wait_for_reloads(log, number, 900)
                time.sleep(0.5)  # let the server settle before reading its memory
                rows.append(
                    {
                        "save": number,
                        "rebuild_s": round(reloaded - saved, 2),
                        "rss_mb": round(rss_mb(tree(server.pid)), 1),
                    }
                )
                print(
                    f"save {number:3d}: rebuild {rows[-1]['rebuild_s']:6.2f} s, {rows[-1]['rss_mb']:7.1f} MB",
                    flush=True,
                )
            processes = tree(server.pid)
            stop_begun = time.monotonic()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            stopped_s = time.monotonic() - stop_begun
            survivors = [pid for pid in processes if Path(f"/proc/{pid}").exists()]
            freed = port_is_free(port)
        finally:  # whatever the code measured leaves behind (an earlier commit's serve left a child) goes too
            for pid in set(tree(server.pid)[1:]) | set(processes[1:]):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if server.poll() is None:
                server.kill()
                server.wait()
    first, last = rows[: min(5, len(rows))], rows[-min(5, len(rows)) :]
    return {
        "weeks": weeks,
        "saves": saves,
        "first_build_s": round(first_build, 1),
        "start_rss_mb": round(start_mb, 1),
        "rss_after_first_save_mb": rows[0]["rss_mb"],
        "rss_after_last_save_mb": rows[-1]["rss_mb"],
        "rss_max_mb": max(r["rss_mb"] for r in rows),
        "growth_over_saves_mb": round(rows[-1]["rss_mb"] - rows[0]["rss_mb"], 1),
        "rebuild_first5_median_s": statistics.median(r["rebuild_s"] for r in first),
        "rebuild_last5_median_s": statistics.median(r["rebuild_s"] for r in last),
        "sigterm_exit_s": round(stopped_s, 2),
        "processes_left": len(survivors),
        "port_freed": freed,
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

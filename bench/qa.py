"""What `suanli qa` costs at archive scale, against a clean build of the same archive.

    .venv/bin/python bench/qa.py [--sizes 52 260 520] [--repeat 3]

For each size it writes a demo archive (示例数据, with its closes) and measures, best of `--repeat`:
- `suanli qa DIR` as a command in a fresh process (loading and validating the folder, every rule);
- the rules alone, in this process, on the loaded dataset (what grows with the archive);
- one clean build in a fresh process (no cached site result; the share cards drawn by a build before it,
  as the deploy keeps them), the reference of the ≤ 10 % target.

Not a test: it prints a table for bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "gen"))
sys.path.insert(0, str(REPO / "tests"))  # tests/support.py: the machine

from suanli.authoring.demo import write_demo  # noqa: E402
from suanli.errors import Collector  # noqa: E402
from suanli.load.dataset import load_dataset  # noqa: E402
from suanli.qa.rules import check  # noqa: E402
from suanli.site.card_cache import FOLDER  # noqa: E402
from support import machine  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr[-3000:])
    return time.perf_counter() - started


def run(weeks: int, work: Path, repeat: int) -> dict[str, float]:
    data = work / f"data-{weeks}"
    write_demo(data, weeks=weeks)
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": "off"}
    qa = min(timed([sys.executable, "-m", "suanli.cli", "qa", str(data)], env) for _ in range(repeat))
    dataset = load_dataset(data)
    rules = []
    for _ in range(repeat):
        started = time.perf_counter()
        check(dataset, data, Collector().name)
        rules.append(time.perf_counter() - started)
    # The clean build: no site result cached, the share cards kept (as deploy.yml keeps them): drawing every
    # card is a one-off of the first build (bench/cards.py), not what a build of new data costs.
    site, cache = work / f"site-{weeks}", work / f"cache-{weeks}"
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(site)]
    timed(command, {**env, "SUANLI_CACHE": str(cache)})  # draws the cards
    for entry in cache.iterdir():
        if entry.name != FOLDER:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    build = timed(command, {**env, "SUANLI_CACHE": str(cache)})
    return {"weeks": weeks, "qa_s": qa, "rules_s": min(rules), "build_s": build}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[52, 260, 520])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="suanli-qa-") as temp:
        rows = [run(weeks, Path(temp), args.repeat) for weeks in args.sizes]
    print(f"{machine()}; best of {args.repeat}\n")
    print("| weeks | `suanli qa` | rules alone | clean build | qa / build |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['weeks']} | {r['qa_s']:.2f} s | {r['rules_s']:.2f} s | {r['build_s']:.1f} s | "
            f"{r['qa_s'] / r['build_s']:.1%} |"
        )


if __name__ == "__main__":
    main()

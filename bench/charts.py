"""Measure the chart pipeline's choices: runtime bytes a reader downloads, and build cost per chart.

    .venv/bin/python bench/charts.py [VEGA_LITE_MIN_JS VEGA_EMBED_MIN_JS]

The optional files (from `npm pack vega-lite@6.4.1 vega-embed@7`) price the alternative of
compiling Vega-Lite in the browser. Not a test: prints figures for bench/README.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "gen"))
sys.path.insert(0, str(REPO / "tests"))  # tests/frames.py: the chart data as frames; tests/support.py

from frames import exhibit_frame  # noqa: E402
from suanli.authoring.demo import write_demo  # noqa: E402
from suanli.load.dataset import load_dataset  # noqa: E402
from suanli.render import charts  # noqa: E402
from suanli.render import csv_table as tables  # noqa: E402
from suanli.render.exhibit_csv import EXHIBIT_COLUMNS  # noqa: E402
from support import gzipped_size  # noqa: E402


def per_call(fn, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    vega = REPO / "docs/assets/vendor/vega.min.js"
    print(f"vega.min.js (vendored): {vega.stat().st_size / 1024:.0f} KB raw, {gzipped_size(vega) / 1024:.0f} KB gzip")
    extra = [Path(p) for p in sys.argv[1:]]
    if extra:
        total = gzipped_size(vega) + sum(gzipped_size(p) for p in extra)
        for p in extra:
            print(f"{p.name}: {p.stat().st_size / 1024:.0f} KB raw, {gzipped_size(p) / 1024:.0f} KB gzip")
        print(
            f"runtime if Vega-Lite compiled in the browser: {total / 1024:.0f} KB gzip "
            f"(+{(total - gzipped_size(vega)) / 1024:.0f} KB per cold reader)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(Path(tmp) / "d", weeks=52)
        dataset = load_dataset(Path(tmp) / "d")
    issue = dataset.latest
    start = time.perf_counter()
    for kind in charts.KINDS:
        for theme in charts.THEMES:
            charts.template(kind, theme)
    print(
        f"all {len(charts.KINDS) * len(charts.THEMES)} templates (Altair -> Vega-Lite -> Vega, once per build): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    print("per chart, 52-week demo issue:  Altair chart + to_dict  |  this site's cost (CSV of the chart data)")
    for exhibit in issue.exhibits:
        if exhibit.kind not in charts.KINDS:
            continue
        frame = exhibit_frame(issue, exhibit, dataset)
        iso = frame.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
        altair_ms = per_call(lambda kind=exhibit.kind, iso=iso: charts.CHARTS[kind](iso).to_dict())
        csv_ms = per_call(lambda frame=frame, kind=exhibit.kind: tables.chart_csv(frame, EXHIBIT_COLUMNS[kind]))
        print(
            f"  图表{exhibit.number} {exhibit.kind:<10} {len(frame):>4} rows: {altair_ms:7.1f} ms  |  {csv_ms:5.2f} ms"
        )


if __name__ == "__main__":
    main()

"""For information only: the per-agent ticket figures as one DuckDB query, against DuckDB's own read.

Not part of the targets and not a dependency of xl-kpi: run it where DuckDB is installed
(``pip install duckdb``) on the file ``bench_metrics.py`` writes, to see what an engine made for
this needs for the same work on the same machine:

    python benchmarks/compare_duckdb.py [PATH]   # default: the bench_metrics.py file in the temp folder

It prints the wall and CPU seconds of (1) reading every column (the sum of their lengths) and
(2) the figures per agent: tickets, resolved, mean response, mean satisfaction, distinct customers,
distinct complaining customers and first-contact resolutions (``lead()`` over each customer's
tickets).  The query skips ours' checks (bad rows, copies): it is a lower bound of DuckDB's time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    try:
        import duckdb
    except ImportError:
        sys.exit("DuckDB is not installed: pip install duckdb")
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "xlkpi-tickets-10000000-2000.csv"
    if not path.exists():
        sys.exit(f"{path}: not found; run benchmarks/bench_metrics.py first (it writes the file)")
    con = duckdb.connect()
    con.execute(f"SET threads={os.cpu_count() or 1}")
    src = f"read_csv('{path}', all_varchar=true, header=true)"
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = f"""SELECT 客服工号 agent, hash(客户ID) cust,
        epoch_ms(try_strptime(创建时间, '{fmt}')) c, epoch_ms(try_strptime(首次回复时间, '{fmt}')) r,
        是否解决 = '是' res, 是否投诉 = '是' comp, try_cast(满意度 AS DOUBLE) sat FROM {src}"""
    queries = {
        "read every column": f"SELECT sum(length(工单编号) + length(客服工号) + length(客户ID) + length(创建时间) "
                             f"+ length(coalesce(首次回复时间, '')) + length(是否解决) + length(是否投诉) "
                             f"+ length(coalesce(满意度, ''))) FROM {src}",
        "figures per agent": f"""WITH t AS ({rows}), w AS (SELECT *, lead(c) OVER (PARTITION BY cust ORDER BY c) nxt FROM t)
            SELECT agent, count(*), sum(res::INT), avg(r - c), avg(sat), count(DISTINCT cust),
                   count(DISTINCT cust) FILTER (comp),
                   count(*) FILTER (res AND (nxt IS NULL OR nxt - c > 7 * 86400000)) FROM w GROUP BY agent""",
    }
    print(f"duckdb {duckdb.__version__}, {os.cpu_count()} threads, {path}")
    walls = {}
    for label, sql in queries.items():
        best = None
        for _ in range(2):
            t0, c0 = time.perf_counter(), time.process_time()
            con.execute(sql).fetchall()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            best = (wall, cpu) if best is None or wall < best[0] else best
        walls[label] = best[0]
        print(f"{label:20s} {best[0]:6.2f} s wall  {best[1]:6.2f} s CPU")
    print(f"figures / read = {walls['figures per agent'] / walls['read every column']:.2f}x")


if __name__ == "__main__":
    main()

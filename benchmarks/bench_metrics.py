"""Benchmark of `xl-kpi metrics` on a synthetic month of helpdesk tickets.

    python benchmarks/bench_metrics.py                 # 10,000,000 tickets, 2,000 agents
    python benchmarks/bench_metrics.py --rows 1000000  # smaller

The ticket export (CSV, headers as a Chinese helpdesk writes them) is generated once by
Polars itself and cached in the work folder (default: the system temp folder).  Each
contender runs in its own process, so that its peak memory is its own:

  read      Polars reads every column of the file as text (pl.read_csv): the floor;
  ours      xl_kpi.tickets.compute_metrics + write_metrics, end to end (DATA.xlsx written);
  baseline  a straightforward pandas program: read_csv, then groupby('agent').apply(a
            per-agent function computing the same figures).

The figures of ours and the baseline are compared agent by agent (they must agree), and
the targets of the issue are checked: ours at least 10x faster than the baseline, within
2x of the read, peak memory under 4 GB.  Wall seconds are the best of --repeat runs; CPU
seconds (all threads) are shown too, since a busy machine stretches wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PERIOD = "2026-10"
HEADERS = ["工单编号", "客服工号", "客户ID", "创建时间", "首次回复时间", "是否解决", "是否投诉", "满意度"]
TARGET_SPEEDUP, TARGET_READ_RATIO, TARGET_MEMORY_GB = 10.0, 2.0, 4.0


# --------------------------------------------------------------------------- data


def generate(path: Path, rows: int, agents: int) -> None:
    """A month of tickets, with a few of every kind of bad row (about 3 in 10,000)."""
    import polars as pl

    i = pl.int_range(rows, dtype=pl.UInt64)

    def draw(seed: int, modulo: int) -> pl.Expr:
        return (i.hash(seed) % modulo).cast(pl.Int64)

    base = 1_790_812_800  # 2026-10-01 00:00:00 UTC, written as naive local time
    in_november = draw(10, 100) == 0  # 1% early next month: outside the period, seen by repeat contacts
    created = base + pl.when(in_november).then(31 * 86400 + draw(3, 3 * 86400)).otherwise(draw(3, 31 * 86400))
    wait = draw(4, 600) + pl.when(draw(5, 100) < 10).then(draw(6, 3000)).otherwise(0)
    bad = draw(13, 100_000)
    stamp = "%Y-%m-%d %H:%M:%S"
    created_text = pl.from_epoch(created, time_unit="s").dt.strftime(stamp)
    reply_s = pl.when(bad.is_between(10, 19)).then(created - 60).otherwise(created + wait)
    frame = pl.select(
        pl.when(bad.is_between(20, 24)).then(pl.format("T{}", i.cast(pl.Int64) - 1)).otherwise(pl.format("T{}", i))
        .alias(HEADERS[0]),
        pl.when(bad.is_between(25, 29)).then(None).otherwise(pl.format("K{}", 10000 + draw(1, agents))).alias(HEADERS[1]),
        pl.format("C{}", draw(2, max(rows * 2 // 5, 1))).alias(HEADERS[2]),
        pl.when(bad < 10).then(pl.lit("N/A")).otherwise(created_text).alias(HEADERS[3]),
        pl.when(draw(7, 100) < 3).then(None).otherwise(pl.from_epoch(reply_s, time_unit="s").dt.strftime(stamp))
        .alias(HEADERS[4]),
        pl.when(draw(8, 100) < 88).then(pl.lit("是")).otherwise(pl.lit("否")).alias(HEADERS[5]),
        pl.when(draw(9, 1000) < 3).then(pl.lit("是")).otherwise(pl.lit("否")).alias(HEADERS[6]),
        pl.when(draw(11, 100) < 30).then((1 + draw(12, 5)).cast(pl.String)).otherwise(None).alias(HEADERS[7]),
    )
    tmp = path.with_suffix(".part")
    frame.write_csv(tmp)
    tmp.replace(path)


def data_file(workdir: Path, rows: int, agents: int) -> Path:
    path = workdir / f"xlkpi-tickets-{rows}-{agents}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        print(f"generating {rows:,} tickets for {agents:,} agents -> {path} ...", flush=True)
        generate(path, rows, agents)
        print(f"  generated in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    return path


# --------------------------------------------------------------------------- contenders


def run_read(path: Path) -> dict:
    import polars as pl

    frame = pl.read_csv(path, infer_schema=False)
    return {"rows": frame.height}


def run_ours(path: Path) -> dict:
    from xl_kpi.tickets import compute_metrics, write_metrics

    result = compute_metrics([path], PERIOD, satisfaction_scale=5)
    with tempfile.TemporaryDirectory() as tmp:
        write_metrics(result, Path(tmp) / "DATA.xlsx")
    return {"rows": result.rows_read, "problems": result.problem_count, "agents": _ours_figures(result)}


def _ours_figures(result) -> dict:
    out = {}
    for rec in result.records():
        out[rec["工号"]] = {
            "served": rec["服务客户数"], "complained": rec["投诉客户数"], "raised": rec["问题总数"],
            "resolved": rec["已解决数"], "fcr": rec["首次解决数"], "response": rec["平均响应时间"],
            "satisfaction": rec["客户满意度"],
        }
    return out


def run_baseline(path: Path) -> dict:
    """The straightforward pandas program: read_csv, flag bad rows, groupby('agent').apply."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str)
    df.columns = ["ticket", "agent", "customer", "created", "reply", "resolved", "complaint", "satisfaction"]
    df["created_t"] = pd.to_datetime(df["created"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    df["reply_t"] = pd.to_datetime(df["reply"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    bad = (df["created_t"].isna() | df["agent"].isna() | df["customer"].isna()
           | (df["reply"].notna() & df["reply_t"].isna()) | (df["reply_t"] < df["created_t"]))
    good = df[~bad]
    good = good[~good["ticket"].duplicated()].assign(counted=True)
    # reported rows whose customer and time can be read are still that customer's contacts, unless they are
    # the same ticket again (an id already counted, or seen on an earlier reported row)
    other = df[bad & df["created_t"].notna() & df["customer"].notna()]
    other = other[~other["ticket"].isin(good["ticket"]) & ~other["ticket"].duplicated()].assign(counted=False)
    # repeat contact: another ticket of the same customer within 7 days after (or in the same second)
    contacts = pd.concat([good, other]).sort_values(["customer", "created_t"], kind="stable")
    seconds = contacts["created_t"].astype("datetime64[s]").astype("int64")
    by_customer = seconds.groupby(contacts["customer"])
    contacts = contacts.assign(again=((by_customer.shift(-1) - seconds) <= 7 * 86400) | (by_customer.shift(1) == seconds))
    good = contacts[contacts["counted"]]
    month = good[(good["created_t"] >= "2026-10-01") & (good["created_t"] < "2026-11-01")]

    def per_agent(g: pd.DataFrame) -> pd.Series:
        resolved = g["resolved"] == "是"
        wait = (g["reply_t"] - g["created_t"]).dt.total_seconds()
        return pd.Series({
            "served": g["customer"].nunique(),
            "complained": g.loc[g["complaint"] == "是", "customer"].nunique(),
            "raised": len(g),
            "resolved": int(resolved.sum()),
            "fcr": int((resolved & ~g["again"]).sum()),
            "response": wait.mean() / 60,
            "satisfaction": pd.to_numeric(g["satisfaction"]).mean() * 20,
        })

    table = month.groupby("agent").apply(per_agent)
    return {"rows": len(df), "agents": {agent: row.to_dict() for agent, row in table.iterrows()}}


CONTENDERS = {"read": run_read, "ours": run_ours, "baseline": run_baseline}


def child(name: str, path: Path) -> None:
    import pandas  # noqa: F401
    import polars  # noqa: F401 - imported before the clock starts, as for every contender

    c0, t0 = time.process_time(), time.perf_counter()
    result = CONTENDERS[name](path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kB
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, **result}, default=float))


def measure(name: str, path: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--_child", name, "--_file", str(path)],
                             check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["wall"])
    best["peak"] = max(r["peak"] for r in runs)
    return best


# --------------------------------------------------------------------------- report


def compare(ours: dict, base: dict) -> list[str]:
    """Differences between the two programs' figures (none expected)."""
    diffs = []
    if set(ours) != set(base):
        diffs.append(f"agents differ: {len(set(ours) ^ set(base))}")
    for agent in sorted(set(ours) & set(base)):
        for key, value in ours[agent].items():
            other = base[agent][key]
            if value is None and other != other:  # NaN: nothing to average
                continue
            if value is None or abs(float(value) - float(other)) > 1e-9 * max(1.0, abs(float(other))):
                diffs.append(f"{agent} {key}: ours {value}, baseline {other}")
    return diffs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of read and ours (best wall time is kept)")
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--_child")
    parser.add_argument("--_file", type=Path)
    args = parser.parse_args()
    if args._child:
        child(args._child, args._file)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = data_file(args.workdir, args.rows, args.agents)
    import numpy
    import polars
    from _common import git_state, load

    print(f"machine: {os.cpu_count()} CPUs, {load()}; polars {polars.__version__}, numpy {numpy.__version__}; "
          f"{git_state()}", flush=True)
    read = measure("read", path, args.repeat)
    print(f"read      {read['wall']:7.2f} s wall {read['cpu']:7.2f} s CPU  {read['peak'] / 1e9:5.2f} GB", flush=True)
    ours = measure("ours", path, args.repeat)
    print(f"ours      {ours['wall']:7.2f} s wall {ours['cpu']:7.2f} s CPU  {ours['peak'] / 1e9:5.2f} GB"
          f"  ({ours['problems']} rows reported)", flush=True)
    base = measure("baseline", path, args.baseline_repeat)
    print(f"baseline  {base['wall']:7.2f} s wall {base['cpu']:7.2f} s CPU  {base['peak'] / 1e9:5.2f} GB", flush=True)
    diffs = compare(ours["agents"], base["agents"])
    speedup, ratio, memory = base["wall"] / ours["wall"], ours["wall"] / read["wall"], ours["peak"] / 1e9
    print()
    print(f"rows {args.rows:,}, agents {args.agents:,}; figures of ours and baseline "
          + ("agree for every agent" if not diffs else f"DIFFER ({len(diffs)}): " + "; ".join(diffs[:5])))
    print(f"baseline / ours = {speedup:5.1f}x   (target >= {TARGET_SPEEDUP:g}x)  {'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}")
    print(f"ours / read     = {ratio:5.2f}x   (target <= {TARGET_READ_RATIO:g}x)  {'met' if ratio <= TARGET_READ_RATIO else 'NOT met'}")
    print(f"ours peak memory = {memory:4.2f} GB (target < {TARGET_MEMORY_GB:g} GB)  {'met' if memory < TARGET_MEMORY_GB else 'NOT met'}")
    print(f"CPU seconds: baseline / ours = {base['cpu'] / ours['cpu']:.1f}x, ours / read = {ours['cpu'] / read['cpu']:.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark: consolidating N filled assessment sheets (default 1,000 people in 10 departments).

Prepare (not timed): generate the department workbooks (scheme cs-quant) and fill every
person's input cells with valid values through xl_kpi.excel.fill.fill_workbook.

Ours:      xl_kpi.workflow.consolidate.consolidate([dir])   -- read every file, recompute every score
           xl_kpi.workflow.summary.write_summary(result, out) -- write the summary workbook
           (timed separately and together)
Baseline:  pandas.read_excel(path, sheet_name=None) for every file -- the straightforward way
           to read everything (with pandas' current default engine for .xlsx, openpyxl,
           passed explicitly).  It only reads;
           it computes and writes nothing.

Target: consolidation at least 5x faster than the pandas.read_excel baseline
(judged on consolidate + write_summary together; consolidate alone is printed too).
Peak memory of ours (and of the baseline) is measured in separate fresh child processes
(peak RSS of the run via Linux VmHWM, and tracemalloc's peak of Python allocations in
another child), so it is not mixed with the preparation or with the other contender.

    python benchmarks/bench_consolidate.py [--people 1000] [--repeat 1] [--workdir DIR]
                                           [--extra] [--profile] [--no-memory]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEPARTMENTS,
    PERIOD,
    Timing,
    best,
    best_cpu,
    current_rss_mb,
    eprint,
    fmt_times,
    git_state,
    load,
    pair_ratios,
    peak_rss_mb,
    print_header,
    profile,
    reset_peak_rss,
    table,
    timed,
    write_roster,
)

SCHEME = "cs-quant"
TARGET_RATIO = 5.0

# Valid values for every input of cs-quant (the documents' worked example):
# 14 + 16 + 15 + 14 + 10 + 8 + 4 + 5 = 86 points; bonus 1000 x 86% = 860.
VALUES = {
    ("complaint_rate", "complaint_rate", ""): 0.003,
    ("satisfaction", "satisfaction", ""): 89.5,
    ("response_time", "response_time", ""): 10,
    ("resolution_rate", "resolution_rate", ""): 0.985,
    ("knowledge_test", "knowledge_test", ""): 90,
    ("skill_application", "skill_application", ""): 8,
    ("collaboration", "collaboration", ""): 4,
    ("info_sharing", "info_sharing", ""): 5,
    "pay|bonus_base": 1000,
}
EXPECTED_TOTAL = Decimal(86)
EXPECTED_BONUS = Decimal(860)


# --------------------------------------------------------------------------- preparation


def prepare(work: Path, people: int, departments: int) -> Path:
    """Generated + filled workbooks in work/filled (reused if a previous run left the same set,
    made by the same code as far as git can tell)."""
    from xl_kpi.excel.fill import fill_workbook
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.generate import generate

    filled = work / "filled"
    marker = work / "prepared.json"
    want = {"people": people, "departments": departments, "scheme": SCHEME, "code": git_state()}
    if marker.exists() and json.loads(marker.read_text()) == want and filled.is_dir():
        eprint(f"reusing prepared workbooks in {filled}")
        return filled
    shutil.rmtree(work / "generated", ignore_errors=True)
    shutil.rmtree(filled, ignore_errors=True)
    marker.unlink(missing_ok=True)
    scheme, text = get_scheme_with_text(SCHEME)
    roster = write_roster(work / "roster.csv", people, departments)
    t0 = time.perf_counter()
    result = generate(scheme, text, roster, PERIOD, work / "generated")
    assert result.people == people and not result.problems, result.problems[:3]
    t1 = time.perf_counter()
    values = {f"E{i:05d}": VALUES for i in range(people)}
    written = sum(fill_workbook(f, filled / f.name, values) for f in result.files)
    assert written == people * len(VALUES), written
    t2 = time.perf_counter()
    eprint(f"prepared {len(result.files)} workbooks, {people} people, {written} input cells "
           f"(generate {t1 - t0:.1f} s, fill {t2 - t1:.1f} s) in {filled}")
    marker.write_text(json.dumps(want))
    return filled


# --------------------------------------------------------------------------- the contenders


def ours_consolidate(folder: Path):
    from xl_kpi.workflow.consolidate import consolidate

    return consolidate([folder])


def ours_summary(result, out: Path) -> None:
    from xl_kpi.workflow.summary import write_summary

    write_summary(result, out, keep_backup=False)


def baseline_pandas(files: list[Path], engine: str = "openpyxl") -> int:
    """pandas.read_excel(path, sheet_name=None) for every file; returns the number of sheets read.

    engine="openpyxl" is pandas' current default for .xlsx, spelled out because pandas announces
    (Pandas4Warning) that the default will become calamine, which would change the baseline.
    """
    import pandas as pd

    sheets = 0
    for path in files:
        frames = pd.read_excel(path, sheet_name=None, engine=engine)
        sheets += len(frames)
    return sheets


def check(result, people: int, files: int) -> None:
    """Ours must have read everything and agree with the documents' numbers, with no issues."""
    assert result.files_read == files and result.files_failed == 0, (result.files_read, result.files_failed)
    assert len(result.people) == people, len(result.people)
    assert not result.issues, [i.message for i in result.issues[:5]]
    for p in result.people:
        assert p.score.total == EXPECTED_TOTAL, (p.sheet, p.score.total)
        assert p.pay.get("绩效奖金") == EXPECTED_BONUS, (p.sheet, p.pay)


# --------------------------------------------------------------------------- memory (child processes)


def _maxrss_mb() -> float:
    """Whole-process peak; on Linux ru_maxrss may still carry the parent's peak from before exec."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(kind: str, folder: Path, out: Path, trace: bool) -> None:
    """Run one contender once in this fresh process and print its memory as JSON.

    Only the contender's own modules are imported (ours does not need pandas).  The peak RSS
    of the run alone is VmHWM after resetting it just before the run (Linux); where that is not
    possible, ru_maxrss of the whole process is reported instead.
    """
    import gc
    import tracemalloc

    if kind == "ours":
        from openpyxl import Workbook  # noqa: F401
        from python_calamine import CalamineWorkbook  # noqa: F401

        import xl_kpi.workflow.consolidate  # noqa: F401
        import xl_kpi.workflow.summary  # noqa: F401
    else:
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401
    files = sorted(folder.glob("*.xlsx"))
    gc.collect()
    before = current_rss_mb()
    reset = reset_peak_rss()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    if kind == "ours":
        ours_summary(ours_consolidate(folder), out)
    else:
        baseline_pandas(files)
    seconds = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    peak = peak_rss_mb() if reset else _maxrss_mb()  # fallback: whole-process peak (imports included)
    print(json.dumps({"rss_before_mb": before, "run_peak_rss_mb": peak, "traced_peak_mb": traced, "seconds": seconds}))


def measure_memory(kind: str, folder: Path, out: Path, trace: bool) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", kind, "--_folder", str(folder), "--_out", str(out)]
    if trace:
        cmd.append("--_trace")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1000, help="people (default 1000)")
    ap.add_argument("--repeat", type=int, default=1, help="repetitions; the best is reported (default 1)")
    ap.add_argument("--departments", type=int, default=DEPARTMENTS, help=f"departments (default {DEPARTMENTS})")
    ap.add_argument("--workdir", type=Path, help="keep the prepared workbooks here and reuse them on the next run")
    ap.add_argument("--extra", action="store_true",
                    help="also time pandas.read_excel with engine='calamine' (informational, not the target baseline)")
    ap.add_argument("--profile", action="store_true",
                    help="after timing, cProfile one run of ours (consolidate + write_summary, top 25 by cumulative time)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory child processes")
    ap.add_argument("--_child", choices=("ours", "pandas"), help=argparse.SUPPRESS)
    ap.add_argument("--_folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        child(args._child, args._folder, args._out, args._trace)
        return 0

    import pandas  # noqa: F401  (import cost not timed)

    import xl_kpi.workflow.consolidate  # noqa: F401
    import xl_kpi.workflow.summary  # noqa: F401

    load_before = load()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="xlkpi-bench-consolidate-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        folder = prepare(work, args.people, args.departments)
        files = sorted(folder.glob("*.xlsx"))
        out_dir = work / "out"
        out_dir.mkdir(exist_ok=True)

        keys = ["cons", "summ", "both", "base"] + (["cal"] if args.extra else [])
        times: dict[str, list[Timing]] = {k: [] for k in keys}
        sheets = 0
        for i in range(args.repeat):  # interleaved, so both contenders see the same machine state
            eprint(f"[{i + 1}/{args.repeat}] ours: consolidate ...")
            tc, result = timed(lambda: ours_consolidate(folder))
            check(result, args.people, len(files))
            out = out_dir / f"汇总-{i}.xlsx"
            out.unlink(missing_ok=True)
            eprint(f"    {tc.wall:.2f} s (CPU/wall {tc.cpu_share:.2f}); write_summary ...")
            ts, _ = timed(lambda: ours_summary(result, out))
            eprint(f"    {ts.wall:.2f} s (CPU/wall {ts.cpu_share:.2f})")
            times["cons"].append(tc)
            times["summ"].append(ts)
            times["both"].append(Timing(tc.wall + ts.wall, tc.cpu + ts.cpu))
            del result
            eprint(f"[{i + 1}/{args.repeat}] baseline: pandas.read_excel(sheet_name=None) x {len(files)} files ...")
            tb, sheets = timed(lambda: baseline_pandas(files))
            times["base"].append(tb)
            eprint(f"    {tb.wall:.2f} s (CPU/wall {tb.cpu_share:.2f}; {sheets} sheets)")
            if args.extra:
                eprint(f"[{i + 1}/{args.repeat}] (info) pandas.read_excel(engine='calamine') ...")
                tk, _ = timed(lambda: baseline_pandas(files, engine="calamine"))
                times["cal"].append(tk)
                eprint(f"    {tk.wall:.2f} s (CPU/wall {tk.cpu_share:.2f})")

        memory = {}
        if not args.no_memory:
            eprint("peak memory: ours (RSS, then tracemalloc) and pandas (RSS), each in a fresh process ...")
            memory["ours"] = measure_memory("ours", folder, out_dir / "汇总-mem.xlsx", trace=False)
            memory["ours_traced"] = measure_memory("ours", folder, out_dir / "汇总-mem2.xlsx", trace=True)
            memory["pandas"] = measure_memory("pandas", folder, out_dir / "unused.xlsx", trace=False)

        b = {k: best(v) for k, v in times.items()}
        base = b["base"].wall
        names = {
            "cons": "ours: consolidate",
            "summ": "ours: write_summary",
            "both": "ours: consolidate + write_summary",
            "base": "baseline: pandas.read_excel (openpyxl)",
            "cal": "(info) pandas.read_excel (calamine)",
        }
        rows = []
        for k in keys:
            t = b[k]
            ratio = "" if k == "summ" else f"{base / t.wall:.2f}x"
            rate = "" if k == "summ" else f"{args.people / t.wall:.0f}"
            rows.append((names[k], f"{t.wall:.2f}", rate, ratio, f"{t.cpu_share:.2f}", fmt_times(times[k])))
        # consolidate + write_summary: best of the per-repetition sums (not the sum of two bests)

        size_mb = sum(f.stat().st_size for f in files) / 1e6
        print_header(f"bench_consolidate: {args.people} people in {len(files)} files ({size_mb:.1f} MB, {sheets} sheets), "
                     f"scheme {SCHEME}, best of {args.repeat}", load_before)
        print(table(rows, ("variant", "seconds", "people/s", "baseline/this", "CPU/wall", "all runs (s)")))
        print()
        both, cons = b["both"].wall, b["cons"].wall
        print(f"ratio baseline/ours (consolidate + write_summary): {base / both:.2f}x")
        print(f"ratio baseline/ours (consolidate alone):           {base / cons:.2f}x")
        print(f"ratio within each repetition (consolidate + write_summary): {pair_ratios(times['base'], times['both'])}")
        cpu = best_cpu(times)
        print(f"same ratios on CPU seconds (best of each; less disturbed by other processes): "
              f"{cpu['base'] / cpu['both']:.2f}x with the summary, {cpu['base'] / cpu['cons']:.2f}x consolidate alone")
        verdict = "MET" if base / both >= TARGET_RATIO else "MISSED"
        if args.people < 1000:  # per-file costs weigh more in small runs
            verdict = f"NOT JUDGED (the target is for 1,000 sheets; run with --people 1000; here it would be {verdict})"
        print(f"target 'consolidation at least 5x faster than the pandas.read_excel baseline': {verdict} "
              f"({base / both:.2f}x with the summary, {base / cons:.2f}x for consolidate alone; "
              f"5x needs ours <= {base / TARGET_RATIO:.2f} s)")
        if memory:
            o, ot, pd_ = memory["ours"], memory["ours_traced"], memory["pandas"]
            print()
            def mem_row(name: str, m: dict, traced: dict | None) -> tuple[str, ...]:
                peak = m["run_peak_rss_mb"]
                return (name, f"{m['rss_before_mb']:.0f}" if m["rss_before_mb"] else "?",
                        f"{peak:.0f}" if peak else "?", f"{peak - m['rss_before_mb']:.0f}" if peak else "?",
                        f"{traced['traced_peak_mb']:.1f}" if traced else "")

            print(table([mem_row("ours: consolidate + write_summary", o, ot), mem_row("baseline: pandas.read_excel", pd_, None)],
                        ("memory (fresh process each)", "RSS before run", "peak RSS in run", "growth", "tracemalloc peak")))
            print("(MB.  Each contender runs once in its own process, importing only its own modules.  'peak RSS in run' "
                  "= Linux VmHWM, reset just before the run, so it counts the interpreter and imports but not their "
                  "transient import-time peak; tracemalloc peak = Python allocations during the run, from a separate "
                  "run of ours)")

        if args.profile:
            print()
            print("cProfile of one run of ours (consolidate + write_summary; top 25 by cumulative time; "
                  "cProfile itself slows the run 2-3x):")
            out = out_dir / "汇总-profile.xlsx"
            out.unlink(missing_ok=True)
            print(profile(lambda: ours_summary(ours_consolidate(folder), out)))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

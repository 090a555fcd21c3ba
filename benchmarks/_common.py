"""Shared helpers for the benchmark scripts (not part of the package).

Synthetic roster, timing (best of R), a plain-text table and an optional
cProfile dump.  Nothing here asserts on timings: the scripts print figures.
"""

from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEPARTMENTS = 10
PERIOD = "2026-10"


def write_roster(path: Path, people: int, departments: int = DEPARTMENTS) -> Path:
    """A roster CSV: `people` rows spread round-robin over `departments` departments."""
    lines = ["工号,姓名,部门,岗位,直属主管"]
    for i in range(people):
        d = i % departments
        lines.append(f"E{i:05d},员工{i:05d},客服{d + 1:02d}部,客服专员,主管{d + 1:02d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Timing:
    """Wall-clock and CPU seconds of one call.  The contenders are single-threaded, so CPU/wall
    well below 1 means this process waited: for the disk, or for CPUs taken by other processes."""

    wall: float
    cpu: float

    @property
    def cpu_share(self) -> float:
        return self.cpu / self.wall if self.wall else 1.0


def timed(run: Callable[[], Any]) -> tuple[Timing, Any]:
    """(Timing, result) of one call; do any setup before, outside `run`."""
    c0, t0 = time.process_time(), time.perf_counter()
    result = run()
    return Timing(time.perf_counter() - t0, time.process_time() - c0), result


def best(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.wall)


def profile(func: Callable[[], Any], top: int = 25, sort: str = "cumulative") -> str:
    prof = cProfile.Profile()
    prof.enable()
    func()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


def machine() -> str:
    import openpyxl
    import pandas

    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs; openpyxl {openpyxl.__version__}, pandas {pandas.__version__}")


def load() -> str:
    """1/5/15-minute load averages, with a warning when other work competes for the CPUs."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux/macOS
        return "load average: unknown"
    text = f"load average {one:.2f} / {five:.2f} / {fifteen:.2f}"
    if one > 0.5 * (os.cpu_count() or 1):
        text += "  (WARNING: other processes are busy; timings are noisy, prefer --repeat 3 or more)"
    return text


def git_state() -> str:
    """The commit measured and whether the package had uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "xl_kpi"],
                               capture_output=True, text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "git: unknown"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"git {head}" + (f" + uncommitted changes in {', '.join(changed)}" if changed else " (clean xl_kpi/)")


def _proc_status(field: str) -> float | None:
    """A memory figure from Linux /proc/self/status (VmRSS, VmHWM), in MB; None elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def current_rss_mb() -> float | None:
    return _proc_status("VmRSS")


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    return _proc_status("VmHWM")


def table(rows: list[tuple[str, ...]], headers: tuple[str, ...]) -> str:
    """A plain aligned text table (no dependencies, copy-pasteable into Markdown)."""
    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: tuple[str, ...]) -> str:
        return "| " + " | ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def fmt_times(times: list[Timing]) -> str:
    return ", ".join(f"{t.wall:.2f}" for t in times)


def print_header(title: str, load_before: str) -> None:
    """The report's first lines: what was measured, on what machine and commit, under what load."""
    print()
    print(title)
    print(machine())
    print(git_state())
    print(f"before: {load_before}")
    print(f"after:  {load()}")
    print()


def pair_ratios(base: list[Timing], ours: list[Timing]) -> str:
    """baseline/ours within each repetition (the two ran back to back, under the same load)."""
    return ", ".join(f"{b.wall / o.wall:.2f}x" for b, o in zip(base, ours))


def best_cpu(times: dict[str, list[Timing]]) -> dict[str, float]:
    """The least CPU seconds of each contender (less disturbed by other processes than wall time)."""
    return {k: min(t.cpu for t in v) for k, v in times.items()}


def eprint(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)

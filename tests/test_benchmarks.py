"""The benchmark scripts still run against the code (bench_generate had stopped running when a keyword
argument was added): each on a tiny input, timing nothing. The figures themselves come from the scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script, args", [
    ("bench_generate.py", ["--people", "12", "--departments", "2"]),
    ("bench_consolidate.py", ["--people", "12", "--departments", "2", "--no-memory"]),
    ("bench_metrics.py", ["--rows", "5000"]),
])
def test_benchmark_script_runs(script, args, tmp_path):
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "ratio" in done.stdout or "baseline / ours" in done.stdout  # each prints its ratios

import builtins
import csv
from pathlib import Path

import pytest


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write rows (first row = header) to a UTF-8 CSV in tmp_path and return its path."""

    def write(name: str, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
        path = tmp_path / name
        with open(path, "w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows(rows)
        return path

    return write


import sys

sys.path.insert(0, str(Path(__file__).parent))  # test helpers: libreoffice.py, strategies.py


@pytest.fixture
def locked(monkeypatch):
    """Files named here behave as on Windows while Excel holds them open: opening them for writing fails."""
    from xl_kpi.base import files as tables  # where outputs are opened for writing

    names: set[str] = set()

    def fake_open(file, mode="r", *args, **kwargs):
        if "+" in mode and Path(file).name in names:
            raise PermissionError(13, "Permission denied")
        return builtins.open(file, mode, *args, **kwargs)

    monkeypatch.setattr(tables, "open", fake_open, raising=False)
    return names


def _under_mutmut() -> bool:
    """mutmut runs the tests against its copy of the package in mutants/."""
    import xl_kpi

    return "mutants" in Path(xl_kpi.__file__).parts


@pytest.fixture(autouse=_under_mutmut())
def _fresh_schemes_under_mutmut():
    """Built-in schemes and scheme files are parsed once (lru_cache); mutmut forks each
    mutant's run from a process that has already filled the caches, so the parsers
    (grades, pay, rules, inputs) would never run under the mutated code. Parse afresh."""
    from xl_kpi.schemes import scheme

    scheme.builtin_scheme.cache_clear()
    scheme._scheme_file.cache_clear()
    yield

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

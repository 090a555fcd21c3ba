"""The VBA project writer (xl_kpi/vba_project.py) and its compound file writer (xl_kpi/cfb.py), read back
by independent parsers: olefile for the compound file, oletools for the compression and the project."""

from __future__ import annotations

import io
import os

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kpi import cfb
from xl_kpi.errors import KpiError


def read_tree(data: bytes) -> dict:
    """Every stream of a compound file by its path, read through olefile, which refuses any incorrect structure."""
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    try:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}
    finally:
        ole.close()


def flat(tree: dict, prefix: str = "") -> dict:
    out = {}
    for name, value in tree.items():
        out.update(flat(value, f"{prefix}{name}/") if isinstance(value, dict) else {prefix + name: value})
    return out


# --------------------------------------------------------------------------- compound file


def test_a_large_stream_and_many_small_ones_read_back_exactly():
    tree = {
        "PROJECT": b"ID=\"{0}\"\r\n" * 20,
        "empty": b"",
        "VBA": {f"Module{i}": os.urandom(i * 61) for i in range(80)} | {"dir": os.urandom(4096), "x": b"y"},
        "big": os.urandom(600_000),
        "just under": os.urandom(4095),
    }
    assert read_tree(cfb.write(tree)) == flat(tree)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text("abcXYZ_0123", min_size=1, max_size=31),
                       st.one_of(st.binary(max_size=9000), st.dictionaries(st.text("pq", min_size=1, max_size=5),
                                                                           st.binary(max_size=5000), max_size=4)),
                       max_size=12))
def test_any_tree_reads_back_exactly(tree):
    assert read_tree(cfb.write(tree)) == flat(tree)


def test_siblings_are_a_search_tree_by_length_then_upper_case_name():
    """[MS-CFB] 2.6.4: a reader finds a name by walking left (smaller) and right (larger) from the child."""
    names = ["b", "A", "dir", "Zz", "aa", "PROJECT", "PROJECTwm", "c", "_VBA_PROJECT"]
    ole = olefile.OleFileIO(io.BytesIO(cfb.write({n: b"." for n in names})))
    try:
        root = ole.direntries[0]

        def in_order(sid: int) -> list[str]:
            if sid == cfb.NOSTREAM:
                return []
            entry = ole.direntries[sid]
            return in_order(entry.sid_left) + [entry.name] + in_order(entry.sid_right)

        assert in_order(root.sid_child) == sorted(names, key=lambda n: (len(n), n.upper()))
        assert in_order(root.sid_child)[:4] == ["A", "b", "c", "aa"]
    finally:
        ole.close()


def test_a_name_the_format_cannot_hold_is_refused():
    with pytest.raises(KpiError, match="不合规定"):
        cfb.write({"a/b": b""})
    with pytest.raises(KpiError, match="不合规定"):
        cfb.write({"x" * 32: b""})
    with pytest.raises(KpiError, match="只差大小写"):
        cfb.write({"VBA": {}, "vba": b""})

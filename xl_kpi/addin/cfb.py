"""A compound file writer, as [MS-CFB] describes version 3 of the format.

A compound file is a small file system inside one file: storages (folders) hold streams
(files) and other storages.  ``write`` lays a tree of them out as a version 3 file:

- 512-byte sectors after a 512-byte header (2.2), chained by the FAT (2.3);
- streams shorter than the mini stream cutoff (4096 bytes) kept in the mini stream, in
  64-byte mini sectors chained by the MiniFAT (2.4), the rest in sectors of their own;
- a directory of 128-byte entries (2.6): the Root Entry (whose stream is the mini stream),
  then each storage and stream; the children of a storage form a binary search tree
  ordered by name length, then by upper-cased name (2.6.4), all nodes black (allowed:
  readers do not rebalance, and Apache POI writes them so).

Only what a VBA project needs: no DIFAT sectors (at most 109 FAT sectors, about 7 MB),
no timestamps or class ids.  Python's standard library has no such writer, and the widely
used packages cannot write one (olefile only overwrites a stream with one of the same size,
compoundfiles only reads).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from itertools import pairwise

from xl_kpi.base.errors import KpiError

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY = 128
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
HEADER_FAT_SLOTS = 109
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1

Tree = dict[str, "bytes | Tree"]  # a storage: name -> stream bytes or a storage


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    start: int = ENDOFCHAIN
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def _sort_key(name: str) -> tuple[int, str]:
    """2.6.4: shorter names first; names of the same length compared upper-cased (exact for the
    ASCII names of a VBA project)."""
    return len(name.encode("utf-16-le")), name.upper()


def _entries(name: str, kind: int, tree: Tree) -> list[_Entry]:
    """The directory entries of a storage and everything under it, the storage first."""
    entry = _Entry(name, kind)
    out = [entry]
    names = sorted(tree, key=_sort_key)
    for before, after in pairwise(names):
        if _sort_key(before) == _sort_key(after):
            raise KpiError(f"复合文件的同一存储中有两个只差大小写的名称: {before!r}, {after!r}")
    for child_name in names:
        _check_name(child_name)
        value = tree[child_name]
        if isinstance(value, dict):
            below = _entries(child_name, STORAGE, value)
        else:
            below = [_Entry(child_name, STREAM, bytes(value))]
        entry.children.append(below[0])
        out += below
    return out


def _check_name(name: str) -> None:
    if not 0 < len(name) <= 31 or any(ch in name for ch in "/\\:!"):
        raise KpiError(f"复合文件中的名称 {name!r} 不合规定 (1 至 31 个字符, 不含 / \\ : !)")


def _link_tree(entries: list[_Entry]) -> None:
    """Each storage's children as a balanced binary search tree (2.6.4): left/right/child ids."""
    ids = {id(e): number for number, e in enumerate(entries)}

    def subtree(children: list[_Entry]) -> int:
        if not children:
            return NOSTREAM
        middle = len(children) // 2
        node = children[middle]
        node.left, node.right = subtree(children[:middle]), subtree(children[middle + 1:])
        return ids[id(node)]

    for entry in entries:
        entry.child = subtree(entry.children)


def _chain(first: int, count: int) -> list[int]:
    """FAT (or MiniFAT) entries for `count` consecutive sectors from `first` (2.3): each names the next."""
    return [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN] if count else []


def _count(size: int, unit: int) -> int:
    return -(-size // unit)


def _pad(data: bytes, unit: int, filler: bytes = b"\0") -> bytes:
    return data + filler * (-len(data) % unit // len(filler))


def _table(values: list[int]) -> bytes:
    """A FAT or MiniFAT as bytes, filled to a whole sector with FREESECT."""
    return _pad(struct.pack(f"<{len(values)}I", *values), SECTOR, struct.pack("<I", FREESECT))


def _place_mini(streams: list[_Entry]) -> tuple[bytes, list[int]]:
    """The mini stream and its MiniFAT (2.4) for the streams under the cutoff."""
    data, table = b"", []
    for entry in streams:
        count = _count(len(entry.data), MINI_SECTOR)
        if count:
            entry.start = len(table)
            table += _chain(len(table), count)
            data += _pad(entry.data, MINI_SECTOR)
    return data, table


def _directory_entry(entry: _Entry | None) -> bytes:
    """A 128-byte directory entry (2.6.1); None for an unused one."""
    if entry is None:
        return struct.pack("<64sHBBIII", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM).ljust(ENTRY, b"\0")
    name = entry.name.encode("utf-16-le") + b"\0\0"
    stream = entry.kind != STORAGE
    start = entry.start if stream else 0
    size = len(entry.data) if stream else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry.kind, BLACK, entry.left, entry.right,
                       entry.child, b"", 0, 0, 0, start, size)


def _header(fat_sectors: list[int], directory: int, minifat: int, minifat_count: int) -> bytes:
    """The 512-byte header (2.2) of a version 3 file with all its FAT sectors listed in the header's DIFAT."""
    difat = fat_sectors + [FREESECT] * (HEADER_FAT_SLOTS - len(fat_sectors))
    return struct.pack("<8s16sHHHHH6sIIIIIIIII109I", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x3E, 3, 0xFFFE,
                       9, 6, b"", 0, len(fat_sectors), directory, 0, MINI_CUTOFF, minifat, minifat_count,
                       ENDOFCHAIN, 0, *difat)


def write(tree: Tree) -> bytes:
    """The compound file holding `tree` (storage name -> dict, stream name -> bytes) under its Root Entry."""
    entries = _entries("Root Entry", ROOT, tree)
    _link_tree(entries)
    streams = [e for e in entries if e.kind == STREAM]
    small = [e for e in streams if len(e.data) < MINI_CUTOFF]
    large = [e for e in streams if len(e.data) >= MINI_CUTOFF]
    root = entries[0]
    root.data, minifat = _place_mini(small)
    body, fat = b"", []
    for entry in large + [root]:  # the mini stream is the Root Entry's stream, kept in sectors like the others
        count = _count(len(entry.data), SECTOR)
        if count:
            entry.start = len(fat)
            fat += _chain(len(fat), count)
            body += _pad(entry.data, SECTOR)
    minifat_start = len(fat) if minifat else ENDOFCHAIN
    minifat_bytes = _table(minifat) if minifat else b""
    fat += _chain(len(fat), len(minifat_bytes) // SECTOR)
    directory_start = len(fat)
    slots = entries + [None] * (-len(entries) % (SECTOR // ENTRY))
    directory = b"".join(_directory_entry(e) for e in slots)
    fat += _chain(len(fat), len(directory) // SECTOR)
    fat_count = _count(len(fat), SECTOR // 4 - 1)  # each FAT sector also lists itself
    while fat_count * (SECTOR // 4) < len(fat) + fat_count:
        fat_count += 1
    if fat_count > HEADER_FAT_SLOTS:
        raise KpiError("VBA 工程过大: 复合文件超过 109 个 FAT 扇区 (约 7 MB)")
    fat_sectors = list(range(len(fat), len(fat) + fat_count))
    fat += [FATSECT] * fat_count
    header = _header(fat_sectors, directory_start, minifat_start, len(minifat_bytes) // SECTOR)
    return header + body + minifat_bytes + directory + _table(fat)

"""The VBA project writer (xl_kpi/vba_project.py) and its compound file writer (xl_kpi/cfb.py), read back
by independent parsers: olefile for the compound file, oletools for the compression and the project."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

from xl_kpi.addin import cfb, vba, vba_project
from xl_kpi.addin.vba import Module
from xl_kpi.base.errors import KpiError

XLWINGS = Path(xlwings.__file__).parent
QUICKSTART = XLWINGS / "quickstart_addin.xlam"
XLWINGS_ADDIN = XLWINGS / "addin" / "xlwings.xlam"


def vba_bin(package: Path) -> bytes:
    with zipfile.ZipFile(package) as zf:
        return zf.read("xl/vbaProject.bin")


def project_fields(package: Path) -> dict[str, str]:
    """The first section of a PROJECT stream (2.3.1), key -> value; Document= and Module= lines kept in lists."""
    text = read_tree(vba_bin(package))["PROJECT"].decode("cp1252")
    fields: dict = {}
    for line in text.split("\r\n\r\n")[0].split("\r\n"):
        key, _, value = line.partition("=")
        if key in ("Document", "Module", "Class"):
            fields.setdefault(key, []).append(value)
        else:
            fields[key] = value
    return fields


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


# --------------------------------------------------------------------------- compression ([MS-OVBA] 2.4.1)


def expected_decompression(data: bytes, compressed: bytes) -> bytes:
    """What a decompressor must give back: `data`, except that a last chunk stored raw (flag bit 0,
    2.4.1.3.10: used when compressing does not make it fit) holds 4096 bytes, its tail zeros."""
    position, flag = 1, 1
    while position < len(compressed):  # walk the chunk headers (2.4.1.1.5) to the last one
        header = int.from_bytes(compressed[position:position + 2], "little")
        flag = header >> 15
        position += (header & 0xFFF) + 3
    return data if flag else data.ljust(-(-len(data) // 4096) * 4096, b"\0")


def round_trip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(vba_project.compress(data))))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=13000))
def test_oletools_decompresses_random_bytes(data):
    compressed = vba_project.compress(data)
    assert bytes(decompress_stream(bytearray(compressed))) == expected_decompression(data, compressed)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Dim i As Long\r\n", "    x = x & ChrW$(", "' comment", "End Sub\r\n", "a", "\t"]),
                max_size=1500))
def test_oletools_decompresses_repetitive_text_exactly(parts):
    data = "".join(parts).encode("cp1252")
    assert round_trip(data) == data


@pytest.mark.parametrize("data", [b"", b"a", b"abc", b"a" * 4096, b"a" * 4097, b"ab" * 10000,
                                  bytes(range(256)) * 40, b"x" * 4095 + b"y" * 4097])
def test_oletools_decompresses_edge_cases_exactly(data):
    assert round_trip(data) == data


def test_text_compresses_and_an_incompressible_chunk_is_stored_raw():
    text = "\r\n".join(f"    Debug.Print {i}" for i in range(2000)).encode("cp1252")
    assert len(vba_project.compress(text)) < len(text) / 3
    noise = os.urandom(8192)
    compressed = vba_project.compress(noise)
    assert len(compressed) == 1 + 2 * 4098  # two raw chunks: header and the 4096 bytes as they are
    assert compressed[1:3] == compressed[4099:4101] == vba_project.RAW_CHUNK.to_bytes(2, "little")
    assert round_trip(noise) == noise
    short = os.urandom(3800)  # a last chunk too random to compress into 4096 bytes
    compressed = vba_project.compress(short)
    assert round_trip(short) == expected_decompression(short, compressed) == short + bytes(296)


# --------------------------------------------------------------------------- encryption ([MS-OVBA] 2.4.3)


def decrypt(text: str) -> tuple[int, int, bytes]:
    """(Version, ProjKey, Data) of an encrypted field, by the decryption of [MS-OVBA] 2.4.3.3."""
    data = bytes.fromhex(text)
    seed, version_enc, key_enc = data[:3]
    unencrypted1, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    plain = []
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored:ignored + 4]), "little")
    assert len(plain) == ignored + 4 + length
    return seed ^ version_enc, seed ^ key_enc, bytes(plain[ignored + 4:])


def test_the_decryption_reads_what_excel_wrote_in_xlwings_quickstart():
    """The check below is itself checked on Excel's own output: xlwings' quickstart add-in is unprotected."""
    fields = project_fields(QUICKSTART)
    key = sum(fields["ID"].strip('"').encode("ascii")) & 0xFF
    assert decrypt(fields["CMG"].strip('"')) == (2, key, bytes(4))
    assert decrypt(fields["DPB"].strip('"')) == (2, key, b"\0")
    assert decrypt(fields["GC"].strip('"')) == (2, key, b"\xff")


@pytest.mark.parametrize("seed", range(256))
def test_every_seed_encrypts_to_what_the_decryption_reads(seed):
    project_id = "{E166F130-7A7D-463D-A36A-DF5CC07216B9}"
    key = sum(project_id.encode("ascii")) & 0xFF
    for data in (bytes(4), b"\0", b"\xff", b"any data at all"):
        assert decrypt(vba_project.encrypt(data, project_id, seed)) == (2, key, data)


# --------------------------------------------------------------------------- the project


LONG_CODE = "\n".join(f'Public Sub Step{i}()\n    Debug.Print "step {i}: {"x" * (i % 50)}"\nEnd Sub' for i in range(300))
MODULES = [
    Module("Code", 'Option Explicit\n\nSub Hello()\n    MsgBox "café " & ChrW$(&H8003)\nEnd Sub\n'),
    Module("ThisWorkbook", "", vba.WORKBOOK_BASE),
    Module("Long", LONG_CODE),
    Module("Sheet1", "", vba.WORKSHEET_BASE),
]
ORDER = ["ThisWorkbook", "Sheet1", "Code", "Long"]  # document modules first, as Excel lists them
PROJECT_INFORMATION = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
MODULE_RECORDS = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C]


@pytest.fixture(scope="module")
def project() -> bytes:
    return vba_project.build(MODULES)


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """(Id, payload) of each record of a decompressed dir stream (2.3.4.2); PROJECTVERSION's Size field is a
    Reserved 4 with 6 bytes after it."""
    records, position = [], 0
    while position < len(data):
        record_id, size = struct.unpack_from("<HI", data, position)
        size = 6 if record_id == 0x09 else size
        records.append((record_id, data[position + 6:position + 6 + size]))
        position += 6 + size
    return records


def olevba_project(data: bytes):
    """The project as oletools reads it strictly (relaxed=False: any unexpected record value is an error)."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    return project


def test_olevba_reads_the_code_page_and_every_module_exactly(project):
    parsed = olevba_project(project)
    assert (parsed.codepage, parsed.lcid, parsed.syskind, parsed.projectname) == (1252, 0x409, 1, "VBAProject")
    assert [(m.name, m.streamname, m.type, m.textoffset) for m in parsed.modules] == [
        ("ThisWorkbook", "ThisWorkbook", 0x22, 0), ("Sheet1", "Sheet1", 0x22, 0),
        ("Code", "Code", 0x21, 0), ("Long", "Long", 0x21, 0)]
    by_name = {m.name: m for m in MODULES}
    for module in parsed.modules:
        assert module.code_raw == vba_project.module_source(by_name[module.name])
    assert "café" in parsed.modules[2].code


def test_olevba_extracts_the_sources_with_their_attribute_lines(project):
    parser = VBA_Parser("vbaProject.bin", data=project)
    try:
        code = {Path(stream).name: text for _, stream, _, text in parser.extract_macros()}
    finally:
        parser.close()
    assert list(code) == ORDER
    assert code["Code"] == 'Attribute VB_Name = "Code"\r\nOption Explicit\r\n\r\nSub Hello()\r\n' \
        '    MsgBox "café " & ChrW$(&H8003)\r\nEnd Sub\r\n'
    assert code["Long"] == 'Attribute VB_Name = "Long"\r\n' + LONG_CODE.replace("\n", "\r\n")
    assert len(code["Long"]) > 3 * 4096  # spans several compressed chunks
    assert code["Sheet1"].split("\r\n")[:2] == ['Attribute VB_Name = "Sheet1"',
                                                'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"']
    assert code["ThisWorkbook"].split("\r\n")[1] == 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"'


def test_the_dir_stream_records_come_in_the_order_of_the_spec(project):
    records = dir_records(decompress_stream(bytearray(read_tree(project)["VBA/dir"])))
    ids = [record_id for record_id, _ in records]
    references = [0x16, 0x3E, 0x0D]  # stdole: REFERENCENAME, its Unicode name, REFERENCEREGISTERED
    module_types = [0x22, 0x22, 0x21, 0x21]
    assert ids == PROJECT_INFORMATION + references + [0x0F, 0x13] + [
        i for kind in module_types for i in [*MODULE_RECORDS, kind, 0x2B]] + [0x10]
    values = dict(records[:5])
    assert values[0x03] == struct.pack("<H", 1252) and values[0x01] == struct.pack("<I", 1)
    assert values[0x02] == values[0x14] == struct.pack("<I", 0x409)
    assert dict(records)[0x0F] == struct.pack("<H", 4)
    assert [payload for record_id, payload in records if record_id == 0x2C] == [b"\xff\xff"] * 4  # MODULECOOKIE
    assert rb"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#" in dict(records)[0x0D]


def test_project_stream_names_the_modules_and_is_unprotected(project):
    streams = read_tree(project)
    text = streams["PROJECT"].decode("cp1252")
    lines = text.split("\r\n")
    assert lines[1:5] == ["Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000", "Module=Code", "Module=Long"]
    assert 'Name="VBAProject"' in lines and "[Host Extender Info]" in lines and "[Workspace]" in lines
    project_id = lines[0].removeprefix('ID="').removesuffix('"')
    key = sum(project_id.encode("ascii")) & 0xFF
    fields = dict(line.split("=", 1) for line in lines if line[:4] in ("CMG=", "DPB=", "GC=\""))
    assert decrypt(fields["CMG"].strip('"')) == (2, key, bytes(4))
    assert decrypt(fields["DPB"].strip('"')) == (2, key, b"\0")
    assert decrypt(fields["GC"].strip('"')) == (2, key, b"\xff")
    assert streams["VBA/_VBA_PROJECT"] == b"\xcc\x61\xff\xff\x00\x00\x00"
    assert streams["PROJECTwm"] == b"".join(n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in ORDER) + b"\0\0"


def test_the_shape_is_that_of_xlwings_own_addins(project):
    """Excel wrote xlwings' add-ins: the same streams, the same records for a document module, the same
    attribute lines in ThisWorkbook and a sheet's module."""
    ours = read_tree(project)
    for package in (QUICKSTART, XLWINGS_ADDIN):
        theirs = read_tree(vba_bin(package))
        fields = project_fields(package)
        modules = [d.split("/")[0] for d in fields["Document"]] + fields.get("Module", []) + fields.get("Class", [])
        assert set(theirs) == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{m}" for m in modules}
        assert theirs["VBA/_VBA_PROJECT"][:4] == ours["VBA/_VBA_PROJECT"][:4] == b"\xcc\x61\xff\xff"
        assert fields["Document"][0] == "ThisWorkbook/&H00000000"
    assert set(ours) == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{m}" for m in ORDER}
    theirs_dir = dir_records(decompress_stream(bytearray(read_tree(vba_bin(QUICKSTART))["VBA/dir"])))
    ours_dir = dir_records(decompress_stream(bytearray(ours["VBA/dir"])))
    assert [i for i, _ in theirs_dir[:14]] == [i for i, _ in ours_dir[:14]] == PROJECT_INFORMATION
    assert dict(theirs_dir)[0x03] == dict(ours_dir)[0x03]  # code page 1252

    def sources(data: bytes) -> dict[str, str]:
        parser = VBA_Parser("vbaProject.bin", data=data)
        try:
            return {Path(stream).name: text for _, stream, _, text in parser.extract_macros()}
        finally:
            parser.close()

    theirs_code = sources(vba_bin(QUICKSTART))
    ours_code = sources(project)
    assert ours_code["ThisWorkbook"] == theirs_code["ThisWorkbook"]
    assert ours_code["Sheet1"] == theirs_code["Sheet2"].replace("Sheet2", "Sheet1")


def test_source_outside_the_code_page_is_refused():
    with pytest.raises(KpiError, match="模块 Bad 第3行.*代码页 1252 以外的字符 '考'"):
        vba_project.build([Module("Bad", 'Sub A()\n    MsgBox "考核"\nEnd Sub\n')])


def test_two_modules_of_one_name_are_refused():
    with pytest.raises(KpiError, match="重名"):
        vba_project.build([Module("Code", ""), Module("CODE", "")])

"""Writes a VBA project, the ``xl/vbaProject.bin`` of an .xlsm/.xlam, as [MS-OVBA] describes it.

The project is a compound file (xl_kpi/cfb.py) holding (2.2):

- ``PROJECT``: the project's properties as text (2.3.1), with the protection fields encrypted (2.4.3);
- ``PROJECTwm``: each module's name in the code page and in UTF-16 (2.3.3);
- ``VBA/_VBA_PROJECT``: the version-independent form (2.3.4.1), no compiled code, so Excel compiles
  the source when it opens the file;
- ``VBA/dir``: the project and module records (2.3.4.2), compressed (2.4.1);
- ``VBA/<module>``: each module's source, compressed, attribute lines first (2.3.4.3).

The project is written as Excel writes one: code page 1252, locale 0x409, a reference to stdole, the
workbook's and each sheet's document module (ThisWorkbook, Sheet1, …) before the standard modules.
"""

from __future__ import annotations

import secrets
import struct
import uuid

from xl_kpi.addin import cfb
from xl_kpi.addin.vba import Module
from xl_kpi.base.errors import KpiError

PROJECT_NAME = "VBAProject"
CODE_PAGE = 1252
ENCODING = "cp1252"
LCID = 0x409
SYSKIND_WIN32 = 1
VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x00\x00"  # 2.3.4.1: Reserved1, Version 0xFFFF, Reserved2, Reserved3
STDOLE = ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation")
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"  # 2.3.1.18: VBE's own
UNLOCKED = bytes(4)  # 2.3.1.15 ProjectProtectionState: no protection flag set
NO_PASSWORD = b"\0"  # 2.3.1.16 ProjectPassword: no password
VISIBLE = b"\xff"  # 2.3.1.17 ProjectVisibilityState: the project can be viewed
# The attribute lines Excel writes after VB_Name in a document module (2.3.4.3), its VB_Base first.
DOCUMENT_ATTRIBUTES = ('Attribute VB_GlobalNameSpace = False', 'Attribute VB_Creatable = False',
                       'Attribute VB_PredeclaredId = True', 'Attribute VB_Exposed = True',
                       'Attribute VB_TemplateDerived = False', 'Attribute VB_Customizable = True')

# --------------------------------------------------------------------------- 2.4.1 compression

CHUNK = 4096
RAW_CHUNK = 0x3FFF  # 2.4.1.1.5: header of an uncompressed chunk: size field 4095, signature 0b011, flag 0
MIN_MATCH = 3


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1): the signature byte 0x01, then one chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _chunk(data[start:start + CHUNK])
    return bytes(out)


def _chunk(chunk: bytes) -> bytes:
    """A CompressedChunk (2.4.1.3.7): token sequences, or the 4096 bytes as they are (a raw chunk,
    2.4.1.3.10, padded with zeros if the last chunk is shorter) when compressing does not make them
    fit in 4096 bytes."""
    body = _tokens(chunk)
    if len(body) > CHUNK:
        return struct.pack("<H", RAW_CHUNK) + chunk.ljust(CHUNK, b"\0")
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body  # flag 1, signature 0b011, size - 3


def _tokens(chunk: bytes) -> bytes:
    """TokenSequences (2.4.1.3.8): a flag byte, then 8 tokens, each a literal byte or a copy token."""
    out = bytearray()
    position = 0
    seen: dict[bytes, list[int]] = {}  # where each 3-byte string starts, to find matches fast
    while position < len(chunk):
        flags, tokens = 0, bytearray()
        for bit in range(8):
            if position >= len(chunk):
                break
            offset, length = _longest_match(chunk, position, seen)
            if length:
                flags |= 1 << bit
                tokens += struct.pack("<H", _copy_token(position, offset, length))
            else:
                tokens.append(chunk[position])
                length = 1
            for at in range(position, position + length):
                seen.setdefault(chunk[at:at + MIN_MATCH], []).append(at)
            position += length
        out.append(flags)
        out += tokens
    return bytes(out)


def _bit_count(position: int) -> int:
    """2.4.1.3.19.1: bits of a copy token's offset at this position in the chunk (at least 4)."""
    return max((position - 1).bit_length(), 4)


def _longest_match(chunk: bytes, position: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of the longest earlier copy of the bytes at `position` (2.4.1.3.19.4), the
    nearest one on a tie; length 0 when no copy of at least 3 bytes exists."""
    maximum = min((0xFFFF >> _bit_count(position)) + 3, len(chunk) - position)
    best_offset = best_length = 0
    for start in reversed(seen.get(chunk[position:position + MIN_MATCH], ())):
        length = MIN_MATCH
        while length < maximum and chunk[start + length] == chunk[position + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = position - start, length
            if length == maximum:
                break
    return best_offset, best_length


def _copy_token(position: int, offset: int, length: int) -> int:
    """2.4.1.3.19.3: offset - 1 in the high bits, length - 3 in the low ones."""
    bits = _bit_count(position)
    return ((offset - 1) << (16 - bits)) | (length - MIN_MATCH)


# --------------------------------------------------------------------------- 2.4.3 data encryption


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """The protection fields of the PROJECT stream (2.3.1.15-17) encrypted as 2.4.3.2 describes, in hex."""
    version = 2
    key = sum(project_id.encode("ascii")) & 0xFF  # 2.4.3.2: ProjKey, the sum of the ProjectId's bytes
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    ignored = bytes([0] * ((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()


# --------------------------------------------------------------------------- the streams


def _record(record_id: int, payload: bytes = b"") -> bytes:
    """A dir stream record: Id (2 bytes), Size (4 bytes), then the payload."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text(record_id: int, unicode_id: int, text: str) -> bytes:
    """A text in the code page, then its UTF-16 twin (e.g. PROJECTDOCSTRING 0x05 and 0x40)."""
    return _record(record_id, _mbcs(text, "名称")) + _record(unicode_id, text.encode("utf-16-le"))


def _mbcs(text: str, what: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise KpiError(f"VBA 工程的{what}「{text[:60]}」含代码页 {CODE_PAGE} 以外的字符 {exc.object[exc.start]!r}; "
                       "VBA 源码中的中文请用 ChrW 拼出 (见 xl_kpi/addin/vba.py 的 vba_text)") from exc


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _project_information(name: str) -> bytes:
    """PROJECTINFORMATION (2.3.4.2.1)."""
    return b"".join([
        _record(0x01, _u32(SYSKIND_WIN32)),  # PROJECTSYSKIND
        _record(0x02, _u32(LCID)),  # PROJECTLCID
        _record(0x14, _u32(LCID)),  # PROJECTLCIDINVOKE
        _record(0x03, struct.pack("<H", CODE_PAGE)),  # PROJECTCODEPAGE
        _record(0x04, _mbcs(name, "名称")),  # PROJECTNAME
        _text(0x05, 0x40, ""),  # PROJECTDOCSTRING
        _text(0x06, 0x3D, ""),  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
        _record(0x07, _u32(0)),  # PROJECTHELPCONTEXT
        _record(0x08, _u32(0)),  # PROJECTLIBFLAGS
        struct.pack("<HIIH", 0x09, 4, 1, 0),  # PROJECTVERSION: Reserved 4, VersionMajor, VersionMinor
        _text(0x0C, 0x3C, ""),  # PROJECTCONSTANTS
    ])


def _references() -> bytes:
    """PROJECTREFERENCES (2.3.4.2.2): stdole, a REFERENCENAME and a REFERENCEREGISTERED, as Excel writes it."""
    name, libid = STDOLE
    registered = _u32(len(libid)) + libid.encode("ascii") + _u32(0) + struct.pack("<H", 0)
    return _text(0x16, 0x3E, name) + _record(0x0D, registered)


def _module_record(module: Module) -> bytes:
    """MODULE (2.3.4.2.3.2): names, no docstring, source at offset 0, procedural (0x21) or document (0x22)."""
    return b"".join([
        _record(0x19, _mbcs(module.name, "模块名")),  # MODULENAME
        _record(0x47, module.name.encode("utf-16-le")),  # MODULENAMEUNICODE
        _text(0x1A, 0x32, module.name),  # MODULESTREAMNAME
        _text(0x1C, 0x48, ""),  # MODULEDOCSTRING
        _record(0x31, _u32(0)),  # MODULEOFFSET: no performance cache before the source
        _record(0x1E, _u32(0)),  # MODULEHELPCONTEXT
        _record(0x2C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
        _record(0x22 if module.base else 0x21),  # MODULETYPE
        _record(0x2B),  # Terminator
    ])


def dir_stream(name: str, modules: list[Module]) -> bytes:
    """The dir stream (2.3.4.2), before compression: project information, references, modules, terminator."""
    return b"".join([
        _project_information(name),
        _references(),
        _record(0x0F, struct.pack("<H", len(modules))),  # PROJECTMODULES
        _record(0x13, struct.pack("<H", 0xFFFF)),  # PROJECTCOOKIE
        *map(_module_record, modules),
        struct.pack("<HI", 0x10, 0),  # Terminator, Reserved
    ])


def module_source(module: Module) -> bytes:
    """A module's source (2.3.4.3) in the code page with CRLF line ends: VB_Name first, then for a
    document module VB_Base and the attributes Excel writes, then the code."""
    lines = [f'Attribute VB_Name = "{module.name}"']
    if module.base:
        lines += [f'Attribute VB_Base = "{module.base}"', *DOCUMENT_ATTRIBUTES]
    text = "\r\n".join(lines) + "\r\n" + module.code.replace("\r\n", "\n").replace("\n", "\r\n")
    for number, line in enumerate(text.split("\r\n"), start=1):
        _mbcs(line, f"模块 {module.name} 第{number}行")
    return text.encode(ENCODING)


def project_stream(name: str, modules: list[Module], project_id: str, seed: int) -> bytes:
    """The PROJECT stream (2.3.1): properties, host extenders, workspace; unprotected and visible."""
    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.base else f"Module={m.name}" for m in modules]
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(UNLOCKED, project_id, seed)}"',
        f'DPB="{encrypt(NO_PASSWORD, project_id, seed)}"',
        f'GC="{encrypt(VISIBLE, project_id, seed)}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
    ]
    return _mbcs("\r\n".join(lines) + "\r\n", "PROJECT 流")


def name_map(modules: list[Module]) -> bytes:
    """PROJECTwm (2.3.3): each module's name in the code page and in UTF-16, both zero-terminated."""
    names = b"".join(_mbcs(m.name, "模块名") + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules)
    return names + b"\0\0"


def build(modules: list[Module], *, name: str = PROJECT_NAME, project_id: str | None = None,
          seed: int | None = None) -> bytes:
    """vbaProject.bin holding these modules, document modules first as Excel lists them.

    project_id (the PROJECT stream's ID, "{GUID}") and seed (the encryption's random byte, 2.4.3.2)
    are new random values unless given.
    """
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise KpiError(f"VBA 工程中有重名的模块: {', '.join(m.name for m in modules)}")
    ordered = [m for m in modules if m.base] + [m for m in modules if not m.base]
    project_id = project_id or "{" + str(uuid.uuid4()).upper() + "}"
    seed = secrets.randbelow(256) if seed is None else seed
    return cfb.write({
        "PROJECT": project_stream(name, ordered, project_id, seed),
        "PROJECTwm": name_map(ordered),
        "VBA": {
            "_VBA_PROJECT": VBA_PROJECT_STREAM,
            "dir": compress(dir_stream(name, ordered)),
            **{m.name: compress(module_source(m)) for m in ordered},
        },
    })

"""Checks on an untrusted .xlsx before anything parses it.

An .xlsx is a zip archive of XML files.  Before a parser sees it we check that
it is a zip at all (an encrypted workbook is not), and that the number of
entries and the bytes they expand to stay within limits: the sizes are
counted while actually decompressing, so an archive that lies about its sizes
is caught too (zip bombs).  XML is parsed only through defusedxml.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputFileError

MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # expanded size of all entries together
MAX_RATIO = 200  # expanded / compressed, per entry larger than 1 MB
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ZipReport:
    entries: int
    expanded: int
    has_macros: bool
    external_links: int


def check_xlsx(path: str | Path, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES) -> ZipReport:
    """Raise InputFileError (in Chinese) unless `path` is a sane, unencrypted xlsx/xlsm archive."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputFileError(f"无法读取文件: {exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError("文件已加密 (设置了打开密码) 或是旧版 .xls 格式, 请取消密码并另存为 .xlsx")
    if not head.startswith(b"PK"):
        raise InputFileError("不是 Excel 工作簿 (.xlsx), 文件可能已损坏")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputFileError("工作簿已损坏 (不是完整的 zip 文件), 请重新保存后发送") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise InputFileError(f"工作簿包含 {len(infos)} 个部件, 超过上限 {max_entries}, 已拒绝读取")
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise InputFileError("不是 Excel 工作簿: 缺少 xl/workbook.xml")
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise InputFileError(f"工作簿解压后有 {declared // (1024 * 1024)} MB, 超过上限 {max_bytes // (1024 * 1024)} MB (疑似压缩炸弹), 已拒绝读取")
        total = 0
        for info in infos:
            if info.file_size > CHUNK and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise InputFileError(f"部件 {info.filename} 压缩比异常 (疑似压缩炸弹), 已拒绝读取")
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > max_bytes:
                            raise InputFileError("工作簿解压后超过大小上限 (疑似压缩炸弹), 已拒绝读取")
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
                raise InputFileError(f"工作簿已损坏 ({info.filename}: {exc}), 请重新保存后发送") from None
        return ZipReport(
            entries=len(infos),
            expanded=total,
            has_macros=any(n.lower().endswith("vbaproject.bin") for n in names),
            external_links=sum(1 for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")),
        )

"""Writing outputs safely: atomically (a temporary file next to the target, then a rename), never over a file
open in Excel/WPS/LibreOffice, keeping the output replaced as a numbered backup (….备份.xlsx)."""

from __future__ import annotations

import filecmp
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from xl_kpi.base.errors import OutputFileError


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place on success.

    A target that cannot be written (open in Excel/WPS, read-only, a read-only
    folder) is an OutputFileError, found before the caller builds its output
    where possible; the temporary file never stays behind.
    """
    target = Path(target)
    tmp = _temp_next_to(target)
    try:
        check_replaceable(target)
        yield tmp
        try:
            os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; the result should be an ordinary file
            os.replace(tmp, target)
        except OSError as exc:
            raise _cannot_replace(target, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_writable(target: str | Path) -> None:
    """Raise OutputFileError now if ``target`` could not be written, before anything else is changed."""
    target = Path(target)
    os.unlink(_temp_next_to(target))
    check_replaceable(target)


def lock_files(target: Path) -> list[Path]:
    """The lock files an office program keeps next to a file it has open: LibreOffice's .~lock.NAME#, and
    Excel's and WPS's ~$NAME (Excel drops the first two characters of longer names)."""
    folder, name = target.parent, target.name
    candidates = [folder / f".~lock.{name}#", folder / f"~${name}"]
    if len(name) > 2:
        candidates.append(folder / f"~${name[2:]}")
    return [c for c in candidates if c.is_file()]


def check_replaceable(target: Path) -> None:
    """An existing ``target`` must be open-able for writing: not held by Excel/WPS/LibreOffice (on Windows the
    open fails; elsewhere the program's lock file says so), not read-only."""
    if not target.exists():
        return
    locks = lock_files(target)
    if locks:
        raise OutputFileError(
            f"{target} 正在 Excel/WPS/LibreOffice 中打开 (有锁文件 {locks[0].name}), 写入会与您未保存的修改互相覆盖; "
            f"请先关闭它再重试 (如确定没有打开, 是上次异常退出留下的锁文件, 可删除 {locks[0].name})")
    try:
        with open(target, "r+b"):  # writes nothing; fails on Windows while Excel/WPS has the file open
            pass
    except OSError as exc:
        raise _cannot_replace(target, exc) from None


BACKUP_MARK = ".备份"


_BACKUP_STEM = re.compile(re.escape(BACKUP_MARK) + r"\d*$")


def backup_path(target: str | Path, number: int = 1) -> Path:
    """The name of an output's ``number``-th backup: 汇总.xlsx -> 汇总.备份.xlsx, 汇总.备份2.xlsx, 汇总.备份3.xlsx …

    keep_backup chooses the number (the first is the plain ….备份.xlsx); use the path it returns."""
    target = Path(target)
    return target.with_name(f"{target.stem}{BACKUP_MARK}{number if number > 1 else ''}{target.suffix}")


def is_backup(path: str | Path) -> bool:
    """Whether ``path`` is named as one of our backups (….备份.xlsx, ….备份2.xlsx …): folder readers skip these."""
    return _BACKUP_STEM.search(Path(path).stem) is not None


def backups_of(target: str | Path) -> list[Path]:
    """The backups of ``target`` already next to it, by number (….备份.xlsx first)."""
    return [path for _, path in _numbered_backups(Path(target))]


def next_backup(target: str | Path) -> Path:
    """Where keep_backup would keep ``target`` (checked by callers before anything is written).

    An older backup is never replaced: the copy goes to the next free number (….备份.xlsx, then
    ….备份2.xlsx, ….备份3.xlsx …; one past the highest, so a higher number is always a later copy).
    When a backup already holds exactly these bytes, that backup is the answer (no other copy is made)."""
    target = Path(target)
    kept = _numbered_backups(target)
    for _, old in reversed(kept):  # the latest first: usually the one a repeated run would match
        if _same_bytes(target, old):
            return old
    number = (kept[-1][0] if kept else 0) + 1
    while (backup := backup_path(target, number)).exists():  # a name the listing did not match
        number += 1
    return backup


def keep_backup(target: str | Path) -> Path:
    """Copy ``target`` to ``next_backup(target)``, atomically (unless that already holds these bytes);
    return the backup's path."""
    backup = next_backup(target)
    if not backup.exists():
        with atomic_path(backup) as tmp:
            shutil.copy2(target, tmp)
    return backup


def _numbered_backups(target: Path) -> list[tuple[int, Path]]:
    pattern = re.compile(re.escape(target.stem + BACKUP_MARK) + r"([2-9]|[1-9]\d+)?" + re.escape(target.suffix),
                         re.IGNORECASE)  # as a case-insensitive disk (Windows, macOS) would match them
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return sorted((int(m.group(1) or 1), target.parent / name) for name in names if (m := pattern.fullmatch(name)))


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold exactly the same bytes (an unreadable one counts as different)."""
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def refuse_overwrite(output: str | Path, inputs: Iterable[str | Path], what: str = "结果文件") -> None:
    """An OutputFileError when ``output`` is one of the ``inputs``: writing it would replace what the user gave."""
    for path in inputs:
        if same_file(output, path):
            raise OutputFileError(f"{what} {output} 就是输入文件 {path}, 写入会覆盖原数据; 请用 -o 指定另一个文件")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one existing file (links, "./x" and case-insensitive disks included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


TEMP_PREFIX = ".xlkpi-tmp-"  # our temporary outputs, moved into place when complete: folder readers skip them


def _temp_next_to(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.stem}-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # a part of the folder's path is a file
            blocker = next((p for p in [target.parent, *target.parent.parents] if p.exists() and not p.is_dir()), None)
            raise OutputFileError(f"无法写入 {target}: {blocker or target.parent} 是一个文件, 不是文件夹; "
                                  "请换一个输出位置") from None
        raise OutputFileError(
            f"无法写入 {target}: 文件夹 {os.path.abspath(target.parent)} 不能写入 (只读或没有权限), "
            "请换一个文件夹或请管理员开放写权限"
        ) from None
    os.close(fd)
    return Path(tmp)


def _cannot_replace(target: Path, exc: OSError) -> OutputFileError:
    return OutputFileError(
        f"无法写入 {target}: 文件可能正在 Excel/WPS 中打开或为只读, 请关闭后重试 ({exc.strerror or exc})"
    )


def _file_mode(target: Path) -> int:
    """The mode a new file would get (0666 less the umask), or the mode of the file being replaced."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

"""Every error xl-kpi raises on purpose.

One base class, a leaf per kind of problem.  Messages are Chinese because the
people who read them are HR staff; each names where the problem is (file, rule,
row, cell) and what was expected.
"""

from __future__ import annotations

import errno
import os
import tempfile
import traceback


class KpiError(Exception):
    """Base class of every error raised by xl-kpi."""


class SchemeError(KpiError):
    """A scheme file (or an edited 规则 sheet) does not make sense."""

    def __init__(self, message: str, *, source: str = "", where: str = "") -> None:
        self.source = source
        self.where = where
        parts = [p for p in (source, where) if p]
        prefix = " / ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnknownSchemeError(KpiError):
    """No scheme has the requested id."""


class UnknownIndicatorError(KpiError):
    """The scheme has no indicator with that id or name."""


class InputValueError(KpiError):
    """A value typed by a person cannot be scored (text, out of range, missing)."""


class InputFileError(KpiError):
    """An input file cannot be read (missing, wrong format, no header)."""


class OutputFileError(KpiError):
    """An output file cannot be written (open in Excel/WPS, read-only, folder not writable, already there)."""


class ExistingOutputError(OutputFileError):
    """Outputs would replace files already there (perhaps filled in); ``paths`` names them."""

    def __init__(self, message: str, paths: list) -> None:
        super().__init__(message)
        self.paths = paths


class OptionError(KpiError):
    """An action's option has a value it cannot use; ``option`` names the options field, so that each edge can
    say where it was given (a command-line flag, a 设置 cell) without the action knowing the edges."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


# What an edge (the command line, the ribbon) says when something other than a KpiError stops an action:
# one line for the user, never a traceback.


def os_error_message(exc: OSError) -> str:
    """A failure of the system (a full disk, no permission, a file gone), said in a line for the user."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间已满, 无法写入{where}; 请清理磁盘后重试 (已写好的文件未被改动)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限读写{where}; 请检查文件夹权限, 或换一个文件夹"
    return f"读写文件时出错{where}: {exc.strerror or exc}"


def internal_error_message(exc: Exception) -> str:
    """A defect of xl-kpi: the user gets one line and a file with the details to send to the maintainers."""
    fd, path = tempfile.mkstemp(prefix="xl-kpi-错误-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(exc)))
    return (f"xl-kpi 内部错误 ({type(exc).__name__}), 这不是您的输入造成的; 已写好的文件未被改动。"
            f"请把 {path} 发给维护者")

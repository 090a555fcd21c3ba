"""Every error xl-kpi raises on purpose.

One base class, a leaf per kind of problem.  Messages are Chinese because the
people who read them are HR staff; each names where the problem is (file, rule,
row, cell) and what was expected.
"""

from __future__ import annotations


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

"""One finding type: something a user should know about one place of one input.

A finding says where (file, sheet, cell or row, person), what kind it is, how grave (a problem: the figure it
concerns is left out and the run exits 1; a notice: the value was used, as typed or read, and the user is told),
and the message in Chinese.  Modules return findings; the edges render them: the 问题 sheets, the terminal
(``line``), the ribbon's message box.  Locations are data, never baked into the message.
"""

from __future__ import annotations

from dataclasses import dataclass

PROBLEM = "问题"
NOTICE = "提示"  # the value was used as typed or read; the user is told
NOTE = "说明"  # a fact about the run as a whole (a month no input holds); no problem of the input


@dataclass(frozen=True)
class Finding:
    file: str = ""
    sheet: str = ""
    cell: str = ""
    message: str = ""
    person: str = ""  # 工号
    row: int | None = None
    kind: str = ""
    severity: str = PROBLEM

    @property
    def is_problem(self) -> bool:
        return self.severity == PROBLEM

    def location(self) -> str:
        """File, sheet and cell (or row) as people say them: 2026-10-一部.xlsx 工作表「K1-张三」 H7."""
        place = self.cell or (f"第{self.row}行" if self.row is not None else "")
        return " ".join(x for x in (self.file, f"工作表「{self.sheet}」" if self.sheet else "", place) if x)

    def text(self) -> str:
        """The message without its severity word (a notice's message may carry 「提示: 」 for the sheets)."""
        return self.message.removeprefix(f"{self.severity}: ")

    def line(self) -> str:
        """One line for the terminal: 「问题 where: message」 or 「提示 where: message」."""
        where = self.location()
        return f"{self.severity} {where}: {self.text()}" if where else f"{self.severity} {self.text()}"

"""One finding type: something a user should know about one place of one input.

A finding says where (file, sheet, cell or row, person), what kind it is, how grave (a problem: the figure it
concerns is left out and the run exits 1; a notice: the value was used, as typed or read, and the user is told;
a note: a fact about the run as a whole), and the message in Chinese, without its place and without its severity
word.  Modules return findings; the edges render them: the 问题 sheets (``columns``), the terminal (``line``), the
ribbon's message box.  Locations are data, never baked into the message.

Where, as people say it (``location``):

- a cell of a filled sheet: ``cell`` alone, 「H7」;
- a row of a table (a roster, a data file, a monthly summary): ``row``, and ``cell`` when one column is meant,
  worded as tables are talked about: 「第5行」, 「第5行 C列」;
- no cell at all: ``subject`` names what the finding is about (a column such as 「工号」, 「缺少的月份」, a
  people decision), or follows the row (「第3行」 「等 12 行」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PROBLEM = "问题"
NOTICE = "提示"  # the value was used as typed or read; the user is told
NOTE = "说明"  # a fact about the run as a whole (a month no input holds); no problem of the input
SEVERITIES = (PROBLEM, NOTICE, NOTE)


@dataclass(frozen=True)
class Finding:
    file: str = ""
    sheet: str = ""
    cell: str = ""  # "C5"; with ``row`` worded 「第5行 C列」
    message: str = ""  # without place nor severity word
    person: str = ""  # 工号
    row: int | None = None  # a table's row number, as the spreadsheet counts it
    kind: str = ""  # a short English id ("duplicate-id", "missing-column"), for code and tests, never shown
    severity: str = PROBLEM
    subject: str = ""  # what it is about when no cell is (「工号」, 「缺少的月份」, a decision), or more of the row

    @property
    def is_problem(self) -> bool:
        return self.severity == PROBLEM

    @property
    def column(self) -> str:
        """The column letter of ``cell`` ("C" of "C5"); "" without a cell."""
        return re.match(r"[A-Za-z]*", self.cell).group(0).upper()

    def place(self) -> str:
        """The place inside the sheet: 「H7」, 「第5行」, 「第5行 C列」, with the subject after it."""
        if self.row is not None:
            spot = f"第{self.row}行" + (f" {self.column}列" if self.column else "")
        else:
            spot = self.cell
        return " ".join(x for x in (spot, self.subject) if x)

    def in_sheet(self) -> str:
        """Sheet and place: 工作表「K1-张三」 H7, 工作表「花名册」第5行 C列 (a table's rows as Table.where words them)."""
        sheet = f"工作表「{self.sheet}」" if self.sheet else ""
        return (sheet + self.place()) if self.row is not None else " ".join(x for x in (sheet, self.place()) if x)

    def location(self) -> str:
        """File, sheet and place as people say them: 2026-10-一部.xlsx 工作表「K1-张三」 H7."""
        return " ".join(x for x in (self.file, self.in_sheet()) if x)

    def text(self, person: bool = False) -> str:
        """Place and message without the severity word: 「where: message」, or the message alone (a cell of a
        问题 column that already says which kind it is); ``person`` as for ``line``."""
        where = " ".join(x for x in (self.location(), self.person if person else "") if x)
        return f"{where}: {self.message}" if where else self.message

    def line(self, person: bool = False) -> str:
        """One line for the terminal: 「问题 where: message」, 「提示 where: message」 or 「说明 message」; with
        ``person`` the 工号 follows the place (where no sheet is named after the person: a table's rows)."""
        return f"{self.severity} {self.text(person)}"

    def columns(self, heads: Sequence[str]) -> list[Any]:
        """The values of a 问题 sheet's row under ``heads`` (see COLUMNS)."""
        return [COLUMNS[h](self) for h in heads]


COLUMNS = {  # a 问题 sheet's column -> what of a finding it shows
    "文件": lambda f: f.file,
    "工作表": lambda f: f.sheet,
    "单元格": lambda f: f.place(),
    "位置": lambda f: f.in_sheet(),
    "地点": lambda f: f.location(),
    "工号": lambda f: f.person,
    "类别": lambda f: f.severity,
    "问题": lambda f: f.message,
    "说明": lambda f: f.message,
}


def texts(findings: Iterable[Finding]) -> list[str]:
    """Each finding's ``text``: place and message, as one line of a list that says the severity elsewhere."""
    return [f.text() for f in findings]

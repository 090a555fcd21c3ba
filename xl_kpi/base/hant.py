"""繁體 (Traditional characters) for what is generated with ``--lang zh-Hant``.

Hand-written ``name_hant`` / ``text_hant`` in a scheme come first; everything else we write (rule
texts, instructions, in-cell messages, validation prompts) is converted character by character with
OpenCC's ``s2tw`` table: Taiwan's standard characters, as document 000 writes them (考核, not s2t's 考覈),
and no regional vocabulary.  What a person typed (names, departments, roster headers) and the names of
sheets the reader looks for are never converted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

HANT = "zh-Hant"
_LITERAL = re.compile(r'"(?:[^"]|"")*"')  # a text literal in a formula; sheet names are in single quotes


@lru_cache(maxsize=None)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("s2tw")


@lru_cache(maxsize=65536)
def to_hant(text: str, written: frozenset[str] = frozenset()) -> str:
    """``text`` in Traditional characters (unchanged when it has none to convert).  The hand-written
    繁體 texts in ``written`` are left as they are wherever they occur (OpenCC would otherwise turn a
    written 台次 into 臺次)."""
    if text.isascii():
        return text
    convert = _converter().convert
    kept = [w for w in written if w and w in text]
    if not kept:
        return convert(text)
    parts = re.split("(" + "|".join(map(re.escape, sorted(kept, key=len, reverse=True))) + ")", text)
    return "".join(part if i % 2 or not part else convert(part) for i, part in enumerate(parts))  # odd: kept


def in_lang(text: str, lang: str) -> str:
    """``text`` (written in 简体) as shown in ``lang``."""
    return to_hant(text) if lang == HANT and isinstance(text, str) else text


def formula_in_lang(formula: str, lang: str, written: frozenset[str] = frozenset()) -> str:
    """A formula whose text literals ("请填数字", grade names) are shown in ``lang``; references untouched.
    The arguments of a call of the add-in (KPI_*(…)) are left as they are: their literals are ids, and its
    messages come from Python; the literals around such a call (the checks of its inputs) are shown in ``lang``."""
    if lang != HANT or formula.isascii():
        return formula
    calls = _udf_calls(formula)
    return _LITERAL.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in calls)
                        else to_hant(m.group(0), written), formula)


def _udf_calls(formula: str) -> list[tuple[int, int]]:
    """The spans of the KPI_*(…) calls of ``formula``, with their arguments (parentheses inside text
    literals do not count)."""
    spans = []
    for match in re.finditer(r"KPI_[A-Z_]+\(", formula):
        depth, i = 1, match.end()
        while i < len(formula) and depth:
            if formula[i] == '"':  # skip a literal ("" is a quote inside it)
                i += 1
                while i < len(formula) and not (formula[i] == '"' and formula[i + 1:i + 2] != '"'):
                    i += 2 if formula[i] == '"' else 1
            elif formula[i] == "(":
                depth += 1
            elif formula[i] == ")":
                depth -= 1
            i += 1
        spans.append((match.start(), i))
    return spans


def sheet_in_lang(ws: Any, lang: str, keep: Iterable[str] = (), keep_columns: Iterable[int] = (),
                  written: frozenset[str] = frozenset()) -> None:
    """Every text, formula literal and validation message of a generated sheet in ``lang``, except the
    cells in ``keep`` (what a person typed: names, departments, roster values), the columns in
    ``keep_columns`` (the hidden row keys the reader looks for) and the scheme's hand-written 繁體
    texts (``written``) wherever they occur."""
    if lang != HANT:
        return
    kept, kept_columns = set(keep), set(keep_columns)
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or value.isascii() or cell.column in kept_columns or cell.coordinate in kept:
                continue
            kind = cell.data_type  # a text that looks like a formula stays text
            cell.value = formula_in_lang(value, lang, written) if kind == "f" else to_hant(value, written)
            cell.data_type = kind
    for dv in ws.data_validations.dataValidation:
        for attr in ("promptTitle", "prompt", "errorTitle", "error"):
            text = getattr(dv, attr)
            if text:
                setattr(dv, attr, to_hant(text, written))

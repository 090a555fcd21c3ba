"""What a person types for an indicator: its unit, its allowed range, its checks.

The one rule for what a typed value means (InputSpec.read), used by every face: the UDFs, `xl-kpi score`,
consolidation and generate's prefill; the native formulas of generated sheets say the same (formulas._guard).

- A 0-100 score (unit ``score`` whose maximum is 100) typed as a percentage, "90%" in a CSV or 0.9 in a
  cell formatted as a percentage, is 90 points: the unit leaves no doubt.  A score whose maximum is not 100
  (服务态度, 满分 5) typed as a percentage is refused, saying what to type: 90% of what?
- Where the face cannot see a cell's format (a UDF gets a bare 0.9, a CSV a plain 0.9), a 0-100 score
  strictly between 0 and 1 is no score anyone typed: refused, with "如是 90%, 请填 90".  Exactly 1 is one
  point (a bare 1 is a number like 2 or 3); a cell formatted as a percentage showing 100% is 100.
- A rate (unit ``percent``) whose input names a ``plausible_max`` (客户投诉率: 5%; a real 1.2% stays quiet)
  and that is not typed with a % sign yet lies above it (0.3 is 30%, but was 0.3% meant?) is scored as
  typed, with a notice (提示) saying how to type 0.3%.  A completion ratio (unit ``ratio``) above 500%
  gets the same notice by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_kpi.base.errors import InputValueError
from xl_kpi.base.numbers import FORMAT, PLAIN, SIGN, fmt, fmt_percent, read_number, round_half_up

# unit -> (Chinese description, default minimum, default maximum, whole numbers only)
UNITS: dict[str, tuple[str, Decimal | None, Decimal | None, bool]] = {
    "percent": ("百分比 (如 0.3% 或 0.003)", Decimal(0), Decimal(1), False),
    "score": ("分数 (0~100)", Decimal(0), Decimal(100), False),
    "minutes": ("分钟数", Decimal(0), None, False),
    "days": ("天数", Decimal(0), None, False),
    "count": ("次数/台数 (非负整数)", Decimal(0), None, True),
    "amount": ("金额 (元)", Decimal(0), None, False),
    "ratio": ("完成比例 (实际/目标, 如 85% 或 0.85)", Decimal(0), None, False),
    "points": ("得分", Decimal(0), None, False),
}
# unit -> the largest value that is plausible when typed without a % sign, unless the input names its own
# (plausible_max in the scheme): above it the value is scored as typed, with a notice
PLAUSIBLE_MAX: dict[str, Decimal] = {"ratio": Decimal(5)}
FULL_SCORE = Decimal(100)  # a score out of 100: a percentage of it is unambiguous


@dataclass(frozen=True)
class InputSpec:
    """One value a person enters for an indicator."""

    id: str
    name: str
    name_hant: str
    unit: str
    minimum: Decimal | None
    maximum: Decimal | None
    plausible_max: Decimal | None = None  # percent/ratio: above this, a value typed without % gets a notice

    @property
    def whole(self) -> bool:
        return UNITS[self.unit][3]

    @property
    def out_of_100(self) -> bool:
        """A 0-100 score: 90% of it is 90 points."""
        return self.unit == "score" and self.maximum == FULL_SCORE

    @property
    def plausible(self) -> Decimal | None:
        return self.plausible_max if self.plausible_max is not None else PLAUSIBLE_MAX.get(self.unit)

    def show(self, value: Decimal) -> str:
        return fmt_percent(value) if self.unit in ("percent", "ratio") else fmt(value)

    def example(self) -> str:
        """A value as a person would type it, for messages and input prompts: 89.5, 4.5, 0.3%."""
        if self.unit == "score":
            return "89.5" if self.out_of_100 else fmt((self.maximum or FULL_SCORE) * Decimal("0.9"))
        if self.unit == "percent":
            return "0.3%" if self.plausible_max is not None and self.plausible_max < Decimal("0.1") else "98.5%"
        return "85%" if self.unit == "ratio" else "10"

    def score_span(self) -> str:
        low = fmt(self.minimum if self.minimum is not None else Decimal(0))
        return f"{low}~{fmt(self.maximum)}" if self.maximum is not None else f"不小于 {low}"

    def check(self, raw: object) -> Decimal:
        """Convert and range-check a typed value; raise InputValueError in Chinese."""
        return self.read(raw)[0]

    def read(self, raw: object) -> tuple[Decimal, str]:
        """The value the person meant and a notice about it ("" when none); InputValueError in Chinese when
        it cannot be used.  ``raw`` as typed: a number, text ("90%"), or a numbers.Typed cell value."""
        value, how = read_number(raw, what=self.name)
        typed = fmt_percent(value) if how != PLAIN else self.show(value)  # as the person sees it: 90%, 150%
        if self.unit == "score" and how != PLAIN:
            if not self.out_of_100:
                raise InputValueError(
                    f"{self.name}应填 {self.score_span()} 的分数 (如 {self.example()}), 收到百分比 {typed}")
            value = _hundredfold(value)  # 90% of a 0-100 score: 90 points, exactly
        if self.out_of_100 and 0 < value < 1:
            if how == PLAIN:
                raise InputValueError(f"{self.name}应填 0~100 的分数, 收到 {typed}; "
                                      f"如是 {fmt_percent(value)}, 请填 {fmt(_hundredfold(value))}")
            raise InputValueError(f"{self.name}应填 0~100 的分数 (如 {self.example()}), 收到 {typed} (即 {fmt(value)} 分)")
        if self.whole and value != value.to_integral_value():
            raise InputValueError(f"{self.name}应为非负整数, 收到 {fmt(value)}")
        if self.minimum is not None and value < self.minimum:
            if self.minimum == 0:
                raise InputValueError(f"{self.name}不能为负数, 收到 {typed}")
            raise InputValueError(f"{self.name}应不小于 {self.show(self.minimum)}, 收到 {typed}")
        if self.maximum is not None and value > self.maximum:
            hint = ""
            if self.unit == "percent" and how == PLAIN and value <= 100:  # 1.5 typed for 1.5% (or 150% shown)
                hint = f"; 如要填 {fmt(value)}%, 请输入 {fmt(value)}% (带 %)"
            raise InputValueError(f"{self.name}应不大于 {self.show(self.maximum)}, 收到 {typed}{hint}")
        return value, self._notice(value, how)

    def _notice(self, value: Decimal, how: str) -> str:
        """A rate above its plausible range, not typed with a % sign: 0.3 is 30%, but 0.3% may have been meant."""
        limit = self.plausible
        if limit is None or how == SIGN or value <= limit or self.unit not in ("percent", "ratio"):
            return ""
        meant = f"{fmt(value)}%"
        shown = fmt_percent(value)
        if -value.normalize().as_tuple().exponent > TYPED_DIGITS:  # 0.08823529411764706: computed, not typed
            return (f"{self.name} {fmt(round_half_up(value * 100, 2))}% 高于常见的 {fmt_percent(limit)}, "
                    "已按此计分; 请核对这个数据是否有误")
        if how == FORMAT:  # Excel turns 0.3 typed into a cell formatted as a percentage into 30%
            return (f"{self.name} {shown} 高于常见的 {fmt_percent(limit)}, 已按 {shown} 计分; "
                    f"如要填 {meant}, 请输入 {meant} (带 %)")
        return (f"{self.name} {fmt(value)} 即 {shown}, 高于常见的 {fmt_percent(limit)}, 已按 {shown} 计分; "
                f"如要填 {meant}, 请输入 {meant}")


TYPED_DIGITS = 6  # a rate a person types has at most this many decimals (0.0035 for 0.35%); more: computed


def _hundredfold(value: Decimal) -> Decimal:
    """value × 100, exact and written plainly: 0.9 -> 90, 0.895 -> 89.5 (not 90.0, 89.500 or 9E+1)."""
    scaled = value * 100
    return scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value() else scaled.normalize()

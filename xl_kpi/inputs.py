"""What a person types for an indicator: its unit, its allowed range, its checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import InputValueError
from .numbers import fmt, fmt_percent, to_decimal

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


@dataclass(frozen=True)
class InputSpec:
    """One value a person enters for an indicator."""

    id: str
    name: str
    name_hant: str
    unit: str
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def whole(self) -> bool:
        return UNITS[self.unit][3]

    def show(self, value: Decimal) -> str:
        return fmt_percent(value) if self.unit in ("percent", "ratio") else fmt(value)

    def check(self, raw: object) -> Decimal:
        """Convert and range-check a typed value; raise InputValueError in Chinese."""
        value = to_decimal(raw, what=self.name)
        if self.whole and value != value.to_integral_value():
            raise InputValueError(f"{self.name}应为非负整数, 收到 {fmt(value)}")
        if self.minimum is not None and value < self.minimum:
            if self.minimum == 0:
                raise InputValueError(f"{self.name}不能为负数, 收到 {self.show(value)}")
            raise InputValueError(
                f"{self.name}应不小于 {self.show(self.minimum)}, 收到 {self.show(value)}"
            )
        if self.maximum is not None and value > self.maximum:
            raise InputValueError(
                f"{self.name}应不大于 {self.show(self.maximum)}, 收到 {self.show(value)}"
            )
        return value

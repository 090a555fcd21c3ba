"""xl-kpi: scoring customer-service staff with weighted KPI schemes, in Excel.

The scoring engine (xl_kpi.engine.score) is the single source of truth; the Excel
functions (xl_kpi.udfs), the formulas written into sheets and the batch
commands (xl_kpi.cli) are faces of it.  Exports are lazy so that importing
xl_kpi.udfs from Excel stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "get_scheme": "xl_kpi.schemes.scheme",
    "load_scheme": "xl_kpi.schemes.scheme",
    "builtin_scheme": "xl_kpi.schemes.scheme",
    "score_indicator": "xl_kpi.engine.score",
    "score_person": "xl_kpi.engine.score",
    "KpiError": "xl_kpi.base.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'xl_kpi' has no attribute {name!r}")

"""Scheme files: a typo in a top-level field is an error, not silently ignored."""

import pytest

from xl_kpi.errors import SchemeError
from xl_kpi.scheme import builtin_text, parse_scheme_text


def test_unknown_top_level_field_is_named():
    text = builtin_text("cs-quant") + "\ndecision: {raise: {at_least: 88}}\n"
    with pytest.raises(SchemeError) as info:
        parse_scheme_text(text, source="我的方案.yaml")
    assert str(info.value).startswith("我的方案.yaml: 不认识的字段 decision; 可用: ")
    assert "decisions" in str(info.value)

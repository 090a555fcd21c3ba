"""Scheme files: a typo in a top-level field is an error, not silently ignored."""

import pytest

from xl_kpi.base.errors import SchemeError
from xl_kpi.schemes.scheme import builtin_text, parse_scheme_text


def test_unknown_top_level_field_is_named():
    text = builtin_text("cs-quant") + "\ndecision: {raise: {at_least: 88}}\n"
    with pytest.raises(SchemeError) as info:
        parse_scheme_text(text, source="我的方案.yaml")
    assert str(info.value).startswith("我的方案.yaml: 不认识的字段 decision; 可用: ")
    assert "decisions" in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])  # gbk: Windows Notepad's "ANSI"
def test_scheme_file_saved_by_notepad(tmp_path, encoding):
    from click.testing import CliRunner

    from xl_kpi.cli import main

    path = tmp_path / "我的方案.yaml"
    path.write_bytes(builtin_text("cs-quant").encode(encoding))
    check = CliRunner().invoke(main, ["scheme", "check", str(path)])
    assert check.exit_code == 0 and check.output.startswith("方案 cs-quant 有效"), check.output
    data = tmp_path / "in.csv"
    data.write_text("工号,客户投诉率\nK1,0.1%\n", encoding="utf-8")
    score = CliRunner().invoke(main, ["score", "--scheme", str(path), str(data), "-o", str(tmp_path / "o.csv")])
    assert score.exit_code == 1 and "缺少列" in score.output, score.output  # read and used: columns are missing


def test_scheme_file_in_another_encoding_is_a_clear_error(tmp_path):
    from xl_kpi.schemes.scheme import load_scheme

    path = tmp_path / "方案.yaml"
    path.write_bytes(builtin_text("cs-quant").encode("utf-16"))  # Notepad's "Unicode"
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    assert str(info.value).startswith(f"{path}: 无法识别文件编码")
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("id: x\nname: [bad\nindicators:\n  - id: a\n", "方案.yaml: 不是有效的 YAML: 第3行第11列 expected ',' or ']', but got ':'"),
    ("id: x\nname: ok\n\tindicators: 1\n", "方案.yaml: 不是有效的 YAML: 第3行第1列 found character '\\t' that cannot "
                                          "start any token (缩进不能用 Tab, 请用空格)"),
])
def test_a_yaml_syntax_error_is_one_line_with_its_place(text, expected):
    with pytest.raises(SchemeError) as info:
        parse_scheme_text(text, source="方案.yaml")
    assert str(info.value) == expected

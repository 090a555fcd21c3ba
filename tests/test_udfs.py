"""The KPI_* functions are xlwings UDFs with Chinese descriptions, and behave as Excel cells need."""

import inspect
import io
import types

import pytest

from xl_kpi import udfs
from xl_kpi.addin import vba

NAMES = ["KPI_COMPLAINT", "KPI_SATISFACTION", "KPI_RESPONSE", "KPI_RESOLUTION", "KPI_KNOWLEDGE", "KPI_SCORE",
         "KPI_BLEND", "KPI_GRADE", "KPI_POST_WAGE", "KPI_BONUS", "KPI_COMMISSION", "KPI_ADVISOR_RATING"]


def test_every_function_the_issue_names_exists():
    assert sorted(udfs.CATALOG) == sorted(NAMES)
    assert sorted(udfs.__all__) == sorted(NAMES)


@pytest.fixture
def windows_xlwings():
    """xlwings' own UDF machinery (xlwings.udfs) over a copy of xl_kpi.udfs, as Excel's xlwings
    server would see it on Windows: pywin32's modules stubbed where missing (xl_kpi.addin.vba.windows_udfs,
    the same code the add-in build uses to write the VBA wrappers)."""
    with vba.windows_udfs() as pair:
        yield pair


def test_xlwings_registers_every_function(windows_xlwings):
    xu, module = windows_xlwings
    for name in NAMES:
        fn = getattr(module, name)
        meta = fn.__xlfunc__
        assert meta["category"] == "KPI考核"
        description, arg_docs = module.CATALOG[name]
        assert fn.__doc__ == description and any("\u4e00" <= ch <= "\u9fff" for ch in description)
        assert list(inspect.signature(fn).parameters) == list(arg_docs), "every argument documented, in order"
        for arg in meta["args"]:
            assert arg["options"]["ndim"] == 2
            assert arg["doc"] == arg_docs[arg["name"]]
    buffer = io.StringIO()
    xu.generate_vba_wrapper("xl_kpi.udfs", module, buffer, types.SimpleNamespace(Name="xl_kpi.xlam"))
    code = buffer.getvalue()
    for name in NAMES:
        params = list(inspect.signature(getattr(module, name)).parameters)
        required = [p for p in params if inspect.signature(getattr(module, name)).parameters[p].default is inspect._empty]
        declared = ", ".join(required + [f"Optional {p}" for p in params if p not in required])
        assert f"Function {name}({declared})" in code, name
        assert f'XLPy.CallUDF("xl_kpi.udfs", "{name}", Array({", ".join(params)})' in code
    # the functions stay plain Python functions
    assert module.KPI_COMPLAINT(0.003) == 14


def test_scalar_in_scalar_out_and_ranges_keep_shape():
    assert udfs.KPI_COMPLAINT(0.003) == 14
    assert udfs.KPI_COMPLAINT([[0.003], [0.0015]]) == [[14], [18]]  # a column stays a column
    assert udfs.KPI_COMPLAINT([[0.003, 0.0015]]) == [[14, 18]]  # a row stays a row
    assert udfs.KPI_BLEND([[80], [70]], [[90]]) == [[86], [82]]  # a single cell pairs with every row
    assert udfs.KPI_BLEND([[80], [70]], [[90], [80], [70]]) == "区域大小不一致"


def test_errors_are_messages_never_numbers():
    for result in (udfs.KPI_COMPLAINT(True), udfs.KPI_SCORE("cs-table", "处事能力", 9.5),
                   udfs.KPI_GRADE(-1), udfs.KPI_COMMISSION(-5, 100), udfs.KPI_BLEND(80, 90, 1.5)):
        assert isinstance(result, str) and any("\u4e00" <= ch <= "\u9fff" for ch in result), result


def test_importing_the_functions_stays_light():
    """Excel waits on this import at the first KPI_* call: beyond xlwings itself (whose server
    is already running then, with its own imports), it must not pull in pandas, Polars,
    openpyxl or the command line."""
    import subprocess
    import sys

    code = ("import sys, xlwings; before = set(sys.modules); import xl_kpi.udfs; "
            "print(' '.join(sorted(m.split('.')[0] for m in set(sys.modules) - before)))")
    added = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert added, "the check must see the modules the import adds"
    assert "xl_kpi" in added
    assert not added & {"pandas", "polars", "openpyxl", "numpy", "click", "rich", "jinja2", "python_calamine"}, added


def test_a_rules_range_is_the_scheme():
    """Generated sheets of a company's own scheme hand the functions their 规则 sheet
    ('规则'!$A$1:$A$N, one YAML line per cell, as xlwings passes a column: a list of rows).
    It is one scheme, never a range to go through cell by cell; a value range beside it still is."""
    from xl_kpi.schemes.rules_text import NOTE
    from xl_kpi.schemes.scheme import builtin_text

    def column(yaml_text: str) -> list[list]:
        return [[NOTE]] + [[line or None] for line in yaml_text.rstrip("\n").split("\n")]

    quant = builtin_text("cs-quant").replace("points_per_step: 2\n", "points_per_step: 3\n", 1)
    rules = column(quant)
    assert udfs.KPI_SCORE(rules, [["客户投诉率"]], [[0.003]]) == [[11]]  # 3 steps of 3 points (built-in: 14)
    assert udfs.KPI_SCORE("cs-quant", "客户投诉率", 0.003) == 14
    assert udfs.KPI_SCORE(rules, "complaint_rate", [[0.003], [0.001], [0]]) == [[11], [17], [20]]
    assert udfs.KPI_SATISFACTION([[89.5]], rules) == [[16]]
    table = column(builtin_text("cs-table").replace("{grade: 优, at_least: 95", "{grade: 优, at_least: 90", 1))
    assert udfs.KPI_GRADE([[92]], table) == [["优"]] and udfs.KPI_GRADE(92) == "良"
    assert udfs.KPI_POST_WAGE([[92], [89.99]], table) == [[1800], [1500]]
    assert udfs.KPI_COMMISSION([[100000]], [[100000]], table) == [[1000]]
    # a range that is no scheme: the cell says so, naming the sheet
    wrong = udfs.KPI_GRADE([[92]], [["甲"], ["乙"]])
    assert wrong[0][0].startswith("工作表「规则」"), wrong
    # a one-cell range is an id or a path, as before
    assert udfs.KPI_GRADE([[92]], [["cs-table"]]) == [["良"]]

"""The KPI_* functions are xlwings UDFs with Chinese descriptions, and behave as Excel cells need."""

import importlib
import inspect
import io
import sys
import types

import pytest
import xlwings

from xl_kpi import udfs

NAMES = ["KPI_COMPLAINT", "KPI_SATISFACTION", "KPI_RESPONSE", "KPI_RESOLUTION", "KPI_KNOWLEDGE", "KPI_SCORE",
         "KPI_BLEND", "KPI_GRADE", "KPI_POST_WAGE", "KPI_BONUS", "KPI_COMMISSION", "KPI_ADVISOR_RATING"]


def test_every_function_the_issue_names_exists():
    assert sorted(udfs.CATALOG) == sorted(NAMES)
    assert sorted(udfs.__all__) == sorted(NAMES)


@pytest.fixture
def windows_xlwings(monkeypatch):
    """xlwings' own UDF machinery (xlwings.udfs), importable here with pywin32's modules stubbed.

    On Windows xw.func/xw.arg are xlwings.udfs.xlfunc/xlarg; elsewhere they do nothing.  We put
    the real ones in place and re-import xl_kpi.udfs, as Excel's xlwings server would see it.
    """
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    sys.modules["pythoncom"].com_error = Exception
    sys.modules["pythoncom"].CoInitialize = lambda: None
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    xu = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", xu.xlfunc)
    monkeypatch.setattr(xlwings, "arg", xu.xlarg)
    module = importlib.reload(udfs)
    yield xu, module
    monkeypatch.undo()
    importlib.reload(udfs)


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
    vba = io.StringIO()
    xu.generate_vba_wrapper("xl_kpi.udfs", module, vba, types.SimpleNamespace(Name="xl_kpi.xlam"))
    code = vba.getvalue()
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

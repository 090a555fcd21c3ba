"""The documents' own rules, through the built-in schemes and through the KPI_* functions.

Values are given as a person types them in Excel: 0.3% arrives as the float 0.003,
a satisfaction score as 89.5.  Every expected number comes from the document:

* 000 (cs-quant): 客戶服務人員KPI績效量化考核
* 002 (cs-table): 客服 KPI 考核表 + 客服人员绩效考核管理办法
* 003 (advisor-4s): 钣喷服务顾问考核表 + 服务顾问五级评定
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from xl_kpi import udfs
from xl_kpi.base.errors import InputValueError, UnknownIndicatorError, UnknownSchemeError
from xl_kpi.engine.score import score_indicator
from xl_kpi.schemes.scheme import builtin_ids, builtin_scheme

D = Decimal
CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese_error(result) -> bool:
    """A cell showing a Chinese message, never a number."""
    return isinstance(result, str) and not isinstance(result, bool) and bool(CJK.search(result))


def engine_score(scheme_id: str, indicator: str, *values):
    scheme = builtin_scheme(scheme_id)
    return score_indicator(scheme.indicator(indicator), list(values), scheme.decimals)


def test_builtin_ids():
    assert builtin_ids() == ["advisor-4s", "cs-quant", "cs-smart", "cs-table"]


# =========================================================================== cs-quant (000)

# 客户投诉率: 0 得20分; 每上升0.1个百分点扣2分, 扣完为止
COMPLAINT_RATE = [
    (0, 20),
    (0.0, 20),
    (0.0009, 20),  # not yet 0.1 percentage point
    (0.001, 18),
    (0.0015, 18),  # partial step ignored
    (0.002, 16),
    (0.003, 14),  # 3 steps, not 2.9999... -> 16
    (0.004, 12),
    (0.006, 8),
    (0.007, 6),
    (0.0099, 2),  # 9 full steps: 20 - 18
    (0.01, 0),
    (0.05, 0),
    (1.0, 0),
    ("0.3%", 14),
    ("０．３％", 14),
]


@pytest.mark.parametrize(("rate", "expected"), COMPLAINT_RATE)
def test_cs_quant_complaint_rate(rate, expected):
    assert engine_score("cs-quant", "complaint_rate", rate) == expected
    assert udfs.KPI_COMPLAINT(rate) == expected
    assert udfs.KPI_SCORE("cs-quant", "客户投诉率", rate) == expected


@pytest.mark.parametrize("rate", [1.01, 2, -0.001, "abc", "", None, "#N/A", True])
def test_cs_quant_complaint_rate_errors(rate):
    result = udfs.KPI_COMPLAINT(rate)
    assert is_chinese_error(result), result
    with pytest.raises(InputValueError):
        engine_score("cs-quant", "complaint_rate", rate)


def test_cs_quant_complaint_optional_arguments():
    # each 0.2 percentage point costs 5 of 10: 0.5% is 2 full steps -> 10 - 10 = 0; 0.3% is 1 step -> 5
    assert udfs.KPI_COMPLAINT(0.003, 0.002, 5, 10) == 5
    assert udfs.KPI_COMPLAINT(0.005, "0.2%", 5, 10) == 0
    assert udfs.KPI_COMPLAINT(0.001, None, None, 30) == 28
    assert is_chinese_error(udfs.KPI_COMPLAINT(0.001, 0))
    assert is_chinese_error(udfs.KPI_COMPLAINT(0.001, None, -1))


# 客户满意度: ≥90 20; 80-89 16; 70-79 12; 60-69 8; <60 0
SATISFACTION = [
    (100, 20),
    (90, 20),
    (89.99, 16),
    (89.5, 16),
    (80, 16),
    (79.9, 12),
    (70, 12),
    (69, 8),
    (60, 8),
    (59.99, 0),
    (0, 0),
    ("89.5", 16),
    ("８９．５", 16),
]


@pytest.mark.parametrize(("value", "expected"), SATISFACTION)
def test_cs_quant_satisfaction(value, expected):
    assert engine_score("cs-quant", "satisfaction", value) == expected
    assert udfs.KPI_SATISFACTION(value) == expected


@pytest.mark.parametrize("value", [-1, 101, 100.01, "abc", None])
def test_cs_quant_satisfaction_errors(value):
    assert is_chinese_error(udfs.KPI_SATISFACTION(value))


# 平均响应时间: 10分钟以内15; 10-30分钟10; 30-60分钟5; 超过60分钟0
RESPONSE = [(0, 15), (10, 15), (10.01, 10), (30, 10), (30.5, 5), (60, 5), (60.01, 0), (600, 0)]


@pytest.mark.parametrize(("minutes", "expected"), RESPONSE)
def test_cs_quant_response(minutes, expected):
    assert engine_score("cs-quant", "response_time", minutes) == expected
    assert udfs.KPI_RESPONSE(minutes) == expected


def test_cs_quant_response_negative():
    assert is_chinese_error(udfs.KPI_RESPONSE(-1))


# 问题解决率: 100%得15分; 每下降1个百分点扣1分, 扣完为止
RESOLUTION = [
    (1.0, 15),
    (1, 15),
    (0.995, 15),
    (0.99, 14),
    (0.985, 14),
    (0.98, 13),
    (0.97, 12),  # 0.97 is not exactly representable; still 3 steps
    (0.93, 8),  # (1 - 0.93) / 0.01 is 6.999999999999995 in floats; 7 steps typed
    (0.92, 7),
    (0.91, 6),
    (0.9, 5),
    (0.89, 4),
    (0.86, 1),
    (0.85, 0),
    (0.3, 0),
    (0, 0),
    ("97%", 12),
]


@pytest.mark.parametrize(("rate", "expected"), RESOLUTION)
def test_cs_quant_resolution(rate, expected):
    assert engine_score("cs-quant", "resolution_rate", rate) == expected
    assert udfs.KPI_RESOLUTION(rate) == expected


@pytest.mark.parametrize("rate", [1.01, -0.01, "满分"])
def test_cs_quant_resolution_errors(rate):
    assert is_chinese_error(udfs.KPI_RESOLUTION(rate))


# 业务知识测试: ≥90 10; 80-89 8; 70-79 6; 60-69 4; <60 0
KNOWLEDGE = [(100, 10), (90, 10), (89.5, 8), (80, 8), (79.99, 6), (70, 6), (60, 4), (59, 0), (59.99, 0)]


@pytest.mark.parametrize(("value", "expected"), KNOWLEDGE)
def test_cs_quant_knowledge(value, expected):
    assert engine_score("cs-quant", "knowledge_test", value) == expected
    assert udfs.KPI_KNOWLEDGE(value) == expected
    assert udfs.KPI_SCORE("cs-quant", "业务知识测试成绩", value) == expected


@pytest.mark.parametrize(
    ("indicator", "allowed"),
    [
        ("skill_application", [10, 8, 6, 4, 0]),
        ("技能应用能力", [10, 8, 6, 4, 0]),
        ("内部协作配合度", [5, 4, 3, 2, 0]),
        ("信息共享及时性", [5, 4, 3, 2, 0]),
    ],
)
def test_cs_quant_rubrics_accept_listed_points(indicator, allowed):
    for points in allowed:
        assert udfs.KPI_SCORE("cs-quant", indicator, points) == points
        assert engine_score("cs-quant", indicator, points) == points


@pytest.mark.parametrize("points", [7, 9, 10.5, 1, 3, -1, 8.5])
def test_cs_quant_skill_rejects_other_points(points):
    assert is_chinese_error(udfs.KPI_SCORE("cs-quant", "技能应用能力", points))
    with pytest.raises(InputValueError):
        engine_score("cs-quant", "skill_application", points)


@pytest.mark.parametrize("points", [1, 4.5, 6])
def test_cs_quant_collaboration_rejects_other_points(points):
    assert is_chinese_error(udfs.KPI_SCORE("cs-quant", "内部协作配合度", points))


def test_cs_quant_bonus_document_example():
    # 绩效奖金基数为1000元, 考核得分为80分, 则当月绩效奖金 = 1000 × 80% = 800元
    assert udfs.KPI_BONUS(1000, 80) == 800
    assert udfs.KPI_BONUS(1000, 85.5) == 855
    assert udfs.KPI_BONUS(1000, 100) == 1000
    assert udfs.KPI_BONUS(1234, 87.5) == pytest.approx(1079.75)  # 1234 × 0.875
    assert is_chinese_error(udfs.KPI_BONUS(-1000, 80))
    assert is_chinese_error(udfs.KPI_BONUS(1000, -1))
    assert is_chinese_error(udfs.KPI_BONUS("abc", 80))


def test_cs_quant_structure():
    scheme = builtin_scheme("cs-quant")
    assert [(g.name, g.weight) for g in scheme.groups] == [
        ("客户服务质量", 40), ("工作效率", 30), ("专业知识与技能", 20), ("团队协作", 10)
    ]
    assert [(i.id, i.weight) for i in scheme.indicators] == [
        ("complaint_rate", 20), ("satisfaction", 20), ("response_time", 15), ("resolution_rate", 15),
        ("knowledge_test", 10), ("skill_application", 10), ("collaboration", 5), ("info_sharing", 5),
    ]
    assert scheme.bonus is True


# =========================================================================== cs-table (002)


@pytest.mark.parametrize(
    ("indicator", "points", "ok"),
    [
        ("处事能力", 10, True),
        ("处事能力", 9, True),  # 8—9
        ("处事能力", 8, True),
        ("处事能力", 7, True),
        ("处事能力", 0, True),  # 0—3
        ("处事能力", 9.5, False),
        ("处事能力", 11, False),
        ("处事能力", -1, False),
        ("处理投诉及售后工作", 20, True),
        ("处理投诉及售后工作", 19, True),
        ("处理投诉及售后工作", 16, True),
        ("处理投诉及售后工作", 15, True),  # written 15-10
        ("处理投诉及售后工作", 12, True),
        ("处理投诉及售后工作", 10, True),
        ("处理投诉及售后工作", 5, True),
        ("处理投诉及售后工作", 0, True),
        ("处理投诉及售后工作", 21, False),
        ("处理投诉及售后工作", 15.5, False),
        ("纪律性", 5, True),
        ("纪律性", 3, True),
        ("纪律性", 1, True),
        ("纪律性", 6, False),
        ("工作协调", 9, True),
        ("工作业绩", 40, True),
        ("工作业绩", 35, True),
        ("工作业绩", 41, False),
        ("工作激情", 5, True),
        ("协助网络推广", 4, True),
        ("协助网络推广（连带销售）工作", 5, True),
        ("做好工作总结，提出合理建议", 3, True),
    ],
)
def test_cs_table_rubric_points(indicator, points, ok):
    result = udfs.KPI_SCORE("cs-table", indicator, points)
    if ok:
        assert result == points
        assert engine_score("cs-table", indicator, points) == points
    else:
        assert is_chinese_error(result), result


def test_cs_table_complaints_level_written_15_10():
    level = builtin_scheme("cs-table").indicator("处理投诉及售后工作").rule.levels[2]
    assert (level.low, level.high) == (10, 15)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((80, 90), 86),  # 80 × 40% + 90 × 60% = 32 + 54
        ((80, 90, 0.5), 85),
        ((80, 90, "50%"), 85),
        ((100, 100), 100),
        ((0, 0), 0),
        ((85, 92), pytest.approx(89.2)),  # 34 + 55.2
        ((90, 80, 1), 90),
        ((90, 80, 0), 80),
    ],
)
def test_cs_table_blend(args, expected):
    assert udfs.KPI_BLEND(*args) == expected


@pytest.mark.parametrize("args", [(80, 90, 1.5), (80, 90, -0.1), ("abc", 90), (80, None)])
def test_cs_table_blend_errors(args):
    assert is_chinese_error(udfs.KPI_BLEND(*args))


# 考核结果应用表: 优 95~100 / 良 85~94 / 好 75~84 / 及格 65~74 / 不及格 65以下; 岗位工资 1800/1500/1400/1300/1200
GRADES = [
    (100, "优", 1800),
    (95, "优", 1800),
    (94.99, "良", 1500),
    (94.5, "良", 1500),
    (85, "良", 1500),
    (84.99, "好", 1400),
    (75, "好", 1400),
    (74.99, "及格", 1300),
    (65, "及格", 1300),
    (64.99, "不及格", 1200),
    (0, "不及格", 1200),
]


@pytest.mark.parametrize(("total", "grade", "wage"), GRADES)
def test_cs_table_grades_and_post_wage(total, grade, wage):
    assert udfs.KPI_GRADE(total) == grade
    assert udfs.KPI_POST_WAGE(total) == wage
    assert builtin_scheme("cs-table").grades.grade_of(D(str(total))).grade == grade


@pytest.mark.parametrize("total", [-1, "abc", None])
def test_cs_table_grade_errors(total):
    assert is_chinese_error(udfs.KPI_GRADE(total))
    assert is_chinese_error(udfs.KPI_POST_WAGE(total))


# 个人销售提成: Y<X 0.5%; X≤Y<X+5W 1%; Y≥X+5W 1.2%; W = 10000
COMMISSION = [
    (99999, 100000, 500),  # 0.5% × 99999 = 499.995 -> 500.00
    (100000, 100000, 1000),  # exactly X: 1%
    (149999, 100000, pytest.approx(1499.99)),  # 1% × 149999
    (150000, 100000, 1800),  # exactly X + 5W: 1.2%
    (200000, 100000, 2400),
    (50000, 100000, 250),
    (0, 100000, 0),
    (1000, 0, 10),  # no plan: 1000 ≥ 0 but below 5W -> 1%
]


@pytest.mark.parametrize(("actual", "plan", "expected"), COMMISSION)
def test_cs_table_commission(actual, plan, expected):
    assert udfs.KPI_COMMISSION(actual, plan) == expected


def test_cs_table_commission_exact_decimal():
    commission = builtin_scheme("cs-table").commission
    assert commission.w == 10000
    assert commission.amount(D(99999), D(100000)) == D("500.00")
    assert commission.amount(D(149999), D(100000)) == D("1499.99")
    assert commission.rate(D(150000), D(100000)) == D("0.012")
    assert commission.rate(D(149999.99), D(100000)) == D("0.01")


@pytest.mark.parametrize("args", [(-1, 100000), (100000, -1), ("abc", 100000), (100000, "")])
def test_cs_table_commission_errors(args):
    assert is_chinese_error(udfs.KPI_COMMISSION(*args))


def test_cs_table_structure():
    scheme = builtin_scheme("cs-table")
    assert [(a.name, a.weight) for a in scheme.assessors] == [("自评", D("0.4")), ("部门主管", D("0.6"))]
    assert [(g.weight, [i.weight for i in g.indicators]) for g in scheme.groups] == [
        (30, [5, 10, 10, 5]),
        (70, [40, 20, 5, 5]),
    ]


# =========================================================================== advisor-4s (003)


def advisor(indicator, *values):
    return udfs.KPI_SCORE("advisor-4s", indicator, *values)


# 钣喷毛利 25分: 完成当月基本任务的60%-100%之间比例得分
@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(0, 0), (0.59, 0), (0.6, 15), (0.8, 20), (0.873, pytest.approx(21.83)), (1.0, 25), (1.3, 25), ("87.3%", pytest.approx(21.83))],
)
def test_advisor_gross_margin(ratio, expected):
    assert advisor("钣喷毛利", ratio) == expected


def test_advisor_gross_margin_exact():
    assert engine_score("advisor-4s", "gross_margin", 0.873) == D("21.83")  # 25 × 0.873 = 21.825


@pytest.mark.parametrize(("ratio", "expected"), [(0.59, 0), (0.6, 3), (0.9, 4.5), (1, 5), (2, 5)])
def test_advisor_service_output(ratio, expected):
    assert advisor("接车月产值", ratio) == expected


# 客户满意度 (权重3, 可超出): 91%-95% 3分; 86%-90%(含) 2分; 80%-85%(含) 1分; 80%以下 0; >95% 4; >98% 5 (取整数)
@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (0.79, 0),
        (0.7949, 0),
        (0.795, 1),  # rounds to 80%
        (0.8, 1),
        (0.85, 1),
        (0.854, 1),
        (0.86, 2),
        (0.9, 2),
        (0.904, 2),  # rounds to 90%
        (0.905, 3),  # rounds to 91%
        (0.91, 3),
        (0.95, 3),
        (0.954, 3),
        (0.96, 4),
        (0.98, 4),
        (0.984, 4),
        (0.985, 5),  # rounds to 99%
        (0.99, 5),
        (1.0, 5),
    ],
)
def test_advisor_satisfaction(rate, expected):
    assert advisor("客户满意度", rate) == expected
    assert engine_score("advisor-4s", "satisfaction", rate) == expected


def test_advisor_satisfaction_may_exceed_weight():
    ind = builtin_scheme("advisor-4s").indicator("satisfaction")
    assert ind.weight == 3
    assert ind.allow_exceed is True
    assert ind.max_points == 5


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("抱怨投诉次数", 0, 5),
        ("抱怨投诉次数", 2, 5),  # <3次5分
        ("抱怨投诉次数", 3, 0),
        ("5S规范", 4, 3),  # <5次3分
        ("5S规范", 5, 0),
        ("5S规范(含服务形象和动作)", 0, 3),
        ("互动业务", 0, 4),
        ("互动业务", 1, 3),
        ("互动业务", 2, 2),
        ("互动业务", 3, 0),
        ("均衡生产率", 0, 2),
        ("均衡生产率", 0.0999, 2),
        ("均衡生产率", 0.1, 1),
        ("均衡生产率", 0.1499, 1),
        ("均衡生产率", 0.15, 0),
        ("均衡生产率", 0.3, 0),
        ("抱怨投诉处理及时率", 0, 3),
        ("抱怨投诉处理及时率", 3, 3),  # 3天内
        ("抱怨投诉处理及时率", 3.5, 0),
        ("续保额", 0, 0),
        ("续保额", 1, 1),
        ("续保额", 2, 2),
        ("续保额", 3, 3),
        ("续保额", 7, 3),
        ("呆帐", 0, 2),
        ("呆帐", 1, 0),
        ("呆帳", 0, 2),
        ("接车单据合格率", 2, 2),
        ("接车单据合格率", 3, 0),
        ("保险事故理赔单据合格率", 2, 4),
        ("保险事故理赔单据合格率", 3, 0),
        ("延期交车", 2, 3),
        ("延期交车", 3, 0),
        ("返修台次", 0, 2),
        ("返修台次", 1, 0),
        ("维修拒赔额", 0, 3),
        ("维修拒赔额", 0.01, 0),
        ("陪同交车", 0, 2),
        ("陪同交车", 1, 0),
        ("报表", 2, 2),
        ("报表", 3, 0),
        ("培训", 0, 5),
        ("培训", 1, 0),
        ("回款率", 1.0, 2),
        ("回款率", 0.9, 1.8),
        ("客单价", 0.5, 5),
        ("客单价", 1.2, 10),
        ("客户流失率", 4, 4),
        ("客户流失率", 2.5, 2.5),
        ("客户保有数", 3, 3),
    ],
)
def test_advisor_counts_and_bands(indicator, value, expected):
    assert advisor(indicator, value) == expected


@pytest.mark.parametrize(
    ("violations", "accidents", "expected"), [(0, 0, 2), (2, 0, 2), (3, 0, 0), (0, 1, 0), (2, 1, 0)]
)
def test_advisor_safety_two_inputs(violations, accidents, expected):
    assert advisor("安全生产", violations, accidents) == expected
    assert engine_score("advisor-4s", "safety", violations, accidents) == expected


@pytest.mark.parametrize(
    ("indicator", "values"),
    [
        ("抱怨投诉次数", (-1,)),
        ("抱怨投诉次数", (1.5,)),
        ("续保额", (-1,)),
        ("续保额", (1.5,)),
        ("互动业务", (0.5,)),
        ("安全生产", (-1, 0)),
        ("安全生产", (0, 1.5)),
        ("安全生产", (2,)),  # second value missing
        ("抱怨投诉处理及时率", (-1,)),
        ("均衡生产率", (1.01,)),
        ("客户满意度", (1.01,)),
        ("钣喷毛利", (-0.1,)),
        ("客户流失率", (4.5,)),
        ("客户流失率", (-1,)),
    ],
)
def test_advisor_errors(indicator, values):
    assert is_chinese_error(advisor(indicator, *values))


# 服务顾问五级评定: 三项均≥90 优秀; 均80-89 良好; 均70-79 合格; 均60-69 待提高; 任一项<60 不合格
@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((90, 90, 90), "优秀"),
        ((100, 100, 100), "优秀"),
        ((95, 85, 91), "良好"),
        ((89.5, 95, 95), "良好"),
        ((80, 80, 80), "良好"),
        ((70, 99, 99), "合格"),
        ((79.99, 90, 90), "合格"),
        ((60, 60, 60), "待提高"),
        ((69, 100, 60), "待提高"),
        ((59.9, 100, 100), "不合格"),
        ((100, 100, 0), "不合格"),
    ],
)
def test_advisor_rating(scores, expected):
    assert udfs.KPI_ADVISOR_RATING(*scores) == expected


@pytest.mark.parametrize("scores", [(101, 90, 90), (90, -1, 90), ("abc", 90, 90), (90, 90, None)])
def test_advisor_rating_errors(scores):
    result = udfs.KPI_ADVISOR_RATING(*scores)
    assert is_chinese_error(result)
    assert result not in ("优秀", "良好", "合格", "待提高", "不合格")


def test_advisor_threshold():
    assert builtin_scheme("advisor-4s").pay_threshold == D("0.8")


# =========================================================================== UDF errors and lookup


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("KPI_SATISFACTION", ("九十",)),  # text where a number belongs
        ("KPI_SATISFACTION", ("",)),
        ("KPI_COMPLAINT", (1.5,)),  # rate above 100%
        ("KPI_RESOLUTION", (1.2,)),
        ("KPI_SCORE", ("advisor-4s", "抱怨投诉次数", -2)),  # negative count
        ("KPI_SCORE", ("no-such-scheme", "客户满意度", 90)),  # unknown scheme
        ("KPI_SCORE", ("cs-quant", "不存在的指标", 90)),  # unknown indicator
        ("KPI_SCORE", ("cs-quant", "", 90)),
        ("KPI_SATISFACTION", (90, "no-such-scheme")),
        ("KPI_GRADE", (90, "cs-quant")),  # scheme without grades
        ("KPI_COMMISSION", (1, 1, "cs-quant")),  # scheme without commission
    ],
)
def test_udf_errors_are_chinese_strings(call, args):
    result = getattr(udfs, call)(*args)
    assert is_chinese_error(result), result
    assert not isinstance(result, (int, float))


def test_unknown_scheme_and_indicator_messages():
    assert "no-such-scheme" in udfs.KPI_SCORE("no-such-scheme", "客户满意度", 90)
    assert "不存在的指标" in udfs.KPI_SCORE("cs-quant", "不存在的指标", 90)
    with pytest.raises(UnknownSchemeError):
        builtin_scheme("no-such-scheme")
    with pytest.raises(UnknownIndicatorError):
        builtin_scheme("cs-quant").indicator("不存在的指标")


@pytest.mark.parametrize(
    "key", ["complaint_rate", "客户投诉率", "客戶投訴率", " 客户投诉率 ", "COMPLAINT_RATE"]
)
def test_kpi_score_finds_indicator_by_id_and_names(key):
    assert udfs.KPI_SCORE("cs-quant", key, 0.003) == 14


@pytest.mark.parametrize(
    ("scheme", "key", "value", "expected"),
    [
        ("cs-quant", "客戶滿意度", 89.5, 16),
        ("cs-quant", "問題解決率", 0.97, 12),
        ("cs-quant", "平均響應時間", 10, 15),
        ("cs-quant", "業務知識測試成績", 80, 8),
        ("advisor-4s", "鈑噴毛利", 0.6, 15),
        ("advisor-4s", "抱怨投訴次數", 2, 5),
        ("advisor-4s", "5s规范", 4, 3),
        ("cs-table", "處事能力", 9, 9),
        ("cs-table", "handling", 9, 9),
        ("CS-QUANT", "satisfaction", 90, 20),
    ],
)
def test_kpi_score_hant_names(scheme, key, value, expected):
    assert udfs.KPI_SCORE(scheme, key, value) == expected


def test_kpi_score_returns_plain_numbers():
    result = udfs.KPI_SCORE("cs-quant", "complaint_rate", 0.003)
    assert type(result) is int and result == 14
    result = udfs.KPI_SCORE("advisor-4s", "gross_margin", 0.873)
    assert type(result) is float and result == 21.83


# =========================================================================== ranges


def test_range_2d_column():
    assert udfs.KPI_SATISFACTION([[90], [89.5]]) == [[20], [16]]


def test_range_1d():
    assert udfs.KPI_SATISFACTION([90, 89.5, 59.99]) == [20, 16, 0]


def test_range_2d_block_with_errors_in_place():
    result = udfs.KPI_COMPLAINT([[0, 0.001], [0.003, "abc"]])
    assert result[0] == [20, 18]
    assert result[1][0] == 14
    assert is_chinese_error(result[1][1])


def test_range_with_scalar_arguments():
    assert udfs.KPI_BLEND([[80], [100]], 90) == [[86], [94]]  # 32 + 54; 40 + 54
    assert udfs.KPI_BLEND([80, 100], [90, 80]) == [86, 88]  # 40 + 48
    assert udfs.KPI_SCORE("advisor-4s", "安全生产", [[0], [3]], [[0], [0]]) == [[2], [0]]


def test_range_shape_mismatch():
    assert is_chinese_error(udfs.KPI_BLEND([[80], [90]], [[1], [2], [3]]))


def test_catalog_lists_every_function():
    assert set(udfs.CATALOG) == {
        "KPI_COMPLAINT", "KPI_SATISFACTION", "KPI_RESPONSE", "KPI_RESOLUTION", "KPI_KNOWLEDGE",
        "KPI_SCORE", "KPI_BLEND", "KPI_GRADE", "KPI_POST_WAGE", "KPI_BONUS", "KPI_COMMISSION",
        "KPI_ADVISOR_RATING",
    }

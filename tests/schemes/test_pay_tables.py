"""pay.py: grade tables, sales commission tiers and the advisor rating as a scheme file writes them.

Written from a mutation run of pay.py (mutmut 3.8): each test pins a grade, a rate, a
level or the Chinese message a mistyped scheme file gets, with values as a person types them.
"""

from decimal import Decimal as D

import pytest

from xl_kpi.base.errors import SchemeError
from xl_kpi.schemes.pay import parse_commission, parse_grades, parse_rating
from xl_kpi.schemes.scheme import builtin_scheme, builtin_text, parse_scheme_text

OTHER = {"grade": "不及格", "otherwise": True}


def _error(parse, raw) -> str:
    with pytest.raises(ValueError) as info:
        parse(raw)
    return str(info.value)


# --------------------------------------------------------------------------- grades


def test_two_grades_are_enough_and_the_band_is_half_open():
    table = parse_grades([{"grade": "合格", "at_least": "60"}, OTHER])
    assert table.grade_of(D("60")).grade == "合格"
    assert table.grade_of(D("59.99")).grade == "不及格"


def test_a_grade_row_keeps_what_hr_wrote_and_leaves_the_rest_empty():
    table = parse_grades([
        {"grade": "优", "at_least": 89.5, "training": "无", "promotion": "推荐", "level": "资深客服", "post_wage": "1,800"},
        {"grade": "差", "otherwise": True},
    ])
    top, low = table.rows
    assert (top.grade, top.at_least, top.training, top.promotion, top.level, top.post_wage) == (
        "优", D("89.5"), "无", "推荐", "资深客服", D("1800"))
    assert (low.grade, low.at_least, low.training, low.promotion, low.level, low.post_wage) == (
        "差", None, "", "", "", None)
    assert table.grade_of(D("89.5")).grade == "优" and table.grade_of(D("89.49")).grade == "差"


@pytest.mark.parametrize("raw, message", [
    ([{"grade": "优", "at_least": 90}], "grades 应为至少两个等级的列表"),
    ({"优": 90, "差": 0}, "grades 应为至少两个等级的列表"),
    ([{"at_least": 90}, OTHER], "第1个等级应写 grade 和 at_least (最后一个写 otherwise: true), 收到 {'at_least': 90}"),
    ([{"grade": "优", "at_least": 90, "otherwise": True}, OTHER],
     "第1个等级: 只有最后一个等级写 otherwise: true, 其余写 at_least"),
    ([{"grade": "优", "at_least": 90}, {"grade": "差", "otherwise": True, "at_least": 0}],
     "第2个等级: 只有最后一个等级写 otherwise: true, 其余写 at_least"),
    ([{"grade": "优", "at_least": 90, "颜色": "绿", "bonus": 100}, OTHER], "第1个等级有不认识的字段 bonus, 颜色"),
    ([{"grade": "优", "at_least": "九十"}, OTHER], "第1个等级 at_least 应为数字, 收到 '九十'"),
    ([{"grade": "优", "at_least": 90, "post_wage": "1800元"}, OTHER], "第1个等级 post_wage 应为数字, 收到 '1800元'"),
    ([{"grade": "优", "at_least": 95}, {"grade": "良", "at_least": 95}, OTHER], "等级分数线应从高到低且不重复: 95 之后是 95"),
    ([{"grade": "优", "at_least": 95}, {"grade": "良", "at_least": 85}, {"grade": "好", "at_least": 89.5}, OTHER],
     "等级分数线应从高到低且不重复: 85 之后是 89.5"),
])
def test_a_mistyped_grade_table_gets_its_message(raw, message):
    assert _error(parse_grades, raw) == message


# --------------------------------------------------------------------------- commission

TWO = [{"at_least": "X", "rate": "1%"}, {"otherwise": "0.5%"}]


def test_one_tier_and_otherwise_with_w_left_out_is_ten_thousand():
    c = parse_commission({"tiers": TWO})
    assert c.w == D(10000)
    assert c.rate(D("100000"), D("100000")) == D("0.01")
    assert c.amount(D("99999.99"), D("100000")) == D("500.00")  # 0.5%, half up


def test_w_as_typed_with_a_thousands_separator_moves_the_upper_tier():
    c = parse_commission({"w": "20,000", "tiers": [{"at_least": "X+1W", "rate": "1.2%"}, *TWO]})
    assert c.w == D(20000)
    assert c.rate(D("119999"), D("100000")) == D("0.01")
    assert c.rate(D("120000"), D("100000")) == D("0.012")
    assert c.amount(D("120000"), D("100000")) == D("1440.00")


def test_sales_kept_in_wan_yuan_take_w_of_1():
    c = parse_commission({"w": 1, "tiers": [{"at_least": "X+5W", "rate": "1.2%"}, *TWO]})  # X, Y and W in 万元
    assert c.rate(D("15"), D("10")) == D("0.012")
    assert c.rate(D("14.99"), D("10")) == D("0.01")


@pytest.mark.parametrize("raw, message", [
    ({"w": 10000}, "commission 应写 w (W 的金额) 和 tiers"),
    ("X+5W: 1.2%", "commission 应写 w (W 的金额) 和 tiers"),
    ({"tiers": [{"otherwise": "1%"}]}, "tiers 应为列表, 最后一档写 {otherwise: 比例}"),
    ({"tiers": [{"at_least": "X", "rate": "1%"}, "otherwise: 0.5%"]}, "tiers 应为列表, 最后一档写 {otherwise: 比例}"),
    ({"tiers": [{"at_least": "X"}, {"otherwise": "0.5%"}]},
     "第1档应写 at_least 或 above (如 \"X+5W\") 和 rate, 收到 {'at_least': 'X'}"),
    ({"tiers": ["above X+5W", {"otherwise": "0.5%"}]},
     "第1档应写 at_least 或 above (如 \"X+5W\") 和 rate, 收到 'above X+5W'"),
    ({"tiers": ["above X+5W, rate 1.2%", {"otherwise": "0.5%"}]},
     "第1档应写 at_least 或 above (如 \"X+5W\") 和 rate, 收到 'above X+5W, rate 1.2%'"),
    ({"tiers": [{"at_least": "Y+5W", "rate": "1%"}, {"otherwise": "0.5%"}]},
     "第1档的门槛应写成 X 或 X+5W 的样子, 收到 'Y+5W'"),
    ({"tiers": [{"at_least": "X", "rate": "一个点"}, {"otherwise": "0.5%"}]}, "第1档 rate 应为数字, 收到 '一个点'"),
    ({"tiers": [{"above": "X+5W", "rate": "1.2%"}, {"at_least": "X+5W", "rate": "1%"}, {"otherwise": "0.5%"}]},
     "提成档次应从高到低排列, 门槛不重复"),
    ({"tiers": [{"above": "X+5W", "rate": "1.2%"}, {"at_least": "X", "rate": "1%"}, {"at_least": "X+3W", "rate": "1.1%"},
                {"otherwise": "0.5%"}]}, "提成档次应从高到低排列, 门槛不重复"),
    ({"w": "一万", "tiers": TWO}, "w 应为数字, 收到 '一万'"),
    ({"w": 0, "tiers": TWO}, "w (W 的金额) 应大于 0, 收到 0"),
    ({"tiers": [TWO[0], {"otherwise": "半个点"}]}, "otherwise 应为数字, 收到 '半个点'"),
])
def test_a_mistyped_commission_gets_its_message(raw, message):
    assert _error(parse_commission, raw) == message


def test_commission_described_as_the_scheme_show_command_prints_it():
    assert builtin_scheme("cs-table").commission.describe() == "W=10000; Y≥X+5W: 1.2%; Y≥X: 1%; 其余: 0.5%"
    c = parse_commission({"w": "5,000", "tiers": [{"above": "X+2.5W", "rate": "1.5%"}, {"above": "X", "rate": "0.8%"},
                                                  {"otherwise": 0}]})
    assert c.describe() == "W=5000; Y>X+2.5W: 1.5%; Y>X: 0.8%; 其余: 0%"


# --------------------------------------------------------------------------- advisor rating

LEVELS = [{"name": "合格", "at_least": 60}, {"name": "不合格", "otherwise": True}]


def test_two_levels_are_enough_and_the_lowest_score_decides():
    r = parse_rating({"scores": ["业务知识", "服务态度"], "levels": LEVELS})
    assert r.names == ("业务知识", "服务态度")
    assert r.rate([D("95"), D("60")]) == "合格"
    assert r.rate([D("95"), D("59.5")]) == "不合格"


@pytest.mark.parametrize("raw, message", [
    ({"scores": ["业务知识"]}, "rating 应写 scores (几项得分的名称) 和 levels"),
    ({"levels": LEVELS}, "rating 应写 scores (几项得分的名称) 和 levels"),
    ({"scores": [], "levels": LEVELS}, "rating 的 scores 应为几项得分名称的列表, 收到 []"),
    ({"scores": "业务知识", "levels": LEVELS}, "rating 的 scores 应为几项得分名称的列表, 收到 '业务知识'"),
    ({"scores": ["业务知识"], "levels": [LEVELS[1]]}, "rating 的 levels 应为至少两级的列表"),
    ({"scores": ["业务知识"], "levels": ["优秀", LEVELS[1]]},
     "rating 第1级应写 name 和 at_least (最后一级写 otherwise: true), 收到 '优秀'"),
    ({"scores": ["业务知识"], "levels": [{"at_least": 90}, LEVELS[1]]},
     "rating 第1级应写 name 和 at_least (最后一级写 otherwise: true), 收到 {'at_least': 90}"),
    ({"scores": ["业务知识"], "levels": [{"name": "优秀", "otherwise": True}, LEVELS[1]]},
     "rating 第1级: 只有最后一级写 otherwise: true, 其余写 at_least"),
    ({"scores": ["业务知识"], "levels": [LEVELS[0], {"name": "不合格", "at_least": 0}]}, "rating 的最后一级应写 otherwise: true"),
    ({"scores": ["业务知识"], "levels": [{"name": "优秀", "at_least": "九十"}, LEVELS[1]]},
     "rating 第1级 at_least 应为数字, 收到 '九十'"),
    ({"scores": ["业务知识"], "levels": [{"name": "优秀", "at_least": 80}, {"name": "良好", "at_least": 80}, LEVELS[1]]},
     "rating 各级分数线应从高到低且不重复"),
    ({"scores": ["业务知识"], "levels": [{"name": "优秀", "at_least": 90}, {"name": "良好", "at_least": 70},
                                     {"name": "合格", "at_least": 79.5}, LEVELS[1]]}, "rating 各级分数线应从高到低且不重复"),
])
def test_a_mistyped_rating_gets_its_message(raw, message):
    assert _error(parse_rating, raw) == message


def test_a_rating_level_written_as_a_bare_name_is_a_scheme_error_not_an_internal_one():
    """Before: TypeError, and the CLI told HR "内部错误 ... 这不是您的输入造成的"."""
    text = builtin_text("advisor-4s").replace("    - {name: 优秀, at_least: 90}", "    - 优秀")
    with pytest.raises(SchemeError) as info:
        parse_scheme_text(text, source="顾问.yaml")
    assert str(info.value) == "顾问.yaml / rating: rating 第1级应写 name 和 at_least (最后一级写 otherwise: true), 收到 '优秀'"

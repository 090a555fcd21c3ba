"""xl_kpi.schemes.rules: every rule kind at and around its edges, and the scheme errors of each.

Rules are built the way a scheme file builds them, through ``parse_rule``.
Every expected number is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from xl_kpi.base.errors import InputValueError, SchemeError
from xl_kpi.schemes.rules import (
    KINDS,
    Attainment,
    Bands,
    Count,
    Deduction,
    Direct,
    Limits,
    Rubric,
    parse_rule,
)

D = Decimal


def make(data: dict, weight=10):
    return parse_rule(data, D(str(weight)), where="t", source="t.yaml")


def score(rule, *values):
    return rule.score([D(str(v)) for v in values])


def test_all_kinds_are_registered():
    assert set(KINDS) == {"deduction", "bands", "count", "limits", "attainment", "rubric", "direct"}


# =========================================================================== deduction

COMPLAINT = {  # doc 000: 0% gives 20, each 0.1 percentage point up costs 2, down to 0
    "kind": "deduction",
    "start": 0,
    "direction": "up",
    "step": "0.1%",
    "points_per_step": 2,
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-0.001", 20),  # better than start: no steps
        ("0", 20),
        ("0.0009", 20),  # 0.9 step, not yet one
        ("0.001", 18),  # 1 step
        ("0.0015", 18),  # 1.5 steps -> 1 counted
        ("0.0019999", 18),
        ("0.002", 16),
        ("0.003", 14),  # exactly 3 steps
        ("0.0099", 2),  # 9.9 -> 9 steps, 20 - 18
        ("0.01", 0),  # 10 steps, 20 - 20
        ("0.0101", 0),
        ("0.05", 0),  # 50 steps, floor 0
        ("1", 0),
    ],
)
def test_deduction_up_ignore_partial(value, expected):
    rule = make(COMPLAINT, 20)
    assert isinstance(rule, Deduction)
    assert score(rule, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 20),
        ("0.0001", 18),  # 0.1 step -> counts as 1
        ("0.001", 18),  # exactly 1
        ("0.0011", 16),  # 1.1 -> 2
        ("0.003", 14),  # exactly 3, not 4
        ("0.0091", 0),  # 9.1 -> 10 steps
    ],
)
def test_deduction_partial_step_count(value, expected):
    rule = make({**COMPLAINT, "partial_step": "count"}, 20)
    assert score(rule, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", D(20)),
        ("0.0005", D(19)),  # 0.5 step × 2
        ("0.0015", D(17)),  # 1.5 steps × 2
        ("0.00125", D("17.5")),  # 1.25 steps × 2
        ("0.003", D(14)),
        ("0.0125", D(0)),  # 12.5 steps, floor 0
    ],
)
def test_deduction_partial_step_proportional(value, expected):
    rule = make({**COMPLAINT, "partial_step": "proportional"}, 20)
    assert score(rule, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.007", 6),  # 7 steps: 20 - 14
        ("0.0075", 6),
        ("0.008", 5),  # 8 steps: 20 - 16 = 4, floor 5
        ("0.5", 5),
    ],
)
def test_deduction_floor(value, expected):
    rule = make({**COMPLAINT, "floor": 5}, 20)
    assert score(rule, value) == expected
    assert rule.min_points == 5
    assert rule.max_points == 20


RESOLUTION = {  # doc 000: 100% gives 15, each percentage point down costs 1
    "kind": "deduction",
    "start": "100%",
    "direction": "down",
    "step": "1%",
    "points_per_step": 1,
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2", 15),  # better than start
        ("1", 15),
        ("0.995", 15),  # half a step
        ("0.99", 14),
        ("0.985", 14),  # 1.5 steps -> 1
        ("0.98", 13),
        ("0.97", 12),
        ("0.86", 1),  # 14 steps
        ("0.85", 0),  # 15 steps
        ("0.3", 0),
        ("0", 0),
    ],
)
def test_deduction_down(value, expected):
    rule = make(RESOLUTION, 15)
    assert score(rule, value) == expected


def test_deduction_full_defaults_to_weight_and_may_be_given():
    assert make(COMPLAINT, 20).full == 20
    rule = make({**COMPLAINT, "full": 10}, 20)
    assert rule.max_points == 10
    assert score(rule, "0.001") == 8
    assert score(rule, "0.005") == 0


def test_deduction_defaults():
    rule = make(COMPLAINT, 20)
    assert rule.partial_step == "ignore"
    assert rule.floor == 0
    assert rule.min_points == 0
    assert rule.step == D("0.001")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"step": "-0.1%"}, "step 应大于0"),
        ({"step": 0}, "step 应大于0"),
        ({"points_per_step": 0}, "points_per_step 应大于0"),
        ({"points_per_step": -2}, "points_per_step 应大于0"),
        ({"floor": 21}, "floor"),  # floor above full (20)
        ({"floor": -1}, "floor"),
        ({"full": 10, "floor": 12}, "floor"),
        ({"direction": "sideways"}, "direction"),
        ({"partial_step": "round"}, "partial_step"),
        ({"step": "abc"}, "step 应为数字"),
        ({"steps": 1}, "不认识的字段 steps"),
    ],
)
def test_deduction_scheme_errors(change, message):
    with pytest.raises(SchemeError, match=message):
        make({**COMPLAINT, **change}, 20)


@pytest.mark.parametrize("missing", ["start", "step", "points_per_step"])
def test_deduction_missing_field(missing):
    data = {k: v for k, v in COMPLAINT.items() if k != missing}
    with pytest.raises(SchemeError, match=f"缺少字段 {missing}"):
        make(data, 20)


# =========================================================================== bands

AT_LEAST = {
    "kind": "bands",
    "bands": [
        {"at_least": 90, "points": 20},
        {"at_least": 80, "points": 16},
        {"at_least": 60, "points": 8},
        {"otherwise": 0},
    ],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("100", 20), ("90", 20), ("89.99", 16), ("89.5", 16), ("80", 16), ("79.99", 8), ("60", 8), ("59.99", 0), ("0", 0)],
)
def test_bands_at_least(value, expected):
    rule = make(AT_LEAST, 20)
    assert isinstance(rule, Bands)
    assert score(rule, value) == expected


ABOVE = {
    "kind": "bands",
    "bands": [{"above": "98%", "points": 5}, {"above": "95%", "points": 4}, {"otherwise": 1}],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 5), ("0.9801", 5), ("0.98", 4), ("0.9501", 4), ("0.95", 1), ("0", 1)],
)
def test_bands_above(value, expected):
    assert score(make(ABOVE, 5), value) == expected


AT_MOST = {
    "kind": "bands",
    "bands": [
        {"at_most": 10, "points": 15},
        {"at_most": 30, "points": 10},
        {"at_most": 60, "points": 5},
        {"otherwise": 0},
    ],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 15), ("10", 15), ("10.01", 10), ("30", 10), ("30.5", 5), ("60", 5), ("60.01", 0), ("999", 0)],
)
def test_bands_at_most(value, expected):
    assert score(make(AT_MOST, 15), value) == expected


BELOW = {
    "kind": "bands",
    "bands": [{"below": "10%", "points": 2}, {"below": "15%", "points": 1}, {"otherwise": 0}],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 2), ("0.0999", 2), ("0.1", 1), ("0.1499", 1), ("0.15", 0), ("0.5", 0)],
)
def test_bands_below(value, expected):
    assert score(make(BELOW, 2), value) == expected


@pytest.mark.parametrize(("value", "expected"), [("80.01", 5), ("80", 3), ("79.99", 0)])
def test_bands_same_threshold_above_then_at_least(value, expected):
    rule = make({"kind": "bands", "bands": [{"above": 80, "points": 5}, {"at_least": 80, "points": 3}, {"otherwise": 0}]}, 5)
    assert score(rule, value) == expected


@pytest.mark.parametrize(("value", "expected"), [("9.99", 2), ("10", 1), ("10.01", 0)])
def test_bands_same_threshold_below_then_at_most(value, expected):
    rule = make({"kind": "bands", "bands": [{"below": 10, "points": 2}, {"at_most": 10, "points": 1}, {"otherwise": 0}]}, 2)
    assert score(rule, value) == expected


ROUNDED = {
    "kind": "bands",
    "round_to": "1%",
    "bands": [{"above": "90%", "points": 3}, {"at_least": "80%", "points": 1}, {"otherwise": 0}],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.904", 1),  # 90.4% -> 90%, not above 90%
        ("0.9049", 1),
        ("0.905", 3),  # 90.5% -> 91%
        ("0.91", 3),
        ("0.795", 1),  # 79.5% -> 80%
        ("0.7949", 0),  # 79.49% -> 79%
        ("0.79", 0),
    ],
)
def test_bands_round_to_percent(value, expected):
    rule = make(ROUNDED, 3)
    assert rule.round_to == D("0.01")
    assert score(rule, value) == expected


@pytest.mark.parametrize(("value", "expected"), [("87.5", 10), ("87.4", 0), ("92.4", 10), ("85", 0)])
def test_bands_round_to_multiple(value, expected):
    # 87.5 / 5 = 17.5 -> 18 -> 90; 87.4 / 5 = 17.48 -> 17 -> 85
    rule = make({"kind": "bands", "round_to": 5, "bands": [{"at_least": 90, "points": 10}, {"otherwise": 0}]}, 10)
    assert score(rule, value) == expected


def test_bands_max_and_min_points():
    rule = make(ABOVE, 5)
    assert rule.max_points == 5
    assert rule.min_points == 1
    assert make(AT_LEAST, 20).min_points == 0


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        # out of order (lower bounds must go high to low)
        ([{"at_least": 80, "points": 16}, {"at_least": 90, "points": 20}, {"otherwise": 0}], "重叠或顺序"),
        # the same threshold twice overlaps
        ([{"at_least": 80, "points": 16}, {"at_least": 80, "points": 10}, {"otherwise": 0}], "重叠或顺序"),
        # at_least 80 then above 80: the second band could never match
        ([{"at_least": 80, "points": 16}, {"above": 80, "points": 10}, {"otherwise": 0}], "重叠或顺序"),
        # upper bounds must go low to high
        ([{"at_most": 30, "points": 10}, {"at_most": 10, "points": 15}, {"otherwise": 0}], "重叠或顺序"),
        ([{"at_most": 10, "points": 10}, {"below": 10, "points": 15}, {"otherwise": 0}], "重叠或顺序"),
        # mixed lower and upper bounds
        ([{"at_least": 80, "points": 16}, {"at_most": 10, "points": 10}, {"otherwise": 0}], "同为下限"),
        ([{"below": 10, "points": 16}, {"above": 50, "points": 10}, {"otherwise": 0}], "同为下限"),
        # no otherwise
        ([{"at_least": 90, "points": 20}, {"at_least": 80, "points": 16}], "otherwise"),
        # otherwise not last
        ([{"otherwise": 0}, {"at_least": 90, "points": 20}], "otherwise"),
        # otherwise with another key
        ([{"at_least": 90, "points": 20}, {"otherwise": 0, "points": 1}], "otherwise"),
        # a single band
        ([{"otherwise": 0}], "至少两段"),
        # two thresholds in one band
        ([{"at_least": 90, "at_most": 95, "points": 20}, {"otherwise": 0}], "恰有一个门槛"),
        # no points
        ([{"at_least": 90}, {"otherwise": 0}], "恰有一个门槛"),
        # unknown key in a band
        ([{"at_least": 90, "points": 20, "note": "x"}, {"otherwise": 0}], "恰有一个门槛"),
        # negative points
        ([{"at_least": 90, "points": -1}, {"otherwise": 0}], "负数"),
        ([{"at_least": 90, "points": 1}, {"otherwise": -1}], "负数"),
        # a threshold that is not a number
        ([{"at_least": "abc", "points": 1}, {"otherwise": 0}], "应为数字"),
        # a band that is not a mapping
        ([90, {"otherwise": 0}], "映射"),
    ],
)
def test_bands_scheme_errors(bands, message):
    with pytest.raises(SchemeError, match=message):
        make({"kind": "bands", "bands": bands}, 20)


@pytest.mark.parametrize("round_to", [0, -1, "0%"])
def test_bands_round_to_must_be_positive(round_to):
    with pytest.raises(SchemeError, match="round_to"):
        make({**ROUNDED, "round_to": round_to}, 3)


def test_bands_not_a_list():
    with pytest.raises(SchemeError, match="至少两段"):
        make({"kind": "bands", "bands": {"at_least": 90, "points": 20}}, 20)


# =========================================================================== count

COMPLAINTS = {"kind": "count", "bands": [{"below": 3, "points": 5}, {"otherwise": 0}]}


@pytest.mark.parametrize(("value", "expected"), [("0", 5), ("2", 5), ("2.0", 5), ("3", 0), ("10", 0)])
def test_count_bands(value, expected):
    rule = make(COMPLAINTS, 5)
    assert isinstance(rule, Count)
    assert score(rule, value) == expected


RENEWALS = {
    "kind": "count",
    "bands": [
        {"at_least": 3, "points": 3},
        {"at_least": 2, "points": 2},
        {"at_least": 1, "points": 1},
        {"otherwise": 0},
    ],
}


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (1, 1), (2, 2), (3, 3), (7, 3)])
def test_count_lower_bounds(value, expected):
    assert score(make(RENEWALS, 3), value) == expected


@pytest.mark.parametrize("bad", ["-1", "-0.5", "1.5", "0.1", "2.999"])
def test_count_rejects_negative_and_fractional(bad):
    rule = make(COMPLAINTS, 5)
    with pytest.raises(InputValueError, match="非负整数"):
        score(rule, bad)


def test_count_shares_band_validation():
    with pytest.raises(SchemeError, match="otherwise"):
        make({"kind": "count", "bands": [{"below": 3, "points": 5}, {"below": 5, "points": 3}]}, 5)


# =========================================================================== limits

SAFETY = {"kind": "limits", "limits": [3, 1], "points": 2, "otherwise": 0}


@pytest.mark.parametrize(
    ("violations", "accidents", "expected"),
    [(0, 0, 2), (2, 0, 2), (3, 0, 0), (0, 1, 0), (2, 1, 0), (5, 5, 0)],
)
def test_limits(violations, accidents, expected):
    rule = make(SAFETY, 2)
    assert isinstance(rule, Limits)
    assert score(rule, violations, accidents) == expected


def test_limits_defaults_and_extremes():
    rule = make({"kind": "limits", "limits": [2]}, 4)
    assert rule.points == 4  # defaults to the weight
    assert rule.otherwise == 0
    assert score(rule, 1) == 4
    assert score(rule, 2) == 0
    assert rule.max_points == 4
    assert rule.min_points == 0


@pytest.mark.parametrize(
    ("limits", "message"),
    [([], "limits 应为列表"), (3, "limits 应为列表"), ([3, 0], "大于0"), ([-1], "大于0"), (["x"], "应为数字")],
)
def test_limits_scheme_errors(limits, message):
    with pytest.raises(SchemeError, match=message):
        make({**SAFETY, "limits": limits}, 2)


# =========================================================================== attainment

MARGIN = {"kind": "attainment", "floor": "60%", "cap": "100%", "mode": "ratio"}


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ("0", D(0)),
        ("0.59", D(0)),
        ("0.5999", D(0)),
        ("0.6", D(15)),  # 25 × 60%
        ("0.8", D(20)),
        ("0.873", D("21.83")),  # 21.825 rounded half up
        ("0.9999", D("25.00")),  # 24.9975 -> 25.00
        ("1", D(25)),
        ("1.3", D(25)),  # capped
    ],
)
def test_attainment_ratio_with_floor(ratio, expected):
    rule = make(MARGIN, 25)
    assert isinstance(rule, Attainment)
    assert score(rule, ratio) == expected


@pytest.mark.parametrize(
    ("ratio", "expected"), [("0", D(0)), ("0.001", D("0.03")), ("0.5", D("12.5")), ("0.3333", D("8.33"))]
)
def test_attainment_ratio_without_floor(ratio, expected):
    # 25 × 0.001 = 0.025 -> 0.03; 25 × 0.3333 = 8.3325 -> 8.33
    rule = make({"kind": "attainment"}, 25)
    assert rule.floor == 0 and rule.cap == 1 and rule.mode == "ratio"
    assert score(rule, ratio) == expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ("0.59", D(0)),
        ("0.6", D(0)),  # linear: 0 at the floor
        ("0.65", D("1.25")),  # 10 × 0.05 / 0.4
        ("0.7", D("2.5")),
        ("0.8", D(5)),
        ("1", D(10)),
        ("1.2", D(10)),
    ],
)
def test_attainment_linear(ratio, expected):
    rule = make({"kind": "attainment", "floor": "60%", "mode": "linear"}, 10)
    assert score(rule, ratio) == expected


@pytest.mark.parametrize(("ratio", "expected"), [("0.6", D(5)), ("0.9", D("7.5")), ("1.2", D(10)), ("1.5", D(10))])
def test_attainment_cap_above_one(ratio, expected):
    # ratio mode with cap 120%: points = 10 × ratio / 1.2
    rule = make({"kind": "attainment", "cap": "120%"}, 10)
    assert score(rule, ratio) == expected


@pytest.mark.parametrize(("ratio", "expected"), [("0.5", D(3)), ("0.59", D(3)), ("0.6", D(6))])
def test_attainment_below_floor_points(ratio, expected):
    rule = make({"kind": "attainment", "floor": "60%", "below_floor": 3}, 10)
    assert score(rule, ratio) == expected
    assert rule.min_points == 3  # min(3, 10 × 60%)


def test_attainment_max_and_min_points():
    rule = make(MARGIN, 25)
    assert rule.max_points == 25
    assert rule.min_points == 0
    assert make({"kind": "attainment", "full": 8}, 10).max_points == 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"floor": "100%"}, "floor"),  # floor must be below cap
        ({"floor": "120%"}, "floor"),
        ({"floor": "-10%"}, "floor"),
        ({"mode": "steps"}, "mode"),
        ({"target": 1}, "不认识的字段 target"),
    ],
)
def test_attainment_scheme_errors(change, message):
    with pytest.raises(SchemeError, match=message):
        make({**MARGIN, **change}, 25)


# =========================================================================== rubric

HANDLING = {  # doc 002 处事能力, with every way the document writes a range
    "kind": "rubric",
    "levels": [
        {"points": 10, "text": "独立解决"},
        {"points": "8—9", "text": "一般"},  # em dash, as the document writes it
        {"points": "6-7", "text": "不好"},
        {"points": [4, 5], "text": "把握不准"},
        {"points": "3-0", "text": "差"},  # reversed
    ],
}


@pytest.mark.parametrize("points", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
def test_rubric_accepts_every_level(points):
    rule = make(HANDLING, 10)
    assert isinstance(rule, Rubric)
    assert score(rule, points) == points


@pytest.mark.parametrize(("points", "message"), [("9.5", "整数"), ("0.5", "整数"), ("11", "不在任何等级"), ("-1", "不在任何等级")])
def test_rubric_rejects(points, message):
    with pytest.raises(InputValueError, match=message):
        score(make(HANDLING, 10), points)


def test_rubric_level_of_and_texts():
    rule = make(HANDLING, 10)
    assert rule.level_of(D(9)).text == "一般"
    assert rule.level_of(D(8)).points_text == "8-9"
    assert rule.level_of(D(2)).text == "差"
    assert rule.level_of(D(2)).low == 0 and rule.level_of(D(2)).high == 3
    assert rule.level_of(D(11)) is None
    assert rule.max_points == 10
    assert rule.min_points == 0
    assert rule.allowed_text() == "10 / 8-9 / 6-7 / 4-5 / 0-3"


@pytest.mark.parametrize("written", ["8-9", "8—9", "8–9", "8~9", "8～9", "8至9", "8到9", " 8 - 9 ", [8, 9], [9, 8], "9-8"])
def test_rubric_range_spellings(written):
    rule = make({"kind": "rubric", "levels": [{"points": 10, "text": "a"}, {"points": written, "text": "b"}]}, 10)
    level = rule.levels[1]
    assert (level.low, level.high) == (8, 9)
    assert score(rule, 8) == 8 and score(rule, 9) == 9


@pytest.mark.parametrize(("points", "ok"), [(10, True), (12, True), (15, True), (9, False), (16, False)])
def test_rubric_reversed_range_15_10(points, ok):
    # doc 002 writes 处理投诉及售后工作's third level as "15-10"
    rule = make({"kind": "rubric", "levels": [{"points": 20, "text": "a"}, {"points": "15-10", "text": "b"}]}, 20)
    if ok:
        assert score(rule, points) == points
    else:
        with pytest.raises(InputValueError):
            score(rule, points)


@pytest.mark.parametrize(("points", "ok"), [(10, True), (8, True), (6, True), (4, True), (0, True), (9, False), (7, False), (5, False), (1, False)])
def test_rubric_fixed_points(points, ok):
    rule = make(
        {"kind": "rubric", "levels": [{"points": p, "text": str(p)} for p in (10, 8, 6, 4, 0)]},
        10,
    )
    if ok:
        assert score(rule, points) == points
    else:
        with pytest.raises(InputValueError, match="不在任何等级"):
            score(rule, points)


def test_rubric_fractional_points_when_allowed():
    rule = make({"kind": "rubric", "whole_points": False, "levels": [{"points": 10, "text": "a"}, {"points": "8-9", "text": "b"}]}, 10)
    assert score(rule, "8.5") == D("8.5")
    with pytest.raises(InputValueError, match="不在任何等级"):
        score(rule, "9.5")


def test_rubric_text_hant_defaults_to_text():
    rule = make({"kind": "rubric", "levels": [{"points": 5, "text": "积极", "text_hant": "積極"}, {"points": 0, "text": "拒绝"}]}, 5)
    assert rule.levels[0].text_hant == "積極"
    assert rule.levels[1].text_hant == "拒绝"


@pytest.mark.parametrize(
    ("levels", "extra", "message"),
    [
        ([{"points": 10}], {}, "text"),  # level without text
        ([{"text": "a"}], {}, "text"),  # level without points
        ([{"points": 10, "text": "a", "score": 1}], {}, "不认识的字段 score"),
        ([], {}, "levels"),
        ("10/8/6", {}, "levels"),
        (["10"], {}, "text"),
        ([{"points": "abc", "text": "a"}], {}, "应为数字"),
        ([{"points": -1, "text": "a"}], {}, "负数"),
        ([{"points": [1, 2, 3], "text": "a"}], {}, "应为数字"),
        ([{"points": 10, "text": "a"}], {"whole_points": "yes"}, "whole_points"),
    ],
)
def test_rubric_scheme_errors(levels, extra, message):
    with pytest.raises(SchemeError, match=message):
        make({"kind": "rubric", "levels": levels, **extra}, 10)


# =========================================================================== direct


@pytest.mark.parametrize(("points", "ok"), [("0", True), ("2.5", True), ("4", True), ("4.01", False), ("-0.01", False)])
def test_direct(points, ok):
    rule = make({"kind": "direct"}, 4)
    assert isinstance(rule, Direct)
    assert rule.max_points == 4 and rule.min_points == 0
    if ok:
        assert score(rule, points) == D(points)
    else:
        with pytest.raises(InputValueError, match="0~4"):
            score(rule, points)


def test_direct_explicit_max():
    rule = make({"kind": "direct", "max": 3}, 10)
    assert rule.max_points == 3
    assert score(rule, 3) == 3
    with pytest.raises(InputValueError):
        score(rule, "3.5")


@pytest.mark.parametrize("maximum", [0, -1, "abc"])
def test_direct_scheme_errors(maximum):
    with pytest.raises(SchemeError, match="max"):
        make({"kind": "direct", "max": maximum}, 4)


# =========================================================================== any kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "steps"}, "未知的规则类型"),
        ({"kind": None}, "未知的规则类型"),
        ({}, "未知的规则类型"),
        ({"kind": "Bands"}, "未知的规则类型"),
        ("deduction", "应为映射"),
        (None, "应为映射"),
        ({"kind": "direct", "maximum": 4}, "不认识的字段 maximum"),
        ({"kind": "bands"}, "缺少字段 bands"),
        ({"kind": "rubric"}, "缺少字段 levels"),
        ({"kind": "limits"}, "缺少字段 limits"),
    ],
)
def test_scheme_errors_any_kind(data, message):
    with pytest.raises(SchemeError, match=message):
        make(data, 10)


def test_scheme_error_names_file_and_place():
    with pytest.raises(SchemeError) as info:
        parse_rule({"kind": "nope"}, D(10), where="groups[1].indicators[2].rule", source="my.yaml")
    assert info.value.source == "my.yaml"
    assert info.value.where == "groups[1].indicators[2].rule"
    assert str(info.value).startswith("my.yaml / groups[1].indicators[2].rule: ")


def test_input_counts():
    assert make(COMPLAINT, 20).input_count == 1
    assert make(SAFETY, 2).input_count is None
    assert len(make(SAFETY, 2).limits) == 2

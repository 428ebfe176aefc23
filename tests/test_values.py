"""The value parser over every form CONTRACT.md lists, by example and by property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jixiao.normalize.text import leading_marker
from jixiao.normalize.values import (
    IndicatorValue,
    chinese_numeral,
    parse_indicator_value,
    parse_number,
    parse_percent,
    period_month,
)

CONTRACT_EXAMPLES = [
    ("≥95%", ">=", 95.0, "%"),
    ("≤5%", "<=", 5.0, "%"),
    ("<95%", "<", 95.0, "%"),
    ("≥500人", ">=", 500.0, "人"),
    ("=100%", "=", 100.0, "%"),
    ("100%", "=", 100.0, "%"),
    ("不低于90%", ">=", 90.0, "%"),
    ("90%以上", ">=", 90.0, "%"),
    ("大于等于90%", ">=", 90.0, "%"),
    ("不超过5%", "<=", 5.0, "%"),
    ("5%以内", "<=", 5.0, "%"),
    ("≤5天", "<=", 5.0, "天"),
    ("不少于3次", ">=", 3.0, "次"),
    ("不高于2%", "<=", 2.0, "%"),
    ("10%以下", "<=", 10.0, "%"),
    ("小于等于30天", "<=", 30.0, "天"),
    (">0", ">", 0.0, None),
    ("≥1200人次", ">=", 1200.0, "人次"),
    ("≤50万元", "<=", 50.0, "万元"),
    ("≥4个", ">=", 4.0, "个"),
    ("５００人", "=", 500.0, "人"),
    ("≥９５％", ">=", 95.0, "%"),
    ("＞＝95%", ">=", 95.0, "%"),
    ("＜5%", "<", 5.0, "%"),
    ("1,234.50万元", "=", 1234.5, "万元"),
    # Units as real reports print them (issue 8.7): any unit, not a list of known ones.
    ("36台（套）", "=", 36.0, "台(套)"),
    ("8,000份", "=", 8000.0, "份"),
    ("≤15/10万", "<=", 15.0, "/10万"),
    ("不超过12.5千克标准煤/平方米", "<=", 12.5, "千克标准煤/平方米"),
    ("大于等于860万头（只）", ">=", 860.0, "万头(只)"),
    ("=100百分比", "=", 100.0, "百分比"),
    ("达到预计值2100", ">=", 2100.0, None),
    ("0起", "=", 0.0, "起"),
    ("≧98%", ">=", 98.0, "%"),
    ("≤5‰", "<=", 5.0, "‰"),
    ("≥ 95 %", ">=", 95.0, "%"),
]


@pytest.mark.parametrize(("raw", "operator", "value", "unit"), CONTRACT_EXAMPLES)
def test_contract_forms(raw, operator, value, unit):
    assert parse_indicator_value(raw) == IndicatorValue(operator, value, unit)


@pytest.mark.parametrize(
    "raw",
    [
        "优良",
        "有效提升",
        "12月底前",
        "2020年12月底",
        "",
        "90%-100%",
        "逐步提高",
        "3年内完成",
        "202001-202012",
        "2023-01-01",
        "12月底之前完成",
        "5月份",
    ],
)
def test_qualitative_values_stay_raw(raw):
    assert parse_indicator_value(raw) == IndicatorValue(None, None, None)


@pytest.mark.parametrize(
    ("text", "number"), [("12.00", 12.0), ("1,234.50", 1234.5), ("１２３４.５", 1234.5), (" 0 ", 0.0), ("", None)]
)
def test_amounts(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["十二万", "12..0", "abc", "1,23"])
def test_amount_that_is_not_a_number_is_an_error(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("period", "month"),
    [("3月底", 3), ("10月底", 10), ("12月", 12), ("一季度", 3), ("第二季度", 6), ("三季度", 9), ("第四季度", 12),
     ("上半年", 6), ("全年", 12), ("十二月底", 12), ("1-3月", 3), ("年中", None)],
)  # fmt: skip
def test_period_months(period, month):
    assert period_month(period) == month


@pytest.mark.parametrize(("text", "pct"), [("25.00", 25.0), ("25%", 25.0), ("１００", 100.0), ("", None)])
def test_percent(text, pct):
    assert parse_percent(text) == pct


@pytest.mark.parametrize(("text", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("7", 7)])
def test_chinese_numerals(text, n):
    assert chinese_numeral(text) == n


@pytest.mark.parametrize("text", ["十十", "二十十", "三三", "十一十", "", "廿"])
def test_not_chinese_numerals(text):
    assert chinese_numeral(text) is None


def test_a_line_numbered_with_no_numeral_has_no_marker():
    assert leading_marker("十十、加强管理") is None  # it raised KeyError('十')


# --- properties ------------------------------------------------------------

OPERATOR_FORMS = {
    ">=": ["≥", ">=", "＞＝", "≧", "不低于", "不少于", "大于等于"],
    "<=": ["≤", "<=", "＜＝", "≦", "不超过", "不高于", "小于等于"],
    ">": [">", "＞", "大于", "高于"],
    "<": ["<", "＜", "小于", "低于"],
    "=": ["=", "＝", ""],
}
SUFFIX_FORMS = {">=": ["以上", "及以上"], "<=": ["以内", "以下"]}
UNITS = ["%", "人", "人次", "次", "万元", "天", "个", "项", "家", "元"]
FULLWIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False).map(lambda d: d.normalize())


def _digits(number, thousands: bool) -> str:
    text = f"{number:f}"
    if thousands:
        whole, _, fraction = text.partition(".")
        text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return text


@given(
    number=amounts,
    operator=st.sampled_from(sorted(OPERATOR_FORMS)),
    data=st.data(),
    unit=st.sampled_from(UNITS + [""]),
    thousands=st.booleans(),
    fullwidth=st.booleans(),
    spaced=st.booleans(),
)
def test_any_prefixed_form_parses_to_its_parts(number, operator, data, unit, thousands, fullwidth, spaced):
    prefix = data.draw(st.sampled_from(OPERATOR_FORMS[operator]))
    digits = _digits(number, thousands)
    body = f"{digits}{unit}".translate(FULLWIDTH) if fullwidth else f"{digits}{unit}"
    raw = f"{prefix} {body} " if spaced else prefix + body
    parsed = parse_indicator_value(raw)
    assert parsed.operator == operator
    assert parsed.value == pytest.approx(float(number))
    assert parsed.unit == (unit or None)


@given(number=amounts, operator=st.sampled_from(sorted(SUFFIX_FORMS)), data=st.data(), unit=st.sampled_from(UNITS))
def test_any_suffixed_form_parses_to_its_parts(number, operator, data, unit):
    suffix = data.draw(st.sampled_from(SUFFIX_FORMS[operator]))
    parsed = parse_indicator_value(f"{number:f}{unit}{suffix}")
    assert (parsed.operator, parsed.unit) == (operator, unit)
    assert parsed.value == pytest.approx(float(number))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_never_raises_and_keeps_a_consistent_shape(raw):
    parsed = parse_indicator_value(raw)
    assert parsed.operator in {None, ">=", "<=", ">", "<", "="}
    assert (parsed.operator is None) == (parsed.value is None)
    if parsed.operator is None:
        assert parsed.unit is None


@given(number=amounts, thousands=st.booleans(), fullwidth=st.booleans())
def test_amount_round_trip(number, thousands, fullwidth):
    text = _digits(number, thousands)
    assert parse_number(text.translate(FULLWIDTH) if fullwidth else text) == pytest.approx(float(number))

"""The coming year's quantitative targets of a work report: growth, prices, jobs and more.

Every annual report sets the year's main targets ("今年主要预期目标是：地区生产
总值增长5%左右……"). :func:`targets` finds them and returns one
:class:`Target` per indicator, with the figure (or range), the unit, the
bound that qualifies it (左右, 以上, 以内, …), a second 力争 figure if any,
and the sentence it was read from.

How it reads a report:

- Tables of targets (a header naming its columns' years or roles, "指标 |
  2025年完成 | 2026年目标") are read by their columns (:func:`_tables`);
  their lines, page numbers and running headers are then blanked (kept the
  same length, so offsets hold) before the prose is read.
- The text is cut into sentences with :func:`policytext.split_sentences`;
  the sentences of one paragraph are read together, and with the next line
  when a line ends in a colon or semicolon or in the middle of a sentence,
  so that a list of targets split by semicolons or carried over lines keeps
  its "今年" context; a list goes on into the next paragraph when that
  opens with an indicator.
- Inside a paragraph a running *time state* follows the markers in order:
  ``今年``, ``预期目标``, ``计划`` … make what follows the coming year's;
  ``去年``, ``过去一年``, ``实际``, ``完成了`` … make it past; ``年均``,
  ``今后五年``, ``“十五五”`` … make it a plan average; an explicit year is
  compared with ``year``. Only figures read in the coming-year state count.
  Where no word dates a paragraph, the report's structure does: a figure in
  its plan part (:func:`policytext.parts.report_parts`) is the year's.
- An indicator name (one table, :data:`INDICATORS`) is followed by a short
  gap of words (增长, 控制在, 保持在 …) and a figure: Arabic, full-width
  or Chinese numerals (百分之七点五, 一千二百万), a range (6%-6.5%,
  百分之八至九) and a bound (左右, 以上 …).
- Each statement is weighed: under words of the main targets (主要预期目标)
  it outweighs another, another body's ("国家提出…") weighs least. The
  weightiest first statement of each indicator (and of each unemployment
  rate and statistic of output) is kept: reports restate their growth target
  when they explain it. A report that lists two main targets or more keeps
  only those and the figures its own words date, not a figure that only its
  section of the plan dates.

>>> report = '''二、今年的主要目标
... 今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，力争7%；
... 居民消费价格涨幅控制在3%以内；城镇新增就业1.2万人以上。'''
>>> for t in targets(report, year=2026):
...     print(t.indicator, t.value, t.unit, t.modifier, t.stretch)
gdp_growth 6.0 % 左右 7.0
cpi 3.0 % 以内 None
new_urban_jobs 1.2 万人 以上 None
>>> targets("过去一年，地区生产总值增长5.2%。", year=2026)[0].stated
False
"""

import bisect
import collections
import itertools
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from ._validation import check_params, check_text, int_between, optional
from .parts import report_parts, summary_plan_year
from .segment import heading_level, is_page_mark, split_sentences
from .variants import to_simplified

__all__ = [
    "COLUMN_TYPES", "INDICATORS", "INDICATOR_NAMES", "LONG_COLUMNS", "NAME_FIRSTS", "WIDE_COLUMNS", "YEAR_WORDS",
    "Target", "document_targets", "long_rows", "targets", "wide_row", "year_number",
]  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One target of the coming year, as the report states it.

    Attributes
    ----------
    indicator : str
        One of the names in :data:`INDICATORS` (``gdp_growth``, ``cpi``, …).
    value : float or None
        The figure; None for a range (see ``low`` and ``high``) or when not stated.
    low, high : float or None
        The ends of a range such as 6%-6.5% or 百分之八至九.
    unit : str
        ``%`` for growth rates and rates, ``万人`` for jobs, the stated unit
        for grain (``亿斤``, ``万吨``, ``万亿斤``, ``亿公斤`` …).
    modifier : str
        ``左右``, ``以上``, ``以内``, ``以下``, ``力争``, ``确保`` or ``""``.
    modifier_text : str
        The literal words of the bound, e.g. ``控制在…以内`` or ``不低于``.
    stretch : float or None
        A second, higher figure to strive for (``增长6%左右，力争7%``).
    measure : str
        Which statistic the indicator was read from (``gdp``, ``gnp``,
        ``economic_growth``, ``gross_output`` for 工农业总产值; ``cpi``,
        ``retail_prices``, ``prices``; ``surveyed``, ``registered``; …).
    stated : bool
        False for the ``gdp_growth`` placeholder of a report that states no
        growth target (every figure is then None and the sentence empty).
    start, end : int
        Offsets of the sentence in the text given to :func:`targets`.
    text : str
        The sentence, ``text == report[start:end]``.
    """

    indicator: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    modifier: str = ""
    modifier_text: str = ""
    stretch: float | None = None
    measure: str = ""
    stated: bool = True
    start: int = 0
    end: int = 0
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict, sentence as ``sentence``, ready for a table row.

        Examples
        --------
        >>> row = targets("今年主要预期目标是：地区生产总值增长5%左右。", year=2026)[0].as_dict()
        >>> row["indicator"], row["value"], row["modifier"], row["sentence"]
        ('gdp_growth', 5.0, '左右', '今年主要预期目标是：地区生产总值增长5%左右。')
        """
        row = asdict(self)
        row["sentence"] = row.pop("text")
        return row


# -- the indicators -------------------------------------------------------------

_PCT, _JOBS, _GRAIN = "%", "万人", "grain"

#: (indicator, pattern of its name, unit, measure). Earlier rows win where
#: two names start at the same place; a name is only the start of a match:
#: the figure must follow within a short gap of words.
INDICATORS = [
    ("energy_intensity", r"(?:单位|万元)(?:国内|地区)?(?:生产总值|GDP)(?:综合)?(?:能耗|能源消耗)|能耗强度|能源消耗强度", _PCT, "energy"),
    # ... and the second of two items per unit of output stated together: "单位地区生产总值二氧化碳
    # 排放和能耗分别下降3.8%和2%" (read only there, see _shared_figures).
    ("energy_intensity", r"(?<=[和、与及])(?:综合)?(?:能耗|能源消耗)(?=分别|均)", _PCT, "energy"),
    ("gdp_growth", r"工农业(?:生产)?总产值", _PCT, "gross_output"),
    ("gdp_growth", r"国民生产总值", _PCT, "gnp"),
    ("gdp_growth", r"(?<!人均)(?<!占)(?<!工业)(?:国内|地区|全[省市区])?生产总值|GDP", _PCT, "gdp"),
    ("gdp_growth", r"经济(?:增长|增速|发展速度)", _PCT, "economic_growth"),
    ("gdp_growth", r"社会总产值", _PCT, "social_output"),
    ("cpi", r"居民消费价格(?:总水平)?(?:指数)?|CPI", _PCT, "cpi"),
    ("cpi", r"(?:社会)?(?:商品)?零售(?:物价|价格)(?:总水平)?", _PCT, "retail_prices"),
    ("cpi", r"(?<!零售)物价(?:总水平)?", _PCT, "prices"),
    ("new_urban_jobs", r"(?:城镇)?新增(?:城镇)?就业(?:人数|人口)?", _JOBS, ""),
    # The plans of the 1970s-80s: "安排七百多万人就业", "劳动就业，在城镇安排600万人".
    ("new_urban_jobs", r"安排(?=[\d零〇一二两三四五六七八九十百千]+多?万?人就业)|劳动就业[，,]在城镇安排", _JOBS, ""),
    ("unemployment", r"(?:城镇)?调查失业率", _PCT, "surveyed"),
    ("unemployment", r"(?:城镇)?登记失业率|(?:城镇)?(?:登记)?待业率", _PCT, "registered"),  # 待业率: the 1980s' word
    ("grain", r"粮食(?:计划)?(?:总产量|产量|总产|生产)|粮食播种面积[^，,；;。、]{0,16}[，,、](?:总产量?|产量)", _GRAIN, ""),  # "粮食播种面积稳定在120万亩，总产量…"
    # 公共财政预算收入 is the name 一般公共预算收入 had until the budget law of 2014.
    ("fiscal_revenue_growth", r"(?:地方)?(?:(?:一般)?公共(?:财政)?|(?:财政)?一般)预算收入", _PCT, "general_budget_revenue"),
    ("fiscal_revenue_growth", r"(?:地方)?财政收入|国家预算收入", _PCT, "fiscal_revenue"),  # 国家预算收入: the 1950s' word
    ("fiscal_revenue_growth", r"财政总收入", _PCT, "total_fiscal_revenue"),
    ("fixed_investment_growth", r"(?:全社会)?固定资产投资", _PCT, ""),
    ("fixed_investment_growth", r"(?<!地方)基本建设(?:总投资额|投资(?:总额)?)", _PCT, "capital_construction"),  # the plans' investment until the 1980s; the local part is no total
    ("retail_sales_growth", r"社会消费品零售总?额|社会商品零售总额|社零总?额", _PCT, ""),
]

# A report may state several measures of one indicator. Of fiscal revenue, the
# general budget's is the one reports of every level state, so it is the target
# wherever it is stated (one row). The statistics of output are different
# figures that plans of the 1980s set side by side (国民生产总值增长7%，工农业
# 总产值增长7.5%), so each gets its own row, as the two unemployment rates do;
# 经济增长 is GDP's. Where one figure per indicator is wanted (a wide table) the
# lowest rank wins: GDP, then GNP, then gross output, then 社会总产值.
_MEASURE_RANK = {
    "general_budget_revenue": 0, "fiscal_revenue": 1, "total_fiscal_revenue": 2,
    "gnp": 1, "gross_output": 2, "social_output": 3, "capital_construction": 1,
    "prices": 1, "retail_prices": 2,  # of prices, the consumer price index where it is stated beside the others
}  # fmt: skip
_OWN_ROW = {"surveyed", "registered", "gnp", "gross_output", "social_output", "capital_construction"}

# A planned fall of a growth indicator is a negative rate: "固定资产投资比上年压缩
# 百分之二十一" is -21%. A word of growth in the gap makes the fall the rate's
# ("增速下降到8%" is 8%).
_FALL = re.compile(r"压缩|下降|减少|降幅")
_CHANGE = r"(?:增[长幅]?|减少|下降|压缩)"  # a change over last year, after an amount ("…亿元，比上年减少21%")
_GROWTH_WORD = re.compile(r"增")
# What the words between the name and the figure must contain, per indicator:
# growth rates need a word of growth (or of a fall), intensity a word of reduction.
_NEEDS = {
    "gdp_growth": re.compile(r"增长|增速|速度|增幅|目标|预期|计划"),
    "fiscal_revenue_growth": re.compile(r"增长|增速|增幅|压缩|下降|减少|降幅"),
    "fixed_investment_growth": re.compile(r"增长|增速|增幅|压缩|下降|减少|降幅"),
    "retail_sales_growth": re.compile(r"增长|增速|增幅"),
    "energy_intensity": re.compile(r"降低|下降|减少"),
    "cpi": re.compile(r"涨|增长|控制|水平|幅度|指数|稳定|目标"),
}
# "Over last year" before a rate that follows an amount: "…亿元，比上年(执行数)增长8%".
_OVER_LAST = r"(?:比(?:上年|去年)(?:执行数|实际)?|较上年|同比|(?:按)?(?:同|自然|可比)口径(?:计算)?|可比|_+)?"  # _+: a base year, blanked ("比2012年执行数")
# Words that make a figure something other than the target: a share, a ratio,
# a relation between two indicators.
# (A size stated beside the rate does not: "达到3500亿元，比上年增长10%", "总规模为三千亿元，比上年增长百分之十".)
_NOT_TARGET = re.compile(rf"同步|比重|比例|占|贡献|倍|翻|总量|规模(?!.*{_CHANGE})|达到[^%]*亿元(?!(?:左右|以上)?[，,、]{_OVER_LAST}{_CHANGE})|投资率|之比|分别")

#: Every character a name in :data:`INDICATORS` may begin with (a test checks it). Looked
#: ahead for, it lets the search skip the other positions of a text at once: the bare
#: alternation of names tried each of them at every character, a third of reading a report.
NAME_FIRSTS = "单万能综工国地全生G经社居C商零物城新调登待粮一公财固基安劳"
_NAMES = re.compile(f"(?=[{NAME_FIRSTS}])(?:" + "|".join(f"(?P<i{k}>{pattern})" for k, (_, pattern, _, _) in enumerate(INDICATORS)) + ")")
# A cheap test for a paragraph worth normalising at all.
_ANY_NAME = re.compile("生产总值|总产值|社会总产值|经济增|经济发展速度|价格|物价|CPI|GDP|就业|失业率|粮食|预算收入|财政收入|财政总收入|固定资产投资|基本建设投资|基本建设总投资|国家预算收入|零售总?额|社零|能耗|能源消耗|待业率|ＧＤＰ|ＣＰＩ")

# -- numbers --------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，－～：；ＧＤＰＣＩ", "0123456789.%,-~:;GDPCI")
_SPACE = re.compile(r"\s+")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_NUM = rf"(?:{_DIGITS}|{_CN})"
#: A year in Arabic or Chinese numerals, as a pattern: "1995", "一九九五", "二〇〇五".
YEAR_WORDS = r"(?:19|20)\d\d|[一二][九〇零○][〇零○一二三四五六七八九]{2}"
#: A line that is only a date, perhaps with the session it was given at ("2025年12月22日",
#: "（二〇二五年一月十六日）", "——2025年1月20日在……会议上"), as a pattern to fullmatch
#: a stripped line; group 1 is the year. The report's head has one (read for its year by
#: :func:`policytext.summary.document_meta`), and it is never a sentence the next line goes on.
DATE_LINE = re.compile(
    rf"[—－\-―\s（(]*({YEAR_WORDS})\s*年\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月[^，,。；;在]{{0,8}}"
    r"(?:在[^，,。；;]{0,40}?(?:会议|大会)上[）)]?"  # "——2025年1月20日在江北新区党工委扩大会议上"
    # A resolution's: "（2023年3月13日第十四届全国人民代表大会第一次会议通过）". The
    # session that adopted it is the one the report was given to: its year is the report's.
    r"|[^，,。；;]{0,40}?(?:会议|大会)(?:通过|批准)[）)]?)?"
)
_MAGNITUDES = re.compile("万亿|亿|万")
_GRAIN_UNITS = "万亿斤|亿斤|万斤|万亿公斤|亿公斤|万公斤|亿吨|万吨|斤|公斤|吨"
_UNIT = rf"(?:{_GRAIN_UNITS}|万人|人|%)"
_FIGURE = re.compile(
    rf"(?P<pct>百分之)?(?P<a>{_NUM})(?P<pa>%)?"
    rf"(?:(?P<sep>[-~—–至到])(?:百分之)?(?P<b>{_NUM})(?P<pb>%)?)?"
    rf"(?P<more>多(?!一些))?(?P<unit>{_GRAIN_UNITS}|万人|人)?"  # "七百多万人": more than 700
    rf"(?P<post>左右|上下|以上|以内|之内|以下|或者?更多一些|多一些)?"
)
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def parse_number(text):
    """A number written in Arabic or Chinese numerals -> float (None if it is not one).

    >>> parse_number("1,200"), parse_number("七点五"), parse_number("一千二百万"), parse_number("十五")
    (1200.0, 7.5, 12000000.0, 15.0)
    >>> parse_number("三亿六千万"), parse_number("一万三千亿")
    (360000000.0, 1300000000000.0)
    """
    text = text.translate(_FULL_WIDTH)
    if text[:1].isdigit():
        return float(text.replace(",", ""))
    whole, _, decimals = text.partition("点")
    yi = wan = section = digit = 0
    for ch in whole:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
        elif ch == "亿":  # multiplies everything before it: 一万亿, 三亿
            yi = (yi + wan + section + digit) * _CN_BIG[ch]
            wan = section = digit = 0
        elif ch == "万":  # multiplies what came since the last 亿: 三亿六千万
            wan = (wan + section + digit) * _CN_BIG[ch]
            section = digit = 0
        else:
            return None
    value = float(yi + wan + section + digit)
    if decimals:
        if any(ch not in _CN_DIGIT for ch in decimals):
            return None
        value += float("0." + "".join(str(_CN_DIGIT[ch]) for ch in decimals))
    return value


# -- modifiers --------------------------------------------------------------------

# A bound after the figure, and the modifier it means.
_POST = {"左右": "左右", "上下": "左右", "以上": "以上", "多": "以上", "多一些": "以上", "或更多一些": "以上", "或者更多一些": "以上",
         "以内": "以内", "之内": "以内", "以下": "以下"}  # fmt: skip
# Words before the figure, and the modifier they mean when no bound follows it.
_PRE = {"不低于": "以上", "不少于": "以上", "至少": "以上", "超过": "以上", "高于": "以上", "不超过": "以内",
        "不高于": "以内", "控制在": "以内", "低于": "以下", "力争": "力争", "争取": "力争", "确保": "确保",
        "≥": "以上", "≤": "以内", "＞": "以上", "＜": "以下", ">": "以上", "<": "以下"}  # fmt: skip
_PRE_RE = re.compile("|".join(sorted(_PRE, key=len, reverse=True)))
_STRIVING = re.compile(r"力争|争取|确保")
_STRETCH = re.compile(r"[,、（(]?(?:在(?:实际)?(?:执行|工作)中)?(?:并|或)?(?:努力)?(?:力争|争取)(?:达到|实现|增长|超过)?在?(?=百分之|\d)")
_MOVE_TO = re.compile(r"(?:提高|降低|下降|增加|降|升)?到(?=百分之|\d)")


def _modifier(gap, post):
    """(modifier, modifier_text) from the words before the figure and the bound after it."""
    pre = _PRE_RE.findall(gap)
    word = pre[-1] if pre else ""
    if post:
        return _POST[post], f"{word}…{post}" if word else post
    if word:
        return _PRE[word], word
    return "", ""


# -- time -------------------------------------------------------------------------

_FUTURE, _PAST, _PLAN = "future", "past", "plan"
# ... and what names the coming year's targets as such: "综合考虑‘十四五’规划目标衔接，
# 主要预期目标是：" (a five-year plan states its 主要目标, not 预期目标).
_STRONG = re.compile(r"今年|明年|本年|新的一年|(?:主要)?预期目标")
_MAIN = re.compile(r"(?:主要|预期)(?:预期|计划)?(?:目标|指标)")
_COMMA = re.compile("[，,；;]")
_SET_THEN = re.compile(r"[^，,。；;]{0,12}?(?:确定|通过|提出|制定|下达)的")
_FULL_YEAR = re.compile("全年")
_CLAUSE_MARKERS = 64
_INTENT = re.compile(r"确保|力争|争取|努力|全力|要|将")
_DONE_TARGET = re.compile(r"(?:主要)?(?:预期)?目标")
_BY_PART = "by part"  # a figure dated by the report's plan part alone
_PART_WEIGHT = -1  # ... weighs least, and is dropped from a report that states its main targets
# Another body's targets: the state's, or those a higher level set for the report's place.
# ... and a statement they made, which the report quotes before its own: "中央经济工作
# 会议提出，今年全国经济增长预期目标为6%—6.5%", "省政府工作报告提出，今年全省…".
_BODY_SAYS = re.compile(
    r"(?:中央|国家|国务院|全国|省委|省政府|省里|市委|市政府|上级|党代会|全会|经济工作会议|政府工作报告)"
    r"[^，,。；;：:]{0,14}?(?:提出|要求|明确|确定|部署)"
    r"|(?:中央|国家)[^，,。；;：:]{0,12}?的(?:主要)?(?:预期)?目标(?:是|为)"  # "国家今年宏观调控的主要目标是："
)
# ... unless the report follows it: "按照省委经济工作会议部署，今年全省主要预期目标是：…".
_FOLLOWING = re.compile(r"按照|根据|贯彻|落实|围绕|对照|遵照")
_OTHER_BODY = re.compile(r"(?:国家|中央|国务院|上级|省里|市里|县里)[^，,。；;]{0,6}?(?:下达|确定|提出|要求|部署)|下达")
_MARKERS = re.compile(
    # Targets someone set (县人代会确定的主要预期目标) are no year's by the words
    # alone: the clause before tells (去年，… or 今年是…。市政府确定的主要目标是：).
    r"(?P<neutral>(?:确定|通过|提出)的(?:主要)?(?:预期)?目标"
    # A plan named as the authority a figure follows dates nothing: "地区生产总值按照“十五五”规划要求增长3%".
    r"|(?:按照|根据|依据|对照|对标|落实)[^，,。；;\d%]{0,4}?十[一二三四五]五[”」\"']?(?:规划|纲要)[^，,。；;\d%]{0,3}?(?:要求|目标|部署|安排))"
    r"|(?P<base>(?<=[比较])今年)"
    rf"|(?P<year>{YEAR_WORDS})年(?!代)"
    r"|(?P<plan>年均|平均每年|每年平均|(?:今后|未来)(?:五|5|几)年|五年|十[一二三四五]五|[六七八九]五(?:计划|期间|时期|规划)"
    r"|规划期|本世纪末|翻一番|翻两番|期间|各年度|每年)"
    r"|(?P<past>(?:顺利|胜利|圆满|如期|基本)?(?:超过|低于|高于|快于|好于|实现|完成|(?<![确力下])比)(?!(?:国家|上级|[国省市县])?下达)[^，,。；;\d%]{0,12}(?:预期|目标)"
    r"|(?<![争保要将能])达到预期"
    r"|(?:主要)?(?:预期)?目标(?:任务)?(?:顺利|胜利|圆满|全面|如期|基本|较好|超额|全部|总体|均已|均|已)?地?(?:实现|完成|达成)"
    r"|(?<![比与较同于])(?:去年|上年)(?![^，,。；;]{0,4}基数|[^，,。；;]{0,16}的基础上)|今年以来|过去|一年来|五年来|这[两三四六七八九十几]年|年初|(?<!在)实际(?!工作|增长|增速)|已经|原定|预定目标|(?:好于|超|超出|低于|高于)预期"
    r"|完成了|实现了|(?:顺利|胜利|圆满|如期|基本)完成|预计|上半年|前三季度"
    r"|(?:1|一)[-—–至到~～](?:1[01]|[1-9]|十一|十|[二三四五六七八九])月)"  # "今年1-11月": a part of the year, its results
    r"|(?P<future>今年|明年|本年|新的一年|(?:主要)?预期目标|主要目标|调控目标|目标(?:是|为|定为)"
    r"|预期(?:为|是|增长)|增长预期|计划(?:增长|要求|为|是|达到)|按增长|(?:确保|力争|争取)(?:[^，,。；;\d%]{0,12}?)全年)"
)


# A year that is only the base of a comparison dates nothing: in
# "工农业总产值，比1980年预计增长5.5%" (a plan for 1981) and "一九五九年的工农业
# 总产值将比一九五八年的二千零五十亿元增长百分之四十" the figure is the coming
# year's growth over it. Such a base, of the year before the report's or its
# own, is blanked (kept the same length, so offsets hold) before reading; a
# base further back ("比2020年下降13.5%") is a five-year comparison and stays.
_BASE = re.compile(
    rf"[比较](?P<year>{YEAR_WORDS})年(?:预计|实际|执行数)?"
    # "比一九七二年的三千一百亿元增长": the base's words go with it; "比1955年基本建设投资增长": the name stays.
    r"(?:的[^，,。；;：:%]{0,14}?(?=增长|提高|增加|下降|降低|减少)|(?=[^，,。；;：:%\d]{0,14}?(?:增长|提高|增加|下降|降低|减少)))"
)
_BLANK = "_"


def _blank_bases(norm, year):
    def blank(m):
        return _BLANK * len(m.group()) if year - 1 <= year_number(m.group("year")) <= year else m.group()

    return _BASE.sub(blank, norm)


def _year_state(found, year):
    y = year_number(found)
    if year is None or y is None:
        return None
    if y < year:
        return _PAST
    return _FUTURE if y <= year + 1 else _PLAN


def year_number(text):
    """The year a match of :data:`YEAR_WORDS` writes, as an int.

    >>> year_number("1995"), year_number("一九九五"), year_number("二〇〇五")
    (1995, 1995, 2005)
    """
    return int(text.translate(_YEAR_DIGITS))


_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


# -- reading ----------------------------------------------------------------------

_PARAMS = {"year": optional(int_between(1949, 2100))}
_CLAUSE_ONLY = re.compile(r"完成|实现|高于|年均|每年")
# A figure, not a date: "2025年", "12月" are no figure of the item before.
_ANY_FIGURE = re.compile(r"\d+(?:\.\d+)?(?![\d.年月日号])|百分之")
# What may stand before a word of time that opens its clause: "“十五五”时期，…", "在去年…", "到2030年".
_OPENS_CLAUSE = re.compile(r"(?:在|到|从)?[“‘\"「『]?")
_CLAUSE_ENDS = "，,；;：:。"
_CLAUSE_END = re.compile(f"[{_CLAUSE_ENDS}]")
_SENTENCE_STOP = re.compile("[。!?！？]")
_SENTENCE_END = ("。", "！", "？", "!", "?", "”")
# A line ending so introduces a list ("主要预期目标是：", "主要指标安排如下。"), whose
# items ("一是……。", "（二）……。", "2.……。", or a line opening with an indicator) are read with it.
_LIST_OPENS = ("：", ":", "如下。")
_LIST_ITEM = re.compile(r"——|[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]")
# A heading whose lines are read as one run with it (its year or its words date them):
# the targets' ("二、2026年主要预期目标") and the year's work ("三、2025年工作安排").
_TARGETS_HEADING = re.compile(r"(?:预期|主要)(?:目标|指标)|工作(?:安排|思路|打算)$")
_CARRY_END = ("；", ";", "：", ":", "，", ",", "如下。")  # "主要指标安排如下。" introduces the list that follows


def targets(text: str, *, year: int | None = None) -> list[Target]:
    """The coming year's targets stated in a report.

    Parameters
    ----------
    text : str
        The report (or any part of it). Line breaks, full-width digits,
        thousands separators and Chinese numerals are all read, and
        traditional characters as simplified ones (the sentence is given
        as written; units and ``modifier_text`` in simplified characters).
    year : int, optional
        The year the report's targets are for (its title's year; for a
        report given in December, the next year is also accepted, and for a
        year's summary, "城关镇2025年工作总结", the year it plans, 2026, or its
        title's). A figure
        in a clause about an earlier year is ignored, one about a later year
        than ``year + 1`` is taken as a plan. Without it, only words
        (今年, 去年, 年均 …) tell the years apart.

    Returns
    -------
    list of Target
        In order of the text, one per indicator (the first statement of
        each: a report restates its growth target when it explains it; for
        fiscal revenue, the general budget's, 一般公共预算收入 or
        公共财政预算收入, where one is stated beside 财政收入 or 财政总收入),
        except that each unemployment rate and each statistic of output
        growth (GDP or 经济增长, GNP, 工农业总产值, 社会总产值) has its own
        ``gdp_growth`` row, told apart by ``measure``. If no growth target
        is stated, a ``gdp_growth`` Target with ``stated=False`` comes last.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ParameterError
        If ``year`` is not None or a plausible year.

    Examples
    --------
    >>> report = "去年地区生产总值增长5.2%。今年全市经济增长预期目标为百分之五至五点五，粮食产量稳定在40万吨以上。"
    >>> [(t.indicator, t.value, t.low, t.high, t.unit, t.modifier) for t in targets(report, year=2026)]
    [('gdp_growth', None, 5.0, 5.5, '%', ''), ('grain', 40.0, None, None, '万吨', '以上')]
    """
    check_text(text, where="targets")
    check_params("targets", _PARAMS, {"year": year})
    # Every pattern below is written in simplified characters; the fold keeps offsets.
    given, text = text, to_simplified(text)
    # A report given at the year's end states its targets for 明年: its 今年 is the year closing.
    # So is one dated late in the year before the targets' ("——1990年12月20日" for 1991).
    late = _LATE_DATE_LINE.search(text[:_HEAD].translate(_FULL_WIDTH))
    # And so is a year's summary ("城关镇2025年工作总结"), written as the year it sums up ends,
    # read for that year or the next: its 今年 is that year.
    summed = _summed_year(text)
    closing = (
        _NEXT_YEAR_TARGET.search(_SPACE.sub("", text)) is not None
        or (year is not None and late is not None and year_number(late.group(1)) == year - 1)
        or (summed is not None and year in (None, summed, summed + 1))
    )
    # A table of targets is read by its columns; its lines are then blank to the
    # paragraphs (same length, so offsets hold), whose running time state would
    # take last year's column for this year's.
    lines = _lines(text)
    tables = list(_tables(text, lines, year, closing))
    # Page marks are blank to the paragraphs too: a sentence broken by a page
    # ("社会消费品\n- 2 -\n安平市人民政府工作报告\n零售总额增长12%") reads whole.
    blanks = sorted([(start, end) for start, end, _ in tables] + list(_page_marks(lines)))
    pieces, at = [], 0
    for start, end in blanks:
        if start >= at:
            pieces += [text[at:start], _NOT_NEWLINE.sub(" ", text[start:end])]
            at = end
    prose = "".join(pieces) + text[at:]
    spans = split_sentences(prose)
    # Where no word dates a clause, the report's structure does: a clause in its plan
    # (a section "三、2015年重点工作", a half-year report's 下半年) is the coming year's.
    planned = {span.start for span, part in zip(spans, report_parts(spans)) if part == "plan"}
    readings, carry = [], None
    for run in _paragraphs(prose, spans):
        # A list goes on into a paragraph that opens with an indicator ("物价涨幅控制在3%左右。"),
        # not into the plan's prose after it ("农业要确保粮食总产量达到2000万吨").
        goes_on = not run[0].is_heading and _NAMES.match(run[0].text.strip().translate(_FULL_WIDTH)) is not None
        read, carry = _read_paragraph(prose, run, year, closing, carry if goes_on else None, planned)
        readings += read
    readings += [(target, 2) for _, _, rows in tables for target in rows]  # a table of targets states the main ones
    readings.sort(key=lambda reading: reading[0].start)  # stable: a sentence's targets in the order read
    found: list[Target] = []
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for target, weight in readings:
        # One price target; both unemployment rates; each statistic of output.
        key = (target.indicator, target.measure if target.measure in _OWN_ROW else "")
        if key not in seen:
            seen[key] = (len(found), weight)
            found.append(target)
            continue
        k, weight_before = seen[key]
        # A weightier statement wins over one before it: the main targets' over another
        # body's ("国家提出今年经济增长5%左右的预期目标。…今年全省主要预期目标是：地区生产
        # 总值增长6%左右"); and among equals the general budget's revenue over 财政总收入
        # ("财政总收入增长8%，一般公共预算收入增长6%").
        if weight > weight_before or (
            weight == weight_before and _MEASURE_RANK.get(target.measure, 0) < _MEASURE_RANK.get(found[k].measure, 0)
        ):
            found[k], seen[key] = target, (k, weight)
    # A report that states its main targets states them there: a figure dated by its
    # place in the plan only ("城镇新增就业28万人" in the section on jobs) is then a
    # measure of the plan, not one of the year's targets. (One its words date, "今年粮食
    # 产量要稳定在5.5亿吨以上", is one of them, wherever it stands.)
    if sum(weight == 2 for _, weight in seen.values()) >= 2:  # a list, not one target's sentence
        found = [t for t, (_, weight) in zip(found, sorted(seen.values())) if weight != _PART_WEIGHT]
    if not any(t.indicator == "gdp_growth" for t in found):
        found.append(Target("gdp_growth", stated=False))
    if given is not text:
        found = [replace(t, text=_unfolded(t, given, text)) for t in found]
    return found


def _summed_year(text):
    """The year a whole year's summary sums up, named alone in its first line ("城关镇2025年
    工作总结"), or None: for another report, a half-year's or one whose title names its plan's year too."""
    first = _FIRST_TEXT_LINE.search(text)
    if first is None or not _YEAR_SUMMARY.search(first.group()) or first.group().rstrip().endswith(_SENTENCE_END):
        return None
    named = {year_number(y) for y in _TITLE_YEAR.findall(first.group().translate(_FULL_WIDTH))}
    if len(named) != 1:
        return None
    summed = named.pop()
    # Summed up, not planned: "…工作总结及2026年工作计划" names the year it plans.
    return summed if summed is not None and summary_plan_year(to_simplified(first.group())) == summed + 1 else None


_FIRST_TEXT_LINE = re.compile(r"\S[^\n\r]*")


def _unfolded(target, given, folded):
    """The sentence of ``target`` in the characters of the text ``given``: where it holds
    the folded text's character (not a blank put over a table or a page mark), the given one."""
    at = slice(target.start, target.end)
    return "".join(g if t == f else t for g, f, t in zip(given[at], folded[at], target.text))


def _lines(text):
    """``(start, line)`` of each line of ``text``, stripped (``start`` is that of its first
    character not white space): what the tables and the page marks are found in."""
    return [(m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip()) for m in _LINE.finditer(text)]


def _page_marks(lines):
    """(start, end) of each line that marks a printed page: a page number, or a running
    header (a short line without a sentence's end that recurs, or the title repeated)."""
    lines = [(start, line) for start, line in lines if line]
    seen = collections.Counter(line for _, line in lines if len(line) <= _HEADER_CHARS)
    title = lines[0][1] if lines else None
    for k, (start, line) in enumerate(lines):
        header = (seen[line] > 1 or line == title) and not line.endswith(_SENTENCE_END + ("：", ":", "；", ";", "，"))
        if k and (is_page_mark(line) or (header and heading_level(line) is None)):
            yield start, start + len(line)


_HEADER_CHARS = 40


def _paragraphs(text, spans):
    """Runs of sentences read together: a paragraph; with the next line when a line ends
    in a colon, semicolon or comma or without ending its sentence; with the items of a
    list its line introduces ("主要预期目标是：" then "一是……。" "二是……。"); and the
    lines under a heading of the targets or of the year's work ("二、2026年主要预期目标")."""
    run = []
    listing = False  # the run introduced a list: its items go on in it
    targets_level = None  # the level of the heading of targets the run is under
    for span in spans:
        level = heading_level(span.text) if span.is_heading else None
        if targets_level is not None and level is not None and level <= targets_level:
            targets_level = None  # the next heading of its level or above ends it
        if run:
            prev = run[-1]
            between = text[prev.end : span.start]
            joined = "\n" not in between and "\r" not in between
            # A line that ends without ending its sentence goes on in the next; the date
            # line ends none, and goes on in nothing: its year dated the line under it
            # ("——2024年12月20日在…会议上" then "2025年主要预期目标是：…", read as 2024's).
            unfinished = not prev.is_heading and not prev.text.endswith(_SENTENCE_END) and not _is_date_line(prev.text)
            item = listing and (_LIST_ITEM.match(span.text) is not None or _NAMES.match(span.text) is not None)
            if not (joined or unfinished or prev.text.endswith(_CARRY_END) or item or targets_level is not None):
                yield run
                run, listing = [], False
        run.append(span)
        listing = listing or span.text.endswith(_LIST_OPENS)
        if level is not None and _TARGETS_HEADING.search(span.text):
            targets_level = level
    if run:
        yield run


def _is_date_line(sentence):
    """Whether a sentence is a report's date (or session) line: :data:`DATE_LINE`, digits full-width or not."""
    return DATE_LINE.fullmatch(sentence.strip().translate(_FULL_WIDTH)) is not None


def _read_paragraph(text, spans, year, closing=False, carried_in=None, planned=frozenset()):
    """The coming year's targets of one run of sentences: ``([(Target, weight), …], carry)``.

    ``weight`` ranks statements of one indicator: 2 for a target read under words
    of the main targets (主要预期目标, 预期指标: from their sentence to the next
    heading), 0 for one another body set ("国家提出…", "县里下达我镇的…目标为6%"),
    -1 for one only the report's structure dates (a heading above, the plan part),
    else 1. ``carry`` is what the next run starts from: for a run that
    read targets and ended in the coming year's state, ``(_FUTURE, weight)`` of its
    last target (a list of targets goes on in the sentences after it: "…财政收入增长
    4%。\n物价涨幅控制在3%左右。"), else None. ``carried_in`` is the last run's carry.
    ``planned`` holds the starts of the report's sentences in its plan part.
    """
    first, last = spans[0].start, spans[-1].end
    raw = text[first:last]
    # Normalise: white space out (remembering where each run of the rest
    # began, to find a character's place in the text), full-width forms in.
    pieces = _SPACE.split(raw)
    norm = "".join(pieces)
    if not _ANY_NAME.search(norm):
        return [], None
    norm = norm.translate(_FULL_WIDTH)
    raw_starts = [first + m.end() for m in _SPACE.finditer(raw)]
    norm_starts = list(itertools.accumulate(map(len, pieces[:-1]), initial=0))

    def origin(k):
        j = bisect.bisect_right(norm_starts, k) - 1
        return (first if j == 0 else raw_starts[j - 1]) + k - norm_starts[j]

    def span_at(k):
        return spans[bisect.bisect_right(starts, origin(k)) - 1]

    def to_norm(r):
        """The place in ``norm`` of the text's position ``r`` (the first character not before it)."""
        j = bisect.bisect_right(piece_starts, r) - 1
        return norm_starts[j] + min(r - piece_starts[j], len(pieces[j]))

    piece_starts = [first, *raw_starts]

    if year is not None:
        norm = _blank_bases(norm, year)
    starts = [s.start for s in spans]
    found = list(_MARKERS.finditer(norm))
    if year is None:
        # Without the report's year, an earlier year beside a later one is past.
        years = [y for y in (year_number(m.group("year")) for m in found if m.group("year")) if y]
        latest = max(years, default=None)
    markers = [
        (m.start(), _marker_state(m, year, latest if year is None else None, closing), bool(m.group("year") or _STRONG.match(m.group())))
        for m in found
    ]
    # Clause and sentence ends, found once: searching back from every figure
    # (str.rfind for each end character) took time quadratic in a sentence's clauses.
    # A heading ends its sentence though it has no stop ("二、今年工作的总体要求和主要目标" over
    # "2019年全县…主要预期目标是：…": its words must not date the line under it as its own clause).
    heading_ends = [to_norm(span.end) - 1 for span in spans[:-1] if span.is_heading]
    clause_ends = sorted({m.start() for m in _CLAUSE_END.finditer(norm)} | set(heading_ends))
    sentence_ends = sorted({m.start() for m in _SENTENCE_STOP.finditer(norm)} | set(heading_ends))
    # Some words of the past date nothing: a completion after a word of intent in its clause
    # ("确保全年目标完成" is a resolve, not a result), and 预计 in a clause that names the
    # targets' own year (a budget's estimate for it: "2014年全区一般公共预算收入预计增长8%",
    # "2021年全区财政总收入预计增长5%，其中一般公共预算收入增长4.5%").
    intent_at = [m.start() for m in _INTENT.finditer(norm)]
    year_clauses = {_last_before(clause_ends, pos) for pos, state, _ in markers if state == _FUTURE and _YEAR_AT.match(norm, pos)}

    def dates_nothing(pos):
        clause = _last_before(clause_ends, pos)
        if _DONE_TARGET.match(norm, pos):
            return _last_before(intent_at, pos) > clause
        return norm.startswith("预计", pos) and clause in year_clauses

    markers = [(pos, None if state == _PAST and dates_nothing(pos) else state, strong) for pos, state, strong in markers]
    markers = _sticky([marker for marker in markers if marker[1] is not None], clause_ends, sentence_ends)
    positions = [p for p, _ in markers]
    # Some words date their own clause only: 已经 ("这一目标已经充分考虑了各种因素；一般
    # 公共预算收入增长5%"), and a completion, comparison or average in a sentence the coming
    # year opened ("今年主要预期目标是：…；能耗完成国家下达的目标任务；城镇调查失业率5.5%左右").
    # So does 年初 of targets set then ("紧紧围绕年初市人代会确定的目标任务，…努力实现全年地区生产总值增长7%").
    local = {m.start() for m in found if m.group() == "已经" or (m.group() == "年初" and _SET_THEN.match(norm, m.end()))}
    state_in, weight_in = carried_in or (None, 1)
    # The sentences under words of the main targets: from a sentence naming them to the
    # next heading, or under a heading that names them ("二、2026年主要预期目标").
    heading_starts = [span.start for span in spans if span.is_heading]
    main_spans, under_main = set(), False
    for span in spans:
        under_main = bool(_MAIN.search(span.text)) or (under_main and not span.is_heading)
        if under_main:
            main_spans.add(span.start)
    # A remark on the five-year plan or last year inside the list of main targets dates its
    # own clause only too ("地区生产总值增长5%左右，与“十五五”规划目标相衔接，居民消费价格涨幅
    # 3%左右", "增长5%左右（上年实际增长5.2%），…"): the items after it are still the year's.
    # So is a clause that opens on such a word and gives a figure of no indicator it names: it
    # speaks of the item before ("，上年实际增长5.2%，", "；“十五五”时期年均增长5.5%；"). A plan
    # or past word that opens its clause otherwise ("；“十五五”时期，地区生产总值年均增长6%，…")
    # starts a statement of that time, which goes on in the clauses after it.
    marker_ends = {m.start(): m.end() for m in found}

    def remark(pos):
        clause = _last_before(clause_ends, pos) + 1
        if not _OPENS_CLAUSE.fullmatch(norm, clause, pos):
            return True
        k = bisect.bisect_right(clause_ends, pos)
        end = clause_ends[k] if k < len(clause_ends) else len(norm)
        return _NAMES.search(norm, clause, end) is None and _ANY_FIGURE.search(norm, marker_ends.get(pos, pos), end) is not None

    opened, current = None, state_in
    for pos, state in markers:
        sentence = _last_before(sentence_ends, pos)
        if state == _FUTURE:
            opened = sentence
        elif norm.startswith(("完成了", "实现了"), pos):
            pass  # a review of what was done, which goes on
        elif opened == sentence and _CLAUSE_ONLY.match(norm, pos):
            local.add(pos)
        elif current == _FUTURE and span_at(pos).start in main_spans and remark(pos):
            local.add(pos)
        if pos not in local:
            current = state
    carried = [(p, state) for p, state in markers if p not in local]
    carried_at = [p for p, _ in carried]

    def state_at(pos):
        k = bisect.bisect_right(carried_at, pos) - 1
        return carried[k][1] if k >= 0 else state_in

    # Ends of clauses but a colon's ("国家提出：今年…" is one clause), for the bodies' words.
    short_ends = sorted({m.start() for m in _COMMA.finditer(norm)} | set(sentence_ends))
    # Found once, not searched back from every figure: a clause may hold thousands of them.
    following = [m.start() for m in _FOLLOWING.finditer(norm)]
    body_says = [m.start() for m in _BODY_SAYS.finditer(norm) if _last_before(following, m.start()) <= _last_before(short_ends, m.start())]
    full_year = [m.start() for m in _FULL_YEAR.finditer(norm)]
    other_body = [m.start() for m in _OTHER_BODY.finditer(norm)]
    striving = list(_STRIVING.finditer(norm))
    striving_at = [m.start() for m in striving]

    def weight(figure_at, when):
        clause = _last_before(short_ends, figure_at) + 1
        sentence = _last_before(sentence_ends, figure_at) + 1
        if _last_before(other_body, figure_at) >= clause or _last_before(body_says, figure_at + 1) >= sentence:
            return 0
        if span_at(figure_at).start in main_spans or (not carried_at and weight_in == 2):
            return 2
        return _PART_WEIGHT if when is _BY_PART else 1

    def coming(clause, figure_at):
        """Whether a figure is the coming year's: by words (True), by the report's
        structure only (_BY_PART), or not (False). In its clause, up to the figure, a
        plan or past marker decides (“十五”期间年均经济增长速度预期目标为7%); else a
        coming-year marker; else the state the paragraph was in before the clause;
        else, where no word dated the run, whether the clause is in the plan part."""
        upto = bisect.bisect_left(positions, figure_at)
        # (the last _CLAUSE_MARKERS of them: a clause of thousands is no prose, and must not take quadratic time)
        inside = {state for _, state in markers[max(bisect.bisect_left(positions, clause), upto - _CLAUSE_MARKERS) : upto]}
        if _PLAN in inside or _PAST in inside:
            return False
        before = state_at(clause - 1)
        if _FUTURE in inside:
            return True
        if before == _FUTURE:
            # Dated by a heading, or by words above one, is dated by the report's structure:
            # "二、2025年工作安排" over "（二）稳定就业\n新增城镇就业300人".
            k = bisect.bisect_right(carried_at, clause - 1) - 1
            if k < 0:
                return True  # dated by the run before
            dating, here = span_at(carried_at[k]).start, span_at(clause).start
            crossed = bisect.bisect_right(heading_starts, here) - bisect.bisect_left(heading_starts, dating)
            return by_part(clause, figure_at) if crossed and dating != here else True
        return by_part(clause, figure_at) if before is None and span_at(clause).start in planned else False

    def by_part(clause, figure_at):
        # 全年 in the plan dates its clause: "全年固定资产投资增长7%" under "（二）扩大有效投资".
        return True if _last_before(full_year, figure_at) >= clause else _BY_PART

    out = []
    names = list(_NAMES.finditer(norm))
    shared = _shared_figures(norm, names, clause_ends)
    for m in names:
        row = int(m.lastgroup[1:])
        indicator, _, unit, measure = INDICATORS[row]
        reading = shared[m.start()] if m.start() in shared else _figure_after(norm, m, indicator, unit)
        if reading is None:
            continue
        figure_at, fields = reading
        if fields.pop("moved"):  # 由今年预计的3%提高到4%: the clause's past words are about the first figure
            figure_at = m.end()
        clause = _last_before(clause_ends, m.start()) + 1
        when = coming(clause, figure_at)
        if not when:
            continue
        # 力争粮食产量达到…: a striving word before the name qualifies the figure too.
        k = bisect.bisect_left(striving_at, m.start()) - 1
        if k >= 0 and striving_at[k] >= clause and not _PRE_RE.search(norm, m.end(), figure_at):
            fields["modifier"], fields["modifier_text"] = _modifier(striving[k].group(), fields.pop("post"))
        fields.pop("post", None)
        span = span_at(m.start())
        out.append((Target(indicator, measure=measure, start=span.start, end=span.end, text=span.text, **fields), weight(figure_at, when)))

    # A later clause of the sentence that states a rate without naming it is
    # about the indicator last named: "今后五年生产总值年均增长10%，今年增长11%左右".
    for m in names:
        indicator, _, unit, measure = INDICATORS[int(m.lastgroup[1:])]
        if unit != _PCT:
            continue
        # The clauses after the name's own, up to the end of the sentence, while each
        # is a bare rate; a clause that names something else ends them ("外贸出口增长8%").
        k = bisect.bisect_right(clause_ends, m.start())
        while k < len(clause_ends) and norm[clause_ends[k]] not in "。!?！？":
            clause = clause_ends[k] + 1
            bare = _BARE_RATE.match(norm, clause + len(_BARE_LEAD.match(norm, clause).group()))
            fig = _FIGURE.match(norm, bare.end()) if bare else None
            if not (fig and _fits(fig, unit)):
                break
            k += 1
            when = coming(clause, fig.start())
            if not when:
                continue
            fields = _finish(_values(fig, unit), norm[clause : fig.start()], fig, norm, unit, False)
            fields.pop("post"), fields.pop("moved")
            span = span_at(bare.start())
            out.append((Target(indicator, measure=measure, start=span.start, end=span.end, text=span.text, **fields), weight(fig.start(), when)))
            break
    out.sort(key=lambda reading: reading[0].start)  # stable: a sentence's targets in the order read
    carry = (_FUTURE, out[-1][1]) if out and state_at(len(norm)) == _FUTURE else None
    return out, carry


_BARE_RATE = re.compile(r"(?:增长|增速|增幅)(?:为|是|达到|保持在|控制在)?(?=百分之|\d)")
# ... and all the clause may say before it: a time and words of intent.
_BARE_LEAD = re.compile(
    rf"(?:今年|明年|本年|全年|(?:{YEAR_WORDS})年)?(?:我们|[我全][省市县区镇乡])?(?:计划|预期|要|将|争取|力争|确保|实现|安排|可以|实际)*(?:比上年|比去年)?"
)


_YEAR_AT = re.compile(rf"(?:{YEAR_WORDS})年")
_JOINER = re.compile(r"以及|[、和与及]")
_SHARING = re.compile(r"(?P<each>分别)|(?P<all>均|都)")
_FIGURES_SEP = re.compile(r"[、和与,，]")
_ITEMS = re.compile(r"[^，,；;：:。！？!?\d%]*")  # a clause's words before its figures


_PER_OUTPUT = re.compile(r"(?:单位|万元)(?:国内|地区)?(?:生产总值|GDP)")
_PER_OUTPUT_ITEM = re.compile(r"(?:综合)?(?:能耗|能源消耗)")
_RATE_WORD = re.compile(r"(?:涨幅|增幅|增速|增长率?)?")
_MAX_ITEMS = 40  # names in one clause that may share a statement of figures


def _shared_figures(norm, names, clause_ends):
    """Readings of names whose clause lists several items before one statement of figures.

    ``{name start: (figure position, fields), or None where the figures do
    not fit}``. "规上工业增加值、一般公共预算收入分别增长9%和6%": each item the
    figure in its place (the second, 6%); "地区生产总值和一般公共预算收入均增长
    6%": every item the one figure.
    """
    out = {}
    clause_of = [bisect.bisect_left(clause_ends, m.start()) for m in names]
    crowd = collections.Counter(clause_of)
    for m, k in zip(names, clause_of):
        if crowd[k] > _MAX_ITEMS:
            continue  # no list of targets: reading it item by item would take time quadratic in its length
        clause = _last_before(clause_ends, m.start()) + 1
        head = norm[clause : m.start()]
        words = _ITEMS.match(norm, m.end())
        sharing = _SHARING.search(norm, m.end(), words.end())
        if sharing is None or _ITEMS.fullmatch(head) is None:
            continue
        if _PER_OUTPUT_ITEM.fullmatch(m.group()) and not _PER_OUTPUT.search(head):
            continue  # 能耗 alone is an intensity only as an item per unit of output
        tail = norm[m.end() : sharing.start()]
        # The name may keep a word of its rate before the next item ("居民消费价格涨幅和城镇调查失业率").
        tail = tail[len(_RATE_WORD.match(tail).group()) :]
        if tail and not _JOINER.match(tail):
            continue  # the name is not one of the items: "…总额增速分别…"
        before, after = len(_JOINER.findall(head)), len(_JOINER.findall(tail))
        if before + after == 0:
            continue
        unit = INDICATORS[int(m.lastgroup[1:])][2]
        word = _GAP.match(norm, sharing.end())
        pos, figures = (word.end() if word else sharing.end()), []
        while len(figures) < (before + after + 1 if sharing.group("each") else 1):
            fig = _FIGURE.match(norm, pos)
            if fig is None or not fig.group():
                break
            figures.append(fig)
            sep = _FIGURES_SEP.match(norm, fig.end())
            if sep is None:
                break
            pos = sep.end()
        fig = figures[0] if sharing.group("all") and figures else (figures[before] if len(figures) == before + after + 1 else None)
        fields = _values(fig, unit) if fig is not None and _fits(fig, unit) else None
        # A bound after the last figure bounds them all: "分别控制在5.5%和4.5%左右" is about 5.5% too;
        # but not a figure of another unit ("分别为50万人和5.5%以内": jobs are no ceiling) nor a range.
        last = figures[-1] if fig is not None else None
        shared_post = (
            last.group("post")
            if last is not None and sharing.group("each") and _unit_of(fig) == _unit_of(last) and not fig.group("b")
            else None
        )
        out[m.start()] = (fig.start(), _finish(fields, norm[sharing.start() : fig.start()], fig, norm, unit, False, shared_post)) if fields else None
    return out


def _unit_of(fig):
    """A figure's unit as written: "%" (or 百分之), a unit word, or "" for a bare number."""
    return "%" if fig.group("pct") or fig.group("pa") or fig.group("pb") else (fig.group("unit") or "")


def _last_before(ends, pos):
    """The last of the sorted positions ``ends`` before ``pos``, or -1: ``str.rfind`` of any of their characters."""
    k = bisect.bisect_left(ends, pos)
    return ends[k - 1] if k else -1


def _sticky(markers, clause_ends, sentence_ends):
    """Drop a coming-year marker that follows a plan or past one in the same clause
    (各年度视情提出经济增长预期目标, 完成了全年主要目标), or a plan in the same
    sentence unless it names the year (在这个期间，工农业总产值计划增长…): it does
    not make the clause the coming year's. Drop a plan marker that follows the
    coming year's name in its clause (今年是“十四五”规划收官之年)."""
    kept, clause_of_block, plan_sentence, clause_of_year = [], None, None, None
    for pos, state, strong in markers:
        clause = _last_before(clause_ends, pos)
        sentence = _last_before(sentence_ends, pos)
        if state == _FUTURE and (clause_of_block == clause or (plan_sentence == sentence and not strong)):
            continue
        if state == _PLAN and clause_of_year == clause:
            continue  # 今年是“十四五”规划收官之年: the plan names the year, it is no plan's target
        clause_of_year = clause if state == _FUTURE and strong else None
        clause_of_block = clause if state != _FUTURE else None
        if state == _PLAN:
            plan_sentence = sentence
        elif strong:
            plan_sentence = None
        kept.append((pos, state))
    return kept


def _marker_state(m, year, latest=None, closing=False):
    if m.group("year"):
        if year is None:
            return _PAST if latest and year_number(m.group("year")) < latest else None
        if m.start() and m.string[m.start() - 1] == "到" and year_number(m.group("year")) > year:
            return _PLAN  # "到2020年，…" in a report for 2019: a plan's horizon, not the next year's targets
        return _year_state(m.group("year"), year)
    if m.group("neutral"):
        return None
    if m.group("base"):
        # 比今年增长: a base, in a report whose targets are 明年's; elsewhere the year of its targets.
        return None if closing else _FUTURE
    if closing and m.group().startswith(("今年", "本年")):
        return _PAST
    return _FUTURE if m.group("future") else _PAST if m.group("past") else _PLAN


# 明年 before an indicator and its figure in one clause: "明年全县工农业总产值计划增长百分之八".
_NEXT_YEAR_TARGET = re.compile(rf"明年[^，,。；;]{{0,12}}(?:{_NAMES.pattern})[^，,。；;]{{0,12}}(?:百分之|\d)")
_BASE_OF = "的基础上"
_INCREMENT = re.compile(r"(?:增加|增产|减少|减产|多产|多收)(?!到)")
_GROWTH_AFTER = re.compile(r"的(?:增长速度|增速|增长)")
_AMOUNT = re.compile(rf"{_NUM}(?:万亿|亿|万)?元(?:左右|以上)?[，,、](?={_OVER_LAST}{_CHANGE})")
_GAP = re.compile(r"[^;。!?！？\d%]{0,24}?(?=百分之|\d|[零〇一二两三四五六七八九十])")
# A year alone, not the start of a span of years or of a part of one: "2026年至2030年累计…"
# and "2026年一季度增长5.2%" state no figure of the year.
_YEAR_ALONE = rf"(?:{YEAR_WORDS})年(?!\s*(?:[至到—–\-~～]|第?[一二三四1-4]季度|上半年|前三季度|[\d一二三四五六七八九十]{{1,3}}[月-]))"
# Numerals that are no figure: a plan's name ("按照“十五五”规划要求增长3%") and a year
# ("粮食产量，2026年稳定在600亿斤以上"; the year's words date the clause as before).
_NO_FIGURE = re.compile(rf"十[一二三四五]五|[六七八九]五(?=计划|期间|时期|规划)|{_YEAR_ALONE}")


def _figure_after(norm, name, indicator, unit):
    """(position of the figure, Target fields) for the figure following an indicator's name, or None."""
    pos = name.end()
    for _ in range(3):  # a Chinese numeral inside a word (进一步) is skipped, a few times at most
        gap_match = _GAP.match(norm, pos)
        if gap_match is None:
            return None
        fig = _FIGURE.match(norm, gap_match.end())
        if fig and _fits(fig, unit):
            # Stepped over: last year's figure as a base ("在上年增长3.2%的基础上增长8%"),
            # and a change of the harvest ("比上年增产50亿斤"), not the harvest.
            if not (norm.startswith(_BASE_OF, fig.end()) or (unit == _GRAIN and _INCREMENT.search(norm, pos, fig.start()))):
                break
            pos = fig.end()
            continue
        # An amount before the rate (地区生产总值达到300亿元、增长6%) is stepped over whole, as are a plan's name and a year.
        whole = _AMOUNT.match(norm, gap_match.end()) or _NO_FIGURE.match(norm, gap_match.end())
        pos = whole.end() if whole else gap_match.end() + 1
    else:
        return None
    gap = norm[name.end() : fig.start()]
    # The word of growth may come after the figure: "生产总值保持12%以上的增长速度".
    if not _gap_ok(gap, name.group(), indicator, _GROWTH_AFTER.match(norm, fig.end()) is not None):
        return None
    # 由…提高到4%: the figure moved to is the target.
    move = _MOVE_TO.match(norm, fig.end())
    moved = False
    if move and "由" in gap:
        later = _FIGURE.match(norm, move.end())
        if later and _fits(later, unit):
            fig, moved = later, True
    fields = _values(fig, unit)
    if fields is None:
        return None
    if indicator == "cpi" and "指数" in name.group() + gap:
        fields = _as_rise(fields)
        if fields is None:
            return None
    if indicator in _FALLS and _FALL.search(gap) and not _GROWTH_WORD.search(name.group() + gap):
        fields = _as_fall(fields)
    elif unit == _PCT and (gap.endswith("-") or "负增长" in gap):  # "增长-5%", "负增长5%"
        fields = _as_fall(fields)
    return fig.start(), _finish(fields, gap, fig, norm, unit, moved)


_FALLS = {"fiscal_revenue_growth", "fixed_investment_growth"}


def _as_fall(fields):
    """Figures of a fall as negative rates: 下降5%-8% is the range -8% to -5%."""
    value, low, high = fields["value"], fields["low"], fields["high"]
    if value is not None:
        return {**fields, "value": -value}
    return {**fields, "low": -high, "high": -low}


def _as_rise(fields):
    """A price index's figures as rises (last year = 100: "指数控制在103%以内" is a rise of 3%).

    Figures under 100 are rises already ("指数涨幅3%"); a mix is no target (None).
    """
    figures = {k: fields[k] for k in ("value", "low", "high") if fields[k] is not None}
    if all(v < 100 for v in figures.values()):
        return fields
    if not all(100 <= v < 200 for v in figures.values()):
        return None
    return {**fields, **{k: round(v - 100, 6) for k, v in figures.items()}}


def _finish(fields, gap, fig, norm, unit, moved, shared_post=None):
    """The Target fields of a figure read: its modifier and stretch beside its values.

    ``shared_post`` is the bound after the last figure of a list the figure is in, for a
    figure with no bound of its own.
    """
    post = fig.group("post") or fig.group("more") or shared_post
    fields["modifier"], fields["modifier_text"] = _modifier(gap, post)
    fields["post"], fields["moved"] = post, moved
    stretch = _STRETCH.match(norm, fig.end())
    if stretch:
        more = _FIGURE.match(norm, stretch.end())
        if more and _fits(more, unit):
            extra = _values(more, unit)
            fields["stretch"] = extra["value"] if extra["value"] is not None else extra["high"]
    return fields


def _fits(fig, unit):
    """Whether a figure is written in the unit an indicator is stated in."""
    pct = bool(fig.group("pct") or fig.group("pa") or fig.group("pb"))
    cn = not fig.group("a")[0].isdigit()
    if unit == _PCT:
        return pct and (fig.group("pct") is not None or not cn)
    if unit == _JOBS:
        return fig.group("unit") in ("万人", "人") and not pct
    return bool(fig.group("unit")) and fig.group("unit") not in ("万人", "人") and not pct


def _gap_ok(gap, name, indicator, growth_after=False):
    if _NOT_TARGET.search(gap) or _NAMES.search(gap):
        return False
    need = _NEEDS.get(indicator)
    if need and not need.search(name + gap) and not (growth_after and indicator != "energy_intensity"):
        return False
    # A comma may stand between a name and its figure only after a word of
    # target (经济增长速度的调控目标，定为8%) or before one of control.
    for comma in re.finditer(r"[,，:：]", gap):
        before, after = gap[: comma.start()], gap[comma.end() :]
        if before.endswith("元") and re.match(rf"{_OVER_LAST}{_CHANGE}", after):
            continue  # after an amount: 地区生产总值300亿元，(比上年)增长6%
        if comma.group() in "：:" and re.fullmatch(r"(?:增速|增长率?|增幅)?", before) and after in ("", "≥", "≤", "＞", "＜", ">", "<"):
            continue  # a list of "indicator: value": "地区生产总值增速：5%左右"
        # ... or before a blanked base, as plans list their indicators ("工农业总产值，比1980年预计增长5.5%"),
        # or a year, which dates the figure ("粮食产量，2026年稳定在600亿斤以上").
        if not (re.search(r"目标|预期", before) or re.match(rf"定为|拟定|力争|确保|控制|要|为|是|预期|计划|安排|{_BLANK}|{_YEAR_ALONE}", after)):
            return False
    return True


def _values(fig, unit):
    a = parse_number(fig.group("a"))
    b = parse_number(fig.group("b")) if fig.group("b") else None
    if a is None or (fig.group("b") and b is None):
        return None
    stated_unit = unit
    if unit == _JOBS:
        if fig.group("unit") == "人":  # 一千二百万人, 12000人: counted in 万人
            a, b = a / 10_000, (b / 10_000 if b is not None else None)
    elif unit == _GRAIN:
        stated_unit = fig.group("unit")
        if stated_unit in ("斤", "公斤", "吨"):
            # Chinese numerals carry their 万/亿 in the number: the largest one written is
            # the unit ("一万零五百亿斤" is 10500 亿斤, "一亿二千万斤" 1.2 亿斤, "一万亿斤" 1 万亿斤).
            written = _MAGNITUDES.findall(fig.group("b") or fig.group("a"))
            for size, prefix in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
                if prefix in written:
                    a, b = a / size, (b / size if b is not None else None)
                    stated_unit = prefix + stated_unit
                    break
    a, b = round(a, 6), (round(b, 6) if b is not None else None)
    if b is not None and b > a:
        return {"value": None, "low": a, "high": b, "unit": stated_unit}
    return {"value": a, "low": None, "high": None, "unit": stated_unit}


# -- tables -----------------------------------------------------------------------

# A table's row is a line whose cells are split by tabs, bars or runs of spaces
# (Markdown and Word tables are read as tab-separated lines, a PDF's as spaced columns).
_CELL_SEP = re.compile(r"[ \u3000]*(?:\t|[|｜]|[ \u3000]{2,}|\u3000)[ \u3000]*")
_TABLE_HEAD = re.compile(r"(?:序号|指标|项目|主要指标)(?:名称)? ")
_RATE_COLUMN = re.compile(r"增长|增速|增幅|[±+]%")
_MAY_SPLIT = re.compile(r"[\t|｜\u3000]|  ")  # a line without any of these is one cell: no split needed
_RULE_ROW = re.compile(r"[\s|｜:：\-—–+]*[-—–]{3,}[\s|｜:：\-—–+]*")
_LINE = re.compile(r"[^\n\r]*(?:\r\n|\n|\r|$)")
_NOT_NEWLINE = re.compile(r"[^\n\r]")
_TARGET_COLUMN = re.compile(r"目标|计划|预期|预算|安排")
_PAST_COLUMN = re.compile(r"完成|实际|执行|预计")
# A column of results ("2025年完成", "实际", "预计完成") is no column of targets, whatever
# its year: in a summary of 2025 read for that year, "2025年完成" is not the coming year's.
_RESULT_COLUMN = re.compile(r"完成|实际|实绩|执行")
_UNIT_NOTE = re.compile(rf"[（(](?:单位[:：]?)?(?P<unit>%|％|{_GRAIN_UNITS}|万人|人)[）)]")
_CELL_FIGURE = re.compile(rf"(?P<num>{_NUM}(?:[-~—–至到]{_NUM})?)")
_SIGNS = {"≥": "不低于", "≤": "不超过", ">": "超过", "<": "低于", "＞": "超过", "＜": "低于"}


def _tables(text, lines, year, closing):
    """``(start, end, targets)`` of each table of targets among ``lines`` (:func:`_lines`): a header
    naming its columns' years or roles (2025年完成, 2026年目标, 今年预期) over rows that open with an indicator."""
    rows = []  # the table being gathered: (start, end, cells)
    spaced = False  # its columns are split by single spaces, under a header that says it is a table
    for start, line in [*lines, (len(text), "")]:  # a blank line at the end closes the last table
        if line and _RULE_ROW.fullmatch(line) and rows:
            continue  # a Markdown rule under the header
        cells = _CELL_SEP.split(line.strip("|｜ \u3000\t")) if line and _MAY_SPLIT.search(line) else [line]
        if len(cells) < 2 and " " in line and (spaced or (not rows and _TABLE_HEAD.match(line))):
            # "序号 指标名称 单位 2018年完成 2019年目标" over "1 地区生产总值增长 % 7.2 7左右": one space a column.
            cells, spaced = line.split(), True
        if len(cells) >= 2:
            rows.append((start, start + len(line), cells))
            continue
        if len(rows) >= 2:
            table = _read_table(text, rows, year, closing)
            if table is not None:
                yield rows[0][0], rows[-1][1], table
        rows, spaced = [], False


def _read_table(text, rows, year, closing):
    """The targets of a table's rows (a list), or None if its header names no year or role of its columns."""
    header = [cell.translate(_FULL_WIDTH) for cell in rows[0][2]]
    years = [year_number(y) for cell in header for y in re.findall(YEAR_WORDS, cell)]
    roles = [_column_role(cell, year, max(years, default=None), closing) for cell in header]
    if not any(roles[1:]):
        return None
    column = next((k for k, role in enumerate(roles) if role == _FUTURE), None)
    # A column of rates beside the target's amounts ("2021年目标 | 增长(%)"): the rate is the target.
    rates = next((k for k in range(len(header) - 1, 0, -1) if column is not None and k > column and _RATE_COLUMN.search(header[k])), None)
    found = []
    for start, end, cells in rows[1:]:
        if column is not None and len(cells) < len(header) and "\t" not in text[start:end]:
            # Spaced columns: a single space may split a cell from the next ("社会消费品零售总额增长 %    7.3    8").
            cells = text[start:end].split() if len(text[start:end].split()) == len(header) else cells
        if len(cells) == len(header) - 1 and text[start:end].endswith(("|", "｜")) and not rows[0][2][-1] == "":
            cells = [*cells, ""]  # an empty last cell: "地区生产总值增长 | % | 3.5 | 7左右 |"
        if column is None or len(cells) != len(header):
            continue
        name_cell = next((c for c in cells[:column] if _NAMES.search(c.translate(_FULL_WIDTH))), None)
        if name_cell is None:
            continue
        unit = next((f"（{cells[k]}）" for k, head in enumerate(header) if head in ("单位", "计量单位")), "")
        reading = _table_cell(name_cell + unit, header[column], cells[column])
        if reading is None and rates is not None:
            reading = _table_cell(name_cell, header[rates] + "（%）", cells[rates])
        if reading is not None:
            indicator, measure, fields = reading
            found.append(Target(indicator, measure=measure, start=start, end=end, text=text[start:end], **fields))
    return found


def _column_role(cell, year, latest, closing):
    """_FUTURE for a column of the coming year's targets, _PAST or _PLAN for another year's or for results, None for no year's."""
    if _RESULT_COLUMN.search(cell):
        return _PAST
    states = {_marker_state(m, year, latest if year is None else None, closing) for m in _MARKERS.finditer(cell)} - {None}
    if _PAST in states or _PLAN in states or (not states and _PAST_COLUMN.search(cell)):
        return _PAST if _PAST in states or not states else _PLAN
    if _FUTURE in states or _TARGET_COLUMN.search(cell):
        return _FUTURE
    return None


def _table_cell(name_cell, head, value_cell):
    """(indicator, measure, fields) of a row's target: its name read with its cell as one clause."""
    unit = next((m.group("unit") for m in _UNIT_NOTE.finditer(name_cell + head)), "").replace("％", "%")
    name = _SPACE.sub("", _UNIT_NOTE.sub("", name_cell)).translate(_FULL_WIDTH)
    value = _SPACE.sub("", value_cell).translate(_FULL_WIDTH)
    for sign, words in _SIGNS.items():
        value = value.replace(sign, words)
    figure = _CELL_FIGURE.search(value)
    if figure is None:
        return None
    if unit and not re.match(rf"%|{_GRAIN_UNITS}|万人|人", value[figure.end() :]) and "百分之" not in value:
        value = value[: figure.end()] + unit + value[figure.end() :]
    m = _NAMES.search(name)
    indicator, _, ind_unit, measure = INDICATORS[int(m.lastgroup[1:])]
    # A growth indicator's column of rates needs no word of growth: "地区生产总值（%）".
    if ind_unit == _PCT and indicator in _NEEDS and not _NEEDS[indicator].search(name):
        name += "下降" if indicator == "energy_intensity" else "增长"
    clause = name + value
    reading = _figure_after(clause, _NAMES.search(clause), indicator, ind_unit)
    if reading is None:
        return None
    fields = reading[1]
    fields.pop("post"), fields.pop("moved")
    return indicator, measure, fields


# -- many documents ---------------------------------------------------------------

#: The indicators, each once, in the order of a wide table's columns.
INDICATOR_NAMES = (
    "gdp_growth", "cpi", "new_urban_jobs", "unemployment", "grain",
    "fiscal_revenue_growth", "fixed_investment_growth", "retail_sales_growth", "energy_intensity",
)  # fmt: skip
# Indicators read from more than one statistic (GDP or GNP, CPI or retail prices …): the wide
# table says which one it took.
_MEASURES = collections.Counter(name for name, _ in {(name, measure) for name, _, _, measure in INDICATORS})
_MEASURED = {name for name, count in _MEASURES.items() if count > 1}
META_COLUMNS = ("file", "place", "place_full", "level", "year")
#: Columns of the long table: one row per document and target.
LONG_COLUMNS = META_COLUMNS + (
    "indicator", "value", "low", "high", "unit", "modifier", "modifier_text", "stretch", "measure", "stated", "sentence",
)  # fmt: skip
#: Columns of the wide table: one row per document, four columns per indicator (and grain's unit).
WIDE_COLUMNS = META_COLUMNS + tuple(
    column
    for name in INDICATOR_NAMES
    for column in (name, f"{name}_low", f"{name}_high", f"{name}_modifier", f"{name}_stretch")
    + ((f"{name}_unit",) if name == "grain" else ())
    + ((f"{name}_measure",) if name in _MEASURED else ())
)

#: Column types for typed formats (Parquet): the rest are strings.
COLUMN_TYPES = {
    "year": "int", "value": "float", "low": "float", "high": "float", "stretch": "float", "stated": "bool",
    **{f"{name}{part}": "float" for name in INDICATOR_NAMES for part in ("", "_low", "_high", "_stretch")},
}  # fmt: skip


def document_targets(path, text, *, overrides=None):
    """The metadata of one document (place, level, year; ``overrides`` as read by
    :func:`policytext.summary.read_meta`) and its targets, read for its year.

    The year is the one the targets are for: a report's year as the summary
    reads it, but the later year of a title that names two ("2024年工作总结
    和2025年工作思路"), the next year of a year's summary ("城关镇2025年工作
    总结", written as 2025 ends: its plan is 2026's, as
    :func:`policytext.parts.report_parts` reads it) and the next year of a
    report given in October to December with no year in its title, so a
    region × year panel puts its targets in their year. A year given in
    ``overrides`` is kept as given.
    """
    from .records import shown
    from .summary import document_meta, meta_override, with_meta

    read = document_meta(path, text)
    meta = with_meta(read, overrides or {}, path)
    # A year given is kept, even the one read: "dec.txt,2025" for a report given in December 2025 is not moved to 2026.
    given = meta_override(overrides, path).get("year") is not None
    year = meta["year"] if given else _year_of_targets(read["year"], read["title"], text)
    # Named as the records and summary name it: a byte that is not UTF-8 could not be written.
    meta = {"file": shown(path), **{k: meta[k] for k in META_COLUMNS[1:]}, "year": year}
    return meta, targets(text, year=year)


def _year_of_targets(year, title, text):
    """The year a report's targets are for, from its ``year`` and ``title`` as read and its ``text`` (:func:`document_targets`)."""
    title = to_simplified(title or "").translate(_FULL_WIDTH)
    named = [y for y in map(year_number, _TITLE_YEAR.findall(title)) if y]
    if len(named) > 1:
        return max(named)  # "某镇2024年工作总结和2025年工作思路": the targets are the later year's
    if year is not None and year == max(named, default=None) and _YEAR_SUMMARY.search(title):
        # "城关镇2025年工作总结": the plan it closes with is 2026's; "…工作总结及2026年工作计划": 2026's, not 2027's.
        return summary_plan_year(title)
    if year is not None and not named and (late := _LATE_DATE_LINE.search(text[:_HEAD].translate(_FULL_WIDTH))) and year_number(late.group(1)) == year:
        # No year in the title, and given late in the year ("——2024年12月28日在…"): its targets are the next year's.
        return year + 1
    return year


_TITLE_YEAR = re.compile(rf"({YEAR_WORDS})\s*年")
# A title that sums up a whole year (not 上半年): "城关镇2025年工作总结", "…年终总结".
_YEAR_SUMMARY = re.compile(r"^(?!.*半年).*总结")
_HEAD = 600  # characters where a report's date line is
# A date of the year's last months opening a line or after a dash ("——1990年12月20日在…",
# "政府工作报告——2024年12月28日在…"): a report given for the next year's targets.
_LATE_DATE_LINE = re.compile(rf"(?m)(?:^|——)[\s—－\-―（(]*({YEAR_WORDS})\s*年\s*(?:1[0-2]|十[一二]?)\s*月")


def long_rows(meta, found):
    """One row per target, in :data:`LONG_COLUMNS`."""
    return [{**meta, **t.as_dict()} for t in found]


def wide_row(meta, found):
    """One row for the document, in :data:`WIDE_COLUMNS`: each indicator's first target
    of its best measure (GDP before GNP before gross output, see ``_MEASURE_RANK``)."""
    row = dict(meta)
    for t in sorted(found, key=lambda t: _MEASURE_RANK.get(t.measure, 0)):  # stable: the first of a rank
        if t.stated and t.indicator not in row:
            row.update({t.indicator: t.value, f"{t.indicator}_low": t.low, f"{t.indicator}_high": t.high})
            row[f"{t.indicator}_modifier"], row[f"{t.indicator}_stretch"] = t.modifier, t.stretch
            if t.indicator == "grain":
                row["grain_unit"] = t.unit
            if t.indicator in _MEASURED:
                row[f"{t.indicator}_measure"] = t.measure  # which statistic: gdp, gnp, gross_output …
    return row

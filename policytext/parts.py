"""Tell the parts of a work report apart: what was done, what will be done, and the rest.

A government work report reviews a period ("一、2025年工作回顾", "上半年工作
总结") and then plans the next ("二、2026年工作安排", "下半年工作打算"),
between an opening (title, date line, "各位代表：", "现在，我代表……向大会
报告工作") and a closing ("各位代表！……让我们……而奋斗！", page clutter).
:func:`report_parts` gives each sentence of one report its part,
``"review"``, ``"plan"`` or ``"other"``, so that attention in results can
be compared with attention in promises.

How it reads a report:

1. **Opening.** Everything before the body is ``other``: the page, the
   title, the date line, the speaker, a news caption, the greeting
   ("各位代表："), the sentences that present the report. The body begins
   at the first heading, or at a paragraph that opens with a look back
   ("半年来，我们……", "2025年，……", "今年以来，……"), or at the first
   sentence of a text without a greeting. The date line (or the title)
   gives the *plan year*, against which years are compared: in a report of
   January 2026, 2025 and "十四五" are past, 2026 and "十五五" are the
   plan. A report given at the end of a year reviews that year ("今年")
   and plans the next, and so does a year's summary ("城关镇2025年工作总结",
   planning 2026 unless its title names the plan's year after 总结); a
   half-year report reviews and plans the same year.
   Without a date, the first years of headings or review paragraphs tell.
2. **Closing.** After the last heading, the last paragraph opened by
   "各位代表！" (or "同志们！", "结束语"), or else a last short paragraph that
   calls for effort ("让我们……而奋斗", "确保全年目标任务圆满完成"),
   starts the closing; it and what follows (print and close links,
   copyright notes, a wiki's page notice, looked past to find that last
   paragraph) are ``other``. So is a glossary of terms ("名词解释");
   an attachment ("附件1 2026年省十件民生实事") goes on with the plan.
3. **Headings** set the part of what follows them; sub-headings inherit.
   Words of time ("上半年", "过去五年", "下半年", "今后五年", "今年") and of
   the report's structure ("回顾", "总结", "工作安排", "打算", "总体要求",
   "预期目标") count at every level, and so do years; weaker words
   ("成就", "情况" / "任务", "目标", "建议") only in the top level of
   headings, where they name a major part, not a topic. When a heading
   names both parts, a conjunction between them means both come, in that
   order ("“十四五”时期发展成就和“十五五”时期主要目标任务", and in the top
   level "一、三年来的斗争和新时期的总任务"); without one the last word is
   the head noun ("重点工作推进情况" is a review). A top
   heading without a cue after the review is read by its content, as
   reports move to the plan with headings like "二、坚定不移地进行经济体制
   改革": plan if calls to act ("要", "将", "确保") outnumber past facts
   (figures, "了", "完成") and past facts are few. Once in the plan, such a
   heading stays in it ("六、国际关系和国家安全"); if its first paragraph
   starts the plan by a lead sentence, the heading opens the plan too. A
   short line of its own ("主要预期目标") counts as a heading if it names
   a part.
4. **Lead sentences.** A sentence that opens with a time cue ("去年",
   "今年以来", "过去一年" / "下半年", "新的一年", "今后五年", a year)
   sets the part for the rest of its paragraph where no heading names the
   part (before the first heading, under an uncued or two-part heading);
   there a paragraph opening with a firm cue ("下半年，我们将……") starts
   the part for what follows. Under a two-part heading, so does a
   paragraph that presents the draft of the plan's five-year programme
   ("根据《……第十五个五年规划的建议》，……"). Under a heading that names the part only
   firm cues switch: the halves of the year in a half-year report and an
   explicit year ("2025年，全县一般公共预算收入完成……" under "二、2026年
   财政预算安排"). So the problems that end a review ("在肯定成绩的同时
   ……") stay ``review``, and a plan's paragraph on defence that recalls
   the past year stays ``plan``.
5. **Turns.** Older reports end the review on what the coming years ask,
   before the plan's first heading: in a paragraph a call to the delegates
   opens (or follows, standing alone), or that opens under a two-part
   heading, a sentence that turns to it ("为了……，今后在工作中要……",
   "今年我国将……", "……新时期的总任务，就是要……") starts the plan, as a
   heading naming it would.

Everything is cue lists and regular expressions compiled once, and a
report is read in a few linear passes; a small fold of traditional
characters lets the cue words match reports printed in them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from .segment import LEAD_LEVEL, Span, heading_level, heading_words
from .variants import ascii_digits, to_simplified

__all__ = ["PARTS", "names_part", "plan_period", "report_parts", "summary_plan_year"]

#: The parts a sentence can be in, in the order of a report.
PARTS = ("review", "plan", "other")

_REVIEW, _PLAN, _OTHER = PARTS


def _folded(spans: Sequence[Span]) -> Sequence[Span]:
    """The spans with their traditional characters made simplified (:func:`~policytext.variants.to_simplified`).

    Done once per report, so the cue words below, written in simplified
    characters, read a report in traditional characters the same.
    """
    joined = "".join(span.text for span in spans)
    folded = to_simplified(joined)
    if folded == joined:  # most reports: one search, no translation
        return spans
    out, at = [], 0
    for span in spans:
        text, at = folded[at : at + len(span.text)], at + len(span.text)
        out.append(span if text == span.text else span._replace(text=text))
    return out


# --- Years -----------------------------------------------------------------
# Years are written in Arabic or full-width digits, sometimes spaced out
# ("1 9 9 8 年" in Wikisource texts), or in Chinese numerals ("一九八四年",
# "二〇〇五年"). A five-year plan ("“十四五”时期", "九五期间", "第七个五年
# 计划") stands for its five years.
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_YEAR = re.compile(r"(?<![\d０-９])([12１２](?:\s?[\d０-９]){3})\s?年|([一二][〇零○Ｏ一二三四五六七八九]{3})年")
_NUMERALS = "一二三四五六七八九"
# "“十五”计划" is the 10th plan, "“十五五”" the 15th: the numeral before the
# last 五. Quotes or a following 时期/期间/计划/规划 tell it from "十五年".
_PLAN_PERIOD = re.compile(
    rf"“(十[{_NUMERALS}]?|[{_NUMERALS}])五”|(?<![{_NUMERALS}十])(十[{_NUMERALS}]?|[{_NUMERALS}])五(?=时期|期间|计划|规划)"
    rf"|第([{_NUMERALS}]?十?[{_NUMERALS}]?)个五年(?:计划|规划)"
)
# The 1st plan began in 1953, the 2nd in 1958, the 3rd in 1966 (after
# three years of adjustment), and every next one five years later.
_PLAN_STARTS = {1: 1953, 2: 1958}
_THIRD_PLAN = 1966

# --- Opening ---------------------------------------------------------------
# The greeting that ends the opening block ("各位代表：", in some texts
# "各位代表！"), looked for near the top and before any heading.
_GREETING = re.compile(r"^(?:各位代表|同志们|各位委员|代表们)[：:！!]")
_GREETING_WITHIN = 60  # sentences of page, title and news caption the greeting may follow
# Sentences of the opening that present the report or come with the page:
# "现在，我代表市人民政府向大会报告工作，请予审议", "本届政府任期即将届满",
# "报告分为五个部分：", "现将有关情况汇报如下", "来源：", a photo credit.
_PRESENTING = re.compile(
    r"报告|审议|委托|本届政府|本次(?:会议|大会)|任期|部分[：:]|如下[。：:]?$|来源|发布|浏览|访问|字[体号]|打印|关闭|分享"
    r"|当前位置|首页|记者|摄$|作者|编辑"
)
# The date line ("——2026年1月20日在……会议上", perhaps cut over two lines)
# gives the plan year; its month tells a report given at the year's end.
_DATE_LINE = re.compile(
    r"年\s?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s?月.{0,30}(?:会议|大会)上"
    r"|^[—－-]{1,2}\s?.{4,7}年\s?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s?月"
)
_MONTH = re.compile(r"年\s?(\d{1,2}|[一二三四五六七八九十]{1,3})\s?月")
_LATE_MONTHS = frozenset(["9", "10", "11", "12", "九", "十", "十一", "十二"])
# A title names its years: "东坝镇一九八四年工作总结和一九八五年工作意见".
_TITLE = re.compile(r"报告|总结|汇报|意见|计划|安排")
# A year's summary ("城关镇2025年工作总结", "……2024年工作总结和2025年工作思路") is
# written as the year ends: its "今年" is the year summed up, and its plan is for
# the year the title names after 总结, or else the next one.
_SUMMARY = "总结"
# A sentence ends here; titles, date lines, names and page clutter do not.
_SENTENCE_END = re.compile(r"[。！？!?；;…][”’）)]*$")
_OPENING_PARAGRAPHS = 3  # after the greeting, paragraphs before the body begins at the latest

# --- Closing ---------------------------------------------------------------
# A paragraph opened by a call to the delegates ("各位代表！", "各位代表，新的
# 征程……"); the last one after the last heading opens the closing.
# ("结束语", the heading some texts give it, opens it too.)
_VOCATIVE = re.compile(r"^(?:各位代表|同志们|代表们|各位委员)[！!，,]|^(?:结束语|结语)\s*$")
# A last short paragraph that calls for effort, in reports without
# "各位代表！" (half-year summaries): "确保全年目标任务圆满完成", "我们将以
# 更加饱满的精神状态……", "让我们……而奋斗".
_CALL = re.compile(
    r"让我们|团结在|而(?:共同|努力|不懈|接续)?奋斗|全年(?:各项)?(?:目标)?任务|完成全年|新的更大|新胜利|全面胜利|勇毅前行|踔厉奋发|谱写"
    r"|将以|以更加|迎接"
)
_CALL_SENTENCES = 4  # at most, in such a last paragraph
# A line that opens an attachment ("附件1"), and a line that opens a
# glossary of the report's terms ("名词解释", "《政府工作报告》有关内容名词注释").
_ATTACHMENT = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[：:]?\s*$|^附[：:]")
_GLOSSARY = re.compile(r"^[^。！？!?，,]{0,16}(?:名词解释|名词注释|注释)[：:]?\s*$")
# Page clutter at the end: "【打印本页】【关闭窗口】", "责任编辑：…",
# Wikisource's copyright notes.
_CLUTTER = re.compile(
    r"打印|关闭|责任编辑|编辑[：:]|分享|扫一扫|来源[：:]|相关附件|相关链接|Public domain|^false$|本作品|公有领域|著作权|维基"
)
# Wikisource's notice ("本作品是中华人民共和国的 / 法律 / 、 / 法规 / ，国家机关的
# 决议……", "本作品来自……"): its links break it into lines that read as
# sentences of the report, so all of it from its first words is clutter.
_NOTICE = re.compile(r"^本作品(?:是|来自)")
_NOTICE_WITHIN = 16  # sentences from the end where the notice may begin
# The report's title repeated at the top of each page of a PDF
# ("青禾县2026年政府工作报告"): its year names no part of the body.
_RUNNING_TITLE = re.compile(r"(?:报告|汇报)\s*$")

# --- Headings ---------------------------------------------------------------
# Cues that name the part at any heading level: words of time and of the
# report's own structure ("一、2025年工作回顾", "（三）下半年工作打算").
# ("未来" only as time: "（三）培育未来产业" heads a topic of any part.)
_REVIEW_HEAD = re.compile(r"回顾|总结|以来|年来|过去|去年|上年|上半年|前半年|半年来")
_PLAN_HEAD = re.compile(
    r"下半年|后半年|今后|明年|新的一年|未来[一二三四五几]?年"
    r"|工作(?:安排|计划|打算|思路|要点|谋划|建议|部署|意见|重点)|预期目标|总体要求|总体部署|政策取向"
)
# "今年" heads the plan, or the year reviewed in a report given at its end
# ("一、今年国民经济和各项工作的基本情况" in a report of December).
_THIS_YEAR_HEAD = re.compile(r"今年(?!以来|上半年)")
# Weaker cues, read in the top level of headings only, where they name a
# major part ("一、过去五年的基本情况", "二、今后的主要任务", "二、存在的困难和
# 问题", "二、问题与不足", which close the review); lower down they are topics
# ("（三）圆满完成换届任务", "2.三大攻坚战重点任务取得积极进展").
# Results to keep or build on are a task, not a review ("三、巩固宏观调控
# 成果，防止经济出现大的起落", "巩固拓展脱贫攻坚成果"): that phrase is matched
# first and names no part; only a match of the group ``cue`` does. So is
# completion as a purpose ("三、保证计划完成的几项措施", "为完成今年的预算而努力").
_REVIEW_TOP = re.compile(
    r"(?:巩固|拓展|扩大|放大|用好)[^，,。；;]{0,10}?(?:成就|成绩|成效|成果)"
    r"|(?:保证|确保|为了?|争取|力争)[^，,。；;]{0,10}?完成"
    r"|(?P<cue>成就|成绩|成效|成果|进展|情况|胜利|经验|教训|变化|执行|完成|存在的[^，,。]{0,6}(?:问题|不足)"
    r"|(?:困难|问题|短板)[和与及](?:问题|不足)|不足[和与及]问题|不足之处)"
)
_SITUATION = re.compile(r"形势")
_PLAN_TOP = re.compile(r"任务|目标|安排|(?<!五年)计划(?!生育)|打算|思路|要点|谋划|意见|部署|建议|设想|考虑|方针|重点工作")
#: A year in Arabic or Chinese numerals: "2026", "一九八六".
_YEAR_NUMBER = r"(?:[12]\d{3}|[一二][〇零○一二三四五六七八九]{3})"
# A heading that divides the report: its number, maybe a time, and a word of
# its structure ("二、2026年工作安排", "（一）总体要求", "三、关于一九八六年的
# 工作安排", "二、“十五五”时期主要目标和2026年重点工作"); see names_part.
_TIME = (
    rf"(?:{_YEAR_NUMBER}年度?|“?(?:十[一二三四五六七八九]?|[一二三四五六七八九])五”?(?:时期|期间)?"
    r"|今年|明年|下半年|后半年|新的一年|今后(?:[一二三四五六七八九十几两]+年)?|未来[一二三四五几]?年|下一步|年度|全年){0,2}的?"
)
_STRUCTURE = (
    r"(?:(?:全[省市县区镇乡]|政府|(?:国民)?经济(?:和|与)?社会发展|发展|工作)的?){0,3}(?:主要|重点|重大|重要|战略|总体|奋斗)?"
    r"(?:工作(?:安排|计划|打算|思路|要点|部署|任务|重点)?|任务|目标(?:任务)?|预期目标|要求|部署|考虑|举措|安排|打算|思路|指导思想|计划|政策取向|重点)"
)
# (Read after the heading's number, as the segmenter finds it.)
_DIVIDING = re.compile(rf"\s*(?:关于|做好|抓好)?{_TIME}{_STRUCTURE}(?:[和及与暨、]{_TIME}{_STRUCTURE}){{0,3}}[。：:]?\s*$")
# Between two cues of a heading, a conjunction makes them two parts in
# that order ("存在的问题和下半年工作打算"); without one the last cue is the
# head noun ("重点工作推进情况" is a review, "主要工作及成效" too).
_AND = re.compile(r"[和及与暨、，,]")
# Cues are read in a heading's first characters, and a much longer
# "heading" is a numbered sentence ("第一，承认阶级斗争还没有结束，同时承认
# 今后再不需要也再不应该进行……").
_HEADING_CHARS = 40
_HEADING_MAX = 50
# From this level down ("1." "第一，" "(1)") a numbered line that ends a
# sentence is a point of an argument or a list, not a heading.
_SENTENCE_LEVEL = 3
# A numbered line that ends like this is an item of a list, not a heading
# ("一、继续坚持……逐步调整农副产品价格；").
_ITEM_END = ("；", ";", "，", ",", "、", "：", ":")
_PSEUDO_CHARS = 30  # an unnumbered line of at most this many characters may be a heading

# --- Lead sentences ---------------------------------------------------------
# A sentence opening with one of these looks back...
_REVIEW_LEAD = re.compile(
    r"(?:今年)?上半年|前半年|半年来|一年来|多年来|[一二三四五六七八九十几两]+年(?:多)?来|今年以来|去年|(?:在|刚刚)?过去的?[^，,。]{0,6}年"
    r"|近[一二三四五几]?年来|[^，,。]{0,12}以来[，,]"
)
# ...and these look ahead.
_PLAN_LEAD = re.compile(r"下半年|后半年|明年|(?:在)?新的一年|今后|未来[一二三四五几]?年|新征程上")
# Older reports close the review with what the coming years ask, in a
# paragraph opened by a call to the delegates ("各位代表！……为了胜利完成各项
# 任务，今后在工作中要继续注意把握好以下几点：", "各位代表：/今年我国将……"),
# or under a heading that names both parts ("一、三年来的工作和新时期的总任务":
# "……新的发展时期的总任务，就是要……"). The problems that close a review
# ("……在今后的工作中下大力气解决") turn to nothing: the cue opens the sentence.
# ... but not the resolve that closes the problems ("为此，今后要采取有力措施，认真加以解决")
# nor a recall of tasks set before ("去年确定的总任务是……，已经圆满完成").
_NO_TURN = re.compile(r"解决|克服|改进|改正|纠正|已经|已|完成了|圆满|去年|上年|过去|以来")
_TURN = re.compile(
    r"(?:为了?[^，,。；;]{0,20}[，,])?今后[^，,。；;]{0,8}?(?:要|必须|应当)"
    r"|[^，,。；;]{0,40}?总任务[，,]?(?:就)?是"
)
_THIS_YEAR_WILL = re.compile(r"今年(?!以来|上半年|前|[\d一二三四五六七八九十]+月)[^，,。；;]{0,20}?将")
# A call to the delegates that is a paragraph of its own: the turn may come in the paragraph after it.
_CALL_ALONE = re.compile(r"(?:各位代表|同志们|代表们|各位委员)[：:！!]")
# Older reports without headings turn to the plan with the tasks: "我们的首要
# 任务，是继续……", "明年发展国民经济的主要任务是，……" open the plan where no
# heading names the part.
_TASKS_LEAD = re.compile(r"[^，,。；;]{0,16}?(?:首要|主要|基本|中心|根本|当前)?的?任务[，,]?是")
# "今年" is the plan year in a report given early in the year, the year
# under review in one given at its end, and both in a half-year report.
# ("今年以来", "今年上半年", "今年1-6月" look back in any report.)
_THIS_YEAR = re.compile(r"今年(?!以来|上半年|前|[\d一二三四五六七八九十]+月)")
# The halves of the year ("上半年工作中还存在一些不足。", "下半年，我们将……").
_HALF = re.compile(r"(?:今年)?(上半年|前半年|下半年|后半年)")
# A sentence opening with a year or a five-year plan: "2025年，……",
# "一九八九年，全县……", "“十五五”时期，……".
# (Not a point in time: "2005年底前注册营运的黄标车今年要全部淘汰。")
# A year's four digits: Arabic or full-width, maybe spaced ("1 9 9 8"), or Chinese ("一九八四", "二〇〇五").
_YEAR_DIGITS = r"(?:[12１２](?:\s?[\d０-９]){3}|[一二][〇零○Ｏ一二三四五六七八九]{3})"
_DATED = re.compile(
    rf"^[“\"]?(?:{_YEAR_DIGITS}\s?年|十?[一二三四五六七八九]?五”?(?:时期|期间))"
    r"(?!底|初|末|前|以前|以后|起|开始|\s?[\d０-９一二三四五六七八九十]{1,2}\s?月)"
)
# Any of the lead cues above: a sentence that matches none opens with no time cue.
_ANY_LEAD = re.compile("|".join(f"(?:{p.pattern})" for p in (_HALF, _REVIEW_LEAD, _PLAN_LEAD, _THIS_YEAR, _DATED)))
# The year a paragraph of the review opens with ("１９８４年，我国农业又获
# 得了大丰收。", "2018年是……") tells the plan year where no date line does.
_YEAR_OPENS = re.compile(rf"^{_YEAR_DIGITS}\s?年[，,是]")
_LEAD_CHARS = 24  # lead cues are read in a sentence's first characters
# A sentence that presents the draft of a five-year plan to the congress, its
# first clause naming what it follows: "根据《……关于制定……第十五个五年规划
# 的建议》，……编制了《纲要（草案）》，提请大会审议" (a review's "依据……建议，
# 已编制完成国土空间总体规划" presents no draft).
_PLAN_DRAFT = re.compile(
    r"[^，,。；;]{0,8}?(?:根据|按照|依据|遵照)[^，,。；;]*?(?:建议|纲要)[^，,。；;]*"
    r"(?=.*(?:纲要[^，,。；;]{0,3}草案|提请[^，,。；;]{0,8}审议))"
)

# --- Content of a section without a cue -------------------------------------
# Past facts (figures, growth rates, completed work) against calls to act.
# About half the sentences of a review state a fact, a tenth or less of a
# plan's do; older plans say "要" in most sentences, newer ones are bare
# imperatives ("建设制造强区。"). ("主要", "重要", "需要", "了解" are no cues.)
_PAST = re.compile(
    r"了(?!解)|比上年|同比|增长\s?[\d百]|\d%|累计|建成|取得|完成|达到|新增|突破|实现|获评|荣获|入选|首次|成功"
)
_FUTURE = re.compile(r"(?<![主重需必只纲概首提])要(?![求素点])|将|力争|确保|争取|必须|应当|预期")
_MIN_VOTES = 3  # sentences a section needs to be read by its content
_DONE = re.compile(r"了(?!解)")  # done: "遭受了", "取得了"


class _Years(NamedTuple):
    """What the years of a report mean."""

    plan: int | None  # the first year the plan covers; earlier years are past
    this: str | None  # the part "今年" opens: the plan (early in the year), the review (at its end), None (half-year)
    half: bool  # a half-year report: the plan year is under review too


def report_parts(spans: Sequence[Span]) -> list[str]:
    """Give each sentence of one report its part: review, plan or other.

    Parameters
    ----------
    spans : sequence of Span
        The sentences of ONE document in order, as
        :func:`policytext.split_sentences` returns them.

    Returns
    -------
    list of str
        One of :data:`PARTS` per span: ``"review"`` for what was done,
        ``"plan"`` for what will be done, ``"other"`` for the opening,
        the closing and the page around them.

    Examples
    --------
    >>> from policytext import split_sentences
    >>> text = ("各位代表：\\n一、上半年工作回顾\\n半年来，我们新建农田3000亩。\\n"
    ...         "二、下半年工作安排\\n要抓好秋粮生产。\\n各位代表！让我们团结奋斗！")
    >>> report_parts(split_sentences(text))
    ['other', 'review', 'review', 'plan', 'plan', 'other', 'other']
    """
    if not spans:
        return []
    spans = _folded(spans)
    # A sentence opens a paragraph when white space (a line break) lies
    # between it and the sentence before.
    opens = [True] + [b.start > a.end for a, b in itertools.pairwise(spans)]
    levels = [_level(s) for s in spans]
    body, years = _opening(spans, levels, opens)
    runs = _body_runs(spans, levels, opens, body)
    # The top level of headings in the body ("一、" in most reports, "（一）" in some).
    top = min((lv for lv in levels[body : runs[0][1]] if lv is not None), default=1)
    reader = _Reader(spans, levels, opens, years, top)
    parts = [_OTHER] * len(spans)
    for start, end in runs:
        for i in range(start, end):
            parts[i] = reader.read(i, end)
    for i in reader.led:
        # A heading that named no part opens the part its first paragraph starts.
        parts[i] = parts[i + 1]
    return parts


class _Reader:
    """The state machine that reads the body of one report, sentence by sentence."""

    def __init__(self, spans: Sequence[Span], levels: list[int | None], opens: list[bool], years: _Years, top: int) -> None:
        self.spans, self.levels, self.opens, self.top = spans, levels, opens, top
        # A report whose major parts are not numbered (older national reports,
        # summaries: "国民经济的成就和今后的建设任务") has them as short lines
        # of their own, read as top headings; as they are also its topics
        # ("这几年取得的巨大成就，是……的结果"), a paragraph opening on the tasks
        # ahead still starts the plan under them.
        self.unnumbered = all(level is None or level > 2 for level in levels)
        self.years = years
        self.section = _REVIEW  # the part the headings above give; reports begin with the review
        self.named = False  # a heading named it: only firm cues switch then
        self.mixed = False  # a heading named both parts: sub-headings are read by their content
        self.seen = False  # a heading has named a part
        self.current = _REVIEW  # the part of the running paragraph
        self.uncued: int | None = None  # a heading that named no part, just read
        self.led: list[int] = []  # such headings whose first paragraph started a part
        self.reviewed = False  # a sentence of the body has been read as review
        self.called = False  # in a review, a paragraph a call to the delegates opens (or follows): it may turn to the plan
        self.lone_call = False  # the paragraph just read was a call to the delegates alone

    def read(self, i: int, end: int) -> str:
        """The part of sentence ``i``; the body (or attachment) it is in ends before ``end``."""
        text, level = self.spans[i].text, self.levels[i]
        if level is None and not self.opens[i] and not self.called and not _ANY_LEAD.match(text, 0, _LEAD_CHARS):
            return self.current  # most sentences: inside a paragraph, with no time cue
        if level is not None:
            self._read_heading(i, end, level)
        elif not (self._lone_line(i, end) and self._lone_heading(text)):
            section = self.section
            self._read_sentence(text, self.opens[i])
            self.reviewed = self.reviewed or self.current == _REVIEW
            if self.uncued == i - 1 and section == _REVIEW and self.section == _PLAN:
                # Only the move a report makes, from the review to the plan: a plan's
                # paragraph that opens with last year's figures does not make its heading a review.
                self.led.append(i - 1)
            self.uncued = None
            return self.current
        # After a heading the part is the section's.
        self.current = self.section
        return self.current

    def _lone_line(self, i: int, end: int) -> bool:
        """Whether sentence ``i`` is a short line of its own without a sentence end.

        Such a line may be an unnumbered heading ("主要预期目标", "“十五五”
        时期主要目标和2026年重点工作"); it counts if it names a part.
        """
        alone = self.opens[i] and (i + 1 == end or self.opens[i + 1])
        return alone and _pseudo_heading(self.spans[i].text)

    def _lone_heading(self, text: str) -> bool:
        """Take the part a short line of its own names, if it names one."""
        if not self.unnumbered:
            return self._named(text, top=False)
        # Read as a top heading until the plan begins: after it, "……，胜利地推进
        # 社会主义事业" is a topic of the plan, not a return to the review.
        return self._named(text, top=self.section == _REVIEW, binding=False)

    def _named(self, text: str, top: bool, binding: bool = True) -> bool:
        """Take the part a heading names, if it names one.

        A heading that is ``binding`` holds its part against lead sentences
        that are not firm.
        """
        cue, both, self.years = _heading_part(text, top, self.years, self.seen)
        if cue is not None:
            self.section, self.named, self.mixed, self.seen = cue, binding and not both, both, True
        return cue is not None

    def _read_heading(self, i: int, end: int, level: int) -> None:
        top = level == self.top
        self.uncued = None
        self.called = self.lone_call = False
        if self._named(self.spans[i].text[:_HEADING_CHARS], top):
            return
        self.uncued = i
        if top and self.section == _REVIEW:
            # Reports move from the review to the plan, sometimes under
            # headings that name neither ("二、坚定不移地进行经济体制改革"):
            # the content tells, or lead sentences will. (Once in the plan,
            # such headings stay in it: "六、国际关系和国家安全".)
            vote = _content_part(self.spans, self.levels, i, end, level, self.years)
            self.named, self.mixed = vote == _PLAN, False
            self.section = _PLAN if vote == _PLAN else self.section
        elif self.mixed:
            # Under a heading that names both parts, each sub-heading's
            # content tells which it is in.
            self.section = _content_part(self.spans, self.levels, i, end, level, self.years) or self.section

    def _read_sentence(self, text: str, opens: bool) -> None:
        years = self.years
        if opens:
            self.current = self.section
            self.called = self.section == _REVIEW and (self.lone_call or _GREETING.match(text) is not None)
            self.lone_call = self.called and _CALL_ALONE.fullmatch(text) is not None
            if years.plan is None and not years.half and self.section == _REVIEW:
                # Without a date line, the first year a review paragraph opens
                # with is the year under review: "１９８４年，我国农业又获得了大丰收。"
                lead = text[:_LEAD_CHARS]
                if _YEAR_OPENS.match(lead):
                    self.years = years._replace(plan=_periods(lead)[0][1] + 1)
        if (self.called or (opens and self.mixed and self.section == _REVIEW)) and (
            _TURN.match(text) or (years.this == _PLAN and _THIS_YEAR_WILL.match(text))
        ) and not _NO_TURN.search(text):
            # The review ends on what the coming years ask: the plan begins, as
            # if a heading named it (its "过去的五年，……" recalls what guides it).
            self.section = self.current = _PLAN
            self.named, self.mixed, self.called = True, False, False
            return
        cue, firm = _lead_part(text, self.years)
        if cue in (None, _PLAN) and opens and not self.named and self.section == _REVIEW and _TASKS_LEAD.match(text):
            cue, firm = _PLAN, True
        if cue is None and opens and self.mixed and self.section == _REVIEW and (draft := _PLAN_DRAFT.match(text)):
            # Under a heading that names both parts ("“十四五”时期发展成就和
            # “十五五”时期主要目标任务") the plan may begin with a paragraph
            # that presents the plan's draft, on no time cue: "根据《……第十五
            # 个五年规划的建议》，……编制了《纲要（草案）》". (A review's "为
            # “十五五”发展积蓄了动能" names the plan's period too.)
            periods = _periods(draft.group(0))
            if periods and _date_part(periods[0][1], periods[0][2], self.years) == _PLAN:
                cue, firm = _PLAN, True
        if cue is not None and (firm or not self.named):
            self.current = cue
            if firm and opens and not self.named and not (self.section == _PLAN and cue == _REVIEW and self.reviewed):
                # No heading names the part: a paragraph opening with a firm
                # cue ("下半年，我们将重点抓好以下工作。") starts it. (Reports move
                # from the review to the plan: once a review has been read, a
                # plan's paragraph that opens on last year's figures is a review,
                # the sections after it are not. A report may open on the year
                # ahead before its review: "2026年是“十五五”开局之年……".)
                self.section = cue


# A section on a five-year plan ("二、“十五五”时期主要目标任务", "关于《…第十五个
# 五年规划纲要（草案）》的说明", "“九五”时期的主要任务"), or on the year's work
# ("三、2026年重点工作", "（二）今年的主要任务"); one that names both is the
# year's ("“十五五”时期目标任务和2026年工作安排", "全力推动“十五五”开好局", "我们在
# 第二个五年计划的第二年——一九五九年经济战线上的任务"). The plan's own years are
# no year's work: "（2026—2030年）", "到2030年", "2035年远景目标".
_PLAN_NAME = r"(?:十[一二三四五六七八九]?|[一二三四五六七八九])五"
_DASH = r"[—–\-~～至到]"
# Each is looked for from the characters its branches may begin with (as target_extraction's
# names are): tried at every character, the bare alternations took 9 µs a heading.
_FIVE_YEAR_PLAN = re.compile(
    rf"(?=[“「『\"十一二三四五六七八九规今未12到至面])(?:[“「『\"]?{_PLAN_NAME}[”」』\"]?(?:时期|期间|规划|计划|发展|主要目标)|[“「『\"]{_PLAN_NAME}[”」』\"]"
    r"|五年(?:规划|计划)|规划纲要|(?:今后|未来)[五5]年"
    # A plan named by its years: "2026—2030年", "到2030年", "二〇三五年远景目标".
    rf"|{_YEAR_NUMBER}年?\s*{_DASH}\s*{_YEAR_NUMBER}年|(?:到|至|面向){_YEAR_NUMBER}年|{_YEAR_NUMBER}年(?:远景|以前))"
)
_THE_YEAR = re.compile(
    rf"(?=[12一二今明年开起])(?:(?<![0-9〇零○一二三四五六七八九年]{_DASH})(?<!到)(?<!至)(?<!面向){_YEAR_NUMBER}年(?!\s*{_DASH})(?!远景)(?!以后)(?!以前)(?!前)"
    r"|今年|明年|年度|开好局|起好步|开局)"
)


def plan_period(heading: str) -> str | None:
    """``"five-year"`` for a heading that opens a section on a five-year plan, ``"year"`` for one on the year's work, else None.

    Reports that open a plan period ("十五五", 2026) set out the plan's goals
    and tasks before the year's: those are not the year's tasks.

    >>> plan_period("二、“十五五”时期主要目标任务"), plan_period("二、“十五五”时期目标任务和2026年工作安排")
    ('five-year', 'year')
    >>> plan_period("二、“十五五”时期（2026—2030年）主要目标任务"), plan_period("三、２０２６年重点工作")
    ('five-year', 'year')
    >>> plan_period("二、2026—2030年主要目标任务"), plan_period("二、2025年工作回顾和2026年工作安排")
    ('five-year', 'year')
    >>> plan_period("三、全力推动“十五五”开好局、起好步"), plan_period("（一）着力扩大内需")
    ('year', None)
    """
    text = ascii_digits(to_simplified(heading))
    if _THE_YEAR.search(text):
        return "year"
    return "five-year" if _FIVE_YEAR_PLAN.search(text) else None


def names_part(heading: str) -> bool:
    """Whether a heading names a part of the report rather than a task.

    "二、2026年工作安排", "（一）总体要求", "三、2026年主要工作" and
    "二、今后五年的主要任务" divide the report: a time, perhaps, and a word
    of its structure, and nothing else. "（五）扎实办好今年十件民生实事" and
    "（二）全力完成年度预期目标" are tasks.

    >>> names_part("二、2026年工作安排"), names_part("（二）主要预期目标"), names_part("（二）全力完成年度预期目标")
    (True, True, False)
    """
    words = heading_words(to_simplified(heading))
    return words is not None and _DIVIDING.match(words) is not None


def _level(span: Span) -> int | None:
    """The level of a heading (1 is highest), or None for a sentence, a lead sentence or an item of a list."""
    if not span.is_heading:
        return None
    text = span.text
    level = heading_level(text)
    if level is None or level == LEAD_LEVEL or text.endswith(_ITEM_END) or len(text) > _HEADING_MAX:
        return None
    if level >= _SENTENCE_LEVEL and _SENTENCE_END.search(text):
        return None  # "第一，承认阶级斗争还没有结束……。", "2.重点任务取得积极进展。"
    return level


def _pseudo_heading(text: str) -> bool:
    """Whether a line of its own may be an unnumbered heading: short, with no sentence end."""
    return (
        len(text) <= _PSEUDO_CHARS
        and _SENTENCE_END.search(text) is None
        and _CLUTTER.search(text) is None
        and _RUNNING_TITLE.search(text) is None
    )


def _opening(spans: Sequence[Span], levels: list[int | None], opens: list[bool]) -> tuple[int, _Years]:
    """Index of the first sentence of the body, and what the report's years mean."""
    greeting = _greeting(spans, levels)
    greeted = False
    paragraphs = 0  # paragraphs since the greeting
    date = ""
    title: list[int] = []
    title_text = ""
    half = False
    i = 0
    for i, span in enumerate(spans):
        if levels[i] is not None:
            break  # the first heading
        text = span.text
        if i == greeting or (greeted and _GREETING.match(text)):
            greeted, paragraphs = True, 0
            continue
        if opens[i] and greeted:
            paragraphs += 1
            if paragraphs > _OPENING_PARAGRAPHS:
                break
        if not date and _DATE_LINE.search(text):
            date = text
        ended = _SENTENCE_END.search(text) is not None
        if not title and not greeted and not ended and _TITLE.search(text):
            title = [first for _, first, _ in _periods(text)]
            title_text = text
            half = "半年" in text
        lone = opens[i] and (i + 1 == len(spans) or opens[i + 1])
        if greeted and lone and _pseudo_heading(text) and (_REVIEW_HEAD.search(text) or _PLAN_HEAD.search(text) or _THIS_YEAR_HEAD.search(text)):
            break  # an unnumbered heading: "“十四五”时期工作回顾"
        if not ended or _PRESENTING.search(text) or i < greeting:
            continue  # page, title, date line, speaker, a news caption, the report presented
        if opens[i] and (span.is_heading or _REVIEW_LEAD.match(text) or _DATED.match(text)):
            break  # "半年来，我们……", "2025年，……", "今年以来，……"
        if not greeted:
            break  # a sentence in a text without a greeting: the body has begun
    else:
        i = len(spans)
    if i < len(spans) and "半年" in spans[i].text[:12]:
        half = True  # "一、上半年工作回顾", "今年上半年，……"
    plan, this = None, _PLAN
    found = _periods(date)
    if found:
        plan = found[0][1]
        month = _MONTH.search(date)
        if month is not None and month.group(1) in _LATE_MONTHS:
            # A report given at the end of the year reviews that year
            # ("今年工业总产值预计比去年增长百分之十五") and plans the next.
            plan, this = plan + 1, _REVIEW
    elif _SUMMARY in title_text and not half:
        plan, this = summary_plan_year(title_text), _REVIEW
    elif title:
        plan = max(title)
    return i, _Years(plan, None if half else this, half)


def summary_plan_year(title: str) -> int | None:
    """The plan year of a year's summary: the first year its title names after 总结, else the year after the last before it.

    The one reading of a summary's years: its parts here, and the year its targets are for
    (:func:`policytext.target_extraction.document_targets`).

    >>> summary_plan_year("城关镇2025年工作总结"), summary_plan_year("东坝镇一九八四年工作总结和一九八五年工作意见")
    (2026, 1985)
    >>> summary_plan_year("“十四五”工作总结"), summary_plan_year("城关镇工作总结") is None
    (2026, True)
    """
    at = title.find(_SUMMARY)
    periods = _periods(title)
    after = [first for position, first, _ in periods if position > at]
    if after:
        return min(after)
    before = [last for position, _, last in periods if position < at]
    return max(before) + 1 if before else None


def _greeting(spans: Sequence[Span], levels: list[int | None]) -> int:
    """Index of the greeting ("各位代表：") near the top and before any heading, or -1."""
    for i in range(min(len(spans), _GREETING_WITHIN)):
        if levels[i] is not None:
            break
        if _GREETING.match(spans[i].text):
            return i
    return -1


def _body_runs(spans: Sequence[Span], levels: list[int | None], opens: list[bool], body: int) -> list[tuple[int, int]]:
    """The runs ``(start, end)`` of sentences that are not ``other``: the body, and attachments that go on with it.

    In its second half a report may be followed by attachments ("附件1",
    then "2026年省十件民生实事", promises like the plan's) and by a glossary
    ("名词解释", ``other``).
    """
    n = len(spans)
    attachment = glossary = n
    for i in range((body + n) // 2, n):
        if opens[i]:
            text = spans[i].text
            if attachment == n and _ATTACHMENT.match(text):
                attachment = i
            elif _GLOSSARY.match(text):
                glossary = i
                break
    runs = [(body, _closing(spans, levels, opens, body, min(attachment, glossary)))]
    if attachment < glossary:
        end = glossary
        while end > attachment + 1 and _CLUTTER.search(spans[end - 1].text):
            end -= 1  # page clutter after the attachment
        runs.append((attachment + 1, end))
    return runs


def _closing(spans: Sequence[Span], levels: list[int | None], opens: list[bool], body: int, n: int) -> int:
    """Index of the first sentence of the closing of the report that ends before ``n``."""
    last_heading = body
    for i in range(n - 1, body - 1, -1):
        if levels[i] is not None:
            last_heading = i
            break
    for i in range(n - 1, last_heading, -1):
        if opens[i] and _VOCATIVE.match(spans[i].text):
            return i
    # No call to the delegates: page clutter at the end, and before it a
    # last short paragraph calling for effort.
    end = n
    for k in range(n - 1, max(last_heading, n - _NOTICE_WITHIN), -1):
        if opens[k] and _NOTICE.match(spans[k].text):
            end = k
            break
    while end > last_heading + 1 and _CLUTTER.search(spans[end - 1].text):
        end -= 1
    start = end - 1
    while start > last_heading + 1 and not opens[start]:
        start -= 1
    calls = start > last_heading and end - start <= _CALL_SENTENCES
    if calls and any(_CALL.search(spans[k].text) for k in range(start, end)):
        return start
    return end


def _numeral(text: str) -> int:
    """The value of a Chinese numeral from 1 to 99 ("九", "十五", "二十一")."""
    tens, _, units = text.rpartition("十")
    value = _NUMERALS.index(units) + 1 if units else 0
    if "十" in text:
        value += 10 * (_NUMERALS.index(tens) + 1 if tens else 1)
    return value


def _periods(text: str) -> list[tuple[int, int, int]]:
    """The years and five-year plans a text names: ``(position, first year, last year)`` in order."""
    found = []
    for m in _YEAR.finditer(text):
        if m.group(1):
            # Spaced-out digits may be apart by any white space: a wrapped line breaks "202\n5年".
            year = int("".join(m.group(1).translate(_FW_DIGITS).split()))
        else:
            year = int("".join(_CN_DIGITS[c] for c in m.group(2)))
        if 1949 <= year <= 2100:
            found.append((m.start(), year, year))
    for m in _PLAN_PERIOD.finditer(text):
        number = _numeral(next(g for g in m.groups() if g))
        first = _PLAN_STARTS.get(number, _THIRD_PLAN + 5 * (number - 3))
        found.append((m.start(), first, first + 4))
    return sorted(found)


def _pick(text: str, review: re.Match[str] | None, plan: re.Match[str] | None) -> tuple[str | None, bool]:
    """The part two cue matches name, and whether the text names both parts."""
    if review is None or plan is None:
        return (_REVIEW if review else _PLAN if plan else None), False
    first, last = sorted((review, plan), key=lambda m: m.start())
    if _AND.search(text, first.end(), last.start()):
        return (_REVIEW if first is review else _PLAN), True
    return (_REVIEW if last is review else _PLAN), False


def _heading_part(text: str, top: bool, years: _Years, seen: bool) -> tuple[str | None, bool, _Years]:
    """The part a heading names (or None), whether it names both, and the years, perhaps learned from it."""
    periods = _periods(text)
    review, plan = _REVIEW_HEAD.search(text), _PLAN_HEAD.search(text)
    this = _THIS_YEAR_HEAD.search(text)
    if this is not None and years.this == _REVIEW:
        review = min(filter(None, (review, this)), key=lambda m: m.start())
    elif this is not None:
        plan = min(filter(None, (plan, this)), key=lambda m: m.start())
    cue, both = _pick(text, review, plan)
    if top and cue == _REVIEW and not both and plan is None and review is not None:
        # "一、三年来的斗争和新时期的总任务": a review, then, after a conjunction,
        # the tasks, the last cue ("2025年主要工作及完成任务情况" ends on a review).
        tasks = _PLAN_TOP.search(text, review.end())
        if (
            tasks is not None
            and _AND.search(text, review.end(), tasks.start())
            and not any(m.group("cue") for m in _REVIEW_TOP.finditer(text, tasks.end()))
        ):
            both = True
    if cue is None and periods and years.plan is not None:
        named = [p for p in (_date_part(first, last, years) for _, first, last in periods) if p is not None]
        if named:
            cue, both = named[0], len(set(named)) > 1
    if top and (cue is None or (cue == _PLAN and not both and plan is not None)):
        weak = next((m for m in _REVIEW_TOP.finditer(text) if m.group("cue")), None)
        if weak is None and not seen:
            # Before any heading has named a part, the situation is the one
            # reached: "一、当前国内形势和基本任务" reviews the year, then sets tasks.
            weak = _SITUATION.search(text)
        if cue is None:
            cue, both = _pick(text, weak, _PLAN_TOP.search(text))
        elif weak is not None and plan is not None and weak.start() < plan.start():
            # "国民经济的成就和今后的建设任务": the results, then the tasks ahead.
            cue, both = _pick(text, weak, plan)
    if years.plan is None and periods:
        # Learn the plan year: "一、2025年工作回顾" is followed by it,
        # "二、2024年工作安排" names it. A dated heading without a cue is the
        # review if no heading has named a part yet ("一、一九五五年的工作"),
        # else the plan.
        if cue is None:
            cue = _PLAN if seen else _REVIEW
        if not both:
            # Years say it better than five-year plans, which may run on.
            exact = [first for _, first, last in periods if first == last] or [p[1 if cue == _PLAN else 2] for p in periods]
            years = years._replace(plan=max(exact) + 1 if cue == _REVIEW else min(exact))
    return cue, both, years


def _date_part(first: int, last: int, years: _Years) -> str | None:
    """The part a year or a five-year plan belongs to, or None (the plan year of a half-year report)."""
    if years.plan is None:
        return None
    if last < years.plan:
        return _REVIEW
    if first > years.plan or (first == years.plan and not years.half):
        return _PLAN
    return None


def _lead_part(sentence: str, years: _Years) -> tuple[str | None, bool]:
    """The part a sentence's opening time cue names (or None), and whether it holds under any heading."""
    text = sentence[:_LEAD_CHARS]
    if not _ANY_LEAD.match(text):
        return None, False  # most sentences: one match instead of five
    half = _HALF.match(text)
    if half:
        if years.half:
            return (_REVIEW if half.group(1) in ("上半年", "前半年") else _PLAN), True
        # In an annual report the halves are those of the year reviewed
        # ("下半年经济迅速回升"), or of "今年下半年" if it says so.
        later = half.group(0).startswith("今年") and half.group(1) in ("下半年", "后半年")
        return (years.this if later else _REVIEW), False
    if _REVIEW_LEAD.match(text):
        return _REVIEW, False
    if _PLAN_LEAD.match(text):
        return _PLAN, False
    if _THIS_YEAR.match(text):
        if years.this == _PLAN:
            # A report whose date is not known may be given at the end of
            # the year: "今年因为长江和淮河流域遭受了严重的水灾……".
            if _DONE.search(sentence) and not _FUTURE.search(sentence):
                return _REVIEW, False
        return years.this, False
    if _DATED.match(text):
        periods = _periods(text)
        if periods and periods[0][0] <= 1:
            # An explicit year holds under any heading: "一九八九年，全县财政
            # 预算执行情况总的是好的。" under "三、关于一九九〇年财政预算的安排".
            part = _date_part(periods[0][1], periods[0][2], years)
            return part, part is not None
    return None, False


def _content_part(spans: Sequence[Span], levels: list[int | None], at: int, end: int, level: int, years: _Years) -> str | None:
    """The part of a section without a cue, read from its sentences up to the next heading of its level or higher.

    Plan if calls to act outnumber past facts and past facts are few,
    review if past facts are many and outnumber calls to act, else None.
    """
    past = future = total = 0
    for k in range(at + 1, end):
        below = levels[k]
        if below is not None and below <= level:
            break
        if below is not None:
            continue  # a sub-heading
        text = spans[k].text
        if _lead_part(text, years)[1]:
            break  # a firm lead ("一九八五年全镇工作的……") will switch by itself
        total += 1
        if _FUTURE.search(text):
            future += 1
        elif _PAST.search(text):
            past += 1
    if total < _MIN_VOTES:
        return None
    if future > 2 * past and (future >= 0.3 * total or past <= 0.1 * total):
        return _PLAN
    if past >= 0.3 * total and past > 2 * future:
        return _REVIEW
    return None

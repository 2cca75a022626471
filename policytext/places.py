"""Where a report comes from: the place, its full name and its level, from a title line.

Work reports name their government in the title ("2026年贵州省政府工作报告",
"南京市鼓楼区2024年政府工作报告", "洋口镇2023年上半年工作总结"). The place is
the last unit of the administrative chain the title names, with the chain
as its full name, and the level follows from the unit's suffix, from the
list of provincial-level names (the municipalities 北京, 天津, 上海 and 重庆
end in 市 but are provinces) and from the unit above it (a 市 under a 市 is
a county-level city).

>>> parse_place("2026年贵州省政府工作报告")
Place(name='贵州省', full_name='贵州省', level='province')
>>> parse_place("郑州市2025年政府工作报告")
Place(name='郑州市', full_name='郑州市', level='city')
>>> parse_place("江苏省南通市如东县洋口镇2023年上半年工作总结")
Place(name='洋口镇', full_name='江苏省南通市如东县洋口镇', level='township')

A title in traditional characters is read through the t2s character table
(:func:`policytext.variants.to_simplified`) and gives the same place, named
in simplified characters, as :func:`policytext.summary.document_meta` names it:

>>> parse_place("2026年重慶市政府工作報告")
Place(name='重庆市', full_name='重庆市', level='province')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .variants import to_simplified

__all__ = ["LEVELS", "PROVINCES", "Place", "parse_place"]

#: The levels, highest first. ``county`` includes districts (区) and
#: county-level cities and banners; ``township`` includes towns, townships
#: and streets (街道).
LEVELS = ("national", "province", "city", "county", "township")

#: The provincial-level divisions, by their full names.
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
    "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
    "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)  # fmt: skip

# Suffixes of units below a province and their levels, longest first so that
# 自治州 wins over 州 and 自治县 over 县. A 州 directly followed by 市 or 区 is
# part of a city's or a district's name (郑州市, 万州区, 通州区), not a prefecture.
_UNITS = [
    ("自治州", "city"), ("自治县", "county"), ("自治旗", "county"), ("地区", "city"), ("街道", "township"),
    ("苏木", "township"), ("市", "city"), ("州", "city"), ("盟", "city"), ("县", "county"), ("旗", "county"),
    ("区", "county"), ("镇", "township"), ("乡", "township"),
]  # fmt: skip
_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:" + "|".join(s if s != "州" else "州(?![市区])" for s, _ in _UNITS) + ")"
)
_PROVINCE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))
# What follows a place in a title: the chain ends where one of these begins,
# and a unit holding one of them is no place ("…人民政府办公室关于…区").
_AFTER = re.compile(r"\s*(?:人民政府|政府|人民代表大会|人大|\d|[（(]|二〇|[一二]九)")
_NOT_A_PLACE = re.compile(r"^[在全本我该各这其]|政府|人大|委员会|办公|关于|工作|报告|总结|计划|预算|决算|会议")
_NATIONAL = re.compile(r"中华人民共和国|国务院|全国人民代表大会")
_LEADING = " \t-_—–·.、0123456789《【[（("
# Plan and budget reports name their place after a preposition ("关于北京市2024年预算…的报告",
# "关于对…"): read as part of the first unit, it made the run no place (关于) or a wrong one (对南京市).
# 对口 (paired aid), 对标 (benchmark against), 对外 (external) open phrases, not places.
_PREPOSITION = re.compile(r"(?:关于|对于|对(?![口标外接照比应象待此其]))+")
# An official document's title is 关于 + matter + kind (关于印发…的通知): the matter
# opens with a verb. Printing or forwarding a place's document names the place
# after it (关于印发临江县2025年政府工作报告的通知); any other verb opens a
# matter, not a place (关于做好全市…, 关于召开县人大会议…, 对口支援和田县…).
_FORWARDING = re.compile(r"(?:印发|转发|批转|印送)")
_NO_PLACE_AFTER = re.compile(
    r"对口|对标|对外|对接|做好|召开|表彰|表扬|成立|开展|加强|进一步|推进|实施|调整|公布|批准|下达|同意|命名|设立|撤销|建立|"
    r"组织|举办|授予|给予|认定|确定|规范|完善|深化|加快|促进|支持|落实|贯彻|提高|申请|请求|报送|上报|通报|处理|报请|审议|听取"
)
_YEAR = re.compile(r"(?:19|20)\d\d\s*年|[一二][九〇零○][一二三四五六七八九〇零○]{2}\s*年")


@dataclass(frozen=True)
class Place:
    """A report's place: the last unit named, the chain it is written in, and its level."""

    name: str
    full_name: str
    level: str


def _unit_level(unit, above):
    if unit in PROVINCES:
        return "province"
    for suffix, level in _UNITS:
        if unit.endswith(suffix):
            # A city under a city (南通市如皋市) is a county-level city.
            return "county" if level == "city" and suffix == "市" and above in ("city",) else level
    return ""


def _opening(text):
    """Where the place opens the title (after the year, any number or dash of a file name, a
    preposition and a verb of forwarding), or None where the title opens a matter, not a place."""
    pos = _skip(text, len(text) - len(text.lstrip(_LEADING)), _PREPOSITION)
    if _NO_PLACE_AFTER.match(text, pos):
        return None
    return _skip(text, pos, _FORWARDING)


def _skip(text, pos, words):
    """``pos`` past ``words`` at it, and past what may stand between them and a place ("关于2024年浙江省…": a year)."""
    m = words.match(text, pos)
    if m is None:
        return pos
    rest = text[m.end() :]
    return len(text) - len(rest.lstrip(_LEADING))


def parse_place(title: str) -> Place | None:
    """The place a title names, or ``None`` if it names none.

    Parameters
    ----------
    title : str
        A report's title line (or a file name).

    Returns
    -------
    Place or None
        Named in simplified characters, whichever script the title is
        written in.
    """
    text = _YEAR.sub(" ", to_simplified(title))  # "2021年临江县…": the place starts after the year
    pos = _opening(text)
    if pos is None:
        return None
    if (_NATIONAL.search(text) or text.startswith("全国", pos)) and not _PROVINCE.search(text):
        return Place("中华人民共和国", "中华人民共和国", "national")
    chain = []
    m = _PROVINCE.match(text, pos)
    if m:
        chain.append(m.group())
        pos = m.end()
    while not _AFTER.match(text, pos):
        m = _UNIT.match(text, pos)
        if m is None or _NOT_A_PLACE.search(m.group()):
            break
        chain.append(m.group())
        pos = m.end()
    if not chain:
        return None
    level = ""
    for unit in chain:
        level = _unit_level(unit, level)
    return Place(chain[-1], "".join(chain), level)

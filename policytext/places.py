"""Where a report comes from: the place, its full name and its level, from a title line.

Work reports name their government in the title ("2026年贵州省政府工作报告",
"南京市鼓楼区2024年政府工作报告", "洋口镇2023年上半年工作总结"). The place is
the last unit of the administrative chain the title names, with the chain
as its full name, and the level follows from the unit's suffix, from the
list of provincial-level names (the municipalities 北京, 天津, 上海 and 重庆
end in 市 but are provinces), from the list of county-level cities (清镇市
under 贵州省 is one) and from the unit above it (a 市 under a 市 is a
county-level city). A name may hold a unit's character (清镇市, 新市镇,
红旗街道, 沙县区): it is read whole.

>>> parse_place("2026年贵州省政府工作报告")
Place(name='贵州省', full_name='贵州省', level='province')
>>> parse_place("郑州市2025年政府工作报告")
Place(name='郑州市', full_name='郑州市', level='city')
>>> parse_place("江苏省南通市如东县洋口镇2023年上半年工作总结")
Place(name='洋口镇', full_name='江苏省南通市如东县洋口镇', level='township')
>>> parse_place("贵州省清镇市2026年政府工作报告")
Place(name='清镇市', full_name='贵州省清镇市', level='county')

A title in traditional characters is read through the t2s character table
(:func:`policytext.variants.to_simplified`) and gives the same place, named
in simplified characters, as :func:`policytext.summary.document_meta` names it:

>>> parse_place("2026年重慶市政府工作報告")
Place(name='重庆市', full_name='重庆市', level='province')
"""

from __future__ import annotations

import functools
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
# A unit ends where one of the suffixes ends, but a name may hold a suffix character too
# (清镇市, 新市镇, 红旗街道, 沙县区, 联盟乡): every unit a run could open with is a
# candidate, and :func:`_chain` chooses among them. A 州 directly followed by 湾 is part
# of a bay's name (杭州湾新区, 胶州湾), not a prefecture.
_SUFFIX = re.compile("(?:" + "|".join(s if s != "州" else "州(?![市区湾])" for s, _ in _UNITS) + ")")
_NAME_CHARS = 10  # a unit's name before its suffix: 1 to 10 characters
# Units below a province in one title: 自治州, 市, 区, 镇 and 街道 are five. A bound keeps a long
# run (a file name, a line of 市市市…) from being read unit by unit to its end.
_MOST_UNITS = 6
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: County-level cities (县级市), without their 市: a 市 of these is a county, wherever the title
#: names it (贵州省清镇市, 清镇市 alone). The county-level units ending in 市 of the civil
#: affairs ministry's division codes of 2018 and 2023 (as the cpca packages ship them),
#: Taiwan's left out; those made districts since (即墨, 章丘) stay, for older reports.
_COUNTY_CITIES = frozenset(
    """
    阿尔山 阿克苏 阿拉尔 阿拉山口 阿勒泰 阿图什 安达 安国 安陆 安宁 安丘 霸州 白杨 北安 北流 北票 北屯 北镇 彬州 博乐 泊头 昌吉 昌邑 常宁
    常熟 长葛 长乐 长垣 巢湖 澄江 赤壁 赤水 崇州 楚雄 慈溪 错那 大安 大理 大石桥 大冶 丹江口 丹阳 当阳 德惠 德令哈 德兴 灯塔 登封
    邓州 调兵山 定州 东方 东港 东宁 东台 东兴 东阳 都江堰 都匀 敦化 敦煌 峨眉山 额尔古纳 恩平 恩施 二连浩特 肥城 汾阳 丰城 丰镇 奉化 凤城
    扶余 福安 福鼎 福清 福泉 抚远 阜康 富锦 盖州 高安 高碑店 高密 高平 高邮 高州 格尔木 个旧 根河 公主岭 巩义 共青城 古交 广德 广汉
    广水 桂平 贵溪 海安 海城 海林 海伦 海门 海宁 海阳 韩城 汉川 和龙 和田 合山 合作 河间 河津 鹤山 横州 洪湖 洪江 侯马 胡杨河
    虎林 华亭 华阴 华蓥 化州 怀仁 黄骅 辉县 会理 霍尔果斯 霍林郭勒 霍州 吉首 集安 即墨 济源 监利 简阳 建德 建瓯 江山 江阴 江油 胶州
    界首 介休 津市 晋江 晋州 京山 井冈山 景洪 靖江 靖西 句容 喀什 开平 开原 开远 凯里 康定 可克达拉 库车 库尔勒 奎屯 昆山 昆玉 莱西
    莱阳 莱州 兰溪 老河口 乐昌 乐陵 乐平 乐清 雷州 冷水江 荔浦 利川 连州 廉江 涟源 林州 临安 临海 临江 临清 临夏 临湘 凌海 凌源
    灵宝 灵武 龙港 龙海 龙井 龙口 龙南 龙泉 隆昌 庐山 潞城 禄丰 陆丰 滦州 罗定 麻城 马尔康 满洲里 芒 茫崖 梅河口 蒙自 孟州 弥勒
    米林 密山 绵竹 明光 漠河 穆棱 南安 南宫 南雄 嫩江 宁安 宁国 宁乡 盘州 磐石 彭州 蓬莱 平度 平果 平湖 平泉 凭祥 普宁 栖霞
    祁阳 启东 迁安 黔西 潜江 潜山 沁阳 青铜峡 青州 清镇 琼海 曲阜 仁怀 任丘 荣成 如皋 乳山 汝州 瑞安 瑞昌 瑞金 瑞丽 三河 沙河
    沙湾 尚志 韶山 邵东 邵武 射洪 深州 神木 石河子 石狮 石首 什邡 寿光 舒兰 双河 双辽 水富 四会 松滋 绥芬河 塔城 台山 泰兴 太仓
    腾冲 天长 天门 铁力 铁门关 桐城 桐乡 同江 同仁 图们 图木舒克 瓦房店 万宁 万源 卫辉 温岭 文昌 文山 乌兰浩特 乌苏 无为 吴川 武安 武冈
    武穴 武夷山 五常 五大连池 五家渠 五指山 舞钢 西昌 锡林浩特 仙桃 香格里拉 湘乡 项城 孝义 辛集 新乐 新密 新民 新泰 新星 新沂 新郑 信宜 兴城
    兴化 兴宁 兴平 兴仁 兴义 宣威 旬阳 牙克石 延吉 扬中 阳春 伊宁 仪征 宜城 宜都 宜兴 宜州 义马 义乌 英德 应城 永安 永城 永济
    永康 榆树 余姚 禹城 禹州 玉环 玉门 玉树 原平 枣阳 扎兰屯 樟树 章丘 漳平 张家港 招远 肇东 枝江 钟祥 诸城 诸暨 庄河 资兴 子长
    邹城 邹平 遵化 偃师 讷河 邛崃 邳州 荥阳 岑溪 嵊州 阆中 沅江 汨罗 泸水 洮南 浏阳 涿州 溧阳 珲春 桦甸 滕州 耒阳 蛟河 醴陵
    """.split()
)
_PROVINCE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))
# What follows a place in a title: the chain ends where one of these begins,
# and a unit holding one of them is no place ("…人民政府办公室关于…区").
_AFTER = re.compile(r"\s*(?:人民政府|政府|人民代表大会|人大|\d|[（(]|二〇|[一二]九)")
# 在 inside a run is a sentence's, not a name's: "市长在市十六届人大…", "县长在全县…", a date
# line's "一月八日在市…" read as a unit ending in 市 or 县; 某 stands for a place not named (某县).
_NOT_A_PLACE = re.compile(r"^[在全本我该各这其]|在|某|政府|人大|委员会|办公|关于|工作|报告|总结|计划|预算|决算|会议")
_NATIONAL = re.compile(r"中华人民共和国|国务院|全国人民代表大会")
_LEADING = " \t-_—–·.、0123456789《【[（("
# Plan and budget reports name their place after a preposition ("关于北京市2024年预算…的报告",
# "关于对…"): read as part of the first unit, it made the run no place (关于) or a wrong one (对南京市).
# 对口 (paired aid), 对标 (benchmark against), 对外 (external) open phrases, not places.
# A party committee's document names the party before its place (中共清镇市委员会): 中共 is no part of it.
_PREPOSITION = re.compile(r"(?:关于|对于|对(?![口标外接照比应象待此其])|中共)+")
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
    if unit.endswith("市") and unit[:-1] in _COUNTY_CITIES:
        return "county"
    for suffix, level in _UNITS:
        if unit.endswith(suffix):
            # A city under a city (南通市如皋市) is a county-level city.
            return "county" if level == "city" and suffix == "市" and above in ("city",) else level
    return ""


def _chain(text, start):
    """The units of the administrative chain that opens ``text`` at ``start``, as a list of str.

    A unit is a name of 1 to 10 characters and a suffix, and a name may hold a
    suffix character (清镇市, 新市镇, 沙县区): of the ways to read the run as
    units, the chain is one that ends where the place ends (at what follows a
    place, :data:`_AFTER`, or at the run's end), with the most units (济南市
    市中区, not one unit 济南市市中区) and the most even ones (:func:`_rank`).
    A title that goes on after its place with no such mark ("清镇市关于…")
    gives the chain that reads furthest.
    """
    opening = functools.cache(lambda pos: _units(text, pos))  # the units at a position, read once for every bound

    @functools.cache
    def from_(pos, left):
        """The best chain from ``pos`` with at most ``left`` units: (ends where the place ends, characters read, units)."""
        if pos == len(text) or _AFTER.match(text, pos) or not _CJK.match(text, pos):
            return (True, 0, [])
        found = (False, 0, [])
        for unit in opening(pos) if left else ():
            ends, read, units = from_(pos + len(unit), left - 1)
            found = max(found, (ends, read + len(unit), [unit, *units]), key=_rank)
        return found

    return from_(start, _MOST_UNITS)[2]


def _rank(option):
    """How good a chain is, for :func:`_chain`: larger is better.

    Ending where the place ends, then reading furthest, the most units, the
    shortest longest unit (济南市 市中区, not 济南市市 中区) and the longest
    first ones (清镇市 卫城镇, not 清镇 市卫城镇).
    """
    ends, read, units = option
    lengths = [len(u) for u in units]
    return ends, (0 if ends else read), len(units), -max(lengths, default=0), lengths


def _units(text, pos):
    """Every unit ``text`` could open with at ``pos``: a name of 1 to 10 Chinese characters and a suffix, no word that is no place."""
    units = []
    for end in range(pos + 1, min(len(text), pos + _NAME_CHARS + 1)):
        if not _CJK.match(text, end - 1):
            break
        if _SUFFIX.match(text, end) is None:  # none here (or a 州 of 郑州市, 杭州湾)
            continue
        for suffix, _ in _UNITS:
            unit = text[pos : end + len(suffix)]
            if text.startswith(suffix, end) and not _NOT_A_PLACE.search(unit):
                units.append(unit)
    return units


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
    chain += _chain(text, pos)
    if not chain:
        return None
    level = ""
    for unit in chain:
        level = _unit_level(unit, level)
    return Place(chain[-1], "".join(chain), level)

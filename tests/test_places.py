"""Places, full names and levels from titles, session lines and file names."""

import pytest

from policytext.places import parse_place
from policytext.summary import document_meta


@pytest.mark.parametrize(
    "title, expected",
    [
        # A name holding a unit's character was cut at it, and took that character's level.
        ("贵州省清镇市2026年政府工作报告", ("清镇市", "贵州省清镇市", "county")),
        ("德清县新市镇2025年工作总结", ("新市镇", "德清县新市镇", "township")),
        ("铁西区红旗街道2025年工作总结", ("红旗街道", "铁西区红旗街道", "township")),
        ("三明市沙县区2026年政府工作报告", ("沙县区", "三明市沙县区", "county")),
        ("乌鲁木齐市新市区", ("新市区", "乌鲁木齐市新市区", "county")),
        ("联盟乡", ("联盟乡", "联盟乡", "township")),
        ("宁波市杭州湾新区", ("杭州湾新区", "宁波市杭州湾新区", "county")),
        ("济南市市中区", ("市中区", "济南市市中区", "county")),
        ("清镇市卫城镇2025年工作总结", ("卫城镇", "清镇市卫城镇", "township")),
        # A county-level city is a county whether a city is named above it or not.
        ("二连浩特市", ("二连浩特市", "二连浩特市", "county")),
        ("张家港市", ("张家港市", "张家港市", "county")),
        ("仙桃市2025年政府工作报告", ("仙桃市", "仙桃市", "county")),
        # Names that were read right stay so.
        ("石家庄市", ("石家庄市", "石家庄市", "city")),
        ("河北省石家庄市2025年政府工作报告", ("石家庄市", "河北省石家庄市", "city")),
        ("通州区", ("通州区", "通州区", "county")),
        ("镇江市", ("镇江市", "镇江市", "city")),
        ("镇平县", ("镇平县", "镇平县", "county")),
        ("太仓市城厢镇", ("城厢镇", "太仓市城厢镇", "township")),
        ("阿拉善盟", ("阿拉善盟", "阿拉善盟", "city")),
        ("锡林郭勒盟", ("锡林郭勒盟", "锡林郭勒盟", "city")),
        ("正蓝旗", ("正蓝旗", "正蓝旗", "county")),
        ("市中区", ("市中区", "市中区", "county")),
        ("县城", None),
        ("内蒙古自治区锡林郭勒盟正蓝旗2025年政府工作报告", ("正蓝旗", "内蒙古自治区锡林郭勒盟正蓝旗", "county")),
        ("恩施土家族苗族自治州2025年政府工作报告", ("恩施土家族苗族自治州", "恩施土家族苗族自治州", "city")),
        ("黔东南苗族侗族自治州凯里市", ("凯里市", "黔东南苗族侗族自治州凯里市", "county")),
        ("南通市如皋市2024年政府工作报告", ("如皋市", "南通市如皋市", "county")),
        # A title that goes on after its place with no mark still gives the whole name.
        ("清镇市关于印发2025年工作要点的通知", ("清镇市", "清镇市", "county")),
        # A party committee's: 中共 is no part of the place, and 某县 names none.
        ("中共清镇市委员会2025年工作总结", ("清镇市", "清镇市", "county")),
        ("中共某县委员会2025年工作总结", None),
        # A sentence's run up to a unit's character is no place.
        ("市长在市十六届人大五次会议上的政府工作报告", None),
        ("县长在全县经济工作会议上的讲话", None),
    ],
)
def test_parse_place_reads_the_whole_name_and_its_level(title, expected):
    place = parse_place(title)
    assert (place and (place.name, place.full_name, place.level)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "政府工作报告\n——二〇二六年一月八日在市第十六届人民代表大会第五次会议上",
        "市长在市十六届人大五次会议上的政府工作报告",
        "政府工作报告\n——2026年1月在全县人民代表大会上",
        "县长在全县经济工作会议上的讲话",
        "中共某县委员会关于制定国民经济和社会发展第十五个五年规划的建议",
    ],
)
def test_lines_that_name_no_place_leave_it_to_the_file_name(text):
    # They gave 一月八日在市, 市长在市, 月在全县, 县长在全县 and 中共某县.
    meta = document_meta("2026-厦门市.txt", text + "\n各位代表：")
    assert (meta["place"], meta["level"], meta["place_from"]) == ("厦门市", "city", "file name")
    assert document_meta("r.txt", text + "\n各位代表：")["place"] == ""


def test_a_place_read_from_a_date_line_is_said_to_come_from_the_session_line():
    # place_from takes the README's values: title, session line, file name, meta.
    meta = document_meta("r.txt", "决议\n（一九九五年三月十八日第八届全国人民代表大会第三次会议通过）\n正文。")
    assert (meta["place"], meta["place_from"], meta["year"]) == ("中华人民共和国", "session line", 1995)


def test_a_long_run_of_unit_characters_is_read_without_running_out_of_stack():
    # Each way of reading a run as units was searched to the run's end: 2000 乡 raised RecursionError.
    place = parse_place("乡" * 2000)
    assert place is not None and place.level == "township" and len(place.full_name) <= 6 * 11

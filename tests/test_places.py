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
    ],
)
def test_parse_place_reads_the_whole_name_and_its_level(title, expected):
    place = parse_place(title)
    assert (place and (place.name, place.full_name, place.level)) == expected

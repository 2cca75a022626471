import pytest

from policytext.segment import heading_level, split_sentences


def texts(s):
    return [sp.text for sp in split_sentences(s)]


def test_offsets_are_exact_and_ordered():
    s = "  一、工作回顾\n\n半年来，我们抓经济。 完成产值5亿元；新增企业3家！下半年？是的!好?\r\n结尾"
    spans = split_sentences(s)
    assert [sp.text for sp in spans] == [
        "一、工作回顾", "半年来，我们抓经济。", "完成产值5亿元；", "新增企业3家！", "下半年？", "是的!", "好?", "结尾",
    ]
    for sp in spans:
        assert s[sp.start : sp.end] == sp.text
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("mark", list("。！？；!?;"))
def test_each_terminator_splits(mark):
    assert texts(f"甲乙{mark}丙丁") == [f"甲乙{mark}", "丙丁"]


def test_quotes_and_brackets_stay_whole():
    assert texts("推广“中心+公司。基地”模式。完成（含续建。项目）3个；《条例。》施行。") == [
        "推广“中心+公司。基地”模式。", "完成（含续建。项目）3个；", "《条例。》施行。",
    ]


def test_closing_quote_after_terminator_joins_the_sentence():
    assert texts("他说：“好。”下一句。") == ["他说：“好。”下一句。"]
    assert texts("提出“要快！”。然后") == ["提出“要快！”。", "然后"]


def test_unmatched_quote_does_not_swallow_the_line():
    assert texts("开展“百日行动。完成整改。") == ["开展“百日行动。", "完成整改。"]


def test_line_breaks_always_split():
    assert texts("推广“中心\n基地”模式") == ["推广“中心", "基地”模式"]


def test_headings_and_section_paths():
    s = "一、工作回顾\n（一）抓经济\n半年来，我们抓项目。完成产值5亿元。\n新增企业3家。\n1.工业稳中有进。产值增长。\n二、下半年计划\n重点做好以下工作。"
    spans = split_sentences(s)
    by_text = {sp.text: sp for sp in spans}
    assert [sp.text for sp in spans if sp.is_heading] == [
        "一、工作回顾", "（一）抓经济", "半年来，我们抓项目。", "1.工业稳中有进。", "二、下半年计划",
    ]
    assert by_text["完成产值5亿元。"].section == ("一、工作回顾", "（一）抓经济", "半年来，我们抓项目。")
    # The lead sentence reaches only to the end of its paragraph.
    assert by_text["新增企业3家。"].section == ("一、工作回顾", "（一）抓经济")
    assert by_text["产值增长。"].section == ("一、工作回顾", "（一）抓经济", "1.工业稳中有进。")
    assert by_text["重点做好以下工作。"].section == ("二、下半年计划",)
    assert by_text["二、下半年计划"].section == ()


@pytest.mark.parametrize(
    "sentence, level",
    [
        ("一、上半年工作回顾", 1),
        ("十二、其他工作", 1),
        ("（三）守牢安全底线", 2),
        ("(三)守牢安全底线", 2),
        ("3.农业生产", 3),
        ("第一，坚持稳中求进。", 3),
        ("（2）完善机制", 4),
        ("半年来，我们科学谋划。", 9),
        ("过去一年，我们迎难而上。", 9),
        ("2.5亿元投向民生。", None),
        ("第一是发展。", None),
        ("一是加快项目建设。", None),
        ("完成产值5亿元。", None),
    ],
)
def test_heading_levels(sentence, level):
    assert heading_level(sentence) == level


def test_headings_only_open_a_line():
    spans = split_sentences("完成任务。（二）抓农业。")
    assert not any(sp.is_heading for sp in spans)


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\u3000\r\n") == []


def test_refuses_non_string():
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        split_sentences(b"abc")


def test_long_runs_without_punctuation_are_cut_not_dropped():
    text = "农" * 2500 + "。好"
    spans = split_sentences(text, max_chars=1000)
    assert [len(s.text) for s in spans] == [1000, 1000, 501, 1]
    assert "".join(s.text for s in spans) == text
    assert all(text[s.start : s.end] == s.text for s in spans)
    with pytest.raises(ValueError, match="max_chars must be an int >= 1, got 0"):
        split_sentences("甲", max_chars=0)

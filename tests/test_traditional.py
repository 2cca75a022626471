"""Traditional characters get the labels of the same text in simplified ones."""

import hashlib
import json

import numpy as np
import pytest

from policytext import classify, classify_batch, load, split_sentences, targets
from policytext.parts import report_parts
from policytext.summary import document_meta
from policytext.errors import ParameterError
from policytext.features import FeatureParams, build_analyzer
from policytext.modelfile import load_model, save_model
from policytext.variants import opencc_t2s, to_simplified

SIMPLIFIED = ["新建高标准农田4300亩。", "排查整改安全隐患126条。", "扎实开展党纪学习教育，严格落实中央八项规定精神。"]
TRADITIONAL = ["新建高標準農田4300畝。", "排查整改安全隱患126條。", "紮實開展黨紀學習教育，嚴格落實中央八項規定精神。"]


def test_opencc_table_is_one_to_one_and_folds_once():
    pairs = opencc_t2s()
    fold = dict(zip(pairs[0::2], pairs[1::2]))
    assert len(fold) == len(pairs) // 2 > 2500
    assert fold["經"] == "经" and fold["農"] == "农" and fold["羣"] == "群"
    assert not set(fold) & set(fold.values())
    FeatureParams(fold_variants=pairs)  # passes the settings' own checks


def test_the_analyzer_folds_traditional_to_simplified(tiny_model):
    analyzer = build_analyzer(tiny_model.features)
    for simple, traditional in zip(SIMPLIFIED, TRADITIONAL):
        assert analyzer(traditional) == analyzer(simple)


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_traditional_text_scores_as_simplified(tiny_model, engine):
    many = SIMPLIFIED * 10  # past the few-texts path, into the batch engine
    np.testing.assert_allclose(
        tiny_model.decision_function(TRADITIONAL * 10, engine=engine),
        tiny_model.decision_function(many, engine=engine),
        atol=1e-6,
    )


@pytest.mark.parametrize(
    "pairs, message",
    [
        ("經经濟", "'fold_variants' must be a str of character pairs, got '經经濟', of 3 characters"),
        (["經", "经"], "'fold_variants' must be a str of character pairs, got ['經', '经']"),
        ("經经经纟", "'fold_variants' must be pairs that fold no character into one that is folded again, got ['经'] folded again"),
        ("經经經纟", "'fold_variants' must be pairs that fold each character at most once, got '經' folded twice"),
    ],
)
def test_bad_variant_tables_are_refused(pairs, message):
    # They said "fold_variants must ..." without the FeatureParams(): of every other refusal.
    with pytest.raises(ParameterError) as info:
        FeatureParams(fold_variants=pairs)
    assert str(info.value) == f"FeatureParams(): {message}"


def test_offsets_stay_those_of_the_traditional_text():
    text = "一、工作回顧\n新建高標準農田4300畝。排查整改安全隱患126條。"
    sents = classify(text)
    assert [s.label for s in sents[1:]] == ["agriculture", "safety"]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_format_1_models_without_the_fold_still_load(tiny_model, tmp_path):
    # A model saved before traditional folding existed: format 1, no fold_variants.
    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    meta["format_version"] = 1
    del meta["features"]["fold_variants"]
    body = {k: v for k, v in meta.items() if k != "checksums"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    meta["checksums"]["metadata_sha256"] = hashlib.sha256(canonical).hexdigest()
    (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    old = load_model(path)
    assert old.features.fold_variants == ""
    assert old.predict(SIMPLIFIED) == tiny_model.predict(SIMPLIFIED)


def _real_sentences(shared):
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "data").rglob("*.txt"))]
    for line in (shared / "data" / "national" / "government_work_reports.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["year"] is None or int(row["year"]) >= 1978:
            texts.append(row["content"])
    return [s.text for t in texts for s in split_sentences(t)]


def test_real_sentences_in_traditional_characters_keep_their_labels(shared):
    # The target: >= 98% of the labels of every real sentence (the
    # provincial reports and the national ones since 1978) unchanged when
    # OpenCC turns it into traditional characters.
    opencc = pytest.importorskip("opencc")
    to_traditional = opencc.OpenCC("s2t")
    simplified = _real_sentences(shared)
    traditional = [to_traditional.convert(s) for s in simplified]
    assert sum(a != b for a, b in zip(simplified, traditional)) > 0.9 * len(simplified)
    same = np.mean(np.array(classify_batch(simplified)) == np.array(classify_batch(traditional)))
    assert same >= 0.98, same
    assert load().features.fold_variants  # the shipped model folds


def test_to_simplified_folds_one_character_for_one():
    text = "今年主要預期目標：糧食產量穩定在700億斤以上。"
    folded = to_simplified(text)
    assert folded == "今年主要预期目标：粮食产量稳定在700亿斤以上。"
    assert len(folded) == len(text)
    plain = "今年粮食产量稳定在700亿斤以上。"
    assert to_simplified(plain) is plain


def test_targets_of_a_report_in_traditional_characters():
    simplified = "二、2026年主要预期目标\n地区生产总值增长5.5%左右，城镇新增就业60万人，粮食产量稳定在700亿斤以上。"
    traditional = "二、2026年主要預期目標\n地區生產總值增長5.5%左右，城鎮新增就業60萬人，糧食產量穩定在700億斤以上。"
    found = targets(traditional, year=2026)
    assert [t.as_dict() | {"sentence": ""} for t in found] == [t.as_dict() | {"sentence": ""} for t in targets(simplified, year=2026)]
    assert [(t.indicator, t.value, t.unit) for t in found] == [("gdp_growth", 5.5, "%"), ("new_urban_jobs", 60.0, "万人"), ("grain", 700.0, "亿斤")]
    # The sentence is given as written.
    assert all(t.text == traditional[t.start : t.end] for t in found)


def test_place_and_year_of_a_title_in_traditional_characters():
    meta = document_meta("報告.txt", "2026年重慶市政府工作報告\n各位代表：")
    assert (meta["title"], meta["place"], meta["level"], meta["year"]) == ("2026年重慶市政府工作報告", "重庆市", "province", 2026)
    assert document_meta("2025-遼寧省.txt", "各位代表：")["place"] == "辽宁省"


@pytest.mark.parametrize(
    "simplified",
    ["2026年重庆市政府工作报告", "2026年广东省政府工作报告", "2025年鼓楼区政府工作报告", "南京市鼓楼区2024年政府工作报告", "2026年贵州省政府工作报告"],
)
def test_parse_place_gives_a_traditional_title_the_place_of_its_simplified_form(simplified):
    from policytext.places import parse_place

    traditional = simplified.translate(str.maketrans("庆东楼区报贵", "慶東樓區報貴"))
    assert traditional != simplified and to_simplified(traditional) == simplified
    place = parse_place(simplified)
    assert place is not None and parse_place(traditional) == place  # named in simplified characters, as document_meta names it
    meta = document_meta("x.txt", traditional + "\n各位代表：")
    assert (meta["place"], meta["level"]) == (place.name, place.level)


def test_real_reports_in_traditional_characters_give_the_same_targets_places_and_parts(shared):
    opencc = pytest.importorskip("opencc")
    to_traditional = opencc.OpenCC("s2t")
    reports = sorted((shared / "data" / "provincial-2026").glob("*.txt"))
    assert len(reports) >= 30
    def read(text):
        return [(t.indicator, t.measure, t.value, t.low, t.high, t.unit, t.modifier, t.start, t.stated) for t in targets(text, year=2026)]

    stated = 0
    for path in reports:
        simplified = path.read_text(encoding="utf-8")
        traditional = to_traditional.convert(simplified)
        assert len(traditional) == len(simplified), path.name  # OpenCC's s2t is one for one here
        want = read(simplified)
        assert read(traditional) == want, path.name
        stated += sum(row[-1] for row in want)
        meta = {k: v for k, v in document_meta(path.name, simplified).items() if k != "title"}
        assert {k: v for k, v in document_meta(path.name, traditional).items() if k != "title"} == meta, path.name
        assert report_parts(split_sentences(traditional)) == report_parts(split_sentences(simplified)), path.name
    assert stated > 100  # the reports do state targets: the check compares something

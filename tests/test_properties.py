"""Property-based tests: for any string, splitting and tagging hold their promises."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policytext
from policytext.segment import INVISIBLE, iter_sentences, split_sentences

REPORTISH = list(
    "经济农业生态安全民生治理新建高标准农田亩完成产值亿元同比增长各位代表一二三四五六七八九十"
    "。！？；!?;，、：“”‘’（）()《》【】「」『』—…%.0123456789ABCabc \t\u3000\u00a0\n\r\u2028\u0085\x0b\x00\ufeff\u200b"
)
texts = st.one_of(
    st.text(alphabet=st.sampled_from(REPORTISH), max_size=400),
    st.text(max_size=200),  # any code points, surrogates excluded by hypothesis
)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_spans(text, spans):
    last_end = 0
    covered = bytearray(len(text))
    for s in spans:
        assert last_end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        covered[s.start : s.end] = b"\x01" * (s.end - s.start)
        last_end = s.end
    # The splitter takes a byte order mark, zero-width spaces and joiners for white space.
    missing = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace() and ch not in INVISIBLE]
    assert not missing, [text[i] for i in missing]


@SETTINGS
@given(texts)
def test_split_sentences_offsets_order_and_coverage(text):
    check_spans(text, split_sentences(text))


@SETTINGS
@given(texts, st.integers(min_value=1, max_value=64))
def test_streamed_splitting_keeps_offsets_and_coverage(text, block):
    spans = list(iter_sentences(io.StringIO(text), block_chars=block, max_chars=50))
    check_spans(text, spans)


@SETTINGS
@given(texts)
def test_classify_any_text(text):
    clf = policytext.load()
    sents = policytext.classify(text)
    check_spans(text, sents)
    for s in sents:
        assert s.label in clf.labels
        assert sum(s.probs.values()) == pytest.approx(1.0)


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=30))
def test_batch_labels_do_not_depend_on_the_batch(xs):
    together = policytext.classify_batch(xs)
    assert all(label in policytext.LABELS for label in together)
    assert together == [policytext.classify_batch([x])[0] for x in xs]


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=30))
def test_fast_path_equals_reference_path(xs):
    clf = policytext.load()
    fast = clf.decision_function(xs)
    ref = clf.decision_function(xs, engine="reference")
    np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-5)  # float32 sums in the engine

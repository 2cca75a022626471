import io

import numpy as np
import pytest

import policytext
from policytext import classify, classify_batch

from conftest import REPO, TINY, write_jsonl

TINY_TEXTS = list(TINY.values())

REPORT = "一、上半年工作回顾\n新建高标准农田4300亩。开展安全生产大检查，整改隐患126条。\n各位代表："


def test_classify_returns_tagged_sentences_with_offsets(tiny_model):
    sents = classify(REPORT, model=tiny_model)
    assert [s.text for s in sents] == ["一、上半年工作回顾", "新建高标准农田4300亩。", "开展安全生产大检查，整改隐患126条。", "各位代表："]
    for s in sents:
        assert REPORT[s.start : s.end] == s.text
        assert s.label in tiny_model.labels
        assert set(s.probs) == set(tiny_model.labels)
        assert s.score == pytest.approx(max(s.probs.values()))
        assert s.probs[s.label] == s.score
        assert sum(s.probs.values()) == pytest.approx(1.0)
    with pytest.warns(DeprecationWarning, match="Sentence.scores is now Sentence.probs"):
        assert sents[0].scores == sents[0].probs
    assert sents[1].section == ("一、上半年工作回顾",)
    assert sents[0].is_heading and not sents[1].is_heading


def test_classify_labels_agree_with_classify_batch(tiny_model):
    sents = classify(REPORT, model=tiny_model)
    assert [s.label for s in sents] == classify_batch([s.text for s in sents], model=tiny_model)


@pytest.mark.parametrize("bad, shown", [(None, "None"), (42, "42"), (b"bytes", "b'bytes'"), (["a"], r"\['a'\]")])
def test_classify_refuses_non_strings_showing_what_it_got(bad, shown):
    with pytest.raises(TypeError, match=f"^classify\\(\\): 'text' must be a str, got {shown}$"):
        classify(bad)


def test_classify_empty_text_returns_empty_list():
    assert classify("") == []
    assert classify("  \n ") == []


def test_classify_batch_names_the_index_of_a_bad_item(tiny_model):
    with pytest.raises(TypeError, match=r"^classify_batch\(\): 'texts\[2\]' must be a str, got None$"):
        classify_batch(["甲。", "乙。", None], model=tiny_model)


@pytest.mark.parametrize("entry", ["classify_batch", "predict", "predict_proba", "decision_function"])
def test_a_single_string_is_refused_the_same_way_everywhere(tiny_model, entry):
    call = classify_batch if entry == "classify_batch" else getattr(tiny_model, entry)
    with pytest.raises(TypeError, match=f"^{entry}\\(\\): 'texts' must be a list of str, got a single str, '新建农田。'; wrap it in a list: \\[text\\]$"):
        call("新建农田。")


def test_classify_batch_one_label_per_input_in_order(tiny_model):
    xs = ["新建高标准农田3000亩。", "排查整改安全隐患210条。", "", "各位代表："]
    labels = classify_batch(xs, model=tiny_model)
    assert len(labels) == 4
    assert labels[0] == "agriculture" and labels[1] == "safety"
    assert classify_batch([], model=tiny_model) == []
    assert classify_batch(iter(xs), model=tiny_model) == labels


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_blank_text_in_a_batch_is_other_on_every_path(tiny_model, engine):
    # An empty cell of a table was tagged with the intercepts' favourite,
    # economy (p=0.34 with the shipped model), and counted in its share.
    xs = ["", " ", "\n\t\u3000", "新建高标准农田3000亩。"] * 5  # 20 texts: past the few-texts path
    for batch in (xs[:4], xs):
        proba = tiny_model.predict_proba(batch, engine=engine)
        assert tiny_model.predict(batch, engine=engine)[:4] == ["other", "other", "other", "agriculture"]
        np.testing.assert_array_equal(proba[:3], np.eye(len(tiny_model.labels))[[tiny_model.labels.index("other")] * 3])
    assert classify_batch(xs, model=tiny_model)[:4] == ["other", "other", "other", "agriculture"]


# Texts with no n-gram of the model: their scores were the intercepts alone, economy for the shipped model.
FEATURELESS = ["\u200b", "\ufeff", "※", "★", "'", "\x00", "\u200b\ufeff ※"]


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_text_without_a_single_feature_is_other_like_a_blank_one(engine):
    from policytext.modelfile import load_model

    shipped = policytext.load()
    other = np.eye(len(shipped.labels))[shipped.labels.index("other")]
    fresh = load_model(shipped.metadata["path"])  # no engine built yet: a few texts take the few-texts path
    xs = FEATURELESS + ["完成工业总产值246亿元。"]
    for clf, batch in ((fresh, xs), (shipped, xs), (shipped, xs * 50)):
        assert clf.predict(batch, engine=engine) == (["other"] * len(FEATURELESS) + ["economy"]) * (len(batch) // len(xs))
        proba = clf.predict_proba(batch, engine=engine)
        np.testing.assert_array_equal(proba[: len(FEATURELESS)], np.tile(other, (len(FEATURELESS), 1)))
    assert classify_batch(FEATURELESS) == ["other"] * len(FEATURELESS)


@pytest.fixture(scope="module")
def yes_no_model():
    from policytext.features import FeatureParams
    from policytext.train import train

    yes = ["治理河道黑臭水体。", "新增造林面积。", "建成污水处理厂。", "关停高污染企业。"]
    no = ["完成固定资产投资。", "新增城镇就业。", "新建幼儿园。", "开展安全生产检查。", "引进招商项目。", "发放养老金。"]
    with pytest.warns(UserWarning):
        return train(yes + no, ["yes"] * len(yes) + ["no"] * len(no), features=FeatureParams(min_df=1), temperature=1.0)


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_featureless_text_is_uniform_for_a_model_without_other(yes_no_model, engine):
    # With custom labels and no `other`, "" and "※" got the intercepts' label at up to 0.99997.
    clf = yes_no_model
    assert clf.labels == ["no", "yes"] and clf.intercept[0] != clf.intercept[1]
    xs = ["", "   ", "※", "\ufeff", "治理河道黑臭水体。"] * 4  # 20 texts: past the few-texts path
    for batch in (xs[:5], xs):
        proba = clf.predict_proba(batch, engine=engine)
        np.testing.assert_array_equal(proba[:4], np.full((4, 2), 0.5))
        assert clf.predict(batch, engine=engine)[:5] == ["no", "no", "no", "no", "yes"]
    [blank] = classify("※", model=clf)
    assert (blank.label, blank.score) == ("no", 0.5)


def test_classify_and_classify_batch_agree_on_invisible_and_unknown_characters():
    # classify reads U+200B and U+FEFF as white space: no sentence, as for blank text, which classify_batch tags other.
    for text in ("\u200b", "\ufeff", "\ufeff\u200b"):
        assert classify(text) == [] and classify_batch([text]) == classify_batch([""]) == ["other"]
    for text in ("※", "★"):
        assert [s.label for s in classify(text)] == classify_batch([text]) == ["other"]


def test_predict_proba_builds_on_decision_function(tiny_model):
    xs = ["新建高标准农田3000亩。", "调解矛盾纠纷120起。"]
    scores = tiny_model.decision_function(xs)
    proba = tiny_model.predict_proba(xs)
    assert scores.shape == proba.shape == (2, len(tiny_model.labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == scores.argmax(axis=1)).all()
    assert tiny_model.predict(xs) == list(tiny_model.classes_[scores.argmax(axis=1)])


def test_predict_top_k_and_threshold(tiny_model):
    xs = ["新建高标准农田3000亩。", "调解矛盾纠纷120起。"]
    top = tiny_model.predict(xs, k=3)
    assert len(top) == 2 and all(len(row) == 3 for row in top)
    for row, label in zip(top, tiny_model.predict(xs)):
        assert row[0][0] == label
        probs = [p for _, p in row]
        assert probs == sorted(probs, reverse=True)
    assert tiny_model.predict(xs, k=7, threshold=1.0) == [[], []]
    assert tiny_model.predict(xs, k=1, threshold=None) == tiny_model.predict(xs, k=1, threshold=0.0) == tiny_model.predict(xs, k=1)
    one = tiny_model.predict(xs[:1], k=1)
    assert isinstance(one, list) and isinstance(one[0], list) and isinstance(one[0][0], tuple)


def test_top_k_takes_any_array_like_of_the_models_shape(tiny_model):
    xs = ["新建高标准农田3000亩。", "调解矛盾纠纷120起。"]
    proba = tiny_model.predict_proba(xs)
    assert tiny_model.top_k(proba.tolist(), k=2) == tiny_model.top_k(proba, k=2) == tiny_model.predict(xs, k=2)
    assert tiny_model.top_k(np.zeros((0, len(tiny_model.labels))), k=1) == []


@pytest.mark.parametrize(
    "make, got",
    [
        # A list was negated ("bad operand type for unary -: 'list'"), a 1-D array had no axis 1 (AxisError).
        (lambda n: [[0.1, 0.9]], "shape (1, 2)"),
        (lambda n: np.full(n, 1 / n), "shape ({n},)"),
        (lambda n: np.full((2, n, 1), 1 / n), "shape (2, {n}, 1)"),
        (lambda n: [["p"] * n], "a list that numpy cannot read as an array of numbers"),
        (lambda n: None, "a NoneType"),
    ],
    ids=["list-of-two-columns", "1-D", "3-D", "strings", "None"],
)
def test_top_k_refuses_anything_but_one_column_per_label(tiny_model, make, got):
    n = len(tiny_model.labels)
    with pytest.raises(policytext.ParameterError) as info:
        tiny_model.top_k(make(n), k=1)
    assert str(info.value) == (
        f"top_k(): 'proba' must be an array-like of numbers of shape (n, {n}) (one row per text, one column per label), "
        f"got {got.format(n=n)}"
    )


def test_explain_gives_ngrams_of_the_text(tiny_model):
    text = "新建高标准农田3000亩。"
    top = tiny_model.explain(text, k=4)
    assert 1 <= len(top) <= 4
    weights = [w for _, w in top]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > 0
    folded = "新建高标准农田0000亩。"
    assert all(gram in folded for gram, _ in top)
    with pytest.raises(policytext.ParameterError, match="explain[(][)]: 'label' must be None or one of 'economy', .*, got 'sports'"):
        tiny_model.explain(text, label="sports")
    # Only n-grams that push towards the label: with k larger than those, negative ones came last.
    many = tiny_model.explain(text, k=500)
    assert many and all(w > 0 for _, w in many) and len(many) < len(tiny_model.transform([text]).data)
    with pytest.raises(TypeError, match=r"explain\(\): 'text' must be a str, got \['"):
        tiny_model.explain([text])


def test_shipped_model_loads_with_the_guideline_labels():
    clf = policytext.load()
    assert clf.labels == list(policytext.LABELS)
    assert policytext.load() is clf  # cached
    assert clf.metadata["corpus_sha256"]


def test_shipped_model_on_plain_cases():
    xs = [
        "完成工业总产值246亿元，新签约亿元以上项目13个。",
        "新建高标准农田4300亩，粮食总产稳定在5万吨以上。",
        "完成农村户厕改造420户，河道水质稳定达标。",
        "排查整改安全隐患316条，开展防汛应急演练3次。",
        "新增城镇就业460人，镇中心小学新建教学楼投入使用。",
        "扎实开展党纪学习教育，化解信访积案9件。",
        "打印本页 关闭窗口",
    ]
    assert classify_batch(xs) == list(policytext.LABELS)


def test_classify_stream_is_lazy_and_equals_classify_batch(tiny_model):
    xs = [t for ts in TINY_TEXTS for t in ts] * 3
    consumed = []

    def source():
        for x in xs:
            consumed.append(x)
            yield x

    stream = policytext.classify_stream(source(), model=tiny_model, batch_size=5)
    first = next(stream)
    assert len(consumed) == 5  # one batch read, not the whole input
    assert [first, *stream] == classify_batch(xs, model=tiny_model)


def test_classify_stream_names_the_global_index_of_a_bad_item(tiny_model):
    xs = ["甲。"] * 7 + [None]
    with pytest.raises(TypeError, match=r"classify_stream\(\): 'texts\[7\]' must be a str, got None"):
        list(policytext.classify_stream(xs, model=tiny_model, batch_size=3))
    with pytest.raises(TypeError, match="got a single str"):
        list(policytext.classify_stream("新建农田", model=tiny_model))


def test_iter_classify_equals_classify(tiny_model):
    import io

    text = REPORT * 50
    streamed = list(policytext.iter_classify(io.StringIO(text), model=tiny_model, batch_size=7))
    assert streamed == classify(text, model=tiny_model)


def test_parallel_classify_batch_equals_serial(tiny_model):
    xs = [t for ts in TINY_TEXTS for t in ts] * 800  # 22,400: over the parallel threshold
    assert classify_batch(xs, model=tiny_model, n_jobs=2) == classify_batch(xs, model=tiny_model)


def _concurrency_spy(clf):
    """``clf`` rebuilt as a Classifier that records, in its public ``decision_function``, how many calls ran at once and on how many texts."""
    import threading
    import time

    from policytext.model import Classifier

    class Spy(Classifier):
        lock, running, most, sizes = threading.Lock(), 0, 0, []

        def decision_function(self, texts, **kwargs):
            with Spy.lock:
                Spy.running += 1
                Spy.most = max(Spy.most, Spy.running)
                Spy.sizes.append(len(texts))
            time.sleep(0.05)  # long enough for a second worker, if there is one, to start its task
            try:
                return super().decision_function(texts, **kwargs)
            finally:
                with Spy.lock:
                    Spy.running -= 1

    return Spy(clf.labels, clf.vocabulary, clf.idf, clf.coef, clf.intercept, temperature=clf.temperature, features=clf.features, context=clf.context, shares=clf.shares)


def test_classify_stream_splits_each_batch_among_its_workers():
    # Batches of the default 10,000 were under the 20,000 texts a list needed
    # to go to workers: n_jobs was accepted and never used.
    from policytext.workers import cores

    if cores() < 2:
        pytest.skip("one core: n_jobs=2 gives one worker")
    spy = _concurrency_spy(policytext.load())
    # Texts of every kind (blank, symbols only); 21,000: two batches of 10,000 and one of 1,000.
    xs = ["完成工业总产值246亿元。", "新建高标准农田4300亩。", "各位代表：", "", "※", "整改隐患126条。", "新增城镇就业800人。"] * 3_000
    serial = classify_batch(xs)
    assert list(policytext.classify_stream(iter(xs), model=spy, n_jobs=2)) == serial
    assert spy.most == 2  # two tasks of one batch ran at once
    assert max(spy.sizes) < 10_000  # each batch of 10,000 was split
    for batch_size in (9_999, 15_000):
        assert list(policytext.classify_stream(iter(xs), batch_size=batch_size, n_jobs=2)) == serial
    assert list(policytext.classify_stream(iter(xs), n_jobs=-1)) == serial


def test_parallel_classify_batch_with_a_reference_only_model_uses_processes():
    from policytext.features import FeatureParams
    from policytext.train import train

    clf = train([t for ts in TINY_TEXTS for t in ts], [label for label, ts in TINY.items() for _ in ts], features=FeatureParams(norm="l2"))
    assert clf.has_batch_engine is False  # the reference path serves it: workers are processes, not threads
    xs = [t for ts in TINY_TEXTS for t in ts] * 800
    assert classify_batch(xs, model=clf, n_jobs=2) == clf.predict(xs)


def test_records_for_tag_equal_each_sentences_to_dict():
    from policytext.archive import tag_document

    path = REPO / "examples" / "report.txt"
    records = list(tag_document(str(path)).records)
    assert len(records) > 20
    sentences = policytext.classify(path.read_text(encoding="utf-8"))
    assert records == [{"file": str(path), "index": i, **s.to_dict()} for i, s in enumerate(sentences)]


# Every public option is checked against one table, with one wording:
# the function, the option, what it allows, what it got.
BAD_OPTIONS = [
    (lambda m: policytext.classify("甲。", model=42), "classify(): 'model' must be None (the shipped model), a model folder's path or a Classifier, got 42"),
    (lambda m: policytext.classify_batch(["甲。"], model=m, n_jobs=0), "classify_batch(): 'n_jobs' must be a non-zero int from -1024 to 1024 (-1 for every core), got 0"),
    (lambda m: policytext.classify_batch(["甲。"], model=m, n_jobs=1.5), "classify_batch(): 'n_jobs' must be a non-zero int from -1024 to 1024 (-1 for every core), got 1.5"),
    (lambda m: policytext.classify_stream(["甲。"], model=m, batch_size=0), "classify_stream(): 'batch_size' must be an int from 1 to 1099511627776, got 0"),
    (lambda m: policytext.classify_stream(["甲。"], model=m, n_jobs=0), "classify_stream(): 'n_jobs' must be a non-zero int from -1024 to 1024 (-1 for every core), got 0"),
    (lambda m: policytext.iter_classify(io.StringIO("甲。"), model=m, batch_size=-1), "iter_classify(): 'batch_size' must be an int from 1 to 1099511627776, got -1"),
    (lambda m: m.explain("甲。", k=-1), "explain(): 'k' must be an int >= 1, got -1"),
    (lambda m: m.explain("甲。", label=""), "explain(): 'label' must be None or one of 'economy', 'agriculture', 'environment', 'safety', 'livelihood', 'governance', 'other', got ''"),
    (lambda m: m.predict(["甲。"], k=0), "predict(): 'k' must be None or an int >= 1, got 0"),
    (lambda m: m.predict(["甲。"], k=True), "predict(): 'k' must be None or an int >= 1, got True"),
    (lambda m: m.predict(["甲。"], k=1, threshold=2), "predict(): 'threshold' must be None or a number from 0 to 1, got 2"),
    # Without k predict gives one label per text, which a threshold cannot drop: refused, not ignored.
    (lambda m: m.predict(["甲。"], threshold=0.9), "predict(): 'threshold' must be None without 'k' (give k, e.g. k=1, to leave out labels below a threshold), got 0.9"),
    (lambda m: m.predict(["甲。"], threshold=0.0), "predict(): 'threshold' must be None without 'k' (give k, e.g. k=1, to leave out labels below a threshold), got 0.0"),
    (lambda m: m.predict(["甲。"], engine="turbo"), "predict(): 'engine' must be one of 'fast', 'reference', got 'turbo'"),
    (lambda m: m.decision_function(["甲。"], engine=None), "decision_function(): 'engine' must be one of 'fast', 'reference', got None"),
    (lambda m: m.predict_proba(["甲。"], engine="turbo"), "predict_proba(): 'engine' must be one of 'fast', 'reference', got 'turbo'"),
]


@pytest.mark.parametrize("call, message", BAD_OPTIONS)
def test_bad_options_are_refused_at_the_call_with_one_wording(tiny_model, call, message):
    with pytest.raises(policytext.ParameterError) as info:
        call(tiny_model)  # generators refuse at the call, before any label is asked for
    assert str(info.value) == message
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_options_are_keyword_only(tiny_model):
    with pytest.raises(TypeError, match="positional"):
        policytext.classify_batch(["甲。"], tiny_model)
    with pytest.raises(TypeError, match="positional"):
        tiny_model.explain("甲。", 3)


#: Public functions whose one optional parameter is what they act on, not an option.
_OPTIONAL_SUBJECT = {"api.load": ["path"], "api.resolve_model": ["model"], "plot.check_font": ["font"], "readers.read_stream": ["stream"]}


def _public_callables():
    """Every public function and public method (and non-record ``__init__``) of every module's ``__all__``."""
    import dataclasses
    import importlib
    import inspect
    import pkgutil

    for info in pkgutil.iter_modules(policytext.__path__):
        if info.name.startswith("_") or info.name == "cli":
            continue
        try:
            module = importlib.import_module(f"policytext.{info.name}")
        except ImportError:  # an optional extra (dask) is missing
            continue
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj.__module__.startswith("policytext"):
                yield f"{info.name}.{name}", obj
            elif inspect.isclass(obj) and obj.__module__.startswith("policytext"):
                # Records (dataclasses, named tuples) are built field by field, as their kind is.
                is_record = dataclasses.is_dataclass(obj) or hasattr(obj, "_fields")
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and (not attr.startswith("_") or (attr == "__init__" and not is_record)):
                        yield f"{info.name}.{name}.{attr}", member


def test_every_public_option_is_keyword_only():
    import inspect

    found = dict(_public_callables())
    assert {"api.classify", "archive.tag_files", "summary.Summary.__init__", "plot.plot_shares", "readers.read_document"} <= set(found)
    positional = {}
    for name, function in found.items():
        options = [p.name for p in inspect.signature(function).parameters.values() if p.default is not p.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
        if options and options != _OPTIONAL_SUBJECT.get(name):
            positional[name] = options
    assert positional == {}
    with pytest.raises(TypeError, match="positional"):
        policytext.split_sentences("啊" * 30, 10)
    with pytest.raises(TypeError, match="positional"):
        list(policytext.iter_sentences(io.StringIO("新建农田。"), 7, 3))
    assert len(policytext.split_sentences("啊" * 30, max_chars=10)) == 3


def test_load_reads_a_replaced_model_folder_again(tiny_corpus, tmp_path):
    from policytext.modelfile import save_model
    from policytext.train import train_corpus

    path = tmp_path / "m"
    save_model(train_corpus(tiny_corpus), path)
    first = policytext.load(path)
    assert policytext.load(path) is first  # cached while the files are the same
    other = write_jsonl(tmp_path / "two.jsonl", [{"text": t, "label": l} for l, ts in TINY.items() if l in ("economy", "other") for t in ts])
    save_model(train_corpus(other), path, force=True)
    assert policytext.load(path).labels == ["economy", "other"]


@pytest.mark.parametrize(
    "call, message",
    [
        # Each raised AttributeError or TypeError from deep inside, or quietly read the current folder.
        (lambda: policytext.iter_classify("新建农田。"), "iter_classify(): 'stream' must be a text file open for reading"),
        (lambda: policytext.iter_classify(None), "iter_classify(): 'stream' must be a text file open for reading"),
        (lambda: policytext.iter_classify(io.BytesIO("新建农田。".encode())), "iter_classify(): 'stream' must be a text file open for reading"),
        (lambda: policytext.classify_stream(None), "classify_stream(): 'texts' must be a list of str, got None"),
        (lambda: policytext.load(42), "load(): 'path' must be None or a path (a non-empty str or os.PathLike), got 42"),
        (lambda: policytext.load(""), "load(): 'path' must be None or a path"),
        (lambda: classify_batch(["新建农田。"], model=""), "classify_batch(): 'model' must be None (the shipped model), a model folder's path or a Classifier, got ''"),
        (lambda: policytext.tag_files(None), "tag_files(): 'paths' must be a path or a non-empty list of paths, got None"),
        (lambda: policytext.tag_files([]), "tag_files(): 'paths' must be a path or a non-empty list of paths, got []"),
        (lambda: policytext.tag_files(["r"], output=42), "tag_files(): 'output' must be None or a path"),
        (lambda: policytext.tag_files(["r"], limits={"bogus": 1}), "tag_files(): 'limits' must be None or a dict with some of the keys 'max_bytes', 'max_pdf_pages'"),
        (lambda: policytext.tag_files(["r"], limits={"max_bytes": -1}), "tag_files(): 'limits' must be None or a dict"),
        (lambda: policytext.tag_files(["r"], on_error="x"), "tag_files(): 'on_error' must be None or a callable, got 'x'"),
        (lambda: policytext.tag_files(["r"], sink=42), "tag_files(): 'sink' must be None or a text file open for writing, got 42"),
        (lambda: policytext.tag_files(["r"], resume=True), "tag_files(): 'resume' needs an output to resume"),
        # Read by truthiness, or failing deep inside with AttributeError.
        (lambda: policytext.attention_shares(["新建农田。"], chars="x"), "attention_shares(): 'chars' must be True or False, got 'x'"),
        (lambda: policytext.attention_shares(["新建农田。"], level=1.0), "attention_shares(): 'level' must be a number between 0 and 1 (exclusive), got 1.0"),
        (lambda: policytext.attention_shares(["新建农田。", None]), "attention_shares(): 'documents[1]' must be a str or Sentences (from classify or iter_classify), got None"),
        (lambda: policytext.attention_shares([[1]]), "attention_shares(): 'documents[0]' must be a str or Sentences (from classify or iter_classify), got [1]"),
        (lambda: policytext.classify_stream(["甲。"], batch_size=10**19), "classify_stream(): 'batch_size' must be an int from 1 to 1099511627776, got 10000000000000000000"),
        (lambda: classify_batch(["甲。"], n_jobs=3000), "classify_batch(): 'n_jobs' must be a non-zero int from -1024 to 1024"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(call, message):
    with pytest.raises((policytext.ParameterError, TypeError)) as info:
        call()
    assert str(info.value).startswith(message)


def test_a_share_estimate_is_a_mapping_of_labels():
    # 'economy' in est, list(est) and dict(est) raised KeyError: "unknown label 0".
    est = policytext.attention_shares(["一、工作回顾\n新建高标准农田4300亩。完成工业产值5亿元。"])
    assert list(est) == list(policytext.LABELS) and len(est) == 7
    assert "economy" in est and "culture" not in est
    assert dict(est)["agriculture"] == est["agriculture"] == est.to_dict()["agriculture"]
    assert len({est, est}) == 1  # still hashable, equal to itself only (a Mapping compares values)


def test_attention_shares_take_reports_tagged_in_any_iterable():
    # A generator of Sentences (iter_classify's output, a filter of classify's) was refused.
    text = "一、工作回顾\n新建高标准农田4300亩。完成工业产值5亿元。"
    tagged = policytext.attention_shares([policytext.iter_classify(io.StringIO(text))])
    assert tagged.to_dict() == policytext.attention_shares([text]).to_dict()


def test_attention_shares_refuses_sentences_of_another_models_labels(tmp_path):
    # Sentences tagged by a model of other labels raised a bare KeyError: 'economy'.
    from policytext.train import train_corpus

    two = write_jsonl(tmp_path / "two.jsonl", [{"text": t, "label": l} for l, ts in TINY.items() if l in ("economy", "other") for t in ts])
    custom = train_corpus(two)
    tagged = policytext.classify("完成工业产值5亿元。各位代表：", model=custom)
    expected = ", ".join(policytext.LABELS)
    with pytest.raises(policytext.ParameterError) as info:
        policytext.attention_shares([tagged])
    assert str(info.value) == (
        f"attention_shares(): 'documents[0]' must be Sentences with the model's labels ({expected}), "
        "got Sentences with the labels economy, other (tagged by another model: pass it as model=)"
    )
    with pytest.raises(policytext.ParameterError, match=rf"'documents\[1\]' must be Sentences with the model's labels \(economy, other\), got Sentences with the labels {expected} "):
        policytext.attention_shares([tagged, policytext.classify("完成工业产值5亿元。")], model=custom)
    assert policytext.attention_shares([tagged], model=custom).n_sentences == 2


def test_sentences_are_hashable_and_equal_by_value():
    # frozen, but hash() raised "unhashable type: 'dict'" (its probs).
    first, again = policytext.classify("新建高标准农田4300亩。各位代表："), policytext.classify("新建高标准农田4300亩。各位代表：")
    assert first == again and {*first} == {*again} and len({*first, *again}) == 2
    assert hash(first[0]) == hash(again[0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: classify(None), r"classify\(\): 'text' must be a str, got None"),
        (lambda: classify_batch("新建农田。"), r"classify_batch\(\): 'texts' must be a list of str, got a single str"),
        (lambda: classify_batch(["甲。", None]), r"classify_batch\(\): 'texts\[1\]' must be a str, got None"),
        (lambda: policytext.split_sentences(3), r"split_sentences\(\): 'text' must be a str, got 3"),
        (lambda: policytext.attention_shares([]), r"attention_shares\(\): the documents hold no sentence"),
    ],
)
def test_bad_texts_are_parameter_errors_as_bad_options_are(call, message):
    # They were plain TypeError/ValueError: `except policytext.PolicytextError`
    # caught a bad n_jobs but not a None among the texts.
    with pytest.raises(policytext.ParameterError, match=message) as info:
        call()
    assert isinstance(info.value, policytext.PolicytextError) and isinstance(info.value, (TypeError, ValueError))


def _single_str_calls(tmp_path):
    from policytext import Classifier, metrics
    from policytext.archive import tag_documents
    from policytext.corpus import read_corpus, read_documents
    from policytext.summary import Summary
    from policytext.train import train_corpus

    corpus = write_jsonl(tmp_path / "c.jsonl", [{"text": "新建农田。", "label": "yes"}, {"text": "各位代表：", "label": "no"}])
    parts = {"labels": ["a", "b"], "vocabulary": ["x"], "idf": [1.0], "coef": [[1.0, -1.0]], "intercept": [0.0, 0.0]}
    return [
        (lambda: Classifier(**{**parts, "labels": "ab"}), "Classifier", "labels", "'ab'", "label"),
        (lambda: Classifier(**{**parts, "vocabulary": "x"}), "Classifier", "vocabulary", "'x'", "vocabulary"),
        (lambda: read_corpus([corpus], labels="yes"), "read_corpus", "labels", "'yes'", "label"),
        (lambda: read_documents([], labels="yes"), "read_documents", "labels", "'yes'", "label"),
        # Each was read character by character: one CorpusError per character, a result per character.
        (lambda: read_documents("d.json"), "read_documents", "files", "'d.json'", "file"),
        (lambda: tag_documents("examples"), "tag_documents", "paths", "'examples'", "path"),
        (lambda: train_corpus([corpus], labels="yes"), "train_corpus", "labels", "'yes'", "label"),
        (lambda: metrics.evaluate(["economy"], ["economy"], "eo"), "evaluate", "labels", "'eo'", "label"),
        (lambda: Summary("yes"), "Summary", "labels", "'yes'", "label"),
        (lambda: metrics.evaluate("economy", ["economy"], ["economy"]), "evaluate", "y_true", "'economy'", "y_true"),
        (lambda: metrics.evaluate(["economy"], "economy", ["economy"]), "evaluate", "y_pred", "'economy'", "y_pred"),
    ]


def test_a_single_str_where_a_list_is_expected_is_refused_as_classify_batch_refuses_it(tmp_path):
    with pytest.raises(policytext.ParameterError) as texts_error:
        classify_batch("x")
    assert str(texts_error.value) == "classify_batch(): 'texts' must be a list of str, got a single str, 'x'; wrap it in a list: [text]"
    for call, where, name, shown, item in _single_str_calls(tmp_path):
        with pytest.raises(policytext.ParameterError) as info:
            call()
        assert str(info.value) == f"{where}(): '{name}' must be a list of str, got a single str, {shown}; wrap it in a list: [{item}]"


def test_tag_split_refuses_a_single_str_and_says_to_split_it(tiny_model):
    # Its characters were taken for documents: an AttributeError deep inside.
    from policytext.api import tag_split

    with pytest.raises(policytext.ParameterError) as info:
        tag_split("新建农田。", tiny_model)
    assert str(info.value) == (
        "tag_split(): 'documents' must be a list of documents split into sentences, got a single str, '新建农田。'; split it first: [split_sentences(text)]"
    )
    [(spans, proba, parts)] = tag_split([policytext.split_sentences("新建农田。")], tiny_model)
    assert len(spans) == len(proba) == len(parts) == 1


@pytest.mark.parametrize("temperature", ["1", None, True, float("nan"), 0, 1e9])
def test_a_bad_temperature_is_a_parameter_error_with_the_one_wording(temperature):
    from policytext import Classifier

    with pytest.raises(policytext.ParameterError) as info:
        Classifier(labels=["a", "b"], vocabulary=["x"], idf=[1.0], coef=[[1.0, -1.0]], intercept=[0.0, 0.0], temperature=temperature)
    assert str(info.value) == f"Classifier(): 'temperature' must be a number from 0.001 to 1000, got {temperature!r}"


def test_threads_loading_a_model_at_once_share_one_copy(tmp_path):
    # The cache did not stop threads that missed it together from each
    # reading the folder: 8 threads got 8 models, and an attribute set on
    # "the" shared one reached only its copy. A copy of the shipped model:
    # a folder no test has loaded, and long enough to read that they meet.
    import shutil
    import threading
    from concurrent.futures import ThreadPoolExecutor

    for name in ("model.json", "arrays.npz"):
        shutil.copy(policytext.api.default_model_path() / name, tmp_path / name)
    threads = 8
    barrier = threading.Barrier(threads)

    def first_load(_):
        barrier.wait()
        return policytext.load(tmp_path)

    with ThreadPoolExecutor(threads) as pool:
        models = list(pool.map(first_load, range(threads)))
    assert len({id(m) for m in models}) == 1
    assert models[0] is policytext.load(tmp_path)


def test_a_model_the_variable_names_that_cannot_load_names_the_variable_in_python(tmp_path, monkeypatch):
    # The command line named POLICYTEXT_MODEL; load() and classify() showed only a path the user never passed.
    monkeypatch.setenv("POLICYTEXT_MODEL", str(tmp_path))
    expected = f"POLICYTEXT_MODEL={tmp_path}: {tmp_path} is not a policytext model: model.json not found; unset the variable to use the shipped model"
    for call in (policytext.load, lambda: classify_batch(["各位代表："])):
        with pytest.raises(policytext.ModelError) as info:
            call()
        assert str(info.value) == expected
    with pytest.raises(policytext.ModelError) as info:
        policytext.load(tmp_path)  # a path given is named as given
    assert str(info.value) == f"{tmp_path} is not a policytext model: model.json not found"


def test_summary_add_names_the_record_and_what_it_lacks():
    # A record without "score" raised KeyError('score'), one of another label KeyError('yes'), from deep in the count.
    from policytext.summary import Summary

    record = {"text": "新建幼儿园3所。", "label": "livelihood", "score": 0.9, "probs": {"livelihood": 0.9, "other": 0.1}}
    summary = Summary(["livelihood", "other"])
    summary.add("r.txt", [record])
    cases = [
        ({k: v for k, v in record.items() if k != "score"}, "'records[1]' must be a record (a dict) with the fields 'label', 'text', 'score', got one without 'score': "),
        (dict(record, label="yes"), "'records[1]' must be labelled one of the summary's labels ('livelihood', 'other'), got the label 'yes'"),
        ("新建幼儿园3所。", "'records[1]' must be a record (a dict) with the fields 'label', 'text', 'score', got '新建幼儿园3所。'"),
    ]
    for bad, message in cases:
        with pytest.raises(policytext.ParameterError) as info:
            summary.add("s.txt", [record, bad])
        assert str(info.value).startswith(f"Summary.add(): {message}")


def test_a_model_file_named_instead_of_its_folder_says_so(tmp_path, monkeypatch):
    # A review (rv12): load(".../model.json") said ".../model.json is not a policytext model:
    # model.json not found"; the command line's --model FILE said what to do.
    shipped = policytext.api.default_model_path() / "model.json"
    with pytest.raises(policytext.ModelError) as info:
        policytext.load(shipped)
    assert str(info.value) == f"{shipped}: a model is a folder; give the folder that holds it ({shipped.parent})"
    monkeypatch.setenv("POLICYTEXT_MODEL", str(shipped))
    with pytest.raises(policytext.ModelError) as info:
        policytext.load()
    assert str(info.value).startswith(f"POLICYTEXT_MODEL={shipped}: {shipped}: a model is a folder")


def _unchecked_option_calls():
    # (call of a document path, the refusal): a review (A6, A7) found these ran with the
    # option ignored, failed deep inside (TypeError, AttributeError, IndexError), or were
    # refused as a plain ValueError or in words of their own.
    from policytext import Classifier, metrics, shares
    from policytext.archive import tag_document
    from policytext.modelfile import load_model, save_model
    from policytext.readers import read_document, read_input, read_stream
    from policytext.summary import Summary
    from policytext.train import train

    parts = {"labels": ["a", "b"], "vocabulary": ["x"], "idf": [1.0], "coef": [[1.0, -1.0]], "intercept": [0.0, 0.0]}
    limit = "an int from 1 to 1125899906842624"
    binary = "a binary file open for reading (sys.stdin.buffer, open(path, 'rb'), or io.BytesIO)"
    proba = np.full((4, 2), 0.5)
    return [
        (lambda doc: tag_document(doc, context="no"), "tag_document(): 'context' must be True or False, got 'no'"),
        (lambda doc: tag_document(doc, timeout="a"), "tag_document(): 'timeout' must be None or a number from 0.001 to 1000000000.0, got 'a'"),
        (lambda doc: tag_document(doc, limits={"max_byts": 1}), f"tag_document(): 'limits' must be None or a dict with some of the keys 'max_bytes', 'max_pdf_pages', each {limit}, got {{'max_byts': 1}}"),
        (lambda doc: tag_document(None), "tag_document(): 'path' must be a path (a non-empty str or os.PathLike), got None"),
        (lambda doc: read_document(doc, max_bytes="x"), f"read_document(): 'max_bytes' must be {limit}, got 'x'"),
        (lambda doc: read_document(doc, max_bytes=-1), f"read_document(): 'max_bytes' must be {limit}, got -1"),
        (lambda doc: read_document(doc, max_pdf_pages=0), f"read_document(): 'max_pdf_pages' must be {limit}, got 0"),
        (lambda doc: read_stream("a text"), f"read_stream(): 'stream' must be None or {binary}, got 'a text'"),
        (lambda doc: read_stream(io.BytesIO(b"x"), max_bytes=0), f"read_stream(): 'max_bytes' must be {limit}, got 0"),
        (lambda doc: read_input(doc, max_bytes=None), f"read_input(): 'max_bytes' must be {limit}, got None"),
        (lambda doc: read_input("-", stdin=io.StringIO("各位代表：")), f"read_input(): 'stdin' must be None or {binary}, got <_io.StringIO object at "),
        (lambda doc: Summary(["a", "b"], evidence=2, evidence_by="bogus"), "Summary(): 'evidence_by' must be one of 'top', 'least', 'random', got 'bogus'"),
        (lambda doc: Summary(["a", "b"], evidence=-1), "Summary(): 'evidence' must be an int >= 0, got -1"),
        (lambda doc: save_model("not a model", doc.parent / "m"), "save_model(): 'clf' must be a Classifier, got 'not a model'"),
        (lambda doc: load_model(None), "load_model(): 'path' must be a path (a non-empty str or os.PathLike), got None"),
        (lambda doc: Classifier(**parts, features={"min_df": 1}), "Classifier(): 'features' must be None or a FeatureParams, got {'min_df': 1}"),
        (lambda doc: Classifier(**{**parts, "labels": ["a"], "coef": [[1.0]], "intercept": [0.0]}), "Classifier(): 'labels' must be at least two distinct non-empty str, got ['a']"),
        (lambda doc: train(["新建农田。", "各位代表："], ["a", "a"]), "train(): 'labels' must be at least two distinct labels, got only ['a']"),
        (lambda doc: metrics.evaluate(["a"], ["a", "b"], ["a"]), "evaluate(): 'y_pred' must be one prediction per gold label, got 2 predictions for 1 gold labels"),
        (lambda doc: shares.estimate_shares(proba, labels="ab"), "estimate_shares(): 'labels' must be a list of str, got a single str, 'ab'; wrap it in a list: [label]"),
        # One range, stated once: -1.0 and 0.0 were refused in two contradictory ways.
        (lambda doc: shares.fit_share_model(proba, [0, 1, 0, 1], [0, 1, 2, 3], ["a", "b"], folds=2, clip=-1.0), "fit_share_model(): 'clip' must be a number > 0 and < 1, got -1.0"),
        (lambda doc: shares.fit_share_model(proba, [0, 1, 0, 1], [0, 1, 2, 3], ["a", "b"], folds=2, clip=0.0), "fit_share_model(): 'clip' must be a number > 0 and < 1, got 0.0"),
    ]


@pytest.mark.parametrize("case", range(len(_unchecked_option_calls())))
def test_options_of_public_functions_are_refused_in_the_one_wording(tmp_path, case):
    doc = tmp_path / "r.txt"
    doc.write_text(REPORT, encoding="utf-8")
    call, message = _unchecked_option_calls()[case]
    with pytest.raises(policytext.ParameterError) as info:
        call(doc)
    assert str(info.value).startswith(message)

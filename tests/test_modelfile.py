import json
import zipfile

import numpy as np
import pytest

from policytext import ModelError
from policytext.modelfile import FORMAT_VERSION, load_model, save_model
from policytext.train import train_corpus

XS = ["新建高标准农田3000亩。", "调解矛盾纠纷120起。", "完成农村户厕改造500户。"]


def test_round_trip_keeps_predictions(tiny_model, tmp_path):
    save_model(tiny_model, tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.labels == tiny_model.labels
    np.testing.assert_allclose(again.predict_proba(XS), tiny_model.predict_proba(XS), rtol=1e-6)
    assert again.metadata["corpus_sha256"] == tiny_model.metadata["corpus_sha256"]
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["library_version"]
    assert set(meta["checksums"]) == {"arrays_sha256", "metadata_sha256"}


def test_training_is_deterministic_to_the_byte(tiny_corpus, tmp_path):
    save_model(train_corpus(tiny_corpus), tmp_path / "a")
    save_model(train_corpus(tiny_corpus), tmp_path / "b")
    for name in ("model.json", "arrays.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_save_refuses_to_overwrite_without_force(tiny_model, tmp_path):
    save_model(tiny_model, tmp_path / "m")
    with pytest.raises(FileExistsError, match="already exists"):
        save_model(tiny_model, tmp_path / "m")
    save_model(tiny_model, tmp_path / "m", force=True)
    assert load_model(tmp_path / "m").labels == tiny_model.labels
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no temporary folders left


@pytest.fixture
def saved(tiny_model, tmp_path):
    return save_model(tiny_model, tmp_path / "m")


def test_truncated_arrays_are_refused(saved):
    npz = saved / "arrays.npz"
    npz.write_bytes(npz.read_bytes()[:-100])
    with pytest.raises(ModelError, match="arrays.npz is truncated or altered"):
        load_model(saved)


def test_altered_metadata_is_refused(saved):
    meta_path = saved / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["temperature"] = 99.0
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="model.json was altered"):
        load_model(saved)


def test_a_planted_pickle_is_never_unpickled(saved, tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    # An object array inside the .npz would need pickle to load.
    npz = saved / "arrays.npz"
    with np.load(npz, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["vocabulary"] = np.array([Exploit()], dtype=object)
    with zipfile.ZipFile(npz, "w") as zf:
        for name, array in arrays.items():
            with zf.open(name + ".npy", "w") as f:
                np.lib.format.write_array(f, array, allow_pickle=True)
    meta_path = saved / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    import hashlib

    meta["checksums"]["arrays_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    meta["checksums"]["metadata_sha256"] = _metadata_digest(meta)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        load_model(saved)
    assert not marker.exists()
    # The payload is real: unpickling it, as np.load(allow_pickle=True) would, runs it.
    with np.load(npz, allow_pickle=True) as data:
        data["vocabulary"]
    assert marker.exists()


def test_other_format_version_names_both_versions(saved):
    meta_path = saved / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["format_version"] = 99
    meta["library_version"] = "9.9.9"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match=r"model format 99 by policytext 9\.9\.9; this is policytext .*, which reads formats 1, 2"):
        load_model(saved)


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(ModelError, match="not a policytext model: model.json not found"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="model.json is not valid JSON"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "sklearn"}', encoding="utf-8")
    with pytest.raises(ModelError, match="is not a policytext model file"):
        load_model(tmp_path)


def test_custom_label_sets(tmp_path):
    from conftest import write_jsonl

    rows = [{"text": t, "label": "yes"} for t in ["同意。", "赞成此项。", "可以办理。"]]
    rows += [{"text": t, "label": "no"} for t in ["不同意。", "反对此项。", "不能办理。"]]
    clf = train_corpus(write_jsonl(tmp_path / "yn.jsonl", rows), labels=None)
    assert sorted(clf.labels) == ["no", "yes"]
    save_model(clf, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert set(loaded.predict(["赞成此项。", "反对。"])) <= {"yes", "no"}
    assert loaded.predict_proba(["同意。"]).shape == (1, 2)


def test_a_failed_save_keeps_the_old_model_and_leaves_nothing_behind(tiny_model, tmp_path):
    from conftest import with_file_size_limit

    save_model(tiny_model, tmp_path / "m")
    before = {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()}
    assert len(before["arrays.npz"]) > 1000
    # The disk full as the arrays are written: the new folder is begun, then refused.
    proc = with_file_size_limit(
        f"""
from policytext.modelfile import load_model, save_model
clf = load_model({str(tmp_path / "m")!r})
LIMIT_FILE_SIZE
save_model(clf, {str(tmp_path / "m")!r}, force=True)
""",
        limit=1000,
    )
    assert proc.returncode == 1 and proc.stderr.rstrip().endswith("OSError: [Errno 27] File too large"), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    assert {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()} == before
    assert load_model(tmp_path / "m").labels == tiny_model.labels


def test_a_killed_training_run_leaves_no_model(tiny_corpus, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from conftest import write_jsonl

    big = write_jsonl(
        tmp_path / "big.jsonl",
        [{"text": f"第{i}条：新建高标准农田{i}亩。", "label": "agriculture"} for i in range(20000)]
        + [{"text": f"第{i}条：整改安全隐患{i}条。", "label": "safety"} for i in range(20000)],
    )
    out = tmp_path / "model"
    proc = subprocess.Popen([sys.executable, "-m", "policytext.cli", "train", str(big), "-o", str(out)])
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()  # killed while training: the destination was never touched


def test_a_model_from_another_library_version_of_the_same_format_loads(saved):
    meta_path = saved / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["library_version"] = "0.0.9"
    meta["checksums"]["metadata_sha256"] = _metadata_digest(meta)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert load_model(saved).metadata["library_version"] == "0.0.9"


def _metadata_digest(meta):
    """The metadata checksum as the file format defines it: SHA-256 of the sorted JSON without the checksums."""
    import hashlib

    body = {k: v for k, v in meta.items() if k != "checksums"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _rewrite(path, meta_changes=(), arrays_changes=(), drop=()):
    """Change a saved model (``drop`` removes fields of model.json) and give it valid checksums again, as a careful attacker would."""
    import hashlib
    import io

    meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    with np.load(path / "arrays.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(dict(arrays_changes))
    meta.update(dict(meta_changes))
    for field in drop:
        del meta[field]
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    (path / "arrays.npz").write_bytes(buf.getvalue())
    meta["checksums"] = {"arrays_sha256": hashlib.sha256(buf.getvalue()).hexdigest(), "metadata_sha256": _metadata_digest(meta)}
    (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def test_a_rewritten_but_unchanged_model_still_loads(saved, tiny_model):
    # The rewriting helper itself keeps a good model good, so the refusals below are the checks'.
    _rewrite(saved)
    assert load_model(saved).predict(XS) == tiny_model.predict(XS)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m, a: a.update(coef=np.full_like(a["coef"], np.nan)), "coef holds values that are not finite"),
        (lambda m, a: a.update(idf=np.where(np.arange(len(a["idf"])) == 3, np.inf, a["idf"])), "idf holds values that are not finite"),
        (lambda m, a: a.update(intercept=np.full_like(a["intercept"], -np.inf)), "intercept holds values that are not finite"),
        (lambda m, a: m.update(temperature=float("nan")), "Classifier[(][)]: 'temperature' must be a number from 0.001 to 1000, got nan"),
        # Valid numbers that gave NaN scores, or 1/7 for every label.
        (lambda m, a: m.update(temperature=1e-308), "Classifier[(][)]: 'temperature' must be a number from 0.001 to 1000, got 1e-308"),
        (lambda m, a: m.update(temperature=1e308), "Classifier[(][)]: 'temperature' must be a number from 0.001 to 1000, got 1e[+]308"),
        (lambda m, a: m.update(temperature=True), "Classifier[(][)]: 'temperature' must be a number from 0.001 to 1000, got True"),
        (lambda m, a: m.update(temperature="0.3"), "Classifier[(][)]: 'temperature' must be a number from 0.001 to 1000, got '0.3'"),
        (lambda m, a: a.update(idf=-a["idf"]), "idf must be positive"),
        (lambda m, a: m.update(format_version=str(m["format_version"])), "format_version must be an int, got '3'"),
        (lambda m, a: m.update(features=list(m["features"].items())), "features must be an object of feature settings, got list"),
        (lambda m, a: a.update(vocabulary=a["vocabulary"][::-1].copy()), "vocabulary must be sorted, without repeats"),
        (lambda m, a: a.update(vocabulary=np.sort(np.concatenate([a["vocabulary"][:1], a["vocabulary"][:-1]]))), "vocabulary must be sorted, without repeats"),
        (lambda m, a: m.update(labels="".join(m["labels"])), "labels must be a list of at most"),
        (lambda m, a: m.update(labels=[m["labels"][0]] * len(m["labels"])), "Classifier[(][)]: 'labels' must be at least two distinct non-empty str, got"),
        (lambda m, a: m.update(n_features=10**12), "n_features must be an int from 1 to"),
        (lambda m, a: a.update(vocabulary=np.array(["甲乙丙丁戊"] * len(a["vocabulary"]))), "n-grams longer than 4 characters"),
        (lambda m, a: m.update(domain={"other_share": [0.5, 0.1], "mean_score": [0, 1], "unknown_chars": [0, 1]}), "domain other_share must be"),
        (lambda m, a: m.update(domain={"other_share": [0, 1], "mean_score": [0, float("inf")], "unknown_chars": [0, 1]}), "domain mean_score must be"),
        (lambda m, a: m.update(domain=[0, 1]), "domain must map each of"),
    ],
)
def test_models_with_valid_checksums_but_bad_contents_are_refused(saved, change, message):
    meta = json.loads((saved / "model.json").read_text(encoding="utf-8"))
    with np.load(saved / "arrays.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    change(meta, arrays)
    _rewrite(saved, meta, arrays)
    with pytest.raises(ModelError, match=message):
        load_model(saved)


def test_metadata_of_the_wrong_shape_is_refused_with_a_model_error(saved):
    meta_path = saved / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "checksums": "x"}), encoding="utf-8")
    with pytest.raises(ModelError, match="checksums must be an object of SHA-256 digests, got str"):
        load_model(saved)
    meta_path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ModelError, match="is not a policytext model file [(]nested too deeply[)]"):
        load_model(saved)


def test_declared_sizes_are_checked_before_the_arrays_are_read(saved):
    # A file far larger than its declared n-grams can fill is refused unread.
    _rewrite(saved, arrays_changes={"padding": np.zeros(1 << 20)})
    with pytest.raises(ModelError, match=r"larger than \d+ n-grams and 7 labels can take"):
        load_model(saved)


def test_labels_cut_in_model_json_are_said_to_disagree_with_the_arrays(saved, tiny_model):
    # The arrays were blamed ("coef is float32 of shape (21, 7); expected ... (21, 6)"), when it was the labels that changed.
    meta = json.loads((saved / "model.json").read_text(encoding="utf-8"))
    _rewrite(saved, {"labels": meta["labels"][:-1]})
    with pytest.raises(ModelError) as exc:
        load_model(saved)
    n = len(tiny_model.vocabulary)
    assert str(exc.value) == (
        f"{saved / 'model.json'} lists 6 labels, but the weights in {saved / 'arrays.npz'} have 7 columns "
        f"(coef of shape ({n}, 7)): the two files disagree"
    )


def test_a_count_of_n_grams_that_the_arrays_do_not_hold_names_both_files(saved, tiny_model):
    n = len(tiny_model.vocabulary)
    _rewrite(saved, {"n_features": n - 1})
    with pytest.raises(ModelError) as exc:
        load_model(saved)
    assert str(exc.value) == f"{saved / 'model.json'} says n_features is {n - 1}, but {saved / 'arrays.npz'} holds {n} n-grams: the two files disagree"


@pytest.mark.parametrize("field", ["features", "temperature"])
def test_a_missing_field_is_named(saved, field):
    # It was "... is inconsistent: 'features'", the bare repr of a KeyError.
    _rewrite(saved, drop=[field])
    with pytest.raises(ModelError) as exc:
        load_model(saved)
    assert str(exc.value) == f"{saved / 'model.json'} has no {field!r} field"


def test_a_missing_or_unknown_feature_setting_is_named_rather_than_defaulted(saved):
    # A missing norm was read as the default one: a model tagging with settings its writer never chose.
    meta = json.loads((saved / "model.json").read_text(encoding="utf-8"))
    del meta["features"]["norm"]
    meta["features"]["stemming"] = True
    _rewrite(saved, meta)
    with pytest.raises(ModelError) as exc:
        load_model(saved)
    assert str(exc.value) == f"{saved / 'model.json'}: features has no 'norm'; has unknown setting 'stemming'"


@pytest.fixture
def shipped_copy(tmp_path):
    """A copy of the shipped model: it has every field of format 3 (context stage, shares, domain ranges, traditional fold)."""
    import shutil

    from policytext.api import default_model_path

    path = tmp_path / "shipped"
    path.mkdir()
    for name in ("model.json", "arrays.npz"):
        shutil.copy(default_model_path() / name, path / name)
    return path


@pytest.mark.parametrize(
    "version, fields",
    [
        (1, "'features.fold_variants' (format 2), 'context' (format 3), 'domain' (format 3), 'shares' (format 3)"),
        (2, "'context' (format 3), 'domain' (format 3), 'shares' (format 3)"),
    ],
)
def test_an_older_format_with_fields_it_does_not_have_is_refused(shipped_copy, version, fields):
    # Format 1 was loaded with a context stage and a traditional fold, which no format 1 model had.
    _rewrite(shipped_copy, {"format_version": version})
    with pytest.raises(ModelError) as exc:
        load_model(shipped_copy)
    assert str(exc.value) == (
        f"{shipped_copy / 'model.json'} says model format {version}, but holds fields later formats added: {fields}; "
        "the file was altered or mislabelled"
    )
    # The same file as format 3 loads: what was refused is the version, not the copy.
    _rewrite(shipped_copy, {"format_version": 3})
    assert load_model(shipped_copy).context is not None


def _rebuild_npz(path, member, *, compress=False, padding=b""):
    """Rewrite ``arrays.npz`` with one member deflated and/or padded past its array, with valid checksums."""
    import hashlib

    npz = path / "arrays.npz"
    with zipfile.ZipFile(npz) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(npz, "w") as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            if name == member:
                info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
                data += padding
            dst.writestr(info, data)
    meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    meta["checksums"]["arrays_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    meta["checksums"]["metadata_sha256"] = _metadata_digest(meta)
    (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def test_save_model_stores_every_member_uncompressed(saved):
    with zipfile.ZipFile(saved / "arrays.npz") as zf:
        assert {info.compress_type for info in zf.infolist()} == {zipfile.ZIP_STORED}


def test_a_deflated_member_is_refused_before_it_is_inflated(saved):
    # A few kB of deflated zeros would unpack to 50 MB: the directory alone refuses it.
    _rebuild_npz(saved, "intercept.npy", compress=True, padding=b"\0" * (50 << 20))
    assert (saved / "arrays.npz").stat().st_size < 1 << 20
    with pytest.raises(ModelError, match=r"arrays.npz: member intercept.npy is compressed"):
        load_model(saved)


def test_a_deflated_member_of_the_right_size_is_refused_too(saved):
    _rebuild_npz(saved, "coef.npy", compress=True)
    with pytest.raises(ModelError, match=r"arrays.npz: member coef.npy is compressed"):
        load_model(saved)


def test_a_stored_member_longer_than_its_header_needs_is_refused(saved):
    # np.load would read the array and ignore the rest: the member's size must be its header's.
    _rebuild_npz(saved, "idf.npy", padding=b"\0" * 1000)
    with pytest.raises(ModelError, match=r"arrays.npz: member idf.npy holds [\d,]+ bytes, but its header \(float64 of shape \(\d+,\)\) needs [\d,]+"):
        load_model(saved)


def test_an_oversized_model_json_is_refused_unread(saved):
    # A sparse file: 200 MB long, nothing written past the JSON.
    with open(saved / "model.json", "r+b") as f:
        f.truncate(200 << 20)
    with pytest.raises(ModelError, match=r"model.json is larger than a model file's metadata can be \(128 MB\): it is refused unread"):
        load_model(saved)

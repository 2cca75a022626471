"""The public type hints, as a user's script checked by ``mypy --strict`` sees them.

A script that uses the API as documented must check without casts or
``# type: ignore``, and what the API returns must not be ``Any`` (``--strict``
warns of returning ``Any`` from a typed function, so each result below is
returned as its documented type). A second script makes the mistakes the
hints are there to catch; every line marked ``# E`` must be an error, and no
other line.
"""

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import policytext

GOOD = '''
import io
from pathlib import Path
from typing import Any

import numpy as np

import policytext
from policytext import Classifier, Sentence, Span, Target
from policytext.archive import DocumentResult, JobResult
from policytext.shares import ShareEstimate

REPORT = "一、工作回顾\\n新建高标准农田4300亩。今年地区生产总值增长5%左右。"


def sentences() -> list[Sentence]:
    return policytext.classify(REPORT, context=False)


def labels() -> list[str]:
    return policytext.classify_batch(["新建高标准农田4300亩。", ""], n_jobs=1)


def model() -> Classifier:
    return policytext.load()


def predicted(clf: Classifier, texts: list[str]) -> list[str]:
    ys: list[str] = clf.predict(texts)
    return ys


def ranked(clf: Classifier, texts: list[str]) -> list[list[tuple[str, float]]]:
    return clf.predict(texts, k=3, threshold=0.1)


def best(clf: Classifier, texts: list[str]) -> tuple[str, float]:
    label, p = clf.predict(texts, k=1)[0][0]
    return label.upper(), p + 1.0


def either(clf: Classifier, texts: list[str], k: int | None) -> list[str] | list[list[tuple[str, float]]]:
    return clf.predict(texts, k=k)


def ranked_proba(clf: Classifier, texts: list[str]) -> list[list[tuple[str, float]]]:
    rows = clf.top_k(clf.predict_proba(texts), k=2)
    return rows + clf.top_k([[1.0 / len(clf.labels)] * len(clf.labels)], k=1)


def features(clf: Classifier, texts: list[str]) -> int:
    return int(clf.transform(texts).shape[1])


def shares(reports: list[str]) -> ShareEstimate:
    return policytext.attention_shares(reports, level=0.95)


def corrected(tagged: list[list[Sentence]]) -> dict[str, float]:
    est = policytext.attention_shares(tagged, chars=True)
    return {label: figures["corrected"] for label, figures in est.items()}


def job(folder: Path) -> JobResult:
    return policytext.tag_files(
        [folder, "more/*.txt"],
        output=folder / "labels.jsonl",
        summary="summary.csv",
        limits={"max_bytes": 1 << 20},
        jobs=2,
        timeout=30,
        on_error=lambda path, reason: print(path, reason),
    )


def streamed(paths: list[str]) -> JobResult:
    def mapper(batch: list[str]) -> list[DocumentResult]:
        return [DocumentResult(path) for path in batch]

    return policytext.tag_files(paths, sink=io.StringIO(), format="csv", mapper=mapper)


def failed(result: JobResult) -> list[tuple[str, str]]:
    return result.failed if not result.ok else []


def found(text: str) -> list[Target]:
    return policytext.targets(text, year=2026)


def growth(text: str) -> float | None:
    return policytext.targets(text)[0].value


def fields(s: Sentence) -> tuple[str, int, int, str, float, dict[str, float], tuple[str, ...], bool, str]:
    return s.text, s.start, s.end, s.label, s.score, s.probs, s.section, s.is_heading, s.part


def heading(s: Sentence) -> str:
    return s.section[-1] if s.section else max(s.probs, key=s.probs.__getitem__)


def record(s: Sentence) -> dict[str, Any]:
    return s.to_dict()


def span_section(text: str) -> tuple[str, ...]:
    spans: list[Span] = policytext.split_sentences(text)
    return spans[0].section


def rounded(proba: np.ndarray) -> list[float]:
    return [round(float(p), 3) for p in proba[0]]
'''

GOOD_DASK = '''
import distributed

import policytext.dask
from policytext.archive import JobResult


def cluster_job(client: distributed.Client) -> JobResult:
    return policytext.dask.tag_files(["reports/"], client, output="labels.jsonl", context=False)
'''

BAD = '''
import policytext
from policytext import Sentence

clf = policytext.load()
ys: list[str] = clf.predict(["x"], k=3)  # E
top: list[list[tuple[str, float]]] = clf.predict(["x"])  # E
clf.predict(["x"], threshold=0.5)  # E
clf.top_k([[0.5, 0.5]], k="2")  # E
policytext.tag_file(["reports/"])  # E
n: int = policytext.tag_files("reports/")  # E
policytext.tag_files("reports/", jobs="2")  # E
m: int = policytext.attention_shares(["x"])  # E
t: str = policytext.targets("x", year=2026)  # E
policytext.targets(["x"])  # E


def sentence(s: Sentence) -> None:
    s.probs["economy"] + "x"  # E
    s.section[0] + 1  # E
    s.to_dict() + 1  # E
'''


def _mypy(tmp_path, scripts):
    """Run ``mypy --strict`` on ``scripts`` ({name: source}); its output."""
    for name, source in scripts.items():
        (tmp_path / name).write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    # An empty configuration: not the project's (which ignores missing imports), a user's default.
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    # The policytext being tested, not another one installed.
    root = str(Path(policytext.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", ".mypy_cache", "--no-error-summary", "--show-error-codes", *scripts]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    return done.stdout


def _error_lines(output, name):
    return {int(m.group(1)) for m in re.finditer(rf"^{re.escape(name)}:(\d+): error:", output, re.MULTILINE)}


def test_a_typed_user_script_checks_under_mypy_strict(tmp_path):
    pytest.importorskip("mypy")
    scripts = {"good.py": GOOD, "bad.py": BAD}
    if importlib.util.find_spec("distributed") is not None:
        scripts["good_dask.py"] = GOOD_DASK
    out = _mypy(tmp_path, scripts)
    # The scripts only: errors in policytext itself are mypy's to hide (an installed package).
    for name in ("good.py", "good_dask.py"):
        assert not _error_lines(out, name), out
    marked = {i for i, line in enumerate(textwrap.dedent(BAD).lstrip().splitlines(), 1) if line.endswith("# E")}
    assert _error_lines(out, "bad.py") == marked, out

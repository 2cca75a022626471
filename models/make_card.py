"""Measure a model and write its MODEL_CARD.md.

    python models/make_card.py models/default [--dev ../shared/eval/dev.jsonl]

Figures: 5-fold cross-validation on corpora/ (a model trained on four
fifths, scored on the fifth, with the shipped settings) and, when the file
exists, the labelled real sentences of the dev set, which the model never
saw in training.
"""

import argparse
import collections
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from policytext import load
from policytext.corpus import LABELS, read_corpus
from policytext.metrics import evaluate, format_report
from policytext.train import TrainParams, train

REPO = Path(__file__).resolve().parent.parent


def cross_validate(corpus, features, params, folds=5):
    from sklearn.model_selection import StratifiedKFold

    texts, labels = np.array(corpus.texts, dtype=object), np.array(corpus.labels, dtype=object)
    predicted = np.empty(len(texts), dtype=object)
    # Two calibration folds inside: the temperature does not change labels.
    inner = TrainParams(**{**asdict(params), "calibration_folds": 2})
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, labels):
        clf = train(list(texts[train_idx]), list(labels[train_idx]), features=features, params=inner)
        predicted[test_idx] = clf.predict(list(texts[test_idx]))
    return evaluate(list(labels), list(predicted), list(LABELS))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpora")
    parser.add_argument("--dev", type=Path, default=REPO.parent / "shared" / "eval" / "dev.jsonl")
    args = parser.parse_args()

    clf = load(args.model)
    meta = json.loads((args.model / "model.json").read_text(encoding="utf-8"))
    corpus = read_corpus(args.corpus)
    if corpus.sha256 != meta["corpus_sha256"]:
        raise SystemExit(f"{args.model} was not trained on {args.corpus} as it is now: retrain first")
    params = TrainParams(**meta["trained_with"]["params"])
    cv = cross_validate(corpus, clf.features, params)
    dev = None
    if args.dev.is_file():
        d = read_corpus(args.dev, labels=None)
        dev = evaluate(d.labels, clf.predict(d.texts), clf.labels)

    counts = collections.Counter(corpus.labels)
    size_mb = sum(p.stat().st_size for p in args.model.iterdir() if p.is_file()) / 1e6
    lines = [
        "# Model card: policytext default model",
        "",
        "Tags one sentence of a Chinese government work report with one of seven labels of",
        "the project's annotation guideline: " + ", ".join(f"`{label}`" for label in clf.labels) + ".",
        "",
        "## What it is",
        "",
        f"- Features: TF-IDF of character n-grams {tuple(clf.features.ngram_range)} after a fixed fold "
        f"(full-width to ASCII, lower case, no white space{', digits to 0' if clf.features.fold_digits else ''}); "
        f"n-grams in at least {clf.features.min_df} sentences; rows normalised by `{clf.features.norm}`.",
        f"- {len(clf.vocabulary):,} n-grams; linear classifier `{params.estimator}` "
        f"(C={params.C}, class_weight={params.class_weight}).",
        f"- Probabilities: softmax of the scores divided by a temperature of {clf.temperature:.4f}, "
        f"fitted on {params.calibration_folds}-fold held-out scores.",
        f"- Files: {size_mb:.1f} MB (JSON + npz, no pickle), library {meta['library_version']}, "
        f"format {meta['format_version']}.",
        f"- Training data: `corpora/` only, {len(corpus.records):,} written sentences "
        f"(corpus SHA-256 `{meta['corpus_sha256'][:12]}…`): "
        + ", ".join(f"{label} {counts[label]:,}" for label in LABELS)
        + ".",
        "- Rebuild: `policytext train corpora/ -o models/default --force` gives the same files byte for byte.",
        "",
    ]
    if dev:
        lines += [
            "## Real sentences (dev set)",
            "",
            f"`../shared/eval/dev.jsonl`: {dev['n']} sentences from a township half-year report and",
            "7 provincial reports, each labelled by two annotators with disagreements adjudicated.",
            "Never used for training.",
            "",
            "```",
            format_report(dev),
            "```",
            "",
        ]
    lines += [
        "## Cross-validation on the corpus",
        "",
        "5 stratified folds of `corpora/`. Written sentences are easier than real ones: read these",
        "figures as a check on consistency, and the dev-set figures as the estimate for real reports.",
        "",
        "```",
        format_report(cv),
        "```",
        "",
        "## Limits",
        "",
        "- One label per sentence; a sentence that spans areas gets the dominant one (see the guideline's rules 3 and 9).",
        "- Trained on modern report language (2010-2025); older reports (the 1950s-1990s national ones) use other words.",
        "- Short fragments (4-10 characters) carry little evidence: check `score` before trusting them.",
        "- Knows nothing beyond the sentence: the same words under an environment heading and under an",
        "  economy heading get the same label.",
        "",
    ]
    (args.model / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.model / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()

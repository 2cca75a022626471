"""How far counted and corrected attention shares are from the true shares, and how often the intervals hold them.

    python benchmarks/share_error.py            # about a minute
    python benchmarks/share_error.py --folds 5 --seed 0

1. The 211 written reports of ``corpora/documents`` (gold label per
   sentence). The shipped model never saw them, so its probabilities are
   held out; every ShareModel parameter is fitted by document-level
   cross-validation (fit on 4 folds of documents, measure on the 5th), so
   every figure is on documents the fitted parameters never saw.
   - estimator options (counted, raw PCC, temperature / vector / matrix
     scaled PCC, ACC, probabilistic ACC, EM re-weighting): MAE per label and
     document, and per pooled group;
   - the chosen estimator (:mod:`policytext.shares`): MAE of counted vs
     corrected, their ratio, and the coverage of the 90% intervals, per
     label, for sentence and character shares, per document and pooled by
     level and by decade.
2. The real sentences of ``../shared/eval`` (``dev.jsonl`` grouped by
   document, ``national_dev.jsonl`` by era), with the ShareModel fitted on
   all written reports: pooled shares against the gold-label shares of
   those sentences. Skipped, with a message, where ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize, nnls

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

import policytext
from policytext.shares import (
    _calibrate,
    estimate_document_shares,
    estimate_shares,
    fit_share_model,
)

ERAS = ((1954, 1979), (1980, 1999), (2000, 2012), (2013, 2025))


# -- data ------------------------------------------------------------------


def load_documents(clf):
    """Probabilities, gold labels, document codes, characters and metadata of the written reports."""
    texts, gold, doc, meta = [], [], [], []
    for i, path in enumerate(sorted((REPO / "corpora" / "documents").glob("*.json"))):
        d = json.loads(path.read_text(encoding="utf-8"))
        rows = [s for line in d["lines"] for s in line]
        sentences = policytext.split_sentences("\n".join("".join(s["text"] for s in line) for line in d["lines"]))
        if [s.text for s in sentences] != [s["text"] for s in rows]:
            raise SystemExit(f"{path}: split_sentences does not give the document's sentences")
        texts += [s["text"] for s in rows]
        gold += [s["label"] for s in rows]
        doc += [i] * len(rows)
        meta.append({"id": d["id"], "level": d["level"], "year": int(d["year"])})
    proba = clf.predict_proba(texts)
    y = np.array([clf.labels.index(g) for g in gold])
    return proba, y, np.array(doc), np.array([len(t) for t in texts], dtype=float), meta


def load_eval(clf, name):
    rows = [json.loads(line) for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    proba = clf.predict_proba([r["text"] for r in rows])
    y = np.array([clf.labels.index(r["label"]) for r in rows])
    chars = np.array([len(r["text"]) for r in rows], dtype=float)
    return proba, y, [r["doc"] for r in rows], chars


def era_of(doc):
    year = int(doc.rsplit("-", 1)[1])
    return next(f"{a}-{str(b)[2:]}" for a, b in ERAS if a <= year <= b)


# -- the other estimators, for the comparison ------------------------------


def fit_scaling(proba, y, kind, clip=1e-9):
    """Temperature (1 number) or vector scaling (temperature + L-1 intercepts)."""
    n_labels = proba.shape[1]
    z = np.log(np.maximum(proba, clip))

    def loss(theta):
        b = np.zeros(n_labels) if kind == "temperature" else np.r_[theta[1:], 0.0]
        s = z * theta[0] + b
        s -= s.max(axis=1, keepdims=True)
        return float((np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]).mean())

    start = np.r_[1.0] if kind == "temperature" else np.r_[1.0, np.zeros(n_labels - 1)]
    theta = minimize(loss, start, method="L-BFGS-B").x
    b = np.zeros(n_labels) if kind == "temperature" else np.r_[theta[1:], 0.0]
    return lambda p: _calibrate(p, np.eye(n_labels) * theta[0], b, clip)


def confusion(values, y, w, n_labels):
    """``C[j, k]`` = mean of ``values[:, j]`` over sentences of true label k (weighted)."""
    c = np.zeros((n_labels, n_labels))
    for k in range(n_labels):
        m = y == k
        c[:, k] = (values[m] * w[m, None]).sum(0) / max(w[m].sum(), 1e-12)
    return c


def adjusted(c, observed):
    """Least-squares solution of ``C x = observed`` on the simplex."""
    n_labels = len(observed)
    x, _ = nnls(np.vstack([c, 1e3 * np.ones(n_labels)]), np.r_[observed, 1e3])
    return x / x.sum()


def em_prior(q, w, prior, iters=200):
    """Saerens et al. (2002): re-weight the posteriors to the document's own label mix."""
    pi = prior.copy()
    for _ in range(iters):
        post = q * (pi / prior)
        post /= post.sum(1, keepdims=True)
        new = (post * w[:, None]).sum(0) / w.sum()
        if np.abs(new - pi).max() < 1e-8:
            return new
        pi = new
    return pi


# -- measurement -----------------------------------------------------------


def doc_folds(n_docs, folds, seed):
    fold = np.empty(n_docs, dtype=int)
    fold[np.random.default_rng(seed).permutation(n_docs)] = np.arange(n_docs) % folds
    return fold


def decade(year):
    return f"{year // 10 * 10}s"


def cross_validate(proba, y, doc, chars, meta, labels, folds, seed):
    """Per document and per pooled group, the truth and every estimator's shares, fold by fold."""
    n_labels = len(labels)
    onehot = np.eye(n_labels)[y]
    argmax = np.eye(n_labels)[proba.argmax(1)]
    fold_of_doc = doc_folds(len(meta), folds, seed)
    kind = np.array([f"{m['level']}|{decade(m['year'])}" for m in meta])
    pools = {
        "level": np.array([m["level"] for m in meta]),
        "decade": np.array([decade(m["year"]) for m in meta]),
        "level x decade": kind,
    }
    options = ["counted", "PCC", "temperature PCC", "vector PCC", "matrix PCC (chosen)", "ACC", "probabilistic ACC", "EM", "EM on calibrated"]
    out = {
        w: {"doc": {o: [] for o in [*options, "truth"]}, "est": {}, "truth": {}, "pool_est": {p: {} for p in pools}}
        for w in ("sentences", "characters")
    }
    calibrated_all = np.empty_like(proba)
    models = []
    for f in range(folds):
        train = fold_of_doc[doc] != f
        test_docs = np.flatnonzero(fold_of_doc == f)
        model = fit_share_model(proba[train], y[train], doc[train], labels, groups=kind[doc[train]], seed=seed)
        models.append(model)
        temp, vec = fit_scaling(proba[train], y[train], "temperature"), fit_scaling(proba[train], y[train], "vector")
        cal = model.calibrate(proba)
        calibrated_all[fold_of_doc[doc] == f] = cal[fold_of_doc[doc] == f]
        for wname in out:
            w = np.ones(len(y)) if wname == "sentences" else chars
            c_hard = confusion(argmax[train], y[train], w[train], n_labels)
            c_soft = confusion(proba[train], y[train], w[train], n_labels)
            prior = (onehot[train] * w[train, None]).sum(0) / w[train].sum()
            for d in test_docs:
                m = doc == d
                ww = w[m] / w[m].sum()
                est = {
                    "truth": onehot[m].T @ ww,
                    "counted": argmax[m].T @ ww,
                    "PCC": proba[m].T @ ww,
                    "temperature PCC": temp(proba[m]).T @ ww,
                    "vector PCC": vec(proba[m]).T @ ww,
                    "matrix PCC (chosen)": cal[m].T @ ww,
                }
                est["ACC"] = adjusted(c_hard, est["counted"])
                est["probabilistic ACC"] = adjusted(c_soft, est["PCC"])
                est["EM"] = em_prior(proba[m], w[m], prior)
                est["EM on calibrated"] = em_prior(cal[m], w[m], prior)
                for o, v in est.items():
                    out[wname]["doc"][o].append(v)
                out[wname]["truth"][d] = est["truth"]
            by_doc = estimate_document_shares(proba[np.isin(doc, test_docs)], labels=labels, doc_ids=doc[np.isin(doc, test_docs)], weights=None if wname == "sentences" else chars[np.isin(doc, test_docs)], model=model)
            out[wname]["est"].update(by_doc)
    # pooled groups: each document's sentences calibrated by the model of its fold
    for wname in out:
        w = np.ones(len(y)) if wname == "sentences" else chars
        for pname, value_of_doc in pools.items():
            for value in sorted(set(value_of_doc)):
                docs = np.flatnonzero(value_of_doc == value)
                m = np.isin(doc, docs)
                ests = []
                for f in range(folds):
                    mf = m & (fold_of_doc[doc] == f)
                    if mf.any():
                        ests.append((mf, models[f]))
                out[wname]["pool_est"][pname][value] = pooled_estimate(proba, onehot, argmax, calibrated_all, w, doc, ests, labels)
    out["calibrated"] = calibrated_all
    return out, options


def pooled_estimate(proba, onehot, argmax, calibrated, w, doc, parts, labels):
    """Truth, counted, corrected and interval of a group whose documents were calibrated by different folds' models.

    Each fold's documents are estimated with their fold's model; the parts
    are combined by weight, and their variances (the group term once, for
    the whole group) add up.
    """
    total = sum(w[m].sum() for m, _ in parts)
    truth = sum(onehot[m].T @ w[m] for m, _ in parts) / total
    counted = sum(argmax[m].T @ w[m] for m, _ in parts) / total
    corrected = np.zeros(len(labels))
    var = np.zeros(len(labels))
    gv = np.zeros(len(labels))
    for m, model in parts:
        e = estimate_shares(proba[m], labels=labels, weights=w[m], doc_ids=doc[m], model=model)
        share = w[m].sum() / total
        corrected += share * e.corrected
        gvar = np.asarray(model.group_var)
        var += share**2 * (e.se**2 - gvar)
        gv += share * np.sqrt(gvar)
    se = np.sqrt(var + gv**2)
    return truth, counted, corrected, se


def interval_holds(truth, corrected, se, z=1.6448536269514722):
    low, high = np.clip(corrected - z * se, 0, 1), np.clip(corrected + z * se, 0, 1)
    return (truth >= low - 1e-12) & (truth <= high + 1e-12)


# -- printing --------------------------------------------------------------


def table(title, labels, truth, counted, corrected, covered):
    """MAE (points) of counted and corrected, ratio and coverage, per label and overall."""
    e_c = np.abs(np.asarray(counted) - truth) * 100
    e_q = np.abs(np.asarray(corrected) - truth) * 100
    cov = np.asarray(covered, dtype=float) * 100
    print(f"\n{title}  (n = {len(truth)})")
    print(f"| {'label':<12} | counted MAE | corrected MAE | ratio | 90% coverage |")
    print("|---|---:|---:|---:|---:|")
    for k, label in enumerate(labels + ["all"]):
        s = slice(None) if label == "all" else k
        mc, mq = e_c[:, s].mean(), e_q[:, s].mean()
        c = cov[:, s].mean()
        name = f"**{label}**" if label == "all" else label
        print(f"| {name:<12} | {mc:11.2f} | {mq:13.2f} | {mq / mc:5.2f} | {c:11.1f}% |")
    return e_c.mean(), e_q.mean(), cov.mean()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    clf = policytext.load()
    labels = list(clf.labels)
    proba, y, doc, chars, meta = load_documents(clf)
    print(f"# Written reports: {len(meta)} documents, {len(y)} sentences; shipped model accuracy {np.mean(proba.argmax(1) == y):.3f}")
    print(f"# {args.folds}-fold document cross-validation (seed {args.seed}); ShareModel groups = level x decade")
    out, options = cross_validate(proba, y, doc, chars, meta, labels, args.folds, args.seed)

    print("\n## Estimator options: MAE per label and document (percentage points)")
    print("| estimator | sentence shares | character shares |")
    print("|---|---:|---:|")
    for o in options:
        cells = []
        for wname in ("sentences", "characters"):
            t = np.array(out[wname]["doc"]["truth"])
            cells.append(np.abs(np.array(out[wname]["doc"][o]) - t).mean() * 100)
        print(f"| {o} | {cells[0]:.3f} | {cells[1]:.3f} |")

    # The error left if the calibrated probabilities were exact: E|sum of independent residuals|.
    print("\nIf the calibrated probabilities were exact, the expected MAE per document would still be:")
    q = out["calibrated"]
    for wname, w in (("sentences", np.ones(len(y))), ("characters", chars)):
        own = np.stack([np.bincount(doc, weights=w**2 * q[:, k] * (1 - q[:, k])) for k in range(len(labels))], axis=1)
        total = np.bincount(doc, weights=w)[:, None]
        floor = np.sqrt(2 / np.pi) * np.sqrt(own) / total * 100
        print(f"  {wname}: {floor.mean():.2f} points (per label {', '.join(f'{x:.2f}' for x in floor.mean(0))})")

    summary = []
    for wname in ("sentences", "characters"):
        est = out[wname]["est"]
        docs = sorted(est)
        truth = np.array([out[wname]["truth"][d] for d in docs])
        counted = np.array([est[d].counted for d in docs])
        corrected = np.array([est[d].corrected for d in docs])
        covered = np.array([(truth[i] >= est[d].low - 1e-12) & (truth[i] <= est[d].high + 1e-12) for i, d in enumerate(docs)])
        summary.append((f"per document, {wname}",) + table(f"## Per document, {wname} shares", labels, truth, counted, corrected, covered))
        for pname, pools in out[wname]["pool_est"].items():
            rows = [pools[v] for v in sorted(pools)]
            truth = np.array([r[0] for r in rows])
            covered = np.array([interval_holds(r[0], r[2], r[3]) for r in rows])
            names = ", ".join(sorted(pools)) if len(pools) <= 8 else f"{len(pools)} strata"
            summary.append((f"pooled by {pname} ({len(pools)}), {wname}",) + table(
                f"## Pooled by {pname} ({names}), {wname} shares", labels, truth, [r[1] for r in rows], [r[2] for r in rows], covered
            ))

    print("\n## Summary, written reports (cross-validated)")
    print("| figure | counted MAE | corrected MAE | ratio | coverage |")
    print("|---|---:|---:|---:|---:|")
    for name, mc, mq, cov in summary:
        print(f"| {name} | {mc:.2f} | {mq:.2f} | {mq / mc:.2f} | {cov:.1f}% |")

    kind = np.array([f"{m['level']}|{decade(m['year'])}" for m in meta])
    model = fit_share_model(proba, y, doc, labels, groups=kind[doc], seed=args.seed)
    print("\nShareModel fitted on all written reports: rho =", np.round(model.rho, 3).tolist(), "; sqrt(group_var) in points =", np.round(np.sqrt(model.group_var) * 100, 2).tolist())
    speed(proba, doc, chars, labels, model)
    if not (SHARED / "eval").is_dir():
        print(f"\n{SHARED / 'eval'} is absent: the real evaluation sets are skipped.")
        print(f"\n({time.perf_counter() - t0:.0f} s)")
        return 0
    print("\n# Real sentences of ../shared/eval; ShareModel fitted on all 211 written reports")
    real = []
    for name, group_of in (("dev.jsonl", lambda d: d), ("national_dev.jsonl", era_of)):
        p, yy, docs, ch = load_eval(clf, name)
        nll_raw = -np.log(np.maximum(p[np.arange(len(yy)), yy], 1e-12)).mean()
        q = model.calibrate(p)
        nll_cal = -np.log(q[np.arange(len(yy)), yy]).mean()
        print(
            f"\n{name}: {len(yy)} sentences, accuracy {np.mean(p.argmax(1) == yy):.3f}; mean top probability "
            f"{p.max(1).mean():.3f} raw, {q.max(1).mean():.3f} calibrated; log loss {nll_raw:.3f} raw, {nll_cal:.3f} calibrated"
        )
        groups = np.array([group_of(d) for d in docs])
        for wname, w in (("sentences", None), ("characters", ch)):
            truth, counted, corrected, covered, raw = [], [], [], [], []
            for g in dict.fromkeys(groups):
                m = groups == g
                ww = np.ones(m.sum()) if w is None else w[m]
                e = estimate_shares(p[m], labels=labels, weights=ww, doc_ids=np.array(docs)[m], model=model)
                t = np.eye(len(labels))[yy[m]].T @ ww / ww.sum()
                truth.append(t)
                counted.append(e.counted)
                corrected.append(e.corrected)
                raw.append(p[m].T @ ww / ww.sum())
                covered.append((t >= e.low - 1e-12) & (t <= e.high + 1e-12))
            by = "document" if name == "dev.jsonl" else "era"
            res = table(f"## {name} pooled by {by} ({len(truth)} groups), {wname} shares", labels, np.array(truth), counted, corrected, covered)
            print(f"(raw probabilities averaged, uncalibrated PCC: MAE {np.abs(np.array(raw) - np.array(truth)).mean() * 100:.2f})")
            real.append((f"{name} by {by}, {wname}",) + res)
    print("\n## Summary, real sentences")
    print("| figure | counted MAE | corrected MAE | ratio | coverage |")
    print("|---|---:|---:|---:|---:|")
    for name, mc, mq, cov in real:
        print(f"| {name} | {mc:.2f} | {mq:.2f} | {mq / mc:.2f} | {cov:.1f}% |")
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


def speed(proba, doc, chars, labels, model, target=400_000):
    """Time of the estimates on ~400k sentences (the written reports repeated)."""
    reps = -(-target // len(doc))
    p = np.tile(proba, (reps, 1))
    d = np.concatenate([doc + r * (doc.max() + 1) for r in range(reps)])
    w = np.tile(chars, reps)
    t = time.perf_counter()
    estimate_shares(p, labels=labels, weights=w, doc_ids=d, model=model)
    pooled = time.perf_counter() - t
    t = time.perf_counter()
    by_doc = estimate_document_shares(p, labels=labels, weights=w, doc_ids=d, model=model)
    per_doc = time.perf_counter() - t
    print(f"\nSpeed on {len(d):,} sentences: pooled estimate {pooled:.2f} s; {len(by_doc):,} per-document estimates {per_doc:.2f} s")


if __name__ == "__main__":
    sys.exit(main())

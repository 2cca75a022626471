"""Check written documents (corpora/documents/*.json) before they are committed.

    python corpora/check_documents.py corpora/documents/county_1985_01.json [more files]

A document is one JSON object:

    {"id": "county_1985_01", "title": "…", "level": "county", "year": 1985,
     "kind": "annual", "source": "written", "group": "d3",
     "lines": [[{"text": "…", "label": "other", "part": "other"}, …], …]}

``lines`` are the document's lines in order, each a list of its sentences;
the document's text is the lines joined by line breaks, each line the
concatenation of its sentences. ``group`` (optional) names the documents
one writer wrote in one round; training holds a group out whole when it
scores documents for the context stage. Every sentence has a label of the
guideline and a ``part`` (``review``: what was done; ``plan``: what will be
done; ``other``: the title, date line, greeting and presentation of the
report, and its closing, "各位代表！" and "让我们……而奋斗！", which rally
rather than plan). The check makes sure that policytext's own segmenter
splits that text into exactly these sentences (so labels line up with what
the library tags), that the fields are valid, and that no sentence of 16 or
more characters is mostly made of runs of the real texts under ../shared
(the copy rule of corpora/check.py). Exits 1 if anything is wrong.
"""

import collections
import json
import sys
from pathlib import Path

from policytext.corpus import LABELS, Record
from policytext.segment import split_sentences

HERE = Path(__file__).resolve().parent
LEVELS = ("national", "province", "city", "county", "township")
KINDS = ("half-year", "annual", "five-year")
PARTS = ("review", "plan", "other")


def document_text(doc):
    """The text a document's lines make."""
    return "\n".join("".join(s["text"] for s in line) for line in doc["lines"])


def problems_of(doc):
    """Everything wrong with one parsed document, as messages."""
    out = []
    for key, allowed in (("level", LEVELS), ("kind", KINDS)):
        if doc.get(key) not in allowed:
            out.append(f"{key} must be one of {allowed}, got {doc.get(key)!r}")
    if not isinstance(doc.get("year"), int) or not 1949 <= doc["year"] <= 2026:
        out.append(f"year must be an int from 1949 to 2026, got {doc.get('year')!r}")
    if doc.get("source") != "written":
        out.append("source must be 'written'")
    if "group" in doc and (not isinstance(doc["group"], str) or not doc["group"].strip()):
        out.append(f"group must be a non-empty string, got {doc['group']!r}")
    sentences = [s for line in doc.get("lines", []) for s in line]
    for i, s in enumerate(sentences):
        if s.get("label") not in LABELS:
            out.append(f"sentence {i}: label {s.get('label')!r} is not one of the guideline's")
        if s.get("part") not in PARTS:
            out.append(f"sentence {i}: part {s.get('part')!r} is not one of {PARTS}")
        if not isinstance(s.get("text"), str) or not s["text"].strip():
            out.append(f"sentence {i}: empty text")
    if not 40 <= len(sentences) <= 200:
        out.append(f"{len(sentences)} sentences; a document has 40-200")
    if out:
        return out
    got = [sp.text for sp in split_sentences(document_text(doc))]
    want = [s["text"].strip() for s in sentences]
    if got != want:
        k = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        seen = got[k] if k < len(got) else "(nothing)"
        meant = want[k] if k < len(want) else "(nothing)"
        out.append(f"the segmenter splits sentence {k} differently: it reads {seen!r} where the file has {meant!r}")
    return out


def main(files):
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_check", HERE / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    bad, counts, records = 0, collections.Counter(), []
    for name in files:
        try:
            doc = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"{name}: cannot be read: {exc}")
            bad += 1
            continue
        for message in problems_of(doc):
            print(f"{name}: {message}")
            bad += 1
        for line in doc.get("lines", []):
            for s in line:
                counts[s.get("label")] += 1
                records.append(Record(str(s.get("text", "")), str(s.get("label")), name, 0))
    print(f"{len(files)} documents, {sum(counts.values())} sentences: " + ", ".join(f"{label} {counts[label]}" for label in LABELS))
    if check.SHARED.is_dir():
        for r in check.copied(records):
            bad += 1
            print(f"COPIED? {r.path}: {r.text}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Check corpus files before they are committed: format, labels, conflicts, copies.

    python corpora/check.py corpora/eras/1950s.jsonl [more files]

Reads the whole corpus (so a sentence labelled two ways across files is
caught), prints counts per label of the files named, and lists every
sentence of 16 or more characters that is mostly made of 12-character runs
found in the real reports and evaluation sets under ``../shared``, or that
holds a stretch of 40 characters made of such runs
(the same rule as ``tests/test_corpus.py``). Exits 1 if anything is wrong.
"""

import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

from policytext.corpus import LABELS, read_corpus
from policytext.errors import CorpusError

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
#: A sentence counts as copied when 12-character runs found in the real texts
#: cover 80% of it. Sentences from 16 characters up are checked: writers who
#: know real reports reproduce their short stock sentences too (at 40 and 90%,
#: 1,769 such sentences had passed, some of them evaluation sentences).
RUN, COVERED, CHECKED_FROM = 12, 0.8, 16
#: ... or when it holds a stretch of 40 characters covered by such runs:
#: official slogans and names run to 30-odd characters and may be quoted,
#: a passage of a real report may not.
LONGEST = 40


def _norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def shared_texts(shared=SHARED):
    """Every real text under ``shared``: report files, national reports, evaluation sentences."""
    for path in sorted((shared / "data").rglob("*.txt")):
        yield path.read_text(encoding="utf-8", errors="replace")
    for folder in ("data", "eval"):
        for path in sorted((shared / folder).rglob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    yield row.get("content") or row.get("text") or ""


def copied(records, shared=SHARED):
    """The records whose text is mostly covered by runs of the real texts."""
    long = [(r, _norm(r.text)) for r in records if len(r.text) >= CHECKED_FROM]
    wanted = {t[i : i + RUN] for _, t in long for i in range(len(t) - RUN + 1)}
    found = set()
    for text in shared_texts(shared):
        text = _norm(text)
        found.update(g for g in (text[i : i + RUN] for i in range(len(text) - RUN + 1)) if g in wanted)
    out = []
    for record, text in long:
        covered = bytearray(len(text))
        for i in range(len(text) - RUN + 1):
            if text[i : i + RUN] in found:
                covered[i : i + RUN] = b"\x01" * RUN
        stretch = max(map(len, bytes(covered).split(b"\x00")))
        if sum(covered) >= COVERED * len(text) or stretch >= LONGEST:
            out.append(record)
    return out


def main(files):
    try:
        corpus = read_corpus(HERE)
    except CorpusError as exc:
        print(exc)
        return 1
    wanted = {str(Path(f).resolve()) for f in files}
    mine = [r for r in corpus.records if str(Path(r.path).resolve()) in wanted]
    counts = collections.Counter(r.label for r in mine)
    print(f"{len(mine)} sentences: " + ", ".join(f"{label} {counts[label]}" for label in LABELS))
    bad = 0
    if SHARED.is_dir():
        for r in copied(mine):
            bad += 1
            print(f"COPIED? {r.path}:{r.line}: {r.text}")
    else:
        print("../shared is absent: copy check skipped")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Print the corpus tables of corpora/README.md (counts per label, era, file, length and sub-topic).

    python corpora/stats.py > /tmp/tables.md
    python corpora/stats.py documents     # the table of corpora/documents/
"""

import collections
from pathlib import Path

from policytext.corpus import LABELS, read_corpus

HERE = Path(__file__).resolve().parent
BANDS = [(4, 15), (16, 50), (51, 100), (101, 200)]
ERAS = ["1950s", "1960s-70s", "1980s", "1990s", "2000s", "2010s-20s"]


def main():
    corpus = read_corpus(HERE)
    labels = collections.Counter(corpus.labels)
    print(f"Total: **{len(corpus.records):,} sentences** in {len(corpus.files)} files.\n")
    print("| label | sentences |\n|---|---:|")
    for label in LABELS:
        print(f"| `{label}` | {labels[label]:,} |")

    # Rounds 1-2 (written/) carry no era: they are modern local reports.
    eras = collections.Counter((r.extra.get("era", "2010s-20s"), r.label) for r in corpus.records)
    print("\n| era | " + " | ".join(f"`{label}`" for label in LABELS) + " | all |")
    print("|---|" + "---:|" * (len(LABELS) + 1))
    for era in ERAS:
        row = [eras[era, label] for label in LABELS]
        print(f"| {era} | " + " | ".join(f"{n:,}" for n in row) + f" | {sum(row):,} |")
    levels = collections.Counter(r.extra.get("level", "local (rounds 1-2)") for r in corpus.records)
    print("\nLevels: " + ", ".join(f"{level} {n:,}" for level, n in levels.most_common()) + ".")

    print("\n| file | sentences |\n|---|---:|")
    for path, n in sorted(collections.Counter(Path(r.path).relative_to(HERE).as_posix() for r in corpus.records).items()):
        print(f"| `{path}` | {n:,} |")

    lengths = [len(r.text) for r in corpus.records]
    print("\n| length (characters) | sentences |\n|---|---:|")
    for lo, hi in BANDS:
        print(f"| {lo}-{hi} | {sum(lo <= n <= hi for n in lengths):,} |")
    print(f"| over {BANDS[-1][1]} | {sum(n > BANDS[-1][1] for n in lengths):,} |")

    years = collections.Counter(y for r in corpus.records for y in set(_years(r.text)))
    print("\nYears named in the text: " + ", ".join(f"{y} ({years[y]})" for y in sorted(years)) + ".")

    print("\n## Sub-topics per label\n")
    print("Sub-topics as the writers tagged them (`topic`); those with fewer than 10 sentences are summed.\n")
    for label in LABELS:
        topics = collections.Counter(r.extra.get("topic", "?") for r in corpus.records if r.label == label)
        big = [(t, n) for t, n in topics.most_common() if n >= 10]
        rest = [(t, n) for t, n in topics.items() if n < 10]
        line = ", ".join(f"{t} {n}" for t, n in big)
        if rest:
            line += f"; {len(rest)} smaller topics {sum(n for _, n in rest)}"
        print(f"- **{label}** ({labels[label]:,}): {line}.")


def _years(text):
    import re

    return [int(y) for y in re.findall(r"((?:19[5-9]|20[0-3])\d)年", text)]


def documents():
    """The table of corpora/documents/ for the README: documents and sentences per level and decade."""
    import json

    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((HERE / "documents").glob("*.json"))]
    sentences = lambda doc: sum(len(line) for line in doc["lines"])  # noqa: E731
    print(f"{len(docs)} documents, {sum(map(sentences, docs)):,} sentences.\n")
    levels = ["national", "province", "city", "county", "township"]
    decades = sorted({d["year"] // 10 * 10 for d in docs})
    print("| level | " + " | ".join(f"{d}s" for d in decades) + " | documents | sentences |")
    print("|---|" + "---:|" * (len(decades) + 2))
    for level in levels:
        mine = [d for d in docs if d["level"] == level]
        cells = [sum(d["year"] // 10 * 10 == dec for d in mine) for dec in decades]
        print(f"| {level} | " + " | ".join(str(c) for c in cells) + f" | {len(mine)} | {sum(map(sentences, mine)):,} |")
    labels = collections.Counter(s["label"] for d in docs for line in d["lines"] for s in line)
    parts = collections.Counter(s["part"] for d in docs for line in d["lines"] for s in line)
    print("\nLabels: " + ", ".join(f"{label} {labels[label]:,}" for label in LABELS) + ".")
    print("Parts: " + ", ".join(f"{part} {n:,}" for part, n in parts.most_common()) + ".")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["documents"]:
        documents()
        sys.exit()
    main()

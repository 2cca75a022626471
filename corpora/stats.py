"""Print the corpus tables of corpora/README.md (counts per label, era, file, length and sub-topic).

    python corpora/stats.py > /tmp/tables.md
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


if __name__ == "__main__":
    main()

"""Fuzz the document readers with mutated documents, on a bounded budget.

    python benchmarks/fuzz_readers.py [--seconds 60] [--seed 0]

For each format, a valid document (made as in parse_speed.py) is mutated
over and over: bytes flipped, runs cut out, duplicated or replaced with
random bytes, the file truncated. Each mutant is read with
``read_document`` and, when it reads, tagged with ``classify``. The only
acceptable outcomes are text or a ``DocumentError``; anything else, and any
read slower than 10 seconds, is a finding, printed with the seed that
reproduces it. Exits 1 if there were findings.
"""

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_speed import paragraphs, write  # noqa: E402

import policytext  # noqa: E402
from policytext.errors import DocumentError  # noqa: E402
from policytext.readers import read_document  # noqa: E402

FORMATS = ("txt", "txt-gbk", "md", "html", "docx", "pdf")


def mutate(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        if not data:
            break
        i = rng.randrange(len(data))
        n = rng.randint(1, 64)
        if kind == 0:
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del data[i : i + n]
        elif kind == 2:
            data[i:i] = data[i : i + n] * rng.randint(1, 50)
        elif kind == 3:
            data[i : i + n] = rng.randbytes(n)
        else:
            del data[i:]
    return bytes(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="time budget for all formats together")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    clf = policytext.load()
    outcomes = {fmt: collections.Counter() for fmt in FORMATS}
    findings = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = {fmt: write(folder, fmt, 0, paragraphs(random.Random(args.seed), 3000)) for fmt in FORMATS}
        originals = {fmt: path.read_bytes() for fmt, path in seeds.items()}
        deadline = time.monotonic() + args.seconds
        case = 0
        while time.monotonic() < deadline:
            fmt = FORMATS[case % len(FORMATS)]
            seed = args.seed * 1_000_003 + case
            rng = random.Random(seed)
            path = folder / f"mutant{seeds[fmt].suffix}"
            path.write_bytes(mutate(originals[fmt], rng))
            start = time.monotonic()
            try:
                text = read_document(path)
                policytext.classify(text, model=clf)
                outcomes[fmt]["read"] += 1
            except DocumentError as exc:
                outcomes[fmt][exc.reason.split(" (")[0]] += 1
            except Exception as exc:  # the point of fuzzing: anything else is a finding
                findings.append(f"{fmt} seed {seed}: {type(exc).__name__}: {exc}")
            took = time.monotonic() - start
            if took > 10:
                findings.append(f"{fmt} seed {seed}: took {took:.1f} s")
            case += 1
    print(f"{case} mutated documents in {args.seconds:g} s\n")
    for fmt in FORMATS:
        parts = ", ".join(f"{reason}: {n}" for reason, n in outcomes[fmt].most_common())
        print(f"{fmt:8s} {sum(outcomes[fmt].values()):5d}  {parts}")
    print("\nfindings:" if findings else "\nno findings")
    for line in findings:
        print("  " + line)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of policytext on a 1 GB text file.

    python benchmarks/stream_memory.py [--gigabytes 1.0]

Builds the file from the real reports in ../shared/data (repeated) in a
temporary folder, then measures, each in its own process:

- ``policytext tag FILE -o out.jsonl`` (split, tag in context, write JSON
  lines; a regular file beside it, as tag refuses devices such as /dev/null);
- ``policytext.classify_stream`` over the file's lines.

Prints the peak resident memory (ru_maxrss) and the time of each.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

STREAM = """
import sys, policytext
with open(sys.argv[1], encoding="utf-8") as f:
    n = sum(1 for _ in policytext.classify_stream(line.strip() for line in f))
print(n, file=sys.stderr)
"""


def build(path, gigabytes):
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "data").rglob("*.txt"))]
    if not texts:
        sys.exit("../shared/data not found")
    block = ("\n".join(texts) + "\n").encode("utf-8")
    target = int(gigabytes * 1e9)
    with open(path, "wb") as f:
        written = 0
        while written < target:
            f.write(block)
            written += len(block)
    return written


_MEASURE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"
)


def peak(cmd):
    """Peak resident MB and seconds of ``cmd``, measured by a wrapper process of its own."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"{cmd} failed: {proc.stderr}")
    *messages, kb = proc.stderr.strip().splitlines()
    return int(kb) / 1024, seconds, "\n".join(messages)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        size = build(path, args.gigabytes)
        print(f"{size / 1e9:.2f} GB file of real report text")
        out = Path(tmp) / "out.jsonl"
        mb, s, _ = peak([sys.executable, "-m", "policytext.cli", "tag", str(path), "-o", str(out), "--no-progress"])
        out.unlink()
        print(f"policytext tag: peak {mb:.0f} MB, {s:.0f} s ({size / 1e6 / s:.1f} MB/s)")
        mb, s, n = peak([sys.executable, "-c", STREAM, str(path)])
        print(f"classify_stream over {int(n):,} lines: peak {mb:.0f} MB, {s:.0f} s")


if __name__ == "__main__":
    main()

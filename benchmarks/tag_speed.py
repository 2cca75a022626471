"""policytext tag on a 50 MB archive: this tree against another revision, in the same run.

    python benchmarks/tag_speed.py --base 6ee82bd [--rounds 5] [--mb 50]
    python benchmarks/tag_speed.py --context [--rounds 5]
    python benchmarks/tag_speed.py --jobs [--rounds 5]

With --context, this tree runs with and without --no-context instead: what
reading each sentence in its document costs. With --jobs, this tree runs
with --jobs 1 and --jobs 2 on every core (not pinned to one), alternately.

The archive is made of copies of the provincial reports under
../shared/data. The other revision is checked out in a temporary git
worktree and run with its own package and shipped model; the two trees
alternate round by round on one core, so load from other tenants hits both
alike. Prints each tree's best and median time, MB/s, and the ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def make_archive(folder, mb):
    reports = sorted((SHARED / "data" / "provincial-2026").glob("*.txt"))
    if not reports:
        sys.exit(f"{SHARED / 'data'} not found: the benchmark needs the real reports of ../shared/data")
    texts = [p.read_text(encoding="utf-8") for p in reports]
    total, i = 0, 0
    while total < mb * 1e6:
        text = texts[i % len(texts)]
        (folder / f"r{i:05d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        i += 1
    return total / 1e6


def run(tree, archive, out, extra=(), one_core=True):
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = "import sys; from policytext.cli import main; sys.exit(main(sys.argv[1:]))"
    command = ["taskset", "-c", "0"] if one_core and os.path.exists("/usr/bin/taskset") else []
    start = time.perf_counter()
    # cwd=tree: "python -c" puts the working folder first on sys.path, before
    # PYTHONPATH, so run from elsewhere it would import that folder's package.
    subprocess.run([*command, sys.executable, "-c", code, "tag", str(archive), "-o", str(out), "--no-progress", *extra], env=env, cwd=tree, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--context", action="store_true", help="compare this tree with and without --no-context")
    parser.add_argument("--jobs", action="store_true", help="compare this tree's --jobs 1 and --jobs 2, on every core")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mb", type=float, default=50)
    args = parser.parse_args()
    if args.context:
        return context_cost(args)
    if args.jobs:
        return jobs_gain(args)
    if not args.base:
        parser.error("give --base REV or --context")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        archive = tmp / "archive"
        archive.mkdir()
        mb = make_archive(archive, args.mb)
        base = tmp / "base"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.base], check=True)
        try:
            times = {args.base: [], "this tree": []}
            for tree in (base, REPO):
                found = subprocess.run([sys.executable, "-c", "import policytext; print(policytext.__file__)"], env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, capture_output=True, text=True, check=True).stdout.strip()
                if not Path(found).is_relative_to(tree):
                    sys.exit(f"{tree} runs the package at {found}, not its own: the comparison would be void")
            for _ in range(args.rounds):
                times[args.base].append(run(base, archive, tmp / "base.jsonl"))
                times["this tree"].append(run(REPO, archive, tmp / "this.jsonl"))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=True)
    print(f"policytext tag, {mb:.1f} MB of provincial reports, one core, {args.rounds} alternating rounds\n")
    print("| tree | best s | median s | MB/s (best) |\n|---|---:|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | {mb / min(seconds):.2f} |")
    print(f"\nthis tree is {min(times[args.base]) / min(times['this tree']):.2f}x {args.base} (best rounds)")


def context_cost(args):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        archive = tmp / "archive"
        archive.mkdir()
        mb = make_archive(archive, args.mb)
        times = {"--no-context": [], "in context": []}
        for _ in range(args.rounds):
            times["--no-context"].append(run(REPO, archive, tmp / "alone.jsonl", ["--no-context"]))
            times["in context"].append(run(REPO, archive, tmp / "context.jsonl"))
    print(f"policytext tag, {mb:.1f} MB of provincial reports, one core, {args.rounds} alternating rounds\n")
    print("| run | best s | median s | MB/s (best) |\n|---|---:|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | {mb / min(seconds):.2f} |")
    print(f"\nin context costs {min(times['in context']) / min(times['--no-context']) - 1:+.1%} (best rounds)")


def jobs_gain(args):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        archive = tmp / "archive"
        archive.mkdir()
        mb = make_archive(archive, args.mb)
        times = {"--jobs 1": [], "--jobs 2": []}
        for _ in range(args.rounds):
            for name in times:
                out = tmp / "out.jsonl"
                out.unlink(missing_ok=True)
                times[name].append(run(REPO, archive, out, name.split(), one_core=False))
    print(f"policytext tag, {mb:.1f} MB of provincial reports, {os.cpu_count()} cores, {args.rounds} alternating rounds\n")
    print("| run | best s | median s | MB/s (best) |\n|---|---:|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | {mb / min(seconds):.2f} |")
    print(f"\n--jobs 2 is {min(times['--jobs 1']) / min(times['--jobs 2']):.2f}x --jobs 1 (best rounds; medians {statistics.median(times['--jobs 1']) / statistics.median(times['--jobs 2']):.2f}x)")


if __name__ == "__main__":
    main()

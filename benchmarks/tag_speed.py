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
alternate on one core, first one and then the other first, so load from other tenants hits both
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
    # Each tree runs from compiled bytecode, as an installed package does:
    # with PYTHONDONTWRITEBYTECODE set (some shells and containers set it)
    # every run would first compile both trees' sources, a constant that
    # shrinks every ratio. The bytecode goes to a cache of the benchmark's
    # own, not into the trees; warm_up() fills it before the timed rounds.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(archive.parent / "pycache"))
    code = "import sys; from policytext.cli import main; sys.exit(main(sys.argv[1:]))"
    command = ["taskset", "-c", "0"] if one_core and os.path.exists("/usr/bin/taskset") else []
    start = time.perf_counter()
    # cwd=tree: "python -c" puts the working folder first on sys.path, before
    # PYTHONPATH, so run from elsewhere it would import that folder's package.
    # The archive is copies of a few reports, each of which a tree may warn
    # of on stderr: shown only if the run fails.
    done = subprocess.run([*command, sys.executable, "-c", code, "tag", str(archive), "-o", str(out), "--no-progress", *extra], env=env, cwd=tree, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{tree}: policytext tag failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--context", action="store_true", help="compare this tree with and without --no-context")
    parser.add_argument("--jobs", action="store_true", help="compare this tree's --jobs 1 and --jobs 2, on every core")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mb", type=float, default=50)
    args = parser.parse_args()
    if not (args.base or args.context or args.jobs):
        parser.error("give --base REV, --context or --jobs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        archive = tmp / "archive"
        archive.mkdir()
        mb = make_archive(archive, args.mb)
        if args.context:
            times = timed_rounds({"--no-context": (REPO, ["--no-context"], True), "in context": (REPO, [], True)}, args.rounds, archive, tmp)
            show(times, mb, args.rounds, "one core")
            print(f"\nin context costs {min(times['in context']) / min(times['--no-context']) - 1:+.1%} (best rounds)")
        elif args.jobs:
            times = timed_rounds({"--jobs 1": (REPO, ["--jobs", "1"], False), "--jobs 2": (REPO, ["--jobs", "2"], False)}, args.rounds, archive, tmp)
            show(times, mb, args.rounds, f"{os.cpu_count()} cores")
            best, median = (f(times["--jobs 1"]) / f(times["--jobs 2"]) for f in (min, statistics.median))
            print(f"\n--jobs 2 is {best:.2f}x --jobs 1 (best rounds; medians {median:.2f}x)")
        else:
            times = against_base(args.base, args.rounds, archive, tmp)
            show(times, mb, args.rounds, "one core")
            print(f"\nthis tree is {min(times[args.base]) / min(times['this tree']):.2f}x {args.base} (best rounds)")


def against_base(rev, rounds, archive, tmp):
    """Times of ``rev`` (in a temporary git worktree, with its own package and model) and of this tree."""
    base = tmp / "base"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), rev], check=True)
    try:
        for tree in (base, REPO):
            found = subprocess.run([sys.executable, "-c", "import policytext; print(policytext.__file__)"], env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, capture_output=True, text=True, check=True).stdout.strip()
            if not Path(found).is_relative_to(tree):
                sys.exit(f"{tree} runs the package at {found}, not its own: the comparison would be void")
        return timed_rounds({rev: (base, [], True), "this tree": (REPO, [], True)}, rounds, archive, tmp)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=True)


def timed_rounds(runs, rounds, archive, tmp):
    """Seconds of each run, ``name -> (tree, extra arguments, on one core)``, taken in turn round by round."""
    times = {name: [] for name in runs}
    warm = tmp / "warm-up"
    warm.mkdir(exist_ok=True)
    (warm / "one.txt").write_text(next(archive.iterdir()).read_text(encoding="utf-8"), encoding="utf-8")
    for name, (tree, extra, one_core) in runs.items():
        run(tree, warm, tmp / "warm-up.jsonl", extra, one_core)  # untimed: fills the bytecode cache
    for round_ in range(rounds):
        # Every other round in the other order: measured on this machine, the
        # second of two runs of the same tree read up to 15% slower than the first.
        order = list(runs.items())[:: -1 if round_ % 2 else 1]
        for name, (tree, extra, one_core) in order:
            times[name].append(run(tree, archive, tmp / "out.jsonl", extra, one_core))
    return times


def show(times, mb, rounds, where):
    print(f"policytext tag, {mb:.1f} MB of provincial reports, {where}, {rounds} alternating rounds\n")
    print("| run | best s | median s | MB/s (best) |\n|---|---:|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | {mb / min(seconds):.2f} |")


if __name__ == "__main__":
    main()

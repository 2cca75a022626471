"""The ``policytext`` command: a thin shell over the Python API.

Errors are turned into one ``policytext: error: …`` line and an exit status
here, at the edge, and nowhere else:

- 0: success
- 1: the job could not run (bad model, bad corpus, unreadable input)
- 2: bad command-line usage
- 3: the job ran but some documents failed (each reported on stderr)
"""

import argparse
import json
import sys
from pathlib import Path

from . import __version__

EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 1, 2, 3


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _parser():
    parser = argparse.ArgumentParser(
        prog="policytext",
        description="Tag the sentences of Chinese government work reports by work area.",
        epilog="example:\n  policytext tag examples/report.txt\n\nRun 'policytext COMMAND --help' for a command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"policytext {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tag = sub.add_parser(
        "tag",
        help="split reports into sentences and label each",
        description="Split each report into sentences and write one JSON line per sentence:\n"
        "file, index, start, end, section, text, label, score.",
        epilog="examples:\n"
        "  policytext tag examples/report.txt\n"
        "  policytext tag reports/*.txt -o labels.jsonl --model models/default",
        formatter_class=_Formatter,
    )
    tag.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files")
    tag.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    tag.add_argument("--model", metavar="DIR", help="model folder (default: the shipped model)")
    tag.set_defaults(run=_run_tag)

    train = sub.add_parser(
        "train",
        help="train a model on a labelled corpus",
        description="Train a model on JSON Lines files ({\"text\": …, \"label\": …} per line).\n"
        "Training is deterministic: the same corpus gives the same model files.",
        epilog="examples:\n"
        "  policytext train corpora/ -o models/default --force\n"
        "  policytext train my.jsonl -o models/mine --labels yes,no",
        formatter_class=_Formatter,
    )
    train.add_argument("corpus", nargs="+", metavar="CORPUS", help="JSONL files or folders of them")
    train.add_argument("-o", "--output", required=True, metavar="DIR", help="model folder to write")
    train.add_argument("--force", action="store_true", help="replace an existing model folder")
    train.add_argument(
        "--labels",
        metavar="A,B,…",
        help="allowed labels, comma-separated (default: the guideline's seven); 'any' accepts any label",
    )
    train.set_defaults(run=_run_train)

    evaluate = sub.add_parser(
        "evaluate",
        help="score a model on labelled sentences",
        description="Print accuracy, macro-F1, per-label precision/recall/F1 and a confusion matrix.",
        epilog="example:\n  policytext evaluate ../shared/eval/dev.jsonl --model models/default",
        formatter_class=_Formatter,
    )
    evaluate.add_argument("data", nargs="+", metavar="DATA", help="JSONL files with text and label")
    evaluate.add_argument("--model", metavar="DIR", help="model folder (default: the shipped model)")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(run=_run_evaluate)
    return parser


def _run_tag(args, out, err):
    from .api import iter_classify, load

    clf = load(args.model)
    failed = 0
    with _open_output(args.output, out) as sink:
        for name in args.files:
            try:
                with open(name, encoding="utf-8-sig") as stream:
                    # Streamed: a file of any size is read and tagged in blocks.
                    for index, sentence in enumerate(iter_classify(stream, model=clf)):
                        record = {"file": name, "index": index, **sentence.to_dict()}
                        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            except (OSError, UnicodeDecodeError) as exc:
                failed += 1
                print(f"policytext: {name}: {_reason(exc)}", file=err)
            sink.flush()
    return EXIT_PARTIAL if failed else 0


def _reason(exc):
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return exc.strerror or str(exc)


class _open_output:
    def __init__(self, path, default):
        self.path, self.default = path, default

    def __enter__(self):
        self.file = open(self.path, "w", encoding="utf-8") if self.path else self.default
        return self.file

    def __exit__(self, *exc):
        if self.path:
            self.file.close()


def _run_train(args, out, err):
    from .corpus import LABELS
    from .modelfile import save_model
    from .train import train_corpus

    labels = LABELS
    if args.labels:
        labels = None if args.labels == "any" else [s.strip() for s in args.labels.split(",") if s.strip()]
    if Path(args.output).exists() and not args.force:
        raise FileExistsError(f"{args.output} already exists; add --force to replace it")
    clf = train_corpus(args.corpus, labels=labels)
    save_model(clf, args.output, force=args.force)
    print(
        f"trained on {clf.metadata['n_train_sentences']} sentences, {len(clf.vocabulary)} n-grams, "
        f"labels {','.join(clf.labels)}; wrote {args.output}",
        file=err,
    )
    return 0


def _run_evaluate(args, out, err):
    from .api import load
    from .corpus import read_corpus
    from .metrics import evaluate, format_report

    clf = load(args.model)
    corpus = read_corpus(args.data, labels=None)
    result = evaluate(corpus.labels, clf.predict(corpus.texts), clf.labels)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_report(result), file=out)
    return 0


def main(argv=None, out=None, err=None):
    """Run the command line; returns the exit status."""
    from .errors import PolicytextError

    out, err = out or sys.stdout, err or sys.stderr
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(err)
        return EXIT_USAGE
    try:
        return args.run(args, out, err)
    except (PolicytextError, OSError, ValueError) as exc:
        message = str(exc) if not isinstance(exc, OSError) or not exc.filename else f"{exc.filename}: {_reason(exc)}"
        if isinstance(exc, FileExistsError):
            message = str(exc)
        print(f"policytext: error: {message}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("policytext: interrupted", file=err)
        return 130


if __name__ == "__main__":
    sys.exit(main())

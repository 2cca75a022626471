"""The ``policytext`` command: a thin shell over the Python API.

Errors are turned into one ``policytext: error: …`` line and an exit status
here, at the edge, and nowhere else; the options the library's messages name
(``output='o.jsonl'``, ``force=True``) are named as the command's flags
(``--output o.jsonl``, ``--force``: :func:`_as_flag`). The exit statuses:

- 0: success
- 1: the job could not run (bad model, bad corpus, unreadable input, an
  output folder it may not write in)
- 2: bad usage, a :class:`~policytext.errors.ParameterError`: an option, a
  format that disagrees with the output's extension or an extension that
  names none, an output that is a folder, a device, one of the inputs, in
  no existing folder, or the same file as another output, an existing
  output without ``--force``, a file policytext did not write where a job
  keeps its own beside its output (``.journal``, ``.spool.jsonl``,
  ``.partial``, ``.settings.json``) (and, for ``train``, a ``-o`` that ``--force``
  may not replace: a file, a link, a folder holding anything but a model)
- 3: the job ran but some documents failed (each reported on stderr)
- 130: interrupted (Ctrl-C); an output is cut back to whole documents, and
  targets keeps the documents read so far beside its output
  (``targets.partial.csv``; a warning says how many)
- 141: standard output was closed by its reader (``| head``); nothing is printed
"""

# Only what starts at once: the command's own imports come inside main(), where Ctrl-C is handled.
import contextlib
import os
import signal
import sys

from . import __version__

EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a filter stopped by a closed pipe
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def _ranged(kind, low, high, *, above=False):
    """An argparse type: a finite ``kind`` from ``low`` (or above it, with ``above``) to ``high``.

    argparse then names the option and the value refused:
    "argument --jobs: must be an int from 1 to 1024, got '0'".
    """
    allowed = f"{'an int' if kind is int else 'a number'} {'above' if above else 'from'} {low:g} {'and at most' if above else 'to'} {high:g}"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = None
        # NaN fails every comparison, and infinity is above any high.
        if value is None or not ((value > low if above else value >= low) and value <= high):
            import argparse

            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        return value

    return parse


#: Range limits of the numeric options: far above any real use, below what overflows.
_MAX_MB = 1_000_000  # a terabyte
_MAX_SECONDS = 1e9
_DEFAULT_TIMEOUT = 300  # seconds a document may take, in a local run


_PATHS_HELP = "files, folders (searched recursively) or glob patterns; - reads one plain-text document from standard input, named - in the output (a file called - is ./-)"
_MODEL_HELP = "model folder (default: the shipped model, or the folder $POLICYTEXT_MODEL names if it is set)"


def _load_model(model):
    """The model ``--model`` names: a folder, or the default, which ``POLICYTEXT_MODEL`` may change.

    Every refusal is :func:`~policytext.api.load`'s own (a file named
    instead of its folder, a model the variable names), with its exit status.
    """
    from .api import load

    return load(model)


def _parser():
    import argparse

    _Formatter = argparse.RawDescriptionHelpFormatter
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
        help="split documents into sentences and label each",
        description="Tag every sentence of every document: one record per sentence with the\n"
        "document, index, start, end, section path, text, part (review, plan or other),\n"
        "label, score and per-label probabilities. Each sentence is read with its\n"
        "neighbours and paragraph (--no-context: alone). Reads .txt/.md (any of UTF-8, UTF-16, GB18030/GBK, Big5),\n"
        ".md without its markup, .html/.htm (main text), .docx and text-layer .pdf.",
        epilog="examples:\n"
        "  policytext tag examples/report.txt\n"
        "  cat report.txt | policytext tag - -o -\n"
        "  policytext tag reports/ -o labels.jsonl --summary shares.csv --plot shares.png\n"
        "  policytext tag reports/ -o labels.csv --panel panel.csv --meta places.csv\n"
        "  policytext tag 'archive/**/*.pdf' -o labels.parquet --format parquet --jobs 2 --resume\n"
        "  policytext tag reports/ -o labels.jsonl --scheduler tcp://10.0.0.5:8786",
        formatter_class=_Formatter,
    )
    tag.add_argument("paths", nargs="+", metavar="PATH", help=_PATHS_HELP)
    tag.add_argument("-o", "--output", metavar="FILE", help="write records here; - or none: standard output (jsonl or csv)")
    tag.add_argument("--format", choices=("jsonl", "csv", "parquet", "xlsx"), help="record format (default: the extension of -o, or jsonl on standard output); refused if it disagrees with -o")
    tag.add_argument("--model", metavar="DIR", help=_MODEL_HELP)
    tag.add_argument("--summary", metavar="FILE.csv", help="one row per document: label shares (counted, corrected, 90%% interval), shares per part, place, level, year")
    tag.add_argument("--panel", metavar="FILE.csv", help="one row per place x level x year: pooled shares, corrected, with 90%% intervals")
    tag.add_argument("--meta", metavar="FILE.csv", help="override place, level and year: columns file,place,level,year")
    tag.add_argument("--evidence", type=_ranged(int, 0, 10_000), default=0, metavar="N", help="add N sentences per label to the summary (needs --summary)")
    tag.add_argument(
        "--evidence-by",
        choices=("top", "least", "random"),
        # None when not given: given without --evidence it is refused, not ignored.
        default=None,
        help="which sentences: the most confident (default), the least confident (to audit a share), or a random sample",
    )
    tag.add_argument("--plot", metavar="FILE.png", help="draw the shares (bars per document, or lines over years); PNG, or .svg/.pdf by the extension")
    tag.add_argument("--plot-by", choices=("level", "place"), help="over years, one panel per level or place")
    tag.add_argument("--font", metavar="FILE", help="font with Chinese characters for --plot (default: found among installed fonts)")
    tag.add_argument("--resume", action="store_true", help="skip documents already in the output")
    tag.add_argument("--force", action="store_true", help="replace an existing -o, --summary, --panel, --errors or --plot file that policytext did not write (refused otherwise)")
    tag.add_argument("--errors", metavar="FILE", help="also write one line per failed document here, after a first line marking the file as policytext's (empty if none failed)")
    tag.add_argument("--jobs", type=_ranged(int, 1, 1024), default=1, metavar="N", help="processes to use, at most one per core (default: 1)")
    tag.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler (needs the 'dask' extra)")
    tag.add_argument("--max-mb", type=_ranged(float, 0, _MAX_MB, above=True), default=50, metavar="MB", help="refuse documents larger than this (default: 50); .txt and .md over 16 MB are streamed instead (as plain text), with no size or time limit")
    tag.add_argument("--max-pages", type=_ranged(int, 1, 10**7), default=2000, metavar="N", help="refuse PDFs with more pages (default: 2000)")
    tag.add_argument("--timeout", type=_ranged(float, 0, _MAX_SECONDS, above=True), metavar="S", help=f"seconds reading and splitting one document may take (default: {_DEFAULT_TIMEOUT}; not applied with --scheduler)")
    tag.add_argument("--no-context", action="store_true", help="tag each sentence alone, without its neighbours and paragraph")
    tag.add_argument("--no-progress", action="store_true", help="no progress bar")
    tag.set_defaults(run=_run_tag)

    targets = sub.add_parser(
        "targets",
        help="extract each report's targets for the coming year into a table",
        description="Extract the coming year's quantitative targets of each report (GDP growth,\n"
        "consumer prices, new urban jobs, unemployment, grain, fiscal revenue, fixed\n"
        "investment, retail sales, energy intensity): one row per document and\n"
        "indicator with place, level and year, or with --wide one row per document.\n"
        "The format follows the output's extension: .csv, .jsonl, .parquet, .xlsx.",
        epilog="examples:\n"
        "  policytext targets reports/ -o targets.csv\n"
        "  cat report.txt | policytext targets - -o targets.csv\n"
        "  policytext targets 'archive/**/*.txt' -o panel.xlsx --wide\n"
        "  policytext targets reports/ -o targets.parquet --meta places.csv --no-progress",
        formatter_class=_Formatter,
    )
    targets.add_argument("paths", nargs="+", metavar="PATH", help=_PATHS_HELP)
    targets.add_argument("-o", "--output", required=True, metavar="FILE", help="the table to write: .csv, .jsonl, .parquet or .xlsx; - for standard output (csv, or --format jsonl)")
    targets.add_argument("--format", choices=("csv", "jsonl", "parquet", "xlsx"), help="insist on a format (refused if the extension differs)")
    targets.add_argument("--wide", action="store_true", help="one row per document: each indicator's value, range and modifier")
    targets.add_argument("--meta", metavar="FILE.csv", help="override place, level and year: columns file,place,level,year")
    targets.add_argument("--max-mb", type=_ranged(float, 0, _MAX_MB, above=True), default=50, metavar="MB", help="refuse documents larger than this (default: 50)")
    targets.add_argument("--no-progress", action="store_true", help="no progress bar")
    targets.add_argument("--force", action="store_true", help="replace an existing -o file that is not a targets table policytext wrote (refused otherwise)")
    targets.set_defaults(run=_run_targets)

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
    train.add_argument(
        "--min-df",
        type=_ranged(int, 1, 10**9),
        metavar="N",
        help="keep only the n-grams of at least N sentences (default: 3, for a corpus of thousands; "
        "1 or 2 for one of a few dozen sentences, where 3 keeps too few to tell labels apart)",
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(run=_run_train)

    evaluate = sub.add_parser(
        "evaluate",
        help="score a model on labelled sentences",
        description="Print accuracy, macro-F1, per-label precision/recall/F1 and a confusion matrix.\nEvery line is a case: a sentence on several lines is scored on each.",
        epilog="example:\n  policytext evaluate ../shared/eval/dev.jsonl --model models/default",
        formatter_class=_Formatter,
    )
    evaluate.add_argument("data", nargs="+", metavar="DATA", help="JSONL files with text and label")
    evaluate.add_argument("--model", metavar="DIR", help=_MODEL_HELP)
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--no-progress", action="store_true", help="no progress bar (evaluate shows none; taken, as by the other commands, so one option works for all)")
    evaluate.set_defaults(run=_run_evaluate)
    return parser


def _run_tag(args, out, err):
    from .archive import tag_files
    from .errors import ParameterError

    if args.evidence and not args.summary:
        raise ParameterError("--evidence needs --summary FILE.csv: the evidence sentences are columns of the summary")
    if args.evidence_by is not None and not args.evidence:
        raise ParameterError("--evidence-by is for the evidence sentences, and there are none: add --evidence N")
    for option, value in (("--plot-by", args.plot_by), ("--font", args.font)):
        if value is not None and not args.plot:
            raise ParameterError(f"{option} is for the plot, and there is none: add --plot FILE.png")
    for option, value in (("--summary", args.summary), ("--panel", args.panel), ("--errors", args.errors), ("--plot", args.plot)):
        # "-" is standard output for -o; for these it named a file "-" in the working folder.
        if value == "-":
            raise ParameterError(f"{option} -: only the records go to standard output (-o -); give {option} a file name")
    output = _records_output(args)
    shown_warnings = _DocumentWarnings(err)
    options = dict(
        output=output,
        format=args.format,
        model=_load_model(args.model),
        summary=args.summary,
        panel=args.panel,
        meta=args.meta,
        evidence=args.evidence,
        evidence_by=args.evidence_by or "top",
        plot=args.plot,
        plot_by=args.plot_by,
        font=args.font,
        resume=args.resume,
        errors=args.errors,
        force=args.force,
        # A Dask cluster cannot apply a limit and warns of one given: only
        # one asked for is passed there, not the local default.
        timeout=args.timeout if args.timeout is not None or args.scheduler else _DEFAULT_TIMEOUT,
        context=not args.no_context,
        progress=not args.no_progress,
        limits={"max_bytes": int(args.max_mb * 1024 * 1024), "max_pdf_pages": args.max_pages},
        on_error=_failure_printer(err),
        on_warning=shown_warnings,
        sink=out,
        stdin=args.stdin,
        # The command reads no result.summary: rows only for the tables and plot asked for.
        summary_rows=False,
    )
    try:
        if args.scheduler:
            from . import dask as on_dask
            from .errors import PolicytextError, extra_needed

            try:
                from distributed import Client
            except ImportError:
                raise PolicytextError(extra_needed("--scheduler", "dask")) from None
            with Client(args.scheduler) as client:
                result = on_dask.tag_files(args.paths, client, **options)
        else:
            result = tag_files(args.paths, jobs=args.jobs, **options)
    finally:
        shown_warnings.close()
    return 0 if result.ok else EXIT_PARTIAL


def _records_output(args):
    """The records' output file, or None for standard output (``-o -``, as with no ``-o``)."""
    from .tables import check_streamable

    if args.output != "-":
        return args.output
    check_streamable(args.format or "jsonl")
    return None


class _DocumentWarnings:
    """Documents' warnings on stderr, the first :attr:`SHOWN` of them, then one line counting the rest.

    A folder of copies (or of one odd kind of report) gives a warning per
    document, and a thousand of them would bury the documents that failed.
    """

    SHOWN = 20

    def __init__(self, err):
        from .records import one_line

        self.err = err
        self.one_line = one_line
        self.count = 0

    def __call__(self, path, warning):
        self.count += 1
        if self.count <= self.SHOWN:
            print(f"policytext: warning: {self.one_line(path)}: {warning}", file=self.err, flush=True)

    def close(self):
        hidden = self.count - self.SHOWN
        if hidden > 0:
            print(
                f"policytext: warning: {hidden:,} more document warning{'s' if hidden != 1 else ''} not shown ({self.count:,} in all)",
                file=self.err,
                flush=True,
            )


def _failure_printer(err):
    """The ``on_error`` of a job at the command line: one line on ``err`` per document that failed, as it fails."""
    from .records import one_line

    return lambda path, reason: print(f"policytext: {one_line(path)}: {reason}", file=err, flush=True)


def _run_targets(args, out, err):
    from .finding import skipped_note
    from .tables import check_streamable, write_table_stream
    from .target_table import targets_files

    # "-o -": the table goes to standard output once complete, as CSV unless --format jsonl.
    to_stdout = args.output == "-"
    streamed = args.format or "csv"
    if to_stdout:
        check_streamable(streamed)
    table = targets_files(
        args.paths, output=None if to_stdout else args.output, format=None if to_stdout else args.format, wide=args.wide, meta=args.meta,
        max_mb=args.max_mb, progress=not args.no_progress, on_error=_failure_printer(err), force=args.force, stdin=args.stdin,
    )  # fmt: skip
    if to_stdout:
        write_table_stream(table.rows, table.columns, out, format=streamed)
    if table.unsupported:
        print(f"policytext: warning: {skipped_note(table.unsupported)}", file=err, flush=True)
    return EXIT_PARTIAL if table.failed else 0


#: The flag of each of the library's options its errors name (:attr:`policytext.errors.PolicytextError.parameter`
#: and ``mentions``); an option not here is ``--`` and its name, dashed.
_FLAGS = {
    "output": "--output", "format": "--format", "summary": "--summary", "panel": "--panel", "errors": "--errors",
    "plot": "--plot", "font": "--font", "meta": "--meta", "force": "--force", "resume": "--resume",
}  # fmt: skip


def _as_flag(name, value):
    """An option of the library as the command line gives it: ``--output o.jsonl``, or the flag alone for a switch (``--force``) or the option itself."""
    flag = _FLAGS.get(name) or f"--{name.replace('_', '-')}"
    return flag if value is None or value is True else f"{flag} {os.fspath(value) if isinstance(value, os.PathLike) else value}"


def _message(exc):
    """The one line saying what went wrong, in the command's words: its flags for the library's options."""
    from .errors import PolicytextError, os_reason

    if isinstance(exc, PolicytextError):
        return exc.worded(_as_flag)
    if isinstance(exc, OSError) and exc.filename and not isinstance(exc, FileExistsError):
        return f"{exc.filename}: {os_reason(exc)}"
    return str(exc)


def _run_train(args, out, err):
    from dataclasses import replace

    from .corpus import LABELS
    from .modelfile import check_destination, save_model
    from .train import default_features, train_corpus
    from .errors import ParameterError

    labels = LABELS
    if args.labels:
        labels = None if args.labels == "any" else [s.strip() for s in args.labels.split(",") if s.strip()]
        if labels == []:
            raise ParameterError(f"--labels {args.labels!r} names no label; give labels separated by commas (economy,other), or 'any'")
    # Checked before training too (save_model checks again), so a refusal
    # does not come after minutes of work. An output that exists, or that
    # --force may not replace, is bad usage (exit 2), as it is for tag.
    if os.path.lexists(args.output) and not args.force:
        raise ParameterError(f"{args.output} already exists; add --force to replace it")
    try:
        check_destination(args.output, force=args.force)
    except FileExistsError as exc:
        raise ParameterError(str(exc)) from None
    # Without --min-df, the features are train_corpus's own default, so the shipped model rebuilds byte for byte.
    features = None if args.min_df is None else replace(default_features(), min_df=args.min_df)
    clf = train_corpus(args.corpus, labels=labels, features=features, progress=not args.no_progress)
    save_model(clf, args.output, force=args.force)
    print(
        f"trained on {clf.metadata['n_train_sentences']} sentences, {len(clf.vocabulary)} n-grams, "
        f"labels {','.join(clf.labels)}; wrote {args.output}",
        file=err,
    )
    return 0


def _run_evaluate(args, out, err):
    import json

    from .corpus import read_corpus
    from .metrics import evaluate, format_report

    clf = _load_model(args.model)
    # A gold label the model cannot give would count against it in macro-F1 unnoticed: refused by line.
    # Every line is a case: a test set drawn from reports repeats sentences
    # (greetings, headings, slogans), and scoring a repeat once would change the figures.
    corpus = read_corpus(args.data, labels=clf.labels, every_line=True)
    if not corpus.texts:
        raise ValueError(f"{', '.join(args.data)}: no labelled sentences to evaluate on")
    result = evaluate(corpus.labels, clf.predict(corpus.texts), clf.labels)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_report(result), file=out)
    return 0


#: Libraries that log a warning for every odd file they read (a malformed page, a PDF's stray object).
_CHATTY_LOGGERS = ("trafilatura", "pypdf")


def _quiet_libraries():
    """Keep the document libraries' own log lines off stderr, where each document's one line is
    said, unless logging is configured (a NullHandler stops Python's last-resort handler;
    configured handlers still get the records). Done here, by the application: the library
    leaves other packages' logging alone."""
    import logging

    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


def main(argv=None, out=None, err=None, stdin=None):
    """Run the command line; returns the exit status.

    ``out`` and ``err`` are text streams (default: standard output and
    error); ``stdin`` is the binary stream the path ``-`` reads (default:
    ``sys.stdin.buffer``).

    Nothing heavy is imported before this runs (``import policytext`` is
    light, and each command imports what it needs), so Ctrl-C at any moment
    after start-up is "policytext: interrupted" and exit 130.
    """
    err = err or sys.stderr
    with _ctrl_c_noted() as noted:
        try:
            return _main(argv, out or sys.stdout, err, stdin, interrupted=noted)
        except KeyboardInterrupt:
            pass
    print("policytext: interrupted", file=err)
    return EXIT_INTERRUPTED


@contextlib.contextmanager
def _ctrl_c_noted():
    """Note each Ctrl-C (SIGINT) while the block runs, in the list it yields; each still raises KeyboardInterrupt.

    Python's own handler is put back after. Where Python's handler is not
    the one in place (SIGINT ignored, as in a shell's background job, or
    handled by the program that calls main()), or outside the main thread,
    nothing is changed and nothing is noted.
    """
    noted: list[int] = []

    def note(signum, frame):
        noted.append(signum)
        raise KeyboardInterrupt

    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield noted
        return
    signal.signal(signal.SIGINT, note)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _main(argv, out, err, stdin=None, interrupted=()):
    """The command, its errors as one line and an exit status; ``interrupted``: the Ctrl-Cs noted while it ran."""
    import warnings

    from .errors import ParameterError, PolicytextError

    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(err)
        return EXIT_USAGE
    args.stdin = stdin
    _quiet_libraries()
    try:
        with warnings.catch_warnings():
            # A library's warning, on the command line, is one line of the command's, without Python's source line.
            warnings.showwarning = lambda message, *_: print(f"policytext: warning: {message}", file=err)
            return args.run(args, out, err)
    except ParameterError as exc:
        _raise_if_interrupted(interrupted, exc)
        print(f"policytext: error: {_message(exc)}", file=err)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away ("policytext tag … | head"): stop quietly, as
        # other filters do. Python's own flush of stdout at exit would fail
        # again, so stdout is pointed at /dev/null first.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (PolicytextError, OSError, ValueError) as exc:
        _raise_if_interrupted(interrupted, exc)
        print(f"policytext: error: {_message(exc)}", file=err)
        return EXIT_FAILED
    except ImportError as exc:
        # Ctrl-C while a compiled module imports may come out as an ImportError
        # with no KeyboardInterrupt left in it: numpy's "PyCapsule_Import could
        # not import module "datetime"" when the signal lands as numpy imports
        # datetime from C. Any other is a bug, shown whole.
        _raise_if_interrupted(interrupted, exc)
        raise


def _raise_if_interrupted(interrupted, exc):
    """After a Ctrl-C, an error is the interruption's doing: Ctrl-C while an optional extra
    imports (pyarrow, matplotlib) came out as "… needs the 'parquet' extra", exit 1, and
    while numpy imports as an ImportError."""
    if interrupted:
        raise KeyboardInterrupt from exc


if __name__ == "__main__":
    sys.exit(main())

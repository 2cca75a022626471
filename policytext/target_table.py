"""The targets of many reports as one table: the job behind ``policytext targets``.

:func:`targets_files` finds the documents (files, folders, glob patterns),
reads each report's targets for the coming year
(:func:`policytext.target_extraction.document_targets`) and returns them as rows, one
per document and indicator or (``wide``) one per document; given an
``output``, it also writes them as a table in the format its extension
names. Every refusal comes before the first document is read, and a
document that cannot be read is reported and passed over, never the end of
the job.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from ._validation import BOOL, BYTE_STREAM, CALLABLE, PATH, PATHS, check_params, listed_paths, number_between, one_of, optional
from .errors import DocumentError, ParameterError, PolicytextError

if TYPE_CHECKING:
    import pandas

    from .api import StrPath

__all__ = ["TargetTable", "targets_files"]

#: What the options of :func:`targets_files` allow, checked in one place.
_OPTIONS = {
    "paths": PATHS,
    "output": optional(PATH),
    "meta": optional(PATH),
    "format": optional(one_of("csv", "jsonl", "parquet", "xlsx")),
    "wide": BOOL,
    "max_mb": number_between(1e-6, 1e9),
    "progress": BOOL,
    "on_error": optional(CALLABLE),
    "force": BOOL,
    "stdin": optional(BYTE_STREAM),
}


@dataclass
class TargetTable:
    """The targets of a job's documents.

    Attributes
    ----------
    rows : list of dict
        One per document and indicator (one per document if ``wide``), with
        exactly the keys of :attr:`columns` (None where a row has no value),
        as the table file has them.
    columns : tuple of str
        :data:`policytext.target_extraction.LONG_COLUMNS` or ``WIDE_COLUMNS``.
    documents : int
        The documents read.
    failed : list of (str, str)
        ``(path, reason)`` for each document that could not be read, and
        each path that matched nothing.
    unsupported : list of str
        Files of other formats the folders held (not documents).
    """

    rows: list[dict[str, Any]]
    columns: tuple[str, ...]
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame with :attr:`columns` (the ``pandas`` extra).

        Examples
        --------
        >>> import io
        >>> report = "2026年某县政府工作报告\\n今年主要预期目标是：地区生产总值增长5%左右。\\n"
        >>> table = targets_files(["-"], stdin=io.BytesIO(report.encode("utf-8")))
        >>> table.to_pandas()[["year", "indicator", "value", "modifier"]].values.tolist()
        [[2026, 'gdp_growth', 5.0, '左右']]
        """
        from .summary import import_pandas

        pd = import_pandas("TargetTable.to_pandas()")
        return pd.DataFrame([[row.get(c) for c in self.columns] for row in self.rows], columns=list(self.columns))


def targets_files(
    paths: StrPath | Sequence[StrPath],
    *,
    output: StrPath | None = None,
    format: str | None = None,
    wide: bool = False,
    meta: StrPath | None = None,
    max_mb: float = 50,
    progress: bool = False,
    on_error: Callable[[str, str], object] | None = None,
    force: bool = False,
    stdin: IO[bytes] | None = None,
) -> TargetTable:
    """Read the coming year's targets of every report in ``paths``.

    Parameters
    ----------
    paths : str, Path, or a list or other iterable of them
        Files, folders (searched recursively) and glob patterns; ``"-"`` is
        one plain-text document read from ``stdin``, named ``-`` in the rows.
    output : str, optional
        Also write the rows to this table, ``.csv``, ``.jsonl``,
        ``.parquet`` or ``.xlsx`` by its extension (written beside and
        renamed into place once complete). A job stopped part-way
        (``KeyboardInterrupt``, or an error that is not a document's) leaves
        ``output`` as it was and writes the rows of the documents read so
        far beside it (``targets.partial.csv`` for ``targets.csv``), warns
        (``UserWarning``) how many of how many documents that table holds,
        and raises again.
    format : {"csv", "jsonl", "parquet", "xlsx"}, optional
        Must agree with ``output``'s extension if given.
    wide : bool
        One row per document (each indicator's value, range and modifier)
        instead of one per document and indicator.
    meta : str, optional
        A CSV overriding place, level and year (see
        :func:`policytext.summary.read_meta`).
    max_mb : float
        Documents larger than this are refused (reported, not read).
    progress : bool
        Show a progress bar on standard error.
    on_error : callable, optional
        Called with ``(path, reason)`` as each document fails.
    force : bool
        Replace an existing ``output`` that is not a targets table
        policytext wrote; without it such a file is refused before any work.
    stdin : binary file, optional
        Where the document ``"-"`` is read from (default ``sys.stdin.buffer``).

    Returns
    -------
    TargetTable

    Raises
    ------
    ParameterError
        A bad option or output, before any document is read.
    PolicytextError
        No document found, or an output that cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "2026年青禾县政府工作报告.txt").write_text(
    ...     "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。", encoding="utf-8")
    >>> table = targets_files(folder)
    >>> [(r["place"], r["indicator"], r["value"]) for r in table.rows]
    [('青禾县', 'gdp_growth', 5.0)]
    """
    from tqdm import tqdm

    from .finding import find_documents, no_documents
    from .readers import read_input
    from .outputs import foreign_output, own_output, refuse_read_files
    from .summary import read_meta, unmatched_meta_note, unmatched_meta_rows
    from .tables import check_output, check_table, write_table
    from .target_extraction import COLUMN_TYPES, LONG_COLUMNS, WIDE_COLUMNS, document_targets, long_rows, wide_row

    paths = listed_paths(paths)
    check_params(
        "targets_files",
        _OPTIONS,
        {"paths": paths, "output": output, "meta": meta, "format": format, "wide": wide, "max_mb": max_mb, "progress": progress, "on_error": on_error, "force": force, "stdin": stdin},
    )
    columns = WIDE_COLUMNS if wide else LONG_COLUMNS
    fmt = None
    if output is not None:
        fmt = check_table(output, parameter="output", format=format)
    elif format is not None:
        raise ParameterError("targets_files(): 'format' is the output's, and there is none (output=FILE, -o FILE)")
    existing = output is not None and os.path.isfile(output)
    ours = existing and own_output("targets", output)
    # An earlier run's table in a folder being read is no document of it.
    found = find_documents(paths, outputs=(output, meta), own=[output] if ours else [])
    if not found.documents:
        raise PolicytextError(no_documents(paths, found.problems))
    if output is not None:
        refuse_read_files({"output": output}, {"meta": meta})
        check_output(output, inputs=found.documents)
        if existing and not ours and not force:
            raise foreign_output("output", "targets", output)
    overrides = read_meta(meta) if meta else {}
    unmatched = unmatched_meta_note(unmatched_meta_rows(overrides, found.documents))
    if unmatched:
        warnings.warn(f"{meta}: {unmatched}", UserWarning, stacklevel=2)
    table = TargetTable(rows=[], columns=columns, unsupported=list(found.unsupported))
    for path, reason in found.problems:
        _failed(table, path, reason, on_error)

    def write(path):
        write_table(table.rows, columns, path, format=fmt, inputs=found.documents, types=COLUMN_TYPES)

    finished = False
    try:
        for path in tqdm(found.documents, unit="doc", desc="targets", disable=None if progress else True):
            try:
                text = read_input(path, stdin=stdin, max_bytes=int(max_mb * 1024 * 1024))
            except DocumentError as exc:
                _failed(table, exc.path, exc.reason, on_error)
                continue
            document, targets = document_targets(path, text, overrides=overrides)
            rows = [wide_row(document, targets)] if wide else long_rows(document, targets)
            table.rows += [{column: row.get(column) for column in columns} for row in rows]
            table.documents += 1
        finished = True
    finally:
        # Hours over an archive are not thrown away by a Ctrl-C or a failure
        # part-way: the documents read so far are written beside the output,
        # never in its place, so an incomplete table is not taken for the
        # whole and an earlier complete one is not lost.
        if not finished and output is not None and table.documents:
            warnings.warn(_keep_partial(output, table.documents, len(found.documents), write), UserWarning, stacklevel=2)
    if output is not None:
        try:
            write(output)
        except OSError as exc:
            from .outputs import write_refusal

            # Written under a temporary name (tables.replacing): an earlier table there is as it was.
            n = table.documents
            raise write_refusal(exc, "output", output, f"the targets of {n:,} document{'s' if n != 1 else ''} read were not written", "run again") from exc
    return table


def _partial_path(output):
    """Where a targets job that stopped part-way keeps what it read: ``targets.csv`` -> ``targets.partial.csv``."""
    from .tables import PARTIAL

    # The mark of a job's partial files, before the extension: the table still opens as its format.
    root, ext = os.path.splitext(os.fspath(output))
    return f"{root}{PARTIAL}{ext}"


def _keep_partial(output, read, total, write):
    """Write the rows read to :func:`_partial_path` (unless a file of the user's is there); the warning that says what became of them."""
    from .outputs import own_output

    partial = _partial_path(output)
    stopped = f"{output}: the job stopped early, so it was not written; "
    if os.path.exists(partial) and not own_output("targets", partial):
        return stopped + f"{partial} exists and is not a targets table policytext wrote, so the targets of the {read:,} document{'s' if read != 1 else ''} read were not kept"
    write(partial)
    return stopped + f"the targets of {read:,} of {total:,} documents are in {partial}"


def _failed(table, path, reason, on_error):
    table.failed.append((str(path), reason))
    if on_error is not None:
        on_error(str(path), reason)

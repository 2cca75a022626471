"""Write rows (dicts with fixed columns) to a table file: CSV, JSON Lines, Parquet or Excel.

Used by ``policytext targets``, and meant for any command that writes one
table: give it the rows, the columns and the output path, and the format
follows the path's extension.

- ``.csv``: UTF-8 with a BOM (so Excel reads Chinese), written by the csv
  module with every field quoted, so a line break inside a value never
  splits a row.
- ``.jsonl``: one JSON object per row, in column order, UTF-8 unescaped.
- ``.parquet``: pyarrow (the ``parquet`` extra), types inferred per column.
- ``.xlsx``: openpyxl (the ``excel`` extra), one sheet with a header row.

The file is written beside the output under a temporary name and renamed
into place only when complete, so a failed or killed job never leaves half
a table where the output should be.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "t.jsonl")
>>> write_table([{"a": 1, "b": "甲"}], ["a", "b"], path)
'jsonl'
>>> open(path, encoding="utf-8").read()
'{"a": 1, "b": "甲"}\\n'
"""

import contextlib
import csv
import itertools
import json
import math
import os
import re
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from ._validation import Constraint, check_params, refusal, short_repr
from .errors import ParameterError, PolicytextError, extra_needed, mention

__all__ = [
    "CHUNK_ROWS", "EXCEL_ROWS", "JOURNAL", "PARTIAL", "RESERVED_SUFFIXES", "SETTINGS", "SPOOL", "TABLE_FORMATS",
    "check_output", "check_streamable", "check_table", "columns_of", "excel_text", "format_of", "read_table", "read_table_batches", "replacing", "require_format_extra",
    "write_table", "write_table_stream",
]

#: Formats by extension.
TABLE_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet", ".xlsx": "xlsx"}
_FORMAT = Constraint(lambda v: v is None or v in TABLE_FORMATS.values(), "None or one of " + ", ".join(repr(f) for f in TABLE_FORMATS.values()))
_PATH = Constraint(lambda v: isinstance(v, (str, os.PathLike)) and os.fspath(v) != "", "a file path")


def format_of(path, *, format=None):
    """The table format for ``path``: its extension's, and ``format`` must agree with it.

    Raises
    ------
    ParameterError
        If the extension is none of .csv, .jsonl, .parquet and .xlsx, or if
        ``format`` names another format than the extension: a usage mistake
        (``policytext`` exits 2).

    >>> format_of("out/targets.XLSX")
    'xlsx'
    >>> format_of("t.csv", format="parquet")
    Traceback (most recent call last):
    ...
    policytext.errors.ParameterError: format_of(): 'format' must be None or the extension's format, 'csv', got 'parquet'
    """
    return _format_for("format_of", path, format)


def _by_extension(path):
    """``path``'s extension, lowercase, and the table format it names (None for none)."""
    suffix = Path(path).suffix.lower()
    return suffix, TABLE_FORMATS.get(suffix)


def _format_for(where, path, format):
    """:func:`format_of`, its refusals naming the function ``where`` the path and format were given to."""
    check_params(where, {"path": _PATH, "format": _FORMAT}, {"path": path, "format": format})
    suffix, by_extension = _by_extension(path)
    if by_extension is None:
        raise refusal(where, "path", f"a table's path, ending {', '.join(list(TABLE_FORMATS)[:-1])} or {list(TABLE_FORMATS)[-1]}", short_repr(os.fspath(path)))
    if format is not None and format != by_extension:
        raise refusal(where, "format", f"None or the extension's format, {by_extension!r}", short_repr(format))
    return by_extension


#: The module each format needs, and the extra that installs it.
_EXTRAS = {"parquet": ("pyarrow", "parquet"), "xlsx": ("openpyxl", "excel")}


def check_table(path, *, parameter, format=None):
    """The table format for ``path`` (:func:`format_of`), with the extra it needs checked now.

    For a job to call before any work, so that a table it writes at the end
    cannot fail for a mistyped extension or a missing extra after hours of
    tagging. ``parameter`` is the job's option ``path`` was given as
    (``"summary"``), and the errors' :attr:`~policytext.errors.PolicytextError.parameter`.

    Raises
    ------
    ParameterError
        For the mistakes :func:`format_of` refuses, told as the job's
        option ``parameter`` (and its ``format``) rather than as this
        function's argument (``policytext`` exits 2).
    PolicytextError
        If the format's extra is not installed (exit 1).

    >>> check_table("shares.txt", parameter="summary")
    Traceback (most recent call last):
    ...
    policytext.errors.ParameterError: summary='shares.txt': unknown table extension '.txt'; use one of .csv, .jsonl, .parquet, .xlsx
    >>> check_table("shares.csv", parameter="summary", format="xlsx")
    Traceback (most recent call last):
    ...
    policytext.errors.ParameterError: summary='shares.csv': format='xlsx' disagrees with the extension .csv (csv)
    """
    check_params("check_table", {"path": _PATH, "format": _FORMAT}, {"path": path, "format": format})
    suffix, fmt = _by_extension(path)
    if fmt is None:
        raise ParameterError(f"unknown table extension {suffix or '(none)'!r}; use one of {', '.join(TABLE_FORMATS)}", parameter=parameter, value=path)
    if format is not None and format != fmt:
        raise ParameterError(f"{mention('format')} disagrees with the extension {suffix} ({fmt})", parameter=parameter, value=path, mentions={"format": format})
    try:
        require_format_extra(fmt, f"writing .{fmt}")
    except PolicytextError as exc:
        raise PolicytextError(str(exc), parameter=parameter, value=path) from None
    return fmt


def require_format_extra(fmt, what, *, mentions=None):
    """Import the module that writing ``fmt`` needs, if it needs an extra; else raise PolicytextError naming ``what`` and the extra to install.

    ``what`` may name options as ``{name}``, ``mentions`` giving their values
    (see :class:`~policytext.errors.PolicytextError`).
    """
    if fmt in _EXTRAS:
        module, extra = _EXTRAS[fmt]
        try:
            __import__(module)
        except ImportError:
            raise PolicytextError(extra_needed(what, extra), mentions=mentions) from None


#: Folders whose entries are devices or a process's open files (``/dev/stdout``
#: links to the terminal, a pipe or a file the shell opened): never an output,
#: which is replaced by renaming a new file onto it.
_SPECIAL_FOLDERS = ("/dev/", "/proc/")
#: The endings of a job's own files beside its output (:class:`policytext.outputs.RecordWriter`
#: names them): the spool of a table written at the end, the journal, a cut-off streamed
#: document, and how a finished job tagged (its settings, for a resumed job to check).
SPOOL, JOURNAL, PARTIAL, SETTINGS = ".spool.jsonl", ".journal", ".partial", ".settings.json"
RESERVED_SUFFIXES = (JOURNAL, PARTIAL, SPOOL, SETTINGS)


def check_output(path, *, inputs=()):
    """Refuse an output path that cannot take a table, before any work is done.

    The output may not exist yet; if it does it must be a regular file (not
    a folder or a device such as /dev/stdout) and none of ``inputs``. It
    may not name a job's own files beside an output (``*.journal``,
    ``*.partial``, ``*.spool.jsonl``, ``*.settings.json``). Its folder must exist and take new
    files: a job refused only when it writes its last output would have
    done its work for nothing.

    Each error's :attr:`~policytext.errors.PolicytextError.value` is ``path``,
    for a caller to name the option it was given as (:meth:`~policytext.errors.PolicytextError.about`).

    Raises
    ------
    ParameterError
        For a path that the command gets wrong: a folder, a device, a
        reserved name, one of the inputs, or in a folder that does not
        exist (``policytext`` exits 2, bad usage).
    PolicytextError
        For a folder that exists but in which this process may not create
        files: the machine's state, not the command (exit 1).
    """
    out = Path(path)
    if any(_special(hop) for hop in _links(out)):
        raise ParameterError("the output is not a regular file (a device or a process's stream)", value=path)
    if os.path.abspath(out).endswith(RESERVED_SUFFIXES):
        raise ParameterError(f"names ending {', '.join(RESERVED_SUFFIXES)} are kept for a job's own files beside its output", value=path)
    try:
        info = os.stat(out)
    except FileNotFoundError:
        info = None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise ParameterError("the output is a folder", value=path)
        if not stat.S_ISREG(info.st_mode):
            raise ParameterError("the output is not a regular file", value=path)
        for item in inputs:
            try:
                if os.path.samefile(item, out):
                    raise ParameterError("the output is one of the input documents", value=path)
            except OSError:
                continue
    parent = Path(os.path.realpath(out)).parent
    if not parent.is_dir():
        raise ParameterError(f"no such folder {parent}", value=path)
    try:
        fd, trial = tempfile.mkstemp(prefix=".policytext-check-", dir=parent)
    except OSError as exc:
        raise PolicytextError(f"cannot write in the folder {parent} ({exc.strerror or exc})", value=path) from None
    os.close(fd)
    os.unlink(trial)


def _links(path, most=40):
    """``path`` (absolute), each path its links lead to hop by hop, and the real path of its folder and of itself.

    ``realpath`` alone would hide a hop through ``/proc/self/fd/2`` that
    ends at the file a shell redirected standard error to; the folder's real
    path shows a link to ``/proc/self/fd`` in the folders above.
    """
    hops = [os.path.abspath(path)]
    while os.path.islink(hops[-1]) and len(hops) <= most:
        hops.append(os.path.abspath(os.path.join(os.path.dirname(hops[-1]), os.readlink(hops[-1]))))
    return [*hops, os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.realpath(path)]


def _special(path):
    """Whether ``path`` is under /proc, or under /dev but for /dev/shm (an ordinary tmpfs)."""
    path = "/" + path.lstrip("/") + "/"  # POSIX keeps a leading "//"; the folders themselves count
    return path.startswith(_SPECIAL_FOLDERS) and not path.startswith("/dev/shm/")


def _umask():
    """The process's umask, read without setting it: os.umask() sets it, for a moment, for every thread."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):  # not Linux, or a kernel before 4.7
        umask = os.umask(0o022)
        os.umask(umask)
        return umask


@contextlib.contextmanager
def replacing(path, *, suffix=".tmp"):
    """A temporary file beside ``path`` that replaces it when the block ends without error.

    Yields the temporary file's name (``suffix`` is its ending, which tells
    some writers the format). A link is followed: its target is replaced
    and the link stays. The file gets the permissions a new file would
    (``mkstemp`` makes it private). On error the temporary file is removed
    and ``path`` is left as it was.
    """
    target = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        os.close(fd)
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_table(rows, columns, path, *, format=None, inputs=(), types=None):
    """Write ``rows`` to ``path`` with exactly ``columns``, in the path's format.

    Parameters
    ----------
    rows : iterable of dict
        Missing keys are written empty (None); keys outside ``columns`` are
        ignored. A list is converted whole; any other iterable is read as it
        is written, :data:`CHUNK_ROWS` rows at a time for Parquet (a row
        group each), so that a table larger than memory can be written: a
        column not named in ``types`` then takes the type of its values in
        the first chunk.
    columns : list of str
    path : str or os.PathLike
        ``.csv``, ``.jsonl``, ``.parquet`` or ``.xlsx``.
    format : str, optional
        Must agree with the extension if given (a check of the user's intent).
    inputs : list of paths, optional
        The documents the rows come from: the output may not be one of them.
    types : dict, optional
        ``{column: "int" | "float" | "bool" | "str"}`` for Parquet, so that a
        column keeps its type when every value in it is empty; columns not
        named are inferred, and written as text when they hold no value.
        The other formats write values as they are.

    Returns
    -------
    str
        The format written.

    Raises
    ------
    PolicytextError
        For an unknown extension, a disagreeing ``format``, an output that
        is a folder or a device, a missing extra, more rows than an Excel
        sheet holds, or (an iterable) a value of another type than its
        column's in the first chunk.
    """
    fmt = _format_for("write_table", path, format)
    check_output(path, inputs=inputs)
    writer = _WRITERS[fmt]
    columns = list(columns)
    if isinstance(rows, list):
        table = [[row.get(c) for c in columns] for row in rows]
    else:
        table = ([row.get(c) for c in columns] for row in rows)
    try:
        with replacing(path) as tmp:
            cut = writer(table, columns, tmp, types or {})
    except _TooManyRows as exc:
        # Named as the output, not the temporary file that was removed.
        raise PolicytextError(f"{path}: {exc}; write .csv or .parquet") from None
    except _ColumnMismatch as exc:
        raise PolicytextError(f"{path}: {exc}") from None
    if cut:
        # The cell says so, but a summary's evidence cell is then no longer the JSON list
        # it should be, and nobody opens every cell: said where the job reports.
        (n, column), more = cut[0], len(cut) - 1
        others = f" and {more:,} more" if more else ""
        warnings.warn(
            f"{path}: row {n:,}, column {column}{others}: cut to the {_EXCEL_CELL:,} characters an Excel cell holds; .csv, .jsonl or .parquet keep them whole",
            UserWarning,
            stacklevel=2,
        )
    return fmt


class _TooManyRows(Exception):
    """More rows than an Excel sheet holds (the message says how many)."""


class _ColumnMismatch(Exception):
    """A chunk's value of another type than its column's in the first chunk (Parquet)."""


#: Rows converted at a time when a table's rows come from an iterable (Parquet: one row group each).
CHUNK_ROWS = 50_000


def check_streamable(format):
    """Refuse a format that cannot be written to standard output (``-o -``): Parquet and Excel are files."""
    if format not in _STREAMED:
        raise ParameterError(f"-o -: {format} cannot be written to standard output; use --format jsonl or csv, or -o FILE.{format}")


def write_table_stream(rows, columns, stream, *, format):
    """Write ``rows`` with exactly ``columns`` to an open text stream (standard output), as CSV or JSON Lines.

    The text is what :func:`write_table` writes to a ``.csv`` (with the BOM
    Excel needs) or ``.jsonl`` file; Parquet and Excel are files, not
    streams, and are refused.

    >>> import io
    >>> out = io.StringIO()
    >>> write_table_stream([{"place": "青禾县", "value": 5.0}], ["place", "value"], out, format="jsonl")
    >>> out.getvalue()
    '{"place": "青禾县", "value": 5.0}\\n'
    """
    check_streamable(format)
    table = [[row.get(c) for c in columns] for row in rows]
    if format == "csv":
        stream.write("\ufeff")  # as the file's utf-8-sig encoding writes it
    _STREAMED[format](table, list(columns), stream)


def _write_csv(table, columns, path, types):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        _csv_to(table, columns, f)


def _csv_to(table, columns, f):
    writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in table)


def _write_jsonl(table, columns, path, types):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        _jsonl_to(table, columns, f)


def _jsonl_to(table, columns, f):
    for row in table:
        f.write(json.dumps(dict(zip(columns, (_json_safe(v) for v in row))), ensure_ascii=False) + "\n")


def _json_safe(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _write_parquet(table, columns, path, types):
    """Write ``table`` (a list, converted whole, or an iterable of rows, converted :data:`CHUNK_ROWS` at a time)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise PolicytextError(extra_needed("writing .parquet", "parquet")) from None
    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    chunks = [table] if isinstance(table, list) else _chunks(table, CHUNK_ROWS)
    schema, writer = None, None
    try:
        for chunk in chunks:
            arrays = []
            for i, c in enumerate(columns):
                values = [row[i] for row in chunk]
                if schema is None:
                    # A column with no value and no declared type is text: inferred, it
                    # would be of type null, and tables of two runs would not concatenate.
                    kind = types.get(c) or ("str" if all(v is None for v in values) else None)
                    arrays.append(pa.array(values, type=kinds.get(kind)))
                else:
                    try:
                        arrays.append(pa.array(values, type=schema.field(i).type))
                    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
                        raise _ColumnMismatch(f"column {c!r} holds a value that is not {schema.field(i).type}, its type in the first {CHUNK_ROWS:,} rows ({exc})") from None
            part = pa.table(arrays, names=columns)
            if writer is None:
                schema = part.schema
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(part)
        if writer is None:  # no rows: the columns, inferred from none (as text unless declared)
            _write_parquet([], columns, path, types)
    finally:
        if writer is not None:
            writer.close()


def _chunks(rows, size):
    """Lists of up to ``size`` items of the iterable ``rows``, in order."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _write_xlsx(table, columns, path, types):
    """Write ``table`` (a list, or an iterable of rows, each written to the sheet as it comes) in openpyxl's write-only mode."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise PolicytextError(extra_needed("writing .xlsx", "excel")) from None
    from openpyxl.cell import WriteOnlyCell

    if isinstance(table, list) and len(table) + 1 > EXCEL_ROWS:
        raise _TooManyRows(_too_many_rows(f"{len(table):,} rows"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(columns)
    cut = []  # (row, column) of each cell cut to Excel's limit
    for n, row in enumerate(table, 2):  # row 1 is the header
        if n > EXCEL_ROWS:
            raise _TooManyRows(_too_many_rows(f"more than {EXCEL_ROWS - 1:,} rows"))
        cut += [(n, column) for column, v in zip(columns, row) if isinstance(v, str) and len(v) > _EXCEL_CELL]
        sheet.append([_excel_cell(WriteOnlyCell, sheet, v) for v in row])
    book.save(path)
    return cut


def _too_many_rows(rows):
    # Excel opens no more, and "repairs" the file by dropping the rest.
    return f"{rows}, more than an Excel sheet holds ({EXCEL_ROWS - 1:,} and a header)"


#: The rows of an Excel sheet, the header's among them.
EXCEL_ROWS = 1_048_576
_EXCEL_CELL = 32_767
#: The control characters Excel refuses in a cell: all but tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def read_table(path, *, format=None):
    """Read back a table that :func:`write_table` wrote: its columns and its rows as dicts.

    For an output read again (``--resume`` on a finished .parquet or .xlsx).
    Values come back with the types the format keeps: Parquet's columns'
    types; in Excel numbers as numbers and text as text, with an empty cell
    as None; in CSV everything as text.

    Returns
    -------
    (list of str, list of dict)

    Raises
    ------
    PolicytextError
        For an unknown extension, a missing extra, or a file its format's
        library cannot read, naming the file.
    """
    fmt = _format_for("read_table", path, format)
    items = _reading(path, fmt, _whole(path, fmt) if fmt in ("csv", "jsonl") else _batches(path, fmt, CHUNK_ROWS))
    columns = next(items)
    return columns, [row for batch in items for row in batch]


def _whole(path, fmt):
    """The columns of a .csv or .jsonl table, then all its rows as dicts (read whole: these are written by lines)."""
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        yield list(reader.fieldnames or ())
    else:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        yield list(rows[0]) if rows else []
    yield rows


def read_table_batches(path, *, format=None, rows=CHUNK_ROWS):
    """:func:`read_table` for a table too large to hold: its columns, and an iterator of lists of up to ``rows`` row dicts.

    Parquet is read by pyarrow a batch at a time, and Excel a row at a time
    (openpyxl's read-only mode); CSV and JSON Lines are read whole. Errors
    are :func:`read_table`'s, those of a file damaged further on raised as
    the batches are read.
    """
    fmt = _format_for("read_table_batches", path, format)
    if fmt in ("csv", "jsonl"):
        columns, whole = read_table(path, format=fmt)
        return columns, (whole[i : i + rows] for i in range(0, len(whole), rows))
    items = _reading(path, fmt, _batches(path, fmt, rows))
    return next(items), items


def _batches(path, fmt, rows):
    """The columns of a .parquet or .xlsx table, then its rows as dicts, ``rows`` at a time."""
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise PolicytextError(extra_needed("reading .parquet", "parquet")) from None
        with pq.ParquetFile(path) as table:
            yield list(table.schema_arrow.names)
            for batch in table.iter_batches(batch_size=rows):
                yield batch.to_pylist()
        return
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise PolicytextError(extra_needed("reading .xlsx", "excel")) from None
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = book.worksheets[0].iter_rows(values_only=True)
        columns = list(next(cells, None) or ())
        yield columns
        for chunk in _chunks(cells, rows):
            yield [dict(zip(columns, row)) for row in chunk]
    finally:
        book.close()


def _reading(path, fmt, items):
    """``items``, with the errors of a file its format's library cannot read raised as PolicytextError naming the file."""
    try:
        yield from items
    except PolicytextError:
        raise
    except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, ParseError) as exc:
        # pyarrow's and openpyxl's errors for a damaged file are among these.
        raise PolicytextError(f"{path}: cannot be read as {fmt}: {exc}") from exc


def columns_of(path):
    """The columns of an existing table file, from its first line or its header only; None if it is not one.

    What tells a table policytext wrote from a file of the user's of the
    same name: its columns. A file that cannot be read as a table of its
    extension's format (or whose format's extra is missing) gives None.
    """
    try:
        fmt = _format_for("columns_of", path, None)
        if fmt in ("csv", "jsonl"):
            with open(path, encoding="utf-8-sig", newline="") as f:
                first = f.readline()
            if fmt == "csv":
                return next(csv.reader([first]), None)
            row = json.loads(first)
            return list(row) if isinstance(row, dict) else None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [str(c) for c in next(book.worksheets[0].iter_rows(values_only=True), None) or ()]
        finally:
            book.close()
    except (ImportError, OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, ParseError):
        # pyarrow's and openpyxl's errors for a file that is no table of theirs are among these.
        return None


def excel_text(text):
    """``text`` as an Excel cell holds it: without the control characters Excel refuses in a cell (all but tab and line breaks).

    What a name written to an .xlsx output reads back as: a job that resumes
    it compares the names of its documents so (:func:`policytext.outputs.document_key`).

    >>> excel_text("a\x01b.txt")
    'ab.txt'
    """
    return _CONTROL.sub("", text)


def _excel_cell(make, sheet, value):
    if not isinstance(value, str):
        return value
    value = excel_text(value)
    if len(value) > _EXCEL_CELL:
        # Beyond its limit Excel cuts the cell (or refuses the file); said in the cell, where it is seen.
        kept = _EXCEL_CELL - 60  # room for the note, which is shorter
        value = value[:kept] + f"…[{len(value) - kept:,} more characters cut: Excel holds {_EXCEL_CELL:,} a cell]"
    cell = make(sheet, value=value)
    # Text is text: openpyxl writes a value that starts with "=" as a formula,
    # and a report (or a file name) from anywhere may hold "=HYPERLINK(…)".
    cell.data_type = "s"
    return cell


_WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx}
#: The formats that can be written to a stream, and how.
_STREAMED = {"csv": _csv_to, "jsonl": _jsonl_to}

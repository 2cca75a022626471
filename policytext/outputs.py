"""Writing a job's outputs: one file per job, whole documents only, never clobbering.

:class:`RecordWriter` appends each document's records (:mod:`policytext.records`)
in one write, locks its output while a job writes it, and keeps a journal of
the documents that are whole, so a job that is killed or runs out of disk is
cut back to whole documents by ``resume``. :func:`check_outputs` refuses,
before any work, outputs that would destroy data; :func:`own_output` tells a
job's own files from a user's.
"""

import contextlib
import csv
import fcntl
import io
import itertools
import json
import os
import re
import stat
import warnings
from pathlib import Path

from ._validation import is_plain_int
from .corpus import PARTS
from .errors import ParameterError, PolicytextError, mention
from .records import COLUMNS, SECTION_JOIN, RecordBatch, from_row, one_line, same_document, shown, table_columns, to_row, unshown
from .tables import EXCEL_ROWS, JOURNAL, PARTIAL, SETTINGS, SPOOL, columns_of, excel_text, read_table_batches, replacing, require_format_extra

__all__ = ["ERRORS_HEAD", "FORMATS", "RecordWriter", "check_outputs", "document_key", "errors_text", "foreign_output", "own_output", "records_format", "replace_text", "write_refusal"]

FORMATS = ("jsonl", "csv", "parquet", "xlsx")
# Formats that cannot be appended to: written at the end from a JSON Lines spool.
_SPOOLED = ("parquet", "xlsx")

# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode


class RecordWriter:
    """Append documents' sentence records to JSON Lines or CSV, one document per write.

    Each document goes out in a single ``os.write`` on a file opened for
    appending, so an interrupted job leaves whole documents only and the file
    stays valid. Parquet cannot be appended to, so it is written to a JSON
    Lines spool beside the target and converted when the job ends.

    A *journal* beside the output records where each document ends once all
    of its records are written; ``resume`` cuts the output back to the last
    document the journal names and takes those as done. So a write cut short
    (a full disk, a kill, a streamed document stopped part-way) costs only
    that document, which the resumed job tags again. The journal is removed
    when the job ends normally. The output is locked while a job writes it:
    a second job on the same output is refused before it touches anything.

    How the job tags (``settings``: the model and context or not) is the
    journal's first line while it runs, and is kept when it ends in a small
    file beside the output (``<output>.settings.json``, written under a
    temporary name and renamed into place). A resumed job that would tag
    otherwise is refused before anything is written, and so is one whose
    model has other labels than the output's records (read from the records
    themselves, so also for an output of a version that kept no settings:
    such an output resumes with a warning). A file of that name that a job
    did not write is never replaced: the job is refused, and so it is for a
    file in the place of the journal, a table's spool or the mark of a
    cut-off document that versions before the journal kept (``.partial``),
    each checked before anything is opened: a stopped job's is used (or
    removed) as before.
    """

    def __init__(self, path, fmt, labels, *, resume=False, settings=None, read_back=None):
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
        self.fmt, self.labels, self.path = fmt, list(labels), path
        self.spool = f"{path}{SPOOL}" if fmt in _SPOOLED else path
        self.journal = f"{self.spool}{JOURNAL}"
        self.done = set()
        self.kept = []  # records held in memory: no output and no sink
        # Given each record of a finished output as a resumed job reads it back to know its
        # documents, in the output's order: a caller that counts them (a resumed summary)
        # then need not read the output again. read_whole says whether it saw every record.
        self._read_back, self.read_whole = read_back, False
        self.rows = 0  # records in the output (counted for .xlsx, whose sheet holds EXCEL_ROWS - 1)
        self._rows_at_mark = 0
        self._journal_fd = None
        self.settings = settings
        self.settings_file = None if path is None else f"{path}{SETTINGS}"
        if path is None:
            self.fd = None
            self._csv_header_needed = fmt == "csv"
            return
        require_format_extra(fmt, mention("format"), mentions={"format": fmt})
        # Read (and a file of the user's there refused) before the output is opened or created.
        told, kept_before = _read_settings(self.settings_file, path, fmt)
        # Likewise the journal, a table's spool and an earlier version's mark of a cut-off
        # document: each is emptied, cut or removed below, so a file of the user's there is refused first.
        _journal_entries(self.journal, path)
        if fmt in _SPOOLED:
            _check_sidecar(self.spool, _own_spool, f"a job keeps the records of {path} there until it writes the table")
        _check_sidecar(f"{self.spool}{PARTIAL}", _own_partial, f"a job of an earlier version marked there where {path} was cut short")
        self._settings_known = True  # False once a resume could not check how the output was tagged
        new_spool = fmt in _SPOOLED and not os.path.lexists(self.spool)
        self.fd = os.open(self.spool, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise PolicytextError(
                f"{path}: another policytext job is writing this output; wait for it to end or choose another output"
            ) from None
        try:
            written_with, entries, cut = _journal_entries(self.journal, path) if resume else (None, None, False)
            # A finished Parquet or Excel output: read (and checked) here,
            # its records go back to the spool below, the new documents'
            # records join them, and the table is written again at the end.
            # Again if a job was killed before its spool held a document or
            # while it restored: the table is only replaced when a job ends.
            if cut:
                # A journal being rebuilt from a finished output, cut short: it
                # names nothing for certain, and the output (or table) is whole.
                entries = None
            if resume and entries is None:
                # A finished output: its records' labels must be this model's, and
                # the settings its job kept (if any) say how it tagged.
                if fmt not in _SPOOLED:
                    self._check_first_record()
                if written_with is None and (os.fstat(self.fd).st_size > 0 or (fmt in _SPOOLED and os.path.isfile(path))):
                    written_with = told  # of an output still there: one removed since says nothing
            if written_with is not None and settings is not None and written_with != settings:
                # Records of two kinds in one output, and shares mixing them, with no sign of it.
                raise self._resume_refusal(
                    f"its documents so far were tagged {_settings_text(written_with)}, and this job would tag "
                    f"{_settings_text(settings)}; resume with the same model and options, or start again without {mention('resume')}",
                )
            restore = resume and fmt in _SPOOLED and os.path.isfile(path) and entries is None and (cut or os.fstat(self.fd).st_size == 0)
            restored = self._table_records() if restore else None
            # Read and checked before the journal is created: a job refused
            # here leaves no empty journal to be trusted by the next.
            finished = self._finished_documents() if resume and entries is None and not restore else None
            if (finished or (restored is not None and restored[0])) and settings is not None and written_with is None:
                # The journal of a finished job is gone, and with it how the job tagged:
                # this job cannot vouch for the output, so it keeps no settings for the next.
                self._settings_known = False
                warnings.warn(
                    f"{path}: a finished output does not say how its documents were tagged; this job tags "
                    f"{_settings_text(settings)}: resume only with the model and options of the job that wrote it",
                    UserWarning,
                    stacklevel=3,
                )
        except BaseException:
            os.close(self.fd)
            if new_spool:
                os.remove(self.spool)  # made by this job, and the table beside it untouched
            raise
        if not resume or restore:
            # Nothing to keep: a new job, or a spool and journal that hold no
            # more than a cut restore of the table.
            os.ftruncate(self.fd, 0)
            stale = [self.journal, f"{self.spool}{PARTIAL}"] + ([self.settings_file] if not resume and kept_before else [])
            for old in stale:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(old)
        elif cut:
            os.remove(self.journal)  # rebuilt below from the output
        self._journal_fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        header = ""
        if settings is not None and entries is None and self._settings_known:
            # A new journal says first how its documents are tagged, for a resumed job to check.
            header += json.dumps({"settings": settings}, ensure_ascii=False) + "\n"
        if restored is not None or finished is not None:
            # In the same write: a journal that names how a job tags but not
            # that it is rebuilding would read as a new job's, with nothing done.
            header += '{"restore": "begin"}\n'
        try:
            # A new job has emptied its output by now; a resumed one has not touched it.
            self._write_or_undo(self._journal_fd, header.encode("utf-8"), kept=self._as_it_was if resume else None)
            if restored is not None:
                self.done = self._restore(restored[1])
            elif resume:
                self.done = self._resume(entries, finished)
        except BaseException:
            self._abandon(new_spool)
            raise
        self._csv_header_needed = fmt == "csv" and os.fstat(self.fd).st_size == 0
        if fmt == "xlsx":
            self.rows = _count_lines(self.fd)  # one record a line, of the documents already done

    def _abandon(self, new_spool):
        """Release the output of a job stopped as it began (a full disk as it wrote its journal's first line).

        A journal it left empty goes: a resumed job would take it for one
        that names no whole document, and cut the output back to nothing.
        So does a table's spool it made and left empty.
        """
        with contextlib.suppress(OSError):
            if os.fstat(self._journal_fd).st_size == 0:
                os.remove(self.journal)
            if new_spool and os.fstat(self.fd).st_size == 0:
                os.remove(self.spool)
        os.close(self._journal_fd)
        os.close(self.fd)
        self.fd = None

    def _table_records(self):
        """The documents of a finished .parquet or .xlsx output, and a function that gives its records again, in lists, each document's in a row.

        Every record is read and checked first (refused unless this model's
        tag wrote it), a batch at a time, and read again as it is restored:
        a job holds a batch of records, not the table. Only a table whose
        documents' rows are apart (sorted since it was written) is gathered
        in memory, a document at a time, as a job writes them.
        """
        names, apart, last = set(), False, None
        for records in self._table_batches():
            for record in records:
                if record["file"] != last:
                    last, apart = record["file"], apart or record["file"] in names
                    names.add(last)
        self._check_found({unshown(name) for name in names})
        if not apart:
            return names, self._table_batches
        by_document = {}
        for records in self._table_batches():
            for record in records:
                by_document.setdefault(record["file"], []).append(record)
        return names, by_document.values

    def _table_batches(self):
        """The records of a finished .parquet or .xlsx output, a batch at a time, refused unless this model's tag wrote it."""
        columns, batches = read_table_batches(self.path, format=self.fmt, rows=_RESTORE_ROWS)
        self._check_columns(columns)
        n = 1  # row 1 is the header
        for rows in batches:
            records = []
            for row in rows:
                n += 1
                records.append(self._row_record(row, f"row {n}"))
            yield records

    def _check_columns(self, columns):
        """Refuse an output whose columns are not this model's: another model's labels, or no output of policytext tag."""
        columns, expected = [str(c) for c in columns], table_columns(self.labels)
        if columns == expected:
            return
        probs = columns[len(COLUMNS) :]
        if columns[: len(COLUMNS)] == list(COLUMNS) and probs and all(c.startswith("p_") for c in probs):
            self._refuse_labels([c[2:] for c in probs])
        raise PolicytextError(
            f"{self.path}: not an output of policytext tag with this model's labels: its columns are "
            f"{', '.join(columns) or 'none'}, and this model writes {', '.join(expected)}"
        )

    def _refuse_labels(self, labels):
        raise self._resume_refusal(
            f"its records were tagged with the labels {', '.join(map(str, labels))}, and this model's labels are "
            f"{', '.join(self.labels)}; resume with the model that wrote it, or start again without {mention('resume')}",
        )

    def _resume_refusal(self, detail, *, parameter=None):
        """The error of this output that names the option ``resume`` (where ``detail`` has :func:`~policytext.errors.mention` of it)."""
        return PolicytextError(detail, parameter=parameter, value=self.path, mentions={"resume": True})

    def _record_in(self, line, which):
        """The record a JSON Lines ``line`` of the output holds, refused unless it is one of this model's
        (:meth:`_check_record`); ``which`` names the line in the message ("its first line", "line 5")."""
        try:
            record = _loads_line(line)
        except ValueError:
            raise PolicytextError(f"{self.path}: not an output of policytext tag: {which} is not JSON") from None
        self._check_record(record)
        return record

    def _row_record(self, row, where):
        """The record a table row (CSV, Parquet, Excel) holds, checked (:meth:`_checked`); ``where`` names the row."""
        try:
            record = from_row(row, self.labels)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise self._unreadable(where, f"{type(exc).__name__}: {exc}") from None
        return self._checked(record, where)

    def _checked(self, record, where):
        """``record``, read back from the output, refused unless it is one a job writes (:func:`_record_problem`):
        a hand-edited label, part, score or probability failed later, in the summary, with a traceback or a message naming no line."""
        problem = _record_problem(record, self.labels)
        if problem is not None:
            raise self._unreadable(where, problem)
        return record

    def _unreadable(self, where, problem):
        return PolicytextError(f"{self.path}: {where} cannot be read back as a record ({problem})")

    def _check_record(self, record):
        """Refuse a JSON Lines record of another model's labels (or none of policytext tag's)."""
        if not (isinstance(record, dict) and isinstance(record.get("probs"), dict) and "file" in record):
            raise PolicytextError(f"{self.path}: not an output of policytext tag: a line is not a sentence record (file, …, probs)")
        if list(record["probs"]) != self.labels:
            self._refuse_labels(list(record["probs"]))

    def _check_first_record(self):
        """Refuse a finished JSON Lines or CSV output whose first record (or header) is of other labels,
        before anything is cut or written: every record is checked as the output is read (:meth:`_documents_in`)."""
        with self._decoding(), open(self.spool, encoding="utf-8-sig", newline="") as f:
            first = f.readline()
        if not first.endswith("\n"):
            return  # empty, or one line cut short, which resume drops
        if self.fmt == "csv":
            self._check_columns(next(csv.reader([first])))
        else:
            self._checked(self._record_in(first, "its first line"), "line 1")

    def _restore(self, batches):
        """Write a finished table's records (lists of them from ``batches()``, each document's in a row) to the spool,
        each document then named in the journal.

        The journal marks where the restore begins (with its first line)
        and ends: a job killed between the two restores the table again.
        """
        done, current = set(), None
        for records in batches():
            # Each document by its path (:func:`~policytext.records.unshown`), as the journal names it.
            for name, group in itertools.groupby(records, key=lambda r: unshown(r["file"])):
                if name != current:
                    if current is not None:
                        self._commit(current)
                    current = name
                    done.add(name)
                group = list(group)
                self._write_or_undo(self.fd, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in group).encode("utf-8"), kept=self._as_it_was)
                if self._read_back is not None:
                    for record in group:
                        self._read_back(record)
        if current is not None:
            self._commit(current)
        self._write_or_undo(self._journal_fd, b'{"restore": "end"}\n', kept=self._as_it_was)
        self.read_whole = self._read_back is not None
        return done

    def _finished_documents(self):
        """The documents of an output that has no journal: a finished job's (or one written before journals).

        Every document in it is whole but a cut-short streamed one or last
        line, which are cut off first.
        """
        self._cut_back_partial()
        done = {unshown(name) for name in self._documents_in(self.spool)}
        self._check_found(done)
        return done

    def _check_found(self, names):
        """Refuse documents (paths, :func:`~policytext.records.unshown`) named relative to another folder:
        they would match nothing here, and every document would be tagged and written again."""
        relative = [name for name in names if not os.path.isabs(name)]
        if relative and not any(self._found(name) for name in relative):
            raise self._resume_refusal(
                f"its documents are named relative to the folder its job ran in "
                f"(such as {shown(min(relative))!r}), and none is found from {os.getcwd()}; run {mention('resume')} from that folder",
            )

    def _found(self, name):
        """Whether the document ``name`` (as the output holds it) is found from here: in an .xlsx output,
        one whose name held control characters is named without them (:func:`document_key`)."""
        if os.path.lexists(name):
            return True
        if self.fmt != "xlsx":
            return False
        folder, base = os.path.split(name)
        with contextlib.suppress(OSError):
            return any(excel_text(entry) == base for entry in os.listdir(folder or "."))
        return False

    def _resume(self, entries, finished):
        """The documents already whole in the output, after cutting off any that are not.

        ``entries`` are the journal's, or None when there was no journal;
        then ``finished`` are the documents found in the output.
        """
        if entries is None:
            for name in sorted(finished):
                self._commit(name)
            self._write_or_undo(self._journal_fd, b'{"restore": "end"}\n', kept=self._as_it_was)
            return finished
        end = entries[-1][0] if entries else 0
        if os.fstat(self.fd).st_size > end:
            os.ftruncate(self.fd, end)
        return {unshown(name) for _, name in entries}

    def _commit(self, path, undo=None):
        """Record in the journal that the document ``path`` is whole in the output
        (which is cut back to ``undo``, where the document began, if the journal cannot be written).

        The journal names it by its real path (:func:`same_document`), so a
        job resumed from another folder still knows it.
        """
        entry = json.dumps({"end": os.fstat(self.fd).st_size, "file": shown(path), "real": same_document(path)}, ensure_ascii=False) + "\n"
        try:
            self._write_or_undo(self._journal_fd, entry.encode("utf-8"))
        except PolicytextError:
            if undo is not None:
                # The document's records are whole, but the journal cannot say so: they go too.
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, undo)
            raise

    def _documents_in(self, path):
        """Documents whose records are in an existing output (whole, as each was one write)."""
        self._truncate_partial_line(path)
        found, read_back = set(), self._read_back
        # Each record read once, for the documents and for the caller (read_back).
        for record in self._read_records(path):
            found.add(record["file"])
            if read_back is not None:
                read_back(record)
        self.read_whole = read_back is not None
        return found

    def _read_records(self, path):
        """Every record of the JSON Lines or CSV output at ``path``, in order: the one place a resumed job reads
        them back, each checked there (:meth:`_checked`; an output mixed by an earlier version's resume is refused too)."""
        with self._decoding(), open(path, encoding="utf-8-sig", newline="") as f:
            if self.fmt == "csv":
                for n, row in enumerate(csv.DictReader(f), 2):  # row 1 is the header
                    yield self._row_record(row, f"row {n}")
                return
            for n, line in enumerate(f, 1):
                if line.strip():
                    where = f"line {n}"
                    yield self._checked(self._record_in(line, where), where)

    @contextlib.contextmanager
    def _decoding(self):
        """Refuse an output that is not UTF-8 (saved again in another encoding) by name, not by the codec's words alone."""
        try:
            yield
        except UnicodeDecodeError:
            raise self._resume_refusal(
                f"its records are not UTF-8, as policytext writes them (saved again in another encoding?); it is left as it is: "
                f"save it as UTF-8 again and run again with {mention('resume')}, or start again without {mention('resume')}",
                parameter="output",
            ) from None

    @staticmethod
    def _truncate_partial_line(path, block=1 << 16):
        # A write cut short by a full disk leaves a partial last line; drop
        # it. Only the end of the file is read: outputs run to gigabytes.
        with open(path, "rb+") as f:
            end = f.seek(0, os.SEEK_END)
            pos = end
            while pos > 0:
                start = max(0, pos - block)
                f.seek(start)
                data = f.read(pos - start)
                if pos == end and data.endswith(b"\n"):
                    return
                newline = data.rfind(b"\n")
                if newline >= 0:
                    f.truncate(start + newline + 1)
                    return
                pos = start
            if end:
                f.truncate(0)

    def write(self, result, *, sink=None):
        """Append one document's records (to ``sink`` when writing to standard output).

        A result whose records were encoded where they were tagged
        (``result.encoded``, JSON Lines) is written as it is."""
        mark = self.begin_stream()
        self.append(result.encoded if result.encoded is not None else result.records, sink=sink)
        if self.fd is not None:
            self._commit(result.path, undo=mark)
        self.done.add(result.path)

    def append(self, records, *, sink=None):
        """Append records in one write: a whole document, or part of a streamed one.

        With neither an output file nor a ``sink``, the records are kept in
        :attr:`kept`."""
        if self.fd is None and sink is None:
            self.kept.extend(records)
            return
        if self.fmt == "xlsx" and self.fd is not None:
            self._check_sheet_rows(len(records))
        if isinstance(records, bytes):
            if self.fmt != "jsonl":
                raise ValueError(f"encoded records are JSON Lines; this output is {self.fmt}")
            data = records
        elif self.fmt == "csv":
            data = self._csv(records)
        elif isinstance(records, RecordBatch):
            data = records.jsonl()
        else:
            data = "".join(f"{line}\n" for line in map(_ENCODE_JSON, records)).encode("utf-8")
        if self.fd is None:
            sink.write(data if isinstance(data, str) else data.decode("utf-8"))
            sink.flush()
            return
        self._write_or_undo(self.fd, data if isinstance(data, bytes) else data.encode("utf-8"))
        if self.fmt == "xlsx":
            self.rows += len(records)

    def _check_sheet_rows(self, more):
        """Refuse records past what an Excel sheet holds as soon as the job reaches them, before they are written:
        the table is written only when the job ends, and a job refused then would have tagged the rest for nothing."""
        if self.rows + more + 1 <= EXCEL_ROWS:
            return
        kept = len(self.done)
        raise self._resume_refusal(
            f"the records pass {EXCEL_ROWS - 1:,}, the most an Excel sheet holds (and a header), "
            f"so the job stops here; tag to .parquet, .csv or .jsonl instead. The records of the {kept:,} whole "
            f"document{'s' if kept != 1 else ''} tagged so far are kept in {self.spool} (JSON Lines), "
            f"and {mention('resume')} with this output stops the same way",
            parameter="output",
        )

    @property
    def _as_it_was(self):
        """What a write that fails as a job begins or restores a table keeps: the output, untouched."""
        return f"{self.path} is as it was"

    def _write_or_undo(self, fd, payload, kept=None):
        """Write ``payload`` to the output or its journal; a write error (a full disk, a file-size limit)
        cuts the file back to where it was, so it holds whole lines only, and names the output, what it
        ``kept`` (by default its whole documents) and the remedy (:func:`write_refusal`)."""
        mark = os.fstat(fd).st_size
        try:
            _write_all(fd, payload)
        except OSError as exc:
            with contextlib.suppress(OSError):  # shrinking a file needs no space
                os.ftruncate(fd, mark)
            raise self._write_refusal(exc, kept) from exc

    def _write_refusal(self, exc, kept=None):
        if kept is None:
            n = len(self.done)
            kept = f"it keeps {n:,} whole document{'s' if n != 1 else ''}"
        return write_refusal(exc, "output", self.path, kept, f"run again with {mention('resume')}", mentions={"resume": True})

    # A streamed document is written in many appends; the journal names it
    # only when its last append is done, so a job killed part-way (even by
    # SIGKILL, which runs no clean-up) is cut back to whole documents when
    # resumed.

    def begin_stream(self):
        """Note where a streamed document begins; returns the mark for :meth:`rollback`."""
        self._rows_at_mark = self.rows
        return None if self.fd is None else os.fstat(self.fd).st_size

    def end_stream(self, path, *, mark=None):
        """The streamed document ``path``, begun at ``mark`` (:meth:`begin_stream`), is complete."""
        if self.fd is not None:
            self._commit(path, undo=mark)
            self.done.add(path)

    def rollback(self, mark):
        """Drop what was appended since ``mark`` (standard output cannot be taken back)."""
        if self.fd is not None:
            os.ftruncate(self.fd, mark)
            self._csv_header_needed = self.fmt == "csv" and mark == 0
            self.rows = self._rows_at_mark

    def _cut_back_partial(self):
        """Outputs of versions before the journal: cut back to where an unfinished streamed document began."""
        partial = f"{self.spool}{PARTIAL}"
        if not os.path.exists(partial):
            return
        with open(partial, encoding="utf-8") as f:
            mark = f.read().strip()
        if mark:  # empty: its job was stopped before it wrote the mark
            os.ftruncate(self.fd, int(mark))
        os.remove(partial)

    def _csv(self, records):
        buf = io.StringIO()
        # RFC 4180 line ends: the csv module quotes a field holding any
        # character of the terminator, so a \r in a file name or a sentence
        # stays inside its row only if \r is part of it.
        writer = csv.writer(buf, lineterminator="\r\n")
        if self._csv_header_needed:
            if self.fd is not None:
                buf.write("\ufeff")  # the BOM Excel needs to read UTF-8, as every CSV file policytext writes has
            writer.writerow(table_columns(self.labels))
            self._csv_header_needed = False
        rows = records.rows() if isinstance(records, RecordBatch) else (to_row(r, self.labels) for r in records)
        # Probabilities as JSON Lines writes them, with 6 decimals ("0.000049", not "4.9e-05").
        first = COLUMNS.index("score")
        writer.writerows([*row[:first], *(f"{p:.6f}" for p in row[first:])] for row in rows)
        return buf.getvalue()

    def close(self, *, complete=True):
        """Release the output. ``complete``: the job ended normally, so the
        journal is no longer needed (and Parquet is written from the spool);
        otherwise both stay for ``resume``."""
        if self.fd is None:
            return
        os.close(self._journal_fd)
        try:
            if complete:
                self._finish()
        finally:
            os.close(self.fd)  # last: it holds the lock
            self.fd = None

    def _finish(self):
        """Write a table from its spool, keep the settings, and remove the journal (and spool): the job ended normally.

        A write error (a full disk) leaves the journal and spool for ``resume``, and says so."""
        n = len(self.done)
        if self.fmt in _SPOOLED:
            try:
                _spool_to_table(self.spool, self.path, self.labels)
            except OSError as exc:
                raise self._write_refusal(exc, f"the records of its {n:,} whole document{'s' if n != 1 else ''} are kept in {self.spool} (JSON Lines)") from exc
        # Kept before the journal goes: a job stopped between the two has both, and the journal says.
        if self.settings is not None and self._settings_known:
            try:
                _write_settings(self.settings_file, self.path, self.fmt, self.labels, self.settings)
            except OSError as exc:
                raise self._write_refusal(exc, f"it keeps {n:,} whole document{'s' if n != 1 else ''}, and how {'they were' if n != 1 else 'it was'} tagged is not yet kept in {self.settings_file}") from exc
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.settings_file)  # checked as a job's when the job began; it cannot speak for this output
        os.remove(self.journal)
        if self.fmt in _SPOOLED:
            os.remove(self.spool)

    def records(self):
        """Read back every record of a JSON Lines or CSV output (for summaries after a resume), each checked as it is read."""
        return self._read_records(self.spool)


def _record_problem(record, labels):
    """What makes ``record`` (read back from an output) one that no job of ``labels`` writes, or None if it is one.

    Each field is checked for what the summary does with it: a label or
    part it counts by, a score it adds, probabilities it sums. Records are
    read back by the million: one that is whole passes one test of each field,
    and only one that is not is looked at again for the reason.
    """
    if not isinstance(record, dict):
        return "not a record"
    get = record.get
    probs, section = get("probs"), get("section")
    if (
        isinstance(get("file"), str) and isinstance(get("text"), str)
        and is_plain_int(get("index")) and is_plain_int(get("start")) and is_plain_int(get("end"))
        and get("part") in PARTS and get("label") in labels and _is_probability(get("score"))
        and isinstance(probs, dict) and list(probs) == labels and all(map(_is_probability, probs.values()))
        and isinstance(section, list) and all(isinstance(s, str) for s in section)
    ):  # fmt: skip
        return None
    return _record_fault(record, labels)


def _is_probability(value):
    return type(value) in _NUMBERS and 0 <= value <= 1


_NUMBERS = {float, int}  # JSON's numbers as json.loads gives them (True is a bool, refused)


def _record_fault(record, labels):
    """The first field of ``record`` that :func:`_record_problem` finds wrong, in words."""
    for key in ("file", "text"):
        if not isinstance(record.get(key), str):
            return f"its {key} is not text"
    for key in ("index", "start", "end"):
        if not is_plain_int(record.get(key)):
            return f"its {key} is not a whole number"
    section = record.get("section")
    if not (isinstance(section, list) and all(isinstance(s, str) for s in section)):
        return "its section is not a list of headings"
    if record.get("part") not in PARTS:
        return f"its part {_shown_value(record.get('part'))} is none of {', '.join(PARTS)}"
    if record.get("label") not in labels:
        return f"its label {_shown_value(record.get('label'))} is none of this model's ({', '.join(labels)})"
    probs = record.get("probs")
    values = [("score", record.get("score"))] + ([(f"probability of {k}", v) for k, v in probs.items()] if isinstance(probs, dict) else [])
    for name, value in values:
        if not _is_probability(value):
            return f"its {name} {_shown_value(value)} is not a number from 0 to 1"
    return f"its probabilities are not of this model's labels ({', '.join(labels)})"


def _shown_value(value):
    """A value of a record as a message shows it: JSON, cut to 40 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# The scanner json.loads runs (C), set on a decoder as it is made; not in its type hints.
_SCAN_JSON = getattr(json.JSONDecoder(), "scan_once")


def _loads_line(line):
    """``json.loads(line)``, without its checks of where a value begins and ends for a line
    that is one value and its line end, as an output's are: read back by the hundred thousand."""
    try:
        value, end = _SCAN_JSON(line, 0)
    except StopIteration:  # white space or a byte-order mark first, or no JSON: json.loads says which
        return json.loads(line)
    if end < len(line) and line[end:] not in ("\n", "\r\n"):
        return json.loads(line)  # more after the value
    return value


def _write_all(fd, payload):
    """Write all of ``payload``; os.write may write part of it (a full disk raises on the rest)."""
    while payload:
        payload = payload[os.write(fd, payload) :]


def _count_lines(fd, block=1 << 20):
    """The lines in the open file ``fd`` (read from its start, a block at a time, without moving its offset)."""
    lines, at = 0, 0
    while data := os.pread(fd, block, at):
        lines += data.count(b"\n")
        at += len(data)
    return lines


def _journal_entries(path, output):
    """The settings a journal was written with (or None), ``(end, real path)`` of each document it names,
    and whether it holds a restore of a finished table that was cut short.

    ``(None, None, False)`` if there is no journal. A last line cut short
    (the journal's own write interrupted) is ignored: its document is not
    whole for certain. A file there that is not a journal of policytext's
    (:func:`_journal_lines`) is refused: it is the user's, and a job would
    remove it or append to it.
    """
    lines = _check_sidecar(path, _journal_lines, f"a job keeps its journal of {output} there")
    if lines is None:
        return None, None, False
    settings, entries, restoring = None, [], False
    for entry in lines:
        if "settings" in entry:
            settings = entry["settings"]
        elif "restore" in entry:
            restoring = entry["restore"] == "begin"
        else:
            # Journals before real paths were kept name the file as given.
            entries.append((entry["end"], entry.get("real", entry["file"])))
    return settings, entries, restoring


def _check_sidecar(file, read, what):
    """``read(file)`` of a job's own file beside an output, None if there is none; refused
    (ParameterError, naming the file and ``what`` a job keeps there) if it is not one policytext wrote."""
    there, found = _read_sidecar(file, read)
    if there and found is None:
        raise ParameterError(f"{file}: not a file policytext wrote, and {what}; move it away or choose another output")
    return found


def _read_sidecar(file, read):
    """``(there, found)``: whether ``file`` exists, and ``read(file)`` if it is a regular file that ``read``
    finds policytext wrote (else None: ``read`` returns None for a file of another form)."""
    try:
        info = os.lstat(file)
    except FileNotFoundError:
        return False, None
    if not stat.S_ISREG(info.st_mode):
        return True, None
    try:
        return True, read(file)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON
        return True, None


#: How every line of a journal begins: how its job tags, a restore's start or end, a document's end.
_JOURNAL_OPENS = ('{"settings": ', '{"restore": ', '{"end": ')


def _begins_as(text, opens):
    """Whether ``text`` (a line cut short) begins as one of ``opens``, or is the start of one."""
    return any(text.startswith(o) or o.startswith(text) for o in opens)


def _journal_lines(path):
    """The entries of the journal at ``path`` (dicts), or None if it is not one policytext wrote:
    every whole line is one of its entries, and a last line cut short begins as one."""
    with open(path, "rb") as f:
        *whole, cut = f.read().split(b"\n")  # what follows the last line break is unfinished
    # A line cut short may end inside a character (the power lost mid-write): only whole lines must be UTF-8.
    rest = cut.decode("utf-8", errors="ignore")
    if rest and not _begins_as(rest, _JOURNAL_OPENS):
        return None
    entries = []
    for line in map(bytes.decode, whole):
        try:
            entry = json.loads(line)
        except ValueError:
            return None
        if not (isinstance(entry, dict) and line.startswith(_JOURNAL_OPENS)):
            return None
        if "settings" in entry:
            ok = set(entry) == {"settings"} and isinstance(entry["settings"], dict)
        elif "restore" in entry:
            ok = set(entry) == {"restore"} and entry["restore"] in ("begin", "end")
        else:
            ok = set(entry) <= {"end", "file", "real"} and is_plain_int(entry["end"]) and isinstance(entry.get("file"), str)
        if not ok:
            return None
        entries.append(entry)
    return entries


def _own_spool(path):
    """True if the file at ``path`` is a table's spool of policytext's: empty, or its first line a sentence record
    (or the start of one, cut short); None otherwise. Only the first line is read: spools run to gigabytes."""
    with open(path, "rb") as f:
        first = f.readline()
    if not first.endswith(b"\n"):  # cut short, perhaps inside a character
        return True if _begins_as(first.decode("utf-8", errors="ignore"), ('{"file": ',)) else None
    record = json.loads(first.decode("utf-8"))
    return True if isinstance(record, dict) and "file" in record and isinstance(record.get("probs"), dict) else None


def _own_partial(path):
    """True if the file at ``path`` is the mark of a cut-off document that versions before the journal kept
    (where the document began: a number, or nothing if cut short); None otherwise."""
    with open(path, encoding="utf-8") as f:
        return True if re.fullmatch(r"\d*\n?", f.read()) else None


def _read_settings(file, output, fmt):
    """``(settings, kept)``: the settings a finished job kept in ``file`` for ``output`` as it is now (else None),
    and whether ``file`` is one a job kept.

    The file names the output, its format, and its size and a checksum of
    its ends when the job ended (:func:`_file_state`): an output written
    over since (a shell's ``>``, another tool) is no longer the one the
    file speaks of, and its settings are None; one copied or touched is. A file there that a job did not write (not
    a regular file, not JSON of its form) is refused: it is the user's, and
    a job would replace it.
    """
    data = _check_sidecar(file, _kept_settings, f"a job keeps how it tagged {output} there")
    if data is None:
        return None, False
    same = data.get("output") == os.path.basename(output) and data.get("format") == fmt and _same_state(data.get("state"), output)
    return (data["settings"] if same else None), True


def _kept_settings(file):
    """What a finished job kept in ``file`` (:func:`_write_settings`), or None if it is not a file of that form."""
    with open(file, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict) and str(data.get("written_by", "")).startswith("policytext ") and isinstance(data.get("settings"), dict):
        return data
    return None


def _write_settings(file, output, fmt, labels, settings):
    """Keep how a finished job tagged ``output``, in ``file``: written whole under a temporary name, then renamed."""
    from ._version import __version__

    data = {
        "written_by": f"policytext {__version__}",
        "output": os.path.basename(output),
        "format": fmt,
        "labels": list(labels),
        "settings": settings,
        "state": _file_state(output),
    }
    replace_text(file, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _file_state(path):
    """``[size, checksum]`` of the file at ``path``, or None if there is none: what tells a finished output from one written over since.

    Not its modification time: a copy (``cp -r``, ``scp``, ``rsync``
    without ``-t``) or a ``touch`` changes that and not the records, and
    the settings kept for them were taken for another output's. The
    checksum is of the first and last :data:`_STATE_BYTES` only: outputs
    run to gigabytes, and a tool that writes over an output changes its
    size or its ends.
    """
    import hashlib

    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            digest = hashlib.sha256(f.read(_STATE_BYTES))
            if size > _STATE_BYTES:
                f.seek(max(_STATE_BYTES, size - _STATE_BYTES))
                digest.update(f.read())
    except OSError:
        return None
    return [size, f"sha256:{digest.hexdigest()}"]


#: The bytes at each end of an output that its checksum is of (:func:`_file_state`).
_STATE_BYTES = 1 << 16


def _same_state(kept, path):
    """Whether the file at ``path`` is the one whose state (:func:`_file_state`) a job ``kept``."""
    if isinstance(kept, list) and len(kept) == 2 and is_plain_int(kept[1]):
        # Kept by an earlier version: the size and modification time in nanoseconds.
        try:
            info = os.stat(path)
        except OSError:
            return False
        return kept == [info.st_size, info.st_mtime_ns]
    return kept is not None and kept == _file_state(path)


def _settings_text(settings):
    context = "in context" if settings.get("context") else "without context"
    return f"{context} by the model {settings.get('model', '?')}"


#: The rows of a finished table read back at a time by a resumed job (some 4 KB each as dicts and records).
_RESTORE_ROWS = 10_000


def _spool_to_table(spool, path, labels):
    """Write the records of a JSON Lines spool to ``path`` (.parquet or .xlsx).

    The spool is read as the table is written, so the job holds a block of
    records, not all of them: Parquet is converted by pyarrow a block of
    lines at a time (:func:`_spool_to_parquet`), and Excel is written by
    :func:`policytext.tables.write_table` a row at a time.
    """
    from .tables import check_output, format_of, write_table

    if format_of(path) == "parquet":
        check_output(path)
        with replacing(path) as tmp:
            _spool_to_parquet(spool, tmp, labels)
        return
    columns = table_columns(labels)
    with open(spool, encoding="utf-8") as f:
        write_table((dict(zip(columns, to_row(r, labels))) for r in map(json.loads, f)), columns, path)


#: The bytes of a spool's lines converted to Parquet at a time (a row group each; some 15,000 records).
_SPOOL_BLOCK = 8 << 20


def _spool_to_parquet(spool, path, labels, block=_SPOOL_BLOCK):
    """Write a spool's records to the Parquet file ``path`` a block of whole lines at a time, with pyarrow's JSON reader.

    The table is the one :func:`to_row` of every record makes: the section
    joined by :data:`SECTION_JOIN`, the probabilities as ``p_<label>``, and
    every column's type fixed (text, 64-bit integers, doubles).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    text, integer, real = pa.string(), pa.int64(), pa.float64()
    kinds = {"file": text, "index": integer, "start": integer, "end": integer, "section": pa.list_(text), "text": text, "part": text, "label": text, "score": real}
    parse = pj.ParseOptions(explicit_schema=pa.schema([*kinds.items(), ("probs", pa.struct([(label, real) for label in labels]))]), unexpected_field_behavior="ignore")
    names = table_columns(labels)
    schema = pa.schema([(c, text if c == "section" else kinds.get(c, real)) for c in names])
    with open(spool, "rb") as f, pq.ParquetWriter(path, schema) as writer:
        rest = b""
        while True:
            data = f.read(block)
            lines = rest + data
            cut = lines.rfind(b"\n") + 1 if data else len(lines)  # the last line may lack its line break
            rest, lines = lines[cut:], lines[:cut]
            if lines.strip():
                try:
                    read = pj.read_json(io.BytesIO(lines), read_options=pj.ReadOptions(use_threads=False, block_size=len(lines)), parse_options=parse)
                except pa.ArrowInvalid as exc:
                    raise PolicytextError(f"{spool}: a line is not a sentence record ({exc})") from None
                probs = read.column("probs")
                columns = [pc.binary_join(read.column(c), SECTION_JOIN) if c == "section" else read.column(c) for c in COLUMNS]
                table = pa.table([*columns, *(pc.struct_field(probs, [i]) for i in range(len(labels)))], schema=schema)
                missing = [c for c in names if table.column(c).null_count]
                if missing:  # to_row would have failed on it
                    raise PolicytextError(f"{spool}: a line is not a sentence record (no {missing[0]!r})")
                writer.write_table(table)
            if not data:
                return


def document_key(path, fmt):
    """What identifies the document ``path`` in an output of format ``fmt`` across runs: its real path
    (:func:`~policytext.records.same_document`), in an .xlsx output as an Excel cell holds it
    (:func:`~policytext.tables.excel_text`).

    A name read back from an .xlsx output has lost its control characters: compared as it was
    written, it matched no document, and each resume tagged that document again.
    """
    key = same_document(path)
    return excel_text(key) if fmt == "xlsx" else key


def records_format(output, format):
    """The records' format: the output's extension, which a given ``format`` must agree with.

    Raises :class:`~policytext.errors.ParameterError` (a usage mistake) for
    an extension that names no format, or a ``format`` that disagrees.
    """
    if output is None:
        return format or "jsonl"
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        if format is None:
            raise ParameterError(f"{output}: cannot tell the records' format from the extension; use .jsonl, .csv, .parquet or .xlsx")
        return format
    if format is not None and format != suffix:
        raise ParameterError(f"{mention('format')} disagrees with the extension .{suffix}", value=output, mentions={"format": format})
    return suffix


def check_outputs(outputs, inputs, *, own=(), force=False, resume=False, read=None):
    """Refuse outputs that would destroy data, before any is opened.

    ``outputs`` maps an option's name to its path (None where not given).
    Each must be absent or a regular file (not a folder, not a device such
    as /dev/stdout), none may be one of the ``inputs`` or a file the job
    reads besides them (``read``: an option's name to its path, as
    ``{"meta": "places.csv"}``; :func:`refuse_read_files`), and no two may be
    the same file. An existing ``output``, ``summary``, ``panel``,
    ``errors`` or ``plot`` file must be one of ``own`` (the paths the job found to be
    policytext's outputs of their kind, or empty: :func:`own_output`, asked
    once before the documents are searched), unless ``force``; with
    ``resume`` the records ``output`` is checked by the job that resumes it.

    Raises
    ------
    ParameterError
        Naming the option (its :attr:`~policytext.errors.PolicytextError.parameter`)
        and the path, for a path the command gets wrong
        (see :func:`policytext.tables.check_output`), one given twice, or
        a file of the user's that the job would replace.
    PolicytextError
        Naming the option and the path, for a folder this process may not write in.
    """
    from .tables import check_output

    given = {name: path for name, path in outputs.items() if path is not None}
    refuse_read_files(given, read)
    seen = {}
    for name, path in given.items():
        try:
            check_output(path, inputs=inputs)
        except PolicytextError as exc:
            raise exc.about(name) from None
        key = os.path.realpath(path)
        if key in seen:
            first = seen[key]
            raise ParameterError(f"the same file as {mention(first)}; give each output its own file", parameter=name, value=path, mentions={first: None})
        seen[key] = name
        if force or name not in _OWN_KINDS or (resume and name == "output") or not os.path.isfile(path):
            continue
        if path not in own:
            raise foreign_output(name, name, path)


def refuse_read_files(outputs, read):
    """Refuse an output (``outputs``: an option's name to its path) that is a file the job reads (``read``, the same).

    A ``--meta`` table laid out as a summary (file, place, place_full, level,
    year) was replaced by the summary it was read for, even with no ``--force``
    asked for: an input is never an output, forced or not.
    """
    for source, wanted in (read or {}).items():
        if wanted is None:
            continue
        for name, path in outputs.items():
            with contextlib.suppress(OSError):  # an output not made yet is no file read
                if path is not None and os.path.samefile(path, wanted):
                    raise ParameterError(
                        f"the same file as {mention(source)}, which the job reads; give the output its own file",
                        parameter=name,
                        value=path,
                        mentions={source: None},
                    )


def foreign_output(parameter, kind, path):
    """The refusal of an existing file ``path``, given as the option ``parameter``, that is not an output of ``kind`` policytext wrote (:func:`own_output`)."""
    return ParameterError(
        f"the file exists and is not {_OWN_KINDS[kind]} policytext wrote; choose another file, or add {mention('force')} to replace it",
        parameter=parameter,
        value=path,
        mentions={"force": True},
    )


#: The outputs a job recognises as its own before replacing them, and what each is called.
_OWN_KINDS = {
    "output": "a records output", "summary": "a summary", "panel": "a panel", "errors": "a list of failed documents",
    "targets": "a targets table", "plot": "a plot",
}  # fmt: skip
_SUMMARY_HEAD = ["file", "place", "place_full", "level"]
#: ... which a targets table's first columns are too: a summary is known by its counts as well.
_SUMMARY_COUNTS = "sentences"
_PANEL_HEAD = ["place", "place_full", "level", "year", "documents", "sentences"]
# A panel written before it had place_full is the job's too.
_OLD_PANEL_HEAD = ["place", "level", "year", "documents", "sentences"]
#: The first line of a list of failed documents (``--errors``): what marks it as policytext's.
ERRORS_HEAD = "# policytext tag: the documents that failed, one a line (document: reason)\n"


def errors_text(failed):
    """The list of failed documents a job writes (``--errors``): :data:`ERRORS_HEAD`, then
    ``document: reason`` a line, each document's name on one line (:func:`one_line`);
    nothing at all if none failed.

    A file of ``key: value`` lines (notes, a config) looked like one without the mark,
    and was emptied by the next job.
    """
    if not failed:
        return ""
    return ERRORS_HEAD + "".join(f"{one_line(path)}: {reason}\n" for path, reason in failed)


def own_output(kind, path):
    """Whether the existing file ``path`` is an output policytext wrote as ``kind``
    ("output", "summary", "panel", "errors", "targets" or "plot"), or empty: a file a job may replace.

    Records are known by their first line or columns, or by the journal a
    job keeps beside them (policytext's, with a whole line at least); a summary, a
    panel and a targets table (long or wide) by their first columns; a list
    of failed documents by its first line (:data:`ERRORS_HEAD`); a plot by
    the mark its metadata holds (:data:`policytext.plot.PLOT_MARK`).
    """
    try:
        if os.path.getsize(path) == 0:
            return True
        if kind == "plot":
            from .plot import drawn_by_policytext

            return drawn_by_policytext(path)
        if kind == "errors":
            with open(path, encoding="utf-8") as f:
                return f.readline() == ERRORS_HEAD
        if kind == "output":
            suffix = Path(path).suffix.lower().lstrip(".")
            # A job stopped before its first record was whole: its journal (a table is written whole, when its job ends).
            if suffix not in _SPOOLED and _read_sidecar(f"{path}{JOURNAL}", _journal_lines)[1]:
                return True
            if suffix == "jsonl":
                with open(path, encoding="utf-8") as f:
                    record = json.loads(f.readline())
                return isinstance(record, dict) and "file" in record and isinstance(record.get("probs"), dict)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON: no output of policytext's
        return False
    if kind == "targets":
        from .target_extraction import LONG_COLUMNS, META_COLUMNS, WIDE_COLUMNS

        heads = [list(table[: len(META_COLUMNS) + 1]) for table in (LONG_COLUMNS, WIDE_COLUMNS)]
    elif kind == "panel":
        heads = [_PANEL_HEAD, _OLD_PANEL_HEAD]
    else:
        heads = [{"output": list(COLUMNS), "summary": _SUMMARY_HEAD}[kind]]
    columns = columns_of(path)
    if columns is None or (kind == "summary" and _SUMMARY_COUNTS not in columns):
        return False
    return any(columns[: len(head)] == head for head in heads)


def write_refusal(exc, parameter, path, kept, again, *, mentions=None):
    """The error of a write to ``path``, given as the option ``parameter``, that failed with the OSError ``exc``
    (a full disk, a file-size limit): the system's reason, what the job ``kept``, and to free space and ``again``.

    One wording for every file a job writes: "[Errno 28] No space left on device" alone named
    neither the option nor the file, nor what was left of the job's work.

    >>> import errno
    >>> str(write_refusal(OSError(errno.ENOSPC, "No space left on device"), "summary", "s.csv", "the records are whole", "run again"))
    "summary='s.csv': no space left on device; the records are whole: free space and run again"
    """
    # The system's words for its error number: pyarrow's strerror is "Error writing bytes to file. Detail: [errno 28] …".
    reason = os.strerror(exc.errno) if exc.errno else exc.strerror or str(exc)
    return PolicytextError(f"{reason.lower()}; {kept}: free space and {again}", parameter=parameter, value=path, mentions=mentions)


def replace_text(path, text):
    """Write ``text`` to ``path`` through a temporary file renamed into place (:func:`policytext.tables.replacing`)."""
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(text)

"""Finding documents: files, folders and glob patterns to a sorted list of documents.

Folders are walked following links, but never into a folder already seen,
so link loops neither hang the search nor yield a document twice; folders
that cannot be read are reported, not skipped, and the files a folder holds
of formats policytext does not read are counted (:func:`skipped_note`).
"""

import collections
import glob
import os
import warnings
from pathlib import Path
from typing import NamedTuple

__all__ = ["STDIN", "Found", "expand_paths", "find_documents", "no_documents", "skipped_note"]


#: The path that names standard input: one plain-text document, named so in
#: the records (a file called "-" is given as "./-").
STDIN = "-"


class Found(NamedTuple):
    """What :func:`find_documents` found."""

    documents: list
    problems: list  # (path, reason): paths that matched nothing, folders that cannot be read
    unsupported: list  # files in the folders walked that are of no format policytext reads


def expand_paths(paths):
    """Files, folders and glob patterns -> (documents, problems): :func:`find_documents` without the files passed over."""
    found = find_documents(paths)
    return found.documents, found.problems


def find_documents(paths, *, outputs=(), own=()) -> Found:
    """Files, folders and glob patterns -> ``Found(documents, problems, unsupported)``.

    Folders are searched recursively for the formats :mod:`policytext.readers`
    reads; a file named directly is kept whatever its suffix (reading it
    reports an unknown format). Links are followed, but never into a folder
    already visited, so a link loop neither hangs the search nor yields a
    document twice; a document reached by several paths is kept once, by
    the first. Returns the documents sorted, ``(path, reason)`` for
    each path that matched nothing and each folder that could not be read,
    and the files of other formats that folders held (a .doc, an image):
    these are not documents, and a job says how many it passed over. Of
    those, the job's own ``outputs`` (paths) are left out, with the files a
    job keeps beside its output (``labels.jsonl.journal``). The files of
    ``own`` (the outputs an earlier run of the job wrote, such as its list of
    failed documents, ``failed.txt``) are not documents when a folder or a
    pattern finds them, nor is any list of failed documents a job wrote
    (``--errors``, known by its first line,
    :data:`policytext.outputs.ERRORS_HEAD`); named as a document, a file
    is one. A path that exists is that file or folder even if its name
    holds a glob wildcard (``report[1].txt``), with a warning if, as a
    pattern, it would also match other files (``report1.txt``).
    :data:`STDIN` (``"-"``) is standard input, a document of that name,
    kept once.
    """
    from .readers import SUPPORTED

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    walk = _Walk([os.path.realpath(path) for path in outputs if path], {_identity(path) for path in own if os.path.exists(path)})
    for raw in paths:
        raw = os.fspath(raw)
        if raw == STDIN:
            walk.standard_input()
            continue
        # A file or folder that exists is itself, whatever its name holds:
        # "report[1].txt" as a pattern matches report1.txt, and not itself.
        magic = glob.has_magic(raw)
        if os.path.exists(raw) or not magic:
            if magic:
                _warn_if_pattern_too(raw)
            if os.path.isdir(raw):
                walk.folder(raw, lambda f: f.lower().endswith(SUPPORTED), count_others=True)
            elif os.path.exists(raw):
                walk.file(raw)
            else:
                walk.problems.append((raw, "no such file"))
            continue
        before = len(walk.found)
        if "**" in raw:
            # glob's own '**' follows link loops for ever; walk the fixed
            # part of the pattern instead and match what is found.
            root = _fixed_prefix(raw)
            walk.folder(root or ".", lambda f: _matches(f, raw, root))
        else:
            for match in sorted(glob.glob(raw)):
                if walk.is_document(match):
                    walk.file(match)
        if len(walk.found) == before and not any(p == raw for p, _ in walk.problems):
            walk.problems.append((raw, "no file matches this pattern"))
    return Found(sorted(walk.found), walk.problems, sorted(walk.unsupported))


def _warn_if_pattern_too(raw):
    """Warn that the existing file or folder ``raw``, read as itself, is also a glob pattern that matches others:
    one who meant the pattern would otherwise not know that those were left out."""
    from .records import named_few, one_line

    itself = os.path.normpath(raw)
    others = sorted(one_line(m) for m in glob.glob(raw) if os.path.normpath(m) != itself)
    if others:
        warnings.warn(
            f"{one_line(raw)}: taken as the file or folder of that name, not as a glob pattern, which would also match {named_few(others)}",
            UserWarning,
            stacklevel=3,
        )


def no_documents(paths, problems):
    """The error of a job that found no document in ``paths``, naming what was wrong with each of ``problems`` (:attr:`Found.problems`)."""
    from .readers import SUPPORTED
    from .records import one_line

    given = ", ".join(map(str, paths if isinstance(paths, (list, tuple)) else [paths]))
    shown_problems = "; ".join(f"{one_line(path)}: {reason}" for path, reason in problems[:5])
    return f"no documents found in {given}" + (
        f" ({shown_problems}); nothing was written" if problems else f": policytext reads {', '.join(SUPPORTED)} files; nothing was written"
    )


def skipped_note(unsupported):
    """The one line that says how many files of which formats folders held that were not read.

    >>> skipped_note(["r/a.doc", "r/b.DOC", "r/scan.jpg", "r/README"])
    'skipped 4 files of unsupported formats in folders (.doc: 2, .jpg: 1, no extension: 1); policytext reads .txt, .md, .html, .htm, .docx, .pdf'
    """
    from .readers import SUPPORTED

    counts = collections.Counter(Path(path).suffix.lower() or "no extension" for path in unsupported)
    # The commonest first, then by name as read: ".text" after "no extension".
    kinds = sorted(counts.items(), key=lambda item: (-item[1], item[0].lstrip(".")))
    shown = [f"{kind}: {k:,}" for kind, k in kinds[:_KINDS_SHOWN]]
    if len(kinds) > _KINDS_SHOWN:  # a folder with a repository or a program in it holds files of dozens of kinds
        rest = kinds[_KINDS_SHOWN:]
        shown.append(f"{len(rest)} other extensions: {sum(k for _, k in rest):,}")
    n = len(unsupported)
    return f"skipped {n:,} file{'s' if n != 1 else ''} of unsupported formats in folders ({', '.join(shown)}); policytext reads {', '.join(SUPPORTED)}"


_KINDS_SHOWN = 8


class _Walk:
    """Documents found so far, with the real files and folders already seen."""

    def __init__(self, own=(), not_documents=frozenset()):
        self.found, self.problems, self.unsupported = [], [], []
        self._files, self._folders, self._others = set(), set(), set()
        self._own = own  # real paths of the job's outputs
        self.not_documents = not_documents  # identities of the job's outputs found in folders: not documents

    def _other(self, path):
        """Note a file of no format read, unless it is the job's own (an output, or its journal or spool)."""
        real = os.path.realpath(path)
        if any(real == own or real.startswith(own + ".") for own in self._own):
            return
        if os.path.isfile(path) and (key := _identity(path)) not in self._others:
            self._others.add(key)
            self.unsupported.append(path)

    def is_document(self, path):
        """Whether the file a folder or a pattern found is a document: a regular file, and no output of a job's."""
        return os.path.isfile(path) and _identity(path) not in self.not_documents and not _errors_list(path)

    def standard_input(self):
        """Note standard input: read once, so kept once however often it is named."""
        if STDIN not in self.found:
            self.found.append(STDIN)

    def file(self, path):
        if path == STDIN:
            # A file named "-" that a pattern found ("*" in its folder) is that file, not standard input.
            path = os.path.join(os.curdir, path)
        key = _identity(path)
        if key not in self._files:
            self._files.add(key)
            self.found.append(path)

    def folder(self, root, wanted, count_others=False):
        """Walk ``root`` for the files ``wanted`` takes; with ``count_others``, note the regular files it does not."""

        def unreadable(exc):
            self.problems.append((exc.filename, f"folder cannot be read ({_reason(exc)})"))

        for folder, subfolders, files in os.walk(root, onerror=unreadable, followlinks=True):
            key = _identity(folder)
            if key in self._folders:
                subfolders[:] = []
                continue
            self._folders.add(key)
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if not wanted(path):
                    if count_others:
                        self._other(path)
                    continue
                if self.is_document(path):
                    self.file(path)
                elif os.path.islink(path) and not os.path.exists(path):
                    self.problems.append((path, "a link to nothing (its target is gone)"))


def _errors_list(path):
    """Whether the file at ``path`` is a list of failed documents a job wrote (``--errors``), known by its first line.

    An earlier run's ``failed.txt`` in a folder being tagged is no document
    of it: it was tagged as one, of two sentences, in the records and the
    summary.
    """
    from .outputs import ERRORS_HEAD

    head = ERRORS_HEAD.encode("utf-8")
    try:
        with open(path, "rb") as f:
            return f.read(len(head)) == head
    except OSError:  # unreadable: a document that fails, and says why, when it is read
        return False


def _identity(path):
    """The same file or folder reached by any path: device and inode."""
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _reason(exc):
    return exc.strerror.lower() if exc.strerror else type(exc).__name__


def _fixed_prefix(pattern):
    """The folders of a glob pattern before its first wildcard."""
    parts = []
    for part in pattern.split(os.sep):
        if glob.has_magic(part):
            break
        parts.append(part)
    return os.sep.join(parts)


def _matches(path, pattern, root):
    """Whether ``path`` (found under ``root``) matches ``pattern``, where '**' is any number of folders."""
    import fnmatch

    rel = os.path.relpath(path, root or ".")
    rest = pattern[len(root) :].lstrip(os.sep) if root else pattern
    # fnmatch's '*' crosses folders, so '**/' only needs its zero-folder case.
    return any(fnmatch.fnmatchcase(rel, p) for p in {rest, rest.replace("**" + os.sep, "")})

"""Finding documents: files, folders and glob patterns to a sorted list of documents.

Folders are walked following links, but never into a folder already seen,
so link loops neither hang the search nor yield a document twice; folders
that cannot be read are reported, not skipped.
"""

import glob
import os

__all__ = ["expand_paths"]


def expand_paths(paths):
    """Files, folders and glob patterns -> (documents, problems).

    Folders are searched recursively for the formats :mod:`policytext.readers`
    reads; a file named directly is kept whatever its suffix (reading it
    reports an unknown format). Links are followed, but never into a folder
    already visited, so a link loop neither hangs the search nor yields a
    document twice; a document reached by several paths is kept once, by
    the first. Returns the documents sorted, and ``(path, reason)`` for
    each path that matched nothing and each folder that could not be read.
    """
    from .readers import SUPPORTED

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    walk = _Walk()
    for raw in paths:
        raw = os.fspath(raw)
        if not glob.has_magic(raw):
            if os.path.isdir(raw):
                walk.folder(raw, lambda f: f.lower().endswith(SUPPORTED))
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
                if os.path.isfile(match):
                    walk.file(match)
        if len(walk.found) == before and not any(p == raw for p, _ in walk.problems):
            walk.problems.append((raw, "no file matches this pattern"))
    return sorted(walk.found), walk.problems


class _Walk:
    """Documents found so far, with the real files and folders already seen."""

    def __init__(self):
        self.found, self.problems = [], []
        self._files, self._folders = set(), set()

    def file(self, path):
        key = _identity(path)
        if key not in self._files:
            self._files.add(key)
            self.found.append(path)

    def folder(self, root, wanted):
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
                    continue
                if os.path.isfile(path):
                    self.file(path)
                elif os.path.islink(path) and not os.path.exists(path):
                    self.problems.append((path, "a link to nothing (its target is gone)"))


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

"""The named exceptions policytext raises.

Every message names the offending item (a file, a line, an index) so that a
user can find it without a traceback.

A message about an option names it as the Python API takes it (``output``,
``force=True``); the error keeps the option apart (:class:`PolicytextError`),
so that the command line can name its own flags instead (``--output``,
``--force``) without a second wording of the error.
"""

import os
import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["PolicytextError", "ModelError", "CorpusError", "DocumentError", "ParameterError", "extra_needed", "mention", "os_reason", "python_spelling"]

# Where a message names an option: its name between two NULs, which no path,
# file name or working folder can hold, so text put in a message beside it
# (a folder named "{resume}") is never taken for one.
_MENTION = re.compile("\x00(\\w+)\x00")


def mention(name):
    """The place in an error's message where it names the option ``name`` (see :class:`PolicytextError`)."""
    return f"\x00{name}\x00"


def python_spelling(name, value):
    """An option as a Python call gives it: ``'output'`` for the option itself (``value`` None), else ``output='o.jsonl'``, ``force=True``.

    How :class:`PolicytextError` names options in its message; a program
    with options of its own passes :meth:`PolicytextError.worded` another spelling.
    """
    if value is None:
        return repr(name)
    return f"{name}={(os.fspath(value) if isinstance(value, os.PathLike) else value)!r}"


class PolicytextError(Exception):
    """Base class of every error policytext raises on purpose.

    An error about what an option was given keeps it apart from its words,
    given as keywords with the message (``detail``):

    - ``parameter``: the option at fault, by the name the function takes it by
      ("output"), or None;
    - ``value``: what it was given (a path), or None;
    - ``mentions``: the other options ``detail`` names, each where
      :func:`mention` of its name stands in it, with its value (True for a
      switch such as ``force``, None to name the option alone).

    The message is ``parameter=value: detail``, each option spelled by
    :func:`python_spelling` (``value: detail`` without ``parameter``), and
    :meth:`worded` spells them otherwise: the command line's flags.

    >>> exc = PolicytextError(f"the file exists; add {mention('force')} to replace it", parameter="output", value="o.jsonl", mentions={"force": True})
    >>> str(exc)
    "output='o.jsonl': the file exists; add force=True to replace it"
    >>> exc.worded(lambda name, value: f"--{name}" if value in (None, True) else f"--{name} {value}")
    '--output o.jsonl: the file exists; add --force to replace it'
    """

    parameter = None
    value = None
    detail = None
    mentions: Mapping[str, object] = MappingProxyType({})  # read-only: shared by every error without mentions

    def __init__(self, *args, parameter=None, value=None, mentions=None):
        if parameter is None and value is None and mentions is None:
            super().__init__(*args)
            return
        (self.detail,) = args
        self.parameter, self.value, self.mentions = parameter, value, dict(mentions or {})
        unknown = set(_MENTION.findall(self.detail)) - set(self.mentions)
        if unknown:
            raise ValueError(f"the message names options it has no mentions for: {sorted(unknown)}")
        super().__init__(self.worded(python_spelling))

    def worded(self, spell):
        """The message with each option spelled ``spell(name, value)`` (see :func:`python_spelling`); ``str(self)`` if it names none apart."""
        if self.detail is None:
            return str(self)
        # One pass: what an option is spelled as is not searched again.
        text = _MENTION.sub(lambda m: spell(m.group(1), self.mentions[m.group(1)]), self.detail)
        if self.parameter is not None:
            text = f"{spell(self.parameter, self.value)}: {text}"
        elif self.value is not None:
            text = f"{os.fspath(self.value)}: {text}"
        return text

    def about(self, parameter):
        """This error, of the same class and with the same attributes, as one about the option ``parameter``, which was given its ``value``."""
        # Not through the class's constructor: a DocumentError's takes a path and a reason.
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.detail = self.detail if self.detail is not None else str(self)
        other.parameter, other.mentions = parameter, dict(self.mentions)
        other.args = (other.worded(python_spelling),)
        return other


class ParameterError(PolicytextError, ValueError, TypeError):
    """A public function was given an option it does not allow.

    Both a ``ValueError`` and a ``TypeError``, so callers catching either
    (as they would for a wrong value or a wrong type) catch it.
    """


class ModelError(PolicytextError):
    """A model file is missing, altered, truncated or of an unknown format."""


class CorpusError(PolicytextError, ValueError):
    """A training or evaluation corpus has bad lines.

    ``problems`` holds one ``(path, line_number, message)`` tuple per bad
    line, so callers can report all of them at once. A line number of 0
    is a problem of the file as a whole (missing, not a regular file,
    empty, not UTF-8): its message names the file alone, as ``path: message``.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        shown = "\n".join(f"{path}:{line}: {msg}" if line else f"{path}: {msg}" for path, line, msg in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            shown += f"\n... and {more} more"
        super().__init__(shown)


class DocumentError(PolicytextError):
    """A document cannot be read: missing, empty, binary, corrupt, too large,
    of an unknown format, or of a format whose optional extra is not installed.

    ``path`` is the document; the message says what is wrong with it.
    """

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def extra_needed(what, extra):
    """The one wording for a missing optional extra, wherever it is found missing.

    policytext is installed from a clone (it is not on PyPI), so the command
    given is the clone's; ``policytext[extra]`` alone would ask the index.
    """
    return f"{what} needs the '{extra}' extra: pip install -e '.[{extra}]' in policytext's clone"


def os_reason(exc):
    """What went wrong with a file, in a message's words, from the OSError ``exc``: "no such file", "is a folder", or the system's reason.

    >>> os_reason(FileNotFoundError(2, "No such file or directory")), os_reason(PermissionError(13, "Permission denied"))
    ('no such file', 'Permission denied')
    """
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return exc.strerror or str(exc)

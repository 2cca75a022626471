"""The named exceptions policytext raises.

Every message names the offending item (a file, a line, an index) so that a
user can find it without a traceback.
"""

__all__ = ["PolicytextError", "ModelError", "CorpusError", "DocumentError", "ParameterError", "extra_needed"]


class PolicytextError(Exception):
    """Base class of every error policytext raises on purpose."""


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

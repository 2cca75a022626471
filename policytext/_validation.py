"""Input checks shared by every entry point, so each refuses bad input the same way.

Each public function declares its options in one table (name -> constraint)
and calls :func:`check_params` once, as scikit-learn's ``_param_validation``
does; every refusal has one wording: ``f(): 'name' must be <allowed>, got <value>``.
"""

import numbers
import os
import reprlib
from collections.abc import Iterable

from .errors import ParameterError


# Values in messages are shown short: a bad argument may be a whole report or an array.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def short_repr(value):
    """``repr(value)``, cut short: how every refusal shows what it got."""
    return _SHORT.repr(value)


def refusal(where, name, allowed, got):
    """The one wording of every refusal: ``f(): 'name' must be <allowed>, got <value>``."""
    return ParameterError(f"{where}(): {name!r} must be {allowed}, got {got}")


def check_text(text, *, where, name="text"):
    """Refuse anything but a ``str`` for a single text, as the function ``where``'s argument ``name``."""
    if not isinstance(text, str):
        raise refusal(where, name, "a str", short_repr(text))
    return text


def refuse_single_str(value, *, where, name, allowed="a list of str", hint=None):
    """Refuse a lone ``str`` or ``bytes`` where a list of str is expected, with the one wording every entry point uses.

    For sequences too large to copy into a list (a model's vocabulary), or
    read lazily (paths to tag); :func:`check_texts` also checks the items.
    ``allowed`` and ``hint`` (by default "wrap it in a list: [item]") are
    for a list of something else than str, which a wrapped str is not.
    """
    if isinstance(value, (str, bytes)):
        item = name[:-1] if name.endswith("s") else name
        raise refusal(where, name, allowed, f"a single {type(value).__name__}, {short_repr(value)}; {hint or f'wrap it in a list: [{item}]'}")
    return value


def check_texts(texts, *, where, name="texts", offset=0):
    """Return ``texts`` as a list of str, refusing a lone str and non-str items.

    A lone ``str`` is iterable, so without this check it would be tagged
    character by character; every batch entry point refuses it instead.
    ``offset`` shifts the index in messages, for batches cut from a stream.
    """
    refuse_single_str(texts, where=where, name=name)
    if not isinstance(texts, Iterable):
        raise refusal(where, name, "a list of str", short_repr(texts))
    texts = list(texts)
    # One pass in C over the items' types; the loop below only runs to name
    # the first bad item.
    if all(issubclass(kind, str) for kind in set(map(type, texts))):
        return texts
    for i, item in enumerate(texts):
        if not isinstance(item, str):
            raise refusal(where, f"{name}[{offset + i}]", "a str", short_repr(item))
    return texts


# -- option tables --------------------------------------------------------


class Constraint:
    """One allowed set of values, with the words that describe it."""

    def __init__(self, accepts, description):
        self.accepts = accepts
        self.description = description


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_plain_int(value):
    """An ``int`` and not a ``bool`` (True is 1) nor numpy's: a setting written to model.json, which takes only those."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_plain_number(value):
    """An ``int`` or ``float``, not a ``bool`` nor numpy's (see :func:`is_plain_int`)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def int_at_least(low):
    return Constraint(lambda v: _is_int(v) and v >= low, f"an int >= {low}")


def int_between(low, high):
    return Constraint(lambda v: _is_int(v) and low <= v <= high, f"an int from {low} to {high}")


def number_between(low, high):
    return Constraint(
        lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool) and low <= v <= high,
        f"a number from {low} to {high}",
    )


def one_of(*values):
    return Constraint(lambda v: isinstance(v, str) and v in values, "one of " + ", ".join(repr(v) for v in values))


def optional(constraint):
    return Constraint(lambda v: v is None or constraint.accepts(v), f"None or {constraint.description}")


#: ``n_jobs`` as joblib takes it: a count of workers, or -1 (-2, ...) for all cores (but one, ...).
N_JOBS = Constraint(lambda v: _is_int(v) and v != 0 and -1024 <= v <= 1024, "a non-zero int from -1024 to 1024 (-1 for every core)")
BOOL = Constraint(lambda v: isinstance(v, bool), "True or False")
#: The probability of an interval.
LEVEL = Constraint(lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 < float(v) < 1, "a number between 0 and 1 (exclusive)")
STR = Constraint(lambda v: isinstance(v, str) and v != "", "a non-empty str")


def _is_path(value):
    return isinstance(value, (str, os.PathLike)) and os.fspath(value) not in ("", b"")


#: A file or folder path: a non-empty str or os.PathLike ("" would quietly mean the current folder).
PATH = Constraint(_is_path, "a path (a non-empty str or os.PathLike)")
#: One path, or a non-empty list of paths (files, folders, glob patterns).
PATHS = Constraint(
    lambda v: _is_path(v) or (isinstance(v, (list, tuple)) and len(v) > 0 and all(_is_path(p) for p in v)),
    "a path or a non-empty list of paths",
)


def listed_paths(paths):
    """``paths`` given as any iterable but a list or tuple (a generator, ``Path.glob``, a pandas column) as a list, for :data:`PATHS` to check.

    A generator would be used up by the check; a lone str or path is one path.
    """
    if isinstance(paths, (str, bytes, os.PathLike, list, tuple)) or not isinstance(paths, Iterable):
        return paths
    return list(paths)


CALLABLE = Constraint(callable, "a callable")


def _is_text_sink(value):
    import io

    # A binary file's write() takes bytes: refused here rather than deep in the writer.
    return callable(getattr(value, "write", None)) and not isinstance(value, (io.RawIOBase, io.BufferedIOBase))


#: A writable text stream, as ``print(file=...)`` takes it.
WRITABLE = Constraint(_is_text_sink, "a text file open for writing")


def _is_text_stream(value):
    import io

    if isinstance(value, (str, bytes, os.PathLike)) or not callable(getattr(value, "read", None)):
        return False
    # A binary file's read() gives bytes: refused here rather than deep in the segmenter.
    return not isinstance(value, (io.RawIOBase, io.BufferedIOBase))


TEXT_STREAM = Constraint(_is_text_stream, "a text file open for reading (open(path, encoding='utf-8'), or io.StringIO)")


def _is_byte_stream(value):
    import io

    # A text file's read() gives str: its encoding would have been guessed already, and maybe wrongly.
    return callable(getattr(value, "read", None)) and not isinstance(value, (str, bytes, os.PathLike, io.TextIOBase))


BYTE_STREAM = Constraint(_is_byte_stream, "a binary file open for reading (sys.stdin.buffer, open(path, 'rb'), or io.BytesIO)")


def mapping_of(keys, value_constraint):
    """A dict whose keys are some of ``keys`` and whose values ``value_constraint`` accepts."""
    return Constraint(
        lambda v: isinstance(v, dict) and set(v) <= set(keys) and all(value_constraint.accepts(x) for x in v.values()),
        f"a dict with some of the keys {', '.join(map(repr, keys))}, each {value_constraint.description}",
    )


def model_constraint():
    from .model import Classifier  # here, not at import: model imports this module

    return Constraint(
        lambda v: v is None or _is_path(v) or isinstance(v, Classifier),
        "None (the shipped model), a model folder's path or a Classifier",
    )


def check_params(where, table, values):
    """Refuse the first value of ``values`` that its constraint in ``table`` does not accept.

    Raises
    ------
    ParameterError
        A ``ValueError`` and a ``TypeError`` both, as scikit-learn's
        ``InvalidParameterError`` is, naming the function, the option, what
        it allows and what it got.
    """
    for name, constraint in table.items():
        value = values[name]
        if not constraint.accepts(value):
            raise refusal(where, name, constraint.description, short_repr(value))

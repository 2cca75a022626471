"""Input checks shared by every entry point, so each refuses bad input the same way."""

from collections.abc import Iterable


def check_text(text, name="text"):
    """Refuse anything but a ``str`` for a single text."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text


def check_texts(texts, name="texts", offset=0):
    """Return ``texts`` as a list of str, refusing a lone str and non-str items.

    A lone ``str`` is iterable, so without this check it would be tagged
    character by character; every batch entry point refuses it instead.
    ``offset`` shifts the index in messages, for batches cut from a stream.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of str, got a single {type(texts).__name__}; "
            f"wrap it in a list: [{name[:-1] if name.endswith('s') else name}]"
        )
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of str, got {type(texts).__name__}")
    texts = list(texts)
    # One pass in C over the items' types; the loop below only runs to name
    # the first bad item.
    if all(issubclass(kind, str) for kind in set(map(type, texts))):
        return texts
    for i, item in enumerate(texts):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{offset + i}] must be a str, got {type(item).__name__}")
    return texts

"""policytext: tag the sentences of Chinese government work reports by work area.

>>> import policytext
>>> [s.label for s in policytext.classify("新建高标准农田4300亩。整改安全隐患126条。")]
['agriculture', 'safety']
"""

from typing import TYPE_CHECKING

from ._version import __version__
from .errors import CorpusError, DocumentError, ModelError, ParameterError, PolicytextError

if TYPE_CHECKING:
    # What __getattr__ below gives at run time, said to type checkers, which
    # cannot see into it (they would make these Any, and any typo too).
    from .api import Sentence as Sentence
    from .api import attention_shares as attention_shares
    from .api import classify as classify
    from .api import classify_batch as classify_batch
    from .api import classify_stream as classify_stream
    from .api import iter_classify as iter_classify
    from .api import load as load
    from .archive import tag_files as tag_files
    from .corpus import LABELS as LABELS
    from .model import Classifier as Classifier
    from .segment import Span as Span
    from .segment import iter_sentences as iter_sentences
    from .segment import split_sentences as split_sentences
    from .target_extraction import Target as Target
    from .target_extraction import targets as targets
    from .target_table import TargetTable as TargetTable
    from .target_table import targets_files as targets_files

#: The public names, and the module each is imported from when first asked
#: for: importing policytext costs nothing until one is used (the model's
#: engine needs numpy and scipy, the archive engine formats and plots), so the
#: command line starts at once and handles an early Ctrl-C as any other.
_LAZY = {
    **dict.fromkeys(("Sentence", "attention_shares", "classify", "classify_batch", "classify_stream", "iter_classify", "load"), "api"),
    "tag_files": "archive",
    "LABELS": "corpus",
    "Classifier": "model",
    **dict.fromkeys(("Span", "iter_sentences", "split_sentences"), "segment"),
    **dict.fromkeys(("Target", "targets"), "target_extraction"),
    **dict.fromkeys(("TargetTable", "targets_files"), "target_table"),
}

__all__ = [
    "__version__",
    "LABELS",
    "Classifier",
    "CorpusError",
    "DocumentError",
    "ModelError",
    "ParameterError",
    "PolicytextError",
    "Sentence",
    "Span",
    "Target",
    "TargetTable",
    "attention_shares",
    "classify",
    "classify_batch",
    "classify_stream",
    "iter_classify",
    "load",
    "iter_sentences",
    "split_sentences",
    "tag_files",
    "targets",
    "targets_files",
]


if not TYPE_CHECKING:

    def __getattr__(name):
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'policytext' has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__():
        return sorted({*globals(), *_LAZY})

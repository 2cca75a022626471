"""policytext: tag the sentences of Chinese government work reports by work area.

>>> import policytext
>>> [s.label for s in policytext.classify("新建高标准农田4300亩。整改安全隐患126条。")]
['agriculture', 'safety']
"""

from typing import TYPE_CHECKING

from ._version import __version__
from .api import Sentence, attention_shares, classify, classify_batch, classify_stream, iter_classify, load
from .corpus import LABELS
from .errors import CorpusError, DocumentError, ModelError, ParameterError, PolicytextError
from .model import Classifier
from .segment import Span, iter_sentences, split_sentences
from .targets import Target, targets

if TYPE_CHECKING:
    # What __getattr__ below gives at run time, said to type checkers, which
    # cannot see into it (they would make tag_files, and any typo, Any).
    from .archive import tag_files as tag_files

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
]


if not TYPE_CHECKING:

    def __getattr__(name):
        # The archive engine (formats, summaries, plots) is imported when first
        # asked for: tagging a few sentences should not pay for it at import.
        if name == "tag_files":
            from .archive import tag_files

            return tag_files
        raise AttributeError(f"module 'policytext' has no attribute {name!r}")

"""The batch engine: a model's scores for many sentences at once, in numpy.

The reference path (:meth:`Classifier.decision_function` with
``engine="reference"``) runs scikit-learn's analyzer, which builds a Python
string for every n-gram. The engine finds the same features without a
Python loop per sentence:

1. the batch is joined into one string, each text preceded by a NUL, and
   encoded as an array of code points;
2. one table lookup applies the feature fold (:func:`features.fold_table`)
   and turns each character into a small id: -1 for white space (dropped),
   and two reserved ids for the NUL and for a character in no n-gram of
   the vocabulary;
3. at each position the longest vocabulary n-gram starting there is found
   by packing ids into integer keys and probing an open-addressing hash
   table, bigrams first, then trigrams (a trigram found replaces its bigram);
4. that n-gram's row in a *prefix-summed* weight table holds the weights of
   the n-gram and of all its prefixes, so each position contributes one
   row, and a sentence's scores are the sum of its positions' rows.

This relies on a property of vocabularies cut by document frequency: every
prefix of a vocabulary n-gram is itself in the vocabulary. The engine checks
it when it is built and refuses a model without it (the classifier then uses
the reference path). Weights are summed in float32, so scores equal the
reference path's to about 1e-6; labels differ only where two classes tie
that closely (none of the 43,944 real sentences in the benchmark).
"""

import numpy as np

from .features import DELETE, FOLD_LIMIT, fold_table

__all__ = ["BatchEngine", "EngineUnsupported", "few_scores", "FEW"]

#: Up to this many texts, :func:`few_scores` serves a model whose engine is
#: not built yet: building it costs more than scoring a handful of texts.
FEW = 16

_EMPTY = np.int64(-1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_SPARSE_FROM = 2_000  # batches at least this large sum rows with scipy.sparse
_CHUNK = 50_000  # sentences per pass: bounds the working memory


class EngineUnsupported(ValueError):
    """The model's features cannot be computed by the batch engine."""


class BatchEngine:
    """Vectorised scoring for one :class:`~policytext.model.Classifier`.

    Built once per classifier, on first use, by the classifier itself.
    """

    def __init__(self, clf):
        params = clf.features
        if params.ngram_range[0] != 1 or params.norm not in ("l2_tokens", "l1", None):
            raise EngineUnsupported(f"the batch engine needs n-grams from 1 and a token norm, got {params}")
        self.norm = params.norm
        self.max_n = params.ngram_range[1]
        self.intercept = clf.intercept
        vocab = np.ascontiguousarray(clf.vocabulary)
        width = max(1, vocab.dtype.itemsize // 4)
        # Fixed-width unicode: one uint32 code point per column, 0-padded.
        codes = vocab.view(np.uint32).reshape(len(vocab), width).astype(np.int64)
        lengths = (codes != 0).sum(axis=1)

        present = np.zeros(int(codes.max()) + 1, dtype=bool)
        present[codes] = True
        present[0] = False  # padding
        chars = np.flatnonzero(present)
        # Ids 1..len(chars) are characters; the two highest ids stand for any
        # other character and for the separator, so a window holding either
        # can match no n-gram.
        self.bits = (len(chars) + 2).bit_length()
        self.other = (1 << self.bits) - 1
        self.separator = self.other - 1
        if self.bits * self.max_n > 62:
            raise EngineUnsupported("too many distinct characters to pack n-grams into 64-bit keys")
        self._build_char_ids(chars, params.fold_digits)
        # Vocabulary characters are fixed points of the fold (the vocabulary
        # is built from folded text), so the lookup table gives their ids.
        if not np.array_equal(self.code_ids[chars], np.arange(1, len(chars) + 1)):
            raise EngineUnsupported("the vocabulary holds characters the feature fold changes")
        gram_ids = self.code_ids[codes]
        keys = np.zeros(len(vocab), dtype=np.int64)
        for j in range(width):
            keys = np.where(j < lengths, (keys << self.bits) | gram_ids[:, j], keys)

        self.miss = len(vocab)  # index of the all-zero weight row
        self.unigram = np.full(1 << self.bits, self.miss, dtype=np.int64)
        one = lengths == 1
        self.unigram[keys[one]] = np.flatnonzero(one)
        self._build_table(keys[~one], np.flatnonzero(~one))
        # float32 halves the memory each position's row costs to fetch, which
        # is what bounds the engine (more so with two processes on one
        # memory bus); sums of ~40 rows keep about 6 significant digits.
        self.weights = self._prefix_summed_weights(clf, keys, lengths).astype(np.float32)

    # -- building -----------------------------------------------------------

    def _build_char_ids(self, chars, fold_digits):
        """One table from any code point to its id, with the fold applied."""
        folded = fold_table(fold_digits)
        char_id = np.full(0x110000, self.other, dtype=np.int64)
        char_id[chars] = np.arange(1, len(chars) + 1)
        # Above the fold's range characters are kept as they are.
        char_id[:FOLD_LIMIT] = np.where(folded == DELETE, DELETE, char_id[np.maximum(folded, 0)])
        char_id[0] = self.separator
        self.code_ids = char_id

    def _slots(self, keys):
        """Home slot of each key (Fibonacci hashing), as uint64."""
        slots = keys.view(np.uint64) * _GOLDEN
        slots >>= np.uint64(64 - self.table_bits)
        return slots

    def _build_table(self, keys, values):
        # Each slot packs key and value into one int64, so a probe is one
        # memory access. A load factor of at most 1/16 keeps nearly every
        # lookup to one probe; the table (16 MB for the shipped model) is
        # the price.
        self.value_bits = max(1, int(self.miss).bit_length())
        if self.bits * self.max_n + self.value_bits > 63:
            raise EngineUnsupported("vocabulary too large to pack n-gram keys with their indices")
        self.table_bits = max(4, (16 * len(keys)).bit_length())
        size = 1 << self.table_bits
        table = np.full(size, _EMPTY, dtype=np.int64)
        slots = self._slots(keys).astype(np.int64)
        claim = np.full(size, -1, dtype=np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            candidates = pending[table[slots[pending]] == _EMPTY]
            # Several keys may want one free slot: the last write wins, and
            # only the winners are placed this round.
            claim[slots[candidates]] = candidates
            winners = candidates[claim[slots[candidates]] == candidates]
            table[slots[winners]] = (keys[winners] << self.value_bits) | values[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & (size - 1)
        self.table = table

    def _prefix_summed_weights(self, clf, keys, lengths):
        """Row g: weights of n-gram g plus those of all its prefixes; last column the norm's share."""
        idf = clf.idf
        weights = np.empty((len(keys) + 1, len(clf.classes_) + 1), dtype=np.float64)
        np.multiply(clf.coef, idf[:, None], out=weights[:-1, :-1])
        weights[:-1, -1] = idf * idf if self.norm == "l2_tokens" else (idf if self.norm == "l1" else 0.0)
        weights[-1] = 0.0
        for n in range(2, self.max_n + 1):
            grams = np.flatnonzero(lengths == n)
            prefixes = self._find(keys[grams] >> self.bits, n - 1)
            if (prefixes == self.miss).any():
                raise EngineUnsupported("some n-grams' prefixes are not in the vocabulary")
            weights[grams] += weights[prefixes]  # prefixes already hold their own prefixes
        return weights

    # -- lookups ------------------------------------------------------------

    def _find(self, keys, n):
        """Vocabulary index of each packed n-gram key, or ``self.miss``."""
        if n == 1:
            return self.unigram[keys]
        found = np.full(len(keys), self.miss, dtype=np.int64)
        self._find_into(keys, found)
        return found

    def _find_into(self, keys, out):
        """Write the vocabulary index of each key that is found into ``out``; leave the rest."""
        value_mask = (1 << self.value_bits) - 1
        slots = self._slots(keys)
        stored = np.take(self.table, slots.view(np.int64))
        hit = (stored >> self.value_bits) == keys
        np.copyto(out, stored & value_mask, where=hit)
        # Only keys that met another key in their slot probe further.
        active = np.flatnonzero(~hit & (stored != _EMPTY))
        slot_mask = np.uint64((1 << self.table_bits) - 1)
        while len(active):
            s = (slots[active] + np.uint64(1)) & slot_mask
            slots[active] = s
            stored = np.take(self.table, s.view(np.int64))
            hit = (stored >> self.value_bits) == keys[active]
            out[active[hit]] = stored[hit] & value_mask
            active = active[~hit & (stored != _EMPTY)]

    @staticmethod
    def join(texts):
        """The batch as one string, each text preceded by a NUL: the engine's input form."""
        joined = "\x00" + "\x00".join(texts)
        if joined.count("\x00") != len(texts):
            # A NUL inside a text would split it; \x01 is in no vocabulary,
            # so it breaks n-grams just as it does in the reference path.
            joined = "\x00" + "\x00".join(t.replace("\x00", "\x01") for t in texts)
        return joined

    def _char_ids(self, joined):
        # surrogatepass: a lone surrogate (PDF text layers have them) is a
        # character in no vocabulary, as the reference path treats it.
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = np.take(self.code_ids, codes)
        kept = ids != DELETE
        return ids if kept.all() else ids[kept]

    def _positions(self, ids):
        """Row of the weight table for each position: its longest vocabulary n-gram.

        Windows that hold an unknown character or a separator give keys that
        match nothing: no vocabulary key holds ``self.other`` or ``self.separator``.
        """
        rows = np.take(self.unigram, ids)
        keys = ids
        for n in range(2, self.max_n + 1):
            keys = keys[:-1] << self.bits
            keys |= ids[n - 1 :]
            self._find_into(keys, rows[: len(keys)])  # a longer n-gram replaces the shorter
        return rows

    # -- scoring ------------------------------------------------------------

    def _sums(self, rows, bounds):
        """Sum the weight rows of each sentence's positions."""
        n_texts = len(bounds) - 1
        if n_texts >= _SPARSE_FROM:
            # Import here: scipy costs more to import than a small batch takes.
            import scipy.sparse as sp

            ones = np.ones(len(rows), dtype=np.float32)
            X = sp.csr_matrix((ones, rows.astype(np.int32), bounds.astype(np.int32)), shape=(n_texts, len(self.weights)))
            return (X @ self.weights).astype(np.float64)
        # Every sentence's range starts with its NUL (a zero row), so none is empty.
        return np.add.reduceat(self.weights[rows], bounds[:-1], axis=0, dtype=np.float64)

    def scores_joined(self, joined):
        """Class scores of a batch given as :meth:`join` makes it."""
        ids = self._char_ids(joined)
        rows = self._positions(ids)
        bounds = np.append(np.flatnonzero(ids == self.separator), len(ids))
        sums = self._sums(rows, bounds)
        if self.norm == "l2_tokens":
            scale = np.sqrt(sums[:, -1])
        elif self.norm == "l1":
            scale = sums[:, -1].copy()
        else:
            scale = np.ones(len(sums))
        scale[scale == 0] = 1.0
        return sums[:, :-1] / scale[:, None] + self.intercept

    def decision_function(self, texts):
        """Class scores for a list of str, shape (n_texts, n_classes)."""
        if not texts:
            return np.zeros((0, len(self.intercept)))
        chunks = (texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK))
        return np.vstack([self.scores_joined(self.join(chunk)) for chunk in chunks])


def few_scores(clf, texts):
    """Scores of a few texts by binary search in the sorted vocabulary.

    No table to build, so a process that tags one sentence and exits (a
    shell loop, a cold start) does not pay for the engine. The same
    features as the reference path: its analyzer, IDF and token norm.
    """
    from .features import build_analyzer

    if clf.features.norm != "l2_tokens":
        raise EngineUnsupported("few_scores computes the l2_tokens norm only")
    analyzer = build_analyzer(clf.features)
    vocab = clf.vocabulary
    width = f"<U{clf.features.ngram_range[1]}"  # wide enough that no n-gram is truncated
    out = np.tile(clf.intercept, (len(texts), 1))
    for i, text in enumerate(texts):
        # numpy drops trailing NULs of fixed-width strings; \x01 is in no
        # vocabulary, so it stays out of every n-gram just as a NUL does.
        grams = np.array(analyzer(text.replace("\x00", "\x01")), dtype=width)
        if not len(grams):
            continue
        at = np.minimum(np.searchsorted(vocab, grams), len(vocab) - 1)
        found = at[vocab[at] == grams]  # one entry per occurrence, repeats included
        if not len(found):
            continue
        idf = clf.idf[found]
        scale = np.sqrt(np.sum(idf * idf))
        out[i] += (idf @ clf.coef[found].astype(np.float64)) / scale
    return out

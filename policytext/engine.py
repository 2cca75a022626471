"""The batch engine: a model's scores for many sentences at once, in numpy.

The reference path (:meth:`Classifier.decision_function` with
``engine="reference"``) runs scikit-learn's analyzer, which builds a Python
string for every n-gram. The engine finds the same features without a
Python loop per sentence:

1. the batch is joined into one string, each text preceded by a NUL, and
   encoded as an array of code points;
2. one table lookup applies the feature fold (:func:`features.fold_table`)
   and turns each character into a small id: -1 for white space (dropped),
   0, 1, ... for the vocabulary's characters, most frequent first, and two
   reserved ids for a character in no n-gram and for the NUL;
3. at each position the longest vocabulary n-gram starting there is found
   one length at a time. Each n-gram has a *row*; a character's row is its
   id, and an n-gram is found from its prefix's row and its last character,
   as ``row * width + id``:

   - for bigrams that number indexes a table of every pair of ids, which
     holds the first character's row where the pair is no bigram (frequent
     characters have small ids, so text touches a small corner of it);
   - for longer n-grams it is the key of a hash table. A position whose
     prefix is not in the vocabulary has a row that no key holds, so it
     keeps the row it has;

4. an n-gram's row in a *prefix-summed* weight table holds the weights of
   the n-gram and of all its prefixes, so each position contributes one
   row, and a sentence's scores are the sum of its positions' rows.

This relies on a property of vocabularies cut by document frequency: every
prefix of a vocabulary n-gram is itself in the vocabulary. The engine checks
it when it is built and refuses a model without it (the classifier then uses
the reference path). Weights are summed in float64, in the same order for
a sentence whatever batch it comes in, so a sentence's scores do not depend
on its batch and equal the reference path's to rounding.
"""

import numpy as np

from .features import DELETE, FOLD_LIMIT, fold_table

__all__ = ["BatchEngine", "EngineUnsupported", "few_scores", "FEW", "FEW_CHARS"]

#: Up to this many texts, :func:`few_scores` serves a model whose engine is
#: not built yet: building it costs more than scoring a handful of texts.
FEW = 16
#: ... of at most this many characters in all: it builds a Python string
#: per n-gram, so one huge text would take gigabytes.
FEW_CHARS = 20_000

_PAIRS_LIMIT = 1 << 24  # the bigram table's entries (64 MB); beyond, bigrams go to a hash table
_INT32_KEYS = 1 << 31  # n-gram keys up to this many fit int32, which halves the memory they take
_LOAD = 8  # hash table slots per key: nearly every lookup takes one probe
# Characters per pass. It bounds the working memory. Passes of 2**19
# characters sometimes ran 20-45% slower than 2**18: their arrays (a few MB
# each) made glibc return memory to the system after every pass and fault it
# back in (35,000 page faults per 200,000 sentences, against about none).
_CHUNK_CHARS = 1 << 18


class EngineUnsupported(ValueError):
    """The model's features cannot be computed by the batch engine."""


class _HashTable:
    """Open addressing with linear probing over non-negative integer keys.

    Each slot holds ``[key, value]`` side by side, so a probe is one memory
    access; an empty slot's key is -1.
    """

    _GOLDEN = {np.dtype(np.int32): np.uint32(0x9E3779B9), np.dtype(np.int64): np.uint64(0x9E3779B97F4A7C15)}

    def __init__(self, keys, values):
        self.dtype = keys.dtype
        self.bits = max(4, (_LOAD * len(keys)).bit_length())
        size = 1 << self.bits
        slots = self._slots(keys).astype(np.int64)
        self.entries = np.full((size, 2), -1, dtype=self.dtype)
        claim = np.full(size, -1, dtype=np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            candidates = pending[self.entries[slots[pending], 0] == -1]
            # Several keys may want one free slot: the last write wins, and
            # only the winners are placed this round.
            claim[slots[candidates]] = candidates
            winners = candidates[claim[slots[candidates]] == candidates]
            self.entries[slots[winners], 0] = keys[winners]
            self.entries[slots[winners], 1] = values[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & (size - 1)

    def _slots(self, keys):
        """Home slot of each key (Fibonacci hashing)."""
        golden = self._GOLDEN[self.dtype]
        slots = keys.view(golden.dtype) * golden
        slots >>= golden.dtype.type(8 * self.dtype.itemsize - self.bits)
        return slots.view(self.dtype)  # small enough to be signed: np.take wants signed indices

    def get_larger(self, keys, default):
        """The value of each key, or ``default``'s entry where the key is absent.

        Values must be larger than defaults: a maximum then merges the two,
        which is several times faster than ``np.where``.
        """
        slots = self._slots(keys)
        found = np.take(self.entries, slots, axis=0)
        # 0 where the slot holds the key; negative where it is empty (keys
        # are non-negative); positive where it holds another key.
        other = found[:, 0] ^ keys
        out = np.maximum(default, found[:, 1] * (other == 0))
        active = np.flatnonzero(other > 0)
        mask = slots.dtype.type(len(self.entries) - 1)
        while len(active):
            s = (slots[active] + slots.dtype.type(1)) & mask
            slots[active] = s
            found = self.entries[s]
            other = found[:, 0] ^ keys[active]
            hit = other == 0
            out[active[hit]] = found[hit, 1]
            active = active[other > 0]
        return out


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
        # A tiny corpus may keep no n-gram as long as ngram_range allows.
        self.max_n = min(self.max_n, width)
        # Fixed-width unicode: one uint32 code point per column, 0-padded.
        codes = vocab.view(np.uint32).reshape(len(vocab), width).astype(np.int64)
        lengths = (codes != 0).sum(axis=1)
        unigrams = np.flatnonzero(lengths == 1)
        # Frequent characters (low idf) first: text then mostly touches the
        # first rows and columns of the bigram table, which stay in cache.
        chars = codes[unigrams[np.argsort(clf.idf[unigrams], kind="stable")], 0]
        self.other = len(chars)
        self.separator = len(chars) + 1
        self.width = len(chars) + 2
        self._build_char_ids(chars, params)
        # Vocabulary characters are fixed points of the fold (the vocabulary
        # is built from folded text), so the lookup table gives their ids.
        if not np.array_equal(self.code_ids[chars], np.arange(len(chars))):
            raise EngineUnsupported("the vocabulary holds characters the feature fold changes")
        gram_ids = self.code_ids[codes]

        # Rows: one per character id (the reserved ids' rows are zero), then
        # the longer n-grams by length, so an n-gram's row is larger than the
        # row of any shorter n-gram (see _HashTable.get_larger).
        longer = np.flatnonzero(lengths > 1)
        longer = longer[np.argsort(lengths[longer], kind="stable")]
        n_rows = self.width + len(longer)
        if n_rows * self.width >= 1 << 62:
            raise EngineUnsupported("the vocabulary is too large to number its n-grams")
        self.key_dtype = np.dtype(np.int32 if n_rows * self.width <= _INT32_KEYS else np.int64)
        row_of = np.empty(len(vocab), dtype=np.int64)
        row_of[unigrams] = gram_ids[unigrams, 0]
        row_of[longer] = self.width + np.arange(len(longer))
        row_length = np.ones(n_rows, dtype=np.int64)
        row_length[row_of] = lengths

        weights = np.zeros((n_rows, len(clf.classes_) + 1), dtype=np.float64)
        weights[row_of, :-1] = clf.coef * clf.idf[:, None]
        # The last column sums each sentence's norm; without a norm it counts
        # the n-grams. It is zero exactly for a sentence without a feature (idf > 0).
        weights[row_of, -1] = clf.idf * clf.idf if self.norm == "l2_tokens" else (clf.idf if self.norm == "l1" else 1.0)

        self.pairs = None
        self.tables = {}
        prefix_rows = gram_ids[:, 0].astype(np.int64)  # each n-gram's prefix of the length at hand
        for n in range(2, self.max_n + 1):
            grams = np.flatnonzero(lengths == n)
            prefixes = prefix_rows[grams]
            if (row_length[prefixes] != n - 1).any():
                raise EngineUnsupported("some n-grams' prefixes are not in the vocabulary")
            weights[row_of[grams]] += weights[prefixes]  # prefixes already hold their own prefixes
            keys = prefixes * self.width + gram_ids[grams, n - 1]
            if n == 2 and self.width**2 <= _PAIRS_LIMIT:
                self.pairs = np.repeat(np.arange(self.width, dtype=np.int32), self.width)
                self.pairs[keys] = row_of[grams]
            else:
                self.tables[n] = _HashTable(keys.astype(self.key_dtype), row_of[grams].astype(self.key_dtype))
            going_on = np.flatnonzero(lengths > n)
            prefix_rows[going_on] = self._extend(n, prefix_rows[going_on], gram_ids[going_on, n - 1])
        # float64: float32 would halve the memory each position's row costs
        # to fetch (about 5% faster), but its sums drift from the reference
        # path's by 1e-4 and more on sentences of some hundred characters.
        self.weights = weights

    def _build_char_ids(self, chars, params):
        """One table from any code point to its id, with the fold applied."""
        folded = fold_table(params.fold_digits, params.fold_variants)
        char_id = np.full(0x110000, self.other, dtype=np.int32)
        char_id[chars] = np.arange(len(chars))
        # Above the fold's range characters are kept as they are.
        char_id[:FOLD_LIMIT] = np.where(folded == DELETE, DELETE, char_id[np.maximum(folded, 0)])
        char_id[0] = self.separator
        self.code_ids = char_id

    # -- lookups ------------------------------------------------------------

    def _extend(self, n, rows, next_ids):
        """Row of each n-gram ``row + next id``, or ``rows`` where it is not in the vocabulary.

        ``rows`` are rows of (n-1)-grams, or of shorter ones where the
        (n-1)-gram is absent: no n-gram has such a prefix, so those keep
        their row.
        """
        keys = rows.astype(self.key_dtype) * self.width
        keys += next_ids
        if n == 2 and self.pairs is not None:
            return np.take(self.pairs, keys)
        return self.tables[n].get_larger(keys, rows)

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

        Windows that hold an unknown character or a separator find nothing
        longer than that character: no n-gram holds either reserved id.
        """
        rows = ids.astype(self.key_dtype)
        for n in range(2, self.max_n + 1):
            m = len(ids) - n + 1
            if m <= 0:
                break
            rows[:m] = self._extend(n, rows[:m], ids[n - 1 :])
        return rows

    # -- scoring ------------------------------------------------------------

    def _sums(self, rows, bounds):
        """Sum the weight rows of each sentence's positions.

        One sparse product for every batch, small or large: each sentence's
        rows are added in order, so a sentence's scores do not depend on the
        batch it came in (``np.add.reduceat``, faster for a handful of
        sentences, adds in another order).
        """
        # Import here: a process that scores a few texts without the engine
        # (few_scores) need not import scipy.
        import scipy.sparse as sp

        ones = np.ones(len(rows), dtype=np.float64)
        X = sp.csr_matrix((ones, rows.astype(np.int32, copy=False), bounds.astype(np.int32)), shape=(len(bounds) - 1, len(self.weights)))
        return X @ self.weights

    def scores_joined(self, joined):
        """Class scores of a batch given as :meth:`join` makes it, and which of its texts have no feature (see :meth:`_scale`)."""
        ids = self._char_ids(joined)
        rows = self._positions(ids)
        bounds = np.append(np.flatnonzero(ids == self.separator), len(ids))
        return self._scale(self._sums(rows, bounds))

    def _long_text_scores(self, text):
        """Scores of one text longer than a pass, a pass of positions at a time.

        Each window reads ``max_n - 1`` characters past its end, so its
        positions find the n-grams they would in one pass; memory stays that
        of a pass plus the text's ids, not of a pass as long as the text.
        """
        ids = self._char_ids(self.join([text]))
        total = np.zeros(self.weights.shape[1], dtype=np.float64)
        for start in range(0, len(ids), _CHUNK_CHARS):
            rows = self._positions(ids[start : start + _CHUNK_CHARS + self.max_n - 1])[:_CHUNK_CHARS]
            total += self.weights[rows].sum(axis=0)
        return self._scale(total[None, :])

    def _scale(self, sums):
        """Normalise each row of summed weights and add the intercept.

        Returns the scores and a boolean mask of the rows without a single
        vocabulary n-gram, read from the norm column already summed (no pass
        over the texts): their scores are the intercepts alone.
        """
        if self.norm == "l2_tokens":
            scale = np.sqrt(sums[:, -1])
        elif self.norm == "l1":
            scale = sums[:, -1].copy()
        else:
            scale = np.ones(len(sums))
        featureless = sums[:, -1] == 0
        scale[featureless] = 1.0
        return sums[:, :-1] / scale[:, None] + self.intercept, featureless

    def scores(self, texts):
        """Class scores for a list of str, shape (n_texts, n_classes), and a boolean mask of the texts without a single feature."""
        if not texts:
            return np.zeros((0, len(self.intercept))), np.zeros(0, dtype=bool)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths + 1)
        cuts = np.searchsorted(ends, np.arange(_CHUNK_CHARS, ends[-1], _CHUNK_CHARS), side="right")
        # Texts longer than a pass are scored alone, a window at a time.
        long = np.flatnonzero(lengths > _CHUNK_CHARS)
        # unique: a text longer than a pass gives several equal cuts, and starts one pass
        bounds = np.unique(np.concatenate(([0], cuts, long, long + 1, [len(texts)])))
        parts = [
            self._long_text_scores(texts[i]) if j == i + 1 and lengths[i] > _CHUNK_CHARS else self.scores_joined(self.join(texts[i:j]))
            for i, j in zip(bounds[:-1], bounds[1:])
        ]
        if len(parts) == 1:
            return parts[0]
        return np.vstack([scores for scores, _ in parts]), np.concatenate([featureless for _, featureless in parts])


def few_scores(clf, texts):
    """Scores of a few texts by binary search in the sorted vocabulary, and which of them have no feature.

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
    featureless = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        # numpy drops trailing NULs of fixed-width strings; \x01 is in no
        # vocabulary, so it stays out of every n-gram just as a NUL does.
        grams = np.array(analyzer(text.replace("\x00", "\x01")), dtype=width)
        at = np.minimum(np.searchsorted(vocab, grams), len(vocab) - 1)
        found = at[vocab[at] == grams]  # one entry per occurrence, repeats included
        if not len(found):
            featureless[i] = True
            continue
        idf = clf.idf[found]
        scale = np.sqrt(np.sum(idf * idf))
        out[i] += (idf @ clf.coef[found].astype(np.float64)) / scale
    return out, featureless

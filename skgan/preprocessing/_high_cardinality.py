"""Discrete columns with many distinct values: the policies of ``TabularEncoder(high_cardinality=...)``.

A discrete column is encoded by one of three policies (``column_policies_``
of a fitted encoder):

- ``"onehot"``: one-hot over every observed value
  (:class:`~skgan.preprocessing._columns.DiscreteColumn`);
- ``"frequent"`` (:class:`FrequentColumn`): one-hot over the ``max_categories``
  most frequent values and one more category, "other", for all the others
  (the tail); a generated "other" becomes a tail value drawn with the tail's
  observed frequencies. The block is at most ``max_categories + 2`` wide
  (with missing values), whatever the number of distinct values;
- ``"identifier"`` (:class:`IdentifierColumn`): no model column at all;
  every generated row gets a fresh value of the column's form, unique
  within one sample (see :class:`IdentifierColumn` for what the form is).

``"auto"`` chooses per column (:func:`choose_policy`): one-hot for at most
``max_categories`` distinct values; else identifier when every non-missing
value is distinct and the values are text or integers; else frequent.

Random draws at decoding (tail values, missing identifiers, identifier
characters) come from the CPU generator of the active
:func:`skgan._random.fit_random` streams, so a sample is reproducible from
its seed; outside them, from torch's global generator.
"""

import re
import weakref
from collections import Counter

import numpy as np
import torch

from .._random import generator_for
from ..persistence._validators import check, check_bool, check_keys, check_list
from ._columns import DiscreteColumn, missing_mask, to_tagged, value_key
from ._layout import OutputBlock

#: The policies a column may be given; ``"auto"`` chooses one of the others at fit.
POLICIES = ("auto", "onehot", "frequent", "identifier")
#: The separators a text column's values may be joined with in plain values (the first one no value holds).
_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x00", "\n", "\t", "|", ",")
_COUNTS = re.compile(r"[1-9][0-9]*(,[1-9][0-9]*)*")
_MAX_COUNT = 2**53
_DIGITS, _UPPER, _LOWER = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
#: Values drawn at a time when an identifier's characters are drawn (bounds the uniform draws held at once).
_DRAW_CELLS = 2**22


class _Other:
    """The "other" category of a frequent column: the key of its position in ``value_positions``."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "<other>"

    def __reduce__(self):
        return (_Other, ())


#: The key of a frequent column's "other" category in :meth:`TabularEncoder.value_positions`.
OTHER = _Other()


def uniforms(n):
    """``n`` float64 draws in [0, 1) from the active fit's CPU generator (torch's global one outside a fit)."""
    if n == 0:
        return np.zeros(0)
    return torch.rand(n, generator=generator_for("cpu"), dtype=torch.float64).numpy()


# One state per sample: the active fit's CPU generator is new for each call of sample, so identifiers stay unique
# across the chunks one sample is decoded in.
_SAMPLE_STATE = weakref.WeakKeyDictionary()


def _sample_state(column):
    generator = generator_for("cpu")
    if generator is None:
        return {}
    return _SAMPLE_STATE.setdefault(generator, {}).setdefault(id(column), {})


# -- the choice -------------------------------------------------------------------------------------------------------


def value_counts(ctype, column, label, numbers=None):
    """``(values, counts, has_missing)``: the observed values in the order of a one-hot column, and their counts."""
    if ctype.integral:
        ints, missing = ctype.integers(column, label) if numbers is None else numbers
        values, counts = np.unique(ints[~missing], return_counts=True)
        return [int(v) for v in values], counts, bool(missing.any())
    if ctype.numeric:
        numbers = ctype.numbers(column, label) if numbers is None else numbers
        missing = np.isnan(numbers)
        values, counts = np.unique(numbers[~missing], return_counts=True)
        convert = {"bool": bool, "boolean": bool}.get(ctype.family, float)
        return [convert(v) for v in values], counts, bool(missing.any())
    if ctype.family == "category" and hasattr(column, "cat"):
        codes = column.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(ctype.categories))
        observed = np.flatnonzero(counts)
        return [ctype.categories[i] for i in observed], counts[observed], bool((codes < 0).any())
    objects = np.asarray(column, dtype=object)
    missing = missing_mask(objects)
    found = Counter(value_key(v) for v in objects[~missing])
    values = list(found)
    try:
        values = sorted(values)
    except TypeError:  # not sortable (mixed types): first-appearance order, as a one-hot column
        pass
    return values, np.fromiter((found[v] for v in values), np.int64, len(values)), bool(missing.any())


def identifier_form(ctype, values):
    """``"int"`` or ``"str"``: the form of fresh identifiers for a column of these values; None if it has none.

    Integer dtypes and object columns of integers give integers; text
    columns (object or string dtypes) of text give text.
    """
    if ctype.family in ("int", "Int"):
        return "int"
    if ctype.family in ("object", "string"):
        if all(type(v) is str for v in values):
            return "str"
        if ctype.family == "object" and all(type(v) is int for v in values):
            return "int"
    return None


def choose_policy(n_distinct, n_present, form, max_categories):
    """The policy ``"auto"`` stands for: onehot, identifier or frequent (see the module docstring)."""
    if n_distinct <= max_categories:
        return "onehot"
    return "identifier" if n_distinct == n_present and form is not None else "frequent"


def fit_discrete(ctype, column, label, numbers, policy, max_categories):
    """The fitted column of a discrete column under ``policy`` (one of :data:`POLICIES`)."""
    if policy == "onehot":
        return DiscreteColumn.fit(ctype, column, label, numbers)
    if policy == "auto":
        onehot = DiscreteColumn.fit(ctype, column, label, numbers)
        if len(onehot.values) <= max_categories:
            return onehot
    values, counts, has_missing = value_counts(ctype, column, label, numbers)
    form = identifier_form(ctype, values)
    if policy == "auto":
        policy = choose_policy(len(values), int(counts.sum()), form, max_categories)
    if policy == "identifier":
        if form is None:
            raise ValueError(
                f"Column {label!r} (dtype {ctype.name}) cannot be an identifier: identifiers are integer columns "
                "and text columns of text only."
            )
        n_present = int(counts.sum())
        return IdentifierColumn(ctype, IdentifierColumn.fit_form(form, values), n_present,
                                len(column) - n_present)
    if len(values) <= max_categories:  # nothing to group
        return DiscreteColumn(ctype, values, has_missing)
    return FrequentColumn(ctype, values, counts, has_missing, max_categories)


# -- frequent ---------------------------------------------------------------------------------------------------------


class FrequentColumn:
    """One-hot over the ``n_kept`` most frequent values, then "other" (the tail), then missing values.

    ``values`` are all the observed values (the order of a one-hot column)
    and ``counts`` their counts in the training rows. Encoding maps a tail
    value to "other"; decoding "other" draws a tail value with probability
    proportional to its count. A value not observed at fit is a ValueError,
    as in a one-hot column.
    """

    kind = "discrete"
    policy = "frequent"

    def __init__(self, ctype, values, counts, has_missing, n_kept):
        self.ctype = ctype
        self.values = list(values)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.has_missing = bool(has_missing)
        self.n_kept = int(n_kept)
        self._all = DiscreteColumn(ctype, self.values, has_missing)
        order = np.argsort(-self.counts, kind="stable")  # ties: the first value in the column's order
        self.kept = np.sort(order[: self.n_kept])
        self.tail = np.sort(order[self.n_kept:])
        self._slot = np.full(len(self.values) + 1, self.n_kept, dtype=np.intp)
        self._slot[self.kept] = np.arange(self.n_kept)
        self._slot[-1] = self.n_kept + 1
        self._cumulative = np.cumsum(self.counts[self.tail])
        self._is_tail = np.zeros(len(self.values), dtype=bool)
        self._is_tail[self.tail] = True
        self.width = self.n_kept + 1 + self.has_missing

    def describe(self):
        return f"{len(self.values)} values, the {self.n_kept} most frequent kept"

    def encode(self, column, label, out):
        out[np.arange(len(out)), self._slot[self._all.codes(column, label)]] = 1.0

    def decode(self, block, n_rows):
        """The values of the rows of ``block``: a tail value, drawn by its frequency, for each "other"."""
        slots = np.argmax(block, axis=1)
        codes = np.full(n_rows, len(self.values), dtype=np.intp)
        kept = slots < self.n_kept
        codes[kept] = self.kept[slots[kept]]
        other = np.flatnonzero(slots == self.n_kept)
        draws = uniforms(len(other)) * self._cumulative[-1]
        codes[other] = self.tail[np.minimum(np.searchsorted(self._cumulative, draws, side="right"),
                                            len(self.tail) - 1)]
        return self._all.from_codes(codes)

    def blocks(self, start, name):
        return [OutputBlock("categorical", start, start + self.width, name=name)]

    def feature_names(self, name):
        return ([f"{name}_{self.values[i]}" for i in self.kept] + [f"{name}__other"]
                + [f"{name}_nan"] * self.has_missing)

    def positions(self, start):
        """Each kept value's model column, then :data:`OTHER`'s, then missing values' (``None``)."""
        positions = {self.values[i]: start + j for j, i in enumerate(self.kept)}
        positions[OTHER] = start + self.n_kept
        if self.has_missing:
            positions[None] = start + self.n_kept + 1
        return positions

    def is_tail(self, value):
        """Whether ``value`` is one of the tail's values (those "other" stands for)."""
        index = self._all._lookup(value) if not (self.ctype.numeric or self.ctype.integral) else \
            self._numeric_index(value)
        return index >= 0 and bool(self._is_tail[index])

    def _numeric_index(self, value):
        try:
            index = int(np.searchsorted(self._all._sorted, value))
        except (TypeError, ValueError):
            return -1
        return index if index < len(self.values) and self._all._sorted[index] == value else -1

    def to_plain(self, where):
        """Plain values: ``"values"`` is empty (the score encoding's check reads it); the values are ``observed``."""
        return {"kind": self.kind, "values": [], "missing": self.has_missing, "policy": self.policy,
                "kept": self.n_kept, "observed": values_to_plain(self.values, where),
                "counts": ",".join(map(str, self.counts.tolist()))}

    @classmethod
    def from_plain(cls, plain, ctype, where, version):
        check_keys(plain, ("name", "dtype", "kind", "values", "missing", "policy", "kept", "observed", "counts"),
                   where)
        check(plain["kind"] == "discrete" and plain["values"] == [], where,
              "of a frequent column must be of kind 'discrete' with no 'values'")
        has_missing = check_bool(plain["missing"], f"{where}['missing']")
        observed = values_from_plain(plain["observed"], f"{where}['observed']")
        # the checks of a one-hot column's values: distinct, in the column's order, of its dtype
        values = DiscreteColumn.from_plain(
            {"name": None, "dtype": None, "kind": "discrete" if len(observed) + has_missing >= 2 else "constant",
             "values": observed, "missing": has_missing}, ctype, where, version).values
        counts = plain["counts"]
        check(isinstance(counts, str) and _COUNTS.fullmatch(counts) is not None, f"{where}['counts']",
              "must be positive counts joined by commas")
        counts = [int(c) for c in counts.split(",")]
        check(len(counts) == len(values) and sum(counts) <= _MAX_COUNT, f"{where}['counts']",
              f"must hold one count per observed value ({len(values)}), at most {_MAX_COUNT} in all")
        kept = plain["kept"]
        check(type(kept) is int and 1 <= kept < len(values), f"{where}['kept']",
              f"must be an int in [1, {len(values) - 1}] (there are {len(values)} values)")
        return cls(ctype, values, counts, has_missing, kept)


def values_to_plain(values, where):
    """A list of values in few plain values: text joined by a separator no value holds, else ``[tag, value]`` pairs."""
    if values and all(type(v) is str for v in values):
        joined = "".join(values)
        separator = next((s for s in _SEPARATORS if s not in joined), None)
        if separator is not None:
            return {"text": separator.join(values), "separator": separator}
    return {"tagged": [to_tagged(v, where) for v in values]}


def values_from_plain(plain, where):
    """:func:`values_to_plain`'s values, as ``[tag, value]`` pairs (checked by the caller)."""
    check(isinstance(plain, dict) and set(plain) in ({"text", "separator"}, {"tagged"}), where,
          "must be a dict of 'text' and 'separator', or of 'tagged'")
    if "tagged" in plain:
        return check_list(plain["tagged"], f"{where}['tagged']")
    check(plain["separator"] in _SEPARATORS and isinstance(plain["text"], str), where,
          f"must hold text and a separator of {list(_SEPARATORS)}")
    return [["str", v] for v in plain["text"].split(plain["separator"])]


# -- identifiers ------------------------------------------------------------------------------------------------------


class IdentifierColumn:
    """An identifier column: no model column; fresh values of the column's form, unique within a sample.

    The form of an integer column is its range ``[low, high]``: fresh
    values continue past the maximum (``high + 1``, ``high + 2``, ...), then
    below the minimum when the dtype cannot hold more; none is a training
    value. The form of a text column is its lengths, with their frequencies,
    and each character position's alphabet: a position that holds one
    character in every value keeps it (a prefix, a dash), and another holds
    all digits if it held a digit, all ASCII capitals if it held one, all
    ASCII small letters if it held one, and the other characters it held.
    ``"AB-1234"`` and ``"CD-5678"`` give values such as ``"QF-0932"``. A
    fresh text value is drawn character by character and drawn again while
    it repeats one of the sample; after a few tries a counter is appended.
    A fresh text value may coincide with a training value by chance.
    Missing values come back at their training rate.
    """

    kind = "discrete"
    policy = "identifier"
    width = 0

    def __init__(self, ctype, form, n_present, n_missing):
        self.ctype = ctype
        self.form = form
        self.n_present, self.n_missing = int(n_present), int(n_missing)
        self.has_missing = self.n_missing > 0
        self.values = []
        if form["type"] == "str":
            lengths = np.asarray([length for length, _ in form["lengths"]], dtype=np.intp)
            self._lengths = lengths
            self._length_cumulative = np.cumsum([count for _, count in form["lengths"]])
            alphabets = form["alphabets"]
            self._sizes = np.asarray([len(a) for a in alphabets], dtype=np.int64)
            self._table = np.zeros((len(alphabets), max([1, *self._sizes])), dtype=np.uint32)
            for j, alphabet in enumerate(alphabets):
                self._table[j, : len(alphabet)] = [ord(c) for c in alphabet]

    @staticmethod
    def fit_form(kind, values):
        """The form of ``values`` (see the class docstring) as plain values."""
        if kind == "int":
            return {"type": "int", "low": int(min(values)), "high": int(max(values))}
        lengths = np.fromiter(map(len, values), np.intp, len(values))
        longest = int(lengths.max())
        low = np.full(longest, 2**32 - 1, dtype=np.int64)
        high = np.full(longest, -1, dtype=np.int64)
        classes = np.zeros((3, longest), dtype=bool)
        others = set()
        step = max(1, _DRAW_CELLS // max(longest, 1))
        for start in range(0, len(values), step):
            chunk = values[start : start + step]
            if not longest:
                break
            codes = np.asarray(chunk, dtype=f"<U{longest}").view(np.uint32).reshape(len(chunk), longest)
            codes = codes.astype(np.int64)
            valid = np.arange(longest) < lengths[start : start + step, None]
            low = np.minimum(low, np.where(valid, codes, 2**32 - 1).min(0))
            high = np.maximum(high, np.where(valid, codes, -1).max(0))
            digit, upper, lower = (valid & (codes >= ord(a)) & (codes <= ord(b)) for a, b in ("09", "AZ", "az"))
            classes |= np.stack([digit.any(0), upper.any(0), lower.any(0)])
            rest = valid & ~(digit | upper | lower)
            positions, characters = np.nonzero(rest)[1], codes[rest]
            others.update(np.unique(positions * 2**32 + characters).tolist())
        alphabets = []
        for j in range(longest):
            if low[j] == high[j]:
                alphabets.append(chr(low[j]))
                continue
            alphabet = "".join(a for a, seen in zip((_DIGITS, _UPPER, _LOWER), classes[:, j], strict=True) if seen)
            alphabets.append(alphabet + "".join(sorted(chr(k % 2**32) for k in others if k // 2**32 == j)))
        counts = np.bincount(lengths)
        return {"type": "str", "lengths": [[int(n), int(counts[n])] for n in np.flatnonzero(counts)],
                "alphabets": alphabets}

    def describe(self):
        return f"an identifier of {self.n_present} distinct value(s), generated fresh"

    def encode(self, column, label, out):
        return None

    def decode(self, block, n_rows):
        """Fresh values (see the class docstring), missing at the training rate, in the column's dtype."""
        missing = uniforms(n_rows) < self.n_missing / (self.n_present + self.n_missing) if self.has_missing \
            else np.zeros(n_rows, dtype=bool)
        n_new, state = int((~missing).sum()), _sample_state(self)
        if self.form["type"] == "int":
            values = self._fresh_integers(n_new, state)
            if self.ctype.integral:
                ints = np.zeros(n_rows, dtype=self.ctype.storage)
                ints[~missing] = values
                return self.ctype.from_integers(ints, missing)
        else:
            values = self._fresh_text(n_new, state)
        objects = np.empty(n_rows, dtype=object)
        objects[~missing] = values
        objects[missing] = self.ctype.missing_value
        return self.ctype.from_objects(objects)

    def _fresh_integers(self, n, state):
        first = state.get("next", 0)
        state["next"] = first + n
        low, high = self.form["low"], self.form["high"]
        if self.ctype.integral:
            info = np.iinfo(self.ctype.name.lower())
            above, below = int(info.max) - high, low - int(info.min)
        else:  # Python ints: no bound
            above, below = first + n, 0
        if first + n > above + below:
            raise ValueError(f"An identifier column of dtype {self.ctype.name} holds no {n} more fresh integers.")
        if first + n <= above and self.ctype.integral:
            return np.arange(high + 1 + first, high + 1 + first + n, dtype=self.ctype.storage)
        return [high + 1 + k if k < above else low - 1 - (k - above) for k in range(first, first + n)]

    def _fresh_text(self, n, state):
        used = state.setdefault("used", set())
        values = self._draw_text(n)
        for _ in range(4):  # draw again those that repeat a value of the sample
            seen, again = set(), []
            for i, value in enumerate(values):
                if value in used or value in seen:
                    again.append(i)
                else:
                    seen.add(value)
            if not again:
                break
            for i, value in zip(again, self._draw_text(len(again)), strict=True):
                values[i] = value
        for i, value in enumerate(values):
            if value in used:
                counter = state.get("counter", 0)
                while f"{value}{counter}" in used:
                    counter += 1
                state["counter"] = counter + 1
                value = values[i] = f"{value}{counter}"
            used.add(value)
        return values

    def _draw_text(self, n):
        draws = uniforms(n) * self._length_cumulative[-1]
        lengths = self._lengths[np.minimum(np.searchsorted(self._length_cumulative, draws, side="right"),
                                           len(self._lengths) - 1)]
        values = np.empty(n, dtype=object)
        for length in np.unique(lengths):
            rows = np.flatnonzero(lengths == length)
            if length == 0:
                values[rows] = ""
                continue
            step = max(1, _DRAW_CELLS // int(length))
            for start in range(0, len(rows), step):
                part = rows[start : start + step]
                picks = (uniforms(len(part) * int(length)).reshape(len(part), int(length))
                         * self._sizes[:length]).astype(np.int64)
                picks = np.minimum(picks, self._sizes[:length] - 1)
                codes = np.ascontiguousarray(self._table[np.arange(length), picks])
                values[part] = codes.view(f"<U{length}").ravel().astype(object)
        return values.tolist()

    def blocks(self, start, name):
        return []

    def feature_names(self, name):
        return []

    def positions(self, start):
        raise ValueError("an identifier column has no categories: its values are generated fresh")

    def is_tail(self, value):
        return False

    def to_plain(self, where):
        """Plain values: ``"values"`` is empty (the score encoding's check reads it); the form is ``form``."""
        return {"kind": self.kind, "values": [], "missing": self.has_missing, "policy": self.policy,
                "form": dict(self.form), "rows": [self.n_present, self.n_missing]}

    @classmethod
    def from_plain(cls, plain, ctype, where, version):
        check_keys(plain, ("name", "dtype", "kind", "values", "missing", "policy", "form", "rows"), where)
        check(plain["kind"] == "discrete" and plain["values"] == [], where,
              "of an identifier column must be of kind 'discrete' with no 'values'")
        has_missing = check_bool(plain["missing"], f"{where}['missing']")
        rows = check_list(plain["rows"], f"{where}['rows']", 2)
        check(all(type(n) is int and 0 <= n <= _MAX_COUNT for n in rows) and rows[0] >= 1
              and (rows[1] > 0) == has_missing, f"{where}['rows']",
              "must be the counts of present (at least 1) and missing values, as 'missing' says")
        form = _form_from_plain(plain["form"], ctype, f"{where}['form']")
        return cls(ctype, form, rows[0], rows[1])


def _form_from_plain(form, ctype, where):
    check(isinstance(form, dict) and form.get("type") in ("int", "str"), where, "must be a dict of type 'int' or 'str'")
    kinds = {"object": ("int", "str"), "string": ("str",), "int": ("int",), "Int": ("int",)}.get(ctype.family, ())
    check(form["type"] in kinds, where, f"of type {form['type']!r} cannot be the form of a {ctype.name} column")
    if form["type"] == "int":
        check_keys(form, ("type", "low", "high"), where)
        check(all(type(form[k]) is int for k in ("low", "high")) and form["low"] <= form["high"], where,
              "must hold ints low <= high")
        if ctype.integral:
            info = np.iinfo(ctype.name.lower())
            check(info.min <= form["low"] and form["high"] <= info.max, where,
                  f"must be within the range of {ctype.name}")
        return {"type": "int", "low": form["low"], "high": form["high"]}
    check_keys(form, ("type", "lengths", "alphabets"), where)
    alphabets = check_list(form["alphabets"], f"{where}['alphabets']")
    check(all(isinstance(a, str) and a and len(set(a)) == len(a) for a in alphabets), f"{where}['alphabets']",
          "must be non-empty strings of distinct characters")
    lengths = check_list(form["lengths"], f"{where}['lengths']")
    check(lengths and all(isinstance(p, list) and len(p) == 2 and all(type(n) is int for n in p)
                          and 0 <= p[0] <= len(alphabets) and 1 <= p[1] <= _MAX_COUNT for p in lengths)
          and [p[0] for p in lengths] == sorted({p[0] for p in lengths}), f"{where}['lengths']",
          f"must be increasing [length, count] pairs, lengths at most {len(alphabets)}")
    check(max(p[0] for p in lengths) == len(alphabets), f"{where}['alphabets']", "must be one per position")
    return {"type": "str", "lengths": [list(p) for p in lengths], "alphabets": list(alphabets)}


def policy_error(label, value, column):
    """The ValueError for a condition on ``value`` of ``column`` that its block has no position for."""
    if getattr(column, "is_tail", lambda value: False)(value):
        return ValueError(
            f"Column {label!r} keeps its {column.n_kept} most frequent values as categories; {value!r} is one of its "
            f"rarer values, which the model draws only through its 'other' category: conditions apply to the kept "
            "values."
        )
    return None


def check_policies(high_cardinality, labels):
    """A ValueError unless ``high_cardinality`` is a policy or a dict of fitted columns to policies."""
    if isinstance(high_cardinality, str):
        return
    unknown = [label for label in high_cardinality if label not in set(labels)]
    if unknown:
        raise ValueError(f"high_cardinality names {unknown}, which are not columns of X: {labels}.")
    bad = {label: p for label, p in high_cardinality.items() if not (isinstance(p, str) and p in POLICIES)}
    if bad:
        raise ValueError(f"high_cardinality gives {bad}; each policy must be one of {list(POLICIES)}.")


def requested_policy(high_cardinality, label):
    """``(policy, explicit)``: the policy asked for a column, and whether the dict names it (not ``"auto"``)."""
    if isinstance(high_cardinality, str):
        return high_cardinality, False
    policy = high_cardinality.get(label, "auto")
    return policy, policy != "auto"


"""Conditions on a table's sampled rows: values, closed intervals and partial rows.

``sample(conditions=...)`` takes a dict ``{column: condition}`` or a
DataFrame. In a dict, a condition is one value for every row, a list
(array, Series) of one value per row, or a tuple ``(low, high)``: the
closed interval, None leaving a side open. A DataFrame asks for one row
per row: its given cells are kept and its missing cells generated
(completing partial rows).

How each is met (:class:`ConditionPlan` sorts them):

- a **discrete** column's value, by construction: the generator is
  conditioned on it (training-by-sampling's condition vectors) and its
  one-hot is set; an interval on a discrete column of numbers, by
  construction too, on a value drawn per row among those in the interval
  by their training frequencies;
- an **interval** on a continuous, integer or date column, and a
  constraint with no reversible transform, by rejection
  (:func:`search_rows`): generated rows that meet them are kept, which is
  exact (the rows follow the model's distribution given the conditions)
  and costs about one generator call per row per unit of the conditions'
  probability (100 for a 1% interval). Rows alike (the same discrete
  conditions) share the candidates; rows with conditions of their own get
  theirs;
- a **value** of a continuous, integer or date column (in a dict, or a
  partial row's cell): of :data:`CANDIDATES` generated rows, the nearest to
  the given values (standardised, one unit per unmatched category) is
  kept, and its cells are then set to the given values exactly.

A value or interval outside what the column held at fit is a ValueError
before anything is generated; conditions met by fewer than one in
:data:`MAX_DRAWS_PER_ROW` generated rows are one too, as soon as
:data:`MIN_ESTIMATE_DRAWS` rows tell.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch

from .._frames import is_frame
from ..preprocessing._columns import is_missing_value

#: Candidates per row for a value of a continuous column: the nearest is kept.
CANDIDATES = 8
#: Rows meeting the conditions must be at least one in this many generated rows (else a ValueError)...
MAX_DRAWS_PER_ROW = 1000
#: ... judged once this many rows were generated.
MIN_ESTIMATE_DRAWS = 20_000
#: Candidates generated at a time, at most (memory stays bounded).
POOL_ROWS = 65_536
#: Rows searched at a time: memory stays bounded for any sample size.
SEARCH_ROWS = 65536


class ConditionPlan:
    """The user's conditions, read against a fitted table codec (see the module docstring).

    Attributes: ``n_rows``; ``index`` (a DataFrame's index, or None);
    ``discrete`` (``{label: model column of each row's value, -1 where
    free}``); ``draws`` (``{label: (model columns, probabilities)}``, a
    discrete interval's values); ``intervals`` and ``given`` (the
    continuous columns' intervals and per-row values); ``final`` (the
    conditions on columns the constraints transform, checked or set on the
    table's rows); ``values`` (every value asked for, by column).
    """

    def __init__(self, codec, conditions, n_rows):
        self.codec, self.encoder, self.constraints = codec, codec.encoder, codec.constraints
        self.index, self.discrete, self.draws, self.intervals, self.given = None, {}, {}, [], []
        self.final = []  # conditions on columns the constraints transform: checked on the table's rows
        self.values = {}  # the values asked for, by column: one per row, missing where free
        self.n_rows = n_rows
        if is_frame(conditions):
            self.n_rows, self.index = len(conditions), conditions.index
            items = [(label, conditions[label], True) for label in conditions.columns]
        elif isinstance(conditions, dict):
            items = [(label, value, False) for label, value in conditions.items()]
        elif conditions is None:
            items = []
        else:
            raise TypeError(
                f"conditions must be a dict of column: condition or a DataFrame of partial rows, "
                f"got {type(conditions).__name__}."
            )
        transformed = set() if self.constraints is None else set(self.constraints.transformed_columns)
        for label, value, partial in items:
            if label in transformed:
                self._add_final(label, value, partial)
            else:
                self._add(label, value, partial)
        if self.constraints is not None and self.values:
            self._check_against_constraints()

    def _check_against_constraints(self):
        """A ValueError when the values asked for in a row break a constraint that reads only given columns."""
        import pandas as pd

        types = self.codec.column_types()
        for constraint in self.constraints.constraints_:
            read = list(constraint.read_columns)
            if not read or not set(read) <= set(self.values):
                continue
            given = np.logical_and.reduce([~_missing(self.values[label]) for label in read])
            if not given.any():
                continue
            rows = np.flatnonzero(given)
            frame = pd.DataFrame({label: _typed(types[label], self.values[label][rows], label) for label in read})
            bad = ~constraint.is_valid(frame)
            if bad.any():
                row = int(rows[np.flatnonzero(bad)[0]])
                asked = ", ".join(f"{label}={self.values[label][row]!r}" for label in read)
                raise ValueError(f"The conditions break {constraint!r} in row {row} ({asked}): no row can meet both "
                                 f"({int(bad.sum())} row(s) in all).")

    @property
    def rejects(self):
        """Whether rows are checked as the table's rows (constraints met by rejection, conditions on their columns)."""
        return bool(self.final) or self.constraints is not None and not all(
            c.transform_ for c in self.constraints.constraints_)

    @property
    def per_row(self):
        """Whether the conditions differ from row to row beyond the discrete ones (given values)."""
        return bool(self.given) or any(kind != "interval" for _, _, kind, _ in self.final)

    @property
    def searches(self):
        """Whether some condition is met by search rather than by construction."""
        return bool(self.intervals or self.given) or self.rejects

    def _column(self, label):
        labels = self.encoder._labels
        if label not in labels:
            columns = labels if self.constraints is None else self.constraints.columns_
            raise ValueError(f"Cannot condition on {label!r}: it is not a column of the table; its columns are "
                             f"{columns}.")
        i = labels.index(label)
        return self.encoder._columns[i], self.encoder._starts[i]

    def _add_final(self, label, value, partial):
        """A condition on a column the constraints transform: met by rejection on the rows of the table."""
        ctype = self.codec.column_types()[label]
        if isinstance(value, tuple) and not partial:
            self.final.append((label, ctype, "interval", _bounds(ctype, value, label)))
        else:
            values = self._per_row(label, value, partial)
            given = ~_missing(values)
            if not partial and not given.all():
                raise ValueError(f"The condition on {label!r} holds a missing value, which a condition on a "
                                 "constrained column cannot ask for.")
            if _is_number(ctype):  # a number: set on the table's row, the constraints then checked with it
                numbers, _ = _numbers_of(ctype, values, label)
                self.final.append((label, ctype, "set", (numbers, given)))
            else:
                self.final.append((label, ctype, "values", (_comparable(ctype, values, label), given)))
            self.values[label] = values

    def _add(self, label, value, partial):
        column, start = self._column(label)
        interval = isinstance(value, tuple) and not partial
        if column.kind in ("discrete", "constant"):
            if interval:
                self._discrete_interval(label, column, *_bounds(column.ctype, value, label))
            else:
                self._discrete_values(label, column, start, self._per_row(label, value, partial), partial)
        elif interval:
            low, high = _bounds(column.ctype, value, label)
            if (low is not None and low > column.high) or (high is not None and high < column.low):
                raise ValueError(
                    f"The interval {value!r} for {label!r} lies outside the values the column held at fit, "
                    f"[{_shown(column, column.low)}, {_shown(column, column.high)}]: the model gives it probability "
                    f"zero."
                )
            self.intervals.append((label, column, start, low, high))
        else:
            values = self._per_row(label, value, partial)
            numbers, missing = _numbers_of(column.ctype, values, label)
            if missing.any() and not partial:
                raise ValueError(f"The condition on {label!r} holds a missing value; a continuous column's "
                                 "condition is a value or an interval (low, high).")
            given = ~missing
            outside = given & ((numbers < column.low) | (numbers > column.high))
            if outside.any():
                row = int(np.flatnonzero(outside)[0])
                raise ValueError(
                    f"The condition on {label!r} asks for {values[row]!r} (row {row}), outside the values the "
                    f"column held at fit, [{_shown(column, column.low)}, {_shown(column, column.high)}]: the "
                    f"model gives it probability zero."
                )
            self.given.append((label, column, start, numbers, given, values))
            self.values[label] = values

    def _per_row(self, label, value, partial):
        """One value per row: a list (object array) of ``n_rows`` values."""
        if partial:
            return np.asarray(value, dtype=object)
        if isinstance(value, (list, np.ndarray)) or hasattr(value, "to_numpy") and getattr(value, "ndim", 0) == 1:
            values = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=object)
            if values.shape != (self.n_rows,):
                raise ValueError(f"The condition on {label!r} must be one value, an interval (low, high) or "
                                 f"{self.n_rows} values (one per row), got shape {values.shape}.")
            return values
        values = np.empty(self.n_rows, dtype=object)
        values[:] = [value] * self.n_rows if self.n_rows else []
        return values

    def _discrete_values(self, label, column, start, values, partial):
        if column.kind == "constant":
            fitted = column.fitted_values()
            for v in values:
                if not (partial and is_missing_value(v)) and _key(v) not in [_key(f) for f in fitted]:
                    raise ValueError(f"Column {label!r} has no value {v!r}; it was fitted on {fitted}.")
            return
        positions = np.full(self.n_rows, -1, dtype=np.int64)
        seen = {}
        for i, v in enumerate(values.tolist()):
            if partial and is_missing_value(v):
                continue
            key = _key(v)
            if key not in seen:
                seen[key] = self.encoder.value_position(label, v)
            positions[i] = seen[key]
        self.discrete[label] = positions
        self.values[label] = values

    def _discrete_interval(self, label, column, low, high):
        ctype = column.ctype
        values = np.asarray(column.values, dtype=ctype.storage if ctype.integral else np.float64)
        inside = _inside(values, np.zeros(len(values), dtype=bool), low, high)
        if not inside.any():
            raise ValueError(f"No value of column {label!r} lies in the interval ({low}, {high}); it was fitted "
                             f"on {column.values[:20]}{' ...' if len(column.values) > 20 else ''}.")
        first = min(self.encoder.value_positions(label).values())
        counts = self.codec.category_counts(label)
        weights = np.ones(len(values)) if counts is None else counts[: len(values)].astype(np.float64)
        weights = np.where(inside, weights, 0.0)
        if weights.sum() == 0:
            weights = inside.astype(np.float64)
        self.draws[label] = (first + np.flatnonzero(inside), weights[inside] / weights[inside].sum())

    def fixed_positions(self, rng):
        """``{label: ((start, stop), model column of each row's value, -1 where free)}``; draws the intervals'."""
        fixed = {}
        for label, positions in self.discrete.items():
            fixed[label] = (self._block(label), positions)
        for label, (choices, p) in self.draws.items():
            fixed[label] = (self._block(label), choices[rng.choice(len(choices), size=self.n_rows, p=p)])
        return fixed

    def _block(self, label):
        positions = self.encoder.value_positions(label).values()
        return min(positions), max(positions) + 1

    def meets(self, rows, slots):
        """Whether each of ``rows`` (model columns of the rows ``slots``) meets every interval and constraint.

        Also the table rows of those that meet them when the check needed
        them (:attr:`rejects`; else None): a decoding can draw (the rarer
        values of a column of many values), so those rows are the ones kept.
        """
        ok = np.ones(len(rows), dtype=bool)
        for label, column, start, low, high in self.intervals:
            ok &= _inside(*_decoded_numbers(column, rows[:, start:start + column.width], label), low, high)
        table = None
        if self.rejects and ok.any():
            kept = np.flatnonzero(ok)
            table = self.table_rows(self.codec.decode(rows[kept]), slots[kept])
            good = self._final_ok(table, slots[kept])
            ok[kept] = good
            table = table[good]
        return ok, table

    def _final_ok(self, table, slots):
        ok = np.ones(len(table), dtype=bool) if self.constraints is None else self.constraints.is_valid(table)
        for label, ctype, kind, data in self.final:
            if kind == "interval":
                ok &= _inside(*_numbers_of(ctype, table[label].to_numpy(dtype=object), label), *data)
            elif kind == "values":
                wanted, given = data
                found = _comparable(ctype, table[label].to_numpy(dtype=object), label)
                ok &= ~given[slots] | (found == wanted[slots])
        return ok

    def distance(self, rows, slots, fixed):
        """Each row's distance to its slot's given values (standardised; one per unmatched category)."""
        d = np.zeros(len(rows))
        for label, column, start, numbers, given, _ in self.given:
            values, missing = _decoded_numbers(column, rows[:, start:start + column.width], label)
            scale = float(self.codec.score_encoding.scale_.get(label, 1.0))
            gap = (values.astype(np.float64) - numbers[slots].astype(np.float64)) / scale
            gap[missing] = np.inf
            d += np.where(given[slots], gap * gap, 0.0)
        for (begin, stop), positions in fixed.values():
            wanted = positions[slots]
            d += (wanted >= 0) & (rows[:, begin:stop].argmax(1) + begin != wanted)
        return d

    def table_rows(self, frame, slots=None):
        """Decoded rows (the encoder's columns) of the rows ``slots`` as the table's: the given cells set, then the
        constraints' inverse transform (so that a column derived from a given one follows it)."""
        for label, column, _, numbers, given, _ in self.given:
            _set_cells(frame, label, column.ctype, numbers, given, slots)
        if self.constraints is None:
            return frame
        frame = self.constraints.inverse_transform(frame)
        for label, ctype, kind, (numbers, given) in self.final:
            if kind == "set":  # a value of a column the constraints derive: set on the table's row
                _set_cells(frame, label, ctype, numbers, given, slots)
        return frame

    def finish(self, frame, checked=False):
        """The sampled rows: :meth:`table_rows` of all rows (unless ``checked``: they are table rows already), with
        the index of a DataFrame of conditions."""
        frame = frame if checked else self.table_rows(frame)
        if self.final or self.constraints is not None:
            bad = ~self._final_ok(frame, np.arange(len(frame)))
            if bad.any():  # the search keeps only rows that meet them: this is a broken invariant
                raise RuntimeError(f"{int(bad.sum())} sampled rows break the conditions or constraints "
                                   f"{self.constraints.describe_violations(frame) if self.constraints else ''}.")
        if self.index is not None:
            frame.index = self.index
        return frame


def search_rows(plan, source, vectors, fixed, seed, fix):
    """Model rows, one per row of ``plan``, that meet its intervals and are nearest to its given values.

    ``source`` is the :class:`~skgan._generation.RowSource`; ``vectors``
    the condition vectors or class labels of the rows (None; a row filled
    by another row's candidate takes that row's condition vector, drawn
    alike); ``fixed`` the discrete columns set by construction, set by
    ``fix(rows, fixed, slots)``. Yields ``(start, rows, table)`` a block of
    :data:`SEARCH_ROWS` at a time: ``table`` holds the rows as checked, when
    checking needed the table's rows (else None).
    """
    for start in range(0, plan.n_rows, SEARCH_ROWS):
        slots = np.arange(start, min(start + SEARCH_ROWS, plan.n_rows))
        yield start, *_search(plan, source, vectors, fixed, seed + start, fix, slots)


class _Kept:
    """The table rows of the candidates kept, by row, as they were checked (decoded once)."""

    def __init__(self, n_rows):
        self.pieces, self.where, self.size = [], np.full(n_rows, -1), 0

    def put(self, rows, table):
        """``table`` (None, or one table row per row of ``rows``, in order) for the rows ``rows``."""
        if table is not None:
            self.pieces.append(table.reset_index(drop=True))
            self.where[rows] = self.size + np.arange(len(rows))
            self.size += len(rows)

    def frame(self):
        import pandas as pd

        return pd.concat(self.pieces, ignore_index=True).iloc[self.where].reset_index(drop=True)


def _search(plan, source, vectors, fixed, seed, fix, slots):
    gen = torch.Generator().manual_seed(int(seed) % 2**63)
    rng = np.random.RandomState(int(seed) % 2**32)
    m, d = len(slots), source.latent_dim
    rows = np.empty((m, source.scaling.n_data_features))
    found, dist = np.zeros(m, dtype=bool), np.full(m, np.inf)
    keys = None if vectors is None else _keys(vectors, slots)
    draws, kept = Draws(plan), _Kept(m)

    def propose(local):
        """Candidates for the rows ``local`` (with their condition vectors): rows, which meet, distances, table."""
        x = source.rows(torch.randn((len(local), d), generator=gen),
                        None if keys is None else _vectors(vectors, keys[local]))
        gap = plan.distance(x, slots[local], fixed)
        fix(x, fixed, slots[local])
        ok, table = plan.meets(x, slots[local])
        draws.add(len(local), int(ok.sum()))
        return x, ok, gap, table

    for _ in range(CANDIDATES if plan.given else 1):  # each row's candidates; the nearest that meets is kept
        x, ok, gap, table = propose(np.arange(m))
        better = ok & (gap < dist)
        rows[better], dist[better], found[better] = x[better], gap[better], True
        kept.put(np.flatnonzero(better), None if table is None else table.iloc[(np.cumsum(ok) - 1)[better]])
    if plan.per_row:  # each row has its own conditions: rejection row by row
        lacking, repeat = np.flatnonzero(~found), 1
        while lacking.size:
            draws.check(len(lacking))
            local = np.repeat(lacking, repeat)
            x, ok, _, table = propose(local)
            first = np.unique(local[ok], return_index=True)[1]  # the first candidate of a row that meets
            chosen = np.flatnonzero(ok)[first]
            rows[local[chosen]], found[local[chosen]] = x[chosen], True
            kept.put(local[chosen], None if table is None else table.iloc[first])
            lacking, repeat = lacking[~found[lacking]], min(2 * repeat, POOL_ROWS // max(1, len(lacking)) + 1)
        return rows, kept.frame() if plan.rejects else None
    groups = _groups(fixed, slots, keys if _labels_given(vectors) else None)
    for group in np.unique(groups[~found]):  # rows alike: any candidate of the group may fill any of its rows
        members = np.flatnonzero(groups == group)
        lacking, alike = members[~found[members]], Draws(plan)
        alike.add(len(members), len(members) - len(lacking))  # the first round: one candidate per row
        while lacking.size:
            alike.check(len(lacking))
            n_draws = min(POOL_ROWS, max(len(lacking), int(len(lacking) * 1.2 / max(alike.rate, 1e-3))))
            local = members[rng.randint(len(members), size=n_draws)]  # condition vectors drawn like theirs
            x, ok, _, table = propose(local)
            alike.add(len(local), int(ok.sum()))
            chosen = np.flatnonzero(ok)[: len(lacking)]
            filled = lacking[: len(chosen)]
            rows[filled] = x[chosen]
            kept.put(filled, None if table is None else table.iloc[: len(chosen)])
            if keys is not None:
                keys[filled] = keys[local[chosen]]
            found[filled] = True
            lacking = lacking[len(chosen):]
    return rows, kept.frame() if plan.rejects else None


class Draws:
    """The candidates generated and the share that met the conditions; the budget of :data:`MAX_DRAWS_PER_ROW`."""

    def __init__(self, plan):
        self.plan, self.drawn, self.met = plan, 0, 0

    def add(self, drawn, met):
        self.drawn, self.met = self.drawn + drawn, self.met + met

    @property
    def rate(self):
        return self.met / self.drawn if self.drawn else 1.0

    def check(self, missing):
        """A ValueError, early, when the rows still ``missing`` would take more than the budget of draws."""
        if self.drawn >= MIN_ESTIMATE_DRAWS and (self.met == 0 or 1.0 / self.rate > MAX_DRAWS_PER_ROW):
            raise ValueError(_impossible(self.plan, self.drawn, self.met))


def _keys(vectors, slots):
    return np.array(vectors.keys[slots]) if hasattr(vectors, "keys") else np.asarray(vectors)[slots].copy()


def _vectors(vectors, keys):
    return type(vectors)(keys, vectors.width) if hasattr(vectors, "keys") else keys


def _labels_given(vectors):
    return vectors is not None and not hasattr(vectors, "keys")


def _groups(fixed, slots, labels):
    """Rows that share their fixed categories (and class labels) share a group: and so their candidates."""
    columns = [positions[slots] for _, positions in fixed.values()] + ([] if labels is None else [labels])
    if not columns:
        return np.zeros(len(slots), dtype=np.int64)
    return np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)[1].ravel()


def _impossible(plan, drawn, met):
    shown = [f"{label!r} in [{_shown(c, lo, '-inf')}, {_shown(c, hi, 'inf')}]"
             for label, c, _, lo, hi in plan.intervals]
    shown += [f"{label!r} {'in' if kind == 'interval' else 'equal to'} the values asked"
              for label, _, kind, _ in plan.final]
    rejected = [] if plan.constraints is None else [repr(c) for c in plan.constraints.constraints_
                                                      if not c.transform_]
    what = "conditions and constraints" if shown and rejected else "constraints" if rejected else "conditions"
    return (f"The {what} {', '.join(shown + rejected)} held in {met} of {drawn} generated rows: the model "
            f"gives them a probability below 1/{MAX_DRAWS_PER_ROW}, too rare to sample by rejection. Widen the "
            f"intervals, condition on fewer columns at once, or drop a constraint the training rows barely meet.")


def _bounds(ctype, value, label):
    """``(low, high)``, an interval's bounds in the column's numbers (None: open), checked."""
    if len(value) != 2:
        raise ValueError(f"The interval for {label!r} must be a tuple (low, high), got {value!r}.")
    if not _is_number(ctype):
        raise ValueError(f"An interval condition needs numbers or dates; column {label!r} holds "
                         f"{ctype.name} values: give one value, or one per row.")
    low, high = (None if b is None else _number(ctype, b, label, side)
                 for b, side in zip(value, ("low", "high"), strict=True))
    if low is not None and high is not None and low > high:
        raise ValueError(f"The interval for {label!r} is empty: low {value[0]!r} > high {value[1]!r}.")
    return low, high


def _inside(numbers, missing, low, high):
    """Where ``numbers`` (not ``missing``) lie in the closed interval ``[low, high]`` (None: open)."""
    ok = ~missing
    if low is not None:
        ok &= numbers >= low
    if high is not None:
        ok &= numbers <= high
    return ok


def _shown(column, number, open_side="-inf"):
    """A bound in the column's own units (a date as a date), for messages."""
    if number is None:
        return open_side
    ctype = column.ctype
    if ctype.temporal:
        return str(ctype.from_integers(np.array([number], dtype=np.int64))[0])
    return repr(int(number) if ctype.integral else float(number))


def _key(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _number(ctype, bound, label, side):
    """An interval's bound in the column's numbers: exact integers of an integral column (rounded inwards)."""
    if ctype.integral and not ctype.temporal and isinstance(bound, Real) and not isinstance(bound, Integral):
        if not math.isfinite(bound):
            raise ValueError(f"The interval for {label!r} has a bound {bound!r}; use None for an open side.")
        bound = math.ceil(bound) if side == "low" else math.floor(bound)
    numbers, missing = _numbers_of(ctype, np.array([bound], dtype=object), label)
    if missing[0]:
        raise ValueError(f"The interval for {label!r} has a missing bound {bound!r}; use None for an open side.")
    return numbers[0]


def _numbers_of(ctype, values, label):
    """Given values as the column's numbers (exact integers for an integral column) and their missing mask."""
    import pandas as pd

    missing = _missing(values)
    try:
        if ctype.temporal:
            series = pd.Series(values, dtype=object).where(~missing, None)
            if ctype.family == "datetime":
                series = pd.to_datetime(series)
                if ctype.tz is not None and series.dt.tz is None:
                    series = series.dt.tz_localize(ctype.dtype.tz)
            elif ctype.family == "timedelta":
                series = pd.to_timedelta(series)
            else:
                series = pd.Series(pd.PeriodIndex([None if m else v for v, m in zip(values, missing, strict=True)],
                                                  freq=ctype.dtype.freq))
            return ctype.integers(series, label)
        if ctype.integral:
            info = np.iinfo(ctype.storage)
            ints = np.zeros(len(values), dtype=ctype.storage)
            for i, v in enumerate(values.tolist()):
                if missing[i]:
                    continue
                if isinstance(v, bool) or not isinstance(v, Real) or not float(v).is_integer() and not isinstance(
                        v, Integral):
                    raise ValueError(f"{v!r} is not a whole number")
                whole = int(v)
                if not info.min <= whole <= info.max:
                    raise ValueError(f"{v!r} does not fit dtype {ctype.name}")
                ints[i] = whole
            return ints, missing
        numbers = np.full(len(values), np.nan)
        numbers[~missing] = np.asarray(values[~missing], dtype=np.float64)
        if np.isinf(numbers).any():
            raise ValueError("infinite values")
        return numbers, missing
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"The condition on {label!r} must hold values of the column's type "
                         f"({ctype.name}): {error}") from None


def _missing(values):
    return np.array([is_missing_value(v) for v in values.tolist()], dtype=bool)


def _typed(ctype, values, label):
    """Values asked for (objects, none missing) as an array of the column's dtype, for a constraint's check."""
    import pandas as pd

    if _is_number(ctype):
        numbers, missing = _numbers_of(ctype, values, label)
        return ctype.from_integers(numbers, missing) if ctype.integral else ctype.from_numbers(numbers)
    return pd.Series(list(values), dtype=object).astype(ctype.dtype).array


def _is_number(ctype):
    return (ctype.numeric or ctype.integral) and ctype.family not in ("bool", "boolean")


def _set_cells(frame, label, ctype, numbers, given, slots=None):
    """Set column ``label`` of ``frame`` (the rows ``slots``) to ``numbers`` where ``given``, in its dtype, in place."""
    import pandas as pd

    wanted = given if slots is None else given[slots]
    if not wanted.any():
        return
    picked = numbers if slots is None else numbers[slots]
    exact = (ctype.from_integers(picked, ~wanted) if ctype.integral
             else ctype.from_numbers(np.where(wanted, picked, np.nan)))
    frame[label] = pd.Series(exact, index=frame.index, dtype=ctype.dtype).where(wanted, frame[label])


def _comparable(ctype, values, label):
    """Values of a column as comparable keys: the column's numbers, or a value's key (text, booleans)."""
    if _is_number(ctype):
        numbers, missing = _numbers_of(ctype, values, label)
        out = numbers.astype(object)
        out[missing] = None
        return out
    return np.array([None if is_missing_value(v) else _key(v) for v in values.tolist()], dtype=object)


def _decoded_numbers(column, block, label):
    """A continuous column's numbers (exact integers where integral) in model rows, and where they are missing."""
    values = column.decode(block, len(block))
    ctype = column.ctype
    if ctype.integral:
        return ctype.integers(values, label)
    numbers = ctype.numbers(values, label)
    return numbers, np.isnan(numbers)

"""``TabularEncoder``: mixed-type tables to the float64 matrix a GAN's networks see, and back."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_feature_names_in, check_array, check_is_fitted, validate_data

from .._arguments import MAX_SEED
from .._frames import is_frame
from .._random import fit_random, generator_for
from ..exceptions import InvalidModelFile
from ..privacy._mechanisms import check_epsilon
from ._columns import (
    KINDS,
    NUMPY_DTYPES,
    ColumnType,
    DiscreteColumn,
    check,
    check_keys,
    check_list,
    column_of,
    fit_sample,
    from_tagged,
    infer_kind,
    is_missing_value,
    to_tagged,
    value_key,
)
from ._continuous import ContinuousColumn, fit_modes, point_masses, value_grid
from ._high_cardinality import (
    FrequentColumn,
    IdentifierColumn,
    check_policies,
    fit_discrete,
    policy_error,
    requested_policy,
)
from ._integers import offsets
from ._layout import OutputLayout
from ._private_columns import private_columns

#: What ``to_plain`` writes under "format" and "version"; ``from_plain`` reads nothing else.
FORMAT = "skgan.preprocessing.TabularEncoder"
#: Version 2 added ``"gated"`` to continuous columns (version 1 values read as ungated columns); version 3 dates
#: and times, and exact integers (an integer column's bounds, points and grid as ints, its modes as offsets).
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
OUTPUTS = ("frame", "float64", "object")

# joblib backend for the columns' mixture fits (numpy releases the GIL in their array operations). Measured: fit on
# 100,000 rows x 10 continuous columns (10,000-row subsamples), n_jobs=2, OMP_NUM_THREADS=1, 2 shared cores:
# threads 5.7-7.9 s, processes (loky) 10.4-20.6 s (worker start-up and imports); n_jobs=1 7.3-7.9 s.
_BACKEND = "threads"


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encodes mixed-type tables for a GAN's networks: mode-specific normalisation and one-hot blocks.

    Each column becomes model columns in one float64 matrix, following CTGAN's
    ``DataTransformer`` (Xu et al., 2019), and :meth:`inverse_transform`
    decodes the networks' outputs back to rows of the original columns and
    dtypes. The kinds, inferred per column at fit (``column_kinds_``):

    - **discrete**: boolean, ``category``, object and string columns, integer
      columns with at most ``max_discrete_values`` distinct values and float
      columns of at most that many whole numbers: one-hot over the observed
      values (a ``category`` dtype's order, else sorted where sortable;
      missing values are a value of their own, last);
    - **continuous**: other float columns: a scalar ``alpha = (x - mu_k) /
      (4 sigma_k)`` clipped to [-1, 1], then the one-hot of the mode ``k``
      of ``x`` (the most probable of the modes a Bayesian Gaussian mixture
      finds in the column, with weight above ``weight_threshold``); missing
      values are one more entry of the mode block, with ``alpha = 0``.
      Decoded values are clipped to the column's observed range;
    - **integer**: integer columns (and floats of whole numbers) with more
      distinct values: continuous, rounded when decoded. Integer columns
      (int64, uint64, Int64...) are read and decoded exactly, never through
      float64: modelled as the offset from the column's minimum, decoded to
      whole numbers in the observed range; discrete ones return their
      observed values bit for bit;
    - dates and times (``datetime64`` of any unit, naive or timezone-aware,
      ``timedelta64``, ``Period``; DataFrame columns only) are integer
      columns of their ``int64`` counts of the unit (a period's ordinal),
      and come back in the same dtype, unit, timezone and frequency, ``NaT``
      for missing values; one date alone is a constant column;
    - **constant**: one observed value and no missing values: no model
      column; it comes back as that value.

    A discrete column with many distinct values has a policy
    (``column_policies_``, chosen by ``high_cardinality``): ``"onehot"``,
    the one-hot above; ``"frequent"``, one-hot over its ``max_categories``
    most frequent values and one "other" category for the rest, decoded as
    one of the rest drawn with their observed frequencies; ``"identifier"``,
    no model column and fresh values of the column's form, unique within a
    sample (integers past the observed maximum; text of the observed
    lengths and characters per position). ``"auto"`` chooses one-hot for at
    most ``max_categories`` distinct values, else identifier when every
    non-missing value is distinct and they are integers or text, else
    frequent. So the model columns of a discrete column are at most
    ``max_categories + 2``, whatever its number of values.

    The mixture of each continuous column is fitted on at most
    ``max_fit_rows`` of its values, a random subsample, in parallel over the
    columns.

    The encoder is meant for rows like its training rows: a value of a
    discrete column that it was not fitted on, or a missing value in a
    column that had none, is a ValueError in :meth:`transform`.

    Parameters
    ----------
    max_modes : int, default=10
        Components of each continuous column's Gaussian mixture.
    weight_threshold : float, default=0.005
        Modes with a weight at most this are dropped (the heaviest one is
        always kept).
    max_fit_rows : int, default=10_000
        The mixtures are fitted on at most this many values per column,
        drawn at random; transform encodes every row.
    max_discrete_values : int, default=20
        An integer column (or a float column of whole numbers) with at most
        this many distinct values is discrete; with more it is continuous.
    high_cardinality : {"auto", "onehot", "frequent"} or dict, default="auto"
        The policy of the discrete columns: ``"auto"`` chooses per column
        (above), ``"onehot"`` keeps every value (the encoding before
        policies), ``"frequent"`` groups the values past the
        ``max_categories`` most frequent. A dict maps column names (indices
        for an array) to ``"auto"``, ``"onehot"``, ``"frequent"`` or
        ``"identifier"``; a column it names with a policy other than
        ``"auto"`` is discrete with that policy, even a numeric one
        (``"identifier"``: integer and text columns only); the columns it
        does not name are ``"auto"``.
    max_categories : int, default=50
        The most values a ``"frequent"`` column keeps as categories, and
        the most distinct values ``"auto"`` encodes one-hot.
    n_jobs : int, default=None
        Columns fitted in parallel (joblib); ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context, -1 means all cores. The
        result does not depend on it.
    verbose : int, default=0
        Above 0, shows the progress of fit: a tqdm bar when tqdm is
        installed, else one printed line per column.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsample and the mixture of each column (one seed per
        column, drawn in column order); with ``epsilon``, the noise.
    epsilon : float or None, default=None
        None: every statistic is exact. A positive float: the fit is
        ``epsilon``-differentially private (each column's statistics spend
        ``epsilon / n_columns``; see the Notes), as in a private
        ``GANSampler`` fit, which sets it to its encoder's share.
    delta : float or None, default=None
        With ``epsilon``: the probability, over all the columns whose values
        are the rows' own (text and numbers), that a value held by one row
        is kept (the thresholded counts' ``delta``); the fit is then
        ``(epsilon, delta)``-differentially private. None: ``1 / (10 n)``
        for ``n`` rows. Not used without ``epsilon``.

    Attributes
    ----------
    column_kinds_ : dict
        Column name (an index for an array) -> ``"continuous"``,
        ``"integer"``, ``"discrete"`` or ``"constant"``.
    column_policies_ : dict
        Column name -> the policy of a discrete or constant column
        (``"onehot"``, ``"frequent"`` or ``"identifier"``), None for a
        continuous or integer one.
    output_layout_ : OutputLayout
        The model columns: a 1-wide continuous block per continuous scalar,
        a categorical block per mode block and per discrete column, named
        after the column.
    noisy_counts_ : dict
        Only after a fit with ``epsilon``: each discrete column's noisy
        count of each of its values, in :meth:`value_positions` order
        (float64, each above 0).
    n_features_in_ : int
        Number of columns seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the columns seen during fit, when they are all strings.

    See Also
    --------
    OutputLayout : The layout the networks read.

    Notes
    -----
    Missing values (None, NaN, ``pd.NA``) come back as the dtype holds them:
    NaN in float columns, ``pd.NA`` in nullable ones, and in object columns
    the marker seen at fit. Fitted on a DataFrame, the decoded rows are a
    DataFrame with the same columns and dtypes (a ``category`` column keeps
    all its categories); fitted on an array, an array: float64 if every
    column is numeric, else object (an object array's column that holds only
    numbers is numeric).

    :meth:`to_plain` describes the fitted encoder in plain values (no
    pickle); :meth:`from_plain` rebuilds it.

    With ``epsilon`` (the user guide's "Differential privacy"), the
    kinds follow the dtypes and noisy counts (booleans, categories and
    text discrete; a numeric column is discrete when few values hold most
    rows, by noisy counts, and its heavy values are point masses), a
    discrete column keeps the values whose noisy count passes a threshold
    that a value seen in one row rarely passes (its other values, and
    values it does not know, are encoded as its most frequent kept value),
    a continuous or integer column keeps a private range (values beyond it
    are clipped) and ``max_modes`` private quantile bins as its modes, and
    whether a column has missing values is a noisy count too. ``max_fit_rows``,
    ``weight_threshold`` and ``n_jobs`` are not used, and
    ``high_cardinality="identifier"`` is a ValueError. The table's schema
    (columns, dtypes, a ``category`` dtype's categories) and its number of
    rows are taken as public.

    References
    ----------
    L. Xu, M. Skoularidou, A. Cuesta-Infante and K. Veeramachaneni,
    "Modeling Tabular data using Conditional GAN", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgan.preprocessing import TabularEncoder
    >>> X = pd.DataFrame({"length": [1.2, 3.4, 2.2, 5.0, 4.1, 0.3, 2.9, 4.4],
    ...                   "colour": ["red", "blue", "red", None, "blue", "red", "red", "blue"],
    ...                   "legs": [4, 2, 4, 4, 2, 4, 0, 2]})
    >>> encoder = TabularEncoder(random_state=0).fit(X)
    >>> encoder.column_kinds_
    {'length': 'continuous', 'colour': 'discrete', 'legs': 'discrete'}
    >>> Z = encoder.transform(X)
    >>> Z.shape == (8, encoder.output_layout_.n_columns)
    True
    >>> encoder.get_feature_names_out()[-6:]
    array(['colour_blue', 'colour_red', 'colour_nan', 'legs_0', 'legs_2', 'legs_4'], dtype=object)
    >>> back = encoder.inverse_transform(Z)
    >>> back[["colour", "legs"]].equals(X[["colour", "legs"]]), np.allclose(back["length"], X["length"])
    (True, True)
    >>> encoder.discrete_columns(), encoder.value_position("colour", "red") == Z.shape[1] - 5
    (['colour', 'legs'], True)

    A private fit (``epsilon``) on more rows: a colour seen once is not kept,
    and its row is encoded as the kept colour of the largest noisy count:

    >>> rng = np.random.default_rng(0)
    >>> rows = pd.DataFrame({"colour": rng.choice(["red", "blue"], size=2000), "size": rng.normal(10, 2, 2000)})
    >>> rows.loc[0, "colour"] = "violet"
    >>> private = TabularEncoder(epsilon=1.0, random_state=0).fit(rows)
    >>> private.column_kinds_, list(private.value_positions("colour"))
    ({'colour': 'discrete', 'size': 'continuous'}, ['blue', 'red'])
    >>> private.noisy_counts_["colour"].round()
    array([1043.,  956.])
    >>> private.inverse_transform(private.transform(rows.head(1)))["colour"].item()
    'blue'
    """

    _parameter_constraints = {
        "max_modes": [Interval(Integral, 1, None, closed="left")],
        "weight_threshold": [Interval(Real, 0, 1, closed="left")],
        "max_fit_rows": [Interval(Integral, 2, None, closed="left")],
        "max_discrete_values": [Interval(Integral, 0, None, closed="left")],
        "high_cardinality": [StrOptions({"auto", "onehot", "frequent"}), dict],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "epsilon": [Interval(Real, 0, None, closed="neither"), None],
        "delta": [Interval(Real, 0, 1, closed="neither"), None],
    }

    def __init__(self, *, max_modes=10, weight_threshold=0.005, max_fit_rows=10_000, max_discrete_values=20,
                 high_cardinality="auto", max_categories=50, n_jobs=None, verbose=0, random_state=None,
                 epsilon=None, delta=None):
        self.max_modes = max_modes
        self.weight_threshold = weight_threshold
        self.max_fit_rows = max_fit_rows
        self.max_discrete_values = max_discrete_values
        self.high_cardinality = high_cardinality
        self.max_categories = max_categories
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state
        self.epsilon = epsilon
        self.delta = delta

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Infer each column's kind and fit its encoding.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The training rows; columns of numbers, booleans, categories or
            text, with missing values.
        y : None
            Ignored.

        Returns
        -------
        self : TabularEncoder
            The fitted encoder.

        Examples
        --------
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> X = np.array([[0.5, 1.0], [1.5, 2.0], [2.5, 1.0], [3.5, 1.0]])
        >>> TabularEncoder(random_state=0).fit(X).column_kinds_
        {0: 'continuous', 1: 'discrete'}
        """
        X, labels = self._check_rows(X, reset=True)
        check_policies(self.high_cardinality, labels)
        if self.epsilon is not None:
            return self._fit_private(X, labels)
        if hasattr(self, "noisy_counts_"):
            del self.noisy_counts_
        seeds = check_random_state(self.random_state).randint(MAX_SEED, size=(len(labels), 2))
        columns, tasks = [], []
        for index, label in enumerate(labels):
            column = column_of(X, index, label)
            ctype = ColumnType.of(column, label)
            kind, numbers = infer_kind(ctype, column, label, self.max_discrete_values)
            policy, explicit = requested_policy(self.high_cardinality, label)
            if kind == "discrete" or explicit:
                columns.append(fit_discrete(ctype, column, label, numbers, policy, self.max_categories))
                continue
            if ctype.integral:  # exact integers, modelled as offsets from the minimum
                ints, missing = numbers
                finite = ints[~missing]
                low, high = int(finite.min()), int(finite.max())
            else:
                missing = np.isnan(numbers)
                finite = numbers[~missing]
                low, high = float(finite.min()), float(finite.max())
            points, rest = point_masses(finite)
            columns.append((ctype, low, high, kind == "integer", missing.any(), points, value_grid(finite)))
            rest = offsets(rest, low) if ctype.integral else rest
            tasks.append((fit_sample(rest, self.max_fit_rows, np.random.RandomState(seeds[index, 0])),
                          int(seeds[index, 1])))
        with warnings.catch_warnings():  # sklearn's Parallel passes the filter to the workers
            warnings.simplefilter("ignore", ConvergenceWarning)
            modes = Parallel(n_jobs=self.n_jobs, prefer=_BACKEND, return_as="generator")(
                delayed(fit_modes)(sample, seed, self.max_modes, self.weight_threshold) for sample, seed in tasks
            ) if tasks else iter(())
            with _Progress(len(labels), self.verbose) as report:
                for index, label in enumerate(labels):
                    if isinstance(columns[index], tuple):
                        ctype, low, high, rounded, has_missing, points, grid = columns[index]
                        columns[index] = ContinuousColumn(ctype, *next(modes), low, high, rounded=rounded,
                                                          has_missing=has_missing, points=points, grid=grid,
                                                          gated=True)
                    report(index, label, columns[index])
        if X.shape[0] == 1 and not any(column.width for column in columns):
            raise ValueError("TabularEncoder needs more than one row: with n_samples = 1 every column is constant.")
        self._set_columns(labels, columns, "frame" if is_frame(X) else self._array_output(columns))
        return self

    def _fit_private(self, X, labels):
        """Fit every column with ``epsilon``-DP statistics (``skgan/preprocessing/_private_columns.py``)."""
        check_epsilon(self.epsilon)
        seed = self.random_state if isinstance(self.random_state, Integral) else check_random_state(
            self.random_state).randint(MAX_SEED)
        columns, self.noisy_counts_ = private_columns(X, labels, self, np.random.default_rng(seed))
        with _Progress(len(labels), self.verbose) as report:
            for index, label in enumerate(labels):
                report(index, label, columns[index])
        self._set_columns(labels, columns, "frame" if is_frame(X) else self._array_output(columns))
        return self

    @staticmethod
    def _array_output(columns):
        return "float64" if all(column.ctype.numeric for column in columns) else "object"

    def _check_rows(self, X, *, reset):
        """``X`` as a frame or a 2-D array (object for mixed rows), checked against the fit, and its columns."""
        if not reset and self._output == "frame" and not is_frame(X):
            raise ValueError(f"TabularEncoder was fitted on a DataFrame with the columns {self._labels}; got an array.")
        if not is_frame(X):
            if hasattr(X, "toarray"):
                raise ValueError("TabularEncoder needs dense rows (a DataFrame or a 2-D array), got a sparse matrix.")
            rows = np.asarray(X)
            if rows.dtype.kind in "US" and not isinstance(X, np.ndarray):  # mixed lists: keep the numbers
                rows = np.asarray(X, dtype=object)
            X = rows
            if X.ndim != 2:
                raise ValueError(
                    f"TabularEncoder needs 2-D rows (a DataFrame or a 2-D array), got shape {X.shape}. "
                    "Reshape your data: X.reshape(-1, 1) if it is one column, X.reshape(1, -1) if it is one row."
                )
        elif not reset and self._output != "frame":
            X = np.asarray(X)
        validate_data(self, X, skip_check_array=True, reset=reset)
        if X.shape[0] == 0:
            raise ValueError("TabularEncoder needs at least one row, got 0.")
        labels = list(X.columns) if is_frame(X) else list(range(X.shape[1]))
        if reset:
            if not labels:
                raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
            if len(set(labels)) != len(labels):
                raise ValueError(f"TabularEncoder needs distinct column names, got {labels}.")
        elif self._output == "frame" and labels != self._labels:
            raise ValueError(f"TabularEncoder was fitted on a DataFrame with the columns {self._labels}; got {labels}.")
        return X, labels

    def _set_columns(self, labels, columns, output):
        """The fitted state from the fitted columns (fit and from_plain)."""
        starts, blocks, position = [], [], 0
        for label, column in zip(labels, columns, strict=True):
            starts.append(position)
            blocks += column.blocks(position, str(label))
            position += column.width
        if not position:
            raise ValueError("Every column is constant (one value, no missing values): nothing to encode.")
        self._labels, self._columns, self._starts, self._output = list(labels), list(columns), starts, output
        self.column_kinds_ = {label: column.kind for label, column in zip(labels, columns, strict=True)}
        self.column_policies_ = {label: getattr(column, "policy", "onehot") if column.kind in ("discrete", "constant")
                                 else None for label, column in zip(labels, columns, strict=True)}
        self.output_layout_ = OutputLayout(blocks)

    def _parts(self):
        return zip(range(len(self._labels)), self._labels, self._columns, self._starts, strict=True)

    def transform(self, X):
        """Encode rows: a C-contiguous float64 array, one row per row.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with the fitted columns.

        Returns
        -------
        Z : ndarray of shape (n_samples, ``output_layout_.n_columns``)
            The encoded rows; each categorical block holds one 1 per row.

        Examples
        --------
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> X = np.array([[0.0], [1.0], [1.0]])
        >>> TabularEncoder().fit(X).transform(X)
        array([[1., 0.],
               [0., 1.],
               [0., 1.]])
        """
        check_is_fitted(self)
        X, _ = self._check_rows(X, reset=False)
        Z = np.zeros((X.shape[0], self.output_layout_.n_columns))
        for index, label, column, start in self._parts():
            column.encode(column_of(X, index, label), label, Z[:, start:start + column.width])
        return Z

    def inverse_transform(self, X):
        """Decode model rows, e.g. a generator's outputs, to rows of the fitted columns.

        Each categorical block is decoded by its argmax (so softmax outputs
        need not be one-hot), each continuous scalar is clipped to [-1, 1].

        Parameters
        ----------
        X : array-like of shape (n_samples, ``output_layout_.n_columns``)
            Model rows.

        Returns
        -------
        rows : DataFrame or ndarray of shape (n_samples, ``n_features_in_``)
            A DataFrame with the fitted columns and dtypes when fitted on
            one; else an array (float64 when every column is numeric, else
            object).

        Examples
        --------
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> encoder = TabularEncoder().fit(np.array([[0.0], [1.0], [1.0]]))
        >>> encoder.inverse_transform(np.array([[0.8, 0.2], [0.3, 0.7]]))
        array([[0.],
               [1.]])
        """
        check_is_fitted(self)
        n_columns = self.output_layout_.n_columns
        Z = check_array(X, dtype=np.float64, ensure_min_samples=0)
        if Z.shape[1] != n_columns:
            raise ValueError(
                f"TabularEncoder.inverse_transform needs rows of {n_columns} model columns "
                f"(output_layout_.n_columns), got shape {Z.shape}."
            )
        if generator_for("cpu") is not None or not any(hasattr(c, "policy") for c in self._columns):
            return self._assemble(self._decode_columns(Z), Z.shape[0])
        with fit_random(check_random_state(self.random_state).randint(MAX_SEED)):  # tail values, identifiers
            return self._assemble(self._decode_columns(Z), Z.shape[0])

    def _decode_columns(self, Z):
        """The values of each fitted column in model rows ``Z`` (float64, checked): arrays of the columns' dtypes."""
        return [column.decode(Z[:, start:start + column.width], len(Z)) for _, _, column, start in self._parts()]

    def _assemble(self, decoded, n_rows):
        """:meth:`inverse_transform`'s rows from the values of each column (not copied where they can be kept)."""
        if self._output == "frame":
            import pandas as pd

            index = pd.RangeIndex(n_rows)  # each column as a Series of its dtype: object stays object (pandas 3)
            frame = pd.DataFrame({i: pd.Series(values, index=index, dtype=column.ctype.dtype, copy=False)
                                  for i, (values, column) in enumerate(zip(decoded, self._columns, strict=True))},
                                 copy=False)
            frame.columns = pd.Index(self._labels)
            return frame
        rows = np.empty((n_rows, len(decoded)), dtype=np.float64 if self._output == "float64" else object)
        for index, values in enumerate(decoded):
            rows[:, index] = np.asarray(values, dtype=rows.dtype)
        return rows

    def get_feature_names_out(self, input_features=None):
        """Names of the model columns.

        A continuous column ``c`` gives ``c`` (the scalar), ``c__mode_0``, ...
        and ``c__missing``; a discrete one ``c_value`` for each value and
        ``c_nan`` for missing values; a constant one none.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Column names; by default ``feature_names_in_``, or ``x0``, ``x1``,
            ... for an array.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per model column.

        Examples
        --------
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> TabularEncoder().fit(np.array([[0.0, 5.0], [1.0, 5.0]])).get_feature_names_out()
        array(['x0_0.0', 'x0_1.0'], dtype=object)
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray([out for name, column in zip(names, self._columns, strict=True)
                           for out in column.feature_names(name)], dtype=object)

    def discrete_columns(self):
        """The discrete columns (with a categorical block), in column order: those conditional sampling can fix.

        Returns
        -------
        columns : list
            Column names (indices for an array).

        Examples
        --------
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> TabularEncoder().fit(np.array([[0.0, 5.0], [1.0, 6.0]])).discrete_columns()
        [0, 1]
        """
        check_is_fitted(self)
        return [label for label, column in zip(self._labels, self._columns, strict=True)
                if column.kind == "discrete" and column.width]

    def value_positions(self, column):
        """Each value of a discrete column and its model column (an index into :meth:`transform`'s output).

        Parameters
        ----------
        column : str or int
            A discrete column's name (index for an array).

        Returns
        -------
        positions : dict
            Value -> model column, in the block's order. The values are
            Python objects (``str``, ``int``, ``float``, ``bool``...); the
            missing values' entry, if any, has the key ``None`` and comes
            last.

        Examples
        --------
        >>> import pandas as pd
        >>> from skgan.preprocessing import TabularEncoder
        >>> X = pd.DataFrame({"island": ["Dream", "Biscoe", None, "Dream"]})
        >>> TabularEncoder().fit(X).value_positions("island")
        {'Biscoe': 0, 'Dream': 1, None: 2}
        """
        check_is_fitted(self)
        discrete = self.discrete_columns()
        if column not in discrete:
            what = f"is {self.column_kinds_[column]}" if column in self._labels else "is not a fitted column"
            if self.column_policies_.get(column) == "identifier":
                what = "is an identifier, generated fresh, with no categories"
            raise ValueError(f"Column {column!r} {what}; the discrete columns are {discrete}.")
        index = self._labels.index(column)
        return self._columns[index].positions(self._starts[index])

    def value_position(self, column, value):
        """The model column of one value of a discrete column.

        Parameters
        ----------
        column : str or int
            A discrete column's name (index for an array).
        value : object
            One of its values (numbers match across types: ``3``,
            ``np.int64(3)`` and ``3.0`` are one value); None, NaN or
            ``pd.NA`` for missing values.

        Returns
        -------
        position : int
            An index into :meth:`transform`'s output.

        Examples
        --------
        >>> import pandas as pd
        >>> from skgan.preprocessing import TabularEncoder
        >>> X = pd.DataFrame({"island": ["Dream", "Biscoe", "Torgersen"], "legs": [2, 2, 4]})
        >>> TabularEncoder().fit(X).value_position("legs", 4)
        4
        """
        positions = self.value_positions(column)
        key = None if is_missing_value(value) else value_key(value)
        try:
            return positions[key]
        except (KeyError, TypeError):
            error = policy_error(column, key, self._columns[self._labels.index(column)])
            if error is not None:
                raise error from None
            raise ValueError(
                f"Column {column!r} has no value {value!r}; it was fitted on {list(positions)}."
            ) from None

    def to_plain(self):
        """The fitted encoder as plain values: a dict of str, int, float, bool, None, lists and dicts.

        Parameters and values that are not plain: a ``random_state`` that
        is not an int is saved as None; a column name or value of another
        type (a Timestamp, a tuple) is a ValueError.

        Returns
        -------
        values : dict
            What :meth:`from_plain` reads.

        Examples
        --------
        >>> import json
        >>> import numpy as np
        >>> from skgan.preprocessing import TabularEncoder
        >>> X = np.array([[0.0, 5.0], [1.0, 6.0]])
        >>> encoder = TabularEncoder().fit(X)
        >>> copy = TabularEncoder.from_plain(json.loads(json.dumps(encoder.to_plain())))
        >>> bool((copy.transform(X) == encoder.transform(X)).all())
        True
        """
        check_is_fitted(self)
        params = self.get_params()
        for name in ("epsilon", "delta"):
            if params[name] is None:  # files of exact encoders keep their keys
                del params[name]
        if not isinstance(params["random_state"], Integral):
            params["random_state"] = None
        if isinstance(params["high_cardinality"], dict):  # column names of any plain type: [name, policy] pairs
            params["high_cardinality"] = [[to_tagged(label, "A column name"), policy]
                                          for label, policy in params["high_cardinality"].items()]
        columns = []
        for label, column in zip(self._labels, self._columns, strict=True):
            where = f"Column {label!r}"
            columns.append({"name": to_tagged(label, "A column name"), "dtype": column.ctype.to_plain(),
                            **column.to_plain(where)})
        return {"format": FORMAT, "version": VERSION, "params": params, "output": self._output, "columns": columns}

    @classmethod
    def from_plain(cls, values):
        """A fitted encoder from :meth:`to_plain`'s values, every one checked (an InvalidModelFile if malformed).

        Parameters
        ----------
        values : dict
            What :meth:`to_plain` returned, e.g. read back from JSON.

        Returns
        -------
        encoder : TabularEncoder
            A fitted encoder whose transform and inverse_transform are the
            saved one's.

        Examples
        --------
        >>> from skgan.preprocessing import TabularEncoder
        >>> TabularEncoder.from_plain({"format": "something else"})
        Traceback (most recent call last):
        ...
        skgan.exceptions.InvalidModelFile: Malformed TabularEncoder values: ...
        """
        try:
            return cls._from_checked_plain(values)
        except InvalidModelFile as error:
            raise InvalidModelFile(f"Malformed TabularEncoder values: {error}.") from None

    @classmethod
    def _from_checked_plain(cls, values):
        check_keys(values, ("format", "version", "params", "output", "columns"), "the dict")
        check(values["format"] == FORMAT, "['format']", f"must be {FORMAT!r}, got {values['format']!r}")
        check(values["version"] in READABLE_VERSIONS, "['version']",
              f"must be one of {list(READABLE_VERSIONS)}, got {values['version']!r}")
        params = dict(values["params"]) if isinstance(values["params"], dict) else values["params"]
        if isinstance(params, dict):  # files before the high-cardinality policies: every column one-hot
            params.setdefault("high_cardinality", "onehot")
            params.setdefault("max_categories", 50)
            params.setdefault("epsilon", None)
            params.setdefault("delta", None)
            pairs = params["high_cardinality"]
            if isinstance(pairs, list):
                check(all(isinstance(p, list) and len(p) == 2 for p in pairs), "['params']['high_cardinality']",
                      "must be a policy or a list of [column name, policy] pairs")
                params["high_cardinality"] = {from_tagged(n, "['params']['high_cardinality']"): p for n, p in pairs}
        check_keys(params, cls._parameter_constraints, "['params']")
        encoder = cls(**params)
        try:
            encoder._validate_params()
        except ValueError as error:
            raise InvalidModelFile(f"['params']: {str(error).rstrip('.')}") from None
        output = values["output"]
        check(output in OUTPUTS, "['output']", f"must be one of {list(OUTPUTS)}, got {output!r}")
        labels, columns = [], []
        for i, plain in enumerate(check_list(values["columns"], "['columns']")):
            where = f"['columns'][{i}]"
            check(isinstance(plain, dict) and {"name", "dtype", "kind"} <= set(plain), where,
                  "must be a dict with 'name', 'dtype' and 'kind'")
            labels.append(from_tagged(plain["name"], f"{where}['name']"))
            ctype = ColumnType.from_plain(plain["dtype"], f"{where}['dtype']")
            check(output == "frame" or ctype.name in NUMPY_DTYPES, f"{where}['dtype']",
                  f"is {ctype.name}, which an array's column cannot be")
            check(output != "float64" or ctype.numeric, f"{where}['dtype']",
                  f"is {ctype.name}, which a column of a float64 array cannot be")
            check(plain["kind"] in KINDS, f"{where}['kind']", f"must be one of {list(KINDS)}")
            kind_class = DiscreteColumn if plain["kind"] in ("discrete", "constant") else ContinuousColumn
            if "policy" in plain:  # a frequent or identifier column (onehot columns write no policy)
                policies = {"frequent": FrequentColumn, "identifier": IdentifierColumn}
                check(plain["policy"] in policies, f"{where}['policy']", f"must be one of {list(policies)}")
                kind_class = policies[plain["policy"]]
            columns.append(kind_class.from_plain(plain, ctype, where, values["version"]))
        check(len(labels) >= 1, "['columns']", "must hold at least one column")
        check(len(set(labels)) == len(labels), "['columns']", "must not repeat a name")
        check(output == "frame" or labels == list(range(len(labels))), "['columns']",
              "of an array must be named 0, 1, ... in order")
        try:
            encoder._set_columns(labels, columns, output)
        except ValueError as error:
            raise InvalidModelFile(f"['columns']: {str(error).rstrip('.')}") from None
        encoder.n_features_in_ = len(labels)
        if output == "frame" and all(isinstance(label, str) for label in labels):
            encoder.feature_names_in_ = np.asarray(labels, dtype=object)
        return encoder


class _Progress:
    """Reports each fitted column: a tqdm bar (``verbose > 0`` and tqdm installed), else a printed line."""

    def __init__(self, n_columns, verbose):
        self.n_columns, self.verbose, self.bar = n_columns, verbose, None

    def __enter__(self):
        if self.verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                pass
            else:
                self.bar = tqdm(total=self.n_columns, desc="TabularEncoder.fit", unit="column")
        return self.report

    def report(self, index, label, column):
        if not self.verbose:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(str(label), refresh=False)
            self.bar.update(1)
            return
        if hasattr(column, "describe"):
            detail = column.describe()
        elif column.kind in ("continuous", "integer"):
            detail = f"{len(column.means)} mode(s)"
        else:
            detail = f"{len(column.values) + column.has_missing} value(s)"
        print(f"[TabularEncoder] column {index + 1}/{self.n_columns} {label!r}: {column.kind}, {detail}", flush=True)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False

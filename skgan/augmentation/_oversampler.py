"""GANOversampler: an over-sampler with imbalanced-learn's API, rows from a class-conditional GAN."""

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, _fit_context, clone
from sklearn.preprocessing import label_binarize
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, validate_data

from .._arguments import seed_of
from .._codecs import is_table
from .._sampler import GANSampler
from ._imblearn_compat import (
    _SAMPLING_STRATEGY_CONSTRAINTS,
    _check_target_type,
    _Containers,
    _imblearn_tags,
    _is_pandas,
    check_oversampling_strategy,
)


def _encodes_tables(sampler):
    """Whether ``sampler`` (a template, None for the default GANSampler) fits tables as they are.

    A GANSampler does unless ``encoder="scale"``, or ``encoder="auto"`` with a
    ``transformer`` (numeric data only); another sampler gets the table as it
    is.
    """
    params = sampler.get_params(deep=False) if hasattr(sampler, "get_params") else {}
    encoder = params.get("encoder", "auto")
    return not (isinstance(encoder, str) and (encoder != "auto" or params.get("transformer") is not None))


def _takes_table(X, sampler):
    """Whether ``fit_resample`` hands ``X`` to the GAN as a table (a DataFrame as it is).

    A DataFrame does when a column is not float or has missing values (as for
    :class:`~skgan.GANSampler`), unless its columns are all sparse (the
    numeric path makes it a sparse matrix). A table of numbers and booleans
    also goes the numeric path (floats out, as before) when the sampler scales
    numeric data only; any other table is then an error, as is an array of
    text.
    """
    if not _is_pandas(X, "DataFrame"):
        if not sparse.issparse(X) and is_table(X):
            raise ValueError(
                "GANOversampler got an array of text: give a table with text or categories as a pandas "
                "DataFrame (its columns' dtypes say which are numbers), e.g. pandas.DataFrame(X)."
            )
        return False
    import pandas as pd

    dtypes = list(X.dtypes)
    if dtypes and all(isinstance(dtype, pd.SparseDtype) for dtype in dtypes):
        return False
    if not is_table(X):
        return False
    if _encodes_tables(sampler):
        return True
    other = [c for c, dtype in zip(X.columns, dtypes, strict=True)
             if not pd.api.types.is_numeric_dtype(dtype) or isinstance(dtype, pd.SparseDtype)]
    if not other:
        return False
    raise ValueError(
        f"GANOversampler got a table with columns that are not numbers ({other[:5]}"
        f"{' ...' if len(other) > 5 else ''}), but its sampler encodes numeric data only "
        "(encoder='scale', or a transformer): use encoder='auto' (the default) or a TabularEncoder."
    )


def _check_table(estimator, X, y):
    """A DataFrame kept as it is (its feature names recorded) and its labels, checked."""
    X = validate_data(estimator, X, skip_check_array=True, reset=True)
    if X.shape[1] < 1:
        raise ValueError(f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    y = column_or_1d(y, warn=True)
    check_consistent_length(X, y)
    return X, y


def _append_rows(X, X_new, n_new):
    """The rows of the DataFrame ``X`` then the sampler's rows, with ``X``'s columns and dtypes and a fresh index."""
    import pandas as pd

    if _is_pandas(X_new, "DataFrame"):
        if X_new.shape != (n_new, X.shape[1]) or list(X_new.columns) != list(X.columns):
            raise ValueError(
                f"The sampler returned a DataFrame of shape {X_new.shape} from sample({n_new}, y=...); "
                f"expected {(n_new, X.shape[1])} with the columns of X."
            )
        X_new = X_new.set_axis(pd.RangeIndex(n_new), axis=0)
    else:
        values = np.asarray(X_new, dtype=object)
        if values.shape != (n_new, X.shape[1]):
            raise ValueError(
                f"The sampler returned an array of shape {values.shape} from sample({n_new}, y=...); "
                f"expected {(n_new, X.shape[1])}."
            )
        X_new = pd.DataFrame(values, columns=X.columns).infer_objects()
    X_res = pd.concat([X, X_new], ignore_index=True)
    for i, dtype in enumerate(X.dtypes):
        if X_res.dtypes.iloc[i] != dtype:  # e.g. categories the sampler's rows gave in another order
            try:
                X_res.isetitem(i, X_res.iloc[:, i].astype(dtype))
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"The sampler's rows of column {X.columns[i]!r} do not fit its dtype {dtype}: {error}"
                ) from None
    return X_res


class GANOversampler(OneToOneFeatureMixin, BaseEstimator):
    """Over-sample classes with rows from a class-conditional GAN.

    ``fit_resample(X, y)`` trains a clone of ``sampler`` (a
    :class:`~skgan.GANSampler`) conditionally on ``(X, y)`` and returns the
    rows of ``X`` followed by generated rows of the classes that
    ``sampling_strategy`` asks for, each generated conditioned on its class.

    The sampler API is imbalanced-learn's, so the over-sampler is a step of
    :class:`imblearn.pipeline.Pipeline` (which resamples only while
    fitting), and imbalanced-learn's estimator checks pass; imbalanced-learn
    itself is optional (``pip install "skgan[imbalanced]"``). Without it,
    use :class:`AugmentedEstimator` to augment inside a scikit-learn
    pipeline.

    Parameters
    ----------
    sampler : GANSampler, default=None
        The GAN, as a template: it is cloned and fitted with ``(X, y)`` at
        each ``fit_resample``. None is ``GANSampler()``. Any estimator with
        ``fit(X, y)`` and ``sample(n_samples, y=labels)`` works. Its
        parameters are reachable as ``sampler__<name>``, e.g.
        ``set_params(sampler__max_iter=300)``.
    sampling_strategy : float, str, dict or callable, default="auto"
        How many rows to generate, with imbalanced-learn's meanings:

        - ``"minority"``, ``"not minority"``, ``"not majority"``, ``"all"``:
          bring those classes up to the size of the majority class;
          ``"auto"`` is ``"not majority"``;
        - float in ``(0, 1]`` (binary targets only): the desired ratio of
          minority rows to majority rows after resampling;
        - dict: the desired number of rows of each listed class (at least
          its current number);
        - callable: called with ``y``, returns such a dict.
    random_state : int, RandomState instance or None, default=None
        When not None, seeds the cloned GAN (its training and its samples),
        replacing the template's ``random_state``; an int makes
        ``fit_resample`` reproducible (bitwise on CPU). None keeps the
        template's.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        The classes to over-sample, sorted, each with the number of rows to
        generate.
    sampler_ : GANSampler or None
        The GAN fitted by the last ``fit_resample``; None when it had no row
        to generate (no GAN is trained then). Not set by ``fit``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    AugmentedEstimator : Over-sample inside a classifier's ``fit``.
    imblearn.over_sampling.SMOTE : Over-sample by interpolating neighbours.

    Notes
    -----
    ``fit`` only checks the data and computes ``sampling_strategy_``, as
    imbalanced-learn's samplers do; ``fit_resample`` trains the GAN.

    Input and output follow imbalanced-learn: a list, pandas DataFrame or
    Series comes back as one (a DataFrame with a fresh ``RangeIndex``, and
    ``y``'s index the same); a one-vs-all (one-hot) ``y`` comes back
    one-hot; the rows of ``X`` come first, in order, then the generated rows
    grouped by class in sorted class order.

    **Tables** (the use case of imbalanced-learn's SMOTENC): a DataFrame
    with integer, boolean, categorical or text columns, or missing values,
    goes to the GAN as it is (a :class:`~skgan.GANSampler` encodes it with a
    :class:`~skgan.preprocessing.TabularEncoder`), and ``X_resampled`` is a
    DataFrame with its columns and dtypes: integers stay integers, booleans
    booleans, categorical columns keep their ``CategoricalDtype`` and
    generated rows hold only categories the table had, missing values are
    generated where the table had some. Columns of other dtypes (dates,
    complex numbers) are a ValueError. A sampler that scales numeric data
    only (``encoder="scale"`` or a ``transformer``) takes tables of numbers
    and booleans as numeric data (see below), and no other table. Give text
    as a DataFrame: an array of text is a ValueError.

    Otherwise ``X`` is numeric (a DataFrame of floats included): float32 and
    float64 are kept, other numeric types become float64 (generated values
    are continuous). Sparse ``X`` (CSR or CSC, or a DataFrame of sparse
    columns) is supported: it is made dense for the GAN and the result is
    returned in the same sparse format; the generated rows are dense rows,
    so memory grows with ``n_samples * n_features``.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from skgan import GANOversampler, GANSampler
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, size=(90, 2)), rng.normal(5, 1, size=(10, 2))]
    >>> y = np.r_[np.zeros(90, dtype=int), np.ones(10, dtype=int)]
    >>> gan = GANSampler(latent_dim=8, max_iter=5, batch_size=100, bandwidth=1.0)
    >>> oversampler = GANOversampler(gan, random_state=0)
    >>> X_res, y_res = oversampler.fit_resample(X, y)
    >>> dict(oversampler.sampling_strategy_)
    {1: 80}
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 90), (1, 90)]
    >>> bool(np.array_equal(X_res[:100], X))
    True
    """

    _estimator_type = "sampler"

    _parameter_constraints = {
        "sampler": [HasMethods(["fit", "sample"]), None],
        "sampling_strategy": _SAMPLING_STRATEGY_CONSTRAINTS,
        "random_state": ["random_state"],
    }

    def __init__(self, sampler=None, *, sampling_strategy="auto", random_state=None):
        self.sampler = sampler
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _check_X_y(self, X, y):
        check_classification_targets(y)
        y, binarize_y = _check_target_type(y)
        if _takes_table(X, self.sampler):
            X, y = _check_table(self, X, y)
        else:
            X, y = validate_data(
                self, X, y, reset=True, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
            )
        return X, y, binarize_y

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Check the data and compute ``sampling_strategy_``.

        As with imbalanced-learn's samplers, use ``fit_resample``: ``fit``
        trains no GAN.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or their one-vs-all encoding.

        Returns
        -------
        self : GANOversampler
            This over-sampler.
        """
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = check_oversampling_strategy(self.sampling_strategy, y)
        self.__dict__.pop("sampler_", None)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y):
        """Train the GAN on (X, y) and add generated rows of the classes to over-sample.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data: numbers, or a table (a DataFrame of mixed columns).
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or their one-vs-all encoding.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame, list} of shape (n_samples_new, n_features)
            The rows of ``X``, then the generated rows; a table comes back
            with its columns and dtypes.
        y_resampled : {ndarray, Series, DataFrame, list} of shape (n_samples_new,) or (n_samples_new, n_classes)
            Their labels, encoded as ``y`` was.
        """
        check_classification_targets(y)
        containers = _Containers(X, y)
        X, y, binarize_y = self._check_X_y(X, y)
        self.sampling_strategy_ = check_oversampling_strategy(self.sampling_strategy, y)
        X_res, y_res = self._fit_resample(X, y)
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y))
        return containers.restore(X_res, y_res)

    def _fit_resample(self, X, y):
        n_new = sum(self.sampling_strategy_.values())
        table = _is_pandas(X, "DataFrame")  # a table: the numeric path gives arrays
        if n_new == 0:
            self.sampler_ = None
            return X.reset_index(drop=True) if table else X.copy(), y.copy()
        sampler = clone(GANSampler() if self.sampler is None else self.sampler)
        if self.random_state is not None and "random_state" in sampler.get_params(deep=False):
            sampler.set_params(random_state=seed_of(self.random_state))
        sampler.fit(X.toarray() if sparse.issparse(X) else X, y)
        self.sampler_ = sampler

        classes = np.empty(len(self.sampling_strategy_), dtype=y.dtype)
        classes[:] = list(self.sampling_strategy_.keys())
        labels = np.repeat(classes, list(self.sampling_strategy_.values()))
        if table:
            return _append_rows(X, sampler.sample(n_new, y=labels), n_new), np.concatenate([y, labels])
        X_new = np.asarray(sampler.sample(n_new, y=labels))
        if X_new.shape != (n_new, X.shape[1]):
            raise ValueError(
                f"The sampler returned an array of shape {X_new.shape} from "
                f"sample({n_new}, y=...); expected {(n_new, X.shape[1])}."
            )
        X_new = X_new.astype(X.dtype, copy=False)
        if sparse.issparse(X):
            X_res = sparse.vstack([X, type(X)(X_new)], format=X.format)
        else:
            X_res = np.vstack([X, X_new])
        return X_res, np.concatenate([y, labels])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "sampler"
        tags.target_tags.required = True
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        return _imblearn_tags(tags)

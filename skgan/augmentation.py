"""Data augmentation for imbalanced classification with a class-conditional GAN.

:class:`GANOversampler` is an over-sampler with imbalanced-learn's sampler
API (``fit_resample``): it trains a class-conditional
:class:`~skgan.GANSampler` on ``(X, y)`` and adds generated rows of the
classes to over-sample. It is a step of :class:`imblearn.pipeline.Pipeline`,
while imbalanced-learn stays optional: the sampling strategies are
implemented here, with imbalanced-learn's meanings and error messages.

:class:`AugmentedEstimator` needs no imbalanced-learn: it is a plain
scikit-learn meta-estimator that over-samples the training data inside
``fit`` and fits a clone of a classifier on it, so it works as the last step
of a :class:`sklearn.pipeline.Pipeline`, in ``cross_val_score`` and in
``GridSearchCV`` without ever generating rows from a validation fold.
"""

import sys
from collections import OrderedDict
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    OneToOneFeatureMixin,
    _fit_context,
    clone,
)
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state, column_or_1d, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._sampler import GANSampler

__all__ = ["AugmentedEstimator", "GANOversampler", "check_oversampling_strategy"]

_MAX_SEED = np.iinfo(np.int32).max

_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")

_SAMPLING_STRATEGY_CONSTRAINTS = [
    Interval(Real, 0, 1, closed="right"),
    StrOptions(set(_STRATEGY_NAMES)),
    Mapping,
    callable,
]


# ------------------------------------------------------------------ strategies
# Over-sampling half of imblearn.utils.check_sampling_strategy, with its
# meanings and error messages; written here so imbalanced-learn stays optional.


def _class_counts(y):
    labels, counts = np.unique(y, return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist()))


def _up_to_majority(y, select):
    """Rows to add to each class that ``select(label, majority, minority)`` keeps, up to the majority's count."""
    counts = _class_counts(y)
    majority, minority = max(counts, key=counts.get), min(counts, key=counts.get)
    n_majority = counts[majority]
    return {
        label: n_majority - n for label, n in counts.items() if select(label, majority, minority)
    }


_STRING_STRATEGIES = {
    "minority": lambda y: _up_to_majority(y, lambda c, majority, minority: c == minority),
    "not minority": lambda y: _up_to_majority(y, lambda c, majority, minority: c != minority),
    "not majority": lambda y: _up_to_majority(y, lambda c, majority, minority: c != majority),
    "all": lambda y: _up_to_majority(y, lambda c, majority, minority: True),
    "auto": lambda y: _up_to_majority(y, lambda c, majority, minority: c != majority),
}


def _strategy_from_dict(sampling_strategy, y):
    counts = _class_counts(y)
    unknown = set(sampling_strategy.keys()) - set(counts.keys())
    if len(unknown) > 0:
        raise ValueError(f"The {unknown} target class is/are not present in the data.")
    if any(n_samples < 0 for n_samples in sampling_strategy.values()):
        raise ValueError(
            "The number of samples in a class cannot be negative."
            f"'sampling_strategy' contains some negative value: {sampling_strategy}"
        )
    to_add = {}
    for label, n_samples in sampling_strategy.items():
        if n_samples < counts[label]:
            raise ValueError(
                "With over-sampling methods, the number"
                " of samples in a class should be greater"
                " or equal to the original number of samples."
                f" Originally, there is {counts[label]} "
                f"samples and {n_samples} samples are asked."
            )
        to_add[label] = int(n_samples - counts[label])
    return to_add


def _strategy_from_float(ratio, y):
    if type_of_target(y) != "binary":
        raise ValueError(
            '"sampling_strategy" can be a float only when the type '
            "of target is binary. For multi-class, use a dict."
        )
    counts = _class_counts(y)
    majority = max(counts, key=counts.get)
    to_add = {label: int(counts[majority] * ratio - n) for label, n in counts.items() if label != majority}
    if any(n_samples <= 0 for n_samples in to_add.values()):
        raise ValueError(
            "The specified ratio required to remove samples "
            "from the minority class while trying to "
            "generate new samples. Please increase the "
            "ratio."
        )
    return to_add


def check_oversampling_strategy(sampling_strategy, y, **kwargs):
    """Number of rows to generate for each class, from an over-sampling strategy.

    The over-sampling part of :func:`imblearn.utils.check_sampling_strategy`,
    with the same meanings and error messages, but no dependency on
    imbalanced-learn.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable
        ``"auto"`` (= ``"not majority"``), ``"minority"``,
        ``"not minority"``, ``"not majority"`` or ``"all"`` bring the named
        classes up to the size of the majority class; a float in ``(0, 1]``
        (binary targets only) is the desired ratio of minority to majority
        rows after resampling; a dict maps classes to their desired number of
        rows; a callable maps ``y`` to such a dict.
    y : ndarray of shape (n_samples,)
        Class labels.
    **kwargs : dict
        Passed to a callable ``sampling_strategy``.

    Returns
    -------
    sampling_strategy_ : OrderedDict
        The classes to over-sample, sorted, each with the number of rows to
        generate.

    Examples
    --------
    >>> from skgan.augmentation import check_oversampling_strategy
    >>> y = [0] * 6 + [1] * 3 + [2] * 1
    >>> dict(check_oversampling_strategy("auto", y))
    {1: 3, 2: 5}
    >>> dict(check_oversampling_strategy({2: 4}, y))
    {2: 3}
    """
    y = np.asarray(y)
    n_classes = np.unique(y).size
    if n_classes <= 1:
        raise ValueError(f"The target 'y' needs to have more than 1 class. Got {n_classes} class instead")
    if isinstance(sampling_strategy, str):
        if sampling_strategy == "majority":
            raise ValueError("'sampling_strategy'='majority' cannot be used with over-sampler.")
        if sampling_strategy not in _STRING_STRATEGIES:
            raise ValueError(
                "When 'sampling_strategy' is a string, it needs"
                f" to be one of {_STRATEGY_NAMES}. Got '{sampling_strategy}' "
                "instead."
            )
        to_add = _STRING_STRATEGIES[sampling_strategy](y)
    elif isinstance(sampling_strategy, Mapping):
        to_add = _strategy_from_dict(sampling_strategy, y)
    elif isinstance(sampling_strategy, list):
        raise ValueError(
            "'sampling_strategy' cannot be a list for samplers which are not cleaning methods."
        )
    elif isinstance(sampling_strategy, Real):
        if sampling_strategy <= 0 or sampling_strategy > 1:
            raise ValueError(
                "When 'sampling_strategy' is a float, it should be "
                f"in the range (0, 1]. Got {sampling_strategy} instead."
            )
        to_add = _strategy_from_float(sampling_strategy, y)
    elif callable(sampling_strategy):
        to_add = _strategy_from_dict(sampling_strategy(y, **kwargs), y)
    else:
        raise ValueError(
            "'sampling_strategy' must be a float, a str, a dict or a callable, "
            f"got {sampling_strategy!r}."
        )
    return OrderedDict(sorted(to_add.items()))


# ------------------------------------------------------------- input / output


def _check_target_type(y):
    """``y`` as 1-D labels, and whether it came one-vs-all (one-hot) encoded."""
    if type_of_target(y) == "multilabel-indicator":
        y = np.asarray(y)
        if np.any(y.sum(axis=1) > 1):
            raise ValueError(
                "GANOversampler supports binary, multiclass and one-vs-all "
                "(one-hot) encoded multiclass targets. Multilabel and "
                "multioutput targets are not supported."
            )
        return y.argmax(axis=1), True
    return column_or_1d(y), False


def _is_pandas(obj, kind):
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, getattr(pandas, kind))


class _Containers:
    """Gives resampled arrays back in the containers of the input (as imbalanced-learn does).

    A list comes back as a list, a pandas DataFrame or Series as one with the
    same columns or name (a fresh index; ``y``'s aligned with ``X``'s), with
    float column dtypes and the target's dtype kept; anything else as the
    array or sparse matrix.
    """

    def __init__(self, X, y):
        self.X, self.y = self._props(X), self._props(y)

    @staticmethod
    def _props(obj):
        if isinstance(obj, list):
            return {"kind": "list"}
        if _is_pandas(obj, "DataFrame"):
            return {"kind": "DataFrame", "columns": obj.columns, "dtypes": obj.dtypes}
        if _is_pandas(obj, "Series"):
            return {"kind": "Series", "name": obj.name, "dtype": obj.dtype}
        return {"kind": None}

    @staticmethod
    def _restore(array, props, floats_only):
        kind = props["kind"]
        if kind == "list":
            return array.tolist()
        if kind is None:
            return array
        import pandas as pd

        if kind == "Series":
            return pd.Series(array, dtype=props["dtype"], name=props["name"])
        if sparse.issparse(array):
            frame = pd.DataFrame.sparse.from_spmatrix(array, columns=props["columns"])
        else:
            frame = pd.DataFrame(array, columns=props["columns"])
        for i, dtype in enumerate(props["dtypes"]):
            # generated values are continuous: integer or boolean columns stay float
            if (not floats_only or dtype.kind == "f") and frame.dtypes.iloc[i] != dtype:
                frame.isetitem(i, frame.iloc[:, i].astype(dtype))
        return frame

    def restore(self, X, y):
        X = self._restore(X, self.X, floats_only=True)
        y = self._restore(y, self.y, floats_only=False)
        if self.X["kind"] == "DataFrame" and self.y["kind"] in ("DataFrame", "Series"):
            y.index = X.index
        return X, y


def _seed(random_state):
    """An int for the GAN's ``random_state``: the int itself, or one drawn from a RandomState."""
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(_MAX_SEED))


def _imblearn_tags(tags):
    """``tags`` as imbalanced-learn's sampler tags, when imbalanced-learn is in use.

    Only when the running program has imported imbalanced-learn (its code is
    then the one asking): skgan never imports it.
    """
    if sys.modules.get("imblearn") is None:
        return tags
    try:
        from dataclasses import fields

        from imblearn.utils._tags import InputTags, SamplerTags, Tags
    except ImportError:  # an imbalanced-learn without sampler tags
        return tags
    input_tags = InputTags(**{f.name: getattr(tags.input_tags, f.name) for f in fields(tags.input_tags)})
    input_tags.dataframe = True
    return Tags(
        estimator_type="sampler",
        target_tags=tags.target_tags,
        transformer_tags=None,
        classifier_tags=None,
        regressor_tags=None,
        array_api_support=tags.array_api_support,
        no_validation=tags.no_validation,
        non_deterministic=tags.non_deterministic,
        requires_fit=tags.requires_fit,
        _skip_test=tags._skip_test,
        input_tags=input_tags,
        sampler_tags=SamplerTags(sample_indices=False),
    )


# -------------------------------------------------------------- GANOversampler


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
    Series comes back as one; a one-vs-all (one-hot) ``y`` comes back
    one-hot; the rows of ``X`` come first, in order, then the generated rows
    grouped by class in sorted class order. ``X`` is numeric: float32 and
    float64 are kept, other numeric types become float64 (generated values
    are continuous). Sparse ``X`` (CSR or CSC) is supported: it is made
    dense for the GAN and the result is returned in the same sparse format;
    the generated rows are dense rows, so memory grows with
    ``n_samples * n_features``.

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
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or their one-vs-all encoding.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame, list} of shape (n_samples_new, n_features)
            The rows of ``X``, then the generated rows.
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
        if n_new == 0:
            self.sampler_ = None
            return X.copy(), y.copy()
        sampler = clone(GANSampler() if self.sampler is None else self.sampler)
        if self.random_state is not None and "random_state" in sampler.get_params(deep=False):
            sampler.set_params(random_state=_seed(self.random_state))
        sampler.fit(X.toarray() if sparse.issparse(X) else X, y)
        self.sampler_ = sampler

        classes = np.empty(len(self.sampling_strategy_), dtype=y.dtype)
        classes[:] = list(self.sampling_strategy_.keys())
        labels = np.repeat(classes, list(self.sampling_strategy_.values()))
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


# ---------------------------------------------------------- AugmentedEstimator


def _estimator_has(attr):
    """For ``available_if``: the fitted estimator, else the template, has ``attr``."""

    def check(self):
        return hasattr(self.estimator_ if hasattr(self, "estimator_") else self.estimator, attr)

    return check


class AugmentedEstimator(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier fitted on its training data augmented by a class-conditional GAN.

    ``fit(X, y)`` over-samples ``(X, y)`` with a :class:`GANOversampler`
    built from ``sampler``, ``sampling_strategy`` and ``random_state``, then
    fits a clone of ``estimator`` on the original plus generated rows.
    Prediction methods are those of the fitted estimator, on the data as
    given: generated rows exist only inside ``fit``. So in a
    :class:`~sklearn.pipeline.Pipeline` (as the last step),
    :func:`~sklearn.model_selection.cross_val_score` or
    :class:`~sklearn.model_selection.GridSearchCV`, the GAN learns from the
    training folds only and the validation folds are never augmented.
    Needs no imbalanced-learn.

    Parameters
    ----------
    estimator : classifier
        The classifier to fit on the augmented data; cloned at each fit.
        Nested parameters are ``estimator__<name>``.
    sampler : GANSampler, default=None
        The GAN template of the :class:`GANOversampler`; None is
        ``GANSampler()``. Nested parameters are ``sampler__<name>``.
    sampling_strategy : float, str, dict or callable, default="auto"
        How many rows to generate per class; see :class:`GANOversampler`.
    random_state : int, RandomState instance or None, default=None
        Seeds the GAN (see :class:`GANOversampler`); the estimator keeps its
        own ``random_state``.

    Attributes
    ----------
    estimator_ : estimator
        The clone of ``estimator`` fitted on the augmented data.
    oversampler_ : GANOversampler
        The over-sampler that made the augmented data; its fitted GAN is
        ``oversampler_.sampler_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels, from ``estimator_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    GANOversampler : The over-sampler, as an imbalanced-learn pipeline step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgan import AugmentedEstimator, GANSampler
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, size=(90, 2)), rng.normal(5, 1, size=(10, 2))]
    >>> y = np.r_[np.zeros(90, dtype=int), np.ones(10, dtype=int)]
    >>> gan = GANSampler(latent_dim=8, max_iter=5, batch_size=100, bandwidth=1.0)
    >>> clf = AugmentedEstimator(LogisticRegression(), gan, random_state=0).fit(X, y)
    >>> clf.oversampler_.sampler_.n_iter_  # the fitted GAN's epochs
    5
    >>> clf.predict([[0.0, 0.0], [5.0, 5.0]]).tolist()
    [0, 1]
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "sampler": [HasMethods(["fit", "sample"]), None],
        "sampling_strategy": _SAMPLING_STRATEGY_CONSTRAINTS,
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, sampler=None, *, sampling_strategy="auto", random_state=None):
        self.estimator = estimator
        self.sampler = sampler
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Over-sample (X, y) with the GAN and fit the estimator on the result.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : AugmentedEstimator
            The fitted estimator.
        """
        shape = getattr(y, "shape", None)
        if shape is not None and len(shape) == 2 and shape[1] == 1:
            y = column_or_1d(y, warn=True)  # a column vector: warn, as classifiers do
        oversampler = GANOversampler(
            self.sampler, sampling_strategy=self.sampling_strategy, random_state=self.random_state
        )
        X_res, y_res = oversampler.fit_resample(X, y)
        self.estimator_ = clone(self.estimator).fit(X_res, y_res)
        self.oversampler_ = oversampler
        self.n_features_in_ = oversampler.n_features_in_
        if hasattr(oversampler, "feature_names_in_"):
            self.feature_names_in_ = oversampler.feature_names_in_
        else:
            self.__dict__.pop("feature_names_in_", None)
        return self

    @property
    def classes_(self):
        """Class labels, from the fitted estimator."""
        return self.estimator_.classes_

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted classes.
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class in ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The estimator's decision values.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """Score of the fitted estimator on (X, y) (accuracy for most classifiers).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test rows (not augmented).
        y : array-like of shape (n_samples,)
            Their true classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the estimator's ``score`` when given.

        Returns
        -------
        score : float
            The estimator's score.
        """
        check_is_fitted(self)
        if sample_weight is None:
            return self.estimator_.score(X, y)
        return self.estimator_.score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = False  # the GAN needs finite values
        if inner.classifier_tags is not None:
            tags.classifier_tags.multi_class = inner.classifier_tags.multi_class
            tags.classifier_tags.poor_score = inner.classifier_tags.poor_score
        return tags

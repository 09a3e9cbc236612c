"""GANOversampler: an over-sampler with imbalanced-learn's API, rows from a class-conditional GAN."""

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, _fit_context, clone
from sklearn.preprocessing import label_binarize
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._sampler import GANSampler
from .._validation import seed_of
from ._imblearn_compat import (
    _SAMPLING_STRATEGY_CONSTRAINTS,
    _check_target_type,
    _Containers,
    _imblearn_tags,
    check_oversampling_strategy,
)


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
            sampler.set_params(random_state=seed_of(self.random_state))
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

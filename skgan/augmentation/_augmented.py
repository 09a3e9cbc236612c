"""AugmentedEstimator: a classifier fitted on data over-sampled by a GANOversampler."""

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.utils import column_or_1d, get_tags
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._imblearn_compat import _SAMPLING_STRATEGY_CONSTRAINTS
from ._oversampler import GANOversampler


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

    ``X`` may be a table, a DataFrame of mixed columns (see
    :class:`GANOversampler`): the estimator is then fitted on a DataFrame
    with the same columns and dtypes, so it must take such frames, e.g.
    ``HistGradientBoostingClassifier(categorical_features="from_dtype")``,
    or a pipeline that encodes the columns first (a
    :class:`~sklearn.compose.ColumnTransformer` and a classifier).

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
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data: numbers, or a table (a DataFrame of mixed columns).
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
        tags.input_tags.allow_nan = False  # in numeric arrays (a table's missing values are generated)
        if inner.classifier_tags is not None:
            tags.classifier_tags.multi_class = inner.classifier_tags.multi_class
            tags.classifier_tags.poor_score = inner.classifier_tags.poor_score
        return tags

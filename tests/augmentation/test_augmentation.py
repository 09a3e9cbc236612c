import importlib
import re
import sys
from collections import Counter

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

import skgan
from skgan import AugmentedEstimator, GANOversampler, GANSampler, MLPDiscriminator, MLPGenerator
from skgan.augmentation import check_oversampling_strategy

from .._factories import make_tiny_sampler

try:
    import imblearn
except ImportError:  # imbalanced-learn is optional
    imblearn = None


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny problems gain nothing from threads, and lose a lot on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):  # BLAS and OpenMP
            yield
    finally:
        torch.set_num_threads(threads)


def fast_sampler(**params):
    """A GANSampler that trains one epoch and skips bandwidth selection."""
    return make_tiny_sampler(**{"max_iter": 1, "batch_size": 64, "bandwidth": 1.0, **params})


class SpySampler(GANSampler):
    """A GANSampler that records what it is fitted on and asked to sample."""

    log = []  # (X, y) of every fit, across clones

    def fit(self, X, y=None):
        SpySampler.log.append((np.array(X, copy=True), None if y is None else np.array(y, copy=True)))
        self.fit_calls_ = [(np.array(X, copy=True), None if y is None else np.array(y, copy=True))]
        return super().fit(X, y)

    def sample(self, n_samples=1, *, y=None, random_state=None):
        rows = super().sample(n_samples, y=y, random_state=random_state)
        self.sample_calls_ = getattr(self, "sample_calls_", []) + [(n_samples, np.array(y), rows)]
        return rows


def spy_sampler(**params):
    return SpySampler(**{**fast_sampler().get_params(deep=False), **params})


class SpyLogisticRegression(LogisticRegression):
    log = []  # X of every fit

    def fit(self, X, y, sample_weight=None):
        SpyLogisticRegression.log.append(np.array(X, copy=True))
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture
def imbalanced():
    """Three classes with 30, 12 and 6 rows, shuffled."""
    rng = np.random.RandomState(0)
    y = rng.permutation(np.repeat([0, 1, 2], [30, 12, 6]))
    X = rng.normal(size=(len(y), 3)) + 3.0 * y[:, None]
    return X, y


@pytest.fixture
def binary(imbalanced):
    """Two classes with 30 and 6 rows."""
    X, y = imbalanced
    keep = y != 1
    return X[keep], np.where(y[keep] == 2, 1, 0)


def rows(A):
    return {tuple(row) for row in np.asarray(A)}


# ------------------------------------------------------------- strategies

STRATEGY_CASES = [
    ("auto", {1: 18, 2: 24}),
    ("not majority", {1: 18, 2: 24}),
    ("minority", {2: 24}),
    ("not minority", {0: 0, 1: 18}),
    ("all", {0: 0, 1: 18, 2: 24}),
    ({1: 20, 2: 10}, {1: 8, 2: 4}),
    (lambda y: {2: 2 * int(np.sum(y == 2))}, {2: 6}),
]


@pytest.mark.parametrize("strategy, expected", STRATEGY_CASES, ids=lambda v: None if isinstance(v, dict) else str(v))
def test_class_counts_after_fit_resample(imbalanced, strategy, expected):
    X, y = imbalanced
    oversampler = GANOversampler(fast_sampler(), sampling_strategy=strategy)
    X_res, y_res = oversampler.fit_resample(X, y)
    assert dict(oversampler.sampling_strategy_) == expected
    assert list(oversampler.sampling_strategy_) == sorted(expected)
    assert Counter(y_res.tolist()) == {c: int(np.sum(y == c)) + expected.get(c, 0) for c in (0, 1, 2)}
    # the original rows first, in order, then the generated ones grouped by class
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    np.testing.assert_array_equal(y_res[len(y):], np.repeat(list(expected), list(expected.values())))
    assert X_res.shape == (len(y_res), 3) and np.isfinite(X_res).all()


def test_float_strategy_is_the_minority_to_majority_ratio(binary):
    X, y = binary  # 30 and 6 rows
    X_res, y_res = GANOversampler(fast_sampler(), sampling_strategy=0.5).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 30, 1: 15}
    X_res, y_res = GANOversampler(fast_sampler(), sampling_strategy=1.0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 30, 1: 30}


def test_fit_sets_the_strategy_without_training(imbalanced):
    X, y = imbalanced
    SpySampler.log.clear()
    oversampler = GANOversampler(spy_sampler()).fit(X, y)
    assert dict(oversampler.sampling_strategy_) == {1: 18, 2: 24}
    assert not hasattr(oversampler, "sampler_") and SpySampler.log == []
    assert oversampler.n_features_in_ == 3


def test_nothing_to_generate_trains_no_gan(imbalanced):
    X, y = imbalanced
    SpySampler.log.clear()
    oversampler = GANOversampler(spy_sampler(), sampling_strategy="not minority")
    X_res, y_res = oversampler.fit_resample(X[y != 1], y[y != 1])  # classes 0 and 2: adds 0 rows of class 0
    assert dict(oversampler.sampling_strategy_) == {0: 0}
    assert oversampler.sampler_ is None and SpySampler.log == []
    np.testing.assert_array_equal(X_res, X[y != 1])


INVALID_STRATEGIES = [
    ({3: 40}, "imbalanced", r"The \{3\} target class is/are not present in the data."),
    ({1: -1}, "imbalanced", "The number of samples in a class cannot be negative"),
    ({1: 5}, "imbalanced", "should be greater or equal to the original number of samples. Originally, there is 12"),
    (0.5, "imbalanced", "can be a float only when the type of target is binary"),
    (0.1, "binary", "required to remove samples from the minority class"),
    (lambda y: {9: 100}, "imbalanced", r"The \{9\} target class is/are not present"),
    (lambda y: {2: 1}, "imbalanced", "should be greater or equal"),
]


@pytest.mark.parametrize("strategy, data, message", INVALID_STRATEGIES)
def test_invalid_strategies_raise(request, strategy, data, message):
    X, y = request.getfixturevalue(data)
    SpySampler.log.clear()
    with pytest.raises(ValueError, match=message):
        GANOversampler(spy_sampler(), sampling_strategy=strategy).fit_resample(X, y)
    with pytest.raises(ValueError, match=message):
        AugmentedEstimator(LogisticRegression(), spy_sampler(), sampling_strategy=strategy).fit(X, y)
    assert SpySampler.log == []  # checked before any training


@pytest.mark.parametrize("strategy", ["majority", "foo", 0.0, 1.5, -1, [0, 1], None])
def test_invalid_strategy_types_fail_parameter_validation(imbalanced, strategy):
    X, y = imbalanced
    for estimator in (GANOversampler(fast_sampler()), AugmentedEstimator(LogisticRegression(), fast_sampler())):
        name = type(estimator).__name__
        estimator.set_params(sampling_strategy=strategy)
        method = estimator.fit_resample if name == "GANOversampler" else estimator.fit
        with pytest.raises(InvalidParameterError, match=f"The 'sampling_strategy' parameter of {name} must be"):
            method(X, y)


def test_check_oversampling_strategy_errors(imbalanced, binary):
    _, y = imbalanced
    with pytest.raises(ValueError, match="'sampling_strategy'='majority' cannot be used with over-sampler"):
        check_oversampling_strategy("majority", y)
    with pytest.raises(ValueError, match="When 'sampling_strategy' is a string, it needs to be one of"):
        check_oversampling_strategy("foo", y)
    with pytest.raises(ValueError, match=re.escape("it should be in the range (0, 1]. Got 1.5 instead.")):
        check_oversampling_strategy(1.5, binary[1])
    with pytest.raises(ValueError, match="cannot be a list for samplers which are not cleaning methods"):
        check_oversampling_strategy([0, 1], y)
    with pytest.raises(ValueError, match="needs to have more than 1 class. Got 1 class instead"):
        check_oversampling_strategy("auto", np.zeros(10))
    with pytest.raises(ValueError, match="more than 1 class"):
        GANOversampler(fast_sampler()).fit_resample(np.ones((10, 2)), np.zeros(10))


@pytest.mark.skipif(imblearn is None, reason="imbalanced-learn is not installed")
@pytest.mark.parametrize("data", ["imbalanced", "binary"])
@pytest.mark.parametrize(
    "strategy",
    ["auto", "minority", "not minority", "not majority", "all", "majority", 0.5, 0.1, 1.0, 0.0,
     {0: 30, 2: 25}, {2: 3}, {1: -2}, {7: 1}, [0, 1], lambda y: {0: 2 * int(np.sum(y == 0))}],
)
def test_strategies_match_imblearn(request, data, strategy):
    """Same dict, or the same error message, as imblearn.utils.check_sampling_strategy."""
    from imblearn.utils import check_sampling_strategy

    _, y = request.getfixturevalue(data)
    try:
        expected = check_sampling_strategy(strategy, y, "over-sampling")
    except ValueError as exc:
        with pytest.raises(ValueError) as ours:
            check_oversampling_strategy(strategy, y)
        assert str(ours.value) == str(exc)
    else:
        ours = check_oversampling_strategy(strategy, y)
        assert list(ours.items()) == list(expected.items())


# ------------------------------------------------------- generated rows


def test_generated_rows_are_sampled_conditioned_on_their_class(imbalanced):
    X, y = imbalanced
    template = spy_sampler()
    oversampler = GANOversampler(template, random_state=7)
    X_res, y_res = oversampler.fit_resample(X, y)
    gan = oversampler.sampler_
    assert isinstance(gan, SpySampler) and gan is not template
    assert not hasattr(template, "generator_")  # the template is cloned, never fitted
    assert gan.random_state == 7 and template.random_state == 0
    assert list(gan.classes_) == [0, 1, 2]  # a conditional GAN, trained on all of (X, y)
    (X_fit, y_fit), = gan.fit_calls_
    np.testing.assert_array_equal(X_fit, X)
    np.testing.assert_array_equal(y_fit, y)
    (n_samples, labels, generated), = gan.sample_calls_
    assert n_samples == 42
    np.testing.assert_array_equal(labels, np.repeat([1, 2], [18, 24]))
    np.testing.assert_array_equal(y_res[len(y):], labels)
    np.testing.assert_array_equal(X_res[len(X):], generated)


def test_generated_rows_look_like_their_class(tiny_sampler):
    centers = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    rng = np.random.RandomState(0)
    y = np.repeat(["a", "b", "c"], [150, 60, 30])
    X = centers[np.searchsorted(["a", "b", "c"], y)] + rng.normal(scale=0.5, size=(len(y), 2))
    gan = tiny_sampler(
        generator=MLPGenerator((32, 32)), discriminator=MLPDiscriminator((32, 32)),
        max_iter=60, batch_size=64, learning_rate=2e-3, bandwidth=1.0,
    )
    X_res, y_res = GANOversampler(gan).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"a": 150, "b": 150, "c": 150}
    predicted = KNeighborsClassifier(5).fit(X, y).predict(X_res[len(X):])
    for label in "bc":
        agreement = np.mean(predicted[y_res[len(X):] == label] == label)
        assert agreement > 0.9, (label, agreement)


def test_random_state_makes_resampling_reproducible(imbalanced):
    X, y = imbalanced
    template = fast_sampler(random_state=None)
    first = GANOversampler(template, random_state=3).fit_resample(X, y)[0]
    again = GANOversampler(template, random_state=3).fit_resample(X, y)[0]
    other = GANOversampler(template, random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[len(X):], other[len(X):])


def test_nested_parameters_reach_the_gan(imbalanced):
    X, y = imbalanced
    oversampler = GANOversampler(fast_sampler()).set_params(sampler__max_iter=2, sampler__latent_dim=3)
    oversampler.fit_resample(X, y)
    assert oversampler.sampler_.n_iter_ == 2 and oversampler.sampler_.latent_dim == 3
    with pytest.raises(InvalidParameterError, match="'max_iter' parameter of GANSampler"):
        oversampler.set_params(sampler__max_iter=0).fit_resample(X, y)


def test_default_sampler_is_a_default_gansampler(monkeypatch, imbalanced):
    X, y = imbalanced
    built = []

    def default_sampler():  # stands in for GANSampler(), which trains for long
        built.append(True)
        return spy_sampler(random_state=None)

    monkeypatch.setattr(skgan.augmentation._oversampler, "GANSampler", default_sampler)
    oversampler = GANOversampler(random_state=5)
    assert oversampler.sampler is None
    oversampler.fit_resample(X, y)
    assert built == [True] and isinstance(oversampler.sampler_, SpySampler)
    assert oversampler.sampler_.random_state == 5


# ------------------------------------------------------- input / output


def test_dtypes_are_preserved(imbalanced):
    X, y = imbalanced
    X_res, y_res = GANOversampler(fast_sampler()).fit_resample(X.astype(np.float32), y.astype(np.int32))
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    X_res, y_res = GANOversampler(fast_sampler()).fit_resample(np.round(X).astype(int), y.astype(str))
    assert X_res.dtype == np.float64  # generated values are continuous
    assert y_res.dtype.kind == "U" and Counter(y_res.tolist())["2"] == 30


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_same_sparse_format(imbalanced, fmt):
    X, y = imbalanced
    X[X < 1] = 0.0
    X_sparse = sparse.csr_matrix(X).asformat(fmt)
    X_res_sparse, y_res_sparse = GANOversampler(fast_sampler()).fit_resample(X_sparse, y)
    X_res, y_res = GANOversampler(fast_sampler()).fit_resample(X, y)
    assert sparse.issparse(X_res_sparse) and X_res_sparse.format == fmt
    np.testing.assert_allclose(X_res_sparse.toarray(), X_res)
    np.testing.assert_array_equal(y_res_sparse, y_res)
    X_res_array, _ = GANOversampler(fast_sampler()).fit_resample(sparse.csr_array(X), y)
    assert isinstance(X_res_array, sparse.sparray)


def test_pandas_in_pandas_out(imbalanced):
    pd = pytest.importorskip("pandas")
    X, y = imbalanced
    X_df = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(len(X)) + 100)
    y_s = pd.Series(np.array(["x", "y", "z"])[y], name="target", dtype="category", index=X_df.index)
    oversampler = GANOversampler(fast_sampler())
    X_res, y_res = oversampler.fit_resample(X_df, y_s)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["a", "b", "c"]
    assert isinstance(y_res, pd.Series) and y_res.name == "target" and y_res.dtype == y_s.dtype
    assert y_res.index.equals(X_res.index) and len(X_res) == 90
    np.testing.assert_array_equal(X_res.to_numpy()[: len(X)], X)
    assert list(oversampler.feature_names_in_) == ["a", "b", "c"]
    assert list(oversampler.get_feature_names_out()) == ["a", "b", "c"]
    X_res, y_res = oversampler.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list) and len(y_res) == 90


def test_one_hot_targets_come_back_one_hot(imbalanced):
    X, y = imbalanced
    one_hot = np.eye(3, dtype=int)[y]
    X_res, y_res = GANOversampler(fast_sampler()).fit_resample(X, one_hot)
    X_ref, y_ref = GANOversampler(fast_sampler()).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, np.eye(3, dtype=int)[y_ref])
    with pytest.raises(ValueError, match="Multilabel and multioutput targets are not supported"):
        GANOversampler(fast_sampler()).fit_resample(X, np.c_[one_hot[:, :2], np.ones(len(y), int)])


def test_oversampler_has_no_transform():
    assert not hasattr(GANOversampler(), "transform")
    assert get_tags(GANOversampler()).estimator_type == "sampler"


# ------------------------------------------------------------- pipelines


@pytest.mark.skipif(imblearn is None, reason="imbalanced-learn is not installed")
def test_imblearn_pipeline_fits_and_predicts(imbalanced):
    from imblearn.pipeline import make_pipeline as make_imblearn_pipeline

    X, y = imbalanced
    SpySampler.log.clear()
    pipe = make_imblearn_pipeline(StandardScaler(), GANOversampler(spy_sampler()), LogisticRegression())
    pipe.fit(X, y)
    assert len(SpySampler.log) == 1 and len(SpySampler.log[0][0]) == len(X)  # the GAN saw the training rows
    assert pipe.predict(X).shape == (len(X),)  # no resampling at predict
    assert pipe.predict_proba(X).shape == (len(X), 3) and pipe.score(X, y) > 0.8
    assert len(SpySampler.log) == 1
    assert pipe.named_steps["ganoversampler"].sampler_.n_features_in_ == 3


def test_augmented_estimator_in_a_pipeline(imbalanced):
    X, y = imbalanced
    SpyLogisticRegression.log.clear()
    pipe = make_pipeline(StandardScaler(), AugmentedEstimator(SpyLogisticRegression(), fast_sampler()))
    pipe.fit(X, y)
    augmented = pipe[-1]
    assert len(SpyLogisticRegression.log[-1]) == 90  # fitted on the 48 rows + 42 generated ones
    assert augmented.oversampler_.sampler_.n_iter_ == 1
    assert list(augmented.classes_) == [0, 1, 2] and augmented.n_features_in_ == 3
    Xs = pipe[0].transform(X)
    np.testing.assert_array_equal(pipe.predict(X), augmented.estimator_.predict(Xs))
    np.testing.assert_allclose(pipe.predict_proba(X), augmented.estimator_.predict_proba(Xs))
    np.testing.assert_allclose(pipe.decision_function(X), augmented.estimator_.decision_function(Xs))
    assert pipe.score(X, y) == augmented.estimator_.score(Xs, y) > 0.8
    assert len(SpyLogisticRegression.log) == 1  # predicting fits nothing


def test_methods_exist_only_if_the_estimator_has_them(imbalanced):
    X, y = imbalanced
    svc = AugmentedEstimator(LinearSVC(), fast_sampler())
    assert hasattr(svc, "decision_function") and not hasattr(svc, "predict_proba")
    assert not hasattr(svc.fit(X, y), "predict_log_proba")
    assert hasattr(AugmentedEstimator(LogisticRegression()), "predict_proba")


def test_cross_val_score_never_shows_validation_rows_to_fit(imbalanced):
    X, y = imbalanced
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    SpySampler.log.clear()
    SpyLogisticRegression.log.clear()
    scores = cross_val_score(AugmentedEstimator(SpyLogisticRegression(), spy_sampler()), X, y, cv=cv)
    assert scores.shape == (3,) and np.all(scores > 0.5)
    assert len(SpySampler.log) == len(SpyLogisticRegression.log) == 3
    logs = zip(cv.split(X, y), SpySampler.log, SpyLogisticRegression.log, strict=True)
    for (train, test), (X_gan, y_gan), X_clf in logs:
        assert rows(X_gan) == rows(X[train])  # the GAN learns from the training fold only
        np.testing.assert_array_equal(np.sort(y_gan), np.sort(y[train]))
        assert not rows(X_gan) & rows(X[test])
        assert not rows(X_clf) & rows(X[test])  # nor does the classifier see a validation row
        assert rows(X[train]) <= rows(X_clf) and len(X_clf) > len(train)


def test_grid_search_over_nested_parameters(imbalanced):
    X, y = imbalanced
    grid = GridSearchCV(
        AugmentedEstimator(LogisticRegression(), fast_sampler()),
        {"estimator__C": [0.01, 10.0], "sampler__max_iter": [1, 2]},
        cv=StratifiedKFold(2),
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_
    assert best.estimator_.C == grid.best_params_["estimator__C"]
    assert best.oversampler_.sampler_.n_iter_ == grid.best_params_["sampler__max_iter"]
    assert grid.predict(X).shape == (len(X),)


def test_column_vector_y_warns_like_a_classifier(imbalanced):
    X, y = imbalanced
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        AugmentedEstimator(LogisticRegression(), fast_sampler()).fit(X, y[:, None])


# ------------------------------------------------------ estimator checks


@parametrize_with_checks(
    [
        AugmentedEstimator(LogisticRegression(), fast_sampler(), random_state=0),
        GANOversampler(fast_sampler()),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


if imblearn is not None:
    from imblearn.over_sampling.base import BaseOverSampler
    from imblearn.utils import estimator_checks as imblearn_checks

    # imblearn's count checks (check_samplers_fit_resample,
    # check_samplers_sampling_strategy_fit_resample) assert only for
    # isinstance(sampler, BaseOverSampler); skgan cannot inherit from it
    # (imbalanced-learn is optional), so register it as a virtual subclass
    # (an ABC) to have them run in full.
    BaseOverSampler.register(GANOversampler)

    # parametrize_with_checks passes a generator to pytest.mark.parametrize, which pytest deprecates: the same
    # checks, as a list
    _imblearn_mark = imblearn_checks.parametrize_with_checks([GANOversampler(fast_sampler())])

    @pytest.mark.parametrize(_imblearn_mark.args[0], list(_imblearn_mark.args[1]), **_imblearn_mark.kwargs)
    def test_imblearn_estimator_checks(estimator, check):
        check(estimator)

    def test_imblearn_parameter_and_column_name_checks():
        # the two checks imbalanced-learn's own test suite runs beside parametrize_with_checks
        imblearn_checks.check_param_validation("GANOversampler", GANOversampler(fast_sampler()))
        imblearn_checks.check_dataframe_column_names_consistency("GANOversampler", GANOversampler(fast_sampler()))

else:

    @pytest.mark.skip(reason="imbalanced-learn is not installed")
    def test_imblearn_estimator_checks():
        pass  # pragma: no cover


# ------------------------------------------------------ without imblearn


def test_works_without_imblearn(monkeypatch, imbalanced):
    for name in [name for name in sys.modules if name == "imblearn" or name.startswith("imblearn.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "imblearn", None)
    with pytest.raises(ImportError):
        import imblearn  # noqa: F401
    # the package and its modules import afresh without imbalanced-learn
    original = sys.modules["skgan.augmentation"]
    monkeypatch.setattr(skgan, "augmentation", original)  # restored afterwards, as is sys.modules
    for name in [name for name in sys.modules if name.split(".")[:2] == ["skgan", "augmentation"]]:
        monkeypatch.delitem(sys.modules, name)
    fresh = importlib.import_module("skgan.augmentation")
    assert fresh is not original
    assert fresh.GANOversampler is not original.GANOversampler
    assert fresh.check_oversampling_strategy is not original.check_oversampling_strategy

    X, y = imbalanced
    for module in (fresh, original):
        oversampler = module.GANOversampler(fast_sampler(), sampling_strategy="minority")
        X_res, y_res = oversampler.fit_resample(X, y)
        assert Counter(y_res.tolist()) == {0: 30, 1: 12, 2: 30}
        tags = get_tags(oversampler)
        assert tags.estimator_type == "sampler" and not hasattr(tags, "sampler_tags")
        clf = module.AugmentedEstimator(LogisticRegression(), fast_sampler()).fit(X, y)
        assert clf.predict(X).shape == (len(X),)
    assert sys.modules["imblearn"] is None  # nothing tried to bring it back

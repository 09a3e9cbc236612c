"""GANOversampler and AugmentedEstimator on tables: DataFrames of mixed columns in, the same columns and dtypes out."""

import ast
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skgan import AugmentedEstimator, GANOversampler, GANSampler

pd = pytest.importorskip("pandas")

try:
    import imblearn
except ImportError:  # imbalanced-learn is optional
    imblearn = None

FAST = dict(max_iter=1, batch_size=32, latent_dim=4, n_parzen_samples=50, bandwidth=1.0, random_state=0,
            generator__hidden_layer_sizes=(8,), discriminator__hidden_layer_sizes=(8,))


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny problems gain nothing from threads, and lose a lot on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(threads)


def fast_gan(cls=GANSampler, **params):
    return cls().set_params(**{**FAST, **params})


class SpyGAN(GANSampler):
    """A GANSampler that records the tables it is fitted on (across clones)."""

    log = []

    def fit(self, X, y=None):
        SpyGAN.log.append((X.copy(), None if y is None else np.array(y, copy=True)))
        return super().fit(X, y)


class ArrayGAN(GANSampler):
    """A GANSampler whose samples are an object array, not a DataFrame (as a third-party sampler's may be)."""

    def sample(self, n_samples=1, *, y=None, random_state=None):
        return super().sample(n_samples, y=y, random_state=random_state).to_numpy(dtype=object)


class SpyBoosting(HistGradientBoostingClassifier):
    log = []  # the X of every fit

    def fit(self, X, y, sample_weight=None):
        SpyBoosting.log.append(X.copy())
        return super().fit(X, y, sample_weight=sample_weight)


def mixed_table(n=60, seed=0, text=True):
    """Columns of every kind, with missing values; labels 0, 1, 2 with 36, 16 and 8 rows."""
    rng = np.random.RandomState(seed)
    y = rng.permutation(np.repeat([0, 1, 2], [n * 6 // 10, n * 16 // 60, n * 8 // 60]))
    frame = pd.DataFrame({
        "length": rng.normal(40, 5, n) + 5 * y,
        "count": rng.randint(100, 400, n),
        "kids": rng.randint(0, 4, n),
        "member": rng.rand(n) < 0.3,
        "colour": pd.Categorical(np.array(["red", "green"])[(y > 0).astype(int)], categories=["red", "green", "blue"]),
        "mass": np.where(rng.rand(n) < 0.25, np.nan, rng.normal(4000, 300, n)),
    }, index=np.arange(n) * 3 + 100)
    if text:
        frame["island"] = pd.Series(rng.choice(["Biscoe", "Dream", "Torgersen"], n), dtype="str", index=frame.index)
    return frame, y


def assert_same_columns_and_dtypes(X_res, X):
    assert list(X_res.columns) == list(X.columns)
    assert dict(X_res.dtypes) == dict(X.dtypes)


def assert_rows_like(new, X):
    """Generated rows whose values are of their columns' kinds, within what the table held."""
    for column in ("count", "kids"):
        assert new[column].dtype == X[column].dtype and new[column].between(X[column].min(), X[column].max()).all()
    assert set(new["kids"]) <= set(X["kids"])
    assert new["member"].dtype == bool
    assert set(new["colour"].dropna()) <= set(X["colour"].dropna())  # observed categories only
    assert new["colour"].dtype == X["colour"].dtype  # the same categories, "blue" included
    if "island" in X:
        assert set(new["island"]) <= set(X["island"])


# ------------------------------------------------------- fit_resample


@pytest.mark.parametrize("strategy, expected", [("auto", {1: 20, 2: 28}), ({"b": 20, "c": 30}, {1: 4, 2: 22})])
def test_a_table_comes_back_with_its_columns_and_dtypes(strategy, expected):
    X, y = mixed_table()
    y_s = pd.Series(np.array(["a", "b", "c"])[y], name="target", dtype="category", index=X.index)
    oversampler = GANOversampler(fast_gan(), sampling_strategy=strategy, random_state=0)
    X_res, y_res = oversampler.fit_resample(X, y_s)
    assert dict(oversampler.sampling_strategy_) == {"abc"[c]: n for c, n in expected.items()}
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert_same_columns_and_dtypes(X_res, X)
    # imbalanced-learn's convention: a fresh index, the target aligned with X
    assert X_res.index.equals(pd.RangeIndex(len(X) + sum(expected.values())))
    assert y_res.index.equals(X_res.index) and y_res.name == "target" and y_res.dtype == y_s.dtype
    assert Counter(y_res.tolist()) == {"abc"[c]: int(np.sum(y == c)) + expected.get(c, 0) for c in (0, 1, 2)}
    # the rows of X first, as they were, then the generated rows grouped by class
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
    assert y_res.iloc[len(X):].tolist() == [label for c, n in expected.items() for label in ["abc"[c]] * n]
    assert_rows_like(X_res.iloc[len(X):], X)
    assert list(oversampler.feature_names_in_) == list(X.columns) and oversampler.n_features_in_ == 7
    assert list(oversampler.get_feature_names_out()) == list(X.columns)


def test_the_gan_is_a_conditional_gan_fitted_on_the_table():
    X, y = mixed_table()
    SpyGAN.log.clear()
    oversampler = GANOversampler(fast_gan(SpyGAN), random_state=3)
    oversampler.fit_resample(X, y)
    (X_fit, y_fit), = SpyGAN.log
    pd.testing.assert_frame_equal(X_fit, X)  # the table as it is: its dtypes, its missing values
    np.testing.assert_array_equal(y_fit, y)
    gan = oversampler.sampler_
    assert list(gan.classes_) == [0, 1, 2] and gan.encoder_ is not None and gan.random_state == 3


def test_targets_keep_their_containers():
    X, y = mixed_table()
    X_res, y_res = GANOversampler(fast_gan()).fit_resample(X, y)
    assert isinstance(y_res, np.ndarray) and y_res.dtype == y.dtype and len(y_res) == len(X_res) == 108
    X_res, y_res = GANOversampler(fast_gan()).fit_resample(X, y.tolist())
    assert isinstance(y_res, list) and Counter(y_res) == {0: 36, 1: 36, 2: 36}
    X_res, y_res = GANOversampler(fast_gan()).fit_resample(X, np.eye(3, dtype=int)[y])  # one-vs-all
    assert y_res.shape == (108, 3) and (y_res.sum(axis=0) == 36).all()
    y_df = pd.DataFrame({"label": y}, index=X.index)
    X_res, y_res = GANOversampler(fast_gan()).fit_resample(X, y_df)
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["label"] and y_res.index.equals(X_res.index)


def test_the_same_seed_gives_the_same_table():
    X, y = mixed_table()
    first = GANOversampler(fast_gan(random_state=None), random_state=5).fit_resample(X, y)[0]
    again = GANOversampler(fast_gan(random_state=None), random_state=5).fit_resample(X, y)[0]
    other = GANOversampler(fast_gan(random_state=None), random_state=6).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(first, again)
    assert not first.iloc[len(X):].equals(other.iloc[len(X):])


def test_nothing_to_generate_gives_the_table_with_a_fresh_index():
    X, y = mixed_table()
    keep = y != 1
    SpyGAN.log.clear()
    oversampler = GANOversampler(fast_gan(SpyGAN), sampling_strategy="not minority")
    X_res, y_res = oversampler.fit_resample(X[keep], y[keep])
    assert oversampler.sampler_ is None and SpyGAN.log == []
    pd.testing.assert_frame_equal(X_res, X[keep].reset_index(drop=True))


def test_a_sampler_giving_arrays_gets_the_tables_dtypes_back():
    X, y = mixed_table()
    X_res, _ = GANOversampler(fast_gan(ArrayGAN)).fit_resample(X, y)
    assert_same_columns_and_dtypes(X_res, X)
    assert_rows_like(X_res.iloc[len(X):], X)


def test_numeric_frames_of_a_scaling_sampler_go_the_numeric_way():
    X, y = mixed_table(text=False)
    numbers = X[["count", "kids", "member"]]  # integers and booleans: numbers to a sampler that scales
    X_res, _ = GANOversampler(fast_gan(encoder="scale")).fit_resample(numbers, y)
    assert list(X_res.columns) == list(numbers.columns) and (X_res.dtypes == np.float64).all()  # as before
    np.testing.assert_array_equal(X_res.to_numpy()[: len(X)], numbers.to_numpy(dtype=float))
    X_float = X[["length"]].assign(other=1.0)  # floats without missing values: the numeric path, as before
    X_res, _ = GANOversampler(fast_gan()).fit_resample(X_float, y)
    assert (X_res.dtypes == np.float64).all() and len(X_res) == 108


# ------------------------------------------------------------- errors


def test_what_a_table_cannot_hold_is_a_clear_error():
    X, y = mixed_table()
    SpyGAN.log.clear()
    with pytest.raises(ValueError, match="columns that are not numbers .*'colour'.*encodes numeric data only"):
        GANOversampler(fast_gan(SpyGAN, encoder="scale")).fit_resample(X, y)
    with pytest.raises(ValueError, match="encodes numeric data only"):
        AugmentedEstimator(LogisticRegression(), fast_gan(SpyGAN, encoder="scale")).fit(X, y)
    assert SpyGAN.log == []
    spans = X.assign(span=pd.arrays.IntervalArray.from_breaks(np.arange(len(X) + 1)))
    with pytest.raises(ValueError, match="'span' has dtype interval.*which TabularEncoder does not encode"):
        GANOversampler(fast_gan()).fit_resample(spans, y)
    with pytest.raises(ValueError, match="an array of text: give a table .* as a pandas DataFrame"):
        GANOversampler(fast_gan()).fit_resample(X.to_numpy(dtype=object), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GANOversampler(fast_gan()).fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        GANOversampler(fast_gan()).fit_resample(X, np.zeros(len(X), dtype=int))
    with pytest.raises(ValueError, match="should be greater or equal to the original number of samples"):
        GANOversampler(fast_gan(), sampling_strategy={1: 2}).fit_resample(X, y)


def test_pandas_is_imported_only_for_frames():
    folder = Path(__file__).resolve().parents[2] / "skgan" / "augmentation"
    for path in folder.glob("*.py"):
        top_level = ast.parse(path.read_text()).body
        names = {alias.name.split(".")[0] for node in top_level if isinstance(node, (ast.Import, ast.ImportFrom))
                 for alias in getattr(node, "names", [])}
        modules = {node.module.split(".")[0] for node in top_level if isinstance(node, ast.ImportFrom) and node.module}
        assert "pandas" not in names | modules, path.name


# ------------------------------------------------------------- pipelines


@pytest.mark.skipif(imblearn is None, reason="imbalanced-learn is not installed")
def test_imblearn_pipeline_with_a_classifier_of_categories():
    from imblearn.pipeline import make_pipeline as make_imblearn_pipeline

    X, y = mixed_table(text=False)
    SpyGAN.log.clear()
    SpyBoosting.log.clear()
    pipe = make_imblearn_pipeline(
        GANOversampler(fast_gan(SpyGAN), random_state=0),
        SpyBoosting(categorical_features="from_dtype", max_iter=5, random_state=0),
    ).fit(X, y)
    (X_gan, _), = SpyGAN.log
    pd.testing.assert_frame_equal(X_gan, X)
    X_clf, = SpyBoosting.log  # the classifier saw the table and its generated rows, with their dtypes
    assert len(X_clf) == 108 and dict(X_clf.dtypes) == dict(X.dtypes)
    assert list(pipe[-1].is_categorical_) == [False, False, False, False, True, False]
    assert pipe.predict(X).shape == (len(X),) and pipe.predict_proba(X).shape == (len(X), 3)
    assert len(SpyGAN.log) == len(SpyBoosting.log) == 1  # nothing is generated at predict


def test_cross_val_score_augments_the_training_folds_of_a_table_only():
    X, y = mixed_table(text=False)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    SpyGAN.log.clear()
    SpyBoosting.log.clear()
    model = AugmentedEstimator(
        SpyBoosting(categorical_features="from_dtype", max_iter=5, random_state=0), fast_gan(SpyGAN), random_state=0
    )
    scores = cross_val_score(model, X, y, cv=cv)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    logs = zip(cv.split(X, y), SpyGAN.log, SpyBoosting.log, strict=True)
    for (train, test), (X_gan, y_gan), X_clf in logs:
        assert X_gan.index.equals(X.index[train])  # the GAN learns from the training fold only
        np.testing.assert_array_equal(y_gan, y[train])
        pd.testing.assert_frame_equal(X_clf.iloc[: len(train)], X.iloc[train].reset_index(drop=True))
        assert len(X_clf) > len(train) and dict(X_clf.dtypes) == dict(X.dtypes)
        assert not set(X_clf["length"]) & set(X["length"].iloc[test])  # no validation row, nor a copy of one


def test_augmented_estimator_with_a_pipeline_that_encodes_text():
    X, y = mixed_table()
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["colour", "island", "member"]),
        (StandardScaler(), ["length", "count", "kids"]),
    )
    model = AugmentedEstimator(make_pipeline(encode, LogisticRegression(max_iter=200)), fast_gan(), random_state=0)
    model.fit(X.drop(columns="mass"), y)
    assert list(model.feature_names_in_) == [c for c in X.columns if c != "mass"]
    assert model.predict(X.drop(columns="mass")).shape == (len(X),)
    assert model.score(X.drop(columns="mass"), y) > 0.5

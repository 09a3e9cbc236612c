"""Scores of table rows the model cannot represent: an error by default, ``-inf`` on request."""

import numpy as np
import pandas as pd
import pytest

from skgan import GANSampler

FAST = dict(max_iter=1, batch_size=32, latent_dim=4, n_parzen_samples=100, bandwidth=0.5, random_state=0,
            generator__hidden_layer_sizes=(8,), discriminator__hidden_layer_sizes=(8,))


@pytest.fixture(scope="module")
def fitted(mixed_table):
    return GANSampler().set_params(**FAST).fit(mixed_table)


def _with(table, column, values):
    changed = table.head(6).copy()
    changed[column] = changed[column].astype(object)
    changed.loc[changed.index[:2], column] = values
    return changed


@pytest.mark.parametrize(("column", "value", "said"), [
    ("island", "Atlantis", "the category 'Atlantis', unseen at fit"),
    ("colour", "blue", "the category 'blue', unseen at fit"),  # declared by the dtype, never seen
    ("length", np.nan, "a missing value, and the column had none at fit"),
    ("length", "long", "'long', which is not a number"),
])
def test_an_unrepresentable_row_is_an_error_that_names_the_column(fitted, mixed_table, column, value, said):
    rows = _with(mixed_table, column, value)
    with pytest.raises(ValueError, match=f"2 of the 6 rows hold values.*column {column!r} holds {said}.*'-inf'"):
        fitted.score(rows)


@pytest.mark.parametrize(("column", "value"), [("island", "Atlantis"), ("length", np.nan), ("length", "long")])
def test_with_minus_inf_those_rows_score_minus_inf_and_the_others_as_alone(fitted, mixed_table, column, value):
    rows = _with(mixed_table, column, value)
    expected = fitted.score_samples(mixed_table.head(6))[2:]
    fitted.set_params(handle_unknown="-inf")
    try:
        scores = fitted.score_samples(rows)
        assert fitted.score(rows) == -np.inf
        assert fitted.score_samples(rows.head(2)).tolist() == [-np.inf, -np.inf]  # no row left to score
    finally:
        fitted.set_params(handle_unknown="error")
    assert scores[:2].tolist() == [-np.inf, -np.inf]
    np.testing.assert_allclose(scores[2:], expected, rtol=1e-12)


def test_missing_values_where_the_fit_had_some_are_scored(fitted, mixed_table):
    rows = mixed_table.head(6).assign(mass=np.nan)
    assert np.isfinite(fitted.score_samples(rows)).all()


def test_rows_held_out_for_validation_are_known_to_score():
    rng = np.random.RandomState(0)
    table = pd.DataFrame({"x": rng.normal(size=60), "kind": ["common"] * 54 + [f"rare{i}" for i in range(6)]})
    gan = GANSampler().set_params(**{**FAST, "bandwidth": "cv", "validation_fraction": 0.5}).fit(table)
    assert np.isfinite(gan.score_samples(table)).all()


def test_the_option_is_checked():
    with pytest.raises(ValueError, match="handle_unknown"):
        GANSampler(handle_unknown="ignore").fit(np.zeros((10, 2)))

"""A table's sample is generated and decoded a chunk at a time: the same rows as in one piece."""

import numpy as np
import pandas as pd
import pytest

from skgan import GANSampler, _generation
from skgan._noise import NOISE_BLOCK

N_ROWS = 2 * NOISE_BLOCK + 808  # three chunks of one noise block each


def _small_gan():
    return GANSampler(max_iter=1, batch_size=32, latent_dim=4, n_parzen_samples=50, bandwidth=0.5,
                      random_state=0).set_params(generator__hidden_layer_sizes=(8,),
                                                 discriminator__hidden_layer_sizes=(8,))


@pytest.fixture(scope="module")
def fitted(mixed_table):
    return _small_gan().fit(mixed_table)


def _in_chunks_and_whole(monkeypatch, sample):
    whole = sample()
    monkeypatch.setattr(_generation, "GENERATE_ROWS", NOISE_BLOCK)
    return sample(), whole


def test_chunks_give_the_rows_of_one_piece(fitted, monkeypatch):
    chunked, whole = _in_chunks_and_whole(monkeypatch, lambda: fitted.sample(N_ROWS, random_state=3))
    pd.testing.assert_frame_equal(chunked, whole)
    assert whole["mass"].isna().any() and whole["mass"].notna().any()  # missing values and numbers in every part


def test_per_row_conditions_hold_in_every_chunk(fitted, monkeypatch):
    wanted = np.resize(np.array(["Dream", "Biscoe", "Torgersen"], dtype=object), N_ROWS)
    np.random.RandomState(0).shuffle(wanted)
    chunked, whole = _in_chunks_and_whole(
        monkeypatch, lambda: fitted.sample(N_ROWS, random_state=3, conditions={"island": wanted}))
    assert (chunked["island"].to_numpy(dtype=object) == wanted).all()
    pd.testing.assert_frame_equal(chunked, whole)


def test_a_class_conditional_table_in_chunks(mixed_table, monkeypatch):
    gan = _small_gan()
    gan.fit(mixed_table.drop(columns="member"), mixed_table["member"])
    labels = np.resize([True, False, False], N_ROWS)
    chunked, whole = _in_chunks_and_whole(monkeypatch, lambda: gan.sample(N_ROWS, y=labels, random_state=1))
    pd.testing.assert_frame_equal(chunked, whole)

"""Model files written before the architecture change (format version 1) load and behave as they did.

tests/data/model_v1_*.skgan were written by skgan at commit 1e5b0bc, with the
samples and scores that that version computed from them
(model_v1_expected.npz): a conditional GAN with string labels, feature names
and a weight average, and a plain one with nested network parameters and the
hinge loss.
"""

from pathlib import Path

import numpy as np
import pytest

import skgan
from skgan.persistence import VERSION

DATA = Path(__file__).parents[1] / "data"  # tests/data


@pytest.fixture(scope="module")
def expected():
    with np.load(DATA / "model_v1_expected.npz") as archive:
        return dict(archive)


def test_the_format_version_is_still_1():
    assert VERSION == 1  # a new version needs an upgrade of these files in skgan.persistence._format.UPGRADES


def test_a_conditional_model_file_of_version_1_loads_and_samples_as_before(expected):
    gan = skgan.load(DATA / "model_v1_conditional.skgan")
    assert gan.n_iter_ == 3 and gan.device_ == "cpu" and gan.ema_decay == 0.9
    assert gan.classes_.tolist() == ["cat", "dog", "eel"] and gan.classes_.dtype.kind == "U"
    np.testing.assert_array_equal(gan.feature_names_in_, ["a", "b", "c"])
    assert gan.bandwidth_ == expected["conditional_bandwidth"]
    np.testing.assert_array_equal(gan.sample(4, y="dog", random_state=3), expected["conditional_sample"])
    pd = pytest.importorskip("pandas")
    query = pd.DataFrame(expected["query_conditional"], columns=["a", "b", "c"])
    np.testing.assert_array_equal(gan.score_samples(query), expected["conditional_scores"])
    assert gan._fitted.raw_generator is not None  # the trained generator behind the average
    gan.set_params(warm_start=True, max_iter=1).fit(query.iloc[[0, 1, 2, 3, 4] * 4], ["cat", "dog", "eel", "dog"] * 5)
    assert gan.n_iter_ == 4


def test_a_plain_model_file_of_version_1_loads_and_scores_as_before(expected):
    gan = skgan.load(DATA / "model_v1_plain.skgan")
    assert gan.loss == "hinge" and gan.generator.hidden_layer_sizes == (6,)
    assert not hasattr(gan, "classes_") and not hasattr(gan, "feature_names_in_")
    np.testing.assert_array_equal(gan.sample(4, random_state=3), expected["plain_sample"])
    np.testing.assert_array_equal(gan.score_samples(expected["query_plain"]), expected["plain_scores"])


def test_a_model_saved_now_is_read_by_the_same_layout(tmp_path):
    gan = skgan.load(DATA / "model_v1_plain.skgan")
    gan.save(tmp_path / "again.skgan")
    again = skgan.load(tmp_path / "again.skgan")
    np.testing.assert_array_equal(again.sample(4, random_state=3), gan.sample(4, random_state=3))

"""Tests of skgan._codecs: one codec per kind of data, chosen in one place, owned by the fitted state."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

import skgan
from skgan._codecs import ArrayCodec, DataCodec, TableCodec, TransformerCodec, codec_for, codec_from_plain
from skgan.exceptions import InvalidModelFile
from skgan.preprocessing import TabularEncoder


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    return pd.DataFrame({"x": rng.normal(size=60), "c": rng.choice(["a", "b", "c"], size=60),
                         "n": rng.randint(0, 3, size=60)})


def test_codec_for_chooses_by_the_data_and_the_parameters(X, table):
    assert type(codec_for(X)) is ArrayCodec and codec_for(X).frame is None
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert codec_for(frame).frame.columns == ["a", "b", "c"]
    assert type(codec_for(table)) is TableCodec
    assert type(codec_for(table, encoder="scale")) is ArrayCodec
    assert type(codec_for(X, transformer=PCA(2))) is TransformerCodec
    assert type(codec_for(X, encoder=TabularEncoder())) is TableCodec
    with pytest.raises(ValueError, match="not both"):
        codec_for(X, encoder=TabularEncoder(), transformer=PCA(2))


@pytest.mark.parametrize("kind", ["array", "frame", "transformer", "table"])
def test_the_fitted_state_owns_one_codec_and_samples_through_it(kind, X, table, monkeypatch, tiny_sampler):
    data = {"array": X, "frame": pd.DataFrame(X, columns=list("abc")), "transformer": X, "table": table}[kind]
    gan = tiny_sampler(max_iter=1, transformer=PCA(2) if kind == "transformer" else None).fit(data)
    codec = gan._fitted.codec
    assert isinstance(codec, DataCodec)
    calls = []
    generate = type(codec).generate

    def spy(self, *args, **kwargs):
        calls.append(type(self))
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(type(codec), "generate", spy)
    rows = gan.sample(5)
    assert calls == [type(codec)]
    assert isinstance(rows, pd.DataFrame) == (kind in ("frame", "table"))
    assert (gan.encoder_ is codec.encoder) if kind == "table" else not hasattr(gan, "encoder_")


def test_a_codec_comes_back_from_its_plain_values(X, table, tiny_sampler):
    for data in (X, pd.DataFrame(X, columns=list("abc")), table):
        codec = tiny_sampler(max_iter=1).fit(data)._fitted.codec
        again = codec_from_plain(codec.to_plain(), data.shape[1])
        assert type(again) is type(codec)
        np.testing.assert_array_equal(again.score_rows(data[:5]), codec.score_rows(data[:5]))


def test_a_transformer_codec_cannot_be_saved(X, tiny_sampler):
    codec = tiny_sampler(max_iter=1, transformer=PCA(2)).fit(X)._fitted.codec
    with pytest.raises(ValueError, match="cannot save the fitted transformer"):
        codec.to_plain()


def test_a_table_codec_refuses_an_encoder_of_other_columns(table, tiny_sampler):
    values = tiny_sampler(max_iter=1).fit(table)._fitted.codec.to_plain()
    with pytest.raises(InvalidModelFile, match="not of the 4 columns"):
        codec_from_plain(values, 4)


def test_moment_matching_auto_is_the_codecs(X, table):
    assert ArrayCodec().auto_settings(10_000).moment_weight == 0.0
    assert TableCodec().auto_settings(1000).moment_weight == pytest.approx(3.0)
    assert TableCodec().auto_settings(20_000).moment_weight > TableCodec().auto_settings(1000).moment_weight


def test_skgan_save_is_the_one_writer(tmp_path, X, tiny_sampler):
    gan = tiny_sampler(max_iter=1).fit(X)
    skgan.save(gan, tmp_path / "a.skgan")
    gan.save(tmp_path / "b.skgan")
    first, second = skgan.load(tmp_path / "a.skgan"), skgan.load(tmp_path / "b.skgan")
    np.testing.assert_array_equal(first.sample(4), second.sample(4))
    assert skgan.persistence.save is skgan.save and skgan.persistence.InvalidModelFile is InvalidModelFile
    with pytest.raises(ValueError, match="only GANSampler"):
        skgan.save(PCA(), tmp_path / "c.skgan")


@pytest.mark.parametrize(
    "X, match",
    [
        (pd.DataFrame({"a": np.arange(6.0), "l": [[1], [2], [1], [2], [1], [2]]}), "Column 'l' holds list values"),
        (pd.DataFrame(index=range(5)), "0 columns"),
        (pd.DataFrame(np.c_[np.arange(6.0), np.array(list("ababab"), dtype=object)], columns=["x", "x"]),
         r"repeats the column name\(s\) \['x'\]"),
    ],
    ids=["lists", "no-columns", "duplicate-names"],
)
def test_tables_that_cannot_be_encoded_get_a_clear_error(X, match, tiny_sampler):
    gan = tiny_sampler(max_iter=1)
    with pytest.raises(ValueError, match=match):
        gan.fit(X)
    assert not hasattr(gan, "generator_")


def test_a_table_model_scores_one_row_and_refuses_an_array_for_a_frame(table, tiny_sampler):
    gan = tiny_sampler(max_iter=1).fit(table)
    assert gan.score_samples(table.iloc[:1]).shape == (1,)
    with pytest.warns(UserWarning, match="feature names"), pytest.raises(ValueError, match="score a DataFrame"):
        gan.score(table.to_numpy()[:3])

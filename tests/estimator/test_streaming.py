"""Fits from a memory-mapped X (skgan._streaming): the model of the same data in memory, without a copy of X."""

import tracemalloc

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler

from skgan import MLPGenerator
from skgan import _fit_plan as fit_plan
from skgan import _streaming as streaming
from skgan.callbacks import Callback


def memmap(tmp_path, X, name="X.npy"):
    """``X`` saved to ``tmp_path`` and opened read-only, as ``np.load(mmap_mode="r")`` gives it."""
    path = tmp_path / name
    np.save(path, X)
    return np.load(path, mmap_mode="r")


def same_networks(a, b):
    for module_a, module_b in ((a.generator_, b.generator_), (a.discriminator_, b.discriminator_)):
        for (name, x), (_, y) in zip(module_a.state_dict().items(), module_b.state_dict().items(), strict=True):
            assert torch.equal(x, y), name


@pytest.fixture
def X32():
    return (np.random.RandomState(0).standard_normal((300, 3)) * [1, 5, 0.1]).astype(np.float32)


def test_is_memory_mapped(tmp_path, X32):
    mapped = memmap(tmp_path, X32)
    assert streaming.is_memory_mapped(mapped)
    assert streaming.is_memory_mapped(np.asarray(mapped)[10:20])
    assert not streaming.is_memory_mapped(np.array(mapped))
    assert not streaming.streams(mapped, transformer=StandardScaler())


@pytest.mark.parametrize("labelled", [False, True])
def test_fit_gives_the_model_of_the_data_in_memory(tmp_path, X32, labelled, tiny_sampler):
    # a float bandwidth without early stopping holds out nothing: the same rows, minibatches and model
    y = np.arange(len(X32)) % 3 if labelled else None
    mapped = memmap(tmp_path, X32)
    in_memory = tiny_sampler(bandwidth=0.5).fit(X32, y)
    streamed = tiny_sampler(bandwidth=0.5).fit(mapped, y)
    same_networks(in_memory, streamed)
    np.testing.assert_array_equal(in_memory.sample(50), streamed.sample(50))
    assert in_memory.score(X32) == streamed.score(mapped)


def test_float64_memmap_and_continued_training(tmp_path, X32, tiny_sampler):
    X = X32.astype(np.float64)
    mapped = memmap(tmp_path, X)
    in_memory = tiny_sampler(bandwidth=0.5, max_iter=2, warm_start=True).fit(X)
    streamed = tiny_sampler(bandwidth=0.5, max_iter=2, warm_start=True).fit(mapped)
    for gan, data in ((in_memory, X), (streamed, mapped)):
        gan.fit(data)
        gan.partial_fit(data)
    assert streamed.n_iter_ == 5
    same_networks(in_memory, streamed)


def test_standardised_rows_match_up_to_rounding(tmp_path, X32, tiny_sampler):
    generator = MLPGenerator(hidden_layer_sizes=(16,), output_activation="identity")
    in_memory = tiny_sampler(bandwidth=0.5, generator=generator).fit(X32)
    streamed = tiny_sampler(bandwidth=0.5, generator=generator).fit(memmap(tmp_path, X32))
    for name in ("center_", "data_per_model_"):
        np.testing.assert_allclose(getattr(streamed._fitted.codec.scaling, name),
                                   getattr(in_memory._fitted.codec.scaling, name), rtol=1e-12)


def test_a_transformer_reads_the_memmap_into_memory(tmp_path, X32, tiny_sampler):
    in_memory = tiny_sampler(bandwidth=0.5, transformer=StandardScaler()).fit(X32)
    streamed = tiny_sampler(bandwidth=0.5, transformer=StandardScaler()).fit(memmap(tmp_path, X32))
    np.testing.assert_array_equal(in_memory.sample(20), streamed.sample(20))


class HeldOut(Callback):
    """Records how many rows the fit holds out."""

    def on_fit_begin(self, estimator, **kwargs):
        self.n_held_out_ = len(kwargs["run"].X_val)


def test_the_held_out_rows_are_capped(tmp_path, monkeypatch, tiny_sampler):
    monkeypatch.setattr(streaming, "MAX_HELD_OUT", 25)
    splits = []
    split_rows = streaming.split_rows

    def recording(X, train, val):
        splits.append(split_rows(X, train, val))
        return splits[-1]

    monkeypatch.setattr(fit_plan, "split_rows", recording)
    X = np.random.RandomState(1).standard_normal((400, 2)).astype(np.float32)
    gan = tiny_sampler(max_iter=2, early_stopping=True, validation_fraction=0.25, callbacks=[HeldOut()])
    gan.fit(memmap(tmp_path, X))
    assert gan.callbacks_[0].n_held_out_ == 25
    (train, val, X_train, X_val), = splits
    assert len(val) == 25 and X_train.shape == (375, 2)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(400))
    np.testing.assert_array_equal(X_val, X[val])
    # in memory, a quarter of the rows is held out, as before
    gan = tiny_sampler(max_iter=2, early_stopping=True, validation_fraction=0.25, callbacks=[HeldOut()]).fit(X)
    assert gan.callbacks_[0].n_held_out_ == 100


def test_fit_makes_no_copy_of_X(tmp_path, monkeypatch, tiny_sampler):
    # numpy's allocations are traced; the networks are tiny, so the peak is of copies of X
    monkeypatch.setattr(streaming, "CHUNK_BYTES", 1 << 18)
    X = np.random.RandomState(2).standard_normal((50_000, 100)).astype(np.float32)
    mapped = memmap(tmp_path, X)
    del X
    params = dict(max_iter=1, bandwidth=1.0, batch_size=512, n_parzen_samples=100)
    tiny_sampler(**params).fit(mapped[:100])  # the first fit imports modules lazily
    tracemalloc.start()
    try:
        tiny_sampler(**params).fit(mapped)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.25 * mapped.nbytes  # in memory: float64 copies, over twice X's size


@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_a_value_that_is_not_finite_is_named(tmp_path, monkeypatch, X32, value, kind, tiny_sampler):
    monkeypatch.setattr(streaming, "CHUNK_BYTES", 3 * 4 * 16)  # chunks of 16 rows: the bad one is in chunk 13
    X = X32.copy()
    X[201, 2] = value
    with pytest.raises(ValueError, match=rf"Input X contains {kind} \(row 201, column 2\)"):
        tiny_sampler(bandwidth=0.5).fit(memmap(tmp_path, X))


def test_a_range_float64_cannot_hold_is_an_error(tmp_path, X32, tiny_sampler):
    X = X32.astype(np.float64)
    X[0, 0], X[1, 0] = -1e308, 1e308
    with pytest.raises(ValueError, match="too large to scale"):
        tiny_sampler(bandwidth=0.5).fit(memmap(tmp_path, X))


@pytest.mark.parametrize("mode", ["r", "c"])
def test_streamed_rows_read_rows_in_their_order(tmp_path, X32, mode):
    X = X32.astype(">f8")  # from the file (pread) with "r", through the mapping with "c"
    X.tofile(tmp_path / "X.dat")
    mapped = np.asarray(np.memmap(tmp_path / "X.dat", dtype=">f8", mode=mode, shape=X.shape))[40:]
    rows = streaming.StreamedRows(mapped, indices=np.array([7, 3, 250, 3]))
    assert (rows.file is not None) == (mode == "r")
    np.testing.assert_array_equal(rows[torch.tensor([2, 0, 3, 1, 0])].numpy(), X32[40:][[250, 7, 3, 3, 7]])
    assert rows.shape == (4, 3) and rows.device == torch.device("cpu")


def test_pages_are_given_back_only_for_a_shared_mapping(tmp_path, X32, monkeypatch):
    path = tmp_path / "X.dat"
    X32.tofile(path)
    for mode, shared in (("r", True), ("r+", True), ("c", False)):
        mapped = np.memmap(path, dtype=np.float32, mode=mode, shape=X32.shape)
        assert (streaming.shared_mapping(np.asarray(mapped)[5:]) is not None) == shared

    class Recorder:
        calls = 0

        def madvise(self, option):
            Recorder.calls += 1

    monkeypatch.setattr(streaming, "RELEASE_BYTES", 5 * streaming.FAULT_AROUND_BYTES)
    rows = streaming.StreamedRows(memmap(tmp_path, X32))
    rows.pages.mapping, rows.file = Recorder(), None  # reads through the mapping
    for _ in range(3):
        rows[torch.arange(3)]  # each row counts as FAULT_AROUND_BYTES: past RELEASE_BYTES on the second read
    assert Recorder.calls == 1
    rows[torch.arange(20, 0, -1)]  # a large read gives pages back every 5 rows
    assert Recorder.calls == 5
    streaming.column_statistics(rows)
    assert Recorder.calls == 6  # after each chunk

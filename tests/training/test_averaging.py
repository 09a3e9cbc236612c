"""Exponential moving average of the generator's weights (``ema_decay``)."""

import numpy as np
import pytest
import torch
from torch import nn

from skgan import load
from skgan._training import ExponentialMovingAverage

from ..estimator.test_sampler import CALLS_PER_EPOCH, failing


def test_average_follows_the_documented_recurrence():
    torch.manual_seed(0)
    source = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    average = ExponentialMovingAverage.of(source, decay=0.9)
    expected = {name: t.detach().clone() for name, t in source.state_dict().items()}
    for t in range(1, 30):
        with torch.no_grad():
            for p in source.parameters():
                p.add_(torch.randn_like(p))
        source.train()(torch.randn(8, 3))  # moves the running statistics and the batch count
        average.update(source)
        d = min(0.9, (1 + t) / (10 + t))
        for name, value in source.state_dict().items():
            if value.is_floating_point():
                expected[name] = d * expected[name].double() + (1 - d) * value.double()
            else:
                expected[name] = value.clone()
    assert average.n_updates == 29
    for name, value in average.module.state_dict().items():
        torch.testing.assert_close(value, expected[name].to(value.dtype), rtol=1e-5, atol=1e-6)
    assert not average.module.training
    assert not any(p.requires_grad for p in average.module.parameters())


def test_zero_decay_samples_and_stops_exactly_as_without_averaging(X, tiny_sampler):
    plain = tiny_sampler(max_iter=4, early_stopping=True, n_iter_no_change=1).fit(X)
    averaged = tiny_sampler(max_iter=4, early_stopping=True, n_iter_no_change=1, ema_decay=0.0).fit(X)
    assert [r["val_score"] for r in averaged.history_] == [r["val_score"] for r in plain.history_]
    np.testing.assert_array_equal(averaged.sample(20), plain.sample(20))
    assert averaged.score(X) == plain.score(X)


def test_generator_is_the_average_and_training_keeps_the_trained_weights(X, tiny_sampler):
    gan = tiny_sampler(max_iter=2, ema_decay=0.9).fit(X)
    trained = gan._fitted.raw_generator
    assert trained is not gan.generator_
    # 108 training rows, batch 16: 6 generator steps an epoch
    assert gan._fitted.n_average_updates == 12
    assert any(not torch.equal(a, b) for a, b in zip(trained.parameters(), gan.generator_.parameters(), strict=True))
    # sampling uses the average: it changes when the average does
    before = gan.sample(10)
    with torch.no_grad():
        next(gan.generator_.parameters()).add_(1.0)
    assert not np.array_equal(gan.sample(10), before)


def test_warm_start_continues_the_average_and_the_trained_weights(X, tiny_sampler):
    gan = tiny_sampler(max_iter=1, ema_decay=0.9, warm_start=True).fit(X)
    trained, average = gan._fitted.raw_generator, gan.generator_
    gan.fit(X)
    assert gan._fitted.raw_generator is trained and gan.generator_ is average
    assert gan._fitted.n_average_updates == 12
    # switching averaging off continues from the trained weights, not from the average
    gan.set_params(ema_decay=None).fit(X)
    assert gan.generator_ is trained and gan._fitted.raw_generator is None


def test_cold_refit_starts_a_new_average(X, tiny_sampler):
    gan = tiny_sampler(max_iter=1, ema_decay=0.9).fit(X)
    first = gan.sample(10)
    gan.fit(X)
    assert gan._fitted.n_average_updates == 6
    np.testing.assert_array_equal(gan.sample(10), first)


def test_interrupt_restores_the_average_of_the_last_completed_epoch(X, tiny_sampler):
    complete = tiny_sampler(max_iter=2, ema_decay=0.5, discriminator=failing(10**9, "interrupt")).fit(X)
    with pytest.warns(UserWarning, match="interrupted in epoch 3"):
        interrupted = tiny_sampler(
            max_iter=5, ema_decay=0.5, discriminator=failing(2 * CALLS_PER_EPOCH + 5, "interrupt")
        ).fit(X)
    assert interrupted._fitted.n_average_updates == complete._fitted.n_average_updates
    np.testing.assert_array_equal(interrupted.sample(20), complete.sample(20))


def test_save_and_load_keep_both_generators(X, tmp_path, tiny_sampler):
    gan = tiny_sampler(max_iter=1, ema_decay=0.9, warm_start=True).fit(X)
    path = tmp_path / "model.skgan"
    gan.save(path)
    loaded = load(path)
    np.testing.assert_array_equal(loaded.sample(10), gan.sample(10))
    np.testing.assert_array_equal(loaded.fit(X).sample(10), gan.fit(X).sample(10))
    assert loaded._fitted.n_average_updates == gan._fitted.n_average_updates == 12


def test_early_stopping_scores_the_average(X, monkeypatch, tiny_sampler):
    import skgan._generation as generation_module

    scored = []
    original = generation_module.generate_rows

    def recording_generate_rows(generator, *args):
        scored.append(generator)
        return original(generator, *args)

    monkeypatch.setattr(generation_module, "generate_rows", recording_generate_rows)
    gan = tiny_sampler(max_iter=2, ema_decay=0.9, early_stopping=True, n_iter_no_change=5).fit(X)
    assert scored and all(generator is gan.generator_ for generator in scored)

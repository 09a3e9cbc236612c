"""The ``"auto"`` training parameters: what they stand for per kind of data, and that a fit uses it."""

import pytest

from skgan._codecs import ArrayCodec, TableCodec
from skgan._training import _auto
from skgan._training._auto import ARRAY_SETTINGS, AutoSettings, resolve_settings, table_settings
from skgan._training._moments import table_moment_weight


def test_arrays_keep_the_papers_settings():
    assert ArrayCodec().auto_settings(10_000) == ARRAY_SETTINGS
    assert ARRAY_SETTINGS == AutoSettings(max_iter=100, batch_size=64, learning_rate=2e-4, ema_decay=None,
                                          moment_weight=0.0)


@pytest.mark.parametrize("n_rows", [2, 100, 511, 512, 513, 4_000, 20_000, 1_000_000])
def test_a_table_trains_a_fixed_number_of_steps(n_rows):
    chosen = TableCodec().auto_settings(n_rows)
    assert chosen == table_settings(n_rows)
    assert chosen.batch_size == _auto.TABLE_BATCH_SIZE
    assert chosen.learning_rate == _auto.TABLE_LEARNING_RATE and chosen.ema_decay == _auto.TABLE_EMA_DECAY
    assert chosen.moment_weight == table_moment_weight(n_rows)
    steps_per_epoch = max(1, n_rows // _auto.TABLE_BATCH_SIZE)  # the training loop's count
    # at least the planned steps, and less than one epoch more (or the one epoch of a huge table)
    steps = chosen.max_iter * steps_per_epoch
    assert _auto.TABLE_STEPS <= steps < _auto.TABLE_STEPS + steps_per_epoch or chosen.max_iter == 1


def test_a_large_table_trains_at_least_one_epoch():
    assert table_settings(10**9).max_iter == 1


class _Params:
    max_iter, batch_size, learning_rate, ema_decay, moment_weight = 7, "auto", 0.5, None, "auto"


def test_parameters_that_are_set_win_over_auto():
    chosen = resolve_settings(_Params(), table_settings(4_000))
    assert (chosen.max_iter, chosen.learning_rate, chosen.ema_decay) == (7, 0.5, None)
    assert chosen.batch_size == _auto.TABLE_BATCH_SIZE and chosen.moment_weight == table_moment_weight(4_000)


def _learning_rates(gan):
    return [state["param_groups"][0]["lr"] for state in gan._fitted.optimizer_state]


def test_a_table_fit_uses_the_tables_settings(monkeypatch, mixed_table, tiny_sampler):
    monkeypatch.setattr(_auto, "TABLE_STEPS", 3)
    gan = tiny_sampler(max_iter="auto", batch_size="auto", validation_fraction=0.25, bandwidth="cv").fit(mixed_table)
    n_train = len(mixed_table) - round(0.25 * len(mixed_table))
    assert gan.n_iter_ == 3 == table_settings(n_train).max_iter  # all rows in one step: one step per epoch
    assert _learning_rates(gan) == [_auto.TABLE_LEARNING_RATE] * 2
    assert gan._fitted.raw_generator is not None  # the weight average is on
    assert len(gan.history_) == 3


def test_an_array_fit_uses_the_papers_settings(X, tiny_sampler):
    gan = tiny_sampler(max_iter="auto", batch_size="auto").fit(X[:40])
    assert gan.n_iter_ == ARRAY_SETTINGS.max_iter
    assert _learning_rates(gan) == [ARRAY_SETTINGS.learning_rate] * 2
    assert gan._fitted.raw_generator is None


def test_a_set_learning_rate_and_no_average_win_on_a_table(mixed_table, tiny_sampler):
    gan = tiny_sampler(learning_rate=0.01, ema_decay=None, discriminator_learning_rate=0.02).fit(mixed_table)
    assert _learning_rates(gan) == [0.01, 0.02]
    assert gan._fitted.raw_generator is None


@pytest.mark.parametrize("name", ["max_iter", "batch_size", "learning_rate", "ema_decay"])
def test_auto_is_the_default_and_other_text_is_an_error(name, X, tiny_sampler):
    from skgan import GANSampler

    assert GANSampler().get_params()[name] == "auto"
    with pytest.raises(ValueError, match=name):
        tiny_sampler(**{name: "automatic"}).fit(X)

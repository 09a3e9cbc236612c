import csv
import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import skgan
from skgan.callbacks import Callback, Checkpoint, CSVLogger, EarlyStopping, History, ProgressBar

from .._factories import make_tiny_sampler


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(80, 3))


def weights(network):
    return [p.detach().clone() for p in network.state_dict().values()]


def assert_same_weights(a, b):
    for x, y in zip(weights(a), weights(b), strict=True):
        assert torch.equal(x, y)


class StopAfter(Callback):
    def __init__(self, n_epochs=2):
        self.n_epochs = n_epochs

    def on_fit_begin(self, estimator, **kwargs):
        self.seen_ = []

    def on_epoch_end(self, estimator, record, **kwargs):
        self.seen_.append(record["epoch"])
        return record["epoch"] >= self.n_epochs


class Recorder(Callback):
    """Records the events it hears in ``events_`` (and in the class's ``log``, which outlives a failed fit)."""

    log = []

    def on_fit_begin(self, estimator, epochs=None, **kwargs):
        self.events = self.events_ = Recorder.log = []
        self.events.append(("fit_begin", list(epochs)))

    def on_epoch_begin(self, estimator, epoch, **kwargs):
        self.events.append(("epoch_begin", epoch))

    def on_batch_end(self, estimator, batch, d_loss=None, g_loss=None, **kwargs):
        self.events.append(("batch_end", batch, g_loss is not None))

    def on_epoch_end(self, estimator, record, **kwargs):
        self.events.append(("epoch_end", record["epoch"], estimator.generator_.training))

    def on_train_end(self, estimator, **kwargs):
        self.events.append(("train_end",))

    def on_fit_end(self, estimator, error=None, **kwargs):
        self.events.append(("fit_end", error))


def test_a_custom_callback_sees_every_epoch_stops_training_and_the_model_keeps_the_epochs(X, tiny_sampler):
    stop = StopAfter(3)
    gan = tiny_sampler(max_iter=10, callbacks=[stop]).fit(X)
    assert gan.callbacks_[0].seen_ == [1, 2, 3]
    assert not hasattr(stop, "seen_")  # fit used a clone: the parameter is unchanged
    assert gan.n_iter_ == 3 and [r["epoch"] for r in gan.history_] == [1, 2, 3]
    # the kept model is the one of a 3-epoch fit: the same weights and samples
    three = tiny_sampler(max_iter=3).fit(X)
    assert_same_weights(gan.generator_, three.generator_)
    assert_same_weights(gan.discriminator_, three.discriminator_)
    np.testing.assert_array_equal(gan.sample(5), three.sample(5))
    # a warm start continues the count
    gan.set_params(warm_start=True, callbacks=[StopAfter(4)]).fit(X)
    assert gan.n_iter_ == 4


def test_events_come_in_order_with_the_networks_in_eval_mode_at_epoch_end(X, tiny_sampler):
    gan = tiny_sampler(max_iter=2, batch_size=20, d_steps=2, callbacks=[Recorder()]).fit(X)
    events = gan.callbacks_[0].events_
    assert events[0] == ("fit_begin", [1, 2])
    assert events[-2:] == [("train_end",), ("fit_end", None)]
    epoch_1 = events[1 : events.index(("epoch_end", 1, False)) + 1]
    assert epoch_1[0] == ("epoch_begin", 1)
    batches = [event for event in epoch_1 if event[0] == "batch_end"]
    # 72 training rows in batches of 20: 3 discriminator steps, rounded up to 4 for d_steps=2
    assert [b[1] for b in batches] == [1, 2, 3, 4]
    assert [b[2] for b in batches] == [False, True, False, True]  # a generator step every 2nd
    assert ("epoch_end", 2, False) in events


def test_batch_events_are_sent_only_to_callbacks_that_listen(X, monkeypatch, tiny_sampler):
    from skgan._training import CallbackList

    assert not CallbackList([StopAfter(), History()]).hears_batches
    assert CallbackList([Recorder()]).hears_batches
    called = []
    monkeypatch.setattr(CallbackList, "on_batch_end", lambda self, *a, **k: called.append(a))
    tiny_sampler(max_iter=1, callbacks=[StopAfter()]).fit(X)
    assert called == []


def test_fit_end_hears_the_error_and_the_estimator_is_unchanged(X, tiny_sampler):
    class Fails(Callback):
        def on_epoch_end(self, estimator, record, **kwargs):
            raise RuntimeError("boom")

    gan = tiny_sampler(max_iter=3, callbacks=[Recorder(), Fails()])
    with pytest.raises(RuntimeError, match="boom"):
        gan.fit(X)
    events = Recorder.log
    assert events[-1][0] == "fit_end" and isinstance(events[-1][1], RuntimeError)
    assert not hasattr(gan, "generator_")


def test_callbacks_sample_during_fit(X, tiny_sampler):
    class Samples(Callback):
        def on_fit_begin(self, estimator, **kwargs):
            self.rows_ = []

        def on_epoch_end(self, estimator, record, **kwargs):
            self.rows_.append(estimator.sample(4, random_state=0))

    gan = tiny_sampler(max_iter=2, callbacks=[Samples()]).fit(X)
    samples = gan.callbacks_[0]
    assert len(samples.rows_) == 2
    np.testing.assert_array_equal(samples.rows_[-1], gan.sample(4, random_state=0))
    assert not np.array_equal(samples.rows_[0], samples.rows_[1])


def test_callbacks_must_be_callbacks(X, tiny_sampler):
    with pytest.raises(TypeError, match="Callback instances"):
        tiny_sampler(callbacks=[lambda *args: None]).fit(X)


def test_callbacks_clone_pickle_and_are_not_needed_to_load(X, tmp_path, tiny_sampler):
    stopper = EarlyStopping("d_loss", n_iter_no_change=3, lower_is_better=True)
    gan = tiny_sampler(max_iter=2, callbacks=[stopper, StopAfter(5), ProgressBar(use_tqdm=False)])
    twin = clone(gan)
    assert twin.callbacks[0] is not stopper and twin.callbacks[0].get_params() == stopper.get_params()
    gan.fit(X)
    restored = pickle.loads(pickle.dumps(gan))
    np.testing.assert_array_equal(restored.sample(3), gan.sample(3))
    assert pickle.loads(pickle.dumps(gan.callbacks[2])).use_tqdm is False
    gan.save(tmp_path / "m.skgan")
    loaded = skgan.load(tmp_path / "m.skgan")
    assert loaded.callbacks is None
    np.testing.assert_array_equal(loaded.sample(3), gan.sample(3))


def test_early_stopping_on_any_record_key_restores_the_best_epoch(X, tiny_sampler):
    # "epoch" only grows: with lower_is_better, epoch 1 stays the best
    gan = tiny_sampler(max_iter=10, callbacks=[EarlyStopping("epoch", n_iter_no_change=2, lower_is_better=True)])
    stopper = gan.fit(X).callbacks_[0]
    assert gan.n_iter_ == 3 and stopper.stopped_epoch_ == 3
    assert stopper.best_epoch_ == 1 and stopper.best_score_ == 1
    assert_same_weights(gan.generator_, tiny_sampler(max_iter=1).fit(X).generator_)
    kept = tiny_sampler(max_iter=10, callbacks=[EarlyStopping("epoch", n_iter_no_change=2, lower_is_better=True,
                                                              restore_best=False)]).fit(X)
    assert_same_weights(kept.generator_, tiny_sampler(max_iter=3).fit(X).generator_)


def test_early_stopping_names_a_missing_key_and_checks_its_parameters(X, tiny_sampler):
    with pytest.raises(ValueError, match="monitors 'nope'.*d_loss"):
        tiny_sampler(max_iter=2, callbacks=[EarlyStopping("nope")]).fit(X)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        tiny_sampler(max_iter=2, callbacks=[EarlyStopping(n_iter_no_change=0)]).fit(X)


def test_a_user_early_stopping_replaces_the_shortcuts_one(X, tiny_sampler):
    stopper = EarlyStopping(n_iter_no_change=1, tol=1e9)  # no epoch improves by 1e9
    gan = tiny_sampler(max_iter=10, early_stopping=True, n_iter_no_change=50, callbacks=[stopper]).fit(X)
    assert gan.n_iter_ == 2 and gan.callbacks_[0].stopped_epoch_ == 2
    assert all("val_score" in record for record in gan.history_)


def test_monitoring_val_score_scores_held_out_rows_without_early_stopping(X, tiny_sampler):
    checkpoint_free = EarlyStopping("val_score", n_iter_no_change=100)
    gan = tiny_sampler(max_iter=2, callbacks=[checkpoint_free]).fit(X)
    assert [("val_score" in r) for r in gan.history_] == [True, True]
    assert gan.best_validation_score_ == max(r["val_score"] for r in gan.history_)


def test_checkpoint_every_n_epochs_writes_loadable_models_of_those_epochs(X, tmp_path, tiny_sampler):
    gan = tiny_sampler(max_iter=4, callbacks=[Checkpoint(tmp_path / "epoch{epoch}.skgan", every=2)]).fit(X)
    assert gan.callbacks_[0].saved_epochs_ == [2, 4]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch2.skgan", "epoch4.skgan"]
    at_2 = skgan.load(tmp_path / "epoch2.skgan")
    two = tiny_sampler(max_iter=2).fit(X)
    assert at_2.n_iter_ == 2 and at_2.bandwidth_ == two.bandwidth_
    np.testing.assert_array_equal(at_2.sample(5), two.sample(5))
    np.testing.assert_array_equal(at_2.score_samples(X), two.score_samples(X))


def test_checkpoint_keeps_the_best_monitored_epoch(X, tmp_path, tiny_sampler):
    path = tmp_path / "best.skgan"
    gan = tiny_sampler(max_iter=4, callbacks=[Checkpoint(path, monitor="val_score")]).fit(X)
    checkpoint = gan.callbacks_[0]
    scores = [r["val_score"] for r in gan.history_]
    expected = [r["epoch"] for i, r in enumerate(gan.history_) if scores[i] > max(scores[:i], default=-np.inf)]
    assert checkpoint.saved_epochs_ == expected
    assert skgan.load(path).n_iter_ == expected[-1]


def test_checkpoint_refuses_an_estimator_it_cannot_save_before_training(X, tmp_path, tiny_sampler):
    from sklearn.decomposition import PCA

    class Counter(Callback):
        def on_epoch_begin(self, estimator, epoch, **kwargs):
            raise AssertionError("no epoch should start")

    with pytest.raises(ValueError, match="transformer"):
        tiny_sampler(transformer=PCA(2), callbacks=[Checkpoint(tmp_path / "m.skgan"), Counter()]).fit(X)
    with pytest.raises(ValueError, match="cannot save the generator"):
        tiny_sampler(generator=lambda latent_dim, n_features: torch.nn.Linear(latent_dim, n_features),
                     callbacks=[Checkpoint(tmp_path / "m.skgan"), Counter()]).fit(X)
    assert list(tmp_path.iterdir()) == []


def test_csv_logger_writes_the_history_and_appends_over_warm_starts(X, tmp_path, tiny_sampler):
    path = tmp_path / "log.csv"
    gan = tiny_sampler(max_iter=2, warm_start=True, callbacks=[CSVLogger(path, append=True)]).fit(X)
    gan.fit(X)
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3, 4]
    for row, record in zip(rows, gan.history_, strict=True):
        assert float(row["d_loss"]) == pytest.approx(record["d_loss"], rel=1e-12)
    gan.set_params(callbacks=[CSVLogger(path)]).fit(X)  # append=False replaces the file
    with open(path, newline="") as file:
        assert [row["epoch"] for row in csv.DictReader(file)] == ["5", "6"]


def test_a_user_progress_bar_replaces_the_verbose_one(X, capsys, tiny_sampler):
    tiny_sampler(max_iter=2, verbose=1, callbacks=[ProgressBar(use_tqdm=False)]).fit(X)
    captured = capsys.readouterr()
    assert "Epoch 2/2" in captured.out and "GANSampler" not in captured.err


def test_history_is_a_default_callback_that_a_user_history_replaces(X, tiny_sampler):
    class CountingHistory(History):
        def on_epoch_end(self, estimator, record, **kwargs):
            record["counted"] = True
            super().on_epoch_end(estimator, record, **kwargs)

    gan = tiny_sampler(max_iter=2, callbacks=[History()]).fit(X)
    assert len(gan.history_) == 2  # the user's History replaced the default: no record twice
    gan = tiny_sampler(max_iter=2, callbacks=[CountingHistory()]).fit(X)
    assert [r.get("counted") for r in gan.history_] == [True, True]


@parametrize_with_checks(
    [make_tiny_sampler(max_iter=2, callbacks=[EarlyStopping("d_loss", lower_is_better=True), History()])]
)
def test_sklearn_compatible_with_callbacks(estimator, check):
    check(estimator)


def test_callbacks_hear_the_fit_run(X, tiny_sampler):
    """Every event gets the typed run object: its epochs, held-out rows and a public way to complete the state."""
    from skgan._fit_run import FitRun

    class Spy(Callback):
        def on_epoch_end(self, estimator, record, **kwargs):
            run = kwargs["run"]
            assert isinstance(run, FitRun) and run.estimator is estimator
            self.epochs_ = list(run.epochs)
            self.n_held_out_ = len(run.X_val)
            estimator.bandwidth_ = None
            run.complete_state()  # chooses the bandwidth mid-fit, as a checkpoint needs
            self.bandwidth_ = estimator.bandwidth_

    gan = tiny_sampler(max_iter=2, validation_fraction=0.25, callbacks=[Spy()]).fit(X)
    spy = gan.callbacks_[0]
    assert spy.epochs_ == [1, 2] and spy.n_held_out_ == round(0.25 * len(X))
    assert spy.bandwidth_ is not None and spy.bandwidth_ > 0

"""The training loop's parts: the steps a subclass replaces, the batch source's draws, the rollback snapshots."""

import copy
import os

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from skgan import GANSampler
from skgan._noise import sample_noise
from skgan._training import (
    BatchSource,
    ConditionSampler,
    ExponentialMovingAverage,
    GameSettings,
    LocalExecution,
    TrainingState,
    train_gan,
)
from skgan.callbacks import Callback
from skgan.losses import NonSaturatingLoss
from skgan.networks import MLPDiscriminator, MLPGenerator
from skgan.training import Batch, TrainingContext, TrainingSteps


def tiny_sampler(cls=GANSampler, **params):
    settings = dict(generator=MLPGenerator((16, 16)), discriminator=MLPDiscriminator((16,)), latent_dim=3, max_iter=3,
                    batch_size=16, bandwidth=0.5, n_parzen_samples=50, random_state=0)
    settings.update(params)
    return cls(**settings)


def sampler_with(steps):
    """A GANSampler subclass whose ``training_steps`` returns ``steps``."""
    return type("CustomSteps", (GANSampler,), {"training_steps": lambda self: steps})


class CountingSteps(TrainingSteps):
    """The default steps, counted, with constant values of their own in the history."""

    calls = None

    def setup(self):
        type(self).calls = {"setup": 1, "discriminator": 0, "generator": 0}
        self.forward_modules = (self.context.generator_forward, self.context.discriminator_forward)

    def discriminator_step(self, batch):
        self.calls["discriminator"] += 1
        losses = super().discriminator_step(batch)
        losses["d_constant"] = torch.tensor(2.5)
        return losses

    def generator_step(self, batch):
        self.calls["generator"] += 1
        losses = super().generator_step(batch)
        losses["g_step"] = torch.tensor(float(batch.step))
        return losses


# --- the estimator's hook -------------------------------------------------------------------------------------


def test_the_default_steps_are_training_steps():
    assert GANSampler().training_steps() is TrainingSteps


def test_a_subclass_s_steps_are_called_and_their_values_reach_the_history(X):
    gan = tiny_sampler(sampler_with(CountingSteps), max_iter=2, d_steps=2).fit(X)
    calls = CountingSteps.calls
    assert calls["setup"] == 1
    assert calls["generator"] * 2 == calls["discriminator"] > 0
    assert [sorted(record) for record in gan.history_] == 2 * [
        ["d_constant", "d_fake", "d_loss", "d_real", "dur", "epoch", "g_loss", "g_step"]
    ]
    assert all(record["d_constant"] == 2.5 for record in gan.history_)
    steps_per_epoch = calls["discriminator"] // 2
    # the generator's steps follow the even discriminator steps: the mean of their numbers
    assert gan.history_[0]["g_step"] == np.mean(np.arange(2, steps_per_epoch + 1, 2))


def test_a_subclass_s_losses_are_what_the_history_averages(X):
    class Constant(TrainingSteps):
        def discriminator_step(self, batch):
            super().discriminator_step(batch)
            return {"d_loss": torch.tensor(1.0), "d_real": torch.tensor(0.25), "d_fake": torch.tensor(0.75)}

        def generator_step(self, batch):
            super().generator_step(batch)
            return {"g_loss": torch.tensor(3.0)}

    gan = tiny_sampler(sampler_with(Constant), max_iter=2).fit(X)
    for record in gan.history_:
        assert (record["d_loss"], record["d_real"], record["d_fake"], record["g_loss"]) == (1.0, 0.25, 0.75, 3.0)


def test_a_step_may_not_return_the_record_s_own_keys(X):
    class Dated(TrainingSteps):
        def generator_step(self, batch):
            return {**super().generator_step(batch), "epoch": torch.tensor(0.0)}

    with pytest.raises(ValueError, match="'epoch'"):
        tiny_sampler(sampler_with(Dated), max_iter=1).fit(X)


def test_the_hook_returning_the_default_steps_changes_nothing(X):
    default = tiny_sampler().fit(X)
    hooked = tiny_sampler(sampler_with(TrainingSteps)).fit(X)
    np.testing.assert_array_equal(hooked.sample(20, random_state=1), default.sample(20, random_state=1))
    assert [{k: v for k, v in r.items() if k != "dur"} for r in hooked.history_] == [
        {k: v for k, v in r.items() if k != "dur"} for r in default.history_
    ]


class ClippedSteps(TrainingSteps):
    """The discriminator's update in parts, its gradient norm clipped to ``max_norm``."""

    max_norm = 1e9

    def update_discriminator(self, loss):
        stepper = self.context.discriminator_stepper
        stepper.backward(loss)
        stepper.unscale()
        self.norm = torch.nn.utils.clip_grad_norm_(self.context.discriminator.parameters(), self.max_norm)
        stepper.step()

    def discriminator_step(self, batch):
        return {**super().discriminator_step(batch), "d_grad_norm": self.norm}


@pytest.mark.parametrize("mixed_precision", [None, "float16"])
def test_an_update_in_parts_is_the_default_update(X, mixed_precision):
    default = tiny_sampler(mixed_precision=mixed_precision, ema_decay=0.9).fit(X)
    clipped = tiny_sampler(sampler_with(ClippedSteps), mixed_precision=mixed_precision, ema_decay=0.9).fit(X)
    np.testing.assert_array_equal(clipped.sample(20, random_state=1), default.sample(20, random_state=1))
    assert all(record["d_grad_norm"] > 0 for record in clipped.history_)


def test_clipping_changes_the_fit_and_a_divergence_still_stops_it(X):
    class Tight(ClippedSteps):
        max_norm = 1e-3

    default = tiny_sampler().fit(X)
    tight = tiny_sampler(sampler_with(Tight)).fit(X)
    assert not np.array_equal(tight.sample(20, random_state=1), default.sample(20, random_state=1))

    class Diverging(TrainingSteps):
        def generator_step(self, batch):
            losses = super().generator_step(batch)
            return {"g_loss": losses["g_loss"] * (float("nan") if batch.epoch == 2 else 1.0)}

    with pytest.warns(UserWarning, match="diverged in epoch 2"):
        diverged = tiny_sampler(sampler_with(Diverging)).fit(X)
    assert diverged.n_iter_ == 1


def test_steps_must_be_a_class_of_training_steps():
    state, X = training_state(), torch.randn(32, 3)
    for wrong in (TrainingSteps(None), object, "steps"):
        with pytest.raises(TypeError, match="TrainingSteps subclass"):
            train_gan(state, X, game(), epochs=range(1, 2), steps=wrong)


# --- the context and the batches -------------------------------------------------------------------------------


def training_state(optimizer=torch.optim.Adam, average=False, n_features=3, n_classes=None):
    G = MLPGenerator((8,))(latent_dim=2, n_features=n_features, n_classes=n_classes)
    D = MLPDiscriminator((8,))(n_features=n_features, n_classes=n_classes)
    ema = ExponentialMovingAverage.of(G, 0.5) if average else None
    return TrainingState(G, D, optimizer(G.parameters()), optimizer(D.parameters()), ema)


def game(d_steps=1, batch_size=8, loss=None):
    return GameSettings(loss=loss or NonSaturatingLoss(), latent_dim=2, noise="normal", d_steps=d_steps,
                        batch_size=batch_size)


class Recording(TrainingSteps):
    """Keeps every batch and the context it was set up with."""

    def setup(self):
        self.seen = type(self).seen = {"context": self.context, "d": [], "g": []}

    def discriminator_step(self, batch):
        self.seen["d"].append(batch)
        return super().discriminator_step(batch)

    def generator_step(self, batch):
        self.seen["g"].append(batch)
        return super().generator_step(batch)


def test_the_context_holds_what_a_step_needs():
    torch.manual_seed(0)
    state = training_state()
    train_gan(state, torch.randn(40, 3), game(d_steps=2, batch_size=8), epochs=range(3, 5), steps=Recording)
    context = Recording.seen["context"]
    assert isinstance(context, TrainingContext)
    assert context.generator is state.generator and context.discriminator is state.discriminator
    assert context.generator_forward is state.generator and context.judge is state.discriminator
    assert context.generator_stepper.optimizer is state.g_optimizer
    assert context.discriminator_stepper.optimizer is state.d_optimizer
    assert isinstance(context.loss, NonSaturatingLoss) and context.batch_size == 8
    assert context.conditions is None and context.moments is None
    assert isinstance(context.execution, LocalExecution)
    d_batches, g_batches = Recording.seen["d"], Recording.seen["g"]
    assert [(b.epoch, b.step) for b in d_batches] == [(e, s) for e in (3, 4) for s in range(1, 6 + 1)]
    assert [(b.epoch, b.step) for b in g_batches] == [(e, s) for e in (3, 4) for s in (2, 4, 6)]
    assert all(b.real.shape == (8, 3) and b.noise.shape == (8, 2) and b.labels == () for b in d_batches)
    assert all(b.real is None and b.condition is None for b in g_batches)


def old_draws(X, drawn, n_steps, d_steps, latent_dim, rng, share, y=None, conditions=None):
    """The draws of one epoch as the training loop made them before its split, in its order."""
    draws = []
    if conditions is None:
        n_perms = -(-n_steps * drawn // len(X))
        order = torch.cat([torch.randperm(len(X), generator=rng) for _ in range(n_perms)])
        batches = order[: n_steps * drawn].view(n_steps, drawn)
    else:
        batches = range(n_steps)
    for step, rows in enumerate(batches, start=1):
        if conditions is not None:
            keys = conditions.draw(drawn, rng)
            rows, keys = share(conditions.rows(keys, rng)), share(keys)
            labels = (conditions.vectors(keys),)
        else:
            rows = share(rows)
            labels = () if y is None else (y[rows],)
        real = X[rows]
        z = share(sample_noise(drawn, latent_dim, "normal", generator=rng))
        draws.append(("d", real, z, labels))
        if step % d_steps == 0:
            z = share(sample_noise(drawn, latent_dim, "normal", generator=rng))
            if conditions is not None:
                keys = share(conditions.draw(drawn, rng))
                labels = (conditions.vectors(keys),)
            elif y is not None:
                labels = (y[share(torch.randint(len(X), (drawn,), generator=rng))],)
            draws.append(("g", None, z, labels))
    return draws


def new_draws(source, epoch, d_steps):
    source.start_epoch(epoch)
    draws = []
    for step in range(1, source.n_steps + 1):
        batch = source.discriminator_batch(step)
        draws.append(("d", batch.real, batch.noise, batch.labels))
        if step % d_steps == 0:
            batch = source.generator_batch(step)
            draws.append(("g", batch.real, batch.noise, batch.labels))
    return draws


def assert_same_draws(a, b):
    assert len(a) == len(b)
    for (kind_a, real_a, z_a, labels_a), (kind_b, real_b, z_b, labels_b) in zip(a, b, strict=True):
        assert kind_a == kind_b
        assert (real_a is None and real_b is None) or torch.equal(real_a, real_b)
        assert torch.equal(z_a, z_b)
        assert len(labels_a) == len(labels_b)
        assert all(torch.equal(p, q) for p, q in zip(labels_a, labels_b, strict=True))


class SecondOfThree(LocalExecution):
    """The share of the second of three processes (without a process group: only the share matters here)."""

    world_size = 3

    def share(self, drawn):
        n = drawn.shape[0] // 3
        return drawn[n : 2 * n]


@pytest.mark.parametrize("execution", [LocalExecution(), SecondOfThree()], ids=["one process", "a share"])
@pytest.mark.parametrize("kind", ["rows", "labels", "conditions"])
@pytest.mark.parametrize("d_steps", [1, 3])
def test_the_batch_source_draws_the_rows_the_loop_drew(kind, d_steps, execution):
    X = torch.randn(50, 4)
    y = torch.arange(50) % 3 if kind == "labels" else None
    conditions = None
    if kind == "conditions":
        codes = np.stack([np.arange(50) % 3, (np.arange(50) // 7) % 2], axis=1)
        conditions = ConditionSampler(codes, [3, 2], [0, 3], torch.device("cpu"))
    drawn, n_steps, latent_dim = 9, 6, 5
    old_rng, rng = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    source = BatchSource(X, drawn, n_steps, latent_dim, "normal", execution, rng, y=y, conditions=conditions)
    for epoch in (1, 2):  # the second epoch goes on with the stream of draws
        old = old_draws(X, drawn, n_steps, d_steps, latent_dim, old_rng, execution.share, y, conditions)
        assert_same_draws(old, new_draws(source, epoch, d_steps))
    assert torch.equal(torch.rand(3, generator=old_rng), torch.rand(3, generator=rng))


def test_a_batch_s_condition_vectors():
    keys = torch.tensor([2, 0])
    vectors = torch.nn.functional.one_hot(keys, 4).float()
    assert torch.equal(Batch(1, 1, torch.zeros(2, 1), (vectors,), keys=keys).condition, vectors)
    labels = torch.tensor([1, 0])
    assert torch.equal(Batch(1, 1, torch.zeros(2, 1), (labels,), n_classes=3).condition,
                       torch.tensor([[0, 1, 0], [1, 0, 0]]))
    assert Batch(1, 1, torch.zeros(2, 1), ()).condition is None


# --- the rollback snapshots -------------------------------------------------------------------------------------


def state_copy(state):
    """A deep copy of everything a snapshot covers, to compare with."""
    return copy.deepcopy([part.state_dict() for part in (*state.modules, *state.optimizers)])


def assert_same(a, b):
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    else:
        assert a == b


def tensors(snapshot):
    if isinstance(snapshot, torch.Tensor):
        return [snapshot]
    if isinstance(snapshot, dict):
        snapshot = list(snapshot.values())
    if isinstance(snapshot, (list, tuple)):
        return [t for item in snapshot for t in tensors(item)]
    return []


def test_a_refilled_snapshot_is_a_fresh_one_in_the_same_memory():
    torch.manual_seed(0)
    state = training_state(average=True)
    X = torch.randn(32, 3)
    before = state.snapshot()  # the optimizers have no state yet
    train_gan(state, X, game(), epochs=range(1, 2))
    refilled = state.snapshot(into=copy.deepcopy(before))  # new optimizer state: copied afresh
    assert_same(refilled, state_copy(state))
    train_gan(state, X, game(), epochs=range(2, 3))
    memory = [t.data_ptr() for t in tensors(refilled)]
    again = state.snapshot(into=refilled)
    assert again is refilled and [t.data_ptr() for t in tensors(again)] == memory
    assert_same(again, state_copy(state))
    assert_same(again, state.snapshot())
    assert getattr(again[0], "_metadata", None) == getattr(state.generator.state_dict(), "_metadata", None)


def test_a_restored_snapshot_stays_intact():
    torch.manual_seed(0)
    state = training_state(average=True)
    X = torch.randn(32, 3)
    train_gan(state, X, game(), epochs=range(1, 2))
    kept, expected = state.snapshot(), state_copy(state)
    train_gan(state, X, game(), epochs=range(2, 3))
    state.restore(kept)
    assert_same(state_copy(state), expected)
    train_gan(state, X, game(), epochs=range(2, 3))  # training on from the restored state leaves the snapshot alone
    assert_same(kept, expected)


class Recorder(Callback):
    """Keeps a copy of the training state after each epoch, and breaks epoch ``at`` in the way asked."""

    def __init__(self, at=5, how="diverge"):
        self.at = at
        self.how = how

    def on_epoch_begin(self, estimator, epoch, training=None, **kwargs):
        if epoch == self.at and self.how == "interrupt":
            raise KeyboardInterrupt

    def on_epoch_end(self, estimator, record, training=None, **kwargs):
        self.states_ = getattr(self, "states_", {})
        self.states_[record["epoch"]] = state_copy(training)
        if record["epoch"] == self.at - 1 and self.how == "diverge":
            for optimizer in training.optimizers:
                for group in optimizer.param_groups:
                    group["lr"] = float("inf")


class InterruptInStep(TrainingSteps):
    at = 5

    def generator_step(self, batch):
        if batch.epoch == self.at and batch.step >= 2:
            raise KeyboardInterrupt
        return super().generator_step(batch)


@pytest.mark.parametrize("how", ["diverge", "interrupt", "interrupt in a step"])
@pytest.mark.parametrize("at", [2, 3, 5, 6])
def test_a_stop_restores_the_last_completed_epoch_exactly(how, at):
    from skgan._training import CallbackList

    torch.manual_seed(0)
    state = training_state(average=True)
    recorder = Recorder(at=at, how="interrupt" if how == "interrupt" else how)
    callbacks = CallbackList([recorder], training=state)
    initial = state_copy(state)
    steps = type("At", (InterruptInStep,), {"at": at}) if how == "interrupt in a step" else None
    result = train_gan(state, torch.randn(40, 3), game(), epochs=range(1, 8), callbacks=callbacks, steps=steps)
    assert result.stop_reason == ("diverged" if how == "diverge" else "interrupted")
    assert result.n_epochs == at - 1 and result.stopped_at_epoch == at
    assert_same(state_copy(state), recorder.states_[at - 1])
    assert_same(result.last_completed, recorder.states_[at - 1])
    assert_same(result.before, initial)
    state.restore(result.before)
    assert_same(state_copy(state), initial)


def test_a_data_parallel_interrupt_restores_the_state_before_training():
    from skgan._training import CallbackList

    class TwoRanksInOne(LocalExecution):
        world_size = 2

    torch.manual_seed(0)
    state = training_state(average=True)
    initial = state_copy(state)
    callbacks = CallbackList([Recorder(at=4, how="interrupt")], training=state)
    with pytest.raises(KeyboardInterrupt):
        train_gan(state, torch.randn(40, 3), game(), epochs=range(1, 8), callbacks=callbacks,
                  execution=TwoRanksInOne())
    assert_same(state_copy(state), initial)


def test_a_fit_interrupted_later_keeps_its_last_completed_epoch(X):
    complete = tiny_sampler(max_iter=4, ema_decay=0.5).fit(X)
    interrupted_steps = type("At", (InterruptInStep,), {"at": 5})
    with pytest.warns(UserWarning, match="interrupted in epoch 5"):
        interrupted = tiny_sampler(sampler_with(interrupted_steps), max_iter=7, ema_decay=0.5).fit(X)
    assert interrupted.n_iter_ == 4
    np.testing.assert_array_equal(interrupted.sample(20, random_state=1), complete.sample(20, random_state=1))


# --- the setup hook of a data-parallel fit --------------------------------------------------------------------


class CommCounting(TrainingSteps):
    """Registers a communication hook on each DistributedDataParallel wrapper, counting what it all-reduces."""

    counts = {}

    def setup(self):
        from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook
        from torch.nn.parallel import DistributedDataParallel

        for name, wrapper in (("generator", self.context.generator_forward),
                              ("discriminator", self.context.discriminator_forward)):
            assert isinstance(wrapper, DistributedDataParallel)

            def hook(state, bucket, name=name):
                self.counts[name] = self.counts.get(name, 0) + bucket.buffer().numel()
                return allreduce_hook(None, bucket)

            wrapper.register_comm_hook(None, hook)


def _rank(rank, store, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    try:
        X = np.random.RandomState(0).normal(size=(64, 3))
        gan = tiny_sampler(sampler_with(CommCounting), max_iter=2, batch_size=8, device="cpu").fit(X)
        sizes = {name: sum(p.numel() for p in network.parameters())
                 for name, network in (("generator", gan.generator_), ("discriminator", gan.discriminator_))}
        torch.save({"counts": CommCounting.counts, "sizes": sizes, "history": gan.history_},
                   os.path.join(out, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


@pytest.mark.distributed
@pytest.mark.slow
def test_setup_registers_communication_hooks_on_the_data_parallel_wrappers(tmp_path):
    mp.spawn(_rank, args=(str(tmp_path / "store"), str(tmp_path)), nprocs=2, join=True)
    results = [torch.load(tmp_path / f"rank{rank}.pt", weights_only=False) for rank in range(2)]
    n_steps = 2 * (64 // (2 * 8))  # two epochs of 64 rows in minibatches of 8 rows per process, d_steps=1
    for result in results:
        # every discriminator step all-reduces the discriminator's gradients, every generator step the generator's
        assert result["counts"]["discriminator"] == n_steps * result["sizes"]["discriminator"]
        assert result["counts"]["generator"] == n_steps * result["sizes"]["generator"]
    assert [r["d_loss"] for r in results[0]["history"]] == [r["d_loss"] for r in results[1]["history"]]

"""What each training step is given: the rows, noise and conditions drawn for it (:class:`BatchSource`).

Every draw of the training loop's steps is made here, in a fixed order, from
the fit's generator: an epoch's permutations of the rows, or for
training-by-sampling each step's conditions and the rows that match them;
the latent noise; the labels of the generator's steps. In a data-parallel
execution each draw is made for all processes and this one keeps its share,
so that ``R`` processes take the steps one process would take with minibatches
``R`` times larger.
"""

from dataclasses import dataclass

import torch

from .._noise import sample_noise


@dataclass(slots=True)
class Batch:
    """The draws of one training step (this process's share of them).

    Attributes
    ----------
    epoch : int
        The epoch's number.
    step : int
        The discriminator step within the epoch, from 1 (a generator step
        follows the discriminator step of the same number).
    noise : tensor of shape (n_rows, latent_dim)
        Latent noise, from the fit's prior.
    labels : tuple
        What both networks take after their input: ``()``, or one tensor,
        the rows' class indices (``y``) or, with training-by-sampling, their
        one-hot condition vectors.
    real : tensor of shape (n_rows, n_features) or None
        The real rows, in the networks' units (None in a generator step's
        batch).
    keys : tensor of shape (n_rows,) or None
        The condition keys of training-by-sampling (for
        ``ConditionSampler.penalty``), or None.
    n_classes : int or None
        The number of classes of ``y`` labels, or None.
    fake_labels : tuple or None
        In a private fit's discriminator step, whose real rows are a
        Poisson sample of any size: the labels of the rows generated from
        ``noise``; None when they are ``labels``.
    real_weights : tensor of shape (n_rows,) or None
        In a private data-parallel step: 1 for the sampled rows, 0 for the
        rows that pad every process's share to one size (so that the
        processes' generators draw alike); None when every row counts.

    Examples
    --------
    >>> import torch
    >>> from skgan.training import Batch
    >>> batch = Batch(epoch=1, step=1, noise=torch.zeros(3, 2), labels=(torch.tensor([0, 2, 1]),), n_classes=3)
    >>> batch.condition
    tensor([[1, 0, 0],
            [0, 0, 1],
            [0, 1, 0]])
    """

    epoch: int
    step: int
    noise: torch.Tensor
    labels: tuple
    real: torch.Tensor = None
    keys: torch.Tensor = None
    n_classes: int = None
    fake_labels: tuple = None
    real_weights: torch.Tensor = None

    @property
    def condition(self):
        """The rows' one-hot condition vectors (the labels' one-hot encoding), or None without labels."""
        if not self.labels:
            return None
        if self.keys is not None:
            return self.labels[0]
        return torch.nn.functional.one_hot(self.labels[0], self.n_classes)


def permuted_batches(n_samples, batch_size, n_steps, device, generator=None):
    """Indices of ``n_steps`` minibatches from fresh permutations of the rows."""
    n_perms = -(-n_steps * batch_size // n_samples)
    order = torch.cat([torch.randperm(n_samples, device=device, generator=generator) for _ in range(n_perms)])
    return order[: n_steps * batch_size].view(n_steps, batch_size)


class BatchSource:
    """The rows, noise and labels of each step of the training loop, drawn from ``rng``.

    Each discriminator step takes ``drawn`` real rows: consecutive
    minibatches of fresh permutations of the rows of ``X`` (drawn when an
    epoch starts), or with ``conditions`` (a
    :class:`~skgan._training.ConditionSampler`) rows drawn to match
    condition keys drawn for the step. Then the noise. A generator step
    takes noise, then its labels: condition keys drawn afresh, or the
    labels ``y`` of rows drawn uniformly. ``execution``'s ``share`` keeps
    this process's part of every draw.

    Parameters
    ----------
    X : tensor of shape (n_samples, n_features)
        The training rows (or an object indexed like one).
    drawn : int
        Rows drawn per step, for all processes together.
    n_steps : int
        Discriminator steps per epoch.
    latent_dim, noise : int, str
        The noise's width and prior (``"normal"`` or ``"uniform"``).
    execution : LocalExecution or DataParallelExecution
    rng : torch.Generator or None
        The fit's generator on ``X``'s device (None: torch's global one).
    y : tensor of shape (n_samples,), default=None
        Class indices of the rows.
    conditions : ConditionSampler, default=None
        Training-by-sampling's conditions.
    poisson : tensor of shape (n_classes,), True or None, default=None
        A private fit's sampling: each discriminator step's real rows are
        a Poisson sample (each row with probability ``drawn / n_samples``),
        each given one of its own conditions (``conditions.keys_of``) or its
        label; the generated rows' labels (``fake_labels``) and the
        generator steps' are drawn by the private class frequencies given
        here (a tensor, with ``y``) or by the conditions' private counts
        (``True``), never from the rows.
    """

    def __init__(self, X, drawn, n_steps, latent_dim, noise, execution, rng, y=None, conditions=None, poisson=None):
        self.X, self.drawn, self.n_steps = X, drawn, n_steps
        self.latent_dim, self.prior = latent_dim, noise
        self.share, self.rng = execution.share, rng
        self.y, self.conditions = y, conditions
        self.n_samples, self.device = X.shape[0], X.device
        self.n_classes = None if y is None else int(y.max()) + 1
        self.epoch, self._order = None, None
        self.poisson, self.n_ranks = poisson, execution.world_size
        if poisson is not None and y is not None:
            self.n_classes = len(poisson)

    def start_epoch(self, epoch):
        """Begin epoch ``epoch``: draw its permutations of the rows (none with training-by-sampling)."""
        self.epoch = epoch
        if self.conditions is None and self.poisson is None:
            self._order = permuted_batches(self.n_samples, self.drawn, self.n_steps, self.device, self.rng)

    def discriminator_batch(self, step):
        """The real rows, labels and noise of discriminator step ``step`` (from 1) of the epoch."""
        if self.poisson is not None:
            return self._poisson_batch(step)
        conditions, share = self.conditions, self.share
        if conditions is None:
            rows, keys = share(self._order[step - 1]), None
        else:  # each step draws its rows with its conditions
            keys = conditions.draw(self.drawn, self.rng)
            rows, keys = share(conditions.rows(keys, self.rng)), share(keys)
        labels = self._labels(rows, keys)
        real = self.X[rows]
        return Batch(self.epoch, step, self._noise(), labels, real, keys, self.n_classes)

    def _poisson_batch(self, step):
        """A private fit's discriminator batch: a Poisson sample of the rows, and the generated rows' labels."""
        chosen = torch.rand(self.n_samples, device=self.device, generator=self.rng) < self.drawn / self.n_samples
        rows, weights = chosen.nonzero().squeeze(1), None
        if self.n_ranks > 1:  # every share of one size: the processes' draws for their rows stay alike
            pad = -len(rows) % self.n_ranks
            weights = torch.cat([torch.ones(len(rows), device=self.device), torch.zeros(pad, device=self.device)])
            rows = torch.cat([rows, torch.zeros(pad, dtype=rows.dtype, device=self.device)])
            rows, weights = self.share(rows), self.share(weights)
        keys = None if self.conditions is None else self.conditions.keys_of(rows, self.rng)
        labels = self._labels(rows, keys)
        noise = self._noise()
        _, fake_labels = self._drawn_labels()
        return Batch(self.epoch, step, noise, labels, self.X[rows], keys, self.n_classes, fake_labels, weights)

    def _drawn_labels(self):
        """``(keys, labels)`` of generated rows drawn by the private frequencies (``(None, ())`` without any)."""
        if self.conditions is not None:
            keys = self.share(self.conditions.draw(self.drawn, self.rng))
            return keys, (self.conditions.vectors(keys),)
        if self.y is not None:
            drawn = torch.multinomial(self.poisson, self.drawn, replacement=True, generator=self.rng)
            return None, (self.share(drawn),)
        return None, ()

    def generator_batch(self, step):
        """The noise and labels of the generator step that follows discriminator step ``step``."""
        noise, rows, keys = self._noise(), None, None
        if self.poisson is not None:
            keys, labels = self._drawn_labels()
            return Batch(self.epoch, step, noise, labels, None, keys, self.n_classes)
        if self.conditions is not None:
            keys = self.share(self.conditions.draw(self.drawn, self.rng))
        elif self.y is not None:
            rows = self.share(torch.randint(self.n_samples, (self.drawn,), device=self.device, generator=self.rng))
        return Batch(self.epoch, step, noise, self._labels(rows, keys), None, keys, self.n_classes)

    def _labels(self, rows, keys):
        """What the networks take after their input: the keys' condition vectors, the rows' labels, or nothing."""
        if keys is not None:
            return (self.conditions.vectors(keys),)
        return () if self.y is None else (self.y[rows],)

    def _noise(self):
        return self.share(sample_noise(self.drawn, self.latent_dim, self.prior, generator=self.rng,
                                       device=self.device))

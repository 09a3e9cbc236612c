"""Moment matching: a penalty on the generator for the gap between its rows' first two moments and the real rows'.

A discriminator that judges one row at a time sees a category's share of
the rows only through how often it meets it, and a low-temperature
Gumbel-softmax passes little gradient to the category logits: on tables
the generator settles on wrong shares of categories and of point masses,
and on wrong co-occurrences between them (the "free care" plan of the
RAND health insurance table drawn twice as often as it is). Matching the
mean and the (uncentred) second moment of the rows in the model's columns
makes the generator pay for those gaps directly: for one-hot blocks they
are the shares of every category and of every pair of categories, which a
full-covariance Gaussian mixture fits exactly and a GAN did not.

The moments are running averages over minibatches: the real ones over the
discriminator's minibatches, the generated ones over the generator's, so
the penalty's gradient follows a low-noise estimate of the gap rather than
one minibatch's (whose own spread would reward less diverse rows). The
gradient flows through the current generated minibatch only: for a gap
``e1`` in the means and ``E2`` in the second moments it is that of
``weight * (e1 . mean(x) + sum(E2 * mean(x x^T)))``. With training-by-sampling
(or labels), both kinds of minibatch are drawn under conditions from the
same distribution, so their moments are comparable.

The statistics are not part of the model: each fit (and each warm start)
starts them afresh from its first minibatches.
"""

import math

import torch

#: ``moment_weight="auto"`` on a table of up to ``TABLE_MOMENT_ROWS`` training rows; it grows as the square root
#: of the rows up to ``MAX_TABLE_MOMENT_WEIGHT`` (both chosen on the tables benchmark, docs/performance.md).
TABLE_MOMENT_WEIGHT = 3.0
TABLE_MOMENT_ROWS = 1000
MAX_TABLE_MOMENT_WEIGHT = 10.0


def table_moment_weight(n_rows):
    """The weight ``moment_weight="auto"`` gives a table of ``n_rows`` training rows.

    The training rows' moments stand for the table's with an error that
    shrinks as ``1 / sqrt(n_rows)``: a strong pull towards them helps a
    large table and overfits a small one's noise (randhie, 1,000 rows: held-out
    C2ST 0.790 at weight 3, 0.805 at 10; 14,133 rows: 0.755 at 3, 0.736 at 10).
    So the weight is 3 up to 1,000 rows and grows as ``sqrt(n_rows)``, to 10
    from about 11,000 rows.
    """
    grown = TABLE_MOMENT_WEIGHT * math.sqrt(max(n_rows, 0) / TABLE_MOMENT_ROWS)
    return min(max(grown, TABLE_MOMENT_WEIGHT), MAX_TABLE_MOMENT_WEIGHT)


class MomentMatching:
    """Running first and second moments of real and generated minibatches, and the penalty on their gap.

    Parameters
    ----------
    weight : float
        Weight of the penalty (positive).
    real_decay : float, default=0.99
        Decay of the running moments of real minibatches, which do not
        change during training.
    fake_decay : float, default=0.9
        Decay of those of generated minibatches, which follow the generator.
    mean_over_processes : callable, default=None
        In a data-parallel fit, the mean of a tensor over the processes
        (each holds its share of a minibatch): the running moments are then
        those of whole minibatches, the same on every process, and the
        averaged gradients those of one process. None: this process alone.
    """

    def __init__(self, weight, real_decay=0.99, fake_decay=0.9, mean_over_processes=None):
        if not weight > 0:
            raise ValueError(f"weight must be positive, got {weight!r}.")
        self.weight = float(weight)
        self.real_decay = float(real_decay)
        self.fake_decay = float(fake_decay)
        self.mean_over_processes = mean_over_processes
        self.real = None  # (mean, second moment), float32
        self.fake = None

    @staticmethod
    def moments(rows):
        """Mean and uncentred second moment ``rows^T rows / n`` of a minibatch, in float32."""
        rows = rows.float()
        return rows.mean(0), rows.T @ rows / rows.shape[0]

    def _update(self, running, batch, decay):
        batch = [m.detach() for m in batch]
        if self.mean_over_processes is not None:  # one message: the mean and the second moment, flattened
            flat = self.mean_over_processes(torch.cat([m.reshape(-1) for m in batch]))
            batch = [part.view_as(m) for part, m in zip(flat.split([m.numel() for m in batch]), batch, strict=True)]
        if running is None:
            return tuple(m.clone() for m in batch)
        for r, m in zip(running, batch, strict=True):
            r.mul_(decay).add_(m, alpha=1.0 - decay)
        return running

    @torch.no_grad()
    def observe(self, real, condition=None):
        """Take a real minibatch (model columns, with its rows' condition vectors) into the running real moments."""
        self.real = self._update(self.real, self.moments(_joined(real, condition)), self.real_decay)

    def penalty(self, fake, condition=None):
        """The penalty of a generated minibatch (after taking it into the running moments); 0 before any real one."""
        batch = self.moments(_joined(fake, condition))
        self.fake = self._update(self.fake, batch, self.fake_decay)
        if self.real is None:
            return batch[0].sum() * 0.0
        return self.weight * sum((f - r).mul(m).sum() for f, r, m in zip(self.fake, self.real, batch, strict=True))


def _joined(rows, condition):
    """``rows`` in float32, followed by their condition vectors' columns when there are some."""
    rows = rows.float()
    return rows if condition is None else torch.cat([rows, condition.to(rows.device, torch.float32)], dim=1)

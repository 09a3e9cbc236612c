"""Differentially private fits: :class:`DPSGD`, the budget of a fit, and its accounting through Opacus.

A private fit spends its ``epsilon`` in two parts that add up (basic
composition): ``statistics_share`` of it, pure epsilon-DP, on what the data
codec learns from the rows before training (:mod:`skgan.privacy._mechanisms`),
the rest, with ``delta``, on DP-SGD (Abadi et al., 2016): the discriminator,
the only network that sees real rows, trains on Poisson-sampled minibatches
with each row's gradient clipped to ``max_grad_norm`` and Gaussian noise
added to their sum. The noise multiplier is the smallest that keeps the
planned steps within the budget, by Opacus's accountant; the generator is
trained only through the discriminator, so it and every row it draws are
post-processing.
"""

from numbers import Real

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

__all__ = ["DPSGD", "spent_epsilon"]


def _accountants():
    try:
        from opacus.accountants import create_accountant
        from opacus.accountants.utils import get_noise_multiplier
    except ImportError:  # pragma: no cover - the extra is installed in the test environment
        raise ImportError(
            "A private fit (privacy=DPSGD(...)) accounts for its budget with Opacus; install it with "
            "`pip install skgan[privacy]` (or `pip install opacus`)."
        ) from None
    return create_accountant, get_noise_multiplier


class DPSGD(BaseEstimator):
    """A differential-privacy budget for a fit, spent by DP-SGD on the discriminator.

    Pass it as ``GANSampler(privacy=DPSGD(...))``. The fitted model, and
    every row it generates, is then ``(epsilon, delta)``-differentially
    private with respect to the rows given to fit: adding or removing one
    row changes the probability of any outcome by at most a factor
    ``exp(epsilon)``, except with probability ``delta``. The estimator's
    ``privacy_spent_`` is the ``(epsilon, delta)`` a fit spent.

    How the budget is spent (see the user guide's "Differential privacy"):

    - ``statistics_share * epsilon``, with half of ``delta``, on what the
      encoder learns before training: categories and their frequencies,
      ranges, missing rates, the frequencies training conditions are drawn
      by (a value held by one row is kept with probability at most that
      half of ``delta``);
    - the rest, with the other half of ``delta``, on DP-SGD: each discriminator step takes a
      Poisson sample of the rows (each row with probability ``batch_size /
      n``), clips each row's gradient to norm ``max_grad_norm``, adds
      Gaussian noise of standard deviation ``noise_multiplier *
      max_grad_norm`` to their sum, and divides by the expected batch size.
      The noise multiplier is the smallest for which Opacus's accountant
      (``accountant``) keeps the planned steps within the budget.

    Paths from the real rows that cannot be made private are closed: no rows
    are held out (the Parzen bandwidth, ``bandwidth="cv"``, is chosen on
    generated rows), no moment matching, no early stopping, no user
    transformer; a setting that would open one is a ValueError.

    Parameters
    ----------
    epsilon : float, default=3.0
        The total privacy budget of a fit (greater than 0).
    delta : float or None, default=None
        The probability the guarantee may fail; None is ``1 / (10 n)`` for
        ``n`` training rows (below ``1 / n``, as it must be to mean
        anything).
    max_grad_norm : float, default=1.0
        Each row's discriminator gradient is clipped to this L2 norm.
    statistics_share : float, default=0.1
        The share of ``epsilon`` spent on the encoder's statistics, in
        (0, 1).
    accountant : {"rdp", "prv"}, default="rdp"
        Opacus's accountant: Rényi DP (Mironov, 2017) or the privacy loss
        random variable (Gopi et al., 2021), which is tighter and slower.

    See Also
    --------
    skgan.metrics.membership_inference : what an attacker learns from the rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.privacy import DPSGD
    >>> X = np.random.RandomState(0).normal(size=(2000, 2))
    >>> gan = GANSampler(privacy=DPSGD(epsilon=3.0), max_iter=2, random_state=0).fit(X)
    >>> epsilon, delta = gan.privacy_spent_
    >>> bool(epsilon <= 3.0), delta
    (True, 5e-05)
    """

    _parameter_constraints = {
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "delta": [Interval(Real, 0, 1, closed="neither"), None],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither")],
        "statistics_share": [Interval(Real, 0, 1, closed="neither")],
        "accountant": [StrOptions({"rdp", "prv"})],
    }

    def __init__(self, epsilon=3.0, delta=None, max_grad_norm=1.0, statistics_share=0.1, accountant="rdp"):
        self.epsilon = epsilon
        self.delta = delta
        self.max_grad_norm = max_grad_norm
        self.statistics_share = statistics_share
        self.accountant = accountant

    def checked(self):
        """The parameters checked (a ValueError names the one that fails); returns self."""
        self._validate_params()
        return self

    def budget(self, n_rows):
        """``(statistics_epsilon, sgd_epsilon, delta)`` of a fit on ``n_rows`` rows.

        Half of ``delta`` goes to the statistics (the chance that a value
        held by one row is kept), half to DP-SGD's accountant.
        """
        delta = 1.0 / (10.0 * n_rows) if self.delta is None else float(self.delta)
        if delta >= 1.0 / n_rows:
            raise ValueError(
                f"DPSGD's delta={delta:g} is not below 1/n = {1.0 / n_rows:g} for {n_rows} training rows: such a "
                "guarantee allows publishing a row outright; use a smaller delta, or None (1 / (10 n))."
            )
        statistics = float(self.epsilon) * float(self.statistics_share)
        return statistics, float(self.epsilon) - statistics, delta

    def noise_multiplier(self, n_rows, batch_size, n_steps):
        """The noise multiplier of ``n_steps`` DP-SGD steps of expected ``batch_size`` rows of ``n_rows``.

        The smallest, to Opacus's tolerance, whose accounted epsilon is at
        most the DP-SGD part of the budget at half of ``delta``.
        """
        _, get_noise_multiplier = _accountants()
        _, sgd_epsilon, delta = self.budget(n_rows)
        return float(get_noise_multiplier(target_epsilon=sgd_epsilon, target_delta=delta / 2,
                                          sample_rate=batch_size / n_rows, steps=n_steps,
                                          accountant=self.accountant, epsilon_tolerance=0.005,
                                          **_orders(self.accountant)))


def spent_epsilon(accountant, noise_multiplier, sample_rate, n_steps, delta):
    """The epsilon at ``delta`` of ``n_steps`` subsampled Gaussian steps, by Opacus's ``accountant``.

    Examples
    --------
    >>> round(spent_epsilon("rdp", 1.0, 0.01, 1000, 1e-5), 2)
    2.1
    >>> spent_epsilon("rdp", 1.0, 0.01, 0, 1e-5)
    0.0
    """
    if n_steps == 0:
        return 0.0
    create_accountant, _ = _accountants()
    tracker = create_accountant(accountant)
    tracker.history = [(float(noise_multiplier), float(sample_rate), int(n_steps))]
    return float(tracker.get_epsilon(delta=delta, **_orders(accountant)))


def _orders(accountant):
    """The Rényi orders the RDP accountant searches: Opacus's, and larger ones for small noise (large epsilon)."""
    if accountant != "rdp":
        return {}
    return {"alphas": [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)) + [80, 96, 128, 192, 256, 512]}

"""The Parzen-window evaluation protocol of Goodfellow et al. (2014), in one call."""

import inspect
from typing import NamedTuple

import numpy as np

from .._arguments import check_positive_int
from .._device import resolve_device
from .._distributed import process_group, sharded_rows
from ._checks import check_bandwidths, check_data
from ._parzen import PAPER_BANDWIDTHS, ParzenScore, mean_and_std_error
from ._parzen_engine import parzen_sweep


class ParzenEvaluation(NamedTuple):
    """Result of :func:`paper_parzen_evaluation`.

    Prints as ``mean ± std_error``, like a row of the paper's Table 1.

    Attributes
    ----------
    mean : float
        Mean log-likelihood of the test rows, in nats.
    std_error : float
        Population standard deviation of the test log-likelihoods (``ddof=0``)
        divided by ``sqrt(n_test)``.
    bandwidth : float
        The selected bandwidth ``sigma``.
    validation_scores : ndarray of shape (n_bandwidths,)
        Mean log-likelihood of the validation rows for each candidate.
    bandwidths : ndarray of shape (n_bandwidths,)
        The candidates.
    n_samples : int
        Number of generated samples in the window.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import ParzenEvaluation
    >>> result = ParzenEvaluation(225.031, 1.979, 0.2, np.array([-3.0, 1.0]), np.array([0.1, 0.2]), 10000)
    >>> print(result)
    225.03 ± 1.98
    """

    mean: float
    std_error: float
    bandwidth: float
    validation_scores: np.ndarray
    bandwidths: np.ndarray
    n_samples: int

    def __str__(self):
        return str(ParzenScore(self.mean, self.std_error))


def _draw_samples(generator, n_samples, random_state):
    """Rows from ``generator.sample`` (the first element if it returns a tuple)."""
    if n_samples is None:
        n_samples = 10000
    n_samples = check_positive_int(n_samples, "n_samples")
    kwargs = {}
    if random_state is not None:
        params = inspect.signature(generator.sample).parameters
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        if "random_state" not in params and not takes_kwargs:
            raise ValueError(
                f"random_state was given, but {type(generator).__name__}.sample takes no "
                "random_state; seed the sampler itself and pass random_state=None."
            )
        kwargs["random_state"] = random_state
    samples = generator.sample(n_samples, **kwargs)
    if isinstance(samples, tuple):  # e.g. GaussianMixture.sample returns (X, labels)
        samples = samples[0]
    if np.shape(samples)[:1] != (n_samples,):
        raise ValueError(
            f"{type(generator).__name__}.sample({n_samples}) returned an array of shape "
            f"{np.shape(samples)}; expected {n_samples} rows."
        )
    return samples


def _scoring_group(generator, device):
    """The process group whose ranks share the rows: a model's with ``distributed`` on, inside one (else None)."""
    setting = getattr(generator, "distributed", False) if hasattr(generator, "sample") else False
    if setting is False or not isinstance(setting, (str, bool)):
        return None
    return process_group(setting, resolve_device(device))


def paper_parzen_evaluation(
    generator, X_val, X_test, *, n_samples=None, bandwidths=None, n_validation=1000,
    random_state=None, device=None,
):
    """The Parzen-window evaluation of Goodfellow et al. (2014), in one call.

    The protocol of the paper's evaluation script:

    1. draw ``n_samples`` rows from the model (10,000);
    2. for every candidate ``sigma`` of ``bandwidths`` (``logspace(-1, 0,
       10)``), compute the mean Parzen log-likelihood of the first
       ``n_validation`` rows of ``X_val`` (1,000) under the window of samples,
       and keep the candidate with the highest mean (the first on ties);
    3. compute the log-likelihood of every row of ``X_test`` with that
       ``sigma`` and report the mean ± the population standard deviation over
       ``sqrt(n_test)``.

    The log-likelihoods are those of :func:`parzen_log_likelihood_sweep`,
    within about 2e-8 nats of the exact values (1e-5 for float32 input). They
    are in the units of the data: the paper's figures are for pixels scaled
    to [0, 1].

    Parameters
    ----------
    generator : fitted sampler or array-like of shape (m, d)
        A fitted model with a ``sample(n_samples)`` method (a
        :class:`~skgan.GANSampler`, :class:`sklearn.mixture.GaussianMixture`,
        :class:`sklearn.neighbors.KernelDensity`, ...), from which exactly
        ``n_samples`` rows are drawn; if ``sample`` returns a tuple, its first
        element is used. Or the generated rows themselves, all of which are
        used. For a :class:`~skgan.GANSampler` with ``distributed`` on
        (the default ``"auto"``) inside a process group of several
        processes, the processes share the rows to score (call this on every
        one of them).
    X_val : array-like of shape (n_val, d)
        Validation rows; only the first ``n_validation`` are used, to choose
        the bandwidth.
    X_test : array-like of shape (n_test, d)
        Test rows; all of them are scored.
    n_samples : int, default=None
        Number of rows drawn from a sampler; None means 10,000, the paper's
        number. For an array of samples it must be None or the array's number
        of rows.
    bandwidths : array-like of shape (n_bandwidths,), default=None
        Candidate bandwidths, finite and > 0; None means
        :data:`PAPER_BANDWIDTHS`.
    n_validation : int, default=1000
        Number of leading rows of ``X_val`` used to choose the bandwidth;
        ``X_val`` must have at least that many.
    random_state : int, RandomState instance or None, default=None
        Passed to ``generator.sample(n_samples, random_state=...)``; None
        calls ``generator.sample(n_samples)``, so the sampler's own seed
        applies. Samplers whose ``sample`` takes no ``random_state`` (such as
        ``GaussianMixture``) need None.
    device : str or torch.device, default=None
        Where to compute the Parzen estimates (``None`` is the CPU).

    Returns
    -------
    result : ParzenEvaluation
        ``mean``, ``std_error``, the chosen ``bandwidth``, the
        ``validation_scores`` of all ``bandwidths`` and ``n_samples``; prints
        as ``mean ± std_error``.

    Raises
    ------
    ValueError
        If the arrays hold NaN or infinite values or differ in their number
        of features, if ``X_val`` has fewer than ``n_validation`` rows, or if
        a sampler returns the wrong number of rows.

    See Also
    --------
    parzen_log_likelihood_sweep : The log-likelihoods for several bandwidths.
    select_bandwidth : The bandwidth rule alone.

    References
    ----------
    I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
    section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.mixture import GaussianMixture
    >>> from skgan.metrics import paper_parzen_evaluation
    >>> rng = np.random.RandomState(0)
    >>> X_train, X_val, X_test = rng.randn(300, 2), rng.randn(100, 2), rng.randn(50, 2)
    >>> model = GaussianMixture(3, random_state=0).fit(X_train)
    >>> result = paper_parzen_evaluation(model, X_val, X_test, n_samples=2000, n_validation=80)
    >>> print(result)
    -2.77 ± 0.11
    >>> round(result.bandwidth, 4), result.n_samples
    (0.4642, 2000)

    Passing the samples instead of the model gives the same result:

    >>> samples, _ = model.sample(2000)
    >>> paper_parzen_evaluation(samples, X_val, X_test, n_validation=80).mean == result.mean
    True
    """
    if hasattr(generator, "sample"):
        samples = _draw_samples(generator, n_samples, random_state)
    else:
        samples = generator
        if n_samples is not None and np.shape(samples)[:1] != (n_samples,):
            raise ValueError(
                f"n_samples={n_samples!r}, but {np.shape(samples)[0] if np.ndim(samples) else 0} "
                "samples were given; pass n_samples=None to use all the given samples."
            )
    n_validation = check_positive_int(n_validation, "n_validation")
    X_val, samples = check_data(X_val, samples, x_name="X_val")
    X_test, samples = check_data(X_test, samples, x_name="X_test")
    if X_val.shape[0] < n_validation:
        raise ValueError(
            f"X_val has {X_val.shape[0]} rows, fewer than n_validation={n_validation}; "
            f"pass n_validation={X_val.shape[0]} to choose the bandwidth on all of them."
        )
    bandwidths = check_bandwidths(PAPER_BANDWIDTHS if bandwidths is None else bandwidths)
    with sharded_rows(_scoring_group(generator, device)):
        validation_scores = parzen_sweep(X_val[:n_validation], samples, bandwidths, device).mean(axis=1)
        best = int(np.argmax(validation_scores))
        test_ll = parzen_sweep(X_test, samples, bandwidths[best : best + 1], device)[0]
    score = mean_and_std_error(test_ll)
    return ParzenEvaluation(
        mean=score.mean,
        std_error=score.std_error,
        bandwidth=float(bandwidths[best]),
        validation_scores=validation_scores,
        bandwidths=bandwidths,
        n_samples=int(samples.shape[0]),
    )

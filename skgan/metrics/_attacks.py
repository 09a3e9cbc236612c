"""Privacy attacks as metrics: membership inference (distance and density ratio) and attribute inference (CAP)."""

import math
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_random_state

from .._frames import is_frame
from ._encoding import DistanceEncoding, category_labels, is_categorical
from ._neighbours import knn_sq_distances, row_sets
from ._parzen import parzen_log_likelihood
from ._two_sample import _delong_std_error

# --------------------------------------------------------------------------- checks


def _n_columns(rows):
    return len(rows.columns) if is_frame(rows) else np.shape(rows)[1] if np.ndim(rows) == 2 else None


def _check_sets(named):
    """Every set non-empty, all tables or all arrays, with the same columns (ValueError / TypeError)."""
    first_name, first = named[0]
    frames = [is_frame(rows) for _, rows in named]
    if any(frames) and not all(frames):
        kinds = ", ".join(f"{name} is {'a DataFrame' if f else 'an array'}" for (name, _), f in zip(named, frames,
                                                                                                     strict=True))
        raise TypeError(f"The sets must all be DataFrames or all arrays: {kinds}.")
    for name, rows in named:
        if not all(frames) and np.ndim(rows) != 2:
            raise ValueError(f"{name} must be a 2-D array, got shape {np.shape(rows)}.")
        if len(rows) == 0:
            raise ValueError(f"{name} has no rows.")
        if all(frames):
            if set(rows.columns) != set(first.columns):
                raise ValueError(f"{name} and {first_name} must have the same columns: "
                                 f"{sorted(map(str, set(rows.columns) ^ set(first.columns)))} differ.")
        elif _n_columns(rows) != _n_columns(first):
            raise ValueError(f"{name} has {_n_columns(rows)} columns but {first_name} has {_n_columns(first)}.")


def _take(rows, index):
    return rows.iloc[index] if is_frame(rows) else np.asarray(rows)[index]


def _check_max_rows(max_rows):
    if max_rows is None:
        return None
    if not isinstance(max_rows, Integral) or isinstance(max_rows, bool):
        raise TypeError(f"max_rows must be an int or None, got {type(max_rows).__name__}.")
    if max_rows < 2:
        raise ValueError(f"max_rows must be at least 2, got {max_rows}.")
    return int(max_rows)


def _at_most(rows, n, rng):
    if n is None or len(rows) <= n:
        return rows
    return _take(rows, np.sort(rng.choice(len(rows), n, replace=False)))


# --------------------------------------------------------------------------- membership inference


class MembershipInference(NamedTuple):
    """Two membership-inference attacks on synthetic data: their ROC AUCs with 95% intervals.

    Each attack scores real rows, training rows (members) and as many
    holdout rows (non-members), from the synthetic rows alone; its AUC is the
    probability that it scores a random member above a random non-member.
    0.5: the attack cannot tell members from non-members; 1: it always can.

    Attributes
    ----------
    distance_auc : float
        AUC of the distance attack (score: minus the distance to the closest
        synthetic row).
    distance_interval : tuple of float
        Its 95% confidence interval (DeLong's standard error, clipped to
        [0, 1]).
    density_ratio_auc : float
        AUC of the density-ratio attack (DOMIAS; score: the log of the
        synthetic rows' density over the reference rows' density).
    density_ratio_interval : tuple of float
        Its 95% confidence interval (DeLong).
    n_members, n_non_members, n_reference, n_synthetic : int
        Rows used: members, non-members, rows of the reference density,
        synthetic rows.
    bandwidths : tuple of float
        The Gaussian kernels' bandwidths (synthetic, reference), in the
        encoded space.
    is_member : ndarray of shape (n_members + n_non_members,)
        True for the members (first), False for the non-members.
    distance_scores, density_ratio_scores : ndarray of shape (n_members + n_non_members,)
        The attacks' scores of those rows (higher: more likely a member).

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import membership_inference
    >>> rng = np.random.default_rng(0)
    >>> train, holdout = rng.normal(size=(200, 3)), rng.normal(size=(400, 3))
    >>> result = membership_inference(train, holdout, train, random_state=0)  # the training rows, copied
    >>> result.distance_auc, result.n_members, result.n_non_members
    (1.0, 200, 200)
    """

    distance_auc: float
    distance_interval: tuple
    density_ratio_auc: float
    density_ratio_interval: tuple
    n_members: int
    n_non_members: int
    n_reference: int
    n_synthetic: int
    bandwidths: tuple
    is_member: np.ndarray
    distance_scores: np.ndarray
    density_ratio_scores: np.ndarray

    def __str__(self):
        d_low, d_high = self.distance_interval
        r_low, r_high = self.density_ratio_interval
        return (
            f"membership AUC (0.5: no signal): distance {self.distance_auc:.3f} [{d_low:.3f}, {d_high:.3f}], "
            f"density ratio {self.density_ratio_auc:.3f} [{r_low:.3f}, {r_high:.3f}] "
            f"({self.n_members} members, {self.n_non_members} non-members)"
        )


def scott_bandwidth(x):
    """Scott's rule for an isotropic Gaussian kernel: ``s * n ** (-1 / (d + 4))``.

    ``s`` is the root mean of the per-column variances of ``x`` (1 when they
    are all 0); ``x`` is an ``(n, d)`` float array.
    """
    n, d = x.shape
    spread = math.sqrt(float(np.mean(np.var(x, axis=0)))) if n > 1 else 0.0
    return (spread if spread > 0 else 1.0) * n ** (-1.0 / (d + 4))


def _auc_and_interval(is_member, scores):
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(is_member, scores))
    se = _delong_std_error(is_member.astype(int), scores)
    return auc, (max(0.0, auc - 1.96 * se), min(1.0, auc + 1.96 * se))


def _split(train, holdout, reference, max_rows, rng):
    """Members, non-members and reference rows: equally many members and non-members, each set capped."""
    permutation = rng.permutation(len(holdout))
    if reference is None:
        n = min(len(holdout) // 2, len(train))
        non_member_index, rest = permutation[:n], permutation[n:]
        reference = _take(holdout, np.sort(rest[: max_rows or len(rest)]))
    else:
        n = min(len(holdout), len(train))
        non_member_index = permutation[:n]
        reference = _at_most(reference, max_rows, rng)
    n = min(n, max_rows or n)
    non_members = _take(holdout, np.sort(non_member_index[:n]))
    members = _take(train, np.sort(rng.choice(len(train), n, replace=False)))
    return members, non_members, reference


def _check_kde_bandwidth(bandwidth):
    if isinstance(bandwidth, str):
        if bandwidth != "scott":
            raise ValueError(f"bandwidth must be 'scott' or a positive number, got {bandwidth!r}.")
        return bandwidth
    if not isinstance(bandwidth, Real) or isinstance(bandwidth, bool):
        raise TypeError(f"bandwidth must be 'scott' or a positive number, got {type(bandwidth).__name__}.")
    if not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be finite and > 0, got {bandwidth!r}.")
    return float(bandwidth)


def membership_inference(train, holdout, synthetic, *, reference=None, bandwidth="scott", max_rows=None,
                         random_state=None, device=None):
    """Membership-inference attacks: how well the synthetic rows tell training rows from unseen real rows.

    An attacker who holds the synthetic data and a real row guesses whether
    that row was in the training set. Two attacks score the members (rows of
    ``train``) and as many non-members (rows of ``holdout``, real rows the
    generator never saw); the larger set is subsampled with ``random_state``.
    Each attack is reported as its ROC AUC: 0.5 when it cannot tell members
    from non-members, 1 when it always can.

    - **Distance** attack: the score of a row is minus its distance to the
      closest synthetic row (closer: more likely a member). It catches
      generators that copy or closely follow their training rows.
    - **Density-ratio** attack (DOMIAS, van Breugel et al., 2023): the score
      is ``p_synthetic(x) / p_reference(x)``, the density of the synthetic
      rows over that of real rows from the same population, each a Gaussian
      kernel density estimate. Dividing by the population's density discounts
      rows that are merely typical, so it catches overfitting to training rows
      in dense regions, which the distance attack confuses with typicality.

    Rows are compared in the encoding of the other distance metrics, fitted
    on ``train`` (standardised numerics, one-hot categories). The kernels are
    isotropic, by default with Scott's bandwidth ``s * n ** (-1 / (d + 4))``,
    ``s`` the root mean variance of the encoded columns of the rows the
    density is fitted to (``n`` rows, ``d`` encoded columns), one for each
    density as in DOMIAS. Scott's rule suits smooth densities: it looks for
    overfitting at the scale of the data's spread, and blurs exact or near
    copies of training rows (the distance attack finds those). A smaller
    ``bandwidth`` looks at a finer scale. Densities are exact to about 1e-8
    nats (the Parzen engine).

    The reference density needs real rows that are neither members nor test
    non-members. By default (``reference=None``) the holdout is split at
    random: half are the non-members, the other half the reference (so the
    test uses at most half the holdout). A reference from a different
    population than the training rows, or a small one (its density is then
    rough), makes the density-ratio attack weaker or misleading; pass a
    larger ``reference`` when you have one.

    The intervals are ``AUC ± 1.96`` DeLong standard errors (DeLong et al.,
    1988), clipped to [0, 1]: they cover the sampling of the test rows, not
    the randomness of the generator's training. An AUC near 0.5 is not a
    proof of privacy: these are two attacks among many, and a stronger one
    may succeed (see the user guide).

    Parameters
    ----------
    train : array-like or DataFrame of shape (n_train, n_columns)
        The rows the generator was fitted on (the members).
    holdout : array-like or DataFrame of shape (n_holdout, n_columns)
        Real rows of the same population that the generator never saw (the
        non-members, and by default the reference). At least 4 rows without
        ``reference``, 2 with it.
    synthetic : array-like or DataFrame of shape (n_synthetic, n_columns)
        The generated rows (at least 2).
    reference : array-like or DataFrame of shape (n_reference, n_columns), default=None
        Real rows of the population, neither in ``train`` nor in ``holdout``,
        for the reference density (at least 2). None: the half of
        ``holdout`` not used as non-members.
    bandwidth : "scott" or float, default="scott"
        The kernels' standard deviation in the encoded space (where a numeric
        column has standard deviation 1 in ``train``): Scott's rule for each
        density, or one value for both.
    max_rows : int, default=None
        At most this many members, as many non-members, and at most this
        many reference and synthetic rows (random subsamples). None: all.
        The density-ratio attack costs ``O((2 * members) * (synthetic +
        reference))`` kernel terms; :func:`skgan.evaluate` uses 5,000.
    random_state : int, RandomState instance or None, default=None
        Draws the split of ``holdout`` and the subsamples.
    device : str or torch.device, default=None
        Where the distances and densities are computed (None: the CPU).

    Returns
    -------
    result : MembershipInference
        Both AUCs with their intervals, the numbers of rows, the bandwidths
        and the per-row scores.

    Raises
    ------
    ValueError
        If a set is empty or too small, or the sets have different columns.
    TypeError
        If some sets are DataFrames and others arrays, ``max_rows`` is not
        an int or ``bandwidth`` not a number.

    See Also
    --------
    distance_to_closest_record : Distances of synthetic rows to training and holdout rows.
    attribute_inference : Guessing a sensitive column from known ones.

    References
    ----------
    B. van Breugel, H. Sun, Z. Qian and M. van der Schaar, "Membership
    Inference Attacks against Synthetic Data through Overfitting Detection",
    AISTATS 2023 (DOMIAS).
    E. R. DeLong, D. M. DeLong and D. L. Clarke-Pearson, "Comparing the Areas
    under Two or More Correlated Receiver Operating Characteristic Curves",
    Biometrics 44(3), 1988.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import membership_inference
    >>> rng = np.random.default_rng(0)
    >>> train, holdout = rng.normal(size=(300, 2)), rng.normal(size=(600, 2))
    >>> fresh = rng.normal(size=(300, 2))  # a generator that learnt the distribution, not the rows
    >>> result = membership_inference(train, holdout, fresh, random_state=0)
    >>> [bool(low < 0.5 < high) for low, high in (result.distance_interval, result.density_ratio_interval)]
    [True, True]
    >>> copies = membership_inference(train, holdout, train, random_state=0)  # a generator that memorised
    >>> copies.distance_auc, copies.density_ratio_auc > 0.5
    (1.0, True)
    """
    named = [("train", train), ("holdout", holdout), ("synthetic", synthetic)]
    if reference is not None:
        named.append(("reference", reference))
    _check_sets(named)
    max_rows = _check_max_rows(max_rows)
    bandwidth = _check_kde_bandwidth(bandwidth)
    if len(holdout) < (4 if reference is None else 2):
        raise ValueError(f"holdout needs at least {4 if reference is None else 2} rows "
                         f"({'half are non-members, half the reference' if reference is None else 'non-members'}), "
                         f"got {len(holdout)}.")
    for name, rows in named:
        if len(rows) < 2:
            raise ValueError(f"{name} needs at least 2 rows, got {len(rows)}.")
    rng = check_random_state(random_state)
    members, non_members, reference = _split(train, holdout, reference, max_rows, rng)
    synthetic = _at_most(synthetic, max_rows, rng)
    encoding = DistanceEncoding().fit(train, holdout, synthetic, reference)
    test_x = np.vstack([encoding.transform(members), encoding.transform(non_members)])
    synth_x, ref_x = encoding.transform(synthetic), encoding.transform(reference)
    is_member = np.r_[np.ones(len(members), bool), np.zeros(len(non_members), bool)]

    with torch.no_grad():
        t, s = row_sets(test_x, synth_x, device=device)
        distance = knn_sq_distances(t, s, 1)[:, 0].sqrt().cpu().numpy()
    if bandwidth == "scott":
        h_synth, h_ref = scott_bandwidth(synth_x), scott_bandwidth(ref_x)
    else:
        h_synth = h_ref = bandwidth
    log_ratio = (parzen_log_likelihood(test_x, synth_x, h_synth, device=device)
                 - parzen_log_likelihood(test_x, ref_x, h_ref, device=device))
    distance_auc, distance_interval = _auc_and_interval(is_member, -distance)
    ratio_auc, ratio_interval = _auc_and_interval(is_member, log_ratio)
    return MembershipInference(
        distance_auc=distance_auc,
        distance_interval=distance_interval,
        density_ratio_auc=ratio_auc,
        density_ratio_interval=ratio_interval,
        n_members=len(members),
        n_non_members=len(non_members),
        n_reference=len(reference),
        n_synthetic=len(synthetic),
        bandwidths=(h_synth, h_ref),
        is_member=is_member,
        distance_scores=-distance,
        density_ratio_scores=log_ratio,
    )


# --------------------------------------------------------------------------- attribute inference


class AttributeInference(NamedTuple):
    """Correct-attribution probability (CAP) of a sensitive column, beside the base rate.

    Attributes
    ----------
    cap : float
        Mean probability, over the real rows with a match, that the attacker
        guesses the row's sensitive value from the synthetic rows that share
        its known values (nan when no row has a match).
    base_rate : float
        The same probability for an attacker who ignores the known values and
        guesses from the sensitive column's distribution in the synthetic
        rows. ``cap`` well above it: the known columns give the sensitive one
        away.
    n_rows : int
        Real rows attacked.
    n_no_match : int
        Real rows whose known values no synthetic row shares (left out of
        ``cap``, as in SDMetrics).
    guess : str
        ``"distribution"`` or ``"majority"``.
    row_scores : ndarray of shape (n_rows,)
        Each real row's probability of a correct guess (nan without a match).

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.metrics import attribute_inference
    >>> train = pd.DataFrame({"zip": ["a", "a", "b", "b"], "illness": ["flu", "flu", "cold", "flu"]})
    >>> result = attribute_inference(train, train, known=["zip"], sensitive="illness")
    >>> result.cap, result.base_rate, result.n_no_match
    (0.75, 0.625, 0)
    """

    cap: float
    base_rate: float
    n_rows: int
    n_no_match: int
    guess: str
    row_scores: np.ndarray

    def __str__(self):
        return (
            f"CAP {self.cap:.3f} (base rate {self.base_rate:.3f}; {self.guess} guess), "
            f"{self.n_no_match} of {self.n_rows} rows without a match"
        )


def _column_names(rows):
    return list(rows.columns) if is_frame(rows) else list(range(np.shape(rows)[1]))


def _check_attribute_columns(train, known, sensitive):
    columns = _column_names(train)
    if isinstance(known, (str, bytes)) or not np.iterable(known):
        raise TypeError(f"known must be a list of columns, got {known!r}.")
    known = list(known)
    if not known:
        raise ValueError("known must name at least one column, got none.")
    if np.ndim(sensitive) != 0 or isinstance(sensitive, (list, tuple, set)):
        raise TypeError(f"sensitive must be one column, got {sensitive!r}.")
    for name, values in (("known", known), ("sensitive", [sensitive])):
        for col in values:
            if not is_frame(train) and (not isinstance(col, Integral) or isinstance(col, bool)):
                raise TypeError(f"With arrays, {name} columns are column indices, got {col!r}.")
            if col not in columns:
                raise ValueError(f"{name} column {col!r} is not a column of the table; it has {columns}.")
    if sensitive in known:
        raise ValueError(f"known must not hold the sensitive column {sensitive!r}.")
    if len(set(known)) != len(known):
        raise ValueError(f"known names a column twice: {known}.")
    return known


def _column(rows, col):
    return rows[col] if is_frame(rows) else np.asarray(rows)[:, col]


def _labels(train_column, synthetic_column, n_bins):
    """Both columns as integer codes: categories as they are, numbers by quantile bins of the train values."""
    if is_categorical(train_column):
        labels = np.concatenate([category_labels(train_column), category_labels(synthetic_column)])
    else:
        try:
            a = np.asarray(train_column, dtype=np.float64)
            b = np.asarray(synthetic_column, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("A numeric column holds values that are not numbers.") from None
        values = np.concatenate([a, b])
        finite = np.unique(a[~np.isnan(a)])
        if len(finite) > n_bins:
            edges = np.unique(np.quantile(a[~np.isnan(a)], np.linspace(0, 1, n_bins + 1)[1:-1]))
            values = np.where(np.isnan(values), np.nan, np.searchsorted(edges, values, side="right"))
        labels = np.where(np.isnan(values), "<missing>", values.astype(str)).astype(object)
    return np.unique(labels, return_inverse=True)[1].reshape(-1)


def _tie_share(counts_of_true, max_counts, n_tied):
    """Probability that a majority guess (ties broken at random) is right."""
    return np.where(counts_of_true == max_counts, 1.0 / np.maximum(n_tied, 1), 0.0)


def attribute_inference(train, synthetic, *, known, sensitive, guess="distribution", n_bins=10):
    """Attribute inference: the correct-attribution probability (CAP) of a sensitive column.

    An attacker knows some columns of a real person's row (``known``: say
    age, sex and postcode) and looks for the synthetic rows that share those
    values exactly, to guess the person's ``sensitive`` value (a diagnosis)
    from them. For each training row with at least one such match, the
    probability of a correct guess is

    - ``"distribution"`` (SDMetrics' ``CategoricalCAP``): the share of the
      matching synthetic rows whose sensitive value is the row's (a guess
      drawn from the matches);
    - ``"majority"``: 1 if the row's value is the most frequent among the
      matches, divided among tied values (a guess of the most frequent one).

    ``cap`` is its mean over the rows with a match; the rows without one are
    counted in ``n_no_match`` and left out, as in SDMetrics. The base rate is
    the same guess made from the sensitive column's distribution in the
    *synthetic* rows, ignoring the known values: what the release gives away
    without linking, so that ``cap - base_rate`` is what linking on the known
    columns adds. (It is computed on the training rows' values, like ``cap``;
    with a faithful synthetic set it equals the chance of guessing right from
    the population's own frequencies.)

    Categories (and booleans, strings) match exactly, a missing value
    matching a missing value. A numeric column (known or sensitive) with more
    than ``n_bins`` distinct values in ``train`` is cut at quantiles of its
    training values into at most ``n_bins`` bins, and values match when they
    fall in the same bin; one with fewer distinct values matches exactly.
    More known columns or finer bins mean fewer matches: more rows without a
    match, and a ``cap`` from fewer, closer matches.

    Parameters
    ----------
    train : array-like or DataFrame of shape (n_train, n_columns)
        The real rows attacked (the generator's training rows).
    synthetic : array-like or DataFrame of shape (n_synthetic, n_columns)
        The generated rows, with the same columns.
    known : list of str or int
        The columns the attacker knows (names for a DataFrame, indices for an
        array); at least one, not ``sensitive``.
    sensitive : str or int
        The column the attacker guesses.
    guess : {"distribution", "majority"}, default="distribution"
        How the attacker guesses from the matches (see above).
    n_bins : int, default=10
        Quantile bins of a numeric column.

    Returns
    -------
    result : AttributeInference
        ``cap``, ``base_rate``, ``n_rows``, ``n_no_match``, ``guess`` and
        the per-row probabilities.

    Raises
    ------
    ValueError
        If a set is empty, the sets have different columns, ``known`` is
        empty, holds ``sensitive`` or a column twice, a column is not in the
        table, or ``guess`` or ``n_bins`` is invalid.
    TypeError
        If ``known`` is not a list, ``sensitive`` is not one column, array
        columns are not integer indices, or some sets are DataFrames and
        others arrays.

    See Also
    --------
    membership_inference : Telling training rows from unseen ones.

    References
    ----------
    M. J. Elliot, "Final Report on the Disclosure Risk Associated with the
    Synthetic Data Produced by the SYLLS Team", 2014; J. Taub, M. Elliot,
    M. Pampaka and D. Smith, "Differential Correct Attribution Probability
    for Synthetic Data: An Exploration", PSD 2018; SDMetrics'
    ``CategoricalCAP``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgan.metrics import attribute_inference
    >>> rng = np.random.default_rng(0)
    >>> train = pd.DataFrame({"age": rng.integers(20, 80, 500), "sex": rng.choice(["f", "m"], 500),
    ...                       "illness": rng.choice(["flu", "cold", "none"], 500)})
    >>> copied = attribute_inference(train, train, known=["age", "sex"], sensitive="illness", n_bins=100)
    >>> copied.cap > copied.base_rate + 0.1  # copies link each (age, sex) to its people's illnesses
    True
    >>> independent = train.assign(illness=rng.permutation(train["illness"].to_numpy()))
    >>> result = attribute_inference(train, independent, known=["age", "sex"], sensitive="illness", n_bins=100)
    >>> abs(result.cap - result.base_rate) < 0.05
    True
    """
    _check_sets([("train", train), ("synthetic", synthetic)])
    known = _check_attribute_columns(train, known, sensitive)
    if guess not in ("distribution", "majority"):
        raise ValueError(f"guess must be 'distribution' or 'majority', got {guess!r}.")
    if not isinstance(n_bins, Integral) or isinstance(n_bins, bool) or n_bins < 2:
        raise ValueError(f"n_bins must be an int of at least 2, got {n_bins!r}.")
    n, m = len(train), len(synthetic)
    codes = np.stack([_labels(_column(train, col), _column(synthetic, col), n_bins) for col in known], axis=1)
    keys = np.unique(codes, axis=0, return_inverse=True)[1].reshape(-1)
    values = _labels(_column(train, sensitive), _column(synthetic, sensitive), n_bins)
    n_keys, n_values = int(keys.max()) + 1, int(values.max()) + 1
    key_train, key_syn, value_train, value_syn = keys[:n], keys[n:], values[:n], values[n:]

    pairs, pair_counts = np.unique(key_syn * n_values + value_syn, return_counts=True)
    wanted = key_train * n_values + value_train
    at = np.minimum(np.searchsorted(pairs, wanted), len(pairs) - 1)
    count_true = np.where(pairs[at] == wanted, pair_counts[at], 0)
    matches = np.bincount(key_syn, minlength=n_keys)[key_train]
    if guess == "distribution":
        scores = count_true / np.maximum(matches, 1)
    else:
        max_count = np.zeros(n_keys, dtype=np.int64)
        np.maximum.at(max_count, pairs // n_values, pair_counts)
        n_tied = np.bincount(pairs // n_values, weights=(pair_counts == max_count[pairs // n_values]).astype(float),
                             minlength=n_keys)
        scores = _tie_share(count_true, max_count[key_train], n_tied[key_train])
    scores = np.where(matches > 0, scores, np.nan).astype(np.float64)

    marginal = np.bincount(value_syn, minlength=n_values) / m
    if guess == "distribution":
        base = marginal[value_train]
    else:
        top = marginal == marginal.max()
        base = np.where(top[value_train], 1.0 / top.sum(), 0.0)
    n_no_match = int(np.sum(matches == 0))
    cap = float(np.nanmean(scores)) if n_no_match < n else math.nan
    return AttributeInference(
        cap=cap,
        base_rate=float(np.mean(base)),
        n_rows=n,
        n_no_match=n_no_match,
        guess=guess,
        row_scores=scores,
    )

"""Two-sample tests: does the synthetic set come from the real rows' distribution?

:func:`maximum_mean_discrepancy` is the kernel two-sample test of Gretton et
al. (2012); :func:`classifier_two_sample_test` the classifier two-sample test
of Lopez-Paz & Oquab (2017). :func:`make_two_sample_scorer` turns either into a
scikit-learn scorer for ``GridSearchCV`` over a :class:`~skgan.GANSampler`.

Rows are compared in the distance encoding of :mod:`._encoding` (numeric
columns standardised by the real rows' mean and standard deviation,
categories one-hot), fitted on the real rows.
"""

# Implementation notes (MMD)
# --------------------------
# The real rows X (n) and the synthetic rows Y (m) are pooled, Z = [X; Y]
# (N = n + m rows), and the pooled Gram matrix K (diagonal set to 0) is
# computed in square blocks of its upper triangle, each with one matrix
# multiply: |z_i|^2 + |z_j|^2 - 2 z_i.z_j, in float64, after centring on the
# real rows' mean (and standardising, done per block: no copy of the data).
# The three sums of the unbiased statistic follow from
#
#     M = K_IJ @ C_J,   C = [1, u_0, u_1, ..., u_P]   (N x (P + 2), 0/1)
#
# where u_0 marks the real rows and u_1..u_P random relabellings (the
# permutations): S_xx(u) = u'Ku, A(u) = 1'Ku, T = 1'K1, then
# S_xy = A - S_xx and S_yy = T - S_xx - 2 S_xy. So every permutation rides on
# the same pass: it costs N^2 (P + 2) extra flops against the Gram's N^2 d
# (+26% at d = 784 and P = 200), never a second pass over the Gram matrix.

import math
from typing import NamedTuple

import numpy as np
import torch
from scipy.spatial.distance import pdist
from scipy.stats import rankdata
from sklearn.utils import check_random_state

from .._device import resolve_device
from .._frames import is_frame
from ._checks import max_abs, to_numpy
from ._encoding import check_sets, encode, with_categories
from ._fidelity import precision_recall_density_coverage

# Private knobs (tests shrink them to exercise the blocks).
_BLOCK = 1024  # rows per block on the CPU: a 1024 x 1024 float64 block is 8 MB
_BLOCK_CUDA = 8192
_MAX_CACHE_BYTES = 64 * 2**20  # keep the standardised pooled rows if they fit
_MEDIAN_ROWS = 1000  # rows of the pooled sample for the median heuristic
_LOG2_E = 1.0 / math.log(2.0)
_EXACT_MW_PAIRS = 10_000  # Mann–Whitney: exact distribution up to this many (positive, negative) pairs


class MMDResult(NamedTuple):
    """The result of :func:`maximum_mean_discrepancy`.

    Attributes
    ----------
    statistic : float
        The unbiased MMD² estimate (can be slightly negative when the two
        sets come from one distribution).
    p_value : float or None
        The permutation p-value, ``(1 + #{MMD²_perm >= MMD²}) / (1 + P)``;
        None when ``n_permutations=0``.
    bandwidth : float
        The Gaussian kernel's sigma, in the encoded space.
    n_permutations : int
        The number of random relabellings behind ``p_value``.

    Examples
    --------
    >>> from skgan.metrics._two_sample import MMDResult
    >>> MMDResult(0.01, 0.5, 1.2, 200).statistic
    0.01
    """

    statistic: float
    p_value: float | None
    bandwidth: float
    n_permutations: int


class C2STResult(NamedTuple):
    """The result of :func:`classifier_two_sample_test`.

    Attributes
    ----------
    statistic : float
        The ROC AUC of the classifier on rows it was not fitted on (0.5:
        indistinguishable, 1: perfectly separated): the held-out rows'
        (``method="holdout"``) or the pooled out-of-fold scores'
        (``method="permutation"``).
    p_value : float or None
        One-sided p-value against AUC = 0.5: Mann–Whitney on the held-out
        scores, or the permutation p-value of refitted cross-validations
        (None with ``n_permutations=0``).
    confidence_interval : tuple of float or None
        95% confidence interval of the AUC (DeLong's standard error on the
        held-out scores), clipped to [0, 1]; None for ``method="permutation"``.
    std_error : float or None
        DeLong's standard error of the held-out AUC; None for ``method="permutation"``.
    method : str, default="holdout"
        ``"holdout"`` or ``"permutation"``.
    n_test : int or None, default=None
        The rows whose scores make the AUC.

    Examples
    --------
    >>> from skgan.metrics._two_sample import C2STResult
    >>> C2STResult(0.5, 0.5, (0.45, 0.55), 0.025).confidence_interval
    (0.45, 0.55)
    """

    statistic: float
    p_value: float
    confidence_interval: tuple
    std_error: float
    method: str = "holdout"
    n_test: int | None = None


# --------------------------------------------------------------------------- inputs


def _check_pair(real, synthetic, min_rows=2):
    """Tables with the same columns, or 2-D arrays of as many columns, of at least ``min_rows`` rows each."""
    real, synthetic = to_numpy(real), to_numpy(synthetic)
    check_sets({"real": real, "synthetic": synthetic})
    if is_frame(real) != is_frame(synthetic):
        raise ValueError("real and synthetic must both be DataFrames or both be arrays.")
    if is_frame(real):
        if set(real.columns) != set(synthetic.columns) or len(real.columns) != len(synthetic.columns):
            missing = [c for c in real.columns if c not in set(synthetic.columns)]
            extra = [c for c in synthetic.columns if c not in set(real.columns)]
            raise ValueError(
                f"real and synthetic must have the same columns; synthetic lacks {missing} "
                f"and has {extra} that real lacks."
            )
        synthetic = synthetic[list(real.columns)]
        if len(real.columns) == 0:
            raise ValueError("real and synthetic have no columns.")
    else:
        shapes = [np.shape(a) for a in (real, synthetic)]
        if any(len(s) != 2 for s in shapes):
            raise ValueError(f"real and synthetic must be 2-D, got shapes {shapes[0]} and {shapes[1]}.")
        if shapes[0][1] != shapes[1][1] or shapes[0][1] == 0:
            raise ValueError(
                f"real has {shapes[0][1]} columns but synthetic has {shapes[1][1]}; "
                "they must have the same number (at least 1)."
            )
    for name, rows in (("real", real), ("synthetic", synthetic)):
        if len(rows) < min_rows:
            raise ValueError(f"{name} has {len(rows)} rows; at least {min_rows} are needed.")
    return real, synthetic


def _encoded_pair(real, synthetic, standardize):
    """(X, Y, center, scale): float64 rows and what to subtract and divide by, per column.

    Numeric arrays without missing values stay as they are (no copy for
    float64 C-ordered input); the engine standardises them block by block.
    Tables and arrays with missing values go through :func:`._encoding.encode`.
    """
    if not is_frame(real):
        try:
            X = np.ascontiguousarray(real, dtype=np.float64)
            Y = np.ascontiguousarray(synthetic, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("Arrays must be numeric; pass a DataFrame for categorical columns.") from None
        if not (np.isnan(X).any() or np.isnan(Y).any()):
            if not (np.isfinite(X).all() and np.isfinite(Y).all()):
                raise ValueError("real and synthetic hold infinite values.")
            largest = max_abs(X, Y)
            if not math.isfinite(16.0 * X.shape[1] * largest * largest):
                raise ValueError(f"real and synthetic hold values too large ({largest:.3g}) for squared distances "
                                 "in float64; rescale the data.")
            center = X.mean(axis=0)
            scale = X.std(axis=0) if standardize else np.ones(X.shape[1])
            scale[scale <= 0] = 1.0
            return X, Y, center, scale
    X, Y = encode(real, synthetic, standardize=standardize)
    d = X.shape[1]
    return X, Y, np.zeros(d), np.ones(d)


# --------------------------------------------------------------------------- MMD


def _median_bandwidth(X, Y, center, scale, random_state):
    """Median pairwise distance of at most ``_MEDIAN_ROWS`` pooled rows (positive distances if the median is 0)."""
    rng = np.random.RandomState(random_state)
    n, m = len(X), len(Y)
    idx = np.sort(rng.choice(n + m, size=min(n + m, _MEDIAN_ROWS), replace=False))
    rows = np.concatenate([X[idx[idx < n]], Y[idx[idx >= n] - n]])
    dist = pdist((rows - center) / scale)
    median = float(np.median(dist))
    if median <= 0:
        positive = dist[dist > 0]
        median = float(np.median(positive)) if positive.size else 1.0
    return median


def _check_bandwidth(bandwidth):
    if isinstance(bandwidth, str):
        if bandwidth != "median":
            raise ValueError(f"bandwidth must be 'median' or a positive number, got {bandwidth!r}.")
        return None
    try:
        value = float(bandwidth)
    except (TypeError, ValueError):
        raise ValueError(f"bandwidth must be 'median' or a positive number, got {bandwidth!r}.") from None
    if isinstance(bandwidth, bool) or not math.isfinite(value) or value <= 0 or value * value == 0:
        raise ValueError(f"bandwidth must be 'median' or a finite number > 0, got {bandwidth!r}.")
    return value


def _mmd_sums(X, Y, center, scale, sigma, labels, device, block=None):
    """(T, S_xx, A): the pooled Gram sums of every label column (see the notes above)."""
    f64 = torch.float64
    n, m, d = X.shape[0], Y.shape[0], X.shape[1]
    block = block or (_BLOCK_CUDA if device.type == "cuda" else _BLOCK)
    ct = torch.as_tensor(center, dtype=f64, device=device)
    inv = torch.as_tensor(1.0 / scale, dtype=f64, device=device)
    # blocks never straddle X and Y: (source, start, stop, pooled start)
    spans = [(X, s, min(s + block, n), s) for s in range(0, n, block)]
    spans += [(Y, s, min(s + block, m), n + s) for s in range(0, m, block)]
    C = torch.as_tensor(labels, dtype=f64, device=device)  # (N, P + 2)
    cache = {} if (n + m) * d * 8 <= _MAX_CACHE_BYTES else None

    def load(k):
        if cache is not None and k in cache:
            return cache[k]
        src, s, e, _ = spans[k]
        z = torch.from_numpy(src[s:e]).to(device).sub(ct).mul_(inv)
        entry = (z, torch.linalg.vecdot(z, z))
        if cache is not None:
            cache[k] = entry
        return entry

    w2 = _LOG2_E / (2.0 * sigma * sigma)  # exp(-D / (2 sigma^2)) = exp2(-w2 D)
    n_cols = C.shape[1]
    T = torch.zeros((), dtype=f64, device=device)
    S = torch.zeros(n_cols, dtype=f64, device=device)
    A = torch.zeros(n_cols, dtype=f64, device=device)
    with torch.no_grad():
        for a in range(len(spans)):
            za, na = load(a)
            pa = spans[a][3]
            Ca = C[pa : pa + za.shape[0]]
            for b in range(a, len(spans)):
                zb, nb = load(b)
                pb = spans[b][3]
                Cb = C[pb : pb + zb.shape[0]]
                G = torch.addmm(nb[None, :], za, zb.T, alpha=-2.0)  # |z_b|^2 - 2 z_a.z_b
                G.add_(na[:, None]).clamp_min_(0).mul_(-w2).exp2_()
                if a == b:
                    G.fill_diagonal_(0.0)
                M = G @ Cb  # (rows of a, P + 2)
                weight = 1.0 if a == b else 2.0
                T += weight * M[:, 0].sum()
                S += weight * torch.linalg.vecdot(Ca.T, M.T)
                A += M.sum(dim=0)
                if a != b:
                    A += Ca.T @ M[:, 0]
    return float(T), S[1:].cpu().numpy(), A[1:].cpu().numpy()


def _unbiased(T, S, A, n, m):
    S_xy = A - S
    S_yy = T - S - 2 * S_xy
    return S / (n * (n - 1)) + S_yy / (m * (m - 1)) - 2 * S_xy / (n * m)


def maximum_mean_discrepancy(real, synthetic, *, kernel="rbf", bandwidth="median", n_permutations=200,
                             standardize=True, random_state=None, device=None):
    """Unbiased squared maximum mean discrepancy with a Gaussian kernel, and its permutation test.

    The statistic is eq. (3) of A. Gretton, K. Borgwardt, M. Rasch, B.
    Schölkopf and A. Smola, "A Kernel Two-Sample Test", JMLR 13 (2012)::

        MMD²_u = 1/(n(n-1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m-1)) Σ_{i≠j} k(y_i, y_j)
                 - 2/(nm) Σ_{i,j} k(x_i, y_j),   k(x, y) = exp(-|x - y|² / (2σ²))

    computed exactly (float64) in blocks of the pooled Gram matrix, each one
    matrix multiply (bounded memory: a few blocks of 1024 x 1024 on the CPU,
    8192 x 8192 on a GPU, whatever the sizes). Rows are compared in the
    distance encoding: numeric columns standardised by the real rows' mean
    and standard deviation, categorical columns of a DataFrame one-hot.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame of shape (n, d) and (m, d)
        The two samples; DataFrames must have the same columns. At least 2 rows each.
    kernel : {"rbf"}, default="rbf"
        The Gaussian kernel above (the only one).
    bandwidth : "median" or float, default="median"
        σ of the kernel, in the encoded space. ``"median"``: the median
        heuristic, the median Euclidean distance between the rows of a
        subsample of at most 1,000 rows of the pooled sample drawn with
        ``random_state`` (the median of the positive distances if it is 0).
    n_permutations : int, default=200
        Random relabellings of the pooled sample (sizes kept) for the
        p-value; 0 skips the test (``p_value`` None). All permutations are
        computed in the same pass over the Gram matrix: they add about
        ``(n_permutations + 2) / d`` to the time of the statistic alone
        (+26% at d = 784; several times at d = 10, where the statistic
        alone is cheap) and ``(n + m) * (n_permutations + 2)`` float64 of
        memory. 200 gives p-values down to 1/201.
    standardize : bool, default=True
        Standardise numeric columns (the distance encoding). False compares
        numeric columns in their own units (images, embeddings, data on one
        scale); categories stay one-hot.
    random_state : int, RandomState instance or None, default=None
        Seeds the median subsample and the permutations.
    device : str, torch.device or None, default=None
        Where the blocks are computed: None is the CPU, ``"auto"`` CUDA when
        available.

    Returns
    -------
    result : MMDResult
        ``statistic`` (MMD²_u), ``p_value``, ``bandwidth``, ``n_permutations``.

    Raises
    ------
    ValueError
        If the sets have different columns or fewer than 2 rows, a column is
        categorical in one set and numeric in the other, values are infinite
        or so large that their squared distances overflow float64, or a
        parameter is out of range.
    TypeError
        If a set is a sparse matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics._two_sample import maximum_mean_discrepancy
    >>> rng = np.random.RandomState(1)
    >>> real, same, shifted = rng.normal(size=(300, 3)), rng.normal(size=(300, 3)), rng.normal(size=(300, 3)) + 1
    >>> maximum_mean_discrepancy(real, same, random_state=0).p_value > 0.05
    True
    >>> result = maximum_mean_discrepancy(real, shifted, random_state=0)
    >>> round(result.statistic, 2), result.p_value
    (0.2, 0.004975...)
    """
    if kernel != "rbf":
        raise ValueError(f"kernel must be 'rbf', got {kernel!r}.")
    sigma = _check_bandwidth(bandwidth)
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) or n_permutations < 0:
        raise ValueError(f"n_permutations must be an int >= 0, got {n_permutations!r}.")
    device = resolve_device(device)
    real, synthetic = _check_pair(real, synthetic)
    X, Y, center, scale = _encoded_pair(real, synthetic, standardize)
    n, m = len(X), len(Y)
    rng = check_random_state(random_state)
    if sigma is None:
        sigma = _median_bandwidth(X, Y, center, scale, rng.randint(2**31 - 1))
    labels = np.zeros((n + m, int(n_permutations) + 2))
    labels[:, 0] = 1.0
    labels[:n, 1] = 1.0
    for p in range(int(n_permutations)):
        labels[rng.permutation(n + m)[:n], p + 2] = 1.0
    T, S, A = _mmd_sums(X, Y, center, scale, sigma, labels, device)
    values = _unbiased(T, S, A, n, m)
    statistic = float(values[0])
    p_value = None
    if n_permutations:
        p_value = float((1 + np.sum(values[1:] >= statistic)) / (1 + n_permutations))
    return MMDResult(statistic, p_value, float(sigma), int(n_permutations))


# --------------------------------------------------------------------------- C2ST


def _delong_std_error(y, scores):
    """DeLong's standard error of the AUC of ``scores`` for labels ``y`` (1 positive), by midranks."""
    pos, neg = scores[y == 1], scores[y == 0]
    n1, n0 = len(pos), len(neg)
    ranks = rankdata(np.concatenate([pos, neg]))
    v10 = (ranks[:n1] - rankdata(pos)) / n0  # per positive: share of negatives below (ties 1/2)
    v01 = 1.0 - (ranks[n1:] - rankdata(neg)) / n1  # per negative: share of positives above
    var = np.var(v10, ddof=1) / n1 + np.var(v01, ddof=1) / n0
    return float(math.sqrt(max(var, 0.0)))


def _mann_whitney_p(scores, y):
    """One-sided Mann–Whitney p-value of "positives score higher": exact without ties and for small sets.

    The exact distribution when there are no ties and ``n1 * n0 <= _EXACT_MW_PAIRS``
    (scipy's, which is slow beyond); else the normal approximation with the
    tie correction and the continuity correction (within 2e-4 of the exact value
    at 250 x 250).
    """
    from scipy.stats import mannwhitneyu

    pos, neg = scores[y == 1], scores[y == 0]
    exact = len(pos) * len(neg) <= _EXACT_MW_PAIRS and len(np.unique(scores)) == len(scores)
    result = mannwhitneyu(pos, neg, alternative="greater", method="exact" if exact else "asymptotic")
    return float(result.pvalue)


def _c2st_data(real, synthetic, estimator):
    """Pooled rows for the classifier and whether they are a table with categories."""
    if is_frame(real):
        import pandas as pd

        if estimator is None:  # one set of categories for both, dates as numbers, then pooled
            return pd.concat(with_categories(real, synthetic), ignore_index=True)
        return np.vstack(encode(real, synthetic))
    try:
        return np.vstack([np.asarray(real, dtype=np.float64), np.asarray(synthetic, dtype=np.float64)])
    except (TypeError, ValueError):
        raise ValueError("Arrays must be numeric; pass a DataFrame for categorical columns.") from None


def _check_c2st_options(method, cv, test_size, n_permutations):
    """The splitter's fold count or None, the test share and the number of permutations, checked."""
    if method not in ("holdout", "permutation"):
        raise ValueError(f"method must be 'holdout' or 'permutation', got {method!r}.")
    if method == "holdout":
        for name, value in (("cv", cv), ("n_permutations", n_permutations)):
            if value is not None:
                raise ValueError(f"{name} applies to method='permutation' only; method='holdout' got {name}={value!r}.")
        if isinstance(test_size, bool) or not isinstance(test_size, (float, int, np.number)) or not 0 < test_size < 1:
            raise ValueError(f"test_size must be a number strictly between 0 and 1, got {test_size!r}.")
        return None, float(test_size), 0
    if test_size != 0.5:
        raise ValueError(f"test_size applies to method='holdout' only; method='permutation' got {test_size!r}.")
    n_permutations = 100 if n_permutations is None else n_permutations
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) or n_permutations < 0:
        raise ValueError(f"n_permutations must be an int >= 0, got {n_permutations!r}.")
    cv = 5 if cv is None else cv
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool) and cv < 2:
        raise ValueError(f"cv must be at least 2 folds, got {cv}.")
    return cv, 0.5, int(n_permutations)


def _scores(estimator, Z, y, train, test):
    """The scores of a clone of ``estimator`` fitted on the rows ``train``, for the rows ``test``."""
    from sklearn.base import clone

    model = clone(estimator).fit(_take(Z, train), y[train])
    rows = _take(Z, test)
    scores = model.predict_proba(rows) if hasattr(model, "predict_proba") else model.decision_function(rows)
    return scores[:, 1] if np.ndim(scores) == 2 else scores


def _take(Z, idx):
    return Z.iloc[idx] if is_frame(Z) else Z[idx]


def _cv_auc(estimator, Z, y, cv):
    """The AUC of the pooled out-of-fold scores of the folds ``cv`` makes for the labels ``y``.

    The folds are made anew for each relabelling, as for the real labels, so
    that the statistic is the same function of (rows, labels) every time.
    """
    from sklearn.metrics import roc_auc_score

    scores = np.empty(len(y))
    for train, test in cv.split(np.zeros((len(y), 1)), y):
        scores[test] = _scores(estimator, Z, y, train, test)
    return float(roc_auc_score(y, scores))


def classifier_two_sample_test(real, synthetic, *, estimator=None, method="holdout", test_size=0.5, cv=None,
                               n_permutations=None, random_state=None):
    """Classifier two-sample test: the ROC AUC of a classifier telling real from synthetic rows on unseen rows.

    After D. Lopez-Paz and M. Oquab, "Revisiting Classifier Two-Sample
    Tests", ICLR 2017: if the two sets come from one distribution, no
    classifier does better than chance on held-out rows. Two methods keep
    the test's error rate (out-of-fold scores pooled over cross-validation
    folds do not: at α = 0.05 they reject 8–10% of samples from one
    distribution, because the folds' classifiers differ):

    - ``"holdout"`` (default): a stratified split, ``test_size`` of each set
      held out; the classifier is fitted once on the rest and scores the
      held-out rows, which are then exchangeable under the null. ``statistic``
      is their AUC, ``p_value`` the one-sided Mann–Whitney p-value of "the
      synthetic rows score higher" (exact without ties up to 10,000 pairs,
      else the normal approximation with the tie correction), and
      ``confidence_interval`` ``AUC ± 1.96 se`` with DeLong's standard error
      (DeLong et al., Biometrics 1988), clipped to [0, 1]. Cost: one fit on
      half the rows (cheaper than 5-fold cross-validation); the price is power,
      since half the rows train and half test.
    - ``"permutation"``: ``statistic`` is the AUC of the pooled out-of-fold
      scores of ``cv``-fold cross-validation, and ``p_value`` ``(1 + #{AUC_b
      >= AUC}) / (1 + n_permutations)`` where each ``AUC_b`` refits the whole
      cross-validation on randomly relabelled rows (set sizes kept): exact
      for any classifier, at ``(1 + n_permutations) x cv`` fits (505 at the
      defaults). It uses every row for training and testing, so it has more
      power than the held-out split; it gives no interval
      (``confidence_interval`` and ``std_error`` are None).
      ``n_permutations=0`` gives the cross-validated AUC alone (``p_value``
      None), at ``cv`` fits: the lower-variance point estimate, for scoring
      and comparing models rather than testing.

    The AUC does not depend on the share of each set, so sets of different
    sizes are kept whole (no rows are dropped); the default classifier
    weights the classes by their inverse frequency. An AUC well below 0.5 is
    not chance: a synthetic set that copies real rows gives one (each
    held-out row's twin is in the training rows with the other label).

    Parameters
    ----------
    real, synthetic : array-like or DataFrame of shape (n, d) and (m, d)
        The two samples; DataFrames must have the same columns.
    estimator : classifier or None, default=None
        Any scikit-learn classifier with ``predict_proba`` or
        ``decision_function``. None: ``HistGradientBoostingClassifier(
        categorical_features="from_dtype", class_weight="balanced")``, given
        DataFrames as they are (string, object and ``category`` columns as
        categories). A user's estimator gets DataFrames in the distance
        encoding (standardised numerics, one-hot categories) and arrays as
        they are.
    method : {"holdout", "permutation"}, default="holdout"
        How the p-value (and interval) are made valid; see above.
    test_size : float, default=0.5
        ``"holdout"``: the share of each set held out for the test (each part
        needs at least 2 rows of each set).
    cv : int, cross-validation splitter or None, default=None
        ``"permutation"`` only: the number of stratified folds (shuffled with
        ``random_state``; None is 5) or a splitter.
    n_permutations : int or None, default=None
        ``"permutation"`` only: the relabellings (None is 100; p-values down
        to 1/101); 0 skips the test.
    random_state : int, RandomState instance or None, default=None
        Seeds the split or folds, the permutations and the default classifier.

    Returns
    -------
    result : C2STResult
        ``statistic`` (the AUC), ``p_value``, ``confidence_interval``,
        ``std_error``, ``method`` and ``n_test`` (rows whose scores make the
        AUC).

    Raises
    ------
    ValueError
        If the sets have different columns, too few rows, or an option that
        does not belong to ``method``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics._two_sample import classifier_two_sample_test
    >>> rng = np.random.RandomState(0)
    >>> real, shifted = rng.normal(size=(300, 3)), rng.normal(size=(300, 3)) + 1
    >>> result = classifier_two_sample_test(real, shifted, random_state=0)
    >>> result.statistic > 0.8, result.p_value < 1e-6, result.n_test
    (True, True, 300)
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, train_test_split

    cv, test_size, n_permutations = _check_c2st_options(method, cv, test_size, n_permutations)
    rng = check_random_state(random_state)
    split_seed = rng.randint(2**31 - 1)
    min_rows = int(cv) if isinstance(cv, (int, np.integer)) else 2
    if method == "holdout":
        min_rows = max(math.ceil(2 / test_size), math.ceil(2 / (1 - test_size)))
    real, synthetic = _check_pair(real, synthetic, min_rows=min_rows)
    n, m = len(real), len(synthetic)
    Z = _c2st_data(real, synthetic, estimator)
    y = np.r_[np.zeros(n, dtype=int), np.ones(m, dtype=int)]
    if estimator is None:
        estimator = HistGradientBoostingClassifier(
            categorical_features="from_dtype", class_weight="balanced", random_state=rng.randint(2**31 - 1)
        )
    if method == "holdout":
        train, test = train_test_split(np.arange(n + m), test_size=test_size, stratify=y, random_state=split_seed)
        if min(np.bincount(y[train], minlength=2).min(), np.bincount(y[test], minlength=2).min()) < 2:
            raise ValueError(f"test_size={test_size} leaves fewer than 2 rows of a set in one part; "
                             f"got {n} real and {m} synthetic rows.")
        scores, y_test = _scores(estimator, Z, y, train, test), y[test]
        auc = _auc(y_test, scores)
        se = _delong_std_error(y_test, scores)
        ci = (max(0.0, auc - 1.96 * se), min(1.0, auc + 1.96 * se))
        return C2STResult(auc, _mann_whitney_p(scores, y_test), ci, se, "holdout", len(test))
    if isinstance(cv, (int, np.integer)):
        cv = StratifiedKFold(int(cv), shuffle=True, random_state=split_seed)
    auc = _cv_auc(estimator, Z, y, cv)
    null = [_cv_auc(estimator, Z, rng.permutation(y), cv) for _ in range(n_permutations)]
    p_value = float((1 + np.sum(np.asarray(null) >= auc)) / (1 + n_permutations)) if n_permutations else None
    return C2STResult(auc, p_value, None, None, "permutation", n + m)


def _auc(y, scores):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


# --------------------------------------------------------------------------- scorers


class _TwoSampleScorer:
    """``scorer(estimator, X, y=None)``: draws ``len(X)`` rows from ``estimator`` and compares them with X."""

    def __init__(self, metric, random_state, kwargs):
        self.metric, self.random_state, self.kwargs = metric, random_state, kwargs

    def __call__(self, estimator, X, y=None):
        synthetic = to_numpy(estimator.sample(len(X), random_state=self.random_state))
        if is_frame(X) and not is_frame(synthetic):
            import pandas as pd

            synthetic = pd.DataFrame(synthetic, columns=X.columns)
        if self.metric == "coverage":
            return precision_recall_density_coverage(X, synthetic, **self.kwargs).coverage
        kwargs = {"random_state": self.random_state, **self.kwargs}
        if self.metric == "mmd":
            kwargs.setdefault("n_permutations", 0)
            return -maximum_mean_discrepancy(X, synthetic, **kwargs).statistic
        if "method" not in self.kwargs:  # the cross-validated AUC: no test, less variance than a held-out half
            kwargs.update(method="permutation", n_permutations=0)
        auc = classifier_two_sample_test(X, synthetic, **kwargs).statistic
        return 1.0 - 2.0 * abs(auc - 0.5)

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"make_two_sample_scorer({self.metric!r}, random_state={self.random_state!r}{extra})"


def make_two_sample_scorer(metric="mmd", *, random_state=0, **kwargs):
    """A scikit-learn scorer that compares a sampler's rows with the validation rows; higher is better.

    ``scorer(estimator, X)`` draws ``len(X)`` rows with
    ``estimator.sample(len(X), random_state=random_state)`` and returns

    - ``"mmd"``: ``-MMD²`` (:func:`maximum_mean_discrepancy`, no permutation
      test unless ``n_permutations`` is given): 0 is a perfect match;
    - ``"c2st"``: ``1 - 2 |AUC - 0.5|`` (:func:`classifier_two_sample_test`,
      by default its cross-validated AUC: ``method="permutation",
      n_permutations=0``, five fits and no test): 1 when the classifier does
      no better than chance, 0 when it separates the sets (an AUC below 0.5
      is chance too, so it counts the same);
    - ``"coverage"``: the coverage of :func:`precision_recall_density_coverage`
      (Naeem et al., 2020): the share of validation rows whose neighbourhood
      holds a sampled row, 1 at best.

    The fixed ``random_state`` (default 0) makes every candidate of a grid
    search draw from the same noise and the metric use the same subsample
    and folds. ``kwargs`` go to the metric (``bandwidth``, ``estimator``,
    ``cv``, ``device``...). ``mmd_scorer`` and ``c2st_scorer`` are the
    defaults of each.

    Parameters
    ----------
    metric : {"mmd", "c2st", "coverage"}, default="mmd"
        The statistic.
    random_state : int, default=0
        Seeds the sampling and the metric.
    **kwargs
        Passed to the metric.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skgan import GANSampler
    >>> from skgan.metrics._two_sample import make_two_sample_scorer
    >>> X = np.random.RandomState(0).normal(size=(64, 2))
    >>> search = GridSearchCV(GANSampler(max_iter=1, batch_size=32, n_parzen_samples=50, random_state=0),
    ...                       {"learning_rate": [1e-3, 1e-4]}, scoring=make_two_sample_scorer("mmd"), cv=2)
    >>> bool(search.fit(X).best_score_ <= 0)
    True
    """
    if metric not in ("mmd", "c2st", "coverage"):
        raise ValueError(f"metric must be 'mmd', 'c2st' or 'coverage', got {metric!r}.")
    return _TwoSampleScorer(metric, random_state, kwargs)


#: ``make_two_sample_scorer("mmd")``: ``-MMD²`` of ``len(X)`` sampled rows against X.
mmd_scorer = make_two_sample_scorer("mmd")
#: ``make_two_sample_scorer("c2st")``: ``1 - 2 |AUC - 0.5|`` of the classifier two-sample test.
c2st_scorer = make_two_sample_scorer("c2st")

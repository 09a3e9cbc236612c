"""Pictures to watch a GAN train: sample grids, pair plots, a table's columns and loss curves.

Needs matplotlib, an optional dependency (``pip install "skgan[plot]"``).
"""

import numpy as np

from ._frames import is_frame

__all__ = ["plot_history", "plot_samples"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "skgan.plotting needs matplotlib; install it with "
            "`pip install \"skgan[plot]\"` or `pip install matplotlib`."
        ) from exc
    return plt


def plot_samples(
    samples, image_shape=None, *, X=None, n_samples=100, n_cols=None, max_features=4, random_state=None,
    cmap="gray_r", ax=None,
):
    """Show generated rows: a grid of images, pair plots, or one panel per column of a table.

    With ``image_shape`` each row is drawn as an image in a grid, like the
    paper's Figure 2. For a table (a sampler fitted on a DataFrame, or
    DataFrame ``samples`` or ``X``) each column gets a panel, titled with its
    name, in a grid: density histograms of numeric columns on shared bins,
    and bars of the share of each category of discrete ones (text,
    booleans, and whole numbers with at most 20 values; a sampler's
    :class:`~skgan.preprocessing.TabularEncoder` says which), missing
    values a bar of their own, ``"missing"`` (a numeric column's share of
    missing values is written in its panel). Otherwise the first
    ``max_features`` features are drawn as pair plots (histograms on the
    diagonal, scatter plots off it). Real rows ``X`` are drawn beside the
    generated ones when given.

    Parameters
    ----------
    samples : GANSampler or array-like or DataFrame of shape (n_rows, n_features)
        A fitted sampler, from which ``n_samples`` rows are drawn, or rows
        to show.
    image_shape : tuple of int, default=None
        ``(height, width)`` or ``(channels, height, width)`` of one image,
        with 1 or 3 (RGB) channels; the product must equal the number of
        features. None takes a sampler's own ``image_shape``, and draws pair
        plots when there is none.
    X : array-like or DataFrame of shape (n_real, n_features), default=None
        Real rows to compare with, in the pair plots and a table's panels.
    n_samples : int, default=100
        Number of rows drawn from a sampler; ignored for an array.
    n_cols : int, default=None
        Images per row of the grid (None: 10), or panels per row of a
        table's grid (None: 4).
    max_features : int, default=4
        Features shown in the pair plots; a table shows all its columns.
    random_state : int, RandomState instance or None, default=None
        Passed to ``sample`` when drawing from a sampler.
    cmap : str, default="gray_r"
        Matplotlib colour map of the images.
    ax : matplotlib Axes, default=None
        Axes for the image grid; a new figure when None. Pair plots always
        make a new figure.

    Returns
    -------
    ax : matplotlib Axes or ndarray of Axes
        The axes with the image grid, the square array of pair-plot axes,
        or a table's axes, one per column in column order (``ax.figure`` is
        their figure, which has no other axes).

    Examples
    --------
    >>> import numpy as np
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skgan.plotting import plot_samples
    >>> rng = np.random.RandomState(0)
    >>> ax = plot_samples(rng.rand(12, 64), image_shape=(8, 8), n_cols=4)
    >>> ax.images[0].get_array().shape
    (28, 37)
    >>> axes = plot_samples(rng.rand(50, 3), X=rng.rand(50, 3))
    >>> axes.shape
    (3, 3)
    >>> import pandas as pd
    >>> table = pd.DataFrame({"mass": rng.normal(4000, 300, 50), "island": rng.choice(["Dream", "Biscoe"], 50)})
    >>> axes = plot_samples(table.sample(frac=1, random_state=0), X=table)
    >>> [ax.get_title() for ax in axes], [label.get_text() for label in axes[1].get_xticklabels()]
    (['mass', 'island'], ['Biscoe', 'Dream'])
    """
    plt = _pyplot()
    kinds = None
    if hasattr(samples, "sample") and not hasattr(samples, "iloc"):  # a sampler; DataFrame.sample is another thing
        if image_shape is None:
            image_shape = getattr(samples, "image_shape", None)
        kinds = getattr(getattr(samples, "encoder_", None), "column_kinds_", None)
        samples = samples.sample(n_samples, random_state=random_state)
    if image_shape is None and (is_frame(samples) or is_frame(X)):
        return _table_panels(plt, samples, X, kinds, 4 if n_cols is None else n_cols)
    n_cols = 10 if n_cols is None else n_cols
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2:
        raise ValueError(f"samples must be a 2-D array, got shape {samples.shape}.")
    if image_shape is None:
        return _pair_plots(plt, samples, X, max_features)
    channels, height, width = (1, *image_shape) if len(image_shape) == 2 else tuple(image_shape)
    if channels not in (1, 3) or samples.shape[1] != channels * height * width:
        raise ValueError(
            f"image_shape {tuple(image_shape)} needs 1 or 3 channels and rows of "
            f"{channels * height * width} features, got an array of shape {samples.shape}."
        )
    images = samples.reshape(len(samples), channels, height, width).transpose(0, 2, 3, 1)
    if channels == 3:  # RGB needs [0, 1]
        low, high = np.nanmin(images), np.nanmax(images)
        images = (images - low) / (high - low if high > low else 1.0)
    n_rows = -(-len(samples) // n_cols)
    pad = 1
    grid = np.full((n_rows * (height + pad) + pad, n_cols * (width + pad) + pad, channels), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, n_cols)
        top, left = pad + r * (height + pad), pad + c * (width + pad)
        grid[top : top + height, left : left + width] = image
    grid = grid[:, :, 0] if channels == 1 else np.nan_to_num(grid, nan=1.0)
    if ax is None:
        _, ax = plt.subplots(figsize=(n_cols * 0.6 + 0.4, n_rows * 0.6 + 0.4))
    ax.imshow(grid, cmap=cmap, interpolation="nearest")
    ax.set_axis_off()
    return ax


def _pair_plots(plt, samples, X, max_features):
    d = min(samples.shape[1], max_features)
    sets = [("generated", samples)]
    if X is not None:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != samples.shape[1]:
            raise ValueError(f"X must have {samples.shape[1]} columns like the samples, got shape {X.shape}.")
        sets.insert(0, ("real", X))
    fig, axes = plt.subplots(d, d, figsize=(2.2 * d + 0.5, 2.2 * d), squeeze=False)
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            for name, rows in sets:
                if i == j:
                    ax.hist(rows[:, i], bins=20, alpha=0.5, density=True, label=name)
                else:
                    ax.scatter(rows[:, j], rows[:, i], s=4, alpha=0.5, label=name)
            if i == d - 1:
                ax.set_xlabel(f"feature {j}")
            if j == 0:
                ax.set_ylabel(f"feature {i}")
    axes[0, -1].legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return axes


def _table_panels(plt, samples, X, kinds, n_cols):
    """One panel per column of a table: histograms of numeric columns, bars of discrete ones."""
    frame = samples if is_frame(samples) else None
    columns = list(frame.columns if frame is not None else X.columns)
    sets = [("generated", _as_frame(samples, columns, "samples"))]
    if X is not None:
        sets.insert(0, ("real", _as_frame(X, columns, "X")))
    n_rows = -(-len(columns) // n_cols)
    width = min(n_cols, len(columns))
    fig, axes = plt.subplots(n_rows, width, figsize=(3.2 * width + 0.3, 2.6 * n_rows + 0.3), squeeze=False)
    axes = axes.ravel()
    for extra in axes[len(columns):]:
        fig.delaxes(extra)
    axes = axes[: len(columns)]
    colors = {"real": "C0", "generated": "C1"}
    for ax, column in zip(axes, columns, strict=True):
        values = [(name, rows[column]) for name, rows in sets]
        kind = kinds.get(column) if kinds else None
        if kind in ("discrete", "constant") or (kind is None and _looks_discrete([v for _, v in values])):
            _bars(ax, values, colors)
        else:
            _histograms(ax, values, colors)
        ax.set_title(str(column))
    axes[0].legend(loc="best", fontsize="small")
    fig.tight_layout()
    return axes


def _as_frame(rows, columns, what):
    import pandas as pd

    if is_frame(rows):
        if list(rows.columns) != columns:
            raise ValueError(f"{what} must have the columns {columns}, got {list(rows.columns)}.")
        return rows.reset_index(drop=True)
    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.shape[1] != len(columns):
        raise ValueError(f"{what} must have {len(columns)} columns like the table, got shape {rows.shape}.")
    return pd.DataFrame(rows, columns=columns)


def _looks_discrete(series):
    """Text, categories and booleans, and whole numbers with at most 20 values (as TabularEncoder decides)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if any(not is_numeric_dtype(s.dtype) or is_bool_dtype(s.dtype) for s in series):
        return True
    numbers = np.concatenate([s.to_numpy(dtype=np.float64, na_value=np.nan) for s in series])
    numbers = numbers[np.isfinite(numbers)]
    return bool(np.all(numbers == np.round(numbers))) and len(np.unique(numbers)) <= 20


def _histograms(ax, values, colors):
    numbers = [(name, s.to_numpy(dtype=np.float64, na_value=np.nan)) for name, s in values]
    finite = np.concatenate([v[np.isfinite(v)] for _, v in numbers])
    bins = np.histogram_bin_edges(finite, bins=20) if finite.size else 20
    notes = []
    for name, v in numbers:
        kept = v[np.isfinite(v)]
        if kept.size:
            ax.hist(kept, bins=bins, density=True, alpha=0.5, color=colors[name], label=name)
        if np.isnan(v).any():
            notes.append(f"{name} {np.isnan(v).mean():.0%}")
    if notes:
        ax.text(0.98, 0.97, "missing: " + ", ".join(notes), transform=ax.transAxes, ha="right", va="top",
                fontsize="x-small")
    ax.set_yticks([])


def _bars(ax, values, colors):
    """Side-by-side bars of each category's share of the rows; missing values are the bar "missing"."""
    labels = _categories(values)
    missing = any(s.isna().any() for _, s in values)
    n_bars = len(labels) + missing
    positions = np.arange(n_bars)
    width = 0.8 / len(values)
    for i, (name, s) in enumerate(values):
        counts = s.value_counts(dropna=True)
        shares = [counts.get(label, 0) / max(len(s), 1) for label in labels]
        if missing:
            shares.append(s.isna().mean())
        ax.bar(positions + (i - (len(values) - 1) / 2) * width, shares, width=width, color=colors[name], alpha=0.8,
               label=name)
    names = [str(label) for label in labels] + (["missing"] if missing else [])
    ax.set_xticks(positions, names)
    if n_bars > 4 or max(map(len, names), default=0) > 8:
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_ylabel("share of rows")


def _categories(values):
    """The values seen in any of the series: in a ``category`` dtype's order, else sorted."""
    present = set()
    for _, s in values:
        present |= set(s.dropna().tolist())
    for _, s in values:
        if str(s.dtype) == "category":
            ordered = [c for c in s.cat.categories if c in present]
            return ordered + sorted(present - set(ordered), key=_order)
    return sorted(present, key=_order)


def _order(value):
    """A sort key for a column's values, numbers and text alike."""
    if isinstance(value, (bool, np.bool_)):
        return (0, int(value), "")
    if isinstance(value, (int, float, np.number)):
        return (1, float(value), "")
    return (2, 0.0, str(value))


def plot_history(history, *, axes=None):
    """Plot the discriminator and generator losses and the mean outputs of D.

    Parameters
    ----------
    history : GANSampler or list of dict
        A fitted sampler or its ``history_``.
    axes : array of two matplotlib Axes, default=None
        Axes for the losses and for ``D(x)`` / ``D(G(z))``; a new figure
        when None.

    Returns
    -------
    axes : array of two matplotlib Axes
        The loss axes and the D-output axes, on which the 0.5 line marks the
        game's equilibrium.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skgan.plotting import plot_history
    >>> history = [{"epoch": e, "d_loss": 1.3, "g_loss": 0.8, "d_real": 0.55, "d_fake": 0.45} for e in (1, 2)]
    >>> axes = plot_history(history)
    >>> [line.get_label() for line in axes[0].lines]
    ['discriminator', 'generator']
    """
    plt = _pyplot()
    history = getattr(history, "history_", history)
    if not history:
        raise ValueError("The history is empty: fit the sampler first.")
    epoch = [r["epoch"] for r in history]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    loss_ax, d_ax = axes
    loss_ax.plot(epoch, [r["d_loss"] for r in history], label="discriminator")
    loss_ax.plot(epoch, [r["g_loss"] for r in history], label="generator")
    loss_ax.set(xlabel="epoch", ylabel="loss (nats)", title="Losses")
    loss_ax.legend()
    d_ax.plot(epoch, [r["d_real"] for r in history], label="D(x), real")
    d_ax.plot(epoch, [r["d_fake"] for r in history], label="D(G(z)), generated")
    d_ax.axhline(0.5, color="gray", linestyle="--", linewidth=1, label="equilibrium")
    d_ax.set(xlabel="epoch", ylabel="mean D output", ylim=(0, 1), title="Discriminator outputs")
    d_ax.legend()
    return np.asarray(axes)

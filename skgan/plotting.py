"""Pictures to watch a GAN train: sample grids and loss curves.

Needs matplotlib, an optional dependency (``pip install "skgan[plot]"``).
"""

import numpy as np

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
    samples, image_shape=None, *, X=None, n_samples=100, n_cols=10, max_features=4, random_state=None,
    cmap="gray_r", ax=None,
):
    """Show generated rows: a grid of images, or pair plots for tabular data.

    With ``image_shape`` each row is drawn as an image in a grid, like the
    paper's Figure 2. Without it, the first ``max_features`` features are
    drawn as pair plots (histograms on the diagonal, scatter plots off it),
    with real rows ``X`` beside the generated ones when given.

    Parameters
    ----------
    samples : GANSampler or array-like of shape (n_rows, n_features)
        A fitted sampler, from which ``n_samples`` rows are drawn, or rows
        to show.
    image_shape : tuple of int, default=None
        ``(height, width)`` or ``(channels, height, width)`` of one image,
        with 1 or 3 (RGB) channels; the product must equal the number of
        features. None takes a sampler's own ``image_shape``, and draws pair
        plots when there is none.
    X : array-like of shape (n_real, n_features), default=None
        Real rows to compare with, in the pair plots.
    n_samples : int, default=100
        Number of rows drawn from a sampler; ignored for an array.
    n_cols : int, default=10
        Images per row of the grid.
    max_features : int, default=4
        Features shown in the pair plots.
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
        The axes with the image grid, or the square array of pair-plot axes.

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
    """
    plt = _pyplot()
    if hasattr(samples, "sample"):
        if image_shape is None:
            image_shape = getattr(samples, "image_shape", None)
        samples = samples.sample(n_samples, random_state=random_state)
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

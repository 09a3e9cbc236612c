"""Drawing rows, and the class labels that condition them, from a generator."""

import numpy as np
import torch

from ._noise import NOISE_BLOCK, noise_blocks

#: Rows of noise drawn at a time when sampling, a whole number of noise
#: blocks; the rows drawn do not depend on it.
GENERATE_ROWS = 4 * NOISE_BLOCK

#: Rows per generator call on the CPU: the activations of an MLP stay in the
#: caches. On a GPU, a call takes all ``GENERATE_ROWS``.
FORWARD_ROWS = 1024


def inference_module(generator):
    """The module that generates: a folded copy where the network offers one."""
    folded = getattr(generator, "folded", None)
    return folded() if callable(folded) and not generator.training else generator


def generate_rows(generator, scaling, device, latent_dim, noise, n_samples, seed, labels=None):
    """``n_samples`` rows from ``generator`` (in eval mode), in the user's units.

    ``labels`` (class indices, one per row) condition a conditional
    generator. The rows are written chunk by chunk into the returned float64
    array, so memory beyond it stays bounded. Non-finite output is an error,
    never returned.
    """
    out, start = None, 0
    net = inference_module(generator)
    step = FORWARD_ROWS if device.type == "cpu" else GENERATE_ROWS
    with torch.inference_mode():
        blocks_per_chunk = max(1, GENERATE_ROWS // NOISE_BLOCK)
        for chunk in noise_blocks(n_samples, latent_dim, noise, seed, blocks_per_chunk):
            chunk = chunk.to(device)
            for offset in range(0, len(chunk), step):
                z = chunk[offset : offset + step]
                stop = start + len(z)
                cond = () if labels is None else (torch.as_tensor(labels[start:stop], device=device),)
                block = net(z, *cond)
                # one read: any NaN or infinity makes the float64 sum non-finite
                if not bool(torch.isfinite(block.sum(dtype=torch.float64))):
                    raise ValueError(
                        "The generator produced non-finite values (NaN or infinity); refit with a "
                        "lower learning_rate or check a custom generator's output."
                    )
                block = block.to("cpu")
                if block.dtype not in (torch.float32, torch.float64):  # e.g. bfloat16
                    block = block.float()
                if out is None:
                    out = np.empty((n_samples, scaling.n_data_features), dtype=np.float64)
                scaling.to_data(block.numpy(), out=out[start:stop])  # casts as it scales
                start = stop
    return out


def prior_labels(class_prior, n_samples, seed):
    """Class indices drawn from the training frequencies (None when unconditional)."""
    if class_prior is None:
        return None
    return np.random.RandomState(seed).choice(len(class_prior), size=n_samples, p=class_prior)


def class_indices(classes, y):
    """Positions of labels ``y`` in ``classes``; unknown labels are an error."""
    y = np.asarray(y)
    try:
        known = np.isin(y, classes)
    except TypeError:
        known = np.zeros(y.shape, dtype=bool)
    if not known.all():
        unknown = list(dict.fromkeys(y[~known].tolist()))
        raise ValueError(
            f"Unknown label(s) {unknown[:10]}; this GANSampler was fitted on the "
            f"classes {classes.tolist()}."
        )
    return np.searchsorted(classes, y)


def requested_labels(classes, class_prior, n_samples, y, seed):
    """Class indices for ``sample(n_samples, y=y)``: None, one label or one per row."""
    if classes is None:
        if y is not None:
            raise ValueError(
                "y was given, but this GANSampler was fitted without labels; "
                "fit(X, y) trains a class-conditional GAN."
            )
        return None
    if y is None:
        return prior_labels(class_prior, n_samples, seed)
    y = np.asarray(y)
    if y.ndim == 0:
        y = np.repeat(y, n_samples)
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(f"y must be one label or {n_samples} labels (one per sample), got shape {y.shape}.")
    return class_indices(classes, y)

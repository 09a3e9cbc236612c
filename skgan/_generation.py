"""Drawing rows, and the class labels that condition them, from a generator."""

import math

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

    ``labels`` (class indices or condition vectors, one per row; anything
    sliced by rows) condition a conditional generator. The rows are written
    chunk by chunk into the returned float64 array, so memory beyond it
    stays bounded. Non-finite output is an error, never returned.
    """
    out = np.empty((n_samples, scaling.n_data_features), dtype=np.float64)
    for _ in generated_chunks(generator, scaling, device, latent_dim, noise, n_samples, seed, labels, out=out):
        pass
    return out


def generated_chunks(generator, scaling, device, latent_dim, noise, n_samples, seed, labels=None, out=None):
    """Yield ``(start, rows)``: the rows ``start:start + len(rows)`` of :func:`generate_rows`, in order.

    Chunks of :data:`GENERATE_ROWS` rows, float64 in the user's units, the
    same rows whatever the consumer does with them: a consumer that keeps
    only what it makes of each chunk holds one chunk at a time. With
    ``out``, each chunk is written into (and is a view of) ``out``;
    without it, one buffer is reused, so copy what you keep.
    """
    net = inference_module(generator)
    start, buffer = 0, None
    with torch.inference_mode():
        blocks_per_chunk = max(1, GENERATE_ROWS // NOISE_BLOCK)
        for chunk in noise_blocks(n_samples, latent_dim, noise, seed, blocks_per_chunk):
            chunk = chunk.to(device)
            if out is not None:
                rows = out[start : start + len(chunk)]
            else:
                if buffer is None:  # the first chunk is the largest
                    buffer = np.empty((len(chunk), scaling.n_data_features))
                rows = buffer[: len(chunk)]
            chunk_labels = None if labels is None else labels[start : start + len(chunk)]
            _forward_into(rows, net, chunk, chunk_labels, scaling, device)
            yield start, rows
            start += len(chunk)


class RowSource:
    """What a codec draws generated rows from: the fitted generator, its output scaling, device and noise prior.

    Calling it, ``source(labels, chunks=False)``, draws ``n_samples`` rows
    from the noise seeded with ``seed`` (:func:`generate_rows`, or with
    ``chunks=True`` :func:`generated_chunks`). :meth:`rows` runs the
    generator on latent points of the caller's: the candidates that
    conditions on numbers draw (``skgan/_codecs/_conditioned.py``).
    """

    def __init__(self, generator, scaling, device, latent_dim, noise, n_samples, seed):
        self.generator, self.scaling, self.device = generator, scaling, device
        self.latent_dim, self.noise, self.n_samples, self.seed = latent_dim, noise, n_samples, seed

    def __call__(self, labels, chunks=False):
        rows = generated_chunks if chunks else generate_rows
        return rows(self.generator, self.scaling, self.device, self.latent_dim, self.noise, self.n_samples,
                    self.seed, labels)

    def rows(self, gaussian, labels=None):
        """Float64 rows (user's units) of the latent points ``gaussian``, standard normal draws (float32 tensor).

        The noise prior is the image of the standard normal: the identity
        for ``"normal"``, ``sqrt(3) * erf(u / sqrt(2))`` (uniform on
        ``[-sqrt 3, sqrt 3]``) for ``"uniform"``, so that the caller draws
        one kind of noise whatever the prior.
        """
        z = gaussian if self.noise == "normal" else torch.special.erf(gaussian / math.sqrt(2.0)) * math.sqrt(3.0)
        out = np.empty((len(z), self.scaling.n_data_features), dtype=np.float64)
        with torch.inference_mode():
            _forward_into(out, inference_module(self.generator), z.to(self.device), labels, self.scaling, self.device)
        return out


def _forward_into(out, net, z, labels, scaling, device):
    """Write ``net``'s rows of the noise ``z`` (on ``device``), conditioned on ``labels``, into ``out`` in the user's
    units, a step of rows at a time; non-finite output is an error."""
    step = FORWARD_ROWS if device.type == "cpu" else GENERATE_ROWS
    for start in range(0, len(z), step):
        stop = min(start + step, len(z))
        cond = () if labels is None else (torch.as_tensor(labels[start:stop], device=device),)
        block = net(z[start:stop], *cond)
        # one read: any NaN or infinity makes the float64 sum non-finite
        if not bool(torch.isfinite(block.sum(dtype=torch.float64))):
            raise ValueError(
                "The generator produced non-finite values (NaN or infinity); refit with a "
                "lower learning_rate or check a custom generator's output."
            )
        block = block.to("cpu")
        if block.dtype not in (torch.float32, torch.float64):  # e.g. bfloat16
            block = block.float()
        scaling.to_data(block.numpy(), out=out[start:stop])  # casts as it scales


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

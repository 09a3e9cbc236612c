"""Latent noise priors p_z."""

import math

import torch

#: Rows of noise drawn per call, so that the stream of draws is the same
#: whatever batch size the caller uses downstream.
NOISE_BLOCK = 4096

_UNIFORM_HALF_WIDTH = math.sqrt(3.0)  # U(-sqrt 3, sqrt 3) has unit variance


def sample_noise(n_samples, latent_dim, kind, *, generator=None, device=None, out=None):
    """Draw ``(n_samples, latent_dim)`` noise from the ``kind`` prior.

    ``kind`` is ``"normal"`` (standard normal) or ``"uniform"``
    (``U(-sqrt(3), sqrt(3))``, unit variance as in the original code).
    ``out``, a float32 tensor of that shape, receives the draws.
    """
    shape = (n_samples, latent_dim)
    kwargs = {"generator": generator} | ({"out": out} if out is not None else {"device": device})
    if kind == "normal":
        return torch.randn(shape, **kwargs)
    if kind == "uniform":
        z = torch.rand(shape, **kwargs)
        return z.mul_(2 * _UNIFORM_HALF_WIDTH).sub_(_UNIFORM_HALF_WIDTH)
    raise ValueError(f"Unknown noise prior {kind!r}; expected 'normal' or 'uniform'.")


def noise_blocks(n_samples, latent_dim, kind, seed, blocks_per_chunk=1):
    """Yield CPU noise for ``n_samples`` rows, ``blocks_per_chunk`` blocks at a time.

    The draws depend only on ``seed``, never on the device the generator
    runs on or on ``blocks_per_chunk``, and the first rows do not depend on
    ``n_samples``: whole blocks of ``NOISE_BLOCK`` rows are always drawn
    (torch's normal sampler takes another path for small draws) and the
    last one is cut.
    """
    generator = torch.Generator().manual_seed(seed)
    chunk_rows = NOISE_BLOCK * blocks_per_chunk
    for start in range(0, n_samples, chunk_rows):
        n_blocks = min(blocks_per_chunk, -(-(n_samples - start) // NOISE_BLOCK))
        chunk = torch.empty(n_blocks * NOISE_BLOCK, latent_dim)
        for b in range(n_blocks):
            block = chunk[b * NOISE_BLOCK : (b + 1) * NOISE_BLOCK]
            sample_noise(NOISE_BLOCK, latent_dim, kind, generator=generator, out=block)
        yield chunk[: n_samples - start]

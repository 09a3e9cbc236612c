"""Generator heads that follow an output layout: an activation per continuous column, a Gumbel-softmax per block."""

import torch
from torch import nn

from .._random import rand
from ._common import _ACTIVATIONS, OUTPUT_RANGES


def _plain_blocks(output_layout):
    """``(kind, start, stop)`` tuples from an OutputLayout, OutputBlocks or tuples."""
    blocks = getattr(output_layout, "blocks", output_layout)
    return [(b.kind, b.start, b.stop) if hasattr(b, "kind") else tuple(b) for b in blocks]


def layout_blocks(output_layout, n_features=None):
    """``output_layout`` as a tuple of ``(kind, start, stop)`` of plain ints, contiguous from column 0.

    Accepts an :class:`~skgan.preprocessing.OutputLayout` (anything with
    ``blocks`` of ``kind``, ``start``, ``stop``) or such tuples. Adjacent
    continuous blocks are merged into one run. With ``n_features``, the
    blocks must cover exactly that many columns.
    """
    merged, position = [], 0
    for kind, start, stop in _plain_blocks(output_layout):
        start, stop = int(start), int(stop)
        if kind not in ("continuous", "categorical") or start != position or stop <= start:
            raise ValueError(
                f"output_layout must be contiguous blocks from column 0 of kind 'continuous' or "
                f"'categorical'; got {kind!r} on [{start}, {stop}) where a block should start at {position}."
            )
        if kind == "categorical" and stop - start < 2:
            raise ValueError("A categorical block needs at least 2 columns.")
        if kind == "continuous" and merged and merged[-1][0] == "continuous":
            merged[-1] = ("continuous", merged[-1][1], stop)
        else:
            merged.append((kind, start, stop))
        position = stop
    if not merged:
        raise ValueError("output_layout needs at least one block.")
    if n_features is not None and position != n_features:
        raise ValueError(f"output_layout describes {position} columns, but the generator has n_features={n_features}.")
    return tuple(merged)


def layout_gates(output_layout):
    """``(column, start, stop)`` of each continuous column that is 0 when its row's category is in ``[start, stop)``.

    Read from the ``zero_with`` of an :class:`~skgan.preprocessing.OutputLayout`'s
    blocks (an encoder's point masses and missing values); plain
    ``(kind, start, stop)`` tuples have none.
    """
    blocks = getattr(output_layout, "blocks", output_layout)
    return tuple((int(b.start), *b.zero_with) for b in blocks if getattr(b, "zero_with", None) is not None)


def has_categorical(output_layout):
    """Whether ``output_layout`` (None, an OutputLayout or block tuples) has a categorical block."""
    return output_layout is not None and any(kind == "categorical" for kind, _, _ in _plain_blocks(output_layout))


def gumbel_noise(shape, device):
    """Standard Gumbel noise ``-log(-log(u))`` in float32, from the active fit's generator.

    ``u`` is clamped away from 0 and 1, so the noise stays finite.
    """
    info = torch.finfo(torch.float32)
    u = rand(*shape, device=device, dtype=torch.float32).clamp_(info.tiny, 1.0 - info.eps)
    return u.log_().neg_().log_().neg_()


class LayoutActivation(nn.Module):
    """The output activation on continuous columns and a Gumbel-softmax on each categorical block.

    The last layer of a generator whose columns follow an
    :class:`~skgan.preprocessing.OutputLayout`: continuous columns go through
    ``activation`` (tanh by default), each categorical block through
    ``softmax((logits + g) / tau)`` with Gumbel noise ``g`` (Jang et al.,
    2017; CTGAN uses ``tau=0.2``), so generated blocks are nearly one-hot
    and their categories are drawn from ``softmax(logits)``. The noise is
    applied in training and in evaluation mode alike (sampling draws the
    categories), drawn from the active fit's generator
    (:func:`skgan._random.fit_random`), else from torch's global generator.
    The softmax runs in float32 (or float64 for float64 input), also under
    autocast, and the output has that dtype.

    The layout is kept as plain ints; the module has no parameters or
    buffers.

    Parameters
    ----------
    blocks : OutputLayout or sequence of (kind, start, stop)
        The columns: ``"continuous"`` runs and ``"categorical"`` blocks,
        contiguous from column 0. Only an ``OutputLayout`` (or its
        ``OutputBlock`` objects) carries ``zero_with``.
    activation : {"tanh", "sigmoid", "identity"}, default="tanh"
        Activation of the continuous columns.
    tau : float, default=0.2
        Temperature of the Gumbel-softmax; lower is closer to one-hot.

    Examples
    --------
    >>> import torch
    >>> from skgan.networks import LayoutActivation
    >>> head = LayoutActivation([("continuous", 0, 1), ("categorical", 1, 4)])
    >>> out = head(torch.zeros(5, 4))
    >>> out.shape, bool(torch.allclose(out[:, 1:].sum(dim=1), torch.ones(5)))
    (torch.Size([5, 4]), True)
    """

    def __init__(self, blocks, activation="tanh", tau=0.2):
        super().__init__()
        gates = layout_gates(blocks)
        blocks = layout_blocks(blocks)
        if activation not in OUTPUT_RANGES:
            raise ValueError(f"activation must be one of {sorted(OUTPUT_RANGES)}, got {activation!r}.")
        if not tau > 0:
            raise ValueError(f"tau must be positive, got {tau!r}.")
        self.blocks = blocks
        self.gates = gates
        self._index_cache = {}  # device -> the head's index tensors (:meth:`_indices`), made once per device
        self._categorical_blocks = tuple((start, stop) for kind, start, stop in blocks if kind == "categorical")
        self.output_activation = activation
        self.tau = float(tau)
        self.activation = _ACTIVATIONS[activation]()

    @property
    def n_columns(self):
        """Number of columns."""
        return self.blocks[-1][2]

    def _indices(self, device):
        """The index tensors of the vectorised head on ``device``, made once per device (not per step)."""
        indices = self._index_cache.get(device)
        if indices is None:
            continuous = [c for kind, start, stop in self.blocks if kind == "continuous" for c in range(start, stop)]
            categorical = [c for kind, start, stop in self.blocks if kind == "categorical" for c in range(start, stop)]
            block_of = [b for b, (start, stop) in enumerate(self._categorical_blocks) for _ in range(start, stop)]
            order = continuous + categorical  # the columns as computed: continuous first, then categorical
            inverse = [0] * len(order)
            for position, column in enumerate(order):
                inverse[column] = position

            def as_index(values):
                return torch.tensor(values, dtype=torch.long, device=device)

            gated = [column for column, _, _ in self.gates]
            indices = (as_index(continuous), as_index(categorical), as_index(block_of), as_index(inverse),
                       as_index(gated))
            self._index_cache[device] = indices
        return indices

    def forward(self, logits):
        dtype = torch.promote_types(logits.dtype, torch.float32)
        continuous, categorical, block_of, inverse, gated = self._indices(logits.device)
        n_rows, n_blocks = logits.shape[0], len(self._categorical_blocks)
        # float32 casts: autocast lowers none of these ops (and softmax only ever to float32)
        noise = gumbel_noise((n_rows, len(categorical)), logits.device).to(dtype)
        pieces = []
        if len(continuous):
            pieces.append(self.activation(logits.index_select(1, continuous).to(dtype)))
        if n_blocks:
            # One softmax per block, computed for all blocks at once: each block's maximum (no gradient: the
            # softmax does not depend on it) is subtracted, exponentiated, divided by the block's sum.
            z = (logits.index_select(1, categorical).to(dtype) + noise) / self.tau
            rows_blocks = block_of.expand(n_rows, -1)
            peak = z.detach().new_full((n_rows, n_blocks), -torch.inf)
            peak = peak.scatter_reduce(1, rows_blocks, z.detach(), reduce="amax")
            e = torch.exp(z - peak.gather(1, rows_blocks))
            total = e.new_zeros((n_rows, n_blocks)).index_add(1, block_of, e)
            pieces.append(e / total.index_select(1, block_of))
        out = pieces[0] if len(pieces) == 1 else torch.cat(pieces, dim=1)
        if len(continuous) and n_blocks:
            out = out.index_select(1, inverse)
        if self.gates:
            keep = torch.stack([1 - out[:, start:stop].sum(dim=1) for _, start, stop in self.gates], dim=1)
            out = out.index_copy(1, gated, out.index_select(1, gated) * keep)
        return out

    def extra_repr(self):
        gates = f", gates={self.gates!r}" if self.gates else ""
        return f"blocks={self.blocks!r}{gates}, activation={self.output_activation!r}, tau={self.tau}"


"""Training-by-sampling (Xu et al., 2019): minibatches conditioned on the categories of discrete columns.

A table's rare categories are rare in uniform minibatches, so a GAN trained
on them learns them badly. Training-by-sampling draws, for each row of a
minibatch, a discrete column uniformly and one of its categories with
probability proportional to the logarithm of its frequency, then a real row
having that category; the generator is given the same condition (a one-hot
vector over all the columns' categories) and is penalised when its row does
not have the category. At sampling time the categories are drawn with their
true frequencies (or set by the user), which gives the table's distribution.

:class:`ConditionSampler` holds only tensors and draws only from the
generator it is given, so a fit stays reproducible.
"""

import numpy as np
import torch


class ConditionSampler:
    """Conditions on the categories of ``codes`` and the training rows that satisfy them.

    Parameters
    ----------
    codes : int array of shape (n_rows, n_columns)
        The category (position in its column's block) of each training row
        in each discrete column.
    widths : sequence of int
        Number of categories of each column (at least 2 each).
    model_starts : sequence of int
        Model column of each column's first category, for the generator's
        penalty.
    device : torch.device
    """

    def __init__(self, codes, widths, model_starts, device):
        codes = np.asarray(codes, dtype=np.int64)
        n_rows, n_columns = codes.shape
        widths = np.asarray(widths, dtype=np.int64)
        if n_columns == 0 or len(widths) != n_columns or (codes < 0).any() or (codes >= widths).any():
            raise ValueError("codes must hold one category index per row and column, below each column's width.")
        offsets = np.concatenate([[0], np.cumsum(widths)[:-1]])
        keys = (codes + offsets).T.ravel()  # column by column: entry c * n_rows + r is row r of column c
        counts = np.bincount(keys, minlength=int(widths.sum()))
        order = np.argsort(keys, kind="stable")
        self.width = int(widths.sum())
        self.n_columns = n_columns
        self._device = device
        as_tensor = lambda values, dtype=torch.long: torch.as_tensor(values, dtype=dtype, device=device)  # noqa: E731
        self._rows = as_tensor(order % n_rows)
        self._starts = as_tensor(np.cumsum(counts) - counts)
        self._counts = as_tensor(counts)
        self._offsets = as_tensor(offsets)
        self._model_columns = as_tensor(np.repeat(np.asarray(model_starts) - offsets, widths) + np.arange(self.width))
        # per column, the probabilities of its categories: log-frequency for training, frequency for sampling
        padded = np.zeros((n_columns, int(widths.max())))
        self._widths, self._padded = widths, padded
        self._codes = None
        self._set_counts(counts)

    def _set_counts(self, counts):
        as_tensor = lambda values: torch.as_tensor(values, dtype=torch.float64, device=self._device)  # noqa: E731
        counts = np.asarray(counts, dtype=np.float64)
        self._log_frequency = as_tensor(_per_column(np.log1p(counts), self._widths, self._padded))
        self._frequency = as_tensor(_per_column(counts, self._widths, self._padded))

    def for_private_fit(self, counts, codes):
        """This sampler for a private fit: conditions drawn by ``counts`` (private), and :meth:`keys_of` rows.

        A private fit samples its rows uniformly (Poisson), so each real row
        is given a condition it has (:meth:`keys_of`) rather than rows a
        condition; the generator's conditions are drawn by the noisy
        ``counts`` of every category (column after column), never by the
        exact ones.
        """
        counts = np.asarray(counts, dtype=np.float64)
        if counts.shape != (self.width,) or not (np.isfinite(counts) & (counts >= 0)).all():
            raise ValueError(f"counts must hold {self.width} finite non-negative counts, got shape {counts.shape}.")
        self._set_counts(counts)
        self._rows = self._starts = self._counts = None  # no condition's rows are looked up
        self._codes = torch.as_tensor(np.asarray(codes, dtype=np.int64), device=self._device) + self._offsets
        return self

    def keys_of(self, rows, generator):
        """A condition key each of ``rows`` has: one of its columns drawn uniformly, and its category there."""
        column = torch.randint(self.n_columns, (len(rows),), device=self._device, generator=generator)
        return self._codes[rows, column]

    def draw(self, n, generator, log_frequency=True):
        """Condition keys (a column and one of its categories, as one index) of ``n`` rows."""
        column = torch.randint(self.n_columns, (n,), device=self._device, generator=generator)
        probabilities = (self._log_frequency if log_frequency else self._frequency)[column]
        category = torch.multinomial(probabilities, 1, generator=generator).squeeze(1)
        return self._offsets[column] + category

    def rows(self, keys, generator):
        """One training row per key, uniformly among the rows that have the key's category."""
        u = torch.rand(keys.shape, device=self._device, generator=generator, dtype=torch.float64)
        within = (u * self._counts[keys]).long().clamp_max_(self._counts[keys] - 1)
        return self._rows[self._starts[keys] + within]

    def vectors(self, keys, dtype=torch.float32):
        """The one-hot condition vectors of ``keys``, shape ``(len(keys), width)``."""
        return torch.nn.functional.one_hot(keys, self.width).to(dtype)

    def penalty(self, fake, keys):
        """Mean cross-entropy of each generated row's category (its block sums to one) against its condition."""
        chosen = fake.float().gather(1, self._model_columns[keys].unsqueeze(1)).squeeze(1)
        return -torch.log(chosen.clamp_min(1e-8)).mean()


def _per_column(values, widths, padded):
    """``values`` (one per category, column after column) as rows of ``padded``, normalised per column."""
    out = padded.copy()
    start = 0
    for column, width in enumerate(widths):
        block = values[start : start + width]
        out[column, :width] = block / block.sum() if block.sum() > 0 else 1.0 / width
        start += width
    return out

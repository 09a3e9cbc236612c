"""Data larger than memory: a fit that reads its rows from a memory-mapped array without copying it.

A fit streams ``X`` when it is memory-mapped (a :class:`numpy.memmap`, what
``numpy.load(..., mmap_mode="r")`` returns, or a view of one; see
:func:`is_memory_mapped`) and no ``transformer`` maps it. Arrays in memory
take the in-memory path: their float64 copy is what they always got, and
their results stay bitwise as they were. Streaming means:

- the checks read ``X`` in chunks of about :data:`CHUNK_BYTES` (finite values,
  and a range and spread that float64 holds; :func:`column_statistics`), and
  ``X`` keeps its dtype;
- the held-out rows (bandwidth choice, early stopping) are at most
  :data:`MAX_HELD_OUT` (:func:`split_rows`); they are the one copy of rows a
  fit keeps, in float64;
- the training rows are an index array into ``X`` (8 bytes a row), and
  :class:`StreamedRows` reads each minibatch's rows when the training loop
  indexes it, scaled to the model's units then as an in-memory fit's rows
  are, so a fit without held-out rows gives the model the same data gives in
  memory.

Memory then holds a chunk of rows at a time, the held-out rows, the index
arrays and the networks. The file's pages stay out of the process's resident
memory too: a minibatch's rows are read from the file (``pread``, see
:func:`file_rows`; a read through the mapping would map up to a 2 MiB folio
of the page cache for each row), and the pages that the chunked passes read
through the mapping are given back every :data:`RELEASE_BYTES`
(:class:`PageRelease`). A private (``mode="c"``) memmap is read through its
mapping, whose pages are the user's to keep: they count in resident memory.
"""

import mmap
import os

import numpy as np
import torch

#: The size of a chunk of rows read at once by the checks and the scaling's statistics (of ``X``'s dtype).
CHUNK_BYTES = 1 << 24

#: The most rows a streamed fit holds out for the bandwidth's choice and early stopping.
MAX_HELD_OUT = 10_000

#: After reading about this many bytes of a file mapping, its pages are given back to the page cache.
RELEASE_BYTES = 1 << 26

#: The bytes a read of one row may map: Linux maps the pages around a faulting one, up to the whole large
#: folio of the page cache that holds it (2 MiB a row were measured on Linux 6.18).
FAULT_AROUND_BYTES = 1 << 21


def is_memory_mapped(X):
    """Whether ``X`` views a memory-mapped file: a :class:`numpy.memmap`, ``numpy.asarray`` of one, a slice.

    A copy of some of its rows (``X[[0, 5]]``) is in memory, memmap or not.
    """
    while isinstance(X, np.ndarray):
        X = X.base
    return isinstance(X, mmap.mmap)


def shared_mapping(X):
    """The shared ``mmap.mmap`` that ``X`` views, whose pages may be given back; None for a private (``"c"``) one."""
    while isinstance(X, np.ndarray):
        if getattr(X, "mode", None) == "c":  # copy-on-write: giving pages back would drop the user's changes
            return None
        X = X.base
    return X if isinstance(X, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED") else None


class PageRelease:
    """Counts the bytes read through a shared file mapping and gives its pages back every :data:`RELEASE_BYTES`.

    ``madvise(MADV_DONTNEED)`` unmaps the pages from the process: they stay
    in the operating system's page cache (the next read of them is no disk
    read) but no longer count in its resident memory, which then holds only
    what was read since. Nothing is lost: the mapping is shared, so written
    pages stay in the page cache too.
    """

    def __init__(self, data):
        self.mapping = shared_mapping(data)
        self.n_bytes = 0

    def count(self, n_bytes):
        self.n_bytes += n_bytes
        if self.mapping is not None and self.n_bytes >= RELEASE_BYTES:
            self.mapping.madvise(mmap.MADV_DONTNEED)
            self.n_bytes = 0


def file_rows(X):
    """``(path, offset, stride)``: row ``i`` of memory-mapped ``X`` is at ``offset + i * stride`` of file ``path``.

    None unless ``X`` views a shared mapping (:func:`shared_mapping`) of a
    named file and each row's values lie side by side in it.
    """
    root = X
    while isinstance(root.base, np.ndarray):
        root = root.base
    contiguous = X.ndim == 2 and (X.shape[1] == 1 or X.strides[1] == X.itemsize)
    if not (contiguous and isinstance(root, np.memmap) and root.filename and shared_mapping(X) is not None):
        return None
    delta = X.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return root.filename, root.offset + delta, X.strides[0]


def read_file_rows(place, rows, dtype, n_features, out):
    """Rows ``rows`` of a file (``place``: :func:`file_rows`) into ``out`` (row ``rows[k]`` into ``out[k]``).

    One ``pread`` per row, in file order.

    Reading the file, not the mapping, maps none of its pages into the
    process: they stay in the page cache, out of its resident memory.
    """
    path, offset, stride = place
    n_bytes = n_features * dtype.itemsize
    with open(path, "rb", buffering=0) as file:
        fd = file.fileno()
        order = np.argsort(rows, kind="stable")
        for k, row in zip(order.tolist(), rows[order].tolist(), strict=True):
            out[k] = np.frombuffer(os.pread(fd, n_bytes, offset + row * stride), dtype=dtype)
    return out


def streams(X, transformer=None):
    """Whether a fit on ``X`` streams its rows: a memory-mapped ``X`` that no ``transformer`` maps.

    A transformer sees whole arrays, so with one a memory-mapped ``X`` is
    read into memory as any other array.
    """
    return transformer is None and is_memory_mapped(X)


def chunk_rows(n_features, itemsize):
    """How many rows of ``n_features`` values of ``itemsize`` bytes fit in a chunk (at least one)."""
    return max(1, CHUNK_BYTES // max(1, n_features * itemsize))


def _check_finite(block, rows):
    """A ValueError naming the first row and column of ``block`` (rows ``rows`` of X) that is not finite."""
    low, high = block.min(0), block.max(0)
    if np.isfinite(low).all() and np.isfinite(high).all():
        return
    i, j = np.argwhere(~np.isfinite(block))[0]
    kind = "NaN" if np.isnan(block[i, j]) else "infinity"
    raise ValueError(f"Input X contains {kind} (row {rows[i]}, column {j}).")


def column_statistics(source, moments=False):
    """Per-feature minimum and maximum of ``source``'s rows, and with ``moments`` their mean and standard deviation.

    Parameters
    ----------
    source : StreamedRows
        The rows, read in chunks (sorted by row, unscaled, in float64).
    moments : bool, default=False
        Whether to compute the mean and the (population) standard deviation
        too, in a second pass.

    Returns
    -------
    low, high, mean, std : ndarray of shape (n_features,)
        float64; ``mean`` and ``std`` are None without ``moments``.

    Raises
    ------
    ValueError
        When a value is NaN or infinite; the message names its row and column.
    """
    n_features = source.shape[1]
    low, high = np.full(n_features, np.inf), np.full(n_features, -np.inf)
    total = np.zeros(n_features)
    with np.errstate(over="ignore", invalid="ignore"):
        for rows, block in source.blocks():
            _check_finite(block, rows)
            np.minimum(low, block.min(0), out=low)
            np.maximum(high, block.max(0), out=high)
            if moments:
                total += block.sum(0)
        if not moments:
            return low, high, None, None
        mean, squares = total / source.shape[0], np.zeros(n_features)
        for _, block in source.blocks():
            block -= mean
            squares += np.multiply(block, block, out=block).sum(0)
    return low, high, mean, np.sqrt(squares / source.shape[0])


def split_rows(X, train, val):
    """``(train, val, X_train, X_val)`` of a streamed fit: at most :data:`MAX_HELD_OUT` rows held out.

    ``train`` and ``val`` are the indices of :func:`skgan._fit_plan.validation_split`
    (``val`` None when no rows are held out); held-out rows past the cap
    train instead. ``X_train`` is a :class:`StreamedRows` over ``X``'s rows
    ``train`` (nothing is read), ``X_val`` the held-out rows in float64.
    """
    if val is not None and len(val) > MAX_HELD_OUT:
        train, val = np.concatenate([train, val[MAX_HELD_OUT:]]), val[:MAX_HELD_OUT]
    X_val = None if val is None else StreamedRows(X).read(val)
    return train, val, StreamedRows(X, train), X_val


def training_rows(model_rows, device):
    """What the training loop indexes: ``model_rows`` as a float32 tensor on ``device``, or streamed from there."""
    if isinstance(model_rows, StreamedRows):
        return model_rows.to(device)
    return torch.as_tensor(model_rows, dtype=torch.float32, device=device)


class StreamedRows:
    """Rows of a memory-mapped array, read when indexed: the training loop's ``X`` without a copy of it.

    Indexing with a 1-D tensor of row positions (``X[rows]``, what
    :func:`skgan._training.train_gan` does) reads those rows of the file
    (in order of their place in it), maps them to the model's units with
    ``scaling`` and returns them as a float32 tensor on ``device``.

    Parameters
    ----------
    data : ndarray of shape (n_rows, n_features)
        The memory-mapped array; its dtype is kept, rows are converted to
        float64 when read.
    indices : ndarray of int of shape (n_samples,), default=None
        The rows of ``data`` these are, in their order; None for all rows.
    scaling : object, default=None
        Maps float64 rows to the model's units (``to_model``), or None.
    device : str or torch.device, default="cpu"
        Where indexing puts the rows.
    """

    def __init__(self, data, indices=None, scaling=None, device="cpu"):
        self.data = data
        self.indices = None if indices is None else np.asarray(indices, dtype=np.intp)
        self.scaling = scaling
        self.device = torch.device(device)
        self.pages = PageRelease(data)
        self.file = file_rows(data)

    @property
    def shape(self):
        return (self.data.shape[0] if self.indices is None else len(self.indices), self.data.shape[1])

    def scaled(self, scaling):
        """The same rows, mapped by ``scaling.to_model`` when read."""
        return StreamedRows(self.data, self.indices, scaling, self.device)

    def to(self, device):
        """The same rows, put on ``device`` when read."""
        return StreamedRows(self.data, self.indices, self.scaling, device)

    def read(self, positions):
        """Rows ``positions`` (numpy integers) as a float64 array, in model units when scaled."""
        rows = np.asarray(positions, dtype=np.intp)
        rows = rows if self.indices is None else self.indices[rows]
        out = np.empty((len(rows), self.data.shape[1]))
        if self.file is not None:
            read_file_rows(self.file, rows, self.data.dtype, self.data.shape[1], out)
            return out if self.scaling is None else self.scaling.to_model(out)
        order = np.argsort(rows, kind="stable")
        row_bytes = max(self.data.shape[1] * self.data.itemsize, FAULT_AROUND_BYTES)
        step = max(1, RELEASE_BYTES // row_bytes)  # rows read between two releases of the pages
        for start in range(0, len(rows), step):
            part = order[start:start + step]
            out[part] = self.data[rows[part]]  # read in file order, back in the order asked
            self.pages.count(len(part) * row_bytes)
        return out if self.scaling is None else self.scaling.to_model(out)

    def __getitem__(self, rows):
        positions = rows.cpu().numpy() if isinstance(rows, torch.Tensor) else rows
        values = torch.from_numpy(self.read(positions)).to(torch.float32)
        return values.to(self.device)

    def blocks(self):
        """``(rows, block)`` chunks of the rows in file order: their row numbers in ``data`` and float64 values.

        The values are unscaled and each chunk a fresh array (the caller may
        overwrite it).
        """
        step = chunk_rows(self.data.shape[1], self.data.itemsize)
        if self.indices is None:
            for start in range(0, self.data.shape[0], step):
                stop = min(start + step, self.data.shape[0])
                yield np.arange(start, stop), np.array(self.data[start:stop], dtype=np.float64)
                self.pages.count(RELEASE_BYTES)  # a pass over all rows keeps one chunk's pages
            return
        rows = np.sort(self.indices)
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            span = self.data[chunk[0]:chunk[-1] + 1]  # a view: read in file order, copy only the chunk's rows
            yield chunk, np.array(span[chunk - chunk[0]], dtype=np.float64)
            self.pages.count(RELEASE_BYTES)

"""Recording and showing training: the history, a progress bar, a CSV log."""

import csv
import os
import sys

from ._base import Callback


class History(Callback):
    """Appends each epoch's record to the estimator's ``history_``.

    Every fit uses one (a ``History`` in ``callbacks`` replaces the default);
    ``history_`` keeps counting over warm starts and ``n_iter_`` is its
    length. ``pandas.DataFrame(estimator.history_)`` makes it a table.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(max_iter=3, bandwidth=0.5, n_parzen_samples=100, random_state=0).fit(X)
    >>> [record["epoch"] for record in gan.history_], gan.n_iter_
    ([1, 2, 3], 3)
    """

    def on_epoch_end(self, estimator, record, **kwargs):
        """Append ``record`` to ``estimator.history_``."""
        estimator.history_.append(record)


def format_record(record):
    """The losses (and the validation score) of a record, on one line."""
    text = (
        f"d_loss={record['d_loss']:.4f} g_loss={record['g_loss']:.4f} "
        f"D(x)={record['d_real']:.3f} D(G(z))={record['d_fake']:.3f}"
    )
    if "val_score" in record:
        text += f" val_score={record['val_score']:.3f}"
    return text


class ProgressBar(Callback):
    """Shows one update per epoch: a tqdm bar when tqdm is installed, else one printed line.

    ``GANSampler(verbose=1)`` adds one.

    Parameters
    ----------
    use_tqdm : {"auto", True, False}, default="auto"
        Draw a tqdm progress bar (``pip install "skgan[progress]"``) with the
        latest losses; ``"auto"`` does when tqdm is installed. Otherwise one
        line per epoch is printed.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.callbacks import ProgressBar
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(max_iter=2, bandwidth=0.5, n_parzen_samples=100,
    ...                  callbacks=[ProgressBar(use_tqdm=False)]).fit(X)  # doctest: +ELLIPSIS
    Epoch 1/2: d_loss=... g_loss=... D(x)=... D(G(z))=... (...s)
    Epoch 2/2: d_loss=... g_loss=... D(x)=... D(G(z))=... (...s)
    """

    _parameter_constraints = {"use_tqdm": ["boolean", str]}

    def __init__(self, use_tqdm="auto"):
        self.use_tqdm = use_tqdm

    def on_fit_begin(self, estimator, epochs=range(1, 2), **kwargs):
        """Open the bar over the fit's epochs (or prepare to print lines)."""
        self._validate_params()
        self._last_epoch = epochs[-1] if len(epochs) else 0
        self._bar = None
        if self.use_tqdm is False:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            if self.use_tqdm is True:
                raise ValueError("ProgressBar(use_tqdm=True) needs tqdm: pip install 'skgan[progress]'.") from None
            return
        self._bar = tqdm(total=len(epochs), desc=type(estimator).__name__, unit="epoch", file=sys.stderr)

    def on_epoch_end(self, estimator, record, **kwargs):
        """Show the epoch's losses."""
        if self._bar is None:
            print(f"Epoch {record['epoch']}/{self._last_epoch}: {format_record(record)} ({record['dur']:.2f}s)",
                  flush=True)
        else:
            self._bar.set_postfix_str(format_record(record), refresh=False)
            self._bar.update(1)

    def on_fit_end(self, estimator, **kwargs):
        """Close the bar."""
        bar, self._bar = getattr(self, "_bar", None), None
        if bar is not None:
            bar.close()


class CSVLogger(Callback):
    """Writes each epoch's record as a row of a CSV file, flushed as it goes.

    Parameters
    ----------
    path : str or path-like
        File to write. The columns are the keys of the first record.
    append : bool, default=False
        Add rows to an existing file (without a new header) instead of
        replacing it, e.g. over warm-started fits.
    separator : str, default=","
        Field separator.

    Examples
    --------
    >>> import csv, os, tempfile
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.callbacks import CSVLogger
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "log.csv")
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(max_iter=3, bandwidth=0.5, n_parzen_samples=100, callbacks=[CSVLogger(path)]).fit(X)
    >>> with open(path, newline="") as file:
    ...     rows = list(csv.DictReader(file))
    >>> [row["epoch"] for row in rows]
    ['1', '2', '3']
    >>> folder.cleanup()
    """

    _parameter_constraints = {"path": [str, os.PathLike], "append": ["boolean"], "separator": [str]}

    def __init__(self, path, *, append=False, separator=","):
        self.path = path
        self.append = append
        self.separator = separator

    def on_fit_begin(self, estimator, **kwargs):
        """Open the file (appending with ``append``)."""
        self._validate_params()
        has_rows = self.append and os.path.exists(self.path) and os.path.getsize(self.path) > 0
        self._file = open(self.path, "a" if self.append else "w", newline="", encoding="utf-8")
        self._writer, self._header_written = None, has_rows

    def on_epoch_end(self, estimator, record, **kwargs):
        """Write the record as a row (the header first) and flush."""
        if self._writer is None:
            self._writer = csv.DictWriter(
                self._file, fieldnames=list(record), delimiter=self.separator, extrasaction="ignore"
            )
            if not self._header_written:
                self._writer.writeheader()
        self._writer.writerow(record)
        self._file.flush()

    def on_fit_end(self, estimator, **kwargs):
        """Close the file."""
        file, self._file, self._writer = getattr(self, "_file", None), None, None
        if file is not None:
            file.close()

"""Reporting training progress: a tqdm bar when tqdm is installed, else lines."""

import sys


def _format(record):
    text = (
        f"d_loss={record['d_loss']:.4f} g_loss={record['g_loss']:.4f} "
        f"D(x)={record['d_real']:.3f} D(G(z))={record['d_fake']:.3f}"
    )
    if "val_score" in record:
        text += f" val_score={record['val_score']:.3f}"
    return text


class EpochReporter:
    """Shows one update per epoch while ``verbose`` is positive.

    With tqdm installed (``pip install "skgan[progress]"``) it draws a
    progress bar over the epochs with the latest losses; without it, it
    prints one line per epoch.
    """

    def __init__(self, n_epochs, verbose, first_epoch=1):
        self.n_last = first_epoch + n_epochs - 1
        self.bar = None
        self.verbose = verbose
        if verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=n_epochs, desc="GANSampler", unit="epoch", file=sys.stderr)

    def update(self, record):
        if not self.verbose:
            return
        if self.bar is None:
            print(f"Epoch {record['epoch']}/{self.n_last}: {_format(record)} ({record['dur']:.2f}s)", flush=True)
        else:
            self.bar.set_postfix_str(_format(record), refresh=False)
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()

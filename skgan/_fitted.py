"""What ``GANSampler.fit`` learns: one owner for every fitted attribute.

:class:`FittedState` holds everything a fit produces. The estimator keeps one
of them (``_fitted``) and shows its public fields as the scikit-learn fitted
attributes (``generator_``, ``bandwidth_``, ...) through
:class:`FittedAttribute`. The data's side of a fit is its one codec
(:mod:`skgan._codecs`). :mod:`skgan.persistence` turns the state into the
plain values and tensors of a model file and back; nothing else reads or
writes the fitted state from outside the estimator.

Adding a fitted value is a field here, with its entry in
``skgan/persistence/_state.py`` (and a :class:`FittedAttribute` line in the
estimator if it is public).
"""

import copy
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from ._codecs import DataCodec
from ._device import resolve_device, to_cpu
from ._generation import FORWARD_ROWS, RowSource, prior_labels
from ._threads import fit_threads, thread_budget
from .metrics import PAPER_BANDWIDTHS, select_bandwidth
from .networks import DISCRIMINATORS, GENERATORS, build_network, check_network_shapes

#: The parameters a fit keeps in its state, because they shape the fitted
#: networks or the Parzen window and ``set_params`` after fit waits for the
#: next cold fit.
SETTINGS = ("generator", "discriminator", "latent_dim", "noise", "n_parzen_samples", "image_shape")


def _other_seed(seed):
    """A seed for another stream of generated rows than ``seed``'s."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0] % (2**31 - 1))


@dataclass
class FittedState:
    """Everything a fit produces.

    ``generator`` is the network that samples (the weight average with
    ``ema_decay``), ``raw_generator`` the trained one behind an average (else
    None); ``codec`` (a :class:`~skgan._codecs.DataCodec`) maps between the
    user's rows and the networks'.
    """

    generator: torch.nn.Module
    discriminator: torch.nn.Module
    codec: DataCodec
    settings: dict
    device: str
    parzen_seed: int
    raw_generator: torch.nn.Module = None
    n_average_updates: int = None
    optimizer_state: tuple = ()
    history: list = field(default_factory=list)
    best_validation_score: float = None
    bandwidth: float = None
    pending_choice: tuple = None  # (held-out rows, candidates) until the bandwidth is chosen; never saved
    classes: np.ndarray = None
    class_prior: np.ndarray = None
    callbacks: list = None  # the callbacks of the last fit; not stored in model files
    privacy_spent: tuple = None  # a private fit's (epsilon, delta)

    @classmethod
    def begin(cls, training, prior=None, **fields):
        """The state a fit starts with: the networks of ``training`` (a ``TrainingState``) and ``fields``.

        A warm start (``prior``, the earlier fit's state) carries over its
        history, optimizer state and class frequencies.
        """
        average = training.average
        if prior is not None:
            fields.update(optimizer_state=prior.optimizer_state, history=list(prior.history),
                          class_prior=prior.class_prior)
        return cls(
            generator=training.sampled,
            discriminator=training.discriminator,
            raw_generator=None if average is None else training.generator,
            n_average_updates=None if average is None else average.n_updates,
            **fields,
        )

    @property
    def n_iter(self):
        return len(self.history)

    @property
    def encoder(self):
        """A table's fitted encoder (None for other data)."""
        return self.codec.encoder

    @property
    def transformer(self):
        """The fitted transformer whose codes the networks see (None without one)."""
        return self.codec.transformer

    @property
    def trained_generator(self):
        """The generator that training continues from."""
        return self.generator if self.raw_generator is None else self.raw_generator

    def modules(self):
        return tuple(m for m in (self.generator, self.discriminator, self.raw_generator) if m is not None)

    def generate(self, n_samples, seed, labels=None, conditions=None, n_threads="auto"):
        """``n_samples`` generated rows of the user's type (``labels``: class indices).

        Float64 rows, or a DataFrame for a fit on one: the codec calls
        ``draw(labels)`` for all the rows at once, or ``draw(labels,
        chunks=True)`` for an iterator of ``(start, rows)`` chunks
        (:func:`~skgan._generation.generated_chunks`). A table's rows satisfy
        ``conditions`` (``{column: value}``) by construction, and its
        generator draws its categories from a stream seeded with ``seed``.

        The generator runs on the threads a fit of its size would
        (``n_threads``, the estimator's parameter: ``"auto"`` chooses from
        the work of a forward pass of ``FORWARD_ROWS`` rows, so a table's
        small generator runs on one thread, which a busy machine cannot
        stall), within a parallel worker's share of the cores.
        """
        device = torch.device(self.device)
        draw = RowSource(self.generator, self.codec.scaling, device, self.settings["latent_dim"],
                         self.settings["noise"], n_samples, seed)
        threads = fit_threads(n_threads, (self.generator,), FORWARD_ROWS, device)
        with thread_budget(threads, exact=isinstance(n_threads, int)):
            return self.codec.generate(draw, n_samples, seed, labels, conditions)

    def leave_choice(self, X_val, candidates):
        """Choose the bandwidth among ``candidates`` by ``X_val``'s score when it is first needed, not now."""
        self.bandwidth, self.pending_choice = None, (X_val, candidates)

    def set_bandwidth(self, bandwidth):
        """Set the bandwidth (a pending choice is dropped)."""
        self.bandwidth, self.pending_choice = bandwidth, None

    def choose_bandwidth(self, window=None):
        """The Parzen bandwidth, chosen now if the fit left the choice to the first need.

        The choice is the candidate with the best mean log-likelihood of the
        held-out rows under ``window`` (by default :meth:`parzen_window`),
        made once: the held-out rows are then dropped. A private fit holds
        out no real row: its held-out rows are generated, with a seed of
        their own, and the paper's grid is scaled to the window's largest
        column range.
        """
        if self.pending_choice is not None:
            X_val, candidates = self.pending_choice
            window = self.parzen_window() if window is None else window
            if X_val is None:  # a private fit: generated rows stand in for held-out ones
                X_val = self.score_rows(self.generate(max(1, len(window) // 10), _other_seed(self.parzen_seed)))
                if candidates is None:
                    span = float(np.max(window.max(0) - window.min(0)))
                    candidates = PAPER_BANDWIDTHS * (span if span > 0 else 1.0)
            self.set_bandwidth(float(select_bandwidth(window, X_val, candidates, device=self.device)))
        return self.bandwidth

    def parzen_window(self):
        """The fixed set of generated rows the Parzen estimate is built on, in the space scores are computed in.

        A conditional GAN's window draws its classes from the training
        frequencies, so the score is of the marginal density of X.
        """
        n_window = self.settings["n_parzen_samples"]
        window = self.generate(n_window, self.parzen_seed, prior_labels(self.class_prior, n_window, self.parzen_seed))
        return self.score_rows(window)

    def score_rows(self, X):
        """Rows in the space of the Parzen score: a table's encoding of them, else as they are."""
        return self.codec.score_rows(X)

    def sync(self, training):
        """Take the optimizer state and the average's count from ``training`` (a fit in progress)."""
        self.optimizer_state = tuple(opt.state_dict() for opt in (training.g_optimizer, training.d_optimizer))
        if training.average is not None:
            self.n_average_updates = training.average.n_updates

    def to(self, device):
        """Move the networks to ``device`` in place."""
        for module in self.modules():
            module.to(device)
        self.device = str(device)
        return self

    def for_pickle(self):
        """This state, or a CPU copy of it when the networks are on an accelerator."""
        return self if torch.device(self.device).type == "cpu" else self.cpu_copy()

    def after_unpickle(self, owner="GANSampler"):
        """Back to the device it was fitted on, or to the CPU (with a warning) when that one is missing here."""
        if torch.device(self.device).type == "cpu":
            return
        try:
            device = resolve_device(self.device)
        except ValueError:
            warnings.warn(
                f"This {owner} was fitted on {self.device!r}, which is not "
                "available here; its networks were loaded on the CPU.",
                UserWarning,
                stacklevel=3,
            )
            device = torch.device("cpu")
        self.to(device)

    def cpu_copy(self):
        """A copy whose networks and optimizer state are on the CPU (this one is unchanged)."""
        moved = {
            name: to_cpu(copy.deepcopy(getattr(self, name)))
            for name in ("generator", "discriminator", "raw_generator", "optimizer_state")
        }
        return replace(self, **moved)


def attach(estimator, state, n_features_in=None, feature_names_in=None):
    """Make ``state`` the estimator's fitted state (and set its input features when given, as load does)."""
    estimator.__dict__["_fitted"] = state
    if n_features_in is not None:
        estimator.n_features_in_ = int(n_features_in)
    if feature_names_in is not None:
        estimator.feature_names_in_ = feature_names_in


class FittedAttribute:
    """A public fitted attribute that reads (and writes) one field of the estimator's :class:`FittedState`.

    Unfitted, or when the field is None and ``optional``, the attribute does
    not exist (``hasattr`` is False), as scikit-learn expects of attributes
    defined only in some fits (``classes_``).
    """

    def __init__(self, field_name, optional=False, read=None, write=None):
        self.field_name = field_name
        self.optional = optional
        self.read = read  # the name of a state method that gives the value, else the field
        self.write = write  # the name of a state method that sets it, else the field

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, estimator, owner=None):
        if estimator is None:
            return self
        state = estimator.__dict__.get("_fitted")
        if state is None:
            value = None
        else:
            value = getattr(state, self.read)() if self.read else getattr(state, self.field_name)
        if state is None or (self.optional and value is None):
            raise AttributeError(f"{type(estimator).__name__!r} object has no attribute {self.name!r}")
        return value

    def __set__(self, estimator, value):
        state = estimator.__dict__.get("_fitted")
        if state is None:
            raise AttributeError(f"{self.name} can be set only on a fitted {type(estimator).__name__}.")
        if self.write:
            getattr(state, self.write)(value)
        else:
            setattr(state, self.field_name, value)


def build_networks(settings, sizes, device):
    """The generator and discriminator described by ``settings``, of ``sizes`` (a codec's ``network_sizes``).

    ``sizes["n_classes"]`` is the number of classes, or the width of a
    table's condition vectors; ``image_shape`` is given to convolutional
    networks; ``output_layout`` (a table's) to networks that accept it.
    """
    latent_dim = settings["latent_dim"]
    generator = build_network(settings["generator"], GENERATORS, "generator", latent_dim=latent_dim, **sizes)
    discriminator = build_network(settings["discriminator"], DISCRIMINATORS, "discriminator", **sizes)
    generator, discriminator = generator.to(device), discriminator.to(device)
    check_network_shapes(generator, discriminator, latent_dim, sizes["n_features"], device, sizes.get("n_classes"))
    return generator, discriminator

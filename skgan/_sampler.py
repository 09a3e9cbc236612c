"""GANSampler: a generative adversarial network as a scikit-learn estimator."""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, DensityMixin, _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._averaging import ExponentialMovingAverage
from ._device import resolve_device, to_cpu
from ._generation import class_indices, generate_rows, prior_labels, requested_labels
from ._scaling import AffineScaling, TransformedScaling, transformed_codes
from ._progress import EpochReporter
from ._training import EarlyStopping, report_stop, stateful_modules, train_gan
from ._optim import OPTIMIZERS, make_optimizers, optimizer_settings
from .losses import LOSSES, resolve_loss
from .metrics import (
    PAPER_BANDWIDTHS,
    mean_and_std_error,
    parzen_log_likelihood,
    parzen_log_likelihood_sweep,
    select_bandwidth,
)
from .networks import (
    DISCRIMINATORS,
    GENERATORS,
    DCGANDiscriminator,
    DCGANGenerator,
    ModuleFactory,
    build_network,
    check_image_shape,
    check_network_shapes,
    output_range,
)

_MAX_SEED = np.iinfo(np.int32).max


def _is_convolutional(network):
    return network == "dcgan" or isinstance(network, (DCGANGenerator, DCGANDiscriminator))


def _best_mean_log_likelihood(window, X_val, candidates, device):
    """The validation score: mean Parzen log-likelihood at the best candidate bandwidth."""
    return float(parzen_log_likelihood_sweep(X_val, window, candidates, device=device).mean(axis=1).max())


class GANSampler(DensityMixin, BaseEstimator):
    """Generative adversarial network with a Parzen-window density score.

    Trains a generator G and a discriminator D on the rows of ``X`` with
    Algorithm 1 of Goodfellow et al. (2014): ``d_steps`` discriminator
    updates per generator update. ``sample`` draws new rows in the units of
    ``X``; ``score`` and ``score_samples`` give the Parzen-window (Gaussian
    kernel density) log-likelihood of data under a window of
    ``n_parzen_samples`` generated rows, the paper's evaluation.

    The data is scaled internally to the generator's output range (e.g.
    ``[-1, 1]`` for a tanh output); samples and scores are in the user's
    units.

    Parameters
    ----------
    generator : {"mlp", "dcgan", "goodfellow2014"}, callable or torch.nn.Module, \
            default="mlp"
        The generator network. ``"mlp"`` is :class:`~skgan.MLPGenerator` and
        ``"dcgan"`` :class:`~skgan.DCGANGenerator` (needs ``image_shape``),
        with their defaults; ``"goodfellow2014"`` is the paper's MNIST
        generator, an :class:`~skgan.MLPGenerator` with two ReLU layers of
        1200 units, no batch normalisation and a sigmoid output. A callable
        (a spec, a ``torch.nn.Module`` subclass or any factory) is called as
        ``generator(latent_dim=..., n_features=...)`` at each fit, plus
        ``n_classes=...`` for a conditional GAN and ``image_shape=...`` when
        set and accepted; a module instance is deep-copied at each fit.
        Nested parameters are set with
        ``set_params(generator__hidden_layer_sizes=...)``; on a preset name
        they apply to its spec, and on a module class or factory they become
        its constructor arguments (see :class:`~skgan.networks.ModuleFactory`).
    discriminator : {"mlp", "dcgan", "goodfellow2014"}, callable or \
            torch.nn.Module, default="mlp"
        The discriminator network, returning one output per row (a logit
        for the paper's losses, a score or critic value for the others).
        Presets :class:`~skgan.MLPDiscriminator`,
        :class:`~skgan.DCGANDiscriminator` and ``"goodfellow2014"``, the
        paper's MNIST discriminator (:class:`~skgan.MaxoutDiscriminator`
        with its defaults: two maxout layers of 240 units with 5 pieces,
        dropout). A callable is called as ``discriminator(n_features=...)``,
        with ``n_classes`` and ``image_shape`` as for the generator.
    latent_dim : int, default=100
        Dimension of the noise ``z`` fed to the generator.
    noise : {"normal", "uniform"}, default="normal"
        Noise prior: standard normal, or uniform on ``(-sqrt(3), sqrt(3))``
        (unit variance).
    loss : {"nonsaturating", "minimax", "wasserstein-gp", "hinge", \
            "least-squares"} or loss object, default="nonsaturating"
        The adversarial objective (see :mod:`skgan.losses`).
        ``"minimax"`` is the paper's game, G descending
        ``log(1 - D(G(z)))``; ``"nonsaturating"`` is the paper's practical
        variant, G ascending ``log D(G(z))``; ``"wasserstein-gp"`` is WGAN
        with gradient penalty, ``"hinge"`` the hinge loss and
        ``"least-squares"`` LSGAN. A loss object such as
        ``WassersteinGPLoss(gp_weight=5)`` sets its options; so does
        ``set_params(loss__gp_weight=5)``.
    d_steps : int or "auto", default="auto"
        Discriminator steps per generator step (k in Algorithm 1).
        ``"auto"`` is the loss's default: 5 for ``"wasserstein-gp"``, 1
        otherwise.
    max_iter : int, default=100
        Number of epochs (passes of the discriminator over the data).
    batch_size : int, default=64
        Minibatch size, at least 2 (batch normalisation needs two rows);
        capped at the number of training rows.
    learning_rate : float, default=2e-4
        Learning rate of the generator, and of the discriminator unless
        ``discriminator_learning_rate`` is set.
    discriminator_learning_rate : float, default=None
        Learning rate of the discriminator (two time-scale updates, e.g.
        ``learning_rate=1e-4, discriminator_learning_rate=4e-4``); None is
        ``learning_rate``.
    optimizer : {"adam", "sgd", "rmsprop", "goodfellow2014"} or \
            torch.optim.Optimizer class, default="adam"
        Optimizer of each network. ``"adam"`` uses the loss's betas
        (``(0.5, 0.999)`` as in DCGAN, ``(0.0, 0.9)`` for WGAN-GP) and
        ``"sgd"`` momentum 0.9, unless ``optimizer_kwargs`` says otherwise.
        ``"goodfellow2014"`` is the original code's SGD schedule
        (:class:`~skgan.GoodfellowSGD`; use it with ``learning_rate=0.1``
        and ``batch_size=100`` as the paper did).
    optimizer_kwargs : dict, default=None
        Keyword arguments of the optimizer besides the learning rate, e.g.
        ``{"betas": (0.5, 0.9)}`` or ``{"momentum": 0.5, "nesterov": True}``.
    ema_decay : float in [0, 1), default=None
        Sample from an exponential moving average of the generator's
        weights, updated after every generator step with this decay (the
        "G_ema" of progressive GANs, StyleGAN and BigGAN; Yazici et al.,
        2019). Averaging smooths out the oscillation of adversarial
        training, which often gives cleaner samples and better scores.
        ``0.999`` averages over roughly the last thousand steps; the first
        updates use the smaller decay ``(1 + t) / (10 + t)`` so that the
        average soon forgets the initial weights. ``generator_`` is then the
        averaged network; training, including warm starts, continues from
        the trained weights. None samples from the trained weights.
    transformer : transformer object, default=None
        Train the GAN on the codes of this transformer instead of on ``X``,
        for example ``PCA(n_components=50)``: a clone is fitted on the
        training rows, the networks see ``transform(X)``, and generated codes
        come back through ``inverse_transform``. Samples, scores and
        bandwidths stay in the units of ``X``. With a bounded generator
        output (tanh or sigmoid) the decoded rows are clipped to the
        training range of each feature, where the GAN's own rows stay. A
        low-dimensional code makes training faster and, on images, smooths
        the samples (see the user guide). It needs ``fit``, ``transform``
        and ``inverse_transform``, and MLP networks; nested parameters are
        set with ``set_params(transformer__n_components=30)``.
    image_shape : tuple of int, default=None
        ``(channels, height, width)`` (or ``(height, width)`` for one
        channel) of the images that the rows of ``X`` flatten, in
        row-major order. Convolutional networks (``"dcgan"``) need it;
        ``X`` stays 2-D, as scikit-learn requires. Plots draw samples as
        images with it.
    device : str or torch.device, default="auto"
        Torch device to train and sample on; ``"auto"`` is CUDA when
        available, else CPU.
    mixed_precision : {"bfloat16", "float16"}, default=None
        Train the forward passes under ``torch.autocast`` with this dtype
        (``"float16"`` with loss scaling), for speed on GPUs with tensor
        cores; losses stay float32. None trains in float32.
    compile : bool or dict, default=False
        Train through ``torch.compile``'d networks (a dict gives
        ``torch.compile``'s keyword arguments). The first epoch pays the
        compilation; the fitted networks are the uncompiled modules.
    bandwidth : "cv", float or array-like of float, default="cv"
        Parzen window width in the units of ``X``. ``"cv"`` chooses it among
        the paper's candidates ``logspace(-1, 0, 10)``, multiplied by the
        largest feature range of ``X`` (so the grid is the paper's for data
        spanning [0, 1]), by the best mean log-likelihood on a held-out
        validation split; an array gives the candidates explicitly.
    n_parzen_samples : int, default=10000
        Number of generated rows in the Parzen window (10,000 in the paper).
    validation_fraction : float, default=0.1
        Fraction of ``X`` held out from training to choose the bandwidth
        and to monitor early stopping; used only when one of them needs it.
    early_stopping : bool, default=False
        Evaluate the Parzen log-likelihood of the held-out rows after each
        epoch (at the best candidate bandwidth, with the full window), stop
        when it has not improved by more than ``tol`` for
        ``n_iter_no_change`` epochs, and keep the networks of the best epoch.
        Costs one Parzen evaluation per epoch.
    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.
    tol : float, default=1e-4
        Improvement, in nats, that early stopping counts as progress.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, minibatches, noise, the validation split
        and the Parzen window. An int gives bitwise-identical fits and
        samples on CPU. Fitting never changes torch's global random state.
    verbose : int, default=0
        Show progress when positive: a progress bar with the latest losses
        if tqdm is installed (``pip install "skgan[progress]"``), else one
        line per epoch.
    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted networks (with
        their optimizer state) for ``max_iter`` more epochs instead of
        starting afresh; ``history_`` and ``n_iter_`` keep counting.

    Attributes
    ----------
    generator_ : torch.nn.Module
        The trained generator, in evaluation mode: the one ``sample`` and
        ``score`` use. With ``ema_decay``, the average of its weights.
    discriminator_ : torch.nn.Module
        The trained discriminator, in evaluation mode.
    bandwidth_ : float
        Parzen window width used by ``score`` and ``score_samples``.
    history_ : list of dict
        One record per completed epoch: ``epoch``, ``d_loss`` and ``g_loss``
        (mean losses), ``d_real`` and ``d_fake`` (mean ``D(x)`` and
        ``D(G(z))``; both tend to 0.5 at the game's equilibrium) and ``dur``
        (seconds). ``pandas.DataFrame(history_)`` makes it a table.
    n_iter_ : int
        Number of epochs completed, over all warm-started fits.
    best_validation_score_ : float or None
        Best held-out Parzen log-likelihood seen by early stopping; None
        without early stopping. ``history_`` records then hold each epoch's
        ``val_score``.
    device_ : str
        Device the networks live on.
    transformer_ : transformer object
        The fitted clone of ``transformer``. Defined only when
        ``transformer`` is given.
    classes_ : ndarray of shape (n_classes,)
        Class labels of a conditional GAN (fitted with ``y``). Defined only
        then.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    skgan.metrics.parzen_log_likelihood : The Parzen-window estimate.
    sklearn.neighbors.KernelDensity : Kernel density estimation on data.

    Notes
    -----
    Parzen-window log-likelihoods are the paper's metric and are comparable
    only under the same protocol (window size, bandwidth rule, units); they
    are biased low and reward memorisation, so read them beside the scores
    of simple references. See the user guide.

    References
    ----------
    I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> X = np.random.RandomState(0).normal(size=(200, 2))
    >>> gan = GANSampler(max_iter=5, n_parzen_samples=500, random_state=0).fit(X)
    >>> gan.sample(4).shape
    (4, 2)
    >>> float(gan.score(X)) < 0  # mean log-likelihood in nats
    True

    Training on the codes of a transformer, here one principal component;
    the samples come back in the units of ``X``:

    >>> from sklearn.decomposition import PCA
    >>> gan = GANSampler(transformer=PCA(n_components=1), max_iter=5, n_parzen_samples=500, random_state=0)
    >>> gan.fit(X).sample(4).shape
    (4, 2)
    >>> gan.transformer_.n_components_
    1
    """

    _parameter_constraints = {
        "generator": [StrOptions(set(GENERATORS)), callable],
        "discriminator": [StrOptions(set(DISCRIMINATORS)), callable],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "noise": [StrOptions({"normal", "uniform"})],
        "loss": [StrOptions(set(LOSSES)), HasMethods(["discriminator_loss", "generator_loss"])],
        "d_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "discriminator_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "optimizer_kwargs": [dict, None],
        "ema_decay": [Interval(Real, 0, 1, closed="left"), None],
        "transformer": [HasMethods(["fit", "transform", "inverse_transform"]), None],
        "image_shape": ["array-like", None],
        "device": [str, torch.device],
        "mixed_precision": [StrOptions({"bfloat16", "float16"}), None],
        "compile": ["boolean", dict],
        "bandwidth": [StrOptions({"cv"}), Interval(Real, 0, None, closed="neither"), "array-like"],
        "n_parzen_samples": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        generator="mlp",
        discriminator="mlp",
        *,
        latent_dim=100,
        noise="normal",
        loss="nonsaturating",
        d_steps="auto",
        max_iter=100,
        batch_size=64,
        learning_rate=2e-4,
        discriminator_learning_rate=None,
        optimizer="adam",
        optimizer_kwargs=None,
        ema_decay=None,
        transformer=None,
        image_shape=None,
        device="auto",
        mixed_precision=None,
        compile=False,
        bandwidth="cv",
        n_parzen_samples=10000,
        validation_fraction=0.1,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.noise = noise
        self.loss = loss
        self.d_steps = d_steps
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.ema_decay = ema_decay
        self.transformer = transformer
        self.image_shape = image_shape
        self.device = device
        self.mixed_precision = mixed_precision
        self.compile = compile
        self.bandwidth = bandwidth
        self.n_parzen_samples = n_parzen_samples
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Nested network parameters such as
        ``generator__hidden_layer_sizes`` also work when the network is
        given by a preset name (``"mlp"``): the preset is replaced by its
        spec object with that parameter set. On a module class or factory,
        nested parameters are its constructor arguments: it is wrapped in a
        :class:`~skgan.networks.ModuleFactory`. Nested loss parameters
        (``loss__gp_weight``) likewise replace a loss name by its object.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : GANSampler
            This estimator.
        """
        for role, presets in (("generator", GENERATORS), ("discriminator", DISCRIMINATORS), ("loss", LOSSES)):
            value = params.get(role, getattr(self, role))
            if not any(key.startswith(role + "__") for key in params):
                continue
            if isinstance(value, str) and value in presets:
                params = {**params, role: presets[value]()}
            elif role != "loss" and callable(value) and not hasattr(value, "get_params"):
                params = {**params, role: ModuleFactory(value)}
        return super().set_params(**params)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the GAN on the rows of X and choose the Parzen bandwidth.

        With ``warm_start=True`` and an earlier fit, training continues from
        the fitted networks and optimizer state for ``max_iter`` more epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, at least 2 rows (and 2 rows left after the
            validation split when one is needed).
        y : array-like of shape (n_samples,), default=None
            Class labels. When given, the GAN is class-conditional: both
            networks see the labels, ``classes_`` holds them, and
            ``sample(n, y=...)`` draws rows of the chosen classes.

        Returns
        -------
        self : GANSampler
            The fitted estimator.
        """
        return self._fit_or_keep(X, y, self.max_iter, resume=self.warm_start)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train one more epoch on X (the first call starts a new fit).

        The bandwidth is chosen again after each call, as by ``fit``; with a
        large validation split, a float ``bandwidth`` keeps calls cheap.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, with the features of the first call.
        y : array-like of shape (n_samples,), default=None
            Class labels, given on every call of a conditional GAN and on
            none of an unconditional one; only classes of the first call.

        Returns
        -------
        self : GANSampler
            The fitted estimator.
        """
        return self._fit_or_keep(X, y, 1, resume=True)

    def _fit_or_keep(self, X, y, n_epochs, resume):
        """Fit; on any error or an interrupt before an epoch completed, undo."""
        previous = dict(self.__dict__)
        try:
            return self._fit(X, y, n_epochs, resume and hasattr(self, "generator_"))
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise

    def _fit(self, X, y, n_epochs, resume):
        checks = dict(dtype=[np.float64, np.float32], ensure_min_samples=2, reset=not resume)
        if y is None:
            X = validate_data(self, X, **checks)
        else:
            X, y = validate_data(self, X, y, **checks)
            check_classification_targets(y)
        if resume and (y is None) != (not hasattr(self, "classes_")):
            raise ValueError(
                "Continue training with labels if and only if the GANSampler was "
                "fitted with labels (y)."
            )
        if y is None:
            classes, y_idx = None, None
        elif resume:
            classes, y_idx = self.classes_, class_indices(self.classes_, y)
        else:
            classes, y_idx = np.unique(y, return_inverse=True)
        X = X.astype(np.float64, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            scalable = np.isfinite(X.max(0) - X.min(0)).all() and np.isfinite(X.std(0)).all()
        if not scalable:
            raise ValueError("X has values too large to scale: their range overflows float64.")
        rng = check_random_state(self.random_state)
        torch_seed, parzen_seed = (int(s) for s in rng.randint(_MAX_SEED, size=2))
        train, val = self._validation_split(X.shape[0], rng, y_idx)
        X_train, X_val = X[train], (None if val is None else X[val])
        y_train = None if y_idx is None else y_idx[train]
        n_classes = None if classes is None else len(classes)
        class_prior = None if y_train is None else np.bincount(y_train, minlength=n_classes) / len(y_train)
        prior_history = self.history_ if resume else []
        if resume:  # a fresh, reproducible stream for the epochs to come
            torch_seed = int(np.random.SeedSequence([torch_seed, len(prior_history)]).generate_state(1)[0])
        device = torch.device(self.device_) if resume else resolve_device(self.device)
        # what the fitted networks were built with; set_params after fit waits for the next cold fit
        settings = self._fitted_settings if resume else {
            "generator": copy.deepcopy(self.generator),
            "discriminator": copy.deepcopy(self.discriminator),
            "latent_dim": self.latent_dim,
            "noise": self.noise,
            "n_parzen_samples": self.n_parzen_samples,
            "image_shape": None if self.image_shape is None else check_image_shape(self.image_shape, X.shape[1]),
        }

        cuda_devices = list(range(torch.cuda.device_count())) if device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda_devices):
            torch.manual_seed(torch_seed)
            if resume:
                generator, discriminator, scaling = self._training_generator(), self.discriminator_, self._scaling
                transformer = getattr(self, "transformer_", None)
                model_rows = scaling.to_model(X_train)
            else:
                transformer = None if self.transformer is None else clone(self.transformer).fit(X_train)
                codes = X_train if transformer is None else transformed_codes(transformer, X_train)
                generator, discriminator = self._build_networks(settings, device, n_classes, codes.shape[1])
                scaling = AffineScaling(output_range(generator)).fit(codes)
                model_rows = scaling.to_model(codes)
                if transformer is not None:
                    scaling = TransformedScaling(transformer, scaling, X_train)
                    scaling.to_data(model_rows[:1])  # fails early on a wrong inverse
            average = self._generator_average(generator, resume)
            sampled = generator if average is None else average.module
            modules = stateful_modules(generator, discriminator, average)
            loss = resolve_loss(self.loss)
            optimizers = self._make_optimizers(generator, discriminator, loss, resume)
            candidates = self._bandwidth_candidates(X)
            on_epoch_end, early_stopping = self._epoch_end_hooks(
                n_epochs, len(prior_history) + 1, sampled, modules, scaling, device, X_val, candidates,
                settings, prior_labels(class_prior, settings["n_parzen_samples"], parzen_seed), parzen_seed,
            )
            try:
                result = train_gan(
                    generator,
                    discriminator,
                    torch.tensor(model_rows, dtype=torch.float32, device=device),
                    loss=loss,
                    g_optimizer=optimizers[0],
                    d_optimizer=optimizers[1],
                    latent_dim=settings["latent_dim"],
                    noise=settings["noise"],
                    d_steps=loss.default_d_steps if self.d_steps == "auto" else self.d_steps,
                    batch_size=self.batch_size,
                    max_iter=n_epochs,
                    y=None if y_train is None else torch.as_tensor(y_train, dtype=torch.long, device=device),
                    first_epoch=len(prior_history) + 1,
                    on_epoch_end=on_epoch_end,
                    autocast_dtype=None if self.mixed_precision is None else getattr(torch, self.mixed_precision),
                    compile_options=self._compile_options(),
                    average=average,
                )
            finally:
                on_epoch_end.close()
        report_stop(result, n_before=len(prior_history))
        if early_stopping is not None:
            early_stopping.restore_best(*modules)
        self.generator_, self.discriminator_, self._scaling = sampled, discriminator, scaling
        if transformer is None:
            self.__dict__.pop("transformer_", None)
        else:
            self.transformer_ = transformer
        self._raw_generator = None if average is None else generator
        self._n_average_updates = None if average is None else average.n_updates
        self._optimizer_state = tuple(opt.state_dict() for opt in optimizers)
        self.history_ = prior_history + result.history
        self.n_iter_ = len(self.history_)
        self.best_validation_score_ = None if early_stopping is None else early_stopping.best_score
        self.device_ = str(device)
        self._parzen_seed = parzen_seed
        self._fitted_settings = settings
        if classes is None:
            self.__dict__.pop("classes_", None)
            self._class_prior = None
        elif not resume:
            self.classes_, self._class_prior = classes, class_prior
        self.bandwidth_ = self._choose_bandwidth(X_val, candidates)
        return self

    def _build_networks(self, settings, device, n_classes, n_features):
        """The networks for rows of ``n_features`` (the transformer's codes, when there is one)."""
        conditional = {} if n_classes is None else {"n_classes": n_classes}
        if self.transformer is not None:  # image_shape then only describes X, for plots
            for role in ("generator", "discriminator"):
                if _is_convolutional(settings[role]):
                    raise ValueError(
                        f"The {role} is convolutional, but with a transformer the networks see its "
                        "codes, not images; use MLP networks with a transformer, or no transformer."
                    )
        elif settings["image_shape"] is not None:
            conditional["image_shape"] = settings["image_shape"]
        latent_dim = settings["latent_dim"]
        generator = build_network(
            settings["generator"], GENERATORS, "generator",
            latent_dim=latent_dim, n_features=n_features, **conditional,
        ).to(device)
        discriminator = build_network(
            settings["discriminator"], DISCRIMINATORS, "discriminator", n_features=n_features, **conditional
        ).to(device)
        check_network_shapes(generator, discriminator, latent_dim, n_features, device, n_classes)
        return generator, discriminator

    def _training_generator(self):
        """The fitted generator that training continues from: ``generator_`` unless that is an average."""
        return self.generator_ if self._raw_generator is None else self._raw_generator

    def _generator_average(self, generator, resume):
        """The moving average of the generator's weights that training updates, or None."""
        if self.ema_decay is None:
            return None
        if resume and self._raw_generator is not None:
            return ExponentialMovingAverage(self.generator_, self.ema_decay, self._n_average_updates)
        return ExponentialMovingAverage.of(generator, self.ema_decay)

    def _make_optimizers(self, generator, discriminator, loss, resume):
        """Optimizers of both networks; a warm start resumes their state when the kind is unchanged."""
        cls, kwargs = optimizer_settings(self.optimizer, self.optimizer_kwargs, loss)
        d_rate = self.learning_rate if self.discriminator_learning_rate is None else self.discriminator_learning_rate
        states = self._optimizer_state if resume else None
        return make_optimizers((generator, discriminator), (self.learning_rate, d_rate), cls, kwargs, states)

    def _compile_options(self):
        if self.compile is False:
            return None
        return {} if self.compile is True else dict(self.compile)

    def _epoch_end_hooks(self, n_epochs, first_epoch, sampled, modules, scaling, device, X_val,
                         candidates, settings, window_labels, parzen_seed):
        """The per-epoch callback: progress display and early stopping.

        Early stopping scores a window drawn from ``sampled`` (the generator
        or its average) and remembers the state of all ``modules``.
        """
        reporter = EpochReporter(n_epochs, self.verbose, first_epoch)
        early_stopping = EarlyStopping(self.n_iter_no_change, self.tol) if self.early_stopping else None

        def on_epoch_end(record):
            stop = False
            if early_stopping is not None:
                was_training = sampled.training
                sampled.eval()
                window = generate_rows(
                    sampled, scaling, device, settings["latent_dim"], settings["noise"],
                    settings["n_parzen_samples"], parzen_seed, window_labels,
                )
                sampled.train(was_training)
                record["val_score"] = _best_mean_log_likelihood(window, X_val, candidates, device)
                stop = early_stopping.update(record["val_score"], *modules)
            reporter.update(record)
            return stop

        on_epoch_end.close = reporter.close
        return on_epoch_end, early_stopping

    def _validation_split(self, n_samples, rng, y_idx=None):
        """Indices of the rows to train on and of the held-out rows (None when unused).

        With labels, every class keeps at least one training row.
        """
        if not (self._chooses_bandwidth() or self.early_stopping):
            return np.arange(n_samples), None
        n_val = max(1, int(round(self.validation_fraction * n_samples)))
        order = rng.permutation(n_samples)
        val, train = order[:n_val], order[n_val:]
        if y_idx is not None:
            for label in np.setdiff1d(y_idx, y_idx[train]):
                first = val[y_idx[val] == label][0]
                train, val = np.append(train, first), val[val != first]
        if len(train) < 2 or len(val) == 0:
            raise ValueError(
                f"GANSampler needs at least 2 training rows (one of each class) and 1 "
                f"held-out row after holding out validation_fraction="
                f"{self.validation_fraction} of the {n_samples} rows for bandwidth "
                "selection or early stopping; pass more rows, or a float bandwidth "
                "without early stopping."
            )
        return train, val

    def _chooses_bandwidth(self):
        return isinstance(self.bandwidth, str) or np.ndim(self.bandwidth) > 0

    def _bandwidth_candidates(self, X):
        """The bandwidths to choose from: the scaled paper grid, the user's, or the fixed one."""
        if isinstance(self.bandwidth, str):
            span = float(np.max(X.max(0) - X.min(0)))
            return PAPER_BANDWIDTHS * (span if span > 0 else 1.0)
        candidates = np.atleast_1d(np.asarray(self.bandwidth, dtype=np.float64))
        if candidates.ndim != 1 or candidates.size == 0 or not np.all(np.isfinite(candidates) & (candidates > 0)):
            raise ValueError(
                "bandwidth candidates must be a non-empty 1-D array of positive "
                f"finite floats, got {self.bandwidth!r}."
            )
        return candidates

    def _choose_bandwidth(self, X_val, candidates):
        if not self._chooses_bandwidth():
            return float(self.bandwidth)
        return float(select_bandwidth(self._parzen_window(), X_val, candidates, device=self.device_))

    def _generate(self, n_samples, seed, labels=None):
        """``n_samples`` generated rows in the user's units, float64."""
        return generate_rows(
            self.generator_, self._scaling, torch.device(self.device_), self._fitted_settings["latent_dim"],
            self._fitted_settings["noise"], n_samples, seed, labels,
        )

    def _parzen_window(self):
        """The fixed set of generated rows the Parzen estimate is built on.

        A conditional GAN's window draws its classes from the training
        frequencies, so the score is of the marginal density of X.
        """
        n_window = self._fitted_settings["n_parzen_samples"]
        return self._generate(n_window, self._parzen_seed, prior_labels(self._class_prior, n_window, self._parzen_seed))

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows from the trained generator.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows, for a GAN fitted with labels: one label for
            all rows or one per row. Each row is generated conditioned on its
            class. None draws the classes from the training frequencies.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise. None uses the estimator's ``random_state``: when
            that is an int, every call returns the same rows (as
            :meth:`sklearn.mixture.GaussianMixture.sample` does); pass
            different seeds for different rows.

        Returns
        -------
        X_new : ndarray of shape (n_samples, ``n_features_in_``)
            Generated rows in the units of the training data.
        """
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        rng = check_random_state(self.random_state if random_state is None else random_state)
        seed = int(rng.randint(_MAX_SEED))
        labels = requested_labels(getattr(self, "classes_", None), self._class_prior, int(n_samples), y, seed)
        return self._generate(int(n_samples), seed, labels)

    def score_samples(self, X):
        """Parzen-window log-likelihood of each row of X.

        The window is ``n_parzen_samples`` generated rows, drawn with a seed
        fixed at fit, so a row's score never depends on the other rows or on
        the call.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Log-likelihood of each row in nats; higher is better.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return parzen_log_likelihood(X, self._parzen_window(), self.bandwidth_, device=self.device_)

    def score(self, X, y=None):
        """Mean Parzen-window log-likelihood of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            Mean log-likelihood in nats; higher is better.
        """
        return float(np.mean(self.score_samples(X)))

    def parzen_score(self, X):
        """Mean Parzen log-likelihood of X with its standard error.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.

        Returns
        -------
        result : ParzenScore
            ``mean`` and ``std_error`` (population standard deviation over
            ``sqrt(n_samples)``, the paper's ± figure); prints as
            ``mean ± std_error``.
        """
        return mean_and_std_error(self.score_samples(X))

    def __getstate__(self):
        state = super().__getstate__()
        if torch.device(state.get("device_", "cpu")).type != "cpu":
            for name in ("generator_", "discriminator_", "_raw_generator", "_optimizer_state"):
                state[name] = to_cpu(copy.deepcopy(state[name]))
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "device_" not in state or torch.device(self.device_).type == "cpu":
            return
        try:
            device = resolve_device(self.device_)
        except ValueError:
            warnings.warn(
                f"This GANSampler was fitted on {self.device_!r}, which is not "
                "available here; its networks were loaded on the CPU.",
                UserWarning,
            )
            device = torch.device("cpu")
        for network in (self.generator_, self.discriminator_, self._raw_generator):
            if network is not None:
                network.to(device)
        self.device_ = str(device)

    def save(self, path):
        """Save the fitted estimator to one file that loads without running code.

        The file holds the parameters, the network weights, the optimizer
        state and the other fitted attributes as plain values and tensors;
        :func:`skgan.load` reads it back with
        ``torch.load(..., weights_only=True)``. Networks and the loss must be
        presets or skgan's own spec and loss objects, and the optimizer a
        name; use pickle or joblib for custom ones.

        Parameters
        ----------
        path : str or path-like
            File to write.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If a network cannot be stored without code.

        See Also
        --------
        skgan.load : Load a saved estimator.
        skgan.persistence.save : The same, as a function.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> import skgan
        >>> X = np.random.RandomState(0).normal(size=(100, 2))
        >>> gan = skgan.GANSampler(latent_dim=4, max_iter=2, n_parzen_samples=100, random_state=0).fit(X)
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = os.path.join(folder.name, "model.skgan")
        >>> gan.save(path)
        >>> np.array_equal(skgan.load(path).sample(3), gan.sample(3))
        True
        >>> folder.cleanup()
        """
        from . import persistence

        persistence.save(self, path)


"""GANSampler: a generative adversarial network as a scikit-learn estimator."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _fit_plan as plan
from ._arguments import MAX_SEED, check_positive_int
from ._distributed import process_group, sharded_rows
from ._fitted import FittedAttribute
from ._frames import is_frame
from ._generation import requested_labels
from ._threads import thread_budget
from ._training import OPTIMIZERS, PrivateSteps, TrainingSteps
from .losses import LOSSES
from .metrics import mean_and_std_error, parzen_log_likelihood
from .networks import DISCRIMINATORS, GENERATORS, ModuleFactory
from .persistence._api import model_file_class
from .persistence._api import save as save_model
from .preprocessing import TabularEncoder


@model_file_class
class GANSampler(DensityMixin, BaseEstimator):
    """Generative adversarial network for DataFrames and arrays, with a Parzen-window score.

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
    max_iter : "auto" or int, default="auto"
        Number of epochs (passes of the discriminator over the data).
        ``"auto"`` is 100, but on a table (``encoder="auto"`` given a
        DataFrame of mixed columns) the epochs of 500 steps: a fit's cost
        that stops growing with the table's rows once it has a few
        thousand (the tables guide).
    batch_size : "auto" or int, default="auto"
        Minibatch size, at least 2 (batch normalisation needs two rows);
        capped at the number of training rows. ``"auto"`` is 64, and 512 on
        a table.
    learning_rate : "auto" or float, default="auto"
        Learning rate of the generator, and of the discriminator unless
        ``discriminator_learning_rate`` is set. ``"auto"`` is 2e-4, and
        1e-3 on a table (with its larger minibatches).
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
    ema_decay : "auto", float in [0, 1) or None, default="auto"
        Sample from an exponential moving average of the generator's
        weights, updated after every generator step with this decay ("G_ema"
        of progressive GANs, StyleGAN and BigGAN; Yazici et al., 2019),
        which smooths out the oscillation of adversarial training. ``0.999``
        averages over roughly the last thousand steps; the first updates use
        the smaller decay ``(1 + t) / (10 + t)``. ``generator_`` is then the
        averaged network; training, including warm starts, continues from
        the trained weights. None samples from the trained weights.
        ``"auto"`` is None, and 0.99 on a table.
    moment_weight : "auto" or float >= 0, default="auto"
        Weight of a penalty on the generator for the gap between the means
        and second moments of its rows and the real rows', which teaches a
        table its category shares and co-occurrences (tables guide). ``"auto"``
        is 0 (off) but on a table: 3 up to 1,000 training rows, growing as
        their square root to 10 from about 11,000 rows.
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
    encoder : {"auto", "scale"} or TabularEncoder, default="auto"
        How rows become the networks' columns. ``"auto"`` encodes a table
        (a DataFrame with integer, boolean, categorical or text columns, or
        missing values) with a :class:`~skgan.preprocessing.TabularEncoder`
        seeded from ``random_state``, and scales numeric data per feature
        (``"scale"``). With a table the generator ends with a softmax per
        categorical block, both networks are conditioned on categories
        (training-by-sampling, unless fitted with ``y``), ``sample`` returns
        a DataFrame with the table's columns and dtypes and takes
        ``conditions``, and scores are computed in the table's
        standardised-and-one-hot encoding (see :meth:`score_samples`). An
        encoder object (e.g. ``TabularEncoder(max_modes=5)``, or
        ``set_params(encoder__max_modes=5)``) encodes any data, arrays too.
    constraints : list of skgan.constraints objects, default=None
        Rules every row of the table obeys (:mod:`skgan.constraints`:
        ``Range``, ``Inequality``, ``FixedCombinations``, ``Sum``,
        ``Custom``), so that every sampled row obeys them too: by
        construction where a reversible transform exists, by rejection
        otherwise (see the user guide's "Constraints"). ``fit`` checks that
        every training row obeys them (a ValueError names the rows); the
        data is then encoded as a table. A ``Custom`` constraint cannot be
        saved to a model file.
    privacy : skgan.privacy.DPSGD, default=None
        A differential-privacy budget: the fitted model and every row it
        generates are ``(epsilon, delta)``-differentially private with
        respect to the rows given to fit. The encoder's statistics spend a
        share of it, and the discriminator trains by DP-SGD on
        Poisson-sampled rows (Opacus's accountant; the ``privacy`` extra).
        No row is held out (``bandwidth="cv"`` chooses on generated rows),
        moment matching is off, and settings that would let real rows
        reach the model otherwise (a transformer, early stopping, a loss
        with a gradient penalty, ``warm_start``) are a ValueError. The
        spent budget is ``privacy_spent_``. See the user guide's
        "Differential privacy".
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
    distributed : "auto" or bool, default="auto"
        Data-parallel training across the processes of a
        ``torch.distributed`` group: ``"auto"`` trains data-parallel when a
        default process group of two or more processes is initialised, or
        the script runs under ``torchrun`` (which starts the group, NCCL on
        CUDA, Gloo on the CPU), but not inside a joblib or dask worker (a
        grid search's fits run alone); ``True`` requires a group; ``False``
        fits in this process alone. Each process trains on its share of
        every minibatch (``batch_size`` rows per process) through
        ``DistributedDataParallel``, and every process ends with the same
        fitted estimator; ``score``, ``score_samples`` and the bandwidth's
        choice share the rows to score among the processes. ``fit`` and the
        scores are then collective: call them on every process, with the
        same data. See the user guide's "Scaling out".
    n_threads : "auto", int or None, default="auto"
        Torch's intra-op threads while training and sampling on the CPU.
        ``"auto"`` chooses from the size of a training step (of a forward
        pass of the generator over 1,024 rows for ``sample``): one thread for networks
        and batches as small as those of most tables (extra threads gain
        little there on an idle machine and cost many times over on a busy
        one), one more per 128M multiply-adds of a step's forward passes,
        never more than torch's setting (``torch.set_num_threads``). The
        choice depends on the networks, the batch size and torch's setting
        only, never on the machine's load, so a fit stays bitwise
        reproducible (which holds at a fixed thread count). An int uses
        that many threads; None leaves torch's setting. Inside a parallel
        worker (a grid search's ``n_jobs``), at most the worker's share of
        the cores. Torch's setting is restored after the fit and after
        each ``sample``.
    bandwidth : "cv", float or array-like of float, default="cv"
        Parzen window width in the units of ``X``. ``"cv"`` chooses it among
        the paper's candidates ``logspace(-1, 0, 10)``, multiplied by the
        largest feature range of ``X`` (so the grid is the paper's for data
        spanning [0, 1]), by the best mean log-likelihood on a held-out
        validation split; an array gives the candidates explicitly. The
        choice is made when first needed (``score``, ``score_samples``,
        ``bandwidth_``, ``save``), not by ``fit``: a model that is only
        sampled from never pays for it. Until then the fitted estimator
        keeps the held-out rows; a data-parallel fit chooses at once.
    n_parzen_samples : int, default=10000
        Number of generated rows in the Parzen window (10,000 in the paper).
    handle_unknown : {"error", "-inf"}, default="error"
        What ``score`` and ``score_samples`` do with rows of a table that the
        model cannot represent: a category that no row given to fit had, a
        missing value in a numeric column that had none, or a value that is
        not a number in a numeric column. The generator never makes such
        rows, so their density under the model is zero: ``"error"`` raises a
        ValueError that names the column and the value, ``"-inf"`` gives
        them the log-likelihood ``-inf`` (and ``score`` is then ``-inf``).
        Numeric arrays have no such rows (non-finite values are errors).
    validation_fraction : float, default=0.1
        Fraction of ``X`` held out from training to choose the bandwidth
        and to monitor early stopping; used only when one of them needs it.
    early_stopping : bool, default=False
        Evaluate the Parzen log-likelihood of the held-out rows after each
        epoch (at the best candidate bandwidth, with the full window), stop
        when it has not improved by more than ``tol`` for
        ``n_iter_no_change`` epochs, and keep the networks of the best epoch.
        Costs one Parzen evaluation per epoch. A shortcut for
        ``callbacks=[EarlyStopping("val_score", n_iter_no_change=..., tol=...)]``.
    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.
    tol : float, default=1e-4
        Improvement, in nats, that early stopping counts as progress.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, minibatches, noise, dropout, the
        validation split and the Parzen window. An int gives
        bitwise-identical fits and samples on CPU at a fixed number of torch
        threads, also while other threads fit or draw random numbers: fit
        draws from generators of its own, never from torch's global one, and
        leaves torch's global random state alone. Custom networks (a module,
        class or factory) are the exception: they are built with torch's
        global generator seeded from ``random_state`` (under a lock against
        other fits), and their own draws (``torch.nn.Dropout``) use it too,
        so they are reproducible only while no other thread draws from it.
    verbose : int, default=0
        Show progress when positive: a progress bar with the latest losses
        if tqdm is installed (``pip install "skgan[progress]"``), else one
        line per epoch (a :class:`~skgan.callbacks.ProgressBar`).
    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted networks (with
        their optimizer state) for ``max_iter`` more epochs instead of
        starting afresh; ``history_`` and ``n_iter_`` keep counting.
    callbacks : list of :class:`~skgan.callbacks.Callback`, default=None
        Code to run during fit: at its start and end, and at each epoch and
        batch (:mod:`skgan.callbacks`: ``EarlyStopping``, ``Checkpoint``,
        ``CSVLogger``, ``ProgressBar``, ``History``, or a subclass of
        ``Callback``). A callback stops training by returning True from
        ``on_epoch_end``; the completed epochs are kept. ``early_stopping``
        and ``verbose`` are shortcuts that add an ``EarlyStopping`` and a
        ``ProgressBar``; a callback of the same class given here takes
        their place. Fit uses clones of these (``callbacks_`` holds them,
        with their state); they are not saved with ``save``.

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
        Best held-out Parzen log-likelihood of the last fit's epochs, when
        they were scored (early stopping, or a callback monitoring
        ``val_score``); else None. ``history_`` records then hold each
        epoch's ``val_score``.
    device_ : str
        Device the networks live on.
    transformer_ : transformer object
        The fitted clone of ``transformer``. Defined only when
        ``transformer`` is given.
    callbacks_ : list of Callback
        The callbacks the last fit used, with what they recorded (e.g.
        ``EarlyStopping.best_epoch_``): ``callbacks_[i]`` is the fitted clone
        of ``callbacks[i]``. Defined after a fit with ``callbacks``; not
        after ``skgan.load``.
    classes_ : ndarray of shape (n_classes,)
        Class labels of a conditional GAN (fitted with ``y``). Defined only
        then.
    privacy_spent_ : tuple of (float, float)
        ``(epsilon, delta)`` a private fit spent (``privacy``): the
        statistics' share and the DP-SGD steps taken (all of them, those of
        epochs rolled back or interrupted too). Defined only after a
        private fit.
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
        "max_iter": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 2, None, closed="left")],
        "learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "discriminator_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "optimizer_kwargs": [dict, None],
        "ema_decay": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left"), None],
        "moment_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "transformer": [HasMethods(["fit", "transform", "inverse_transform"]), None],
        "encoder": [StrOptions({"auto", "scale"}), HasMethods(["fit", "transform", "inverse_transform", "to_plain"])],
        "constraints": [list, None],
        "privacy": [HasMethods(["budget", "noise_multiplier", "checked"]), None],
        "image_shape": ["array-like", None],
        "device": [str, torch.device],
        "mixed_precision": [StrOptions({"bfloat16", "float16"}), None],
        "compile": ["boolean", dict],
        "distributed": [StrOptions({"auto"}), "boolean"],
        "n_threads": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "bandwidth": [StrOptions({"cv"}), Interval(Real, 0, None, closed="neither"), "array-like"],
        "n_parzen_samples": [Interval(Integral, 1, None, closed="left")],
        "handle_unknown": [StrOptions({"error", "-inf"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "callbacks": [list, tuple, None],
    }

    # The fitted attributes: each reads one field of the fitted state (skgan._fitted owns them).
    generator_ = FittedAttribute("generator")
    discriminator_ = FittedAttribute("discriminator")
    bandwidth_ = FittedAttribute("bandwidth", read="choose_bandwidth", write="set_bandwidth")
    history_ = FittedAttribute("history")
    n_iter_ = FittedAttribute("n_iter")
    best_validation_score_ = FittedAttribute("best_validation_score")
    device_ = FittedAttribute("device")
    transformer_ = FittedAttribute("transformer", optional=True)
    encoder_ = FittedAttribute("encoder", optional=True)
    classes_ = FittedAttribute("classes", optional=True)
    callbacks_ = FittedAttribute("callbacks", optional=True)
    privacy_spent_ = FittedAttribute("privacy_spent", optional=True)

    def __init__(
        self,
        generator="mlp",
        discriminator="mlp",
        *,
        latent_dim=100,
        noise="normal",
        loss="nonsaturating",
        d_steps="auto",
        max_iter="auto",
        batch_size="auto",
        learning_rate="auto",
        discriminator_learning_rate=None,
        optimizer="adam",
        optimizer_kwargs=None,
        ema_decay="auto",
        moment_weight="auto",
        transformer=None,
        encoder="auto",
        constraints=None,
        privacy=None,
        image_shape=None,
        device="auto",
        mixed_precision=None,
        compile=False,
        distributed="auto",
        n_threads="auto",
        bandwidth="cv",
        n_parzen_samples=10000,
        handle_unknown="error",
        validation_fraction=0.1,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        verbose=0,
        warm_start=False,
        callbacks=None,
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
        self.moment_weight = moment_weight
        self.transformer = transformer
        self.encoder = encoder
        self.constraints = constraints
        self.privacy = privacy
        self.image_shape = image_shape
        self.device = device
        self.mixed_precision = mixed_precision
        self.compile = compile
        self.distributed = distributed
        self.n_threads = n_threads
        self.bandwidth = bandwidth
        self.n_parzen_samples = n_parzen_samples
        self.handle_unknown = handle_unknown
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.callbacks = callbacks

    def __sklearn_is_fitted__(self):
        return "_fitted" in self.__dict__

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
        if isinstance(params.get("encoder", self.encoder), str) and any(k.startswith("encoder__") for k in params):
            params = {**params, "encoder": TabularEncoder()}
        return super().set_params(**params)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the GAN on the rows of X.

        With ``warm_start=True`` and an earlier fit, training continues from
        the fitted networks and optimizer state for ``max_iter`` more epochs.

        Ctrl-C (``KeyboardInterrupt``) after the first completed epoch stops
        the fit with a warning and keeps the completed epochs, with the
        weights and optimizer state of the last one; at the end of the fit
        (early stopping's restore) it also skips the rest. A second Ctrl-C, or
        one before any epoch completed, aborts: the estimator is left as it
        was before ``fit``.

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

        The bandwidth is chosen again after each call, as after ``fit``,
        when next needed.

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
        """Fit; on any error, an interrupt before an epoch completed or a second interrupt, undo."""
        previous = dict(self.__dict__)
        try:
            with thread_budget():  # inside a joblib worker: only the worker's share of the cores
                return plan.fit(self, X, y, n_epochs, resume and self.__sklearn_is_fitted__())
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise

    def training_steps(self):
        """The class whose steps train the networks: override it in a subclass to change a step.

        Each fit builds one instance of the returned class with the fit's
        :class:`~skgan.training.TrainingContext` and calls its
        ``discriminator_step`` and ``generator_step`` for every minibatch
        (see :class:`~skgan.training.TrainingSteps`). The epochs, the
        minibatches, their random draws, the callbacks and interrupts stay
        the estimator's.

        Returns
        -------
        steps : type
            :class:`~skgan.training.TrainingSteps` or a subclass of it.

        Examples
        --------
        >>> import numpy as np
        >>> import torch
        >>> from skgan import GANSampler
        >>> from skgan.training import TrainingSteps
        >>> class ClippedSteps(TrainingSteps):  # the discriminator's gradients clipped to norm 1
        ...     def update_discriminator(self, loss):
        ...         stepper = self.context.discriminator_stepper
        ...         stepper.backward(loss)
        ...         stepper.unscale()
        ...         torch.nn.utils.clip_grad_norm_(self.context.discriminator.parameters(), max_norm=1.0)
        ...         stepper.step()
        >>> class ClippedGAN(GANSampler):
        ...     def training_steps(self):
        ...         return ClippedSteps
        >>> X = np.random.RandomState(0).normal(size=(100, 2))
        >>> ClippedGAN(max_iter=2, n_parzen_samples=100, random_state=0).fit(X).n_iter_
        2
        """
        return TrainingSteps if self.privacy is None else PrivateSteps

    def sample(self, n_samples=None, *, y=None, conditions=None, random_state=None):
        """Generate rows from the trained generator.

        Parameters
        ----------
        n_samples : int, default=None
            Number of rows to generate: None gives one row, or one per row
            of a DataFrame of ``conditions``.
        y : label or array-like of shape (n_samples,), default=None
            Classes of the rows, for a GAN fitted with labels: one label for
            all rows or one per row. Each row is generated conditioned on its
            class. None draws the classes from the training frequencies.
        conditions : dict or DataFrame, default=None
            For a GANSampler fitted on a table. A dict ``{column: condition}``,
            each condition one value for all rows, a list (array, Series) of
            one value per row, or a tuple ``(low, high)``: the closed
            interval, None leaving a side open (numbers and dates). A
            DataFrame of partial rows: one row per row, its given cells kept
            and its missing cells generated. Every returned row meets its
            conditions. On a discrete column (categorical, boolean, or
            numeric with few values) they hold by construction (the
            generator is conditioned on the value), however rare it was in
            training. An interval on a continuous, integer or date column is
            met by rejection, exact but slower for rare intervals (about
            100 generated rows per row for one holding 1% of the rows).
            A value of such a column is approximate conditioning: of 8
            generated rows, the nearest is kept and given the value. A value
            the table did not have, an interval outside the column's range
            at fit, or one the model gives (nearly) zero probability is a
            ValueError, as are conditions held by fewer than one in 1,000
            generated rows. See the user guide's "Conditions".
        random_state : int, RandomState instance or None, default=None
            Seeds the noise. None uses the estimator's ``random_state``: when
            that is an int, every call returns the same rows (as
            :meth:`sklearn.mixture.GaussianMixture.sample` does). For new
            rows at each call (e.g. repeated augmentation) pass one
            ``numpy.random.RandomState``, which each call advances.

        Returns
        -------
        X_new : ndarray or DataFrame of shape (n_samples, ``n_features_in_``)
            Generated rows in the units of the training data: a DataFrame
            with its columns and dtypes when fitted on a DataFrame (with the
            index of a DataFrame of ``conditions``).

        Examples
        --------
        >>> import pandas as pd
        >>> from skgan import GANSampler
        >>> X = pd.DataFrame({"age": [23, 35, 47, 59, 31, 44] * 10, "smoker": ["no", "yes", "no"] * 20})
        >>> model = GANSampler(max_iter=2, random_state=0).fit(X)
        >>> rows = model.sample(5, conditions={"age": (30, 40), "smoker": "yes"})
        >>> bool(rows["age"].between(30, 40).all()), bool((rows["smoker"] == "yes").all())
        (True, True)
        >>> model.sample(conditions=pd.DataFrame({"smoker": ["no", None]})).shape
        (2, 2)
        """
        check_is_fitted(self)
        n_samples = _requested_rows(n_samples, conditions)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        seed = int(rng.randint(MAX_SEED))
        state = self._fitted
        labels = requested_labels(state.classes, state.class_prior, n_samples, y, seed)
        return self._fitted.generate(n_samples, seed, labels, conditions, self.n_threads)

    def score_samples(self, X):
        """Parzen-window log-likelihood of each row of X.

        The window is ``n_parzen_samples`` generated rows, drawn with a seed
        fixed at fit, so a row's score never depends on the other rows or on
        the call.

        For a table the rows and the window are compared in the encoding
        that the distance-based metrics of :mod:`skgan.metrics` use, fitted
        on the rows given to fit: each numeric column standardised (and a
        0/1 column for its missing values), each category a 0/1 column. The
        score is then a density in that space: comparable between models of
        the same training table (score another model's samples with the
        same encoding), not with scores of numeric data. Rows the model
        cannot represent (an unseen category, say) are errors, or ``-inf``:
        see ``handle_unknown``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Log-likelihood of each row in nats; higher is better.
        """
        check_is_fitted(self)
        state = self._fitted
        X, unknown = state.codec.check_rows(self, X)
        with sharded_rows(process_group(self.distributed, self.device_)):  # collective inside a process group
            window = state.parzen_window()
            scores = (parzen_log_likelihood(X, window, state.choose_bandwidth(window), device=self.device_)
                      if len(X) else np.empty(0))
        if unknown is None:
            return scores
        every = np.full(len(unknown), -np.inf)
        every[~unknown] = scores
        return every

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
        if "_fitted" in state:
            state["_fitted"] = state["_fitted"].for_pickle()
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_fitted" in state:
            state["_fitted"].after_unpickle(type(self).__name__)

    def save(self, path):
        """Save the fitted estimator to one file that loads without running code.

        The file holds the parameters, the network weights, the optimizer
        state and the other fitted attributes as plain values and tensors;
        :func:`skgan.load` reads it back with
        ``torch.load(..., weights_only=True)``. Networks and the loss must be
        presets or skgan's own spec and loss objects, and the optimizer a
        name; use pickle or joblib for custom ones. Callbacks are not saved.

        Parameters
        ----------
        path : str or path-like
            File to write; an existing file is replaced only once the new
            one is complete.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If a network cannot be stored without code.

        See Also
        --------
        skgan.load : Load a saved estimator.
        skgan.save : The same, as a function.

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
        save_model(self, path)


def _requested_rows(n_samples, conditions):
    """The rows ``sample`` returns: ``n_samples``, or one per row of a DataFrame of conditions."""
    if is_frame(conditions):
        if n_samples is not None and n_samples != len(conditions):
            raise ValueError(f"n_samples={n_samples!r}, but conditions is a DataFrame of {len(conditions)} rows: "
                             "sample gives one row per row of it; leave n_samples out.")
        return check_positive_int(len(conditions), "the number of rows of conditions")
    return 1 if n_samples is None else check_positive_int(n_samples, "n_samples")

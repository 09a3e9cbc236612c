"""What every data codec does: the one interface between the user's rows and the networks' rows.

A fit keeps one codec (:attr:`skgan._fitted.FittedState.codec`), chosen once
(:func:`skgan._codecs.codec_for`) by the kind of data: numeric arrays and
numeric DataFrames (:class:`~skgan._codecs.ArrayCodec`), a user's
transformer's codes (:class:`~skgan._codecs.TransformerCodec`), mixed
tables (:class:`~skgan._codecs.TableCodec`). Fit, sample, score and save
call the methods below and never ask which kind they hold.
"""

import numpy as np

from .._training import ARRAY_SETTINGS
from ..networks import DCGANDiscriminator, DCGANGenerator


def network_sizes(n_features, n_classes=None, image_shape=None, output_layout=None):
    """The keyword arguments a network spec is called with (the optional ones only when set)."""
    sizes = {"n_features": n_features, "n_classes": n_classes, "image_shape": image_shape,
             "output_layout": output_layout}
    return {name: value for name, value in sizes.items() if value is not None}


def is_convolutional(network):
    return network == "dcgan" or isinstance(network, (DCGANGenerator, DCGANDiscriminator))


def check_networks_see_rows(settings, case):
    """Where the networks see codes, not images (``case``), convolutional networks are an error."""
    for role in ("generator", "discriminator"):
        if is_convolutional(settings[role]):
            raise ValueError(
                f"The {role} is convolutional, but {case} the networks see encoded "
                f"columns, not images; use MLP networks {case}."
            )


class DataCodec:
    """The interface of a data codec; each method's contract, for the three codecs and a new one.

    A codec is made unfitted by :func:`~skgan._codecs.codec_for` and fitted
    in the order of a fit:

    1. :meth:`check_fit_rows` checks the user's ``X`` (and ``y``);
    2. :meth:`fit` learns from the training rows and returns them in the
       codec's units (``codes``);
    3. :meth:`network_sizes` gives the sizes the networks are built with;
    4. :meth:`fit_output` fits the map to the generator's output range and
       returns the training rows in the networks' units.

    A fitted codec then serves the rest: :meth:`model_rows` (a warm start's
    training rows), :meth:`condition_sampler` (training-by-sampling),
    :meth:`auto_settings` (what the ``"auto"`` training parameters mean),
    :meth:`score_rows`, :meth:`score_span` and :meth:`check_rows` (the
    space of the Parzen score), :meth:`generate` (rows in the user's type)
    and :meth:`to_plain` (its part of the model file; each codec also has
    a ``from_plain``, chosen by :func:`~skgan._codecs.codec_from_plain`).

    ``scaling`` maps between model rows and the rows :meth:`generate`
    decodes (``to_model``, ``to_data``, ``n_data_features``); ``encoder``
    and ``transformer`` are the fitted table encoder and transformer, or
    None.
    """

    scaling = None
    encoder = None
    transformer = None

    def check_fit_rows(self, estimator, X, y, reset):
        """``(X, y)`` checked for a fit (``validate_data``; ``reset`` on a cold fit)."""
        raise NotImplementedError

    def fit(self, X_train, labelled, seed, verbose=0, X_seen=None, epsilon=None, delta=None):
        """Learn from the training rows (``labelled``: the fit has ``y``); the rows in the codec's units.

        ``seed`` seeds what the codec draws; ``verbose`` is the fit's (0 on
        the other processes of a data-parallel fit); ``X_seen`` are all the
        rows given to fit (the training rows and those held out to validate),
        or None when they are ``X_train``.

        ``epsilon`` (a private fit's share for the codec, a positive float)
        makes every statistic the codec keeps, and that :meth:`fit_output`
        uses, ``epsilon``-DP in total (basic composition of the mechanisms of
        :mod:`skgan.privacy._mechanisms`, their noise drawn from
        ``numpy.random.default_rng(seed)``); only ``X_train`` is read then
        (``X_seen`` is ignored). None: exact statistics. ``delta``: what a
        choice among the rows' own values may add (a value held by one row is
        kept with at most that probability, over all columns; None: ``1 /
        (10 n)``); numeric arrays make no such choice.
        """
        raise NotImplementedError

    def network_sizes(self, settings, n_classes):
        """The keyword arguments of the network specs (:func:`network_sizes`); errors for networks that cannot fit."""
        raise NotImplementedError

    def fit_output(self, generator, codes, X_train):
        """Fit the map to ``generator``'s output range; the training rows in the networks' units."""
        raise NotImplementedError

    def model_rows(self, X):
        """Rows in the networks' units (a warm start's training rows)."""
        return self.scaling.to_model(X)

    def condition_sampler(self, model_rows, device):
        """The training-by-sampling of a fit on ``model_rows``, or None."""
        return None

    def auto_settings(self, n_rows):
        """What the ``"auto"`` training parameters stand for with ``n_rows`` training rows (an ``AutoSettings``)."""
        return ARRAY_SETTINGS

    def score_rows(self, X):
        """Rows in the space of the Parzen score (checked rows of the user's type)."""
        return X

    def score_span(self, X):
        """The largest range of a column of ``X`` in the score space (the bandwidth grid's scale)."""
        return float(np.max(X.max(0) - X.min(0)))

    def check_rows(self, estimator, X):
        """``(rows, unknown)``: the rows to score, checked against the fit, in the space of the Parzen score.

        ``unknown`` is None, or a boolean mask of the rows of ``X`` that the
        model cannot represent (left out of ``rows``) when the estimator's
        ``handle_unknown`` is ``"-inf"``; with ``"error"`` they raise a
        ValueError.
        """
        raise NotImplementedError

    def generate(self, draw, n_samples, seed, labels=None, conditions=None):
        """``n_samples`` rows of the user's type; ``draw(labels)`` runs the generator (float64 rows)."""
        raise NotImplementedError

    def to_plain(self):
        """This codec's entries of the model file's fitted state (plain values and tensors)."""
        raise NotImplementedError

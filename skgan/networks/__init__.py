"""Generator and discriminator networks.

A network is given to :class:`~skgan.GANSampler` as a *factory*: anything
called with keyword arguments that returns a :class:`torch.nn.Module`.

- The generator factory is called as ``factory(latent_dim=..., n_features=...)``
  and its module maps noise ``(batch, latent_dim)`` to rows
  ``(batch, n_features)``.
- The discriminator factory is called as ``factory(n_features=...)`` and its
  module maps rows ``(batch, n_features)`` to one output per row, shape
  ``(batch,)`` or ``(batch, 1)``: a logit for the paper's losses
  (``D(x) = sigmoid(logit)``), a raw score for the others.
- A conditional fit adds ``n_classes=...`` to both calls, and the modules
  are called with a second argument, the integer class of each row.
- With ``GANSampler(image_shape=...)``, factories that accept an
  ``image_shape`` argument get ``image_shape=(C, H, W)``; rows stay flat.
- When the columns follow an :class:`~skgan.preprocessing.OutputLayout`
  with categorical blocks (mixed-type tables), generator factories that
  accept an ``output_layout`` argument get it; :class:`MLPGenerator` then
  ends in a ``LayoutActivation`` (a Gumbel-softmax per block).

:class:`MLPGenerator`, :class:`MLPDiscriminator`,
:class:`MaxoutDiscriminator`, :class:`DCGANGenerator` and
:class:`DCGANDiscriminator` are such factories and also scikit-learn
parameter holders, so their settings take part in ``get_params``,
``set_params``, ``clone`` and grid searches through nested names such as
``generator__hidden_layer_sizes``. A ``torch.nn.Module`` subclass with that
constructor contract works as well; :class:`ModuleFactory` makes its other
constructor arguments nested parameters.

A generator module may declare ``output_range = (low, high)`` (bounds of its
output activation) or ``output_range = None`` (unbounded); the estimator
scales the data to that range. Modules without the attribute are assumed to
end in ``tanh``, the usual convention, i.e. ``(-1, 1)``.
"""

# Besides the public names, the helpers that the rest of skgan imports and the
# module classes (pickles written before this package was split name them
# skgan.networks.<class>) stay importable from here; their homes are the
# private modules.
from ._common import OUTPUT_RANGES, check_image_shape, output_range, with_labels  # noqa: F401
from ._dcgan import (  # noqa: F401
    DCGANDiscriminator,
    DCGANDiscriminatorModule,
    DCGANGenerator,
    DCGANGeneratorModule,
)
from ._factory import ModuleFactory, build_network, call_factory, check_network_shapes  # noqa: F401
from ._heads import LayoutActivation  # noqa: F401
from ._maxout import Maxout, MaxoutDiscriminator, MaxoutDiscriminatorModule  # noqa: F401
from ._mlp import (  # noqa: F401
    MLPDiscriminator,
    MLPDiscriminatorModule,
    MLPGenerator,
    MLPGeneratorModule,
)
from ._presets import DISCRIMINATORS, GENERATORS  # noqa: F401

__all__ = [
    "OUTPUT_RANGES",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "Maxout",
    "MaxoutDiscriminator",
    "ModuleFactory",
]

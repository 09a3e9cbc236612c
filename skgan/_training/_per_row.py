"""Each real row's gradient of the discriminator, clipped, and their sum: what DP-SGD's step needs.

Two ways, one interface (:func:`row_clipper`): ``clipper(rows, *labels)``
runs the discriminator on the rows and remembers what their gradients need;
``clipper.clipped_sum(outputs, per_row, bound)`` backpropagates each row's
loss gradient at its output (``per_row``) and returns, for each parameter,
the sum over rows of the row's gradient scaled to norm at most ``bound``.

- :class:`LinearRows`, for discriminators whose layers with weights are all
  ``torch.nn.Linear`` on rows (skgan's MLP and maxout discriminators): a
  row's gradient of a linear layer is the outer product of the gradient at
  its output and its input, so its squared norm is the product of their
  squared norms, and the clipped sum is one matrix product of the scaled
  output gradients and the inputs (Goodfellow, 2015; the "ghost clipping"
  of Li et al., 2022). No row's gradient is ever held: a step costs about
  what an ordinary step costs.
- :class:`OpacusRows`, for any other layers Opacus knows (convolutions,
  normalisations, embeddings): Opacus's per-sample gradient hooks, each
  row's gradient materialised, then scaled and summed.
"""

import torch

__all__ = ["LinearRows", "OpacusRows", "row_clipper"]


def _weighted_layers(module):
    return [m for m in module.modules() if any(p.requires_grad for p in m.parameters(recurse=False))]


def row_clipper(discriminator):
    """The clipper for ``discriminator``: :class:`LinearRows` where it applies, else :class:`OpacusRows`."""
    if getattr(discriminator, "pac", 1) != 1:
        raise ValueError(
            "A private fit clips each row's gradient, which a PacGAN discriminator (pac > 1) does not have: "
            "use pac=1 with privacy."
        )
    layers = _weighted_layers(discriminator)
    if layers and all(type(layer) is torch.nn.Linear for layer in layers):
        return LinearRows(discriminator, layers)
    return OpacusRows(discriminator)


class LinearRows:
    """Clipped sums of rows' gradients of a network whose layers with weights are ``torch.nn.Linear``."""

    def __init__(self, module, layers):
        self.module, self.layers = module, layers
        self.parameters = [p for p in module.parameters() if p.requires_grad]
        self._inputs, self._output_grads, self._active = {}, {}, False
        self._handles = [layer.register_forward_hook(self._capture) for layer in layers]

    def _capture(self, layer, inputs, output):
        if not self._active:
            return
        if layer in self._inputs or inputs[0].dim() != 2:
            raise ValueError(
                "A private fit's discriminator must apply each linear layer once, to one row of features per "
                "row; this one does not (a layer used twice, or on sequences)."
            )
        self._inputs[layer] = inputs[0].detach()
        output.register_hook(lambda grad: self._output_grads.__setitem__(layer, grad.detach()))

    def __call__(self, rows, *labels):
        self._inputs.clear()
        self._output_grads.clear()
        self._active = True
        try:
            return self.module(rows, *labels)
        finally:
            self._active = False

    def clipped_sum(self, outputs, per_row, bound):
        """For each parameter, the sum of the rows' gradients, each scaled to norm at most ``bound``."""
        # the backward pass: the hooks keep each layer's output gradient (the weights' own sums are not used)
        torch.autograd.grad(outputs, self.parameters, per_row, allow_unused=True)
        norms2 = 0.0
        for layer in self.layers:
            a, b = self._inputs[layer], self._output_grads[layer]
            norms2 = norms2 + a.square().sum(1) * b.square().sum(1)
            if layer.bias is not None and layer.bias.requires_grad:
                norms2 = norms2 + b.square().sum(1)
        factors = (bound / (norms2.sqrt() + 1e-6)).clamp(max=1.0)
        sums = {}
        for layer in self.layers:
            scaled = self._output_grads[layer] * factors[:, None]
            sums[layer.weight] = scaled.T @ self._inputs[layer]
            if layer.bias is not None:
                sums[layer.bias] = scaled.sum(0)
        self._inputs.clear()
        self._output_grads.clear()
        return [sums[p] if p in sums else torch.zeros_like(p) for p in self.parameters]

    def close(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []


class OpacusRows:
    """Clipped sums of rows' gradients through Opacus's per-sample gradient hooks (any layer Opacus knows)."""

    def __init__(self, module):
        from opacus.grad_sample import GradSampleModule

        try:
            self.per_sample = GradSampleModule(module, batch_first=True, loss_reduction="sum", strict=True)
        except (NotImplementedError, ValueError) as exc:
            raise ValueError(
                "A private fit needs each row's gradient of the discriminator, which Opacus computes for layers "
                "such as Linear, Conv, LayerNorm and GroupNorm, not for batch norm (it mixes the rows of a batch) "
                f"or layers it does not know: {str(exc).strip()} Use MLPDiscriminator(batch_norm=False) or such "
                "layers."
            ) from None
        self.per_sample.disable_hooks()  # on only while the real rows pass
        self.parameters = [p for p in module.parameters() if p.requires_grad]

    def __call__(self, rows, *labels):
        self.per_sample.enable_hooks()
        try:
            return self.per_sample(rows, *labels)
        finally:
            self.per_sample.disable_hooks()

    def clipped_sum(self, outputs, per_row, bound):
        parameters = self.parameters
        self.per_sample.enable_hooks()
        try:
            outputs.backward(per_row)
        finally:
            self.per_sample.disable_hooks()
        samples = [p.grad_sample for p in parameters]
        norms = torch.stack([g.reshape(g.shape[0], -1).norm(dim=1) for g in samples], dim=1).norm(dim=1)
        factors = (bound / (norms + 1e-6)).clamp(max=1.0)
        sums = [torch.tensordot(factors, g, dims=1) for g in samples]
        for p in parameters:
            p.grad_sample, p.grad = None, None
        return sums

    def close(self):
        self.per_sample._close()

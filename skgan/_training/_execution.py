"""Where training runs: the one place that decides single-process or data-parallel execution.

The loop asks its execution for the modules to run forward passes through,
for this process's share of each minibatch drawn for all processes, for the
epoch's loss sums over all processes and for a stop decision they share.
:class:`LocalExecution` is one process on one device;
:class:`DataParallelExecution` is one of several processes of a
``torch.distributed`` group (started by ``torchrun``), each with its share of
every minibatch: both networks are wrapped in ``DistributedDataParallel``,
which averages their gradients over the processes in each backward pass, and
batch normalisation is synchronised over the processes.
"""

import contextlib
import copy
import inspect
import itertools

import torch
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.parallel import DistributedDataParallel

from .._random import row_draws_for_ranks

#: DistributedDataParallel's switch for broadcasting buffers at each forward (renamed in recent torch).
_NO_BUFFER_SYNC = (
    "forward_sync_buffers"
    if "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters
    else "broadcast_buffers"
)


class LocalExecution:
    """One process, one device."""

    is_main_process = True
    world_size = 1

    def forward_modules(self, generator, discriminator, compile_options=None):
        """``(generator, discriminator, judge)``: the modules of the forward passes, compiled when asked.

        ``judge`` is the discriminator the generator's step runs through.
        """
        if compile_options is not None:
            generator = torch.compile(generator, **compile_options)
            discriminator = torch.compile(discriminator, **compile_options)
        return generator, discriminator, discriminator

    def share(self, drawn):
        """This process's part of ``drawn``, a tensor drawn for all processes (here: all of it)."""
        return drawn

    def row_draws(self):
        """The context of the training steps, in which the networks' and losses' row draws are this process's part."""
        return contextlib.nullcontext()

    def mean_over_processes(self, sums):
        """The epoch's loss sums, combined over processes (here: as they are)."""
        return sums

    def agree(self, flag):
        """A decision every process takes alike (here: ``flag``)."""
        return bool(flag)


class DataParallelExecution:
    """One process of a data-parallel fit: a rank of ``group`` (a :class:`skgan._distributed.ProcessGroup`).

    Every rank draws the same minibatch rows, noise and conditions for all
    ranks from the fit's generator (seeded alike on every rank) and keeps its
    :meth:`share`: rank ``r`` of ``R`` takes rows ``r*b`` to ``(r+1)*b`` of a
    minibatch of ``R*b``, so that ``R`` ranks with ``batch_size=b`` take the
    steps one process takes with ``batch_size=R*b``.
    """

    def __init__(self, group, device):
        self.group = group
        self.device = torch.device(device)

    @property
    def is_main_process(self):
        return self.group.is_main_process

    @property
    def world_size(self):
        return self.group.world_size

    def forward_modules(self, generator, discriminator, compile_options=None):
        """The networks with synchronised batch norm, wrapped in ``DistributedDataParallel``.

        They share their parameters and buffers with ``generator`` and
        ``discriminator``, which keep their own batch-norm layers. The
        generator's step judges through the discriminator without the
        wrapper: its gradients there are never used, so they are not averaged.
        """
        generator, judge = synchronised_batch_norm(generator), synchronised_batch_norm(discriminator)
        options = {_NO_BUFFER_SYNC: False}  # synchronised batch norm keeps the running statistics alike
        if self.device.type == "cuda":
            options["device_ids"] = [self.device.index]
        forwards = (DistributedDataParallel(generator, **options), DistributedDataParallel(judge, **options), judge)
        if compile_options is not None:
            forwards = tuple(torch.compile(module, **compile_options) for module in forwards)
        return forwards

    def share(self, drawn):
        return drawn[self.group.shard(drawn.shape[0])]

    def row_draws(self):
        return row_draws_for_ranks(self.group.rank, self.group.world_size)

    def mean_over_processes(self, sums):
        return self.group.mean(sums)

    def agree(self, flag):
        return self.group.agree(flag)


def execution_for(group, device):
    """The execution of a fit: data-parallel in ``group`` (a ProcessGroup), or local for None."""
    return LocalExecution() if group is None else DataParallelExecution(group, device)


def local_execution():
    """The execution of a fit in one process on one device."""
    return LocalExecution()


class _SumOverProcesses(torch.autograd.Function):
    """The sum of a tensor over the processes, differentiable (its gradient is the sum of theirs), twice too."""

    @staticmethod
    def forward(ctx, tensor):
        total = tensor.clone()
        torch.distributed.all_reduce(total)
        return total

    @staticmethod
    def backward(ctx, grad):
        return _SumOverProcesses.apply(grad.contiguous())


def sum_over_processes(tensor):
    return _SumOverProcesses.apply(tensor)


class GlooSyncBatchNorm(_BatchNorm):
    """Batch normalisation over the minibatch of all processes, through differentiable all-reduces.

    ``torch.nn.SyncBatchNorm`` runs only on accelerators; this one runs on the
    CPU (Gloo) too. In training it sums the rows of every process and their
    squares (in float64, in one all-reduce, differentiable: the gradients are
    those of one process normalising the whole minibatch, at the cost of one
    more all-reduce in the backward pass), and updates the running statistics as
    ``torch.nn.BatchNorm1d`` does with the whole minibatch. In evaluation it
    is plain batch normalisation with the running statistics.
    """

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2-D input (got {input.dim()}-D input)")

    def forward(self, input):
        self._check_input_dim(input)
        if not self.training and self.track_running_stats:
            return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0,
                                self.eps)
        dims = [0, *range(2, input.dim())]
        shape = [1, input.shape[1]] + [1] * (input.dim() - 2)
        width, wide = input.shape[1], input.double()  # float64 sums: E[x^2] - E[x]^2 without cancellation
        local = torch.cat([wide.sum(dims), wide.square().sum(dims), wide.new_tensor([input.numel() // width])])
        total = sum_over_processes(local)  # one all-reduce forward, one backward
        count = total[2 * width].detach()
        mean = total[:width] / count
        var = (total[width : 2 * width] / count - mean.square()).clamp_min(0)
        mean, var = mean.to(input.dtype), var.to(input.dtype)
        if self.training and self.track_running_stats:
            self._update_running(mean.detach(), var.detach(), count.item())
        centred = input - mean.view(shape)
        output = centred * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            output = output * self.weight.view(shape) + self.bias.view(shape)
        return output

    @torch.no_grad()
    def _update_running(self, mean, var, count):
        self.num_batches_tracked.add_(1)
        factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
        self.running_mean.lerp_(mean, factor)
        self.running_var.lerp_(var * (count / max(count - 1.0, 1.0)), factor)


def _convert(module, sync_class):
    if isinstance(module, _BatchNorm):
        converted = sync_class(module.num_features, module.eps, module.momentum, module.affine,
                               module.track_running_stats)
        for name in ("weight", "bias"):
            setattr(converted, name, getattr(module, name))
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            setattr(converted, name, getattr(module, name))
        converted.train(module.training)
        return converted
    for name, child in module.named_children():
        module.add_module(name, _convert(child, sync_class))
    return module


def synchronised_batch_norm(module):
    """``module`` with its batch-norm layers synchronised over the processes (the module itself when it has none).

    The result is a copy sharing every parameter and buffer with ``module``
    (what training changes in one changes in the other), with
    ``torch.nn.SyncBatchNorm`` on CUDA and :class:`GlooSyncBatchNorm`
    elsewhere in place of each batch-norm layer.
    """
    if not any(isinstance(layer, _BatchNorm) for layer in module.modules()):
        return module
    tensors = list(itertools.chain(module.parameters(), module.buffers()))
    twin = copy.deepcopy(module, memo={id(tensor): tensor for tensor in tensors})
    on_cuda = any(tensor.is_cuda for tensor in tensors)
    return _convert(twin, torch.nn.SyncBatchNorm if on_cuda else GlooSyncBatchNorm)

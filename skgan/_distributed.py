"""The process group of a data-parallel fit: finding it, starting it under ``torchrun``, and its collectives.

skgan launches no processes and has no engine of its own. ``torchrun`` (or
the user's own ``torch.distributed.init_process_group``) starts the
processes; a fit with ``distributed="auto"`` then finds the group here
(:func:`process_group`), starting it from ``torchrun``'s environment when
nobody has yet, with the backend that follows the device (NCCL on CUDA,
Gloo on the CPU). :class:`ProcessGroup` holds this process's place in it and
the few collectives skgan needs besides ``DistributedDataParallel``'s own:
a shared seed, a shared decision, a mean, the rows of a shard gathered.

Sharded scoring (:func:`sharded_rows`) is a context: inside it, the Parzen
engine computes this rank's share of the rows and gathers the others'.
"""

import contextlib
import contextvars
import multiprocessing
import os
from dataclasses import dataclass

import numpy as np
import torch

from ._threads import _dask_share, _in_joblib_worker

#: The variables ``torchrun`` sets in each process it starts (``LOCAL_RANK`` too).
TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def launched_by_torchrun():
    """Whether ``torchrun`` started this process: its environment, in a process that is no one's worker.

    The processes that a joblib or dask worker pool starts inherit the
    environment of a ``torchrun`` process, but are not ranks.
    """
    return all(name in os.environ for name in TORCHRUN_VARIABLES) and multiprocessing.parent_process() is None


def in_parallel_worker():
    """Whether this thread runs a task of a joblib or dask worker: one fit among several in parallel."""
    return _in_joblib_worker() or _dask_share() is not None


def backend_for(device):
    """The backend a device's collectives need: NCCL for CUDA, Gloo for the CPU."""
    return "nccl" if torch.device(device).type == "cuda" else "gloo"


def _distributed():
    """``torch.distributed``, or None where this build of torch has none."""
    if not torch.distributed.is_available():
        return None
    return torch.distributed


@dataclass(frozen=True)
class ProcessGroup:
    """This process's place in the default process group, and the collectives skgan uses.

    ``device`` is where the collectives' tensors live: the fit's CUDA device
    with NCCL, else the CPU.
    """

    rank: int
    world_size: int
    backend: str
    device: torch.device

    @property
    def is_main_process(self):
        """Rank 0: the process that shows progress and writes files."""
        return self.rank == 0

    def shard(self, n):
        """This rank's contiguous share ``slice`` of ``n`` items (the shares differ by at most one)."""
        return slice(n * self.rank // self.world_size, n * (self.rank + 1) // self.world_size)

    def broadcast_int(self, value):
        """Rank 0's ``value`` (a non-negative int below 2**63), on every rank."""
        tensor = torch.tensor([int(value)], dtype=torch.int64, device=self.device)
        torch.distributed.broadcast(tensor, src=0)
        return int(tensor.item())

    def agree(self, flag):
        """Rank 0's decision ``flag``, on every rank (a stop decision all ranks share)."""
        return bool(self.broadcast_int(bool(flag)))

    def mean(self, tensor):
        """The mean of ``tensor`` over the ranks (a new tensor on ``tensor``'s device)."""
        total = tensor.detach().to(self.device, copy=True)
        torch.distributed.all_reduce(total)
        return (total / self.world_size).to(tensor.device)

    def same_everywhere(self, values, what):
        """A ValueError unless every rank holds the same float64 ``values`` (e.g. a fingerprint of its data)."""
        mine = torch.as_tensor(np.asarray(values, dtype=np.float64), device=self.device)
        extremes = torch.cat([mine, -mine])  # the largest and minus the smallest, in one all-reduce
        torch.distributed.all_reduce(extremes, op=torch.distributed.ReduceOp.MAX)
        if not torch.equal(extremes[: len(mine)], -extremes[len(mine) :]):
            raise ValueError(
                f"In a data-parallel fit every rank must pass the same {what}; the {self.world_size} ranks "
                "passed different ones. Load the same data on every rank (each rank trains on its own share of "
                "the minibatches), or pass distributed=False to fit each process on its own."
            )

    def gather_rows(self, local, n):
        """Every rank's ``local`` (shape ``(k, n_local)``, its :meth:`shard` of ``n`` columns), side by side."""
        k, widest = local.shape[0], -(-n // self.world_size)
        padded = torch.zeros(k, widest, dtype=torch.float64, device=self.device)
        padded[:, : local.shape[1]] = torch.as_tensor(local, dtype=torch.float64, device=self.device)
        parts = [torch.empty_like(padded) for _ in range(self.world_size)]
        torch.distributed.all_gather(parts, padded)
        widths = [n * (r + 1) // self.world_size - n * r // self.world_size for r in range(self.world_size)]
        return torch.cat([part[:, :width] for part, width in zip(parts, widths, strict=True)], dim=1).cpu().numpy()


def _start_from_environment(device):
    dist = torch.distributed
    backend = backend_for(device)
    if backend == "nccl":
        torch.cuda.set_device(rank_device(device))
    dist.init_process_group(backend)


def rank_device(device):
    """The device of this rank: a CUDA device without an index becomes ``cuda:LOCAL_RANK``."""
    device = torch.device(device)
    if device.type != "cuda" or device.index is not None:
        return device
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    return torch.device("cuda", local_rank % max(1, torch.cuda.device_count()))


def process_group(setting, device):
    """The process group a fit with ``distributed=setting`` on ``device`` runs in, or None for one process.

    ``"auto"`` uses an initialised default group of two or more processes,
    and starts one from ``torchrun``'s environment when none is initialised,
    except in a joblib or dask worker (one of several fits in parallel, e.g.
    of a grid search, which must not run collectives concurrently);
    ``True`` does the same but a ValueError when there is none; ``False``
    never. A group of one process is None.
    """
    if setting is False or (setting == "auto" and in_parallel_worker()):
        return None
    dist = _distributed()
    if dist is not None and not dist.is_initialized() and launched_by_torchrun():
        _start_from_environment(device)
    if dist is None or not dist.is_initialized():
        if setting is True:
            raise ValueError(
                "distributed=True needs a process group: launch the script with torchrun "
                "(torchrun --nproc-per-node N script.py) or call torch.distributed.init_process_group first."
            )
        return None
    world_size = dist.get_world_size()
    if world_size < 2:
        return None
    backend = str(dist.get_backend())
    device = rank_device(device)
    if backend == "nccl" and device.type != "cuda":
        raise ValueError(
            f"The process group's backend is NCCL, which reduces only CUDA tensors, but the device is "
            f"{device}; use a CUDA device, or a Gloo process group for CPU training."
        )
    comm_device = device if backend == "nccl" else torch.device("cpu")
    return ProcessGroup(dist.get_rank(), world_size, backend, comm_device)


_SHARDED = contextvars.ContextVar("skgan_sharded_rows", default=None)


@contextlib.contextmanager
def sharded_rows(group):
    """Inside: the Parzen engine computes ``group``'s rank share of the rows and gathers all (None: no-op)."""
    token = _SHARDED.set(group)
    try:
        yield group
    finally:
        _SHARDED.reset(token)


def sharding_group():
    """The process group whose ranks share the rows being scored now, or None."""
    return _SHARDED.get()

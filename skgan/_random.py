"""The random streams of one fit: torch generators of its own, never torch's global state.

A fit makes a :class:`FitRandom` from its seed and activates it with
:func:`fit_random` for its duration. The active streams live in a
:class:`contextvars.ContextVar`, so each thread (and each asyncio task) sees
only its own fit's: two fits in two threads draw from two generators, and a
thread drawing from torch's global generator meanwhile changes neither.

Code that draws inside a fit (network initialisation, dropout masks, the
gradient penalty, the training loop) asks :func:`generator_for` for the
generator of the device it draws on. Outside a fit it gets None, which torch
reads as its global generator, so the same code keeps working (and draws as
torch's own modules would) when it is used on its own.

User code that draws from torch's global generator (the constructor of a
custom network) cannot be given a generator; :func:`global_random` runs it
under a process-wide lock with torch's global generator seeded, and restores
the global state afterwards. That is reproducible as long as no other
thread, outside skgan, draws from torch's global generator at the same time.
"""

import contextlib
import threading
from contextvars import ContextVar

import torch

_ACTIVE = ContextVar("skgan_fit_random", default=None)
_ROW_SHARE = ContextVar("skgan_row_share", default=None)  # (rank, n_ranks) in a data-parallel training step
#: Serialises the code that seeds torch's global generator (custom network constructors).
_GLOBAL_LOCK = threading.RLock()


class FitRandom:
    """One fit's torch generators, one per device, each seeded with ``seed``.

    A generator is made the first time its device asks for one, so a fit on
    the CPU has exactly one: initialisation and training draw from it in
    order.
    """

    def __init__(self, seed):
        self.seed = int(seed)
        self._generators = {}

    def generator(self, device):
        try:
            return self._generators[device]
        except KeyError:
            pass
        canonical = torch.device(device)
        if canonical.type == "cuda" and canonical.index is None:
            canonical = torch.device("cuda", torch.cuda.current_device())
        if canonical not in self._generators:
            self._generators[canonical] = torch.Generator(device=canonical).manual_seed(self.seed)
        self._generators[device] = self._generators[canonical]  # later look-ups by the name given
        return self._generators[canonical]


@contextlib.contextmanager
def fit_random(seed):
    """Draw from fresh generators seeded with ``seed`` inside the block (this thread only); yields them."""
    streams = FitRandom(seed)
    token = _ACTIVE.set(streams)
    try:
        yield streams
    finally:
        _ACTIVE.reset(token)


def generator_for(device):
    """The active fit's generator on ``device``, or None (torch's global generator) outside a fit."""
    streams = _ACTIVE.get()
    return None if streams is None else streams.generator(device)


@contextlib.contextmanager
def row_draws_for_ranks(rank, n_ranks):
    """Inside: :func:`rand` and :func:`rand_like` draw for the rows of ``n_ranks`` processes and keep ``rank``'s.

    A data-parallel training step runs inside it: each process holds its
    share (rows ``rank*n`` to ``(rank+1)*n``) of a minibatch of
    ``n_ranks*n`` rows, and its dropout masks, gradient-penalty weights and
    Gumbel noise are those rows' part of the draws one process would make
    for the whole minibatch (the generator advances alike on every process).
    """
    token = _ROW_SHARE.set((rank, n_ranks))
    try:
        yield
    finally:
        _ROW_SHARE.reset(token)


def _uniform_rows(shape, device, dtype, generator):
    share = _ROW_SHARE.get()
    if share is None or not shape:
        return torch.empty(shape, dtype=dtype, device=device).uniform_(generator=generator)
    rank, n_ranks = share
    n = shape[0]
    drawn = torch.empty((n * n_ranks, *shape[1:]), dtype=dtype, device=device).uniform_(generator=generator)
    return drawn[rank * n : (rank + 1) * n]


def rand_like(tensor, generator=None):
    """Uniforms on [0, 1) like ``tensor``, from ``generator`` or else the active fit's generator.

    The same draws as ``torch.rand_like`` from that generator (its rows' part
    of them, inside :func:`row_draws_for_ranks`).
    """
    generator = generator_for(tensor.device) if generator is None else generator
    if _ROW_SHARE.get() is None:
        return torch.empty_like(tensor).uniform_(generator=generator)
    return _uniform_rows(tuple(tensor.shape), tensor.device, tensor.dtype, generator)


def rand(*shape, device=None, dtype=None):
    """Uniforms on [0, 1) of ``shape`` on ``device``, from the active fit's generator (see :func:`rand_like`)."""
    device = torch.device("cpu") if device is None else torch.device(device)
    dtype = torch.get_default_dtype() if dtype is None else dtype
    return _uniform_rows(shape, device, dtype, generator_for(device))


@contextlib.contextmanager
def global_random(seed, devices=(), lock=True):
    """Seed torch's global generators with ``seed`` for user code that draws from them; restore them after.

    With ``lock``, holds a process-wide lock for the whole block, so two
    skgan fits never run such code at the same time (a custom network's
    constructor); without, only while seeding and restoring. ``devices`` are
    the CUDA device indices whose state is restored as well.
    """
    with _GLOBAL_LOCK if lock else contextlib.nullcontext():
        with _GLOBAL_LOCK:
            saved = torch.get_rng_state(), [torch.cuda.get_rng_state(device) for device in devices]
            torch.manual_seed(seed)
        try:
            yield
        finally:
            with _GLOBAL_LOCK:
                torch.set_rng_state(saved[0])
                for device, state in zip(devices, saved[1], strict=True):
                    torch.cuda.set_rng_state(state, device)

"""Where training runs: the one place that decides single-device or distributed execution.

The loop asks its execution for the modules to run forward passes through and
for the epoch's loss sums over all processes. Today every fit runs in one
process on one device (:class:`LocalExecution`); a data-parallel execution
(``DistributedDataParallel`` under ``torchrun``) is a second implementation
of the same two methods, chosen by :func:`local_execution`'s successor
without touching the loop.
"""

import torch


class LocalExecution:
    """One process, one device."""

    is_main_process = True

    def forward_modules(self, generator, discriminator, compile_options=None):
        """The modules the loop calls for forward passes: the networks, compiled when asked."""
        if compile_options is None:
            return generator, discriminator
        return torch.compile(generator, **compile_options), torch.compile(discriminator, **compile_options)

    def mean_over_processes(self, sums):
        """The epoch's loss sums, combined over processes (here: as they are)."""
        return sums


def local_execution():
    """The execution of a fit: one process on one device."""
    return LocalExecution()

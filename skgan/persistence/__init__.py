"""Saving and loading fitted estimators without pickle: the skgan model file, end to end.

Public: :func:`save`, :func:`load`, :data:`FORMAT`, :data:`VERSION` and
:class:`~skgan.exceptions.InvalidModelFile` (also ``skgan.save`` and
``skgan.load``). Inside, one module per concern:

- ``_format``: the file itself (header and sizes checked before anything
  large is read, format version and upgrades, checksum, atomic write);
- ``_pickle_scan``: the pickle's opcodes read before anything is built: how
  many values, how deep, how wide a stack;
- ``_validators``: the one set of checks of plain values read back, each an
  ``InvalidModelFile`` that names the field, and the conversions to plain
  values (also used by the codecs and the table encoder, which sit below
  this package: hence this package imports its submodules on first use);
- ``_parameters``: the estimator's parameters as plain values and back;
- ``_state``: the fitted state as plain values and tensors and back;
- ``_api``: :func:`save` and :func:`load`.

See the persistence page of the user guide for what a model file promises.
"""

import importlib

__all__ = ["FORMAT", "VERSION", "InvalidModelFile", "load", "save"]

_PUBLIC = {"save": "._api", "load": "._api", "FORMAT": "._format", "VERSION": "._format",
           "InvalidModelFile": "..exceptions"}


def __getattr__(name):
    # Imported on first use: the codecs and the table encoder import ``._validators`` while skgan is being
    # imported, before the modules that ``_api`` needs exist.
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)

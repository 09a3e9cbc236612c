"""Checks of the dict-valued options that reach torch: ``compile`` and ``optimizer_kwargs``.

Both parameters are passed on as keyword arguments (to :func:`torch.compile`
and to the optimizer's constructor), so a value read from a model file must
not be able to choose a program, a path or a directory: some of
``torch.compile``'s inductor options do exactly that (``cpp.cxx`` names the
C++ compiler it runs, ``trace.debug_dir`` a directory it writes). The checks
here are allow-lists: the keys and values that skgan knows to be harmless.
Fit applies them to the user's own values, and ``load`` to the saved ones,
so a file can never hold what fit would refuse.
"""

import inspect
from numbers import Real

from ._training import OPTIMIZERS
from .persistence._validators import short_repr

#: ``torch.compile``'s keyword arguments that skgan passes on.
COMPILE_KEYS = ("fullgraph", "dynamic", "backend", "mode", "options", "disable")
#: Named backends (a callable backend is the user's own code, which a model file cannot hold).
COMPILE_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs")
COMPILE_MODES = (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
#: Inductor options that only switch optimizations on or off (booleans): none names a program, path or directory.
COMPILE_OPTIONS = (
    "aggressive_fusion",
    "coordinate_descent_tuning",
    "epilogue_fusion",
    "fallback_random",
    "freezing",
    "layout_optimization",
    "max_autotune",
    "max_autotune_gemm",
    "max_autotune_pointwise",
    "shape_padding",
    "triton.cudagraphs",
)


def check_compile_options(value, name="compile"):
    """The ``compile`` parameter as ``torch.compile``'s keyword arguments (None: no compilation).

    ``False`` is None and ``True`` is ``{}``; a dict is checked against the
    allow-lists of this module and returned as a new dict. Anything else is
    a ValueError that names the offending key.
    """
    if value is False or value is None:
        return None
    if value is True:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a bool or a dict of torch.compile arguments, got {short_repr(value)}.")
    unknown = sorted(str(key) for key in value if key not in COMPILE_KEYS)
    if unknown:
        raise ValueError(f"{name} has unknown keys {unknown}; skgan passes on only {list(COMPILE_KEYS)}.")
    options = dict(value)
    for key in ("fullgraph", "disable"):
        if key in options and not isinstance(options[key], bool):
            raise ValueError(f"{name}[{key!r}] must be True or False, got {short_repr(options[key])}.")
    if "dynamic" in options and not (options["dynamic"] is None or isinstance(options["dynamic"], bool)):
        raise ValueError(f"{name}['dynamic'] must be True, False or None, got {short_repr(options['dynamic'])}.")
    backend = options.get("backend", "inductor")
    if not (backend in COMPILE_BACKENDS if isinstance(backend, str) else callable(backend)):
        raise ValueError(f"{name}['backend'] must be one of {list(COMPILE_BACKENDS)} (or your own callable), "
                         f"got {short_repr(backend)}.")
    if not isinstance(options.get("mode"), (str, type(None))) or options.get("mode") not in COMPILE_MODES:
        raise ValueError(f"{name}['mode'] must be one of {list(COMPILE_MODES)}, got {short_repr(options.get('mode'))}.")
    if "options" in options:
        options["options"] = _inductor_options(options["options"], name)
        if options.get("mode") is not None and options["options"]:
            raise ValueError(f"{name} can set 'mode' or 'options', not both (torch.compile refuses both).")
    return options


def _inductor_options(value, name):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{name}['options'] must be a dict of inductor options, got {short_repr(value)}.")
    for key, item in value.items():
        if key not in COMPILE_OPTIONS:
            raise ValueError(
                f"{name}['options'] has the key {short_repr(key)}, which skgan does not pass on: only the "
                f"switches {list(COMPILE_OPTIONS)} are allowed (options that name programs, paths or "
                "directories never are)."
            )
        if not isinstance(item, bool):
            raise ValueError(f"{name}['options'][{key!r}] must be True or False, got {short_repr(item)}.")
    return dict(value)


def optimizer_keys(optimizer):
    """The keyword arguments that the named ``optimizer``'s constructor takes, besides ``params`` and ``lr``."""
    cls = OPTIMIZERS[optimizer][0]
    names = inspect.signature(cls.__init__).parameters
    return tuple(name for name in names if name not in ("self", "params", "lr"))


def check_optimizer_kwargs(optimizer, kwargs, name="optimizer_kwargs"):
    """``kwargs`` for the named ``optimizer``: known keys, values numbers, booleans, None or lists of numbers.

    No optimizer that skgan names takes a string, so no value can name a
    program or a path. Returns a new dict (None for None).
    """
    if kwargs is None:
        return None
    if not isinstance(kwargs, dict):
        raise ValueError(f"{name} must be a dict or None, got {short_repr(kwargs)}.")
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {short_repr(optimizer)}.")
    allowed = optimizer_keys(optimizer)
    for key, value in kwargs.items():
        if key not in allowed:
            raise ValueError(f"{name} has the key {short_repr(key)}, which optimizer={optimizer!r} does not take; "
                             f"it takes {list(allowed)}.")
        if not is_number_option(value):
            raise ValueError(f"{name}[{key!r}] must be a number, a boolean, None or a list of numbers, "
                             f"got {short_repr(value)}.")
    return dict(kwargs)


def is_number_option(value):
    """Whether ``value`` is a number, a boolean, None, or a short list or tuple of numbers."""
    if value is None or isinstance(value, (bool, Real)):
        return True
    return isinstance(value, (list, tuple)) and len(value) <= 16 and all(
        isinstance(item, Real) for item in value
    )
